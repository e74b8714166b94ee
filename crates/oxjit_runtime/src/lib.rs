//! `extern "C"` helpers that compiled code calls: memory for arrays created
//! in compiled code (NRT-like, atomic refcounts, 64-byte aligned), the
//! pending-exception state, and the print buffer. It never touches a Python
//! object and never needs the GIL; the Python side installs hooks for the few
//! things that must reach Python (printing through `sys.stdout`, formatting
//! arrays the way NumPy does).
//!
//! Panics never cross these functions (architecture invariant 7): every
//! helper is written so it cannot panic on any input compiled code can give.

use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::OnceLock;

pub mod abi;
pub mod cmath;
pub mod dict;
pub mod fmt;
pub mod gamma;
pub mod list;
pub mod object;
pub mod parallel;
pub mod pyrandom;
pub mod random;
pub mod sum;
pub mod text;

use cmath::{
    oxjit_rt_cmath, oxjit_rt_cmath_rect, oxjit_rt_npy_cmath, oxjit_rt_npy_cmathf,
    oxjit_rt_npy_cpow, oxjit_rt_npy_cpowf,
};
use dict::{
    oxjit_rt_dict_clear, oxjit_rt_dict_find, oxjit_rt_dict_insert, oxjit_rt_dict_new,
    oxjit_rt_dict_remove,
};
use gamma::{oxjit_rt_py_gamma, oxjit_rt_py_lgamma};
use list::{
    oxjit_rt_list_argsort_text, oxjit_rt_list_delete, oxjit_rt_list_insert, oxjit_rt_list_new,
    oxjit_rt_list_permute, oxjit_rt_list_resize, oxjit_rt_list_reverse, oxjit_rt_list_sort_text,
};
use object::{oxjit_rt_adopt_pyobject, oxjit_rt_instance_alloc};
use parallel::{
    oxjit_rt_num_threads, oxjit_rt_parallel_chunks, oxjit_rt_parallel_for, oxjit_rt_parallel_zero,
    oxjit_rt_sum_axis_par, oxjit_rt_thread_id,
};
use sum::{oxjit_rt_prod, oxjit_rt_sum};
use text::{
    oxjit_rt_str_cmp, oxjit_rt_str_concat, oxjit_rt_str_copy, oxjit_rt_str_count,
    oxjit_rt_str_find, oxjit_rt_str_format, oxjit_rt_str_format_text, oxjit_rt_str_is,
    oxjit_rt_str_join, oxjit_rt_str_len, oxjit_rt_str_of_complex, oxjit_rt_str_of_f64,
    oxjit_rt_str_of_i64, oxjit_rt_str_of_u64, oxjit_rt_str_offset, oxjit_rt_str_repeat,
    oxjit_rt_str_replace, oxjit_rt_str_repr, oxjit_rt_str_step, oxjit_rt_str_transform,
};

/// Header of every allocation made by compiled code. Compiled code reads
/// `refcnt` (offset 0) and `data` (offset 8) directly.
#[repr(C)]
pub struct MemInfo {
    pub refcnt: AtomicI64,
    pub data: *mut u8,
    pub size: usize,
    /// Run when the last reference goes, before the block is freed: releases
    /// what the data holds (a jitclass instance's fields, an adopted Python
    /// object). Lives in this crate, never in generated code, so a value may
    /// outlive the machine code that made it.
    pub dtor: Option<unsafe fn(*mut MemInfo)>,
}

/// Alignment of array data: 64 bytes (a cache line, AVX-512 friendly) for
/// large arrays; small arrays get malloc's natural 16 (aligned allocation is
/// several times slower, and tiny temporaries are common in loops).
pub const ALIGN: usize = 64;
const SMALL_ALIGN: usize = 32;
const SMALL: usize = 4096;

/// One thread's allocation counts. Only its thread writes them (a plain
/// load and store: no locked instruction on the allocation path, which every
/// array and instance takes); `allocation_stats` reads every thread's.
#[derive(Default)]
struct Counts {
    allocs: AtomicU64,
    frees: AtomicU64,
}

impl Counts {
    fn bump(c: &AtomicU64) {
        c.store(c.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
}

/// The counts of live threads, and those of threads that have ended.
static LIVE: std::sync::Mutex<Vec<std::sync::Arc<Counts>>> = std::sync::Mutex::new(Vec::new());
static RETIRED: (AtomicU64, AtomicU64) = (AtomicU64::new(0), AtomicU64::new(0));

/// A thread's counts; folded into `RETIRED` when the thread ends.
struct Mine(std::sync::Arc<Counts>);

impl Drop for Mine {
    fn drop(&mut self) {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        RETIRED
            .0
            .fetch_add(self.0.allocs.load(Ordering::Relaxed), Ordering::Relaxed);
        RETIRED
            .1
            .fetch_add(self.0.frees.load(Ordering::Relaxed), Ordering::Relaxed);
        live.retain(|c| !std::sync::Arc::ptr_eq(c, &self.0));
    }
}

thread_local! {
    static MINE: Mine = {
        let c = std::sync::Arc::new(Counts::default());
        LIVE.lock().unwrap_or_else(|e| e.into_inner()).push(c.clone());
        Mine(c)
    };
}

pub(crate) fn count_alloc() {
    // A thread being torn down has no counts left: nothing to record.
    let _ = MINE.try_with(|m| Counts::bump(&m.0.allocs));
}

fn count_free() {
    let _ = MINE.try_with(|m| Counts::bump(&m.0.frees));
}

/// This thread's allocations minus its frees (tests that run beside others).
#[cfg(test)]
pub(crate) fn thread_balance() -> i64 {
    MINE.with(|m| {
        m.0.allocs.load(Ordering::Relaxed) as i64 - m.0.frees.load(Ordering::Relaxed) as i64
    })
}

/// (allocations, frees) made by compiled code since the process started.
/// The running Python's minor version (3.x), for the error messages that
/// CPython reworded between versions (`randrange` from 3.12); 3.11's
/// without Python. Set through `oxjit_codegen::set_python_minor`.
static PYTHON_MINOR: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(11);

pub fn set_python_minor(minor: u32) {
    PYTHON_MINOR.store(minor, Ordering::Relaxed);
}

pub fn python_minor() -> u32 {
    PYTHON_MINOR.load(Ordering::Relaxed)
}

pub fn allocation_stats() -> (u64, u64) {
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = (
        RETIRED.0.load(Ordering::Relaxed),
        RETIRED.1.load(Ordering::Relaxed),
    );
    for c in live.iter() {
        out.0 += c.allocs.load(Ordering::Relaxed);
        out.1 += c.frees.load(Ordering::Relaxed);
    }
    out
}

/// Header offset (= data alignment) for an allocation of `size` bytes.
pub(crate) fn header_for(size: usize) -> usize {
    if size < SMALL {
        SMALL_ALIGN
    } else {
        ALIGN
    }
}

pub(crate) fn layout_for(size: usize) -> Option<Layout> {
    // Header and data in one block: the header is padded to the alignment.
    let h = header_for(size);
    Layout::from_size_align(
        h.checked_add(size)?,
        if h == SMALL_ALIGN { 16 } else { ALIGN },
    )
    .ok()
}

/// Allocate a MemInfo with `size` bytes of 64-byte aligned data and a
/// refcount of 1. Returns null if the size is negative or memory ran out
/// (compiled code then raises MemoryError).
///
/// # Safety
/// Callable from any thread; the result must be released with
/// [`oxjit_rt_meminfo_free`] (through the refcount) exactly once.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_meminfo_alloc(size: i64) -> *mut MemInfo {
    if size < 0 {
        return std::ptr::null_mut();
    }
    let Some(layout) = layout_for(size as usize) else {
        return std::ptr::null_mut();
    };
    let block = alloc(layout);
    if block.is_null() {
        return std::ptr::null_mut();
    }
    let mi = block as *mut MemInfo;
    mi.write(MemInfo {
        refcnt: AtomicI64::new(1),
        data: block.add(header_for(size as usize)),
        size: size as usize,
        dtor: None,
    });
    count_alloc();
    mi
}

/// Free a MemInfo whose refcount reached zero (compiled code decrements the
/// count inline and calls this on the last reference).
///
/// # Safety
/// `mi` must come from [`oxjit_rt_meminfo_alloc`] and not be used again.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_meminfo_free(mi: *mut MemInfo) {
    if mi.is_null() {
        return;
    }
    // A destructor that releases the last reference to another block (a
    // list's items, an instance's fields, a linked list's next node) queues
    // it: the outermost free frees the chain in a loop, so a million-node
    // chain does not recurse a million frames deep.
    let outermost = FREEING.with(|f| {
        if f.get() {
            PENDING_FREES.with(|p| p.borrow_mut().push(mi));
            false
        } else {
            f.set(true);
            true
        }
    });
    if !outermost {
        return;
    }
    let mut next = Some(mi);
    while let Some(m) = next {
        free_block(m);
        next = PENDING_FREES.with(|p| p.borrow_mut().pop());
    }
    FREEING.with(|f| f.set(false));
}

thread_local! {
    /// Set while `oxjit_rt_meminfo_free` runs destructors on this thread.
    static FREEING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Blocks whose last reference a running destructor released.
    static PENDING_FREES: std::cell::RefCell<Vec<*mut MemInfo>> = const { std::cell::RefCell::new(Vec::new()) };
}

unsafe fn free_block(mi: *mut MemInfo) {
    if let Some(dtor) = (*mi).dtor {
        dtor(mi);
    }
    let size = (*mi).size;
    if let Some(layout) = layout_for(size) {
        dealloc(mi as *mut u8, layout);
        count_free();
    }
}

/// Drop one reference (used from Rust, e.g. by the Python array owner).
///
/// # Safety
/// `mi` must be a live MemInfo (or null).
pub unsafe fn meminfo_release(mi: *mut MemInfo) {
    if mi.is_null() {
        return;
    }
    if (*mi).refcnt.fetch_sub(1, Ordering::AcqRel) == 1 {
        oxjit_rt_meminfo_free(mi);
    }
}

// ---------------------------------------------------------------------------
// Pending exception: compiled code builds it piecewise, then returns a
// non-zero status; the dispatcher takes it and raises it in Python.
// ---------------------------------------------------------------------------

/// One argument of an exception raised in compiled code.
#[derive(Clone, Debug, PartialEq)]
pub enum ExcArg {
    Str(String),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
}

#[derive(Clone, Debug, Default)]
pub struct PendingError {
    /// `oxjit_types::ExcKind::code()`.
    pub kind: u32,
    pub args: Vec<ExcArg>,
    /// The arguments are pieces of one message, to be joined with `str()`
    /// (errors compiled code formats itself, like IndexError's text).
    pub concat: bool,
}

thread_local! {
    static ERROR: RefCell<Option<PendingError>> = const { RefCell::new(None) };
    static PRINT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Take the exception raised by compiled code on this thread, if any.
pub fn take_error() -> Option<PendingError> {
    ERROR.with(|e| e.borrow_mut().take())
}

/// Make `e` this thread's pending error (one moved from a worker thread).
pub fn set_pending(e: PendingError) {
    ERROR.with(|slot| *slot.borrow_mut() = Some(e));
}

/// Set a pending error from Rust code (for example a runtime helper).
pub fn set_error(kind: u32, msg: &str) {
    ERROR.with(|e| {
        *e.borrow_mut() = Some(PendingError {
            kind,
            args: vec![ExcArg::Str(msg.to_string())],
            concat: false,
        })
    });
}

fn push_arg(a: ExcArg) {
    ERROR.with(|e| {
        if let Some(p) = e.borrow_mut().as_mut() {
            p.args.push(a)
        }
    })
}

#[no_mangle]
pub extern "C" fn oxjit_rt_exc_begin(kind: u32) {
    ERROR.with(|e| {
        *e.borrow_mut() = Some(PendingError {
            kind,
            args: Vec::new(),
            concat: false,
        })
    });
}

/// Like [`oxjit_rt_exc_begin`], but the arguments that follow are pieces of
/// a single message.
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_begin_msg(kind: u32) {
    ERROR.with(|e| {
        *e.borrow_mut() = Some(PendingError {
            kind,
            args: Vec::new(),
            concat: true,
        })
    });
}

// `try`/`except` in compiled code. A handler runs with the exception it
// caught saved on this thread's stack (a bare `raise` there takes it back);
// leaving the handler, by its end, `return`, `break`, `continue` or another
// exception, drops it, so the stack is balanced whenever compiled code
// returns. A `finally` block that runs for an exception saves it likewise.

thread_local! {
    static SAVED: RefCell<Vec<Option<PendingError>>> = const { RefCell::new(Vec::new()) };
}

/// The kind code of the pending exception (0 when none).
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_kind() -> u32 {
    ERROR.with(|e| e.borrow().as_ref().map_or(0, |p| p.kind))
}

/// Move the pending exception onto this thread's saved stack.
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_save() {
    let e = take_error();
    SAVED.with(|s| s.borrow_mut().push(e));
}

/// Drop the exception saved last.
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_drop_saved() {
    SAVED.with(|s| s.borrow_mut().pop());
}

/// Make the exception saved last pending again (a bare `raise` in a
/// handler, or the end of a `finally` block run for an exception).
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_restore() {
    if let Some(Some(e)) = SAVED.with(|s| s.borrow_mut().pop()) {
        set_pending(e);
    }
}

/// The classes each user-defined exception class is an instance of, by its
/// number (`ExcKind::User`): builtin classes by name, user classes as `#n`.
static USER_CLASSES: std::sync::RwLock<Vec<Vec<String>>> = std::sync::RwLock::new(Vec::new());

/// Record the classes (its MRO without `object`) of user class `n` (from 1).
pub fn register_user_exception(n: u32, classes: Vec<String>) {
    let mut t = USER_CLASSES.write().unwrap_or_else(|e| e.into_inner());
    let i = n as usize;
    if t.len() < i {
        t.resize(i, Vec::new());
    }
    if let Some(slot) = t.get_mut(i.wrapping_sub(1)) {
        *slot = classes;
    }
}

/// Whether the pending exception of kind `kind`, a user-defined class, is an
/// instance of one of the classes `keys` lists (comma-separated, as
/// `USER_CLASSES` spells them). Builtin kinds are matched by compiled code.
///
/// # Safety
/// `keys` must point to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_exc_matches(kind: u32, keys: *const u8, len: i64) -> bool {
    let Some(n) = kind.checked_sub(oxjit_types::USER_EXC_CODE) else {
        return false;
    };
    let keys = std::slice::from_raw_parts(keys, len.max(0) as usize);
    let Ok(keys) = std::str::from_utf8(keys) else {
        return false;
    };
    let t = USER_CLASSES.read().unwrap_or_else(|e| e.into_inner());
    let Some(classes) = (n as usize).checked_sub(1).and_then(|i| t.get(i)) else {
        return false;
    };
    keys.split(',').any(|k| classes.iter().any(|c| c == k))
}

/// A bare `raise`: the exception saved last, cloned pending again (in a
/// handler, whose own unwinding drops the saved one; or in code a handler
/// called), else the `RuntimeError` the dispatcher turns into re-raising
/// the exception Python is handling, if any.
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_reraise() {
    match SAVED.with(|s| s.borrow().last().cloned()) {
        Some(Some(e)) => set_pending(e),
        _ => set_error(
            oxjit_types::ExcKind::RuntimeError.code(),
            oxjit_types::RERAISE_MESSAGE,
        ),
    }
}

thread_local! {
    /// Lowest safe stack address of this thread (0 = not yet computed).
    static STACK_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Stack headroom kept free for the runtime, Python and signal handlers.
const STACK_RESERVE: usize = 256 * 1024;

fn compute_stack_limit() -> usize {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread; the
    // attribute object is destroyed before returning.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return 1;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        if !ok {
            return 1;
        }
        let low = addr as usize;
        // The main thread's reported size can exceed what is mapped
        // (RLIMIT_STACK grows lazily); cap what we rely on at 8 MiB.
        let high = low + size;
        let usable = size.min(8 << 20);
        high - usable + STACK_RESERVE
    }
}

/// The lowest safe stack address of the calling thread; recursive compiled
/// functions compare their frame address with it (passed down as a hidden
/// argument, so the check costs one comparison per call).
#[no_mangle]
pub extern "C" fn oxjit_rt_stack_limit() -> usize {
    STACK_LIMIT.with(|l| {
        if l.get() == 0 {
            l.set(compute_stack_limit());
        }
        l.get()
    })
}

/// Called on entry to recursive compiled functions with the current stack
/// address; returns 1 and sets RecursionError when the stack is nearly full.
#[no_mangle]
pub extern "C" fn oxjit_rt_stack_check(sp: usize) -> i32 {
    let limit = STACK_LIMIT.with(|l| {
        if l.get() == 0 {
            l.set(compute_stack_limit());
        }
        l.get()
    });
    if sp < limit {
        set_error(
            RECURSION_ERROR,
            "maximum recursion depth exceeded in compiled code",
        );
        1
    } else {
        0
    }
}

/// `ExcKind::RecursionError.code()` (checked in the tests).
const RECURSION_ERROR: u32 = 12;

/// # Safety
/// `ptr` must point to `len` bytes of UTF-8 (a constant in compiled code).
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_exc_str(ptr: *const u8, len: i64) {
    let s = std::slice::from_raw_parts(ptr, len.max(0) as usize);
    push_arg(ExcArg::Str(String::from_utf8_lossy(s).into_owned()))
}
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_i64(v: i64) {
    push_arg(ExcArg::Int(v))
}
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_u64(v: u64) {
    push_arg(ExcArg::UInt(v))
}
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_f64(v: f64) {
    push_arg(ExcArg::Float(v))
}
#[no_mangle]
pub extern "C" fn oxjit_rt_exc_bool(v: bool) {
    push_arg(ExcArg::Bool(v))
}

// ---------------------------------------------------------------------------
// print(): compiled code appends text; arrays and the final write go through
// hooks the Python side installs (they take the GIL themselves).
// ---------------------------------------------------------------------------

/// Formats an array the way NumPy's `str()` does. Arguments: pointer to the
/// array struct, NumPy type number, ndim. Returns the text.
pub type ArrayFormatHook = fn(*const u8, i32, u32) -> String;
/// Writes a finished line to `sys.stdout`.
pub type WriteHook = fn(&str);

static ARRAY_HOOK: OnceLock<ArrayFormatHook> = OnceLock::new();
static WRITE_HOOK: OnceLock<WriteHook> = OnceLock::new();

pub fn install_print_hooks(array: ArrayFormatHook, write: WriteHook) {
    let _ = ARRAY_HOOK.set(array);
    let _ = WRITE_HOOK.set(write);
}

fn print_push(s: &str) {
    PRINT.with(|p| p.borrow_mut().push_str(s))
}

/// # Safety
/// `ptr` must point to `len` bytes of UTF-8.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_print_str(ptr: *const u8, len: i64) {
    let s = std::slice::from_raw_parts(ptr, len.max(0) as usize);
    print_push(&String::from_utf8_lossy(s))
}
#[no_mangle]
pub extern "C" fn oxjit_rt_print_i64(v: i64) {
    print_push(&v.to_string())
}
#[no_mangle]
pub extern "C" fn oxjit_rt_print_u64(v: u64) {
    print_push(&v.to_string())
}
#[no_mangle]
pub extern "C" fn oxjit_rt_print_f64(v: f64) {
    print_push(&fmt::float_repr(v))
}
#[no_mangle]
pub extern "C" fn oxjit_rt_print_f32(v: f32) {
    print_push(&fmt::float32_repr(v))
}
#[no_mangle]
pub extern "C" fn oxjit_rt_print_bool(v: bool) {
    print_push(if v { "True" } else { "False" })
}
#[no_mangle]
pub extern "C" fn oxjit_rt_print_complex(re: f64, im: f64) {
    print_push(&fmt::complex_repr(re, im))
}
/// # Safety
/// `arr` must point to a live array struct of `ndim` dimensions.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_print_array(arr: *const u8, type_num: i32, ndim: u32) {
    if let Some(h) = ARRAY_HOOK.get() {
        print_push(&h(arr, type_num, ndim))
    } else {
        print_push("<array>")
    }
}
#[no_mangle]
pub extern "C" fn oxjit_rt_print_flush() {
    let text = PRINT.with(|p| std::mem::take(&mut *p.borrow_mut()));
    match WRITE_HOOK.get() {
        Some(h) => h(&text),
        None => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }
}

/// The runtime's rows of the ABI table (see `abi`): every helper compiled
/// code calls, with its LLVM signature and address.
pub fn abi() -> Vec<abi::AbiFn> {
    use pyrandom::*;
    use random::*;
    abi_table!("";
        oxjit_rt_meminfo_alloc(_),
        oxjit_rt_meminfo_free(_),
        oxjit_rt_instance_alloc(_, _, _),
        oxjit_rt_adopt_pyobject(_),
        oxjit_rt_list_new(_, _, _, _),
        oxjit_rt_list_resize(_, _),
        oxjit_rt_list_insert(_, _),
        oxjit_rt_list_delete(_, _, _, _),
        oxjit_rt_list_reverse(_),
        oxjit_rt_list_permute(_, _),
        oxjit_rt_list_sort_text(_),
        oxjit_rt_list_argsort_text(_, _),
        oxjit_rt_dict_new(_, _, _, _, _, _),
        oxjit_rt_dict_find(_, _),
        oxjit_rt_dict_insert(_, _, _),
        oxjit_rt_dict_remove(_, _, _),
        oxjit_rt_dict_clear(_),
        oxjit_rt_str_copy(_, _),
        oxjit_rt_str_concat(_, _, _, _),
        oxjit_rt_str_repeat(_, _, _),
        oxjit_rt_str_step(_, _, _, _, _),
        oxjit_rt_str_format_text(_, _, _, _, _),
        oxjit_rt_str_repr(_, _),
        oxjit_rt_str_cmp(_, _, _, _),
        oxjit_rt_str_len(_, _),
        oxjit_rt_str_offset(_, _, _),
        oxjit_rt_str_find(_, _, _, _, _, _),
        oxjit_rt_str_count(_, _, _, _),
        oxjit_rt_str_of_i64(_),
        oxjit_rt_str_of_u64(_),
        oxjit_rt_str_of_f64(_, _),
        oxjit_rt_str_of_complex(_, _),
        oxjit_rt_str_join(_, _, _, _),
        oxjit_rt_str_transform(_, _, _, _, _),
        oxjit_rt_str_replace(_, _, _, _, _, _),
        oxjit_rt_str_is(_, _, _),
        oxjit_rt_str_format(_, _, _, _, _, _),
        oxjit_rt_exc_begin(_),
        oxjit_rt_exc_begin_msg(_),
        oxjit_rt_exc_kind(),
        oxjit_rt_exc_save(),
        oxjit_rt_exc_drop_saved(),
        oxjit_rt_exc_restore(),
        oxjit_rt_exc_reraise(),
        oxjit_rt_exc_matches(_, _, _),
        oxjit_rt_exc_str(_, _),
        oxjit_rt_exc_i64(_),
        oxjit_rt_exc_u64(_),
        oxjit_rt_exc_f64(_),
        oxjit_rt_exc_bool(_),
        oxjit_rt_stack_check(_),
        oxjit_rt_stack_limit(),
        oxjit_rt_random_state(),
        oxjit_rt_random_random_s(_),
        oxjit_rt_random_standard_normal_s(_),
        oxjit_rt_random_randint_s(_, _, _),
        oxjit_rt_random_uniform_s(_, _, _),
        oxjit_rt_random_normal_s(_, _, _),
        oxjit_rt_random_exponential_s(_, _),
        oxjit_rt_random_standard_gamma_s(_, _),
        oxjit_rt_random_gamma_s(_, _, _),
        oxjit_rt_random_beta_s(_, _, _),
        oxjit_rt_random_poisson_s(_, _),
        oxjit_rt_random_binomial_s(_, _, _),
        oxjit_rt_random_geometric_s(_, _),
        oxjit_rt_parallel_chunks(_),
        oxjit_rt_parallel_for(_, _, _, _, _, _),
        oxjit_rt_thread_id(),
        oxjit_rt_parallel_zero(_, _),
        oxjit_rt_num_threads(),
        oxjit_rt_print_str(_, _),
        oxjit_rt_print_i64(_),
        oxjit_rt_print_u64(_),
        oxjit_rt_print_f64(_),
        oxjit_rt_print_f32(_),
        oxjit_rt_print_bool(_),
        oxjit_rt_print_complex(_, _),
        oxjit_rt_print_array(_, _, _),
        oxjit_rt_print_flush(),
        oxjit_rt_sort(_, _, _),
        oxjit_rt_argsort(_, _, _, _),
        oxjit_rt_quantile_f64(_, _, _),
        oxjit_rt_round_f64(_, _),
        oxjit_rt_round_int(_, _, _, _),
        oxjit_rt_dgemm(_, _, _, _, _, _, _, _, _, _, _, _),
        oxjit_rt_sgemm(_, _, _, _, _, _, _, _, _, _, _, _),
        oxjit_rt_random_seed(_),
        oxjit_rt_random_random(),
        oxjit_rt_random_randint(_, _),
        oxjit_rt_random_uniform(_, _),
        oxjit_rt_random_standard_normal(),
        oxjit_rt_random_normal(_, _),
        oxjit_rt_random_exponential(_),
        oxjit_rt_random_standard_gamma(_),
        oxjit_rt_random_gamma(_, _),
        oxjit_rt_random_beta(_, _),
        oxjit_rt_random_poisson(_),
        oxjit_rt_random_binomial(_, _),
        oxjit_rt_random_geometric(_),
        oxjit_rt_random_interval(_),
        oxjit_rt_random_choice_p(_, _, _, _, _, _),
        oxjit_rt_pyrandom_seed(_),
        oxjit_rt_pyrandom_seed_entropy(),
        oxjit_rt_pyrandom_random(),
        oxjit_rt_pyrandom_randbelow(_),
        oxjit_rt_pyrandom_getrandbits(_, _),
        oxjit_rt_pyrandom_randrange(_, _, _, _, _),
        oxjit_rt_pyrandom_uniform(_, _),
        oxjit_rt_pyrandom_gauss(_, _),
        oxjit_rt_pyrandom_normalvariate(_, _),
        oxjit_rt_pyrandom_vonmisesvariate(_, _),
        oxjit_rt_pyrandom_triangular(_, _, _, _, _),
        oxjit_rt_pyrandom_lognormvariate(_, _, _),
        oxjit_rt_pyrandom_expovariate(_, _),
        oxjit_rt_pyrandom_gammavariate(_, _, _),
        oxjit_rt_pyrandom_betavariate(_, _, _),
        oxjit_rt_pyrandom_paretovariate(_, _),
        oxjit_rt_pyrandom_weibullvariate(_, _, _),
        oxjit_rt_sum(_, _, _, _, _, _, _, _),
        oxjit_rt_sum_axis_par(_, _, _, _, _, _, _, _),
        oxjit_rt_prod(_, _, _, _, _, _),
        oxjit_rt_cmath(_, _, _, _),
        oxjit_rt_cmath_rect(_, _, _),
        oxjit_rt_py_gamma(_),
        oxjit_rt_py_lgamma(_),
        oxjit_rt_npy_cpow(_, _, _, _, _),
        oxjit_rt_npy_cpowf(_, _, _, _, _),
        oxjit_rt_npy_cmath(_, _, _, _),
        oxjit_rt_npy_cmathf(_, _, _, _),
    )
}

// ---------------------------------------------------------------------------
// Sorting helpers for np.sort / np.median / np.percentile.
// ---------------------------------------------------------------------------

/// NumPy's order for floats: NaN after everything, NaNs equal.
fn nan_last(a: f64, b: f64) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Equal,
        (true, false) => Greater,
        (false, true) => Less,
        _ => a.partial_cmp(&b).unwrap_or(Equal),
    }
}

/// Sort `n` contiguous elements in place (stable; NaN last, as NumPy does).
/// `type_num` is NumPy's type number of the element type.
///
/// # Safety
/// `ptr` must point to `n` writable elements of that type.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_sort(ptr: *mut u8, n: i64, type_num: i32) {
    let n = n.max(0) as usize;
    macro_rules! ints {
        ($t:ty) => {
            std::slice::from_raw_parts_mut(ptr as *mut $t, n).sort()
        };
    }
    macro_rules! floats {
        ($t:ty) => {
            std::slice::from_raw_parts_mut(ptr as *mut $t, n)
                .sort_by(|a, b| nan_last(*a as f64, *b as f64))
        };
    }
    // NumPy type numbers: bool 0, int8 1, uint8 2, int16 3, uint16 4, int32 5,
    // uint32 6, int64 7, uint64 8, float32 11, float64 12.
    match type_num {
        0 | 2 => ints!(u8),
        1 => ints!(i8),
        3 => ints!(i16),
        4 => ints!(u16),
        5 => ints!(i32),
        6 => ints!(u32),
        7 => ints!(i64),
        8 => ints!(u64),
        11 => floats!(f32),
        12 => floats!(f64),
        _ => {}
    }
}

/// Quantile `q` (0..=1) of `n` float64 values with linear interpolation
/// (NumPy's default), or the median when `q` is negative; reorders the
/// buffer. NaN anywhere gives NaN, empty gives NaN.
///
/// # Safety
/// `ptr` must point to `n` writable f64 values.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_quantile_f64(ptr: *mut f64, n: i64, q: f64) -> f64 {
    let n = n.max(0) as usize;
    if n == 0 {
        return f64::NAN;
    }
    let xs = std::slice::from_raw_parts_mut(ptr, n);
    if xs.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    if q < 0.0 {
        // The median: NumPy averages the two middle values.
        let mid = n / 2;
        let cmp = |a: &f64, b: &f64| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
        let (lower, &mut hi, _) = xs.select_nth_unstable_by(mid, cmp);
        if n % 2 == 1 {
            return hi;
        }
        let lo = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        return (lo + hi) / 2.0;
    }
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = (pos.floor() as usize).min(n - 1);
    let frac = pos - lo as f64;
    // Selection, not a full sort (NumPy partitions too): the lo-th value,
    // then the smallest of what lies above it.
    let cmp = |a: &f64, b: &f64| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
    let (_, &mut a, upper) = xs.select_nth_unstable_by(lo, cmp);
    let b = if frac > 0.0 {
        upper.iter().copied().fold(f64::INFINITY, f64::min)
    } else {
        a
    };
    // NumPy's lerp: a + (b - a) * t, switched to b - (b - a) * (1 - t) past the middle.
    let d = b - a;
    if frac >= 0.5 {
        b - d * (1.0 - frac)
    } else {
        a + d * frac
    }
}

/// Stable argsort of `n` contiguous elements into `out` (NaN last).
///
/// # Safety
/// `data` must point to `n` elements of NumPy type `type_num`, `out` to `n`
/// writable i64 slots.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_argsort(data: *const u8, n: i64, type_num: i32, out: *mut i64) {
    let n = n.max(0) as usize;
    let idx = std::slice::from_raw_parts_mut(out, n);
    for (i, x) in idx.iter_mut().enumerate() {
        *x = i as i64;
    }
    macro_rules! ints {
        ($t:ty) => {{
            let xs = std::slice::from_raw_parts(data as *const $t, n);
            idx.sort_by_key(|&i| xs[i as usize]);
        }};
    }
    macro_rules! floats {
        ($t:ty) => {{
            let xs = std::slice::from_raw_parts(data as *const $t, n);
            idx.sort_by(|&a, &b| nan_last(xs[a as usize] as f64, xs[b as usize] as f64));
        }};
    }
    match type_num {
        0 | 2 => ints!(u8),
        1 => ints!(i8),
        3 => ints!(i16),
        4 => ints!(u16),
        5 => ints!(i32),
        6 => ints!(u32),
        7 => ints!(i64),
        8 => ints!(u64),
        11 => floats!(f32),
        12 => floats!(f64),
        _ => {}
    }
}

/// C = A @ B for float64 (`m×k` times `k×n`), strides in elements: any
/// layout, views included (matrixmultiply's packed kernels).
///
/// # Safety
/// The pointers and strides must describe valid matrices; C must not alias A or B.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn oxjit_rt_dgemm(
    m: i64,
    k: i64,
    n: i64,
    a: *const f64,
    rsa: i64,
    csa: i64,
    b: *const f64,
    rsb: i64,
    csb: i64,
    c: *mut f64,
    rsc: i64,
    csc: i64,
) {
    matrixmultiply::dgemm(
        m as usize,
        k as usize,
        n as usize,
        1.0,
        a,
        rsa as isize,
        csa as isize,
        b,
        rsb as isize,
        csb as isize,
        0.0,
        c,
        rsc as isize,
        csc as isize,
    );
}

/// [`oxjit_rt_dgemm`] for float32.
///
/// # Safety
/// As for [`oxjit_rt_dgemm`].
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn oxjit_rt_sgemm(
    m: i64,
    k: i64,
    n: i64,
    a: *const f32,
    rsa: i64,
    csa: i64,
    b: *const f32,
    rsb: i64,
    csb: i64,
    c: *mut f32,
    rsc: i64,
    csc: i64,
) {
    matrixmultiply::sgemm(
        m as usize,
        k as usize,
        n as usize,
        1.0,
        a,
        rsa as isize,
        csa as isize,
        b,
        rsb as isize,
        csb as isize,
        0.0,
        c,
        rsc as isize,
        csc as isize,
    );
}

/// Python's `round(x, ndigits)` for floats: correctly rounded, half to even
/// on the exact binary value (what CPython's dtoa-based rounding gives).
#[no_mangle]
pub extern "C" fn oxjit_rt_round_f64(x: f64, ndigits: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if ndigits > 340 {
        return x;
    }
    if ndigits >= 0 {
        // Rust's fixed-precision formatting rounds the exact decimal expansion
        // half to even, as CPython does.
        let s = format!("{:.*}", ndigits as usize, x);
        return s
            .parse::<f64>()
            .map(|r| if r == 0.0 { 0.0f64.copysign(x) } else { r })
            .unwrap_or(x);
    }
    if ndigits < -308 {
        return 0.0f64.copysign(x);
    }
    // Negative ndigits: round the exact decimal expansion to a multiple of
    // 10**k, half to even, then read it back correctly rounded (as CPython's
    // dtoa-based round does; x / 10**k would round twice).
    let k = (-ndigits) as usize;
    let exact = format!("{:.1100}", x.abs());
    let (int_digits, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let (q, rem) = if int_digits.len() > k {
        int_digits.split_at(int_digits.len() - k)
    } else {
        ("0", int_digits)
    };
    let rem = format!("{rem:0>k$}");
    let half = format!("5{}", "0".repeat(k - 1));
    let up = match rem.as_str().cmp(half.as_str()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            frac.bytes().any(|b| b != b'0') || q.bytes().last().is_some_and(|d| (d - b'0') % 2 == 1)
        }
    };
    let mut digits: Vec<u8> = q.bytes().collect();
    if up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let text = format!("{}e{k}", String::from_utf8_lossy(&digits));
    match text.parse::<f64>() {
        Ok(r) if r.is_finite() => r.copysign(x),
        _ => x,
    }
}

/// Python's `round(x, n)` of an integer (`unsigned`: x holds a uint64), in
/// exact integer arithmetic: a multiple of 10**-n, half to even. Writes the
/// result to `out`; false when it does not fit the result's int64.
///
/// # Safety
/// `out` points to a writable i64.
pub unsafe extern "C" fn oxjit_rt_round_int(x: i64, unsigned: bool, n: i64, out: *mut i64) -> bool {
    let v: i128 = if unsigned {
        x as u64 as i128
    } else {
        x as i128
    };
    let r = if n >= 0 {
        v
    } else if n < -39 {
        0
    } else {
        let p = 10i128.pow((-n) as u32);
        let (q, rem) = (v.div_euclid(p), v.rem_euclid(p));
        let up = 2 * rem > p || (2 * rem == p && q % 2 != 0);
        (q + i128::from(up)) * p
    };
    match i64::try_from(r) {
        Ok(r) => {
            *out = r;
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_int_is_exact() {
        let r = |x: i64, n: i64| {
            let mut o = 0;
            let ok = unsafe { oxjit_rt_round_int(x, false, n, &mut o) };
            ok.then_some(o)
        };
        assert_eq!(
            r(100_000_000_000_000_051, -2),
            Some(100_000_000_000_000_100)
        );
        assert_eq!(r(25, -1), Some(20));
        assert_eq!(r(35, -1), Some(40));
        assert_eq!(r(-25, -1), Some(-20));
        assert_eq!(r(-26, -1), Some(-30));
        assert_eq!(r(7, 3), Some(7));
        assert_eq!(r(i64::MAX, -1), None);
        assert_eq!(r(5, -40), Some(0));
    }

    #[test]
    fn round_negative_ndigits_is_correctly_rounded() {
        // CPython's values.
        assert_eq!(oxjit_rt_round_f64(1.93661707109813e147, -147), 2e147);
        assert_eq!(oxjit_rt_round_f64(25.0, -1), 20.0);
        assert_eq!(oxjit_rt_round_f64(35.0, -1), 40.0);
        assert_eq!(oxjit_rt_round_f64(25.000000001, -1), 30.0);
        assert_eq!(oxjit_rt_round_f64(5000.0, -4), 0.0);
        assert_eq!(oxjit_rt_round_f64(6000.0, -4), 10000.0);
        assert_eq!(oxjit_rt_round_f64(-4.0, -1).to_bits(), (-0.0f64).to_bits());
        assert_eq!(oxjit_rt_round_f64(999.0, -3), 1000.0);
        assert_eq!(oxjit_rt_round_f64(1e300, -309), 0.0);
    }

    #[test]
    fn alloc_free_counts_and_alignment() {
        let (a0, f0) = allocation_stats();
        unsafe {
            let mi = oxjit_rt_meminfo_alloc(100);
            assert!(!mi.is_null());
            assert_eq!((*mi).data as usize % 16, 0);
            let big = oxjit_rt_meminfo_alloc(1 << 20);
            assert_eq!((*big).data as usize % ALIGN, 0);
            meminfo_release(big);
            assert_eq!((*mi).refcnt.load(Ordering::Relaxed), 1);
            meminfo_release(mi);
            assert!(oxjit_rt_meminfo_alloc(-1).is_null());
        }
        let (a1, f1) = allocation_stats();
        assert!(a1 > a0 && f1 > f0);
    }

    #[test]
    fn recursion_code_and_stack_check() {
        // RecursionError's code in oxjit_types::ExcKind (no dependency here).
        assert_eq!(RECURSION_ERROR, 12);
        let here = 0u8;
        assert_eq!(oxjit_rt_stack_check(&here as *const u8 as usize), 0);
        assert_eq!(oxjit_rt_stack_check(16), 1);
        assert_eq!(take_error().unwrap().kind, RECURSION_ERROR);
    }

    #[test]
    fn exception_arguments_accumulate() {
        oxjit_rt_exc_begin(2);
        unsafe { oxjit_rt_exc_str(b"bad".as_ptr(), 3) };
        oxjit_rt_exc_i64(-4);
        let e = take_error().unwrap();
        assert_eq!(e.kind, 2);
        assert_eq!(e.args, vec![ExcArg::Str("bad".into()), ExcArg::Int(-4)]);
        assert!(take_error().is_none());
    }
}
