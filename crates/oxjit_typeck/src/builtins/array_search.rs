//! searchsorted, interp, nonzero/flatnonzero, argsort, sort, unique.

use crate::builtins::array_fn::arr;
use crate::builtins::CallSite;
use crate::driver::{Checker, Cx};
use crate::registry::{self, ArrFn};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{Dtype, Ty};

impl<'u> Checker<'u> {
    /// Sorting, searching and interpolation.
    pub(super) fn array_search_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: ArrFn,
        tys: &[Ty],
        site: CallSite<'_>,
    ) -> Ty {
        let n = tys.len();
        let (name, method) = (site.name, site.method);
        match f {
            ArrFn::Searchsorted => match (tys.first().and_then(arr), tys.get(1)) {
                (Some(a), Some(Ty::Scalar(_))) if a.ndim == 1 => Ty::I64,
                (Some(a), Some(Ty::Array(v))) if a.ndim == 1 => {
                    registry::array_of(Dtype::I64, v.ndim)
                }
                _ => self.no_match(
                    cx,
                    e,
                    name,
                    tys,
                    "(sorted 1-d array, value or array, side=)",
                ),
            },
            // Complex `fp` (NumPy interpolates both parts) is not supported:
            // it is refused rather than losing the imaginary part.
            ArrFn::Interp => match (
                tys.first(),
                tys.get(1).and_then(arr).filter(|a| !a.dtype.is_complex()),
                tys.get(2).and_then(arr).filter(|a| !a.dtype.is_complex()),
            ) {
                (Some(Ty::Scalar(d)), Some(_), Some(_)) if n == 3 && !d.is_complex() => Ty::F64,
                (Some(Ty::Array(x)), Some(_), Some(_)) if n == 3 && !x.dtype.is_complex() => {
                    registry::array_of(Dtype::F64, x.ndim)
                }
                _ => self.no_match(cx, e, name, tys, "(x, xp, fp) of real values"),
            },
            ArrFn::Nonzero => match tys.first().and_then(arr) {
                Some(a) if n == 1 => {
                    Ty::Tuple(vec![registry::array_of(Dtype::I64, 1); a.ndim as usize])
                }
                _ => self.no_match(cx, e, name, tys, "(array)"),
            },
            ArrFn::Argsort => match tys.first().and_then(arr) {
                Some(a) if n == 1 && a.ndim == 1 && !a.dtype.is_complex() => {
                    registry::array_of(Dtype::I64, 1)
                }
                _ => self.no_match(cx, e, name, tys, "(1-d real array)"),
            },
            ArrFn::Unique => match tys.first().and_then(arr) {
                Some(a) if n == 1 && !a.dtype.is_complex() => registry::array_of(a.dtype, 1),
                _ => self.no_match(cx, e, name, tys, "(real array)"),
            },
            ArrFn::Flatnonzero => match tys.first().and_then(arr) {
                Some(_) if n == 1 => registry::array_of(Dtype::I64, 1),
                _ => self.no_match(cx, e, name, tys, "(array)"),
            },
            ArrFn::Sort => match tys.first().and_then(arr) {
                Some(a) if n == 1 && a.ndim >= 1 && !a.dtype.is_complex() => {
                    if method && a.readonly {
                        // In place: a frozen global or a read-only argument.
                        let d = Diagnostic::error(
                            "readonly-array",
                            e.span,
                            format!("cannot sort {} in place", self.a_type(&tys[0])),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    } else if method {
                        Ty::NoneType
                    } else {
                        registry::array_of(a.dtype, a.ndim)
                    }
                }
                _ => self.no_match(cx, e, name, tys, "(real array)"),
            },
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
            | ArrFn::Convolve
            | ArrFn::Flip
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Average
            | ArrFn::AsArray
            | ArrFn::Allclose
            | ArrFn::Norm
            | ArrFn::Trace
            | ArrFn::Outer
            | ArrFn::Kron
            | ArrFn::Vdot
            | ArrFn::Trapezoid => Ty::Unknown,
        }
    }
}
