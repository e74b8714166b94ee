//! Strings: `str(x)`, `format(x, spec)` (f-strings are built from them by
//! the front end), string methods, `+`, `*`, comparisons and `in`,
//! indexing and slicing.

use crate::driver::{Checker, Cx};
use crate::registry::StrFn;
use oxjit_syntax::{BinOp, CmpOp, Diagnostic, Expr, ExprKind};
use oxjit_types::{Dtype, Ty};

fn is_int(t: &Ty) -> bool {
    matches!(t, Ty::Scalar(d) if d.is_int() || *d == Dtype::Bool)
}

impl<'u> Checker<'u> {
    /// The `StrFn` family; a method's receiver is `tys[0]`.
    pub(crate) fn str_fn_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: StrFn,
        tys: &[Ty],
        name: &str,
    ) -> Ty {
        if tys.iter().any(|t| !t.is_known()) {
            return Ty::Unknown;
        }
        let n = tys.len();
        let (lo, hi) = match f {
            StrFn::New | StrFn::Repr => (1, 1),
            StrFn::Format => (1, 2),
            StrFn::Join | StrFn::Startswith | StrFn::Endswith | StrFn::Count => (2, 2),
            StrFn::Find => (2, 4),
            StrFn::Replace => (3, 3),
            StrFn::Strip | StrFn::Lstrip | StrFn::Rstrip | StrFn::Split => (1, 2),
            StrFn::Upper
            | StrFn::Lower
            | StrFn::Isdigit
            | StrFn::Isalpha
            | StrFn::Isspace
            | StrFn::Isupper
            | StrFn::Islower
            | StrFn::Isalnum => (1, 1),
        };
        let shift = usize::from(!matches!(f, StrFn::New | StrFn::Format | StrFn::Repr));
        if !self.arity(cx, e, name, n - shift, lo - shift, hi - shift) {
            return Ty::Unknown;
        }
        let strs = |k: std::ops::Range<usize>| {
            tys[k.start.min(n)..k.end.min(n)]
                .iter()
                .all(|t| *t == Ty::Str)
        };
        match f {
            StrFn::New | StrFn::Repr if matches!(&tys[0], Ty::Scalar(_) | Ty::Str) => Ty::Str,
            StrFn::New | StrFn::Repr => self.no_match(cx, e, name, tys, "(number), (bool), (str)"),
            StrFn::Format => match (&tys[0], tys.get(1)) {
                (Ty::Scalar(d), None | Some(Ty::Str)) if !d.is_complex() => Ty::Str,
                (Ty::Str, None | Some(Ty::Str)) => Ty::Str,
                _ => self.no_match(cx, e, name, tys, "(real number or str[, spec: str])"),
            },
            StrFn::Join if matches!(&tys[1], Ty::List(t) if **t == Ty::Str || **t == Ty::Unknown) => {
                Ty::Str
            }
            StrFn::Join => self.no_match(cx, e, name, tys, "(list of str)"),
            StrFn::Upper | StrFn::Lower => Ty::Str,
            StrFn::Strip | StrFn::Lstrip | StrFn::Rstrip | StrFn::Replace if strs(1..n) => Ty::Str,
            StrFn::Split if strs(1..n) => Ty::List(Box::new(Ty::Str)),
            StrFn::Startswith | StrFn::Endswith if strs(1..2) => Ty::BOOL,
            StrFn::Count if strs(1..2) => Ty::I64,
            StrFn::Find if strs(1..2) && tys[2..].iter().all(is_int) => Ty::I64,
            StrFn::Isdigit
            | StrFn::Isalpha
            | StrFn::Isspace
            | StrFn::Isupper
            | StrFn::Islower
            | StrFn::Isalnum => Ty::BOOL,
            StrFn::Strip
            | StrFn::Lstrip
            | StrFn::Rstrip
            | StrFn::Replace
            | StrFn::Split
            | StrFn::Startswith
            | StrFn::Endswith
            | StrFn::Count
            | StrFn::Find => self.no_match(cx, e, name, tys, "string arguments"),
        }
    }

    /// `s[i]` and `s[a:b]`: a string.
    pub(crate) fn str_subscript(&mut self, cx: &Cx<'u>, index: &Expr, it: &Ty) -> Ty {
        if let ExprKind::Slice(..) = &index.kind {
            return Ty::Str;
        }
        if is_int(it) || !it.is_known() {
            return Ty::Str;
        }
        let d = Diagnostic::error(
            "bad-index",
            index.span,
            format!("string indices must be integers or slices, not {it}"),
        );
        self.err(cx, d);
        Ty::Unknown
    }

    /// `a + b`, `s * n` (None when no side is a string).
    pub(crate) fn str_binop(&self, l: &Ty, r: &Ty, op: BinOp) -> Option<Option<Ty>> {
        if *l != Ty::Str && *r != Ty::Str {
            return None;
        }
        Some(match (op, l, r) {
            (BinOp::Add, Ty::Str, Ty::Str) => Some(Ty::Str),
            (BinOp::Mul, Ty::Str, n) | (BinOp::Mul, n, Ty::Str) if is_int(n) => Some(Ty::Str),
            _ => None,
        })
    }

    /// Comparisons of strings and `sub in s` (None when no side is a string).
    pub(crate) fn str_compare(&self, l: &Ty, r: &Ty, op: CmpOp) -> Option<bool> {
        let none = matches!(l, Ty::NoneType | Ty::Optional(_))
            || matches!(r, Ty::NoneType | Ty::Optional(_));
        if (*l != Ty::Str && *r != Ty::Str) || none || matches!(op, CmpOp::Is | CmpOp::IsNot) {
            return None;
        }
        Some(match op {
            CmpOp::In | CmpOp::NotIn => *l == Ty::Str && *r == Ty::Str,
            CmpOp::Is | CmpOp::IsNot => false,
            CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                *l == Ty::Str && *r == Ty::Str
            }
        })
    }
}
