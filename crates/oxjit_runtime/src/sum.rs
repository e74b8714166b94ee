//! NumPy's summation order, bit for bit: `np.sum`/`np.mean` of float and
//! complex arrays (whole array or along one axis) and the streaming pairwise
//! sum that fused reductions (`np.sum(a * b)`) feed one leaf at a time.
//!
//! Why the runtime and not generated IR: the order depends on the strides
//! seen at run time (NumPy's iterator sorts the axes by stride, coalesces
//! them and, for whole-array reductions of non-contiguous data, sums in
//! buffered chunks), and the pairwise recursion is awkward to emit inline.
//! Lowering only passes (data, shape, strides, axis) and stays simple; the
//! inner loops here are plain Rust that LLVM vectorises (eight independent
//! accumulators).
//!
//! The rules, checked against NumPy 2.4 (see tests/test_numpy_summation.py):
//! - a run of `n` elements is summed by NumPy's pairwise scheme: fewer than
//!   8 → one accumulator started at -0.0; up to 128 → eight accumulators over
//!   blocks of eight, combined ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the
//!   rest in order; more → split at n/2 rounded down to a multiple of 8.
//!   Complex numbers run the same scheme over their 2n real parts (so four
//!   complex accumulators and halved thresholds).
//! - the result starts at +0.0 (add's identity) and each run's sum is added.
//! - axes are visited outermost-first by decreasing |stride| (a stable sort;
//!   negative strides are not flipped), size-1 axes dropped and neighbours
//!   merged when the strides allow.
//! - along one axis: if the innermost visited axis is the reduced one, every
//!   output element adds the pairwise sums of its runs; otherwise rows are
//!   added element-wise in order.
//! - over the whole array with two or more merged axes left: NumPy copies
//!   chunks into a buffer of 8192 elements; a chunk is a whole number of
//!   "cores" (the largest product of innermost axes that fits, at least the
//!   innermost axis), and each chunk is summed pairwise.

use std::ops::Add;

const BLOCK: usize = 128;
const BUFSIZE: usize = 8192;

/// One element type: its accumulator and how it is read.
trait Elem: Copy + Add<Output = Self> {
    const ZERO: Self;
    const ONE: Self;
    /// NumPy's scalar product (complex: the plain formula, no fused multiply-add).
    fn mul(self, o: Self) -> Self;
    const SIZE: isize;
    /// # Safety: `p` points to a readable element.
    unsafe fn load(p: *const u8) -> Self;
    /// # Safety: `p` points to a writable element.
    unsafe fn store(self, p: *mut u8);
    /// NumPy's pairwise sum of `n` elements `stride` bytes apart.
    /// # Safety: every element is readable.
    unsafe fn pairwise(p: *const u8, n: usize, stride: isize) -> Self;
    /// The mean's division by the element count, as NumPy does it.
    fn div_count(self, n: usize) -> Self;
}

/// Where a run's values come from: memory `stride` bytes apart, read as `T`.
/// (A concrete type, not a closure, so the recursion monomorphises once and
/// the contiguous case vectorises.)
struct Run<const STRIDED: bool, T> {
    p: *const u8,
    stride: isize,
    t: std::marker::PhantomData<T>,
}

impl<const S: bool, T> Clone for Run<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<const S: bool, T> Copy for Run<S, T> {}

/// A value read from possibly unaligned memory.
trait Load: Copy {
    /// # Safety: `p` points to a readable value.
    unsafe fn ld(p: *const u8) -> Self;
}

impl Load for f64 {
    unsafe fn ld(p: *const u8) -> Self {
        (p as *const f64).read_unaligned()
    }
}
impl Load for f32 {
    unsafe fn ld(p: *const u8) -> Self {
        (p as *const f32).read_unaligned()
    }
}
impl<T: Load> Load for (T, T) {
    unsafe fn ld(p: *const u8) -> Self {
        (T::ld(p), T::ld(p.add(std::mem::size_of::<T>())))
    }
}

impl<const STRIDED: bool, T: Load> Run<STRIDED, T> {
    fn new(p: *const u8, stride: isize) -> Self {
        Run {
            p,
            stride,
            t: std::marker::PhantomData,
        }
    }
    #[inline(always)]
    unsafe fn get(&self, i: usize) -> T {
        if STRIDED {
            T::ld(self.p.offset(i as isize * self.stride))
        } else {
            T::ld(self.p.add(i * std::mem::size_of::<T>()))
        }
    }
    fn skip(&self, k: usize) -> Self {
        Run {
            p: self.p.wrapping_offset(k as isize * self.stride),
            ..*self
        }
    }
}

/// The real pairwise scheme over `n` values.
unsafe fn pw_real<const S: bool, T: Load + Add<Output = T>>(
    r: Run<S, T>,
    n: usize,
    neg_zero: T,
) -> T {
    if n < 8 {
        let mut acc = neg_zero;
        for i in 0..n {
            acc = acc + r.get(i);
        }
        acc
    } else if n <= BLOCK {
        let mut a = [
            r.get(0),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get(5),
            r.get(6),
            r.get(7),
        ];
        let full = n - n % 8;
        let mut i = 8;
        while i < full {
            for (k, ak) in a.iter_mut().enumerate() {
                *ak = *ak + r.get(i + k);
            }
            i += 8;
        }
        let mut res = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
        for j in full..n {
            res = res + r.get(j);
        }
        res
    } else {
        let n2 = n / 2;
        let n2 = n2 - n2 % 8;
        pw_real(r, n2, neg_zero) + pw_real(r.skip(n2), n - n2, neg_zero)
    }
}

/// The complex pairwise scheme over `n` complex values (NumPy runs the real
/// scheme's thresholds on the 2n parts).
unsafe fn pw_complex<T: Load + Add<Output = T>>(
    r: Run<true, (T, T)>,
    n: usize,
    neg_zero: T,
) -> (T, T) {
    let m = 2 * n;
    if m < 8 {
        let (mut re, mut im) = (neg_zero, neg_zero);
        for i in 0..n {
            let (a, b) = r.get(i);
            re = re + a;
            im = im + b;
        }
        (re, im)
    } else if m <= BLOCK {
        let mut acc = [r.get(0), r.get(1), r.get(2), r.get(3)];
        let full = (m - m % 8) / 2;
        let mut i = 4;
        while i < full {
            for (k, ak) in acc.iter_mut().enumerate() {
                let (a, b) = r.get(i + k);
                *ak = (ak.0 + a, ak.1 + b);
            }
            i += 4;
        }
        let mut re = (acc[0].0 + acc[1].0) + (acc[2].0 + acc[3].0);
        let mut im = (acc[0].1 + acc[1].1) + (acc[2].1 + acc[3].1);
        for j in full..n {
            let (a, b) = r.get(j);
            re = re + a;
            im = im + b;
        }
        (re, im)
    } else {
        let n2 = m / 2;
        let h = (n2 - n2 % 8) / 2;
        let (a, b) = pw_complex(r, h, neg_zero);
        let (c, d) = pw_complex(r.skip(h), n - h, neg_zero);
        (a + c, b + d)
    }
}

macro_rules! real_elem {
    ($t:ty) => {
        impl Elem for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const SIZE: isize = std::mem::size_of::<$t>() as isize;
            fn mul(self, o: Self) -> Self {
                self * o
            }
            unsafe fn load(p: *const u8) -> Self {
                (p as *const $t).read_unaligned()
            }
            unsafe fn store(self, p: *mut u8) {
                (p as *mut $t).write_unaligned(self)
            }
            unsafe fn pairwise(p: *const u8, n: usize, stride: isize) -> Self {
                if stride == Self::SIZE {
                    return pw_real(Run::<false, $t>::new(p, stride), n, -0.0);
                }
                pw_real(Run::<true, $t>::new(p, stride), n, -0.0)
            }
            fn div_count(self, n: usize) -> Self {
                self / (n as $t)
            }
        }
    };
}
real_elem!(f64);
real_elem!(f32);

/// A complex number as (real, imaginary).
#[derive(Clone, Copy, Debug, PartialEq)]
struct C<T>(T, T);

impl<T: Add<Output = T>> Add for C<T> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        C(self.0 + o.0, self.1 + o.1)
    }
}

macro_rules! complex_elem {
    ($t:ty) => {
        impl Elem for C<$t> {
            const ZERO: Self = C(0.0, 0.0);
            const ONE: Self = C(1.0, 0.0);
            const SIZE: isize = 2 * std::mem::size_of::<$t>() as isize;
            fn mul(self, o: Self) -> Self {
                C(self.0 * o.0 - self.1 * o.1, self.0 * o.1 + self.1 * o.0)
            }
            unsafe fn load(p: *const u8) -> Self {
                let q = p as *const $t;
                C(q.read_unaligned(), q.add(1).read_unaligned())
            }
            unsafe fn store(self, p: *mut u8) {
                let q = p as *mut $t;
                q.write_unaligned(self.0);
                q.add(1).write_unaligned(self.1);
            }
            unsafe fn pairwise(p: *const u8, n: usize, stride: isize) -> Self {
                let (a, b) = pw_complex(Run::<true, ($t, $t)>::new(p, stride), n, -0.0);
                C(a, b)
            }
            fn div_count(self, n: usize) -> Self {
                // NumPy divides by n + 0j (Smith's method with a zero ratio):
                // both parts times 1/n (computed in double, which complex64
                // results round from), and the other part times 0 added, so a
                // NaN or infinite part spreads as it does in NumPy.
                let k = 1.0 / n as f64;
                let (re, im) = (self.0 as f64, self.1 as f64);
                C(((re + im * 0.0) * k) as $t, ((im - re * 0.0) * k) as $t)
            }
        }
    };
}
complex_elem!(f64);
complex_elem!(f32);

/// One axis as the iterator sees it: length, input stride, output stride
/// (0 on the reduced axis), reduced or not.
#[derive(Clone, Copy, Debug)]
struct Axis {
    n: usize,
    is: isize,
    os: isize,
    red: bool,
}

/// Drop length-1 axes, order outermost-first by decreasing |input stride|
/// (stable) and merge neighbours whose strides allow it.
fn iteration_axes(mut axes: Vec<Axis>) -> Vec<Axis> {
    axes.retain(|a| a.n != 1);
    axes.sort_by_key(|a| std::cmp::Reverse(a.is.unsigned_abs()));
    let mut out: Vec<Axis> = Vec::with_capacity(axes.len());
    for a in axes {
        if let Some(o) = out.last_mut() {
            let n = a.n as isize;
            if o.red == a.red && o.is == a.is * n && o.os == a.os * n {
                *o = Axis { n: o.n * a.n, ..a };
                continue;
            }
        }
        out.push(a);
    }
    out
}

/// Calls `f(input offset, output offset)` for every index of `axes` (the
/// last one varying fastest).
fn for_each_index(axes: &[Axis], f: &mut dyn FnMut(isize, isize)) {
    if axes.iter().any(|a| a.n == 0) {
        return;
    }
    let mut idx = vec![0usize; axes.len()];
    let (mut io, mut oo) = (0isize, 0isize);
    loop {
        f(io, oo);
        let mut d = axes.len();
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            io += axes[d].is;
            oo += axes[d].os;
            if idx[d] < axes[d].n {
                break;
            }
            io -= axes[d].is * axes[d].n as isize;
            oo -= axes[d].os * axes[d].n as isize;
            idx[d] = 0;
        }
    }
}

/// The sum of every element, in NumPy's order.
unsafe fn sum_all<T: Elem>(data: *const u8, axes: Vec<Axis>) -> T {
    if axes.iter().any(|a| a.n == 0) {
        return T::ZERO;
    }
    let it = iteration_axes(axes);
    match it.len() {
        0 => T::ZERO + T::load(data),
        1 => T::ZERO + T::pairwise(data, it[0].n, it[0].is),
        _ => {
            // Buffered chunks: a whole number of cores.
            let mut core = 1usize;
            let mut k = 0;
            for a in it.iter().rev() {
                if core > 1 && core * a.n > BUFSIZE {
                    break;
                }
                core *= a.n;
                k += 1;
            }
            let inner = it[it.len() - 1];
            if k == 1 && core >= BUFSIZE {
                // One run per chunk: no copy needed.
                let mut acc = T::ZERO;
                for_each_index(&it[..it.len() - 1], &mut |io, _| {
                    acc = acc + T::pairwise(data.offset(io), inner.n, inner.is);
                });
                return acc;
            }
            let chunk = (BUFSIZE / core).max(1) * core;
            let mut buf: Vec<T> = Vec::with_capacity(chunk);
            let mut acc = T::ZERO;
            let inner_axes = &it[it.len() - 1..];
            for_each_index(&it[..it.len() - 1], &mut |io, _| {
                for_each_index(inner_axes, &mut |j, _| {
                    buf.push(T::load(data.offset(io + j)));
                });
                if buf.len() == chunk {
                    acc = acc + T::pairwise(buf.as_ptr() as *const u8, chunk, T::SIZE);
                    buf.clear();
                }
            });
            if !buf.is_empty() {
                acc = acc + T::pairwise(buf.as_ptr() as *const u8, buf.len(), T::SIZE);
            }
            acc
        }
    }
}

/// The `ndim` shape and stride values behind the ABI's pointers.
///
/// # Safety
/// Both pointers hold `ndim` values (or `ndim <= 0`).
unsafe fn dims<'a>(ndim: i64, shape: *const i64, strides: *const i64) -> (&'a [i64], &'a [i64]) {
    let nd = ndim.max(0) as usize;
    if nd == 0 {
        return (&[], &[]);
    }
    (
        std::slice::from_raw_parts(shape, nd),
        std::slice::from_raw_parts(strides, nd),
    )
}

/// The product of every element in NumPy's order: memory order (axes by
/// decreasing |stride|, each walked in the view's direction), starting from
/// 1 as NumPy's reduction does (`(1+0j) * (inf+0j)` is `inf+nanj`).
unsafe fn prod_all<T: Elem>(data: *const u8, axes: Vec<Axis>) -> T {
    let mut acc = T::ONE;
    for_each_index(&iteration_axes(axes), &mut |io, _| {
        acc = acc.mul(T::load(data.offset(io)));
    });
    acc
}

/// `np.prod` of every element of an `ndim`-d float or complex array (`kind`
/// as for [`oxjit_rt_sum`]), written to `out`. NumPy multiplies in memory
/// order, so an F-ordered or transposed array's product rounds differently
/// from a C-order loop's.
///
/// # Safety
/// As for [`oxjit_rt_sum`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_prod(
    kind: i32,
    data: *const u8,
    ndim: i64,
    shape: *const i64,
    strides: *const i64,
    out: *mut u8,
) {
    unsafe fn typed<T: Elem>(data: *const u8, shape: &[i64], strides: &[i64], out: *mut u8) {
        let axes = shape
            .iter()
            .zip(strides)
            .map(|(&n, &s)| Axis {
                n: n.max(0) as usize,
                is: s as isize,
                os: 0,
                red: true,
            })
            .collect();
        prod_all::<T>(data, axes).store(out);
    }
    let (shape, strides) = dims(ndim, shape, strides);
    match kind {
        0 => typed::<f64>(data, shape, strides, out),
        1 => typed::<f32>(data, shape, strides, out),
        2 => typed::<C<f64>>(data, shape, strides, out),
        _ => typed::<C<f32>>(data, shape, strides, out),
    }
}

/// The sums along the reduced axis into `out` (C-contiguous, zeroed here).
unsafe fn sum_axis<T: Elem>(data: *const u8, axes: Vec<Axis>, out: *mut u8, nout: usize) {
    for k in 0..nout {
        T::ZERO.store(out.add(k * T::SIZE as usize));
    }
    if axes.iter().any(|a| a.n == 0) {
        return;
    }
    let it = iteration_axes(axes);
    let Some((inner, outer)) = it.split_last() else {
        // A single element.
        (T::ZERO + T::load(data)).store(out);
        return;
    };
    let inner = *inner;
    for_each_index(outer, &mut |io, oo| {
        let (p, q) = (data.offset(io), out.offset(oo));
        if inner.red {
            (T::load(q) + T::pairwise(p, inner.n, inner.is)).store(q);
        } else if inner.is == T::SIZE && inner.os == T::SIZE {
            // Both contiguous (a C array summed along its first axis): the
            // same additions with a constant stride, which LLVM vectorises.
            for j in 0..inner.n as isize {
                let q = q.offset(j * T::SIZE);
                (T::load(q) + T::load(p.offset(j * T::SIZE))).store(q);
            }
        } else {
            for j in 0..inner.n as isize {
                let q = q.offset(j * inner.os);
                (T::load(q) + T::load(p.offset(j * inner.is))).store(q);
            }
        }
    });
}

unsafe fn sum_typed<T: Elem>(
    data: *const u8,
    shape: &[i64],
    strides: &[i64],
    axis: i64,
    mean: bool,
    out: *mut u8,
) {
    let nd = shape.len();
    let mut axes = Vec::with_capacity(nd);
    let mut os = T::SIZE;
    let mut nout = 1usize;
    for d in (0..nd).rev() {
        let red = axis < 0 || axis as usize == d;
        let n = shape[d].max(0) as usize;
        axes.push(Axis {
            n,
            is: strides[d] as isize,
            os: if red { 0 } else { os },
            red,
        });
        if !red {
            os *= n as isize;
            nout *= n;
        }
    }
    axes.reverse();
    let count: usize = axes.iter().filter(|a| a.red).map(|a| a.n).product();
    if axis < 0 {
        let s: T = sum_all(data, axes);
        let s = if mean { s.div_count(count) } else { s };
        s.store(out);
    } else {
        sum_axis::<T>(data, axes, out, nout);
        if mean {
            for k in 0..nout {
                let q = out.add(k * T::SIZE as usize);
                T::load(q).div_count(count).store(q);
            }
        }
    }
}

/// `np.sum`/`np.mean` of an `ndim`-d array (`kind`: 0 float64, 1 float32,
/// 2 complex128, 3 complex64; byte strides) over every axis (`axis < 0`,
/// one value written to `out`) or along `axis` (a C-contiguous array of the
/// remaining shape written to `out`).
///
/// # Safety
/// `shape` and `strides` hold `ndim` values describing readable memory at
/// `data`; `out` has room for the result.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_sum(
    kind: i32,
    data: *const u8,
    ndim: i64,
    shape: *const i64,
    strides: *const i64,
    axis: i64,
    mean: bool,
    out: *mut u8,
) {
    let (shape, strides) = dims(ndim, shape, strides);
    match kind {
        0 => sum_typed::<f64>(data, shape, strides, axis, mean, out),
        1 => sum_typed::<f32>(data, shape, strides, axis, mean, out),
        2 => sum_typed::<C<f64>>(data, shape, strides, axis, mean, out),
        _ => sum_typed::<C<f32>>(data, shape, strides, axis, mean, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(
        x: &[f64],
        shape: &[i64],
        strides: &[i64],
        axis: i64,
        mean: bool,
        n_out: usize,
    ) -> Vec<f64> {
        let mut out = vec![f64::NAN; n_out.max(1)];
        unsafe {
            oxjit_rt_sum(
                0,
                x.as_ptr() as *const u8,
                shape.len() as i64,
                shape.as_ptr(),
                strides.as_ptr(),
                axis,
                mean,
                out.as_mut_ptr() as *mut u8,
            )
        };
        out
    }

    fn sum1(x: &[f64]) -> f64 {
        sum(x, &[x.len() as i64], &[8], -1, false, 1)[0]
    }

    #[test]
    fn numpy_value_of_29_tenths() {
        // np.sum(np.full(29, 0.1)); a sequential loop gives 2.9000000000000012.
        assert_eq!(sum1(&[0.1; 29]), 2.900000000000001);
        assert_eq!([0.1f64; 29].iter().sum::<f64>(), 2.9000000000000012);
    }

    #[test]
    fn short_runs_start_at_negative_zero_and_the_result_at_zero() {
        assert_eq!(sum1(&[]).to_bits(), 0.0f64.to_bits());
        assert_eq!(sum1(&[-0.0; 3]).to_bits(), 0.0f64.to_bits());
        let r = unsafe { f64::pairwise([-0.0f64; 3].as_ptr() as *const u8, 3, 8) };
        assert_eq!(r.to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn eight_accumulators_then_the_rest() {
        // n = 9: ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) + x8. With 1e16 in r0
        // and 1.0 in r1 the pair sum r0+r1 loses the 1.
        let x = [1e16, 1.0, 1.0, 1.0, -1e16, 0.0, 0.0, 0.0, 1.0];
        // (1e16+1) = 1e16; (1+1) = 2; -> 1e16+2; (-1e16+0)+(0+0) = -1e16; -> 2; +1 -> 3
        assert_eq!(sum1(&x), 3.0);
        // Blocks of eight accumulate per lane: lane 0 gets 1e16 then 1.0 (lost).
        let mut y = vec![0.0; 16];
        y[0] = 1e16;
        y[8] = 1.0;
        y[9] = 1.0;
        y[1] = -1e16;
        // r0 = 1e16 + 1 = 1e16, r1 = -1e16 + 1 = -1e16 + 1 (exact? no: 1e16 spacing 2)
        let r0 = 1e16 + 1.0;
        let r1 = -1e16 + 1.0;
        assert_eq!(sum1(&y), 0.0 + ((r0 + r1) + 0.0) + 0.0);
    }

    #[test]
    fn long_runs_split_at_a_multiple_of_eight() {
        // n = 200 splits into 96 + 104; put cancelling values so only the
        // split point decides the result.
        let mut x = vec![0.0; 200];
        x[95] = 1.0; // last of the left half
        x[96] = 1e16; // first of the right half
        x[104] = -1e16; // same lane of the right half, next block
                        // left = 1; right = (1e16 - 1e16) = 0 -> 1.
        assert_eq!(sum1(&x), 1.0);
        // Had the split been at 100, x[96] and x[95] would share a leaf:
        // check the model says so by moving the 1.0 across the split.
        x[95] = 0.0;
        x[97] = 1.0;
        // right half: lane1 = 1, lane0 = 1e16 + -1e16 = 0 -> 1
        assert_eq!(sum1(&x), 1.0);
    }

    #[test]
    fn complex_uses_four_accumulators() {
        // 5 complex = 10 parts: one block of four complex, then one more.
        let x = [1e16, 0.0, 1.0, 0.0, -1e16, 0.0, 1.0, 0.0, 1.0, 0.0];
        let mut out = [0.0f64; 2];
        unsafe {
            oxjit_rt_sum(
                2,
                x.as_ptr() as *const u8,
                1,
                [5i64].as_ptr(),
                [16i64].as_ptr(),
                -1,
                false,
                out.as_mut_ptr() as *mut u8,
            )
        };
        // (1e16 + 1) + (-1e16 + 1) = 1e16 - 1e16 + 1 -> ((1e16+1)+(-1e16+1)) = 0 + 1? pairs: (r0+r1)+(r2+r3)
        let re = ((1e16 + 1.0) + (-1e16 + 1.0)) + 1.0;
        assert_eq!(out[0], re);
        assert_eq!(out[1], 0.0);
    }

    #[test]
    fn complex_mean_spreads_a_nan_part_as_numpy_division_does() {
        // np.mean([nan-1j, nan+0j]): NumPy's (nan - 1j) / (2 + 0j) is nan+nanj.
        let x = [f64::NAN, -1.0, f64::NAN, 0.0];
        let mut out = [0.0f64; 2];
        unsafe {
            oxjit_rt_sum(
                2,
                x.as_ptr() as *const u8,
                1,
                [2i64].as_ptr(),
                [16i64].as_ptr(),
                -1,
                true,
                out.as_mut_ptr() as *mut u8,
            )
        };
        assert!(out[0].is_nan() && out[1].is_nan());
        // An infinite imaginary part makes the real part NaN, the other way round too.
        let x = [-1.0, f64::INFINITY];
        unsafe {
            oxjit_rt_sum(
                2,
                x.as_ptr() as *const u8,
                1,
                [1i64].as_ptr(),
                [16i64].as_ptr(),
                -1,
                true,
                out.as_mut_ptr() as *mut u8,
            )
        };
        assert!(out[0].is_nan() && out[1] == f64::INFINITY);
    }

    #[test]
    fn product_walks_memory_order() {
        // A 2x2 F-ordered array: memory holds columns [1e200, 1e200], [1e-200, 1e-200].
        // NumPy multiplies in memory order (overflowing to inf); C order would give 1.
        let x = [1e200, 1e200, 1e-200, 1e-200];
        let mut out = [0.0f64];
        unsafe {
            oxjit_rt_prod(
                0,
                x.as_ptr() as *const u8,
                2,
                [2i64, 2].as_ptr(),
                [8i64, 16].as_ptr(),
                out.as_mut_ptr() as *mut u8,
            )
        };
        assert_eq!(out[0], f64::INFINITY);
        // Empty: 1.
        unsafe {
            oxjit_rt_prod(
                0,
                x.as_ptr() as *const u8,
                1,
                [0i64].as_ptr(),
                [8i64].as_ptr(),
                out.as_mut_ptr() as *mut u8,
            )
        };
        assert_eq!(out[0], 1.0);
    }

    #[test]
    fn axis_reductions_follow_memory_order() {
        // 2 x 9 C array: along axis 1 each row is a pairwise run; along axis
        // 0 rows are added element-wise.
        let mut x = vec![0.0; 18];
        x[0] = 1e16;
        x[1] = 1.0;
        x[8] = 1.0;
        x[9] = -1e16;
        let rows = sum(&x, &[2, 9], &[72, 8], 1, false, 2);
        assert_eq!(rows, vec![((1e16 + 1.0) + 0.0) + 1.0 + 0.0, -1e16]);
        let cols = sum(&x, &[2, 9], &[72, 8], 0, false, 9);
        assert_eq!(cols[0], 0.0 + 1e16 + -1e16);
        // The same data read as a 9 x 2 F array along axis 0 is a run per column.
        let f = sum(&x, &[9, 2], &[8, 72], 0, true, 2);
        assert_eq!(f[1], -1e16 / 9.0);
    }

    #[test]
    fn whole_array_of_non_contiguous_rows_is_chunked() {
        // 100 rows of 99 out of 100 columns: chunks of 82 rows (8118 values).
        let mut x = vec![0.0; 100 * 100];
        x[81 * 100] = 1.0; // last row of chunk one
        x[82 * 100] = 1e16; // first row of chunk two
        x[83 * 100] = -1e16;
        let r = sum(&x, &[100, 99], &[800, 8], -1, false, 1)[0];
        assert_eq!(r, 1.0);
        // Within a chunk, 1.0 in the same accumulator lane as 1e16 is lost.
        x[81 * 100] = 0.0;
        x[82 * 100 + 8] = 1.0; // same lane as 1e16, one block later
        let r = sum(&x, &[100, 99], &[800, 8], -1, false, 1)[0];
        assert_eq!(r, (1e16 + 1.0) - 1e16);
    }
}
