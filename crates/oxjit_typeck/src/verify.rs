//! The verifier of typed output: before lowering, every instance of a
//! `Program` must be complete — known argument, variable and return types, a
//! known type for every expression codegen will lower, and a resolution for
//! every call on a live path. Codegen then decides nothing about types. Run in
//! debug builds, in the tests, and when `OXJIT_VERIFY=1`.

use crate::program::{Instance, Program};
use oxjit_syntax::{Expr, ExprKind, Stmt, StmtKind};
use oxjit_types::Ty;

/// Check every instance; the first problem found, naming the function and the
/// expression's position.
pub fn verify(p: &Program<'_>) -> Result<(), String> {
    for (i, inst) in p.instances.iter().enumerate() {
        let t = &p.templates[inst.template as usize];
        let name = &t.qualname;
        let fail = |what: String| Err(format!("instance #{i} `{name}`: {what}"));
        if let Some(a) = inst.args.iter().position(|a| !a.is_known()) {
            return fail(format!("argument {a} has no known type"));
        }
        if !inst.ret.is_known() {
            return fail("the return type is unknown".into());
        }
        let mut v = Verifier {
            inst,
            problem: None,
        };
        v.block(&t.def.body);
        if let Some(problem) = v.problem {
            return fail(problem);
        }
    }
    Ok(())
}

/// Whether verification is on for this process (debug builds, or `OXJIT_VERIFY=1`).
pub fn enabled() -> bool {
    cfg!(debug_assertions) || std::env::var_os("OXJIT_VERIFY").is_some_and(|v| v != "0")
}

struct Verifier<'a, 'u> {
    inst: &'a Instance<'u>,
    problem: Option<String>,
}

impl Verifier<'_, '_> {
    fn report(&mut self, e: &Expr, what: &str) {
        if self.problem.is_none() {
            self.problem = Some(format!(
                "{what} at line {}, column {} ({})",
                e.span.line,
                e.span.col + 1,
                kind_name(&e.kind)
            ));
        }
    }

    fn block(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
            if self.inst.pruned_exit(s) {
                break;
            }
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                self.expr(value);
                targets.iter().for_each(|t| self.target(t));
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(value);
                self.target(target);
            }
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Return(v) | StmtKind::Raise(v) => v.iter().for_each(|e| self.expr(e)),
            StmtKind::If { test, body, orelse } => match self.inst.decided(test) {
                Some(true) => self.block(body),
                Some(false) => self.block(orelse),
                None => {
                    self.expr(test);
                    self.block(body);
                    self.block(orelse);
                }
            },
            StmtKind::While { test, body, orelse } => {
                self.expr(test);
                self.block(body);
                self.block(orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(iter);
                self.target(target);
                self.block(body);
                self.block(orelse);
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                msg.iter().for_each(|m| self.expr(m));
            }
            // An `except` clause's classes are resolved (`Res::Catch`), not lowered.
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.block(body);
                for h in handlers {
                    self.block(&h.body);
                }
                self.block(orelse);
                self.block(finalbody);
            }
            // An inner def is its own template; unsupported statements never
            // reach a typed program (they are diagnosed).
            StmtKind::FuncDef(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Unsupported(_) => {}
        }
    }

    /// An assignment target: names are variables (checked through their
    /// values); a subscript's array and index are lowered like expressions.
    fn target(&mut self, t: &Expr) {
        match &t.kind {
            ExprKind::Subscript(base, index) => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                items.iter().for_each(|i| self.target(i))
            }
            ExprKind::Name(n) => {
                if !self.inst.vars.get(n).is_some_and(|t| t.is_known()) {
                    self.report(t, &format!("variable `{n}` has no known type"));
                }
            }
            // A jitclass field (typed by its declaration) or property
            // setter, or a record's field.
            ExprKind::Attr(obj, _) => {
                if !matches!(self.inst.ty(obj), Ty::Instance(_) | Ty::Record(_)) {
                    self.report(t, "an attribute target of something other than an instance");
                }
                self.known(t);
                self.expr(obj);
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::NoneLit
            | ExprKind::Str(_)
            | ExprKind::Bin(..)
            | ExprKind::Unary(..)
            | ExprKind::BoolOp(..)
            | ExprKind::Compare(..)
            | ExprKind::IfExp(..)
            | ExprKind::Call { .. }
            | ExprKind::Slice(..)
            | ExprKind::Lambda(_)
            | ExprKind::Unsupported(_) => self.report(
                t,
                "an assignment target that is not a name, attribute, subscript or tuple",
            ),
        }
    }

    fn known(&mut self, e: &Expr) {
        if !self.inst.ty(e).is_known() {
            self.report(e, "an expression without a known type");
        }
    }

    fn expr(&mut self, e: &Expr) {
        if self.problem.is_some() {
            return;
        }
        match &e.kind {
            ExprKind::Call {
                func,
                args,
                star,
                kwargs,
            } => {
                if !self.inst.res.contains_key(&e.id) {
                    self.report(e, "a call without a resolution");
                }
                self.known(e);
                // The callee is resolved, not lowered as a value.
                let _ = func;
                args.iter().for_each(|a| self.expr(a));
                star.iter().for_each(|s| self.expr(s));
                kwargs.iter().for_each(|k| self.expr(&k.value));
            }
            ExprKind::Attr(obj, _) => {
                self.known(e);
                self.expr(obj);
            }
            ExprKind::Bin(_, l, r) => {
                self.known(e);
                self.expr(l);
                self.expr(r);
            }
            ExprKind::Unary(_, x) => {
                self.known(e);
                self.expr(x);
            }
            ExprKind::BoolOp(_, xs) | ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                self.known(e);
                xs.iter().for_each(|x| self.expr(x));
            }
            ExprKind::Compare(l, rest) => {
                self.known(e);
                self.expr(l);
                rest.iter().for_each(|(_, r)| self.expr(r));
            }
            ExprKind::IfExp(c, a, b) => {
                self.known(e);
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Subscript(base, index) => {
                self.known(e);
                self.expr(base);
                self.expr(index);
            }
            // Slice bounds are lowered where the slice is used.
            ExprKind::Slice(lo, hi, st) => {
                [lo, hi, st]
                    .into_iter()
                    .flatten()
                    .for_each(|b| self.expr(b));
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::NoneLit
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::Lambda(_) => self.known(e),
            ExprKind::Unsupported(_) => self.report(e, "an unsupported expression"),
        }
    }
}

fn kind_name(k: &ExprKind) -> &'static str {
    match k {
        ExprKind::Int(_) => "int literal",
        ExprKind::Float(_) => "float literal",
        ExprKind::Imag(_) => "imaginary literal",
        ExprKind::Bool(_) => "bool literal",
        ExprKind::NoneLit => "None",
        ExprKind::Str(_) => "string literal",
        ExprKind::Name(_) => "name",
        ExprKind::Attr(..) => "attribute",
        ExprKind::Bin(..) => "binary operator",
        ExprKind::Unary(..) => "unary operator",
        ExprKind::BoolOp(..) => "and/or",
        ExprKind::Compare(..) => "comparison",
        ExprKind::IfExp(..) => "conditional expression",
        ExprKind::Call { .. } => "call",
        ExprKind::Subscript(..) => "subscript",
        ExprKind::Slice(..) => "slice",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) => "list",
        ExprKind::Lambda(_) => "lambda",
        ExprKind::Unsupported(_) => "unsupported expression",
    }
}
