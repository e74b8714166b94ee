//! Optimised-IR fixtures: each `# ir: f(args)` in the typing fixtures
//! (`crates/oxjit_typeck/tests/fixtures/*.py`) compiles `f` for those
//! argument types and checks the listed properties of the optimised module:
//!
//! - `vector-loop-without-calls`: a vectorised loop body exists, and it
//!   calls nothing but LLVM intrinsics.

#[path = "../../oxjit_typeck/tests/fixture_format/mod.rs"]
mod fixture_format;

use oxjit_codegen::{compile, Options};
use oxjit_syntax::Unit;

/// The instructions of every block whose label starts with `vector.body`.
fn vector_bodies(ir: &str) -> Vec<Vec<&str>> {
    let mut bodies = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in ir.lines() {
        let is_label = !line.starts_with(' ') && line.contains(':') && !line.starts_with(';');
        if is_label || line.starts_with('}') {
            if let Some(b) = current.take() {
                bodies.push(b);
            }
            if line.starts_with("vector.body") {
                current = Some(Vec::new());
            }
        } else if let Some(b) = current.as_mut() {
            b.push(line.trim());
        }
    }
    bodies
}

fn property_holds(prop: &str, ir: &str) -> Result<(), String> {
    match prop {
        "vector-loop-without-calls" => {
            let bodies = vector_bodies(ir);
            if bodies.is_empty() {
                return Err("no vectorised loop (no `vector.body` block)".into());
            }
            for b in &bodies {
                if let Some(call) = b
                    .iter()
                    .find(|i| i.contains("call ") && !i.contains("@llvm."))
                {
                    return Err(format!("the vectorised loop calls: {call}"));
                }
            }
            Ok(())
        }
        other => Err(format!("unknown IR property `{other}`")),
    }
}

#[test]
fn ir_fixtures() {
    let mut failures = Vec::new();
    let mut count = 0;
    for fx in fixture_format::load_all() {
        for c in fx.checks.iter().filter(|c| c.kind == "ir") {
            let unit = Unit::from_json(&fx.unit_json(&c.func)).expect("unit JSON");
            let sig = oxjit_types::parse_signature(&c.args).expect("argument types");
            let program = oxjit_typeck::check(&unit, &sig.args).expect("the fixture types");
            oxjit_typeck::verify::verify(&program).expect("the typed program is complete");
            let compiled = compile(&program, &Options::default()).expect("the fixture compiles");
            for prop in &c.expect {
                count += 1;
                if let Err(why) = property_holds(prop.trim(), &compiled.llvm_ir) {
                    failures.push(format!(
                        "{}:{}: {}{}: {prop}: {why}",
                        fx.name(),
                        c.line + 1,
                        c.func,
                        c.args
                    ));
                }
            }
        }
    }
    assert!(count > 0, "no IR checks found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_vector_loop_property_can_fail() {
    let scalar = "define i32 @f() {\nentry:\n  br label %loop\nloop:\n  ret i32 0\n}\n";
    assert!(property_holds("vector-loop-without-calls", scalar).is_err());
    let calls =
        "define i32 @f() {\nvector.body:\n  %x = call double @sin(double 1.0)\n  ret i32 0\n}\n";
    assert!(property_holds("vector-loop-without-calls", calls)
        .unwrap_err()
        .contains("@sin"));
    let ok = "define i32 @f() {\nvector.body:\n  %x = call <4 x double> @llvm.fabs.v4f64(<4 x double> %v)\n  ret i32 0\n}\n";
    assert!(property_holds("vector-loop-without-calls", ok).is_ok());
}
