//! Exception classes defined in Python that compiled code raises and catches:
//! a process-wide table from the number compiled code knows a class by
//! (`ExcKind::User`) to the class, kept alive to build the exception when it
//! reaches Python. Each class's bases go to the runtime, which matches them
//! against `except` clauses (`oxjit_rt_exc_matches`).

use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::class_table::Classes;

static CLASSES: Classes = Classes::new();

/// The class's number (see `class_table`). Its bases are registered first, and the runtime learns its classes before the
/// number is handed out, so no `except` can see a number it cannot match.
fn register(cls: &Bound<'_, PyType>) -> PyResult<u32> {
    let addr = cls.as_ptr() as usize;
    if let Some(n) = CLASSES.with(|t| t.number_at(addr)) {
        return Ok(n as u32);
    }
    // Its bases as the runtime spells them: user classes by number (numbered
    // now if new), builtin ones by name.
    let py = cls.py();
    let numpy_ones = [
        ("numpy.linalg", "LinAlgError"),
        ("numpy.exceptions", "AxisError"),
    ];
    let mut bases = Vec::new();
    for base in cls.getattr("__mro__")?.try_iter()?.skip(1) {
        let base = base?.cast_into::<PyType>()?;
        if base.is(py.get_type::<pyo3::types::PyAny>()) {
            continue; // object
        }
        let module: String = base.getattr("__module__")?.extract()?;
        let name: String = base.getattr("__name__")?.extract()?;
        let numpy = numpy_ones.iter().any(|(m, c)| {
            *c == name
                && py
                    .import(*m)
                    .and_then(|m| m.getattr(*c))
                    .is_ok_and(|c| c.is(&base))
        });
        if module == "builtins" || numpy {
            bases.push(name);
        } else {
            bases.push(format!("#{}", register(&base)?));
        }
    }
    Ok(CLASSES.with(|t| {
        if let Some(n) = t.number_at(addr) {
            return n as u32; // another thread got here first
        }
        let n = t.add(cls) as u32;
        let mut classes = vec![format!("#{n}")];
        classes.extend(bases);
        // Under the lock: no `except` sees the number before its bases.
        oxjit_runtime::register_user_exception(n, classes);
        n
    }))
}

/// The class numbered `n`.
pub fn class(py: Python<'_>, n: u32) -> Option<Bound<'_, PyType>> {
    CLASSES.with(|t| t.class(py, n.into()))
}

/// `_native.register_exception_class(cls)`: the front end's way to name an
/// exception class defined in Python that a function uses.
#[pyfunction]
pub fn register_exception_class(cls: &Bound<'_, PyType>) -> PyResult<u32> {
    register(cls)
}
