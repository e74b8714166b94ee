//! Types of `numpy.random.Generator` methods (`registry::GenFn`). The
//! receiver is the first type; positional arguments follow it.

use crate::driver::{Checker, Cx};
use crate::program::Const;
use crate::registry::{self, GenFn};
use oxjit_syntax::{Diagnostic, Expr};
use oxjit_types::{Dtype, Kind, Ty};

/// The parameter names of each method, in positional order.
pub fn positional(g: GenFn) -> Vec<&'static str> {
    match g {
        GenFn::Integers => vec!["low", "high", "size", "dtype", "endpoint"],
        GenFn::Choice => vec!["a", "size", "replace", "p", "shuffle"],
        GenFn::Shuffle | GenFn::Permutation => vec!["x", "axis"],
        GenFn::Random | GenFn::StandardNormal | GenFn::StandardExponential => {
            vec!["size", "dtype"]
        }
        GenFn::Normal
        | GenFn::Uniform
        | GenFn::Exponential
        | GenFn::StandardGamma
        | GenFn::Gamma
        | GenFn::Beta
        | GenFn::Lognormal
        | GenFn::Poisson
        | GenFn::Geometric
        | GenFn::Binomial => {
            let spec = registry::gen_spec(g).map(|s| s.params).unwrap_or(&[]);
            let mut v: Vec<&'static str> = spec.iter().map(|p| p.0).collect();
            v.push("size");
            v
        }
    }
}

/// Keyword arguments each method accepts: all of its parameters.
pub fn keywords(g: GenFn) -> &'static [&'static str] {
    match g {
        GenFn::Random | GenFn::StandardNormal | GenFn::StandardExponential => &["size", "dtype"],
        GenFn::Normal => &["loc", "scale", "size"],
        GenFn::Uniform => &["low", "high", "size"],
        GenFn::Exponential => &["scale", "size"],
        GenFn::StandardGamma => &["shape", "size"],
        GenFn::Gamma => &["shape", "scale", "size"],
        GenFn::Beta => &["a", "b", "size"],
        GenFn::Lognormal => &["mean", "sigma", "size"],
        GenFn::Poisson => &["lam", "size"],
        GenFn::Geometric => &["p", "size"],
        GenFn::Binomial => &["n", "p", "size"],
        GenFn::Integers => &["low", "high", "size", "dtype", "endpoint"],
        GenFn::Choice => &["a", "size", "replace", "p", "shuffle"],
        GenFn::Shuffle | GenFn::Permutation => &["x", "axis"],
    }
}

impl<'u> Checker<'u> {
    /// A Generator method (the legacy `numpy.random.choice`/`shuffle`/
    /// `permutation` too, with a stand-in receiver); `name` is how the user
    /// called it (`Generator.normal`, `numpy.random.choice`).
    pub(crate) fn gen_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        g: GenFn,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        name: &str,
    ) -> Ty {
        let names = positional(g);
        let args = &tys[1..];
        if args.len() > names.len() {
            return self.no_match(cx, e, name, args, &format!("({})", names.join(", ")));
        }
        // The type of parameter `p` (positional or keyword), if given.
        let param = |p: &str| -> Option<Ty> {
            let i = names.iter().position(|n| *n == p)?;
            args.get(i).cloned().or_else(|| {
                kwargs
                    .iter()
                    .find(|(k, _)| k == p)
                    .map(|(_, v)| cx.expr_ty.get(&v.id).cloned().unwrap_or(Ty::Unknown))
            })
        };
        let real = |t: &Ty| matches!(t, Ty::Scalar(d) if !d.is_complex());
        let shaped = |d: Dtype, nd: Option<u8>| match nd {
            None => Ty::Scalar(d),
            Some(k) => registry::array_of(d, k),
        };
        match g {
            GenFn::Integers => {
                for p in ["low", "high"] {
                    match param(p) {
                        None | Some(Ty::NoneType) if p == "high" => {}
                        Some(Ty::Scalar(d)) if d.is_int() => {}
                        Some(t) => {
                            return self.gen_bad(cx, e, format!("{name}: {p} must be an integer, not {t} (arrays of bounds are not supported in compiled code)"))
                        }
                        None => return self.no_match(cx, e, name, args, "(low, high=None, size=None, dtype=np.int64, endpoint=False)"),
                    }
                }
                let elem = match param("dtype") {
                    None => Dtype::I64,
                    Some(t) => match dtype_of(&t) {
                        Some(d) if d.is_int() || d == Dtype::Bool => d,
                        _ => {
                            return self.gen_bad(
                                cx,
                                e,
                                format!("{name}: dtype must be an integer or bool type, not {t}"),
                            )
                        }
                    },
                };
                if let Some(t) = param("endpoint") {
                    if t != Ty::BOOL {
                        return self.gen_bad(
                            cx,
                            e,
                            format!("{name}: endpoint must be a bool, not {t}"),
                        );
                    }
                }
                match self.gen_size_nd(cx, e, name, param("size")) {
                    Ok(nd) => shaped(elem, nd),
                    Err(()) => Ty::Unknown,
                }
            }
            GenFn::Choice => {
                let elem =
                    match param("a") {
                        Some(Ty::Scalar(d)) if d.is_int() => Dtype::I64,
                        Some(Ty::Array(a)) if a.ndim == 1 => a.dtype,
                        _ => return self.no_match(
                            cx,
                            e,
                            name,
                            args,
                            "(a: int or 1-d array, size=None, replace=True, p=None, shuffle=True)",
                        ),
                    };
                let (Some(replace), Some(_)) = (
                    self.gen_bool_const(cx, e, name, "replace", 2),
                    self.gen_bool_const(cx, e, name, "shuffle", 4),
                ) else {
                    return Ty::Unknown;
                };
                match param("p") {
                    None | Some(Ty::NoneType) => {}
                    Some(Ty::Array(p)) if p.ndim == 1 && p.dtype.kind() == Kind::Float => {
                        if !replace {
                            return self.gen_bad(cx, e, format!("{name}: p= with replace=False is not supported in compiled code"));
                        }
                    }
                    Some(Ty::Array(_)) => {
                        return self.gen_bad(cx, e, "p must be 1-dimensional".into())
                    }
                    Some(t) => {
                        return self.gen_bad(
                            cx,
                            e,
                            format!("{name}: p must be a 1-d float array or None, not {t}"),
                        )
                    }
                }
                match self.gen_size_nd(cx, e, name, param("size")) {
                    Ok(nd) => shaped(elem, nd),
                    Err(()) => Ty::Unknown,
                }
            }
            GenFn::Shuffle | GenFn::Permutation => {
                if let Some(ax) = self.arg_const(cx, e, 1, "axis") {
                    if ax != Some(Const::Int(0)) {
                        return self.gen_bad(
                            cx,
                            e,
                            format!("{name}: only axis=0 is supported in compiled code"),
                        );
                    }
                }
                match (g, param("x")) {
                    (GenFn::Shuffle, Some(Ty::Array(a))) if a.ndim >= 1 => {
                        if a.readonly {
                            return self.gen_bad(cx, e, "array is read-only".into());
                        }
                        Ty::NoneType
                    }
                    (GenFn::Permutation, Some(Ty::Array(a))) if a.ndim >= 1 => {
                        registry::array_of(a.dtype, a.ndim)
                    }
                    (GenFn::Permutation, Some(Ty::Scalar(d))) if d.is_int() => {
                        registry::array_of(Dtype::I64, 1)
                    }
                    _ => self.no_match(
                        cx,
                        e,
                        name,
                        args,
                        if g == GenFn::Shuffle {
                            "(x: array)"
                        } else {
                            "(x: int or array)"
                        },
                    ),
                }
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
                let Some(spec) = registry::gen_spec(g) else {
                    return Ty::Unknown;
                };
                // Array parameters broadcast: the result takes their rank.
                let mut array_nd: Option<u8> = None;
                for (p, dflt, _) in spec.params.iter() {
                    match param(p) {
                        Some(t) if real(&t) => {}
                        Some(Ty::Array(a)) if !a.dtype.is_complex() => {
                            array_nd = Some(array_nd.map_or(a.ndim, |n| n.max(a.ndim)));
                        }
                        None if dflt.is_some() => {}
                        None => {
                            return self.gen_bad(
                                cx,
                                e,
                                format!("{name}() missing required argument '{p}'"),
                            );
                        }
                        Some(t) => {
                            return self.gen_bad(
                                cx,
                                e,
                                format!(
                                    "{name}: {p} must be a real number or a real array, not {t}"
                                ),
                            )
                        }
                    }
                }
                let mut elem = if spec.int_result {
                    Dtype::I64
                } else {
                    Dtype::F64
                };
                if let Some(t) = param("dtype") {
                    elem = match dtype_of(&t) {
                        Some(Dtype::F64) => Dtype::F64,
                        Some(Dtype::F32) if spec.symbol_f32.is_some() => Dtype::F32,
                        _ => {
                            return self.gen_bad(
                                cx,
                                e,
                                format!(
                                    "{name}: unsupported dtype {t} (use np.float64 or np.float32)"
                                ),
                            )
                        }
                    };
                }
                match self.gen_size_nd(cx, e, name, param("size")) {
                    Ok(None) if array_nd.is_some() => shaped(elem, array_nd),
                    Ok(nd) => {
                        if nd.is_none() {
                            // Scalars come back as Python floats, float32 widened (NumPy).
                            Ty::Scalar(if spec.int_result {
                                Dtype::I64
                            } else {
                                Dtype::F64
                            })
                        } else {
                            shaped(elem, nd)
                        }
                    }
                    Err(()) => Ty::Unknown,
                }
            }
        }
    }

    /// A `bad-argument` diagnostic at call `e`; the call's type is Unknown.
    fn gen_bad(&mut self, cx: &Cx<'u>, e: &Expr, msg: String) -> Ty {
        let d = Diagnostic::error("bad-argument", e.span, msg);
        self.err(cx, d);
        Ty::Unknown
    }

    /// size=None|int|tuple of ints → the number of result dimensions.
    fn gen_size_nd(
        &mut self,
        cx: &Cx<'u>,
        e: &Expr,
        name: &str,
        size: Option<Ty>,
    ) -> Result<Option<u8>, ()> {
        match size {
            None | Some(Ty::NoneType) => Ok(None),
            Some(Ty::Scalar(d)) if d.is_int() => Ok(Some(1)),
            Some(Ty::Tuple(items))
                if !items.is_empty()
                    && items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
            {
                Ok(Some(items.len() as u8))
            }
            Some(other) => {
                self.gen_bad(
                    cx,
                    e,
                    format!("{name}: size= must be None, an int or a tuple of ints, not {other}"),
                );
                Err(())
            }
        }
    }

    /// A constant True/False keyword (`replace=`, `shuffle=`, ...), or its
    /// default when absent (`endpoint=` defaults to False, the others to True).
    fn gen_bool_const(
        &mut self,
        cx: &Cx<'u>,
        e: &'u Expr,
        name: &str,
        key: &str,
        pos: usize,
    ) -> Option<bool> {
        match self.arg_const(cx, e, pos, key) {
            None => Some(key != "endpoint"),
            Some(Some(Const::Bool(b))) => Some(b),
            _ => {
                let d = Diagnostic::unsupported(
                    e.span,
                    format!("{name}: {key}= must be a constant True or False"),
                );
                self.err(cx, d);
                None
            }
        }
    }
}

/// A dtype given as `np.float32`, `np.dtype` objects or `float`/`int`.
pub fn dtype_of(t: &Ty) -> Option<Dtype> {
    match t {
        Ty::DtypeObj(d) => Some(*d),
        Ty::Global(p) if p == "float" => Some(Dtype::F64),
        Ty::Global(p) if p == "int" => Some(Dtype::I64),
        Ty::Global(p) => match registry::lookup(p) {
            Some(registry::Builtin::Cast(d)) => Some(d),
            _ => None,
        },
        Ty::Scalar(_)
        | Ty::NoneType
        | Ty::Str
        | Ty::Tuple(_)
        | Ty::Array(_)
        | Ty::Range
        | Ty::Function(_)
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
        | Ty::Unknown => None,
    }
}
