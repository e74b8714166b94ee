//! Array functions that sort or search: sort, argsort, unique, searchsorted, interp, nonzero.

use super::*;

impl<'p> FnGen<'_, 'p> {
    /// Sorting: sort (in place or a copy), argsort, unique.
    pub(super) fn arr_sort(&mut self, f: ArrFn, args: Vec<V>, ty: Ty) -> R<V> {
        match f {
            ArrFn::Argsort => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("argsort arg");
                };
                let copy = self.copy_array(&args[0], &a)?;
                let n = self.nitems(&copy);
                let out = self.alloc_array(Dtype::I64, std::slice::from_ref(&n));
                let (data, od) = (self.data(&copy), self.data(&out));
                let tn = if a.dtype == Dtype::Bool {
                    2
                } else {
                    a.dtype.numpy_type_num()
                };
                self.emit(&format!(
                    "call void @oxjit_rt_argsort(ptr {data}, i64 {n}, i32 {tn}, ptr {od})"
                ));
                Ok(out)
            }
            ArrFn::Unique => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("unique arg");
                };
                let copy = self.copy_array(&args[0], &a)?;
                let n = self.nitems(&copy);
                let data = self.data(&copy);
                let tn = if a.dtype == Dtype::Bool {
                    2
                } else {
                    a.dtype.numpy_type_num()
                };
                self.emit(&format!(
                    "call void @oxjit_rt_sort(ptr {data}, i64 {n}, i32 {tn})"
                ));
                // Count distinct neighbours, then copy them out.
                let cnt = self.alloca("i64");
                self.emit(&format!("store i64 0, ptr {cnt}"));
                for pass in 0..2 {
                    let out = if pass == 1 {
                        let total = self.val(&format!("load i64, ptr {cnt}"));
                        self.emit(&format!("store i64 0, ptr {cnt}"));
                        Some(self.alloc_array(a.dtype, std::slice::from_ref(&total)))
                    } else {
                        None
                    };
                    let lp = self.nd_open(std::slice::from_ref(&n));
                    let k = lp.idx[0].clone();
                    let x = self.flat_elem(&copy, a.dtype, &k);
                    let first = self.val(&format!("icmp eq i64 {k}, 0"));
                    let km = self.val(&format!("select i1 {first}, i64 0, i64 {k}"));
                    let km = self.val(&format!("sub i64 {km}, 1"));
                    let km = self.val(&format!("select i1 {first}, i64 0, i64 {km}"));
                    let prev = self.flat_elem(&copy, a.dtype, &km);
                    let same = self.compare(CmpOp::Eq, x.clone(), prev.clone())?;
                    // NaNs (sorted last) are one value, as NumPy >= 1.21 has it.
                    let same = if a.dtype.is_float() {
                        let t = scalar_ty(a.dtype);
                        let xn = self.val(&format!("fcmp uno {t} {}, 0.0", x.r));
                        let pn = self.val(&format!("fcmp uno {t} {}, 0.0", prev.r));
                        let both = self.val(&format!("and i1 {xn}, {pn}"));
                        self.val(&format!("or i1 {same}, {both}"))
                    } else {
                        same
                    };
                    let nf = self.val(&format!("xor i1 {first}, true"));
                    let dup = self.val(&format!("and i1 {same}, {nf}"));
                    let (l1, l2) = (self.label("uq"), self.label("uqs"));
                    self.cbr(&dup, &l2, &l1);
                    self.start(&l1);
                    let c = self.val(&format!("load i64, ptr {cnt}"));
                    if let Some(o) = &out {
                        self.flat_store(o, a.dtype, &c, &x);
                    }
                    let c1 = self.val(&format!("add i64 {c}, 1"));
                    self.emit(&format!("store i64 {c1}, ptr {cnt}"));
                    self.start(&l2);
                    self.nd_close(lp);
                    if let Some(o) = out {
                        return Ok(o);
                    }
                }
                ice("unique")
            }
            ArrFn::Sort => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("sort arg");
                };
                let copy = self.copy_array(&args[0], &a)?;
                let n = self.nitems(&copy);
                let data = self.data(&copy);
                let tn = if a.dtype == Dtype::Bool {
                    2
                } else {
                    a.dtype.numpy_type_num()
                };
                // Each row along the last axis of the C-contiguous copy.
                let nd = a.ndim as usize;
                let len = self.shape(&copy, nd - 1);
                let z = self.val(&format!("icmp eq i64 {len}, 0"));
                let safe = self.val(&format!("select i1 {z}, i64 1, i64 {len}"));
                let rows = self.val(&format!("sdiv i64 {n}, {safe}"));
                let lp = self.nd_open(std::slice::from_ref(&rows));
                let off = self.val(&format!("mul i64 {}, {len}", lp.idx[0]));
                let off = self.val(&format!("mul i64 {off}, {}", a.dtype.size()));
                let rp = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
                self.emit(&format!(
                    "call void @oxjit_rt_sort(ptr {rp}, i64 {len}, i32 {tn})"
                ));
                self.nd_close(lp);
                if ty == Ty::NoneType {
                    // a.sort(): in place.
                    let ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
                    self.assign_into(&args[0], &a, V::new(copy.r.clone(), Ty::Array(ca)))?;
                    return Ok(V::unit(Ty::NoneType));
                }
                Ok(copy)
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
            | ArrFn::Convolve
            | ArrFn::Nonzero
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

    /// Searching: searchsorted, interp, nonzero, flatnonzero.
    pub(super) fn arr_search(&mut self, f: ArrFn, args: Vec<V>, call: &'p Call<'p>) -> R<V> {
        match f {
            ArrFn::Searchsorted => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("searchsorted arg");
                };
                let right =
                    matches!(self.const_kw(call, "side"), Some(Const::Str(s)) if s == "right");
                let n = self.shape(&args[0], 0);
                let base = args[0].clone();
                let mut search = move |s: &mut Self, x: V| -> R<V> {
                    let pos = s.bisect("0", &n, &mut |s, mid| {
                        let p = s.nd_ptr(&base, &a, &[mid.to_string()]);
                        let am = s.load_elem(a.dtype, &p);
                        // Complex values: NumPy's sort order, NaN parts last.
                        if a.dtype.is_complex() {
                            let x = s.cast(x.clone(), &Ty::Scalar(a.dtype));
                            return Ok(if right {
                                let lt = s.complex_sort_lt(&x, &am);
                                s.val(&format!("xor i1 {lt}, true"))
                            } else {
                                s.complex_sort_lt(&am, &x)
                            });
                        }
                        // left: a[mid] < x goes right; right: a[mid] <= x goes right.
                        let go_right0 = s.compare(
                            if right { CmpOp::Le } else { CmpOp::Lt },
                            am.clone(),
                            x.clone(),
                        )?;
                        // NaN sorts last: everything but a NaN is below a NaN key.
                        if !(a.dtype.is_float() && x.ty.scalar().is_some_and(|d| d.is_float())) {
                            return Ok(go_right0);
                        }
                        let lt = llty(&x.ty);
                        let xn = s.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                        let an = s.val(&format!("fcmp uno {} {}, 0.0", llty(&am.ty), am.r));
                        let aok = s.val(&format!("xor i1 {an}, true"));
                        let below = if right {
                            xn.clone()
                        } else {
                            s.val(&format!("and i1 {xn}, {aok}"))
                        };
                        Ok(s.val(&format!("or i1 {go_right0}, {below}")))
                    })?;
                    Ok(V::new(pos, Ty::I64))
                };
                self.map_scalar_or_array(&args[1], Dtype::I64, &mut search)
            }
            ArrFn::Interp => {
                let (Ty::Array(xa), Ty::Array(fa)) = (args[1].ty.clone(), args[2].ty.clone())
                else {
                    return ice("interp args");
                };
                let (xp, fp) = (args[1].clone(), args[2].clone());
                let n = self.shape(&xp, 0);
                let nf = self.shape(&fp, 0);
                let bad = self.val(&format!("icmp ne i64 {n}, {nf}"));
                let m = self.str_const("fp and xp are not of the same length.");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                let empty = self.val(&format!("icmp eq i64 {n}, 0"));
                let m = self.str_const("array of sample points is empty");
                self.raise_if(&empty, ExcKind::ValueError, &[m]);
                let mut one = move |s: &mut Self, x: V| -> R<V> {
                    let x = s.cast(x, &Ty::F64).r;
                    let elt = |s: &mut Self, v: &V, a: &ArrayTy, i: &str| {
                        let p = s.nd_ptr(v, a, &[i.to_string()]);
                        let e = s.load_elem(a.dtype, &p);
                        s.cast(e, &Ty::F64).r
                    };
                    // Binary search for the last xp[j] <= x.
                    let cnt = s.bisect("0", &n, &mut |s, mid| {
                        let am = elt(s, &xp, &xa, mid);
                        Ok(s.val(&format!("fcmp ole double {am}, {x}")))
                    })?;
                    // j = clamp(cnt - 1, 0, n - 2)
                    let j0 = s.val(&format!("sub i64 {cnt}, 1"));
                    let nm2 = s.val(&format!("sub i64 {n}, 2"));
                    let lo0 = s.val(&format!("icmp slt i64 {j0}, 0"));
                    let j1 = s.val(&format!("select i1 {lo0}, i64 0, i64 {j0}"));
                    let hi0 = s.val(&format!("icmp sgt i64 {j1}, {nm2}"));
                    let j2 = s.val(&format!("select i1 {hi0}, i64 {nm2}, i64 {j1}"));
                    let neg = s.val(&format!("icmp slt i64 {j2}, 0"));
                    let j = s.val(&format!("select i1 {neg}, i64 0, i64 {j2}"));
                    let j1x = s.val(&format!("add i64 {j}, 1"));
                    let nm1 = s.val(&format!("sub i64 {n}, 1"));
                    let over = s.val(&format!("icmp sgt i64 {j1x}, {nm1}"));
                    let jn = s.val(&format!("select i1 {over}, i64 {nm1}, i64 {j1x}"));
                    let x0 = elt(s, &xp, &xa, &j);
                    let x1 = elt(s, &xp, &xa, &jn);
                    let f0 = elt(s, &fp, &fa, &j);
                    let f1 = elt(s, &fp, &fa, &jn);
                    let first = elt(s, &fp, &fa, "0");
                    let last = elt(s, &fp, &fa, &nm1);
                    let xfirst = elt(s, &xp, &xa, "0");
                    let xlast = elt(s, &xp, &xa, &nm1);
                    let dx = s.val(&format!("fsub double {x1}, {x0}"));
                    let df = s.val(&format!("fsub double {f1}, {f0}"));
                    let slope = s.val(&format!("fdiv double {df}, {dx}"));
                    let t = s.val(&format!("fsub double {x}, {x0}"));
                    let inc = s.val(&format!("fmul double {slope}, {t}"));
                    let mid_v = s.val(&format!("fadd double {f0}, {inc}"));
                    // NumPy's rescue of a NaN from infinite samples: interpolate
                    // from the right end, and if that fails too while both
                    // samples are equal, take the sample.
                    let nan1 = s.val(&format!("fcmp uno double {mid_v}, 0.0"));
                    let t2 = s.val(&format!("fsub double {x}, {x1}"));
                    let inc2 = s.val(&format!("fmul double {slope}, {t2}"));
                    let alt = s.val(&format!("fadd double {inc2}, {f1}"));
                    let nan2 = s.val(&format!("fcmp uno double {alt}, 0.0"));
                    let same = s.val(&format!("fcmp oeq double {f0}, {f1}"));
                    let take = s.val(&format!("and i1 {nan2}, {same}"));
                    let alt = s.val(&format!("select i1 {take}, double {f0}, double {alt}"));
                    let mid_v = s.val(&format!("select i1 {nan1}, double {alt}, double {mid_v}"));
                    // Exact hits on a sample point return that sample.
                    let hit = s.val(&format!("fcmp oeq double {x}, {x0}"));
                    let mid_v = s.val(&format!("select i1 {hit}, double {f0}, double {mid_v}"));
                    let below = s.val(&format!("fcmp olt double {x}, {xfirst}"));
                    let above = s.val(&format!("fcmp ogt double {x}, {xlast}"));
                    let ateq = s.val(&format!("fcmp oeq double {x}, {xlast}"));
                    let r1 = s.val(&format!("select i1 {ateq}, double {last}, double {mid_v}"));
                    let r2 = s.val(&format!("select i1 {above}, double {last}, double {r1}"));
                    let r3 = s.val(&format!("select i1 {below}, double {first}, double {r2}"));
                    let isnan = s.val(&format!("fcmp uno double {x}, 0.0"));
                    let r4 = s.val(&format!("select i1 {isnan}, double {x}, double {r3}"));
                    Ok(V::new(r4, Ty::F64))
                };
                self.map_scalar_or_array(&args[0], Dtype::F64, &mut one)
            }
            ArrFn::Nonzero => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("nonzero arg");
                };
                let nd = a.ndim as usize;
                let outs = self.select_true(
                    &args[0],
                    &a,
                    |s, total| {
                        (0..nd)
                            .map(|_| s.alloc_array(Dtype::I64, &[total.to_string()]))
                            .collect::<Vec<V>>()
                    },
                    |s, outs, i, c, _| {
                        for (d, o) in outs.iter().enumerate() {
                            s.flat_store(o, Dtype::I64, c, &V::new(i[d].clone(), Ty::I64));
                        }
                        Ok(())
                    },
                )?;
                Ok(self.build_tuple(outs))
            }
            ArrFn::Flatnonzero => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("flatnonzero arg");
                };
                self.select_true(
                    &args[0],
                    &a,
                    |s, total| s.alloc_array(Dtype::I64, &[total.to_string()]),
                    |s, out, _, c, k| {
                        s.flat_store(out, Dtype::I64, c, &V::new(k.to_string(), Ty::I64));
                        Ok(())
                    },
                )
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
            | ArrFn::Convolve
            | ArrFn::Sort
            | ArrFn::Argsort
            | ArrFn::Unique
            | ArrFn::Flip
            | ArrFn::Meshgrid
            | ArrFn::Logspace
            | ArrFn::Average
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
