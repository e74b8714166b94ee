//! NumPy ufunc and generalized-ufunc inner loops around a compiled kernel.

use super::*;

impl<'p> FnGen<'_, 'p> {
    pub(super) fn gufunc_loop(&mut self, gargs: &[GuArg], name: &str) -> R<String> {
        let nargs = gargs.len();
        let n = self.val("load i64, ptr %dims");
        let mut ptrs = Vec::new();
        let mut steps = Vec::new();
        for k in 0..nargs {
            let pp = self.val(&format!("getelementptr ptr, ptr %args, i64 {k}"));
            ptrs.push(self.val(&format!("load ptr, ptr {pp}")));
            let sp = self.val(&format!("getelementptr i64, ptr %steps, i64 {k}"));
            steps.push(self.val(&format!("load i64, ptr {sp}")));
        }
        // Core shapes and strides are loop-invariant.
        let mut geo: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for g in gargs {
            let mut shape = Vec::new();
            let mut strides = Vec::new();
            for (j, &cd) in g.core_dims.iter().enumerate() {
                let dp = self.val(&format!("getelementptr i64, ptr %dims, i64 {}", 1 + cd));
                shape.push(self.val(&format!("load i64, ptr {dp}")));
                let sp = self.val(&format!(
                    "getelementptr i64, ptr %steps, i64 {}",
                    g.core_steps + j
                ));
                strides.push(self.val(&format!("load i64, ptr {sp}")));
            }
            if let Ty::Array(a) = &g.ty {
                // `()` outputs declared as arrays: one element.
                while shape.len() < a.ndim as usize {
                    shape.push("1".into());
                    strides.push("0".into());
                }
            }
            geo.push((shape, strides));
        }
        let lp = self.nd_open(std::slice::from_ref(&n));
        let i = lp.idx[0].clone();
        let mut vals = Vec::new();
        for (k, g) in gargs.iter().enumerate() {
            let off = self.val(&format!("mul nsw i64 {i}, {}", steps[k]));
            let p = self.val(&format!(
                "getelementptr inbounds i8, ptr {}, i64 {off}",
                ptrs[k]
            ));
            match &g.ty {
                Ty::Array(a) => {
                    let (shape, strides) = geo[k].clone();
                    vals.push(self.make_array(a, "null", "null", &p, &shape, &strides));
                }
                Ty::Scalar(d) => vals.push(self.load_elem(*d, &p)),
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
                | Ty::Unknown) => return ice(format!("gufunc argument of type {other}")),
            }
        }
        let rt = self.inst.ret.clone();
        let slot = self.alloca(&llty(&rt));
        let mut args = vec![format!("ptr {slot}")];
        for v in &vals {
            args.push(format!("{} {}", llty(&v.ty), v.r));
        }
        if self.m.recursive.contains(&0) {
            let sl = self.val("call i64 @oxjit_rt_stack_limit()");
            args.push(format!("i64 {sl}"));
        }
        let f = self.m.fname(0);
        self.val(&format!("call i32 {f}({})", args.join(", ")));
        self.nd_close(lp);
        self.emit("ret void");
        Ok(format!(
            "define void @{name}(ptr noalias %args, ptr noalias %dims, ptr noalias %steps, ptr %data) {{\nentry:\n{}  br label %body\nbody:\n{}}}\n\n",
            self.allocas, self.body
        ))
    }

    pub(super) fn ufunc_loop(&mut self, ins: &[Dtype], out: Dtype, name: &str) -> R<String> {
        let nargs = ins.len() + 1;
        let n = self.val("load i64, ptr %dims");
        let mut ptrs = Vec::new();
        let mut steps = Vec::new();
        let mut contig = "true".to_string();
        for k in 0..nargs {
            let pp = self.val(&format!("getelementptr ptr, ptr %args, i64 {k}"));
            ptrs.push(self.val(&format!("load ptr, ptr {pp}")));
            let sp = self.val(&format!("getelementptr i64, ptr %steps, i64 {k}"));
            let st = self.val(&format!("load i64, ptr {sp}"));
            let d = if k < ins.len() { ins[k] } else { out };
            let c = self.val(&format!("icmp eq i64 {st}, {}", d.size()));
            contig = self.val(&format!("and i1 {contig}, {c}"));
            steps.push(st);
        }
        let (fast, slow, done) = (
            self.label("contig"),
            self.label("strided"),
            self.label("done"),
        );
        self.cbr(&contig, &fast, &slow);
        // Unit-stride path: constant strides let LLVM vectorise the kernel.
        for (lbl, unit) in [(fast, true), (slow, false)] {
            self.start(&lbl);
            let lp = self.nd_open(std::slice::from_ref(&n));
            let i = lp.idx[0].clone();
            let mut vals = Vec::new();
            for (k, d) in ins.iter().enumerate() {
                let st = if unit {
                    d.size().to_string()
                } else {
                    steps[k].clone()
                };
                let off = self.val(&format!("mul nsw i64 {i}, {st}"));
                let p = self.val(&format!(
                    "getelementptr inbounds i8, ptr {}, i64 {off}",
                    ptrs[k]
                ));
                let x = self.load_elem(*d, &p);
                let want = self.inst.args[k].clone();
                vals.push(self.cast(x, &want));
            }
            let rt = self.inst.ret.clone();
            let slot = self.alloca(&llty(&rt));
            let mut args = vec![format!("ptr {slot}")];
            for v in &vals {
                args.push(format!("{} {}", llty(&v.ty), v.r));
            }
            if self.m.recursive.contains(&0) {
                let sl = self.val("call i64 @oxjit_rt_stack_limit()");
                args.push(format!("i64 {sl}"));
            }
            let f = self.m.fname(0);
            self.val(&format!("call i32 {f}({})", args.join(", ")));
            let r = self.load(&rt, &slot);
            let r = self.cast(r, &Ty::Scalar(out));
            let st = if unit {
                out.size().to_string()
            } else {
                steps[ins.len()].clone()
            };
            let off = self.val(&format!("mul nsw i64 {i}, {st}"));
            let p = self.val(&format!(
                "getelementptr inbounds i8, ptr {}, i64 {off}",
                ptrs[ins.len()]
            ));
            self.store_elem(&r, &p);
            let force = unit && self.m.opts.fastmath && !self.m.vec_fns.is_empty();
            if force {
                self.m.force_width = fastmath_lanes(ins.iter().copied().fold(out, |a, b| {
                    if b == Dtype::F64 {
                        b
                    } else {
                        a
                    }
                }));
                self.nd_close_forced(lp);
            } else {
                self.nd_close(lp);
            }
            self.br(&done);
        }
        self.start(&done);
        self.emit("ret void");
        Ok(format!(
            "define void @{name}(ptr noalias %args, ptr noalias %dims, ptr noalias %steps, ptr %data) {{\nentry:\n{}  br label %body\nbody:\n{}}}\n\n",
            self.allocas, self.body
        ))
    }
}
