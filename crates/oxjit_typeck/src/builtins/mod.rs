//! Types of calls to the registry's callables (`registry::Builtin`).
//! `builtin_ty` checks the keywords, types the element-wise and ufunc forms
//! and hands every other call to the function of its family.

mod array_create;
mod array_fn;
mod array_product;
mod array_search;
mod array_shape;
mod array_stats;
mod creation;
mod math;
mod pyrandom;
mod python;
mod random;
mod reduce;

use crate::driver::{Checker, Cx};
use crate::ops::{array_ndim, array_result_dtype, elem_dtype};
use crate::registry::{self, ArrFn, Builtin, Rand, Reduce};
use crate::{generator, linalg, manip};
use oxjit_syntax::{BinOp, Diagnostic, Expr, ExprKind};
use oxjit_types::{ArrayTy, Dtype, Layout, Ty};

/// How a builtin was called: the dotted path that resolved the call, as the
/// user spelled it (`numpy.angle`, `math.sqrt`, `ndarray.sum` for a method
/// of an array, `Generator.normal`), which names it in diagnostics; and
/// whether it was a method call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallSite<'a> {
    pub(crate) name: &'a str,
    pub(crate) method: bool,
}

impl<'u> Checker<'u> {
    /// The result type of calling builtin `b` with argument types `tys` (a
    /// method call, `site.method`, has the receiver's type first).
    pub(crate) fn builtin_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Ty {
        // The container families type empty lists and dicts themselves.
        let container = matches!(b, Builtin::List(_) | Builtin::Dict(_));
        if tys.iter().any(|t| !t.is_known()) && !container {
            return Ty::Unknown;
        }
        let allowed_kw = allowed_keywords(b);
        for (k, v) in kwargs {
            if !allowed_kw.contains(&k.as_str()) {
                let mut d = Diagnostic::error(
                    "unsupported-keyword",
                    v.span,
                    format!(
                        "`{}` takes no keyword argument `{k}` in compiled code",
                        site.name
                    ),
                );
                d = match crate::expr::did_you_mean(k, allowed_kw.iter().copied()) {
                    Some(s) => d.with_note(format!("did you mean `{s}=`?")),
                    None if allowed_kw.is_empty() => d.with_note("it takes no keyword arguments"),
                    None => {
                        d.with_note(format!("its keyword arguments: {}", allowed_kw.join(", ")))
                    }
                };
                self.err(cx, d);
                return Ty::Unknown;
            }
        }
        if let Some(t) = self.elementwise_ty(cx, e, b, tys, kwargs, site) {
            return t;
        }
        match b {
            Builtin::Range
            | Builtin::Len
            | Builtin::Abs
            | Builtin::MinMax { .. }
            | Builtin::Int
            | Builtin::Float
            | Builtin::Bool
            | Builtin::Complex
            | Builtin::Cast(_)
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
            | Builtin::NdEnumerate => self.python_builtin_ty(cx, e, b, tys, site.name),
            Builtin::Math1(_)
            | Builtin::MathX(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(..)
            | Builtin::FloatPred(_)
            | Builtin::CMath(_) => self.math_ty(cx, e, b, tys, site.name),
            Builtin::NpExtremum { .. }
            | Builtin::MatMul
            | Builtin::Clip
            | Builtin::IsClose
            | Builtin::Negative
            | Builtin::Sign
            | Builtin::Square
            | Builtin::Conjugate
            | Builtin::Where => self.numpy_scalar_ty(cx, e, b, tys, kwargs, site),
            Builtin::Alloc(_)
            | Builtin::AllocLike(_)
            | Builtin::Arange
            | Builtin::Linspace
            | Builtin::Copy
            | Builtin::Fill => self.creation_ty(cx, e, b, tys, kwargs, site.name),
            Builtin::Reduce(r) => self.reduce_ty(cx, e, r, tys, kwargs, site),
            Builtin::Random(_) => self.random_ty(cx, e, b, tys, kwargs, site.name),
            Builtin::PyRandom(r) => self.pyrandom_ty(cx, e, r, tys, kwargs, site.name),
            Builtin::Arr(f) => self.arr_fn_ty(cx, e, f, tys, kwargs, site),
            Builtin::LinAlg(f) => self.linalg_ty(cx, e, f, tys, kwargs, site.name),
            Builtin::Manip(f) => self.manip_ty(cx, e, f, tys, kwargs, site),
            Builtin::Gen(g) => self.gen_ty(cx, e, g, tys, kwargs, site.name),
            Builtin::List(f) => self.list_fn_ty(cx, e, f, tys, kwargs, site.name),
            Builtin::Dict(f) => self.dict_fn_ty(cx, e, f, tys, site.name),
            Builtin::Text(f) => self.str_fn_ty(cx, e, f, tys, site.name),
            Builtin::Ufunc2(_) | Builtin::UfuncCmp(_) => Ty::Unknown,
        }
    }

    /// The forms typed before the per-builtin rules: `np.where(cond)`,
    /// operators called as ufuncs, and element-wise application to arrays.
    /// None when `b` is not called in one of these forms.
    fn elementwise_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Option<Ty> {
        let n = tys.len();
        let (name, method) = (site.name, site.method);
        // np.where(cond) is np.nonzero(cond).
        if b == Builtin::Where && n == 1 {
            return Some(self.arr_fn_ty(cx, e, ArrFn::Nonzero, tys, kwargs, site));
        }
        // Operators called as ufuncs: exactly the operator's typing (NumPy's
        // array rules included).
        if let Builtin::Ufunc2(_) | Builtin::UfuncCmp(_) = b {
            if !self.arity(cx, e, name, n, 2, 2) {
                return Some(Ty::Unknown);
            }
            return Some(match b {
                Builtin::UfuncCmp(op) => self.compare_ty(cx, op, &tys[0], &tys[1], e.span),
                Builtin::Ufunc2(op) => self.binop_ty(cx, op, &tys[0], &tys[1], e.span),
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
                | Builtin::Random(_)
                | Builtin::PyRandom(_)
                | Builtin::Arr(_)
                | Builtin::LinAlg(_)
                | Builtin::Manip(_)
                | Builtin::Gen(_)
                | Builtin::Dict(_)
                | Builtin::Text(_)
                | Builtin::List(_)
                | Builtin::CMath(_)
                | Builtin::MathX(_)
                | Builtin::Negative
                | Builtin::Clip
                | Builtin::MatMul
                | Builtin::IsClose
                | Builtin::NpExtremum { .. } => Ty::Unknown,
            });
        }
        // Element-wise application to arrays: type the scalar rule on the
        // element types, give an array of the broadcast rank.
        let is_minmax_reduce =
            matches!(b, Builtin::MinMax { .. }) && (n == 1 || !method && !is_numpy_path(e));
        if registry::elementwise(b)
            && !method
            && !is_minmax_reduce
            && tys.iter().any(|t| matches!(t, Ty::Array(_)))
        {
            let ndim = tys.iter().map(array_ndim).max().unwrap_or(0);
            if b == Builtin::Where {
                if n != 3 {
                    self.arity(cx, e, name, n, 3, 3);
                    return Some(Ty::Unknown);
                }
                let Some(et) =
                    self.binop_ty_quiet(BinOp::Add, elem_dtype(&tys[1]), elem_dtype(&tys[2]))
                else {
                    return Some(self.no_match(cx, e, name, tys, "(cond, a, b)"));
                };
                let d = match (&tys[1], &tys[2]) {
                    (Ty::Array(a), Ty::Array(c)) => oxjit_types::promote_numpy(a.dtype, c.dtype),
                    // NumPy's result type of two bools is bool (not `+`'s int).
                    _ if elem_dtype(&tys[1]) == Dtype::Bool
                        && elem_dtype(&tys[2]) == Dtype::Bool =>
                    {
                        Dtype::Bool
                    }
                    _ => array_result_dtype(BinOp::Add, &tys[1], &tys[2], et),
                };
                return Some(Ty::Array(ArrayTy::new(d, ndim, Layout::C)));
            }
            let elems: Vec<Ty> = tys.iter().map(|t| Ty::Scalar(elem_dtype(t))).collect();
            let et = self.builtin_ty(cx, e, b, &elems, kwargs, site);
            let Some(mut d) = et.scalar() else {
                return Some(Ty::Unknown);
            };
            // NumPy keeps an integer array's dtype for these unary functions.
            if let (
                Builtin::Abs | Builtin::Negative | Builtin::Square | Builtin::Sign,
                [Ty::Array(a)],
            ) = (b, tys)
            {
                if a.dtype.is_int() {
                    d = a.dtype;
                }
            }
            // NumPy's loops for a boolean array: absolute has one (bool stays
            // bool); square and conjugate start at int8.
            if let [Ty::Array(a)] = tys {
                if a.dtype == Dtype::Bool {
                    if b == Builtin::Abs {
                        d = Dtype::Bool;
                    } else if matches!(b, Builtin::Square | Builtin::Conjugate) {
                        d = Dtype::I8;
                    }
                }
            }
            if tys.len() == 2 {
                if let (Ty::Array(_), _) | (_, Ty::Array(_)) = (&tys[0], &tys[1]) {
                    let int_fmod = b == Builtin::Math2(registry::Math2::Fmod) && d.is_int();
                    if let (Builtin::Math2(_), false) = (b, int_fmod) {
                        // NumPy's float loop for the promoted inputs (a Python
                        // scalar is weak: float32 array with 2.0 stays float32).
                        let p =
                            oxjit_types::promote_numpy(elem_dtype(&tys[0]), elem_dtype(&tys[1]));
                        let p = array_result_dtype(BinOp::Add, &tys[0], &tys[1], p);
                        d = registry::numpy_float_result(p);
                    } else if int_fmod
                        || matches!(
                            b,
                            Builtin::MinMax { .. } | Builtin::NpExtremum { .. } | Builtin::Pow
                        )
                    {
                        d = array_result_dtype(BinOp::Add, &tys[0], &tys[1], d);
                        // np.fmod has no boolean loop: two booleans give int8.
                        if int_fmod && d == Dtype::Bool {
                            d = Dtype::I8;
                        }
                    }
                }
            }
            // np.clip(a, lo, hi): NumPy's promotion of the three, Python
            // scalars weak (an int8 array clipped to (0, 1) stays int8).
            if let (Builtin::Clip, [t0, rest @ ..]) = (b, tys) {
                let mut cur = t0.clone();
                for t in rest {
                    let p = oxjit_types::promote_numpy(elem_dtype(&cur), elem_dtype(t));
                    let p = array_result_dtype(BinOp::Add, &cur, t, p);
                    cur = Ty::Array(ArrayTy::new(p, ndim, Layout::C));
                }
                d = elem_dtype(&cur);
            }
            return Some(Ty::Array(ArrayTy::new(d, ndim, Layout::C)));
        }
        None
    }
}

/// Keyword arguments each builtin accepts.
fn allowed_keywords(b: Builtin) -> &'static [&'static str] {
    match b {
        Builtin::Alloc(_) => &["dtype", "order"],
        Builtin::AllocLike(_) | Builtin::Arange => &["dtype"],
        Builtin::Random(Rand::Choice) => &["a", "size", "replace", "p"],
        Builtin::Random(Rand::Shuffle | Rand::Permutation) => &["x"],
        Builtin::Random(_) => &[
            "size", "low", "high", "loc", "scale", "lam", "n", "p", "a", "b", "shape", "seed",
        ],
        // getrandbits(k, /) is positional-only.
        Builtin::PyRandom(registry::PyRand::Getrandbits) => &[],
        Builtin::PyRandom(r) => registry::pyrand_params(r),
        Builtin::Linspace => &["num", "endpoint"],
        Builtin::Enumerate => &["start"],
        Builtin::Print => &["sep", "end", "flush"],
        Builtin::MathX(_) => &["rel_tol", "abs_tol"],
        Builtin::IsClose => &["rtol", "atol"],
        Builtin::Reduce(Reduce::Var | Reduce::Std | Reduce::NanVar | Reduce::NanStd) => {
            &["axis", "ddof", "keepdims"]
        }
        Builtin::Reduce(Reduce::Sum | Reduce::Prod | Reduce::Mean) => {
            &["axis", "keepdims", "dtype"]
        }
        Builtin::Reduce(_) => &["axis", "keepdims"],
        Builtin::LinAlg(f) => linalg::params(f).0,
        Builtin::Manip(f) => manip::keywords(f),
        Builtin::Gen(g) => generator::keywords(g),
        Builtin::List(f) => registry::list_keywords(f),
        Builtin::Dict(_) | Builtin::Text(_) => &[],
        Builtin::Arr(f) => registry::arr_keywords(f),
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
        | Builtin::TypeInfo { .. }
        | Builtin::ThreadInfo { .. }
        | Builtin::Isinstance
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
        | Builtin::Copy
        | Builtin::Fill
        | Builtin::Conjugate
        | Builtin::Where
        | Builtin::Ufunc2(_)
        | Builtin::UfuncCmp(_)
        | Builtin::CMath(_)
        | Builtin::Negative
        | Builtin::Clip
        | Builtin::MatMul
        | Builtin::NpExtremum { .. } => &[],
    }
}

/// The expression of keyword argument `name`, if given.
fn kwarg<'u>(kwargs: &[(String, &'u Expr)], name: &str) -> Option<&'u Expr> {
    kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

/// The type and expression of keyword argument `name`, if given.
fn kwarg_ty<'u>(cx: &Cx<'u>, kwargs: &[(String, &'u Expr)], name: &str) -> Option<(Ty, &'u Expr)> {
    kwargs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| (cx.expr_ty.get(&v.id).cloned().unwrap_or(Ty::Unknown), *v))
}

/// Whether a call's callee is spelled as a NumPy attribute (`np.maximum`),
/// which is element-wise, unlike the builtins `min`/`max`.
fn is_numpy_path(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { func, .. } => matches!(&func.kind, ExprKind::Attr(..)),
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Imag(_)
        | ExprKind::Bool(_)
        | ExprKind::NoneLit
        | ExprKind::Str(_)
        | ExprKind::Name(_)
        | ExprKind::Attr(..)
        | ExprKind::Bin(..)
        | ExprKind::Unary(..)
        | ExprKind::BoolOp(..)
        | ExprKind::Compare(..)
        | ExprKind::IfExp(..)
        | ExprKind::Subscript(..)
        | ExprKind::Slice(..)
        | ExprKind::Tuple(_)
        | ExprKind::List(_)
        | ExprKind::Lambda(_)
        | ExprKind::Unsupported(_) => false,
    }
}
