//! Indexing: basic and fancy index kinds, the layout and type of `a[...]`.

use crate::driver::{Checker, Cx};
use crate::program::{Const, Res};
use crate::prune::tuple_slice;
use oxjit_syntax::{Diagnostic, Expr, ExprKind};
use oxjit_types::{ArrayTy, Dtype, Layout, Ty};

/// One part of a basic index: an integer, or a slice (whether it has a step,
/// whether it covers the whole axis).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IndexKind {
    Int,
    Slice { step: bool, full: bool },
}

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

/// The parts of an index: the items of a tuple index, or the index itself.
pub fn index_kinds(index: &Expr) -> Vec<&Expr> {
    match &index.kind {
        ExprKind::Tuple(xs) => xs.iter().collect(),
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
        | ExprKind::Call { .. }
        | ExprKind::Subscript(..)
        | ExprKind::Slice(..)
        | ExprKind::List(_)
        | ExprKind::Lambda(_)
        | ExprKind::Unsupported(_) => vec![index],
    }
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
        Layout::C | Layout::F | Layout::A => Layout::A,
    }
}

impl<'u> Checker<'u> {
    /// The type of `base[index]`: an array or a tuple indexed.
    pub(crate) fn subscript_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        base: &'u Expr,
        index: &'u Expr,
    ) -> Ty {
        let bt = self.expr(cx, base).plain_tuple();
        let it = self.expr(cx, index);
        if let Ty::Instance(c) = &bt {
            if let Some(t) = self.dunder(cx, e, c, "__getitem__", &[base, index], None) {
                return t;
            }
        }
        match &bt {
            Ty::Array(a) => {
                if !it.is_known() {
                    return Ty::Unknown;
                }
                self.index_result(cx, a, index).unwrap_or(Ty::Unknown)
            }
            Ty::List(elem) => self.list_subscript(cx, index, elem, &it),
            Ty::Record(_) | Ty::RecordArray(_) => self.record_subscript(cx, e, &bt, index, &it),
            Ty::Str => self.str_subscript(cx, index, &it),
            Ty::Dict(d) => {
                let d = (**d).clone();
                self.dict_subscript(cx, e, &d, &it)
            }
            Ty::Tuple(items) => {
                if let Some(Res::Const(Const::Int(i))) = cx.res.get(&index.id) {
                    let n = items.len() as i64;
                    let j = if *i < 0 { i + n } else { *i };
                    if j < 0 || j >= n {
                        let d = Diagnostic::error(
                            "index-out-of-range",
                            index.span,
                            format!("tuple index {i} out of range for a tuple of length {n}"),
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
                            return Ty::Tuple(sel.iter().map(|&i| items[i].clone()).collect())
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
            other @ (Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Range
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::NamedTuple(_)
            | Ty::NamedTupleClass(_)
            | Ty::Instance(_)
            | Ty::Class(_)
            | Ty::Optional(_)) => {
                let d = Diagnostic::error(
                    "not-subscriptable",
                    e.span,
                    format!("{} cannot be indexed", self.a_type(other)),
                );
                self.err(cx, d);
                Ty::Unknown
            }
        }
    }

    pub(crate) fn index_result(
        &mut self,
        cx: &mut Cx<'u>,
        a: &ArrayTy,
        index: &'u Expr,
    ) -> Option<Ty> {
        let ty_of = |p: &'u Expr| cx.expr_ty.get(&p.id).cloned();
        let fk = fancy_kind(a, index, ty_of);
        if fk == Some(Fancy::Axis) {
            let t = fancy_axis_ty(a, index, ty_of);
            cx.fancy.insert(index.id, Fancy::Axis);
            return Some(t);
        }
        if let Some(k) = fk {
            cx.fancy.insert(index.id, k);
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
                format!("indexing a {}-d array with {} is not supported yet", a.ndim, self.a_type(&Ty::Array(ia))),
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
                | ExprKind::Call { .. }
                | ExprKind::Subscript(..)
                | ExprKind::Tuple(_)
                | ExprKind::List(_)
                | ExprKind::Lambda(_)
                | ExprKind::Unsupported(_) => {
                    let t = cx.expr_ty.get(&p.id).cloned().unwrap_or(Ty::Unknown);
                    match t {
                        Ty::Scalar(d) if d.is_int() => kinds.push(IndexKind::Int),
                        Ty::Unknown => return None,
                        Ty::Array(_) | Ty::Scalar(Dtype::Bool) => {
                            let d = Diagnostic::unsupported(p.span, format!("indexing with {} (fancy or boolean indexing) is not supported yet", self.a_type(&t)));
                            self.err(cx, d);
                            return None;
                        }
                        other @ (Ty::Scalar(_)
                        | Ty::NoneType
                        | Ty::Str
                        | Ty::Tuple(_)
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
                                "bad-index",
                                p.span,
                                format!("arrays cannot be indexed by {}", self.a_type(&other)),
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
}
