//! Named tuple classes seen at the boundary: a process-wide table from the
//! number compiled code knows a class by (`NamedTupleTy::class`) to the Python
//! class, kept alive so boxing can build instances of it.

use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

use crate::class_table::Classes;
use oxjit_types::{NamedTupleTy, Ty};

static CLASSES: Classes = Classes::new();

/// Whether `cls` is a named tuple class: a tuple subclass with `_fields` (a
/// tuple of strings) and `_make`, as `collections.namedtuple` and
/// `typing.NamedTuple` make.
pub fn is_named_tuple_class(cls: &Bound<'_, PyType>) -> bool {
    cls.is_subclass_of::<PyTuple>().unwrap_or(false)
        && cls
            .getattr("_fields")
            .ok()
            .is_some_and(|f| f.cast::<PyTuple>().is_ok())
        && cls.hasattr("_make").unwrap_or(false)
}

/// The class's number (see `class_table`).
pub fn register(cls: &Bound<'_, PyType>) -> u64 {
    CLASSES.with(|t| {
        t.number_at(cls.as_ptr() as usize)
            .unwrap_or_else(|| t.add(cls))
    })
}

/// Whether the class numbered `id` is the type object `tp`.
pub fn is_class(id: u64, tp: *mut pyo3::ffi::PyObject) -> bool {
    CLASSES.with(|t| t.number_at(tp as usize) == Some(id))
}

/// The class, its name and fields, with these item types.
pub fn class_ty(cls: &Bound<'_, PyType>, items: Vec<Ty>) -> PyResult<NamedTupleTy> {
    let fields: Vec<String> = cls.getattr("_fields")?.extract()?;
    Ok(NamedTupleTy {
        class: register(cls),
        name: cls.getattr("__name__")?.extract()?,
        fields,
        items,
    })
}

/// An instance of class `id` holding `items`.
pub fn make(py: Python<'_>, id: u64, items: Vec<Py<PyAny>>) -> PyResult<Py<PyAny>> {
    let cls = CLASSES.with(|t| t.class(py, id));
    let tuple = PyTuple::new(py, items)?;
    match cls {
        Some(cls) => Ok(cls.call_method1("_make", (tuple,))?.unbind()),
        // Unreachable: a class is registered before any type names it.
        None => Ok(tuple.into_any().unbind()),
    }
}

/// `_native.register_named_tuple(cls)`: the front end's way to name a class
/// it freezes as a global.
#[pyfunction]
pub fn register_named_tuple(cls: &Bound<'_, PyType>) -> PyResult<u64> {
    Ok(register(cls))
}
