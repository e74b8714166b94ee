//! Statements: blocks, control flow, truth tests and (augmented) assignment.

use super::*;

impl<'p> FnGen<'_, 'p> {
    pub(super) fn block(&mut self, body: &'p [Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
            if self.inst.pruned_exit(s) {
                break;
            }
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'p Stmt) -> R<()> {
        let outer = self.stmt_calls;
        self.stmt_calls = self.stmt_may_call(s);
        let r = self.stmt_kind(s);
        self.stmt_calls = outer;
        r
    }

    fn stmt_kind(&mut self, s: &'p Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                let v = self.expr(value)?;
                if let [Expr {
                    kind: ExprKind::Name(n),
                    ..
                }] = targets.as_slice()
                {
                    // One name: nothing to hold while targets are rebound, and
                    // a fresh temporary's reference moves into the variable.
                    let owned = self.take_temp(&v);
                    self.set_var_with(n, v, !owned)?;
                    self.release_temps();
                    return Ok(());
                }
                if v.ty.owns_memory() && !self.plain_store(targets) {
                    // Hold the value while targets are rebound (`u, v = v, u`
                    // would otherwise free `u` before reading it back).
                    self.incref(&v);
                    self.own_temp(&v);
                }
                for t in targets {
                    self.assign(t, v.clone())?;
                }
                self.release_temps();
            }
            StmtKind::AugAssign { target, op, value } => {
                self.aug_assign(target, *op, value)?;
                self.release_temps();
            }
            StmtKind::Expr(e) => {
                self.expr(e)?;
                self.release_temps();
            }
            StmtKind::Return(v) => {
                let rv = match v {
                    Some(e) => self.expr(e)?,
                    None => V::unit(Ty::NoneType),
                };
                let rt = self.inst.ret.clone();
                // A fresh value (`return np.array(...)`) gives the caller
                // its reference: no increment here and release at cleanup
                // (two atomic operations per call of a small function).
                let moved = rv.ty == rt && self.take_temp(&rv);
                let rv = self.cast(rv, &rt);
                if !moved {
                    self.incref(&rv);
                }
                if self.frames.is_empty() {
                    self.store(&rv, "%ret");
                } else {
                    // Held in an owned slot while `finally` blocks run: one
                    // that raises leaves it to the cleanup to release.
                    // (Released first: a `finally` that jumped away with
                    // `continue` left the last one here.)
                    let slot = self.alloca(&llty(&rt));
                    self.owned.push((slot.clone(), rt.clone()));
                    let old = self.load(&rt, &slot);
                    self.decref(&old);
                    self.store(&rv, &slot);
                    // (The slot holds its own reference: a `finally` that
                    // jumps back with `continue` leaves nothing parked.)
                    self.release_temps();
                    self.unwind_frames(0)?;
                    let rv = self.load(&rt, &slot);
                    self.store(&rv, "%ret");
                    self.emit(&format!("store {} zeroinitializer, ptr {slot}", llty(&rt)));
                }
                self.br("cleanup");
            }
            StmtKind::If { test, body, orelse } => {
                match self.inst.decided(test) {
                    Some(true) => return self.block(body),
                    Some(false) => return self.block(orelse),
                    None => {}
                }
                let c = self.cond(test)?;
                let (tl, el, end) = (self.label("then"), self.label("else"), self.label("endif"));
                self.cbr(&c, &tl, &el);
                self.start(&tl);
                self.block(body)?;
                if !self.terminated {
                    self.br(&end);
                }
                self.start(&el);
                self.block(orelse)?;
                self.start(&end);
            }
            StmtKind::While { test, body, orelse } => {
                let (head, bl, els, end) = (
                    self.label("while"),
                    self.label("wbody"),
                    self.label("welse"),
                    self.label("wend"),
                );
                self.start(&head);
                let c = self.cond(test)?;
                self.cbr(&c, &bl, &els);
                self.start(&bl);
                self.loops.push(LoopLabels {
                    cont: head.clone(),
                    brk: end.clone(),
                    frames: self.frames.len(),
                });
                self.block(body)?;
                self.loops.pop();
                self.br(&head);
                self.start(&els);
                self.block(orelse)?;
                self.start(&end);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let prange = self.is_prange(iter);
                if prange && !self.m.opts.parallel {
                    self.par_note(iter, "prange loop runs serially: the function is not compiled with parallel=True");
                }
                let prange = prange && self.m.opts.parallel;
                if prange && self.in_parallel {
                    self.par_note(
                        iter,
                        "prange loop runs serially: it is nested in a parallel loop",
                    );
                }
                let parallel = prange && !self.in_parallel;
                if !(parallel && self.prange_stmt(target, iter, body, orelse)?) {
                    self.for_stmt(target, iter, body, orelse)?
                }
            }
            StmtKind::Break | StmtKind::Continue => {
                let (l, frames) = self
                    .loops
                    .last()
                    .map(|l| {
                        let to = if matches!(s.kind, StmtKind::Break) {
                            &l.brk
                        } else {
                            &l.cont
                        };
                        (to.clone(), l.frames)
                    })
                    .ok_or("break or continue outside loop")?;
                self.unwind_frames(frames)?;
                self.br(&l);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(body, handlers, orelse, finalbody)?,
            StmtKind::Pass => {}
            StmtKind::Raise(e) => {
                match e {
                    // The exception being handled: the one a compiled handler
                    // (of this function or a caller) saved, else the
                    // dispatcher re-raises Python's, if any.
                    None => self.emit("call void @oxjit_rt_exc_reraise()"),
                    Some(e) => match self.res(e) {
                        Some(Res::Call(Call {
                            callee: Callee::Exception(k),
                            args,
                            ..
                        })) => {
                            let mut vals = Vec::new();
                            for a in args {
                                vals.push(self.arg(a)?);
                            }
                            self.emit(&format!("call void @oxjit_rt_exc_begin(i32 {})", k.code()));
                            for v in &vals {
                                self.exc_arg(v);
                            }
                        }
                        _ => match self.inst.ty(e) {
                            Ty::ExcClass(k) => {
                                let k = *k;
                                self.emit(&format!(
                                    "call void @oxjit_rt_exc_begin(i32 {})",
                                    k.code()
                                ));
                            }
                            other @ (Ty::Scalar(_)
                            | Ty::NoneType
                            | Ty::Str
                            | Ty::Tuple(_)
                            | Ty::Array(_)
                            | Ty::Range
                            | Ty::Function(_)
                            | Ty::Global(_)
                            | Ty::DtypeObj(_)
                            | Ty::Generator
                            | Ty::Record(_)
                            | Ty::RecordArray(_)
                            | Ty::Dict(_)
                            | Ty::List(_)
                            | Ty::NamedTuple(_)
                            | Ty::NamedTupleClass(_)
                            | Ty::Instance(_)
                            | Ty::Class(_)
                            | Ty::Optional(_)
                            | Ty::Unknown) => return ice(format!("cannot raise a {other}")),
                        },
                    },
                }
                self.fail();
            }
            StmtKind::Assert { test, msg } => {
                let c = self.cond(test)?;
                let (bad, ok) = (self.label("assert"), self.label("asserted"));
                self.emit(&format!("br i1 {c}, label %{ok}, label %{bad}, !prof !1"));
                self.terminated = true;
                self.start(&bad);
                let mv = match msg {
                    Some(m) => Some(self.expr(m)?),
                    None => None,
                };
                self.emit(&format!(
                    "call void @oxjit_rt_exc_begin(i32 {})",
                    ExcKind::AssertionError.code()
                ));
                if let Some(v) = mv {
                    self.exc_arg(&v);
                }
                self.fail();
                self.start(&ok);
            }
            StmtKind::FuncDef(_) => {} // a closure value is zero-sized; captures are passed at calls
            StmtKind::Unsupported(_) => return ice("unsupported statement reached codegen"),
        }
        Ok(())
    }

    /// Evaluate a condition to `i1` and release the statement's temporaries.
    fn cond(&mut self, e: &'p Expr) -> R<String> {
        let v = self.expr(e)?;
        let c = self.truth(&v)?;
        self.release_temps();
        Ok(c)
    }

    pub(super) fn truth(&mut self, v: &V) -> R<String> {
        Ok(match &v.ty {
            Ty::Scalar(Dtype::Bool) => v.r.clone(),
            Ty::Scalar(d) if d.is_int() => {
                self.val(&format!("icmp ne {} {}, 0", scalar_ty(*d), v.r))
            }
            Ty::Scalar(d) if d.is_float() => {
                self.val(&format!("fcmp une {} {}, 0.0", scalar_ty(*d), v.r))
            }
            Ty::Scalar(d) => {
                let ft = Ty::Scalar(d.real_part());
                let re = self.extract(v, 0, ft.clone());
                let im = self.extract(v, 1, ft.clone());
                let a = self.truth(&re)?;
                let b = self.truth(&im)?;
                self.val(&format!("or i1 {a}, {b}"))
            }
            Ty::NoneType => "false".into(),
            // None is false; a present value is tested as itself (an absent
            // payload is zeros, so its own test is false too).
            Ty::Optional(payload) => {
                let present = self.extract(v, 1, Ty::BOOL);
                let x = self.extract(v, 0, (**payload).clone());
                let t = self.truth(&x)?;
                self.val(&format!("and i1 {}, {t}", present.r))
            }
            Ty::Tuple(items) => if items.is_empty() { "false" } else { "true" }.into(),
            Ty::NamedTuple(nt) => if nt.items.is_empty() { "false" } else { "true" }.into(),
            Ty::Range => {
                let n = self.range_len(v);
                self.val(&format!("icmp sgt i64 {n}, 0"))
            }
            Ty::List(_) => {
                let n = self.list_len(v);
                self.val(&format!("icmp sgt i64 {n}, 0"))
            }
            Ty::Dict(_) => {
                let n = self.dict_len(v);
                self.val(&format!("icmp sgt i64 {n}, 0"))
            }
            Ty::Str => {
                let n = self.extract(v, 2, Ty::I64);
                self.val(&format!("icmp sgt i64 {}, 0", n.r))
            }
            other @ (Ty::Array(_)
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::Record(_)
            | Ty::RecordArray(_)
            | Ty::NamedTupleClass(_)
            | Ty::Instance(_)
            | Ty::Class(_)
            | Ty::Unknown) => return ice(format!("no truth value for {other}")),
        })
    }

    // ----- assignment -----------------------------------------------------------------

    pub(super) fn assign(&mut self, target: &'p Expr, v: V) -> R<()> {
        match &target.kind {
            ExprKind::Name(n) => self.set_var(n, v),
            ExprKind::Tuple(xs) | ExprKind::List(xs) => match v.ty.clone().plain_tuple() {
                Ty::Tuple(items) => {
                    for (i, (x, it)) in xs.iter().zip(items).enumerate() {
                        let e = self.extract(&v, i, it);
                        self.assign(x, e)?;
                    }
                    Ok(())
                }
                Ty::Array(a) => {
                    let n = self.shape(&v, 0);
                    let bad = self.val(&format!("icmp ne i64 {n}, {}", xs.len()));
                    let msg = self.str_const(&format!(
                        "cannot unpack array into {} values: wrong length ",
                        xs.len()
                    ));
                    self.raise_if(&bad, ExcKind::ValueError, &[msg, V::new(n, Ty::I64)]);
                    for (i, x) in xs.iter().enumerate() {
                        let e = self.array_item(&v, &a, &i.to_string())?;
                        self.assign(x, e)?;
                    }
                    Ok(())
                }
                other @ (Ty::Scalar(_)
                | Ty::NoneType
                | Ty::Str
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
                | Ty::Optional(_)
                | Ty::Unknown) => ice(format!("cannot unpack {other}")),
            },
            ExprKind::Subscript(base, index) => {
                let b = self.expr(base)?;
                if let Some(Res::Call(Call {
                    callee: Callee::Instance { id, .. },
                    ..
                })) = self.res(target)
                {
                    // `obj[i] = v` of a jitclass instance: `__setitem__`.
                    let i = self.expr(index)?;
                    self.call_instance(*id as usize, vec![b, i, v], &[])?;
                    return Ok(());
                }
                self.setitem(&b, index, v)
            }
            ExprKind::Attr(obj, attr) => {
                let o = self.expr(obj)?;
                self.set_attr(target, &o, attr, v)
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
            | ExprKind::Unsupported(_) => ice("unsupported assignment target"),
        }
    }

    /// Whether the only target is a field or an item of a variable, by a
    /// name or a constant (`obj.x = v`, `l[i] = v`): evaluating it runs no
    /// code, and the store takes its reference to the value before it
    /// releases what the slot held, so the value needs no hold.
    fn plain_store(&self, targets: &[Expr]) -> bool {
        let [t] = targets else {
            return false;
        };
        let simple = |e: &Expr| {
            matches!(
                e.kind,
                ExprKind::Name(_) | ExprKind::Int(_) | ExprKind::Str(_)
            )
        };
        if let ExprKind::Attr(obj, _) = &t.kind {
            return simple(obj) && !self.inst.setters.contains_key(&t.id);
        }
        if let ExprKind::Subscript(base, index) = &t.kind {
            return simple(base)
                && simple(index)
                && matches!(self.inst.ty(base), Ty::List(_) | Ty::Dict(_));
        }
        false
    }

    fn set_var(&mut self, name: &str, v: V) -> R<()> {
        self.set_var_with(name, v, true)
    }

    /// Bind variable `name` to `v`, taking a new reference when `incref` (else
    /// `v`'s reference is handed over).
    fn set_var_with(&mut self, name: &str, v: V, incref: bool) -> R<()> {
        let (slot, ty) = self
            .vars
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no slot for variable {name}"))?;
        let v = self.cast(v, &ty);
        if ty.owns_memory() {
            if incref {
                self.incref(&v);
            }
            let old = self.load(&ty, &slot);
            self.store(&v, &slot);
            self.decref(&old);
        } else {
            self.store(&v, &slot);
        }
        Ok(())
    }

    fn aug_assign(&mut self, target: &'p Expr, op: BinOp, value: &'p Expr) -> R<()> {
        if let ExprKind::Subscript(base, index) = &target.kind {
            if let Ty::List(_) | Ty::Dict(_) = self.inst.ty(base) {
                // `l[i] += v`, `d[k] += v`: the index evaluated once; an
                // array item is updated in place (and stored back).
                let b = self.expr(base)?;
                let i = self.expr(index)?;
                let cur = self.container_get(&b, i.clone())?;
                let r = if let Ty::Array(ta) = cur.ty.clone() {
                    let mut leaves = vec![cur.clone()];
                    let rhs = self.tree(value, &mut leaves)?;
                    let node = Node::Bin(op, Box::new(Node::Leaf(0)), Box::new(rhs), ta.dtype);
                    self.fused_into(&cur, &ta, &node, &leaves)?;
                    cur
                } else if let Ty::List(_) | Ty::Dict(_) = cur.ty {
                    // A list or set item changes in place (`l[0] += [1]`).
                    let rhs = self.expr(value)?;
                    if let Ty::List(_) = cur.ty {
                        self.list_inplace(op, &cur, rhs)?;
                    } else {
                        self.set_inplace(op, &cur, rhs)?;
                    }
                    cur
                } else {
                    let rhs = self.expr(value)?;
                    self.binop(op, cur, rhs, target)?
                };
                return self.container_set(&b, i, r);
            }
        }
        if let Ty::List(_) = self.inst.ty(target) {
            // `l += m` extends the list itself (its aliases see it).
            let l = self.expr(target)?;
            let v = self.expr(value)?;
            return self.list_inplace(op, &l, v);
        }
        if let Ty::Dict(_) = self.inst.ty(target) {
            // `s |= t`: the set itself changes.
            let s = self.expr(target)?;
            let v = self.expr(value)?;
            return self.set_inplace(op, &s, v);
        }
        if let Ty::Array(ta) = self.inst.ty(target).clone() {
            // In place, as NumPy does: aliases of the array see the update.
            if let ExprKind::Subscript(base, index) = &target.kind {
                let bt = self.inst.ty(base).clone();
                if let Ty::Array(ba) = bt {
                    if self.per_axis_fancy(&ba, index, true) {
                        // a[:, idx] op= v: gather, update the copy, scatter back
                        // (repeated indices write once, as in NumPy).
                        let b = self.expr(base)?;
                        let g = self.fancy_axis_get(&b, &ba, index)?;
                        let Ty::Array(ga) = g.ty.clone() else {
                            return ice("gather");
                        };
                        let mut leaves = vec![g.clone()];
                        let rhs = self.tree(value, &mut leaves)?;
                        let node = Node::Bin(op, Box::new(Node::Leaf(0)), Box::new(rhs), ga.dtype);
                        self.fused_into(&g, &ga, &node, &leaves)?;
                        return self.fancy_axis_set(&b, &ba, index, g);
                    }
                }
                if let Ty::Array(_) = self.inst.ty(index) {
                    // a[mask] op= v: gather, update the copy, scatter back.
                    let b = self.expr(base)?;
                    let Ty::Array(ba) = b.ty.clone() else {
                        return ice("aug-assign base");
                    };
                    let iv = self.expr(index)?;
                    let g = self.fancy_get(&b, &ba, &iv)?;
                    let Ty::Array(ga) = g.ty.clone() else {
                        return ice("gather");
                    };
                    let mut leaves = vec![g.clone()];
                    let rhs = self.tree(value, &mut leaves)?;
                    let node = Node::Bin(op, Box::new(Node::Leaf(0)), Box::new(rhs), ga.dtype);
                    self.fused_into(&g, &ga, &node, &leaves)?;
                    return self.fancy_set(&b, &ba, &iv, g);
                }
            }
            // `obj.a += x` of an array field or property: in place, then
            // stored back (the same array), as Python does.
            let mut store_back = None;
            let tv = match &target.kind {
                ExprKind::Subscript(base, index) => {
                    let b = self.expr(base)?;
                    let Ty::Array(ba) = b.ty.clone() else {
                        return ice("aug-assign base");
                    };
                    self.view(&b, &ba, index, &ta)?
                }
                ExprKind::Attr(obj, attr) => {
                    let o = self.expr(obj)?;
                    let cur = self.get_attr(target, &o, attr)?;
                    store_back = Some((o, attr));
                    cur
                }
                ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Imag(_)
                | ExprKind::Bool(_)
                | ExprKind::NoneLit
                | ExprKind::Str(_)
                | ExprKind::Name(_)
                | ExprKind::Bin(..)
                | ExprKind::Unary(..)
                | ExprKind::BoolOp(..)
                | ExprKind::Compare(..)
                | ExprKind::IfExp(..)
                | ExprKind::Call { .. }
                | ExprKind::Slice(..)
                | ExprKind::Tuple(_)
                | ExprKind::List(_)
                | ExprKind::Lambda(_)
                | ExprKind::Unsupported(_) => {
                    let ExprKind::Name(n) = &target.kind else {
                        return ice("aug-assign target");
                    };
                    let (slot, vty) = self.vars.get(n).cloned().ok_or("aug-assign variable")?;
                    self.load(&vty, &slot)
                }
            };
            let Ty::Array(ta) = tv.ty.clone() else {
                return ice("aug-assign view");
            };
            let mut leaves = vec![tv.clone()];
            let rhs = self.tree(value, &mut leaves)?;
            // NumPy buffers operands that overlap the output (a[1:] += a[:-1]).
            for leaf in leaves.iter_mut().skip(1) {
                if let Ty::Array(la) = leaf.ty.clone() {
                    *leaf = self.copy_if_shared(leaf, &la, &tv)?;
                }
            }
            let (lhs, rhs) = (Box::new(Node::Leaf(0)), Box::new(rhs));
            // `a **= scalar` takes NumPy's fast exponents, as `a ** scalar` does.
            let node = if op == BinOp::Pow && matches!(self.inst.ty(value), Ty::Scalar(_)) {
                Node::ScalarPow(lhs, rhs, ta.dtype)
            } else {
                Node::Bin(op, lhs, rhs, ta.dtype)
            };
            self.fused_into(&tv, &ta, &node, &leaves)?;
            if let Some((o, attr)) = store_back {
                self.set_attr(target, &o, attr, tv)?;
            }
            return Ok(());
        }
        match &target.kind {
            ExprKind::Attr(obj, attr) => {
                let o = self.expr(obj)?;
                let cur = self.get_attr(target, &o, attr)?;
                let rhs = self.expr(value)?;
                let r = self.binop(op, cur, rhs, target)?;
                self.set_attr(target, &o, attr, r)
            }
            ExprKind::Name(n) => {
                let cur = self.expr(target)?;
                let rhs = self.expr(value)?;
                let r = self.binop(op, cur, rhs, target)?;
                self.set_var(n, r)
            }
            ExprKind::Subscript(base, index) => {
                let b = self.expr(base)?;
                if let (Ty::Record(_), ExprKind::Str(name)) = (&b.ty, &index.kind) {
                    let cur = self.record_get(&b, name)?;
                    let rhs = self.expr(value)?;
                    let r = self.binop(op, cur, rhs, target)?;
                    return self.record_set(&b, name, r);
                }
                let Ty::Array(a) = b.ty.clone() else {
                    return ice("augmented assignment into a non-array");
                };
                let all_int = self.index_is_scalar(&a, index);
                if !all_int {
                    return ice("augmented assignment to array slices is not supported yet");
                }
                let ptr = self.element_ptr(&b, &a, index)?;
                let cur = self.load_elem(a.dtype, &ptr);
                let rhs = self.expr(value)?;
                let r = self.binop(op, cur, rhs, target)?;
                let r = self.cast(r, &Ty::Scalar(a.dtype));
                self.store_elem(&r, &ptr);
                Ok(())
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
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::Lambda(_)
            | ExprKind::Unsupported(_) => ice("unsupported augmented assignment target"),
        }
    }
}
