//! Dicts and sets: `dict()`/`set()` (and the displays and comprehensions
//! the front end builds with them) take their key and value types from the
//! first `d[k] = v`/`s.add(x)` of the variable they are bound to; methods;
//! `d[k]`, `d[k] = v`, `in`, set operators; iteration gives the keys.
//!
//! Keys are numbers, strings or tuples of numbers: the runtime compares
//! them as bytes, which lowering writes canonically (a string by its text).

use crate::driver::{Checker, Cx};
use crate::list::{accepts, seq_elem, storable};

use crate::registry::{Builtin, DictFn};
use oxjit_syntax::{BinOp, CmpOp, Diagnostic, Expr, ExprKind};
use oxjit_types::{unify, DictTy, Ty};

/// Whether values of type `t` can be keys (or set items): numbers,
/// strings and tuples of them.
pub(crate) fn hashable(t: &Ty) -> bool {
    let t = t.clone().plain_tuple();
    if let Ty::Tuple(items) = &t {
        return items.iter().all(hashable);
    }
    t == Ty::Str || t.scalar().is_some()
}

fn dict_of(t: &Ty) -> Option<&DictTy> {
    if let Ty::Dict(d) = t {
        return Some(d);
    }
    None
}

/// `to` takes `from` with the numbers widened when the table may widen:
/// the wider type, or None when `from` does not fit.
fn fit(to: &Ty, from: &Ty, widen: bool) -> Option<Ty> {
    if *to == Ty::Unknown {
        return Some(from.clone());
    }
    if accepts(to, from) {
        return Some(to.clone());
    }
    if widen && to.scalar().is_some() && from.scalar().is_some() {
        return unify(to, from);
    }
    None
}

impl<'u> Checker<'u> {
    /// `obj` is a variable holding a table built here: it may take its
    /// types (and widen them) from what is stored into it.
    fn table_var(&self, cx: &Cx<'u>, obj: &Expr) -> Option<String> {
        let ExprKind::Name(n) = &obj.kind else {
            return None;
        };
        let is_arg = self.instances[cx.inst as usize]
            .arg_names
            .iter()
            .any(|a| a == n);
        (!is_arg).then(|| n.clone())
    }

    /// Give variable `obj` (a dict or set) key `k` and value `v` (None: a
    /// set's item) where its types are unknown or may widen; the table's
    /// type after that.
    fn refine_table(
        &mut self,
        cx: &mut Cx<'u>,
        obj: &Expr,
        d: &DictTy,
        k: &Ty,
        v: Option<&Ty>,
    ) -> DictTy {
        let Some(n) = self.table_var(cx, obj) else {
            return d.clone();
        };
        let widen = cx.built_lists.contains(&n) && !cx.shared_lists.contains(&n);
        let fresh = !Ty::Dict(Box::new(d.clone())).is_known();
        if !(widen || fresh) || !k.is_known() || v.is_some_and(|v| !v.is_known()) {
            return d.clone();
        }
        let key = fit(&d.key, k, widen).filter(hashable);
        let value = match (&d.value, v) {
            (Some(dv), Some(v)) => fit(dv, v, widen).filter(storable).map(Some),
            (None, None) => Some(None),
            _ => None,
        };
        let (Some(key), Some(value)) = (key, value) else {
            return d.clone();
        };
        let t = DictTy { key, value };
        if t != *d {
            cx.vars.insert(n, Ty::Dict(Box::new(t.clone())));
            cx.expr_ty.insert(obj.id, Ty::Dict(Box::new(t.clone())));
        }
        t
    }

    /// The receiver of dict or set method `b`: an empty (or widening)
    /// table takes its types from what is stored into it.
    pub(crate) fn dict_receiver(
        &mut self,
        cx: &mut Cx<'u>,
        obj: &Expr,
        d: &DictTy,
        b: Builtin,
        arg_tys: &[Ty],
    ) -> DictTy {
        match (b, arg_tys) {
            (Builtin::Dict(DictFn::Add), [x]) => self.refine_table(cx, obj, d, x, None),
            (Builtin::Dict(DictFn::Setdefault), [k, v]) => {
                self.refine_table(cx, obj, d, k, Some(v))
            }
            (Builtin::Dict(DictFn::Update), [Ty::Dict(o)]) => {
                let v = o.value.clone();
                self.refine_table(cx, obj, d, &o.key, v.as_ref())
            }
            (Builtin::Dict(DictFn::Update), [t]) if d.is_set() => match seq_elem(t) {
                Some(x) => self.refine_table(cx, obj, d, &x, None),
                None => d.clone(),
            },
            _ => d.clone(),
        }
    }

    fn key_mismatch(&mut self, cx: &Cx<'u>, e: &Expr, table: &Ty, k: &Ty) -> Ty {
        let d = Diagnostic::error(
            "dict-key-type",
            e.span,
            format!("a {table} has no keys of type {k}"),
        )
        .with_note("keys are converted only where that is safe (an int where float keys are)");
        self.err(cx, d);
        Ty::Unknown
    }

    /// The `DictFn` family: methods (`tys[0]` is the dict or set) and the
    /// `dict`/`set` builtins.
    pub(crate) fn dict_fn_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: DictFn,
        tys: &[Ty],
        name: &str,
    ) -> Ty {
        let n = tys.len();
        if let DictFn::New | DictFn::SetNew = f {
            if !self.arity(cx, e, name, n, 0, 1) {
                return Ty::Unknown;
            }
            let set = f == DictFn::SetNew;
            let Some(t) = tys.first() else {
                cx.lists.push((e.id, e.span));
                return if set {
                    DictTy::set(Ty::Unknown)
                } else {
                    DictTy::dict(Ty::Unknown, Ty::Unknown)
                };
            };
            if let (Some(src), false) = (dict_of(t), set) {
                if !src.is_set() {
                    return t.clone();
                }
            }
            let item = match dict_of(t) {
                Some(src) => Some(src.key.clone()),
                None => seq_elem(t),
            };
            return match (item, set) {
                (Some(k), true) if hashable(&k) => DictTy::set(k),
                (Some(Ty::Tuple(kv)), false) if kv.len() == 2 && hashable(&kv[0]) => {
                    DictTy::dict(kv[0].clone(), kv[1].clone())
                }
                _ => self.no_match(cx, e, name, tys, "(), (iterable of numbers or tuples for a set), (dict or list of pairs for a dict)"),
            };
        }
        let Some(d) = tys.first().and_then(dict_of).cloned() else {
            return Ty::Unknown;
        };
        let me = tys[0].clone();
        // `d.get(k, 0)` of a dict still empty here types as its default
        // (`d[k] = d.get(k, 0) + 1` then gives the dict its types).
        if !me.is_known() && !matches!(f, DictFn::Clear | DictFn::Copy | DictFn::Get | DictFn::Pop)
        {
            return Ty::Unknown;
        }
        let (lo, hi) = match f {
            DictFn::Get | DictFn::Pop => (2, 3),
            DictFn::Setdefault => (3, 3),
            DictFn::Update
            | DictFn::DelItem
            | DictFn::Add
            | DictFn::Discard
            | DictFn::Remove
            | DictFn::Union
            | DictFn::Intersection
            | DictFn::Difference
            | DictFn::SymmetricDifference
            | DictFn::Issubset
            | DictFn::Issuperset
            | DictFn::Isdisjoint => (2, 2),
            DictFn::Keys
            | DictFn::Values
            | DictFn::Items
            | DictFn::Clear
            | DictFn::Copy
            | DictFn::Popitem
            | DictFn::SetPop
            | DictFn::New
            | DictFn::SetNew => (1, 1),
        };
        if !self.arity(cx, e, name, n - 1, lo - 1, hi - 1) {
            return Ty::Unknown;
        }
        let key_ok = |k: &Ty| accepts(&d.key, k);
        let v = d.val();
        match f {
            DictFn::Get | DictFn::Pop | DictFn::Setdefault | DictFn::DelItem => {
                if !key_ok(&tys[1]) {
                    return self.key_mismatch(cx, e, &me, &tys[1]);
                }
                match (f, tys.get(2)) {
                    (DictFn::DelItem, _) => Ty::NoneType,
                    // The default joins the value type (None makes it optional).
                    (DictFn::Get | DictFn::Pop, Some(dflt)) => match unify(&v, dflt) {
                        Some(u) => u,
                        None => self.no_match(cx, e, name, tys, "a default of the value type"),
                    },
                    (DictFn::Get, None) => unify(&v, &Ty::NoneType).unwrap_or(v),
                    (DictFn::Setdefault, Some(dflt)) if !accepts(&v, dflt) => {
                        self.no_match(cx, e, name, tys, "a default of the value type")
                    }
                    _ => v,
                }
            }
            DictFn::Keys => Ty::List(Box::new(d.key.clone())),
            DictFn::Values => Ty::List(Box::new(v)),
            DictFn::Items => Ty::List(Box::new(Ty::Tuple(vec![d.key.clone(), v]))),
            DictFn::Clear => Ty::NoneType,
            DictFn::Copy => me,
            DictFn::Popitem => Ty::Tuple(vec![d.key.clone(), v]),
            DictFn::SetPop => d.key.clone(),
            DictFn::Add | DictFn::Discard | DictFn::Remove => {
                if !hashable(&tys[1]) {
                    return self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "an item that is a number, a string or a tuple of numbers",
                    );
                }
                if !key_ok(&tys[1]) {
                    return self.key_mismatch(cx, e, &me, &tys[1]);
                }
                Ty::NoneType
            }
            DictFn::Update => {
                let ok = match (dict_of(&tys[1]), d.is_set()) {
                    (Some(o), false) => !o.is_set() && key_ok(&o.key) && accepts(&v, &o.val()),
                    (Some(o), true) => key_ok(&o.key),
                    (None, true) => seq_elem(&tys[1]).is_some_and(|x| key_ok(&x)),
                    (None, false) => false,
                };
                if !ok {
                    return self.no_match(
                        cx,
                        e,
                        name,
                        tys,
                        "a dict of the same types (a set: an iterable of its items)",
                    );
                }
                Ty::NoneType
            }
            DictFn::Union
            | DictFn::Intersection
            | DictFn::Difference
            | DictFn::SymmetricDifference
            | DictFn::Issubset
            | DictFn::Issuperset
            | DictFn::Isdisjoint => match self.set_op(&me, &tys[1]) {
                Some(_)
                    if matches!(
                        f,
                        DictFn::Issubset | DictFn::Issuperset | DictFn::Isdisjoint
                    ) =>
                {
                    Ty::BOOL
                }
                Some(t) => t,
                None => self.no_match(cx, e, name, tys, "(a set of the same items)"),
            },
            DictFn::New | DictFn::SetNew => Ty::Unknown,
        }
    }

    /// Two sets of items that unify: the set of the unified items.
    fn set_op(&self, a: &Ty, b: &Ty) -> Option<Ty> {
        let (x, y) = (dict_of(a)?, dict_of(b)?);
        if !x.is_set() || !y.is_set() {
            return None;
        }
        let k = unify(&x.key, &y.key).filter(hashable)?;
        Some(DictTy::set(k))
    }

    /// `d[k]`: the value.
    pub(crate) fn dict_subscript(&mut self, cx: &Cx<'u>, e: &Expr, d: &DictTy, k: &Ty) -> Ty {
        if d.is_set() {
            let msg = "a set cannot be indexed";
            let diag = Diagnostic::error("bad-index", e.span, msg);
            self.err(cx, diag);
            return Ty::Unknown;
        }
        if !k.is_known() || !d.key.is_known() {
            return Ty::Unknown;
        }
        if !accepts(&d.key, k) {
            return self.key_mismatch(cx, e, &Ty::Dict(Box::new(d.clone())), k);
        }
        d.val()
    }

    /// `d[k] = v` (an empty dict's variable takes the types).
    pub(crate) fn dict_setitem(
        &mut self,
        cx: &mut Cx<'u>,
        target: &Expr,
        base: &Expr,
        d: &DictTy,
        k: &Ty,
        v: &Ty,
    ) {
        if d.is_set() {
            let diag = Diagnostic::error(
                "bad-setitem",
                target.span,
                "a set does not support item assignment",
            );
            self.err(cx, diag);
            return;
        }
        if k.is_known() && !hashable(k) {
            let diag = Diagnostic::error(
                "dict-key-type",
                target.span,
                format!("{} cannot be a dict key in compiled code", self.a_type(k)),
            )
            .with_note("keys are numbers, strings or tuples of numbers");
            self.err(cx, diag);
            return;
        }
        let d = self.refine_table(cx, base, d, k, Some(v));
        if !d.key.is_known() || !k.is_known() || !v.is_known() {
            return;
        }
        let me = Ty::Dict(Box::new(d.clone()));
        if !accepts(&d.key, k) {
            self.key_mismatch(cx, target, &me, k);
            return;
        }
        if !accepts(&d.val(), v) {
            let diag = Diagnostic::error(
                "bad-setitem",
                target.span,
                format!("cannot store {} as a value of a {me}", self.a_type(v)),
            )
            .with_note("only safe conversions (int to float) are made");
            self.err(cx, diag);
            return;
        }
        cx.expr_ty.insert(target.id, d.val());
    }

    /// Set operators `| & - ^` (None when neither side is a dict or set;
    /// Some(None) when they do not apply).
    pub(crate) fn dict_binop(&self, l: &Ty, r: &Ty, op: BinOp) -> Option<Option<Ty>> {
        if dict_of(l).is_none() && dict_of(r).is_none() {
            return None;
        }
        let set_ops = [BinOp::BitOr, BinOp::BitAnd, BinOp::Sub, BinOp::BitXor];
        Some(set_ops.contains(&op).then(|| self.set_op(l, r)).flatten())
    }

    /// `k in d`, `s <= t`, `a == b` (None when no side is a dict or set).
    pub(crate) fn dict_compare(&self, l: &Ty, r: &Ty, op: CmpOp) -> Option<bool> {
        let (a, b) = (dict_of(l), dict_of(r));
        if a.is_none() && b.is_none() {
            return None;
        }
        Some(match (op, a, b) {
            (CmpOp::In | CmpOp::NotIn, _, Some(t)) => !t.key.is_known() || accepts(&t.key, l),
            (CmpOp::Eq | CmpOp::Ne, Some(x), Some(y)) => {
                x.is_set() == y.is_set()
                    && unify(&x.key, &y.key).is_some()
                    && (x.is_set()
                        || unify(&x.val(), &y.val()).is_some_and(|v| crate::list::comparable(&v)))
            }
            (CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge, Some(_), Some(_)) => {
                self.set_op(l, r).is_some()
            }
            _ => false,
        })
    }
}
