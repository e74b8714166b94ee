//! Typing fixtures: each `# check: f(args)` in `tests/fixtures/*.py` types
//! `f` for those argument types and compares the typed dump (what
//! `inspect_types()` shows) or the rendered diagnostics with the `# | ` lines
//! below it. `OXJIT_BLESS=1 cargo test -p oxjit_typeck --test fixtures`
//! rewrites them. See `fixture_format/mod.rs` for the format.

mod fixture_format;

use fixture_format::{blessing, load_all};
use oxjit_syntax::Unit;

/// What the checker says for `func(args)`: the dump, or every diagnostic.
fn typing_report(unit_json: &str, args: &str) -> Vec<String> {
    let unit = Unit::from_json(unit_json).expect("unit JSON");
    let sig = oxjit_types::parse_signature(args).expect("argument types");
    let text = match oxjit_typeck::check(&unit, &sig.args) {
        Ok(p) => {
            if let Err(e) = oxjit_typeck::verify::verify(&p) {
                panic!("the verifier rejects {args}: {e}");
            }
            p.dump()
        }
        Err(diags) => diags
            .iter()
            .map(|d| {
                let f = &unit.functions[d.func as usize];
                d.diag.render(&f.file, &f.lines, f.first_line)
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    text.trim_end()
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect()
}

#[test]
fn typing_fixtures() {
    let mut failures = Vec::new();
    let mut count = 0;
    for fx in load_all() {
        let mut actual = Vec::new();
        for c in fx.checks.iter().filter(|c| c.kind == "check") {
            let got = typing_report(&fx.unit_json(&c.func), &c.args);
            if got != c.expect {
                failures.push(format!(
                    "{}:{}: check {}{}\n--- expected\n{}\n--- actual\n{}",
                    fx.name(),
                    c.line + 1,
                    c.func,
                    c.args,
                    c.expect.join("\n"),
                    got.join("\n")
                ));
            }
            actual.push(got);
            count += 1;
        }
        if blessing() {
            fx.bless("check", &actual);
        }
    }
    assert!(count > 0, "no typing checks found");
    assert!(
        failures.is_empty() || blessing(),
        "{} of {count} typing fixtures differ (OXJIT_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
