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
    const UNSEEDED: LegacyRandom = LegacyRandom {
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
        if !(shape > 0.0) {
            return f64::NAN;
        }
        if shape < 1.0 {
            // Ahrens–Dieter GS style rejection for small shapes.
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
        if p >= 0.333333333333333333333333 {
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
fn entropy_key() -> [u32; 8] {
    use std::hash::{BuildHasher, Hash, Hasher};
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
        let mut h = hasher.build_hasher();
        (nanos, count, here, std::process::id(), i).hash(&mut h);
        let v = h.finish();
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
