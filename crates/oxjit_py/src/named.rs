//! Named tuple classes seen at the boundary: a process-wide table from the
//! number compiled code knows a class by (`NamedTupleTy::class`) to the Python
//! class, kept alive so boxing can build instances of it.

use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};
use std::collections::HashMap;
use std::sync::Mutex;

use oxjit_types::{NamedTupleTy, Ty};

/// Classes by number, and numbers by class address. Numbers count from 1 in
/// the order classes are first seen, so a unit's JSON is the same in every
/// process that builds it the same way (the fixture corpus relies on it).
struct Table {
    by_number: HashMap<u64, Py<PyType>>,
    by_address: HashMap<usize, u64>,
}

static CLASSES: Mutex<Option<Table>> = Mutex::new(None);

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

/// The class's number (the table keeps the class alive, so its address is
/// never reused for another class).
pub fn register(cls: &Bound<'_, PyType>) -> u64 {
    let mut t = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
    let t = t.get_or_insert_with(|| Table {
        by_number: HashMap::new(),
        by_address: HashMap::new(),
    });
    let addr = cls.as_ptr() as usize;
    if let Some(n) = t.by_address.get(&addr) {
        return *n;
    }
    let n = t.by_number.len() as u64 + 1;
    t.by_address.insert(addr, n);
    t.by_number.insert(n, cls.clone().unbind());
    n
}

/// Whether the class numbered `id` is the type object `tp`.
pub fn is_class(id: u64, tp: *mut pyo3::ffi::PyObject) -> bool {
    let t = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
    t.as_ref()
        .and_then(|t| t.by_address.get(&(tp as usize)))
        .is_some_and(|n| *n == id)
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
        t.as_ref()
            .and_then(|t| t.by_number.get(&id))
            .map(|c| c.clone_ref(py))
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
