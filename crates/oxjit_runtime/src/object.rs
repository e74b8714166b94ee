//! MemInfos that own other references: jitclass instances (their counted
//! fields are released with them) and adopted Python objects (an array
//! borrowed from Python, stored where it outlives the call).
//!
//! An instance's block holds, after the header, its *descriptor* (the count
//! and byte offsets, within the fields, of every MemInfo pointer the fields
//! hold) and then the fields. The descriptor is copied in at allocation, so
//! releasing an instance needs nothing from the code that made it.

use crate::{count_alloc, header_for, layout_for, meminfo_release, MemInfo};
use std::ffi::c_void;
use std::sync::atomic::AtomicI64;
use std::sync::OnceLock;

/// `Py_IncRef`/`Py_DecRef` with the GIL taken (the embedder's, `oxjit_py`).
pub type PyObjHook = unsafe fn(*mut c_void);

static PYOBJ_HOOKS: OnceLock<(PyObjHook, PyObjHook)> = OnceLock::new();

/// Install the functions that take and drop a reference to a Python object
/// (each must take the GIL itself: compiled code may run without it).
pub fn set_pyobject_hooks(incref: PyObjHook, decref: PyObjHook) {
    let _ = PYOBJ_HOOKS.set((incref, decref));
}

/// A counted block for a container: a MemInfo whose data is a payload of
/// `payload` bytes followed by the `n` offsets at `desc` (the MemInfos each
/// element holds), released by `dtor`. The payload is left for the caller
/// to write. Null when memory ran out.
///
/// # Safety
/// `desc` must point to `n` readable `i64`s (or be null when `n` is 0);
/// `dtor` may run only once the payload is written.
pub(crate) unsafe fn container_alloc(
    payload: usize,
    desc: *const i64,
    n: usize,
    dtor: unsafe fn(*mut MemInfo),
) -> *mut MemInfo {
    let total = payload + 8 * n;
    let Some(layout) = layout_for(total) else {
        return std::ptr::null_mut();
    };
    let block = std::alloc::alloc(layout);
    if block.is_null() {
        return std::ptr::null_mut();
    }
    let data = block.add(header_for(total));
    if n > 0 {
        std::ptr::copy_nonoverlapping(desc, data.add(payload) as *mut i64, n);
    }
    let mi = block as *mut MemInfo;
    mi.write(MemInfo {
        refcnt: AtomicI64::new(1),
        data,
        size: total,
        dtor: Some(dtor),
    });
    count_alloc();
    mi
}

/// The `n` offsets after a container's payload of `payload` bytes at `p`.
///
/// # Safety
/// `p` must be a live container's data, made by `container_alloc`.
pub(crate) unsafe fn container_offsets<'a>(p: *const u8, payload: usize, n: i64) -> &'a [i64] {
    std::slice::from_raw_parts(p.add(payload) as *const i64, n.max(0) as usize)
}

/// The layout of a buffer of `n` elements of `size` bytes (at least one
/// byte; 16-byte aligned): list items, dict entries and index.
pub(crate) fn buffer_layout(n: usize, size: usize) -> Option<std::alloc::Layout> {
    std::alloc::Layout::from_size_align(n.checked_mul(size)?.max(1), 16).ok()
}

/// Bytes the descriptor of `n` offsets takes (its count, the offsets, padded
/// so the fields start 16-byte aligned).
fn descriptor_bytes(n: usize) -> usize {
    (8 * (n + 1)).next_multiple_of(16)
}

/// Allocate a jitclass instance: `size` bytes of zeroed fields, and the `n`
/// byte offsets at `offsets` of the MemInfo pointers they hold. Refcount 1;
/// null when memory ran out (compiled code raises MemoryError).
///
/// # Safety
/// `offsets` must point to `n` readable `i64`s, each the offset of a pointer
/// slot inside the fields.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_instance_alloc(
    size: i64,
    offsets: *const i64,
    n: i64,
) -> *mut MemInfo {
    if size < 0 || n < 0 {
        return std::ptr::null_mut();
    }
    let (size, n) = (size as usize, n as usize);
    let desc = descriptor_bytes(n);
    let total = desc + size;
    let Some(layout) = layout_for(total) else {
        return std::ptr::null_mut();
    };
    // malloc and zero the fields, not calloc: glibc's calloc skips its
    // per-thread cache, which makes small instances twice as slow to make.
    let block = std::alloc::alloc(layout);
    if block.is_null() {
        return std::ptr::null_mut();
    }
    let start = block.add(header_for(total)) as *mut i64;
    start.write(n as i64);
    std::ptr::copy_nonoverlapping(offsets, start.add(1), n);
    std::ptr::write_bytes((start as *mut u8).add(desc), 0, size);
    let mi = block as *mut MemInfo;
    mi.write(MemInfo {
        refcnt: AtomicI64::new(1),
        data: (start as *mut u8).add(desc),
        size: total,
        dtor: Some(instance_dtor),
    });
    count_alloc();
    mi
}

/// Release every MemInfo an instance's fields hold.
unsafe fn instance_dtor(mi: *mut MemInfo) {
    let start = (mi as *mut u8).add(header_for((*mi).size)) as *const i64;
    let n = *start as usize;
    let data = (*mi).data;
    for k in 0..n {
        let off = *start.add(1 + k) as usize;
        let held = *(data.add(off) as *const *mut MemInfo);
        meminfo_release(held);
    }
}

/// A MemInfo that holds one reference to the Python object `obj` (an array
/// compiled code borrowed from its caller and now stores in an instance):
/// the object lives while the MemInfo does. Null for a null `obj`.
///
/// # Safety
/// `obj` must be a live Python object (or null); the hooks must be set.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_adopt_pyobject(obj: *mut c_void) -> *mut MemInfo {
    if obj.is_null() {
        return std::ptr::null_mut();
    }
    let mi = crate::oxjit_rt_meminfo_alloc(8);
    if mi.is_null() {
        return mi;
    }
    *((*mi).data as *mut *mut c_void) = obj;
    if let Some((incref, _)) = PYOBJ_HOOKS.get() {
        incref(obj);
        (*mi).dtor = Some(pyobject_dtor);
    }
    mi
}

unsafe fn pyobject_dtor(mi: *mut MemInfo) {
    let obj = *((*mi).data as *const *mut c_void);
    if let Some((_, decref)) = PYOBJ_HOOKS.get() {
        decref(obj);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn instance_releases_its_fields() {
        unsafe {
            // Per thread: other tests allocate in parallel.
            let before = crate::thread_balance();
            let a = crate::oxjit_rt_meminfo_alloc(64);
            let b = crate::oxjit_rt_meminfo_alloc(64);
            // Fields: {f64, ptr a, f64, ptr b}; b is also held elsewhere.
            let offsets = [8i64, 24];
            let inst = oxjit_rt_instance_alloc(32, offsets.as_ptr(), 2);
            assert!(!inst.is_null());
            let data = (*inst).data;
            assert_eq!(data as usize % 16, 0);
            assert!((0..32).all(|i| *data.add(i) == 0));
            *(data.add(8) as *mut *mut MemInfo) = a;
            *(data.add(24) as *mut *mut MemInfo) = b;
            (*b).refcnt.fetch_add(1, Ordering::Relaxed);
            meminfo_release(inst);
            assert_eq!((*b).refcnt.load(Ordering::Relaxed), 1);
            meminfo_release(b);
            assert_eq!(crate::thread_balance(), before);
        }
    }

    #[test]
    fn a_long_chain_is_freed_without_deep_recursion() {
        // Each node's field 0 holds the next node: a 2-million-node linked
        // list, freed from its head (a recursive free would overflow the
        // test thread's stack).
        unsafe {
            let before = crate::thread_balance();
            let offsets = [0i64];
            let mut head: *mut MemInfo = std::ptr::null_mut();
            for _ in 0..2_000_000 {
                let node = oxjit_rt_instance_alloc(8, offsets.as_ptr(), 1);
                *((*node).data as *mut *mut MemInfo) = head;
                head = node;
            }
            meminfo_release(head);
            assert_eq!(crate::thread_balance(), before);
        }
    }

    #[test]
    fn null_fields_and_many_offsets() {
        unsafe {
            let offsets: Vec<i64> = (0..40).map(|k| 8 * k).collect();
            let inst = oxjit_rt_instance_alloc(320, offsets.as_ptr(), 40);
            assert!(!inst.is_null());
            meminfo_release(inst);
            assert!(oxjit_rt_adopt_pyobject(std::ptr::null_mut()).is_null());
        }
    }
}
