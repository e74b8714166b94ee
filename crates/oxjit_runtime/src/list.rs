//! Lists: a MemInfo whose data is a [`ListPayload`] (length, capacity, a
//! separately allocated buffer of items held inline, their size, a dirty
//! flag for reflection) followed by a descriptor of the byte offsets, within
//! one item, of the MemInfo pointers an item holds.
//!
//! Generated code reads `len` and `items` directly (fields 0 and 2) and
//! calls these functions to change the length; item values are stored and
//! loaded by generated code, which also takes the references an item holds
//! when it stores one. The runtime releases an item's references when it
//! drops the item (`oxjit_rt_list_delete`, the list's destructor), so a list
//! outlives the code that made it. New slots are zeroed (null MemInfos).

use crate::object::{buffer_layout, container_alloc, container_offsets};
use crate::{meminfo_release, MemInfo};
use std::alloc::{alloc, dealloc, realloc};

/// The data of a list's MemInfo. Field order is part of the ABI with
/// `oxjit_codegen::lower::list`.
#[repr(C)]
pub struct ListPayload {
    pub len: i64,
    pub cap: i64,
    pub items: *mut u8,
    pub itemsize: i64,
    /// Set when the length or order changed or an item was assigned: a
    /// list unboxed from Python is written back only then.
    pub dirty: i64,
    /// The count of MemInfo offsets that follow the payload.
    pub ndesc: i64,
}

const PAYLOAD: usize = std::mem::size_of::<ListPayload>();

unsafe fn offsets<'a>(p: *const ListPayload) -> &'a [i64] {
    container_offsets(p as *const u8, PAYLOAD, (*p).ndesc)
}

/// A new empty list of items of `itemsize` bytes whose MemInfo pointers are
/// at the `n` byte offsets at `desc`, with room for `cap` items. Refcount 1;
/// null when memory ran out.
///
/// # Safety
/// `desc` must point to `n` readable `i64`s (or be null when `n` is 0).
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_new(
    itemsize: i64,
    desc: *const i64,
    n: i64,
    cap: i64,
) -> *mut MemInfo {
    if itemsize < 0 || n < 0 || cap < 0 {
        return std::ptr::null_mut();
    }
    let cap = cap.max(4) as usize;
    let Some(il) = buffer_layout(cap, itemsize as usize) else {
        return std::ptr::null_mut();
    };
    let items = alloc(il);
    if items.is_null() {
        return std::ptr::null_mut();
    }
    let mi = container_alloc(PAYLOAD, desc, n as usize, list_dtor);
    if mi.is_null() {
        dealloc(items, il);
        return mi;
    }
    ((*mi).data as *mut ListPayload).write(ListPayload {
        len: 0,
        cap: cap as i64,
        items,
        itemsize,
        dirty: 0,
        ndesc: n,
    });
    mi
}

/// Release the references held by items `lo..hi`.
unsafe fn release_items(p: *mut ListPayload, lo: usize, hi: usize) {
    let size = (*p).itemsize as usize;
    for off in offsets(p) {
        for k in lo..hi {
            let slot = (*p).items.add(k * size + *off as usize) as *const *mut MemInfo;
            meminfo_release(*slot);
        }
    }
}

unsafe fn list_dtor(mi: *mut MemInfo) {
    let p = (*mi).data as *mut ListPayload;
    release_items(p, 0, (*p).len as usize);
    if let Some(l) = buffer_layout((*p).cap as usize, (*p).itemsize as usize) {
        dealloc((*p).items, l);
    }
}

/// Make room for at least `need` items; false when memory ran out.
unsafe fn reserve(p: *mut ListPayload, need: usize) -> bool {
    let cap = (*p).cap as usize;
    if need <= cap {
        return true;
    }
    // CPython's growth: about 1/8 more, so appends are amortised O(1).
    let new = need + (need >> 3) + if need < 9 { 3 } else { 6 };
    let size = (*p).itemsize as usize;
    let (Some(old), Some(nl)) = (buffer_layout(cap, size), buffer_layout(new, size)) else {
        return false;
    };
    let items = realloc((*p).items, old, nl.size());
    if items.is_null() {
        return false;
    }
    (*p).items = items;
    (*p).cap = new as i64;
    true
}

/// Set the length to `n`: new slots at the end are zeroed; dropped slots
/// release what they held. Returns the items buffer (it may move), null
/// when memory ran out (the list is unchanged).
///
/// # Safety
/// `p` must be a live list's payload.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_resize(p: *mut ListPayload, n: i64) -> *mut u8 {
    let (len, n) = ((*p).len as usize, n.max(0) as usize);
    if n > len {
        if !reserve(p, n) {
            return std::ptr::null_mut();
        }
        let size = (*p).itemsize as usize;
        std::ptr::write_bytes((*p).items.add(len * size), 0, (n - len) * size);
    } else {
        release_items(p, n, len);
    }
    (*p).len = n as i64;
    (*p).dirty = 1;
    (*p).items
}

/// Open a zeroed slot at `i` (0 ≤ i ≤ len), shifting the items after it up.
/// Returns the slot's address, null when memory ran out.
///
/// # Safety
/// `p` must be a live list's payload; `i` within `0..=len`.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_insert(p: *mut ListPayload, i: i64) -> *mut u8 {
    let len = (*p).len as usize;
    if !reserve(p, len + 1) {
        return std::ptr::null_mut();
    }
    let size = (*p).itemsize as usize;
    let i = (i.max(0) as usize).min(len);
    let at = (*p).items.add(i * size);
    std::ptr::copy(at, at.add(size), (len - i) * size);
    std::ptr::write_bytes(at, 0, size);
    (*p).len = len as i64 + 1;
    (*p).dirty = 1;
    at
}

/// Remove items `lo..hi` (clamped to the list), shifting the rest down; the
/// removed items' references are released when `release` is non-zero (a
/// `pop` has already moved them into its result).
///
/// # Safety
/// `p` must be a live list's payload.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_delete(p: *mut ListPayload, lo: i64, hi: i64, release: i32) {
    let len = (*p).len as usize;
    let lo = (lo.max(0) as usize).min(len);
    let hi = (hi.max(0) as usize).clamp(lo, len);
    if release != 0 {
        release_items(p, lo, hi);
    }
    let size = (*p).itemsize as usize;
    let items = (*p).items;
    std::ptr::copy(
        items.add(hi * size),
        items.add(lo * size),
        (len - hi) * size,
    );
    (*p).len = (len - (hi - lo)) as i64;
    (*p).dirty = 1;
}

/// Reverse the items in place.
///
/// # Safety
/// `p` must be a live list's payload.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_reverse(p: *mut ListPayload) {
    let (len, size) = ((*p).len as usize, (*p).itemsize as usize);
    let items = (*p).items;
    for k in 0..len / 2 {
        std::ptr::swap_nonoverlapping(items.add(k * size), items.add((len - 1 - k) * size), size);
    }
    (*p).dirty = 1;
}

/// Reorder the items by `perm` (item `k` of the result is old item
/// `perm[k]`), a permutation of `0..len`; false when memory ran out.
///
/// # Safety
/// `p` must be a live list's payload and `perm` point to `len` distinct
/// indices in `0..len`.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_permute(p: *mut ListPayload, perm: *const i64) -> i32 {
    let (len, size) = ((*p).len as usize, (*p).itemsize as usize);
    let Some(l) = buffer_layout(len, size) else {
        return 0;
    };
    let tmp = alloc(l);
    if tmp.is_null() {
        return 0;
    }
    for k in 0..len {
        let from = *perm.add(k) as usize;
        std::ptr::copy_nonoverlapping((*p).items.add(from * size), tmp.add(k * size), size);
    }
    std::ptr::copy_nonoverlapping(tmp, (*p).items, len * size);
    dealloc(tmp, l);
    (*p).dirty = 1;
    1
}

/// Sort a list of strings (`{meminfo*, data*, len}` items) by their text,
/// stably; false when memory ran out.
///
/// # Safety
/// `p` must be a live list of strings.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_sort_text(p: *mut ListPayload) -> i32 {
    let mut perm = vec![0i64; (*p).len.max(0) as usize];
    oxjit_rt_list_argsort_text(p, perm.as_mut_ptr());
    oxjit_rt_list_permute(p, perm.as_ptr())
}

/// The stable order of a list of strings by their text, as item numbers
/// into `out` (its length): how a sort by a string key, or by a tuple with
/// strings in it, orders its keys.
///
/// # Safety
/// `p` must be a live list of strings and `out` hold its length of `i64`s.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_list_argsort_text(p: *const ListPayload, out: *mut i64) {
    let len = (*p).len.max(0) as usize;
    let text = |k: usize| -> &[u8] {
        let it = (*p).items.add(24 * k);
        let data = *(it.add(8) as *const *const u8);
        let n = *(it.add(16) as *const i64);
        if data.is_null() || n <= 0 {
            return &[];
        }
        std::slice::from_raw_parts(data, n as usize)
    };
    let perm = std::slice::from_raw_parts_mut(out, len);
    for (i, x) in perm.iter_mut().enumerate() {
        *x = i as i64;
    }
    perm.sort_by(|&a, &b| text(a as usize).cmp(text(b as usize)));
}

/// The number of MemInfo offsets in a list's descriptor, and a pointer to
/// them (for the boxing layer).
///
/// # Safety
/// `p` must be a live list's payload.
pub unsafe fn list_descriptor<'a>(p: *const ListPayload) -> &'a [i64] {
    offsets(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    unsafe fn payload(mi: *mut MemInfo) -> *mut ListPayload {
        (*mi).data as *mut ListPayload
    }

    #[test]
    fn append_insert_delete_reverse() {
        unsafe {
            let mi = oxjit_rt_list_new(8, std::ptr::null(), 0, 0);
            let p = payload(mi);
            for k in 0..100i64 {
                let items = oxjit_rt_list_resize(p, k + 1) as *mut i64;
                *items.add(k as usize) = k;
            }
            assert_eq!((*p).len, 100);
            let at = oxjit_rt_list_insert(p, 0) as *mut i64;
            *at = -1;
            let items = (*p).items as *const i64;
            assert_eq!((*items, *items.add(1), *items.add(100)), (-1, 0, 99));
            oxjit_rt_list_delete(p, 1, 51, 1);
            let items = (*p).items as *const i64;
            assert_eq!((*p).len, 51);
            assert_eq!((*items, *items.add(1), *items.add(50)), (-1, 50, 99));
            oxjit_rt_list_reverse(p);
            let items = (*p).items as *const i64;
            assert_eq!((*items, *items.add(50)), (99, -1));
            let perm: Vec<i64> = (0..51).rev().collect();
            assert_eq!(oxjit_rt_list_permute(p, perm.as_ptr()), 1);
            assert_eq!(*((*p).items as *const i64), -1);
            meminfo_release(mi);
        }
    }

    #[test]
    fn items_release_what_they_hold() {
        unsafe {
            let before = crate::thread_balance();
            // Items {f64, ptr}: the MemInfo at byte 8 of each.
            let desc = [8i64];
            let mi = oxjit_rt_list_new(16, desc.as_ptr(), 1, 0);
            let p = payload(mi);
            let held = crate::oxjit_rt_meminfo_alloc(8);
            for k in 0..10 {
                let items = oxjit_rt_list_resize(p, k + 1);
                (*held).refcnt.fetch_add(1, Ordering::Relaxed);
                *(items.add(16 * k as usize + 8) as *mut *mut MemInfo) = held;
            }
            assert_eq!((*held).refcnt.load(Ordering::Relaxed), 11);
            oxjit_rt_list_delete(p, 0, 3, 1);
            assert_eq!((*held).refcnt.load(Ordering::Relaxed), 8);
            oxjit_rt_list_resize(p, 5);
            assert_eq!((*held).refcnt.load(Ordering::Relaxed), 6);
            // Grown slots are zeroed: null MemInfos, released as nothing.
            oxjit_rt_list_resize(p, 9);
            meminfo_release(mi);
            assert_eq!((*held).refcnt.load(Ordering::Relaxed), 1);
            meminfo_release(held);
            assert_eq!(crate::thread_balance(), before);
        }
    }
}
