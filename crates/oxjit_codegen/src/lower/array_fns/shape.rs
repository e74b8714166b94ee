//! Array functions that reshape or convert: reshape, ravel, `np.array`, astype, flip.

use super::*;

impl<'p> FnGen<'_, 'p> {
    /// Reshaping, conversion (`np.array`, `astype`, `asarray`, ...) and `np.flip` views.
    pub(super) fn arr_shape(&mut self, f: ArrFn, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let out_a = ty.array().copied();
        match f {
            ArrFn::Reshape | ArrFn::Ravel | ArrFn::Flatten => {
                let Ty::Array(a0) = args[0].ty.clone() else {
                    return ice("reshape arg");
                };
                // order='F' is the C operation on the transposes:
                // a.reshape(s, order='F') == a.T.reshape(s[::-1]).T.
                let fortran = matches!(self.arg_const(call, usize::MAX, "order"), Some(Const::Str(o)) if o == "F");
                let (base, a) = if fortran && a0.ndim > 1 {
                    let ta = ArrayTy {
                        layout: match a0.layout {
                            Layout::C => Layout::F,
                            Layout::F => Layout::C,
                            Layout::A => Layout::A,
                        },
                        ..a0
                    };
                    (self.transpose(&args[0], &a0, Ty::Array(ta))?, ta)
                } else {
                    (args[0].clone(), a0)
                };
                let total = self.nitems(&args[0]);
                let mut dims: Vec<String> = if f == ArrFn::Reshape {
                    match args.get(1).map(|v| v.ty.clone()) {
                        Some(Ty::Tuple(items)) if args.len() == 2 => (0..items.len())
                            .map(|i| {
                                let x = self.extract(&args[1], i, items[i].clone());
                                self.cast(x, &Ty::I64).r
                            })
                            .collect(),
                        _ => args[1..]
                            .iter()
                            .map(|v| self.cast(v.clone(), &Ty::I64).r)
                            .collect(),
                    }
                } else {
                    vec!["-1".into()]
                };
                let req = dims.clone();
                // One -1 is inferred from the size.
                let mut known = "1".to_string();
                let mut unknown = "false".to_string();
                for d in &dims {
                    let neg = self.val(&format!("icmp slt i64 {d}, 0"));
                    unknown = self.val(&format!("or i1 {unknown}, {neg}"));
                    let f1 = self.val(&format!("select i1 {neg}, i64 1, i64 {d}"));
                    known = self.val(&format!("mul i64 {known}, {f1}"));
                }
                let safe = self.val(&format!("icmp eq i64 {known}, 0"));
                let den = self.val(&format!("select i1 {safe}, i64 1, i64 {known}"));
                let inferred = self.val(&format!("sdiv i64 {total}, {den}"));
                for d in dims.iter_mut() {
                    let neg = self.val(&format!("icmp slt i64 {d}, 0"));
                    *d = self.val(&format!("select i1 {neg}, i64 {inferred}, i64 {d}"));
                }
                let mut prod = "1".to_string();
                for d in &dims {
                    prod = self.val(&format!("mul i64 {prod}, {d}"));
                }
                let bad = self.val(&format!("icmp ne i64 {prod}, {total}"));
                let _ = unknown;
                let mut pieces = vec![
                    self.str_const("cannot reshape array of size "),
                    V::new(total.clone(), Ty::I64),
                    self.str_const(" into shape ("),
                ];
                for (k, d) in req.iter().enumerate() {
                    if k > 0 {
                        pieces.push(self.str_const(","));
                    }
                    pieces.push(V::new(d.clone(), Ty::I64));
                }
                pieces.push(self.str_const(if req.len() == 1 { ",)" } else { ")" }));
                self.raise_if(&bad, ExcKind::ValueError, &pieces);
                let src = if f == ArrFn::Flatten {
                    self.copy_array(&base, &a)?
                } else {
                    self.as_c_view_or_copy(&base, &a)?
                };
                if fortran && dims.len() > 1 {
                    let rev: Vec<String> = dims.iter().rev().cloned().collect();
                    let r = self.reshape_view(&src, a.dtype, &rev);
                    let ra = ArrayTy::new(a.dtype, rev.len() as u8, Layout::C);
                    return self.transpose(&r, &ra, ty);
                }
                Ok(self.reshape_view(&src, a.dtype, &dims))
            }
            ArrFn::AsContiguous => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("ascontiguousarray arg");
                };
                if a.ndim == 0 {
                    return Ok(self.zero_d_as_1d(&args[0], &a, &ty));
                }
                let (c, _) = self.as_c(&args[0], &a)?;
                Ok(self.cast(c, &ty))
            }
            ArrFn::Astype | ArrFn::Array if matches!(args[0].ty, Ty::Array(_)) => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("astype arg");
                };
                let oa = out_a.ok_or("astype type")?;
                let shape: Vec<String> = (0..a.ndim as usize)
                    .map(|d| self.shape(&args[0], d))
                    .collect();
                let out = self.alloc_array(oa.dtype, &shape);
                let ca = ArrayTy::new(oa.dtype, oa.ndim, Layout::C);
                let lp = self.nd_open(&shape);
                let p = self.nd_ptr(&args[0], &a, &lp.idx);
                let x = self.load_elem(a.dtype, &p);
                let x = self.cast(x, &Ty::Scalar(oa.dtype));
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&x, &q);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Array | ArrFn::Astype => {
                // From (nested) tuples/lists of scalars.
                let oa = out_a.ok_or("array type")?;
                let mut shape = Vec::new();
                let mut t = args[0].ty.clone();
                while let Ty::Tuple(items) = t {
                    shape.push(items.len().to_string());
                    t = items.first().cloned().unwrap_or(Ty::F64);
                }
                let out = self.alloc_array(oa.dtype, &shape);
                let mut k = 0usize;
                fn walk(s: &mut FnGen<'_, '_>, v: &V, out: &V, d: Dtype, k: &mut usize) {
                    match v.ty.clone() {
                        Ty::Tuple(items) => {
                            for (i, it) in items.iter().enumerate() {
                                let e = s.extract(v, i, it.clone());
                                walk(s, &e, out, d, k);
                            }
                        }
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
                        | Ty::Unknown => {
                            s.flat_store(out, d, &k.to_string(), v);
                            *k += 1;
                        }
                    }
                }
                walk(self, &args[0], &out, oa.dtype, &mut k);
                Ok(out)
            }
            ArrFn::Flip => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("flip arg");
                };
                if a.ndim == 0 {
                    let p = self.nd_ptr(&args[0], &a, &[]);
                    return Ok(self.load_elem(a.dtype, &p));
                }
                let oa = out_a.ok_or("flip type")?;
                let nd = a.ndim as usize;
                let mut off = "0".to_string();
                let mut shape = Vec::new();
                let mut strides = Vec::new();
                for d in 0..nd {
                    let n = self.shape(&args[0], d);
                    let st = self.stride(&args[0], &a, d);
                    let last = self.val(&format!("sub i64 {n}, 1"));
                    let pos = self.val(&format!("icmp sgt i64 {last}, 0"));
                    let last = self.val(&format!("select i1 {pos}, i64 {last}, i64 0"));
                    let t = self.val(&format!("mul i64 {last}, {st}"));
                    off = self.val(&format!("add i64 {off}, {t}"));
                    shape.push(n);
                    strides.push(self.val(&format!("sub i64 0, {st}")));
                }
                let data = self.data(&args[0]);
                let p = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
                let lt = llty(&args[0].ty);
                let mi = self.val(&format!("extractvalue {lt} {}, 0", args[0].r));
                let parent = self.val(&format!("extractvalue {lt} {}, 1", args[0].r));
                Ok(self.make_array(&oa, &mi, &parent, &p, &shape, &strides))
            }
            // The array itself when its type is already the result's.
            ArrFn::AsArray if matches!(ty, Ty::Array(_)) && args[0].ty == ty => Ok(args[0].clone()),
            ArrFn::AsArray => self.arr_fn(ArrFn::Array, args, call, ty),
            ArrFn::Cumsum
            | ArrFn::Cumprod
            | ArrFn::Diff
            | ArrFn::Bincount
            | ArrFn::Median
            | ArrFn::Percentile
            | ArrFn::Quantile
            | ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack
            | ArrFn::Searchsorted
            | ArrFn::Interp
            | ArrFn::Convolve
            | ArrFn::Nonzero
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Average
            | ArrFn::Flatnonzero
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
