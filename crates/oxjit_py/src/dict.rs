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

/// A native table and how its entries are laid out: what reads and writes
/// its entries from Python (arguments, `typed.Dict`).
pub(crate) struct Table {
    pub(crate) p: *mut DictPayload,
    pub(crate) ty: DictTy,
    lay: EntryLayout,
    /// The offsets in an entry of the strings its key holds.
    texts: Vec<usize>,
}

impl Table {
    /// A new empty table of type `d`, with its one reference.
    pub(crate) fn new(d: &DictTy) -> PyResult<(*mut MemInfo, Table)> {
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
                i32::from(
                    d.key
                        .scalar()
                        .is_some_and(|k| k.is_int() || k == Dtype::Bool),
                ),
            )
        };
        if mi.is_null() {
            return Err(PyMemoryError::new_err("unable to allocate a dict"));
        }
        Ok((mi, Table::of(mi, d)))
    }

    /// The table of live MemInfo `mi` (type `d`).
    pub(crate) fn of(mi: *mut MemInfo, d: &DictTy) -> Table {
        let lay = layout(d);
        let texts = lay
            .key_leaves
            .iter()
            .zip(&lay.key_offsets)
            .filter(|(l, _)| **l == Ty::Str)
            .map(|(_, o)| *o)
            .collect();
        Table {
            p: unsafe { (*mi).data } as *mut DictPayload,
            ty: d.clone(),
            lay,
            texts,
        }
    }

    pub(crate) fn entry(&self, ix: usize) -> *mut u8 {
        unsafe { (*self.p).entries.add(ix * self.lay.esize) }
    }

    /// Key `k`'s canonical bytes (its strings borrowed from `k`, which must
    /// outlive them).
    fn key(&self, py: Python<'_>, k: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
        let lay = &self.lay;
        let mut kb = ArgBuf::new();
        unbox_into(py, k, &self.ty.key, &mut kb)?;
        let mut key = vec![0u8; lay.ksize.max(1)];
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
        Ok(key)
    }

    /// The entry number of key `k`, or -1 (also for a key of another type).
    pub(crate) fn find(&self, py: Python<'_>, k: &Bound<'_, PyAny>) -> i64 {
        match self.key(py, k) {
            Ok(key) => unsafe { oxjit_runtime::dict::oxjit_rt_dict_find(self.p, key.as_ptr()) },
            Err(_) => -1,
        }
    }

    /// `d[k] = v` (`s.add(k)` without a value); what the value replaces is
    /// released. Lists among the value's items are unboxed into `owner`.
    pub(crate) fn put(
        &self,
        py: Python<'_>,
        k: &Bound<'_, PyAny>,
        v: Option<&Bound<'_, PyAny>>,
        owner: &mut ArgBuf,
    ) -> PyResult<()> {
        let lay = &self.lay;
        // Everything that can fail first, so a failure leaves no entry.
        let key = self.key(py, k)?;
        let mut vb = ArgBuf::new();
        if let (Some(v), Some(vt)) = (v, self.ty.value.as_ref()) {
            unbox_into(py, v, vt, &mut vb)?;
        }
        let mut fresh = 0i32;
        let ix =
            unsafe { oxjit_runtime::dict::oxjit_rt_dict_insert(self.p, key.as_ptr(), &mut fresh) };
        if ix < 0 {
            return Err(PyMemoryError::new_err("unable to allocate a dict"));
        }
        let e = self.entry(ix as usize);
        for off in self.texts.iter().filter(|_| fresh != 0) {
            // The entry keeps a copy of each text of its key (the strs' are
            // borrowed).
            unsafe {
                let s = e.add(*off);
                let data = *(s.add(8) as *const *const u8);
                let len = *(s.add(16) as *const i64);
                let mi = oxjit_runtime::text::oxjit_rt_str_copy(data, len);
                if mi.is_null() {
                    oxjit_runtime::dict::oxjit_rt_dict_remove(self.p, ix, 0);
                    return Err(PyMemoryError::new_err("unable to allocate a dict"));
                }
                *(s as *mut *mut MemInfo) = mi;
                *(s.add(8) as *mut *mut u8) = (*mi).data;
            }
        }
        if self.ty.value.is_none() {
            return Ok(());
        }
        owner.lists.append(&mut vb.lists);
        let held: Vec<*mut MemInfo> = lay
            .val_leaves
            .iter()
            .zip(&lay.val_offsets)
            .filter(|(l, _)| l.model().counted)
            .map(|(_, o)| unsafe { *(e.add(*o) as *const *mut MemInfo) })
            .collect();
        unsafe { copy_leaves(&mut vb, &lay.val_leaves, &lay.val_offsets, e, 0) };
        for (leaf, off) in lay.val_leaves.iter().zip(&lay.val_offsets) {
            if leaf.model().counted {
                crate::list::adopt(unsafe { e.add(*off) }, leaf);
            }
        }
        for mi in held {
            unsafe { oxjit_runtime::meminfo_release(mi) };
        }
        unsafe { (*self.p).dirty = 1 };
        Ok(())
    }

    /// The key (`part` 0) or value (1) of live entry `ix`, boxed.
    pub(crate) fn get(&self, py: Python<'_>, ix: usize, part: usize) -> PyResult<Py<PyAny>> {
        let lay = &self.lay;
        let e = self.entry(ix);
        let (kc, vc): (Vec<usize>, Vec<usize>) =
            lay.counted.iter().partition(|o| **o < 8 + lay.ksize);
        match (part, &self.ty.value) {
            (1, Some(vt)) => box_in_memory(py, vt, e, &lay.val_offsets, &vc),
            _ => box_in_memory(py, &self.ty.key, e, &lay.key_offsets, &kc),
        }
    }

    /// The numbers of the live entries, in insertion order.
    pub(crate) fn live(&self) -> Vec<usize> {
        let used = unsafe { (*self.p).used } as usize;
        (0..used)
            .filter(|ix| unsafe { *(self.entry(*ix) as *const i64) } != DELETED)
            .collect()
    }
}

/// A native table holding the items of Python dict or set `a`.
pub fn unbox_table(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    d: &DictTy,
    owner: &mut ArgBuf,
) -> PyResult<*mut MemInfo> {
    let (mi, t) = Table::new(d)?;
    let res = if let Ok(dd) = a.cast::<PyDict>() {
        dd.iter()
            .try_for_each(|(k, v)| t.put(py, &k, Some(&v), owner))
    } else if let Ok(s) = a.cast::<PySet>() {
        s.iter().try_for_each(|k| t.put(py, &k, None, owner))
    } else {
        Err(PyTypeError::new_err("expected a dict or a set"))
    };
    if let Err(e) = res {
        unsafe { oxjit_runtime::meminfo_release(mi) };
        return Err(e);
    }
    unsafe { (*t.p).dirty = 0 };
    Ok(mi)
}

/// A new Python dict or set of the entries of table `mi`.
pub fn box_table<'py>(
    py: Python<'py>,
    mi: *mut MemInfo,
    d: &DictTy,
) -> PyResult<Bound<'py, PyAny>> {
    let t = Table::of(mi, d);
    let out_dict = PyDict::new(py);
    let out_set = PySet::empty(py)?;
    for ix in t.live() {
        let k = t.get(py, ix, 0)?;
        if d.is_set() {
            out_set.add(k)?;
        } else {
            out_dict.set_item(k, t.get(py, ix, 1)?)?;
        }
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
    let fresh = box_table(py, mi, d)?;
    if crate::typed::numba_container(obj) {
        obj.call_method0("clear")?;
        obj.call_method1("update", (fresh,))?;
    } else if let Ok(dd) = obj.cast::<PyDict>() {
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
