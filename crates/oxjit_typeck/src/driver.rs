//! The checker: `check`, instances and the fixpoint that types them.

use crate::index::Fancy;
use crate::program::{Instance, Located, Program, Res, Template};
use crate::prune::ends_in_return;
use crate::scope::assigned_names;
use crate::words::count;
use oxjit_syntax::{Diagnostic, ExprId, Span, Unit};
use oxjit_types::{unify, Ty};
use rustc_hash::{FxHashMap, FxHashSet};

type Key = (u32, Vec<Ty>);

pub(crate) struct Checker<'u> {
    pub(crate) unit: &'u Unit,
    pub(crate) templates: Vec<Template<'u>>,
    pub(crate) instances: Vec<Instance<'u>>,
    pub(crate) index: FxHashMap<Key, u32>,
    /// Inner defs already given a template, by (def address, parent instance).
    pub(crate) inner: FxHashMap<(usize, u32), u32>,
    pub(crate) diags: Vec<Located>,
    /// For an instance whose return type is still unknown, the first call
    /// to it that was typed (where recursion without a base case shows).
    pub(crate) unknown_call: FxHashMap<u32, (u32, Span)>,
    /// The unit's jitclasses by number (`class::class_tys`).
    pub(crate) classes: FxHashMap<u64, std::sync::Arc<oxjit_types::ClassTy>>,
}

/// Type-check the unit's root function for the given argument types.
pub fn check<'u>(unit: &'u Unit, root_args: &[Ty]) -> Result<Program<'u>, Vec<Located>> {
    let mut c = Checker {
        unit,
        templates: Vec::new(),
        instances: Vec::new(),
        index: FxHashMap::default(),
        inner: FxHashMap::default(),
        diags: Vec::new(),
        unknown_call: FxHashMap::default(),
        classes: crate::class::class_tys(unit),
    };
    for (i, f) in unit.functions.iter().enumerate() {
        c.templates.push(Template {
            def: &f.def,
            env_of: i as u32,
            captures: Vec::new(),
            qualname: f.qualname.clone(),
            ufunc: f.ufunc,
        });
    }
    let Some(root) = unit.functions.first() else {
        return Err(vec![]);
    };
    let nparams = root.def.params.len();
    if root_args.len() < nparams
        && root.def.params[root_args.len()..]
            .iter()
            .any(|p| p.default.is_none())
    {
        let d = Diagnostic::error(
            "wrong-arity",
            root.def.span,
            format!("{}() is missing arguments", root.def.name),
        );
        return Err(vec![Located { func: 0, diag: d }]);
    }
    // Root arguments: declared params (defaults are filled by the dispatcher),
    // extra positionals packed into *args.
    let mut args: Vec<Ty> = root_args.iter().take(nparams).cloned().collect();
    if root.def.vararg.is_some() {
        args.push(Ty::Tuple(root_args.iter().skip(nparams).cloned().collect()));
    } else if root_args.len() > nparams {
        let d = Diagnostic::error(
            "wrong-arity",
            root.def.span,
            format!("{}() takes {}", root.def.name, count(nparams, "argument")),
        );
        return Err(vec![Located { func: 0, diag: d }]);
    }
    c.instance(0, args);
    // Global fixpoint over all instances (recursion, mutual recursion).
    for _round in 0..50 {
        let mut changed = false;
        let mut i = 0;
        while i < c.instances.len() {
            let before = (c.instances[i].ret.clone(), c.instances[i].vars.len());
            c.infer(i as u32, false);
            if (c.instances[i].ret.clone(), c.instances[i].vars.len()) != before {
                changed = true;
            }
            i += 1;
        }
        if !changed {
            break;
        }
    }
    let n = c.instances.len();
    for i in 0..n {
        c.infer(i as u32, true);
    }
    if c.diags.is_empty() {
        // A return type that never became known: recursion with no base case.
        for (i, inst) in c.instances.iter().enumerate() {
            if !inst.ret.is_known() {
                let t = &c.templates[inst.template as usize];
                // At the recursive call when there is one, else at the def.
                let (func, span, label) = match c.unknown_call.get(&(i as u32)) {
                    Some(&(func, span)) => (func, span, "its result is not known yet here"),
                    None => (t.env_of, t.def.span, ""),
                };
                let d = Diagnostic::error(
                    "unknown-return-type",
                    span,
                    format!("cannot infer the return type of `{}`", t.def.name),
                )
                .with_label(label)
                .with_note("a recursive function needs a path that returns without recursing (a base case) before its type is known");
                c.diags.push(Located { func, diag: d });
                break;
            }
        }
    }
    if !c.diags.is_empty() {
        // "Used before assignment" usually follows from an earlier error in
        // the assignment itself: report it only when it is the sole problem.
        if c.diags.iter().any(|d| d.diag.id != "unbound-local") {
            c.diags.retain(|d| d.diag.id != "unbound-local");
        }
        // Keep the first diagnostic per span, in source order of discovery.
        let mut seen = FxHashSet::default();
        let mut out = Vec::new();
        for d in c.diags {
            if seen.insert((d.func, d.diag.span, d.diag.id)) {
                out.push(d);
            }
        }
        return Err(out);
    }
    Ok(Program {
        unit,
        templates: c.templates,
        instances: c.instances,
    })
}

/// Per-instance inference state for one pass.
#[derive(Default)]
pub(crate) struct Cx<'u> {
    pub(crate) inst: u32,
    pub(crate) env_of: u32,
    pub(crate) locals: FxHashSet<String>,
    pub(crate) vars: FxHashMap<String, Ty>,
    pub(crate) expr_ty: FxHashMap<ExprId, Ty>,
    /// Where each variable was first assigned in this pass (diagnostics).
    pub(crate) var_sites: FxHashMap<String, Span>,
    pub(crate) decided: FxHashMap<ExprId, bool>,
    pub(crate) fancy: FxHashMap<ExprId, Fancy>,
    /// Optional values used where their payload is needed, by id: the
    /// optional type (the expression's own type is the payload's).
    pub(crate) unwrap: FxHashMap<ExprId, Ty>,
    /// Property setters by attribute target (see `Instance::setters`).
    pub(crate) setters: FxHashMap<ExprId, u32>,
    pub(crate) res: FxHashMap<ExprId, Res<'u>>,
    /// The type of each `return` and where it is.
    pub(crate) rets: Vec<(Ty, Span)>,
    pub(crate) report: bool,
    pub(crate) loop_depth: u32,
    /// Empty lists (`[]`, `list()`): their item type must be known by the
    /// end of the report pass (from the variable they are bound to).
    pub(crate) lists: Vec<(ExprId, Span)>,
    /// List displays that are `np.array`'s argument: read like tuples.
    pub(crate) displays: FxHashSet<ExprId>,
    /// Variables bound to list displays, and variables whose lists may be
    /// held elsewhere too (parameters' aside): a list only the first kind
    /// holds widens its item type with what is appended (`[1]` then
    /// `.append(2.5)` is a list(float64), as in Numba).
    pub(crate) built_lists: FxHashSet<String>,
    pub(crate) shared_lists: FxHashSet<String>,
}

impl<'u> Checker<'u> {
    pub(crate) fn instance(&mut self, template: u32, args: Vec<Ty>) -> u32 {
        let key = (template, args.clone());
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let t = &self.templates[template as usize];
        let mut arg_names: Vec<String> = t.def.params.iter().map(|p| p.name.clone()).collect();
        if let Some(v) = &t.def.vararg {
            arg_names.push(v.clone());
        }
        arg_names.extend(t.captures.iter().cloned());
        let id = self.instances.len() as u32;
        self.instances.push(Instance {
            template,
            args,
            ret: Ty::Unknown,
            vars: FxHashMap::default(),
            expr_ty: FxHashMap::default(),
            res: FxHashMap::default(),
            arg_names,
            decided: FxHashMap::default(),
            fancy: FxHashMap::default(),
            unwrap: FxHashMap::default(),
            setters: FxHashMap::default(),
        });
        self.index.insert(key, id);
        id
    }

    fn infer(&mut self, inst: u32, report: bool) {
        let i = &self.instances[inst as usize];
        let t = self.templates[i.template as usize].clone();
        let mut locals = FxHashSet::default();
        assigned_names(&t.def.body, &mut locals);
        let mut vars = FxHashMap::default();
        for (n, ty) in i.arg_names.iter().zip(&i.args) {
            locals.insert(n.clone());
            vars.insert(n.clone(), ty.clone());
        }
        let mut cx = Cx {
            inst,
            env_of: t.env_of,
            locals,
            vars,
            ..Cx::default()
        };
        // Local fixpoint: variables widen until stable.
        for _ in 0..20 {
            let before = cx.vars.clone();
            cx.rets.clear();
            self.block(&mut cx, &t.def.body);
            if cx.vars == before {
                break;
            }
        }
        if report {
            cx.report = true;
            cx.rets.clear();
            cx.expr_ty.clear();
            cx.var_sites.clear();
            cx.decided.clear();
            cx.fancy.clear();
            cx.unwrap.clear();
            cx.setters.clear();
            cx.res.clear();
            cx.lists.clear();
            self.block(&mut cx, &t.def.body);
            for (id, span) in std::mem::take(&mut cx.lists) {
                let t = cx.expr_ty.get(&id).cloned().unwrap_or(Ty::Unknown);
                if t.is_known() {
                    continue;
                }
                let what = match (&t, t.dict()) {
                    (_, Some(d)) if d.is_set() => "the item type of this empty set",
                    (_, Some(_)) => "the key and value types of this empty dict",
                    _ => "the item type of this empty list",
                };
                let d = Diagnostic::error("unknown-item-types", span, format!("cannot infer {what}"))
                    .with_label(t.to_string())
                .with_note(
                    "bind it to a variable and add to it in this function (`append`, `d[k] = v`, `add`), or start it with one item",
                );
                self.err(&cx, d);
            }
        }
        // Return type: unify all known return types; falling off the end is None.
        let mut ret = Ty::Unknown;
        let mut falls_off = !ends_in_return(&t.def.body);
        let mut rets = std::mem::take(&mut cx.rets);
        if rets.is_empty() {
            falls_off = true;
        }
        if falls_off {
            // The implicit `return None` at the end of the body.
            rets.push((Ty::NoneType, t.def.span));
        }
        // The first return that does not unify with those before it.
        let mut conflict: Option<(Ty, Span, Ty)> = None;
        // The first return whose type is known: where the earlier type shows.
        let mut first: Option<(Ty, Span)> = None;
        for (r, span) in &rets {
            if !r.is_known() {
                continue;
            }
            if first.is_none() {
                first = Some((r.clone(), *span));
            }
            match unify(&ret, r) {
                Some(u) => ret = u,
                None => {
                    if conflict.is_none() {
                        conflict = Some((r.clone(), *span, ret.clone()));
                    }
                }
            }
        }
        if let (Some((r, span, before)), true) = (conflict, report) {
            let shown: Vec<String> = rets.iter().map(|(r, _)| r.to_string()).collect();
            let label = if span == t.def.span {
                format!("falls off the end, returning None where earlier returns give {before}")
            } else {
                format!("this returns {r}, earlier returns give {before}")
            };
            let mut d = Diagnostic::error(
                "return-type-mismatch",
                span,
                format!(
                    "`{}` returns values of incompatible types: {}",
                    t.def.name,
                    shown.join(", ")
                ),
            )
            .with_label(label);
            if let Some((ft, fspan)) = first.filter(|(_, s)| *s != span && *s != t.def.span) {
                d = d.with_note(format!(
                    "the return at line {}, column {} gives {ft}",
                    fspan.line,
                    fspan.col + 1
                ));
            }
            d = d.with_note("all return statements must give the same type (ints and floats unify to float; None and a value to an optional value)");
            self.err(&cx, d);
        }
        let inst_ref = &mut self.instances[inst as usize];
        inst_ref.ret = ret;
        inst_ref.vars = cx.vars;
        inst_ref.expr_ty = cx.expr_ty;
        inst_ref.decided = cx.decided;
        inst_ref.fancy = cx.fancy;
        inst_ref.unwrap = cx.unwrap;
        inst_ref.setters = cx.setters;
        inst_ref.res = cx.res;
    }

    /// `err` for a span in another function's source (`func`'s file).
    pub(crate) fn err_in(&mut self, cx: &Cx<'u>, func: u32, d: Diagnostic) {
        if cx.report {
            self.diags.push(Located { func, diag: d });
        }
    }

    pub(crate) fn err(&mut self, cx: &Cx<'u>, d: Diagnostic) {
        if cx.report {
            self.diags.push(Located {
                func: cx.env_of,
                diag: d,
            });
        }
    }
}
