//! Expressions: literals, names and globals, operators, attributes.

use crate::driver::{Checker, Cx};
use crate::program::{Call, Callee, Const, Res};
use crate::prune::global_to_const;
use crate::registry::{self, Builtin};
use crate::words::with_article;
use oxjit_syntax::{BinOp, CmpOp, Diagnostic, Expr, ExprKind, GlobalValue, UnOp};
use oxjit_types::{promote_arith, unify, ArrayTy, Dtype, ExcKind, Layout, NamedTupleTy, Ty};

impl<'u> Checker<'u> {
    /// The type of `e` where a value is needed: an optional value is
    /// unwrapped (checked at run time, as Numba does).
    pub(crate) fn expr(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Ty {
        let t = self.expr_opt(cx, e);
        self.unwrap_opt(cx, e, t)
    }

    /// The type of `e` where an optional value may stay optional: assigned
    /// to a variable, returned, a tuple item, a jitted function's argument,
    /// compared with None, tested for truth.
    pub(crate) fn expr_opt(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Ty {
        cx.unwrap.remove(&e.id);
        let t = self.expr_inner(cx, e);
        cx.expr_ty.insert(e.id, t.clone());
        t
    }

    /// Use `e` (of type `t`, already typed) where its payload is needed.
    pub(crate) fn unwrap_opt(&mut self, cx: &mut Cx<'u>, e: &Expr, t: Ty) -> Ty {
        let Ty::Optional(inner) = t else {
            return t;
        };
        cx.unwrap.insert(e.id, Ty::Optional(inner.clone()));
        cx.expr_ty.insert(e.id, (*inner).clone());
        *inner
    }

    fn record_const(&mut self, cx: &mut Cx<'u>, e: &Expr, c: Const) -> Ty {
        let t = c.ty();
        cx.res.insert(e.id, Res::Const(c));
        t
    }

    fn resolve_global(&mut self, cx: &mut Cx<'u>, e: &'u Expr, name: &str) -> Ty {
        let env = &self.unit.functions[cx.env_of as usize].env;
        match env.get(name) {
            Some(g) => {
                if let Some(c) = global_to_const(g) {
                    return self.record_const(cx, e, c);
                }
                match g {
                    GlobalValue::Module(m) => Ty::Global(m.clone()),
                    GlobalValue::Builtin(p) => {
                        if let Some(c) = registry::constant(p) {
                            return self.record_const(cx, e, Const::Float(c));
                        }
                        if let Some(k) = ExcKind::from_name(p) {
                            return Ty::ExcClass(k);
                        }
                        Ty::Global(p.clone())
                    }
                    GlobalValue::Function(i) => Ty::Function(*i),
                    GlobalValue::NamedTuple {
                        class,
                        name: class_name,
                        fields,
                        items,
                    } => {
                        // Frozen at compile time, as a tuple global is; typed by its class.
                        let Some(c) = items
                            .iter()
                            .map(global_to_const)
                            .collect::<Option<Vec<_>>>()
                        else {
                            return self.unknown_global(
                                cx,
                                e,
                                name,
                                "named tuple holding values that cannot be frozen",
                            );
                        };
                        let nt = NamedTupleTy {
                            class: *class,
                            name: class_name.clone(),
                            fields: fields.clone(),
                            items: c.iter().map(Const::ty).collect(),
                        };
                        cx.res.insert(e.id, Res::Const(Const::Tuple(c)));
                        Ty::NamedTuple(Box::new(nt))
                    }
                    GlobalValue::NamedTupleClass {
                        class,
                        name,
                        fields,
                        ..
                    } => Ty::NamedTupleClass(Box::new(NamedTupleTy {
                        class: *class,
                        name: name.clone(),
                        fields: fields.clone(),
                        items: Vec::new(),
                    })),
                    GlobalValue::Class(n) => match self.classes.get(n) {
                        Some(c) => Ty::Class(c.clone()),
                        None => self.unknown_global(cx, e, name, "jitclass"),
                    },
                    GlobalValue::Dtype(d) => match Dtype::from_name(d) {
                        Some(d) => Ty::DtypeObj(d),
                        None => self.unknown_global(cx, e, name, &format!("dtype {d}")),
                    },
                    GlobalValue::ExcClass(k) => match ExcKind::from_name(k) {
                        Some(k) => Ty::ExcClass(k),
                        None => self.unknown_global(cx, e, name, k),
                    },
                    GlobalValue::UserExc(n, _) => Ty::ExcClass(ExcKind::User(*n as u32)),
                    GlobalValue::Array(i) => {
                        let ca = self.unit.const_arrays.get(*i as usize);
                        match ca
                            .and_then(|c| Dtype::from_name(&c.dtype).map(|d| (d, c.shape.len())))
                        {
                            Some((d, nd)) if nd > 0 => {
                                cx.res.insert(e.id, Res::GlobalArray(*i));
                                // Frozen at compile time, so read-only (semantics row 11).
                                Ty::Array(ArrayTy {
                                    dtype: d,
                                    ndim: nd as u8,
                                    layout: Layout::C,
                                    readonly: true,
                                })
                            }
                            _ => self.unknown_global(
                                cx,
                                e,
                                name,
                                "array of an unsupported dtype or shape",
                            ),
                        }
                    }
                    GlobalValue::Unsupported(what) => {
                        let what = what.clone();
                        self.unknown_global(cx, e, name, &what)
                    }
                    GlobalValue::Missing => self.unknown_global(cx, e, name, "missing attribute"),
                    GlobalValue::Int(_)
                    | GlobalValue::Float(_)
                    | GlobalValue::Complex(..)
                    | GlobalValue::Bool(_)
                    | GlobalValue::None
                    | GlobalValue::Str(_)
                    | GlobalValue::Tuple(_) => {
                        let d = Diagnostic::error(
                            "unsupported-global",
                            e.span,
                            format!("global `{name}` does not fit in a 64-bit integer"),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            None => {
                let known = cx
                    .locals
                    .iter()
                    .map(String::as_str)
                    .chain(env.keys().map(String::as_str))
                    .chain(
                        registry::ENTRIES
                            .iter()
                            .map(|(p, _)| *p)
                            .filter(|p| !p.contains('.')),
                    );
                let mut d = Diagnostic::error(
                    "unknown-name",
                    e.span,
                    format!("name `{name}` is not defined"),
                )
                .with_label("not a local variable, a global or a builtin");
                if let Some(s) = did_you_mean(name, known) {
                    d = d.with_note(format!("did you mean `{s}`?"));
                }
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    fn unknown_global(&mut self, cx: &Cx<'u>, e: &Expr, name: &str, what: &str) -> Ty {
        let d = Diagnostic::error(
            "unsupported-global",
            e.span,
            format!("global `{name}` is {}, which compiled code cannot use", with_article(what)),
        )
        .with_label("referenced here")
        .with_note("compiled code can use numbers, strings, tuples, arrays, math/numpy functions, other jitted functions and jitclasses");
        self.err(cx, d);
        Ty::Unknown
    }

    fn expr_inner(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Ty {
        match &e.kind {
            ExprKind::Int(v) => match i64::try_from(*v) {
                Ok(v) => self.record_const(cx, e, Const::Int(v)),
                Err(_) => {
                    let d = Diagnostic::error(
                        "integer-overflow",
                        e.span,
                        "integer literal does not fit in int64",
                    );
                    self.err(cx, d);
                    Ty::Unknown
                }
            },
            ExprKind::Float(v) => self.record_const(cx, e, Const::Float(*v)),
            ExprKind::Imag(v) => self.record_const(cx, e, Const::Complex(0.0, *v)),
            ExprKind::Bool(b) => self.record_const(cx, e, Const::Bool(*b)),
            ExprKind::NoneLit => self.record_const(cx, e, Const::None),
            ExprKind::Str(s) => self.record_const(cx, e, Const::Str(s.clone())),
            ExprKind::Name(n) => {
                if cx.locals.contains(n) {
                    match cx.vars.get(n) {
                        Some(t) => t.clone(),
                        None => {
                            // Not yet assigned on this pass (loops) or never.
                            if cx.report {
                                let d = Diagnostic::error(
                                    "unbound-local",
                                    e.span,
                                    format!("local variable `{n}` is used before it is assigned a value"),
                                );
                                self.err(cx, d);
                            }
                            Ty::Unknown
                        }
                    }
                } else {
                    self.resolve_global(cx, e, n)
                }
            }
            ExprKind::Attr(obj, attr) => self.attr(cx, e, obj, attr),
            ExprKind::Bin(op, l, r) => {
                let lt = self.expr(cx, l);
                let rt = self.expr(cx, r);
                if let Some(t) = self.binop_dunder(cx, e, *op, (l, r), (&lt, &rt)) {
                    return t;
                }
                let mut t = self.binop_ty(cx, *op, &lt, &rt, e.span);
                // NumPy's `array ** 2` is np.square, whose first loop for a
                // boolean array is int8 (any other exponent gives int64).
                if let (BinOp::Pow, Ty::Array(a), Some(Res::Const(Const::Int(2)))) =
                    (op, &lt, cx.res.get(&r.id))
                {
                    if let (Dtype::Bool, Ty::Array(ta)) = (a.dtype, &mut t) {
                        ta.dtype = Dtype::I8;
                    }
                }
                zero_d_to_scalar(t)
            }
            ExprKind::Unary(op, x) => {
                let t = self.expr_opt(cx, x);
                let t = if *op == UnOp::Not {
                    t
                } else {
                    self.unwrap_opt(cx, x, t)
                };
                if let Some(t) = self.unary_dunder(cx, e, *op, x, &t) {
                    return t;
                }
                if *op == UnOp::Neg {
                    // `-1` is a constant (tuple indices, defaults).
                    match cx.res.get(&x.id) {
                        Some(Res::Const(Const::Int(v))) if *v != i64::MIN => {
                            let v = -*v;
                            return self.record_const(cx, e, Const::Int(v));
                        }
                        Some(Res::Const(Const::Float(v))) => {
                            let v = -*v;
                            return self.record_const(cx, e, Const::Float(v));
                        }
                        _ => {}
                    }
                }
                self.unary_ty(cx, e, *op, x, &t)
            }
            ExprKind::BoolOp(_, xs) => {
                let mut u = Ty::Unknown;
                for x in xs {
                    let t = self.expr_opt(cx, x);
                    self.truth(cx, x, &t);
                    match unify(&u, &t) {
                        Some(v) => u = v,
                        None => {
                            let d = Diagnostic::error(
                                "no-matching-operator",
                                e.span,
                                format!(
                                    "`and`/`or` operands have incompatible types ({u} and {t})"
                                ),
                            );
                            self.err(cx, d);
                            return Ty::Unknown;
                        }
                    }
                }
                u
            }
            ExprKind::Compare(first, rest) => {
                // An optional operand stays optional only where it is
                // compared with None (`x is None`, `x != None`).
                let operands: Vec<&'u Expr> = std::iter::once(&**first)
                    .chain(rest.iter().map(|(_, r)| r))
                    .collect();
                let mut tys: Vec<Ty> = operands.iter().map(|x| self.expr_opt(cx, x)).collect();
                for i in 0..operands.len() {
                    let with_none = |j: usize, k: usize| {
                        let op = rest[j].0;
                        matches!(op, CmpOp::Is | CmpOp::IsNot | CmpOp::Eq | CmpOp::Ne)
                            && tys[k] == Ty::NoneType
                    };
                    let keep = (i == 0 || with_none(i - 1, i - 1))
                        && (i == rest.len() || with_none(i, i + 1));
                    if !keep {
                        tys[i] = self.unwrap_opt(cx, operands[i], tys[i].clone());
                    }
                }
                if let ([(op, r)], [lt, rt]) = (rest.as_slice(), tys.as_slice()) {
                    if let Some(t) = self.compare_dunder(cx, e, *op, (first, r), (lt, rt)) {
                        return t;
                    }
                }
                let mut lt = tys[0].clone();
                let mut out = Ty::BOOL;
                for ((op, _), rt) in rest.iter().zip(tys.into_iter().skip(1)) {
                    let t = self.compare_ty(cx, *op, &lt, &rt, e.span);
                    if matches!(t, Ty::Array(_)) {
                        out = t;
                    }
                    lt = rt;
                }
                zero_d_to_scalar(out)
            }
            ExprKind::IfExp(test, a, b) => {
                let t = self.expr_opt(cx, test);
                self.truth(cx, test, &t);
                let at = self.expr_opt(cx, a);
                let bt = self.expr_opt(cx, b);
                match unify(&at, &bt) {
                    Some(u) => u,
                    None => {
                        let d = Diagnostic::error(
                            "if-expression-type-mismatch",
                            e.span,
                            format!("the branches of this conditional expression have different types: {at} and {bt}"),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            ExprKind::Call {
                func,
                args,
                star,
                kwargs,
            } => {
                let t = self.call(cx, e, func, args, star.as_deref(), kwargs);
                // A ufunc of 0-d arrays gives a scalar (not np.where, and not
                // a call writing into an output array).
                match cx.res.get(&e.id) {
                    Some(Res::Call(Call {
                        callee: Callee::Builtin(b),
                        args: cargs,
                        ..
                    })) if registry::elementwise(*b)
                        && *b != Builtin::Where
                        && kwargs.iter().all(|k| k.name != "out")
                        && registry::ufunc_nin(*b).is_none_or(|nin| cargs.len() <= nin) =>
                    {
                        zero_d_to_scalar(t)
                    }
                    _ => t,
                }
            }
            ExprKind::Subscript(base, index) => self.subscript_ty(cx, e, base, index),
            ExprKind::Slice(a, b, c) => {
                for x in [a, b, c].into_iter().flatten() {
                    let t = self.expr(cx, x);
                    if !matches!(t, Ty::NoneType) {
                        self.expect_int(cx, x, &t, "slice bound");
                    }
                }
                Ty::NoneType // slices only appear inside subscripts
            }
            ExprKind::Tuple(xs) => {
                let items: Vec<Ty> = xs.iter().map(|x| self.expr_opt(cx, x)).collect();
                Ty::Tuple(items)
            }
            ExprKind::List(xs) => self.list_display(cx, e, xs),
            ExprKind::Lambda(d) => Ty::Function(self.inner_template(cx, d)),
            ExprKind::Unsupported(what) => {
                let d = Diagnostic::unsupported(
                    e.span,
                    format!("{what} is not supported in compiled code"),
                );
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    fn attr(&mut self, cx: &mut Cx<'u>, e: &'u Expr, obj: &'u Expr, attr: &str) -> Ty {
        let ot = self.expr(cx, obj);
        match &ot {
            Ty::Global(m) if registry::is_module(m) => {
                let path = format!("{m}.{attr}");
                if path == "numpy.newaxis" {
                    return self.record_const(cx, e, Const::None);
                }
                if path == "numpy.ndarray" {
                    return Ty::Global(path); // only as isinstance's class
                }
                if (m == "oxjit" || m == "numba") && Dtype::from_name(attr).is_some() {
                    return Ty::DtypeObj(Dtype::from_name(attr).unwrap_or(Dtype::F64));
                }
                if let Some(c) = registry::constant(&path) {
                    return self.record_const(cx, e, Const::Float(c));
                }
                if registry::is_module(&path) || registry::lookup(&path).is_some() {
                    return Ty::Global(path);
                }
                if m == "numpy" {
                    if let Some(d) = Dtype::from_name(attr) {
                        return Ty::DtypeObj(d);
                    }
                }
                // The front end marks what the module itself lacks.
                let env = &self.unit.functions[cx.env_of as usize].env;
                let mut d = if matches!(env.get(&path), Some(GlobalValue::Missing)) {
                    Diagnostic::error(
                        "unknown-attribute",
                        e.span,
                        format!("module `{m}` has no attribute `{attr}`"),
                    )
                    .with_label("no such name in this module")
                } else {
                    Diagnostic::error(
                        "unsupported-attribute",
                        e.span,
                        format!("`{path}` is not supported in compiled code"),
                    )
                    .with_label("not supported in compiled code yet")
                };
                let prefix = format!("{m}.");
                let known = registry::ENTRIES
                    .iter()
                    .filter_map(|(p, _)| p.strip_prefix(prefix.as_str()))
                    .filter(|p| !p.contains('.'));
                if let Some(s) = did_you_mean(attr, known) {
                    d = d.with_note(format!("did you mean `{m}.{s}`?"));
                }
                self.err(cx, d);
                Ty::Unknown
            }
            Ty::NamedTuple(nt) => {
                let nt = (**nt).clone();
                self.named_tuple_field(cx, e, &nt, attr)
            }
            Ty::Instance(c) => {
                let c = c.clone();
                self.instance_attr(cx, e, obj, &c, attr)
            }
            Ty::Class(c) => {
                let c = c.clone();
                self.class_attr(cx, e, &c, attr)
            }
            Ty::Record(rec) => {
                let rec = rec.clone();
                self.record_attr(cx, e, &rec, attr)
            }
            Ty::RecordArray(ra)
                if matches!(
                    attr,
                    "shape" | "strides" | "size" | "ndim" | "itemsize" | "nbytes"
                ) =>
            {
                if matches!(attr, "shape" | "strides") {
                    Ty::Tuple(vec![Ty::I64; ra.ndim as usize])
                } else {
                    Ty::I64
                }
            }
            Ty::Array(a) => match attr {
                "shape" | "strides" => Ty::Tuple(vec![Ty::I64; a.ndim as usize]),
                "size" | "ndim" | "itemsize" | "nbytes" => Ty::I64,
                "dtype" => Ty::DtypeObj(a.dtype),
                "T" => Ty::Array(ArrayTy {
                    layout: match a.layout {
                        Layout::C if a.ndim > 1 => Layout::F,
                        Layout::F if a.ndim > 1 => Layout::C,
                        l @ (Layout::C | Layout::F | Layout::A) => l,
                    },
                    ..*a
                }),
                "real" | "imag" if !a.dtype.is_complex() && attr == "real" => ot.clone(),
                _ => {
                    let mut d = Diagnostic::error(
                        "unknown-attribute",
                        e.span,
                        format!("{ot} has no attribute `{attr}` in compiled code"),
                    );
                    let methods = registry::METHODS.iter().map(|(m, _)| *m);
                    if let Some(s) =
                        did_you_mean(attr, ARRAY_ATTRIBUTES.iter().copied().chain(methods))
                    {
                        d = d.with_note(format!("did you mean `{s}`?"));
                    }
                    self.err(cx, d);
                    Ty::Unknown
                }
            },
            Ty::Scalar(d) => match attr {
                "real" | "imag" => Ty::Scalar(d.real_part()),
                _ => {
                    let d = Diagnostic::error(
                        "unknown-attribute",
                        e.span,
                        format!("{ot} has no attribute `{attr}` in compiled code"),
                    );
                    self.err(cx, d);
                    Ty::Unknown
                }
            },
            Ty::DtypeObj(_) if attr == "type" => ot.clone(),
            Ty::Unknown => Ty::Unknown,
            Ty::NoneType
            | Ty::Str
            | Ty::Tuple(_)
            | Ty::Range
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::RecordArray(_)
            | Ty::Dict(_)
            | Ty::List(_)
            | Ty::NamedTupleClass(_)
            | Ty::Optional(_) => {
                let d = Diagnostic::error(
                    "unknown-attribute",
                    e.span,
                    format!("{ot} has no attribute `{attr}` in compiled code"),
                );
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    /// The type of a unary operator's result (`-x`, `+x`, `~x`, `not x`).
    fn unary_ty(&mut self, cx: &mut Cx<'u>, e: &'u Expr, op: UnOp, x: &'u Expr, t: &Ty) -> Ty {
        match (op, t) {
            (UnOp::Not, _) => {
                self.truth(cx, x, t);
                Ty::BOOL
            }
            (_, Ty::Unknown) => Ty::Unknown,
            (UnOp::Neg | UnOp::Pos, Ty::Scalar(d)) => {
                if *d == Dtype::Bool {
                    Ty::I64
                } else {
                    Ty::Scalar(promote_arith(*d, *d))
                }
            }
            (UnOp::Invert, Ty::Scalar(d)) if d.is_int() => Ty::Scalar(promote_arith(*d, *d)),
            (UnOp::Invert, Ty::Scalar(Dtype::Bool)) => Ty::BOOL,
            // NumPy has no negative/positive of bools, and no invert of
            // inexact values.
            (UnOp::Neg | UnOp::Pos, Ty::Array(a)) if a.dtype == Dtype::Bool => {
                let d = Diagnostic::error(
                    "no-matching-operator",
                    e.span,
                    "NumPy does not support `-`/`+` of a boolean array: use `~` or `np.logical_not`",
                );
                self.err(cx, d);
                Ty::Unknown
            }
            (UnOp::Invert, Ty::Array(a)) if a.dtype.is_float() || a.dtype.is_complex() => {
                let d = Diagnostic::error(
                    "no-matching-operator",
                    e.span,
                    format!("bad operand type for unary ~: {t} (NumPy's invert takes integers and bools)"),
                );
                self.err(cx, d);
                Ty::Unknown
            }
            (_, Ty::Array(a)) => zero_d_to_scalar(Ty::Array(ArrayTy {
                layout: Layout::C,
                readonly: false,
                ..*a
            })),
            _ => {
                let sym = match op {
                    UnOp::Neg => "-",
                    UnOp::Pos => "+",
                    UnOp::Invert => "~",
                    UnOp::Not => "not",
                };
                let d = Diagnostic::error(
                    "no-matching-operator",
                    e.span,
                    format!("bad operand type for unary {sym}: {t}"),
                );
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }
}

/// The attributes of arrays that compiled code reads (`attr` above).
const ARRAY_ATTRIBUTES: &[&str] = &[
    "shape", "strides", "size", "ndim", "itemsize", "nbytes", "dtype", "T", "real", "imag",
];

/// NumPy gives a scalar, not a 0-d array, for an element-wise operation
/// whose operands are all 0-d (or scalars).
fn zero_d_to_scalar(t: Ty) -> Ty {
    if let Ty::Array(a) = &t {
        if a.ndim == 0 {
            return Ty::Scalar(a.dtype);
        }
    }
    t
}

/// The candidate closest to `name` by edit distance, if it is close: at
/// most one edit for a short name, a third of the name's length for a long
/// one (`totl_sum` → `total_sum`, `np.sqroot` → `sqrt`).
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<String> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c.to_string())
}
