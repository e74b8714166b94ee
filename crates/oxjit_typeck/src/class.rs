//! `jitclass`: the class table of the unit (`class_tys`), field reads and
//! writes, properties, method and static-method calls, and construction
//! (`Callee::New`: allocate, then `__init__`).
//!
//! A method is a unit function whose first parameter is the instance; it is
//! instantiated like any jitted function, once per argument types.

use crate::driver::{Checker, Cx};
use crate::program::{Arg, Call, Callee, Const, Res};
use oxjit_syntax::{ClassDef, Diagnostic, Expr, Keyword, Unit};
use oxjit_types::{parse_type_with, ClassTy, Ty};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The type of every class of the unit, by number. Every class is declared
/// first, so a field may hold any class's instance, its own included (a
/// linked list's `next`: instances are held by reference). A class whose
/// field types do not parse (a spec the decorator would have refused) is
/// left out, with the classes that hold it; using one reports an unknown
/// class.
pub(crate) fn class_tys(unit: &Unit) -> FxHashMap<u64, Arc<ClassTy>> {
    let mut out: FxHashMap<u64, Arc<ClassTy>> = FxHashMap::default();
    let mut left: Vec<_> = unit.classes.iter().collect();
    loop {
        let declared: FxHashMap<u64, Arc<ClassTy>> = left
            .iter()
            .map(|d| (d.number, Arc::new(ClassTy::declared(d.number, &d.name))))
            .collect();
        let resolve = |k: u64| declared.get(&k).cloned().map(Ty::Instance);
        let bad = left.iter().position(|def| {
            let fields: Option<Vec<(String, Ty)>> = def
                .fields
                .iter()
                .map(|(name, text)| {
                    Some((name.clone(), parse_type_with(text, Some(&resolve)).ok()?))
                })
                .collect();
            match fields {
                Some(f) => !declared[&def.number].define(f),
                None => true,
            }
        });
        match bad {
            Some(k) => {
                left.remove(k);
            }
            None => {
                out.extend(declared);
                return out;
            }
        }
    }
}

impl<'u> Checker<'u> {
    pub(crate) fn class_def(&self, c: &ClassTy) -> Option<&'u ClassDef> {
        self.unit.class(c.class)
    }

    fn no_attr(&mut self, cx: &Cx<'u>, e: &Expr, c: &ClassTy, attr: &str, what: &str) -> Ty {
        let fields: Vec<&str> = c.fields().iter().map(|(f, _)| f.as_str()).collect();
        let d = Diagnostic::error(
            "unknown-attribute",
            e.span,
            format!("jitclass `{}` has no {what} `{attr}`", c.name),
        )
        .with_label(format!("not a field, method or property of `{}`", c.name))
        .with_note(format!(
            "the fields of `{}` (its spec) are: {}",
            c.name,
            if fields.is_empty() {
                "none".to_string()
            } else {
                fields.join(", ")
            }
        ));
        self.err(cx, d);
        Ty::Unknown
    }

    /// `obj.attr` of an instance: a field, or a property's getter.
    pub(crate) fn instance_attr(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        obj: &'u Expr,
        c: &Arc<ClassTy>,
        attr: &str,
    ) -> Ty {
        if let Some((_, t)) = c.field(attr) {
            return t.clone();
        }
        let Some(def) = self.class_def(c) else {
            return Ty::Unknown;
        };
        if let Some((getter, _)) = def.property(attr) {
            let id = self.instance(getter, vec![Ty::Instance(c.clone())]);
            cx.res.insert(
                e.id,
                Res::Call(Call {
                    callee: Callee::Instance {
                        id,
                        captures: vec![],
                    },
                    args: vec![Arg::Expr(obj)],
                    kwargs: vec![],
                }),
            );
            return self.instances[id as usize].ret.clone();
        }
        if def.method(attr).is_some() || def.static_method(attr).is_some() {
            let d = Diagnostic::unsupported(
                e.span,
                format!(
                    "the method `{}.{attr}` can only be called here, not used as a value",
                    c.name
                ),
            );
            self.err(cx, d);
            return Ty::Unknown;
        }
        self.no_attr(cx, e, c, attr, "attribute")
    }

    /// `Cls.name` of a class: a static method, as a function to call.
    pub(crate) fn class_attr(&mut self, cx: &Cx<'u>, e: &Expr, c: &ClassTy, attr: &str) -> Ty {
        match self.class_def(c).and_then(|d| d.static_method(attr)) {
            Some(f) => Ty::Function(f),
            None => self.no_attr(cx, e, c, attr, "static method"),
        }
    }

    /// `obj.name(args)` of an instance: a method (the instance first) or a
    /// static method.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn method_call(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        func: &'u Expr,
        obj: &'u Expr,
        c: &Arc<ClassTy>,
        name: &str,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [Keyword],
    ) -> Ty {
        let def = self.class_def(c);
        let (fid, recv) = match (
            def.and_then(|d| d.method(name)),
            def.and_then(|d| d.static_method(name)),
        ) {
            (Some(f), _) => (f, Some(Arg::Expr(obj))),
            (None, Some(f)) => (f, None),
            (None, None) => {
                if c.field(name).is_some() || def.and_then(|d| d.property(name)).is_some() {
                    let d = Diagnostic::error(
                        "not-callable",
                        func.span,
                        format!("`{}.{name}` is a field, not a method", c.name),
                    );
                    self.err(cx, d);
                    return Ty::Unknown;
                }
                return self.no_attr(cx, func, c, name, "method");
            }
        };
        self.typed_call_args(cx, args, star, kwargs);
        self.call_unit_fn(
            cx,
            e,
            fid,
            recv,
            Some(Ty::Instance(c.clone())),
            args,
            star,
            kwargs,
        )
        .map(|(id, bound)| {
            cx.res.insert(
                e.id,
                Res::Call(Call {
                    callee: Callee::Instance {
                        id,
                        captures: vec![],
                    },
                    args: bound,
                    kwargs: vec![],
                }),
            );
            self.instances[id as usize].ret.clone()
        })
        .unwrap_or(Ty::Unknown)
    }

    /// Type the arguments of a call to a unit function (optional values kept
    /// as they are, as for any jitted call).
    fn typed_call_args(
        &mut self,
        cx: &mut Cx<'u>,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [Keyword],
    ) {
        for a in args {
            self.expr_opt(cx, a);
        }
        if let Some(s) = star {
            self.expr(cx, s);
        }
        for k in kwargs {
            self.expr_opt(cx, &k.value);
        }
    }

    /// Bind a call of unit function `fid` (its receiver first when `recv`
    /// is given, typed `self_ty`) and make its instance: the instance id and
    /// the bound arguments.
    #[allow(clippy::too_many_arguments)]
    fn call_unit_fn(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        fid: u32,
        recv: Option<Arg<'u>>,
        self_ty: Option<Ty>,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [Keyword],
    ) -> Option<(u32, Vec<Arg<'u>>)> {
        let t = self.templates[fid as usize].clone();
        let has_recv = recv.is_some();
        let bound = self.bind_args_recv(cx, e, t.def, t.env_of, recv, args, star, kwargs)?;
        let mut tys: Vec<Ty> = bound.iter().map(|a| self.arg_ty(cx, a)).collect();
        if has_recv {
            tys[0] = self_ty?;
        }
        if !tys.iter().all(Ty::is_known) {
            return None;
        }
        let id = self.instance(fid, tys);
        if !self.instances[id as usize].ret.is_known() && cx.report {
            self.unknown_call.entry(id).or_insert((cx.env_of, e.span));
        }
        Some((id, bound))
    }

    /// `Cls(args)`: a fresh instance, then `__init__(self, args)`.
    pub(crate) fn class_new(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        c: &Arc<ClassTy>,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [Keyword],
    ) -> Ty {
        let inst = Ty::Instance(c.clone());
        let init = self.class_def(c).and_then(|d| d.method("__init__"));
        let (init, bound) = match init {
            Some(fid) => {
                // The receiver is the fresh instance, not an argument.
                let recv = Arg::Const(Const::None);
                let Some((id, mut bound)) = self.call_unit_fn(
                    cx,
                    e,
                    fid,
                    Some(recv),
                    Some(inst.clone()),
                    args,
                    star,
                    kwargs,
                ) else {
                    return Ty::Unknown;
                };
                bound.remove(0);
                let ret = &self.instances[id as usize].ret;
                if ret.is_known() && *ret != Ty::NoneType {
                    let d = Diagnostic::error(
                        "bad-init",
                        e.span,
                        format!("{}.__init__() should return None, not {ret}", c.name),
                    );
                    self.err(cx, d);
                }
                (Some(id), bound)
            }
            None if args.is_empty() && kwargs.is_empty() && star.is_none() => (None, vec![]),
            None => {
                let d = Diagnostic::error(
                    "wrong-arity",
                    e.span,
                    format!("{}() takes no arguments (it has no `__init__`)", c.name),
                );
                self.err(cx, d);
                return Ty::Unknown;
            }
        };
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::New {
                    class: c.clone(),
                    init,
                },
                args: bound,
                kwargs: vec![],
            }),
        );
        inst
    }

    /// `obj.attr = value` (typed `ty`) of an instance: a field takes the
    /// value converted to its type; a property calls its setter.
    pub(crate) fn assign_attr(
        &mut self,
        cx: &mut Cx<'u>,
        target: &'u Expr,
        c: &Arc<ClassTy>,
        attr: &str,
        ty: &Ty,
    ) {
        if !ty.is_known() {
            return;
        }
        if let Some((_, ft)) = c.field(attr) {
            if !field_accepts(ft, ty) {
                let d = Diagnostic::error(
                    "bad-field-type",
                    target.span,
                    format!(
                        "cannot assign {} to field `{attr}` of jitclass `{}`",
                        self.a_type(ty),
                        c.name
                    ),
                )
                .with_label(format!("`{attr}` is declared {ft} in the spec"));
                self.err(cx, d);
            }
            cx.expr_ty.insert(target.id, ft.clone());
            return;
        }
        match self.class_def(c).and_then(|d| d.property(attr)) {
            Some((_, Some(setter))) => {
                let id = self.instance(setter, vec![Ty::Instance(c.clone()), ty.clone()]);
                cx.setters.insert(target.id, id);
                cx.expr_ty.insert(target.id, ty.clone());
            }
            Some((_, None)) => {
                let d = Diagnostic::error(
                    "read-only-property",
                    target.span,
                    format!("property `{attr}` of jitclass `{}` has no setter", c.name),
                );
                self.err(cx, d);
            }
            None => {
                self.no_attr(cx, target, c, attr, "field");
            }
        }
    }
}

/// Whether a value of type `v` may be stored in a field declared `f`: a
/// number into any number but complex into real (converted as Numba does:
/// a float stored in an integer field is truncated), an array of the same
/// dtype and dimensions whose layout the field admits, tuples item by item,
/// an instance of the same class.
pub(crate) fn field_accepts(f: &Ty, v: &Ty) -> bool {
    match (f, v) {
        (Ty::Scalar(a), Ty::Scalar(b)) => a.is_complex() || !b.is_complex(),
        (Ty::Array(a), Ty::Array(b)) => {
            a.dtype == b.dtype
                && a.ndim == b.ndim
                && (a.layout == oxjit_types::Layout::A || a.layout == b.layout || a.ndim == 0)
                && (a.readonly || !b.readonly)
        }
        (Ty::Tuple(xs), Ty::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| field_accepts(x, y))
        }
        (Ty::NamedTuple(x), Ty::NamedTuple(y)) => {
            x.class == y.class
                && x.items
                    .iter()
                    .zip(&y.items)
                    .all(|(a, b)| field_accepts(a, b))
        }
        (Ty::Instance(a), Ty::Instance(b)) => a.class == b.class,
        // Containers are shared, not converted: the same type.
        (Ty::List(_) | Ty::Dict(_) | Ty::Str, _) => f == v,
        (Ty::Optional(_) | Ty::NoneType, Ty::NoneType) => true,
        (Ty::Optional(a), b) => field_accepts(a, b.optional().unwrap_or(b)),
        _ => false,
    }
}
