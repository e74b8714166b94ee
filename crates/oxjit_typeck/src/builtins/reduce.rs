//! Reductions: sum, prod, mean, var/std, min/max, argmin/argmax, any/all.

use crate::builtins::CallSite;
use crate::call::call_args;
use crate::driver::{Checker, Cx};
use crate::program::{Const, Res};
use crate::registry::{self, Reduce};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{Dtype, Kind, Ty};

impl<'u> Checker<'u> {
    /// Reductions (`np.sum(a)`, `a.mean(axis=0)`, ...): the accumulator and
    /// result dtype, `axis=`, `keepdims=`, `ddof=` and `dtype=`.
    pub(super) fn reduce_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        r: Reduce,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Ty {
        let n = tys.len();
        let (name, method) = (site.name, site.method);
        if !self.arity(cx, e, name, n, 1, 2) {
            return Ty::Unknown;
        }
        let Ty::Array(a) = &tys[0] else {
            return self.no_match(cx, e, name, tys, "(array[, axis])");
        };
        // A query over dtypes (var/std): new dtypes take the f64 default.
        #[allow(clippy::wildcard_enum_match_arm)]
        let elem = match r {
            Reduce::Sum | Reduce::Prod => match a.dtype.kind() {
                Kind::Bool | Kind::Signed => Dtype::I64,
                Kind::Unsigned => Dtype::U64,
                Kind::Float | Kind::Complex => a.dtype,
            },
            Reduce::Min | Reduce::Max | Reduce::NanMin | Reduce::NanMax => a.dtype,
            Reduce::NanSum => match a.dtype.kind() {
                Kind::Bool | Kind::Signed => Dtype::I64,
                Kind::Unsigned => Dtype::U64,
                Kind::Float | Kind::Complex => a.dtype,
            },
            Reduce::NanMean => match a.dtype.kind() {
                Kind::Float | Kind::Complex => a.dtype,
                Kind::Bool | Kind::Signed | Kind::Unsigned => Dtype::F64,
            },
            Reduce::Mean => match a.dtype.kind() {
                Kind::Float | Kind::Complex => a.dtype,
                Kind::Bool | Kind::Signed | Kind::Unsigned => Dtype::F64,
            },
            Reduce::Var | Reduce::Std | Reduce::NanVar | Reduce::NanStd => match a.dtype {
                Dtype::F32 | Dtype::C64 => Dtype::F32,
                _ => Dtype::F64,
            },
            Reduce::Argmin | Reduce::Argmax | Reduce::CountNonzero => Dtype::I64,
            Reduce::Any | Reduce::All => Dtype::Bool,
        };
        // dtype=: the accumulator and result type (sum, prod, mean).
        let elem = match kwargs.iter().find(|(k, _)| k == "dtype") {
            None => elem,
            Some((_, dx)) => {
                let dt = cx.expr_ty.get(&dx.id).cloned();
                match self.dtype_arg(cx, dt.as_ref(), dx) {
                    // (a bool accumulator would need NumPy's logical add)
                    Some(d)
                        if d != Dtype::Bool
                            && (r != Reduce::Mean || d.is_float() || d.is_complex()) =>
                    {
                        d
                    }
                    _ => {
                        let d = Diagnostic::error(
                            "bad-dtype",
                            dx.span,
                            "dtype= must be a NumPy dtype known at compile time (a float or complex type for mean)",
                        );
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                }
            }
        };
        // axis: the second positional argument (function form) or axis=.
        let axis_expr = if n == 2 {
            call_args(e)
                .get(usize::from(!method))
                .or(call_args(e).first())
        } else {
            None
        };
        let axis_expr =
            axis_expr.or_else(|| kwargs.iter().find(|(k, _)| k == "axis").map(|(_, v)| *v));
        let keep = match self.arg_const(cx, e, usize::MAX, "keepdims") {
            None | Some(Some(Const::Bool(false))) => false,
            Some(Some(Const::Bool(true))) => true,
            Some(_) => {
                let d =
                    Diagnostic::unsupported(e.span, "keepdims= must be a constant True or False");
                self.err(cx, d);
                return Ty::Unknown;
            }
        };
        if let Some((_, dd)) = kwargs.iter().find(|(k, _)| k == "ddof") {
            if !matches!(cx.expr_ty.get(&dd.id), Some(Ty::Scalar(x)) if x.is_int()) {
                let d = Diagnostic::error("bad-argument", dd.span, "ddof= must be an integer");
                self.err(cx, d);
                return Ty::Unknown;
            }
        }
        if keep {
            // The reduced axes stay, with length one (an axis out of
            // range raises AxisError at run time, as in NumPy).
            return match axis_expr.map(|ax| cx.res.get(&ax.id)) {
                None | Some(Some(Res::Const(Const::None))) => registry::array_of(elem, a.ndim),
                Some(Some(Res::Const(Const::Int(_)))) => registry::array_of(elem, a.ndim),
                _ => {
                    let d = Diagnostic::unsupported(
                        e.span,
                        "with keepdims=True, axis= must be an integer constant in range (or None)",
                    );
                    self.err(cx, d);
                    Ty::Unknown
                }
            };
        }
        let Some(ax) = axis_expr else {
            return Ty::Scalar(elem);
        };
        match cx.res.get(&ax.id) {
            Some(Res::Const(Const::None)) => Ty::Scalar(elem),
            Some(Res::Const(Const::Int(_))) => {
                // An axis out of range raises AxisError at run time, as in NumPy.
                let nd = a.ndim as i64;
                if nd == 1 {
                    Ty::Scalar(elem)
                } else {
                    registry::array_of(elem, a.ndim - 1)
                }
            }
            _ => {
                let d =
                    Diagnostic::unsupported(ax.span, "axis= must be an integer constant (or None)");
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }
}
