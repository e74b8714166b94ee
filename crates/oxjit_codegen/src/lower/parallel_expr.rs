//! Array expressions of `parallel=True` functions on the worker pool, as
//! Numba's parfors run them: an element-wise expression into a new array,
//! and `sum`/`mean`/`max`/`min` of one, split into chunks of rows (the first
//! axis of the result). Each chunk runs the same fused loop over views of its
//! rows; reductions combine the chunks' partial results in chunk order, so a
//! float sum is not NumPy's pairwise sum to the last bit (nor is Numba's).
//! Within a chunk, a float sum or product may be reassociated too
//! (`FnGen::reassoc`: LLVM keeps several partial sums and vectorises), which
//! stays within the same reassociation error.
//! Below `PAR_EXPR_CUTOFF` elements the expression runs on the caller.
//! Reductions along an axis (`a.max(axis=0)`, integer sums, `argmin`, ...)
//! split the result's first axis instead: each output element is reduced
//! by one chunk, in the serial order, so they give the serial bits.

use super::elementwise::Node;
use super::*;

/// Elements below which an array expression runs serially: the pool's
/// fork/join costs about as much as this many simple element operations.
pub(super) const PAR_EXPR_CUTOFF: i64 = 32 * 1024;

/// What an outlined chunk computes.
#[derive(Clone, Copy)]
enum Job {
    /// The rows of the last leaf (the output array).
    Into,
    /// A partial reduction of its rows into its slot of `red`.
    Reduce(Reduce, Dtype, Dtype),
}

impl<'p> FnGen<'_, 'p> {
    /// Whether array expressions here may run on the pool.
    pub(super) fn parallel_exprs(&self) -> bool {
        self.m.opts.parallel && !self.in_parallel
    }

    /// `fused` (a new C array from an element-wise expression), split over
    /// the pool when large.
    pub(super) fn fused_parallel(&mut self, e: &'p Expr, a: ArrayTy) -> R<V> {
        self.par_note(
            e,
            &format!("array expression runs in parallel from {PAR_EXPR_CUTOFF} elements"),
        );
        let mut leaves = Vec::new();
        let node = self.tree(e, &mut leaves)?;
        let nd = a.ndim as usize;
        let shape = self.broadcast_shape(&leaves, nd)?;
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        let total = self.nitems(&out);
        let (par, ser, join) = (
            self.label("pxpar"),
            self.label("pxser"),
            self.label("pxjoin"),
        );
        let big = self.val(&format!("icmp sge i64 {total}, {PAR_EXPR_CUTOFF}"));
        self.cbr(&big, &par, &ser);
        self.start(&ser);
        self.fused_into(&out, &oa, &node, &leaves)?;
        self.br(&join);
        self.start(&par);
        let mut all = leaves.clone();
        all.push(out.clone());
        self.run_rows(&node, &all, nd, &shape[0], Job::Into, None)?;
        self.br(&join);
        self.start(&join);
        Ok(out)
    }

    /// `np.sum/mean/max/min` of a large element-wise expression of real
    /// numbers, on the pool; None for any other reduction.
    pub(super) fn reduce_parallel(&mut self, r: Reduce, x: &'p Expr, ty: &Ty) -> R<Option<V>> {
        let (Ty::Array(xa), Some(out)) = (self.inst.ty(x).clone(), ty.scalar()) else {
            return Ok(None);
        };
        let d = xa.dtype;
        let ok = match r {
            Reduce::Sum | Reduce::Max | Reduce::Min => d.is_float() || d.is_int(),
            Reduce::Mean => d.is_float() && out == d,
            Reduce::Prod
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
            | Reduce::NanStd => false,
        };
        if !ok || xa.ndim == 0 {
            return Ok(None);
        }
        self.par_note(
            x,
            &format!(
                "{r:?} of an array expression runs in parallel from {PAR_EXPR_CUTOFF} elements"
            )
            .to_lowercase(),
        );
        let nd = xa.ndim as usize;
        let mut leaves = Vec::new();
        let node = self.tree(x, &mut leaves)?;
        let shape = self.broadcast_shape(&leaves, nd)?;
        let mut total = "1".to_string();
        for s in &shape {
            total = self.val(&format!("mul i64 {total}, {s}"));
        }
        let t = scalar_ty(out);
        let res = self.alloca(t);
        let (par, ser, join) = (
            self.label("prpar"),
            self.label("prser"),
            self.label("prjoin"),
        );
        let big = self.val(&format!("icmp sge i64 {total}, {PAR_EXPR_CUTOFF}"));
        self.cbr(&big, &par, &ser);
        self.start(&ser);
        let bflags = self.broadcast_flags(&leaves);
        let replayable = std::mem::replace(&mut self.replayable, !node.has_kernel());
        let v = {
            let (node, leaves) = (&node, &leaves);
            let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
                let v = s.eval_at(node, leaves, &bflags, nd, idx)?;
                Ok(s.cast(v, &Ty::Scalar(d)))
            };
            self.reduce_seq(r, &shape, &mut get, d, out)
        };
        self.replayable = replayable;
        let v = v?;
        let v = self.cast(v, &Ty::Scalar(out));
        self.emit(&format!("store {t} {}, ptr {res}", v.r));
        self.br(&join);
        self.start(&par);
        let partial = if r == Reduce::Mean { Reduce::Sum } else { r };
        let red = self.alloca(&format!("[{} x {t}]", oxjit_runtime::parallel::MAX_CHUNKS));
        let chunks = self.run_rows(
            &node,
            &leaves,
            nd,
            &shape[0],
            Job::Reduce(partial, d, out),
            Some(&red),
        )?;
        // Combine the chunks' results in order.
        let first = self.val(&format!("getelementptr {t}, ptr {red}, i64 0"));
        let v0 = self.load(&Ty::Scalar(out), &first);
        self.store(&v0, &res);
        let rest = self.val(&format!("sub i64 {chunks}, 1"));
        let lp = self.nd_open(&[rest]);
        let c = self.val(&format!("add i64 {}, 1", lp.idx[0]));
        let p = self.val(&format!("getelementptr {t}, ptr {red}, i64 {c}"));
        let part = self.load(&Ty::Scalar(out), &p);
        let acc = self.load(&Ty::Scalar(out), &res);
        let next = if matches!(partial, Reduce::Max | Reduce::Min) {
            // The serial loop's rule: the first of equal values, the first NaN.
            self.first_extremum(partial == Reduce::Min, acc, part)?
        } else {
            self.scalar_binop(BinOp::Add, acc, part, out, out)?
        };
        let next = self.cast(next, &Ty::Scalar(out));
        self.store(&next, &res);
        self.nd_close(lp);
        if r == Reduce::Mean {
            let acc = self.load(&Ty::Scalar(out), &res);
            let n = self.cast(V::new(total, Ty::I64), &Ty::Scalar(out));
            let m = self.scalar_binop(BinOp::Div, acc, n, out, out)?;
            let m = self.cast(m, &Ty::Scalar(out));
            self.store(&m, &res);
        }
        self.br(&join);
        self.start(&join);
        Ok(Some(self.load(&Ty::Scalar(out), &res)))
    }

    /// Run `job` over the rows `0..rows` of the broadcast result on the pool:
    /// the values `all` are spilled to a context the outlined chunk reads.
    /// The chunk count (a register).
    fn run_rows(
        &mut self,
        node: &Node<'p>,
        all: &[V],
        nd: usize,
        rows: &str,
        job: Job,
        red: Option<&str>,
    ) -> R<String> {
        let tys: Vec<Ty> = all.iter().map(|v| v.ty.clone()).collect();
        let st = format!(
            "{{{}}}",
            tys.iter().map(llty).collect::<Vec<_>>().join(", ")
        );
        let ctx = self.alloca(&st);
        for (j, v) in all.iter().enumerate() {
            let p = self.val(&format!("getelementptr {st}, ptr {ctx}, i32 0, i32 {j}"));
            self.store(v, &p);
        }
        let name = format!("{}.pexpr{}", self.m.fname(self.idx), self.n);
        self.n += 1;
        let text = {
            let mut g = FnGen::outlined(self.m, self.p, self.idx);
            let mut views = Vec::new();
            for (j, (t, v)) in tys.iter().zip(all).enumerate() {
                // A constant operand (`x ** 2`) stays a constant, which LLVM
                // folds (`pow(x, 2)` is one multiply); others come from ctx.
                if !v.r.starts_with('%') {
                    views.push(v.clone());
                    continue;
                }
                let p = g.val(&format!("getelementptr {st}, ptr %ctx, i32 0, i32 {j}"));
                let v = g.load(t, &p);
                views.push(g.row_view(&v, nd));
            }
            g.chunk_job(node, &mut views, nd, job)?;
            g.br("cleanup");
            g.finish_with(&name, "ptr %ctx, i64 %lo, i64 %hi, ptr %red")
        };
        self.m.add_function(&text);
        let chunks = self.val(&format!("call i64 @oxjit_rt_parallel_chunks(i64 {rows})"));
        let (red, size) = match (red, job) {
            (Some(r), Job::Reduce(_, _, out)) => (r.to_string(), out.size().to_string()),
            _ => ("null".to_string(), "0".to_string()),
        };
        self.run_region(&name, &ctx, rows, &chunks, (&red, &size), &mut |_| {});
        Ok(chunks)
    }

    /// The body of an outlined chunk: `job` over the row views.
    fn chunk_job(&mut self, node: &Node<'p>, views: &mut Vec<V>, nd: usize, job: Job) -> R<()> {
        match job {
            Job::Into => {
                let out = views.pop().ok_or("parallel output")?;
                let oa = out.ty.array().copied().ok_or("parallel output type")?;
                self.fused_into(&out, &oa, node, views)?;
            }
            Job::Reduce(r, d, out) => {
                let shape = self.broadcast_shape(views, nd)?;
                let bflags = self.broadcast_flags(views);
                let views = &*views;
                let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
                    let v = s.eval_at(node, views, &bflags, nd, idx)?;
                    Ok(s.cast(v, &Ty::Scalar(d)))
                };
                // Sums and products of floats only (min/max are exact in
                // any order; integers are too).
                self.reassoc =
                    matches!(r, Reduce::Sum | Reduce::Mean | Reduce::Prod) && d.is_float();
                self.replayable = !node.has_kernel();
                let v = self.reduce_seq(r, &shape, &mut get, d, out);
                self.reassoc = false;
                self.replayable = true;
                let v = v?;
                let v = self.cast(v, &Ty::Scalar(out));
                self.store(&v, "%red");
            }
        }
        Ok(())
    }

    /// `reduce_axis_into` split over the pool when `v` is large: the chunks
    /// take the rows `lo..hi` of `out`'s first axis, which is `v`'s axis 0,
    /// or axis 1 when `ax` is 0.
    pub(super) fn reduce_axis_parallel(
        &mut self,
        r: Reduce,
        v: &V,
        a: &ArrayTy,
        ax: usize,
        out: &V,
        oa: &ArrayTy,
    ) -> R<()> {
        let split = usize::from(ax == 0);
        let rows = self.shape(v, split);
        let total = self.nitems(v);
        let (par, ser, join) = (
            self.label("paxpar"),
            self.label("paxser"),
            self.label("paxjoin"),
        );
        let big = self.val(&format!("icmp sge i64 {total}, {PAR_EXPR_CUTOFF}"));
        let many = self.val(&format!("icmp sgt i64 {rows}, 1"));
        let go = self.val(&format!("and i1 {big}, {many}"));
        self.cbr(&go, &par, &ser);
        self.start(&ser);
        self.reduce_axis_into(r, (v, a), ax, (out, oa), None)?;
        self.br(&join);
        self.start(&par);
        // The arrays, and `ddof=` of var/std (a value of this function).
        let st = format!("{{{}, {}, i64}}", llty(&v.ty), llty(&out.ty));
        let ctx = self.alloca(&st);
        for (j, x) in [v, out].into_iter().enumerate() {
            let p = self.val(&format!("getelementptr {st}, ptr {ctx}, i32 0, i32 {j}"));
            self.store(x, &p);
        }
        let ddof = self.ddof.clone();
        let p = self.val(&format!("getelementptr {st}, ptr {ctx}, i32 0, i32 2"));
        self.emit(&format!(
            "store i64 {}, ptr {p}",
            ddof.as_deref().unwrap_or("0")
        ));
        let mean_dtype = self.mean_dtype;
        let name = format!("{}.paxis{}", self.m.fname(self.idx), self.n);
        self.n += 1;
        let text = {
            // The whole arrays, so their layouts stay known (a view of some
            // columns would be strided, and its inner loop not vectorised).
            let mut g = FnGen::outlined(self.m, self.p, self.idx);
            let mut xs = Vec::new();
            for (j, x) in [v, out].into_iter().enumerate() {
                let p = g.val(&format!("getelementptr {st}, ptr %ctx, i32 0, i32 {j}"));
                xs.push(g.load(&x.ty, &p));
            }
            if ddof.is_some() {
                let p = g.val(&format!("getelementptr {st}, ptr %ctx, i32 0, i32 2"));
                g.ddof = Some(g.val(&format!("load i64, ptr {p}")));
            }
            g.mean_dtype = mean_dtype;
            let part = Some(("%lo", "%hi"));
            g.reduce_axis_into(r, (&xs[0], a), ax, (&xs[1], oa), part)?;
            g.br("cleanup");
            g.finish_with(&name, "ptr %ctx, i64 %lo, i64 %hi, ptr %red")
        };
        self.m.add_function(&text);
        let chunks = if split == 0 {
            self.val(&format!("call i64 @oxjit_rt_parallel_chunks(i64 {rows})"))
        } else {
            // Columns: one chunk per thread, as `oxjit_rt_sum_axis_par`
            // does; finer chunks cut each row the prefetcher streams into
            // short pieces, and ran slower than the serial loop.
            // (No empty chunk: `per` rows each, the last one shorter.)
            let t = self.val("call i64 @oxjit_rt_num_threads()");
            let few = self.val(&format!("icmp slt i64 {t}, {rows}"));
            let t = self.val(&format!("select i1 {few}, i64 {t}, i64 {rows}"));
            let per = self.val(&format!("add i64 {rows}, {t}"));
            let per = self.val(&format!("sub i64 {per}, 1"));
            let per = self.val(&format!("sdiv i64 {per}, {t}"));
            let c = self.val(&format!("add i64 {rows}, {per}"));
            let c = self.val(&format!("sub i64 {c}, 1"));
            self.val(&format!("sdiv i64 {c}, {per}"))
        };
        self.run_region(&name, &ctx, &rows, &chunks, ("null", "0"), &mut |_| {});
        self.br(&join);
        self.start(&join);
        Ok(())
    }

    /// In an outlined chunk: the rows `%lo..%hi` of an operand whose first
    /// axis is the result's (a length-1 axis broadcasts and is kept; an
    /// operand of fewer dimensions broadcasts over the rows). Borrowed.
    fn row_view(&mut self, v: &V, nd: usize) -> V {
        let Ty::Array(a) = v.ty.clone() else {
            return v.clone();
        };
        let k = a.ndim as usize;
        if k < nd || k == 0 {
            return v.clone();
        }
        let lt = llty(&v.ty);
        let s0 = self.shape(v, 0);
        let one = self.val(&format!("icmp eq i64 {s0}, 1"));
        let st0 = self.stride(v, &a, 0);
        let off = self.val(&format!("mul i64 %lo, {st0}"));
        let data = self.data(v);
        let moved = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
        let data = self.val(&format!("select i1 {one}, ptr {data}, ptr {moved}"));
        let len = self.val("sub i64 %hi, %lo");
        let mut shape = vec![self.val(&format!("select i1 {one}, i64 1, i64 {len}"))];
        let mut strides = vec![st0];
        for d in 1..k {
            shape.push(self.shape(v, d));
            strides.push(self.stride(v, &a, d));
        }
        // Rows of a C array are C-contiguous; of another layout, strided.
        let va = ArrayTy {
            layout: if a.layout == Layout::C || k == 1 {
                a.layout
            } else {
                Layout::A
            },
            ..a
        };
        let mi = self.val(&format!("extractvalue {lt} {}, 0", v.r));
        let parent = self.val(&format!("extractvalue {lt} {}, 1", v.r));
        self.make_array(&va, &mi, &parent, &data, &shape, &strides)
    }
}
