//! Calls: arguments and keywords, compiled instances, and the builtin dispatcher.

use super::*;

impl<'p> FnGen<'_, 'p> {
    /// The stack limit for a call into a recursive instance: our own hidden
    /// argument if we are recursive too, else one runtime call.
    fn stack_limit(&mut self) -> String {
        if self.m.recursive.contains(&self.idx) && !self.in_parallel {
            "%sl".into()
        } else {
            self.val("call i64 @oxjit_rt_stack_limit()")
        }
    }

    // ----- calls ----------------------------------------------------------------------------

    pub(super) fn arg(&mut self, a: &'p Arg<'p>) -> R<V> {
        match a {
            Arg::Expr(e) => self.expr(e),
            Arg::Const(c) => {
                let t = c.ty();
                Ok(self.konst(c, &t))
            }
            Arg::GlobalArray(i, t) => self.global_array(*i, t),
            Arg::StarItem(e, i) => {
                let v = self.expr(e)?;
                let Ty::Tuple(items) = v.ty.clone().plain_tuple() else {
                    return ice("star argument");
                };
                Ok(self.extract(&v, *i, items[*i].clone()))
            }
            Arg::Pack(xs) => {
                let mut items = Vec::new();
                for x in xs {
                    items.push(self.arg(x)?);
                }
                Ok(self.build_tuple(items))
            }
        }
    }

    /// Call compiled instance `id` with argument values (converted to its
    /// parameter types) and the caller's captured variables; the result is
    /// a parked temporary.
    pub(super) fn call_instance(&mut self, id: usize, vals: Vec<V>, captures: &[String]) -> R<V> {
        let params = self.p.instances[id].args.clone();
        let mut vals: Vec<V> = vals
            .into_iter()
            .zip(&params)
            .map(|(v, t)| self.cast(v, t))
            .collect();
        for c in captures {
            let (slot, vty) = self
                .vars
                .get(c)
                .cloned()
                .ok_or_else(|| format!("capture {c} not found"))?;
            vals.push(self.load(&vty, &slot));
        }
        let rt = self.p.instances[id].ret.clone();
        let slot = self.alloca(&llty(&rt));
        let mut args = vec![format!("ptr {slot}")];
        for v in &vals {
            args.push(format!("{} {}", llty(&v.ty), v.r));
        }
        if self.m.recursive.contains(&id) {
            let sl = self.stack_limit();
            args.push(format!("i64 {sl}"));
        }
        let f = self.m.fname(id);
        let st = self.val(&format!("call i32 {f}({})", args.join(", ")));
        let bad = self.val(&format!("icmp ne i32 {st}, 0"));
        let (eb, ok) = (self.label("callerr"), self.label("callok"));
        self.emit(&format!("br i1 {bad}, label %{eb}, label %{ok}, !prof !0"));
        self.terminated = true;
        self.start(&eb);
        self.fail();
        self.start(&ok);
        let r = self.load(&rt, &slot);
        self.own_temp(&r);
        Ok(r)
    }

    pub(super) fn call_expr(&mut self, e: &'p Expr, ty: Ty) -> R<V> {
        let Some(Res::Call(call)) = self.res(e) else {
            return ice(format!("unresolved call at line {}", e.span.line));
        };
        match &call.callee {
            Callee::Instance { id, captures } => {
                let mut vals = Vec::new();
                for a in &call.args {
                    vals.push(self.arg(a)?);
                }
                let r = self.call_instance(*id as usize, vals, captures)?;
                Ok(self.cast(r, &ty))
            }
            Callee::New { class, init } => self.construct(class, *init, call),
            // Typed as an array (or a 0-d result): lowered by the element-wise path.
            Callee::Map { .. } => ice("mapped @vectorize call outside an array expression"),
            Callee::Builtin(b) => {
                if let (Builtin::Reduce(r), [Arg::Expr(x)], true) =
                    (b, call.args.as_slice(), call.kwargs.is_empty())
                {
                    if self.parallel_exprs() && !matches!(ty, Ty::Array(_)) {
                        if let Some(v) = self.reduce_parallel(*r, x, &ty)? {
                            return Ok(v);
                        }
                    }
                    // sum/mean of a float or complex expression: NumPy sums
                    // the materialised temporary pairwise, so this does too
                    // (the temporary is allocated; `numpy_sum` gives the bits).
                    let pairwise = matches!(r, Reduce::Sum | Reduce::Mean)
                        && matches!(self.inst.ty(x), Ty::Array(xa)
                            if (xa.dtype.is_float() || xa.dtype.is_complex())
                                && ty.scalar() == Some(xa.dtype));
                    if matches!(self.inst.ty(x), Ty::Array(_))
                        && self.is_elementwise(x)
                        && !matches!(ty, Ty::Array(_))
                        && !pairwise
                    {
                        return self.fused_reduce(*r, x, ty);
                    }
                    // The sum of a 1-d float expression: NumPy's order, and no
                    // temporary for runs of up to 128 elements.
                    if pairwise
                        && *r == Reduce::Sum
                        && self.is_elementwise(x)
                        && matches!(self.inst.ty(x), Ty::Array(xa) if xa.ndim == 1 && xa.dtype.is_float())
                    {
                        return self.fused_pairwise_sum(x, ty);
                    }
                }
                let mut vals = Vec::new();
                for a in &call.args {
                    vals.push(self.arg(a)?);
                }
                self.builtin(*b, vals, call, e, ty)
            }
            Callee::Method(b) => {
                let ExprKind::Call { func, .. } = &e.kind else {
                    return ice("method call shape");
                };
                let ExprKind::Attr(obj, _) = &func.kind else {
                    return ice("method receiver");
                };
                if *b == Builtin::List(ListFn::DelItem) {
                    let (l, Some(Arg::Expr(index))) = (self.expr(obj)?, call.args.first()) else {
                        return ice("del argument");
                    };
                    self.list_delitem(&l, index)?;
                    return Ok(V::unit(Ty::NoneType));
                }
                let mut vals = vec![self.expr(obj)?];
                for a in &call.args {
                    vals.push(self.arg(a)?);
                }
                self.builtin(*b, vals, call, e, ty)
            }
            Callee::Exception(_) => ice("exception object outside raise"),
            Callee::NamedTuple { slots, .. } => {
                // Evaluated in Python's order, held as the tuple of its items
                // (typeck typed them exactly).
                let mut items: Vec<Option<V>> = vec![None; slots.len()];
                for (a, &slot) in call.args.iter().zip(slots) {
                    items[slot] = Some(self.arg(a)?);
                }
                let items = items.into_iter().collect::<Option<Vec<V>>>();
                let t = self.build_tuple(items.ok_or("named tuple field")?);
                Ok(V::new(t.r, ty))
            }
            Callee::AxisError { axis, ndim, prefix } => {
                self.raise_axis_error(*axis, *ndim, prefix.as_deref());
                Ok(V::new("zeroinitializer", ty))
            }
            Callee::UfuncOut { b, dtype } => {
                // Inputs are the leaves of one element-wise node written into
                // `out` (inputs overlapping it are buffered first, as NumPy).
                let n = call.args.len() - 1;
                let out = self.arg(&call.args[n])?;
                let Ty::Array(oa) = out.ty.clone() else {
                    return ice("ufunc out");
                };
                let mut leaves = Vec::new();
                for a in &call.args[..n] {
                    let v = self.arg(a)?;
                    let v = match v.ty.clone() {
                        Ty::Array(la) => self.copy_if_shared(&v, &la, &out)?,
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
                        | Ty::Unknown => v,
                    };
                    leaves.push(v);
                }
                let ins: Vec<Node<'p>> = (0..n).map(Node::Leaf).collect();
                let mut ins = ins.into_iter();
                let node = match (b, n) {
                    (Builtin::Ufunc2(op), 2) => Node::Bin(
                        *op,
                        Box::new(ins.next().ok_or("operand")?),
                        Box::new(ins.next().ok_or("operand")?),
                        *dtype,
                    ),
                    (Builtin::UfuncCmp(op), 2) => Node::Cmp(
                        *op,
                        Box::new(ins.next().ok_or("operand")?),
                        Box::new(ins.next().ok_or("operand")?),
                    ),
                    _ => Node::Call(*b, ins.collect(), *dtype, e),
                };
                self.fused_into(&out, &oa, &node, &leaves)?;
                Ok(out)
            }
        }
    }

    pub(super) fn kwarg(&mut self, call: &'p Call<'p>, name: &str) -> R<Option<V>> {
        match call.kwargs.iter().find(|(k, _)| k == name) {
            Some((_, e)) => Ok(Some(self.expr(e)?)),
            None => Ok(None),
        }
    }

    pub(super) fn const_kw(&self, call: &Call<'p>, name: &str) -> Option<&'p Const> {
        call.kwargs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, e)| match self.res(e) {
                Some(Res::Const(c)) => Some(c),
                _ => None,
            })
    }

    pub(super) fn builtin(
        &mut self,
        b: Builtin,
        args: Vec<V>,
        call: &'p Call<'p>,
        e: &'p Expr,
        ty: Ty,
    ) -> R<V> {
        match b {
            Builtin::Range => self.make_range(&args),
            Builtin::Len => match &args[0].ty {
                Ty::Array(_) | Ty::RecordArray(_) => Ok(V::new(self.shape(&args[0], 0), Ty::I64)),
                Ty::Tuple(items) => Ok(Self::i64c(items.len() as i64)),
                Ty::NamedTuple(nt) => Ok(Self::i64c(nt.items.len() as i64)),
                Ty::Range => Ok(V::new(self.range_len(&args[0]), Ty::I64)),
                Ty::List(_) => Ok(V::new(self.list_len(&args[0]), Ty::I64)),
                Ty::Dict(_) => Ok(V::new(self.dict_len(&args[0]), Ty::I64)),
                Ty::Str => Ok(V::new(self.str_len(&args[0]), Ty::I64)),
                other @ (Ty::Scalar(_)
                | Ty::NoneType
                | Ty::Function(_)
                | Ty::Global(_)
                | Ty::DtypeObj(_)
                | Ty::ExcClass(_)
                | Ty::Generator
                | Ty::Record(_)
                | Ty::NamedTupleClass(_)
                | Ty::Instance(_)
                | Ty::Class(_)
                | Ty::Optional(_)
                | Ty::Unknown) => ice(format!("len of {other}")),
            },
            Builtin::List(f) => self.list_fn(f, args, call, ty),
            Builtin::Dict(f) => self.dict_fn(f, args, ty),
            Builtin::Text(f) => self.text_fn(f, args),
            Builtin::MinMax { max }
                if args.len() == 1
                    && matches!(args[0].ty, Ty::List(_) | Ty::Dict(_) | Ty::Str | Ty::Range) =>
            {
                let l = args.into_iter().next().ok_or("min/max argument")?;
                self.iter_minmax(max, l, ty)
            }
            Builtin::Abs
            | Builtin::MinMax { .. }
            | Builtin::Pow
            | Builtin::Divmod
            | Builtin::Sign
            | Builtin::Square
            | Builtin::Conjugate
            | Builtin::Clip
            | Builtin::IsClose
            | Builtin::NpExtremum { .. }
            | Builtin::Negative => self.builtin_arith(b, args, call, e, ty),
            Builtin::Int
            | Builtin::Float
            | Builtin::Bool
            | Builtin::Complex
            | Builtin::Cast(_)
            | Builtin::Round
            | Builtin::NpRound => self.builtin_convert(b, args, ty),
            // A constant (typeck's `isinstance_ty`): lowered as one.
            Builtin::Isinstance => ice("isinstance() without its constant"),
            Builtin::ThreadInfo { id } => {
                let f = if id { "thread_id" } else { "num_threads" };
                Ok(V::new(
                    self.val(&format!("call i64 @oxjit_rt_{f}()")),
                    Ty::I64,
                ))
            }
            Builtin::TypeInfo { float } => {
                let Some(Arg::Expr(x)) = call.args.first() else {
                    return ice("iinfo/finfo argument");
                };
                let (_, items) = oxjit_typeck::typeinfo::type_info_dtype(self.inst.ty(x))
                    .and_then(|d| oxjit_typeck::typeinfo::type_info(d, float))
                    .ok_or("iinfo/finfo dtype")?;
                Ok(self.konst(&Const::Tuple(items), &ty))
            }
            Builtin::Print => {
                let sep = match self.const_kw(call, "sep") {
                    Some(Const::Str(s)) => self.str_const(s),
                    _ => match self.kwarg(call, "sep")? {
                        Some(v) if v.ty == Ty::Str => v,
                        _ => self.str_const(" "),
                    },
                };
                let end = match self.const_kw(call, "end") {
                    Some(Const::Str(s)) => self.str_const(s),
                    _ => match self.kwarg(call, "end")? {
                        Some(v) if v.ty == Ty::Str => v,
                        _ => self.str_const("\n"),
                    },
                };
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        self.print_value(&sep, false)?;
                    }
                    self.print_value(a, false)?;
                }
                self.print_value(&end, false)?;
                self.emit("call void @oxjit_rt_print_flush()");
                Ok(V::unit(Ty::NoneType))
            }
            Builtin::Enumerate | Builtin::Zip | Builtin::NdIndex | Builtin::NdEnumerate => {
                ice("loop-only builtin outside a for loop")
            }
            Builtin::Math1(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(..)
            | Builtin::FloatPred(_) => self.builtin_math(b, args, ty),
            Builtin::Alloc(_) | Builtin::AllocLike(_) | Builtin::Linspace => {
                self.builtin_alloc(b, args, call, ty)
            }
            Builtin::Arange => self.arange(&args, ty),
            Builtin::Reduce(r) => self.reduce_call(r, &args, call, e, ty),
            Builtin::Arr(f) => self.arr_fn(f, args, call, ty),
            Builtin::LinAlg(f) => self.linalg(f, args, call, ty),
            Builtin::Manip(f) => self.manip(f, args, call, ty),
            Builtin::Gen(g) => self.gen_method(g, args, call, ty),
            Builtin::Ufunc2(op) => {
                let mut it = args.into_iter();
                let (Some(x), Some(y)) = (it.next(), it.next()) else {
                    return ice("ufunc operands");
                };
                // NumPy's ufuncs never raise for division by zero (inf, nan, 0).
                let saved = std::mem::replace(&mut self.m.opts.error_model_numpy, true);
                let v = self.binop(op, x, y, e);
                self.m.opts.error_model_numpy = saved;
                Ok(self.cast(v?, &ty))
            }
            Builtin::UfuncCmp(op) => {
                let mut it = args.into_iter();
                let (Some(x), Some(y)) = (it.next(), it.next()) else {
                    return ice("ufunc operands");
                };
                Ok(V::new(self.compare(op, x, y)?, Ty::BOOL))
            }
            Builtin::Copy => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("copy arg");
                };
                self.copy_array(&args[0], &a)
            }
            Builtin::MatMul => self.matmul(&args[0], &args[1], ty),
            Builtin::MathX(f) => self.mathx(f, &args, call),
            Builtin::CMath(f) => self.cmath(f, &args),
            Builtin::Random(r) => self.random(r, args, call, ty),
            Builtin::PyRandom(r) => self.pyrandom(r, args, call),
            Builtin::Where if args.len() == 1 => self.arr_fn(ArrFn::Nonzero, args, call, ty),
            Builtin::Where => {
                let c = self.truth(&args[0])?;
                let x = self.cast(args[1].clone(), &ty);
                let y = self.cast(args[2].clone(), &ty);
                let lt = llty(&ty);
                Ok(V::new(
                    self.val(&format!("select i1 {c}, {lt} {}, {lt} {}", x.r, y.r)),
                    ty,
                ))
            }
            Builtin::Fill => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("fill arg");
                };
                self.assign_into(&args[0], &a, args[1].clone())?;
                Ok(V::unit(Ty::NoneType))
            }
        }
    }
}
