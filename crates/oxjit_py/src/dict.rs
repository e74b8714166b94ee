//! Dicts and sets at the native boundary. A Python dict or set argument is
//! copied into a native table for the call and written back into the same
//! object after it when compiled code changed it (as lists are: Numba has
//! no reflected dicts); one returned becomes a new Python dict or set.
//!
//! An entry is `{i64 hash, K, V}` as `oxjit_codegen::mem_size_align` lays
//! it out; keys are written canonically (as lowering writes them: numbers
//! leaf by leaf into zeroed bytes, `-0.0` as `0.0`), so that the runtime's
//! byte comparison finds them.

use crate::boxing::{box_in_memory, typeof_arg, unbox_into, ArgBuf};
use oxjit_runtime::dict::{DictPayload, DELETED};
use oxjit_runtime::MemInfo;
use oxjit_types::{unify, DictTy, Dtype, Ty};
use pyo3::exceptions::{PyMemoryError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PySet};

/// The type of a Python dict or set argument: its keys' (items') and
/// values' unified types; an empty one has unknown types.
pub fn typeof_table(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    fns: &mut Vec<Py<PyAny>>,
) -> Option<Result<Ty, String>> {
    let mut unify_item = |u: Ty, x: &Bound<'_, PyAny>, what: &str| -> Result<Ty, String> {
        let t = typeof_arg(py, x, fns)?;
        match unify(&u, &t) {
            Some(v) if !matches!(v, Ty::Optional(_) | Ty::NoneType) => Ok(v),
            _ => Err(format!("{what} (of both {u} and {t} items)")),
        }
    };
    if let Ok(d) = a.cast::<PyDict>() {
        // `typed.Dict.empty(k, v)`: its declared types.
        let declared = (
            crate::list::declared_type(a, "_oxjit_key_type"),
            crate::list::declared_type(a, "_oxjit_value_type"),
        );
        if let (Some(k), Some(v)) = declared {
            return Some(Ok(DictTy::dict(k, v)));
        }
        let types = d
            .iter()
            .try_fold((Ty::Unknown, Ty::Unknown), |(k, v), (x, y)| {
                Ok((unify_item(k, &x, "dict")?, unify_item(v, &y, "dict")?))
            });
        return Some(types.map(|(k, v)| DictTy::dict(k, v)));
    }
    let s = a.cast::<PySet>().ok()?;
    Some(
        s.iter()
            .try_fold(Ty::Unknown, |k, x| unify_item(k, &x, "set"))
            .map(DictTy::set),
    )
}

/// An entry's layout: the key at 8, the value after it.
struct EntryLayout {
    esize: usize,
    ksize: usize,
    key_leaves: Vec<Ty>,
    key_offsets: Vec<usize>,
    val_leaves: Vec<Ty>,
    val_offsets: Vec<usize>,
    /// Offsets (within the entry) of the key's and the value's counted leaves.
    counted: Vec<usize>,
}

fn layout(d: &DictTy) -> EntryLayout {
    let (ksize, kalign) = oxjit_codegen::mem_size_align(&d.key);
    let (vsize, valign) = d
        .value
        .as_ref()
        .map(oxjit_codegen::mem_size_align)
        .unwrap_or((0, 1));
    let voff = (8 + ksize).next_multiple_of(valign);
    let esize = (voff + vsize).next_multiple_of(8.max(kalign).max(valign));
    let mut key_offsets = Vec::new();
    oxjit_codegen::leaf_offsets(&d.key, 8, &mut key_offsets);
    let mut val_offsets = Vec::new();
    let val_leaves = match &d.value {
        Some(v) => {
            oxjit_codegen::leaf_offsets(v, voff, &mut val_offsets);
            v.leaves()
        }
        None => Vec::new(),
    };
    let key_leaves = d.key.leaves();
    let counted = key_leaves
        .iter()
        .zip(&key_offsets)
        .chain(val_leaves.iter().zip(&val_offsets))
        .filter(|(l, _)| l.model().counted)
        .map(|(_, o)| *o)
        .collect();
    EntryLayout {
        esize,
        ksize,
        key_leaves,
        key_offsets,
        val_leaves,
        val_offsets,
        counted,
    }
}

fn leaf_bytes(leaf: &Ty) -> usize {
    match leaf.leaf_size() {
        0 => oxjit_codegen::mem_size_align(leaf).0,
        n => n,
    }
}

/// Copy the leaves `buf` holds to `at + offsets[i] - base`.
unsafe fn copy_leaves(
    buf: &mut ArgBuf,
    leaves: &[Ty],
    offsets: &[usize],
    at: *mut u8,
    base: usize,
) {
    let ptrs = buf.ptrs();
    for (j, (leaf, off)) in leaves.iter().zip(offsets).enumerate() {
        std::ptr::copy_nonoverlapping(*ptrs.add(j), at.add(off - base), leaf_bytes(leaf));
    }
}

/// Write `-0.0` as `0.0` in a key's float leaves (lowering does the same).
unsafe fn canonical_key(leaves: &[Ty], offsets: &[usize], at: *mut u8, base: usize) {
    for (leaf, off) in leaves.iter().zip(offsets) {
        let p = at.add(off - base);
        let halves = match leaf.scalar() {
            Some(Dtype::F64) => [(p, 8usize)].to_vec(),
            Some(Dtype::F32) => [(p, 4usize)].to_vec(),
            Some(Dtype::C128) => [(p, 8usize), (p.add(8), 8)].to_vec(),
            Some(Dtype::C64) => [(p, 4usize), (p.add(4), 4)].to_vec(),
            _ => Vec::new(),
        };
        for (q, w) in halves {
            if w == 8 && *(q as *const f64) == 0.0 {
                *(q as *mut f64) = 0.0;
            }
            if w == 4 && *(q as *const f32) == 0.0 {
                *(q as *mut f32) = 0.0;
            }
        }
    }
}

/// A native table holding the items of Python dict or set `a`.
pub fn unbox_table(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    d: &DictTy,
    owner: &mut ArgBuf,
) -> PyResult<*mut MemInfo> {
    let lay = layout(d);
    // The MemInfos an entry holds, then the strings of its key (by their
    // offset in the key: the table hashes and compares their text).
    let texts: Vec<usize> = lay
        .key_leaves
        .iter()
        .zip(&lay.key_offsets)
        .filter(|(l, _)| **l == Ty::Str)
        .map(|(_, o)| *o)
        .collect();
    let mut desc: Vec<i64> = lay.counted.iter().map(|o| *o as i64).collect();
    desc.extend(texts.iter().map(|o| *o as i64 - 8));
    let mi = unsafe {
        oxjit_runtime::dict::oxjit_rt_dict_new(
            lay.esize as i64,
            lay.ksize as i64,
            desc.as_ptr(),
            lay.counted.len() as i64,
            texts.len() as i64,
        )
    };
    if mi.is_null() {
        return Err(PyMemoryError::new_err("unable to allocate a dict"));
    }
    let p = unsafe { (*mi).data } as *mut DictPayload;
    let mut key = vec![0u8; lay.ksize.max(1)];
    let mut put = |k: &Bound<'_, PyAny>, v: Option<&Bound<'_, PyAny>>| -> PyResult<()> {
        let mut kb = ArgBuf::new();
        unbox_into(py, k, &d.key, &mut kb)?;
        key.iter_mut().for_each(|b| *b = 0);
        unsafe {
            copy_leaves(
                &mut kb,
                &lay.key_leaves,
                &lay.key_offsets,
                key.as_mut_ptr(),
                8,
            );
            canonical_key(&lay.key_leaves, &lay.key_offsets, key.as_mut_ptr(), 8);
        }
        let mut fresh = 0i32;
        let ix = unsafe { oxjit_runtime::dict::oxjit_rt_dict_insert(p, key.as_ptr(), &mut fresh) };
        if ix < 0 {
            return Err(PyMemoryError::new_err("unable to allocate a dict"));
        }
        for off in texts.iter().filter(|_| fresh != 0) {
            // The entry keeps a copy of each text of its key (the strs' are
            // borrowed).
            unsafe {
                let s = (*p).entries.add(ix as usize * lay.esize + off);
                let data = *(s.add(8) as *const *const u8);
                let len = *(s.add(16) as *const i64);
                let mi = oxjit_runtime::text::oxjit_rt_str_copy(data, len);
                if mi.is_null() {
                    return Err(PyMemoryError::new_err("unable to allocate a dict"));
                }
                *(s as *mut *mut MemInfo) = mi;
                *(s.add(8) as *mut *mut u8) = (*mi).data;
            }
        }
        let (Some(v), Some(vt)) = (v, d.value.as_ref()) else {
            return Ok(());
        };
        let mut vb = ArgBuf::new();
        unbox_into(py, v, vt, &mut vb)?;
        owner.lists.append(&mut vb.lists);
        let e = unsafe { (*p).entries.add(ix as usize * lay.esize) };
        unsafe { copy_leaves(&mut vb, &lay.val_leaves, &lay.val_offsets, e, 0) };
        for (leaf, off) in lay.val_leaves.iter().zip(&lay.val_offsets) {
            if leaf.model().counted {
                crate::list::adopt(unsafe { e.add(*off) }, leaf);
            }
        }
        Ok(())
    };
    let res = if let Ok(dd) = a.cast::<PyDict>() {
        dd.iter().try_for_each(|(k, v)| put(&k, Some(&v)))
    } else if let Ok(s) = a.cast::<PySet>() {
        s.iter().try_for_each(|k| put(&k, None))
    } else {
        Err(PyTypeError::new_err("expected a dict or a set"))
    };
    if let Err(e) = res {
        unsafe { oxjit_runtime::meminfo_release(mi) };
        return Err(e);
    }
    unsafe { (*p).dirty = 0 };
    Ok(mi)
}

/// A new Python dict or set of the entries of table payload `p`.
pub fn box_table<'py>(
    py: Python<'py>,
    p: *const DictPayload,
    d: &DictTy,
) -> PyResult<Bound<'py, PyAny>> {
    let lay = layout(d);
    let used = unsafe { (*p).used } as usize;
    let out_dict = PyDict::new(py);
    let out_set = PySet::empty(py)?;
    // The key's counted leaves (a string's) and the value's.
    let (kc, vc): (Vec<usize>, Vec<usize>) = lay.counted.iter().partition(|o| **o < 8 + lay.ksize);
    for ix in 0..used {
        let e = unsafe { (*p).entries.add(ix * lay.esize) };
        if unsafe { *(e as *const i64) } == DELETED {
            continue;
        }
        let k = box_in_memory(py, &d.key, e, &lay.key_offsets, &kc)?;
        let Some(vt) = &d.value else {
            out_set.add(k)?;
            continue;
        };
        let v = box_in_memory(py, vt, e, &lay.val_offsets, &vc)?;
        out_dict.set_item(k, v)?;
    }
    Ok(if d.is_set() {
        out_set.into_any()
    } else {
        out_dict.into_any()
    })
}

/// After the call: write a changed table back into the caller's object.
pub fn reflect(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    mi: *mut MemInfo,
    d: &DictTy,
) -> PyResult<()> {
    let p = unsafe { (*mi).data } as *const DictPayload;
    if unsafe { (*p).dirty } == 0 {
        return Ok(());
    }
    let fresh = box_table(py, p, d)?;
    if let Ok(dd) = obj.cast::<PyDict>() {
        dd.clear();
        dd.update(fresh.cast::<pyo3::types::PyMapping>()?)?;
    } else if let Ok(s) = obj.cast::<PySet>() {
        s.clear();
        for x in fresh.try_iter()? {
            s.add(x?)?;
        }
    }
    Ok(())
}
