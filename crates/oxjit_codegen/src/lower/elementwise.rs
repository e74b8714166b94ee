//! Fused element-wise array expressions: the tree, broadcasting and the one loop over it.

use super::*;

impl<'p> FnGen<'_, 'p> {
    // ----- array expressions (fused element-wise loops) ----------------------

    fn elementwise_call(&self, e: &Expr) -> bool {
        matches!(self.res(e), Some(Res::Call(Call { callee: Callee::Builtin(b), .. })) if oxjit_typeck::registry::elementwise(*b))
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

    /// Build the element-wise tree of `e`, evaluating its leaves now.
    pub(super) fn tree(&mut self, e: &'p Expr, leaves: &mut Vec<V>) -> R<Node<'p>> {
        let ty = self.inst.ty(e).clone();
        let is_arr = matches!(ty, Ty::Array(_));
        if is_arr && self.is_elementwise(e) && !matches!(self.res(e), Some(Res::Const(_))) {
            let d = ty.array().map(|a| a.dtype).unwrap_or(Dtype::F64);
            return Ok(match &e.kind {
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
        let lp = self.nd_open(&tshape);
        let r = self.eval_at(node, leaves, &bflags, nd, &lp.idx);
        let r = r?;
        let r = self.cast(r, &Ty::Scalar(ta.dtype));
        let p = self.nd_ptr(target, ta, &lp.idx);
        self.store_elem(&r, &p);
        self.nd_close(lp);
        Ok(())
    }

    /// Per-leaf "broadcast along axis" flags, computed once outside loops.
    pub(super) fn broadcast_flags(&mut self, leaves: &[V]) -> Vec<Vec<String>> {
        let mut bflags = Vec::new();
        for v in leaves {
            let mut f = Vec::new();
            if let Ty::Array(la) = v.ty.clone() {
                for j in 0..la.ndim as usize {
                    let s = self.shape(v, j);
                    f.push(self.val(&format!("icmp eq i64 {s}, 1")));
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
                | Ty::Unknown => elems.push(v.clone()),
            }
        }
        let r = self.eval_node(node, &elems);
        self.m.opts.error_model_numpy = saved;
        r
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
        let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
            let v = s.eval_at(&node, &leaves, &bflags, nd, idx)?;
            Ok(s.cast(v, &Ty::Scalar(d)))
        };
        self.reduce_seq(r, &shape, &mut get, d, out)
    }

    fn eval_node(&mut self, n: &Node<'p>, elems: &[V]) -> R<V> {
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
                let v = self.scalar_binop(*op, x, y, *d, *d)?;
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
                    | Builtin::Arr(_)
                    | Builtin::LinAlg(_)
                    | Builtin::Manip(_)
                    | Builtin::Gen(_)
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
    Un(UnOp, Box<Node<'p>>, Dtype),
    Cmp(CmpOp, Box<Node<'p>>, Box<Node<'p>>),
    Call(Builtin, Vec<Node<'p>>, Dtype, &'p Expr),
}
