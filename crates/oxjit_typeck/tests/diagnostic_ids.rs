//! Every diagnostic id has a snapshot: each id that `crates/*/src` passes to
//! `Diagnostic::error`, `Diagnostic::warning` or `Diagnostic::unsupported_as`
//! (`Diagnostic::unsupported` is `unsupported-syntax`) must appear in an
//! `error[id]`/`warning[id]` line of a fixture (`tests/fixtures/*.py`,
//! usually `diagnostic_ids.py`), so its rendered message has been read and is
//! checked, or be in `ALLOWLIST` with the reason Python source cannot reach it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Ids no Python function can produce through the front end, with why.
const ALLOWLIST: &[(&str, &str)] = &[(
    "break-outside-loop",
    "Python itself rejects `break`/`continue` outside a loop (SyntaxError) before the front end \
     sees the function; only a hand-written unit reaches this check",
)];

/// The constructors that take the id as their first argument.
const CONSTRUCTORS: &[&str] = &[
    "Diagnostic::error(",
    "Diagnostic::warning(",
    "Diagnostic::unsupported_as(",
];

/// The one file allowed to pass an id through a variable: the constructors
/// forwarding theirs (`unsupported` → `unsupported_as` → `error`).
const FORWARDING: &str = "oxjit_syntax/src/diag.rs";

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.expect("directory entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The string literal at the start of `s` (after white space), if any.
fn leading_literal(s: &str) -> Option<&str> {
    let rest = s.trim_start().strip_prefix('"')?;
    rest.find('"').map(|end| &rest[..end])
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Id → the places (`crate/src/file.rs:line`) that emit it, and the call
/// sites whose id is not a literal this scan can read.
fn emitted_ids() -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let root = crates_dir();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&root).expect("crates directory") {
        rust_files(&krate.expect("crate").path().join("src"), &mut files);
    }
    files.sort();
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unreadable = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source file");
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        for ctor in CONSTRUCTORS {
            for (at, _) in text.match_indices(ctor) {
                let line = text[..at].matches('\n').count() + 1;
                let place = format!("{rel}:{line}");
                match leading_literal(&text[at + ctor.len()..]) {
                    Some(id) if is_id(id) => ids.entry(id.to_string()).or_default().push(place),
                    _ if rel.ends_with(FORWARDING) => {}
                    _ => unreadable.push(place),
                }
            }
        }
    }
    (ids, unreadable)
}

/// The ids of every `# | error[id]` / `# | warning[id]` line of the fixtures.
fn snapshot_ids() -> BTreeSet<String> {
    let dir = crates_dir().join("oxjit_typeck/tests/fixtures");
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(&dir).expect("fixtures directory") {
        let p = e.expect("fixture").path();
        if p.extension().is_none_or(|x| x != "py") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("fixture source");
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("# | ") else {
                continue;
            };
            let Some(rest) = rest
                .strip_prefix("error[")
                .or_else(|| rest.strip_prefix("warning["))
            else {
                continue;
            };
            if let Some(end) = rest.find("]: ") {
                out.insert(rest[..end].to_string());
            }
        }
    }
    out
}

#[test]
fn every_diagnostic_id_has_a_fixture() {
    let (ids, unreadable) = emitted_ids();
    assert!(
        unreadable.is_empty(),
        "diagnostic ids must be string literals at the call, so this test can read them:\n  {}",
        unreadable.join("\n  ")
    );
    // The scan itself works: it sees ids from both crates that emit them.
    for known in ["unsupported-syntax", "unknown-name", "no-matching-operator"] {
        assert!(ids.contains_key(known), "the scan missed `{known}`");
    }
    let seen = snapshot_ids();
    let allowed: BTreeMap<&str, &str> = ALLOWLIST.iter().copied().collect();
    let missing: Vec<String> = ids
        .iter()
        .filter(|(id, _)| !seen.contains(*id) && !allowed.contains_key(id.as_str()))
        .map(|(id, places)| format!("{id} (emitted at {})", places.join(", ")))
        .collect();
    assert!(
        missing.is_empty(),
        "diagnostic ids without a snapshot: add a function that produces each to \
         crates/oxjit_typeck/tests/fixtures/diagnostic_ids.py with its `# check:` line, \
         run `python3 scripts/fixture_units.py` and `OXJIT_BLESS=1 cargo test -p oxjit_typeck`, \
         and read the message (or allowlist the id in tests/diagnostic_ids.rs with the reason \
         Python source cannot produce it):\n  {}",
        missing.join("\n  ")
    );
    // The allowlist stays honest: only ids still emitted and still without a snapshot.
    for (id, _) in ALLOWLIST {
        assert!(
            ids.contains_key(*id),
            "allowlisted `{id}` is no longer emitted: remove it from ALLOWLIST"
        );
        assert!(
            !seen.contains(*id),
            "allowlisted `{id}` now has a snapshot: remove it from ALLOWLIST"
        );
    }
    // Every snapshot names an id the source still emits.
    let stale: Vec<&String> = seen.iter().filter(|id| !ids.contains_key(*id)).collect();
    assert!(
        stale.is_empty(),
        "fixtures show ids no source emits any more (renamed?): {stale:?}"
    );
}
