//! Calls: binding arguments to a jitted function's parameters, resolving
//! the callee, and the argument checks the builtins share.

use crate::builtins::CallSite;
use crate::driver::{Checker, Cx};
use crate::program::{Arg, Call, Callee, Const, Res};
use crate::registry::{self, ArrFn, Builtin};
use crate::words::count;
use oxjit_syntax::{Diagnostic, Expr, ExprId, ExprKind, FuncDef, GlobalValue};
use oxjit_types::{ArrayTy, Dtype, Layout, Ty};

impl<'u> Checker<'u> {
    pub(crate) fn call(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        func: &'u Expr,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [oxjit_syntax::Keyword],
    ) -> Ty {
        // Method calls: `a.sum()`, `z.conjugate()`.
        if let ExprKind::Attr(obj, name) = &func.kind {
            let ot = self.expr(cx, obj);
            if let Ty::NamedTuple(nt) = &ot {
                let nt = (**nt).clone();
                return self.named_tuple_method(cx, e, obj, &nt, name, args, kwargs);
            }
            if let Ty::Instance(c) = &ot {
                let c = c.clone();
                return self.method_call(cx, e, func, obj, &c, name, args, star, kwargs);
            }
            if let Some(table) = method_table(&ot) {
                let arg_tys: Vec<Ty> = args.iter().map(|a| self.expr(cx, a)).collect();
                for k in kwargs {
                    self.expr(cx, &k.value);
                }
                let Some(b) = table.iter().find(|(p, _)| *p == name).map(|(_, b)| *b) else {
                    self.err(cx, no_such_method(func.span, &ot, name, table));
                    return Ty::Unknown;
                };
                // An empty list, dict or set takes its types from what is
                // stored into it (`append`, `add`, ...).
                let recv = if let Some(d) = ot.dict() {
                    let d = d.clone();
                    Ty::Dict(Box::new(self.dict_receiver(cx, obj, &d, b, &arg_tys)))
                } else {
                    self.list_receiver(cx, obj, &ot, b, &arg_tys)
                };
                let mut all = vec![recv];
                all.extend(arg_tys);
                let kw: Vec<(String, &'u Expr)> =
                    kwargs.iter().map(|k| (k.name.clone(), &k.value)).collect();
                let site_name = format!("{}.{name}", method_owner(&ot));
                let site = CallSite {
                    name: &site_name,
                    method: true,
                };
                let t = self.builtin_ty(cx, e, b, &all, &kw, site);
                if !raises_axis_error(cx, e) {
                    cx.res.insert(
                        e.id,
                        Res::Call(Call {
                            callee: Callee::Method(b),
                            args: args.iter().map(Arg::Expr).collect(),
                            kwargs: kw,
                        }),
                    );
                }
                return t;
            }
            if !matches!(ot, Ty::Global(_) | Ty::Class(_) | Ty::Unknown) {
                let d = Diagnostic::error(
                    "unknown-attribute",
                    func.span,
                    format!("{ot} has no method `{name}` in compiled code"),
                );
                self.err(cx, d);
                return Ty::Unknown;
            }
        }
        let ft = self.expr(cx, func);
        mark_displays(cx, &ft, args);
        // A jitted function takes optional values as they are (its own
        // instance for them); everything else takes their payload.
        let jitted = matches!(&ft, Ty::Function(_) | Ty::Class(_))
            || matches!(&ft, Ty::Global(p)
                if matches!(registry::lookup(p), Some(Builtin::Print | Builtin::Isinstance)));
        let arg_tys: Vec<Ty> = args
            .iter()
            .map(|a| {
                if jitted {
                    self.expr_opt(cx, a)
                } else {
                    self.expr(cx, a)
                }
            })
            .collect();
        if let Some(s) = star {
            self.expr(cx, s);
        }
        for k in kwargs {
            if jitted {
                self.expr_opt(cx, &k.value);
            } else {
                self.expr(cx, &k.value);
            }
        }
        match &ft {
            Ty::Unknown => Ty::Unknown,
            Ty::Function(tid) => {
                let t = self.templates[*tid as usize].clone();
                let Some(bound) =
                    self.bind_args_recv(cx, e, t.def, t.env_of, None, args, star, kwargs)
                else {
                    return Ty::Unknown;
                };
                let mut tys: Vec<Ty> = bound.iter().map(|a| self.arg_ty(cx, a)).collect();
                for c in &t.captures {
                    tys.push(cx.vars.get(c).cloned().unwrap_or(Ty::Unknown));
                }
                if !tys.iter().all(Ty::is_known) {
                    return Ty::Unknown;
                }
                if t.ufunc && tys.iter().any(|t| !matches!(t, Ty::Scalar(_))) {
                    return self.ufunc_map(cx, e, *tid, &t.qualname, bound, &tys);
                }
                let id = self.instance(*tid, tys);
                cx.res.insert(
                    e.id,
                    Res::Call(Call {
                        callee: Callee::Instance {
                            id,
                            captures: t.captures.clone(),
                        },
                        args: bound,
                        kwargs: vec![],
                    }),
                );
                let ret = self.instances[id as usize].ret.clone();
                if !ret.is_known() && cx.report {
                    self.unknown_call.entry(id).or_insert((cx.env_of, e.span));
                }
                ret
            }
            Ty::Global(path) => {
                let Some(b) = registry::lookup(path) else {
                    let d = Diagnostic::error(
                        "unsupported-function",
                        func.span,
                        format!("`{path}` is not supported in compiled code"),
                    )
                    .with_label("no compiled implementation")
                    .with_note("see docs/supported.md for what compiled code can call");
                    self.err(cx, d);
                    return Ty::Unknown;
                };
                if star.is_some() {
                    let d = Diagnostic::unsupported(
                        e.span,
                        format!("`*` arguments to `{path}` are not supported in compiled code"),
                    );
                    self.err(cx, d);
                    return Ty::Unknown;
                }
                let kw: Vec<(String, &'u Expr)> =
                    kwargs.iter().map(|k| (k.name.clone(), &k.value)).collect();
                if let Some(t) = self.builtin_dunder(cx, e, b, args, &arg_tys) {
                    return t;
                }
                if b == Builtin::Isinstance {
                    return self.isinstance_ty(cx, e, &arg_tys);
                }
                // NumPy's ufuncs take an output array (math.log(x, base) does not).
                if path.starts_with("numpy.") {
                    if let Some(t) = self.ufunc_out(cx, e, b, &arg_tys, &kw, path) {
                        return t;
                    }
                }
                let site = CallSite {
                    name: path,
                    method: false,
                };
                let t = self.builtin_ty(cx, e, b, &arg_tys, &kw, site);
                if !raises_axis_error(cx, e) {
                    cx.res.insert(
                        e.id,
                        Res::Call(Call {
                            callee: Callee::Builtin(b),
                            args: args.iter().map(Arg::Expr).collect(),
                            kwargs: kw,
                        }),
                    );
                }
                t
            }
            Ty::DtypeObj(d) => {
                let b = Builtin::Cast(*d);
                // A dtype object called: named as NumPy's scalar type.
                let site_name = format!("numpy.{}", d.name());
                let site = CallSite {
                    name: &site_name,
                    method: false,
                };
                let t = self.builtin_ty(cx, e, b, &arg_tys, &[], site);
                cx.res.insert(
                    e.id,
                    Res::Call(Call {
                        callee: Callee::Builtin(b),
                        args: args.iter().map(Arg::Expr).collect(),
                        kwargs: vec![],
                    }),
                );
                t
            }
            Ty::NamedTupleClass(nt) => {
                let nt = (**nt).clone();
                self.named_tuple_new(cx, e, func, &nt, args, star, kwargs)
            }
            Ty::Class(c) => {
                let c = c.clone();
                self.class_new(cx, e, &c, args, star, kwargs)
            }
            Ty::ExcClass(_) => {
                let d = Diagnostic::unsupported(
                    e.span,
                    "exception objects can only be created in a `raise` statement",
                );
                self.err(cx, d);
                Ty::Unknown
            }
            other @ (Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Str
            | Ty::Tuple(_)
            | Ty::Array(_)
            | Ty::Range
            | Ty::Generator
            | Ty::Record(_)
            | Ty::RecordArray(_)
            | Ty::Dict(_)
            | Ty::List(_)
            | Ty::NamedTuple(_)
            | Ty::Instance(_)
            | Ty::Optional(_)) => {
                let d = Diagnostic::error(
                    "not-callable",
                    func.span,
                    format!("{} is not callable", self.a_type(other)),
                );
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    /// Normalise a call to a jitted function into positional arguments (a
    /// method's receiver `recv` first).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn bind_args_recv(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        def: &'u FuncDef,
        env_of: u32,
        recv: Option<Arg<'u>>,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [oxjit_syntax::Keyword],
    ) -> Option<Vec<Arg<'u>>> {
        let mut positional: Vec<Arg<'u>> =
            recv.into_iter().chain(args.iter().map(Arg::Expr)).collect();
        if let Some(s) = star {
            match cx.expr_ty.get(&s.id) {
                Some(Ty::Tuple(items)) => {
                    for i in 0..items.len() {
                        positional.push(Arg::StarItem(s, i));
                    }
                }
                Some(Ty::Unknown) | None => return None,
                Some(other) => {
                    let d = Diagnostic::error(
                        "bad-star-argument",
                        s.span,
                        format!("`*` argument must be a tuple, not {other}"),
                    );
                    self.err(cx, d);
                    return None;
                }
            }
        }
        let np = def.params.len();
        let mut bound: Vec<Option<Arg<'u>>> = vec![None; np];
        let mut extra = Vec::new();
        for (i, a) in positional.into_iter().enumerate() {
            if i < np {
                bound[i] = Some(a);
            } else {
                extra.push(a);
            }
        }
        if !extra.is_empty() && def.vararg.is_none() {
            let d = Diagnostic::error(
                "wrong-arity",
                e.span,
                format!(
                    "{}() takes {} but {} given",
                    def.name,
                    count(np, "positional argument"),
                    match np + extra.len() {
                        1 => "1 was".to_string(),
                        n => format!("{n} were"),
                    }
                ),
            );
            self.err(cx, d);
            return None;
        }
        for k in kwargs {
            match def.params.iter().position(|p| p.name == k.name) {
                Some(i) if bound[i].is_none() => bound[i] = Some(Arg::Expr(&k.value)),
                Some(_) => {
                    let d = Diagnostic::error(
                        "wrong-arity",
                        k.value.span,
                        format!(
                            "{}() got multiple values for argument '{}'",
                            def.name, k.name
                        ),
                    );
                    self.err(cx, d);
                    return None;
                }
                None => {
                    let d = Diagnostic::error(
                        "wrong-arity",
                        k.value.span,
                        format!(
                            "{}() got an unexpected keyword argument '{}'",
                            def.name, k.name
                        ),
                    );
                    self.err(cx, d);
                    return None;
                }
            }
        }
        let mut out = Vec::new();
        for (i, b) in bound.into_iter().enumerate() {
            match b {
                Some(a) => out.push(a),
                None => match &def.params[i].default {
                    Some(dflt) => match self.const_eval(dflt, env_of) {
                        Some(c) => out.push(Arg::Const(c)),
                        None => match self.default_array(dflt, env_of) {
                            Some(a) => out.push(a),
                            None => {
                                let d = Diagnostic::unsupported(dflt.span, "this default value cannot be used in compiled code")
                                    .with_note("defaults must be numbers, booleans, None, strings, arrays or tuples of those");
                                // The span is in the callee's source.
                                self.err_in(cx, env_of, d);
                                return None;
                            }
                        },
                    },
                    None => {
                        let d = Diagnostic::error(
                            "wrong-arity",
                            e.span,
                            format!(
                                "{}() missing required argument: '{}'",
                                def.name, def.params[i].name
                            ),
                        );
                        self.err(cx, d);
                        return None;
                    }
                },
            }
        }
        if def.vararg.is_some() {
            out.push(Arg::Pack(extra));
        }
        Some(out)
    }

    /// A `@vectorize` function called with arrays (Numba's DUFunc in
    /// compiled code): its kernel instantiated for the element types, mapped
    /// over the broadcast arguments into a new C array (a scalar when every
    /// array is 0-d, as NumPy).
    fn ufunc_map(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        tid: u32,
        name: &str,
        bound: Vec<Arg<'u>>,
        tys: &[Ty],
    ) -> Ty {
        let mut elems = Vec::new();
        let mut ndim = 0;
        for t in tys {
            if let Ty::Array(a) = t {
                ndim = ndim.max(a.ndim);
                elems.push(Ty::Scalar(a.dtype));
            } else if let Ty::Scalar(_) = t {
                elems.push(t.clone());
            } else {
                let d = Diagnostic::error(
                    "no-matching-signature",
                    e.span,
                    format!("the @vectorize function `{name}` takes numbers and arrays, not {t}"),
                );
                self.err(cx, d);
                return Ty::Unknown;
            }
        }
        let id = self.instance(tid, elems);
        let ret = self.instances[id as usize].ret.clone();
        let Ty::Scalar(d) = ret else {
            if !ret.is_known() {
                if cx.report {
                    self.unknown_call.entry(id).or_insert((cx.env_of, e.span));
                }
            } else {
                let d = Diagnostic::error(
                    "no-matching-signature",
                    e.span,
                    format!("the @vectorize function `{name}` returns {ret}: called with arrays, it must return a number"),
                );
                self.err(cx, d);
            }
            return Ty::Unknown;
        };
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::Map { id },
                args: bound,
                kwargs: vec![],
            }),
        );
        if ndim == 0 {
            Ty::Scalar(d)
        } else {
            Ty::Array(ArrayTy::new(d, ndim, Layout::C))
        }
    }

    /// A default the front end froze as an array (`GlobalValue::Array`).
    fn default_array(&self, dflt: &Expr, env_of: u32) -> Option<Arg<'u>> {
        let ExprKind::Name(n) = &dflt.kind else {
            return None;
        };
        let GlobalValue::Array(i) = self.unit.functions[env_of as usize].env.get(n)? else {
            return None;
        };
        let c = self.unit.const_arrays.get(*i as usize)?;
        let dtype = Dtype::from_name(&c.dtype)?;
        let ndim = u8::try_from(c.shape.len()).ok().filter(|&n| n > 0)?;
        let ty = Ty::Array(ArrayTy {
            dtype,
            ndim,
            layout: Layout::C,
            readonly: true,
        });
        Some(Arg::GlobalArray(*i, ty))
    }

    pub(crate) fn arg_ty(&self, cx: &Cx<'u>, a: &Arg<'u>) -> Ty {
        match a {
            Arg::Expr(e) => cx.expr_ty.get(&e.id).cloned().unwrap_or(Ty::Unknown),
            Arg::Const(c) => c.ty(),
            Arg::GlobalArray(_, t) => t.clone(),
            Arg::StarItem(e, i) => match cx.expr_ty.get(&e.id) {
                Some(t) if t.tuple_items().is_some() => t
                    .tuple_items()
                    .and_then(|items| items.get(*i))
                    .cloned()
                    .unwrap_or(Ty::Unknown),
                _ => Ty::Unknown,
            },
            Arg::Pack(xs) => Ty::Tuple(xs.iter().map(|x| self.arg_ty(cx, x)).collect()),
        }
    }

    pub(crate) fn arity(
        &mut self,
        cx: &Cx<'u>,
        e: &Expr,
        name: &str,
        n: usize,
        lo: usize,
        hi: usize,
    ) -> bool {
        if n < lo || n > hi {
            let want = if lo == hi {
                count(lo, "argument")
            } else if hi == usize::MAX {
                format!("at least {}", count(lo, "argument"))
            } else {
                format!("{lo} to {hi} arguments")
            };
            let d = Diagnostic::error(
                "wrong-arity",
                e.span,
                format!("{name}() takes {want} ({n} given)"),
            );
            self.err(cx, d);
            false
        } else {
            true
        }
    }

    pub(crate) fn no_match(
        &mut self,
        cx: &Cx<'u>,
        e: &Expr,
        name: &str,
        tys: &[Ty],
        known: &str,
    ) -> Ty {
        let shown: Vec<String> = tys.iter().map(|t| t.to_string()).collect();
        let d = Diagnostic::error(
            "no-matching-signature",
            e.span,
            format!("no implementation of `{name}` for ({})", shown.join(", ")),
        )
        .with_label(format!("called with argument types ({})", shown.join(", ")))
        .with_note(format!("known signatures: {known}"));
        self.err(cx, d);
        Ty::Unknown
    }

    pub(crate) fn expect_int(&mut self, cx: &Cx<'u>, e: &Expr, t: &Ty, what: &str) {
        match t {
            Ty::Scalar(d) if d.is_int() || *d == Dtype::Bool => {}
            Ty::Unknown => {}
            other @ (Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Str
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
            | Ty::Optional(_)) => {
                let d = Diagnostic::error(
                    "expected-integer",
                    e.span,
                    format!("{what} must be an integer, not {other}"),
                );
                self.err(cx, d)
            }
        }
    }

    /// Read a `dtype=` argument (positional or keyword) as a constant dtype.
    pub(crate) fn dtype_arg(&mut self, cx: &Cx<'u>, t: Option<&Ty>, e: &Expr) -> Option<Dtype> {
        match t {
            None => Some(Dtype::F64),
            Some(Ty::DtypeObj(d)) => Some(*d),
            Some(Ty::Global(p)) if p == "float" => Some(Dtype::F64),
            Some(Ty::Global(p)) if p == "int" => Some(Dtype::I64),
            Some(Ty::Global(p)) if p == "bool" => Some(Dtype::Bool),
            Some(Ty::Global(p)) if p == "complex" => Some(Dtype::C128),
            Some(Ty::Global(p)) => match registry::lookup(p) {
                Some(Builtin::Cast(d)) => Some(d),
                _ => None,
            },
            Some(Ty::Str) => match cx.res.get(&e.id) {
                Some(Res::Const(Const::Str(s))) => Dtype::from_name(s),
                _ => None,
            },
            Some(Ty::Unknown) => None,
            Some(other) => {
                let _ = other;
                None
            }
        }
    }

    /// Call `e` has the constant axis `k`, out of range for `nd` dimensions:
    /// it raises NumPy's AxisError when it runs. Callers go on typing it as if
    /// the axis were valid.
    pub(crate) fn axis_error(&mut self, cx: &mut Cx<'u>, e: &'u Expr, k: i64, nd: usize) {
        self.axis_error_prefixed(cx, e, k, nd, None);
    }

    pub(crate) fn axis_error_prefixed(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        k: i64,
        nd: usize,
        prefix: Option<&str>,
    ) {
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::AxisError {
                    axis: k,
                    ndim: nd as i64,
                    prefix: prefix.map(str::to_string),
                },
                args: vec![],
                kwargs: vec![],
            }),
        );
    }

    /// `order=` of reshape/ravel/flatten: Some(true) for 'F', Some(false)
    /// for 'C' or absent, None (diagnosed) otherwise.
    pub(crate) fn order_kw(&mut self, cx: &Cx<'u>, e: &'u Expr) -> Option<bool> {
        match self.arg_const(cx, e, usize::MAX, "order") {
            None => Some(false),
            Some(Some(Const::Str(o))) if o == "C" => Some(false),
            Some(Some(Const::Str(o))) if o == "F" => Some(true),
            _ => {
                let d = Diagnostic::error(
                    "bad-argument",
                    e.span,
                    "order= must be the constant 'C' or 'F' here",
                );
                self.err(cx, d);
                None
            }
        }
    }

    /// The constant value of argument `pos` (or keyword `name`) of call `e`:
    /// None when absent, Some(None) when given but not a constant.
    pub(crate) fn arg_const(
        &self,
        cx: &Cx<'u>,
        e: &'u Expr,
        pos: usize,
        name: &str,
    ) -> Option<Option<Const>> {
        let ExprKind::Call { args, kwargs, .. } = &e.kind else {
            return None;
        };
        let x = match args.get(pos) {
            Some(x) => x,
            None => &kwargs.iter().find(|k| k.name == name)?.value,
        };
        Some(match cx.res.get(&x.id) {
            Some(Res::Const(c)) => Some(c.clone()),
            // A variable that can only hold None is as good as the constant.
            _ if cx.expr_ty.get(&x.id) == Some(&Ty::NoneType) => Some(Const::None),
            _ => None,
        })
    }
}

/// `{t} has no method`, with the nearest method or the list of them.
fn no_such_method(
    span: oxjit_syntax::Span,
    ot: &Ty,
    name: &str,
    table: &[(&'static str, Builtin)],
) -> Diagnostic {
    let names: Vec<&str> = table.iter().map(|(p, _)| *p).collect();
    let d = Diagnostic::error(
        "unknown-attribute",
        span,
        format!("{ot} has no method `{name}` in compiled code"),
    );
    match crate::expr::did_you_mean(name, names.iter().copied()) {
        Some(s) => d.with_note(format!("did you mean `{s}`?")),
        None => d.with_note(format!("its methods: {}", names.join(", "))),
    }
}

/// The registry's table of methods of a receiver of type `t` (None: the
/// receiver has no registry methods).
fn method_table(t: &Ty) -> Option<&'static [(&'static str, Builtin)]> {
    if let Ty::Array(_) | Ty::Scalar(_) = t {
        return Some(registry::METHODS);
    }
    if let Ty::List(_) = t {
        return Some(registry::LIST_METHODS);
    }
    if let Some(d) = t.dict() {
        return Some(if d.is_set() {
            registry::SET_METHODS
        } else {
            registry::DICT_METHODS
        });
    }
    if *t == Ty::Generator {
        return Some(registry::GEN_METHODS);
    }
    (*t == Ty::Str).then_some(registry::STR_METHODS)
}

/// How a method's receiver is named in diagnostics (`ndarray.sum`,
/// `Generator.normal`, `complex128.conjugate`).
fn method_owner(t: &Ty) -> String {
    match t {
        Ty::Str => "str".to_string(),
        Ty::Array(_) => "ndarray".to_string(),
        Ty::Generator => "Generator".to_string(),
        Ty::Record(_) => "record".to_string(),
        Ty::RecordArray(_) => "ndarray".to_string(),
        Ty::Dict(d) if d.is_set() => "set".to_string(),
        Ty::Dict(_) => "dict".to_string(),
        Ty::List(_) => "list".to_string(),
        Ty::Scalar(d) => d.name().to_string(),
        Ty::NamedTuple(nt) | Ty::NamedTupleClass(nt) => nt.name.clone(),
        Ty::Instance(c) | Ty::Class(c) => c.name.clone(),
        Ty::NoneType
        | Ty::Tuple(_)
        | Ty::Range
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Optional(_)
        | Ty::Unknown => t.to_string(),
    }
}

/// Whether call `e` was resolved to raise `AxisError` (see `Checker::axis_error`).
fn raises_axis_error(cx: &Cx<'_>, e: &Expr) -> bool {
    matches!(
        cx.res.get(&e.id),
        Some(Res::Call(Call {
            callee: Callee::AxisError { .. },
            ..
        }))
    )
}

pub(crate) fn call_args(e: &Expr) -> &[Expr] {
    match &e.kind {
        ExprKind::Call { args, .. } => args,
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Imag(_)
        | ExprKind::Bool(_)
        | ExprKind::NoneLit
        | ExprKind::Str(_)
        | ExprKind::Name(_)
        | ExprKind::Attr(..)
        | ExprKind::Bin(..)
        | ExprKind::Unary(..)
        | ExprKind::BoolOp(..)
        | ExprKind::Compare(..)
        | ExprKind::IfExp(..)
        | ExprKind::Subscript(..)
        | ExprKind::Slice(..)
        | ExprKind::Tuple(_)
        | ExprKind::List(_)
        | ExprKind::Lambda(_)
        | ExprKind::Unsupported(_) => &[],
    }
}

/// np.array reads the list displays of its first argument (nested too) as
/// tuples: they are not lists compiled code must build.
fn mark_displays(cx: &mut Cx<'_>, callee: &Ty, args: &[Expr]) {
    let array = |p: &str| {
        matches!(
            registry::lookup(p),
            Some(Builtin::Arr(ArrFn::Array | ArrFn::AsArray))
        )
    };
    if !matches!(callee, Ty::Global(p) if array(p)) {
        return;
    }
    fn nested(e: &Expr, out: &mut rustc_hash::FxHashSet<ExprId>) {
        if let ExprKind::List(xs) | ExprKind::Tuple(xs) = &e.kind {
            out.insert(e.id);
            xs.iter().for_each(|x| nested(x, out));
        }
    }
    if let Some(a) = args.first() {
        nested(a, &mut cx.displays);
    }
}
