//! Expressions: constants, names, attributes, unary operators, complex values and casts.

use super::dict::set_op;
use super::*;

impl<'p> FnGen<'_, 'p> {
    /// A frozen global array: constant data, no MemInfo, no parent. A small
    /// array is an IR constant; a large one is read by address from its
    /// frozen copy, which the module's machine code owns (`CodeHandle`).
    pub(super) fn global_array(&mut self, i: u32, ty: &Ty) -> R<V> {
        let Ty::Array(a) = ty else {
            return ice("global array type");
        };
        let ca = self
            .p
            .unit
            .const_arrays
            .get(i as usize)
            .ok_or("global array index")?;
        let g = match &ca.data {
            ConstData::Inline(bytes) => self.m.const_array(i, bytes),
            ConstData::Frozen(f) => format!("inttoptr (i64 {} to ptr)", f.addr()),
        };
        let shape: Vec<String> = ca.shape.iter().map(|d| d.to_string()).collect();
        let mut strides = vec![String::new(); shape.len()];
        let mut st = a.dtype.size() as i64;
        for d in (0..shape.len()).rev() {
            strides[d] = st.to_string();
            st *= ca.shape[d];
        }
        Ok(self.make_array(a, "null", "null", &g, &shape, &strides))
    }

    // ----- expressions ------------------------------------------------------------------

    pub(super) fn res(&self, e: &Expr) -> Option<&'p Res<'p>> {
        self.inst.res.get(&e.id)
    }

    pub(super) fn konst(&mut self, c: &Const, ty: &Ty) -> V {
        let r = match (c, ty) {
            (Const::Int(v), Ty::Scalar(d)) => {
                // A query over dtypes: integer dtypes take the default.
                #[allow(clippy::wildcard_enum_match_arm)]
                let s = match d {
                    Dtype::F32 | Dtype::F64 => fconst(*v as f64, *d),
                    Dtype::Bool => if *v != 0 { "true" } else { "false" }.into(),
                    _ if d.is_complex() => scalar_const(*d, *v as f64),
                    _ => v.to_string(),
                };
                s
            }
            (Const::Float(v), Ty::Scalar(d)) if d.is_complex() => scalar_const(*d, *v),
            (Const::Float(v), Ty::Scalar(d)) => fconst(*v, *d),
            (Const::Complex(re, im), Ty::Scalar(d)) => {
                let ft = d.real_part();
                format!(
                    "{{{} {}, {} {}}}",
                    scalar_ty(ft),
                    fconst(*re, ft),
                    scalar_ty(ft),
                    fconst(*im, ft)
                )
            }
            (Const::Bool(b), _) => if *b { "true" } else { "false" }.into(),
            (Const::Str(s), _) => self.m.string(s),
            (Const::Tuple(xs), Ty::Tuple(ts)) => {
                let parts: Vec<String> = xs
                    .iter()
                    .zip(ts)
                    .map(|(x, t)| {
                        let v = self.konst(x, t);
                        format!("{} {}", llty(t), v.r)
                    })
                    .collect();
                if parts.is_empty() {
                    "zeroinitializer".into()
                } else if uniform_tuple(ts) {
                    format!("[{}]", parts.join(", "))
                } else {
                    format!("{{{}}}", parts.join(", "))
                }
            }
            // A frozen named tuple: its items' constant, held as the tuple.
            (Const::Tuple(_), Ty::NamedTuple(nt)) => {
                return V::new(self.konst(c, &Ty::Tuple(nt.items.clone())).r, ty.clone());
            }
            _ => "zeroinitializer".into(),
        };
        V::new(r, ty.clone())
    }

    pub(super) fn expr(&mut self, e: &'p Expr) -> R<V> {
        if let Some(opt) = self.inst.unwrap(e) {
            // An optional value used where its payload is needed.
            let Ty::Optional(payload) = opt.clone() else {
                return ice("unwrap of a value that is not optional");
            };
            let v = self.expr_of(e, opt.clone())?;
            return Ok(self.cast(v, &payload));
        }
        let ty = self.inst.ty(e).clone();
        self.expr_of(e, ty)
    }

    /// Lower `e` as a value of type `ty` (its own type, before any unwrap).
    fn expr_of(&mut self, e: &'p Expr, ty: Ty) -> R<V> {
        if let Some(Res::Const(c)) = self.res(e) {
            return Ok(self.konst(c, &ty));
        }
        if let Some(Res::GlobalArray(i)) = self.res(e) {
            return self.global_array(*i, &ty);
        }
        // An operator, comparison or subscript of a jitclass instance: its
        // special method (typeck's `dunder`).
        if let (
            Some(Res::Call(_)),
            ExprKind::Bin(..)
            | ExprKind::Unary(..)
            | ExprKind::Compare(..)
            | ExprKind::Subscript(..),
        ) = (self.res(e), &e.kind)
        {
            return self.call_expr(e, ty);
        }
        if let Ty::Array(a) = &ty {
            if self.is_elementwise(e) {
                if self.parallel_exprs() && a.ndim >= 1 {
                    return self.fused_parallel(e, *a);
                }
                return self.fused(e, *a);
            }
        }
        if let Ty::Scalar(d) = ty {
            if self.is_zero_d_elementwise(e) {
                return self.zero_d_elementwise(e, d);
            }
        }
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::Str(_) => ice("literal without a constant"),
            ExprKind::NoneLit => Ok(V::unit(Ty::NoneType)),
            ExprKind::Name(n) => match self.vars.get(n).cloned() {
                Some((slot, vty)) => {
                    let v = self.load(&vty, &slot);
                    Ok(self.cast(v, &ty))
                }
                None => Ok(V::unit(ty)), // globals: modules, functions, dtypes (zero-sized)
            },
            ExprKind::Attr(obj, attr) => self.attr(e, obj, attr, ty),
            ExprKind::Bin(op, l, r) => {
                let a = self.expr(l)?;
                let b = self.expr(r)?;
                if let Ty::List(_) = ty {
                    return self.list_binop(*op, a, b, &ty);
                }
                if ty == Ty::Str {
                    return self.str_binop(*op, a, b);
                }
                if let Ty::Dict(d) = &ty {
                    let f = set_op(*op).ok_or("set operator")?;
                    return self.set_binop(f, &a, &b, d);
                }
                let v = self.binop(*op, a, b, e)?;
                Ok(self.cast(v, &ty))
            }
            ExprKind::Unary(op, x) => {
                let v = self.expr(x)?;
                self.unary(*op, v, ty)
            }
            ExprKind::BoolOp(is_and, xs) => {
                let slot = self.alloca(&llty(&ty));
                let end = self.label("boolend");
                for (i, x) in xs.iter().enumerate() {
                    let v = self.expr(x)?;
                    let c = self.truth(&v)?;
                    let v = self.cast(v, &ty);
                    self.store(&v, &slot);
                    if i + 1 < xs.len() {
                        let next = self.label("boolnext");
                        if *is_and {
                            self.cbr(&c, &next, &end);
                        } else {
                            self.cbr(&c, &end, &next);
                        }
                        self.start(&next);
                    }
                }
                self.start(&end);
                Ok(self.load(&ty, &slot))
            }
            ExprKind::Compare(first, rest) => {
                let mut l = self.expr(first)?;
                if rest.len() == 1 {
                    let r = self.expr(&rest[0].1)?;
                    let c = self.compare(rest[0].0, l, r)?;
                    return Ok(V::new(c, Ty::BOOL));
                }
                let slot = self.alloca("i1");
                let end = self.label("cmpend");
                for (i, (op, rx)) in rest.iter().enumerate() {
                    let r = self.expr(rx)?;
                    let c = self.compare(*op, l, r.clone())?;
                    self.emit(&format!("store i1 {c}, ptr {slot}"));
                    if i + 1 < rest.len() {
                        let next = self.label("cmpnext");
                        self.cbr(&c, &next, &end);
                        self.start(&next);
                    }
                    l = r;
                }
                self.start(&end);
                let v = self.val(&format!("load i1, ptr {slot}"));
                Ok(V::new(v, Ty::BOOL))
            }
            ExprKind::IfExp(test, a, b) => {
                let tv = self.expr(test)?;
                let c = self.truth(&tv)?;
                let slot = self.alloca(&llty(&ty));
                let (tl, el, end) = (self.label("ift"), self.label("iff"), self.label("ifend"));
                self.cbr(&c, &tl, &el);
                self.start(&tl);
                let av = self.expr(a)?;
                let av = self.cast(av, &ty);
                self.store(&av, &slot);
                self.br(&end);
                self.start(&el);
                let bv = self.expr(b)?;
                let bv = self.cast(bv, &ty);
                self.store(&bv, &slot);
                self.start(&end);
                Ok(self.load(&ty, &slot))
            }
            ExprKind::Call { .. } => self.call_expr(e, ty),
            ExprKind::Subscript(base, index) => {
                let b = self.expr(base)?;
                self.getitem(b, index, ty)
            }
            ExprKind::Tuple(xs) => {
                let mut items = Vec::new();
                for x in xs {
                    items.push(self.expr(x)?);
                }
                let t = self.build_tuple(items);
                Ok(self.cast(t, &ty))
            }
            ExprKind::Lambda(_) => Ok(V::unit(ty)),
            ExprKind::List(xs) if matches!(ty, Ty::List(_)) => {
                let Ty::List(elem) = &ty else {
                    return ice("list display");
                };
                self.list_display(elem, xs)
            }
            ExprKind::List(xs) => {
                let mut items = Vec::new();
                for x in xs {
                    items.push(self.expr(x)?);
                }
                let t = self.build_tuple(items);
                Ok(self.cast(t, &ty))
            }
            ExprKind::Slice(..) | ExprKind::Unsupported(_) => {
                ice("unsupported expression reached codegen")
            }
        }
    }

    fn attr(&mut self, e: &'p Expr, obj: &'p Expr, attr: &str, ty: Ty) -> R<V> {
        // A jitclass property: its getter, called with the object.
        if let Some(Res::Call(_)) = self.res(e) {
            return self.call_expr(e, ty);
        }
        let o = self.expr(obj)?;
        match (&o.ty.clone(), attr) {
            (Ty::Instance(_), _) => self.field_get(&o, attr),
            (Ty::Record(_), _) => self.record_get(&o, attr),
            (Ty::RecordArray(ra), _) => {
                let bytes = V::new(o.r.clone(), Ty::Array(ra.as_bytes()));
                match attr {
                    "shape" | "strides" => {
                        let items: Vec<V> = (0..ra.ndim as usize)
                            .map(|d| {
                                let x = if attr == "shape" {
                                    self.shape(&bytes, d)
                                } else {
                                    self.stride(&bytes, &ra.as_bytes(), d)
                                };
                                V::new(x, Ty::I64)
                            })
                            .collect();
                        Ok(self.build_tuple(items))
                    }
                    "size" => Ok(V::new(self.nitems(&bytes), Ty::I64)),
                    "ndim" => Ok(Self::i64c(ra.ndim as i64)),
                    "itemsize" => Ok(Self::i64c(ra.rec.size as i64)),
                    _ => {
                        let n = self.nitems(&bytes);
                        let b = self.val(&format!("mul i64 {n}, {}", ra.rec.size));
                        Ok(V::new(b, Ty::I64))
                    }
                }
            }
            (Ty::NamedTuple(nt), _) => {
                let i = nt.index_of(attr).ok_or("named tuple field")?;
                Ok(self.extract(&o, i, nt.items[i].clone()))
            }
            (Ty::Array(a), _) => {
                let a = *a;
                match attr {
                    "shape" => {
                        let items: Vec<V> = (0..a.ndim as usize)
                            .map(|d| V::new(self.shape(&o, d), Ty::I64))
                            .collect();
                        Ok(self.build_tuple(items))
                    }
                    "strides" => {
                        let items: Vec<V> = (0..a.ndim as usize)
                            .map(|d| V::new(self.stride(&o, &a, d), Ty::I64))
                            .collect();
                        Ok(self.build_tuple(items))
                    }
                    "size" => Ok(V::new(self.nitems(&o), Ty::I64)),
                    "ndim" => Ok(Self::i64c(a.ndim as i64)),
                    "itemsize" => Ok(Self::i64c(a.dtype.size() as i64)),
                    "nbytes" => {
                        let n = self.nitems(&o);
                        Ok(V::new(
                            self.val(&format!("mul i64 {n}, {}", a.dtype.size())),
                            Ty::I64,
                        ))
                    }
                    "T" => self.transpose(&o, &a, ty),
                    "real" => Ok(V::new(o.r, ty)),
                    _ => Ok(V::unit(ty)), // dtype
                }
            }
            (Ty::Scalar(d), "real" | "imag") => {
                let d = *d;
                if d.is_complex() {
                    Ok(self.extract(&o, usize::from(attr == "imag"), ty))
                } else if attr == "real" {
                    Ok(self.cast(o, &ty))
                } else {
                    Ok(V::new(scalar_const(d, 0.0), Ty::Scalar(d)))
                }
            }
            _ => Ok(V::unit(ty)),
        }
    }

    pub(super) fn unary(&mut self, op: UnOp, v: V, ty: Ty) -> R<V> {
        match op {
            UnOp::Not => {
                let c = self.truth(&v)?;
                Ok(V::new(self.val(&format!("xor i1 {c}, true")), Ty::BOOL))
            }
            UnOp::Pos => Ok(self.cast(v, &ty)),
            UnOp::Neg => {
                // Integers are negated at the operand's own width, then widened:
                // -np.uint8(1) is 255, as in NumPy and Numba.
                let width = v.ty.scalar().filter(|s| s.is_int());
                let int_result = ty.scalar().is_some_and(|d| d.is_int());
                let v = if width.is_some() && int_result {
                    v
                } else {
                    self.cast(v, &ty)
                };
                match ty {
                    Ty::Scalar(d) if d.is_int() => {
                        let w = width.unwrap_or(d);
                        let r = self.val(&format!("sub {} 0, {}", scalar_ty(w), v.r));
                        Ok(self.cast(V::new(r, Ty::Scalar(w)), &ty))
                    }
                    Ty::Scalar(d) if d.is_float() => Ok(V::new(
                        self.val(&format!("fneg {} {}", scalar_ty(d), v.r)),
                        ty,
                    )),
                    Ty::Scalar(d) if d.is_complex() => {
                        let ft = Ty::Scalar(d.real_part());
                        let re = self.extract(&v, 0, ft.clone());
                        let im = self.extract(&v, 1, ft.clone());
                        let nre = self.val(&format!("fneg {} {}", llty(&ft), re.r));
                        let nim = self.val(&format!("fneg {} {}", llty(&ft), im.r));
                        Ok(self.complex(d, &nre, &nim))
                    }
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
                    | Ty::Optional(_)
                    | Ty::Unknown => ice(format!("cannot negate {ty}")),
                }
            }
            UnOp::Invert => match ty {
                Ty::Scalar(Dtype::Bool) => {
                    Ok(V::new(self.val(&format!("xor i1 {}, true", v.r)), ty))
                }
                Ty::Scalar(d) if d.is_int() => {
                    // At the operand's own width, then widened: ~np.uint8(0) is 255.
                    let w = v.ty.scalar().filter(|s| s.is_int()).unwrap_or(d);
                    let v = self.cast(v, &Ty::Scalar(w));
                    let r = self.val(&format!("xor {} {}, -1", scalar_ty(w), v.r));
                    Ok(self.cast(V::new(r, Ty::Scalar(w)), &ty))
                }
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
                | Ty::Optional(_)
                | Ty::Unknown => ice(format!("cannot invert {ty}")),
            },
        }
    }

    pub(super) fn complex(&mut self, d: Dtype, re: &str, im: &str) -> V {
        let ft = scalar_ty(d.real_part());
        let ct = scalar_ty(d);
        let a = self.val(&format!("insertvalue {ct} undef, {ft} {re}, 0"));
        let b = self.val(&format!("insertvalue {ct} {a}, {ft} {im}, 1"));
        V::new(b, Ty::Scalar(d))
    }

    // ----- casts ---------------------------------------------------------------------------

    pub(crate) fn cast(&mut self, v: V, to: &Ty) -> V {
        if &v.ty == to {
            return v;
        }
        match (v.ty.clone(), to) {
            (Ty::Scalar(a), Ty::Scalar(b)) => {
                let r = self.cast_scalar(&v.r, a, *b);
                V::new(r, to.clone())
            }
            (Ty::Tuple(xs), Ty::Tuple(ys)) if xs.len() == ys.len() => {
                let mut items = Vec::new();
                for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                    let e = self.extract(&v, i, x.clone());
                    items.push(self.cast(e, y));
                }
                let t = self.build_tuple(items);
                V::new(t.r, to.clone())
            }
            // Array layouts/readonly flags share one representation.
            (Ty::Array(_), Ty::Array(_)) => V::new(v.r, to.clone()),
            (Ty::NoneType, Ty::Optional(_)) => V::unit(to.clone()),
            (Ty::Optional(x), Ty::Optional(y)) => {
                // An absent payload is zeros, and so is its cast.
                let p = self.extract(&v, 0, (*x).clone());
                let p = self.cast(p, y);
                let present = self.extract(&v, 1, Ty::BOOL);
                self.some(p, &present.r, to)
            }
            (Ty::Optional(x), _) => {
                let p = self.unwrap_optional(&v, &x);
                self.cast(p, to)
            }
            (_, Ty::Optional(y)) => {
                let p = self.cast(v, y);
                self.some(p, "true", to)
            }
            (_, Ty::Unknown) => v,
            _ => V::new(
                if llty(&v.ty) == llty(to) {
                    v.r
                } else {
                    "zeroinitializer".into()
                },
                to.clone(),
            ),
        }
    }

    /// The optional value `to` holding `payload` (already of its payload
    /// type), present when `present` (an i1) holds.
    fn some(&mut self, payload: V, present: &str, to: &Ty) -> V {
        let t = llty(to);
        let a = self.val(&format!(
            "insertvalue {t} zeroinitializer, {} {}, 0",
            llty(&payload.ty),
            payload.r
        ));
        let b = self.val(&format!("insertvalue {t} {a}, i1 {present}, 1"));
        V::new(b, to.clone())
    }

    /// The payload of optional value `v`, raising Numba's `TypeError`
    /// ("expected int64, got None") when it is None.
    pub(super) fn unwrap_optional(&mut self, v: &V, payload: &Ty) -> V {
        let present = self.extract(v, 1, Ty::BOOL);
        let absent = self.val(&format!("xor i1 {}, true", present.r));
        let msg = self.str_const(&format!("expected {payload}, got None"));
        self.raise_if(&absent, ExcKind::TypeError, &[msg]);
        self.extract(v, 0, payload.clone())
    }

    pub(super) fn cast_scalar(&mut self, r: &str, a: Dtype, b: Dtype) -> String {
        if a == b || scalar_ty(a) == scalar_ty(b) && a.kind() == b.kind() {
            return r.to_string();
        }
        let (ta, tb) = (scalar_ty(a), scalar_ty(b));
        use Kind::*;
        match (a.kind(), b.kind()) {
            (_, Complex) => {
                let ft = b.real_part();
                let (re, im) = if a.is_complex() {
                    let fa = scalar_ty(a.real_part());
                    let re = self.val(&format!("extractvalue {ta} {r}, 0"));
                    let im = self.val(&format!("extractvalue {ta} {r}, 1"));
                    let _ = fa;
                    (
                        self.cast_scalar(&re, a.real_part(), ft),
                        self.cast_scalar(&im, a.real_part(), ft),
                    )
                } else {
                    (self.cast_scalar(r, a, ft), fconst(0.0, ft))
                };
                self.complex(b, &re, &im).r
            }
            (Complex, _) => {
                if b == Dtype::Bool {
                    let v = V::new(r, Ty::Scalar(a));
                    return self.truth(&v).unwrap_or_else(|_| "false".into());
                }
                let re = self.val(&format!("extractvalue {ta} {r}, 0"));
                self.cast_scalar(&re, a.real_part(), b)
            }
            (_, Bool) => match a.kind() {
                Float => self.val(&format!("fcmp une {ta} {r}, 0.0")),
                Bool | Signed | Unsigned | Complex => self.val(&format!("icmp ne {ta} {r}, 0")),
            },
            (Bool, Float) => self.val(&format!("uitofp i1 {r} to {tb}")),
            (Bool, _) => self.val(&format!("zext i1 {r} to {tb}")),
            (Signed | Unsigned, Signed | Unsigned) => {
                let (ba, bb) = (a.bits(), b.bits());
                if ba > bb {
                    self.val(&format!("trunc {ta} {r} to {tb}"))
                } else if ba < bb {
                    let op = if a.is_signed() { "sext" } else { "zext" };
                    self.val(&format!("{op} {ta} {r} to {tb}"))
                } else {
                    r.to_string()
                }
            }
            (Signed, Float) => match r.parse::<i64>() {
                Ok(v) => fconst(v as f64, b),
                Err(_) => self.val(&format!("sitofp {ta} {r} to {tb}")),
            },
            (Unsigned, Float) => self.val(&format!("uitofp {ta} {r} to {tb}")),
            (Float, Signed | Unsigned) => {
                // Saturating conversion: no poison for NaN or out-of-range values.
                let s = if b.is_signed() { "fptosi" } else { "fptoui" };
                let name = format!("@llvm.{s}.sat.{tb}.{}", fsuffix(a));
                self.m.declare(&format!("declare {tb} {name}({ta})"));
                self.val(&format!("call {tb} {name}({ta} {r})"))
            }
            (Float, Float) => {
                let op = if a.bits() < b.bits() {
                    "fpext"
                } else {
                    "fptrunc"
                };
                self.val(&format!("{op} {ta} {r} to {tb}"))
            }
        }
    }
}
