//! The standard library's `random` module (`random.seed`, `random.random`,
//! `random.randrange`, `random.gauss`, ...) for compiled code, bit-exact with
//! CPython 3.11's module-level functions for the same integer seed.
//!
//! * The generator is CPython's MT19937 (`_randommodule.c`): `seed(n)` runs
//!   `init_by_array` over the 32-bit words of `abs(n)`, least significant
//!   first (one word `[0]` for 0), so `seed(n)` and `seed(-n)` agree; the
//!   key schedule, the twist and the tempering are `LegacyRandom`'s.
//! * `random()` is `(a >> 5) * 2**26 + (b >> 6)` over 2**53 from two draws.
//! * `getrandbits(k)` fills 32-bit words least significant first, the last
//!   word shifted right to drop its extra bits; `randrange`, `randint`,
//!   `choice` and `shuffle` draw through `_randbelow`: `getrandbits(k)` with
//!   `k = n.bit_length()` until the value is below `n`.
//! * The distributions are `Lib/random.py`'s algorithms in its order of
//!   operations, with the same libm calls, and `gauss` keeps the second
//!   value of its pair until the next call or `seed`.
//!
//! The state is NOT Python's `random` module state and not `np.random`'s
//! (`random.rs`): compiled code has its own, one per thread, seeded from OS
//! entropy on first use unless compiled code calls `random.seed(n)` (as in
//! Numba). Errors CPython raises are set as the pending exception and the
//! fallible entry points return status 1.

use crate::random::{entropy_key, LegacyRandom};
use crate::set_error;
use std::cell::RefCell;

// `oxjit_types::ExcKind::code()` of the exceptions raised here (the
// runtime does not depend on oxjit_types; tests/test_pyrandom.py checks
// the classes).
const VALUE_ERROR: u32 = 2;
const ZERO_DIVISION_ERROR: u32 = 6;
const OVERFLOW_ERROR: u32 = 7;

// Lib/random.py's constants, as Python computes them.
/// `4 * exp(-0.5) / sqrt(2.0)`
const NV_MAGICCONST: f64 = 1.7155277699214135;
/// `2.0 * pi`
const TWOPI: f64 = std::f64::consts::TAU;
/// `log(4.0)`
const LOG4: f64 = 1.3862943611198906;
/// `1.0 + log(4.5)`
const SG_MAGICCONST: f64 = 2.504077396776274;

/// An exception to raise: `ExcKind` code and message.
pub type PyErr = (u32, String);

fn zero_division() -> PyErr {
    (ZERO_DIVISION_ERROR, "float division by zero".into())
}

/// Python's `x / y` of floats.
fn div(x: f64, y: f64) -> Result<f64, PyErr> {
    if y == 0.0 {
        return Err(zero_division());
    }
    Ok(x / y)
}

/// Python's `x ** y` of floats where `x >= 0` (all the module needs): C's
/// `pow`, except that `0.0 ** negative` and a finite overflow raise.
fn pow(x: f64, y: f64) -> Result<f64, PyErr> {
    if x == 0.0 && y < 0.0 {
        return Err((
            ZERO_DIVISION_ERROR,
            "0.0 cannot be raised to a negative power".into(),
        ));
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err((
            OVERFLOW_ERROR,
            "(34, 'Numerical result out of range')".into(),
        ));
    }
    Ok(r)
}

/// Python's `x % y` of floats (the result has the sign of `y`).
fn py_mod(x: f64, y: f64) -> f64 {
    let m = x % y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m + y
        } else {
            m
        }
    } else {
        0.0f64.copysign(y)
    }
}

/// Python's floor division of integers.
fn floor_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// CPython's `random.Random` state: the Mersenne Twister and `gauss_next`.
#[derive(Clone)]
pub struct PyRandom {
    mt: LegacyRandom,
    gauss_next: Option<f64>,
    seeded: bool,
}

impl PyRandom {
    const UNSEEDED: PyRandom = PyRandom {
        mt: LegacyRandom::UNSEEDED,
        gauss_next: None,
        seeded: false,
    };

    /// A state seeded like `random.seed(n)` (`magnitude` is `abs(n)`).
    pub fn new(magnitude: u64) -> Self {
        let mut s = Self::UNSEEDED;
        s.seed(magnitude);
        s
    }

    /// `random.seed(n)` for an int whose absolute value is `magnitude`.
    pub fn seed(&mut self, magnitude: u64) {
        let (lo, hi) = (magnitude as u32, (magnitude >> 32) as u32);
        if hi == 0 {
            self.mt.seed_by_array(&[lo]);
        } else {
            self.mt.seed_by_array(&[lo, hi]);
        }
        self.gauss_next = None;
        self.seeded = true;
    }

    /// `random.seed()` / `random.seed(None)`: OS entropy.
    pub fn seed_from_entropy(&mut self) {
        self.mt.seed_by_array(&entropy_key());
        self.gauss_next = None;
        self.seeded = true;
    }

    /// `random()`: [0, 1) with 53 bits.
    pub fn random(&mut self) -> f64 {
        self.mt.next_double()
    }

    /// `getrandbits(k)` for `k <= 128`.
    pub fn getrandbits(&mut self, k: u32) -> u128 {
        let k = k.min(128);
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return (self.mt.next_u32() >> (32 - k)) as u128;
        }
        let mut out = 0u128;
        let mut left = k;
        let mut shift = 0;
        while left > 0 {
            let mut r = self.mt.next_u32();
            if left < 32 {
                r >>= 32 - left;
            }
            out |= (r as u128) << shift;
            shift += 32;
            left = left.saturating_sub(32);
        }
        out
    }

    /// `_randbelow(n)`: a value in `[0, n)`, for `n > 0` (0 gives 0).
    pub fn randbelow(&mut self, n: u128) -> u128 {
        if n == 0 {
            return 0;
        }
        let k = 128 - n.leading_zeros();
        let mut r = self.getrandbits(k);
        while r >= n {
            r = self.getrandbits(k);
        }
        r
    }

    /// `randrange(start, stop, step)`; `stop = None` is the one-argument form.
    pub fn randrange(
        &mut self,
        start: i128,
        stop: Option<i128>,
        step: i128,
    ) -> Result<i128, PyErr> {
        let empty = || (VALUE_ERROR, "empty range for randrange()".to_string());
        let Some(stop) = stop else {
            if start > 0 {
                return Ok(self.randbelow(start as u128) as i128);
            }
            return Err(empty());
        };
        let width = stop - start;
        // CPython 3.12 reworded these (3.11: "empty range for randrange()").
        let new_words = crate::python_minor() >= 12;
        if step == 1 {
            if width > 0 {
                return Ok(start + self.randbelow(width as u128) as i128);
            }
            return Err((
                VALUE_ERROR,
                if new_words {
                    format!("empty range in randrange({start}, {stop})")
                } else {
                    format!("empty range for randrange() ({start}, {stop}, {width})")
                },
            ));
        }
        let n = match step {
            0 => return Err((VALUE_ERROR, "zero step for randrange()".into())),
            s if s > 0 => floor_div(width + s - 1, s),
            s => floor_div(width + s + 1, s),
        };
        if n <= 0 {
            if new_words {
                return Err((
                    VALUE_ERROR,
                    format!("empty range in randrange({start}, {stop}, {step})"),
                ));
            }
            return Err(empty());
        }
        Ok(start + step * self.randbelow(n as u128) as i128)
    }

    /// `uniform(a, b)`.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// `triangular(low, high, mode)` (`mode = None` is the midpoint).
    pub fn triangular(&mut self, low: f64, high: f64, mode: Option<f64>) -> Result<f64, PyErr> {
        let mut u = self.random();
        let mut c = match mode {
            None => 0.5,
            Some(m) => match div(m - low, high - low) {
                Ok(c) => c,
                Err(_) => return Ok(low),
            },
        };
        let (mut low, mut high) = (low, high);
        if u > c {
            u = 1.0 - u;
            c = 1.0 - c;
            std::mem::swap(&mut low, &mut high);
        }
        let uc = u * c;
        if uc < 0.0 {
            return Err((VALUE_ERROR, "math domain error".into()));
        }
        Ok(low + (high - low) * uc.sqrt())
    }

    /// `normalvariate(mu, sigma)` (Kinderman and Monahan).
    pub fn normalvariate(&mut self, mu: f64, sigma: f64) -> f64 {
        loop {
            let u1 = self.random();
            let u2 = 1.0 - self.random();
            let z = NV_MAGICCONST * (u1 - 0.5) / u2;
            let zz = z * z / 4.0;
            if zz <= -u2.ln() {
                return mu + z * sigma;
            }
        }
    }

    /// `gauss(mu, sigma)`: Box–Muller, the second value kept for the next call.
    pub fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        let z = match self.gauss_next.take() {
            Some(z) => z,
            None => {
                let x2pi = self.random() * TWOPI;
                let g2rad = (-2.0 * (1.0 - self.random()).ln()).sqrt();
                self.gauss_next = Some(x2pi.sin() * g2rad);
                x2pi.cos() * g2rad
            }
        };
        mu + z * sigma
    }

    /// `lognormvariate(mu, sigma)`: `exp(normalvariate(mu, sigma))`.
    pub fn lognormvariate(&mut self, mu: f64, sigma: f64) -> Result<f64, PyErr> {
        let x = self.normalvariate(mu, sigma);
        let r = x.exp();
        if r.is_infinite() && x.is_finite() {
            return Err((OVERFLOW_ERROR, "math range error".into()));
        }
        Ok(r)
    }

    /// `expovariate(lambd)`.
    pub fn expovariate(&mut self, lambd: f64) -> Result<f64, PyErr> {
        div(-(1.0 - self.random()).ln(), lambd)
    }

    /// `vonmisesvariate(mu, kappa)`. A NaN `kappa` (CPython loops forever)
    /// gives NaN.
    pub fn vonmisesvariate(&mut self, mu: f64, kappa: f64) -> f64 {
        if kappa <= 1e-6 {
            return TWOPI * self.random();
        }
        if kappa.is_nan() {
            return f64::NAN;
        }
        let s = 0.5 / kappa;
        let r = s + (1.0 + s * s).sqrt();
        let z = loop {
            let u1 = self.random();
            let z = (std::f64::consts::PI * u1).cos();
            let d = z / (r + z);
            let u2 = self.random();
            if u2 < 1.0 - d * d || u2 <= (1.0 - d) * d.exp() {
                break z;
            }
        };
        let q = 1.0 / r;
        let f = (q + z) / (1.0 + q * z);
        let u3 = self.random();
        if u3 > 0.5 {
            py_mod(mu + f.acos(), TWOPI)
        } else {
            py_mod(mu - f.acos(), TWOPI)
        }
    }

    /// `gammavariate(alpha, beta)`. Parameters on which CPython's rejection
    /// loops never end (NaN or infinite `alpha`) give NaN.
    pub fn gammavariate(&mut self, alpha: f64, beta: f64) -> Result<f64, PyErr> {
        if alpha <= 0.0 || beta <= 0.0 {
            return Err((
                VALUE_ERROR,
                "gammavariate: alpha and beta must be > 0.0".into(),
            ));
        }
        if !alpha.is_finite() {
            return Ok(f64::NAN);
        }
        if alpha > 1.0 {
            let ainv = (2.0 * alpha - 1.0).sqrt();
            let bbb = alpha - LOG4;
            let ccc = alpha + ainv;
            loop {
                let u1 = self.random();
                if !(1e-7 < u1 && u1 < 0.9999999) {
                    continue;
                }
                let u2 = 1.0 - self.random();
                let v = (u1 / (1.0 - u1)).ln() / ainv;
                let x = alpha * v.exp();
                let z = u1 * u1 * u2;
                let r = bbb + ccc * v - x;
                if r + SG_MAGICCONST - 4.5 * z >= 0.0 || r >= z.ln() {
                    return Ok(x * beta);
                }
            }
        } else if alpha == 1.0 {
            Ok(-(1.0 - self.random()).ln() * beta)
        } else {
            let e = std::f64::consts::E;
            loop {
                let u = self.random();
                let b = (e + alpha) / e;
                let p = b * u;
                let x = if p <= 1.0 {
                    pow(p, 1.0 / alpha)?
                } else {
                    -((b - p) / alpha).ln()
                };
                let u1 = self.random();
                if p > 1.0 {
                    if u1 <= pow(x, alpha - 1.0)? {
                        return Ok(x * beta);
                    }
                } else if u1 <= (-x).exp() {
                    return Ok(x * beta);
                }
            }
        }
    }

    /// `betavariate(alpha, beta)` (3.11: two gammas, 0.0 when the first is 0).
    pub fn betavariate(&mut self, alpha: f64, beta: f64) -> Result<f64, PyErr> {
        let y = self.gammavariate(alpha, 1.0)?;
        if y != 0.0 {
            let g = self.gammavariate(beta, 1.0)?;
            return div(y, y + g);
        }
        Ok(0.0)
    }

    /// `paretovariate(alpha)`.
    pub fn paretovariate(&mut self, alpha: f64) -> Result<f64, PyErr> {
        let u = 1.0 - self.random();
        pow(u, div(-1.0, alpha)?)
    }

    /// `weibullvariate(alpha, beta)`.
    pub fn weibullvariate(&mut self, alpha: f64, beta: f64) -> Result<f64, PyErr> {
        let u = 1.0 - self.random();
        Ok(alpha * pow(-u.ln(), div(1.0, beta)?)?)
    }
}

thread_local! {
    // Const-initialised without a destructor, like `random.rs`'s state.
    static STATE: RefCell<PyRandom> = const { RefCell::new(PyRandom::UNSEEDED) };
}

/// Run `f` on the calling thread's `random` state (seeded from entropy on
/// first use).
pub fn with_py_state<R>(f: impl FnOnce(&mut PyRandom) -> R) -> R {
    STATE.with(|cell| {
        // Never already borrowed: nothing run under the borrow re-enters.
        let mut state = cell.borrow_mut();
        if !state.seeded {
            state.seed_from_entropy();
        }
        f(&mut state)
    })
}

/// Store `r`'s value in `out` (status 0) or set its exception (status 1).
///
/// # Safety
/// `out` must be writable.
unsafe fn finish<T>(r: Result<T, PyErr>, out: *mut T) -> i32 {
    match r {
        Ok(v) => {
            *out = v;
            0
        }
        Err((kind, msg)) => {
            set_error(kind, &msg);
            1
        }
    }
}

/// `random.seed(n)` for this thread; `magnitude` is `abs(n)`.
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_seed(magnitude: u64) {
    STATE.with(|cell| cell.borrow_mut().seed(magnitude));
}

/// `random.seed()` / `random.seed(None)` for this thread: OS entropy.
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_seed_entropy() {
    STATE.with(|cell| cell.borrow_mut().seed_from_entropy());
}

/// `random.random()`.
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_random() -> f64 {
    with_py_state(|s| s.random())
}

/// `_randbelow(n)` for `n > 0` (`choice`, `shuffle`).
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_randbelow(n: u64) -> u64 {
    with_py_state(|s| s.randbelow(n as u128) as u64)
}

/// `random.getrandbits(k)`, `0 <= k <= 64` (a uint64 result, as in Numba).
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_pyrandom_getrandbits(k: i64, out: *mut u64) -> i32 {
    let r = if k < 0 {
        Err((VALUE_ERROR, "number of bits must be non-negative".into()))
    } else if k > 64 {
        Err((OVERFLOW_ERROR, "getrandbits() limited to 64 bits".into()))
    } else {
        Ok(with_py_state(|s| s.getrandbits(k as u32) as u64))
    };
    finish(r, out)
}

/// `random.randrange(stop)` (`form` 1), `random.randint(a, b)` (`form` 2,
/// i.e. `randrange(a, b + 1)`) or `random.randrange(start, stop, step)`
/// (any other `form`), with CPython's `ValueError`s.
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_pyrandom_randrange(
    start: i64,
    stop: i64,
    step: i64,
    form: i32,
    out: *mut i64,
) -> i32 {
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    let r = with_py_state(|s| match form {
        1 => s.randrange(start, None, 1),
        2 => s.randrange(start, Some(stop + 1), 1),
        _ => s.randrange(start, Some(stop), step),
    });
    // The result lies in the range, so it fits.
    finish(r.map(|v| v as i64), out)
}

/// `random.uniform(a, b)`.
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_uniform(a: f64, b: f64) -> f64 {
    with_py_state(|s| s.uniform(a, b))
}

/// `random.gauss(mu, sigma)`.
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_gauss(mu: f64, sigma: f64) -> f64 {
    with_py_state(|s| s.gauss(mu, sigma))
}

/// `random.normalvariate(mu, sigma)`.
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_normalvariate(mu: f64, sigma: f64) -> f64 {
    with_py_state(|s| s.normalvariate(mu, sigma))
}

/// `random.vonmisesvariate(mu, kappa)`.
#[no_mangle]
pub extern "C" fn oxjit_rt_pyrandom_vonmisesvariate(mu: f64, kappa: f64) -> f64 {
    with_py_state(|s| s.vonmisesvariate(mu, kappa))
}

/// `random.triangular(low, high, mode)`; `has_mode == 0` is `mode=None`.
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_pyrandom_triangular(
    low: f64,
    high: f64,
    mode: f64,
    has_mode: i32,
    out: *mut f64,
) -> i32 {
    let mode = (has_mode != 0).then_some(mode);
    finish(with_py_state(|s| s.triangular(low, high, mode)), out)
}

macro_rules! fallible {
    ($($name:ident => $method:ident($($p:ident),*);)*) => {$(
        #[doc = concat!("`random.", stringify!($method), "`, with CPython's errors.")]
        ///
        /// # Safety
        /// `out` must be writable.
        #[no_mangle]
        pub unsafe extern "C" fn $name($($p: f64,)* out: *mut f64) -> i32 {
            finish(with_py_state(|s| s.$method($($p),*)), out)
        }
    )*};
}

fallible! {
    oxjit_rt_pyrandom_lognormvariate => lognormvariate(mu, sigma);
    oxjit_rt_pyrandom_expovariate => expovariate(lambd);
    oxjit_rt_pyrandom_gammavariate => gammavariate(alpha, beta);
    oxjit_rt_pyrandom_betavariate => betavariate(alpha, beta);
    oxjit_rt_pyrandom_paretovariate => paretovariate(alpha);
    oxjit_rt_pyrandom_weibullvariate => weibullvariate(alpha, beta);
}

#[cfg(test)]
mod tests {
    //! Expected values are CPython 3.11's module functions after
    //! `random.seed(s)`, pasted as literals; floats compare bit for bit.
    use super::*;

    fn bits(got: f64, want: f64) {
        assert_eq!(got.to_bits(), want.to_bits(), "got {got:e}, want {want:e}");
    }

    #[test]
    fn random_matches_cpython() {
        // random.seed(0); [random.random() for _ in range(3)]
        let mut s = PyRandom::new(0);
        for w in [0.8444218515250481, 0.7579544029403025, 0.420571580830845] {
            bits(s.random(), w);
        }
    }

    #[test]
    fn getrandbits_matches_cpython() {
        // random.seed(12345); [random.getrandbits(k) for k in (1, 31, 32, 33, 64, 65)]
        let mut s = PyRandom::new(12345);
        let got: Vec<u128> = [1, 31, 32, 33, 64, 65]
            .iter()
            .map(|&k| s.getrandbits(k))
            .collect();
        assert_eq!(
            got,
            [
                0,
                1573429661,
                43676229,
                7817590892,
                5508932873585391847,
                25242740129140463802
            ]
        );
    }

    #[test]
    fn randrange_matches_cpython_and_seed_uses_abs() {
        // random.seed(-7); [random.randrange(-10**18, 10**18, 3) for _ in range(2)],
        // random.randint(-2**63, 2**63 - 1)
        let mut s = PyRandom::new(7);
        let e = 1_000_000_000_000_000_000i128;
        assert_eq!(s.randrange(-e, Some(e), 3), Ok(365601483820246949));
        assert_eq!(s.randrange(-e, Some(e), 3), Ok(-832988612054815504));
        let (lo, hi) = (i64::MIN as i128, i64::MAX as i128);
        assert_eq!(s.randrange(lo, Some(hi + 1), 1), Ok(-8531699129511414324));
        assert_eq!(
            s.randrange(5, Some(5), 1),
            Err((VALUE_ERROR, "empty range for randrange() (5, 5, 0)".into()))
        );
        assert_eq!(
            s.randrange(0, None, 1).unwrap_err().1,
            "empty range for randrange()"
        );
        assert_eq!(
            s.randrange(0, Some(9), 0).unwrap_err().1,
            "zero step for randrange()"
        );
        assert_eq!(
            s.randrange(9, Some(0), 2).unwrap_err().1,
            "empty range for randrange()"
        );
    }

    #[test]
    fn distributions_match_cpython() {
        // random.seed(2**64 - 1); then each call below in this order.
        let mut s = PyRandom::new(u64::MAX);
        bits(s.gauss(1.0, 2.0), 2.799827266836174);
        bits(s.gauss(0.0, 1.0), 0.12418903243063466);
        bits(s.gammavariate(0.5, 2.0).unwrap(), 0.12595855746446147);
        bits(s.gammavariate(3.0, 1.0).unwrap(), 4.70311943942877);
        bits(s.betavariate(2.0, 3.0).unwrap(), 0.5607204834235792);
        bits(s.vonmisesvariate(1.0, 4.0), 0.9383810261156069);
        bits(
            s.triangular(0.0, 3.0, Some(1.0)).unwrap(),
            1.4309246899689796,
        );
        bits(s.weibullvariate(1.0, 2.0).unwrap(), 0.6140567479360157);
        bits(s.paretovariate(3.0).unwrap(), 1.124230347088971);
        bits(s.lognormvariate(0.0, 1.0).unwrap(), 1.382705867980848);
        bits(s.expovariate(2.0).unwrap(), 0.23360907764226177);
        bits(s.normalvariate(0.0, 1.0), -1.3168798078919044);
    }

    #[test]
    fn errors_and_endless_loops() {
        let mut s = PyRandom::new(1);
        assert_eq!(s.expovariate(0.0).unwrap_err().0, ZERO_DIVISION_ERROR);
        assert_eq!(s.gammavariate(0.0, 1.0).unwrap_err().0, VALUE_ERROR);
        assert!(s.gammavariate(f64::NAN, 1.0).unwrap().is_nan());
        assert!(s.gammavariate(f64::INFINITY, 1.0).unwrap().is_nan());
        assert!(s.vonmisesvariate(0.0, f64::NAN).is_nan());
        assert_eq!(s.triangular(2.0, 2.0, Some(2.0)), Ok(2.0));
        assert_eq!(s.paretovariate(1e-5).unwrap_err().0, OVERFLOW_ERROR);
        assert_eq!(py_mod(-1.0, TWOPI), -1.0 + TWOPI);
        assert_eq!(floor_div(-7, 2), -4);
    }

    #[test]
    fn constants_are_pythons() {
        bits(4.0 * (-0.5f64).exp() / 2.0f64.sqrt(), NV_MAGICCONST);
        bits(2.0 * std::f64::consts::PI, TWOPI);
        bits(4.0f64.ln(), LOG4);
        bits(1.0 + 4.5f64.ln(), SG_MAGICCONST);
    }
}
