//! `oxjit.typed.List` and `oxjit.typed.Dict` (Numba's typed containers):
//! Python objects over one reference to a native list or dict, the same the
//! runtime and compiled code use. Passed to compiled code, the native
//! container itself is handed over (no copy, nothing written back: both
//! sides see one container); returned from it unchanged, the same object
//! comes back. From Python, items are boxed on each read and unboxed on
//! each write, as Numba's are.
//!
//! `NativeList` and `NativeDict` are the bases of the Python classes in
//! `python/oxjit/typed.py`, which add the sequence and mapping protocols.
//! While such an object boxes an item (and while a jitclass field is read),
//! lists and dicts inside it box as typed views of the same memory
//! ([`sharing`]), so `obj.items.append(x)` from Python changes the field.

use crate::boxing::{typeof_arg, ArgBuf};
use crate::dict::Table;
use crate::list::{layout, write_item};
use oxjit_runtime::list::ListPayload;
use oxjit_runtime::MemInfo;
use oxjit_types::{DictTy, Ty};
use pyo3::exceptions::{PyIndexError, PyKeyError, PyMemoryError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple, PyType};
use std::cell::Cell;
use std::sync::{Mutex, OnceLock};

thread_local! {
    static SHARING: Cell<u32> = const { Cell::new(0) };
}

/// Run `f` with lists and dicts boxing as typed views (see the module doc).
pub fn sharing<R>(f: impl FnOnce() -> R) -> R {
    SHARING.with(|s| s.set(s.get() + 1));
    let r = f();
    SHARING.with(|s| s.set(s.get() - 1));
    r
}

pub fn is_sharing() -> bool {
    SHARING.with(|s| s.get() > 0)
}

/// `oxjit.typed.List` and `oxjit.typed.Dict`, registered when `oxjit.typed`
/// is imported.
static CLASSES: OnceLock<(Py<PyType>, Py<PyType>)> = OnceLock::new();

#[pyfunction]
pub fn _register_typed(list: Bound<'_, PyType>, dict: Bound<'_, PyType>) {
    let _ = CLASSES.set((list.unbind(), dict.unbind()));
}

/// The container an object holds: its MemInfo (null until its type is
/// known) and its type (`Ty::List` or `Ty::Dict`).
struct State {
    mi: usize,
    ty: Option<Ty>,
}

fn release(st: &State) {
    let mi = st.mi as *mut MemInfo;
    if !mi.is_null() {
        // SAFETY: the reference this object owns, released once.
        unsafe { oxjit_runtime::meminfo_release(mi) };
    }
}

/// A typed view of native container `mi` (type `t`: a list or a dict),
/// taking over the caller's reference.
pub fn view(py: Python<'_>, mi: *mut MemInfo, t: &Ty) -> PyResult<Py<PyAny>> {
    let Some((lc, dc)) = CLASSES.get() else {
        unsafe { oxjit_runtime::meminfo_release(mi) };
        return Err(PyTypeError::new_err("oxjit.typed is not imported"));
    };
    let cls = if matches!(t, Ty::List(_)) { lc } else { dc };
    let obj = match cls.bind(py).call0() {
        Ok(o) => o,
        Err(e) => {
            unsafe { oxjit_runtime::meminfo_release(mi) };
            return Err(e);
        }
    };
    let st = if let Ok(l) = obj.cast::<NativeList>() {
        &l.get().st
    } else {
        &obj.cast::<NativeDict>()?.get().st
    };
    let mut s = st.lock().unwrap_or_else(|e| e.into_inner());
    release(&s);
    *s = State {
        mi: mi as usize,
        ty: Some(t.clone()),
    };
    drop(s);
    Ok(obj.unbind())
}

/// The type and MemInfo of a typed container argument, if `a` is one
/// (`Ty::List(Unknown)` for an empty one whose type is not known yet).
pub fn typed_parts(a: &Bound<'_, PyAny>) -> Option<(Ty, *mut MemInfo)> {
    let st = if let Ok(l) = a.cast::<NativeList>() {
        &l.get().st
    } else if let Ok(d) = a.cast::<NativeDict>() {
        &d.get().st
    } else {
        return None;
    };
    let s = st.lock().unwrap_or_else(|e| e.into_inner());
    let unknown = if a.is_instance_of::<NativeList>() {
        Ty::List(Box::new(Ty::Unknown))
    } else {
        DictTy::dict(Ty::Unknown, Ty::Unknown)
    };
    Some((s.ty.clone().unwrap_or(unknown), s.mi as *mut MemInfo))
}

/// Whether `a` is one of Numba's own typed containers (`numba.typed.List`,
/// `numba.typed.Dict`): compiled code takes a copy and writes changes back.
pub fn numba_container(a: &Bound<'_, PyAny>) -> bool {
    let t = a.get_type();
    let module = t.module().map(|m| m.to_string()).unwrap_or_default();
    module.starts_with("numba.typed") && t.name().is_ok_and(|n| n == "List" || n == "Dict")
}

/// The type of one of Numba's typed containers, from its Numba type.
pub fn numba_container_ty(a: &Bound<'_, PyAny>) -> Result<Ty, String> {
    let text = |o: PyResult<Bound<'_, PyAny>>| -> Result<Ty, String> {
        let o = o.map_err(|e| e.to_string())?;
        let t = o.str().map_err(|e| e.to_string())?.to_string();
        oxjit_types::parse_type_with(&t, Some(&crate::jitclass::resolve))
            .map_err(|_| format!("numba.typed container of {t}"))
    };
    if let Ok(lt) = a.getattr("_list_type") {
        return text(lt.getattr("item_type")).map(|t| Ty::List(Box::new(t)));
    }
    let dt = a.getattr("_dict_type").map_err(|e| e.to_string())?;
    let k = text(dt.getattr("key_type"))?;
    let v = text(dt.getattr("value_type"))?;
    Ok(DictTy::dict(k, v))
}

fn parse(text: &str) -> PyResult<Ty> {
    oxjit_types::parse_type_with(text, Some(&crate::jitclass::resolve))
        .map_err(|e| PyTypeError::new_err(format!("not a type compiled code knows: {text} ({e})")))
}

fn typeof_value(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<Ty> {
    let mut fns = Vec::new();
    let t = typeof_arg(py, v, &mut fns)
        .map_err(|what| PyTypeError::new_err(format!("a typed container cannot hold a {what}")))?;
    if !t.is_known() || !fns.is_empty() || t.python_form().is_err() {
        return Err(PyTypeError::new_err(format!(
            "a typed container cannot hold a {t}"
        )));
    }
    Ok(t)
}

/// The base of `oxjit.typed.List`.
#[pyclass(subclass, frozen, module = "oxjit._native", name = "NativeList")]
pub struct NativeList {
    st: Mutex<State>,
}

impl Drop for NativeList {
    fn drop(&mut self) {
        release(&self.st.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

impl NativeList {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The payload and item type; None while untyped.
    fn parts(&self) -> Option<(*mut ListPayload, Ty)> {
        let s = self.state();
        let Some(Ty::List(elem)) = &s.ty else {
            return None;
        };
        let mi = s.mi as *mut MemInfo;
        Some((unsafe { (*mi).data } as *mut ListPayload, (**elem).clone()))
    }

    fn set_type(&self, elem: Ty) -> PyResult<()> {
        let mut s = self.state();
        if s.ty.is_some() {
            return Err(PyTypeError::new_err("the list's item type is already set"));
        }
        let lay = layout(&elem);
        let desc: Vec<i64> = lay.counted.iter().map(|o| *o as i64).collect();
        let mi = unsafe {
            oxjit_runtime::list::oxjit_rt_list_new(
                lay.size as i64,
                desc.as_ptr(),
                desc.len() as i64,
                0,
            )
        };
        if mi.is_null() {
            return Err(PyMemoryError::new_err("unable to allocate a list"));
        }
        *s = State {
            mi: mi as usize,
            ty: Some(Ty::List(Box::new(elem))),
        };
        Ok(())
    }

    /// The payload, typing the list from `v` when it has no type yet.
    fn typed_by(&self, py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<(*mut ListPayload, Ty)> {
        if let Some(p) = self.parts() {
            return Ok(p);
        }
        self.set_type(typeof_value(py, v)?)?;
        self.parts()
            .ok_or_else(|| PyTypeError::new_err("untyped list"))
    }

    fn index(&self, i: isize, n: usize) -> PyResult<usize> {
        let j = if i < 0 { i + n as isize } else { i };
        if j < 0 || j as usize >= n {
            return Err(PyIndexError::new_err("list index out of range"));
        }
        Ok(j as usize)
    }
}

fn len_of(p: *const ListPayload) -> usize {
    unsafe { (*p).len.max(0) as usize }
}

fn box_item(py: Python<'_>, p: *const ListPayload, elem: &Ty, k: usize) -> PyResult<Py<PyAny>> {
    let lay = layout(elem);
    let item = unsafe { (*p).items.add(k * lay.size) };
    sharing(|| crate::boxing::box_in_memory(py, elem, item, &lay.offsets, &lay.counted))
}

#[pymethods]
impl NativeList {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        NativeList {
            st: Mutex::new(State { mi: 0, ty: None }),
        }
    }

    /// Declare the item type (Numba's type, as text).
    fn _set_item_type(&self, text: &str) -> PyResult<()> {
        self.set_type(parse(text)?)
    }

    /// The item type as Numba writes it, or None while untyped.
    fn _item_type(&self) -> Option<String> {
        self.parts().map(|(_, t)| t.to_string())
    }

    fn _len(&self) -> usize {
        self.parts().map_or(0, |(p, _)| len_of(p))
    }

    fn _get(&self, py: Python<'_>, i: isize) -> PyResult<Py<PyAny>> {
        let (p, elem) = self
            .parts()
            .ok_or_else(|| PyIndexError::new_err("list index out of range"))?;
        let k = self.index(i, len_of(p))?;
        box_item(py, p, &elem, k)
    }

    fn _set(&self, py: Python<'_>, i: isize, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let (p, elem) = self
            .parts()
            .ok_or_else(|| PyIndexError::new_err("list assignment index out of range"))?;
        let k = self.index(i, len_of(p))?;
        let lay = layout(&elem);
        let item = unsafe { (*p).items.add(k * lay.size) };
        let held: Vec<*mut MemInfo> = lay
            .counted
            .iter()
            .map(|o| unsafe { *(item.add(*o) as *const *mut MemInfo) })
            .collect();
        write_item(py, v, &elem, &lay, item, &mut ArgBuf::new())?;
        for mi in held {
            unsafe { oxjit_runtime::meminfo_release(mi) };
        }
        Ok(())
    }

    fn _insert(&self, py: Python<'_>, i: isize, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let (p, elem) = self.typed_by(py, v)?;
        let n = len_of(p) as isize;
        let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
        let lay = layout(&elem);
        // Unboxed first: a value of the wrong type leaves the list as it was.
        let mut tmp = vec![0u64; lay.size.div_ceil(8).max(1)];
        let at = tmp.as_mut_ptr() as *mut u8;
        write_item(py, v, &elem, &lay, at, &mut ArgBuf::new())?;
        let slot = unsafe { oxjit_runtime::list::oxjit_rt_list_insert(p, j as i64) };
        if slot.is_null() {
            for o in &lay.counted {
                unsafe { oxjit_runtime::meminfo_release(*(at.add(*o) as *const *mut MemInfo)) };
            }
            return Err(PyMemoryError::new_err("unable to allocate a list"));
        }
        unsafe { std::ptr::copy_nonoverlapping(at, slot, lay.size) };
        Ok(())
    }

    fn _append(&self, py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<()> {
        self._insert(py, isize::MAX, v)
    }

    fn _pop(&self, py: Python<'_>, i: isize) -> PyResult<Py<PyAny>> {
        let (p, elem) = self
            .parts()
            .filter(|(p, _)| len_of(*p) > 0)
            .ok_or_else(|| PyIndexError::new_err("pop from empty list"))?;
        let k = self
            .index(i, len_of(p))
            .map_err(|_| PyIndexError::new_err("pop index out of range"))?;
        let out = box_item(py, p, &elem, k)?;
        unsafe { oxjit_runtime::list::oxjit_rt_list_delete(p, k as i64, k as i64 + 1, 1) };
        Ok(out)
    }

    fn _delete(&self, i: isize) -> PyResult<()> {
        let (p, _) = self
            .parts()
            .ok_or_else(|| PyIndexError::new_err("list assignment index out of range"))?;
        let k = self
            .index(i, len_of(p))
            .map_err(|_| PyIndexError::new_err("list assignment index out of range"))?;
        unsafe { oxjit_runtime::list::oxjit_rt_list_delete(p, k as i64, k as i64 + 1, 1) };
        Ok(())
    }

    fn _clear(&self) {
        if let Some((p, _)) = self.parts() {
            unsafe { oxjit_runtime::list::oxjit_rt_list_resize(p, 0) };
        }
    }

    fn _reverse(&self) {
        if let Some((p, _)) = self.parts() {
            unsafe { oxjit_runtime::list::oxjit_rt_list_reverse(p) };
        }
    }

    /// A Python list of the items (views for lists and dicts among them).
    fn _items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        if let Some((p, elem)) = self.parts() {
            for k in 0..len_of(p) {
                out.append(box_item(py, p, &elem, k)?)?;
            }
        }
        Ok(out)
    }

    /// The native list's reference count (this object is one), for tests.
    #[getter]
    fn _oxjit_refcount(&self) -> i64 {
        let mi = self.state().mi as *const MemInfo;
        if mi.is_null() {
            return 0;
        }
        unsafe { (*mi).refcnt.load(std::sync::atomic::Ordering::Acquire) }
    }
}

/// The base of `oxjit.typed.Dict`.
#[pyclass(subclass, frozen, module = "oxjit._native", name = "NativeDict")]
pub struct NativeDict {
    st: Mutex<State>,
}

impl Drop for NativeDict {
    fn drop(&mut self) {
        release(&self.st.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

impl NativeDict {
    fn table(&self) -> Option<Table> {
        let s = self.st.lock().unwrap_or_else(|e| e.into_inner());
        let Some(Ty::Dict(d)) = &s.ty else {
            return None;
        };
        Some(Table::of(s.mi as *mut MemInfo, d))
    }

    fn set_types(&self, d: DictTy) -> PyResult<()> {
        let mut s = self.st.lock().unwrap_or_else(|e| e.into_inner());
        if s.ty.is_some() {
            return Err(PyTypeError::new_err("the dict's types are already set"));
        }
        let (mi, t) = Table::new(&d)?;
        unsafe { (*t.p).dirty = 0 };
        *s = State {
            mi: mi as usize,
            ty: Some(Ty::Dict(Box::new(d))),
        };
        Ok(())
    }

    fn find(&self, py: Python<'_>, k: &Bound<'_, PyAny>) -> Option<(Table, usize)> {
        let t = self.table()?;
        let ix = t.find(py, k);
        (ix >= 0).then_some((t, ix as usize))
    }
}

#[pymethods]
impl NativeDict {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        NativeDict {
            st: Mutex::new(State { mi: 0, ty: None }),
        }
    }

    /// Declare the key and value types (Numba's types, as text).
    fn _set_types(&self, key: &str, value: &str) -> PyResult<()> {
        let (k, v) = (parse(key)?, parse(value)?);
        self.set_types(DictTy {
            key: k,
            value: Some(v),
        })
    }

    /// The key and value types as Numba writes them, or None while untyped.
    fn _types(&self) -> Option<(String, String)> {
        self.table()
            .map(|t| (t.ty.key.to_string(), t.ty.val().to_string()))
    }

    fn _len(&self) -> usize {
        self.table().map_or(0, |t| unsafe { (*t.p).len } as usize)
    }

    fn _get(&self, py: Python<'_>, k: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Some((t, ix)) = self.find(py, k) else {
            return Err(PyKeyError::new_err(k.clone().unbind()));
        };
        sharing(|| t.get(py, ix, 1))
    }

    fn _contains(&self, py: Python<'_>, k: &Bound<'_, PyAny>) -> bool {
        self.find(py, k).is_some()
    }

    fn _set(&self, py: Python<'_>, k: &Bound<'_, PyAny>, v: &Bound<'_, PyAny>) -> PyResult<()> {
        if self.table().is_none() {
            let d = DictTy {
                key: typeof_value(py, k)?,
                value: Some(typeof_value(py, v)?),
            };
            if !d
                .key
                .leaves()
                .iter()
                .all(|l| l.scalar().is_some() || *l == Ty::Str)
            {
                return Err(PyTypeError::new_err(format!(
                    "a {} cannot be a dict key",
                    d.key
                )));
            }
            self.set_types(d)?;
        }
        let t = self
            .table()
            .ok_or_else(|| PyTypeError::new_err("untyped dict"))?;
        t.put(py, k, Some(v), &mut ArgBuf::new())
    }

    fn _delete(&self, py: Python<'_>, k: &Bound<'_, PyAny>) -> PyResult<()> {
        let Some((t, ix)) = self.find(py, k) else {
            return Err(PyKeyError::new_err(k.clone().unbind()));
        };
        unsafe { oxjit_runtime::dict::oxjit_rt_dict_remove(t.p, ix as i64, 1) };
        Ok(())
    }

    fn _clear(&self) {
        if let Some(t) = self.table() {
            unsafe { oxjit_runtime::dict::oxjit_rt_dict_clear(t.p) };
        }
    }

    /// A Python list of the keys (`part` 0), values (1) or `(key, value)`
    /// pairs (2), in insertion order.
    fn _entries<'py>(&self, py: Python<'py>, part: usize) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        let Some(t) = self.table() else {
            return Ok(out);
        };
        sharing(|| {
            for ix in t.live() {
                match part {
                    0 | 1 => out.append(t.get(py, ix, part)?)?,
                    _ => out.append((t.get(py, ix, 0)?, t.get(py, ix, 1)?))?,
                }
            }
            Ok(out)
        })
    }
}
