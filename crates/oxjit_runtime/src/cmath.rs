//! Complex elementary functions, in two flavours that must not be mixed:
//!
//! * NumPy's complex ufuncs (`np.exp(z)`, `np.sqrt(z)`, …) call the C
//!   library's `cexp`/`cexpf`, … (glibc here); NumPy gives exactly the C
//!   library's results, special values included, in the array's own width.
//! * Python's `cmath` module has its own algorithms and special-value tables;
//!   `cpython` mirrors them so `cmath.f(z)` compiled equals `cmath.f(z)`
//!   interpreted bit for bit.
//!
//! Compiled code passes the operation as a `CmathOp` code and receives the
//! result through an out-pointer of two floats.

/// The operation codes compiled code passes (stable: they are in the IR).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmathOp {
    Sqrt = 0,
    Exp = 1,
    Log = 2,
    Log10 = 3,
    Sin = 4,
    Cos = 5,
    Tan = 6,
    Sinh = 7,
    Cosh = 8,
    Tanh = 9,
    Asin = 10,
    Acos = 11,
    Atan = 12,
    Asinh = 13,
    Acosh = 14,
    Atanh = 15,
}

impl CmathOp {
    pub const ALL: [CmathOp; 16] = [
        CmathOp::Sqrt,
        CmathOp::Exp,
        CmathOp::Log,
        CmathOp::Log10,
        CmathOp::Sin,
        CmathOp::Cos,
        CmathOp::Tan,
        CmathOp::Sinh,
        CmathOp::Cosh,
        CmathOp::Tanh,
        CmathOp::Asin,
        CmathOp::Acos,
        CmathOp::Atan,
        CmathOp::Asinh,
        CmathOp::Acosh,
        CmathOp::Atanh,
    ];

    pub fn from_code(code: u32) -> Option<CmathOp> {
        CmathOp::ALL.get(code as usize).copied()
    }
}

/// C99 `double _Complex` / `float _Complex`: two fields, the same ABI.
#[repr(C)]
#[derive(Clone, Copy)]
struct C64 {
    re: f64,
    im: f64,
}
#[repr(C)]
#[derive(Clone, Copy)]
struct C32 {
    re: f32,
    im: f32,
}

extern "C" {
    fn csqrt(z: C64) -> C64;
    fn cexp(z: C64) -> C64;
    fn clog(z: C64) -> C64;
    fn csin(z: C64) -> C64;
    fn ccos(z: C64) -> C64;
    fn ctan(z: C64) -> C64;
    fn csinh(z: C64) -> C64;
    fn ccosh(z: C64) -> C64;
    fn ctanh(z: C64) -> C64;
    fn casin(z: C64) -> C64;
    fn cacos(z: C64) -> C64;
    fn catan(z: C64) -> C64;
    fn casinh(z: C64) -> C64;
    fn cacosh(z: C64) -> C64;
    fn catanh(z: C64) -> C64;
    fn csqrtf(z: C32) -> C32;
    fn cexpf(z: C32) -> C32;
    fn clogf(z: C32) -> C32;
    fn csinf(z: C32) -> C32;
    fn ccosf(z: C32) -> C32;
    fn ctanf(z: C32) -> C32;
    fn csinhf(z: C32) -> C32;
    fn ccoshf(z: C32) -> C32;
    fn ctanhf(z: C32) -> C32;
    fn casinf(z: C32) -> C32;
    fn cacosf(z: C32) -> C32;
    fn catanf(z: C32) -> C32;
    fn casinhf(z: C32) -> C32;
    fn cacoshf(z: C32) -> C32;
    fn catanhf(z: C32) -> C32;
}

/// NumPy's complex128 loop for `op`.
pub fn numpy64(op: CmathOp, re: f64, im: f64) -> (f64, f64) {
    let z = C64 { re, im };
    // SAFETY: pure C library functions of a value.
    let r = unsafe {
        match op {
            CmathOp::Sqrt => csqrt(z),
            CmathOp::Exp => cexp(z),
            CmathOp::Log => clog(z),
            CmathOp::Log10 => {
                let l = clog(z);
                C64 {
                    re: l.re * std::f64::consts::LOG10_E,
                    im: l.im * std::f64::consts::LOG10_E,
                }
            }
            CmathOp::Sin => csin(z),
            CmathOp::Cos => ccos(z),
            CmathOp::Tan => ctan(z),
            CmathOp::Sinh => csinh(z),
            CmathOp::Cosh => ccosh(z),
            CmathOp::Tanh => ctanh(z),
            CmathOp::Asin => casin(z),
            CmathOp::Acos => cacos(z),
            CmathOp::Atan => catan(z),
            CmathOp::Asinh => casinh(z),
            CmathOp::Acosh => cacosh(z),
            CmathOp::Atanh => catanh(z),
        }
    };
    (r.re, r.im)
}

/// NumPy's complex64 loop for `op` (computed in single precision, as NumPy does).
pub fn numpy32(op: CmathOp, re: f32, im: f32) -> (f32, f32) {
    let z = C32 { re, im };
    // SAFETY: pure C library functions of a value.
    let r = unsafe {
        match op {
            CmathOp::Sqrt => csqrtf(z),
            CmathOp::Exp => cexpf(z),
            CmathOp::Log => clogf(z),
            CmathOp::Log10 => {
                let l = clogf(z);
                C32 {
                    re: l.re * std::f32::consts::LOG10_E,
                    im: l.im * std::f32::consts::LOG10_E,
                }
            }
            CmathOp::Sin => csinf(z),
            CmathOp::Cos => ccosf(z),
            CmathOp::Tan => ctanf(z),
            CmathOp::Sinh => csinhf(z),
            CmathOp::Cosh => ccoshf(z),
            CmathOp::Tanh => ctanhf(z),
            CmathOp::Asin => casinf(z),
            CmathOp::Acos => cacosf(z),
            CmathOp::Atan => catanf(z),
            CmathOp::Asinh => casinhf(z),
            CmathOp::Acosh => cacoshf(z),
            CmathOp::Atanh => catanhf(z),
        }
    };
    (r.re, r.im)
}

/// `np.<op>` of a complex128 value; the result goes to `out[0..2]`.
///
/// # Safety
/// `out` points to two writable f64.
pub unsafe extern "C" fn oxjit_rt_npy_cmath(op: u32, re: f64, im: f64, out: *mut f64) {
    let (a, b) = match CmathOp::from_code(op) {
        Some(op) => numpy64(op, re, im),
        None => (f64::NAN, f64::NAN),
    };
    *out = a;
    *out.add(1) = b;
}

/// `np.<op>` of a complex64 value; the result goes to `out[0..2]`.
///
/// # Safety
/// `out` points to two writable f32.
pub unsafe extern "C" fn oxjit_rt_npy_cmathf(op: u32, re: f32, im: f32, out: *mut f32) {
    let (a, b) = match CmathOp::from_code(op) {
        Some(op) => numpy32(op, re, im),
        None => (f32::NAN, f32::NAN),
    };
    *out = a;
    *out.add(1) = b;
}

/// `cmath.<op>` of a complex value, with CPython's algorithms; the result
/// goes to `out[0..2]`.
///
/// # Safety
/// `out` points to two writable f64.
pub unsafe extern "C" fn oxjit_rt_cmath(op: u32, re: f64, im: f64, out: *mut f64) {
    let (a, b) = match CmathOp::from_code(op) {
        Some(op) => cpython(op, re, im),
        None => (f64::NAN, f64::NAN),
    };
    *out = a;
    *out.add(1) = b;
}

/// Why CPython's `cmath` raises for an argument (after computing a value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmathError {
    /// `ValueError: math domain error`: C99 Annex G signals divide-by-zero or
    /// invalid for this argument.
    Domain,
    /// `OverflowError: math range error`: a finite argument whose result has
    /// an infinite part.
    Range,
}

/// CPython's `cmath.<op>(complex(re, im))`, bit for bit: CPython 3.11's
/// algorithms (`Modules/cmathmodule.c`), special-value tables and C library
/// calls. NaN results are NaN; their sign and payload are not specified.
///
/// Where CPython raises, this is the value its algorithm computed before
/// raising (math domain and range errors give IEEE results); the arguments
/// are listed at [`cpython_checked`].
pub fn cpython(op: CmathOp, re: f64, im: f64) -> (f64, f64) {
    cpython_checked(op, re, im).0
}

/// [`cpython`], with the exception CPython raises for the argument, if any:
///
/// * [`CmathError::Domain`] (`ValueError`):
///   - `log`, `log10` of `±0 ± 0j` (the value has real part `-inf`);
///   - `atanh(±1 ± 0j)` (real part `±inf`) and `atan(±0 ± 1j)` (imaginary
///     part `±inf`);
///   - `exp(x ± inf j)` for `x` finite or `+inf` (NaN parts, or `inf + nan j`);
///   - `sinh`, `cosh` of `x ± inf j` and `sin`, `cos` of `±inf + yj`, for an
///     `x` or `y` that is not NaN;
///   - `tanh(x ± inf j)` and `tan(±inf + yj)` for finite `x`, `y`.
/// * [`CmathError::Range`] (`OverflowError`): `exp`, `sinh`, `cosh`, `sin`,
///   `cos` of a finite argument whose result has an infinite part (e.g.
///   `cosh(1000 + 1j)` is `inf + inf j`; `exp(1000 + 0j)` is `inf + nan j`,
///   CPython's `exp(1000) * sin(0)`, where C99's `cexp` gives `inf + 0j`).
///
/// No other operation raises for a complex argument.
pub fn cpython_checked(op: CmathOp, re: f64, im: f64) -> ((f64, f64), Option<CmathError>) {
    let z = (re, im);
    let ok = |z| (z, None);
    match op {
        CmathOp::Sqrt => ok(py::sqrt(z)),
        CmathOp::Exp => py::exp(z),
        CmathOp::Log => py::log(z),
        CmathOp::Log10 => py::log10(z),
        CmathOp::Sin => py::sin(z),
        CmathOp::Cos => py::cos(z),
        CmathOp::Tan => py::tan(z),
        CmathOp::Sinh => py::sinh(z),
        CmathOp::Cosh => py::cosh(z),
        CmathOp::Tanh => py::tanh(z),
        CmathOp::Asin => ok(py::asin(z)),
        CmathOp::Acos => ok(py::acos(z)),
        CmathOp::Atan => py::atan(z),
        CmathOp::Asinh => ok(py::asinh(z)),
        CmathOp::Acosh => ok(py::acosh(z)),
        CmathOp::Atanh => py::atanh(z),
    }
}

/// CPython 3.11's complex functions. A complex number is `(re, im)`.
///
/// Each function treats arguments with an infinite or NaN part apart (mostly
/// by a C99 Annex G table indexed by the classes of the two parts), rescales
/// where an intermediate would overflow or lose precision as a subnormal, and
/// otherwise evaluates a formula with the C library's real functions. The
/// trigonometric functions are the hyperbolic ones of `iz`.
mod py {
    use super::CmathError::{self, Domain, Range};
    use std::f64::consts::{E, LN_10, LN_2, PI};

    type Z = (f64, f64);
    /// A value and the exception CPython raises instead of returning it.
    type Checked = (Z, Option<CmathError>);

    /// The C library's real functions, which CPython calls (Rust's `f64`
    /// methods call most of them too, but `asinh` is Rust's own).
    mod libm {
        unsafe extern "C" {
            pub safe fn exp(x: f64) -> f64;
            pub safe fn log(x: f64) -> f64;
            pub safe fn log1p(x: f64) -> f64;
            pub safe fn sin(x: f64) -> f64;
            pub safe fn cos(x: f64) -> f64;
            pub safe fn tan(x: f64) -> f64;
            pub safe fn sinh(x: f64) -> f64;
            pub safe fn cosh(x: f64) -> f64;
            pub safe fn tanh(x: f64) -> f64;
            pub safe fn asinh(x: f64) -> f64;
            pub safe fn atan2(y: f64, x: f64) -> f64;
            pub safe fn hypot(x: f64, y: f64) -> f64;
            pub safe fn ldexp(x: f64, e: std::ffi::c_int) -> f64;
        }
    }

    /// `CM_LARGE_DOUBLE`: beyond it, `sqrt`, `log` and the inverse functions
    /// change formula to avoid overflow.
    pub(super) const LARGE: f64 = f64::MAX / 4.0;
    /// `sqrt(CM_LARGE_DOUBLE)`, `atanh`'s threshold.
    pub(super) const SQRT_LARGE: f64 = 6.703_903_964_971_298e153;
    /// `log(CM_LARGE_DOUBLE)`: beyond it, `exp`, `cosh`, `sinh` and `tanh`
    /// change formula to avoid overflow.
    pub(super) const LOG_LARGE: f64 = 708.396_418_532_264_1;
    /// `sqrt(DBL_MIN)` = 2**-511.
    pub(super) const SQRT_MIN: f64 = 1.491_668_146_240_041_3e-154;
    /// `DBL_MANT_DIG`: `log` scales subnormal arguments by 2**53.
    const MANT_DIG: i32 = f64::MANTISSA_DIGITS as i32;
    /// `CM_SCALE_UP`, `CM_SCALE_DOWN`: `sqrt` scales subnormal arguments up by
    /// 2**53 and the root back down by 2**-27.
    const SCALE_UP: i32 = 53;
    const SCALE_DOWN: i32 = -(SCALE_UP + 1) / 2;

    // ---------------------------------------------------------------------
    // Special values
    // ---------------------------------------------------------------------

    /// The class of a part, which indexes the special-value tables.
    fn class(x: f64) -> usize {
        let negative = x.is_sign_negative();
        if x.is_nan() {
            6
        } else if x.is_infinite() {
            if negative {
                0
            } else {
                5
            }
        } else if x == 0.0 {
            if negative {
                2
            } else {
                3
            }
        } else if negative {
            1
        } else {
            4
        }
    }

    /// The results for arguments with an infinite or NaN part, indexed by the
    /// classes of the real and the imaginary part: `-inf`, negative, `-0`,
    /// `+0`, positive, `+inf`, NaN. (`U` marks the finite arguments, which the
    /// tables do not answer.)
    type Table = [[Z; 7]; 7];

    const N: f64 = f64::NAN;
    const INF: f64 = f64::INFINITY;
    const P: f64 = PI;
    const P12: f64 = 0.5 * PI;
    const P14: f64 = 0.25 * PI;
    const P34: f64 = 0.75 * PI;
    const U: Z = (N, N);

    fn finite((re, im): Z) -> bool {
        re.is_finite() && im.is_finite()
    }

    fn special(table: &Table, (re, im): Z) -> Z {
        table[class(re)][class(im)]
    }

    #[rustfmt::skip]
    const SQRT: Table = [
        [(INF, -INF), (0.0, -INF), (0.0, -INF), (0.0, INF), (0.0, INF), (INF, INF), (N, INF)],
        [(INF, -INF), U, U, U, U, (INF, INF), (N, N)],
        [(INF, -INF), U, (0.0, -0.0), (0.0, 0.0), U, (INF, INF), (N, N)],
        [(INF, -INF), U, (0.0, -0.0), (0.0, 0.0), U, (INF, INF), (N, N)],
        [(INF, -INF), U, U, U, U, (INF, INF), (N, N)],
        [(INF, -INF), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, INF), (INF, N)],
        [(INF, -INF), (N, N), (N, N), (N, N), (N, N), (INF, INF), (N, N)],
    ];
    #[rustfmt::skip]
    const EXP: Table = [
        [(0.0, 0.0), U, (0.0, -0.0), (0.0, 0.0), U, (0.0, 0.0), (0.0, 0.0)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(N, N), U, (1.0, -0.0), (1.0, 0.0), U, (N, N), (N, N)],
        [(N, N), U, (1.0, -0.0), (1.0, 0.0), U, (N, N), (N, N)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(INF, N), U, (INF, -0.0), (INF, 0.0), U, (INF, N), (INF, N)],
        [(N, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (N, N), (N, N)],
    ];
    #[rustfmt::skip]
    const LOG: Table = [
        [(INF, -P34), (INF, -P), (INF, -P), (INF, P), (INF, P), (INF, P34), (INF, N)],
        [(INF, -P12), U, U, U, U, (INF, P12), (N, N)],
        [(INF, -P12), U, (-INF, -P), (-INF, P), U, (INF, P12), (N, N)],
        [(INF, -P12), U, (-INF, -0.0), (-INF, 0.0), U, (INF, P12), (N, N)],
        [(INF, -P12), U, U, U, U, (INF, P12), (N, N)],
        [(INF, -P14), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, P14), (INF, N)],
        [(INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N)],
    ];
    #[rustfmt::skip]
    const SINH: Table = [
        [(INF, N), U, (-INF, -0.0), (-INF, 0.0), U, (INF, N), (INF, N)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(0.0, N), U, (-0.0, -0.0), (-0.0, 0.0), U, (0.0, N), (0.0, N)],
        [(0.0, N), U, (0.0, -0.0), (0.0, 0.0), U, (0.0, N), (0.0, N)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(INF, N), U, (INF, -0.0), (INF, 0.0), U, (INF, N), (INF, N)],
        [(N, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (N, N), (N, N)],
    ];
    #[rustfmt::skip]
    const COSH: Table = [
        [(INF, N), U, (INF, 0.0), (INF, -0.0), U, (INF, N), (INF, N)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(N, 0.0), U, (1.0, 0.0), (1.0, -0.0), U, (N, 0.0), (N, 0.0)],
        [(N, 0.0), U, (1.0, -0.0), (1.0, 0.0), U, (N, 0.0), (N, 0.0)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(INF, N), U, (INF, -0.0), (INF, 0.0), U, (INF, N), (INF, N)],
        [(N, N), (N, N), (N, 0.0), (N, 0.0), (N, N), (N, N), (N, N)],
    ];
    #[rustfmt::skip]
    const TANH: Table = [
        [(-1.0, 0.0), U, (-1.0, -0.0), (-1.0, 0.0), U, (-1.0, 0.0), (-1.0, 0.0)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(N, N), U, (-0.0, -0.0), (-0.0, 0.0), U, (N, N), (N, N)],
        [(N, N), U, (0.0, -0.0), (0.0, 0.0), U, (N, N), (N, N)],
        [(N, N), U, U, U, U, (N, N), (N, N)],
        [(1.0, 0.0), U, (1.0, -0.0), (1.0, 0.0), U, (1.0, 0.0), (1.0, 0.0)],
        [(N, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (N, N), (N, N)],
    ];
    #[rustfmt::skip]
    const ACOS: Table = [
        [(P34, INF), (P, INF), (P, INF), (P, -INF), (P, -INF), (P34, -INF), (N, INF)],
        [(P12, INF), U, U, U, U, (P12, -INF), (N, N)],
        [(P12, INF), U, (P12, 0.0), (P12, -0.0), U, (P12, -INF), (P12, N)],
        [(P12, INF), U, (P12, 0.0), (P12, -0.0), U, (P12, -INF), (P12, N)],
        [(P12, INF), U, U, U, U, (P12, -INF), (N, N)],
        [(P14, INF), (0.0, INF), (0.0, INF), (0.0, -INF), (0.0, -INF), (P14, -INF), (N, INF)],
        [(N, INF), (N, N), (N, N), (N, N), (N, N), (N, -INF), (N, N)],
    ];
    #[rustfmt::skip]
    const ACOSH: Table = [
        [(INF, -P34), (INF, -P), (INF, -P), (INF, P), (INF, P), (INF, P34), (INF, N)],
        [(INF, -P12), U, U, U, U, (INF, P12), (N, N)],
        [(INF, -P12), U, (0.0, -P12), (0.0, P12), U, (INF, P12), (N, N)],
        [(INF, -P12), U, (0.0, -P12), (0.0, P12), U, (INF, P12), (N, N)],
        [(INF, -P12), U, U, U, U, (INF, P12), (N, N)],
        [(INF, -P14), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, P14), (INF, N)],
        [(INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N)],
    ];
    #[rustfmt::skip]
    const ASINH: Table = [
        [(-INF, -P14), (-INF, -0.0), (-INF, -0.0), (-INF, 0.0), (-INF, 0.0), (-INF, P14), (-INF, N)],
        [(-INF, -P12), U, U, U, U, (-INF, P12), (N, N)],
        [(-INF, -P12), U, (-0.0, -0.0), (-0.0, 0.0), U, (-INF, P12), (N, N)],
        [(INF, -P12), U, (0.0, -0.0), (0.0, 0.0), U, (INF, P12), (N, N)],
        [(INF, -P12), U, U, U, U, (INF, P12), (N, N)],
        [(INF, -P14), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, P14), (INF, N)],
        [(INF, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (INF, N), (N, N)],
    ];
    #[rustfmt::skip]
    const ATANH: Table = [
        [(-0.0, -P12), (-0.0, -P12), (-0.0, -P12), (-0.0, P12), (-0.0, P12), (-0.0, P12), (-0.0, N)],
        [(-0.0, -P12), U, U, U, U, (-0.0, P12), (N, N)],
        [(-0.0, -P12), U, (-0.0, -0.0), (-0.0, 0.0), U, (-0.0, P12), (-0.0, N)],
        [(0.0, -P12), U, (0.0, -0.0), (0.0, 0.0), U, (0.0, P12), (0.0, N)],
        [(0.0, -P12), U, U, U, U, (0.0, P12), (N, N)],
        [(0.0, -P12), (0.0, -P12), (0.0, -P12), (0.0, P12), (0.0, P12), (0.0, P12), (0.0, N)],
        [(0.0, -P12), (N, N), (N, N), (N, N), (N, N), (0.0, P12), (N, N)],
    ];

    // ---------------------------------------------------------------------
    // The functions
    // ---------------------------------------------------------------------

    /// `i z`.
    fn times_i((re, im): Z) -> Z {
        (-im, re)
    }

    /// `-i w`.
    fn times_minus_i((re, im): Z) -> Z {
        (im, -re)
    }

    fn neg((re, im): Z) -> Z {
        (-re, -im)
    }

    /// The error of a result computed from a finite argument by a formula
    /// that may overflow.
    fn overflow(r: Z) -> Option<CmathError> {
        (r.0.is_infinite() || r.1.is_infinite()).then_some(Range)
    }

    /// `log(|z|) + ln 4` for `|z|` beyond `LARGE`, computed without overflow
    /// (the real part of the inverse functions for large arguments).
    fn log_abs_large((re, im): Z) -> f64 {
        libm::log(libm::hypot(re / 2.0, im / 2.0)) + LN_2 * 2.0
    }

    pub fn sqrt(z: Z) -> Z {
        // With x, y = |re|, |im|: s = sqrt((x + hypot(x, y)) / 2) and
        // d = y / 2s, evaluated as 2 sqrt(x/8 + hypot(x/8, y/8)) against
        // overflow, and with both parts scaled up when both are subnormal.
        if !finite(z) {
            return special(&SQRT, z);
        }
        let (re, im) = z;
        if re == 0.0 && im == 0.0 {
            return (0.0, im);
        }
        let (ax, ay) = (re.abs(), im.abs());
        let s = if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
            let ax = libm::ldexp(ax, SCALE_UP);
            let h = libm::hypot(ax, libm::ldexp(ay, SCALE_UP));
            libm::ldexp((ax + h).sqrt(), SCALE_DOWN)
        } else {
            let ax = ax / 8.0;
            2.0 * (ax + libm::hypot(ax, ay / 8.0)).sqrt()
        };
        let d = ay / (2.0 * s);
        if re >= 0.0 {
            (s, d.copysign(im))
        } else {
            (d, s.copysign(im))
        }
    }

    pub fn exp(z: Z) -> Checked {
        let (re, im) = z;
        if !finite(z) {
            let r = if re.is_infinite() && im.is_finite() && im != 0.0 {
                // exp(±inf + iy): 0 or inf in the direction of y.
                let m = if re > 0.0 { INF } else { 0.0 };
                (m.copysign(libm::cos(im)), m.copysign(libm::sin(im)))
            } else {
                special(&EXP, z)
            };
            let domain = im.is_infinite() && (re.is_finite() || re == INF);
            return (r, domain.then_some(Domain));
        }
        let r = if re > LOG_LARGE {
            let l = libm::exp(re - 1.0);
            (l * libm::cos(im) * E, l * libm::sin(im) * E)
        } else {
            let l = libm::exp(re);
            (l * libm::cos(im), l * libm::sin(im))
        };
        (r, overflow(r))
    }

    /// `cosh` and `sinh`: `(cos y cosh x, sin y sinh x)` and
    /// `(cos y sinh x, sin y cosh x)`; beyond `LOG_LARGE` with `|x| - 1` and a
    /// factor `e`, so that the result overflows only if it must.
    fn cosh_sinh(z: Z, cosh: bool) -> Checked {
        let (re, im) = z;
        if !finite(z) {
            let r = if re.is_infinite() && im.is_finite() && im != 0.0 {
                // ±inf in the directions of cos y, sin y, the signs of
                // cosh(±inf) and sinh(±inf) applied.
                let (c, s) = (INF.copysign(libm::cos(im)), INF.copysign(libm::sin(im)));
                match (cosh, re > 0.0) {
                    (_, true) => (c, s),
                    (true, false) => (c, -s),
                    (false, false) => (-c, s),
                }
            } else {
                special(if cosh { &COSH } else { &SINH }, z)
            };
            let domain = im.is_infinite() && !re.is_nan();
            return (r, domain.then_some(Domain));
        }
        let (x, scale) = if re.abs() > LOG_LARGE {
            (re - 1.0f64.copysign(re), Some(E))
        } else {
            (re, None)
        };
        let (ch, sh) = (libm::cosh(x), libm::sinh(x));
        let (a, b) = if cosh { (ch, sh) } else { (sh, ch) };
        let (mut r0, mut r1) = (libm::cos(im) * a, libm::sin(im) * b);
        if let Some(e) = scale {
            r0 *= e;
            r1 *= e;
        }
        let r = (r0, r1);
        (r, overflow(r))
    }

    pub fn cosh(z: Z) -> Checked {
        cosh_sinh(z, true)
    }

    pub fn sinh(z: Z) -> Checked {
        cosh_sinh(z, false)
    }

    pub fn tanh(z: Z) -> Checked {
        // tanh(x + iy) = (tanh x (1 + tan²y) + i tan y (1 - tanh²x))
        //                / (1 + tan²y tanh²x),
        // with 1 - tanh²x = 1/cosh²x, or ≈ 4 exp(-2|x|) for large x.
        let (re, im) = z;
        if !finite(z) {
            let r = if re.is_infinite() && im.is_finite() && im != 0.0 {
                (
                    1.0f64.copysign(re),
                    0.0f64.copysign(2.0 * libm::sin(im) * libm::cos(im)),
                )
            } else {
                special(&TANH, z)
            };
            let domain = im.is_infinite() && re.is_finite();
            return (r, domain.then_some(Domain));
        }
        let r = if re.abs() > LOG_LARGE {
            let i = 4.0 * libm::sin(im) * libm::cos(im) * libm::exp(-2.0 * re.abs());
            (1.0f64.copysign(re), i)
        } else {
            let tx = libm::tanh(re);
            let ty = libm::tan(im);
            let cx = 1.0 / libm::cosh(re);
            let txty = tx * ty;
            let denom = 1.0 + txty * txty;
            (tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx)
        };
        (r, None)
    }

    /// cos z = cosh iz.
    pub fn cos(z: Z) -> Checked {
        cosh(times_i(z))
    }

    /// sin z = -i sinh iz.
    pub fn sin(z: Z) -> Checked {
        let (r, e) = sinh(times_i(z));
        (times_minus_i(r), e)
    }

    /// tan z = -i tanh iz.
    pub fn tan(z: Z) -> Checked {
        let (r, e) = tanh(times_i(z));
        (times_minus_i(r), e)
    }

    pub fn log(z: Z) -> Checked {
        // log|z| is log(hypot(x, y)), except: rescaled when |z| would
        // overflow or be subnormal, and as log1p(max² - 1 + min²)/2 near
        // |z| = 1, where log(hypot) loses accuracy.
        if !finite(z) {
            return (special(&LOG, z), None);
        }
        let (re, im) = z;
        let (ax, ay) = (re.abs(), im.abs());
        let real = if ax > LARGE || ay > LARGE {
            libm::log(libm::hypot(ax / 2.0, ay / 2.0)) + LN_2
        } else if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
            if ax == 0.0 && ay == 0.0 {
                return ((-INF, libm::atan2(im, re)), Some(Domain));
            }
            let h = libm::hypot(libm::ldexp(ax, MANT_DIG), libm::ldexp(ay, MANT_DIG));
            libm::log(h) - f64::from(MANT_DIG) * LN_2
        } else {
            let h = libm::hypot(ax, ay);
            if (0.71..=1.73).contains(&h) {
                let (am, an) = if ax > ay { (ax, ay) } else { (ay, ax) };
                libm::log1p((am - 1.0) * (am + 1.0) + an * an) / 2.0
            } else {
                libm::log(h)
            }
        };
        ((real, libm::atan2(im, re)), None)
    }

    pub fn log10(z: Z) -> Checked {
        let ((re, im), e) = log(z);
        ((re / LN_10, im / LN_10), e)
    }

    pub fn asinh(z: Z) -> Z {
        // With s1 = sqrt(1 + iz), s2 = sqrt(1 - iz):
        // asinh z = asinh(Im(conj(s1) s2)) + i atan2(y, Re(s1 s2)).
        if !finite(z) {
            return special(&ASINH, z);
        }
        let (re, im) = z;
        if re.abs() > LARGE || im.abs() > LARGE {
            // asinh z ≈ ±log 2z; the sign of the real part follows re, with
            // -0 + iy taken as the left half plane when y < 0.
            let l = log_abs_large(z);
            let real = if im >= 0.0 {
                l.copysign(re)
            } else {
                -l.copysign(-re)
            };
            return (real, libm::atan2(im, re.abs()));
        }
        let s1 = sqrt((1.0 + im, -re));
        let s2 = sqrt((1.0 - im, re));
        (
            libm::asinh(s1.0 * s2.1 - s2.0 * s1.1),
            libm::atan2(im, s1.0 * s2.0 - s1.1 * s2.1),
        )
    }

    /// asin z = -i asinh iz.
    pub fn asin(z: Z) -> Z {
        times_minus_i(asinh(times_i(z)))
    }

    pub fn acos(z: Z) -> Z {
        // With s1 = sqrt(1 - z), s2 = sqrt(1 + z):
        // acos z = 2 atan2(Re s1, Re s2) + i asinh(Im(conj(s2) s1)).
        if !finite(z) {
            return special(&ACOS, z);
        }
        let (re, im) = z;
        if re.abs() > LARGE || im.abs() > LARGE {
            return (libm::atan2(im.abs(), re), -log_abs_large(z).copysign(im));
        }
        let s1 = sqrt((1.0 - re, -im));
        let s2 = sqrt((1.0 + re, im));
        (
            2.0 * libm::atan2(s1.0, s2.0),
            libm::asinh(s2.0 * s1.1 - s2.1 * s1.0),
        )
    }

    pub fn acosh(z: Z) -> Z {
        // With s1 = sqrt(z - 1), s2 = sqrt(z + 1):
        // acosh z = asinh(Re(conj(s1) s2)) + 2i atan2(Im s1, Re s2).
        if !finite(z) {
            return special(&ACOSH, z);
        }
        let (re, im) = z;
        if re.abs() > LARGE || im.abs() > LARGE {
            return (log_abs_large(z), libm::atan2(im, re));
        }
        let s1 = sqrt((re - 1.0, im));
        let s2 = sqrt((re + 1.0, im));
        (
            libm::asinh(s1.0 * s2.0 + s1.1 * s2.1),
            2.0 * libm::atan2(s1.1, s2.0),
        )
    }

    pub fn atanh(z: Z) -> Checked {
        // atanh z = log1p(4x / ((1 - x)² + y²)) / 4
        //         - i atan2(-2y, (1 - x)(1 + x) - y²) / 2,
        // for x >= 0 (atanh is odd); ≈ 1/z ± iπ/2 for large |z|; with care at
        // 1 ± tiny i, where (1 - x)² + y² underflows.
        if !finite(z) {
            return (special(&ATANH, z), None);
        }
        let (re, im) = z;
        if re < 0.0 {
            let (r, e) = atanh(neg(z));
            return (neg(r), e);
        }
        let ay = im.abs();
        let r = if re > SQRT_LARGE || ay > SQRT_LARGE {
            let h = libm::hypot(re / 2.0, im / 2.0);
            (re / 4.0 / h / h, (PI / 2.0).copysign(im))
        } else if re == 1.0 && ay < SQRT_MIN {
            if ay == 0.0 {
                return ((INF, im), Some(Domain));
            }
            let real = -libm::log(ay.sqrt() / libm::hypot(ay, 2.0).sqrt());
            (real, (libm::atan2(2.0, -ay) / 2.0).copysign(im))
        } else {
            let one_minus = 1.0 - re;
            let real = libm::log1p(4.0 * re / (one_minus * one_minus + ay * ay)) / 4.0;
            let imag = -libm::atan2(-2.0 * im, one_minus * (1.0 + re) - ay * ay) / 2.0;
            (real, imag)
        };
        (r, None)
    }

    /// atan z = -i atanh iz.
    pub fn atan(z: Z) -> Checked {
        let (r, e) = atanh(times_i(z));
        (times_minus_i(r), e)
    }
}

/// Float operations NumPy's complex power needs, in either width.
trait NpyFloat:
    Copy
    + PartialOrd
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    const NAN: Self;
    fn abs(self) -> Self;
    fn to_f64(self) -> f64;
    /// The C library's `cpow`/`cpowf`.
    fn cpow(a: (Self, Self), b: (Self, Self)) -> (Self, Self);
}

extern "C" {
    fn cpow(a: C64, b: C64) -> C64;
    fn cpowf(a: C32, b: C32) -> C32;
}

impl NpyFloat for f64 {
    const ZERO: f64 = 0.0;
    const ONE: f64 = 1.0;
    const NAN: f64 = f64::NAN;
    fn abs(self) -> f64 {
        f64::abs(self)
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn cpow(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
        // SAFETY: a pure C library function of values.
        let r = unsafe { cpow(C64 { re: a.0, im: a.1 }, C64 { re: b.0, im: b.1 }) };
        (r.re, r.im)
    }
}

impl NpyFloat for f32 {
    const ZERO: f32 = 0.0;
    const ONE: f32 = 1.0;
    const NAN: f32 = f32::NAN;
    fn abs(self) -> f32 {
        f32::abs(self)
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn cpow(a: (f32, f32), b: (f32, f32)) -> (f32, f32) {
        // SAFETY: a pure C library function of values.
        let r = unsafe { cpowf(C32 { re: a.0, im: a.1 }, C32 { re: b.0, im: b.1 }) };
        (r.re, r.im)
    }
}

fn npy_cmul<T: NpyFloat>(a: (T, T), b: (T, T)) -> (T, T) {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

/// NumPy's complex division loop (Smith's method, reciprocal multiply).
fn npy_cdiv<T: NpyFloat>(a: (T, T), b: (T, T)) -> (T, T) {
    let (abr, abi) = (b.0.abs(), b.1.abs());
    if abr >= abi {
        if abr == T::ZERO && abi == T::ZERO {
            return (a.0 / abr, a.1 / abr);
        }
        let rat = b.1 / b.0;
        let scl = T::ONE / (b.0 + b.1 * rat);
        ((a.0 + a.1 * rat) * scl, (a.1 - a.0 * rat) * scl)
    } else {
        let rat = b.0 / b.1;
        let scl = T::ONE / (b.1 + b.0 * rat);
        ((a.0 * rat + a.1) * scl, (a.1 * rat - a.0) * scl)
    }
}

/// NumPy's `power` loop for complex values: 1 for a zero exponent, 0 or NaN
/// for a zero base, repeated multiplication for integer exponents below 100
/// in magnitude, the C library's `cpow` otherwise.
fn npy_cpow<T: NpyFloat>(a: (T, T), b: (T, T)) -> (T, T) {
    let (br, bi) = b;
    if br == T::ZERO && bi == T::ZERO {
        return (T::ONE, T::ZERO);
    }
    if a.0 == T::ZERO && a.1 == T::ZERO {
        return if br > T::ZERO {
            (T::ZERO, T::ZERO)
        } else {
            (T::NAN, T::NAN)
        };
    }
    let n = br.to_f64();
    if bi == T::ZERO && n.is_finite() && n == n.trunc() && n.abs() < 100.0 {
        let n = n as i64;
        match n {
            1 => return a,
            2 => return npy_cmul(a, a),
            3 => return npy_cmul(npy_cmul(a, a), a),
            _ => {}
        }
        let k = n.unsigned_abs();
        let (mut acc, mut p, mut mask) = ((T::ONE, T::ZERO), a, 1u64);
        loop {
            if k & mask != 0 {
                acc = npy_cmul(acc, p);
            }
            mask <<= 1;
            if k < mask {
                break;
            }
            p = npy_cmul(p, p);
        }
        return if n < 0 {
            npy_cdiv((T::ONE, T::ZERO), acc)
        } else {
            acc
        };
    }
    T::cpow(a, b)
}

/// `a ** b` of complex128 arrays (NumPy's loop); the result goes to `out[0..2]`.
///
/// # Safety
/// `out` points to two writable f64.
pub unsafe extern "C" fn oxjit_rt_npy_cpow(ar: f64, ai: f64, br: f64, bi: f64, out: *mut f64) {
    let (a, b) = npy_cpow((ar, ai), (br, bi));
    *out = a;
    *out.add(1) = b;
}

/// `a ** b` of complex64 arrays (NumPy's loop); the result goes to `out[0..2]`.
///
/// # Safety
/// `out` points to two writable f32.
pub unsafe extern "C" fn oxjit_rt_npy_cpowf(ar: f32, ai: f32, br: f32, bi: f32, out: *mut f32) {
    let (a, b) = npy_cpow((ar, ai), (br, bi));
    *out = a;
    *out.add(1) = b;
}

/// CPython's `cmath.rect(r, phi)`: the formula for finite values, and its
/// special values otherwise (where CPython raises ValueError, NaNs).
pub fn cpython_rect(r: f64, phi: f64) -> (f64, f64) {
    const INF: f64 = f64::INFINITY;
    if r.is_finite() && phi.is_finite() {
        if phi == 0.0 {
            // Keeps the sign of a zero phi (r * ±0).
            return (r, r * phi);
        }
        return (r * phi.cos(), r * phi.sin());
    }
    if r.is_infinite() && phi.is_finite() {
        if phi == 0.0 {
            return (r, if r > 0.0 { phi } else { -phi });
        }
        let (c, s) = (INF.copysign(phi.cos()), INF.copysign(phi.sin()));
        return if r > 0.0 { (c, s) } else { (-c, -s) };
    }
    if r == 0.0 {
        return (0.0, 0.0);
    }
    if r.is_nan() {
        return (f64::NAN, if phi == 0.0 { 0.0 } else { f64::NAN });
    }
    if r.is_infinite() && phi.is_nan() {
        return (INF, f64::NAN);
    }
    (f64::NAN, f64::NAN)
}

/// `cmath.rect(r, phi)`; the result goes to `out[0..2]`.
///
/// # Safety
/// `out` points to two writable f64.
pub unsafe extern "C" fn oxjit_rt_cmath_rect(r: f64, phi: f64, out: *mut f64) {
    let (a, b) = cpython_rect(r, phi);
    *out = a;
    *out.add(1) = b;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (i, op) in CmathOp::ALL.iter().enumerate() {
            assert_eq!(*op as u32, i as u32);
            assert_eq!(CmathOp::from_code(i as u32), Some(*op));
        }
        assert_eq!(CmathOp::from_code(16), None);
    }

    #[test]
    fn c_library_abi_passes_two_floats() {
        // exp(i*pi/2) = i (to rounding); tan of a pure imaginary is imaginary.
        let (re, im) = numpy64(CmathOp::Exp, 0.0, std::f64::consts::FRAC_PI_2);
        assert!(re.abs() < 1e-15 && (im - 1.0).abs() < 1e-15);
        let (re, im) = numpy32(CmathOp::Sqrt, -4.0, 0.0);
        assert_eq!((re, im), (0.0, 2.0));
        let (re, im) = numpy64(CmathOp::Log10, 100.0, 0.0);
        assert_eq!((re, im), (2.0, 0.0));
    }

    #[test]
    fn rect_special_values_are_cpythons() {
        let bits = |(a, b): (f64, f64)| (a.to_bits(), b.to_bits());
        let inf = f64::INFINITY;
        assert_eq!(bits(cpython_rect(-inf, 0.0)), bits((-inf, -0.0)));
        assert_eq!(bits(cpython_rect(inf, -0.0)), bits((inf, -0.0)));
        assert_eq!(bits(cpython_rect(-0.0, inf)), bits((0.0, 0.0)));
        assert_eq!(bits(cpython_rect(2.0, -0.0)), bits((2.0, -0.0)));
        let (re, im) = cpython_rect(f64::NAN, -0.0);
        assert!(re.is_nan() && im.to_bits() == 0);
        let (re, im) = cpython_rect(-inf, f64::NAN);
        assert!(re == inf && im.is_nan());
    }

    #[test]
    fn cpython_thresholds_are_the_c_expressions() {
        // CPython computes these with the C library (or the compiler folds
        // them, correctly rounded); they are literals here.
        let large = f64::MAX / 4.0;
        assert_eq!(py::LARGE, large);
        assert_eq!(py::SQRT_LARGE, large.sqrt());
        assert_eq!(py::LOG_LARGE, large.ln());
        assert_eq!(py::SQRT_MIN, f64::MIN_POSITIVE.sqrt());
        assert_eq!(py::SQRT_MIN, 2f64.powi(-511));
        // <math.h>'s M_LN2 and M_LN10 literals are Rust's constants.
        let c_literal = |s: &str| s.parse::<f64>().unwrap();
        assert_eq!(std::f64::consts::LN_2, c_literal("0.6931471805599453094"));
        assert_eq!(std::f64::consts::LN_10, c_literal("2.302585092994045684"));
    }

    #[test]
    fn cpython_errors() {
        use CmathError::*;
        let z = |op, re, im| cpython_checked(op, re, im);
        assert_eq!(
            z(CmathOp::Log, 0.0, -0.0),
            ((f64::NEG_INFINITY, -0.0), Some(Domain))
        );
        // exp(999) * sin(0) is inf * 0: CPython's value is not C99's inf + 0j.
        let ((re, im), e) = z(CmathOp::Exp, 1000.0, 0.0);
        assert!(re == f64::INFINITY && im.is_nan() && e == Some(Range));
        assert_eq!(
            z(CmathOp::Atanh, 1.0, 0.0),
            ((f64::INFINITY, 0.0), Some(Domain))
        );
        assert_eq!(z(CmathOp::Atan, 0.0, 1.0).1, Some(Domain));
        assert_eq!(z(CmathOp::Tanh, 1.0, f64::INFINITY).1, Some(Domain));
        assert_eq!(z(CmathOp::Sqrt, -4.0, -0.0), ((0.0, -2.0), None));
        // The plain entry point gives the same IEEE value.
        assert_eq!(
            cpython(CmathOp::Cosh, 1000.0, 1.0),
            (f64::INFINITY, f64::INFINITY)
        );
    }
}
