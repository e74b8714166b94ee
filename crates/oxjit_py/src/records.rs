//! Structured arrays and their records at the boundary: a NumPy structured
//! dtype becomes a `RecordTy` (its fields' names, types and offsets, its
//! itemsize); an array of it is unboxed as any array is (compiled code sees
//! the same memory), and a record scalar (`np.void`, such as `a[0]`) as the
//! address of its bytes, so writes to its fields reach the array it views.

use crate::boxing::ArgBuf;
use numpy::npyffi::{
    self, PyArrayObject, NPY_ARRAY_C_CONTIGUOUS, NPY_ARRAY_F_CONTIGUOUS, NPY_ARRAY_WRITEABLE,
};
use oxjit_types::{Dtype, Layout, RecordArrayTy, RecordTy, Ty};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use std::sync::Arc;

/// NumPy's type number of structured (void) dtypes.
const NPY_VOID: i32 = 20;

/// The record type of structured dtype `dt`.
pub fn record_of_dtype(dt: &Bound<'_, PyAny>) -> Result<Arc<RecordTy>, String> {
    let err = |e: PyErr| e.to_string();
    let names = dt.getattr("names").map_err(err)?;
    let names = names
        .cast::<PyTuple>()
        .map_err(|_| "a dtype without fields".to_string())?;
    let fields = dt.getattr("fields").map_err(err)?;
    let mut out = Vec::new();
    for name in names.iter() {
        let name: String = name.extract().map_err(err)?;
        let entry = fields.get_item(&name).map_err(err)?;
        let fdt = entry.get_item(0).map_err(err)?;
        let off: usize = entry.get_item(1).and_then(|o| o.extract()).map_err(err)?;
        let t = if !fdt.getattr("names").map_err(err)?.is_none() {
            Ty::Record(record_of_dtype(&fdt)?)
        } else {
            if !fdt.getattr("subdtype").map_err(err)?.is_none() {
                return Err(format!(
                    "a structured array whose field '{name}' is a subarray ({fdt})"
                ));
            }
            if fdt
                .getattr("byteorder")
                .map_err(err)?
                .extract::<String>()
                .map_err(err)?
                == ">"
            {
                return Err(format!(
                    "a structured array whose field '{name}' is big-endian"
                ));
            }
            let num: i32 = fdt.getattr("num").and_then(|n| n.extract()).map_err(err)?;
            let d = Dtype::from_numpy_type_num(num)
                .ok_or_else(|| format!("a structured array whose field '{name}' is {fdt}"))?;
            Ty::Scalar(d)
        };
        out.push((name, t, off));
    }
    Ok(Arc::new(RecordTy {
        fields: out,
        size: dt
            .getattr("itemsize")
            .and_then(|s| s.extract())
            .map_err(err)?,
        aligned: dt
            .getattr("isalignedstruct")
            .and_then(|s| s.extract())
            .map_err(err)?,
    }))
}

fn fields_of<'a>(a: &'a Bound<'_, PyAny>) -> &'a npyffi::objects::PyArrayObject_fields {
    // SAFETY: callers checked that `a` is an ndarray.
    unsafe { &(*(a.as_ptr() as *mut PyArrayObject)).fields }
}

/// The type of a structured array argument, if `a` is one.
pub fn typeof_structured(py: Python<'_>, a: &Bound<'_, PyAny>) -> Option<Result<Ty, String>> {
    if unsafe { npyffi::PyArray_Check(py, a.as_ptr()) } != 0 {
        let f = fields_of(a);
        if unsafe { (*f.descr).fields.type_num } != NPY_VOID {
            return None;
        }
        if f.flags & NPY_ARRAY_WRITEABLE == 0 {
            return Some(Err("a read-only structured array".into()));
        }
        let layout = if f.flags & NPY_ARRAY_C_CONTIGUOUS != 0 {
            Layout::C
        } else if f.flags & NPY_ARRAY_F_CONTIGUOUS != 0 {
            Layout::F
        } else {
            Layout::A
        };
        return Some(
            a.getattr("dtype")
                .map_err(|e| e.to_string())
                .and_then(|dt| {
                    Ok(Ty::RecordArray(Box::new(RecordArrayTy {
                        rec: record_of_dtype(&dt)?,
                        ndim: f.nd as u8,
                        layout,
                    })))
                }),
        );
    }
    None
}

/// NumPy's type number of a structured record scalar (`np.void`).
pub const RECORD_SCALAR: i32 = NPY_VOID;

/// The type of record scalar `a` (an `np.void`, NumPy's scalar of type
/// number `RECORD_SCALAR`).
pub fn typeof_record_scalar(a: &Bound<'_, PyAny>) -> Result<Ty, String> {
    a.getattr("dtype")
        .map_err(|e| e.to_string())
        .and_then(|dt| record_of_dtype(&dt).map(Ty::Record))
}

/// Unbox structured array `a` (typed `ra`) into its array struct: borrowed,
/// as arrays are (the ndarray is its parent).
pub fn unbox_record_array(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    ra: &RecordArrayTy,
    buf: &mut ArgBuf,
) -> PyResult<()> {
    match typeof_structured(py, a) {
        Some(Ok(Ty::RecordArray(got))) if got.rec == ra.rec && got.ndim == ra.ndim => {}
        _ => {
            return Err(PyTypeError::new_err(format!(
                "expected a structured array of {}",
                ra.rec
            )))
        }
    }
    crate::boxing::fill_array_struct(a, ra.ndim as usize, ra.rec.size as u64, buf);
    Ok(())
}

/// Unbox record scalar `a` (typed `rec`): the address of its bytes (the
/// array's, when it is a view of an array's item), borrowed for the call.
pub fn unbox_record(a: &Bound<'_, PyAny>, rec: &Arc<RecordTy>, buf: &mut ArgBuf) -> PyResult<()> {
    match typeof_record_scalar(a) {
        Ok(Ty::Record(got)) if got == *rec => {}
        _ => return Err(PyTypeError::new_err(format!("expected a record of {rec}"))),
    }
    // `PyVoidScalarObject`: `PyObject_VAR_HEAD`, then `char *obval`.
    let obval = unsafe { *((a.as_ptr() as *const u8).add(24) as *const u64) };
    let s = buf.slot(2);
    s[0] = 0;
    s[1] = obval;
    Ok(())
}
