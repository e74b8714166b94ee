//! The typed program `check` produces: constants, call resolutions and instances.

use crate::index::Fancy;
use crate::prune::ends_in_return;
use crate::registry::Builtin;
use oxjit_syntax::{Diagnostic, Expr, ExprId, FuncDef, Stmt, StmtKind, Unit};
use oxjit_types::{Dtype, ExcKind, NamedTupleTy, Ty};
use rustc_hash::FxHashMap;

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
    /// A parameter default that is an array: the unit's frozen array `k`
    /// (read-only, of this type), as Numba bakes a default array in.
    GlobalArray(u32, Ty),
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
    /// Constructing a named tuple. The arguments are in the order Python
    /// evaluates them (positional, then keywords as written, then defaults);
    /// `slots[k]` is the field argument `k` fills.
    NamedTuple {
        ty: Box<NamedTupleTy>,
        slots: Vec<usize>,
    },
    /// A `@vectorize` function called with arrays: instance `id` (its
    /// scalar kernel) mapped over the broadcast elements of the arguments.
    Map {
        id: u32,
    },
    /// Constructing a jitclass instance: a fresh instance (fields zeroed),
    /// then `__init__`'s instance `init` with it and the arguments.
    New {
        class: std::sync::Arc<oxjit_types::ClassTy>,
        init: Option<u32>,
    },
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
    /// The class (or tuple of classes) of an `except` clause: the builtin
    /// kinds of exception it matches, and the classes it names as the
    /// runtime spells them for user-defined kinds (`oxjit_rt_exc_matches`:
    /// builtin classes by name, user classes as `#n`).
    Catch {
        kinds: Vec<ExcKind>,
        classes: Vec<String>,
    },
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
    /// A `@vectorize` kernel (`UnitFunc::ufunc`).
    pub ufunc: bool,
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
    /// `if` tests decided by types (`x is None` with x's type known), by the
    /// test's id: only the live branch is typed and lowered.
    pub decided: FxHashMap<ExprId, bool>,
    /// How each array subscript with index arrays is served, by the index's id.
    pub fancy: FxHashMap<ExprId, Fancy>,
    /// Optional values used where their payload is needed, by the
    /// expression's id: its optional type. `ty` gives the payload's type;
    /// codegen unwraps with a run-time check (`TypeError` for None).
    pub unwrap: FxHashMap<ExprId, Ty>,
    /// Property setters: an attribute assignment target's id → the setter's
    /// instance (called with the object and the value).
    pub setters: FxHashMap<ExprId, u32>,
}

/// Typing's decisions, read by codegen instead of being derived again.
impl Instance<'_> {
    pub fn ty(&self, e: &Expr) -> &Ty {
        self.expr_ty.get(&e.id).unwrap_or(&Ty::Unknown)
    }

    /// The value of an `if` test decided by types, if it is one.
    pub fn decided(&self, test: &Expr) -> Option<bool> {
        self.decided.get(&test.id).copied()
    }

    /// Whether `s` is an `if` decided by types whose live branch always
    /// returns, making the statements after it dead.
    pub fn pruned_exit(&self, s: &Stmt) -> bool {
        let StmtKind::If { test, body, orelse } = &s.kind else {
            return false;
        };
        match self.decided(test) {
            Some(true) => ends_in_return(body),
            Some(false) => ends_in_return(orelse),
            None => false,
        }
    }

    /// The optional type of `e` when it is unwrapped where it is used.
    pub fn unwrap(&self, e: &Expr) -> Option<&Ty> {
        self.unwrap.get(&e.id)
    }

    /// How the array subscript with index `index` is served (see `Fancy`).
    pub fn fancy(&self, index: &Expr) -> Option<Fancy> {
        self.fancy.get(&index.id).copied()
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
            if !inst.unwrap.is_empty() {
                out += &format!("    (optional values unwrapped: {})\n", inst.unwrap.len());
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
