//! Special methods of jitclass instances in compiled code, as Numba supports
//! them: operators call `__add__` (or the right operand's `__radd__`),
//! comparisons `__eq__`/`__lt__`/... (or the reflected one), `x in obj`
//! `__contains__`, `obj[i]` `__getitem__`, `obj[i] = v` `__setitem__`, and
//! `len`/`abs`/`int`/`float`/`bool`/`complex` the matching method. The call
//! is recorded on the operator's expression as a `Callee::Instance`.

use crate::driver::{Checker, Cx};
use crate::program::{Arg, Call, Callee, Res};
use crate::registry::Builtin;
use crate::words::count;
use oxjit_syntax::{BinOp, CmpOp, Diagnostic, Expr, UnOp};
use oxjit_types::{ClassTy, Ty};
use std::sync::Arc;

/// The method for `l op r`, and the reflected one for `r op l`.
pub fn binop_methods(op: BinOp) -> (&'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__"),
        BinOp::Sub => ("__sub__", "__rsub__"),
        BinOp::Mul => ("__mul__", "__rmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__"),
        BinOp::Pow => ("__pow__", "__rpow__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__"),
        BinOp::LShift => ("__lshift__", "__rlshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__"),
        BinOp::BitAnd => ("__and__", "__rand__"),
        BinOp::BitOr => ("__or__", "__ror__"),
        BinOp::BitXor => ("__xor__", "__rxor__"),
    }
}

/// The method for `l op r` and its reflection (Python swaps `<` and `>`).
fn compare_methods(op: CmpOp) -> Option<(&'static str, &'static str)> {
    match op {
        CmpOp::Eq => Some(("__eq__", "__eq__")),
        CmpOp::Ne => Some(("__ne__", "__ne__")),
        CmpOp::Lt => Some(("__lt__", "__gt__")),
        CmpOp::Le => Some(("__le__", "__ge__")),
        CmpOp::Gt => Some(("__gt__", "__lt__")),
        CmpOp::Ge => Some(("__ge__", "__le__")),
        CmpOp::Is | CmpOp::IsNot | CmpOp::In | CmpOp::NotIn => None,
    }
}

/// The method a builtin called on an instance runs.
pub fn builtin_method(b: Builtin) -> Option<&'static str> {
    #[allow(clippy::wildcard_enum_match_arm)] // a query over builtins
    match b {
        Builtin::Len => Some("__len__"),
        Builtin::Abs => Some("__abs__"),
        Builtin::Int => Some("__int__"),
        Builtin::Float => Some("__float__"),
        Builtin::Bool => Some("__bool__"),
        Builtin::Complex => Some("__complex__"),
        _ => None,
    }
}

impl<'u> Checker<'u> {
    /// `len(obj)`, `abs(obj)`, ... of an instance: its method.
    pub(crate) fn builtin_dunder(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        b: Builtin,
        args: &'u [Expr],
        tys: &[Ty],
    ) -> Option<Ty> {
        let (Some(name), [Ty::Instance(c)], [x]) = (builtin_method(b), tys, args) else {
            return None;
        };
        self.dunder(cx, e, c, name, &[x], None)
    }

    /// Call method `name` of the instance `operands[0]` (of class `c`) with
    /// the other operands (already typed) and, for `__setitem__`, a last
    /// argument of type `extra`; the call is recorded on `e`. None when the
    /// class has no such method.
    pub(crate) fn dunder(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        c: &Arc<ClassTy>,
        name: &str,
        operands: &[&'u Expr],
        extra: Option<Ty>,
    ) -> Option<Ty> {
        let fid = self.class_def(c)?.method(name)?;
        let t = self.templates[fid as usize].clone();
        let n = operands.len() + usize::from(extra.is_some());
        if t.def.params.len() != n || t.def.vararg.is_some() {
            let d = Diagnostic::error(
                "wrong-arity",
                e.span,
                format!(
                    "`{}.{name}` must take {} (self included), not {}",
                    c.name,
                    count(n, "parameter"),
                    t.def.params.len()
                ),
            );
            self.err(cx, d);
            return Some(Ty::Unknown);
        }
        let mut tys: Vec<Ty> = operands
            .iter()
            .map(|x| cx.expr_ty.get(&x.id).cloned().unwrap_or(Ty::Unknown))
            .collect();
        tys.extend(extra);
        if !tys.iter().all(Ty::is_known) {
            return Some(Ty::Unknown);
        }
        let id = self.instance(fid, tys);
        let ret = self.instances[id as usize].ret.clone();
        if !ret.is_known() && cx.report {
            self.unknown_call.entry(id).or_insert((cx.env_of, e.span));
        }
        cx.res.insert(
            e.id,
            Res::Call(Call {
                callee: Callee::Instance {
                    id,
                    captures: vec![],
                },
                args: operands.iter().map(|x| Arg::Expr(x)).collect(),
                kwargs: vec![],
            }),
        );
        Some(ret)
    }

    /// `l op r` with an instance operand: its method, else the right
    /// operand's reflected one.
    pub(crate) fn binop_dunder(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        op: BinOp,
        (l, r): (&'u Expr, &'u Expr),
        (lt, rt): (&Ty, &Ty),
    ) -> Option<Ty> {
        let (fwd, refl) = binop_methods(op);
        self.pair_dunder(cx, e, (fwd, refl), (l, r), (lt, rt))
    }

    /// `l op r` for a comparison with an instance operand; `x in obj` is
    /// `obj.__contains__(x)`.
    pub(crate) fn compare_dunder(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        op: CmpOp,
        (l, r): (&'u Expr, &'u Expr),
        (lt, rt): (&Ty, &Ty),
    ) -> Option<Ty> {
        if op == CmpOp::In {
            let Ty::Instance(c) = rt else {
                return None;
            };
            return self.dunder(cx, e, c, "__contains__", &[r, l], None);
        }
        let names = compare_methods(op)?;
        self.pair_dunder(cx, e, names, (l, r), (lt, rt))
    }

    fn pair_dunder(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        (fwd, refl): (&str, &str),
        (l, r): (&'u Expr, &'u Expr),
        (lt, rt): (&Ty, &Ty),
    ) -> Option<Ty> {
        if let Ty::Instance(c) = lt {
            if let Some(t) = self.dunder(cx, e, c, fwd, &[l, r], None) {
                return Some(t);
            }
        }
        if let Ty::Instance(c) = rt {
            return self.dunder(cx, e, c, refl, &[r, l], None);
        }
        None
    }

    /// `-obj`, `+obj`, `~obj`.
    pub(crate) fn unary_dunder(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        op: UnOp,
        x: &'u Expr,
        t: &Ty,
    ) -> Option<Ty> {
        let Ty::Instance(c) = t else {
            return None;
        };
        let name = match op {
            UnOp::Neg => "__neg__",
            UnOp::Pos => "__pos__",
            UnOp::Invert => "__invert__",
            UnOp::Not => return None,
        };
        self.dunder(cx, e, c, name, &[x], None)
    }
}

impl<'u> Checker<'u> {
    /// `isinstance(x, cls)`: a constant from the types, as Numba decides it
    /// (`Res::Const`, so an `if` on it compiles only the live branch).
    pub(crate) fn isinstance_ty(&mut self, cx: &mut Cx<'u>, e: &'u Expr, tys: &[Ty]) -> Ty {
        let [obj, cls] = tys else {
            let d = Diagnostic::error(
                "wrong-arity",
                e.span,
                format!("isinstance expected 2 arguments, got {}", tys.len()),
            );
            self.err(cx, d);
            return Ty::Unknown;
        };
        if !obj.is_known() || !cls.is_known() {
            return Ty::Unknown;
        }
        match isinstance_of(obj, cls) {
            Some(b) => {
                cx.res
                    .insert(e.id, Res::Const(crate::program::Const::Bool(b)));
                Ty::BOOL
            }
            None => {
                let d = Diagnostic::unsupported(
                    e.span,
                    format!("isinstance() of {} with {cls} cannot be decided when compiling", self.a_type(obj)),
                )
                .with_note("the class must be a jitclass, a named tuple class, int, float, complex, bool, str, tuple, np.ndarray or a NumPy scalar type (or a tuple of those), and the value's type must not be optional");
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }
}

/// Whether a value of type `obj` is an instance of the class typed `cls`;
/// None when that depends on the run (an optional value) or `cls` is not a
/// class compiled code knows.
pub fn isinstance_of(obj: &Ty, cls: &Ty) -> Option<bool> {
    if let Ty::Optional(_) = obj {
        return None;
    }
    if let Some(items) = cls.tuple_items() {
        let mut any = false;
        for c in items {
            any |= isinstance_of(obj, c)?;
        }
        return Some(any);
    }
    let scalar = obj.scalar();
    Some(match cls {
        Ty::Class(c) => matches!(obj, Ty::Instance(o) if o.class == c.class),
        Ty::NamedTupleClass(c) => matches!(obj, Ty::NamedTuple(o) if o.class == c.class),
        Ty::DtypeObj(d) => scalar == Some(*d),
        Ty::Global(path) => match path.as_str() {
            // bool is a subclass of int, as in Python.
            "int" => scalar.is_some_and(|d| d.is_int() || d == oxjit_types::Dtype::Bool),
            "float" => scalar.is_some_and(|d| d.is_float()),
            "complex" => scalar.is_some_and(|d| d.is_complex()),
            "bool" => scalar == Some(oxjit_types::Dtype::Bool),
            "str" => *obj == Ty::Str,
            "tuple" => matches!(obj, Ty::Tuple(_) | Ty::NamedTuple(_)),
            "numpy.ndarray" => matches!(obj, Ty::Array(_)),
            p => match crate::registry::lookup(p) {
                // np.float64 and friends: that exact scalar type.
                Some(Builtin::Cast(d)) => scalar == Some(d),
                _ => return None,
            },
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
        | Ty::Instance(_)
        | Ty::Optional(_)
        | Ty::Unknown => return None,
    })
}
