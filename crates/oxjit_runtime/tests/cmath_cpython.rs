//! `cmath::cpython` against CPython 3.11's `cmath`, bit for bit, on the table
//! `scripts/gen_cmath_table.py` wrote with CPython (`cmath_cpython.txt`):
//! special values, random arguments of every magnitude, branch cuts,
//! thresholds, and the inputs of CPython's own `cmath_testcases.txt`.

use oxjit_runtime::cmath::{cpython_checked, CmathError, CmathOp};
use std::collections::BTreeMap;

const TABLE: &str = include_str!("cmath_cpython.txt");

fn op_named(name: &str) -> CmathOp {
    use CmathOp::*;
    match name {
        "sqrt" => Sqrt,
        "exp" => Exp,
        "log" => Log,
        "log10" => Log10,
        "sin" => Sin,
        "cos" => Cos,
        "tan" => Tan,
        "sinh" => Sinh,
        "cosh" => Cosh,
        "tanh" => Tanh,
        "asin" => Asin,
        "acos" => Acos,
        "atan" => Atan,
        "asinh" => Asinh,
        "acosh" => Acosh,
        "atanh" => Atanh,
        _ => panic!("unknown operation {name:?}"),
    }
}

fn float(hex: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(hex, 16).expect("16 hex digits"))
}

/// Equal bits, except that any NaN equals any NaN.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn cpython_cmath_bit_for_bit() {
    // op -> (cases, failures)
    let mut counts: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [name, re, im, "->", want_re, want_im, status] = f[..] else {
            panic!("malformed line {line:?}");
        };
        let (re, im) = (float(re), float(im));
        let want = (float(want_re), float(want_im));
        let want_err = match status {
            "ok" => None,
            "EDOM" => Some(CmathError::Domain),
            "ERANGE" => Some(CmathError::Range),
            _ => panic!("malformed status in {line:?}"),
        };
        let (got, got_err) = cpython_checked(op_named(name), re, im);
        let entry = counts.entry(name).or_default();
        entry.0 += 1;
        if !same(got.0, want.0) || !same(got.1, want.1) || got_err != want_err {
            entry.1.push(format!(
                "{name}({re:e}{im:+e}j): got ({:e}, {:e}) {got_err:?}, CPython ({:e}, {:e}) {status}",
                got.0, got.1, want.0, want.1
            ));
        }
    }
    assert_eq!(
        counts.len(),
        CmathOp::ALL.len(),
        "every operation has cases"
    );
    let mut report = String::new();
    for (name, (cases, failures)) in &counts {
        if !failures.is_empty() {
            report += &format!("{name}: {} of {cases} differ\n", failures.len());
            for f in failures.iter().take(10) {
                report += &format!("  {f}\n");
            }
        }
    }
    assert!(
        report.is_empty(),
        "results differing from CPython:\n{report}"
    );
}
