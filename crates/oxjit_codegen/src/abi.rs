//! The runtime ABI table as code generation sees it: the rows of
//! `oxjit_runtime` and `oxjit_linalg`, plus rows an embedder registers (NumPy's
//! distribution library, linked into the Python extension). The JIT's symbol
//! map and every `declare` line for these functions are generated from it;
//! lowering only writes calls.

use oxjit_runtime::abi::AbiFn;
use rustc_hash::FxHashMap;
use std::sync::{Mutex, OnceLock};

static EXTRA: Mutex<Vec<AbiFn>> = Mutex::new(Vec::new());
static TABLE: OnceLock<FxHashMap<&'static str, AbiFn>> = OnceLock::new();

/// Make `rows` callable from compiled code; must run before the first
/// compilation (the table and the JIT's symbol map are fixed then).
pub fn register(rows: Vec<AbiFn>) {
    EXTRA.lock().unwrap_or_else(|p| p.into_inner()).extend(rows);
}

/// Every function of the ABI by name.
pub(crate) fn table() -> &'static FxHashMap<&'static str, AbiFn> {
    TABLE.get_or_init(|| {
        let extra = EXTRA.lock().unwrap_or_else(|p| p.into_inner()).clone();
        oxjit_runtime::abi()
            .into_iter()
            .chain(oxjit_linalg::abi())
            .chain(extra)
            .map(|f| (f.name, f))
            .collect()
    })
}

/// Name prefixes of the ABI's functions.
const PREFIXES: [&str; 3] = ["@oxjit_rt_", "@oxjit_la_", "@oxjit_np_"];

/// The `declare` lines for every ABI function that `ir` refers to, sorted.
/// Names with an ABI prefix that are not in the table (a user function called
/// `rt_x` gets the symbol prefix `oxjit_rt_x_…`) are left alone.
pub(crate) fn declarations(ir: &str) -> Vec<String> {
    let table = table();
    let mut names: Vec<&str> = Vec::new();
    for prefix in PREFIXES {
        let mut rest = ir;
        while let Some(i) = rest.find(prefix) {
            let tail = &rest[i + 1..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            names.push(&tail[..end]);
            rest = &tail[end..];
        }
    }
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| table.get(n).map(AbiFn::declaration))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_come_from_the_table() {
        let ir = "call void @oxjit_rt_sort(ptr %a, i64 %n, i32 7)\n\
                  %m = call ptr @oxjit_rt_meminfo_alloc(i64 8)\n\
                  call void @oxjit_rt_sort(ptr %b, i64 %n, i32 7)\n\
                  call i32 @oxjit_rt_x_3_0(ptr %r)\n\
                  %d = call i32 @oxjit_la_det_f64(i64 2, ptr %p, i64 2, i64 1, ptr %o)";
        assert_eq!(
            declarations(ir),
            [
                "declare i32 @oxjit_la_det_f64(i64, ptr, i64, i64, ptr)",
                "declare ptr @oxjit_rt_meminfo_alloc(i64)",
                "declare void @oxjit_rt_sort(ptr, i64, i32)",
            ]
        );
    }
}
