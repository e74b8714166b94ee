//! Lists: displays (`[a, b]`; `[]` and `list()` take their item type from
//! the first `append`/`insert`/`extend` of the variable they are bound to),
//! methods, indexing and slicing, `+`/`*`/`in`/`==`, and the builtins over
//! iterables (`list`, `sorted`, `sum`, `any`, `all`).
//!
//! A list's items are shared by every holder, so a list's type never
//! changes once its items are known: an item is converted to the item type
//! only where that is safe (an int into a float list), anything else is a
//! diagnostic rather than Numba's silent truncation.

use crate::driver::{Checker, Cx};
use crate::program::{Call, Callee, Res};
use crate::registry::{Builtin, ListFn};
use oxjit_syntax::{Diagnostic, Expr, ExprKind, Span};
use oxjit_types::{can_convert_safely, promote_arith, unify, Dtype, Ty};

/// Whether a list may hold items of type `t`: run-time values with a Python
/// form (numbers, arrays, tuples of them, lists, jitclass instances).
pub(crate) fn storable(t: &Ty) -> bool {
    match t {
        Ty::Scalar(_) | Ty::Array(_) | Ty::Instance(_) | Ty::Str => true,
        Ty::List(t) => **t == Ty::Unknown || storable(t),
        Ty::Dict(d) => {
            let ok = |t: &Ty| *t == Ty::Unknown || storable(t);
            ok(&d.key) && d.value.as_ref().is_none_or(ok)
        }
        Ty::Tuple(items) => items.iter().all(storable),
        Ty::NamedTuple(nt) => nt.items.iter().all(storable),
        Ty::NoneType
        | Ty::Range
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Generator
        | Ty::Record(_)
        | Ty::RecordArray(_)
        | Ty::NamedTupleClass(_)
        | Ty::Class(_)
        | Ty::Optional(_)
        | Ty::Unknown => false,
    }
}

/// Whether items of type `t` compare with `==` in compiled code (`in`,
/// `remove`, `index`, `count`, list equality): numbers, strings and tuples
/// of them.
pub(crate) fn comparable(t: &Ty) -> bool {
    let t = t.clone().plain_tuple();
    if let Ty::Tuple(items) = &t {
        return items.iter().all(comparable);
    }
    t.scalar().is_some() || t == Ty::Str
}

/// Whether items of type `t` can be ordered (sorting): real numbers,
/// strings, and tuples of them (in order of their items).
pub(crate) fn orderable(t: &Ty) -> bool {
    let t = t.clone().plain_tuple();
    if let Ty::Tuple(items) = &t {
        return !items.is_empty() && items.iter().all(orderable);
    }
    matches!(t, Ty::Scalar(d) if !d.is_complex()) || t == Ty::Str
}

/// The item type an iteration over a value of type `t` gives, for the
/// builtins that take an iterable; None when `t` is not one.
pub(crate) fn seq_elem(t: &Ty) -> Option<Ty> {
    let t = t.clone().plain_tuple();
    if let Ty::List(t) = t {
        return Some(*t);
    }
    if let Ty::Dict(d) = t {
        return Some(d.key);
    }
    if t == Ty::Str {
        return Some(Ty::Str);
    }
    if t == Ty::Range {
        return Some(Ty::I64);
    }
    if let Ty::Array(a) = t {
        return Some(match a.ndim {
            0 => return None,
            1 => Ty::Scalar(a.dtype),
            nd => Ty::Array(oxjit_types::ArrayTy {
                ndim: nd - 1,
                layout: if a.layout == oxjit_types::Layout::C {
                    oxjit_types::Layout::C
                } else {
                    oxjit_types::Layout::A
                },
                ..a
            }),
        });
    }
    let Ty::Tuple(items) = t else {
        return None;
    };
    // A tuple iterates when its items are one type (numbers unify).
    let mut u = Ty::Unknown;
    for it in &items {
        let same = items
            .iter()
            .all(|i| i == it || (i.scalar().is_some() && it.scalar().is_some()));
        u = unify(&u, it).filter(|_| same)?;
    }
    Some(u)
}

/// Whether a value of type `from` may be stored in a list of `to` items.
pub(crate) fn accepts(to: &Ty, from: &Ty) -> bool {
    *to == Ty::Unknown || !from.is_known() || can_convert_safely(from, to) || {
        // An empty list (unknown items) into a list of lists.
        matches!((to, from), (Ty::List(_), Ty::List(_))) && unify(to, from).is_some()
    }
}

impl<'u> Checker<'u> {
    /// `[a, b, ...]`: a list of the items' unified type (ints and floats
    /// unify to float, as in Numba). `[]` has unknown items until the
    /// variable it is bound to is appended to.
    pub(crate) fn list_display(&mut self, cx: &mut Cx<'u>, e: &'u Expr, xs: &'u [Expr]) -> Ty {
        let items: Vec<Ty> = xs.iter().map(|x| self.expr(cx, x)).collect();
        if cx.displays.contains(&e.id) {
            // Consumed by np.array/np.asarray: read like a tuple.
            return Ty::Tuple(items);
        }
        if xs.is_empty() {
            cx.lists.push((e.id, e.span));
            return Ty::List(Box::new(Ty::Unknown));
        }
        let mut u = Ty::Unknown;
        for (x, t) in xs.iter().zip(&items) {
            if !t.is_known() {
                return Ty::Unknown;
            }
            if !storable(t) {
                self.bad_item(cx, x.span, t);
                return Ty::Unknown;
            }
            match unify(&u, t).filter(storable) {
                Some(v) => u = v,
                None => {
                    let d = Diagnostic::error(
                        "list-item-types",
                        x.span,
                        format!("a list cannot hold both {} and {}", self.a_type(&u), self.a_type(t)),
                    )
                    .with_label(format!("this is {t}"))
                    .with_note(format!(
                        "the items before it make this a list({u}); a list holds one item type (ints and floats unify to float)"
                    ))
                    .with_note("use a tuple for items of different types");
                    self.err(cx, d);
                    return Ty::Unknown;
                }
            }
        }
        Ty::List(Box::new(u))
    }

    /// `x = [..]`: the display is built with the item type `x`'s appends
    /// widened it to. Records which variables hold lists built here only.
    pub(crate) fn widen_display(
        &mut self,
        cx: &mut Cx<'u>,
        targets: &'u [Expr],
        value: &'u Expr,
        ty: Ty,
    ) -> Ty {
        // A display, or an empty dict or set made here (`dict()`, `{}`).
        let display = matches!(value.kind, ExprKind::List(_))
            || (matches!(ty, Ty::Dict(_)) && !ty.is_known());
        if let ExprKind::Name(m) = &value.kind {
            if matches!(ty, Ty::List(_)) {
                cx.shared_lists.insert(m.clone());
            }
        }
        let [t] = targets else {
            return ty;
        };
        let ExprKind::Name(n) = &t.kind else {
            return ty;
        };
        if !matches!(ty, Ty::List(_) | Ty::Dict(_)) {
            return ty;
        }
        if !display {
            cx.shared_lists.insert(n.clone());
            return ty;
        }
        cx.built_lists.insert(n.clone());
        if let (Ty::Dict(_), Some(v)) = (&ty, cx.vars.get(n)) {
            // `d = {}` / `dict()`: made with the types its stores gave.
            if v.is_known() && unify(&ty, v).is_some() {
                let v = v.clone();
                cx.expr_ty.insert(value.id, v.clone());
                return v;
            }
            return ty;
        }
        match (&ty, cx.vars.get(n)) {
            (Ty::List(d), Some(v @ Ty::List(vi))) if d != vi && vi.is_known() && accepts(vi, d) => {
                let v = v.clone();
                cx.expr_ty.insert(value.id, v.clone());
                v
            }
            _ => ty,
        }
    }

    /// Whether variable `n`'s list may widen its item type (see `Cx::built_lists`).
    fn widens(&self, cx: &Cx<'u>, n: &str) -> bool {
        cx.built_lists.contains(n)
            && !cx.shared_lists.contains(n)
            && !self.instances[cx.inst as usize]
                .arg_names
                .iter()
                .any(|a| a == n)
    }

    fn bad_item(&mut self, cx: &Cx<'u>, span: Span, t: &Ty) {
        let d = Diagnostic::error(
            "list-item-type",
            span,
            format!("a list cannot hold {} in compiled code", self.a_type(t)),
        )
        .with_note("list items are numbers, strings, arrays, lists, dicts, sets, jitclass instances or tuples of those");
        self.err(cx, d);
    }

    /// The receiver of list method `b`: `append`, `insert` and `extend` on
    /// a variable whose list's items are not known yet fix its item type (a
    /// list built here widens it).
    pub(crate) fn list_receiver(
        &mut self,
        cx: &mut Cx<'u>,
        obj: &Expr,
        ot: &Ty,
        b: Builtin,
        arg_tys: &[Ty],
    ) -> Ty {
        let Ty::List(elem) = ot else {
            return ot.clone();
        };
        let given = match (b, arg_tys) {
            (Builtin::List(ListFn::Append), [t]) | (Builtin::List(ListFn::Insert), [_, t]) => {
                Some(t.clone())
            }
            (Builtin::List(ListFn::Extend), [t]) => seq_elem(t),
            _ => None,
        };
        let (Some(t), ExprKind::Name(n)) = (given.filter(Ty::is_known), &obj.kind) else {
            return ot.clone();
        };
        let to = if **elem == Ty::Unknown {
            Some(t).filter(storable)
        } else if elem.scalar().is_some() && t.scalar().is_some() && self.widens(cx, n) {
            unify(elem, &t).filter(|w| w != &**elem)
        } else {
            None
        };
        let Some(to) = to else {
            return ot.clone();
        };
        let ot = Ty::List(Box::new(to));
        cx.vars.insert(n.clone(), ot.clone());
        cx.expr_ty.insert(obj.id, ot.clone());
        ot
    }

    /// The `ListFn` family: list methods (`tys[0]` is the list) and the
    /// builtins over iterables.
    pub(crate) fn list_fn_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: ListFn,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        name: &str,
    ) -> Ty {
        if tys
            .iter()
            .any(|t| !t.is_known() && !matches!(t, Ty::List(_)))
        {
            return Ty::Unknown;
        }
        let n = tys.len();
        let elem = match tys.first() {
            Some(Ty::List(t)) => (**t).clone(),
            _ => Ty::Unknown,
        };
        let (lo, hi) = match f {
            ListFn::New => (0, 1),
            ListFn::Sorted | ListFn::Reversed | ListFn::Any | ListFn::All => (1, 1),
            ListFn::Sum => (1, 2),
            ListFn::Append | ListFn::Extend | ListFn::Remove | ListFn::Count => (2, 2),
            ListFn::Insert => (3, 3),
            ListFn::DelItem => (2, 2),
            ListFn::Pop => (1, 2),
            ListFn::Index => (2, 4),
            ListFn::Clear | ListFn::Reverse | ListFn::Sort | ListFn::Copy => (1, 1),
        };
        // A method's receiver is not an argument the user counts.
        let shift = usize::from(!matches!(
            f,
            ListFn::New
                | ListFn::Sorted
                | ListFn::Reversed
                | ListFn::Sum
                | ListFn::Any
                | ListFn::All
        ));
        if !self.arity(cx, e, name, n - shift, lo - shift, hi - shift) {
            return Ty::Unknown;
        }
        let iterable = |this: &mut Self, cx: &mut Cx<'u>, t: &Ty| -> Option<Ty> {
            let got = seq_elem(t);
            if got.is_none() {
                this.no_match(cx, e, name, tys, "(list), (tuple), (range), (1-d array)");
            }
            got
        };
        match f {
            ListFn::New => {
                if n == 0 {
                    cx.lists.push((e.id, e.span));
                    return Ty::List(Box::new(Ty::Unknown));
                }
                let Some(t) = iterable(self, cx, &tys[0]) else {
                    return Ty::Unknown;
                };
                if !storable(&t) && t != Ty::Unknown {
                    self.bad_item(cx, e.span, &t);
                    return Ty::Unknown;
                }
                Ty::List(Box::new(t))
            }
            ListFn::Sorted | ListFn::Sort => {
                let t = if f == ListFn::Sorted {
                    let Some(t) = iterable(self, cx, &tys[0]) else {
                        return Ty::Unknown;
                    };
                    t
                } else {
                    elem.clone()
                };
                let keyed = kwargs.iter().any(|(k, _)| k == "key");
                if !keyed && !orderable(&t) && t.is_known() {
                    return self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "items that are real numbers, strings or tuples of them, or a key= giving one",
                    );
                }
                for (k, x) in kwargs {
                    let kt = cx.expr_ty.get(&x.id).cloned().unwrap_or(Ty::Unknown);
                    if k == "reverse" && !matches!(kt, Ty::Scalar(_) | Ty::Unknown) {
                        return self.no_match(cx, e, name, tys, "reverse=bool");
                    }
                    if k == "key" && !matches!(kt, Ty::Function(_) | Ty::NoneType | Ty::Unknown) {
                        return self.no_match(cx, e, name, tys, "key=a function of one item");
                    }
                    if let (true, Ty::Function(tid)) = (k == "key", &kt) {
                        if !self.sort_key(cx, x, *tid, &t, name) {
                            return Ty::Unknown;
                        }
                    }
                }
                if f == ListFn::Sorted {
                    Ty::List(Box::new(t))
                } else {
                    Ty::NoneType
                }
            }
            ListFn::Reversed => {
                if tys[0] == Ty::Range {
                    return Ty::Range;
                }
                if matches!(&tys[0], Ty::Dict(d) if d.value.is_none()) {
                    return self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "(list), (tuple), (str), (dict), (range), (1-d array); a set has no order",
                    );
                }
                match iterable(self, cx, &tys[0]) {
                    Some(t) => Ty::List(Box::new(t)),
                    None => Ty::Unknown,
                }
            }
            ListFn::Sum => {
                let Some(t) = iterable(self, cx, &tys[0]) else {
                    return Ty::Unknown;
                };
                let start = tys.get(1).cloned().or_else(|| {
                    kwargs
                        .iter()
                        .find(|(k, _)| k == "start")
                        .and_then(|(_, x)| cx.expr_ty.get(&x.id).cloned())
                });
                let start = start.unwrap_or(Ty::I64);
                match (
                    t.scalar().or(Some(Dtype::I64).filter(|_| t == Ty::Unknown)),
                    start.scalar(),
                ) {
                    // Python's sum: bools add as ints.
                    (Some(a), Some(b)) => {
                        let a = if a == Dtype::Bool { Dtype::I64 } else { a };
                        let b = if b == Dtype::Bool { Dtype::I64 } else { b };
                        Ty::Scalar(promote_arith(a, b))
                    }
                    _ => self.no_match(cx, e, name, tys, "(iterable of numbers[, start])"),
                }
            }
            ListFn::Any | ListFn::All => {
                let Some(t) = iterable(self, cx, &tys[0]) else {
                    return Ty::Unknown;
                };
                if t.scalar().is_none() && t != Ty::Unknown {
                    return self.no_match(cx, e, name, tys, "(iterable of numbers or bools)");
                }
                Ty::BOOL
            }
            ListFn::Append | ListFn::Insert => {
                let x = &tys[n - 1];
                if f == ListFn::Insert {
                    self.expect_int(cx, e, &tys[1], "list.insert index");
                }
                if !accepts(&elem, x) {
                    return self.item_mismatch(cx, e, name, &tys[0], x);
                }
                Ty::NoneType
            }
            ListFn::Extend => {
                let Some(t) = iterable(self, cx, &tys[1]) else {
                    return Ty::Unknown;
                };
                if !accepts(&elem, &t) {
                    return self.item_mismatch(cx, e, name, &tys[0], &t);
                }
                Ty::NoneType
            }
            ListFn::Pop => {
                if n == 2 {
                    self.expect_int(cx, e, &tys[1], "list.pop index");
                }
                elem
            }
            ListFn::Remove | ListFn::Count | ListFn::Index => {
                if !comparable(&elem) || !comparable(&tys[1]) {
                    return self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "items that are numbers, strings or tuples of them",
                    );
                }
                for t in &tys[2..] {
                    self.expect_int(cx, e, t, "list.index bound");
                }
                if f == ListFn::Remove {
                    Ty::NoneType
                } else {
                    Ty::I64
                }
            }
            ListFn::Clear | ListFn::Reverse => Ty::NoneType,
            ListFn::DelItem => {
                // The index (a slice's bounds were typed with it).
                if !matches!(tys[1], Ty::NoneType) {
                    self.expect_int(cx, e, &tys[1], "list index");
                }
                Ty::NoneType
            }
            ListFn::Copy => tys[0].clone(),
        }
    }

    /// Resolve `key=f` for items of type `item`: an instance of `f` (its
    /// captures after the item), recorded on the key expression; its result
    /// must be orderable.
    fn sort_key(&mut self, cx: &mut Cx<'u>, key: &Expr, tid: u32, item: &Ty, name: &str) -> bool {
        let t = self.templates[tid as usize].clone();
        let mut tys = vec![item.clone()];
        for c in &t.captures {
            tys.push(cx.vars.get(c).cloned().unwrap_or(Ty::Unknown));
        }
        if !tys.iter().all(Ty::is_known) {
            return false;
        }
        let id = self.instance(tid, tys);
        cx.res.insert(
            key.id,
            Res::Call(Call {
                callee: Callee::Instance {
                    id,
                    captures: t.captures.clone(),
                },
                args: vec![],
                kwargs: vec![],
            }),
        );
        let ret = self.instances[id as usize].ret.clone();
        if ret.is_known() && !orderable(&ret) {
            let d = Diagnostic::error(
                "bad-sort-key",
                key.span,
                format!("the key of `{name}` gives {}; compiled code sorts by real numbers, strings and tuples of them", self.a_type(&ret)),
            )
            .with_label(format!("this key returns {ret}"));
            self.err(cx, d);
            return false;
        }
        true
    }

    fn item_mismatch(&mut self, cx: &Cx<'u>, e: &Expr, name: &str, list: &Ty, item: &Ty) -> Ty {
        let d = Diagnostic::error(
            "list-item-types",
            e.span,
            format!("`{name}` cannot put {} into a {list}", self.a_type(item)),
        )
        .with_label(format!("this is {item}"))
        .with_note(
            "a list keeps the item type of its first items; only safe conversions (int to float) are made",
        );
        self.err(cx, d);
        Ty::Unknown
    }

    /// `l[i]` (the item) or `l[a:b:c]` (a new list).
    pub(crate) fn list_subscript(&mut self, cx: &Cx<'u>, index: &Expr, elem: &Ty, it: &Ty) -> Ty {
        if matches!(index.kind, ExprKind::Slice(..)) {
            return Ty::List(Box::new(elem.clone()));
        }
        if matches!(it, Ty::Scalar(d) if d.is_int() || *d == Dtype::Bool) {
            return elem.clone();
        }
        if it.is_known() {
            let d = Diagnostic::error(
                "bad-index",
                index.span,
                format!("list indices must be integers or slices, not {it}"),
            );
            self.err(cx, d);
        }
        Ty::Unknown
    }

    /// `l[i] = v`: the item type when `v` fits it.
    pub(crate) fn list_setitem(
        &mut self,
        cx: &mut Cx<'u>,
        target: &Expr,
        index: &Expr,
        elem: &Ty,
        it: &Ty,
        v: &Ty,
    ) {
        if matches!(index.kind, ExprKind::Slice(..)) {
            let d = Diagnostic::unsupported(
                index.span,
                "assigning to a slice of a list is not supported yet",
            )
            .with_note("assign the items one by one, or build a new list");
            self.err(cx, d);
            return;
        }
        let t = self.list_subscript(cx, index, elem, it);
        if t.is_known() && !accepts(&t, v) {
            let d = Diagnostic::error(
                "bad-setitem",
                target.span,
                format!(
                    "cannot assign {} into an item of a list({t})",
                    self.a_type(v)
                ),
            )
            .with_note("only safe conversions (int to float) are made");
            self.err(cx, d);
        }
        cx.expr_ty.insert(target.id, t);
    }

    /// `l + m`, `l * n`, `n * l` (None when neither side is a list).
    pub(crate) fn list_binop(
        &mut self,
        l: &Ty,
        r: &Ty,
        op: oxjit_syntax::BinOp,
    ) -> Option<Option<Ty>> {
        use oxjit_syntax::BinOp;
        let int = |t: &Ty| matches!(t, Ty::Scalar(d) if d.is_int() || *d == Dtype::Bool);
        Some(match (op, l, r) {
            // A new list: numbers of both unify (`[1.5] + [2]` is a list(float64)).
            (BinOp::Add, Ty::List(a), Ty::List(b)) => match (a.scalar(), b.scalar()) {
                (Some(_), Some(_)) => unify(a, b).map(|t| Ty::List(Box::new(t))),
                _ => unify(l, r),
            },
            (BinOp::Mul, Ty::List(_), n) if int(n) => Some(l.clone()),
            (BinOp::Mul, n, Ty::List(_)) if int(n) => Some(r.clone()),
            (_, Ty::List(_), _) | (_, _, Ty::List(_)) => None,
            _ => return None,
        })
    }

    /// `x in l`, `l == m` (None when no side is a list).
    pub(crate) fn list_compare(&mut self, l: &Ty, r: &Ty, op: oxjit_syntax::CmpOp) -> Option<bool> {
        use oxjit_syntax::CmpOp;
        Some(match (op, l, r) {
            (CmpOp::In | CmpOp::NotIn, x, Ty::List(t)) => comparable(x) && comparable(t),
            (CmpOp::Eq | CmpOp::Ne, Ty::List(a), Ty::List(b)) => {
                comparable(a) && comparable(b) || **a == Ty::Unknown || **b == Ty::Unknown
            }
            (_, Ty::List(_), _) | (_, _, Ty::List(_)) => false,
            _ => return None,
        })
    }
}
