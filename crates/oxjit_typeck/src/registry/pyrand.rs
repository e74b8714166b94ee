//! The registry's rows for the standard library's `random` module: the
//! `PyRand` family, its parameters, its runtime calls and its notes.

/// The standard library's `random` module: CPython's algorithms, bit-exact
/// for the same integer seed, on compiled code's own per-thread state
/// (`oxjit_runtime::pyrandom`), separate from Python's and from `np.random`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PyRand {
    Seed,
    Random,
    Getrandbits,
    Randrange,
    Randint,
    Choice,
    Shuffle,
    Uniform,
    Triangular,
    Gauss,
    Normalvariate,
    Lognormvariate,
    Expovariate,
    Vonmisesvariate,
    Gammavariate,
    Betavariate,
    Paretovariate,
    Weibullvariate,
}

/// The parameters of a `random` function, as CPython names them (all may
/// be passed by keyword except `getrandbits`'s, which is positional-only).
pub fn pyrand_params(r: PyRand) -> &'static [&'static str] {
    match r {
        PyRand::Seed => &["a"],
        PyRand::Random => &[],
        PyRand::Getrandbits => &["k"],
        PyRand::Randrange => &["start", "stop", "step"],
        PyRand::Randint | PyRand::Uniform => &["a", "b"],
        PyRand::Choice => &["seq"],
        PyRand::Shuffle => &["x"],
        PyRand::Triangular => &["low", "high", "mode"],
        PyRand::Gauss | PyRand::Normalvariate | PyRand::Lognormvariate => &["mu", "sigma"],
        PyRand::Expovariate => &["lambd"],
        PyRand::Vonmisesvariate => &["mu", "kappa"],
        PyRand::Gammavariate | PyRand::Betavariate | PyRand::Weibullvariate => &["alpha", "beta"],
        PyRand::Paretovariate => &["alpha"],
    }
}

/// How a float-valued `random` distribution is called: runtime symbol,
/// parameter defaults (None: required), and whether it can raise (then it
/// writes its result through a pointer and returns a status).
pub struct PyRandSpec {
    pub symbol: &'static str,
    pub defaults: &'static [Option<f64>],
    pub fallible: bool,
}

/// The float distributions' specs (None for the other `random` functions).
pub fn pyrand_spec(r: PyRand) -> Option<PyRandSpec> {
    let s = |symbol, defaults, fallible| {
        Some(PyRandSpec {
            symbol,
            defaults,
            fallible,
        })
    };
    const MU_SIGMA: &[Option<f64>] = &[Some(0.0), Some(1.0)];
    match r {
        PyRand::Random => s("oxjit_rt_pyrandom_random", &[], false),
        PyRand::Uniform => s("oxjit_rt_pyrandom_uniform", &[None, None], false),
        PyRand::Gauss => s("oxjit_rt_pyrandom_gauss", MU_SIGMA, false),
        PyRand::Normalvariate => s("oxjit_rt_pyrandom_normalvariate", MU_SIGMA, false),
        PyRand::Vonmisesvariate => s("oxjit_rt_pyrandom_vonmisesvariate", &[None, None], false),
        PyRand::Lognormvariate => s("oxjit_rt_pyrandom_lognormvariate", &[None, None], true),
        PyRand::Expovariate => s("oxjit_rt_pyrandom_expovariate", &[None], true),
        PyRand::Gammavariate => s("oxjit_rt_pyrandom_gammavariate", &[None, None], true),
        PyRand::Betavariate => s("oxjit_rt_pyrandom_betavariate", &[None, None], true),
        PyRand::Paretovariate => s("oxjit_rt_pyrandom_paretovariate", &[None], true),
        PyRand::Weibullvariate => s("oxjit_rt_pyrandom_weibullvariate", &[None, None], true),
        // triangular's `mode` may be None: lowered specially.
        PyRand::Triangular => s(
            "oxjit_rt_pyrandom_triangular",
            &[Some(0.0), Some(1.0), None],
            true,
        ),
        PyRand::Seed
        | PyRand::Getrandbits
        | PyRand::Randrange
        | PyRand::Randint
        | PyRand::Choice
        | PyRand::Shuffle => None,
    }
}

pub(super) fn pyrand_note(r: PyRand) -> &'static str {
    match r {
        PyRand::Seed => "seed(n) with an int (CPython's init_by_array over abs(n)), seed() / seed(None) from OS entropy; seeds compiled code's own per-thread state, not Python's random module nor np.random",
        PyRand::Random => "random(): CPython's stream for the same seed (53-bit doubles from two 32-bit draws)",
        PyRand::Getrandbits => "getrandbits(k) for 0 <= k <= 64, a uint64 (as in Numba); k > 64 raises OverflowError",
        PyRand::Randrange => "randrange(stop) / (start, stop[, step]) of ints: CPython's getrandbits rejection, its ValueErrors for empty ranges and step 0",
        PyRand::Randint => "randint(a, b) of ints: randrange(a, b + 1); b < a raises ValueError",
        PyRand::Choice => "choice(seq) of an array: an element (a row view for n-d arrays); empty → IndexError",
        PyRand::Shuffle => "shuffle(x) of an array in place along the first axis, CPython's swaps (rows swapped by value)",
        PyRand::Uniform => "uniform(a, b) = a + (b - a) * random()",
        PyRand::Triangular => "triangular(low=0.0, high=1.0, mode=None), CPython's algorithm (low == high returns low)",
        PyRand::Gauss => "gauss(mu=0.0, sigma=1.0): Box–Muller with CPython's cached second value (reset by seed)",
        PyRand::Normalvariate => "normalvariate(mu=0.0, sigma=1.0): Kinderman–Monahan, as CPython",
        PyRand::Lognormvariate => "lognormvariate(mu, sigma) = exp(normalvariate(mu, sigma))",
        PyRand::Expovariate => "expovariate(lambd); lambd == 0 raises ZeroDivisionError",
        PyRand::Vonmisesvariate => "vonmisesvariate(mu, kappa), CPython's algorithm",
        PyRand::Gammavariate => "gammavariate(alpha, beta), CPython's three regimes; alpha or beta <= 0 raises ValueError",
        PyRand::Betavariate => "betavariate(alpha, beta) from two gammavariates, as CPython 3.11",
        PyRand::Paretovariate => "paretovariate(alpha)",
        PyRand::Weibullvariate => "weibullvariate(alpha, beta)",
    }
}
