//! Lists: a list is `{meminfo*, payload*}`; the payload is
//! `oxjit_runtime::list::ListPayload` (`len`, `cap`, `items`, `itemsize`,
//! `dirty`, ...), and the items are held inline in the `items` buffer as
//! their LLVM type. Loads and stores of items are generated here; changing
//! the length goes through the runtime (`oxjit_rt_list_*`), which also
//! releases the references of the items it drops.
//!
//! An item read from a list is a reference of its own (a statement
//! temporary) when it holds counted memory: the statement may shrink the
//! list while the item is in use (`l.append(l.pop())`). An item stored
//! takes a new reference (`keep`: an array borrowed from Python is adopted).

use super::*;

/// Field indices of `ListPayload`, as i64 words.
const LEN: usize = 0;
const CAP: usize = 1;
const ITEMS: usize = 2;
const DIRTY: usize = 4;

/// The index paths and dtypes of the numbers a (nested) tuple holds.
pub(super) fn scalar_paths(t: &Ty, at: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, Dtype)>) {
    let t = t.clone().plain_tuple();
    if let Some(d) = t.scalar() {
        out.push((at.clone(), d));
    }
    if let Ty::Tuple(items) = t {
        for (i, it) in items.iter().enumerate() {
            at.push(i);
            scalar_paths(it, at, out);
            at.pop();
        }
    }
}

/// The index paths and types of the leaves a (nested) tuple is ordered by:
/// its numbers and strings, first to last.
fn sort_leaves(t: &Ty) -> Vec<(Vec<usize>, Ty)> {
    fn walk(t: &Ty, at: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, Ty)>) {
        let t = t.clone().plain_tuple();
        if let Ty::Tuple(items) = &t {
            for (i, it) in items.iter().enumerate() {
                at.push(i);
                walk(it, at, out);
                at.pop();
            }
        } else {
            out.push((at.clone(), t));
        }
    }
    let mut out = Vec::new();
    walk(t, &mut Vec::new(), &mut out);
    out
}

fn elem_of(t: &Ty) -> Ty {
    if let Ty::List(e) = t {
        return (**e).clone();
    }
    Ty::Unknown
}

impl<'p> FnGen<'_, 'p> {
    fn list_payload(&mut self, l: &V) -> String {
        self.val(&format!("extractvalue {{ptr, ptr}} {}, 1", l.r))
    }

    fn payload_field(&mut self, p: &str, k: usize) -> String {
        self.val(&format!("getelementptr inbounds i64, ptr {p}, i64 {k}"))
    }

    pub(super) fn list_len(&mut self, l: &V) -> String {
        let p = self.list_payload(l);
        let f = self.payload_field(&p, LEN);
        self.val(&format!("load i64, ptr {f}"))
    }

    fn list_items(&mut self, l: &V) -> String {
        let p = self.list_payload(l);
        let f = self.payload_field(&p, ITEMS);
        self.val(&format!("load ptr, ptr {f}"))
    }

    fn mark_dirty(&mut self, l: &V) {
        let p = self.list_payload(l);
        let f = self.payload_field(&p, DIRTY);
        self.emit(&format!("store i64 1, ptr {f}"));
    }

    fn item_slot(&mut self, items: &str, elem: &Ty, i: &str) -> String {
        self.val(&format!(
            "getelementptr {}, ptr {items}, i64 {i}",
            llty(elem)
        ))
    }

    /// A new empty list of `elem` items with room for `cap`, parked as a
    /// statement temporary.
    pub(super) fn new_list(&mut self, elem: &Ty, cap: &str) -> V {
        let it = llty(elem);
        let paths: Vec<Vec<usize>> = elem.meminfo_paths().into_iter().map(|(p, _)| p).collect();
        let (desc, n) = self.meminfo_descriptor(&it, &paths);
        let size = format!("ptrtoint (ptr getelementptr ({it}, ptr null, i32 1) to i64)");
        let mi = self.val(&format!(
            "call ptr @oxjit_rt_list_new(i64 {size}, ptr {desc}, i64 {n}, i64 {cap})"
        ));
        self.counted_pair(&mi, Ty::List(Box::new(elem.clone())), "memory for a list")
    }

    fn check_alloc(&mut self, p: &str) {
        let null = self.val(&format!("icmp eq ptr {p}, null"));
        let m = self.str_const("unable to allocate memory for a list");
        self.raise_if(&null, ExcKind::MemoryError, &[m]);
    }

    /// Python's index `i` into `n` items: negative counts from the end;
    /// outside, IndexError(`msg`).
    fn list_pos(&mut self, i: V, n: &str, msg: &str) -> String {
        let i = self.cast(i, &Ty::I64);
        let neg = self.val(&format!("icmp slt i64 {}, 0", i.r));
        let w = self.val(&format!("add i64 {}, {n}", i.r));
        let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {}", i.r));
        let bad = self.val(&format!("icmp uge i64 {j}, {n}"));
        let m = self.str_const(msg);
        self.raise_if(&bad, ExcKind::IndexError, &[m]);
        j
    }

    /// Item `j` (a valid position): a reference of its own when it holds
    /// counted memory.
    pub(super) fn list_get_at(&mut self, l: &V, j: &str) -> V {
        let elem = elem_of(&l.ty);
        let items = self.list_items(l);
        let p = self.item_slot(&items, &elem, j);
        let v = self.load(&elem, &p);
        if elem.owns_memory() {
            self.incref(&v);
            self.own_temp(&v);
        }
        v
    }

    /// Store `v` (a new reference taken) into the fresh, zeroed slot `p`.
    fn store_new(&mut self, p: &str, elem: &Ty, v: V) {
        let v = self.cast(v, elem);
        let v = self.keep(v);
        self.store(&v, p);
    }

    /// `l.append(x)`: in place while there is room (the common case, no
    /// call), else through the runtime, which grows the buffer.
    pub(super) fn list_push(&mut self, l: &V, x: V) {
        let elem = elem_of(&l.ty);
        let p = self.list_payload(l);
        let lenp = self.payload_field(&p, LEN);
        let n = self.val(&format!("load i64, ptr {lenp}"));
        let capp = self.payload_field(&p, CAP);
        let cap = self.val(&format!("load i64, ptr {capp}"));
        let n1 = self.val(&format!("add i64 {n}, 1"));
        let room = self.val(&format!("icmp slt i64 {n}, {cap}"));
        let (fast, slow, grown, join) = (
            self.label("pfast"),
            self.label("pgrow"),
            self.label("pgrown"),
            self.label("pjoin"),
        );
        self.emit(&format!(
            "br i1 {room}, label %{fast}, label %{slow}, !prof !1"
        ));
        self.terminated = true;
        self.start(&fast);
        let ip = self.payload_field(&p, ITEMS);
        let items_fast = self.val(&format!("load ptr, ptr {ip}"));
        self.emit(&format!("store i64 {n1}, ptr {lenp}"));
        let dp = self.payload_field(&p, DIRTY);
        self.emit(&format!("store i64 1, ptr {dp}"));
        self.br(&join);
        self.start(&slow);
        let items_slow = self.val(&format!(
            "call ptr @oxjit_rt_list_resize(ptr {p}, i64 {n1})"
        ));
        self.check_alloc(&items_slow);
        self.br(&grown);
        self.start(&grown);
        self.br(&join);
        self.start(&join);
        let items = self.val(&format!(
            "phi ptr [{items_fast}, %{fast}], [{items_slow}, %{grown}]"
        ));
        let slot = self.item_slot(&items, &elem, &n);
        self.store_new(&slot, &elem, x);
    }

    /// A counted loop `0..n` whose body's temporaries are released each
    /// iteration.
    pub(super) fn count_loop(
        &mut self,
        n: &str,
        body: &mut dyn FnMut(&mut Self, &str) -> R<()>,
    ) -> R<()> {
        let saved = std::mem::take(&mut self.temps);
        self.last_temp = None;
        let ctr = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {ctr}"));
        let (head, bl, end) = (self.label("lh"), self.label("lb"), self.label("le"));
        self.br(&head);
        self.start(&head);
        let i = self.val(&format!("load i64, ptr {ctr}"));
        let c = self.val(&format!("icmp slt i64 {i}, {n}"));
        self.cbr(&c, &bl, &end);
        self.start(&bl);
        body(self, &i)?;
        self.release_temps();
        let nx = self.val(&format!("add i64 {i}, 1"));
        self.emit(&format!("store i64 {nx}, ptr {ctr}"));
        self.br(&head);
        self.start(&end);
        self.temps = saved;
        self.last_temp = None;
        Ok(())
    }

    /// Visit each item of an iterable value (list, tuple, range, array).
    fn each_item(&mut self, v: V, f: &mut dyn FnMut(&mut Self, V) -> R<()>) -> R<()> {
        let (src, n) = self.src_of_value(V::new(v.r, v.ty.plain_tuple()))?;
        self.count_loop(&n, &mut |s, i| {
            let x = s.src_item(&src, i)?;
            f(s, x)
        })
    }

    /// `[a, b, ...]` as a list of `elem`.
    pub(super) fn list_display(&mut self, elem: &Ty, xs: &'p [Expr]) -> R<V> {
        let l = self.new_list(elem, &xs.len().to_string());
        for x in xs {
            let v = self.expr(x)?;
            self.list_push(&l, v);
        }
        Ok(l)
    }

    /// `l[i]` or `l[a:b:c]`.
    pub(super) fn list_getitem(&mut self, l: V, index: &'p Expr) -> R<V> {
        if let ExprKind::Slice(lo, hi, step) = &index.kind {
            let n = self.list_len(&l);
            let (start, count, step) = self.slice_indices(&n, lo, hi, step)?;
            let elem = elem_of(&l.ty);
            let out = self.new_list(&elem, &count);
            self.count_loop(&count, &mut |s, k| {
                let m = s.val(&format!("mul i64 {k}, {step}"));
                let j = s.val(&format!("add i64 {start}, {m}"));
                let x = s.list_get_at(&l, &j);
                s.list_push(&out, x);
                Ok(())
            })?;
            return Ok(out);
        }
        let i = self.expr(index)?;
        let n = self.list_len(&l);
        let j = self.list_pos(i, &n, "list index out of range");
        Ok(self.list_get_at(&l, &j))
    }

    /// Python's `slice.indices(n)`: the first position, the item count and
    /// the step (ValueError for a zero step).
    pub(super) fn slice_indices(
        &mut self,
        n: &str,
        lo: &'p Option<Box<Expr>>,
        hi: &'p Option<Box<Expr>>,
        step: &'p Option<Box<Expr>>,
    ) -> R<(String, String, String)> {
        let st = match step {
            Some(s) => {
                let v = self.expr(s)?;
                self.cast(v, &Ty::I64).r
            }
            None => "1".into(),
        };
        let zero = self.val(&format!("icmp eq i64 {st}, 0"));
        let m = self.str_const("slice step cannot be zero");
        self.raise_if(&zero, ExcKind::ValueError, &[m]);
        let neg = self.val(&format!("icmp slt i64 {st}, 0"));
        // Bounds clamp to [0, n] going up and to [-1, n-1] going down.
        let nm1 = self.val(&format!("sub i64 {n}, 1"));
        let lower = self.val(&format!("select i1 {neg}, i64 -1, i64 0"));
        let upper = self.val(&format!("select i1 {neg}, i64 {nm1}, i64 {n}"));
        let bound =
            |s: &mut Self, e: &'p Option<Box<Expr>>, dflt_up: &str, dflt_down: &str| -> R<String> {
                Ok(match e {
                    Some(x) => {
                        let v = s.expr(x)?;
                        let v = s.cast(v, &Ty::I64).r;
                        let isneg = s.val(&format!("icmp slt i64 {v}, 0"));
                        let w = s.val(&format!("add i64 {v}, {n}"));
                        let w = s.val(&format!("select i1 {isneg}, i64 {w}, i64 {v}"));
                        let w = s.i64_max(&w, &lower);
                        s.i64_min(&w, &upper)
                    }
                    None => s.val(&format!("select i1 {neg}, i64 {dflt_down}, i64 {dflt_up}")),
                })
            };
        let start = bound(self, lo, "0", &nm1)?;
        let stop = bound(self, hi, n, "-1")?;
        // count = max(0, ceil((stop - start) / step)).
        let d = self.val(&format!("sub i64 {stop}, {start}"));
        let adj = self.val(&format!("select i1 {neg}, i64 1, i64 -1"));
        let num = self.val(&format!("add i64 {d}, {st}"));
        let num = self.val(&format!("add i64 {num}, {adj}"));
        let q = self.val(&format!("sdiv i64 {num}, {st}"));
        let count = self.i64_max(&q, "0");
        Ok((start, count, st))
    }

    /// `c[i]` of a list or dict, the index already evaluated.
    pub(super) fn container_get(&mut self, c: &V, i: V) -> R<V> {
        if let Ty::Dict(_) = c.ty {
            return self.dict_getitem(c, i);
        }
        let n = self.list_len(c);
        let j = self.list_pos(i, &n, "list index out of range");
        Ok(self.list_get_at(c, &j))
    }

    /// `c[i] = v` of a list or dict, the index already evaluated.
    pub(super) fn container_set(&mut self, c: &V, i: V, v: V) -> R<()> {
        if let Ty::Dict(_) = c.ty {
            return self.dict_setitem(c, i, v);
        }
        let elem = elem_of(&c.ty);
        let n = self.list_len(c);
        let j = self.list_pos(i, &n, "list assignment index out of range");
        let items = self.list_items(c);
        let p = self.item_slot(&items, &elem, &j);
        let v = self.cast(v, &elem);
        let v = self.keep(v);
        let old = self.load(&elem, &p);
        self.store(&v, &p);
        self.decref(&old);
        self.mark_dirty(c);
        Ok(())
    }

    /// `l[i] = v`.
    pub(super) fn list_setitem(&mut self, l: &V, index: &'p Expr, v: V) -> R<()> {
        let i = self.expr(index)?;
        self.container_set(l, i, v)
    }

    /// `del l[i]`, `del l[a:b:c]`.
    pub(super) fn list_delitem(&mut self, l: &V, index: &'p Expr) -> R<()> {
        let n = self.list_len(l);
        let p = self.list_payload(l);
        let ExprKind::Slice(lo, hi, step) = &index.kind else {
            let i = self.expr(index)?;
            let j = self.list_pos(i, &n, "list assignment index out of range");
            let j1 = self.val(&format!("add i64 {j}, 1"));
            self.call_void(
                "@oxjit_rt_list_delete",
                &format!("ptr {p}, i64 {j}, i64 {j1}, i32 1"),
            );
            return Ok(());
        };
        let (start, count, st) = self.slice_indices(&n, lo, hi, step)?;
        // From the highest position down, so the positions left stay valid.
        let up = self.val(&format!("icmp sgt i64 {st}, 0"));
        self.count_loop(&count, &mut |s, k| {
            let back = s.val(&format!("sub i64 {count}, 1"));
            let back = s.val(&format!("sub i64 {back}, {k}"));
            let kk = s.val(&format!("select i1 {up}, i64 {back}, i64 {k}"));
            let m = s.val(&format!("mul i64 {kk}, {st}"));
            let at = s.val(&format!("add i64 {start}, {m}"));
            let at1 = s.val(&format!("add i64 {at}, 1"));
            s.call_void(
                "@oxjit_rt_list_delete",
                &format!("ptr {p}, i64 {at}, i64 {at1}, i32 1"),
            );
            Ok(())
        })
    }

    /// Append every item of an iterable value.
    fn list_extend(&mut self, l: &V, src: V) -> R<()> {
        // `l.extend(l)`: the items there were, once (the loop count is read
        // before the first append).
        self.each_item(src, &mut |s, x| {
            s.list_push(l, x);
            Ok(())
        })
    }

    /// A new list of the items of an iterable value.
    fn list_of(&mut self, v: V, elem: &Ty) -> R<V> {
        let out = self.new_list(elem, "0");
        self.list_extend(&out, v)?;
        Ok(out)
    }

    /// `l + m` and `l * n` (`n * l`).
    pub(super) fn list_binop(&mut self, op: BinOp, a: V, b: V, ty: &Ty) -> R<V> {
        let elem = elem_of(ty);
        if op == BinOp::Add {
            let out = self.new_list(&elem, "0");
            self.list_extend(&out, a)?;
            self.list_extend(&out, b)?;
            return Ok(out);
        }
        let (l, n) = if matches!(a.ty, Ty::List(_)) {
            (a, b)
        } else {
            (b, a)
        };
        let n = self.cast(n, &Ty::I64).r;
        let out = self.new_list(&elem, "0");
        self.count_loop(&n, &mut |s, _| s.list_extend(&out, l.clone()))?;
        Ok(out)
    }

    /// `l += m` and `l *= n`, in place (aliases of the list see it).
    pub(super) fn list_inplace(&mut self, op: BinOp, l: &V, v: V) -> R<()> {
        if op == BinOp::Add {
            return self.list_extend(l, v);
        }
        // l *= n: the items n times; n <= 0 empties the list.
        let n = self.cast(v, &Ty::I64).r;
        let copy = self.list_of(l.clone(), &elem_of(&l.ty))?;
        let p = self.list_payload(l);
        self.emit(&format!("call ptr @oxjit_rt_list_resize(ptr {p}, i64 0)"));
        self.count_loop(&n, &mut |s, _| s.list_extend(l, copy.clone()))
    }

    /// Python's `==` between two items (numbers, strings, tuples of them).
    fn item_eq(&mut self, a: V, b: V) -> R<String> {
        self.compare(CmpOp::Eq, a, b)
    }

    /// The first position in `lo..hi` of an item equal to `x`, or -1.
    fn list_find(&mut self, l: &V, x: &V, lo: &str, hi: &str) -> R<String> {
        let found = self.alloca("i64");
        self.emit(&format!("store i64 -1, ptr {found}"));
        let n = self.val(&format!("sub i64 {hi}, {lo}"));
        let done = self.label("found");
        let saved_end = done.clone();
        self.count_loop(&n, &mut |s, k| {
            let j = s.val(&format!("add i64 {lo}, {k}"));
            let it = s.list_get_at(l, &j);
            let eq = s.item_eq(it, x.clone())?;
            let (hit, miss) = (s.label("hit"), s.label("miss"));
            s.cbr(&eq, &hit, &miss);
            s.start(&hit);
            s.emit(&format!("store i64 {j}, ptr {found}"));
            // Leaving the loop early: release this iteration's temporaries
            // here too (the list stays for the path that goes on).
            let pending = s.temps.clone();
            s.release_temps();
            s.temps = pending;
            s.br(&saved_end);
            s.start(&miss);
            Ok(())
        })?;
        self.br(&done);
        self.start(&done);
        Ok(self.val(&format!("load i64, ptr {found}")))
    }

    /// `x in l`.
    pub(super) fn list_contains(&mut self, x: V, l: V) -> R<String> {
        let n = self.list_len(&l);
        let at = self.list_find(&l, &x, "0", &n)?;
        Ok(self.val(&format!("icmp sge i64 {at}, 0")))
    }

    /// `a == b` of two lists: the same length and equal items in order.
    pub(super) fn list_eq(&mut self, a: V, b: V) -> R<String> {
        let (na, nb) = (self.list_len(&a), self.list_len(&b));
        let slot = self.alloca("i1");
        let same = self.val(&format!("icmp eq i64 {na}, {nb}"));
        self.emit(&format!("store i1 {same}, ptr {slot}"));
        let (cmp, done) = (self.label("leq"), self.label("leqd"));
        self.cbr(&same, &cmp, &done);
        self.start(&cmp);
        self.count_loop(&na, &mut |s, k| {
            let x = s.list_get_at(&a, k);
            let y = s.list_get_at(&b, k);
            let eq = s.item_eq(x, y)?;
            let prev = s.val(&format!("load i1, ptr {slot}"));
            let both = s.val(&format!("and i1 {prev}, {eq}"));
            s.emit(&format!("store i1 {both}, ptr {slot}"));
            Ok(())
        })?;
        self.br(&done);
        self.start(&done);
        Ok(self.val(&format!("load i1, ptr {slot}")))
    }

    /// The value of a keyword argument of `call`, if given.
    fn kwarg_expr(call: &'p Call<'p>, name: &str) -> Option<&'p Expr> {
        call.kwargs.iter().find(|(k, _)| k == name).map(|(_, e)| *e)
    }

    /// The `ListFn` family; a method's receiver is `args[0]`.
    pub(super) fn list_fn(&mut self, f: ListFn, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let none = || Ok(V::unit(Ty::NoneType));
        match f {
            ListFn::New => match args.into_iter().next() {
                None => Ok(self.new_list(&elem_of(&ty), "0")),
                Some(v) => self.list_of(v, &elem_of(&ty)),
            },
            ListFn::Sorted => {
                let mut args = args.into_iter();
                let v = args.next().ok_or("sorted argument")?;
                let l = self.list_of(v, &elem_of(&ty))?;
                self.list_sort(&l, call)?;
                Ok(l)
            }
            ListFn::Reversed => {
                let v = args.into_iter().next().ok_or("reversed argument")?;
                if v.ty == Ty::Range {
                    return Ok(self.reversed_range(&v));
                }
                let l = self.list_of(v, &elem_of(&ty))?;
                let p = self.list_payload(&l);
                self.call_void("@oxjit_rt_list_reverse", &format!("ptr {p}"));
                Ok(l)
            }
            ListFn::Sort => {
                self.list_sort(&args[0], call)?;
                none()
            }
            ListFn::Copy => self.list_of(args[0].clone(), &elem_of(&ty)),
            ListFn::Append => {
                self.list_push(&args[0], args[1].clone());
                none()
            }
            ListFn::Extend => {
                self.list_extend(&args[0], args[1].clone())?;
                none()
            }
            ListFn::Insert => {
                let (l, elem) = (&args[0], elem_of(&args[0].ty));
                // Python clamps the position to the list.
                let n = self.list_len(l);
                let i = self.cast(args[1].clone(), &Ty::I64).r;
                let neg = self.val(&format!("icmp slt i64 {i}, 0"));
                let w = self.val(&format!("add i64 {i}, {n}"));
                let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {i}"));
                let j = self.i64_max(&j, "0");
                let j = self.i64_min(&j, &n);
                let p = self.list_payload(l);
                let slot = self.val(&format!("call ptr @oxjit_rt_list_insert(ptr {p}, i64 {j})"));
                self.check_alloc(&slot);
                self.store_new(&slot, &elem, args[2].clone());
                none()
            }
            ListFn::Pop => {
                let l = &args[0];
                let elem = elem_of(&l.ty);
                let n = self.list_len(l);
                let empty = self.val(&format!("icmp eq i64 {n}, 0"));
                let m = self.str_const("pop from empty list");
                self.raise_if(&empty, ExcKind::IndexError, &[m]);
                let i = args.get(1).cloned().unwrap_or(V::new("-1", Ty::I64));
                let j = self.list_pos(i, &n, "pop index out of range");
                // The item's reference moves into the result.
                let items = self.list_items(l);
                let p = self.item_slot(&items, &elem, &j);
                let v = self.load(&elem, &p);
                let pl = self.list_payload(l);
                let j1 = self.val(&format!("add i64 {j}, 1"));
                self.call_void(
                    "@oxjit_rt_list_delete",
                    &format!("ptr {pl}, i64 {j}, i64 {j1}, i32 0"),
                );
                self.own_temp(&v);
                Ok(v)
            }
            ListFn::Remove | ListFn::Index | ListFn::Count => self.list_search(f, &args),
            ListFn::Clear => {
                let p = self.list_payload(&args[0]);
                self.emit(&format!("call ptr @oxjit_rt_list_resize(ptr {p}, i64 0)"));
                none()
            }
            ListFn::Reverse => {
                let p = self.list_payload(&args[0]);
                self.call_void("@oxjit_rt_list_reverse", &format!("ptr {p}"));
                none()
            }
            ListFn::Sum => self.list_sum(args, call, ty),
            ListFn::DelItem => ice("`del` reaches lowering through the method path"),
            ListFn::Any | ListFn::All => {
                let all = f == ListFn::All;
                let slot = self.alloca("i1");
                self.emit(&format!("store i1 {all}, ptr {slot}"));
                let v = args[0].clone();
                self.each_item(v, &mut |s, x| {
                    let t = s.truth(&x)?;
                    let prev = s.val(&format!("load i1, ptr {slot}"));
                    let r = if all {
                        s.val(&format!("and i1 {prev}, {t}"))
                    } else {
                        s.val(&format!("or i1 {prev}, {t}"))
                    };
                    s.emit(&format!("store i1 {r}, ptr {slot}"));
                    Ok(())
                })?;
                Ok(V::new(self.val(&format!("load i1, ptr {slot}")), Ty::BOOL))
            }
        }
    }

    /// `l.remove(x)`, `l.index(x[, lo[, hi]])`, `l.count(x)`.
    fn list_search(&mut self, f: ListFn, args: &[V]) -> R<V> {
        let (l, x) = (&args[0], &args[1]);
        let n = self.list_len(l);
        if f == ListFn::Count {
            let slot = self.alloca("i64");
            self.emit(&format!("store i64 0, ptr {slot}"));
            self.count_loop(&n, &mut |s, k| {
                let it = s.list_get_at(l, k);
                let eq = s.item_eq(it, x.clone())?;
                let add = s.val(&format!("zext i1 {eq} to i64"));
                let prev = s.val(&format!("load i64, ptr {slot}"));
                let c = s.val(&format!("add i64 {prev}, {add}"));
                s.emit(&format!("store i64 {c}, ptr {slot}"));
                Ok(())
            })?;
            return Ok(V::new(self.val(&format!("load i64, ptr {slot}")), Ty::I64));
        }
        // index's bounds follow slice rules: clamped, negative from the end.
        let bound = |s: &mut Self, v: Option<&V>, dflt: &str| -> String {
            match v {
                Some(v) => {
                    let v = s.cast(v.clone(), &Ty::I64).r;
                    let neg = s.val(&format!("icmp slt i64 {v}, 0"));
                    let w = s.val(&format!("add i64 {v}, {n}"));
                    let w = s.val(&format!("select i1 {neg}, i64 {w}, i64 {v}"));
                    let w = s.i64_max(&w, "0");
                    s.i64_min(&w, &n)
                }
                None => dflt.to_string(),
            }
        };
        let lo = bound(self, args.get(2), "0");
        let hi = bound(self, args.get(3), &n);
        let hi = self.i64_max(&hi, &lo);
        let at = self.list_find(l, x, &lo, &hi)?;
        let missing = self.val(&format!("icmp slt i64 {at}, 0"));
        if f == ListFn::Index {
            let m = self.str_const(" is not in list");
            self.raise_if(&missing, ExcKind::ValueError, &[x.clone(), m]);
            return Ok(V::new(at, Ty::I64));
        }
        let m = self.str_const("list.remove(x): x not in list");
        self.raise_if(&missing, ExcKind::ValueError, &[m]);
        let p = self.list_payload(l);
        let at1 = self.val(&format!("add i64 {at}, 1"));
        self.call_void(
            "@oxjit_rt_list_delete",
            &format!("ptr {p}, i64 {at}, i64 {at1}, i32 1"),
        );
        Ok(V::unit(Ty::NoneType))
    }

    /// `sum(iterable[, start])`: left to right from `start`, as CPython 3.11
    /// and Numba add.
    fn list_sum(&mut self, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let mut args = args.into_iter();
        let v = args.next().ok_or("sum argument")?;
        let start = match (args.next(), Self::kwarg_expr(call, "start")) {
            (Some(s), _) => s,
            (None, Some(e)) => self.expr(e)?,
            (None, None) => Self::i64c(0),
        };
        let slot = self.alloca(&llty(&ty));
        let s0 = self.cast(start, &ty);
        self.store(&s0, &slot);
        let d = ty.scalar().ok_or("sum type")?;
        self.each_item(v, &mut |s, x| {
            let acc = s.load(&ty, &slot);
            let x = s.cast(x, &ty);
            let r = s.scalar_binop(BinOp::Add, acc, x, d, d)?;
            s.store(&r, &slot);
            Ok(())
        })?;
        Ok(self.load(&ty, &slot))
    }

    /// `min(x)` / `max(x)` of a list, dict, set, string or range: Python's
    /// scan (the first of equal extremes; a NaN compares false, so it is kept
    /// only when it comes first).
    pub(super) fn iter_minmax(&mut self, max: bool, x: V, ty: Ty) -> R<V> {
        let slot = self.alloca(&llty(&ty));
        let seen = self.alloca("i1");
        self.emit(&format!("store i1 false, ptr {seen}"));
        self.each_item(x, &mut |s, x| {
            let x = s.cast(x, &ty);
            let had = s.val(&format!("load i1, ptr {seen}"));
            let best = s.load(&ty, &slot);
            let (cmp, first, join) = (s.label("mmcmp"), s.label("mmfirst"), s.label("mmnext"));
            s.cbr(&had, &cmp, &first);
            s.start(&cmp);
            let op = if max { CmpOp::Gt } else { CmpOp::Lt };
            let better = s.compare(op, x.clone(), best)?;
            s.cbr(&better, &first, &join);
            s.start(&first);
            s.store(&x, &slot);
            s.emit(&format!("store i1 true, ptr {seen}"));
            s.br(&join);
            s.start(&join);
            Ok(())
        })?;
        let had = self.val(&format!("load i1, ptr {seen}"));
        let empty = self.val(&format!("xor i1 {had}, true"));
        let name = if max { "max" } else { "min" };
        let m = if crate::python_minor() >= 12 {
            self.str_const(&format!("{name}() iterable argument is empty"))
        } else {
            self.str_const(&format!("{name}() arg is an empty sequence"))
        };
        self.raise_if(&empty, ExcKind::ValueError, &[m]);
        // Borrowed from the iterable (or the statement's list of its items).
        Ok(self.load(&ty, &slot))
    }

    /// `np.array(l)`: a list of numbers as a 1-d array, a list of 1-d
    /// arrays as the rows of a 2-d one (ValueError when their lengths differ).
    pub(super) fn array_of_list(&mut self, l: &V, d: Dtype) -> R<V> {
        let n = self.list_len(l);
        let elem = elem_of(&l.ty);
        let ty = Ty::Scalar(d);
        if let Ty::Array(ra) = elem {
            // Rows: the first row's length (0 columns for no rows).
            let cols = self.alloca("i64");
            self.emit(&format!("store i64 0, ptr {cols}"));
            let empty = self.val(&format!("icmp eq i64 {n}, 0"));
            let (has, join) = (self.label("rows"), self.label("rowsd"));
            self.cbr(&empty, &join, &has);
            self.start(&has);
            let first = self.list_get_at(l, "0");
            let m0 = self.shape(&first, 0);
            self.emit(&format!("store i64 {m0}, ptr {cols}"));
            self.br(&join);
            self.start(&join);
            let m = self.val(&format!("load i64, ptr {cols}"));
            let out = self.alloc_array(d, &[n.clone(), m.clone()]);
            let ca = ArrayTy::new(d, 2, Layout::C);
            self.count_loop(&n, &mut |s, i| {
                let row = s.list_get_at(l, i);
                let len = s.shape(&row, 0);
                let bad = s.val(&format!("icmp ne i64 {len}, {m}"));
                let msg = s.str_const(
                    "setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions.",
                );
                s.raise_if(&bad, ExcKind::ValueError, &[msg]);
                let lp = s.nd_open(std::slice::from_ref(&m));
                let p = s.nd_ptr(&row, &ra, &lp.idx);
                let x = s.load_elem(ra.dtype, &p);
                let x = s.cast(x, &ty);
                let q = s.nd_ptr(&out, &ca, &[i.to_string(), lp.idx[0].clone()]);
                s.store_elem(&x, &q);
                s.nd_close(lp);
                Ok(())
            })?;
            return Ok(out);
        }
        let out = self.alloc_array(d, std::slice::from_ref(&n));
        let ca = ArrayTy::new(d, 1, Layout::C);
        self.count_loop(&n, &mut |s, i| {
            let x = s.list_get_at(l, i);
            let x = s.cast(x, &ty);
            let q = s.nd_ptr(&out, &ca, &[i.to_string()]);
            s.store_elem(&x, &q);
            Ok(())
        })?;
        Ok(out)
    }

    /// Sort `l` in place: stable; `reverse=` keeps equal items in their
    /// order (the list is reversed around an ascending sort); `key=` sorts
    /// by the numbers a compiled function gives; NaN sorts last.
    fn list_sort(&mut self, l: &V, call: &'p Call<'p>) -> R<()> {
        let reverse = match Self::kwarg_expr(call, "reverse") {
            Some(e) => {
                let v = self.expr(e)?;
                Some(self.truth(&v)?)
            }
            None => None,
        };
        let p = self.list_payload(l);
        let flip = |s: &mut Self| {
            if let Some(r) = &reverse {
                let (yes, no) = (s.label("rev"), s.label("norev"));
                s.cbr(r, &yes, &no);
                s.start(&yes);
                s.call_void("@oxjit_rt_list_reverse", &format!("ptr {p}"));
                s.br(&no);
                s.start(&no);
            }
        };
        flip(self);
        let n = self.list_len(l);
        let key = match Self::kwarg_expr(call, "key") {
            Some(k) => match (self.res(k), self.inst.ty(k)) {
                (
                    Some(Res::Call(Call {
                        callee: Callee::Instance { id, captures },
                        ..
                    })),
                    _,
                ) => Some((*id as usize, captures.clone())),
                (_, Ty::NoneType) => None,
                _ => return ice("unresolved sort key"),
            },
            None => None,
        };
        match key {
            None => {
                let elem = elem_of(&l.ty);
                if elem == Ty::Str {
                    let ok = self.val(&format!("call i32 @oxjit_rt_list_sort_text(ptr {p})"));
                    let bad = self.val(&format!("icmp eq i32 {ok}, 0"));
                    let m = self.str_const("unable to allocate memory to sort a list");
                    self.raise_if(&bad, ExcKind::MemoryError, &[m]);
                } else if let Ty::Scalar(d) = elem {
                    let items = self.list_items(l);
                    self.call_void(
                        "@oxjit_rt_sort",
                        &format!("ptr {items}, i64 {n}, i32 {}", d.numpy_type_num()),
                    );
                } else {
                    self.sort_tuples(l, None, &n)?;
                }
            }
            Some((id, captures)) => {
                let kt = self.p.instances[id].ret.clone();
                if matches!(kt.clone().plain_tuple(), Ty::Tuple(_)) {
                    // Tuple keys: taken once, then ordered leaf by leaf with
                    // the list following its keys.
                    let keys = self.new_list(&kt, &n);
                    self.count_loop(&n, &mut |s, k| {
                        let x = s.list_get_at(l, k);
                        let kv = s.call_instance(id, vec![x], &captures)?;
                        let kv = s.cast(kv, &kt);
                        s.list_push(&keys, kv);
                        Ok(())
                    })?;
                    self.sort_tuples(&keys, Some(l), &n)?;
                } else {
                    self.sort_by_keys(l, None, &n, &kt, &mut |s, x| {
                        let kv = s.call_instance(id, vec![x], &captures)?;
                        Ok(s.cast(kv, &kt))
                    })?;
                }
            }
        }
        flip(self);
        self.mark_dirty(l);
        Ok(())
    }

    /// Sort list `l` of `n` tuples (and `also` with it) lexicographically:
    /// stable sorts by each leaf, the last first, order them by their first
    /// leaf, then the next...
    fn sort_tuples(&mut self, l: &V, also: Option<&V>, n: &str) -> R<()> {
        let elem = elem_of(&l.ty);
        let et = llty(&elem);
        for (path, leaf) in sort_leaves(&elem).into_iter().rev() {
            let at = super::ownership::indices(&path);
            self.sort_by_keys(l, also, n, &leaf, &mut |s, x| {
                let r = s.val(&format!("extractvalue {et} {}, {at}", x.r));
                Ok(V::new(r, leaf.clone()))
            })?;
        }
        Ok(())
    }

    /// Reorder `l`'s `n` items (and `also`'s) stably by the keys `key` gives
    /// `l`'s: numbers (sorted as NumPy sorts them, NaN last) or strings (by
    /// their text).
    fn sort_by_keys(
        &mut self,
        l: &V,
        also: Option<&V>,
        n: &str,
        kt: &Ty,
        key: &mut dyn FnMut(&mut Self, V) -> R<V>,
    ) -> R<()> {
        let perm = self.alloc_array(Dtype::I64, &[n.to_string()]);
        let pp = self.data(&perm);
        if *kt == Ty::Str {
            let keys = self.new_list(&Ty::Str, n);
            self.count_loop(n, &mut |s, k| {
                let x = s.list_get_at(l, k);
                let kv = key(s, x)?;
                s.list_push(&keys, kv);
                Ok(())
            })?;
            let kp = self.list_payload(&keys);
            self.call_void(
                "@oxjit_rt_list_argsort_text",
                &format!("ptr {kp}, ptr {pp}"),
            );
            return self.permute_lists(l, also, &pp);
        }
        let Ty::Scalar(kd) = *kt else {
            return ice("sort key type");
        };
        let keys = self.alloc_array(kd, &[n.to_string()]);
        let kp = self.data(&keys);
        self.count_loop(n, &mut |s, k| {
            let x = s.list_get_at(l, k);
            let kv = key(s, x)?;
            let at = s.val(&format!("getelementptr {}, ptr {kp}, i64 {k}", mem_ty(kd)));
            s.store_elem(&kv, &at);
            Ok(())
        })?;
        self.call_void(
            "@oxjit_rt_argsort",
            &format!("ptr {kp}, i64 {n}, i32 {}, ptr {pp}", kd.numpy_type_num()),
        );
        self.permute_lists(l, also, &pp)
    }

    /// Put `l`'s items (and `also`'s) in the order of the item numbers at `pp`.
    fn permute_lists(&mut self, l: &V, also: Option<&V>, pp: &str) -> R<()> {
        if let Some(m) = also {
            self.permute_lists(m, None, pp)?;
        }
        let p = self.list_payload(l);
        let ok = self.val(&format!(
            "call i32 @oxjit_rt_list_permute(ptr {p}, ptr {pp})"
        ));
        let bad = self.val(&format!("icmp eq i32 {ok}, 0"));
        let m = self.str_const("unable to allocate memory to sort a list");
        self.raise_if(&bad, ExcKind::MemoryError, &[m]);
        Ok(())
    }
}
