//! Textual LLVM IR helpers: types, constants and a small instruction writer.
//!
//! We emit IR as text and let LLVM parse it (as llvmlite does for Numba):
//! it keeps the lowering readable, `inspect_llvm()` shows exactly what we
//! generated, and parsing costs well under a millisecond per function.

use oxjit_types::{Dtype, Parts, Ty};
use std::fmt::Write;

/// An SSA operand (`%t3`, `1`, `0x3FF0000000000000`, `zeroinitializer`, ...)
/// together with its oxjit type.
#[derive(Clone, Debug)]
pub struct V {
    pub r: String,
    pub ty: Ty,
}

impl V {
    pub fn new(r: impl Into<String>, ty: Ty) -> V {
        V { r: r.into(), ty }
    }
    pub fn unit(ty: Ty) -> V {
        V {
            r: "zeroinitializer".into(),
            ty,
        }
    }
}

/// The register type of a scalar (bool is `i1`).
pub fn scalar_ty(d: Dtype) -> &'static str {
    match d {
        Dtype::Bool => "i1",
        Dtype::I8 | Dtype::U8 => "i8",
        Dtype::I16 | Dtype::U16 => "i16",
        Dtype::I32 | Dtype::U32 => "i32",
        Dtype::I64 | Dtype::U64 => "i64",
        Dtype::F32 => "float",
        Dtype::F64 => "double",
        Dtype::C64 => "{float, float}",
        Dtype::C128 => "{double, double}",
    }
}

/// The in-memory type of an array element (bool is a byte).
// A query over dtypes: only bool differs; new dtypes take the default.
#[allow(clippy::wildcard_enum_match_arm)]
pub fn mem_ty(d: Dtype) -> &'static str {
    match d {
        Dtype::Bool => "i8",
        _ => scalar_ty(d),
    }
}

pub fn array_ty(ndim: u8) -> String {
    format!("{{ptr, ptr, i64, i64, ptr, [{ndim} x i64], [{ndim} x i64]}}")
}

/// Tuples of at least this many items of one type are LLVM arrays, not
/// structs: LLVM's (IP)SCCP tracks every field of a struct through each
/// `insertvalue`, which is cubic in the length of the chain that builds a
/// big tuple (a 400-tuple took seconds to optimise), and gives up on arrays
/// at once. Small tuples keep their struct types.
pub const UNIFORM_TUPLE_MIN: usize = 16;

/// Whether a tuple of these items is an LLVM array (see [`UNIFORM_TUPLE_MIN`]).
pub fn uniform_tuple(items: &[Ty]) -> bool {
    items.len() >= UNIFORM_TUPLE_MIN && items.iter().all(|t| *t == items[0])
}

/// The register type of any value.
pub fn llty(t: &Ty) -> String {
    match t {
        Ty::Scalar(d) => scalar_ty(*d).to_string(),
        Ty::Array(a) => array_ty(a.ndim),
        Ty::Tuple(items) if uniform_tuple(items) => {
            format!("[{} x {}]", items.len(), llty(&items[0]))
        }
        Ty::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(llty).collect();
            format!("{{{}}}", parts.join(", "))
        }
        // Held exactly as a tuple of its items.
        Ty::NamedTuple(nt) => llty(&Ty::Tuple(nt.items.clone())),
        Ty::Range => "{i64, i64, i64}".into(),
        Ty::Generator => "ptr".into(),
        // The MemInfo of the array it lives in, then its address.
        Ty::Record(_) => "{ptr, ptr}".into(),
        Ty::RecordArray(a) => array_ty(a.ndim),
        // `{meminfo*, payload*}` (see `lower/list.rs`).
        Ty::List(_) | Ty::Dict(_) => "{ptr, ptr}".into(),
        // `{meminfo*, data*, len}`: see `lower/text.rs`.
        Ty::Str => "{ptr, ptr, i64}".into(),
        // The MemInfo (the counted reference), then its fields' address.
        Ty::Instance(_) => "{ptr, ptr}".into(),
        // Payload, present flag (Numba's `{data, valid}`).
        Ty::Optional(t) => format!("{{{}, i1}}", llty(t)),
        Ty::NoneType
        | Ty::NamedTupleClass(_)
        | Ty::Class(_)
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Unknown => "{}".into(),
    }
}

/// A float constant in LLVM's exact hexadecimal form.
pub fn fconst(v: f64, d: Dtype) -> String {
    let v = if d == Dtype::F32 || d == Dtype::C64 {
        (v as f32) as f64
    } else {
        v
    };
    format!("0x{:016X}", v.to_bits())
}

/// The zero/one constant of a scalar type.
// A query over dtypes: integer dtypes take the default.
#[allow(clippy::wildcard_enum_match_arm)]
pub fn scalar_const(d: Dtype, v: f64) -> String {
    match d {
        Dtype::Bool => if v != 0.0 { "true" } else { "false" }.into(),
        Dtype::F32 | Dtype::F64 => fconst(v, d),
        Dtype::C64 => format!(
            "{{float {}, float {}}}",
            fconst(v, Dtype::F32),
            fconst(0.0, Dtype::F32)
        ),
        Dtype::C128 => format!(
            "{{double {}, double {}}}",
            fconst(v, Dtype::F64),
            fconst(0.0, Dtype::F64)
        ),
        _ => format!("{}", v as i64),
    }
}

/// Name suffix of an intrinsic overloaded on a float type.
pub fn fsuffix(d: Dtype) -> &'static str {
    if d == Dtype::F32 || d == Dtype::C64 {
        "f32"
    } else {
        "f64"
    }
}

/// Escape bytes for a `c"..."` string constant.
pub fn escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ' {
            out.push(b as char);
        } else {
            let _ = write!(out, "\\{b:02X}");
        }
    }
    out
}

/// The in-memory size and alignment of a value as `llty` types it (x86-64
/// data layout: `i1` takes a byte, a struct is aligned to its widest member
/// and padded to a multiple of it).
pub fn mem_size_align(t: &Ty) -> (usize, usize) {
    fn of_struct(items: &[Ty]) -> (usize, usize) {
        let (mut off, mut align) = (0usize, 1usize);
        for it in items {
            let (s, a) = mem_size_align(it);
            off = off.next_multiple_of(a) + s;
            align = align.max(a);
        }
        (off.next_multiple_of(align), align)
    }
    match t {
        Ty::Scalar(d) if d.is_complex() => (d.size(), d.size() / 2),
        Ty::Scalar(d) => (d.size(), d.size()),
        Ty::Array(a) => (8 * (5 + 2 * a.ndim as usize), 8),
        Ty::Tuple(items) => of_struct(items),
        Ty::NamedTuple(nt) => of_struct(&nt.items),
        Ty::Range => (24, 8),
        Ty::Generator => (8, 8),
        Ty::RecordArray(a) => (8 * (5 + 2 * a.ndim as usize), 8),
        Ty::Str => (24, 8),
        Ty::Instance(_) | Ty::List(_) | Ty::Dict(_) | Ty::Record(_) => (16, 8),
        Ty::Optional(p) => of_struct(&[(**p).clone(), Ty::BOOL]),
        Ty::NoneType
        | Ty::NamedTupleClass(_)
        | Ty::Class(_)
        | Ty::Function(_)
        | Ty::Global(_)
        | Ty::DtypeObj(_)
        | Ty::ExcClass(_)
        | Ty::Unknown => (0, 1),
    }
}

/// The byte offset of each leaf (`Ty::leaves`, in order) of a value of type
/// `t` stored in memory at offset `base`.
pub fn leaf_offsets(t: &Ty, base: usize, out: &mut Vec<usize>) {
    fn items(xs: &[Ty], base: usize, out: &mut Vec<usize>) {
        let mut off = 0usize;
        for it in xs {
            let (s, a) = mem_size_align(it);
            off = off.next_multiple_of(a);
            leaf_offsets(it, base + off, out);
            off += s;
        }
    }
    match t.model().parts {
        Parts::Leaf { .. } => out.push(base),
        Parts::Fields(fs) => items(fs, base, out),
        Parts::Items(xs) => items(xs, base, out),
        Parts::Optional(p) => items(&[p.clone(), Ty::BOOL], base, out),
        Parts::Nothing => {}
    }
}

/// The byte offset of each field of a jitclass in its fields struct.
pub fn field_offsets(fields: &[(String, Ty)]) -> Vec<usize> {
    let mut off = 0usize;
    fields
        .iter()
        .map(|(_, t)| {
            let (s, a) = mem_size_align(t);
            off = off.next_multiple_of(a);
            let at = off;
            off += s;
            at
        })
        .collect()
}

#[cfg(test)]
mod layout_tests {
    use super::*;
    use inkwell::context::Context;
    use inkwell::targets::TargetData;
    use inkwell::types::{AnyType, BasicTypeEnum};
    use oxjit_types::{ArrayTy, Layout};

    /// LLVM's offset of every leaf of `t` (typed `lt` in LLVM) at `base`.
    fn llvm_leaves(
        td: &TargetData,
        t: &Ty,
        lt: BasicTypeEnum<'_>,
        base: usize,
        out: &mut Vec<usize>,
    ) {
        let inner: Vec<Ty> = match t.model().parts {
            Parts::Leaf { .. } => return out.push(base),
            Parts::Nothing => return,
            Parts::Fields(fs) => fs.to_vec(),
            Parts::Items(xs) => xs.to_vec(),
            Parts::Optional(p) => vec![p.clone(), Ty::BOOL],
        };
        for (i, it) in inner.iter().enumerate() {
            let (off, et) = match lt {
                BasicTypeEnum::StructType(st) => (
                    td.offset_of_element(&st, i as u32).unwrap() as usize,
                    st.get_field_type_at_index(i as u32).unwrap(),
                ),
                BasicTypeEnum::ArrayType(at) => {
                    let et = at.get_element_type();
                    (i * td.get_abi_size(&et.as_any_type_enum()) as usize, et)
                }
                other @ (BasicTypeEnum::FloatType(_)
                | BasicTypeEnum::IntType(_)
                | BasicTypeEnum::PointerType(_)
                | BasicTypeEnum::VectorType(_)
                | BasicTypeEnum::ScalableVectorType(_)) => panic!("no items in {other:?}"),
            };
            llvm_leaves(td, it, et, base + off, out);
        }
    }

    /// The hand-written layout (`JitField` reads fields from memory with it)
    /// agrees with the host's LLVM data layout.
    #[test]
    fn field_and_leaf_offsets_match_llvm() {
        let td = crate::target_machine(0).unwrap().get_target_data();
        let arr = Ty::Array(ArrayTy::new(Dtype::F64, 2, Layout::A));
        let tys = vec![
            Ty::BOOL,
            Ty::Scalar(Dtype::I8),
            Ty::Scalar(Dtype::C64),
            Ty::Scalar(Dtype::F32),
            Ty::Tuple(vec![Ty::BOOL, Ty::F64]),
            Ty::C128,
            Ty::Scalar(Dtype::I16),
            arr.clone(),
            Ty::Optional(Box::new(Ty::Scalar(Dtype::I32))),
            Ty::Tuple(vec![Ty::BOOL; 17]),
            Ty::Range,
            Ty::Tuple(vec![
                Ty::Scalar(Dtype::U8),
                Ty::Tuple(vec![Ty::Scalar(Dtype::F32), Ty::C128]),
                arr,
            ]),
            Ty::Optional(Box::new(Ty::Tuple(vec![Ty::BOOL, Ty::Scalar(Dtype::C64)]))),
            Ty::I64,
        ];
        let fields: Vec<(String, Ty)> = tys
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("f{i}"), t.clone()))
            .collect();
        let parts: Vec<String> = tys.iter().map(llty).collect();
        let ctx = Context::create();
        let text = format!("@g = global {{{}}} zeroinitializer\n", parts.join(", "));
        let m = crate::parse_ir(&ctx, &text, "layout").unwrap();
        let st = m
            .get_global("g")
            .unwrap()
            .get_value_type()
            .into_struct_type();
        let offsets = field_offsets(&fields);
        for (k, t) in tys.iter().enumerate() {
            let ft = st.get_field_type_at_index(k as u32).unwrap();
            let at = td.offset_of_element(&st, k as u32).unwrap() as usize;
            assert_eq!(offsets[k], at, "offset of field {k}: {t}");
            let (size, align) = mem_size_align(t);
            assert_eq!(
                size,
                td.get_abi_size(&ft.as_any_type_enum()) as usize,
                "size of {t}"
            );
            assert_eq!(
                align,
                td.get_abi_alignment(&ft.as_any_type_enum()) as usize,
                "alignment of {t}"
            );
            let (mut ours, mut llvm) = (Vec::new(), Vec::new());
            leaf_offsets(t, at, &mut ours);
            llvm_leaves(&td, t, ft, at, &mut llvm);
            assert_eq!(ours, llvm, "leaf offsets of {t}");
        }
    }
}
