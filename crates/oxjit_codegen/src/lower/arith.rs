//! Arithmetic with Python/NumPy semantics: binary operators, powers, libm, complex, comparisons.

use super::*;

impl<'p> FnGen<'_, 'p> {
    // ----- arithmetic ----------------------------------------------------------------

    pub(super) fn binop(&mut self, op: BinOp, a: V, b: V, at: &Expr) -> R<V> {
        match (&a.ty.clone(), &b.ty.clone()) {
            (Ty::Scalar(x), Ty::Scalar(y)) => self.scalar_binop(op, a, b, *x, *y),
            (Ty::Tuple(xs), Ty::Tuple(ys)) if op == BinOp::Add => {
                let mut items = Vec::new();
                for (i, t) in xs.iter().enumerate() {
                    items.push(self.extract(&a, i, t.clone()));
                }
                for (i, t) in ys.iter().enumerate() {
                    items.push(self.extract(&b, i, t.clone()));
                }
                Ok(self.build_tuple(items))
            }
            (Ty::Array(_), Ty::Array(_)) if op == BinOp::MatMul => {
                let ty = self.inst.ty(at).clone();
                self.matmul(&a, &b, ty)
            }
            (Ty::Str, _) | (_, Ty::Str) => self.str_binop(op, a, b),
            (Ty::List(_), _) | (_, Ty::List(_)) => {
                let ty = self.inst.ty(at).clone();
                self.list_binop(op, a, b, &ty)
            }
            (Ty::Dict(d), Ty::Dict(_)) => {
                let f = super::dict::set_op(op).ok_or("set operator")?;
                let d = (**d).clone();
                self.set_binop(f, &a, &b, &d)
            }
            (l, r) => ice(format!(
                "operator {} on {l} and {r} at line {}",
                op.symbol(),
                at.span.line
            )),
        }
    }

    pub(super) fn fm(&self) -> &'static str {
        if self.m.opts.fastmath {
            "fast "
        } else {
            ""
        }
    }

    pub(super) fn zero_div(&mut self, b: &str, d: Dtype, msg: &str) {
        let z = if d.is_float() {
            self.val(&format!("fcmp oeq {} {b}, 0.0", scalar_ty(d)))
        } else {
            self.val(&format!("icmp eq {} {b}, 0", scalar_ty(d)))
        };
        let m = self.str_const(msg);
        self.raise_if(&z, ExcKind::ZeroDivisionError, &[m]);
    }

    pub(super) fn scalar_binop(&mut self, op: BinOp, a: V, b: V, x: Dtype, y: Dtype) -> R<V> {
        use BinOp::*;
        let numpy = self.m.opts.error_model_numpy;
        let fm = self.fm();
        // A query over operators: all but `/` and bool bitwise ops promote arithmetically.
        #[allow(clippy::wildcard_enum_match_arm)]
        let r = match op {
            Div => oxjit_types::promote_truediv(x, y),
            BitAnd | BitOr | BitXor if x == Dtype::Bool && y == Dtype::Bool => Dtype::Bool,
            _ => promote_arith(x, y),
        };
        let a = self.cast(a, &Ty::Scalar(r));
        let b = self.cast(b, &Ty::Scalar(r));
        let t = scalar_ty(r);
        let (ar, br) = (a.r.clone(), b.r.clone());
        let out = |s: &mut Self, rhs: String| V::new(s.val(&rhs), Ty::Scalar(r));
        if r.is_complex() {
            return self.complex_binop(op, &a, &b, r);
        }
        let signed = r.is_signed();
        Ok(match (op, r.kind()) {
            (Add, Kind::Float) => out(self, format!("fadd {fm}{t} {ar}, {br}")),
            (Sub, Kind::Float) => out(self, format!("fsub {fm}{t} {ar}, {br}")),
            (Mul, Kind::Float) => out(self, format!("fmul {fm}{t} {ar}, {br}")),
            (Add, _) => out(self, format!("add {t} {ar}, {br}")),
            (Sub, _) => out(self, format!("sub {t} {ar}, {br}")),
            (Mul, _) => out(self, format!("mul {t} {ar}, {br}")),
            (Div, _) => {
                if !numpy {
                    let msg = if x.is_float() || y.is_float() {
                        "float division by zero"
                    } else {
                        "division by zero"
                    };
                    self.zero_div(&br, r, msg);
                }
                out(self, format!("fdiv {fm}{t} {ar}, {br}"))
            }
            (FloorDiv | Mod, Kind::Float) => {
                if !numpy {
                    let msg = if op == FloorDiv {
                        "float floor division by zero"
                    } else if crate::python_minor() >= 13 {
                        "float modulo by zero"
                    } else {
                        "float modulo"
                    };
                    self.zero_div(&br, r, msg);
                }
                let (div, m) = self.float_divmod(&ar, &br, r);
                let div = if numpy && op == FloorDiv {
                    // NumPy: x // 0.0 is x / 0.0 (±inf, or nan for 0 // 0).
                    let z = self.val(&format!("fcmp oeq {t} {br}, 0.0"));
                    let q = self.val(&format!("fdiv {t} {ar}, {br}"));
                    self.val(&format!("select i1 {z}, {t} {q}, {t} {div}"))
                } else {
                    div
                };
                V::new(if op == FloorDiv { div } else { m }, Ty::Scalar(r))
            }
            (FloorDiv | Mod, _) => {
                if numpy {
                    // NumPy's model: x // 0 == 0 and x % 0 == 0.
                    let z = self.val(&format!("icmp eq {t} {br}, 0"));
                    let safe = self.val(&format!("select i1 {z}, {t} 1, {t} {br}"));
                    let (q, m) = self.int_divmod(&ar, &safe, r);
                    let res = if op == FloorDiv { q } else { m };
                    out(self, format!("select i1 {z}, {t} 0, {t} {res}"))
                } else {
                    let msg = if op == FloorDiv || crate::python_minor() < 11 {
                        "integer division or modulo by zero"
                    } else {
                        "integer modulo by zero"
                    };
                    self.zero_div(&br, r, msg);
                    let (q, m) = self.int_divmod(&ar, &br, r);
                    V::new(if op == FloorDiv { q } else { m }, Ty::Scalar(r))
                }
            }
            // `0.0 ** -1.0` is inf (and `-0.0 ** -1.0` is -inf), as in NumPy
            // and Numba, under both error models: CPython's ZeroDivisionError
            // breaks real Numba programs (README, "Differences from Numba").
            (Pow, Kind::Float) => {
                if br == fconst(2.0, r) {
                    return Ok(out(self, format!("fmul {fm}{t} {ar}, {ar}")));
                }
                let v = self.pow_call(r, &ar, &br);
                return Ok(V::new(v, Ty::Scalar(r)));
            }
            (Pow, _) => {
                if signed {
                    let neg = self.val(&format!("icmp slt {t} {br}, 0"));
                    let m = self.str_const("Integers to negative integer powers are not allowed.");
                    self.raise_if(&neg, ExcKind::ValueError, &[m]);
                }
                self.int_pow(&ar, &br, r)
            }
            (LShift | RShift, _) => {
                if signed {
                    let neg = self.val(&format!("icmp slt {t} {br}, 0"));
                    let m = self.str_const("negative shift count");
                    self.raise_if(&neg, ExcKind::ValueError, &[m]);
                }
                let bits = r.bits();
                let big = self.val(&format!("icmp uge {t} {br}, {bits}"));
                let sh = self.val(&format!("select i1 {big}, {t} {}, {t} {br}", bits - 1));
                if op == LShift {
                    let v = self.val(&format!("shl {t} {ar}, {sh}"));
                    out(self, format!("select i1 {big}, {t} 0, {t} {v}"))
                } else if signed {
                    out(self, format!("ashr {t} {ar}, {sh}"))
                } else {
                    let v = self.val(&format!("lshr {t} {ar}, {sh}"));
                    out(self, format!("select i1 {big}, {t} 0, {t} {v}"))
                }
            }
            (BitAnd, _) => out(self, format!("and {t} {ar}, {br}")),
            (BitOr, _) => out(self, format!("or {t} {ar}, {br}")),
            (BitXor, _) => out(self, format!("xor {t} {ar}, {br}")),
            (MatMul, _) => return ice("@ on scalars"),
        })
    }

    pub(super) fn intrinsic(&mut self, name: &str, d: Dtype, nargs: usize) -> String {
        let t = scalar_ty(d);
        let f = format!("@llvm.{name}.{}", fsuffix(d));
        let args = vec![t; nargs].join(", ");
        self.m.declare(&format!("declare {t} {f}({args})"));
        f
    }

    /// `pow(a, b)` as the C library computes it. Without fastmath the call
    /// is `nobuiltin`: LLVM would otherwise rewrite a constant base
    /// (`8.0 ** x` into `exp2(3 * x)`, `2.0 ** x` into `exp2(x)`), which
    /// differs from CPython's and NumPy's `pow` in the last bit. Under
    /// fastmath it carries libmvec's vector variants.
    pub(super) fn pow_call(&mut self, d: Dtype, a: &str, b: &str) -> String {
        let t = scalar_ty(d);
        let f = self.libm("pow", d, 2);
        let fm = self.fm();
        let attrs = if self.m.opts.fastmath {
            self.m.vector_variants("pow", d, 2)
        } else {
            " nobuiltin".to_string()
        };
        self.val(&format!("call {fm}{t} {f}({t} {a}, {t} {b}){attrs}"))
    }

    pub(super) fn libm(&mut self, name: &str, d: Dtype, nargs: usize) -> String {
        let t = scalar_ty(d);
        let sym = if d == Dtype::F32 {
            format!("{name}f")
        } else {
            name.to_string()
        };
        let args = vec![t; nargs].join(", ");
        self.m.declare(&format!(
            "declare {t} @{sym}({args}) nounwind willreturn memory(none)"
        ));
        format!("@{sym}")
    }

    /// Python's float `divmod` (floor division and modulo with the sign of
    /// the divisor).
    fn float_divmod(&mut self, a: &str, b: &str, d: Dtype) -> (String, String) {
        let t = scalar_ty(d);
        let fm = self.fm();
        let m0 = self.val(&format!("frem {t} {a}, {b}"));
        let am = self.val(&format!("fsub {fm}{t} {a}, {m0}"));
        let div0 = self.val(&format!("fdiv {fm}{t} {am}, {b}"));
        let mnz = self.val(&format!("fcmp une {t} {m0}, 0.0"));
        let bneg = self.val(&format!("fcmp olt {t} {b}, 0.0"));
        let mneg = self.val(&format!("fcmp olt {t} {m0}, 0.0"));
        let diff = self.val(&format!("xor i1 {bneg}, {mneg}"));
        let adj = self.val(&format!("and i1 {mnz}, {diff}"));
        let m1 = self.val(&format!("fadd {t} {m0}, {b}"));
        let div1 = self.val(&format!("fsub {t} {div0}, {}", fconst(1.0, d)));
        let cs = self.intrinsic("copysign", d, 2);
        let zm = self.val(&format!("call {t} {cs}({t} 0.0, {t} {b})"));
        let m2 = self.val(&format!("select i1 {adj}, {t} {m1}, {t} {m0}"));
        let m = self.val(&format!("select i1 {mnz}, {t} {m2}, {t} {zm}"));
        let div = self.val(&format!("select i1 {adj}, {t} {div1}, {t} {div0}"));
        // floordiv = floor(div), corrected when div is just below an integer.
        let fl = self.intrinsic("floor", d, 1);
        let f0 = self.val(&format!("call {t} {fl}({t} {div})"));
        let gap = self.val(&format!("fsub {t} {div}, {f0}"));
        let big = self.val(&format!("fcmp ogt {t} {gap}, {}", fconst(0.5, d)));
        let f1 = self.val(&format!("fadd {t} {f0}, {}", fconst(1.0, d)));
        let f2 = self.val(&format!("select i1 {big}, {t} {f1}, {t} {f0}"));
        let dnz = self.val(&format!("fcmp une {t} {div}, 0.0"));
        let q = self.val(&format!("fdiv {t} {a}, {b}"));
        let zq = self.val(&format!("call {t} {cs}({t} 0.0, {t} {q})"));
        let fd = self.val(&format!("select i1 {dnz}, {t} {f2}, {t} {zq}"));
        (fd, m)
    }

    /// Python's integer floor division and modulo (b != 0).
    fn int_divmod(&mut self, a: &str, b: &str, d: Dtype) -> (String, String) {
        let t = scalar_ty(d);
        if !d.is_signed() {
            return (
                self.val(&format!("udiv {t} {a}, {b}")),
                self.val(&format!("urem {t} {a}, {b}")),
            );
        }
        // INT_MIN / -1 overflows in LLVM: divide by 1 and negate instead.
        let m1 = self.val(&format!("icmp eq {t} {b}, -1"));
        let bb = self.val(&format!("select i1 {m1}, {t} 1, {t} {b}"));
        let q0 = self.val(&format!("sdiv {t} {a}, {bb}"));
        let nq = self.val(&format!("sub {t} 0, {q0}"));
        let q = self.val(&format!("select i1 {m1}, {t} {nq}, {t} {q0}"));
        let r0 = self.val(&format!("srem {t} {a}, {bb}"));
        let rnz = self.val(&format!("icmp ne {t} {r0}, 0"));
        let x = self.val(&format!("xor {t} {r0}, {b}"));
        let sgn = self.val(&format!("icmp slt {t} {x}, 0"));
        let adj = self.val(&format!("and i1 {rnz}, {sgn}"));
        let r1 = self.val(&format!("add {t} {r0}, {b}"));
        let r = self.val(&format!("select i1 {adj}, {t} {r1}, {t} {r0}"));
        let q1 = self.val(&format!("sub {t} {q}, 1"));
        let q = self.val(&format!("select i1 {adj}, {t} {q1}, {t} {q}"));
        (q, r)
    }

    fn int_pow(&mut self, a: &str, b: &str, d: Dtype) -> V {
        let t = scalar_ty(d);
        let res = self.alloca(t);
        let base = self.alloca(t);
        let exp = self.alloca(t);
        self.emit(&format!("store {t} 1, ptr {res}"));
        self.emit(&format!("store {t} {a}, ptr {base}"));
        self.emit(&format!("store {t} {b}, ptr {exp}"));
        let (head, body, done) = (self.label("pow"), self.label("powb"), self.label("powd"));
        self.start(&head);
        let e = self.val(&format!("load {t}, ptr {exp}"));
        let more = self.val(&format!("icmp ne {t} {e}, 0"));
        self.cbr(&more, &body, &done);
        self.start(&body);
        let bit = self.val(&format!("and {t} {e}, 1"));
        let odd = self.val(&format!("icmp ne {t} {bit}, 0"));
        let r = self.val(&format!("load {t}, ptr {res}"));
        let bv = self.val(&format!("load {t}, ptr {base}"));
        let rm = self.val(&format!("mul {t} {r}, {bv}"));
        let r2 = self.val(&format!("select i1 {odd}, {t} {rm}, {t} {r}"));
        self.emit(&format!("store {t} {r2}, ptr {res}"));
        let b2 = self.val(&format!("mul {t} {bv}, {bv}"));
        self.emit(&format!("store {t} {b2}, ptr {base}"));
        let e2 = self.val(&format!("lshr {t} {e}, 1"));
        self.emit(&format!("store {t} {e2}, ptr {exp}"));
        self.br(&head);
        self.start(&done);
        let r = self.val(&format!("load {t}, ptr {res}"));
        V::new(r, Ty::Scalar(d))
    }

    pub(super) fn complex_parts(&mut self, v: &V) -> (String, String) {
        let Ty::Scalar(d) = v.ty else {
            return ("0.0".into(), "0.0".into());
        };
        let ft = Ty::Scalar(d.real_part());
        let re = self.extract(v, 0, ft.clone());
        let im = self.extract(v, 1, ft);
        (re.r, im.r)
    }

    /// NumPy's complex division loop (`numpy_loop`): Smith's method with
    /// both parts times the reciprocal of the denominator, and a zero divisor
    /// giving the parts over +0.
    pub(super) fn numpy_complex_div(
        &mut self,
        f: Dtype,
        a: (&str, &str),
        b: (&str, &str),
    ) -> (String, String) {
        self.smith_div(f, a, b, true)
    }

    /// Smith's complex division `a / b`, in CPython's flavour (each part
    /// divided by the denominator) or NumPy's (`numpy`: each part times
    /// 1/denominator; `|b| == 0` gives the parts over +0). The two round
    /// differently, so each caller picks its library's.
    fn smith_div(
        &mut self,
        f: Dtype,
        a: (&str, &str),
        b: (&str, &str),
        numpy: bool,
    ) -> (String, String) {
        let t = scalar_ty(f);
        let ((ar, ai), (br, bi)) = (a, b);
        let fabs = self.intrinsic("fabs", f, 1);
        let abr = self.val(&format!("call {t} {fabs}({t} {br})"));
        let abi = self.val(&format!("call {t} {fabs}({t} {bi})"));
        let big = self.val(&format!("fcmp oge {t} {abr}, {abi}"));
        // Scale a numerator part by the denominator `den`.
        let scale = |s: &mut Self, x: &str, den: &str| {
            if numpy {
                let inv = s.val(&format!("fdiv {t} {}, {den}", fconst(1.0, f)));
                s.val(&format!("fmul {t} {x}, {inv}"))
            } else {
                s.val(&format!("fdiv {t} {x}, {den}"))
            }
        };
        // |br| >= |bi|: r = bi/br, den = br + bi*r
        let r1 = self.val(&format!("fdiv {t} {bi}, {br}"));
        let d1a = self.val(&format!("fmul {t} {bi}, {r1}"));
        let d1 = self.val(&format!("fadd {t} {br}, {d1a}"));
        let re1a = self.val(&format!("fmul {t} {ai}, {r1}"));
        let re1b = self.val(&format!("fadd {t} {ar}, {re1a}"));
        let mut re1 = scale(self, &re1b, &d1);
        let im1a = self.val(&format!("fmul {t} {ar}, {r1}"));
        let im1b = self.val(&format!("fsub {t} {ai}, {im1a}"));
        let mut im1 = scale(self, &im1b, &d1);
        if numpy {
            // both parts of the divisor zero: the parts over +0
            let zr = self.val(&format!("fdiv {t} {ar}, {abr}"));
            let zi = self.val(&format!("fdiv {t} {ai}, {abr}"));
            let zero = self.val(&format!("fcmp oeq {t} {abr}, 0.0"));
            re1 = self.val(&format!("select i1 {zero}, {t} {zr}, {t} {re1}"));
            im1 = self.val(&format!("select i1 {zero}, {t} {zi}, {t} {im1}"));
        }
        // |bi| > |br| (or NaN): r = br/bi, den = bi + br*r
        let r2 = self.val(&format!("fdiv {t} {br}, {bi}"));
        let d2a = self.val(&format!("fmul {t} {br}, {r2}"));
        let d2 = self.val(&format!("fadd {t} {bi}, {d2a}"));
        let re2a = self.val(&format!("fmul {t} {ar}, {r2}"));
        let re2b = self.val(&format!("fadd {t} {re2a}, {ai}"));
        let re2 = scale(self, &re2b, &d2);
        let im2a = self.val(&format!("fmul {t} {ai}, {r2}"));
        let im2b = self.val(&format!("fsub {t} {im2a}, {ar}"));
        let im2 = scale(self, &im2b, &d2);
        (
            self.val(&format!("select i1 {big}, {t} {re1}, {t} {re2}")),
            self.val(&format!("select i1 {big}, {t} {im1}, {t} {im2}")),
        )
    }

    /// NumPy's `absolute` loop for complex values: max * sqrt(1 + r*r) with
    /// r = min/max (the multiply-add fused where its SIMD loop fuses it);
    /// infinities give inf, then NaNs NaN, and 0 gives 0.
    pub(super) fn numpy_complex_abs(&mut self, f: Dtype, re: &str, im: &str) -> String {
        let t = scalar_ty(f);
        let fabs = self.intrinsic("fabs", f, 1);
        let a = self.val(&format!("call {t} {fabs}({t} {re})"));
        let b = self.val(&format!("call {t} {fabs}({t} {im})"));
        let mx = self.intrinsic("maxnum", f, 2);
        let mn = self.intrinsic("minnum", f, 2);
        let hi = self.val(&format!("call {t} {mx}({t} {a}, {t} {b})"));
        let lo = self.val(&format!("call {t} {mn}({t} {a}, {t} {b})"));
        let r = self.val(&format!("fdiv {t} {lo}, {hi}"));
        let one = fconst(1.0, f);
        let q = if numpy_fused_complex_mul() {
            let fma = self.intrinsic("fma", f, 3);
            self.val(&format!("call {t} {fma}({t} {r}, {t} {r}, {t} {one})"))
        } else {
            let rr = self.val(&format!("fmul {t} {r}, {r}"));
            self.val(&format!("fadd {t} {rr}, {one}"))
        };
        let sq = self.intrinsic("sqrt", f, 1);
        let s = self.val(&format!("call {t} {sq}({t} {q})"));
        let v = self.val(&format!("fmul {t} {hi}, {s}"));
        let inf = fconst(f64::INFINITY, f);
        let zero = self.val(&format!("fcmp oeq {t} {hi}, 0.0"));
        let v = self.val(&format!("select i1 {zero}, {t} 0.0, {t} {v}"));
        let nan = self.val(&format!("fcmp uno {t} {a}, {b}"));
        let nanv = self.val(&format!("fadd {t} {a}, {b}"));
        let v = self.val(&format!("select i1 {nan}, {t} {nanv}, {t} {v}"));
        let ia = self.val(&format!("fcmp oeq {t} {a}, {inf}"));
        let ib = self.val(&format!("fcmp oeq {t} {b}, {inf}"));
        let isinf = self.val(&format!("or i1 {ia}, {ib}"));
        self.val(&format!("select i1 {isinf}, {t} {inf}, {t} {v}"))
    }

    /// An exact comparison of a uint64 with a signed integer (no common
    /// integer type holds both: a negative value is below every uint64, a
    /// non-negative one compares as unsigned).
    fn compare_u64_signed(&mut self, op: CmpOp, a: V, b: V) -> R<String> {
        let u_left = a.ty == Ty::Scalar(Dtype::U64);
        let (u, sv) = if u_left { (a, b) } else { (b, a) };
        let s64 = self.cast(sv, &Ty::I64).r;
        let neg = self.val(&format!("icmp slt i64 {s64}, 0"));
        let (pred, below) = match op {
            CmpOp::Eq => ("eq", false),
            CmpOp::Ne => ("ne", true),
            CmpOp::Lt => (if u_left { "ult" } else { "ugt" }, !u_left),
            CmpOp::Le => (if u_left { "ule" } else { "uge" }, !u_left),
            CmpOp::Gt => (if u_left { "ugt" } else { "ult" }, u_left),
            CmpOp::Ge => (if u_left { "uge" } else { "ule" }, u_left),
            CmpOp::Is | CmpOp::IsNot | CmpOp::In | CmpOp::NotIn => {
                return ice("uint64 comparison operator")
            }
        };
        // `pred` is written for (uint64 value) op (signed value) when u is on
        // the left; with u on the right the operands are swapped below.
        let c = self.val(&format!("icmp {pred} i64 {}, {s64}", u.r));
        // For a negative signed value: uint64 > it, so the answer is fixed.
        Ok(self.val(&format!("select i1 {neg}, i1 {below}, i1 {c}")))
    }

    /// NumPy's sort order of complex values (`a < b`): lexicographic, with
    /// a NaN real part after every number and a NaN imaginary part after
    /// every number of the same real part.
    pub(super) fn complex_sort_lt(&mut self, a: &V, b: &V) -> String {
        let d = a.ty.scalar().unwrap_or(Dtype::C128);
        let t = scalar_ty(d.real_part());
        let (ar, ai) = self.complex_parts(a);
        let (br, bi) = self.complex_parts(b);
        let ai_num = self.val(&format!("fcmp ord {t} {ai}, 0.0"));
        let bi_nan = self.val(&format!("fcmp uno {t} {bi}, 0.0"));
        let br_nan = self.val(&format!("fcmp uno {t} {br}, 0.0"));
        let ar_nan = self.val(&format!("fcmp uno {t} {ar}, 0.0"));
        // real parts ordered: a.real < b.real
        let rlt = self.val(&format!("fcmp olt {t} {ar}, {br}"));
        let c1 = self.val(&format!("or i1 {ai_num}, {bi_nan}"));
        // a.real > b.real
        let rgt = self.val(&format!("fcmp ogt {t} {ar}, {br}"));
        let c2 = self.val(&format!("and i1 {bi_nan}, {ai_num}"));
        // equal real parts (or both NaN): compare imaginary parts, NaN last
        let req = self.val(&format!("fcmp oeq {t} {ar}, {br}"));
        let both_nan = self.val(&format!("and i1 {ar_nan}, {br_nan}"));
        let same = self.val(&format!("or i1 {req}, {both_nan}"));
        let ilt = self.val(&format!("fcmp olt {t} {ai}, {bi}"));
        let c3a = self.val(&format!("and i1 {bi_nan}, {ai_num}"));
        let c3 = self.val(&format!("or i1 {ilt}, {c3a}"));
        // otherwise exactly one real part is NaN: a < b when b's is
        let r3 = self.val(&format!("select i1 {same}, i1 {c3}, i1 {br_nan}"));
        let r2 = self.val(&format!("select i1 {rgt}, i1 {c2}, i1 {r3}"));
        self.val(&format!("select i1 {rlt}, i1 {c1}, i1 {r2}"))
    }

    pub(super) fn complex_binop(&mut self, op: BinOp, a: &V, b: &V, d: Dtype) -> R<V> {
        let f = d.real_part();
        let t = scalar_ty(f);
        let fm = self.fm();
        let (ar, ai) = self.complex_parts(a);
        let (br, bi) = self.complex_parts(b);
        // Complex numbers support only these operators: any other one is an internal error.
        #[allow(clippy::wildcard_enum_match_arm)]
        let (re, im) = match op {
            BinOp::Add => (
                self.val(&format!("fadd {fm}{t} {ar}, {br}")),
                self.val(&format!("fadd {fm}{t} {ai}, {bi}")),
            ),
            BinOp::Sub => (
                self.val(&format!("fsub {fm}{t} {ar}, {br}")),
                self.val(&format!("fsub {fm}{t} {ai}, {bi}")),
            ),
            BinOp::Mul if self.numpy_loop && numpy_fused_complex_mul() => {
                // NumPy's vectorised loop (AVX2/AVX-512 with FMA3, NEON):
                // re = fma(ar, br, -(ai*bi)), im = fma(ar, bi, ai*br).
                let fma = self.intrinsic("fma", f, 3);
                let x2 = self.val(&format!("fmul {fm}{t} {ai}, {bi}"));
                let nx2 = self.val(&format!("fneg {fm}{t} {x2}"));
                let y2 = self.val(&format!("fmul {fm}{t} {ai}, {br}"));
                let re = self.val(&format!("call {t} {fma}({t} {ar}, {t} {br}, {t} {nx2})"));
                let im = self.val(&format!("call {t} {fma}({t} {ar}, {t} {bi}, {t} {y2})"));
                match self.mul_unfused.take() {
                    // An operand read backwards: NumPy's scalar loop, unfused.
                    Some(back) => {
                        let x1 = self.val(&format!("fmul {fm}{t} {ar}, {br}"));
                        let y1 = self.val(&format!("fmul {fm}{t} {ar}, {bi}"));
                        let re0 = self.val(&format!("fsub {fm}{t} {x1}, {x2}"));
                        let im0 = self.val(&format!("fadd {fm}{t} {y1}, {y2}"));
                        (
                            self.val(&format!("select i1 {back}, {t} {re0}, {t} {re}")),
                            self.val(&format!("select i1 {back}, {t} {im0}, {t} {im}")),
                        )
                    }
                    None => (re, im),
                }
            }
            BinOp::Mul => {
                let x1 = self.val(&format!("fmul {fm}{t} {ar}, {br}"));
                let x2 = self.val(&format!("fmul {fm}{t} {ai}, {bi}"));
                let y1 = self.val(&format!("fmul {fm}{t} {ar}, {bi}"));
                let y2 = self.val(&format!("fmul {fm}{t} {ai}, {br}"));
                (
                    self.val(&format!("fsub {fm}{t} {x1}, {x2}")),
                    self.val(&format!("fadd {fm}{t} {y1}, {y2}")),
                )
            }
            BinOp::Div if self.numpy_loop => self.numpy_complex_div(f, (&ar, &ai), (&br, &bi)),
            BinOp::Div => {
                if !self.m.opts.error_model_numpy {
                    let z1 = self.val(&format!("fcmp oeq {t} {br}, 0.0"));
                    let z2 = self.val(&format!("fcmp oeq {t} {bi}, 0.0"));
                    let z = self.val(&format!("and i1 {z1}, {z2}"));
                    let m = self.str_const("complex division by zero");
                    self.raise_if(&z, ExcKind::ZeroDivisionError, &[m]);
                }
                self.smith_div(f, (&ar, &ai), (&br, &bi), false)
            }
            BinOp::Pow if self.numpy_loop => {
                let (name, c) = if f == Dtype::F32 {
                    ("oxjit_rt_npy_cpowf", "float")
                } else {
                    ("oxjit_rt_npy_cpow", "double")
                };
                let buf = self.alloca(&format!("[2 x {c}]"));
                self.emit(&format!(
                    "call void @{name}({c} {ar}, {c} {ai}, {c} {br}, {c} {bi}, ptr {buf})"
                ));
                let ct = scalar_ty(d);
                return Ok(V::new(
                    self.val(&format!("load {ct}, ptr {buf}")),
                    Ty::Scalar(d),
                ));
            }
            BinOp::Pow => {
                // a ** b = exp(b * log(a)) in polar form; 0 ** b handled first.
                let hyp = self.libm("hypot", f, 2);
                let at2 = self.libm("atan2", f, 2);
                let lg = self.intrinsic("log", f, 1);
                let ex = self.intrinsic("exp", f, 1);
                let cs = self.intrinsic("cos", f, 1);
                let sn = self.intrinsic("sin", f, 1);
                let vabs = self.val(&format!("call {t} {hyp}({t} {ar}, {t} {ai})"));
                let len = self.pow_call(f, &vabs, &br);
                let at = self.val(&format!("call {t} {at2}({t} {ai}, {t} {ar})"));
                let phase0 = self.val(&format!("fmul {t} {at}, {br}"));
                let bi_at = self.val(&format!("fmul {t} {at}, {bi}"));
                let e = self.val(&format!("call {t} {ex}({t} {bi_at})"));
                let len2 = self.val(&format!("fdiv {t} {len}, {e}"));
                let l = self.val(&format!("call {t} {lg}({t} {vabs})"));
                let bil = self.val(&format!("fmul {t} {bi}, {l}"));
                let phase = self.val(&format!("fadd {t} {phase0}, {bil}"));
                let c = self.val(&format!("call {t} {cs}({t} {phase})"));
                let s = self.val(&format!("call {t} {sn}({t} {phase})"));
                let re = self.val(&format!("fmul {t} {len2}, {c}"));
                let im = self.val(&format!("fmul {t} {len2}, {s}"));
                // 0 ** b: 1 if b == 0 else 0.
                let z1 = self.val(&format!("fcmp oeq {t} {ar}, 0.0"));
                let z2 = self.val(&format!("fcmp oeq {t} {ai}, 0.0"));
                let az = self.val(&format!("and i1 {z1}, {z2}"));
                let b1 = self.val(&format!("fcmp oeq {t} {br}, 0.0"));
                let b2 = self.val(&format!("fcmp oeq {t} {bi}, 0.0"));
                let bz = self.val(&format!("and i1 {b1}, {b2}"));
                let one = fconst(1.0, f);
                let zr = self.val(&format!("select i1 {bz}, {t} {one}, {t} 0.0"));
                let pre = self.val(&format!("select i1 {az}, {t} {zr}, {t} {re}"));
                let pim = self.val(&format!("select i1 {az}, {t} 0.0, {t} {im}"));
                // Small integer exponents: repeated multiplication, exactly as
                // CPython does ((1+1j)**2 == 2j).
                let slot = self.alloca(scalar_ty(d));
                let polar = self.complex(d, &pre, &pim);
                self.store(&polar, &slot);
                let trb = self.intrinsic("trunc", f, 1);
                let fabs = self.intrinsic("fabs", f, 1);
                let tb = self.val(&format!("call {t} {trb}({t} {br})"));
                let isint = self.val(&format!("fcmp oeq {t} {tb}, {br}"));
                let ab = self.val(&format!("call {t} {fabs}({t} {br})"));
                let small = self.val(&format!("fcmp ole {t} {ab}, {}", fconst(100.0, f)));
                let c1 = self.val(&format!("and i1 {isint}, {small}"));
                let c2 = self.val(&format!("and i1 {c1}, {b2}"));
                let (l1, l2) = (self.label("powi"), self.label("powid"));
                self.cbr(&c2, &l1, &l2);
                self.start(&l1);
                let n = self.val(&format!("fptosi {t} {ab} to i64"));
                let ct = Ty::Scalar(d);
                let acc = self.alloca(&llty(&ct));
                let base = self.alloca(&llty(&ct));
                let cnt = self.alloca("i64");
                let onec = self.complex(d, &one, &fconst(0.0, f));
                self.store(&onec, &acc);
                self.store(a, &base);
                self.emit(&format!("store i64 {n}, ptr {cnt}"));
                let (h, body, done) = (self.label("pwh"), self.label("pwb"), self.label("pwd"));
                self.start(&h);
                let k = self.val(&format!("load i64, ptr {cnt}"));
                let more = self.val(&format!("icmp ne i64 {k}, 0"));
                self.cbr(&more, &body, &done);
                self.start(&body);
                let bit = self.val(&format!("and i64 {k}, 1"));
                let odd = self.val(&format!("icmp ne i64 {bit}, 0"));
                let av = self.load(&ct, &acc);
                let bv = self.load(&ct, &base);
                let prod = self.complex_binop(BinOp::Mul, &av, &bv, d)?;
                let lt = llty(&ct);
                let na = self.val(&format!("select i1 {odd}, {lt} {}, {lt} {}", prod.r, av.r));
                self.emit(&format!("store {lt} {na}, ptr {acc}"));
                let sq = self.complex_binop(BinOp::Mul, &bv, &bv, d)?;
                self.store(&sq, &base);
                let k2 = self.val(&format!("lshr i64 {k}, 1"));
                self.emit(&format!("store i64 {k2}, ptr {cnt}"));
                self.br(&h);
                self.start(&done);
                let res = self.load(&ct, &acc);
                let negexp = self.val(&format!("fcmp olt {t} {br}, 0.0"));
                let (l3, l4) = (self.label("pwneg"), self.label("pwpos"));
                self.cbr(&negexp, &l3, &l4);
                self.start(&l3);
                let saved = self.m.opts.error_model_numpy;
                self.m.opts.error_model_numpy = true;
                let inv = self.complex_binop(BinOp::Div, &onec, &res, d);
                self.m.opts.error_model_numpy = saved;
                self.store(&inv?, &slot);
                self.br(&l2);
                self.start(&l4);
                self.store(&res, &slot);
                self.start(&l2);
                let fin = self.load(&ct, &slot);
                let (fr, fi) = self.complex_parts(&fin);
                (fr, fi)
            }
            _ => return ice(format!("operator {} on complex numbers", op.symbol())),
        };
        Ok(self.complex(d, &re, &im))
    }

    /// Whether two array values are the same view of the same object.
    fn same_array(&mut self, a: &V, at: &ArrayTy, b: &V, bt: &ArrayTy) -> String {
        let pa = self.val(&format!("extractvalue {} {}, 1", llty(&a.ty), a.r));
        let pb = self.val(&format!("extractvalue {} {}, 1", llty(&b.ty), b.r));
        let mut same = self.val(&format!("icmp eq ptr {pa}, {pb}"));
        let (da, db) = (self.data(a), self.data(b));
        let eq = self.val(&format!("icmp eq ptr {da}, {db}"));
        same = self.val(&format!("and i1 {same}, {eq}"));
        for d in 0..at.ndim as usize {
            let (sa, sb) = (self.shape(a, d), self.shape(b, d));
            let (ta, tb) = (self.stride(a, at, d), self.stride(b, bt, d));
            let e1 = self.val(&format!("icmp eq i64 {sa}, {sb}"));
            let e2 = self.val(&format!("icmp eq i64 {ta}, {tb}"));
            same = self.val(&format!("and i1 {same}, {e1}"));
            same = self.val(&format!("and i1 {same}, {e2}"));
        }
        same
    }

    pub(super) fn compare(&mut self, op: CmpOp, a: V, b: V) -> R<String> {
        let (a, b) = (
            V::new(a.r, a.ty.plain_tuple()),
            V::new(b.r, b.ty.plain_tuple()),
        );
        match (op, &a.ty.clone(), &b.ty.clone()) {
            (CmpOp::In | CmpOp::NotIn, _, Ty::List(_)) => {
                let c = self.list_contains(a, b)?;
                Ok(if op == CmpOp::NotIn {
                    self.val(&format!("xor i1 {c}, true"))
                } else {
                    c
                })
            }
            (
                CmpOp::Eq
                | CmpOp::Ne
                | CmpOp::Lt
                | CmpOp::Le
                | CmpOp::Gt
                | CmpOp::Ge
                | CmpOp::In
                | CmpOp::NotIn,
                Ty::Str,
                Ty::Str,
            ) => self.str_compare(op, a, b),
            (CmpOp::In | CmpOp::NotIn, _, Ty::Dict(_)) => {
                let c = self.dict_contains(a, &b);
                Ok(if op == CmpOp::NotIn {
                    self.val(&format!("xor i1 {c}, true"))
                } else {
                    c
                })
            }
            (CmpOp::Eq | CmpOp::Ne, Ty::Dict(_), Ty::Dict(_)) => {
                let c = self.dict_eq(&a, &b)?;
                Ok(if op == CmpOp::Ne {
                    self.val(&format!("xor i1 {c}, true"))
                } else {
                    c
                })
            }
            (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge, Ty::Dict(_), Ty::Dict(_)) => {
                self.set_compare(op, a, b)
            }
            (CmpOp::Eq | CmpOp::Ne, Ty::List(_), Ty::List(_)) => {
                let c = self.list_eq(a, b)?;
                Ok(if op == CmpOp::Ne {
                    self.val(&format!("xor i1 {c}, true"))
                } else {
                    c
                })
            }
            // An optional value and None: its present flag decides.
            (CmpOp::Is | CmpOp::IsNot | CmpOp::Eq | CmpOp::Ne, Ty::Optional(_), Ty::NoneType)
            | (CmpOp::Is | CmpOp::IsNot | CmpOp::Eq | CmpOp::Ne, Ty::NoneType, Ty::Optional(_)) => {
                let o = if matches!(a.ty, Ty::Optional(_)) {
                    &a
                } else {
                    &b
                };
                let present = self.extract(o, 1, Ty::BOOL);
                Ok(if matches!(op, CmpOp::Is | CmpOp::Eq) {
                    self.val(&format!("xor i1 {}, true", present.r))
                } else {
                    present.r
                })
            }
            (CmpOp::Is | CmpOp::IsNot, x, y) => {
                let same = match (x, y) {
                    (Ty::NoneType, Ty::NoneType) => "true".to_string(),
                    (Ty::NoneType, _) | (_, Ty::NoneType) => "false".to_string(),
                    (Ty::Scalar(_), Ty::Scalar(_)) => self.compare(CmpOp::Eq, a, b)?,
                    // The same array: the same Python object (parent) and the
                    // same view of it. (`a is a[:]` is true, as in Numba.)
                    (Ty::Array(p), Ty::Array(q)) if p.dtype == q.dtype && p.ndim == q.ndim => {
                        let (p, q) = (*p, *q);
                        self.same_array(&a, &p, &b, &q)
                    }
                    _ => "false".to_string(),
                };
                Ok(if op == CmpOp::IsNot {
                    self.val(&format!("xor i1 {same}, true"))
                } else {
                    same
                })
            }
            (CmpOp::In | CmpOp::NotIn, _, Ty::Tuple(items)) => {
                let mut acc = "false".to_string();
                for (i, it) in items.iter().enumerate() {
                    let e = self.extract(&b, i, it.clone());
                    let c = self.compare(CmpOp::Eq, a.clone(), e)?;
                    acc = self.val(&format!("or i1 {acc}, {c}"));
                }
                Ok(if op == CmpOp::NotIn {
                    self.val(&format!("xor i1 {acc}, true"))
                } else {
                    acc
                })
            }
            (_, Ty::NoneType, _) | (_, _, Ty::NoneType) => {
                let eq = matches!((&a.ty, &b.ty), (Ty::NoneType, Ty::NoneType));
                // A query over operators: all but `==` test inequality with None.
                #[allow(clippy::wildcard_enum_match_arm)]
                let r = match op {
                    CmpOp::Eq => eq.to_string(),
                    _ => (!eq).to_string(),
                };
                Ok(r)
            }
            (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge, Ty::Tuple(xs), Ty::Tuple(ys)) => {
                // Lexicographic: the first pair of items that differ decides;
                // when one tuple is a prefix of the other, their lengths.
                let (xs, ys) = (xs.clone(), ys.clone());
                let lens =
                    self.compare(op, Self::i64c(xs.len() as i64), Self::i64c(ys.len() as i64))?;
                let mut acc = lens;
                for i in (0..xs.len().min(ys.len())).rev() {
                    let ea = self.extract(&a, i, xs[i].clone());
                    let eb = self.extract(&b, i, ys[i].clone());
                    let same = self.compare(CmpOp::Eq, ea.clone(), eb.clone())?;
                    let here = self.compare(op, ea, eb)?;
                    acc = self.val(&format!("select i1 {same}, i1 {acc}, i1 {here}"));
                }
                Ok(acc)
            }
            (_, Ty::Tuple(xs), Ty::Tuple(_)) => {
                let mut acc = "true".to_string();
                for (i, t) in xs.clone().iter().enumerate() {
                    let Ty::Tuple(ys) = &b.ty else { unreachable!() };
                    let yt = ys[i].clone();
                    let ea = self.extract(&a, i, t.clone());
                    let eb = self.extract(&b, i, yt);
                    let c = self.compare(CmpOp::Eq, ea, eb)?;
                    acc = self.val(&format!("and i1 {acc}, {c}"));
                }
                Ok(if op == CmpOp::Ne {
                    self.val(&format!("xor i1 {acc}, true"))
                } else {
                    acc
                })
            }
            (_, Ty::Scalar(x), Ty::Scalar(y))
                if (*x == Dtype::U64 && (y.is_signed() || *y == Dtype::Bool))
                    || (*y == Dtype::U64 && (x.is_signed() || *x == Dtype::Bool)) =>
            {
                self.compare_u64_signed(op, a, b)
            }
            (_, Ty::Scalar(x), Ty::Scalar(y)) => {
                let (x, y) = (*x, *y);
                let c = if x == y {
                    x
                } else if x == Dtype::Bool || y == Dtype::Bool {
                    promote_arith(x.max(Dtype::I8), y.max(Dtype::I8))
                } else {
                    promote_arith(x, y)
                };
                // Booleans compare as 0/1 bytes, never as `icmp <pred> i1`:
                // LLVM 19's SimplifyCFG folds `(true >= false) | (true != true)`
                // to false when the compares are on i1.
                let c = if c == Dtype::Bool { Dtype::I8 } else { c };
                let a = self.cast(a, &Ty::Scalar(c));
                let b = self.cast(b, &Ty::Scalar(c));
                let t = scalar_ty(c);
                if c.is_complex() {
                    let (ar, ai) = self.complex_parts(&a);
                    let (br, bi) = self.complex_parts(&b);
                    let ft = scalar_ty(c.real_part());
                    let e1 = self.val(&format!("fcmp oeq {ft} {ar}, {br}"));
                    let e2 = self.val(&format!("fcmp oeq {ft} {ai}, {bi}"));
                    let e = self.val(&format!("and i1 {e1}, {e2}"));
                    // NumPy orders complex values lexicographically: by the
                    // real parts (when neither imaginary part is NaN), then
                    // by the imaginary parts.
                    let (real_pred, imag_pred) = match op {
                        CmpOp::Eq => return Ok(e),
                        CmpOp::Ne => return Ok(self.val(&format!("xor i1 {e}, true"))),
                        CmpOp::Lt => ("olt", "olt"),
                        CmpOp::Le => ("olt", "ole"),
                        CmpOp::Gt => ("ogt", "ogt"),
                        CmpOp::Ge => ("ogt", "oge"),
                        CmpOp::Is | CmpOp::IsNot | CmpOp::In | CmpOp::NotIn => {
                            return ice("complex comparison operator")
                        }
                    };
                    let r = self.val(&format!("fcmp {real_pred} {ft} {ar}, {br}"));
                    let no_nan = self.val(&format!("fcmp ord {ft} {ai}, {bi}"));
                    let first = self.val(&format!("and i1 {r}, {no_nan}"));
                    let i = self.val(&format!("fcmp {imag_pred} {ft} {ai}, {bi}"));
                    let second = self.val(&format!("and i1 {e1}, {i}"));
                    return Ok(self.val(&format!("or i1 {first}, {second}")));
                }
                let pred = if c.is_float() {
                    match op {
                        CmpOp::Eq => "fcmp oeq",
                        CmpOp::Ne => "fcmp une",
                        CmpOp::Lt => "fcmp olt",
                        CmpOp::Le => "fcmp ole",
                        CmpOp::Gt => "fcmp ogt",
                        CmpOp::Ge | CmpOp::Is | CmpOp::IsNot | CmpOp::In | CmpOp::NotIn => {
                            "fcmp oge"
                        }
                    }
                } else {
                    let s = c.is_signed();
                    match op {
                        CmpOp::Eq => "icmp eq",
                        CmpOp::Ne => "icmp ne",
                        CmpOp::Lt => {
                            if s {
                                "icmp slt"
                            } else {
                                "icmp ult"
                            }
                        }
                        CmpOp::Le => {
                            if s {
                                "icmp sle"
                            } else {
                                "icmp ule"
                            }
                        }
                        CmpOp::Gt => {
                            if s {
                                "icmp sgt"
                            } else {
                                "icmp ugt"
                            }
                        }
                        CmpOp::Ge | CmpOp::Is | CmpOp::IsNot | CmpOp::In | CmpOp::NotIn => {
                            if s {
                                "icmp sge"
                            } else {
                                "icmp uge"
                            }
                        }
                    }
                };
                Ok(self.val(&format!("{pred} {t} {}, {}", a.r, b.r)))
            }
            (_, x, y) => ice(format!("comparison {} between {x} and {y}", op.symbol())),
        }
    }

    pub(super) fn binop_same_sub(&mut self, a: &V, b: &V) -> R<V> {
        let Ty::Scalar(d) = a.ty else {
            return ice("sub type");
        };
        if d.is_complex() {
            return self.complex_binop(BinOp::Sub, a, b, d);
        }
        let t = scalar_ty(d);
        Ok(V::new(
            self.val(&format!("fsub {t} {}, {}", a.r, b.r)),
            a.ty.clone(),
        ))
    }

    /// Arithmetic on two values of the same type without Python's error checks
    /// (reductions).
    pub(super) fn binop_same(&mut self, op: BinOp, a: &V, b: &V) -> R<String> {
        let Ty::Scalar(d) = a.ty else {
            return ice("binop_same");
        };
        let t = scalar_ty(d);
        let fm = self.fm();
        if d.is_complex() {
            let v = self.complex_binop(op, a, b, d)?;
            return Ok(v.r);
        }
        Ok(match (op, d.is_float()) {
            (BinOp::Add, true) => self.val(&format!("fadd {fm}{t} {}, {}", a.r, b.r)),
            (BinOp::Mul, true) => self.val(&format!("fmul {fm}{t} {}, {}", a.r, b.r)),
            (BinOp::Div, true) => self.val(&format!("fdiv {fm}{t} {}, {}", a.r, b.r)),
            (BinOp::Add, false) => self.val(&format!("add {t} {}, {}", a.r, b.r)),
            (BinOp::Mul, false) => self.val(&format!("mul {t} {}, {}", a.r, b.r)),
            _ => return ice("binop_same op"),
        })
    }
}

/// Whether NumPy's complex multiply loop on this machine uses fused
/// multiply-adds: its SIMD loops do where the CPU has FMA (x86-64 with AVX2
/// and FMA3, and AArch64); elsewhere it multiplies and adds separately.
fn numpy_fused_complex_mul() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}
