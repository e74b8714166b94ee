//! Fused element-wise array expressions: the tree, broadcasting and the one loop over it.

use super::*;

impl<'p> FnGen<'_, 'p> {
    // ----- array expressions (fused element-wise loops) ----------------------

    fn elementwise_call(&self, e: &Expr) -> bool {
        match self.res(e) {
            Some(Res::Call(Call {
                callee: Callee::Builtin(b),
                ..
            })) => oxjit_typeck::registry::elementwise(*b),
            Some(Res::Call(Call {
                callee: Callee::Map { .. },
                ..
            })) => true,
            _ => false,
        }
    }

    /// An array-typed expression computed element by element.
    pub(super) fn is_elementwise(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Bin(op, ..) => *op != BinOp::MatMul,
            ExprKind::Unary(..) => true,
            ExprKind::Compare(_, rest) => rest.len() == 1,
            ExprKind::Call { .. } => self.elementwise_call(e),
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::NoneLit
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::Attr(..)
            | ExprKind::BoolOp(..)
            | ExprKind::IfExp(..)
            | ExprKind::Subscript(..)
            | ExprKind::Slice(..)
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::Lambda(_)
            | ExprKind::Unsupported(_) => false,
        }
    }

    /// An element-wise expression of a 0-d array: NumPy gives a scalar,
    /// computed through a 0-d temporary.
    pub(super) fn is_zero_d_elementwise(&self, e: &Expr) -> bool {
        let arr = |x: &Expr| matches!(self.inst.ty(x), Ty::Array(a) if a.ndim == 0);
        if !(matches!(self.inst.ty(e), Ty::Scalar(_)) && self.is_elementwise(e)) {
            return false;
        }
        if let ExprKind::Bin(_, l, r) = &e.kind {
            return arr(l) || arr(r);
        }
        if let ExprKind::Unary(_, x) = &e.kind {
            return arr(x);
        }
        if let ExprKind::Compare(l, rest) = &e.kind {
            let ordering = rest.iter().all(|(op, _)| {
                matches!(
                    op,
                    CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge
                )
            });
            return ordering && (arr(l) || rest.iter().any(|(_, r)| arr(r)));
        }
        if let Some(Res::Call(call)) = self.res(e) {
            return call
                .args
                .iter()
                .any(|a| matches!(a, Arg::Expr(x) if arr(x)));
        }
        false
    }

    /// The scalar result of an element-wise expression over 0-d arrays.
    pub(super) fn zero_d_elementwise(&mut self, e: &'p Expr, d: Dtype) -> R<V> {
        let a = ArrayTy::new(d, 0, Layout::C);
        let out = self.fused(e, a)?;
        let p = self.nd_ptr(&out, &a, &[]);
        // (the temporary is owned by the statement and released with it)
        Ok(self.load_elem(d, &p))
    }

    /// Build the element-wise tree of `e`, evaluating its leaves now.
    pub(super) fn tree(&mut self, e: &'p Expr, leaves: &mut Vec<V>) -> R<Node<'p>> {
        let ty = self.inst.ty(e).clone();
        let is_arr = matches!(ty, Ty::Array(_)) || self.is_zero_d_elementwise(e);
        if is_arr && self.is_elementwise(e) && !matches!(self.res(e), Some(Res::Const(_))) {
            let d = ty
                .array()
                .map(|a| a.dtype)
                .or(ty.scalar())
                .unwrap_or(Dtype::F64);
            return Ok(match &e.kind {
                // NumPy's `array ** scalar` takes the square/sqrt/reciprocal
                // loop for exponents 2, 0.5 and -1 (np.power does not).
                ExprKind::Bin(BinOp::Pow, l, r)
                    if matches!(self.inst.ty(l), Ty::Array(_))
                        && matches!(self.inst.ty(r), Ty::Scalar(_)) =>
                {
                    let a = self.tree(l, leaves)?;
                    let b = self.tree(r, leaves)?;
                    Node::ScalarPow(Box::new(a), Box::new(b), d)
                }
                ExprKind::Bin(op, l, r) => {
                    let a = self.tree(l, leaves)?;
                    let b = self.tree(r, leaves)?;
                    Node::Bin(*op, Box::new(a), Box::new(b), d)
                }
                ExprKind::Unary(op, x) => Node::Un(*op, Box::new(self.tree(x, leaves)?), d),
                ExprKind::Compare(l, rest) => {
                    let a = self.tree(l, leaves)?;
                    let b = self.tree(&rest[0].1, leaves)?;
                    Node::Cmp(rest[0].0, Box::new(a), Box::new(b))
                }
                ExprKind::Call { .. } => {
                    let Some(Res::Call(call)) = self.res(e) else {
                        return ice("element-wise call");
                    };
                    if let Callee::Map { id } = call.callee {
                        let mut args = Vec::new();
                        for a in &call.args {
                            args.push(self.map_arg_tree(a, leaves)?);
                        }
                        return Ok(Node::Kernel(id, args, d));
                    }
                    let Callee::Builtin(b) = call.callee else {
                        return ice("element-wise callee");
                    };
                    let mut args = Vec::new();
                    for a in &call.args {
                        let Arg::Expr(x) = a else {
                            return ice("element-wise argument");
                        };
                        args.push(self.tree(x, leaves)?);
                    }
                    match (b, args.len()) {
                        (Builtin::Ufunc2(op), 2) => {
                            let r = args.pop().ok_or("ufunc operand")?;
                            let l = args.pop().ok_or("ufunc operand")?;
                            Node::Bin(op, Box::new(l), Box::new(r), d)
                        }
                        (Builtin::UfuncCmp(op), 2) => {
                            let r = args.pop().ok_or("ufunc operand")?;
                            let l = args.pop().ok_or("ufunc operand")?;
                            Node::Cmp(op, Box::new(l), Box::new(r))
                        }
                        _ => Node::Call(b, args, d, e),
                    }
                }
                ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Imag(_)
                | ExprKind::Bool(_)
                | ExprKind::NoneLit
                | ExprKind::Str(_)
                | ExprKind::Name(_)
                | ExprKind::Attr(..)
                | ExprKind::BoolOp(..)
                | ExprKind::IfExp(..)
                | ExprKind::Subscript(..)
                | ExprKind::Slice(..)
                | ExprKind::Tuple(_)
                | ExprKind::List(_)
                | ExprKind::Lambda(_)
                | ExprKind::Unsupported(_) => return ice("element-wise node"),
            });
        }
        let v = self.expr(e)?;
        leaves.push(v);
        Ok(Node::Leaf(leaves.len() - 1))
    }

    /// An argument of a mapped `@vectorize` call: an element-wise subtree,
    /// or a leaf (a default or other constant is evaluated once, up front).
    fn map_arg_tree(&mut self, a: &'p Arg<'p>, leaves: &mut Vec<V>) -> R<Node<'p>> {
        if let Arg::Expr(x) = a {
            return self.tree(x, leaves);
        }
        let v = self.arg(a)?;
        leaves.push(v);
        Ok(Node::Leaf(leaves.len() - 1))
    }

    pub(super) fn fused(&mut self, e: &'p Expr, a: ArrayTy) -> R<V> {
        let mut leaves = Vec::new();
        let node = self.tree(e, &mut leaves)?;
        let shape = self.broadcast_shape(&leaves, a.ndim as usize)?;
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        self.fused_into(&out, &oa, &node, &leaves)?;
        Ok(out)
    }

    /// The broadcast shape of the array leaves (NumPy's rules), or a
    /// ValueError naming the shapes.
    pub(super) fn broadcast_shape(&mut self, leaves: &[V], nd: usize) -> R<Vec<String>> {
        let mut shape = vec!["1".to_string(); nd];
        let mut bad = "false".to_string();
        for v in leaves {
            let Ty::Array(la) = v.ty.clone() else {
                continue;
            };
            let k = la.ndim as usize;
            for j in 0..k {
                let d = nd - k + j;
                let s = self.shape(v, j);
                let cur = shape[d].clone();
                let eq = self.val(&format!("icmp eq i64 {s}, {cur}"));
                let one = self.val(&format!("icmp eq i64 {s}, 1"));
                let cone = self.val(&format!("icmp eq i64 {cur}, 1"));
                let ok1 = self.val(&format!("or i1 {eq}, {one}"));
                let ok = self.val(&format!("or i1 {ok1}, {cone}"));
                let nok = self.val(&format!("xor i1 {ok}, true"));
                bad = self.val(&format!("or i1 {bad}, {nok}"));
                shape[d] = self.val(&format!("select i1 {one}, i64 {cur}, i64 {s}"));
            }
        }
        if bad != "false" {
            let mut pieces =
                vec![self.str_const("operands could not be broadcast together with shapes ")];
            let mut seen = FxHashSet::default();
            for v in leaves {
                if !seen.insert(v.r.clone()) {
                    continue;
                }
                let Ty::Array(la) = v.ty.clone() else {
                    continue;
                };
                pieces.push(self.str_const("("));
                for j in 0..la.ndim as usize {
                    pieces.push(V::new(self.shape(v, j), Ty::I64));
                    pieces.push(self.str_const(if la.ndim == 1 {
                        ",) "
                    } else if j + 1 == la.ndim as usize {
                        ") "
                    } else {
                        ","
                    }));
                }
                if la.ndim == 0 {
                    pieces.push(self.str_const(") "));
                }
            }
            self.raise_if(&bad, ExcKind::ValueError, &pieces);
        }
        Ok(shape)
    }

    /// Evaluate `node` for every element of `target` (which has the
    /// broadcast shape) and store it there.
    pub(super) fn fused_into(
        &mut self,
        target: &V,
        ta: &ArrayTy,
        node: &Node<'p>,
        leaves: &[V],
    ) -> R<()> {
        let nd = ta.ndim as usize;
        if leaves
            .iter()
            .any(|v| v.ty.array().is_some_and(|a| a.ndim as usize > nd))
        {
            // An operand with more dimensions can never fit the output.
            let m = self.str_const(
                "non-broadcastable output operand: an operand has more dimensions than the output",
            );
            self.raise_msg(ExcKind::ValueError, &[m]);
            return Ok(());
        }
        // Leaves must broadcast to the target's shape.
        let bshape = self.broadcast_shape(leaves, nd)?;
        let tshape: Vec<String> = (0..nd).map(|d| self.shape(target, d)).collect();
        let mut bad = "false".to_string();
        for (b, t) in bshape.iter().zip(&tshape) {
            let ne = self.val(&format!("icmp ne i64 {b}, {t}"));
            let one = self.val(&format!("icmp ne i64 {b}, 1"));
            let x = self.val(&format!("and i1 {ne}, {one}"));
            bad = self.val(&format!("or i1 {bad}, {x}"));
        }
        if bad != "false" {
            let m = self.str_const(
                "non-broadcastable output operand: the operands do not match the target's shape",
            );
            self.raise_if(&bad, ExcKind::ValueError, &[m]);
        }
        let bflags = self.broadcast_flags(leaves);
        let root = self.complex_mul_root(target, ta, node, leaves, &bflags);
        let outer = std::mem::replace(&mut self.mul_root, root);
        let lp = self.nd_open(&tshape);
        let r = self.eval_at(node, leaves, &bflags, nd, &lp.idx);
        self.mul_root = outer;
        let r = r?;
        let r = self.cast(r, &Ty::Scalar(ta.dtype));
        let p = self.nd_ptr(target, ta, &lp.idx);
        self.store_elem(&r, &p);
        self.nd_close(lp);
        Ok(())
    }

    /// For `target = a * b` of complex values (the root product of an
    /// in-place operation), the facts NumPy's loop choice depends on:
    /// - flip: a 1-d complex64 target and both operands read backwards
    ///   (scalars count): NumPy's iterator flips the axis and its fused SIMD
    ///   loop runs forwards;
    /// - reduce: one element written over `a`: NumPy sees strides of 0 and
    ///   an output that is its first input, and takes its (unfused) reduce
    ///   loop.
    fn complex_mul_root(
        &mut self,
        target: &V,
        ta: &ArrayTy,
        node: &Node<'p>,
        leaves: &[V],
        bflags: &[Vec<String>],
    ) -> Option<(usize, String, String)> {
        let Node::Bin(BinOp::Mul, a, b, d) = node else {
            return None;
        };
        if !d.is_complex() || ta.dtype != *d {
            return None;
        }
        let leaf = |n: &Node<'p>| {
            if let Node::Leaf(i) = n {
                Some(*i)
            } else {
                None
            }
        };
        let mut flip = "false".to_string();
        if ta.ndim == 1 && *d == Dtype::C64 {
            let st = self.stride(target, ta, 0);
            let mut all = self.val(&format!("icmp slt i64 {st}, 0"));
            for n in [a, b] {
                match leaf(n) {
                    Some(i) if bflags.get(i).and_then(|f| f.get(1)).is_some() => {
                        let f = bflags[i][1].clone();
                        all = self.val(&format!("and i1 {all}, {f}"));
                    }
                    Some(i) if matches!(leaves.get(i).map(|v| &v.ty), Some(Ty::Scalar(_))) => {}
                    _ => all = "false".to_string(),
                }
            }
            flip = all;
        }
        let mut reduce = "false".to_string();
        if let Some(v) = leaf(a)
            .and_then(|i| leaves.get(i))
            .filter(|v| v.ty.array().is_some())
        {
            let n = self.nitems(target);
            let one = self.val(&format!("icmp eq i64 {n}, 1"));
            let (p, q) = (self.data(target), self.data(v));
            let same = self.val(&format!("icmp eq ptr {p}, {q}"));
            reduce = self.val(&format!("and i1 {one}, {same}"));
        }
        Some((node as *const Node<'p> as usize, flip, reduce))
    }

    /// Per-leaf "broadcast along axis" flags, computed once outside loops.
    /// A 1-d complex64 leaf carries one more flag: its stride is negative.
    pub(super) fn broadcast_flags(&mut self, leaves: &[V]) -> Vec<Vec<String>> {
        let mut bflags = Vec::new();
        for v in leaves {
            let mut f = Vec::new();
            if let Ty::Array(la) = v.ty.clone() {
                for j in 0..la.ndim as usize {
                    let s = self.shape(v, j);
                    f.push(self.val(&format!("icmp eq i64 {s}, 1")));
                }
                if la.ndim == 1 && la.dtype == Dtype::C64 {
                    let st = self.stride(v, &la, 0);
                    f.push(self.val(&format!("icmp slt i64 {st}, 0")));
                }
            }
            bflags.push(f);
        }
        bflags
    }

    /// The element of an element-wise tree at index `idx` of the broadcast
    /// shape (NumPy's error model: no exceptions for division by zero).
    pub(super) fn eval_at(
        &mut self,
        node: &Node<'p>,
        leaves: &[V],
        bflags: &[Vec<String>],
        nd: usize,
        idx: &[String],
    ) -> R<V> {
        let saved = self.m.opts.error_model_numpy;
        self.m.opts.error_model_numpy = true;
        let mut elems = Vec::new();
        for (li, v) in leaves.iter().enumerate() {
            match v.ty.clone() {
                Ty::Array(la) => {
                    let k = la.ndim as usize;
                    let li_idx: Vec<String> = (0..k)
                        .map(|j| {
                            let i = idx[nd - k + j].clone();
                            let f = bflags[li][j].clone();
                            self.val(&format!("select i1 {f}, i64 0, i64 {i}"))
                        })
                        .collect();
                    let p = self.nd_ptr(v, &la, &li_idx);
                    elems.push(self.load_elem(la.dtype, &p));
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
                | Ty::Unknown => elems.push(v.clone()),
            }
        }
        // NumPy multiplies complex64 with its unfused scalar loop when a 1-d
        // operand is read backwards (its SIMD loop takes forward strides).
        let neg: Vec<Option<String>> = if nd == 1 {
            bflags.iter().map(|f| f.get(1).cloned()).collect()
        } else {
            Vec::new()
        };
        let outer = std::mem::replace(&mut self.leaf_neg_stride, neg);
        let r = self.eval_node(node, &elems);
        self.leaf_neg_stride = outer;
        self.m.opts.error_model_numpy = saved;
        r
    }

    /// `np.sum` of a 1-d float expression in NumPy's order. NumPy sums the
    /// materialised expression as `0.0 + pairwise(run)`; up to 128 elements
    /// (one pairwise block: a plain loop from -0.0 under 8 elements, else 8
    /// accumulators combined as a tree, then the tail) that is computed here
    /// from the expression directly, without a temporary; longer runs are
    /// materialised and summed by the runtime (`numpy_sum`).
    pub(super) fn fused_pairwise_sum(&mut self, x: &'p Expr, ty: Ty) -> R<V> {
        let Ty::Array(xa) = self.inst.ty(x).clone() else {
            return ice("fused pairwise sum");
        };
        let d = xa.dtype;
        let t = scalar_ty(d);
        let mut leaves = Vec::new();
        let node = self.tree(x, &mut leaves)?;
        let n = self.broadcast_shape(&leaves, 1)?[0].clone();
        let bflags = self.broadcast_flags(&leaves);
        let res = self.alloca(t);
        let small = self.val(&format!("icmp sle i64 {n}, 128"));
        let (l_small, l_big, l_end) = (
            self.label("psum"),
            self.label("psum_big"),
            self.label("psum_end"),
        );
        self.cbr(&small, &l_small, &l_big);
        self.start(&l_small);
        let elem = |s: &mut Self, i: &str| -> R<String> {
            let v = s.eval_at(&node, &leaves, &bflags, 1, &[i.to_string()])?;
            Ok(s.cast(v, &Ty::Scalar(d)).r)
        };
        let add = |s: &mut Self, a: &str, b: &str| s.val(&format!("fadd {t} {a}, {b}"));
        let under8 = self.val(&format!("icmp slt i64 {n}, 8"));
        let (l_seq, l_blk, l_done) = (self.label("pseq"), self.label("pblk"), self.label("pdone"));
        self.cbr(&under8, &l_seq, &l_blk);
        // Fewer than 8: in order, from -0.0.
        self.start(&l_seq);
        self.emit(&format!("store {t} {}, ptr {res}", fconst(-0.0, d)));
        let lp = self.nd_open(std::slice::from_ref(&n));
        let e = elem(self, &lp.idx[0])?;
        let cur = self.val(&format!("load {t}, ptr {res}"));
        let next = add(self, &cur, &e);
        self.emit(&format!("store {t} {next}, ptr {res}"));
        self.nd_close(lp);
        self.br(&l_done);
        // 8 to 128: accumulators r[j] over blocks of 8, a tree, then the tail.
        self.start(&l_blk);
        let accs: Vec<String> = (0..8).map(|_| self.alloca(t)).collect();
        for (j, acc) in accs.iter().enumerate() {
            let e = elem(self, &j.to_string())?;
            self.emit(&format!("store {t} {e}, ptr {acc}"));
        }
        let whole = self.val(&format!("and i64 {n}, -8"));
        let blocks = self.val(&format!("lshr i64 {whole}, 3"));
        let more = self.val(&format!("sub i64 {blocks}, 1"));
        let lp = self.nd_open(std::slice::from_ref(&more));
        let base = self.val(&format!("shl i64 {}, 3", lp.idx[0]));
        let base = self.val(&format!("add i64 {base}, 8"));
        for (j, acc) in accs.iter().enumerate() {
            let i = self.val(&format!("add i64 {base}, {j}"));
            let e = elem(self, &i)?;
            let cur = self.val(&format!("load {t}, ptr {acc}"));
            let next = add(self, &cur, &e);
            self.emit(&format!("store {t} {next}, ptr {acc}"));
        }
        self.nd_close(lp);
        let r: Vec<String> = accs
            .iter()
            .map(|acc| self.val(&format!("load {t}, ptr {acc}")))
            .collect();
        let (a01, a23) = (add(self, &r[0], &r[1]), add(self, &r[2], &r[3]));
        let (a45, a67) = (add(self, &r[4], &r[5]), add(self, &r[6], &r[7]));
        let (lo, hi) = (add(self, &a01, &a23), add(self, &a45, &a67));
        let tree = add(self, &lo, &hi);
        self.emit(&format!("store {t} {tree}, ptr {res}"));
        let tail = self.val(&format!("sub i64 {n}, {whole}"));
        let lp = self.nd_open(std::slice::from_ref(&tail));
        let i = self.val(&format!("add i64 {whole}, {}", lp.idx[0]));
        let e = elem(self, &i)?;
        let cur = self.val(&format!("load {t}, ptr {res}"));
        let next = add(self, &cur, &e);
        self.emit(&format!("store {t} {next}, ptr {res}"));
        self.nd_close(lp);
        self.br(&l_done);
        // The reduction's start value.
        self.start(&l_done);
        let run = self.val(&format!("load {t}, ptr {res}"));
        let total = self.val(&format!("fadd {t} {}, {run}", fconst(0.0, d)));
        self.emit(&format!("store {t} {total}, ptr {res}"));
        self.br(&l_end);
        // Longer: materialise, then NumPy's pairwise recursion in the runtime.
        self.start(&l_big);
        let v = self.expr(x)?;
        let summed = self
            .numpy_sum(Reduce::Sum, &v, &xa, None, &ty)?
            .ok_or("fused pairwise sum of a non-float")?;
        self.emit(&format!("store {t} {}, ptr {res}", summed.r));
        self.br(&l_end);
        self.start(&l_end);
        Ok(V::new(
            self.val(&format!("load {t}, ptr {res}")),
            Ty::Scalar(d),
        ))
    }

    /// `np.sum(a * b)`, `np.max(np.abs(x - y))`: reduce an element-wise
    /// expression without materialising it.
    pub(super) fn fused_reduce(&mut self, r: Reduce, x: &'p Expr, ty: Ty) -> R<V> {
        let Ty::Array(xa) = self.inst.ty(x).clone() else {
            return ice("fused reduce");
        };
        let out = ty.scalar().ok_or("fused reduce type")?;
        let mut leaves = Vec::new();
        let node = self.tree(x, &mut leaves)?;
        let nd = xa.ndim as usize;
        let shape = self.broadcast_shape(&leaves, nd)?;
        let bflags = self.broadcast_flags(&leaves);
        let d = xa.dtype;
        let two_passes = matches!(
            r,
            Reduce::Var | Reduce::Std | Reduce::NanVar | Reduce::NanStd | Reduce::NanMean
        );
        if two_passes && node.has_kernel() {
            // These read every element twice: a kernel's elements are
            // computed once, into a temporary array (a statement temporary).
            let out = self.alloc_array(d, &shape);
            let oa = ArrayTy::new(d, xa.ndim, Layout::C);
            self.fused_into(&out, &oa, &node, &leaves)?;
            return self.reduce(r, &out, &oa, ty);
        }
        let replayable = std::mem::replace(&mut self.replayable, !node.has_kernel());
        let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
            let v = s.eval_at(&node, &leaves, &bflags, nd, idx)?;
            Ok(s.cast(v, &Ty::Scalar(d)))
        };
        let r = self.reduce_seq(r, &shape, &mut get, d, out);
        self.replayable = replayable;
        r
    }

    /// One element of an array expression. Complex products inside it use
    /// NumPy's vectorised formula (see `complex_binop`).
    fn eval_node(&mut self, n: &Node<'p>, elems: &[V]) -> R<V> {
        let outer = std::mem::replace(&mut self.numpy_loop, true);
        let v = self.eval_node_in_loop(n, elems);
        self.numpy_loop = outer;
        v
    }

    /// `x ** y` for an element of an array and a scalar exponent, as
    /// ndarray's `**` computes it: a float exponent 0.5 is `sqrt`, an integer
    /// exponent 2 `square` and -1 `reciprocal` (for complex values these
    /// differ from `power`); others go to `power`.
    fn numpy_scalar_pow(&mut self, x: V, y: V, d: Dtype, exponent: Dtype) -> R<V> {
        let t = scalar_ty(d);
        if !d.is_float() && !d.is_complex() {
            return self.scalar_binop(BinOp::Pow, x, y, d, d);
        }
        let slot = self.alloca(t);
        let join = self.label("spj");
        let f = d.real_part();
        let ft = scalar_ty(f);
        let (yr, yi) = if d.is_complex() {
            self.complex_parts(&y)
        } else {
            (y.r.clone(), "0.0".to_string())
        };
        let imag0 = self.val(&format!("fcmp oeq {ft} {yi}, 0.0"));
        let special: Vec<(f64, &str)> = if exponent.is_float() {
            vec![(0.5, "sph")]
        } else if d.is_complex() && !exponent.is_complex() {
            vec![(2.0, "sq"), (-1.0, "rcp")]
        } else {
            vec![]
        };
        if special.is_empty() {
            return self.scalar_binop(BinOp::Pow, x, y, d, d);
        }
        for (k, name) in special {
            let is_k = self.val(&format!("fcmp oeq {ft} {yr}, {}", fconst(k, f)));
            let hit = self.val(&format!("and i1 {is_k}, {imag0}"));
            let (yes, no) = (self.label(name), self.label("spn"));
            self.cbr(&hit, &yes, &no);
            self.start(&yes);
            let v = if k == 0.5 && d.is_float() {
                let sq = self.intrinsic("sqrt", d, 1);
                V::new(
                    self.val(&format!("call {t} {sq}({t} {})", x.r)),
                    Ty::Scalar(d),
                )
            } else if k == 0.5 {
                self.npy_cmath(CFn::Sqrt, x.clone())?
            } else if k == 2.0 {
                self.complex_binop(BinOp::Mul, &x, &x, d)?
            } else {
                self.numpy_complex_reciprocal(&x, d)
            };
            self.store(&v, &slot);
            self.br(&join);
            self.start(&no);
        }
        let v = self.scalar_binop(BinOp::Pow, x, y, d, d)?;
        let v = self.cast(v, &Ty::Scalar(d));
        self.store(&v, &slot);
        self.br(&join);
        self.start(&join);
        Ok(self.load(&Ty::Scalar(d), &slot))
    }

    /// NumPy's complex `reciprocal` loop (Smith's method on 1/z).
    fn numpy_complex_reciprocal(&mut self, z: &V, d: Dtype) -> V {
        let f = d.real_part();
        let t = scalar_ty(f);
        let one = fconst(1.0, f);
        let (re, im) = self.complex_parts(z);
        let fabs = self.intrinsic("fabs", f, 1);
        let are = self.val(&format!("call {t} {fabs}({t} {re})"));
        let aim = self.val(&format!("call {t} {fabs}({t} {im})"));
        let small_im = self.val(&format!("fcmp ole {t} {aim}, {are}"));
        // |im| <= |re|: r = im/re, den = re + im*r, (1/den, -r/den)
        let r1 = self.val(&format!("fdiv {t} {im}, {re}"));
        let d1a = self.val(&format!("fmul {t} {im}, {r1}"));
        let d1 = self.val(&format!("fadd {t} {re}, {d1a}"));
        let a1 = self.val(&format!("fdiv {t} {one}, {d1}"));
        let nr1 = self.val(&format!("fneg {t} {r1}"));
        let b1 = self.val(&format!("fdiv {t} {nr1}, {d1}"));
        // else: r = re/im, den = re*r + im, (r/den, -1/den)
        let r2 = self.val(&format!("fdiv {t} {re}, {im}"));
        let d2a = self.val(&format!("fmul {t} {re}, {r2}"));
        let d2 = self.val(&format!("fadd {t} {d2a}, {im}"));
        let a2 = self.val(&format!("fdiv {t} {r2}, {d2}"));
        let b2 = self.val(&format!("fdiv {t} {}, {d2}", fconst(-1.0, f)));
        let a = self.val(&format!("select i1 {small_im}, {t} {a1}, {t} {a2}"));
        let b = self.val(&format!("select i1 {small_im}, {t} {b1}, {t} {b2}"));
        self.complex(d, &a, &b)
    }

    fn eval_node_in_loop(&mut self, n: &Node<'p>, elems: &[V]) -> R<V> {
        Ok(match n {
            Node::Leaf(i) => elems[*i].clone(),
            // NumPy runs the loop in the result dtype: both operands are cast to
            // it first (float32 array * 0.1 multiplies in float32, it does not
            // round a double product).
            Node::Bin(op, a, b, d) => {
                let t = Ty::Scalar(*d);
                let x = self.eval_node(a, elems)?;
                let y = self.eval_node(b, elems)?;
                let (x, y) = (self.cast(x, &t), self.cast(y, &t));
                if *op == BinOp::Mul && d.is_complex() {
                    let flags: Vec<String> = [a, b]
                        .iter()
                        .filter_map(|n| {
                            let Node::Leaf(i) = n.as_ref() else {
                                return None;
                            };
                            self.leaf_neg_stride.get(*i).cloned().flatten()
                        })
                        .collect();
                    let any = match flags.as_slice() {
                        [] => None,
                        [f] => Some(f.clone()),
                        [f, g, ..] => Some(self.val(&format!("or i1 {f}, {g}"))),
                    };
                    let root = n as *const Node<'p> as usize;
                    self.mul_unfused = match (any, self.mul_root.clone()) {
                        (any, Some((p, flip, reduce))) if p == root => {
                            let backwards = match any {
                                Some(any) => {
                                    let fwd = self.val(&format!("xor i1 {flip}, true"));
                                    self.val(&format!("and i1 {any}, {fwd}"))
                                }
                                None => "false".to_string(),
                            };
                            Some(self.val(&format!("or i1 {backwards}, {reduce}")))
                        }
                        (any, _) => any,
                    };
                }
                let v = self.scalar_binop(*op, x, y, *d, *d);
                self.mul_unfused = None;
                let v = v?;
                self.cast(v, &t)
            }
            Node::ScalarPow(a, b, d) => {
                let t = Ty::Scalar(*d);
                let x = self.eval_node(a, elems)?;
                let y = self.eval_node(b, elems)?;
                let exponent = y.ty.scalar().unwrap_or(Dtype::F64);
                // A literal exponent 2 of a real array: NumPy's `square`
                // loop, one multiply (not a call of pow per element).
                let two = y.r == "2" || y.r == fconst(2.0, exponent);
                if d.is_float() && exponent.is_int() && two {
                    let x = self.cast(x, &t);
                    let lt = scalar_ty(*d);
                    return Ok(V::new(self.val(&format!("fmul {lt} {}, {}", x.r, x.r)), t));
                }
                let (x, y) = (self.cast(x, &t), self.cast(y, &t));
                // Integer powers are computed wider (Python's rule for the
                // scalar operator): wrap back to the element type, as NumPy.
                let v = self.numpy_scalar_pow(x, y, *d, exponent)?;
                self.cast(v, &t)
            }
            Node::Un(op, a, d) => {
                let x = self.eval_node(a, elems)?;
                let t = Ty::Scalar(*d);
                let x = if *op == UnOp::Invert {
                    x
                } else {
                    self.cast(x, &t)
                };
                self.unary(*op, x, t)?
            }
            Node::Cmp(op, a, b) => {
                let x = self.eval_node(a, elems)?;
                let y = self.eval_node(b, elems)?;
                V::new(self.compare(*op, x, y)?, Ty::BOOL)
            }
            Node::Kernel(id, args, d) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval_node(a, elems)?);
                }
                // The kernel is its own function (NumPy's error model, see
                // `lower_instances`): a raise in it leaves the loop through
                // the usual error path, which releases the output.
                let outer = std::mem::replace(&mut self.numpy_loop, false);
                let r = self.call_instance(*id as usize, vals, &[]);
                self.numpy_loop = outer;
                self.cast(r?, &Ty::Scalar(*d))
            }
            Node::Call(b, args, d, e) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval_node(a, elems)?);
                }
                let t = Ty::Scalar(*d);
                match b {
                    Builtin::Where => {
                        let c = self.truth(&vals[0])?;
                        let x = self.cast(vals[1].clone(), &t);
                        let y = self.cast(vals[2].clone(), &t);
                        let lt = llty(&t);
                        V::new(
                            self.val(&format!("select i1 {c}, {lt} {}, {lt} {}", x.r, y.r)),
                            t,
                        )
                    }
                    Builtin::NpExtremum { max, ignore_nan } => {
                        let x = self.cast(vals[0].clone(), &t);
                        let y = self.cast(vals[1].clone(), &t);
                        self.np_extremum(*max, *ignore_nan, x, y)?
                    }
                    Builtin::MinMax { max } => {
                        // np.maximum/np.minimum propagate NaN.
                        let x = self.cast(vals[0].clone(), &t);
                        let y = self.cast(vals[1].clone(), &t);
                        let better = self.compare(
                            if *max { CmpOp::Gt } else { CmpOp::Lt },
                            x.clone(),
                            y.clone(),
                        )?;
                        let lt = llty(&t);
                        let take = if d.is_float() {
                            let nan = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                            self.val(&format!("or i1 {better}, {nan}"))
                        } else {
                            better
                        };
                        V::new(
                            self.val(&format!("select i1 {take}, {lt} {}, {lt} {}", x.r, y.r)),
                            t,
                        )
                    }
                    Builtin::Range
                    | Builtin::Len
                    | Builtin::Abs
                    | Builtin::Int
                    | Builtin::Float
                    | Builtin::Bool
                    | Builtin::Complex
                    | Builtin::Round
                    | Builtin::NpRound
                    | Builtin::Pow
                    | Builtin::Divmod
                    | Builtin::Print
                    | Builtin::TypeInfo { .. }
                    | Builtin::ThreadInfo { .. }
                    | Builtin::Isinstance
                    | Builtin::Enumerate
                    | Builtin::Zip
                    | Builtin::NdIndex
                    | Builtin::NdEnumerate
                    | Builtin::Math1(_)
                    | Builtin::Math2(_)
                    | Builtin::Rounding(..)
                    | Builtin::FloatPred(_)
                    | Builtin::Sign
                    | Builtin::Square
                    | Builtin::Cast(_)
                    | Builtin::Alloc(_)
                    | Builtin::AllocLike(_)
                    | Builtin::Arange
                    | Builtin::Linspace
                    | Builtin::Reduce(_)
                    | Builtin::Copy
                    | Builtin::Fill
                    | Builtin::Conjugate
                    | Builtin::Random(_)
                    | Builtin::PyRandom(_)
                    | Builtin::Arr(_)
                    | Builtin::LinAlg(_)
                    | Builtin::Manip(_)
                    | Builtin::Gen(_)
                    | Builtin::Dict(_)
                    | Builtin::Text(_)
                    | Builtin::List(_)
                    | Builtin::Ufunc2(_)
                    | Builtin::UfuncCmp(_)
                    | Builtin::CMath(_)
                    | Builtin::MathX(_)
                    | Builtin::Negative
                    | Builtin::Clip
                    | Builtin::MatMul
                    | Builtin::IsClose => {
                        let Some(Res::Call(call)) = self.res(e) else {
                            return ice("element-wise call");
                        };
                        let et = Ty::Scalar(*d);
                        let v = self.builtin(*b, vals, call, e, Ty::Scalar(*d))?;
                        self.cast(v, &et)
                    }
                }
            }
        })
    }
}

/// An element-wise expression tree over evaluated leaves.
pub(super) enum Node<'p> {
    Leaf(usize),
    Bin(BinOp, Box<Node<'p>>, Box<Node<'p>>, Dtype),
    /// `array ** scalar` (the operator): NumPy's fast exponents.
    ScalarPow(Box<Node<'p>>, Box<Node<'p>>, Dtype),
    Un(UnOp, Box<Node<'p>>, Dtype),
    Cmp(CmpOp, Box<Node<'p>>, Box<Node<'p>>),
    Call(Builtin, Vec<Node<'p>>, Dtype, &'p Expr),
    /// A `@vectorize` kernel (instance id) applied to the elements.
    Kernel(u32, Vec<Node<'p>>, Dtype),
}

impl Node<'_> {
    /// Whether evaluating an element may run a `@vectorize` kernel, which
    /// may draw random numbers or print: such a tree is evaluated once per
    /// element (see `FnGen::replayable`).
    pub(super) fn has_kernel(&self) -> bool {
        match self {
            Node::Leaf(_) => false,
            Node::Kernel(..) => true,
            Node::Bin(_, a, b, _) | Node::ScalarPow(a, b, _) | Node::Cmp(_, a, b) => {
                a.has_kernel() || b.has_kernel()
            }
            Node::Un(_, a, _) => a.has_kernel(),
            Node::Call(_, xs, ..) => xs.iter().any(Node::has_kernel),
        }
    }
}
