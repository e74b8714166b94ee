//! Strings: `{meminfo*, data*, len}` over UTF-8 bytes. A constant (module
//! data) or a string borrowed from Python has a null MemInfo; a string made
//! here is a MemInfo from `oxjit_runtime::text` whose data are the bytes and
//! whose size is the length. Stored where it may outlive its source, a
//! string without a MemInfo is copied (`keep`).

use super::*;
use oxjit_typeck::registry::StrFn;

impl<'p> FnGen<'_, 'p> {
    /// The bytes and byte length of a string.
    pub(super) fn str_parts(&mut self, s: &V) -> (String, String) {
        let p = self.extract(s, 1, Ty::NoneType).r;
        let n = self.extract(s, 2, Ty::I64).r;
        (p, n)
    }

    /// The string a runtime call made (`mi`), parked as a temporary.
    pub(super) fn str_of_mi(&mut self, mi: &str) -> V {
        let null = self.val(&format!("icmp eq ptr {mi}, null"));
        let m = self.str_const("unable to allocate memory for a string");
        self.raise_if(&null, ExcKind::MemoryError, &[m]);
        let dp = self.val(&format!("getelementptr i8, ptr {mi}, i64 8"));
        let data = self.val(&format!("load ptr, ptr {dp}"));
        let np = self.val(&format!("getelementptr i8, ptr {mi}, i64 16"));
        let n = self.val(&format!("load i64, ptr {np}"));
        let a = self.val(&format!("insertvalue {{ptr, ptr, i64}} undef, ptr {mi}, 0"));
        let b = self.val(&format!("insertvalue {{ptr, ptr, i64}} {a}, ptr {data}, 1"));
        let c = self.val(&format!("insertvalue {{ptr, ptr, i64}} {b}, i64 {n}, 2"));
        let v = V::new(c, Ty::Str);
        self.own_temp(&v);
        v
    }

    /// A string of its own for `s` when it has no MemInfo (a constant or a
    /// string borrowed from Python), else a new reference.
    pub(super) fn keep_str(&mut self, s: V) -> V {
        let mi = self.extract(&s, 0, Ty::NoneType).r;
        let (p, n) = self.str_parts(&s);
        let null = self.val(&format!("icmp eq ptr {mi}, null"));
        let (copy, inc, join) = (self.label("scopy"), self.label("sinc"), self.label("skept"));
        self.cbr(&null, &copy, &inc);
        self.start(&copy);
        let fresh = self.val(&format!("call ptr @oxjit_rt_str_copy(ptr {p}, i64 {n})"));
        let dp = self.val(&format!("getelementptr i8, ptr {fresh}, i64 8"));
        let data = self.val(&format!("load ptr, ptr {dp}"));
        let from = self.label("scopied");
        self.br(&from);
        self.start(&from);
        self.br(&join);
        self.start(&inc);
        self.call_void("@oxjit_incref", &format!("ptr {mi}"));
        self.br(&join);
        self.start(&join);
        let m = self.val(&format!("phi ptr [{fresh}, %{from}], [{mi}, %{inc}]"));
        let d = self.val(&format!("phi ptr [{data}, %{from}], [{p}, %{inc}]"));
        let a = self.val(&format!(
            "insertvalue {{ptr, ptr, i64}} {}, ptr {m}, 0",
            s.r
        ));
        let b = self.val(&format!("insertvalue {{ptr, ptr, i64}} {a}, ptr {d}, 1"));
        V::new(b, Ty::Str)
    }

    /// `len(s)`: code points.
    pub(super) fn str_len(&mut self, s: &V) -> String {
        let (p, n) = self.str_parts(s);
        self.val(&format!("call i64 @oxjit_rt_str_len(ptr {p}, i64 {n})"))
    }

    /// `str(x)` of a number, bool or string.
    pub(super) fn str_of(&mut self, x: V) -> R<V> {
        let Some(d) = x.ty.scalar() else {
            if x.ty == Ty::Str {
                return Ok(x);
            }
            return ice(format!("str() of {}", x.ty));
        };
        if d == Dtype::Bool {
            let t = self.str_const("True");
            let f = self.str_const("False");
            let r = self.val(&format!(
                "select i1 {}, {{ptr, ptr, i64}} {}, {{ptr, ptr, i64}} {}",
                x.r, t.r, f.r
            ));
            return Ok(V::new(r, Ty::Str));
        }
        let mi = if d.is_int() && !d.is_signed() {
            let v = self.cast(x, &Ty::Scalar(Dtype::U64));
            self.val(&format!("call ptr @oxjit_rt_str_of_u64(i64 {})", v.r))
        } else if d.is_int() {
            let v = self.cast(x, &Ty::I64);
            self.val(&format!("call ptr @oxjit_rt_str_of_i64(i64 {})", v.r))
        } else if d.is_float() {
            let v = self.cast(x, &Ty::F64);
            let single = d == Dtype::F32;
            self.val(&format!(
                "call ptr @oxjit_rt_str_of_f64(double {}, i1 zeroext {single})",
                v.r
            ))
        } else {
            let v = self.cast(x, &Ty::C128);
            let (re, im) = self.complex_parts(&v);
            self.val(&format!(
                "call ptr @oxjit_rt_str_of_complex(double {re}, double {im})"
            ))
        };
        Ok(self.str_of_mi(&mi))
    }

    /// `format(x, spec)`: ValueError for a spec that does not apply.
    fn str_format(&mut self, x: V, spec: Option<V>) -> R<V> {
        let spec = spec.unwrap_or_else(|| self.str_const(""));
        let (sp, sn) = self.str_parts(&spec);
        let bad = self.alloca("i32");
        if x.ty == Ty::Str {
            let (p, n) = self.str_parts(&x);
            let mi = self.val(&format!(
                "call ptr @oxjit_rt_str_format_text(ptr {p}, i64 {n}, ptr {sp}, i64 {sn}, ptr {bad})"
            ));
            let out = self.str_of_mi(&mi);
            let b = self.val(&format!("load i32, ptr {bad}"));
            let b = self.val(&format!("icmp ne i32 {b}, 0"));
            // The runtime gave Python's message.
            self.raise_if(&b, ExcKind::ValueError, std::slice::from_ref(&out));
            return Ok(out);
        }
        let d = x.ty.scalar().ok_or("format of a non-number")?;
        let (f, i, kind) = if d.is_float() {
            let v = self.cast(x, &Ty::F64);
            (v.r, "0".to_string(), 0)
        } else {
            let signed = d.is_signed() || d == Dtype::Bool;
            let v = self.cast(x, &Ty::Scalar(if signed { Dtype::I64 } else { Dtype::U64 }));
            ("0.0".to_string(), v.r, if signed { 1 } else { 2 })
        };
        let mi = self.val(&format!(
            "call ptr @oxjit_rt_str_format(double {f}, i64 {i}, i32 {kind}, ptr {sp}, i64 {sn}, ptr {bad})"
        ));
        let out = self.str_of_mi(&mi);
        let b = self.val(&format!("load i32, ptr {bad}"));
        let b = self.val(&format!("icmp ne i32 {b}, 0"));
        let m = self.str_const("Unknown format code for an object of this type: ");
        self.raise_if(&b, ExcKind::ValueError, &[m, spec]);
        Ok(out)
    }

    /// `a + b`, `s * n`, `n * s`.
    pub(super) fn str_binop(&mut self, op: BinOp, a: V, b: V) -> R<V> {
        if op == BinOp::Add {
            let (ap, an) = self.str_parts(&a);
            let (bp, bn) = self.str_parts(&b);
            let mi = self.val(&format!(
                "call ptr @oxjit_rt_str_concat(ptr {ap}, i64 {an}, ptr {bp}, i64 {bn})"
            ));
            return Ok(self.str_of_mi(&mi));
        }
        let (s, k) = if a.ty == Ty::Str { (a, b) } else { (b, a) };
        let k = self.cast(k, &Ty::I64);
        let (p, n) = self.str_parts(&s);
        let mi = self.val(&format!(
            "call ptr @oxjit_rt_str_repeat(ptr {p}, i64 {n}, i64 {})",
            k.r
        ));
        Ok(self.str_of_mi(&mi))
    }

    /// Comparisons of strings and `sub in s`.
    pub(super) fn str_compare(&mut self, op: CmpOp, a: V, b: V) -> R<String> {
        let (ap, an) = self.str_parts(&a);
        let (bp, bn) = self.str_parts(&b);
        if let CmpOp::In | CmpOp::NotIn = op {
            let at = self.val(&format!(
                "call i64 @oxjit_rt_str_find(ptr {bp}, i64 {bn}, ptr {ap}, i64 {an}, i64 0, i64 {bn})"
            ));
            let pred = if op == CmpOp::In { "sge" } else { "slt" };
            return Ok(self.val(&format!("icmp {pred} i64 {at}, 0")));
        }
        let c = self.val(&format!(
            "call i32 @oxjit_rt_str_cmp(ptr {ap}, i64 {an}, ptr {bp}, i64 {bn})"
        ));
        let pred = match op {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Lt => "slt",
            CmpOp::Le => "sle",
            CmpOp::Gt => "sgt",
            CmpOp::Ge => "sge",
            CmpOp::Is | CmpOp::IsNot | CmpOp::In | CmpOp::NotIn => return ice("string comparison"),
        };
        Ok(self.val(&format!("icmp {pred} i32 {c}, 0")))
    }

    /// The byte offset of code point `i` of `s`.
    fn str_offset(&mut self, p: &str, n: &str, i: &str) -> String {
        self.val(&format!(
            "call i64 @oxjit_rt_str_offset(ptr {p}, i64 {n}, i64 {i})"
        ))
    }

    /// Code points `lo..hi` (valid) of `s`, as a new string.
    fn str_piece(&mut self, s: &V, lo: &str, hi: &str) -> V {
        let (p, n) = self.str_parts(s);
        let a = self.str_offset(&p, &n, lo);
        let b = self.str_offset(&p, &n, hi);
        let q = self.val(&format!("getelementptr i8, ptr {p}, i64 {a}"));
        let len = self.val(&format!("sub i64 {b}, {a}"));
        let mi = self.val(&format!("call ptr @oxjit_rt_str_copy(ptr {q}, i64 {len})"));
        self.str_of_mi(&mi)
    }

    /// `s[i]` (IndexError outside) or `s[a:b]`.
    pub(super) fn str_getitem(&mut self, s: V, index: &'p Expr) -> R<V> {
        let len = self.str_len(&s);
        if let ExprKind::Slice(lo, hi, step @ Some(_)) = &index.kind {
            let (start, count, st) = self.slice_indices(&len, lo, hi, step)?;
            let (p, n) = self.str_parts(&s);
            let mi = self.val(&format!(
                "call ptr @oxjit_rt_str_step(ptr {p}, i64 {n}, i64 {start}, i64 {st}, i64 {count})"
            ));
            return Ok(self.str_of_mi(&mi));
        }
        if let ExprKind::Slice(lo, hi, _) = &index.kind {
            let mut bound = |e: &'p Option<Box<Expr>>, dflt: &str| -> R<String> {
                let Some(x) = e else {
                    return Ok(dflt.to_string());
                };
                let v = self.expr(x)?;
                let v = self.cast(v, &Ty::I64).r;
                let neg = self.val(&format!("icmp slt i64 {v}, 0"));
                let w = self.val(&format!("add i64 {v}, {len}"));
                let w = self.val(&format!("select i1 {neg}, i64 {w}, i64 {v}"));
                let w = self.i64_max(&w, "0");
                Ok(self.i64_min(&w, &len))
            };
            let a = bound(lo, "0")?;
            let b = bound(hi, &len.clone())?;
            let b = self.i64_max(&b, &a);
            return Ok(self.str_piece(&s, &a, &b));
        }
        let i = self.expr(index)?;
        let i = self.cast(i, &Ty::I64).r;
        let neg = self.val(&format!("icmp slt i64 {i}, 0"));
        let w = self.val(&format!("add i64 {i}, {len}"));
        let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {i}"));
        let bad = self.val(&format!("icmp uge i64 {j}, {len}"));
        let m = self.str_const("string index out of range");
        self.raise_if(&bad, ExcKind::IndexError, &[m]);
        let j1 = self.val(&format!("add i64 {j}, 1"));
        Ok(self.str_piece(&s, &j, &j1))
    }

    /// A list of the characters of `s` (how a loop iterates a string).
    pub(super) fn str_chars(&mut self, s: &V) -> R<V> {
        let len = self.str_len(s);
        let out = self.new_list(&Ty::Str, &len);
        let s = s.clone();
        self.count_loop(&len, &mut |t, i| {
            let i1 = t.val(&format!("add i64 {i}, 1"));
            let c = t.str_piece(&s, i, &i1);
            t.list_push(&out, c);
            Ok(())
        })?;
        Ok(out)
    }

    /// `s.split()` (runs of whitespace) or `s.split(sep)`.
    fn str_split(&mut self, s: &V, sep: Option<V>) -> R<V> {
        let out = self.new_list(&Ty::Str, "0");
        let Some(sep) = sep else {
            // On whitespace: strip, then cut at each run.
            let t = self.str_transform(s, 2, None);
            let len = self.str_len(&t);
            let start = self.alloca("i64");
            self.emit(&format!("store i64 0, ptr {start}"));
            let n1 = self.val(&format!("add i64 {len}, 1"));
            let t2 = t.clone();
            self.count_loop(&n1, &mut |x, i| {
                let end = x.val(&format!("icmp eq i64 {i}, {len}"));
                let (chk, cut, next) = (x.label("wchk"), x.label("wcut"), x.label("wnext"));
                x.cbr(&end, &cut, &chk);
                x.start(&chk);
                let i1 = x.val(&format!("add i64 {i}, 1"));
                let c = x.str_piece(&t2, i, &i1);
                let (cp, cn) = x.str_parts(&c);
                let sp = x.val(&format!(
                    "call i1 @oxjit_rt_str_is(ptr {cp}, i64 {cn}, i32 2)"
                ));
                x.cbr(&sp, &cut, &next);
                x.start(&cut);
                let st = x.val(&format!("load i64, ptr {start}"));
                let nonempty = x.val(&format!("icmp slt i64 {st}, {i}"));
                let (push, skip) = (x.label("wpush"), x.label("wskip"));
                x.cbr(&nonempty, &push, &skip);
                x.start(&push);
                let piece = x.str_piece(&t2, &st, i);
                x.list_push(&out, piece);
                x.br(&skip);
                x.start(&skip);
                let i1 = x.val(&format!("add i64 {i}, 1"));
                x.emit(&format!("store i64 {i1}, ptr {start}"));
                x.br(&next);
                x.start(&next);
                Ok(())
            })?;
            return Ok(out);
        };
        let (sp, sn) = self.str_parts(&sep);
        let empty = self.val(&format!("icmp eq i64 {sn}, 0"));
        let m = self.str_const("empty separator");
        self.raise_if(&empty, ExcKind::ValueError, &[m]);
        let seplen = self.str_len(&sep);
        let len = self.str_len(s);
        let (p, n) = self.str_parts(s);
        let start = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {start}"));
        let (head, body, done) = (self.label("sph"), self.label("spb"), self.label("spd"));
        self.br(&head);
        self.start(&head);
        let st = self.val(&format!("load i64, ptr {start}"));
        let at = self.val(&format!(
            "call i64 @oxjit_rt_str_find(ptr {p}, i64 {n}, ptr {sp}, i64 {sn}, i64 {st}, i64 {len})"
        ));
        let found = self.val(&format!("icmp sge i64 {at}, 0"));
        self.cbr(&found, &body, &done);
        self.start(&body);
        let piece = self.str_piece(s, &st, &at);
        self.list_push(&out, piece);
        let nx = self.val(&format!("add i64 {at}, {seplen}"));
        self.emit(&format!("store i64 {nx}, ptr {start}"));
        self.br(&head);
        self.start(&done);
        let last = self.str_piece(s, &st, &len);
        self.list_push(&out, last);
        Ok(out)
    }

    /// upper (0), lower (1), strip (2), lstrip (3), rstrip (4).
    fn str_transform(&mut self, s: &V, op: i32, arg: Option<&V>) -> V {
        let (p, n) = self.str_parts(s);
        let (ap, an) = match arg {
            Some(a) => self.str_parts(a),
            None => ("null".to_string(), "-1".to_string()),
        };
        let mi = self.val(&format!(
            "call ptr @oxjit_rt_str_transform(ptr {p}, i64 {n}, i32 {op}, ptr {ap}, i64 {an})"
        ));
        self.str_of_mi(&mi)
    }

    /// The `StrFn` family; a method's receiver is `args[0]`.
    pub(super) fn text_fn(&mut self, f: StrFn, args: Vec<V>) -> R<V> {
        let s = args[0].clone();
        let bool_of = |x: String| V::new(x, Ty::BOOL);
        match f {
            StrFn::New => self.str_of(s),
            StrFn::Repr if s.ty == Ty::Str => {
                let (p, n) = self.str_parts(&s);
                let mi = self.val(&format!("call ptr @oxjit_rt_str_repr(ptr {p}, i64 {n})"));
                Ok(self.str_of_mi(&mi))
            }
            // A number's repr is its str.
            StrFn::Repr => self.str_of(s),
            StrFn::Format => self.str_format(s, args.get(1).cloned()),
            StrFn::Join => {
                let (sp, sn) = self.str_parts(&s);
                let l = &args[1];
                let n = self.list_len(l);
                let p = self.val(&format!("extractvalue {{ptr, ptr}} {}, 1", l.r));
                let ip = self.val(&format!("getelementptr inbounds i64, ptr {p}, i64 2"));
                let items = self.val(&format!("load ptr, ptr {ip}"));
                let mi = self.val(&format!(
                    "call ptr @oxjit_rt_str_join(ptr {sp}, i64 {sn}, ptr {items}, i64 {n})"
                ));
                Ok(self.str_of_mi(&mi))
            }
            StrFn::Upper => Ok(self.str_transform(&s, 0, None)),
            StrFn::Lower => Ok(self.str_transform(&s, 1, None)),
            StrFn::Strip => Ok(self.str_transform(&s, 2, args.get(1))),
            StrFn::Lstrip => Ok(self.str_transform(&s, 3, args.get(1))),
            StrFn::Rstrip => Ok(self.str_transform(&s, 4, args.get(1))),
            StrFn::Startswith | StrFn::Endswith => {
                let (p, n) = self.str_parts(&s);
                let (q, m) = self.str_parts(&args[1]);
                let fits = self.val(&format!("icmp sle i64 {m}, {n}"));
                let off = if f == StrFn::Startswith {
                    "0".to_string()
                } else {
                    self.val(&format!("sub i64 {n}, {m}"))
                };
                let off = self.val(&format!("select i1 {fits}, i64 {off}, i64 0"));
                let at = self.val(&format!("getelementptr i8, ptr {p}, i64 {off}"));
                let m2 = self.val(&format!("select i1 {fits}, i64 {m}, i64 0"));
                let c = self.val(&format!(
                    "call i32 @oxjit_rt_str_cmp(ptr {at}, i64 {m2}, ptr {q}, i64 {m2})"
                ));
                let eq = self.val(&format!("icmp eq i32 {c}, 0"));
                Ok(bool_of(self.val(&format!("and i1 {fits}, {eq}"))))
            }
            StrFn::Find => {
                let len = self.str_len(&s);
                let (p, n) = self.str_parts(&s);
                let (q, m) = self.str_parts(&args[1]);
                let mut bound = |v: Option<&V>, dflt: &str| -> String {
                    let Some(v) = v else {
                        return dflt.to_string();
                    };
                    let v = self.cast(v.clone(), &Ty::I64).r;
                    let neg = self.val(&format!("icmp slt i64 {v}, 0"));
                    let w = self.val(&format!("add i64 {v}, {len}"));
                    let w = self.val(&format!("select i1 {neg}, i64 {w}, i64 {v}"));
                    let w = self.i64_max(&w, "0");
                    self.i64_min(&w, &len)
                };
                let lo = bound(args.get(2), "0");
                let hi = bound(args.get(3), &len.clone());
                let r = self.val(&format!(
                    "call i64 @oxjit_rt_str_find(ptr {p}, i64 {n}, ptr {q}, i64 {m}, i64 {lo}, i64 {hi})"
                ));
                Ok(V::new(r, Ty::I64))
            }
            StrFn::Count => {
                let (p, n) = self.str_parts(&s);
                let (q, m) = self.str_parts(&args[1]);
                let r = self.val(&format!(
                    "call i64 @oxjit_rt_str_count(ptr {p}, i64 {n}, ptr {q}, i64 {m})"
                ));
                Ok(V::new(r, Ty::I64))
            }
            StrFn::Replace => {
                let (p, n) = self.str_parts(&s);
                let (q, m) = self.str_parts(&args[1]);
                let (r, k) = self.str_parts(&args[2]);
                let mi = self.val(&format!(
                    "call ptr @oxjit_rt_str_replace(ptr {p}, i64 {n}, ptr {q}, i64 {m}, ptr {r}, i64 {k})"
                ));
                Ok(self.str_of_mi(&mi))
            }
            StrFn::Split => self.str_split(&s, args.get(1).cloned()),
            StrFn::Isdigit
            | StrFn::Isalpha
            | StrFn::Isspace
            | StrFn::Isupper
            | StrFn::Islower
            | StrFn::Isalnum => {
                let op = [
                    StrFn::Isdigit,
                    StrFn::Isalpha,
                    StrFn::Isspace,
                    StrFn::Isupper,
                    StrFn::Islower,
                    StrFn::Isalnum,
                ]
                .iter()
                .position(|g| *g == f)
                .unwrap_or(0);
                let (p, n) = self.str_parts(&s);
                Ok(bool_of(self.val(&format!(
                    "call i1 @oxjit_rt_str_is(ptr {p}, i64 {n}, i32 {op})"
                ))))
            }
        }
    }
}
