//! Statements: blocks, assignment targets, `raise`, conditions and `for` loops.

use crate::driver::{Checker, Cx};
use crate::index::fancy_kind;
use crate::ops::kind_rank;
use crate::program::{Arg, Call, Callee, Const, Res};
use crate::prune::{pruned_exit, static_truth};
use crate::registry::{self, Builtin};
use crate::words::count;
use oxjit_syntax::{BinOp, Diagnostic, Expr, ExprKind, Span, Stmt, StmtKind};
use oxjit_types::{unify, ArrayTy, Layout, Ty};

impl<'u> Checker<'u> {
    pub(crate) fn block(&mut self, cx: &mut Cx<'u>, body: &'u [Stmt]) {
        for s in body {
            self.stmt(cx, s);
            if pruned_exit(s, &cx.vars) || decided_exit(cx, s) {
                break; // the rest of the block is dead (`if x is None: return ...`)
            }
        }
    }

    fn assign_var(&mut self, cx: &mut Cx<'u>, name: &str, ty: Ty, span: Span) {
        // An empty list, dict or set binds its variable, to be typed by
        // what is stored into it.
        if !ty.is_known() && !matches!(ty, Ty::List(_) | Ty::Dict(_)) {
            return;
        }
        let cur = cx.vars.get(name).cloned().unwrap_or(Ty::Unknown);
        match unify(&cur, &ty) {
            Some(u) => {
                cx.vars.insert(name.to_string(), u);
                cx.var_sites.entry(name.to_string()).or_insert(span);
            }
            None => {
                let mut d = Diagnostic::error(
                    "variable-type-conflict",
                    span,
                    format!(
                        "variable `{name}` is assigned {} here but holds {} elsewhere",
                        self.a_type(&ty),
                        self.a_type(&cur)
                    ),
                )
                .with_label(format!("this is {ty}"));
                // Both assignments: the one that gave the variable its type.
                if let Some(first) = cx.var_sites.get(name).filter(|s| **s != span) {
                    d = d.with_note(format!(
                        "`{name}` is assigned {} at line {}, column {}",
                        self.a_type(&cur),
                        first.line,
                        first.col + 1
                    ));
                }
                let d = d.with_note(
                    "a variable must keep one type in compiled code (ints and floats unify to float)",
                );
                self.err(cx, d);
            }
        }
    }

    fn assign_target(&mut self, cx: &mut Cx<'u>, target: &'u Expr, ty: Ty) {
        match &target.kind {
            ExprKind::Name(n) => {
                self.assign_var(cx, n, ty.clone(), target.span);
                cx.expr_ty
                    .insert(target.id, cx.vars.get(n).cloned().unwrap_or(ty));
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs)
                if xs
                    .iter()
                    .any(|x| matches!(x.kind, ExprKind::Unsupported(_))) =>
            {
                for x in xs {
                    if let ExprKind::Unsupported(what) = &x.kind {
                        let d = Diagnostic::unsupported(
                            x.span,
                            format!("{what} is not supported in compiled code"),
                        );
                        self.err(cx, d);
                    }
                }
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs) => match &ty.clone().plain_tuple() {
                Ty::Tuple(items) if items.len() == xs.len() => {
                    for (x, t) in xs.iter().zip(items) {
                        self.assign_target(cx, x, t.clone());
                    }
                }
                Ty::Array(a) if a.ndim >= 1 => {
                    let elem = self.iter_elem(a);
                    for x in xs {
                        self.assign_target(cx, x, elem.clone());
                    }
                }
                Ty::Unknown => {}
                Ty::Scalar(_)
                | Ty::NoneType
                | Ty::Str
                | Ty::Tuple(_)
                | Ty::Array(_)
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
                | Ty::Optional(_) => {
                    let d = Diagnostic::error(
                        "cannot-unpack",
                        target.span,
                        format!(
                            "cannot unpack {} into {}",
                            self.a_type(&ty),
                            count(xs.len(), "target")
                        ),
                    );
                    self.err(cx, d)
                }
            },
            ExprKind::Subscript(base, index) => {
                let bt = self.expr(cx, base);
                let it = self.expr(cx, index);
                if let Ty::Instance(c) = &bt {
                    let set = self.dunder(
                        cx,
                        target,
                        c,
                        "__setitem__",
                        &[base, index],
                        Some(ty.clone()),
                    );
                    if set.is_some() {
                        return;
                    }
                }
                if let Ty::List(elem) = &bt {
                    self.list_setitem(cx, target, index, elem, &it, &ty);
                    return;
                }
                if let (Ty::Record(rec), ExprKind::Str(name)) = (&bt, &index.kind) {
                    self.record_store(cx, target, rec, name, &ty);
                    return;
                }
                if let Ty::Dict(d) = &bt {
                    let d = (**d).clone();
                    self.dict_setitem(cx, target, base, &d, &it, &ty);
                    return;
                }
                if let (Ty::Array(a), true) = (&bt, it.is_known()) {
                    if a.readonly {
                        let d = Diagnostic::error(
                            "readonly-array",
                            target.span,
                            format!("cannot assign into a {bt}"),
                        );
                        self.err(cx, d);
                    }
                    let fk = fancy_kind(a, index, |p| cx.expr_ty.get(&p.id).cloned());
                    if let Some(k) = fk {
                        cx.fancy.insert(index.id, k);
                    }
                    let tuple_fancy = matches!(&index.kind, ExprKind::Tuple(ps)
                        if ps.iter().any(|p| matches!(cx.expr_ty.get(&p.id), Some(Ty::Array(_)))));
                    if tuple_fancy && fk.is_none() {
                        let d = Diagnostic::unsupported(
                            index.span,
                            "assigning through an index array combined with other indices is not supported yet",
                        )
                        .with_note("loop over the indices, or use a boolean mask");
                        self.err(cx, d);
                        return;
                    }
                    if let Ty::Array(ia) = &it {
                        if ia.dtype.is_int() && a.ndim > 1 && ia.ndim > 1 {
                            let d = Diagnostic::unsupported(
                                index.span,
                                "assigning through a multi-dimensional integer index array into a multi-dimensional array is not supported yet",
                            )
                            .with_note("loop over the indices, or use a boolean mask");
                            self.err(cx, d);
                            return;
                        }
                    }
                    let Some(result) = self.index_result(cx, a, index) else {
                        return;
                    };
                    let ok = match (&result, &ty) {
                        (Ty::Scalar(_), Ty::Scalar(_)) => true,
                        (Ty::Array(_), Ty::Scalar(_)) => true,
                        (Ty::Array(x), Ty::Array(y)) => y.ndim <= x.ndim,
                        _ => !ty.is_known(),
                    };
                    if !ok {
                        let d = Diagnostic::error(
                            "bad-setitem",
                            target.span,
                            format!(
                                "cannot assign {} into an element of type {result}",
                                self.a_type(&ty)
                            ),
                        );
                        self.err(cx, d);
                    }
                    cx.expr_ty.insert(target.id, result);
                } else if bt.is_known() && !matches!(bt, Ty::Array(_)) {
                    let d = Diagnostic::error(
                        "bad-setitem",
                        target.span,
                        format!("{} does not support item assignment", self.a_type(&bt)),
                    );
                    self.err(cx, d);
                }
            }
            ExprKind::Attr(obj, attr) => {
                let ot = self.expr(cx, obj);
                if let Ty::Instance(c) = &ot {
                    self.assign_attr(cx, target, c, attr, &ty);
                } else if let Ty::Record(rec) = &ot {
                    self.record_store(cx, target, rec, attr, &ty);
                } else if ot.is_known() {
                    let d = Diagnostic::unsupported(
                        target.span,
                        format!("cannot set attribute `{attr}` of {}", self.a_type(&ot)),
                    )
                    .with_note(
                        "compiled code sets attributes only on jitclass instances and records",
                    );
                    self.err(cx, d)
                }
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
            | ExprKind::Unsupported(_) => {
                let d = Diagnostic::unsupported(
                    target.span,
                    "this assignment target is not supported in compiled code",
                );
                self.err(cx, d)
            }
        }
    }

    fn iter_elem(&self, a: &ArrayTy) -> Ty {
        if a.ndim == 1 {
            Ty::Scalar(a.dtype)
        } else {
            Ty::Array(ArrayTy {
                ndim: a.ndim - 1,
                layout: if a.layout == Layout::C {
                    Layout::C
                } else {
                    Layout::A
                },
                ..*a
            })
        }
    }

    fn stmt(&mut self, cx: &mut Cx<'u>, s: &'u Stmt) {
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                // An optional value stays optional when bound to names.
                let ty = self.expr_opt(cx, value);
                let ty = if targets.iter().all(|t| matches!(t.kind, ExprKind::Name(_))) {
                    ty
                } else {
                    self.unwrap_opt(cx, value, ty)
                };
                let ty = self.widen_display(cx, targets, value, ty);
                for t in targets {
                    self.assign_target(cx, t, ty.clone());
                }
                // `x = []`: the empty list is made with the item type the
                // variable's appends gave it.
                if matches!(ty, Ty::List(_) | Ty::Dict(_)) && !ty.is_known() {
                    if let Some(ExprKind::Name(n)) = targets.first().map(|t| &t.kind) {
                        if let Some(vt) = cx.vars.get(n).filter(|v| v.is_known()) {
                            cx.expr_ty.insert(value.id, vt.clone());
                        }
                    }
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                let lt = self.expr(cx, target);
                let rt = self.expr(cx, value);
                if *op == BinOp::MatMul && matches!(lt, Ty::Array(_)) {
                    let d = Diagnostic::unsupported(
                        s.span,
                        "in-place `@=` on arrays is not supported in compiled code",
                    )
                    .with_note(
                        "write `a = a @ b`, or `a[...] = a @ b` to write into the same array",
                    );
                    self.err(cx, d);
                    return;
                }
                // Writes in place: never into a read-only array (a frozen
                // global, a read-only argument or view).
                let written = if let ExprKind::Subscript(base, _) = &target.kind {
                    cx.expr_ty.get(&base.id).cloned()
                } else {
                    Some(lt.clone())
                };
                if let Some(wt @ Ty::Array(ArrayTy { readonly: true, .. })) = written {
                    let d = Diagnostic::error(
                        "readonly-array",
                        target.span,
                        format!("cannot assign into a {wt}"),
                    );
                    self.err(cx, d);
                    return;
                }
                if let ExprKind::Subscript(base, index) = &target.kind {
                    let bt = cx.expr_ty.get(&base.id).cloned();
                    let it = cx.expr_ty.get(&index.id).cloned();
                    if let (Some(Ty::Array(a)), Some(Ty::Array(ia))) = (bt, it) {
                        if ia.dtype.is_int() && a.ndim > 1 && ia.ndim > 1 {
                            let d = Diagnostic::unsupported(
                                index.span,
                                "updating through a multi-dimensional integer index array into a multi-dimensional array is not supported yet",
                            );
                            self.err(cx, d);
                        }
                    }
                }
                let result = self.binop_ty(cx, *op, &lt, &rt, s.span);
                match (&target.kind, &lt) {
                    (ExprKind::Name(_), Ty::Array(la)) => {
                        // In place: the array keeps its type. NumPy refuses to
                        // cast the result to a lower kind (float into int).
                        if let Ty::Array(ra) = &result {
                            if kind_rank(ra.dtype) > kind_rank(la.dtype) {
                                let d = Diagnostic::error(
                                    "unsafe-inplace-cast",
                                    s.span,
                                    format!(
                                        "Cannot cast ufunc '{}' output from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                                        op.symbol(),
                                        ra.dtype,
                                        la.dtype
                                    ),
                                );
                                self.err(cx, d);
                            }
                        }
                        cx.expr_ty.insert(target.id, lt.clone());
                    }
                    (ExprKind::Name(_), _) => self.assign_target(cx, target, result),
                    (ExprKind::Subscript(..), Ty::Scalar(_)) => {}
                    (ExprKind::Subscript(..), Ty::Unknown) => {}
                    (ExprKind::Subscript(..), Ty::Array(_)) => {}
                    // An item of a list or dict: a string, list or set
                    // updated (in place for lists and sets) and stored back.
                    (ExprKind::Subscript(..), Ty::Str | Ty::List(_) | Ty::Dict(_)) => {}
                    (ExprKind::Attr(obj, attr), _) => {
                        let ot = cx.expr_ty.get(&obj.id).cloned();
                        if let Some(Ty::Instance(c)) = &ot {
                            self.assign_attr(cx, target, c, attr, &result);
                        } else if let Some(Ty::Record(rec)) = &ot {
                            self.record_store(cx, target, rec, attr, &result);
                        } else if lt.is_known() {
                            let d = Diagnostic::unsupported(
                                target.span,
                                "this augmented assignment target is not supported in compiled code",
                            );
                            self.err(cx, d)
                        }
                    }
                    _ => {
                        let d = Diagnostic::unsupported(
                            target.span,
                            "this augmented assignment target is not supported in compiled code",
                        );
                        self.err(cx, d)
                    }
                }
            }
            StmtKind::Expr(e) => {
                self.expr(cx, e);
            }
            StmtKind::Return(v) => {
                let t = match v {
                    Some(e) => self.expr_opt(cx, e),
                    None => Ty::NoneType,
                };
                let at = v.as_ref().map_or(s.span, |e| e.span);
                if cx.inst == 0 {
                    self.check_returnable(cx, at, &t);
                }
                cx.rets.push((t, at));
            }
            StmtKind::If { test, body, orelse } => {
                let t = self.expr_opt(cx, test);
                self.truth(cx, test, &t);
                // `if x is None:` with x's type known: only the live branch is
                // compiled (Numba's dead-branch pruning for optional arguments).
                let decided = static_truth(test, &cx.vars).or_else(|| const_truth(cx, test));
                if let Some(b) = decided {
                    cx.decided.insert(test.id, b);
                }
                match decided {
                    Some(true) => self.block(cx, body),
                    Some(false) => self.block(cx, orelse),
                    None => {
                        self.block(cx, body);
                        self.block(cx, orelse);
                    }
                }
            }
            StmtKind::While { test, body, orelse } => {
                let t = self.expr_opt(cx, test);
                self.truth(cx, test, &t);
                cx.loop_depth += 1;
                self.block(cx, body);
                cx.loop_depth -= 1;
                self.block(cx, orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let elem = self.for_iter(cx, iter);
                self.assign_target(cx, target, elem);
                cx.loop_depth += 1;
                self.block(cx, body);
                cx.loop_depth -= 1;
                self.block(cx, orelse);
            }
            StmtKind::Break | StmtKind::Continue => {
                if cx.loop_depth == 0 {
                    let d = Diagnostic::error(
                        "break-outside-loop",
                        s.span,
                        "`break`/`continue` outside a loop",
                    );
                    self.err(cx, d)
                }
            }
            StmtKind::Pass => {}
            StmtKind::Raise(e) => {
                if let Some(e) = e {
                    self.raise_value(cx, e);
                }
            }
            StmtKind::Assert { test, msg } => {
                let t = self.expr(cx, test);
                self.truth(cx, test, &t);
                if let Some(m) = msg {
                    self.expr(cx, m);
                }
            }
            StmtKind::FuncDef(d) => {
                let tid = self.inner_template(cx, d);
                cx.vars.insert(d.name.clone(), Ty::Function(tid));
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(cx, body, handlers, orelse, finalbody),
            StmtKind::Unsupported(what) => {
                let d = Diagnostic::unsupported(
                    s.span,
                    format!("{what} is not supported in compiled code"),
                );
                self.err(cx, d)
            }
        }
    }

    fn raise_value(&mut self, cx: &mut Cx<'u>, e: &'u Expr) {
        match &e.kind {
            ExprKind::Call { func, args, .. } => {
                let ft = self.expr(cx, func);
                if let Ty::ExcClass(k) = ft {
                    for a in args {
                        let t = self.expr(cx, a);
                        if t.is_known() && !matches!(t, Ty::Scalar(_) | Ty::Str) {
                            let d = Diagnostic::error(
                                "bad-exception-argument",
                                a.span,
                                format!("exception arguments must be strings or numbers, not {t}"),
                            );
                            self.err(cx, d);
                        }
                    }
                    cx.expr_ty.insert(e.id, Ty::ExcClass(k));
                    cx.res.insert(
                        e.id,
                        Res::Call(Call {
                            callee: Callee::Exception(k),
                            args: args.iter().map(Arg::Expr).collect(),
                            kwargs: vec![],
                        }),
                    );
                    return;
                }
                self.bad_raise(cx, e);
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
            | ExprKind::Subscript(..)
            | ExprKind::Slice(..)
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::Lambda(_)
            | ExprKind::Unsupported(_) => {
                let t = self.expr(cx, e);
                if !matches!(t, Ty::ExcClass(_)) {
                    self.bad_raise(cx, e);
                }
            }
        }
    }

    fn bad_raise(&mut self, cx: &Cx<'u>, e: &Expr) {
        let d = Diagnostic::unsupported(
            e.span,
            "only builtin exception classes can be raised in compiled code",
        )
        .with_note("write `raise ValueError(\"message\", value)`");
        self.err(cx, d)
    }

    /// The root's result goes back to Python. A value with no Python form
    /// there (a function, a module or registry callable, a dtype, an
    /// exception class, a string, a Generator) is diagnosed at its `return`;
    /// it must never come back as `None`.
    fn check_returnable(&mut self, cx: &Cx<'u>, span: Span, t: &Ty) {
        let Some((what, note)) = unreturnable(t) else {
            return;
        };
        let name = &self.templates[self.instances[cx.inst as usize].template as usize]
            .def
            .name;
        let d = Diagnostic::unsupported_as(
            "unsupported-return-value",
            span,
            format!("`{name}` returns {what}; returning it from compiled code is not supported"),
        )
        .with_note(note);
        self.err(cx, d);
    }

    pub(crate) fn truth(&mut self, cx: &Cx<'u>, e: &Expr, t: &Ty) {
        match t {
            Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Tuple(_)
            | Ty::NamedTuple(_)
            | Ty::List(_)
            | Ty::Dict(_)
            | Ty::Str
            | Ty::Unknown => {}
            // None is false; a value is tested as itself (Python's rule;
            // Numba rejects the test).
            Ty::Optional(payload) => self.truth(cx, e, payload),
            Ty::Array(_) => {
                let d = Diagnostic::error(
                    "ambiguous-truth",
                    e.span,
                    "the truth value of an array is ambiguous",
                )
                .with_note("use `a.any()` or `a.all()`, or compare a scalar");
                self.err(cx, d)
            }
            other @ (Ty::Range
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::Record(_)
            | Ty::RecordArray(_)
            | Ty::NamedTupleClass(_)
            | Ty::Instance(_)
            | Ty::Class(_)) => {
                let d = Diagnostic::error(
                    "no-truth-value",
                    e.span,
                    format!("{} cannot be used as a condition", self.a_type(other)),
                );
                self.err(cx, d)
            }
        }
    }

    /// The element type of a `for` loop's iterable.
    fn for_iter(&mut self, cx: &mut Cx<'u>, iter: &'u Expr) -> Ty {
        // A method call (`d.items()`) is an ordinary iterable; `np.ndindex`
        // is a module's function.
        let method = matches!(&iter.kind, ExprKind::Call { func, .. }
            if matches!(&func.kind, ExprKind::Attr(obj, _)
                if !matches!(self.expr(cx, obj), Ty::Global(_))));
        if let (
            ExprKind::Call {
                func,
                args,
                kwargs,
                star: None,
            },
            false,
        ) = (&iter.kind, method)
        {
            let ft = self.expr(cx, func);
            if let Ty::Global(p) = &ft {
                match registry::lookup(p) {
                    Some(Builtin::Enumerate) => {
                        let mut elem = Ty::Unknown;
                        if let Some(a) = args.first() {
                            // enumerate(zip(...)): the zip's tuples are the items.
                            elem = match self.zip_call(cx, a) {
                                Some(t) => t,
                                None => self.iterable_elem(cx, a),
                            };
                        }
                        for a in args.iter().skip(1) {
                            let t = self.expr(cx, a);
                            self.expect_int(cx, a, &t, "enumerate start");
                        }
                        for k in kwargs {
                            let t = self.expr(cx, &k.value);
                            self.expect_int(cx, &k.value, &t, "enumerate start");
                        }
                        if args.is_empty() || args.len() > 2 {
                            let d = Diagnostic::error(
                                "wrong-arity",
                                iter.span,
                                "enumerate() takes 1 or 2 arguments",
                            );
                            self.err(cx, d);
                        }
                        cx.res.insert(
                            iter.id,
                            Res::Call(Call {
                                callee: Callee::Builtin(Builtin::Enumerate),
                                args: args.iter().map(Arg::Expr).collect(),
                                kwargs: kwargs.iter().map(|k| (k.name.clone(), &k.value)).collect(),
                            }),
                        );
                        let t = Ty::Tuple(vec![Ty::I64, elem]);
                        cx.expr_ty.insert(iter.id, t.clone());
                        return t;
                    }
                    Some(b @ (Builtin::NdIndex | Builtin::NdEnumerate)) => {
                        let tys: Vec<Ty> = args.iter().map(|a| self.expr(cx, a)).collect();
                        let name = if b == Builtin::NdIndex {
                            "numpy.ndindex"
                        } else {
                            "numpy.ndenumerate"
                        };
                        let int = |t: &Ty| t.scalar().is_some_and(|d| d.is_int());
                        let t = match (b, tys.as_slice()) {
                            (Builtin::NdEnumerate, [Ty::Array(a)]) => Ty::Tuple(vec![
                                Ty::Tuple(vec![Ty::I64; a.ndim as usize]),
                                Ty::Scalar(a.dtype),
                            ]),
                            (Builtin::NdIndex, [Ty::Tuple(items)]) if items.iter().all(int) => {
                                Ty::Tuple(vec![Ty::I64; items.len()])
                            }
                            (Builtin::NdIndex, ts) if ts.iter().all(int) => {
                                Ty::Tuple(vec![Ty::I64; ts.len()])
                            }
                            _ => {
                                let known = if b == Builtin::NdIndex {
                                    "(*shape) or (shape tuple) of ints"
                                } else {
                                    "(array)"
                                };
                                return self.no_match(cx, iter, name, &tys, known);
                            }
                        };
                        if !kwargs.is_empty() {
                            let d = Diagnostic::error(
                                "unsupported-keyword",
                                iter.span,
                                format!("`{name}` takes no keyword arguments"),
                            );
                            self.err(cx, d);
                        }
                        cx.res.insert(
                            iter.id,
                            Res::Call(Call {
                                callee: Callee::Builtin(b),
                                args: args.iter().map(Arg::Expr).collect(),
                                kwargs: vec![],
                            }),
                        );
                        cx.expr_ty.insert(iter.id, t.clone());
                        return t;
                    }
                    Some(Builtin::Zip) => {
                        if let Some(t) = self.zip_call(cx, iter) {
                            return t;
                        }
                    }
                    _ => {}
                }
            }
        }
        // `for x in a.flat`: the elements in C order.
        if let ExprKind::Attr(obj, attr) = &iter.kind {
            if attr == "flat" {
                if let Ty::Array(a) = self.expr(cx, obj) {
                    cx.expr_ty.insert(iter.id, Ty::Array(a));
                    return Ty::Scalar(a.dtype);
                }
            }
        }
        self.iterable_elem(cx, iter)
    }

    /// If `e` is a call to `zip`, type it as a loop source: the item tuple.
    fn zip_call(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Option<Ty> {
        let ExprKind::Call {
            func,
            args,
            kwargs,
            star: None,
        } = &e.kind
        else {
            return None;
        };
        if !kwargs.is_empty() {
            return None;
        }
        let Ty::Global(p) = self.expr(cx, func) else {
            return None;
        };
        if registry::lookup(&p) != Some(Builtin::Zip) {
            return None;
        }
        let elems: Vec<Ty> = args.iter().map(|a| self.iterable_elem(cx, a)).collect();
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::Builtin(Builtin::Zip),
                args: args.iter().map(Arg::Expr).collect(),
                kwargs: vec![],
            }),
        );
        let t = Ty::Tuple(elems);
        cx.expr_ty.insert(e.id, t.clone());
        Some(t)
    }

    fn iterable_elem(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Ty {
        let t = self.expr(cx, e).plain_tuple();
        match &t {
            Ty::Range => Ty::I64,
            Ty::Array(a) if a.ndim >= 1 => self.iter_elem(a),
            Ty::RecordArray(ra) if ra.ndim == 1 => Ty::Record(ra.rec.clone()),
            Ty::List(t) => (**t).clone(),
            Ty::Dict(d) => d.key.clone(),
            Ty::Str => Ty::Str,
            Ty::Tuple(items) => {
                let mut u = Ty::Unknown;
                for it in items {
                    match unify(&u, it) {
                        Some(x)
                            if items.iter().all(|i| {
                                i == it || matches!((i, it), (Ty::Scalar(_), Ty::Scalar(_)))
                            }) =>
                        {
                            u = x
                        }
                        _ => {
                            let d = Diagnostic::error(
                                "heterogeneous-tuple-iteration",
                                e.span,
                                format!("cannot iterate over a heterogeneous {t}"),
                            );
                            self.err(cx, d);
                            return Ty::Unknown;
                        }
                    }
                }
                if items.is_empty() {
                    Ty::I64
                } else {
                    u
                }
            }
            Ty::Unknown => Ty::Unknown,
            other @ (Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Array(_)
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::Record(_)
            | Ty::RecordArray(_)
            | Ty::NamedTuple(_)
            | Ty::NamedTupleClass(_)
            | Ty::Instance(_)
            | Ty::Class(_)
            | Ty::Optional(_)) => {
                let d = Diagnostic::error(
                    "not-iterable",
                    e.span,
                    format!("cannot iterate over {}", self.a_type(other)),
                )
                .with_note("a `for` loop iterates over a range, an array, a tuple, a list, a dict, a set, a string, `enumerate`, `zip`, `np.ndindex` or `np.ndenumerate`");
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }
}

/// What a root function cannot hand back to Python, and what to do instead.
/// Whether it can is the type's model (`Ty::python_form`); this says it in
/// words.
fn unreturnable(t: &Ty) -> Option<(&'static str, &'static str)> {
    let bad = t.python_form().err()?;
    Some(match bad {
        Ty::Function(_) => (
            "a function",
            "call the function inside compiled code and return its result; \
             to get a compiled function object, decorate it with @njit at module level",
        ),
        Ty::Global(_) => (
            "a module or a library function",
            "call it inside compiled code and return the result",
        ),
        Ty::DtypeObj(_) => (
            "a dtype",
            "return an array or a scalar of that dtype, or name the dtype in Python",
        ),
        Ty::ExcClass(_) => (
            "an exception class",
            "raise the exception inside compiled code instead",
        ),
        Ty::Str => (
            "a string",
            "strings can be printed or used in exception messages inside compiled code",
        ),
        Ty::List(_) => (
            "a list of items that cannot be returned to Python",
            "return the list's items in a form Python can hold (numbers, arrays, tuples, lists)",
        ),
        Ty::Dict(_) => (
            "a dict or set of items that cannot be returned to Python",
            "return its items in a form Python can hold (numbers, arrays, tuples, lists)",
        ),
        Ty::Generator => (
            "a numpy.random.Generator",
            "a Generator can be passed in and drawn from; keep a reference to it in Python",
        ),
        Ty::Record(_) | Ty::RecordArray(_) => (
            "a record or an array of records",
            "change the structured array passed in (its records are shared), or return the fields' values",
        ),
        // The model gives these a Python form (oxjit_py's `box_value`); a
        // tuple's verdict is its items'.
        Ty::Scalar(_)
        | Ty::NoneType
        | Ty::Array(_)
        | Ty::Range
        | Ty::Tuple(_)
        | Ty::NamedTuple(_)
        | Ty::NamedTupleClass(_)
        | Ty::Instance(_)
        | Ty::Class(_)
        | Ty::Optional(_)
        | Ty::Unknown => {
            unreachable!("the type model gives {bad} a Python form")
        }
    })
}

/// An `if` test that typing made a constant (`isinstance(x, Cls)`, and
/// `not` of one): only its live branch is compiled, as Numba prunes it.
fn const_truth(cx: &Cx<'_>, test: &Expr) -> Option<bool> {
    if let ExprKind::Unary(oxjit_syntax::UnOp::Not, x) = &test.kind {
        return const_truth(cx, x).map(|b| !b);
    }
    if !matches!(test.kind, ExprKind::Call { .. }) {
        return None;
    }
    match cx.res.get(&test.id) {
        Some(Res::Const(Const::Bool(b))) => Some(*b),
        _ => None,
    }
}

/// Whether `s` is an `if` decided above whose live branch always returns.
fn decided_exit(cx: &Cx<'_>, s: &Stmt) -> bool {
    let StmtKind::If { test, body, orelse } = &s.kind else {
        return false;
    };
    match cx.decided.get(&test.id) {
        Some(true) => crate::prune::ends_in_return(body),
        Some(false) => crate::prune::ends_in_return(orelse),
        None => false,
    }
}
