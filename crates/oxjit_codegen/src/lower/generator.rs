//! Methods of a `numpy.random.Generator` argument: NumPy's own C
//! distribution functions (`oxjit_np_*`, linked from libnpyrandom) are
//! called on the generator's `bitgen_t`, in the order NumPy draws, after
//! NumPy's argument checks.

use super::*;
use oxjit_typeck::registry::{gen_spec, Check, GenFn};

/// POISSON_LAM_MAX of NumPy's `_common.pyx`.
const POISSON_LAM_MAX: f64 = 9.223372006484771e18;

/// A way a distribution parameter fails NumPy's checks.
#[derive(Clone, Copy, PartialEq)]
enum Bad {
    /// The sign bit is set (-0.0 too) and it is not NaN.
    SignNeg,
    NotPositive,
    /// Outside [0, 1], or NaN.
    Outside01,
    /// Outside (0, 1], or NaN.
    OutsideGt01,
    NegOrNan,
    Above(f64),
    AboveOrNan(f64),
    NotFinite,
    /// Negative once truncated to an integer.
    IntNeg,
}

impl<'p> FnGen<'_, 'p> {
    /// Parameter `name` (positional slot `pos` after the receiver, or keyword).
    fn gen_param(
        &mut self,
        args: &[V],
        call: &'p Call<'p>,
        pos: usize,
        name: &str,
    ) -> R<Option<V>> {
        Ok(match args.get(1 + pos) {
            Some(v) => Some(v.clone()),
            None => self.kwarg(call, name)?,
        }
        .filter(|v| v.ty != Ty::NoneType))
    }

    /// `size=` as a shape (None: one scalar draw).
    fn gen_size(&mut self, size: Option<V>) -> Option<Vec<String>> {
        let size = size?;
        Some(match size.ty.clone() {
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
        })
    }

    /// NumPy's checks of one parameter, in order: the failing condition and
    /// the message. `array` selects the messages (and order) NumPy uses when
    /// the parameter is an array.
    fn check_steps(check: Check, name: &str, array: bool) -> Vec<(Bad, String)> {
        match check {
            Check::Free => vec![],
            Check::NonNeg => vec![(Bad::SignNeg, format!("{name} < 0"))],
            Check::Positive => vec![(Bad::NotPositive, format!("{name} <= 0"))],
            Check::Bounded01 => {
                let tail = if array { "contains NaNs" } else { "is NaN" };
                vec![(
                    Bad::Outside01,
                    format!("{name} < 0, {name} > 1 or {name} {tail}"),
                )]
            }
            Check::BoundedGt01 => vec![(
                Bad::OutsideGt01,
                format!("{name} <= 0, {name} > 1 or {name} contains NaNs"),
            )],
            Check::Poisson if array => vec![
                (
                    Bad::AboveOrNan(POISSON_LAM_MAX),
                    format!("{name} value too large"),
                ),
                (Bad::NegOrNan, format!("{name} < 0 or {name} contains NaNs")),
            ],
            Check::Poisson => vec![
                (Bad::NegOrNan, format!("{name} < 0 or {name} is NaN")),
                (
                    Bad::Above(POISSON_LAM_MAX),
                    format!("{name} value too large"),
                ),
            ],
        }
    }

    /// `i1`: whether the double `x` fails `bad`.
    fn fails(&mut self, bad: Bad, x: &str) -> String {
        match bad {
            Bad::SignNeg => {
                // The sign bit decides (-0.0 fails), NaN passes.
                let bits = self.val(&format!("bitcast double {x} to i64"));
                let neg = self.val(&format!("icmp slt i64 {bits}, 0"));
                let num = self.val(&format!("fcmp ord double {x}, 0.0"));
                self.val(&format!("and i1 {neg}, {num}"))
            }
            Bad::NotPositive => self.val(&format!("fcmp ole double {x}, 0.0")),
            Bad::Outside01 | Bad::OutsideGt01 => {
                let lo = if bad == Bad::OutsideGt01 {
                    "ogt"
                } else {
                    "oge"
                };
                let ok_lo = self.val(&format!("fcmp {lo} double {x}, 0.0"));
                let ok_hi = self.val(&format!("fcmp ole double {x}, 1.0"));
                let ok = self.val(&format!("and i1 {ok_lo}, {ok_hi}"));
                self.val(&format!("xor i1 {ok}, true"))
            }
            Bad::NegOrNan => self.val(&format!("fcmp ult double {x}, 0.0")),
            Bad::Above(m) => self.val(&format!("fcmp ogt double {x}, {}", fconst(m, Dtype::F64))),
            Bad::AboveOrNan(m) => {
                self.val(&format!("fcmp ugt double {x}, {}", fconst(m, Dtype::F64)))
            }
            Bad::NotFinite => {
                let fab = self.intrinsic("fabs", Dtype::F64, 1);
                let a = self.val(&format!("call double {fab}(double {x})"));
                self.val(&format!("fcmp ueq double {a}, 0x7FF0000000000000"))
            }
            Bad::IntNeg => {
                let i = self.val(&format!("fptosi double {x} to i64"));
                self.val(&format!("icmp slt i64 {i}, 0"))
            }
        }
    }

    fn gen_check(&mut self, check: Check, name: &str, x: &str) {
        for (bad, msg) in Self::check_steps(check, name, false) {
            let c = self.fails(bad, x);
            let m = self.str_const(&msg);
            self.raise_if(&c, ExcKind::ValueError, &[m]);
        }
    }

    /// One draw per element of a fresh array of `shape` (C order, as NumPy
    /// fills), or a single draw.
    fn gen_fill(
        &mut self,
        shape: Option<Vec<String>>,
        d: Dtype,
        draw: &mut dyn FnMut(&mut Self) -> R<V>,
    ) -> R<V> {
        let Some(shape) = shape else {
            return draw(self);
        };
        let out = self.alloc_array(d, &shape);
        let n = self.nitems(&out);
        let lp = self.nd_open(std::slice::from_ref(&n));
        let x = draw(self)?;
        let x = self.cast(x, &Ty::Scalar(d));
        self.flat_store(&out, d, &lp.idx[0].clone(), &x);
        self.nd_close(lp);
        Ok(out)
    }

    pub(super) fn gen_method(
        &mut self,
        g: GenFn,
        args: Vec<V>,
        call: &'p Call<'p>,
        ty: Ty,
    ) -> R<V> {
        let bg = args[0].r.clone();
        match g {
            GenFn::Integers => self.gen_integers(&bg, &args, call, ty),
            GenFn::Choice => self.gen_choice(Some(&bg), &args, call, ty),
            GenFn::Shuffle | GenFn::Permutation => {
                self.shuffle_or_permute(Some(&bg), g == GenFn::Shuffle, &args[1])
            }
            GenFn::Random
            | GenFn::StandardNormal
            | GenFn::StandardExponential
            | GenFn::Normal
            | GenFn::Uniform
            | GenFn::Exponential
            | GenFn::StandardGamma
            | GenFn::Gamma
            | GenFn::Beta
            | GenFn::Lognormal
            | GenFn::Poisson
            | GenFn::Geometric
            | GenFn::Binomial => {
                let spec = gen_spec(g).ok_or("generator spec")?;
                let np = spec.params.len();
                let mut raw = Vec::new();
                for (i, (name, dflt, _)) in spec.params.iter().enumerate() {
                    raw.push(match self.gen_param(&args, call, i, name)? {
                        Some(v) => v,
                        None => V::new(
                            fconst(dflt.ok_or("missing parameter")?, Dtype::F64),
                            Ty::F64,
                        ),
                    });
                }
                let size = self.gen_param(&args, call, np, "size")?;
                let shape = self.gen_size(size);
                let elem = match &ty {
                    Ty::Array(a) => a.dtype,
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
                    | Ty::Unknown) => t.scalar().ok_or("generator type")?,
                };
                if raw.iter().any(|v| matches!(v.ty, Ty::Array(_))) {
                    let Ty::Array(oa) = ty else {
                        return ice("broadcast draws type");
                    };
                    return self.gen_broadcast_draws(g, &bg, raw, shape, oa);
                }
                let mut ps = Vec::new();
                for ((name, _, check), v) in spec.params.iter().zip(raw) {
                    let v = self.cast(v, &Ty::F64).r;
                    if g != GenFn::Binomial {
                        self.gen_check(*check, name, &v);
                    }
                    ps.push(v);
                }
                // dtype=np.float32 draws with NumPy's float32 variant (scalars widen).
                let f32 = match self.gen_param(&args, call, np + 1, "dtype")? {
                    Some(v) if spec.symbol_f32.is_some() => {
                        oxjit_typeck::generator::dtype_of(&v.ty) == Some(Dtype::F32)
                    }
                    _ => false,
                };
                let (sym, rt, call_args) = match g {
                    GenFn::Uniform => {
                        // NumPy draws low + (high - low) * u after checking the range.
                        let r = self.val(&format!("fsub double {}, {}", ps[1], ps[0]));
                        let inf = self.fails(Bad::NotFinite, &r);
                        let m = self.str_const("high - low range exceeds valid bounds");
                        self.raise_if(&inf, ExcKind::OverflowError, &[m]);
                        self.gen_check(Check::NonNeg, "high - low", &r);
                        (
                            spec.symbol,
                            "double",
                            format!("ptr {bg}, double {}, double {r}", ps[0]),
                        )
                    }
                    GenFn::Binomial => {
                        // n is truncated to an integer (NumPy converts it to int64).
                        let n = self.val(&format!("fptosi double {} to i64", ps[0]));
                        self.gen_check(Check::Bounded01, "p", &ps[1]);
                        let neg = self.val(&format!("icmp slt i64 {n}, 0"));
                        let m = self.str_const("n < 0");
                        self.raise_if(&neg, ExcKind::ValueError, &[m]);
                        // binomial_t: a zeroed 136-byte memo (NumPy keeps one per
                        // Generator; a fresh one gives the same draws).
                        let cache = self.alloca("[17 x i64]");
                        self.emit(&format!("store [17 x i64] zeroinitializer, ptr {cache}"));
                        (
                            spec.symbol,
                            "i64",
                            format!("ptr {bg}, double {}, i64 {n}, ptr {cache}", ps[1]),
                        )
                    }
                    GenFn::Random
                    | GenFn::StandardNormal
                    | GenFn::StandardExponential
                    | GenFn::Normal
                    | GenFn::Exponential
                    | GenFn::StandardGamma
                    | GenFn::Gamma
                    | GenFn::Beta
                    | GenFn::Lognormal
                    | GenFn::Poisson
                    | GenFn::Geometric
                    | GenFn::Integers
                    | GenFn::Choice
                    | GenFn::Shuffle
                    | GenFn::Permutation => {
                        let mut a = format!("ptr {bg}");
                        for p in &ps {
                            a += &format!(", double {p}");
                        }
                        let (sym, rt) = match (f32, spec.symbol_f32) {
                            (true, Some(s)) => (s, "float"),
                            _ => (spec.symbol, if spec.int_result { "i64" } else { "double" }),
                        };
                        (sym, rt, a)
                    }
                };
                let dt = match rt {
                    "float" => Dtype::F32,
                    "i64" => Dtype::I64,
                    _ => Dtype::F64,
                };
                let is_scalar = shape.is_none();
                let out_d = elem;
                self.gen_fill(shape, out_d, &mut |s| {
                    let v = V::new(
                        s.val(&format!("call {rt} @{sym}({call_args})")),
                        Ty::Scalar(dt),
                    );
                    Ok(if is_scalar {
                        s.cast(v, &Ty::Scalar(out_d))
                    } else {
                        v
                    })
                })
            }
        }
    }

    /// `shuffle(x)` (in place, returns None) or `permutation(x)` (a shuffled
    /// copy, or of `arange(x)` for an int), on a Generator or the legacy state.
    pub(super) fn shuffle_or_permute(&mut self, bg: Option<&str>, shuffle: bool, x: &V) -> R<V> {
        if shuffle {
            let Ty::Array(a) = x.ty.clone() else {
                return ice("shuffle arg");
            };
            self.gen_shuffle(bg, x, &a);
            return Ok(V::unit(Ty::NoneType));
        }
        let (x, a) = match x.ty.clone() {
            Ty::Array(a) => {
                let c = self.copy_array(x, &a)?;
                (c, ArrayTy::new(a.dtype, a.ndim, Layout::C))
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
                let n = self.cast(x.clone(), &Ty::I64).r;
                let pos = self.val(&format!("icmp sgt i64 {n}, 0"));
                let n = self.val(&format!("select i1 {pos}, i64 {n}, i64 0"));
                (self.arange_i64(&n), ArrayTy::new(Dtype::I64, 1, Layout::C))
            }
        };
        self.gen_shuffle(bg, &x, &a);
        Ok(x)
    }

    /// A distribution with array parameters: NumPy broadcasts them (to
    /// `size` when given), checks every element with its array-form messages
    /// before drawing, then draws once per element in C order.
    fn gen_broadcast_draws(
        &mut self,
        g: GenFn,
        bg: &str,
        raw: Vec<V>,
        size: Option<Vec<String>>,
        oa: ArrayTy,
    ) -> R<V> {
        let spec = gen_spec(g).ok_or("generator spec")?;
        let nd = oa.ndim as usize;
        let shape = match size {
            Some(s) => s,
            None => self.broadcast_shape(&raw, nd)?,
        };
        // Every parameter as a float64 C array of the output's shape.
        let fa = ArrayTy::new(Dtype::F64, nd as u8, Layout::C);
        let mut ps = Vec::new();
        for v in raw {
            let arr = self.alloc_array(Dtype::F64, &shape);
            self.fused_into(&arr, &fa, &Node::Leaf(0), &[v])?;
            ps.push(arr);
        }
        let n = self.nitems(&ps[0]);
        // Checks over all elements first (NumPy validates before drawing).
        let any_fails = |s: &mut Self, arr: &V, bad: Bad| -> String {
            let flag = s.alloca("i1");
            s.emit(&format!("store i1 false, ptr {flag}"));
            let lp = s.nd_open(std::slice::from_ref(&n));
            let x = s.flat_elem(arr, Dtype::F64, &lp.idx[0].clone());
            let f = s.fails(bad, &x.r);
            let cur = s.val(&format!("load i1, ptr {flag}"));
            let nv = s.val(&format!("or i1 {cur}, {f}"));
            s.emit(&format!("store i1 {nv}, ptr {flag}"));
            s.nd_close(lp);
            s.val(&format!("load i1, ptr {flag}"))
        };
        let mut steps: Vec<(usize, Bad, ExcKind, String)> = Vec::new();
        if g == GenFn::Uniform {
            // (low, high) become (low, high - low), checked as NumPy does.
            let r = self.alloc_array(Dtype::F64, &shape);
            let lp = self.nd_open(std::slice::from_ref(&n));
            let k = lp.idx[0].clone();
            let lo = self.flat_elem(&ps[0], Dtype::F64, &k);
            let hi = self.flat_elem(&ps[1], Dtype::F64, &k);
            let d = self.val(&format!("fsub double {}, {}", hi.r, lo.r));
            self.flat_store(&r, Dtype::F64, &k, &V::new(d, Ty::F64));
            self.nd_close(lp);
            ps[1] = r;
            steps.push((
                1,
                Bad::NotFinite,
                ExcKind::OverflowError,
                "Range exceeds valid bounds".into(),
            ));
            steps.push((
                1,
                Bad::SignNeg,
                ExcKind::ValueError,
                "high - low < 0".into(),
            ));
        } else {
            for (i, (name, _, check)) in spec.params.iter().enumerate() {
                for (bad, msg) in Self::check_steps(*check, name, true) {
                    steps.push((i, bad, ExcKind::ValueError, msg));
                }
            }
            if g == GenFn::Binomial {
                // n (the first parameter) is checked after p, as NumPy does.
                steps.push((0, Bad::IntNeg, ExcKind::ValueError, "n < 0".into()));
            }
        }
        for (i, bad, kind, msg) in steps {
            let c = any_fails(self, &ps[i], bad);
            let m = self.str_const(&msg);
            self.raise_if(&c, kind, &[m]);
        }
        // The draws.
        let out = self.alloc_array(oa.dtype, &shape);
        let cache = self.alloca("[17 x i64]");
        self.emit(&format!("store [17 x i64] zeroinitializer, ptr {cache}"));
        let lp = self.nd_open(std::slice::from_ref(&n));
        let k = lp.idx[0].clone();
        let vals: Vec<String> = ps
            .iter()
            .map(|p| self.flat_elem(p, Dtype::F64, &k).r)
            .collect();
        let rt = if spec.int_result { "i64" } else { "double" };
        let call_args = if g == GenFn::Binomial {
            let ni = self.val(&format!("fptosi double {} to i64", vals[0]));
            format!("ptr {bg}, double {}, i64 {ni}, ptr {cache}", vals[1])
        } else {
            let mut a = format!("ptr {bg}");
            for v in &vals {
                a += &format!(", double {v}");
            }
            a
        };
        let x = self.val(&format!("call {rt} @{}({call_args})", spec.symbol));
        let dt = if spec.int_result {
            Dtype::I64
        } else {
            Dtype::F64
        };
        let x = self.cast(V::new(x, Ty::Scalar(dt)), &Ty::Scalar(oa.dtype));
        self.flat_store(&out, oa.dtype, &k, &x);
        self.nd_close(lp);
        Ok(out)
    }

    /// `np.arange(n)` as int64 (n >= 0).
    fn arange_i64(&mut self, n: &str) -> V {
        let out = self.alloc_array(Dtype::I64, &[n.to_string()]);
        let lp = self.nd_open(&[n.to_string()]);
        let k = lp.idx[0].clone();
        self.flat_store(&out, Dtype::I64, &k, &V::new(k.clone(), Ty::I64));
        self.nd_close(lp);
        out
    }

    /// `rng.integers(low, high=None, size=None, dtype=np.int64, endpoint=False)`.
    fn gen_integers(&mut self, bg: &str, args: &[V], call: &'p Call<'p>, ty: Ty) -> R<V> {
        let d = match &ty {
            Ty::Array(a) => a.dtype,
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
            | Ty::Unknown) => t.scalar().ok_or("integers type")?,
        };
        let lo = self
            .gen_param(args, call, 0, "low")?
            .ok_or("integers low")?;
        let lo = self.cast(lo, &Ty::I64).r;
        let (low, high) = match self.gen_param(args, call, 1, "high")? {
            Some(h) => (lo, self.cast(h, &Ty::I64).r),
            None => ("0".to_string(), lo),
        };
        let size = self.gen_param(args, call, 2, "size")?;
        let endpoint = match self.gen_param(args, call, 4, "endpoint")? {
            Some(v) => v.r,
            None => "false".into(),
        };
        let shape = self.gen_size(size);
        let cnt = match &shape {
            Some(sh) => {
                let mut n = "1".to_string();
                for d in sh {
                    n = self.val(&format!("mul i64 {n}, {d}"));
                }
                n
            }
            None => "1".into(),
        };
        // Open intervals end at high - 1; high = int64 min has no such value.
        let hm1 = self.val(&format!("sub i64 {high}, 1"));
        let hi = self.val(&format!("select i1 {endpoint}, i64 {high}, i64 {hm1}"));
        let ismin = self.val(&format!("icmp eq i64 {high}, -9223372036854775808"));
        let notend = self.val(&format!("xor i1 {endpoint}, true"));
        let wrap = self.val(&format!("and i1 {ismin}, {notend}"));
        let gt = self.val(&format!("icmp sgt i64 {low}, {hi}"));
        let bad = self.val(&format!("or i1 {gt}, {wrap}"));
        // NumPy draws nothing and checks nothing when the size is zero.
        let some = self.val(&format!("icmp ne i64 {cnt}, 0"));
        let bad = self.val(&format!("and i1 {bad}, {some}"));
        // The dtype's bounds first (int64 needs none: the arguments are int64).
        let (lo_min, hi_max): (i64, i64) = match d {
            Dtype::Bool => (0, 1),
            Dtype::I8 => (i8::MIN.into(), i8::MAX.into()),
            Dtype::U8 => (0, u8::MAX.into()),
            Dtype::I16 => (i16::MIN.into(), i16::MAX.into()),
            Dtype::U16 => (0, u16::MAX.into()),
            Dtype::I32 => (i32::MIN.into(), i32::MAX.into()),
            Dtype::U32 => (0, u32::MAX.into()),
            Dtype::U64 => (0, i64::MAX),
            Dtype::I64 | Dtype::F32 | Dtype::F64 | Dtype::C64 | Dtype::C128 => (i64::MIN, i64::MAX),
        };
        let low_out = self.val(&format!("icmp slt i64 {low}, {lo_min}"));
        let low_out = self.val(&format!("and i1 {low_out}, {some}"));
        let m = self.str_const(&format!("low is out of bounds for {}", d.name()));
        self.raise_if(&low_out, ExcKind::ValueError, &[m]);
        let high_out = self.val(&format!("icmp sgt i64 {hi}, {hi_max}"));
        let high_out = self.val(&format!("and i1 {high_out}, {some}"));
        let m = self.str_const(&format!("high is out of bounds for {}", d.name()));
        self.raise_if(&high_out, ExcKind::ValueError, &[m]);
        let zero_low = self.val(&format!("icmp eq i64 {low}, 0"));
        for (z, e, msg) in [
            (true, false, "high <= 0"),
            (true, true, "high < 0"),
            (false, false, "low >= high"),
            (false, true, "low > high"),
        ] {
            let zc = if z {
                zero_low.clone()
            } else {
                self.val(&format!("xor i1 {zero_low}, true"))
            };
            let ec = if e { endpoint.clone() } else { notend.clone() };
            let c = self.val(&format!("and i1 {zc}, {ec}"));
            let c = self.val(&format!("and i1 {c}, {bad}"));
            let m = self.str_const(msg);
            self.raise_if(&c, ExcKind::ValueError, &[m]);
        }
        let rng = self.val(&format!("sub i64 {hi}, {low}"));
        // NumPy's fill for the dtype's width: one call for all the draws (the
        // narrow fills buffer 32-bit words within a call).
        let (name, w) = match d {
            Dtype::Bool => ("bool", "i8"),
            Dtype::I8 | Dtype::U8 => ("uint8", "i8"),
            Dtype::I16 | Dtype::U16 => ("uint16", "i16"),
            Dtype::I32 | Dtype::U32 => ("uint32", "i32"),
            Dtype::I64 | Dtype::U64 | Dtype::F32 | Dtype::F64 | Dtype::C64 | Dtype::C128 => {
                ("uint64", "i64")
            }
        };
        let f = format!("oxjit_np_random_bounded_{name}_fill");
        let (off, rn) = if w == "i64" {
            (low, rng)
        } else {
            (
                self.val(&format!("trunc i64 {low} to {w}")),
                self.val(&format!("trunc i64 {rng} to {w}")),
            )
        };
        match shape {
            None => {
                let slot = self.alloca(w);
                self.emit(&format!(
                    "call void @{f}(ptr {bg}, {w} {off}, {w} {rn}, i64 1, i1 false, ptr {slot})"
                ));
                Ok(self.load_elem(d, &slot))
            }
            Some(sh) => {
                let out = self.alloc_array(d, &sh);
                let data = self.data(&out);
                self.emit(&format!(
                    "call void @{f}(ptr {bg}, {w} {off}, {w} {rn}, i64 {cnt}, i1 false, ptr {data})"
                ));
                Ok(out)
            }
        }
    }

    /// `choice` of a Generator (`bg`) or of the legacy global state (None),
    /// each with its own algorithms and messages.
    pub(super) fn gen_choice(
        &mut self,
        bg: Option<&str>,
        args: &[V],
        call: &'p Call<'p>,
        ty: Ty,
    ) -> R<V> {
        let a = self.gen_param(args, call, 0, "a")?.ok_or("choice a")?;
        let size = self.gen_param(args, call, 1, "size")?;
        let shape = self.gen_size(size);
        let replace = !matches!(self.arg_const(call, 2, "replace"), Some(Const::Bool(false)));
        let shuffle = !matches!(self.arg_const(call, 4, "shuffle"), Some(Const::Bool(false)));
        let p = self.gen_param(args, call, 3, "p")?;
        let (pop, arr) = match a.ty.clone() {
            Ty::Array(aa) => (self.shape(&a, 0), Some((a.clone(), aa))),
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
            | Ty::Unknown => (self.cast(a.clone(), &Ty::I64).r, None),
        };
        let cnt = match &shape {
            Some(sh) => {
                let mut n = "1".to_string();
                for d in sh {
                    n = self.val(&format!("mul i64 {n}, {d}"));
                }
                n
            }
            None => "1".into(),
        };
        let empty = self.val(&format!("icmp sle i64 {pop}, 0"));
        let some = self.val(&format!("icmp ne i64 {cnt}, 0"));
        let bad = self.val(&format!("and i1 {empty}, {some}"));
        let m = self.str_const(match (arr.is_some(), bg.is_some()) {
            (true, true) => "a cannot be empty unless no samples are taken",
            (false, true) => "a must be a positive integer unless no samples are taken",
            (true, false) => "'a' cannot be empty unless no samples are taken",
            (false, false) => "a must be greater than 0 unless no samples are taken",
        });
        self.raise_if(&bad, ExcKind::ValueError, &[m]);
        let idx = self.alloc_array(Dtype::I64, std::slice::from_ref(&cnt));
        let pi = self.data(&idx);
        match (replace, p, bg) {
            (true, None, None) => {
                // RandomState: randint(0, pop) per pick (masked rejection).
                let lp = self.nd_open(std::slice::from_ref(&cnt));
                let v = self.val(&format!(
                    "call i64 @oxjit_rt_random_randint(i64 0, i64 {pop})"
                ));
                self.flat_store(&idx, Dtype::I64, &lp.idx[0].clone(), &V::new(v, Ty::I64));
                self.nd_close(lp);
            }
            (true, Some(p), bg) => {
                let Ty::Array(pa) = p.ty.clone() else {
                    return ice("choice p");
                };
                let (p, pa) = self.with_dtype(&p, &pa, Dtype::F64)?;
                let np = self.shape(&p, 0);
                let ps = self.elem_stride(&p, &pa, 0);
                let pd = self.data(&p);
                // Same checks, each API with its own messages.
                let (f, lead, msgs) = match bg {
                    Some(bg) => (
                        "oxjit_np_choice_p",
                        format!("ptr {bg}, "),
                        [
                            "a and p must have same size",
                            "Probabilities contain NaN",
                            "Probabilities are not non-negative",
                            "Probabilities do not sum to 1. See Notes section of docstring for more information.",
                        ],
                    ),
                    None => (
                        "oxjit_rt_random_choice_p",
                        String::new(),
                        [
                            "'a' and 'p' must have same size",
                            "probabilities contain NaN",
                            "probabilities are not non-negative",
                            "probabilities do not sum to 1",
                        ],
                    ),
                };
                let st = self.val(&format!(
                    "call i32 @{f}({lead}ptr {pd}, i64 {ps}, i64 {np}, i64 {pop}, i64 {cnt}, ptr {pi})"
                ));
                for (code, msg) in (1..).zip(msgs) {
                    let c = self.val(&format!("icmp eq i32 {st}, {code}"));
                    let m = self.str_const(msg);
                    self.raise_if(&c, ExcKind::ValueError, &[m]);
                }
            }
            (false, _, None) => {
                // RandomState: permutation(pop)[:size].
                let big = self.val(&format!("icmp sgt i64 {cnt}, {pop}"));
                let m = self
                    .str_const("Cannot take a larger sample than population when 'replace=False'");
                self.raise_if(&big, ExcKind::ValueError, &[m]);
                let all = self.arange_i64(&pop);
                let aa = ArrayTy::new(Dtype::I64, 1, Layout::C);
                self.gen_shuffle(None, &all, &aa);
                let lp = self.nd_open(std::slice::from_ref(&cnt));
                let k = lp.idx[0].clone();
                let x = self.flat_elem(&all, Dtype::I64, &k);
                self.flat_store(&idx, Dtype::I64, &k, &x);
                self.nd_close(lp);
            }
            (true, None, Some(bg)) => {
                let top = self.val(&format!("sub i64 {pop}, 1"));
                self.emit(&format!(
                    "call void @oxjit_np_random_bounded_uint64_fill(ptr {bg}, i64 0, i64 {top}, i64 {cnt}, i1 false, ptr {pi})"
                ));
            }
            (false, _, Some(bg)) => {
                let st = self.val(&format!(
                    "call i32 @oxjit_np_choice_noreplace(ptr {bg}, i64 {pop}, i64 {cnt}, i1 {shuffle}, ptr {pi})"
                ));
                let c = self.val(&format!("icmp ne i32 {st}, 0"));
                let m = self
                    .str_const("Cannot take a larger sample than population when replace is False");
                self.raise_if(&c, ExcKind::ValueError, &[m]);
            }
        }
        let elem = match &ty {
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
            | Ty::Unknown) => t.scalar().ok_or("choice type")?,
        };
        let pick = |s: &mut Self, k: &str| -> V {
            let i = s.flat_elem(&idx, Dtype::I64, k);
            match &arr {
                Some((a, aa)) => {
                    let p = s.nd_ptr(a, aa, &[i.r]);
                    s.load_elem(aa.dtype, &p)
                }
                None => i,
            }
        };
        match shape {
            None => Ok(pick(self, "0")),
            Some(sh) => {
                let out = self.alloc_array(elem, &sh);
                let lp = self.nd_open(std::slice::from_ref(&cnt));
                let k = lp.idx[0].clone();
                let x = pick(self, &k);
                self.flat_store(&out, elem, &k, &x);
                self.nd_close(lp);
                Ok(out)
            }
        }
    }

    /// NumPy's shuffle along axis 0: for i = n-1 down to 1, swap row i with
    /// row `random_interval(i)` of the Generator `bg` or of the legacy state;
    /// arrays with no elements draw nothing.
    pub(super) fn gen_shuffle(&mut self, bg: Option<&str>, x: &V, a: &ArrayTy) {
        // NumPy draws nothing for an array with no elements.
        let n = self.shape(x, 0);
        let total = self.nitems(x);
        let none = self.val(&format!("icmp eq i64 {total}, 0"));
        let n = self.val(&format!("select i1 {none}, i64 0, i64 {n}"));
        self.shuffle_rows(x, a, &n, |s, i| match bg {
            Some(bg) => s.val(&format!(
                "call i64 @oxjit_np_random_interval(ptr {bg}, i64 {i})"
            )),
            None => s.val(&format!("call i64 @oxjit_rt_random_interval(i64 {i})")),
        });
    }

    /// Fisher–Yates over the first axis as NumPy and CPython do it: for
    /// `i` from `n - 1` down to 1, swap rows `i` and `draw(i)` (a value in
    /// `[0, i]`) element by element.
    pub(super) fn shuffle_rows(
        &mut self,
        x: &V,
        a: &ArrayTy,
        n: &str,
        draw: impl FnOnce(&mut Self, &str) -> String,
    ) {
        let nd = a.ndim as usize;
        let shape: Vec<String> = (0..nd).map(|d| self.shape(x, d)).collect();
        let pos = self.val(&format!("icmp sgt i64 {n}, 0"));
        let m1 = self.val(&format!("sub i64 {n}, 1"));
        let steps = self.val(&format!("select i1 {pos}, i64 {m1}, i64 0"));
        let lp = self.nd_open(std::slice::from_ref(&steps));
        let i = self.val(&format!("sub i64 {m1}, {}", lp.idx[0]));
        let j = draw(self, &i);
        let inner = self.nd_open(&shape[1..]);
        let mut ii = vec![i.clone()];
        ii.extend(inner.idx.iter().cloned());
        let mut jj = vec![j.clone()];
        jj.extend(inner.idx.iter().cloned());
        let pi = self.nd_ptr(x, a, &ii);
        let pj = self.nd_ptr(x, a, &jj);
        let mt = mem_ty(a.dtype);
        let vi = self.val(&format!("load {mt}, ptr {pi}"));
        let vj = self.val(&format!("load {mt}, ptr {pj}"));
        self.emit(&format!("store {mt} {vj}, ptr {pi}"));
        self.emit(&format!("store {mt} {vi}, ptr {pj}"));
        self.nd_close(inner);
        self.nd_close(lp);
    }
}
