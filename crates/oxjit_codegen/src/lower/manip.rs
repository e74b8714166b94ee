//! Lowering of `registry::Manip`: shape manipulation and the remaining
//! array functions.
//!
//! Views (transpose, swapaxes, expand_dims, squeeze, diagonal) share the
//! argument's MemInfo and are borrowed like any expression result; the other
//! functions build fresh C-order arrays (F-order for asfortranarray).

use super::*;
use oxjit_typeck::registry::Manip;

/// The constant behind an argument expression (a literal, a frozen global or
/// a tuple display of them), as recorded by type inference.
fn const_of(inst: &Instance<'_>, x: &Expr) -> Option<Const> {
    if let Some(Res::Const(c)) = inst.res.get(&x.id) {
        return Some(c.clone());
    }
    match &x.kind {
        ExprKind::Tuple(xs) => Some(Const::Tuple(
            xs.iter()
                .map(|x| const_of(inst, x))
                .collect::<Option<_>>()?,
        )),
        _ => None,
    }
}

/// An int constant or a tuple of them, as a list.
fn const_ints(c: &Const) -> Option<Vec<i64>> {
    match c {
        Const::Int(k) => Some(vec![*k]),
        Const::Tuple(xs) => xs
            .iter()
            .map(|x| match x {
                Const::Int(k) => Some(*k),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn norm_axis(k: i64, nd: usize) -> usize {
    k.rem_euclid(nd.max(1) as i64) as usize
}

impl<'p> FnGen<'_, 'p> {
    /// Parameter `i` (a method's receiver is 0): positional or by keyword.
    fn mparam(&mut self, args: &[V], call: &'p Call<'p>, i: usize, name: &str) -> R<Option<V>> {
        match args.get(i) {
            Some(v) => Ok(Some(v.clone())),
            None => self.kwarg(call, name),
        }
    }

    /// The constant value of parameter `i`, if it was given.
    fn mparam_const(&self, call: &'p Call<'p>, i: usize, name: &str) -> Option<Const> {
        let j = if matches!(call.callee, Callee::Method(_)) {
            i.checked_sub(1)?
        } else {
            i
        };
        let x = match call.args.get(j) {
            Some(Arg::Expr(x)) => *x,
            Some(Arg::Const(c)) => return Some(c.clone()),
            Some(_) => return None,
            None => call.kwargs.iter().find(|(k, _)| k == name)?.1,
        };
        const_of(self.inst, x)
    }

    /// An optional int parameter as an i64 register (`dflt` when absent).
    fn mparam_int(
        &mut self,
        args: &[V],
        call: &'p Call<'p>,
        i: usize,
        name: &str,
        dflt: i64,
    ) -> R<String> {
        Ok(match self.mparam(args, call, i, name)? {
            Some(v) if v.ty != Ty::NoneType => self.cast(v, &Ty::I64).r,
            _ => dflt.to_string(),
        })
    }

    fn shape_list(&mut self, v: &V, nd: usize) -> Vec<String> {
        (0..nd).map(|d| self.shape(v, d)).collect()
    }

    fn stride_list(&mut self, v: &V, a: &ArrayTy) -> Vec<String> {
        (0..a.ndim as usize).map(|d| self.stride(v, a, d)).collect()
    }

    /// A view of `src`'s buffer (same MemInfo and parent).
    fn view_over(
        &mut self,
        src: &V,
        out: &ArrayTy,
        data: &str,
        shape: &[String],
        strides: &[String],
    ) -> V {
        let lt = llty(&src.ty);
        let mi = self.val(&format!("extractvalue {lt} {}, 0", src.r));
        let parent = self.val(&format!("extractvalue {lt} {}, 1", src.r));
        self.make_array(out, &mi, &parent, data, shape, strides)
    }

    /// `a - b` on two values of dtype `d` (wrapping for ints, as NumPy).
    fn elem_sub(&mut self, a: &V, b: &V, d: Dtype) -> R<V> {
        let t = scalar_ty(d);
        Ok(match d.kind() {
            Kind::Complex => self.complex_binop(BinOp::Sub, a, b, d)?,
            Kind::Float => V::new(
                self.val(&format!("fsub {t} {}, {}", a.r, b.r)),
                Ty::Scalar(d),
            ),
            _ => V::new(
                self.val(&format!("sub {t} {}, {}", a.r, b.r)),
                Ty::Scalar(d),
            ),
        })
    }

    fn elem_mul(&mut self, a: &V, b: &V, d: Dtype) -> R<V> {
        let r = self.binop_same(BinOp::Mul, a, b)?;
        Ok(V::new(r, Ty::Scalar(d)))
    }

    fn elem_neg(&mut self, a: &V, d: Dtype) -> V {
        let t = scalar_ty(d);
        match d.kind() {
            Kind::Complex => {
                let (re, im) = self.complex_parts(a);
                let ft = scalar_ty(d.real_part());
                let nr = self.val(&format!("fneg {ft} {re}"));
                let ni = self.val(&format!("fneg {ft} {im}"));
                self.complex(d, &nr, &ni)
            }
            Kind::Float => V::new(self.val(&format!("fneg {t} {}", a.r)), Ty::Scalar(d)),
            _ => V::new(self.val(&format!("sub {t} 0, {}", a.r)), Ty::Scalar(d)),
        }
    }

    /// NaN test of a float or complex value (false for other dtypes).
    fn elem_isnan(&mut self, x: &V, d: Dtype) -> String {
        match d.kind() {
            Kind::Float => self.val(&format!("fcmp uno {} {}, 0.0", scalar_ty(d), x.r)),
            Kind::Complex => {
                let (re, im) = self.complex_parts(x);
                let ft = scalar_ty(d.real_part());
                self.val(&format!("fcmp uno {ft} {re}, {im}"))
            }
            _ => "false".into(),
        }
    }

    /// `x == y` for two values of dtype `d`.
    fn elem_eq(&mut self, x: &V, y: &V, d: Dtype) -> String {
        let t = scalar_ty(d);
        match d.kind() {
            Kind::Float => self.val(&format!("fcmp oeq {t} {}, {}", x.r, y.r)),
            Kind::Complex => {
                let (xr, xi) = self.complex_parts(x);
                let (yr, yi) = self.complex_parts(y);
                let ft = scalar_ty(d.real_part());
                let a = self.val(&format!("fcmp oeq {ft} {xr}, {yr}"));
                let b = self.val(&format!("fcmp oeq {ft} {xi}, {yi}"));
                self.val(&format!("and i1 {a}, {b}"))
            }
            _ => self.val(&format!("icmp eq {t} {}, {}", x.r, y.r)),
        }
    }

    /// NumPy's sort order `x < y` (NaN after every number), for real `d`.
    fn sort_less(&mut self, x: &V, y: &V, d: Dtype) -> String {
        let t = scalar_ty(d);
        match d.kind() {
            Kind::Float => {
                let lt = self.val(&format!("fcmp olt {t} {}, {}", x.r, y.r));
                let yn = self.val(&format!("fcmp uno {t} {}, 0.0", y.r));
                let xo = self.val(&format!("fcmp ord {t} {}, 0.0", x.r));
                let nanlast = self.val(&format!("and i1 {yn}, {xo}"));
                self.val(&format!("or i1 {lt}, {nanlast}"))
            }
            Kind::Signed => self.val(&format!("icmp slt {t} {}, {}", x.r, y.r)),
            _ => self.val(&format!("icmp ult {t} {}, {}", x.r, y.r)),
        }
    }

    /// Element `i` of a 1-d array, converted to dtype `d`.
    fn elem1(&mut self, v: &V, a: &ArrayTy, i: &str, d: Dtype) -> V {
        let p = self.nd_ptr(v, a, &[i.to_string()]);
        let x = self.load_elem(a.dtype, &p);
        self.cast(x, &Ty::Scalar(d))
    }

    /// `%rt = select c, x, 0` for an element of dtype `d`.
    fn select_or_zero(&mut self, c: &str, x: &V, d: Dtype) -> V {
        let t = scalar_ty(d);
        let z = scalar_const(d, 0.0);
        V::new(
            self.val(&format!("select i1 {c}, {t} {}, {t} {z}", x.r)),
            x.ty.clone(),
        )
    }

    /// A view with the axes of `v` in the order `perm`.
    pub(super) fn permuted(&mut self, v: &V, a: &ArrayTy, perm: &[usize], ty: &Ty) -> R<V> {
        let Ty::Array(out) = ty else {
            return ice("permuted view type");
        };
        let shape: Vec<String> = perm.iter().map(|&d| self.shape(v, d)).collect();
        let strides: Vec<String> = perm.iter().map(|&d| self.stride(v, a, d)).collect();
        let data = self.data(v);
        Ok(self.view_over(v, out, &data, &shape, &strides))
    }

    /// The `offset` diagonal of a 2-d array: a strided view.
    fn diagonal_view(&mut self, v: &V, a: &ArrayTy, k: &str, ty: &Ty) -> R<V> {
        let Ty::Array(out) = ty else {
            return ice("diagonal type");
        };
        let (n0, n1) = (self.shape(v, 0), self.shape(v, 1));
        let (s0, s1) = (self.stride(v, a, 0), self.stride(v, a, 1));
        let kpos = self.val(&format!("icmp sge i64 {k}, 0"));
        let negk = self.val(&format!("sub i64 0, {k}"));
        let row0 = self.val(&format!("select i1 {kpos}, i64 0, i64 {negk}"));
        let col0 = self.val(&format!("select i1 {kpos}, i64 {k}, i64 0"));
        let r = self.val(&format!("sub i64 {n0}, {row0}"));
        let c = self.val(&format!("sub i64 {n1}, {col0}"));
        let len = self.i64_min(&r, &c);
        let len = self.i64_max(&len, "0");
        let o0 = self.val(&format!("mul i64 {row0}, {s0}"));
        let o1 = self.val(&format!("mul i64 {col0}, {s1}"));
        let off = self.val(&format!("add i64 {o0}, {o1}"));
        let some = self.val(&format!("icmp sgt i64 {len}, 0"));
        let off = self.val(&format!("select i1 {some}, i64 {off}, i64 0"));
        let data = self.data(v);
        let p = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
        let st = self.val(&format!("add i64 {s0}, {s1}"));
        Ok(self.view_over(v, out, &p, &[len], &[st]))
    }

    /// NumPy's type number for the runtime sort (bool sorts as uint8).
    fn sort_type_num(d: Dtype) -> i32 {
        if d == Dtype::Bool {
            2
        } else {
            d.numpy_type_num()
        }
    }

    pub(super) fn manip(&mut self, f: Manip, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let a0 = args.first().and_then(|v| v.ty.array().copied());
        let out_a = ty.array().copied();
        match f {
            Manip::Diag => {
                let a = a0.ok_or("diag arg")?;
                let k = self.mparam_int(&args, call, 1, "k", 0)?;
                if a.ndim == 2 {
                    return self.diagonal_view(&args[0], &a, &k, &ty);
                }
                let n = self.shape(&args[0], 0);
                let negk = self.val(&format!("sub i64 0, {k}"));
                let absk = self.i64_max(&k, &negk);
                let m = self.val(&format!("add i64 {n}, {absk}"));
                let out = self.alloc_array(a.dtype, &[m.clone(), m]);
                let ca = ArrayTy::new(a.dtype, 2, Layout::C);
                self.init_array(&out, &ca, Alloc::Zeros, None)?;
                let r0 = self.i64_max(&negk, "0");
                let c0 = self.i64_max(&k, "0");
                let lp = self.nd_open(std::slice::from_ref(&n));
                let i = lp.idx[0].clone();
                let p = self.nd_ptr(&args[0], &a, std::slice::from_ref(&i));
                let x = self.load_elem(a.dtype, &p);
                let r = self.val(&format!("add i64 {i}, {r0}"));
                let c = self.val(&format!("add i64 {i}, {c0}"));
                let q = self.nd_ptr(&out, &ca, &[r, c]);
                self.store_elem(&x, &q);
                self.nd_close(lp);
                Ok(out)
            }
            Manip::Diagonal => {
                let a = a0.ok_or("diagonal arg")?;
                let k = self.mparam_int(&args, call, 1, "offset", 0)?;
                self.diagonal_view(&args[0], &a, &k, &ty)
            }
            Manip::Tri => {
                let oa = out_a.ok_or("tri type")?;
                let n = self.cast(args[0].clone(), &Ty::I64).r;
                let m = match self.mparam(&args, call, 1, "M")? {
                    Some(v) if v.ty != Ty::NoneType => self.cast(v, &Ty::I64).r,
                    _ => n.clone(),
                };
                // Negative sizes give empty axes (NumPy builds them from aranges).
                let n = self.i64_max(&n, "0");
                let m = self.i64_max(&m, "0");
                let k = self.mparam_int(&args, call, 2, "k", 0)?;
                let out = self.alloc_array(oa.dtype, &[n.clone(), m.clone()]);
                let ca = ArrayTy::new(oa.dtype, 2, Layout::C);
                let lp = self.nd_open(&[n, m]);
                let (i, j) = (lp.idx[0].clone(), lp.idx[1].clone());
                let dji = self.val(&format!("sub i64 {j}, {i}"));
                let keep = self.val(&format!("icmp sle i64 {dji}, {k}"));
                let one = V::new(scalar_const(oa.dtype, 1.0), Ty::Scalar(oa.dtype));
                let x = self.select_or_zero(&keep, &one, oa.dtype);
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&x, &q);
                self.nd_close(lp);
                Ok(out)
            }
            Manip::Tril | Manip::Triu => {
                let a = a0.ok_or("tril arg")?;
                let k = self.mparam_int(&args, call, 1, "k", 0)?;
                let nd = a.ndim as usize;
                // A 1-d input is broadcast as every row of an (n, n) result.
                let shape = if nd == 1 {
                    let n = self.shape(&args[0], 0);
                    vec![n.clone(), n]
                } else {
                    self.shape_list(&args[0], nd)
                };
                let on = shape.len();
                let out = self.alloc_array(a.dtype, &shape);
                let ca = ArrayTy::new(a.dtype, on as u8, Layout::C);
                let lp = self.nd_open(&shape);
                let (i, j) = (lp.idx[on - 2].clone(), lp.idx[on - 1].clone());
                let src_idx = if nd == 1 {
                    vec![j.clone()]
                } else {
                    lp.idx.clone()
                };
                let p = self.nd_ptr(&args[0], &a, &src_idx);
                let x = self.load_elem(a.dtype, &p);
                let dji = self.val(&format!("sub i64 {j}, {i}"));
                let pred = if f == Manip::Tril { "sle" } else { "sge" };
                let keep = self.val(&format!("icmp {pred} i64 {dji}, {k}"));
                let y = self.select_or_zero(&keep, &x, a.dtype);
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&y, &q);
                self.nd_close(lp);
                Ok(out)
            }
            Manip::Transpose => {
                let a = a0.ok_or("transpose arg")?;
                let nd = a.ndim as usize;
                let method = matches!(call.callee, Callee::Method(_));
                let axes: Option<Vec<i64>> = if method && call.args.len() > 1 {
                    call.args
                        .iter()
                        .map(|x| match x {
                            Arg::Expr(x) => match const_of(self.inst, x) {
                                Some(Const::Int(k)) => Some(k),
                                _ => None,
                            },
                            _ => None,
                        })
                        .collect::<Option<Vec<i64>>>()
                        .map(Some)
                        .ok_or("transpose axes")?
                } else {
                    match self.mparam_const(call, 1, "axes") {
                        None | Some(Const::None) => None,
                        Some(c) => Some(const_ints(&c).ok_or("transpose axes")?),
                    }
                };
                let perm: Vec<usize> = match axes {
                    None => (0..nd).rev().collect(),
                    Some(ax) => ax.iter().map(|&k| norm_axis(k, nd)).collect(),
                };
                self.permuted(&args[0], &a, &perm, &ty)
            }
            Manip::Swapaxes => {
                let a = a0.ok_or("swapaxes arg")?;
                let nd = a.ndim as usize;
                let mut ax = [0usize; 2];
                for (j, (slot, nm)) in ax.iter_mut().zip(["axis1", "axis2"]).enumerate() {
                    let Some(Const::Int(k)) = self.mparam_const(call, j + 1, nm) else {
                        return ice("swapaxes axis");
                    };
                    *slot = norm_axis(k, nd);
                }
                let mut perm: Vec<usize> = (0..nd).collect();
                perm.swap(ax[0], ax[1]);
                self.permuted(&args[0], &a, &perm, &ty)
            }
            Manip::ExpandDims => {
                let a = a0.ok_or("expand_dims arg")?;
                let oa = out_a.ok_or("expand_dims type")?;
                let on = oa.ndim as usize;
                let axes: Vec<usize> = self
                    .mparam_const(call, 1, "axis")
                    .as_ref()
                    .and_then(const_ints)
                    .ok_or("expand_dims axis")?
                    .iter()
                    .map(|&k| norm_axis(k, on))
                    .collect();
                let ish = self.shape_list(&args[0], a.ndim as usize);
                let ist = self.stride_list(&args[0], &a);
                let mut shape = Vec::new();
                let mut from = Vec::new(); // input axis of each output axis
                let mut d = 0;
                for o in 0..on {
                    if axes.contains(&o) {
                        shape.push("1".to_string());
                        from.push(None);
                    } else {
                        shape.push(ish[d].clone());
                        from.push(Some(d));
                        d += 1;
                    }
                }
                // A new axis gets the stride a C reshape would give it.
                let mut strides = vec![String::new(); on];
                let mut run = a.dtype.size().to_string();
                for o in (0..on).rev() {
                    strides[o] = match from[o] {
                        Some(d) => ist[d].clone(),
                        None => run.clone(),
                    };
                    run = self.val(&format!("mul i64 {}, {}", strides[o], shape[o]));
                }
                let data = self.data(&args[0]);
                Ok(self.view_over(&args[0], &oa, &data, &shape, &strides))
            }
            Manip::Squeeze => {
                let a = a0.ok_or("squeeze arg")?;
                let oa = out_a.ok_or("squeeze type")?;
                let nd = a.ndim as usize;
                let axes: Vec<usize> = self
                    .mparam_const(call, 1, "axis")
                    .as_ref()
                    .and_then(const_ints)
                    .ok_or("squeeze axis")?
                    .iter()
                    .map(|&k| norm_axis(k, nd))
                    .collect();
                let ish = self.shape_list(&args[0], nd);
                let ist = self.stride_list(&args[0], &a);
                let mut bad = "false".to_string();
                for &d in &axes {
                    let ne = self.val(&format!("icmp ne i64 {}, 1", ish[d]));
                    bad = self.val(&format!("or i1 {bad}, {ne}"));
                }
                let m = self.str_const(
                    "cannot select an axis to squeeze out which has size not equal to one",
                );
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                let keep: Vec<usize> = (0..nd).filter(|d| !axes.contains(d)).collect();
                let shape: Vec<String> = keep.iter().map(|&d| ish[d].clone()).collect();
                let strides: Vec<String> = keep.iter().map(|&d| ist[d].clone()).collect();
                let data = self.data(&args[0]);
                Ok(self.view_over(&args[0], &oa, &data, &shape, &strides))
            }
            Manip::Stack => self.stack(&args, call, &ty),
            Manip::ColumnStack => self.column_stack(&args, &ty),
            Manip::Repeat => self.repeat(&args, call, &ty),
            Manip::Tile => {
                let a = a0.ok_or("tile arg")?;
                let oa = out_a.ok_or("tile type")?;
                let reps: Vec<String> = match args
                    .get(1)
                    .cloned()
                    .map_or_else(|| self.kwarg(call, "reps"), |v| Ok(Some(v)))?
                {
                    Some(v) => match v.ty.clone() {
                        Ty::Tuple(items) => (0..items.len())
                            .map(|i| {
                                let x = self.extract(&v, i, items[i].clone());
                                self.cast(x, &Ty::I64).r
                            })
                            .collect(),
                        _ => vec![self.cast(v, &Ty::I64).r],
                    },
                    None => return ice("tile reps"),
                };
                let (nd, on) = (a.ndim as usize, oa.ndim as usize);
                let ish = self.shape_list(&args[0], nd);
                // Both padded with leading ones to the result's rank.
                let ash: Vec<String> = (0..on)
                    .map(|o| {
                        o.checked_sub(on - nd)
                            .map_or("1".to_string(), |d| ish[d].clone())
                    })
                    .collect();
                let rp: Vec<String> = (0..on)
                    .map(|o| {
                        o.checked_sub(on - reps.len())
                            .map_or("1".to_string(), |d| reps[d].clone())
                    })
                    .collect();
                let shape: Vec<String> = (0..on)
                    .map(|o| self.val(&format!("mul i64 {}, {}", ash[o], rp[o])))
                    .collect();
                let out = self.alloc_array(a.dtype, &shape);
                let ca = ArrayTy::new(a.dtype, on as u8, Layout::C);
                let lp = self.nd_open(&shape);
                let sidx: Vec<String> = (on - nd..on)
                    .map(|o| self.val(&format!("srem i64 {}, {}", lp.idx[o], ash[o])))
                    .collect();
                let p = self.nd_ptr(&args[0], &a, &sidx);
                let x = self.load_elem(a.dtype, &p);
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&x, &q);
                self.nd_close(lp);
                Ok(out)
            }
            Manip::Roll => self.roll(&args, call),
            Manip::Partition => self.partition(&args, call, &ty),
            Manip::Cross => self.cross(&args, &ty),
            Manip::ArrayEqual => {
                let equal_nan = match self.mparam(&args, call, 2, "equal_nan")? {
                    Some(v) => self.truth(&v)?,
                    None => "false".into(),
                };
                let (x, y) = (args[0].clone(), args[1].clone());
                let common = |p: Dtype, q: Dtype| oxjit_types::promote_numpy(p, q);
                let r = match (x.ty.clone(), y.ty.clone()) {
                    (Ty::Scalar(p), Ty::Scalar(q)) => {
                        let d = common(p, q);
                        let xv = self.cast(x, &Ty::Scalar(d));
                        let yv = self.cast(y, &Ty::Scalar(d));
                        self.eq_or_nan(&xv, &yv, d, &equal_nan)
                    }
                    (Ty::Array(xa), Ty::Array(ya)) if xa.ndim == ya.ndim => {
                        let nd = xa.ndim as usize;
                        let d = common(xa.dtype, ya.dtype);
                        let xs = self.shape_list(&x, nd);
                        let ys = self.shape_list(&y, nd);
                        let mut same = "true".to_string();
                        for k in 0..nd {
                            let e = self.val(&format!("icmp eq i64 {}, {}", xs[k], ys[k]));
                            same = self.val(&format!("and i1 {same}, {e}"));
                        }
                        let slot = self.alloca("i1");
                        self.emit(&format!("store i1 false, ptr {slot}"));
                        let (l1, l2) = (self.label("aeq"), self.label("aeqd"));
                        self.cbr(&same, &l1, &l2);
                        self.start(&l1);
                        let en = equal_nan.clone();
                        let mut get = |s: &mut Self, idx: &[String]| -> R<V> {
                            let p = s.nd_ptr(&x, &xa, idx);
                            let u = s.load_elem(xa.dtype, &p);
                            let u = s.cast(u, &Ty::Scalar(d));
                            let q = s.nd_ptr(&y, &ya, idx);
                            let w = s.load_elem(ya.dtype, &q);
                            let w = s.cast(w, &Ty::Scalar(d));
                            Ok(V::new(s.eq_or_nan(&u, &w, d, &en), Ty::BOOL))
                        };
                        let all =
                            self.reduce_seq(Reduce::All, &xs, &mut get, Dtype::Bool, Dtype::Bool)?;
                        self.emit(&format!("store i1 {}, ptr {slot}", all.r));
                        self.start(&l2);
                        self.val(&format!("load i1, ptr {slot}"))
                    }
                    // Different ranks (a scalar is 0-d): different shapes.
                    _ => "false".into(),
                };
                Ok(V::new(r, Ty::BOOL))
            }
            Manip::Argwhere => {
                let a = a0.ok_or("argwhere arg")?;
                let nd = a.ndim;
                let ca = ArrayTy::new(Dtype::I64, 2, Layout::C);
                self.select_true(
                    &args[0],
                    &a,
                    |s, total| s.alloc_array(Dtype::I64, &[total.to_string(), nd.to_string()]),
                    |s, out, i, c, _| {
                        for (d, x) in i.iter().enumerate() {
                            let q = s.nd_ptr(out, &ca, &[c.to_string(), d.to_string()]);
                            s.store_elem(&V::new(x.clone(), Ty::I64), &q);
                        }
                        Ok(())
                    },
                )
            }
            Manip::AsFortran => {
                let a = a0.ok_or("asfortranarray arg")?;
                if a.layout == Layout::F || (a.ndim == 1 && a.layout == Layout::C) {
                    // Already Fortran-contiguous: the array itself, as NumPy.
                    return Ok(V::new(args[0].r.clone(), ty));
                }
                let oa = out_a.ok_or("asfortranarray type")?;
                let nd = a.ndim as usize;
                let shape = self.shape_list(&args[0], nd);
                // A C buffer of the reversed shape is the F array's storage.
                let rev: Vec<String> = shape.iter().rev().cloned().collect();
                let buf = self.alloc_array(a.dtype, &rev);
                let mut strides = Vec::new();
                let mut s = a.dtype.size().to_string();
                for sh in &shape {
                    strides.push(s.clone());
                    s = self.val(&format!("mul i64 {s}, {sh}"));
                }
                let data = self.data(&buf);
                let lt = llty(&buf.ty);
                let mi = self.val(&format!("extractvalue {lt} {}, 0", buf.r));
                let out = self.make_array(&oa, &mi, "null", &data, &shape, &strides);
                // Innermost loop over axis 0: sequential stores into F order.
                let lp = self.nd_open(&rev);
                let idx: Vec<String> = lp.idx.iter().rev().cloned().collect();
                let p = self.nd_ptr(&args[0], &a, &idx);
                let x = self.load_elem(a.dtype, &p);
                let q = self.nd_ptr(&out, &oa, &idx);
                self.store_elem(&x, &q);
                self.nd_close(lp);
                Ok(out)
            }
            Manip::Histogram => {
                let Ty::Tuple(outs) = &ty else {
                    return ice("histogram type");
                };
                let counts_ty = Ty::Tuple(vec![
                    Ty::Array(ArrayTy::new(Dtype::I64, 1, Layout::C)),
                    outs[1].clone(),
                ]);
                let r = self.histogram(&args, call, &counts_ty)?;
                if outs[0].array().map(|h| h.dtype) != Some(Dtype::F64) {
                    return Ok(r);
                }
                // density=True, as NumPy: n / diff(edges) / n.sum().
                let Ty::Tuple(parts) = r.ty.clone() else {
                    return ice("histogram result");
                };
                let h = self.extract(&r, 0, parts[0].clone());
                let edges = self.extract(&r, 1, parts[1].clone());
                let ed = parts[1].array().map(|a| a.dtype).ok_or("edges")?;
                let n = self.shape(&h, 0);
                let sum = self.alloca("i64");
                self.emit(&format!("store i64 0, ptr {sum}"));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let c = self.flat_elem(&h, Dtype::I64, &lp.idx[0].clone());
                let s0 = self.val(&format!("load i64, ptr {sum}"));
                let s1 = self.val(&format!("add i64 {s0}, {}", c.r));
                self.emit(&format!("store i64 {s1}, ptr {sum}"));
                self.nd_close(lp);
                let total = self.val(&format!("load i64, ptr {sum}"));
                let total = self.val(&format!("sitofp i64 {total} to double"));
                let dens = self.alloc_array(Dtype::F64, std::slice::from_ref(&n));
                let ea = parts[1].array().copied().ok_or("edges")?;
                let lp = self.nd_open(std::slice::from_ref(&n));
                let i = lp.idx[0].clone();
                let i1 = self.val(&format!("add i64 {i}, 1"));
                let p0 = self.nd_ptr(&edges, &ea, std::slice::from_ref(&i));
                let p1 = self.nd_ptr(&edges, &ea, &[i1]);
                let e0 = self.load_elem(ed, &p0);
                let e1 = self.load_elem(ed, &p1);
                // np.diff(edges) in the edges' type, then float64.
                let w = self.scalar_binop(BinOp::Sub, e1, e0, ed, ed)?;
                let w = self.cast(w, &Ty::F64).r;
                let c = self.flat_elem(&h, Dtype::I64, &i);
                let c = self.cast(c, &Ty::F64);
                let q = self.val(&format!("fdiv double {}, {w}", c.r));
                let q = self.val(&format!("fdiv double {q}, {total}"));
                self.flat_store(&dens, Dtype::F64, &i, &V::new(q, Ty::F64));
                self.nd_close(lp);
                Ok(self.build_tuple(vec![dens, edges]))
            }
            Manip::Digitize => self.digitize(&args, call),
        }
    }

    /// `x == y`, or both NaN when `equal_nan` (an i1) holds.
    fn eq_or_nan(&mut self, x: &V, y: &V, d: Dtype, equal_nan: &str) -> String {
        let e = self.elem_eq(x, y, d);
        if !(d.is_float() || d.is_complex()) || equal_nan == "false" {
            return e;
        }
        let xn = self.elem_isnan(x, d);
        let yn = self.elem_isnan(y, d);
        let both = self.val(&format!("and i1 {xn}, {yn}"));
        let both = self.val(&format!("and i1 {both}, {equal_nan}"));
        self.val(&format!("or i1 {e}, {both}"))
    }

    fn tuple_items(&mut self, v: &V) -> R<Vec<(V, ArrayTy)>> {
        let Ty::Tuple(items) = v.ty.clone() else {
            return ice("tuple of arrays");
        };
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let a = it.array().copied().ok_or("array item")?;
            out.push((self.extract(v, i, it.clone()), a));
        }
        Ok(out)
    }

    fn stack(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
        let oa = ty.array().copied().ok_or("stack type")?;
        let on = oa.ndim as usize;
        let nd = on - 1;
        let axis = match self.mparam_const(call, 1, "axis") {
            Some(Const::Int(k)) => norm_axis(k, on),
            _ => 0,
        };
        let items = self.tuple_items(&args[0])?;
        let first = self.shape_list(&items[0].0, nd);
        let mut bad = "false".to_string();
        for (v, _) in &items[1..] {
            let sh = self.shape_list(v, nd);
            for d in 0..nd {
                let ne = self.val(&format!("icmp ne i64 {}, {}", sh[d], first[d]));
                bad = self.val(&format!("or i1 {bad}, {ne}"));
            }
        }
        let m = self.str_const("all input arrays must have the same shape");
        self.raise_if(&bad, ExcKind::ValueError, &[m]);
        let mut shape = first.clone();
        shape.insert(axis, items.len().to_string());
        let out = self.alloc_array(oa.dtype, &shape);
        let ca = ArrayTy::new(oa.dtype, on as u8, Layout::C);
        for (i, (v, a)) in items.iter().enumerate() {
            let lp = self.nd_open(&first);
            let p = self.nd_ptr(v, a, &lp.idx);
            let x = self.load_elem(a.dtype, &p);
            let x = self.cast(x, &Ty::Scalar(oa.dtype));
            let mut oidx = lp.idx.clone();
            oidx.insert(axis, i.to_string());
            let q = self.nd_ptr(&out, &ca, &oidx);
            self.store_elem(&x, &q);
            self.nd_close(lp);
        }
        Ok(out)
    }

    fn column_stack(&mut self, args: &[V], ty: &Ty) -> R<V> {
        let oa = ty.array().copied().ok_or("column_stack type")?;
        let on = oa.ndim as usize;
        let items = self.tuple_items(&args[0])?;
        // Shapes as concatenated: a 1-d array is an (n, 1) column.
        let mut shapes = Vec::new();
        for (v, a) in &items {
            let mut sh = self.shape_list(v, a.ndim as usize);
            if a.ndim == 1 {
                sh.push("1".into());
            }
            shapes.push(sh);
        }
        for i in 1..items.len() {
            for d in (0..on).filter(|d| *d != 1) {
                let ne = self.val(&format!("icmp ne i64 {}, {}", shapes[i][d], shapes[0][d]));
                let pieces = [
                    self.str_const(&format!(
                        "all the input array dimensions except for the concatenation axis must \
                         match exactly, but along dimension {d}, the array at index 0 has size "
                    )),
                    V::new(shapes[0][d].clone(), Ty::I64),
                    self.str_const(&format!(" and the array at index {i} has size ")),
                    V::new(shapes[i][d].clone(), Ty::I64),
                ];
                self.raise_if(&ne, ExcKind::ValueError, &pieces);
            }
        }
        let mut total = "0".to_string();
        for sh in &shapes {
            total = self.val(&format!("add i64 {total}, {}", sh[1]));
        }
        let mut oshape = shapes[0].clone();
        oshape[1] = total;
        let out = self.alloc_array(oa.dtype, &oshape);
        let ca = ArrayTy::new(oa.dtype, on as u8, Layout::C);
        let mut off = "0".to_string();
        for ((v, a), sh) in items.iter().zip(&shapes) {
            let lp = self.nd_open(sh);
            let sidx = if a.ndim == 1 {
                vec![lp.idx[0].clone()]
            } else {
                lp.idx.clone()
            };
            let p = self.nd_ptr(v, a, &sidx);
            let x = self.load_elem(a.dtype, &p);
            let x = self.cast(x, &Ty::Scalar(oa.dtype));
            let mut oidx = lp.idx.clone();
            oidx[1] = self.val(&format!("add i64 {}, {off}", lp.idx[1]));
            let q = self.nd_ptr(&out, &ca, &oidx);
            self.store_elem(&x, &q);
            self.nd_close(lp);
            off = self.val(&format!("add i64 {off}, {}", sh[1]));
        }
        Ok(out)
    }

    fn repeat(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
        let a = args[0].ty.array().copied().ok_or("repeat arg")?;
        let oa = ty.array().copied().ok_or("repeat type")?;
        let reps = self
            .mparam(args, call, 1, "repeats")?
            .ok_or("repeat repeats")?;
        let axis = match self.mparam_const(call, 2, "axis") {
            Some(Const::Int(k)) => Some(norm_axis(k, a.ndim as usize)),
            _ => None,
        };
        // The flattened input (axis=None) or the input itself.
        let (src, sa) = match axis {
            None => {
                let (c, _) = self.as_c(&args[0], &a)?;
                let n = self.nitems(&c);
                let v = self.reshape_view(&c, a.dtype, std::slice::from_ref(&n));
                (v, ArrayTy::new(a.dtype, 1, Layout::C))
            }
            Some(_) => (args[0].clone(), a),
        };
        let ax = axis.unwrap_or(0);
        let nd = sa.ndim as usize;
        let ish = self.shape_list(&src, nd);
        let n = ish[ax].clone();
        // Source index along the axis of each output position: k / r for
        // an int, a lookup table for an array of counts.
        let (len, table) = match reps.ty.clone() {
            Ty::Array(ra) => {
                let rn = self.shape(&reps, 0);
                let one = self.val(&format!("icmp eq i64 {rn}, 1"));
                let ok = self.val(&format!("icmp eq i64 {rn}, {n}"));
                let ok = self.val(&format!("or i1 {ok}, {one}"));
                let bad = self.val(&format!("xor i1 {ok}, true"));
                let pieces = [
                    self.str_const("operands could not be broadcast together with shape ("),
                    V::new(n.clone(), Ty::I64),
                    self.str_const(",) ("),
                    V::new(rn.clone(), Ty::I64),
                    self.str_const(",)"),
                ];
                self.raise_if(&bad, ExcKind::ValueError, &pieces);
                let count = |s: &mut Self, j: &str| -> String {
                    let jj = s.val(&format!("select i1 {one}, i64 0, i64 {j}"));
                    s.elem1(&reps, &ra, &jj, Dtype::I64).r
                };
                let total = self.alloca("i64");
                self.emit(&format!("store i64 0, ptr {total}"));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let c = count(self, &lp.idx[0]);
                // A single count acts as a scalar: a negative one gives a
                // negative length, reported when allocating.
                let neg = self.val(&format!("icmp slt i64 {c}, 0"));
                let many = self.val(&format!("xor i1 {one}, true"));
                let neg = self.val(&format!("and i1 {neg}, {many}"));
                let m = self.str_const("repeats may not contain negative values.");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let t = self.val(&format!("load i64, ptr {total}"));
                let t1 = self.val(&format!("add i64 {t}, {c}"));
                self.emit(&format!("store i64 {t1}, ptr {total}"));
                self.nd_close(lp);
                let len = self.val(&format!("load i64, ptr {total}"));
                let tab = self.alloc_array(Dtype::I64, std::slice::from_ref(&len));
                self.emit(&format!("store i64 0, ptr {total}"));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let j = lp.idx[0].clone();
                let c = count(self, &j);
                let inner = self.nd_open(std::slice::from_ref(&c));
                let t = self.val(&format!("load i64, ptr {total}"));
                self.flat_store(&tab, Dtype::I64, &t, &V::new(j.clone(), Ty::I64));
                let t1 = self.val(&format!("add i64 {t}, 1"));
                self.emit(&format!("store i64 {t1}, ptr {total}"));
                self.nd_close(inner);
                self.nd_close(lp);
                (len, Some(tab))
            }
            _ => {
                let r = self.cast(reps.clone(), &Ty::I64).r;
                (self.val(&format!("mul i64 {n}, {r}")), None)
            }
        };
        let mut shape = ish.clone();
        shape[ax] = len;
        let out = self.alloc_array(oa.dtype, &shape);
        let ca = ArrayTy::new(oa.dtype, nd as u8, Layout::C);
        let lp = self.nd_open(&shape);
        let mut sidx = lp.idx.clone();
        sidx[ax] = match &table {
            Some(tab) => self.flat_elem(tab, Dtype::I64, &lp.idx[ax]).r,
            None => {
                let r = self.cast(reps.clone(), &Ty::I64).r;
                self.val(&format!("sdiv i64 {}, {r}", lp.idx[ax]))
            }
        };
        let p = self.nd_ptr(&src, &sa, &sidx);
        let x = self.load_elem(a.dtype, &p);
        let q = self.nd_ptr(&out, &ca, &lp.idx);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok(out)
    }

    fn roll(&mut self, args: &[V], call: &'p Call<'p>) -> R<V> {
        let a = args[0].ty.array().copied().ok_or("roll arg")?;
        let nd = a.ndim as usize;
        let shift = self.mparam(args, call, 1, "shift")?.ok_or("roll shift")?;
        let shifts: Vec<String> = match shift.ty.clone() {
            Ty::Tuple(items) => (0..items.len())
                .map(|i| {
                    let x = self.extract(&shift, i, items[i].clone());
                    self.cast(x, &Ty::I64).r
                })
                .collect(),
            _ => vec![self.cast(shift, &Ty::I64).r],
        };
        let axes: Option<Vec<usize>> = match self.mparam_const(call, 2, "axis") {
            None | Some(Const::None) => None,
            Some(c) => Some(
                const_ints(&c)
                    .ok_or("roll axis")?
                    .iter()
                    .map(|&k| norm_axis(k, nd))
                    .collect(),
            ),
        };
        // The flattened array (axis=None) rolls as one axis.
        let (src, sa) = match axes {
            None => {
                let (c, _) = self.as_c(&args[0], &a)?;
                let n = self.nitems(&c);
                let v = self.reshape_view(&c, a.dtype, std::slice::from_ref(&n));
                (v, ArrayTy::new(a.dtype, 1, Layout::C))
            }
            Some(_) => (args[0].clone(), a),
        };
        let axes = axes.unwrap_or_else(|| vec![0]);
        let snd = sa.ndim as usize;
        let ish = self.shape_list(&src, snd);
        // Total shift per axis (shift and axis broadcast against each other).
        let mut total = vec!["0".to_string(); snd];
        let pairs = shifts.len().max(axes.len());
        for i in 0..pairs {
            let s = &shifts[if shifts.len() == 1 { 0 } else { i }];
            let ax = axes[if axes.len() == 1 { 0 } else { i }];
            total[ax] = self.val(&format!("add i64 {}, {s}", total[ax]));
        }
        let mut norm = Vec::new();
        for d in 0..snd {
            if total[d] == "0" {
                norm.push(None);
                continue;
            }
            let z = self.val(&format!("icmp eq i64 {}, 0", ish[d]));
            let n = self.val(&format!("select i1 {z}, i64 1, i64 {}", ish[d]));
            let r = self.val(&format!("srem i64 {}, {n}", total[d]));
            let neg = self.val(&format!("icmp slt i64 {r}, 0"));
            let r2 = self.val(&format!("add i64 {r}, {n}"));
            norm.push(Some(
                self.val(&format!("select i1 {neg}, i64 {r2}, i64 {r}")),
            ));
        }
        let out = self.alloc_array(a.dtype, &ish);
        let ca = ArrayTy::new(a.dtype, snd as u8, Layout::C);
        let lp = self.nd_open(&ish);
        let mut sidx = lp.idx.clone();
        for d in 0..snd {
            if let Some(s) = &norm[d] {
                let j = self.val(&format!("sub i64 {}, {s}", lp.idx[d]));
                let neg = self.val(&format!("icmp slt i64 {j}, 0"));
                let j2 = self.val(&format!("add i64 {j}, {}", ish[d]));
                sidx[d] = self.val(&format!("select i1 {neg}, i64 {j2}, i64 {j}"));
            }
        }
        let p = self.nd_ptr(&src, &sa, &sidx);
        let x = self.load_elem(a.dtype, &p);
        let q = self.nd_ptr(&out, &ca, &lp.idx);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        if nd == snd {
            return Ok(out);
        }
        let shape = self.shape_list(&args[0], nd);
        Ok(self.reshape_view(&out, a.dtype, &shape))
    }

    /// np.partition: a full sort along the axis, which satisfies the
    /// partition contract for every kth.
    fn partition(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
        let a = args[0].ty.array().copied().ok_or("partition arg")?;
        let nd = a.ndim as usize;
        let kth = self.mparam(args, call, 1, "kth")?.ok_or("partition kth")?;
        let kths: Vec<String> = match kth.ty.clone() {
            Ty::Tuple(items) => (0..items.len())
                .map(|i| {
                    let x = self.extract(&kth, i, items[i].clone());
                    self.cast(x, &Ty::I64).r
                })
                .collect(),
            _ => vec![self.cast(kth, &Ty::I64).r],
        };
        let axis = match self.mparam_const(call, 2, "axis") {
            None => Some(nd - 1),
            Some(Const::Int(k)) => Some(norm_axis(k, nd)),
            Some(_) => None,
        };
        let size = self.nitems(&args[0]);
        let n = match axis {
            Some(ax) => self.shape(&args[0], ax),
            None => size.clone(),
        };
        let nonempty = self.val(&format!("icmp ne i64 {size}, 0"));
        for k in &kths {
            let neg = self.val(&format!("icmp slt i64 {k}, 0"));
            let kn = self.val(&format!("add i64 {k}, {n}"));
            let k2 = self.val(&format!("select i1 {neg}, i64 {kn}, i64 {k}"));
            let lo = self.val(&format!("icmp slt i64 {k2}, 0"));
            let hi = self.val(&format!("icmp sge i64 {k2}, {n}"));
            let out = self.val(&format!("or i1 {lo}, {hi}"));
            let bad = self.val(&format!("and i1 {out}, {nonempty}"));
            let pieces = [
                self.str_const("kth(="),
                V::new(k2, Ty::I64),
                self.str_const(") out of bounds ("),
                V::new(n.clone(), Ty::I64),
                self.str_const(")"),
            ];
            self.raise_if(&bad, ExcKind::ValueError, &pieces);
        }
        let copy = self.copy_array(&args[0], &a)?;
        let ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        let tn = Self::sort_type_num(a.dtype);
        self.m.declare("declare void @oxjit_rt_sort(ptr, i64, i32)");
        match axis {
            None => {
                let data = self.data(&copy);
                self.emit(&format!(
                    "call void @oxjit_rt_sort(ptr {data}, i64 {size}, i32 {tn})"
                ));
                return Ok(self.reshape_view(&copy, a.dtype, &[size]));
            }
            Some(ax) if ax == nd - 1 => {
                // Rows of the C copy are contiguous: sort them in place.
                let data = self.data(&copy);
                let z = self.val(&format!("icmp eq i64 {n}, 0"));
                let safe = self.val(&format!("select i1 {z}, i64 1, i64 {n}"));
                let rows = self.val(&format!("sdiv i64 {size}, {safe}"));
                let lp = self.nd_open(std::slice::from_ref(&rows));
                let off = self.val(&format!("mul i64 {}, {n}", lp.idx[0]));
                let off = self.val(&format!("mul i64 {off}, {}", a.dtype.size()));
                let rp = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
                self.emit(&format!(
                    "call void @oxjit_rt_sort(ptr {rp}, i64 {n}, i32 {tn})"
                ));
                self.nd_close(lp);
            }
            Some(ax) => {
                // Gather each lane into a buffer, sort it, scatter it back.
                let buf = self.alloc_array(a.dtype, std::slice::from_ref(&n));
                let bdata = self.data(&buf);
                let mut lanes = self.shape_list(&copy, nd);
                lanes[ax] = "1".into();
                let lp = self.nd_open(&lanes);
                for back in [false, true] {
                    if back {
                        self.emit(&format!(
                            "call void @oxjit_rt_sort(ptr {bdata}, i64 {n}, i32 {tn})"
                        ));
                    }
                    let inner = self.nd_open(std::slice::from_ref(&n));
                    let t = inner.idx[0].clone();
                    let mut idx = lp.idx.clone();
                    idx[ax] = t.clone();
                    let p = self.nd_ptr(&copy, &ca, &idx);
                    if back {
                        let x = self.flat_elem(&buf, a.dtype, &t);
                        self.store_elem(&x, &p);
                    } else {
                        let x = self.load_elem(a.dtype, &p);
                        self.flat_store(&buf, a.dtype, &t, &x);
                    }
                    self.nd_close(inner);
                }
                self.nd_close(lp);
            }
        }
        if *ty == Ty::NoneType {
            // a.partition(kth): in place.
            self.assign_into(&args[0], &a, V::new(copy.r.clone(), Ty::Array(ca)))?;
            return Ok(V::unit(Ty::NoneType));
        }
        Ok(copy)
    }

    fn cross(&mut self, args: &[V], ty: &Ty) -> R<V> {
        let oa = ty.array().copied().ok_or("cross type")?;
        let d = oa.dtype;
        let (x, y) = (args[0].clone(), args[1].clone());
        let xa = x.ty.array().copied().ok_or("cross a")?;
        let ya = y.ty.array().copied().ok_or("cross b")?;
        let (nx, ny) = (xa.ndim as usize, ya.ndim as usize);
        let xs = self.shape_list(&x, nx);
        let ys = self.shape_list(&y, ny);
        let (lx, ly) = (xs[nx - 1].clone(), ys[ny - 1].clone());
        let mut bad = "false".to_string();
        for l in [&lx, &ly] {
            let two = self.val(&format!("icmp eq i64 {l}, 2"));
            let three = self.val(&format!("icmp eq i64 {l}, 3"));
            let ok = self.val(&format!("or i1 {two}, {three}"));
            let nok = self.val(&format!("xor i1 {ok}, true"));
            bad = self.val(&format!("or i1 {bad}, {nok}"));
        }
        let m =
            self.str_const("incompatible dimensions for cross product\n(dimension must be 2 or 3)");
        self.raise_if(&bad, ExcKind::ValueError, &[m]);
        // Broadcast the leading (vector-stack) dimensions.
        let on = oa.ndim as usize;
        let lead = on - 1;
        let mut oshape = Vec::new();
        let mut bad = "false".to_string();
        for o in 0..lead {
            let dx = (o + nx).checked_sub(on).map(|k| xs[k].clone());
            let dy = (o + ny).checked_sub(on).map(|k| ys[k].clone());
            oshape.push(match (dx, dy) {
                (Some(p), Some(q)) => {
                    let ne = self.val(&format!("icmp ne i64 {p}, {q}"));
                    let p1 = self.val(&format!("icmp ne i64 {p}, 1"));
                    let q1 = self.val(&format!("icmp ne i64 {q}, 1"));
                    let b = self.val(&format!("and i1 {ne}, {p1}"));
                    let b = self.val(&format!("and i1 {b}, {q1}"));
                    bad = self.val(&format!("or i1 {bad}, {b}"));
                    let p1 = self.val(&format!("icmp eq i64 {p}, 1"));
                    self.val(&format!("select i1 {p1}, i64 {q}, i64 {p}"))
                }
                (Some(p), None) | (None, Some(p)) => p,
                (None, None) => "1".into(),
            });
        }
        let mut pieces = vec![self.str_const(
            "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 with shape (",
        )];
        for (k, sh) in [(0, &xs), (1, &ys)] {
            if k == 1 {
                pieces.push(self.str_const(") and arg 1 with shape ("));
            }
            let lead_dims = &sh[..sh.len() - 1];
            for (i, s) in lead_dims.iter().enumerate() {
                if i > 0 {
                    pieces.push(self.str_const(", "));
                }
                pieces.push(V::new(s.clone(), Ty::I64));
            }
            if lead_dims.len() == 1 {
                pieces.push(self.str_const(","));
            }
        }
        pieces.push(self.str_const(")."));
        self.raise_if(&bad, ExcKind::ValueError, &pieces);
        let x2 = self.val(&format!("icmp eq i64 {lx}, 2"));
        let y2 = self.val(&format!("icmp eq i64 {ly}, 2"));
        let both2 = self.val(&format!("and i1 {x2}, {y2}"));
        let m = self.str_const(
            "numpy.cross of two 2-element vectors has one dimension less than its inputs, \
             which compiled code does not support",
        );
        self.raise_if(&both2, ExcKind::ValueError, &[m]);
        let mut shape = oshape.clone();
        shape.push("3".into());
        let out = self.alloc_array(d, &shape);
        let ca = ArrayTy::new(d, on as u8, Layout::C);
        let lp = self.nd_open(&oshape);
        // Components of both vectors; a missing third one is never used.
        let comp = |s: &mut Self, v: &V, va: &ArrayTy, sh: &[String], has3: &str| -> Vec<V> {
            let n = va.ndim as usize;
            let mut idx: Vec<String> = (0..n - 1)
                .map(|k| {
                    let o = k + lead + 1 - n;
                    let one = s.val(&format!("icmp eq i64 {}, 1", sh[k]));
                    s.val(&format!("select i1 {one}, i64 0, i64 {}", lp.idx[o]))
                })
                .collect();
            idx.push(String::new());
            (0..3)
                .map(|c| {
                    let i = if c == 2 {
                        s.val(&format!("select i1 {has3}, i64 2, i64 0"))
                    } else {
                        c.to_string()
                    };
                    *idx.last_mut().unwrap_or(&mut String::new()) = i;
                    let p = s.nd_ptr(v, va, &idx);
                    let e = s.load_elem(va.dtype, &p);
                    s.cast(e, &Ty::Scalar(d))
                })
                .collect()
        };
        let x3 = self.val(&format!("xor i1 {x2}, true"));
        let y3 = self.val(&format!("xor i1 {y2}, true"));
        let av = comp(self, &x, &xa, &xs, &x3);
        let bv = comp(self, &y, &ya, &ys, &y3);
        let pr = |s: &mut Self, i: usize, j: usize| -> R<V> { s.elem_mul(&av[i], &bv[j], d) };
        // NumPy's formulas per case (a missing component is 0, which it
        // leaves out rather than multiplying).
        let (a1b2, a2b1) = (pr(self, 1, 2)?, pr(self, 2, 1)?);
        let (a2b0, a0b2) = (pr(self, 2, 0)?, pr(self, 0, 2)?);
        let (a0b1, a1b0) = (pr(self, 0, 1)?, pr(self, 1, 0)?);
        let c0_33 = self.elem_sub(&a1b2, &a2b1, d)?;
        let c1_33 = self.elem_sub(&a2b0, &a0b2, d)?;
        let c2 = self.elem_sub(&a0b1, &a1b0, d)?;
        let c1_23 = self.elem_neg(&a0b2, d);
        let c0_32 = self.elem_neg(&a2b1, d);
        let t = scalar_ty(d);
        let sel = |s: &mut Self, c: &str, p: &V, q: &V| -> V {
            V::new(
                s.val(&format!("select i1 {c}, {t} {}, {t} {}", p.r, q.r)),
                Ty::Scalar(d),
            )
        };
        // x2: (2, 3); y2: (3, 2); else (3, 3).
        let c0 = sel(self, &y2, &c0_32, &c0_33);
        let c0 = sel(self, &x2, &a1b2, &c0);
        let c1 = sel(self, &y2, &a2b0, &c1_33);
        let c1 = sel(self, &x2, &c1_23, &c1);
        for (c, v) in [c0, c1, c2].iter().enumerate() {
            let mut idx = lp.idx.clone();
            idx.push(c.to_string());
            let q = self.nd_ptr(&out, &ca, &idx);
            self.store_elem(v, &q);
        }
        self.nd_close(lp);
        Ok(out)
    }

    /// |x| < inf for a float register of dtype `d`.
    fn finite_test(&mut self, x: &str, d: Dtype) -> String {
        let f = self.intrinsic("fabs", d, 1);
        let t = scalar_ty(d);
        let ax = self.val(&format!("call {t} {f}({t} {x})"));
        let inf = fconst(f64::INFINITY, d);
        self.val(&format!("fcmp olt {t} {ax}, {inf}"))
    }

    /// `edges[i] = linspace(first, last, nb + 1)[i]` computed in `w` as
    /// NumPy's linspace does, stored as the edges' dtype.
    fn hist_linspace(
        &mut self,
        edges: &V,
        edge_d: Dtype,
        first: &str,
        last: &str,
        w: Dtype,
        nb: &str,
    ) {
        let wt = Ty::Scalar(w);
        let t = scalar_ty(w);
        let num = self.val(&format!("add i64 {nb}, 1"));
        let delta = self.val(&format!("fsub {t} {last}, {first}"));
        let divf = self.cast(V::new(nb, Ty::I64), &wt).r;
        let step = self.val(&format!("fdiv {t} {delta}, {divf}"));
        let step0 = self.val(&format!("fcmp oeq {t} {step}, 0.0"));
        let lp = self.nd_open(std::slice::from_ref(&num));
        let i = lp.idx[0].clone();
        let fi = self.cast(V::new(i.clone(), Ty::I64), &wt).r;
        // A zero step (denormal range) divides first, as NumPy.
        let q = self.val(&format!("fdiv {t} {fi}, {divf}"));
        let y0 = self.val(&format!("fmul {t} {q}, {delta}"));
        let y1 = self.val(&format!("fmul {t} {fi}, {step}"));
        let y = self.val(&format!("select i1 {step0}, {t} {y0}, {t} {y1}"));
        let y = self.val(&format!("fadd {t} {y}, {first}"));
        let at_end = self.val(&format!("icmp eq i64 {i}, {nb}"));
        let y = self.val(&format!("select i1 {at_end}, {t} {last}, {t} {y}"));
        self.flat_store(edges, edge_d, &i, &V::new(y, wt));
        self.nd_close(lp);
    }

    fn histogram(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
        let a = args[0].ty.array().copied().ok_or("histogram arg")?;
        let Ty::Tuple(outs) = ty else {
            return ice("histogram type");
        };
        let (src, _) = self.as_c(&args[0], &a)?;
        let total = self.nitems(&src);
        let nb = match self.mparam(args, call, 1, "bins")? {
            Some(b) if matches!(b.ty, Ty::Array(_)) => {
                let h = self.hist_edges(&src, &a, &total, &b)?;
                return Ok(self.build_tuple(vec![h, b]));
            }
            Some(b) => {
                let nb = self.cast(b, &Ty::I64).r;
                let bad = self.val(&format!("icmp slt i64 {nb}, 1"));
                let m = self.str_const("`bins` must be positive, when an integer");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                nb
            }
            None => "10".to_string(),
        };
        let edge_d = outs[1].array().map(|e| e.dtype).ok_or("edges type")?;
        let range = self
            .mparam(args, call, 2, "range")?
            .filter(|v| v.ty != Ty::NoneType);
        // The outer edges in the type `w` NumPy's linspace computes in:
        // float32 only when both come from a float32 array's min and max.
        // `empty32`: a float32 array that is empty, whose (0, 1) is float64.
        let (first, last, w, empty32) = match range {
            Some(r) => {
                let Ty::Tuple(items) = r.ty.clone() else {
                    return ice("histogram range");
                };
                let lo = self.extract(&r, 0, items[0].clone());
                let hi = self.extract(&r, 1, items[1].clone());
                let l = self.cast(lo.clone(), &Ty::F64).r;
                let h = self.cast(hi.clone(), &Ty::F64).r;
                let gt = self.val(&format!("fcmp ogt double {l}, {h}"));
                let m = self.str_const("max must be larger than min in range parameter.");
                self.raise_if(&gt, ExcKind::ValueError, &[m]);
                let fl = self.finite_test(&l, Dtype::F64);
                let fh = self.finite_test(&h, Dtype::F64);
                let ok = self.val(&format!("and i1 {fl}, {fh}"));
                let bad = self.val(&format!("xor i1 {ok}, true"));
                let pieces = [
                    self.str_const("supplied range of ["),
                    lo,
                    self.str_const(", "),
                    hi,
                    self.str_const("] is not finite"),
                ];
                self.raise_if(&bad, ExcKind::ValueError, &pieces);
                (l, h, Dtype::F64, None)
            }
            None => {
                let w = if a.dtype == Dtype::F32 {
                    Dtype::F32
                } else {
                    Dtype::F64
                };
                let t = scalar_ty(w);
                let wt = Ty::Scalar(w);
                // min and max with NaN propagating (ndarray.min/max: on ties
                // the later element wins, which shows for -0.0 and 0.0); an
                // empty array keeps the initial (0, 1).
                let mn = self.alloca(t);
                let mx = self.alloca(t);
                let nan = self.alloca("i1");
                self.emit(&format!("store {t} {}, ptr {mn}", fconst(0.0, w)));
                self.emit(&format!("store {t} {}, ptr {mx}", fconst(1.0, w)));
                self.emit(&format!("store i1 false, ptr {nan}"));
                let lp = self.nd_open(std::slice::from_ref(&total));
                let k = lp.idx[0].clone();
                let x = self.flat_elem(&src, a.dtype, &k);
                let x = self.cast(x, &wt).r;
                let is0 = self.val(&format!("icmp eq i64 {k}, 0"));
                let cmn = self.val(&format!("load {t}, ptr {mn}"));
                let cmx = self.val(&format!("load {t}, ptr {mx}"));
                let lt = self.val(&format!("fcmp ole {t} {x}, {cmn}"));
                let gt = self.val(&format!("fcmp oge {t} {x}, {cmx}"));
                let lt = self.val(&format!("or i1 {lt}, {is0}"));
                let gt = self.val(&format!("or i1 {gt}, {is0}"));
                let nmn = self.val(&format!("select i1 {lt}, {t} {x}, {t} {cmn}"));
                let nmx = self.val(&format!("select i1 {gt}, {t} {x}, {t} {cmx}"));
                self.emit(&format!("store {t} {nmn}, ptr {mn}"));
                self.emit(&format!("store {t} {nmx}, ptr {mx}"));
                let xn = self.val(&format!("fcmp uno {t} {x}, 0.0"));
                let cn = self.val(&format!("load i1, ptr {nan}"));
                let nn = self.val(&format!("or i1 {cn}, {xn}"));
                self.emit(&format!("store i1 {nn}, ptr {nan}"));
                self.nd_close(lp);
                let has_nan = self.val(&format!("load i1, ptr {nan}"));
                let qnan = fconst(f64::NAN, w);
                let l = self.val(&format!("load {t}, ptr {mn}"));
                let h = self.val(&format!("load {t}, ptr {mx}"));
                let l = self.val(&format!("select i1 {has_nan}, {t} {qnan}, {t} {l}"));
                let h = self.val(&format!("select i1 {has_nan}, {t} {qnan}, {t} {h}"));
                if a.dtype.is_float() {
                    let fl = self.finite_test(&l, w);
                    let fh = self.finite_test(&h, w);
                    let ok = self.val(&format!("and i1 {fl}, {fh}"));
                    let bad = self.val(&format!("xor i1 {ok}, true"));
                    let pieces = [
                        self.str_const("autodetected range of ["),
                        V::new(l.clone(), wt.clone()),
                        self.str_const(", "),
                        V::new(h.clone(), wt.clone()),
                        self.str_const("] is not finite"),
                    ];
                    self.raise_if(&bad, ExcKind::ValueError, &pieces);
                }
                let empty32 =
                    (w == Dtype::F32).then(|| self.val(&format!("icmp eq i64 {total}, 0")));
                (l, h, w, empty32)
            }
        };
        let wt = Ty::Scalar(w);
        let t = scalar_ty(w);
        // An empty range is widened by half a unit on each side.
        let eq = self.val(&format!("fcmp oeq {t} {first}, {last}"));
        let half = fconst(0.5, w);
        let f2 = self.val(&format!("fsub {t} {first}, {half}"));
        let l2 = self.val(&format!("fadd {t} {last}, {half}"));
        let first = self.val(&format!("select i1 {eq}, {t} {f2}, {t} {first}"));
        let last = self.val(&format!("select i1 {eq}, {t} {l2}, {t} {last}"));
        let num = self.val(&format!("add i64 {nb}, 1"));
        let edges = self.alloc_array(edge_d, std::slice::from_ref(&num));
        match empty32 {
            None => self.hist_linspace(&edges, edge_d, &first, &last, w, &nb),
            Some(empty) => {
                let (l1, l2, l3) = (self.label("he0"), self.label("he1"), self.label("he2"));
                self.cbr(&empty, &l1, &l2);
                self.start(&l1);
                let (z, o) = (fconst(0.0, Dtype::F64), fconst(1.0, Dtype::F64));
                self.hist_linspace(&edges, edge_d, &z, &o, Dtype::F64, &nb);
                self.br(&l3);
                self.start(&l2);
                self.hist_linspace(&edges, edge_d, &first, &last, w, &nb);
                self.start(&l3);
            }
        }
        let et = Ty::Scalar(edge_d);
        let ett = scalar_ty(edge_d);
        let lp = self.nd_open(std::slice::from_ref(&nb));
        let i = lp.idx[0].clone();
        let i1 = self.val(&format!("add i64 {i}, 1"));
        let e0 = self.flat_elem(&edges, edge_d, &i);
        let e1 = self.flat_elem(&edges, edge_d, &i1);
        let bad = self.val(&format!("fcmp oge {ett} {}, {}", e0.r, e1.r));
        let pieces = [
            self.str_const("Too many bins for data range. Cannot create "),
            V::new(nb.clone(), Ty::I64),
            self.str_const(" finite-sized bins."),
        ];
        self.raise_if(&bad, ExcKind::ValueError, &pieces);
        self.nd_close(lp);
        // Counting as NumPy's uniform-bin path, in the edges' dtype: the
        // computed bin, corrected by one against the stored edges.
        let hist = self.alloc_array(Dtype::I64, std::slice::from_ref(&nb));
        let ha = ArrayTy::new(Dtype::I64, 1, Layout::C);
        self.init_array(&hist, &ha, Alloc::Zeros, None)?;
        let fe = self.cast(V::new(first.clone(), wt.clone()), &et).r;
        let le = self.cast(V::new(last.clone(), wt.clone()), &et).r;
        let den = self.val(&format!("fsub {t} {last}, {first}"));
        let den = self.cast(V::new(den, wt.clone()), &et).r;
        let numr = self.cast(V::new(nb.clone(), Ty::I64), &et).r;
        let nbm1 = self.val(&format!("sub i64 {nb}, 1"));
        let lp = self.nd_open(std::slice::from_ref(&total));
        let x = self.flat_elem(&src, a.dtype, &lp.idx[0]);
        let x = self.cast(x, &et).r;
        let ge = self.val(&format!("fcmp oge {ett} {x}, {fe}"));
        let le_ = self.val(&format!("fcmp ole {ett} {x}, {le}"));
        let keep = self.val(&format!("and i1 {ge}, {le_}"));
        let (l1, l2) = (self.label("hkeep"), self.label("hskip"));
        self.cbr(&keep, &l1, &l2);
        self.start(&l1);
        let fx = self.val(&format!("fsub {ett} {x}, {fe}"));
        let fx = self.val(&format!("fdiv {ett} {fx}, {den}"));
        let fx = self.val(&format!("fmul {ett} {fx}, {numr}"));
        // astype(intp) gives INT_MIN for NaN and out-of-range values (an
        // edge that overflowed float32), and indexing the edges with it
        // raises IndexError, as in NumPy.
        let lim = fconst(9.223_372_036_854_776e18, edge_d);
        let small = self.val(&format!("fcmp olt {ett} {fx}, {lim}"));
        let nlim = fconst(-9.223_372_036_854_776e18, edge_d);
        let big = self.val(&format!("fcmp oge {ett} {fx}, {nlim}"));
        let fits = self.val(&format!("and i1 {small}, {big}"));
        let safe = self.val(&format!("select i1 {fits}, {ett} {fx}, {ett} 0.0"));
        let idx = self.val(&format!("fptosi {ett} {safe} to i64"));
        let idx = self.val(&format!("select i1 {fits}, i64 {idx}, i64 {}", i64::MIN));
        let top = self.val(&format!("icmp eq i64 {idx}, {nb}"));
        let idx = self.val(&format!("select i1 {top}, i64 {nbm1}, i64 {idx}"));
        let oob = self.val(&format!("icmp ugt i64 {idx}, {nb}"));
        let pieces = [
            self.str_const("index "),
            V::new(idx.clone(), Ty::I64),
            self.str_const(" is out of bounds for axis 0 with size "),
            V::new(num.clone(), Ty::I64),
        ];
        self.raise_if(&oob, ExcKind::IndexError, &pieces);
        let e = self.flat_elem(&edges, edge_d, &idx);
        let dec = self.val(&format!("fcmp olt {ett} {x}, {}", e.r));
        let im1 = self.val(&format!("sub i64 {idx}, 1"));
        let idx = self.val(&format!("select i1 {dec}, i64 {im1}, i64 {idx}"));
        let ip1 = self.val(&format!("add i64 {idx}, 1"));
        let e = self.flat_elem(&edges, edge_d, &ip1);
        let above = self.val(&format!("fcmp oge {ett} {x}, {}", e.r));
        let notlast = self.val(&format!("icmp ne i64 {idx}, {nbm1}"));
        let inc = self.val(&format!("and i1 {above}, {notlast}"));
        let idx = self.val(&format!("select i1 {inc}, i64 {ip1}, i64 {idx}"));
        // Kept values land in 0..nb; clamp so no rounding corner can write
        // outside the counts.
        let idx = self.i64_max(&idx, "0");
        let idx = self.i64_min(&idx, &nbm1);
        let c = self.flat_elem(&hist, Dtype::I64, &idx);
        let c1 = self.val(&format!("add i64 {}, 1", c.r));
        self.flat_store(&hist, Dtype::I64, &idx, &V::new(c1, Ty::I64));
        self.start(&l2);
        self.nd_close(lp);
        Ok(self.build_tuple(vec![hist, edges]))
    }

    /// Counts for explicit bin edges, as NumPy: searches of the sorted data
    /// (left side, right side for the last edge) and their differences.
    fn hist_edges(&mut self, src: &V, a: &ArrayTy, total: &str, b: &V) -> R<V> {
        let ba = b.ty.array().copied().ok_or("bins array")?;
        let ne = self.shape(b, 0);
        let ne1 = self.val(&format!("sub i64 {ne}, 1"));
        let nh = self.i64_max(&ne1, "0");
        let lp = self.nd_open(std::slice::from_ref(&nh));
        let i = lp.idx[0].clone();
        let i1 = self.val(&format!("add i64 {i}, 1"));
        let e0 = self.elem1(b, &ba, &i, ba.dtype);
        let e1 = self.elem1(b, &ba, &i1, ba.dtype);
        let dec = self.compare(CmpOp::Gt, e0, e1)?;
        let m = self.str_const("`bins` must increase monotonically, when an array");
        self.raise_if(&dec, ExcKind::ValueError, &[m]);
        self.nd_close(lp);
        let sorted = self.copy_array(src, a)?;
        let sd = self.data(&sorted);
        let tn = Self::sort_type_num(a.dtype);
        self.m.declare("declare void @oxjit_rt_sort(ptr, i64, i32)");
        self.emit(&format!(
            "call void @oxjit_rt_sort(ptr {sd}, i64 {total}, i32 {tn})"
        ));
        let sa = ArrayTy::new(a.dtype, 1, Layout::C);
        let d = oxjit_types::promote_numpy(a.dtype, ba.dtype);
        let cum = self.alloc_array(Dtype::I64, std::slice::from_ref(&ne));
        let lp = self.nd_open(std::slice::from_ref(&ne));
        let i = lp.idx[0].clone();
        let key = self.elem1(b, &ba, &i, d);
        let right = self.val(&format!("icmp eq i64 {i}, {ne1}"));
        let total = total.to_string();
        let pos = self.bsearch(&total, &right, &key, d, &mut |s, mid| {
            s.elem1(&sorted, &sa, mid, d)
        })?;
        self.flat_store(&cum, Dtype::I64, &i, &V::new(pos, Ty::I64));
        self.nd_close(lp);
        let hist = self.alloc_array(Dtype::I64, std::slice::from_ref(&nh));
        let lp = self.nd_open(std::slice::from_ref(&nh));
        let i = lp.idx[0].clone();
        let i1 = self.val(&format!("add i64 {i}, 1"));
        let c0 = self.flat_elem(&cum, Dtype::I64, &i);
        let c1 = self.flat_elem(&cum, Dtype::I64, &i1);
        let h = self.val(&format!("sub i64 {}, {}", c1.r, c0.r));
        self.flat_store(&hist, Dtype::I64, &i, &V::new(h, Ty::I64));
        self.nd_close(lp);
        Ok(hist)
    }

    /// Binary search of `key` among `n` sorted values `at(mid)` (NumPy's
    /// order, NaN last): the first position whose value is not below the
    /// key (`right` false) or above it (`right` true).
    fn bsearch(
        &mut self,
        n: &str,
        right: &str,
        key: &V,
        d: Dtype,
        at: &mut dyn FnMut(&mut Self, &str) -> V,
    ) -> R<String> {
        self.bisect("0", n, &mut |s, mid| {
            let mv = at(s, mid);
            Ok(s.side_cmp(&mv, key, d, right))
        })
    }

    /// searchsorted's step test: `v < key` (left) or `v <= key` (right),
    /// in NumPy's NaN-last order.
    fn side_cmp(&mut self, v: &V, key: &V, d: Dtype, right: &str) -> String {
        let lt = self.sort_less(v, key, d);
        let gt = self.sort_less(key, v, d);
        let le = self.val(&format!("xor i1 {gt}, true"));
        self.val(&format!("select i1 {right}, i1 {le}, i1 {lt}"))
    }

    fn digitize(&mut self, args: &[V], call: &'p Call<'p>) -> R<V> {
        let x = args[0].clone();
        let b = self.mparam(args, call, 1, "bins")?.ok_or("digitize bins")?;
        let ba = b.ty.array().copied().ok_or("digitize bins")?;
        let right = match self.mparam(args, call, 2, "right")? {
            Some(v) => self.truth(&v)?,
            None => "false".into(),
        };
        let xd = match &x.ty {
            Ty::Array(xa) => xa.dtype,
            Ty::Scalar(d) => *d,
            _ => return ice("digitize x"),
        };
        let n = self.shape(&b, 0);
        // Monotonicity as NumPy's _monotonicity (on float64 copies): skip
        // leading repeats of bins[0], the first difference sets the
        // direction, every later pair must follow it.
        let dir = self.alloca("i64");
        let broken = self.alloca("i1");
        self.emit(&format!("store i64 0, ptr {dir}"));
        self.emit(&format!("store i1 false, ptr {broken}"));
        let n1 = self.val(&format!("sub i64 {n}, 1"));
        let pairs = self.i64_max(&n1, "0");
        let lp = self.nd_open(std::slice::from_ref(&pairs));
        let j = self.val(&format!("add i64 {}, 1", lp.idx[0]));
        let prev = self.elem1(&b, &ba, &lp.idx[0].clone(), Dtype::F64).r;
        let cur = self.elem1(&b, &ba, &j, Dtype::F64).r;
        let b0 = self.elem1(&b, &ba, "0", Dtype::F64).r;
        let dv = self.val(&format!("load i64, ptr {dir}"));
        let undecided = self.val(&format!("icmp eq i64 {dv}, 0"));
        let same0 = self.val(&format!("fcmp oeq double {cur}, {b0}"));
        let up = self.val(&format!("fcmp olt double {b0}, {cur}"));
        let nd0 = self.val(&format!("select i1 {up}, i64 1, i64 -1"));
        let nd0 = self.val(&format!("select i1 {same0}, i64 0, i64 {nd0}"));
        let ndir = self.val(&format!("select i1 {undecided}, i64 {nd0}, i64 {dv}"));
        self.emit(&format!("store i64 {ndir}, ptr {dir}"));
        let fall = self.val(&format!("fcmp ogt double {prev}, {cur}"));
        let rise = self.val(&format!("fcmp olt double {prev}, {cur}"));
        let is_up = self.val(&format!("icmp eq i64 {dv}, 1"));
        let is_dn = self.val(&format!("icmp eq i64 {dv}, -1"));
        let b1 = self.val(&format!("and i1 {is_up}, {fall}"));
        let b2 = self.val(&format!("and i1 {is_dn}, {rise}"));
        let bb = self.val(&format!("or i1 {b1}, {b2}"));
        let old = self.val(&format!("load i1, ptr {broken}"));
        let nb = self.val(&format!("or i1 {old}, {bb}"));
        self.emit(&format!("store i1 {nb}, ptr {broken}"));
        self.nd_close(lp);
        let bad = self.val(&format!("load i1, ptr {broken}"));
        let m = self.str_const("bins must be monotonically increasing or decreasing");
        self.raise_if(&bad, ExcKind::ValueError, &[m]);
        let dv = self.val(&format!("load i64, ptr {dir}"));
        let decreasing = self.val(&format!("icmp eq i64 {dv}, -1"));
        // searchsorted(bins, x, side) with side = 'left' if right else
        // 'right'; decreasing bins search the reversed bins and count from
        // the end. NumPy narrows the next search using the previous key,
        // which matters only for bins that are not sorted (NaN): kept as is.
        let d = oxjit_types::promote_numpy(xd, ba.dtype);
        let dt = scalar_ty(d);
        let side_right = self.val(&format!("xor i1 {right}, true"));
        let lo = self.alloca("i64");
        let hi = self.alloca("i64");
        let last = self.alloca(dt);
        let have = self.alloca("i1");
        self.emit(&format!("store i64 0, ptr {lo}"));
        self.emit(&format!("store i64 {n}, ptr {hi}"));
        self.emit(&format!("store i1 false, ptr {have}"));
        let (bv, nn) = (b.clone(), n.clone());
        let mut one = move |s: &mut Self, xv: V| -> R<V> {
            let key = s.cast(xv, &Ty::Scalar(d));
            let h0 = s.val(&format!("load i1, ptr {have}"));
            let lk = V::new(s.val(&format!("load {dt}, ptr {last}")), Ty::Scalar(d));
            let c = s.side_cmp(&lk, &key, d, &side_right);
            let c = s.val(&format!("select i1 {h0}, i1 {c}, i1 true"));
            let l = s.val(&format!("load i64, ptr {lo}"));
            let h = s.val(&format!("load i64, ptr {hi}"));
            let lt = s.val(&format!("icmp slt i64 {h}, {nn}"));
            let h1 = s.val(&format!("add i64 {h}, 1"));
            let hh = s.val(&format!("select i1 {lt}, i64 {h1}, i64 {nn}"));
            let nl = s.val(&format!("select i1 {c}, i64 {l}, i64 0"));
            let nh = s.val(&format!("select i1 {c}, i64 {nn}, i64 {hh}"));
            s.emit(&format!("store {dt} {}, ptr {last}", key.r));
            s.emit(&format!("store i1 true, ptr {have}"));
            let pos = s.bisect(&nl, &nh, &mut |s, mid| {
                let rm = s.val(&format!("sub i64 {n1}, {mid}"));
                let at = s.val(&format!("select i1 {decreasing}, i64 {rm}, i64 {mid}"));
                let mv = s.elem1(&bv, &ba, &at, d);
                Ok(s.side_cmp(&mv, &key, d, &side_right))
            })?;
            // The search ends with lo == hi == pos: the next key's hints.
            s.emit(&format!("store i64 {pos}, ptr {lo}"));
            s.emit(&format!("store i64 {pos}, ptr {hi}"));
            let from_end = s.val(&format!("sub i64 {nn}, {pos}"));
            Ok(V::new(
                s.val(&format!(
                    "select i1 {decreasing}, i64 {from_end}, i64 {pos}"
                )),
                Ty::I64,
            ))
        };
        self.map_scalar_or_array(&x, Dtype::I64, &mut one)
    }
}
