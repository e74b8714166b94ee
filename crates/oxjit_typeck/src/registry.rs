//! THE registry of supported callables and constants: one entry per Python
//! path (or group of paths sharing one rule). Each entry has the paths it
//! answers to, a typing rule and a one-line user note; the lowering lives in
//! `oxjit_codegen::lower_builtin`, matched exhaustively on [`Builtin`].
//!
//! Nothing registers itself at import time (architecture invariant 3).

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
}

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
    Enumerate,
    Zip,
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
    Arr(ArrFn),
}

/// The dotted Python paths each builtin answers to.
pub fn lookup(path: &str) -> Option<Builtin> {
    use Builtin as B;
    use Math1 as M;
    let b = match path {
        "range" | "oxjit.prange" | "numba.prange" => B::Range,
        "len" => B::Len,
        "abs" | "numpy.abs" | "numpy.absolute" | "math.fabs" | "numpy.fabs" => B::Abs,
        "min" | "numpy.minimum" | "numpy.fmin" => B::MinMax { max: false },
        "max" | "numpy.maximum" | "numpy.fmax" => B::MinMax { max: true },
        "int" => B::Int,
        "float" => B::Float,
        "bool" => B::Bool,
        "complex" => B::Complex,
        "round" => B::Round,
        "numpy.round" | "numpy.around" | "numpy.round_" => B::NpRound,
        "pow" | "numpy.power" => B::Pow,
        "math.pow" => B::Math2(Math2::Pow),
        "divmod" => B::Divmod,
        "print" => B::Print,
        "enumerate" => B::Enumerate,
        "zip" => B::Zip,
        "math.sqrt" | "numpy.sqrt" => B::Math1(M::Sqrt),
        "math.exp" | "numpy.exp" => B::Math1(M::Exp),
        "math.expm1" | "numpy.expm1" => B::Math1(M::Expm1),
        "math.log" | "numpy.log" => B::Math1(M::Log),
        "math.log2" | "numpy.log2" => B::Math1(M::Log2),
        "math.log10" | "numpy.log10" => B::Math1(M::Log10),
        "math.log1p" | "numpy.log1p" => B::Math1(M::Log1p),
        "math.sin" | "numpy.sin" => B::Math1(M::Sin),
        "math.cos" | "numpy.cos" => B::Math1(M::Cos),
        "math.tan" | "numpy.tan" => B::Math1(M::Tan),
        "math.asin" | "numpy.arcsin" => B::Math1(M::Asin),
        "math.acos" | "numpy.arccos" => B::Math1(M::Acos),
        "math.atan" | "numpy.arctan" => B::Math1(M::Atan),
        "math.sinh" | "numpy.sinh" => B::Math1(M::Sinh),
        "math.cosh" | "numpy.cosh" => B::Math1(M::Cosh),
        "math.tanh" | "numpy.tanh" => B::Math1(M::Tanh),
        "math.asinh" | "numpy.arcsinh" => B::Math1(M::Asinh),
        "math.acosh" | "numpy.arccosh" => B::Math1(M::Acosh),
        "math.atanh" | "numpy.arctanh" => B::Math1(M::Atanh),
        "math.erf" => B::Math1(M::Erf),
        "math.erfc" => B::Math1(M::Erfc),
        "math.gamma" => B::Math1(M::Gamma),
        "math.lgamma" => B::Math1(M::Lgamma),
        "numpy.cbrt" => B::Math1(M::Cbrt),
        "numpy.exp2" => B::Math1(M::Exp2),
        "numpy.rint" => B::Math1(M::Rint),
        "math.degrees" | "numpy.degrees" | "numpy.rad2deg" => B::Math1(M::Degrees),
        "math.radians" | "numpy.radians" | "numpy.deg2rad" => B::Math1(M::Radians),
        "math.atan2" | "numpy.arctan2" => B::Math2(Math2::Atan2),
        "math.hypot" | "numpy.hypot" => B::Math2(Math2::Hypot),
        "math.copysign" | "numpy.copysign" => B::Math2(Math2::Copysign),
        "math.fmod" | "numpy.fmod" => B::Math2(Math2::Fmod),
        "math.floor" => B::Rounding(Round::Floor, false),
        "math.ceil" => B::Rounding(Round::Ceil, false),
        "math.trunc" => B::Rounding(Round::Trunc, false),
        "numpy.floor" => B::Rounding(Round::Floor, true),
        "numpy.ceil" => B::Rounding(Round::Ceil, true),
        "numpy.trunc" | "numpy.fix" => B::Rounding(Round::Trunc, true),
        "math.isnan" | "numpy.isnan" => B::FloatPred(FloatPred::IsNan),
        "math.isinf" | "numpy.isinf" => B::FloatPred(FloatPred::IsInf),
        "math.isfinite" | "numpy.isfinite" => B::FloatPred(FloatPred::IsFinite),
        "numpy.sign" => B::Sign,
        "numpy.square" => B::Square,
        "numpy.empty" => B::Alloc(Alloc::Empty),
        "numpy.zeros" => B::Alloc(Alloc::Zeros),
        "numpy.ones" => B::Alloc(Alloc::Ones),
        "numpy.full" => B::Alloc(Alloc::Full),
        "numpy.empty_like" => B::AllocLike(Alloc::Empty),
        "numpy.zeros_like" => B::AllocLike(Alloc::Zeros),
        "numpy.ones_like" => B::AllocLike(Alloc::Ones),
        "numpy.full_like" => B::AllocLike(Alloc::Full),
        "numpy.arange" => B::Arange,
        "numpy.linspace" => B::Linspace,
        "numpy.sum" => B::Reduce(Reduce::Sum),
        "numpy.prod" => B::Reduce(Reduce::Prod),
        "numpy.min" | "numpy.amin" => B::Reduce(Reduce::Min),
        "numpy.max" | "numpy.amax" => B::Reduce(Reduce::Max),
        "numpy.mean" => B::Reduce(Reduce::Mean),
        "numpy.argmin" => B::Reduce(Reduce::Argmin),
        "numpy.argmax" => B::Reduce(Reduce::Argmax),
        "numpy.var" => B::Reduce(Reduce::Var),
        "numpy.std" => B::Reduce(Reduce::Std),
        "numpy.any" => B::Reduce(Reduce::Any),
        "numpy.all" => B::Reduce(Reduce::All),
        "numpy.count_nonzero" => B::Reduce(Reduce::CountNonzero),
        "numpy.cumsum" => B::Arr(ArrFn::Cumsum),
        "numpy.cumprod" => B::Arr(ArrFn::Cumprod),
        "numpy.diff" => B::Arr(ArrFn::Diff),
        "numpy.bincount" => B::Arr(ArrFn::Bincount),
        "numpy.median" => B::Arr(ArrFn::Median),
        "numpy.percentile" => B::Arr(ArrFn::Percentile),
        "numpy.quantile" => B::Arr(ArrFn::Quantile),
        "numpy.reshape" => B::Arr(ArrFn::Reshape),
        "numpy.ravel" => B::Arr(ArrFn::Ravel),
        "numpy.ascontiguousarray" => B::Arr(ArrFn::AsContiguous),
        "numpy.eye" => B::Arr(ArrFn::Eye),
        "numpy.identity" => B::Arr(ArrFn::Identity),
        "numpy.concatenate" => B::Arr(ArrFn::Concatenate),
        "numpy.vstack" => B::Arr(ArrFn::Vstack),
        "numpy.hstack" => B::Arr(ArrFn::Hstack),
        "numpy.array" | "numpy.asarray" => B::Arr(ArrFn::Array),
        "numpy.searchsorted" => B::Arr(ArrFn::Searchsorted),
        "numpy.interp" => B::Arr(ArrFn::Interp),
        "numpy.convolve" => B::Arr(ArrFn::Convolve),
        "numpy.nonzero" => B::Arr(ArrFn::Nonzero),
        "numpy.sort" => B::Arr(ArrFn::Sort),
        "numpy.copy" => B::Copy,
        "numpy.conj" | "numpy.conjugate" => B::Conjugate,
        "numpy.where" => B::Where,
        "numpy.random.seed" => B::Random(Rand::Seed),
        "numpy.random.random"
        | "numpy.random.random_sample"
        | "numpy.random.sample"
        | "numpy.random.ranf" => B::Random(Rand::Random),
        "numpy.random.rand" => B::Random(Rand::Rand),
        "numpy.random.randn" => B::Random(Rand::Randn),
        "numpy.random.randint" => B::Random(Rand::Randint),
        "numpy.random.uniform" => B::Random(Rand::Uniform),
        "numpy.random.normal" => B::Random(Rand::Normal),
        "numpy.random.standard_normal" => B::Random(Rand::StandardNormal),
        "numpy.random.exponential" => B::Random(Rand::Exponential),
        "numpy.random.poisson" => B::Random(Rand::Poisson),
        "numpy.random.binomial" => B::Random(Rand::Binomial),
        "numpy.random.beta" => B::Random(Rand::Beta),
        "numpy.random.gamma" => B::Random(Rand::Gamma),
        "numpy.random.standard_gamma" => B::Random(Rand::StandardGamma),
        "numpy.random.geometric" => B::Random(Rand::Geometric),
        _ => {
            let d = path.strip_prefix("numpy.")?;
            return Dtype::from_name(d)
                .filter(|_| is_numpy_scalar_type(d))
                .map(B::Cast);
        }
    };
    Some(b)
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
pub fn method(name: &str) -> Option<Builtin> {
    Some(match name {
        "sum" => Builtin::Reduce(Reduce::Sum),
        "prod" => Builtin::Reduce(Reduce::Prod),
        "min" => Builtin::Reduce(Reduce::Min),
        "max" => Builtin::Reduce(Reduce::Max),
        "mean" => Builtin::Reduce(Reduce::Mean),
        "argmin" => Builtin::Reduce(Reduce::Argmin),
        "argmax" => Builtin::Reduce(Reduce::Argmax),
        "var" => Builtin::Reduce(Reduce::Var),
        "std" => Builtin::Reduce(Reduce::Std),
        "any" => Builtin::Reduce(Reduce::Any),
        "all" => Builtin::Reduce(Reduce::All),
        "cumsum" => Builtin::Arr(ArrFn::Cumsum),
        "cumprod" => Builtin::Arr(ArrFn::Cumprod),
        "reshape" => Builtin::Arr(ArrFn::Reshape),
        "ravel" => Builtin::Arr(ArrFn::Ravel),
        "flatten" => Builtin::Arr(ArrFn::Flatten),
        "astype" => Builtin::Arr(ArrFn::Astype),
        "searchsorted" => Builtin::Arr(ArrFn::Searchsorted),
        "nonzero" => Builtin::Arr(ArrFn::Nonzero),
        "sort" => Builtin::Arr(ArrFn::Sort),
        "copy" => Builtin::Copy,
        "fill" => Builtin::Fill,
        "conjugate" | "conj" => Builtin::Conjugate,
        _ => return None,
    })
}

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
        "math" | "cmath" | "numpy" | "numpy.random" | "numpy.linalg" | "oxjit" | "numba"
    )
}

/// One line per builtin for `docs/supported.md`.
pub fn note(b: Builtin) -> &'static str {
    match b {
        Builtin::Arr(f) => arr_note(f),
        Builtin::Random(_) => {
            "np.random legacy functions with NumPy's streams for the same seed; size= gives arrays"
        }
        Builtin::Where => "np.where(cond, a, b) element-wise with broadcasting",
        Builtin::Range => "range(stop) / range(start, stop[, step]); prange runs serially",
        Builtin::Len => "len of arrays (first dimension), tuples and ranges",
        Builtin::Abs => "abs of ints, floats and complex",
        Builtin::MinMax { .. } => "min/max of two or more scalars, or of a tuple",
        Builtin::Int => "int(x): truncates; int(nan) raises ValueError, int(inf) OverflowError",
        Builtin::Float => "float(x)",
        Builtin::Bool => "bool(x)",
        Builtin::Complex => "complex(re[, im])",
        Builtin::Round => "round(x) → int, round(x, n) → float (half to even)",
        Builtin::NpRound => "np.round(x[, decimals]) keeps the input type (half to even)",
        Builtin::Pow => "pow(x, y) with Python's rules",
        Builtin::Divmod => "divmod(a, b) with floor semantics",
        Builtin::Print => "print of strings, numbers, tuples and arrays",
        Builtin::Enumerate => "enumerate(x[, start]) in for loops",
        Builtin::Zip => "zip(a, b, ...) in for loops",
        Builtin::Math1(_) => "float math function (ints promote to float64)",
        Builtin::Math2(_) => "two-argument float math function",
        Builtin::Rounding(_, _) => "math.floor/ceil/trunc give int; np.* give float",
        Builtin::FloatPred(_) => "isnan/isinf/isfinite",
        Builtin::Sign => "np.sign of ints and floats",
        Builtin::Square => "np.square",
        Builtin::Cast(_) => "NumPy scalar constructor, e.g. np.float32(x)",
        Builtin::Alloc(_) => "np.empty/zeros/ones/full(shape, [fill], dtype=): int or tuple shape",
        Builtin::AllocLike(_) => "np.*_like(a, [fill], dtype=)",
        Builtin::Arange => "np.arange(stop) / (start, stop[, step]), dtype=",
        Builtin::Linspace => "np.linspace(start, stop, num=50)",
        Builtin::Reduce(_) => "sum/prod/min/max/mean over all elements",
        Builtin::Copy => "a.copy() / np.copy(a): a C-contiguous copy",
        Builtin::Fill => "a.fill(value)",
        Builtin::Conjugate => "complex conjugate",
    }
}

/// Result dtype of a float math function on `d` (ints → float64).
pub fn float_result(d: Dtype) -> Dtype {
    match d.kind() {
        Kind::Float | Kind::Complex => d,
        _ => Dtype::F64,
    }
}

pub fn array_of(dtype: Dtype, ndim: u8) -> Ty {
    Ty::Array(ArrayTy::new(dtype, ndim, Layout::C))
}

fn arr_note(f: ArrFn) -> &'static str {
    match f {
        ArrFn::Cumsum | ArrFn::Cumprod => "cumulative sum/product of the flattened array",
        ArrFn::Diff => "first difference of a 1-D array",
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
        ArrFn::Sort => "sorted copy of a 1-D array (stable)",
    }
}
