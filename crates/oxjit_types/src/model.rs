//! The model of each type: the facts about a `Ty` variant that every layer
//! relies on (its leaves at the native boundary, whether it owns counted
//! memory, whether it has a Python form), decided once in [`Ty::model`].
//!
//! Adding a type starts here: its arm in `Ty::model` is the one place these
//! facts are written. The layers keep only what is theirs: the LLVM type
//! (`oxjit_codegen::ir::llty`), boxing (`oxjit_py::boxing`) and the words of
//! diagnostics (`oxjit_typeck`).

use crate::Ty;

/// What a value of a type is made of, as the native boundary (the root's
/// `entry(ptr* args, ptr* rets)`) sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parts<'a> {
    /// One leaf slot of `size` bytes: a scalar, an array struct
    /// `{meminfo*, parent*, nitems, itemsize, data*, shape[nd], strides[nd]}`,
    /// a Generator's `bitgen_t*`.
    Leaf { size: usize },
    /// A record of fixed fields, each a non-bool scalar with one leaf of its
    /// own (range: start, stop, step).
    Fields(&'static [Ty]),
    /// An aggregate of these items (a tuple): its leaves are its items'
    /// leaves in order; it owns memory, and has a Python form, through them.
    Items(&'a [Ty]),
    /// An optional value: its payload's parts, then the present flag (one
    /// bool leaf). Its LLVM struct is `{payload, i1}`; an absent payload is
    /// all zeros (null MemInfos). It owns memory, and has a Python form,
    /// through its payload.
    Optional(&'a Ty),
    /// Nothing crosses the boundary: a compile-time value (None, a string
    /// constant, a function, a registry global, a dtype, an exception class)
    /// or a type not yet known.
    Nothing,
}

/// The layer-independent facts about one type (see [`Ty::model`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model<'a> {
    /// Its shape at the native boundary.
    pub parts: Parts<'a>,
    /// The value itself is one reference to counted memory (a MemInfo),
    /// released when the value dies; references held by its items or fields
    /// are theirs. Codegen finds it in field 0 of the value's LLVM struct.
    pub counted: bool,
    /// A root may hand it back to Python (`oxjit_py`'s `box_value` makes it);
    /// items and fields must have one too.
    pub python_form: bool,
}

/// A range value's fields: start, stop, step.
static RANGE_FIELDS: [Ty; 3] = [Ty::I64, Ty::I64, Ty::I64];

impl Ty {
    /// The facts about this type, one arm per variant.
    pub fn model(&self) -> Model<'_> {
        let (parts, counted, python_form) = match self {
            Ty::Scalar(d) => (Parts::Leaf { size: d.size() }, false, true),
            Ty::Array(a) => {
                let size = 8 * (5 + 2 * a.ndim as usize);
                (Parts::Leaf { size }, true, true)
            }
            Ty::Tuple(items) => (Parts::Items(items), false, true),
            Ty::NamedTuple(nt) => (Parts::Items(&nt.items), false, true),
            Ty::Range => (Parts::Fields(&RANGE_FIELDS), false, true),
            // `{meminfo*, data*}`: the instance is the MemInfo's reference.
            Ty::Instance(_) => (Parts::Leaf { size: 16 }, true, true),
            // `{meminfo*, payload*}`: the list is the MemInfo's reference;
            // its items are held in the runtime's buffer, not inline.
            Ty::List(t) => (Parts::Leaf { size: 16 }, true, t.python_form().is_ok()),
            Ty::Dict(d) => {
                let form = d.key.python_form().is_ok()
                    && d.value.as_ref().is_none_or(|v| v.python_form().is_ok());
                (Parts::Leaf { size: 16 }, true, form)
            }
            // `{meminfo*, data*}` into the array it lives in. Records and
            // record arrays stay in compiled code (no Python form yet).
            Ty::Record(_) => (Parts::Leaf { size: 16 }, true, false),
            Ty::RecordArray(a) => {
                let size = 8 * (5 + 2 * a.ndim as usize);
                (Parts::Leaf { size }, true, false)
            }
            // Compiled code holds the bit generator, not the Python object.
            Ty::Generator => (Parts::Leaf { size: 8 }, false, false),
            Ty::NoneType => (Parts::Nothing, false, true),
            Ty::Optional(t) => (Parts::Optional(t), false, true),
            // `{meminfo*, data*, len}` of UTF-8 bytes; a constant or a string
            // borrowed from Python has no MemInfo.
            Ty::Str => (Parts::Leaf { size: 24 }, true, true),
            Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::NamedTupleClass(_)
            | Ty::Class(_) => (Parts::Nothing, false, false),
            // A live unknown never reaches a return (the verifier); when
            // typing already failed, no second diagnostic is wanted.
            Ty::Unknown => (Parts::Nothing, false, true),
        };
        Model {
            parts,
            counted,
            python_form,
        }
    }

    /// The items or fields a value holds inline (empty for a leaf or nothing).
    fn inner(&self) -> &[Ty] {
        match self.model().parts {
            Parts::Fields(fields) => fields,
            Parts::Items(items) => items,
            Parts::Optional(payload) => std::slice::from_ref(payload),
            Parts::Leaf { .. } | Parts::Nothing => &[],
        }
    }

    /// The leaves of a value at the native boundary, in order: scalars,
    /// arrays and Generators are one leaf each, tuples are flattened, a range
    /// is three int64, and compile-time values have none.
    pub fn leaves(&self) -> Vec<Ty> {
        let mut out = Vec::new();
        fn go(t: &Ty, out: &mut Vec<Ty>) {
            match t.model().parts {
                Parts::Leaf { .. } => out.push(t.clone()),
                Parts::Fields(inner) | Parts::Items(inner) => inner.iter().for_each(|i| go(i, out)),
                Parts::Optional(payload) => {
                    go(payload, out);
                    out.push(Ty::BOOL);
                }
                Parts::Nothing => {}
            }
        }
        go(self, &mut out);
        out
    }

    /// The byte size of a leaf slot, as the dispatcher provides it (0 for a
    /// type that is not one leaf).
    pub fn leaf_size(&self) -> usize {
        match self.model().parts {
            Parts::Leaf { size } => size,
            Parts::Fields(_) | Parts::Items(_) | Parts::Optional(_) | Parts::Nothing => 0,
        }
    }

    /// Where the MemInfos a value holds are: for each counted value in it
    /// (itself included), the index path of its MemInfo pointer inside the
    /// value's struct (ending in 0: field 0 of the counted value) and the
    /// counted value's type. Reference counting, a jitclass instance's
    /// release descriptor and adopting borrowed arrays all walk these.
    pub fn meminfo_paths(&self) -> Vec<(Vec<usize>, Ty)> {
        fn go(t: &Ty, at: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, Ty)>) {
            if t.model().counted {
                let mut p = at.clone();
                p.push(0);
                out.push((p, t.clone()));
            }
            // An optional's payload is its field 0; items are fields 0...
            for (i, it) in t.inner().iter().enumerate() {
                at.push(i);
                go(it, at, out);
                at.pop();
            }
        }
        let mut out = Vec::new();
        go(self, &mut Vec::new(), &mut out);
        out
    }

    /// Whether a value holds counted memory, itself or in an item: it must
    /// be increfed when copied and decrefed when it dies.
    pub fn owns_memory(&self) -> bool {
        self.model().counted || self.inner().iter().any(Ty::owns_memory)
    }

    /// `Ok` when a root may return this value to Python; otherwise the
    /// offending type (this one, or the first item that has no Python form).
    pub fn python_form(&self) -> Result<(), &Ty> {
        if !self.model().python_form {
            return Err(self);
        }
        self.inner().iter().try_for_each(Ty::python_form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArrayTy, Dtype, ExcKind, Layout};

    fn arr(nd: u8) -> Ty {
        Ty::Array(ArrayTy::new(Dtype::F64, nd, Layout::C))
    }

    #[test]
    fn leaves_flatten_tuples_and_ranges() {
        assert_eq!(Ty::F64.leaves(), vec![Ty::F64]);
        assert_eq!(Ty::Generator.leaves(), vec![Ty::Generator]);
        assert_eq!(Ty::Range.leaves(), vec![Ty::I64, Ty::I64, Ty::I64]);
        let t = Ty::Tuple(vec![
            Ty::I64,
            Ty::NoneType,
            Ty::Tuple(vec![arr(2), Ty::Range]),
        ]);
        assert_eq!(t.leaves(), vec![Ty::I64, arr(2), Ty::I64, Ty::I64, Ty::I64]);
        // An optional value: the payload's leaves, then the present flag.
        let o = Ty::Optional(Box::new(Ty::Tuple(vec![Ty::F64, arr(1)])));
        assert_eq!(o.leaves(), vec![Ty::F64, arr(1), Ty::BOOL]);
        assert_eq!(o.leaf_size(), 0);
        for t in [
            Ty::NoneType,
            Ty::Function(0),
            Ty::Global("math".into()),
            Ty::DtypeObj(Dtype::F64),
            Ty::ExcClass(ExcKind::ValueError),
            Ty::Unknown,
            Ty::Tuple(vec![]),
        ] {
            assert!(t.leaves().is_empty(), "{t}");
        }
    }

    #[test]
    fn leaf_sizes() {
        assert_eq!(Ty::BOOL.leaf_size(), 1);
        assert_eq!(Ty::C128.leaf_size(), 16);
        assert_eq!(arr(1).leaf_size(), 56);
        assert_eq!(arr(3).leaf_size(), 88);
        assert_eq!(Ty::Generator.leaf_size(), 8);
        assert_eq!(Ty::Range.leaf_size(), 0);
        assert_eq!(Ty::Tuple(vec![Ty::I64]).leaf_size(), 0);
    }

    #[test]
    fn memory_is_owned_by_arrays_and_what_holds_them() {
        assert!(arr(1).owns_memory());
        assert!(Ty::Tuple(vec![Ty::I64, Ty::Tuple(vec![arr(2)])]).owns_memory());
        assert!(Ty::Optional(Box::new(arr(1))).owns_memory());
        assert!(!Ty::Optional(Box::new(Ty::F64)).owns_memory());
        for t in [
            Ty::F64,
            Ty::Range,
            Ty::Generator,
            Ty::Tuple(vec![Ty::I64, Ty::Range]),
        ] {
            assert!(!t.owns_memory(), "{t}");
        }
    }

    #[test]
    fn meminfo_paths_reach_every_counted_value() {
        let inst = Ty::Instance(std::sync::Arc::new(crate::ClassTy::new(
            1,
            "C",
            vec![("a".into(), arr(1))],
        )));
        assert_eq!(arr(2).meminfo_paths(), vec![(vec![0], arr(2))]);
        let t = Ty::Tuple(vec![
            Ty::F64,
            arr(1),
            Ty::Optional(Box::new(Ty::Tuple(vec![Ty::I64, inst.clone()]))),
        ]);
        assert_eq!(
            t.meminfo_paths(),
            vec![(vec![1, 0], arr(1)), (vec![2, 0, 1, 0], inst)]
        );
        assert!(Ty::Range.meminfo_paths().is_empty());
    }

    #[test]
    fn python_forms() {
        for t in [
            Ty::F64,
            Ty::NoneType,
            arr(2),
            Ty::Range,
            Ty::Unknown,
            Ty::Tuple(vec![Ty::I64, arr(1)]),
        ] {
            assert_eq!(t.python_form(), Ok(()), "{t}");
        }
        for t in [
            Ty::Function(1),
            Ty::Global("numpy".into()),
            Ty::DtypeObj(Dtype::I32),
            Ty::ExcClass(ExcKind::KeyError),
            Ty::Generator,
        ] {
            assert_eq!(t.python_form(), Err(&t), "{t}");
        }
        // A tuple answers with its first item that has none.
        let t = Ty::Tuple(vec![Ty::I64, Ty::Tuple(vec![Ty::Generator]), Ty::Str]);
        assert_eq!(t.python_form(), Err(&Ty::Generator));
        assert_eq!(Ty::Optional(Box::new(arr(2))).python_form(), Ok(()));
    }

    #[test]
    fn a_named_tuple_is_held_as_its_items() {
        let nt = crate::NamedTupleTy {
            class: 1,
            name: "P".into(),
            fields: vec!["x".into(), "a".into()],
            items: vec![Ty::F64, arr(1)],
        };
        let t = Ty::NamedTuple(Box::new(nt.clone()));
        assert_eq!(t.leaves(), Ty::Tuple(nt.items.clone()).leaves());
        assert!(t.owns_memory());
        assert_eq!(t.python_form(), Ok(()));
        assert_eq!(t.to_string(), "P(float64, array(float64, 1d, C))");
        assert_eq!(t.clone().plain_tuple(), Ty::Tuple(nt.items.clone()));
        // The class itself is a compile-time value.
        let c = Ty::NamedTupleClass(Box::new(nt.with_items(vec![])));
        assert!(c.leaves().is_empty());
        assert_eq!(c.python_form(), Err(&c));
        // Two classes never unify; one class unifies item by item.
        let other = Ty::NamedTuple(Box::new(crate::NamedTupleTy {
            class: 2,
            ..nt.clone()
        }));
        assert_eq!(crate::unify(&t, &other), None);
        let ints = Ty::NamedTuple(Box::new(nt.with_items(vec![Ty::I64, arr(1)])));
        assert_eq!(crate::unify(&t, &ints), Some(t.clone()));
    }
}
