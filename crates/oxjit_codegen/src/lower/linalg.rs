//! `np.linalg.*` and the non-float matrix products: operands are converted
//! to the working dtype when needed, results are allocated here (C order),
//! and the numerical work happens in `oxjit_linalg` (faer), whose status
//! codes become NumPy's exceptions.

use super::*;
use oxjit_typeck::linalg::work_dtype;
use oxjit_typeck::registry::LinAlg;

/// The runtime's name suffix for a working dtype.
// A query over dtypes: every non-working dtype takes the default.
#[allow(clippy::wildcard_enum_match_arm)]
fn suffix(d: Dtype) -> &'static str {
    match d {
        Dtype::F32 => "f32",
        Dtype::C64 => "c64",
        Dtype::C128 => "c128",
        Dtype::F64 => "f64",
        _ => "i64",
    }
}

/// NumPy's exception for each status code of `oxjit_linalg`.
const STATUS: &[(i32, ExcKind, &str)] = &[
    (1, ExcKind::LinAlgError, "Singular matrix"),
    (2, ExcKind::LinAlgError, "Matrix is not positive definite"),
    (3, ExcKind::LinAlgError, "SVD did not converge"),
    (4, ExcKind::LinAlgError, "Eigenvalues did not converge"),
    (
        5,
        ExcKind::LinAlgError,
        "SVD did not converge in Linear Least Squares",
    ),
    (
        6,
        ExcKind::ValueError,
        "eig() argument must not cause a domain change: the real matrix has complex \
         eigenvalues; pass a complex matrix (a.astype(np.complex128)) to get them",
    ),
];

impl<'p> FnGen<'_, 'p> {
    /// `v` as an array of dtype `d` (a converted C copy only when the dtype differs).
    pub(super) fn with_dtype(&mut self, v: &V, va: &ArrayTy, d: Dtype) -> R<(V, ArrayTy)> {
        if va.dtype == d {
            return Ok((v.clone(), *va));
        }
        let shape: Vec<String> = (0..va.ndim as usize).map(|k| self.shape(v, k)).collect();
        let out = self.alloc_array(d, &shape);
        let ca = ArrayTy::new(d, va.ndim, Layout::C);
        let lp = self.nd_open(&shape);
        let p = self.nd_ptr(v, va, &lp.idx);
        let x = self.load_elem(va.dtype, &p);
        let x = self.cast(x, &Ty::Scalar(d));
        let q = self.nd_ptr(&out, &ca, &lp.idx);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok((out, ca))
    }

    /// Stride of dimension `k` in elements.
    pub(super) fn elem_stride(&mut self, v: &V, va: &ArrayTy, k: usize) -> String {
        let st = self.stride(v, va, k);
        self.val(&format!("sdiv exact i64 {st}, {}", va.dtype.size()))
    }

    /// A 2-d operand as (rows, cols, data, row stride, col stride); a 1-d
    /// operand as a single column.
    fn la_operand(&mut self, v: &V, va: &ArrayTy) -> [String; 5] {
        let d = self.data(v);
        if va.ndim == 1 {
            let n = self.shape(v, 0);
            let rs = self.elem_stride(v, va, 0);
            [n, "1".into(), d, rs, "0".into()]
        } else {
            let m = self.shape(v, 0);
            let n = self.shape(v, 1);
            let rs = self.elem_stride(v, va, 0);
            let cs = self.elem_stride(v, va, 1);
            [m, n, d, rs, cs]
        }
    }

    /// Call `oxjit_la_{name}_{suffix}` and raise for the statuses it can return.
    fn la_call(&mut self, name: &str, d: Dtype, args: &[(&str, String)], statuses: &[i32]) {
        let f = format!("oxjit_la_{name}_{}", suffix(d));
        let list: Vec<String> = args.iter().map(|(t, v)| format!("{t} {v}")).collect();
        let st = self.val(&format!("call i32 @{f}({})", list.join(", ")));
        for code in statuses {
            let (_, kind, msg) = STATUS.iter().find(|(c, ..)| c == code).copied().unwrap_or((
                0,
                ExcKind::RuntimeError,
                "linear algebra failure",
            ));
            let hit = self.val(&format!("icmp eq i32 {st}, {code}"));
            let m = self.str_const(msg);
            self.raise_if(&hit, kind, &[m]);
        }
    }

    fn la_square(&mut self, m: &str, n: &str) {
        let bad = self.val(&format!("icmp ne i64 {m}, {n}"));
        let msg = self.str_const("Last 2 dimensions of the array must be square");
        self.raise_if(&bad, ExcKind::LinAlgError, &[msg]);
    }

    /// An optional real parameter (positional index `pos` or keyword `name`)
    /// as a double; None or absent gives `default`.
    fn la_real_param(
        &mut self,
        args: &[V],
        pos: usize,
        call: &'p Call<'p>,
        name: &str,
        default: f64,
    ) -> R<String> {
        let v = match args.get(pos) {
            Some(v) => Some(v.clone()),
            None => self.kwarg(call, name)?,
        };
        Ok(match v {
            Some(v) if v.ty != Ty::NoneType => self.cast(v, &Ty::F64).r,
            _ => fconst(default, Dtype::F64),
        })
    }

    /// Singular values of a 2-d array (descending), through the SVD kernel.
    fn singular_values(&mut self, a: &V, aa: &ArrayTy) -> R<(V, String, String)> {
        let w = work_dtype(aa.dtype);
        let (a, aa) = self.with_dtype(a, aa, w)?;
        let [m, n, p, rs, cs] = self.la_operand(&a, &aa);
        let k = self.i64_min(&m, &n);
        let s = self.alloc_array(w.real_part(), std::slice::from_ref(&k));
        let ps = self.data(&s);
        self.la_call(
            "svd",
            w,
            &[
                ("i64", m.clone()),
                ("i64", n.clone()),
                ("ptr", p),
                ("i64", rs),
                ("i64", cs),
                ("i32", "0".into()),
                ("ptr", "null".into()),
                ("ptr", ps),
                ("ptr", "null".into()),
            ],
            &[3],
        );
        Ok((s, m, n))
    }

    /// Working dtype: the result's (or, for solve/lstsq, the common one).
    fn linalg_work_dtype(f: LinAlg, args: &[V], aa0: &ArrayTy) -> R<Dtype> {
        Ok(match f {
            LinAlg::Solve | LinAlg::Lstsq => {
                let Ty::Array(ba) = args[1].ty.clone() else {
                    return ice("linalg rhs");
                };
                oxjit_types::promote_numpy(work_dtype(aa0.dtype), work_dtype(ba.dtype))
            }
            LinAlg::Inv
            | LinAlg::Det
            | LinAlg::Slogdet
            | LinAlg::Cholesky
            | LinAlg::Qr
            | LinAlg::Svd
            | LinAlg::Eig
            | LinAlg::Eigvals
            | LinAlg::Eigh
            | LinAlg::Eigvalsh
            | LinAlg::Pinv
            | LinAlg::MatrixPower
            | LinAlg::Cond
            | LinAlg::MatrixRank => work_dtype(aa0.dtype),
        })
    }

    pub(super) fn linalg(&mut self, f: LinAlg, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let Ty::Array(aa0) = args[0].ty.clone() else {
            return ice("linalg operand");
        };
        if matches!(f, LinAlg::Cond | LinAlg::MatrixRank) {
            return self.cond_or_rank(f, &args, call, &aa0, ty);
        }
        if f == LinAlg::MatrixPower {
            return self.matrix_power(&args[0], &aa0, &args[1], ty);
        }
        let w = Self::linalg_work_dtype(f, &args, &aa0)?;
        let rd = w.real_part();
        let (a, aa) = self.with_dtype(&args[0], &aa0, w)?;
        let [m, n, pa, rsa, csa] = self.la_operand(&a, &aa);
        let amat = |pa: &str, rsa: &str, csa: &str| {
            vec![
                ("ptr", pa.to_string()),
                ("i64", rsa.to_string()),
                ("i64", csa.to_string()),
            ]
        };
        let square = !matches!(f, LinAlg::Qr | LinAlg::Svd | LinAlg::Lstsq | LinAlg::Pinv);
        if square {
            self.la_square(&m, &n);
        }
        match f {
            LinAlg::Solve | LinAlg::Lstsq => {
                let Ty::Array(ba0) = args[1].ty.clone() else {
                    return ice("linalg rhs");
                };
                let (b, ba) = self.with_dtype(&args[1], &ba0, w)?;
                let [bm, k, pb, rsb, csb] = self.la_operand(&b, &ba);
                let bad = self.val(&format!("icmp ne i64 {bm}, {m}"));
                if f == LinAlg::Solve {
                    let sig = if ba.ndim == 1 {
                        "solve1: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (m,m),(m)->(m) (size "
                    } else {
                        "solve: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (m,m),(m,n)->(m,n) (size "
                    };
                    let p1 = self.str_const(sig);
                    let p2 = self.str_const(" is different from ");
                    let p3 = self.str_const(")");
                    self.raise_if(
                        &bad,
                        ExcKind::ValueError,
                        &[
                            p1,
                            V::new(bm.clone(), Ty::I64),
                            p2,
                            V::new(m.clone(), Ty::I64),
                            p3,
                        ],
                    );
                } else {
                    let msg = self.str_const("Incompatible dimensions");
                    self.raise_if(&bad, ExcKind::LinAlgError, &[msg]);
                }
                let xshape = if ba.ndim == 1 {
                    vec![n.clone()]
                } else {
                    vec![n.clone(), k.clone()]
                };
                let x = self.alloc_array(w, &xshape);
                let px = self.data(&x);
                if f == LinAlg::Solve {
                    let mut a_ = vec![("i64", n.clone()), ("i64", k.clone())];
                    a_.extend(amat(&pa, &rsa, &csa));
                    a_.extend([("ptr", pb), ("i64", rsb), ("i64", csb), ("ptr", px)]);
                    self.la_call("solve", w, &a_, &[1]);
                    return Ok(x);
                }
                let rcond = self.la_real_param(&args, 2, call, "rcond", -1.0)?;
                let resid = self.alloc_array(rd, std::slice::from_ref(&k));
                let kmin = self.i64_min(&m, &n);
                let s = self.alloc_array(rd, std::slice::from_ref(&kmin));
                let rank = self.alloca("i64");
                let (pr, ps) = (self.data(&resid), self.data(&s));
                let mut a_ = vec![("i64", m.clone()), ("i64", n.clone()), ("i64", k.clone())];
                a_.extend(amat(&pa, &rsa, &csa));
                a_.extend([
                    ("ptr", pb),
                    ("i64", rsb),
                    ("i64", csb),
                    ("double", rcond),
                    ("ptr", px),
                    ("ptr", pr.clone()),
                    ("ptr", rank.clone()),
                    ("ptr", ps),
                ]);
                self.la_call("lstsq", w, &a_, &[5]);
                let rk = self.val(&format!("load i64, ptr {rank}"));
                // Residuals exist only for full column rank and m > n.
                let full = self.val(&format!("icmp eq i64 {rk}, {n}"));
                let tall = self.val(&format!("icmp sgt i64 {m}, {n}"));
                let has = self.val(&format!("and i1 {full}, {tall}"));
                let len = self.val(&format!("select i1 {has}, i64 {k}, i64 0"));
                let ra = ArrayTy::new(rd, 1, Layout::C);
                let mi = self.val(&format!("extractvalue {} {}, 0", llty(&resid.ty), resid.r));
                let resid =
                    self.make_array(&ra, &mi, "null", &pr, &[len], &[rd.size().to_string()]);
                Ok(self.build_tuple(vec![x, resid, V::new(rk, Ty::I64), s]))
            }
            LinAlg::Inv | LinAlg::Cholesky => {
                let out = self.alloc_array(w, &[n.clone(), n.clone()]);
                let po = self.data(&out);
                let mut a_ = vec![("i64", n.clone())];
                a_.extend(amat(&pa, &rsa, &csa));
                a_.push(("ptr", po));
                if f == LinAlg::Inv {
                    self.la_call("inv", w, &a_, &[1]);
                } else {
                    self.la_call("cholesky", w, &a_, &[2]);
                }
                Ok(out)
            }
            LinAlg::Pinv => {
                let rcond = self.la_real_param(&args, 1, call, "rcond", 1e-15)?;
                let out = self.alloc_array(w, &[n.clone(), m.clone()]);
                let po = self.data(&out);
                let mut a_ = vec![("i64", m.clone()), ("i64", n.clone())];
                a_.extend(amat(&pa, &rsa, &csa));
                a_.extend([("double", rcond), ("ptr", po)]);
                self.la_call("pinv", w, &a_, &[3]);
                Ok(out)
            }
            LinAlg::Det | LinAlg::Slogdet => {
                let wt = scalar_ty(w);
                let out = self.alloca(wt);
                let mut a_ = vec![("i64", n.clone())];
                a_.extend(amat(&pa, &rsa, &csa));
                a_.push(("ptr", out.clone()));
                if f == LinAlg::Det {
                    self.la_call("det", w, &a_, &[]);
                    return Ok(V::new(self.val(&format!("load {wt}, ptr {out}")), ty));
                }
                let rt = scalar_ty(rd);
                let lg = self.alloca(rt);
                a_.push(("ptr", lg.clone()));
                self.la_call("slogdet", w, &a_, &[]);
                let sign = V::new(self.val(&format!("load {wt}, ptr {out}")), Ty::Scalar(w));
                let l = V::new(self.val(&format!("load {rt}, ptr {lg}")), Ty::Scalar(rd));
                Ok(self.build_tuple(vec![sign, l]))
            }
            LinAlg::Qr => {
                let k = self.i64_min(&m, &n);
                let q = self.alloc_array(w, &[m.clone(), k.clone()]);
                let r = self.alloc_array(w, &[k.clone(), n.clone()]);
                let (pq, pr) = (self.data(&q), self.data(&r));
                let mut a_ = vec![("i64", m.clone()), ("i64", n.clone())];
                a_.extend(amat(&pa, &rsa, &csa));
                a_.extend([("ptr", pq), ("ptr", pr)]);
                self.la_call("qr", w, &a_, &[]);
                if matches!(ty, Ty::Array(_)) {
                    return Ok(r);
                }
                Ok(self.build_tuple(vec![q, r]))
            }
            LinAlg::Svd => {
                let full = !matches!(
                    self.const_kw(call, "full_matrices"),
                    Some(Const::Bool(false)) | Some(Const::Int(0))
                );
                let uv = !matches!(
                    self.const_kw(call, "compute_uv"),
                    Some(Const::Bool(false)) | Some(Const::Int(0))
                );
                let k = self.i64_min(&m, &n);
                let s = self.alloc_array(rd, std::slice::from_ref(&k));
                let ps = self.data(&s);
                let (u, vh) = if uv {
                    let (ur, vr) = if full {
                        (m.clone(), n.clone())
                    } else {
                        (k.clone(), k.clone())
                    };
                    (
                        Some(self.alloc_array(w, &[m.clone(), ur])),
                        Some(self.alloc_array(w, &[vr, n.clone()])),
                    )
                } else {
                    (None, None)
                };
                let pu = u.as_ref().map_or("null".to_string(), |u| self.data(u));
                let pv = vh.as_ref().map_or("null".to_string(), |v| self.data(v));
                let mut a_ = vec![("i64", m.clone()), ("i64", n.clone())];
                a_.extend(amat(&pa, &rsa, &csa));
                a_.extend([
                    ("i32", (full as i32).to_string()),
                    ("ptr", pu),
                    ("ptr", ps),
                    ("ptr", pv),
                ]);
                self.la_call("svd", w, &a_, &[3]);
                match (u, vh) {
                    (Some(u), Some(vh)) => Ok(self.build_tuple(vec![u, s, vh])),
                    _ => Ok(s),
                }
            }
            LinAlg::Eig | LinAlg::Eigvals | LinAlg::Eigh | LinAlg::Eigvalsh => {
                let herm = matches!(f, LinAlg::Eigh | LinAlg::Eigvalsh);
                // A complex result of a real matrix (NumPy 2.5's `eig`).
                let vals_ty = if let Ty::Tuple(items) = &ty {
                    items.first().cloned().unwrap_or(Ty::Unknown)
                } else {
                    ty.clone()
                };
                let to_complex = !herm
                    && !w.is_complex()
                    && vals_ty.array().is_some_and(|a| a.dtype.is_complex());
                let wd = match (herm, to_complex) {
                    (true, _) => rd,
                    (false, true) => vals_ty.array().map_or(w, |a| a.dtype),
                    (false, false) => w,
                };
                let vd = if to_complex { wd } else { w };
                let vals = self.alloc_array(wd, std::slice::from_ref(&n));
                let vecs = if matches!(f, LinAlg::Eig | LinAlg::Eigh) {
                    Some(self.alloc_array(vd, &[n.clone(), n.clone()]))
                } else {
                    None
                };
                let pw = self.data(&vals);
                let pv = vecs.as_ref().map_or("null".to_string(), |v| self.data(v));
                let mut a_ = vec![("i64", n.clone())];
                a_.extend(amat(&pa, &rsa, &csa));
                if herm {
                    let lower =
                        !matches!(self.const_kw(call, "UPLO"), Some(Const::Str(s)) if s == "U");
                    a_.push(("i32", (lower as i32).to_string()));
                    a_.extend([("ptr", pw), ("ptr", pv)]);
                    self.la_call("eigh", w, &a_, &[4]);
                } else if to_complex {
                    a_.extend([("ptr", pw), ("ptr", pv)]);
                    self.la_call("eigc", w, &a_, &[4]);
                } else {
                    a_.extend([("ptr", pw), ("ptr", pv)]);
                    self.la_call("eig", w, &a_, &[4, 6]);
                }
                match vecs {
                    Some(v) => Ok(self.build_tuple(vec![vals, v])),
                    None => Ok(vals),
                }
            }
            LinAlg::MatrixPower | LinAlg::Cond | LinAlg::MatrixRank => ice("handled above"),
        }
    }

    /// `np.linalg.cond` and `matrix_rank`, from the singular values.
    fn cond_or_rank(
        &mut self,
        f: LinAlg,
        args: &[V],
        call: &'p Call<'p>,
        aa0: &ArrayTy,
        ty: Ty,
    ) -> R<V> {
        let (s, m, n) = self.singular_values(&args[0], aa0)?;
        let rd = work_dtype(aa0.dtype).real_part();
        let rt = scalar_ty(rd);
        let k = self.nitems(&s);
        if f == LinAlg::Cond {
            let empty = self.val(&format!("icmp eq i64 {k}, 0"));
            let m = self.str_const("cond is not defined on empty arrays");
            self.raise_if(&empty, ExcKind::LinAlgError, &[m]);
            let first = self.flat_elem(&s, rd, "0");
            let km1 = self.val(&format!("sub i64 {k}, 1"));
            let last = self.flat_elem(&s, rd, &km1);
            let r = self.val(&format!("fdiv {rt} {}, {}", first.r, last.r));
            return Ok(V::new(r, ty));
        }
        // tol=None: S.max() * max(M, N) * eps.
        let mx = self.val(&format!("icmp sgt i64 {m}, {n}"));
        let big = self.val(&format!("select i1 {mx}, i64 {m}, i64 {n}"));
        let bigf = self.val(&format!("sitofp i64 {big} to double"));
        let eps = if rd == Dtype::F32 {
            f32::EPSILON as f64
        } else {
            f64::EPSILON
        };
        let nonempty = self.val(&format!("icmp sgt i64 {k}, 0"));
        let s0 = self.alloca("double");
        self.emit(&format!("store double 0.0, ptr {s0}"));
        let (l1, l2) = (self.label("s0"), self.label("s0_end"));
        self.cbr(&nonempty, &l1, &l2);
        self.start(&l1);
        let first = self.flat_elem(&s, rd, "0");
        let first = self.cast(first, &Ty::F64);
        self.emit(&format!("store double {}, ptr {s0}", first.r));
        self.br(&l2);
        self.start(&l2);
        let smax = self.val(&format!("load double, ptr {s0}"));
        let t = self.val(&format!("fmul double {smax}, {bigf}"));
        let deftol = self.val(&format!("fmul double {t}, {}", fconst(eps, Dtype::F64)));
        let tol = match args.get(1).cloned().or(self.kwarg(call, "tol")?) {
            Some(v) if v.ty != Ty::NoneType => self.cast(v, &Ty::F64).r,
            _ => deftol,
        };
        let cnt = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {cnt}"));
        let lp = self.nd_open(std::slice::from_ref(&k));
        let x = self.flat_elem(&s, rd, &lp.idx[0].clone());
        let x = self.cast(x, &Ty::F64);
        let gt = self.val(&format!("fcmp ogt double {}, {tol}", x.r));
        let inc = self.val(&format!("zext i1 {gt} to i64"));
        let c = self.val(&format!("load i64, ptr {cnt}"));
        let c1 = self.val(&format!("add i64 {c}, {inc}"));
        self.emit(&format!("store i64 {c1}, ptr {cnt}"));
        self.nd_close(lp);
        Ok(V::new(self.val(&format!("load i64, ptr {cnt}")), Ty::I64))
    }

    /// `np.linalg.matrix_power(a, p)`: float/complex through the runtime's
    /// repeated squaring (p < 0 inverts); integer matrices in int64 with
    /// wrapping arithmetic, converted back to their dtype.
    fn matrix_power(&mut self, a: &V, aa: &ArrayTy, p: &V, ty: Ty) -> R<V> {
        let Ty::Array(oa) = ty else {
            return ice("matrix_power type");
        };
        let w = if aa.dtype.is_int() {
            Dtype::I64
        } else {
            aa.dtype
        };
        let (a, aa) = self.with_dtype(a, aa, w)?;
        let [m, n, pa, rsa, csa] = self.la_operand(&a, &aa);
        self.la_square(&m, &n);
        let p = self.cast(p.clone(), &Ty::I64);
        if w == Dtype::I64 {
            let neg = self.val(&format!("icmp slt i64 {}, 0", p.r));
            let msg = self.str_const(
                "matrix_power of an integer matrix to a negative power is not supported in \
                 compiled code (the result would be float); convert it with .astype(np.float64)",
            );
            self.raise_if(&neg, ExcKind::TypeError, &[msg]);
        }
        let out = self.alloc_array(w, &[n.clone(), n.clone()]);
        let po = self.data(&out);
        self.la_call(
            "matpow",
            w,
            &[
                ("i64", n),
                ("ptr", pa),
                ("i64", rsa),
                ("i64", csa),
                ("i64", p.r),
                ("ptr", po),
            ],
            &[1],
        );
        if oa.dtype == w {
            return Ok(out);
        }
        let ca = ArrayTy::new(w, 2, Layout::C);
        Ok(self.with_dtype(&out, &ca, oa.dtype)?.0)
    }

    /// Matrix products the float GEMM does not cover: complex (faer) and
    /// integer/boolean (int64 with wrapping, then converted to the result dtype).
    fn matmul_other(
        &mut self,
        a: &V,
        b: &V,
        d: Dtype,
        out_shape: &[String],
        dims: [String; 3],
        transposed_vec: bool,
    ) -> R<V> {
        let (Ty::Array(aa), Ty::Array(ba)) = (a.ty.clone(), b.ty.clone()) else {
            return ice("matmul operands");
        };
        let (aa, ba) = (&aa, &ba);
        let w = if d.is_complex() { d } else { Dtype::I64 };
        let (a, aa) = self.with_dtype(a, aa, w)?;
        let (b, ba) = self.with_dtype(b, ba, w)?;
        let [m, k, n] = dims;
        let el = |s: &mut Self, v: &V, va: &ArrayTy, ax: usize| s.elem_stride(v, va, ax);
        let (rsa, csa) = if aa.ndim == 2 {
            (el(self, &a, &aa, 0), el(self, &a, &aa, 1))
        } else {
            ("0".to_string(), el(self, &a, &aa, 0))
        };
        let (rsb, csb) = if ba.ndim == 2 {
            (el(self, &b, &ba, 0), el(self, &b, &ba, 1))
        } else {
            (el(self, &b, &ba, 0), "0".to_string())
        };
        let out = self.alloc_array(w, out_shape);
        let (rsc, csc) = if transposed_vec {
            ("1".to_string(), "1".to_string())
        } else {
            (n.clone(), "1".to_string())
        };
        let f = format!("oxjit_la_gemm_{}", suffix(w));
        let (pa, pb, pc) = (self.data(&a), self.data(&b), self.data(&out));
        self.emit(&format!(
            "call void @{f}(i64 {m}, i64 {k}, i64 {n}, ptr {pa}, i64 {rsa}, i64 {csa}, ptr {pb}, i64 {rsb}, i64 {csb}, ptr {pc}, i64 {rsc}, i64 {csc})"
        ));
        if w == d {
            return Ok(out);
        }
        let ca = ArrayTy::new(w, out_shape.len() as u8, Layout::C);
        Ok(self.with_dtype(&out, &ca, d)?.0)
    }
}

/// A norm order, from `ord=`.
#[derive(Clone, Copy, PartialEq)]
enum Ord {
    Default,
    Fro,
    Nuc,
    P(f64),
}

impl<'p> FnGen<'_, 'p> {
    /// The constant of positional argument `pos` or keyword `name`.
    pub(super) fn arg_const(
        &self,
        call: &'p Call<'p>,
        pos: usize,
        name: &str,
    ) -> Option<&'p Const> {
        match call.args.get(pos) {
            Some(Arg::Expr(e)) => match self.res(e) {
                Some(Res::Const(c)) => Some(c),
                _ => None,
            },
            Some(Arg::Const(c)) => Some(c),
            _ => self.const_kw(call, name),
        }
    }

    /// |x| of element `idx` of `v`, as a double.
    fn abs_elem(&mut self, v: &V, va: &ArrayTy, idx: &[String]) -> R<String> {
        let p = self.nd_ptr(v, va, idx);
        let x = self.load_elem(va.dtype, &p);
        if va.dtype.is_complex() {
            let x = self.cast(x, &Ty::C128);
            let (re, im) = self.complex_parts(&x);
            let h = self.libm("hypot", Dtype::F64, 2);
            Ok(self.val(&format!("call double {h}(double {re}, double {im})")))
        } else {
            let x = self.cast(x, &Ty::F64);
            let f = self.intrinsic("fabs", Dtype::F64, 1);
            Ok(self.val(&format!("call double {f}(double {})", x.r)))
        }
    }

    /// The vector norm of order `ord` of the `n` elements `at(k)` (a double).
    fn vector_norm(
        &mut self,
        ord: Ord,
        n: &str,
        at: &mut dyn FnMut(&mut Self, &str) -> Vec<String>,
        v: &V,
        va: &ArrayTy,
    ) -> R<String> {
        let (v, va) = (v.clone(), *va);
        let p = match ord {
            Ord::P(p) => p,
            Ord::Default | Ord::Fro | Ord::Nuc => 2.0,
        };
        let (r, pw) = if p == f64::INFINITY {
            (Reduce::Max, 1.0)
        } else if p == f64::NEG_INFINITY {
            (Reduce::Min, 1.0)
        } else if p == 0.0 {
            (Reduce::CountNonzero, 1.0)
        } else {
            (Reduce::Sum, p)
        };
        let mut get = |s: &mut Self, idx: &[String]| -> R<V> {
            let i = at(s, &idx[0]);
            let x = s.abs_elem(&v, &va, &i)?;
            let y = if r == Reduce::CountNonzero {
                s.val(&format!("fcmp une double {x}, 0.0"))
            } else if pw == 1.0 {
                x
            } else if pw == 2.0 {
                s.val(&format!("fmul double {x}, {x}"))
            } else {
                s.pow_call(Dtype::F64, &x, &fconst(pw, Dtype::F64))
            };
            Ok(if r == Reduce::CountNonzero {
                V::new(y, Ty::BOOL)
            } else {
                V::new(y, Ty::F64)
            })
        };
        let d = if r == Reduce::CountNonzero {
            Dtype::Bool
        } else {
            Dtype::F64
        };
        let acc = if r == Reduce::Max {
            // NumPy's norm takes the max with initial 0: empty gives 0.0.
            self.max_or_zero(n, &mut |s| {
                let v = s.reduce_seq(Reduce::Max, &[n.to_string()], &mut get, d, Dtype::F64)?;
                Ok(s.cast(v, &Ty::F64).r)
            })?
        } else {
            let acc = self.reduce_seq(r, &[n.to_string()], &mut get, d, Dtype::F64)?;
            self.cast(acc, &Ty::F64).r
        };
        Ok(if r != Reduce::Sum || pw == 1.0 {
            acc
        } else if pw == 2.0 {
            let f = self.intrinsic("sqrt", Dtype::F64, 1);
            self.val(&format!("call double {f}(double {acc})"))
        } else {
            self.pow_call(Dtype::F64, &acc, &fconst(1.0 / pw, Dtype::F64))
        })
    }

    /// `compute()` when `n > 0`, else 0.0 (a max with initial value 0).
    fn max_or_zero(
        &mut self,
        n: &str,
        compute: &mut dyn FnMut(&mut Self) -> R<String>,
    ) -> R<String> {
        let res = self.alloca("double");
        self.emit(&format!("store double 0.0, ptr {res}"));
        let some = self.val(&format!("icmp sgt i64 {n}, 0"));
        let (l1, l2) = (self.label("mz"), self.label("mz_end"));
        self.cbr(&some, &l1, &l2);
        self.start(&l1);
        let v = compute(self)?;
        self.emit(&format!("store double {v}, ptr {res}"));
        self.br(&l2);
        self.start(&l2);
        Ok(self.val(&format!("load double, ptr {res}")))
    }

    /// `np.linalg.norm(x, ord=None, axis=None)`.
    pub(super) fn norm(&mut self, args: &[V], call: &'p Call<'p>, ty: Ty) -> R<V> {
        let Ty::Array(a) = args[0].ty.clone() else {
            return ice("norm arg");
        };
        let x = args[0].clone();
        let ord = match self.arg_const(call, 1, "ord") {
            None | Some(Const::None) => Ord::Default,
            Some(Const::Str(s)) if s == "fro" => Ord::Fro,
            Some(Const::Str(_)) => Ord::Nuc,
            Some(Const::Int(k)) => Ord::P(*k as f64),
            Some(Const::Float(f)) => Ord::P(*f),
            Some(_) => return ice("norm ord"),
        };
        let axis = match self.arg_const(call, 2, "axis") {
            Some(Const::Int(k)) => Some(k.rem_euclid(a.ndim as i64) as usize),
            _ => None,
        };
        let od = match &ty {
            Ty::Array(o) => o.dtype,
            t @ (Ty::Scalar(_)
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
            | Ty::Unknown) => t.scalar().ok_or("norm type")?,
        };
        if a.ndim == 1 {
            let n = self.shape(&x, 0);
            let r = self.vector_norm(ord, &n, &mut |_, k| vec![k.to_string()], &x, &a)?;
            return Ok(self.cast(V::new(r, Ty::F64), &Ty::Scalar(od)));
        }
        let (n0, n1) = (self.shape(&x, 0), self.shape(&x, 1));
        if let Some(ax) = axis {
            // One vector norm per lane along `ax`.
            let (len, lanes) = if ax == 0 { (n0, n1) } else { (n1, n0) };
            let out = self.alloc_array(od, std::slice::from_ref(&lanes));
            let lp = self.nd_open(std::slice::from_ref(&lanes));
            let j = lp.idx[0].clone();
            let r = self.vector_norm(
                ord,
                &len,
                &mut |_, k| {
                    if ax == 0 {
                        vec![k.to_string(), j.clone()]
                    } else {
                        vec![j.clone(), k.to_string()]
                    }
                },
                &x,
                &a,
            )?;
            let r = self.cast(V::new(r, Ty::F64), &Ty::Scalar(od));
            self.flat_store(&out, od, &lp.idx[0].clone(), &r);
            self.nd_close(lp);
            return Ok(out);
        }
        let r = match ord {
            Ord::Default | Ord::Fro => {
                let total = self.val(&format!("mul i64 {n0}, {n1}"));
                let c = n1.clone();
                self.vector_norm(
                    Ord::P(2.0),
                    &total,
                    &mut |s, k| {
                        let i = s.val(&format!("sdiv i64 {k}, {c}"));
                        let j = s.val(&format!("srem i64 {k}, {c}"));
                        vec![i, j]
                    },
                    &x,
                    &a,
                )?
            }
            Ord::Nuc | Ord::P(2.0) | Ord::P(-2.0) => {
                let (s, ..) = self.singular_values(&x, &a)?;
                let rd = work_dtype(a.dtype).real_part();
                let k = self.nitems(&s);
                let sa = ArrayTy::new(rd, 1, Layout::C);
                let sub_ord = match ord {
                    Ord::Nuc => Ord::P(1.0),
                    Ord::P(2.0) => Ord::P(f64::INFINITY),
                    Ord::Default | Ord::Fro | Ord::P(_) => Ord::P(f64::NEG_INFINITY),
                };
                self.vector_norm(sub_ord, &k, &mut |_, kk| vec![kk.to_string()], &s, &sa)?
            }
            Ord::P(p) => {
                // 1/-1: column sums; inf/-inf: row sums; max for +, min for -.
                let by_col = p.abs() == 1.0;
                let (lanes, len) = if by_col { (n1, n0) } else { (n0, n1) };
                let (xx, aa) = (x.clone(), a);
                let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
                    let j = idx[0].clone();
                    let r = s.vector_norm(
                        Ord::P(1.0),
                        &len,
                        &mut |_, k| {
                            if by_col {
                                vec![k.to_string(), j.clone()]
                            } else {
                                vec![j.clone(), k.to_string()]
                            }
                        },
                        &xx,
                        &aa,
                    )?;
                    Ok(V::new(r, Ty::F64))
                };
                if p > 0.0 {
                    let l = lanes.clone();
                    self.max_or_zero(&lanes, &mut |s| {
                        Ok(s.reduce_seq(
                            Reduce::Max,
                            std::slice::from_ref(&l),
                            &mut get,
                            Dtype::F64,
                            Dtype::F64,
                        )?
                        .r)
                    })?
                } else {
                    self.reduce_seq(Reduce::Min, &[lanes], &mut get, Dtype::F64, Dtype::F64)?
                        .r
                }
            }
        };
        Ok(self.cast(V::new(r, Ty::F64), &Ty::Scalar(od)))
    }
}

impl<'p> FnGen<'_, 'p> {
    /// `a @ b` through the runtime's GEMM (matrixmultiply), any strides.
    pub(super) fn matmul(&mut self, a: &V, b: &V, ty: Ty) -> R<V> {
        let (Ty::Array(aa), Ty::Array(ba)) = (a.ty.clone(), b.ty.clone()) else {
            return ice("matmul args");
        };
        let d = match &ty {
            Ty::Array(o) => o.dtype,
            Ty::Scalar(d) => *d,
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
            | Ty::Unknown => return ice("matmul type"),
        };
        let other = !matches!(d, Dtype::F32 | Dtype::F64);
        let (a, aa) = if other {
            (a.clone(), aa)
        } else {
            self.with_dtype(a, &aa, d)?
        };
        let (b, ba) = if other {
            (b.clone(), ba)
        } else {
            self.with_dtype(b, &ba, d)?
        };
        let el = |s: &mut Self, v: &V, va: &ArrayTy, k: usize| s.elem_stride(v, va, k);
        // A as (m, k) and B as (k, n), vectors as a row / a column.
        let (m, ka, rsa, csa) = if aa.ndim == 2 {
            (
                self.shape(&a, 0),
                self.shape(&a, 1),
                el(self, &a, &aa, 0),
                el(self, &a, &aa, 1),
            )
        } else {
            (
                "1".to_string(),
                self.shape(&a, 0),
                "0".to_string(),
                el(self, &a, &aa, 0),
            )
        };
        let (kb, n, rsb, csb) = if ba.ndim == 2 {
            (
                self.shape(&b, 0),
                self.shape(&b, 1),
                el(self, &b, &ba, 0),
                el(self, &b, &ba, 1),
            )
        } else {
            (
                self.shape(&b, 0),
                "1".to_string(),
                el(self, &b, &ba, 0),
                "0".to_string(),
            )
        };
        let bad = self.val(&format!("icmp ne i64 {ka}, {kb}"));
        let p1 = self.str_const("matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ");
        let p2 = self.str_const(" is different from ");
        let p3 = self.str_const(")");
        self.raise_if(
            &bad,
            ExcKind::ValueError,
            &[
                p1,
                V::new(kb.clone(), Ty::I64),
                p2,
                V::new(ka.clone(), Ty::I64),
                p3,
            ],
        );
        let out_shape: Vec<String> = match (aa.ndim, ba.ndim) {
            (2, 2) => vec![m.clone(), n.clone()],
            (2, 1) => vec![m.clone()],
            (1, 2) => vec![n.clone()],
            _ => vec!["1".to_string()],
        };
        if other {
            let out = self.matmul_other(
                &a,
                &b,
                d,
                &out_shape,
                [m, ka, n],
                aa.ndim == 2 && ba.ndim == 1,
            )?;
            if let Ty::Scalar(_) = ty {
                return Ok(self.flat_elem(&out, d, "0"));
            }
            return Ok(out);
        }
        if aa.ndim == 1 && ba.ndim == 1 {
            return self.dot_1d(&a, &aa, &b, &ba, d, [m, ka, n], [rsa, csa, rsb, csb]);
        }
        self.gemm_into_new(
            &a,
            &aa,
            &b,
            &ba,
            d,
            &out_shape,
            [m, ka, n],
            [rsa, csa, rsb, csb],
            &ty,
        )
    }

    /// `v @ w` of two float vectors. Up to 128 elements: the products added
    /// in order, with no fused multiply-add (NumPy's result for short
    /// vectors, without a call); longer: the GEMM kernel, which like BLAS may
    /// differ in the last bits.
    #[allow(clippy::too_many_arguments)]
    fn dot_1d(
        &mut self,
        a: &V,
        aa: &ArrayTy,
        b: &V,
        ba: &ArrayTy,
        d: Dtype,
        dims: [String; 3],
        strides: [String; 4],
    ) -> R<V> {
        let t = scalar_ty(d);
        let fm = self.fm();
        let k = dims[1].clone();
        let acc = self.alloca(t);
        self.emit(&format!("store {t} {}, ptr {acc}", fconst(0.0, d)));
        let small = self.val(&format!("icmp sle i64 {k}, 128"));
        let (ls, lb, lj) = (
            self.label("dot_small"),
            self.label("dot_gemm"),
            self.label("dot_end"),
        );
        self.cbr(&small, &ls, &lb);
        self.start(&ls);
        let lp = self.nd_open(std::slice::from_ref(&k));
        let pa = self.nd_ptr(a, aa, &lp.idx);
        let pb = self.nd_ptr(b, ba, &lp.idx);
        let x = self.load_elem(d, &pa);
        let y = self.load_elem(d, &pb);
        let p = self.val(&format!("fmul {fm}{t} {}, {}", x.r, y.r));
        let cur = self.val(&format!("load {t}, ptr {acc}"));
        let sum = self.val(&format!("fadd {fm}{t} {cur}, {p}"));
        self.emit(&format!("store {t} {sum}, ptr {acc}"));
        self.nd_close(lp);
        self.br(&lj);
        self.start(&lb);
        let r = self.gemm_into_new(
            a,
            aa,
            b,
            ba,
            d,
            &["1".to_string()],
            dims,
            strides,
            &Ty::Scalar(d),
        )?;
        self.emit(&format!("store {t} {}, ptr {acc}", r.r));
        self.br(&lj);
        self.start(&lj);
        Ok(V::new(
            self.val(&format!("load {t}, ptr {acc}")),
            Ty::Scalar(d),
        ))
    }

    /// `a @ b` of float matrices or vectors into a new array through the GEMM
    /// kernel (the element for a scalar result).
    #[allow(clippy::too_many_arguments)]
    fn gemm_into_new(
        &mut self,
        a: &V,
        aa: &ArrayTy,
        b: &V,
        ba: &ArrayTy,
        d: Dtype,
        out_shape: &[String],
        dims: [String; 3],
        strides: [String; 4],
        ty: &Ty,
    ) -> R<V> {
        let (aa, ba) = (*aa, *ba);
        let [m, ka, n] = dims;
        let [rsa, csa, rsb, csb] = strides;
        let out = self.alloc_array(d, out_shape);
        let oa = ArrayTy::new(d, out_shape.len() as u8, Layout::C);
        self.init_array(&out, &oa, Alloc::Zeros, None)?;
        let (rsc, csc) = if aa.ndim == 2 && ba.ndim == 1 {
            ("1".to_string(), "1".to_string())
        } else {
            (n.clone(), "1".to_string())
        };
        let (fname, et) = if d == Dtype::F32 {
            ("oxjit_rt_sgemm", "float")
        } else {
            ("oxjit_rt_dgemm", "double")
        };
        let _ = et;
        let (pa, pb, pc) = (self.data(a), self.data(b), self.data(&out));
        self.emit(&format!(
            "call void @{fname}(i64 {m}, i64 {ka}, i64 {n}, ptr {pa}, i64 {rsa}, i64 {csa}, ptr {pb}, i64 {rsb}, i64 {csb}, ptr {pc}, i64 {rsc}, i64 {csc})"
        ));
        if let Ty::Scalar(_) = ty {
            return Ok(self.flat_elem(&out, d, "0"));
        }
        Ok(out)
    }
}
