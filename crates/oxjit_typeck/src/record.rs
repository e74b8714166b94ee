//! Structured arrays (Numba's record arrays): `a[i]` (a record, by
//! reference), `a[i:j]`, `a['x']` (a strided view of one field), and a
//! record's fields read and written by attribute or by a constant name
//! (`r.x`, `r['x']`, `a[i].x = v`). Fields are numbers or nested records.

use crate::driver::{Checker, Cx};
use oxjit_syntax::{Diagnostic, Expr, ExprKind};
use oxjit_types::{ArrayTy, Layout, RecordArrayTy, RecordTy, Ty};
use std::sync::Arc;

/// The type a field of `rec` reads as: a number, or a nested record (by
/// reference, like the record itself).
pub(crate) fn field_ty(rec: &RecordTy, name: &str) -> Option<Ty> {
    rec.field(name).map(|(t, _)| t.clone())
}

impl<'u> Checker<'u> {
    fn no_field(&mut self, cx: &Cx<'u>, at: &Expr, rec: &RecordTy, name: &str) -> Ty {
        let names: Vec<&str> = rec.fields.iter().map(|(n, _, _)| n.as_str()).collect();
        let d = Diagnostic::error(
            "unknown-attribute",
            at.span,
            format!("the record has no field `{name}`"),
        )
        .with_note(format!("its fields: {}", names.join(", ")));
        self.err(cx, d);
        Ty::Unknown
    }

    /// `r.name` of a record.
    pub(crate) fn record_attr(&mut self, cx: &Cx<'u>, e: &Expr, rec: &RecordTy, name: &str) -> Ty {
        field_ty(rec, name).unwrap_or_else(|| self.no_field(cx, e, rec, name))
    }

    /// `a[index]` of a record array (`ra`) or `r[index]` of a record (`rec`).
    pub(crate) fn record_subscript(
        &mut self,
        cx: &Cx<'u>,
        e: &Expr,
        bt: &Ty,
        index: &Expr,
        it: &Ty,
    ) -> Ty {
        let name = if let ExprKind::Str(s) = &index.kind {
            Some(s.clone())
        } else {
            None
        };
        match (bt, name) {
            (Ty::Record(rec), Some(n)) => self.record_attr(cx, index, rec, &n),
            (Ty::Record(_), None) => self.bad_record_index(cx, e, bt, it),
            (Ty::RecordArray(ra), Some(n)) => match field_ty(&ra.rec, &n) {
                Some(Ty::Scalar(d)) => Ty::Array(ArrayTy {
                    dtype: d,
                    ndim: ra.ndim,
                    layout: Layout::A,
                    readonly: false,
                }),
                Some(Ty::Record(inner)) => Ty::RecordArray(Box::new(RecordArrayTy {
                    rec: inner,
                    ndim: ra.ndim,
                    layout: Layout::A,
                })),
                Some(_) | None => self.no_field(cx, index, &ra.rec, &n),
            },
            (Ty::RecordArray(ra), None) => {
                let int = |t: &Ty| t.scalar().is_some_and(|d| d.is_int());
                let (ints, all_int) = if let Ty::Tuple(items) = it {
                    (items.len(), items.iter().all(int))
                } else {
                    (1, int(it))
                };
                if all_int && ints == ra.ndim as usize {
                    return Ty::Record(ra.rec.clone());
                }
                if ra.ndim == 1 && matches!(index.kind, ExprKind::Slice(..)) {
                    return Ty::RecordArray(Box::new(RecordArrayTy {
                        rec: ra.rec.clone(),
                        ndim: 1,
                        layout: Layout::A,
                    }));
                }
                if !it.is_known() {
                    return Ty::Unknown;
                }
                self.bad_record_index(cx, e, bt, it)
            }
            _ => Ty::Unknown,
        }
    }

    fn bad_record_index(&mut self, cx: &Cx<'u>, e: &Expr, bt: &Ty, it: &Ty) -> Ty {
        let d = Diagnostic::error(
            "bad-index",
            e.span,
            format!("cannot index {} with {}", self.a_type(bt), self.a_type(it)),
        )
        .with_note(
            "a record array takes one integer per dimension, a 1-d slice or a field name; a record takes a field name",
        );
        self.err(cx, d);
        Ty::Unknown
    }

    /// `r.name = v` or `r['name'] = v` (value typed `ty`): the field takes
    /// the value converted to its type.
    pub(crate) fn record_store(
        &mut self,
        cx: &mut Cx<'u>,
        target: &Expr,
        rec: &Arc<RecordTy>,
        name: &str,
        ty: &Ty,
    ) {
        let Some(ft) = field_ty(rec, name) else {
            self.no_field(cx, target, rec, name);
            return;
        };
        cx.expr_ty.insert(target.id, ft.clone());
        let ok = match (&ft, ty) {
            (Ty::Scalar(f), Ty::Scalar(v)) => f.is_complex() || !v.is_complex(),
            _ => !ty.is_known(),
        };
        if !ok {
            let d = Diagnostic::error(
                "bad-field-type",
                target.span,
                format!(
                    "cannot store {} in record field `{name}` of type {ft}",
                    self.a_type(ty)
                ),
            );
            self.err(cx, d);
        }
    }
}
