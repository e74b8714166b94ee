//! `np.random.*` (the legacy global generator): one runtime call per draw.

use super::*;

/// NumPy's largest Poisson mean (legacy `poisson`: "lam value too large").
const POISSON_LAM_MAX: f64 = 9.223372006484771e18;

impl<'p> FnGen<'_, 'p> {
    /// `np.random.*`: one runtime call per draw; `size` fills a new array.
    pub(super) fn random(&mut self, r: Rand, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        match r {
            Rand::Choice => {
                // The Generator code path with no receiver: the legacy state.
                let mut all = vec![V::unit(Ty::Generator)];
                all.extend(args);
                return self.gen_choice(None, &all, call, ty);
            }
            Rand::Shuffle | Rand::Permutation => {
                return self.shuffle_or_permute(None, r == Rand::Shuffle, &args[0]);
            }
            Rand::Seed
            | Rand::Random
            | Rand::Rand
            | Rand::Randn
            | Rand::Randint
            | Rand::Uniform
            | Rand::Normal
            | Rand::StandardNormal
            | Rand::Exponential
            | Rand::Poisson
            | Rand::Binomial
            | Rand::Beta
            | Rand::Gamma
            | Rand::StandardGamma
            | Rand::Geometric => {}
        }
        let spec = rand_spec(r);
        let rt = if spec.int_result { "i64" } else { "double" };
        if r == Rand::Seed {
            let v = self.cast(args[0].clone(), &Ty::Scalar(Dtype::U32));
            self.call_void(&format!("@{}", spec.symbol), &format!("i32 {}", v.r));
            return Ok(V::unit(Ty::NoneType));
        }
        let np = spec.params.len();
        let (params, size): (Vec<V>, Option<V>) = if matches!(r, Rand::Rand | Rand::Randn) {
            (
                Vec::new(),
                if args.is_empty() {
                    None
                } else {
                    Some(self.build_tuple(args.clone()))
                },
            )
        } else {
            let mut ps = Vec::new();
            for (i, (name, dflt)) in spec.params.iter().enumerate() {
                let v = match args.get(i) {
                    Some(v) => Some(v.clone()),
                    None => self.kwarg(call, name)?,
                };
                ps.push(match (v, dflt) {
                    (Some(v), _) => v,
                    (None, Some(d)) => V::new(fconst(*d, Dtype::F64), Ty::F64),
                    (None, None) => V::new("0", Ty::I64),
                });
            }
            if r == Rand::Randint && args.len() < 2 && self.kwarg(call, "high")?.is_none() {
                // randint(high): draws from [0, high).
                ps = vec![V::new("0", Ty::I64), ps[0].clone()];
            }
            let size = match args.get(np) {
                Some(v) => Some(v.clone()),
                None => self.kwarg(call, "size")?,
            };
            (ps, size.filter(|v| v.ty != Ty::NoneType))
        };
        let mut cargs = Vec::new();
        let mut casted = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let int = spec.int_params.get(i).copied().unwrap_or(false);
            let v = self.cast(p.clone(), if int { &Ty::I64 } else { &Ty::F64 });
            cargs.push(format!("{} {}", if int { "i64" } else { "double" }, v.r));
            casted.push(v);
        }
        // Integer bounds (any integer width, compared as int64 after the cast).
        if r == Rand::Randint
            && params
                .iter()
                .all(|p| p.ty.scalar().is_some_and(|d| d.is_int()))
        {
            let bad = self.val(&format!("icmp sge i64 {}, {}", casted[0].r, casted[1].r));
            let m = self.str_const("low >= high");
            self.raise_if(&bad, ExcKind::ValueError, &[m]);
        }
        // NumPy's argument checks for the common distributions.
        let check = |s: &mut Self, i: usize, pred: &str, msg: &str| {
            if let Some(p) = params.get(i) {
                let v = s.cast(p.clone(), &Ty::F64);
                let bad = s.val(&format!("fcmp {pred} double {}, 0.0", v.r));
                let m = s.str_const(msg);
                s.raise_if(&bad, ExcKind::ValueError, &[m]);
            }
        };
        match r {
            Rand::Normal => check(self, 1, "olt", "scale < 0"),
            Rand::Exponential => check(self, 0, "olt", "scale < 0"),
            Rand::Gamma => {
                check(self, 0, "olt", "shape < 0");
                check(self, 1, "olt", "scale < 0");
            }
            Rand::StandardGamma => check(self, 0, "olt", "shape < 0"),
            // Unordered comparisons: NaN parameters fail too, as in NumPy.
            Rand::Poisson => {
                check(self, 0, "ult", "lam < 0 or lam is NaN");
                let big = self.val(&format!(
                    "fcmp ogt double {}, {}",
                    casted[0].r,
                    fconst(POISSON_LAM_MAX, Dtype::F64)
                ));
                let m = self.str_const("lam value too large");
                self.raise_if(&big, ExcKind::ValueError, &[m]);
            }
            Rand::Geometric => {
                let (p, msg) = (&casted[0].r, "p <= 0, p > 1 or p contains NaNs");
                let lo = self.val(&format!("fcmp ule double {p}, 0.0"));
                let hi = self.val(&format!("fcmp ugt double {p}, 1.0"));
                let bad = self.val(&format!("or i1 {lo}, {hi}"));
                let m = self.str_const(msg);
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
            }
            Rand::Binomial => {
                let p = &casted[1].r;
                let lo = self.val(&format!("fcmp ult double {p}, 0.0"));
                let hi = self.val(&format!("fcmp ugt double {p}, 1.0"));
                let bad = self.val(&format!("or i1 {lo}, {hi}"));
                let m = self.str_const("p < 0, p > 1 or p is NaN");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                let neg = self.val(&format!("icmp slt i64 {}, 0", casted[0].r));
                let m = self.str_const("n < 0");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
            }
            Rand::Beta => {
                check(self, 0, "ole", "a <= 0");
                check(self, 1, "ole", "b <= 0");
            }
            Rand::Seed
            | Rand::Random
            | Rand::Rand
            | Rand::Randn
            | Rand::Randint
            | Rand::Uniform
            | Rand::StandardNormal
            | Rand::Choice
            | Rand::Shuffle
            | Rand::Permutation => {}
        }
        // The scalar draws take the thread's state fetched once per function.
        let draw = if matches!(
            r,
            Rand::Random
                | Rand::Rand
                | Rand::Randn
                | Rand::StandardNormal
                | Rand::Randint
                | Rand::Uniform
                | Rand::Normal
                | Rand::Exponential
                | Rand::StandardGamma
                | Rand::Gamma
                | Rand::Beta
                | Rand::Poisson
                | Rand::Binomial
                | Rand::Geometric
        ) {
            if !self.rand_state {
                self.rand_state = true;
                let _ = writeln!(
                    self.allocas,
                    "  %rstate = call ptr @oxjit_rt_random_state()"
                );
            }
            let mut all = vec!["ptr %rstate".to_string()];
            all.extend(cargs.iter().cloned());
            format!("call {rt} @{}_s({})", spec.symbol, all.join(", "))
        } else {
            format!("call {rt} @{}({})", spec.symbol, cargs.join(", "))
        };
        let elem = Ty::Scalar(if spec.int_result {
            Dtype::I64
        } else {
            Dtype::F64
        });
        let Some(size) = size else {
            return Ok(V::new(self.val(&draw), elem));
        };
        let Ty::Array(a) = ty else {
            return ice("random size result");
        };
        let shape: Vec<String> = match size.ty.clone() {
            Ty::Tuple(items) => (0..items.len())
                .map(|i| {
                    let x = self.extract(&size, i, items[i].clone());
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
            | Ty::Unknown => vec![self.cast(size, &Ty::I64).r],
        };
        let out = self.alloc_array(a.dtype, &shape);
        let n = self.nitems(&out);
        let lp = self.nd_open(std::slice::from_ref(&n));
        let x = V::new(self.val(&draw), elem);
        let data = self.data(&out);
        let off = self.val(&format!("mul nsw i64 {}, {}", lp.idx[0], a.dtype.size()));
        let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        self.store_elem(&x, &p);
        self.nd_close(lp);
        Ok(out)
    }
}
