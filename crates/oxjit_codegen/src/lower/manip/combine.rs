//! Manipulations building arrays from rearranged inputs: stack, repeat, roll, partition, cross.

use super::*;

impl<'p> FnGen<'_, 'p> {
    pub(super) fn stack(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
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

    pub(super) fn column_stack(&mut self, args: &[V], ty: &Ty) -> R<V> {
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

    pub(super) fn repeat(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
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
            | Ty::Unknown => {
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

    pub(super) fn roll(&mut self, args: &[V], call: &'p Call<'p>) -> R<V> {
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
            | Ty::Unknown => vec![self.cast(shift, &Ty::I64).r],
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
    pub(super) fn partition(&mut self, args: &[V], call: &'p Call<'p>, ty: &Ty) -> R<V> {
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
            | Ty::Unknown => vec![self.cast(kth, &Ty::I64).r],
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

    pub(super) fn cross(&mut self, args: &[V], ty: &Ty) -> R<V> {
        let oa = ty.array().copied().ok_or("cross type")?;
        let d = oa.dtype;
        let (x, y) = (args[0].clone(), args[1].clone());
        let xa = x.ty.array().copied().ok_or("cross a")?;
        let ya = y.ty.array().copied().ok_or("cross b")?;
        let (nx, ny) = (xa.ndim as usize, ya.ndim as usize);
        let xs = self.shape_list(&x, nx);
        let ys = self.shape_list(&y, ny);
        let (lx, ly) = (xs[nx - 1].clone(), ys[ny - 1].clone());
        if self.p.unit.numpy >= (2, 5) {
            // NumPy 2.5 removed the 2-component cross product.
            let x3 = self.val(&format!("icmp ne i64 {lx}, 3"));
            let y3 = self.val(&format!("icmp ne i64 {ly}, 3"));
            let bad = self.val(&format!("or i1 {x3}, {y3}"));
            let pieces = [
                self.str_const(
                    "Both input arrays must be (arrays of) 3-dimensional vectors, but they are ",
                ),
                V::new(lx.clone(), Ty::I64),
                self.str_const(" and "),
                V::new(ly.clone(), Ty::I64),
                self.str_const(" dimensional instead."),
            ];
            self.raise_if(&bad, ExcKind::ValueError, &pieces);
        }
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
}
