//! The array functions of `registry::ArrFn`: the dispatcher and its helpers.

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
        method: bool,
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
            | ArrFn::Trapezoid => self.array_stats_ty(cx, e, f, tys, kwargs, method),
            ArrFn::Reshape
            | ArrFn::Ravel
            | ArrFn::Flatten
            | ArrFn::AsContiguous
            | ArrFn::Astype
            | ArrFn::Flip
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack => self.array_shape_ty(cx, e, f, tys, kwargs, method),
            ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Array
            | ArrFn::AsArray
            | ArrFn::Meshgrid
            | ArrFn::Logspace => self.array_creation_ty(cx, e, f, tys, kwargs, method),
            ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Nonzero
            | ArrFn::Flatnonzero
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Sort => self.array_search_ty(cx, e, f, tys, method),
            ArrFn::Convolve
            | ArrFn::Outer
            | ArrFn::Vdot
            | ArrFn::Trace
            | ArrFn::Norm
            | ArrFn::Allclose => self.array_product_ty(cx, e, f, tys),
        }
    }
}

/// How an array function is named in diagnostics (`numpy.cumsum`).
pub(super) fn arr_fn_name(f: ArrFn) -> String {
    format!("numpy.{}", format!("{f:?}").to_lowercase())
}

/// The array type of `t`, when it is an array.
pub(super) fn arr(t: &Ty) -> Option<ArrayTy> {
    t.array().copied()
}
