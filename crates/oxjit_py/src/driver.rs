//! The one compile pipeline behind dispatchers, `@vectorize` loops and
//! `@guvectorize` loops: front end (Python's `ast` → unit JSON, under the GIL)
//! → typing → lowering → LLVM (without the GIL). Each failure is classified
//! here once: a diagnostic about the user's code, a Python error from the
//! front end, or an internal error (an `Err` or a panic) naming its stage.

use crate::{cache, new_err};
use oxjit_codegen::{CodeHandle, Compiled, GuArg, Options};
use oxjit_syntax::{FrozenBytes, Unit};
use oxjit_typeck::{Located, Program};
use oxjit_types::{Dtype, Ty};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::sync::Arc;

/// The stages a compilation goes through, as named in internal errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Reading the unit JSON the Python front end wrote.
    Unit,
    Typing,
    Lowering,
    Llvm,
    /// Calling an overload (argument typing, unboxing, boxing).
    Call,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Unit => "reading the unit",
            Stage::Typing => "typing",
            Stage::Lowering => "lowering",
            Stage::Llvm => "LLVM",
            Stage::Call => "call",
        }
    }
}

impl From<oxjit_codegen::Stage> for Stage {
    fn from(s: oxjit_codegen::Stage) -> Self {
        match s {
            oxjit_codegen::Stage::Lowering => Stage::Lowering,
            oxjit_codegen::Stage::Llvm => Stage::Llvm,
        }
    }
}

pub(crate) enum Failure {
    /// Rendered diagnostics about the user's code (typing or unsupported).
    User(String),
    /// A compiler bug: an error or a panic in one stage.
    Internal { stage: Stage, message: String },
    /// A Python exception to pass through unchanged.
    Py(PyErr),
}

impl Failure {
    /// The Python exception for a failure to compile `name` in nopython mode.
    pub(crate) fn into_err(self, py: Python<'_>, name: &str) -> PyErr {
        match self {
            Failure::Py(e) => e,
            Failure::User(msg) => new_err(
                py,
                "TypingError",
                format!("Failed in nopython mode pipeline (oxjit)\n{msg}"),
            ),
            Failure::Internal { stage, message } => {
                let err = new_err(
                    py,
                    "InternalCompilerError",
                    format!(
                        "internal compiler error in `{name}` ({} stage): {message}\n\
                         Please report this bug with the function's source.",
                        stage.name()
                    ),
                );
                // Attributes for tools and tests; failing to set them is harmless.
                let v = err.value(py);
                let _ = v.setattr("stage", stage.name());
                let _ = v.setattr("function", name);
                err
            }
        }
    }
}

/// What to build from the typed program.
pub(crate) enum Target<'a> {
    /// A dispatcher overload: the entry adapter of the root function.
    Function,
    /// A NumPy ufunc inner loop with these input and output dtypes.
    UfuncLoop { ins: &'a [Dtype], out: Dtype },
    /// A generalized-ufunc inner loop.
    GufuncLoop { args: &'a [GuArg] },
}

pub(crate) enum Output {
    Function(Compiled),
    /// The loop's address and the handle that keeps its machine code.
    Loop(usize, CodeHandle),
}

/// What the front end gives the compiler: the unit JSON and the frozen
/// copies of its large arrays (`{"ref": k}` in the JSON is `frozen[k]`).
/// Cloning is cheap; the machine code compiled from it keeps the arrays.
#[derive(Clone)]
pub(crate) struct Source {
    json: String,
    frozen: Vec<Arc<FrozenBytes>>,
}

/// Run the Python front end on `py_func` (and the jitted functions passed as
/// arguments): the unit JSON, and a private copy of every large array it
/// references (taken now, under the GIL: the value is frozen at compile
/// time). Its failures (no source, unsupported syntax the front end rejects)
/// are about the user's code.
pub(crate) fn unit_json(
    py: Python<'_>,
    py_func: &Bound<'_, PyAny>,
    extras: &[Py<PyAny>],
    arg_tys: &[Ty],
) -> Result<Source, Failure> {
    let frontend = py.import("oxjit._frontend").map_err(Failure::Py)?;
    let extras = PyList::new(py, extras.iter().map(|o| o.bind(py).clone())).map_err(Failure::Py)?;
    // The jitclasses the arguments are instances of: their methods join the unit.
    let mut classes = Vec::new();
    fn walk(t: &Ty, out: &mut Vec<u64>) {
        if let Ty::Instance(c) = t {
            if !out.contains(&c.class) {
                out.push(c.class);
                c.fields().iter().for_each(|(_, f)| walk(f, out));
            }
        } else if let Some(p) = t.optional() {
            walk(p, out);
        } else if let Ty::List(item) = t {
            walk(item, out);
        } else if let Some(d) = t.dict() {
            walk(&d.key, out);
            d.value.iter().for_each(|v| walk(v, out));
        } else {
            t.tuple_items()
                .into_iter()
                .flatten()
                .for_each(|i| walk(i, out));
        }
    }
    arg_tys.iter().for_each(|t| walk(t, &mut classes));
    let r = match frontend.call_method1("build_unit_refs", (py_func, extras, classes)) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::User(
                e.value(py).str().map(|s| s.to_string()).unwrap_or_default(),
            ))
        }
    };
    let (json, arrays): (String, Vec<(usize, usize, Bound<'_, PyAny>)>) =
        r.extract().map_err(Failure::Py)?;
    let frozen = arrays
        .iter()
        .map(|(addr, nbytes, _array)| {
            // SAFETY: the front end gives the address and size of a C-ordered
            // buffer of `_array`, which `arrays` keeps alive; we hold the GIL.
            let bytes = unsafe { std::slice::from_raw_parts(*addr as *const u8, *nbytes) };
            Arc::new(FrozenBytes::from_slice(bytes))
        })
        .collect();
    Ok(Source { json, frozen })
}

/// Run one stage of ours; a panic becomes an internal error of that stage.
fn guarded<T>(stage: Stage, f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(Failure::Internal {
            stage,
            message: oxjit_codegen::panic_message(payload.as_ref()),
        }),
    }
}

/// Every diagnostic, rendered against the source of the function it is in.
fn render(unit: &Unit, diags: &[Located]) -> String {
    let mut text = String::new();
    for d in diags {
        let f = &unit.functions[d.func as usize];
        text += &d.diag.render(&f.file, &f.lines, f.first_line);
        text.push('\n');
    }
    if diags.is_empty() {
        text = "the function could not be typed".into();
    }
    text.trim_end().to_string()
}

fn read_unit(src: &Source) -> Result<Unit, Failure> {
    guarded(Stage::Unit, || {
        oxjit_codegen::inject_panic("unit");
        Unit::from_json_with(&src.json, &src.frozen).map_err(|message| Failure::Internal {
            stage: Stage::Unit,
            message,
        })
    })
}

fn typed<'u>(unit: &'u Unit, args: &[Ty]) -> Result<Program<'u>, Failure> {
    guarded(Stage::Typing, || {
        oxjit_codegen::inject_panic("typing");
        let program =
            oxjit_typeck::check(unit, args).map_err(|d| Failure::User(render(unit, &d)))?;
        if oxjit_typeck::verify::enabled() {
            oxjit_typeck::verify::verify(&program).map_err(|m| Failure::Internal {
                stage: Stage::Typing,
                message: format!("the typed program is incomplete: {m}"),
            })?;
        }
        Ok(program)
    })
}

/// The root's return type for these argument types (typing only).
pub(crate) fn return_type(py: Python<'_>, src: Source, args: Vec<Ty>) -> Result<Ty, Failure> {
    py.detach(move || {
        let unit = read_unit(&src)?;
        Ok(typed(&unit, &args)?.instances[0].ret.clone())
    })
}

/// A ufunc kernel must give a scalar. (What a function cannot return to
/// Python at all is diagnosed by the type checker, at the `return`.)
fn check_result(program: &Program<'_>, target: &Target<'_>) -> Result<(), Failure> {
    match (target, &program.instances[0].ret) {
        (Target::UfuncLoop { .. }, Ty::Scalar(_)) => Ok(()),
        (Target::UfuncLoop { .. }, other) => Err(Failure::User(format!(
            "a @vectorize kernel must return a scalar, not {other}"
        ))),
        (Target::Function | Target::GufuncLoop { .. }, _) => Ok(()),
    }
}

/// Type, lower and load `src` for `args`, without the GIL; with a cache
/// place, link the cached code instead when its key matches, and write the
/// code compiled otherwise (`cache.rs`).
pub(crate) fn compile(
    py: Python<'_>,
    src: Source,
    args: Vec<Ty>,
    mut opts: Options,
    target: Target<'_>,
    cache: Option<&cache::Place>,
) -> Result<Output, Failure> {
    py.detach(move || {
        let unit = read_unit(&src)?;
        let cached = match cache {
            Some(place) if cache::uncacheable(&unit, &args).is_none() => {
                let key = cache::key(&src.json, &args, &opts, &target);
                let function = matches!(target, Target::Function);
                match cache::load(place, &key, &args, function) {
                    Some(cache::Loaded::Function(c)) => return Ok(Output::Function(c)),
                    Some(cache::Loaded::Loop(addr, h)) => return Ok(Output::Loop(addr, h)),
                    None => {}
                }
                opts.symbol_prefix = cache::symbol_prefix(&key);
                Some((place, key))
            }
            Some(_) | None => None,
        };
        let program = typed(&unit, &args)?;
        check_result(&program, &target)?;
        let mut out = compile_typed(&program, &opts, target)?;
        if let Some((place, key)) = cached {
            let ret = &program.instances[0].ret;
            match &mut out {
                Output::Function(c) => {
                    let (types, notes) = (c.types.clone(), c.parallel_notes.clone());
                    if let Some(code) = c.code.as_mut() {
                        cache::store(place, &key, code, ret, &types, &notes);
                    }
                }
                Output::Loop(_, code) => cache::store(place, &key, code, ret, "", &[]),
            }
        }
        Ok(out)
    })
}

fn compile_typed(
    program: &Program<'_>,
    opts: &Options,
    target: Target<'_>,
) -> Result<Output, Failure> {
    let internal = |e: oxjit_codegen::Error| Failure::Internal {
        stage: e.stage.into(),
        message: e.message,
    };
    match target {
        Target::Function => oxjit_codegen::compile(program, opts)
            .map(Output::Function)
            .map_err(internal),
        Target::UfuncLoop { ins, out } => {
            oxjit_codegen::compile_ufunc_loop(program, opts, ins, out)
                .map(|(a, h)| Output::Loop(a, h))
                .map_err(internal)
        }
        Target::GufuncLoop { args } => oxjit_codegen::compile_gufunc_loop(program, opts, args)
            .map(|(a, h)| Output::Loop(a, h))
            .map_err(internal),
    }
}
