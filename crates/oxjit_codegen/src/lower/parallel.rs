//! `prange` loops of `parallel=True` functions, as Numba runs them: the body
//! is outlined into `i32 body(ctx, lo, hi, red)` over a chunk of iterations,
//! and `oxjit_rt_parallel_for` runs the chunks on the worker pool.
//!
//! Variables (Numba's rules): a name the body assigns is private to each
//! iteration's thread, except a reduction variable (`x += e`, `-=`, `*=`,
//! `|=`, `&=`, `^=`, `x = min(x, e)`, `x = max(x, e)`), which each chunk
//! accumulates from the operator's identity (min/max: from `x`) into its slot
//! of `red`; the caller combines the slots in chunk order. Every other
//! variable is shared: the body reads the caller's slot through `ctx`. A loop
//! that `return`s or `break`s, or has an `else`, runs serially.

use super::elementwise::Node;
use super::*;
use oxjit_syntax::{ExprId, ExprKind, GlobalValue, Stmt, StmtKind};

/// A reduction variable and how chunks combine.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Combine {
    Op(BinOp),
    Min,
    Max,
}

impl<'p> FnGen<'_, 'p> {
    /// `iter` is a call of `prange` (oxjit's or numba's, by name or as a
    /// module attribute) that typeck resolved to a range.
    pub(super) fn is_prange(&self, iter: &Expr) -> bool {
        let ExprKind::Call { func, .. } = &iter.kind else {
            return false;
        };
        if !matches!(
            self.res(iter),
            Some(Res::Call(Call {
                callee: Callee::Builtin(Builtin::Range),
                ..
            }))
        ) {
            return false;
        }
        let env_of = self.p.templates[self.inst.template as usize].env_of;
        let env = &self.p.unit.functions[env_of as usize].env;
        if let ExprKind::Name(n) = &func.kind {
            // oxjit's `prange` is `range` itself: known by the name it is called by.
            return matches!(env.get(n), Some(GlobalValue::Builtin(p))
                if p == "oxjit.prange" || (p == "range" && n == "prange"));
        }
        if let ExprKind::Attr(obj, attr) = &func.kind {
            if let (ExprKind::Name(m), "prange") = (&obj.kind, attr.as_str()) {
                return matches!(env.get(m), Some(GlobalValue::Module(p)) if p == "oxjit" || p == "numba");
            }
        }
        false
    }

    /// Lower `for target in prange(...)` on the worker pool; false (nothing
    /// emitted) when the loop must run serially.
    pub(super) fn prange_stmt(
        &mut self,
        target: &'p Expr,
        iter: &'p Expr,
        body: &'p [Stmt],
        orelse: &'p [Stmt],
    ) -> R<bool> {
        let ExprKind::Name(index) = &target.kind else {
            self.par_note(
                iter,
                "prange loop runs serially: its target is not a single name",
            );
            return Ok(false);
        };
        if !orelse.is_empty() || leaves_loop(body, 0) {
            self.par_note(
                iter,
                "prange loop runs serially: it has `break`, `return` or `else`",
            );
            return Ok(false);
        }
        let Some(reductions) = self.reductions(body, index) else {
            self.par_note(
                iter,
                "prange loop runs serially: a variable is updated in ways that do not combine \
                 (mixed reduction operators, a reduction of the loop index, or of an unsupported type)",
            );
            return Ok(false);
        };
        let mut assigned = FxHashSet::default();
        oxjit_typeck::assigned_names(body, &mut assigned);
        assigned.insert(index.clone());
        if let Some(arr) = cross_iteration(body, index, &assigned) {
            self.par_note(
                iter,
                &format!("possible race: iterations of this prange loop write and read different elements of `{arr}` (as in a[i] = a[i - 1] + 1); the result may differ from the serial loop's"),
            );
        }
        let mut private: Vec<&String> = assigned
            .iter()
            .filter(|n| !reductions.iter().any(|(r, ..)| r == *n))
            .collect();
        private.sort();
        let red: Vec<String> = reductions
            .iter()
            .map(|(n, how, _)| format!("{n} ({})", combine_name(*how)))
            .collect();
        let private: Vec<&str> = private.iter().map(|s| s.as_str()).collect();
        self.par_note(
            iter,
            &format!(
                "prange loop runs in parallel; reductions: {}; private: {}",
                if red.is_empty() {
                    "none".into()
                } else {
                    red.join(", ")
                },
                private.join(", ")
            ),
        );
        // Every variable of the function, in a fixed order: ctx[k] is the
        // caller's slot of names[k]; then the range's start and step.
        let mut names: Vec<String> = self.vars.keys().cloned().collect();
        names.sort();
        let r = self.expr(iter)?;
        let start = self.extract(&r, 0, Ty::I64).r;
        let step = self.extract(&r, 2, Ty::I64).r;
        let n = self.range_len(&r);
        self.release_temps();
        let k = names.len();
        let ctx = self.alloca(&format!("[{} x i64]", k + 2));
        for (j, name) in names.iter().enumerate() {
            let slot = self.vars[name].0.clone();
            let p = self.val(&format!(
                "getelementptr [{} x i64], ptr {ctx}, i64 0, i64 {j}",
                k + 2
            ));
            self.emit(&format!("store ptr {slot}, ptr {p}"));
        }
        for (j, v) in [(k, &start), (k + 1, &step)] {
            let p = self.val(&format!(
                "getelementptr [{} x i64], ptr {ctx}, i64 0, i64 {j}",
                k + 2
            ));
            self.emit(&format!("store i64 {v}, ptr {p}"));
        }
        let red_ty = self.reduction_struct(&reductions);
        // A literal start or step (`prange(n)`, `prange(1, n - 1)`, a
        // constant step) stays a constant in the body: LLVM then knows the
        // range of the index (`a[i - 1]` needs no wraparound check) and the
        // loop vectorises.
        let (nargs, literal) = match self.res(iter) {
            Some(Res::Call(call)) => {
                let lit = |k: usize| match call.args.get(k) {
                    Some(Arg::Expr(x)) => match self.res(x) {
                        Some(Res::Const(Const::Int(v))) => Some(v.to_string()),
                        _ => None,
                    },
                    Some(Arg::Const(Const::Int(v))) => Some(v.to_string()),
                    _ => None,
                };
                (call.args.len(), [lit(0), lit(2)])
            }
            _ => (3, [None, None]),
        };
        let [start_lit, step_lit] = literal;
        let consts = (
            if nargs == 1 {
                Some("0".to_string())
            } else {
                start_lit
            },
            if nargs <= 2 {
                Some("1".to_string())
            } else {
                step_lit
            },
        );
        let sizes = self.size_names();
        let name = self.outline_prange(
            target,
            body,
            &names,
            (&assigned, &sizes),
            &reductions,
            &red_ty,
            consts,
        )?;
        let chunks = self.val(&format!("call i64 @oxjit_rt_parallel_chunks(i64 {n})"));
        let max = oxjit_runtime::parallel::MAX_CHUNKS;
        let (red, size) = if reductions.is_empty() {
            ("null".to_string(), "0".to_string())
        } else {
            let red = self.alloca(&format!("[{max} x {red_ty}]"));
            let size = format!("ptrtoint (ptr getelementptr ({red_ty}, ptr null, i64 1) to i64)");
            (red, size)
        };
        let owning = reductions.iter().any(|(_, _, t)| t.owns_memory());
        if owning {
            // Array partials: a chunk that fails (or never runs) leaves its
            // slot null, so the error path releases exactly the stored ones.
            let bytes = self.val(&format!("mul i64 {chunks}, {size}"));
            self.emit(&format!(
                "call void @llvm.memset.p0.i64(ptr {red}, i8 0, i64 {bytes}, i1 false)"
            ));
        }
        self.run_region(&name, &ctx, &n, &chunks, (&red, &size), &mut |s| {
            if owning {
                s.release_partials(&reductions, &red, &red_ty, &chunks);
            }
        });
        if !reductions.is_empty() {
            self.combine_chunks(&reductions, &red, &red_ty, &chunks, &n)?;
        }
        Ok(true)
    }

    /// `oxjit_rt_parallel_for` over outlined function `name`; on an
    /// exception, `cleanup` runs before the function fails.
    pub(super) fn run_region(
        &mut self,
        name: &str,
        ctx: &str,
        n: &str,
        chunks: &str,
        (red, size): (&str, &str),
        cleanup: &mut dyn FnMut(&mut Self),
    ) {
        let st = self.val(&format!(
            "call i32 @oxjit_rt_parallel_for(ptr {name}, ptr {ctx}, i64 {n}, i64 {chunks}, ptr {red}, i64 {size})"
        ));
        let bad = self.val(&format!("icmp ne i32 {st}, 0"));
        let (eb, ok) = (self.label("parerr"), self.label("parok"));
        self.emit(&format!("br i1 {bad}, label %{eb}, label %{ok}, !prof !0"));
        self.terminated = true;
        self.start(&eb);
        cleanup(self);
        self.fail();
        self.start(&ok);
    }

    /// Record what became of a parallel construct at `at`.
    pub(super) fn par_note(&mut self, at: &Expr, what: &str) {
        let qualname = &self.p.templates[self.inst.template as usize].qualname;
        let note = format!("{qualname}, line {}: {what}", at.span.line);
        self.m.parallel_notes.push(note);
    }

    /// The reduction variables of a prange body (name, combination, type),
    /// or None when a variable is updated in ways that do not combine.
    fn reductions(&self, body: &[Stmt], index: &str) -> Option<Vec<(String, Combine, Ty)>> {
        let mut found: Vec<(String, Combine)> = Vec::new();
        let mut other = FxHashSet::default();
        self.scan_updates(body, &mut found, &mut other);
        let mut out: Vec<(String, Combine, Ty)> = Vec::new();
        for (name, how) in found {
            if name == index {
                return None;
            }
            if other.contains(&name) {
                // Also assigned plainly in the body: a private variable.
                continue;
            }
            let ty = self.vars.get(&name)?.1.clone();
            // Complex numbers have no order: no min/max reduction of them;
            // an array accumulates with `+=` or `*=` (Numba's array reductions).
            let ok = match (&ty, how) {
                (Ty::Scalar(d), _) => matches!(how, Combine::Op(_)) || !d.is_complex(),
                (Ty::Array(a), Combine::Op(BinOp::Add | BinOp::Mul)) => !a.readonly,
                _ => false,
            };
            if !ok {
                return None;
            }
            match out.iter().find(|(n, ..)| *n == name) {
                Some((_, h, _)) if *h == how => {}
                Some(_) => return None,
                None => out.push((name, how, ty)),
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Some(out)
    }

    /// Collect reduction updates into `found` and every other assignment's
    /// names into `other`.
    fn scan_updates(
        &self,
        body: &[Stmt],
        found: &mut Vec<(String, Combine)>,
        other: &mut FxHashSet<String>,
    ) {
        for_each_stmt(body, &mut |s| match &s.kind {
            StmtKind::AugAssign { target, op, .. } => {
                if let (ExprKind::Name(n), true) = (&target.kind, reducible(*op)) {
                    let op = if *op == BinOp::Sub { BinOp::Add } else { *op };
                    found.push((n.clone(), Combine::Op(op)));
                } else {
                    oxjit_typeck::assigned_names(std::slice::from_ref(s), other);
                }
            }
            StmtKind::Assign { targets, value } => {
                match (targets.as_slice(), self.min_max_update(value)) {
                    ([t], Some((x, how))) if matches!(&t.kind, ExprKind::Name(n) if *n == x) => {
                        found.push((x, how))
                    }
                    _ => oxjit_typeck::assigned_names(std::slice::from_ref(s), other),
                }
            }
            // (their nested statements are visited on their own)
            StmtKind::If { .. } | StmtKind::While { .. } => {}
            StmtKind::For { target, .. } => target_names(target, other),
            StmtKind::Try { handlers, .. } => {
                other.extend(handlers.iter().filter_map(|h| h.name.clone()));
            }
            StmtKind::FuncDef(_)
            | StmtKind::Expr(_)
            | StmtKind::Return(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Raise(_)
            | StmtKind::Assert { .. }
            | StmtKind::Unsupported(_) => {
                oxjit_typeck::assigned_names(std::slice::from_ref(s), other)
            }
        });
    }

    /// `min(x, e)` / `max(e, x)` (typeck's MinMax of two values) where `x`
    /// is a name: that name and the combination.
    fn min_max_update(&self, value: &Expr) -> Option<(String, Combine)> {
        let Some(Res::Call(Call {
            callee: Callee::Builtin(Builtin::MinMax { max }),
            args,
            ..
        })) = self.res(value)
        else {
            return None;
        };
        let how = if *max { Combine::Max } else { Combine::Min };
        let names: Vec<&String> = args
            .iter()
            .filter_map(|a| {
                if let Arg::Expr(e) = a {
                    if let ExprKind::Name(n) = &e.kind {
                        return Some(n);
                    }
                }
                None
            })
            .collect();
        match (args.len(), names.as_slice()) {
            (2, [n]) | (2, [n, _]) => Some(((*n).clone(), how)),
            _ => None,
        }
    }

    /// The function's names that only ever hold a size: every binding of
    /// them is an assignment from an array's `shape` (whole, unpacked, or
    /// one item), its `size`, or `len(...)`. Copied into a prange body they
    /// are known to be non-negative, as the serial function knows from the
    /// shapes themselves: then `m - 1` cannot wrap, `a[i, j + 1]` in an
    /// inner `for j in range(1, m - 1)` needs no wraparound check, and that
    /// loop vectorises.
    fn size_names(&self) -> FxHashSet<String> {
        use oxjit_typeck::{for_each_binding, target_names, Binding};
        let def = self.p.templates[self.inst.template as usize].def;
        let mut ok: FxHashMap<&str, bool> = FxHashMap::default();
        for p in &def.params {
            ok.insert(&p.name, false);
        }
        for_each_binding(&def.body, &mut |b| match b {
            Binding::Assign { target, value } => {
                if let ExprKind::Name(n) = &target.kind {
                    *ok.entry(n).or_insert(true) &= self.is_size(value);
                } else if let (ExprKind::Tuple(xs), true) =
                    (&target.kind, self.is_array_attr(value, "shape"))
                {
                    // `n, m = a.shape`: each name that is a plain name.
                    for x in xs {
                        if let ExprKind::Name(n) = &x.kind {
                            ok.entry(n).or_insert(true);
                        } else {
                            target_names(x, &mut |n| {
                                ok.insert(n, false);
                            });
                        }
                    }
                } else {
                    target_names(target, &mut |n| {
                        ok.insert(n, false);
                    });
                }
            }
            Binding::Target(target) => target_names(target, &mut |n| {
                ok.insert(n, false);
            }),
            Binding::Name(n) => {
                ok.insert(n, false);
            }
        });
        ok.into_iter()
            .filter(|(_, s)| *s)
            .map(|(n, _)| n.to_string())
            .collect()
    }

    /// `x.<attr>` of an array `x`.
    fn is_array_attr(&self, e: &Expr, attr: &str) -> bool {
        matches!(&e.kind, ExprKind::Attr(x, a) if a == attr && matches!(self.inst.ty(x), Ty::Array(_)))
    }

    /// An int that is a size: `a.size`, `a.shape[k]`, `len(x)`.
    fn is_size(&self, e: &Expr) -> bool {
        if let ExprKind::Subscript(base, _) = &e.kind {
            return self.is_array_attr(base, "shape");
        }
        if let ExprKind::Call { .. } = &e.kind {
            return matches!(
                self.res(e),
                Some(Res::Call(Call {
                    callee: Callee::Builtin(Builtin::Len),
                    ..
                }))
            );
        }
        self.is_array_attr(e, "size")
    }

    /// The LLVM struct of one chunk's reduction slots.
    fn reduction_struct(&self, reductions: &[(String, Combine, Ty)]) -> String {
        let parts: Vec<String> = reductions.iter().map(|(_, _, t)| llty(t)).collect();
        format!("{{{}}}", parts.join(", "))
    }

    /// Emit the outlined body as its own function; its name.
    #[allow(clippy::too_many_arguments)]
    fn outline_prange(
        &mut self,
        target: &'p Expr,
        body: &'p [Stmt],
        names: &[String],
        (assigned, sizes): (&FxHashSet<String>, &FxHashSet<String>),
        reductions: &[(String, Combine, Ty)],
        red_ty: &str,
        (start_const, step_const): (Option<String>, Option<String>),
    ) -> R<String> {
        let name = format!("{}.prange{}", self.m.fname(self.idx), self.n);
        self.n += 1;
        let text = {
            let mut g = FnGen::outlined(self.m, self.p, self.idx);
            let k = names.len();
            for (j, v) in names.iter().enumerate() {
                let ty = self.vars[v].1.clone();
                if let (Some((_, how, _)), Ty::Array(a)) =
                    (reductions.iter().find(|(n, ..)| n == v), &ty)
                {
                    // An array reduction: a fresh array of the variable's
                    // shape filled with the identity, owned by the chunk.
                    let p = g.ctx_ptr(k, j);
                    let cur = g.load(&ty, &p);
                    let shape: Vec<String> =
                        (0..a.ndim as usize).map(|d| g.shape(&cur, d)).collect();
                    let fresh = g.alloc_array(a.dtype, &shape);
                    let ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
                    let one = V::new(
                        identity(
                            if *how == Combine::Op(BinOp::Mul) {
                                BinOp::Mul
                            } else {
                                BinOp::Add
                            },
                            &Ty::Scalar(a.dtype),
                        ),
                        Ty::Scalar(a.dtype),
                    );
                    g.init_array(&fresh, &ca, Alloc::Full, Some(one))?;
                    let slot = g.alloca(&llty(&ty));
                    let fresh = g.cast(fresh, &ty);
                    g.incref(&fresh);
                    g.store(&fresh, &slot);
                    g.release_temps();
                    g.owned.push((slot.clone(), ty.clone()));
                    g.vars.insert(v.clone(), (slot, ty));
                } else if let Some((_, how, _)) = reductions.iter().find(|(n, ..)| n == v) {
                    // The chunk's partial: the identity, or x for min/max.
                    let slot = g.alloca(&llty(&ty));
                    let init = match how {
                        Combine::Op(op) => identity(*op, &ty),
                        Combine::Min | Combine::Max => {
                            let p = g.ctx_ptr(k, j);
                            g.load(&ty, &p).r
                        }
                    };
                    g.emit(&format!("store {} {init}, ptr {slot}", llty(&ty)));
                    g.vars.insert(v.clone(), (slot, ty));
                } else if assigned.contains(v) {
                    let slot = g.alloca(&llty(&ty));
                    g.owned.push((slot.clone(), ty.clone()));
                    g.vars.insert(v.clone(), (slot, ty));
                } else {
                    // Shared, and never assigned in the body: a local copy
                    // (a borrowed reference), so that stores into arrays
                    // cannot alias it and LLVM keeps it in registers.
                    let p = g.ctx_ptr(k, j);
                    let x = g.load(&ty, &p);
                    if ty == Ty::I64 && sizes.contains(v) {
                        // A size (see `size_names`): never negative.
                        let nn = g.val(&format!("icmp sge i64 {}, 0", x.r));
                        g.emit(&format!("call void @llvm.assume(i1 {nn})"));
                    }
                    let slot = g.alloca(&llty(&ty));
                    g.store(&x, &slot);
                    g.vars.insert(v.clone(), (slot, ty));
                }
            }
            let start = match start_const {
                Some(c) => c,
                None => g.ctx_i64(k, k),
            };
            let step = match step_const {
                Some(c) => c,
                None => g.ctx_i64(k, k + 1),
            };
            g.chunk_loop(target, body, &start, &step)?;
            for (j, (v, _, ty)) in reductions.iter().enumerate() {
                let slot = g.vars[v].0.clone();
                let x = g.load(ty, &slot);
                // An array partial: its own reference goes to the caller
                // (the slot's is released at cleanup).
                g.incref(&x);
                let p = g.val(&format!("getelementptr {red_ty}, ptr %red, i32 0, i32 {j}"));
                g.store(&x, &p);
            }
            g.br("cleanup");
            g.finish_with(&name, "ptr %ctx, i64 %lo, i64 %hi, ptr %red")
        };
        self.m.add_function(&text);
        Ok(name)
    }

    /// The caller's slot pointer `ctx[j]` (of `k` slots and two ints).
    fn ctx_ptr(&mut self, k: usize, j: usize) -> String {
        let p = self.val(&format!(
            "getelementptr [{} x i64], ptr %ctx, i64 0, i64 {j}",
            k + 2
        ));
        self.val(&format!("load ptr, ptr {p}"))
    }

    fn ctx_i64(&mut self, k: usize, j: usize) -> String {
        let p = self.val(&format!(
            "getelementptr [{} x i64], ptr %ctx, i64 0, i64 {j}",
            k + 2
        ));
        self.val(&format!("load i64, ptr {p}"))
    }

    /// `for c in lo..hi: target = start + c * step; body` in the outlined function.
    fn chunk_loop(&mut self, target: &'p Expr, body: &'p [Stmt], start: &str, step: &str) -> R<()> {
        // A chunk is a non-empty part of 0..n: an index from `prange(n)` is
        // never negative, so its wraparound check folds away.
        let ok = self.val("icmp sge i64 %lo, 0");
        self.emit(&format!("call void @llvm.assume(i1 {ok})"));
        let ordered = self.val("icmp slt i64 %lo, %hi");
        self.emit(&format!("call void @llvm.assume(i1 {ordered})"));
        let ctr = self.alloca("i64");
        self.emit(&format!("store i64 %lo, ptr {ctr}"));
        let (head, bl, latch, end) = (
            self.label("pfor"),
            self.label("pbody"),
            self.label("pnext"),
            self.label("pend"),
        );
        self.start(&head);
        let c = self.val(&format!("load i64, ptr {ctr}"));
        let more = self.val(&format!("icmp slt i64 {c}, %hi"));
        self.cbr(&more, &bl, &end);
        self.start(&bl);
        let off = self.val(&format!("mul i64 {c}, {step}"));
        let i = self.val(&format!("add i64 {start}, {off}"));
        let tt = self.inst.ty(target).clone();
        let item = self.cast(V::new(i, Ty::I64), &tt);
        self.assign(target, item)?;
        self.release_temps();
        self.loops.push(LoopLabels {
            cont: latch.clone(),
            brk: end.clone(),
            frames: self.frames.len(),
        });
        self.block(body)?;
        self.loops.pop();
        self.start(&latch);
        let nx = self.val(&format!("add nsw i64 {c}, 1"));
        self.emit(&format!("store i64 {nx}, ptr {ctr}"));
        self.br(&head);
        self.start(&end);
        Ok(())
    }

    /// On a failed region: release the array partials the chunks stored.
    fn release_partials(
        &mut self,
        reductions: &[(String, Combine, Ty)],
        red: &str,
        red_ty: &str,
        chunks: &str,
    ) {
        let max = oxjit_runtime::parallel::MAX_CHUNKS;
        let lp = self.nd_open(&[chunks.to_string()]);
        for (j, (_, _, ty)) in reductions.iter().enumerate() {
            if ty.owns_memory() {
                let p = self.val(&format!(
                    "getelementptr [{max} x {red_ty}], ptr {red}, i64 0, i64 {}, i32 {j}",
                    lp.idx[0]
                ));
                let part = self.load(ty, &p);
                self.decref(&part);
            }
        }
        self.nd_close(lp);
    }

    /// After the pool ran: `x = x op partial[c]` for each chunk, in order.
    fn combine_chunks(
        &mut self,
        reductions: &[(String, Combine, Ty)],
        red: &str,
        red_ty: &str,
        chunks: &str,
        n: &str,
    ) -> R<()> {
        let max = oxjit_runtime::parallel::MAX_CHUNKS;
        // No iteration ran: nothing to combine (the slots are unset).
        let none = self.val(&format!("icmp sle i64 {n}, 0"));
        let ctr = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {ctr}"));
        let (head, bl, end) = (
            self.label("pcomb"),
            self.label("pcbody"),
            self.label("pcend"),
        );
        let go = self.label("pcgo");
        self.cbr(&none, &end, &go);
        self.start(&go);
        self.br(&head);
        self.start(&head);
        let c = self.val(&format!("load i64, ptr {ctr}"));
        let more = self.val(&format!("icmp slt i64 {c}, {chunks}"));
        self.cbr(&more, &bl, &end);
        self.start(&bl);
        for (j, (v, how, ty)) in reductions.iter().enumerate() {
            let p = self.val(&format!(
                "getelementptr [{max} x {red_ty}], ptr {red}, i64 0, i64 {c}, i32 {j}"
            ));
            let part = self.load(ty, &p);
            let slot = self.vars[v].0.clone();
            let x = self.load(ty, &slot);
            if let (Ty::Array(a), Combine::Op(op)) = (ty, how) {
                // acc op= partial, in place (broadcasting as `acc += row`
                // would), then the partial is released.
                let node = Node::Bin(
                    *op,
                    Box::new(Node::Leaf(0)),
                    Box::new(Node::Leaf(1)),
                    a.dtype,
                );
                self.fused_into(&x, a, &node, &[x.clone(), part.clone()])?;
                self.decref(&part);
                continue;
            }
            let d = ty.scalar().ok_or("reduction type")?;
            let r = match how {
                Combine::Op(op) => {
                    let r = self.scalar_binop(*op, x, part, d, d)?;
                    self.cast(r, ty)
                }
                Combine::Min | Combine::Max => {
                    // Python's min(x, p) keeps x unless p is smaller.
                    let op = if *how == Combine::Min {
                        CmpOp::Lt
                    } else {
                        CmpOp::Gt
                    };
                    let better = self.compare(op, part.clone(), x.clone())?;
                    let lt = llty(ty);
                    V::new(
                        self.val(&format!(
                            "select i1 {better}, {lt} {}, {lt} {}",
                            part.r, x.r
                        )),
                        ty.clone(),
                    )
                }
            };
            self.store(&r, &slot);
        }
        let nx = self.val(&format!("add i64 {c}, 1"));
        self.emit(&format!("store i64 {nx}, ptr {ctr}"));
        self.br(&head);
        self.start(&end);
        Ok(())
    }
}

/// Every statement of a list, then those nested in it (pre-order; not the
/// bodies of inner functions).
fn for_each_stmt<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a Stmt)) {
    for s in body {
        f(s);
        match &s.kind {
            StmtKind::If { body, orelse, .. }
            | StmtKind::While { body, orelse, .. }
            | StmtKind::For { body, orelse, .. } => {
                for_each_stmt(body, f);
                for_each_stmt(orelse, f);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                for_each_stmt(body, f);
                handlers.iter().for_each(|h| for_each_stmt(&h.body, f));
                for_each_stmt(orelse, f);
                for_each_stmt(finalbody, f);
            }
            StmtKind::Assign { .. }
            | StmtKind::AugAssign { .. }
            | StmtKind::Expr(_)
            | StmtKind::Return(_)
            | StmtKind::Raise(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Assert { .. }
            | StmtKind::FuncDef(_)
            | StmtKind::Unsupported(_) => {}
        }
    }
}

/// Every expression of a statement list, nested blocks included (not the
/// bodies of inner functions).
fn for_each_expr<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a Expr)) {
    for_each_stmt(body, &mut |s| match &s.kind {
        StmtKind::Assign { targets, value } => {
            targets.iter().for_each(|t| t.walk(f));
            value.walk(f);
        }
        StmtKind::AugAssign { target, value, .. } => {
            target.walk(f);
            value.walk(f);
        }
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) | StmtKind::Raise(Some(e)) => e.walk(f),
        StmtKind::If { test, .. } | StmtKind::While { test, .. } => test.walk(f),
        StmtKind::For { target, iter, .. } => {
            target.walk(f);
            iter.walk(f);
        }
        StmtKind::Assert { test, msg } => {
            test.walk(f);
            if let Some(m) = msg {
                m.walk(f);
            }
        }
        StmtKind::Return(None)
        | StmtKind::Raise(None)
        | StmtKind::Try { .. }
        | StmtKind::Break
        | StmtKind::Continue
        | StmtKind::Pass
        | StmtKind::FuncDef(_)
        | StmtKind::Unsupported(_) => {}
    });
}

/// Whether two index expressions are the same text, up to spans (names,
/// integer literals, operators and tuples of those); false when unsure.
fn same_index(a: &Expr, b: &Expr) -> bool {
    match (&a.kind, &b.kind) {
        (ExprKind::Name(x), ExprKind::Name(y)) => x == y,
        (ExprKind::Int(x), ExprKind::Int(y)) => x == y,
        (ExprKind::Bin(o1, l1, r1), ExprKind::Bin(o2, l2, r2)) => {
            o1 == o2 && same_index(l1, l2) && same_index(r1, r2)
        }
        (ExprKind::Unary(o1, x1), ExprKind::Unary(o2, x2)) => o1 == o2 && same_index(x1, x2),
        (ExprKind::Tuple(xs), ExprKind::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_index(x, y))
        }
        _ => false,
    }
}

fn mentions(e: &Expr, name: &str) -> bool {
    let mut found = false;
    e.walk(&mut |x| {
        if let ExprKind::Name(n) = &x.kind {
            found |= n == name;
        }
    });
    found
}

/// A shared array that iterations write at one index and read at another
/// that depends on the loop index (`a[i] = a[i - 1] + 1`): a race the
/// serial loop does not have. Detected syntactically, so only the plain
/// cases; None when none is seen.
fn cross_iteration(body: &[Stmt], index: &str, assigned: &FxHashSet<String>) -> Option<String> {
    let mut writes: Vec<(&String, &Expr)> = Vec::new();
    let mut targets: FxHashSet<ExprId> = FxHashSet::default();
    collect_writes(body, &mut writes, &mut targets);
    writes.retain(|(a, _)| !assigned.contains(*a));
    let mut found = None;
    for_each_expr(body, &mut |e| {
        let ExprKind::Subscript(base, idx) = &e.kind else {
            return;
        };
        let ExprKind::Name(arr) = &base.kind else {
            return;
        };
        if found.is_some() || targets.contains(&e.id) || !mentions(idx, index) {
            return;
        }
        let mut ws = writes.iter().filter(|(a, _)| *a == arr).peekable();
        if ws.peek().is_some() && ws.any(|(_, w)| !same_index(w, idx)) {
            found = Some(arr.clone());
        }
    });
    found
}

/// The `arr[index] = …` and `arr[index] op= …` writes of a statement list
/// (and the ids of the `=` targets, which are not reads).
fn collect_writes<'a>(
    body: &'a [Stmt],
    out: &mut Vec<(&'a String, &'a Expr)>,
    targets: &mut FxHashSet<ExprId>,
) {
    let mut write = |t: &'a Expr, read_too: bool, out: &mut Vec<(&'a String, &'a Expr)>| {
        if let ExprKind::Subscript(base, idx) = &t.kind {
            if let ExprKind::Name(a) = &base.kind {
                out.push((a, idx));
                if !read_too {
                    targets.insert(t.id);
                }
            }
        }
    };
    for_each_stmt(body, &mut |s| {
        if let StmtKind::Assign { targets: ts, .. } = &s.kind {
            ts.iter().for_each(|t| write(t, false, out));
        }
        // `a[j] += v` writes a[j] (its read of a[j] is the same element).
        if let StmtKind::AugAssign { target, .. } = &s.kind {
            write(target, true, out);
        }
    });
}

/// The names a loop target binds.
fn target_names(t: &Expr, out: &mut FxHashSet<String>) {
    if let ExprKind::Name(n) = &t.kind {
        out.insert(n.clone());
    }
    if let ExprKind::Tuple(xs) | ExprKind::List(xs) = &t.kind {
        xs.iter().for_each(|x| target_names(x, out));
    }
}

fn combine_name(how: Combine) -> &'static str {
    match how {
        Combine::Op(op) => match op {
            BinOp::Add => "+",
            BinOp::Mul => "*",
            BinOp::BitOr => "|",
            BinOp::BitAnd => "&",
            BinOp::BitXor => "^",
            BinOp::Sub
            | BinOp::Div
            | BinOp::FloorDiv
            | BinOp::Mod
            | BinOp::Pow
            | BinOp::MatMul
            | BinOp::LShift
            | BinOp::RShift => "?",
        },
        Combine::Min => "min",
        Combine::Max => "max",
    }
}

fn reducible(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::BitOr | BinOp::BitAnd | BinOp::BitXor
    )
}

/// The identity of `op` as an LLVM constant of type `ty`.
fn identity(op: BinOp, ty: &Ty) -> String {
    let d = ty.scalar().unwrap_or(Dtype::F64);
    let one = matches!(op, BinOp::Mul);
    let ones = matches!(op, BinOp::BitAnd);
    if d.is_complex() {
        let f = d.real_part();
        let re = if one { fconst(1.0, f) } else { fconst(0.0, f) };
        let ft = scalar_ty(f);
        return format!("{{{ft} {re}, {ft} {}}}", fconst(0.0, f));
    }
    if d.is_float() {
        return fconst(if one { 1.0 } else { 0.0 }, d);
    }
    if d == Dtype::Bool {
        return if one || ones { "true" } else { "false" }.into();
    }
    if ones {
        "-1".into()
    } else if one {
        "1".into()
    } else {
        "0".into()
    }
}

/// Whether a statement list leaves the prange loop itself: a `return`
/// anywhere, or a `break` not inside a nested loop (`depth` 0).
fn leaves_loop(body: &[Stmt], depth: usize) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::Return(_) => true,
        StmtKind::Break => depth == 0,
        StmtKind::If { body, orelse, .. } => leaves_loop(body, depth) || leaves_loop(orelse, depth),
        StmtKind::While { body, orelse, .. } | StmtKind::For { body, orelse, .. } => {
            leaves_loop(body, depth + 1) || leaves_loop(orelse, depth)
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            leaves_loop(body, depth)
                || handlers.iter().any(|h| leaves_loop(&h.body, depth))
                || leaves_loop(orelse, depth)
                || leaves_loop(finalbody, depth)
        }
        StmtKind::Assign { .. }
        | StmtKind::AugAssign { .. }
        | StmtKind::Expr(_)
        | StmtKind::Continue
        | StmtKind::Pass
        | StmtKind::Raise(_)
        | StmtKind::Assert { .. }
        | StmtKind::FuncDef(_)
        | StmtKind::Unsupported(_) => false,
    })
}
