use crate::check;
use oxjit_syntax::Unit;
use oxjit_types::{Dtype, Ty};

/// Unit JSON for `def f(x): return x + 1` (as the Python front end emits it).
const ADD_ONE: &str = r#"{"functions": [{"qualname": "f", "file": "t.py", "first_line": 1,
    "lines": ["def f(x):", "    return x + 1"],
    "def": ["Def", 1, 0, 2, 16, "f", [["x", null, 1, 6, 1, 7]], null,
            [["Return", 2, 4, 2, 16, ["Bin", 2, 11, 2, 16, "Add",
                ["Name", 2, 11, 2, 12, "x"], ["Int", 2, 15, 2, 16, "1"]]]], false],
    "env": {}}]}"#;

#[test]
fn int_plus_int_is_int64_and_float_promotes() {
    let unit = Unit::from_json(ADD_ONE).unwrap();
    let p = check(&unit, &[Ty::I64]).unwrap();
    assert_eq!(p.instances[0].ret, Ty::I64);
    let p = check(&unit, &[Ty::Scalar(Dtype::F32)]).unwrap();
    assert_eq!(p.instances[0].ret, Ty::F64);
    let p = check(&unit, &[Ty::Scalar(Dtype::I8)]).unwrap();
    assert_eq!(p.instances[0].ret, Ty::I64);
}

#[test]
fn adding_a_tuple_and_an_int_is_a_diagnostic() {
    let unit = Unit::from_json(ADD_ONE).unwrap();
    let errs = check(&unit, &[Ty::Tuple(vec![Ty::I64])]).err().unwrap();
    assert_eq!(errs[0].diag.id, "no-matching-operator");
    assert_eq!(
        errs[0].diag.message,
        "unsupported operand types for +: UniTuple(int64 x 1) and int64"
    );
    assert_eq!(errs[0].diag.span.line, 2);
    assert_eq!(errs[0].diag.span.col, 11);
}

#[test]
fn supported_md_is_current() {
    let want = crate::registry::supported_markdown();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/supported.md");
    if std::env::var_os("OXJIT_BLESS").is_some() {
        std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs")).unwrap();
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/supported.md is stale: run OXJIT_BLESS=1 cargo test -p oxjit_typeck supported_md"
    );
}

#[test]
fn dump_snapshot() {
    // The text behind inspect_types(): stable across runs.
    let unit = Unit::from_json(ADD_ONE).unwrap();
    let p = check(&unit, &[Ty::Scalar(Dtype::F32)]).unwrap();
    assert_eq!(p.dump(), "fn #0 f(x: float32) -> float64\n    x: float32\n");
}

#[test]
fn registry_paths_are_unique() {
    // `lookup` takes the first entry: a second one would be dead.
    let mut seen = std::collections::HashSet::new();
    for (p, _) in crate::registry::ENTRIES {
        assert!(seen.insert(*p), "{p} is registered twice");
    }
    let mut seen = std::collections::HashSet::new();
    for (p, _) in crate::registry::METHODS {
        assert!(seen.insert(*p), "method {p} is registered twice");
    }
}

/// Every registered callable has a note and is called by some test: a
/// pytest module, a typing fixture or a codegen test names it as `name(`.
#[test]
fn every_registered_callable_has_a_note_and_a_test() {
    use crate::registry::{
        note, DICT_METHODS, ENTRIES, GEN_METHODS, LIST_METHODS, METHODS, SET_METHODS, STR_METHODS,
    };
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut corpus = String::new();
    for dir in [
        "tests",
        "crates/oxjit_typeck/tests/fixtures",
        "crates/oxjit_codegen/tests",
    ] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "py" || x == "rs") {
                corpus += &std::fs::read_to_string(&p).unwrap_or_default();
            }
        }
    }
    assert!(
        corpus.len() > 100_000,
        "the test sources were not found under {root}"
    );
    let mut missing = Vec::new();
    for (path, b) in ENTRIES
        .iter()
        .chain(METHODS)
        .chain(GEN_METHODS)
        .chain(LIST_METHODS)
        .chain(DICT_METHODS)
        .chain(SET_METHODS)
        .chain(STR_METHODS)
    {
        assert!(!note(*b).is_empty(), "{path} has no note");
        let name = path.rsplit('.').next().unwrap_or(path);
        // Called, or passed as a value (parametrised over `np.subtract, ...`).
        let named = [
            format!(".{name}("),
            format!(" {name}("),
            format!("({name}("),
            format!("np.{name},"),
            format!("np.{name})"),
            format!("np.{name}]"),
            format!("\"{name}\""),
        ]
        .iter()
        .any(|pat| corpus.contains(pat.as_str()));
        // NumPy 2.4 has no trapz: the alias cannot be called here.
        let exempt = *path == "numpy.trapz";
        if !named && !exempt {
            missing.push(*path);
        }
    }
    assert!(
        missing.is_empty(),
        "no test calls these registered callables: {missing:?}"
    );
}

/// The verifier accepts a complete program and names what is missing from
/// an incomplete one.
#[test]
fn verifier_rejects_an_incomplete_program() {
    let unit = Unit::from_json(ADD_ONE).unwrap();
    let mut p = check(&unit, &[Ty::I64]).unwrap();
    assert_eq!(crate::verify::verify(&p), Ok(()));
    let some_expr = *p.instances[0].expr_ty.keys().next().unwrap();
    p.instances[0].expr_ty.remove(&some_expr);
    let err = crate::verify::verify(&p).unwrap_err();
    assert!(err.contains("instance #0 `f`"), "{err}");
    assert!(err.contains("without a known type"), "{err}");
    p.instances[0].ret = Ty::Unknown;
    assert!(crate::verify::verify(&p)
        .unwrap_err()
        .contains("return type"));
}

#[test]
fn readme_list_is_current() {
    use crate::docs::{readme_list, README_BEGIN, README_END};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let have = std::fs::read_to_string(path).expect("README.md");
    let (Some(a), Some(b)) = (have.find(README_BEGIN), have.find(README_END)) else {
        panic!("README.md lacks the supported-list markers");
    };
    let want = format!(
        "{}{}{}",
        &have[..a],
        readme_list(),
        &have[b + README_END.len()..]
    );
    if std::env::var_os("OXJIT_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
    } else {
        assert!(
            have == want,
            "README.md's list of supported callables is stale: run OXJIT_BLESS=1 cargo test -p oxjit_typeck readme"
        );
    }
}
