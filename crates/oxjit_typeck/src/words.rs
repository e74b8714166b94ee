//! How a diagnostic names a type in running text: with its article ("an
//! int64", "a float64", "an array(float64, 1d, C)"), `None` as itself and a
//! function by its name rather than its template number; a count with its
//! noun in the plural when it needs one.

use crate::driver::Checker;
use oxjit_types::Ty;

/// `text` after "a" or "an", chosen by how a type name is read aloud:
/// "an int64", "an array(...)", "an OptionalType(...)", but "a uint8", "a
/// UniTuple(...)", "a unicode_type".
pub(crate) fn with_article(text: &str) -> String {
    let vowel = matches!(
        text.chars().next().map(|c| c.to_ascii_lowercase()),
        Some('a' | 'e' | 'i' | 'o')
    ) || text.starts_with("undefined");
    format!("{} {text}", if vowel { "an" } else { "a" })
}

/// "1 argument", "2 arguments": `n` and `noun`, plural unless `n` is 1.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

impl Checker<'_> {
    /// Type `t` as a noun phrase: `None`, "the function `f`", or the type
    /// with its article.
    pub(crate) fn a_type(&self, t: &Ty) -> String {
        if *t == Ty::NoneType {
            return "None".to_string();
        }
        if let Ty::Function(tid) = t {
            if let Some(tp) = self.templates.get(*tid as usize) {
                return format!("the function `{}`", tp.qualname);
            }
        }
        with_article(&t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{count, with_article};

    #[test]
    fn articles_follow_the_sound_of_the_type_name() {
        for (text, want) in [
            ("int64", "an int64"),
            ("array(float64, 1d, C)", "an array(float64, 1d, C)"),
            ("OptionalType(int64)", "an OptionalType(int64)"),
            ("instance.jitclass.Acc", "an instance.jitclass.Acc"),
            ("float64", "a float64"),
            ("uint8", "a uint8"),
            ("UniTuple(int64 x 2)", "a UniTuple(int64 x 2)"),
            ("unicode_type", "a unicode_type"),
            (
                "readonly array(float64, 1d, C)",
                "a readonly array(float64, 1d, C)",
            ),
        ] {
            assert_eq!(with_article(text), want);
        }
        assert_eq!(count(1, "argument"), "1 argument");
        assert_eq!(count(0, "argument"), "0 arguments");
        assert_eq!(count(3, "target"), "3 targets");
    }
}
