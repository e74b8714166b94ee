//! The process's worker pool and the two entry points of parallel code:
//! `prange` loops (`oxjit_rt_parallel_for`) and `target='parallel'` ufunc
//! loops (the Python extension's `parallel_loop`).
//!
//! A prange loop is lowered to an outlined body `i32 body(ctx, lo, hi, red)`
//! running iterations `lo..hi` of the loop's range; its reductions go to the
//! chunk's slot of `red`. Chunks run on the pool; the caller combines the
//! slots in chunk order, so a result depends on the chunk count but not on
//! scheduling. An exception raised in a chunk is moved to the calling thread,
//! which raises it once every chunk has stopped.

use crate::{set_pending, take_error, PendingError};
use std::ffi::c_void;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

static THREADS: AtomicUsize = AtomicUsize::new(0);

/// The process that created the pool: a `fork()` child has none of its
/// threads (waiting for them would hang), so it runs parallel code serially.
static POOL_PID: AtomicUsize = AtomicUsize::new(0);

/// The pool (`max_threads()` workers, created on first use), or None in a
/// fork child of the process that created it.
pub fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        POOL_PID.store(std::process::id() as usize, Ordering::Relaxed);
        rayon::ThreadPoolBuilder::new()
            .num_threads(max_threads())
            .thread_name(|i| format!("oxjit-worker-{i}"))
            .build()
            .unwrap_or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .expect("a one-thread pool")
            })
    });
    (POOL_PID.load(Ordering::Relaxed) == std::process::id() as usize).then_some(pool)
}

/// Threads available: `OXJIT_NUM_THREADS`, else `NUMBA_NUM_THREADS`, else the
/// CPU count; read once (the CPU count reads cgroup files: tens of µs).
pub fn max_threads() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(read_max_threads)
}

fn read_max_threads() -> usize {
    for var in ["OXJIT_NUM_THREADS", "NUMBA_NUM_THREADS"] {
        if let Some(n) = std::env::var(var)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            if n > 0 {
                return n;
            }
        }
    }
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Threads parallel code uses now (`set_num_threads`).
pub fn get_num_threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => max_threads(),
        n => n,
    }
}

pub fn set_num_threads(n: usize) -> Result<(), String> {
    let max = max_threads();
    if n == 0 || n > max {
        return Err(format!("The number of threads must be between 1 and {max}"));
    }
    THREADS.store(n, Ordering::Relaxed);
    Ok(())
}

/// `get_thread_id()` in compiled code: the worker's index in the pool (a
/// chunk's thread), 0 outside it.
#[no_mangle]
pub extern "C" fn oxjit_rt_thread_id() -> i64 {
    rayon::current_thread_index().unwrap_or(0) as i64
}

/// `get_num_threads()` in compiled code.
#[no_mangle]
pub extern "C" fn oxjit_rt_num_threads() -> i64 {
    get_num_threads() as i64
}

/// Zero `len` bytes at `p`, split over the pool from 1 MiB (fresh pages
/// are touched by several threads at once: `np.zeros` in `parallel=True`
/// functions, as Numba's parfors do).
///
/// # Safety
/// `p` must be valid for `len` bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_parallel_zero(p: *mut u8, len: i64) {
    const CUTOFF: i64 = 1 << 20;
    let threads = get_num_threads() as i64;
    let pool = match pool() {
        Some(pool) if len >= CUTOFF && threads > 1 => pool,
        _ => {
            std::ptr::write_bytes(p, 0, len.max(0) as usize);
            return;
        }
    };
    // Pieces of at most 256 KiB: glibc's memset writes larger ones with
    // non-temporal stores, which push the zeros out to memory, and the
    // code that fills the array next reads them back.
    let chunks = (threads * 4).max(len >> 18);
    // Page-sized pieces.
    let per = ((len + chunks - 1) / chunks + 4095) & !4095;
    let base = Shared(p);
    without_gil(|| {
        pool.scope(|s| {
            let mut lo = 0;
            while lo < len {
                let n = per.min(len - lo);
                let base = &base;
                s.spawn(move |_| std::ptr::write_bytes(base.0.add(lo as usize), 0, n as usize));
                lo += n;
            }
        })
    });
}

/// Most chunks one prange loop is split into (the caller's reduction slots
/// are a fixed array of this length).
pub const MAX_CHUNKS: i64 = 64;

/// How many chunks a loop of `n` iterations is split into: a few per thread
/// (a descheduled worker does not hold everyone up), one when there is a
/// single thread or iteration.
#[no_mangle]
pub extern "C" fn oxjit_rt_parallel_chunks(n: i64) -> i64 {
    let threads = get_num_threads() as i64;
    if threads <= 1 || n <= 1 {
        return 1;
    }
    let c = (threads * 4).min(MAX_CHUNKS).min(n);
    // No empty chunk: every reduction slot the caller combines gets written.
    let per = (n + c - 1) / c;
    (n + per - 1) / per
}

/// Hooks the Python extension installs: release the GIL if this thread holds
/// it (returning what `restore` needs), and take it back. Workers may need
/// the GIL (`print`, adopting an ndarray), so a caller holding it would
/// deadlock waiting for them.
pub type GilRelease = fn() -> *mut c_void;
pub type GilRestore = fn(*mut c_void);
static GIL_HOOKS: OnceLock<(GilRelease, GilRestore)> = OnceLock::new();

pub fn install_gil_hooks(release: GilRelease, restore: GilRestore) {
    let _ = GIL_HOOKS.set((release, restore));
}

/// Run `f` with the GIL released if this thread holds it.
fn without_gil<R>(f: impl FnOnce() -> R) -> R {
    let saved = GIL_HOOKS.get().map(|(release, _)| release());
    let r = f();
    if let (Some(saved), Some((_, restore))) = (saved, GIL_HOOKS.get()) {
        restore(saved);
    }
    r
}

type Body = unsafe extern "C" fn(*mut u8, i64, i64, *mut u8) -> i32;

/// One prange loop being run: chunks are taken in order from `next` by the
/// caller and the helpers; `done` counts the finished ones.
struct Region {
    f: Body,
    ctx: Shared,
    red: Shared,
    red_size: i64,
    n: i64,
    per: i64,
    chunks: i64,
    next: AtomicI64,
    done: AtomicI64,
    /// (chunk, its exception if one was pending)
    failed: Mutex<Option<(i64, Option<PendingError>)>>,
}

impl Region {
    /// Run chunks until none is left.
    fn work(&self) {
        loop {
            let c = self.next.fetch_add(1, Ordering::Relaxed);
            if c >= self.chunks {
                return;
            }
            let lo = c * self.per;
            let hi = (lo + self.per).min(self.n);
            let slot = self.red.get().wrapping_add((c * self.red_size) as usize);
            // SAFETY: the caller waits for every chunk before `ctx` and `red` go.
            if unsafe { (self.f)(self.ctx.get(), lo, hi, slot) } != 0 {
                let e = take_error();
                let mut first = self.failed.lock().unwrap_or_else(|p| p.into_inner());
                // The lowest chunk's error: the one a serial loop raises.
                if first.as_ref().is_none_or(|(k, _)| c < *k) {
                    *first = Some((c, e));
                }
            }
            self.done.fetch_add(1, Ordering::Release);
        }
    }
}

/// `np.sum`/`np.mean` along `axis` of a large float or complex array in a
/// `parallel=True` function: the first axis that is not reduced is split
/// over the pool, and each chunk is summed by the serial routine on its view
/// into its rows of `out`. Every output element is summed exactly as in one
/// serial call (NumPy's order, bit for bit): chunks never cut the reduced
/// axis, and each holds at least two rows, so no axis of a chunk becomes a
/// size-1 axis that the serial routine would drop.
///
/// # Safety
/// As `oxjit_rt_sum` with `axis >= 0`.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_sum_axis_par(
    kind: i32,
    data: *const u8,
    ndim: i64,
    shape: *const i64,
    strides: *const i64,
    axis: i64,
    mean: bool,
    out: *mut u8,
) {
    const CUTOFF: i64 = 1 << 15;
    let serial = || crate::sum::oxjit_rt_sum(kind, data, ndim, shape, strides, axis, mean, out);
    let nd = ndim.max(0) as usize;
    if nd < 2 || axis < 0 {
        return serial();
    }
    let shp = std::slice::from_raw_parts(shape, nd).to_vec();
    let st = std::slice::from_raw_parts(strides, nd).to_vec();
    let split = usize::from(axis == 0);
    let n = shp[split];
    let threads = get_num_threads() as i64;
    let total: i64 = shp.iter().product();
    let pool = match pool() {
        Some(pool) if total >= CUTOFF && threads > 1 && n >= 4 => pool,
        _ => return serial(),
    };
    // One chunk per thread: splitting a contiguous axis finer cuts the rows
    // the prefetcher streams into short pieces.
    let chunks = threads.min(n / 2);
    // The output is C-contiguous over the other axes, `split` first.
    let row: i64 = (0..nd)
        .filter(|d| *d != split && *d as i64 != axis)
        .map(|d| shp[d])
        .product();
    let item: i64 = match kind {
        0 => 8,
        1 => 4,
        2 => 16,
        _ => 8,
    };
    let (data, out) = (Shared(data as *mut u8), Shared(out));
    without_gil(|| {
        pool.scope(|s| {
            for k in 0..chunks {
                let (lo, hi) = (k * n / chunks, (k + 1) * n / chunks);
                let mut sh = shp.clone();
                sh[split] = hi - lo;
                let (st, data, out) = (&st, &data, &out);
                s.spawn(move |_| {
                    let d = data.0.offset((lo * st[split]) as isize);
                    let o = out.0.add((lo * row * item) as usize);
                    crate::sum::oxjit_rt_sum(
                        kind,
                        d,
                        ndim,
                        sh.as_ptr(),
                        st.as_ptr(),
                        axis,
                        mean,
                        o,
                    );
                });
            }
        })
    });
}

struct Shared(*mut u8);

impl Shared {
    /// (A method, so that closures capture the `Send + Sync` wrapper, not
    /// the raw pointer field.)
    fn get(&self) -> *mut u8 {
        self.0
    }
}
// SAFETY: the context and reduction slots outlive the scope that uses them,
// and each chunk writes only its own slot.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

/// Run `body` over iterations `0..n` in `chunks` contiguous chunks (of
/// `ceil(n / chunks)` iterations; `oxjit_rt_parallel_chunks` makes none
/// empty); chunk `c` gets `red + c * red_size`. Returns 0, or 1 with the first failing chunk's
/// exception pending on this thread.
///
/// # Safety
/// `body` must be an outlined prange body; `ctx` must be what it expects;
/// `red` must have `chunks * red_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_parallel_for(
    body: *const u8,
    ctx: *mut u8,
    n: i64,
    chunks: i64,
    red: *mut u8,
    red_size: i64,
) -> i32 {
    // SAFETY: compiled code passes the outlined body's address.
    let f: Body = std::mem::transmute::<*const u8, Body>(body);
    if n <= 0 {
        return 0;
    }
    let chunks = chunks.clamp(1, MAX_CHUNKS).min(n);
    let per = (n + chunks - 1) / chunks;
    let pool = match pool() {
        Some(p) if chunks > 1 => p,
        // One chunk, or a fork child: the chunks in order on this thread.
        _ => {
            for c in 0..chunks {
                let lo = c * per;
                if lo < n {
                    let slot = red.wrapping_add((c * red_size) as usize);
                    let st = f(ctx, lo, (lo + per).min(n), slot);
                    if st != 0 {
                        return st;
                    }
                }
            }
            return 0;
        }
    };
    let region = Arc::new(Region {
        f,
        ctx: Shared(ctx),
        red: Shared(red),
        red_size,
        n,
        per,
        chunks,
        next: AtomicI64::new(0),
        done: AtomicI64::new(0),
        failed: Mutex::new(None),
    });
    // Only `threads - 1` workers are asked to help and the caller works
    // too. It waits for the chunks, not for the helpers: one that wakes up
    // after the last chunk was taken finds none and never touches `ctx`.
    let helpers = (get_num_threads() as i64 - 1).clamp(0, chunks - 1);
    without_gil(|| {
        for _ in 0..helpers {
            let r = region.clone();
            pool.spawn(move || r.work());
        }
        region.work();
        let mut spins = 0u32;
        while region.done.load(Ordering::Acquire) < chunks {
            if spins < 1 << 12 {
                std::hint::spin_loop();
                spins += 1;
            } else {
                std::thread::yield_now();
            }
        }
    });
    let failed = region
        .failed
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    match failed {
        Some((_, e)) => {
            if let Some(e) = e {
                set_pending(e);
            }
            1
        }
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds the iteration numbers of its chunk into its i64 slot; fails on
    /// iteration `ctx[0]` with a pending error naming it.
    unsafe extern "C" fn body(ctx: *mut u8, lo: i64, hi: i64, red: *mut u8) -> i32 {
        let bad = *(ctx as *const i64);
        let mut s = 0i64;
        for i in lo..hi {
            if i == bad {
                crate::set_error(7, &format!("bad {i}"));
                return 1;
            }
            s += i;
        }
        *(red as *mut i64) = s;
        0
    }

    fn run(n: i64, bad: i64) -> (i32, i64, i64) {
        let chunks = oxjit_rt_parallel_chunks(n);
        let mut red = vec![0i64; MAX_CHUNKS as usize];
        let mut ctx = bad;
        let f = body as unsafe extern "C" fn(*mut u8, i64, i64, *mut u8) -> i32;
        let st = unsafe {
            oxjit_rt_parallel_for(
                f as *const u8,
                &mut ctx as *mut i64 as *mut u8,
                n,
                chunks,
                red.as_mut_ptr() as *mut u8,
                8,
            )
        };
        (st, red[..chunks as usize].iter().sum(), chunks)
    }

    #[test]
    fn chunks_cover_every_iteration_once_and_none_is_empty() {
        for n in [1, 2, 7, 10, 63, 64, 65, 1000, 100_003] {
            let (st, sum, chunks) = run(n, -1);
            assert_eq!(st, 0);
            assert_eq!(sum, n * (n - 1) / 2, "n = {n}");
            assert!(chunks >= 1 && chunks <= MAX_CHUNKS.min(n));
            let per = (n + chunks - 1) / chunks;
            assert!(
                (chunks - 1) * per < n,
                "chunk {} is empty for n = {n}",
                chunks - 1
            );
        }
        assert_eq!(run(0, -1).0, 0);
    }

    #[test]
    fn an_error_in_a_chunk_is_pending_on_the_caller() {
        let _ = take_error();
        let (st, ..) = run(10_000, 4321);
        assert_eq!(st, 1);
        let e = take_error().expect("the worker's error");
        assert_eq!(e.kind, 7);
        assert!(matches!(&e.args[0], crate::ExcArg::Str(s) if s == "bad 4321"));
    }
}
