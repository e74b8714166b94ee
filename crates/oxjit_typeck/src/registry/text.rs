//! The registry's rows for strings: the `StrFn` family (string methods and
//! the `str`/`format` builtins) and their notes.

use super::Builtin;

/// String methods and the builtins that make strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StrFn {
    /// `str(x)` of a number, bool or string.
    New,
    /// `format(x, spec)` of a number or a string.
    Format,
    /// `repr(x)` of a number, bool or string.
    Repr,
    Join,
    Upper,
    Lower,
    Strip,
    Lstrip,
    Rstrip,
    Startswith,
    Endswith,
    Find,
    Count,
    Replace,
    Split,
    Isdigit,
    Isalpha,
    Isspace,
    Isupper,
    Islower,
    Isalnum,
}

/// Method names of a string.
pub const STR_METHODS: &[(&str, Builtin)] = &[
    ("join", Builtin::Text(StrFn::Join)),
    ("upper", Builtin::Text(StrFn::Upper)),
    ("lower", Builtin::Text(StrFn::Lower)),
    ("strip", Builtin::Text(StrFn::Strip)),
    ("lstrip", Builtin::Text(StrFn::Lstrip)),
    ("rstrip", Builtin::Text(StrFn::Rstrip)),
    ("startswith", Builtin::Text(StrFn::Startswith)),
    ("endswith", Builtin::Text(StrFn::Endswith)),
    ("find", Builtin::Text(StrFn::Find)),
    ("count", Builtin::Text(StrFn::Count)),
    ("replace", Builtin::Text(StrFn::Replace)),
    ("split", Builtin::Text(StrFn::Split)),
    ("isdigit", Builtin::Text(StrFn::Isdigit)),
    ("isalpha", Builtin::Text(StrFn::Isalpha)),
    ("isspace", Builtin::Text(StrFn::Isspace)),
    ("isupper", Builtin::Text(StrFn::Isupper)),
    ("islower", Builtin::Text(StrFn::Islower)),
    ("isalnum", Builtin::Text(StrFn::Isalnum)),
];

pub fn str_note(f: StrFn) -> &'static str {
    match f {
        StrFn::New => "`str(x)` of a number (CPython's text: `repr` of floats), a bool or a string",
        StrFn::Format => {
            "`format(x, spec)` of a number (fill, align, sign, `#`, width, `,`, precision, types `d x X o b f e g %`) or a string (fill, align, width, precision)"
        }
        StrFn::Repr => "`repr(x)` of a number, bool or string (CPython's quoting and escapes)",
        StrFn::Join => "of a list of strings",
        StrFn::Upper | StrFn::Lower => "Unicode case mapping",
        StrFn::Strip | StrFn::Lstrip | StrFn::Rstrip => "of whitespace, or of the characters given",
        StrFn::Startswith | StrFn::Endswith => "of one prefix or suffix",
        StrFn::Find => "`find(sub[, start[, end]])`: an index in code points, -1 when absent",
        StrFn::Count => "non-overlapping occurrences",
        StrFn::Replace => "every occurrence",
        StrFn::Split => "`split()` on whitespace or `split(sep)`: a list of strings",
        StrFn::Isdigit
        | StrFn::Isalpha
        | StrFn::Isspace
        | StrFn::Isupper
        | StrFn::Islower
        | StrFn::Isalnum => "as in Python (Unicode categories)",
    }
}
