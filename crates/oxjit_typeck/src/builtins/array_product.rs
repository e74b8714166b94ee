//! convolve, outer, vdot, trace, linalg.norm, allclose.

use crate::builtins::array_fn::arr;
use crate::driver::{Checker, Cx};
use crate::ops::elem_dtype;
use crate::program::Const;
use crate::registry::{self, ArrFn};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{Dtype, Kind, Ty};

impl<'u> Checker<'u> {
    /// Products (convolve, outer, vdot), trace, norm and allclose.
    pub(super) fn array_product_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: ArrFn,
        tys: &[Ty],
        name: &str,
    ) -> Ty {
        let n = tys.len();
        match f {
            ArrFn::Convolve => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(a), Some(b)) if n == 2 && a.ndim == 1 && b.ndim == 1 => {
                    registry::array_of(oxjit_types::promote_numpy(a.dtype, b.dtype), 1)
                }
                _ => self.no_match(cx, e, name, tys, "(1-d array, 1-d array)"),
            },
            ArrFn::Norm => {
                let Some(a) = tys
                    .first()
                    .and_then(arr)
                    .filter(|a| (1..=2).contains(&a.ndim))
                else {
                    return self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "(vector or matrix, ord=None, axis=None)",
                    );
                };
                if n > 3 {
                    return self.no_match(cx, e, name, tys, "(x, ord=None, axis=None)");
                }
                let od = if a.dtype == Dtype::F32 || a.dtype == Dtype::C64 {
                    Dtype::F32
                } else {
                    Dtype::F64
                };
                let axis = match self.arg_const(cx, e, 2, "axis") {
                    None | Some(Some(Const::None)) => None,
                    Some(Some(Const::Int(k))) if k < a.ndim as i64 && k >= -(a.ndim as i64) => {
                        Some(k)
                    }
                    Some(Some(Const::Int(k))) => {
                        self.axis_error(cx, e, k, a.ndim as usize);
                        Some(0)
                    }
                    Some(c) => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            match c {
                                Some(Const::Int(k)) => format!(
                                    "axis {k} is out of bounds for array of dimension {}",
                                    a.ndim
                                ),
                                _ => {
                                    "`numpy.linalg.norm`: axis= must be an integer constant or None"
                                        .into()
                                }
                            },
                        );
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                };
                let vector = a.ndim == 1 || axis.is_some();
                let ord = self.arg_const(cx, e, 1, "ord");
                let ok = match &ord {
                    None | Some(Some(Const::None)) => true,
                    Some(Some(Const::Str(s))) => !vector && (s == "fro" || s == "nuc"),
                    Some(Some(Const::Int(k))) => vector || [1, -1, 2, -2].contains(k),
                    Some(Some(Const::Float(f))) => {
                        vector || f.is_infinite() || [1.0, -1.0, 2.0, -2.0].contains(f)
                    }
                    _ => false,
                };
                if !ok {
                    let d = Diagnostic::error(
                        "bad-argument",
                        e.span,
                        if vector {
                            "Invalid norm order for vectors (use a number, np.inf or -np.inf)"
                        } else {
                            "Invalid norm order for matrices (use None, 'fro', 'nuc', 1, -1, 2, -2, np.inf or -np.inf)"
                        },
                    )
                    .with_note("ord= must be a constant");
                    self.err(cx, d);
                    return Ty::Unknown;
                }
                if axis.is_some() && a.ndim == 2 {
                    registry::array_of(od, 1)
                } else {
                    Ty::Scalar(od)
                }
            }
            ArrFn::Trace => match tys.first().and_then(arr) {
                Some(a) if n == 1 && a.ndim == 2 => Ty::Scalar(match a.dtype.kind() {
                    Kind::Bool | Kind::Signed => Dtype::I64,
                    Kind::Unsigned => Dtype::U64,
                    Kind::Float | Kind::Complex => a.dtype,
                }),
                _ => self.no_match(cx, e, name, tys, "(2-d array)"),
            },
            ArrFn::Outer => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(x), Some(y)) if n == 2 => {
                    registry::array_of(oxjit_types::promote_numpy(x.dtype, y.dtype), 2)
                }
                _ => self.no_match(cx, e, name, tys, "(array, array)"),
            },
            ArrFn::Kron => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(x), Some(y))
                    if n == 2 && (1..=2).contains(&x.ndim) && (1..=2).contains(&y.ndim) =>
                {
                    registry::array_of(
                        oxjit_types::promote_numpy(x.dtype, y.dtype),
                        x.ndim.max(y.ndim),
                    )
                }
                _ => self.no_match(cx, e, name, tys, "(1-d or 2-d array, 1-d or 2-d array)"),
            },
            ArrFn::Vdot => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(x), Some(y)) if n == 2 => {
                    // A query over dtypes: new dtypes take the promoted dtype.
                    #[allow(clippy::wildcard_enum_match_arm)]
                    let d = match oxjit_types::promote_numpy(x.dtype, y.dtype) {
                        Dtype::Bool => Dtype::Bool,
                        d if d.kind() == Kind::Signed => Dtype::I64,
                        d => d,
                    };
                    Ty::Scalar(d)
                }
                _ => self.no_match(cx, e, name, tys, "(array, array)"),
            },
            ArrFn::Allclose => {
                if n != 2
                    || tys.iter().any(|t| {
                        elem_dtype(t).is_complex() || !matches!(t, Ty::Array(_) | Ty::Scalar(_))
                    })
                {
                    return self.no_match(cx, e, name, tys, "(a, b) of real arrays or numbers");
                }
                Ty::BOOL
            }
            // (arr_fn_ty sends only the functions above here)
            ArrFn::Cumsum
            | ArrFn::Cumprod
            | ArrFn::Diff
            | ArrFn::Bincount
            | ArrFn::Median
            | ArrFn::Percentile
            | ArrFn::Quantile
            | ArrFn::Reshape
            | ArrFn::Ravel
            | ArrFn::Flatten
            | ArrFn::Astype
            | ArrFn::AsContiguous
            | ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack
            | ArrFn::Array
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Average
            | ArrFn::Flatnonzero
            | ArrFn::AsArray
            | ArrFn::Trapezoid => Ty::Unknown,
        }
    }
}
