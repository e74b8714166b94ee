//! Builtin families: conversions and rounding, scalar arithmetic, math, array allocation.

use super::*;

impl<'p> FnGen<'_, 'p> {
    /// `int`, `float`, `bool`, `complex`, dtype casts and `round`/`np.round`.
    pub(super) fn builtin_convert(&mut self, b: Builtin, args: Vec<V>, ty: Ty) -> R<V> {
        match b {
            Builtin::Int => {
                let Some(x) = args.first().cloned() else {
                    return Ok(Self::i64c(0));
                };
                if let Some(d) = x.ty.scalar().filter(|d| d.is_float()) {
                    self.check_float_to_int(&x, d);
                }
                self.check_u64_to_int(&x);
                Ok(self.cast(x, &Ty::I64))
            }
            Builtin::Float => Ok(match args.first() {
                Some(x) => self.cast(x.clone(), &Ty::F64),
                None => V::new(fconst(0.0, Dtype::F64), Ty::F64),
            }),
            Builtin::Bool => Ok(match args.first() {
                Some(x) => V::new(self.truth(x)?, Ty::BOOL),
                None => V::new("false", Ty::BOOL),
            }),
            Builtin::Complex => {
                let re = match args.first() {
                    Some(x) => self.cast(x.clone(), &Ty::C128),
                    None => V::new(scalar_const(Dtype::C128, 0.0), Ty::C128),
                };
                match args.get(1) {
                    None => Ok(re),
                    Some(im)
                        if !im.ty.scalar().is_some_and(|d| d.is_complex())
                            && !args[0].ty.scalar().is_some_and(|d| d.is_complex()) =>
                    {
                        // Two reals: the parts as given (keeps the sign of -0.0).
                        let r = self.cast(args[0].clone(), &Ty::F64);
                        let i = self.cast(im.clone(), &Ty::F64);
                        Ok(self.complex(Dtype::C128, &r.r, &i.r))
                    }
                    Some(im) => {
                        let im = self.cast(im.clone(), &Ty::C128);
                        // re + im*1j
                        let (a, b) = self.complex_parts(&re);
                        let (c, d) = self.complex_parts(&im);
                        let r = self.val(&format!("fsub double {a}, {d}"));
                        let i = self.val(&format!("fadd double {b}, {c}"));
                        Ok(self.complex(Dtype::C128, &r, &i))
                    }
                }
            }
            Builtin::Cast(d) => Ok(match args.first() {
                Some(x) => self.cast(x.clone(), &Ty::Scalar(d)),
                None => V::new(scalar_const(d, 0.0), Ty::Scalar(d)),
            }),
            Builtin::Round | Builtin::NpRound => {
                let x = args[0].clone();
                let Some(d) = x.ty.scalar() else {
                    return ice("round arg");
                };
                if (d.is_int() || d == Dtype::Bool) && args.len() == 2 && b == Builtin::Round {
                    // Python's round of an integer: exact integer arithmetic.
                    let n = self.cast(args[1].clone(), &Ty::I64).r;
                    let unsigned = d == Dtype::U64;
                    let xi = self.cast(x.clone(), &Ty::I64).r;
                    let slot = self.alloca("i64");
                    let ok = self.val(&format!(
                        "call i1 @oxjit_rt_round_int(i64 {xi}, i1 zeroext {unsigned}, i64 {n}, ptr {slot})"
                    ));
                    let bad = self.val(&format!("xor i1 {ok}, true"));
                    let m = self.str_const("int too large to convert to int64 in compiled code");
                    self.raise_if(&bad, ExcKind::OverflowError, &[m]);
                    let r = self.val(&format!("load i64, ptr {slot}"));
                    return Ok(self.cast(V::new(r, Ty::I64), &ty));
                }
                if (d.is_int() || d == Dtype::Bool) && args.len() == 2 {
                    // np.round of integers with negative decimals rounds to tens,
                    // hundreds, ... through float64, as NumPy does.
                    // (half to even, as NumPy and Python do).
                    let n = self.cast(args[1].clone(), &Ty::I64).r;
                    let xf = self.cast(x.clone(), &Ty::F64).r;
                    let neg = self.val(&format!("icmp slt i64 {n}, 0"));
                    let mn = self.val(&format!("sub i64 0, {n}"));
                    let mnf = self.val(&format!("sitofp i64 {mn} to double"));
                    let p = self.pow_call(Dtype::F64, "10.0", &mnf);
                    let y = self.val(&format!("fdiv double {xf}, {p}"));
                    let re = self.intrinsic("roundeven", Dtype::F64, 1);
                    let yr = self.val(&format!("call double {re}(double {y})"));
                    let r = self.val(&format!("fmul double {yr}, {p}"));
                    let r = self.val(&format!("select i1 {neg}, double {r}, double {xf}"));
                    return Ok(self.cast(V::new(r, Ty::F64), &ty));
                }
                if !d.is_float() {
                    return Ok(self.cast(x, &ty));
                }
                let t = scalar_ty(d);
                let re = self.intrinsic("roundeven", d, 1);
                let r = match args.get(1) {
                    None => self.val(&format!("call {t} {re}({t} {})", x.r)),
                    Some(nd) if b == Builtin::Round => {
                        // Python's round(x, n): correctly rounded (half to even
                        // on the exact decimal value), done by the runtime.
                        let n = self.cast(nd.clone(), &Ty::I64);
                        let xf = self.cast(x.clone(), &Ty::F64);
                        let r = self.val(&format!(
                            "call double @oxjit_rt_round_f64(double {}, i64 {})",
                            xf.r, n.r
                        ));
                        self.cast_scalar(&r, Dtype::F64, d)
                    }
                    Some(nd) => {
                        let nd = self.cast(nd.clone(), &Ty::F64);
                        let p = self.pow_call(Dtype::F64, "10.0", &nd.r);
                        let p = self.cast_scalar(&p, Dtype::F64, d);
                        let y = self.val(&format!("fmul {t} {}, {p}", x.r));
                        let yr = self.val(&format!("call {t} {re}({t} {y})"));
                        self.val(&format!("fdiv {t} {yr}, {p}"))
                    }
                };
                let rv = V::new(r, Ty::Scalar(d));
                if ty == Ty::I64 {
                    self.check_float_to_int(&rv, d);
                }
                Ok(self.cast(rv, &ty))
            }
            Builtin::Range
            | Builtin::Len
            | Builtin::Abs
            | Builtin::MinMax { .. }
            | Builtin::Pow
            | Builtin::Divmod
            | Builtin::Print
            | Builtin::TypeInfo { .. }
            | Builtin::ThreadInfo { .. }
            | Builtin::Isinstance
            | Builtin::Enumerate
            | Builtin::Zip
            | Builtin::NdIndex
            | Builtin::NdEnumerate
            | Builtin::Math1(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(..)
            | Builtin::FloatPred(_)
            | Builtin::Sign
            | Builtin::Square
            | Builtin::Alloc(_)
            | Builtin::AllocLike(_)
            | Builtin::Arange
            | Builtin::Linspace
            | Builtin::Reduce(_)
            | Builtin::Copy
            | Builtin::Fill
            | Builtin::Conjugate
            | Builtin::Where
            | Builtin::Random(_)
            | Builtin::PyRandom(_)
            | Builtin::Arr(_)
            | Builtin::LinAlg(_)
            | Builtin::Manip(_)
            | Builtin::Gen(_)
            | Builtin::Dict(_)
            | Builtin::Text(_)
            | Builtin::List(_)
            | Builtin::Ufunc2(_)
            | Builtin::UfuncCmp(_)
            | Builtin::CMath(_)
            | Builtin::MathX(_)
            | Builtin::Negative
            | Builtin::Clip
            | Builtin::MatMul
            | Builtin::IsClose
            | Builtin::NpExtremum { .. } => unreachable!("builtin sends only these here"),
        }
    }

    /// Scalar arithmetic builtins: abs, min/max, pow, divmod, sign, square, conjugate,
    /// clip, isclose, NumPy extrema, negative.
    pub(super) fn builtin_arith(
        &mut self,
        b: Builtin,
        args: Vec<V>,
        call: &'p Call<'p>,
        e: &'p Expr,
        ty: Ty,
    ) -> R<V> {
        let rd = ty.scalar();
        match b {
            Builtin::Abs => {
                let x = args[0].clone();
                let d = rd.ok_or("abs type")?;
                match x.ty.scalar() {
                    Some(c) if c.is_complex() && self.numpy_loop => {
                        let (re, im) = self.complex_parts(&x);
                        let v = self.numpy_complex_abs(c.real_part(), &re, &im);
                        Ok(self.cast(V::new(v, Ty::Scalar(c.real_part())), &ty))
                    }
                    Some(c) if c.is_complex() => {
                        let (re, im) = self.complex_parts(&x);
                        let h = self.libm("hypot", c.real_part(), 2);
                        let t = scalar_ty(c.real_part());
                        Ok(V::new(
                            self.val(&format!("call {t} {h}({t} {re}, {t} {im})")),
                            ty,
                        ))
                    }
                    _ if d.is_float() => {
                        let x = self.cast(x, &ty);
                        let f = self.intrinsic("fabs", d, 1);
                        let t = scalar_ty(d);
                        Ok(V::new(self.val(&format!("call {t} {f}({t} {})", x.r)), ty))
                    }
                    _ => {
                        let x = self.cast(x, &ty);
                        let t = scalar_ty(d);
                        if !d.is_signed() {
                            return Ok(x);
                        }
                        let neg = self.val(&format!("icmp slt {t} {}, 0", x.r));
                        let n = self.val(&format!("sub {t} 0, {}", x.r));
                        Ok(V::new(
                            self.val(&format!("select i1 {neg}, {t} {n}, {t} {}", x.r)),
                            ty,
                        ))
                    }
                }
            }
            Builtin::MinMax { max } => {
                let items: Vec<V> = if args.len() == 1 {
                    match args[0].ty.clone() {
                        Ty::Tuple(ts) => ts
                            .iter()
                            .enumerate()
                            .map(|(i, t)| self.extract(&args[0], i, t.clone()))
                            .collect(),
                        Ty::Array(a) => {
                            return self.reduce(
                                if max { Reduce::Max } else { Reduce::Min },
                                &args[0],
                                &a,
                                ty,
                            )
                        }
                        other @ (Ty::Scalar(_)
                        | Ty::NoneType
                        | Ty::Str
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
                        | Ty::Unknown) => return ice(format!("min/max of {other}")),
                    }
                } else {
                    args
                };
                let mut acc = self.cast(items[0].clone(), &ty);
                for it in items.into_iter().skip(1) {
                    let it = self.cast(it, &ty);
                    // Python: replace only when strictly better (first wins on ties/NaN).
                    let better = self.compare(
                        if max { CmpOp::Gt } else { CmpOp::Lt },
                        it.clone(),
                        acc.clone(),
                    )?;
                    let t = llty(&ty);
                    acc = V::new(
                        self.val(&format!("select i1 {better}, {t} {}, {t} {}", it.r, acc.r)),
                        ty.clone(),
                    );
                }
                Ok(acc)
            }
            Builtin::Pow => {
                let v = self.binop(BinOp::Pow, args[0].clone(), args[1].clone(), e)?;
                Ok(self.cast(v, &ty))
            }
            Builtin::Divmod
                if !self.m.opts.error_model_numpy
                    && (args[0].ty.scalar().is_some_and(|d| d.is_float())
                        || args[1].ty.scalar().is_some_and(|d| d.is_float())) =>
            {
                // CPython's own message for floats.
                let b = self.cast(args[1].clone(), &Ty::F64);
                self.zero_div(&b.r, Dtype::F64, "float divmod()");
                let q = self.binop(BinOp::FloorDiv, args[0].clone(), args[1].clone(), e)?;
                let r = self.binop(BinOp::Mod, args[0].clone(), args[1].clone(), e)?;
                let t = self.build_tuple(vec![q, r]);
                Ok(self.cast(t, &ty))
            }
            Builtin::Divmod => {
                let q = self.binop(BinOp::FloorDiv, args[0].clone(), args[1].clone(), e)?;
                let r = self.binop(BinOp::Mod, args[0].clone(), args[1].clone(), e)?;
                let t = self.build_tuple(vec![q, r]);
                Ok(self.cast(t, &ty))
            }
            Builtin::Sign => self.sign(&args[0], rd.ok_or("sign type")?, ty),
            Builtin::Square => {
                let x = self.cast(args[0].clone(), &ty);
                self.binop(BinOp::Mul, x.clone(), x, e)
            }
            Builtin::Conjugate => {
                let x = args[0].clone();
                match x.ty.scalar() {
                    Some(d) if d.is_complex() => {
                        let (re, im) = self.complex_parts(&x);
                        let ni = self.val(&format!("fneg {} {im}", scalar_ty(d.real_part())));
                        Ok(self.complex(d, &re, &ni))
                    }
                    _ => Ok(x),
                }
            }
            Builtin::Clip => {
                let x = self.cast(args[0].clone(), &ty);
                let lo = self.cast(args[1].clone(), &ty);
                let hi = self.cast(args[2].clone(), &ty);
                let m = self.np_extremum(true, false, x, lo)?;
                self.np_extremum(false, false, m, hi)
            }
            Builtin::IsClose => {
                let a = self.cast(args[0].clone(), &Ty::F64).r;
                let b = self.cast(args[1].clone(), &Ty::F64).r;
                let rtol = match self.kwarg(call, "rtol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-5, Dtype::F64),
                };
                let atol = match self.kwarg(call, "atol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-8, Dtype::F64),
                };
                Ok(V::new(self.isclose(&a, &b, &rtol, &atol), Ty::BOOL))
            }
            Builtin::NpExtremum { max, ignore_nan } => {
                let x = self.cast(args[0].clone(), &ty);
                let y = self.cast(args[1].clone(), &ty);
                self.np_extremum(max, ignore_nan, x, y)
            }
            Builtin::Negative => {
                let x = self.cast(args[0].clone(), &ty);
                self.unary(UnOp::Neg, x, ty)
            }
            Builtin::Range
            | Builtin::Len
            | Builtin::Int
            | Builtin::Float
            | Builtin::Bool
            | Builtin::Complex
            | Builtin::Round
            | Builtin::NpRound
            | Builtin::Print
            | Builtin::TypeInfo { .. }
            | Builtin::ThreadInfo { .. }
            | Builtin::Isinstance
            | Builtin::Enumerate
            | Builtin::Zip
            | Builtin::NdIndex
            | Builtin::NdEnumerate
            | Builtin::Math1(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(..)
            | Builtin::FloatPred(_)
            | Builtin::Cast(_)
            | Builtin::Alloc(_)
            | Builtin::AllocLike(_)
            | Builtin::Arange
            | Builtin::Linspace
            | Builtin::Reduce(_)
            | Builtin::Copy
            | Builtin::Fill
            | Builtin::Where
            | Builtin::Random(_)
            | Builtin::PyRandom(_)
            | Builtin::Arr(_)
            | Builtin::LinAlg(_)
            | Builtin::Manip(_)
            | Builtin::Gen(_)
            | Builtin::Dict(_)
            | Builtin::Text(_)
            | Builtin::List(_)
            | Builtin::Ufunc2(_)
            | Builtin::UfuncCmp(_)
            | Builtin::CMath(_)
            | Builtin::MathX(_)
            | Builtin::MatMul => unreachable!("builtin sends only these here"),
        }
    }

    /// `math` functions of one and two arguments, floor/ceil/trunc and the float predicates.
    /// `np.sign(x)` of a real scalar of dtype `d`.
    fn sign(&mut self, x: &V, d: Dtype, ty: Ty) -> R<V> {
        let x = self.cast(x.clone(), &ty);
        let t = scalar_ty(d);
        let (one, mone, zero) = (
            scalar_const(d, 1.0),
            scalar_const(d, -1.0),
            scalar_const(d, 0.0),
        );
        let (gt, lt) = if d.is_float() {
            (
                self.val(&format!("fcmp ogt {t} {}, 0.0", x.r)),
                self.val(&format!("fcmp olt {t} {}, 0.0", x.r)),
            )
        } else if d.is_signed() {
            (
                self.val(&format!("icmp sgt {t} {}, 0", x.r)),
                self.val(&format!("icmp slt {t} {}, 0", x.r)),
            )
        } else {
            (
                self.val(&format!("icmp ugt {t} {}, 0", x.r)),
                "false".to_string(),
            )
        };
        // NaN (neither > nor <) passes through; -0.0 gives 0.0, as NumPy.
        let rest = if d.is_float() {
            self.val(&format!("fadd {t} {}, {zero}", x.r))
        } else {
            zero
        };
        let a = self.val(&format!("select i1 {lt}, {t} {mone}, {t} {rest}"));
        Ok(V::new(
            self.val(&format!("select i1 {gt}, {t} {one}, {t} {a}")),
            ty,
        ))
    }

    pub(super) fn builtin_math(&mut self, b: Builtin, args: Vec<V>, ty: Ty) -> R<V> {
        let rd = ty.scalar();
        match b {
            Builtin::Math1(Math1::Log) if args.len() == 2 => {
                let x = self.cast(args[0].clone(), &Ty::F64);
                let b = self.cast(args[1].clone(), &Ty::F64);
                let lx = self.math1(Math1::Log, Dtype::F64, &x.r)?;
                let lb = self.math1(Math1::Log, Dtype::F64, &b.r)?;
                Ok(V::new(
                    self.val(&format!("fdiv double {lx}, {lb}")),
                    Ty::F64,
                ))
            }
            Builtin::Math1(f) if args[0].ty.scalar().is_some_and(|d| d.is_complex()) => {
                let cf = oxjit_typeck::registry::complex_math(f).ok_or("complex math")?;
                let v = self.npy_cmath(cf, args[0].clone())?;
                Ok(self.cast(v, &ty))
            }
            Builtin::Math1(f) => {
                let d = rd.ok_or("math type")?;
                let x = self.cast(args[0].clone(), &ty);
                self.math1(f, d, &x.r).map(|r| V::new(r, ty))
            }
            Builtin::Math2(f) => {
                let d = rd.ok_or("math type")?;
                let x = self.cast(args[0].clone(), &ty);
                let y = self.cast(args[1].clone(), &ty);
                let t = scalar_ty(d);
                let fm = self.fm();
                let r = match f {
                    Math2::Atan2 => {
                        let g = self.libm("atan2", d, 2);
                        let va = self.m.vector_variants("atan2", d, 2);
                        self.val(&format!("call {fm}{t} {g}({t} {}, {t} {}){va}", x.r, y.r))
                    }
                    Math2::Hypot => {
                        let g = self.libm("hypot", d, 2);
                        let va = self.m.vector_variants("hypot", d, 2);
                        self.val(&format!("call {fm}{t} {g}({t} {}, {t} {}){va}", x.r, y.r))
                    }
                    Math2::Copysign => {
                        let g = self.intrinsic("copysign", d, 2);
                        self.val(&format!("call {t} {g}({t} {}, {t} {})", x.r, y.r))
                    }
                    Math2::Fmod if d.is_int() => {
                        // C's remainder of integers; NumPy gives 0 for a zero
                        // divisor (and for -1, where srem could overflow).
                        let op = if d.is_signed() { "srem" } else { "urem" };
                        let z = self.val(&format!("icmp eq {t} {}, 0", y.r));
                        let m1 = self.val(&format!("icmp eq {t} {}, -1", y.r));
                        let bad = if d.is_signed() {
                            self.val(&format!("or i1 {z}, {m1}"))
                        } else {
                            z
                        };
                        let safe = self.val(&format!("select i1 {bad}, {t} 1, {t} {}", y.r));
                        let r = self.val(&format!("{op} {t} {}, {safe}", x.r));
                        self.val(&format!("select i1 {bad}, {t} 0, {t} {r}"))
                    }
                    Math2::Fmod => self.val(&format!("frem {fm}{t} {}, {}", x.r, y.r)),
                    Math2::Pow => self.pow_call(d, &x.r, &y.r),
                };
                Ok(V::new(r, ty))
            }
            Builtin::Rounding(r, numpy) => {
                let x = args[0].clone();
                let Some(d) = x.ty.scalar() else {
                    return ice("rounding arg");
                };
                if !d.is_float() {
                    if ty == Ty::I64 {
                        self.check_u64_to_int(&x);
                    }
                    return Ok(self.cast(x, &ty));
                }
                let name = match r {
                    Round::Floor => "floor",
                    Round::Ceil => "ceil",
                    Round::Trunc => "trunc",
                };
                let f = self.intrinsic(name, d, 1);
                let t = scalar_ty(d);
                let v = V::new(
                    self.val(&format!("call {t} {f}({t} {})", x.r)),
                    Ty::Scalar(d),
                );
                if !numpy {
                    self.check_float_to_int(&v, d);
                }
                Ok(self.cast(v, &ty))
            }
            Builtin::FloatPred(p) if args[0].ty.scalar().is_some_and(|d| d.is_complex()) => {
                let cf = match p {
                    FloatPred::IsNan => CFn::IsNan,
                    FloatPred::IsInf => CFn::IsInf,
                    FloatPred::IsFinite => CFn::IsFinite,
                };
                self.cmath(cf, &args[..1])
            }
            Builtin::FloatPred(p) => {
                let x = args[0].clone();
                let Some(d) = x.ty.scalar() else {
                    return ice("isnan arg");
                };
                if !d.is_float() {
                    return Ok(V::new(
                        if p == FloatPred::IsFinite {
                            "true"
                        } else {
                            "false"
                        },
                        Ty::BOOL,
                    ));
                }
                let t = scalar_ty(d);
                let inf = fconst(f64::INFINITY, d);
                let r = match p {
                    FloatPred::IsNan => self.val(&format!("fcmp uno {t} {}, 0.0", x.r)),
                    FloatPred::IsInf => {
                        let f = self.intrinsic("fabs", d, 1);
                        let a = self.val(&format!("call {t} {f}({t} {})", x.r));
                        self.val(&format!("fcmp oeq {t} {a}, {inf}"))
                    }
                    FloatPred::IsFinite => {
                        let f = self.intrinsic("fabs", d, 1);
                        let a = self.val(&format!("call {t} {f}({t} {})", x.r));
                        self.val(&format!("fcmp olt {t} {a}, {inf}"))
                    }
                };
                Ok(V::new(r, Ty::BOOL))
            }
            Builtin::Range
            | Builtin::Len
            | Builtin::Abs
            | Builtin::MinMax { .. }
            | Builtin::Int
            | Builtin::Float
            | Builtin::Bool
            | Builtin::Complex
            | Builtin::Round
            | Builtin::NpRound
            | Builtin::Pow
            | Builtin::Divmod
            | Builtin::Print
            | Builtin::TypeInfo { .. }
            | Builtin::ThreadInfo { .. }
            | Builtin::Isinstance
            | Builtin::Enumerate
            | Builtin::Zip
            | Builtin::NdIndex
            | Builtin::NdEnumerate
            | Builtin::Sign
            | Builtin::Square
            | Builtin::Cast(_)
            | Builtin::Alloc(_)
            | Builtin::AllocLike(_)
            | Builtin::Arange
            | Builtin::Linspace
            | Builtin::Reduce(_)
            | Builtin::Copy
            | Builtin::Fill
            | Builtin::Conjugate
            | Builtin::Where
            | Builtin::Random(_)
            | Builtin::PyRandom(_)
            | Builtin::Arr(_)
            | Builtin::LinAlg(_)
            | Builtin::Manip(_)
            | Builtin::Gen(_)
            | Builtin::Dict(_)
            | Builtin::Text(_)
            | Builtin::List(_)
            | Builtin::Ufunc2(_)
            | Builtin::UfuncCmp(_)
            | Builtin::CMath(_)
            | Builtin::MathX(_)
            | Builtin::Negative
            | Builtin::Clip
            | Builtin::MatMul
            | Builtin::IsClose
            | Builtin::NpExtremum { .. } => unreachable!("builtin sends only these here"),
        }
    }

    /// Array allocation: zeros/ones/empty/full (and their `_like` forms) and linspace.
    pub(super) fn builtin_alloc(
        &mut self,
        b: Builtin,
        args: Vec<V>,
        call: &'p Call<'p>,
        ty: Ty,
    ) -> R<V> {
        match b {
            Builtin::Alloc(kind) => {
                let Ty::Array(a) = ty else {
                    return ice("alloc type");
                };
                let shape: Vec<String> = match args[0].ty.clone() {
                    Ty::Tuple(items) => (0..items.len())
                        .map(|i| {
                            let x = self.extract(&args[0], i, items[i].clone());
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
                    | Ty::Unknown => vec![self.cast(args[0].clone(), &Ty::I64).r],
                };
                // order='F': a C array of the reversed shape, seen transposed.
                let fortran = a.layout == Layout::F;
                let ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
                let alloc_shape: Vec<String> = if fortran {
                    shape.iter().rev().cloned().collect()
                } else {
                    shape
                };
                let v = self.alloc_array(a.dtype, &alloc_shape);
                let fill = match kind {
                    Alloc::Full => Some(args[1].clone()),
                    Alloc::Ones => Some(V::new(scalar_const(a.dtype, 1.0), Ty::Scalar(a.dtype))),
                    Alloc::Empty | Alloc::Zeros => None,
                };
                self.init_array(&v, &ca, kind, fill)?;
                if fortran {
                    return self.transpose(&v, &ca, Ty::Array(a));
                }
                Ok(v)
            }
            Builtin::AllocLike(kind) => {
                let Ty::Array(a) = ty else {
                    return ice("alloc type");
                };
                let src = args[0].clone();
                let Ty::Array(sa) = src.ty else {
                    return ice("alloc_like source");
                };
                let shape: Vec<String> =
                    (0..sa.ndim as usize).map(|d| self.shape(&src, d)).collect();
                let v = self.alloc_array(a.dtype, &shape);
                let fill = match kind {
                    Alloc::Full => Some(args[1].clone()),
                    Alloc::Ones => Some(V::new(scalar_const(a.dtype, 1.0), Ty::Scalar(a.dtype))),
                    Alloc::Empty | Alloc::Zeros => None,
                };
                self.init_array(&v, &a, kind, fill)?;
                Ok(v)
            }
            Builtin::Linspace => {
                let start = self.cast(args[0].clone(), &Ty::F64).r;
                let stop = self.cast(args[1].clone(), &Ty::F64).r;
                let num = match (args.get(2), self.kwarg(call, "num")?) {
                    (Some(n), _) => self.cast(n.clone(), &Ty::I64).r,
                    (None, Some(n)) => self.cast(n, &Ty::I64).r,
                    _ => "50".into(),
                };
                let endpoint = !matches!(
                    self.const_kw(call, "endpoint"),
                    Some(Const::Bool(false)) | Some(Const::Int(0))
                );
                let neg = self.val(&format!("icmp slt i64 {num}, 0"));
                let m1 = self.str_const("Number of samples, ");
                let m2 = self.str_const(", must be non-negative.");
                self.raise_if(
                    &neg,
                    ExcKind::ValueError,
                    &[m1, V::new(num.clone(), Ty::I64), m2],
                );
                let v = self.alloc_array(Dtype::F64, std::slice::from_ref(&num));
                let div = if endpoint {
                    self.val(&format!("sub i64 {num}, 1"))
                } else {
                    num.clone()
                };
                // One sample: just `start` (no 0/0 step).
                let z = self.val(&format!("icmp slt i64 {div}, 1"));
                let div = self.val(&format!("select i1 {z}, i64 1, i64 {div}"));
                let divf = self.val(&format!("sitofp i64 {div} to double"));
                let delta = self.val(&format!("fsub double {stop}, {start}"));
                let step = self.val(&format!("fdiv double {delta}, {divf}"));
                let a = ArrayTy::new(Dtype::F64, 1, Layout::C);
                let lp = self.nd_open(std::slice::from_ref(&num));
                let i = lp.idx[0].clone();
                let fi = self.val(&format!("sitofp i64 {i} to double"));
                let x = self.val(&format!("fmul double {fi}, {step}"));
                let x = self.val(&format!("fadd double {x}, {start}"));
                let p = self.nd_ptr(&v, &a, &lp.idx);
                self.emit(&format!("store double {x}, ptr {p}"));
                self.nd_close(lp);
                if endpoint {
                    // The last sample is exactly `stop`.
                    let big = self.val(&format!("icmp sgt i64 {num}, 1"));
                    let (l1, l2) = (self.label("lsend"), self.label("lsdone"));
                    self.cbr(&big, &l1, &l2);
                    self.start(&l1);
                    let last = self.val(&format!("sub i64 {num}, 1"));
                    let p = self.nd_ptr(&v, &a, &[last]);
                    self.emit(&format!("store double {stop}, ptr {p}"));
                    self.start(&l2);
                }
                Ok(v)
            }
            Builtin::Range
            | Builtin::Len
            | Builtin::Abs
            | Builtin::MinMax { .. }
            | Builtin::Int
            | Builtin::Float
            | Builtin::Bool
            | Builtin::Complex
            | Builtin::Round
            | Builtin::NpRound
            | Builtin::Pow
            | Builtin::Divmod
            | Builtin::Print
            | Builtin::TypeInfo { .. }
            | Builtin::ThreadInfo { .. }
            | Builtin::Isinstance
            | Builtin::Enumerate
            | Builtin::Zip
            | Builtin::NdIndex
            | Builtin::NdEnumerate
            | Builtin::Math1(_)
            | Builtin::Math2(_)
            | Builtin::Rounding(..)
            | Builtin::FloatPred(_)
            | Builtin::Sign
            | Builtin::Square
            | Builtin::Cast(_)
            | Builtin::Arange
            | Builtin::Reduce(_)
            | Builtin::Copy
            | Builtin::Fill
            | Builtin::Conjugate
            | Builtin::Where
            | Builtin::Random(_)
            | Builtin::PyRandom(_)
            | Builtin::Arr(_)
            | Builtin::LinAlg(_)
            | Builtin::Manip(_)
            | Builtin::Gen(_)
            | Builtin::Dict(_)
            | Builtin::Text(_)
            | Builtin::List(_)
            | Builtin::Ufunc2(_)
            | Builtin::UfuncCmp(_)
            | Builtin::CMath(_)
            | Builtin::MathX(_)
            | Builtin::Negative
            | Builtin::Clip
            | Builtin::MatMul
            | Builtin::IsClose
            | Builtin::NpExtremum { .. } => unreachable!("builtin sends only these here"),
        }
    }
}
