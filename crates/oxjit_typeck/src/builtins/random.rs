//! The legacy `numpy.random` functions.

use crate::builtins::kwarg_ty;
use crate::call::call_args;
use crate::driver::{Checker, Cx};
use crate::registry::{self, Builtin, Rand};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{Dtype, Ty};

impl<'u> Checker<'u> {
    /// The legacy `numpy.random` functions (global state).
    pub(super) fn random_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        name: &str,
    ) -> Ty {
        let n = tys.len();
        let scalar = |t: &Ty| t.scalar();
        match b {
            Builtin::Random(r @ (Rand::Choice | Rand::Shuffle | Rand::Permutation)) => {
                // The Generator methods' typing, on the legacy global state.
                let g = match r {
                    Rand::Choice => registry::GenFn::Choice,
                    Rand::Shuffle => registry::GenFn::Shuffle,
                    Rand::Seed
                    | Rand::Random
                    | Rand::Rand
                    | Rand::Randn
                    | Rand::Randint
                    | Rand::Uniform
                    | Rand::Normal
                    | Rand::StandardNormal
                    | Rand::Exponential
                    | Rand::Poisson
                    | Rand::Binomial
                    | Rand::Beta
                    | Rand::Gamma
                    | Rand::StandardGamma
                    | Rand::Geometric
                    | Rand::Permutation => registry::GenFn::Permutation,
                };
                let mut all = vec![Ty::Generator];
                all.extend(tys.iter().cloned());
                self.gen_ty(cx, e, g, &all, kwargs, name)
            }
            Builtin::Random(r) => {
                let spec = registry::rand_spec(r);
                for (t, a) in tys.iter().zip(call_args(e)) {
                    if scalar(t).is_none_or(|d| d.is_complex()) && !matches!(t, Ty::Tuple(_)) {
                        let d = Diagnostic::error("bad-argument", a.span, format!("{name}() arguments must be real numbers (or a size tuple), not {t}"));
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                }
                let elem = if spec.int_result {
                    Dtype::I64
                } else {
                    Dtype::F64
                };
                if matches!(r, Rand::Rand | Rand::Randn) {
                    // Dimensions as separate arguments.
                    if tys.is_empty() {
                        return Ty::Scalar(elem);
                    }
                    return registry::array_of(elem, n as u8);
                }
                if r == Rand::Seed {
                    if !self.arity(cx, e, name, n, 1, 1) {
                        return Ty::Unknown;
                    }
                    return Ty::NoneType;
                }
                let np = spec.params.len();
                let min = spec
                    .params
                    .iter()
                    .filter(|p| p.1.is_none())
                    .count()
                    .min(if r == Rand::Randint { 1 } else { np });
                if !self.arity(cx, e, name, n, min, np + 1) {
                    return Ty::Unknown;
                }
                let size = if n == np + 1 {
                    Some(tys[np].clone())
                } else {
                    kwarg_ty(cx, kwargs, "size").map(|(t, _)| t)
                };
                match size {
                    None | Some(Ty::NoneType) => Ty::Scalar(elem),
                    Some(Ty::Scalar(d)) if d.is_int() => registry::array_of(elem, 1),
                    Some(Ty::Tuple(items))
                        if items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
                    {
                        registry::array_of(elem, items.len() as u8)
                    }
                    Some(other) => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("size= must be an int or a tuple of ints, not {other}"),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            // (builtin_ty sends only the builtins above here)
            Builtin::Range
            | Builtin::PyRandom(_)
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
            | Builtin::TypeInfo { .. }
            | Builtin::ThreadInfo { .. }
            | Builtin::Isinstance
            | Builtin::Print
            | Builtin::Enumerate
            | Builtin::Zip
            | Builtin::NdIndex
            | Builtin::NdEnumerate
            | Builtin::Math1(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(..)
            | Builtin::FloatPred(_)
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
            | Builtin::MathX(_)
            | Builtin::Negative
            | Builtin::Clip
            | Builtin::MatMul
            | Builtin::IsClose
            | Builtin::NpExtremum { .. } => Ty::Unknown,
        }
    }
}
