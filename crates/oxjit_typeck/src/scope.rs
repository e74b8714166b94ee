//! Python's scoping rules: local names, names read, closures' captures.

use crate::driver::{Checker, Cx};
use crate::program::Template;
use oxjit_syntax::{Expr, ExprKind, FuncDef, Stmt, StmtKind};
use rustc_hash::FxHashSet;

/// One way a body binds names.
pub enum Binding<'a> {
    /// `target = value` (each target of `a = b = value`).
    Assign { target: &'a Expr, value: &'a Expr },
    /// A target bound by something else: augmented assignment, `for`.
    Target(&'a Expr),
    /// A name bound by `def` or `except ... as`.
    Name(&'a str),
}

/// Every binding in a body, nested blocks included (nested functions are
/// not entered: their names are theirs).
pub fn for_each_binding<'a>(body: &'a [Stmt], f: &mut dyn FnMut(Binding<'a>)) {
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets, value } => targets
                .iter()
                .for_each(|target| f(Binding::Assign { target, value })),
            StmtKind::AugAssign { target, .. } => f(Binding::Target(target)),
            StmtKind::For {
                target,
                body,
                orelse,
                ..
            } => {
                f(Binding::Target(target));
                for_each_binding(body, f);
                for_each_binding(orelse, f);
            }
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                for_each_binding(body, f);
                for_each_binding(orelse, f);
            }
            StmtKind::FuncDef(d) => f(Binding::Name(&d.name)),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                for_each_binding(body, f);
                for h in handlers {
                    if let Some(n) = &h.name {
                        f(Binding::Name(n));
                    }
                    for_each_binding(&h.body, f);
                }
                for_each_binding(orelse, f);
                for_each_binding(finalbody, f);
            }
            StmtKind::Expr(_)
            | StmtKind::Return(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Raise(_)
            | StmtKind::Assert { .. }
            | StmtKind::Unsupported(_) => {}
        }
    }
}

/// The names a target binds: a name, or nested tuples and lists of them.
pub fn target_names<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a str)) {
    match &e.kind {
        ExprKind::Name(n) => f(n),
        ExprKind::Tuple(xs) | ExprKind::List(xs) => xs.iter().for_each(|x| target_names(x, f)),
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
        | ExprKind::Lambda(_)
        | ExprKind::Unsupported(_) => {}
    }
}

/// Names assigned anywhere in a body (Python's local-scope rule).
pub fn assigned_names(body: &[Stmt], out: &mut FxHashSet<String>) {
    for_each_binding(body, &mut |b| match b {
        Binding::Assign { target, .. } | Binding::Target(target) => {
            target_names(target, &mut |n| {
                out.insert(n.to_string());
            })
        }
        Binding::Name(n) => {
            out.insert(n.to_string());
        }
    });
}

/// Names an expression reads.
fn read_expr(e: &Expr, out: &mut FxHashSet<String>) {
    e.walk(&mut |x| match &x.kind {
        ExprKind::Name(n) => {
            out.insert(n.clone());
        }
        // What a nested function reads of its enclosing scopes: not
        // its own parameters and locals.
        ExprKind::Lambda(d) => out.extend(free_names(d)),
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
        | ExprKind::Unsupported(_) => {}
    });
}
/// Names a block of statements reads.
pub(crate) fn read_stmts(b: &[Stmt], out: &mut FxHashSet<String>) {
    for s in b {
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                targets.iter().for_each(|t| read_expr(t, out));
                read_expr(value, out)
            }
            StmtKind::AugAssign { target, value, .. } => {
                read_expr(target, out);
                read_expr(value, out)
            }
            StmtKind::Expr(e) | StmtKind::Return(Some(e)) | StmtKind::Raise(Some(e)) => {
                read_expr(e, out)
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                read_expr(test, out);
                read_stmts(body, out);
                read_stmts(orelse, out)
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                read_expr(target, out);
                read_expr(iter, out);
                read_stmts(body, out);
                read_stmts(orelse, out)
            }
            StmtKind::Assert { test, msg } => {
                read_expr(test, out);
                if let Some(m) = msg {
                    read_expr(m, out)
                }
            }
            StmtKind::FuncDef(d) => read_names(d, out),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                read_stmts(body, out);
                for h in handlers {
                    if let Some(c) = &h.class {
                        read_expr(c, out)
                    }
                    read_stmts(&h.body, out)
                }
                read_stmts(orelse, out);
                read_stmts(finalbody, out)
            }
            StmtKind::Return(None)
            | StmtKind::Raise(None)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Unsupported(_) => {}
        }
    }
}
/// Names read anywhere in a function (for closure capture).
fn read_names(def: &FuncDef, out: &mut FxHashSet<String>) {
    read_stmts(&def.body, out);
    for p in &def.params {
        if let Some(d) = &p.default {
            read_expr(d, out)
        }
    }
}

/// The names a function reads that are not its parameters or locals.
fn free_names(d: &FuncDef) -> FxHashSet<String> {
    let mut reads = FxHashSet::default();
    read_names(d, &mut reads);
    let mut own = FxHashSet::default();
    assigned_names(&d.body, &mut own);
    for p in &d.params {
        own.insert(p.name.clone());
    }
    own.extend(d.vararg.clone());
    reads.retain(|n| !own.contains(n));
    reads
}

impl<'u> Checker<'u> {
    pub(crate) fn inner_template(&mut self, cx: &Cx<'u>, d: &'u FuncDef) -> u32 {
        let key = (d as *const FuncDef as usize, cx.inst);
        if let Some(&t) = self.inner.get(&key) {
            return t;
        }
        let mut captures: Vec<String> = free_names(d)
            .into_iter()
            .filter(|n| cx.locals.contains(n))
            .collect();
        captures.sort();
        let parent = &self.templates[self.instances[cx.inst as usize].template as usize];
        let qualname = format!("{}.<locals>.{}", parent.qualname, d.name);
        let id = self.templates.len() as u32;
        self.templates.push(Template {
            def: d,
            env_of: cx.env_of,
            captures,
            qualname,
            ufunc: false,
        });
        self.inner.insert(key, id);
        id
    }
}
