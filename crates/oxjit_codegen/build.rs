//! Links LLVM 19 statically (llvm-sys is built with `no-llvm-linking`), so
//! the extension needs no `libLLVM.so` at run time: only libc, libstdc++,
//! libz and libzstd. The archives are `llvm-config --link-static --libnames`
//! (Debian's `llvm-19-dev` ships them) without Polly, which nothing here uses
//! and which is a separate package. The linker takes from each archive only
//! the objects that are referenced.

use std::path::PathBuf;
use std::process::Command;

fn llvm_config(args: &[&str]) -> String {
    let prefix = std::env::var("LLVM_SYS_191_PREFIX").unwrap_or_else(|_| "/usr/lib/llvm-19".into());
    let exe = PathBuf::from(prefix).join("bin").join("llvm-config");
    let out = Command::new(&exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e} (install llvm-19-dev)", exe.display()));
    if !out.status.success() {
        panic!(
            "{} {args:?} failed: {}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn main() {
    println!("cargo:rerun-if-env-changed=LLVM_SYS_191_PREFIX");
    println!("cargo:rerun-if-changed=build.rs");
    let libdir = llvm_config(&["--libdir"]);
    println!("cargo:rustc-link-search=native={libdir}");
    for name in llvm_config(&["--link-static", "--libnames"]).split_whitespace() {
        let Some(lib) = name.strip_prefix("lib").and_then(|n| n.strip_suffix(".a")) else {
            panic!("unexpected LLVM library name {name}");
        };
        if lib.starts_with("Polly") {
            continue;
        }
        println!("cargo:rustc-link-lib=static={lib}");
    }
    // LLVM's system libraries, without the ones only objects we never link
    // refer to (libz3: the static analyzer's solver; libxml2: Windows
    // manifests). Unused ones are dropped by the linker's --as-needed.
    for lib in ["stdc++", "z", "rt", "dl", "m"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
    // (Debian ships libzstd's run-time library only: no `libzstd.so` link.)
    println!("cargo:rustc-link-lib=dylib:+verbatim=libzstd.so.1");
}
