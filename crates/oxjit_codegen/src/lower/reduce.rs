//! Reductions (sum, mean, min/max, var/std, ...) over whole arrays and along one axis.

use super::*;

impl<'p> FnGen<'_, 'p> {
    /// Reduce a whole array (any layout) to a scalar.
    pub(super) fn reduce(&mut self, r: Reduce, v: &V, a: &ArrayTy, ty: Ty) -> R<V> {
        let out = ty.scalar().ok_or("reduce type")?;
        let shape: Vec<String> = (0..a.ndim as usize).map(|d| self.shape(v, d)).collect();
        let (vv, aa) = (v.clone(), *a);
        let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
            let p = s.nd_ptr(&vv, &aa, idx);
            Ok(s.load_elem(aa.dtype, &p))
        };
        self.reduce_seq(r, &shape, &mut get, a.dtype, out)
    }

    /// The array itself when C-contiguous, else a C-contiguous copy.
    pub(super) fn as_c(&mut self, v: &V, a: &ArrayTy) -> R<(V, ArrayTy)> {
        if a.layout == Layout::C {
            return Ok((v.clone(), *a));
        }
        let c = self.copy_array(v, a)?;
        Ok((
            c,
            ArrayTy {
                layout: Layout::C,
                readonly: false,
                ..*a
            },
        ))
    }

    /// `a` in C order without copying when it is C-contiguous at run time
    /// (NumPy's rule: dimensions of length 1 do not count, an empty array
    /// is contiguous), else a C-ordered copy. `ravel` and `reshape` of a
    /// view whose layout is not known statically return a view exactly
    /// when NumPy's do, so writes through the result reach the original.
    pub(super) fn as_c_view_or_copy(&mut self, v: &V, a: &ArrayTy) -> R<V> {
        if a.layout == Layout::C {
            return Ok(v.clone());
        }
        let ca = ArrayTy {
            layout: Layout::C,
            ..*a
        };
        let nd = a.ndim as usize;
        let mut ok = "true".to_string();
        let mut empty = "false".to_string();
        let mut want = a.dtype.size().to_string();
        for d in (0..nd).rev() {
            let n = self.shape(v, d);
            let st = self.stride(v, a, d);
            let one = self.val(&format!("icmp eq i64 {n}, 1"));
            let same = self.val(&format!("icmp eq i64 {st}, {want}"));
            let fine = self.val(&format!("or i1 {one}, {same}"));
            ok = self.val(&format!("and i1 {ok}, {fine}"));
            let zero = self.val(&format!("icmp eq i64 {n}, 0"));
            empty = self.val(&format!("or i1 {empty}, {zero}"));
            want = self.val(&format!("mul i64 {want}, {n}"));
        }
        let contiguous = self.val(&format!("or i1 {ok}, {empty}"));
        let cty = Ty::Array(ca);
        let slot = self.alloca(&llty(&cty));
        let (yes, no, done) = (
            self.label("cview"),
            self.label("ccopy"),
            self.label("cdone"),
        );
        self.cbr(&contiguous, &yes, &no);
        self.start(&yes);
        let view = self.cast(v.clone(), &cty);
        self.store(&view, &slot);
        self.br(&done);
        self.start(&no);
        let copy = self.copy_array(v, a)?;
        let copy = self.cast(copy, &cty);
        self.store(&copy, &slot);
        self.br(&done);
        self.start(&done);
        Ok(self.load(&cty, &slot))
    }

    /// Reduce `n` elements produced by `get(k)`.
    pub(super) fn reduce_seq(
        &mut self,
        r: Reduce,
        shape: &[String],
        get: &mut dyn FnMut(&mut Self, &[String]) -> R<V>,
        d: Dtype,
        out: Dtype,
    ) -> R<V> {
        let mut n = "1".to_string();
        for d in shape {
            n = self.val(&format!("mul i64 {n}, {d}"));
        }
        let n = n.as_str();
        let inexact = d.is_float() || d.is_complex();
        if inexact && matches!(r, Reduce::NanSum | Reduce::NanMean) {
            return self.reduce_nan_sum_mean(r, shape, get, d, out);
        }
        let (r, skip_nan) = match r {
            Reduce::NanSum => (Reduce::Sum, false),
            Reduce::NanMean => (Reduce::Mean, false),
            Reduce::NanMax => (Reduce::Max, inexact),
            Reduce::NanMin => (Reduce::Min, inexact),
            Reduce::NanVar => (Reduce::Var, inexact),
            Reduce::NanStd => (Reduce::Std, inexact),
            other @ (Reduce::Sum
            | Reduce::Prod
            | Reduce::Min
            | Reduce::Max
            | Reduce::Mean
            | Reduce::Argmin
            | Reduce::Argmax
            | Reduce::Var
            | Reduce::Std
            | Reduce::Any
            | Reduce::All
            | Reduce::CountNonzero) => (other, false),
        };
        match r {
            Reduce::Min | Reduce::Max | Reduce::Argmin | Reduce::Argmax => {
                self.reduce_extremum(r, skip_nan, shape, n, get, d, out)
            }
            Reduce::Sum
            | Reduce::Prod
            | Reduce::Mean
            | Reduce::CountNonzero
            | Reduce::Any
            | Reduce::All => self.reduce_accumulate(r, shape, n, get, d, out),
            Reduce::NanSum
            | Reduce::NanMean
            | Reduce::NanMax
            | Reduce::NanMin
            | Reduce::NanVar
            | Reduce::NanStd => ice("nan reduction mapping"),
            Reduce::Var | Reduce::Std => self.reduce_var(r, skip_nan, shape, n, get, d, out),
        }
    }

    /// nansum/nanmean of a float or complex array.
    fn reduce_nan_sum_mean(
        &mut self,
        r: Reduce,
        shape: &[String],
        get: &mut dyn FnMut(&mut Self, &[String]) -> R<V>,
        d: Dtype,
        out: Dtype,
    ) -> R<V> {
        // NaN (a complex value with a NaN part) counts as missing: summed
        // as zero, not counted.
        let dt = scalar_ty(d);
        let mut g2 = |s: &mut Self, idx: &[String]| -> R<V> {
            let x = get(s, idx)?;
            let nan = s.is_nan_value(&x);
            Ok(V::new(
                s.val(&format!(
                    "select i1 {nan}, {dt} zeroinitializer, {dt} {}",
                    x.r
                )),
                x.ty,
            ))
        };
        let sum = self.reduce_seq(
            Reduce::Sum,
            shape,
            &mut g2,
            d,
            if r == Reduce::NanSum { out } else { d },
        )?;
        if r == Reduce::NanSum {
            return Ok(sum);
        }
        let mut g3 = |s: &mut Self, idx: &[String]| -> R<V> {
            let x = get(s, idx)?;
            let nan = s.is_nan_value(&x);
            Ok(V::new(s.val(&format!("xor i1 {nan}, true")), Ty::BOOL))
        };
        let cnt = self.reduce_seq(
            Reduce::CountNonzero,
            shape,
            &mut g3,
            Dtype::Bool,
            Dtype::I64,
        )?;
        if d.is_complex() {
            // NumPy divides the complex sum by the count with its complex
            // division (a multiply by the count's reciprocal).
            let f = d.real_part();
            let cf = self.cast(cnt, &Ty::Scalar(f));
            let (sr, si) = self.complex_parts(&sum);
            let (re, im) = self.numpy_complex_div(f, (&sr, &si), (&cf.r, "0.0"));
            let q = self.complex(d, &re, &im);
            return Ok(self.cast(q, &Ty::Scalar(out)));
        }
        let cf = self.cast(cnt, &Ty::Scalar(d));
        let q = self.val(&format!("fdiv {dt} {}, {}", sum.r, cf.r));
        Ok(self.cast(V::new(q, Ty::Scalar(d)), &Ty::Scalar(out)))
    }

    /// min/max/argmin/argmax of `n` elements (`skip_nan`: nanmin/nanmax).
    #[allow(clippy::too_many_arguments)]
    fn reduce_extremum(
        &mut self,
        r: Reduce,
        skip_nan: bool,
        shape: &[String],
        n: &str,
        get: &mut dyn FnMut(&mut Self, &[String]) -> R<V>,
        d: Dtype,
        out: Dtype,
    ) -> R<V> {
        let is_arg = matches!(r, Reduce::Argmin | Reduce::Argmax);
        let is_min = matches!(r, Reduce::Min | Reduce::Argmin);
        let empty = self.val(&format!("icmp eq i64 {n}, 0"));
        let msg = match r {
            Reduce::Min => "zero-size array to reduction operation minimum which has no identity",
            Reduce::Max => "zero-size array to reduction operation maximum which has no identity",
            Reduce::Argmin => "attempt to get argmin of an empty sequence",
            Reduce::Sum
            | Reduce::Prod
            | Reduce::Mean
            | Reduce::Argmax
            | Reduce::Var
            | Reduce::Std
            | Reduce::Any
            | Reduce::All
            | Reduce::CountNonzero
            | Reduce::NanSum
            | Reduce::NanMean
            | Reduce::NanMax
            | Reduce::NanMin
            | Reduce::NanVar
            | Reduce::NanStd => "attempt to get argmax of an empty sequence",
        };
        let m = self.str_const(msg);
        self.raise_if(&empty, ExcKind::ValueError, &[m]);
        if !skip_nan && (d.is_float() || d.is_int()) && self.replayable {
            return self.reduce_extremum_real(is_min, is_arg, shape, get, d, out);
        }
        let et = Ty::Scalar(d);
        let lt = llty(&et);
        // Each element is read once (a `@vectorize` kernel may draw random
        // numbers): the first one read in the loop starts the search.
        let best = self.alloca(&lt);
        let bi = self.alloca("i64");
        let ctr = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {ctr}"));
        self.emit(&format!("store i64 0, ptr {bi}"));
        let lp = self.nd_open(shape);
        let k = self.val(&format!("load i64, ptr {ctr}"));
        let k1 = self.val(&format!("add i64 {k}, 1"));
        self.emit(&format!("store i64 {k1}, ptr {ctr}"));
        let x = get(self, &lp.idx)?;
        let cur = self.load(&et, &best);
        let take = if d.is_complex() {
            // NumPy orders complex numbers lexicographically.
            let (xr, xi) = self.complex_parts(&x);
            let (cr, ci) = self.complex_parts(&cur);
            let ft = scalar_ty(d.real_part());
            let (p1, p2) = if is_min {
                ("olt", "olt")
            } else {
                ("ogt", "ogt")
            };
            let a1 = self.val(&format!("fcmp {p1} {ft} {xr}, {cr}"));
            let eq = self.val(&format!("fcmp oeq {ft} {xr}, {cr}"));
            let a2 = self.val(&format!("fcmp {p2} {ft} {xi}, {ci}"));
            let a3 = self.val(&format!("and i1 {eq}, {a2}"));
            let better = self.val(&format!("or i1 {a1}, {a3}"));
            // A value with a NaN part is NaN: it wins (the first one stays),
            // or for nanmin/nanmax it loses.
            let xn = self.is_nan_value(&x);
            let cn = self.is_nan_value(&cur);
            if skip_nan {
                let b2 = self.val(&format!("or i1 {better}, {cn}"));
                let xo = self.val(&format!("xor i1 {xn}, true"));
                self.val(&format!("and i1 {b2}, {xo}"))
            } else {
                let co = self.val(&format!("xor i1 {cn}, true"));
                let either = self.val(&format!("or i1 {better}, {xn}"));
                self.val(&format!("and i1 {either}, {co}"))
            }
        } else {
            let better = self.compare(
                if is_min { CmpOp::Lt } else { CmpOp::Gt },
                x.clone(),
                cur.clone(),
            )?;
            if d.is_float() && skip_nan {
                // nanmax/nanmin: NaN loses (an all-NaN input stays NaN).
                let xo = self.val(&format!("fcmp ord {lt} {}, 0.0", x.r));
                let cn = self.val(&format!("fcmp uno {lt} {}, 0.0", cur.r));
                let b2 = self.val(&format!("or i1 {better}, {cn}"));
                self.val(&format!("and i1 {b2}, {xo}"))
            } else if d.is_float() {
                // NaN wins (and the first NaN stays).
                let xn = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                let cn = self.val(&format!("fcmp ord {lt} {}, 0.0", cur.r));
                let nan = self.val(&format!("and i1 {xn}, {cn}"));
                self.val(&format!("or i1 {better}, {nan}"))
            } else {
                better
            }
        };
        let first = self.val(&format!("icmp eq i64 {k}, 0"));
        let take = self.val(&format!("or i1 {first}, {take}"));
        let nb = self.val(&format!("select i1 {take}, {lt} {}, {lt} {}", x.r, cur.r));
        self.emit(&format!("store {lt} {nb}, ptr {best}"));
        let ci = self.val(&format!("load i64, ptr {bi}"));
        let ni = self.val(&format!("select i1 {take}, i64 {k}, i64 {ci}"));
        self.emit(&format!("store i64 {ni}, ptr {bi}"));
        self.nd_close(lp);
        if is_arg {
            return Ok(V::new(self.val(&format!("load i64, ptr {bi}")), Ty::I64));
        }
        let b = self.load(&et, &best);
        Ok(self.cast(b, &Ty::Scalar(out)))
    }

    /// One step of a real max/min that keeps the first of equal values:
    /// `x` replaces `acc` when strictly better, or when it is the first NaN.
    pub(super) fn first_extremum(&mut self, is_min: bool, acc: V, x: V) -> R<V> {
        let lt = llty(&x.ty);
        let op = if is_min { CmpOp::Lt } else { CmpOp::Gt };
        let better = self.compare(op, x.clone(), acc.clone())?;
        let take = if x.ty.scalar().is_some_and(|d| d.is_float()) {
            let xn = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
            let ao = self.val(&format!("fcmp ord {lt} {}, 0.0", acc.r));
            let nan = self.val(&format!("and i1 {xn}, {ao}"));
            self.val(&format!("or i1 {better}, {nan}"))
        } else {
            better
        };
        let v = self.val(&format!("select i1 {take}, {lt} {}, {lt} {}", x.r, acc.r));
        Ok(V::new(v, x.ty))
    }

    /// max/min/argmax/argmin of real numbers (not empty) in two passes.
    /// First the extremum, by a loop LLVM vectorises: `llvm.maximum` for
    /// floats, which lets a NaN win as NumPy does, or a compare and select
    /// for integers. A loop that also carried the index would be one long
    /// compare/select chain, ten times slower. Then, for argmax/argmin, the
    /// first element equal to it (the first NaN when it is NaN), a scan that
    /// stops there. Max/min of floats scan too when the result is a NaN or a
    /// zero, so that the first NaN's bits or the first zero's sign come
    /// back, as the one-pass loop gave (docs/semantics.md).
    fn reduce_extremum_real(
        &mut self,
        is_min: bool,
        is_arg: bool,
        shape: &[String],
        get: &mut dyn FnMut(&mut Self, &[String]) -> R<V>,
        d: Dtype,
        out: Dtype,
    ) -> R<V> {
        let et = Ty::Scalar(d);
        let lt = llty(&et);
        let zeros: Vec<String> = vec!["0".to_string(); shape.len()];
        let best = self.alloca(&lt);
        let first = get(self, &zeros)?;
        self.store(&first, &best);
        let lp = self.nd_open(shape);
        let x = get(self, &lp.idx)?;
        let cur = self.load(&et, &best);
        let nb = if d.is_float() {
            let f = self.intrinsic(if is_min { "minimum" } else { "maximum" }, d, 2);
            self.val(&format!("call {lt} {f}({lt} {}, {lt} {})", cur.r, x.r))
        } else {
            let op = if is_min { CmpOp::Lt } else { CmpOp::Gt };
            let better = self.compare(op, x.clone(), cur.clone())?;
            self.val(&format!("select i1 {better}, {lt} {}, {lt} {}", x.r, cur.r))
        };
        self.emit(&format!("store {lt} {nb}, ptr {best}"));
        self.nd_close(lp);
        let b = self.load(&et, &best).r;
        let (at, val) = (self.alloca("i64"), self.alloca(&lt));
        self.emit(&format!("store i64 0, ptr {at}"));
        self.emit(&format!("store {lt} {b}, ptr {val}"));
        let nan = d
            .is_float()
            .then(|| self.val(&format!("fcmp uno {lt} {b}, 0.0")));
        let need = match (&nan, is_arg) {
            (_, true) => "true".to_string(),
            (Some(nan), false) => {
                let zero = self.val(&format!("fcmp oeq {lt} {b}, 0.0"));
                self.val(&format!("or i1 {nan}, {zero}"))
            }
            (None, false) => return Ok(self.cast(V::new(b, et), &Ty::Scalar(out))),
        };
        let (scan, found, done) = (
            self.label("xscan"),
            self.label("xfound"),
            self.label("xdone"),
        );
        self.cbr(&need, &scan, &done);
        self.start(&scan);
        let ctr = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {ctr}"));
        let lp = self.nd_open(shape);
        let k = self.val(&format!("load i64, ptr {ctr}"));
        let k1 = self.val(&format!("add i64 {k}, 1"));
        self.emit(&format!("store i64 {k1}, ptr {ctr}"));
        let x = get(self, &lp.idx)?;
        let hit = match &nan {
            Some(nan) => {
                let eq = self.val(&format!("fcmp oeq {lt} {}, {b}", x.r));
                let xn = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                let both = self.val(&format!("and i1 {nan}, {xn}"));
                self.val(&format!("or i1 {eq}, {both}"))
            }
            None => self.val(&format!("icmp eq {lt} {}, {b}", x.r)),
        };
        let more = self.label("xmore");
        self.cbr(&hit, &found, &more);
        self.start(&found);
        self.emit(&format!("store i64 {k}, ptr {at}"));
        self.emit(&format!("store {lt} {}, ptr {val}", x.r));
        self.br(&done);
        self.start(&more);
        self.nd_close(lp);
        self.br(&done);
        self.start(&done);
        if is_arg {
            return Ok(V::new(self.val(&format!("load i64, ptr {at}")), Ty::I64));
        }
        let v = self.load(&et, &val);
        Ok(self.cast(v, &Ty::Scalar(out)))
    }

    /// sum/prod/mean/count_nonzero/any/all: one accumulator over `n` elements.
    fn reduce_accumulate(
        &mut self,
        r: Reduce,
        shape: &[String],
        n: &str,
        get: &mut dyn FnMut(&mut Self, &[String]) -> R<V>,
        d: Dtype,
        out: Dtype,
    ) -> R<V> {
        let float_of = |d: Dtype| {
            if d.is_float() || d.is_complex() {
                d
            } else {
                Dtype::F64
            }
        };
        let acc_d = match r {
            Reduce::Mean => float_of(self.mean_dtype.unwrap_or(d)),
            Reduce::CountNonzero => Dtype::I64,
            Reduce::Any | Reduce::All => Dtype::Bool,
            Reduce::Sum
            | Reduce::Prod
            | Reduce::Min
            | Reduce::Max
            | Reduce::Argmin
            | Reduce::Argmax
            | Reduce::Var
            | Reduce::Std
            | Reduce::NanSum
            | Reduce::NanMean
            | Reduce::NanMax
            | Reduce::NanMin
            | Reduce::NanVar
            | Reduce::NanStd => out,
        };
        let at = Ty::Scalar(acc_d);
        let acc = self.alloca(scalar_ty(acc_d));
        let init = match r {
            Reduce::Prod => scalar_const(acc_d, 1.0),
            Reduce::All => "true".into(),
            Reduce::Sum
            | Reduce::Min
            | Reduce::Max
            | Reduce::Mean
            | Reduce::Argmin
            | Reduce::Argmax
            | Reduce::Var
            | Reduce::Std
            | Reduce::Any
            | Reduce::CountNonzero
            | Reduce::NanSum
            | Reduce::NanMean
            | Reduce::NanMax
            | Reduce::NanMin
            | Reduce::NanVar
            | Reduce::NanStd => scalar_const(acc_d, 0.0),
        };
        self.emit(&format!("store {} {init}, ptr {acc}", scalar_ty(acc_d)));
        let lp = self.nd_open(shape);
        let x = get(self, &lp.idx)?;
        let cur = self.load(&at, &acc);
        let nv = match r {
            Reduce::CountNonzero => {
                let t = self.truth(&x)?;
                let z = self.val(&format!("zext i1 {t} to i64"));
                self.val(&format!("add i64 {}, {z}", cur.r))
            }
            Reduce::Any => {
                let t = self.truth(&x)?;
                self.val(&format!("or i1 {}, {t}", cur.r))
            }
            Reduce::All => {
                let t = self.truth(&x)?;
                self.val(&format!("and i1 {}, {t}", cur.r))
            }
            Reduce::Sum
            | Reduce::Prod
            | Reduce::Min
            | Reduce::Max
            | Reduce::Mean
            | Reduce::Argmin
            | Reduce::Argmax
            | Reduce::Var
            | Reduce::Std
            | Reduce::NanSum
            | Reduce::NanMean
            | Reduce::NanMax
            | Reduce::NanMin
            | Reduce::NanVar
            | Reduce::NanStd => {
                let x = self.cast(x, &at);
                if self.reassoc && acc_d.is_float() && self.fm().is_empty() {
                    let op = if r == Reduce::Prod { "fmul" } else { "fadd" };
                    self.val(&format!(
                        "{op} reassoc {} {}, {}",
                        scalar_ty(acc_d),
                        cur.r,
                        x.r
                    ))
                } else {
                    self.binop_same(
                        if r == Reduce::Prod {
                            BinOp::Mul
                        } else {
                            BinOp::Add
                        },
                        &cur,
                        &x,
                    )?
                }
            }
        };
        self.emit(&format!("store {} {nv}, ptr {acc}", scalar_ty(acc_d)));
        self.nd_close(lp);
        let res = self.load(&at, &acc);
        if r == Reduce::Mean {
            let nf = V::new(self.val(&format!("sitofp i64 {n} to double")), Ty::F64);
            let nf = self.cast(nf, &at);
            // Empty arrays give nan (NumPy), not ZeroDivisionError.
            let saved = self.m.opts.error_model_numpy;
            self.m.opts.error_model_numpy = true;
            let q = self.binop_same(BinOp::Div, &res, &nf);
            self.m.opts.error_model_numpy = saved;
            let q = q?;
            return Ok(self.cast(V::new(q, at), &Ty::Scalar(out)));
        }
        Ok(self.cast(res, &Ty::Scalar(out)))
    }

    /// Whether a float value is NaN, or a complex value has a NaN part.
    pub(super) fn is_nan_value(&mut self, x: &V) -> String {
        match x.ty.scalar() {
            Some(d) if d.is_complex() => {
                let (re, im) = self.complex_parts(x);
                let t = scalar_ty(d.real_part());
                self.val(&format!("fcmp uno {t} {re}, {im}"))
            }
            Some(d) if d.is_float() => {
                let t = scalar_ty(d);
                self.val(&format!("fcmp uno {t} {}, 0.0", x.r))
            }
            _ => "false".to_string(),
        }
    }

    /// var/std (`skip_nan`: nanvar/nanstd) of `n` elements.
    #[allow(clippy::too_many_arguments)]
    fn reduce_var(
        &mut self,
        r: Reduce,
        skip_nan: bool,
        shape: &[String],
        n: &str,
        get: &mut dyn FnMut(&mut Self, &[String]) -> R<V>,
        d: Dtype,
        out: Dtype,
    ) -> R<V> {
        // Two passes, as NumPy: the mean, then mean squared deviations.
        let ct = if d.is_complex() { Ty::C128 } else { Ty::F64 };
        let mean = self.reduce_seq(
            if skip_nan {
                Reduce::NanMean
            } else {
                Reduce::Mean
            },
            shape,
            get,
            d,
            if d.is_complex() {
                Dtype::C128
            } else {
                Dtype::F64
            },
        )?;
        let acc = self.alloca("double");
        self.emit(&format!("store double 0.0, ptr {acc}"));
        let cnt = self.alloca("i64");
        self.emit(&format!("store i64 {n}, ptr {cnt}"));
        let lp = self.nd_open(shape);
        let x = get(self, &lp.idx)?;
        let x = self.cast(x, &ct);
        let dv = self.binop_same_sub(&x, &mean)?;
        let sq = if d.is_complex() {
            let (re, im) = self.complex_parts(&dv);
            let a = self.val(&format!("fmul double {re}, {re}"));
            let b = self.val(&format!("fmul double {im}, {im}"));
            self.val(&format!("fadd double {a}, {b}"))
        } else {
            self.val(&format!("fmul double {}, {}", dv.r, dv.r))
        };
        // nanvar: NaN elements are neither summed nor counted.
        let nan = if skip_nan {
            self.is_nan_value(&x)
        } else {
            "false".to_string()
        };
        let sq = self.val(&format!("select i1 {nan}, double 0.0, double {sq}"));
        let cur = self.val(&format!("load double, ptr {acc}"));
        let nv = self.val(&format!("fadd double {cur}, {sq}"));
        self.emit(&format!("store double {nv}, ptr {acc}"));
        let skipped = self.val(&format!("zext i1 {nan} to i64"));
        let c = self.val(&format!("load i64, ptr {cnt}"));
        let c1 = self.val(&format!("sub i64 {c}, {skipped}"));
        self.emit(&format!("store i64 {c1}, ptr {cnt}"));
        self.nd_close(lp);
        let tot = self.val(&format!("load double, ptr {acc}"));
        // Divisor max(count - ddof, 0), as NumPy (0/0 gives nan).
        let cnt_v = self.val(&format!("load i64, ptr {cnt}"));
        let ddof = self.ddof.clone().unwrap_or_else(|| "0".into());
        let dn = self.val(&format!("sub i64 {cnt_v}, {ddof}"));
        let pos = self.val(&format!("icmp sgt i64 {dn}, 0"));
        let dn = self.val(&format!("select i1 {pos}, i64 {dn}, i64 0"));
        let nf = self.val(&format!("sitofp i64 {dn} to double"));
        let var = self.val(&format!("fdiv double {tot}, {nf}"));
        // nanvar gives nan when no degrees of freedom are left (var gives inf).
        let var = if skip_nan {
            self.val(&format!(
                "select i1 {pos}, double {var}, double 0x7FF8000000000000"
            ))
        } else {
            var
        };
        let res = if r == Reduce::Std {
            let f = self.intrinsic("sqrt", Dtype::F64, 1);
            self.val(&format!("call double {f}(double {var})"))
        } else {
            var
        };
        Ok(self.cast(V::new(res, Ty::F64), &Ty::Scalar(out)))
    }

    /// `np.sum(a, axis=k)` and friends: reduce along one axis into a new C
    /// array; on the pool when large in a `parallel=True` function.
    fn reduce_axis(&mut self, r: Reduce, v: &V, a: &ArrayTy, ax: usize, ty: Ty) -> R<V> {
        let Ty::Array(oa) = ty else {
            return ice("axis reduction type");
        };
        let oshape: Vec<String> = (0..a.ndim as usize)
            .filter(|d| *d != ax)
            .map(|d| self.shape(v, d))
            .collect();
        let out = self.alloc_array(oa.dtype, &oshape);
        let ooa = ArrayTy::new(oa.dtype, oa.ndim, Layout::C);
        if self.parallel_exprs() && a.ndim >= 2 {
            self.reduce_axis_parallel(r, v, a, ax, &out, &ooa)?;
        } else {
            self.reduce_axis_into(r, (v, a), ax, (&out, &ooa), None)?;
        }
        Ok(out)
    }

    /// The loops of `reduce_axis`: `v` reduced along axis `ax` into `out`
    /// (its shape without that axis). With `part` = `(lo, hi)`, only the
    /// output's rows `lo..hi` (its first axis, which is `v`'s axis 0, or 1
    /// when `ax` is 0): a chunk on the pool. Each output element is reduced
    /// in the same order either way, so the chunks give the serial bits.
    pub(super) fn reduce_axis_into(
        &mut self,
        r: Reduce,
        (v, a): (&V, &ArrayTy),
        ax: usize,
        (out, ooa): (&V, &ArrayTy),
        part: Option<(&str, &str)>,
    ) -> R<()> {
        let nd = a.ndim as usize;
        let (out, ooa) = (out.clone(), *ooa);
        let oa = ooa;
        let mut shape: Vec<String> = (0..nd).map(|d| self.shape(v, d)).collect();
        let split = usize::from(ax == 0);
        let lo = part.map(|(lo, hi)| {
            shape[split] = self.val(&format!("sub i64 {hi}, {lo}"));
            lo.to_string()
        });
        // An output index of the part (from 0) into the whole output.
        let whole = |s: &mut Self, idx: &[String]| -> Vec<String> {
            let mut idx = idx.to_vec();
            if let Some(lo) = &lo {
                idx[0] = s.val(&format!("add nsw i64 {}, {lo}", idx[0]));
            }
            idx
        };
        let oshape: Vec<String> = shape
            .iter()
            .enumerate()
            .filter(|(d, _)| *d != ax)
            .map(|(_, s)| s.clone())
            .collect();
        // Complex min/max order lexicographically: the general path does that.
        // So does float min/max along the axis that is contiguous in memory:
        // one vectorised reduction per row (`reduce_extremum_real`) beats
        // updating the output's element for each input element (4x).
        let innermost = match a.layout {
            Layout::C => ax + 1 == nd,
            Layout::F => ax == 0,
            Layout::A => false,
        };
        let general_extremum = matches!(r, Reduce::Min | Reduce::Max)
            && (a.dtype.is_complex() || (a.dtype.is_float() && innermost));
        if !general_extremum
            && matches!(
                r,
                Reduce::Sum | Reduce::Prod | Reduce::Mean | Reduce::Min | Reduce::Max
            )
        {
            // One pass over the input in memory order, accumulating into the
            // output (contiguous inner loops for any axis).
            let et = Ty::Scalar(oa.dtype);
            let drop_axis = |idx: &[String]| -> Vec<String> {
                idx.iter()
                    .enumerate()
                    .filter(|(d, _)| *d != ax)
                    .map(|(_, s)| s.clone())
                    .collect()
            };
            match r {
                Reduce::Min | Reduce::Max => {
                    let empty = self.val(&format!("icmp eq i64 {}, 0", shape[ax]));
                    let name = if r == Reduce::Min {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    let m = self.str_const(&format!(
                        "zero-size array to reduction operation {name} which has no identity"
                    ));
                    self.raise_if(&empty, ExcKind::ValueError, &[m]);
                    let lp = self.nd_open(&oshape);
                    let oidx = whole(self, &lp.idx);
                    let mut idx = oidx.clone();
                    idx.insert(ax, "0".into());
                    let p = self.nd_ptr(v, a, &idx);
                    let x = self.load_elem(a.dtype, &p);
                    let x = self.cast(x, &et);
                    let q = self.nd_ptr(&out, &ooa, &oidx);
                    self.store_elem(&x, &q);
                    self.nd_close(lp);
                }
                Reduce::Sum
                | Reduce::Prod
                | Reduce::Mean
                | Reduce::Argmin
                | Reduce::Argmax
                | Reduce::Var
                | Reduce::Std
                | Reduce::Any
                | Reduce::All
                | Reduce::CountNonzero
                | Reduce::NanSum
                | Reduce::NanMean
                | Reduce::NanMax
                | Reduce::NanMin
                | Reduce::NanVar
                | Reduce::NanStd => {
                    let one = r == Reduce::Prod;
                    let fill = V::new(
                        scalar_const(oa.dtype, if one { 1.0 } else { 0.0 }),
                        et.clone(),
                    );
                    if lo.is_some() {
                        let lp = self.nd_open(&oshape);
                        let oidx = whole(self, &lp.idx);
                        let q = self.nd_ptr(&out, &ooa, &oidx);
                        self.store_elem(&fill, &q);
                        self.nd_close(lp);
                    } else {
                        self.init_array(
                            &out,
                            &ooa,
                            if one { Alloc::Full } else { Alloc::Zeros },
                            Some(fill),
                        )?;
                    }
                }
            }
            let lp = self.nd_open(&shape);
            let mut idx = lp.idx.clone();
            if let Some(lo) = &lo {
                idx[split] = self.val(&format!("add nsw i64 {}, {lo}", idx[split]));
            }
            let p = self.nd_ptr(v, a, &idx);
            let x = self.load_elem(a.dtype, &p);
            let x = self.cast(x, &et);
            let oidx = drop_axis(&idx);
            let q = self.nd_ptr(&out, &ooa, &oidx);
            let cur = self.load_elem(oa.dtype, &q);
            let nv = match r {
                Reduce::Min | Reduce::Max => self.first_extremum(r == Reduce::Min, cur, x)?,
                Reduce::Sum
                | Reduce::Prod
                | Reduce::Mean
                | Reduce::Argmin
                | Reduce::Argmax
                | Reduce::Var
                | Reduce::Std
                | Reduce::Any
                | Reduce::All
                | Reduce::CountNonzero
                | Reduce::NanSum
                | Reduce::NanMean
                | Reduce::NanMax
                | Reduce::NanMin
                | Reduce::NanVar
                | Reduce::NanStd => V::new(
                    self.binop_same(
                        if r == Reduce::Prod {
                            BinOp::Mul
                        } else {
                            BinOp::Add
                        },
                        &cur,
                        &x,
                    )?,
                    et.clone(),
                ),
            };
            self.store_elem(&nv, &q);
            self.nd_close(lp);
            if r == Reduce::Mean {
                let nf = V::new(
                    self.val(&format!("sitofp i64 {} to double", shape[ax])),
                    Ty::F64,
                );
                let nf = self.cast(nf, &et);
                let lp = self.nd_open(&oshape);
                let oidx = whole(self, &lp.idx);
                let q = self.nd_ptr(&out, &ooa, &oidx);
                let cur = self.load_elem(oa.dtype, &q);
                let nv = self.binop_same(BinOp::Div, &cur, &nf)?;
                self.store_elem(&V::new(nv, et.clone()), &q);
                self.nd_close(lp);
            }
            return Ok(());
        }
        let lp = self.nd_open(&oshape);
        let oidx = whole(self, &lp.idx);
        let outer = oidx.clone();
        let vv = v.clone();
        let aa = *a;
        let mut get = move |s: &mut Self, k: &[String]| -> R<V> {
            let mut idx = outer.clone();
            idx.insert(ax, k[0].clone());
            let p = s.nd_ptr(&vv, &aa, &idx);
            Ok(s.load_elem(aa.dtype, &p))
        };
        let x = self.reduce_seq(
            r,
            std::slice::from_ref(&shape[ax]),
            &mut get,
            a.dtype,
            oa.dtype,
        )?;
        let p = self.nd_ptr(&out, &oa, &oidx);
        self.store_elem(&x, &p);
        self.nd_close(lp);
        Ok(())
    }

    /// `np.sum`/`np.mean` of a float or complex array, whole or along one
    /// axis, in NumPy's summation order (pairwise runs, NumPy's axis order
    /// and buffering): one call of the runtime's `oxjit_rt_sum`, which reads
    /// the strides at run time; likewise `np.prod` of a whole array that is
    /// not C-ordered (`oxjit_rt_prod`, NumPy's memory order). `None` for
    /// everything else (other reductions, integer inputs, another result
    /// dtype).
    pub(super) fn numpy_sum(
        &mut self,
        r: Reduce,
        v: &V,
        a: &ArrayTy,
        axis: Option<usize>,
        inner: &Ty,
    ) -> R<Option<V>> {
        let kind = match a.dtype {
            Dtype::F64 => 0,
            Dtype::F32 => 1,
            Dtype::C128 => 2,
            Dtype::C64 => 3,
            // Integer sums are exact in any order; bool is counted.
            Dtype::Bool
            | Dtype::I8
            | Dtype::I16
            | Dtype::I32
            | Dtype::I64
            | Dtype::U8
            | Dtype::U16
            | Dtype::U32
            | Dtype::U64 => return Ok(None),
        };
        let od = match inner {
            Ty::Scalar(d) => *d,
            Ty::Array(o) => o.dtype,
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
            | Ty::Unknown => return Ok(None),
        };
        // A product in NumPy's memory order (C and 1-d arrays are already walked so).
        let prod = r == Reduce::Prod && axis.is_none() && a.layout != Layout::C && a.ndim > 1;
        if !(matches!(r, Reduce::Sum | Reduce::Mean) || prod) || od != a.dtype {
            return Ok(None);
        }
        let nd = a.ndim as usize;
        let arr = format!("[{} x i64]", nd.max(1));
        let (shp, st) = (self.alloca(&arr), self.alloca(&arr));
        for d in 0..nd {
            let n = self.shape(v, d);
            let s = self.stride(v, a, d);
            for (slot, x) in [(&shp, n), (&st, s)] {
                let p = self.val(&format!("getelementptr inbounds i64, ptr {slot}, i64 {d}"));
                self.emit(&format!("store i64 {x}, ptr {p}"));
            }
        }
        let data = self.data(v);
        if prod {
            let out = self.alloca(scalar_ty(od));
            self.call_void(
                "@oxjit_rt_prod",
                &format!("i32 {kind}, ptr {data}, i64 {nd}, ptr {shp}, ptr {st}, ptr {out}"),
            );
            return Ok(Some(self.load(&Ty::Scalar(od), &out)));
        }
        let mean = r == Reduce::Mean;
        let (ax, out, res) = match (inner, axis) {
            (Ty::Array(_), Some(k)) => {
                let oshape: Vec<String> = (0..nd)
                    .filter(|d| *d != k)
                    .map(|d| self.shape(v, d))
                    .collect();
                let arr = self.alloc_array(od, &oshape);
                let p = self.data(&arr);
                (k as i64, p, Some(arr))
            }
            _ => (-1, self.alloca(scalar_ty(od)), None),
        };
        // Along an axis in a parallel=True function: split over the pool
        // (same bits as the serial call).
        let f = if ax >= 0 && self.parallel_exprs() {
            "@oxjit_rt_sum_axis_par"
        } else {
            "@oxjit_rt_sum"
        };
        self.call_void(
            f,
            &format!(
                "i32 {kind}, ptr {data}, i64 {nd}, ptr {shp}, ptr {st}, i64 {ax}, i1 zeroext {mean}, ptr {out}"
            ),
        );
        Ok(Some(match res {
            Some(arr) => arr,
            None => self.load(&Ty::Scalar(od), &out),
        }))
    }

    pub(super) fn reduce_call(
        &mut self,
        r: Reduce,
        args: &[V],
        call: &'p Call<'p>,
        e: &'p Expr,
        ty: Ty,
    ) -> R<V> {
        let Ty::Array(a) = args[0].ty.clone() else {
            return ice("reduce arg");
        };
        let axis = match args.get(1) {
            Some(v) => Some(v.clone()),
            None => self.kwarg(call, "axis")?,
        };
        let ddof = self.kwarg(call, "ddof")?.map(|v| self.cast(v, &Ty::I64).r);
        let keep = matches!(self.const_kw(call, "keepdims"), Some(Const::Bool(true)));
        let axis = match axis.filter(|v| v.ty != Ty::NoneType) {
            Some(v) => {
                let k =
                    v.r.parse::<i64>()
                        .map_err(|_| "axis must be a constant".to_string())?;
                let nd = a.ndim as i64;
                if k >= nd || k < -nd {
                    self.raise_axis_error(k, nd, None);
                    return Ok(V::new("zeroinitializer", ty));
                }
                Some(k.rem_euclid(nd) as usize)
            }
            None => None,
        };
        // Options the shared reduction code reads while this call is lowered.
        self.ddof = ddof;
        self.mean_dtype = match (r, call.kwargs.iter().any(|(k, _)| k == "dtype")) {
            (Reduce::Mean, true) => ty.scalar().or(ty.array().map(|a| a.dtype)),
            _ => None,
        };
        // The type without keepdims: what the reduction itself produces.
        let inner = match (&ty, keep) {
            (Ty::Array(o), true) => match axis {
                Some(_) if a.ndim > 1 => Ty::Array(ArrayTy::new(o.dtype, a.ndim - 1, Layout::C)),
                _ => Ty::Scalar(o.dtype),
            },
            _ => ty.clone(),
        };
        let res = match self.numpy_sum(r, &args[0], &a, axis, &inner) {
            Ok(Some(v)) => Ok(v),
            Err(e) => Err(e),
            Ok(None) => match axis {
                Some(k) if matches!(inner, Ty::Array(_)) => {
                    if self.parallel_exprs() && a.ndim >= 2 {
                        let cutoff = super::parallel_expr::PAR_EXPR_CUTOFF;
                        let what =
                            format!("{r:?} along an axis runs in parallel from {cutoff} elements");
                        self.par_note(e, &what.to_lowercase());
                    }
                    self.reduce_axis(r, &args[0], &a, k, inner)
                }
                _ => self.reduce(r, &args[0], &a, inner),
            },
        };
        self.ddof = None;
        self.mean_dtype = None;
        let res = res?;
        if !keep {
            return Ok(res);
        }
        // keepdims: the reduced axes come back with length one.
        let Ty::Array(oa) = ty else {
            return ice("keepdims type");
        };
        let nd = a.ndim as usize;
        match res.ty.clone() {
            Ty::Scalar(d) => {
                let out = self.alloc_array(d, &vec!["1".to_string(); nd]);
                self.flat_store(&out, d, "0", &res);
                Ok(out)
            }
            Ty::Array(ra) => {
                let ax = axis.ok_or("keepdims axis")?;
                let mut shape: Vec<String> = (0..nd - 1).map(|k| self.shape(&res, k)).collect();
                let mut strides: Vec<String> =
                    (0..nd - 1).map(|k| self.stride(&res, &ra, k)).collect();
                shape.insert(ax, "1".into());
                strides.insert(ax, "0".into());
                let lt = llty(&res.ty);
                let mi = self.val(&format!("extractvalue {lt} {}, 0", res.r));
                let data = self.data(&res);
                let va = ArrayTy::new(oa.dtype, nd as u8, Layout::A);
                let view = self.make_array(&va, &mi, "null", &data, &shape, &strides);
                // The type says C order: a length-one axis keeps the result contiguous.
                Ok(V::new(view.r, Ty::Array(oa)))
            }
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
            | Ty::Unknown => ice("keepdims result"),
        }
    }
}
