//! The registry's rows for dicts and sets: the `DictFn` family (their
//! methods and the `dict`/`set` builtins), keywords and notes.

use super::Builtin;

/// Dict and set methods, and the builtins that build them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DictFn {
    /// `dict()`, `dict(d)`, `dict(pairs)`.
    New,
    /// `set()`, `set(iterable)`.
    SetNew,
    Get,
    Pop,
    Setdefault,
    Keys,
    Values,
    Items,
    Update,
    Clear,
    Copy,
    Popitem,
    /// `del d[k]` (the front end writes `del x[k]` as `x.__delitem__(k)`).
    DelItem,
    Add,
    Discard,
    Remove,
    SetPop,
    Union,
    Intersection,
    Difference,
    SymmetricDifference,
    Issubset,
    Issuperset,
    Isdisjoint,
}

/// Method names of a dict.
pub const DICT_METHODS: &[(&str, Builtin)] = &[
    ("get", Builtin::Dict(DictFn::Get)),
    ("pop", Builtin::Dict(DictFn::Pop)),
    ("setdefault", Builtin::Dict(DictFn::Setdefault)),
    ("keys", Builtin::Dict(DictFn::Keys)),
    ("values", Builtin::Dict(DictFn::Values)),
    ("items", Builtin::Dict(DictFn::Items)),
    ("update", Builtin::Dict(DictFn::Update)),
    ("clear", Builtin::Dict(DictFn::Clear)),
    ("copy", Builtin::Dict(DictFn::Copy)),
    ("popitem", Builtin::Dict(DictFn::Popitem)),
    ("__delitem__", Builtin::Dict(DictFn::DelItem)),
];

/// Method names of a set.
pub const SET_METHODS: &[(&str, Builtin)] = &[
    ("add", Builtin::Dict(DictFn::Add)),
    ("discard", Builtin::Dict(DictFn::Discard)),
    ("remove", Builtin::Dict(DictFn::Remove)),
    ("pop", Builtin::Dict(DictFn::SetPop)),
    ("clear", Builtin::Dict(DictFn::Clear)),
    ("copy", Builtin::Dict(DictFn::Copy)),
    ("update", Builtin::Dict(DictFn::Update)),
    ("union", Builtin::Dict(DictFn::Union)),
    ("intersection", Builtin::Dict(DictFn::Intersection)),
    ("difference", Builtin::Dict(DictFn::Difference)),
    (
        "symmetric_difference",
        Builtin::Dict(DictFn::SymmetricDifference),
    ),
    ("issubset", Builtin::Dict(DictFn::Issubset)),
    ("issuperset", Builtin::Dict(DictFn::Issuperset)),
    ("isdisjoint", Builtin::Dict(DictFn::Isdisjoint)),
];

pub fn dict_note(f: DictFn) -> &'static str {
    match f {
        DictFn::New => "`dict()`, `dict(d)` of a dict, or `dict(pairs)` of a list of (key, value) tuples",
        DictFn::SetNew => "`set()` or `set(iterable)` of a list, tuple, range, set or 1-d array",
        DictFn::Get => "`get(k[, default])`",
        DictFn::Pop => "`pop(k[, default])`; KeyError(k) without a default",
        DictFn::Setdefault => "`setdefault(k, default)`",
        DictFn::Keys | DictFn::Values | DictFn::Items => {
            "a list of the keys, values or (key, value) tuples, in insertion order (a copy, not a live view)"
        }
        DictFn::Update => "from a dict (of a dict) or a set or an iterable (of a set)",
        DictFn::Clear | DictFn::Copy => "as in Python",
        DictFn::Popitem => "the last (key, value) inserted; KeyError when empty",
        DictFn::DelItem => "`del d[k]`; KeyError(k) when absent",
        DictFn::Add | DictFn::Discard => "as in Python",
        DictFn::Remove => "KeyError(x) when absent",
        DictFn::SetPop => "an item (the first inserted); KeyError when empty",
        DictFn::Union | DictFn::Intersection | DictFn::Difference | DictFn::SymmetricDifference => {
            "with another set (also as `|`, `&`, `-`, `^`)"
        }
        DictFn::Issubset | DictFn::Issuperset | DictFn::Isdisjoint => {
            "with another set (also as `<=`, `>=`)"
        }
    }
}
