//! Links NumPy's distribution library (`numpy/random/lib/libnpyrandom.a`,
//! shipped with NumPy for C and Cython users) so that compiled code draws
//! from `numpy.random.Generator` objects with NumPy's own algorithms.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    println!("cargo:rerun-if-env-changed=PYTHON_SYS_EXECUTABLE");
    let python = std::env::var("PYO3_PYTHON")
        .or_else(|_| std::env::var("PYTHON_SYS_EXECUTABLE"))
        .unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .args([
            "-c",
            "import os, numpy; print(os.path.join(os.path.dirname(numpy.__file__), 'random', 'lib'))",
        ])
        .output();
    let dir = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => panic!(
            "building oxjit needs NumPy installed for {python} (its numpy/random/lib/libnpyrandom.a \
             provides numpy.random.Generator's distributions): pip install numpy"
        ),
    };
    if !std::path::Path::new(&dir).join("libnpyrandom.a").exists() {
        panic!(
            "{dir}/libnpyrandom.a is missing: this NumPy does not ship its C distribution library"
        );
    }
    println!("cargo:rerun-if-changed={dir}/libnpyrandom.a");
    println!("cargo:rustc-link-search=native={dir}");
    println!("cargo:rustc-link-lib=static=npyrandom");
}
