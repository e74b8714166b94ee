//! Statistics and products: cumsum, diff, quantiles, bincount, average, convolve, outer, vdot.

use super::*;

impl<'p> FnGen<'_, 'p> {
    /// median/percentile/quantile along one axis: each lane is copied into
    /// a float64 buffer and handed to the runtime's selection.
    fn quantile_axis(
        &mut self,
        f: ArrFn,
        v: &V,
        a: &ArrayTy,
        ax: usize,
        q: Option<V>,
        ty: Ty,
    ) -> R<V> {
        let q = match (f, q) {
            (ArrFn::Median, _) => fconst(-1.0, Dtype::F64),
            (_, Some(q)) => {
                let qv = self.cast(q, &Ty::F64).r;
                let qv = if f == ArrFn::Percentile {
                    self.val(&format!("fdiv double {qv}, 100.0"))
                } else {
                    qv
                };
                let b1 = self.val(&format!("fcmp ugt double {qv}, 1.0"));
                let b2 = self.val(&format!("fcmp olt double {qv}, 0.0"));
                let bad = self.val(&format!("or i1 {b1}, {b2}"));
                let m = self.str_const(if f == ArrFn::Percentile {
                    "Percentiles must be in the range [0, 100]"
                } else {
                    "Quantiles must be in the range [0, 1]"
                });
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                qv
            }
            _ => return ice("quantile q"),
        };
        let nd = a.ndim as usize;
        let shape: Vec<String> = (0..nd).map(|k| self.shape(v, k)).collect();
        let outer: Vec<String> = shape
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != ax)
            .map(|(_, s)| s.clone())
            .collect();
        let len = shape[ax].clone();
        let buf = self.alloc_array(Dtype::F64, std::slice::from_ref(&len));
        let data = self.data(&buf);
        let out = match &ty {
            Ty::Array(o) => Some(self.alloc_array(o.dtype, &outer)),
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
        let res = self.alloca("double");
        let lp = self.nd_open(&outer);
        let inner = self.nd_open(std::slice::from_ref(&len));
        let mut idx = lp.idx.clone();
        idx.insert(ax, inner.idx[0].clone());
        let p = self.nd_ptr(v, a, &idx);
        let x = self.load_elem(a.dtype, &p);
        let x = self.cast(x, &Ty::F64);
        self.flat_store(&buf, Dtype::F64, &inner.idx[0].clone(), &x);
        self.nd_close(inner);
        let r = self.val(&format!(
            "call double @oxjit_rt_quantile_f64(ptr {data}, i64 {len}, double {q})"
        ));
        self.emit(&format!("store double {r}, ptr {res}"));
        if let Some(out) = &out {
            let oa = ArrayTy::new(Dtype::F64, (nd - 1) as u8, Layout::C);
            let qp = self.nd_ptr(out, &oa, &lp.idx);
            self.store_elem(&V::new(r, Ty::F64), &qp);
        }
        self.nd_close(lp);
        Ok(match out {
            Some(o) => o,
            None => V::new(self.val(&format!("load double, ptr {res}")), Ty::F64),
        })
    }

    /// One `np.diff` step along `ax`: out[.., i, ..] = v[.., i+1, ..] - v[.., i, ..]
    /// in the array's dtype (integers wrap, booleans give `!=`).
    fn diff_once(&mut self, v: &V, a: &ArrayTy, ax: usize) -> R<V> {
        let nd = a.ndim as usize;
        let mut shape: Vec<String> = (0..nd).map(|k| self.shape(v, k)).collect();
        let m0 = self.val(&format!("sub i64 {}, 1", shape[ax]));
        let pos = self.val(&format!("icmp sgt i64 {m0}, 0"));
        shape[ax] = self.val(&format!("select i1 {pos}, i64 {m0}, i64 0"));
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        let lp = self.nd_open(&shape);
        let mut next = lp.idx.clone();
        next[ax] = self.val(&format!("add nsw i64 {}, 1", lp.idx[ax]));
        let p0 = self.nd_ptr(v, a, &lp.idx);
        let p1 = self.nd_ptr(v, a, &next);
        let x0 = self.load_elem(a.dtype, &p0);
        let x1 = self.load_elem(a.dtype, &p1);
        let dv = if a.dtype == Dtype::Bool {
            V::new(self.val(&format!("xor i1 {}, {}", x1.r, x0.r)), Ty::BOOL)
        } else {
            let saved = self.m.opts.error_model_numpy;
            self.m.opts.error_model_numpy = true;
            let r = self.scalar_binop(BinOp::Sub, x1, x0, a.dtype, a.dtype);
            self.m.opts.error_model_numpy = saved;
            let r = r?;
            self.cast(r, &Ty::Scalar(a.dtype))
        };
        let q = self.nd_ptr(&out, &oa, &lp.idx);
        self.store_elem(&dv, &q);
        self.nd_close(lp);
        Ok(out)
    }

    /// cumsum/cumprod along one axis: a running total per lane.
    fn cum_axis(&mut self, sum: bool, v: &V, a: &ArrayTy, ax: usize, d: Dtype) -> R<V> {
        let nd = a.ndim as usize;
        let shape: Vec<String> = (0..nd).map(|k| self.shape(v, k)).collect();
        let out = self.alloc_array(d, &shape);
        let oa = ArrayTy::new(d, a.ndim, Layout::C);
        let outer: Vec<String> = shape
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != ax)
            .map(|(_, s)| s.clone())
            .collect();
        let at = Ty::Scalar(d);
        let acc = self.alloca(&llty(&at));
        let lp = self.nd_open(&outer);
        let init = scalar_const(d, if sum { 0.0 } else { 1.0 });
        self.emit(&format!("store {} {init}, ptr {acc}", llty(&at)));
        let inner = self.nd_open(std::slice::from_ref(&shape[ax]));
        let mut idx = lp.idx.clone();
        idx.insert(ax, inner.idx[0].clone());
        let p = self.nd_ptr(v, a, &idx);
        let x = self.load_elem(a.dtype, &p);
        let x = self.cast(x, &at);
        let cur = self.load(&at, &acc);
        let nv = self.binop_same(if sum { BinOp::Add } else { BinOp::Mul }, &cur, &x)?;
        let nv = V::new(nv, at.clone());
        self.store(&nv, &acc);
        let q = self.nd_ptr(&out, &oa, &idx);
        self.store_elem(&nv, &q);
        self.nd_close(inner);
        self.nd_close(lp);
        Ok(out)
    }

    /// `np.cumsum`/`np.cumprod` (flat or along an axis) and `np.diff`.
    pub(super) fn arr_cumulative(
        &mut self,
        f: ArrFn,
        args: Vec<V>,
        call: &'p Call<'p>,
        ty: Ty,
    ) -> R<V> {
        let out_a = ty.array().copied();
        match f {
            ArrFn::Cumsum | ArrFn::Cumprod => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("cumsum arg");
                };
                let oa = out_a.ok_or("cumsum type")?;
                let axis = match args.get(1) {
                    Some(v) => Some(v.clone()),
                    None => self.kwarg(call, "axis")?,
                };
                if let Some(ax) = axis.filter(|v| v.ty != Ty::NoneType) {
                    let k: i64 = ax.r.parse().map_err(|_| "cumsum axis must be a constant")?;
                    let ax = k.rem_euclid(a.ndim as i64) as usize;
                    return self.cum_axis(f == ArrFn::Cumsum, &args[0], &a, ax, oa.dtype);
                }
                let (src, _) = self.as_c(&args[0], &a)?;
                let n = self.nitems(&src);
                let out = self.alloc_array(oa.dtype, std::slice::from_ref(&n));
                let at = Ty::Scalar(oa.dtype);
                let acc = self.alloca(&llty(&at));
                let init = scalar_const(oa.dtype, if f == ArrFn::Cumsum { 0.0 } else { 1.0 });
                self.emit(&format!("store {} {init}, ptr {acc}", llty(&at)));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let k = lp.idx[0].clone();
                let x = self.flat_elem(&src, a.dtype, &k);
                let x = self.cast(x, &at);
                let cur = self.load(&at, &acc);
                let nv = self.binop_same(
                    if f == ArrFn::Cumsum {
                        BinOp::Add
                    } else {
                        BinOp::Mul
                    },
                    &cur,
                    &x,
                )?;
                self.emit(&format!("store {} {nv}, ptr {acc}", llty(&at)));
                self.flat_store(&out, oa.dtype, &k, &V::new(nv, at.clone()));
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Diff => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("diff arg");
                };
                let n = match self.arg_const(call, 1, "n") {
                    Some(Const::Int(k)) => *k,
                    _ => 1,
                };
                let ax = match self.arg_const(call, 2, "axis") {
                    Some(Const::Int(k)) => k.rem_euclid(a.ndim as i64) as usize,
                    _ => a.ndim as usize - 1,
                };
                // n = 0 gives the array itself, as in NumPy.
                let (mut cur, mut ca) = (args[0].clone(), a);
                for _ in 0..n {
                    cur = self.diff_once(&cur, &ca, ax)?;
                    ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
                }
                Ok(cur)
            }
            ArrFn::Bincount
            | ArrFn::Median
            | ArrFn::Percentile
            | ArrFn::Quantile
            | ArrFn::Reshape
            | ArrFn::Ravel
            | ArrFn::Flatten
            | ArrFn::Astype
            | ArrFn::AsContiguous
            | ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack
            | ArrFn::Array
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Convolve
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Average
            | ArrFn::Flatnonzero
            | ArrFn::AsArray
            | ArrFn::Allclose
            | ArrFn::Norm
            | ArrFn::Trace
            | ArrFn::Outer
            | ArrFn::Kron
            | ArrFn::Vdot
            | ArrFn::Trapezoid => unreachable!("arr_fn sends only these here"),
        }
    }

    /// `np.trapezoid(y, x=None, dx=1.0, axis=-1)`: per lane along `axis`, the
    /// sum of `d * (y[i] + y[i-1]) / 2.0` in index order (NumPy's terms; NumPy
    /// adds them pairwise, so long lanes can differ in the last bits).
    fn trapezoid(&mut self, args: &[V], call: &'p Call<'p>, ty: Ty) -> R<V> {
        let Ty::Array(ya) = args[0].ty.clone() else {
            return ice("trapezoid y");
        };
        let y = &args[0];
        let (d, out_ty) = match &ty {
            Ty::Scalar(d) => (*d, None),
            Ty::Array(o) => (o.dtype, Some(*o)),
            Ty::NoneType
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
            | Ty::Unknown => return ice("trapezoid result"),
        };
        let rt = Ty::Scalar(d);
        let given = |s: &mut Self, pos: usize, kw: &str| -> R<Option<V>> {
            let v = match args.get(pos) {
                Some(v) => Some(v.clone()),
                None => s.kwarg(call, kw)?,
            };
            Ok(v.filter(|v| v.ty != Ty::NoneType))
        };
        let x = given(self, 1, "x")?;
        let dx = match given(self, 2, "dx")? {
            Some(v) => self.cast(v, &rt),
            None => self.cast(V::new(fconst(1.0, Dtype::F64), Ty::F64), &rt),
        };
        let nd = ya.ndim as usize;
        let ax = match self.arg_const(call, 3, "axis") {
            Some(Const::Int(k)) => k.rem_euclid(nd as i64) as usize,
            _ => nd - 1,
        };
        let shape: Vec<String> = (0..nd).map(|k| self.shape(y, k)).collect();
        let outer: Vec<String> = (0..nd)
            .filter(|k| *k != ax)
            .map(|k| shape[k].clone())
            .collect();
        // x must match y along the axis (1-d x) or in every dimension.
        if let Some(xv) = &x {
            let Ty::Array(xa) = xv.ty.clone() else {
                return ice("trapezoid x");
            };
            let dims: Vec<(usize, usize)> = if xa.ndim == 1 {
                vec![(0, ax)]
            } else {
                (0..nd).map(|k| (k, k)).collect()
            };
            for (xk, yk) in dims {
                let xs = self.shape(xv, xk);
                let bad = self.val(&format!("icmp ne i64 {xs}, {}", shape[yk]));
                let m =
                    self.str_const("trapezoid: x and y do not have matching shapes along the axis");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
            }
        }
        let out = out_ty.map(|_| self.alloc_array(d, &outer));
        let acc = self.alloca(&llty(&rt));
        let lp = self.nd_open(&outer);
        self.emit(&format!("store {} zeroinitializer, ptr {acc}", llty(&rt)));
        let m0 = self.val(&format!("sub i64 {}, 1", shape[ax]));
        let pos = self.val(&format!("icmp sgt i64 {m0}, 0"));
        let terms = self.val(&format!("select i1 {pos}, i64 {m0}, i64 0"));
        let inner = self.nd_open(std::slice::from_ref(&terms));
        let i0 = inner.idx[0].clone();
        let i1 = self.val(&format!("add nsw i64 {i0}, 1"));
        let at = |lane: &[String], i: &str| {
            let mut idx = lane.to_vec();
            idx.insert(ax, i.to_string());
            idx
        };
        let (idx0, idx1) = (at(&lp.idx, &i0), at(&lp.idx, &i1));
        let p0 = self.nd_ptr(y, &ya, &idx0);
        let p1 = self.nd_ptr(y, &ya, &idx1);
        let y0 = self.load_elem(ya.dtype, &p0);
        let y1 = self.load_elem(ya.dtype, &p1);
        // NumPy adds y[1:] + y[:-1] in y's dtype, then promotes.
        let sum = V::new(self.binop_same(BinOp::Add, &y1, &y0)?, Ty::Scalar(ya.dtype));
        let sum = self.cast(sum, &rt);
        let step = match &x {
            Some(xv) => {
                let Ty::Array(xa) = xv.ty.clone() else {
                    return ice("trapezoid x");
                };
                let (q0, q1) = if xa.ndim == 1 {
                    (vec![i0.clone()], vec![i1.clone()])
                } else {
                    (idx0.clone(), idx1.clone())
                };
                let p0 = self.nd_ptr(xv, &xa, &q0);
                let p1 = self.nd_ptr(xv, &xa, &q1);
                let x0 = self.load_elem(xa.dtype, &p0);
                let x1 = self.load_elem(xa.dtype, &p1);
                // NumPy's diff(x) is in x's dtype (integers subtract exactly).
                let xd = Ty::Scalar(xa.dtype);
                let diff = if xa.dtype.is_int() {
                    V::new(
                        self.val(&format!("sub {} {}, {}", llty(&xd), x1.r, x0.r)),
                        xd,
                    )
                } else {
                    self.binop_same_sub(&x1, &x0)?
                };
                self.cast(diff, &rt)
            }
            None => dx.clone(),
        };
        let prod = V::new(self.binop_same(BinOp::Mul, &step, &sum)?, rt.clone());
        let two = self.cast(V::new(fconst(2.0, Dtype::F64), Ty::F64), &rt);
        let term = V::new(self.binop_same(BinOp::Div, &prod, &two)?, rt.clone());
        let cur = self.load(&rt, &acc);
        let next = V::new(self.binop_same(BinOp::Add, &cur, &term)?, rt.clone());
        self.store(&next, &acc);
        self.nd_close(inner);
        if let (Some(out), Some(oa)) = (&out, &out_ty) {
            let total = self.load(&rt, &acc);
            let q = self.nd_ptr(out, oa, &lp.idx);
            self.store_elem(&total, &q);
        }
        self.nd_close(lp);
        Ok(match out {
            Some(o) => o,
            None => self.load(&rt, &acc),
        })
    }

    /// `np.bincount`, median/percentile/quantile and `np.average`.
    pub(super) fn arr_statistics(
        &mut self,
        f: ArrFn,
        args: Vec<V>,
        call: &'p Call<'p>,
        ty: Ty,
    ) -> R<V> {
        match f {
            ArrFn::Bincount => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("bincount arg");
                };
                let minlength = match self.kwarg(call, "minlength")? {
                    Some(v) => self.cast(v, &Ty::I64).r,
                    None => "0".into(),
                };
                let n = self.shape(&args[0], 0);
                let mx = self.alloca("i64");
                self.emit(&format!("store i64 -1, ptr {mx}"));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let p = self.nd_ptr(&args[0], &a, &lp.idx);
                let x = self.load_elem(a.dtype, &p);
                let x = self.cast(x, &Ty::I64);
                let neg = self.val(&format!("icmp slt i64 {}, 0", x.r));
                let m = self.str_const("'list' argument must have no negative elements");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let cur = self.val(&format!("load i64, ptr {mx}"));
                let gt = self.val(&format!("icmp sgt i64 {}, {cur}", x.r));
                let nm = self.val(&format!("select i1 {gt}, i64 {}, i64 {cur}", x.r));
                self.emit(&format!("store i64 {nm}, ptr {mx}"));
                self.nd_close(lp);
                let top = self.val(&format!("load i64, ptr {mx}"));
                let len0 = self.val(&format!("add i64 {top}, 1"));
                let big = self.val(&format!("icmp sgt i64 {minlength}, {len0}"));
                let len = self.val(&format!("select i1 {big}, i64 {minlength}, i64 {len0}"));
                let out = self.alloc_array(Dtype::I64, std::slice::from_ref(&len));
                let oa = ArrayTy::new(Dtype::I64, 1, Layout::C);
                self.init_array(&out, &oa, Alloc::Zeros, None)?;
                let lp = self.nd_open(std::slice::from_ref(&n));
                let p = self.nd_ptr(&args[0], &a, &lp.idx);
                let x = self.load_elem(a.dtype, &p);
                let x = self.cast(x, &Ty::I64);
                let q = self.nd_ptr(&out, &oa, std::slice::from_ref(&x.r));
                let c = self.val(&format!("load i64, ptr {q}"));
                let c1 = self.val(&format!("add i64 {c}, 1"));
                self.emit(&format!("store i64 {c1}, ptr {q}"));
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Median | ArrFn::Percentile | ArrFn::Quantile => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("median arg");
                };
                let nq = usize::from(f != ArrFn::Median);
                let axis = match args.get(1 + nq) {
                    Some(v) => Some(v.clone()),
                    None => self.kwarg(call, "axis")?,
                }
                .filter(|v| v.ty != Ty::NoneType);
                if let Some(ax) = axis {
                    let k: i64 = ax.r.parse().map_err(|_| "axis must be a constant")?;
                    let q = args.get(1).cloned();
                    return self.quantile_axis(
                        f,
                        &args[0],
                        &a,
                        k.rem_euclid(a.ndim as i64) as usize,
                        q,
                        ty,
                    );
                }
                let (src, _) = self.as_c(&args[0], &a)?;
                let n = self.nitems(&src);
                let buf = self.alloc_array(Dtype::F64, std::slice::from_ref(&n));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let k = lp.idx[0].clone();
                let x = self.flat_elem(&src, a.dtype, &k);
                self.flat_store(&buf, Dtype::F64, &k, &x);
                self.nd_close(lp);
                let is_median = f == ArrFn::Median;
                let is_pct = f == ArrFn::Percentile;
                let data = self.data(&buf);
                let mut one = move |s: &mut Self, qv: V| -> R<V> {
                    let q = if is_median {
                        // A negative q asks the runtime for the median (mean of the middle two).
                        fconst(-1.0, Dtype::F64)
                    } else if is_pct {
                        let p = s.cast(qv, &Ty::F64);
                        s.val(&format!("fdiv double {}, 100.0", p.r))
                    } else {
                        s.cast(qv, &Ty::F64).r
                    };
                    if !is_median {
                        let b1 = s.val(&format!("fcmp ugt double {q}, 1.0"));
                        let b2 = s.val(&format!("fcmp olt double {q}, 0.0"));
                        let bad = s.val(&format!("or i1 {b1}, {b2}"));
                        let m = s.str_const(if is_pct {
                            "Percentiles must be in the range [0, 100]"
                        } else {
                            "Quantiles must be in the range [0, 1]"
                        });
                        s.raise_if(&bad, ExcKind::ValueError, &[m]);
                    }
                    Ok(V::new(
                        s.val(&format!(
                            "call double @oxjit_rt_quantile_f64(ptr {data}, i64 {n}, double {q})"
                        )),
                        Ty::F64,
                    ))
                };
                match args.get(1) {
                    Some(qv) if !is_median => {
                        let qv = qv.clone();
                        self.map_scalar_or_array(&qv, Dtype::F64, &mut one)
                    }
                    _ => one(self, V::new(fconst(0.5, Dtype::F64), Ty::F64)),
                }
            }
            ArrFn::Trapezoid => self.trapezoid(&args, call, ty),
            ArrFn::Average => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("average arg");
                };
                let w = self.kwarg(call, "weights")?;
                let out_t = ty.clone();
                match w.filter(|v| v.ty != Ty::NoneType) {
                    None => self.reduce(Reduce::Mean, &args[0], &a, out_t),
                    Some(wv) => {
                        let Ty::Array(wa) = wv.ty.clone() else {
                            return ice("weights");
                        };
                        let mut leaves = vec![args[0].clone(), wv.clone()];
                        let nd = a.ndim.max(wa.ndim) as usize;
                        let shape = self.broadcast_shape(&leaves, nd)?;
                        let bflags = self.broadcast_flags(&leaves);
                        let node = Node::Bin(
                            BinOp::Mul,
                            Box::new(Node::Leaf(0)),
                            Box::new(Node::Leaf(1)),
                            if a.dtype.is_complex() {
                                Dtype::C128
                            } else {
                                Dtype::F64
                            },
                        );
                        let lv = std::mem::take(&mut leaves);
                        let od = out_t.scalar().unwrap_or(Dtype::F64);
                        let mut get = |s: &mut Self, idx: &[String]| -> R<V> {
                            s.eval_at(&node, &lv, &bflags, nd, idx)
                        };
                        let num = self.reduce_seq(Reduce::Sum, &shape, &mut get, od, od)?;
                        let den = self.reduce(Reduce::Sum, &wv, &wa, Ty::F64)?;
                        let zero = self.val(&format!("fcmp oeq double {}, 0.0", den.r));
                        let m = self.str_const("Weights sum to zero, can't be normalized");
                        self.raise_if(&zero, ExcKind::ZeroDivisionError, &[m]);
                        let den = self.cast(den, &out_t);
                        let q = self.binop_same(BinOp::Div, &num, &den)?;
                        Ok(V::new(q, out_t))
                    }
                }
            }
            ArrFn::Cumsum
            | ArrFn::Cumprod
            | ArrFn::Diff
            | ArrFn::Reshape
            | ArrFn::Ravel
            | ArrFn::Flatten
            | ArrFn::Astype
            | ArrFn::AsContiguous
            | ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack
            | ArrFn::Array
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Convolve
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Flatnonzero
            | ArrFn::AsArray
            | ArrFn::Allclose
            | ArrFn::Norm
            | ArrFn::Trace
            | ArrFn::Outer
            | ArrFn::Kron
            | ArrFn::Vdot => unreachable!("arr_fn sends only these here"),
        }
    }

    /// `np.kron(a, b)` of 1-d and 2-d arrays: a new C array.
    fn kron(&mut self, args: &[V], out_a: Option<ArrayTy>) -> R<V> {
        let (Ty::Array(xa), Ty::Array(ya)) = (args[0].ty.clone(), args[1].ty.clone()) else {
            return ice("kron args");
        };
        let oa = out_a.ok_or("kron type")?;
        // (rows, cols) of each operand, a 1-d one being one row.
        let dims = |s: &mut Self, v: &V, a: &ArrayTy| -> (String, String) {
            if a.ndim == 1 {
                ("1".to_string(), s.shape(v, 0))
            } else {
                (s.shape(v, 0), s.shape(v, 1))
            }
        };
        let (xr, xc) = dims(self, &args[0], &xa);
        let (yr, yc) = dims(self, &args[1], &ya);
        let rows = self.val(&format!("mul i64 {xr}, {yr}"));
        let cols = self.val(&format!("mul i64 {xc}, {yc}"));
        let shape = if oa.ndim == 1 {
            vec![cols.clone()]
        } else {
            vec![rows, cols.clone()]
        };
        let out = self.alloc_array(oa.dtype, &shape);
        let et = Ty::Scalar(oa.dtype);
        let lp = self.nd_open(&[xr, xc, yr.clone(), yc.clone()]);
        let [i, j, k, l] = [0, 1, 2, 3].map(|n| lp.idx[n].clone());
        let at = |a: &ArrayTy, r: &str, c: &str| -> Vec<String> {
            if a.ndim == 1 {
                vec![c.to_string()]
            } else {
                vec![r.to_string(), c.to_string()]
            }
        };
        let px = self.nd_ptr(&args[0], &xa, &at(&xa, &i, &j));
        let x = self.load_elem(xa.dtype, &px);
        let py = self.nd_ptr(&args[1], &ya, &at(&ya, &k, &l));
        let y = self.load_elem(ya.dtype, &py);
        let (x, y) = (self.cast(x, &et), self.cast(y, &et));
        let pr = self.binop_same(BinOp::Mul, &x, &y)?;
        // out[i*yr + k, j*yc + l] (the flat row is 0 for a 1-d result).
        let r0 = self.val(&format!("mul i64 {i}, {yr}"));
        let r = self.val(&format!("add i64 {r0}, {k}"));
        let c0 = self.val(&format!("mul i64 {j}, {yc}"));
        let c = self.val(&format!("add i64 {c0}, {l}"));
        let ca = ArrayTy::new(oa.dtype, oa.ndim, Layout::C);
        let q = self.nd_ptr(&out, &ca, &at(&ca, &r, &c));
        self.store_elem(&V::new(pr, et), &q);
        self.nd_close(lp);
        Ok(out)
    }

    /// Products and pairwise tests: convolve, trace, outer, vdot, allclose.
    pub(super) fn arr_products(
        &mut self,
        f: ArrFn,
        args: Vec<V>,
        call: &'p Call<'p>,
        ty: Ty,
    ) -> R<V> {
        let out_a = ty.array().copied();
        match f {
            ArrFn::Convolve => {
                let (Ty::Array(a), Ty::Array(b)) = (args[0].ty.clone(), args[1].ty.clone()) else {
                    return ice("convolve args");
                };
                let oa = out_a.ok_or("convolve type")?;
                let n = self.shape(&args[0], 0);
                let m = self.shape(&args[1], 0);
                let e1 = self.val(&format!("icmp eq i64 {n}, 0"));
                let msg = self.str_const("a cannot be empty");
                self.raise_if(&e1, ExcKind::ValueError, &[msg]);
                let e2 = self.val(&format!("icmp eq i64 {m}, 0"));
                let msg = self.str_const("v cannot be empty");
                self.raise_if(&e2, ExcKind::ValueError, &[msg]);
                let len0 = self.val(&format!("add i64 {n}, {m}"));
                let len = self.val(&format!("sub i64 {len0}, 1"));
                let out = self.alloc_array(oa.dtype, std::slice::from_ref(&len));
                let ca = ArrayTy::new(oa.dtype, 1, Layout::C);
                self.init_array(&out, &ca, Alloc::Zeros, None)?;
                let et = Ty::Scalar(oa.dtype);
                let lp = self.nd_open(&[n.clone(), m.clone()]);
                let (i, j) = (lp.idx[0].clone(), lp.idx[1].clone());
                let pa = self.nd_ptr(&args[0], &a, std::slice::from_ref(&i));
                let pb = self.nd_ptr(&args[1], &b, std::slice::from_ref(&j));
                let x = self.load_elem(a.dtype, &pa);
                let y = self.load_elem(b.dtype, &pb);
                let x = self.cast(x, &et);
                let y = self.cast(y, &et);
                let prod = self.binop_same(BinOp::Mul, &x, &y)?;
                let k = self.val(&format!("add i64 {i}, {j}"));
                let po = self.nd_ptr(&out, &ca, &[k]);
                let cur = self.load_elem(oa.dtype, &po);
                let nv = self.binop_same(BinOp::Add, &cur, &V::new(prod, et.clone()))?;
                self.store_elem(&V::new(nv, et.clone()), &po);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Trace => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("trace arg");
                };
                let od = ty.scalar().ok_or("trace type")?;
                let n0 = self.shape(&args[0], 0);
                let n1 = self.shape(&args[0], 1);
                let lt = self.val(&format!("icmp slt i64 {n0}, {n1}"));
                let n = self.val(&format!("select i1 {lt}, i64 {n0}, i64 {n1}"));
                let (vv, aa) = (args[0].clone(), a);
                let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
                    let p = s.nd_ptr(&vv, &aa, &[idx[0].clone(), idx[0].clone()]);
                    Ok(s.load_elem(aa.dtype, &p))
                };
                self.reduce_seq(Reduce::Sum, &[n], &mut get, a.dtype, od)
            }
            ArrFn::Outer => {
                let (Ty::Array(xa), Ty::Array(ya)) = (args[0].ty.clone(), args[1].ty.clone())
                else {
                    return ice("outer args");
                };
                let oa = out_a.ok_or("outer type")?;
                let (xs, _) = self.as_c(&args[0], &xa)?;
                let (ys, _) = self.as_c(&args[1], &ya)?;
                let n = self.nitems(&xs);
                let m = self.nitems(&ys);
                let out = self.alloc_array(oa.dtype, &[n.clone(), m.clone()]);
                let ca = ArrayTy::new(oa.dtype, 2, Layout::C);
                let et = Ty::Scalar(oa.dtype);
                let lp = self.nd_open(&[n, m]);
                let x = self.flat_elem(&xs, xa.dtype, &lp.idx[0].clone());
                let y = self.flat_elem(&ys, ya.dtype, &lp.idx[1].clone());
                let x = self.cast(x, &et);
                let y = self.cast(y, &et);
                let pr = self.binop_same(BinOp::Mul, &x, &y)?;
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&V::new(pr, et.clone()), &q);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Kron => self.kron(&args, out_a),
            ArrFn::Vdot => {
                let (Ty::Array(xa), Ty::Array(ya)) = (args[0].ty.clone(), args[1].ty.clone())
                else {
                    return ice("vdot args");
                };
                let out_d = ty.scalar().ok_or("vdot type")?;
                // Booleans: count in int64, then the truth of the count.
                let od = if out_d == Dtype::Bool {
                    Dtype::I64
                } else {
                    out_d
                };
                let (xs, _) = self.as_c(&args[0], &xa)?;
                let (ys, _) = self.as_c(&args[1], &ya)?;
                let n = self.nitems(&xs);
                let m = self.nitems(&ys);
                let bad = self.val(&format!("icmp ne i64 {n}, {m}"));
                let msg = self.str_const("vectors have different lengths");
                self.raise_if(&bad, ExcKind::ValueError, &[msg]);
                let et = Ty::Scalar(od);
                let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
                    let x = s.flat_elem(&xs, xa.dtype, &idx[0]);
                    let y = s.flat_elem(&ys, ya.dtype, &idx[0]);
                    let x = s.cast(x, &et);
                    let x = if od.is_complex() {
                        let (re, im) = s.complex_parts(&x);
                        let ni = s.val(&format!("fneg {} {im}", scalar_ty(od.real_part())));
                        s.complex(od, &re, &ni)
                    } else {
                        x
                    };
                    let y = s.cast(y, &et);
                    Ok(V::new(s.binop_same(BinOp::Mul, &x, &y)?, et.clone()))
                };
                let r = self.reduce_seq(Reduce::Sum, &[n], &mut get, od, od)?;
                Ok(self.cast(r, &Ty::Scalar(out_d)))
            }
            ArrFn::Allclose => {
                let rtol = match self.kwarg(call, "rtol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-5, Dtype::F64),
                };
                let atol = match self.kwarg(call, "atol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-8, Dtype::F64),
                };
                let leaves = args.clone();
                let nd = leaves
                    .iter()
                    .map(|v| v.ty.array().map_or(0, |a| a.ndim as usize))
                    .max()
                    .unwrap_or(0);
                let shape = self.broadcast_shape(&leaves, nd)?;
                let bflags = self.broadcast_flags(&leaves);
                let mut get = |s: &mut Self, idx: &[String]| -> R<V> {
                    let mut vals = Vec::new();
                    for (li, v) in leaves.iter().enumerate() {
                        match v.ty.clone() {
                            Ty::Array(la) => {
                                let k = la.ndim as usize;
                                let ix: Vec<String> = (0..k)
                                    .map(|j| {
                                        let i = idx[nd - k + j].clone();
                                        let f = bflags[li][j].clone();
                                        s.val(&format!("select i1 {f}, i64 0, i64 {i}"))
                                    })
                                    .collect();
                                let p = s.nd_ptr(v, &la, &ix);
                                let e = s.load_elem(la.dtype, &p);
                                vals.push(s.cast(e, &Ty::F64).r);
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
                            | Ty::Unknown => vals.push(s.cast(v.clone(), &Ty::F64).r),
                        }
                    }
                    Ok(V::new(
                        s.isclose(&vals[0], &vals[1], &rtol, &atol),
                        Ty::BOOL,
                    ))
                };
                self.reduce_seq(Reduce::All, &shape, &mut get, Dtype::Bool, Dtype::Bool)
            }
            ArrFn::Cumsum
            | ArrFn::Cumprod
            | ArrFn::Diff
            | ArrFn::Bincount
            | ArrFn::Median
            | ArrFn::Percentile
            | ArrFn::Quantile
            | ArrFn::Reshape
            | ArrFn::Ravel
            | ArrFn::Flatten
            | ArrFn::Astype
            | ArrFn::AsContiguous
            | ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack
            | ArrFn::Array
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Average
            | ArrFn::Flatnonzero
            | ArrFn::AsArray
            | ArrFn::Norm
            | ArrFn::Trapezoid => unreachable!("arr_fn sends only these here"),
        }
    }
}
