//! End-to-end tests of the code generator without Python: hand-written unit
//! JSON (as the front end emits it) → type check → LLVM → call the entry.

use oxjit_codegen::{compile, Options};
use oxjit_syntax::Unit;
use oxjit_types::{ExcKind, Ty};

type Entry = unsafe extern "C" fn(*const *mut u8, *const *mut u8) -> i32;

/// `def f(x, y): return x // y` (Python floor division).
const FLOORDIV: &str = r#"{"functions": [{"qualname": "f", "file": "t.py", "first_line": 1,
    "lines": ["def f(x, y):", "    return x // y"],
    "def": ["Def", 1, 0, 2, 17, "f", [["x", null, 1, 6, 1, 7], ["y", null, 1, 9, 1, 10]], null,
            [["Return", 2, 4, 2, 17, ["Bin", 2, 11, 2, 17, "FloorDiv",
                ["Name", 2, 11, 2, 12, "x"], ["Name", 2, 16, 2, 17, "y"]]]], false],
    "env": {}}]}"#;

/// `def s(n):` summing `i * i` over `range(n)` with a while loop.
const SUM_SQ: &str = r#"{"functions": [{"qualname": "s", "file": "t.py", "first_line": 1,
    "lines": ["def s(n):", "    t = 0", "    for i in range(n):", "        t += i * i", "    return t"],
    "def": ["Def", 1, 0, 5, 12, "s", [["n", null, 1, 6, 1, 7]], null,
      [["Assign", 2, 4, 2, 9, [["Name", 2, 4, 2, 5, "t"]], ["Int", 2, 8, 2, 9, "0"]],
       ["For", 3, 4, 4, 18, ["Name", 3, 8, 3, 9, "i"],
          ["Call", 3, 13, 3, 21, ["Name", 3, 13, 3, 18, "range"], [["Name", 3, 19, 3, 20, "n"]], null, []],
          [["AugAssign", 4, 8, 4, 18, ["Name", 4, 8, 4, 9, "t"], "Add",
              ["Bin", 4, 13, 4, 18, "Mult", ["Name", 4, 13, 4, 14, "i"], ["Name", 4, 17, 4, 18, "i"]]]], []],
       ["Return", 5, 4, 5, 12, ["Name", 5, 11, 5, 12, "t"]]], false],
    "env": {"range": ["builtin", "range"]}}]}"#;

fn build(json: &str, args: &[Ty]) -> oxjit_codegen::Compiled {
    let unit = Unit::from_json(json).expect("unit");
    let program = oxjit_typeck::check(&unit, args).expect("typed");
    oxjit_typeck::verify::verify(&program).expect("the typed program is complete");
    compile(&program, &Options::default()).expect("compiled")
}

fn call_i64(c: &oxjit_codegen::Compiled, args: &[i64]) -> (i32, i64) {
    let mut slots: Vec<i64> = args.to_vec();
    let ptrs: Vec<*mut u8> = slots.iter_mut().map(|s| s as *mut i64 as *mut u8).collect();
    let mut ret = 0i64;
    let rets = [&mut ret as *mut i64 as *mut u8];
    // SAFETY: the entry takes one i64 slot per argument and returns an i64.
    let entry: Entry = unsafe { std::mem::transmute::<usize, Entry>(c.entry) };
    let status = unsafe { entry(ptrs.as_ptr(), rets.as_ptr()) };
    (status, ret)
}

#[test]
fn integer_floor_division_follows_python() {
    let c = build(FLOORDIV, &[Ty::I64, Ty::I64]);
    assert_eq!(c.ret, Ty::I64);
    for (a, b) in [(7, 2), (-7, 2), (7, -2), (-7, -2), (i64::MIN, -1), (0, 5)] {
        let (st, r) = call_i64(&c, &[a, b]);
        assert_eq!(st, 0);
        assert_eq!(r, floor_div(a, b), "{a} // {b}");
    }
}

fn floor_div(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

#[test]
fn division_by_zero_sets_a_pending_zero_division_error() {
    let c = build(FLOORDIV, &[Ty::I64, Ty::I64]);
    let (st, _) = call_i64(&c, &[1, 0]);
    assert_eq!(st, 1);
    let e = oxjit_runtime::take_error().expect("pending error");
    assert_eq!(e.kind, ExcKind::ZeroDivisionError.code());
    assert_eq!(
        e.args,
        vec![oxjit_runtime::ExcArg::Str(
            "integer division or modulo by zero".into()
        )]
    );
}

#[test]
fn loops_over_range_compute_the_right_sum() {
    let c = build(SUM_SQ, &[Ty::I64]);
    for n in [0i64, 1, 10, 1000] {
        let (st, r) = call_i64(&c, &[n]);
        assert_eq!(st, 0);
        assert_eq!(r, (0..n).map(|i| i * i).sum::<i64>());
    }
    // The optimised IR is kept for inspect_llvm().
    assert!(c.llvm_ir.contains("define"));
}

#[test]
fn float_arguments_promote_the_result() {
    let c = build(FLOORDIV, &[Ty::F64, Ty::I64]);
    assert_eq!(c.ret, Ty::F64);
    let mut x = -7.5f64;
    let mut y = 2i64;
    let ptrs = [&mut x as *mut f64 as *mut u8, &mut y as *mut i64 as *mut u8];
    let mut ret = 0f64;
    let rets = [&mut ret as *mut f64 as *mut u8];
    let entry: Entry = unsafe { std::mem::transmute::<usize, Entry>(c.entry) };
    assert_eq!(unsafe { entry(ptrs.as_ptr(), rets.as_ptr()) }, 0);
    assert_eq!(ret, -4.0);
}
