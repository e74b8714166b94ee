//! `np.linalg` for compiled code, as `extern "C"` functions built on faer.
//!
//! ABI shared by every entry point: dimensions and strides are `i64`, strides
//! count elements (any sign, 0 broadcasts), input element `(i, j)` lives at
//! `ptr + i*rs + j*cs` and is never written. Outputs are caller-allocated,
//! C-contiguous and always written completely. Each routine exists for `f64`,
//! `f32`, `c128` and `c64`; "real" means the component type. The `i32`
//! result is one of the `STATUS_*` codes below; the caller turns non-zero
//! codes into NumPy's `LinAlgError` messages.

use faer::complex::Complex;
use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self, ComputeEigenvectors, EvdError};
use faer::linalg::lu::partial_pivoting::{factor as lu_factor, solve as lu_solve};
use faer::linalg::svd::{self, ComputeSvdVectors};
use faer::perm::PermRef;
use faer::traits::{ComplexField, RealField};
use faer::{Accum, Col, ColRef, Mat, MatMut, MatRef, Par};
use oxjit_runtime::abi_table;

pub const STATUS_OK: i32 = 0;
pub const STATUS_SINGULAR: i32 = 1;
pub const STATUS_NOT_POSITIVE_DEFINITE: i32 = 2;
pub const STATUS_SVD_NO_CONVERGENCE: i32 = 3;
pub const STATUS_EIG_NO_CONVERGENCE: i32 = 4;
pub const STATUS_LSTSQ_NO_CONVERGENCE: i32 = 5;
pub const STATUS_COMPLEX_EIGENVALUES: i32 = 6;

// ---------------------------------------------------------------------------
// Scalar traits
// ---------------------------------------------------------------------------

/// The component type of an element: `f32` or `f64`.
trait Real: RealField + Copy + PartialOrd + Into<f64> {
    const EPS: Self;
    fn of(x: f64) -> Self;
    fn ln(self) -> Self;
    fn hypot(self, other: Self) -> Self;
}

macro_rules! impl_real {
    ($t:ty) => {
        impl Real for $t {
            const EPS: Self = <$t>::EPSILON;
            fn of(x: f64) -> Self {
                x as $t
            }
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            fn hypot(self, other: Self) -> Self {
                <$t>::hypot(self, other)
            }
        }
    };
}
impl_real!(f32);
impl_real!(f64);

/// An element type of the ABI. Everything type-specific lives here so the
/// algorithms below can be written once.
trait Elem: ComplexField<Real = Self::R> + Copy + 'static {
    type R: Real;
    const COMPLEX: bool;
    fn from_parts(re: Self::R, im: Self::R) -> Self;
    fn re(self) -> Self::R;
    fn im(self) -> Self::R;
    /// `|x|` (not faer's `abs1`, which is `|re| + |im|` for complex).
    fn modulus(self) -> Self::R;
    fn finite(self) -> bool;
    /// General eigendecomposition; returns eigenvalues and whether they are
    /// all real (faer has separate entry points for real and complex input).
    fn eig_raw(
        a: MatRef<'_, Self>,
        v: Option<MatMut<'_, Self>>,
    ) -> Result<(Vec<Self>, bool), EvdError>;

    fn zero() -> Self {
        Self::from_real(Self::R::of(0.0))
    }
    fn one() -> Self {
        Self::from_real(Self::R::of(1.0))
    }
    fn from_real(x: Self::R) -> Self {
        Self::from_parts(x, Self::R::of(0.0))
    }
    fn cj(self) -> Self {
        Self::from_parts(self.re(), -self.im())
    }
    fn abs2(self) -> Self::R {
        self.re() * self.re() + self.im() * self.im()
    }
    fn scale(self, r: Self::R) -> Self {
        Self::from_parts(self.re() * r, self.im() * r)
    }
}

fn eig_scratch<T: ComplexField>(n: usize, want_v: bool) -> MemBuffer {
    let v = if want_v {
        ComputeEigenvectors::Yes
    } else {
        ComputeEigenvectors::No
    };
    MemBuffer::new(evd::evd_scratch::<T>(
        n,
        ComputeEigenvectors::No,
        v,
        Par::Seq,
        Default::default(),
    ))
}

macro_rules! impl_real_elem {
    ($t:ty) => {
        impl Elem for $t {
            type R = $t;
            const COMPLEX: bool = false;
            fn from_parts(re: $t, _im: $t) -> Self {
                re
            }
            fn re(self) -> $t {
                self
            }
            fn im(self) -> $t {
                0.0
            }
            fn modulus(self) -> $t {
                self.abs()
            }
            fn finite(self) -> bool {
                self.is_finite()
            }
            fn eig_raw(
                a: MatRef<'_, Self>,
                v: Option<MatMut<'_, Self>>,
            ) -> Result<(Vec<Self>, bool), EvdError> {
                let n = a.nrows();
                let mut s_re = Diag::<$t>::zeros(n);
                let mut s_im = Diag::<$t>::zeros(n);
                let mut mem = eig_scratch::<$t>(n, v.is_some());
                evd::evd_real(
                    a,
                    s_re.as_mut(),
                    s_im.as_mut(),
                    None,
                    v,
                    Par::Seq,
                    MemStack::new(&mut mem),
                    Default::default(),
                )?;
                let all_real = s_im.column_vector().iter().all(|&x| x == 0.0);
                Ok((s_re.column_vector().iter().copied().collect(), all_real))
            }
        }
    };
}
impl_real_elem!(f32);
impl_real_elem!(f64);

macro_rules! impl_complex_elem {
    ($r:ty) => {
        impl Elem for Complex<$r> {
            type R = $r;
            const COMPLEX: bool = true;
            fn from_parts(re: $r, im: $r) -> Self {
                Complex::new(re, im)
            }
            fn re(self) -> $r {
                self.re
            }
            fn im(self) -> $r {
                self.im
            }
            fn modulus(self) -> $r {
                self.re.hypot(self.im)
            }
            fn finite(self) -> bool {
                self.re.is_finite() && self.im.is_finite()
            }
            fn eig_raw(
                a: MatRef<'_, Self>,
                v: Option<MatMut<'_, Self>>,
            ) -> Result<(Vec<Self>, bool), EvdError> {
                let n = a.nrows();
                let mut s = Diag::<Self>::zeros(n);
                let mut mem = eig_scratch::<Self>(n, v.is_some());
                evd::evd_cplx(
                    a,
                    s.as_mut(),
                    None,
                    v,
                    Par::Seq,
                    MemStack::new(&mut mem),
                    Default::default(),
                )?;
                Ok((s.column_vector().iter().copied().collect(), true))
            }
        }
    };
}
impl_complex_elem!(f32);
impl_complex_elem!(f64);

// ---------------------------------------------------------------------------
// Marshalling between the strided ABI and faer matrices
// ---------------------------------------------------------------------------

/// Copies a strided input matrix into an owned, column-major faer matrix.
///
/// # Safety
/// Every element `(i, j)` with `i < m`, `j < n` must be readable.
unsafe fn read<T: Elem>(p: *const T, m: usize, n: usize, rs: i64, cs: i64) -> Mat<T> {
    Mat::from_fn(m, n, |i, j| {
        *p.offset(i as isize * rs as isize + j as isize * cs as isize)
    })
}

/// Writes `src` into a C-contiguous buffer of exactly its shape.
///
/// # Safety
/// `out` must be valid for `nrows * ncols` writes (it may dangle when empty).
unsafe fn write<T: Elem>(out: *mut T, src: MatRef<'_, T>) {
    let n = src.ncols();
    for i in 0..src.nrows() {
        for j in 0..n {
            *out.add(i * n + j) = src[(i, j)];
        }
    }
}

/// Writes the conjugate transpose of `src` (how `Vh` is returned from `V`).
unsafe fn write_adjoint<T: Elem>(out: *mut T, src: MatRef<'_, T>) {
    let n = src.nrows();
    for i in 0..src.ncols() {
        for j in 0..n {
            *out.add(i * n + j) = src[(j, i)].cj();
        }
    }
}

unsafe fn fill<T: Copy>(out: *mut T, len: usize, value: T) {
    for i in 0..len {
        *out.add(i) = value;
    }
}

unsafe fn all_finite<T: Elem>(p: *const T, m: usize, n: usize, rs: i64, cs: i64) -> bool {
    (0..m).all(|i| {
        (0..n).all(|j| (*p.offset(i as isize * rs as isize + j as isize * cs as isize)).finite())
    })
}

fn all_finite_mat<T: Elem>(a: MatRef<'_, T>) -> bool {
    (0..a.ncols()).all(|j| (0..a.nrows()).all(|i| a[(i, j)].finite()))
}

fn matmul<T: Elem>(a: MatRef<'_, T>, b: MatRef<'_, T>) -> Mat<T> {
    let mut c = Mat::zeros(a.nrows(), b.ncols());
    faer::linalg::matmul::matmul(c.as_mut(), Accum::Replace, a, b, T::one(), Par::Seq);
    c
}

fn to_usize(x: i64) -> usize {
    x.max(0) as usize
}

// ---------------------------------------------------------------------------
// LU: solve, inv, det, slogdet, matrix_power
// ---------------------------------------------------------------------------

struct Lu<T: Elem> {
    lu: Mat<T>,
    fwd: Vec<usize>,
    bwd: Vec<usize>,
    swaps: usize,
}

impl<T: Elem> Lu<T> {
    fn new(mut lu: Mat<T>) -> Self {
        let n = lu.nrows();
        let mut fwd = vec![0usize; n];
        let mut bwd = vec![0usize; n];
        let mut mem = MemBuffer::new(lu_factor::lu_in_place_scratch::<usize, T>(
            n,
            n,
            Par::Seq,
            Default::default(),
        ));
        let (info, _) = lu_factor::lu_in_place(
            lu.as_mut(),
            &mut fwd,
            &mut bwd,
            Par::Seq,
            MemStack::new(&mut mem),
            Default::default(),
        );
        Lu {
            lu,
            fwd,
            bwd,
            swaps: info.transposition_count,
        }
    }

    /// LAPACK getrf's `info > 0`: an exactly zero pivot. (faer keeps going
    /// past it and fills the rest with NaN, but the zero itself survives.)
    fn singular(&self) -> bool {
        (0..self.lu.nrows()).any(|i| self.lu[(i, i)] == T::zero())
    }

    fn solve_in_place(&self, rhs: MatMut<'_, T>) {
        let n = self.lu.nrows();
        // SAFETY: `fwd`/`bwd` are the mutually inverse permutation written by lu_in_place.
        let perm = unsafe { PermRef::new_unchecked(&self.fwd, &self.bwd, n) };
        let mut mem = MemBuffer::new(lu_solve::solve_in_place_scratch::<usize, T>(
            n,
            rhs.ncols(),
            Par::Seq,
        ));
        lu_solve::solve_in_place(
            self.lu.as_ref(),
            self.lu.as_ref(),
            perm,
            rhs,
            Par::Seq,
            MemStack::new(&mut mem),
        );
    }

    /// `(sign, log|det|)` the way NumPy accumulates it from getrf's output.
    fn slogdet(&self) -> (T, T::R) {
        let mut sign = if self.swaps % 2 == 1 {
            T::from_real(T::R::of(-1.0))
        } else {
            T::one()
        };
        let mut log = T::R::of(0.0);
        for i in 0..self.lu.nrows() {
            let d = self.lu[(i, i)];
            let abs = d.modulus();
            sign *= d.scale(T::R::of(1.0) / abs);
            log += abs.ln();
        }
        (sign, log)
    }

    fn det(&self) -> T {
        let mut det = if self.swaps % 2 == 1 {
            T::from_real(T::R::of(-1.0))
        } else {
            T::one()
        };
        for i in 0..self.lu.nrows() {
            det *= self.lu[(i, i)];
        }
        det
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn solve<T: Elem>(
    n: usize,
    k: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    b: *const T,
    rsb: i64,
    csb: i64,
    x: *mut T,
) -> i32 {
    if n == 0 || k == 0 {
        return STATUS_OK;
    }
    let lu = Lu::new(read(a, n, n, rsa, csa));
    if lu.singular() {
        fill(x, n * k, T::zero());
        return STATUS_SINGULAR;
    }
    let mut rhs = read(b, n, k, rsb, csb);
    lu.solve_in_place(rhs.as_mut());
    write(x, rhs.as_ref());
    STATUS_OK
}

/// Inverse by solving against the identity, as NumPy does (gesv).
fn inverse<T: Elem>(a: Mat<T>) -> Option<Mat<T>> {
    let n = a.nrows();
    let lu = Lu::new(a);
    if lu.singular() {
        return None;
    }
    let mut x = Mat::identity(n, n);
    lu.solve_in_place(x.as_mut());
    Some(x)
}

unsafe fn inv<T: Elem>(n: usize, a: *const T, rsa: i64, csa: i64, out: *mut T) -> i32 {
    if n == 0 {
        return STATUS_OK;
    }
    match inverse(read(a, n, n, rsa, csa)) {
        Some(x) => {
            write(out, x.as_ref());
            STATUS_OK
        }
        None => {
            fill(out, n * n, T::zero());
            STATUS_SINGULAR
        }
    }
}

unsafe fn det<T: Elem>(n: usize, a: *const T, rsa: i64, csa: i64, out: *mut T) -> i32 {
    let lu = Lu::new(read(a, n, n, rsa, csa));
    *out = if lu.singular() { T::zero() } else { lu.det() };
    STATUS_OK
}

unsafe fn slogdet<T: Elem>(
    n: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    sign: *mut T,
    logabsdet: *mut T::R,
) -> i32 {
    let lu = Lu::new(read(a, n, n, rsa, csa));
    let (s, l) = if lu.singular() {
        (T::zero(), T::R::of(f64::NEG_INFINITY))
    } else {
        lu.slogdet()
    };
    *sign = s;
    *logabsdet = l;
    STATUS_OK
}

/// `A^p` with NumPy's `matrix_power` multiplication order, so results round
/// the same way. `mul` is the matrix product of the element type.
fn power<M: Clone>(a: M, p: u64, identity: M, mul: impl Fn(&M, &M) -> M) -> M {
    match p {
        0 => identity,
        1 => a,
        2 => mul(&a, &a),
        3 => mul(&mul(&a, &a), &a),
        _ => {
            let mut p = p;
            let mut z: Option<M> = None;
            let mut result: Option<M> = None;
            while p > 0 {
                z = Some(match z {
                    None => a.clone(),
                    Some(z) => mul(&z, &z),
                });
                let bit = p & 1;
                p >>= 1;
                if bit == 1 {
                    let zz = z.as_ref().unwrap();
                    result = Some(match result {
                        None => zz.clone(),
                        Some(r) => mul(&r, zz),
                    });
                }
            }
            result.unwrap()
        }
    }
}

unsafe fn matpow<T: Elem>(n: usize, a: *const T, rsa: i64, csa: i64, p: i64, out: *mut T) -> i32 {
    if n == 0 {
        return STATUS_OK;
    }
    let mut base = read(a, n, n, rsa, csa);
    if p < 0 {
        match inverse(base) {
            Some(x) => base = x,
            None => {
                fill(out, n * n, T::zero());
                return STATUS_SINGULAR;
            }
        }
    }
    let r = power(base, p.unsigned_abs(), Mat::identity(n, n), |x, y| {
        matmul(x.as_ref(), y.as_ref())
    });
    write(out, r.as_ref());
    STATUS_OK
}

// ---------------------------------------------------------------------------
// Cholesky, QR
// ---------------------------------------------------------------------------

unsafe fn cholesky<T: Elem>(n: usize, a: *const T, rsa: i64, csa: i64, out: *mut T) -> i32 {
    use faer::linalg::cholesky::llt::factor as llt;
    if n == 0 {
        return STATUS_OK;
    }
    // Only the lower triangle is read, like potrf('L').
    let mut l = Mat::from_fn(n, n, |i, j| {
        if i >= j {
            *a.offset(i as isize * rsa as isize + j as isize * csa as isize)
        } else {
            T::zero()
        }
    });
    let mut mem = MemBuffer::new(llt::cholesky_in_place_scratch::<T>(
        n,
        Par::Seq,
        Default::default(),
    ));
    let res = llt::cholesky_in_place(
        l.as_mut(),
        Default::default(),
        Par::Seq,
        MemStack::new(&mut mem),
        Default::default(),
    );
    for j in 0..n {
        for i in 0..j {
            l[(i, j)] = T::zero();
        }
    }
    write(out, l.as_ref());
    match res {
        Ok(_) => STATUS_OK,
        Err(_) => STATUS_NOT_POSITIVE_DEFINITE,
    }
}

/// Reduced QR `(Q: m×k, R: k×n)`.
///
/// faer's Householder reflector for real data picks the same sign as
/// LAPACK's dlarfg (R's diagonal is `-sign(x0)·‖x‖`), so it is used as is.
/// For complex data faer keeps the phase of `x0` on R's diagonal while
/// zlarfg makes it real, so complex input goes through [`qr_lapack`].
fn qr_reduced<T: Elem>(a: Mat<T>) -> (Mat<T>, Mat<T>) {
    if T::COMPLEX {
        return qr_lapack(a);
    }
    let k = a.nrows().min(a.ncols());
    let qr = faer::linalg::solvers::Qr::new(a.as_ref());
    let q = qr.compute_thin_Q();
    let r = qr.thin_R().to_owned();
    debug_assert_eq!(q.ncols(), k);
    (q, r)
}

/// `C := (I - tau v v^H) C`, LAPACK's `xlarf('L')`.
fn apply_reflector<T: Elem>(c: MatMut<'_, T>, v: ColRef<'_, T>, tau: T) {
    let mut w = Mat::<T>::zeros(1, c.ncols());
    faer::linalg::matmul::matmul(
        w.as_mut(),
        Accum::Replace,
        v.adjoint().as_mat(),
        c.as_ref(),
        T::one(),
        Par::Seq,
    );
    faer::linalg::matmul::matmul(c, Accum::Add, v.as_mat(), w.as_ref(), -tau, Par::Seq);
}

/// Unblocked Householder QR with LAPACK's geqr2/ung2r conventions (zlarfg:
/// real `beta = -sign(Re x0)·‖x‖`, complex `tau`).
fn qr_lapack<T: Elem>(mut a: Mat<T>) -> (Mat<T>, Mat<T>) {
    let (m, n) = a.shape();
    let k = m.min(n);
    let zero = T::R::of(0.0);
    let mut taus = vec![T::zero(); k];
    let mut vs: Vec<Col<T>> = Vec::with_capacity(k);
    for i in 0..k {
        let alpha = a[(i, i)];
        let xnorm = a.as_ref().col(i).subrows(i + 1, m - i - 1).norm_l2();
        let (ar, ai) = (alpha.re(), alpha.im());
        if xnorm == zero && ai == zero {
            taus[i] = T::zero();
        } else {
            let norm = ar.hypot(ai).hypot(xnorm);
            let beta = if ar >= zero { -norm } else { norm };
            taus[i] = T::from_parts((beta - ar) / beta, -ai / beta);
            let scale = ComplexField::recip_impl(&(alpha - T::from_real(beta)));
            for r in i + 1..m {
                a[(r, i)] *= scale;
            }
            a[(i, i)] = T::from_real(beta);
        }
        let v = Col::from_fn(m - i, |r| if r == 0 { T::one() } else { a[(i + r, i)] });
        if i + 1 < n && taus[i] != T::zero() {
            // geqr2 applies H^H = I - conj(tau) v v^H.
            apply_reflector(
                a.as_mut().submatrix_mut(i, i + 1, m - i, n - i - 1),
                v.as_ref(),
                taus[i].cj(),
            );
        }
        vs.push(v);
    }
    let r = Mat::from_fn(k, n, |i, j| if i <= j { a[(i, j)] } else { T::zero() });
    // Q = H(0)…H(k-1) applied to I[:, :k]; H(i) only touches Q[i.., i..].
    let mut q = Mat::<T>::identity(m, k);
    for i in (0..k).rev() {
        if taus[i] != T::zero() {
            apply_reflector(
                q.as_mut().submatrix_mut(i, i, m - i, k - i),
                vs[i].as_ref(),
                taus[i],
            );
        }
    }
    (q, r)
}

unsafe fn qr<T: Elem>(
    m: usize,
    n: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    q_out: *mut T,
    r_out: *mut T,
) -> i32 {
    if m == 0 || n == 0 {
        return STATUS_OK;
    }
    let (q, r) = qr_reduced(read(a, m, n, rsa, csa));
    write(q_out, q.as_ref());
    write(r_out, r.as_ref());
    STATUS_OK
}

// ---------------------------------------------------------------------------
// SVD and friends
// ---------------------------------------------------------------------------

struct Svd<T: Elem> {
    s: Vec<T::R>,
    u: Option<Mat<T>>,
    v: Option<Mat<T>>,
}

/// Singular values in descending order, with U and V when `vectors` is not
/// `No`. `None` when faer does not converge.
fn svd_of<T: Elem>(a: MatRef<'_, T>, vectors: ComputeSvdVectors) -> Option<Svd<T>> {
    let (m, n) = a.shape();
    let k = m.min(n);
    let cols = |d: usize| match vectors {
        ComputeSvdVectors::Full => d,
        _ => k,
    };
    let want = vectors != ComputeSvdVectors::No;
    let mut u = want.then(|| Mat::<T>::zeros(m, cols(m)));
    let mut v = want.then(|| Mat::<T>::zeros(n, cols(n)));
    let mut s = Diag::<T>::zeros(k);
    let mut mem = MemBuffer::new(svd::svd_scratch::<T>(
        m,
        n,
        vectors,
        vectors,
        Par::Seq,
        Default::default(),
    ));
    svd::svd(
        a,
        s.as_mut(),
        u.as_mut().map(|u| u.as_mut()),
        v.as_mut().map(|v| v.as_mut()),
        Par::Seq,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .ok()?;
    let mut out = Svd {
        s: s.column_vector().iter().map(|x| x.re()).collect(),
        u,
        v,
    };
    // faer documents nonincreasing order; enforce it rather than trust it.
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&i, &j| {
        out.s[j]
            .partial_cmp(&out.s[i])
            .unwrap_or(core::cmp::Ordering::Equal)
    });
    if order.iter().enumerate().any(|(i, &j)| i != j) {
        out.s = order.iter().map(|&j| out.s[j]).collect();
        for mat in [out.u.as_mut(), out.v.as_mut()].into_iter().flatten() {
            let old = mat.clone();
            for (dst, &src) in order.iter().enumerate() {
                mat.as_mut().col_mut(dst).copy_from(old.as_ref().col(src));
            }
        }
    }
    Some(out)
}

#[allow(clippy::too_many_arguments)]
unsafe fn svd<T: Elem>(
    m: usize,
    n: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    full: bool,
    u_out: *mut T,
    s_out: *mut T::R,
    vh_out: *mut T,
) -> i32 {
    let k = m.min(n);
    let want_uv = !u_out.is_null();
    if k == 0 {
        // Nothing to factor, but full U/Vh are still square identities.
        if want_uv && full {
            write(u_out, Mat::<T>::identity(m, m).as_ref());
            write(vh_out, Mat::<T>::identity(n, n).as_ref());
        }
        return STATUS_OK;
    }
    if !all_finite(a, m, n, rsa, csa) {
        return STATUS_SVD_NO_CONVERGENCE;
    }
    let a = read(a, m, n, rsa, csa);
    let vectors = match (want_uv, full) {
        (false, _) => ComputeSvdVectors::No,
        (true, false) => ComputeSvdVectors::Thin,
        (true, true) => ComputeSvdVectors::Full,
    };
    let Some(res) = svd_of(a.as_ref(), vectors) else {
        return STATUS_SVD_NO_CONVERGENCE;
    };
    for (i, &x) in res.s.iter().enumerate() {
        *s_out.add(i) = x;
    }
    if let (Some(u), Some(v)) = (&res.u, &res.v) {
        write(u_out, u.as_ref());
        write_adjoint(vh_out, v.as_ref());
    }
    STATUS_OK
}

/// `V diag(1/s) U^H B` over the singular values above `cutoff`, plus the rank.
fn svd_solve<T: Elem>(res: &Svd<T>, cutoff: T::R, b: MatRef<'_, T>) -> (Mat<T>, usize) {
    let (u, v) = (res.u.as_ref().unwrap(), res.v.as_ref().unwrap());
    let rank = res.s.iter().filter(|&&x| x > cutoff).count();
    let mut t = Mat::<T>::zeros(rank, b.ncols());
    faer::linalg::matmul::matmul(
        t.as_mut(),
        Accum::Replace,
        u.as_ref().subcols(0, rank).adjoint(),
        b,
        T::one(),
        Par::Seq,
    );
    for i in 0..rank {
        let inv = T::R::of(1.0) / res.s[i];
        for j in 0..t.ncols() {
            t[(i, j)] = t[(i, j)].scale(inv);
        }
    }
    (matmul(v.as_ref().subcols(0, rank), t.as_ref()), rank)
}

#[allow(clippy::too_many_arguments)]
unsafe fn lstsq<T: Elem>(
    m: usize,
    n: usize,
    k: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    b: *const T,
    rsb: i64,
    csb: i64,
    rcond: f64,
    x_out: *mut T,
    resid_out: *mut T::R,
    rank_out: *mut i64,
    s_out: *mut T::R,
) -> i32 {
    if !all_finite(a, m, n, rsa, csa) || !all_finite(b, m, k, rsb, csb) {
        return STATUS_LSTSQ_NO_CONVERGENCE;
    }
    let a = read(a, m, n, rsa, csa);
    let b = read(b, m, k, rsb, csb);
    let (x, rank) = if m.min(n) == 0 {
        (Mat::<T>::zeros(n, k), 0)
    } else {
        let Some(res) = svd_of(a.as_ref(), ComputeSvdVectors::Thin) else {
            return STATUS_LSTSQ_NO_CONVERGENCE;
        };
        for (i, &s) in res.s.iter().enumerate() {
            *s_out.add(i) = s;
        }
        let rcond = if rcond < 0.0 {
            T::R::EPS * T::R::of(m.max(n) as f64)
        } else {
            T::R::of(rcond)
        };
        svd_solve(&res, rcond * res.s[0], b.as_ref())
    };
    write(x_out, x.as_ref());
    *rank_out = rank as i64;
    if rank == n && m > n {
        let ax = matmul(a.as_ref(), x.as_ref());
        for j in 0..k {
            let mut acc = T::R::of(0.0);
            for i in 0..m {
                acc += (b[(i, j)] - ax[(i, j)]).abs2();
            }
            *resid_out.add(j) = acc;
        }
    }
    STATUS_OK
}

unsafe fn pinv<T: Elem>(
    m: usize,
    n: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    rcond: f64,
    out: *mut T,
) -> i32 {
    if m == 0 || n == 0 {
        return STATUS_OK;
    }
    if !all_finite(a, m, n, rsa, csa) {
        return STATUS_SVD_NO_CONVERGENCE;
    }
    let a = read(a, m, n, rsa, csa);
    let Some(res) = svd_of(a.as_ref(), ComputeSvdVectors::Thin) else {
        return STATUS_SVD_NO_CONVERGENCE;
    };
    let cutoff = T::R::of(rcond) * res.s[0];
    let (p, _) = svd_solve(&res, cutoff, Mat::<T>::identity(m, m).as_ref());
    write(out, p.as_ref());
    STATUS_OK
}

// ---------------------------------------------------------------------------
// Eigenvalues
// ---------------------------------------------------------------------------

/// Scales each column to unit 2-norm like geev; for complex data it also
/// rotates the largest component onto the real axis, as zgeev does.
fn normalize_columns<T: Elem>(v: &mut Mat<T>) {
    for j in 0..v.ncols() {
        let norm = v.as_ref().col(j).norm_l2();
        if norm == T::R::of(0.0) {
            continue;
        }
        let mut scale = T::from_real(T::R::of(1.0) / norm);
        if T::COMPLEX {
            let mut best = 0;
            for i in 1..v.nrows() {
                if v[(i, j)].abs2() > v[(best, j)].abs2() {
                    best = i;
                }
            }
            let x = v[(best, j)];
            let ax = x.modulus();
            if ax != T::R::of(0.0) {
                scale *= x.cj().scale(T::R::of(1.0) / ax);
            }
        }
        for i in 0..v.nrows() {
            v[(i, j)] *= scale;
        }
        if T::COMPLEX {
            let mut best = 0;
            for i in 1..v.nrows() {
                if v[(i, j)].abs2() > v[(best, j)].abs2() {
                    best = i;
                }
            }
            v[(best, j)] = T::from_real(v[(best, j)].re());
        }
    }
}

unsafe fn eig<T: Elem>(n: usize, a: *const T, rsa: i64, csa: i64, w: *mut T, v_out: *mut T) -> i32 {
    if n == 0 {
        return STATUS_OK;
    }
    if !all_finite(a, n, n, rsa, csa) {
        return STATUS_EIG_NO_CONVERGENCE;
    }
    let a = read(a, n, n, rsa, csa);
    let mut v = (!v_out.is_null()).then(|| Mat::<T>::zeros(n, n));
    let Ok((vals, all_real)) = T::eig_raw(a.as_ref(), v.as_mut().map(|v| v.as_mut())) else {
        return STATUS_EIG_NO_CONVERGENCE;
    };
    for (i, &x) in vals.iter().enumerate() {
        *w.add(i) = x;
    }
    if let Some(mut v) = v {
        normalize_columns(&mut v);
        write(v_out, v.as_ref());
    }
    if all_real {
        STATUS_OK
    } else {
        STATUS_COMPLEX_EIGENVALUES
    }
}

unsafe fn eigh<T: Elem>(
    n: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    lower: bool,
    w: *mut T::R,
    v_out: *mut T,
) -> i32 {
    if n == 0 {
        return STATUS_OK;
    }
    // faer reads the lower triangle; mirror the upper one into it when asked.
    let at = |i: usize, j: usize| *a.offset(i as isize * rsa as isize + j as isize * csa as isize);
    let a = Mat::from_fn(n, n, |i, j| match (i >= j, lower) {
        (true, true) => at(i, j),
        (true, false) => at(j, i).cj(),
        (false, _) => T::zero(),
    });
    if !all_finite_mat(a.as_ref()) {
        return STATUS_EIG_NO_CONVERGENCE;
    }
    let want_v = !v_out.is_null();
    let mut v = want_v.then(|| Mat::<T>::zeros(n, n));
    let mut s = Diag::<T>::zeros(n);
    let mut mem = MemBuffer::new(evd::self_adjoint_evd_scratch::<T>(
        n,
        if want_v {
            ComputeEigenvectors::Yes
        } else {
            ComputeEigenvectors::No
        },
        Par::Seq,
        Default::default(),
    ));
    if evd::self_adjoint_evd(
        a.as_ref(),
        s.as_mut(),
        v.as_mut().map(|v| v.as_mut()),
        Par::Seq,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .is_err()
    {
        return STATUS_EIG_NO_CONVERGENCE;
    }
    let s: Vec<T::R> = s.column_vector().iter().map(|x| x.re()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| {
        s[i].partial_cmp(&s[j])
            .unwrap_or(core::cmp::Ordering::Equal)
    });
    for (i, &j) in order.iter().enumerate() {
        *w.add(i) = s[j];
    }
    if let Some(v) = v {
        for i in 0..n {
            for (c, &j) in order.iter().enumerate() {
                *v_out.add(i * n + c) = v[(i, j)];
            }
        }
    }
    STATUS_OK
}

// ---------------------------------------------------------------------------
// Matrix products
// ---------------------------------------------------------------------------

#[allow(clippy::too_many_arguments)]
unsafe fn gemm<T: Elem>(
    m: usize,
    k: usize,
    n: usize,
    a: *const T,
    rsa: i64,
    csa: i64,
    b: *const T,
    rsb: i64,
    csb: i64,
    c: *mut T,
    rsc: i64,
    csc: i64,
) {
    if m == 0 || n == 0 {
        return;
    }
    let mut cm = MatMut::from_raw_parts_mut(c, m, n, rsc as isize, csc as isize);
    if k == 0 {
        cm.fill(T::zero());
        return;
    }
    let am = MatRef::from_raw_parts(a, m, k, rsa as isize, csa as isize);
    let bm = MatRef::from_raw_parts(b, k, n, rsb as isize, csb as isize);
    faer::linalg::matmul::matmul(cm, Accum::Replace, am, bm, T::one(), Par::Seq);
}

/// Strided `C = A @ B` with wrapping `i64` arithmetic.
///
/// # Safety
/// The pointers and strides must describe valid matrices (A m×k, B k×n,
/// C m×n); C must not alias A or B.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn oxjit_la_gemm_i64(
    m: i64,
    k: i64,
    n: i64,
    a: *const i64,
    rsa: i64,
    csa: i64,
    b: *const i64,
    rsb: i64,
    csb: i64,
    c: *mut i64,
    rsc: i64,
    csc: i64,
) {
    let at = |p: *const i64, i: usize, j: usize, rs: i64, cs: i64| {
        p.offset(i as isize * rs as isize + j as isize * cs as isize)
    };
    let (m, k, n) = (to_usize(m), to_usize(k), to_usize(n));
    for i in 0..m {
        for j in 0..n {
            *(at(c, i, j, rsc, csc) as *mut i64) = 0;
        }
        for p in 0..k {
            let aip = *at(a, i, p, rsa, csa);
            for j in 0..n {
                let cij = at(c, i, j, rsc, csc) as *mut i64;
                *cij = (*cij).wrapping_add(aip.wrapping_mul(*at(b, p, j, rsb, csb)));
            }
        }
    }
}

fn matmul_i64(a: &[i64], b: &[i64], n: usize) -> Vec<i64> {
    let mut c = vec![0i64; n * n];
    for i in 0..n {
        for p in 0..n {
            let aip = a[i * n + p];
            for j in 0..n {
                c[i * n + j] = c[i * n + j].wrapping_add(aip.wrapping_mul(b[p * n + j]));
            }
        }
    }
    c
}

/// `A^p` for an integer matrix with wrapping arithmetic; `p < 0` returns
/// [`STATUS_SINGULAR`] (NumPy raises for integer inverses; the caller decides).
///
/// # Safety
/// `a` must describe a readable n×n matrix and `out` n×n writable elements.
#[no_mangle]
pub unsafe extern "C" fn oxjit_la_matpow_i64(
    n: i64,
    a: *const i64,
    rsa: i64,
    csa: i64,
    p: i64,
    out: *mut i64,
) -> i32 {
    let n = to_usize(n);
    if p < 0 {
        fill(out, n * n, 0);
        return STATUS_SINGULAR;
    }
    if n == 0 {
        return STATUS_OK;
    }
    let mut base = vec![0i64; n * n];
    for i in 0..n {
        for j in 0..n {
            base[i * n + j] = *a.offset(i as isize * rsa as isize + j as isize * csa as isize);
        }
    }
    let mut id = vec![0i64; n * n];
    for i in 0..n {
        id[i * n + i] = 1;
    }
    let r = power(base, p as u64, id, |x, y| matmul_i64(x, y, n));
    core::ptr::copy_nonoverlapping(r.as_ptr(), out, n * n);
    STATUS_OK
}

// ---------------------------------------------------------------------------
// extern "C" wrappers, one set per element type
// ---------------------------------------------------------------------------

macro_rules! abi {
    (
        $t:ty, $r:ty, $table:ident;
        $solve:ident, $inv:ident, $det:ident, $slogdet:ident, $cholesky:ident,
        $qr:ident, $svd:ident, $eig:ident, $eigh:ident, $lstsq:ident,
        $pinv:ident, $matpow:ident $(, $gemm:ident)?
    ) => {
        /// `X = solve(A, B)`: A n×n, B and X n×k. Returns 1 for an exactly
        /// zero pivot (X is then zero-filled).
        ///
        /// # Safety
        /// Inputs must be readable through their strides; `x` must hold n·k
        /// elements.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $solve(
            n: i64, k: i64,
            a: *const $t, rsa: i64, csa: i64,
            b: *const $t, rsb: i64, csb: i64,
            x: *mut $t,
        ) -> i32 {
            solve(to_usize(n), to_usize(k), a, rsa, csa, b, rsb, csb, x)
        }

        /// `inv(A)` into `out` (n×n). Returns 1 if singular.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `out` must hold n·n
        /// elements.
        #[no_mangle]
        pub unsafe extern "C" fn $inv(
            n: i64, a: *const $t, rsa: i64, csa: i64, out: *mut $t,
        ) -> i32 {
            inv(to_usize(n), a, rsa, csa, out)
        }

        /// `det(A)` into `*out`; 0 for singular input, 1 for 0×0.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `out` must be writable.
        #[no_mangle]
        pub unsafe extern "C" fn $det(
            n: i64, a: *const $t, rsa: i64, csa: i64, out: *mut $t,
        ) -> i32 {
            det(to_usize(n), a, rsa, csa, out)
        }

        /// `slogdet(A)`: `(0, -inf)` for singular input.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `sign` and `logabsdet`
        /// must be writable.
        #[no_mangle]
        pub unsafe extern "C" fn $slogdet(
            n: i64, a: *const $t, rsa: i64, csa: i64,
            sign: *mut $t, logabsdet: *mut $r,
        ) -> i32 {
            slogdet(to_usize(n), a, rsa, csa, sign, logabsdet)
        }

        /// Lower Cholesky factor of A (lower triangle read only). Returns 2
        /// if A is not positive definite.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `out` must hold n·n
        /// elements.
        #[no_mangle]
        pub unsafe extern "C" fn $cholesky(
            n: i64, a: *const $t, rsa: i64, csa: i64, out: *mut $t,
        ) -> i32 {
            cholesky(to_usize(n), a, rsa, csa, out)
        }

        /// Reduced QR: Q m×k and R k×n, k = min(m, n).
        ///
        /// # Safety
        /// `a` must be readable through its strides; `q` and `r` must hold
        /// m·k and k·n elements.
        #[no_mangle]
        pub unsafe extern "C" fn $qr(
            m: i64, n: i64, a: *const $t, rsa: i64, csa: i64,
            q: *mut $t, r: *mut $t,
        ) -> i32 {
            qr(to_usize(m), to_usize(n), a, rsa, csa, q, r)
        }

        /// SVD: s (k = min(m, n), descending); if `u` is not null also U and
        /// Vh (m×m and n×n when `full != 0`, else m×k and k×n). Returns 3 on
        /// non-finite input or non-convergence.
        ///
        /// # Safety
        /// `a` must be readable through its strides; outputs must hold the
        /// element counts above.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $svd(
            m: i64, n: i64, a: *const $t, rsa: i64, csa: i64, full: i32,
            u: *mut $t, s: *mut $r, vh: *mut $t,
        ) -> i32 {
            svd(to_usize(m), to_usize(n), a, rsa, csa, full != 0, u, s, vh)
        }

        /// General eigendecomposition: eigenvalues `w` (n) and, if `v` is
        /// not null, unit-norm eigenvectors as the columns of `v` (n×n).
        /// Real types return 6 when an eigenvalue is complex; 4 on
        /// non-finite input.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `w` must hold n and `v`
        /// (if not null) n·n elements.
        #[no_mangle]
        pub unsafe extern "C" fn $eig(
            n: i64, a: *const $t, rsa: i64, csa: i64, w: *mut $t, v: *mut $t,
        ) -> i32 {
            eig(to_usize(n), a, rsa, csa, w, v)
        }

        /// Hermitian eigendecomposition from the lower (`lower != 0`) or
        /// upper triangle: ascending `w` (n) and, if `v` is not null,
        /// eigenvectors as columns of `v` (n×n). Returns 4 on non-finite
        /// input in the triangle read.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `w` must hold n and `v`
        /// (if not null) n·n elements.
        #[no_mangle]
        pub unsafe extern "C" fn $eigh(
            n: i64, a: *const $t, rsa: i64, csa: i64, lower: i32,
            w: *mut $r, v: *mut $t,
        ) -> i32 {
            eigh(to_usize(n), a, rsa, csa, lower != 0, w, v)
        }

        /// Minimum-norm least squares via SVD. Writes x (n×k), rank,
        /// s (min(m, n)) and, only when rank == n and m > n, resid (k).
        /// `rcond < 0` means eps·max(m, n). Returns 5 on non-finite input.
        ///
        /// # Safety
        /// Inputs must be readable through their strides; outputs must hold
        /// the element counts above.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $lstsq(
            m: i64, n: i64, k: i64,
            a: *const $t, rsa: i64, csa: i64,
            b: *const $t, rsb: i64, csb: i64,
            rcond: f64, x: *mut $t, resid: *mut $r, rank: *mut i64, s: *mut $r,
        ) -> i32 {
            lstsq(
                to_usize(m), to_usize(n), to_usize(k),
                a, rsa, csa, b, rsb, csb, rcond, x, resid, rank, s,
            )
        }

        /// Moore-Penrose pseudo-inverse (n×m) dropping singular values
        /// `<= rcond * s_max`. Returns 3 on non-finite input.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `out` must hold n·m
        /// elements.
        #[no_mangle]
        pub unsafe extern "C" fn $pinv(
            m: i64, n: i64, a: *const $t, rsa: i64, csa: i64,
            rcond: f64, out: *mut $t,
        ) -> i32 {
            pinv(to_usize(m), to_usize(n), a, rsa, csa, rcond, out)
        }

        /// `matrix_power(A, p)`; negative `p` inverts first and returns 1 if
        /// A is singular.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `out` must hold n·n
        /// elements.
        #[no_mangle]
        pub unsafe extern "C" fn $matpow(
            n: i64, a: *const $t, rsa: i64, csa: i64, p: i64, out: *mut $t,
        ) -> i32 {
            matpow(to_usize(n), a, rsa, csa, p, out)
        }

        $(
        /// Strided `C = A @ B` (A m×k, B k×n, C m×n overwritten).
        ///
        /// # Safety
        /// The pointers and strides must describe valid matrices; C must
        /// not alias A or B.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $gemm(
            m: i64, k: i64, n: i64,
            a: *const $t, rsa: i64, csa: i64,
            b: *const $t, rsb: i64, csb: i64,
            c: *mut $t, rsc: i64, csc: i64,
        ) {
            gemm(to_usize(m), to_usize(k), to_usize(n), a, rsa, csa, b, rsb, csb, c, rsc, csc)
        }
        )?

        fn $table(out: &mut Vec<oxjit_runtime::abi::AbiFn>) {
            $(out.extend(abi_table!("";
                $gemm(_, _, _, _, _, _, _, _, _, _, _, _)));)?
            out.extend(abi_table!("";
                $solve(_, _, _, _, _, _, _, _, _),
                $inv(_, _, _, _, _),
                $det(_, _, _, _, _),
                $slogdet(_, _, _, _, _, _),
                $cholesky(_, _, _, _, _),
                $qr(_, _, _, _, _, _, _),
                $svd(_, _, _, _, _, _, _, _, _),
                $eig(_, _, _, _, _, _),
                $eigh(_, _, _, _, _, _, _),
                $lstsq(_, _, _, _, _, _, _, _, _, _, _, _, _, _),
                $pinv(_, _, _, _, _, _, _),
                $matpow(_, _, _, _, _, _),
            ));
        }
    };
}

abi!(f64, f64, symbols_f64;
    oxjit_la_solve_f64, oxjit_la_inv_f64, oxjit_la_det_f64, oxjit_la_slogdet_f64,
    oxjit_la_cholesky_f64, oxjit_la_qr_f64, oxjit_la_svd_f64, oxjit_la_eig_f64,
    oxjit_la_eigh_f64, oxjit_la_lstsq_f64, oxjit_la_pinv_f64, oxjit_la_matpow_f64);
abi!(f32, f32, symbols_f32;
    oxjit_la_solve_f32, oxjit_la_inv_f32, oxjit_la_det_f32, oxjit_la_slogdet_f32,
    oxjit_la_cholesky_f32, oxjit_la_qr_f32, oxjit_la_svd_f32, oxjit_la_eig_f32,
    oxjit_la_eigh_f32, oxjit_la_lstsq_f32, oxjit_la_pinv_f32, oxjit_la_matpow_f32);
abi!(Complex<f64>, f64, symbols_c128;
    oxjit_la_solve_c128, oxjit_la_inv_c128, oxjit_la_det_c128, oxjit_la_slogdet_c128,
    oxjit_la_cholesky_c128, oxjit_la_qr_c128, oxjit_la_svd_c128, oxjit_la_eig_c128,
    oxjit_la_eigh_c128, oxjit_la_lstsq_c128, oxjit_la_pinv_c128, oxjit_la_matpow_c128,
    oxjit_la_gemm_c128);
abi!(Complex<f32>, f32, symbols_c64;
    oxjit_la_solve_c64, oxjit_la_inv_c64, oxjit_la_det_c64, oxjit_la_slogdet_c64,
    oxjit_la_cholesky_c64, oxjit_la_qr_c64, oxjit_la_svd_c64, oxjit_la_eig_c64,
    oxjit_la_eigh_c64, oxjit_la_lstsq_c64, oxjit_la_pinv_c64, oxjit_la_matpow_c64,
    oxjit_la_gemm_c64);

/// `eig` of a real matrix with complex results, as NumPy 2.5 gives them
/// for every real input (earlier NumPy only when an eigenvalue is complex).
/// The eigenvalues are `s_re + i s_im`. An eigenvector of a real eigenvalue
/// is its real column at unit norm; a conjugate pair comes packed as two
/// columns `x`, `y` (LAPACK's layout, which faer keeps) and gives `x ± i y`,
/// normalised as dgeev does: unit norm, then turned so that its largest
/// component is real, with the sign of that component's real part.
macro_rules! eig_to_complex {
    ($t:ty, $name:ident) => {
        /// `eig` of a real matrix into complex `w` (n) and, if `v` is not
        /// null, complex eigenvectors as columns of `v` (n×n). Returns 4 on
        /// non-finite input or no convergence.
        ///
        /// # Safety
        /// `a` must be readable through its strides; `w` must hold n and `v`
        /// (if not null) n·n elements.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            n: i64,
            a: *const $t,
            rsa: i64,
            csa: i64,
            w: *mut Complex<$t>,
            v: *mut Complex<$t>,
        ) -> i32 {
            let n = to_usize(n);
            if n == 0 {
                return STATUS_OK;
            }
            if !all_finite(a, n, n, rsa, csa) {
                return STATUS_EIG_NO_CONVERGENCE;
            }
            let a = read(a, n, n, rsa, csa);
            let mut s_re = Diag::<$t>::zeros(n);
            let mut s_im = Diag::<$t>::zeros(n);
            let mut vr = (!v.is_null()).then(|| Mat::<$t>::zeros(n, n));
            let mut mem = eig_scratch::<$t>(n, vr.is_some());
            let done = evd::evd_real(
                a.as_ref(),
                s_re.as_mut(),
                s_im.as_mut(),
                None,
                vr.as_mut().map(|m| m.as_mut()),
                Par::Seq,
                MemStack::new(&mut mem),
                Default::default(),
            );
            if done.is_err() {
                return STATUS_EIG_NO_CONVERGENCE;
            }
            let (re, im) = (s_re.column_vector(), s_im.column_vector());
            for i in 0..n {
                *w.add(i) = Complex::new(re[i], im[i]);
            }
            let Some(vr) = vr else {
                return STATUS_OK;
            };
            let mut cv = Mat::<Complex<$t>>::zeros(n, n);
            let mut j = 0;
            while j < n {
                if im[j] == 0.0 || j + 1 == n {
                    let norm = vr.col(j).norm_l2();
                    let s = if norm > 0.0 { 1.0 / norm } else { 1.0 };
                    for i in 0..n {
                        cv[(i, j)] = Complex::new(vr[(i, j)] * s, 0.0);
                    }
                    j += 1;
                    continue;
                }
                let (x, y) = (vr.col(j), vr.col(j + 1));
                let norm = x.norm_l2().hypot(y.norm_l2());
                let s = if norm > 0.0 { 1.0 / norm } else { 1.0 };
                let (x, y): (Vec<$t>, Vec<$t>) = (0..n).map(|i| (x[i] * s, y[i] * s)).unzip();
                let mut k = 0;
                for i in 1..n {
                    if x[i] * x[i] + y[i] * y[i] > x[k] * x[k] + y[k] * y[k] {
                        k = i;
                    }
                }
                // dlartg: the component becomes sign(f)·hypot(f, g), or
                // +hypot(f, g) when f is zero.
                let (f, g) = (x[k], y[k]);
                let d = f.hypot(g);
                let r = if f == 0.0 { d } else { d.copysign(f) };
                let (cs, sn) = if d > 0.0 { (f / r, g / r) } else { (1.0, 0.0) };
                for i in 0..n {
                    let (xi, yi) = (x[i], y[i]);
                    let (r, m) = (cs * xi + sn * yi, cs * yi - sn * xi);
                    let m = if i == k { 0.0 } else { m };
                    cv[(i, j)] = Complex::new(r, m);
                    cv[(i, j + 1)] = Complex::new(r, -m);
                }
                j += 2;
            }
            write(v, cv.as_ref());
            STATUS_OK
        }
    };
}

eig_to_complex!(f64, oxjit_la_eigc_f64);
eig_to_complex!(f32, oxjit_la_eigc_f32);

/// This crate's rows of the runtime ABI table (`oxjit_runtime::abi`): every
/// exported function with its LLVM signature and address.
pub fn abi() -> Vec<oxjit_runtime::abi::AbiFn> {
    let mut out = abi_table!("";
        oxjit_la_gemm_i64(_, _, _, _, _, _, _, _, _, _, _, _),
        oxjit_la_matpow_i64(_, _, _, _, _, _),
        oxjit_la_eigc_f64(_, _, _, _, _, _),
        oxjit_la_eigc_f32(_, _, _, _, _, _),
    );
    symbols_f64(&mut out);
    symbols_f32(&mut out);
    symbols_c128(&mut out);
    symbols_c64(&mut out);
    out
}

#[cfg(test)]
mod tests;
