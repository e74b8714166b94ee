//! Name resolution and type inference.
//!
//! Input: a [`Unit`] (the root function, the jitted functions it reaches and
//! their frozen globals) and the root's argument types. Output: a [`Program`]
//! of monomorphised *instances* — one per (function, argument types) — each
//! with a type for every expression and variable and a resolution for every
//! call, or a list of diagnostics. Nothing here panics on user code
//! (architecture invariant 1) and nothing links LLVM or libpython.
//!
//! Inference is a fixpoint: every instance is re-typed until no variable or
//! return type changes (variables unify across assignments: int then float is
//! float). Recursion works when a non-recursive path gives the return type.

pub mod generator;
pub mod linalg;
mod manip;
pub mod registry;

use oxjit_syntax::{
    BinOp, CmpOp, Diagnostic, Expr, ExprId, ExprKind, FuncDef, GlobalValue, Span, Stmt, StmtKind,
    UnOp, Unit,
};
use oxjit_types::{
    promote_arith, promote_truediv, unify, ArrayTy, Dtype, ExcKind, Kind, Layout, Ty,
};
use registry::{Alloc, ArrFn, Builtin, Rand, Reduce};
use rustc_hash::{FxHashMap, FxHashSet};

/// A compile-time constant (from a literal, a frozen global or a module constant).
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Int(i64),
    Float(f64),
    Complex(f64, f64),
    Bool(bool),
    None,
    Str(String),
    Tuple(Vec<Const>),
}

impl Const {
    pub fn ty(&self) -> Ty {
        match self {
            Const::Int(_) => Ty::I64,
            Const::Float(_) => Ty::F64,
            Const::Complex(..) => Ty::C128,
            Const::Bool(_) => Ty::BOOL,
            Const::None => Ty::NoneType,
            Const::Str(_) => Ty::Str,
            Const::Tuple(xs) => Ty::Tuple(xs.iter().map(Const::ty).collect()),
        }
    }
}

/// Where one positional argument of a resolved call comes from.
#[derive(Clone, Debug)]
pub enum Arg<'u> {
    Expr(&'u Expr),
    /// A parameter default or other constant.
    Const(Const),
    /// Element `i` of a starred tuple argument.
    StarItem(&'u Expr, usize),
    /// The callee's `*args`: a tuple built from these.
    Pack(Vec<Arg<'u>>),
}

#[derive(Clone, Debug)]
pub enum Callee {
    Builtin(Builtin),
    /// A method call `recv.name(...)`: receiver is the attribute's object.
    Method(Builtin),
    /// A jitted function instance; `captures` are the caller's local
    /// variables passed as hidden trailing arguments (closures).
    Instance {
        id: u32,
        captures: Vec<String>,
    },
    /// Constructing an exception (only valid under `raise`).
    Exception(ExcKind),
    /// A ufunc writing into an output array: inputs then `out` as the last
    /// argument; `dtype` is the element type the ufunc computes in.
    UfuncOut {
        b: Builtin,
        dtype: Dtype,
    },
    /// A call whose constant axis is out of range: it raises NumPy's
    /// `AxisError(axis, ndim)` when it runs (typed as if the axis were valid).
    AxisError {
        axis: i64,
        ndim: i64,
        /// NumPy's `msg_prefix` (swapaxes names `axis1`/`axis2`).
        prefix: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct Call<'u> {
    pub callee: Callee,
    pub args: Vec<Arg<'u>>,
    /// Keyword arguments of builtins, by name (already typed).
    pub kwargs: Vec<(String, &'u Expr)>,
}

/// Per-expression resolution besides its type.
#[derive(Clone, Debug)]
pub enum Res<'u> {
    Const(Const),
    Call(Call<'u>),
    /// A global NumPy array frozen as read-only constant data
    /// (index into `Unit::const_arrays`).
    GlobalArray(u32),
}

/// A function body to type: a unit function, or an inner `def`/lambda of a
/// particular parent instance.
#[derive(Clone, Debug)]
pub struct Template<'u> {
    pub def: &'u FuncDef,
    /// Whose globals it sees (index into `Unit::functions`).
    pub env_of: u32,
    /// Names it reads from its enclosing function, passed as extra arguments.
    pub captures: Vec<String>,
    pub qualname: String,
}

#[derive(Clone, Debug)]
pub struct Instance<'u> {
    pub template: u32,
    /// Declared parameters, then `*args` (as one tuple), then captures.
    pub args: Vec<Ty>,
    pub ret: Ty,
    pub vars: FxHashMap<String, Ty>,
    pub expr_ty: FxHashMap<ExprId, Ty>,
    pub res: FxHashMap<ExprId, Res<'u>>,
    /// Which parameter names the args correspond to, in order.
    pub arg_names: Vec<String>,
}

impl Instance<'_> {
    pub fn ty(&self, e: &Expr) -> &Ty {
        self.expr_ty.get(&e.id).unwrap_or(&Ty::Unknown)
    }
}

pub struct Program<'u> {
    pub unit: &'u Unit,
    pub templates: Vec<Template<'u>>,
    /// Instance 0 is the root.
    pub instances: Vec<Instance<'u>>,
}

impl Program<'_> {
    /// A deterministic dump of the typed program, for `inspect_types()` and
    /// snapshot tests.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for (i, inst) in self.instances.iter().enumerate() {
            let t = &self.templates[inst.template as usize];
            let args: Vec<String> = inst
                .arg_names
                .iter()
                .zip(&inst.args)
                .map(|(n, t)| format!("{n}: {t}"))
                .collect();
            out += &format!(
                "fn #{i} {}({}) -> {}\n",
                t.qualname,
                args.join(", "),
                inst.ret
            );
            let mut vars: Vec<_> = inst.vars.iter().collect();
            vars.sort_by(|a, b| a.0.cmp(b.0));
            for (n, ty) in vars {
                out += &format!("    {n}: {ty}\n");
            }
        }
        out
    }
}

/// Where the user's source for a diagnostic lives: the unit function index.
#[derive(Debug)]
pub struct Located {
    pub func: u32,
    pub diag: Diagnostic,
}

type Key = (u32, Vec<Ty>);

struct Checker<'u> {
    unit: &'u Unit,
    templates: Vec<Template<'u>>,
    instances: Vec<Instance<'u>>,
    index: FxHashMap<Key, u32>,
    /// Inner defs already given a template, by (def address, parent instance).
    inner: FxHashMap<(usize, u32), u32>,
    diags: Vec<Located>,
}

/// Type-check the unit's root function for the given argument types.
pub fn check<'u>(unit: &'u Unit, root_args: &[Ty]) -> Result<Program<'u>, Vec<Located>> {
    let mut c = Checker {
        unit,
        templates: Vec::new(),
        instances: Vec::new(),
        index: FxHashMap::default(),
        inner: FxHashMap::default(),
        diags: Vec::new(),
    };
    for (i, f) in unit.functions.iter().enumerate() {
        c.templates.push(Template {
            def: &f.def,
            env_of: i as u32,
            captures: Vec::new(),
            qualname: f.qualname.clone(),
        });
    }
    let Some(root) = unit.functions.first() else {
        return Err(vec![]);
    };
    let nparams = root.def.params.len();
    if root_args.len() < nparams
        && root.def.params[root_args.len()..]
            .iter()
            .any(|p| p.default.is_none())
    {
        let d = Diagnostic::error(
            "wrong-arity",
            root.def.span,
            format!("{}() is missing arguments", root.def.name),
        );
        return Err(vec![Located { func: 0, diag: d }]);
    }
    // Root arguments: declared params (defaults are filled by the dispatcher),
    // extra positionals packed into *args.
    let mut args: Vec<Ty> = root_args.iter().take(nparams).cloned().collect();
    if root.def.vararg.is_some() {
        args.push(Ty::Tuple(root_args.iter().skip(nparams).cloned().collect()));
    } else if root_args.len() > nparams {
        let d = Diagnostic::error(
            "wrong-arity",
            root.def.span,
            format!("{}() takes {} arguments", root.def.name, nparams),
        );
        return Err(vec![Located { func: 0, diag: d }]);
    }
    c.instance(0, args);
    // Global fixpoint over all instances (recursion, mutual recursion).
    for _round in 0..50 {
        let mut changed = false;
        let mut i = 0;
        while i < c.instances.len() {
            let before = (c.instances[i].ret.clone(), c.instances[i].vars.len());
            c.infer(i as u32, false);
            if (c.instances[i].ret.clone(), c.instances[i].vars.len()) != before {
                changed = true;
            }
            i += 1;
        }
        if !changed {
            break;
        }
    }
    let n = c.instances.len();
    for i in 0..n {
        c.infer(i as u32, true);
    }
    if c.diags.is_empty() {
        // A return type that never became known: recursion with no base case.
        for inst in &c.instances {
            if !inst.ret.is_known() {
                let t = &c.templates[inst.template as usize];
                let d = Diagnostic::error(
                    "unknown-return-type",
                    t.def.span,
                    format!("cannot infer the return type of `{}`", t.def.name),
                )
                .with_note("a recursive function needs a path that returns without recursing (a base case) before its type is known");
                c.diags.push(Located {
                    func: t.env_of,
                    diag: d,
                });
                break;
            }
        }
    }
    if !c.diags.is_empty() {
        // "Used before assignment" usually follows from an earlier error in
        // the assignment itself: report it only when it is the sole problem.
        if c.diags.iter().any(|d| d.diag.id != "unbound-local") {
            c.diags.retain(|d| d.diag.id != "unbound-local");
        }
        // Keep the first diagnostic per span, in source order of discovery.
        let mut seen = FxHashSet::default();
        let mut out = Vec::new();
        for d in c.diags {
            if seen.insert((d.func, d.diag.span, d.diag.id)) {
                out.push(d);
            }
        }
        return Err(out);
    }
    Ok(Program {
        unit,
        templates: c.templates,
        instances: c.instances,
    })
}

/// The value of an `if` test that is decided by types alone: `x is None`,
/// `x is not None` (and `not` of those) for a variable whose type is known.
pub fn static_truth(test: &Expr, vars: &FxHashMap<String, Ty>) -> Option<bool> {
    match &test.kind {
        ExprKind::Unary(UnOp::Not, x) => static_truth(x, vars).map(|b| !b),
        ExprKind::Compare(l, rest) if rest.len() == 1 => {
            let (op, r) = (&rest[0].0, &rest[0].1);
            let is = match op {
                CmpOp::Is => true,
                CmpOp::IsNot => false,
                _ => return None,
            };
            let var_ty = |e: &Expr| match &e.kind {
                ExprKind::Name(n) => vars.get(n).cloned(),
                _ => None,
            };
            let t = match (&l.kind, &r.kind) {
                (_, ExprKind::NoneLit) => var_ty(l)?,
                (ExprKind::NoneLit, _) => var_ty(r)?,
                _ => return None,
            };
            if !t.is_known() {
                return None;
            }
            Some((t == Ty::NoneType) == is)
        }
        _ => None,
    }
}

/// The item indices of `t[lo:hi:step]` for a tuple of `n` items, when every
/// bound is absent or a constant int (Python's slice rules).
pub fn tuple_slice(n: usize, bounds: [Option<Option<&Res<'_>>>; 3]) -> Option<Vec<usize>> {
    let get = |b: Option<Option<&Res<'_>>>| -> Option<Option<i64>> {
        match b {
            None => Some(None),
            Some(Some(Res::Const(Const::Int(v)))) => Some(Some(*v)),
            Some(Some(Res::Const(Const::None))) => Some(None),
            _ => None,
        }
    };
    let [lo, hi, st] = bounds;
    let (lo, hi, st) = (get(lo)?, get(hi)?, get(st)?.unwrap_or(1));
    if st == 0 {
        return None;
    }
    let n = n as i64;
    let norm = |v: Option<i64>, dflt: i64, lo_clamp: i64, hi_clamp: i64| match v {
        None => dflt,
        Some(v) => {
            let v = if v < 0 { v + n } else { v };
            v.clamp(lo_clamp, hi_clamp)
        }
    };
    let mut out = Vec::new();
    if st > 0 {
        let (a, b) = (norm(lo, 0, 0, n), norm(hi, n, 0, n));
        let mut i = a;
        while i < b {
            out.push(i as usize);
            i += st;
        }
    } else {
        let (a, b) = (norm(lo, n - 1, -1, n - 1), norm(hi, -1, -1, n - 1));
        let mut i = a;
        while i > b {
            out.push(i as usize);
            i += st;
        }
    }
    Some(out)
}

/// Names assigned anywhere in a body (Python's local-scope rule).
fn assigned_names(body: &[Stmt], out: &mut FxHashSet<String>) {
    fn target(e: &Expr, out: &mut FxHashSet<String>) {
        match &e.kind {
            ExprKind::Name(n) => {
                out.insert(n.clone());
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs) => xs.iter().for_each(|x| target(x, out)),
            _ => {}
        }
    }
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| target(t, out)),
            StmtKind::AugAssign { target: t, .. } => target(t, out),
            StmtKind::For {
                target: t,
                body,
                orelse,
                ..
            } => {
                target(t, out);
                assigned_names(body, out);
                assigned_names(orelse, out);
            }
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                assigned_names(body, out);
                assigned_names(orelse, out);
            }
            StmtKind::FuncDef(d) => {
                out.insert(d.name.clone());
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                assigned_names(body, out);
                for h in handlers {
                    if let Some(n) = &h.name {
                        out.insert(n.clone());
                    }
                    assigned_names(&h.body, out);
                }
                assigned_names(orelse, out);
                assigned_names(finalbody, out);
            }
            StmtKind::Expr(_)
            | StmtKind::Return(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Raise(_)
            | StmtKind::Assert { .. }
            | StmtKind::Unsupported(_) => {}
        }
    }
}

/// Names read anywhere in a function (for closure capture).
fn read_names(def: &FuncDef, out: &mut FxHashSet<String>) {
    fn expr(e: &Expr, out: &mut FxHashSet<String>) {
        e.walk(&mut |x| match &x.kind {
            ExprKind::Name(n) => {
                out.insert(n.clone());
            }
            ExprKind::Lambda(d) => read_names(d, out),
            _ => {}
        });
    }
    fn stmts(b: &[Stmt], out: &mut FxHashSet<String>) {
        for s in b {
            match &s.kind {
                StmtKind::Assign { targets, value } => {
                    targets.iter().for_each(|t| expr(t, out));
                    expr(value, out)
                }
                StmtKind::AugAssign { target, value, .. } => {
                    expr(target, out);
                    expr(value, out)
                }
                StmtKind::Expr(e) | StmtKind::Return(Some(e)) | StmtKind::Raise(Some(e)) => {
                    expr(e, out)
                }
                StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                    expr(test, out);
                    stmts(body, out);
                    stmts(orelse, out)
                }
                StmtKind::For {
                    target,
                    iter,
                    body,
                    orelse,
                } => {
                    expr(target, out);
                    expr(iter, out);
                    stmts(body, out);
                    stmts(orelse, out)
                }
                StmtKind::Assert { test, msg } => {
                    expr(test, out);
                    if let Some(m) = msg {
                        expr(m, out)
                    }
                }
                StmtKind::FuncDef(d) => read_names(d, out),
                StmtKind::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    stmts(body, out);
                    for h in handlers {
                        if let Some(c) = &h.class {
                            expr(c, out)
                        }
                        stmts(&h.body, out)
                    }
                    stmts(orelse, out);
                    stmts(finalbody, out)
                }
                StmtKind::Return(None)
                | StmtKind::Raise(None)
                | StmtKind::Break
                | StmtKind::Continue
                | StmtKind::Pass
                | StmtKind::Unsupported(_) => {}
            }
        }
    }
    stmts(&def.body, out);
    for p in &def.params {
        if let Some(d) = &p.default {
            expr(d, out)
        }
    }
}

fn global_to_const(g: &GlobalValue) -> Option<Const> {
    Some(match g {
        GlobalValue::Int(v) => Const::Int(i64::try_from(*v).ok()?),
        GlobalValue::Float(v) => Const::Float(*v),
        GlobalValue::Complex(r, i) => Const::Complex(*r, *i),
        GlobalValue::Bool(b) => Const::Bool(*b),
        GlobalValue::None => Const::None,
        GlobalValue::Str(s) => Const::Str(s.clone()),
        GlobalValue::Tuple(xs) => {
            Const::Tuple(xs.iter().map(global_to_const).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}

/// Per-instance inference state for one pass.
struct Cx<'u> {
    inst: u32,
    env_of: u32,
    locals: FxHashSet<String>,
    vars: FxHashMap<String, Ty>,
    expr_ty: FxHashMap<ExprId, Ty>,
    res: FxHashMap<ExprId, Res<'u>>,
    rets: Vec<Ty>,
    report: bool,
    loop_depth: u32,
    /// List displays not (yet) consumed by `np.array`: errors at the end.
    lists: Vec<(ExprId, Span)>,
}

fn layout_after_index(a: &ArrayTy, idx: &[IndexKind]) -> Layout {
    // C stays C when ints lead, then at most one partial slice (no step),
    // then full slices; F mirrored.
    let ok = |order: &mut dyn Iterator<Item = &IndexKind>| {
        let mut state = 0; // 0: ints, 1: after partial slice
        for k in order {
            match (state, k) {
                (0, IndexKind::Int) => {}
                (0, IndexKind::Slice { step: false, .. }) => state = 1,
                (_, IndexKind::Slice { full: true, .. }) => state = 1,
                _ => return false,
            }
        }
        true
    };
    match a.layout {
        Layout::C if ok(&mut idx.iter()) => Layout::C,
        Layout::F
            if ok(&mut idx.iter().rev()) && idx.iter().all(|k| !matches!(k, IndexKind::Int)) =>
        {
            Layout::F
        }
        _ => Layout::A,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IndexKind {
    Int,
    Slice { step: bool, full: bool },
}

/// Classify the index expression of `a[...]`.
/// How an index with array parts is served: `Rows` gathers whole rows
/// (`a[idx]`, `a[idx, :, ...]` with an integer index array), `Mask` is a
/// boolean mask of the array's shape, `Axis` is one 1-d index array among
/// ints, slices and None (the view's axis it stands on takes its length).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fancy {
    Rows,
    Mask,
    Axis,
}

/// Classify an index by its parts' types (`ty_of`); None for basic indexing
/// or an unsupported combination.
pub fn fancy_kind<'e>(
    a: &ArrayTy,
    index: &'e Expr,
    ty_of: impl Fn(&'e Expr) -> Option<Ty>,
) -> Option<Fancy> {
    let parts = index_kinds(index);
    let arrays: Vec<(usize, ArrayTy)> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match ty_of(p) {
            Some(Ty::Array(ia)) => Some((i, ia)),
            _ => None,
        })
        .collect();
    let [(pos, ia)] = arrays.as_slice() else {
        return None;
    };
    let tuple = matches!(index.kind, ExprKind::Tuple(_));
    let full = |p: &Expr| matches!(&p.kind, ExprKind::Slice(None, None, None));
    if !tuple && ia.dtype == Dtype::Bool && ia.ndim == a.ndim {
        return Some(Fancy::Mask);
    }
    if ia.dtype.is_int()
        && *pos == 0
        && parts[1..].iter().all(|p| full(p))
        && parts.len() <= a.ndim as usize
    {
        return Some(Fancy::Rows);
    }
    if ia.ndim != 1 || !(ia.dtype.is_int() || ia.dtype == Dtype::Bool) {
        return None;
    }
    let consumed = parts
        .iter()
        .filter(|p| ty_of(p) != Some(Ty::NoneType) || matches!(p.kind, ExprKind::Slice(..)))
        .count();
    (consumed <= a.ndim as usize).then_some(Fancy::Axis)
}

/// The result type of `Fancy::Axis` indexing.
fn fancy_axis_ty<'e>(a: &ArrayTy, index: &'e Expr, ty_of: impl Fn(&'e Expr) -> Option<Ty>) -> Ty {
    let parts = index_kinds(index);
    let plain = |p: &'e Expr, t: &dyn Fn(&Ty) -> bool| {
        ty_of(p).is_some_and(|x| t(&x)) && !matches!(p.kind, ExprKind::Slice(..))
    };
    let kept = parts
        .iter()
        .filter(|p| !plain(p, &|t| matches!(t, Ty::Scalar(d) if d.is_int())))
        .count();
    let consumed = parts
        .iter()
        .filter(|p| !plain(p, &|t| *t == Ty::NoneType))
        .count();
    Ty::Array(ArrayTy::new(
        a.dtype,
        (kept + a.ndim as usize - consumed) as u8,
        Layout::C,
    ))
}

pub fn index_kinds(index: &Expr) -> Vec<&Expr> {
    match &index.kind {
        ExprKind::Tuple(xs) => xs.iter().collect(),
        _ => vec![index],
    }
}

impl<'u> Checker<'u> {
    fn instance(&mut self, template: u32, args: Vec<Ty>) -> u32 {
        let key = (template, args.clone());
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let t = &self.templates[template as usize];
        let mut arg_names: Vec<String> = t.def.params.iter().map(|p| p.name.clone()).collect();
        if let Some(v) = &t.def.vararg {
            arg_names.push(v.clone());
        }
        arg_names.extend(t.captures.iter().cloned());
        let id = self.instances.len() as u32;
        self.instances.push(Instance {
            template,
            args,
            ret: Ty::Unknown,
            vars: FxHashMap::default(),
            expr_ty: FxHashMap::default(),
            res: FxHashMap::default(),
            arg_names,
        });
        self.index.insert(key, id);
        id
    }

    fn infer(&mut self, inst: u32, report: bool) {
        let i = &self.instances[inst as usize];
        let t = self.templates[i.template as usize].clone();
        let mut locals = FxHashSet::default();
        assigned_names(&t.def.body, &mut locals);
        let mut vars = FxHashMap::default();
        for (n, ty) in i.arg_names.iter().zip(&i.args) {
            locals.insert(n.clone());
            vars.insert(n.clone(), ty.clone());
        }
        let mut cx = Cx {
            inst,
            env_of: t.env_of,
            locals,
            vars,
            expr_ty: FxHashMap::default(),
            res: FxHashMap::default(),
            rets: Vec::new(),
            report: false,
            loop_depth: 0,
            lists: Vec::new(),
        };
        // Local fixpoint: variables widen until stable.
        for _ in 0..20 {
            let before = cx.vars.clone();
            cx.rets.clear();
            self.block(&mut cx, &t.def.body);
            if cx.vars == before {
                break;
            }
        }
        if report {
            cx.report = true;
            cx.rets.clear();
            cx.expr_ty.clear();
            cx.res.clear();
            cx.lists.clear();
            self.block(&mut cx, &t.def.body);
            for (_, span) in std::mem::take(&mut cx.lists) {
                let d = Diagnostic::unsupported(
                    span,
                    "lists are not supported in compiled code yet",
                )
                .with_note(
                    "use a tuple or a NumPy array (lists are accepted as the argument of np.array)",
                );
                self.err(&cx, d);
            }
        }
        // Return type: unify all known return types; falling off the end is None.
        let mut ret = Ty::Unknown;
        let mut falls_off = !ends_in_return(&t.def.body);
        let mut rets = std::mem::take(&mut cx.rets);
        if rets.is_empty() {
            falls_off = true;
        }
        if falls_off {
            rets.push(Ty::NoneType);
        }
        let mut bad = false;
        for r in &rets {
            if !r.is_known() {
                continue;
            }
            match unify(&ret, r) {
                Some(u) => ret = u,
                None => bad = true,
            }
        }
        if bad && report {
            let shown: Vec<String> = rets.iter().map(|r| r.to_string()).collect();
            self.err(
                &cx,
                Diagnostic::error(
                    "return-type-mismatch",
                    t.def.span,
                    format!("`{}` returns values of incompatible types: {}", t.def.name, shown.join(", ")),
                )
                .with_note("all return statements must give the same type (ints and floats unify to float)"),
            );
        }
        let inst_ref = &mut self.instances[inst as usize];
        inst_ref.ret = ret;
        inst_ref.vars = cx.vars;
        inst_ref.expr_ty = cx.expr_ty;
        inst_ref.res = cx.res;
    }

    fn err(&mut self, cx: &Cx<'u>, d: Diagnostic) {
        if cx.report {
            self.diags.push(Located {
                func: cx.env_of,
                diag: d,
            });
        }
    }

    fn block(&mut self, cx: &mut Cx<'u>, body: &'u [Stmt]) {
        for s in body {
            self.stmt(cx, s);
            if pruned_exit(s, &cx.vars) {
                break; // the rest of the block is dead (`if x is None: return ...`)
            }
        }
    }

    fn assign_var(&mut self, cx: &mut Cx<'u>, name: &str, ty: Ty, span: Span) {
        if !ty.is_known() {
            return;
        }
        let cur = cx.vars.get(name).cloned().unwrap_or(Ty::Unknown);
        match unify(&cur, &ty) {
            Some(u) => {
                cx.vars.insert(name.to_string(), u);
            }
            None => {
                let d = Diagnostic::error(
                    "variable-type-conflict",
                    span,
                    format!("variable `{name}` is assigned a {ty} here but holds a {cur} elsewhere"),
                )
                .with_label(format!("this is {ty}"))
                .with_note("a variable must keep one type in compiled code (ints and floats unify to float)");
                self.err(cx, d);
            }
        }
    }

    fn assign_target(&mut self, cx: &mut Cx<'u>, target: &'u Expr, ty: Ty) {
        match &target.kind {
            ExprKind::Name(n) => {
                self.assign_var(cx, n, ty.clone(), target.span);
                cx.expr_ty
                    .insert(target.id, cx.vars.get(n).cloned().unwrap_or(ty));
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs)
                if xs
                    .iter()
                    .any(|x| matches!(x.kind, ExprKind::Unsupported(_))) =>
            {
                for x in xs {
                    if let ExprKind::Unsupported(what) = &x.kind {
                        let d = Diagnostic::unsupported(
                            x.span,
                            format!("{what} is not supported in compiled code"),
                        );
                        self.err(cx, d);
                    }
                }
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs) => match &ty {
                Ty::Tuple(items) if items.len() == xs.len() => {
                    for (x, t) in xs.iter().zip(items) {
                        self.assign_target(cx, x, t.clone());
                    }
                }
                Ty::Array(a) if a.ndim >= 1 => {
                    let elem = self.iter_elem(a);
                    for x in xs {
                        self.assign_target(cx, x, elem.clone());
                    }
                }
                Ty::Unknown => {}
                _ => {
                    let d = Diagnostic::error(
                        "cannot-unpack",
                        target.span,
                        format!("cannot unpack a {ty} into {} targets", xs.len()),
                    );
                    self.err(cx, d)
                }
            },
            ExprKind::Subscript(base, index) => {
                let bt = self.expr(cx, base);
                let it = self.expr(cx, index);
                if let (Ty::Array(a), true) = (&bt, it.is_known()) {
                    if a.readonly {
                        let d = Diagnostic::error(
                            "readonly-array",
                            target.span,
                            format!("cannot assign into a {bt}"),
                        );
                        self.err(cx, d);
                    }
                    let fk = fancy_kind(a, index, |p| cx.expr_ty.get(&p.id).cloned());
                    let tuple_fancy = matches!(&index.kind, ExprKind::Tuple(ps)
                        if ps.iter().any(|p| matches!(cx.expr_ty.get(&p.id), Some(Ty::Array(_)))));
                    if tuple_fancy && fk.is_none() {
                        let d = Diagnostic::unsupported(
                            index.span,
                            "assigning through an index array combined with other indices is not supported yet",
                        )
                        .with_note("loop over the indices, or use a boolean mask");
                        self.err(cx, d);
                        return;
                    }
                    if let Ty::Array(ia) = &it {
                        if ia.dtype.is_int() && a.ndim > 1 && ia.ndim > 1 {
                            let d = Diagnostic::unsupported(
                                index.span,
                                "assigning through a multi-dimensional integer index array into a multi-dimensional array is not supported yet",
                            )
                            .with_note("loop over the indices, or use a boolean mask");
                            self.err(cx, d);
                            return;
                        }
                    }
                    let Some(result) = self.index_result(cx, a, index) else {
                        return;
                    };
                    let ok = match (&result, &ty) {
                        (Ty::Scalar(_), Ty::Scalar(_)) => true,
                        (Ty::Array(_), Ty::Scalar(_)) => true,
                        (Ty::Array(x), Ty::Array(y)) => y.ndim <= x.ndim,
                        _ => !ty.is_known(),
                    };
                    if !ok {
                        let d = Diagnostic::error(
                            "bad-setitem",
                            target.span,
                            format!("cannot assign a {ty} into an element of type {result}"),
                        );
                        self.err(cx, d);
                    }
                    cx.expr_ty.insert(target.id, result);
                } else if bt.is_known() && !matches!(bt, Ty::Array(_)) {
                    let d = Diagnostic::error(
                        "bad-setitem",
                        target.span,
                        format!("item assignment is not supported on {bt}"),
                    );
                    self.err(cx, d);
                }
            }
            _ => {
                let d =
                    Diagnostic::unsupported(target.span, "this assignment target is not supported");
                self.err(cx, d)
            }
        }
    }

    fn iter_elem(&self, a: &ArrayTy) -> Ty {
        if a.ndim == 1 {
            Ty::Scalar(a.dtype)
        } else {
            Ty::Array(ArrayTy {
                ndim: a.ndim - 1,
                layout: if a.layout == Layout::C {
                    Layout::C
                } else {
                    Layout::A
                },
                ..*a
            })
        }
    }

    fn stmt(&mut self, cx: &mut Cx<'u>, s: &'u Stmt) {
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                let ty = self.expr(cx, value);
                for t in targets {
                    self.assign_target(cx, t, ty.clone());
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                let lt = self.expr(cx, target);
                let rt = self.expr(cx, value);
                if *op == BinOp::MatMul && matches!(lt, Ty::Array(_)) {
                    let d = Diagnostic::unsupported(
                        s.span,
                        "in-place `@=` on arrays is not supported",
                    )
                    .with_note(
                        "write `a = a @ b`, or `a[...] = a @ b` to write into the same array",
                    );
                    self.err(cx, d);
                    return;
                }
                if let ExprKind::Subscript(base, index) = &target.kind {
                    let bt = cx.expr_ty.get(&base.id).cloned();
                    let it = cx.expr_ty.get(&index.id).cloned();
                    if let (Some(Ty::Array(a)), Some(Ty::Array(ia))) = (bt, it) {
                        if ia.dtype.is_int() && a.ndim > 1 && ia.ndim > 1 {
                            let d = Diagnostic::unsupported(
                                index.span,
                                "updating through a multi-dimensional integer index array into a multi-dimensional array is not supported yet",
                            );
                            self.err(cx, d);
                        }
                    }
                }
                let result = self.binop_ty(cx, *op, &lt, &rt, s.span);
                match (&target.kind, &lt) {
                    (ExprKind::Name(_), Ty::Array(la)) => {
                        // In place: the array keeps its type. NumPy refuses to
                        // cast the result to a lower kind (float into int).
                        if let Ty::Array(ra) = &result {
                            if kind_rank(ra.dtype) > kind_rank(la.dtype) {
                                let d = Diagnostic::error(
                                    "unsafe-inplace-cast",
                                    s.span,
                                    format!(
                                        "Cannot cast ufunc '{}' output from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                                        op.symbol(),
                                        ra.dtype,
                                        la.dtype
                                    ),
                                );
                                self.err(cx, d);
                            }
                        }
                        cx.expr_ty.insert(target.id, lt.clone());
                    }
                    (ExprKind::Name(_), _) => self.assign_target(cx, target, result),
                    (ExprKind::Subscript(..), Ty::Scalar(_)) => {}
                    (ExprKind::Subscript(..), Ty::Unknown) => {}
                    (ExprKind::Subscript(..), Ty::Array(_)) => {}
                    _ => {
                        let d = Diagnostic::unsupported(
                            target.span,
                            "this augmented assignment target is not supported",
                        );
                        self.err(cx, d)
                    }
                }
            }
            StmtKind::Expr(e) => {
                self.expr(cx, e);
            }
            StmtKind::Return(v) => {
                let t = match v {
                    Some(e) => self.expr(cx, e),
                    None => Ty::NoneType,
                };
                cx.rets.push(t);
            }
            StmtKind::If { test, body, orelse } => {
                let t = self.expr(cx, test);
                self.truth(cx, test, &t);
                // `if x is None:` with x's type known: only the live branch is
                // compiled (Numba's dead-branch pruning for optional arguments).
                match static_truth(test, &cx.vars) {
                    Some(true) => self.block(cx, body),
                    Some(false) => self.block(cx, orelse),
                    None => {
                        self.block(cx, body);
                        self.block(cx, orelse);
                    }
                }
            }
            StmtKind::While { test, body, orelse } => {
                let t = self.expr(cx, test);
                self.truth(cx, test, &t);
                cx.loop_depth += 1;
                self.block(cx, body);
                cx.loop_depth -= 1;
                self.block(cx, orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let elem = self.for_iter(cx, iter);
                self.assign_target(cx, target, elem);
                cx.loop_depth += 1;
                self.block(cx, body);
                cx.loop_depth -= 1;
                self.block(cx, orelse);
            }
            StmtKind::Break | StmtKind::Continue => {
                if cx.loop_depth == 0 {
                    let d = Diagnostic::error(
                        "break-outside-loop",
                        s.span,
                        "`break`/`continue` outside a loop",
                    );
                    self.err(cx, d)
                }
            }
            StmtKind::Pass => {}
            StmtKind::Raise(e) => {
                if let Some(e) = e {
                    self.raise_value(cx, e);
                }
            }
            StmtKind::Assert { test, msg } => {
                let t = self.expr(cx, test);
                self.truth(cx, test, &t);
                if let Some(m) = msg {
                    self.expr(cx, m);
                }
            }
            StmtKind::FuncDef(d) => {
                let tid = self.inner_template(cx, d);
                cx.vars.insert(d.name.clone(), Ty::Function(tid));
            }
            StmtKind::Try { .. } => {
                let d = Diagnostic::unsupported(
                    s.span,
                    "`try`/`except` is not supported in compiled code yet",
                )
                .with_note("move the try/except to the Python caller");
                self.err(cx, d)
            }
            StmtKind::Unsupported(what) => {
                let d = Diagnostic::unsupported(
                    s.span,
                    format!("{what} is not supported in compiled code"),
                );
                self.err(cx, d)
            }
        }
    }

    fn inner_template(&mut self, cx: &Cx<'u>, d: &'u FuncDef) -> u32 {
        let key = (d as *const FuncDef as usize, cx.inst);
        if let Some(&t) = self.inner.get(&key) {
            return t;
        }
        let mut reads = FxHashSet::default();
        read_names(d, &mut reads);
        let mut own = FxHashSet::default();
        assigned_names(&d.body, &mut own);
        for p in &d.params {
            own.insert(p.name.clone());
        }
        let mut captures: Vec<String> = reads
            .into_iter()
            .filter(|n| cx.locals.contains(n) && !own.contains(n))
            .collect();
        captures.sort();
        let parent = &self.templates[self.instances[cx.inst as usize].template as usize];
        let qualname = format!("{}.<locals>.{}", parent.qualname, d.name);
        let id = self.templates.len() as u32;
        self.templates.push(Template {
            def: d,
            env_of: cx.env_of,
            captures,
            qualname,
        });
        self.inner.insert(key, id);
        id
    }

    fn raise_value(&mut self, cx: &mut Cx<'u>, e: &'u Expr) {
        match &e.kind {
            ExprKind::Call { func, args, .. } => {
                let ft = self.expr(cx, func);
                if let Ty::ExcClass(k) = ft {
                    for a in args {
                        let t = self.expr(cx, a);
                        if t.is_known() && !matches!(t, Ty::Scalar(_) | Ty::Str) {
                            let d = Diagnostic::error(
                                "bad-exception-argument",
                                a.span,
                                format!("exception arguments must be strings or numbers, not {t}"),
                            );
                            self.err(cx, d);
                        }
                    }
                    cx.expr_ty.insert(e.id, Ty::ExcClass(k));
                    cx.res.insert(
                        e.id,
                        Res::Call(Call {
                            callee: Callee::Exception(k),
                            args: args.iter().map(Arg::Expr).collect(),
                            kwargs: vec![],
                        }),
                    );
                    return;
                }
                self.bad_raise(cx, e);
            }
            _ => {
                let t = self.expr(cx, e);
                if !matches!(t, Ty::ExcClass(_)) {
                    self.bad_raise(cx, e);
                }
            }
        }
    }

    fn bad_raise(&mut self, cx: &Cx<'u>, e: &Expr) {
        let d = Diagnostic::unsupported(
            e.span,
            "only builtin exception classes can be raised in compiled code",
        )
        .with_note("write `raise ValueError(\"message\", value)`");
        self.err(cx, d)
    }

    fn truth(&mut self, cx: &Cx<'u>, e: &Expr, t: &Ty) {
        match t {
            Ty::Scalar(_) | Ty::NoneType | Ty::Tuple(_) | Ty::Unknown => {}
            Ty::Array(_) => {
                let d = Diagnostic::error(
                    "ambiguous-truth",
                    e.span,
                    "the truth value of an array is ambiguous",
                )
                .with_note("use a.any() or a.all(), or compare a scalar");
                self.err(cx, d)
            }
            other => {
                let d = Diagnostic::error(
                    "no-truth-value",
                    e.span,
                    format!("a {other} cannot be used as a condition"),
                );
                self.err(cx, d)
            }
        }
    }

    /// The element type of a `for` loop's iterable.
    fn for_iter(&mut self, cx: &mut Cx<'u>, iter: &'u Expr) -> Ty {
        if let ExprKind::Call {
            func,
            args,
            kwargs,
            star: None,
        } = &iter.kind
        {
            let ft = self.expr(cx, func);
            if let Ty::Global(p) = &ft {
                match registry::lookup(p) {
                    Some(Builtin::Enumerate) => {
                        let mut elem = Ty::Unknown;
                        if let Some(a) = args.first() {
                            // enumerate(zip(...)): the zip's tuples are the items.
                            elem = match self.zip_call(cx, a) {
                                Some(t) => t,
                                None => self.iterable_elem(cx, a),
                            };
                        }
                        for a in args.iter().skip(1) {
                            let t = self.expr(cx, a);
                            self.expect_int(cx, a, &t, "enumerate start");
                        }
                        for k in kwargs {
                            let t = self.expr(cx, &k.value);
                            self.expect_int(cx, &k.value, &t, "enumerate start");
                        }
                        if args.is_empty() || args.len() > 2 {
                            let d = Diagnostic::error(
                                "wrong-arity",
                                iter.span,
                                "enumerate() takes 1 or 2 arguments",
                            );
                            self.err(cx, d);
                        }
                        cx.res.insert(
                            iter.id,
                            Res::Call(Call {
                                callee: Callee::Builtin(Builtin::Enumerate),
                                args: args.iter().map(Arg::Expr).collect(),
                                kwargs: kwargs.iter().map(|k| (k.name.clone(), &k.value)).collect(),
                            }),
                        );
                        let t = Ty::Tuple(vec![Ty::I64, elem]);
                        cx.expr_ty.insert(iter.id, t.clone());
                        return t;
                    }
                    Some(b @ (Builtin::NdIndex | Builtin::NdEnumerate)) => {
                        let tys: Vec<Ty> = args.iter().map(|a| self.expr(cx, a)).collect();
                        let int = |t: &Ty| t.scalar().is_some_and(|d| d.is_int());
                        let t = match (b, tys.as_slice()) {
                            (Builtin::NdEnumerate, [Ty::Array(a)]) => Ty::Tuple(vec![
                                Ty::Tuple(vec![Ty::I64; a.ndim as usize]),
                                Ty::Scalar(a.dtype),
                            ]),
                            (Builtin::NdIndex, [Ty::Tuple(items)]) if items.iter().all(int) => {
                                Ty::Tuple(vec![Ty::I64; items.len()])
                            }
                            (Builtin::NdIndex, ts) if ts.iter().all(int) => {
                                Ty::Tuple(vec![Ty::I64; ts.len()])
                            }
                            _ => {
                                let name = if b == Builtin::NdIndex {
                                    "numpy.ndindex"
                                } else {
                                    "numpy.ndenumerate"
                                };
                                let known = if b == Builtin::NdIndex {
                                    "(*shape) or (shape tuple) of ints"
                                } else {
                                    "(array)"
                                };
                                return self.no_match(cx, iter, name, &tys, known);
                            }
                        };
                        if !kwargs.is_empty() {
                            let d = Diagnostic::error(
                                "unsupported-keyword",
                                iter.span,
                                "no keyword arguments here",
                            );
                            self.err(cx, d);
                        }
                        cx.res.insert(
                            iter.id,
                            Res::Call(Call {
                                callee: Callee::Builtin(b),
                                args: args.iter().map(Arg::Expr).collect(),
                                kwargs: vec![],
                            }),
                        );
                        cx.expr_ty.insert(iter.id, t.clone());
                        return t;
                    }
                    Some(Builtin::Zip) => {
                        if let Some(t) = self.zip_call(cx, iter) {
                            return t;
                        }
                    }
                    _ => {}
                }
            }
        }
        // `for x in a.flat`: the elements in C order.
        if let ExprKind::Attr(obj, attr) = &iter.kind {
            if attr == "flat" {
                if let Ty::Array(a) = self.expr(cx, obj) {
                    cx.expr_ty.insert(iter.id, Ty::Array(a));
                    return Ty::Scalar(a.dtype);
                }
            }
        }
        self.iterable_elem(cx, iter)
    }

    /// If `e` is a call to `zip`, type it as a loop source: the item tuple.
    fn zip_call(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Option<Ty> {
        let ExprKind::Call {
            func,
            args,
            kwargs,
            star: None,
        } = &e.kind
        else {
            return None;
        };
        if !kwargs.is_empty() {
            return None;
        }
        let Ty::Global(p) = self.expr(cx, func) else {
            return None;
        };
        if registry::lookup(&p) != Some(Builtin::Zip) {
            return None;
        }
        let elems: Vec<Ty> = args.iter().map(|a| self.iterable_elem(cx, a)).collect();
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::Builtin(Builtin::Zip),
                args: args.iter().map(Arg::Expr).collect(),
                kwargs: vec![],
            }),
        );
        let t = Ty::Tuple(elems);
        cx.expr_ty.insert(e.id, t.clone());
        Some(t)
    }

    fn iterable_elem(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Ty {
        let t = self.expr(cx, e);
        match &t {
            Ty::Range => Ty::I64,
            Ty::Array(a) if a.ndim >= 1 => self.iter_elem(a),
            Ty::Tuple(items) => {
                let mut u = Ty::Unknown;
                for it in items {
                    match unify(&u, it) {
                        Some(x)
                            if items.iter().all(|i| {
                                i == it || matches!((i, it), (Ty::Scalar(_), Ty::Scalar(_)))
                            }) =>
                        {
                            u = x
                        }
                        _ => {
                            let d = Diagnostic::error(
                                "heterogeneous-tuple-iteration",
                                e.span,
                                format!("cannot iterate over a heterogeneous {t}"),
                            );
                            self.err(cx, d);
                            return Ty::Unknown;
                        }
                    }
                }
                if items.is_empty() {
                    Ty::I64
                } else {
                    u
                }
            }
            Ty::Unknown => Ty::Unknown,
            other => {
                let d = Diagnostic::error(
                    "not-iterable",
                    e.span,
                    format!("cannot iterate over a {other}"),
                )
                .with_note("for loops support range, prange, arrays, tuples, enumerate and zip");
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    fn expect_int(&mut self, cx: &Cx<'u>, e: &Expr, t: &Ty, what: &str) {
        match t {
            Ty::Scalar(d) if d.is_int() || *d == Dtype::Bool => {}
            Ty::Unknown => {}
            other => {
                let d = Diagnostic::error(
                    "expected-integer",
                    e.span,
                    format!("{what} must be an integer, not {other}"),
                );
                self.err(cx, d)
            }
        }
    }

    fn expr(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Ty {
        let t = self.expr_inner(cx, e);
        cx.expr_ty.insert(e.id, t.clone());
        t
    }

    fn konst(&mut self, cx: &mut Cx<'u>, e: &Expr, c: Const) -> Ty {
        let t = c.ty();
        cx.res.insert(e.id, Res::Const(c));
        t
    }

    fn resolve_global(&mut self, cx: &mut Cx<'u>, e: &'u Expr, name: &str) -> Ty {
        let env = &self.unit.functions[cx.env_of as usize].env;
        match env.get(name) {
            Some(g) => {
                if let Some(c) = global_to_const(g) {
                    return self.konst(cx, e, c);
                }
                match g {
                    GlobalValue::Module(m) => Ty::Global(m.clone()),
                    GlobalValue::Builtin(p) => {
                        if let Some(c) = registry::constant(p) {
                            return self.konst(cx, e, Const::Float(c));
                        }
                        if let Some(k) = ExcKind::from_name(p) {
                            return Ty::ExcClass(k);
                        }
                        Ty::Global(p.clone())
                    }
                    GlobalValue::Function(i) => Ty::Function(*i),
                    GlobalValue::Dtype(d) => match Dtype::from_name(d) {
                        Some(d) => Ty::DtypeObj(d),
                        None => self.unknown_global(cx, e, name, &format!("dtype {d}")),
                    },
                    GlobalValue::ExcClass(k) => match ExcKind::from_name(k) {
                        Some(k) => Ty::ExcClass(k),
                        None => self.unknown_global(cx, e, name, k),
                    },
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
                let d = Diagnostic::error(
                    "unknown-name",
                    e.span,
                    format!("name `{name}` is not defined"),
                )
                .with_label("not a local variable, a global or a builtin");
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    fn unknown_global(&mut self, cx: &Cx<'u>, e: &Expr, name: &str, what: &str) -> Ty {
        let d = Diagnostic::error(
            "unsupported-global",
            e.span,
            format!("global `{name}` is a {what}, which compiled code cannot use"),
        )
        .with_label("referenced here")
        .with_note("compiled code can use numbers, tuples, math/numpy functions and other jitted functions");
        self.err(cx, d);
        Ty::Unknown
    }

    fn expr_inner(&mut self, cx: &mut Cx<'u>, e: &'u Expr) -> Ty {
        match &e.kind {
            ExprKind::Int(v) => match i64::try_from(*v) {
                Ok(v) => self.konst(cx, e, Const::Int(v)),
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
            ExprKind::Float(v) => self.konst(cx, e, Const::Float(*v)),
            ExprKind::Imag(v) => self.konst(cx, e, Const::Complex(0.0, *v)),
            ExprKind::Bool(b) => self.konst(cx, e, Const::Bool(*b)),
            ExprKind::NoneLit => self.konst(cx, e, Const::None),
            ExprKind::Str(s) => self.konst(cx, e, Const::Str(s.clone())),
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
                self.binop_ty(cx, *op, &lt, &rt, e.span)
            }
            ExprKind::Unary(op, x) => {
                let t = self.expr(cx, x);
                if *op == UnOp::Neg {
                    // `-1` is a constant (tuple indices, defaults).
                    match cx.res.get(&x.id) {
                        Some(Res::Const(Const::Int(v))) if *v != i64::MIN => {
                            let v = -*v;
                            return self.konst(cx, e, Const::Int(v));
                        }
                        Some(Res::Const(Const::Float(v))) => {
                            let v = -*v;
                            return self.konst(cx, e, Const::Float(v));
                        }
                        _ => {}
                    }
                }
                match (op, &t) {
                    (UnOp::Not, _) => {
                        self.truth(cx, x, &t);
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
                    (UnOp::Invert, Ty::Scalar(d)) if d.is_int() => {
                        Ty::Scalar(promote_arith(*d, *d))
                    }
                    (UnOp::Invert, Ty::Scalar(Dtype::Bool)) => Ty::BOOL,
                    (_, Ty::Array(a)) => Ty::Array(ArrayTy {
                        layout: Layout::C,
                        readonly: false,
                        ..*a
                    }),
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
            ExprKind::BoolOp(_, xs) => {
                let mut u = Ty::Unknown;
                for x in xs {
                    let t = self.expr(cx, x);
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
                let mut lt = self.expr(cx, first);
                let mut out = Ty::BOOL;
                for (op, r) in rest {
                    let rt = self.expr(cx, r);
                    let t = self.compare_ty(cx, *op, &lt, &rt, e.span);
                    if matches!(t, Ty::Array(_)) {
                        out = t;
                    }
                    lt = rt;
                }
                out
            }
            ExprKind::IfExp(test, a, b) => {
                let t = self.expr(cx, test);
                self.truth(cx, test, &t);
                let at = self.expr(cx, a);
                let bt = self.expr(cx, b);
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
            } => self.call(cx, e, func, args, star.as_deref(), kwargs),
            ExprKind::Subscript(base, index) => {
                let bt = self.expr(cx, base);
                let it = self.expr(cx, index);
                match &bt {
                    Ty::Array(a) => {
                        if !it.is_known() {
                            return Ty::Unknown;
                        }
                        self.index_result(cx, a, index).unwrap_or(Ty::Unknown)
                    }
                    Ty::Tuple(items) => {
                        if let Some(Res::Const(Const::Int(i))) = cx.res.get(&index.id) {
                            let n = items.len() as i64;
                            let j = if *i < 0 { i + n } else { *i };
                            if j < 0 || j >= n {
                                let d = Diagnostic::error(
                                    "index-out-of-range",
                                    index.span,
                                    format!(
                                        "tuple index {i} out of range for a tuple of length {n}"
                                    ),
                                );
                                self.err(cx, d);
                                return Ty::Unknown;
                            }
                            return items[j as usize].clone();
                        }
                        if let ExprKind::Slice(lo, hi, st) = &index.kind {
                            // Constant bounds only: the result type depends on them.
                            match tuple_slice(
                                items.len(),
                                [lo, hi, st].map(|b| b.as_deref().map(|x| cx.res.get(&x.id))),
                            ) {
                                Some(sel) => {
                                    return Ty::Tuple(
                                        sel.iter().map(|&i| items[i].clone()).collect(),
                                    )
                                }
                                None => {
                                    let d = Diagnostic::unsupported(
                                        index.span,
                                        "tuples can only be sliced with constant bounds",
                                    );
                                    self.err(cx, d);
                                    return Ty::Unknown;
                                }
                            }
                        }
                        // Dynamic index: homogeneous tuples only.
                        if !items.is_empty() && items.iter().all(|t| t == &items[0]) {
                            self.expect_int(cx, index, &it, "tuple index");
                            return items[0].clone();
                        }
                        if it.is_known() {
                            let d = Diagnostic::error(
                                "dynamic-tuple-index",
                                index.span,
                                format!("a heterogeneous {bt} can only be indexed by a constant"),
                            );
                            self.err(cx, d);
                        }
                        Ty::Unknown
                    }
                    Ty::Unknown => Ty::Unknown,
                    other => {
                        let d = Diagnostic::error(
                            "not-subscriptable",
                            e.span,
                            format!("a {other} cannot be indexed"),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
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
                let items: Vec<Ty> = xs.iter().map(|x| self.expr(cx, x)).collect();
                Ty::Tuple(items)
            }
            ExprKind::List(xs) => {
                // Typed like a tuple; only `np.array([...])` may consume it.
                let items: Vec<Ty> = xs.iter().map(|x| self.expr(cx, x)).collect();
                cx.lists.push((e.id, e.span));
                Ty::Tuple(items)
            }
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

    fn index_result(&mut self, cx: &mut Cx<'u>, a: &ArrayTy, index: &'u Expr) -> Option<Ty> {
        let ty_of = |p: &'u Expr| cx.expr_ty.get(&p.id).cloned();
        if fancy_kind(a, index, ty_of) == Some(Fancy::Axis) {
            return Some(fancy_axis_ty(a, index, ty_of));
        }
        // A single index array: boolean mask or integer (fancy) indexing.
        if let Some(Ty::Array(ia)) = cx.expr_ty.get(&index.id).cloned() {
            if ia.dtype == Dtype::Bool && ia.ndim == a.ndim {
                return Some(Ty::Array(ArrayTy::new(a.dtype, 1, Layout::C)));
            }
            if ia.dtype.is_int() {
                // Selects along the first axis: shape idx.shape + a.shape[1:].
                return Some(Ty::Array(ArrayTy::new(
                    a.dtype,
                    ia.ndim + a.ndim - 1,
                    Layout::C,
                )));
            }
            let d = Diagnostic::unsupported(
                index.span,
                format!("indexing a {}-d array with a {} is not supported yet", a.ndim, Ty::Array(ia)),
            )
            .with_note("supported: a boolean mask of the array's shape, or an integer index array on a 1-d array");
            self.err(cx, d);
            return None;
        }
        // `a[idx, :, ...]`: an index array followed by full slices is `a[idx]`.
        if let ExprKind::Tuple(parts) = &index.kind {
            if let Some(Ty::Array(ia)) = parts.first().and_then(|p| cx.expr_ty.get(&p.id).cloned())
            {
                let full = |p: &Expr| matches!(&p.kind, ExprKind::Slice(None, None, None));
                if ia.dtype.is_int()
                    && parts.len() <= a.ndim as usize
                    && parts[1..].iter().all(full)
                {
                    return Some(Ty::Array(ArrayTy::new(
                        a.dtype,
                        ia.ndim + a.ndim - 1,
                        Layout::C,
                    )));
                }
            }
        }
        // A tuple variable as the index: its items are the indices.
        if let (Some(Ty::Tuple(items)), false) = (
            cx.expr_ty.get(&index.id).cloned(),
            matches!(index.kind, ExprKind::Tuple(_)),
        ) {
            if items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) {
                if items.len() > a.ndim as usize {
                    let d = Diagnostic::error("too-many-indices", index.span, format!("too many indices for array: array is {}-dimensional, but {} were indexed", a.ndim, items.len()));
                    self.err(cx, d);
                    return None;
                }
                let nd = a.ndim as usize - items.len();
                if nd == 0 {
                    return Some(Ty::Scalar(a.dtype));
                }
                let layout = if a.layout == Layout::C {
                    Layout::C
                } else {
                    Layout::A
                };
                return Some(Ty::Array(ArrayTy {
                    ndim: nd as u8,
                    layout,
                    ..*a
                }));
            }
        }
        let parts = index_kinds(index);
        let mut kinds = Vec::new();
        let mut newaxes = 0usize;
        for p in &parts {
            if cx.expr_ty.get(&p.id) == Some(&Ty::NoneType)
                && !matches!(p.kind, ExprKind::Slice(..))
            {
                newaxes += 1; // `None` / `np.newaxis`
                continue;
            }
            match &p.kind {
                ExprKind::Slice(lo, hi, st) => {
                    let full = lo.is_none() && hi.is_none() && st.is_none();
                    kinds.push(IndexKind::Slice {
                        step: st.is_some(),
                        full,
                    });
                }
                _ => {
                    let t = cx.expr_ty.get(&p.id).cloned().unwrap_or(Ty::Unknown);
                    match t {
                        Ty::Scalar(d) if d.is_int() => kinds.push(IndexKind::Int),
                        Ty::Unknown => return None,
                        Ty::Array(_) | Ty::Scalar(Dtype::Bool) => {
                            let d = Diagnostic::unsupported(p.span, format!("indexing with a {t} (fancy or boolean indexing) is not supported yet"));
                            self.err(cx, d);
                            return None;
                        }
                        other => {
                            let d = Diagnostic::error(
                                "bad-index",
                                p.span,
                                format!("arrays cannot be indexed by a {other}"),
                            );
                            self.err(cx, d);
                            return None;
                        }
                    }
                }
            }
        }
        if kinds.len() > a.ndim as usize {
            let d = Diagnostic::error(
                "too-many-indices",
                index.span,
                format!(
                    "too many indices for array: array is {}-dimensional, but {} were indexed",
                    a.ndim,
                    kinds.len()
                ),
            );
            self.err(cx, d);
            return None;
        }
        let ints = kinds.iter().filter(|k| matches!(k, IndexKind::Int)).count();
        let ndim = a.ndim as usize - ints + newaxes;
        if ndim == 0 {
            return Some(Ty::Scalar(a.dtype));
        }
        if newaxes > 0 {
            return Some(Ty::Array(ArrayTy {
                dtype: a.dtype,
                ndim: ndim as u8,
                layout: Layout::A,
                readonly: a.readonly,
            }));
        }
        let mut full = kinds.clone();
        while full.len() < a.ndim as usize {
            full.push(IndexKind::Slice {
                step: false,
                full: true,
            });
        }
        let layout = layout_after_index(a, &full);
        Some(Ty::Array(ArrayTy {
            dtype: a.dtype,
            ndim: ndim as u8,
            layout,
            readonly: a.readonly,
        }))
    }

    fn attr(&mut self, cx: &mut Cx<'u>, e: &'u Expr, obj: &'u Expr, attr: &str) -> Ty {
        let ot = self.expr(cx, obj);
        match &ot {
            Ty::Global(m) if registry::is_module(m) => {
                let path = format!("{m}.{attr}");
                if path == "numpy.newaxis" {
                    return self.konst(cx, e, Const::None);
                }
                if (m == "oxjit" || m == "numba") && Dtype::from_name(attr).is_some() {
                    return Ty::DtypeObj(Dtype::from_name(attr).unwrap_or(Dtype::F64));
                }
                if let Some(c) = registry::constant(&path) {
                    return self.konst(cx, e, Const::Float(c));
                }
                if registry::is_module(&path) || registry::lookup(&path).is_some() {
                    return Ty::Global(path);
                }
                if m == "numpy" {
                    if let Some(d) = Dtype::from_name(attr) {
                        return Ty::DtypeObj(d);
                    }
                }
                let d = Diagnostic::error(
                    "unsupported-attribute",
                    e.span,
                    format!("`{path}` is not supported in compiled code"),
                )
                .with_label("unknown or unsupported module attribute");
                self.err(cx, d);
                Ty::Unknown
            }
            Ty::Array(a) => match attr {
                "shape" | "strides" => Ty::Tuple(vec![Ty::I64; a.ndim as usize]),
                "size" | "ndim" | "itemsize" | "nbytes" => Ty::I64,
                "dtype" => Ty::DtypeObj(a.dtype),
                "T" => Ty::Array(ArrayTy {
                    layout: match a.layout {
                        Layout::C if a.ndim > 1 => Layout::F,
                        Layout::F if a.ndim > 1 => Layout::C,
                        l => l,
                    },
                    ..*a
                }),
                "real" | "imag" if !a.dtype.is_complex() && attr == "real" => ot.clone(),
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
            Ty::Scalar(d) => match attr {
                "real" | "imag" => Ty::Scalar(d.real_part()),
                _ => {
                    let d = Diagnostic::error(
                        "unknown-attribute",
                        e.span,
                        format!("{ot} has no attribute `{attr}`"),
                    );
                    self.err(cx, d);
                    Ty::Unknown
                }
            },
            Ty::DtypeObj(_) if attr == "type" => ot.clone(),
            Ty::Unknown => Ty::Unknown,
            _ => {
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

    fn binop_ty(&mut self, cx: &Cx<'u>, op: BinOp, l: &Ty, r: &Ty, span: Span) -> Ty {
        match (l, r) {
            (Ty::Unknown, _) | (_, Ty::Unknown) => Ty::Unknown,
            (Ty::Scalar(a), Ty::Scalar(b)) => {
                let (a, b) = (*a, *b);
                match op {
                    BinOp::Div => Ty::Scalar(promote_truediv(a, b)),
                    BinOp::Pow => {
                        // int ** int stays int (a negative exponent raises at run time).
                        Ty::Scalar(promote_arith(a, b))
                    }
                    BinOp::LShift | BinOp::RShift => {
                        if (a.is_int() || a == Dtype::Bool) && (b.is_int() || b == Dtype::Bool) {
                            return Ty::Scalar(promote_arith(a, b));
                        }
                        self.bad_binop(cx, op, l, r, span)
                    }
                    BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
                        if a == Dtype::Bool && b == Dtype::Bool {
                            Ty::BOOL
                        } else if (a.is_int() || a == Dtype::Bool)
                            && (b.is_int() || b == Dtype::Bool)
                        {
                            Ty::Scalar(promote_arith(a, b))
                        } else {
                            self.bad_binop(cx, op, l, r, span)
                        }
                    }
                    BinOp::FloorDiv | BinOp::Mod => {
                        if a.is_complex() || b.is_complex() {
                            self.bad_binop(cx, op, l, r, span)
                        } else {
                            Ty::Scalar(promote_arith(a, b))
                        }
                    }
                    BinOp::MatMul => self.bad_binop(cx, op, l, r, span),
                    BinOp::Add | BinOp::Sub | BinOp::Mul => Ty::Scalar(promote_arith(a, b)),
                }
            }
            (Ty::Tuple(a), Ty::Tuple(b)) if op == BinOp::Add => {
                Ty::Tuple(a.iter().chain(b.iter()).cloned().collect())
            }
            (Ty::Array(_), Ty::Array(_) | Ty::Scalar(_)) | (Ty::Scalar(_), Ty::Array(_)) => {
                if op == BinOp::MatMul {
                    return self.matmul_ty(cx, l, r, span);
                }
                // Element type: the scalar rule on the element types, keeping
                // the array's dtype when a scalar operand is of a lower or
                // equal kind (NumPy's scalar rule).
                let (da, db) = (elem_dtype(l), elem_dtype(r));
                let Some(et) = self.binop_ty_quiet(op, da, db) else {
                    return self.bad_binop(cx, op, l, r, span);
                };
                let d = array_result_dtype(op, l, r, et);
                Ty::Array(ArrayTy::new(d, array_ndim(l).max(array_ndim(r)), Layout::C))
            }
            _ => self.bad_binop(cx, op, l, r, span),
        }
    }

    /// The scalar result dtype of `op`, or None when the operator does not apply.
    fn binop_ty_quiet(&mut self, op: BinOp, a: Dtype, b: Dtype) -> Option<Dtype> {
        let saved = std::mem::take(&mut self.diags);
        let cx = Cx {
            inst: 0,
            env_of: 0,
            locals: FxHashSet::default(),
            vars: FxHashMap::default(),
            expr_ty: FxHashMap::default(),
            res: FxHashMap::default(),
            rets: Vec::new(),
            report: false,
            loop_depth: 0,
            lists: Vec::new(),
        };
        let t = self.binop_ty(&cx, op, &Ty::Scalar(a), &Ty::Scalar(b), Span::default());
        self.diags = saved;
        t.scalar()
    }

    /// `a @ b` / `np.dot(a, b)`: vectors and matrices of any numeric dtype.
    fn matmul_ty(&mut self, cx: &Cx<'u>, l: &Ty, r: &Ty, span: Span) -> Ty {
        let (Ty::Array(a), Ty::Array(b)) = (l, r) else {
            return self.bad_binop(cx, BinOp::MatMul, l, r, span);
        };
        let d = oxjit_types::promote_numpy(a.dtype, b.dtype);
        if a.ndim == 0 || b.ndim == 0 || a.ndim > 2 || b.ndim > 2 {
            let d = Diagnostic::unsupported(
                span,
                format!("matrix products of {l} and {r} are not supported yet"),
            )
            .with_note("supported: vectors and matrices (1-d and 2-d) of any numeric dtype");
            self.err(cx, d);
            return Ty::Unknown;
        }
        match (a.ndim, b.ndim) {
            (1, 1) => Ty::Scalar(d),
            (2, 2) => registry::array_of(d, 2),
            _ => registry::array_of(d, 1),
        }
    }

    fn bad_binop(&mut self, cx: &Cx<'u>, op: BinOp, l: &Ty, r: &Ty, span: Span) -> Ty {
        let d = Diagnostic::error(
            "no-matching-operator",
            span,
            format!("unsupported operand types for {}: {l} and {r}", op.symbol()),
        );
        self.err(cx, d);
        Ty::Unknown
    }

    fn compare_ty(&mut self, cx: &Cx<'u>, op: CmpOp, l: &Ty, r: &Ty, span: Span) -> Ty {
        match (op, l, r) {
            (_, Ty::Unknown, _) | (_, _, Ty::Unknown) => Ty::BOOL,
            (CmpOp::Is | CmpOp::IsNot, _, _) => Ty::BOOL,
            (CmpOp::Eq | CmpOp::Ne, Ty::Scalar(_), Ty::Scalar(_)) => Ty::BOOL,
            (CmpOp::Eq | CmpOp::Ne, Ty::NoneType, _) | (CmpOp::Eq | CmpOp::Ne, _, Ty::NoneType) => {
                Ty::BOOL
            }
            (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge, Ty::Scalar(a), Ty::Scalar(b))
                if !a.is_complex() && !b.is_complex() =>
            {
                Ty::BOOL
            }
            (CmpOp::Eq | CmpOp::Ne, Ty::Tuple(a), Ty::Tuple(b)) if a.len() == b.len() => Ty::BOOL,
            (CmpOp::In | CmpOp::NotIn, Ty::Scalar(_), Ty::Tuple(items))
                if items.iter().all(|t| matches!(t, Ty::Scalar(_))) =>
            {
                Ty::BOOL
            }
            (
                CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge,
                Ty::Array(_),
                Ty::Array(_) | Ty::Scalar(_),
            )
            | (
                CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge,
                Ty::Scalar(_),
                Ty::Array(_),
            ) => Ty::Array(ArrayTy::new(
                Dtype::Bool,
                array_ndim(l).max(array_ndim(r)),
                Layout::C,
            )),
            _ => {
                let d = Diagnostic::error(
                    "no-matching-operator",
                    span,
                    format!(
                        "unsupported comparison `{}` between {l} and {r}",
                        op.symbol()
                    ),
                );
                self.err(cx, d);
                Ty::BOOL
            }
        }
    }

    /// A ufunc called with an output array (`np.add(a, b, out)`,
    /// `np.sqrt(x, out=o)`): the result is written into `out` and the call
    /// returns it. None when the call has no output argument.
    fn ufunc_out(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        nin: usize,
        tys: &[Ty],
        kw: &[(String, &'u Expr)],
    ) -> Option<Ty> {
        let args = call_args(e);
        let out_kw = kw.iter().find(|(k, _)| k == "out").map(|(_, v)| *v);
        let (out_e, out_t) = match (tys.len() > nin, out_kw) {
            (true, _) => (&args[nin], tys[nin].clone()),
            (false, Some(v)) => (v, cx.expr_ty.get(&v.id).cloned().unwrap_or(Ty::Unknown)),
            (false, None) => return None,
        };
        let name = display_name(b);
        if tys.len() > nin + 1 || (tys.len() > nin && out_kw.is_some()) {
            self.arity(cx, e, &format!("numpy.{name}"), tys.len(), nin, nin + 1);
            return Some(Ty::Unknown);
        }
        let rest: Vec<(String, &'u Expr)> =
            kw.iter().filter(|(k, _)| k != "out").cloned().collect();
        let inner = self.builtin_ty(cx, e, b, &tys[..nin.min(tys.len())], &rest, false);
        let Ty::Array(o) = out_t.clone() else {
            if out_t.is_known() {
                let d = Diagnostic::error(
                    "bad-argument",
                    out_e.span,
                    format!("numpy.{name}: out must be an array, not {out_t}"),
                );
                self.err(cx, d);
            }
            return Some(Ty::Unknown);
        };
        let d = match &inner {
            Ty::Scalar(d) => *d,
            Ty::Array(a) => a.dtype,
            _ => return Some(Ty::Unknown),
        };
        let rank = array_ndim(&inner);
        // NumPy's same_kind casting of the result into out.
        let kind_rank = |d: Dtype| match d.kind() {
            Kind::Bool => 0,
            Kind::Unsigned | Kind::Signed => 1,
            Kind::Float => 2,
            Kind::Complex => 3,
        };
        let problem = if o.readonly {
            Some("out is read-only".to_string())
        } else if o.ndim < rank {
            Some(format!(
                "out has {} dimensions, the result has {rank}",
                o.ndim
            ))
        } else if kind_rank(d) > kind_rank(o.dtype) {
            Some(format!(
                "Cannot cast ufunc '{name}' output from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                d.name(),
                o.dtype.name()
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            let dd = Diagnostic::error("bad-argument", out_e.span, format!("numpy.{name}: {p}"));
            self.err(cx, dd);
            return Some(Ty::Unknown);
        }
        let mut all: Vec<Arg<'u>> = args.iter().map(Arg::Expr).collect();
        if all.len() == nin {
            all.push(Arg::Expr(out_e));
        }
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::UfuncOut { b, dtype: d },
                args: all,
                kwargs: rest,
            }),
        );
        Some(out_t)
    }

    /// Normalise a call to a jitted function into positional arguments.
    #[allow(clippy::too_many_arguments)]
    fn bind_args(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        def: &'u FuncDef,
        env_of: u32,
        args: &'u [Expr],
        star: Option<&'u Expr>,
        kwargs: &'u [oxjit_syntax::Keyword],
    ) -> Option<Vec<Arg<'u>>> {
        let mut positional: Vec<Arg<'u>> = args.iter().map(Arg::Expr).collect();
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
                    "{}() takes {} positional arguments but {} were given",
                    def.name,
                    np,
                    np + extra.len()
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
                        None => {
                            let d = Diagnostic::unsupported(dflt.span, "this default value cannot be used in compiled code")
                                .with_note("defaults must be numbers, booleans, None, strings or tuples of those");
                            self.err(cx, d);
                            return None;
                        }
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

    fn const_eval(&self, e: &Expr, env_of: u32) -> Option<Const> {
        Some(match &e.kind {
            ExprKind::Int(v) => Const::Int(i64::try_from(*v).ok()?),
            ExprKind::Float(v) => Const::Float(*v),
            ExprKind::Imag(v) => Const::Complex(0.0, *v),
            ExprKind::Bool(b) => Const::Bool(*b),
            ExprKind::NoneLit => Const::None,
            ExprKind::Str(s) => Const::Str(s.clone()),
            ExprKind::Tuple(xs) => Const::Tuple(
                xs.iter()
                    .map(|x| self.const_eval(x, env_of))
                    .collect::<Option<_>>()?,
            ),
            ExprKind::Unary(UnOp::Neg, x) => match self.const_eval(x, env_of)? {
                Const::Int(v) => Const::Int(v.checked_neg()?),
                Const::Float(v) => Const::Float(-v),
                _ => return None,
            },
            ExprKind::Name(n) => global_to_const(self.unit.functions[env_of as usize].env.get(n)?)?,
            _ => return None,
        })
    }

    fn arg_ty(&self, cx: &Cx<'u>, a: &Arg<'u>) -> Ty {
        match a {
            Arg::Expr(e) => cx.expr_ty.get(&e.id).cloned().unwrap_or(Ty::Unknown),
            Arg::Const(c) => c.ty(),
            Arg::StarItem(e, i) => match cx.expr_ty.get(&e.id) {
                Some(Ty::Tuple(items)) => items.get(*i).cloned().unwrap_or(Ty::Unknown),
                _ => Ty::Unknown,
            },
            Arg::Pack(xs) => Ty::Tuple(xs.iter().map(|x| self.arg_ty(cx, x)).collect()),
        }
    }

    fn call(
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
            if let Ty::Array(_) | Ty::Scalar(_) | Ty::Generator = &ot {
                let arg_tys: Vec<Ty> = args.iter().map(|a| self.expr(cx, a)).collect();
                for k in kwargs {
                    self.expr(cx, &k.value);
                }
                let found = if ot == Ty::Generator {
                    registry::gen_method(name)
                } else {
                    registry::method(name)
                };
                let Some(b) = found else {
                    let d = Diagnostic::error(
                        "unknown-attribute",
                        func.span,
                        format!("{ot} has no method `{name}` in compiled code"),
                    );
                    self.err(cx, d);
                    return Ty::Unknown;
                };
                let mut all = vec![ot.clone()];
                all.extend(arg_tys);
                let kw: Vec<(String, &'u Expr)> =
                    kwargs.iter().map(|k| (k.name.clone(), &k.value)).collect();
                let t = self.builtin_ty(cx, e, b, &all, &kw, true);
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
            if !matches!(ot, Ty::Global(_) | Ty::Unknown) {
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
        let arg_tys: Vec<Ty> = args.iter().map(|a| self.expr(cx, a)).collect();
        if let Some(s) = star {
            self.expr(cx, s);
        }
        for k in kwargs {
            self.expr(cx, &k.value);
        }
        match &ft {
            Ty::Unknown => Ty::Unknown,
            Ty::Function(tid) => {
                let t = self.templates[*tid as usize].clone();
                let Some(bound) = self.bind_args(cx, e, t.def, t.env_of, args, star, kwargs) else {
                    return Ty::Unknown;
                };
                let mut tys: Vec<Ty> = bound.iter().map(|a| self.arg_ty(cx, a)).collect();
                for c in &t.captures {
                    tys.push(cx.vars.get(c).cloned().unwrap_or(Ty::Unknown));
                }
                if !tys.iter().all(Ty::is_known) {
                    return Ty::Unknown;
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
                self.instances[id as usize].ret.clone()
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
                        format!("`*` arguments to `{path}` are not supported"),
                    );
                    self.err(cx, d);
                    return Ty::Unknown;
                }
                let kw: Vec<(String, &'u Expr)> =
                    kwargs.iter().map(|k| (k.name.clone(), &k.value)).collect();
                if matches!(b, Builtin::Arr(ArrFn::Array | ArrFn::AsArray)) {
                    // np.array consumes list displays (nested too).
                    fn nested(e: &Expr, out: &mut Vec<ExprId>) {
                        if let ExprKind::List(xs) | ExprKind::Tuple(xs) = &e.kind {
                            out.push(e.id);
                            xs.iter().for_each(|x| nested(x, out));
                        }
                    }
                    let mut ids = Vec::new();
                    if let Some(a) = args.first() {
                        nested(a, &mut ids);
                    }
                    cx.lists.retain(|(id, _)| !ids.contains(id));
                }
                // NumPy's ufuncs take an output array (math.log(x, base) does not).
                if let (Some(nin), true) = (registry::ufunc_nin(b), path.starts_with("numpy.")) {
                    if let Some(t) = self.ufunc_out(cx, e, b, nin, &arg_tys, &kw) {
                        return t;
                    }
                }
                let t = self.builtin_ty(cx, e, b, &arg_tys, &kw, false);
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
                let t = self.builtin_ty(cx, e, b, &arg_tys, &[], false);
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
            Ty::ExcClass(_) => {
                let d = Diagnostic::unsupported(
                    e.span,
                    "exception objects can only be created in a `raise` statement",
                );
                self.err(cx, d);
                Ty::Unknown
            }
            other => {
                let d = Diagnostic::error(
                    "not-callable",
                    func.span,
                    format!("a {other} is not callable"),
                );
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    fn arity(&mut self, cx: &Cx<'u>, e: &Expr, name: &str, n: usize, lo: usize, hi: usize) -> bool {
        if n < lo || n > hi {
            let want = if lo == hi {
                format!("{lo}")
            } else if hi == usize::MAX {
                format!("at least {lo}")
            } else {
                format!("{lo} to {hi}")
            };
            let d = Diagnostic::error(
                "wrong-arity",
                e.span,
                format!("{name}() takes {want} arguments ({n} given)"),
            );
            self.err(cx, d);
            false
        } else {
            true
        }
    }

    fn no_match(&mut self, cx: &Cx<'u>, e: &Expr, name: &str, tys: &[Ty], known: &str) -> Ty {
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

    /// Read a `dtype=` argument (positional or keyword) as a constant dtype.
    fn dtype_arg(&mut self, cx: &Cx<'u>, t: Option<&Ty>, e: &Expr) -> Option<Dtype> {
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
    fn axis_error(&mut self, cx: &mut Cx<'u>, e: &'u Expr, k: i64, nd: usize) {
        self.axis_error_prefixed(cx, e, k, nd, None);
    }

    fn axis_error_prefixed(
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
    fn order_kw(&mut self, cx: &Cx<'u>, e: &'u Expr) -> Option<bool> {
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
    fn arg_const(&self, cx: &Cx<'u>, e: &'u Expr, pos: usize, name: &str) -> Option<Option<Const>> {
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

    fn arr_fn_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: ArrFn,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        method: bool,
    ) -> Ty {
        let n = tys.len();
        let name = format!("numpy.{}", format!("{f:?}").to_lowercase());
        let arr = |t: &Ty| t.array().copied();
        let kw = |name: &str| kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
        let flat_dtype = |d: Dtype| match d.kind() {
            Kind::Bool | Kind::Signed => Dtype::I64,
            Kind::Unsigned => Dtype::U64,
            _ => d,
        };
        let dtype_kw = |this: &mut Self, cx: &Cx<'u>, dflt: Dtype| -> Option<Dtype> {
            match kw("dtype") {
                Some(ex) => {
                    let t = cx.expr_ty.get(&ex.id).cloned();
                    this.dtype_arg(cx, t.as_ref(), ex)
                }
                None => Some(dflt),
            }
        };
        match f {
            ArrFn::Cumsum | ArrFn::Cumprod => match tys.first().and_then(arr) {
                Some(a) if n <= 2 => match self.arg_const(cx, e, usize::from(!method), "axis") {
                    None | Some(Some(Const::None)) => registry::array_of(flat_dtype(a.dtype), 1),
                    Some(Some(Const::Int(k))) => {
                        if k >= a.ndim as i64 || k < -(a.ndim as i64) {
                            self.axis_error(cx, e, k, a.ndim as usize);
                        }
                        registry::array_of(flat_dtype(a.dtype), a.ndim)
                    }
                    _ => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("{name}: axis must be an integer constant in range for a {}-d array, or None", a.ndim),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                },
                _ => self.no_match(cx, e, &name, tys, "(array, axis=None)"),
            },
            ArrFn::Diff => match tys.first().and_then(arr) {
                Some(a) if n <= 3 && a.ndim >= 1 => {
                    // n and axis are constants: they fix the lowering.
                    let ok_n = matches!(
                        self.arg_const(cx, e, 1, "n"),
                        None | Some(Some(Const::Int(0..)))
                    );
                    let ok_axis = match self.arg_const(cx, e, 2, "axis") {
                        None => true,
                        Some(Some(Const::Int(k))) => {
                            if k >= a.ndim as i64 || k < -(a.ndim as i64) {
                                self.axis_error(cx, e, k, a.ndim as usize);
                            }
                            true
                        }
                        _ => false,
                    };
                    if !(ok_n && ok_axis) {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("{name}: n must be a non-negative integer constant and axis an integer constant in range"),
                        );
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                    registry::array_of(a.dtype, a.ndim)
                }
                _ => self.no_match(cx, e, &name, tys, "(array, n=1, axis=-1)"),
            },
            ArrFn::Bincount => match tys.first().and_then(arr) {
                Some(a)
                    if a.ndim == 1 && (a.dtype.is_int() || a.dtype == Dtype::Bool) && n == 1 =>
                {
                    registry::array_of(Dtype::I64, 1)
                }
                _ => self.no_match(cx, e, &name, tys, "(1-d int array, minlength=)"),
            },
            ArrFn::Median | ArrFn::Percentile | ArrFn::Quantile => {
                let nq = usize::from(f != ArrFn::Median);
                let base = match (tys.first().and_then(arr), tys.get(1)) {
                    (Some(a), _) if f == ArrFn::Median && n <= 2 && !a.dtype.is_complex() => {
                        Some((a, Ty::F64))
                    }
                    // (NumPy refuses boolean data for percentiles)
                    (Some(a), Some(Ty::Scalar(q)))
                        if n <= 3
                            && !a.dtype.is_complex()
                            && a.dtype != Dtype::Bool
                            && !q.is_complex() =>
                    {
                        Some((a, Ty::F64))
                    }
                    (Some(a), Some(Ty::Array(q)))
                        if n <= 3
                            && !a.dtype.is_complex()
                            && a.dtype != Dtype::Bool
                            && !q.dtype.is_complex() =>
                    {
                        Some((a, registry::array_of(Dtype::F64, q.ndim)))
                    }
                    _ => None,
                };
                let Some((a, t)) = base else {
                    let known = if f == ArrFn::Median {
                        "(array, axis=None)"
                    } else {
                        "(array, q, axis=None)"
                    };
                    return self.no_match(cx, e, &name, tys, known);
                };
                // axis=: one statistic per lane (scalar q only).
                match self.arg_const(cx, e, 1 + nq, "axis") {
                    None | Some(Some(Const::None)) => t,
                    Some(Some(Const::Int(k))) if t == Ty::F64 => {
                        if k >= a.ndim as i64 || k < -(a.ndim as i64) {
                            self.axis_error(cx, e, k, a.ndim as usize);
                        }
                        if a.ndim == 1 {
                            Ty::F64
                        } else {
                            registry::array_of(Dtype::F64, a.ndim - 1)
                        }
                    }
                    _ => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("{name}: axis must be an integer constant in range (with a scalar q), or None"),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            ArrFn::Reshape => {
                let Some(a) = tys.first().and_then(arr) else {
                    return self.no_match(cx, e, &name, tys, "(array, shape)");
                };
                let dims: Vec<&Ty> = tys[1..].iter().collect();
                let ndim = match dims.as_slice() {
                    [Ty::Tuple(items)]
                        if items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
                    {
                        items.len()
                    }
                    ds if !ds.is_empty()
                        && ds.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
                    {
                        ds.len()
                    }
                    _ => {
                        return self.no_match(
                            cx,
                            e,
                            &name,
                            tys,
                            "(array, shape) or a.reshape(d0, d1, ...)",
                        )
                    }
                };
                let _ = method;
                let Some(fortran) = self.order_kw(cx, e) else {
                    return Ty::Unknown;
                };
                Ty::Array(ArrayTy {
                    ndim: ndim as u8,
                    layout: if fortran && ndim > 1 {
                        Layout::F
                    } else {
                        Layout::C
                    },
                    ..a
                })
            }
            ArrFn::Ravel | ArrFn::Flatten => match tys.first().and_then(arr) {
                Some(_) if self.order_kw(cx, e).is_none() => Ty::Unknown,
                Some(a) if n == 1 => Ty::Array(ArrayTy {
                    ndim: 1,
                    layout: Layout::C,
                    ..a
                }),
                _ => self.no_match(cx, e, &name, tys, "(array)"),
            },
            ArrFn::AsContiguous => match tys.first().and_then(arr) {
                Some(a) if n == 1 => Ty::Array(ArrayTy {
                    layout: Layout::C,
                    ..a
                }),
                _ => self.no_match(cx, e, &name, tys, "(array)"),
            },
            ArrFn::Astype => {
                let Some(a) = tys.first().and_then(arr) else {
                    return self.no_match(cx, e, &name, tys, "(dtype)");
                };
                let ex = call_args(e).first().or_else(|| kw("dtype"));
                let t = tys
                    .get(1)
                    .cloned()
                    .or_else(|| ex.and_then(|x| cx.expr_ty.get(&x.id).cloned()));
                match ex.and_then(|x| self.dtype_arg(cx, t.as_ref(), x)) {
                    Some(d) => registry::array_of(d, a.ndim),
                    None => self.no_match(cx, e, &name, tys, "(dtype known at compile time)"),
                }
            }
            ArrFn::Eye | ArrFn::Identity => {
                let max = if f == ArrFn::Eye { 3 } else { 1 };
                if n == 0 || n > max || tys.iter().any(|t| t.scalar().is_none_or(|d| !d.is_int())) {
                    return self.no_match(cx, e, &name, tys, "(n[, m[, k]], dtype=)");
                }
                match dtype_kw(self, cx, Dtype::F64) {
                    Some(d) => registry::array_of(d, 2),
                    None => Ty::Unknown,
                }
            }
            ArrFn::Concatenate | ArrFn::Vstack | ArrFn::Hstack => {
                let items = match tys.first() {
                    Some(Ty::Tuple(items)) if n == 1 && !items.is_empty() => items.clone(),
                    _ => return self.no_match(cx, e, &name, tys, "((a, b, ...))"),
                };
                let mut d: Option<Dtype> = None;
                let mut nd = None;
                for it in &items {
                    let Some(a) = arr(it) else {
                        return self.no_match(cx, e, &name, tys, "a tuple of arrays");
                    };
                    d = Some(d.map_or(a.dtype, |x| oxjit_types::promote_numpy(x, a.dtype)));
                    if *nd.get_or_insert(a.ndim) != a.ndim {
                        let dd = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            "all the input arrays must have the same number of dimensions",
                        );
                        self.err(cx, dd);
                        return Ty::Unknown;
                    }
                }
                let nd = nd.unwrap_or(1);
                let out_nd = if f == ArrFn::Vstack && nd == 1 { 2 } else { nd };
                if f == ArrFn::Concatenate {
                    if let Some(ax) = kw("axis") {
                        match cx.res.get(&ax.id).cloned() {
                            Some(Res::Const(Const::Int(k)))
                                if k < nd as i64 && k >= -(nd as i64) => {}
                            Some(Res::Const(Const::Int(k))) => {
                                self.axis_error(cx, e, k, nd as usize)
                            }
                            _ => {
                                let dd = Diagnostic::error(
                                    "bad-argument",
                                    ax.span,
                                    "axis= of concatenate must be an integer constant",
                                );
                                self.err(cx, dd);
                                return Ty::Unknown;
                            }
                        }
                    }
                }
                registry::array_of(d.unwrap_or(Dtype::F64), out_nd)
            }
            ArrFn::Array => {
                if n != 1 {
                    return self.no_match(cx, e, &name, tys, "(sequence)");
                }
                // Scalars, (nested) tuples/lists of numbers, or an array.
                fn shape_of(t: &Ty, out: &mut Vec<usize>, d: &mut Option<Dtype>) -> bool {
                    match t {
                        Ty::Scalar(x) => {
                            *d = Some(d.map_or(*x, |y| {
                                if y == *x {
                                    y
                                } else {
                                    oxjit_types::promote_numpy(y, *x)
                                }
                            }));
                            true
                        }
                        Ty::Tuple(items) if !items.is_empty() => {
                            out.push(items.len());
                            let mut first: Option<Vec<usize>> = None;
                            for it in items {
                                let mut sub = Vec::new();
                                if !shape_of(it, &mut sub, d) {
                                    return false;
                                }
                                if first.get_or_insert_with(|| sub.clone()) != &sub {
                                    return false;
                                }
                            }
                            out.extend(first.unwrap_or_default());
                            true
                        }
                        _ => false,
                    }
                }
                if let Some(a) = arr(&tys[0]) {
                    return match dtype_kw(self, cx, a.dtype) {
                        Some(d) => registry::array_of(d, a.ndim),
                        None => Ty::Unknown,
                    };
                }
                let mut shape = Vec::new();
                let mut d = None;
                if !shape_of(&tys[0], &mut shape, &mut d) {
                    return self.no_match(
                        cx,
                        e,
                        &name,
                        tys,
                        "(number, or a rectangular tuple/list of numbers)",
                    );
                }
                let elem = match d.unwrap_or(Dtype::F64) {
                    x if x.is_int() && x.is_signed() => Dtype::I64,
                    x => x,
                };
                match dtype_kw(self, cx, elem) {
                    Some(dt) => {
                        if shape.is_empty() {
                            let dd =
                                Diagnostic::unsupported(e.span, "0-d arrays are not supported yet");
                            self.err(cx, dd);
                            return Ty::Unknown;
                        }
                        registry::array_of(dt, shape.len() as u8)
                    }
                    None => Ty::Unknown,
                }
            }
            ArrFn::Searchsorted => match (tys.first().and_then(arr), tys.get(1)) {
                (Some(a), Some(Ty::Scalar(_))) if a.ndim == 1 => Ty::I64,
                (Some(a), Some(Ty::Array(v))) if a.ndim == 1 => {
                    registry::array_of(Dtype::I64, v.ndim)
                }
                _ => self.no_match(
                    cx,
                    e,
                    &name,
                    tys,
                    "(sorted 1-d array, value or array, side=)",
                ),
            },
            ArrFn::Interp => match (
                tys.first(),
                tys.get(1).and_then(arr),
                tys.get(2).and_then(arr),
            ) {
                (Some(Ty::Scalar(d)), Some(_), Some(_)) if n == 3 && !d.is_complex() => Ty::F64,
                (Some(Ty::Array(x)), Some(_), Some(_)) if n == 3 => {
                    registry::array_of(Dtype::F64, x.ndim)
                }
                _ => self.no_match(cx, e, &name, tys, "(x, xp, fp)"),
            },
            ArrFn::Convolve => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(a), Some(b)) if n == 2 && a.ndim == 1 && b.ndim == 1 => {
                    registry::array_of(oxjit_types::promote_numpy(a.dtype, b.dtype), 1)
                }
                _ => self.no_match(cx, e, &name, tys, "(1-d array, 1-d array)"),
            },
            ArrFn::Nonzero => match tys.first().and_then(arr) {
                Some(a) if n == 1 => {
                    Ty::Tuple(vec![registry::array_of(Dtype::I64, 1); a.ndim as usize])
                }
                _ => self.no_match(cx, e, &name, tys, "(array)"),
            },
            ArrFn::Argsort => match tys.first().and_then(arr) {
                Some(a) if n == 1 && a.ndim == 1 && !a.dtype.is_complex() => {
                    registry::array_of(Dtype::I64, 1)
                }
                _ => self.no_match(cx, e, &name, tys, "(1-d real array)"),
            },
            ArrFn::Unique => match tys.first().and_then(arr) {
                Some(a) if n == 1 && !a.dtype.is_complex() => registry::array_of(a.dtype, 1),
                _ => self.no_match(cx, e, &name, tys, "(real array)"),
            },
            ArrFn::Flip => match tys.first().and_then(arr) {
                Some(a) if n == 1 => Ty::Array(ArrayTy {
                    layout: Layout::A,
                    ..a
                }),
                _ => self.no_match(cx, e, &name, tys, "(array)"),
            },
            ArrFn::Meshgrid => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(x), Some(y)) if n == 2 && x.ndim == 1 && y.ndim == 1 => {
                    let d = oxjit_types::promote_numpy(x.dtype, y.dtype);
                    Ty::Tuple(vec![registry::array_of(d, 2), registry::array_of(d, 2)])
                }
                _ => self.no_match(cx, e, &name, tys, "(x, y) of 1-d arrays"),
            },
            ArrFn::Logspace => {
                if !(2..=3).contains(&n)
                    || tys
                        .iter()
                        .any(|t| t.scalar().is_none_or(|d| d.is_complex()))
                {
                    return self.no_match(cx, e, &name, tys, "(start, stop[, num])");
                }
                registry::array_of(Dtype::F64, 1)
            }
            ArrFn::Average => match tys.first().and_then(arr) {
                Some(a) if n == 1 => Ty::Scalar(if a.dtype.is_complex() {
                    Dtype::C128
                } else {
                    Dtype::F64
                }),
                _ => self.no_match(
                    cx,
                    e,
                    &name,
                    tys,
                    "(array, weights=None); axis= is not supported yet",
                ),
            },
            ArrFn::Flatnonzero => match tys.first().and_then(arr) {
                Some(_) if n == 1 => registry::array_of(Dtype::I64, 1),
                _ => self.no_match(cx, e, &name, tys, "(array)"),
            },
            ArrFn::AsArray => match tys.first() {
                Some(Ty::Array(a)) if n == 1 && kw("dtype").is_none() => Ty::Array(*a),
                _ => self.arr_fn_ty(cx, e, ArrFn::Array, tys, kwargs, method),
            },
            ArrFn::Norm => {
                let Some(a) = tys
                    .first()
                    .and_then(arr)
                    .filter(|a| (1..=2).contains(&a.ndim))
                else {
                    return self.no_match(
                        cx,
                        e,
                        &name,
                        tys,
                        "(vector or matrix, ord=None, axis=None)",
                    );
                };
                if n > 3 {
                    return self.no_match(cx, e, &name, tys, "(x, ord=None, axis=None)");
                }
                let od = if a.dtype == Dtype::F32 || a.dtype == Dtype::C64 {
                    Dtype::F32
                } else {
                    Dtype::F64
                };
                let axis = match self.arg_const(cx, e, 2, "axis") {
                    None | Some(Some(Const::None)) => None,
                    Some(Some(Const::Int(k))) if k < a.ndim as i64 && k >= -(a.ndim as i64) => {
                        Some(k)
                    }
                    Some(Some(Const::Int(k))) => {
                        self.axis_error(cx, e, k, a.ndim as usize);
                        Some(0)
                    }
                    Some(c) => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            match c {
                                Some(Const::Int(k)) => format!(
                                    "axis {k} is out of bounds for array of dimension {}",
                                    a.ndim
                                ),
                                _ => {
                                    "`numpy.linalg.norm`: axis= must be an integer constant or None"
                                        .into()
                                }
                            },
                        );
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                };
                let vector = a.ndim == 1 || axis.is_some();
                let ord = self.arg_const(cx, e, 1, "ord");
                let ok = match &ord {
                    None | Some(Some(Const::None)) => true,
                    Some(Some(Const::Str(s))) => !vector && (s == "fro" || s == "nuc"),
                    Some(Some(Const::Int(k))) => vector || [1, -1, 2, -2].contains(k),
                    Some(Some(Const::Float(f))) => {
                        vector || f.is_infinite() || [1.0, -1.0, 2.0, -2.0].contains(f)
                    }
                    _ => false,
                };
                if !ok {
                    let d = Diagnostic::error(
                        "bad-argument",
                        e.span,
                        if vector {
                            "Invalid norm order for vectors (use a number, np.inf or -np.inf)"
                        } else {
                            "Invalid norm order for matrices (use None, 'fro', 'nuc', 1, -1, 2, -2, np.inf or -np.inf)"
                        },
                    )
                    .with_note("ord= must be a constant");
                    self.err(cx, d);
                    return Ty::Unknown;
                }
                if axis.is_some() && a.ndim == 2 {
                    registry::array_of(od, 1)
                } else {
                    Ty::Scalar(od)
                }
            }
            ArrFn::Trace => match tys.first().and_then(arr) {
                Some(a) if n == 1 && a.ndim == 2 => Ty::Scalar(match a.dtype.kind() {
                    Kind::Bool | Kind::Signed => Dtype::I64,
                    Kind::Unsigned => Dtype::U64,
                    _ => a.dtype,
                }),
                _ => self.no_match(cx, e, &name, tys, "(2-d array)"),
            },
            ArrFn::Outer => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(x), Some(y)) if n == 2 => {
                    registry::array_of(oxjit_types::promote_numpy(x.dtype, y.dtype), 2)
                }
                _ => self.no_match(cx, e, &name, tys, "(array, array)"),
            },
            ArrFn::Vdot => match (tys.first().and_then(arr), tys.get(1).and_then(arr)) {
                (Some(x), Some(y)) if n == 2 => {
                    Ty::Scalar(match oxjit_types::promote_numpy(x.dtype, y.dtype) {
                        Dtype::Bool => Dtype::Bool,
                        d if d.kind() == Kind::Signed => Dtype::I64,
                        d => d,
                    })
                }
                _ => self.no_match(cx, e, &name, tys, "(array, array)"),
            },
            ArrFn::Allclose => {
                if n != 2
                    || tys.iter().any(|t| {
                        elem_dtype(t).is_complex() || !matches!(t, Ty::Array(_) | Ty::Scalar(_))
                    })
                {
                    return self.no_match(cx, e, &name, tys, "(a, b) of real arrays or numbers");
                }
                Ty::BOOL
            }
            ArrFn::Sort => match tys.first().and_then(arr) {
                Some(a) if n == 1 && a.ndim >= 1 && !a.dtype.is_complex() => {
                    if method {
                        Ty::NoneType
                    } else {
                        registry::array_of(a.dtype, a.ndim)
                    }
                }
                _ => self.no_match(cx, e, &name, tys, "(real array)"),
            },
        }
    }

    fn builtin_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        method: bool,
    ) -> Ty {
        if tys.iter().any(|t| !t.is_known()) {
            return Ty::Unknown;
        }
        let kw_ty = |cx: &Cx<'u>, name: &str| -> Option<(Ty, &'u Expr)> {
            kwargs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| (cx.expr_ty.get(&v.id).cloned().unwrap_or(Ty::Unknown), *v))
        };
        let allowed_kw: &[&str] = match b {
            Builtin::Alloc(_) => &["dtype", "order"],
            Builtin::AllocLike(_) | Builtin::Arange => &["dtype"],
            Builtin::Random(Rand::Choice) => &["a", "size", "replace", "p"],
            Builtin::Random(Rand::Shuffle | Rand::Permutation) => &["x"],
            Builtin::Random(_) => &[
                "size", "low", "high", "loc", "scale", "lam", "n", "p", "a", "b", "shape", "seed",
            ],
            Builtin::Linspace => &["num", "endpoint"],
            Builtin::Enumerate => &["start"],
            Builtin::Print => &["sep", "end", "flush"],
            Builtin::MathX(_) => &["rel_tol", "abs_tol"],
            Builtin::IsClose => &["rtol", "atol"],
            Builtin::Reduce(Reduce::Var | Reduce::Std | Reduce::NanVar | Reduce::NanStd) => {
                &["axis", "ddof", "keepdims"]
            }
            Builtin::Reduce(Reduce::Sum | Reduce::Prod | Reduce::Mean) => {
                &["axis", "keepdims", "dtype"]
            }
            Builtin::Reduce(_) => &["axis", "keepdims"],
            Builtin::LinAlg(f) => linalg::params(f).0,
            Builtin::Manip(f) => manip::keywords(f),
            Builtin::Gen(g) => generator::keywords(g),
            Builtin::Arr(f) => registry::arr_keywords(f),
            _ => &[],
        };
        for (k, v) in kwargs {
            if !allowed_kw.contains(&k.as_str()) {
                let d = Diagnostic::error(
                    "unsupported-keyword",
                    v.span,
                    format!("keyword argument `{k}` is not supported here"),
                );
                self.err(cx, d);
                return Ty::Unknown;
            }
        }
        let n = tys.len();
        let name = display_name(b);
        // Element-wise application to arrays: type the scalar rule on the
        // element types, give an array of the broadcast rank.
        // np.where(cond) is np.nonzero(cond).
        if b == Builtin::Where && n == 1 {
            return self.arr_fn_ty(cx, e, ArrFn::Nonzero, tys, kwargs, method);
        }
        // Operators called as ufuncs: exactly the operator's typing (NumPy's
        // array rules included).
        if let Builtin::Ufunc2(_) | Builtin::UfuncCmp(_) = b {
            if !self.arity(cx, e, &format!("numpy.{name}"), n, 2, 2) {
                return Ty::Unknown;
            }
            return match b {
                Builtin::UfuncCmp(op) => self.compare_ty(cx, op, &tys[0], &tys[1], e.span),
                Builtin::Ufunc2(op) => self.binop_ty(cx, op, &tys[0], &tys[1], e.span),
                _ => Ty::Unknown,
            };
        }
        let is_minmax_reduce =
            matches!(b, Builtin::MinMax { .. }) && (n == 1 || !method && !is_numpy_path(e));
        if registry::elementwise(b)
            && !method
            && !is_minmax_reduce
            && tys.iter().any(|t| matches!(t, Ty::Array(_)))
        {
            let ndim = tys.iter().map(array_ndim).max().unwrap_or(0);
            if b == Builtin::Where {
                if n != 3 {
                    self.arity(cx, e, "numpy.where", n, 3, 3);
                    return Ty::Unknown;
                }
                let Some(et) =
                    self.binop_ty_quiet(BinOp::Add, elem_dtype(&tys[1]), elem_dtype(&tys[2]))
                else {
                    return self.no_match(cx, e, "numpy.where", tys, "(cond, a, b)");
                };
                let d = match (&tys[1], &tys[2]) {
                    (Ty::Array(a), Ty::Array(c)) => oxjit_types::promote_numpy(a.dtype, c.dtype),
                    _ => array_result_dtype(BinOp::Add, &tys[1], &tys[2], et),
                };
                return Ty::Array(ArrayTy::new(d, ndim, Layout::C));
            }
            let elems: Vec<Ty> = tys.iter().map(|t| Ty::Scalar(elem_dtype(t))).collect();
            let et = self.builtin_ty(cx, e, b, &elems, kwargs, method);
            let Some(mut d) = et.scalar() else {
                return Ty::Unknown;
            };
            // NumPy keeps an integer array's dtype for these unary functions.
            if let (
                Builtin::Abs | Builtin::Negative | Builtin::Square | Builtin::Sign,
                [Ty::Array(a)],
            ) = (b, tys)
            {
                if a.dtype.is_int() {
                    d = a.dtype;
                }
            }
            if tys.len() == 2 {
                if let (Ty::Array(_), _) | (_, Ty::Array(_)) = (&tys[0], &tys[1]) {
                    if matches!(
                        b,
                        Builtin::MinMax { .. } | Builtin::NpExtremum { .. } | Builtin::Pow
                    ) {
                        d = array_result_dtype(BinOp::Add, &tys[0], &tys[1], d);
                    }
                }
            }
            return Ty::Array(ArrayTy::new(d, ndim, Layout::C));
        }
        let scalar = |t: &Ty| t.scalar();
        match b {
            Builtin::Range => {
                if !self.arity(cx, e, "range", n, 1, 3) {
                    return Ty::Unknown;
                }
                for (t, a) in tys.iter().zip(call_args(e)) {
                    self.expect_int(cx, a, t, "range argument");
                }
                Ty::Range
            }
            Builtin::Len => {
                if !self.arity(cx, e, "len", n, 1, 1) {
                    return Ty::Unknown;
                }
                match &tys[0] {
                    Ty::Array(_) | Ty::Tuple(_) | Ty::Range => Ty::I64,
                    _ => self.no_match(cx, e, "len", tys, "(array), (tuple), (range)"),
                }
            }
            Builtin::Abs => {
                if !self.arity(cx, e, "abs", n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    Some(Dtype::C64) => Ty::Scalar(Dtype::F32),
                    Some(Dtype::C128) => Ty::F64,
                    Some(Dtype::Bool) => Ty::I64,
                    Some(d) if d.is_int() => Ty::Scalar(promote_arith(d, d)),
                    Some(d) => Ty::Scalar(d),
                    None => self.no_match(cx, e, "abs", tys, "(int), (float), (complex)"),
                }
            }
            Builtin::MinMax { max } => {
                let nm = if max { "max" } else { "min" };
                let items: Vec<Ty> = if n == 1 {
                    match &tys[0] {
                        Ty::Tuple(items) if !items.is_empty() => items.clone(),
                        Ty::Array(a) => return Ty::Scalar(a.dtype),
                        _ => return self.no_match(cx, e, nm, tys, "(a, b, ...), (tuple), (array)"),
                    }
                } else {
                    tys.to_vec()
                };
                if items.is_empty() {
                    return self.no_match(cx, e, nm, tys, "(a, b, ...)");
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
                        _ => return self.no_match(cx, e, nm, tys, "(a, b, ...) of numbers"),
                    }
                    if t.scalar().is_some_and(|d| d.is_complex()) {
                        return self.no_match(cx, e, nm, tys, "real numbers");
                    }
                }
                u
            }
            Builtin::Int | Builtin::Float | Builtin::Bool | Builtin::Complex => {
                let (lo, hi) = if b == Builtin::Complex {
                    (0, 2)
                } else {
                    (0, 1)
                };
                if !self.arity(cx, e, &name, n, lo, hi) {
                    return Ty::Unknown;
                }
                if tys.iter().any(|t| t.scalar().is_none()) {
                    return self.no_match(cx, e, &name, tys, "(number)");
                }
                if b == Builtin::Int && tys.first().and_then(scalar).is_some_and(|d| d.is_complex())
                {
                    return self.no_match(cx, e, &name, tys, "(int), (float)");
                }
                match b {
                    Builtin::Int => Ty::I64,
                    Builtin::Float => Ty::F64,
                    Builtin::Bool => Ty::BOOL,
                    _ => Ty::C128,
                }
            }
            Builtin::Cast(d) => {
                if !self.arity(cx, e, d.name(), n, 0, 1) {
                    return Ty::Unknown;
                }
                if n == 1 && scalar(&tys[0]).is_none() {
                    return self.no_match(cx, e, d.name(), tys, "(number)");
                }
                Ty::Scalar(d)
            }
            Builtin::Round | Builtin::NpRound => {
                if !self.arity(cx, e, "round", n, 1, 2) {
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
                    _ => self.no_match(cx, e, "round", tys, "(float), (float, int), (int)"),
                }
            }
            Builtin::Pow => {
                if !self.arity(cx, e, "pow", n, 2, 2) {
                    return Ty::Unknown;
                }
                self.binop_ty(cx, BinOp::Pow, &tys[0], &tys[1], e.span)
            }
            Builtin::Divmod => {
                if !self.arity(cx, e, "divmod", n, 2, 2) {
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
                            format!("cannot print a {t} from compiled code"),
                        );
                        self.err(cx, d);
                    }
                }
                Ty::NoneType
            }
            Builtin::Enumerate | Builtin::Zip | Builtin::NdIndex | Builtin::NdEnumerate => {
                let d = Diagnostic::unsupported(
                    e.span,
                    format!("{name}() is only supported as the iterable of a for loop"),
                );
                self.err(cx, d);
                Ty::Unknown
            }
            Builtin::Math1(registry::Math1::Log) if n == 2 => {
                // math.log(x, base)
                if tys.iter().any(|t| scalar(t).is_none_or(|d| d.is_complex())) {
                    return self.no_match(cx, e, "math.log", tys, "(x[, base])");
                }
                Ty::F64
            }
            Builtin::NpExtremum { max, .. } => {
                if !self.arity(cx, e, &name, n, 2, 2) {
                    return Ty::Unknown;
                }
                self.builtin_ty(cx, e, Builtin::MinMax { max }, tys, kwargs, method)
            }
            Builtin::MatMul => {
                if !self.arity(cx, e, &name, n, 2, 2) {
                    return Ty::Unknown;
                }
                self.matmul_ty(cx, &tys[0], &tys[1], e.span)
            }
            Builtin::Clip => {
                if !self.arity(cx, e, "numpy.clip", n, 3, 3) {
                    return Ty::Unknown;
                }
                let mut d: Option<Dtype> = None;
                for t in tys {
                    match scalar(t) {
                        Some(x) if !x.is_complex() => {
                            d = Some(d.map_or(x, |y| promote_arith(y, x)))
                        }
                        _ => {
                            return self.no_match(
                                cx,
                                e,
                                "numpy.clip",
                                tys,
                                "(a, lo, hi) of real numbers",
                            )
                        }
                    }
                }
                Ty::Scalar(d.unwrap_or(Dtype::F64))
            }
            Builtin::IsClose => {
                if !self.arity(cx, e, "numpy.isclose", n, 2, 2) {
                    return Ty::Unknown;
                }
                if tys.iter().any(|t| scalar(t).is_none_or(|d| d.is_complex())) {
                    return self.no_match(cx, e, "numpy.isclose", tys, "(a, b) of real numbers");
                }
                Ty::BOOL
            }
            Builtin::Negative => {
                if !self.arity(cx, e, "numpy.negative", n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    Some(Dtype::Bool) | None => {
                        self.no_match(cx, e, "numpy.negative", tys, "(number)")
                    }
                    Some(d) => Ty::Scalar(promote_arith(d, d)),
                }
            }
            Builtin::MathX(f) => {
                use registry::MathX as X;
                let nm = format!("math.{}", format!("{f:?}").to_lowercase());
                let (lo, hi) = match f {
                    X::Gcd | X::Isclose | X::Ldexp | X::Nextafter | X::Remainder => (2, 2),
                    _ => (1, 1),
                };
                if !self.arity(cx, e, &nm, n, lo, hi) {
                    return Ty::Unknown;
                }
                let ds: Vec<Dtype> = match tys.iter().map(scalar).collect::<Option<Vec<_>>>() {
                    Some(ds) if ds.iter().all(|d| !d.is_complex()) => ds,
                    _ => return self.no_match(cx, e, &nm, tys, "real numbers"),
                };
                let int_ok = |d: &Dtype| d.is_int() || *d == Dtype::Bool;
                match f {
                    X::Gcd | X::Factorial | X::Isqrt if !ds.iter().all(int_ok) => {
                        self.no_match(cx, e, &nm, tys, "(int, ...)")
                    }
                    X::Gcd | X::Factorial | X::Isqrt => Ty::I64,
                    X::Ldexp if !int_ok(&ds[1]) => self.no_match(cx, e, &nm, tys, "(float, int)"),
                    X::Isclose => Ty::BOOL,
                    X::Frexp => Ty::Tuple(vec![Ty::F64, Ty::I64]),
                    X::Modf => Ty::Tuple(vec![Ty::F64, Ty::F64]),
                    _ => Ty::F64,
                }
            }
            Builtin::Math1(_) => {
                if !self.arity(cx, e, &name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match (scalar(&tys[0]), b) {
                    (Some(d), _) if !d.is_complex() => Ty::Scalar(registry::float_result(d)),
                    // Complex arguments: the cmath counterparts (NumPy's complex loops).
                    (Some(_), Builtin::Math1(m)) if registry::complex_math(m).is_some() => Ty::C128,
                    _ => self.no_match(
                        cx,
                        e,
                        &name,
                        tys,
                        "(float64) -> float64; (float32) -> float32; (int) -> float64; (complex) for sqrt/exp/log/trig",
                    ),
                }
            }
            Builtin::Math2(_) => {
                if !self.arity(cx, e, &name, n, 2, 2) {
                    return Ty::Unknown;
                }
                match (scalar(&tys[0]), scalar(&tys[1])) {
                    (Some(a), Some(b)) if !a.is_complex() && !b.is_complex() => {
                        let fa = registry::float_result(a);
                        let fb = registry::float_result(b);
                        Ty::Scalar(if fa == Dtype::F32 && fb == Dtype::F32 {
                            Dtype::F32
                        } else {
                            Dtype::F64
                        })
                    }
                    _ => self.no_match(
                        cx,
                        e,
                        &name,
                        tys,
                        "(float64, float64) -> float64; (float32, float32) -> float32",
                    ),
                }
            }
            Builtin::Rounding(_, numpy) => {
                if !self.arity(cx, e, &name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    // NumPy 2 keeps integer types for floor/ceil/trunc of ints.
                    Some(d) if d.is_int() => {
                        if numpy {
                            Ty::Scalar(d)
                        } else {
                            Ty::I64
                        }
                    }
                    Some(Dtype::Bool) => {
                        if numpy {
                            Ty::Scalar(Dtype::F64)
                        } else {
                            Ty::I64
                        }
                    }
                    Some(d) if d.is_float() => {
                        if numpy {
                            Ty::Scalar(d)
                        } else {
                            Ty::I64
                        }
                    }
                    _ => self.no_match(cx, e, &name, tys, "(float), (int)"),
                }
            }
            Builtin::FloatPred(_) => {
                if !self.arity(cx, e, &name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    Some(_) => Ty::BOOL,
                    _ => self.no_match(cx, e, &name, tys, "(float), (int), (complex)"),
                }
            }
            Builtin::Sign | Builtin::Square => {
                if !self.arity(cx, e, &name, n, 1, 1) {
                    return Ty::Unknown;
                }
                match scalar(&tys[0]) {
                    Some(Dtype::Bool) => Ty::I64,
                    Some(d) if !d.is_complex() => Ty::Scalar(promote_arith(d, d).max(d)),
                    Some(d) if b == Builtin::Square => Ty::Scalar(d),
                    _ => self.no_match(cx, e, &name, tys, "(int), (float)"),
                }
            }
            Builtin::Conjugate => {
                let i = usize::from(!method);
                if !self.arity(cx, e, "conjugate", n, 1, 1) {
                    return Ty::Unknown;
                }
                let _ = i;
                match &tys[0] {
                    Ty::Scalar(d) => Ty::Scalar(*d),
                    _ => self.no_match(cx, e, "conjugate", tys, "(complex), (float)"),
                }
            }
            Builtin::Alloc(kind) => {
                let want = if kind == Alloc::Full { 2 } else { 1 };
                if !self.arity(
                    cx,
                    e,
                    &format!("numpy.{}", alloc_name(kind)),
                    n,
                    want,
                    want + 1,
                ) {
                    return Ty::Unknown;
                }
                let ndim = match &tys[0] {
                    Ty::Scalar(d) if d.is_int() => 1,
                    Ty::Tuple(items)
                        if items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
                    {
                        items.len()
                    }
                    _ => {
                        return self.no_match(
                            cx,
                            e,
                            &format!("numpy.{}", alloc_name(kind)),
                            tys,
                            "(int), (tuple of ints) with dtype=",
                        )
                    }
                };
                let dt_pos = want; // dtype may be positional after shape (and fill)
                let (dt_ty, dt_expr) = match (tys.get(dt_pos), kw_ty(cx, "dtype")) {
                    (Some(t), _) => (Some(t.clone()), Some(&call_args(e)[dt_pos])),
                    (None, Some((t, ex))) => (Some(t), Some(ex)),
                    (None, None) => (None, None),
                };
                let default = if kind == Alloc::Full {
                    // np.full takes the fill value's type when no dtype is given.
                    match scalar(&tys[1]) {
                        Some(Dtype::Bool) => Dtype::Bool,
                        Some(d) if d.is_int() => Dtype::I64,
                        Some(d) if d.is_complex() => Dtype::C128,
                        _ => Dtype::F64,
                    }
                } else {
                    Dtype::F64
                };
                let dtype = match dt_expr {
                    None => default,
                    Some(ex) => match self.dtype_arg(cx, dt_ty.as_ref(), ex) {
                        Some(d) => d,
                        None => {
                            let d = Diagnostic::error("bad-dtype", ex.span, "dtype= must be a NumPy dtype, a scalar type or a dtype name known at compile time");
                            self.err(cx, d);
                            return Ty::Unknown;
                        }
                    },
                };
                match self.arg_const(cx, e, usize::MAX, "order") {
                    None => registry::array_of(dtype, ndim as u8),
                    Some(Some(Const::Str(o))) if o == "C" => registry::array_of(dtype, ndim as u8),
                    Some(Some(Const::Str(o))) if o == "F" => {
                        if ndim > 1 {
                            Ty::Array(ArrayTy::new(dtype, ndim as u8, Layout::F))
                        } else {
                            registry::array_of(dtype, ndim as u8)
                        }
                    }
                    _ => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            "order= must be the constant 'C' or 'F'",
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            Builtin::AllocLike(kind) => {
                let want = if kind == Alloc::Full { 2 } else { 1 };
                if !self.arity(
                    cx,
                    e,
                    &format!("numpy.{}_like", alloc_name(kind)),
                    n,
                    want,
                    want + 1,
                ) {
                    return Ty::Unknown;
                }
                let Ty::Array(a) = &tys[0] else {
                    return self.no_match(
                        cx,
                        e,
                        &format!("numpy.{}_like", alloc_name(kind)),
                        tys,
                        "(array)",
                    );
                };
                let dtype = match kw_ty(cx, "dtype")
                    .or_else(|| tys.get(want).cloned().map(|t| (t, &call_args(e)[want])))
                {
                    None => a.dtype,
                    Some((t, ex)) => match self.dtype_arg(cx, Some(&t), ex) {
                        Some(d) => d,
                        None => {
                            let d = Diagnostic::error(
                                "bad-dtype",
                                ex.span,
                                "dtype= must be known at compile time",
                            );
                            self.err(cx, d);
                            return Ty::Unknown;
                        }
                    },
                };
                registry::array_of(dtype, a.ndim)
            }
            Builtin::Arange => {
                // A dtype may follow the numbers positionally: arange(0, n, 2, np.int8).
                let (tys, pos_dtype) = match tys.split_last() {
                    Some((Ty::DtypeObj(d), rest)) if !rest.is_empty() => (rest, Some(*d)),
                    Some((Ty::Global(p), rest)) if !rest.is_empty() => match registry::lookup(p) {
                        Some(Builtin::Cast(d)) => (rest, Some(d)),
                        _ => (tys, None),
                    },
                    _ => (tys, None),
                };
                let n = tys.len();
                if !self.arity(cx, e, "numpy.arange", n, 1, 3) {
                    return Ty::Unknown;
                }
                let mut d = Dtype::I64;
                if let Some(pd) = pos_dtype {
                    return registry::array_of(pd, 1);
                }
                for t in tys {
                    match scalar(t) {
                        Some(x) if x.is_float() => d = promote_arith(d, x).max(Dtype::F64),
                        Some(x) if x.is_int() => {}
                        _ => {
                            return self.no_match(
                                cx,
                                e,
                                "numpy.arange",
                                tys,
                                "(stop), (start, stop[, step]) of ints or floats",
                            )
                        }
                    }
                }
                if let Some((t, ex)) = kw_ty(cx, "dtype") {
                    match self.dtype_arg(cx, Some(&t), ex) {
                        Some(x) => d = x,
                        None => return Ty::Unknown,
                    }
                }
                registry::array_of(d, 1)
            }
            Builtin::Linspace => {
                if !self.arity(cx, e, "numpy.linspace", n, 2, 3) {
                    return Ty::Unknown;
                }
                for t in tys.iter().take(2) {
                    if scalar(t).is_none_or(|d| d.is_complex()) {
                        return self.no_match(cx, e, "numpy.linspace", tys, "(start, stop[, num])");
                    }
                }
                if n == 3 {
                    self.expect_int(cx, &call_args(e)[2], &tys[2], "num");
                }
                if let Some((t, ex)) = kw_ty(cx, "num") {
                    self.expect_int(cx, ex, &t, "num");
                }
                registry::array_of(Dtype::F64, 1)
            }
            Builtin::Reduce(r) => {
                if !self.arity(cx, e, &name, n, 1, 2) {
                    return Ty::Unknown;
                }
                let Ty::Array(a) = &tys[0] else {
                    return self.no_match(cx, e, &name, tys, "(array[, axis])");
                };
                let elem = match r {
                    Reduce::Sum | Reduce::Prod => match a.dtype.kind() {
                        Kind::Bool | Kind::Signed => Dtype::I64,
                        Kind::Unsigned => Dtype::U64,
                        _ => a.dtype,
                    },
                    Reduce::Min | Reduce::Max | Reduce::NanMin | Reduce::NanMax => a.dtype,
                    Reduce::NanSum => match a.dtype.kind() {
                        Kind::Bool | Kind::Signed => Dtype::I64,
                        Kind::Unsigned => Dtype::U64,
                        _ => a.dtype,
                    },
                    Reduce::NanMean => match a.dtype.kind() {
                        Kind::Float | Kind::Complex => a.dtype,
                        _ => Dtype::F64,
                    },
                    Reduce::Mean => match a.dtype.kind() {
                        Kind::Float | Kind::Complex => a.dtype,
                        _ => Dtype::F64,
                    },
                    Reduce::Var | Reduce::Std | Reduce::NanVar | Reduce::NanStd => match a.dtype {
                        Dtype::F32 | Dtype::C64 => Dtype::F32,
                        _ => Dtype::F64,
                    },
                    Reduce::Argmin | Reduce::Argmax | Reduce::CountNonzero => Dtype::I64,
                    Reduce::Any | Reduce::All => Dtype::Bool,
                };
                // dtype=: the accumulator and result type (sum, prod, mean).
                let elem = match kwargs.iter().find(|(k, _)| k == "dtype") {
                    None => elem,
                    Some((_, dx)) => {
                        let dt = cx.expr_ty.get(&dx.id).cloned();
                        match self.dtype_arg(cx, dt.as_ref(), dx) {
                            // (a bool accumulator would need NumPy's logical add)
                            Some(d)
                                if d != Dtype::Bool
                                    && (r != Reduce::Mean || d.is_float() || d.is_complex()) =>
                            {
                                d
                            }
                            _ => {
                                let d = Diagnostic::error(
                                    "bad-dtype",
                                    dx.span,
                                    "dtype= must be a NumPy dtype known at compile time (a float or complex type for mean)",
                                );
                                self.err(cx, d);
                                return Ty::Unknown;
                            }
                        }
                    }
                };
                // axis: the second positional argument (function form) or axis=.
                let axis_expr = if n == 2 {
                    call_args(e)
                        .get(usize::from(!method))
                        .or(call_args(e).first())
                } else {
                    None
                };
                let axis_expr =
                    axis_expr.or_else(|| kwargs.iter().find(|(k, _)| k == "axis").map(|(_, v)| *v));
                let keep = match self.arg_const(cx, e, usize::MAX, "keepdims") {
                    None | Some(Some(Const::Bool(false))) => false,
                    Some(Some(Const::Bool(true))) => true,
                    Some(_) => {
                        let d = Diagnostic::unsupported(
                            e.span,
                            "keepdims= must be a constant True or False",
                        );
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                };
                if let Some((_, dd)) = kwargs.iter().find(|(k, _)| k == "ddof") {
                    if !matches!(cx.expr_ty.get(&dd.id), Some(Ty::Scalar(x)) if x.is_int()) {
                        let d =
                            Diagnostic::error("bad-argument", dd.span, "ddof= must be an integer");
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                }
                if keep {
                    // The reduced axes stay, with length one (an axis out of
                    // range raises AxisError at run time, as in NumPy).
                    return match axis_expr.map(|ax| cx.res.get(&ax.id)) {
                        None | Some(Some(Res::Const(Const::None))) => {
                            registry::array_of(elem, a.ndim)
                        }
                        Some(Some(Res::Const(Const::Int(_)))) => registry::array_of(elem, a.ndim),
                        _ => {
                            let d = Diagnostic::unsupported(
                                e.span,
                                "with keepdims=True, axis= must be an integer constant in range (or None)",
                            );
                            self.err(cx, d);
                            Ty::Unknown
                        }
                    };
                }
                let Some(ax) = axis_expr else {
                    return Ty::Scalar(elem);
                };
                match cx.res.get(&ax.id) {
                    Some(Res::Const(Const::None)) => Ty::Scalar(elem),
                    Some(Res::Const(Const::Int(_))) => {
                        // An axis out of range raises AxisError at run time, as in NumPy.
                        let nd = a.ndim as i64;
                        if nd == 1 {
                            Ty::Scalar(elem)
                        } else {
                            registry::array_of(elem, a.ndim - 1)
                        }
                    }
                    _ => {
                        let d = Diagnostic::unsupported(
                            ax.span,
                            "axis= must be an integer constant (or None)",
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            Builtin::Arr(f) => self.arr_fn_ty(cx, e, f, tys, kwargs, method),
            Builtin::LinAlg(f) => self.linalg_ty(cx, e, f, tys, kwargs),
            Builtin::Manip(f) => self.manip_ty(cx, e, f, tys, kwargs, method),
            Builtin::Gen(g) => self.gen_ty(cx, e, g, tys, kwargs, "Generator"),
            Builtin::Ufunc2(_) | Builtin::UfuncCmp(_) => Ty::Unknown,
            Builtin::CMath(f) => {
                let want = if f == registry::CFn::Rect { 2 } else { 1 };
                let nm = format!("cmath.{}", format!("{f:?}").to_lowercase());
                if !self.arity(cx, e, &nm, n, want, want) {
                    return Ty::Unknown;
                }
                if tys.iter().any(|t| t.scalar().is_none()) {
                    return self.no_match(cx, e, &nm, tys, "(complex), (float)");
                }
                use registry::CFn;
                match f {
                    CFn::Phase => Ty::F64,
                    CFn::Polar => Ty::Tuple(vec![Ty::F64, Ty::F64]),
                    CFn::IsNan | CFn::IsInf | CFn::IsFinite => Ty::BOOL,
                    _ => Ty::C128,
                }
            }
            Builtin::Copy => {
                if !self.arity(cx, e, "copy", n, 1, 1) {
                    return Ty::Unknown;
                }
                match &tys[0] {
                    Ty::Array(a) => registry::array_of(a.dtype, a.ndim),
                    _ => self.no_match(cx, e, "copy", tys, "(array)"),
                }
            }
            Builtin::Random(r @ (Rand::Choice | Rand::Shuffle | Rand::Permutation)) => {
                // The Generator methods' typing, on the legacy global state.
                let g = match r {
                    Rand::Choice => registry::GenFn::Choice,
                    Rand::Shuffle => registry::GenFn::Shuffle,
                    _ => registry::GenFn::Permutation,
                };
                let mut all = vec![Ty::Generator];
                all.extend(tys.iter().cloned());
                self.gen_ty(cx, e, g, &all, kwargs, "numpy.random")
            }
            Builtin::Random(r) => {
                let spec = registry::rand_spec(r);
                let fname = format!("numpy.random.{}", format!("{r:?}").to_lowercase());
                for (t, a) in tys.iter().zip(call_args(e)) {
                    if scalar(t).is_none_or(|d| d.is_complex()) && !matches!(t, Ty::Tuple(_)) {
                        let d = Diagnostic::error("bad-argument", a.span, format!("{fname}() arguments must be real numbers (or a size tuple), not {t}"));
                        self.err(cx, d);
                        return Ty::Unknown;
                    }
                }
                let elem = if spec.int_result {
                    Dtype::I64
                } else {
                    Dtype::F64
                };
                if matches!(r, Rand::Rand | Rand::Randn) {
                    // Dimensions as separate arguments.
                    if tys.is_empty() {
                        return Ty::Scalar(elem);
                    }
                    return registry::array_of(elem, n as u8);
                }
                if r == Rand::Seed {
                    if !self.arity(cx, e, &fname, n, 1, 1) {
                        return Ty::Unknown;
                    }
                    return Ty::NoneType;
                }
                let np = spec.params.len();
                let min = spec
                    .params
                    .iter()
                    .filter(|p| p.1.is_none())
                    .count()
                    .min(if r == Rand::Randint { 1 } else { np });
                if !self.arity(cx, e, &fname, n, min, np + 1) {
                    return Ty::Unknown;
                }
                let size = if n == np + 1 {
                    Some(tys[np].clone())
                } else {
                    kw_ty(cx, "size").map(|(t, _)| t)
                };
                match size {
                    None | Some(Ty::NoneType) => Ty::Scalar(elem),
                    Some(Ty::Scalar(d)) if d.is_int() => registry::array_of(elem, 1),
                    Some(Ty::Tuple(items))
                        if items.iter().all(|t| t.scalar().is_some_and(|d| d.is_int())) =>
                    {
                        registry::array_of(elem, items.len() as u8)
                    }
                    Some(other) => {
                        let d = Diagnostic::error(
                            "bad-argument",
                            e.span,
                            format!("size= must be an int or a tuple of ints, not {other}"),
                        );
                        self.err(cx, d);
                        Ty::Unknown
                    }
                }
            }
            Builtin::Where => {
                if !self.arity(cx, e, "numpy.where", n, 3, 3) {
                    return Ty::Unknown;
                }
                match unify(&tys[1], &tys[2]) {
                    Some(t @ Ty::Scalar(_)) => t,
                    _ => self.no_match(cx, e, "numpy.where", tys, "(cond, a, b)"),
                }
            }
            Builtin::Fill => {
                if !self.arity(cx, e, "fill", n, 2, 2) {
                    return Ty::Unknown;
                }
                match (&tys[0], scalar(&tys[1])) {
                    (Ty::Array(a), Some(_)) if !a.readonly => Ty::NoneType,
                    _ => self.no_match(cx, e, "fill", tys, "(writable array, scalar)"),
                }
            }
        }
    }
}

fn elem_dtype(t: &Ty) -> Dtype {
    match t {
        Ty::Array(a) => a.dtype,
        Ty::Scalar(d) => *d,
        _ => Dtype::F64,
    }
}

fn array_ndim(t: &Ty) -> u8 {
    match t {
        Ty::Array(a) => a.ndim,
        _ => 0,
    }
}

fn kind_rank(d: Dtype) -> u8 {
    match d.kind() {
        Kind::Bool => 0,
        Kind::Signed | Kind::Unsigned => 1,
        Kind::Float => 2,
        Kind::Complex => 3,
    }
}

/// Element dtype of an array expression `l op r` whose scalar rule gives `et`.
fn array_result_dtype(op: BinOp, l: &Ty, r: &Ty, et: Dtype) -> Dtype {
    let floaty = |d: Dtype| {
        if op == BinOp::Div && !d.is_float() && !d.is_complex() {
            Dtype::F64
        } else {
            d
        }
    };
    let cmp_bool = |d: Dtype| {
        if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) && et == Dtype::Bool {
            Dtype::Bool
        } else {
            d
        }
    };
    match (l, r) {
        (Ty::Array(a), Ty::Array(b)) => {
            cmp_bool(floaty(oxjit_types::promote_numpy(a.dtype, b.dtype)))
        }
        (Ty::Array(a), Ty::Scalar(s)) | (Ty::Scalar(s), Ty::Array(a)) => {
            if kind_rank(*s) <= kind_rank(a.dtype) {
                cmp_bool(floaty(a.dtype))
            } else {
                floaty(oxjit_types::promote_numpy(a.dtype, *s))
            }
        }
        _ => et,
    }
}

/// Builtins that apply element-wise to arrays.
/// How a builtin is named in diagnostics (`sqrt`, not `math1(sqrt)`).
fn display_name(b: Builtin) -> String {
    let inner = match b {
        Builtin::Math1(m) => format!("{m:?}"),
        Builtin::Math2(m) => format!("{m:?}"),
        Builtin::Rounding(r, _) => format!("{r:?}"),
        Builtin::FloatPred(p) => format!("{p:?}"),
        Builtin::Reduce(r) => format!("{r:?}"),
        Builtin::Alloc(a) => format!("{a:?}"),
        Builtin::AllocLike(a) => format!("{a:?}_like"),
        Builtin::Random(r) => format!("random.{r:?}"),
        Builtin::Arr(f) => format!("{f:?}"),
        Builtin::LinAlg(f) => format!("linalg.{}", linalg::display(f)),
        Builtin::Manip(f) => format!("{f:?}"),
        Builtin::Gen(g) => format!("Generator.{g:?}"),
        Builtin::CMath(f) => format!("cmath.{f:?}"),
        Builtin::MathX(f) => format!("math.{f:?}"),
        Builtin::Cast(d) => d.name().to_string(),
        Builtin::Ufunc2(_) | Builtin::UfuncCmp(_) => registry::ENTRIES
            .iter()
            .find(|(_, x)| *x == b)
            .map_or("ufunc", |(p, _)| p.trim_start_matches("numpy."))
            .to_string(),
        other => format!("{other:?}"),
    };
    inner.to_lowercase()
}

fn alloc_name(a: Alloc) -> &'static str {
    match a {
        Alloc::Empty => "empty",
        Alloc::Zeros => "zeros",
        Alloc::Ones => "ones",
        Alloc::Full => "full",
    }
}

/// Whether a call's callee is spelled as a NumPy attribute (`np.maximum`),
/// which is element-wise, unlike the builtins `min`/`max`.
fn is_numpy_path(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { func, .. } => matches!(&func.kind, ExprKind::Attr(..)),
        _ => false,
    }
}

fn printable(t: &Ty) -> bool {
    match t {
        Ty::Scalar(_) | Ty::Str | Ty::NoneType | Ty::Array(_) => true,
        Ty::Tuple(items) => items.iter().all(printable),
        _ => false,
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

fn call_args(e: &Expr) -> &[Expr] {
    match &e.kind {
        ExprKind::Call { args, .. } => args,
        _ => &[],
    }
}

/// Whether `s` is an `if` decided by types whose live branch always returns,
/// making the statements after it dead.
pub fn pruned_exit(s: &Stmt, vars: &FxHashMap<String, Ty>) -> bool {
    match &s.kind {
        StmtKind::If { test, body, orelse } => match static_truth(test, vars) {
            Some(true) => ends_in_return(body),
            Some(false) => ends_in_return(orelse),
            None => false,
        },
        _ => false,
    }
}

fn ends_in_return(body: &[Stmt]) -> bool {
    match body.last().map(|s| &s.kind) {
        Some(StmtKind::Return(_)) | Some(StmtKind::Raise(_)) => true,
        Some(StmtKind::If { body, orelse, .. }) => ends_in_return(body) && ends_in_return(orelse),
        Some(StmtKind::While { test, .. }) => {
            matches!(test.kind, ExprKind::Bool(true)) || matches!(test.kind, ExprKind::Int(1))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
