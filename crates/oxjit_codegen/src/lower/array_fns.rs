//! `registry::ArrFn` (NumPy array functions): the dispatcher and helpers shared by its families.

use super::*;

mod creation;
mod search;
mod shape;
mod stats;

impl<'p> FnGen<'_, 'p> {
    fn const_int(v: &V) -> Option<i64> {
        v.r.parse().ok()
    }

    /// A C-contiguous view with a new shape over a C array's data.
    pub(super) fn reshape_view(&mut self, src: &V, dtype: Dtype, dims: &[String]) -> V {
        let a = ArrayTy::new(dtype, dims.len() as u8, Layout::C);
        let mut strides = vec![String::new(); dims.len()];
        let mut st = dtype.size().to_string();
        for d in (0..dims.len()).rev() {
            strides[d] = st.clone();
            st = self.val(&format!("mul i64 {st}, {}", dims[d]));
        }
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&src.ty), src.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&src.ty), src.r));
        let data = self.data(src);
        self.make_array(&a, &mi, &parent, &data, dims, &strides)
    }

    pub(super) fn flat_elem(&mut self, v: &V, d: Dtype, k: &str) -> V {
        let data = self.data(v);
        let off = self.val(&format!("mul nsw i64 {k}, {}", d.size()));
        let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        self.load_elem(d, &p)
    }

    pub(super) fn flat_store(&mut self, v: &V, d: Dtype, k: &str, x: &V) {
        let data = self.data(v);
        let off = self.val(&format!("mul nsw i64 {k}, {}", d.size()));
        let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        let x = self.cast(x.clone(), &Ty::Scalar(d));
        self.store_elem(&x, &p);
    }

    pub(super) fn arr_fn(&mut self, f: ArrFn, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        match f {
            ArrFn::Array | ArrFn::AsArray if matches!(args[0].ty, Ty::List(_)) => {
                let d = ty.array().map(|a| a.dtype).ok_or("array of a list")?;
                self.array_of_list(&args[0], d)
            }
            ArrFn::Cumsum | ArrFn::Cumprod | ArrFn::Diff => self.arr_cumulative(f, args, call, ty),
            ArrFn::Bincount
            | ArrFn::Median
            | ArrFn::Percentile
            | ArrFn::Quantile
            | ArrFn::Average
            | ArrFn::Trapezoid => self.arr_statistics(f, args, call, ty),
            ArrFn::Reshape
            | ArrFn::Ravel
            | ArrFn::Flatten
            | ArrFn::AsContiguous
            | ArrFn::Astype
            | ArrFn::Array
            | ArrFn::Flip
            | ArrFn::AsArray => self.arr_shape(f, args, call, ty),
            ArrFn::Eye
            | ArrFn::Identity
            | ArrFn::Concatenate
            | ArrFn::Vstack
            | ArrFn::Hstack
            | ArrFn::Meshgrid
            | ArrFn::Logspace => self.arr_create(f, args, call, ty),
            ArrFn::Searchsorted | ArrFn::Interp | ArrFn::Nonzero | ArrFn::Flatnonzero => {
                self.arr_search(f, args, call)
            }
            ArrFn::Convolve
            | ArrFn::Trace
            | ArrFn::Outer
            | ArrFn::Kron
            | ArrFn::Vdot
            | ArrFn::Allclose => self.arr_products(f, args, call, ty),
            ArrFn::Sort | ArrFn::Argsort | ArrFn::Unique => self.arr_sort(f, args, ty),
            ArrFn::Norm => self.norm(&args, call, ty),
        }
    }

    /// Apply a scalar function to a scalar, or element-wise to an array.
    pub(super) fn map_scalar_or_array(
        &mut self,
        x: &V,
        out_d: Dtype,
        f: &mut dyn FnMut(&mut Self, V) -> R<V>,
    ) -> R<V> {
        match x.ty.clone() {
            Ty::Array(xa) => {
                let shape: Vec<String> = (0..xa.ndim as usize).map(|d| self.shape(x, d)).collect();
                let out = self.alloc_array(out_d, &shape);
                let ca = ArrayTy::new(out_d, xa.ndim, Layout::C);
                let lp = self.nd_open(&shape);
                let p = self.nd_ptr(x, &xa, &lp.idx);
                let e = self.load_elem(xa.dtype, &p);
                let r = f(self, e)?;
                let r = self.cast(r, &Ty::Scalar(out_d));
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&r, &q);
                self.nd_close(lp);
                Ok(out)
            }
            Ty::Scalar(_)
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
            | Ty::Optional(_)
            | Ty::Unknown => f(self, x.clone()),
        }
    }
}
