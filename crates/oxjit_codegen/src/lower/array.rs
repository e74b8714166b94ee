//! Array values: geometry, allocation, element access, basic-index views, nd loops, copies.

use super::*;

impl<'p> FnGen<'_, 'p> {
    // ----- arrays: geometry ------------------------------------------------------------

    /// Dimension `d`'s length. LLVM is told it is never negative: without
    /// that, `a[i, j + 1]` in `for j in range(1, m - 1)` keeps its
    /// negative-index select (j + 1 could wrap), which blocks vectorising
    /// stencils (3.6 ms against 2.1 ms on a 2000x2000 one).
    pub(super) fn shape(&mut self, v: &V, d: usize) -> String {
        let s = self.val(&format!("extractvalue {} {}, 5, {d}", llty(&v.ty), v.r));
        let nn = self.val(&format!("icmp sge i64 {s}, 0"));
        self.emit(&format!("call void @llvm.assume(i1 {nn})"));
        s
    }

    pub(super) fn nitems(&mut self, v: &V) -> String {
        self.val(&format!("extractvalue {} {}, 2", llty(&v.ty), v.r))
    }

    pub(super) fn data(&mut self, v: &V) -> String {
        self.val(&format!("extractvalue {} {}, 4", llty(&v.ty), v.r))
    }

    /// Byte stride of dimension `d`; derived from the shape for contiguous
    /// layouts so that LLVM sees unit strides and can vectorise.
    pub(super) fn stride(&mut self, v: &V, a: &ArrayTy, d: usize) -> String {
        let nd = a.ndim as usize;
        let isz = a.dtype.size();
        match a.layout {
            Layout::C => {
                let mut s = isz.to_string();
                for k in d + 1..nd {
                    let sh = self.shape(v, k);
                    s = self.val(&format!("mul i64 {s}, {sh}"));
                }
                s
            }
            Layout::F => {
                let mut s = isz.to_string();
                for k in 0..d {
                    let sh = self.shape(v, k);
                    s = self.val(&format!("mul i64 {s}, {sh}"));
                }
                s
            }
            Layout::A => self.val(&format!("extractvalue {} {}, 6, {d}", llty(&v.ty), v.r)),
        }
    }

    /// Build an array struct from parts.
    pub(super) fn make_array(
        &mut self,
        a: &ArrayTy,
        meminfo: &str,
        parent: &str,
        data: &str,
        shape: &[String],
        strides: &[String],
    ) -> V {
        let ty = Ty::Array(*a);
        let lt = llty(&ty);
        let mut cur = self.val(&format!("insertvalue {lt} undef, ptr {meminfo}, 0"));
        cur = self.val(&format!("insertvalue {lt} {cur}, ptr {parent}, 1"));
        let mut n = "1".to_string();
        for s in shape {
            n = self.val(&format!("mul i64 {n}, {s}"));
        }
        cur = self.val(&format!("insertvalue {lt} {cur}, i64 {n}, 2"));
        cur = self.val(&format!(
            "insertvalue {lt} {cur}, i64 {}, 3",
            a.dtype.size()
        ));
        cur = self.val(&format!("insertvalue {lt} {cur}, ptr {data}, 4"));
        for (d, s) in shape.iter().enumerate() {
            cur = self.val(&format!("insertvalue {lt} {cur}, i64 {s}, 5, {d}"));
        }
        for (d, s) in strides.iter().enumerate() {
            cur = self.val(&format!("insertvalue {lt} {cur}, i64 {s}, 6, {d}"));
        }
        V::new(cur, ty)
    }

    /// A fresh C-contiguous array (a temporary of the current statement).
    /// A 0-d array seen as 1-d of shape (1,) (NumPy's `ndmin=1`), sharing its data.
    pub(super) fn zero_d_as_1d(&mut self, v: &V, a: &ArrayTy, ty: &Ty) -> V {
        let oa = ty
            .array()
            .copied()
            .unwrap_or(ArrayTy::new(a.dtype, 1, Layout::C));
        let lt = llty(&v.ty);
        let mi = self.val(&format!("extractvalue {lt} {}, 0", v.r));
        let parent = self.val(&format!("extractvalue {lt} {}, 1", v.r));
        let data = self.data(v);
        let size = a.dtype.size().to_string();
        self.make_array(&oa, &mi, &parent, &data, &["1".to_string()], &[size])
    }

    pub(super) fn alloc_array(&mut self, dtype: Dtype, shape: &[String]) -> V {
        let a = ArrayTy::new(dtype, shape.len() as u8, Layout::C);
        let mut n = "1".to_string();
        let mut anyneg = "false".to_string();
        let mut overflow = "false".to_string();
        for s in shape {
            match s.parse::<i64>() {
                Ok(k) if k >= 0 => {}
                Ok(_) => anyneg = "true".to_string(),
                Err(_) => {
                    let neg = self.val(&format!("icmp slt i64 {s}, 0"));
                    anyneg = self.val(&format!("or i1 {anyneg}, {neg}"));
                }
            }
            (n, overflow) = self.checked_mul(&n, s, &overflow);
        }
        if anyneg != "false" {
            let m = self.str_const("negative dimensions are not allowed");
            self.raise_if(&anyneg, ExcKind::ValueError, &[m]);
        }
        // NumPy's limit: the byte count must fit in a signed 64-bit size.
        let (bytes, overflow) = self.checked_mul(&n, &dtype.size().to_string(), &overflow);
        if overflow != "false" {
            let m = self.str_const(
                "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.",
            );
            self.raise_if(&overflow, ExcKind::ValueError, &[m]);
        }
        let mi = self.val(&format!("call ptr @oxjit_rt_meminfo_alloc(i64 {bytes})"));
        let null = self.val(&format!("icmp eq ptr {mi}, null"));
        let m = self.str_const("unable to allocate array data");
        self.raise_if(&null, ExcKind::MemoryError, &[m]);
        let dp = self.val(&format!("getelementptr i8, ptr {mi}, i64 8"));
        let data = self.val(&format!("load ptr, ptr {dp}"));
        let mut strides = vec![String::new(); shape.len()];
        let mut s = dtype.size().to_string();
        for d in (0..shape.len()).rev() {
            strides[d] = s.clone();
            s = self.val(&format!("mul i64 {s}, {}", shape[d]));
        }
        let v = self.make_array(&a, &mi, "null", &data, shape, &strides);
        self.own_temp(&v);
        v
    }

    /// `a * b` on i64 with signed overflow, and the overflow flag or-ed into
    /// `flag` (constants fold when both operands are known).
    fn checked_mul(&mut self, a: &str, b: &str, flag: &str) -> (String, String) {
        if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
            return match x.checked_mul(y) {
                Some(p) => (p.to_string(), flag.to_string()),
                None => (x.wrapping_mul(y).to_string(), "true".to_string()),
            };
        }
        self.m
            .declare("declare {i64, i1} @llvm.smul.with.overflow.i64(i64, i64)");
        let r = self.val(&format!(
            "call {{i64, i1}} @llvm.smul.with.overflow.i64(i64 {a}, i64 {b})"
        ));
        let p = self.val(&format!("extractvalue {{i64, i1}} {r}, 0"));
        let o = self.val(&format!("extractvalue {{i64, i1}} {r}, 1"));
        let flag = if flag == "false" {
            o
        } else {
            self.val(&format!("or i1 {flag}, {o}"))
        };
        (p, flag)
    }

    /// `a.T`: the view with the axes reversed.
    pub(super) fn transpose(&mut self, o: &V, a: &ArrayTy, ty: Ty) -> R<V> {
        let perm: Vec<usize> = (0..a.ndim as usize).rev().collect();
        self.permuted(o, a, &perm, &ty)
    }

    pub(super) fn load_elem(&mut self, d: Dtype, ptr: &str) -> V {
        let mt = mem_ty(d);
        let r = self.val(&format!("load {mt}, ptr {ptr}"));
        if d == Dtype::Bool {
            V::new(self.val(&format!("icmp ne i8 {r}, 0")), Ty::BOOL)
        } else {
            V::new(r, Ty::Scalar(d))
        }
    }

    pub(super) fn store_elem(&mut self, v: &V, ptr: &str) {
        if v.ty == Ty::BOOL {
            let b = self.val(&format!("zext i1 {} to i8", v.r));
            self.emit(&format!("store i8 {b}, ptr {ptr}"));
        } else {
            self.store(v, ptr);
        }
    }

    /// Wrap a negative index and (under boundscheck) check it.
    pub(super) fn norm_index(&mut self, i: V, n: &str, axis: usize) -> String {
        let i = self.cast(i, &Ty::I64);
        let neg = self.val(&format!("icmp slt i64 {}, 0", i.r));
        let w = self.val(&format!("add i64 {}, {n}", i.r));
        let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {}", i.r));
        if self.m.opts.boundscheck {
            let bad = self.val(&format!("icmp uge i64 {j}, {n}"));
            let p1 = self.str_const("index ");
            let p2 = self.str_const(&format!(" is out of bounds for axis {axis} with size "));
            self.raise_if(
                &bad,
                ExcKind::IndexError,
                &[p1, i.clone(), p2, V::new(n, Ty::I64)],
            );
        }
        j
    }

    /// A view for a basic index (ints and slices).
    pub(super) fn view(&mut self, b: &V, a: &ArrayTy, index: &'p Expr, out: &ArrayTy) -> R<V> {
        let mut fancy = None;
        let v = self.view_with(b, a, index, out, &mut fancy)?;
        if fancy.is_some() {
            return ice("index array in a basic view");
        }
        Ok(v)
    }

    /// A basic-indexing view; an index array part is kept as a whole axis
    /// and reported in `fancy` as (output axis, its expression).
    pub(super) fn view_with(
        &mut self,
        b: &V,
        a: &ArrayTy,
        index: &'p Expr,
        out: &ArrayTy,
        fancy: &mut Option<(usize, &'p Expr)>,
    ) -> R<V> {
        let parts = oxjit_typeck::index_kinds(index);
        let nd = a.ndim as usize;
        let mut off = "0".to_string();
        let mut shape = Vec::new();
        let mut strides = Vec::new();
        let mut d = 0usize; // input axis
        for p in &parts {
            if matches!(self.inst.ty(p), Ty::NoneType) && !matches!(p.kind, ExprKind::Slice(..)) {
                // np.newaxis: a length-1 axis.
                shape.push("1".to_string());
                strides.push("0".to_string());
                continue;
            }
            let n = self.shape(b, d);
            let s = self.stride(b, a, d);
            if matches!(self.inst.ty(p), Ty::Array(_)) {
                *fancy = Some((shape.len(), *p));
                shape.push(n);
                strides.push(s);
                d += 1;
                continue;
            }
            match &p.kind {
                ExprKind::Slice(lo, hi, st) => {
                    let (start, len, step) =
                        self.slice_bounds(lo.as_deref(), hi.as_deref(), st.as_deref(), &n)?;
                    let t = self.val(&format!("mul i64 {start}, {s}"));
                    off = self.val(&format!("add i64 {off}, {t}"));
                    shape.push(len);
                    strides.push(if step == "1" {
                        s
                    } else {
                        self.val(&format!("mul i64 {s}, {step}"))
                    });
                }
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
                | ExprKind::Tuple(_)
                | ExprKind::List(_)
                | ExprKind::Lambda(_)
                | ExprKind::Unsupported(_) => {
                    let iv = self.expr(p)?;
                    let j = self.norm_index(iv, &n, d);
                    let t = self.val(&format!("mul i64 {j}, {s}"));
                    off = self.val(&format!("add i64 {off}, {t}"));
                }
            }
            d += 1;
        }
        while d < nd {
            shape.push(self.shape(b, d));
            strides.push(self.stride(b, a, d));
            d += 1;
        }
        let data = self.data(b);
        let ptr = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&b.ty), b.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&b.ty), b.r));
        Ok(self.make_array(out, &mi, &parent, &ptr, &shape, &strides))
    }

    /// Python's slice normalisation: (start, length, step).
    fn slice_bounds(
        &mut self,
        lo: Option<&'p Expr>,
        hi: Option<&'p Expr>,
        st: Option<&'p Expr>,
        n: &str,
    ) -> R<(String, String, String)> {
        let opt = |s: &mut Self, e: Option<&'p Expr>| -> R<Option<String>> {
            match e {
                None => Ok(None),
                Some(x) => {
                    let v = s.expr(x)?;
                    if v.ty == Ty::NoneType {
                        Ok(None)
                    } else {
                        Ok(Some(s.cast(v, &Ty::I64).r))
                    }
                }
            }
        };
        let lo = opt(self, lo)?;
        let hi = opt(self, hi)?;
        let step = opt(self, st)?;
        let Some(step) = step.filter(|s| s != "1") else {
            // Unit step: clamp into [0, n].
            let clamp = |s: &mut Self, v: Option<String>, dflt: &str| -> String {
                match v {
                    None => dflt.to_string(),
                    Some(v) => {
                        let neg = s.val(&format!("icmp slt i64 {v}, 0"));
                        let w = s.val(&format!("add i64 {v}, {n}"));
                        let w = s.val(&format!("select i1 {neg}, i64 {w}, i64 {v}"));
                        let lo0 = s.val(&format!("icmp slt i64 {w}, 0"));
                        let w = s.val(&format!("select i1 {lo0}, i64 0, i64 {w}"));
                        let hi0 = s.val(&format!("icmp sgt i64 {w}, {n}"));
                        s.val(&format!("select i1 {hi0}, i64 {n}, i64 {w}"))
                    }
                }
            };
            let start = clamp(self, lo, "0");
            let stop = clamp(self, hi, n);
            let d = self.val(&format!("sub i64 {stop}, {start}"));
            let pos = self.val(&format!("icmp sgt i64 {d}, 0"));
            let len = self.val(&format!("select i1 {pos}, i64 {d}, i64 0"));
            return Ok((start, len, "1".into()));
        };
        let z = self.val(&format!("icmp eq i64 {step}, 0"));
        let m = self.str_const("slice step cannot be zero");
        self.raise_if(&z, ExcKind::ValueError, &[m]);
        let neg = self.val(&format!("icmp slt i64 {step}, 0"));
        let adjust = |s: &mut Self, v: Option<String>, dflt_pos: &str, dflt_neg: &str| -> String {
            match v {
                None => s.val(&format!("select i1 {neg}, i64 {dflt_neg}, i64 {dflt_pos}")),
                Some(v) => {
                    let isneg = s.val(&format!("icmp slt i64 {v}, 0"));
                    let w = s.val(&format!("add i64 {v}, {n}"));
                    let w = s.val(&format!("select i1 {isneg}, i64 {w}, i64 {v}"));
                    let below = s.val(&format!("icmp slt i64 {w}, 0"));
                    let lowv = s.val(&format!("select i1 {neg}, i64 -1, i64 0"));
                    let w2 = s.val(&format!("select i1 {below}, i64 {lowv}, i64 {w}"));
                    let above = s.val(&format!("icmp sge i64 {w2}, {n}"));
                    let nm1 = s.val(&format!("sub i64 {n}, 1"));
                    let highv = s.val(&format!("select i1 {neg}, i64 {nm1}, i64 {n}"));
                    s.val(&format!("select i1 {above}, i64 {highv}, i64 {w2}"))
                }
            }
        };
        let nm1 = self.val(&format!("sub i64 {n}, 1"));
        let start = adjust(self, lo, "0", &nm1);
        let stop = adjust(self, hi, n, "-1");
        // length = step<0 ? (stop<start ? (start-stop-1)/(-step)+1 : 0) : (start<stop ? (stop-start-1)/step+1 : 0)
        let d1 = self.val(&format!("sub i64 {start}, {stop}"));
        let d1 = self.val(&format!("sub i64 {d1}, 1"));
        let ns = self.val(&format!("sub i64 0, {step}"));
        let q1 = self.val(&format!("sdiv i64 {d1}, {ns}"));
        let q1 = self.val(&format!("add i64 {q1}, 1"));
        let c1 = self.val(&format!("icmp slt i64 {stop}, {start}"));
        let l1 = self.val(&format!("select i1 {c1}, i64 {q1}, i64 0"));
        let d2 = self.val(&format!("sub i64 {stop}, {start}"));
        let d2 = self.val(&format!("sub i64 {d2}, 1"));
        let sp = self.val(&format!("select i1 {neg}, i64 1, i64 {step}"));
        let q2 = self.val(&format!("sdiv i64 {d2}, {sp}"));
        let q2 = self.val(&format!("add i64 {q2}, 1"));
        let c2 = self.val(&format!("icmp slt i64 {start}, {stop}"));
        let l2 = self.val(&format!("select i1 {c2}, i64 {q2}, i64 0"));
        let len = self.val(&format!("select i1 {neg}, i64 {l1}, i64 {l2}"));
        Ok((start, len, step))
    }

    /// Copy a scalar or an array (broadcast along leading axes) into a view.
    pub(super) fn assign_into(&mut self, target: &V, t: &ArrayTy, v: V) -> R<()> {
        match v.ty.clone() {
            Ty::Scalar(_) => {
                let v = self.cast(v, &Ty::Scalar(t.dtype));
                let shape: Vec<String> = (0..t.ndim as usize)
                    .map(|d| self.shape(target, d))
                    .collect();
                let lp = self.nd_open(&shape);
                let ptr = self.nd_ptr(target, t, &lp.idx);
                self.store_elem(&v, &ptr);
                self.nd_close(lp);
                Ok(())
            }
            Ty::Array(s) => {
                let nt = t.ndim as usize;
                let ns = s.ndim as usize;
                // Shapes must match on the trailing axes (size-1 source axes broadcast).
                for k in 0..ns {
                    let dt = nt - ns + k;
                    let a = self.shape(target, dt);
                    let b = self.shape(&v, k);
                    let ne = self.val(&format!("icmp ne i64 {a}, {b}"));
                    let one = self.val(&format!("icmp ne i64 {b}, 1"));
                    let bad = self.val(&format!("and i1 {ne}, {one}"));
                    let m1 = self.str_const("could not broadcast input array from shape (");
                    let m2 = self.str_const(&format!(",) into axis {dt} of size "));
                    self.raise_if(
                        &bad,
                        ExcKind::ValueError,
                        &[m1, V::new(b, Ty::I64), m2, V::new(a, Ty::I64)],
                    );
                }
                // Source and target may overlap (a[1:] = a[:-1]) only when they
                // share an owner: copy first in that case.
                let src = self.copy_if_shared(&v, &s, target)?;
                let shape: Vec<String> = (0..nt).map(|d| self.shape(target, d)).collect();
                let lp = self.nd_open(&shape);
                let sidx: Vec<String> = (0..ns)
                    .map(|k| {
                        let b = self.shape(&src, k);
                        let one = self.val(&format!("icmp eq i64 {b}, 1"));
                        let i = lp.idx[nt - ns + k].clone();
                        self.val(&format!("select i1 {one}, i64 0, i64 {i}"))
                    })
                    .collect();
                let sa = ArrayTy {
                    layout: Layout::A,
                    ..s
                };
                let sp = self.nd_ptr(&src, &sa, &sidx);
                let x = self.load_elem(s.dtype, &sp);
                let x = self.cast(x, &Ty::Scalar(t.dtype));
                let tp = self.nd_ptr(target, t, &lp.idx);
                self.store_elem(&x, &tp);
                self.nd_close(lp);
                Ok(())
            }
            other @ (Ty::NoneType
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
            | Ty::Unknown) => ice(format!("cannot assign {other} into an array")),
        }
    }

    /// `v` itself, or a C copy when it may alias `target` (same MemInfo and
    /// same Python parent). The returned type is A-layout either way.
    pub(super) fn copy_if_shared(&mut self, v: &V, a: &ArrayTy, target: &V) -> R<V> {
        let lv = llty(&v.ty);
        let lt = llty(&target.ty);
        let m1 = self.val(&format!("extractvalue {lv} {}, 0", v.r));
        let m2 = self.val(&format!("extractvalue {lt} {}, 0", target.r));
        let p1 = self.val(&format!("extractvalue {lv} {}, 1", v.r));
        let p2 = self.val(&format!("extractvalue {lt} {}, 1", target.r));
        let e1 = self.val(&format!("icmp eq ptr {m1}, {m2}"));
        let e2 = self.val(&format!("icmp eq ptr {p1}, {p2}"));
        let mut shared = self.val(&format!("and i1 {e1}, {e2}"));
        // The very same view (data, shape and strides) needs no copy: each
        // element is read before it is written, as NumPy does in place (and
        // a one-element product then takes NumPy's reduce loop).
        if let Ty::Array(ta) = &target.ty {
            if ta.ndim == a.ndim {
                let (d1, d2) = (self.data(v), self.data(target));
                let mut same = self.val(&format!("icmp eq ptr {d1}, {d2}"));
                for d in 0..a.ndim as usize {
                    let (n1, n2) = (self.shape(v, d), self.shape(target, d));
                    let (s1, s2) = (self.stride(v, a, d), self.stride(target, ta, d));
                    let en = self.val(&format!("icmp eq i64 {n1}, {n2}"));
                    let es = self.val(&format!("icmp eq i64 {s1}, {s2}"));
                    let e = self.val(&format!("and i1 {en}, {es}"));
                    same = self.val(&format!("and i1 {same}, {e}"));
                }
                let differs = self.val(&format!("xor i1 {same}, true"));
                shared = self.val(&format!("and i1 {shared}, {differs}"));
            }
        }
        let at = Ty::Array(ArrayTy {
            layout: Layout::A,
            ..*a
        });
        let slot = self.alloca(&llty(&at));
        self.store(&V::new(v.r.clone(), at.clone()), &slot);
        let (l1, l2) = (self.label("ovl"), self.label("noovl"));
        self.cbr(&shared, &l1, &l2);
        self.start(&l1);
        let c = self.copy_array(v, a)?;
        self.store(&V::new(c.r, at.clone()), &slot);
        self.start(&l2);
        Ok(self.load(&at, &slot))
    }

    pub(super) fn nd_ptr(&mut self, v: &V, a: &ArrayTy, idx: &[String]) -> String {
        let mut off = "0".to_string();
        for (d, i) in idx.iter().enumerate() {
            let s = self.stride(v, a, d);
            let t = self.val(&format!("mul nsw i64 {i}, {s}"));
            off = self.val(&format!("add nsw i64 {off}, {t}"));
        }
        let data = self.data(v);
        self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"))
    }

    /// Open nested counted loops over `shape` (outermost first).
    pub(super) fn nd_open(&mut self, shape: &[String]) -> NdLoop {
        let mut lp = NdLoop {
            idx: Vec::new(),
            levels: Vec::new(),
        };
        for n in shape {
            let ctr = self.alloca("i64");
            self.emit(&format!("store i64 0, ptr {ctr}"));
            let (head, body, exit) = (self.label("nd"), self.label("ndb"), self.label("nde"));
            self.start(&head);
            let i = self.val(&format!("load i64, ptr {ctr}"));
            let c = self.val(&format!("icmp slt i64 {i}, {n}"));
            self.cbr(&c, &body, &exit);
            self.start(&body);
            lp.idx.push(i.clone());
            lp.levels.push((ctr, head, exit, i));
        }
        lp
    }

    /// Close a one-level loop whose back edge carries `!llvm.loop !10`.
    pub(super) fn nd_close_forced(&mut self, lp: NdLoop) {
        for (ctr, head, exit, i) in lp.levels.into_iter().rev() {
            let nx = self.val(&format!("add nsw i64 {i}, 1"));
            self.emit(&format!("store i64 {nx}, ptr {ctr}"));
            self.emit(&format!("br label %{head}, !llvm.loop !10"));
            self.terminated = true;
            self.start(&exit);
        }
    }

    pub(super) fn nd_close(&mut self, lp: NdLoop) {
        for (ctr, head, exit, i) in lp.levels.into_iter().rev() {
            let nx = self.val(&format!("add nsw i64 {i}, 1"));
            self.emit(&format!("store i64 {nx}, ptr {ctr}"));
            self.br(&head);
            self.start(&exit);
        }
    }

    /// A C-contiguous copy of an array (a temporary).
    pub(super) fn copy_array(&mut self, v: &V, a: &ArrayTy) -> R<V> {
        let nd = a.ndim as usize;
        let shape: Vec<String> = (0..nd).map(|d| self.shape(v, d)).collect();
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        let lp = self.nd_open(&shape);
        let sp = self.nd_ptr(v, a, &lp.idx);
        let x = self.load_elem(a.dtype, &sp);
        let dp = self.nd_ptr(&out, &oa, &lp.idx);
        self.store_elem(&x, &dp);
        self.nd_close(lp);
        Ok(out)
    }
}

pub(crate) struct NdLoop {
    pub idx: Vec<String>,
    levels: Vec<(String, String, String, String)>,
}
