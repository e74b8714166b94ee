//! Python classes numbered for the process: compiled code names a class by
//! its number (named tuple classes, exception classes defined in Python),
//! and the table keeps the class alive, so its address is never another
//! class's. Numbers count from 1 in the order classes are first seen, so a
//! unit's JSON is the same in every process that builds it the same way.

use pyo3::prelude::*;
use pyo3::types::PyType;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct ClassTable {
    by_number: HashMap<u64, Py<PyType>>,
    by_address: HashMap<usize, u64>,
}

impl ClassTable {
    /// The number of the class at this address, if it has one.
    pub fn number_at(&self, addr: usize) -> Option<u64> {
        self.by_address.get(&addr).copied()
    }

    /// Number a class not seen yet.
    pub fn add(&mut self, cls: &Bound<'_, PyType>) -> u64 {
        let n = self.by_number.len() as u64 + 1;
        self.by_address.insert(cls.as_ptr() as usize, n);
        self.by_number.insert(n, cls.clone().unbind());
        n
    }

    /// The class numbered `n`.
    pub fn class<'py>(&self, py: Python<'py>, n: u64) -> Option<Bound<'py, PyType>> {
        self.by_number.get(&n).map(|c| c.bind(py).clone())
    }
}

/// A process-wide table behind a lock.
pub struct Classes(Mutex<Option<ClassTable>>);

impl Classes {
    pub const fn new() -> Self {
        Classes(Mutex::new(None))
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut ClassTable) -> R) -> R {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(t.get_or_insert_with(ClassTable::default))
    }
}
