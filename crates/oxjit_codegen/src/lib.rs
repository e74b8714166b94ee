//! Typed program → LLVM IR → optimised object code → loaded into the JIT.
//!
//! Native ABI: every instance becomes `i32 f(ptr ret, args...)` returning a
//! status (0 ok, 1 exception pending in the runtime); the root also gets an
//! entry adapter `i32 entry(ptr* args, ptr* rets)` whose arguments and results
//! are flattened into *leaves* (scalars and array structs; tuples flattened,
//! zero-sized values dropped). The dispatcher unboxes into leaf slots.

#![deny(clippy::wildcard_enum_match_arm)]

mod abi;
mod cfunc;
mod ir;
mod jit;

pub use abi::register as register_abi;
pub use cfunc::c_trampoline;
pub use ir::{field_offsets, leaf_offsets, mem_size_align};
pub use jit::{load_object, release, CodeHandle};
mod lower;

use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine,
};
use inkwell::OptimizationLevel;
use oxjit_typeck::Program;
use oxjit_types::Ty;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

#[derive(Clone, Debug)]
pub struct Options {
    pub fastmath: bool,
    pub boundscheck: bool,
    /// `error_model='numpy'`: division by zero gives inf/nan instead of raising.
    pub error_model_numpy: bool,
    /// 0-3.
    pub opt_level: u8,
    /// Also produce assembly text (for `inspect_asm`).
    pub want_asm: bool,
    /// `parallel=True`: `prange` loops run on the worker pool.
    pub parallel: bool,
    /// For code that goes into the on-disk cache: the module's symbol
    /// prefix, derived from the cache key (a counter's prefix would collide
    /// with another process's), and the object code is kept for writing
    /// (`CodeHandle::take_object`).
    pub symbol_prefix: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fastmath: false,
            boundscheck: false,
            error_model_numpy: false,
            opt_level: 3,
            want_asm: false,
            parallel: false,
            symbol_prefix: None,
        }
    }
}

pub struct Compiled {
    pub entry: usize,
    pub ret: Ty,
    pub args: Vec<Ty>,
    /// Optimised LLVM IR of the module.
    pub llvm_ir: String,
    pub asm: Option<String>,
    /// Typed dump (`inspect_types`).
    pub types: String,
    /// What became of each `prange` loop and array expression of a
    /// `parallel=True` function (`parallel_diagnostics()`).
    pub parallel_notes: Vec<String>,
    /// The machine code, freed when this is dropped (nothing may call
    /// `entry` afterwards).
    pub code: Option<CodeHandle>,
}

impl Drop for Compiled {
    fn drop(&mut self) {
        if let Some(h) = self.code.take() {
            release(h);
        }
    }
}

static INIT: OnceLock<Result<(), String>> = OnceLock::new();

pub(crate) fn init_llvm() -> Result<(), String> {
    INIT.get_or_init(|| Target::initialize_native(&InitializationConfig::default()))
        .clone()
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Set by the extension when it loads, with the running Python's minor
/// version (3.x): some of CPython's error messages changed between versions
/// (`3 % 0` says "integer modulo by zero" from 3.11, `3.5 % 0.0` "float
/// modulo by zero" from 3.13, `min([])` "min() iterable argument is empty"
/// and `randrange` "empty range in randrange(a, b)" from 3.12), and compiled
/// code raises the running one's. Without Python (the crates' own tests),
/// 3.11's. The runtime keeps it (`oxjit_runtime::python_minor`).
pub fn set_python_minor(minor: u32) {
    oxjit_runtime::set_python_minor(minor);
}

pub(crate) fn python_minor() -> u32 {
    oxjit_runtime::python_minor()
}

/// A process-unique symbol prefix for one compiled module.
pub(crate) fn unique_prefix(name: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("oxjit_{clean}_{n}")
}

pub(crate) struct Host {
    pub cpu: String,
    pub features: String,
}

/// The host CPU's name and LLVM feature string, and LLVM's version: what
/// compiled code is tuned for (`python -m oxjit -s`).
pub fn system_info() -> (String, String, String) {
    let (major, minor, patch) = inkwell::support::get_llvm_version();
    let h = host();
    (
        h.cpu.clone(),
        h.features.clone(),
        format!("{major}.{minor}.{patch}"),
    )
}

pub(crate) fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host {
        cpu: TargetMachine::get_host_cpu_name().to_string(),
        features: TargetMachine::get_host_cpu_features().to_string(),
    })
}

pub(crate) fn target_machine(opt: u8) -> Result<TargetMachine, String> {
    init_llvm()?;
    let triple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple).map_err(|e| e.to_string())?;
    let h = host();
    let level = match opt {
        0 => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    };
    target
        .create_target_machine(
            &triple,
            &h.cpu,
            &h.features,
            level,
            RelocMode::PIC,
            CodeModel::Default,
        )
        .ok_or_else(|| "could not create a target machine for this CPU".to_string())
}

/// Optimise, emit object code, load it and look up `names`.
pub(crate) fn finish(
    module: &Module<'_>,
    opts: &Options,
    names: &[&str],
) -> Result<(Vec<usize>, String, Option<String>, CodeHandle), String> {
    let tm = target_machine(opts.opt_level)?;
    module.set_triple(&tm.get_triple());
    module.set_data_layout(&tm.get_target_data().get_data_layout());
    if let Err(e) = module.verify() {
        return Err(format!("invalid LLVM IR: {}", e.to_string()));
    }
    let pbo = PassBuilderOptions::create();
    pbo.set_loop_vectorization(opts.opt_level >= 2);
    pbo.set_loop_slp_vectorization(opts.opt_level >= 2);
    pbo.set_loop_interleaving(opts.opt_level >= 2);
    pbo.set_loop_unrolling(opts.opt_level >= 2);
    pbo.set_merge_functions(false);
    let pipeline = format!("default<O{}>", opts.opt_level.min(3));
    module
        .run_passes(&pipeline, &tm, pbo)
        .map_err(|e| e.to_string())?;
    let ir = module.print_to_string().to_string();
    if std::env::var_os("OXJIT_DUMP_OPT_IR").is_some() {
        eprintln!("{ir}");
    }
    let asm = if opts.want_asm {
        let buf = tm
            .write_to_memory_buffer(module, FileType::Assembly)
            .map_err(|e| e.to_string())?;
        Some(String::from_utf8_lossy(buf.as_slice()).into_owned())
    } else {
        None
    };
    let obj = tm
        .write_to_memory_buffer(module, FileType::Object)
        .map_err(|e| e.to_string())?;
    let kept = opts
        .symbol_prefix
        .as_ref()
        .map(|_| (names[0].to_string(), obj.as_slice().to_vec()));
    let raw = obj.as_mut_ptr();
    std::mem::forget(obj); // ownership passes to LLJIT
                           // Each module under its own tracker, so its code can be freed.
    let (addrs, mut code) = unsafe { jit::load_object_tracked(raw, names)? };
    code.2 = kept.map(Box::new);
    Ok((addrs, ir, asm, code))
}

/// Where in code generation a failure happened: lowering the typed program to
/// IR text, or LLVM (parsing, verifying, optimising, loading). Every failure of
/// codegen is a compiler bug (user errors are caught by the type checker), so
/// the dispatcher reports it as an `InternalCompilerError` naming the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Lowering,
    Llvm,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Lowering => "lowering",
            Stage::Llvm => "LLVM",
        }
    }
}

/// A codegen failure: the stage and what went wrong (a panic's message too).
#[derive(Clone, Debug)]
pub struct Error {
    pub stage: Stage,
    pub message: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: {}", self.stage.name(), self.message)
    }
}

/// The message of a caught panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".to_string()
    }
}

/// Fault injection for the tests of internal errors: `OXJIT_INJECT_PANIC=stage`
/// (`unit`, `typing`, `lowering`, `llvm`) makes that stage panic. Read on the
/// compile path only, never on calls.
pub fn inject_panic(stage: &str) {
    if std::env::var("OXJIT_INJECT_PANIC").is_ok_and(|s| s.eq_ignore_ascii_case(stage)) {
        panic!("injected panic in the {stage} stage (OXJIT_INJECT_PANIC)");
    }
}

/// Run one stage; an `Err` or a panic becomes an `Error` of that stage.
fn guarded<T>(stage: Stage, f: impl FnOnce() -> Result<T, String>) -> Result<T, Error> {
    let f = || {
        inject_panic(stage.name());
        f()
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(message)) => Err(Error { stage, message }),
        Err(payload) => Err(Error {
            stage,
            message: panic_message(payload.as_ref()),
        }),
    }
}

/// Compile a typed program; returns the root's entry adapter.
pub fn compile(program: &Program<'_>, opts: &Options) -> Result<Compiled, Error> {
    let root = &program.instances[0];
    let mut notes = Vec::new();
    let (addrs, ir, asm, code) = build(program, opts, |prefix| {
        let (text, entry, n) = lower::lower_program(program, opts, prefix)?;
        notes = n;
        Ok((text, entry))
    })?;
    Ok(Compiled {
        entry: addrs[0],
        ret: root.ret.clone(),
        args: root.args.clone(),
        llvm_ir: ir,
        asm,
        types: program.dump(),
        parallel_notes: notes,
        code: Some(code),
    })
}

/// Name, lower (with `lower`, given the module's symbol prefix), parse,
/// optimise and load one module; the one entry symbol's address comes first.
fn build(
    program: &Program<'_>,
    opts: &Options,
    lower: impl FnOnce(&str) -> Result<(String, String), String>,
) -> Result<(Vec<usize>, String, Option<String>, CodeHandle), Error> {
    let root = &program.instances[0];
    let prefix = match &opts.symbol_prefix {
        Some(p) => p.clone(),
        None => unique_prefix(&program.templates[root.template as usize].qualname),
    };
    let (text, name) = guarded(Stage::Lowering, || lower(&prefix))?;
    let text = format!("{text}\n{}", lower::METADATA);
    let (addrs, ir, asm, mut code) = guarded(Stage::Llvm, || {
        let ctx = Context::create();
        let module = parse_ir(&ctx, &text, &prefix)?;
        finish(&module, opts, &[&name])
    })?;
    // Large frozen arrays are read by address: the code owns them.
    for ca in &program.unit.const_arrays {
        match &ca.data {
            oxjit_syntax::ConstData::Frozen(f) => code.keep(f.clone()),
            oxjit_syntax::ConstData::Inline(_) => {}
        }
    }
    Ok((addrs, ir, asm, code))
}

/// Compile a typed scalar kernel into a NumPy ufunc inner loop for the given
/// input and output dtypes; returns the loop's address.
pub fn compile_ufunc_loop(
    program: &Program<'_>,
    opts: &Options,
    ins: &[oxjit_types::Dtype],
    out: oxjit_types::Dtype,
) -> Result<(usize, CodeHandle), Error> {
    let (addrs, _, _, h) = build(program, opts, |prefix| {
        lower::lower_ufunc_loop(program, opts, prefix, ins, out)
    })?;
    Ok((addrs[0], h))
}

pub use lower::GuArg;

/// Compile a `void` kernel into a NumPy generalized-ufunc loop; returns its address.
pub fn compile_gufunc_loop(
    program: &Program<'_>,
    opts: &Options,
    args: &[GuArg],
) -> Result<(usize, CodeHandle), Error> {
    let (addrs, _, _, h) = build(program, opts, |prefix| {
        lower::lower_gufunc_loop(program, opts, prefix, args)
    })?;
    Ok((addrs[0], h))
}

/// Parse generated IR text into a module. A parse error is our bug: report
/// it with the offending text so it can be fixed.
pub(crate) fn parse_ir<'c>(ctx: &'c Context, text: &str, name: &str) -> Result<Module<'c>, String> {
    if let Some(path) = std::env::var_os("OXJIT_DUMP_IR_DIR") {
        let _ = std::fs::write(std::path::Path::new(&path).join(format!("{name}.ll")), text);
    }
    let buf =
        inkwell::memory_buffer::MemoryBuffer::create_from_memory_range_copy(text.as_bytes(), name);
    ctx.create_module_from_ir(buf).map_err(|e| {
        if std::env::var_os("OXJIT_DUMP_IR").is_some() {
            eprintln!("{text}");
        }
        format!("generated invalid LLVM IR: {}", e.to_string())
    })
}

/// The flattened leaves of a type (see the module docs); decided by the
/// type's model, `Ty::leaves`.
pub fn leaves(ty: &Ty) -> Vec<Ty> {
    ty.leaves()
}

/// Byte size of a leaf slot as the dispatcher must provide it; decided by
/// the type's model, `Ty::leaf_size`.
pub fn leaf_size(ty: &Ty) -> usize {
    ty.leaf_size()
}
