//! `@cfunc`: a function with a C signature (numbers in, a number or nothing
//! out) around a compiled function's entry, for C callers such as SciPy's
//! `LowLevelCallable`. It stores its arguments where the entry reads leaves,
//! calls it, and returns the result converted to the declared type. An
//! exception raised inside cannot reach a C caller: it is printed to stderr
//! and the result is zero, as Numba's cfuncs do.

use crate::{finish, ir::scalar_ty, parse_ir, CodeHandle, Options};
use inkwell::context::Context;
use oxjit_types::{Dtype, ExcKind, Ty};
use std::fmt::Write;

/// The LLVM type a C caller passes a number of dtype `d` as.
fn c_ty(d: Dtype) -> &'static str {
    if d == Dtype::Bool {
        "i8"
    } else {
        scalar_ty(d)
    }
}

/// `v` (LLVM type of `from`) as `to`, with C's conversions.
fn convert(f: &mut String, n: &mut u32, v: &str, from: Dtype, to: Dtype) -> String {
    if c_ty(from) == c_ty(to) && from.is_float() == to.is_float() {
        return v.to_string();
    }
    let (ft, tt) = (c_ty(from), c_ty(to));
    let op = match (from.is_float(), to.is_float()) {
        (true, true) if from.size() < to.size() => "fpext",
        (true, true) => "fptrunc",
        (false, true) if from.is_signed() => "sitofp",
        (false, true) => "uitofp",
        (true, false) if to.is_signed() => "fptosi",
        (true, false) => "fptoui",
        (false, false) if from.size() < to.size() && from.is_signed() => "sext",
        (false, false) if from.size() < to.size() => "zext",
        (false, false) => "trunc",
    };
    *n += 1;
    let _ = writeln!(f, "  %c{n} = {op} {ft} {v} to {tt}");
    format!("%c{n}")
}

/// Compile the trampoline `name` for the entry at `entry` of a function of
/// `args` returning `ret`, declared to return `declared` (None: void).
/// Its address and the code (freed when the handle is dropped).
pub fn c_trampoline(
    entry: usize,
    args: &[Ty],
    ret: &Ty,
    declared: Option<&Ty>,
    name: &str,
) -> Result<(usize, CodeHandle), String> {
    let scalar = |t: &Ty| t.scalar().filter(|d| !d.is_complex());
    let mut ins = Vec::new();
    for t in args {
        ins.push(scalar(t).ok_or_else(|| format!("a cfunc takes numbers, not {t}"))?);
    }
    let out = match (declared, ret) {
        (Some(Ty::NoneType) | None, _) => None,
        (Some(d), r) => {
            let to =
                scalar(d).ok_or_else(|| format!("a cfunc returns a number or nothing, not {d}"))?;
            let from =
                scalar(r).ok_or_else(|| format!("a cfunc returns a number or nothing, not {r}"))?;
            Some((from, to))
        }
    };
    let sym = format!("{}_cfunc", crate::unique_prefix(name));
    let mut f = String::new();
    let mut n = 0u32;
    // The name for messages, as bytes an LLVM string can hold.
    let bytes: Vec<u8> = name.bytes().chain(std::iter::once(0)).collect();
    let text: String = bytes.iter().map(|b| format!("\\{b:02X}")).collect();
    let _ = writeln!(
        f,
        "@cfunc_name = private constant [{} x i8] c\"{text}\"",
        bytes.len()
    );
    let params: Vec<String> = ins
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{} %x{i}", c_ty(*d)))
        .collect();
    let rt = out.map_or("void", |(_, to)| c_ty(to));
    let _ = writeln!(f, "define {rt} @{sym}({}) {{", params.join(", "));
    let nargs = ins.len().max(1);
    let _ = writeln!(f, "  %args = alloca [{nargs} x ptr]");
    for (i, d) in ins.iter().enumerate() {
        let t = c_ty(*d);
        let _ = writeln!(f, "  %a{i} = alloca i64");
        let _ = writeln!(f, "  store i64 0, ptr %a{i}");
        let _ = writeln!(f, "  store {t} %x{i}, ptr %a{i}");
        let _ = writeln!(
            f,
            "  %ap{i} = getelementptr [{nargs} x ptr], ptr %args, i64 0, i64 {i}"
        );
        let _ = writeln!(f, "  store ptr %a{i}, ptr %ap{i}");
    }
    let _ = writeln!(f, "  %r = alloca [2 x i64]");
    let _ = writeln!(f, "  store [2 x i64] zeroinitializer, ptr %r");
    let _ = writeln!(f, "  %rets = alloca [1 x ptr]");
    let _ = writeln!(f, "  store ptr %r, ptr %rets");
    let _ = writeln!(
        f,
        "  %st = call i32 inttoptr (i64 {entry} to ptr)(ptr %args, ptr %rets)"
    );
    let _ = writeln!(f, "  %bad = icmp ne i32 %st, 0");
    let _ = writeln!(f, "  br i1 %bad, label %err, label %ok");
    let _ = writeln!(f, "err:");
    let report = report_error as *const () as usize;
    let _ = writeln!(
        f,
        "  call void inttoptr (i64 {report} to ptr)(ptr @cfunc_name)"
    );
    let _ = writeln!(f, "  br label %ok");
    let _ = writeln!(f, "ok:");
    match out {
        None => {
            let _ = writeln!(f, "  ret void");
        }
        Some((from, to)) => {
            let _ = writeln!(f, "  %v = load {}, ptr %r", c_ty(from));
            let v = convert(&mut f, &mut n, "%v", from, to);
            let _ = writeln!(f, "  ret {} {v}", c_ty(to));
        }
    }
    let _ = writeln!(f, "}}");
    let ctx = Context::create();
    let module = parse_ir(&ctx, &f, &sym)?;
    let (addrs, _, _, code) = finish(&module, &Options::default(), &[&sym])?;
    Ok((addrs[0], code))
}

/// Print the exception a cfunc raised (no C caller can receive it).
extern "C" fn report_error(name: *const std::ffi::c_char) {
    let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_string_lossy();
    let Some(e) = oxjit_runtime::take_error() else {
        return;
    };
    let kind = ExcKind::from_code(e.kind).map_or("Exception", ExcKind::name);
    let args: Vec<String> = e
        .args
        .iter()
        .map(|a| match a {
            oxjit_runtime::ExcArg::Str(s) => s.clone(),
            oxjit_runtime::ExcArg::Int(v) => v.to_string(),
            oxjit_runtime::ExcArg::UInt(v) => v.to_string(),
            oxjit_runtime::ExcArg::Float(v) => v.to_string(),
            oxjit_runtime::ExcArg::Bool(v) => if *v { "True" } else { "False" }.to_string(),
        })
        .collect();
    let msg = if e.concat {
        args.concat()
    } else {
        args.join(", ")
    };
    eprintln!("Exception ignored in cfunc '{name}' (C callers cannot receive it): {kind}: {msg}");
}
