//! Types of `np.linalg.*` calls: square/rectangular matrix checks, the
//! working dtype (integers and booleans become float64, as in NumPy) and the
//! shapes of results (tuples for the decompositions).

use crate::driver::{Checker, Cx};
use crate::program::Const;
use crate::registry::{self, LinAlg};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{Dtype, Kind, Ty};

/// The dtype NumPy computes in for an input of dtype `d`.
pub fn work_dtype(d: Dtype) -> Dtype {
    match d.kind() {
        Kind::Bool | Kind::Signed | Kind::Unsigned => Dtype::F64,
        Kind::Float | Kind::Complex => d,
    }
}

/// Which optional parameters each function takes (after its array
/// arguments), by keyword; `positional` says whether they may also be given
/// positionally.
pub fn params(f: LinAlg) -> (&'static [&'static str], bool) {
    match f {
        LinAlg::Svd => (&["full_matrices", "compute_uv", "hermitian"], false),
        LinAlg::Eigh | LinAlg::Eigvalsh => (&["UPLO"], false),
        LinAlg::Lstsq | LinAlg::Pinv => (&["rcond"], true),
        LinAlg::Qr => (&["mode"], false),
        LinAlg::Cond => (&["p"], true),
        LinAlg::MatrixRank => (&["tol"], true),
        LinAlg::Solve
        | LinAlg::Inv
        | LinAlg::Det
        | LinAlg::Slogdet
        | LinAlg::Cholesky
        | LinAlg::Eig
        | LinAlg::Eigvals
        | LinAlg::MatrixPower => (&[], false),
    }
}

/// How many leading positional arguments each function requires.
pub fn n_arrays(f: LinAlg) -> usize {
    match f {
        LinAlg::Solve | LinAlg::Lstsq | LinAlg::MatrixPower => 2,
        LinAlg::Inv
        | LinAlg::Det
        | LinAlg::Slogdet
        | LinAlg::Cholesky
        | LinAlg::Qr
        | LinAlg::Svd
        | LinAlg::Eig
        | LinAlg::Eigvals
        | LinAlg::Eigh
        | LinAlg::Eigvalsh
        | LinAlg::Pinv
        | LinAlg::Cond
        | LinAlg::MatrixRank => 1,
    }
}

impl<'u> Checker<'u> {
    /// The constant value of keyword `name` of call `e`, if given.
    fn la_const(&self, cx: &Cx<'u>, e: &'u Expr, name: &str) -> Option<Option<Const>> {
        self.arg_const(cx, e, usize::MAX, name)
    }

    fn la_bad(&mut self, cx: &Cx<'u>, e: &'u Expr, msg: String, note: &str) -> Ty {
        let d = Diagnostic::error("bad-argument", e.span, msg).with_note(note.to_string());
        self.err(cx, d);
        Ty::Unknown
    }

    pub(crate) fn linalg_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: LinAlg,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        name: &str,
    ) -> Ty {
        let na = n_arrays(f);
        let (opts, positional) = params(f);
        let max = na + if positional { opts.len() } else { 0 };
        if !self.arity(cx, e, name, tys.len(), na, max) {
            return Ty::Unknown;
        }
        for (k, v) in kwargs {
            if !opts.contains(&k.as_str()) {
                let d = Diagnostic::error(
                    "unsupported-keyword",
                    v.span,
                    format!("`{name}` takes no keyword argument `{k}` in compiled code"),
                )
                .with_note(if opts.is_empty() {
                    "it takes no keyword arguments".to_string()
                } else {
                    format!("supported keywords: {}", opts.join(", "))
                });
                self.err(cx, d);
                return Ty::Unknown;
            }
        }
        // Optional numeric parameters: a number or None.
        let opt_ty = |i: usize| -> Option<Ty> {
            tys.get(na + i).cloned().or_else(|| {
                let n = opts.get(i)?;
                kwargs
                    .iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| cx.expr_ty.get(&v.id).cloned().unwrap_or(Ty::Unknown))
            })
        };
        if positional {
            for (i, opt) in opts.iter().enumerate() {
                if let Some(t) = opt_ty(i) {
                    let ok = match t {
                        Ty::NoneType => true,
                        Ty::Scalar(d) => !d.is_complex(),
                        Ty::Str
                        | Ty::Tuple(_)
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
                        | Ty::Unknown => false,
                    };
                    if !ok {
                        return self.no_match(
                            cx,
                            e,
                            name,
                            tys,
                            &format!("{opt} must be a real number or None"),
                        );
                    }
                }
            }
        }
        let Some(a) = tys[0].array().copied() else {
            return self.no_match(cx, e, name, tys, "(2-d array, ...)");
        };
        if a.ndim != 2 {
            return self.la_bad(
                cx,
                e,
                format!("`{name}` needs a 2-d array; got a {}-d array", a.ndim),
                "stacks of matrices (more than 2 dimensions) are not supported in compiled code",
            );
        }
        let w = work_dtype(a.dtype);
        let r = Ty::Scalar(w.real_part());
        let mat = registry::array_of(w, 2);
        let vec_r = registry::array_of(w.real_part(), 1);
        let flag = |s: &mut Self, cx: &Cx<'u>, key: &str, default: bool| -> Option<bool> {
            match s.la_const(cx, e, key) {
                None => Some(default),
                Some(Some(Const::Bool(b))) => Some(b),
                Some(Some(Const::Int(i))) => Some(i != 0),
                Some(_) => {
                    let d = Diagnostic::unsupported(
                        e.span,
                        format!("`{key}=` of `{name}` must be a constant True or False"),
                    );
                    s.err(cx, d);
                    None
                }
            }
        };
        match f {
            LinAlg::Solve | LinAlg::Lstsq => {
                let Some(b) = tys[1].array().copied() else {
                    return self.no_match(cx, e, name, tys, "(2-d array, 1-d or 2-d array)");
                };
                if !(1..=2).contains(&b.ndim) {
                    return self.la_bad(
                        cx,
                        e,
                        format!("`{name}`: b must be 1-d or 2-d; got a {}-d array", b.ndim),
                        "stacks of right-hand sides are not supported in compiled code",
                    );
                }
                let w = oxjit_types::promote_numpy(w, work_dtype(b.dtype));
                let x = registry::array_of(w, b.ndim);
                if f == LinAlg::Solve {
                    x
                } else {
                    Ty::Tuple(vec![
                        x,
                        registry::array_of(w.real_part(), 1),
                        Ty::I64,
                        registry::array_of(w.real_part(), 1),
                    ])
                }
            }
            LinAlg::Inv | LinAlg::Cholesky | LinAlg::Pinv => mat,
            LinAlg::Det => Ty::Scalar(w),
            LinAlg::Slogdet => Ty::Tuple(vec![Ty::Scalar(w), r]),
            LinAlg::Qr => match self.la_const(cx, e, "mode") {
                None => Ty::Tuple(vec![mat.clone(), mat]),
                Some(Some(Const::Str(m))) if m == "reduced" => Ty::Tuple(vec![mat.clone(), mat]),
                Some(Some(Const::Str(m))) if m == "r" => mat,
                _ => self.la_bad(
                    cx,
                    e,
                    "`numpy.linalg.qr`: mode= must be the constant 'reduced' or 'r'".into(),
                    "'complete' and 'raw' are not supported in compiled code",
                ),
            },
            LinAlg::Svd => {
                let (Some(_full), Some(uv)) = (
                    flag(self, cx, "full_matrices", true),
                    flag(self, cx, "compute_uv", true),
                ) else {
                    return Ty::Unknown;
                };
                if flag(self, cx, "hermitian", false) != Some(false) {
                    return self.la_bad(
                        cx,
                        e,
                        "`numpy.linalg.svd`: hermitian=True is not supported in compiled code"
                            .into(),
                        "use numpy.linalg.eigh for Hermitian matrices",
                    );
                }
                if uv {
                    Ty::Tuple(vec![mat.clone(), vec_r, mat])
                } else {
                    vec_r
                }
            }
            // NumPy 2.5 returns complex results for every real input;
            // earlier NumPy only when an eigenvalue is complex (compiled
            // code then raises, as Numba does).
            LinAlg::Eig | LinAlg::Eigvals if !w.is_complex() && self.unit.numpy >= (2, 5) => {
                let c = if w == Dtype::F32 {
                    Dtype::C64
                } else {
                    Dtype::C128
                };
                let vals = registry::array_of(c, 1);
                if f == LinAlg::Eig {
                    Ty::Tuple(vec![vals, registry::array_of(c, 2)])
                } else {
                    vals
                }
            }
            LinAlg::Eig => Ty::Tuple(vec![registry::array_of(w, 1), mat]),
            LinAlg::Eigvals => registry::array_of(w, 1),
            LinAlg::Eigh | LinAlg::Eigvalsh => {
                match self.la_const(cx, e, "UPLO") {
                    None => {}
                    Some(Some(Const::Str(s))) if s == "L" || s == "U" => {}
                    _ => {
                        return self.la_bad(
                            cx,
                            e,
                            format!("`{name}`: UPLO= must be the constant 'L' or 'U'"),
                            "NumPy accepts only 'L' and 'U'",
                        )
                    }
                }
                if f == LinAlg::Eigh {
                    Ty::Tuple(vec![vec_r, mat])
                } else {
                    vec_r
                }
            }
            LinAlg::MatrixPower => match tys.get(1) {
                Some(Ty::Scalar(d)) if d.is_int() && tys.len() == 2 => {
                    if a.dtype.kind() == Kind::Bool {
                        return self.no_match(cx, e, name, tys, "(numeric 2-d array, int)");
                    }
                    registry::array_of(a.dtype, 2)
                }
                _ => self.no_match(cx, e, name, tys, "(2-d array, int)"),
            },
            LinAlg::Cond => {
                if let Some(t) = opt_ty(0) {
                    if t != Ty::NoneType {
                        return self.la_bad(
                            cx,
                            e,
                            "`numpy.linalg.cond`: only p=None (the 2-norm) is supported".into(),
                            "compute other condition numbers with numpy.linalg.norm",
                        );
                    }
                }
                r
            }
            LinAlg::MatrixRank => Ty::I64,
        }
    }
}
