//! Module-wide state (`ModuleGen`), program/ufunc/gufunc modules and the entry adapter.

use super::*;

/// Module-wide state: string constants, declarations, finished functions.
pub(crate) struct ModuleGen {
    pub prefix: String,
    pub opts: Options,
    globals: String,
    decls: FxHashSet<String>,
    funcs: String,
    nstr: u32,
    strings: FxHashMap<String, String>,
    pub(super) recursive: FxHashSet<usize>,
    /// What happened to each `prange` loop and parallel array expression
    /// (`parallel_diagnostics()`), in lowering order.
    pub(super) parallel_notes: Vec<String>,
    /// Attribute groups (`#100 = {...}`) naming libmvec vector variants.
    attr_groups: Vec<String>,
    vec_attrs: FxHashMap<String, String>,
    /// Vector functions referenced by variants (kept alive through
    /// `@llvm.compiler.used`, or GlobalDCE drops them before vectorisation).
    pub(super) vec_fns: Vec<String>,
    /// Vector width forced on fastmath ufunc loops (loop metadata `!10`).
    pub force_width: Option<usize>,
}

/// The libmvec ISA letter and f64 lane count for this CPU, if any.
fn libmvec_isa() -> Option<(&'static str, usize)> {
    let f = &crate::host().features;
    if f.contains("+avx512f") {
        Some(("e", 8))
    } else if f.contains("+avx2") {
        Some(("d", 4))
    } else {
        None
    }
}

/// Lanes the fastmath ufunc loops are vectorised to (libmvec's width).
pub(crate) fn fastmath_lanes(d: Dtype) -> Option<usize> {
    libmvec_isa().map(|(_, l)| if d == Dtype::F32 { l * 2 } else { l })
}

/// glibc libmvec functions (AVX2 `d` and AVX-512 `e` variants exist for each).
pub(super) const LIBMVEC1: &[&str] = &[
    "acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "cos", "cosh", "erf", "erfc", "exp",
    "exp10", "exp2", "expm1", "log", "log10", "log1p", "log2", "sin", "sinh", "tan", "tanh",
];
const LIBMVEC2: &[&str] = &["atan2", "hypot", "pow"];

impl ModuleGen {
    pub fn new(prefix: &str, opts: &Options) -> Self {
        ModuleGen {
            prefix: prefix.to_string(),
            opts: opts.clone(),
            globals: String::new(),
            decls: FxHashSet::default(),
            funcs: String::new(),
            nstr: 0,
            strings: FxHashMap::default(),
            recursive: FxHashSet::default(),
            parallel_notes: Vec::new(),
            attr_groups: Vec::new(),
            vec_attrs: FxHashMap::default(),
            vec_fns: Vec::new(),
            force_width: None,
        }
    }

    /// Under fastmath, the call-site attribute that lets the loop vectoriser
    /// use glibc's libmvec for the libm function `name` (empty otherwise).
    pub fn vector_variants(&mut self, name: &str, d: Dtype, nargs: usize) -> String {
        let ok = match nargs {
            1 => LIBMVEC1.contains(&name),
            2 => LIBMVEC2.contains(&name),
            _ => false,
        };
        if !self.opts.fastmath || !ok || !matches!(d, Dtype::F32 | Dtype::F64) {
            return String::new();
        }
        let f32 = d == Dtype::F32;
        let sym = if f32 {
            format!("{name}f")
        } else {
            name.to_string()
        };
        if let Some(a) = self.vec_attrs.get(&sym) {
            return a.clone();
        }
        let Some((isa, lanes64)) = libmvec_isa() else {
            return String::new();
        };
        let lanes = if f32 { lanes64 * 2 } else { lanes64 };
        let params = "v".repeat(nargs);
        let vname = format!("_ZGV{isa}N{lanes}{params}_{sym}");
        let et = scalar_ty(d);
        let vt = format!("<{lanes} x {et}>");
        let args = vec![vt.as_str(); nargs].join(", ");
        self.declare(&format!("declare {vt} @{vname}({args}) nounwind"));
        self.vec_fns.push(vname.clone());
        let id = 100 + self.attr_groups.len();
        // `nobuiltin` keeps LLVM from turning the call into an intrinsic,
        // which would lose the variant.
        self.attr_groups.push(format!(
            "attributes #{id} = {{ nobuiltin \"vector-function-abi-variant\"=\"{vname}({vname})\" }}"
        ));
        let a = format!(" #{id}");
        self.vec_attrs.insert(sym, a.clone());
        a
    }

    /// A `{ptr, i64}` constant for a string literal.
    pub fn string(&mut self, s: &str) -> String {
        if let Some(g) = self.strings.get(s) {
            return g.clone();
        }
        let name = format!("@{}.str{}", self.prefix, self.nstr);
        self.nstr += 1;
        let _ = writeln!(
            self.globals,
            "{name} = private unnamed_addr constant [{} x i8] c\"{}\"",
            s.len(),
            escape(s)
        );
        // A constant string: no MemInfo (see `lower/text.rs`).
        let v = format!("{{ptr null, ptr {name}, i64 {}}}", s.len());
        self.strings.insert(s.to_string(), v.clone());
        v
    }

    /// A private constant holding a frozen global array's bytes.
    pub fn const_array(&mut self, i: u32, data: &[u8]) -> String {
        let name = format!("@{}.arr{i}", self.prefix);
        if !self.strings.contains_key(&name) {
            let mut text = String::with_capacity(data.len() * 3 + 64);
            for b in data {
                let _ = write!(text, "\\{b:02X}");
            }
            let _ = writeln!(
                self.globals,
                "{name} = private unnamed_addr constant [{} x i8] c\"{text}\", align 64",
                data.len()
            );
            self.strings.insert(name.clone(), name.clone());
        }
        name
    }

    pub fn declare(&mut self, decl: &str) {
        self.decls.insert(decl.to_string());
    }

    pub fn add_function(&mut self, text: &str) {
        self.funcs.push_str(text);
    }

    pub fn finish(mut self) -> String {
        let mut out = String::new();
        for d in INTRINSIC_DECLS {
            self.decls.insert(d.to_string());
        }
        // The runtime ABI's functions are declared from its table, for
        // exactly those the module calls; lowering never writes them.
        for text in [self.globals.as_str(), HELPERS, self.funcs.as_str()] {
            self.decls.extend(crate::abi::declarations(text));
        }
        let mut decls: Vec<&String> = self.decls.iter().collect();
        decls.sort();
        for d in decls {
            out += d;
            out.push('\n');
        }
        out += &self.globals;
        out += HELPERS;
        out += &self.funcs;
        for a in &self.attr_groups {
            out += a;
            out.push('\n');
        }
        if !self.vec_fns.is_empty() {
            let items: Vec<String> = self.vec_fns.iter().map(|f| format!("ptr @{f}")).collect();
            out += &format!(
                "@llvm.compiler.used = appending global [{} x ptr] [{}], section \"llvm.metadata\"\n",
                items.len(),
                items.join(", ")
            );
        }
        if let Some(w) = self.force_width {
            out += &format!(
                "!10 = distinct !{{!10, !11, !12}}\n!11 = !{{!\"llvm.loop.vectorize.enable\", i1 true}}\n!12 = !{{!\"llvm.loop.vectorize.width\", i32 {w}}}\n"
            );
        }
        out
    }

    pub fn fname(&self, inst: usize) -> String {
        format!("@{}_f{inst}", self.prefix)
    }
}

const INTRINSIC_DECLS: &[&str] = &[
    "declare ptr @llvm.frameaddress.p0(i32)",
    "declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)",
    "declare void @llvm.assume(i1)",
];

/// Reference-count helpers (MemInfo's count is its first field; a null
/// MemInfo means borrowed memory owned by Python).
const HELPERS: &str = r#"
define internal void @oxjit_incref(ptr %m) alwaysinline nounwind {
  %z = icmp eq ptr %m, null
  br i1 %z, label %done, label %inc
inc:
  %o = atomicrmw add ptr %m, i64 1 monotonic
  br label %done
done:
  ret void
}

define internal void @oxjit_decref(ptr %m) alwaysinline nounwind {
  %z = icmp eq ptr %m, null
  br i1 %z, label %done, label %dec
dec:
  %o = atomicrmw sub ptr %m, i64 1 acq_rel
  %last = icmp eq i64 %o, 1
  br i1 %last, label %free, label %done
free:
  call void @oxjit_rt_meminfo_free(ptr %m)
  br label %done
done:
  ret void
}
"#;

/// A module with every instance of `program` lowered.
fn lower_instances(program: &Program<'_>, opts: &Options, prefix: &str) -> R<ModuleGen> {
    let mut m = ModuleGen::new(prefix, opts);
    m.recursive = recursive_instances(program);
    for i in 0..program.instances.len() {
        // A `@vectorize` kernel divides as NumPy does (inf, nan), as in
        // Numba, whether it is called with arrays or numbers.
        let ufunc = program.templates[program.instances[i].template as usize].ufunc;
        let saved = m.opts.error_model_numpy;
        m.opts.error_model_numpy |= ufunc;
        let text = {
            let mut f = FnGen::new(&mut m, program, i);
            let lowered = f.lower();
            lowered.map(|()| f.finish())
        };
        m.opts.error_model_numpy = saved;
        m.add_function(&text?);
    }
    Ok(m)
}

/// Lower every instance and the root's entry adapter; returns the IR text,
/// the entry symbol and the parallel notes.
pub(crate) fn lower_program(
    program: &Program<'_>,
    opts: &Options,
    prefix: &str,
) -> R<(String, String, Vec<String>)> {
    let mut m = lower_instances(program, opts, prefix)?;
    let entry = format!("{prefix}_entry");
    let text = entry_adapter(&m, program, &entry);
    m.add_function(&text);
    let notes = std::mem::take(&mut m.parallel_notes);
    Ok((m.finish(), entry, notes))
}

/// Lower a scalar kernel (instance 0) and a NumPy ufunc inner loop over it:
/// `void loop(char** args, npy_intp* dims, npy_intp* steps, void* data)`.
pub(crate) fn lower_ufunc_loop(
    program: &Program<'_>,
    opts: &Options,
    prefix: &str,
    ins: &[Dtype],
    out: Dtype,
) -> R<(String, String)> {
    let mut m = lower_instances(program, opts, prefix)?;
    let name = format!("{prefix}_loop");
    let text = {
        let mut f = FnGen::new(&mut m, program, 0);
        f.ufunc_loop(ins, out, &name)?
    };
    m.add_function(&text);
    Ok((m.finish(), name))
}

/// One argument of a generalized ufunc kernel.
pub struct GuArg {
    /// The kernel's parameter type (a scalar or an array).
    pub ty: Ty,
    /// Index into the gufunc's core dimensions (`dims[1 + k]`) per array axis.
    pub core_dims: Vec<usize>,
    /// Index of this argument's first core stride in `steps`.
    pub core_steps: usize,
}

/// Lower a `void` kernel (instance 0) and a NumPy gufunc loop over it.
pub(crate) fn lower_gufunc_loop(
    program: &Program<'_>,
    opts: &Options,
    prefix: &str,
    args: &[GuArg],
) -> R<(String, String)> {
    let mut m = lower_instances(program, opts, prefix)?;
    let name = format!("{prefix}_gloop");
    let text = {
        let mut f = FnGen::new(&mut m, program, 0);
        f.gufunc_loop(args, &name)?
    };
    m.add_function(&text);
    Ok((m.finish(), name))
}

/// Instances on a call-graph cycle (they get a stack check).
fn recursive_instances(p: &Program<'_>) -> FxHashSet<usize> {
    let n = p.instances.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, inst) in p.instances.iter().enumerate() {
        for r in inst.res.values() {
            if let Res::Call(Call {
                callee: Callee::Instance { id, .. } | Callee::Map { id },
                ..
            }) = r
            {
                edges[i].push(*id as usize);
            }
        }
    }
    let mut out = FxHashSet::default();
    for start in 0..n {
        // Can `start` reach itself?
        let mut seen = vec![false; n];
        let mut stack: Vec<usize> = edges[start].clone();
        while let Some(x) = stack.pop() {
            if x == start {
                out.insert(start);
                break;
            }
            if !seen[x] {
                seen[x] = true;
                stack.extend(edges[x].iter().copied());
            }
        }
    }
    out
}

fn entry_adapter(m: &ModuleGen, p: &Program<'_>, name: &str) -> String {
    let root = &p.instances[0];
    let mut f = String::new();
    let mut n = 0u32;
    let mut leaf = 0usize;
    let _ = writeln!(f, "define i32 @{name}(ptr %args, ptr %rets) {{");
    let mut argvals = Vec::new();
    for t in &root.args {
        let v = build_from_leaves(&mut f, &mut n, &mut leaf, t, "%args");
        argvals.push(format!("{} {}", llty(t), v));
    }
    let rt = llty(&root.ret);
    let _ = writeln!(f, "  %ret = alloca {rt}");
    let _ = writeln!(f, "  store {rt} zeroinitializer, ptr %ret");
    let mut args = vec!["ptr %ret".to_string()];
    args.extend(argvals);
    if m.recursive.contains(&0) {
        let _ = writeln!(f, "  %sl = call i64 @oxjit_rt_stack_limit()");
        args.push("i64 %sl".into());
    }
    let _ = writeln!(
        f,
        "  %status = call i32 {}({})",
        m.fname(0),
        args.join(", ")
    );
    let _ = writeln!(f, "  %rv = load {rt}, ptr %ret");
    let mut leaf = 0usize;
    store_leaves(&mut f, &mut n, &mut leaf, &root.ret, "%rv", "%rets");
    let _ = writeln!(f, "  ret i32 %status\n}}\n");
    f
}

fn leaf_slot(f: &mut String, n: &mut u32, base: &str, leaf: usize) -> String {
    *n += 1;
    let _ = writeln!(f, "  %lp{n} = getelementptr ptr, ptr {base}, i64 {leaf}");
    let _ = writeln!(f, "  %ls{n} = load ptr, ptr %lp{n}");
    format!("%ls{n}")
}

/// Rebuild a value of type `t` from its leaves (the shape its model gives).
fn build_from_leaves(f: &mut String, n: &mut u32, leaf: &mut usize, t: &Ty, base: &str) -> String {
    if *t == Ty::BOOL {
        // A bool leaf is a byte; its register is an i1.
        let s = leaf_slot(f, n, base, *leaf);
        *leaf += 1;
        *n += 1;
        let _ = writeln!(
            f,
            "  %lb{n} = load i8, ptr {s}\n  %lv{n} = icmp ne i8 %lb{n}, 0"
        );
        return format!("%lv{n}");
    }
    match t.model().parts {
        Parts::Leaf { .. } => {
            let s = leaf_slot(f, n, base, *leaf);
            *leaf += 1;
            *n += 1;
            let _ = writeln!(f, "  %lv{n} = load {}, ptr {s}", llty(t));
            format!("%lv{n}")
        }
        Parts::Items(items) => {
            let ty = llty(t);
            let mut cur = "undef".to_string();
            for (i, it) in items.iter().enumerate() {
                let v = build_from_leaves(f, n, leaf, it, base);
                *n += 1;
                let _ = writeln!(
                    f,
                    "  %lt{n} = insertvalue {ty} {cur}, {} {v}, {i}",
                    llty(it)
                );
                cur = format!("%lt{n}");
            }
            if items.is_empty() {
                "zeroinitializer".into()
            } else {
                cur
            }
        }
        Parts::Optional(payload) => {
            let ty = llty(t);
            let v = build_from_leaves(f, n, leaf, payload, base);
            let present = build_from_leaves(f, n, leaf, &Ty::BOOL, base);
            *n += 1;
            let _ = writeln!(
                f,
                "  %lt{n} = insertvalue {ty} undef, {} {v}, 0",
                llty(payload)
            );
            *n += 1;
            let _ = writeln!(
                f,
                "  %lt{n} = insertvalue {ty} %lt{}, i1 {present}, 1",
                *n - 1
            );
            format!("%lt{n}")
        }
        Parts::Fields(fields) => {
            let ty = llty(t);
            let mut cur = "undef".to_string();
            for (i, field) in fields.iter().enumerate() {
                let fty = llty(field);
                let s = leaf_slot(f, n, base, *leaf);
                *leaf += 1;
                *n += 1;
                let _ = writeln!(f, "  %lr{n} = load {fty}, ptr {s}");
                let _ = writeln!(f, "  %lt{n} = insertvalue {ty} {cur}, {fty} %lr{n}, {i}");
                cur = format!("%lt{n}");
            }
            cur
        }
        Parts::Nothing => "zeroinitializer".into(),
    }
}

/// Store a value of type `t` into its leaves (the shape its model gives).
fn store_leaves(f: &mut String, n: &mut u32, leaf: &mut usize, t: &Ty, v: &str, base: &str) {
    if *t == Ty::BOOL {
        let s = leaf_slot(f, n, base, *leaf);
        *leaf += 1;
        *n += 1;
        let _ = writeln!(
            f,
            "  %sb{n} = zext i1 {v} to i8\n  store i8 %sb{n}, ptr {s}"
        );
        return;
    }
    match t.model().parts {
        Parts::Leaf { .. } => {
            let s = leaf_slot(f, n, base, *leaf);
            *leaf += 1;
            let _ = writeln!(f, "  store {} {v}, ptr {s}", llty(t));
        }
        Parts::Items(inner) | Parts::Fields(inner) => {
            let ty = llty(t);
            for (i, it) in inner.iter().enumerate() {
                *n += 1;
                let e = format!("%se{n}");
                let _ = writeln!(f, "  {e} = extractvalue {ty} {v}, {i}");
                store_leaves(f, n, leaf, it, &e, base);
            }
        }
        Parts::Optional(payload) => {
            let ty = llty(t);
            for (i, it) in [payload, &Ty::BOOL].into_iter().enumerate() {
                *n += 1;
                let e = format!("%se{n}");
                let _ = writeln!(f, "  {e} = extractvalue {ty} {v}, {i}");
                store_leaves(f, n, leaf, it, &e, base);
            }
        }
        Parts::Nothing => {}
    }
}

/// Branch weights: `!0` marks the error edge unlikely, `!1` the assert-ok edge likely.
pub(crate) const METADATA: &str =
    "!0 = !{!\"branch_weights\", i32 1, i32 2000}\n!1 = !{!\"branch_weights\", i32 2000, i32 1}\n";
