//! User documentation generated from the registry: the list of supported
//! callables in README.md (`docs/supported.md` is `registry::supported_markdown`).

use crate::registry::{
    DICT_METHODS, ENTRIES, GEN_METHODS, LIST_METHODS, METHODS, SET_METHODS, STR_METHODS,
};

/// The markers around the generated list in README.md.
pub const README_BEGIN: &str =
    "<!-- supported-list: generated from crates/oxjit_typeck/src/registry.rs \
     by `OXJIT_BLESS=1 cargo test -p oxjit_typeck readme`; do not edit -->";
pub const README_END: &str = "<!-- /supported-list -->";

/// Every supported callable by module, as README.md shows it (between the
/// markers, which are included).
pub fn readme_list() -> String {
    let groups: [(&str, &str); 7] = [
        ("", "Builtins"),
        ("math", "`math`"),
        ("cmath", "`cmath`"),
        ("random", "`random`"),
        ("numpy", "`numpy`"),
        ("numpy.linalg", "`numpy.linalg`"),
        ("numpy.random", "`numpy.random`"),
    ];
    let mut out = format!("{README_BEGIN}\n\n");
    for (module, title) in groups {
        let mut names: Vec<&str> = ENTRIES
            .iter()
            .filter_map(|(p, _)| match p.rsplit_once('.') {
                Some((m, n)) if m == module => Some(n),
                None if module.is_empty() => Some(*p),
                Some(_) | None => None,
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        out += &format!("- **{title}:** {}\n", code_list(&names));
    }
    let mut methods: Vec<&str> = METHODS.iter().map(|(p, _)| *p).collect();
    methods.sort_unstable();
    methods.dedup();
    out += &format!("- **Array methods:** {}\n", code_list(&methods));
    let gen: Vec<&str> = GEN_METHODS.iter().map(|(p, _)| *p).collect();
    out += &format!(
        "- **`numpy.random.Generator` methods:** {}\n",
        code_list(&gen)
    );
    let list: Vec<&str> = LIST_METHODS.iter().map(|(p, _)| *p).collect();
    out += &format!("- **List methods:** {}\n", code_list(&list));
    let dict: Vec<&str> = DICT_METHODS.iter().map(|(p, _)| *p).collect();
    out += &format!("- **Dict methods:** {}\n", code_list(&dict));
    let set: Vec<&str> = SET_METHODS.iter().map(|(p, _)| *p).collect();
    out += &format!("- **Set methods:** {}\n", code_list(&set));
    let text: Vec<&str> = STR_METHODS.iter().map(|(p, _)| *p).collect();
    out += &format!("- **String methods:** {}\n", code_list(&text));
    out += &format!("\n{README_END}");
    out
}

fn code_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" ")
}
