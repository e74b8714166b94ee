//! cumsum/cumprod, diff, bincount, median/percentile/quantile, average.

use crate::builtins::array_fn::arr;
use crate::builtins::kwarg_ty;
use crate::builtins::CallSite;
use crate::driver::{Checker, Cx};
use crate::program::Const;
use crate::registry::{self, ArrFn};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{promote_numpy, Dtype, Kind, Ty};

impl<'u> Checker<'u> {
    /// Cumulative sums and products, differences, counts and statistics.
    pub(super) fn array_stats_ty(
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
            ArrFn::Cumsum | ArrFn::Cumprod => match tys.first().and_then(arr) {
                Some(a) if n <= 2 => match self.arg_const(cx, e, usize::from(!method), "axis") {
                    None | Some(Some(Const::None)) => registry::array_of(flat_dtype(a.dtype), 1),
                    Some(Some(Const::Int(k))) => {
                        if k >= a.ndim as i64 || k < -(a.ndim as i64) {
                            self.axis_error(cx, e, k, a.ndim as usize);
                        }
                        registry::array_of(flat_dtype(a.dtype), a.ndim)
                    }
                    _ => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("{name}: axis must be an integer constant in range for a {}-d array, or None", a.ndim),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                },
                _ => self.no_match(cx, e, name, tys, "(array, axis=None)"),
            },
            ArrFn::Diff => match tys.first().and_then(arr) {
                Some(a) if n <= 3 && a.ndim >= 1 => {
                    // n and axis are constants: they fix the lowering.
                    let ok_n = matches!(
                        self.arg_const(cx, e, 1, "n"),
                        None | Some(Some(Const::Int(0..)))
                    );
                    let ok_axis = match self.arg_const(cx, e, 2, "axis") {
                        None => true,
                        Some(Some(Const::Int(k))) => {
                            if k >= a.ndim as i64 || k < -(a.ndim as i64) {
                                self.axis_error(cx, e, k, a.ndim as usize);
                            }
                            true
                        }
                        _ => false,
                    };
                    if !(ok_n && ok_axis) {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("{name}: n must be a non-negative integer constant and axis an integer constant in range"),
                        );
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                    registry::array_of(a.dtype, a.ndim)
                }
                _ => self.no_match(cx, e, name, tys, "(array, n=1, axis=-1)"),
            },
            ArrFn::Bincount => match tys.first().and_then(arr) {
                Some(a)
                    if a.ndim == 1 && (a.dtype.is_int() || a.dtype == Dtype::Bool) && n == 1 =>
                {
                    registry::array_of(Dtype::I64, 1)
                }
                _ => self.no_match(cx, e, name, tys, "(1-d int array, minlength=)"),
            },
            ArrFn::Median | ArrFn::Percentile | ArrFn::Quantile => {
                let nq = usize::from(f != ArrFn::Median);
                let base = match (tys.first().and_then(arr), tys.get(1)) {
                    (Some(a), _) if f == ArrFn::Median && n <= 2 && !a.dtype.is_complex() => {
                        Some((a, Ty::F64))
                    }
                    // (NumPy refuses boolean data for percentiles)
                    (Some(a), Some(Ty::Scalar(q)))
                        if n <= 3
                            && !a.dtype.is_complex()
                            && a.dtype != Dtype::Bool
                            && !q.is_complex() =>
                    {
                        Some((a, Ty::F64))
                    }
                    (Some(a), Some(Ty::Array(q)))
                        if n <= 3
                            && !a.dtype.is_complex()
                            && a.dtype != Dtype::Bool
                            && !q.dtype.is_complex() =>
                    {
                        Some((a, registry::array_of(Dtype::F64, q.ndim)))
                    }
                    _ => None,
                };
                let Some((a, t)) = base else {
                    let known = if f == ArrFn::Median {
                        "(array, axis=None)"
                    } else {
                        "(array, q, axis=None)"
                    };
                    return self.no_match(cx, e, name, tys, known);
                };
                // axis=: one statistic per lane (scalar q only).
                match self.arg_const(cx, e, 1 + nq, "axis") {
                    None | Some(Some(Const::None)) => t,
                    Some(Some(Const::Int(k))) if t == Ty::F64 => {
                        if k >= a.ndim as i64 || k < -(a.ndim as i64) {
                            self.axis_error(cx, e, k, a.ndim as usize);
                        }
                        if a.ndim == 1 {
                            Ty::F64
                        } else {
                            registry::array_of(Dtype::F64, a.ndim - 1)
                        }
                    }
                    _ => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("{name}: axis must be an integer constant in range (with a scalar q), or None"),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            ArrFn::Average => match tys.first().and_then(arr) {
                Some(a) if n == 1 => Ty::Scalar(if a.dtype.is_complex() {
                    Dtype::C128
                } else {
                    Dtype::F64
                }),
                _ => self.no_match(
                    cx,
                    e,
                    name,
                    tys,
                    "(array, weights=None); axis= is not supported yet",
                ),
            },
            ArrFn::Trapezoid => self.trapezoid_ty(cx, e, tys, kwargs, name),
            // (arr_fn_ty sends only the functions above here)
            ArrFn::Reshape
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
            | ArrFn::Convolve
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Flatnonzero
            | ArrFn::AsArray
            | ArrFn::Allclose
            | ArrFn::Norm
            | ArrFn::Trace
            | ArrFn::Outer
            | ArrFn::Kron
            | ArrFn::Vdot => Ty::Unknown,
        }
    }
}

impl<'u> Checker<'u> {
    /// `np.trapezoid(y, x=None, dx=1.0, axis=-1)`: NumPy's
    /// `(d * (y[1:] + y[:-1]) / 2.0).sum(axis)`, a scalar for 1-d `y`.
    fn trapezoid_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        name: &str,
    ) -> Ty {
        let known = "(y, x=None, dx=1.0, axis=-1)";
        let arg = |pos: usize, kw: &str| {
            tys.get(pos)
                .cloned()
                .or_else(|| kwarg_ty(cx, kwargs, kw).map(|(t, _)| t))
                .filter(|t| *t != Ty::NoneType)
        };
        let (x, dx) = (arg(1, "x"), arg(2, "dx"));
        let Some(y) = tys.first().and_then(arr).filter(|y| y.dtype != Dtype::Bool) else {
            return self.no_match(cx, e, name, tys, known);
        };
        // Integers are integrated in float64; a Python dx keeps float32.
        let float_of = |d: Dtype| {
            if d.is_int() || d == Dtype::Bool {
                Dtype::F64
            } else {
                d
            }
        };
        let mut d = float_of(y.dtype);
        match (&x, &dx) {
            (Some(Ty::Array(xa)), None)
                if (xa.ndim == 1 || xa.ndim == y.ndim) && xa.dtype != Dtype::Bool =>
            {
                d = promote_numpy(d, float_of(xa.dtype));
            }
            // A Python complex dx is weak too: complex64 for float32 data.
            (None, Some(Ty::Scalar(s))) if s.is_complex() => {
                d = if matches!(d, Dtype::F32 | Dtype::C64) {
                    Dtype::C64
                } else {
                    Dtype::C128
                }
            }
            (None, Some(Ty::Scalar(_)) | None) => {}
            _ => return self.no_match(cx, e, name, tys, known),
        }
        let axis = match self.arg_const(cx, e, 3, "axis") {
            None => -1,
            Some(Some(Const::Int(k))) => k,
            _ => {
                let msg = format!("{name}: axis must be an integer constant");
                self.err(cx, Diagnostic::error("bad-argument", e.span, msg));
                return Ty::Unknown;
            }
        };
        if axis >= y.ndim as i64 || axis < -(y.ndim as i64) {
            self.axis_error(cx, e, axis, y.ndim as usize);
        }
        if y.ndim == 1 {
            Ty::Scalar(d)
        } else {
            registry::array_of(d, y.ndim - 1)
        }
    }
}

/// The dtype `cumsum`/`cumprod` accumulate in for elements of dtype `d`.
fn flat_dtype(d: Dtype) -> Dtype {
    match d.kind() {
        Kind::Bool | Kind::Signed => Dtype::I64,
        Kind::Unsigned => Dtype::U64,
        Kind::Float | Kind::Complex => d,
    }
}
