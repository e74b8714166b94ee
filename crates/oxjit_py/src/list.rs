//! Lists at the native boundary. A Python list argument is unboxed into a
//! native list for the call (Numba's reflected list): when compiled code
//! changed it (the payload's dirty flag), its items are written back into
//! the caller's list object after the call. A list compiled code returns
//! becomes a new Python list.
//!
//! Items are held as `oxjit_codegen::mem_size_align` lays them out; each is
//! (un)boxed through its leaves (`leaf_offsets`), as jitclass fields are.

use crate::boxing::{box_in_memory, typeof_arg, unbox_into, ArgBuf};
use oxjit_runtime::list::ListPayload;
use oxjit_runtime::MemInfo;
use oxjit_types::{unify, Ty};
use pyo3::exceptions::{PyMemoryError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::sync::atomic::Ordering;

/// The type of a Python list argument: its items' unified type (ints and
/// floats unify to float, as a list display does in compiled code).
pub fn typeof_list(
    py: Python<'_>,
    l: &Bound<'_, PyList>,
    fns: &mut Vec<Py<PyAny>>,
) -> Result<Ty, String> {
    // An empty list's items are unknown: known from its neighbours when it
    // is an item (`[[1, 2], []]`), an error at the top (the dispatcher).
    if l.is_empty() {
        return Ok(Ty::List(Box::new(Ty::Unknown)));
    }
    let mut u = Ty::Unknown;
    for x in l.iter() {
        let t = typeof_arg(py, &x, fns)?;
        u = match unify(&u, &t) {
            Some(v) if !matches!(v, Ty::Optional(_) | Ty::NoneType) => v,
            _ => return Err(format!("list (of both {u} and {t} items)")),
        };
    }
    Ok(Ty::List(Box::new(u)))
}

/// Where an item's leaves are and which of them hold a MemInfo.
pub(crate) struct ItemLayout {
    pub(crate) size: usize,
    leaves: Vec<Ty>,
    pub(crate) offsets: Vec<usize>,
    pub(crate) counted: Vec<usize>,
    /// The byte offsets of every MemInfo pointer in an item (the runtime's
    /// descriptor).
    desc: Vec<i64>,
}

pub(crate) fn layout(elem: &Ty) -> ItemLayout {
    let (size, _) = oxjit_codegen::mem_size_align(elem);
    let mut offsets = Vec::new();
    oxjit_codegen::leaf_offsets(elem, 0, &mut offsets);
    let leaves = elem.leaves();
    let counted: Vec<usize> = leaves
        .iter()
        .zip(&offsets)
        .filter(|(l, _)| l.model().counted)
        .map(|(_, o)| *o)
        .collect();
    // Counted leaves keep their MemInfo in their first word.
    let desc = counted.iter().map(|o| *o as i64).collect();
    ItemLayout {
        size,
        leaves,
        offsets,
        counted,
        desc,
    }
}

/// A native list holding the items of Python list `l` (typed `elem`), with
/// one reference; arrays in it are adopted (their MemInfo holds the ndarray),
/// since the list may outlive the call. Lists among its items are unboxed
/// into `owner` too, so that they are reflected after the call as well.
pub fn unbox_list(
    py: Python<'_>,
    l: &Bound<'_, PyList>,
    elem: &Ty,
    owner: &mut ArgBuf,
) -> PyResult<*mut MemInfo> {
    let lay = layout(elem);
    let n = l.len();
    let mi = unsafe {
        oxjit_runtime::list::oxjit_rt_list_new(
            lay.size as i64,
            lay.desc.as_ptr(),
            lay.desc.len() as i64,
            n as i64,
        )
    };
    if mi.is_null() {
        return Err(PyMemoryError::new_err("unable to allocate a list"));
    }
    let p = unsafe { (*mi).data } as *mut ListPayload;
    let items = unsafe { oxjit_runtime::list::oxjit_rt_list_resize(p, n as i64) };
    if items.is_null() {
        unsafe { oxjit_runtime::meminfo_release(mi) };
        return Err(PyMemoryError::new_err("unable to allocate a list"));
    }
    for (k, x) in l.iter().enumerate() {
        let item = unsafe { items.add(k * lay.size) };
        if let Err(e) = write_item(py, &x, elem, &lay, item, owner) {
            unsafe { oxjit_runtime::meminfo_release(mi) };
            return Err(e);
        }
    }
    unsafe { (*p).dirty = 0 };
    Ok(mi)
}

/// Unbox `x` (typed `elem`) into the item memory at `item` (laid out as
/// `lay`), the item holding its own references; lists among its items are
/// unboxed into `owner` too (reflected after a call). What `item` held
/// before is not released.
pub(crate) fn write_item(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    elem: &Ty,
    lay: &ItemLayout,
    item: *mut u8,
    owner: &mut ArgBuf,
) -> PyResult<()> {
    let mut buf = ArgBuf::new();
    unbox_into(py, x, elem, &mut buf)?;
    owner.lists.append(&mut buf.lists);
    let ptrs = buf.ptrs();
    for (j, (leaf, off)) in lay.leaves.iter().zip(&lay.offsets).enumerate() {
        let src = unsafe { *ptrs.add(j) };
        let size = oxjit_codegen::leaf_size(leaf).max(leaf.leaf_size());
        let size = if size == 0 {
            oxjit_codegen::mem_size_align(leaf).0
        } else {
            size
        };
        unsafe { std::ptr::copy_nonoverlapping(src, item.add(*off), size) };
        if leaf.model().counted {
            adopt(unsafe { item.add(*off) }, leaf);
        }
    }
    Ok(())
}

/// Give a counted leaf just unboxed (borrowed: null MemInfo) a reference of
/// its own: an array's ndarray is adopted; a string's text is copied (the
/// str's is borrowed); an instance or list is increfed.
pub(crate) fn adopt(at: *mut u8, leaf: &Ty) {
    unsafe {
        let mi = at as *mut *mut MemInfo;
        if *leaf == Ty::Str && (*mi).is_null() {
            let data = *(at.add(8) as *const *const u8);
            let len = *(at.add(16) as *const i64);
            let copy = oxjit_runtime::text::oxjit_rt_str_copy(data, len);
            // Out of memory: the empty string.
            if copy.is_null() {
                *(at.add(16) as *mut i64) = 0;
            } else {
                *(at.add(8) as *mut *mut u8) = (*copy).data;
            }
            *mi = copy;
            return;
        }
        if matches!(leaf, Ty::Array(_)) {
            if (*mi).is_null() {
                // The array leaf's `parent` (the ndarray) follows its MemInfo.
                let parent = *(at.add(8) as *const *mut std::ffi::c_void);
                *mi = oxjit_runtime::object::oxjit_rt_adopt_pyobject(parent);
            }
        } else if !(*mi).is_null() {
            (**mi).refcnt.fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// A new Python list of the items of native list payload `p` (the list
/// keeps its own references).
pub fn box_items<'py>(
    py: Python<'py>,
    p: *const ListPayload,
    elem: &Ty,
) -> PyResult<Bound<'py, PyAny>> {
    let lay = layout(elem);
    let n = unsafe { (*p).len } as usize;
    let items = unsafe { (*p).items };
    let out = PyList::empty(py);
    for k in 0..n {
        let item = unsafe { items.add(k * lay.size) };
        out.append(box_in_memory(py, elem, item, &lay.offsets, &lay.counted)?)?;
    }
    Ok(out.into_any())
}

thread_local! {
    /// The list arguments of the calls being finished on this thread: native
    /// list → the caller's list object (see `ArgBuf::finish`).
    static PARENTS: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub fn set_parent(mi: *mut MemInfo, obj: *mut pyo3::ffi::PyObject) {
    PARENTS.with(|p| p.borrow_mut().push((mi as usize, obj as usize)));
}

pub fn clear_parent(mi: *mut MemInfo) {
    PARENTS.with(|p| p.borrow_mut().retain(|(m, _)| *m != mi as usize));
}

pub fn parent(mi: *mut MemInfo) -> Option<*mut pyo3::ffi::PyObject> {
    PARENTS.with(|p| {
        p.borrow()
            .iter()
            .rev()
            .find(|(m, _)| *m == mi as usize)
            .map(|(_, o)| *o as *mut pyo3::ffi::PyObject)
    })
}

/// After the call: write a changed list, dict or set (of type `t`) back
/// into the caller's object.
pub fn reflect(py: Python<'_>, obj: &Bound<'_, PyAny>, mi: *mut MemInfo, t: &Ty) -> PyResult<()> {
    // A typed container shares its native one: nothing to write back.
    if crate::typed::typed_parts(obj).is_some() {
        return Ok(());
    }
    if let Ty::Dict(d) = t {
        return crate::dict::reflect(py, obj, mi, d);
    }
    let Ty::List(elem) = t else {
        return Ok(());
    };
    let p = unsafe { (*mi).data } as *const ListPayload;
    if unsafe { (*p).dirty } == 0 {
        return Ok(());
    }
    let fresh = box_items(py, p, elem)?;
    if crate::typed::numba_container(obj) {
        // Item by item: Numba warns about `extend` from a Python list.
        obj.call_method0("clear")?;
        for x in fresh.try_iter()? {
            obj.call_method1("append", (x?,))?;
        }
        return Ok(());
    }
    let l = obj
        .cast::<PyList>()
        .map_err(|_| PyTypeError::new_err("a reflected list argument is no longer a list"))?;
    let len = l.len();
    l.set_slice(0, len, &fresh)?;
    Ok(())
}
