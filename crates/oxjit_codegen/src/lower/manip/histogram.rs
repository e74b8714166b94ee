//! `np.histogram` (bin edges, counts) and `np.digitize`, with the bisection they share.

use super::*;

impl<'p> FnGen<'_, 'p> {
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

    pub(super) fn histogram(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
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

    pub(super) fn digitize(&mut self, args: &[V], call: &'p Call<'p>) -> R<V> {
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
            | Ty::Unknown => return ice("digitize x"),
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
