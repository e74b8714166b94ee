//! Array creation: fills, `arange`, `eye`, concatenation, `meshgrid`, `logspace`.

use super::*;

impl<'p> FnGen<'_, 'p> {
    pub(in crate::lower) fn init_array(
        &mut self,
        v: &V,
        a: &ArrayTy,
        kind: Alloc,
        fill: Option<V>,
    ) -> R<()> {
        match (kind, fill) {
            (Alloc::Zeros, _) => {
                let n = self.nitems(v);
                let bytes = self.val(&format!("mul i64 {n}, {}", a.dtype.size()));
                let data = self.data(v);
                if self.parallel_exprs() {
                    // parallel=True: a large fill is split over the pool
                    // (the first touch of fresh pages is most of its cost).
                    self.emit(&format!(
                        "call void @oxjit_rt_parallel_zero(ptr {data}, i64 {bytes})"
                    ));
                } else {
                    self.emit(&format!(
                        "call void @llvm.memset.p0.i64(ptr {data}, i8 0, i64 {bytes}, i1 false)"
                    ));
                }
                Ok(())
            }
            (_, Some(f)) => {
                // Flat loop over the fresh C-contiguous buffer.
                let f = self.cast(f, &Ty::Scalar(a.dtype));
                let n = self.nitems(v);
                let flat = ArrayTy::new(a.dtype, 1, Layout::C);
                let lp = self.nd_open(std::slice::from_ref(&n));
                let data = self.data(v);
                let off = self.val(&format!("mul nsw i64 {}, {}", lp.idx[0], a.dtype.size()));
                let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
                let _ = flat;
                self.store_elem(&f, &p);
                self.nd_close(lp);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub(in crate::lower) fn arange(&mut self, args: &[V], ty: Ty) -> R<V> {
        let Ty::Array(a) = ty else {
            return ice("arange type");
        };
        let d = a.dtype;
        let st = Ty::Scalar(d);
        let (start, stop, step) = match args.len() {
            1 => (
                V::new(scalar_const(d, 0.0), st.clone()),
                args[0].clone(),
                V::new(scalar_const(d, 1.0), st.clone()),
            ),
            2 => (
                args[0].clone(),
                args[1].clone(),
                V::new(scalar_const(d, 1.0), st.clone()),
            ),
            _ => (args[0].clone(), args[1].clone(), args[2].clone()),
        };
        // Length in float64 arithmetic: ceil((stop - start) / step).
        let fs = self.cast(start.clone(), &Ty::F64).r;
        let fe = self.cast(stop, &Ty::F64).r;
        let fp = self.cast(step.clone(), &Ty::F64).r;
        let z = self.val(&format!("fcmp oeq double {fp}, 0.0"));
        let m = self.str_const("Maximum allowed size exceeded");
        self.raise_if(&z, ExcKind::ValueError, &[m]);
        let span = self.val(&format!("fsub double {fe}, {fs}"));
        let q = self.val(&format!("fdiv double {span}, {fp}"));
        let ce = self.intrinsic("ceil", Dtype::F64, 1);
        let q = self.val(&format!("call double {ce}(double {q})"));
        let n = self.cast_scalar(&q, Dtype::F64, Dtype::I64);
        let pos = self.val(&format!("icmp sgt i64 {n}, 0"));
        let n = self.val(&format!("select i1 {pos}, i64 {n}, i64 0"));
        let v = self.alloc_array(d, std::slice::from_ref(&n));
        let start = self.cast(start, &st);
        let step = self.cast(step, &st);
        let lp = self.nd_open(std::slice::from_ref(&n));
        let i = V::new(lp.idx[0].clone(), Ty::I64);
        let fi = self.cast(i, &st);
        let t = scalar_ty(d);
        let x = if d.is_float() {
            let m = self.val(&format!("fmul {t} {}, {}", fi.r, step.r));
            self.val(&format!("fadd {t} {m}, {}", start.r))
        } else {
            let m = self.val(&format!("mul {t} {}, {}", fi.r, step.r));
            self.val(&format!("add {t} {m}, {}", start.r))
        };
        let p = self.nd_ptr(&v, &a, &lp.idx);
        self.store_elem(&V::new(x, st), &p);
        self.nd_close(lp);
        Ok(v)
    }

    /// New arrays: eye/identity, concatenation and stacking, meshgrid, logspace.
    pub(super) fn arr_create(
        &mut self,
        f: ArrFn,
        args: Vec<V>,
        call: &'p Call<'p>,
        ty: Ty,
    ) -> R<V> {
        let out_a = ty.array().copied();
        match f {
            ArrFn::Eye | ArrFn::Identity => {
                let oa = out_a.ok_or("eye type")?;
                let n = self.cast(args[0].clone(), &Ty::I64).r;
                let m = match args.get(1) {
                    Some(v) if v.ty != Ty::NoneType => self.cast(v.clone(), &Ty::I64).r,
                    _ => n.clone(),
                };
                let k = match args.get(2) {
                    Some(v) => self.cast(v.clone(), &Ty::I64).r,
                    None => match self.kwarg(call, "k")? {
                        Some(v) => self.cast(v, &Ty::I64).r,
                        None => "0".into(),
                    },
                };
                let out = self.alloc_array(oa.dtype, &[n.clone(), m.clone()]);
                let ca = ArrayTy::new(oa.dtype, 2, Layout::C);
                self.init_array(&out, &ca, Alloc::Zeros, None)?;
                let lp = self.nd_open(std::slice::from_ref(&n));
                let i = lp.idx[0].clone();
                let j = self.val(&format!("add i64 {i}, {k}"));
                let ge = self.val(&format!("icmp sge i64 {j}, 0"));
                let lt = self.val(&format!("icmp slt i64 {j}, {m}"));
                let inb = self.val(&format!("and i1 {ge}, {lt}"));
                let (l1, l2) = (self.label("eyeset"), self.label("eyeskip"));
                self.cbr(&inb, &l1, &l2);
                self.start(&l1);
                let p = self.nd_ptr(&out, &ca, &[i.clone(), j]);
                let one = V::new(scalar_const(oa.dtype, 1.0), Ty::Scalar(oa.dtype));
                self.store_elem(&one, &p);
                self.start(&l2);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Concatenate | ArrFn::Vstack | ArrFn::Hstack => {
                let oa = out_a.ok_or("concatenate type")?;
                let Ty::Tuple(items) = args[0].ty.clone() else {
                    return ice("concatenate arg");
                };
                let vals: Vec<V> = (0..items.len())
                    .map(|i| self.extract(&args[0], i, items[i].clone()))
                    .collect();
                let in_nd = items[0].array().map(|a| a.ndim).unwrap_or(1) as usize;
                let axis = if f == ArrFn::Concatenate {
                    match self.kwarg(call, "axis")? {
                        Some(v) => {
                            let k = Self::const_int(&v).unwrap_or(0);
                            if k < 0 {
                                (k + in_nd as i64) as usize
                            } else {
                                k as usize
                            }
                        }
                        None => 0,
                    }
                } else if f == ArrFn::Hstack {
                    usize::from(in_nd > 1)
                } else {
                    0
                };
                // vstack of 1-d arrays: each is one row.
                let rows = f == ArrFn::Vstack && in_nd == 1;
                let nd = oa.ndim as usize;
                let item_shape = |s: &mut Self, v: &V| -> Vec<String> {
                    let k = v.ty.array().map(|a| a.ndim).unwrap_or(1) as usize;
                    let mut sh: Vec<String> = (0..k).map(|d| s.shape(v, d)).collect();
                    if rows {
                        sh.insert(0, "1".into());
                    }
                    sh
                };
                let first = item_shape(self, &vals[0]);
                let mut total = "0".to_string();
                let mut bad = "false".to_string();
                for v in &vals {
                    let sh = item_shape(self, v);
                    total = self.val(&format!("add i64 {total}, {}", sh[axis]));
                    for d in 0..nd {
                        if d != axis {
                            let ne = self.val(&format!("icmp ne i64 {}, {}", sh[d], first[d]));
                            bad = self.val(&format!("or i1 {bad}, {ne}"));
                        }
                    }
                }
                let m = self.str_const("all the input array dimensions except for the concatenation axis must match exactly");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                let mut oshape = first.clone();
                oshape[axis] = total;
                let out = self.alloc_array(oa.dtype, &oshape);
                let ca = ArrayTy::new(oa.dtype, oa.ndim, Layout::C);
                let mut off = "0".to_string();
                for v in &vals {
                    let sh = item_shape(self, v);
                    // A view of the output covering this piece.
                    let mut idx = vec!["0".to_string(); nd];
                    idx[axis] = off.clone();
                    let p = self.nd_ptr(&out, &ca, &idx);
                    let strides: Vec<String> = (0..nd).map(|d| self.stride(&out, &ca, d)).collect();
                    let mi = self.val(&format!("extractvalue {} {}, 0", llty(&out.ty), out.r));
                    let va = ArrayTy {
                        layout: Layout::A,
                        ..ca
                    };
                    let view = self.make_array(&va, &mi, "null", &p, &sh, &strides);
                    let src = if rows {
                        let Ty::Array(ia) = v.ty.clone() else {
                            return ice("vstack item");
                        };
                        let row = ArrayTy {
                            ndim: 1,
                            layout: Layout::A,
                            ..va
                        };
                        let r1 = self.make_array(&row, &mi, "null", &p, &sh[1..], &strides[1..]);
                        self.assign_into(&r1, &row, v.clone())?;
                        let _ = ia;
                        off = self.val(&format!("add i64 {off}, 1"));
                        continue;
                    } else {
                        v.clone()
                    };
                    self.assign_into(&view, &va, src)?;
                    off = self.val(&format!("add i64 {off}, {}", sh[axis]));
                }
                Ok(out)
            }
            ArrFn::Meshgrid => {
                let Ty::Tuple(items) = ty.clone() else {
                    return ice("meshgrid type");
                };
                let Ty::Array(oa) = items[0].clone() else {
                    return ice("meshgrid type");
                };
                let (Ty::Array(xa), Ty::Array(ya)) = (args[0].ty.clone(), args[1].ty.clone())
                else {
                    return ice("meshgrid args");
                };
                let nx = self.shape(&args[0], 0);
                let ny = self.shape(&args[1], 0);
                let sh = [ny.clone(), nx.clone()];
                let gx = self.alloc_array(oa.dtype, &sh);
                let gy = self.alloc_array(oa.dtype, &sh);
                let ca = ArrayTy::new(oa.dtype, 2, Layout::C);
                let lp = self.nd_open(&sh);
                let (i, j) = (lp.idx[0].clone(), lp.idx[1].clone());
                let px = self.nd_ptr(&args[0], &xa, std::slice::from_ref(&j));
                let x = self.load_elem(xa.dtype, &px);
                let x = self.cast(x, &Ty::Scalar(oa.dtype));
                let py = self.nd_ptr(&args[1], &ya, std::slice::from_ref(&i));
                let y = self.load_elem(ya.dtype, &py);
                let y = self.cast(y, &Ty::Scalar(oa.dtype));
                let q = self.nd_ptr(&gx, &ca, &lp.idx);
                self.store_elem(&x, &q);
                let q = self.nd_ptr(&gy, &ca, &lp.idx);
                self.store_elem(&y, &q);
                self.nd_close(lp);
                Ok(self.build_tuple(vec![gx, gy]))
            }
            ArrFn::Logspace => {
                let start = self.cast(args[0].clone(), &Ty::F64).r;
                let stop = self.cast(args[1].clone(), &Ty::F64).r;
                let num = match (args.get(2), self.kwarg(call, "num")?) {
                    (Some(n), _) => self.cast(n.clone(), &Ty::I64).r,
                    (None, Some(n)) => self.cast(n, &Ty::I64).r,
                    _ => "50".into(),
                };
                let neg = self.val(&format!("icmp slt i64 {num}, 0"));
                let m = self.str_const("Number of samples must be non-negative.");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let out = self.alloc_array(Dtype::F64, std::slice::from_ref(&num));
                let div0 = self.val(&format!("sub i64 {num}, 1"));
                let z = self.val(&format!("icmp slt i64 {div0}, 1"));
                let div = self.val(&format!("select i1 {z}, i64 1, i64 {div0}"));
                let divf = self.val(&format!("sitofp i64 {div} to double"));
                let delta = self.val(&format!("fsub double {stop}, {start}"));
                let step = self.val(&format!("fdiv double {delta}, {divf}"));
                let lp = self.nd_open(std::slice::from_ref(&num));
                let k = lp.idx[0].clone();
                let fk = self.val(&format!("sitofp i64 {k} to double"));
                let e0 = self.val(&format!("fmul double {fk}, {step}"));
                let e1 = self.val(&format!("fadd double {e0}, {start}"));
                let at_end = self.val(&format!("icmp eq i64 {k}, {div0}"));
                let many = self.val(&format!("icmp sgt i64 {num}, 1"));
                let last = self.val(&format!("and i1 {at_end}, {many}"));
                let e = self.val(&format!("select i1 {last}, double {stop}, double {e1}"));
                let x = self.pow_call(Dtype::F64, "10.0", &e);
                self.flat_store(&out, Dtype::F64, &k, &V::new(x, Ty::F64));
                self.nd_close(lp);
                Ok(out)
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
            | ArrFn::Array
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Convolve
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
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
}
