//! Typing, unboxing and boxing of Python values at the native boundary.
//!
//! Leaves (see `oxjit_codegen`): scalars at their natural size (bool as one
//! byte) and arrays as `[meminfo, parent, nitems, itemsize, data, shape..,
//! strides..]` words. Arguments are borrowed: meminfo null, parent = the
//! ndarray. Results own their MemInfo reference, handed to a capsule that
//! becomes the new ndarray's base.

use numpy::npyffi::{self, NpyTypes, PyArrayObject, PY_ARRAY_API};
use oxjit_types::{ArrayTy, Dtype, Layout, Ty};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyList, PyRange, PyTuple};
use std::ffi::{c_void, CStr};

const NPY_ARRAY_C_CONTIGUOUS: i32 = 0x0001;
const NPY_ARRAY_F_CONTIGUOUS: i32 = 0x0002;
const NPY_ARRAY_WRITEABLE: i32 = 0x0400;

/// A compact per-call type key (scalars, arrays, None) for the fast path.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Key {
    codes: [u32; 8],
    len: u8,
}

fn dtype_index(d: Dtype) -> u32 {
    Dtype::ALL.iter().position(|x| *x == d).unwrap_or(0) as u32
}

fn code_of_ty(t: &Ty) -> Option<u32> {
    Some(match t {
        Ty::Scalar(d) => 1 + dtype_index(*d),
        Ty::NoneType => 0x20,
        Ty::Array(a) => {
            let l = match a.layout {
                Layout::C => 0,
                Layout::F => 1,
                Layout::A => 2,
            };
            0x8000_0000
                | (dtype_index(a.dtype) << 16)
                | ((a.ndim as u32) << 4)
                | (l << 1)
                | u32::from(a.readonly)
        }
        // Class numbers are small (one per decorated class).
        Ty::Instance(c) => 0x4000_0000 | (c.class as u32 & 0x3fff_ffff),
        Ty::Str
        | Ty::Tuple(_)
        | Ty::Range
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Generator
        | Ty::Record(_)
        | Ty::RecordArray(_)
        | Ty::Dict(_)
        | Ty::NamedTuple(_)
        | Ty::NamedTupleClass(_)
        | Ty::Class(_)
        | Ty::Optional(_)
        | Ty::List(_)
        | Ty::Unknown => return None,
    })
}

pub fn key_of_types(tys: &[Ty]) -> Option<Key> {
    if tys.len() > 8 {
        return None;
    }
    let mut k = Key {
        codes: [0; 8],
        len: tys.len() as u8,
    };
    for (i, t) in tys.iter().enumerate() {
        k.codes[i] = code_of_ty(t)?;
    }
    Some(k)
}

/// `isinstance(o, numpy.random.Generator)`.
fn is_generator(py: Python<'_>, o: &Bound<'_, PyAny>) -> bool {
    static GEN: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    let Ok(cls) = GEN.get_or_try_init(py, || {
        py.import("numpy.random")
            .and_then(|m| m.getattr("Generator"))
            .map(|c| c.unbind())
    }) else {
        return false;
    };
    o.is_instance(cls.bind(py)).unwrap_or(false)
}

/// The `bitgen_t*` of a Generator's bit generator (NumPy's C interface to
/// its stream; the Generator keeps it alive for the call).
fn bitgen_of(py: Python<'_>, g: &Bound<'_, PyAny>) -> PyResult<u64> {
    let cap = g.getattr("bit_generator")?.getattr("capsule")?;
    let p = unsafe { ffi::PyCapsule_GetPointer(cap.as_ptr(), c"BitGenerator".as_ptr()) };
    if p.is_null() {
        return Err(PyErr::fetch(py));
    }
    Ok(p as u64)
}

fn is_ndarray(py: Python<'_>, o: &Bound<'_, PyAny>) -> bool {
    unsafe { npyffi::PyArray_Check(py, o.as_ptr()) != 0 }
}

fn array_fields<'a>(o: &'a Bound<'_, PyAny>) -> &'a npyffi::objects::PyArrayObject_fields {
    // SAFETY: callers checked that `o` is an ndarray.
    unsafe { &(*(o.as_ptr() as *mut PyArrayObject)).fields }
}

fn array_ty(py: Python<'_>, o: &Bound<'_, PyAny>) -> Result<ArrayTy, String> {
    let _ = py;
    let f = array_fields(o);
    let descr = unsafe { &(*f.descr).fields };
    let dtype = Dtype::from_numpy_type_num(descr.type_num).ok_or_else(|| {
        let name = o.getattr("dtype").map(|d| d.to_string()).unwrap_or_else(|_| "?".into());
        format!("array({name}) (compiled code supports bool, int8..uint64, float32/64 and complex64/128 arrays)")
    })?;
    if descr.byteorder == b'>' as std::ffi::c_char {
        return Err("a non-native byte order array".into());
    }
    let nd = f.nd as u8;
    let layout = if f.flags & NPY_ARRAY_C_CONTIGUOUS != 0 {
        Layout::C
    } else if f.flags & NPY_ARRAY_F_CONTIGUOUS != 0 {
        Layout::F
    } else {
        Layout::A
    };
    Ok(ArrayTy {
        dtype,
        ndim: nd,
        layout,
        readonly: f.flags & NPY_ARRAY_WRITEABLE == 0,
    })
}

/// Fast key for common argument lists; `None` sends the call to the slow path.
pub fn key_of_args(py: Python<'_>, args: &Bound<'_, PyTuple>) -> Option<Key> {
    let n = args.len();
    let mut items = [std::ptr::null_mut(); 8];
    if n > 8 {
        return None;
    }
    for (i, it) in items.iter_mut().enumerate().take(n) {
        // SAFETY: i < len.
        *it = unsafe { ffi::PyTuple_GET_ITEM(args.as_ptr(), i as isize) };
    }
    key_of_objects(py, &items[..n])
}

/// The fast-path key of raw argument objects (vectorcall or tuple items).
pub fn key_of_objects(py: Python<'_>, args: &[*mut ffi::PyObject]) -> Option<Key> {
    if args.len() > 8 {
        return None;
    }
    let mut k = Key {
        codes: [0; 8],
        len: args.len() as u8,
    };
    for (i, &p) in args.iter().enumerate() {
        k.codes[i] = code_of_object(py, p)?;
    }
    Some(k)
}

/// The fast-path code of one argument object (a Python float, bool, int,
/// complex, None or an ndarray), `None` for anything else.
fn code_of_object(py: Python<'_>, p: *mut ffi::PyObject) -> Option<u32> {
    // Raw type-pointer comparisons: this runs on every call.
    let tp = unsafe { ffi::Py_TYPE(p) };
    let t = if tp == &raw mut ffi::PyFloat_Type {
        Ty::F64
    } else if tp == &raw mut ffi::PyBool_Type {
        Ty::BOOL
    } else if tp == &raw mut ffi::PyLong_Type {
        // An int beyond int64 is typed uint64 (or refused) by `typeof_arg`.
        let mut overflow = 0;
        unsafe { ffi::PyLong_AsLongLongAndOverflow(p, &mut overflow) };
        if overflow != 0 {
            return None;
        }
        Ty::I64
    } else {
        let a = unsafe { Bound::from_borrowed_ptr(py, p) };
        if is_ndarray(py, &a) {
            Ty::Array(array_ty(py, &a).ok()?)
        } else if a.is_none() {
            Ty::NoneType
        } else if a.is_exact_instance_of::<PyComplex>() {
            Ty::C128
        } else if let Some((class, ..)) = crate::jitclass::instance_parts(&a) {
            return Some(0x4000_0000 | (class as u32 & 0x3fff_ffff));
        } else {
            return None;
        }
    };
    code_of_ty(&t)
}

/// Whether argument object `p` would be typed `t` (without building its
/// type): how calls with tuple and named tuple arguments find their overload
/// again. `false` when unsure, which sends the call to the typing path.
pub fn obj_matches(py: Python<'_>, p: *mut ffi::PyObject, t: &Ty) -> bool {
    let items_match = |items: &[Ty]| {
        let n = unsafe { ffi::PyTuple_GET_SIZE(p) };
        n as usize == items.len()
            && items.iter().enumerate().all(|(i, it)| {
                // SAFETY: i < size of the tuple `p`.
                obj_matches(py, unsafe { ffi::PyTuple_GET_ITEM(p, i as isize) }, it)
            })
    };
    match t {
        Ty::Tuple(items) => {
            let exact = unsafe { ffi::PyTuple_CheckExact(p) } != 0;
            exact && items_match(items)
        }
        Ty::NamedTuple(nt) => {
            let tp = unsafe { ffi::Py_TYPE(p) } as *mut ffi::PyObject;
            crate::named::is_class(nt.class, tp) && items_match(&nt.items)
        }
        Ty::Scalar(_) | Ty::Array(_) | Ty::NoneType | Ty::Instance(_) => {
            code_of_object(py, p).is_some_and(|c| code_of_ty(t) == Some(c))
        }
        // A list's items are typed again at each call (they may change).
        Ty::Str
        | Ty::Range
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Generator
        | Ty::Record(_)
        | Ty::RecordArray(_)
        | Ty::Dict(_)
        | Ty::NamedTupleClass(_)
        | Ty::Class(_)
        | Ty::Optional(_)
        | Ty::List(_)
        | Ty::Unknown => false,
    }
}

/// Unbox a scalar argument of an exact Python type into one word (the
/// fast path for all-scalar signatures). `None` means "use the slow path".
#[inline]
pub fn unbox_scalar_fast(a: *mut ffi::PyObject, d: Dtype) -> Option<u64> {
    unsafe {
        let tp = ffi::Py_TYPE(a);
        // A fast path for three dtypes: every other dtype takes the slow path.
        #[allow(clippy::wildcard_enum_match_arm)]
        match d {
            Dtype::F64 if tp == &raw mut ffi::PyFloat_Type => {
                Some(ffi::PyFloat_AS_DOUBLE(a).to_bits())
            }
            Dtype::F64 if tp == &raw mut ffi::PyLong_Type => {
                let v = ffi::PyLong_AsDouble(a);
                if v == -1.0 && !ffi::PyErr_Occurred().is_null() {
                    ffi::PyErr_Clear();
                    return None;
                }
                Some(v.to_bits())
            }
            Dtype::I64 if tp == &raw mut ffi::PyLong_Type => {
                let v = ffi::PyLong_AsLongLong(a);
                if v == -1 && !ffi::PyErr_Occurred().is_null() {
                    ffi::PyErr_Clear();
                    return None;
                }
                Some(v as u64)
            }
            Dtype::Bool if tp == &raw mut ffi::PyBool_Type => Some(u64::from(a == ffi::Py_True())),
            _ => None,
        }
    }
}

/// Box a one-word scalar result.
#[inline]
pub fn box_scalar_fast(py: Python<'_>, w: u64, d: Dtype) -> Option<Py<PyAny>> {
    unsafe {
        // A fast path for three dtypes: every other dtype takes the slow path.
        #[allow(clippy::wildcard_enum_match_arm)]
        let p = match d {
            Dtype::F64 => ffi::PyFloat_FromDouble(f64::from_bits(w)),
            Dtype::I64 => ffi::PyLong_FromLongLong(w as i64),
            Dtype::Bool => {
                let b = if w as u8 != 0 {
                    ffi::Py_True()
                } else {
                    ffi::Py_False()
                };
                ffi::Py_IncRef(b);
                b
            }
            _ => return None,
        };
        if p.is_null() {
            return None;
        }
        Some(Bound::from_owned_ptr(py, p).unbind())
    }
}

/// The oxjit type of an argument; jitted functions are appended to `fns`
/// (they become unit functions 1.., after the root).
pub fn typeof_arg(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    fns: &mut Vec<Py<PyAny>>,
) -> Result<Ty, String> {
    if a.is_instance_of::<PyBool>() {
        return Ok(Ty::BOOL);
    }
    if a.is_instance_of::<PyInt>() {
        // Numba types 2**63 .. 2**64-1 as uint64.
        return match (a.extract::<i64>(), a.extract::<u64>()) {
            (Ok(_), _) => Ok(Ty::I64),
            (Err(_), Ok(_)) => Ok(Ty::Scalar(Dtype::U64)),
            (Err(_), Err(_)) => Err(format!("int ({} does not fit in int64 or uint64)", a)),
        };
    }
    if a.is_instance_of::<PyFloat>() {
        return Ok(Ty::F64);
    }
    if a.is_instance_of::<PyComplex>() {
        return Ok(Ty::C128);
    }
    if a.is_none() {
        return Ok(Ty::NoneType);
    }
    if let Some(t) = crate::records::typeof_structured(py, a) {
        return t;
    }
    if is_ndarray(py, a) {
        return array_ty(py, a).map(Ty::Array);
    }
    if let Ok(t) = a.cast::<PyTuple>() {
        let mut items = Vec::new();
        for x in t.iter() {
            items.push(typeof_arg(py, &x, fns)?);
        }
        let cls = a.get_type();
        if crate::named::is_named_tuple_class(&cls) {
            let nt = crate::named::class_ty(&cls, items).map_err(|e| e.to_string())?;
            return Ok(Ty::NamedTuple(Box::new(nt)));
        }
        return Ok(Ty::Tuple(items));
    }
    if a.is_instance_of::<PyRange>() {
        return Ok(Ty::Range);
    }
    if a.is_instance_of::<pyo3::types::PyString>() {
        return Ok(Ty::Str);
    }
    if let Some((t, _)) = crate::typed::typed_parts(a) {
        return Ok(t);
    }
    if let Ok(l) = a.cast::<PyList>() {
        return crate::list::typeof_list(py, l, fns);
    }
    if let Some(t) = crate::dict::typeof_table(py, a, fns) {
        return t;
    }
    if crate::typed::numba_container(a) {
        return crate::typed::numba_container_ty(a);
    }
    if let Some((class, ..)) = crate::jitclass::instance_parts(a) {
        return crate::jitclass::class_ty(class)
            .map(Ty::Instance)
            .ok_or_else(|| format!("jitclass #{class}"));
    }
    if is_generator(py, a) {
        return Ok(Ty::Generator);
    }
    // NumPy scalars (np.float32(1.5), np.int64(3), np.bool_(True)).
    if let Ok(np) = py.import("numpy") {
        if let Ok(generic) = np.getattr("generic") {
            if a.is_instance(&generic).unwrap_or(false) {
                let num: i32 = a
                    .getattr("dtype")
                    .and_then(|d| d.getattr("num"))
                    .and_then(|n| n.extract())
                    .unwrap_or(-1);
                if num == crate::records::RECORD_SCALAR {
                    return crate::records::typeof_record_scalar(a);
                }
                return Dtype::from_numpy_type_num(num)
                    .map(Ty::Scalar)
                    .ok_or_else(|| format!("numpy.{}", type_name(a)));
            }
        }
    }
    if a.hasattr("__oxjit_py_func__").unwrap_or(false) || is_numba_function(a) {
        if let Some(i) = fns.iter().position(|f| f.is(a)) {
            return Ok(Ty::Function(i as u32 + 1));
        }
        fns.push(a.clone().unbind());
        return Ok(Ty::Function(fns.len() as u32));
    }
    Err(type_name(a))
}

/// A function Numba compiles (a `numba.njit` dispatcher or a `@numba.vectorize`
/// DUFunc): oxjit compiles its Python source itself (`_frontend._numba_py_func`).
fn is_numba_function(a: &Bound<'_, PyAny>) -> bool {
    let ty = a.get_type();
    let from_numba = ty
        .module()
        .map(|m| m.to_string().starts_with("numba."))
        .unwrap_or(false);
    if !from_numba {
        return false;
    }
    let name = type_name(a);
    (name.ends_with("Dispatcher") && a.hasattr("py_func").unwrap_or(false)) || name == "DUFunc"
}

fn type_name(a: &Bound<'_, PyAny>) -> String {
    a.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// Argument leaves in a stack buffer (no allocation for common calls).
pub struct ArgBuf {
    words: [u64; 48],
    heap: Vec<u64>,
    offsets: [usize; 16],
    heap_offsets: Vec<usize>,
    n: usize,
    used: usize,
    ptrs: [*mut u8; 16],
    heap_ptrs: Vec<*mut u8>,
    /// Lists unboxed for the call: the caller's object (a strong reference:
    /// raw, since the dispatcher's entry may run with PyO3's GIL count at
    /// zero, where dropping a `Py` is deferred), the native list (one
    /// reference, released after the call) and its item type.
    pub(crate) lists: Vec<(*mut ffi::PyObject, *mut oxjit_runtime::MemInfo, Ty)>,
}

impl ArgBuf {
    pub fn new() -> Self {
        ArgBuf {
            words: [0; 48],
            heap: Vec::new(),
            offsets: [0; 16],
            heap_offsets: Vec::new(),
            n: 0,
            used: 0,
            ptrs: [std::ptr::null_mut(); 16],
            heap_ptrs: Vec::new(),
            lists: Vec::new(),
        }
    }

    /// After the call (whether it raised or not): write lists compiled code
    /// changed back into the caller's objects. Until the buffer is dropped,
    /// a result that is one of these lists boxes as the caller's object.
    pub fn finish(&mut self, py: Python<'_>) -> PyResult<()> {
        let mut first_err = None;
        for (obj, mi, elem) in &self.lists {
            let o = unsafe { Bound::from_borrowed_ptr(py, *obj) };
            if let Err(e) = crate::list::reflect(py, &o, *mi, elem) {
                first_err.get_or_insert(e);
            }
            crate::list::set_parent(*mi, *obj);
        }
        first_err.map_or(Ok(()), Err)
    }

    pub(crate) fn slot(&mut self, words: usize) -> &mut [u64] {
        let start = self.used;
        self.used += words.max(1);
        if self.n < 16 {
            self.offsets[self.n] = start;
        } else {
            if self.heap_offsets.is_empty() {
                self.heap_offsets.extend_from_slice(&self.offsets);
            }
            self.heap_offsets.push(start);
        }
        self.n += 1;
        if self.used > self.words.len() {
            if self.heap.is_empty() {
                self.heap.extend_from_slice(&self.words);
            }
            self.heap.resize(self.used, 0);
            &mut self.heap[start..self.used]
        } else {
            &mut self.words[start..self.used]
        }
    }

    /// Pointers to each leaf, valid while `self` is neither moved nor changed.
    pub fn ptrs(&mut self) -> *const *mut u8 {
        let base: *mut u64 = if self.heap.is_empty() {
            self.words.as_mut_ptr()
        } else {
            self.heap.as_mut_ptr()
        };
        if self.n <= 16 && self.heap_offsets.is_empty() {
            for i in 0..self.n {
                self.ptrs[i] = unsafe { base.add(self.offsets[i]) } as *mut u8;
            }
            self.ptrs.as_ptr()
        } else {
            self.heap_ptrs = self
                .heap_offsets
                .iter()
                .map(|o| unsafe { base.add(*o) } as *mut u8)
                .collect();
            self.heap_ptrs.as_ptr()
        }
    }
}

pub fn unbox_into(py: Python<'_>, a: &Bound<'_, PyAny>, t: &Ty, buf: &mut ArgBuf) -> PyResult<()> {
    match t {
        Ty::Scalar(Dtype::C128) => {
            let c = unsafe { ffi::PyComplex_AsCComplex(a.as_ptr()) };
            if c.real == -1.0 && PyErr::occurred(py) {
                return Err(PyErr::fetch(py));
            }
            let s = buf.slot(2);
            s[0] = c.real.to_bits();
            s[1] = c.imag.to_bits();
            Ok(())
        }
        Ty::Scalar(d) => {
            let bits: u64 = match d {
                Dtype::Bool => u64::from(a.is_truthy()?),
                // Integers (narrow ones for an eager signature's parameter):
                // the value must fit, as NumPy requires for `np.int32(v)`; a
                // float is truncated toward zero, as Numba converts it.
                Dtype::U8
                | Dtype::U16
                | Dtype::U32
                | Dtype::U64
                | Dtype::I8
                | Dtype::I16
                | Dtype::I32
                | Dtype::I64 => {
                    let bits = d.bits();
                    let (lo, hi) = if d.is_signed() {
                        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                    } else {
                        (0, (1i128 << bits) - 1)
                    };
                    // i64 first: the common case, and the cheapest extraction.
                    let (v, what) = match a.extract::<i64>().map(i128::from).or_else(|_| a.extract::<i128>()) {
                        Ok(v) => (v, "Python integer"),
                        Err(_) => {
                            let f = a.extract::<f64>()?;
                            if !f.is_finite() {
                                return Err(pyo3::exceptions::PyOverflowError::new_err(format!(
                                    "cannot convert float {a} to {d}"
                                )));
                            }
                            (f.trunc() as i128, "float")
                        }
                    };
                    if !(lo..=hi).contains(&v) {
                        return Err(pyo3::exceptions::PyOverflowError::new_err(format!(
                            "{what} {a} out of bounds for {d}"
                        )));
                    }
                    v as u64
                }
                Dtype::F32 => (a.extract::<f64>()? as f32).to_bits() as u64,
                Dtype::F64 => a.extract::<f64>()?.to_bits(),
                Dtype::C64 | Dtype::C128 => {
                    let c = unsafe { ffi::PyComplex_AsCComplex(a.as_ptr()) };
                    if c.real == -1.0 && PyErr::occurred(py) {
                        return Err(PyErr::fetch(py));
                    }
                    (c.real as f32).to_bits() as u64 | (((c.imag as f32).to_bits() as u64) << 32)
                }
            };
            buf.slot(1)[0] = bits;
            Ok(())
        }
        Ty::Array(at) => {
            if !is_ndarray(py, a) {
                return Err(PyTypeError::new_err(format!(
                    "expected a NumPy array, got {}",
                    type_name(a)
                )));
            }
            let f = array_fields(a);
            let nd = at.ndim as usize;
            if f.nd as usize != nd {
                return Err(PyTypeError::new_err(format!(
                    "expected a {nd}-d array, got {}-d",
                    f.nd
                )));
            }
            fill_array_struct(a, nd, at.dtype.size() as u64, buf);
            Ok(())
        }
        Ty::Tuple(items) => {
            let t = a.cast::<PyTuple>()?;
            for (x, it) in t.iter().zip(items) {
                unbox_into(py, &x, it, buf)?;
            }
            Ok(())
        }
        Ty::NamedTuple(nt) => {
            let t = a.cast::<PyTuple>()?;
            for (x, it) in t.iter().zip(&nt.items) {
                unbox_into(py, &x, it, buf)?;
            }
            Ok(())
        }
        Ty::Range => {
            for name in ["start", "stop", "step"] {
                let v: i64 = a.getattr(name)?.extract()?;
                buf.slot(1)[0] = v as u64;
            }
            Ok(())
        }
        Ty::Instance(c) => {
            let Some((class, meminfo, data)) = crate::jitclass::instance_parts(a) else {
                return Err(PyTypeError::new_err(format!(
                    "expected an instance of jitclass '{}', got {}",
                    c.name,
                    type_name(a)
                )));
            };
            if class != c.class {
                let other = crate::jitclass::class_ty(class)
                    .map(|o| o.name.clone())
                    .unwrap_or_default();
                return Err(PyTypeError::new_err(format!(
                    "expected an instance of jitclass '{}', got an instance of jitclass '{other}'",
                    c.name
                )));
            }
            // Borrowed, as arrays are: the box keeps it alive for the call.
            let s = buf.slot(2);
            s[0] = meminfo as u64;
            s[1] = data as u64;
            Ok(())
        }
        Ty::List(_) | Ty::Dict(_) => {
            let mi = unbox_container(py, a, t, buf)?;
            // Borrowed by the call, as arrays are; the buffer holds it.
            let s = buf.slot(2);
            s[0] = mi as u64;
            s[1] = unsafe { (*mi).data } as u64;
            Ok(())
        }
        Ty::RecordArray(ra) => crate::records::unbox_record_array(py, a, ra, buf),
        Ty::Record(rec) => crate::records::unbox_record(a, rec, buf),
        Ty::Generator => {
            if !is_generator(py, a) {
                return Err(PyTypeError::new_err(format!(
                    "expected a numpy.random.Generator, got {}",
                    type_name(a)
                )));
            }
            buf.slot(1)[0] = bitgen_of(py, a)?;
            Ok(())
        }
        // Arguments are typed by `typeof_arg`, which never gives an
        // optional type (None is its own type, a separate instance).
        Ty::Optional(_) => Err(PyTypeError::new_err(
            "optional parameters are not supported in signatures; None and values compile separately",
        )),
        Ty::Str => {
            let Ok(u) = a.cast::<pyo3::types::PyString>() else {
                return Err(PyTypeError::new_err(format!("expected a str, got {}", type_name(a))));
            };
            let mut n: ffi::Py_ssize_t = 0;
            // Borrowed: the UTF-8 bytes live in the str object, which the
            // caller keeps for the call (compiled code copies what it keeps).
            let p = unsafe { ffi::PyUnicode_AsUTF8AndSize(u.as_ptr(), &mut n) };
            if p.is_null() {
                return Err(PyErr::fetch(py));
            }
            let s = buf.slot(3);
            s[0] = 0;
            s[1] = p as u64;
            s[2] = n as u64;
            Ok(())
        }
        Ty::NoneType
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::NamedTupleClass(_)
        | Ty::Class(_)
        | Ty::Unknown => Ok(()),
    }
}

thread_local! {
    /// The Python lists, dicts and sets unboxed for the calls in progress
    /// on this thread, and their native copies: the same object passed twice
    /// (or held twice, in a list of lists) is one native container, so that
    /// writes through either are seen by both, as in Python.
    static UNBOXED: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The native container already made for Python object `o` in this call.
/// The array struct of ndarray `a` (`nd` dimensions, items of `itemsize`
/// bytes) in a slot of `buf`: borrowed (no MemInfo), `a` as its parent.
pub(crate) fn fill_array_struct(a: &Bound<'_, PyAny>, nd: usize, itemsize: u64, buf: &mut ArgBuf) {
    let f = array_fields(a);
    let s = buf.slot(5 + 2 * nd);
    let mut n: u64 = 1;
    for d in 0..nd {
        let dim = unsafe { *f.dimensions.add(d) } as u64;
        n = n.wrapping_mul(dim);
        s[5 + d] = dim;
        s[5 + nd + d] = unsafe { *f.strides.add(d) } as u64;
    }
    s[0] = 0;
    s[1] = a.as_ptr() as u64;
    s[2] = n;
    s[3] = itemsize;
    s[4] = f.data as u64;
}

fn unboxed(o: *mut ffi::PyObject) -> Option<*mut oxjit_runtime::MemInfo> {
    UNBOXED.with(|u| {
        u.borrow()
            .iter()
            .find(|(p, _)| *p == o as usize)
            .map(|(_, m)| *m as *mut oxjit_runtime::MemInfo)
    })
}

/// The native list or dict for argument `a` (typed `t`), held by `buf`
/// for the call: a typed container's own (shared: nothing to write back),
/// else a copy of a Python list, dict or set, or of one of Numba's typed
/// containers (written back after the call); one per object per call.
fn unbox_container(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    t: &Ty,
    buf: &mut ArgBuf,
) -> PyResult<*mut oxjit_runtime::MemInfo> {
    if let Some(mi) = unboxed(a.as_ptr()) {
        return Ok(mi);
    }
    let mi = if let Some((got, mi)) = crate::typed::typed_parts(a) {
        if mi.is_null() || got != *t {
            return Err(PyTypeError::new_err(format!(
                "expected a {t}, got {}",
                type_name(a)
            )));
        }
        unsafe {
            (*mi)
                .refcnt
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel)
        };
        mi
    } else if let Ty::List(elem) = t {
        let copy = if a.is_instance_of::<PyList>() || !crate::typed::numba_container(a) {
            None
        } else {
            Some(PyList::new(
                py,
                a.try_iter()?.collect::<PyResult<Vec<_>>>()?,
            )?)
        };
        let Some(l) = copy.as_ref().or(a.cast::<PyList>().ok()) else {
            return Err(PyTypeError::new_err(format!(
                "expected a list, got {}",
                type_name(a)
            )));
        };
        crate::list::unbox_list(py, l, elem, buf)?
    } else {
        let Ty::Dict(d) = t else {
            return Err(PyTypeError::new_err(format!("expected a {t}")));
        };
        let plain =
            a.is_instance_of::<pyo3::types::PyDict>() || a.is_instance_of::<pyo3::types::PySet>();
        let copy = if !plain && crate::typed::numba_container(a) {
            let items = a.call_method0("items")?;
            Some(pyo3::types::PyDict::from_sequence(&items)?.into_any())
        } else {
            None
        };
        crate::dict::unbox_table(py, copy.as_ref().unwrap_or(a), d, buf)?
    };
    buf.hold_container(a.as_ptr(), mi, t);
    Ok(mi)
}

impl ArgBuf {
    /// Record a container unboxed for the call (see `UNBOXED`); the buffer
    /// holds its reference until the call ends.
    fn hold_container(&mut self, o: *mut ffi::PyObject, mi: *mut oxjit_runtime::MemInfo, t: &Ty) {
        unsafe { ffi::Py_IncRef(o) };
        self.lists.push((o, mi, t.clone()));
        UNBOXED.with(|u| u.borrow_mut().push((o as usize, mi as usize)));
    }
}

impl Drop for ArgBuf {
    fn drop(&mut self) {
        let mine: Vec<usize> = self.lists.iter().map(|(_, m, _)| *m as usize).collect();
        if !mine.is_empty() {
            UNBOXED.with(|u| u.borrow_mut().retain(|(_, m)| !mine.contains(m)));
        }
        // The GIL is held (the call path owns the buffer).
        for (obj, mi, _) in self.lists.drain(..) {
            crate::list::clear_parent(mi);
            unsafe {
                ffi::Py_DecRef(obj);
                oxjit_runtime::meminfo_release(mi);
            }
        }
    }
}

impl Default for ArgBuf {
    fn default() -> Self {
        Self::new()
    }
}

const CAPSULE_NAME: &CStr = c"oxjit.meminfo";

unsafe extern "C" fn capsule_free(cap: *mut ffi::PyObject) {
    let p = ffi::PyCapsule_GetPointer(cap, CAPSULE_NAME.as_ptr());
    if !p.is_null() {
        oxjit_runtime::meminfo_release(p as *mut oxjit_runtime::MemInfo);
    }
}

/// Make an ndarray over the array leaf at `p` with the given base object
/// (a new reference, stolen) or no base.
/// Whether array leaf `p` (typed `a`) is exactly ndarray `parent`: its data,
/// dimensions, strides, dtype and writeability.
unsafe fn is_whole(py: Python<'_>, parent: *mut ffi::PyObject, a: &ArrayTy, p: *const u64) -> bool {
    let o = Bound::from_borrowed_ptr(py, parent);
    if !is_ndarray(py, &o) {
        return false;
    }
    let f = array_fields(&o);
    let nd = a.ndim as usize;
    let descr = &(*f.descr).fields;
    f.nd as usize == nd
        && f.data as u64 == *p.add(4)
        && descr.type_num == a.dtype.numpy_type_num()
        && (f.flags & NPY_ARRAY_WRITEABLE != 0) != a.readonly
        && (0..nd).all(|d| {
            *f.dimensions.add(d) as u64 == *p.add(5 + d)
                && *f.strides.add(d) as u64 == *p.add(5 + nd + d)
        })
}

unsafe fn make_ndarray(
    py: Python<'_>,
    a: &ArrayTy,
    p: *const u64,
    base: *mut ffi::PyObject,
) -> PyResult<Py<PyAny>> {
    let nd = a.ndim as usize;
    let mut dims: Vec<npyffi::npy_intp> =
        (0..nd).map(|d| *p.add(5 + d) as npyffi::npy_intp).collect();
    let mut strides: Vec<npyffi::npy_intp> = (0..nd)
        .map(|d| *p.add(5 + nd + d) as npyffi::npy_intp)
        .collect();
    let data = *p.add(4) as *mut c_void;
    let descr = PY_ARRAY_API.PyArray_DescrFromType(py, a.dtype.numpy_type_num());
    let flags = if a.readonly { 0 } else { NPY_ARRAY_WRITEABLE };
    let arr = PY_ARRAY_API.PyArray_NewFromDescr(
        py,
        npyffi::get_type_object(py, NpyTypes::PyArray_Type),
        descr,
        nd as i32,
        dims.as_mut_ptr(),
        strides.as_mut_ptr(),
        data,
        flags,
        std::ptr::null_mut(),
    );
    if arr.is_null() {
        if !base.is_null() {
            ffi::Py_DECREF(base);
        }
        return Err(PyErr::fetch(py));
    }
    if !base.is_null()
        && PY_ARRAY_API.PyArray_SetBaseObject(py, arr as *mut PyArrayObject, base) != 0
    {
        ffi::Py_DECREF(arr);
        return Err(PyErr::fetch(py));
    }
    Ok(Bound::from_owned_ptr(py, arr).unbind())
}

/// Box a value of type `t` that lives in memory at `base` (a jitclass
/// field, a list item, a dict entry's key or value): its leaves are at
/// `offsets` from `base`. Boxing takes one reference of each counted leaf,
/// at `counted`: the holder keeps its own.
pub fn box_in_memory(
    py: Python<'_>,
    t: &Ty,
    base: *const u8,
    offsets: &[usize],
    counted: &[usize],
) -> PyResult<Py<PyAny>> {
    for o in counted {
        let mi = unsafe { *(base.add(*o) as *const *mut oxjit_runtime::MemInfo) };
        if !mi.is_null() {
            unsafe {
                (*mi)
                    .refcnt
                    .fetch_add(1, std::sync::atomic::Ordering::AcqRel)
            };
        }
    }
    let mut small = [std::ptr::null_mut::<u8>(); 8];
    let big: Vec<*mut u8>;
    let ptrs: &[*mut u8] = if offsets.len() <= small.len() {
        for (p, o) in small.iter_mut().zip(offsets) {
            *p = unsafe { base.add(*o) } as *mut u8;
        }
        &small[..offsets.len()]
    } else {
        big = offsets
            .iter()
            .map(|o| unsafe { base.add(*o) } as *mut u8)
            .collect();
        &big
    };
    box_value(py, t, ptrs, &mut 0)
}

/// Box one result value starting at leaf `*leaf`.
pub fn box_value(
    py: Python<'_>,
    t: &Ty,
    ptrs: &[*mut u8],
    leaf: &mut usize,
) -> PyResult<Py<PyAny>> {
    match t {
        Ty::Scalar(d) => {
            let p = ptrs[*leaf];
            *leaf += 1;
            unsafe {
                Ok(match d {
                    Dtype::Bool => PyBool::new(py, *p != 0).to_owned().into_any().unbind(),
                    Dtype::I8 => (*(p as *const i8)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::I16 => (*(p as *const i16)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::I32 => (*(p as *const i32)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::I64 => (*(p as *const i64)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::U8 => (*p).into_pyobject(py)?.into_any().unbind(),
                    Dtype::U16 => (*(p as *const u16)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::U32 => (*(p as *const u32)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::U64 => (*(p as *const u64)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::F32 => ((*(p as *const f32)) as f64)
                        .into_pyobject(py)?
                        .into_any()
                        .unbind(),
                    Dtype::F64 => (*(p as *const f64)).into_pyobject(py)?.into_any().unbind(),
                    Dtype::C64 => {
                        let re = *(p as *const f32) as f64;
                        let im = *(p as *const f32).add(1) as f64;
                        PyComplex::from_doubles(py, re, im).into_any().unbind()
                    }
                    Dtype::C128 => {
                        let re = *(p as *const f64);
                        let im = *(p as *const f64).add(1);
                        PyComplex::from_doubles(py, re, im).into_any().unbind()
                    }
                })
            }
        }
        Ty::Array(a) => {
            let p = ptrs[*leaf] as *const u64;
            *leaf += 1;
            unsafe {
                let meminfo = *p as *mut c_void;
                let parent = *p.add(1) as *mut ffi::PyObject;
                if !parent.is_null() {
                    // Python's array (or a view of it), which keeps the data
                    // alive: the result's own reference is not needed. The
                    // array itself when the result is all of it, as in Numba.
                    // The parent is taken first: the MemInfo may be the last
                    // holder of it (an array adopted by a jitclass field that
                    // compiled code then replaced).
                    ffi::Py_INCREF(parent);
                    oxjit_runtime::meminfo_release(meminfo as *mut oxjit_runtime::MemInfo);
                    if is_whole(py, parent, a, p) {
                        return Ok(Bound::from_owned_ptr(py, parent).unbind());
                    }
                    return make_ndarray(py, a, p, parent);
                }
                // Memory allocated by compiled code is a fresh array: writeable,
                // even when its static type came from a read-only input (a copy).
                let fresh = ArrayTy {
                    readonly: false,
                    ..*a
                };
                if meminfo.is_null() {
                    // Constant data frozen into compiled code: hand out a copy.
                    let ro = ArrayTy {
                        readonly: true,
                        ..*a
                    };
                    let view = make_ndarray(py, &ro, p, std::ptr::null_mut())?;
                    return Ok(view.bind(py).call_method0("copy")?.unbind());
                }
                let cap = ffi::PyCapsule_New(meminfo, CAPSULE_NAME.as_ptr(), Some(capsule_free));
                if cap.is_null() {
                    oxjit_runtime::meminfo_release(meminfo as *mut oxjit_runtime::MemInfo);
                    return Err(PyErr::fetch(py));
                }
                make_ndarray(py, &fresh, p, cap)
            }
        }
        Ty::Tuple(items) => {
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                out.push(box_value(py, it, ptrs, leaf)?);
            }
            Ok(PyTuple::new(py, out)?.into_any().unbind())
        }
        Ty::NamedTuple(nt) => {
            let mut out = Vec::with_capacity(nt.items.len());
            for it in &nt.items {
                out.push(box_value(py, it, ptrs, leaf)?);
            }
            crate::named::make(py, nt.class, out)
        }
        Ty::Range => {
            let mut v = [0i64; 3];
            for x in v.iter_mut() {
                *x = unsafe { *(ptrs[*leaf] as *const i64) };
                *leaf += 1;
            }
            Ok(
                PyRange::new_with_step(py, v[0] as isize, v[1] as isize, v[2] as isize)?
                    .into_any()
                    .unbind(),
            )
        }
        Ty::Instance(c) => {
            let p = ptrs[*leaf] as *const usize;
            *leaf += 1;
            // The result's reference, handed to the box.
            let (meminfo, data) = unsafe { (*p, *p.add(1)) };
            crate::jitclass::make(py, c.class, meminfo, data)
        }
        Ty::Dict(d) => {
            let p = ptrs[*leaf] as *const usize;
            *leaf += 1;
            let mi = unsafe { *p } as *mut oxjit_runtime::MemInfo;
            if let Some(obj) = crate::list::parent(mi) {
                unsafe { oxjit_runtime::meminfo_release(mi) };
                return Ok(unsafe { Bound::from_borrowed_ptr(py, obj) }.unbind());
            }
            if crate::typed::is_sharing() {
                return crate::typed::view(py, mi, t);
            }
            let out = crate::dict::box_table(py, mi, d).map(Bound::unbind);
            unsafe { oxjit_runtime::meminfo_release(mi) };
            out
        }
        Ty::List(elem) => {
            let p = ptrs[*leaf] as *const usize;
            *leaf += 1;
            // A new Python list of the items; the result's reference to the
            // native list is released once they are boxed.
            let (meminfo, data) = unsafe { (*p, *p.add(1)) };
            let mi = meminfo as *mut oxjit_runtime::MemInfo;
            // A list argument returned: the caller's own list (as Numba).
            if let Some(obj) = crate::list::parent(mi) {
                unsafe { oxjit_runtime::meminfo_release(mi) };
                return Ok(unsafe { Bound::from_borrowed_ptr(py, obj) }.unbind());
            }
            if crate::typed::is_sharing() {
                return crate::typed::view(py, mi, t);
            }
            let out = crate::list::box_items(py, data as *const _, elem).map(Bound::unbind);
            unsafe { oxjit_runtime::meminfo_release(meminfo as *mut oxjit_runtime::MemInfo) };
            out
        }
        Ty::NoneType => Ok(py.None()),
        Ty::Optional(payload) => {
            // The payload's leaves, then the present flag.
            let n = payload.leaves().len();
            let present = unsafe { *ptrs[*leaf + n] != 0 };
            let v = if present {
                box_value(py, payload, ptrs, leaf)?
            } else {
                // Absent: zeros, with no MemInfo to release.
                *leaf += n;
                py.None()
            };
            *leaf += 1;
            Ok(v)
        }
        // No Python form in the type model (`Ty::python_form`): the type checker rejects
        // returning these (`unsupported-return-value`).
        Ty::Str => {
            let p = ptrs[*leaf] as *const usize;
            *leaf += 1;
            let (meminfo, data, len) = unsafe { (*p, *p.add(1), *p.add(2)) };
            let bytes = unsafe { std::slice::from_raw_parts(data as *const u8, len) };
            let out = pyo3::types::PyString::new(py, std::str::from_utf8(bytes).unwrap_or(""));
            unsafe { oxjit_runtime::meminfo_release(meminfo as *mut oxjit_runtime::MemInfo) };
            Ok(out.into_any().unbind())
        }
        Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Generator
        | Ty::Record(_)
        | Ty::RecordArray(_)
        | Ty::NamedTupleClass(_)
        | Ty::Class(_)
        | Ty::Unknown => Ok(py.None()),
    }
}

/// Convert a boxed scalar to a declared return type (eager signatures), as
/// Numba's cast does: integers wrap to the declared width, floats round to
/// float32, floats truncate to integers.
pub fn convert_scalar(py: Python<'_>, v: Py<PyAny>, d: Dtype) -> PyResult<Py<PyAny>> {
    let v = v.bind(py);
    let int_of = |v: &Bound<'_, PyAny>| -> PyResult<i128> {
        if let Ok(x) = v.extract::<i128>() {
            return Ok(x);
        }
        // A float or complex value: truncate toward zero (Numba's fptosi).
        let f = if let Ok(c) = v.cast::<PyComplex>() {
            c.real()
        } else {
            v.extract::<f64>()?
        };
        Ok(f.trunc() as i128)
    };
    let real_of = |v: &Bound<'_, PyAny>| -> PyResult<f64> {
        match v.cast::<PyComplex>() {
            Ok(c) => Ok(c.real()),
            Err(_) => v.extract::<f64>(),
        }
    };
    Ok(match d {
        Dtype::Bool => PyBool::new(py, v.is_truthy()?)
            .to_owned()
            .into_any()
            .unbind(),
        Dtype::I8 => (int_of(v)? as i8).into_pyobject(py)?.into_any().unbind(),
        Dtype::I16 => (int_of(v)? as i16).into_pyobject(py)?.into_any().unbind(),
        Dtype::I32 => (int_of(v)? as i32).into_pyobject(py)?.into_any().unbind(),
        Dtype::I64 => (int_of(v)? as i64).into_pyobject(py)?.into_any().unbind(),
        Dtype::U8 => (int_of(v)? as u8).into_pyobject(py)?.into_any().unbind(),
        Dtype::U16 => (int_of(v)? as u16).into_pyobject(py)?.into_any().unbind(),
        Dtype::U32 => (int_of(v)? as u32).into_pyobject(py)?.into_any().unbind(),
        Dtype::U64 => (int_of(v)? as u64).into_pyobject(py)?.into_any().unbind(),
        Dtype::F32 => ((real_of(v)? as f32) as f64)
            .into_pyobject(py)?
            .into_any()
            .unbind(),
        Dtype::F64 => real_of(v)?.into_pyobject(py)?.into_any().unbind(),
        Dtype::C64 | Dtype::C128 => {
            let (re, im) = match v.cast::<PyComplex>() {
                Ok(c) => (c.real(), c.imag()),
                Err(_) => (v.extract::<f64>()?, 0.0),
            };
            let (re, im) = if d == Dtype::C64 {
                ((re as f32) as f64, (im as f32) as f64)
            } else {
                (re, im)
            };
            PyComplex::from_doubles(py, re, im).into_any().unbind()
        }
    })
}

fn format_array(p: *const u8, type_num: i32, ndim: u32) -> String {
    Python::attach(|py| {
        let Some(d) = Dtype::from_numpy_type_num(type_num) else {
            return "<array>".to_string();
        };
        let a = ArrayTy {
            dtype: d,
            ndim: ndim as u8,
            layout: Layout::A,
            readonly: true,
        };
        // SAFETY: `p` points at a live array struct for the duration of the call.
        match unsafe { make_ndarray(py, &a, p as *const u64, std::ptr::null_mut()) } {
            Ok(arr) => arr
                .bind(py)
                .str()
                .map(|s| s.to_string())
                .unwrap_or_else(|_| "<array>".into()),
            Err(_) => "<array>".into(),
        }
    })
}

fn write_stdout(text: &str) {
    Python::attach(|py| {
        let r = py
            .import("sys")
            .and_then(|s| s.getattr("stdout"))
            .and_then(|o| o.call_method1("write", (text,)));
        if let Err(e) = r {
            e.print(py);
        }
    })
}

pub fn install_print_hooks() {
    oxjit_runtime::install_print_hooks(format_array, write_stdout);
}
