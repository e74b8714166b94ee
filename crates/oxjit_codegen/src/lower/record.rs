//! Structured arrays: a record array is held exactly as an array (its
//! shape, strides and data read through `RecordArrayTy::as_bytes`, whose
//! strides come from the array); a record is `{meminfo*, data*}`, the
//! array's MemInfo and the record's address, borrowed as array views are.
//! Fields are read and written in place, byte-aligned (a packed dtype may
//! put a float64 at any offset).

use super::*;
use oxjit_types::{RecordArrayTy, RecordTy};

fn record_of(t: &Ty) -> R<std::sync::Arc<RecordTy>> {
    if let Ty::Record(r) = t {
        return Ok(r.clone());
    }
    ice(format!("a field of a {t}"))
}

/// The bytes a field of type `t` takes (a number or a nested record).
fn field_size(t: &Ty) -> R<usize> {
    if let Ty::Record(r) = t {
        return Ok(r.size);
    }
    t.scalar()
        .map(|d| d.size())
        .ok_or_else(|| format!("record field of type {t}"))
}

impl<'p> FnGen<'_, 'p> {
    fn as_bytes(b: &V, ra: &RecordArrayTy) -> V {
        V::new(b.r.clone(), Ty::Array(ra.as_bytes()))
    }

    fn record_pair(&mut self, mi: &str, at: &str, rec: &std::sync::Arc<RecordTy>) -> V {
        let a = self.val(&format!("insertvalue {{ptr, ptr}} undef, ptr {mi}, 0"));
        let b = self.val(&format!("insertvalue {{ptr, ptr}} {a}, ptr {at}, 1"));
        V::new(b, Ty::Record(rec.clone()))
    }

    /// The address of field `name` of record `r`, and the field's type.
    fn field_addr(&mut self, r: &V, name: &str) -> R<(String, Ty)> {
        let rec = record_of(&r.ty)?;
        let (ft, off) = rec.field(name).ok_or("record field")?;
        let data = self.val(&format!("extractvalue {{ptr, ptr}} {}, 1", r.r));
        let p = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
        Ok((p, ft.clone()))
    }

    /// `r.name` / `r['name']`: a number, or a nested record (in place).
    pub(super) fn record_get(&mut self, r: &V, name: &str) -> R<V> {
        let (p, ft) = self.field_addr(r, name)?;
        if let Ty::Record(inner) = &ft {
            let mi = self.val(&format!("extractvalue {{ptr, ptr}} {}, 0", r.r));
            return Ok(self.record_pair(&mi, &p, inner));
        }
        let d = ft.scalar().ok_or("record field type")?;
        let mt = mem_ty(d);
        let x = self.val(&format!("load {mt}, ptr {p}, align 1"));
        Ok(if d == Dtype::Bool {
            V::new(self.val(&format!("icmp ne i8 {x}, 0")), Ty::BOOL)
        } else {
            V::new(x, ft)
        })
    }

    /// `r.name = v` / `r['name'] = v`: converted to the field's type.
    pub(super) fn record_set(&mut self, r: &V, name: &str, v: V) -> R<()> {
        let (p, ft) = self.field_addr(r, name)?;
        let Ty::Scalar(d) = ft else {
            return ice("assignment to a record field that is a record");
        };
        let v = self.cast(v, &ft);
        let (t, x) = if d == Dtype::Bool {
            (
                "i8".to_string(),
                self.val(&format!("zext i1 {} to i8", v.r)),
            )
        } else {
            (mem_ty(d).to_string(), v.r)
        };
        self.emit(&format!("store {t} {x}, ptr {p}, align 1"));
        Ok(())
    }

    /// `a[i]`, `a[i, j]` (a record), `a[i:j]` (a view) or `a['name']` (a
    /// strided view of one field) of record array `b`.
    pub(super) fn record_array_get(&mut self, b: &V, index: &'p Expr, ty: Ty) -> R<V> {
        let Ty::RecordArray(ra) = b.ty.clone() else {
            return ice("record array");
        };
        let bytes = Self::as_bytes(b, &ra);
        let lt = llty(&b.ty);
        if let ExprKind::Str(name) = &index.kind {
            // The same array struct: data moved to the field, its itemsize.
            let (ft, off) = ra.rec.field(name).ok_or("record field")?;
            let size = field_size(ft)?;
            let data = self.data(&bytes);
            let p = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
            let v = self.val(&format!("insertvalue {lt} {}, ptr {p}, 4", b.r));
            let v = self.val(&format!("insertvalue {lt} {v}, i64 {size}, 3"));
            return Ok(V::new(v, ty));
        }
        if let Ty::Record(rec) = &ty {
            let p = self.element_ptr(&bytes, &ra.as_bytes(), index)?;
            let mi = self.val(&format!("extractvalue {lt} {}, 0", b.r));
            return Ok(self.record_pair(&mi, &p, rec));
        }
        let v = self.view(&bytes, &ra.as_bytes(), index, &ra.as_bytes())?;
        let v = self.val(&format!("insertvalue {lt} {}, i64 {}, 3", v.r, ra.rec.size));
        Ok(V::new(v, ty))
    }

    /// Item `i` along the first axis of 1-d record array `b` (iteration).
    pub(super) fn record_item(&mut self, b: &V, ra: &RecordArrayTy, i: &str) -> V {
        let bytes = Self::as_bytes(b, ra);
        let s = self.stride(&bytes, &ra.as_bytes(), 0);
        let off = self.val(&format!("mul nsw i64 {i}, {s}"));
        let data = self.data(&bytes);
        let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&b.ty), b.r));
        self.record_pair(&mi, &p, &ra.rec)
    }
}
