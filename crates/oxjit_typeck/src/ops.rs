//! Operators: arithmetic, comparison and matrix products, NumPy's array
//! dtype rules, and ufuncs writing into an `out` array.

use crate::builtins::CallSite;
use crate::call::call_args;
use crate::driver::{Checker, Cx};
use crate::program::{Arg, Call, Callee, Res};
use crate::registry::{self, Builtin};
use crate::words::count;
use oxjit_syntax::{BinOp, CmpOp, Diagnostic, Expr, Span};
use oxjit_types::{promote_arith, promote_truediv, ArrayTy, Dtype, Kind, Layout, Ty};

impl<'u> Checker<'u> {
    pub(crate) fn binop_ty(&mut self, cx: &Cx<'u>, op: BinOp, l: &Ty, r: &Ty, span: Span) -> Ty {
        if let Some(t) = self.list_binop(l, r, op) {
            return t.unwrap_or_else(|| self.bad_binop(cx, op, l, r, span));
        }
        if let Some(t) = self.dict_binop(l, r, op) {
            return t.unwrap_or_else(|| self.bad_binop(cx, op, l, r, span));
        }
        if let Some(t) = self.str_binop(l, r, op) {
            return t.unwrap_or_else(|| self.bad_binop(cx, op, l, r, span));
        }
        match (l, r) {
            (Ty::Unknown, _) | (_, Ty::Unknown) => Ty::Unknown,
            (Ty::Scalar(a), Ty::Scalar(b)) => {
                let (a, b) = (*a, *b);
                match op {
                    BinOp::Div => Ty::Scalar(promote_truediv(a, b)),
                    BinOp::Pow => {
                        // int ** int stays int (a negative exponent raises at run time).
                        Ty::Scalar(promote_arith(a, b))
                    }
                    BinOp::LShift | BinOp::RShift => {
                        if (a.is_int() || a == Dtype::Bool) && (b.is_int() || b == Dtype::Bool) {
                            return Ty::Scalar(promote_arith(a, b));
                        }
                        self.bad_binop(cx, op, l, r, span)
                    }
                    BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
                        if a == Dtype::Bool && b == Dtype::Bool {
                            Ty::BOOL
                        } else if (a.is_int() || a == Dtype::Bool)
                            && (b.is_int() || b == Dtype::Bool)
                        {
                            Ty::Scalar(promote_arith(a, b))
                        } else {
                            self.bad_binop(cx, op, l, r, span)
                        }
                    }
                    BinOp::FloorDiv | BinOp::Mod => {
                        if a.is_complex() || b.is_complex() {
                            self.bad_binop(cx, op, l, r, span)
                        } else {
                            Ty::Scalar(promote_arith(a, b))
                        }
                    }
                    BinOp::MatMul => self.bad_binop(cx, op, l, r, span),
                    BinOp::Add | BinOp::Sub | BinOp::Mul => Ty::Scalar(promote_arith(a, b)),
                }
            }
            (Ty::Tuple(a), Ty::Tuple(b)) if op == BinOp::Add => {
                Ty::Tuple(a.iter().chain(b.iter()).cloned().collect())
            }
            (Ty::Array(_), Ty::Array(_) | Ty::Scalar(_)) | (Ty::Scalar(_), Ty::Array(_)) => {
                if op == BinOp::MatMul {
                    return self.matmul_ty(cx, l, r, span);
                }
                // Element type: the scalar rule on the element types, keeping
                // the array's dtype when a scalar operand is of a lower or
                // equal kind (NumPy's scalar rule).
                let (da, db) = (elem_dtype(l), elem_dtype(r));
                if op == BinOp::Sub && da == Dtype::Bool && db == Dtype::Bool {
                    let d = Diagnostic::error(
                        "no-matching-operator",
                        span,
                        "NumPy does not subtract booleans: use `^` (`np.logical_xor`) instead of `-`",
                    );
                    self.err(cx, d);
                    return Ty::Unknown;
                }
                let Some(et) = self.binop_ty_quiet(op, da, db) else {
                    return self.bad_binop(cx, op, l, r, span);
                };
                let d = array_result_dtype(op, l, r, et);
                Ty::Array(ArrayTy::new(d, array_ndim(l).max(array_ndim(r)), Layout::C))
            }
            _ => self.bad_binop(cx, op, l, r, span),
        }
    }

    /// The scalar result dtype of `op`, or None when the operator does not apply.
    pub(crate) fn binop_ty_quiet(&mut self, op: BinOp, a: Dtype, b: Dtype) -> Option<Dtype> {
        let saved = std::mem::take(&mut self.diags);
        let cx = Cx::default();
        let t = self.binop_ty(&cx, op, &Ty::Scalar(a), &Ty::Scalar(b), Span::default());
        self.diags = saved;
        t.scalar()
    }

    /// `a @ b` / `np.dot(a, b)`: vectors and matrices of any numeric dtype.
    pub(crate) fn matmul_ty(&mut self, cx: &Cx<'u>, l: &Ty, r: &Ty, span: Span) -> Ty {
        let (Ty::Array(a), Ty::Array(b)) = (l, r) else {
            return self.bad_binop(cx, BinOp::MatMul, l, r, span);
        };
        let d = oxjit_types::promote_numpy(a.dtype, b.dtype);
        if a.ndim == 0 || b.ndim == 0 || a.ndim > 2 || b.ndim > 2 {
            let d = Diagnostic::unsupported(
                span,
                format!("matrix products of {l} and {r} are not supported yet"),
            )
            .with_note("supported: vectors and matrices (1-d and 2-d) of any numeric dtype");
            self.err(cx, d);
            return Ty::Unknown;
        }
        match (a.ndim, b.ndim) {
            (1, 1) => Ty::Scalar(d),
            (2, 2) => registry::array_of(d, 2),
            _ => registry::array_of(d, 1),
        }
    }

    fn bad_binop(&mut self, cx: &Cx<'u>, op: BinOp, l: &Ty, r: &Ty, span: Span) -> Ty {
        let d = Diagnostic::error(
            "no-matching-operator",
            span,
            format!("unsupported operand types for {}: {l} and {r}", op.symbol()),
        );
        self.err(cx, d);
        Ty::Unknown
    }

    pub(crate) fn compare_ty(&mut self, cx: &Cx<'u>, op: CmpOp, l: &Ty, r: &Ty, span: Span) -> Ty {
        // A named tuple compares as the tuple of its items (as in Python).
        let (l, r) = (&l.clone().plain_tuple(), &r.clone().plain_tuple());
        let known = self
            .list_compare(l, r, op)
            .or_else(|| self.dict_compare(l, r, op));
        match known.or_else(|| self.str_compare(l, r, op)) {
            Some(true) => return Ty::BOOL,
            Some(false) => {
                let d = Diagnostic::error(
                    "no-matching-operator",
                    span,
                    format!(
                        "unsupported comparison `{}` between {l} and {r}",
                        op.symbol()
                    ),
                )
                .with_note(
                    "lists compare (`==`, `in`) when their items are numbers, strings or tuples of them",
                );
                self.err(cx, d);
                return Ty::BOOL;
            }
            None => {}
        }
        match (op, l, r) {
            (_, Ty::Unknown, _) | (_, _, Ty::Unknown) => Ty::BOOL,
            (CmpOp::Is | CmpOp::IsNot, _, _) => Ty::BOOL,
            (CmpOp::Eq | CmpOp::Ne, Ty::Scalar(_), Ty::Scalar(_)) => Ty::BOOL,
            (CmpOp::Eq | CmpOp::Ne, Ty::NoneType, _) | (CmpOp::Eq | CmpOp::Ne, _, Ty::NoneType) => {
                Ty::BOOL
            }
            (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge, Ty::Scalar(a), Ty::Scalar(b))
                if !a.is_complex() && !b.is_complex() =>
            {
                Ty::BOOL
            }
            (CmpOp::Eq | CmpOp::Ne, Ty::Tuple(a), Ty::Tuple(b)) if a.len() == b.len() => Ty::BOOL,
            (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge, Ty::Tuple(_), Ty::Tuple(_))
                if tuples_order(l, r) =>
            {
                Ty::BOOL
            }
            (CmpOp::In | CmpOp::NotIn, Ty::Scalar(_), Ty::Tuple(items))
                if items.iter().all(|t| matches!(t, Ty::Scalar(_))) =>
            {
                Ty::BOOL
            }
            (
                CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge,
                Ty::Array(_),
                Ty::Array(_) | Ty::Scalar(_),
            )
            | (
                CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge,
                Ty::Scalar(_),
                Ty::Array(_),
            ) => Ty::Array(ArrayTy::new(
                Dtype::Bool,
                array_ndim(l).max(array_ndim(r)),
                Layout::C,
            )),
            _ => {
                let d = Diagnostic::error(
                    "no-matching-operator",
                    span,
                    format!(
                        "unsupported comparison `{}` between {l} and {r}",
                        op.symbol()
                    ),
                );
                self.err(cx, d);
                Ty::BOOL
            }
        }
    }

    /// A ufunc called with an output array (`np.add(a, b, out)`,
    /// `np.sqrt(x, out=o)`): the result is written into `out` and the call
    /// returns it. None when `b` is not a ufunc or the call has no output
    /// argument. `name` is the path the user called (`numpy.sqrt`).
    pub(crate) fn ufunc_out(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        kw: &[(String, &'u Expr)],
        name: &str,
    ) -> Option<Ty> {
        let nin = registry::ufunc_nin(b)?;
        let args = call_args(e);
        let out_kw = kw.iter().find(|(k, _)| k == "out").map(|(_, v)| *v);
        let (out_e, out_t) = match (tys.len() > nin, out_kw) {
            (true, _) => (&args[nin], tys[nin].clone()),
            (false, Some(v)) => (v, cx.expr_ty.get(&v.id).cloned().unwrap_or(Ty::Unknown)),
            (false, None) => return None,
        };
        if tys.len() > nin + 1 || (tys.len() > nin && out_kw.is_some()) {
            self.arity(cx, e, name, tys.len(), nin, nin + 1);
            return Some(Ty::Unknown);
        }
        let rest: Vec<(String, &'u Expr)> =
            kw.iter().filter(|(k, _)| k != "out").cloned().collect();
        let site = CallSite {
            name,
            method: false,
        };
        let inner = self.builtin_ty(cx, e, b, &tys[..nin.min(tys.len())], &rest, site);
        let Ty::Array(o) = out_t.clone() else {
            if out_t.is_known() {
                let d = Diagnostic::error(
                    "bad-argument",
                    out_e.span,
                    format!("{name}: out must be an array, not {out_t}"),
                );
                self.err(cx, d);
            }
            return Some(Ty::Unknown);
        };
        let d = match &inner {
            Ty::Scalar(d) => *d,
            Ty::Array(a) => a.dtype,
            Ty::NoneType
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
            | Ty::Unknown => return Some(Ty::Unknown),
        };
        let rank = array_ndim(&inner);
        // NumPy's same_kind casting of the result into out.
        let kind_rank = |d: Dtype| match d.kind() {
            Kind::Bool => 0,
            Kind::Unsigned | Kind::Signed => 1,
            Kind::Float => 2,
            Kind::Complex => 3,
        };
        let problem = if o.readonly {
            Some("out is read-only".to_string())
        } else if o.ndim < rank {
            Some(format!(
                "out has {} but the result has {rank}",
                count(o.ndim as usize, "dimension")
            ))
        } else if kind_rank(d) > kind_rank(o.dtype) {
            Some(format!(
                "Cannot cast ufunc '{}' output from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                name.rsplit('.').next().unwrap_or(name),
                d.name(),
                o.dtype.name()
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            let dd = Diagnostic::error("bad-argument", out_e.span, format!("{name}: {p}"));
            self.err(cx, dd);
            return Some(Ty::Unknown);
        }
        let mut all: Vec<Arg<'u>> = args.iter().map(Arg::Expr).collect();
        if all.len() == nin {
            all.push(Arg::Expr(out_e));
        }
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::UfuncOut { b, dtype: d },
                args: all,
                kwargs: rest,
            }),
        );
        Some(out_t)
    }
}

pub(crate) fn elem_dtype(t: &Ty) -> Dtype {
    match t {
        Ty::Array(a) => a.dtype,
        Ty::Scalar(d) => *d,
        Ty::NoneType
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
        | Ty::Unknown => Dtype::F64,
    }
}

pub(crate) fn array_ndim(t: &Ty) -> u8 {
    match t {
        Ty::Array(a) => a.ndim,
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
        | Ty::Unknown => 0,
    }
}

pub(crate) fn kind_rank(d: Dtype) -> u8 {
    match d.kind() {
        Kind::Bool => 0,
        Kind::Signed | Kind::Unsigned => 1,
        Kind::Float => 2,
        Kind::Complex => 3,
    }
}

/// Element dtype of an array expression `l op r` whose scalar rule gives `et`.
pub(crate) fn array_result_dtype(op: BinOp, l: &Ty, r: &Ty, et: Dtype) -> Dtype {
    let floaty = |d: Dtype| {
        if op == BinOp::Div && !d.is_float() && !d.is_complex() {
            Dtype::F64
        } else {
            d
        }
    };
    let cmp_bool = |d: Dtype| {
        if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) && et == Dtype::Bool {
            Dtype::Bool
        } else {
            d
        }
    };
    // NumPy's //, % and ** have no boolean loops: booleans go to int8.
    let arith_bool = |d: Dtype| {
        if d == Dtype::Bool && matches!(op, BinOp::FloorDiv | BinOp::Mod | BinOp::Pow) {
            Dtype::I8
        } else {
            d
        }
    };
    match (l, r) {
        (Ty::Array(a), Ty::Array(b)) => arith_bool(cmp_bool(floaty(oxjit_types::promote_numpy(
            a.dtype, b.dtype,
        )))),
        (Ty::Array(a), Ty::Scalar(s)) | (Ty::Scalar(s), Ty::Array(a)) => {
            if kind_rank(*s) <= kind_rank(a.dtype) {
                arith_bool(cmp_bool(floaty(a.dtype)))
            } else if s.is_complex() && a.dtype.is_float() {
                // A Python complex is weak (NEP 50): a float32 array gives complex64.
                if a.dtype == Dtype::F32 {
                    Dtype::C64
                } else {
                    Dtype::C128
                }
            } else {
                floaty(oxjit_types::promote_numpy(a.dtype, *s))
            }
        }
        _ => et,
    }
}

/// Whether tuples `a` and `b` order (`<`): item by item, real numbers with
/// real numbers, strings with strings, tuples with tuples that order.
fn tuples_order(a: &Ty, b: &Ty) -> bool {
    match (a.clone().plain_tuple(), b.clone().plain_tuple()) {
        (Ty::Tuple(xs), Ty::Tuple(ys)) => xs.iter().zip(&ys).all(|(x, y)| tuples_order(x, y)),
        (Ty::Scalar(x), Ty::Scalar(y)) => !x.is_complex() && !y.is_complex(),
        (x, y) => x == Ty::Str && y == Ty::Str,
    }
}
