//! Named tuples: constructing one from its class (`Point(1.0, y=2.0)`, with
//! the class's defaults), and reading a field by name (`p.x`). Everything
//! else (indexing, unpacking, iteration, `len`) treats one as the tuple of its
//! items.

use crate::driver::{Checker, Cx};
use crate::program::{Arg, Call, Callee, Const, Res};
use crate::prune::global_to_const;
use oxjit_syntax::{Diagnostic, Expr, ExprKind, GlobalValue, Keyword};
use oxjit_types::{NamedTupleTy, Ty};

impl<'u> Checker<'u> {
    /// A call of a named tuple class: its fields bound as Python binds them.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn named_tuple_new(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        func: &'u Expr,
        nt: &NamedTupleTy,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [Keyword],
    ) -> Ty {
        let n = nt.fields.len();
        let fail = |s: &mut Self, cx: &mut Cx<'u>, span, msg: String| {
            s.err(cx, Diagnostic::error("wrong-arity", span, msg));
            Ty::Unknown
        };
        if let Some(s) = star {
            let d = Diagnostic::unsupported(
                s.span,
                "`*args` in a named tuple constructor is not supported in compiled code",
            );
            self.err(cx, d);
            return Ty::Unknown;
        }
        if args.len() > n {
            let msg = format!(
                "{}() takes {} positional arguments but {} were given",
                nt.name,
                n,
                args.len()
            );
            return fail(self, cx, e.span, msg);
        }
        // Arguments in Python's evaluation order, each with the field it fills.
        let mut out: Vec<(Arg<'u>, usize)> = args
            .iter()
            .enumerate()
            .map(|(i, a)| (Arg::Expr(a), i))
            .collect();
        for k in kwargs {
            match nt.index_of(&k.name) {
                Some(i) if !out.iter().any(|(_, s)| *s == i) => out.push((Arg::Expr(&k.value), i)),
                Some(_) => {
                    let msg = format!(
                        "{}() got multiple values for argument '{}'",
                        nt.name, k.name
                    );
                    return fail(self, cx, k.value.span, msg);
                }
                None => {
                    let msg = format!(
                        "{}() got an unexpected keyword argument '{}'",
                        nt.name, k.name
                    );
                    return fail(self, cx, k.value.span, msg);
                }
            }
        }
        let defaults = self.named_tuple_defaults(cx, func);
        let mut missing = Vec::new();
        for i in 0..n {
            if out.iter().any(|(_, s)| *s == i) {
                continue;
            }
            match defaults.get(i).cloned().flatten() {
                Some(c) => out.push((Arg::Const(c), i)),
                None => missing.push(format!("'{}'", nt.fields[i])),
            }
        }
        if !missing.is_empty() {
            let msg = format!(
                "{}() missing {} required positional argument{}: {}",
                nt.name,
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(" and ")
            );
            return fail(self, cx, e.span, msg);
        }
        let mut items = vec![Ty::Unknown; n];
        for (a, i) in &out {
            items[*i] = self.arg_ty(cx, a);
        }
        self.named_tuple_result(cx, e, nt, items, out)
    }

    /// Records the construction of `nt` with `items` from `args` (each with
    /// the field it fills) and gives its type.
    fn named_tuple_result(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        nt: &NamedTupleTy,
        items: Vec<Ty>,
        args: Vec<(Arg<'u>, usize)>,
    ) -> Ty {
        if !items.iter().all(Ty::is_known) {
            return Ty::Unknown;
        }
        let t = nt.with_items(items);
        let (args, slots): (Vec<Arg<'u>>, Vec<usize>) = args.into_iter().unzip();
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::NamedTuple {
                    ty: Box::new(t.clone()),
                    slots,
                },
                args,
                kwargs: vec![],
            }),
        );
        Ty::NamedTuple(Box::new(t))
    }

    /// A method of a named tuple: `p._replace(field=value, ...)` (on a
    /// variable, whose other fields are read once each).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn named_tuple_method(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        obj: &'u Expr,
        nt: &NamedTupleTy,
        name: &str,
        args: &'u [Expr],
        kwargs: &'u [Keyword],
    ) -> Ty {
        for a in args {
            self.expr(cx, a);
        }
        let kw_tys: Vec<Ty> = kwargs.iter().map(|k| self.expr(cx, &k.value)).collect();
        if name != "_replace" {
            let d = Diagnostic::error(
                "unknown-attribute",
                e.span,
                format!("named tuple `{}` has no method `{name}` in compiled code", nt.name),
            )
            .with_note("named tuples support field access, indexing, unpacking, iteration, len and _replace");
            self.err(cx, d);
            return Ty::Unknown;
        }
        if !args.is_empty() || !matches!(obj.kind, ExprKind::Name(_)) {
            let d = Diagnostic::unsupported(
                e.span,
                "`_replace` takes keyword arguments only, on a variable holding the named tuple",
            );
            self.err(cx, d);
            return Ty::Unknown;
        }
        // The new values in source order, then the fields kept from `obj`.
        let mut out: Vec<(Arg<'u>, usize)> = Vec::new();
        let mut items = nt.items.clone();
        for (k, t) in kwargs.iter().zip(kw_tys) {
            let Some(i) = nt.index_of(&k.name) else {
                let msg = format!("Got unexpected field names: ['{}']", k.name);
                self.err(cx, Diagnostic::error("wrong-arity", k.value.span, msg));
                return Ty::Unknown;
            };
            out.retain(|(_, s)| *s != i);
            out.push((Arg::Expr(&k.value), i));
            items[i] = t;
        }
        for i in 0..nt.fields.len() {
            if !out.iter().any(|(_, s)| *s == i) {
                out.push((Arg::StarItem(obj, i), i));
            }
        }
        self.named_tuple_result(cx, e, nt, items, out)
    }

    /// The defaults of the class `func` names (a global), as constants.
    fn named_tuple_defaults(&self, cx: &Cx<'u>, func: &Expr) -> Vec<Option<Const>> {
        let ExprKind::Name(name) = &func.kind else {
            return Vec::new();
        };
        match self.unit.functions[cx.env_of as usize].env.get(name) {
            Some(GlobalValue::NamedTupleClass { defaults, .. }) => defaults
                .iter()
                .map(|d| d.as_ref().and_then(global_to_const))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `p.name` of a named tuple: its field's item.
    pub(crate) fn named_tuple_field(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        nt: &NamedTupleTy,
        attr: &str,
    ) -> Ty {
        match nt.index_of(attr) {
            Some(i) => nt.items[i].clone(),
            None => {
                let d = Diagnostic::error(
                    "unknown-attribute",
                    e.span,
                    format!("named tuple `{}` has no field `{attr}`", nt.name),
                )
                .with_note(format!("its fields are {}", nt.fields.join(", ")));
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }
}
