//! `oxjit._native`: the dispatcher (argument typing, overload cache, unboxing,
//! boxing, error translation) and the glue between Python and the compiler
//! crates. The decorators and the AST front end live in `python/oxjit`.

#![deny(clippy::wildcard_enum_match_arm)]

mod boxing;
mod cache;
mod class_table;
mod dict;
mod driver;
mod jitclass;
mod list;
mod named;
mod npyrandom;
mod records;
mod typed;
mod ufunc;
mod user_exc;

use boxing::{box_value, typeof_arg, unbox_into, ArgBuf, Key};
use driver::{Failure, Output, Target};
use oxjit_codegen::{leaf_size, leaves, Compiled, Options};
use oxjit_runtime::{ExcArg, PendingError};

use oxjit_types::{Dtype, ExcKind, Ty};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use std::sync::{Arc, Mutex, RwLock};

type Entry = unsafe extern "C" fn(*const *mut u8, *const *mut u8) -> i32;

/// The machine code of a cfunc's trampoline, freed with this object.
#[pyclass(frozen, module = "oxjit._native")]
pub struct CFuncCode {
    code: std::sync::Mutex<Option<oxjit_codegen::CodeHandle>>,
}

impl Drop for CFuncCode {
    fn drop(&mut self) {
        let code = self.code.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(c) = code {
            oxjit_codegen::release(c);
        }
    }
}

/// One compiled specialisation.
pub struct Overload {
    key: Option<Key>,
    args: Vec<Ty>,
    /// Declared return type of an eager signature (results are converted).
    declared_ret: Option<Ty>,
    entry: Entry,
    /// The native code plus the IR and typed dump for the inspection API.
    compiled: Compiled,
    ret_leaves: Vec<Ty>,
    /// Jitted functions passed as arguments (by identity): part of the key,
    /// and kept alive so their ids cannot be reused.
    fn_args: Vec<Py<PyAny>>,
    /// All arguments and the result are one-word scalars (f64, i64, bool):
    /// the call path needs no buffers.
    simple: Option<(Vec<Dtype>, Dtype)>,
}

fn simple_sig(args: &[Ty], ret: &Ty, declared: &Option<Ty>) -> Option<(Vec<Dtype>, Dtype)> {
    let one = |t: &Ty| match t {
        Ty::Scalar(d @ (Dtype::F64 | Dtype::I64 | Dtype::Bool)) => Some(*d),
        Ty::Scalar(_)
        | Ty::NoneType
        | Ty::Str
        | Ty::Tuple(_)
        | Ty::Array(_)
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
        | Ty::Unknown => None,
    };
    if args.len() > 8 || declared.as_ref().is_some_and(|d| d != ret) {
        return None;
    }
    let a: Option<Vec<Dtype>> = args.iter().map(one).collect();
    Some((a?, one(ret)?))
}

#[pyclass(subclass, frozen, module = "oxjit._native")]
pub struct Dispatcher {
    /// CPython's vectorcall entry for this object (`tp_vectorcall_offset`
    /// points here; see `_install_vectorcall`).
    vectorcall: ffi::vectorcallfunc,
    #[pyo3(get)]
    py_func: Py<PyAny>,
    nparams: usize,
    opts: Options,
    nopython: bool,
    nogil: bool,
    overloads: RwLock<Vec<Arc<Overload>>>,
    /// Argument types that fell back to the Python function (`@jit` only).
    fallback: RwLock<Vec<Vec<Ty>>>,
    compile_lock: Mutex<()>,
    /// Set after eager compilation: no new specialisations.
    frozen: RwLock<bool>,
    /// `cache=True`: where its compiled code is kept (`_enable_cache`).
    cache: RwLock<Option<Arc<cache::Place>>>,
    /// The overload used last, for a lock-free fast path. It points into an
    /// `Arc` held by `overloads`, which only ever grows, so it stays valid.
    last: std::sync::atomic::AtomicPtr<Overload>,
}

fn errors_mod(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("oxjit.errors")
}

pub(crate) fn new_err(py: Python<'_>, class: &str, msg: String) -> PyErr {
    match errors_mod(py).and_then(|m| m.getattr(class)) {
        Ok(cls) => match cls.call1((msg.clone(),)) {
            Ok(inst) => PyErr::from_value(inst),
            Err(e) => e,
        },
        Err(_) => PyRuntimeError::new_err(msg),
    }
}

/// Turn a pending runtime error into the Python exception.
fn raise_pending(py: Python<'_>, e: PendingError) -> PyErr {
    let kind = ExcKind::from_code(e.kind).unwrap_or(ExcKind::RuntimeError);
    // A bare `raise` re-raises the exception being handled (the caller's
    // `except` block), as in Python and Numba.
    if kind == ExcKind::RuntimeError
        && matches!(e.args.as_slice(), [ExcArg::Str(m)] if m == oxjit_types::RERAISE_MESSAGE)
    {
        let handled = py
            .import("sys")
            .and_then(|sys| sys.call_method0("exc_info"))
            .and_then(|info| info.get_item(1));
        if let Ok(exc) = handled {
            if !exc.is_none() {
                return PyErr::from_value(exc);
            }
        }
    }
    let cls = if let ExcKind::User(n) = kind {
        user_exc::class(py, n).map(|c| c.into_any()).ok_or_else(|| {
            PyRuntimeError::new_err("an exception class compiled code raised is gone")
        })
    } else if kind == ExcKind::LinAlgError {
        py.import("numpy.linalg")
            .and_then(|m| m.getattr("LinAlgError"))
    } else if kind == ExcKind::AxisError {
        py.import("numpy.exceptions")
            .and_then(|m| m.getattr("AxisError"))
    } else {
        py.import("builtins").and_then(|m| m.getattr(kind.name()))
    };
    let cls = match cls {
        Ok(c) => c,
        Err(err) => return err,
    };
    let mut args: Vec<Py<PyAny>> = if e.concat {
        let mut s = String::new();
        for a in &e.args {
            match a {
                ExcArg::Str(x) => s.push_str(x),
                ExcArg::Int(v) => s.push_str(&v.to_string()),
                ExcArg::UInt(v) => s.push_str(&v.to_string()),
                ExcArg::Float(v) => s.push_str(&oxjit_runtime::fmt::float_repr(*v)),
                ExcArg::Bool(b) => s.push_str(if *b { "True" } else { "False" }),
            }
        }
        vec![PyString::new(py, &s).into_any().unbind()]
    } else {
        e.args
            .iter()
            .map(|a| match a {
                ExcArg::Str(x) => PyString::new(py, x).into_any().unbind(),
                ExcArg::Int(v) => v
                    .into_pyobject(py)
                    .map(|o| o.into_any().unbind())
                    .unwrap_or_else(|_| py.None()),
                ExcArg::UInt(v) => v
                    .into_pyobject(py)
                    .map(|o| o.into_any().unbind())
                    .unwrap_or_else(|_| py.None()),
                ExcArg::Float(v) => v
                    .into_pyobject(py)
                    .map(|o| o.into_any().unbind())
                    .unwrap_or_else(|_| py.None()),
                ExcArg::Bool(b) => b
                    .into_pyobject(py)
                    .map(|o| o.to_owned().into_any().unbind())
                    .unwrap_or_else(|_| py.None()),
            })
            .collect()
    };
    if kind == ExcKind::AxisError && args.len() == 2 {
        // AxisError(axis, ndim, msg_prefix=None), as NumPy raises it.
        args.push(py.None());
    }
    let tuple = match PyTuple::new(py, args) {
        Ok(t) => t,
        Err(err) => return err,
    };
    match cls.call1(tuple) {
        Ok(inst) => PyErr::from_value(inst),
        Err(err) => err,
    }
}

struct SendPtrs(*const *mut u8, *const *mut u8, Entry);
// SAFETY: the buffers outlive the call and compiled code never touches Python.
unsafe impl Send for SendPtrs {}

impl Dispatcher {
    fn find(&self, key: &Option<Key>, tys: Option<&[Ty]>) -> Option<Arc<Overload>> {
        let ovs = self.overloads.read().unwrap_or_else(|p| p.into_inner());
        for o in ovs.iter() {
            match (key, &o.key, tys) {
                (Some(k), Some(ok), _) if k == ok => return Some(o.clone()),
                (_, _, Some(t)) if t == o.args.as_slice() && o.fn_args.is_empty() => {
                    return Some(o.clone())
                }
                _ => {}
            }
        }
        None
    }

    /// Overload lookup when jitted functions are among the arguments.
    fn find_with_fns(&self, tys: &[Ty], fns: &[Py<PyAny>]) -> Option<Arc<Overload>> {
        if fns.is_empty() {
            return self.find(&None, Some(tys));
        }
        let ovs = self.overloads.read().unwrap_or_else(|p| p.into_inner());
        ovs.iter()
            .find(|o| {
                o.args == tys
                    && o.fn_args.len() == fns.len()
                    && o.fn_args
                        .iter()
                        .zip(fns)
                        .all(|(a, b)| a.as_ptr() == b.as_ptr())
            })
            .cloned()
    }

    fn compile_types(
        &self,
        py: Python<'_>,
        tys: &[Ty],
        declared_ret: Option<Ty>,
        fn_args: &[Py<PyAny>],
    ) -> Result<Arc<Overload>, Failure> {
        let json = driver::unit_json(py, self.py_func.bind(py), fn_args, tys)?;
        let opts = self.opts.clone();
        let place = self.cache.read().unwrap_or_else(|p| p.into_inner()).clone();
        let compiled = match driver::compile(
            py,
            json,
            tys.to_vec(),
            opts,
            Target::Function,
            place.as_deref(),
        )? {
            Output::Function(c) => c,
            Output::Loop(..) => unreachable!("a function target gives a function"),
        };
        for note in compiled
            .parallel_notes
            .iter()
            .filter(|n| n.contains("possible race"))
        {
            let cls = errors_mod(py)
                .and_then(|m| m.getattr("NumbaParallelSafetyWarning"))
                .map_err(Failure::Py)?;
            PyErr::warn(
                py,
                &cls,
                &std::ffi::CString::new(note.as_str()).unwrap_or_default(),
                1,
            )
            .map_err(Failure::Py)?;
        }
        if !self.opts.parallel {
            if let Some(note) = compiled.parallel_notes.first() {
                // As Numba users expect: prange is range without parallel=True.
                let cls = errors_mod(py)
                    .and_then(|m| m.getattr("NumbaPerformanceWarning"))
                    .map_err(Failure::Py)?;
                let text = format!("{note}: it runs as range (pass parallel=True to @njit)");
                PyErr::warn(
                    py,
                    &cls,
                    &std::ffi::CString::new(text).unwrap_or_default(),
                    1,
                )
                .map_err(Failure::Py)?;
            }
        }
        let ret_leaves = leaves(&compiled.ret);
        // SAFETY: the JIT returned the address of a function with this ABI.
        let entry: Entry = unsafe { std::mem::transmute::<usize, Entry>(compiled.entry) };
        let simple = simple_sig(tys, &compiled.ret, &declared_ret);
        Ok(Arc::new(Overload {
            fn_args: fn_args.iter().map(|f| f.clone_ref(py)).collect(),
            simple,
            key: boxing::key_of_types(tys),
            args: tys.to_vec(),
            declared_ret,
            entry,
            compiled,
            ret_leaves,
        }))
    }

    fn lock_compile<'a>(&'a self, py: Python<'_>) -> std::sync::MutexGuard<'a, ()> {
        // Never block on the lock while holding the GIL: the holder may need it.
        loop {
            match self.compile_lock.try_lock() {
                Ok(g) => return g,
                Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {
                    py.detach(|| std::thread::sleep(std::time::Duration::from_micros(200)));
                }
            }
        }
    }

    /// The first overload whose argument types `args` match exactly.
    fn find_matching(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> Option<Arc<Overload>> {
        let ovs = self.overloads.read().unwrap_or_else(|p| p.into_inner());
        ovs.iter()
            .find(|o| {
                o.args.len() == args.len()
                    && o.args.iter().enumerate().all(|(i, t)| {
                        // SAFETY: i < args.len().
                        let a = unsafe { ffi::PyTuple_GET_ITEM(args.as_ptr(), i as isize) };
                        boxing::obj_matches(py, a, t)
                    })
            })
            .cloned()
    }

    fn overload_for(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
    ) -> PyResult<Option<Arc<Overload>>> {
        let name = self.py_func.bind(py).getattr("__name__")?.to_string();
        let mut fn_args = Vec::new();
        let mut tys = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            match typeof_arg(py, &a, &mut fn_args) {
                // An empty list (or one of empty lists) has no item type.
                Ok(t) if !t.is_known() => {
                    return Err(PyTypeError::new_err(format!(
                        "{name}() argument {} is empty ({t}): compiled code cannot tell the type of its items; pass a non-empty container, or build it in compiled code",
                        i + 1
                    )))
                }
                Ok(t) => tys.push(t),
                Err(what) => {
                    return Err(PyTypeError::new_err(format!(
                    "{name}() argument {} has type {what}, which compiled code does not support",
                    i + 1
                )))
                }
            }
        }
        if let Some(o) = self.find(&None, Some(&tys)) {
            return Ok(Some(o));
        }
        if self
            .fallback
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&tys)
        {
            return Ok(None);
        }
        if *self.frozen.read().unwrap_or_else(|p| p.into_inner()) {
            // Eager signatures: convert where safe; failing that, integers to
            // any integer type, range-checked when unboxed (Numba converts
            // `f(5)` for `int32(int32)` too, but wraps values that do not fit).
            let ovs = self.overloads.read().unwrap_or_else(|p| p.into_inner());
            let checked = |a: &Ty, b: &Ty| {
                oxjit_types::can_convert_safely(a, b)
                    || matches!((a, b), (Ty::Scalar(x), Ty::Scalar(y))
                        if (x.is_int() || *x == Dtype::Bool) && y.is_int())
            };
            // Then Numba's unsafe conversions: float to int (truncated, range-
            // checked when unboxed), float64 to float32; never complex to real.
            let unsafe_conv = |a: &Ty, b: &Ty| {
                oxjit_types::can_convert_safely(a, b)
                    || matches!((a, b), (Ty::Scalar(x), Ty::Scalar(y))
                        if y.is_complex() || !x.is_complex())
            };
            for convert in [oxjit_types::can_convert_safely, checked, unsafe_conv] {
                if let Some(o) = ovs.iter().find(|o| {
                    o.args.len() == tys.len() && tys.iter().zip(&o.args).all(|(a, b)| convert(a, b))
                }) {
                    return Ok(Some(o.clone()));
                }
            }
            let shown: Vec<String> = tys.iter().map(|t| t.to_string()).collect();
            let known: Vec<String> = ovs
                .iter()
                .map(|o| {
                    format!(
                        "({})",
                        o.args
                            .iter()
                            .map(|t| t.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            return Err(PyTypeError::new_err(format!(
                "No matching definition for argument type(s) {} (compiled signatures: {})",
                shown.join(", "),
                known.join(", ")
            )));
        }
        let _g = self.lock_compile(py);
        if let Some(o) = self.find_with_fns(&tys, &fn_args) {
            return Ok(Some(o));
        }
        match self.compile_types(py, &tys, None, &fn_args) {
            Ok(o) => {
                self.overloads
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(o.clone());
                Ok(Some(o))
            }
            Err(Failure::User(msg)) if !self.nopython => {
                let warn_cls = errors_mod(py)?.getattr("ObjectModeWarning")?;
                let text = format!(
                        "Compilation is falling back to object mode: `{name}` could not be compiled in nopython mode and runs as plain Python.\n{msg}"
                    );
                // Level 1 is the innermost Python frame: the caller's line
                // (the dispatcher is a C call and has no frame of its own).
                PyErr::warn(
                    py,
                    &warn_cls,
                    &std::ffi::CString::new(text).unwrap_or_default(),
                    1,
                )?;
                self.fallback
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(tys);
                Ok(None)
            }
            Err(f) => Err(f.into_err(py, &name)),
        }
    }

    /// The all-scalar call path; `None` when an argument needs the general path.
    fn run_simple(
        &self,
        py: Python<'_>,
        o: &Overload,
        args: &[*mut ffi::PyObject],
    ) -> Option<PyResult<Py<PyAny>>> {
        let (ads, rd) = o.simple.as_ref()?;
        if self.nogil || args.len() != ads.len() {
            return None;
        }
        let mut words = [0u64; 8];
        let mut ptrs = [std::ptr::null_mut::<u8>(); 8];
        for (i, d) in ads.iter().enumerate() {
            words[i] = boxing::unbox_scalar_fast(args[i], *d)?;
        }
        for (i, p) in ptrs.iter_mut().enumerate().take(ads.len()) {
            *p = &mut words[i] as *mut u64 as *mut u8;
        }
        let mut ret = 0u64;
        let rp = [&mut ret as *mut u64 as *mut u8];
        let status = unsafe { (o.entry)(ptrs.as_ptr(), rp.as_ptr()) };
        if status == 0 {
            return boxing::box_scalar_fast(py, ret, *rd).map(Ok);
        }
        let e = oxjit_runtime::take_error().unwrap_or(PendingError {
            kind: ExcKind::RuntimeError.code(),
            args: vec![ExcArg::Str("compiled code failed without an error".into())],
            concat: false,
        });
        Some(Err(raise_pending(py, e)))
    }

    fn run(&self, py: Python<'_>, o: &Overload, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        if let (Some((ads, rd)), false) = (&o.simple, self.nogil) {
            let mut words = [0u64; 8];
            let mut ptrs = [std::ptr::null_mut::<u8>(); 8];
            let mut ok = true;
            for (i, d) in ads.iter().enumerate() {
                // SAFETY: i < args.len() (the key matched).
                let a = unsafe { ffi::PyTuple_GET_ITEM(args.as_ptr(), i as isize) };
                match boxing::unbox_scalar_fast(a, *d) {
                    Some(w) => words[i] = w,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                for (i, p) in ptrs.iter_mut().enumerate().take(ads.len()) {
                    *p = &mut words[i] as *mut u64 as *mut u8;
                }
                let mut ret = 0u64;
                let rp = [&mut ret as *mut u64 as *mut u8];
                let status = unsafe { (o.entry)(ptrs.as_ptr(), rp.as_ptr()) };
                if status == 0 {
                    if let Some(v) = boxing::box_scalar_fast(py, ret, *rd) {
                        return Ok(v);
                    }
                } else {
                    let e = oxjit_runtime::take_error().unwrap_or(PendingError {
                        kind: ExcKind::RuntimeError.code(),
                        args: vec![ExcArg::Str("compiled code failed without an error".into())],
                        concat: false,
                    });
                    return Err(raise_pending(py, e));
                }
            }
        }
        let mut buf = ArgBuf::new();
        for (a, t) in args.iter().zip(&o.args) {
            unbox_into(py, &a, t, &mut buf)?;
        }
        // Result slots.
        let mut ret_words: [u64; 24] = [0; 24];
        let mut ret_heap: Vec<u64> = Vec::new();
        let total: usize = o
            .ret_leaves
            .iter()
            .map(|t| leaf_size(t).div_ceil(8).max(1))
            .sum();
        let words: &mut [u64] = if total <= ret_words.len() {
            &mut ret_words[..]
        } else {
            ret_heap.resize(total, 0);
            &mut ret_heap[..]
        };
        let mut ret_ptrs: [*mut u8; 16] = [std::ptr::null_mut(); 16];
        let mut ret_ptrs_heap: Vec<*mut u8> = Vec::new();
        let nleaves = o.ret_leaves.len();
        let ptrs: &mut [*mut u8] = if nleaves <= 16 {
            &mut ret_ptrs[..]
        } else {
            ret_ptrs_heap.resize(nleaves, std::ptr::null_mut());
            &mut ret_ptrs_heap[..]
        };
        let mut off = 0;
        for (i, t) in o.ret_leaves.iter().enumerate() {
            ptrs[i] = unsafe { words.as_mut_ptr().add(off) } as *mut u8;
            off += leaf_size(t).div_ceil(8).max(1);
        }
        let argp = buf.ptrs();
        let status = if self.nogil {
            let sp = SendPtrs(argp, ptrs.as_ptr(), o.entry);
            py.detach(move || {
                let sp = sp;
                unsafe { (sp.2)(sp.0, sp.1) }
            })
        } else {
            unsafe { (o.entry)(argp, ptrs.as_ptr()) }
        };
        // Changed list arguments are written back whether the call raised
        // or not (as the same Python code would have changed them).
        let reflected = buf.finish(py);
        if status != 0 {
            let e = oxjit_runtime::take_error().unwrap_or(PendingError {
                kind: ExcKind::RuntimeError.code(),
                args: vec![ExcArg::Str("compiled code failed without an error".into())],
                concat: false,
            });
            return Err(raise_pending(py, e));
        }
        let mut leaf = 0usize;
        let v = box_value(py, &o.compiled.ret, ptrs, &mut leaf)?;
        drop(buf);
        reflected?;
        match &o.declared_ret {
            Some(Ty::Scalar(d)) if o.compiled.ret != Ty::Scalar(*d) => {
                boxing::convert_scalar(py, v, *d)
            }
            _ => Ok(v),
        }
    }
}

#[pymethods]
impl Dispatcher {
    #[new]
    #[pyo3(signature = (py_func, nparams, fastmath=false, boundscheck=false, error_model_numpy=false, nopython=true, nogil=false, opt_level=3, parallel=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py_func: Py<PyAny>,
        nparams: usize,
        fastmath: bool,
        boundscheck: bool,
        error_model_numpy: bool,
        nopython: bool,
        nogil: bool,
        opt_level: u8,
        parallel: bool,
    ) -> Self {
        Dispatcher {
            vectorcall: raw_vectorcall,
            py_func,
            nparams,
            opts: Options {
                fastmath,
                boundscheck,
                error_model_numpy,
                opt_level,
                want_asm: false,
                parallel,
                symbol_prefix: None,
            },
            nopython,
            nogil,
            overloads: RwLock::new(Vec::new()),
            fallback: RwLock::new(Vec::new()),
            compile_lock: Mutex::new(()),
            frozen: RwLock::new(false),
            cache: RwLock::new(None),
            last: std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        call_impl(slf, args, kwargs)
    }

    /// `cache=True`: keep compiled code in `dir`, in files named after
    /// `stem` (`module.qualname`); set before the first compilation.
    fn _enable_cache(&self, dir: std::path::PathBuf, stem: String) {
        *self.cache.write().unwrap_or_else(|p| p.into_inner()) =
            Some(Arc::new(cache::Place { dir, stem }));
    }

    /// `(hits, misses)` of the on-disk cache for this function in this process.
    fn _cache_stats(&self) -> (u64, u64) {
        match &*self.cache.read().unwrap_or_else(|p| p.into_inner()) {
            Some(p) => cache::stats_of(p),
            None => (0, 0),
        }
    }

    /// Compile eagerly for a signature string (`"float64(int64, f8[:])"`).
    fn _compile_signature(&self, py: Python<'_>, sig: &str) -> PyResult<()> {
        let s = oxjit_types::parse_signature_with(sig, Some(&jitclass::resolve))
            .map_err(|e| PyTypeError::new_err(format!("invalid signature {sig:?}: {e}")))?;
        let _g = self.lock_compile(py);
        if self.find(&None, Some(&s.args)).is_some() {
            return Ok(());
        }
        let name = self.py_func.bind(py).getattr("__name__")?.to_string();
        match self.compile_types(py, &s.args, s.ret.clone(), &[]) {
            Ok(o) => {
                if let Some(r) = &s.ret {
                    // Scalars convert as Numba casts them, but never complex
                    // to real (Numba: a TypingError; the imaginary part would
                    // be lost silently).
                    let ok = r == &o.compiled.ret
                        || matches!((r, &o.compiled.ret), (Ty::Scalar(d), Ty::Scalar(c))
                            if d.is_complex() || !c.is_complex())
                        || oxjit_types::can_convert_safely(&o.compiled.ret, r);
                    if !ok {
                        return Err(new_err(
                            py,
                            "TypingError",
                            format!("{name}: the declared return type {r} does not match the inferred {}", o.compiled.ret),
                        ));
                    }
                }
                self.overloads
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(o);
                Ok(())
            }
            Err(f) => Err(f.into_err(py, &name)),
        }
    }

    /// `@cfunc`: a function with the C signature of eager signature `sig`
    /// (compiled already) around its entry; its address and the object that
    /// keeps its code (the dispatcher must outlive both).
    fn _cfunc_trampoline(&self, py: Python<'_>, sig: &str) -> PyResult<(usize, Py<CFuncCode>)> {
        let s = oxjit_types::parse_signature_with(sig, Some(&jitclass::resolve))
            .map_err(|e| PyTypeError::new_err(format!("invalid signature {sig:?}: {e}")))?;
        let o = self
            .find(&None, Some(&s.args))
            .ok_or_else(|| PyTypeError::new_err(format!("no compiled specialisation for {sig}")))?;
        let name = self.py_func.bind(py).getattr("__name__")?.to_string();
        let declared = s.ret.as_ref().or(o.declared_ret.as_ref());
        let (addr, code) = oxjit_codegen::c_trampoline(
            o.compiled.entry,
            &o.args,
            &o.compiled.ret,
            Some(declared.unwrap_or(&o.compiled.ret)),
            &name,
        )
        .map_err(|e| new_err(py, "TypingError", format!("cfunc {name}: {e}")))?;
        let code = std::sync::Mutex::new(Some(code));
        Ok((addr, Py::new(py, CFuncCode { code })?))
    }

    fn _freeze(&self) {
        *self.frozen.write().unwrap_or_else(|p| p.into_inner()) = true;
    }

    /// `[(argument types, return type, typed dump, optimised IR)]`.
    fn _overloads(&self) -> Vec<(Vec<String>, String, String, String)> {
        let ovs = self.overloads.read().unwrap_or_else(|p| p.into_inner());
        ovs.iter()
            .map(|o| {
                let ret = o
                    .declared_ret
                    .clone()
                    .unwrap_or_else(|| o.compiled.ret.clone());
                (
                    o.args.iter().map(|t| t.to_string()).collect(),
                    ret.to_string(),
                    o.compiled.types.clone(),
                    o.compiled.llvm_ir.clone(),
                )
            })
            .collect()
    }

    /// What became of the parallel constructs of overload `i`.
    fn _parallel_notes(&self, i: usize) -> Vec<String> {
        let ovs = self.overloads.read().unwrap_or_else(|p| p.into_inner());
        ovs.get(i)
            .map(|o| o.compiled.parallel_notes.clone())
            .unwrap_or_default()
    }

    /// Assembly of overload `i` (compiled again with assembly output).
    fn _asm(&self, py: Python<'_>, i: usize) -> PyResult<String> {
        let o = {
            let ovs = self.overloads.read().unwrap_or_else(|p| p.into_inner());
            ovs.get(i)
                .cloned()
                .ok_or_else(|| PyTypeError::new_err("no such overload"))?
        };
        let name = self.py_func.bind(py).getattr("__name__")?.to_string();
        let json = driver::unit_json(py, self.py_func.bind(py), &o.fn_args, &o.args)
            .map_err(|f| f.into_err(py, &name))?;
        let mut opts = self.opts.clone();
        opts.want_asm = true;
        let c = match driver::compile(py, json, o.args.clone(), opts, Target::Function, None) {
            Ok(Output::Function(c)) => c,
            Ok(Output::Loop(..)) => unreachable!("a function target gives a function"),
            Err(f) => return Err(f.into_err(py, &name)),
        };
        Ok(c.asm.clone().unwrap_or_default())
    }
}

/// Vectorcall entry: the hot path for positional calls, without building an
/// argument tuple. Anything unusual goes through `call_impl`.
unsafe extern "C" fn raw_vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: CPython calls with the GIL held and `nargs` valid arguments.
        let py = unsafe { Python::assume_attached() };
        let nargs = unsafe { ffi::PyVectorcall_NARGS(nargsf) } as usize;
        let slf = unsafe { Bound::from_borrowed_ptr(py, callable) };
        let slf = slf.cast::<Dispatcher>().map_err(PyErr::from)?;
        let this = slf.get();
        let argv = unsafe { std::slice::from_raw_parts(args, nargs) };
        if kwnames.is_null() && nargs == this.nparams {
            if let Some(k) = boxing::key_of_objects(py, argv) {
                let last = this.last.load(std::sync::atomic::Ordering::Acquire);
                if !last.is_null() {
                    // SAFETY: see `Dispatcher::last`.
                    let o = unsafe { &*last };
                    if o.key.as_ref() == Some(&k) {
                        if let Some(r) = this.run_simple(py, o, argv) {
                            return r;
                        }
                    }
                }
            }
        }
        // General path: rebuild (args, kwargs) and go through `call_impl`.
        let nkw = if kwnames.is_null() {
            0
        } else {
            (unsafe { ffi::PyTuple_GET_SIZE(kwnames) }) as usize
        };
        let all = unsafe { std::slice::from_raw_parts(args, nargs + nkw) };
        let pos = PyTuple::new(
            py,
            argv.iter()
                .map(|&p| unsafe { Bound::from_borrowed_ptr(py, p) }),
        )?;
        let kwargs = if nkw > 0 {
            let d = PyDict::new(py);
            for i in 0..nkw {
                let k = unsafe {
                    Bound::from_borrowed_ptr(py, ffi::PyTuple_GET_ITEM(kwnames, i as isize))
                };
                let v = unsafe { Bound::from_borrowed_ptr(py, all[nargs + i]) };
                d.set_item(k, v)?;
            }
            Some(d)
        } else {
            None
        };
        call_impl(slf, &pos, kwargs.as_ref())
    });
    let py = unsafe { Python::assume_attached() };
    match r {
        Ok(Ok(v)) => v.into_ptr(),
        Ok(Err(e)) => {
            e.restore(py);
            std::ptr::null_mut()
        }
        Err(payload) => {
            // SAFETY: the dispatcher object is alive for the whole call.
            let slf = unsafe { Bound::from_borrowed_ptr(py, callable) };
            call_panic(&slf, payload.as_ref()).restore(py);
            std::ptr::null_mut()
        }
    }
}

/// Point the type of `obj` (and its Dispatcher bases) at the per-object
/// vectorcall slot. The field's offset is the same in every instance.
#[pyfunction]
fn _install_vectorcall(obj: &Bound<'_, Dispatcher>) -> PyResult<()> {
    let this = obj.get();
    let off =
        (&this.vectorcall as *const ffi::vectorcallfunc as usize) as isize - obj.as_ptr() as isize;
    let mut tp = obj.get_type();
    loop {
        unsafe {
            let t = tp.as_ptr() as *mut ffi::PyTypeObject;
            (*t).tp_vectorcall_offset = off;
            (*t).tp_flags |= ffi::Py_TPFLAGS_HAVE_VECTORCALL;
        }
        if tp.is(obj.py().get_type::<Dispatcher>()) {
            break;
        }
        match tp
            .getattr("__base__")
            .and_then(|b| Ok(b.cast_into::<pyo3::types::PyType>()?))
        {
            Ok(b) => tp = b,
            Err(_) => break,
        }
    }
    Ok(())
}

/// The type's `tp_call`, installed in place of PyO3's trampoline: the hot
/// path of every call (a panic must not unwind into CPython, so it is caught).
unsafe extern "C" fn raw_call(
    slf: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: CPython calls tp_call with the GIL held and valid objects.
        let py = unsafe { Python::assume_attached() };
        let slf = unsafe { Bound::from_borrowed_ptr(py, slf) };
        let args = unsafe { Bound::from_borrowed_ptr(py, args) };
        let kwargs = if kwargs.is_null() {
            None
        } else {
            Some(unsafe { Bound::from_borrowed_ptr(py, kwargs) })
        };
        let slf = slf.cast::<Dispatcher>().map_err(PyErr::from)?;
        let args = args.cast::<PyTuple>().map_err(PyErr::from)?;
        let kwargs = match &kwargs {
            Some(k) => Some(k.cast::<PyDict>().map_err(PyErr::from)?),
            None => None,
        };
        call_impl(slf, args, kwargs)
    });
    let py = unsafe { Python::assume_attached() };
    match r {
        Ok(Ok(v)) => v.into_ptr(),
        Ok(Err(e)) => {
            e.restore(py);
            std::ptr::null_mut()
        }
        Err(payload) => {
            // SAFETY: the dispatcher object is alive for the whole call.
            let slf = unsafe { Bound::from_borrowed_ptr(py, slf) };
            call_panic(&slf, payload.as_ref()).restore(py);
            std::ptr::null_mut()
        }
    }
}

/// A panic on the call path (argument typing, boxing): an
/// `InternalCompilerError` naming the function, and the dispatcher stays usable.
fn call_panic(slf: &Bound<'_, PyAny>, payload: &(dyn std::any::Any + Send)) -> PyErr {
    let py = slf.py();
    let name = slf
        .getattr("__name__")
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    Failure::Internal {
        stage: driver::Stage::Call,
        message: oxjit_codegen::panic_message(payload),
    }
    .into_err(py, &name)
}

fn call_impl(
    slf: &Bound<'_, Dispatcher>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let this = slf.get();
    let bound;
    let args = if kwargs.is_some_and(|k| !k.is_empty()) || args.len() != this.nparams {
        // Defaults, keywords and *args: let Python bind them (and raise
        // CPython's own arity errors).
        bound = slf
            .call_method1("_bind", (args, kwargs))?
            .cast_into::<PyTuple>()?;
        &bound
    } else {
        args
    };
    // Fast path: an exact key match without building types.
    let key = boxing::key_of_args(py, args);
    if let Some(k) = &key {
        let last = this.last.load(std::sync::atomic::Ordering::Acquire);
        if !last.is_null() {
            // SAFETY: see `Dispatcher::last`.
            let o = unsafe { &*last };
            if o.key.as_ref() == Some(k) {
                return this.run(py, o, args);
            }
        }
    }
    // Arguments the key cannot describe (tuples, named tuples): an overload
    // whose types they match, checked without building their types.
    if key.is_none() {
        if let Some(o) = this.find_matching(py, args) {
            return this.run(py, &o, args);
        }
    }
    let ov = match key.as_ref().and_then(|k| this.find(&Some(k.clone()), None)) {
        Some(o) => Some(o),
        None => this.overload_for(py, args)?,
    };
    match ov {
        Some(o) => {
            if o.key.is_some() {
                this.last.store(
                    Arc::as_ptr(&o) as *mut Overload,
                    std::sync::atomic::Ordering::Release,
                );
            }
            this.run(py, &o, args)
        }
        None => this
            .py_func
            .bind(py)
            .call1(args.clone())
            .map(|v| v.unbind()),
    }
}

/// The scalar kernel behind an eager `@vectorize` ufunc (None otherwise).
#[pyfunction]
fn _ufunc_kernel(py: Python<'_>, obj: &Bound<'_, PyAny>) -> Option<Py<PyAny>> {
    ufunc::kernel_of(py, obj)
}

/// How an oxjit ufunc is built again (`_pickling`), or None.
#[pyfunction]
fn _ufunc_recipe(py: Python<'_>, obj: &Bound<'_, PyAny>) -> Option<Py<PyAny>> {
    ufunc::recipe_of(py, obj)
}

/// Keep `recipe` with the oxjit ufunc `obj` (freed with it).
#[pyfunction]
fn _set_ufunc_recipe(obj: &Bound<'_, PyAny>, recipe: Py<PyAny>) -> PyResult<()> {
    if ufunc::set_recipe(obj, recipe) {
        Ok(())
    } else {
        Err(PyTypeError::new_err("not a ufunc made by oxjit"))
    }
}

/// Install the fast call slot on a Python subclass of `Dispatcher` (CPython
/// fills a subclass's slot from the base's `__call__` descriptor, which still
/// wraps PyO3's trampoline).
#[pyfunction]
fn _install_fast_call(cls: &Bound<'_, pyo3::types::PyType>) -> PyResult<()> {
    if !cls.is_subclass_of::<Dispatcher>()? {
        return Err(PyTypeError::new_err("not a Dispatcher subclass"));
    }
    unsafe { (*(cls.as_ptr() as *mut ffi::PyTypeObject)).tp_call = Some(raw_call) };
    Ok(())
}

/// `(allocations, frees)` of compiled-code memory since start-up.
/// `(cpu name, cpu features, LLVM version)`.
#[pyfunction]
fn _system_info() -> (String, String, String) {
    oxjit_codegen::system_info()
}

#[pyfunction]
fn allocation_stats() -> (u64, u64) {
    oxjit_runtime::allocation_stats()
}

/// `(buffers, bytes)` of large frozen global arrays still owned by compiled
/// code (for leak tests).
#[pyfunction]
fn _frozen_array_stats() -> (usize, usize) {
    oxjit_syntax::FrozenBytes::live()
}

/// The oxjit type of a Python value, as Numba spells it (`oxjit.typeof`).
#[pyfunction]
#[pyo3(name = "typeof")]
fn typeof_(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let mut extra = Vec::new();
    typeof_arg(py, obj, &mut extra)
        .map(|t| t.to_string())
        .map_err(|w| PyTypeError::new_err(format!("oxjit does not support values of type {w}")))
}

/// Parse a signature string; returns `(return type or None, [argument types])`
/// in canonical spelling.
#[pyfunction]
fn parse_signature(s: &str) -> PyResult<(Option<String>, Vec<String>)> {
    let sig = oxjit_types::parse_signature_with(s, Some(&jitclass::resolve))
        .map_err(|e| PyTypeError::new_err(format!("invalid signature {s:?}: {e}")))?;
    Ok((
        sig.ret.map(|t| t.to_string()),
        sig.args.iter().map(|t| t.to_string()).collect(),
    ))
}

fn dtype_of(s: &str) -> PyResult<Dtype> {
    match oxjit_types::parse_type_with(s, Some(&jitclass::resolve)) {
        Ok(Ty::Scalar(d)) => Ok(d),
        Ok(other) => Err(PyTypeError::new_err(format!(
            "ufunc signatures take scalar types, not {other}"
        ))),
        Err(e) => Err(PyTypeError::new_err(format!("invalid type {s:?}: {e}"))),
    }
}

/// Build a NumPy ufunc from a Python kernel and loop signatures
/// `[([input types], output type)]`, compiling one inner loop per signature
/// (or taking it from `previous`, an earlier version of the same lazy ufunc).
#[pyfunction]
#[pyo3(signature = (py_func, name, doc, nin, identity, loops, parallel=false, fastmath=false, cache=None, previous=None))]
#[allow(clippy::too_many_arguments)]
fn make_ufunc(
    py: Python<'_>,
    py_func: &Bound<'_, PyAny>,
    name: &str,
    doc: &str,
    nin: usize,
    identity: i32,
    loops: Vec<(Vec<String>, String)>,
    parallel: bool,
    fastmath: bool,
    cache: Option<(std::path::PathBuf, String)>,
    previous: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let place = cache.map(|(dir, stem)| cache::Place { dir, stem });
    let mut compiled = Vec::new();
    for (ins, out) in &loops {
        let spec = ufunc::LoopSpec {
            ins: ins.iter().map(|s| dtype_of(s)).collect::<PyResult<_>>()?,
            out: dtype_of(out)?,
        };
        let (f, code) = match ufunc::reuse(previous.as_ref(), &ufunc::loop_key(&spec)) {
            Some(kept) => kept,
            None => {
                let (f, h) = ufunc::compile_loop(py, py_func, &spec, fastmath, place.as_ref())?;
                (f, ufunc::SharedCode::new(h))
            }
        };
        compiled.push((spec, f, code));
    }
    ufunc::make_ufunc(
        py,
        Some(py_func),
        name,
        doc,
        nin,
        identity,
        compiled,
        parallel,
    )
}

/// The return type a kernel infers for the given argument types (lazy
/// `@vectorize` uses it to pick a new loop's output dtype).
#[pyfunction]
fn infer_return(py: Python<'_>, py_func: &Bound<'_, PyAny>, args: Vec<String>) -> PyResult<String> {
    let name = py_func.getattr("__name__")?.to_string();
    let json = driver::unit_json(py, py_func, &[], &[]).map_err(|f| f.into_err(py, &name))?;
    let tys: Vec<Ty> = args
        .iter()
        .map(|s| dtype_of(s).map(Ty::Scalar))
        .collect::<PyResult<_>>()?;
    driver::return_type(py, json, tys)
        .map(|t| t.to_string())
        .map_err(|f| f.into_err(py, &name))
}

/// Build a generalized ufunc (`@guvectorize`).
#[pyfunction]
#[pyo3(signature = (py_func, name, doc, nin, nout, layout, core, sigs, parallel=false, fastmath=false, cache=None, previous=None))]
#[allow(clippy::too_many_arguments)]
fn make_gufunc(
    py: Python<'_>,
    py_func: &Bound<'_, PyAny>,
    name: &str,
    doc: &str,
    nin: usize,
    nout: usize,
    layout: &str,
    core: Vec<Vec<usize>>,
    sigs: Vec<Vec<String>>,
    parallel: bool,
    fastmath: bool,
    cache: Option<(std::path::PathBuf, String)>,
    previous: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let place = cache.map(|(dir, stem)| cache::Place { dir, stem });
    let mut parsed = Vec::new();
    for s in &sigs {
        let tys: Vec<Ty> = s
            .iter()
            .map(|t| {
                oxjit_types::parse_type_with(t, Some(&jitclass::resolve))
                    .map_err(|e| PyTypeError::new_err(format!("invalid type {t:?}: {e}")))
            })
            .collect::<PyResult<_>>()?;
        parsed.push(tys);
    }
    ufunc::make_gufunc(
        py,
        py_func,
        name,
        doc,
        nin,
        nout,
        layout,
        core,
        parsed,
        (parallel, fastmath),
        place.as_ref(),
        previous.as_ref(),
    )
}

#[pyfunction]
fn get_num_threads() -> usize {
    ufunc::get_num_threads()
}

/// The calling thread's index in the worker pool (0 outside it), as
/// `numba.get_thread_id`.
#[pyfunction]
fn get_thread_id() -> i64 {
    oxjit_runtime::parallel::oxjit_rt_thread_id()
}

#[pyfunction]
fn set_num_threads(n: i64) -> PyResult<()> {
    let n = usize::try_from(n).unwrap_or(0);
    ufunc::set_num_threads(n).map_err(pyo3::exceptions::PyValueError::new_err)
}

/// Release the GIL if this thread holds it (a prange loop waiting for its
/// workers, which may need it): the thread state to restore, or null.
fn release_gil() -> *mut std::ffi::c_void {
    // SAFETY: plain CPython calls; PyGILState_Check is safe without the GIL.
    unsafe {
        if ffi::PyGILState_Check() == 1 {
            ffi::PyEval_SaveThread() as *mut std::ffi::c_void
        } else {
            std::ptr::null_mut()
        }
    }
}

fn restore_gil(saved: *mut std::ffi::c_void) {
    if !saved.is_null() {
        // SAFETY: `saved` came from PyEval_SaveThread on this thread.
        unsafe { ffi::PyEval_RestoreThread(saved as *mut ffi::PyThreadState) }
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    oxjit_codegen::set_python_minor(u32::from(m.py().version_info().minor));
    cache::init();
    boxing::install_print_hooks();
    oxjit_runtime::parallel::install_gil_hooks(release_gil, restore_gil);
    jitclass::install_hooks();
    oxjit_codegen::register_abi(npyrandom::abi());
    m.add_class::<Dispatcher>()?;
    // Replace the call slot with our own entry (see `raw_call`); subclasses
    // created later inherit it.
    let tp = m.py().get_type::<Dispatcher>();
    unsafe { (*(tp.as_ptr() as *mut ffi::PyTypeObject)).tp_call = Some(raw_call) };
    m.add_function(wrap_pyfunction!(allocation_stats, m)?)?;
    m.add_function(wrap_pyfunction!(_system_info, m)?)?;
    m.add_function(wrap_pyfunction!(_frozen_array_stats, m)?)?;
    m.add_function(wrap_pyfunction!(typeof_, m)?)?;
    m.add_function(wrap_pyfunction!(named::register_named_tuple, m)?)?;
    m.add_function(wrap_pyfunction!(user_exc::register_exception_class, m)?)?;
    m.add_class::<jitclass::JitInstance>()?;
    m.add_class::<jitclass::JitField>()?;
    m.add_class::<typed::NativeList>()?;
    m.add_class::<typed::NativeDict>()?;
    m.add_function(wrap_pyfunction!(typed::_register_typed, m)?)?;
    m.add_function(wrap_pyfunction!(jitclass::register_jitclass, m)?)?;
    m.add_function(wrap_pyfunction!(jitclass::define_jitclass, m)?)?;
    m.add_function(wrap_pyfunction!(jitclass::jitclass_instance_type, m)?)?;
    m.add_function(wrap_pyfunction!(parse_signature, m)?)?;
    m.add_function(wrap_pyfunction!(make_ufunc, m)?)?;
    m.add_function(wrap_pyfunction!(make_gufunc, m)?)?;
    m.add_function(wrap_pyfunction!(_install_fast_call, m)?)?;
    m.add_function(wrap_pyfunction!(_ufunc_kernel, m)?)?;
    m.add_function(wrap_pyfunction!(_ufunc_recipe, m)?)?;
    m.add_function(wrap_pyfunction!(_set_ufunc_recipe, m)?)?;
    m.add_function(wrap_pyfunction!(_install_vectorcall, m)?)?;
    m.add_function(wrap_pyfunction!(infer_return, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_thread_id, m)?)?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add("NUMBA_NUM_THREADS", ufunc::max_threads())?;
    Ok(())
}
