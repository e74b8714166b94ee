//! `np.iinfo(t)` and `np.finfo(t)` in compiled code: a named tuple of
//! constants (Numba's `iinfo(min, max, bits)` and its `finfo` fields), built
//! from the dtype at compile time.

use crate::program::Const;
use oxjit_types::{Dtype, NamedTupleTy, Ty};

/// The named tuple class number of these records: 0 is no Python class (a
/// record returned to Python comes back as a plain tuple).
pub const TYPE_INFO_CLASS: u64 = 0;

/// Numba's field order, then `smallest_normal`.
const FINFO_FIELDS: [&str; 16] = [
    "eps",
    "epsneg",
    "iexp",
    "machep",
    "max",
    "maxexp",
    "min",
    "minexp",
    "negep",
    "nexp",
    "nmant",
    "precision",
    "resolution",
    "tiny",
    "bits",
    "smallest_normal",
];

/// The record's type and its items' constants: `iinfo` of an integer dtype
/// (min and max typed int64, uint64 for uint64 so its max fits), `finfo` of
/// a float or complex dtype (of its real part; float fields in that dtype,
/// as NumPy's). None for any other dtype.
pub fn type_info(d: Dtype, float: bool) -> Option<(NamedTupleTy, Vec<Const>)> {
    if float {
        return finfo(d);
    }
    if !d.is_int() {
        return None;
    }
    let bits = 8 * d.size() as i64;
    let signed = d.is_signed();
    let (min, max) = match (signed, bits) {
        (true, 64) => (i64::MIN, i64::MAX),
        (true, b) => (-(1i64 << (b - 1)), (1i64 << (b - 1)) - 1),
        // uint64's max is held in its bits (-1 as an i64 constant).
        (false, 64) => (0, -1),
        (false, b) => (0, (1i64 << b) - 1),
    };
    let t = if d == Dtype::U64 {
        Ty::Scalar(Dtype::U64)
    } else {
        Ty::I64
    };
    let nt = NamedTupleTy {
        class: TYPE_INFO_CLASS,
        name: "iinfo".into(),
        fields: vec!["min".into(), "max".into(), "bits".into()],
        items: vec![t.clone(), t, Ty::I64],
    };
    Some((nt, vec![Const::Int(min), Const::Int(max), Const::Int(bits)]))
}

fn finfo(d: Dtype) -> Option<(NamedTupleTy, Vec<Const>)> {
    let f = if d.is_float() || d.is_complex() {
        d.real_part()
    } else {
        return None;
    };
    // (bits, eps, epsneg, iexp, machep, max, maxexp, minexp, negep, nexp,
    // nmant, precision, resolution, tiny): IEEE binary32 / binary64.
    let v: [f64; 14] = if f == Dtype::F32 {
        [
            32.0,
            f32::EPSILON as f64,
            (f32::EPSILON / 2.0) as f64,
            8.0,
            -23.0,
            f32::MAX as f64,
            128.0,
            -126.0,
            -24.0,
            8.0,
            23.0,
            6.0,
            1e-6_f32 as f64,
            f32::MIN_POSITIVE as f64,
        ]
    } else {
        [
            64.0,
            f64::EPSILON,
            f64::EPSILON / 2.0,
            11.0,
            -52.0,
            f64::MAX,
            1024.0,
            -1022.0,
            -53.0,
            11.0,
            52.0,
            15.0,
            1e-15,
            f64::MIN_POSITIVE,
        ]
    };
    let [bits, eps, epsneg, iexp, machep, max, maxexp, minexp, negep, nexp, nmant, precision, resolution, tiny] =
        v;
    let int = |x: f64| (Const::Int(x as i64), Ty::I64);
    let flt = |x: f64| (Const::Float(x), Ty::Scalar(f));
    let items = [
        flt(eps),
        flt(epsneg),
        int(iexp),
        int(machep),
        flt(max),
        int(maxexp),
        flt(-max),
        int(minexp),
        int(negep),
        int(nexp),
        int(nmant),
        int(precision),
        flt(resolution),
        flt(tiny),
        int(bits),
        flt(tiny),
    ];
    let nt = NamedTupleTy {
        class: TYPE_INFO_CLASS,
        name: "finfo".into(),
        fields: FINFO_FIELDS.iter().map(|s| s.to_string()).collect(),
        items: items.iter().map(|(_, t)| t.clone()).collect(),
    };
    Some((nt, items.into_iter().map(|(c, _)| c).collect()))
}

/// The dtype `np.iinfo`/`np.finfo` describe for an argument of type `t`: a
/// dtype or scalar type object, a number, or an array (its dtype).
pub fn type_info_dtype(t: &Ty) -> Option<Dtype> {
    match t {
        Ty::DtypeObj(d) | Ty::Scalar(d) => Some(*d),
        Ty::Array(a) => Some(a.dtype),
        // `np.int64` and friends, callable as casts.
        Ty::Global(p) => match crate::registry::lookup(p) {
            Some(crate::registry::Builtin::Cast(d)) => Some(d),
            _ => None,
        },
        Ty::NoneType
        | Ty::Str
        | Ty::Tuple(_)
        | Ty::Range
        | Ty::Function(_)
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
        | Ty::Unknown => None,
    }
}
