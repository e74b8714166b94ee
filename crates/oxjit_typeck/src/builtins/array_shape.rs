//! reshape, ravel/flatten, ascontiguousarray, astype, flip, concatenate/vstack/hstack.

use crate::builtins::array_fn::arr;
use crate::builtins::kwarg;
use crate::builtins::CallSite;
use crate::call::call_args;
use crate::driver::{Checker, Cx};
use crate::program::{Const, Res};
use crate::registry::{self, ArrFn};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{ArrayTy, Dtype, Layout, Ty};

impl<'u> Checker<'u> {
    /// Reshaping, flattening, conversion, flipping and joining arrays.
    pub(super) fn array_shape_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: ArrFn,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Ty {
        let n = tys.len();
        let (name, method) = (site.name, site.method);
        match f {
            ArrFn::Reshape => {
                let Some(a) = tys.first().and_then(arr) else {
                    return self.no_match(cx, e, name, tys, "(array, shape)");
                };
                let dims: Vec<&Ty> = tys[1..].iter().collect();
                let ndim = match dims.as_slice() {
                    [Ty::Tuple(items)]
                        if items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
                    {
                        items.len()
                    }
                    ds if !ds.is_empty()
                        && ds.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
                    {
                        ds.len()
                    }
                    _ => {
                        return self.no_match(
                            cx,
                            e,
                            name,
                            tys,
                            "(array, shape) or a.reshape(d0, d1, ...)",
                        )
                    }
                };
                let _ = method;
                let Some(fortran) = self.order_kw(cx, e) else {
                    return Ty::Unknown;
                };
                Ty::Array(ArrayTy {
                    ndim: ndim as u8,
                    layout: if fortran && ndim > 1 {
                        Layout::F
                    } else {
                        Layout::C
                    },
                    ..a
                })
            }
            ArrFn::Ravel | ArrFn::Flatten => match tys.first().and_then(arr) {
                Some(_) if self.order_kw(cx, e).is_none() => Ty::Unknown,
                Some(a) if n == 1 => Ty::Array(ArrayTy {
                    ndim: 1,
                    layout: Layout::C,
                    ..a
                }),
                _ => self.no_match(cx, e, name, tys, "(array)"),
            },
            ArrFn::AsContiguous => match tys.first().and_then(arr) {
                // At least 1-d (NumPy's ndmin=1): a 0-d array becomes a view of shape (1,).
                Some(a) if n == 1 => Ty::Array(ArrayTy {
                    layout: Layout::C,
                    ndim: a.ndim.max(1),
                    ..a
                }),
                _ => self.no_match(cx, e, name, tys, "(array)"),
            },
            ArrFn::Astype => {
                let Some(a) = tys.first().and_then(arr) else {
                    return self.no_match(cx, e, name, tys, "(dtype)");
                };
                let ex = call_args(e).first().or_else(|| kwarg(kwargs, "dtype"));
                let t = tys
                    .get(1)
                    .cloned()
                    .or_else(|| ex.and_then(|x| cx.expr_ty.get(&x.id).cloned()));
                match ex.and_then(|x| self.dtype_arg(cx, t.as_ref(), x)) {
                    Some(d) => registry::array_of(d, a.ndim),
                    None => self.no_match(cx, e, name, tys, "(dtype known at compile time)"),
                }
            }
            ArrFn::Concatenate | ArrFn::Vstack | ArrFn::Hstack => {
                let items = match tys.first() {
                    Some(Ty::Tuple(items)) if n == 1 && !items.is_empty() => items.clone(),
                    _ => return self.no_match(cx, e, name, tys, "((a, b, ...))"),
                };
                let mut d: Option<Dtype> = None;
                let mut nd = None;
                for it in &items {
                    let Some(a) = arr(it) else {
                        return self.no_match(cx, e, name, tys, "a tuple of arrays");
                    };
                    d = Some(d.map_or(a.dtype, |x| oxjit_types::promote_numpy(x, a.dtype)));
                    if *nd.get_or_insert(a.ndim) != a.ndim {
                        let dd = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            "all the input arrays must have the same number of dimensions",
                        );
                        self.err(cx, dd);
                        return Ty::Unknown;
                    }
                }
                let nd = nd.unwrap_or(1);
                let out_nd = if f == ArrFn::Vstack && nd == 1 { 2 } else { nd };
                if f == ArrFn::Concatenate {
                    if let Some(ax) = kwarg(kwargs, "axis") {
                        match cx.res.get(&ax.id).cloned() {
                            Some(Res::Const(Const::Int(k)))
                                if k < nd as i64 && k >= -(nd as i64) => {}
                            Some(Res::Const(Const::Int(k))) => {
                                self.axis_error(cx, e, k, nd as usize)
                            }
                            _ => {
                                let dd = Diagnostic::error(
                                    "bad-argument",
                                    ax.span,
                                    "axis= of concatenate must be an integer constant",
                                );
                                self.err(cx, dd);
                                return Ty::Unknown;
                            }
                        }
                    }
                }
                registry::array_of(d.unwrap_or(Dtype::F64), out_nd)
            }
            ArrFn::Flip => match tys.first().and_then(arr) {
                // NumPy flips a 0-d array to its element (m[()]).
                Some(a) if n == 1 && a.ndim == 0 => Ty::Scalar(a.dtype),
                Some(a) if n == 1 => Ty::Array(ArrayTy {
                    layout: Layout::A,
                    ..a
                }),
                _ => self.no_match(cx, e, name, tys, "(array)"),
            },
            // (arr_fn_ty sends only the functions above here)
            ArrFn::Cumsum
            | ArrFn::Cumprod
            | ArrFn::Diff
            | ArrFn::Bincount
            | ArrFn::Median
            | ArrFn::Percentile
            | ArrFn::Quantile
            | ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Array
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Convolve
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Average
            | ArrFn::Flatnonzero
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
