//! Named tuple classes seen at the boundary: a process-wide table from the
//! number compiled code knows a class by (`NamedTupleTy::class`) to the Python
//! class, kept alive so boxing can build instances of it.

use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};
use std::collections::HashMap;
use std::sync::Mutex;

use oxjit_types::{NamedTupleTy, Ty};

static CLASSES: Mutex<Option<HashMap<u64, Py<PyType>>>> = Mutex::new(None);

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

/// The class's number (its address, stable while the table holds it).
pub fn register(cls: &Bound<'_, PyType>) -> u64 {
    let id = cls.as_ptr() as u64;
    let mut t = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
    t.get_or_insert_with(HashMap::new)
        .entry(id)
        .or_insert_with(|| cls.clone().unbind());
    id
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
    let cls = {
        let t = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
        t.as_ref().and_then(|m| m.get(&id)).map(|c| c.clone_ref(py))
    };
    let tuple = PyTuple::new(py, items)?;
    match cls {
        Some(cls) => Ok(cls.bind(py).call_method1("_make", (tuple,))?.unbind()),
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
