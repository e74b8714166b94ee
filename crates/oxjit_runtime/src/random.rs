//! NumPy's legacy global random state (`np.random.seed`, `np.random.random`,
//! `np.random.normal`, ...) for compiled code.
//!
//! Compiled code must draw exactly the numbers NumPy's `RandomState` draws
//! for the same seed, as Numba's does, so everything here follows NumPy's
//! legacy code paths rather than the better algorithms of `Generator`:
//!
//! * MT19937 with NumPy's legacy seeding: `seed(int)` is the reference
//!   `init_genrand` (Knuth's multiplier), not `init_by_array`; only array
//!   seeds and entropy go through `init_by_array`.
//! * doubles from two 32-bit words (27 + 26 bits), 53 bits of precision;
//! * normals from the polar Box–Muller method with its one-value cache,
//!   exponentials by inversion (no ziggurat), gamma by Marsaglia–Tsang on
//!   top of those, beta by Jöhnk / gamma ratio;
//! * integers by masked rejection (never Lemire), on 32-bit draws when the
//!   range fits in 32 bits;
//! * Poisson by multiplication below 10 and PTRS above, binomial by
//!   inversion or BTPE (with the legacy Stirling terms), geometric by search
//!   or inversion.
//!
//! Floating-point expressions are kept in NumPy's C order of operations, and
//! `ln`, `exp`, `powf`, `ln_1p` and `sqrt` go to the same libm NumPy calls,
//! so on one platform the streams agree bit for bit (the tests check this).
//!
//! Like Numba, there is one state per thread: seeding affects only the
//! calling thread, and a thread that never seeds starts from OS entropy.
//!
//! Argument checking (NumPy's `ValueError`s) is the caller's job; each
//! function documents its domain. Outside it the results are meaningless
//! but every function still returns without panicking, and the few
//! parameters that would make a rejection loop spin forever short-circuit.

use std::cell::RefCell;

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// Everything NumPy's `RandomState` keeps: the MT19937 key and position,
/// the spare normal of the polar method, and the binomial set-up cache.
#[derive(Clone)]
pub struct LegacyRandom {
    key: [u32; N],
    pos: usize,
    has_gauss: bool,
    gauss: f64,
    binomial: BinomialSetup,
    /// False only for the per-thread state before its first use: it is
    /// const-initialised (no lazy TLS cost) and seeded from entropy lazily.
    seeded: bool,
}

impl LegacyRandom {
    pub(crate) const UNSEEDED: LegacyRandom = LegacyRandom {
        key: [0; N],
        pos: N,
        has_gauss: false,
        gauss: 0.0,
        binomial: BinomialSetup::None,
        seeded: false,
    };

    /// A state seeded like `np.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        let mut s = Self::UNSEEDED;
        s.seed(seed);
        s
    }

    /// A state seeded like `np.random.RandomState(key_array)`.
    /// An empty key (NumPy raises) is treated as `[0]`.
    pub fn from_key(init_key: &[u32]) -> Self {
        let mut s = Self::UNSEEDED;
        s.seed_by_array(init_key);
        s
    }

    /// A state seeded from entropy, like `np.random.RandomState()`.
    pub fn from_entropy() -> Self {
        Self::from_key(&entropy_key())
    }

    /// `np.random.seed(seed)` for an integer seed: the reference
    /// `init_genrand`. Also drops the cached normal, as NumPy does.
    pub fn seed(&mut self, seed: u32) {
        let mut s = seed;
        for (i, k) in self.key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(i as u32 + 1);
        }
        self.after_seed();
    }

    /// `np.random.seed(array)`: the reference `init_by_array`.
    pub fn seed_by_array(&mut self, init_key: &[u32]) {
        let init_key = if init_key.is_empty() {
            &[0][..]
        } else {
            init_key
        };
        self.seed(19_650_218);
        let mt = &mut self.key;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(init_key.len()) {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(init_key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= init_key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        // The reference sets the MSB so that the key can never be all zeros.
        mt[0] = 0x8000_0000;
        self.after_seed();
    }

    /// Reseed from entropy, like `np.random.seed()` with no argument.
    pub fn reseed_from_entropy(&mut self) {
        self.seed_by_array(&entropy_key());
    }

    fn after_seed(&mut self) {
        self.pos = N;
        self.has_gauss = false;
        self.gauss = 0.0;
        self.seeded = true;
    }

    /// The MT19937 key and position, as in `np.random.get_state()[1:3]`.
    pub fn mt_state(&self) -> (&[u32; N], usize) {
        (&self.key, self.pos)
    }

    /// Regenerate the whole key block (the "twist").
    fn generate(&mut self) {
        let mt = &mut self.key;
        let twist = |a: u32, b: u32, far: u32| {
            let y = (a & UPPER_MASK) | (b & LOWER_MASK);
            far ^ (y >> 1) ^ (0u32.wrapping_sub(y & 1) & MATRIX_A)
        };
        for i in 0..N - M {
            mt[i] = twist(mt[i], mt[i + 1], mt[i + M]);
        }
        for i in N - M..N - 1 {
            mt[i] = twist(mt[i], mt[i + 1], mt[i + M - N]);
        }
        mt[N - 1] = twist(mt[N - 1], mt[0], mt[M - 1]);
        self.pos = 0;
    }

    /// One tempered 32-bit output.
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.generate();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// Two 32-bit outputs, the first one in the high half (NumPy's
    /// `mt19937_next64`).
    pub fn next_u64(&mut self) -> u64 {
        let hi = self.next_u32() as u64;
        let lo = self.next_u32() as u64;
        (hi << 32) | lo
    }

    /// `random_sample()`: a double in [0, 1) from 27 + 26 bits.
    pub fn next_double(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (a as f64 * 67_108_864.0 + b as f64) / 9_007_199_254_740_992.0
    }

    /// `randint(low, high)` for int64, i.e. a value in `[low, high)`.
    /// Precondition: `low < high` (otherwise some unspecified integer).
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        // NumPy works on the closed range [low, high - 1], in unsigned
        // arithmetic so that the full int64 span does not overflow.
        let rng = high.wrapping_sub(1).wrapping_sub(low) as u64;
        (low as u64).wrapping_add(self.bounded_u64(rng)) as i64
    }

    /// A value in `[0, rng]` by masked rejection, as `random_bounded_uint64`
    /// with `use_masked` (RandomState never uses Lemire's method).
    pub fn bounded_u64(&mut self, rng: u64) -> u64 {
        if rng == 0 {
            // A one-value range consumes no output at all.
            return 0;
        }
        let mask = u64::MAX >> rng.leading_zeros();
        if rng <= u32::MAX as u64 {
            // Ranges that fit in 32 bits consume one 32-bit word per try.
            let (rng, mask) = (rng as u32, mask as u32);
            loop {
                let v = self.next_u32() & mask;
                if v <= rng {
                    return v as u64;
                }
            }
        }
        if rng == u64::MAX {
            return self.next_u64();
        }
        loop {
            let v = self.next_u64() & mask;
            if v <= rng {
                return v;
            }
        }
    }

    /// `uniform(low, high)`: `low + (high - low) * U`, so `high` itself can
    /// come out through rounding, as in NumPy. Precondition: finite range.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next_double()
    }

    /// `standard_normal()`: the legacy polar method. Each accepted pair
    /// yields two normals; the second is kept for the next call.
    pub fn standard_normal(&mut self) -> f64 {
        if self.has_gauss {
            self.has_gauss = false;
            return std::mem::take(&mut self.gauss);
        }
        let (x1, x2, r2) = loop {
            let x1 = 2.0 * self.next_double() - 1.0;
            let x2 = 2.0 * self.next_double() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                break (x1, x2, r2);
            }
        };
        let f = (-2.0 * r2.ln() / r2).sqrt();
        self.gauss = f * x1;
        self.has_gauss = true;
        f * x2
    }

    /// `normal(loc, scale)`. Precondition: `scale >= 0`.
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.standard_normal()
    }

    /// `standard_exponential()`: inversion with `1 - U` so that the
    /// argument of the logarithm is never zero.
    pub fn standard_exponential(&mut self) -> f64 {
        -(1.0 - self.next_double()).ln()
    }

    /// `exponential(scale)`. Precondition: `scale >= 0`.
    pub fn exponential(&mut self, scale: f64) -> f64 {
        scale * self.standard_exponential()
    }

    /// `standard_gamma(shape)`. Precondition: `shape >= 0`; anything else
    /// (including NaN, which would spin forever) gives NaN without drawing.
    pub fn standard_gamma(&mut self, shape: f64) -> f64 {
        if shape == 1.0 {
            return self.standard_exponential();
        }
        if shape == 0.0 {
            return 0.0;
        }
        if shape.is_nan() || shape < 0.0 {
            return f64::NAN;
        }
        if shape < 1.0 {
            // Rejection from a power-law body (u <= 1 - shape) or an
            // exponential tail, accepted against an exponential variate.
            loop {
                let u = self.next_double();
                let v = self.standard_exponential();
                if u <= 1.0 - shape {
                    let x = u.powf(1.0 / shape);
                    if x <= v {
                        return x;
                    }
                } else {
                    let y = -((1.0 - u) / shape).ln();
                    let x = (1.0 - shape + shape * y).powf(1.0 / shape);
                    if x <= v + y {
                        return x;
                    }
                }
            }
        }
        // Marsaglia–Tsang, on the legacy (polar) normals.
        let b = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * b).sqrt();
        loop {
            let (x, v) = loop {
                let x = self.standard_normal();
                let v = 1.0 + c * x;
                if v > 0.0 {
                    break (x, v);
                }
            };
            let v = v * v * v;
            let u = self.next_double();
            if u < 1.0 - 0.0331 * (x * x) * (x * x) {
                return b * v;
            }
            if u.ln() < 0.5 * x * x + b * (1.0 - v + v.ln()) {
                return b * v;
            }
        }
    }

    /// `gamma(shape, scale)`. Preconditions: `shape >= 0`, `scale >= 0`.
    pub fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        scale * self.standard_gamma(shape)
    }

    /// `beta(a, b)`. Preconditions: `a > 0`, `b > 0`; otherwise NaN without
    /// drawing (Jöhnk's loop never accepts for negative parameters).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        if !(a > 0.0 && b > 0.0) {
            return f64::NAN;
        }
        if a <= 1.0 && b <= 1.0 {
            // Jöhnk's algorithm.
            loop {
                let u = self.next_double();
                let v = self.next_double();
                let x = u.powf(1.0 / a);
                let y = v.powf(1.0 / b);
                if x + y <= 1.0 {
                    if x + y > 0.0 {
                        return x / (x + y);
                    }
                    // Both powers underflowed: redo the ratio in logs.
                    let mut log_x = u.ln() / a;
                    let mut log_y = v.ln() / b;
                    let log_m = if log_x > log_y { log_x } else { log_y };
                    log_x -= log_m;
                    log_y -= log_m;
                    return (log_x - (log_x.exp() + log_y.exp()).ln()).exp();
                }
            }
        }
        let ga = self.standard_gamma(a);
        let gb = self.standard_gamma(b);
        ga / (ga + gb)
    }

    /// `poisson(lam)`. Precondition: `0 <= lam` and `lam` below NumPy's
    /// `poisson_lam_max` (about 9.2e18).
    pub fn poisson(&mut self, lam: f64) -> i64 {
        if lam >= 10.0 {
            self.poisson_ptrs(lam)
        } else if lam == 0.0 {
            0
        } else {
            self.poisson_mult(lam)
        }
    }

    /// Multiply uniforms until the product drops below e^-lam.
    fn poisson_mult(&mut self, lam: f64) -> i64 {
        let enlam = (-lam).exp();
        let mut x = 0i64;
        let mut prod = 1.0;
        loop {
            prod *= self.next_double();
            if prod > enlam {
                x += 1;
            } else {
                return x;
            }
        }
    }

    /// Hörmann's transformed rejection with squeeze (PTRS), 1993.
    fn poisson_ptrs(&mut self, lam: f64) -> i64 {
        let slam = lam.sqrt();
        let loglam = lam.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let invalpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.next_double() - 0.5;
            let v = self.next_double();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + lam + 0.43).floor() as i64;
            if us >= 0.07 && v <= vr {
                return k;
            }
            if k < 0 || (us < 0.013 && v > us) {
                continue;
            }
            if v.ln() + invalpha.ln() - (a / (us * us) + b).ln()
                <= -lam + k as f64 * loglam - loggam(k as f64 + 1.0)
            {
                return k;
            }
        }
    }

    /// `binomial(n, p)`. Preconditions: `n >= 0`, `0 <= p <= 1`; a NaN `p`
    /// (BTPE would never accept) gives 0 without drawing. Note that NumPy
    /// draws one uniform even when `n == 0` or `p == 0`, and so does this.
    pub fn binomial(&mut self, n: i64, p: f64) -> i64 {
        if p.is_nan() {
            return 0;
        }
        if p <= 0.5 {
            if p * n as f64 <= 30.0 {
                self.binomial_inversion(n, p)
            } else {
                self.binomial_btpe(n, p)
            }
        } else {
            let q = 1.0 - p;
            if q * n as f64 <= 30.0 {
                n.wrapping_sub(self.binomial_inversion(n, q))
            } else {
                n.wrapping_sub(self.binomial_btpe(n, q))
            }
        }
    }

    fn binomial_inversion(&mut self, n: i64, p: f64) -> i64 {
        let s = match self.binomial {
            BinomialSetup::Inversion(s) if s.n == n && s.p == p => s,
            _ => {
                let q = 1.0 - p;
                let np = n as f64 * p;
                // C's MIN(n, double) compares and yields in double.
                let cap = np + 10.0 * (np * q + 1.0).sqrt();
                let bound = if (n as f64) < cap { n as f64 } else { cap };
                let s = InversionSetup {
                    n,
                    p,
                    q,
                    qn: (n as f64 * q.ln()).exp(),
                    bound: bound as i64,
                };
                self.binomial = BinomialSetup::Inversion(s);
                s
            }
        };
        let mut x = 0i64;
        let mut px = s.qn;
        let mut u = self.next_double();
        while u > px {
            x += 1;
            if x > s.bound {
                // Ran past the useful tail: start again with a new uniform.
                x = 0;
                px = s.qn;
                u = self.next_double();
            } else {
                u -= px;
                px = (n.wrapping_sub(x).wrapping_add(1) as f64 * p * px) / (x as f64 * s.q);
            }
        }
        x
    }

    /// Kachitvichyanukul & Schmeiser's BTPE, as NumPy's RandomState keeps
    /// it: including the misprinted constant 13680 and the last two
    /// Stirling error terms added instead of subtracted, since fixing them
    /// changes the stream. `p <= 0.5` here.
    fn binomial_btpe(&mut self, n: i64, p: f64) -> i64 {
        let s = match self.binomial {
            BinomialSetup::Btpe(s) if s.n == n && s.p == p => s,
            _ => {
                let s = BtpeSetup::new(n, p);
                self.binomial = BinomialSetup::Btpe(s);
                s
            }
        };
        let BtpeSetup {
            r,
            q,
            m,
            p1,
            xm,
            xl,
            xr,
            c,
            laml,
            lamr,
            p2,
            p3,
            p4,
            ..
        } = s;
        let nf = n as f64;
        let mf = m as f64;
        let nrq = nf * r * q;
        let y = 'draw: loop {
            let u = self.next_double() * p4;
            let mut v = self.next_double();
            // Triangular centre: accepted outright.
            if u <= p1 {
                break 'draw (xm - p1 * v + u).floor() as i64;
            }
            let y;
            if u <= p2 {
                // Parallelogram region.
                let x = xl + (u - p1) / c;
                v = v * c + 1.0 - (mf - x + 0.5).abs() / p1;
                if v > 1.0 {
                    continue;
                }
                y = x.floor() as i64;
            } else if u <= p3 {
                // Left exponential tail; v == 0 would make the cast garbage.
                y = (xl + v.ln() / laml).floor() as i64;
                if y < 0 || v == 0.0 {
                    continue;
                }
                v = v * (u - p2) * laml;
            } else {
                // Right exponential tail.
                y = (xr - v.ln() / lamr).floor() as i64;
                if y > n || v == 0.0 {
                    continue;
                }
                v = v * (u - p3) * lamr;
            }

            let k = y.wrapping_sub(m).wrapping_abs();
            if !(k > 20 && (k as f64) < nrq / 2.0 - 1.0) {
                // Near the mode: explicit recursive evaluation of f(y)/f(m).
                let s = r / q;
                let a = s * n.wrapping_add(1) as f64;
                let mut f = 1.0;
                if m < y {
                    for i in m + 1..=y {
                        f *= a / i as f64 - s;
                    }
                } else if m > y {
                    for i in y + 1..=m {
                        f /= a / i as f64 - s;
                    }
                }
                if v > f {
                    continue;
                }
                break 'draw y;
            }

            // Squeeze on log(f(y)/f(m)) before the Stirling bound.
            let kf = k as f64;
            let rho = (kf / nrq) * ((kf * (kf / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
            // C computes -k * k in integer arithmetic.
            let t = k.wrapping_neg().wrapping_mul(k) as f64 / (2.0 * nrq);
            let big_a = v.ln();
            if big_a < t - rho {
                break 'draw y;
            }
            if big_a > t + rho {
                continue;
            }
            let x1 = y as f64 + 1.0;
            let f1 = mf + 1.0;
            let z = nf + 1.0 - mf;
            let w = nf - y as f64 + 1.0;
            let (x2, f2, z2, w2) = (x1 * x1, f1 * f1, z * z, w * w);
            let stirling = |d: f64, d2: f64| {
                (13680. - (462. - (132. - (99. - 140. / d2) / d2) / d2) / d2) / d / 166320.
            };
            // C's left-to-right sum; n - m and y - m are integer
            // differences promoted to double.
            let bound = xm * (f1 / x1).ln()
                + (n.wrapping_sub(m) as f64 + 0.5) * (z / w).ln()
                + y.wrapping_sub(m) as f64 * (w * r / (x1 * q)).ln()
                + stirling(f1, f2)
                + stirling(z, z2)
                + stirling(x1, x2)
                + stirling(w, w2);
            if big_a > bound {
                continue;
            }
            break 'draw y;
        };
        if p > 0.5 {
            n.wrapping_sub(y)
        } else {
            y
        }
    }

    /// `geometric(p)`: trials up to and including the first success.
    /// Precondition: `0 < p <= 1`.
    pub fn geometric(&mut self, p: f64) -> i64 {
        // NumPy's threshold literal 0.333333333333333333333333 is this double.
        if p >= 1.0 / 3.0 {
            // Sequential search of the CDF: few steps for large p.
            let q = 1.0 - p;
            let mut x = 1i64;
            let mut prod = p;
            let mut sum = p;
            let u = self.next_double();
            while u > sum {
                prod *= q;
                sum += prod;
                x += 1;
            }
            x
        } else {
            ((-self.next_double()).ln_1p() / (1.0 - p).ln()).ceil() as i64
        }
    }
}

impl Default for LegacyRandom {
    fn default() -> Self {
        Self::from_entropy()
    }
}

/// Set-up values of the last binomial draw. They are a pure function of
/// `(n, p)` (and of which algorithm that pair selects), so the cache only
/// saves time: it never changes the stream.
#[derive(Clone, Copy)]
enum BinomialSetup {
    None,
    Inversion(InversionSetup),
    Btpe(BtpeSetup),
}

#[derive(Clone, Copy)]
struct InversionSetup {
    n: i64,
    p: f64,
    q: f64,
    /// q^n, the probability of zero successes.
    qn: f64,
    /// Where the search gives up and restarts.
    bound: i64,
}

#[derive(Clone, Copy)]
struct BtpeSetup {
    n: i64,
    p: f64,
    r: f64,
    q: f64,
    m: i64,
    p1: f64,
    xm: f64,
    xl: f64,
    xr: f64,
    c: f64,
    laml: f64,
    lamr: f64,
    p2: f64,
    p3: f64,
    p4: f64,
}

impl BtpeSetup {
    fn new(n: i64, p: f64) -> Self {
        let nf = n as f64;
        let r = if p < 1.0 - p { p } else { 1.0 - p };
        let q = 1.0 - r;
        let fm = nf * r + r;
        let m = fm.floor() as i64;
        let mf = m as f64;
        let p1 = (2.195 * (nf * r * q).sqrt() - 4.6 * q).floor() + 0.5;
        let xm = mf + 0.5;
        let xl = xm - p1;
        let xr = xm + p1;
        let c = 0.134 + 20.5 / (15.3 + mf);
        let a = (fm - xl) / (fm - xl * r);
        let laml = a * (1.0 + a / 2.0);
        let a = (xr - fm) / (xr * q);
        let lamr = a * (1.0 + a / 2.0);
        let p2 = p1 * (1.0 + 2.0 * c);
        let p3 = p2 + c / laml;
        let p4 = p3 + c / lamr;
        BtpeSetup {
            n,
            p,
            r,
            q,
            m,
            p1,
            xm,
            xl,
            xr,
            c,
            laml,
            lamr,
            p2,
            p3,
            p4,
        }
    }
}

/// log(Gamma(x)) as NumPy's `random_loggam` computes it (Zhang & Jin's
/// SPECFUN series). PTRS compares against it, so it must be this exact
/// formula rather than libm's `lgamma`.
fn loggam(x: f64) -> f64 {
    // NumPy's coefficients verbatim, digits beyond f64 precision included.
    #[allow(clippy::excessive_precision)]
    const A: [f64; 10] = [
        8.333333333333333e-02,
        -2.777777777777778e-03,
        7.936507936507937e-04,
        -5.952380952380952e-04,
        8.417508417508418e-04,
        -1.917526917526918e-03,
        6.410256410256410e-03,
        -2.955065359477124e-02,
        1.796443723688307e-01,
        -1.39243221690590e+00,
    ];
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let n = if x < 7.0 { (7.0 - x) as i64 } else { 0 };
    let mut x0 = x + n as f64;
    let x2 = (1.0 / x0) * (1.0 / x0);
    let lg2pi = 1.8378770664093453e+00;
    let mut gl0 = A[9];
    for &a in A[..9].iter().rev() {
        gl0 *= x2;
        gl0 += a;
    }
    let mut gl = gl0 / x0 + 0.5 * lg2pi + (x0 - 0.5) * x0.ln() - x0;
    if x < 7.0 {
        for _ in 0..n {
            gl -= (x0 - 1.0).ln();
            x0 -= 1.0;
        }
    }
    gl
}

/// An `init_by_array` key for unseeded states. Unpredictability is not a
/// security matter here, only "different every run and every thread":
/// std's per-thread OS-random hasher keys, the clock, a process-wide
/// counter and a stack address cover that without any I/O or failure path.
pub(crate) fn entropy_key() -> [u32; 8] {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let hasher = std::collections::hash_map::RandomState::new();
    let mut key = [0u32; 8];
    let here = &key as *const _ as usize;
    for (i, pair) in key.chunks_mut(2).enumerate() {
        let v = hasher.hash_one((nanos, count, here, std::process::id(), i));
        pair[0] = v as u32;
        pair[1] = (v >> 32) as u32;
    }
    key
}

thread_local! {
    // No destructor and const-initialised, so access never fails, not
    // even while the thread is being torn down.
    static STATE: RefCell<LegacyRandom> = const { RefCell::new(LegacyRandom::UNSEEDED) };
}

/// Run `f` on the calling thread's global state (seeding it from entropy
/// on first use), i.e. what compiled `np.random.*` calls use.
pub fn with_thread_state<R>(f: impl FnOnce(&mut LegacyRandom) -> R) -> R {
    STATE.with(|cell| {
        // Never already borrowed: nothing run under the borrow re-enters.
        let mut state = cell.borrow_mut();
        if !state.seeded {
            state.reseed_from_entropy();
        }
        f(&mut state)
    })
}

/// The calling thread's state (seeded from entropy if it never was), for
/// compiled code to fetch once per function and pass to the `_s` draws:
/// a thread-local access per draw costs as much as the draw.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_state() -> *mut LegacyRandom {
    STATE.with(|cell| {
        let p = cell.as_ptr();
        // SAFETY: this thread's state; no borrow of it is live here.
        unsafe {
            if !(*p).seeded {
                (*p).reseed_from_entropy();
            }
        }
        p
    })
}

/// `np.random.random()` on a fetched state.
///
/// # Safety
/// `s` comes from `oxjit_rt_random_state` on this thread.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_random_s(s: *mut LegacyRandom) -> f64 {
    (*s).next_double()
}

/// `np.random.standard_normal()` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_standard_normal_s(s: *mut LegacyRandom) -> f64 {
    (*s).standard_normal()
}

/// `np.random.randint(low, high)` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_randint_s(
    s: *mut LegacyRandom,
    low: i64,
    high: i64,
) -> i64 {
    (*s).randint(low, high)
}

/// `np.random.uniform(low, high)` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_uniform_s(
    s: *mut LegacyRandom,
    low: f64,
    high: f64,
) -> f64 {
    (*s).uniform(low, high)
}

/// `np.random.normal(loc, scale)` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_normal_s(
    s: *mut LegacyRandom,
    loc: f64,
    scale: f64,
) -> f64 {
    (*s).normal(loc, scale)
}

/// `np.random.exponential` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_exponential_s(s: *mut LegacyRandom, scale: f64) -> f64 {
    (*s).exponential(scale)
}

/// `np.random.standard_gamma` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_standard_gamma_s(s: *mut LegacyRandom, shape: f64) -> f64 {
    (*s).standard_gamma(shape)
}

/// `np.random.gamma` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_gamma_s(
    s: *mut LegacyRandom,
    shape: f64,
    scale: f64,
) -> f64 {
    (*s).gamma(shape, scale)
}

/// `np.random.beta` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_beta_s(s: *mut LegacyRandom, a: f64, b: f64) -> f64 {
    (*s).beta(a, b)
}

/// `np.random.poisson` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_poisson_s(s: *mut LegacyRandom, lam: f64) -> i64 {
    (*s).poisson(lam)
}

/// `np.random.binomial` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_binomial_s(s: *mut LegacyRandom, n: i64, p: f64) -> i64 {
    (*s).binomial(n, p)
}

/// `np.random.geometric` on a fetched state.
///
/// # Safety
/// As [`oxjit_rt_random_random_s`].
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_geometric_s(s: *mut LegacyRandom, p: f64) -> i64 {
    (*s).geometric(p)
}

/// `np.random.seed(seed)` for this thread.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_seed(seed: u32) {
    STATE.with(|cell| cell.borrow_mut().seed(seed));
}

/// `np.random.random()` / `random_sample()`: [0, 1).
#[no_mangle]
pub extern "C" fn oxjit_rt_random_random() -> f64 {
    with_thread_state(|s| s.next_double())
}

/// `np.random.randint(low, high)`. Precondition: `low < high`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_randint(low: i64, high: i64) -> i64 {
    with_thread_state(|s| s.randint(low, high))
}

/// `np.random.uniform(low, high)`. Precondition: `high - low` finite.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_uniform(low: f64, high: f64) -> f64 {
    with_thread_state(|s| s.uniform(low, high))
}

/// `np.random.standard_normal()` (and `randn()`).
#[no_mangle]
pub extern "C" fn oxjit_rt_random_standard_normal() -> f64 {
    with_thread_state(|s| s.standard_normal())
}

/// `np.random.normal(loc, scale)`. Precondition: `scale >= 0`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_normal(loc: f64, scale: f64) -> f64 {
    with_thread_state(|s| s.normal(loc, scale))
}

/// `np.random.exponential(scale)`. Precondition: `scale >= 0`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_exponential(scale: f64) -> f64 {
    with_thread_state(|s| s.exponential(scale))
}

/// `np.random.standard_gamma(shape)`. Precondition: `shape >= 0`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_standard_gamma(shape: f64) -> f64 {
    with_thread_state(|s| s.standard_gamma(shape))
}

/// `np.random.gamma(shape, scale)`. Preconditions: both `>= 0`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_gamma(shape: f64, scale: f64) -> f64 {
    with_thread_state(|s| s.gamma(shape, scale))
}

/// `np.random.beta(a, b)`. Preconditions: `a > 0`, `b > 0`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_beta(a: f64, b: f64) -> f64 {
    with_thread_state(|s| s.beta(a, b))
}

/// `np.random.poisson(lam)`. Precondition: `0 <= lam <= poisson_lam_max`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_poisson(lam: f64) -> i64 {
    with_thread_state(|s| s.poisson(lam))
}

/// `np.random.binomial(n, p)`. Preconditions: `n >= 0`, `0 <= p <= 1`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_binomial(n: i64, p: f64) -> i64 {
    with_thread_state(|s| s.binomial(n, p))
}

/// `np.random.geometric(p)`. Precondition: `0 < p <= 1`.
#[no_mangle]
pub extern "C" fn oxjit_rt_random_geometric(p: f64) -> i64 {
    with_thread_state(|s| s.geometric(p))
}

/// NumPy's `random_interval(max)`: a value in `[0, max]` by masked
/// rejection (what `shuffle` and `permutation` draw per swap).
#[no_mangle]
pub extern "C" fn oxjit_rt_random_interval(max: u64) -> u64 {
    with_thread_state(|s| s.bounded_u64(max))
}

/// `choice(..., p=p)`'s checks and its normalised cumulative sum, as both
/// `RandomState` and `Generator` do them: `Err` 1 when the sizes differ,
/// 2 on NaN, 3 on a negative entry, 4 when the (Kahan) sum is not 1 within
/// sqrt(eps).
pub fn choice_cdf(p: &[f64], pop: i64) -> Result<Vec<f64>, i32> {
    if p.len() as i64 != pop {
        return Err(1);
    }
    let mut sum = p.first().copied().unwrap_or(0.0);
    let mut c = 0.0;
    for &x in p.iter().skip(1) {
        let y = x - c;
        let t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    if sum.is_nan() {
        return Err(2);
    }
    if p.iter().any(|&x| x < 0.0) {
        return Err(3);
    }
    if (sum - 1.0).abs() > f64::EPSILON.sqrt() {
        return Err(4);
    }
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = p
        .iter()
        .map(|&x| {
            acc += x;
            acc
        })
        .collect();
    let last = cdf.last().copied().unwrap_or(1.0);
    cdf.iter_mut().for_each(|x| *x /= last);
    Ok(cdf)
}

/// The sample a uniform draw `u` picks: `searchsorted(cdf, u, side='right')`.
pub fn cdf_pick(cdf: &[f64], u: f64) -> i64 {
    cdf.partition_point(|&x| x <= u) as i64
}

/// `np.random.choice(pop, cnt, p=p)` on the legacy state: the checks of
/// [`choice_cdf`] (its status), then one `random_sample()` per pick.
///
/// # Safety
/// `p` holds `np` doubles at element stride `ps`; `out` has room for `cnt`.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_random_choice_p(
    p: *const f64,
    ps: i64,
    np: i64,
    pop: i64,
    cnt: i64,
    out: *mut i64,
) -> i32 {
    let pv: Vec<f64> = (0..np.max(0) as isize)
        .map(|i| *p.offset(i * ps as isize))
        .collect();
    let cdf = match choice_cdf(&pv, pop) {
        Ok(c) => c,
        Err(s) => return s,
    };
    with_thread_state(|s| {
        for k in 0..cnt.max(0) as usize {
            *out.add(k) = cdf_pick(&cdf, s.next_double());
        }
    });
    0
}

#[cfg(test)]
mod tests {
    //! Expected values come from NumPy 2.4.6's legacy global state, e.g.
    //! `np.random.seed(0); [np.random.random() for _ in range(5)]`, pasted
    //! as literals; long runs are compared through an FNV-1a hash of the
    //! values' bits, computed the same way in Python. Floats are compared
    //! bit for bit: every formula follows NumPy's C expression order and
    //! calls the same libm.
    use super::*;

    /// FNV-1a over 64-bit words (f64 bits or i64 two's complement).
    fn fnv(words: impl IntoIterator<Item = u64>) -> u64 {
        words.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, w| {
            (h ^ w).wrapping_mul(0x100_0000_01b3)
        })
    }

    fn draws<T>(seed: u32, n: usize, mut f: impl FnMut(&mut LegacyRandom) -> T) -> Vec<T> {
        let mut s = LegacyRandom::new(seed);
        (0..n).map(|_| f(&mut s)).collect()
    }

    fn assert_bits(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "draw {i}: got {g:e}, want {w:e}");
        }
    }

    #[test]
    fn integer_seed_is_init_genrand_like_numpy() {
        // np.random.seed(s); np.random.get_state()[1]
        let s = LegacyRandom::new(0);
        let (key, pos) = s.mt_state();
        assert_eq!(key[..4], [0, 1, 1812433255, 1900727105]);
        assert_eq!((key[623], pos), (1796872496, 624));
        let s = LegacyRandom::new(12345);
        let (key, _) = s.mt_state();
        assert_eq!(key[..4], [12345, 2003863422, 2690739229, 1915043646]);
        assert_eq!(key[623], 277493156);
    }

    #[test]
    fn array_seed_is_init_by_array() {
        // np.random.seed([1, 2, 3])
        let mut s = LegacyRandom::from_key(&[1, 2, 3]);
        let (key, pos) = s.mt_state();
        assert_eq!(key[..4], [2147483648, 188977461, 1294596893, 2973183027]);
        assert_eq!((key[623], pos), (2738794993, 624));
        let got: Vec<f64> = (0..3).map(|_| s.next_double()).collect();
        assert_bits(
            &got,
            &[0.6098612722867289, 0.8866970434146851, 0.47633673750662764],
        );
    }

    #[test]
    fn random_sample_matches_numpy() {
        let xs = draws(0, 1001, |s| s.next_double());
        #[rustfmt::skip]
        assert_bits(&xs[..5], &[0.5488135039273248, 0.7151893663724195, 0.6027633760716439,
            0.5448831829968969, 0.4236547993389047]);
        // Draw 312 is the first one from the regenerated key block.
        assert_bits(
            &xs[311..314],
            &[
                0.14694664540037505,
                0.07952208258675575,
                0.08960303423860538,
            ],
        );
        assert_bits(&xs[1000..], &[0.5928802707811576]);
        #[rustfmt::skip]
        assert_bits(&draws(12345, 5, |s| s.next_double()), &[0.9296160928171479,
            0.3163755545817859, 0.18391881167709445, 0.2045602785530397, 0.5677250290816866]);
    }

    /// (low, high, six draws after seed(0), the random() that follows).
    #[rustfmt::skip]
    const RANDINT: [(i64, i64, [i64; 6], f64); 11] = [
        (0, 1, [0, 0, 0, 0, 0, 0], 0.5488135039273248),
        (0, 2, [0, 1, 1, 0, 1, 1], 0.5448831829968969),
        (0, 10, [5, 0, 3, 3, 7, 9], 0.6235636967859723),
        (-5, 5, [0, -5, -2, -2, 2, 4], 0.6235636967859723),
        (0, 1 << 31, [209652396, 398764591, 924231285, 1478610112, 441365315, 1537364731],
            0.5448831829968969),
        (0, 1 << 32, [2357136044, 2546248239, 3071714933, 3626093760, 2588848963, 3684848379],
            0.5448831829968969),
        ((0), (1 << 32) + 1, [2546248239, 1277901399, 243580376, 1171049868, 2051556033,
            3488238119], 0.5288949197529045),
        (0, 1 << 33, [2546248239, 7921061056, 7979815675, 7933885799, 6973152979, 5945874162],
            0.4375872112626925),
        (-(1 << 62), 1 << 62, [-3711235831533098449, -642142871786238784, -2716036421228801285,
            -3783737528391729817, 3203365596207111891, -1920414613809735950], 0.4375872112626925),
        (i64::MIN, i64::MAX, [900450186894289455, 3969543146641149120, 1895649597198586619,
            827948490035658087, -1408320422220276013, 2691271404617651954], 0.4375872112626925),
        (1_000_000_000_000, 1_000_000_000_007, [1000000000004, 1000000000005, 1000000000000,
            1000000000003, 1000000000003, 1000000000003], 0.8472517387841254),
    ];

    #[test]
    fn randint_matches_numpy_masked_rejection() {
        for (low, high, want, after) in RANDINT {
            let mut s = LegacyRandom::new(0);
            let got: Vec<i64> = (0..6).map(|_| s.randint(low, high)).collect();
            assert_eq!(got, want, "randint({low}, {high})");
            // The following draw shows how many words the range consumed
            // (none for a one-value range, one or two per try otherwise).
            assert_bits(&[s.next_double()], &[after]);
        }
        let mut s = LegacyRandom::new(12345);
        let run = (0..3000).map(|i| {
            let (low, high, ..) = RANDINT[i % RANDINT.len()];
            s.randint(low, high) as u64
        });
        assert_eq!(fnv(run), 0x9799d1247fc8360b);
    }

    #[test]
    fn uniform_matches_numpy() {
        #[rustfmt::skip]
        assert_bits(&draws(0, 5, |s| s.uniform(-1.5, 2.5)), &[0.695254015709299,
            1.360757465489678, 0.9110535042865755, 0.6795327319875875, 0.19461919735561883]);
    }

    #[test]
    fn normals_match_numpy_including_the_cache() {
        #[rustfmt::skip]
        assert_bits(&draws(0, 5, |s| s.standard_normal()), &[1.764052345967664,
            0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675]);
        #[rustfmt::skip]
        assert_bits(&draws(12345, 5, |s| s.normal(1.0, 2.0)), &[0.5905846810305742,
            1.9578866761150966, -0.03887743011347622, -0.11146060869498009, 4.931561145005428]);

        // random, normal, normal, randint, standard_normal, random, normal,
        // standard_normal: the cached half of a pair survives other draws.
        let mut s = LegacyRandom::new(0);
        let got = [
            s.next_double(),
            s.normal(0.5, 3.0),
            s.normal(0.5, 3.0),
            s.randint(0, 10) as f64,
            s.standard_normal(),
            s.next_double(),
            s.normal(-1.0, 0.5),
            s.standard_normal(),
        ];
        #[rustfmt::skip]
        assert_bits(&got, &[0.5488135039273248, 2.724775222427484, 5.15874116573845, 3.0,
            0.37025538490846127, 0.3843817072926998, -0.47973462453801796, -0.2913939760114335]);

        // Seeding drops a pending cached normal.
        let mut s = LegacyRandom::new(0);
        s.standard_normal();
        s.seed(0);
        assert_bits(&[s.standard_normal()], &[1.764052345967664]);
    }

    #[test]
    fn exponential_matches_numpy() {
        #[rustfmt::skip]
        assert_bits(&draws(0, 5, |s| s.exponential(2.0)), &[1.59174901632622,
            2.5118615259316757, 1.8464462916081377, 1.5744023046345414, 1.1020969821909985]);
        let run = draws(12345, 5000, |s| s.exponential(1.5).to_bits());
        assert_eq!(fnv(run), 0x75cdcfb8d2a9e7b1);
    }

    #[test]
    fn gamma_matches_numpy() {
        #[rustfmt::skip]
        let cases: [(f64, [f64; 5]); 5] = [
            (0.0, [0.0; 5]),
            (0.5, [0.3040018897607044, 0.37827172006781556, 0.1794833890028876,
                0.19148256746066028, 0.8796085396811957]),
            (1.0, [0.79587450816311, 1.2559307629658378, 0.9232231458040688,
                0.7872011523172707, 0.5510484910954992]),
            (2.5, [5.93870070324508, 2.8106696416847097, 6.242122324898662,
                1.0230247220453648, 2.018256337283051]),
            (1e-3, [2.6594323022863804e-261, 1.4023508854054985e-220, 0.0, 0.0,
                8.415434818428189e-17]),
        ];
        for (shape, want) in cases {
            assert_bits(&draws(0, 5, |s| s.standard_gamma(shape)), &want);
        }
        // 1.01 makes Marsaglia–Tsang reject normals with 1 + c·x <= 0.
        const SHAPES: [f64; 7] = [0.3, 0.9, 1.0, 1.01, 1.7, 7.5, 100.0];
        let mut s = LegacyRandom::new(12345);
        let run = (0..7000).map(|i| s.standard_gamma(SHAPES[i % 7]).to_bits());
        assert_eq!(fnv(run), 0x5f2190d9ad47be4);
        #[rustfmt::skip]
        assert_bits(&draws(0, 5, |s| s.gamma(3.0, 2.0)), &[13.418300991778487,
            6.7498983540362385, 14.053397800349273, 2.7359332872527053, 5.003274845538258]);
    }

    #[test]
    fn beta_matches_numpy() {
        #[rustfmt::skip]
        let cases: [(f64, f64, [f64; 5]); 5] = [
            (0.5, 0.5, [0.37061547061658573, 0.5503058575303685, 0.30081220227043654,
                0.1940554216982006, 0.6914375899452556]),
            (2.0, 3.0, [0.6035897484783911, 0.7986833363091154, 0.31163262450209406,
                0.4986489587077913, 0.41528042321172387]),
            (0.3, 0.7, [0.1792966244499785, 0.30575734819219885, 0.09636077454150593,
                0.06970063265034064, 0.5328228089118544]),
            (0.9, 5.0, [0.08906160715382075, 0.07581054677964269, 0.403730472605013,
                0.16576434445443272, 0.31394600155661045]),
            // Tiny parameters reach the log-space branch of Jöhnk's method.
            (1e-3, 1e-3, [1.0086495768405406e-115, 1.0, 0.0, 0.0, 1.0]),
        ];
        for (a, b, want) in cases {
            assert_bits(&draws(0, 5, |s| s.beta(a, b)), &want);
        }
        const AB: [(f64, f64); 6] = [
            (0.5, 0.5),
            (2.0, 3.0),
            (0.3, 0.7),
            (0.9, 5.0),
            // Both powers underflow often: Jöhnk's log-space branch.
            (1e-3, 1e-3),
            (40.0, 0.2),
        ];
        let mut s = LegacyRandom::new(12345);
        let run = (0..6000).map(|i| s.beta(AB[i % 6].0, AB[i % 6].1).to_bits());
        assert_eq!(fnv(run), 0xda5187730a9ceaee);
    }

    #[test]
    fn poisson_matches_numpy() {
        #[rustfmt::skip]
        let cases: [(f64, [i64; 8]); 5] = [
            (0.0, [0; 8]),
            (3.5, [6, 7, 1, 7, 4, 4, 6, 2]),
            (10.0, [10, 11, 9, 9, 18, 13, 4, 10]),
            (50.5, [51, 53, 49, 49, 70, 57, 52, 37]),
            (1e6, [1000137, 1000293, 999784, 999824, 1000914, 1000192, 998156, 1000861]),
        ];
        for (lam, want) in cases {
            assert_eq!(draws(0, 8, |s| s.poisson(lam)), want, "poisson({lam})");
        }
        const LAMS: [f64; 8] = [0.1, 3.5, 9.99, 10.0, 25.0, 123.4, 1e4, 1e9];
        let mut s = LegacyRandom::new(12345);
        let run = (0..10000).map(|i| s.poisson(LAMS[i % 8]) as u64);
        assert_eq!(fnv(run), 0xecf26149a13d7dc0);
    }

    #[test]
    fn binomial_matches_numpy() {
        // (n, p, six draws after seed(0), the random() that follows).
        #[rustfmt::skip]
        let cases: [(i64, f64, [i64; 6], f64); 9] = [
            (10, 0.3, [3, 4, 3, 3, 3, 3], 0.4375872112626925),
            (100, 0.7, [79, 69, 75, 72, 74, 70], 0.45615033221654855),
            (1000, 0.4, [403, 410, 399, 392, 395, 397], 0.07103605819788694),
            (1000, 0.9, [916, 911, 898, 901, 878, 893], 0.5680445610939323),
            // Degenerate cases still draw one uniform each, as in NumPy.
            (0, 0.5, [0; 6], 0.4375872112626925),
            (20, 0.0, [0; 6], 0.4375872112626925),
            (20, 1.0, [20; 6], 0.4375872112626925),
            (1_000_000_000, 0.5, [500000390, 500008778, 499997046, 499989153, 499958391,
                499993972], 0.07103605819788694),
            (500, 0.05, [25, 28, 26, 25, 24, 27], 0.4375872112626925),
        ];
        for (n, p, want, after) in cases {
            let mut s = LegacyRandom::new(0);
            let got: Vec<i64> = (0..6).map(|_| s.binomial(n, p)).collect();
            assert_eq!(got, want, "binomial({n}, {p})");
            assert_bits(&[s.next_double()], &[after]);
        }
        // Parameters change between draws, so the set-up cache is both
        // reused and invalidated; large n reaches BTPE's Stirling branch.
        #[rustfmt::skip]
        const NP: [(i64, f64); 8] = [(10, 0.3), (1000, 0.4), (100, 0.7), (1000, 0.9), (70, 0.5),
            (1_000_000, 0.25), (31, 0.999), (1_000_000_000, 1e-3)];
        let mut s = LegacyRandom::new(12345);
        let run = (0..20000).map(|i| {
            let (n, p) = NP[(i * 7 + i / 3) % 8];
            s.binomial(n, p) as u64
        });
        assert_eq!(fnv(run), 0x55db63c67318cf3f);
    }

    #[test]
    fn geometric_matches_numpy() {
        #[rustfmt::skip]
        let cases: [(f64, [i64; 8]); 5] = [
            (0.5, [2, 2, 2, 2, 1, 2, 1, 4]),
            (0.1, [8, 12, 9, 8, 6, 10, 6, 22]),
            (1.0, [1; 8]),
            (1e-3, [796, 1256, 923, 787, 551, 1038, 576, 2223]),
            (1.0 / 3.0, [2, 4, 3, 2, 2, 3, 2, 6]),
        ];
        for (p, want) in cases {
            assert_eq!(draws(0, 8, |s| s.geometric(p)), want, "geometric({p})");
        }
        const PS: [f64; 6] = [0.9, 0.5, 0.34, 0.2, 0.01, 1e-6];
        let mut s = LegacyRandom::new(12345);
        let run = (0..10000).map(|i| s.geometric(PS[i % 6]) as u64);
        assert_eq!(fnv(run), 0xcbd8f1c92e130de0);
    }

    #[test]
    fn extern_functions_share_the_thread_state() {
        // Each test runs on its own thread, so this state is private here.
        oxjit_rt_random_seed(0);
        let got = [
            oxjit_rt_random_random(),
            oxjit_rt_random_normal(0.5, 3.0),
            oxjit_rt_random_normal(0.5, 3.0),
            oxjit_rt_random_randint(0, 10) as f64,
            oxjit_rt_random_standard_normal(),
            oxjit_rt_random_uniform(0.0, 1.0),
        ];
        #[rustfmt::skip]
        assert_bits(&got, &[0.5488135039273248, 2.724775222427484, 5.15874116573845, 3.0,
            0.37025538490846127, 0.3843817072926998]);
        oxjit_rt_random_seed(0);
        assert_bits(&[oxjit_rt_random_exponential(2.0)], &[1.59174901632622]);
        oxjit_rt_random_seed(0);
        assert_bits(
            &[oxjit_rt_random_standard_gamma(0.5)],
            &[0.3040018897607044],
        );
        oxjit_rt_random_seed(0);
        assert_bits(&[oxjit_rt_random_gamma(3.0, 2.0)], &[13.418300991778487]);
        oxjit_rt_random_seed(0);
        assert_bits(&[oxjit_rt_random_beta(2.0, 3.0)], &[0.6035897484783911]);
        oxjit_rt_random_seed(0);
        assert_eq!(oxjit_rt_random_poisson(50.5), 51);
        oxjit_rt_random_seed(0);
        assert_eq!(oxjit_rt_random_binomial(1000, 0.9), 916);
        oxjit_rt_random_seed(0);
        assert_eq!(oxjit_rt_random_geometric(0.1), 8);
    }

    #[test]
    fn unseeded_threads_start_from_entropy() {
        let a = std::thread::spawn(|| (0..4).map(|_| oxjit_rt_random_random()).collect::<Vec<_>>());
        let b = std::thread::spawn(|| (0..4).map(|_| oxjit_rt_random_random()).collect::<Vec<_>>());
        let (a, b) = (a.join().unwrap(), b.join().unwrap());
        assert_ne!(a, b);
        assert!(a.iter().chain(&b).all(|x| (0.0..1.0).contains(x)));
        // Seeding one thread does not touch another's stream.
        oxjit_rt_random_seed(0);
        std::thread::spawn(|| oxjit_rt_random_seed(1))
            .join()
            .unwrap();
        assert_bits(&[oxjit_rt_random_random()], &[0.5488135039273248]);
    }

    #[test]
    fn invalid_parameters_return_without_hanging() {
        let mut s = LegacyRandom::new(0);
        assert!(s.standard_gamma(f64::NAN).is_nan());
        assert!(s.standard_gamma(-1.0).is_nan());
        assert!(s.beta(-1.0, 0.5).is_nan());
        assert!(s.beta(f64::NAN, 2.0).is_nan());
        assert_eq!(s.binomial(10, f64::NAN), 0);
        // None of those consumed anything.
        assert_bits(&[s.next_double()], &[0.5488135039273248]);
        // Domain errors the caller should have caught still terminate.
        s.randint(5, 5);
        s.randint(i64::MIN, i64::MIN);
        s.poisson(f64::NAN);
        s.poisson(-3.0);
        s.geometric(0.0);
        s.geometric(f64::NAN);
        s.binomial(-5, 0.3);
    }
}
