//! jitclass instances at the boundary: the process-wide class table (the
//! number compiled code knows a class by → its Python box class and its
//! `ClassTy`), `JitInstance` (the base of every box class: it holds one
//! reference to the instance's MemInfo), and the runtime's hooks for Python
//! objects that instances hold.

use oxjit_runtime::MemInfo;
use oxjit_types::{ClassTy, Ty};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyType;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The base class of every jitclass's Python class. An object of it is one
/// reference to an instance (its MemInfo) that Python holds; compiled code
/// sees the same fields.
#[pyclass(subclass, frozen, module = "oxjit._native", name = "JitInstance")]
pub struct JitInstance {
    meminfo: AtomicUsize,
    data: AtomicUsize,
    class: AtomicU64,
}

impl Drop for JitInstance {
    fn drop(&mut self) {
        let mi = self.meminfo.load(Ordering::Acquire) as *mut MemInfo;
        // SAFETY: the reference this object owns, released once.
        unsafe { oxjit_runtime::meminfo_release(mi) };
    }
}

#[pymethods]
impl JitInstance {
    #[new]
    fn new() -> Self {
        JitInstance {
            meminfo: AtomicUsize::new(0),
            data: AtomicUsize::new(0),
            class: AtomicU64::new(0),
        }
    }

    /// The instance's reference count (Python's box is one reference), for
    /// leak tests.
    #[getter]
    fn _oxjit_refcount(&self) -> i64 {
        let mi = self.meminfo.load(Ordering::Acquire) as *const MemInfo;
        if mi.is_null() {
            return 0;
        }
        // SAFETY: this object keeps the MemInfo alive.
        unsafe { (*mi).refcnt.load(Ordering::Acquire) }
    }
}

struct Entry {
    class: Py<PyType>,
    ty: Arc<ClassTy>,
}

static CLASSES: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The type of class number `n` (numbers count from 1).
pub fn class_ty(n: u64) -> Option<Arc<ClassTy>> {
    let t = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
    t.get((n as usize).checked_sub(1)?).map(|e| e.ty.clone())
}

/// Resolves `instance.jitclass.Name#N<...>` in type strings.
pub fn resolve(n: u64) -> Option<Ty> {
    class_ty(n).map(Ty::Instance)
}

/// `_native.register_jitclass(cls, name)`: number a new jitclass, its
/// fields to be defined (`define_jitclass`) once their types are known (a
/// field of a deferred type may name the class itself).
#[pyfunction]
pub fn register_jitclass(cls: &Bound<'_, PyType>, name: &str) -> u64 {
    let mut t = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
    let n = t.len() as u64 + 1;
    t.push(Entry {
        class: cls.clone().unbind(),
        ty: Arc::new(ClassTy::declared(n, name)),
    });
    n
}

/// `_native.define_jitclass(n, [(field, type text)])`: the fields of class
/// `n`. A field type that does not parse is a `TypeError` naming the class
/// and the field.
#[pyfunction]
pub fn define_jitclass(n: u64, fields: Vec<(String, String)>) -> PyResult<()> {
    let c = class_ty(n).ok_or_else(|| PyTypeError::new_err(format!("unknown jitclass #{n}")))?;
    let mut typed = Vec::new();
    for (f, text) in fields {
        let t = oxjit_types::parse_type_with(&text, Some(&resolve)).map_err(|e| {
            PyTypeError::new_err(format!(
                "jitclass '{}': field '{f}' has a type compiled code cannot hold ({text}): {e}",
                c.name
            ))
        })?;
        typed.push((f, t));
    }
    if !c.define(typed) {
        return Err(PyTypeError::new_err(format!(
            "jitclass '{}': its fields are defined already",
            c.name
        )));
    }
    Ok(())
}

/// `_native.jitclass_instance_type(n)`: the canonical text of class `n`'s
/// instance type (what signatures and specs name it by).
#[pyfunction]
pub fn jitclass_instance_type(n: u64) -> PyResult<String> {
    class_ty(n)
        .map(|c| c.instance_text())
        .ok_or_else(|| PyTypeError::new_err(format!("unknown jitclass #{n}")))
}

/// The class number and leaves (`meminfo`, `data`) of a box, if `o` is one.
pub fn instance_parts(o: &Bound<'_, PyAny>) -> Option<(u64, usize, usize)> {
    let i = o.cast::<JitInstance>().ok()?;
    let i = i.get();
    let class = i.class.load(Ordering::Acquire);
    (class != 0).then(|| {
        (
            class,
            i.meminfo.load(Ordering::Acquire),
            i.data.load(Ordering::Acquire),
        )
    })
}

/// A box of class `n` owning the reference `meminfo` (consumed, also on
/// error).
pub fn make(py: Python<'_>, n: u64, meminfo: usize, data: usize) -> PyResult<Py<PyAny>> {
    let cls = {
        let t = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
        t.get((n as usize).wrapping_sub(1))
            .map(|e| e.class.clone_ref(py))
    };
    let release = || unsafe { oxjit_runtime::meminfo_release(meminfo as *mut MemInfo) };
    if meminfo == 0 || data == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "this jitclass instance was never assigned (a field that __init__ did not set)",
        ));
    }
    let Some(cls) = cls else {
        release();
        return Err(PyTypeError::new_err(format!("unknown jitclass #{n}")));
    };
    let base = py.get_type::<JitInstance>();
    let obj = match base.call_method1("__new__", (cls,)) {
        Ok(o) => o,
        Err(e) => {
            release();
            return Err(e);
        }
    };
    let inst = match obj.cast::<JitInstance>() {
        Ok(i) => i.get(),
        Err(e) => {
            release();
            return Err(e.into());
        }
    };
    inst.meminfo.store(meminfo, Ordering::Release);
    inst.data.store(data, Ordering::Release);
    inst.class.store(n, Ordering::Release);
    Ok(obj.unbind())
}

unsafe fn incref_hook(o: *mut c_void) {
    let g = ffi::PyGILState_Ensure();
    ffi::Py_IncRef(o as *mut ffi::PyObject);
    ffi::PyGILState_Release(g);
}

unsafe fn decref_hook(o: *mut c_void) {
    let g = ffi::PyGILState_Ensure();
    ffi::Py_DecRef(o as *mut ffi::PyObject);
    ffi::PyGILState_Release(g);
}

/// Let the runtime hold Python objects (arrays stored in instance fields).
pub fn install_hooks() {
    oxjit_runtime::object::set_pyobject_hooks(incref_hook, decref_hook);
}

/// A field of a jitclass as its box class shows it: read straight from the
/// instance's memory (no compiled code runs), written through the class's
/// compiled setter (which converts the value as compiled code does and
/// holds arrays borrowed from Python).
#[pyclass(frozen, module = "oxjit._native", name = "JitField")]
pub struct JitField {
    class: u64,
    name: String,
    ty: Ty,
    /// Each leaf's byte offset from the instance's data.
    offsets: Vec<usize>,
    /// The offsets of the leaves that are counted references.
    counted: Vec<usize>,
    setter: Py<PyAny>,
}

#[pymethods]
impl JitField {
    #[new]
    fn new(class: u64, name: String, setter: Py<PyAny>) -> PyResult<Self> {
        let c = class_ty(class)
            .ok_or_else(|| PyTypeError::new_err(format!("unknown jitclass #{class}")))?;
        let k = c
            .fields()
            .iter()
            .position(|(f, _)| *f == name)
            .ok_or_else(|| {
                PyTypeError::new_err(format!("jitclass '{}' has no field '{name}'", c.name))
            })?;
        let base = oxjit_codegen::field_offsets(c.fields())[k];
        let ty = c.fields()[k].1.clone();
        let mut offsets = Vec::new();
        oxjit_codegen::leaf_offsets(&ty, base, &mut offsets);
        let counted = ty
            .leaves()
            .iter()
            .zip(&offsets)
            .filter(|(l, _)| l.model().counted)
            .map(|(_, o)| *o)
            .collect();
        Ok(JitField {
            class,
            name,
            ty,
            offsets,
            counted,
            setter,
        })
    }

    fn __get__(
        slf: &Bound<'_, Self>,
        obj: Option<&Bound<'_, PyAny>>,
        _owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let Some(obj) = obj.filter(|o| !o.is_none()) else {
            return Ok(slf.clone().into_any().unbind());
        };
        let me = slf.get();
        let Some((_, _, data)) = instance_parts(obj).filter(|p| p.0 == me.class) else {
            return Err(PyTypeError::new_err(format!(
                "field '{}' read from an object that is not its jitclass's instance",
                me.name
            )));
        };
        // Lists and dicts in a field come out as typed views of it.
        crate::typed::sharing(|| {
            crate::boxing::box_in_memory(py, &me.ty, data as *const u8, &me.offsets, &me.counted)
        })
    }

    fn __set__(&self, obj: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = obj.py();
        match self.setter.bind(py).call1((obj, value)) {
            Ok(_) => Ok(()),
            // A value compiled code cannot take at all (a str, a list): say
            // which field, not the generated setter's name. Typing errors
            // (a subclass) already name the field and its declared type.
            Err(e)
                if e.get_type(py)
                    .is(py.get_type::<pyo3::exceptions::PyTypeError>()) =>
            {
                let class = obj
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                let vt = value
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "cannot set field '{}' of a {class} instance to a {vt} value: jitclass fields hold what compiled code holds",
                    self.name
                )))
            }
            Err(e) => Err(e),
        }
    }

    fn __delete__(&self, _obj: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(pyo3::exceptions::PyAttributeError::new_err(format!(
            "cannot delete field '{}' of a jitclass instance",
            self.name
        )))
    }
}
