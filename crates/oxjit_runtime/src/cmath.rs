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

/// CPython's `cmath.<op>(complex(re, im))`.
pub fn cpython(op: CmathOp, re: f64, im: f64) -> (f64, f64) {
    // Until CPython's algorithms are in, the C library's (the same formulas
    // as NumPy's complex128 loops).
    numpy64(op, re, im)
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
}
