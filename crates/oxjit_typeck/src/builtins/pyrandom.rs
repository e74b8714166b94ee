//! The standard library's `random` module (`registry::PyRand`).

use crate::builtins::kwarg_ty;
use crate::driver::{Checker, Cx};
use crate::registry::{self, PyRand};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{ArrayTy, Dtype, Layout, Ty};

/// How many leading parameters of `r` are required.
fn required(r: PyRand) -> usize {
    match r {
        PyRand::Seed | PyRand::Random | PyRand::Triangular | PyRand::Gauss => 0,
        PyRand::Normalvariate => 0,
        PyRand::Getrandbits
        | PyRand::Randrange
        | PyRand::Choice
        | PyRand::Shuffle
        | PyRand::Expovariate
        | PyRand::Paretovariate => 1,
        PyRand::Randint
        | PyRand::Uniform
        | PyRand::Lognormvariate
        | PyRand::Vonmisesvariate
        | PyRand::Gammavariate
        | PyRand::Betavariate
        | PyRand::Weibullvariate => 2,
    }
}

impl<'u> Checker<'u> {
    /// A `random.*` call: arguments bound to CPython's parameter names
    /// (positionally or by keyword), then each checked for its kind.
    pub(super) fn pyrandom_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        r: PyRand,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        name: &str,
    ) -> Ty {
        let names = registry::pyrand_params(r);
        let sig = format!("({})", names.join(", "));
        if tys.len() > names.len() {
            return self.no_match(cx, e, name, tys, &sig);
        }
        let mut bound: Vec<Option<Ty>> = Vec::new();
        for (i, p) in names.iter().enumerate() {
            let kw = kwarg_ty(cx, kwargs, p);
            if i < tys.len() && kw.is_some() {
                let d = Diagnostic::error(
                    "bad-argument",
                    e.span,
                    format!("{name}() got multiple values for argument `{p}`"),
                );
                self.err(cx, d);
                return Ty::Unknown;
            }
            bound.push(tys.get(i).cloned().or(kw.map(|(t, _)| t)));
        }
        if let Some(i) = bound[..required(r)].iter().position(Option::is_none) {
            let d = Diagnostic::error(
                "wrong-arity",
                e.span,
                format!("{name}() missing required argument `{}`", names[i]),
            );
            self.err(cx, d);
            return Ty::Unknown;
        }
        let bad = |s: &mut Self, cx: &mut Cx<'u>, what: &str, t: &Ty| {
            let d = Diagnostic::error(
                "bad-argument",
                e.span,
                format!("{name}() arguments must be {what}, not {t}"),
            );
            s.err(cx, d);
            Ty::Unknown
        };
        let is_int = |t: &Ty| t.scalar().is_some_and(|d| d.is_int() || d == Dtype::Bool);
        let is_real = |t: &Ty| t.scalar().is_some_and(|d| !d.is_complex());
        match r {
            PyRand::Seed => match &bound[0] {
                None | Some(Ty::NoneType) => Ty::NoneType,
                Some(t) if is_int(t) => Ty::NoneType,
                Some(t) => bad(self, cx, "an int or None", t),
            },
            PyRand::Getrandbits | PyRand::Randrange | PyRand::Randint => {
                for t in bound.iter().flatten() {
                    if !is_int(t) {
                        return bad(self, cx, "integers", t);
                    }
                }
                if r == PyRand::Getrandbits {
                    Ty::Scalar(Dtype::U64)
                } else {
                    Ty::I64
                }
            }
            PyRand::Choice | PyRand::Shuffle => match &bound[0] {
                Some(Ty::Array(a)) if a.ndim >= 1 => {
                    if r == PyRand::Shuffle {
                        if a.readonly {
                            let d = Diagnostic::error(
                                "bad-argument",
                                e.span,
                                format!("{name}(): array is read-only"),
                            );
                            self.err(cx, d);
                            return Ty::Unknown;
                        }
                        return Ty::NoneType;
                    }
                    if a.ndim == 1 {
                        return Ty::Scalar(a.dtype);
                    }
                    // A row: the view `a[i]` gives.
                    let layout = if a.layout == Layout::C {
                        Layout::C
                    } else {
                        Layout::A
                    };
                    Ty::Array(ArrayTy {
                        ndim: a.ndim - 1,
                        layout,
                        ..*a
                    })
                }
                Some(t) => bad(self, cx, "an array", t),
                None => Ty::Unknown,
            },
            PyRand::Triangular => {
                for (i, t) in bound.iter().enumerate() {
                    match t {
                        Some(Ty::NoneType) if i == 2 => {}
                        Some(t) if !is_real(t) => return bad(self, cx, "real numbers", t),
                        Some(_) | None => {}
                    }
                }
                Ty::F64
            }
            PyRand::Random
            | PyRand::Uniform
            | PyRand::Gauss
            | PyRand::Normalvariate
            | PyRand::Lognormvariate
            | PyRand::Expovariate
            | PyRand::Vonmisesvariate
            | PyRand::Gammavariate
            | PyRand::Betavariate
            | PyRand::Paretovariate
            | PyRand::Weibullvariate => {
                for t in bound.iter().flatten() {
                    if !is_real(t) {
                        return bad(self, cx, "real numbers", t);
                    }
                }
                Ty::F64
            }
        }
    }
}
