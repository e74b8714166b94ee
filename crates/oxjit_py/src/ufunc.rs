//! `@vectorize`: genuine NumPy ufuncs whose inner loops are JIT-compiled
//! kernels, serial or split across a thread pool (`target='parallel'`).

use crate::driver::{self, Output, Target};
use numpy::npyffi::{PyUFuncGenericFunction, PyUFuncObject, PY_UFUNC_API};
use oxjit_codegen::Options;
use oxjit_types::{Dtype, Ty};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use std::ffi::{c_char, c_void, CString};
use std::sync::{Arc, OnceLock};

type Loop = unsafe extern "C" fn(*mut *mut c_char, *mut isize, *mut isize, *mut c_void);

/// Tables NumPy reads for the lifetime of the ufunc; owned by a capsule
/// stored in the ufunc's `obj` slot (released in the ufunc's dealloc).
struct Tables {
    funcs: Vec<PyUFuncGenericFunction>,
    data: Vec<*mut c_void>,
    types: Vec<c_char>,
    /// Per loop: the serial kernel loop (parallel data points at these).
    // Boxed: NumPy's data table points at each entry, so they must not move.
    #[allow(clippy::vec_box)]
    serial: Vec<Box<ParallelData>>,
    name: CString,
    doc: CString,
    /// The JIT'd loops, freed with the last ufunc that uses them.
    code: Vec<Arc<SharedCode>>,
    /// Per loop: its signature (`loop_key`), serial loop and code, for the
    /// next version of a lazy ufunc (`reuse`).
    kept: Vec<(String, Loop, Arc<SharedCode>)>,
    /// The ufunc object's address, the key of its entry in `KERNELS`.
    ufunc: usize,
    /// How to build it again elsewhere (`_pickling.reduce_ufunc`), set by
    /// the Python side after creation.
    recipe: Option<Py<PyAny>>,
}

/// Machine code of loops, shared by the ufuncs that use them: a lazy
/// ufunc's next version (one more dtype combination) keeps the earlier
/// loops instead of compiling them again. Released with the last user.
pub struct SharedCode(Option<oxjit_codegen::CodeHandle>);

impl SharedCode {
    pub fn new(h: oxjit_codegen::CodeHandle) -> Arc<SharedCode> {
        Arc::new(SharedCode(Some(h)))
    }
}

impl Drop for SharedCode {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            oxjit_codegen::release(h);
        }
    }
}

/// The loop of `previous` (an earlier version of the same lazy ufunc) for
/// the signature `key`, with its code.
pub fn reuse(previous: Option<&Bound<'_, PyAny>>, key: &str) -> Option<(Loop, Arc<SharedCode>)> {
    let t = tables_of(previous?)?;
    // SAFETY: see `tables_of`; the GIL is held.
    let kept = unsafe { &(*t).kept };
    kept.iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, f, c)| (*f, c.clone()))
}

/// The signature of a ufunc loop, as `reuse` finds it.
pub fn loop_key(spec: &LoopSpec) -> String {
    format!("{:?} -> {:?}", spec.ins, spec.out)
}

impl Drop for Tables {
    fn drop(&mut self) {
        self.kept.clear();
        self.code.clear();
        let k = kernels()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.ufunc);
        // Drop the kernel reference now: the ufunc's dealloc holds the GIL.
        // Raw decref, not `Python::attach`, which panics (and aborts) when
        // this runs during interpreter shutdown.
        for k in k.into_iter().chain(self.recipe.take()) {
            // SAFETY: the GIL is held (we run inside the ufunc's dealloc).
            unsafe { ffi::Py_DecRef(k.into_ptr()) };
        }
    }
}

/// The tables of an oxjit ufunc (its `obj` slot holds our capsule).
fn tables_of(obj: &Bound<'_, PyAny>) -> Option<*mut Tables> {
    let np_ufunc = obj.py().import("numpy").ok()?.getattr("ufunc").ok()?;
    if !obj.is_instance(&np_ufunc).ok()? {
        return None;
    }
    // SAFETY: `obj` is a live ufunc; a capsule with our name holds our
    // `Tables`, alive as long as the ufunc; the GIL serialises access.
    unsafe {
        let cap = (*(obj.as_ptr() as *mut PyUFuncObject)).fields.obj;
        if cap.is_null() || ffi::PyCapsule_IsValid(cap, c"oxjit.ufunc".as_ptr()) == 0 {
            return None;
        }
        let t = ffi::PyCapsule_GetPointer(cap, c"oxjit.ufunc".as_ptr()) as *mut Tables;
        (!t.is_null()).then_some(t)
    }
}

/// The recipe stored with an oxjit ufunc (None for other objects).
pub fn recipe_of(py: Python<'_>, obj: &Bound<'_, PyAny>) -> Option<Py<PyAny>> {
    // SAFETY: see `tables_of`; the GIL is held.
    tables_of(obj).and_then(|t| unsafe { (*t).recipe.as_ref().map(|r| r.clone_ref(py)) })
}

/// Store how to build an oxjit ufunc again; false if `obj` is not one.
pub fn set_recipe(obj: &Bound<'_, PyAny>, recipe: Py<PyAny>) -> bool {
    match tables_of(obj) {
        Some(t) => {
            // SAFETY: see `tables_of`; the GIL is held.
            unsafe { (*t).recipe = Some(recipe) };
            true
        }
        None => false,
    }
}

/// Scalar kernels of live oxjit ufuncs, by ufunc address, so compiled code
/// can call an eager `@vectorize` function on scalars.
fn kernels() -> &'static std::sync::Mutex<std::collections::HashMap<usize, Py<PyAny>>> {
    static K: OnceLock<std::sync::Mutex<std::collections::HashMap<usize, Py<PyAny>>>> =
        OnceLock::new();
    K.get_or_init(Default::default)
}

/// The Python kernel behind an oxjit ufunc, if `obj` is one.
pub fn kernel_of(py: Python<'_>, obj: &Bound<'_, PyAny>) -> Option<Py<PyAny>> {
    kernels()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&(obj.as_ptr() as usize))
        .map(|k| k.clone_ref(py))
}

/// Attach the tables to a new ufunc and remember its kernel.
unsafe fn adopt(
    py: Python<'_>,
    uf: *mut ffi::PyObject,
    mut t: Box<Tables>,
    kernel: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    t.ufunc = uf as usize;
    let raw = Box::into_raw(t);
    let cap = ffi::PyCapsule_New(
        raw as *mut c_void,
        c"oxjit.ufunc".as_ptr(),
        Some(tables_free),
    );
    if cap.is_null() {
        drop(Box::from_raw(raw));
        ffi::Py_DECREF(uf);
        return Err(PyErr::fetch(py));
    }
    (*(uf as *mut PyUFuncObject)).fields.obj = cap;
    if let Some(k) = kernel {
        kernels()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(uf as usize, k.clone().unbind());
    }
    Ok(Bound::from_owned_ptr(py, uf).unbind())
}

struct ParallelData {
    serial: Loop,
    nargs: usize,
    /// Entries of `dims` / `steps` NumPy passes (more than 1 / nargs for
    /// generalized ufuncs, whose core dimensions follow).
    ndims: usize,
    nsteps: usize,
}

unsafe extern "C" fn tables_free(cap: *mut ffi::PyObject) {
    let p = ffi::PyCapsule_GetPointer(cap, c"oxjit.ufunc".as_ptr());
    if !p.is_null() {
        drop(Box::from_raw(p as *mut Tables));
    }
}

// ---------------------------------------------------------------------------
// Thread pool for target='parallel'
// ---------------------------------------------------------------------------

// One pool for the process, shared with prange loops (`oxjit_runtime::parallel`).
pub use oxjit_runtime::parallel::{get_num_threads, max_threads, pool, set_num_threads};

/// Below this many elements a parallel loop runs serially (thread start-up
/// would cost more than it saves).
const SERIAL_CUTOFF: isize = 32 * 1024;

struct SendPtr(*mut c_char);
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

unsafe extern "C" fn parallel_loop(
    args: *mut *mut c_char,
    dims: *mut isize,
    steps: *mut isize,
    data: *mut c_void,
) {
    let pd = &*(data as *const ParallelData);
    let n = *dims;
    let threads = get_num_threads().max(1);
    // (no pool in a fork child of the process that made it: serial)
    let Some(pool) = pool().filter(|_| n >= SERIAL_CUTOFF && threads > 1) else {
        (pd.serial)(args, dims, steps, std::ptr::null_mut());
        return;
    };
    let nargs = pd.nargs;
    let base: Vec<SendPtr> = (0..nargs).map(|k| SendPtr(*args.add(k))).collect();
    let st: Vec<isize> = (0..pd.nsteps).map(|k| *steps.add(k)).collect();
    let core: Vec<isize> = (1..pd.ndims).map(|k| *dims.add(k)).collect();
    // A few chunks per thread, so a descheduled worker does not hold everyone up.
    let chunks = (threads * 4) as isize;
    let per = (n + chunks - 1) / chunks;
    // Worker threads only run compiled kernels: no Python objects, no GIL.
    pool.scope(|s| {
        for c in 0..chunks {
            let start = c * per;
            if start >= n {
                break;
            }
            let len = per.min(n - start);
            let base = &base;
            let st = &st;
            let core = &core;
            s.spawn(move |_| {
                let mut ptrs: Vec<*mut c_char> = base
                    .iter()
                    .zip(st.iter())
                    .map(|(b, s)| b.0.offset(start * s))
                    .collect();
                let mut d: Vec<isize> = std::iter::once(len).chain(core.iter().copied()).collect();
                let mut st2 = st.clone();
                (pd.serial)(
                    ptrs.as_mut_ptr(),
                    d.as_mut_ptr(),
                    st2.as_mut_ptr(),
                    std::ptr::null_mut(),
                );
            });
        }
    });
}

/// One loop request: kernel dispatcher, input dtypes, output dtype.
pub struct LoopSpec {
    pub ins: Vec<Dtype>,
    pub out: Dtype,
}

pub fn compile_loop(
    py: Python<'_>,
    py_func: &Bound<'_, PyAny>,
    spec: &LoopSpec,
    fastmath: bool,
    cache: Option<&crate::cache::Place>,
) -> PyResult<(Loop, oxjit_codegen::CodeHandle)> {
    let name = py_func.getattr("__name__")?.to_string();
    let json = driver::unit_json(py, py_func, &[], &[]).map_err(|f| f.into_err(py, &name))?;
    let opts = Options {
        parallel: false,
        fastmath,
        boundscheck: false,
        error_model_numpy: true,
        opt_level: 3,
        want_asm: false,
        symbol_prefix: None,
    };
    let tys: Vec<Ty> = spec.ins.iter().map(|d| Ty::Scalar(*d)).collect();
    let target = Target::UfuncLoop {
        ins: &spec.ins,
        out: spec.out,
    };
    match driver::compile(py, json, tys, opts, target, cache) {
        // SAFETY: the JIT returned the address of a NumPy inner loop.
        Ok(Output::Loop(addr, h)) => Ok((unsafe { std::mem::transmute::<usize, Loop>(addr) }, h)),
        Ok(Output::Function(_)) => unreachable!("a loop target gives a loop"),
        Err(f) => Err(f.into_err(py, &name)),
    }
}

/// Build a ufunc from compiled loops. `identity`: NumPy's PyUFunc_* code.
#[allow(clippy::too_many_arguments)]
pub fn make_ufunc(
    py: Python<'_>,
    kernel: Option<&Bound<'_, PyAny>>,
    name: &str,
    doc: &str,
    nin: usize,
    identity: i32,
    loops: Vec<(LoopSpec, Loop, Arc<SharedCode>)>,
    parallel: bool,
) -> PyResult<Py<PyAny>> {
    let ntypes = loops.len();
    let mut t = Box::new(Tables {
        funcs: Vec::with_capacity(ntypes),
        data: Vec::with_capacity(ntypes),
        types: Vec::with_capacity(ntypes * (nin + 1)),
        serial: Vec::new(),
        name: CString::new(name).map_err(|e| PyTypeError::new_err(e.to_string()))?,
        doc: CString::new(doc.replace('\0', "")).unwrap_or_default(),
        code: Vec::new(),
        kept: Vec::new(),
        ufunc: 0,
        recipe: None,
    });
    for (spec, f, code) in &loops {
        t.code.push(code.clone());
        t.kept.push((loop_key(spec), *f, code.clone()));
    }
    for (spec, f, _) in &loops {
        if spec.ins.len() != nin {
            return Err(PyTypeError::new_err(
                "all signatures of a ufunc must have the same number of inputs",
            ));
        }
        for d in spec.ins.iter().chain(std::iter::once(&spec.out)) {
            t.types.push(d.numpy_type_num() as c_char);
        }
        if parallel {
            let pd = Box::new(ParallelData {
                serial: *f,
                nargs: nin + 1,
                ndims: 1,
                nsteps: nin + 1,
            });
            t.data.push(&*pd as *const ParallelData as *mut c_void);
            t.serial.push(pd);
            t.funcs.push(Some(parallel_loop as Loop));
        } else {
            t.data.push(std::ptr::null_mut());
            t.funcs.push(Some(*f));
        }
    }
    unsafe {
        let uf = PY_UFUNC_API.PyUFunc_FromFuncAndData(
            py,
            t.funcs.as_mut_ptr(),
            t.data.as_mut_ptr(),
            t.types.as_mut_ptr(),
            ntypes as i32,
            nin as i32,
            1,
            identity,
            t.name.as_ptr(),
            t.doc.as_ptr(),
            0,
        );
        if uf.is_null() {
            return Err(PyErr::fetch(py));
        }
        adopt(py, uf, t, kernel)
    }
}

/// A generalized ufunc: per signature, the kernel's argument types; `core`
/// gives each argument's core-dimension indices; `layout` is NumPy's
/// signature string (`"(n),()->(n)"`).
#[allow(clippy::too_many_arguments)]
pub fn make_gufunc(
    py: Python<'_>,
    py_func: &Bound<'_, PyAny>,
    name: &str,
    doc: &str,
    nin: usize,
    nout: usize,
    layout: &str,
    core: Vec<Vec<usize>>,
    sigs: Vec<Vec<Ty>>,
    (parallel, fastmath): (bool, bool),
    cache: Option<&crate::cache::Place>,
    previous: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let nargs = nin + nout;
    let ncore = core.iter().flatten().copied().max().map_or(0, |m| m + 1);
    let mut core_steps = Vec::new();
    let mut acc = nargs;
    for c in &core {
        core_steps.push(acc);
        acc += c.len();
    }
    let nsteps = acc;
    let json = driver::unit_json(py, py_func, &[], &[]).map_err(|f| f.into_err(py, name))?;
    let mut t = Box::new(Tables {
        funcs: Vec::new(),
        data: Vec::new(),
        types: Vec::new(),
        serial: Vec::new(),
        name: CString::new(name).map_err(|e| PyTypeError::new_err(e.to_string()))?,
        doc: CString::new(doc.replace('\0', "")).unwrap_or_default(),
        code: Vec::new(),
        kept: Vec::new(),
        ufunc: 0,
        recipe: None,
    });
    let sig_c = CString::new(layout).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    for tys in &sigs {
        if tys.len() != nargs {
            return Err(PyTypeError::new_err(format!(
                "signature has {} arguments but the layout {layout:?} has {nargs}",
                tys.len()
            )));
        }
        let mut gargs = Vec::new();
        let mut kernel_tys = Vec::new();
        for (k, ty) in tys.iter().enumerate() {
            let ty = match ty {
                Ty::Array(a) => Ty::Array(oxjit_types::ArrayTy {
                    layout: oxjit_types::Layout::A,
                    ..*a
                }),
                other @ (Ty::Scalar(_)
                | Ty::NoneType
                | Ty::Str
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
                | Ty::List(_)
                | Ty::NamedTuple(_)
                | Ty::NamedTupleClass(_)
                | Ty::Instance(_)
                | Ty::Class(_)
                | Ty::Optional(_)
                | Ty::Unknown) => other.clone(),
            };
            let d = match &ty {
                Ty::Array(a) => {
                    let want = core[k].len();
                    if a.ndim as usize != want && !(want == 0 && a.ndim == 1) {
                        return Err(PyTypeError::new_err(format!(
                            "argument {} is declared {}-d but the layout gives it {want} core dimensions",
                            k + 1,
                            a.ndim
                        )));
                    }
                    a.dtype
                }
                Ty::Scalar(d) => {
                    if !core[k].is_empty() {
                        return Err(PyTypeError::new_err(format!(
                            "argument {} has core dimensions but a scalar type",
                            k + 1
                        )));
                    }
                    if k >= nin {
                        return Err(PyTypeError::new_err(format!(
                            "output argument {} must be an array (write results through out[0])",
                            k + 1
                        )));
                    }
                    *d
                }
                other @ (Ty::NoneType
                | Ty::Str
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
                | Ty::List(_)
                | Ty::NamedTuple(_)
                | Ty::NamedTupleClass(_)
                | Ty::Instance(_)
                | Ty::Class(_)
                | Ty::Optional(_)
                | Ty::Unknown) => {
                    return Err(PyTypeError::new_err(format!(
                        "unsupported gufunc argument type {other}"
                    )))
                }
            };
            t.types.push(d.numpy_type_num() as c_char);
            gargs.push(oxjit_codegen::GuArg {
                ty: ty.clone(),
                core_dims: core[k].clone(),
                core_steps: core_steps[k],
            });
            kernel_tys.push(ty);
        }
        let opts = Options {
            parallel: false,
            fastmath,
            boundscheck: false,
            error_model_numpy: true,
            opt_level: 3,
            want_asm: false,
            symbol_prefix: None,
        };
        let target = Target::GufuncLoop { args: &gargs };
        let key = format!("{kernel_tys:?}");
        let (f, code) = match reuse(previous, &key) {
            Some(kept) => kept,
            None => match driver::compile(py, json.clone(), kernel_tys, opts, target, cache) {
                // SAFETY: the JIT returned the address of a NumPy inner loop.
                Ok(Output::Loop(addr, h)) => (
                    unsafe { std::mem::transmute::<usize, Loop>(addr) },
                    SharedCode::new(h),
                ),
                Ok(Output::Function(_)) => unreachable!("a loop target gives a loop"),
                Err(f) => return Err(f.into_err(py, name)),
            },
        };
        t.code.push(code.clone());
        t.kept.push((key, f, code));
        if parallel {
            let pd = Box::new(ParallelData {
                serial: f,
                nargs,
                ndims: 1 + ncore,
                nsteps,
            });
            t.data.push(&*pd as *const ParallelData as *mut c_void);
            t.serial.push(pd);
            t.funcs.push(Some(parallel_loop as Loop));
        } else {
            t.data.push(std::ptr::null_mut());
            t.funcs.push(Some(f));
        }
    }
    unsafe {
        let uf = PY_UFUNC_API.PyUFunc_FromFuncAndDataAndSignature(
            py,
            t.funcs.as_mut_ptr(),
            t.data.as_mut_ptr(),
            t.types.as_mut_ptr(),
            sigs.len() as i32,
            nin as i32,
            nout as i32,
            -1,
            t.name.as_ptr(),
            t.doc.as_ptr(),
            0,
            sig_c.as_ptr(),
        );
        if uf.is_null() {
            return Err(PyErr::fetch(py));
        }
        // Outputs are read-write copies: a kernel may leave elements unwritten,
        // and when NumPy casts an output through a buffer, that buffer must
        // start from the output's values (Numba's gufuncs set the same flags).
        let u = uf as *mut PyUFuncObject;
        let flags = (*u).fields.op_flags;
        if !flags.is_null() {
            use numpy::npyffi::{NPY_ITER_ALLOCATE, NPY_ITER_READWRITE, NPY_ITER_UPDATEIFCOPY};
            for i in nin..nin + nout {
                *flags.add(i) = NPY_ITER_READWRITE | NPY_ITER_UPDATEIFCOPY | NPY_ITER_ALLOCATE;
            }
        }
        adopt(py, uf, t, None)
    }
}
