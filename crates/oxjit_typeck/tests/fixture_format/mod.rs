//! The fixture format shared by the typing and IR fixture tests.
//!
//! A fixture is a Python file under `crates/oxjit_typeck/tests/fixtures/`
//! with its functions first and its checks last (so rewriting expectations
//! never moves a function's lines):
//!
//! ```text
//! # check: f(int64, float64)        typing: the dump, or the rendered errors
//! # | fn #0 f(x: int64, y: float64) -> float64
//! # ir: g(float64[::1])             optimised IR properties (codegen tests)
//! # | vector-loop-without-calls
//! ```
//!
//! `NAME.units.json` beside it holds the front end's unit for each function
//! named in a check, written by `python3 scripts/fixture_units.py`, so that
//! `cargo test` needs no Python. `OXJIT_BLESS=1` rewrites `check`
//! expectations with what the checker now says.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Check {
    /// `check` or `ir`.
    pub kind: String,
    pub func: String,
    /// The argument list, as a Numba signature without return type.
    pub args: String,
    /// Index of the `# kind:` line in the file.
    pub line: usize,
    /// The expectation lines (without `# | `).
    pub expect: Vec<String>,
}

pub struct Fixture {
    pub path: PathBuf,
    pub lines: Vec<String>,
    pub checks: Vec<Check>,
    /// Function name → unit JSON.
    pub units: serde_json::Map<String, serde_json::Value>,
}

pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../oxjit_typeck/tests/fixtures")
}

pub fn load_all() -> Vec<Fixture> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("fixtures directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no fixtures found in {}",
        dir().display()
    );
    paths.into_iter().map(|p| load(&p)).collect()
}

fn load(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).expect("fixture source");
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut checks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_start();
        let head = ["check", "ir"]
            .into_iter()
            .find_map(|k| l.strip_prefix(&format!("# {k}: ")).map(|rest| (k, rest)));
        if let Some((kind, rest)) = head {
            let open = rest
                .find('(')
                .unwrap_or_else(|| panic!("{}:{}: `{l}` needs name(args)", path.display(), i + 1));
            let mut expect = Vec::new();
            let mut j = i + 1;
            while j < lines.len() && (lines[j] == "# |" || lines[j].starts_with("# | ")) {
                expect.push(lines[j].get(4..).unwrap_or("").to_string());
                j += 1;
            }
            checks.push(Check {
                kind: kind.to_string(),
                func: rest[..open].trim().to_string(),
                args: rest[open..].trim().to_string(),
                line: i,
                expect,
            });
            i = j;
        } else {
            i += 1;
        }
    }
    let units_path = path.with_extension("units.json");
    let units = match std::fs::read_to_string(&units_path) {
        Ok(t) => match serde_json::from_str::<serde_json::Value>(&t) {
            Ok(serde_json::Value::Object(mut m)) => match m.remove("units") {
                Some(serde_json::Value::Object(u)) => u,
                _ => panic!("{}: no `units` object", units_path.display()),
            },
            _ => panic!("{}: not a JSON object", units_path.display()),
        },
        Err(_) => panic!(
            "{} is missing: run `python3 scripts/fixture_units.py`",
            units_path.display()
        ),
    };
    let fx = Fixture {
        path: path.to_path_buf(),
        lines,
        checks,
        units,
    };
    fx.assert_units_fresh();
    fx
}

impl Fixture {
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    /// The unit JSON for `func`, as `Unit::from_json` reads it.
    pub fn unit_json(&self, func: &str) -> String {
        match self.units.get(func) {
            Some(u) => u.to_string(),
            None => panic!(
                "{}: no unit for `{func}`: run `python3 scripts/fixture_units.py`",
                self.name()
            ),
        }
    }

    /// Every function of every unit must still be the fixture's text.
    fn assert_units_fresh(&self) {
        for (name, unit) in &self.units {
            let funcs = unit["functions"].as_array().expect("functions");
            for f in funcs {
                let first = f["first_line"].as_u64().expect("first_line") as usize;
                let lines: Vec<&str> = f["lines"]
                    .as_array()
                    .expect("lines")
                    .iter()
                    .map(|l| l.as_str().unwrap_or(""))
                    .collect();
                let have: Vec<&str> = self
                    .lines
                    .iter()
                    .skip(first.saturating_sub(1))
                    .take(lines.len())
                    .map(String::as_str)
                    .collect();
                assert!(
                    have == lines,
                    "{}: the unit of `{name}` is stale: run `python3 scripts/fixture_units.py`",
                    self.name()
                );
            }
        }
    }

    /// Rewrite the expectations of the checks of `kind` with `actual`
    /// (one entry per check of that kind, in file order).
    pub fn bless(&self, kind: &str, actual: &[Vec<String>]) {
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        let mut k = 0;
        let mut it = self.checks.iter().filter(|c| c.kind == kind).peekable();
        while i < self.lines.len() {
            if it.peek().is_some_and(|c| c.line == i) {
                let c = it.next().unwrap();
                out.push(self.lines[i].clone());
                for l in &actual[k] {
                    out.push(if l.is_empty() {
                        "# |".into()
                    } else {
                        format!("# | {l}")
                    });
                }
                k += 1;
                i += 1 + c.expect.len();
            } else {
                out.push(self.lines[i].clone());
                i += 1;
            }
        }
        let mut text = out.join("\n");
        text.push('\n');
        std::fs::write(&self.path, text).expect("write fixture");
    }
}

pub fn blessing() -> bool {
    std::env::var_os("OXJIT_BLESS").is_some()
}
