//! oxjit's type lattice: scalar dtypes, arrays, tuples and the other values
//! compiled code can hold; Numba-compatible display names; scalar promotion
//! (decided here, once, per `semantics.md`); each type's model (`model.rs`:
//! leaves, owned memory, Python form); and the signature-string parser.

mod model;
mod sig;
pub use model::{Model, Parts};
pub use sig::{parse_signature, parse_signature_with, parse_type, parse_type_with, Signature};

use std::fmt;
use std::sync::Arc;

/// A scalar machine type. Ordered roughly by "kind" for promotion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dtype {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    C64,
    C128,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Bool,
    Signed,
    Unsigned,
    Float,
    Complex,
}

impl Dtype {
    pub const ALL: [Dtype; 13] = [
        Dtype::Bool,
        Dtype::I8,
        Dtype::I16,
        Dtype::I32,
        Dtype::I64,
        Dtype::U8,
        Dtype::U16,
        Dtype::U32,
        Dtype::U64,
        Dtype::F32,
        Dtype::F64,
        Dtype::C64,
        Dtype::C128,
    ];

    pub fn kind(self) -> Kind {
        use Dtype::*;
        match self {
            Bool => Kind::Bool,
            I8 | I16 | I32 | I64 => Kind::Signed,
            U8 | U16 | U32 | U64 => Kind::Unsigned,
            F32 | F64 => Kind::Float,
            C64 | C128 => Kind::Complex,
        }
    }

    /// Size in bytes of one element.
    pub fn size(self) -> usize {
        use Dtype::*;
        match self {
            Bool | I8 | U8 => 1,
            I16 | U16 => 2,
            I32 | U32 | F32 => 4,
            I64 | U64 | F64 | C64 => 8,
            C128 => 16,
        }
    }

    pub fn bits(self) -> u32 {
        (self.size() * 8) as u32
    }

    pub fn is_int(self) -> bool {
        matches!(self.kind(), Kind::Signed | Kind::Unsigned)
    }
    pub fn is_signed(self) -> bool {
        self.kind() == Kind::Signed
    }
    pub fn is_float(self) -> bool {
        self.kind() == Kind::Float
    }
    pub fn is_complex(self) -> bool {
        self.kind() == Kind::Complex
    }

    /// Numba's name: `int64`, `float32`, `complex128`, `bool`.
    pub fn name(self) -> &'static str {
        use Dtype::*;
        match self {
            Bool => "bool",
            I8 => "int8",
            I16 => "int16",
            I32 => "int32",
            I64 => "int64",
            U8 => "uint8",
            U16 => "uint16",
            U32 => "uint32",
            U64 => "uint64",
            F32 => "float32",
            F64 => "float64",
            C64 => "complex64",
            C128 => "complex128",
        }
    }

    /// NumPy's one-letter type character (for ufunc loop names like `dd->d`).
    pub fn char(self) -> char {
        use Dtype::*;
        match self {
            Bool => '?',
            I8 => 'b',
            I16 => 'h',
            I32 => 'i',
            I64 => 'l',
            U8 => 'B',
            U16 => 'H',
            U32 => 'I',
            U64 => 'L',
            F32 => 'f',
            F64 => 'd',
            C64 => 'F',
            C128 => 'D',
        }
    }

    /// NumPy's `type_num` for this dtype on LP64 Linux.
    pub fn numpy_type_num(self) -> i32 {
        use Dtype::*;
        match self {
            Bool => 0,
            I8 => 1,
            U8 => 2,
            I16 => 3,
            U16 => 4,
            I32 => 5,
            U32 => 6,
            I64 => 7,
            U64 => 8,
            F32 => 11,
            F64 => 12,
            C64 => 14,
            C128 => 15,
        }
    }

    pub fn from_numpy_type_num(n: i32) -> Option<Dtype> {
        use Dtype::*;
        Some(match n {
            0 => Bool,
            1 => I8,
            2 => U8,
            3 => I16,
            4 => U16,
            5 => I32,
            6 => U32,
            7 | 9 => I64,  // NPY_LONG, NPY_LONGLONG
            8 | 10 => U64, // NPY_ULONG, NPY_ULONGLONG
            11 => F32,
            12 => F64,
            14 => C64,
            15 => C128,
            _ => return None,
        })
    }

    pub fn from_name(s: &str) -> Option<Dtype> {
        use Dtype::*;
        Some(match s {
            "bool" | "bool_" | "b1" | "boolean" | "?" => Bool,
            "int8" | "i1" | "byte" | "b" => I8,
            "int16" | "i2" | "short" | "h" => I16,
            "int32" | "i4" | "intc" | "i" => I32,
            "int64" | "i8" | "int_" | "intp" | "int" | "long" | "longlong" | "l" => I64,
            "uint8" | "u1" | "ubyte" | "B" => U8,
            "uint16" | "u2" | "ushort" | "H" => U16,
            "uint32" | "u4" | "uintc" | "I" => U32,
            "uint64" | "u8" | "uint" | "uintp" | "ulonglong" | "ulong" | "L" => U64,
            "float32" | "f4" | "single" | "float_" | "f" => F32,
            "float64" | "f8" | "double" | "float" | "d" => F64,
            "complex64" | "c8" | "csingle" | "F" => C64,
            "complex128" | "c16" | "cdouble" | "complex" | "complex_" | "D" => C128,
            _ => return None,
        })
    }

    /// The real component type of a complex dtype (identity otherwise).
    pub fn real_part(self) -> Dtype {
        match self {
            Dtype::C64 => Dtype::F32,
            Dtype::C128 => Dtype::F64,
            d => d,
        }
    }

    pub fn int_of(bits: u32, signed: bool) -> Dtype {
        use Dtype::*;
        match (bits, signed) {
            (8, true) => I8,
            (16, true) => I16,
            (32, true) => I32,
            (8, false) => U8,
            (16, false) => U16,
            (32, false) => U32,
            (_, false) => U64,
            _ => I64,
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// C-contiguous (row major).
    C,
    /// Fortran-contiguous (column major).
    F,
    /// Any strides.
    A,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::C => "C",
            Layout::F => "F",
            Layout::A => "A",
        }
    }
    /// Layout that covers both (used when unifying two array types).
    pub fn unify(self, other: Layout) -> Layout {
        if self == other {
            self
        } else {
            Layout::A
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArrayTy {
    pub dtype: Dtype,
    pub ndim: u8,
    pub layout: Layout,
    pub readonly: bool,
}

impl ArrayTy {
    pub fn new(dtype: Dtype, ndim: u8, layout: Layout) -> ArrayTy {
        ArrayTy {
            dtype,
            ndim,
            layout,
            readonly: false,
        }
    }
}

/// Exception classes that compiled code can raise: the builtin ones, and
/// user-defined classes by their process-wide number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExcKind {
    Exception,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    OverflowError,
    ArithmeticError,
    AssertionError,
    RuntimeError,
    NotImplementedError,
    RecursionError,
    MemoryError,
    StopIteration,
    LinAlgError,
    /// `numpy.exceptions.AxisError` (a ValueError and an IndexError).
    AxisError,
    /// A class defined in Python (`class Bad(ValueError)`): its number in the
    /// process (the extension keeps the class and its bases, see `code`).
    User(u32),
}

/// Kind codes from here on are user-defined classes (`ExcKind::User`).
pub const USER_EXC_CODE: u32 = 1 << 16;

/// The message of a bare `raise` in compiled code: a RuntimeError with this
/// text re-raises the exception Python is handling, if any (as `raise` does).
pub const RERAISE_MESSAGE: &str = "No active exception to reraise";

impl ExcKind {
    pub const ALL: [ExcKind; 16] = [
        ExcKind::Exception,
        ExcKind::ValueError,
        ExcKind::TypeError,
        ExcKind::IndexError,
        ExcKind::KeyError,
        ExcKind::ZeroDivisionError,
        ExcKind::OverflowError,
        ExcKind::ArithmeticError,
        ExcKind::AssertionError,
        ExcKind::RuntimeError,
        ExcKind::NotImplementedError,
        ExcKind::RecursionError,
        ExcKind::MemoryError,
        ExcKind::StopIteration,
        ExcKind::LinAlgError,
        ExcKind::AxisError,
    ];
    pub fn name(self) -> &'static str {
        use ExcKind::*;
        match self {
            Exception => "Exception",
            ValueError => "ValueError",
            TypeError => "TypeError",
            IndexError => "IndexError",
            KeyError => "KeyError",
            ZeroDivisionError => "ZeroDivisionError",
            OverflowError => "OverflowError",
            ArithmeticError => "ArithmeticError",
            AssertionError => "AssertionError",
            RuntimeError => "RuntimeError",
            NotImplementedError => "NotImplementedError",
            RecursionError => "RecursionError",
            MemoryError => "MemoryError",
            StopIteration => "StopIteration",
            LinAlgError => "LinAlgError",
            AxisError => "AxisError",
            User(_) => "user-defined exception",
        }
    }
    /// The number the runtime's pending exception carries: a builtin's
    /// position in `ALL` from 1, `USER_EXC_CODE` + n for class n.
    pub fn code(self) -> u32 {
        match self {
            ExcKind::User(n) => USER_EXC_CODE + n,
            _ => ExcKind::ALL
                .iter()
                .position(|k| *k == self)
                .map_or(0, |p| p as u32 + 1),
        }
    }
    pub fn from_code(c: u32) -> Option<ExcKind> {
        if c >= USER_EXC_CODE {
            return Some(ExcKind::User(c - USER_EXC_CODE));
        }
        ExcKind::ALL.get((c as usize).checked_sub(1)?).copied()
    }
    pub fn from_name(s: &str) -> Option<ExcKind> {
        ExcKind::ALL.iter().copied().find(|k| k.name() == s)
    }
    /// The builtin Python classes an exception of this kind is an instance
    /// of (its class's MRO by name, without `object`): what `except C:`
    /// matches. A user-defined class's are known at run time only.
    pub fn classes(self) -> &'static [&'static str] {
        use ExcKind::*;
        match self {
            Exception => &["Exception", "BaseException"],
            ValueError => &["ValueError", "Exception", "BaseException"],
            TypeError => &["TypeError", "Exception", "BaseException"],
            IndexError => &["IndexError", "LookupError", "Exception", "BaseException"],
            KeyError => &["KeyError", "LookupError", "Exception", "BaseException"],
            ZeroDivisionError => &[
                "ZeroDivisionError",
                "ArithmeticError",
                "Exception",
                "BaseException",
            ],
            OverflowError => &[
                "OverflowError",
                "ArithmeticError",
                "Exception",
                "BaseException",
            ],
            ArithmeticError => &["ArithmeticError", "Exception", "BaseException"],
            AssertionError => &["AssertionError", "Exception", "BaseException"],
            RuntimeError => &["RuntimeError", "Exception", "BaseException"],
            NotImplementedError => &[
                "NotImplementedError",
                "RuntimeError",
                "Exception",
                "BaseException",
            ],
            RecursionError => &[
                "RecursionError",
                "RuntimeError",
                "Exception",
                "BaseException",
            ],
            MemoryError => &["MemoryError", "Exception", "BaseException"],
            StopIteration => &["StopIteration", "Exception", "BaseException"],
            LinAlgError => &["LinAlgError", "ValueError", "Exception", "BaseException"],
            AxisError => &[
                "AxisError",
                "ValueError",
                "IndexError",
                "LookupError",
                "Exception",
                "BaseException",
            ],
            User(_) => &[],
        }
    }
}

/// Identifies a function inside one compilation unit.
pub type FuncId = u32;

/// A `collections.namedtuple` or `typing.NamedTuple` class as compiled code
/// sees it: a tuple of `items` whose fields have names. `class` identifies
/// the Python class for the process (the boxing layer keeps the class alive
/// under that number and builds instances of it); two classes with the same
/// name and fields are different types, as in Numba.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NamedTupleTy {
    pub class: u64,
    pub name: String,
    pub fields: Vec<String>,
    pub items: Vec<Ty>,
}

/// A dict's key and value types, or a set's item type (`value` None): the
/// runtime's hash table (`oxjit_runtime::dict`) holds both.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DictTy {
    pub key: Ty,
    pub value: Option<Ty>,
}

impl DictTy {
    pub fn dict(key: Ty, value: Ty) -> Ty {
        Ty::Dict(Box::new(DictTy {
            key,
            value: Some(value),
        }))
    }
    pub fn set(key: Ty) -> Ty {
        Ty::Dict(Box::new(DictTy { key, value: None }))
    }
    pub fn is_set(&self) -> bool {
        self.value.is_none()
    }
    /// The value type (none for a set).
    pub fn val(&self) -> Ty {
        self.value.clone().unwrap_or(Ty::NoneType)
    }
}

/// A NumPy structured dtype (Numba's `Record`): named fields at byte
/// offsets inside an item of `size` bytes; a field is a number or a nested
/// record. `aligned` is the dtype's `isalignedstruct`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordTy {
    pub fields: Vec<(String, Ty, usize)>,
    pub size: usize,
    pub aligned: bool,
}

impl RecordTy {
    /// The type and byte offset of field `name`.
    pub fn field(&self, name: &str) -> Option<(&Ty, usize)> {
        self.fields
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, t, o)| (t, *o))
    }
}

/// An array of records: held exactly as an array (`{meminfo*, parent*,
/// nitems, itemsize, data*, shape, strides}`), its items `rec.size` bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordArrayTy {
    pub rec: Arc<RecordTy>,
    pub ndim: u8,
    pub layout: Layout,
}

impl RecordArrayTy {
    /// The same array seen as bytes with its strides taken from the array
    /// (layout A): what shape, stride and data reads use.
    pub fn as_bytes(&self) -> ArrayTy {
        ArrayTy::new(Dtype::U8, self.ndim, Layout::A)
    }
}

impl NamedTupleTy {
    /// The position of field `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    /// The same class with other item types.
    pub fn with_items(&self, items: Vec<Ty>) -> NamedTupleTy {
        NamedTupleTy {
            items,
            ..self.clone()
        }
    }
}

/// A `jitclass` as compiled code sees it: its fields, in spec order, each of
/// a fixed type. `class` is the process-wide number the boxing layer knows
/// the Python class by (`oxjit_py/src/jitclass.rs`); methods live in the
/// compilation unit's class table under the same number.
///
/// The fields are set once, possibly after the class is made: a class whose
/// fields hold its own instances (Numba's `deferred_type`: linked lists,
/// trees) is declared first, then defined with fields that refer to it. Two
/// class types are the same class when their numbers are.
#[derive(Clone)]
pub struct ClassTy {
    pub class: u64,
    pub name: String,
    fields: std::sync::OnceLock<Vec<(String, Ty)>>,
}

impl PartialEq for ClassTy {
    fn eq(&self, other: &Self) -> bool {
        self.class == other.class
    }
}

impl Eq for ClassTy {}

impl std::hash::Hash for ClassTy {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.class.hash(h)
    }
}

impl fmt::Debug for ClassTy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClassTy({}#{})", self.name, self.class)
    }
}

impl ClassTy {
    pub fn new(class: u64, name: &str, fields: Vec<(String, Ty)>) -> ClassTy {
        let c = ClassTy::declared(class, name);
        c.define(fields);
        c
    }

    /// A class whose fields are defined later (`define`).
    pub fn declared(class: u64, name: &str) -> ClassTy {
        ClassTy {
            class,
            name: name.to_string(),
            fields: std::sync::OnceLock::new(),
        }
    }

    /// Set the fields; false when they were set already.
    pub fn define(&self, fields: Vec<(String, Ty)>) -> bool {
        self.fields.set(fields).is_ok()
    }

    /// Whether the fields are set.
    pub fn is_defined(&self) -> bool {
        self.fields.get().is_some()
    }

    /// The fields in spec order (none until defined).
    pub fn fields(&self) -> &[(String, Ty)] {
        self.fields.get().map_or(&[], Vec::as_slice)
    }

    /// The position and type of field `name`.
    pub fn field(&self, name: &str) -> Option<(usize, &Ty)> {
        let fields = self.fields();
        fields
            .iter()
            .position(|(f, _)| f == name)
            .map(|i| (i, &fields[i].1))
    }

    /// The canonical text the signature parser reads back
    /// (`instance.jitclass.Name#3<x:float64>`; the fields are for people).
    pub fn instance_text(&self) -> String {
        let fields: Vec<String> = self
            .fields()
            .iter()
            .map(|(n, t)| format!("{n}:{t}"))
            .collect();
        format!(
            "instance.jitclass.{}#{}<{}>",
            self.name,
            self.class,
            fields.join(",")
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Scalar(Dtype),
    NoneType,
    /// A compile-time string (print arguments, exception messages).
    Str,
    Tuple(Vec<Ty>),
    Array(ArrayTy),
    /// `range(start, stop, step)` as a value.
    Range,
    /// A jitted Python function of this compilation unit (by id).
    Function(FuncId),
    /// A registry callable or constant namespace, by dotted Python path
    /// (`math`, `numpy.random`, `math.sqrt`).
    Global(String),
    /// A dtype used as a value: `np.float64` or `dtype=np.int32`.
    DtypeObj(Dtype),
    /// An exception class, e.g. `ValueError`.
    ExcClass(ExcKind),
    /// A `numpy.random.Generator` argument: compiled code holds a pointer to
    /// its bit generator's `bitgen_t` and draws from NumPy's own stream.
    Generator,
    /// An instance of a named tuple class: a tuple whose items have names,
    /// held exactly as `Tuple(items)` is.
    NamedTuple(Box<NamedTupleTy>),
    /// A named tuple class used as a value: called, it builds an instance
    /// (its `items` are empty).
    NamedTupleClass(Box<NamedTupleTy>),
    /// An instance of a `jitclass`: a counted reference to its fields (LLVM
    /// `{meminfo*, data*}`), shared with Python and other holders.
    Instance(Arc<ClassTy>),
    /// A `jitclass` used as a value: called, it builds an instance.
    Class(Arc<ClassTy>),
    /// A value or None (Numba's `OptionalType`): a variable bound to None on
    /// one path and to a `T` on another, or a function that returns both.
    /// Held as `{T, i1}` (payload, present); an absent payload is all zeros.
    Optional(Box<Ty>),
    /// A list (Numba's `list(T)`, reflected when it came from Python): a
    /// counted reference `{meminfo*, payload*}` to a growable buffer of
    /// items held inline (see `oxjit_runtime::list`).
    List(Box<Ty>),
    /// A dict (`dict(K, V)`) or a set (`set(K)`): a counted reference
    /// `{meminfo*, payload*}` to an insertion-ordered hash table.
    Dict(Box<DictTy>),
    /// One record of a structured array, by reference: `{meminfo*, data*}`,
    /// the MemInfo of the array it lives in (null for one borrowed from
    /// Python), so writes to its fields are writes to the array.
    Record(Arc<RecordTy>),
    /// An array of records (a NumPy structured array).
    RecordArray(Box<RecordArrayTy>),
    /// Placeholder during inference: not yet known.
    Unknown,
}

impl Ty {
    pub const BOOL: Ty = Ty::Scalar(Dtype::Bool);
    pub const I64: Ty = Ty::Scalar(Dtype::I64);
    pub const F64: Ty = Ty::Scalar(Dtype::F64);
    pub const C128: Ty = Ty::Scalar(Dtype::C128);

    pub fn scalar(&self) -> Option<Dtype> {
        match self {
            Ty::Scalar(d) => Some(*d),
            _ => None,
        }
    }
    pub fn array(&self) -> Option<&ArrayTy> {
        match self {
            Ty::Array(a) => Some(a),
            _ => None,
        }
    }
    /// Whether a value of this type may be the payload of an optional value:
    /// a run-time value with a Python form (scalars, arrays, tuples of them).
    pub fn optional_payload(&self) -> bool {
        match self {
            Ty::Scalar(_)
            | Ty::Array(_)
            | Ty::Range
            | Ty::Instance(_)
            | Ty::List(_)
            | Ty::Dict(_) => true,
            Ty::Tuple(items) => items
                .iter()
                .all(|t| t.optional_payload() || *t == Ty::NoneType),
            Ty::NamedTuple(nt) => nt
                .items
                .iter()
                .all(|t| t.optional_payload() || *t == Ty::NoneType),
            Ty::NoneType
            | Ty::Str
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

    /// A named tuple as the plain tuple of its items (held the same way);
    /// any other type as it is. Indexing, unpacking, iteration and `len` see
    /// a named tuple through this.
    pub fn plain_tuple(self) -> Ty {
        match self {
            Ty::NamedTuple(nt) => Ty::Tuple(nt.items),
            t => t,
        }
    }

    /// The items of a tuple or a named tuple (`None` for any other type).
    pub fn tuple_items(&self) -> Option<&[Ty]> {
        match self {
            Ty::Tuple(items) => Some(items),
            Ty::NamedTuple(nt) => Some(&nt.items),
            _ => None,
        }
    }

    /// A dict's or set's types (`None` for any other type).
    pub fn dict(&self) -> Option<&DictTy> {
        if let Ty::Dict(d) = self {
            return Some(d);
        }
        None
    }

    /// The payload of an optional value (`None` for any other type).
    pub fn optional(&self) -> Option<&Ty> {
        match self {
            Ty::Optional(t) => Some(t),
            _ => None,
        }
    }

    pub fn is_known(&self) -> bool {
        match self {
            Ty::Unknown => false,
            Ty::Tuple(items) => items.iter().all(Ty::is_known),
            Ty::Optional(t) | Ty::List(t) => t.is_known(),
            Ty::Dict(d) => d.key.is_known() && d.value.as_ref().is_none_or(Ty::is_known),
            _ => true,
        }
    }
}

impl fmt::Display for RecordTy {
    /// Numba's spelling: `Record(x[type=float64;offset=0],n[type=int32;offset=8];12;False)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Record(")?;
        for (i, (name, t, off)) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{name}[type={t};offset={off}]")?;
        }
        let aligned = if self.aligned { "True" } else { "False" };
        write!(f, ";{};{aligned})", self.size)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Scalar(d) => write!(f, "{d}"),
            Ty::NoneType => f.write_str("none"),
            Ty::Str => f.write_str("unicode_type"),
            Ty::Tuple(items) => {
                if !items.is_empty() && items.iter().all(|t| t == &items[0]) {
                    write!(f, "UniTuple({} x {})", items[0], items.len())
                } else {
                    f.write_str("Tuple(")?;
                    for (i, t) in items.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{t}")?;
                    }
                    f.write_str(")")
                }
            }
            Ty::Array(a) => write!(
                f,
                "{}array({}, {}d, {})",
                if a.readonly { "readonly " } else { "" },
                a.dtype,
                a.ndim,
                a.layout.name()
            ),
            Ty::Range => f.write_str("range_state_int64"),
            Ty::Function(id) => write!(f, "function#{id}"),
            Ty::Global(p) => write!(f, "Module({p})"),
            Ty::DtypeObj(d) => write!(f, "dtype({d})"),
            Ty::ExcClass(k) => write!(f, "class({})", k.name()),
            Ty::Generator => f.write_str("NumPyRandomGeneratorType"),
            Ty::NamedTuple(nt) => {
                write!(f, "{}(", nt.name)?;
                for (i, t) in nt.items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(")")
            }
            Ty::NamedTupleClass(nt) => write!(f, "class({})", nt.name),
            Ty::Instance(c) => write!(f, "instance.jitclass.{}", c.name),
            Ty::Class(c) => write!(f, "jitclass.{}", c.name),
            Ty::Optional(t) => write!(f, "OptionalType({t})"),
            Ty::List(t) => write!(f, "list({t})"),
            Ty::Record(r) => write!(f, "{r}"),
            Ty::RecordArray(a) => write!(f, "array({}, {}d, {})", a.rec, a.ndim, a.layout.name()),
            Ty::Dict(d) => match &d.value {
                Some(v) => write!(f, "dict({}, {v})", d.key),
                None => write!(f, "set({})", d.key),
            },
            Ty::Unknown => f.write_str("undefined"),
        }
    }
}

/// The result type of a scalar arithmetic operator (`+ - * % //`, bit ops) on
/// two scalars, following Numba's scalar rules (semantics.md rows 3-4):
/// small integers widen to 64 bits; float32 stays float32 only with float32 or
/// small integers.
pub fn promote_arith(a: Dtype, b: Dtype) -> Dtype {
    use Kind::*;
    let (ka, kb) = (a.kind(), b.kind());
    match (ka, kb) {
        (Complex, _) | (_, Complex) => {
            if (a == Dtype::C128 || b == Dtype::C128) || a == Dtype::F64 || b == Dtype::F64 {
                Dtype::C128
            } else if (matches!(a, Dtype::C64 | Dtype::F32) && matches!(b, Dtype::C64 | Dtype::F32))
                || small_int(a)
                || small_int(b)
            {
                Dtype::C64
            } else {
                Dtype::C128
            }
        }
        (Float, Float) => {
            if a == Dtype::F32 && b == Dtype::F32 {
                Dtype::F32
            } else {
                Dtype::F64
            }
        }
        (Float, _) | (_, Float) => {
            let (fl, other) = if ka == Float { (a, b) } else { (b, a) };
            if fl == Dtype::F32 && (other == Dtype::Bool || small_int(other)) {
                Dtype::F32
            } else {
                Dtype::F64
            }
        }
        _ => {
            // integers and bools: widen to 64 bits; unsigned only if both are.
            let signed = a.kind() != Unsigned || b.kind() != Unsigned;
            if signed {
                Dtype::I64
            } else {
                Dtype::U64
            }
        }
    }
}

fn small_int(d: Dtype) -> bool {
    matches!(d, Dtype::I8 | Dtype::I16 | Dtype::U8 | Dtype::U16)
}

/// The result type of true division `/`.
pub fn promote_truediv(a: Dtype, b: Dtype) -> Dtype {
    let p = promote_arith(a, b);
    match p.kind() {
        Kind::Float | Kind::Complex => p,
        _ => Dtype::F64,
    }
}

/// NumPy's array promotion (`np.result_type` for two array dtypes); used by
/// array expressions, where small types are kept (semantics row 3).
pub fn promote_numpy(a: Dtype, b: Dtype) -> Dtype {
    use Dtype::*;
    if a == b {
        return a;
    }
    let (ka, kb) = (a.kind(), b.kind());
    match (ka, kb) {
        (Kind::Bool, _) => b,
        (_, Kind::Bool) => a,
        (Kind::Complex, _) | (_, Kind::Complex) => {
            let need64 = |d: Dtype| match d.kind() {
                Kind::Complex => d == C128,
                Kind::Float => d == F64,
                Kind::Signed | Kind::Unsigned => d.size() >= 4,
                Kind::Bool => false,
            };
            if need64(a) || need64(b) {
                C128
            } else {
                C64
            }
        }
        (Kind::Float, _) | (_, Kind::Float) => {
            let need64 = |d: Dtype| match d.kind() {
                Kind::Float => d == F64,
                Kind::Signed | Kind::Unsigned => d.size() >= 4,
                _ => false,
            };
            if need64(a) || need64(b) {
                F64
            } else if a == F32 || b == F32 {
                F32
            } else {
                F64
            }
        }
        (Kind::Signed, Kind::Signed) | (Kind::Unsigned, Kind::Unsigned) => {
            if a.size() >= b.size() {
                a
            } else {
                b
            }
        }
        _ => {
            let (s, u) = if ka == Kind::Signed { (a, b) } else { (b, a) };
            if s.size() > u.size() {
                s
            } else if u.size() < 8 {
                Dtype::int_of((u.bits() * 2).min(64), true)
            } else {
                F64
            }
        }
    }
}

/// Unify two types for one variable or for the returns of a function (int and
/// float unify to float; tuples element-wise; arrays of different layouts to A;
/// None and a value to an optional value, as Numba does).
pub fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (Ty::Unknown, t) | (t, Ty::Unknown) => Some(t.clone()),
        (Ty::NoneType, Ty::Optional(t)) | (Ty::Optional(t), Ty::NoneType) => {
            Some(Ty::Optional(t.clone()))
        }
        (Ty::Optional(x), Ty::Optional(y)) => Some(Ty::Optional(Box::new(unify(x, y)?))),
        (Ty::Optional(x), t) | (t, Ty::Optional(x)) => Some(Ty::Optional(Box::new(unify(x, t)?))),
        (Ty::NoneType, t) | (t, Ty::NoneType) => t
            .optional_payload()
            .then(|| Ty::Optional(Box::new(t.clone()))),
        (Ty::Scalar(x), Ty::Scalar(y)) => {
            if x.kind() == Kind::Bool || y.kind() == Kind::Bool {
                if x.kind() == Kind::Bool && y.kind() == Kind::Bool {
                    return Some(Ty::BOOL);
                }
                let other = if x.kind() == Kind::Bool { *y } else { *x };
                return Some(Ty::Scalar(promote_arith(other, other)));
            }
            Some(Ty::Scalar(promote_arith(*x, *y)))
        }
        (Ty::Tuple(xs), Ty::Tuple(ys)) if xs.len() == ys.len() => {
            let mut out = Vec::with_capacity(xs.len());
            for (x, y) in xs.iter().zip(ys) {
                out.push(unify(x, y)?);
            }
            Some(Ty::Tuple(out))
        }
        (Ty::NamedTuple(x), Ty::NamedTuple(y)) if x.class == y.class => {
            let mut out = Vec::with_capacity(x.items.len());
            for (a, b) in x.items.iter().zip(&y.items) {
                out.push(unify(a, b)?);
            }
            Some(Ty::NamedTuple(Box::new(x.with_items(out))))
        }
        (Ty::Instance(x), Ty::Instance(y)) if x.class == y.class => Some(Ty::Instance(x.clone())),
        // A list's items are shared by every holder: only an empty list's
        // unknown item type may be refined (no conversion of items).
        (Ty::List(x), Ty::List(y)) => match (&**x, &**y) {
            (Ty::Unknown, t) | (t, Ty::Unknown) => Some(Ty::List(Box::new(t.clone()))),
            _ => None,
        },
        // Likewise an empty dict's or set's unknown key and value types.
        (Ty::Dict(x), Ty::Dict(y)) if x.is_set() == y.is_set() => {
            let pick = |a: &Ty, b: &Ty| match (a, b) {
                (Ty::Unknown, t) | (t, Ty::Unknown) => Some(t.clone()),
                (a, b) if a == b => Some(a.clone()),
                _ => None,
            };
            let key = pick(&x.key, &y.key)?;
            let value = match (&x.value, &y.value) {
                (Some(a), Some(b)) => Some(pick(a, b)?),
                _ => None,
            };
            Some(Ty::Dict(Box::new(DictTy { key, value })))
        }
        (Ty::Array(x), Ty::Array(y)) if x.dtype == y.dtype && x.ndim == y.ndim => {
            Some(Ty::Array(ArrayTy {
                dtype: x.dtype,
                ndim: x.ndim,
                layout: x.layout.unify(y.layout),
                readonly: x.readonly || y.readonly,
            }))
        }
        _ => None,
    }
}

/// Whether a value of type `from` may be passed where `to` is declared
/// (eager signatures): exact, or a safe numeric conversion.
pub fn can_convert_safely(from: &Ty, to: &Ty) -> bool {
    if from == to {
        return true;
    }
    match (from, to) {
        (Ty::Scalar(a), Ty::Scalar(b)) => safe_scalar_cast(*a, *b),
        (Ty::Array(a), Ty::Array(b)) => {
            a.dtype == b.dtype
                && a.ndim == b.ndim
                && (b.layout == Layout::A || a.layout == b.layout)
                && (b.readonly || !a.readonly)
        }
        (Ty::Tuple(xs), Ty::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| can_convert_safely(x, y))
        }
        (Ty::NamedTuple(x), Ty::NamedTuple(y)) => {
            x.class == y.class
                && x.items
                    .iter()
                    .zip(&y.items)
                    .all(|(a, b)| can_convert_safely(a, b))
        }
        (Ty::NoneType, Ty::Optional(_)) => true,
        (Ty::Optional(x), Ty::Optional(y)) => can_convert_safely(x, y),
        (x, Ty::Optional(y)) => can_convert_safely(x, y),
        _ => false,
    }
}

/// NumPy's `can_cast(a, b, 'safe')` for scalars, also allowing int64 → float64
/// as Numba does for eager signatures.
pub fn safe_scalar_cast(a: Dtype, b: Dtype) -> bool {
    use Kind::*;
    if a == b {
        return true;
    }
    match (a.kind(), b.kind()) {
        (Bool, _) => true,
        (Signed, Signed) | (Unsigned, Unsigned) => b.size() >= a.size(),
        (Unsigned, Signed) => b.size() > a.size(),
        (Signed | Unsigned, Float) => true,
        (Signed | Unsigned, Complex) => true,
        (Float, Float) => b.size() >= a.size(),
        (Float, Complex) => b.size() >= 2 * a.size(),
        (Complex, Complex) => b.size() >= a.size(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dtype::*;

    #[test]
    fn numba_scalar_promotion() {
        assert_eq!(promote_arith(I8, I8), I64);
        assert_eq!(promote_arith(U8, U8), U64);
        assert_eq!(promote_arith(I64, U64), I64);
        assert_eq!(promote_arith(F32, F32), F32);
        assert_eq!(promote_arith(F32, I64), F64);
        assert_eq!(promote_arith(F32, I16), F32);
        assert_eq!(promote_arith(Bool, Bool), I64);
        assert_eq!(promote_arith(C64, F64), C128);
        assert_eq!(promote_arith(C64, F32), C64);
        assert_eq!(promote_truediv(I64, I64), F64);
        assert_eq!(promote_truediv(F32, F32), F32);
    }

    #[test]
    fn numpy_array_promotion() {
        assert_eq!(promote_numpy(I8, I8), I8);
        assert_eq!(promote_numpy(I8, U8), I16);
        assert_eq!(promote_numpy(I64, U64), F64);
        assert_eq!(promote_numpy(F32, I32), F64);
        assert_eq!(promote_numpy(F32, I16), F32);
        assert_eq!(promote_numpy(Bool, F32), F32);
        assert_eq!(promote_numpy(C64, F64), C128);
    }

    #[test]
    fn unification() {
        assert_eq!(unify(&Ty::I64, &Ty::F64), Some(Ty::F64));
        assert_eq!(unify(&Ty::BOOL, &Ty::BOOL), Some(Ty::BOOL));
        let opt = |t: Ty| Ty::Optional(Box::new(t));
        assert_eq!(unify(&Ty::I64, &Ty::NoneType), Some(opt(Ty::I64)));
        assert_eq!(unify(&Ty::NoneType, &Ty::F64), Some(opt(Ty::F64)));
        assert_eq!(unify(&opt(Ty::I64), &Ty::F64), Some(opt(Ty::F64)));
        assert_eq!(unify(&opt(Ty::I64), &Ty::NoneType), Some(opt(Ty::I64)));
        assert_eq!(unify(&opt(Ty::I64), &opt(Ty::BOOL)), Some(opt(Ty::I64)));
        assert_eq!(unify(&Ty::Str, &Ty::NoneType), None);
        assert_eq!(opt(Ty::I64).to_string(), "OptionalType(int64)");
        let c = Ty::Array(ArrayTy::new(F64, 2, Layout::C));
        let f = Ty::Array(ArrayTy::new(F64, 2, Layout::F));
        assert_eq!(
            unify(&c, &f),
            Some(Ty::Array(ArrayTy::new(F64, 2, Layout::A)))
        );
    }

    #[test]
    fn display_names_match_numba() {
        assert_eq!(
            Ty::Array(ArrayTy::new(F64, 1, Layout::C)).to_string(),
            "array(float64, 1d, C)"
        );
        assert_eq!(
            Ty::Tuple(vec![Ty::I64, Ty::I64]).to_string(),
            "UniTuple(int64 x 2)"
        );
        assert_eq!(
            Ty::Tuple(vec![Ty::I64, Ty::F64]).to_string(),
            "Tuple(int64, float64)"
        );
        let mut ro = ArrayTy::new(I32, 3, Layout::A);
        ro.readonly = true;
        assert_eq!(Ty::Array(ro).to_string(), "readonly array(int32, 3d, A)");
    }

    #[test]
    fn exception_codes_roundtrip() {
        for k in ExcKind::ALL {
            assert_eq!(ExcKind::from_code(k.code()), Some(k));
            assert_eq!(ExcKind::from_name(k.name()), Some(k));
        }
    }
}
