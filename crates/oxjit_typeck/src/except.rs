//! `try`/`except`/`else`/`finally`: each `except` clause's classes become the
//! builtin kinds of exception it matches (`Res::Catch`), by the Python
//! classes each kind is an instance of (`ExcKind::classes`): `except
//! LookupError` catches `KeyError` and `IndexError`. The classes themselves
//! go along for exceptions of classes defined in Python, whose bases the
//! runtime knows (`oxjit_rt_exc_matches`). A clause naming a builtin class
//! compiled code never raises (`except OSError`) matches only classes
//! defined in Python that derive from it. The blocks are typed like any other.

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
                let mut classes = Vec::new();
                if self.catch_classes(cx, c, &mut classes) {
                    let kinds = ExcKind::ALL
                        .into_iter()
                        .filter(|k| k.classes().iter().any(|n| classes.iter().any(|c| c == n)))
                        .collect();
                    cx.res.insert(c.id, Res::Catch { kinds, classes });
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

    /// Add the classes `except c` names (builtin ones by name, those
    /// defined in Python as `#n`); false (diagnosed) when `c` is not an
    /// exception class or a tuple of them.
    fn catch_classes(&mut self, cx: &mut Cx<'u>, c: &'u Expr, out: &mut Vec<String>) -> bool {
        if let ExprKind::Tuple(items) = &c.kind {
            return items.iter().all(|x| self.catch_classes(cx, x, out));
        }
        // A builtin class by name, also those compiled code never raises
        // (the front end passes every builtin exception class by name), or
        // `np.linalg.LinAlgError`, `np.exceptions.AxisError`, `builtins.KeyError`.
        let class = match self.global(cx, c) {
            Some(GlobalValue::ExcClass(name)) => Some(name.clone()),
            Some(GlobalValue::UserExc(n, _)) => Some(format!("#{n}")),
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
                out.push(name);
                true
            }
            None => {
                let what = match (&c.kind, self.global(cx, c)) {
                    (_, Some(GlobalValue::Unsupported(what))) => what.clone(),
                    (ExprKind::Name(n), None) if cx.locals.contains(n) => {
                        format!(
                            "variable `{n}` (the classes must be known when the function compiles)"
                        )
                    }
                    _ => "this".to_string(),
                };
                let d = Diagnostic::error(
                    "bad-except-class",
                    c.span,
                    format!("`except` needs an exception class or a tuple of them; {what} is not one"),
                )
                .with_note(
                    "name the classes as globals: builtin ones, NumPy's LinAlgError and AxisError, or classes defined in Python",
                );
                self.err(cx, d);
                false
            }
        }
    }
}
