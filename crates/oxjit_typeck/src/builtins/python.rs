//! Python's builtin functions and number types.

use crate::call::call_args;
use crate::driver::{Checker, Cx};
use crate::registry::Builtin;
use oxjit_syntax::{BinOp, Diagnostic, Expr};
use oxjit_types::{promote_arith, Dtype, Ty};

impl<'u> Checker<'u> {
    /// Python's builtins: range, len, abs, min/max, the number types and
    /// casts, round, pow, divmod, print, and the loop-only iterables.
    pub(super) fn python_builtin_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        name: &str,
    ) -> Ty {
        let n = tys.len();
        let scalar = |t: &Ty| t.scalar();
        match b {
            Builtin::Range => {
                if !self.arity(cx, e, name, n, 1, 3) {
                    return Ty::Unknown;
                }
                for (t, a) in tys.iter().zip(call_args(e)) {
                    self.expect_int(cx, a, t, "range argument");
                }
                Ty::Range
            }
            Builtin::Len => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                let sized = |t: &Ty| {
                    matches!(
                        t,
                        Ty::Array(_)
                            | Ty::RecordArray(_)
                            | Ty::Tuple(_)
                            | Ty::NamedTuple(_)
                            | Ty::Range
                            | Ty::List(_)
                            | Ty::Dict(_)
                            | Ty::Str
                    )
                };
                if sized(&tys[0]) {
                    Ty::I64
                } else {
                    self.no_match(cx, e, name, tys, "(array), (tuple), (range), (list)")
                }
            }
            Builtin::Abs => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    Some(Dtype::C64) => Ty::Scalar(Dtype::F32),
                    Some(Dtype::C128) => Ty::F64,
                    // np.abs(True) is np.True_ (NumPy's boolean loop); abs(True) is 1.
                    Some(Dtype::Bool) if name.starts_with("numpy.") => Ty::BOOL,
                    Some(Dtype::Bool) => Ty::I64,
                    Some(d) if d.is_int() => Ty::Scalar(d), // at its width, as NumPy and Numba
                    Some(d) => Ty::Scalar(d),
                    None => self.no_match(cx, e, name, tys, "(int), (float), (complex)"),
                }
            }
            Builtin::MinMax { .. } => self.minmax_ty(cx, e, tys, name),
            Builtin::Int => self.number_type_ty(cx, e, b, tys, name, Ty::I64),
            Builtin::Float => self.number_type_ty(cx, e, b, tys, name, Ty::F64),
            Builtin::Bool => self.number_type_ty(cx, e, b, tys, name, Ty::BOOL),
            Builtin::Complex => self.number_type_ty(cx, e, b, tys, name, Ty::C128),
            Builtin::Cast(d) => {
                if !self.arity(cx, e, name, n, 0, 1) {
                    return Ty::Unknown;
                }
                if n == 1 && scalar(&tys[0]).is_none() {
                    return self.no_match(cx, e, name, tys, "(number)");
                }
                Ty::Scalar(d)
            }
            Builtin::Round | Builtin::NpRound => {
                if !self.arity(cx, e, name, n, 1, 2) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    Some(d) if d.is_float() => {
                        if n == 2 {
                            self.expect_int(cx, &call_args(e)[1], &tys[1], "ndigits");
                            Ty::Scalar(d)
                        } else if b == Builtin::NpRound {
                            Ty::Scalar(d)
                        } else {
                            Ty::I64
                        }
                    }
                    Some(d) if d.is_int() => Ty::Scalar(promote_arith(d, d)),
                    _ => self.no_match(cx, e, name, tys, "(float), (float, int), (int)"),
                }
            }
            Builtin::Pow => {
                if !self.arity(cx, e, name, n, 2, 2) {
                    return Ty::Unknown;
                }
                self.binop_ty(cx, BinOp::Pow, &tys[0], &tys[1], e.span)
            }
            Builtin::Divmod => {
                if !self.arity(cx, e, name, n, 2, 2) {
                    return Ty::Unknown;
                }
                let s = self.binop_ty(cx, BinOp::FloorDiv, &tys[0], &tys[1], e.span);
                Ty::Tuple(vec![s.clone(), s])
            }
            Builtin::Print => {
                for (t, a) in tys.iter().zip(call_args(e)) {
                    if !printable(t) {
                        let d = Diagnostic::error(
                            "unprintable",
                            a.span,
                            format!("cannot print {} from compiled code", self.a_type(t)),
                        );
                        self.err(cx, d);
                    }
                }
                Ty::NoneType
            }
            // (typed by `isinstance_ty` in call.rs)
            Builtin::Isinstance => Ty::BOOL,
            Builtin::ThreadInfo { .. } => {
                if !self.arity(cx, e, name, n, 0, 0) {
                    return Ty::Unknown;
                }
                Ty::I64
            }
            Builtin::TypeInfo { float } => {
                if !self.arity(cx, e, name, n, 1, 1) {
                    return Ty::Unknown;
                }
                let info = crate::typeinfo::type_info_dtype(&tys[0])
                    .and_then(|d| crate::typeinfo::type_info(d, float));
                match info {
                    Some((nt, _)) => Ty::NamedTuple(Box::new(nt)),
                    None => {
                        let kind = if float {
                            "a float or complex"
                        } else {
                            "an integer"
                        };
                        let d = Diagnostic::error(
                            "no-matching-signature",
                            e.span,
                            format!(
                                "{name}() needs {kind} dtype, type, value or array, not {}",
                                tys[0]
                            ),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            Builtin::Enumerate | Builtin::Zip | Builtin::NdIndex | Builtin::NdEnumerate => {
                let d = Diagnostic::unsupported(
                    e.span,
                    format!("{name}() is only supported as the iterable of a `for` loop"),
                );
                self.err(cx, d);
                Ty::Unknown
            }
            // (builtin_ty sends only the builtins above here)
            Builtin::Math1(_)
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
            | Builtin::NpExtremum { .. } => Ty::Unknown,
        }
    }

    /// `min`/`max` of several numbers, or of one tuple, array or list.
    fn minmax_ty(&mut self, cx: &mut Cx<'u>, e: &'u Expr, tys: &[Ty], name: &str) -> Ty {
        let n = tys.len();
        let scalar = |t: &Ty| t.scalar();
        let items: Vec<Ty> = if n == 1 {
            match &tys[0] {
                Ty::Tuple(items) if !items.is_empty() => items.clone(),
                Ty::Array(a) => return Ty::Scalar(a.dtype),
                // A list's (a dict's keys', a string's) items are one type:
                // that type, if numbers, strings or tuples of them.
                t @ (Ty::List(_) | Ty::Dict(_) | Ty::Str | Ty::Range) => {
                    match crate::list::seq_elem(t) {
                        Some(i) if i.scalar().is_some() => vec![i],
                        Some(i) if crate::list::orderable(&i) => return i,
                        Some(_) | None => {
                            return self.no_match(
                                cx,
                                e,
                                name,
                                tys,
                                "(iterable of numbers, strings or tuples of them)",
                            )
                        }
                    }
                }
                Ty::Scalar(_)
                | Ty::Tuple(_)
                | Ty::NoneType
                | Ty::Function(_)
                | Ty::Global(_)
                | Ty::DtypeObj(_)
                | Ty::ExcClass(_)
                | Ty::Generator
                | Ty::Record(_)
                | Ty::RecordArray(_)
                | Ty::NamedTuple(_)
                | Ty::NamedTupleClass(_)
                | Ty::Instance(_)
                | Ty::Class(_)
                | Ty::Optional(_)
                | Ty::Unknown => {
                    return self.no_match(cx, e, name, tys, "(a, b, ...), (tuple), (array), (list)")
                }
            }
        } else {
            tys.to_vec()
        };
        if items.is_empty() {
            return self.no_match(cx, e, name, tys, "(a, b, ...)");
        }
        let mut u = Ty::Unknown;
        for t in &items {
            match (scalar(t), &u) {
                (Some(d), Ty::Unknown) => u = Ty::Scalar(d),
                (Some(d), Ty::Scalar(c)) => {
                    u = if *c == d {
                        Ty::Scalar(d)
                    } else {
                        Ty::Scalar(promote_arith(*c, d))
                    }
                }
                _ => return self.no_match(cx, e, name, tys, "(a, b, ...) of numbers"),
            }
            // Python orders no complex numbers; NumPy's maximum and
            // friends order them lexicographically.
            if t.scalar().is_some_and(|d| d.is_complex()) && !name.starts_with("numpy.") {
                return self.no_match(cx, e, name, tys, "real numbers");
            }
        }
        u
    }

    /// `int(x)`, `float(x)`, `bool(x)`, `complex(re[, im])`: the arity and
    /// argument checks, then `result`.
    fn number_type_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        name: &str,
        result: Ty,
    ) -> Ty {
        let n = tys.len();
        let scalar = |t: &Ty| t.scalar();
        let (lo, hi) = if b == Builtin::Complex {
            (0, 2)
        } else {
            (0, 1)
        };
        if !self.arity(cx, e, name, n, lo, hi) {
            return Ty::Unknown;
        }
        // `bool(l)`: whether a list, dict, set or string has items.
        if b == Builtin::Bool && matches!(tys, [Ty::List(_) | Ty::Dict(_) | Ty::Str]) {
            return result;
        }
        if tys.iter().any(|t| t.scalar().is_none()) {
            return self.no_match(cx, e, name, tys, "(number)");
        }
        if b == Builtin::Int && tys.first().and_then(scalar).is_some_and(|d| d.is_complex()) {
            return self.no_match(cx, e, name, tys, "(int), (float)");
        }
        result
    }
}

fn printable(t: &Ty) -> bool {
    match t {
        Ty::Scalar(_) | Ty::Str | Ty::NoneType | Ty::Array(_) => true,
        Ty::Tuple(items) => items.iter().all(printable),
        Ty::Optional(t) => printable(t),
        // Items print as their repr: arrays in a list would not.
        Ty::List(t) => !matches!(**t, Ty::Array(_)) && printable(t),
        Ty::Dict(d) => {
            printable(&d.key)
                && d.value
                    .as_ref()
                    .is_none_or(|v| !matches!(v, Ty::Array(_)) && printable(v))
        }
        Ty::Range
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Generator
        | Ty::Record(_)
        | Ty::RecordArray(_)
        | Ty::NamedTuple(_)
        | Ty::NamedTupleClass(_)
        | Ty::Instance(_)
        | Ty::Class(_)
        | Ty::Unknown => false,
    }
}
