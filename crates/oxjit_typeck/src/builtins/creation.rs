//! Array creation from a shape or a range, `copy` and `fill`.

use crate::builtins::kwarg_ty;
use crate::call::call_args;
use crate::driver::{Checker, Cx};
use crate::program::Const;
use crate::registry::{self, Alloc, Builtin};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{promote_arith, ArrayTy, Dtype, Layout, Ty};

impl<'u> Checker<'u> {
    /// Array creation (`np.empty`/`zeros`/`ones`/`full` and `_like`, `arange`,
    /// `linspace`, `copy`) and `a.fill(v)`.
    pub(super) fn creation_ty(
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
            Builtin::Alloc(kind) => self.alloc_ty(cx, e, kind, tys, kwargs, name),
            Builtin::AllocLike(kind) => {
                let want = if kind == Alloc::Full { 2 } else { 1 };
                if !self.arity(cx, e, name, n, want, want + 1) {
                    return Ty::Unknown;
                }
                let Ty::Array(a) = &tys[0] else {
                    return self.no_match(cx, e, name, tys, "(array)");
                };
                let dtype = match kwarg_ty(cx, kwargs, "dtype")
                    .or_else(|| tys.get(want).cloned().map(|t| (t, &call_args(e)[want])))
                {
                    None => a.dtype,
                    Some((t, ex)) => match self.dtype_arg(cx, Some(&t), ex) {
                        Some(d) => d,
                        None => {
                            let d = Diagnostic::error(
                                "bad-dtype",
                                ex.span,
                                "dtype= must be known at compile time",
                            );
                            self.err(cx, d);
                            return Ty::Unknown;
                        }
                    },
                };
                registry::array_of(dtype, a.ndim)
            }
            Builtin::Arange => {
                // A dtype may follow the numbers positionally: arange(0, n, 2, np.int8).
                let (tys, pos_dtype) = match tys.split_last() {
                    Some((Ty::DtypeObj(d), rest)) if !rest.is_empty() => (rest, Some(*d)),
                    Some((Ty::Global(p), rest)) if !rest.is_empty() => match registry::lookup(p) {
                        Some(Builtin::Cast(d)) => (rest, Some(d)),
                        _ => (tys, None),
                    },
                    _ => (tys, None),
                };
                let n = tys.len();
                if !self.arity(cx, e, name, n, 1, 3) {
                    return Ty::Unknown;
                }
                let mut d = Dtype::I64;
                if let Some(pd) = pos_dtype {
                    return registry::array_of(pd, 1);
                }
                for t in tys {
                    match scalar(t) {
                        Some(x) if x.is_float() => d = promote_arith(d, x).max(Dtype::F64),
                        Some(x) if x.is_int() => {}
                        _ => {
                            return self.no_match(
                                cx,
                                e,
                                name,
                                tys,
                                "(stop), (start, stop[, step]) of ints or floats",
                            )
                        }
                    }
                }
                if let Some((t, ex)) = kwarg_ty(cx, kwargs, "dtype") {
                    match self.dtype_arg(cx, Some(&t), ex) {
                        Some(x) => d = x,
                        None => return Ty::Unknown,
                    }
                }
                registry::array_of(d, 1)
            }
            Builtin::Linspace => {
                if !self.arity(cx, e, name, n, 2, 3) {
                    return Ty::Unknown;
                }
                for t in tys.iter().take(2) {
                    if scalar(t).is_none_or(|d| d.is_complex()) {
                        return self.no_match(cx, e, name, tys, "(start, stop[, num])");
                    }
                }
                if n == 3 {
                    self.expect_int(cx, &call_args(e)[2], &tys[2], "num");
                }
                if let Some((t, ex)) = kwarg_ty(cx, kwargs, "num") {
                    self.expect_int(cx, ex, &t, "num");
                }
                registry::array_of(Dtype::F64, 1)
            }
            Builtin::Copy => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match &tys[0] {
                    Ty::Array(a) => registry::array_of(a.dtype, a.ndim),
                    Ty::Scalar(_)
                    | Ty::NoneType
                    | Ty::Str
                    | Ty::Tuple(_)
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
                    | Ty::Unknown => self.no_match(cx, e, name, tys, "(array)"),
                }
            }
            Builtin::Fill => {
                if !self.arity(cx, e, name, n, 2, 2) {
                    return Ty::Unknown;
                }
                match (&tys[0], scalar(&tys[1])) {
                    (Ty::Array(a), Some(_)) if !a.readonly => Ty::NoneType,
                    _ => self.no_match(cx, e, name, tys, "(writable array, scalar)"),
                }
            }
            // (builtin_ty sends only the builtins above here)
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
            | Builtin::Print
            | Builtin::TypeInfo { .. }
            | Builtin::ThreadInfo { .. }
            | Builtin::Isinstance
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
            | Builtin::Reduce(_)
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

    /// `np.empty`/`zeros`/`ones`/`full` from a shape.
    fn alloc_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        kind: Alloc,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        name: &str,
    ) -> Ty {
        let n = tys.len();
        let scalar = |t: &Ty| t.scalar();
        let want = if kind == Alloc::Full { 2 } else { 1 };
        if !self.arity(cx, e, name, n, want, want + 1) {
            return Ty::Unknown;
        }
        let ndim = match &tys[0] {
            Ty::Scalar(d) if d.is_int() => 1,
            Ty::Tuple(items) if items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) => {
                items.len()
            }
            Ty::Scalar(_)
            | Ty::NoneType
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
            | Ty::Unknown => {
                return self.no_match(cx, e, name, tys, "(int), (tuple of ints) with dtype=")
            }
        };
        let dt_pos = want; // dtype may be positional after shape (and fill)
        let (dt_ty, dt_expr) = match (tys.get(dt_pos), kwarg_ty(cx, kwargs, "dtype")) {
            (Some(t), _) => (Some(t.clone()), Some(&call_args(e)[dt_pos])),
            (None, Some((t, ex))) => (Some(t), Some(ex)),
            (None, None) => (None, None),
        };
        let default = if kind == Alloc::Full {
            // np.full takes the fill value's type when no dtype is given.
            match scalar(&tys[1]) {
                Some(Dtype::Bool) => Dtype::Bool,
                Some(d) if d.is_int() => Dtype::I64,
                Some(d) if d.is_complex() => Dtype::C128,
                _ => Dtype::F64,
            }
        } else {
            Dtype::F64
        };
        let dtype = match dt_expr {
            None => default,
            Some(ex) => match self.dtype_arg(cx, dt_ty.as_ref(), ex) {
                Some(d) => d,
                None => {
                    let d = Diagnostic::error("bad-dtype", ex.span, "dtype= must be a NumPy dtype, a scalar type or a dtype name known at compile time");
                    self.err(cx, d);
                    return Ty::Unknown;
                }
            },
        };
        match self.arg_const(cx, e, usize::MAX, "order") {
            None => registry::array_of(dtype, ndim as u8),
            Some(Some(Const::Str(o))) if o == "C" => registry::array_of(dtype, ndim as u8),
            Some(Some(Const::Str(o))) if o == "F" => {
                if ndim > 1 {
                    Ty::Array(ArrayTy::new(dtype, ndim as u8, Layout::F))
                } else {
                    registry::array_of(dtype, ndim as u8)
                }
            }
            _ => {
                let d = Diagnostic::error(
                    "bad-argument",
                    e.span,
                    "order= must be the constant 'C' or 'F'",
                );
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }
}
