//! array/asarray, eye/identity, meshgrid, logspace.

use crate::builtins::array_fn::arr;
use crate::builtins::kwarg;
use crate::builtins::CallSite;
use crate::driver::{Checker, Cx};
use crate::registry::{self, ArrFn};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{Dtype, Ty};

impl<'u> Checker<'u> {
    /// Arrays made from sequences, identity matrices, grids and log-spaced values.
    pub(super) fn array_creation_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: ArrFn,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Ty {
        let n = tys.len();
        let name = site.name;
        match f {
            ArrFn::Eye | ArrFn::Identity => {
                let max = if f == ArrFn::Eye { 3 } else { 1 };
                if n == 0 || n > max || tys.iter().any(|t| t.scalar().is_none_or(|d| !d.is_int())) {
                    return self.no_match(cx, e, name, tys, "(n[, m[, k]], dtype=)");
                }
                match self.dtype_kw(cx, kwargs, Dtype::F64) {
                    Some(d) => registry::array_of(d, 2),
                    None => Ty::Unknown,
                }
            }
            ArrFn::Array => {
                if n != 1 {
                    return self.no_match(cx, e, name, tys, "(sequence)");
                }
                // Scalars, (nested) tuples/lists of numbers, or an array.
                fn shape_of(t: &Ty, out: &mut Vec<usize>, d: &mut Option<Dtype>) -> bool {
                    match t {
                        Ty::Scalar(x) => {
                            *d = Some(d.map_or(*x, |y| {
                                if y == *x {
                                    y
                                } else {
                                    oxjit_types::promote_numpy(y, *x)
                                }
                            }));
                            true
                        }
                        Ty::Tuple(items) if !items.is_empty() => {
                            out.push(items.len());
                            let mut first: Option<Vec<usize>> = None;
                            for it in items {
                                let mut sub = Vec::new();
                                if !shape_of(it, &mut sub, d) {
                                    return false;
                                }
                                if first.get_or_insert_with(|| sub.clone()) != &sub {
                                    return false;
                                }
                            }
                            out.extend(first.unwrap_or_default());
                            true
                        }
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
                        | Ty::Unknown => false,
                    }
                }
                if let Some(a) = arr(&tys[0]) {
                    return match self.dtype_kw(cx, kwargs, a.dtype) {
                        Some(d) => registry::array_of(d, a.ndim),
                        None => Ty::Unknown,
                    };
                }
                // A list of numbers (1-d) or of equal-length 1-d arrays (2-d).
                if let Ty::List(t) = &tys[0] {
                    let (d, nd) = match (t.scalar(), &**t) {
                        (Some(d), _) => (d, 1),
                        (None, Ty::Array(a)) if a.ndim == 1 => (a.dtype, 2),
                        (None, _) => {
                            return self.no_match(
                                cx,
                                e,
                                name,
                                tys,
                                "(list of numbers), (list of 1-d arrays)",
                            );
                        }
                    };
                    return match self.dtype_kw(cx, kwargs, d) {
                        Some(d) => registry::array_of(d, nd),
                        None => Ty::Unknown,
                    };
                }
                let mut shape = Vec::new();
                let mut d = None;
                if !shape_of(&tys[0], &mut shape, &mut d) {
                    return self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "(number, or a rectangular tuple/list of numbers)",
                    );
                }
                let elem = match d.unwrap_or(Dtype::F64) {
                    x if x.is_int() && x.is_signed() => Dtype::I64,
                    x => x,
                };
                match self.dtype_kw(cx, kwargs, elem) {
                    Some(dt) => {
                        if shape.is_empty() {
                            let dd =
                                Diagnostic::unsupported(e.span, "0-d arrays are not supported yet");
                            self.err(cx, dd);
                            return Ty::Unknown;
                        }
                        registry::array_of(dt, shape.len() as u8)
                    }
                    None => Ty::Unknown,
                }
            }
            ArrFn::Meshgrid => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(x), Some(y)) if n == 2 && x.ndim == 1 && y.ndim == 1 => {
                    let d = oxjit_types::promote_numpy(x.dtype, y.dtype);
                    Ty::Tuple(vec![registry::array_of(d, 2), registry::array_of(d, 2)])
                }
                _ => self.no_match(cx, e, name, tys, "(x, y) of 1-d arrays"),
            },
            ArrFn::Logspace => {
                if !(2..=3).contains(&n)
                    || tys
                        .iter()
                        .any(|t| t.scalar().is_none_or(|d| d.is_complex()))
                {
                    return self.no_match(cx, e, name, tys, "(start, stop[, num])");
                }
                registry::array_of(Dtype::F64, 1)
            }
            ArrFn::AsArray => match tys.first() {
                Some(Ty::Array(a)) if n == 1 && kwarg(kwargs, "dtype").is_none() => Ty::Array(*a),
                _ => self.arr_fn_ty(cx, e, ArrFn::Array, tys, kwargs, site),
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
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Convolve
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
            | ArrFn::Average
            | ArrFn::Flatnonzero
            | ArrFn::Allclose
            | ArrFn::Norm
            | ArrFn::Trace
            | ArrFn::Outer
            | ArrFn::Kron
            | ArrFn::Vdot
            | ArrFn::Trapezoid => Ty::Unknown,
        }
    }

    /// The `dtype=` keyword as a constant dtype, `dflt` when absent.
    fn dtype_kw(
        &mut self,
        cx: &Cx<'u>,
        kwargs: &[(String, &'u Expr)],
        dflt: Dtype,
    ) -> Option<Dtype> {
        match kwarg(kwargs, "dtype") {
            Some(ex) => {
                let t = cx.expr_ty.get(&ex.id).cloned();
                self.dtype_arg(cx, t.as_ref(), ex)
            }
            None => Some(dflt),
        }
    }
}
