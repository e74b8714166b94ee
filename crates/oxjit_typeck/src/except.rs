//! `try`/`except`/`else`/`finally`: each `except` clause's classes become the
//! kinds of exception compiled code raises that it matches (`Res::Catch`),
//! by the Python classes each kind is an instance of (`ExcKind::classes`):
//! `except LookupError` catches `KeyError` and `IndexError`. A clause naming
//! a builtin class compiled code never raises (`except OSError`) matches
//! nothing, as in Python. The blocks are typed like any other.

use crate::driver::{Checker, Cx};
use crate::program::Res;
use crate::scope::read_stmts;
use oxjit_syntax::{Diagnostic, ExceptHandler, Expr, ExprKind, GlobalValue, Stmt};
use oxjit_types::ExcKind;
use rustc_hash::FxHashSet;

impl<'u> Checker<'u> {
    pub(crate) fn try_stmt(
        &mut self,
        cx: &mut Cx<'u>,
        body: &'u [Stmt],
        handlers: &'u [ExceptHandler],
        orelse: &'u [Stmt],
        finalbody: &'u [Stmt],
    ) {
        self.block(cx, body);
        for h in handlers {
            if let Some(c) = &h.class {
                let mut kinds = Vec::new();
                if self.catch_kinds(cx, c, &mut kinds) {
                    cx.res.insert(c.id, Res::Catch(kinds));
                }
            }
            if let Some(n) = &h.name {
                let mut reads = FxHashSet::default();
                read_stmts(&h.body, &mut reads);
                if reads.contains(n) {
                    let d = Diagnostic::unsupported_as(
                        "exception-binding",
                        h.span,
                        format!("the exception object (`as {n}`) is not available in compiled code"),
                    )
                    .with_note(format!(
                        "handle the error without reading `{n}`, or catch it in the Python caller (Numba does not support `as` either)"
                    ));
                    self.err(cx, d);
                }
            }
            self.block(cx, &h.body);
        }
        self.block(cx, orelse);
        self.block(cx, finalbody);
    }

    /// `module.attr...` as a dotted path from a module global.
    fn dotted(&self, cx: &Cx<'u>, e: &Expr) -> Option<String> {
        if let ExprKind::Attr(obj, attr) = &e.kind {
            return Some(format!("{}.{attr}", self.dotted(cx, obj)?));
        }
        if let GlobalValue::Module(m) = self.global(cx, e)? {
            return Some(m.clone());
        }
        None
    }

    /// The global a plain name (not a local) refers to.
    fn global(&self, cx: &Cx<'u>, e: &Expr) -> Option<&'u GlobalValue> {
        let ExprKind::Name(n) = &e.kind else {
            return None;
        };
        if cx.locals.contains(n) {
            return None;
        }
        self.unit.functions[cx.env_of as usize].env.get(n)
    }

    /// Add the kinds `except c` matches; false (diagnosed) when `c` is not
    /// an exception class or a tuple of them.
    fn catch_kinds(&mut self, cx: &mut Cx<'u>, c: &'u Expr, out: &mut Vec<ExcKind>) -> bool {
        if let ExprKind::Tuple(items) = &c.kind {
            return items.iter().all(|x| self.catch_kinds(cx, x, out));
        }
        // A builtin class by name, also those compiled code never raises
        // (the front end passes every builtin exception class by name), or
        // `np.linalg.LinAlgError`, `np.exceptions.AxisError`, `builtins.KeyError`.
        let class = match self.global(cx, c) {
            Some(GlobalValue::ExcClass(name)) => Some(name.clone()),
            _ => self.dotted(cx, c).and_then(|path| {
                let (module, name) = path.rsplit_once('.')?;
                let known = match name {
                    "LinAlgError" => module == "numpy.linalg",
                    "AxisError" => matches!(module, "numpy" | "numpy.exceptions"),
                    _ => module == "builtins",
                };
                known.then(|| name.to_string())
            }),
        };
        match class {
            Some(name) => {
                for k in ExcKind::ALL {
                    if k.classes().contains(&name.as_str()) && !out.contains(&k) {
                        out.push(k);
                    }
                }
                true
            }
            None => {
                let what = match self.global(cx, c) {
                    Some(GlobalValue::Unsupported(what)) => what.clone(),
                    _ => "this".to_string(),
                };
                let d = Diagnostic::error(
                    "bad-except-class",
                    c.span,
                    format!("`except` needs a builtin exception class or a tuple of them; {what} is not one"),
                )
                .with_note(
                    "compiled code raises only builtin exceptions (and NumPy's LinAlgError and AxisError), so only their classes and bases can match",
                );
                self.err(cx, d);
                false
            }
        }
    }
}
