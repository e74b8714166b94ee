//! Indexing: element pointers, tuple and fancy (integer/boolean) indices, getitem, setitem.

use super::*;

impl<'p> FnGen<'_, 'p> {
    pub(super) fn index_is_scalar(&self, a: &ArrayTy, index: &Expr) -> bool {
        let parts = oxjit_typeck::index_kinds(index);
        parts.len() == a.ndim as usize
            && parts.iter().all(|p| {
                !matches!(p.kind, ExprKind::Slice(..)) && !matches!(self.inst.ty(p), Ty::NoneType)
            })
    }

    /// Pointer to the element selected by an all-integer index.
    pub(super) fn element_ptr(&mut self, b: &V, a: &ArrayTy, index: &'p Expr) -> R<String> {
        let parts = oxjit_typeck::index_kinds(index);
        // CPython evaluates every index before the subscript checks any of
        // them: `a[i, j % m]` raises j % m's ZeroDivisionError before i's
        // IndexError.
        let mut vals = Vec::with_capacity(parts.len());
        for p in &parts {
            vals.push(self.expr(p)?);
        }
        let mut off = "0".to_string();
        for (d, iv) in vals.into_iter().enumerate() {
            let n = self.shape(b, d);
            let j = self.norm_index(iv, &n, d);
            let s = self.stride(b, a, d);
            let t = self.val(&format!("mul nsw i64 {j}, {s}"));
            off = self.val(&format!("add nsw i64 {off}, {t}"));
        }
        let data = self.data(b);
        Ok(self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}")))
    }

    pub(super) fn array_item(&mut self, b: &V, a: &ArrayTy, i: &str) -> R<V> {
        // b[i] along the first axis (iteration and unpacking).
        let s = self.stride(b, a, 0);
        let off = self.val(&format!("mul nsw i64 {i}, {s}"));
        let data = self.data(b);
        let ptr = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        if a.ndim == 1 {
            return Ok(self.load_elem(a.dtype, &ptr));
        }
        let nd = a.ndim as usize;
        let shape: Vec<String> = (1..nd).map(|d| self.shape(b, d)).collect();
        let strides: Vec<String> = (1..nd).map(|d| self.stride(b, a, d)).collect();
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&b.ty), b.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&b.ty), b.r));
        let out = ArrayTy {
            ndim: a.ndim - 1,
            layout: if a.layout == Layout::C {
                Layout::C
            } else {
                Layout::A
            },
            ..*a
        };
        Ok(self.make_array(&out, &mi, &parent, &ptr, &shape, &strides))
    }

    /// The index is a tuple-typed value (not a literal tuple): its items.
    fn tuple_index(&mut self, index: &'p Expr) -> R<Option<Vec<V>>> {
        if matches!(index.kind, ExprKind::Tuple(_)) {
            return Ok(None);
        }
        let Ty::Tuple(items) = self.inst.ty(index).clone() else {
            return Ok(None);
        };
        let v = self.expr(index)?;
        Ok(Some(
            (0..items.len())
                .map(|i| self.extract(&v, i, items[i].clone()))
                .collect(),
        ))
    }

    /// Pointer (all dims indexed) or view (leading dims indexed) for integer index values.
    fn index_by_values(&mut self, b: &V, a: &ArrayTy, vals: &[V]) -> R<Result<String, V>> {
        let mut off = "0".to_string();
        for (d, iv) in vals.iter().enumerate() {
            let n = self.shape(b, d);
            let j = self.norm_index(iv.clone(), &n, d);
            let s = self.stride(b, a, d);
            let t = self.val(&format!("mul nsw i64 {j}, {s}"));
            off = self.val(&format!("add nsw i64 {off}, {t}"));
        }
        let data = self.data(b);
        let ptr = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        let nd = a.ndim as usize;
        if vals.len() == nd {
            return Ok(Ok(ptr));
        }
        let shape: Vec<String> = (vals.len()..nd).map(|d| self.shape(b, d)).collect();
        let strides: Vec<String> = (vals.len()..nd).map(|d| self.stride(b, a, d)).collect();
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&b.ty), b.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&b.ty), b.r));
        let out = ArrayTy {
            ndim: (nd - vals.len()) as u8,
            layout: if a.layout == Layout::C {
                Layout::C
            } else {
                Layout::A
            },
            ..*a
        };
        Ok(Err(
            self.make_array(&out, &mi, &parent, &ptr, &shape, &strides)
        ))
    }

    /// Bisection over `[lo, hi)`: the first position where `go_right(mid)`
    /// (an `i1`) stops holding. Every sorted search (searchsorted, interp,
    /// histogram edges, digitize) is this loop with its own step test.
    pub(super) fn bisect(
        &mut self,
        lo0: &str,
        hi0: &str,
        go_right: &mut dyn FnMut(&mut Self, &str) -> R<String>,
    ) -> R<String> {
        let lo = self.alloca("i64");
        let hi = self.alloca("i64");
        self.emit(&format!("store i64 {lo0}, ptr {lo}"));
        self.emit(&format!("store i64 {hi0}, ptr {hi}"));
        let (head, body, done) = (self.label("bs"), self.label("bsb"), self.label("bsd"));
        self.start(&head);
        let l = self.val(&format!("load i64, ptr {lo}"));
        let h = self.val(&format!("load i64, ptr {hi}"));
        let c = self.val(&format!("icmp slt i64 {l}, {h}"));
        self.cbr(&c, &body, &done);
        self.start(&body);
        let span = self.val(&format!("sub i64 {h}, {l}"));
        let half = self.val(&format!("lshr i64 {span}, 1"));
        let mid = self.val(&format!("add i64 {l}, {half}"));
        let go = go_right(self, &mid)?;
        let m1 = self.val(&format!("add i64 {mid}, 1"));
        let nl = self.val(&format!("select i1 {go}, i64 {m1}, i64 {l}"));
        let nh = self.val(&format!("select i1 {go}, i64 {h}, i64 {mid}"));
        self.emit(&format!("store i64 {nl}, ptr {lo}"));
        self.emit(&format!("store i64 {nh}, ptr {hi}"));
        self.br(&head);
        self.start(&done);
        Ok(self.val(&format!("load i64, ptr {lo}")))
    }

    /// The two passes of every selection by truth (nonzero, flatnonzero,
    /// argwhere, boolean masks): count the true elements of `m` in C order,
    /// make the output for that count with `alloc`, then call `put` with each
    /// true element's index, its rank among them and its flat position.
    pub(super) fn select_true<T>(
        &mut self,
        m: &V,
        ma: &ArrayTy,
        alloc: impl FnOnce(&mut Self, &str) -> T,
        mut put: impl FnMut(&mut Self, &T, &[String], &str, &str) -> R<()>,
    ) -> R<T> {
        let shape: Vec<String> = (0..ma.ndim as usize).map(|d| self.shape(m, d)).collect();
        let cnt = self.alloca("i64");
        let flat = self.alloca("i64");
        // Reset here, not only at entry: the selection may run in a loop.
        self.emit(&format!("store i64 0, ptr {cnt}"));
        let lp = self.nd_open(&shape);
        let p = self.nd_ptr(m, ma, &lp.idx);
        let x = self.load_elem(ma.dtype, &p);
        let t = self.truth(&x)?;
        let z = self.val(&format!("zext i1 {t} to i64"));
        let c = self.val(&format!("load i64, ptr {cnt}"));
        let c1 = self.val(&format!("add i64 {c}, {z}"));
        self.emit(&format!("store i64 {c1}, ptr {cnt}"));
        self.nd_close(lp);
        let total = self.val(&format!("load i64, ptr {cnt}"));
        let out = alloc(self, &total);
        self.emit(&format!("store i64 0, ptr {cnt}"));
        self.emit(&format!("store i64 0, ptr {flat}"));
        let lp = self.nd_open(&shape);
        let p = self.nd_ptr(m, ma, &lp.idx);
        let x = self.load_elem(ma.dtype, &p);
        let t = self.truth(&x)?;
        let k = self.val(&format!("load i64, ptr {flat}"));
        let (l1, l2) = (self.label("sel"), self.label("selskip"));
        self.cbr(&t, &l1, &l2);
        self.start(&l1);
        let c = self.val(&format!("load i64, ptr {cnt}"));
        put(self, &out, &lp.idx, &c, &k)?;
        let c1 = self.val(&format!("add i64 {c}, 1"));
        self.emit(&format!("store i64 {c1}, ptr {cnt}"));
        self.br(&l2);
        self.start(&l2);
        let k1 = self.val(&format!("add i64 {k}, 1"));
        self.emit(&format!("store i64 {k1}, ptr {flat}"));
        self.nd_close(lp);
        Ok(out)
    }

    /// Boolean-mask and integer-array indexing (a copy).
    pub(super) fn fancy_get(&mut self, b: &V, a: &ArrayTy, idx: &V) -> R<V> {
        let Ty::Array(ia) = idx.ty.clone() else {
            return ice("fancy index");
        };
        if ia.dtype == Dtype::Bool {
            self.mask_check(b, a, idx)?;
            let d = a.dtype;
            return self.select_true(
                idx,
                &ia,
                |s, total| s.alloc_array(d, &[total.to_string()]),
                |s, out, i, c, _| {
                    let q = s.nd_ptr(b, a, i);
                    let x = s.load_elem(d, &q);
                    s.flat_store(out, d, c, &x);
                    Ok(())
                },
            );
        }
        // Integer index array: selects along the first axis, so the result
        // has shape idx.shape + a.shape[1:].
        let ishape: Vec<String> = (0..ia.ndim as usize).map(|d| self.shape(idx, d)).collect();
        let rest: Vec<String> = (1..a.ndim as usize).map(|d| self.shape(b, d)).collect();
        let mut shape = ishape.clone();
        shape.extend(rest.iter().cloned());
        let out = self.alloc_array(a.dtype, &shape);
        let ca = ArrayTy::new(a.dtype, shape.len() as u8, Layout::C);
        let n = self.shape(b, 0);
        let lp = self.nd_open(&ishape);
        let p = self.nd_ptr(idx, &ia, &lp.idx);
        let iv = self.load_elem(ia.dtype, &p);
        let j = self.checked_index(iv, &n)?;
        let inner = self.nd_open(&rest);
        let mut src_idx = vec![j];
        src_idx.extend(inner.idx.iter().cloned());
        let q = self.nd_ptr(b, a, &src_idx);
        let x = self.load_elem(a.dtype, &q);
        let mut dst_idx = lp.idx.clone();
        dst_idx.extend(inner.idx.iter().cloned());
        let o = self.nd_ptr(&out, &ca, &dst_idx);
        self.store_elem(&x, &o);
        self.nd_close(inner);
        self.nd_close(lp);
        Ok(out)
    }

    /// Wrap a negative index and always check bounds (fancy indexing raises
    /// IndexError in NumPy whatever boundscheck says).
    fn checked_index(&mut self, iv: V, n: &str) -> R<String> {
        self.checked_index_axis(iv, n, 0)
    }

    fn checked_index_axis(&mut self, iv: V, n: &str, axis: usize) -> R<String> {
        let i = self.cast(iv, &Ty::I64);
        let neg = self.val(&format!("icmp slt i64 {}, 0", i.r));
        let w = self.val(&format!("add i64 {}, {n}", i.r));
        let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {}", i.r));
        let bad = self.val(&format!("icmp uge i64 {j}, {n}"));
        let p1 = self.str_const("index ");
        let p2 = self.str_const(&format!(" is out of bounds for axis {axis} with size "));
        self.raise_if(
            &bad,
            ExcKind::IndexError,
            &[p1, i.clone(), p2, V::new(n, Ty::I64)],
        );
        Ok(j)
    }

    /// `a[..., idx, ...]` with one 1-d index array among ints, slices and
    /// None: the basic view with that axis kept whole, the positions it
    /// selects (a boolean mask stands for its nonzero positions), and the
    /// view's axis they apply to.
    fn fancy_axis(&mut self, b: &V, a: &ArrayTy, index: &'p Expr) -> R<(V, ArrayTy, usize, V)> {
        let mut fancy = None;
        // The view keeps slices, None and the index array's axis; ints and
        // every non-None part consume an input axis.
        let parts = oxjit_typeck::index_kinds(index);
        let plain = |s: &Self, p: &Expr, t: fn(&Ty) -> bool| {
            t(s.inst.ty(p)) && !matches!(p.kind, ExprKind::Slice(..))
        };
        let kept = parts
            .iter()
            .filter(|p| !plain(self, p, |t| matches!(t, Ty::Scalar(d) if d.is_int())))
            .count();
        let consumed = parts
            .iter()
            .filter(|p| !plain(self, p, |t| *t == Ty::NoneType))
            .count();
        let nd = kept + a.ndim as usize - consumed;
        let wa = ArrayTy::new(a.dtype, nd as u8, Layout::A);
        let w = self.view_with(b, a, index, &wa, &mut fancy)?;
        let (ax, ie) = fancy.ok_or("fancy axis")?;
        let iv = self.expr(ie)?;
        let Ty::Array(ia) = iv.ty.clone() else {
            return ice("index array");
        };
        let n = self.shape(&w, ax);
        let pos = if ia.dtype == Dtype::Bool {
            let m = self.shape(&iv, 0);
            let bad = self.val(&format!("icmp ne i64 {n}, {m}"));
            let p1 = self.str_const(&format!(
                "boolean index did not match indexed array along axis {ax}; size of axis is "
            ));
            let p2 = self.str_const(" but size of corresponding boolean axis is ");
            self.raise_if(
                &bad,
                ExcKind::IndexError,
                &[p1, V::new(n.clone(), Ty::I64), p2, V::new(m, Ty::I64)],
            );
            self.select_true(
                &iv,
                &ia,
                |s, total| s.alloc_array(Dtype::I64, &[total.to_string()]),
                |s, out, i, c, _| {
                    s.flat_store(out, Dtype::I64, c, &V::new(i[0].clone(), Ty::I64));
                    Ok(())
                },
            )?
        } else {
            // Normalised and bounds-checked positions.
            let k = self.shape(&iv, 0);
            let out = self.alloc_array(Dtype::I64, std::slice::from_ref(&k));
            let lp = self.nd_open(std::slice::from_ref(&k));
            let p = self.nd_ptr(&iv, &ia, &lp.idx);
            let x = self.load_elem(ia.dtype, &p);
            let j = self.checked_index_axis(x, &n, ax)?;
            self.flat_store(&out, Dtype::I64, &lp.idx[0].clone(), &V::new(j, Ty::I64));
            self.nd_close(lp);
            out
        };
        Ok((w, wa, ax, pos))
    }

    /// Read `a[..., idx, ...]` (see `fancy_axis`) into a new C array.
    pub(super) fn fancy_axis_get(&mut self, b: &V, a: &ArrayTy, index: &'p Expr) -> R<V> {
        let (w, wa, ax, pos) = self.fancy_axis(b, a, index)?;
        let nd = wa.ndim as usize;
        let mut shape: Vec<String> = (0..nd).map(|d| self.shape(&w, d)).collect();
        shape[ax] = self.shape(&pos, 0);
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, wa.ndim, Layout::C);
        let lp = self.nd_open(&shape);
        let j = self.flat_elem(&pos, Dtype::I64, &lp.idx[ax].clone());
        let mut src = lp.idx.clone();
        src[ax] = j.r;
        let p = self.nd_ptr(&w, &wa, &src);
        let x = self.load_elem(a.dtype, &p);
        let q = self.nd_ptr(&out, &oa, &lp.idx);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok(out)
    }

    /// `a[..., idx, ...] = v`: `v` broadcast to the selection's shape,
    /// written position by position (later duplicates win, as in NumPy).
    pub(super) fn fancy_axis_set(&mut self, b: &V, a: &ArrayTy, index: &'p Expr, v: V) -> R<()> {
        let (w, wa, ax, pos) = self.fancy_axis(b, a, index)?;
        let nd = wa.ndim as usize;
        let mut shape: Vec<String> = (0..nd).map(|d| self.shape(&w, d)).collect();
        shape[ax] = self.shape(&pos, 0);
        // The value broadcast to the selection, buffered when it may share
        // memory with the target.
        let vals = match v.ty.clone() {
            Ty::Array(va) => {
                let src = self.copy_if_shared(&v, &va, b)?;
                let sel = self.alloc_array(a.dtype, &shape);
                let sa = ArrayTy::new(a.dtype, wa.ndim, Layout::C);
                let leaves = vec![src];
                self.fused_into(&sel, &sa, &Node::Leaf(0), &leaves)?;
                Some((sel, sa))
            }
            Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Str
            | Ty::Tuple(_)
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
            | Ty::Unknown => None,
        };
        let et = Ty::Scalar(a.dtype);
        let scalar = match &vals {
            None => Some(self.cast(v, &et)),
            Some(_) => None,
        };
        let lp = self.nd_open(&shape);
        let x = match (&vals, &scalar) {
            (Some((sel, sa)), _) => {
                let p = self.nd_ptr(sel, sa, &lp.idx);
                self.load_elem(a.dtype, &p)
            }
            (None, Some(s)) => s.clone(),
            _ => return ice("fancy value"),
        };
        let j = self.flat_elem(&pos, Dtype::I64, &lp.idx[ax].clone());
        let mut dst = lp.idx.clone();
        dst[ax] = j.r;
        let q = self.nd_ptr(&w, &wa, &dst);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok(())
    }

    fn mask_check(&mut self, b: &V, a: &ArrayTy, idx: &V) -> R<()> {
        for d in 0..a.ndim as usize {
            let s1 = self.shape(b, d);
            let s2 = self.shape(idx, d);
            let bad = self.val(&format!("icmp ne i64 {s1}, {s2}"));
            let p1 = self.str_const(&format!(
                "boolean index did not match indexed array along axis {d}; size of axis is "
            ));
            let p2 = self.str_const(" but size of corresponding boolean axis is ");
            self.raise_if(
                &bad,
                ExcKind::IndexError,
                &[p1, V::new(s1, Ty::I64), p2, V::new(s2, Ty::I64)],
            );
        }
        Ok(())
    }

    pub(super) fn fancy_set(&mut self, b: &V, a: &ArrayTy, idx: &V, v: V) -> R<()> {
        let Ty::Array(ia) = idx.ty.clone() else {
            return ice("fancy index");
        };
        let et = Ty::Scalar(a.dtype);
        let src = match v.ty.clone() {
            Ty::Array(va) => Some((self.as_c(&v, &va)?.0, va)),
            Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Str
            | Ty::Tuple(_)
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
            | Ty::Unknown => None,
        };
        let scalar = if src.is_none() {
            Some(self.cast(v, &et))
        } else {
            None
        };
        if let Some((sv, _)) = &src {
            // The number of targets must match the values (or one value):
            // count them first so nothing reads past the values array.
            let targets = if ia.dtype == Dtype::Bool {
                self.mask_check(b, a, idx)?;
                let shape: Vec<String> = (0..a.ndim as usize).map(|d| self.shape(b, d)).collect();
                let c = self.alloca("i64");
                self.emit(&format!("store i64 0, ptr {c}"));
                let lp = self.nd_open(&shape);
                let p = self.nd_ptr(idx, &ia, &lp.idx);
                let m = self.load_elem(Dtype::Bool, &p);
                let z = self.val(&format!("zext i1 {} to i64", m.r));
                let c0 = self.val(&format!("load i64, ptr {c}"));
                let c1 = self.val(&format!("add i64 {c0}, {z}"));
                self.emit(&format!("store i64 {c1}, ptr {c}"));
                self.nd_close(lp);
                self.val(&format!("load i64, ptr {c}"))
            } else {
                self.nitems(idx)
            };
            let n = self.nitems(sv);
            let ne = self.val(&format!("icmp ne i64 {n}, {targets}"));
            let not1 = self.val(&format!("icmp ne i64 {n}, 1"));
            let bad = self.val(&format!("and i1 {ne}, {not1}"));
            let p1 = self.str_const("NumPy boolean array indexing assignment cannot assign ");
            let p2 = self.str_const(" input values to the ");
            let p3 = self.str_const(" output values where the mask is true");
            let (p1, p3) = if ia.dtype == Dtype::Bool {
                (p1, p3)
            } else {
                (
                    self.str_const("shape mismatch: cannot assign "),
                    self.str_const(" indexed positions"),
                )
            };
            self.raise_if(
                &bad,
                ExcKind::ValueError,
                &[p1, V::new(n, Ty::I64), p2, V::new(targets, Ty::I64), p3],
            );
        }
        let cnt = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {cnt}"));
        let next = |s: &mut Self| -> R<V> {
            if let Some(x) = &scalar {
                return Ok(x.clone());
            }
            let (sv, sa) = src.clone().ok_or("assignment source")?;
            let c = s.val(&format!("load i64, ptr {cnt}"));
            let n = s.nitems(&sv);
            // NumPy cycles a shorter value array; we require the exact count
            // or a single element.
            let one = s.val(&format!("icmp eq i64 {n}, 1"));
            let k = s.val(&format!("select i1 {one}, i64 0, i64 {c}"));
            let x = s.flat_elem(&sv, sa.dtype, &k);
            let c1 = s.val(&format!("add i64 {c}, 1"));
            s.emit(&format!("store i64 {c1}, ptr {cnt}"));
            Ok(s.cast(x, &et))
        };
        if ia.dtype == Dtype::Bool {
            self.mask_check(b, a, idx)?;
            let shape: Vec<String> = (0..a.ndim as usize).map(|d| self.shape(b, d)).collect();
            let lp = self.nd_open(&shape);
            let p = self.nd_ptr(idx, &ia, &lp.idx);
            let m = self.load_elem(Dtype::Bool, &p);
            let (l1, l2) = (self.label("mset"), self.label("mskip"));
            self.cbr(&m.r, &l1, &l2);
            self.start(&l1);
            let x = next(self)?;
            let q = self.nd_ptr(b, a, &lp.idx);
            self.store_elem(&x, &q);
            self.start(&l2);
            self.nd_close(lp);
            return Ok(());
        }
        let shape: Vec<String> = (0..ia.ndim as usize).map(|d| self.shape(idx, d)).collect();
        let n = self.shape(b, 0);
        let lp = self.nd_open(&shape);
        let p = self.nd_ptr(idx, &ia, &lp.idx);
        let iv = self.load_elem(ia.dtype, &p);
        let j = self.checked_index(iv, &n)?;
        let x = next(self)?;
        let q = self.nd_ptr(b, a, &[j]);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok(())
    }

    pub(super) fn getitem(&mut self, b: V, index: &'p Expr, ty: Ty) -> R<V> {
        if let Ty::List(_) = b.ty {
            return self.list_getitem(b, index);
        }
        if let Ty::RecordArray(_) = b.ty {
            return self.record_array_get(&b, index, ty);
        }
        if let (Ty::Record(_), ExprKind::Str(name)) = (&b.ty, &index.kind) {
            return self.record_get(&b, name);
        }
        if b.ty == Ty::Str {
            return self.str_getitem(b, index);
        }
        if let Ty::Dict(_) = b.ty {
            let k = self.expr(index)?;
            return self.dict_getitem(&b, k);
        }
        if let Ty::Array(a) = b.ty.clone() {
            if self.per_axis_fancy(&a, index, false) {
                return self.fancy_axis_get(&b, &a, index);
            }
        }
        if let (Ty::Array(a), ExprKind::Tuple(parts)) = (b.ty.clone(), &index.kind) {
            // `a[idx, :, ...]` is `a[idx]`.
            let full = |p: &Expr| matches!(&p.kind, ExprKind::Slice(None, None, None));
            if let Some(first) = parts.first() {
                if matches!(self.inst.ty(first), Ty::Array(_)) && parts[1..].iter().all(full) {
                    let iv = self.expr(first)?;
                    return self.fancy_get(&b, &a, &iv);
                }
            }
        }
        if let Ty::Array(a) = b.ty.clone() {
            if let Ty::Array(_) = self.inst.ty(index) {
                let iv = self.expr(index)?;
                return self.fancy_get(&b, &a, &iv);
            }
            if let Some(vals) = self.tuple_index(index)? {
                return Ok(match self.index_by_values(&b, &a, &vals)? {
                    Ok(ptr) => self.load_elem(a.dtype, &ptr),
                    Err(view) => view,
                });
            }
        }
        match b.ty.clone().plain_tuple() {
            Ty::Array(a) => {
                if self.index_is_scalar(&a, index) {
                    let ptr = self.element_ptr(&b, &a, index)?;
                    return Ok(self.load_elem(a.dtype, &ptr));
                }
                let Ty::Array(out) = ty else {
                    return ice("array index result");
                };
                self.view(&b, &a, index, &out)
            }
            Ty::Tuple(items) => {
                if let ExprKind::Slice(lo, hi, st) = &index.kind {
                    let sel = oxjit_typeck::tuple_slice(
                        items.len(),
                        [lo, hi, st].map(|b| b.as_deref().map(|x| self.res(x))),
                    )
                    .ok_or("tuple slice bounds")?;
                    let vals: Vec<V> = sel
                        .iter()
                        .map(|&i| self.extract(&b, i, items[i].clone()))
                        .collect();
                    return Ok(self.build_tuple(vals));
                }
                if let Some(Res::Const(Const::Int(i))) = self.res(index) {
                    let n = items.len() as i64;
                    let j = if *i < 0 { i + n } else { *i } as usize;
                    return Ok(self.extract(&b, j, items[j].clone()));
                }
                // Dynamic index into a homogeneous tuple: spill to memory.
                let iv = self.expr(index)?;
                let elem = items.first().cloned().unwrap_or(Ty::Unknown);
                let n = items.len();
                let arr = self.alloca(&format!("[{n} x {}]", llty(&elem)));
                self.store(&b, &arr);
                let iv = self.cast(iv, &Ty::I64);
                let neg = self.val(&format!("icmp slt i64 {}, 0", iv.r));
                let w = self.val(&format!("add i64 {}, {n}", iv.r));
                let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {}", iv.r));
                let bad = self.val(&format!("icmp uge i64 {j}, {n}"));
                let m = self.str_const("tuple index out of range");
                self.raise_if(&bad, ExcKind::IndexError, &[m]);
                let p = self.val(&format!(
                    "getelementptr [{n} x {}], ptr {arr}, i64 0, i64 {j}",
                    llty(&elem)
                ));
                Ok(self.load(&elem, &p))
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
            | Ty::Unknown) => ice(format!("cannot index {other}")),
        }
    }

    /// Whether `a[index]` is served per axis (see `oxjit_typeck::Fancy`):
    /// one index array among other indices, or integer rows of an N-d array.
    pub(super) fn per_axis_fancy(&self, a: &ArrayTy, index: &'p Expr, write: bool) -> bool {
        use oxjit_typeck::Fancy;
        match self.inst.fancy(index) {
            Some(Fancy::Axis) => true,
            Some(Fancy::Rows) => write && a.ndim > 1,
            _ => false,
        }
    }

    pub(super) fn setitem(&mut self, b: &V, index: &'p Expr, v: V) -> R<()> {
        if let Ty::List(_) = b.ty {
            return self.list_setitem(b, index, v);
        }
        if let (Ty::Record(_), ExprKind::Str(name)) = (&b.ty, &index.kind) {
            return self.record_set(b, name, v);
        }
        if let Ty::Dict(_) = b.ty {
            let k = self.expr(index)?;
            return self.dict_setitem(b, k, v);
        }
        let Ty::Array(a) = b.ty.clone() else {
            return ice("item assignment into a non-array");
        };
        if self.per_axis_fancy(&a, index, true) {
            return self.fancy_axis_set(b, &a, index, v);
        }
        if let Ty::Array(_) = self.inst.ty(index) {
            let iv = self.expr(index)?;
            return self.fancy_set(b, &a, &iv, v);
        }
        if let Some(vals) = self.tuple_index(index)? {
            return match self.index_by_values(b, &a, &vals)? {
                Ok(ptr) => {
                    let v = self.cast(v, &Ty::Scalar(a.dtype));
                    self.store_elem(&v, &ptr);
                    Ok(())
                }
                Err(view) => {
                    let Ty::Array(va) = view.ty.clone() else {
                        return ice("view");
                    };
                    self.assign_into(&view, &va, v)
                }
            };
        }
        if self.index_is_scalar(&a, index) {
            let ptr = self.element_ptr(b, &a, index)?;
            let v = self.cast(v, &Ty::Scalar(a.dtype));
            self.store_elem(&v, &ptr);
            return Ok(());
        }
        let Ty::Array(out) = self
            .inst
            .ty(index)
            .clone()
            .array()
            .map(|_| Ty::Unknown)
            .unwrap_or_else(|| {
                // The view's type: recompute from the index (same rule as getitem).
                let parts = oxjit_typeck::index_kinds(index);
                let ints = parts
                    .iter()
                    .filter(|p| !matches!(p.kind, ExprKind::Slice(..)))
                    .count();
                Ty::Array(ArrayTy {
                    ndim: a.ndim - ints as u8,
                    layout: Layout::A,
                    ..a
                })
            })
        else {
            return ice("slice assignment type");
        };
        let target = self.view(b, &a, index, &out)?;
        self.assign_into(&target, &out, v)
    }
}
