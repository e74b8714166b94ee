//! The standard library's `random` module: one runtime call per draw on
//! compiled code's own per-thread state (`oxjit_runtime::pyrandom`), which
//! reproduces CPython's streams; fallible calls return a status and write
//! their result through a pointer.

use super::*;
use oxjit_typeck::registry::{pyrand_params, pyrand_spec, PyRand};

impl<'p> FnGen<'_, 'p> {
    /// `random.*`: arguments bound by CPython's parameter names.
    pub(super) fn pyrandom(&mut self, r: PyRand, args: Vec<V>, call: &'p Call<'p>) -> R<V> {
        let mut bound: Vec<Option<V>> = Vec::new();
        for (i, p) in pyrand_params(r).iter().enumerate() {
            bound.push(match args.get(i) {
                Some(v) => Some(v.clone()),
                None => self.kwarg(call, p)?,
            });
        }
        // An argument given as None counts as not given (seed, randrange's
        // stop, triangular's mode).
        let mut bound: Vec<Option<V>> = bound
            .into_iter()
            .map(|v| v.filter(|v| v.ty != Ty::NoneType))
            .collect();
        let int = |s: &mut Self, v: Option<V>, dflt: i64| match v {
            Some(v) => s.cast(v, &Ty::I64).r,
            None => dflt.to_string(),
        };
        match r {
            PyRand::Seed => {
                match bound[0].take() {
                    None => self.call_void("@oxjit_rt_pyrandom_seed_entropy", ""),
                    Some(v) => {
                        let mag = self.abs_as_u64(v);
                        self.call_void("@oxjit_rt_pyrandom_seed", &format!("i64 {mag}"));
                    }
                }
                Ok(V::unit(Ty::NoneType))
            }
            PyRand::Getrandbits => {
                let k = int(self, bound[0].take(), 0);
                let out = self.alloca("i64");
                let st = self.val(&format!(
                    "call i32 @oxjit_rt_pyrandom_getrandbits(i64 {k}, ptr {out})"
                ));
                self.fail_on_status(&st);
                Ok(self.load(&Ty::Scalar(Dtype::U64), &out))
            }
            PyRand::Randrange | PyRand::Randint => {
                let form = match (r, &bound[1]) {
                    (PyRand::Randint, _) => 2,
                    (_, None) => 1,
                    (_, Some(_)) => 3,
                };
                let start = int(self, bound[0].take(), 0);
                let stop = int(self, bound[1].take(), 0);
                let step = int(self, bound.get_mut(2).and_then(Option::take), 1);
                let out = self.alloca("i64");
                let st = self.val(&format!(
                    "call i32 @oxjit_rt_pyrandom_randrange(i64 {start}, i64 {stop}, i64 {step}, i32 {form}, ptr {out})"
                ));
                self.fail_on_status(&st);
                Ok(self.load(&Ty::I64, &out))
            }
            PyRand::Choice | PyRand::Shuffle => {
                let x = bound[0].take().ok_or("random.choice/shuffle argument")?;
                let Ty::Array(a) = x.ty.clone() else {
                    return ice("random.choice/shuffle of a non-array");
                };
                let n = self.shape(&x, 0);
                if r == PyRand::Shuffle {
                    self.shuffle_rows(&x, &a, &n, |s, i| {
                        let i1 = s.val(&format!("add i64 {i}, 1"));
                        s.val(&format!("call i64 @oxjit_rt_pyrandom_randbelow(i64 {i1})"))
                    });
                    return Ok(V::unit(Ty::NoneType));
                }
                let empty = self.val(&format!("icmp eq i64 {n}, 0"));
                let m = self.str_const("Cannot choose from an empty sequence");
                self.raise_if(&empty, ExcKind::IndexError, &[m]);
                let i = self.val(&format!("call i64 @oxjit_rt_pyrandom_randbelow(i64 {n})"));
                self.array_item(&x, &a, &i)
            }
            PyRand::Random
            | PyRand::Uniform
            | PyRand::Triangular
            | PyRand::Gauss
            | PyRand::Normalvariate
            | PyRand::Lognormvariate
            | PyRand::Expovariate
            | PyRand::Vonmisesvariate
            | PyRand::Gammavariate
            | PyRand::Betavariate
            | PyRand::Paretovariate
            | PyRand::Weibullvariate => {
                let spec = pyrand_spec(r).ok_or("random distribution spec")?;
                let has_mode = i32::from(bound.get(2).is_some_and(Option::is_some));
                let mut cargs = Vec::new();
                for (i, d) in spec.defaults.iter().enumerate() {
                    let v = match (bound[i].take(), d) {
                        (Some(v), _) => self.cast(v, &Ty::F64).r,
                        (None, Some(d)) => fconst(*d, Dtype::F64),
                        // Only triangular's mode (None) reaches here.
                        (None, None) => fconst(0.0, Dtype::F64),
                    };
                    cargs.push(format!("double {v}"));
                }
                if r == PyRand::Triangular {
                    cargs.push(format!("i32 {has_mode}"));
                }
                if !spec.fallible {
                    let v = self.val(&format!(
                        "call double @{}({})",
                        spec.symbol,
                        cargs.join(", ")
                    ));
                    return Ok(V::new(v, Ty::F64));
                }
                let out = self.alloca("double");
                cargs.push(format!("ptr {out}"));
                let st = self.val(&format!("call i32 @{}({})", spec.symbol, cargs.join(", ")));
                self.fail_on_status(&st);
                Ok(self.load(&Ty::F64, &out))
            }
        }
    }

    /// `abs(v)` of an integer as the bits of a uint64 (`abs(int64.min)` is
    /// 2**63).
    fn abs_as_u64(&mut self, v: V) -> String {
        if v.ty.scalar().is_some_and(|d| d.is_int() && !d.is_signed()) {
            return self.cast(v, &Ty::Scalar(Dtype::U64)).r;
        }
        let x = self.cast(v, &Ty::I64).r;
        let neg = self.val(&format!("icmp slt i64 {x}, 0"));
        let nx = self.val(&format!("sub i64 0, {x}"));
        self.val(&format!("select i1 {neg}, i64 {nx}, i64 {x}"))
    }

    /// A runtime call's status: non-zero means its exception is pending.
    fn fail_on_status(&mut self, st: &str) {
        let bad = self.val(&format!("icmp ne i32 {st}, 0"));
        let (eb, ok) = (self.label("rterr"), self.label("rtok"));
        self.emit(&format!("br i1 {bad}, label %{eb}, label %{ok}, !prof !0"));
        self.terminated = true;
        self.start(&eb);
        self.fail();
        self.start(&ok);
    }
}
