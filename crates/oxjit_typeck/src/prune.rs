//! Constant folding and dead-branch pruning: `if` tests decided by types,
//! constant defaults and globals, constant tuple slices.

use crate::driver::Checker;
use crate::program::{Const, Res};
use oxjit_syntax::{CmpOp, Expr, ExprKind, GlobalValue, Stmt, StmtKind, UnOp};
use oxjit_types::Ty;
use rustc_hash::FxHashMap;

/// The value of an `if` test that is decided by types alone: `x is None`,
/// `x is not None` (and `not` of those) for a variable whose type is known.
pub fn static_truth(test: &Expr, vars: &FxHashMap<String, Ty>) -> Option<bool> {
    match &test.kind {
        ExprKind::Unary(UnOp::Not, x) => static_truth(x, vars).map(|b| !b),
        ExprKind::Compare(l, rest) if rest.len() == 1 => {
            let (op, r) = (&rest[0].0, &rest[0].1);
            // Only `is`/`is not` decide a test by type: other operators take the default.
            #[allow(clippy::wildcard_enum_match_arm)]
            let is = match op {
                CmpOp::Is => true,
                CmpOp::IsNot => false,
                _ => return None,
            };
            let var_ty = |e: &Expr| match &e.kind {
                ExprKind::Name(n) => vars.get(n).cloned(),
                ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Imag(_)
                | ExprKind::Bool(_)
                | ExprKind::NoneLit
                | ExprKind::Str(_)
                | ExprKind::Attr(..)
                | ExprKind::Bin(..)
                | ExprKind::Unary(..)
                | ExprKind::BoolOp(..)
                | ExprKind::Compare(..)
                | ExprKind::IfExp(..)
                | ExprKind::Call { .. }
                | ExprKind::Subscript(..)
                | ExprKind::Slice(..)
                | ExprKind::Tuple(_)
                | ExprKind::List(_)
                | ExprKind::Lambda(_)
                | ExprKind::Unsupported(_) => None,
            };
            let t = match (&l.kind, &r.kind) {
                (_, ExprKind::NoneLit) => var_ty(l)?,
                (ExprKind::NoneLit, _) => var_ty(r)?,
                _ => return None,
            };
            // An optional value is tested at run time.
            if !t.is_known() || matches!(t, Ty::Optional(_)) {
                return None;
            }
            Some((t == Ty::NoneType) == is)
        }
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
        | ExprKind::Call { .. }
        | ExprKind::Subscript(..)
        | ExprKind::Slice(..)
        | ExprKind::Tuple(_)
        | ExprKind::List(_)
        | ExprKind::Lambda(_)
        | ExprKind::Unsupported(_) => None,
    }
}

/// Whether `s` is an `if` decided by types whose live branch always returns,
/// making the statements after it dead.
pub fn pruned_exit(s: &Stmt, vars: &FxHashMap<String, Ty>) -> bool {
    match &s.kind {
        StmtKind::If { test, body, orelse } => match static_truth(test, vars) {
            Some(true) => ends_in_return(body),
            Some(false) => ends_in_return(orelse),
            None => false,
        },
        StmtKind::Assign { .. }
        | StmtKind::AugAssign { .. }
        | StmtKind::Expr(_)
        | StmtKind::Return(_)
        | StmtKind::While { .. }
        | StmtKind::For { .. }
        | StmtKind::Break
        | StmtKind::Continue
        | StmtKind::Pass
        | StmtKind::Raise(_)
        | StmtKind::Assert { .. }
        | StmtKind::FuncDef(_)
        | StmtKind::Try { .. }
        | StmtKind::Unsupported(_) => false,
    }
}

pub(crate) fn ends_in_return(body: &[Stmt]) -> bool {
    match body.last().map(|s| &s.kind) {
        Some(StmtKind::Return(_)) | Some(StmtKind::Raise(_)) => true,
        Some(StmtKind::If { body, orelse, .. }) => ends_in_return(body) && ends_in_return(orelse),
        Some(StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        }) => {
            ends_in_return(finalbody)
                || ((ends_in_return(body) || ends_in_return(orelse))
                    && handlers.iter().all(|h| ends_in_return(&h.body)))
        }
        Some(StmtKind::While { test, .. }) => {
            matches!(test.kind, ExprKind::Bool(true)) || matches!(test.kind, ExprKind::Int(1))
        }
        _ => false,
    }
}

/// The item indices of `t[lo:hi:step]` for a tuple of `n` items, when every
/// bound is absent or a constant int (Python's slice rules).
pub fn tuple_slice(n: usize, bounds: [Option<Option<&Res<'_>>>; 3]) -> Option<Vec<usize>> {
    let get = |b: Option<Option<&Res<'_>>>| -> Option<Option<i64>> {
        match b {
            None => Some(None),
            Some(Some(Res::Const(Const::Int(v)))) => Some(Some(*v)),
            Some(Some(Res::Const(Const::None))) => Some(None),
            _ => None,
        }
    };
    let [lo, hi, st] = bounds;
    let (lo, hi, st) = (get(lo)?, get(hi)?, get(st)?.unwrap_or(1));
    if st == 0 {
        return None;
    }
    let n = n as i64;
    let norm = |v: Option<i64>, dflt: i64, lo_clamp: i64, hi_clamp: i64| match v {
        None => dflt,
        Some(v) => {
            let v = if v < 0 { v + n } else { v };
            v.clamp(lo_clamp, hi_clamp)
        }
    };
    let mut out = Vec::new();
    if st > 0 {
        let (a, b) = (norm(lo, 0, 0, n), norm(hi, n, 0, n));
        let mut i = a;
        while i < b {
            out.push(i as usize);
            i += st;
        }
    } else {
        let (a, b) = (norm(lo, n - 1, -1, n - 1), norm(hi, -1, -1, n - 1));
        let mut i = a;
        while i > b {
            out.push(i as usize);
            i += st;
        }
    }
    Some(out)
}

pub(crate) fn global_to_const(g: &GlobalValue) -> Option<Const> {
    Some(match g {
        GlobalValue::Int(v) => Const::Int(i64::try_from(*v).ok()?),
        GlobalValue::Float(v) => Const::Float(*v),
        GlobalValue::Complex(r, i) => Const::Complex(*r, *i),
        GlobalValue::Bool(b) => Const::Bool(*b),
        GlobalValue::None => Const::None,
        GlobalValue::Str(s) => Const::Str(s.clone()),
        GlobalValue::Tuple(xs) => {
            Const::Tuple(xs.iter().map(global_to_const).collect::<Option<_>>()?)
        }
        GlobalValue::Module(_)
        | GlobalValue::Builtin(_)
        | GlobalValue::Function(_)
        | GlobalValue::Dtype(_)
        | GlobalValue::ExcClass(_)
        | GlobalValue::UserExc(..)
        | GlobalValue::Array(_)
        | GlobalValue::NamedTupleClass { .. }
        | GlobalValue::NamedTuple { .. }
        | GlobalValue::Class(_)
        | GlobalValue::Unsupported(_)
        | GlobalValue::Missing => return None,
    })
}

impl<'u> Checker<'u> {
    pub(crate) fn const_eval(&self, e: &Expr, env_of: u32) -> Option<Const> {
        Some(match &e.kind {
            ExprKind::Int(v) => Const::Int(i64::try_from(*v).ok()?),
            ExprKind::Float(v) => Const::Float(*v),
            ExprKind::Imag(v) => Const::Complex(0.0, *v),
            ExprKind::Bool(b) => Const::Bool(*b),
            ExprKind::NoneLit => Const::None,
            ExprKind::Str(s) => Const::Str(s.clone()),
            ExprKind::Tuple(xs) => Const::Tuple(
                xs.iter()
                    .map(|x| self.const_eval(x, env_of))
                    .collect::<Option<_>>()?,
            ),
            ExprKind::Unary(UnOp::Neg, x) => match self.const_eval(x, env_of)? {
                Const::Int(v) => Const::Int(v.checked_neg()?),
                Const::Float(v) => Const::Float(-v),
                Const::Complex(..)
                | Const::Bool(_)
                | Const::None
                | Const::Str(_)
                | Const::Tuple(_) => return None,
            },
            ExprKind::Name(n) => global_to_const(self.unit.functions[env_of as usize].env.get(n)?)?,
            ExprKind::Attr(..)
            | ExprKind::Bin(..)
            | ExprKind::Unary(..)
            | ExprKind::BoolOp(..)
            | ExprKind::Compare(..)
            | ExprKind::IfExp(..)
            | ExprKind::Call { .. }
            | ExprKind::Subscript(..)
            | ExprKind::Slice(..)
            | ExprKind::List(_)
            | ExprKind::Lambda(_)
            | ExprKind::Unsupported(_) => return None,
        })
    }
}
