//! `math`, `cmath` and NumPy's scalar functions.

use crate::builtins::CallSite;
use crate::driver::{Checker, Cx};
use crate::registry::{self, Builtin};
use oxjit_syntax::Expr;
use oxjit_types::{promote_arith, unify, Dtype, Ty};

impl<'u> Checker<'u> {
    /// `math.gcd`, `isclose`, `ldexp`, `frexp`, `modf`, `factorial`, `isqrt`,
    /// `nextafter`, `remainder`.
    fn mathx_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: registry::MathX,
        tys: &[Ty],
        name: &str,
    ) -> Ty {
        let n = tys.len();
        let scalar = |t: &Ty| t.scalar();
        use registry::MathX as X;
        let (lo, hi) = match f {
            X::Gcd | X::Isclose | X::Ldexp | X::Nextafter | X::Remainder => (2, 2),
            X::Frexp | X::Modf | X::Factorial | X::Isqrt => (1, 1),
        };
        if !self.arity(cx, e, name, n, lo, hi) {
            return Ty::Unknown;
        }
        let ds: Vec<Dtype> = match tys.iter().map(scalar).collect::<Option<Vec<_>>>() {
            Some(ds) if ds.iter().all(|d| !d.is_complex()) => ds,
            _ => return self.no_match(cx, e, name, tys, "real numbers"),
        };
        let int_ok = |d: &Dtype| d.is_int() || *d == Dtype::Bool;
        match f {
            X::Gcd | X::Factorial | X::Isqrt if !ds.iter().all(int_ok) => {
                self.no_match(cx, e, name, tys, "(int, ...)")
            }
            X::Gcd | X::Factorial | X::Isqrt => Ty::I64,
            X::Ldexp if !int_ok(&ds[1]) => self.no_match(cx, e, name, tys, "(float, int)"),
            X::Isclose => Ty::BOOL,
            X::Frexp => Ty::Tuple(vec![Ty::F64, Ty::I64]),
            X::Modf => Ty::Tuple(vec![Ty::F64, Ty::F64]),
            X::Ldexp | X::Nextafter | X::Remainder => Ty::F64,
        }
    }

    /// `math`/`cmath` functions and their NumPy counterparts on scalars; `math.log(x, base)`.
    pub(super) fn math_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        name: &str,
    ) -> Ty {
        let n = tys.len();
        let scalar = |t: &Ty| t.scalar();
        match b {
            Builtin::Math1(registry::Math1::Log) if n == 2 => {
                if tys.iter().any(|t| scalar(t).is_none_or(|d| d.is_complex())) {
                    return self.no_match(cx, e, name, tys, "(x[, base])");
                }
                Ty::F64
            }
            Builtin::MathX(f) => self.mathx_ty(cx, e, f, tys, name),
            Builtin::Math1(_) => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match (scalar(&tys[0]), b) {
                    (Some(d), _) if !d.is_complex() && name.starts_with("numpy.") => {
                        Ty::Scalar(registry::numpy_float_result(d))
                    }
                    (Some(d), _) if !d.is_complex() => Ty::Scalar(registry::float_result(d)),
                    // `math` takes real numbers only (CPython: "must be real
                    // number, not complex"); cmath is the complex module.
                    (Some(_), Builtin::Math1(m)) if name.starts_with("math.") => {
                        let known = match registry::complex_math(m) {
                            Some(_) => format!(
                                "a real number (math takes no complex numbers: use cmath.{})",
                                name.trim_start_matches("math.")
                            ),
                            None => "a real number".to_string(),
                        };
                        self.no_match(cx, e, name, tys, &known)
                    }
                    // Complex arguments: NumPy's complex loops, in the argument's width.
                    (Some(d), Builtin::Math1(m)) if registry::complex_math(m).is_some() => {
                        Ty::Scalar(d)
                    }
                    _ => self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "(float64) -> float64; (float32) -> float32; (int) -> float64; (complex) for sqrt/exp/log/trig",
                    ),
                }
            }
            Builtin::Math2(_) => {
                if !self.arity(cx, e, name, n, 2, 2) {
                    return Ty::Unknown;
                }
                match (scalar(&tys[0]), scalar(&tys[1])) {
                    // np.fmod of integers stays integer (C's truncated remainder).
                    (Some(a), Some(b))
                        if name == "numpy.fmod"
                            && !a.is_float()
                            && !a.is_complex()
                            && !b.is_float()
                            && !b.is_complex() =>
                    {
                        if a == Dtype::Bool && b == Dtype::Bool {
                            Ty::Scalar(Dtype::I8)
                        } else {
                            Ty::Scalar(promote_arith(a, b))
                        }
                    }
                    (Some(a), Some(b))
                        if !a.is_complex() && !b.is_complex() && name.starts_with("numpy.") =>
                    {
                        let p = oxjit_types::promote_numpy(a, b);
                        Ty::Scalar(registry::numpy_float_result(p))
                    }
                    (Some(a), Some(b)) if !a.is_complex() && !b.is_complex() => {
                        let fa = registry::float_result(a);
                        let fb = registry::float_result(b);
                        Ty::Scalar(if fa == Dtype::F32 && fb == Dtype::F32 {
                            Dtype::F32
                        } else {
                            Dtype::F64
                        })
                    }
                    _ => self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "(float64, float64) -> float64; (float32, float32) -> float32",
                    ),
                }
            }
            Builtin::Rounding(_, numpy) => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    // NumPy 2 keeps integer types for floor/ceil/trunc of ints.
                    Some(d) if d.is_int() => {
                        if numpy {
                            Ty::Scalar(d)
                        } else {
                            Ty::I64
                        }
                    }
                    // NumPy 2 keeps bool too (np.floor(True) is np.True_).
                    Some(Dtype::Bool) => {
                        if numpy {
                            Ty::BOOL
                        } else {
                            Ty::I64
                        }
                    }
                    Some(d) if d.is_float() => {
                        if numpy {
                            Ty::Scalar(d)
                        } else {
                            Ty::I64
                        }
                    }
                    _ => self.no_match(cx, e, name, tys, "(float), (int)"),
                }
            }
            Builtin::FloatPred(_) => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    // CPython's math.isnan(1j) is a TypeError; cmath and NumPy take complex.
                    Some(d) if d.is_complex() && name.starts_with("math.") => {
                        let known = format!(
                            "a real number (math takes no complex numbers: use cmath.{})",
                            name.trim_start_matches("math.")
                        );
                        self.no_match(cx, e, name, tys, &known)
                    }
                    Some(_) => Ty::BOOL,
                    _ => self.no_match(cx, e, name, tys, "(float), (int), (complex)"),
                }
            }
            Builtin::CMath(f) => {
                let want = if f == registry::CFn::Rect { 2 } else { 1 };
                if !self.arity(cx, e, name, n, want, want) {
                    return Ty::Unknown;
                }
                if tys.iter().any(|t| t.scalar().is_none()) {
                    return self.no_match(cx, e, name, tys, "(complex), (float)");
                }
                use registry::CFn;
                match f {
                    CFn::Phase => Ty::F64,
                    CFn::Polar => Ty::Tuple(vec![Ty::F64, Ty::F64]),
                    CFn::IsNan | CFn::IsInf | CFn::IsFinite => Ty::BOOL,
                    CFn::Sqrt
                    | CFn::Exp
                    | CFn::Log
                    | CFn::Log10
                    | CFn::Sin
                    | CFn::Cos
                    | CFn::Tan
                    | CFn::Sinh
                    | CFn::Cosh
                    | CFn::Tanh
                    | CFn::Asin
                    | CFn::Acos
                    | CFn::Atan
                    | CFn::Asinh
                    | CFn::Acosh
                    | CFn::Atanh
                    | CFn::Rect => Ty::C128,
                }
            }
            // (builtin_ty sends only the builtins above here)
            Builtin::Range
            | Builtin::Len
            | Builtin::Abs
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
            | Builtin::Sign
            | Builtin::Square
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
            | Builtin::Ufunc2(_)
            | Builtin::UfuncCmp(_)
            | Builtin::Negative
            | Builtin::Clip
            | Builtin::MatMul
            | Builtin::IsClose
            | Builtin::NpExtremum { .. } => Ty::Unknown,
        }
    }

    /// NumPy's other scalar functions: sign, square, negative, conjugate,
    /// clip, isclose, maximum/minimum, matmul/dot and where.
    pub(super) fn numpy_scalar_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Ty {
        let n = tys.len();
        let (name, method) = (site.name, site.method);
        let scalar = |t: &Ty| t.scalar();
        match b {
            Builtin::NpExtremum { max, .. } => {
                if !self.arity(cx, e, name, n, 2, 2) {
                    return Ty::Unknown;
                }
                self.builtin_ty(cx, e, Builtin::MinMax { max }, tys, kwargs, site)
            }
            Builtin::MatMul => {
                if !self.arity(cx, e, name, n, 2, 2) {
                    return Ty::Unknown;
                }
                self.matmul_ty(cx, &tys[0], &tys[1], e.span)
            }
            Builtin::Clip => {
                if !self.arity(cx, e, name, n, 3, 3) {
                    return Ty::Unknown;
                }
                let mut d: Option<Dtype> = None;
                for t in tys {
                    match scalar(t) {
                        Some(x) if !x.is_complex() => {
                            d = Some(d.map_or(x, |y| promote_arith(y, x)))
                        }
                        _ => return self.no_match(cx, e, name, tys, "(a, lo, hi) of real numbers"),
                    }
                }
                Ty::Scalar(d.unwrap_or(Dtype::F64))
            }
            Builtin::IsClose => {
                if !self.arity(cx, e, name, n, 2, 2) {
                    return Ty::Unknown;
                }
                if tys.iter().any(|t| scalar(t).is_none_or(|d| d.is_complex())) {
                    return self.no_match(cx, e, name, tys, "(a, b) of real numbers");
                }
                Ty::BOOL
            }
            Builtin::Negative => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    Some(Dtype::Bool) | None => self.no_match(cx, e, name, tys, "(number)"),
                    Some(d) => Ty::Scalar(promote_arith(d, d)),
                }
            }
            Builtin::Sign | Builtin::Square => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    // NumPy's square has no boolean loop (int8 is the first);
                    // its sign has none that a boolean casts to safely.
                    Some(Dtype::Bool) if b == Builtin::Square => Ty::Scalar(Dtype::I8),
                    Some(Dtype::Bool) => self.no_match(cx, e, name, tys, "(int), (float)"),
                    Some(d) if !d.is_complex() => Ty::Scalar(promote_arith(d, d).max(d)),
                    Some(d) if b == Builtin::Square => Ty::Scalar(d),
                    _ => self.no_match(cx, e, name, tys, "(int), (float)"),
                }
            }
            Builtin::Conjugate => {
                let i = usize::from(!method);
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                let _ = i;
                match &tys[0] {
                    // `True.conjugate()` is the int 1; np.conj(True) is np.int8(1).
                    Ty::Scalar(Dtype::Bool) if method => Ty::I64,
                    Ty::Scalar(Dtype::Bool) => Ty::Scalar(Dtype::I8),
                    Ty::Scalar(d) => Ty::Scalar(*d),
                    Ty::NoneType
                    | Ty::Str
                    | Ty::Tuple(_)
                    | Ty::Array(_)
                    | Ty::Range
                    | Ty::Function(_)
                    | Ty::Global(_)
                    | Ty::DtypeObj(_)
                    | Ty::ExcClass(_)
                    | Ty::Generator
                    | Ty::Record(_)
                    | Ty::RecordArray(_)
                    | Ty::Dict(_)
                    | Ty::List(_)
                    | Ty::NamedTuple(_)
                    | Ty::NamedTupleClass(_)
                    | Ty::Instance(_)
                    | Ty::Class(_)
                    | Ty::Optional(_)
                    | Ty::Unknown => self.no_match(cx, e, name, tys, "(complex), (float)"),
                }
            }
            Builtin::Where => {
                if !self.arity(cx, e, name, n, 3, 3) {
                    return Ty::Unknown;
                }
                // np.where of scalars gives a 0-d array, as NumPy's does.
                match unify(&tys[1], &tys[2]) {
                    Some(Ty::Scalar(d)) => registry::array_of(d, 0),
                    _ => self.no_match(cx, e, name, tys, "(cond, a, b)"),
                }
            }
            // (builtin_ty sends only the builtins above here)
            Builtin::Range
            | Builtin::Len
            | Builtin::Abs
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
            | Builtin::Math1(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(..)
            | Builtin::FloatPred(_)
            | Builtin::Cast(_)
            | Builtin::Alloc(_)
            | Builtin::AllocLike(_)
            | Builtin::Arange
            | Builtin::Linspace
            | Builtin::Reduce(_)
            | Builtin::Copy
            | Builtin::Fill
            | Builtin::Random(_)
            | Builtin::PyRandom(_)
            | Builtin::Arr(_)
            | Builtin::LinAlg(_)
            | Builtin::Manip(_)
            | Builtin::Gen(_)
            | Builtin::Dict(_)
            | Builtin::Text(_)
            | Builtin::List(_)
            | Builtin::Ufunc2(_)
            | Builtin::UfuncCmp(_)
            | Builtin::CMath(_)
            | Builtin::MathX(_) => Ty::Unknown,
        }
    }
}
