//! `math`/`cmath` functions, float predicates, NumPy extrema and `isclose`.

use super::*;
use oxjit_runtime::cmath::CmathOp;

/// 2**63: the first float above every int64.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// The runtime's code for a complex elementary function; None for the
/// functions compiled inline.
fn cmath_op(f: CFn) -> Option<CmathOp> {
    Some(match f {
        CFn::Sqrt => CmathOp::Sqrt,
        CFn::Exp => CmathOp::Exp,
        CFn::Log => CmathOp::Log,
        CFn::Log10 => CmathOp::Log10,
        CFn::Sin => CmathOp::Sin,
        CFn::Cos => CmathOp::Cos,
        CFn::Tan => CmathOp::Tan,
        CFn::Sinh => CmathOp::Sinh,
        CFn::Cosh => CmathOp::Cosh,
        CFn::Tanh => CmathOp::Tanh,
        CFn::Asin => CmathOp::Asin,
        CFn::Acos => CmathOp::Acos,
        CFn::Atan => CmathOp::Atan,
        CFn::Asinh => CmathOp::Asinh,
        CFn::Acosh => CmathOp::Acosh,
        CFn::Atanh => CmathOp::Atanh,
        CFn::Phase | CFn::Polar | CFn::Rect | CFn::IsNan | CFn::IsInf | CFn::IsFinite => {
            return None
        }
    })
}

impl<'p> FnGen<'_, 'p> {
    /// `cmath` on complex128 (real arguments are converted): CPython's
    /// algorithms, in the runtime.
    pub(super) fn cmath(&mut self, f: CFn, args: &[V]) -> R<V> {
        if f == CFn::Rect {
            let r = self.cast(args[0].clone(), &Ty::F64).r;
            let phi = self.cast(args[1].clone(), &Ty::F64).r;
            let buf = self.alloca("[2 x double]");
            self.emit(&format!(
                "call void @oxjit_rt_cmath_rect(double {r}, double {phi}, ptr {buf})"
            ));
            return Ok(V::new(
                self.val(&format!("load {{double, double}}, ptr {buf}")),
                Ty::C128,
            ));
        }
        let z = self.cast(args[0].clone(), &Ty::C128);
        let (re, im) = self.complex_parts(&z);
        let d = Dtype::F64;
        let hyp = self.libm("hypot", d, 2);
        let at2 = self.libm("atan2", d, 2);
        let absz = |s: &mut Self| s.val(&format!("call double {hyp}(double {re}, double {im})"));
        let phase = |s: &mut Self| s.val(&format!("call double {at2}(double {im}, double {re})"));
        Ok(match f {
            CFn::Phase => V::new(phase(self), Ty::F64),
            CFn::Polar => {
                let r = V::new(absz(self), Ty::F64);
                let p = V::new(phase(self), Ty::F64);
                self.build_tuple(vec![r, p])
            }
            CFn::IsNan => self.complex_pred(FloatPred::IsNan, &re, &im),
            CFn::IsInf => self.complex_pred(FloatPred::IsInf, &re, &im),
            CFn::IsFinite => self.complex_pred(FloatPred::IsFinite, &re, &im),
            CFn::Sqrt
            | CFn::Exp
            | CFn::Log
            | CFn::Log10
            | CFn::Sin
            | CFn::Cos
            | CFn::Tan
            | CFn::Sinh
            | CFn::Cosh
            | CFn::Tanh
            | CFn::Asin
            | CFn::Acos
            | CFn::Atan
            | CFn::Asinh
            | CFn::Acosh
            | CFn::Atanh => {
                let op = cmath_op(f).ok_or("cmath op")?;
                self.complex_rt("oxjit_rt_cmath", op, &z, Dtype::C128)
            }
            CFn::Rect => unreachable!("handled above"),
        })
    }

    /// NumPy's complex loop for `f` (the C library's function, in the
    /// value's own width: complex64 stays complex64).
    pub(super) fn npy_cmath(&mut self, f: CFn, z: V) -> R<V> {
        let op = cmath_op(f).ok_or("complex ufunc")?;
        let d =
            z.ty.scalar()
                .filter(|d| d.is_complex())
                .unwrap_or(Dtype::C128);
        let z = self.cast(z, &Ty::Scalar(d));
        let name = if d == Dtype::C64 {
            "oxjit_rt_npy_cmathf"
        } else {
            "oxjit_rt_npy_cmath"
        };
        Ok(self.complex_rt(name, op, &z, d))
    }

    /// isnan/isinf (either part) and isfinite (both parts) of a complex value.
    fn complex_pred(&mut self, pred: FloatPred, re: &str, im: &str) -> V {
        let a = self.float_pred(pred, re);
        let b = self.float_pred(pred, im);
        let op = if pred == FloatPred::IsFinite {
            "and"
        } else {
            "or"
        };
        V::new(self.val(&format!("{op} i1 {a}, {b}")), Ty::BOOL)
    }

    /// Calls a runtime complex function `name(op, re, im, out)` and loads the result.
    fn complex_rt(&mut self, name: &str, op: CmathOp, z: &V, d: Dtype) -> V {
        let (re, im) = self.complex_parts(z);
        let ft = scalar_ty(d.real_part());
        let buf = self.alloca(&format!("[2 x {ft}]"));
        self.emit(&format!(
            "call void @{name}(i32 {}, {ft} {re}, {ft} {im}, ptr {buf})",
            op as u32
        ));
        let ct = scalar_ty(d);
        V::new(self.val(&format!("load {ct}, ptr {buf}")), Ty::Scalar(d))
    }

    pub(super) fn mathx(&mut self, f: MathX, args: &[V], call: &'p Call<'p>) -> R<V> {
        let f64a = |s: &mut Self, i: usize| s.cast(args[i].clone(), &Ty::F64).r;
        let i64a = |s: &mut Self, i: usize| s.cast(args[i].clone(), &Ty::I64).r;
        Ok(match f {
            MathX::Gcd => {
                // Euclid on absolute values.
                let a = i64a(self, 0);
                let b = i64a(self, 1);
                let x = self.alloca("i64");
                let y = self.alloca("i64");
                for (slot, v) in [(&x, &a), (&y, &b)] {
                    let neg = self.val(&format!("icmp slt i64 {v}, 0"));
                    let n = self.val(&format!("sub i64 0, {v}"));
                    let av = self.val(&format!("select i1 {neg}, i64 {n}, i64 {v}"));
                    self.emit(&format!("store i64 {av}, ptr {slot}"));
                }
                let (head, body, done) =
                    (self.label("gcd"), self.label("gcdb"), self.label("gcdd"));
                self.start(&head);
                let yv = self.val(&format!("load i64, ptr {y}"));
                let nz = self.val(&format!("icmp ne i64 {yv}, 0"));
                self.cbr(&nz, &body, &done);
                self.start(&body);
                let xv = self.val(&format!("load i64, ptr {x}"));
                let r = self.val(&format!("urem i64 {xv}, {yv}"));
                self.emit(&format!("store i64 {yv}, ptr {x}"));
                self.emit(&format!("store i64 {r}, ptr {y}"));
                self.br(&head);
                self.start(&done);
                V::new(self.val(&format!("load i64, ptr {x}")), Ty::I64)
            }
            MathX::Isclose => {
                let a = f64a(self, 0);
                let b = f64a(self, 1);
                let rel = match self.kwarg(call, "rel_tol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-9, Dtype::F64),
                };
                let abs = match self.kwarg(call, "abs_tol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => "0.0".into(),
                };
                // Python: a == b, or both finite and |a-b| <= max(rel*max(|a|,|b|), abs).
                let fabs = self.intrinsic("fabs", Dtype::F64, 1);
                let eq = self.val(&format!("fcmp oeq double {a}, {b}"));
                let d = self.val(&format!("fsub double {a}, {b}"));
                let ad = self.val(&format!("call double {fabs}(double {d})"));
                let aa = self.val(&format!("call double {fabs}(double {a})"));
                let ab = self.val(&format!("call double {fabs}(double {b})"));
                let mx = self.val(&format!(
                    "call double @llvm.maxnum.f64(double {aa}, double {ab})"
                ));
                self.m
                    .declare("declare double @llvm.maxnum.f64(double, double)");
                let tol0 = self.val(&format!("fmul double {rel}, {mx}"));
                let tol = self.val(&format!(
                    "call double @llvm.maxnum.f64(double {tol0}, double {abs})"
                ));
                let close = self.val(&format!("fcmp ole double {ad}, {tol}"));
                let inf = fconst(f64::INFINITY, Dtype::F64);
                let fin_a = self.val(&format!("fcmp olt double {aa}, {inf}"));
                let fin_b = self.val(&format!("fcmp olt double {ab}, {inf}"));
                let fin = self.val(&format!("and i1 {fin_a}, {fin_b}"));
                let c2 = self.val(&format!("and i1 {close}, {fin}"));
                V::new(self.val(&format!("or i1 {eq}, {c2}")), Ty::BOOL)
            }
            MathX::Ldexp => {
                let x = f64a(self, 0);
                // Clamp the exponent (beyond ±2200 every result is 0 or inf)
                // rather than truncate it to 32 bits: ldexp(1.0, 2**40) is inf.
                let e = self.cast(args[1].clone(), &Ty::I64).r;
                let hi = self.val(&format!("icmp sgt i64 {e}, 2200"));
                let e = self.val(&format!("select i1 {hi}, i64 2200, i64 {e}"));
                let lo = self.val(&format!("icmp slt i64 {e}, -2200"));
                let e = self.val(&format!("select i1 {lo}, i64 -2200, i64 {e}"));
                let e = self.val(&format!("trunc i64 {e} to i32"));
                self.m
                    .declare("declare double @llvm.ldexp.f64.i32(double, i32)");
                let r = self.val(&format!(
                    "call double @llvm.ldexp.f64.i32(double {x}, i32 {e})"
                ));
                // CPython: a finite x that overflows is "math range error".
                let f = self.intrinsic("fabs", Dtype::F64, 1);
                let (ax, ar) = (
                    self.val(&format!("call double {f}(double {x})")),
                    self.val(&format!("call double {f}(double {r})")),
                );
                let finite = self.val(&format!("fcmp one double {ax}, 0x7FF0000000000000"));
                let inf = self.val(&format!("fcmp oeq double {ar}, 0x7FF0000000000000"));
                let over = self.val(&format!("and i1 {finite}, {inf}"));
                let m = self.str_const("math range error");
                self.raise_if(&over, ExcKind::OverflowError, &[m]);
                V::new(r, Ty::F64)
            }
            MathX::Frexp => {
                let x = f64a(self, 0);
                // The C library's frexp, opaque to LLVM: LLVM 19 folds
                // `frexp(frexp(x).0)` to the inner call's exponent (it is 0).
                self.m
                    .declare("declare double @frexp(double, ptr) nounwind willreturn");
                let slot = self.alloca("i32");
                let m = self.val(&format!(
                    "call double @frexp(double {x}, ptr {slot}) nobuiltin"
                ));
                let e = self.val(&format!("load i32, ptr {slot}"));
                let e = self.val(&format!("sext i32 {e} to i64"));
                self.build_tuple(vec![V::new(m, Ty::F64), V::new(e, Ty::I64)])
            }
            MathX::Modf => {
                let x = f64a(self, 0);
                let tr = self.intrinsic("trunc", Dtype::F64, 1);
                let ip = self.val(&format!("call double {tr}(double {x})"));
                let fp0 = self.val(&format!("fsub double {x}, {ip}"));
                // Infinities: fraction is a signed zero.
                let cs = self.intrinsic("copysign", Dtype::F64, 2);
                let fabs = self.intrinsic("fabs", Dtype::F64, 1);
                let ax = self.val(&format!("call double {fabs}(double {x})"));
                let isinf = self.val(&format!(
                    "fcmp oeq double {ax}, {}",
                    fconst(f64::INFINITY, Dtype::F64)
                ));
                let z = self.val(&format!("call double {cs}(double 0.0, double {x})"));
                let fp1 = self.val(&format!("select i1 {isinf}, double {z}, double {fp0}"));
                let fp = self.val(&format!("call double {cs}(double {fp1}, double {x})"));
                self.build_tuple(vec![V::new(fp, Ty::F64), V::new(ip, Ty::F64)])
            }
            MathX::Factorial => {
                let n = i64a(self, 0);
                let neg = self.val(&format!("icmp slt i64 {n}, 0"));
                let m = self.str_const("factorial() not defined for negative values");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let acc = self.alloca("i64");
                self.emit(&format!("store i64 1, ptr {acc}"));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let k = self.val(&format!("add i64 {}, 1", lp.idx[0]));
                let c = self.val(&format!("load i64, ptr {acc}"));
                let c2 = self.val(&format!("mul i64 {c}, {k}"));
                self.emit(&format!("store i64 {c2}, ptr {acc}"));
                self.nd_close(lp);
                V::new(self.val(&format!("load i64, ptr {acc}")), Ty::I64)
            }
            MathX::Isqrt => {
                let n = i64a(self, 0);
                let neg = self.val(&format!("icmp slt i64 {n}, 0"));
                let m = self.str_const("isqrt() argument must be nonnegative");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let f = self.val(&format!("sitofp i64 {n} to double"));
                let sq = self.intrinsic("sqrt", Dtype::F64, 1);
                let r = self.val(&format!("call double {sq}(double {f})"));
                let r = self.val(&format!("fptosi double {r} to i64"));
                // Correct the float estimate by at most one either way.
                let r2 = self.val(&format!("mul i64 {r}, {r}"));
                let big = self.val(&format!("icmp sgt i64 {r2}, {n}"));
                let rm = self.val(&format!("sub i64 {r}, 1"));
                let r = self.val(&format!("select i1 {big}, i64 {rm}, i64 {r}"));
                let r1 = self.val(&format!("add i64 {r}, 1"));
                let r1sq = self.val(&format!("mul i64 {r1}, {r1}"));
                let le = self.val(&format!("icmp sle i64 {r1sq}, {n}"));
                let pos = self.val(&format!("icmp sgt i64 {r1sq}, 0"));
                let up = self.val(&format!("and i1 {le}, {pos}"));
                V::new(
                    self.val(&format!("select i1 {up}, i64 {r1}, i64 {r}")),
                    Ty::I64,
                )
            }
            MathX::Nextafter | MathX::Remainder => {
                let a = f64a(self, 0);
                let b = f64a(self, 1);
                let g = self.libm(
                    if f == MathX::Nextafter {
                        "nextafter"
                    } else {
                        "remainder"
                    },
                    Dtype::F64,
                    2,
                );
                V::new(
                    self.val(&format!("call double {g}(double {a}, double {b})")),
                    Ty::F64,
                )
            }
        })
    }

    /// NumPy's isclose: |a - b| <= atol + rtol * |b| (infinities equal to themselves).
    pub(super) fn isclose(&mut self, a: &str, b: &str, rtol: &str, atol: &str) -> String {
        let fabs = self.intrinsic("fabs", Dtype::F64, 1);
        let d = self.val(&format!("fsub double {a}, {b}"));
        let ad = self.val(&format!("call double {fabs}(double {d})"));
        let ab = self.val(&format!("call double {fabs}(double {b})"));
        let t = self.val(&format!("fmul double {rtol}, {ab}"));
        let tol = self.val(&format!("fadd double {atol}, {t}"));
        let close = self.val(&format!("fcmp ole double {ad}, {tol}"));
        let eq = self.val(&format!("fcmp oeq double {a}, {b}"));
        self.val(&format!("or i1 {close}, {eq}"))
    }

    /// NumPy's maximum/minimum (NaN wins) or fmax/fmin (NaN loses).
    pub(super) fn np_extremum(&mut self, max: bool, ignore_nan: bool, x: V, y: V) -> R<V> {
        if x.ty.scalar().is_some_and(|d| d.is_complex()) {
            return self.np_complex_extremum(max, ignore_nan, x, y);
        }
        let t = x.ty.clone();
        let lt = llty(&t);
        let better = self.compare(
            if max { CmpOp::Gt } else { CmpOp::Lt },
            x.clone(),
            y.clone(),
        )?;
        let Some(d) = t.scalar() else {
            return ice("extremum type");
        };
        let take_x = if d.is_float() {
            let xn = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
            let yn = self.val(&format!("fcmp uno {lt} {}, 0.0", y.r));
            if ignore_nan {
                // x unless x is NaN; y when y is NaN and x is not.
                let nx = self.val(&format!("xor i1 {xn}, true"));
                let keep = self.val(&format!("or i1 {better}, {yn}"));
                self.val(&format!("and i1 {keep}, {nx}"))
            } else {
                let ny = self.val(&format!("xor i1 {yn}, true"));
                let b2 = self.val(&format!("and i1 {better}, {ny}"));
                self.val(&format!("or i1 {b2}, {xn}"))
            }
        } else {
            better
        };
        Ok(V::new(
            self.val(&format!("select i1 {take_x}, {lt} {}, {lt} {}", x.r, y.r)),
            t,
        ))
    }

    /// NumPy's complex maximum/minimum (`fmax`/`fmin` with `ignore_nan`):
    /// lexicographic order, `x` kept when it is at least (most) `y`; a NaN
    /// part in `x` (in `y` for fmax/fmin) decides for `x`.
    fn np_complex_extremum(&mut self, max: bool, ignore_nan: bool, x: V, y: V) -> R<V> {
        let t = x.ty.clone();
        let d = t.scalar().ok_or("complex extremum")?;
        let ft = scalar_ty(d.real_part());
        let (xr, xi) = self.complex_parts(&x);
        let (yr, yi) = self.complex_parts(&y);
        let (gt, ge) = if max { ("ogt", "oge") } else { ("olt", "ole") };
        // (xr > yr && !isnan(xi) && !isnan(yi)) || (xr == yr && xi >= yi)
        let a = self.val(&format!("fcmp {gt} {ft} {xr}, {yr}"));
        let parts_ok = self.val(&format!("fcmp ord {ft} {xi}, {yi}"));
        let a = self.val(&format!("and i1 {a}, {parts_ok}"));
        let same = self.val(&format!("fcmp oeq {ft} {xr}, {yr}"));
        let b = self.val(&format!("fcmp {ge} {ft} {xi}, {yi}"));
        let b = self.val(&format!("and i1 {same}, {b}"));
        let keep = self.val(&format!("or i1 {a}, {b}"));
        let (nr, ni) = if ignore_nan { (&yr, &yi) } else { (&xr, &xi) };
        let nan = self.val(&format!("fcmp uno {ft} {nr}, {ni}"));
        let take_x = self.val(&format!("or i1 {keep}, {nan}"));
        let lt = llty(&t);
        Ok(V::new(
            self.val(&format!("select i1 {take_x}, {lt} {}, {lt} {}", x.r, y.r)),
            t,
        ))
    }

    fn float_pred(&mut self, p: FloatPred, x: &str) -> String {
        let inf = fconst(f64::INFINITY, Dtype::F64);
        match p {
            FloatPred::IsNan => self.val(&format!("fcmp uno double {x}, 0.0")),
            FloatPred::IsInf => {
                let f = self.intrinsic("fabs", Dtype::F64, 1);
                let a = self.val(&format!("call double {f}(double {x})"));
                self.val(&format!("fcmp oeq double {a}, {inf}"))
            }
            FloatPred::IsFinite => {
                let f = self.intrinsic("fabs", Dtype::F64, 1);
                let a = self.val(&format!("call double {f}(double {x})"));
                self.val(&format!("fcmp olt double {a}, {inf}"))
            }
        }
    }

    pub(super) fn check_float_to_int(&mut self, x: &V, d: Dtype) {
        let t = scalar_ty(d);
        let nan = self.val(&format!("fcmp uno {t} {}, 0.0", x.r));
        let m = self.str_const("cannot convert float NaN to integer");
        self.raise_if(&nan, ExcKind::ValueError, &[m]);
        let f = self.intrinsic("fabs", d, 1);
        let a = self.val(&format!("call {t} {f}({t} {})", x.r));
        let inf = self.val(&format!("fcmp oeq {t} {a}, {}", fconst(f64::INFINITY, d)));
        let m = self.str_const("cannot convert float infinity to integer");
        self.raise_if(&inf, ExcKind::OverflowError, &[m]);
        // CPython would give a big int; compiled integers are 64-bit, so a
        // value outside [-2**63, 2**63) is an error, never a saturated value.
        let big = self.val(&format!("fcmp oge {t} {a}, {}", fconst(TWO_POW_63, d)));
        let min = self.val(&format!("fcmp oeq {t} {}, {}", x.r, fconst(-TWO_POW_63, d)));
        let over = self.val(&format!("xor i1 {min}, true"));
        let over = self.val(&format!("and i1 {big}, {over}"));
        let m = self.str_const("float too large to convert to a 64-bit integer in compiled code");
        self.raise_if(&over, ExcKind::OverflowError, &[m]);
    }

    /// `int(x)` of a uint64 at or above 2**63: CPython gives a big int,
    /// compiled integers are int64, so it is an error rather than a wrap.
    pub(super) fn check_u64_to_int(&mut self, x: &V) {
        if x.ty.scalar() != Some(Dtype::U64) {
            return;
        }
        let big = self.val(&format!("icmp slt i64 {}, 0", x.r));
        let m = self.str_const("uint64 too large to convert to a 64-bit integer in compiled code");
        self.raise_if(&big, ExcKind::OverflowError, &[m]);
    }

    pub(super) fn math1(&mut self, f: Math1, d: Dtype, x: &str) -> R<String> {
        let t = scalar_ty(d);
        let fm = self.fm();
        let intr = |s: &mut Self, n: &str| {
            let g = s.intrinsic(n, d, 1);
            s.val(&format!("call {fm}{t} {g}({t} {x})"))
        };
        let lib = |s: &mut Self, n: &str| {
            let g = s.libm(n, d, 1);
            let va = s.m.vector_variants(n, d, 1);
            s.val(&format!("call {fm}{t} {g}({t} {x}){va}"))
        };
        // Under fastmath, transcendental functions go through libm symbols
        // that carry libmvec vector variants; otherwise LLVM intrinsics.
        let fast = self.m.opts.fastmath;
        let intr = |s: &mut Self, n: &str| {
            if fast && LIBMVEC1.contains(&n) {
                lib(s, n)
            } else {
                intr(s, n)
            }
        };
        Ok(match f {
            Math1::Sqrt => intr(self, "sqrt"),
            Math1::Exp => intr(self, "exp"),
            Math1::Log => intr(self, "log"),
            Math1::Log2 => intr(self, "log2"),
            Math1::Log10 => intr(self, "log10"),
            Math1::Sin => intr(self, "sin"),
            Math1::Cos => intr(self, "cos"),
            Math1::Exp2 => intr(self, "exp2"),
            Math1::Rint => intr(self, "rint"),
            Math1::Tan => lib(self, "tan"),
            Math1::Expm1 => lib(self, "expm1"),
            Math1::Log1p => lib(self, "log1p"),
            Math1::Asin => lib(self, "asin"),
            Math1::Acos => lib(self, "acos"),
            Math1::Atan => lib(self, "atan"),
            Math1::Sinh => lib(self, "sinh"),
            Math1::Cosh => lib(self, "cosh"),
            Math1::Tanh => lib(self, "tanh"),
            Math1::Asinh => lib(self, "asinh"),
            Math1::Acosh => lib(self, "acosh"),
            Math1::Atanh => lib(self, "atanh"),
            Math1::Erf => lib(self, "erf"),
            Math1::Erfc => lib(self, "erfc"),
            // CPython's own algorithms (math.gamma/lgamma are Python's only).
            Math1::Gamma | Math1::Lgamma if d == Dtype::F64 => {
                let g = if f == Math1::Gamma {
                    "@oxjit_rt_py_gamma"
                } else {
                    "@oxjit_rt_py_lgamma"
                };
                self.val(&format!("call double {g}(double {x})"))
            }
            Math1::Gamma => lib(self, "tgamma"),
            Math1::Lgamma => lib(self, "lgamma"),
            Math1::Cbrt => lib(self, "cbrt"),
            Math1::Fabs => intr(self, "fabs"),
            Math1::Degrees => self.val(&format!(
                "fmul {fm}{t} {x}, {}",
                fconst(180.0 / std::f64::consts::PI, d)
            )),
            Math1::Radians => self.val(&format!(
                "fmul {fm}{t} {x}, {}",
                fconst(std::f64::consts::PI / 180.0, d)
            )),
        })
    }
}
