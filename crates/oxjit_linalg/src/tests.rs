use super::*;
use core::ptr::{null, null_mut};

type C = Complex<f64>;
type C32 = Complex<f32>;

fn c(re: f64, im: f64) -> C {
    C::new(re, im)
}

/// Deterministic values in [-1, 1).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
    fn real(&mut self, len: usize) -> Vec<f64> {
        (0..len).map(|_| self.next()).collect()
    }
    fn cplx(&mut self, len: usize) -> Vec<C> {
        (0..len).map(|_| c(self.next(), self.next())).collect()
    }
}

fn to32(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}
fn to_c64(v: &[C]) -> Vec<C32> {
    v.iter()
        .map(|x| C32::new(x.re as f32, x.im as f32))
        .collect()
}

/// Row-major `a (m×k) @ b (k×n)`.
fn mm<T: Elem>(a: &[T], b: &[T], m: usize, k: usize, n: usize) -> Vec<T> {
    let mut out = vec![T::zero(); m * n];
    for i in 0..m {
        for p in 0..k {
            for j in 0..n {
                out[i * n + j] += a[i * k + p] * b[p * n + j];
            }
        }
    }
    out
}

/// Conjugate transpose of a row-major m×n matrix.
fn adj<T: Elem>(a: &[T], m: usize, n: usize) -> Vec<T> {
    let mut out = vec![T::zero(); m * n];
    for i in 0..m {
        for j in 0..n {
            out[j * m + i] = a[i * n + j].cj();
        }
    }
    out
}

fn eye<T: Elem>(n: usize) -> Vec<T> {
    let mut out = vec![T::zero(); n * n];
    for i in 0..n {
        out[i * n + i] = T::one();
    }
    out
}

fn max_diff<T: Elem>(a: &[T], b: &[T]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (x - y).modulus().into())
        .fold(0.0, f64::max)
}

#[track_caller]
fn assert_close<T: Elem>(a: &[T], b: &[T], tol: f64) {
    let d = max_diff(a, b);
    assert!(d <= tol, "max difference {d} > {tol}\n{a:?}\n{b:?}");
}

fn diag_mat<T: Elem>(s: &[T::R], rows: usize, cols: usize) -> Vec<T> {
    let mut out = vec![T::zero(); rows * cols];
    for (i, &x) in s.iter().enumerate() {
        out[i * cols + i] = T::from_real(x);
    }
    out
}

// --- solve / inv / det / slogdet -------------------------------------------

#[test]
fn solve_small_f64() {
    let a = [3.0, 1.0, 1.0, 2.0];
    let b = [9.0, 1.0, 8.0, 2.0];
    let mut x = [0.0; 4];
    let st =
        unsafe { oxjit_la_solve_f64(2, 2, a.as_ptr(), 2, 1, b.as_ptr(), 2, 1, x.as_mut_ptr()) };
    assert_eq!(st, 0);
    assert_close(&x, &[2.0, 0.0, 3.0, 1.0], 1e-14);
}

#[test]
fn solve_larger_random_all_types() {
    let n = 40;
    let k = 3;
    let mut rng = Rng(1);
    let a = rng.real(n * n);
    let b = rng.real(n * k);
    let mut x = vec![0.0; n * k];
    let st = unsafe {
        oxjit_la_solve_f64(
            n as i64,
            k as i64,
            a.as_ptr(),
            n as i64,
            1,
            b.as_ptr(),
            k as i64,
            1,
            x.as_mut_ptr(),
        )
    };
    assert_eq!(st, 0);
    assert_close(&mm(&a, &x, n, n, k), &b, 1e-11);

    let (a32, b32) = (to32(&a), to32(&b));
    let mut x32 = vec![0.0f32; n * k];
    let st = unsafe {
        oxjit_la_solve_f32(
            n as i64,
            k as i64,
            a32.as_ptr(),
            n as i64,
            1,
            b32.as_ptr(),
            k as i64,
            1,
            x32.as_mut_ptr(),
        )
    };
    assert_eq!(st, 0);
    assert_close(&mm(&a32, &x32, n, n, k), &b32, 2e-3);

    let ac = rng.cplx(n * n);
    let bc = rng.cplx(n * k);
    let mut xc = vec![C::zero(); n * k];
    let st = unsafe {
        oxjit_la_solve_c128(
            n as i64,
            k as i64,
            ac.as_ptr(),
            n as i64,
            1,
            bc.as_ptr(),
            k as i64,
            1,
            xc.as_mut_ptr(),
        )
    };
    assert_eq!(st, 0);
    assert_close(&mm(&ac, &xc, n, n, k), &bc, 1e-11);

    let (ac32, bc32) = (to_c64(&ac), to_c64(&bc));
    let mut xc32 = vec![C32::zero(); n * k];
    let st = unsafe {
        oxjit_la_solve_c64(
            n as i64,
            k as i64,
            ac32.as_ptr(),
            n as i64,
            1,
            bc32.as_ptr(),
            k as i64,
            1,
            xc32.as_mut_ptr(),
        )
    };
    assert_eq!(st, 0);
    assert_close(&mm(&ac32, &xc32, n, n, k), &bc32, 2e-3);
}

#[test]
fn inv_det_slogdet_hand_values() {
    let a = [4.0, 7.0, 2.0, 6.0];
    let mut out = [0.0; 4];
    assert_eq!(
        unsafe { oxjit_la_inv_f64(2, a.as_ptr(), 2, 1, out.as_mut_ptr()) },
        0
    );
    assert_close(&out, &[0.6, -0.7, -0.2, 0.4], 1e-15);

    let a = [1.0, 2.0, 3.0, 4.0];
    let mut d = 0.0;
    assert_eq!(unsafe { oxjit_la_det_f64(2, a.as_ptr(), 2, 1, &mut d) }, 0);
    assert!((d + 2.0).abs() < 1e-14, "{d}");
    let (mut sign, mut logdet) = (0.0, 0.0);
    assert_eq!(
        unsafe { oxjit_la_slogdet_f64(2, a.as_ptr(), 2, 1, &mut sign, &mut logdet) },
        0
    );
    assert_eq!(sign, -1.0);
    assert!((logdet - 2f64.ln()).abs() < 1e-14);

    // Permutation matrix with an odd number of swaps.
    let p = [0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0];
    assert_eq!(unsafe { oxjit_la_det_f64(3, p.as_ptr(), 3, 1, &mut d) }, 0);
    assert_eq!(d, 1.0);
    let q = [0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 2.0];
    assert_eq!(unsafe { oxjit_la_det_f64(3, q.as_ptr(), 3, 1, &mut d) }, 0);
    assert_eq!(d, -2.0);

    let a32 = [1.0f32, 2.0, 3.0, 4.0];
    let mut d32 = 0.0f32;
    assert_eq!(
        unsafe { oxjit_la_det_f32(2, a32.as_ptr(), 2, 1, &mut d32) },
        0
    );
    assert!((d32 + 2.0).abs() < 1e-6);

    // det([[i, 0], [0, 2i]]) = -2; slogdet sign is a unit complex.
    let z = [c(0.0, 1.0), c(0.0, 0.0), c(0.0, 0.0), c(0.0, 2.0)];
    let mut dz = C::zero();
    assert_eq!(
        unsafe { oxjit_la_det_c128(2, z.as_ptr(), 2, 1, &mut dz) },
        0
    );
    assert_close(&[dz], &[c(-2.0, 0.0)], 1e-15);
    let z = [c(1.0, 1.0), c(2.0, 0.0), c(0.0, 0.0), c(3.0, 0.0)];
    let mut sz = C::zero();
    let mut lz = 0.0;
    assert_eq!(
        unsafe { oxjit_la_slogdet_c128(2, z.as_ptr(), 2, 1, &mut sz, &mut lz) },
        0
    );
    let r = 0.5f64.sqrt();
    assert_close(&[sz], &[c(r, r)], 1e-15);
    assert!((lz - (3.0 * 2f64.sqrt()).ln()).abs() < 1e-14);
    let z32 = to_c64(&z);
    let mut sz32 = C32::zero();
    let mut lz32 = 0.0f32;
    assert_eq!(
        unsafe { oxjit_la_slogdet_c64(2, z32.as_ptr(), 2, 1, &mut sz32, &mut lz32) },
        0
    );
    assert!((lz32 - (3.0 * 2f32.sqrt()).ln()).abs() < 1e-6);
}

#[test]
fn det_matches_inverse_for_random() {
    let n = 30;
    let mut rng = Rng(7);
    let a = rng.real(n * n);
    let (mut d, mut sign, mut logdet) = (0.0, 0.0, 0.0);
    unsafe {
        oxjit_la_det_f64(n as i64, a.as_ptr(), n as i64, 1, &mut d);
        oxjit_la_slogdet_f64(n as i64, a.as_ptr(), n as i64, 1, &mut sign, &mut logdet);
    }
    assert!((d - sign * logdet.exp()).abs() <= 1e-12 * d.abs());
    // det(A^T) == det(A): pass the transpose through the strides.
    let mut dt = 0.0;
    unsafe { oxjit_la_det_f64(n as i64, a.as_ptr(), 1, n as i64, &mut dt) };
    assert!((d - dt).abs() <= 1e-12 * d.abs());
    // inv(A) @ A == I
    let mut ai = vec![0.0; n * n];
    assert_eq!(
        unsafe { oxjit_la_inv_f64(n as i64, a.as_ptr(), n as i64, 1, ai.as_mut_ptr()) },
        0
    );
    assert_close(&mm(&ai, &a, n, n, n), &eye(n), 1e-11);
}

#[test]
fn singular_inputs() {
    let a = [1.0, 2.0, 2.0, 4.0];
    let b = [1.0, 1.0];
    let mut x = [7.0; 2];
    unsafe {
        assert_eq!(
            oxjit_la_solve_f64(2, 1, a.as_ptr(), 2, 1, b.as_ptr(), 1, 1, x.as_mut_ptr()),
            1
        );
        let mut out = [0.0; 4];
        assert_eq!(oxjit_la_inv_f64(2, a.as_ptr(), 2, 1, out.as_mut_ptr()), 1);
        let mut d = 1.0;
        assert_eq!(oxjit_la_det_f64(2, a.as_ptr(), 2, 1, &mut d), 0);
        assert_eq!(d, 0.0);
        let (mut s, mut l) = (1.0, 0.0);
        assert_eq!(oxjit_la_slogdet_f64(2, a.as_ptr(), 2, 1, &mut s, &mut l), 0);
        assert_eq!((s, l), (0.0, f64::NEG_INFINITY));
    }
    // 24×24 with a zero column: exercises faer's blocked LU, which fills the
    // trailing matrix with NaN after the zero pivot; det must still be 0.
    let n = 24;
    let mut a = Rng(3).real(n * n);
    for i in 0..n {
        a[i * n + 5] = 0.0;
    }
    let mut d = 1.0;
    let (mut s, mut l) = (1.0, 0.0);
    let mut out = vec![0.0; n * n];
    unsafe {
        assert_eq!(
            oxjit_la_det_f64(n as i64, a.as_ptr(), n as i64, 1, &mut d),
            0
        );
        assert_eq!(
            oxjit_la_slogdet_f64(n as i64, a.as_ptr(), n as i64, 1, &mut s, &mut l),
            0
        );
        assert_eq!(
            oxjit_la_inv_f64(n as i64, a.as_ptr(), n as i64, 1, out.as_mut_ptr()),
            1
        );
    }
    assert_eq!(d, 0.0);
    assert_eq!((s, l), (0.0, f64::NEG_INFINITY));
    let z = [C::zero(); 4];
    let (mut sz, mut lz) = (C::one(), 0.0);
    unsafe { oxjit_la_slogdet_c128(2, z.as_ptr(), 2, 1, &mut sz, &mut lz) };
    assert_eq!((sz, lz), (C::zero(), f64::NEG_INFINITY));
}

#[test]
fn strided_inputs() {
    // Buffer holds M row-major; rs=1, cs=n reads M^T.
    let m = [2.0, 1.0, 0.0, 5.0, 3.0, 1.0, 1.0, 0.0, 4.0];
    let mt = [2.0, 5.0, 1.0, 1.0, 3.0, 0.0, 0.0, 1.0, 4.0];
    let b = [1.0, 2.0, 3.0];
    let (mut x1, mut x2) = ([0.0; 3], [0.0; 3]);
    unsafe {
        oxjit_la_solve_f64(3, 1, m.as_ptr(), 1, 3, b.as_ptr(), 1, 1, x1.as_mut_ptr());
        oxjit_la_solve_f64(3, 1, mt.as_ptr(), 3, 1, b.as_ptr(), 1, 1, x2.as_mut_ptr());
    }
    assert_close(&x1, &x2, 1e-15);
    // Negative row stride: rows reversed, so det flips sign (3 rows, 1 swap).
    let (mut d1, mut d2) = (0.0, 0.0);
    unsafe {
        oxjit_la_det_f64(3, m.as_ptr(), 3, 1, &mut d1);
        oxjit_la_det_f64(3, m.as_ptr().add(6), -3, 1, &mut d2);
    }
    assert!((d1 + d2).abs() < 1e-13, "{d1} {d2}");
    // Zero column stride broadcasts b into 2 identical right-hand sides.
    let mut x3 = [0.0; 6];
    unsafe { oxjit_la_solve_f64(3, 2, mt.as_ptr(), 3, 1, b.as_ptr(), 1, 0, x3.as_mut_ptr()) };
    for i in 0..3 {
        assert_eq!(x3[2 * i], x2[i]);
        assert_eq!(x3[2 * i + 1], x2[i]);
    }
}

// --- cholesky / qr ---------------------------------------------------------

#[test]
fn cholesky_real_and_complex() {
    // Upper triangle is garbage: potrf('L') never reads it.
    let a = [4.0, 999.0, 2.0, 3.0];
    let mut l = [9.0; 4];
    assert_eq!(
        unsafe { oxjit_la_cholesky_f64(2, a.as_ptr(), 2, 1, l.as_mut_ptr()) },
        0
    );
    assert_close(&l, &[2.0, 0.0, 1.0, 2f64.sqrt()], 1e-15);

    let n = 6;
    let mut rng = Rng(11);
    let g = rng.cplx(n * n);
    let mut h = mm(&g, &adj(&g, n, n), n, n, n);
    for i in 0..n {
        h[i * n + i] += c(n as f64, 0.0);
    }
    let mut l = vec![C::zero(); n * n];
    assert_eq!(
        unsafe { oxjit_la_cholesky_c128(n as i64, h.as_ptr(), n as i64, 1, l.as_mut_ptr()) },
        0
    );
    for i in 0..n {
        for j in i + 1..n {
            assert_eq!(l[i * n + j], C::zero());
        }
    }
    assert_close(&mm(&l, &adj(&l, n, n), n, n, n), &h, 1e-12);

    let h32 = to_c64(&h);
    let mut l32 = vec![C32::zero(); n * n];
    assert_eq!(
        unsafe { oxjit_la_cholesky_c64(n as i64, h32.as_ptr(), n as i64, 1, l32.as_mut_ptr()) },
        0
    );
    assert_close(&mm(&l32, &adj(&l32, n, n), n, n, n), &h32, 1e-4);

    let not_pd = [1.0, 2.0, 2.0, 1.0];
    assert_eq!(
        unsafe { oxjit_la_cholesky_f64(2, not_pd.as_ptr(), 2, 1, l.as_mut_ptr().cast()) },
        2
    );
    let nan = [f64::NAN, 0.0, 0.0, 1.0];
    let mut l = [0.0; 4];
    assert_eq!(
        unsafe { oxjit_la_cholesky_f64(2, nan.as_ptr(), 2, 1, l.as_mut_ptr()) },
        2
    );
}

#[test]
fn qr_matches_numpy_signs() {
    let a = [1.0, 2.0, 3.0, 4.0];
    let (mut q, mut r) = ([0.0; 4], [0.0; 4]);
    assert_eq!(
        unsafe { oxjit_la_qr_f64(2, 2, a.as_ptr(), 2, 1, q.as_mut_ptr(), r.as_mut_ptr()) },
        0
    );
    let (q00, q01) = (-0.316_227_766_016_837_94, -0.948_683_298_050_513_8);
    assert_close(&q, &[q00, q01, q01, -q00], 1e-15);
    assert_close(
        &r,
        &[
            -3.162_277_660_168_379_5,
            -4.427_188_724_235_731,
            0.0,
            -0.632_455_532_033_676,
        ],
        1e-14,
    );
    // The complex path (own geqr2) must agree on real-valued data.
    let ac: Vec<C> = a.iter().map(|&x| c(x, 0.0)).collect();
    let (mut qc, mut rc) = ([C::zero(); 4], [C::zero(); 4]);
    unsafe { oxjit_la_qr_c128(2, 2, ac.as_ptr(), 2, 1, qc.as_mut_ptr(), rc.as_mut_ptr()) };
    let qr: Vec<C> = q.iter().map(|&x| c(x, 0.0)).collect();
    let rr: Vec<C> = r.iter().map(|&x| c(x, 0.0)).collect();
    assert_close(&qc, &qr, 1e-15);
    assert_close(&rc, &rr, 1e-14);
}

#[test]
fn qr_complex_lapack_convention() {
    // numpy.linalg.qr([[1+1j, 2], [3, 4-1j]]) (LAPACK zgeqrf/zungqr).
    let a = [c(1.0, 1.0), c(2.0, 0.0), c(3.0, 0.0), c(4.0, -1.0)];
    let (mut q, mut r) = ([C::zero(); 4], [C::zero(); 4]);
    unsafe { oxjit_la_qr_c128(2, 2, a.as_ptr(), 2, 1, q.as_mut_ptr(), r.as_mut_ptr()) };
    let s11 = 11f64.sqrt();
    // R00 = -sign(Re a00) * ||a[:,0]|| is real, Q[:,0] = a[:,0] / R00.
    assert_close(&[r[0]], &[c(-s11, 0.0)], 1e-14);
    assert_close(
        &[q[0], q[2]],
        &[c(-1.0 / s11, -1.0 / s11), c(-3.0 / s11, 0.0)],
        1e-14,
    );
    assert_eq!(r[2], C::zero());
    assert_close(&mm(&q, &r, 2, 2, 2), &a, 1e-14);
    // R11 is real too.
    assert!(r[3].im.abs() < 1e-15, "{:?}", r[3]);
}

fn check_qr<T: Elem>(
    f: unsafe extern "C" fn(i64, i64, *const T, i64, i64, *mut T, *mut T) -> i32,
    a: &[T],
    m: usize,
    n: usize,
    tol: f64,
) {
    let k = m.min(n);
    let mut q = vec![T::zero(); m * k];
    let mut r = vec![T::zero(); k * n];
    assert_eq!(
        unsafe {
            f(
                m as i64,
                n as i64,
                a.as_ptr(),
                n as i64,
                1,
                q.as_mut_ptr(),
                r.as_mut_ptr(),
            )
        },
        0
    );
    assert_close(&mm(&q, &r, m, k, n), a, tol);
    assert_close(&mm(&adj(&q, m, k), &q, k, m, k), &eye(k), tol);
    for i in 0..k {
        for j in 0..i.min(n) {
            assert_eq!(r[i * n + j], T::zero());
        }
        if T::COMPLEX {
            assert_eq!(
                r[i * n + i].im(),
                T::R::of(0.0),
                "LAPACK gives a real R diagonal"
            );
        }
    }
}

#[test]
fn qr_reconstruct_shapes_and_types() {
    let mut rng = Rng(5);
    for (m, n) in [(5, 3), (3, 5), (4, 4), (40, 25), (1, 3)] {
        let a = rng.real(m * n);
        check_qr(oxjit_la_qr_f64, &a, m, n, 1e-13);
        check_qr(oxjit_la_qr_f32, &to32(&a), m, n, 1e-5);
        let ac = rng.cplx(m * n);
        check_qr(oxjit_la_qr_c128, &ac, m, n, 1e-13);
        check_qr(oxjit_la_qr_c64, &to_c64(&ac), m, n, 1e-5);
    }
    // Rank-deficient (zero column) input still reconstructs.
    let mut a = rng.cplx(12);
    for i in 0..4 {
        a[i * 3 + 1] = C::zero();
    }
    check_qr(oxjit_la_qr_c128, &a, 4, 3, 1e-14);
}

// --- svd / pinv / lstsq ----------------------------------------------------

type SvdFn<T> = unsafe extern "C" fn(
    i64,
    i64,
    *const T,
    i64,
    i64,
    i32,
    *mut T,
    *mut <T as Elem>::R,
    *mut T,
) -> i32;

fn check_svd<T: Elem>(f: SvdFn<T>, a: &[T], m: usize, n: usize, tol: f64) {
    let k = m.min(n);
    for full in [false, true] {
        let (uc, vr) = if full { (m, n) } else { (k, k) };
        let mut u = vec![T::zero(); m * uc];
        let mut s = vec![T::R::of(0.0); k];
        let mut vh = vec![T::zero(); vr * n];
        let st = unsafe {
            f(
                m as i64,
                n as i64,
                a.as_ptr(),
                n as i64,
                1,
                full as i32,
                u.as_mut_ptr(),
                s.as_mut_ptr(),
                vh.as_mut_ptr(),
            )
        };
        assert_eq!(st, 0);
        for w in s.windows(2) {
            assert!(w[0] >= w[1]);
        }
        let us = mm(&u, &diag_mat::<T>(&s, uc, vr), m, uc, vr);
        assert_close(&mm(&us, &vh, m, vr, n), a, tol);
        assert_close(&mm(&adj(&u, m, uc), &u, uc, m, uc), &eye(uc), tol);
        assert_close(&mm(&vh, &adj(&vh, vr, n), vr, n, vr), &eye(vr), tol);
        // compute_uv=False gives the same singular values.
        let mut s2 = vec![T::R::of(0.0); k];
        let st = unsafe {
            f(
                m as i64,
                n as i64,
                a.as_ptr(),
                n as i64,
                1,
                0,
                null_mut(),
                s2.as_mut_ptr(),
                null_mut(),
            )
        };
        assert_eq!(st, 0);
        let s_t: Vec<T> = s.iter().map(|&x| T::from_real(x)).collect();
        let s2_t: Vec<T> = s2.iter().map(|&x| T::from_real(x)).collect();
        assert_close(&s_t, &s2_t, tol);
    }
}

#[test]
fn svd_reconstruct() {
    let mut rng = Rng(9);
    for (m, n) in [(5, 3), (3, 5), (4, 4), (30, 8), (1, 1)] {
        let a = rng.real(m * n);
        check_svd(oxjit_la_svd_f64, &a, m, n, 1e-13);
        check_svd(oxjit_la_svd_f32, &to32(&a), m, n, 2e-5);
        let ac = rng.cplx(m * n);
        check_svd(oxjit_la_svd_c128, &ac, m, n, 1e-13);
        check_svd(oxjit_la_svd_c64, &to_c64(&ac), m, n, 2e-5);
    }
    // diag(3, 4) -> s = [4, 3]
    let a = [3.0, 0.0, 0.0, 4.0];
    let mut s = [0.0; 2];
    unsafe {
        oxjit_la_svd_f64(
            2,
            2,
            a.as_ptr(),
            2,
            1,
            0,
            null_mut(),
            s.as_mut_ptr(),
            null_mut(),
        )
    };
    assert_eq!(s, [4.0, 3.0]);
    let bad = [1.0, f64::INFINITY, 0.0, 1.0];
    let st = unsafe {
        oxjit_la_svd_f64(
            2,
            2,
            bad.as_ptr(),
            2,
            1,
            0,
            null_mut(),
            s.as_mut_ptr(),
            null_mut(),
        )
    };
    assert_eq!(st, 3);
}

#[test]
fn pinv_properties() {
    let mut rng = Rng(13);
    let (m, n) = (3, 5);
    let a = rng.real(m * n);
    let mut p = vec![0.0; n * m];
    assert_eq!(
        unsafe {
            oxjit_la_pinv_f64(
                m as i64,
                n as i64,
                a.as_ptr(),
                n as i64,
                1,
                1e-15,
                p.as_mut_ptr(),
            )
        },
        0
    );
    assert_close(&mm(&mm(&a, &p, m, n, m), &a, m, m, n), &a, 1e-13);
    assert_close(&mm(&mm(&p, &a, n, m, n), &p, n, n, m), &p, 1e-12);

    let ac = rng.cplx(n * m);
    let mut pc = vec![C::zero(); m * n];
    assert_eq!(
        unsafe {
            oxjit_la_pinv_c128(
                n as i64,
                m as i64,
                ac.as_ptr(),
                m as i64,
                1,
                1e-15,
                pc.as_mut_ptr(),
            )
        },
        0
    );
    assert_close(&mm(&mm(&ac, &pc, n, m, n), &ac, n, n, m), &ac, 1e-13);

    // Rank-1 matrix: pinv(x y^T) = y x^T / (|x|^2 |y|^2)
    let a = [1.0, 2.0, 2.0, 4.0];
    let mut p = [0.0; 4];
    unsafe { oxjit_la_pinv_f64(2, 2, a.as_ptr(), 2, 1, 1e-15, p.as_mut_ptr()) };
    assert_close(&p, &[0.04, 0.08, 0.08, 0.16], 1e-15);

    let nan = [f64::NAN; 4];
    assert_eq!(
        unsafe { oxjit_la_pinv_f64(2, 2, nan.as_ptr(), 2, 1, 1e-15, p.as_mut_ptr()) },
        3
    );
}

#[test]
fn lstsq_overdetermined_and_rank_deficient() {
    // NumPy's docs example: fit y = m x + c.
    let a = [0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0];
    let y = [-1.0, 0.2, 0.9, 2.1];
    let mut x = [0.0; 2];
    let mut resid = [0.0; 1];
    let mut rank = 0;
    let mut s = [0.0; 2];
    let st = unsafe {
        oxjit_la_lstsq_f64(
            4,
            2,
            1,
            a.as_ptr(),
            2,
            1,
            y.as_ptr(),
            1,
            1,
            -1.0,
            x.as_mut_ptr(),
            resid.as_mut_ptr(),
            &mut rank,
            s.as_mut_ptr(),
        )
    };
    assert_eq!(st, 0);
    assert_eq!(rank, 2);
    assert_close(&x, &[1.0, -0.95], 1e-14);
    assert!((resid[0] - 0.05).abs() < 1e-14, "{resid:?}");
    // Singular values of A: sqrt of the eigenvalues 9 +- sqrt(61) of A^T A = [[14, 6], [6, 4]].
    let (e1, e2) = (9.0 + 61f64.sqrt(), 9.0 - 61f64.sqrt());
    assert_close(&s, &[e1.sqrt(), e2.sqrt()], 1e-14);

    // Rank-deficient: minimum-norm solution, resid untouched.
    let a = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let b = [1.0, 2.0, 3.0];
    let mut resid = [-7.0];
    let st = unsafe {
        oxjit_la_lstsq_f64(
            3,
            2,
            1,
            a.as_ptr(),
            2,
            1,
            b.as_ptr(),
            1,
            1,
            -1.0,
            x.as_mut_ptr(),
            resid.as_mut_ptr(),
            &mut rank,
            s.as_mut_ptr(),
        )
    };
    assert_eq!(st, 0);
    assert_eq!(rank, 1);
    assert_close(&x, &[1.0, 1.0], 1e-14);
    assert_eq!(resid, [-7.0]);

    // Complex, two right-hand sides, compare with the normal equations.
    let (m, n, k) = (6, 3, 2);
    let mut rng = Rng(17);
    let ac = rng.cplx(m * n);
    let bc = rng.cplx(m * k);
    let mut xc = vec![C::zero(); n * k];
    let mut rc = [0.0; 2];
    let mut sc = [0.0; 3];
    let st = unsafe {
        oxjit_la_lstsq_c128(
            m as i64,
            n as i64,
            k as i64,
            ac.as_ptr(),
            n as i64,
            1,
            bc.as_ptr(),
            k as i64,
            1,
            -1.0,
            xc.as_mut_ptr(),
            rc.as_mut_ptr(),
            &mut rank,
            sc.as_mut_ptr(),
        )
    };
    assert_eq!((st, rank), (0, 3));
    let aha = mm(&adj(&ac, m, n), &ac, n, m, n);
    let ahb = mm(&adj(&ac, m, n), &bc, n, m, k);
    assert_close(&mm(&aha, &xc, n, n, k), &ahb, 1e-12);
    let r = mm(&ac, &xc, m, n, k);
    for j in 0..k {
        let want: f64 = (0..m)
            .map(|i| (bc[i * k + j] - r[i * k + j]).norm_sqr())
            .sum();
        assert!((rc[j] - want).abs() < 1e-12);
    }

    // f32 with the f32 eps default.
    let a32 = [0.0f32, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0];
    let y32 = [-1.0f32, 0.2, 0.9, 2.1];
    let mut x32 = [0.0f32; 2];
    let mut r32 = [0.0f32];
    let mut s32 = [0.0f32; 2];
    let st = unsafe {
        oxjit_la_lstsq_f32(
            4,
            2,
            1,
            a32.as_ptr(),
            2,
            1,
            y32.as_ptr(),
            1,
            1,
            -1.0,
            x32.as_mut_ptr(),
            r32.as_mut_ptr(),
            &mut rank,
            s32.as_mut_ptr(),
        )
    };
    assert_eq!((st, rank), (0, 2));
    assert_close(&x32, &[1.0, -0.95], 1e-5);

    let nan = [f64::NAN; 4];
    let st = unsafe {
        oxjit_la_lstsq_f64(
            2,
            2,
            1,
            nan.as_ptr(),
            2,
            1,
            y.as_ptr(),
            1,
            1,
            -1.0,
            x.as_mut_ptr(),
            resid.as_mut_ptr(),
            &mut rank,
            s.as_mut_ptr(),
        )
    };
    assert_eq!(st, 5);
}

// --- eig / eigh ------------------------------------------------------------

fn check_eig<T: Elem>(a: &[T], n: usize, w: &[T], v: &[T], tol: f64) {
    let av = mm(a, v, n, n, n);
    let mut vw = v.to_vec();
    for i in 0..n {
        for j in 0..n {
            vw[i * n + j] = v[i * n + j] * w[j];
        }
    }
    assert_close(&av, &vw, tol);
    for j in 0..n {
        let norm: f64 = (0..n).map(|i| Into::<f64>::into(v[i * n + j].abs2())).sum();
        assert!((norm - 1.0).abs() < tol, "column {j} has norm^2 {norm}");
    }
}

#[test]
fn eig_real_and_complex() {
    // Triangular: eigenvalues on the diagonal.
    let a = [2.0, 1.0, 0.0, 3.0];
    let mut w = [0.0; 2];
    let mut v = [0.0; 4];
    assert_eq!(
        unsafe { oxjit_la_eig_f64(2, a.as_ptr(), 2, 1, w.as_mut_ptr(), v.as_mut_ptr()) },
        0
    );
    let mut sorted = w;
    sorted.sort_by(f64::total_cmp);
    assert_close(&sorted, &[2.0, 3.0], 1e-14);
    check_eig(&a, 2, &w, &v, 1e-14);

    let n = 12;
    let mut rng = Rng(21);
    let g = rng.real(n * n);
    let sym = mm(&g, &adj(&g, n, n), n, n, n); // real spectrum
    let mut w = vec![0.0; n];
    let mut v = vec![0.0; n * n];
    assert_eq!(
        unsafe {
            oxjit_la_eig_f64(
                n as i64,
                sym.as_ptr(),
                n as i64,
                1,
                w.as_mut_ptr(),
                v.as_mut_ptr(),
            )
        },
        0
    );
    check_eig(&sym, n, &w, &v, 1e-12);
    let sym32 = to32(&sym);
    let mut w32 = vec![0.0f32; n];
    let mut v32 = vec![0.0f32; n * n];
    assert_eq!(
        unsafe {
            oxjit_la_eig_f32(
                n as i64,
                sym32.as_ptr(),
                n as i64,
                1,
                w32.as_mut_ptr(),
                v32.as_mut_ptr(),
            )
        },
        0
    );
    check_eig(&sym32, n, &w32, &v32, 1e-4);
    // eigvals only
    let mut w2 = vec![0.0; n];
    assert_eq!(
        unsafe {
            oxjit_la_eig_f64(
                n as i64,
                sym.as_ptr(),
                n as i64,
                1,
                w2.as_mut_ptr(),
                null_mut(),
            )
        },
        0
    );
    let (mut x, mut y) = (w.clone(), w2.clone());
    x.sort_by(f64::total_cmp);
    y.sort_by(f64::total_cmp);
    assert_close(&x, &y, 1e-11);

    // Rotation: complex eigenvalues in a real matrix.
    let rot = [0.0, -1.0, 1.0, 0.0];
    let mut w = [0.0; 2];
    assert_eq!(
        unsafe { oxjit_la_eig_f64(2, rot.as_ptr(), 2, 1, w.as_mut_ptr(), null_mut()) },
        6
    );
    let rot32 = [0.0f32, -1.0, 1.0, 0.0];
    let mut w32 = [0.0f32; 2];
    assert_eq!(
        unsafe { oxjit_la_eig_f32(2, rot32.as_ptr(), 2, 1, w32.as_mut_ptr(), null_mut()) },
        6
    );
    // ... which the complex variant handles: eigenvalues +-i.
    let rotc: Vec<C> = rot.iter().map(|&x| c(x, 0.0)).collect();
    let mut wc = [C::zero(); 2];
    let mut vc = [C::zero(); 4];
    assert_eq!(
        unsafe { oxjit_la_eig_c128(2, rotc.as_ptr(), 2, 1, wc.as_mut_ptr(), vc.as_mut_ptr()) },
        0
    );
    let mut ims = [wc[0].im, wc[1].im];
    ims.sort_by(f64::total_cmp);
    assert_close(&ims, &[-1.0, 1.0], 1e-15);
    check_eig(&rotc, 2, &wc, &vc, 1e-15);

    let ac = rng.cplx(n * n);
    let mut wc = vec![C::zero(); n];
    let mut vc = vec![C::zero(); n * n];
    assert_eq!(
        unsafe {
            oxjit_la_eig_c128(
                n as i64,
                ac.as_ptr(),
                n as i64,
                1,
                wc.as_mut_ptr(),
                vc.as_mut_ptr(),
            )
        },
        0
    );
    check_eig(&ac, n, &wc, &vc, 1e-12);
    // zgeev normalisation: the largest component of each vector is real.
    for j in 0..n {
        let best = (0..n)
            .max_by(|&p, &q| {
                vc[p * n + j]
                    .norm_sqr()
                    .total_cmp(&vc[q * n + j].norm_sqr())
            })
            .unwrap();
        assert_eq!(vc[best * n + j].im, 0.0);
    }
    let ac32 = to_c64(&ac);
    let mut wc32 = vec![C32::zero(); n];
    let mut vc32 = vec![C32::zero(); n * n];
    assert_eq!(
        unsafe {
            oxjit_la_eig_c64(
                n as i64,
                ac32.as_ptr(),
                n as i64,
                1,
                wc32.as_mut_ptr(),
                vc32.as_mut_ptr(),
            )
        },
        0
    );
    check_eig(&ac32, n, &wc32, &vc32, 1e-4);

    let nan = [1.0, f64::NAN, 0.0, 1.0];
    assert_eq!(
        unsafe { oxjit_la_eig_f64(2, nan.as_ptr(), 2, 1, w.as_mut_ptr(), null_mut()) },
        4
    );
}

#[test]
fn eigh_triangles_and_types() {
    // [[2, 1], [1, 2]] -> 1, 3. The unread triangle holds garbage.
    let lower = [2.0, 99.0, 1.0, 2.0];
    let upper = [2.0, 1.0, -99.0, 2.0];
    let full = [2.0, 1.0, 1.0, 2.0];
    for (a, lo) in [(lower, 1), (upper, 0)] {
        let mut w = [0.0; 2];
        let mut v = [0.0; 4];
        assert_eq!(
            unsafe { oxjit_la_eigh_f64(2, a.as_ptr(), 2, 1, lo, w.as_mut_ptr(), v.as_mut_ptr()) },
            0
        );
        assert_close(&w, &[1.0, 3.0], 1e-15);
        check_eig(&full, 2, &w, &v, 1e-15);
    }

    let n = 20;
    let mut rng = Rng(23);
    let g = rng.cplx(n * n);
    let h = mm(&g, &adj(&g, n, n), n, n, n);
    let mut w = vec![0.0; n];
    let mut v = vec![C::zero(); n * n];
    for lo in [0, 1] {
        assert_eq!(
            unsafe {
                oxjit_la_eigh_c128(
                    n as i64,
                    h.as_ptr(),
                    n as i64,
                    1,
                    lo,
                    w.as_mut_ptr(),
                    v.as_mut_ptr(),
                )
            },
            0
        );
        for p in w.windows(2) {
            assert!(p[0] <= p[1]);
        }
        let wc: Vec<C> = w.iter().map(|&x| c(x, 0.0)).collect();
        check_eig(&h, n, &wc, &v, 1e-12);
        assert_close(&mm(&adj(&v, n, n), &v, n, n, n), &eye(n), 1e-13);
    }
    let mut w2 = vec![0.0; n];
    assert_eq!(
        unsafe {
            oxjit_la_eigh_c128(
                n as i64,
                h.as_ptr(),
                n as i64,
                1,
                1,
                w2.as_mut_ptr(),
                null_mut(),
            )
        },
        0
    );
    let (wt, w2t): (Vec<C>, Vec<C>) = (
        w.iter().map(|&x| c(x, 0.0)).collect(),
        w2.iter().map(|&x| c(x, 0.0)).collect(),
    );
    assert_close(&wt, &w2t, 1e-12);

    let h32 = to_c64(&h);
    let mut w32 = vec![0.0f32; n];
    let mut v32 = vec![C32::zero(); n * n];
    assert_eq!(
        unsafe {
            oxjit_la_eigh_c64(
                n as i64,
                h32.as_ptr(),
                n as i64,
                1,
                1,
                w32.as_mut_ptr(),
                v32.as_mut_ptr(),
            )
        },
        0
    );
    let wc32: Vec<C32> = w32.iter().map(|&x| C32::new(x, 0.0)).collect();
    check_eig(&h32, n, &wc32, &v32, 2e-4);

    let gr = rng.real(n * n);
    let s = mm(&gr, &adj(&gr, n, n), n, n, n);
    let s32 = to32(&s);
    let mut w32 = vec![0.0f32; n];
    let mut v32 = vec![0.0f32; n * n];
    assert_eq!(
        unsafe {
            oxjit_la_eigh_f32(
                n as i64,
                s32.as_ptr(),
                n as i64,
                1,
                0,
                w32.as_mut_ptr(),
                v32.as_mut_ptr(),
            )
        },
        0
    );
    check_eig(&s32, n, &w32, &v32, 1e-4);

    // NaN only in the triangle that is not read is ignored; in the read one it is an error.
    let a = [1.0, f64::NAN, 0.0, 1.0];
    let mut w = [0.0; 2];
    assert_eq!(
        unsafe { oxjit_la_eigh_f64(2, a.as_ptr(), 2, 1, 1, w.as_mut_ptr(), null_mut()) },
        0
    );
    assert_eq!(
        unsafe { oxjit_la_eigh_f64(2, a.as_ptr(), 2, 1, 0, w.as_mut_ptr(), null_mut()) },
        4
    );
}

// --- matrix_power ----------------------------------------------------------

#[test]
fn matpow_all_types() {
    let fib = [1.0, 1.0, 1.0, 0.0];
    let mut out = [0.0; 4];
    unsafe {
        assert_eq!(
            oxjit_la_matpow_f64(2, fib.as_ptr(), 2, 1, 10, out.as_mut_ptr()),
            0
        );
        assert_eq!(out, [89.0, 55.0, 55.0, 34.0]);
        assert_eq!(
            oxjit_la_matpow_f64(2, fib.as_ptr(), 2, 1, 0, out.as_mut_ptr()),
            0
        );
        assert_eq!(out, [1.0, 0.0, 0.0, 1.0]);
        assert_eq!(
            oxjit_la_matpow_f64(2, fib.as_ptr(), 2, 1, 3, out.as_mut_ptr()),
            0
        );
        assert_eq!(out, [3.0, 2.0, 2.0, 1.0]);
        // fib^-2 = inv(fib)^2 = [[0, 1], [1, -1]]^2 = [[1, -1], [-1, 2]]
        assert_eq!(
            oxjit_la_matpow_f64(2, fib.as_ptr(), 2, 1, -2, out.as_mut_ptr()),
            0
        );
        assert_close(&out, &[1.0, -1.0, -1.0, 2.0], 1e-15);
        let sing = [1.0, 2.0, 2.0, 4.0];
        assert_eq!(
            oxjit_la_matpow_f64(2, sing.as_ptr(), 2, 1, -1, out.as_mut_ptr()),
            1
        );
        let mut o32 = [0.0f32; 4];
        assert_eq!(
            oxjit_la_matpow_f32(2, to32(&fib).as_ptr(), 2, 1, 7, o32.as_mut_ptr()),
            0
        );
        assert_eq!(o32, [21.0, 13.0, 13.0, 8.0]);
    }
    // Complex: i*I to the 5th is i*I; to the -1 is -i*I.
    let z = [c(0.0, 1.0), C::zero(), C::zero(), c(0.0, 1.0)];
    let mut oz = [C::zero(); 4];
    unsafe { oxjit_la_matpow_c128(2, z.as_ptr(), 2, 1, 5, oz.as_mut_ptr()) };
    assert_close(&oz, &z, 1e-15);
    unsafe { oxjit_la_matpow_c128(2, z.as_ptr(), 2, 1, -1, oz.as_mut_ptr()) };
    assert_close(
        &oz,
        &[c(0.0, -1.0), C::zero(), C::zero(), c(0.0, -1.0)],
        1e-15,
    );
    let z32 = to_c64(&z);
    let mut oz32 = [C32::zero(); 4];
    unsafe { oxjit_la_matpow_c64(2, z32.as_ptr(), 2, 1, 6, oz32.as_mut_ptr()) };
    assert_close(
        &oz32,
        &[
            C32::new(-1.0, 0.0),
            C32::zero(),
            C32::zero(),
            C32::new(-1.0, 0.0),
        ],
        1e-6,
    );

    // Random matrix: power by squaring equals repeated multiplication.
    let n = 5;
    let a = Rng(29).real(n * n);
    let mut naive = eye::<f64>(n);
    for _ in 0..13 {
        naive = mm(&naive, &a, n, n, n);
    }
    let mut out = vec![0.0; n * n];
    unsafe { oxjit_la_matpow_f64(n as i64, a.as_ptr(), n as i64, 1, 13, out.as_mut_ptr()) };
    assert_close(&out, &naive, 1e-12);
}

#[test]
fn matpow_i64_wraps() {
    let fib = [1i64, 1, 1, 0];
    let mut out = [0i64; 4];
    unsafe {
        assert_eq!(
            oxjit_la_matpow_i64(2, fib.as_ptr(), 2, 1, 10, out.as_mut_ptr()),
            0
        );
        assert_eq!(out, [89, 55, 55, 34]);
        assert_eq!(
            oxjit_la_matpow_i64(2, fib.as_ptr(), 2, 1, 0, out.as_mut_ptr()),
            0
        );
        assert_eq!(out, [1, 0, 0, 1]);
        assert_eq!(
            oxjit_la_matpow_i64(2, fib.as_ptr(), 2, 1, -1, out.as_mut_ptr()),
            1
        );
        // Transposed view of [[2, 0], [1, 3]] via strides.
        let t = [2i64, 0, 1, 3];
        assert_eq!(
            oxjit_la_matpow_i64(2, t.as_ptr(), 1, 2, 2, out.as_mut_ptr()),
            0
        );
        assert_eq!(out, [4, 5, 0, 9]);
    }
    // fib^200 overflows; compare with naive wrapping multiplication.
    let mut naive = [1i64, 0, 0, 1];
    for _ in 0..200 {
        let n2 = mm_i64(&naive, &fib, 2, 2, 2);
        naive.copy_from_slice(&n2);
    }
    unsafe { oxjit_la_matpow_i64(2, fib.as_ptr(), 2, 1, 200, out.as_mut_ptr()) };
    assert_eq!(out, naive);
}

fn mm_i64(a: &[i64], b: &[i64], m: usize, k: usize, n: usize) -> Vec<i64> {
    let mut out = vec![0i64; m * n];
    for i in 0..m {
        for j in 0..n {
            for p in 0..k {
                out[i * n + j] =
                    out[i * n + j].wrapping_add(a[i * k + p].wrapping_mul(b[p * n + j]));
            }
        }
    }
    out
}

// --- gemm ------------------------------------------------------------------

#[test]
fn gemm_complex_and_i64() {
    let (m, k, n) = (7, 5, 6);
    let mut rng = Rng(31);
    let a = rng.cplx(m * k);
    let b = rng.cplx(k * n);
    let want = mm(&a, &b, m, k, n);
    let mut cbuf = vec![c(9.0, 9.0); m * n];
    unsafe {
        oxjit_la_gemm_c128(
            m as i64,
            k as i64,
            n as i64,
            a.as_ptr(),
            k as i64,
            1,
            b.as_ptr(),
            n as i64,
            1,
            cbuf.as_mut_ptr(),
            n as i64,
            1,
        )
    };
    assert_close(&cbuf, &want, 1e-14);
    // Column-major output and transposed A (buffer holds A^T, read with rs=1, cs=m).
    let at = adj(&a.iter().map(|x| x.conj()).collect::<Vec<_>>(), m, k); // plain transpose
    let mut ccol = vec![C::zero(); m * n];
    unsafe {
        oxjit_la_gemm_c128(
            m as i64,
            k as i64,
            n as i64,
            at.as_ptr(),
            1,
            m as i64,
            b.as_ptr(),
            n as i64,
            1,
            ccol.as_mut_ptr(),
            1,
            m as i64,
        )
    };
    let back: Vec<C> = (0..m * n)
        .map(|idx| ccol[(idx % n) * m + idx / n])
        .collect();
    assert_close(&back, &want, 1e-14);
    // Rows of A reversed (negative stride) and B's rows broadcast (stride 0).
    let mut crev = vec![C::zero(); m * n];
    unsafe {
        oxjit_la_gemm_c128(
            m as i64,
            k as i64,
            n as i64,
            a.as_ptr().add((m - 1) * k),
            -(k as i64),
            1,
            b.as_ptr(),
            0,
            1,
            crev.as_mut_ptr(),
            n as i64,
            1,
        )
    };
    let arev: Vec<C> = (0..m * k)
        .map(|idx| a[(m - 1 - idx / k) * k + idx % k])
        .collect();
    let bbc: Vec<C> = (0..k * n).map(|idx| b[idx % n]).collect();
    assert_close(&crev, &mm(&arev, &bbc, m, k, n), 1e-14);
    // k == 0 still overwrites C with zeros.
    unsafe {
        oxjit_la_gemm_c128(
            m as i64,
            0,
            n as i64,
            null(),
            0,
            0,
            null(),
            0,
            0,
            cbuf.as_mut_ptr(),
            n as i64,
            1,
        )
    };
    assert!(cbuf.iter().all(|&x| x == C::zero()));

    let (a32, b32) = (to_c64(&a), to_c64(&b));
    let mut c32 = vec![C32::zero(); m * n];
    unsafe {
        oxjit_la_gemm_c64(
            m as i64,
            k as i64,
            n as i64,
            a32.as_ptr(),
            k as i64,
            1,
            b32.as_ptr(),
            n as i64,
            1,
            c32.as_mut_ptr(),
            n as i64,
            1,
        )
    };
    assert_close(&c32, &mm(&a32, &b32, m, k, n), 1e-5);

    let ai: Vec<i64> = (0..m * k).map(|i| (i as i64 * 7919) << 40).collect();
    let bi: Vec<i64> = (0..k * n).map(|i| i as i64 * 104729 - 3).collect();
    let mut ci = vec![5i64; m * n];
    unsafe {
        oxjit_la_gemm_i64(
            m as i64,
            k as i64,
            n as i64,
            ai.as_ptr(),
            k as i64,
            1,
            bi.as_ptr(),
            n as i64,
            1,
            ci.as_mut_ptr(),
            n as i64,
            1,
        )
    };
    assert_eq!(ci, mm_i64(&ai, &bi, m, k, n));
    // Broadcast B rows (rsb = 0) and column-major C.
    let mut ci2 = vec![0i64; m * n];
    unsafe {
        oxjit_la_gemm_i64(
            m as i64,
            k as i64,
            n as i64,
            ai.as_ptr(),
            k as i64,
            1,
            bi.as_ptr(),
            0,
            1,
            ci2.as_mut_ptr(),
            1,
            m as i64,
        )
    };
    let bb: Vec<i64> = (0..k * n).map(|i| bi[i % n]).collect();
    let want = mm_i64(&ai, &bb, m, k, n);
    for i in 0..m {
        for j in 0..n {
            assert_eq!(ci2[j * m + i], want[i * n + j]);
        }
    }
}

// --- empty inputs and the symbol table -------------------------------------

#[test]
fn empty_inputs() {
    let dangling = core::ptr::NonNull::<f64>::dangling().as_ptr();
    unsafe {
        assert_eq!(
            oxjit_la_solve_f64(0, 3, dangling, 0, 1, dangling, 3, 1, dangling),
            0
        );
        assert_eq!(
            oxjit_la_solve_f64(3, 0, [1.0; 9].as_ptr(), 3, 1, dangling, 0, 1, dangling),
            0
        );
        assert_eq!(oxjit_la_inv_f64(0, dangling, 0, 1, dangling), 0);
        let mut d = 0.0;
        assert_eq!(oxjit_la_det_f64(0, dangling, 0, 1, &mut d), 0);
        assert_eq!(d, 1.0);
        let (mut s, mut l) = (0.0, 1.0);
        assert_eq!(oxjit_la_slogdet_f64(0, dangling, 0, 1, &mut s, &mut l), 0);
        assert_eq!((s, l), (1.0, 0.0));
        let mut dz = C::zero();
        assert_eq!(oxjit_la_det_c128(0, null(), 0, 1, &mut dz), 0);
        assert_eq!(dz, C::one());
        assert_eq!(oxjit_la_cholesky_f64(0, dangling, 0, 1, dangling), 0);
        assert_eq!(oxjit_la_qr_f64(0, 3, dangling, 3, 1, dangling, dangling), 0);
        assert_eq!(oxjit_la_eig_f64(0, dangling, 0, 1, dangling, dangling), 0);
        assert_eq!(
            oxjit_la_eigh_f64(0, dangling, 0, 1, 1, dangling, dangling),
            0
        );
        assert_eq!(oxjit_la_pinv_f64(0, 3, dangling, 3, 1, 1e-15, dangling), 0);
        assert_eq!(oxjit_la_matpow_f64(0, dangling, 0, 1, -3, dangling), 0);
        assert_eq!(oxjit_la_matpow_i64(0, null(), 0, 1, 3, null_mut()), 0);
        // Full SVD of a 0×3 matrix: u is 0×0, vh is the 3×3 identity.
        let mut vh = [9.0; 9];
        assert_eq!(
            oxjit_la_svd_f64(0, 3, dangling, 3, 1, 1, dangling, dangling, vh.as_mut_ptr()),
            0
        );
        assert_eq!(vh, [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(
            oxjit_la_svd_f64(0, 0, dangling, 0, 1, 0, dangling, dangling, dangling),
            0
        );
        // lstsq with n == 0: rank 0 == n, so resid = |b|^2 per column.
        let b = [1.0, 2.0, 2.0];
        let mut resid = [0.0];
        let mut rank = -1;
        assert_eq!(
            oxjit_la_lstsq_f64(
                3,
                0,
                1,
                dangling,
                0,
                1,
                b.as_ptr(),
                1,
                1,
                -1.0,
                dangling,
                resid.as_mut_ptr(),
                &mut rank,
                dangling
            ),
            0
        );
        assert_eq!((rank, resid[0]), (0, 9.0));
    }
}

#[test]
fn symbol_table_is_complete() {
    let syms = abi();
    assert_eq!(syms.len(), 4 * 12 + 2 + 2 + 2);
    let mut names: Vec<&str> = syms.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), syms.len());
    for ty in ["f64", "f32", "c128", "c64"] {
        for f in [
            "solve", "inv", "det", "slogdet", "cholesky", "qr", "svd", "eig", "eigh", "lstsq",
            "pinv", "matpow",
        ] {
            let name = format!("oxjit_la_{f}_{ty}");
            assert!(names.contains(&name.as_str()), "{name} missing");
        }
    }
    for name in [
        "oxjit_la_gemm_c128",
        "oxjit_la_gemm_c64",
        "oxjit_la_gemm_i64",
        "oxjit_la_matpow_i64",
        "oxjit_la_eigc_f64",
        "oxjit_la_eigc_f32",
    ] {
        assert!(names.contains(&name));
    }
    assert!(syms.iter().all(|s| s.addr != 0));
    // The LLVM signatures lowering declares come from the Rust signatures.
    let decl = |n: &str| syms.iter().find(|s| s.name == n).unwrap().declaration();
    assert_eq!(
        decl("oxjit_la_svd_f32"),
        "declare i32 @oxjit_la_svd_f32(i64, i64, ptr, i64, i64, i32, ptr, ptr, ptr)"
    );
    assert_eq!(
        decl("oxjit_la_lstsq_c128"),
        "declare i32 @oxjit_la_lstsq_c128(i64, i64, i64, ptr, i64, i64, ptr, i64, i64, double, ptr, ptr, ptr, ptr)"
    );
}

#[test]
fn eig_of_real_matrices_into_complex_results() {
    // NumPy 2.5's eig of real input: complex eigenvalues and vectors, conjugate
    // pairs unpacked from LAPACK's two-column layout, each vector at unit
    // norm with its largest component real.
    let n = 9;
    let mut rng = Rng(5);
    let a = rng.real(n * n); // a random real matrix: complex pairs and real eigenvalues
    let ac: Vec<C> = a.iter().map(|&x| c(x, 0.0)).collect();
    let mut w = vec![c(0.0, 0.0); n];
    let mut v = vec![c(0.0, 0.0); n * n];
    let st = unsafe {
        oxjit_la_eigc_f64(
            n as i64,
            a.as_ptr(),
            n as i64,
            1,
            w.as_mut_ptr(),
            v.as_mut_ptr(),
        )
    };
    assert_eq!(st, 0);
    assert!(w.iter().any(|x| x.im != 0.0) && w.iter().any(|x| x.im == 0.0));
    check_eig(&ac, n, &w, &v, 1e-12);
    for j in 0..n {
        let mut k = 0;
        for i in 1..n {
            if v[i * n + j].abs2() > v[k * n + j].abs2() {
                k = i;
            }
        }
        assert_eq!(
            v[k * n + j].im,
            0.0,
            "column {j}: its largest component is real"
        );
    }
    // The same eigenvalues as the real routine's real parts, in its order.
    let mut wr = vec![0.0; n];
    unsafe {
        oxjit_la_eig_f64(
            n as i64,
            a.as_ptr(),
            n as i64,
            1,
            wr.as_mut_ptr(),
            null_mut(),
        )
    };
    assert_close(&w.iter().map(|x| x.re).collect::<Vec<_>>(), &wr, 1e-12);
    // float32, and eigenvalues only
    let a32 = to32(&a);
    let mut w32 = vec![C32::new(0.0, 0.0); n];
    let st = unsafe {
        oxjit_la_eigc_f32(
            n as i64,
            a32.as_ptr(),
            n as i64,
            1,
            w32.as_mut_ptr(),
            null_mut(),
        )
    };
    assert_eq!(st, 0);
    for (x, y) in w32.iter().zip(&w) {
        assert!(
            (x.re as f64 - y.re).abs() < 1e-4 && ((x.im as f64).abs() - y.im.abs()).abs() < 1e-4
        );
    }
    // Non-finite input
    let bad = [f64::NAN, 0.0, 0.0, 1.0];
    let mut w2 = [c(0.0, 0.0); 2];
    assert_eq!(
        unsafe { oxjit_la_eigc_f64(2, bad.as_ptr(), 2, 1, w2.as_mut_ptr(), null_mut()) },
        STATUS_EIG_NO_CONVERGENCE
    );
}
