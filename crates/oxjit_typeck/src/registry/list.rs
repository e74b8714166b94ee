//! The registry's rows for lists: the `ListFn` family (the methods of a list
//! and the builtins that build one or consume an iterable), their keywords
//! and their notes.

use super::Builtin;

/// List methods, and the Python builtins over lists and other iterables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListFn {
    /// `list()`, `list(iterable)`.
    New,
    /// `sorted(iterable, key=None, reverse=False)`.
    Sorted,
    /// `reversed(seq)`: a range of a range, else a new list.
    Reversed,
    /// `sum(iterable, start=0)`.
    Sum,
    /// `any(iterable)` / `all(iterable)`.
    Any,
    All,
    Append,
    Extend,
    Insert,
    Pop,
    Remove,
    Clear,
    Index,
    Count,
    Reverse,
    Sort,
    Copy,
    /// `del l[i]` / `del l[a:b:c]` (the front end writes `del x[k]` as
    /// `x.__delitem__(k)`).
    DelItem,
}

/// Method names of a list.
pub const LIST_METHODS: &[(&str, Builtin)] = &[
    ("append", Builtin::List(ListFn::Append)),
    ("extend", Builtin::List(ListFn::Extend)),
    ("insert", Builtin::List(ListFn::Insert)),
    ("pop", Builtin::List(ListFn::Pop)),
    ("remove", Builtin::List(ListFn::Remove)),
    ("clear", Builtin::List(ListFn::Clear)),
    ("index", Builtin::List(ListFn::Index)),
    ("count", Builtin::List(ListFn::Count)),
    ("reverse", Builtin::List(ListFn::Reverse)),
    ("sort", Builtin::List(ListFn::Sort)),
    ("copy", Builtin::List(ListFn::Copy)),
    ("__delitem__", Builtin::List(ListFn::DelItem)),
];

pub fn list_keywords(f: ListFn) -> &'static [&'static str] {
    match f {
        ListFn::Sorted | ListFn::Sort => &["key", "reverse"],
        ListFn::Sum => &["start"],
        ListFn::New
        | ListFn::Reversed
        | ListFn::Any
        | ListFn::All
        | ListFn::Append
        | ListFn::Extend
        | ListFn::Insert
        | ListFn::Pop
        | ListFn::Remove
        | ListFn::Clear
        | ListFn::Index
        | ListFn::Count
        | ListFn::Reverse
        | ListFn::Copy
        | ListFn::DelItem => &[],
    }
}

pub fn list_note(f: ListFn) -> &'static str {
    match f {
        ListFn::New => "`list()` or `list(iterable)` of a list, tuple, range or 1-d array: a new list",
        ListFn::Sorted => {
            "a new list of a list, tuple or 1-d array, stable; `key=` a function giving a number, string or tuple, `reverse=`; NaN sorts last"
        }
        ListFn::Reversed => {
            "of a range (a range), or of a list, tuple, string, dict or 1-d array: its items taken when it starts, last first"
        }
        ListFn::Sum => "of a list, tuple, range or 1-d array of numbers, with `start=`",
        ListFn::Any | ListFn::All => "of a list, tuple, range or 1-d array",
        ListFn::Append => "the item converted to the list's item type when that is safe (int into a float list)",
        ListFn::Extend => "from a list, tuple, range or 1-d array",
        ListFn::Insert => "`insert(i, x)`, `i` clamped to the list as in Python",
        ListFn::Pop => "`pop()` or `pop(i)`; IndexError on an empty list or a bad index",
        ListFn::Remove => "the first equal item; ValueError when there is none",
        ListFn::Clear | ListFn::Reverse | ListFn::Copy => "as in Python",
        ListFn::Index => "`index(x[, start[, stop]])`; ValueError when absent",
        ListFn::Count => "items equal to x",
        ListFn::DelItem => "`del l[i]` and `del l[a:b:c]`",
        ListFn::Sort => {
            "in place, stable; `key=` a function giving a number, string or tuple, `reverse=`; NaN sorts last (NumPy's order)"
        }
    }
}
