//! The array functions of `registry::ArrFn`: the dispatcher and its helpers.

use crate::builtins::CallSite;
use crate::driver::{Checker, Cx};
use crate::registry::ArrFn;
use oxjit_syntax::Expr;
use oxjit_types::{ArrayTy, Ty};

impl<'u> Checker<'u> {
    /// The array functions of `registry::ArrFn`, by family.
    pub(super) fn arr_fn_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: ArrFn,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Ty {
        match f {
            ArrFn::Cumsum
            | ArrFn::Cumprod
            | ArrFn::Diff
            | ArrFn::Bincount
            | ArrFn::Median
            | ArrFn::Percentile
            | ArrFn::Quantile
            | ArrFn::Average
            | ArrFn::Trapezoid => self.array_stats_ty(cx, e, f, tys, kwargs, site),
            ArrFn::Reshape
            | ArrFn::Ravel
            | ArrFn::Flatten
            | ArrFn::AsContiguous
            | ArrFn::Astype
            | ArrFn::Flip
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack => self.array_shape_ty(cx, e, f, tys, kwargs, site),
            ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Array
            | ArrFn::AsArray
            | ArrFn::Meshgrid
            | ArrFn::Logspace => self.array_creation_ty(cx, e, f, tys, kwargs, site),
            ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Nonzero
            | ArrFn::Flatnonzero
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Sort => self.array_search_ty(cx, e, f, tys, site),
            ArrFn::Convolve
            | ArrFn::Outer
            | ArrFn::Kron
            | ArrFn::Vdot
            | ArrFn::Trace
            | ArrFn::Norm
            | ArrFn::Allclose => self.array_product_ty(cx, e, f, tys, site.name),
        }
    }
}

/// The array type of `t`, when it is an array.
pub(super) fn arr(t: &Ty) -> Option<ArrayTy> {
    t.array().copied()
}
