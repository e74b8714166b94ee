//! Lowering of `registry::Manip`: shape manipulation and the remaining
//! array functions.
//!
//! Views (transpose, swapaxes, expand_dims, squeeze, diagonal) share the
//! argument's MemInfo and are borrowed like any expression result; the other
//! functions build fresh C-order arrays (F-order for asfortranarray).

use super::*;
use oxjit_typeck::registry::Manip;

mod combine;
mod histogram;

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
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Imag(_)
        | ExprKind::Bool(_)
        | ExprKind::NoneLit
        | ExprKind::Str(_)
        | ExprKind::Name(_)
        | ExprKind::Attr(..)
        | ExprKind::Bin(..)
        | ExprKind::Unary(..)
        | ExprKind::BoolOp(..)
        | ExprKind::Compare(..)
        | ExprKind::IfExp(..)
        | ExprKind::Call { .. }
        | ExprKind::Subscript(..)
        | ExprKind::Slice(..)
        | ExprKind::List(_)
        | ExprKind::Lambda(_)
        | ExprKind::Unsupported(_) => None,
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
                Const::Float(_)
                | Const::Complex(..)
                | Const::Bool(_)
                | Const::None
                | Const::Str(_)
                | Const::Tuple(_) => None,
            })
            .collect(),
        Const::Float(_) | Const::Complex(..) | Const::Bool(_) | Const::None | Const::Str(_) => None,
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
            Kind::Bool | Kind::Signed | Kind::Unsigned => V::new(
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
            Kind::Bool | Kind::Signed | Kind::Unsigned => {
                V::new(self.val(&format!("sub {t} 0, {}", a.r)), Ty::Scalar(d))
            }
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
            Kind::Bool | Kind::Signed | Kind::Unsigned => "false".into(),
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
            Kind::Bool | Kind::Signed | Kind::Unsigned => {
                self.val(&format!("icmp eq {t} {}, {}", x.r, y.r))
            }
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
            Kind::Bool | Kind::Unsigned | Kind::Complex => {
                self.val(&format!("icmp ult {t} {}, {}", x.r, y.r))
            }
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
        match f {
            Manip::Diag
            | Manip::Tri
            | Manip::Tril
            | Manip::Triu
            | Manip::Tile
            | Manip::AsFortran => self.manip_build(f, args, call, ty),
            Manip::Diagonal
            | Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::AtLeast(_) => self.manip_view(f, args, call, ty),
            Manip::Stack => self.stack(&args, call, &ty),
            Manip::ColumnStack => self.column_stack(&args, &ty),
            Manip::Repeat => self.repeat(&args, call, &ty),
            Manip::Roll => self.roll(&args, call),
            Manip::Partition => self.partition(&args, call, &ty),
            Manip::Cross => self.cross(&args, &ty),
            Manip::ArrayEqual | Manip::Argwhere | Manip::Histogram => {
                self.manip_query(f, args, call, ty)
            }
            Manip::Digitize => self.digitize(&args, call),
        }
    }

    /// Views sharing the argument's data: diagonal, transpose, swapaxes, expand_dims, squeeze.
    fn manip_view(&mut self, f: Manip, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let a0 = args.first().and_then(|v| v.ty.array().copied());
        let out_a = ty.array().copied();
        match f {
            Manip::Diagonal => {
                let a = a0.ok_or("diagonal arg")?;
                let k = self.mparam_int(&args, call, 1, "offset", 0)?;
                self.diagonal_view(&args[0], &a, &k, &ty)
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
                            Arg::Const(_)
                            | Arg::GlobalArray(..)
                            | Arg::StarItem(..)
                            | Arg::Pack(_) => None,
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
                Ok(self.unit_axes_view(&args[0], &a, &oa, &axes))
            }
            Manip::AtLeast(n) => {
                let a = a0.ok_or("atleast arg")?;
                let oa = out_a.ok_or("atleast type")?;
                let axes = oxjit_typeck::registry::at_least_axes(a.ndim, n);
                if axes.is_empty() {
                    return Ok(V::new(args[0].r.clone(), ty));
                }
                Ok(self.unit_axes_view(&args[0], &a, &oa, &axes))
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
            Manip::Diag
            | Manip::Tri
            | Manip::Tril
            | Manip::Triu
            | Manip::Stack
            | Manip::ColumnStack
            | Manip::Repeat
            | Manip::Tile
            | Manip::Roll
            | Manip::Partition
            | Manip::Cross
            | Manip::ArrayEqual
            | Manip::Argwhere
            | Manip::AsFortran
            | Manip::Histogram
            | Manip::Digitize => unreachable!("manip sends only these here"),
        }
    }

    /// A view of `arr` with unit axes at output positions `axes`
    /// (expand_dims, atleast_nd).
    fn unit_axes_view(&mut self, arr: &V, a: &ArrayTy, oa: &ArrayTy, axes: &[usize]) -> V {
        let on = oa.ndim as usize;
        let ish = self.shape_list(arr, a.ndim as usize);
        let ist = self.stride_list(arr, a);
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
        let data = self.data(arr);
        self.view_over(arr, oa, &data, &shape, &strides)
    }

    /// Fresh arrays filled element by element: diag, tri, tril/triu, tile, asfortranarray.
    fn manip_build(&mut self, f: Manip, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
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
                        Ty::Scalar(_)
                        | Ty::NoneType
                        | Ty::Str
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
                        | Ty::Unknown => vec![self.cast(v, &Ty::I64).r],
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
            Manip::AsFortran => {
                let a = a0.ok_or("asfortranarray arg")?;
                if a.ndim == 0 {
                    return Ok(self.zero_d_as_1d(&args[0], &a, &ty));
                }
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
            Manip::Diagonal
            | Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::Stack
            | Manip::ColumnStack
            | Manip::Repeat
            | Manip::Roll
            | Manip::Partition
            | Manip::Cross
            | Manip::ArrayEqual
            | Manip::Argwhere
            | Manip::Histogram
            | Manip::Digitize
            | Manip::AtLeast(_) => unreachable!("manip sends only these here"),
        }
    }

    /// array_equal, argwhere, and histogram (its `density=True` form from the counts).
    fn manip_query(&mut self, f: Manip, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let a0 = args.first().and_then(|v| v.ty.array().copied());
        match f {
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
            Manip::Diag
            | Manip::Diagonal
            | Manip::Tri
            | Manip::Tril
            | Manip::Triu
            | Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::Stack
            | Manip::ColumnStack
            | Manip::Repeat
            | Manip::Tile
            | Manip::Roll
            | Manip::Partition
            | Manip::Cross
            | Manip::AsFortran
            | Manip::Digitize
            | Manip::AtLeast(_) => unreachable!("manip sends only these here"),
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
}
