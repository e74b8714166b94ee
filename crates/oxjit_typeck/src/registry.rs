//! THE registry of supported callables and constants: one entry per Python
//! path (or group of paths sharing one rule). Each entry has the paths it
//! answers to, a typing rule and a one-line user note; the lowering lives in
//! `oxjit_codegen::lower_builtin`, matched exhaustively on [`Builtin`].
//!
//! Nothing registers itself at import time (architecture invariant 3).

use oxjit_syntax::{BinOp, CmpOp};
use oxjit_types::{ArrayTy, Dtype, Kind, Layout, Ty};

/// Unary float math functions lowered to an LLVM intrinsic or libm symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Math1 {
    Sqrt,
    Exp,
    Expm1,
    Log,
    Log2,
    Log10,
    Log1p,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    Erf,
    Erfc,
    Gamma,
    Lgamma,
    Cbrt,
    Exp2,
    Rint,
    Degrees,
    Radians,
    Fabs,
}

/// Other `math` functions (integer and mixed signatures).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MathX {
    Gcd,
    Isclose,
    Ldexp,
    Frexp,
    Modf,
    Factorial,
    Isqrt,
    Nextafter,
    Remainder,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Math2 {
    Atan2,
    Hypot,
    Copysign,
    Fmod,
    Pow,
}

/// Rounding functions: on floats they give floats (NumPy) or ints (`math.`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Round {
    Floor,
    Ceil,
    Trunc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatPred {
    IsNan,
    IsInf,
    IsFinite,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alloc {
    Empty,
    Zeros,
    Ones,
    Full,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reduce {
    Sum,
    Prod,
    Min,
    Max,
    Mean,
    Argmin,
    Argmax,
    Var,
    Std,
    Any,
    All,
    CountNonzero,
    NanSum,
    NanMean,
    NanMax,
    NanMin,
    NanVar,
    NanStd,
}

/// `cmath` functions (complex in, complex or real out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CFn {
    Sqrt,
    Exp,
    Log,
    Log10,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Asin,
    Acos,
    Atan,
    Asinh,
    Acosh,
    Atanh,
    Phase,
    Polar,
    Rect,
    IsNan,
    IsInf,
    IsFinite,
}

/// Array functions beyond reductions (one variant per NumPy function).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArrFn {
    Cumsum,
    Cumprod,
    Diff,
    Bincount,
    Median,
    Percentile,
    Quantile,
    Reshape,
    Ravel,
    Flatten,
    Astype,
    AsContiguous,
    Eye,
    Identity,
    Concatenate,
    Vstack,
    Hstack,
    Array,
    Searchsorted,
    Interp,
    Convolve,
    Nonzero,
    Sort,
    Argsort,
    Unique,
    Flip,
    Meshgrid,
    Logspace,
    Average,
    Flatnonzero,
    AsArray,
    Allclose,
    Norm,
    Trace,
    Outer,
    Kron,
    Vdot,
    Trapezoid,
}

/// Shape manipulation, triangular/diagonal construction and the remaining
/// array functions (typed in `manip.rs`, lowered in `lower/manip.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Manip {
    Diag,
    Diagonal,
    Tri,
    Tril,
    Triu,
    Transpose,
    Swapaxes,
    ExpandDims,
    Squeeze,
    Stack,
    ColumnStack,
    Repeat,
    Tile,
    Roll,
    Partition,
    Cross,
    ArrayEqual,
    Argwhere,
    AsFortran,
    Histogram,
    Digitize,
    /// `atleast_1d/2d/3d`: the array, or a view with leading (and for 3-d
    /// trailing) axes of length 1.
    AtLeast(u8),
}

/// Where `atleast_{n}d` puts the new unit axes of an `nd`-dimensional array,
/// as output axes (NumPy: 1-d `(k,)` becomes `(1, k)` and `(1, k, 1)`, 2-d
/// `(m, k)` becomes `(m, k, 1)`).
pub fn at_least_axes(nd: u8, n: u8) -> Vec<usize> {
    match (n, nd) {
        (_, d) if d >= n => Vec::new(),
        (3, 1) => vec![0, 2],
        (3, 2) => vec![2],
        (_, d) => (0..usize::from(n - d)).collect(),
    }
}

/// Methods of a `numpy.random.Generator` argument, drawn with NumPy's own
/// distribution functions (libnpyrandom) from the generator's bit generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GenFn {
    Random,
    StandardNormal,
    StandardExponential,
    Normal,
    Uniform,
    Exponential,
    StandardGamma,
    Gamma,
    Beta,
    Lognormal,
    Poisson,
    Geometric,
    Binomial,
    Integers,
    Choice,
    Shuffle,
    Permutation,
}

/// NumPy's parameter checks (`_common.pyx` constraint kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Free,
    /// `x < 0` fails (the sign bit: -0.0 too), NaN passes: "{name} < 0".
    NonNeg,
    /// `x <= 0` fails, NaN passes: "{name} <= 0".
    Positive,
    /// Outside [0, 1] or NaN: "{name} < 0, {name} > 1 or {name} is NaN".
    Bounded01,
    /// Outside (0, 1] or NaN: "{name} <= 0, {name} > 1 or {name} contains NaNs".
    BoundedGt01,
    /// Negative or NaN, then above NumPy's POISSON_LAM_MAX.
    Poisson,
}

/// A Generator method that is one C call per draw: symbol (float64 and,
/// where `dtype=np.float32` is allowed, float32), parameters (name,
/// default, check) and whether it draws integers.
pub struct GenSpec {
    pub symbol: &'static str,
    pub symbol_f32: Option<&'static str>,
    pub params: &'static [(&'static str, Option<f64>, Check)],
    pub int_result: bool,
}

pub fn gen_spec(g: GenFn) -> Option<GenSpec> {
    let s = |symbol, symbol_f32, params, int_result| {
        Some(GenSpec {
            symbol,
            symbol_f32,
            params,
            int_result,
        })
    };
    match g {
        GenFn::Random => s(
            "oxjit_np_random_standard_uniform",
            Some("oxjit_np_random_standard_uniform_f"),
            &[],
            false,
        ),
        GenFn::StandardNormal => s(
            "oxjit_np_random_standard_normal",
            Some("oxjit_np_random_standard_normal_f"),
            &[],
            false,
        ),
        GenFn::StandardExponential => s(
            "oxjit_np_random_standard_exponential",
            Some("oxjit_np_random_standard_exponential_f"),
            &[],
            false,
        ),
        GenFn::Normal => s(
            "oxjit_np_random_normal",
            None,
            &[
                ("loc", Some(0.0), Check::Free),
                ("scale", Some(1.0), Check::NonNeg),
            ],
            false,
        ),
        // Called as (low, high - low); checked in codegen.
        GenFn::Uniform => s(
            "oxjit_np_random_uniform",
            None,
            &[
                ("low", Some(0.0), Check::Free),
                ("high", Some(1.0), Check::Free),
            ],
            false,
        ),
        GenFn::Exponential => s(
            "oxjit_np_random_exponential",
            None,
            &[("scale", Some(1.0), Check::NonNeg)],
            false,
        ),
        GenFn::StandardGamma => s(
            "oxjit_np_random_standard_gamma",
            None,
            &[("shape", None, Check::NonNeg)],
            false,
        ),
        GenFn::Gamma => s(
            "oxjit_np_random_gamma",
            None,
            &[
                ("shape", None, Check::NonNeg),
                ("scale", Some(1.0), Check::NonNeg),
            ],
            false,
        ),
        GenFn::Beta => s(
            "oxjit_np_random_beta",
            None,
            &[("a", None, Check::Positive), ("b", None, Check::Positive)],
            false,
        ),
        GenFn::Lognormal => s(
            "oxjit_np_random_lognormal",
            None,
            &[
                ("mean", Some(0.0), Check::Free),
                ("sigma", Some(1.0), Check::NonNeg),
            ],
            false,
        ),
        GenFn::Poisson => s(
            "oxjit_np_random_poisson",
            None,
            &[("lam", Some(1.0), Check::Poisson)],
            true,
        ),
        GenFn::Geometric => s(
            "oxjit_np_random_geometric",
            None,
            &[("p", None, Check::BoundedGt01)],
            true,
        ),
        // random_binomial(bitgen, p, n, cache): lowered specially.
        GenFn::Binomial => s(
            "oxjit_np_random_binomial",
            None,
            &[("n", None, Check::Free), ("p", None, Check::Bounded01)],
            true,
        ),
        GenFn::Integers | GenFn::Choice | GenFn::Shuffle | GenFn::Permutation => None,
    }
}

/// Method names of a Generator argument.
pub const GEN_METHODS: &[(&str, Builtin)] = &[
    ("random", Builtin::Gen(GenFn::Random)),
    ("standard_normal", Builtin::Gen(GenFn::StandardNormal)),
    (
        "standard_exponential",
        Builtin::Gen(GenFn::StandardExponential),
    ),
    ("normal", Builtin::Gen(GenFn::Normal)),
    ("uniform", Builtin::Gen(GenFn::Uniform)),
    ("exponential", Builtin::Gen(GenFn::Exponential)),
    ("standard_gamma", Builtin::Gen(GenFn::StandardGamma)),
    ("gamma", Builtin::Gen(GenFn::Gamma)),
    ("beta", Builtin::Gen(GenFn::Beta)),
    ("lognormal", Builtin::Gen(GenFn::Lognormal)),
    ("poisson", Builtin::Gen(GenFn::Poisson)),
    ("geometric", Builtin::Gen(GenFn::Geometric)),
    ("binomial", Builtin::Gen(GenFn::Binomial)),
    ("integers", Builtin::Gen(GenFn::Integers)),
    ("choice", Builtin::Gen(GenFn::Choice)),
    ("shuffle", Builtin::Gen(GenFn::Shuffle)),
    ("permutation", Builtin::Gen(GenFn::Permutation)),
];

fn gen_note(g: GenFn) -> &'static str {
    match g {
        GenFn::Random | GenFn::StandardNormal | GenFn::StandardExponential => {
            "size=None|int|tuple, dtype=np.float64|np.float32; NumPy's stream"
        }
        GenFn::Integers => {
            "integers(low, high=None, size=None, dtype=np.int64, endpoint=False), any integer or bool dtype; NumPy's stream"
        }
        GenFn::Choice => {
            "choice(a, size=None, replace=True, p=None, shuffle=True) of an int or a 1-d array; NumPy's stream"
        }
        GenFn::Shuffle => "in-place shuffle along axis 0; NumPy's stream",
        GenFn::Permutation => "permutation(int or array), along axis 0; NumPy's stream",
        GenFn::Normal | GenFn::Uniform | GenFn::Exponential | GenFn::StandardGamma | GenFn::Gamma | GenFn::Beta | GenFn::Lognormal | GenFn::Poisson | GenFn::Geometric | GenFn::Binomial => "scalar or array parameters (broadcast, with NumPy's checks), size=None|int|tuple; NumPy's stream",
    }
}

/// `np.linalg.*` decompositions and solvers (runtime: `oxjit_linalg` on faer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinAlg {
    Solve,
    Inv,
    Det,
    Slogdet,
    Cholesky,
    Qr,
    Svd,
    Eig,
    Eigvals,
    Eigh,
    Eigvalsh,
    Lstsq,
    Pinv,
    MatrixPower,
    Cond,
    MatrixRank,
}

mod dict;
mod list;
mod pyrand;
mod text;
use dict::dict_note;
pub use dict::{DictFn, DICT_METHODS, SET_METHODS};
use list::list_note;
pub use list::{list_keywords, ListFn, LIST_METHODS};
use pyrand::pyrand_note;
pub use pyrand::{pyrand_params, pyrand_spec, PyRand, PyRandSpec};
use text::str_note;
pub use text::{StrFn, STR_METHODS};

/// `np.random.*` with NumPy's legacy global state (kept per thread in the
/// runtime, seeded by `np.random.seed` inside compiled code as in Numba).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rand {
    Seed,
    Random,
    Rand,
    Randn,
    Randint,
    Uniform,
    Normal,
    StandardNormal,
    Exponential,
    Poisson,
    Binomial,
    Beta,
    Gamma,
    StandardGamma,
    Geometric,
    Choice,
    Shuffle,
    Permutation,
}

/// How a random function is called: runtime symbol, parameters (name,
/// default) before `size`, whether it draws integers, whether its i-th
/// parameter is an integer.
pub struct RandSpec {
    pub symbol: &'static str,
    pub params: &'static [(&'static str, Option<f64>)],
    pub int_result: bool,
    pub int_params: &'static [bool],
}

pub fn rand_spec(r: Rand) -> RandSpec {
    let s = |symbol, params, int_result, int_params| RandSpec {
        symbol,
        params,
        int_result,
        int_params,
    };
    match r {
        Rand::Seed => s("oxjit_rt_random_seed", &[("seed", None)], false, &[true]),
        Rand::Random | Rand::Rand => s("oxjit_rt_random_random", &[], false, &[]),
        Rand::Randn | Rand::StandardNormal => s("oxjit_rt_random_standard_normal", &[], false, &[]),
        Rand::Randint => s(
            "oxjit_rt_random_randint",
            &[("low", None), ("high", None)],
            true,
            &[true, true],
        ),
        Rand::Uniform => s(
            "oxjit_rt_random_uniform",
            &[("low", Some(0.0)), ("high", Some(1.0))],
            false,
            &[false, false],
        ),
        Rand::Normal => s(
            "oxjit_rt_random_normal",
            &[("loc", Some(0.0)), ("scale", Some(1.0))],
            false,
            &[false, false],
        ),
        Rand::Exponential => s(
            "oxjit_rt_random_exponential",
            &[("scale", Some(1.0))],
            false,
            &[false],
        ),
        Rand::Poisson => s(
            "oxjit_rt_random_poisson",
            &[("lam", Some(1.0))],
            true,
            &[false],
        ),
        Rand::Binomial => s(
            "oxjit_rt_random_binomial",
            &[("n", None), ("p", None)],
            true,
            &[true, false],
        ),
        Rand::Beta => s(
            "oxjit_rt_random_beta",
            &[("a", None), ("b", None)],
            false,
            &[false, false],
        ),
        Rand::Gamma => s(
            "oxjit_rt_random_gamma",
            &[("shape", None), ("scale", Some(1.0))],
            false,
            &[false, false],
        ),
        Rand::StandardGamma => s(
            "oxjit_rt_random_standard_gamma",
            &[("shape", None)],
            false,
            &[false],
        ),
        Rand::Geometric => s("oxjit_rt_random_geometric", &[("p", None)], true, &[false]),
        // Lowered with the Generator methods' code (lower/generator.rs).
        Rand::Choice | Rand::Shuffle | Rand::Permutation => s("", &[], true, &[]),
    }
}

/// Every supported callable. Codegen matches on this exhaustively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Range,
    Len,
    Abs,
    MinMax {
        max: bool,
    },
    Int,
    Float,
    Bool,
    Complex,
    Round,
    /// `np.round(x[, decimals])`: keeps the float type.
    NpRound,
    Pow,
    Divmod,
    Print,
    /// `np.iinfo(t)` / `np.finfo(t)` (`float`): a named tuple of constants
    /// (`typeinfo.rs`).
    TypeInfo {
        float: bool,
    },
    /// `isinstance(x, cls)`: decided from the types when compiling (a
    /// constant, so `if isinstance(...)` compiles only the live branch).
    Isinstance,
    /// `get_thread_id()` (`id`) / `get_num_threads()` of oxjit or numba.
    ThreadInfo {
        id: bool,
    },
    Enumerate,
    Zip,
    /// `np.ndindex(*shape)` in for loops: index tuples in C order.
    NdIndex,
    /// `np.ndenumerate(a)` in for loops: (index tuple, element) in C order.
    NdEnumerate,
    /// `math.*` / `np.*` unary float functions; `numpy` selects NumPy
    /// naming (for example integer inputs still give float64 in both).
    Math1(Math1),
    Math2(Math2),
    /// `math.floor` (→ int) or `np.floor` (→ float).
    Rounding(Round, bool),
    FloatPred(FloatPred),
    /// `np.sign`
    Sign,
    /// `np.square`
    Square,
    /// Scalar constructor / cast: `np.float64(x)`, `np.int32(x)`.
    Cast(Dtype),
    /// `np.empty/zeros/ones/full(shape, [fill], dtype=)`.
    Alloc(Alloc),
    /// `np.empty_like/zeros_like/ones_like/full_like(a, [fill], dtype=)`.
    AllocLike(Alloc),
    Arange,
    Linspace,
    /// `np.sum(a)`, `a.sum()`, ...
    Reduce(Reduce),
    /// `a.copy()`, `np.copy(a)`
    Copy,
    /// `a.fill(v)`
    Fill,
    /// `complex.conjugate()`, `np.conj`
    Conjugate,
    /// `np.where(cond, a, b)` (element-wise).
    Where,
    Random(Rand),
    /// The standard library's `random` module.
    PyRandom(PyRand),
    Arr(ArrFn),
    LinAlg(LinAlg),
    Manip(Manip),
    /// A method of a `numpy.random.Generator` argument.
    Gen(GenFn),
    /// A binary arithmetic ufunc called as a function (`np.add(a, b)`).
    Ufunc2(BinOp),
    /// A comparison ufunc called as a function (`np.greater(a, b)`).
    UfuncCmp(CmpOp),
    CMath(CFn),
    MathX(MathX),
    /// `np.negative` (element-wise on arrays).
    Negative,
    /// `np.clip(a, lo, hi)` (element-wise).
    Clip,
    /// `np.dot`, `np.matmul` and `@` for vectors and matrices.
    MatMul,
    /// `np.isclose(a, b, rtol=1e-05, atol=1e-08)` (element-wise).
    IsClose,
    /// `np.maximum`/`np.minimum` (NaN propagates) and `np.fmax`/`np.fmin`
    /// (NaN ignored), element-wise.
    NpExtremum {
        max: bool,
        ignore_nan: bool,
    },
    /// A list method, or a builtin that builds a list or consumes an
    /// iterable (`registry/list.rs`).
    List(ListFn),
    /// A dict or set method, or `dict`/`set` (`registry/dict.rs`).
    Dict(DictFn),
    /// A string method, or `str`/`format` (`registry/text.rs`).
    Text(StrFn),
}

/// THE table: every dotted Python path compiled code can call, and what it is.
/// (`lookup` also maps NumPy scalar types such as `numpy.float32` to `Cast`.)
pub const ENTRIES: &[(&str, Builtin)] = &[
    ("cmath.sqrt", Builtin::CMath(CFn::Sqrt)),
    ("cmath.exp", Builtin::CMath(CFn::Exp)),
    ("cmath.log", Builtin::CMath(CFn::Log)),
    ("cmath.log10", Builtin::CMath(CFn::Log10)),
    ("cmath.sin", Builtin::CMath(CFn::Sin)),
    ("cmath.cos", Builtin::CMath(CFn::Cos)),
    ("cmath.tan", Builtin::CMath(CFn::Tan)),
    ("cmath.sinh", Builtin::CMath(CFn::Sinh)),
    ("cmath.cosh", Builtin::CMath(CFn::Cosh)),
    ("cmath.tanh", Builtin::CMath(CFn::Tanh)),
    ("cmath.asin", Builtin::CMath(CFn::Asin)),
    ("cmath.acos", Builtin::CMath(CFn::Acos)),
    ("cmath.atan", Builtin::CMath(CFn::Atan)),
    ("cmath.asinh", Builtin::CMath(CFn::Asinh)),
    ("cmath.acosh", Builtin::CMath(CFn::Acosh)),
    ("cmath.atanh", Builtin::CMath(CFn::Atanh)),
    ("cmath.phase", Builtin::CMath(CFn::Phase)),
    ("numpy.angle", Builtin::CMath(CFn::Phase)),
    ("cmath.polar", Builtin::CMath(CFn::Polar)),
    ("cmath.rect", Builtin::CMath(CFn::Rect)),
    ("cmath.isnan", Builtin::CMath(CFn::IsNan)),
    ("cmath.isinf", Builtin::CMath(CFn::IsInf)),
    ("cmath.isfinite", Builtin::CMath(CFn::IsFinite)),
    ("range", Builtin::Range),
    ("oxjit.prange", Builtin::Range),
    ("numba.prange", Builtin::Range),
    ("len", Builtin::Len),
    ("abs", Builtin::Abs),
    ("numpy.abs", Builtin::Abs),
    ("numpy.absolute", Builtin::Abs),
    ("math.fabs", Builtin::Math1(Math1::Fabs)),
    ("numpy.fabs", Builtin::Math1(Math1::Fabs)),
    ("numpy.negative", Builtin::Negative),
    ("math.gcd", Builtin::MathX(MathX::Gcd)),
    ("numpy.gcd", Builtin::MathX(MathX::Gcd)),
    ("math.isclose", Builtin::MathX(MathX::Isclose)),
    ("math.ldexp", Builtin::MathX(MathX::Ldexp)),
    ("numpy.ldexp", Builtin::MathX(MathX::Ldexp)),
    ("math.frexp", Builtin::MathX(MathX::Frexp)),
    ("math.modf", Builtin::MathX(MathX::Modf)),
    ("math.factorial", Builtin::MathX(MathX::Factorial)),
    ("math.isqrt", Builtin::MathX(MathX::Isqrt)),
    ("math.nextafter", Builtin::MathX(MathX::Nextafter)),
    ("numpy.nextafter", Builtin::MathX(MathX::Nextafter)),
    ("math.remainder", Builtin::MathX(MathX::Remainder)),
    ("min", Builtin::MinMax { max: false }),
    (
        "numpy.minimum",
        Builtin::NpExtremum {
            max: false,
            ignore_nan: false,
        },
    ),
    (
        "numpy.fmin",
        Builtin::NpExtremum {
            max: false,
            ignore_nan: true,
        },
    ),
    ("max", Builtin::MinMax { max: true }),
    (
        "numpy.maximum",
        Builtin::NpExtremum {
            max: true,
            ignore_nan: false,
        },
    ),
    (
        "numpy.fmax",
        Builtin::NpExtremum {
            max: true,
            ignore_nan: true,
        },
    ),
    ("int", Builtin::Int),
    ("float", Builtin::Float),
    ("bool", Builtin::Bool),
    ("complex", Builtin::Complex),
    ("round", Builtin::Round),
    ("numpy.round", Builtin::NpRound),
    ("numpy.around", Builtin::NpRound),
    ("numpy.round_", Builtin::NpRound),
    ("pow", Builtin::Pow),
    ("math.pow", Builtin::Math2(Math2::Pow)),
    ("divmod", Builtin::Divmod),
    ("print", Builtin::Print),
    ("isinstance", Builtin::Isinstance),
    ("numpy.iinfo", Builtin::TypeInfo { float: false }),
    ("oxjit.get_thread_id", Builtin::ThreadInfo { id: true }),
    ("oxjit.get_num_threads", Builtin::ThreadInfo { id: false }),
    ("numba.get_thread_id", Builtin::ThreadInfo { id: true }),
    ("numba.get_num_threads", Builtin::ThreadInfo { id: false }),
    ("numpy.finfo", Builtin::TypeInfo { float: true }),
    ("enumerate", Builtin::Enumerate),
    ("zip", Builtin::Zip),
    ("list", Builtin::List(ListFn::New)),
    ("sorted", Builtin::List(ListFn::Sorted)),
    ("reversed", Builtin::List(ListFn::Reversed)),
    ("sum", Builtin::List(ListFn::Sum)),
    ("any", Builtin::List(ListFn::Any)),
    ("all", Builtin::List(ListFn::All)),
    ("dict", Builtin::Dict(DictFn::New)),
    ("set", Builtin::Dict(DictFn::SetNew)),
    ("str", Builtin::Text(StrFn::New)),
    ("format", Builtin::Text(StrFn::Format)),
    ("repr", Builtin::Text(StrFn::Repr)),
    ("numpy.ndindex", Builtin::NdIndex),
    ("numpy.ndenumerate", Builtin::NdEnumerate),
    ("math.sqrt", Builtin::Math1(Math1::Sqrt)),
    ("numpy.sqrt", Builtin::Math1(Math1::Sqrt)),
    ("math.exp", Builtin::Math1(Math1::Exp)),
    ("numpy.exp", Builtin::Math1(Math1::Exp)),
    ("math.expm1", Builtin::Math1(Math1::Expm1)),
    ("numpy.expm1", Builtin::Math1(Math1::Expm1)),
    ("math.log", Builtin::Math1(Math1::Log)),
    ("numpy.log", Builtin::Math1(Math1::Log)),
    ("math.log2", Builtin::Math1(Math1::Log2)),
    ("numpy.log2", Builtin::Math1(Math1::Log2)),
    ("math.log10", Builtin::Math1(Math1::Log10)),
    ("numpy.log10", Builtin::Math1(Math1::Log10)),
    ("math.log1p", Builtin::Math1(Math1::Log1p)),
    ("numpy.log1p", Builtin::Math1(Math1::Log1p)),
    ("math.sin", Builtin::Math1(Math1::Sin)),
    ("numpy.sin", Builtin::Math1(Math1::Sin)),
    ("math.cos", Builtin::Math1(Math1::Cos)),
    ("numpy.cos", Builtin::Math1(Math1::Cos)),
    ("math.tan", Builtin::Math1(Math1::Tan)),
    ("numpy.tan", Builtin::Math1(Math1::Tan)),
    ("math.asin", Builtin::Math1(Math1::Asin)),
    ("numpy.arcsin", Builtin::Math1(Math1::Asin)),
    ("math.acos", Builtin::Math1(Math1::Acos)),
    ("numpy.arccos", Builtin::Math1(Math1::Acos)),
    ("math.atan", Builtin::Math1(Math1::Atan)),
    ("numpy.arctan", Builtin::Math1(Math1::Atan)),
    ("math.sinh", Builtin::Math1(Math1::Sinh)),
    ("numpy.sinh", Builtin::Math1(Math1::Sinh)),
    ("math.cosh", Builtin::Math1(Math1::Cosh)),
    ("numpy.cosh", Builtin::Math1(Math1::Cosh)),
    ("math.tanh", Builtin::Math1(Math1::Tanh)),
    ("numpy.tanh", Builtin::Math1(Math1::Tanh)),
    ("math.asinh", Builtin::Math1(Math1::Asinh)),
    ("numpy.arcsinh", Builtin::Math1(Math1::Asinh)),
    ("math.acosh", Builtin::Math1(Math1::Acosh)),
    ("numpy.arccosh", Builtin::Math1(Math1::Acosh)),
    ("math.atanh", Builtin::Math1(Math1::Atanh)),
    ("numpy.arctanh", Builtin::Math1(Math1::Atanh)),
    ("math.erf", Builtin::Math1(Math1::Erf)),
    ("math.erfc", Builtin::Math1(Math1::Erfc)),
    ("math.gamma", Builtin::Math1(Math1::Gamma)),
    ("math.lgamma", Builtin::Math1(Math1::Lgamma)),
    ("numpy.cbrt", Builtin::Math1(Math1::Cbrt)),
    ("numpy.exp2", Builtin::Math1(Math1::Exp2)),
    ("numpy.rint", Builtin::Math1(Math1::Rint)),
    ("math.degrees", Builtin::Math1(Math1::Degrees)),
    ("numpy.degrees", Builtin::Math1(Math1::Degrees)),
    ("numpy.rad2deg", Builtin::Math1(Math1::Degrees)),
    ("math.radians", Builtin::Math1(Math1::Radians)),
    ("numpy.radians", Builtin::Math1(Math1::Radians)),
    ("numpy.deg2rad", Builtin::Math1(Math1::Radians)),
    ("math.atan2", Builtin::Math2(Math2::Atan2)),
    ("numpy.arctan2", Builtin::Math2(Math2::Atan2)),
    ("math.hypot", Builtin::Math2(Math2::Hypot)),
    ("numpy.hypot", Builtin::Math2(Math2::Hypot)),
    ("math.copysign", Builtin::Math2(Math2::Copysign)),
    ("numpy.copysign", Builtin::Math2(Math2::Copysign)),
    ("math.fmod", Builtin::Math2(Math2::Fmod)),
    ("numpy.fmod", Builtin::Math2(Math2::Fmod)),
    ("math.floor", Builtin::Rounding(Round::Floor, false)),
    ("math.ceil", Builtin::Rounding(Round::Ceil, false)),
    ("math.trunc", Builtin::Rounding(Round::Trunc, false)),
    ("numpy.floor", Builtin::Rounding(Round::Floor, true)),
    ("numpy.ceil", Builtin::Rounding(Round::Ceil, true)),
    ("numpy.trunc", Builtin::Rounding(Round::Trunc, true)),
    ("numpy.fix", Builtin::Rounding(Round::Trunc, true)),
    ("math.isnan", Builtin::FloatPred(FloatPred::IsNan)),
    ("numpy.isnan", Builtin::FloatPred(FloatPred::IsNan)),
    ("math.isinf", Builtin::FloatPred(FloatPred::IsInf)),
    ("numpy.isinf", Builtin::FloatPred(FloatPred::IsInf)),
    ("math.isfinite", Builtin::FloatPred(FloatPred::IsFinite)),
    ("numpy.isfinite", Builtin::FloatPred(FloatPred::IsFinite)),
    ("numpy.sign", Builtin::Sign),
    ("numpy.square", Builtin::Square),
    ("numpy.empty", Builtin::Alloc(Alloc::Empty)),
    ("numpy.zeros", Builtin::Alloc(Alloc::Zeros)),
    ("numpy.ones", Builtin::Alloc(Alloc::Ones)),
    ("numpy.full", Builtin::Alloc(Alloc::Full)),
    ("numpy.empty_like", Builtin::AllocLike(Alloc::Empty)),
    ("numpy.zeros_like", Builtin::AllocLike(Alloc::Zeros)),
    ("numpy.ones_like", Builtin::AllocLike(Alloc::Ones)),
    ("numpy.full_like", Builtin::AllocLike(Alloc::Full)),
    ("numpy.arange", Builtin::Arange),
    ("numpy.linspace", Builtin::Linspace),
    ("numpy.sum", Builtin::Reduce(Reduce::Sum)),
    ("numpy.prod", Builtin::Reduce(Reduce::Prod)),
    ("numpy.min", Builtin::Reduce(Reduce::Min)),
    ("numpy.amin", Builtin::Reduce(Reduce::Min)),
    ("numpy.max", Builtin::Reduce(Reduce::Max)),
    ("numpy.amax", Builtin::Reduce(Reduce::Max)),
    ("numpy.mean", Builtin::Reduce(Reduce::Mean)),
    ("numpy.argmin", Builtin::Reduce(Reduce::Argmin)),
    ("numpy.argmax", Builtin::Reduce(Reduce::Argmax)),
    ("numpy.var", Builtin::Reduce(Reduce::Var)),
    ("numpy.std", Builtin::Reduce(Reduce::Std)),
    ("numpy.any", Builtin::Reduce(Reduce::Any)),
    ("numpy.all", Builtin::Reduce(Reduce::All)),
    ("numpy.count_nonzero", Builtin::Reduce(Reduce::CountNonzero)),
    ("numpy.cumsum", Builtin::Arr(ArrFn::Cumsum)),
    ("numpy.cumprod", Builtin::Arr(ArrFn::Cumprod)),
    ("numpy.diff", Builtin::Arr(ArrFn::Diff)),
    ("numpy.trapezoid", Builtin::Arr(ArrFn::Trapezoid)),
    // NumPy < 2.4 spells it trapz (the front end names it when it exists).
    ("numpy.trapz", Builtin::Arr(ArrFn::Trapezoid)),
    ("numpy.bincount", Builtin::Arr(ArrFn::Bincount)),
    ("numpy.median", Builtin::Arr(ArrFn::Median)),
    ("numpy.percentile", Builtin::Arr(ArrFn::Percentile)),
    ("numpy.quantile", Builtin::Arr(ArrFn::Quantile)),
    ("numpy.reshape", Builtin::Arr(ArrFn::Reshape)),
    ("numpy.ravel", Builtin::Arr(ArrFn::Ravel)),
    ("numpy.ascontiguousarray", Builtin::Arr(ArrFn::AsContiguous)),
    ("numpy.eye", Builtin::Arr(ArrFn::Eye)),
    ("numpy.identity", Builtin::Arr(ArrFn::Identity)),
    ("numpy.concatenate", Builtin::Arr(ArrFn::Concatenate)),
    ("numpy.vstack", Builtin::Arr(ArrFn::Vstack)),
    ("numpy.hstack", Builtin::Arr(ArrFn::Hstack)),
    ("numpy.array", Builtin::Arr(ArrFn::Array)),
    ("numpy.asarray", Builtin::Arr(ArrFn::AsArray)),
    ("numpy.searchsorted", Builtin::Arr(ArrFn::Searchsorted)),
    ("numpy.interp", Builtin::Arr(ArrFn::Interp)),
    ("numpy.convolve", Builtin::Arr(ArrFn::Convolve)),
    ("numpy.nonzero", Builtin::Arr(ArrFn::Nonzero)),
    ("numpy.sort", Builtin::Arr(ArrFn::Sort)),
    ("numpy.argsort", Builtin::Arr(ArrFn::Argsort)),
    ("numpy.unique", Builtin::Arr(ArrFn::Unique)),
    ("numpy.flip", Builtin::Arr(ArrFn::Flip)),
    ("numpy.meshgrid", Builtin::Arr(ArrFn::Meshgrid)),
    ("numpy.logspace", Builtin::Arr(ArrFn::Logspace)),
    ("numpy.average", Builtin::Arr(ArrFn::Average)),
    ("numpy.flatnonzero", Builtin::Arr(ArrFn::Flatnonzero)),
    ("numpy.allclose", Builtin::Arr(ArrFn::Allclose)),
    ("numpy.clip", Builtin::Clip),
    ("numpy.dot", Builtin::MatMul),
    ("numpy.linalg.norm", Builtin::Arr(ArrFn::Norm)),
    ("numpy.add", Builtin::Ufunc2(BinOp::Add)),
    ("numpy.subtract", Builtin::Ufunc2(BinOp::Sub)),
    ("numpy.multiply", Builtin::Ufunc2(BinOp::Mul)),
    ("numpy.divide", Builtin::Ufunc2(BinOp::Div)),
    ("numpy.true_divide", Builtin::Ufunc2(BinOp::Div)),
    ("numpy.floor_divide", Builtin::Ufunc2(BinOp::FloorDiv)),
    ("numpy.power", Builtin::Ufunc2(BinOp::Pow)),
    ("numpy.remainder", Builtin::Ufunc2(BinOp::Mod)),
    ("numpy.mod", Builtin::Ufunc2(BinOp::Mod)),
    ("numpy.bitwise_and", Builtin::Ufunc2(BinOp::BitAnd)),
    ("numpy.bitwise_or", Builtin::Ufunc2(BinOp::BitOr)),
    ("numpy.bitwise_xor", Builtin::Ufunc2(BinOp::BitXor)),
    ("numpy.left_shift", Builtin::Ufunc2(BinOp::LShift)),
    ("numpy.right_shift", Builtin::Ufunc2(BinOp::RShift)),
    ("numpy.greater", Builtin::UfuncCmp(CmpOp::Gt)),
    ("numpy.greater_equal", Builtin::UfuncCmp(CmpOp::Ge)),
    ("numpy.less", Builtin::UfuncCmp(CmpOp::Lt)),
    ("numpy.less_equal", Builtin::UfuncCmp(CmpOp::Le)),
    ("numpy.equal", Builtin::UfuncCmp(CmpOp::Eq)),
    ("numpy.not_equal", Builtin::UfuncCmp(CmpOp::Ne)),
    ("numpy.diag", Builtin::Manip(Manip::Diag)),
    ("numpy.diagonal", Builtin::Manip(Manip::Diagonal)),
    ("numpy.tri", Builtin::Manip(Manip::Tri)),
    ("numpy.tril", Builtin::Manip(Manip::Tril)),
    ("numpy.triu", Builtin::Manip(Manip::Triu)),
    ("numpy.transpose", Builtin::Manip(Manip::Transpose)),
    ("numpy.swapaxes", Builtin::Manip(Manip::Swapaxes)),
    ("numpy.expand_dims", Builtin::Manip(Manip::ExpandDims)),
    ("numpy.squeeze", Builtin::Manip(Manip::Squeeze)),
    ("numpy.stack", Builtin::Manip(Manip::Stack)),
    ("numpy.column_stack", Builtin::Manip(Manip::ColumnStack)),
    ("numpy.repeat", Builtin::Manip(Manip::Repeat)),
    ("numpy.tile", Builtin::Manip(Manip::Tile)),
    ("numpy.roll", Builtin::Manip(Manip::Roll)),
    ("numpy.partition", Builtin::Manip(Manip::Partition)),
    ("numpy.cross", Builtin::Manip(Manip::Cross)),
    ("numpy.array_equal", Builtin::Manip(Manip::ArrayEqual)),
    ("numpy.argwhere", Builtin::Manip(Manip::Argwhere)),
    ("numpy.asfortranarray", Builtin::Manip(Manip::AsFortran)),
    ("numpy.histogram", Builtin::Manip(Manip::Histogram)),
    ("numpy.digitize", Builtin::Manip(Manip::Digitize)),
    ("numpy.atleast_1d", Builtin::Manip(Manip::AtLeast(1))),
    ("numpy.atleast_2d", Builtin::Manip(Manip::AtLeast(2))),
    ("numpy.atleast_3d", Builtin::Manip(Manip::AtLeast(3))),
    ("numpy.linalg.solve", Builtin::LinAlg(LinAlg::Solve)),
    ("numpy.linalg.inv", Builtin::LinAlg(LinAlg::Inv)),
    ("numpy.linalg.det", Builtin::LinAlg(LinAlg::Det)),
    ("numpy.linalg.slogdet", Builtin::LinAlg(LinAlg::Slogdet)),
    ("numpy.linalg.cholesky", Builtin::LinAlg(LinAlg::Cholesky)),
    ("numpy.linalg.qr", Builtin::LinAlg(LinAlg::Qr)),
    ("numpy.linalg.svd", Builtin::LinAlg(LinAlg::Svd)),
    ("numpy.linalg.eig", Builtin::LinAlg(LinAlg::Eig)),
    ("numpy.linalg.eigvals", Builtin::LinAlg(LinAlg::Eigvals)),
    ("numpy.linalg.eigh", Builtin::LinAlg(LinAlg::Eigh)),
    ("numpy.linalg.eigvalsh", Builtin::LinAlg(LinAlg::Eigvalsh)),
    ("numpy.linalg.lstsq", Builtin::LinAlg(LinAlg::Lstsq)),
    ("numpy.linalg.pinv", Builtin::LinAlg(LinAlg::Pinv)),
    (
        "numpy.linalg.matrix_power",
        Builtin::LinAlg(LinAlg::MatrixPower),
    ),
    ("numpy.linalg.cond", Builtin::LinAlg(LinAlg::Cond)),
    (
        "numpy.linalg.matrix_rank",
        Builtin::LinAlg(LinAlg::MatrixRank),
    ),
    ("numpy.trace", Builtin::Arr(ArrFn::Trace)),
    ("numpy.outer", Builtin::Arr(ArrFn::Outer)),
    ("numpy.kron", Builtin::Arr(ArrFn::Kron)),
    ("numpy.vdot", Builtin::Arr(ArrFn::Vdot)),
    ("numpy.matmul", Builtin::MatMul),
    ("numpy.isclose", Builtin::IsClose),
    ("numpy.nansum", Builtin::Reduce(Reduce::NanSum)),
    ("numpy.nanmean", Builtin::Reduce(Reduce::NanMean)),
    ("numpy.nanmax", Builtin::Reduce(Reduce::NanMax)),
    ("numpy.nanmin", Builtin::Reduce(Reduce::NanMin)),
    ("numpy.nanvar", Builtin::Reduce(Reduce::NanVar)),
    ("numpy.nanstd", Builtin::Reduce(Reduce::NanStd)),
    ("numpy.copy", Builtin::Copy),
    ("numpy.conj", Builtin::Conjugate),
    ("numpy.conjugate", Builtin::Conjugate),
    ("numpy.where", Builtin::Where),
    ("random.seed", Builtin::PyRandom(PyRand::Seed)),
    ("random.random", Builtin::PyRandom(PyRand::Random)),
    ("random.getrandbits", Builtin::PyRandom(PyRand::Getrandbits)),
    ("random.randrange", Builtin::PyRandom(PyRand::Randrange)),
    ("random.randint", Builtin::PyRandom(PyRand::Randint)),
    ("random.choice", Builtin::PyRandom(PyRand::Choice)),
    ("random.shuffle", Builtin::PyRandom(PyRand::Shuffle)),
    ("random.uniform", Builtin::PyRandom(PyRand::Uniform)),
    ("random.triangular", Builtin::PyRandom(PyRand::Triangular)),
    ("random.gauss", Builtin::PyRandom(PyRand::Gauss)),
    (
        "random.normalvariate",
        Builtin::PyRandom(PyRand::Normalvariate),
    ),
    (
        "random.lognormvariate",
        Builtin::PyRandom(PyRand::Lognormvariate),
    ),
    ("random.expovariate", Builtin::PyRandom(PyRand::Expovariate)),
    (
        "random.vonmisesvariate",
        Builtin::PyRandom(PyRand::Vonmisesvariate),
    ),
    (
        "random.gammavariate",
        Builtin::PyRandom(PyRand::Gammavariate),
    ),
    ("random.betavariate", Builtin::PyRandom(PyRand::Betavariate)),
    (
        "random.paretovariate",
        Builtin::PyRandom(PyRand::Paretovariate),
    ),
    (
        "random.weibullvariate",
        Builtin::PyRandom(PyRand::Weibullvariate),
    ),
    ("numpy.random.seed", Builtin::Random(Rand::Seed)),
    ("numpy.random.random", Builtin::Random(Rand::Random)),
    ("numpy.random.random_sample", Builtin::Random(Rand::Random)),
    ("numpy.random.sample", Builtin::Random(Rand::Random)),
    ("numpy.random.ranf", Builtin::Random(Rand::Random)),
    ("numpy.random.rand", Builtin::Random(Rand::Rand)),
    ("numpy.random.randn", Builtin::Random(Rand::Randn)),
    ("numpy.random.randint", Builtin::Random(Rand::Randint)),
    ("numpy.random.uniform", Builtin::Random(Rand::Uniform)),
    ("numpy.random.choice", Builtin::Random(Rand::Choice)),
    ("numpy.random.shuffle", Builtin::Random(Rand::Shuffle)),
    (
        "numpy.random.permutation",
        Builtin::Random(Rand::Permutation),
    ),
    ("numpy.random.normal", Builtin::Random(Rand::Normal)),
    (
        "numpy.random.standard_normal",
        Builtin::Random(Rand::StandardNormal),
    ),
    (
        "numpy.random.exponential",
        Builtin::Random(Rand::Exponential),
    ),
    ("numpy.random.poisson", Builtin::Random(Rand::Poisson)),
    ("numpy.random.binomial", Builtin::Random(Rand::Binomial)),
    ("numpy.random.beta", Builtin::Random(Rand::Beta)),
    ("numpy.random.gamma", Builtin::Random(Rand::Gamma)),
    (
        "numpy.random.standard_gamma",
        Builtin::Random(Rand::StandardGamma),
    ),
    ("numpy.random.geometric", Builtin::Random(Rand::Geometric)),
];

/// The builtin a dotted Python path names.
pub fn lookup(path: &str) -> Option<Builtin> {
    if let Some((_, b)) = ENTRIES.iter().find(|(p, _)| *p == path) {
        return Some(*b);
    }
    let d = path.strip_prefix("numpy.")?;
    Dtype::from_name(d)
        .filter(|_| is_numpy_scalar_type(d))
        .map(Builtin::Cast)
}

fn is_numpy_scalar_type(d: &str) -> bool {
    matches!(
        d,
        "bool_"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "float32"
            | "float64"
            | "complex64"
            | "complex128"
            | "intp"
            | "uintp"
            | "double"
            | "single"
            | "byte"
            | "ubyte"
            | "short"
            | "ushort"
            | "intc"
            | "uintc"
            | "longlong"
            | "ulonglong"
            | "cdouble"
            | "csingle"
    )
}

/// Array methods, by attribute name.
/// Array and scalar methods (`a.sum()`, `z.conjugate()`).
pub const METHODS: &[(&str, Builtin)] = &[
    ("sum", Builtin::Reduce(Reduce::Sum)),
    ("prod", Builtin::Reduce(Reduce::Prod)),
    ("min", Builtin::Reduce(Reduce::Min)),
    ("max", Builtin::Reduce(Reduce::Max)),
    ("mean", Builtin::Reduce(Reduce::Mean)),
    ("argmin", Builtin::Reduce(Reduce::Argmin)),
    ("argmax", Builtin::Reduce(Reduce::Argmax)),
    ("var", Builtin::Reduce(Reduce::Var)),
    ("std", Builtin::Reduce(Reduce::Std)),
    ("any", Builtin::Reduce(Reduce::Any)),
    ("all", Builtin::Reduce(Reduce::All)),
    ("cumsum", Builtin::Arr(ArrFn::Cumsum)),
    ("cumprod", Builtin::Arr(ArrFn::Cumprod)),
    ("reshape", Builtin::Arr(ArrFn::Reshape)),
    ("ravel", Builtin::Arr(ArrFn::Ravel)),
    ("flatten", Builtin::Arr(ArrFn::Flatten)),
    ("astype", Builtin::Arr(ArrFn::Astype)),
    ("searchsorted", Builtin::Arr(ArrFn::Searchsorted)),
    ("nonzero", Builtin::Arr(ArrFn::Nonzero)),
    ("sort", Builtin::Arr(ArrFn::Sort)),
    ("diagonal", Builtin::Manip(Manip::Diagonal)),
    ("transpose", Builtin::Manip(Manip::Transpose)),
    ("swapaxes", Builtin::Manip(Manip::Swapaxes)),
    ("squeeze", Builtin::Manip(Manip::Squeeze)),
    ("repeat", Builtin::Manip(Manip::Repeat)),
    ("partition", Builtin::Manip(Manip::Partition)),
    ("argsort", Builtin::Arr(ArrFn::Argsort)),
    ("dot", Builtin::MatMul),
    ("trace", Builtin::Arr(ArrFn::Trace)),
    ("copy", Builtin::Copy),
    ("fill", Builtin::Fill),
    ("conjugate", Builtin::Conjugate),
    ("conj", Builtin::Conjugate),
];

/// Constants reachable as module attributes.
pub fn constant(path: &str) -> Option<f64> {
    Some(match path {
        "math.pi" | "numpy.pi" | "cmath.pi" => std::f64::consts::PI,
        "math.e" | "numpy.e" | "cmath.e" => std::f64::consts::E,
        "math.tau" | "cmath.tau" => std::f64::consts::TAU,
        "math.inf" | "numpy.inf" | "cmath.inf" | "numpy.Inf" | "numpy.infty" => f64::INFINITY,
        "math.nan" | "numpy.nan" | "cmath.nan" | "numpy.NaN" | "numpy.NAN" => f64::NAN,
        "numpy.euler_gamma" => 0.577_215_664_901_532_9,
        _ => return None,
    })
}

/// Known submodules (attribute access on a module yields another module).
pub fn is_module(path: &str) -> bool {
    matches!(
        path,
        "math" | "cmath" | "random" | "numpy" | "numpy.random" | "numpy.linalg" | "oxjit" | "numba"
    )
}

/// One line per builtin for `docs/supported.md`.
pub fn note(b: Builtin) -> &'static str {
    match b {
        Builtin::MatMul => "dot/matmul/@ of 1-d and 2-d arrays of any numeric dtype (any layout; packed GEMM kernels for float and complex)",
        Builtin::Clip => "np.clip(a, lo, hi), element-wise",
        Builtin::IsClose => "np.isclose(a, b, rtol=1e-05, atol=1e-08), element-wise",
        Builtin::NpExtremum { ignore_nan: false, .. } => {
            "element-wise maximum/minimum; NaN propagates; complex values in NumPy's lexicographic order"
        }
        Builtin::NpExtremum { ignore_nan: true, .. } => {
            "element-wise maximum/minimum ignoring NaN; complex values in NumPy's lexicographic order"
        }
        Builtin::MathX(_) => "math function with Python's signature (gcd, isclose(rel_tol=, abs_tol=), ldexp, frexp, modf, factorial, isqrt, nextafter, remainder)",
        Builtin::Negative => "np.negative: -x, element-wise on arrays",
        Builtin::CMath(_) => "cmath function of a complex (or real) number; principal branch",
        Builtin::Arr(f) => arr_note(f),
        Builtin::LinAlg(f) => linalg_note(f),
        Builtin::Manip(f) => manip_note(f),
        Builtin::Gen(g) => gen_note(g),
        Builtin::List(f) => list_note(f),
        Builtin::Dict(f) => dict_note(f),
        Builtin::Text(f) => str_note(f),
        Builtin::Ufunc2(_) | Builtin::UfuncCmp(_) => {
            "the operator as a ufunc: broadcasting, fused with other element-wise work; out= (positional or keyword)"
        }
        Builtin::Random(_) => {
            "np.random legacy functions with NumPy's streams for the same seed; size= gives arrays"
        }
        Builtin::PyRandom(r) => pyrand_note(r),
        Builtin::Where => "np.where(cond, a, b) element-wise with broadcasting",
        Builtin::Range => "range(stop) / range(start, stop[, step]); prange runs serially",
        Builtin::Len => "len of arrays (first dimension), tuples and ranges",
        Builtin::Abs => "abs of ints, floats and complex",
        Builtin::MinMax { .. } => {
            "min/max of scalars or a tuple; np.maximum/np.minimum element-wise on arrays"
        }
        Builtin::Int => "int(x): truncates; int(nan) raises ValueError, int(inf) OverflowError",
        Builtin::Float => "float(x)",
        Builtin::Bool => "bool(x)",
        Builtin::Complex => "complex(re[, im])",
        Builtin::Round => "round(x) → int, round(x, n) → float (half to even)",
        Builtin::NpRound => "np.round(x[, decimals]) keeps the input type (half to even)",
        Builtin::Pow => "pow(x, y) with Python's rules",
        Builtin::Divmod => "divmod(a, b) with floor semantics",
        Builtin::Print => "print of strings, numbers, tuples and arrays",
        Builtin::Isinstance => "isinstance(x, cls), decided from x's type when compiling: cls a jitclass, a named tuple class, int, float, complex, bool, str, tuple, np.ndarray, a NumPy scalar type, or a tuple of those; the branch not taken is not compiled",
        Builtin::ThreadInfo { id: true } => "get_thread_id(): the index of the pool thread running this chunk of a prange loop (0 outside one)",
        Builtin::ThreadInfo { id: false } => "get_num_threads(): the threads parallel code uses (set_num_threads)",
        Builtin::TypeInfo { float: false } => "iinfo(t) of an integer dtype, type, value or array: a record of constants with .min, .max, .bits",
        Builtin::TypeInfo { float: true } => "finfo(t) of a float or complex dtype, type, value or array: a record of constants with Numba's fields (.eps, .max, .min, .tiny, .resolution, .precision, .bits, ...) and .smallest_normal",
        Builtin::Enumerate => "enumerate(x[, start]) in for loops",
        Builtin::Zip => "zip(a, b, ...) in for loops",
        Builtin::NdIndex => "for idx in np.ndindex(*shape) or np.ndindex(shape): index tuples in C order",
        Builtin::NdEnumerate => "for idx, x in np.ndenumerate(a): index tuples and elements in C order (also `for x in a.flat`)",
        Builtin::Math1(_) => {
            "float math function on scalars, element-wise on arrays (ints promote to float64)"
        }
        Builtin::Math2(_) => "two-argument float math function, element-wise on arrays",
        Builtin::Rounding(_, _) => "math.floor/ceil/trunc give int; np.* keep the input type (float, int or bool)",
        Builtin::FloatPred(_) => "isnan/isinf/isfinite",
        Builtin::Sign => "np.sign of ints and floats",
        Builtin::Square => "np.square",
        Builtin::Cast(_) => "NumPy scalar constructor, e.g. np.float32(x)",
        Builtin::Alloc(_) => "np.empty/zeros/ones/full(shape, [fill], dtype=): int or tuple shape",
        Builtin::AllocLike(_) => "np.*_like(a, [fill], dtype=)",
        Builtin::Arange => "np.arange(stop) / (start, stop[, step]), dtype=",
        Builtin::Linspace => "np.linspace(start, stop, num=50)",
        Builtin::Reduce(_) => {
            "over all elements, or along one constant axis= (negative allowed); no keepdims yet"
        }
        Builtin::Copy => "a.copy() / np.copy(a): a C-contiguous copy",
        Builtin::Fill => "a.fill(value)",
        Builtin::Conjugate => "complex conjugate",
    }
}

/// Result dtype of a float math function on `d` (ints → float64).
pub fn float_result(d: Dtype) -> Dtype {
    match d.kind() {
        Kind::Float | Kind::Complex => d,
        Kind::Bool | Kind::Signed | Kind::Unsigned => Dtype::F64,
    }
}

/// Result dtype of a NumPy float ufunc (`np.sqrt`, `np.hypot`, ...) whose
/// inputs promote to `d`: NumPy takes the first float loop `d` casts to
/// safely. int16/uint16 give float32; bool, int8 and uint8 would give float16,
/// which oxjit does not have: they give float64 (a documented deviation).
pub fn numpy_float_result(d: Dtype) -> Dtype {
    match d {
        Dtype::I16 | Dtype::U16 => Dtype::F32,
        Dtype::Bool
        | Dtype::I8
        | Dtype::U8
        | Dtype::I32
        | Dtype::U32
        | Dtype::I64
        | Dtype::U64
        | Dtype::F32
        | Dtype::F64
        | Dtype::C64
        | Dtype::C128 => float_result(d),
    }
}

pub fn array_of(dtype: Dtype, ndim: u8) -> Ty {
    Ty::Array(ArrayTy::new(dtype, ndim, Layout::C))
}

fn arr_note(f: ArrFn) -> &'static str {
    match f {
        ArrFn::Cumsum | ArrFn::Cumprod => "cumulative sum/product of the flattened array",
        ArrFn::Diff => "first difference of a 1-D array",
        ArrFn::Trapezoid => "y of any dimension, x= (1-d or y's shape) or dx=, axis= an integer constant; the terms are summed in order",
        ArrFn::Bincount => "bincount(x, minlength=0) of non-negative ints",
        ArrFn::Median | ArrFn::Percentile | ArrFn::Quantile => {
            "of all elements (linear interpolation); NaN in gives NaN"
        }
        ArrFn::Reshape => {
            "reshape(shape) / reshape(d0, d1, ...), one -1 allowed; a view of C-contiguous arrays"
        }
        ArrFn::Ravel => "a view of C-contiguous arrays, else a copy",
        ArrFn::Flatten => "always a copy",
        ArrFn::Astype => "astype(dtype): a new array",
        ArrFn::AsContiguous => "the array itself when C-contiguous, else a C copy",
        ArrFn::Eye | ArrFn::Identity => "eye(n[, m][, k], dtype=) / identity(n, dtype=)",
        ArrFn::Concatenate => "concatenate((a, b, ...), axis=0)",
        ArrFn::Vstack | ArrFn::Hstack => "vstack/hstack of a tuple of 1-D or 2-D arrays",
        ArrFn::Array => {
            "array/asarray of scalars, tuples and (nested) lists of numbers, or of an array"
        }
        ArrFn::Searchsorted => "searchsorted(a, v, side='left'|'right') with scalar or array v",
        ArrFn::Interp => "interp(x, xp, fp) with scalar or array x",
        ArrFn::Convolve => "convolve(a, v) in 'full' mode",
        ArrFn::Nonzero => "nonzero(a): a tuple of index arrays",
        ArrFn::Sort => "sorted copy along the last axis (stable); a.sort() in place",
        ArrFn::Argsort => "argsort of a 1-D array (stable)",
        ArrFn::Unique => "sorted unique values of the flattened array",
        ArrFn::Flip => "a reversed view (all axes)",
        ArrFn::Meshgrid => "meshgrid(x, y) of two 1-D arrays (xy indexing)",
        ArrFn::Logspace => "logspace(start, stop, num=50) base 10",
        ArrFn::Average => "average(a, weights=None) over all elements",
        ArrFn::Flatnonzero => "indices of the non-zero elements of the flattened array",
        ArrFn::AsArray => "the array itself (no copy), or an array from a (nested) list/tuple",
        ArrFn::Allclose => "allclose(a, b, rtol=1e-05, atol=1e-08)",
        ArrFn::Norm => "norm(x, ord=None, axis=None): vector p-norms (any p, inf, -inf, 0) and matrix norms ('fro', 'nuc', 1, -1, 2, -2, inf, -inf); ord and axis constants",
        ArrFn::Trace => "sum of the main diagonal of a 2-d array",
        ArrFn::Outer => "outer product of two arrays (flattened)",
        ArrFn::Kron => "kron(a, b) of 1-d and 2-d arrays (a 1-d one counts as one row): a new C array",
        ArrFn::Vdot => "dot product of the flattened arrays (conjugating the first)",
    }
}

/// The keyword arguments each array function takes in compiled code
/// (anything else is diagnosed rather than ignored).
pub fn arr_keywords(f: ArrFn) -> &'static [&'static str] {
    match f {
        ArrFn::Cumsum
        | ArrFn::Cumprod
        | ArrFn::Concatenate
        | ArrFn::Median
        | ArrFn::Percentile
        | ArrFn::Quantile => &["axis"],
        ArrFn::Bincount => &["minlength"],
        ArrFn::Diff => &["n", "axis"],
        ArrFn::Trapezoid => &["x", "dx", "axis"],
        ArrFn::Reshape | ArrFn::Ravel | ArrFn::Flatten => &["order"],
        ArrFn::Eye => &["k", "dtype"],
        ArrFn::Identity | ArrFn::Array | ArrFn::AsArray | ArrFn::Astype => &["dtype"],
        ArrFn::Searchsorted => &["side"],
        ArrFn::Logspace => &["num"],
        ArrFn::Average => &["weights"],
        ArrFn::Allclose => &["rtol", "atol"],
        ArrFn::Sort | ArrFn::Argsort => &["kind"],
        ArrFn::Norm => &["ord", "axis"],
        ArrFn::AsContiguous
        | ArrFn::Vstack
        | ArrFn::Hstack
        | ArrFn::Interp
        | ArrFn::Convolve
        | ArrFn::Nonzero
        | ArrFn::Unique
        | ArrFn::Flip
        | ArrFn::Meshgrid
        | ArrFn::Flatnonzero
        | ArrFn::Trace
        | ArrFn::Outer
        | ArrFn::Kron
        | ArrFn::Vdot => &[],
    }
}

fn manip_note(f: Manip) -> &'static str {
    match f {
        Manip::Diag => "diag(v, k=0): a square array of side n + abs(k) from a 1-d one, or a read-only view of the k-th diagonal of a 2-d one; k may be a runtime int",
        Manip::Diagonal => "diagonal(a, offset=0) of a 2-d array: a read-only view (axis1=/axis2= and more dimensions are not supported)",
        Manip::Tri => "tri(N, M=None, k=0, dtype=float); N, M and k may be runtime ints",
        Manip::Tril => "lower triangle (k=0, may be runtime) over the last two axes; a 1-d input gives an (n, n) array",
        Manip::Triu => "upper triangle (k=0, may be runtime) over the last two axes; a 1-d input gives an (n, n) array",
        Manip::Transpose => "a view with reversed axes, or permuted by axes= / a.transpose(i, j, ...) given as constants",
        Manip::Swapaxes => "swapaxes(a, axis1, axis2): a view; both axes must be constants",
        Manip::ExpandDims => "expand_dims(a, axis): a view; axis an int constant or a tuple of them",
        Manip::Squeeze => "squeeze(a, axis): a view; axis (an int constant or a tuple of them) is required and must leave at least one dimension; an axis of size other than 1 raises ValueError",
        Manip::Stack => "stack((a, b, ...), axis=0) of same-shape arrays; axis a constant",
        Manip::ColumnStack => "column_stack((a, b, ...)): 1-d arrays become columns, the others are joined along axis 1",
        Manip::Repeat => "repeat(a, repeats, axis=None): repeats an int or a 1-d int array (runtime values); axis None or a constant",
        Manip::Tile => "tile(a, reps): reps an int or a tuple of ints (its values may be runtime)",
        Manip::Roll => "roll(a, shift, axis=None): shift an int or a tuple of ints (runtime values); axis None, or an int or tuple constant",
        Manip::Partition => "partition(a, kth, axis=-1) of real arrays, kth an int or a tuple of ints; sorts fully along the axis (NaN last), which satisfies partition's contract; a.partition(kth) works in place",
        Manip::Cross => "cross(a, b) of 2- or 3-vectors along the last axis, leading axes broadcast; two 2-vectors (a result of lower rank) raise ValueError; with NumPy 2.5, 3-vectors only, as NumPy",
        Manip::ArrayEqual => "array_equal(a1, a2, equal_nan=False) of arrays or scalars; different shapes give False",
        Manip::Argwhere => "argwhere(a): the indices of the non-zero elements as an (N, a.ndim) int64 array",
        Manip::AsFortran => "an F-contiguous copy; an F-contiguous (or 1-d C) array is returned as is",
        Manip::Histogram => "histogram(a, bins=10, range=None, density=False) of real arrays: (int64 counts, or float64 densities, edges) with NumPy's edges and bin rules (float32 data gives float32 edges); bins an int or an array of edges; no weights=",
        Manip::Digitize => "digitize(x, bins, right=False): increasing or decreasing 1-d bins, scalar or array x",
        Manip::AtLeast(_) => "atleast_1d/2d/3d(a) of one array: a itself when it has enough dimensions, else a view with NumPy's added axes of length 1",
    }
}

fn linalg_note(f: LinAlg) -> &'static str {
    match f {
        LinAlg::Solve => "solve(a, b): LU with partial pivoting; b a vector or a matrix; singular → LinAlgError",
        LinAlg::Inv => "inverse of a square matrix; singular → LinAlgError",
        LinAlg::Det => "determinant (LU)",
        LinAlg::Slogdet => "(sign, log|det|); a singular matrix gives (0, -inf)",
        LinAlg::Cholesky => "lower factor L with a = L L^H; not positive definite → LinAlgError",
        LinAlg::Qr => "(q, r) in mode='reduced' (Householder, LAPACK's sign convention)",
        LinAlg::Svd => "(u, s, vh); full_matrices= and compute_uv= (constants)",
        LinAlg::Eig => "(w, v); a real matrix must have real eigenvalues (as in Numba), a complex matrix gives complex ones; with NumPy 2.5, complex results for real matrices too, as NumPy",
        LinAlg::Eigvals => "eigenvalues, with the same rule as eig",
        LinAlg::Eigh => "(w ascending, v) of a symmetric/Hermitian matrix; UPLO='L'|'U'",
        LinAlg::Eigvalsh => "eigenvalues of a symmetric/Hermitian matrix, ascending; UPLO='L'|'U'",
        LinAlg::Lstsq => "(x, residuals, rank, s) by SVD; rcond=None (machine precision) or a float",
        LinAlg::Pinv => "pseudo-inverse by SVD; rcond=1e-15",
        LinAlg::MatrixPower => "a**n by repeated squaring; n < 0 inverts (float and complex matrices)",
        LinAlg::Cond => "2-norm condition number (ratio of extreme singular values); p=None",
        LinAlg::MatrixRank => "number of singular values above tol (default S.max() * max(M, N) * eps)",
    }
}

/// `docs/supported.md`, generated from the tables above.
pub fn supported_markdown() -> String {
    let mut out = String::from(
        "# Supported in compiled code\n\nGenerated from `crates/oxjit_typeck/src/registry.rs` \
         (`OXJIT_BLESS=1 cargo test -p oxjit_typeck supported_md` rewrites it). Every entry below is \
         callable inside `@njit` functions; the note gives its limits.\n\n## Functions\n\n\
         | Python path | notes |\n|---|---|\n",
    );
    let mut rows: Vec<(&str, Builtin)> = ENTRIES.to_vec();
    rows.sort_by_key(|(p, _)| *p);
    for (p, b) in rows {
        out += &format!("| `{p}` | {} |\n", note(b));
    }
    out += "\nNumPy scalar types (`np.float32(x)`, `np.int64(x)`, ...) convert a number to that type.\n\n## Methods\n\n| method | notes |\n|---|---|\n";
    let mut rows: Vec<(&str, Builtin)> = METHODS.to_vec();
    rows.sort_by_key(|(p, _)| *p);
    for (p, b) in rows {
        out += &format!("| `.{p}()` | {} |\n", note(b));
    }
    out += "\n## Methods of a `numpy.random.Generator` argument\n\nA Generator passed in (`rng = np.random.default_rng(seed)`) is drawn from with NumPy's own distribution code on its own bit generator: the same seed gives the same draws as in Python, and Python continues the stream where compiled code stopped.\n\n| method | notes |\n|---|---|\n";
    for (p, b) in GEN_METHODS {
        out += &format!("| `rng.{p}()` | {} |\n", note(*b));
    }
    out += "\n## Methods of a list\n\nLists built in compiled code, and Python lists passed in (Numba's reflected lists: changes are written back to the caller's list when the call returns).\n\n| method | notes |\n|---|---|\n";
    for (p, b) in LIST_METHODS {
        out += &format!("| `list.{p}()` | {} |\n", note(*b));
    }
    out += "\n## Methods of a dict and of a set\n\nBuilt in compiled code (`{}`, `{k: v}`, `{a, b}`, comprehensions, `dict()`, `set()`) or passed in (copied for the call, and written back into the caller's dict or set when compiled code changed it). Keys and set items are numbers, strings or tuples of numbers; iteration is in insertion order.\n\n| method | notes |\n|---|---|\n";
    for (p, b) in DICT_METHODS {
        out += &format!("| `dict.{p}()` | {} |\n", note(*b));
    }
    for (p, b) in SET_METHODS {
        out += &format!("| `set.{p}()` | {} |\n", note(*b));
    }
    out += "\n## Methods of a string\n\nStrings (`unicode_type`): literals, arguments, results, `+`, `*`, comparisons, `in`, `len`, indexing and slicing (in code points), iteration, f-strings and `str(x)`, items of lists.\n\n| method | notes |\n|---|---|\n";
    for (p, b) in STR_METHODS {
        out += &format!("| `str.{p}()` | {} |\n", note(*b));
    }
    out
}

/// The cmath function behind a NumPy/math function applied to a complex value.
pub fn complex_math(m: Math1) -> Option<CFn> {
    Some(match m {
        Math1::Sqrt => CFn::Sqrt,
        Math1::Exp => CFn::Exp,
        Math1::Log => CFn::Log,
        Math1::Log10 => CFn::Log10,
        Math1::Sin => CFn::Sin,
        Math1::Cos => CFn::Cos,
        Math1::Tan => CFn::Tan,
        Math1::Sinh => CFn::Sinh,
        Math1::Cosh => CFn::Cosh,
        Math1::Tanh => CFn::Tanh,
        Math1::Asin => CFn::Asin,
        Math1::Acos => CFn::Acos,
        Math1::Atan => CFn::Atan,
        Math1::Asinh => CFn::Asinh,
        Math1::Acosh => CFn::Acosh,
        Math1::Atanh => CFn::Atanh,
        Math1::Expm1
        | Math1::Log2
        | Math1::Log1p
        | Math1::Erf
        | Math1::Erfc
        | Math1::Gamma
        | Math1::Lgamma
        | Math1::Cbrt
        | Math1::Exp2
        | Math1::Rint
        | Math1::Degrees
        | Math1::Radians
        | Math1::Fabs => return None,
    })
}

/// The number of inputs of a builtin that NumPy defines as a ufunc, and so
/// takes an output array (`np.sqrt(x, out)`, `np.add(a, b, out=o)`).
pub fn ufunc_nin(b: Builtin) -> Option<usize> {
    match b {
        Builtin::Ufunc2(_)
        | Builtin::UfuncCmp(_)
        | Builtin::Math2(_)
        | Builtin::NpExtremum { .. } => Some(2),
        Builtin::Math1(_)
        | Builtin::Abs
        | Builtin::Negative
        | Builtin::Square
        | Builtin::Sign
        | Builtin::Rounding(_, true)
        | Builtin::FloatPred(_) => Some(1),
        Builtin::Range
        | Builtin::Len
        | Builtin::MinMax { .. }
        | Builtin::Int
        | Builtin::Float
        | Builtin::Bool
        | Builtin::Complex
        | Builtin::Round
        | Builtin::NpRound
        | Builtin::Pow
        | Builtin::Divmod
        | Builtin::Print
        | Builtin::TypeInfo { .. }
        | Builtin::ThreadInfo { .. }
        | Builtin::Isinstance
        | Builtin::Enumerate
        | Builtin::Zip
        | Builtin::NdIndex
        | Builtin::NdEnumerate
        | Builtin::Rounding(..)
        | Builtin::Cast(_)
        | Builtin::Alloc(_)
        | Builtin::AllocLike(_)
        | Builtin::Arange
        | Builtin::Linspace
        | Builtin::Reduce(_)
        | Builtin::Copy
        | Builtin::Fill
        | Builtin::Conjugate
        | Builtin::Where
        | Builtin::Random(_)
        | Builtin::PyRandom(_)
        | Builtin::Arr(_)
        | Builtin::LinAlg(_)
        | Builtin::Manip(_)
        | Builtin::Gen(_)
        | Builtin::Dict(_)
        | Builtin::Text(_)
        | Builtin::List(_)
        | Builtin::CMath(_)
        | Builtin::MathX(_)
        | Builtin::Clip
        | Builtin::MatMul
        | Builtin::IsClose => None,
    }
}

/// Builtins that apply element-wise to arrays (typeck types them, codegen fuses them).
pub fn elementwise(b: Builtin) -> bool {
    matches!(
        b,
        Builtin::Ufunc2(_)
            | Builtin::UfuncCmp(_)
            | Builtin::Negative
            | Builtin::Clip
            | Builtin::IsClose
            | Builtin::NpExtremum { .. }
            | Builtin::Abs
            | Builtin::Math1(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(_, true)
            | Builtin::FloatPred(_)
            | Builtin::Sign
            | Builtin::Square
            | Builtin::Where
            | Builtin::MinMax { .. }
            | Builtin::NpRound
            | Builtin::Conjugate
            | Builtin::Pow
    )
}
