//! Dicts and sets: an insertion-ordered hash table (CPython's compact
//! layout). A MemInfo's data is a [`DictPayload`] followed by the byte
//! offsets, within one entry, of the MemInfo pointers an entry holds.
//!
//! An entry is `{i64 hash, K key, V value}` as generated code lays it out
//! (a set has no value). Keys are compared and hashed as bytes: generated
//! code writes them canonically (numbers leaf by leaf into zeroed memory,
//! `-0.0` as `0.0`), so equal keys have equal bytes. Entries are appended in
//! insertion order; a deleted one keeps its place with hash `DELETED`, and
//! the index table (open addressing, CPython's probing) maps hashes to entry
//! numbers. Generated code reads and writes values in place and walks the
//! entries to iterate; these functions find, add and remove entries and
//! release what removed entries hold.

use crate::object::{buffer_layout, container_alloc, container_offsets};
use crate::{meminfo_release, MemInfo};
use std::alloc::{alloc, dealloc, realloc};
use std::borrow::Cow;

/// The hash of a deleted entry (live hashes are non-negative).
pub const DELETED: i64 = -1;
const EMPTY: i64 = -1;
const DUMMY: i64 = -2;

/// The data of a dict's MemInfo. Field order is part of the ABI with
/// `oxjit_codegen::lower::dict`.
#[repr(C)]
pub struct DictPayload {
    /// Live entries.
    pub len: i64,
    /// Entries used, deleted ones included: the next entry's number.
    pub used: i64,
    pub entries: *mut u8,
    pub esize: i64,
    /// Set when compiled code changed the table (reflection).
    pub dirty: i64,
    /// Entry capacity.
    pub cap: i64,
    /// Key bytes, at offset 8 of an entry.
    pub ksize: i64,
    /// Index table size minus one (a power of two minus one).
    pub mask: i64,
    pub index: *mut i64,
    /// The count of strings `{meminfo*, data*, len}` in a key (the key
    /// itself, or items of a tuple key): a key is hashed and compared by
    /// their text, not by the structs' bytes. Their offsets in an entry
    /// follow the MemInfo offsets.
    pub ntext: i64,
    /// Non-zero when the key is an integer: it is its own hash (as in
    /// CPython), so that neighbouring keys sit in neighbouring slots.
    pub int_key: i64,
    /// The count of MemInfo offsets that follow the payload.
    pub ndesc: i64,
}

const PAYLOAD: usize = std::mem::size_of::<DictPayload>();

unsafe fn offsets<'a>(p: *const DictPayload) -> &'a [i64] {
    container_offsets(p as *const u8, PAYLOAD, (*p).ndesc)
}

unsafe fn entry(p: *const DictPayload, ix: usize) -> *mut u8 {
    (*p).entries.add(ix * (*p).esize as usize)
}

/// The offsets, within a key, of the strings it holds.
unsafe fn text_offsets<'a>(p: *const DictPayload) -> &'a [i64] {
    let all = container_offsets(p as *const u8, PAYLOAD, (*p).ndesc + (*p).ntext);
    &all[(*p).ndesc.max(0) as usize..]
}

/// The text of the string struct at `s`.
unsafe fn text_at<'a>(s: *const u8) -> &'a [u8] {
    let data = *(s.add(8) as *const *const u8);
    let len = *(s.add(16) as *const i64);
    if data.is_null() || len <= 0 {
        return &[];
    }
    std::slice::from_raw_parts(data, len as usize)
}

/// The bytes a key at `k` is compared and hashed by: its own; a string
/// key's text; for a tuple key holding strings, its bytes with each string
/// struct replaced by its length, then the texts (equal keys, equal bytes).
unsafe fn key_view<'a>(p: *const DictPayload, k: *const u8) -> Cow<'a, [u8]> {
    let ks = (*p).ksize as usize;
    let texts = text_offsets(p);
    if texts.is_empty() {
        return Cow::Borrowed(std::slice::from_raw_parts(k, ks));
    }
    if texts == [0] && ks == 24 {
        return Cow::Borrowed(text_at(k));
    }
    let mut out = std::slice::from_raw_parts(k, ks).to_vec();
    for &off in texts {
        let t = text_at(k.add(off as usize));
        let at = off as usize;
        out[at..at + 24].fill(0);
        out[at..at + 8].copy_from_slice(&(t.len() as i64).to_le_bytes());
    }
    for &off in texts {
        out.extend_from_slice(text_at(k.add(off as usize)));
    }
    Cow::Owned(out)
}

unsafe fn key_of<'a>(p: *const DictPayload, e: *const u8) -> Cow<'a, [u8]> {
    key_view(p, e.add(8))
}

/// The hash of a key's bytes `k`: an integer key's value, else a mix of
/// its bytes (non-negative either way).
unsafe fn hash_of(p: *const DictPayload, k: &[u8]) -> i64 {
    if (*p).int_key != 0 && k.len() <= 8 {
        let mut w = [0u8; 8];
        w[..k.len()].copy_from_slice(k);
        // Sign-extended from the key's width.
        let shift = 64 - 8 * k.len() as u32;
        let v = (i64::from_le_bytes(w) << shift) >> shift;
        return v & i64::MAX;
    }
    hash_bytes(k)
}

/// FxHash-style mixing of the key's bytes, as a non-negative hash.
fn hash_bytes(k: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = k.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    // A final avalanche so the low bits (the index) depend on every byte.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    (h & (i64::MAX as u64)) as i64
}

/// A new empty table: entries of `esize` bytes with `ksize` key bytes at
/// offset 8, whose MemInfo pointers are at the first `n` byte offsets at
/// `desc`; the next `ntext` are the offsets in an entry of the strings its
/// key holds; `int_key` for an integer key (hashed by its value). Refcount
/// 1; null when memory ran out.
///
/// # Safety
/// `desc` must point to `n + ntext` readable `i64`s (or be null when there
/// are none).
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_dict_new(
    esize: i64,
    ksize: i64,
    desc: *const i64,
    n: i64,
    ntext: i64,
    int_key: i32,
) -> *mut MemInfo {
    if esize < 8 || ksize < 0 || n < 0 || ntext < 0 {
        return std::ptr::null_mut();
    }
    let (cap, slots) = (5usize, 8usize);
    let (Some(el), Some(il)) = (buffer_layout(cap, esize as usize), buffer_layout(slots, 8)) else {
        return std::ptr::null_mut();
    };
    let entries = alloc(el);
    let index = alloc(il) as *mut i64;
    let mi = if entries.is_null() || index.is_null() {
        std::ptr::null_mut()
    } else {
        container_alloc(PAYLOAD, desc, (n + ntext) as usize, dict_dtor)
    };
    if mi.is_null() {
        for (buf, l) in [(entries, el), (index as *mut u8, il)] {
            if !buf.is_null() {
                dealloc(buf, l);
            }
        }
        return mi;
    }
    for k in 0..slots {
        *index.add(k) = EMPTY;
    }
    ((*mi).data as *mut DictPayload).write(DictPayload {
        len: 0,
        used: 0,
        entries,
        esize,
        dirty: 0,
        cap: cap as i64,
        ksize,
        mask: slots as i64 - 1,
        index,
        ntext,
        int_key: i64::from(int_key != 0),
        ndesc: n,
    });
    mi
}

/// Release the references entry `e` holds.
unsafe fn release_entry(p: *const DictPayload, e: *mut u8) {
    for off in offsets(p) {
        meminfo_release(*(e.add(*off as usize) as *const *mut MemInfo));
    }
}

unsafe fn dict_dtor(mi: *mut MemInfo) {
    let p = (*mi).data as *mut DictPayload;
    for ix in 0..(*p).used as usize {
        let e = entry(p, ix);
        if *(e as *const i64) != DELETED {
            release_entry(p, e);
        }
    }
    if let Some(l) = buffer_layout((*p).cap as usize, (*p).esize as usize) {
        dealloc((*p).entries, l);
    }
    if let Some(l) = buffer_layout((*p).mask as usize + 1, 8) {
        dealloc((*p).index as *mut u8, l);
    }
}

/// The index slot holding entry `ix` or, with `ix` negative, the slot where
/// `key` (hash `h`) is or would go: `(slot, entry found or -1)`.
unsafe fn probe(p: *const DictPayload, key: &[u8], h: i64, want: i64) -> (usize, i64) {
    let mask = (*p).mask as usize;
    let mut i = h as usize & mask;
    let mut perturb = h as u64;
    let mut free: Option<usize> = None;
    loop {
        let ix = *(*p).index.add(i);
        if ix == EMPTY {
            return (free.unwrap_or(i), -1);
        }
        if ix == DUMMY {
            free.get_or_insert(i);
        } else if want >= 0 {
            if ix == want {
                return (i, ix);
            }
        } else {
            let e = entry(p, ix as usize);
            if *(e as *const i64) == h && *key_of(p, e) == *key {
                return (i, ix);
            }
        }
        perturb >>= 5;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(perturb as usize)
            .wrapping_add(1))
            & mask;
    }
}

/// The entry number of `key` (the `ksize` bytes at `key`), or -1.
///
/// # Safety
/// `p` must be a live table's payload and `key` point to `ksize` bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_dict_find(p: *const DictPayload, key: *const u8) -> i64 {
    let k = key_view(p, key);
    probe(p, &k, hash_of(p, &k), -1).1
}

/// Rebuild the index for `slots` slots, compacting deleted entries away
/// and growing the entries to hold `need`; false when memory ran out.
unsafe fn rebuild(p: *mut DictPayload, need: usize) -> bool {
    let esize = (*p).esize as usize;
    // Compact: live entries keep their order.
    let mut w = 0usize;
    for r in 0..(*p).used as usize {
        let e = entry(p, r);
        if *(e as *const i64) != DELETED {
            if w != r {
                std::ptr::copy_nonoverlapping(e, entry(p, w), esize);
            }
            w += 1;
        }
    }
    (*p).used = w as i64;
    let cap = (*p).cap as usize;
    if need > cap {
        let new = need + need / 2 + 4;
        let (Some(old), Some(nl)) = (buffer_layout(cap, esize), buffer_layout(new, esize)) else {
            return false;
        };
        let e = realloc((*p).entries, old, nl.size());
        if e.is_null() {
            return false;
        }
        (*p).entries = e;
        (*p).cap = new as i64;
    }
    // The index: at most 2/3 full.
    let mut slots = 8usize;
    while slots * 2 < (*p).cap as usize * 3 {
        slots *= 2;
    }
    let Some(il) = buffer_layout(slots, 8) else {
        return false;
    };
    let index = alloc(il) as *mut i64;
    if index.is_null() {
        return false;
    }
    if let Some(l) = buffer_layout((*p).mask as usize + 1, 8) {
        dealloc((*p).index as *mut u8, l);
    }
    for k in 0..slots {
        *index.add(k) = EMPTY;
    }
    (*p).index = index;
    (*p).mask = slots as i64 - 1;
    for ix in 0..w {
        let e = entry(p, ix);
        let h = *(e as *const i64);
        let (slot, _) = probe(p, &key_of(p, e), h, -1);
        *index.add(slot) = ix as i64;
    }
    true
}

/// Find `key` or add it (its value zeroed): the entry number, `*fresh` set
/// to 1 when it was added; -1 when memory ran out.
///
/// # Safety
/// `p` must be a live table's payload, `key` point to `ksize` bytes and
/// `fresh` be writable.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_dict_insert(
    p: *mut DictPayload,
    key: *const u8,
    fresh: *mut i32,
) -> i64 {
    let ks = (*p).ksize as usize;
    let k = key_view(p, key);
    let h = hash_of(p, &k);
    *fresh = 0;
    let (_, found) = probe(p, &k, h, -1);
    if found >= 0 {
        return found;
    }
    let used = (*p).used as usize;
    let slots = (*p).mask as usize + 1;
    if used >= (*p).cap as usize || (used + 1) * 3 > slots * 2 {
        // Grow to twice the live entries (as CPython); deleted ones go.
        if !rebuild(p, ((*p).len as usize + 1) * 2) {
            return -1;
        }
    }
    let (slot, _) = probe(p, &k, h, -1);
    let ix = (*p).used as usize;
    let e = entry(p, ix);
    std::ptr::write_bytes(e, 0, (*p).esize as usize);
    *(e as *mut i64) = h;
    std::ptr::copy_nonoverlapping(key, e.add(8), ks);
    *(*p).index.add(slot) = ix as i64;
    (*p).used += 1;
    (*p).len += 1;
    (*p).dirty = 1;
    *fresh = 1;
    ix as i64
}

/// Remove entry `ix` (a live one); what it holds is released when
/// `release` is non-zero (a `pop` has moved its value out already).
///
/// # Safety
/// `p` must be a live table's payload and `ix` a live entry of it.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_dict_remove(p: *mut DictPayload, ix: i64, release: i32) {
    let e = entry(p, ix as usize);
    let h = *(e as *const i64);
    let (slot, found) = probe(p, &key_of(p, e), h, ix);
    if found == ix {
        *(*p).index.add(slot) = DUMMY;
    }
    if release != 0 {
        release_entry(p, e);
    }
    *(e as *mut i64) = DELETED;
    (*p).len -= 1;
    (*p).dirty = 1;
    // Trailing deleted entries are given back, so the last entry is live
    // (popitem); no index slot names them (theirs are DUMMY).
    while (*p).used > 0 && *(entry(p, (*p).used as usize - 1) as *const i64) == DELETED {
        (*p).used -= 1;
    }
}

/// Remove every entry, releasing what they hold.
///
/// # Safety
/// `p` must be a live table's payload.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_dict_clear(p: *mut DictPayload) {
    for ix in 0..(*p).used as usize {
        let e = entry(p, ix);
        if *(e as *const i64) != DELETED {
            release_entry(p, e);
        }
    }
    for k in 0..=(*p).mask as usize {
        *(*p).index.add(k) = EMPTY;
    }
    (*p).used = 0;
    (*p).len = 0;
    (*p).dirty = 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    unsafe fn payload(mi: *mut MemInfo) -> *mut DictPayload {
        (*mi).data as *mut DictPayload
    }

    #[test]
    fn insert_find_remove_in_order() {
        unsafe {
            // {i64 hash, i64 key, f64 value}
            let mi = oxjit_rt_dict_new(24, 8, std::ptr::null(), 0, 0, 1);
            let p = payload(mi);
            let mut fresh = 0;
            for k in 0..1000i64 {
                let ix = oxjit_rt_dict_insert(p, &k as *const i64 as *const u8, &mut fresh);
                assert_eq!((ix, fresh), (k, 1));
                *(entry(p, ix as usize).add(16) as *mut f64) = k as f64 * 0.5;
            }
            let again = oxjit_rt_dict_insert(p, &7i64 as *const i64 as *const u8, &mut fresh);
            assert_eq!((again, fresh, (*p).len), (7, 0, 1000));
            for k in (0..1000i64).step_by(2) {
                let ix = oxjit_rt_dict_find(p, &k as *const i64 as *const u8);
                oxjit_rt_dict_remove(p, ix, 1);
            }
            assert_eq!((*p).len, 500);
            assert_eq!(oxjit_rt_dict_find(p, &4i64 as *const i64 as *const u8), -1);
            // Insertion order survives compaction on growth.
            for k in 1000..1600i64 {
                oxjit_rt_dict_insert(p, &k as *const i64 as *const u8, &mut fresh);
            }
            let keys: Vec<i64> = (0..(*p).used as usize)
                .map(|ix| entry(p, ix))
                .filter(|e| *(*e as *const i64) != DELETED)
                .map(|e| *(e.add(8) as *const i64))
                .collect();
            let want: Vec<i64> = (0..1000).filter(|k| k % 2 == 1).chain(1000..1600).collect();
            assert_eq!(keys, want);
            let ix = oxjit_rt_dict_find(p, &999i64 as *const i64 as *const u8);
            assert_eq!(*(entry(p, ix as usize).add(16) as *const f64), 499.5);
            meminfo_release(mi);
        }
    }

    #[test]
    fn values_release_what_they_hold() {
        unsafe {
            let before = crate::thread_balance();
            let desc = [16i64];
            let mi = oxjit_rt_dict_new(24, 8, desc.as_ptr(), 1, 0, 0);
            let p = payload(mi);
            let held = crate::oxjit_rt_meminfo_alloc(8);
            let mut fresh = 0;
            for k in 0..10i64 {
                let ix = oxjit_rt_dict_insert(p, &k as *const i64 as *const u8, &mut fresh);
                (*held).refcnt.fetch_add(1, Ordering::Relaxed);
                *(entry(p, ix as usize).add(16) as *mut *mut MemInfo) = held;
            }
            let ix = oxjit_rt_dict_find(p, &3i64 as *const i64 as *const u8);
            oxjit_rt_dict_remove(p, ix, 1);
            assert_eq!((*held).refcnt.load(Ordering::Relaxed), 10);
            oxjit_rt_dict_clear(p);
            assert_eq!(((*held).refcnt.load(Ordering::Relaxed), (*p).len), (1, 0));
            let ix = oxjit_rt_dict_insert(p, &3i64 as *const i64 as *const u8, &mut fresh);
            (*held).refcnt.fetch_add(1, Ordering::Relaxed);
            *(entry(p, ix as usize).add(16) as *mut *mut MemInfo) = held;
            meminfo_release(mi);
            assert_eq!((*held).refcnt.load(Ordering::Relaxed), 1);
            meminfo_release(held);
            assert_eq!(crate::thread_balance(), before);
        }
    }

    #[test]
    fn tuple_keys_with_strings_compare_by_text() {
        unsafe {
            // A set of (i64, str): {i64 hash, {i64, {ptr, ptr, i64}}}; the
            // string's text at key offset 8, its MemInfo not held (null).
            let desc = [8i64];
            let mi = oxjit_rt_dict_new(40, 32, desc.as_ptr(), 0, 1, 0);
            let p = payload(mi);
            let key =
                |n: i64, t: &[u8]| -> [u64; 4] { [n as u64, 0, t.as_ptr() as u64, t.len() as u64] };
            let (a, b) = (b"ab".to_vec(), b"ab".to_vec());
            let mut fresh = 0;
            let k1 = key(1, &a);
            assert_eq!(
                oxjit_rt_dict_insert(p, k1.as_ptr() as *const u8, &mut fresh),
                0
            );
            // The same text at another address is the same key.
            let k2 = key(1, &b);
            assert_eq!(
                oxjit_rt_dict_insert(p, k2.as_ptr() as *const u8, &mut fresh),
                0
            );
            assert_eq!(fresh, 0);
            for (n, t) in [(2, &b"ab"[..]), (1, b"a"), (1, b"abc"), (1, b"")] {
                let k = key(n, t);
                assert_eq!(oxjit_rt_dict_find(p, k.as_ptr() as *const u8), -1);
                oxjit_rt_dict_insert(p, k.as_ptr() as *const u8, &mut fresh);
                assert_eq!(fresh, 1);
            }
            assert_eq!((*p).len, 5);
            meminfo_release(mi);
        }
    }
}
