//! Lowering of typed instances to LLVM IR text.
//!
//! Conventions (see the crate docs for the ABI):
//! - Every local variable lives in an entry-block `alloca`, zero-initialised,
//!   so the cleanup block can release every slot unconditionally; mem2reg/SROA
//!   turn them back into registers.
//! - Reference counting: variables own a reference to the arrays they hold;
//!   expression results are borrowed, except *temporaries* (fresh arrays from
//!   allocation or calls), which are parked in hidden slots and released at the
//!   end of the statement that made them. Views share their base's MemInfo.
//! - Errors: a pending exception is set in the runtime, status 1 is stored and
//!   control jumps to the cleanup block, which releases all slots.

use crate::ir::{escape, fconst, fsuffix, llty, mem_ty, scalar_const, scalar_ty, V};
use crate::Options;
use oxjit_syntax::{BinOp, CmpOp, Expr, ExprKind, Stmt, StmtKind, UnOp};
use oxjit_typeck::registry::{
    rand_spec, Alloc, ArrFn, Builtin, CFn, FloatPred, Math1, Math2, MathX, Rand, Reduce, Round,
};
use oxjit_typeck::{Arg, Call, Callee, Const, Instance, Program, Res};
use oxjit_types::{promote_arith, ArrayTy, Dtype, ExcKind, Kind, Layout, Ty};
use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt::Write;

mod generator;
mod linalg;
mod manip;

type R<T> = Result<T, String>;

fn ice<T>(msg: impl Into<String>) -> R<T> {
    Err(msg.into())
}

/// Module-wide state: string constants, declarations, finished functions.
pub(crate) struct ModuleGen {
    pub prefix: String,
    pub opts: Options,
    globals: String,
    decls: FxHashSet<String>,
    funcs: String,
    nstr: u32,
    strings: FxHashMap<String, String>,
    recursive: FxHashSet<usize>,
    /// Attribute groups (`#100 = {...}`) naming libmvec vector variants.
    attr_groups: Vec<String>,
    vec_attrs: FxHashMap<String, String>,
    /// Vector functions referenced by variants (kept alive through
    /// `@llvm.compiler.used`, or GlobalDCE drops them before vectorisation).
    vec_fns: Vec<String>,
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
const LIBMVEC1: &[&str] = &[
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
        let v = format!("{{ptr {name}, i64 {}}}", s.len());
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
        for d in RUNTIME_DECLS {
            self.decls.insert(d.to_string());
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

const RUNTIME_DECLS: &[&str] = &[
    "declare ptr @oxjit_rt_meminfo_alloc(i64)",
    "declare void @oxjit_rt_meminfo_free(ptr)",
    "declare void @oxjit_rt_exc_begin(i32)",
    "declare void @oxjit_rt_exc_begin_msg(i32)",
    "declare void @oxjit_rt_exc_str(ptr, i64)",
    "declare void @oxjit_rt_exc_i64(i64)",
    "declare void @oxjit_rt_exc_u64(i64)",
    "declare void @oxjit_rt_exc_f64(double)",
    "declare void @oxjit_rt_exc_bool(i1 zeroext)",
    "declare i32 @oxjit_rt_stack_check(i64)",
    "declare i64 @oxjit_rt_stack_limit()",
    "declare void @oxjit_rt_print_str(ptr, i64)",
    "declare void @oxjit_rt_print_i64(i64)",
    "declare void @oxjit_rt_print_u64(i64)",
    "declare void @oxjit_rt_print_f64(double)",
    "declare void @oxjit_rt_print_f32(float)",
    "declare void @oxjit_rt_print_bool(i1 zeroext)",
    "declare void @oxjit_rt_print_complex(double, double)",
    "declare void @oxjit_rt_print_array(ptr, i32, i32)",
    "declare void @oxjit_rt_print_flush()",
    "declare ptr @llvm.frameaddress.p0(i32)",
    "declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)",
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
        let text = {
            let mut f = FnGen::new(&mut m, program, i);
            f.lower()?;
            f.finish()
        };
        m.add_function(&text);
    }
    Ok(m)
}

/// Lower every instance and the root's entry adapter; returns the IR text and
/// the entry symbol.
pub(crate) fn lower_program(
    program: &Program<'_>,
    opts: &Options,
    prefix: &str,
) -> R<(String, String)> {
    let mut m = lower_instances(program, opts, prefix)?;
    let entry = format!("{prefix}_entry");
    let text = entry_adapter(&m, program, &entry);
    m.add_function(&text);
    Ok((m.finish(), entry))
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
                callee: Callee::Instance { id, .. },
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

fn build_from_leaves(f: &mut String, n: &mut u32, leaf: &mut usize, t: &Ty, base: &str) -> String {
    match t {
        Ty::Scalar(Dtype::Bool) => {
            let s = leaf_slot(f, n, base, *leaf);
            *leaf += 1;
            *n += 1;
            let _ = writeln!(
                f,
                "  %lb{n} = load i8, ptr {s}\n  %lv{n} = icmp ne i8 %lb{n}, 0"
            );
            format!("%lv{n}")
        }
        Ty::Scalar(_) | Ty::Array(_) | Ty::Generator => {
            let s = leaf_slot(f, n, base, *leaf);
            *leaf += 1;
            *n += 1;
            let _ = writeln!(f, "  %lv{n} = load {}, ptr {s}", llty(t));
            format!("%lv{n}")
        }
        Ty::Tuple(items) => {
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
        Ty::Range => {
            let mut cur = "undef".to_string();
            for i in 0..3 {
                let s = leaf_slot(f, n, base, *leaf);
                *leaf += 1;
                *n += 1;
                let _ = writeln!(f, "  %lr{n} = load i64, ptr {s}");
                let _ = writeln!(
                    f,
                    "  %lt{n} = insertvalue {{i64, i64, i64}} {cur}, i64 %lr{n}, {i}"
                );
                cur = format!("%lt{n}");
            }
            cur
        }
        _ => "zeroinitializer".into(),
    }
}

fn store_leaves(f: &mut String, n: &mut u32, leaf: &mut usize, t: &Ty, v: &str, base: &str) {
    match t {
        Ty::Scalar(Dtype::Bool) => {
            let s = leaf_slot(f, n, base, *leaf);
            *leaf += 1;
            *n += 1;
            let _ = writeln!(
                f,
                "  %sb{n} = zext i1 {v} to i8\n  store i8 %sb{n}, ptr {s}"
            );
        }
        Ty::Scalar(_) | Ty::Array(_) => {
            let s = leaf_slot(f, n, base, *leaf);
            *leaf += 1;
            let _ = writeln!(f, "  store {} {v}, ptr {s}", llty(t));
        }
        Ty::Tuple(items) => {
            let ty = llty(t);
            for (i, it) in items.iter().enumerate() {
                *n += 1;
                let e = format!("%se{n}");
                let _ = writeln!(f, "  {e} = extractvalue {ty} {v}, {i}");
                store_leaves(f, n, leaf, it, &e, base);
            }
        }
        Ty::Range => {
            for i in 0..3 {
                *n += 1;
                let e = format!("%se{n}");
                let _ = writeln!(f, "  {e} = extractvalue {{i64, i64, i64}} {v}, {i}");
                store_leaves(f, n, leaf, &Ty::I64, &e, base);
            }
        }
        _ => {}
    }
}

/// One value source of a counted `for` loop.
enum Src {
    Range {
        start: String,
        step: String,
    },
    Array {
        v: V,
        a: ArrayTy,
    },
    /// A tuple materialised in memory (`[n x T]`), element type `T`.
    Tuple {
        ptr: String,
        elem: Ty,
    },
    /// C-order positions of `shape`: `np.ndindex` (the index tuple),
    /// `np.ndenumerate` (index tuple and element) or `a.flat` (element).
    Nd {
        shape: Vec<String>,
        arr: Option<(V, ArrayTy)>,
        kind: NdKind,
    },
}

#[derive(Clone, Copy, PartialEq)]
enum NdKind {
    Index,
    Enumerate,
    Flat,
}

struct LoopLabels {
    cont: String,
    brk: String,
}

/// Lowering state of one instance.
pub(crate) struct FnGen<'m, 'p> {
    m: &'m mut ModuleGen,
    p: &'p Program<'p>,
    idx: usize,
    inst: &'p Instance<'p>,
    allocas: String,
    body: String,
    n: u32,
    terminated: bool,
    vars: FxHashMap<String, (String, Ty)>,
    /// Every owned slot (variables and hidden): released at exit.
    owned: Vec<(String, Ty)>,
    /// Temporaries of the current statement.
    temps: Vec<(String, Ty)>,
    /// `ddof=` of the var/std reduction being lowered (an i64 value).
    ddof: Option<String>,
    /// `dtype=` of the mean being lowered: its accumulator type.
    mean_dtype: Option<Dtype>,
    loops: Vec<LoopLabels>,
}

impl<'m, 'p> FnGen<'m, 'p> {
    fn new(m: &'m mut ModuleGen, p: &'p Program<'p>, idx: usize) -> Self {
        FnGen {
            m,
            p,
            idx,
            inst: &p.instances[idx],
            allocas: String::new(),
            body: String::new(),
            n: 0,
            terminated: false,
            vars: FxHashMap::default(),
            owned: Vec::new(),
            temps: Vec::new(),
            ddof: None,
            mean_dtype: None,
            loops: Vec::new(),
        }
    }

    // ----- instruction writer ------------------------------------------------

    fn tmp(&mut self) -> String {
        self.n += 1;
        format!("%t{}", self.n)
    }

    fn label(&mut self, base: &str) -> String {
        self.n += 1;
        format!("{base}{}", self.n)
    }

    fn emit(&mut self, line: &str) {
        if self.terminated {
            // Code after a terminator (after return/break): give it a block.
            let l = self.label("dead");
            let _ = writeln!(self.body, "{l}:");
            self.terminated = false;
        }
        self.body.push_str("  ");
        self.body.push_str(line);
        self.body.push('\n');
    }

    /// Emit `%t = <rhs>` and return `%t`.
    fn val(&mut self, rhs: &str) -> String {
        let t = self.tmp();
        self.emit(&format!("{t} = {rhs}"));
        t
    }

    fn br(&mut self, l: &str) {
        self.emit(&format!("br label %{l}"));
        self.terminated = true;
    }

    fn cbr(&mut self, c: &str, a: &str, b: &str) {
        self.emit(&format!("br i1 {c}, label %{a}, label %{b}"));
        self.terminated = true;
    }

    fn start(&mut self, l: &str) {
        if !self.terminated {
            self.br(l);
        }
        let _ = writeln!(self.body, "{l}:");
        self.terminated = false;
    }

    fn alloca(&mut self, ty: &str) -> String {
        self.n += 1;
        let s = format!("%s{}", self.n);
        let _ = writeln!(self.allocas, "  {s} = alloca {ty}, align 16");
        let _ = writeln!(self.allocas, "  store {ty} zeroinitializer, ptr {s}");
        s
    }

    fn load(&mut self, ty: &Ty, ptr: &str) -> V {
        let r = self.val(&format!("load {}, ptr {ptr}", llty(ty)));
        V::new(r, ty.clone())
    }

    fn store(&mut self, v: &V, ptr: &str) {
        self.emit(&format!("store {} {}, ptr {ptr}", llty(&v.ty), v.r));
    }

    fn extract(&mut self, v: &V, i: usize, ty: Ty) -> V {
        let r = self.val(&format!("extractvalue {} {}, {i}", llty(&v.ty), v.r));
        V::new(r, ty)
    }

    fn insert(&mut self, agg_ty: &str, agg: &str, elem: &V, i: usize) -> String {
        self.val(&format!(
            "insertvalue {agg_ty} {agg}, {} {}, {i}",
            llty(&elem.ty),
            elem.r
        ))
    }

    fn build_tuple(&mut self, items: Vec<V>) -> V {
        let ty = Ty::Tuple(items.iter().map(|v| v.ty.clone()).collect());
        if items.is_empty() {
            return V::unit(ty);
        }
        let lt = llty(&ty);
        let mut cur = "undef".to_string();
        for (i, it) in items.iter().enumerate() {
            cur = self.insert(&lt, &cur, it, i);
        }
        V::new(cur, ty)
    }

    fn i64c(v: i64) -> V {
        V::new(v.to_string(), Ty::I64)
    }

    fn call_void(&mut self, f: &str, args: &str) {
        self.emit(&format!("call void {f}({args})"));
    }

    // ----- reference counting ------------------------------------------------

    fn for_each_meminfo(&mut self, v: &V, f: &mut dyn FnMut(&mut Self, String)) {
        match &v.ty {
            Ty::Array(_) => {
                let m = self.val(&format!("extractvalue {} {}, 0", llty(&v.ty), v.r));
                f(self, m)
            }
            Ty::Tuple(items) if v.ty.needs_refcount() => {
                for (i, it) in items.clone().iter().enumerate() {
                    if it.needs_refcount() {
                        let e = self.extract(v, i, it.clone());
                        self.for_each_meminfo(&e, f);
                    }
                }
            }
            _ => {}
        }
    }

    fn incref(&mut self, v: &V) {
        self.for_each_meminfo(v, &mut |s, m| {
            s.call_void("@oxjit_incref", &format!("ptr {m}"))
        });
    }

    fn decref(&mut self, v: &V) {
        self.for_each_meminfo(v, &mut |s, m| {
            s.call_void("@oxjit_decref", &format!("ptr {m}"))
        });
    }

    /// Park a fresh reference until the end of the statement.
    fn own_temp(&mut self, v: &V) {
        if !v.ty.needs_refcount() {
            return;
        }
        let slot = self.alloca(&llty(&v.ty));
        self.store(v, &slot);
        self.temps.push((slot.clone(), v.ty.clone()));
        self.owned.push((slot, v.ty.clone()));
    }

    fn release_temps(&mut self) {
        for (slot, ty) in std::mem::take(&mut self.temps) {
            let v = self.load(&ty, &slot);
            self.decref(&v);
            self.emit(&format!("store {} zeroinitializer, ptr {slot}", llty(&ty)));
        }
    }

    // ----- errors ---------------------------------------------------------------

    /// Raise `kind` with a message built from pieces (strings and numbers).
    fn raise_msg(&mut self, kind: ExcKind, pieces: &[V]) {
        self.emit(&format!(
            "call void @oxjit_rt_exc_begin_msg(i32 {})",
            kind.code()
        ));
        for p in pieces {
            self.exc_arg(p);
        }
        self.fail();
    }

    fn exc_arg(&mut self, p: &V) {
        match &p.ty {
            Ty::Str => {
                let ptr = self.extract(p, 0, Ty::NoneType);
                let len = self.extract(p, 1, Ty::I64);
                self.call_void(
                    "@oxjit_rt_exc_str",
                    &format!("ptr {}, i64 {}", ptr.r, len.r),
                );
            }
            Ty::Scalar(Dtype::Bool) => {
                self.call_void("@oxjit_rt_exc_bool", &format!("i1 zeroext {}", p.r))
            }
            Ty::Scalar(d) if d.is_int() && !d.is_signed() => {
                let v = self.cast(p.clone(), &Ty::Scalar(Dtype::U64));
                self.call_void("@oxjit_rt_exc_u64", &format!("i64 {}", v.r))
            }
            Ty::Scalar(d) if d.is_int() => {
                let v = self.cast(p.clone(), &Ty::I64);
                self.call_void("@oxjit_rt_exc_i64", &format!("i64 {}", v.r))
            }
            Ty::Scalar(d) if d.is_float() => {
                let v = self.cast(p.clone(), &Ty::F64);
                self.call_void("@oxjit_rt_exc_f64", &format!("double {}", v.r))
            }
            Ty::Scalar(_) => {
                let v = self.cast(p.clone(), &Ty::C128);
                let re = self.extract(&v, 0, Ty::F64);
                self.call_void("@oxjit_rt_exc_f64", &format!("double {}", re.r))
            }
            _ => {
                let s = self.str_const("<value>");
                self.exc_arg(&s)
            }
        }
    }

    /// NumPy's `AxisError(axis, ndim)` ("axis 2 is out of bounds for array
    /// of dimension 2"); the code after it is unreachable.
    fn raise_axis_error(&mut self, axis: i64, ndim: i64, prefix: Option<&str>) {
        let bad = self.label("axis_err");
        let dead = self.label("axis_dead");
        self.emit(&format!("br i1 true, label %{bad}, label %{dead}"));
        self.terminated = true;
        self.start(&bad);
        self.emit(&format!(
            "call void @oxjit_rt_exc_begin(i32 {})",
            ExcKind::AxisError.code()
        ));
        self.exc_arg(&Self::i64c(axis));
        self.exc_arg(&Self::i64c(ndim));
        if let Some(p) = prefix {
            let s = self.str_const(p);
            self.exc_arg(&s);
        }
        self.fail();
        self.start(&dead);
    }

    /// Jump to the cleanup block with status 1 (an error is pending).
    fn fail(&mut self) {
        self.emit("store i32 1, ptr %status");
        self.br("cleanup");
    }

    /// If `cond` (i1) holds, raise `kind` with the given message pieces.
    fn raise_if(&mut self, cond: &str, kind: ExcKind, pieces: &[V]) {
        let bad = self.label("err");
        let ok = self.label("ok");
        self.emit(&format!(
            "br i1 {cond}, label %{bad}, label %{ok}, !prof !0"
        ));
        self.terminated = true;
        self.start(&bad);
        self.raise_msg(kind, pieces);
        self.start(&ok);
    }

    fn str_const(&mut self, s: &str) -> V {
        V::new(self.m.string(s), Ty::Str)
    }

    // ----- function body ----------------------------------------------------------

    fn lower(&mut self) -> R<()> {
        let inst = self.inst;
        let t = &self.p.templates[inst.template as usize];
        // Variables (parameters first; they are copied into slots).
        let mut names: Vec<(&String, &Ty)> = inst.vars.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        for (name, ty) in names {
            let slot = self.alloca(&llty(ty));
            self.vars.insert(name.clone(), (slot.clone(), ty.clone()));
            self.owned.push((slot, ty.clone()));
        }
        let _ = writeln!(
            self.allocas,
            "  %status = alloca i32\n  store i32 0, ptr %status"
        );
        if self.m.recursive.contains(&self.idx) {
            // Recursive functions get the stack limit as a hidden argument.
            let sp = self.val("call ptr @llvm.frameaddress.p0(i32 0)");
            let spi = self.val(&format!("ptrtoint ptr {sp} to i64"));
            let low = self.val(&format!("icmp ult i64 {spi}, %sl"));
            let (e0, ok0) = (self.label("deepchk"), self.label("shallow"));
            self.emit(&format!("br i1 {low}, label %{e0}, label %{ok0}, !prof !0"));
            self.terminated = true;
            self.start(&e0);
            let st = self.val(&format!("call i32 @oxjit_rt_stack_check(i64 {spi})"));
            let bad = self.val(&format!("icmp ne i32 {st}, 0"));
            let (e, ok) = (self.label("deep"), self.label("go"));
            self.cbr(&bad, &e, &ok);
            self.start(&e);
            self.emit("ret i32 1");
            self.terminated = true;
            self.start(&ok0);
            self.start(&ok);
        }
        for (i, (name, ty)) in inst.arg_names.iter().zip(&inst.args).enumerate() {
            let v = V::new(format!("%a{i}"), ty.clone());
            let (slot, vty) = self
                .vars
                .get(name)
                .cloned()
                .ok_or_else(|| format!("no slot for parameter {name}"))?;
            let v = self.cast(v, &vty);
            self.incref(&v);
            self.store(&v, &slot);
        }
        self.block(&t.def.body)?;
        if !self.terminated {
            // Falling off the end returns None.
            let rv = self.cast(V::unit(Ty::NoneType), &inst.ret.clone());
            self.store(&rv, "%ret");
            self.br("cleanup");
        }
        Ok(())
    }

    fn finish(mut self) -> String {
        let inst = self.inst;
        let mut params = vec!["ptr %ret".to_string()];
        for (i, t) in inst.args.iter().enumerate() {
            params.push(format!("{} %a{i}", llty(t)));
        }
        if self.m.recursive.contains(&self.idx) {
            params.push("i64 %sl".into());
        }
        // Cleanup: release every owned slot, return the status.
        let _ = writeln!(self.body, "cleanup:");
        self.terminated = false;
        for (slot, ty) in std::mem::take(&mut self.owned) {
            if ty.needs_refcount() {
                let v = self.load(&ty, &slot);
                self.decref(&v);
            }
        }
        let st = self.val("load i32, ptr %status");
        self.emit(&format!("ret i32 {st}"));
        format!(
            "define internal i32 {}({}) {{\nentry:\n{}  br label %body\nbody:\n{}}}\n\n",
            self.m.fname(self.idx),
            params.join(", "),
            self.allocas,
            self.body
        )
    }

    /// A frozen global array: constant data, no MemInfo, no parent.
    fn global_array(&mut self, i: u32, ty: &Ty) -> R<V> {
        let Ty::Array(a) = ty else {
            return ice("global array type");
        };
        let ca = self
            .p
            .unit
            .const_arrays
            .get(i as usize)
            .ok_or("global array index")?;
        let g = self.m.const_array(i, &ca.data);
        let shape: Vec<String> = ca.shape.iter().map(|d| d.to_string()).collect();
        let mut strides = vec![String::new(); shape.len()];
        let mut st = a.dtype.size() as i64;
        for d in (0..shape.len()).rev() {
            strides[d] = st.to_string();
            st *= ca.shape[d];
        }
        Ok(self.make_array(a, "null", "null", &g, &shape, &strides))
    }

    // ----- array expressions (fused element-wise loops) ----------------------

    fn elementwise_call(&self, e: &Expr) -> bool {
        matches!(self.res(e), Some(Res::Call(Call { callee: Callee::Builtin(b), .. })) if oxjit_typeck::registry::elementwise(*b))
    }

    /// An array-typed expression computed element by element.
    fn is_elementwise(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Bin(op, ..) => *op != BinOp::MatMul,
            ExprKind::Unary(..) => true,
            ExprKind::Compare(_, rest) => rest.len() == 1,
            ExprKind::Call { .. } => self.elementwise_call(e),
            _ => false,
        }
    }

    /// Build the element-wise tree of `e`, evaluating its leaves now.
    fn tree(&mut self, e: &'p Expr, leaves: &mut Vec<V>) -> R<Node<'p>> {
        let ty = self.inst.ty(e).clone();
        let is_arr = matches!(ty, Ty::Array(_));
        if is_arr && self.is_elementwise(e) && !matches!(self.res(e), Some(Res::Const(_))) {
            let d = ty.array().map(|a| a.dtype).unwrap_or(Dtype::F64);
            return Ok(match &e.kind {
                ExprKind::Bin(op, l, r) => {
                    let a = self.tree(l, leaves)?;
                    let b = self.tree(r, leaves)?;
                    Node::Bin(*op, Box::new(a), Box::new(b), d)
                }
                ExprKind::Unary(op, x) => Node::Un(*op, Box::new(self.tree(x, leaves)?), d),
                ExprKind::Compare(l, rest) => {
                    let a = self.tree(l, leaves)?;
                    let b = self.tree(&rest[0].1, leaves)?;
                    Node::Cmp(rest[0].0, Box::new(a), Box::new(b))
                }
                ExprKind::Call { .. } => {
                    let Some(Res::Call(call)) = self.res(e) else {
                        return ice("element-wise call");
                    };
                    let Callee::Builtin(b) = call.callee else {
                        return ice("element-wise callee");
                    };
                    let mut args = Vec::new();
                    for a in &call.args {
                        let Arg::Expr(x) = a else {
                            return ice("element-wise argument");
                        };
                        args.push(self.tree(x, leaves)?);
                    }
                    match (b, args.len()) {
                        (Builtin::Ufunc2(op), 2) => {
                            let r = args.pop().ok_or("ufunc operand")?;
                            let l = args.pop().ok_or("ufunc operand")?;
                            Node::Bin(op, Box::new(l), Box::new(r), d)
                        }
                        (Builtin::UfuncCmp(op), 2) => {
                            let r = args.pop().ok_or("ufunc operand")?;
                            let l = args.pop().ok_or("ufunc operand")?;
                            Node::Cmp(op, Box::new(l), Box::new(r))
                        }
                        _ => Node::Call(b, args, d, e),
                    }
                }
                _ => return ice("element-wise node"),
            });
        }
        let v = self.expr(e)?;
        leaves.push(v);
        Ok(Node::Leaf(leaves.len() - 1))
    }

    fn fused(&mut self, e: &'p Expr, a: ArrayTy) -> R<V> {
        let mut leaves = Vec::new();
        let node = self.tree(e, &mut leaves)?;
        let shape = self.broadcast_shape(&leaves, a.ndim as usize)?;
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        self.fused_into(&out, &oa, &node, &leaves)?;
        Ok(out)
    }

    /// The broadcast shape of the array leaves (NumPy's rules), or a
    /// ValueError naming the shapes.
    fn broadcast_shape(&mut self, leaves: &[V], nd: usize) -> R<Vec<String>> {
        let mut shape = vec!["1".to_string(); nd];
        let mut bad = "false".to_string();
        for v in leaves {
            let Ty::Array(la) = v.ty.clone() else {
                continue;
            };
            let k = la.ndim as usize;
            for j in 0..k {
                let d = nd - k + j;
                let s = self.shape(v, j);
                let cur = shape[d].clone();
                let eq = self.val(&format!("icmp eq i64 {s}, {cur}"));
                let one = self.val(&format!("icmp eq i64 {s}, 1"));
                let cone = self.val(&format!("icmp eq i64 {cur}, 1"));
                let ok1 = self.val(&format!("or i1 {eq}, {one}"));
                let ok = self.val(&format!("or i1 {ok1}, {cone}"));
                let nok = self.val(&format!("xor i1 {ok}, true"));
                bad = self.val(&format!("or i1 {bad}, {nok}"));
                shape[d] = self.val(&format!("select i1 {one}, i64 {cur}, i64 {s}"));
            }
        }
        if bad != "false" {
            let mut pieces =
                vec![self.str_const("operands could not be broadcast together with shapes ")];
            let mut seen = FxHashSet::default();
            for v in leaves {
                if !seen.insert(v.r.clone()) {
                    continue;
                }
                let Ty::Array(la) = v.ty.clone() else {
                    continue;
                };
                pieces.push(self.str_const("("));
                for j in 0..la.ndim as usize {
                    pieces.push(V::new(self.shape(v, j), Ty::I64));
                    pieces.push(self.str_const(if la.ndim == 1 {
                        ",) "
                    } else if j + 1 == la.ndim as usize {
                        ") "
                    } else {
                        ","
                    }));
                }
                if la.ndim == 0 {
                    pieces.push(self.str_const(") "));
                }
            }
            self.raise_if(&bad, ExcKind::ValueError, &pieces);
        }
        Ok(shape)
    }

    /// Evaluate `node` for every element of `target` (which has the
    /// broadcast shape) and store it there.
    fn fused_into(&mut self, target: &V, ta: &ArrayTy, node: &Node<'p>, leaves: &[V]) -> R<()> {
        let nd = ta.ndim as usize;
        if leaves
            .iter()
            .any(|v| v.ty.array().is_some_and(|a| a.ndim as usize > nd))
        {
            // An operand with more dimensions can never fit the output.
            let m = self.str_const(
                "non-broadcastable output operand: an operand has more dimensions than the output",
            );
            self.raise_msg(ExcKind::ValueError, &[m]);
            return Ok(());
        }
        // Leaves must broadcast to the target's shape.
        let bshape = self.broadcast_shape(leaves, nd)?;
        let tshape: Vec<String> = (0..nd).map(|d| self.shape(target, d)).collect();
        let mut bad = "false".to_string();
        for (b, t) in bshape.iter().zip(&tshape) {
            let ne = self.val(&format!("icmp ne i64 {b}, {t}"));
            let one = self.val(&format!("icmp ne i64 {b}, 1"));
            let x = self.val(&format!("and i1 {ne}, {one}"));
            bad = self.val(&format!("or i1 {bad}, {x}"));
        }
        if bad != "false" {
            let m = self.str_const(
                "non-broadcastable output operand: the operands do not match the target's shape",
            );
            self.raise_if(&bad, ExcKind::ValueError, &[m]);
        }
        let bflags = self.broadcast_flags(leaves);
        let lp = self.nd_open(&tshape);
        let r = self.eval_at(node, leaves, &bflags, nd, &lp.idx);
        let r = r?;
        let r = self.cast(r, &Ty::Scalar(ta.dtype));
        let p = self.nd_ptr(target, ta, &lp.idx);
        self.store_elem(&r, &p);
        self.nd_close(lp);
        Ok(())
    }

    /// Per-leaf "broadcast along axis" flags, computed once outside loops.
    fn broadcast_flags(&mut self, leaves: &[V]) -> Vec<Vec<String>> {
        let mut bflags = Vec::new();
        for v in leaves {
            let mut f = Vec::new();
            if let Ty::Array(la) = v.ty.clone() {
                for j in 0..la.ndim as usize {
                    let s = self.shape(v, j);
                    f.push(self.val(&format!("icmp eq i64 {s}, 1")));
                }
            }
            bflags.push(f);
        }
        bflags
    }

    /// The element of an element-wise tree at index `idx` of the broadcast
    /// shape (NumPy's error model: no exceptions for division by zero).
    fn eval_at(
        &mut self,
        node: &Node<'p>,
        leaves: &[V],
        bflags: &[Vec<String>],
        nd: usize,
        idx: &[String],
    ) -> R<V> {
        let saved = self.m.opts.error_model_numpy;
        self.m.opts.error_model_numpy = true;
        let mut elems = Vec::new();
        for (li, v) in leaves.iter().enumerate() {
            match v.ty.clone() {
                Ty::Array(la) => {
                    let k = la.ndim as usize;
                    let li_idx: Vec<String> = (0..k)
                        .map(|j| {
                            let i = idx[nd - k + j].clone();
                            let f = bflags[li][j].clone();
                            self.val(&format!("select i1 {f}, i64 0, i64 {i}"))
                        })
                        .collect();
                    let p = self.nd_ptr(v, &la, &li_idx);
                    elems.push(self.load_elem(la.dtype, &p));
                }
                _ => elems.push(v.clone()),
            }
        }
        let r = self.eval_node(node, &elems);
        self.m.opts.error_model_numpy = saved;
        r
    }

    /// `np.sum(a * b)`, `np.max(np.abs(x - y))`: reduce an element-wise
    /// expression without materialising it.
    fn fused_reduce(&mut self, r: Reduce, x: &'p Expr, ty: Ty) -> R<V> {
        let Ty::Array(xa) = self.inst.ty(x).clone() else {
            return ice("fused reduce");
        };
        let out = ty.scalar().ok_or("fused reduce type")?;
        let mut leaves = Vec::new();
        let node = self.tree(x, &mut leaves)?;
        let nd = xa.ndim as usize;
        let shape = self.broadcast_shape(&leaves, nd)?;
        let bflags = self.broadcast_flags(&leaves);
        let d = xa.dtype;
        let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
            let v = s.eval_at(&node, &leaves, &bflags, nd, idx)?;
            Ok(s.cast(v, &Ty::Scalar(d)))
        };
        self.reduce_seq(r, &shape, &mut get, d, out)
    }

    fn eval_node(&mut self, n: &Node<'p>, elems: &[V]) -> R<V> {
        Ok(match n {
            Node::Leaf(i) => elems[*i].clone(),
            Node::Bin(op, a, b, d) => {
                let x = self.eval_node(a, elems)?;
                let y = self.eval_node(b, elems)?;
                let (Some(xd), Some(yd)) = (x.ty.scalar(), y.ty.scalar()) else {
                    return ice("element types");
                };
                let v = self.scalar_binop(*op, x, y, xd, yd)?;
                self.cast(v, &Ty::Scalar(*d))
            }
            Node::Un(op, a, d) => {
                let x = self.eval_node(a, elems)?;
                let t = Ty::Scalar(*d);
                let x = if *op == UnOp::Invert {
                    x
                } else {
                    self.cast(x, &t)
                };
                self.unary(*op, x, t)?
            }
            Node::Cmp(op, a, b) => {
                let x = self.eval_node(a, elems)?;
                let y = self.eval_node(b, elems)?;
                V::new(self.compare(*op, x, y)?, Ty::BOOL)
            }
            Node::Call(b, args, d, e) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval_node(a, elems)?);
                }
                let t = Ty::Scalar(*d);
                match b {
                    Builtin::Where => {
                        let c = self.truth(&vals[0])?;
                        let x = self.cast(vals[1].clone(), &t);
                        let y = self.cast(vals[2].clone(), &t);
                        let lt = llty(&t);
                        V::new(
                            self.val(&format!("select i1 {c}, {lt} {}, {lt} {}", x.r, y.r)),
                            t,
                        )
                    }
                    Builtin::NpExtremum { max, ignore_nan } => {
                        let x = self.cast(vals[0].clone(), &t);
                        let y = self.cast(vals[1].clone(), &t);
                        self.np_extremum(*max, *ignore_nan, x, y)?
                    }
                    Builtin::MinMax { max } => {
                        // np.maximum/np.minimum propagate NaN.
                        let x = self.cast(vals[0].clone(), &t);
                        let y = self.cast(vals[1].clone(), &t);
                        let better = self.compare(
                            if *max { CmpOp::Gt } else { CmpOp::Lt },
                            x.clone(),
                            y.clone(),
                        )?;
                        let lt = llty(&t);
                        let take = if d.is_float() {
                            let nan = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                            self.val(&format!("or i1 {better}, {nan}"))
                        } else {
                            better
                        };
                        V::new(
                            self.val(&format!("select i1 {take}, {lt} {}, {lt} {}", x.r, y.r)),
                            t,
                        )
                    }
                    _ => {
                        let Some(Res::Call(call)) = self.res(e) else {
                            return ice("element-wise call");
                        };
                        let et = Ty::Scalar(*d);
                        let v = self.builtin(*b, vals, call, e, Ty::Scalar(*d))?;
                        self.cast(v, &et)
                    }
                }
            }
        })
    }

    fn gufunc_loop(&mut self, gargs: &[GuArg], name: &str) -> R<String> {
        let nargs = gargs.len();
        let n = self.val("load i64, ptr %dims");
        let mut ptrs = Vec::new();
        let mut steps = Vec::new();
        for k in 0..nargs {
            let pp = self.val(&format!("getelementptr ptr, ptr %args, i64 {k}"));
            ptrs.push(self.val(&format!("load ptr, ptr {pp}")));
            let sp = self.val(&format!("getelementptr i64, ptr %steps, i64 {k}"));
            steps.push(self.val(&format!("load i64, ptr {sp}")));
        }
        // Core shapes and strides are loop-invariant.
        let mut geo: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for g in gargs {
            let mut shape = Vec::new();
            let mut strides = Vec::new();
            for (j, &cd) in g.core_dims.iter().enumerate() {
                let dp = self.val(&format!("getelementptr i64, ptr %dims, i64 {}", 1 + cd));
                shape.push(self.val(&format!("load i64, ptr {dp}")));
                let sp = self.val(&format!(
                    "getelementptr i64, ptr %steps, i64 {}",
                    g.core_steps + j
                ));
                strides.push(self.val(&format!("load i64, ptr {sp}")));
            }
            if let Ty::Array(a) = &g.ty {
                // `()` outputs declared as arrays: one element.
                while shape.len() < a.ndim as usize {
                    shape.push("1".into());
                    strides.push("0".into());
                }
            }
            geo.push((shape, strides));
        }
        let lp = self.nd_open(std::slice::from_ref(&n));
        let i = lp.idx[0].clone();
        let mut vals = Vec::new();
        for (k, g) in gargs.iter().enumerate() {
            let off = self.val(&format!("mul nsw i64 {i}, {}", steps[k]));
            let p = self.val(&format!(
                "getelementptr inbounds i8, ptr {}, i64 {off}",
                ptrs[k]
            ));
            match &g.ty {
                Ty::Array(a) => {
                    let (shape, strides) = geo[k].clone();
                    vals.push(self.make_array(a, "null", "null", &p, &shape, &strides));
                }
                Ty::Scalar(d) => vals.push(self.load_elem(*d, &p)),
                other => return ice(format!("gufunc argument of type {other}")),
            }
        }
        let rt = self.inst.ret.clone();
        let slot = self.alloca(&llty(&rt));
        let mut args = vec![format!("ptr {slot}")];
        for v in &vals {
            args.push(format!("{} {}", llty(&v.ty), v.r));
        }
        if self.m.recursive.contains(&0) {
            let sl = self.val("call i64 @oxjit_rt_stack_limit()");
            args.push(format!("i64 {sl}"));
        }
        let f = self.m.fname(0);
        self.val(&format!("call i32 {f}({})", args.join(", ")));
        self.nd_close(lp);
        self.emit("ret void");
        Ok(format!(
            "define void @{name}(ptr noalias %args, ptr noalias %dims, ptr noalias %steps, ptr %data) {{\nentry:\n{}  br label %body\nbody:\n{}}}\n\n",
            self.allocas, self.body
        ))
    }

    fn ufunc_loop(&mut self, ins: &[Dtype], out: Dtype, name: &str) -> R<String> {
        let nargs = ins.len() + 1;
        let n = self.val("load i64, ptr %dims");
        let mut ptrs = Vec::new();
        let mut steps = Vec::new();
        let mut contig = "true".to_string();
        for k in 0..nargs {
            let pp = self.val(&format!("getelementptr ptr, ptr %args, i64 {k}"));
            ptrs.push(self.val(&format!("load ptr, ptr {pp}")));
            let sp = self.val(&format!("getelementptr i64, ptr %steps, i64 {k}"));
            let st = self.val(&format!("load i64, ptr {sp}"));
            let d = if k < ins.len() { ins[k] } else { out };
            let c = self.val(&format!("icmp eq i64 {st}, {}", d.size()));
            contig = self.val(&format!("and i1 {contig}, {c}"));
            steps.push(st);
        }
        let (fast, slow, done) = (
            self.label("contig"),
            self.label("strided"),
            self.label("done"),
        );
        self.cbr(&contig, &fast, &slow);
        // Unit-stride path: constant strides let LLVM vectorise the kernel.
        for (lbl, unit) in [(fast, true), (slow, false)] {
            self.start(&lbl);
            let lp = self.nd_open(std::slice::from_ref(&n));
            let i = lp.idx[0].clone();
            let mut vals = Vec::new();
            for (k, d) in ins.iter().enumerate() {
                let st = if unit {
                    d.size().to_string()
                } else {
                    steps[k].clone()
                };
                let off = self.val(&format!("mul nsw i64 {i}, {st}"));
                let p = self.val(&format!(
                    "getelementptr inbounds i8, ptr {}, i64 {off}",
                    ptrs[k]
                ));
                let x = self.load_elem(*d, &p);
                let want = self.inst.args[k].clone();
                vals.push(self.cast(x, &want));
            }
            let rt = self.inst.ret.clone();
            let slot = self.alloca(&llty(&rt));
            let mut args = vec![format!("ptr {slot}")];
            for v in &vals {
                args.push(format!("{} {}", llty(&v.ty), v.r));
            }
            if self.m.recursive.contains(&0) {
                let sl = self.val("call i64 @oxjit_rt_stack_limit()");
                args.push(format!("i64 {sl}"));
            }
            let f = self.m.fname(0);
            self.val(&format!("call i32 {f}({})", args.join(", ")));
            let r = self.load(&rt, &slot);
            let r = self.cast(r, &Ty::Scalar(out));
            let st = if unit {
                out.size().to_string()
            } else {
                steps[ins.len()].clone()
            };
            let off = self.val(&format!("mul nsw i64 {i}, {st}"));
            let p = self.val(&format!(
                "getelementptr inbounds i8, ptr {}, i64 {off}",
                ptrs[ins.len()]
            ));
            self.store_elem(&r, &p);
            let force = unit && self.m.opts.fastmath && !self.m.vec_fns.is_empty();
            if force {
                self.m.force_width = fastmath_lanes(ins.iter().copied().fold(out, |a, b| {
                    if b == Dtype::F64 {
                        b
                    } else {
                        a
                    }
                }));
                self.nd_close_forced(lp);
            } else {
                self.nd_close(lp);
            }
            self.br(&done);
        }
        self.start(&done);
        self.emit("ret void");
        Ok(format!(
            "define void @{name}(ptr noalias %args, ptr noalias %dims, ptr noalias %steps, ptr %data) {{\nentry:\n{}  br label %body\nbody:\n{}}}\n\n",
            self.allocas, self.body
        ))
    }

    fn block(&mut self, body: &'p [Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
            if oxjit_typeck::pruned_exit(s, &self.inst.vars) {
                break;
            }
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'p Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                let v = self.expr(value)?;
                if v.ty.needs_refcount() {
                    // Hold the value while targets are rebound (`u, v = v, u`
                    // would otherwise free `u` before reading it back).
                    self.incref(&v);
                    self.own_temp(&v);
                }
                for t in targets {
                    self.assign(t, v.clone())?;
                }
                self.release_temps();
            }
            StmtKind::AugAssign { target, op, value } => {
                self.aug_assign(target, *op, value)?;
                self.release_temps();
            }
            StmtKind::Expr(e) => {
                self.expr(e)?;
                self.release_temps();
            }
            StmtKind::Return(v) => {
                let rv = match v {
                    Some(e) => self.expr(e)?,
                    None => V::unit(Ty::NoneType),
                };
                let rt = self.inst.ret.clone();
                let rv = self.cast(rv, &rt);
                self.incref(&rv);
                self.store(&rv, "%ret");
                self.br("cleanup");
            }
            StmtKind::If { test, body, orelse } => {
                match oxjit_typeck::static_truth(test, &self.inst.vars) {
                    Some(true) => return self.block(body),
                    Some(false) => return self.block(orelse),
                    None => {}
                }
                let c = self.cond(test)?;
                let (tl, el, end) = (self.label("then"), self.label("else"), self.label("endif"));
                self.cbr(&c, &tl, &el);
                self.start(&tl);
                self.block(body)?;
                if !self.terminated {
                    self.br(&end);
                }
                self.start(&el);
                self.block(orelse)?;
                self.start(&end);
            }
            StmtKind::While { test, body, orelse } => {
                let (head, bl, els, end) = (
                    self.label("while"),
                    self.label("wbody"),
                    self.label("welse"),
                    self.label("wend"),
                );
                self.start(&head);
                let c = self.cond(test)?;
                self.cbr(&c, &bl, &els);
                self.start(&bl);
                self.loops.push(LoopLabels {
                    cont: head.clone(),
                    brk: end.clone(),
                });
                self.block(body)?;
                self.loops.pop();
                self.br(&head);
                self.start(&els);
                self.block(orelse)?;
                self.start(&end);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => self.for_stmt(target, iter, body, orelse)?,
            StmtKind::Break => {
                let l = self
                    .loops
                    .last()
                    .map(|l| l.brk.clone())
                    .ok_or("break outside loop")?;
                self.br(&l);
            }
            StmtKind::Continue => {
                let l = self
                    .loops
                    .last()
                    .map(|l| l.cont.clone())
                    .ok_or("continue outside loop")?;
                self.br(&l);
            }
            StmtKind::Pass => {}
            StmtKind::Raise(e) => {
                match e {
                    None => {
                        self.emit(&format!(
                            "call void @oxjit_rt_exc_begin(i32 {})",
                            ExcKind::RuntimeError.code()
                        ));
                        let s = self.str_const("No active exception to reraise");
                        self.exc_arg(&s);
                    }
                    Some(e) => match self.res(e) {
                        Some(Res::Call(Call {
                            callee: Callee::Exception(k),
                            args,
                            ..
                        })) => {
                            let mut vals = Vec::new();
                            for a in args {
                                vals.push(self.arg(a)?);
                            }
                            self.emit(&format!("call void @oxjit_rt_exc_begin(i32 {})", k.code()));
                            for v in &vals {
                                self.exc_arg(v);
                            }
                        }
                        _ => match self.inst.ty(e) {
                            Ty::ExcClass(k) => {
                                let k = *k;
                                self.emit(&format!(
                                    "call void @oxjit_rt_exc_begin(i32 {})",
                                    k.code()
                                ));
                            }
                            other => return ice(format!("cannot raise a {other}")),
                        },
                    },
                }
                self.fail();
            }
            StmtKind::Assert { test, msg } => {
                let c = self.cond(test)?;
                let (bad, ok) = (self.label("assert"), self.label("asserted"));
                self.emit(&format!("br i1 {c}, label %{ok}, label %{bad}, !prof !1"));
                self.terminated = true;
                self.start(&bad);
                let mv = match msg {
                    Some(m) => Some(self.expr(m)?),
                    None => None,
                };
                self.emit(&format!(
                    "call void @oxjit_rt_exc_begin(i32 {})",
                    ExcKind::AssertionError.code()
                ));
                if let Some(v) = mv {
                    self.exc_arg(&v);
                }
                self.fail();
                self.start(&ok);
            }
            StmtKind::FuncDef(_) => {} // a closure value is zero-sized; captures are passed at calls
            StmtKind::Try { .. } | StmtKind::Unsupported(_) => {
                return ice("unsupported statement reached codegen")
            }
        }
        Ok(())
    }

    /// Evaluate a condition to `i1` and release the statement's temporaries.
    fn cond(&mut self, e: &'p Expr) -> R<String> {
        let v = self.expr(e)?;
        let c = self.truth(&v)?;
        self.release_temps();
        Ok(c)
    }

    fn truth(&mut self, v: &V) -> R<String> {
        Ok(match &v.ty {
            Ty::Scalar(Dtype::Bool) => v.r.clone(),
            Ty::Scalar(d) if d.is_int() => {
                self.val(&format!("icmp ne {} {}, 0", scalar_ty(*d), v.r))
            }
            Ty::Scalar(d) if d.is_float() => {
                self.val(&format!("fcmp une {} {}, 0.0", scalar_ty(*d), v.r))
            }
            Ty::Scalar(d) => {
                let ft = Ty::Scalar(d.real_part());
                let re = self.extract(v, 0, ft.clone());
                let im = self.extract(v, 1, ft.clone());
                let a = self.truth(&re)?;
                let b = self.truth(&im)?;
                self.val(&format!("or i1 {a}, {b}"))
            }
            Ty::NoneType => "false".into(),
            Ty::Tuple(items) => if items.is_empty() { "false" } else { "true" }.into(),
            Ty::Range => {
                let n = self.range_len(v);
                self.val(&format!("icmp sgt i64 {n}, 0"))
            }
            other => return ice(format!("no truth value for {other}")),
        })
    }

    // ----- assignment -----------------------------------------------------------------

    fn assign(&mut self, target: &'p Expr, v: V) -> R<()> {
        match &target.kind {
            ExprKind::Name(n) => self.set_var(n, v),
            ExprKind::Tuple(xs) | ExprKind::List(xs) => match v.ty.clone() {
                Ty::Tuple(items) => {
                    for (i, (x, it)) in xs.iter().zip(items).enumerate() {
                        let e = self.extract(&v, i, it);
                        self.assign(x, e)?;
                    }
                    Ok(())
                }
                Ty::Array(a) => {
                    let n = self.shape(&v, 0);
                    let bad = self.val(&format!("icmp ne i64 {n}, {}", xs.len()));
                    let msg = self.str_const(&format!(
                        "cannot unpack array into {} values: wrong length ",
                        xs.len()
                    ));
                    self.raise_if(&bad, ExcKind::ValueError, &[msg, V::new(n, Ty::I64)]);
                    for (i, x) in xs.iter().enumerate() {
                        let e = self.array_item(&v, &a, &i.to_string())?;
                        self.assign(x, e)?;
                    }
                    Ok(())
                }
                other => ice(format!("cannot unpack {other}")),
            },
            ExprKind::Subscript(base, index) => {
                let b = self.expr(base)?;
                self.setitem(&b, index, v)
            }
            _ => ice("unsupported assignment target"),
        }
    }

    fn set_var(&mut self, name: &str, v: V) -> R<()> {
        let (slot, ty) = self
            .vars
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no slot for variable {name}"))?;
        let v = self.cast(v, &ty);
        if ty.needs_refcount() {
            self.incref(&v);
            let old = self.load(&ty, &slot);
            self.store(&v, &slot);
            self.decref(&old);
        } else {
            self.store(&v, &slot);
        }
        Ok(())
    }

    fn aug_assign(&mut self, target: &'p Expr, op: BinOp, value: &'p Expr) -> R<()> {
        if let Ty::Array(ta) = self.inst.ty(target).clone() {
            // In place, as NumPy does: aliases of the array see the update.
            if let ExprKind::Subscript(base, index) = &target.kind {
                let bt = self.inst.ty(base).clone();
                if let Ty::Array(ba) = bt {
                    if self.per_axis_fancy(&ba, index, true) {
                        // a[:, idx] op= v: gather, update the copy, scatter back
                        // (repeated indices write once, as in NumPy).
                        let b = self.expr(base)?;
                        let g = self.fancy_axis_get(&b, &ba, index)?;
                        let Ty::Array(ga) = g.ty.clone() else {
                            return ice("gather");
                        };
                        let mut leaves = vec![g.clone()];
                        let rhs = self.tree(value, &mut leaves)?;
                        let node = Node::Bin(op, Box::new(Node::Leaf(0)), Box::new(rhs), ga.dtype);
                        self.fused_into(&g, &ga, &node, &leaves)?;
                        return self.fancy_axis_set(&b, &ba, index, g);
                    }
                }
                if let Ty::Array(_) = self.inst.ty(index) {
                    // a[mask] op= v: gather, update the copy, scatter back.
                    let b = self.expr(base)?;
                    let Ty::Array(ba) = b.ty.clone() else {
                        return ice("aug-assign base");
                    };
                    let iv = self.expr(index)?;
                    let g = self.fancy_get(&b, &ba, &iv)?;
                    let Ty::Array(ga) = g.ty.clone() else {
                        return ice("gather");
                    };
                    let mut leaves = vec![g.clone()];
                    let rhs = self.tree(value, &mut leaves)?;
                    let node = Node::Bin(op, Box::new(Node::Leaf(0)), Box::new(rhs), ga.dtype);
                    self.fused_into(&g, &ga, &node, &leaves)?;
                    return self.fancy_set(&b, &ba, &iv, g);
                }
            }
            let tv = match &target.kind {
                ExprKind::Subscript(base, index) => {
                    let b = self.expr(base)?;
                    let Ty::Array(ba) = b.ty.clone() else {
                        return ice("aug-assign base");
                    };
                    self.view(&b, &ba, index, &ta)?
                }
                _ => {
                    let ExprKind::Name(n) = &target.kind else {
                        return ice("aug-assign target");
                    };
                    let (slot, vty) = self.vars.get(n).cloned().ok_or("aug-assign variable")?;
                    self.load(&vty, &slot)
                }
            };
            let Ty::Array(ta) = tv.ty.clone() else {
                return ice("aug-assign view");
            };
            let mut leaves = vec![tv.clone()];
            let rhs = self.tree(value, &mut leaves)?;
            // NumPy buffers operands that overlap the output (a[1:] += a[:-1]).
            for leaf in leaves.iter_mut().skip(1) {
                if let Ty::Array(la) = leaf.ty.clone() {
                    *leaf = self.copy_if_shared(leaf, &la, &tv)?;
                }
            }
            let node = Node::Bin(op, Box::new(Node::Leaf(0)), Box::new(rhs), Dtype::F64);
            let node = match node {
                Node::Bin(op, a, b, _) => Node::Bin(op, a, b, ta.dtype),
                n => n,
            };
            return self.fused_into(&tv, &ta, &node, &leaves);
        }
        match &target.kind {
            ExprKind::Name(n) => {
                let cur = self.expr(target)?;
                let rhs = self.expr(value)?;
                let r = self.binop(op, cur, rhs, target)?;
                self.set_var(n, r)
            }
            ExprKind::Subscript(base, index) => {
                let b = self.expr(base)?;
                let Ty::Array(a) = b.ty.clone() else {
                    return ice("augmented assignment into a non-array");
                };
                let all_int = self.index_is_scalar(&a, index);
                if !all_int {
                    return ice("augmented assignment to array slices is not supported yet");
                }
                let ptr = self.element_ptr(&b, &a, index)?;
                let cur = self.load_elem(a.dtype, &ptr);
                let rhs = self.expr(value)?;
                let r = self.binop(op, cur, rhs, target)?;
                let r = self.cast(r, &Ty::Scalar(a.dtype));
                self.store_elem(&r, &ptr);
                Ok(())
            }
            _ => ice("unsupported augmented assignment target"),
        }
    }

    // ----- expressions ------------------------------------------------------------------

    fn res(&self, e: &Expr) -> Option<&'p Res<'p>> {
        self.inst.res.get(&e.id)
    }

    fn konst(&mut self, c: &Const, ty: &Ty) -> V {
        let r = match (c, ty) {
            (Const::Int(v), Ty::Scalar(d)) => match d {
                Dtype::F32 | Dtype::F64 => fconst(*v as f64, *d),
                Dtype::Bool => if *v != 0 { "true" } else { "false" }.into(),
                _ if d.is_complex() => scalar_const(*d, *v as f64),
                _ => v.to_string(),
            },
            (Const::Float(v), Ty::Scalar(d)) if d.is_complex() => scalar_const(*d, *v),
            (Const::Float(v), Ty::Scalar(d)) => fconst(*v, *d),
            (Const::Complex(re, im), Ty::Scalar(d)) => {
                let ft = d.real_part();
                format!(
                    "{{{} {}, {} {}}}",
                    scalar_ty(ft),
                    fconst(*re, ft),
                    scalar_ty(ft),
                    fconst(*im, ft)
                )
            }
            (Const::Bool(b), _) => if *b { "true" } else { "false" }.into(),
            (Const::Str(s), _) => self.m.string(s),
            (Const::Tuple(xs), Ty::Tuple(ts)) => {
                let parts: Vec<String> = xs
                    .iter()
                    .zip(ts)
                    .map(|(x, t)| {
                        let v = self.konst(x, t);
                        format!("{} {}", llty(t), v.r)
                    })
                    .collect();
                if parts.is_empty() {
                    "zeroinitializer".into()
                } else {
                    format!("{{{}}}", parts.join(", "))
                }
            }
            _ => "zeroinitializer".into(),
        };
        V::new(r, ty.clone())
    }

    fn expr(&mut self, e: &'p Expr) -> R<V> {
        let ty = self.inst.ty(e).clone();
        if let Some(Res::Const(c)) = self.res(e) {
            return Ok(self.konst(c, &ty));
        }
        if let Some(Res::GlobalArray(i)) = self.res(e) {
            return self.global_array(*i, &ty);
        }
        if let Ty::Array(a) = &ty {
            if self.is_elementwise(e) {
                return self.fused(e, *a);
            }
        }
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::Str(_) => ice("literal without a constant"),
            ExprKind::NoneLit => Ok(V::unit(Ty::NoneType)),
            ExprKind::Name(n) => match self.vars.get(n).cloned() {
                Some((slot, vty)) => {
                    let v = self.load(&vty, &slot);
                    Ok(self.cast(v, &ty))
                }
                None => Ok(V::unit(ty)), // globals: modules, functions, dtypes (zero-sized)
            },
            ExprKind::Attr(obj, attr) => self.attr(e, obj, attr, ty),
            ExprKind::Bin(op, l, r) => {
                let a = self.expr(l)?;
                let b = self.expr(r)?;
                let v = self.binop(*op, a, b, e)?;
                Ok(self.cast(v, &ty))
            }
            ExprKind::Unary(op, x) => {
                let v = self.expr(x)?;
                self.unary(*op, v, ty)
            }
            ExprKind::BoolOp(is_and, xs) => {
                let slot = self.alloca(&llty(&ty));
                let end = self.label("boolend");
                for (i, x) in xs.iter().enumerate() {
                    let v = self.expr(x)?;
                    let c = self.truth(&v)?;
                    let v = self.cast(v, &ty);
                    self.store(&v, &slot);
                    if i + 1 < xs.len() {
                        let next = self.label("boolnext");
                        if *is_and {
                            self.cbr(&c, &next, &end);
                        } else {
                            self.cbr(&c, &end, &next);
                        }
                        self.start(&next);
                    }
                }
                self.start(&end);
                Ok(self.load(&ty, &slot))
            }
            ExprKind::Compare(first, rest) => {
                let mut l = self.expr(first)?;
                if rest.len() == 1 {
                    let r = self.expr(&rest[0].1)?;
                    let c = self.compare(rest[0].0, l, r)?;
                    return Ok(V::new(c, Ty::BOOL));
                }
                let slot = self.alloca("i1");
                let end = self.label("cmpend");
                for (i, (op, rx)) in rest.iter().enumerate() {
                    let r = self.expr(rx)?;
                    let c = self.compare(*op, l, r.clone())?;
                    self.emit(&format!("store i1 {c}, ptr {slot}"));
                    if i + 1 < rest.len() {
                        let next = self.label("cmpnext");
                        self.cbr(&c, &next, &end);
                        self.start(&next);
                    }
                    l = r;
                }
                self.start(&end);
                let v = self.val(&format!("load i1, ptr {slot}"));
                Ok(V::new(v, Ty::BOOL))
            }
            ExprKind::IfExp(test, a, b) => {
                let tv = self.expr(test)?;
                let c = self.truth(&tv)?;
                let slot = self.alloca(&llty(&ty));
                let (tl, el, end) = (self.label("ift"), self.label("iff"), self.label("ifend"));
                self.cbr(&c, &tl, &el);
                self.start(&tl);
                let av = self.expr(a)?;
                let av = self.cast(av, &ty);
                self.store(&av, &slot);
                self.br(&end);
                self.start(&el);
                let bv = self.expr(b)?;
                let bv = self.cast(bv, &ty);
                self.store(&bv, &slot);
                self.start(&end);
                Ok(self.load(&ty, &slot))
            }
            ExprKind::Call { .. } => self.call_expr(e, ty),
            ExprKind::Subscript(base, index) => {
                let b = self.expr(base)?;
                self.getitem(b, index, ty)
            }
            ExprKind::Tuple(xs) => {
                let mut items = Vec::new();
                for x in xs {
                    items.push(self.expr(x)?);
                }
                let t = self.build_tuple(items);
                Ok(self.cast(t, &ty))
            }
            ExprKind::Lambda(_) => Ok(V::unit(ty)),
            ExprKind::List(xs) => {
                let mut items = Vec::new();
                for x in xs {
                    items.push(self.expr(x)?);
                }
                let t = self.build_tuple(items);
                Ok(self.cast(t, &ty))
            }
            ExprKind::Slice(..) | ExprKind::Unsupported(_) => {
                ice("unsupported expression reached codegen")
            }
        }
    }

    fn attr(&mut self, _e: &'p Expr, obj: &'p Expr, attr: &str, ty: Ty) -> R<V> {
        let o = self.expr(obj)?;
        match (&o.ty.clone(), attr) {
            (Ty::Array(a), _) => {
                let a = *a;
                match attr {
                    "shape" => {
                        let items: Vec<V> = (0..a.ndim as usize)
                            .map(|d| V::new(self.shape(&o, d), Ty::I64))
                            .collect();
                        Ok(self.build_tuple(items))
                    }
                    "strides" => {
                        let items: Vec<V> = (0..a.ndim as usize)
                            .map(|d| V::new(self.stride(&o, &a, d), Ty::I64))
                            .collect();
                        Ok(self.build_tuple(items))
                    }
                    "size" => Ok(V::new(self.nitems(&o), Ty::I64)),
                    "ndim" => Ok(Self::i64c(a.ndim as i64)),
                    "itemsize" => Ok(Self::i64c(a.dtype.size() as i64)),
                    "nbytes" => {
                        let n = self.nitems(&o);
                        Ok(V::new(
                            self.val(&format!("mul i64 {n}, {}", a.dtype.size())),
                            Ty::I64,
                        ))
                    }
                    "T" => self.transpose(&o, &a, ty),
                    "real" => Ok(V::new(o.r, ty)),
                    _ => Ok(V::unit(ty)), // dtype
                }
            }
            (Ty::Scalar(d), "real" | "imag") => {
                let d = *d;
                if d.is_complex() {
                    Ok(self.extract(&o, usize::from(attr == "imag"), ty))
                } else if attr == "real" {
                    Ok(self.cast(o, &ty))
                } else {
                    Ok(V::new(scalar_const(d, 0.0), Ty::Scalar(d)))
                }
            }
            _ => Ok(V::unit(ty)),
        }
    }

    fn unary(&mut self, op: UnOp, v: V, ty: Ty) -> R<V> {
        match op {
            UnOp::Not => {
                let c = self.truth(&v)?;
                Ok(V::new(self.val(&format!("xor i1 {c}, true")), Ty::BOOL))
            }
            UnOp::Pos => Ok(self.cast(v, &ty)),
            UnOp::Neg => {
                let v = self.cast(v, &ty);
                match ty {
                    Ty::Scalar(d) if d.is_int() => Ok(V::new(
                        self.val(&format!("sub {} 0, {}", scalar_ty(d), v.r)),
                        ty,
                    )),
                    Ty::Scalar(d) if d.is_float() => Ok(V::new(
                        self.val(&format!("fneg {} {}", scalar_ty(d), v.r)),
                        ty,
                    )),
                    Ty::Scalar(d) if d.is_complex() => {
                        let ft = Ty::Scalar(d.real_part());
                        let re = self.extract(&v, 0, ft.clone());
                        let im = self.extract(&v, 1, ft.clone());
                        let nre = self.val(&format!("fneg {} {}", llty(&ft), re.r));
                        let nim = self.val(&format!("fneg {} {}", llty(&ft), im.r));
                        Ok(self.complex(d, &nre, &nim))
                    }
                    _ => ice(format!("cannot negate {ty}")),
                }
            }
            UnOp::Invert => match ty {
                Ty::Scalar(Dtype::Bool) => {
                    Ok(V::new(self.val(&format!("xor i1 {}, true", v.r)), ty))
                }
                Ty::Scalar(d) if d.is_int() => {
                    let v = self.cast(v, &ty);
                    Ok(V::new(
                        self.val(&format!("xor {} {}, -1", scalar_ty(d), v.r)),
                        ty,
                    ))
                }
                _ => ice(format!("cannot invert {ty}")),
            },
        }
    }

    fn complex(&mut self, d: Dtype, re: &str, im: &str) -> V {
        let ft = scalar_ty(d.real_part());
        let ct = scalar_ty(d);
        let a = self.val(&format!("insertvalue {ct} undef, {ft} {re}, 0"));
        let b = self.val(&format!("insertvalue {ct} {a}, {ft} {im}, 1"));
        V::new(b, Ty::Scalar(d))
    }

    // ----- casts ---------------------------------------------------------------------------

    pub(crate) fn cast(&mut self, v: V, to: &Ty) -> V {
        if &v.ty == to {
            return v;
        }
        match (v.ty.clone(), to) {
            (Ty::Scalar(a), Ty::Scalar(b)) => {
                let r = self.cast_scalar(&v.r, a, *b);
                V::new(r, to.clone())
            }
            (Ty::Tuple(xs), Ty::Tuple(ys)) if xs.len() == ys.len() => {
                let mut items = Vec::new();
                for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                    let e = self.extract(&v, i, x.clone());
                    items.push(self.cast(e, y));
                }
                let t = self.build_tuple(items);
                V::new(t.r, to.clone())
            }
            // Array layouts/readonly flags share one representation.
            (Ty::Array(_), Ty::Array(_)) => V::new(v.r, to.clone()),
            (_, Ty::Unknown) => v,
            _ => V::new(
                if llty(&v.ty) == llty(to) {
                    v.r
                } else {
                    "zeroinitializer".into()
                },
                to.clone(),
            ),
        }
    }

    fn cast_scalar(&mut self, r: &str, a: Dtype, b: Dtype) -> String {
        if a == b || scalar_ty(a) == scalar_ty(b) && a.kind() == b.kind() {
            return r.to_string();
        }
        let (ta, tb) = (scalar_ty(a), scalar_ty(b));
        use Kind::*;
        match (a.kind(), b.kind()) {
            (_, Complex) => {
                let ft = b.real_part();
                let (re, im) = if a.is_complex() {
                    let fa = scalar_ty(a.real_part());
                    let re = self.val(&format!("extractvalue {ta} {r}, 0"));
                    let im = self.val(&format!("extractvalue {ta} {r}, 1"));
                    let _ = fa;
                    (
                        self.cast_scalar(&re, a.real_part(), ft),
                        self.cast_scalar(&im, a.real_part(), ft),
                    )
                } else {
                    (self.cast_scalar(r, a, ft), fconst(0.0, ft))
                };
                self.complex(b, &re, &im).r
            }
            (Complex, _) => {
                if b == Dtype::Bool {
                    let v = V::new(r, Ty::Scalar(a));
                    return self.truth(&v).unwrap_or_else(|_| "false".into());
                }
                let re = self.val(&format!("extractvalue {ta} {r}, 0"));
                self.cast_scalar(&re, a.real_part(), b)
            }
            (_, Bool) => match a.kind() {
                Float => self.val(&format!("fcmp une {ta} {r}, 0.0")),
                _ => self.val(&format!("icmp ne {ta} {r}, 0")),
            },
            (Bool, Float) => self.val(&format!("uitofp i1 {r} to {tb}")),
            (Bool, _) => self.val(&format!("zext i1 {r} to {tb}")),
            (Signed | Unsigned, Signed | Unsigned) => {
                let (ba, bb) = (a.bits(), b.bits());
                if ba > bb {
                    self.val(&format!("trunc {ta} {r} to {tb}"))
                } else if ba < bb {
                    let op = if a.is_signed() { "sext" } else { "zext" };
                    self.val(&format!("{op} {ta} {r} to {tb}"))
                } else {
                    r.to_string()
                }
            }
            (Signed, Float) => match r.parse::<i64>() {
                Ok(v) => fconst(v as f64, b),
                Err(_) => self.val(&format!("sitofp {ta} {r} to {tb}")),
            },
            (Unsigned, Float) => self.val(&format!("uitofp {ta} {r} to {tb}")),
            (Float, Signed | Unsigned) => {
                // Saturating conversion: no poison for NaN or out-of-range values.
                let s = if b.is_signed() { "fptosi" } else { "fptoui" };
                let name = format!("@llvm.{s}.sat.{tb}.{}", fsuffix(a));
                self.m.declare(&format!("declare {tb} {name}({ta})"));
                self.val(&format!("call {tb} {name}({ta} {r})"))
            }
            (Float, Float) => {
                let op = if a.bits() < b.bits() {
                    "fpext"
                } else {
                    "fptrunc"
                };
                self.val(&format!("{op} {ta} {r} to {tb}"))
            }
        }
    }

    /// The stack limit for a call into a recursive instance: our own hidden
    /// argument if we are recursive too, else one runtime call.
    fn stack_limit(&mut self) -> String {
        if self.m.recursive.contains(&self.idx) {
            "%sl".into()
        } else {
            self.val("call i64 @oxjit_rt_stack_limit()")
        }
    }

    // ----- arithmetic ----------------------------------------------------------------

    fn binop(&mut self, op: BinOp, a: V, b: V, at: &Expr) -> R<V> {
        match (&a.ty.clone(), &b.ty.clone()) {
            (Ty::Scalar(x), Ty::Scalar(y)) => self.scalar_binop(op, a, b, *x, *y),
            (Ty::Tuple(xs), Ty::Tuple(ys)) if op == BinOp::Add => {
                let mut items = Vec::new();
                for (i, t) in xs.iter().enumerate() {
                    items.push(self.extract(&a, i, t.clone()));
                }
                for (i, t) in ys.iter().enumerate() {
                    items.push(self.extract(&b, i, t.clone()));
                }
                Ok(self.build_tuple(items))
            }
            (Ty::Array(_), Ty::Array(_)) if op == BinOp::MatMul => {
                let ty = self.inst.ty(at).clone();
                self.matmul(&a, &b, ty)
            }
            (l, r) => ice(format!(
                "operator {} on {l} and {r} at line {}",
                op.symbol(),
                at.span.line
            )),
        }
    }

    fn fm(&self) -> &'static str {
        if self.m.opts.fastmath {
            "fast "
        } else {
            ""
        }
    }

    fn zero_div(&mut self, b: &str, d: Dtype, msg: &str) {
        let z = if d.is_float() {
            self.val(&format!("fcmp oeq {} {b}, 0.0", scalar_ty(d)))
        } else {
            self.val(&format!("icmp eq {} {b}, 0", scalar_ty(d)))
        };
        let m = self.str_const(msg);
        self.raise_if(&z, ExcKind::ZeroDivisionError, &[m]);
    }

    fn scalar_binop(&mut self, op: BinOp, a: V, b: V, x: Dtype, y: Dtype) -> R<V> {
        use BinOp::*;
        let numpy = self.m.opts.error_model_numpy;
        let fm = self.fm();
        let r = match op {
            Div => oxjit_types::promote_truediv(x, y),
            BitAnd | BitOr | BitXor if x == Dtype::Bool && y == Dtype::Bool => Dtype::Bool,
            _ => promote_arith(x, y),
        };
        let a = self.cast(a, &Ty::Scalar(r));
        let b = self.cast(b, &Ty::Scalar(r));
        let t = scalar_ty(r);
        let (ar, br) = (a.r.clone(), b.r.clone());
        let out = |s: &mut Self, rhs: String| V::new(s.val(&rhs), Ty::Scalar(r));
        if r.is_complex() {
            return self.complex_binop(op, &a, &b, r);
        }
        let signed = r.is_signed();
        Ok(match (op, r.kind()) {
            (Add, Kind::Float) => out(self, format!("fadd {fm}{t} {ar}, {br}")),
            (Sub, Kind::Float) => out(self, format!("fsub {fm}{t} {ar}, {br}")),
            (Mul, Kind::Float) => out(self, format!("fmul {fm}{t} {ar}, {br}")),
            (Add, _) => out(self, format!("add {t} {ar}, {br}")),
            (Sub, _) => out(self, format!("sub {t} {ar}, {br}")),
            (Mul, _) => out(self, format!("mul {t} {ar}, {br}")),
            (Div, _) => {
                if !numpy {
                    let msg = if x.is_float() || y.is_float() {
                        "float division by zero"
                    } else {
                        "division by zero"
                    };
                    self.zero_div(&br, r, msg);
                }
                out(self, format!("fdiv {fm}{t} {ar}, {br}"))
            }
            (FloorDiv | Mod, Kind::Float) => {
                if !numpy {
                    let msg = if op == FloorDiv {
                        "float floor division by zero"
                    } else {
                        "float modulo"
                    };
                    self.zero_div(&br, r, msg);
                }
                let (div, m) = self.float_divmod(&ar, &br, r);
                let div = if numpy && op == FloorDiv {
                    // NumPy: x // 0.0 is x / 0.0 (±inf, or nan for 0 // 0).
                    let z = self.val(&format!("fcmp oeq {t} {br}, 0.0"));
                    let q = self.val(&format!("fdiv {t} {ar}, {br}"));
                    self.val(&format!("select i1 {z}, {t} {q}, {t} {div}"))
                } else {
                    div
                };
                V::new(if op == FloorDiv { div } else { m }, Ty::Scalar(r))
            }
            (FloorDiv | Mod, _) => {
                if numpy {
                    // NumPy's model: x // 0 == 0 and x % 0 == 0.
                    let z = self.val(&format!("icmp eq {t} {br}, 0"));
                    let safe = self.val(&format!("select i1 {z}, {t} 1, {t} {br}"));
                    let (q, m) = self.int_divmod(&ar, &safe, r);
                    let res = if op == FloorDiv { q } else { m };
                    out(self, format!("select i1 {z}, {t} 0, {t} {res}"))
                } else {
                    let msg = if op == FloorDiv {
                        "integer division or modulo by zero"
                    } else {
                        "integer modulo by zero"
                    };
                    self.zero_div(&br, r, msg);
                    let (q, m) = self.int_divmod(&ar, &br, r);
                    V::new(if op == FloorDiv { q } else { m }, Ty::Scalar(r))
                }
            }
            (Pow, Kind::Float) => {
                if !numpy {
                    let z = self.val(&format!("fcmp oeq {t} {ar}, 0.0"));
                    let neg = self.val(&format!("fcmp olt {t} {br}, 0.0"));
                    let both = self.val(&format!("and i1 {z}, {neg}"));
                    let m = self.str_const("0.0 cannot be raised to a negative power");
                    self.raise_if(&both, ExcKind::ZeroDivisionError, &[m]);
                }
                if br == fconst(2.0, r) {
                    return Ok(out(self, format!("fmul {fm}{t} {ar}, {ar}")));
                }
                let f = self.pow_fn(r);
                let va = self.m.vector_variants("pow", r, 2);
                out(self, format!("call {fm}{t} {f}({t} {ar}, {t} {br}){va}"))
            }
            (Pow, _) => {
                if signed {
                    let neg = self.val(&format!("icmp slt {t} {br}, 0"));
                    let m = self.str_const("Integers to negative integer powers are not allowed.");
                    self.raise_if(&neg, ExcKind::ValueError, &[m]);
                }
                self.int_pow(&ar, &br, r)
            }
            (LShift | RShift, _) => {
                if signed {
                    let neg = self.val(&format!("icmp slt {t} {br}, 0"));
                    let m = self.str_const("negative shift count");
                    self.raise_if(&neg, ExcKind::ValueError, &[m]);
                }
                let bits = r.bits();
                let big = self.val(&format!("icmp uge {t} {br}, {bits}"));
                let sh = self.val(&format!("select i1 {big}, {t} {}, {t} {br}", bits - 1));
                if op == LShift {
                    let v = self.val(&format!("shl {t} {ar}, {sh}"));
                    out(self, format!("select i1 {big}, {t} 0, {t} {v}"))
                } else if signed {
                    out(self, format!("ashr {t} {ar}, {sh}"))
                } else {
                    let v = self.val(&format!("lshr {t} {ar}, {sh}"));
                    out(self, format!("select i1 {big}, {t} 0, {t} {v}"))
                }
            }
            (BitAnd, _) => out(self, format!("and {t} {ar}, {br}")),
            (BitOr, _) => out(self, format!("or {t} {ar}, {br}")),
            (BitXor, _) => out(self, format!("xor {t} {ar}, {br}")),
            (MatMul, _) => return ice("@ on scalars"),
        })
    }

    fn intrinsic(&mut self, name: &str, d: Dtype, nargs: usize) -> String {
        let t = scalar_ty(d);
        let f = format!("@llvm.{name}.{}", fsuffix(d));
        let args = vec![t; nargs].join(", ");
        self.m.declare(&format!("declare {t} {f}({args})"));
        f
    }

    /// `pow`: libm's symbol under fastmath (it has a libmvec variant), else
    /// the LLVM intrinsic.
    fn pow_fn(&mut self, d: Dtype) -> String {
        if self.m.opts.fastmath {
            self.libm("pow", d, 2)
        } else {
            self.intrinsic("pow", d, 2)
        }
    }

    fn libm(&mut self, name: &str, d: Dtype, nargs: usize) -> String {
        let t = scalar_ty(d);
        let sym = if d == Dtype::F32 {
            format!("{name}f")
        } else {
            name.to_string()
        };
        let args = vec![t; nargs].join(", ");
        self.m.declare(&format!(
            "declare {t} @{sym}({args}) nounwind willreturn memory(none)"
        ));
        format!("@{sym}")
    }

    /// Python's float `divmod` (floor division and modulo with the sign of
    /// the divisor).
    fn float_divmod(&mut self, a: &str, b: &str, d: Dtype) -> (String, String) {
        let t = scalar_ty(d);
        let fm = self.fm();
        let m0 = self.val(&format!("frem {t} {a}, {b}"));
        let am = self.val(&format!("fsub {fm}{t} {a}, {m0}"));
        let div0 = self.val(&format!("fdiv {fm}{t} {am}, {b}"));
        let mnz = self.val(&format!("fcmp une {t} {m0}, 0.0"));
        let bneg = self.val(&format!("fcmp olt {t} {b}, 0.0"));
        let mneg = self.val(&format!("fcmp olt {t} {m0}, 0.0"));
        let diff = self.val(&format!("xor i1 {bneg}, {mneg}"));
        let adj = self.val(&format!("and i1 {mnz}, {diff}"));
        let m1 = self.val(&format!("fadd {t} {m0}, {b}"));
        let div1 = self.val(&format!("fsub {t} {div0}, {}", fconst(1.0, d)));
        let cs = self.intrinsic("copysign", d, 2);
        let zm = self.val(&format!("call {t} {cs}({t} 0.0, {t} {b})"));
        let m2 = self.val(&format!("select i1 {adj}, {t} {m1}, {t} {m0}"));
        let m = self.val(&format!("select i1 {mnz}, {t} {m2}, {t} {zm}"));
        let div = self.val(&format!("select i1 {adj}, {t} {div1}, {t} {div0}"));
        // floordiv = floor(div), corrected when div is just below an integer.
        let fl = self.intrinsic("floor", d, 1);
        let f0 = self.val(&format!("call {t} {fl}({t} {div})"));
        let gap = self.val(&format!("fsub {t} {div}, {f0}"));
        let big = self.val(&format!("fcmp ogt {t} {gap}, {}", fconst(0.5, d)));
        let f1 = self.val(&format!("fadd {t} {f0}, {}", fconst(1.0, d)));
        let f2 = self.val(&format!("select i1 {big}, {t} {f1}, {t} {f0}"));
        let dnz = self.val(&format!("fcmp une {t} {div}, 0.0"));
        let q = self.val(&format!("fdiv {t} {a}, {b}"));
        let zq = self.val(&format!("call {t} {cs}({t} 0.0, {t} {q})"));
        let fd = self.val(&format!("select i1 {dnz}, {t} {f2}, {t} {zq}"));
        (fd, m)
    }

    /// Python's integer floor division and modulo (b != 0).
    fn int_divmod(&mut self, a: &str, b: &str, d: Dtype) -> (String, String) {
        let t = scalar_ty(d);
        if !d.is_signed() {
            return (
                self.val(&format!("udiv {t} {a}, {b}")),
                self.val(&format!("urem {t} {a}, {b}")),
            );
        }
        // INT_MIN / -1 overflows in LLVM: divide by 1 and negate instead.
        let m1 = self.val(&format!("icmp eq {t} {b}, -1"));
        let bb = self.val(&format!("select i1 {m1}, {t} 1, {t} {b}"));
        let q0 = self.val(&format!("sdiv {t} {a}, {bb}"));
        let nq = self.val(&format!("sub {t} 0, {q0}"));
        let q = self.val(&format!("select i1 {m1}, {t} {nq}, {t} {q0}"));
        let r0 = self.val(&format!("srem {t} {a}, {bb}"));
        let rnz = self.val(&format!("icmp ne {t} {r0}, 0"));
        let x = self.val(&format!("xor {t} {r0}, {b}"));
        let sgn = self.val(&format!("icmp slt {t} {x}, 0"));
        let adj = self.val(&format!("and i1 {rnz}, {sgn}"));
        let r1 = self.val(&format!("add {t} {r0}, {b}"));
        let r = self.val(&format!("select i1 {adj}, {t} {r1}, {t} {r0}"));
        let q1 = self.val(&format!("sub {t} {q}, 1"));
        let q = self.val(&format!("select i1 {adj}, {t} {q1}, {t} {q}"));
        (q, r)
    }

    fn int_pow(&mut self, a: &str, b: &str, d: Dtype) -> V {
        let t = scalar_ty(d);
        let res = self.alloca(t);
        let base = self.alloca(t);
        let exp = self.alloca(t);
        self.emit(&format!("store {t} 1, ptr {res}"));
        self.emit(&format!("store {t} {a}, ptr {base}"));
        self.emit(&format!("store {t} {b}, ptr {exp}"));
        let (head, body, done) = (self.label("pow"), self.label("powb"), self.label("powd"));
        self.start(&head);
        let e = self.val(&format!("load {t}, ptr {exp}"));
        let more = self.val(&format!("icmp ne {t} {e}, 0"));
        self.cbr(&more, &body, &done);
        self.start(&body);
        let bit = self.val(&format!("and {t} {e}, 1"));
        let odd = self.val(&format!("icmp ne {t} {bit}, 0"));
        let r = self.val(&format!("load {t}, ptr {res}"));
        let bv = self.val(&format!("load {t}, ptr {base}"));
        let rm = self.val(&format!("mul {t} {r}, {bv}"));
        let r2 = self.val(&format!("select i1 {odd}, {t} {rm}, {t} {r}"));
        self.emit(&format!("store {t} {r2}, ptr {res}"));
        let b2 = self.val(&format!("mul {t} {bv}, {bv}"));
        self.emit(&format!("store {t} {b2}, ptr {base}"));
        let e2 = self.val(&format!("lshr {t} {e}, 1"));
        self.emit(&format!("store {t} {e2}, ptr {exp}"));
        self.br(&head);
        self.start(&done);
        let r = self.val(&format!("load {t}, ptr {res}"));
        V::new(r, Ty::Scalar(d))
    }

    fn complex_parts(&mut self, v: &V) -> (String, String) {
        let Ty::Scalar(d) = v.ty else {
            return ("0.0".into(), "0.0".into());
        };
        let ft = Ty::Scalar(d.real_part());
        let re = self.extract(v, 0, ft.clone());
        let im = self.extract(v, 1, ft);
        (re.r, im.r)
    }

    fn complex_binop(&mut self, op: BinOp, a: &V, b: &V, d: Dtype) -> R<V> {
        let f = d.real_part();
        let t = scalar_ty(f);
        let fm = self.fm();
        let (ar, ai) = self.complex_parts(a);
        let (br, bi) = self.complex_parts(b);
        let (re, im) = match op {
            BinOp::Add => (
                self.val(&format!("fadd {fm}{t} {ar}, {br}")),
                self.val(&format!("fadd {fm}{t} {ai}, {bi}")),
            ),
            BinOp::Sub => (
                self.val(&format!("fsub {fm}{t} {ar}, {br}")),
                self.val(&format!("fsub {fm}{t} {ai}, {bi}")),
            ),
            BinOp::Mul => {
                let x1 = self.val(&format!("fmul {fm}{t} {ar}, {br}"));
                let x2 = self.val(&format!("fmul {fm}{t} {ai}, {bi}"));
                let y1 = self.val(&format!("fmul {fm}{t} {ar}, {bi}"));
                let y2 = self.val(&format!("fmul {fm}{t} {ai}, {br}"));
                (
                    self.val(&format!("fsub {fm}{t} {x1}, {x2}")),
                    self.val(&format!("fadd {fm}{t} {y1}, {y2}")),
                )
            }
            BinOp::Div => {
                if !self.m.opts.error_model_numpy {
                    let z1 = self.val(&format!("fcmp oeq {t} {br}, 0.0"));
                    let z2 = self.val(&format!("fcmp oeq {t} {bi}, 0.0"));
                    let z = self.val(&format!("and i1 {z1}, {z2}"));
                    let m = self.str_const("complex division by zero");
                    self.raise_if(&z, ExcKind::ZeroDivisionError, &[m]);
                }
                // Smith's algorithm.
                let fabs = self.intrinsic("fabs", f, 1);
                let abr = self.val(&format!("call {t} {fabs}({t} {br})"));
                let abi = self.val(&format!("call {t} {fabs}({t} {bi})"));
                let big = self.val(&format!("fcmp oge {t} {abr}, {abi}"));
                // case |br| >= |bi|: r = bi/br; den = br + bi*r
                let r1 = self.val(&format!("fdiv {t} {bi}, {br}"));
                let d1a = self.val(&format!("fmul {t} {bi}, {r1}"));
                let d1 = self.val(&format!("fadd {t} {br}, {d1a}"));
                let re1a = self.val(&format!("fmul {t} {ai}, {r1}"));
                let re1b = self.val(&format!("fadd {t} {ar}, {re1a}"));
                let re1 = self.val(&format!("fdiv {t} {re1b}, {d1}"));
                let im1a = self.val(&format!("fmul {t} {ar}, {r1}"));
                let im1b = self.val(&format!("fsub {t} {ai}, {im1a}"));
                let im1 = self.val(&format!("fdiv {t} {im1b}, {d1}"));
                // case |bi| > |br|: r = br/bi; den = bi + br*r
                let r2 = self.val(&format!("fdiv {t} {br}, {bi}"));
                let d2a = self.val(&format!("fmul {t} {br}, {r2}"));
                let d2 = self.val(&format!("fadd {t} {bi}, {d2a}"));
                let re2a = self.val(&format!("fmul {t} {ar}, {r2}"));
                let re2b = self.val(&format!("fadd {t} {re2a}, {ai}"));
                let re2 = self.val(&format!("fdiv {t} {re2b}, {d2}"));
                let im2a = self.val(&format!("fmul {t} {ai}, {r2}"));
                let im2b = self.val(&format!("fsub {t} {im2a}, {ar}"));
                let im2 = self.val(&format!("fdiv {t} {im2b}, {d2}"));
                (
                    self.val(&format!("select i1 {big}, {t} {re1}, {t} {re2}")),
                    self.val(&format!("select i1 {big}, {t} {im1}, {t} {im2}")),
                )
            }
            BinOp::Pow => {
                // a ** b = exp(b * log(a)) in polar form; 0 ** b handled first.
                let hyp = self.libm("hypot", f, 2);
                let at2 = self.libm("atan2", f, 2);
                let lg = self.intrinsic("log", f, 1);
                let ex = self.intrinsic("exp", f, 1);
                let cs = self.intrinsic("cos", f, 1);
                let sn = self.intrinsic("sin", f, 1);
                let pw = self.intrinsic("pow", f, 2);
                let vabs = self.val(&format!("call {t} {hyp}({t} {ar}, {t} {ai})"));
                let len = self.val(&format!("call {t} {pw}({t} {vabs}, {t} {br})"));
                let at = self.val(&format!("call {t} {at2}({t} {ai}, {t} {ar})"));
                let phase0 = self.val(&format!("fmul {t} {at}, {br}"));
                let bi_at = self.val(&format!("fmul {t} {at}, {bi}"));
                let e = self.val(&format!("call {t} {ex}({t} {bi_at})"));
                let len2 = self.val(&format!("fdiv {t} {len}, {e}"));
                let l = self.val(&format!("call {t} {lg}({t} {vabs})"));
                let bil = self.val(&format!("fmul {t} {bi}, {l}"));
                let phase = self.val(&format!("fadd {t} {phase0}, {bil}"));
                let c = self.val(&format!("call {t} {cs}({t} {phase})"));
                let s = self.val(&format!("call {t} {sn}({t} {phase})"));
                let re = self.val(&format!("fmul {t} {len2}, {c}"));
                let im = self.val(&format!("fmul {t} {len2}, {s}"));
                // 0 ** b: 1 if b == 0 else 0.
                let z1 = self.val(&format!("fcmp oeq {t} {ar}, 0.0"));
                let z2 = self.val(&format!("fcmp oeq {t} {ai}, 0.0"));
                let az = self.val(&format!("and i1 {z1}, {z2}"));
                let b1 = self.val(&format!("fcmp oeq {t} {br}, 0.0"));
                let b2 = self.val(&format!("fcmp oeq {t} {bi}, 0.0"));
                let bz = self.val(&format!("and i1 {b1}, {b2}"));
                let one = fconst(1.0, f);
                let zr = self.val(&format!("select i1 {bz}, {t} {one}, {t} 0.0"));
                let pre = self.val(&format!("select i1 {az}, {t} {zr}, {t} {re}"));
                let pim = self.val(&format!("select i1 {az}, {t} 0.0, {t} {im}"));
                // Small integer exponents: repeated multiplication, exactly as
                // CPython does ((1+1j)**2 == 2j).
                let slot = self.alloca(scalar_ty(d));
                let polar = self.complex(d, &pre, &pim);
                self.store(&polar, &slot);
                let trb = self.intrinsic("trunc", f, 1);
                let fabs = self.intrinsic("fabs", f, 1);
                let tb = self.val(&format!("call {t} {trb}({t} {br})"));
                let isint = self.val(&format!("fcmp oeq {t} {tb}, {br}"));
                let ab = self.val(&format!("call {t} {fabs}({t} {br})"));
                let small = self.val(&format!("fcmp ole {t} {ab}, {}", fconst(100.0, f)));
                let c1 = self.val(&format!("and i1 {isint}, {small}"));
                let c2 = self.val(&format!("and i1 {c1}, {b2}"));
                let (l1, l2) = (self.label("powi"), self.label("powid"));
                self.cbr(&c2, &l1, &l2);
                self.start(&l1);
                let n = self.val(&format!("fptosi {t} {ab} to i64"));
                let ct = Ty::Scalar(d);
                let acc = self.alloca(&llty(&ct));
                let base = self.alloca(&llty(&ct));
                let cnt = self.alloca("i64");
                let onec = self.complex(d, &one, &fconst(0.0, f));
                self.store(&onec, &acc);
                self.store(a, &base);
                self.emit(&format!("store i64 {n}, ptr {cnt}"));
                let (h, body, done) = (self.label("pwh"), self.label("pwb"), self.label("pwd"));
                self.start(&h);
                let k = self.val(&format!("load i64, ptr {cnt}"));
                let more = self.val(&format!("icmp ne i64 {k}, 0"));
                self.cbr(&more, &body, &done);
                self.start(&body);
                let bit = self.val(&format!("and i64 {k}, 1"));
                let odd = self.val(&format!("icmp ne i64 {bit}, 0"));
                let av = self.load(&ct, &acc);
                let bv = self.load(&ct, &base);
                let prod = self.complex_binop(BinOp::Mul, &av, &bv, d)?;
                let lt = llty(&ct);
                let na = self.val(&format!("select i1 {odd}, {lt} {}, {lt} {}", prod.r, av.r));
                self.emit(&format!("store {lt} {na}, ptr {acc}"));
                let sq = self.complex_binop(BinOp::Mul, &bv, &bv, d)?;
                self.store(&sq, &base);
                let k2 = self.val(&format!("lshr i64 {k}, 1"));
                self.emit(&format!("store i64 {k2}, ptr {cnt}"));
                self.br(&h);
                self.start(&done);
                let res = self.load(&ct, &acc);
                let negexp = self.val(&format!("fcmp olt {t} {br}, 0.0"));
                let (l3, l4) = (self.label("pwneg"), self.label("pwpos"));
                self.cbr(&negexp, &l3, &l4);
                self.start(&l3);
                let saved = self.m.opts.error_model_numpy;
                self.m.opts.error_model_numpy = true;
                let inv = self.complex_binop(BinOp::Div, &onec, &res, d);
                self.m.opts.error_model_numpy = saved;
                self.store(&inv?, &slot);
                self.br(&l2);
                self.start(&l4);
                self.store(&res, &slot);
                self.start(&l2);
                let fin = self.load(&ct, &slot);
                let (fr, fi) = self.complex_parts(&fin);
                (fr, fi)
            }
            _ => return ice(format!("operator {} on complex numbers", op.symbol())),
        };
        Ok(self.complex(d, &re, &im))
    }

    fn compare(&mut self, op: CmpOp, a: V, b: V) -> R<String> {
        match (op, &a.ty.clone(), &b.ty.clone()) {
            (CmpOp::Is | CmpOp::IsNot, x, y) => {
                let same = match (x, y) {
                    (Ty::NoneType, Ty::NoneType) => "true".to_string(),
                    (Ty::NoneType, _) | (_, Ty::NoneType) => "false".to_string(),
                    (Ty::Scalar(_), Ty::Scalar(_)) => self.compare(CmpOp::Eq, a, b)?,
                    _ => "false".to_string(),
                };
                Ok(if op == CmpOp::IsNot {
                    self.val(&format!("xor i1 {same}, true"))
                } else {
                    same
                })
            }
            (CmpOp::In | CmpOp::NotIn, _, Ty::Tuple(items)) => {
                let mut acc = "false".to_string();
                for (i, it) in items.iter().enumerate() {
                    let e = self.extract(&b, i, it.clone());
                    let c = self.compare(CmpOp::Eq, a.clone(), e)?;
                    acc = self.val(&format!("or i1 {acc}, {c}"));
                }
                Ok(if op == CmpOp::NotIn {
                    self.val(&format!("xor i1 {acc}, true"))
                } else {
                    acc
                })
            }
            (_, Ty::NoneType, _) | (_, _, Ty::NoneType) => {
                let eq = matches!((&a.ty, &b.ty), (Ty::NoneType, Ty::NoneType));
                Ok(match op {
                    CmpOp::Eq => eq.to_string(),
                    _ => (!eq).to_string(),
                })
            }
            (_, Ty::Tuple(xs), Ty::Tuple(_)) => {
                let mut acc = "true".to_string();
                for (i, t) in xs.clone().iter().enumerate() {
                    let Ty::Tuple(ys) = &b.ty else { unreachable!() };
                    let yt = ys[i].clone();
                    let ea = self.extract(&a, i, t.clone());
                    let eb = self.extract(&b, i, yt);
                    let c = self.compare(CmpOp::Eq, ea, eb)?;
                    acc = self.val(&format!("and i1 {acc}, {c}"));
                }
                Ok(if op == CmpOp::Ne {
                    self.val(&format!("xor i1 {acc}, true"))
                } else {
                    acc
                })
            }
            (_, Ty::Scalar(x), Ty::Scalar(y)) => {
                let (x, y) = (*x, *y);
                let c = if x == y {
                    x
                } else if x == Dtype::Bool || y == Dtype::Bool {
                    promote_arith(x.max(Dtype::I8), y.max(Dtype::I8))
                } else {
                    promote_arith(x, y)
                };
                let a = self.cast(a, &Ty::Scalar(c));
                let b = self.cast(b, &Ty::Scalar(c));
                let t = scalar_ty(c);
                if c.is_complex() {
                    let (ar, ai) = self.complex_parts(&a);
                    let (br, bi) = self.complex_parts(&b);
                    let ft = scalar_ty(c.real_part());
                    let e1 = self.val(&format!("fcmp oeq {ft} {ar}, {br}"));
                    let e2 = self.val(&format!("fcmp oeq {ft} {ai}, {bi}"));
                    let e = self.val(&format!("and i1 {e1}, {e2}"));
                    return Ok(if op == CmpOp::Ne {
                        self.val(&format!("xor i1 {e}, true"))
                    } else {
                        e
                    });
                }
                let pred = if c.is_float() {
                    match op {
                        CmpOp::Eq => "fcmp oeq",
                        CmpOp::Ne => "fcmp une",
                        CmpOp::Lt => "fcmp olt",
                        CmpOp::Le => "fcmp ole",
                        CmpOp::Gt => "fcmp ogt",
                        _ => "fcmp oge",
                    }
                } else {
                    let s = c.is_signed();
                    match op {
                        CmpOp::Eq => "icmp eq",
                        CmpOp::Ne => "icmp ne",
                        CmpOp::Lt => {
                            if s {
                                "icmp slt"
                            } else {
                                "icmp ult"
                            }
                        }
                        CmpOp::Le => {
                            if s {
                                "icmp sle"
                            } else {
                                "icmp ule"
                            }
                        }
                        CmpOp::Gt => {
                            if s {
                                "icmp sgt"
                            } else {
                                "icmp ugt"
                            }
                        }
                        _ => {
                            if s {
                                "icmp sge"
                            } else {
                                "icmp uge"
                            }
                        }
                    }
                };
                Ok(self.val(&format!("{pred} {t} {}, {}", a.r, b.r)))
            }
            (_, x, y) => ice(format!("comparison {} between {x} and {y}", op.symbol())),
        }
    }

    // ----- arrays: geometry ------------------------------------------------------------

    fn shape(&mut self, v: &V, d: usize) -> String {
        self.val(&format!("extractvalue {} {}, 5, {d}", llty(&v.ty), v.r))
    }

    fn nitems(&mut self, v: &V) -> String {
        self.val(&format!("extractvalue {} {}, 2", llty(&v.ty), v.r))
    }

    fn data(&mut self, v: &V) -> String {
        self.val(&format!("extractvalue {} {}, 4", llty(&v.ty), v.r))
    }

    /// Byte stride of dimension `d`; derived from the shape for contiguous
    /// layouts so that LLVM sees unit strides and can vectorise.
    fn stride(&mut self, v: &V, a: &ArrayTy, d: usize) -> String {
        let nd = a.ndim as usize;
        let isz = a.dtype.size();
        match a.layout {
            Layout::C => {
                let mut s = isz.to_string();
                for k in d + 1..nd {
                    let sh = self.shape(v, k);
                    s = self.val(&format!("mul i64 {s}, {sh}"));
                }
                s
            }
            Layout::F => {
                let mut s = isz.to_string();
                for k in 0..d {
                    let sh = self.shape(v, k);
                    s = self.val(&format!("mul i64 {s}, {sh}"));
                }
                s
            }
            Layout::A => self.val(&format!("extractvalue {} {}, 6, {d}", llty(&v.ty), v.r)),
        }
    }

    /// Build an array struct from parts.
    fn make_array(
        &mut self,
        a: &ArrayTy,
        meminfo: &str,
        parent: &str,
        data: &str,
        shape: &[String],
        strides: &[String],
    ) -> V {
        let ty = Ty::Array(*a);
        let lt = llty(&ty);
        let mut cur = self.val(&format!("insertvalue {lt} undef, ptr {meminfo}, 0"));
        cur = self.val(&format!("insertvalue {lt} {cur}, ptr {parent}, 1"));
        let mut n = "1".to_string();
        for s in shape {
            n = self.val(&format!("mul i64 {n}, {s}"));
        }
        cur = self.val(&format!("insertvalue {lt} {cur}, i64 {n}, 2"));
        cur = self.val(&format!(
            "insertvalue {lt} {cur}, i64 {}, 3",
            a.dtype.size()
        ));
        cur = self.val(&format!("insertvalue {lt} {cur}, ptr {data}, 4"));
        for (d, s) in shape.iter().enumerate() {
            cur = self.val(&format!("insertvalue {lt} {cur}, i64 {s}, 5, {d}"));
        }
        for (d, s) in strides.iter().enumerate() {
            cur = self.val(&format!("insertvalue {lt} {cur}, i64 {s}, 6, {d}"));
        }
        V::new(cur, ty)
    }

    /// A fresh C-contiguous array (a temporary of the current statement).
    fn alloc_array(&mut self, dtype: Dtype, shape: &[String]) -> V {
        let a = ArrayTy::new(dtype, shape.len() as u8, Layout::C);
        let mut n = "1".to_string();
        let mut anyneg = "false".to_string();
        for s in shape {
            match s.parse::<i64>() {
                Ok(k) if k >= 0 => {}
                Ok(_) => anyneg = "true".to_string(),
                Err(_) => {
                    let neg = self.val(&format!("icmp slt i64 {s}, 0"));
                    anyneg = self.val(&format!("or i1 {anyneg}, {neg}"));
                }
            }
            n = self.val(&format!("mul i64 {n}, {s}"));
        }
        if anyneg != "false" {
            let m = self.str_const("negative dimensions are not allowed");
            self.raise_if(&anyneg, ExcKind::ValueError, &[m]);
        }
        let bytes = self.val(&format!("mul i64 {n}, {}", dtype.size()));
        let mi = self.val(&format!("call ptr @oxjit_rt_meminfo_alloc(i64 {bytes})"));
        let null = self.val(&format!("icmp eq ptr {mi}, null"));
        let m = self.str_const("unable to allocate array data");
        self.raise_if(&null, ExcKind::MemoryError, &[m]);
        let dp = self.val(&format!("getelementptr i8, ptr {mi}, i64 8"));
        let data = self.val(&format!("load ptr, ptr {dp}"));
        let mut strides = vec![String::new(); shape.len()];
        let mut s = dtype.size().to_string();
        for d in (0..shape.len()).rev() {
            strides[d] = s.clone();
            s = self.val(&format!("mul i64 {s}, {}", shape[d]));
        }
        let v = self.make_array(&a, &mi, "null", &data, shape, &strides);
        self.own_temp(&v);
        v
    }

    /// `a.T`: the view with the axes reversed.
    fn transpose(&mut self, o: &V, a: &ArrayTy, ty: Ty) -> R<V> {
        let perm: Vec<usize> = (0..a.ndim as usize).rev().collect();
        self.permuted(o, a, &perm, &ty)
    }

    fn i64_max(&mut self, a: &str, b: &str) -> String {
        let c = self.val(&format!("icmp sgt i64 {a}, {b}"));
        self.val(&format!("select i1 {c}, i64 {a}, i64 {b}"))
    }

    fn i64_min(&mut self, a: &str, b: &str) -> String {
        let c = self.val(&format!("icmp slt i64 {a}, {b}"));
        self.val(&format!("select i1 {c}, i64 {a}, i64 {b}"))
    }

    fn load_elem(&mut self, d: Dtype, ptr: &str) -> V {
        let mt = mem_ty(d);
        let r = self.val(&format!("load {mt}, ptr {ptr}"));
        if d == Dtype::Bool {
            V::new(self.val(&format!("icmp ne i8 {r}, 0")), Ty::BOOL)
        } else {
            V::new(r, Ty::Scalar(d))
        }
    }

    fn store_elem(&mut self, v: &V, ptr: &str) {
        if v.ty == Ty::BOOL {
            let b = self.val(&format!("zext i1 {} to i8", v.r));
            self.emit(&format!("store i8 {b}, ptr {ptr}"));
        } else {
            self.store(v, ptr);
        }
    }

    /// Wrap a negative index and (under boundscheck) check it.
    fn norm_index(&mut self, i: V, n: &str, axis: usize) -> String {
        let i = self.cast(i, &Ty::I64);
        let neg = self.val(&format!("icmp slt i64 {}, 0", i.r));
        let w = self.val(&format!("add i64 {}, {n}", i.r));
        let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {}", i.r));
        if self.m.opts.boundscheck {
            let bad = self.val(&format!("icmp uge i64 {j}, {n}"));
            let p1 = self.str_const("index ");
            let p2 = self.str_const(&format!(" is out of bounds for axis {axis} with size "));
            self.raise_if(
                &bad,
                ExcKind::IndexError,
                &[p1, i.clone(), p2, V::new(n, Ty::I64)],
            );
        }
        j
    }

    fn index_is_scalar(&self, a: &ArrayTy, index: &Expr) -> bool {
        let parts = oxjit_typeck::index_kinds(index);
        parts.len() == a.ndim as usize
            && parts.iter().all(|p| {
                !matches!(p.kind, ExprKind::Slice(..)) && !matches!(self.inst.ty(p), Ty::NoneType)
            })
    }

    /// Pointer to the element selected by an all-integer index.
    fn element_ptr(&mut self, b: &V, a: &ArrayTy, index: &'p Expr) -> R<String> {
        let parts = oxjit_typeck::index_kinds(index);
        let mut off = "0".to_string();
        for (d, p) in parts.iter().enumerate() {
            let iv = self.expr(p)?;
            let n = self.shape(b, d);
            let j = self.norm_index(iv, &n, d);
            let s = self.stride(b, a, d);
            let t = self.val(&format!("mul nsw i64 {j}, {s}"));
            off = self.val(&format!("add nsw i64 {off}, {t}"));
        }
        let data = self.data(b);
        Ok(self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}")))
    }

    fn array_item(&mut self, b: &V, a: &ArrayTy, i: &str) -> R<V> {
        // b[i] along the first axis (iteration and unpacking).
        let s = self.stride(b, a, 0);
        let off = self.val(&format!("mul nsw i64 {i}, {s}"));
        let data = self.data(b);
        let ptr = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        if a.ndim == 1 {
            return Ok(self.load_elem(a.dtype, &ptr));
        }
        let nd = a.ndim as usize;
        let shape: Vec<String> = (1..nd).map(|d| self.shape(b, d)).collect();
        let strides: Vec<String> = (1..nd).map(|d| self.stride(b, a, d)).collect();
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&b.ty), b.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&b.ty), b.r));
        let out = ArrayTy {
            ndim: a.ndim - 1,
            layout: if a.layout == Layout::C {
                Layout::C
            } else {
                Layout::A
            },
            ..*a
        };
        Ok(self.make_array(&out, &mi, &parent, &ptr, &shape, &strides))
    }

    /// A view for a basic index (ints and slices).
    fn view(&mut self, b: &V, a: &ArrayTy, index: &'p Expr, out: &ArrayTy) -> R<V> {
        let mut fancy = None;
        let v = self.view_with(b, a, index, out, &mut fancy)?;
        if fancy.is_some() {
            return ice("index array in a basic view");
        }
        Ok(v)
    }

    /// A basic-indexing view; an index array part is kept as a whole axis
    /// and reported in `fancy` as (output axis, its expression).
    fn view_with(
        &mut self,
        b: &V,
        a: &ArrayTy,
        index: &'p Expr,
        out: &ArrayTy,
        fancy: &mut Option<(usize, &'p Expr)>,
    ) -> R<V> {
        let parts = oxjit_typeck::index_kinds(index);
        let nd = a.ndim as usize;
        let mut off = "0".to_string();
        let mut shape = Vec::new();
        let mut strides = Vec::new();
        let mut d = 0usize; // input axis
        for p in &parts {
            if matches!(self.inst.ty(p), Ty::NoneType) && !matches!(p.kind, ExprKind::Slice(..)) {
                // np.newaxis: a length-1 axis.
                shape.push("1".to_string());
                strides.push("0".to_string());
                continue;
            }
            let n = self.shape(b, d);
            let s = self.stride(b, a, d);
            if matches!(self.inst.ty(p), Ty::Array(_)) {
                *fancy = Some((shape.len(), *p));
                shape.push(n);
                strides.push(s);
                d += 1;
                continue;
            }
            match &p.kind {
                ExprKind::Slice(lo, hi, st) => {
                    let (start, len, step) =
                        self.slice_bounds(lo.as_deref(), hi.as_deref(), st.as_deref(), &n)?;
                    let t = self.val(&format!("mul i64 {start}, {s}"));
                    off = self.val(&format!("add i64 {off}, {t}"));
                    shape.push(len);
                    strides.push(if step == "1" {
                        s
                    } else {
                        self.val(&format!("mul i64 {s}, {step}"))
                    });
                }
                _ => {
                    let iv = self.expr(p)?;
                    let j = self.norm_index(iv, &n, d);
                    let t = self.val(&format!("mul i64 {j}, {s}"));
                    off = self.val(&format!("add i64 {off}, {t}"));
                }
            }
            d += 1;
        }
        while d < nd {
            shape.push(self.shape(b, d));
            strides.push(self.stride(b, a, d));
            d += 1;
        }
        let data = self.data(b);
        let ptr = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&b.ty), b.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&b.ty), b.r));
        Ok(self.make_array(out, &mi, &parent, &ptr, &shape, &strides))
    }

    /// Python's slice normalisation: (start, length, step).
    fn slice_bounds(
        &mut self,
        lo: Option<&'p Expr>,
        hi: Option<&'p Expr>,
        st: Option<&'p Expr>,
        n: &str,
    ) -> R<(String, String, String)> {
        let opt = |s: &mut Self, e: Option<&'p Expr>| -> R<Option<String>> {
            match e {
                None => Ok(None),
                Some(x) => {
                    let v = s.expr(x)?;
                    if v.ty == Ty::NoneType {
                        Ok(None)
                    } else {
                        Ok(Some(s.cast(v, &Ty::I64).r))
                    }
                }
            }
        };
        let lo = opt(self, lo)?;
        let hi = opt(self, hi)?;
        let step = opt(self, st)?;
        let Some(step) = step.filter(|s| s != "1") else {
            // Unit step: clamp into [0, n].
            let clamp = |s: &mut Self, v: Option<String>, dflt: &str| -> String {
                match v {
                    None => dflt.to_string(),
                    Some(v) => {
                        let neg = s.val(&format!("icmp slt i64 {v}, 0"));
                        let w = s.val(&format!("add i64 {v}, {n}"));
                        let w = s.val(&format!("select i1 {neg}, i64 {w}, i64 {v}"));
                        let lo0 = s.val(&format!("icmp slt i64 {w}, 0"));
                        let w = s.val(&format!("select i1 {lo0}, i64 0, i64 {w}"));
                        let hi0 = s.val(&format!("icmp sgt i64 {w}, {n}"));
                        s.val(&format!("select i1 {hi0}, i64 {n}, i64 {w}"))
                    }
                }
            };
            let start = clamp(self, lo, "0");
            let stop = clamp(self, hi, n);
            let d = self.val(&format!("sub i64 {stop}, {start}"));
            let pos = self.val(&format!("icmp sgt i64 {d}, 0"));
            let len = self.val(&format!("select i1 {pos}, i64 {d}, i64 0"));
            return Ok((start, len, "1".into()));
        };
        let z = self.val(&format!("icmp eq i64 {step}, 0"));
        let m = self.str_const("slice step cannot be zero");
        self.raise_if(&z, ExcKind::ValueError, &[m]);
        let neg = self.val(&format!("icmp slt i64 {step}, 0"));
        let adjust = |s: &mut Self, v: Option<String>, dflt_pos: &str, dflt_neg: &str| -> String {
            match v {
                None => s.val(&format!("select i1 {neg}, i64 {dflt_neg}, i64 {dflt_pos}")),
                Some(v) => {
                    let isneg = s.val(&format!("icmp slt i64 {v}, 0"));
                    let w = s.val(&format!("add i64 {v}, {n}"));
                    let w = s.val(&format!("select i1 {isneg}, i64 {w}, i64 {v}"));
                    let below = s.val(&format!("icmp slt i64 {w}, 0"));
                    let lowv = s.val(&format!("select i1 {neg}, i64 -1, i64 0"));
                    let w2 = s.val(&format!("select i1 {below}, i64 {lowv}, i64 {w}"));
                    let above = s.val(&format!("icmp sge i64 {w2}, {n}"));
                    let nm1 = s.val(&format!("sub i64 {n}, 1"));
                    let highv = s.val(&format!("select i1 {neg}, i64 {nm1}, i64 {n}"));
                    s.val(&format!("select i1 {above}, i64 {highv}, i64 {w2}"))
                }
            }
        };
        let nm1 = self.val(&format!("sub i64 {n}, 1"));
        let start = adjust(self, lo, "0", &nm1);
        let stop = adjust(self, hi, n, "-1");
        // length = step<0 ? (stop<start ? (start-stop-1)/(-step)+1 : 0) : (start<stop ? (stop-start-1)/step+1 : 0)
        let d1 = self.val(&format!("sub i64 {start}, {stop}"));
        let d1 = self.val(&format!("sub i64 {d1}, 1"));
        let ns = self.val(&format!("sub i64 0, {step}"));
        let q1 = self.val(&format!("sdiv i64 {d1}, {ns}"));
        let q1 = self.val(&format!("add i64 {q1}, 1"));
        let c1 = self.val(&format!("icmp slt i64 {stop}, {start}"));
        let l1 = self.val(&format!("select i1 {c1}, i64 {q1}, i64 0"));
        let d2 = self.val(&format!("sub i64 {stop}, {start}"));
        let d2 = self.val(&format!("sub i64 {d2}, 1"));
        let sp = self.val(&format!("select i1 {neg}, i64 1, i64 {step}"));
        let q2 = self.val(&format!("sdiv i64 {d2}, {sp}"));
        let q2 = self.val(&format!("add i64 {q2}, 1"));
        let c2 = self.val(&format!("icmp slt i64 {start}, {stop}"));
        let l2 = self.val(&format!("select i1 {c2}, i64 {q2}, i64 0"));
        let len = self.val(&format!("select i1 {neg}, i64 {l1}, i64 {l2}"));
        Ok((start, len, step))
    }

    /// The index is a tuple-typed value (not a literal tuple): its items.
    fn tuple_index(&mut self, index: &'p Expr) -> R<Option<Vec<V>>> {
        if matches!(index.kind, ExprKind::Tuple(_)) {
            return Ok(None);
        }
        let Ty::Tuple(items) = self.inst.ty(index).clone() else {
            return Ok(None);
        };
        let v = self.expr(index)?;
        Ok(Some(
            (0..items.len())
                .map(|i| self.extract(&v, i, items[i].clone()))
                .collect(),
        ))
    }

    /// Pointer (all dims indexed) or view (leading dims indexed) for integer index values.
    fn index_by_values(&mut self, b: &V, a: &ArrayTy, vals: &[V]) -> R<Result<String, V>> {
        let mut off = "0".to_string();
        for (d, iv) in vals.iter().enumerate() {
            let n = self.shape(b, d);
            let j = self.norm_index(iv.clone(), &n, d);
            let s = self.stride(b, a, d);
            let t = self.val(&format!("mul nsw i64 {j}, {s}"));
            off = self.val(&format!("add nsw i64 {off}, {t}"));
        }
        let data = self.data(b);
        let ptr = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        let nd = a.ndim as usize;
        if vals.len() == nd {
            return Ok(Ok(ptr));
        }
        let shape: Vec<String> = (vals.len()..nd).map(|d| self.shape(b, d)).collect();
        let strides: Vec<String> = (vals.len()..nd).map(|d| self.stride(b, a, d)).collect();
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&b.ty), b.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&b.ty), b.r));
        let out = ArrayTy {
            ndim: (nd - vals.len()) as u8,
            layout: if a.layout == Layout::C {
                Layout::C
            } else {
                Layout::A
            },
            ..*a
        };
        Ok(Err(
            self.make_array(&out, &mi, &parent, &ptr, &shape, &strides)
        ))
    }

    /// Bisection over `[lo, hi)`: the first position where `go_right(mid)`
    /// (an `i1`) stops holding. Every sorted search (searchsorted, interp,
    /// histogram edges, digitize) is this loop with its own step test.
    fn bisect(
        &mut self,
        lo0: &str,
        hi0: &str,
        go_right: &mut dyn FnMut(&mut Self, &str) -> R<String>,
    ) -> R<String> {
        let lo = self.alloca("i64");
        let hi = self.alloca("i64");
        self.emit(&format!("store i64 {lo0}, ptr {lo}"));
        self.emit(&format!("store i64 {hi0}, ptr {hi}"));
        let (head, body, done) = (self.label("bs"), self.label("bsb"), self.label("bsd"));
        self.start(&head);
        let l = self.val(&format!("load i64, ptr {lo}"));
        let h = self.val(&format!("load i64, ptr {hi}"));
        let c = self.val(&format!("icmp slt i64 {l}, {h}"));
        self.cbr(&c, &body, &done);
        self.start(&body);
        let span = self.val(&format!("sub i64 {h}, {l}"));
        let half = self.val(&format!("lshr i64 {span}, 1"));
        let mid = self.val(&format!("add i64 {l}, {half}"));
        let go = go_right(self, &mid)?;
        let m1 = self.val(&format!("add i64 {mid}, 1"));
        let nl = self.val(&format!("select i1 {go}, i64 {m1}, i64 {l}"));
        let nh = self.val(&format!("select i1 {go}, i64 {h}, i64 {mid}"));
        self.emit(&format!("store i64 {nl}, ptr {lo}"));
        self.emit(&format!("store i64 {nh}, ptr {hi}"));
        self.br(&head);
        self.start(&done);
        Ok(self.val(&format!("load i64, ptr {lo}")))
    }

    /// The two passes of every selection by truth (nonzero, flatnonzero,
    /// argwhere, boolean masks): count the true elements of `m` in C order,
    /// make the output for that count with `alloc`, then call `put` with each
    /// true element's index, its rank among them and its flat position.
    fn select_true<T>(
        &mut self,
        m: &V,
        ma: &ArrayTy,
        alloc: impl FnOnce(&mut Self, &str) -> T,
        mut put: impl FnMut(&mut Self, &T, &[String], &str, &str) -> R<()>,
    ) -> R<T> {
        let shape: Vec<String> = (0..ma.ndim as usize).map(|d| self.shape(m, d)).collect();
        let cnt = self.alloca("i64");
        let flat = self.alloca("i64");
        // Reset here, not only at entry: the selection may run in a loop.
        self.emit(&format!("store i64 0, ptr {cnt}"));
        let lp = self.nd_open(&shape);
        let p = self.nd_ptr(m, ma, &lp.idx);
        let x = self.load_elem(ma.dtype, &p);
        let t = self.truth(&x)?;
        let z = self.val(&format!("zext i1 {t} to i64"));
        let c = self.val(&format!("load i64, ptr {cnt}"));
        let c1 = self.val(&format!("add i64 {c}, {z}"));
        self.emit(&format!("store i64 {c1}, ptr {cnt}"));
        self.nd_close(lp);
        let total = self.val(&format!("load i64, ptr {cnt}"));
        let out = alloc(self, &total);
        self.emit(&format!("store i64 0, ptr {cnt}"));
        self.emit(&format!("store i64 0, ptr {flat}"));
        let lp = self.nd_open(&shape);
        let p = self.nd_ptr(m, ma, &lp.idx);
        let x = self.load_elem(ma.dtype, &p);
        let t = self.truth(&x)?;
        let k = self.val(&format!("load i64, ptr {flat}"));
        let (l1, l2) = (self.label("sel"), self.label("selskip"));
        self.cbr(&t, &l1, &l2);
        self.start(&l1);
        let c = self.val(&format!("load i64, ptr {cnt}"));
        put(self, &out, &lp.idx, &c, &k)?;
        let c1 = self.val(&format!("add i64 {c}, 1"));
        self.emit(&format!("store i64 {c1}, ptr {cnt}"));
        self.br(&l2);
        self.start(&l2);
        let k1 = self.val(&format!("add i64 {k}, 1"));
        self.emit(&format!("store i64 {k1}, ptr {flat}"));
        self.nd_close(lp);
        Ok(out)
    }

    /// Boolean-mask and integer-array indexing (a copy).
    fn fancy_get(&mut self, b: &V, a: &ArrayTy, idx: &V) -> R<V> {
        let Ty::Array(ia) = idx.ty.clone() else {
            return ice("fancy index");
        };
        if ia.dtype == Dtype::Bool {
            self.mask_check(b, a, idx)?;
            let d = a.dtype;
            return self.select_true(
                idx,
                &ia,
                |s, total| s.alloc_array(d, &[total.to_string()]),
                |s, out, i, c, _| {
                    let q = s.nd_ptr(b, a, i);
                    let x = s.load_elem(d, &q);
                    s.flat_store(out, d, c, &x);
                    Ok(())
                },
            );
        }
        // Integer index array: selects along the first axis, so the result
        // has shape idx.shape + a.shape[1:].
        let ishape: Vec<String> = (0..ia.ndim as usize).map(|d| self.shape(idx, d)).collect();
        let rest: Vec<String> = (1..a.ndim as usize).map(|d| self.shape(b, d)).collect();
        let mut shape = ishape.clone();
        shape.extend(rest.iter().cloned());
        let out = self.alloc_array(a.dtype, &shape);
        let ca = ArrayTy::new(a.dtype, shape.len() as u8, Layout::C);
        let n = self.shape(b, 0);
        let lp = self.nd_open(&ishape);
        let p = self.nd_ptr(idx, &ia, &lp.idx);
        let iv = self.load_elem(ia.dtype, &p);
        let j = self.checked_index(iv, &n)?;
        let inner = self.nd_open(&rest);
        let mut src_idx = vec![j];
        src_idx.extend(inner.idx.iter().cloned());
        let q = self.nd_ptr(b, a, &src_idx);
        let x = self.load_elem(a.dtype, &q);
        let mut dst_idx = lp.idx.clone();
        dst_idx.extend(inner.idx.iter().cloned());
        let o = self.nd_ptr(&out, &ca, &dst_idx);
        self.store_elem(&x, &o);
        self.nd_close(inner);
        self.nd_close(lp);
        Ok(out)
    }

    /// Wrap a negative index and always check bounds (fancy indexing raises
    /// IndexError in NumPy whatever boundscheck says).
    fn checked_index(&mut self, iv: V, n: &str) -> R<String> {
        self.checked_index_axis(iv, n, 0)
    }

    fn checked_index_axis(&mut self, iv: V, n: &str, axis: usize) -> R<String> {
        let i = self.cast(iv, &Ty::I64);
        let neg = self.val(&format!("icmp slt i64 {}, 0", i.r));
        let w = self.val(&format!("add i64 {}, {n}", i.r));
        let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {}", i.r));
        let bad = self.val(&format!("icmp uge i64 {j}, {n}"));
        let p1 = self.str_const("index ");
        let p2 = self.str_const(&format!(" is out of bounds for axis {axis} with size "));
        self.raise_if(
            &bad,
            ExcKind::IndexError,
            &[p1, i.clone(), p2, V::new(n, Ty::I64)],
        );
        Ok(j)
    }

    /// `a[..., idx, ...]` with one 1-d index array among ints, slices and
    /// None: the basic view with that axis kept whole, the positions it
    /// selects (a boolean mask stands for its nonzero positions), and the
    /// view's axis they apply to.
    fn fancy_axis(&mut self, b: &V, a: &ArrayTy, index: &'p Expr) -> R<(V, ArrayTy, usize, V)> {
        let mut fancy = None;
        // The view keeps slices, None and the index array's axis; ints and
        // every non-None part consume an input axis.
        let parts = oxjit_typeck::index_kinds(index);
        let plain = |s: &Self, p: &Expr, t: fn(&Ty) -> bool| {
            t(s.inst.ty(p)) && !matches!(p.kind, ExprKind::Slice(..))
        };
        let kept = parts
            .iter()
            .filter(|p| !plain(self, p, |t| matches!(t, Ty::Scalar(d) if d.is_int())))
            .count();
        let consumed = parts
            .iter()
            .filter(|p| !plain(self, p, |t| *t == Ty::NoneType))
            .count();
        let nd = kept + a.ndim as usize - consumed;
        let wa = ArrayTy::new(a.dtype, nd as u8, Layout::A);
        let w = self.view_with(b, a, index, &wa, &mut fancy)?;
        let (ax, ie) = fancy.ok_or("fancy axis")?;
        let iv = self.expr(ie)?;
        let Ty::Array(ia) = iv.ty.clone() else {
            return ice("index array");
        };
        let n = self.shape(&w, ax);
        let pos = if ia.dtype == Dtype::Bool {
            let m = self.shape(&iv, 0);
            let bad = self.val(&format!("icmp ne i64 {n}, {m}"));
            let p1 = self.str_const(&format!(
                "boolean index did not match indexed array along axis {ax}; size of axis is "
            ));
            let p2 = self.str_const(" but size of corresponding boolean axis is ");
            self.raise_if(
                &bad,
                ExcKind::IndexError,
                &[p1, V::new(n.clone(), Ty::I64), p2, V::new(m, Ty::I64)],
            );
            self.select_true(
                &iv,
                &ia,
                |s, total| s.alloc_array(Dtype::I64, &[total.to_string()]),
                |s, out, i, c, _| {
                    s.flat_store(out, Dtype::I64, c, &V::new(i[0].clone(), Ty::I64));
                    Ok(())
                },
            )?
        } else {
            // Normalised and bounds-checked positions.
            let k = self.shape(&iv, 0);
            let out = self.alloc_array(Dtype::I64, std::slice::from_ref(&k));
            let lp = self.nd_open(std::slice::from_ref(&k));
            let p = self.nd_ptr(&iv, &ia, &lp.idx);
            let x = self.load_elem(ia.dtype, &p);
            let j = self.checked_index_axis(x, &n, ax)?;
            self.flat_store(&out, Dtype::I64, &lp.idx[0].clone(), &V::new(j, Ty::I64));
            self.nd_close(lp);
            out
        };
        Ok((w, wa, ax, pos))
    }

    /// Read `a[..., idx, ...]` (see `fancy_axis`) into a new C array.
    fn fancy_axis_get(&mut self, b: &V, a: &ArrayTy, index: &'p Expr) -> R<V> {
        let (w, wa, ax, pos) = self.fancy_axis(b, a, index)?;
        let nd = wa.ndim as usize;
        let mut shape: Vec<String> = (0..nd).map(|d| self.shape(&w, d)).collect();
        shape[ax] = self.shape(&pos, 0);
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, wa.ndim, Layout::C);
        let lp = self.nd_open(&shape);
        let j = self.flat_elem(&pos, Dtype::I64, &lp.idx[ax].clone());
        let mut src = lp.idx.clone();
        src[ax] = j.r;
        let p = self.nd_ptr(&w, &wa, &src);
        let x = self.load_elem(a.dtype, &p);
        let q = self.nd_ptr(&out, &oa, &lp.idx);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok(out)
    }

    /// `a[..., idx, ...] = v`: `v` broadcast to the selection's shape,
    /// written position by position (later duplicates win, as in NumPy).
    fn fancy_axis_set(&mut self, b: &V, a: &ArrayTy, index: &'p Expr, v: V) -> R<()> {
        let (w, wa, ax, pos) = self.fancy_axis(b, a, index)?;
        let nd = wa.ndim as usize;
        let mut shape: Vec<String> = (0..nd).map(|d| self.shape(&w, d)).collect();
        shape[ax] = self.shape(&pos, 0);
        // The value broadcast to the selection, buffered when it may share
        // memory with the target.
        let vals = match v.ty.clone() {
            Ty::Array(va) => {
                let src = self.copy_if_shared(&v, &va, b)?;
                let sel = self.alloc_array(a.dtype, &shape);
                let sa = ArrayTy::new(a.dtype, wa.ndim, Layout::C);
                let leaves = vec![src];
                self.fused_into(&sel, &sa, &Node::Leaf(0), &leaves)?;
                Some((sel, sa))
            }
            _ => None,
        };
        let et = Ty::Scalar(a.dtype);
        let scalar = match &vals {
            None => Some(self.cast(v, &et)),
            Some(_) => None,
        };
        let lp = self.nd_open(&shape);
        let x = match (&vals, &scalar) {
            (Some((sel, sa)), _) => {
                let p = self.nd_ptr(sel, sa, &lp.idx);
                self.load_elem(a.dtype, &p)
            }
            (None, Some(s)) => s.clone(),
            _ => return ice("fancy value"),
        };
        let j = self.flat_elem(&pos, Dtype::I64, &lp.idx[ax].clone());
        let mut dst = lp.idx.clone();
        dst[ax] = j.r;
        let q = self.nd_ptr(&w, &wa, &dst);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok(())
    }

    fn mask_check(&mut self, b: &V, a: &ArrayTy, idx: &V) -> R<()> {
        for d in 0..a.ndim as usize {
            let s1 = self.shape(b, d);
            let s2 = self.shape(idx, d);
            let bad = self.val(&format!("icmp ne i64 {s1}, {s2}"));
            let p1 = self.str_const(&format!(
                "boolean index did not match indexed array along axis {d}; size of axis is "
            ));
            let p2 = self.str_const(" but size of corresponding boolean axis is ");
            self.raise_if(
                &bad,
                ExcKind::IndexError,
                &[p1, V::new(s1, Ty::I64), p2, V::new(s2, Ty::I64)],
            );
        }
        Ok(())
    }

    fn fancy_set(&mut self, b: &V, a: &ArrayTy, idx: &V, v: V) -> R<()> {
        let Ty::Array(ia) = idx.ty.clone() else {
            return ice("fancy index");
        };
        let et = Ty::Scalar(a.dtype);
        let src = match v.ty.clone() {
            Ty::Array(va) => Some((self.as_c(&v, &va)?.0, va)),
            _ => None,
        };
        let scalar = if src.is_none() {
            Some(self.cast(v, &et))
        } else {
            None
        };
        if let Some((sv, _)) = &src {
            // The number of targets must match the values (or one value):
            // count them first so nothing reads past the values array.
            let targets = if ia.dtype == Dtype::Bool {
                self.mask_check(b, a, idx)?;
                let shape: Vec<String> = (0..a.ndim as usize).map(|d| self.shape(b, d)).collect();
                let c = self.alloca("i64");
                self.emit(&format!("store i64 0, ptr {c}"));
                let lp = self.nd_open(&shape);
                let p = self.nd_ptr(idx, &ia, &lp.idx);
                let m = self.load_elem(Dtype::Bool, &p);
                let z = self.val(&format!("zext i1 {} to i64", m.r));
                let c0 = self.val(&format!("load i64, ptr {c}"));
                let c1 = self.val(&format!("add i64 {c0}, {z}"));
                self.emit(&format!("store i64 {c1}, ptr {c}"));
                self.nd_close(lp);
                self.val(&format!("load i64, ptr {c}"))
            } else {
                self.nitems(idx)
            };
            let n = self.nitems(sv);
            let ne = self.val(&format!("icmp ne i64 {n}, {targets}"));
            let not1 = self.val(&format!("icmp ne i64 {n}, 1"));
            let bad = self.val(&format!("and i1 {ne}, {not1}"));
            let p1 = self.str_const("NumPy boolean array indexing assignment cannot assign ");
            let p2 = self.str_const(" input values to the ");
            let p3 = self.str_const(" output values where the mask is true");
            let (p1, p3) = if ia.dtype == Dtype::Bool {
                (p1, p3)
            } else {
                (
                    self.str_const("shape mismatch: cannot assign "),
                    self.str_const(" indexed positions"),
                )
            };
            self.raise_if(
                &bad,
                ExcKind::ValueError,
                &[p1, V::new(n, Ty::I64), p2, V::new(targets, Ty::I64), p3],
            );
        }
        let cnt = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {cnt}"));
        let next = |s: &mut Self| -> R<V> {
            if let Some(x) = &scalar {
                return Ok(x.clone());
            }
            let (sv, sa) = src.clone().ok_or("assignment source")?;
            let c = s.val(&format!("load i64, ptr {cnt}"));
            let n = s.nitems(&sv);
            // NumPy cycles a shorter value array; we require the exact count
            // or a single element.
            let one = s.val(&format!("icmp eq i64 {n}, 1"));
            let k = s.val(&format!("select i1 {one}, i64 0, i64 {c}"));
            let x = s.flat_elem(&sv, sa.dtype, &k);
            let c1 = s.val(&format!("add i64 {c}, 1"));
            s.emit(&format!("store i64 {c1}, ptr {cnt}"));
            Ok(s.cast(x, &et))
        };
        if ia.dtype == Dtype::Bool {
            self.mask_check(b, a, idx)?;
            let shape: Vec<String> = (0..a.ndim as usize).map(|d| self.shape(b, d)).collect();
            let lp = self.nd_open(&shape);
            let p = self.nd_ptr(idx, &ia, &lp.idx);
            let m = self.load_elem(Dtype::Bool, &p);
            let (l1, l2) = (self.label("mset"), self.label("mskip"));
            self.cbr(&m.r, &l1, &l2);
            self.start(&l1);
            let x = next(self)?;
            let q = self.nd_ptr(b, a, &lp.idx);
            self.store_elem(&x, &q);
            self.start(&l2);
            self.nd_close(lp);
            return Ok(());
        }
        let shape: Vec<String> = (0..ia.ndim as usize).map(|d| self.shape(idx, d)).collect();
        let n = self.shape(b, 0);
        let lp = self.nd_open(&shape);
        let p = self.nd_ptr(idx, &ia, &lp.idx);
        let iv = self.load_elem(ia.dtype, &p);
        let j = self.checked_index(iv, &n)?;
        let x = next(self)?;
        let q = self.nd_ptr(b, a, &[j]);
        self.store_elem(&x, &q);
        self.nd_close(lp);
        Ok(())
    }

    fn getitem(&mut self, b: V, index: &'p Expr, ty: Ty) -> R<V> {
        if let Ty::Array(a) = b.ty.clone() {
            if self.per_axis_fancy(&a, index, false) {
                return self.fancy_axis_get(&b, &a, index);
            }
        }
        if let (Ty::Array(a), ExprKind::Tuple(parts)) = (b.ty.clone(), &index.kind) {
            // `a[idx, :, ...]` is `a[idx]`.
            let full = |p: &Expr| matches!(&p.kind, ExprKind::Slice(None, None, None));
            if let Some(first) = parts.first() {
                if matches!(self.inst.ty(first), Ty::Array(_)) && parts[1..].iter().all(full) {
                    let iv = self.expr(first)?;
                    return self.fancy_get(&b, &a, &iv);
                }
            }
        }
        if let Ty::Array(a) = b.ty.clone() {
            if let Ty::Array(_) = self.inst.ty(index) {
                let iv = self.expr(index)?;
                return self.fancy_get(&b, &a, &iv);
            }
            if let Some(vals) = self.tuple_index(index)? {
                return Ok(match self.index_by_values(&b, &a, &vals)? {
                    Ok(ptr) => self.load_elem(a.dtype, &ptr),
                    Err(view) => view,
                });
            }
        }
        match b.ty.clone() {
            Ty::Array(a) => {
                if self.index_is_scalar(&a, index) {
                    let ptr = self.element_ptr(&b, &a, index)?;
                    return Ok(self.load_elem(a.dtype, &ptr));
                }
                let Ty::Array(out) = ty else {
                    return ice("array index result");
                };
                self.view(&b, &a, index, &out)
            }
            Ty::Tuple(items) => {
                if let ExprKind::Slice(lo, hi, st) = &index.kind {
                    let sel = oxjit_typeck::tuple_slice(
                        items.len(),
                        [lo, hi, st].map(|b| b.as_deref().map(|x| self.res(x))),
                    )
                    .ok_or("tuple slice bounds")?;
                    let vals: Vec<V> = sel
                        .iter()
                        .map(|&i| self.extract(&b, i, items[i].clone()))
                        .collect();
                    return Ok(self.build_tuple(vals));
                }
                if let Some(Res::Const(Const::Int(i))) = self.res(index) {
                    let n = items.len() as i64;
                    let j = if *i < 0 { i + n } else { *i } as usize;
                    return Ok(self.extract(&b, j, items[j].clone()));
                }
                // Dynamic index into a homogeneous tuple: spill to memory.
                let iv = self.expr(index)?;
                let elem = items.first().cloned().unwrap_or(Ty::Unknown);
                let n = items.len();
                let arr = self.alloca(&format!("[{n} x {}]", llty(&elem)));
                self.store(&b, &arr);
                let iv = self.cast(iv, &Ty::I64);
                let neg = self.val(&format!("icmp slt i64 {}, 0", iv.r));
                let w = self.val(&format!("add i64 {}, {n}", iv.r));
                let j = self.val(&format!("select i1 {neg}, i64 {w}, i64 {}", iv.r));
                let bad = self.val(&format!("icmp uge i64 {j}, {n}"));
                let m = self.str_const("tuple index out of range");
                self.raise_if(&bad, ExcKind::IndexError, &[m]);
                let p = self.val(&format!(
                    "getelementptr [{n} x {}], ptr {arr}, i64 0, i64 {j}",
                    llty(&elem)
                ));
                Ok(self.load(&elem, &p))
            }
            other => ice(format!("cannot index {other}")),
        }
    }

    /// Whether `a[index]` is served per axis (see `oxjit_typeck::Fancy`):
    /// one index array among other indices, or integer rows of an N-d array.
    fn per_axis_fancy(&self, a: &ArrayTy, index: &'p Expr, write: bool) -> bool {
        use oxjit_typeck::Fancy;
        match oxjit_typeck::fancy_kind(a, index, |p| Some(self.inst.ty(p).clone())) {
            Some(Fancy::Axis) => true,
            Some(Fancy::Rows) => write && a.ndim > 1,
            _ => false,
        }
    }

    fn setitem(&mut self, b: &V, index: &'p Expr, v: V) -> R<()> {
        let Ty::Array(a) = b.ty.clone() else {
            return ice("item assignment into a non-array");
        };
        if self.per_axis_fancy(&a, index, true) {
            return self.fancy_axis_set(b, &a, index, v);
        }
        if let Ty::Array(_) = self.inst.ty(index) {
            let iv = self.expr(index)?;
            return self.fancy_set(b, &a, &iv, v);
        }
        if let Some(vals) = self.tuple_index(index)? {
            return match self.index_by_values(b, &a, &vals)? {
                Ok(ptr) => {
                    let v = self.cast(v, &Ty::Scalar(a.dtype));
                    self.store_elem(&v, &ptr);
                    Ok(())
                }
                Err(view) => {
                    let Ty::Array(va) = view.ty.clone() else {
                        return ice("view");
                    };
                    self.assign_into(&view, &va, v)
                }
            };
        }
        if self.index_is_scalar(&a, index) {
            let ptr = self.element_ptr(b, &a, index)?;
            let v = self.cast(v, &Ty::Scalar(a.dtype));
            self.store_elem(&v, &ptr);
            return Ok(());
        }
        let Ty::Array(out) = self
            .inst
            .ty(index)
            .clone()
            .array()
            .map(|_| Ty::Unknown)
            .unwrap_or_else(|| {
                // The view's type: recompute from the index (same rule as getitem).
                let parts = oxjit_typeck::index_kinds(index);
                let ints = parts
                    .iter()
                    .filter(|p| !matches!(p.kind, ExprKind::Slice(..)))
                    .count();
                Ty::Array(ArrayTy {
                    ndim: a.ndim - ints as u8,
                    layout: Layout::A,
                    ..a
                })
            })
        else {
            return ice("slice assignment type");
        };
        let target = self.view(b, &a, index, &out)?;
        self.assign_into(&target, &out, v)
    }

    /// Copy a scalar or an array (broadcast along leading axes) into a view.
    fn assign_into(&mut self, target: &V, t: &ArrayTy, v: V) -> R<()> {
        match v.ty.clone() {
            Ty::Scalar(_) => {
                let v = self.cast(v, &Ty::Scalar(t.dtype));
                let shape: Vec<String> = (0..t.ndim as usize)
                    .map(|d| self.shape(target, d))
                    .collect();
                let lp = self.nd_open(&shape);
                let ptr = self.nd_ptr(target, t, &lp.idx);
                self.store_elem(&v, &ptr);
                self.nd_close(lp);
                Ok(())
            }
            Ty::Array(s) => {
                let nt = t.ndim as usize;
                let ns = s.ndim as usize;
                // Shapes must match on the trailing axes (size-1 source axes broadcast).
                for k in 0..ns {
                    let dt = nt - ns + k;
                    let a = self.shape(target, dt);
                    let b = self.shape(&v, k);
                    let ne = self.val(&format!("icmp ne i64 {a}, {b}"));
                    let one = self.val(&format!("icmp ne i64 {b}, 1"));
                    let bad = self.val(&format!("and i1 {ne}, {one}"));
                    let m1 = self.str_const("could not broadcast input array from shape (");
                    let m2 = self.str_const(&format!(",) into axis {dt} of size "));
                    self.raise_if(
                        &bad,
                        ExcKind::ValueError,
                        &[m1, V::new(b, Ty::I64), m2, V::new(a, Ty::I64)],
                    );
                }
                // Source and target may overlap (a[1:] = a[:-1]) only when they
                // share an owner: copy first in that case.
                let src = self.copy_if_shared(&v, &s, target)?;
                let shape: Vec<String> = (0..nt).map(|d| self.shape(target, d)).collect();
                let lp = self.nd_open(&shape);
                let sidx: Vec<String> = (0..ns)
                    .map(|k| {
                        let b = self.shape(&src, k);
                        let one = self.val(&format!("icmp eq i64 {b}, 1"));
                        let i = lp.idx[nt - ns + k].clone();
                        self.val(&format!("select i1 {one}, i64 0, i64 {i}"))
                    })
                    .collect();
                let sa = ArrayTy {
                    layout: Layout::A,
                    ..s
                };
                let sp = self.nd_ptr(&src, &sa, &sidx);
                let x = self.load_elem(s.dtype, &sp);
                let x = self.cast(x, &Ty::Scalar(t.dtype));
                let tp = self.nd_ptr(target, t, &lp.idx);
                self.store_elem(&x, &tp);
                self.nd_close(lp);
                Ok(())
            }
            other => ice(format!("cannot assign {other} into an array")),
        }
    }

    /// `v` itself, or a C copy when it may alias `target` (same MemInfo and
    /// same Python parent). The returned type is A-layout either way.
    fn copy_if_shared(&mut self, v: &V, a: &ArrayTy, target: &V) -> R<V> {
        let lv = llty(&v.ty);
        let lt = llty(&target.ty);
        let m1 = self.val(&format!("extractvalue {lv} {}, 0", v.r));
        let m2 = self.val(&format!("extractvalue {lt} {}, 0", target.r));
        let p1 = self.val(&format!("extractvalue {lv} {}, 1", v.r));
        let p2 = self.val(&format!("extractvalue {lt} {}, 1", target.r));
        let e1 = self.val(&format!("icmp eq ptr {m1}, {m2}"));
        let e2 = self.val(&format!("icmp eq ptr {p1}, {p2}"));
        let shared = self.val(&format!("and i1 {e1}, {e2}"));
        let at = Ty::Array(ArrayTy {
            layout: Layout::A,
            ..*a
        });
        let slot = self.alloca(&llty(&at));
        self.store(&V::new(v.r.clone(), at.clone()), &slot);
        let (l1, l2) = (self.label("ovl"), self.label("noovl"));
        self.cbr(&shared, &l1, &l2);
        self.start(&l1);
        let c = self.copy_array(v, a)?;
        self.store(&V::new(c.r, at.clone()), &slot);
        self.start(&l2);
        Ok(self.load(&at, &slot))
    }

    fn nd_ptr(&mut self, v: &V, a: &ArrayTy, idx: &[String]) -> String {
        let mut off = "0".to_string();
        for (d, i) in idx.iter().enumerate() {
            let s = self.stride(v, a, d);
            let t = self.val(&format!("mul nsw i64 {i}, {s}"));
            off = self.val(&format!("add nsw i64 {off}, {t}"));
        }
        let data = self.data(v);
        self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"))
    }

    /// Open nested counted loops over `shape` (outermost first).
    fn nd_open(&mut self, shape: &[String]) -> NdLoop {
        let mut lp = NdLoop {
            idx: Vec::new(),
            levels: Vec::new(),
        };
        for n in shape {
            let ctr = self.alloca("i64");
            self.emit(&format!("store i64 0, ptr {ctr}"));
            let (head, body, exit) = (self.label("nd"), self.label("ndb"), self.label("nde"));
            self.start(&head);
            let i = self.val(&format!("load i64, ptr {ctr}"));
            let c = self.val(&format!("icmp slt i64 {i}, {n}"));
            self.cbr(&c, &body, &exit);
            self.start(&body);
            lp.idx.push(i.clone());
            lp.levels.push((ctr, head, exit, i));
        }
        lp
    }

    /// Close a one-level loop whose back edge carries `!llvm.loop !10`.
    fn nd_close_forced(&mut self, lp: NdLoop) {
        for (ctr, head, exit, i) in lp.levels.into_iter().rev() {
            let nx = self.val(&format!("add nsw i64 {i}, 1"));
            self.emit(&format!("store i64 {nx}, ptr {ctr}"));
            self.emit(&format!("br label %{head}, !llvm.loop !10"));
            self.terminated = true;
            self.start(&exit);
        }
    }

    fn nd_close(&mut self, lp: NdLoop) {
        for (ctr, head, exit, i) in lp.levels.into_iter().rev() {
            let nx = self.val(&format!("add nsw i64 {i}, 1"));
            self.emit(&format!("store i64 {nx}, ptr {ctr}"));
            self.br(&head);
            self.start(&exit);
        }
    }

    /// A C-contiguous copy of an array (a temporary).
    fn copy_array(&mut self, v: &V, a: &ArrayTy) -> R<V> {
        let nd = a.ndim as usize;
        let shape: Vec<String> = (0..nd).map(|d| self.shape(v, d)).collect();
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        let lp = self.nd_open(&shape);
        let sp = self.nd_ptr(v, a, &lp.idx);
        let x = self.load_elem(a.dtype, &sp);
        let dp = self.nd_ptr(&out, &oa, &lp.idx);
        self.store_elem(&x, &dp);
        self.nd_close(lp);
        Ok(out)
    }

    // ----- for loops ----------------------------------------------------------------------

    fn src_of(&mut self, e: &'p Expr) -> R<(Src, String)> {
        let v = self.expr(e)?;
        self.src_of_value(v)
    }

    fn src_of_value(&mut self, v: V) -> R<(Src, String)> {
        match v.ty.clone() {
            Ty::Range => {
                let start = self.extract(&v, 0, Ty::I64).r;
                let step = self.extract(&v, 2, Ty::I64).r;
                let n = self.range_len(&v);
                Ok((Src::Range { start, step }, n))
            }
            Ty::Array(_) => {
                // Keep the iterable alive for the whole loop.
                let (held, a) = self.hold_array(v)?;
                let n = self.shape(&held, 0);
                Ok((Src::Array { v: held, a }, n))
            }
            Ty::Tuple(items) => {
                let elem = items
                    .iter()
                    .fold(Ty::Unknown, |u, t| oxjit_types::unify(&u, t).unwrap_or(u));
                let elem = if items.is_empty() { Ty::I64 } else { elem };
                let n = items.len();
                let arr = self.alloca(&format!("[{n} x {}]", llty(&elem)));
                for (i, it) in items.iter().enumerate() {
                    let x = self.extract(&v, i, it.clone());
                    let x = self.cast(x, &elem);
                    let p = self.val(&format!(
                        "getelementptr [{n} x {}], ptr {arr}, i64 0, i64 {i}",
                        llty(&elem)
                    ));
                    self.store(&x, &p);
                }
                Ok((Src::Tuple { ptr: arr, elem }, n.to_string()))
            }
            other => ice(format!("cannot iterate over {other}")),
        }
    }

    /// Keep an array alive for the whole loop (a reference in an owned slot).
    fn hold_array(&mut self, v: V) -> R<(V, ArrayTy)> {
        let Ty::Array(a) = v.ty.clone() else {
            return ice("expected an array");
        };
        let slot = self.alloca(&llty(&v.ty));
        self.incref(&v);
        self.store(&v, &slot);
        self.owned.push((slot.clone(), v.ty.clone()));
        Ok((self.load(&v.ty, &slot), a))
    }

    fn nd_src(
        &mut self,
        shape: Vec<String>,
        arr: Option<(V, ArrayTy)>,
        kind: NdKind,
    ) -> (Src, String) {
        let mut n = "1".to_string();
        for s in &shape {
            n = self.val(&format!("mul i64 {n}, {s}"));
        }
        for s in &shape {
            let neg = self.val(&format!("icmp slt i64 {s}, 0"));
            let m = self.str_const("negative dimensions are not allowed");
            self.raise_if(&neg, ExcKind::ValueError, &[m]);
        }
        (Src::Nd { shape, arr, kind }, n)
    }

    fn src_item(&mut self, s: &Src, i: &str) -> R<V> {
        match s {
            Src::Nd { shape, arr, kind } => {
                // Unravel the flat C-order position into an index tuple.
                let mut idx = vec![String::new(); shape.len()];
                let mut rem = i.to_string();
                for d in (0..shape.len()).rev() {
                    if d == 0 {
                        idx[d] = rem.clone();
                    } else {
                        idx[d] = self.val(&format!("urem i64 {rem}, {}", shape[d]));
                        rem = self.val(&format!("udiv i64 {rem}, {}", shape[d]));
                    }
                }
                let elem = match arr {
                    Some((v, a)) => {
                        let p = self.nd_ptr(v, a, &idx);
                        Some(self.load_elem(a.dtype, &p))
                    }
                    None => None,
                };
                let tup = |s: &mut Self| {
                    let items = idx.iter().map(|x| V::new(x.clone(), Ty::I64)).collect();
                    s.build_tuple(items)
                };
                match (kind, elem) {
                    (NdKind::Index, _) => Ok(tup(self)),
                    (NdKind::Enumerate, Some(x)) => {
                        let t = tup(self);
                        Ok(self.build_tuple(vec![t, x]))
                    }
                    (NdKind::Flat, Some(x)) => Ok(x),
                    _ => ice("nd loop source"),
                }
            }
            Src::Range { start, step } => {
                let m = self.val(&format!("mul nsw i64 {i}, {step}"));
                Ok(V::new(
                    self.val(&format!("add nsw i64 {start}, {m}")),
                    Ty::I64,
                ))
            }
            Src::Array { v, a } => self.array_item(v, a, i),
            Src::Tuple { ptr, elem } => {
                let p = self.val(&format!("getelementptr {}, ptr {ptr}, i64 {i}", llty(elem)));
                Ok(self.load(elem, &p))
            }
        }
    }

    fn range_len(&mut self, v: &V) -> String {
        let start = self.extract(v, 0, Ty::I64).r;
        let stop = self.extract(v, 1, Ty::I64).r;
        let step = self.extract(v, 2, Ty::I64).r;
        if step == "1" {
            let d = self.val(&format!("sub nsw i64 {stop}, {start}"));
            let pos = self.val(&format!("icmp sgt i64 {d}, 0"));
            return self.val(&format!("select i1 {pos}, i64 {d}, i64 0"));
        }
        let spos = self.val(&format!("icmp sgt i64 {step}, 0"));
        // positive step: (stop - start + step - 1) / step if stop > start
        let d = self.val(&format!("sub i64 {stop}, {start}"));
        let d2 = self.val(&format!("sub i64 {start}, {stop}"));
        let num = self.val(&format!("select i1 {spos}, i64 {d}, i64 {d2}"));
        let ast = self.val(&format!("sub i64 0, {step}"));
        let den = self.val(&format!("select i1 {spos}, i64 {step}, i64 {ast}"));
        let safe = self.val(&format!("icmp eq i64 {den}, 0"));
        let den = self.val(&format!("select i1 {safe}, i64 1, i64 {den}"));
        let nm1 = self.val(&format!("sub i64 {num}, 1"));
        let q = self.val(&format!("sdiv i64 {nm1}, {den}"));
        let q = self.val(&format!("add i64 {q}, 1"));
        let pos = self.val(&format!("icmp sgt i64 {num}, 0"));
        self.val(&format!("select i1 {pos}, i64 {q}, i64 0"))
    }

    fn make_range(&mut self, args: &[V]) -> R<V> {
        let ints: Vec<String> = args
            .iter()
            .map(|a| self.cast(a.clone(), &Ty::I64).r)
            .collect();
        let (start, stop, step) = match ints.len() {
            1 => ("0".to_string(), ints[0].clone(), "1".to_string()),
            2 => (ints[0].clone(), ints[1].clone(), "1".to_string()),
            _ => (ints[0].clone(), ints[1].clone(), ints[2].clone()),
        };
        if step != "1" && step.parse::<i64>().map(|s| s == 0).unwrap_or(true) {
            let z = self.val(&format!("icmp eq i64 {step}, 0"));
            let m = self.str_const("range() arg 3 must not be zero");
            self.raise_if(&z, ExcKind::ValueError, &[m]);
        }
        let t = self.build_tuple(vec![
            V::new(start, Ty::I64),
            V::new(stop, Ty::I64),
            V::new(step, Ty::I64),
        ]);
        Ok(V::new(t.r, Ty::Range))
    }

    fn for_stmt(
        &mut self,
        target: &'p Expr,
        iter: &'p Expr,
        body: &'p [Stmt],
        orelse: &'p [Stmt],
    ) -> R<()> {
        // Sources: enumerate/zip/plain.
        let mut srcs: Vec<(Src, String)> = Vec::new();
        let mut enum_start: Option<String> = None;
        let mut zip_in_enum = false;
        match self.res(iter) {
            Some(Res::Call(Call {
                callee: Callee::Builtin(Builtin::Enumerate),
                args,
                kwargs,
            })) => {
                let Arg::Expr(x) = &args[0] else {
                    return ice("enumerate argument");
                };
                if let Some(Res::Call(Call {
                    callee: Callee::Builtin(Builtin::Zip),
                    args: zargs,
                    ..
                })) = self.res(x)
                {
                    // enumerate(zip(...)): several sources, one tuple item.
                    for a in zargs {
                        let Arg::Expr(z) = a else {
                            return ice("zip argument");
                        };
                        srcs.push(self.src_of(z)?);
                    }
                    zip_in_enum = true;
                } else {
                    srcs.push(self.src_of(x)?);
                }
                let start = match (args.get(1), kwargs.first()) {
                    (Some(Arg::Expr(s)), _) => Some(*s),
                    (None, Some((_, s))) => Some(*s),
                    _ => None,
                };
                enum_start = Some(match start {
                    Some(s) => {
                        let v = self.expr(s)?;
                        self.cast(v, &Ty::I64).r
                    }
                    None => "0".into(),
                });
            }
            Some(Res::Call(Call {
                callee: Callee::Builtin(Builtin::Zip),
                args,
                ..
            })) => {
                for a in args {
                    let Arg::Expr(x) = a else {
                        return ice("zip argument");
                    };
                    srcs.push(self.src_of(x)?);
                }
            }
            Some(Res::Call(Call {
                callee: Callee::Builtin(b @ (Builtin::NdIndex | Builtin::NdEnumerate)),
                args,
                ..
            })) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.arg(a)?);
                }
                let (shape, arr, kind) = if *b == Builtin::NdEnumerate {
                    let (v, a) = self.hold_array(vals.remove(0))?;
                    let shape = (0..a.ndim as usize).map(|d| self.shape(&v, d)).collect();
                    (shape, Some((v, a)), NdKind::Enumerate)
                } else {
                    let mut shape = Vec::new();
                    for v in vals {
                        match v.ty.clone() {
                            Ty::Tuple(items) => {
                                for (k, it) in items.iter().enumerate() {
                                    let x = self.extract(&v, k, it.clone());
                                    shape.push(self.cast(x, &Ty::I64).r);
                                }
                            }
                            _ => shape.push(self.cast(v, &Ty::I64).r),
                        }
                    }
                    (shape, None, NdKind::Index)
                };
                srcs.push(self.nd_src(shape, arr, kind));
            }
            _ => match &iter.kind {
                ExprKind::Attr(obj, attr) if attr == "flat" => {
                    let v = self.expr(obj)?;
                    let (v, a) = self.hold_array(v)?;
                    let shape = (0..a.ndim as usize).map(|d| self.shape(&v, d)).collect();
                    srcs.push(self.nd_src(shape, Some((v, a)), NdKind::Flat));
                }
                _ => srcs.push(self.src_of(iter)?),
            },
        }
        self.release_temps();
        let mut n = srcs
            .first()
            .map(|s| s.1.clone())
            .unwrap_or_else(|| "0".into());
        for (_, m) in srcs.iter().skip(1) {
            let lt = self.val(&format!("icmp slt i64 {m}, {n}"));
            n = self.val(&format!("select i1 {lt}, i64 {m}, i64 {n}"));
        }
        let ctr = self.alloca("i64");
        self.emit(&format!("store i64 0, ptr {ctr}"));
        let (head, bl, latch, els, end) = (
            self.label("for"),
            self.label("fbody"),
            self.label("fnext"),
            self.label("felse"),
            self.label("fend"),
        );
        self.start(&head);
        let i = self.val(&format!("load i64, ptr {ctr}"));
        let c = self.val(&format!("icmp slt i64 {i}, {n}"));
        self.cbr(&c, &bl, &els);
        self.start(&bl);
        let mut items = Vec::new();
        for (s, _) in &srcs {
            items.push(self.src_item(s, &i)?);
        }
        let item = match (&enum_start, srcs.len()) {
            (Some(st), _) => {
                let k = V::new(self.val(&format!("add nsw i64 {i}, {st}")), Ty::I64);
                let x = if zip_in_enum {
                    self.build_tuple(std::mem::take(&mut items))
                } else {
                    items.pop().ok_or("enumerate item")?
                };
                self.build_tuple(vec![k, x])
            }
            (None, 1)
                if !matches!(
                    self.res(iter),
                    Some(Res::Call(Call {
                        callee: Callee::Builtin(Builtin::Zip),
                        ..
                    }))
                ) =>
            {
                items.pop().ok_or("loop item")?
            }
            _ => self.build_tuple(items),
        };
        let tt = self.inst.ty(target).clone();
        let item = if tt.is_known() && !matches!(target.kind, ExprKind::Tuple(_)) {
            self.cast(item, &tt)
        } else {
            item
        };
        self.assign(target, item)?;
        self.release_temps();
        self.loops.push(LoopLabels {
            cont: latch.clone(),
            brk: end.clone(),
        });
        self.block(body)?;
        self.loops.pop();
        self.start(&latch);
        let nx = self.val(&format!("add nsw i64 {i}, 1"));
        self.emit(&format!("store i64 {nx}, ptr {ctr}"));
        self.br(&head);
        self.start(&els);
        self.block(orelse)?;
        self.start(&end);
        Ok(())
    }

    // ----- calls ----------------------------------------------------------------------------

    fn arg(&mut self, a: &'p Arg<'p>) -> R<V> {
        match a {
            Arg::Expr(e) => self.expr(e),
            Arg::Const(c) => {
                let t = c.ty();
                Ok(self.konst(c, &t))
            }
            Arg::StarItem(e, i) => {
                let v = self.expr(e)?;
                let Ty::Tuple(items) = v.ty.clone() else {
                    return ice("star argument");
                };
                Ok(self.extract(&v, *i, items[*i].clone()))
            }
            Arg::Pack(xs) => {
                let mut items = Vec::new();
                for x in xs {
                    items.push(self.arg(x)?);
                }
                Ok(self.build_tuple(items))
            }
        }
    }

    fn call_expr(&mut self, e: &'p Expr, ty: Ty) -> R<V> {
        let Some(Res::Call(call)) = self.res(e) else {
            return ice(format!("unresolved call at line {}", e.span.line));
        };
        match &call.callee {
            Callee::Instance { id, captures } => {
                let id = *id as usize;
                let callee = &self.p.instances[id];
                let mut vals = Vec::new();
                for (a, t) in call.args.iter().zip(&callee.args) {
                    let v = self.arg(a)?;
                    vals.push(self.cast(v, t));
                }
                for c in captures {
                    let (slot, vty) = self
                        .vars
                        .get(c)
                        .cloned()
                        .ok_or_else(|| format!("capture {c} not found"))?;
                    vals.push(self.load(&vty, &slot));
                }
                let rt = callee.ret.clone();
                let slot = self.alloca(&llty(&rt));
                let mut args = vec![format!("ptr {slot}")];
                for v in &vals {
                    args.push(format!("{} {}", llty(&v.ty), v.r));
                }
                if self.m.recursive.contains(&id) {
                    let sl = self.stack_limit();
                    args.push(format!("i64 {sl}"));
                }
                let f = self.m.fname(id);
                let st = self.val(&format!("call i32 {f}({})", args.join(", ")));
                let bad = self.val(&format!("icmp ne i32 {st}, 0"));
                let (eb, ok) = (self.label("callerr"), self.label("callok"));
                self.emit(&format!("br i1 {bad}, label %{eb}, label %{ok}, !prof !0"));
                self.terminated = true;
                self.start(&eb);
                self.fail();
                self.start(&ok);
                let r = self.load(&rt, &slot);
                self.own_temp(&r);
                Ok(self.cast(r, &ty))
            }
            Callee::Builtin(b) => {
                if let (Builtin::Reduce(r), [Arg::Expr(x)], true) =
                    (b, call.args.as_slice(), call.kwargs.is_empty())
                {
                    if matches!(self.inst.ty(x), Ty::Array(_))
                        && self.is_elementwise(x)
                        && !matches!(ty, Ty::Array(_))
                    {
                        return self.fused_reduce(*r, x, ty);
                    }
                }
                let mut vals = Vec::new();
                for a in &call.args {
                    vals.push(self.arg(a)?);
                }
                self.builtin(*b, vals, call, e, ty)
            }
            Callee::Method(b) => {
                let ExprKind::Call { func, .. } = &e.kind else {
                    return ice("method call shape");
                };
                let ExprKind::Attr(obj, _) = &func.kind else {
                    return ice("method receiver");
                };
                let mut vals = vec![self.expr(obj)?];
                for a in &call.args {
                    vals.push(self.arg(a)?);
                }
                self.builtin(*b, vals, call, e, ty)
            }
            Callee::Exception(_) => ice("exception object outside raise"),
            Callee::AxisError { axis, ndim, prefix } => {
                self.raise_axis_error(*axis, *ndim, prefix.as_deref());
                Ok(V::new("zeroinitializer", ty))
            }
            Callee::UfuncOut { b, dtype } => {
                // Inputs are the leaves of one element-wise node written into
                // `out` (inputs overlapping it are buffered first, as NumPy).
                let n = call.args.len() - 1;
                let out = self.arg(&call.args[n])?;
                let Ty::Array(oa) = out.ty.clone() else {
                    return ice("ufunc out");
                };
                let mut leaves = Vec::new();
                for a in &call.args[..n] {
                    let v = self.arg(a)?;
                    let v = match v.ty.clone() {
                        Ty::Array(la) => self.copy_if_shared(&v, &la, &out)?,
                        _ => v,
                    };
                    leaves.push(v);
                }
                let ins: Vec<Node<'p>> = (0..n).map(Node::Leaf).collect();
                let mut ins = ins.into_iter();
                let node = match (b, n) {
                    (Builtin::Ufunc2(op), 2) => Node::Bin(
                        *op,
                        Box::new(ins.next().ok_or("operand")?),
                        Box::new(ins.next().ok_or("operand")?),
                        *dtype,
                    ),
                    (Builtin::UfuncCmp(op), 2) => Node::Cmp(
                        *op,
                        Box::new(ins.next().ok_or("operand")?),
                        Box::new(ins.next().ok_or("operand")?),
                    ),
                    _ => Node::Call(*b, ins.collect(), *dtype, e),
                };
                self.fused_into(&out, &oa, &node, &leaves)?;
                Ok(out)
            }
        }
    }

    fn kwarg(&mut self, call: &'p Call<'p>, name: &str) -> R<Option<V>> {
        match call.kwargs.iter().find(|(k, _)| k == name) {
            Some((_, e)) => Ok(Some(self.expr(e)?)),
            None => Ok(None),
        }
    }

    fn const_kw(&self, call: &Call<'p>, name: &str) -> Option<&'p Const> {
        call.kwargs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, e)| match self.res(e) {
                Some(Res::Const(c)) => Some(c),
                _ => None,
            })
    }

    fn builtin(
        &mut self,
        b: Builtin,
        args: Vec<V>,
        call: &'p Call<'p>,
        e: &'p Expr,
        ty: Ty,
    ) -> R<V> {
        let rd = ty.scalar();
        match b {
            Builtin::Range => self.make_range(&args),
            Builtin::Len => match &args[0].ty {
                Ty::Array(_) => Ok(V::new(self.shape(&args[0], 0), Ty::I64)),
                Ty::Tuple(items) => Ok(Self::i64c(items.len() as i64)),
                Ty::Range => Ok(V::new(self.range_len(&args[0]), Ty::I64)),
                other => ice(format!("len of {other}")),
            },
            Builtin::Abs => {
                let x = args[0].clone();
                let d = rd.ok_or("abs type")?;
                match x.ty.scalar() {
                    Some(c) if c.is_complex() => {
                        let (re, im) = self.complex_parts(&x);
                        let h = self.libm("hypot", c.real_part(), 2);
                        let t = scalar_ty(c.real_part());
                        Ok(V::new(
                            self.val(&format!("call {t} {h}({t} {re}, {t} {im})")),
                            ty,
                        ))
                    }
                    _ if d.is_float() => {
                        let x = self.cast(x, &ty);
                        let f = self.intrinsic("fabs", d, 1);
                        let t = scalar_ty(d);
                        Ok(V::new(self.val(&format!("call {t} {f}({t} {})", x.r)), ty))
                    }
                    _ => {
                        let x = self.cast(x, &ty);
                        let t = scalar_ty(d);
                        if !d.is_signed() {
                            return Ok(x);
                        }
                        let neg = self.val(&format!("icmp slt {t} {}, 0", x.r));
                        let n = self.val(&format!("sub {t} 0, {}", x.r));
                        Ok(V::new(
                            self.val(&format!("select i1 {neg}, {t} {n}, {t} {}", x.r)),
                            ty,
                        ))
                    }
                }
            }
            Builtin::MinMax { max } => {
                let items: Vec<V> = if args.len() == 1 {
                    match args[0].ty.clone() {
                        Ty::Tuple(ts) => ts
                            .iter()
                            .enumerate()
                            .map(|(i, t)| self.extract(&args[0], i, t.clone()))
                            .collect(),
                        Ty::Array(a) => {
                            return self.reduce(
                                if max { Reduce::Max } else { Reduce::Min },
                                &args[0],
                                &a,
                                ty,
                            )
                        }
                        other => return ice(format!("min/max of {other}")),
                    }
                } else {
                    args
                };
                let mut acc = self.cast(items[0].clone(), &ty);
                for it in items.into_iter().skip(1) {
                    let it = self.cast(it, &ty);
                    // Python: replace only when strictly better (first wins on ties/NaN).
                    let better = self.compare(
                        if max { CmpOp::Gt } else { CmpOp::Lt },
                        it.clone(),
                        acc.clone(),
                    )?;
                    let t = llty(&ty);
                    acc = V::new(
                        self.val(&format!("select i1 {better}, {t} {}, {t} {}", it.r, acc.r)),
                        ty.clone(),
                    );
                }
                Ok(acc)
            }
            Builtin::Int => {
                let Some(x) = args.first().cloned() else {
                    return Ok(Self::i64c(0));
                };
                if let Some(d) = x.ty.scalar().filter(|d| d.is_float()) {
                    self.check_float_to_int(&x, d);
                }
                Ok(self.cast(x, &Ty::I64))
            }
            Builtin::Float => Ok(match args.first() {
                Some(x) => self.cast(x.clone(), &Ty::F64),
                None => V::new(fconst(0.0, Dtype::F64), Ty::F64),
            }),
            Builtin::Bool => Ok(match args.first() {
                Some(x) => V::new(self.truth(x)?, Ty::BOOL),
                None => V::new("false", Ty::BOOL),
            }),
            Builtin::Complex => {
                let re = match args.first() {
                    Some(x) => self.cast(x.clone(), &Ty::C128),
                    None => V::new(scalar_const(Dtype::C128, 0.0), Ty::C128),
                };
                match args.get(1) {
                    None => Ok(re),
                    Some(im)
                        if !im.ty.scalar().is_some_and(|d| d.is_complex())
                            && !args[0].ty.scalar().is_some_and(|d| d.is_complex()) =>
                    {
                        // Two reals: the parts as given (keeps the sign of -0.0).
                        let r = self.cast(args[0].clone(), &Ty::F64);
                        let i = self.cast(im.clone(), &Ty::F64);
                        Ok(self.complex(Dtype::C128, &r.r, &i.r))
                    }
                    Some(im) => {
                        let im = self.cast(im.clone(), &Ty::C128);
                        // re + im*1j
                        let (a, b) = self.complex_parts(&re);
                        let (c, d) = self.complex_parts(&im);
                        let r = self.val(&format!("fsub double {a}, {d}"));
                        let i = self.val(&format!("fadd double {b}, {c}"));
                        Ok(self.complex(Dtype::C128, &r, &i))
                    }
                }
            }
            Builtin::Cast(d) => Ok(match args.first() {
                Some(x) => self.cast(x.clone(), &Ty::Scalar(d)),
                None => V::new(scalar_const(d, 0.0), Ty::Scalar(d)),
            }),
            Builtin::Round | Builtin::NpRound => {
                let x = args[0].clone();
                let Some(d) = x.ty.scalar() else {
                    return ice("round arg");
                };
                if (d.is_int() || d == Dtype::Bool) && args.len() == 2 {
                    // Integers with negative decimals round to tens, hundreds, ...
                    // (half to even, as NumPy and Python do).
                    let n = self.cast(args[1].clone(), &Ty::I64).r;
                    let xf = self.cast(x.clone(), &Ty::F64).r;
                    let neg = self.val(&format!("icmp slt i64 {n}, 0"));
                    let mn = self.val(&format!("sub i64 0, {n}"));
                    let mnf = self.val(&format!("sitofp i64 {mn} to double"));
                    let pw = self.intrinsic("pow", Dtype::F64, 2);
                    let p = self.val(&format!("call double {pw}(double 10.0, double {mnf})"));
                    let y = self.val(&format!("fdiv double {xf}, {p}"));
                    let re = self.intrinsic("roundeven", Dtype::F64, 1);
                    let yr = self.val(&format!("call double {re}(double {y})"));
                    let r = self.val(&format!("fmul double {yr}, {p}"));
                    let r = self.val(&format!("select i1 {neg}, double {r}, double {xf}"));
                    return Ok(self.cast(V::new(r, Ty::F64), &ty));
                }
                if !d.is_float() {
                    return Ok(self.cast(x, &ty));
                }
                let t = scalar_ty(d);
                let re = self.intrinsic("roundeven", d, 1);
                let r = match args.get(1) {
                    None => self.val(&format!("call {t} {re}({t} {})", x.r)),
                    Some(nd) if b == Builtin::Round => {
                        // Python's round(x, n): correctly rounded (half to even
                        // on the exact decimal value), done by the runtime.
                        let n = self.cast(nd.clone(), &Ty::I64);
                        let xf = self.cast(x.clone(), &Ty::F64);
                        self.m
                            .declare("declare double @oxjit_rt_round_f64(double, i64)");
                        let r = self.val(&format!(
                            "call double @oxjit_rt_round_f64(double {}, i64 {})",
                            xf.r, n.r
                        ));
                        self.cast_scalar(&r, Dtype::F64, d)
                    }
                    Some(nd) => {
                        let nd = self.cast(nd.clone(), &Ty::F64);
                        let pw = self.intrinsic("pow", Dtype::F64, 2);
                        let p =
                            self.val(&format!("call double {pw}(double 10.0, double {})", nd.r));
                        let p = self.cast_scalar(&p, Dtype::F64, d);
                        let y = self.val(&format!("fmul {t} {}, {p}", x.r));
                        let yr = self.val(&format!("call {t} {re}({t} {y})"));
                        self.val(&format!("fdiv {t} {yr}, {p}"))
                    }
                };
                let rv = V::new(r, Ty::Scalar(d));
                if ty == Ty::I64 {
                    self.check_float_to_int(&rv, d);
                }
                Ok(self.cast(rv, &ty))
            }
            Builtin::Pow => {
                let v = self.binop(BinOp::Pow, args[0].clone(), args[1].clone(), e)?;
                Ok(self.cast(v, &ty))
            }
            Builtin::Divmod
                if !self.m.opts.error_model_numpy
                    && (args[0].ty.scalar().is_some_and(|d| d.is_float())
                        || args[1].ty.scalar().is_some_and(|d| d.is_float())) =>
            {
                // CPython's own message for floats.
                let b = self.cast(args[1].clone(), &Ty::F64);
                self.zero_div(&b.r, Dtype::F64, "float divmod()");
                let q = self.binop(BinOp::FloorDiv, args[0].clone(), args[1].clone(), e)?;
                let r = self.binop(BinOp::Mod, args[0].clone(), args[1].clone(), e)?;
                let t = self.build_tuple(vec![q, r]);
                Ok(self.cast(t, &ty))
            }
            Builtin::Divmod => {
                let q = self.binop(BinOp::FloorDiv, args[0].clone(), args[1].clone(), e)?;
                let r = self.binop(BinOp::Mod, args[0].clone(), args[1].clone(), e)?;
                let t = self.build_tuple(vec![q, r]);
                Ok(self.cast(t, &ty))
            }
            Builtin::Print => {
                let sep = match self.const_kw(call, "sep") {
                    Some(Const::Str(s)) => self.str_const(s),
                    _ => match self.kwarg(call, "sep")? {
                        Some(v) if v.ty == Ty::Str => v,
                        _ => self.str_const(" "),
                    },
                };
                let end = match self.const_kw(call, "end") {
                    Some(Const::Str(s)) => self.str_const(s),
                    _ => match self.kwarg(call, "end")? {
                        Some(v) if v.ty == Ty::Str => v,
                        _ => self.str_const("\n"),
                    },
                };
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        self.print_value(&sep, false)?;
                    }
                    self.print_value(a, false)?;
                }
                self.print_value(&end, false)?;
                self.emit("call void @oxjit_rt_print_flush()");
                Ok(V::unit(Ty::NoneType))
            }
            Builtin::Enumerate | Builtin::Zip | Builtin::NdIndex | Builtin::NdEnumerate => {
                ice("loop-only builtin outside a for loop")
            }
            Builtin::Math1(Math1::Log) if args.len() == 2 => {
                let x = self.cast(args[0].clone(), &Ty::F64);
                let b = self.cast(args[1].clone(), &Ty::F64);
                let lx = self.math1(Math1::Log, Dtype::F64, &x.r)?;
                let lb = self.math1(Math1::Log, Dtype::F64, &b.r)?;
                Ok(V::new(
                    self.val(&format!("fdiv double {lx}, {lb}")),
                    Ty::F64,
                ))
            }
            Builtin::Math1(f) if args[0].ty.scalar().is_some_and(|d| d.is_complex()) => {
                let cf = oxjit_typeck::registry::complex_math(f).ok_or("complex math")?;
                let v = self.cmath(cf, &args[..1])?;
                Ok(self.cast(v, &ty))
            }
            Builtin::Math1(f) => {
                let d = rd.ok_or("math type")?;
                let x = self.cast(args[0].clone(), &ty);
                self.math1(f, d, &x.r).map(|r| V::new(r, ty))
            }
            Builtin::Math2(f) => {
                let d = rd.ok_or("math type")?;
                let x = self.cast(args[0].clone(), &ty);
                let y = self.cast(args[1].clone(), &ty);
                let t = scalar_ty(d);
                let fm = self.fm();
                let r = match f {
                    Math2::Atan2 => {
                        let g = self.libm("atan2", d, 2);
                        let va = self.m.vector_variants("atan2", d, 2);
                        self.val(&format!("call {fm}{t} {g}({t} {}, {t} {}){va}", x.r, y.r))
                    }
                    Math2::Hypot => {
                        let g = self.libm("hypot", d, 2);
                        let va = self.m.vector_variants("hypot", d, 2);
                        self.val(&format!("call {fm}{t} {g}({t} {}, {t} {}){va}", x.r, y.r))
                    }
                    Math2::Copysign => {
                        let g = self.intrinsic("copysign", d, 2);
                        self.val(&format!("call {t} {g}({t} {}, {t} {})", x.r, y.r))
                    }
                    Math2::Fmod => self.val(&format!("frem {fm}{t} {}, {}", x.r, y.r)),
                    Math2::Pow => {
                        let g = self.pow_fn(d);
                        let va = self.m.vector_variants("pow", d, 2);
                        self.val(&format!("call {fm}{t} {g}({t} {}, {t} {}){va}", x.r, y.r))
                    }
                };
                Ok(V::new(r, ty))
            }
            Builtin::Rounding(r, numpy) => {
                let x = args[0].clone();
                let Some(d) = x.ty.scalar() else {
                    return ice("rounding arg");
                };
                if !d.is_float() {
                    return Ok(self.cast(x, &ty));
                }
                let name = match r {
                    Round::Floor => "floor",
                    Round::Ceil => "ceil",
                    Round::Trunc => "trunc",
                };
                let f = self.intrinsic(name, d, 1);
                let t = scalar_ty(d);
                let v = V::new(
                    self.val(&format!("call {t} {f}({t} {})", x.r)),
                    Ty::Scalar(d),
                );
                if !numpy {
                    self.check_float_to_int(&v, d);
                }
                Ok(self.cast(v, &ty))
            }
            Builtin::FloatPred(p) if args[0].ty.scalar().is_some_and(|d| d.is_complex()) => {
                let cf = match p {
                    FloatPred::IsNan => CFn::IsNan,
                    FloatPred::IsInf => CFn::IsInf,
                    FloatPred::IsFinite => CFn::IsFinite,
                };
                self.cmath(cf, &args[..1])
            }
            Builtin::FloatPred(p) => {
                let x = args[0].clone();
                let Some(d) = x.ty.scalar() else {
                    return ice("isnan arg");
                };
                if !d.is_float() {
                    return Ok(V::new(
                        if p == FloatPred::IsFinite {
                            "true"
                        } else {
                            "false"
                        },
                        Ty::BOOL,
                    ));
                }
                let t = scalar_ty(d);
                let inf = fconst(f64::INFINITY, d);
                let r = match p {
                    FloatPred::IsNan => self.val(&format!("fcmp uno {t} {}, 0.0", x.r)),
                    FloatPred::IsInf => {
                        let f = self.intrinsic("fabs", d, 1);
                        let a = self.val(&format!("call {t} {f}({t} {})", x.r));
                        self.val(&format!("fcmp oeq {t} {a}, {inf}"))
                    }
                    FloatPred::IsFinite => {
                        let f = self.intrinsic("fabs", d, 1);
                        let a = self.val(&format!("call {t} {f}({t} {})", x.r));
                        self.val(&format!("fcmp olt {t} {a}, {inf}"))
                    }
                };
                Ok(V::new(r, Ty::BOOL))
            }
            Builtin::Sign => {
                let d = rd.ok_or("sign type")?;
                let x = self.cast(args[0].clone(), &ty);
                let t = scalar_ty(d);
                let (one, mone, zero) = (
                    scalar_const(d, 1.0),
                    scalar_const(d, -1.0),
                    scalar_const(d, 0.0),
                );
                let (gt, lt) = if d.is_float() {
                    (
                        self.val(&format!("fcmp ogt {t} {}, 0.0", x.r)),
                        self.val(&format!("fcmp olt {t} {}, 0.0", x.r)),
                    )
                } else if d.is_signed() {
                    (
                        self.val(&format!("icmp sgt {t} {}, 0", x.r)),
                        self.val(&format!("icmp slt {t} {}, 0", x.r)),
                    )
                } else {
                    (
                        self.val(&format!("icmp ugt {t} {}, 0", x.r)),
                        "false".to_string(),
                    )
                };
                // NaN (neither > nor <) passes through.
                let rest = if d.is_float() { x.r.clone() } else { zero };
                let a = self.val(&format!("select i1 {lt}, {t} {mone}, {t} {rest}"));
                Ok(V::new(
                    self.val(&format!("select i1 {gt}, {t} {one}, {t} {a}")),
                    ty,
                ))
            }
            Builtin::Square => {
                let x = self.cast(args[0].clone(), &ty);
                self.binop(BinOp::Mul, x.clone(), x, e)
            }
            Builtin::Conjugate => {
                let x = args[0].clone();
                match x.ty.scalar() {
                    Some(d) if d.is_complex() => {
                        let (re, im) = self.complex_parts(&x);
                        let ni = self.val(&format!("fneg {} {im}", scalar_ty(d.real_part())));
                        Ok(self.complex(d, &re, &ni))
                    }
                    _ => Ok(x),
                }
            }
            Builtin::Alloc(kind) => {
                let Ty::Array(a) = ty else {
                    return ice("alloc type");
                };
                let shape: Vec<String> = match args[0].ty.clone() {
                    Ty::Tuple(items) => (0..items.len())
                        .map(|i| {
                            let x = self.extract(&args[0], i, items[i].clone());
                            self.cast(x, &Ty::I64).r
                        })
                        .collect(),
                    _ => vec![self.cast(args[0].clone(), &Ty::I64).r],
                };
                // order='F': a C array of the reversed shape, seen transposed.
                let fortran = a.layout == Layout::F;
                let ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
                let alloc_shape: Vec<String> = if fortran {
                    shape.iter().rev().cloned().collect()
                } else {
                    shape
                };
                let v = self.alloc_array(a.dtype, &alloc_shape);
                let fill = match kind {
                    Alloc::Full => Some(args[1].clone()),
                    Alloc::Ones => Some(V::new(scalar_const(a.dtype, 1.0), Ty::Scalar(a.dtype))),
                    _ => None,
                };
                self.init_array(&v, &ca, kind, fill)?;
                if fortran {
                    return self.transpose(&v, &ca, Ty::Array(a));
                }
                Ok(v)
            }
            Builtin::AllocLike(kind) => {
                let Ty::Array(a) = ty else {
                    return ice("alloc type");
                };
                let src = args[0].clone();
                let Ty::Array(sa) = src.ty else {
                    return ice("alloc_like source");
                };
                let shape: Vec<String> =
                    (0..sa.ndim as usize).map(|d| self.shape(&src, d)).collect();
                let v = self.alloc_array(a.dtype, &shape);
                let fill = match kind {
                    Alloc::Full => Some(args[1].clone()),
                    Alloc::Ones => Some(V::new(scalar_const(a.dtype, 1.0), Ty::Scalar(a.dtype))),
                    _ => None,
                };
                self.init_array(&v, &a, kind, fill)?;
                Ok(v)
            }
            Builtin::Arange => self.arange(&args, ty),
            Builtin::Linspace => {
                let start = self.cast(args[0].clone(), &Ty::F64).r;
                let stop = self.cast(args[1].clone(), &Ty::F64).r;
                let num = match (args.get(2), self.kwarg(call, "num")?) {
                    (Some(n), _) => self.cast(n.clone(), &Ty::I64).r,
                    (None, Some(n)) => self.cast(n, &Ty::I64).r,
                    _ => "50".into(),
                };
                let endpoint = !matches!(
                    self.const_kw(call, "endpoint"),
                    Some(Const::Bool(false)) | Some(Const::Int(0))
                );
                let neg = self.val(&format!("icmp slt i64 {num}, 0"));
                let m1 = self.str_const("Number of samples, ");
                let m2 = self.str_const(", must be non-negative.");
                self.raise_if(
                    &neg,
                    ExcKind::ValueError,
                    &[m1, V::new(num.clone(), Ty::I64), m2],
                );
                let v = self.alloc_array(Dtype::F64, std::slice::from_ref(&num));
                let div = if endpoint {
                    self.val(&format!("sub i64 {num}, 1"))
                } else {
                    num.clone()
                };
                // One sample: just `start` (no 0/0 step).
                let z = self.val(&format!("icmp slt i64 {div}, 1"));
                let div = self.val(&format!("select i1 {z}, i64 1, i64 {div}"));
                let divf = self.val(&format!("sitofp i64 {div} to double"));
                let delta = self.val(&format!("fsub double {stop}, {start}"));
                let step = self.val(&format!("fdiv double {delta}, {divf}"));
                let a = ArrayTy::new(Dtype::F64, 1, Layout::C);
                let lp = self.nd_open(std::slice::from_ref(&num));
                let i = lp.idx[0].clone();
                let fi = self.val(&format!("sitofp i64 {i} to double"));
                let x = self.val(&format!("fmul double {fi}, {step}"));
                let x = self.val(&format!("fadd double {x}, {start}"));
                let p = self.nd_ptr(&v, &a, &lp.idx);
                self.emit(&format!("store double {x}, ptr {p}"));
                self.nd_close(lp);
                if endpoint {
                    // The last sample is exactly `stop`.
                    let big = self.val(&format!("icmp sgt i64 {num}, 1"));
                    let (l1, l2) = (self.label("lsend"), self.label("lsdone"));
                    self.cbr(&big, &l1, &l2);
                    self.start(&l1);
                    let last = self.val(&format!("sub i64 {num}, 1"));
                    let p = self.nd_ptr(&v, &a, &[last]);
                    self.emit(&format!("store double {stop}, ptr {p}"));
                    self.start(&l2);
                }
                Ok(v)
            }
            Builtin::Reduce(r) => self.reduce_call(r, &args, call, ty),
            Builtin::Arr(f) => self.arr_fn(f, args, call, ty),
            Builtin::LinAlg(f) => self.linalg(f, args, call, ty),
            Builtin::Manip(f) => self.manip(f, args, call, ty),
            Builtin::Gen(g) => self.gen_method(g, args, call, ty),
            Builtin::Ufunc2(op) => {
                let mut it = args.into_iter();
                let (Some(x), Some(y)) = (it.next(), it.next()) else {
                    return ice("ufunc operands");
                };
                let v = self.binop(op, x, y, e)?;
                Ok(self.cast(v, &ty))
            }
            Builtin::UfuncCmp(op) => {
                let mut it = args.into_iter();
                let (Some(x), Some(y)) = (it.next(), it.next()) else {
                    return ice("ufunc operands");
                };
                Ok(V::new(self.compare(op, x, y)?, Ty::BOOL))
            }
            Builtin::Copy => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("copy arg");
                };
                self.copy_array(&args[0], &a)
            }
            Builtin::MatMul => self.matmul(&args[0], &args[1], ty),
            Builtin::Clip => {
                let x = self.cast(args[0].clone(), &ty);
                let lo = self.cast(args[1].clone(), &ty);
                let hi = self.cast(args[2].clone(), &ty);
                let m = self.np_extremum(true, false, x, lo)?;
                self.np_extremum(false, false, m, hi)
            }
            Builtin::IsClose => {
                let a = self.cast(args[0].clone(), &Ty::F64).r;
                let b = self.cast(args[1].clone(), &Ty::F64).r;
                let rtol = match self.kwarg(call, "rtol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-5, Dtype::F64),
                };
                let atol = match self.kwarg(call, "atol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-8, Dtype::F64),
                };
                Ok(V::new(self.isclose(&a, &b, &rtol, &atol), Ty::BOOL))
            }
            Builtin::NpExtremum { max, ignore_nan } => {
                let x = self.cast(args[0].clone(), &ty);
                let y = self.cast(args[1].clone(), &ty);
                self.np_extremum(max, ignore_nan, x, y)
            }
            Builtin::Negative => {
                let x = self.cast(args[0].clone(), &ty);
                self.unary(UnOp::Neg, x, ty)
            }
            Builtin::MathX(f) => self.mathx(f, &args, call),
            Builtin::CMath(f) => self.cmath(f, &args),
            Builtin::Random(r) => self.random(r, args, call, ty),
            Builtin::Where if args.len() == 1 => self.arr_fn(ArrFn::Nonzero, args, call, ty),
            Builtin::Where => {
                let c = self.truth(&args[0])?;
                let x = self.cast(args[1].clone(), &ty);
                let y = self.cast(args[2].clone(), &ty);
                let lt = llty(&ty);
                Ok(V::new(
                    self.val(&format!("select i1 {c}, {lt} {}, {lt} {}", x.r, y.r)),
                    ty,
                ))
            }
            Builtin::Fill => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("fill arg");
                };
                self.assign_into(&args[0], &a, args[1].clone())?;
                Ok(V::unit(Ty::NoneType))
            }
        }
    }

    /// `np.random.*`: one runtime call per draw; `size` fills a new array.
    fn random(&mut self, r: Rand, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        match r {
            Rand::Choice => {
                // The Generator code path with no receiver: the legacy state.
                let mut all = vec![V::unit(Ty::Generator)];
                all.extend(args);
                return self.gen_choice(None, &all, call, ty);
            }
            Rand::Shuffle | Rand::Permutation => {
                return self.shuffle_or_permute(None, r == Rand::Shuffle, &args[0]);
            }
            _ => {}
        }
        let spec = rand_spec(r);
        let rt = if spec.int_result { "i64" } else { "double" };
        if r == Rand::Seed {
            self.m
                .declare(&format!("declare void @{}(i32)", spec.symbol));
            let v = self.cast(args[0].clone(), &Ty::Scalar(Dtype::U32));
            self.call_void(&format!("@{}", spec.symbol), &format!("i32 {}", v.r));
            return Ok(V::unit(Ty::NoneType));
        }
        let np = spec.params.len();
        let (params, size): (Vec<V>, Option<V>) = if matches!(r, Rand::Rand | Rand::Randn) {
            (
                Vec::new(),
                if args.is_empty() {
                    None
                } else {
                    Some(self.build_tuple(args.clone()))
                },
            )
        } else {
            let mut ps = Vec::new();
            for (i, (name, dflt)) in spec.params.iter().enumerate() {
                let v = match args.get(i) {
                    Some(v) => Some(v.clone()),
                    None => self.kwarg(call, name)?,
                };
                ps.push(match (v, dflt) {
                    (Some(v), _) => v,
                    (None, Some(d)) => V::new(fconst(*d, Dtype::F64), Ty::F64),
                    (None, None) => V::new("0", Ty::I64),
                });
            }
            if r == Rand::Randint && args.len() < 2 && self.kwarg(call, "high")?.is_none() {
                // randint(high): draws from [0, high).
                ps = vec![V::new("0", Ty::I64), ps[0].clone()];
            }
            let size = match args.get(np) {
                Some(v) => Some(v.clone()),
                None => self.kwarg(call, "size")?,
            };
            (ps, size.filter(|v| v.ty != Ty::NoneType))
        };
        let mut cargs = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let int = spec.int_params.get(i).copied().unwrap_or(false);
            let v = self.cast(p.clone(), if int { &Ty::I64 } else { &Ty::F64 });
            cargs.push(format!("{} {}", if int { "i64" } else { "double" }, v.r));
        }
        if r == Rand::Randint {
            let bad = self.val(&format!("icmp sge i64 {}, {}", params[0].r, params[1].r));
            let bad = if params[0].ty == Ty::I64 && params[1].ty == Ty::I64 {
                bad
            } else {
                "false".into()
            };
            if bad != "false" {
                let m = self.str_const("low >= high");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
            }
        }
        // NumPy's argument checks for the common distributions.
        let check = |s: &mut Self, i: usize, pred: &str, msg: &str| {
            if let Some(p) = params.get(i) {
                let v = s.cast(p.clone(), &Ty::F64);
                let bad = s.val(&format!("fcmp {pred} double {}, 0.0", v.r));
                let m = s.str_const(msg);
                s.raise_if(&bad, ExcKind::ValueError, &[m]);
            }
        };
        match r {
            Rand::Normal => check(self, 1, "olt", "scale < 0"),
            Rand::Exponential => check(self, 0, "olt", "scale < 0"),
            Rand::Gamma => {
                check(self, 0, "olt", "shape < 0");
                check(self, 1, "olt", "scale < 0");
            }
            Rand::StandardGamma => check(self, 0, "olt", "shape < 0"),
            Rand::Poisson => check(self, 0, "olt", "lam < 0"),
            Rand::Beta => {
                check(self, 0, "ole", "a <= 0");
                check(self, 1, "ole", "b <= 0");
            }
            _ => {}
        }
        let draw = format!("call {rt} @{}({})", spec.symbol, cargs.join(", "));
        self.m.declare(&format!(
            "declare {rt} @{}({})",
            spec.symbol,
            cargs
                .iter()
                .map(|a| a.split(' ').next().unwrap_or("double"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let elem = Ty::Scalar(if spec.int_result {
            Dtype::I64
        } else {
            Dtype::F64
        });
        let Some(size) = size else {
            return Ok(V::new(self.val(&draw), elem));
        };
        let Ty::Array(a) = ty else {
            return ice("random size result");
        };
        let shape: Vec<String> = match size.ty.clone() {
            Ty::Tuple(items) => (0..items.len())
                .map(|i| {
                    let x = self.extract(&size, i, items[i].clone());
                    self.cast(x, &Ty::I64).r
                })
                .collect(),
            _ => vec![self.cast(size, &Ty::I64).r],
        };
        let out = self.alloc_array(a.dtype, &shape);
        let n = self.nitems(&out);
        let lp = self.nd_open(std::slice::from_ref(&n));
        let x = V::new(self.val(&draw), elem);
        let data = self.data(&out);
        let off = self.val(&format!("mul nsw i64 {}, {}", lp.idx[0], a.dtype.size()));
        let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        self.store_elem(&x, &p);
        self.nd_close(lp);
        Ok(out)
    }

    /// `cmath` on complex128 (real arguments are converted).
    fn cmath(&mut self, f: CFn, args: &[V]) -> R<V> {
        let d = Dtype::F64;
        let call1 = |s: &mut Self, name: &str, x: &str, lib: bool| {
            let g = if lib {
                s.libm(name, d, 1)
            } else {
                s.intrinsic(name, d, 1)
            };
            s.val(&format!("call double {g}(double {x})"))
        };
        if f == CFn::Rect {
            let r = self.cast(args[0].clone(), &Ty::F64).r;
            let phi = self.cast(args[1].clone(), &Ty::F64).r;
            let c = call1(self, "cos", &phi, false);
            let sn = call1(self, "sin", &phi, false);
            let re = self.val(&format!("fmul double {r}, {c}"));
            let im = self.val(&format!("fmul double {r}, {sn}"));
            return Ok(self.complex(Dtype::C128, &re, &im));
        }
        let z = self.cast(args[0].clone(), &Ty::C128);
        let (re, im) = self.complex_parts(&z);
        let hyp = self.libm("hypot", d, 2);
        let at2 = self.libm("atan2", d, 2);
        let absz = |s: &mut Self| s.val(&format!("call double {hyp}(double {re}, double {im})"));
        let phase = |s: &mut Self| s.val(&format!("call double {at2}(double {im}, double {re})"));
        let out = |s: &mut Self, a: &str, b: &str| s.complex(Dtype::C128, a, b);
        Ok(match f {
            CFn::Phase => V::new(phase(self), Ty::F64),
            CFn::Polar => {
                let r = V::new(absz(self), Ty::F64);
                let p = V::new(phase(self), Ty::F64);
                self.build_tuple(vec![r, p])
            }
            CFn::IsNan | CFn::IsInf | CFn::IsFinite => {
                let pred = match f {
                    CFn::IsNan => FloatPred::IsNan,
                    CFn::IsInf => FloatPred::IsInf,
                    _ => FloatPred::IsFinite,
                };
                let a = self.float_pred(pred, &re);
                let b = self.float_pred(pred, &im);
                let op = if f == CFn::IsFinite { "and" } else { "or" };
                V::new(self.val(&format!("{op} i1 {a}, {b}")), Ty::BOOL)
            }
            CFn::Exp => {
                let e = call1(self, "exp", &re, false);
                let c = call1(self, "cos", &im, false);
                let sn = call1(self, "sin", &im, false);
                let a = self.val(&format!("fmul double {e}, {c}"));
                let b = self.val(&format!("fmul double {e}, {sn}"));
                out(self, &a, &b)
            }
            CFn::Log | CFn::Log10 => {
                let r = absz(self);
                let l = call1(self, "log", &r, false);
                let p = phase(self);
                if f == CFn::Log10 {
                    let k = fconst(std::f64::consts::LOG10_E, d);
                    let a = self.val(&format!("fmul double {l}, {k}"));
                    let b = self.val(&format!("fmul double {p}, {k}"));
                    out(self, &a, &b)
                } else {
                    out(self, &l, &p)
                }
            }
            CFn::Sqrt => {
                // Principal root, computed without cancellation.
                let r = absz(self);
                let neg = self.val(&format!("fcmp olt double {re}, 0.0"));
                let are = self.intrinsic("fabs", d, 1);
                let a = self.val(&format!("call double {are}(double {re})"));
                let sum = self.val(&format!("fadd double {r}, {a}"));
                let half = self.val(&format!("fmul double {sum}, 0.5"));
                let t = call1(self, "sqrt", &half, false);
                let t2 = self.val(&format!("fmul double {t}, 2.0"));
                let q = self.val(&format!("fdiv double {im}, {t2}"));
                let zero = self.val(&format!("fcmp oeq double {t}, 0.0"));
                let q = self.val(&format!("select i1 {zero}, double 0.0, double {q}"));
                let cs = self.intrinsic("copysign", d, 2);
                let aq = self.val(&format!("call double {are}(double {q})"));
                let st = self.val(&format!("call double {cs}(double {t}, double {im})"));
                let a = self.val(&format!("select i1 {neg}, double {aq}, double {t}"));
                let b = self.val(&format!("select i1 {neg}, double {st}, double {q}"));
                out(self, &a, &b)
            }
            CFn::Sin | CFn::Cos | CFn::Sinh | CFn::Cosh | CFn::Tan | CFn::Tanh => {
                let sr = call1(self, "sin", &re, false);
                let cr = call1(self, "cos", &re, false);
                let shi = call1(self, "sinh", &im, true);
                let chi = call1(self, "cosh", &im, true);
                match f {
                    CFn::Sin => {
                        let a = self.val(&format!("fmul double {sr}, {chi}"));
                        let b = self.val(&format!("fmul double {cr}, {shi}"));
                        out(self, &a, &b)
                    }
                    CFn::Cos => {
                        let a = self.val(&format!("fmul double {cr}, {chi}"));
                        let b0 = self.val(&format!("fmul double {sr}, {shi}"));
                        let b = self.val(&format!("fneg double {b0}"));
                        out(self, &a, &b)
                    }
                    CFn::Tan => {
                        let sa = self.val(&format!("fmul double {sr}, {chi}"));
                        let sb = self.val(&format!("fmul double {cr}, {shi}"));
                        let ca = self.val(&format!("fmul double {cr}, {chi}"));
                        let cb0 = self.val(&format!("fmul double {sr}, {shi}"));
                        let cb = self.val(&format!("fneg double {cb0}"));
                        let sv = self.complex(Dtype::C128, &sa, &sb);
                        let cv = self.complex(Dtype::C128, &ca, &cb);
                        self.complex_binop(BinOp::Div, &sv, &cv, Dtype::C128)?
                    }
                    _ => {
                        // sinh(x+iy) = sinh x cos y + i cosh x sin y; cosh analogous.
                        let shr = call1(self, "sinh", &re, true);
                        let chr = call1(self, "cosh", &re, true);
                        let si = call1(self, "sin", &im, false);
                        let ci = call1(self, "cos", &im, false);
                        let sh = {
                            let a = self.val(&format!("fmul double {shr}, {ci}"));
                            let b = self.val(&format!("fmul double {chr}, {si}"));
                            self.complex(Dtype::C128, &a, &b)
                        };
                        let ch = {
                            let a = self.val(&format!("fmul double {chr}, {ci}"));
                            let b = self.val(&format!("fmul double {shr}, {si}"));
                            self.complex(Dtype::C128, &a, &b)
                        };
                        let _ = (shi, chi, sr, cr);
                        match f {
                            CFn::Sinh => sh,
                            CFn::Cosh => ch,
                            _ => self.complex_binop(BinOp::Div, &sh, &ch, Dtype::C128)?,
                        }
                    }
                }
            }
            CFn::Rect => unreachable!("handled above"),
        })
    }

    fn mathx(&mut self, f: MathX, args: &[V], call: &'p Call<'p>) -> R<V> {
        let f64a = |s: &mut Self, i: usize| s.cast(args[i].clone(), &Ty::F64).r;
        let i64a = |s: &mut Self, i: usize| s.cast(args[i].clone(), &Ty::I64).r;
        Ok(match f {
            MathX::Gcd => {
                // Euclid on absolute values.
                let a = i64a(self, 0);
                let b = i64a(self, 1);
                let x = self.alloca("i64");
                let y = self.alloca("i64");
                for (slot, v) in [(&x, &a), (&y, &b)] {
                    let neg = self.val(&format!("icmp slt i64 {v}, 0"));
                    let n = self.val(&format!("sub i64 0, {v}"));
                    let av = self.val(&format!("select i1 {neg}, i64 {n}, i64 {v}"));
                    self.emit(&format!("store i64 {av}, ptr {slot}"));
                }
                let (head, body, done) =
                    (self.label("gcd"), self.label("gcdb"), self.label("gcdd"));
                self.start(&head);
                let yv = self.val(&format!("load i64, ptr {y}"));
                let nz = self.val(&format!("icmp ne i64 {yv}, 0"));
                self.cbr(&nz, &body, &done);
                self.start(&body);
                let xv = self.val(&format!("load i64, ptr {x}"));
                let r = self.val(&format!("urem i64 {xv}, {yv}"));
                self.emit(&format!("store i64 {yv}, ptr {x}"));
                self.emit(&format!("store i64 {r}, ptr {y}"));
                self.br(&head);
                self.start(&done);
                V::new(self.val(&format!("load i64, ptr {x}")), Ty::I64)
            }
            MathX::Isclose => {
                let a = f64a(self, 0);
                let b = f64a(self, 1);
                let rel = match self.kwarg(call, "rel_tol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-9, Dtype::F64),
                };
                let abs = match self.kwarg(call, "abs_tol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => "0.0".into(),
                };
                // Python: a == b, or both finite and |a-b| <= max(rel*max(|a|,|b|), abs).
                let fabs = self.intrinsic("fabs", Dtype::F64, 1);
                let eq = self.val(&format!("fcmp oeq double {a}, {b}"));
                let d = self.val(&format!("fsub double {a}, {b}"));
                let ad = self.val(&format!("call double {fabs}(double {d})"));
                let aa = self.val(&format!("call double {fabs}(double {a})"));
                let ab = self.val(&format!("call double {fabs}(double {b})"));
                let mx = self.val(&format!(
                    "call double @llvm.maxnum.f64(double {aa}, double {ab})"
                ));
                self.m
                    .declare("declare double @llvm.maxnum.f64(double, double)");
                let tol0 = self.val(&format!("fmul double {rel}, {mx}"));
                let tol = self.val(&format!(
                    "call double @llvm.maxnum.f64(double {tol0}, double {abs})"
                ));
                let close = self.val(&format!("fcmp ole double {ad}, {tol}"));
                let inf = fconst(f64::INFINITY, Dtype::F64);
                let fin_a = self.val(&format!("fcmp olt double {aa}, {inf}"));
                let fin_b = self.val(&format!("fcmp olt double {ab}, {inf}"));
                let fin = self.val(&format!("and i1 {fin_a}, {fin_b}"));
                let c2 = self.val(&format!("and i1 {close}, {fin}"));
                V::new(self.val(&format!("or i1 {eq}, {c2}")), Ty::BOOL)
            }
            MathX::Ldexp => {
                let x = f64a(self, 0);
                let e = self.cast(args[1].clone(), &Ty::Scalar(Dtype::I32)).r;
                self.m
                    .declare("declare double @llvm.ldexp.f64.i32(double, i32)");
                V::new(
                    self.val(&format!(
                        "call double @llvm.ldexp.f64.i32(double {x}, i32 {e})"
                    )),
                    Ty::F64,
                )
            }
            MathX::Frexp => {
                let x = f64a(self, 0);
                self.m
                    .declare("declare {double, i32} @llvm.frexp.f64.i32(double)");
                let r = self.val(&format!(
                    "call {{double, i32}} @llvm.frexp.f64.i32(double {x})"
                ));
                let m = self.val(&format!("extractvalue {{double, i32}} {r}, 0"));
                let e = self.val(&format!("extractvalue {{double, i32}} {r}, 1"));
                let e = self.val(&format!("sext i32 {e} to i64"));
                self.build_tuple(vec![V::new(m, Ty::F64), V::new(e, Ty::I64)])
            }
            MathX::Modf => {
                let x = f64a(self, 0);
                let tr = self.intrinsic("trunc", Dtype::F64, 1);
                let ip = self.val(&format!("call double {tr}(double {x})"));
                let fp0 = self.val(&format!("fsub double {x}, {ip}"));
                // Infinities: fraction is a signed zero.
                let cs = self.intrinsic("copysign", Dtype::F64, 2);
                let fabs = self.intrinsic("fabs", Dtype::F64, 1);
                let ax = self.val(&format!("call double {fabs}(double {x})"));
                let isinf = self.val(&format!(
                    "fcmp oeq double {ax}, {}",
                    fconst(f64::INFINITY, Dtype::F64)
                ));
                let z = self.val(&format!("call double {cs}(double 0.0, double {x})"));
                let fp1 = self.val(&format!("select i1 {isinf}, double {z}, double {fp0}"));
                let fp = self.val(&format!("call double {cs}(double {fp1}, double {x})"));
                self.build_tuple(vec![V::new(fp, Ty::F64), V::new(ip, Ty::F64)])
            }
            MathX::Factorial => {
                let n = i64a(self, 0);
                let neg = self.val(&format!("icmp slt i64 {n}, 0"));
                let m = self.str_const("factorial() not defined for negative values");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let acc = self.alloca("i64");
                self.emit(&format!("store i64 1, ptr {acc}"));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let k = self.val(&format!("add i64 {}, 1", lp.idx[0]));
                let c = self.val(&format!("load i64, ptr {acc}"));
                let c2 = self.val(&format!("mul i64 {c}, {k}"));
                self.emit(&format!("store i64 {c2}, ptr {acc}"));
                self.nd_close(lp);
                V::new(self.val(&format!("load i64, ptr {acc}")), Ty::I64)
            }
            MathX::Isqrt => {
                let n = i64a(self, 0);
                let neg = self.val(&format!("icmp slt i64 {n}, 0"));
                let m = self.str_const("isqrt() argument must be nonnegative");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let f = self.val(&format!("sitofp i64 {n} to double"));
                let sq = self.intrinsic("sqrt", Dtype::F64, 1);
                let r = self.val(&format!("call double {sq}(double {f})"));
                let r = self.val(&format!("fptosi double {r} to i64"));
                // Correct the float estimate by at most one either way.
                let r2 = self.val(&format!("mul i64 {r}, {r}"));
                let big = self.val(&format!("icmp sgt i64 {r2}, {n}"));
                let rm = self.val(&format!("sub i64 {r}, 1"));
                let r = self.val(&format!("select i1 {big}, i64 {rm}, i64 {r}"));
                let r1 = self.val(&format!("add i64 {r}, 1"));
                let r1sq = self.val(&format!("mul i64 {r1}, {r1}"));
                let le = self.val(&format!("icmp sle i64 {r1sq}, {n}"));
                let pos = self.val(&format!("icmp sgt i64 {r1sq}, 0"));
                let up = self.val(&format!("and i1 {le}, {pos}"));
                V::new(
                    self.val(&format!("select i1 {up}, i64 {r1}, i64 {r}")),
                    Ty::I64,
                )
            }
            MathX::Nextafter | MathX::Remainder => {
                let a = f64a(self, 0);
                let b = f64a(self, 1);
                let g = self.libm(
                    if f == MathX::Nextafter {
                        "nextafter"
                    } else {
                        "remainder"
                    },
                    Dtype::F64,
                    2,
                );
                V::new(
                    self.val(&format!("call double {g}(double {a}, double {b})")),
                    Ty::F64,
                )
            }
        })
    }

    /// `a @ b` through the runtime's GEMM (matrixmultiply), any strides.
    fn matmul(&mut self, a: &V, b: &V, ty: Ty) -> R<V> {
        let (Ty::Array(aa), Ty::Array(ba)) = (a.ty.clone(), b.ty.clone()) else {
            return ice("matmul args");
        };
        let d = match &ty {
            Ty::Array(o) => o.dtype,
            Ty::Scalar(d) => *d,
            _ => return ice("matmul type"),
        };
        let other = !matches!(d, Dtype::F32 | Dtype::F64);
        let (a, aa) = if other {
            (a.clone(), aa)
        } else {
            self.with_dtype(a, &aa, d)?
        };
        let (b, ba) = if other {
            (b.clone(), ba)
        } else {
            self.with_dtype(b, &ba, d)?
        };
        let el = |s: &mut Self, v: &V, va: &ArrayTy, k: usize| s.elem_stride(v, va, k);
        // A as (m, k) and B as (k, n), vectors as a row / a column.
        let (m, ka, rsa, csa) = if aa.ndim == 2 {
            (
                self.shape(&a, 0),
                self.shape(&a, 1),
                el(self, &a, &aa, 0),
                el(self, &a, &aa, 1),
            )
        } else {
            (
                "1".to_string(),
                self.shape(&a, 0),
                "0".to_string(),
                el(self, &a, &aa, 0),
            )
        };
        let (kb, n, rsb, csb) = if ba.ndim == 2 {
            (
                self.shape(&b, 0),
                self.shape(&b, 1),
                el(self, &b, &ba, 0),
                el(self, &b, &ba, 1),
            )
        } else {
            (
                self.shape(&b, 0),
                "1".to_string(),
                el(self, &b, &ba, 0),
                "0".to_string(),
            )
        };
        let bad = self.val(&format!("icmp ne i64 {ka}, {kb}"));
        let p1 = self.str_const("matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ");
        let p2 = self.str_const(" is different from ");
        let p3 = self.str_const(")");
        self.raise_if(
            &bad,
            ExcKind::ValueError,
            &[
                p1,
                V::new(kb.clone(), Ty::I64),
                p2,
                V::new(ka.clone(), Ty::I64),
                p3,
            ],
        );
        let out_shape: Vec<String> = match (aa.ndim, ba.ndim) {
            (2, 2) => vec![m.clone(), n.clone()],
            (2, 1) => vec![m.clone()],
            (1, 2) => vec![n.clone()],
            _ => vec!["1".to_string()],
        };
        if other {
            let out = self.matmul_other(
                &a,
                &b,
                d,
                &out_shape,
                [m, ka, n],
                aa.ndim == 2 && ba.ndim == 1,
            )?;
            if let Ty::Scalar(_) = ty {
                return Ok(self.flat_elem(&out, d, "0"));
            }
            return Ok(out);
        }
        let out = self.alloc_array(d, &out_shape);
        let oa = ArrayTy::new(d, out_shape.len() as u8, Layout::C);
        self.init_array(&out, &oa, Alloc::Zeros, None)?;
        let (rsc, csc) = if aa.ndim == 2 && ba.ndim == 1 {
            ("1".to_string(), "1".to_string())
        } else {
            (n.clone(), "1".to_string())
        };
        let (fname, et) = if d == Dtype::F32 {
            ("oxjit_rt_sgemm", "float")
        } else {
            ("oxjit_rt_dgemm", "double")
        };
        let _ = et;
        self.m.declare(&format!(
            "declare void @{fname}(i64, i64, i64, ptr, i64, i64, ptr, i64, i64, ptr, i64, i64)"
        ));
        let (pa, pb, pc) = (self.data(&a), self.data(&b), self.data(&out));
        self.emit(&format!(
            "call void @{fname}(i64 {m}, i64 {ka}, i64 {n}, ptr {pa}, i64 {rsa}, i64 {csa}, ptr {pb}, i64 {rsb}, i64 {csb}, ptr {pc}, i64 {rsc}, i64 {csc})"
        ));
        if let Ty::Scalar(_) = ty {
            return Ok(self.flat_elem(&out, d, "0"));
        }
        Ok(out)
    }

    /// NumPy's isclose: |a - b| <= atol + rtol * |b| (infinities equal to themselves).
    fn isclose(&mut self, a: &str, b: &str, rtol: &str, atol: &str) -> String {
        let fabs = self.intrinsic("fabs", Dtype::F64, 1);
        let d = self.val(&format!("fsub double {a}, {b}"));
        let ad = self.val(&format!("call double {fabs}(double {d})"));
        let ab = self.val(&format!("call double {fabs}(double {b})"));
        let t = self.val(&format!("fmul double {rtol}, {ab}"));
        let tol = self.val(&format!("fadd double {atol}, {t}"));
        let close = self.val(&format!("fcmp ole double {ad}, {tol}"));
        let eq = self.val(&format!("fcmp oeq double {a}, {b}"));
        self.val(&format!("or i1 {close}, {eq}"))
    }

    /// NumPy's maximum/minimum (NaN wins) or fmax/fmin (NaN loses).
    fn np_extremum(&mut self, max: bool, ignore_nan: bool, x: V, y: V) -> R<V> {
        let t = x.ty.clone();
        let lt = llty(&t);
        let better = self.compare(
            if max { CmpOp::Gt } else { CmpOp::Lt },
            x.clone(),
            y.clone(),
        )?;
        let Some(d) = t.scalar() else {
            return ice("extremum type");
        };
        let take_x = if d.is_float() {
            let xn = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
            let yn = self.val(&format!("fcmp uno {lt} {}, 0.0", y.r));
            if ignore_nan {
                // x unless x is NaN; y when y is NaN and x is not.
                let nx = self.val(&format!("xor i1 {xn}, true"));
                let keep = self.val(&format!("or i1 {better}, {yn}"));
                self.val(&format!("and i1 {keep}, {nx}"))
            } else {
                let ny = self.val(&format!("xor i1 {yn}, true"));
                let b2 = self.val(&format!("and i1 {better}, {ny}"));
                self.val(&format!("or i1 {b2}, {xn}"))
            }
        } else {
            better
        };
        Ok(V::new(
            self.val(&format!("select i1 {take_x}, {lt} {}, {lt} {}", x.r, y.r)),
            t,
        ))
    }

    fn float_pred(&mut self, p: FloatPred, x: &str) -> String {
        let inf = fconst(f64::INFINITY, Dtype::F64);
        match p {
            FloatPred::IsNan => self.val(&format!("fcmp uno double {x}, 0.0")),
            FloatPred::IsInf => {
                let f = self.intrinsic("fabs", Dtype::F64, 1);
                let a = self.val(&format!("call double {f}(double {x})"));
                self.val(&format!("fcmp oeq double {a}, {inf}"))
            }
            FloatPred::IsFinite => {
                let f = self.intrinsic("fabs", Dtype::F64, 1);
                let a = self.val(&format!("call double {f}(double {x})"));
                self.val(&format!("fcmp olt double {a}, {inf}"))
            }
        }
    }

    fn check_float_to_int(&mut self, x: &V, d: Dtype) {
        let t = scalar_ty(d);
        let nan = self.val(&format!("fcmp uno {t} {}, 0.0", x.r));
        let m = self.str_const("cannot convert float NaN to integer");
        self.raise_if(&nan, ExcKind::ValueError, &[m]);
        let f = self.intrinsic("fabs", d, 1);
        let a = self.val(&format!("call {t} {f}({t} {})", x.r));
        let inf = self.val(&format!("fcmp oeq {t} {a}, {}", fconst(f64::INFINITY, d)));
        let m = self.str_const("cannot convert float infinity to integer");
        self.raise_if(&inf, ExcKind::OverflowError, &[m]);
    }

    fn math1(&mut self, f: Math1, d: Dtype, x: &str) -> R<String> {
        let t = scalar_ty(d);
        let fm = self.fm();
        let intr = |s: &mut Self, n: &str| {
            let g = s.intrinsic(n, d, 1);
            s.val(&format!("call {fm}{t} {g}({t} {x})"))
        };
        let lib = |s: &mut Self, n: &str| {
            let g = s.libm(n, d, 1);
            let va = s.m.vector_variants(n, d, 1);
            s.val(&format!("call {fm}{t} {g}({t} {x}){va}"))
        };
        // Under fastmath, transcendental functions go through libm symbols
        // that carry libmvec vector variants; otherwise LLVM intrinsics.
        let fast = self.m.opts.fastmath;
        let intr = |s: &mut Self, n: &str| {
            if fast && LIBMVEC1.contains(&n) {
                lib(s, n)
            } else {
                intr(s, n)
            }
        };
        Ok(match f {
            Math1::Sqrt => intr(self, "sqrt"),
            Math1::Exp => intr(self, "exp"),
            Math1::Log => intr(self, "log"),
            Math1::Log2 => intr(self, "log2"),
            Math1::Log10 => intr(self, "log10"),
            Math1::Sin => intr(self, "sin"),
            Math1::Cos => intr(self, "cos"),
            Math1::Exp2 => intr(self, "exp2"),
            Math1::Rint => intr(self, "rint"),
            Math1::Tan => lib(self, "tan"),
            Math1::Expm1 => lib(self, "expm1"),
            Math1::Log1p => lib(self, "log1p"),
            Math1::Asin => lib(self, "asin"),
            Math1::Acos => lib(self, "acos"),
            Math1::Atan => lib(self, "atan"),
            Math1::Sinh => lib(self, "sinh"),
            Math1::Cosh => lib(self, "cosh"),
            Math1::Tanh => lib(self, "tanh"),
            Math1::Asinh => lib(self, "asinh"),
            Math1::Acosh => lib(self, "acosh"),
            Math1::Atanh => lib(self, "atanh"),
            Math1::Erf => lib(self, "erf"),
            Math1::Erfc => lib(self, "erfc"),
            Math1::Gamma => lib(self, "tgamma"),
            Math1::Lgamma => lib(self, "lgamma"),
            Math1::Cbrt => lib(self, "cbrt"),
            Math1::Fabs => intr(self, "fabs"),
            Math1::Degrees => self.val(&format!(
                "fmul {fm}{t} {x}, {}",
                fconst(180.0 / std::f64::consts::PI, d)
            )),
            Math1::Radians => self.val(&format!(
                "fmul {fm}{t} {x}, {}",
                fconst(std::f64::consts::PI / 180.0, d)
            )),
        })
    }

    fn init_array(&mut self, v: &V, a: &ArrayTy, kind: Alloc, fill: Option<V>) -> R<()> {
        match (kind, fill) {
            (Alloc::Zeros, _) => {
                let n = self.nitems(v);
                let bytes = self.val(&format!("mul i64 {n}, {}", a.dtype.size()));
                let data = self.data(v);
                self.emit(&format!(
                    "call void @llvm.memset.p0.i64(ptr {data}, i8 0, i64 {bytes}, i1 false)"
                ));
                Ok(())
            }
            (_, Some(f)) => {
                // Flat loop over the fresh C-contiguous buffer.
                let f = self.cast(f, &Ty::Scalar(a.dtype));
                let n = self.nitems(v);
                let flat = ArrayTy::new(a.dtype, 1, Layout::C);
                let lp = self.nd_open(std::slice::from_ref(&n));
                let data = self.data(v);
                let off = self.val(&format!("mul nsw i64 {}, {}", lp.idx[0], a.dtype.size()));
                let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
                let _ = flat;
                self.store_elem(&f, &p);
                self.nd_close(lp);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn arange(&mut self, args: &[V], ty: Ty) -> R<V> {
        let Ty::Array(a) = ty else {
            return ice("arange type");
        };
        let d = a.dtype;
        let st = Ty::Scalar(d);
        let (start, stop, step) = match args.len() {
            1 => (
                V::new(scalar_const(d, 0.0), st.clone()),
                args[0].clone(),
                V::new(scalar_const(d, 1.0), st.clone()),
            ),
            2 => (
                args[0].clone(),
                args[1].clone(),
                V::new(scalar_const(d, 1.0), st.clone()),
            ),
            _ => (args[0].clone(), args[1].clone(), args[2].clone()),
        };
        // Length in float64 arithmetic: ceil((stop - start) / step).
        let fs = self.cast(start.clone(), &Ty::F64).r;
        let fe = self.cast(stop, &Ty::F64).r;
        let fp = self.cast(step.clone(), &Ty::F64).r;
        let z = self.val(&format!("fcmp oeq double {fp}, 0.0"));
        let m = self.str_const("Maximum allowed size exceeded");
        self.raise_if(&z, ExcKind::ValueError, &[m]);
        let span = self.val(&format!("fsub double {fe}, {fs}"));
        let q = self.val(&format!("fdiv double {span}, {fp}"));
        let ce = self.intrinsic("ceil", Dtype::F64, 1);
        let q = self.val(&format!("call double {ce}(double {q})"));
        let n = self.cast_scalar(&q, Dtype::F64, Dtype::I64);
        let pos = self.val(&format!("icmp sgt i64 {n}, 0"));
        let n = self.val(&format!("select i1 {pos}, i64 {n}, i64 0"));
        let v = self.alloc_array(d, std::slice::from_ref(&n));
        let start = self.cast(start, &st);
        let step = self.cast(step, &st);
        let lp = self.nd_open(std::slice::from_ref(&n));
        let i = V::new(lp.idx[0].clone(), Ty::I64);
        let fi = self.cast(i, &st);
        let t = scalar_ty(d);
        let x = if d.is_float() {
            let m = self.val(&format!("fmul {t} {}, {}", fi.r, step.r));
            self.val(&format!("fadd {t} {m}, {}", start.r))
        } else {
            let m = self.val(&format!("mul {t} {}, {}", fi.r, step.r));
            self.val(&format!("add {t} {m}, {}", start.r))
        };
        let p = self.nd_ptr(&v, &a, &lp.idx);
        self.store_elem(&V::new(x, st), &p);
        self.nd_close(lp);
        Ok(v)
    }

    fn const_int(v: &V) -> Option<i64> {
        v.r.parse().ok()
    }

    /// A C-contiguous view with a new shape over a C array's data.
    fn reshape_view(&mut self, src: &V, dtype: Dtype, dims: &[String]) -> V {
        let a = ArrayTy::new(dtype, dims.len() as u8, Layout::C);
        let mut strides = vec![String::new(); dims.len()];
        let mut st = dtype.size().to_string();
        for d in (0..dims.len()).rev() {
            strides[d] = st.clone();
            st = self.val(&format!("mul i64 {st}, {}", dims[d]));
        }
        let mi = self.val(&format!("extractvalue {} {}, 0", llty(&src.ty), src.r));
        let parent = self.val(&format!("extractvalue {} {}, 1", llty(&src.ty), src.r));
        let data = self.data(src);
        self.make_array(&a, &mi, &parent, &data, dims, &strides)
    }

    fn flat_elem(&mut self, v: &V, d: Dtype, k: &str) -> V {
        let data = self.data(v);
        let off = self.val(&format!("mul nsw i64 {k}, {}", d.size()));
        let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        self.load_elem(d, &p)
    }

    fn flat_store(&mut self, v: &V, d: Dtype, k: &str, x: &V) {
        let data = self.data(v);
        let off = self.val(&format!("mul nsw i64 {k}, {}", d.size()));
        let p = self.val(&format!("getelementptr inbounds i8, ptr {data}, i64 {off}"));
        let x = self.cast(x.clone(), &Ty::Scalar(d));
        self.store_elem(&x, &p);
    }

    /// median/percentile/quantile along one axis: each lane is copied into
    /// a float64 buffer and handed to the runtime's selection.
    fn quantile_axis(
        &mut self,
        f: ArrFn,
        v: &V,
        a: &ArrayTy,
        ax: usize,
        q: Option<V>,
        ty: Ty,
    ) -> R<V> {
        let q = match (f, q) {
            (ArrFn::Median, _) => fconst(-1.0, Dtype::F64),
            (_, Some(q)) => {
                let qv = self.cast(q, &Ty::F64).r;
                let qv = if f == ArrFn::Percentile {
                    self.val(&format!("fdiv double {qv}, 100.0"))
                } else {
                    qv
                };
                let b1 = self.val(&format!("fcmp ugt double {qv}, 1.0"));
                let b2 = self.val(&format!("fcmp olt double {qv}, 0.0"));
                let bad = self.val(&format!("or i1 {b1}, {b2}"));
                let m = self.str_const(if f == ArrFn::Percentile {
                    "Percentiles must be in the range [0, 100]"
                } else {
                    "Quantiles must be in the range [0, 1]"
                });
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                qv
            }
            _ => return ice("quantile q"),
        };
        let nd = a.ndim as usize;
        let shape: Vec<String> = (0..nd).map(|k| self.shape(v, k)).collect();
        let outer: Vec<String> = shape
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != ax)
            .map(|(_, s)| s.clone())
            .collect();
        let len = shape[ax].clone();
        let buf = self.alloc_array(Dtype::F64, std::slice::from_ref(&len));
        let data = self.data(&buf);
        self.m
            .declare("declare double @oxjit_rt_quantile_f64(ptr, i64, double)");
        let out = match &ty {
            Ty::Array(o) => Some(self.alloc_array(o.dtype, &outer)),
            _ => None,
        };
        let res = self.alloca("double");
        let lp = self.nd_open(&outer);
        let inner = self.nd_open(std::slice::from_ref(&len));
        let mut idx = lp.idx.clone();
        idx.insert(ax, inner.idx[0].clone());
        let p = self.nd_ptr(v, a, &idx);
        let x = self.load_elem(a.dtype, &p);
        let x = self.cast(x, &Ty::F64);
        self.flat_store(&buf, Dtype::F64, &inner.idx[0].clone(), &x);
        self.nd_close(inner);
        let r = self.val(&format!(
            "call double @oxjit_rt_quantile_f64(ptr {data}, i64 {len}, double {q})"
        ));
        self.emit(&format!("store double {r}, ptr {res}"));
        if let Some(out) = &out {
            let oa = ArrayTy::new(Dtype::F64, (nd - 1) as u8, Layout::C);
            let qp = self.nd_ptr(out, &oa, &lp.idx);
            self.store_elem(&V::new(r, Ty::F64), &qp);
        }
        self.nd_close(lp);
        Ok(match out {
            Some(o) => o,
            None => V::new(self.val(&format!("load double, ptr {res}")), Ty::F64),
        })
    }

    /// One `np.diff` step along `ax`: out[.., i, ..] = v[.., i+1, ..] - v[.., i, ..]
    /// in the array's dtype (integers wrap, booleans give `!=`).
    fn diff_once(&mut self, v: &V, a: &ArrayTy, ax: usize) -> R<V> {
        let nd = a.ndim as usize;
        let mut shape: Vec<String> = (0..nd).map(|k| self.shape(v, k)).collect();
        let m0 = self.val(&format!("sub i64 {}, 1", shape[ax]));
        let pos = self.val(&format!("icmp sgt i64 {m0}, 0"));
        shape[ax] = self.val(&format!("select i1 {pos}, i64 {m0}, i64 0"));
        let out = self.alloc_array(a.dtype, &shape);
        let oa = ArrayTy::new(a.dtype, a.ndim, Layout::C);
        let lp = self.nd_open(&shape);
        let mut next = lp.idx.clone();
        next[ax] = self.val(&format!("add nsw i64 {}, 1", lp.idx[ax]));
        let p0 = self.nd_ptr(v, a, &lp.idx);
        let p1 = self.nd_ptr(v, a, &next);
        let x0 = self.load_elem(a.dtype, &p0);
        let x1 = self.load_elem(a.dtype, &p1);
        let dv = if a.dtype == Dtype::Bool {
            V::new(self.val(&format!("xor i1 {}, {}", x1.r, x0.r)), Ty::BOOL)
        } else {
            let saved = self.m.opts.error_model_numpy;
            self.m.opts.error_model_numpy = true;
            let r = self.scalar_binop(BinOp::Sub, x1, x0, a.dtype, a.dtype);
            self.m.opts.error_model_numpy = saved;
            let r = r?;
            self.cast(r, &Ty::Scalar(a.dtype))
        };
        let q = self.nd_ptr(&out, &oa, &lp.idx);
        self.store_elem(&dv, &q);
        self.nd_close(lp);
        Ok(out)
    }

    /// cumsum/cumprod along one axis: a running total per lane.
    fn cum_axis(&mut self, sum: bool, v: &V, a: &ArrayTy, ax: usize, d: Dtype) -> R<V> {
        let nd = a.ndim as usize;
        let shape: Vec<String> = (0..nd).map(|k| self.shape(v, k)).collect();
        let out = self.alloc_array(d, &shape);
        let oa = ArrayTy::new(d, a.ndim, Layout::C);
        let outer: Vec<String> = shape
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != ax)
            .map(|(_, s)| s.clone())
            .collect();
        let at = Ty::Scalar(d);
        let acc = self.alloca(&llty(&at));
        let lp = self.nd_open(&outer);
        let init = scalar_const(d, if sum { 0.0 } else { 1.0 });
        self.emit(&format!("store {} {init}, ptr {acc}", llty(&at)));
        let inner = self.nd_open(std::slice::from_ref(&shape[ax]));
        let mut idx = lp.idx.clone();
        idx.insert(ax, inner.idx[0].clone());
        let p = self.nd_ptr(v, a, &idx);
        let x = self.load_elem(a.dtype, &p);
        let x = self.cast(x, &at);
        let cur = self.load(&at, &acc);
        let nv = self.binop_same(if sum { BinOp::Add } else { BinOp::Mul }, &cur, &x)?;
        let nv = V::new(nv, at.clone());
        self.store(&nv, &acc);
        let q = self.nd_ptr(&out, &oa, &idx);
        self.store_elem(&nv, &q);
        self.nd_close(inner);
        self.nd_close(lp);
        Ok(out)
    }

    fn arr_fn(&mut self, f: ArrFn, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let out_a = ty.array().copied();
        match f {
            ArrFn::Cumsum | ArrFn::Cumprod => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("cumsum arg");
                };
                let oa = out_a.ok_or("cumsum type")?;
                let axis = match args.get(1) {
                    Some(v) => Some(v.clone()),
                    None => self.kwarg(call, "axis")?,
                };
                if let Some(ax) = axis.filter(|v| v.ty != Ty::NoneType) {
                    let k: i64 = ax.r.parse().map_err(|_| "cumsum axis must be a constant")?;
                    let ax = k.rem_euclid(a.ndim as i64) as usize;
                    return self.cum_axis(f == ArrFn::Cumsum, &args[0], &a, ax, oa.dtype);
                }
                let (src, _) = self.as_c(&args[0], &a)?;
                let n = self.nitems(&src);
                let out = self.alloc_array(oa.dtype, std::slice::from_ref(&n));
                let at = Ty::Scalar(oa.dtype);
                let acc = self.alloca(&llty(&at));
                let init = scalar_const(oa.dtype, if f == ArrFn::Cumsum { 0.0 } else { 1.0 });
                self.emit(&format!("store {} {init}, ptr {acc}", llty(&at)));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let k = lp.idx[0].clone();
                let x = self.flat_elem(&src, a.dtype, &k);
                let x = self.cast(x, &at);
                let cur = self.load(&at, &acc);
                let nv = self.binop_same(
                    if f == ArrFn::Cumsum {
                        BinOp::Add
                    } else {
                        BinOp::Mul
                    },
                    &cur,
                    &x,
                )?;
                self.emit(&format!("store {} {nv}, ptr {acc}", llty(&at)));
                self.flat_store(&out, oa.dtype, &k, &V::new(nv, at.clone()));
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Diff => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("diff arg");
                };
                let n = match self.arg_const(call, 1, "n") {
                    Some(Const::Int(k)) => *k,
                    _ => 1,
                };
                let ax = match self.arg_const(call, 2, "axis") {
                    Some(Const::Int(k)) => k.rem_euclid(a.ndim as i64) as usize,
                    _ => a.ndim as usize - 1,
                };
                // n = 0 gives the array itself, as in NumPy.
                let (mut cur, mut ca) = (args[0].clone(), a);
                for _ in 0..n {
                    cur = self.diff_once(&cur, &ca, ax)?;
                    ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
                }
                Ok(cur)
            }
            ArrFn::Bincount => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("bincount arg");
                };
                let minlength = match self.kwarg(call, "minlength")? {
                    Some(v) => self.cast(v, &Ty::I64).r,
                    None => "0".into(),
                };
                let n = self.shape(&args[0], 0);
                let mx = self.alloca("i64");
                self.emit(&format!("store i64 -1, ptr {mx}"));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let p = self.nd_ptr(&args[0], &a, &lp.idx);
                let x = self.load_elem(a.dtype, &p);
                let x = self.cast(x, &Ty::I64);
                let neg = self.val(&format!("icmp slt i64 {}, 0", x.r));
                let m = self.str_const("'list' argument must have no negative elements");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let cur = self.val(&format!("load i64, ptr {mx}"));
                let gt = self.val(&format!("icmp sgt i64 {}, {cur}", x.r));
                let nm = self.val(&format!("select i1 {gt}, i64 {}, i64 {cur}", x.r));
                self.emit(&format!("store i64 {nm}, ptr {mx}"));
                self.nd_close(lp);
                let top = self.val(&format!("load i64, ptr {mx}"));
                let len0 = self.val(&format!("add i64 {top}, 1"));
                let big = self.val(&format!("icmp sgt i64 {minlength}, {len0}"));
                let len = self.val(&format!("select i1 {big}, i64 {minlength}, i64 {len0}"));
                let out = self.alloc_array(Dtype::I64, std::slice::from_ref(&len));
                let oa = ArrayTy::new(Dtype::I64, 1, Layout::C);
                self.init_array(&out, &oa, Alloc::Zeros, None)?;
                let lp = self.nd_open(std::slice::from_ref(&n));
                let p = self.nd_ptr(&args[0], &a, &lp.idx);
                let x = self.load_elem(a.dtype, &p);
                let x = self.cast(x, &Ty::I64);
                let q = self.nd_ptr(&out, &oa, std::slice::from_ref(&x.r));
                let c = self.val(&format!("load i64, ptr {q}"));
                let c1 = self.val(&format!("add i64 {c}, 1"));
                self.emit(&format!("store i64 {c1}, ptr {q}"));
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Median | ArrFn::Percentile | ArrFn::Quantile => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("median arg");
                };
                let nq = usize::from(f != ArrFn::Median);
                let axis = match args.get(1 + nq) {
                    Some(v) => Some(v.clone()),
                    None => self.kwarg(call, "axis")?,
                }
                .filter(|v| v.ty != Ty::NoneType);
                if let Some(ax) = axis {
                    let k: i64 = ax.r.parse().map_err(|_| "axis must be a constant")?;
                    let q = args.get(1).cloned();
                    return self.quantile_axis(
                        f,
                        &args[0],
                        &a,
                        k.rem_euclid(a.ndim as i64) as usize,
                        q,
                        ty,
                    );
                }
                let (src, _) = self.as_c(&args[0], &a)?;
                let n = self.nitems(&src);
                let buf = self.alloc_array(Dtype::F64, std::slice::from_ref(&n));
                let lp = self.nd_open(std::slice::from_ref(&n));
                let k = lp.idx[0].clone();
                let x = self.flat_elem(&src, a.dtype, &k);
                self.flat_store(&buf, Dtype::F64, &k, &x);
                self.nd_close(lp);
                let is_median = f == ArrFn::Median;
                let is_pct = f == ArrFn::Percentile;
                let data = self.data(&buf);
                self.m
                    .declare("declare double @oxjit_rt_quantile_f64(ptr, i64, double)");
                let mut one = move |s: &mut Self, qv: V| -> R<V> {
                    let q = if is_median {
                        // A negative q asks the runtime for the median (mean of the middle two).
                        fconst(-1.0, Dtype::F64)
                    } else if is_pct {
                        let p = s.cast(qv, &Ty::F64);
                        s.val(&format!("fdiv double {}, 100.0", p.r))
                    } else {
                        s.cast(qv, &Ty::F64).r
                    };
                    if !is_median {
                        let b1 = s.val(&format!("fcmp ugt double {q}, 1.0"));
                        let b2 = s.val(&format!("fcmp olt double {q}, 0.0"));
                        let bad = s.val(&format!("or i1 {b1}, {b2}"));
                        let m = s.str_const(if is_pct {
                            "Percentiles must be in the range [0, 100]"
                        } else {
                            "Quantiles must be in the range [0, 1]"
                        });
                        s.raise_if(&bad, ExcKind::ValueError, &[m]);
                    }
                    Ok(V::new(
                        s.val(&format!(
                            "call double @oxjit_rt_quantile_f64(ptr {data}, i64 {n}, double {q})"
                        )),
                        Ty::F64,
                    ))
                };
                match args.get(1) {
                    Some(qv) if !is_median => {
                        let qv = qv.clone();
                        self.map_scalar_or_array(&qv, Dtype::F64, &mut one)
                    }
                    _ => one(self, V::new(fconst(0.5, Dtype::F64), Ty::F64)),
                }
            }
            ArrFn::Reshape | ArrFn::Ravel | ArrFn::Flatten => {
                let Ty::Array(a0) = args[0].ty.clone() else {
                    return ice("reshape arg");
                };
                // order='F' is the C operation on the transposes:
                // a.reshape(s, order='F') == a.T.reshape(s[::-1]).T.
                let fortran = matches!(self.arg_const(call, usize::MAX, "order"), Some(Const::Str(o)) if o == "F");
                let (base, a) = if fortran && a0.ndim > 1 {
                    let ta = ArrayTy {
                        layout: match a0.layout {
                            Layout::C => Layout::F,
                            Layout::F => Layout::C,
                            Layout::A => Layout::A,
                        },
                        ..a0
                    };
                    (self.transpose(&args[0], &a0, Ty::Array(ta))?, ta)
                } else {
                    (args[0].clone(), a0)
                };
                let total = self.nitems(&args[0]);
                let mut dims: Vec<String> = match f {
                    ArrFn::Reshape => match args.get(1).map(|v| v.ty.clone()) {
                        Some(Ty::Tuple(items)) if args.len() == 2 => (0..items.len())
                            .map(|i| {
                                let x = self.extract(&args[1], i, items[i].clone());
                                self.cast(x, &Ty::I64).r
                            })
                            .collect(),
                        _ => args[1..]
                            .iter()
                            .map(|v| self.cast(v.clone(), &Ty::I64).r)
                            .collect(),
                    },
                    _ => vec!["-1".into()],
                };
                let req = dims.clone();
                // One -1 is inferred from the size.
                let mut known = "1".to_string();
                let mut unknown = "false".to_string();
                for d in &dims {
                    let neg = self.val(&format!("icmp slt i64 {d}, 0"));
                    unknown = self.val(&format!("or i1 {unknown}, {neg}"));
                    let f1 = self.val(&format!("select i1 {neg}, i64 1, i64 {d}"));
                    known = self.val(&format!("mul i64 {known}, {f1}"));
                }
                let safe = self.val(&format!("icmp eq i64 {known}, 0"));
                let den = self.val(&format!("select i1 {safe}, i64 1, i64 {known}"));
                let inferred = self.val(&format!("sdiv i64 {total}, {den}"));
                for d in dims.iter_mut() {
                    let neg = self.val(&format!("icmp slt i64 {d}, 0"));
                    *d = self.val(&format!("select i1 {neg}, i64 {inferred}, i64 {d}"));
                }
                let mut prod = "1".to_string();
                for d in &dims {
                    prod = self.val(&format!("mul i64 {prod}, {d}"));
                }
                let bad = self.val(&format!("icmp ne i64 {prod}, {total}"));
                let _ = unknown;
                let mut pieces = vec![
                    self.str_const("cannot reshape array of size "),
                    V::new(total.clone(), Ty::I64),
                    self.str_const(" into shape ("),
                ];
                for (k, d) in req.iter().enumerate() {
                    if k > 0 {
                        pieces.push(self.str_const(","));
                    }
                    pieces.push(V::new(d.clone(), Ty::I64));
                }
                pieces.push(self.str_const(if req.len() == 1 { ",)" } else { ")" }));
                self.raise_if(&bad, ExcKind::ValueError, &pieces);
                let src = if f == ArrFn::Flatten {
                    self.copy_array(&base, &a)?
                } else {
                    self.as_c(&base, &a)?.0
                };
                if fortran && dims.len() > 1 {
                    let rev: Vec<String> = dims.iter().rev().cloned().collect();
                    let r = self.reshape_view(&src, a.dtype, &rev);
                    let ra = ArrayTy::new(a.dtype, rev.len() as u8, Layout::C);
                    return self.transpose(&r, &ra, ty);
                }
                Ok(self.reshape_view(&src, a.dtype, &dims))
            }
            ArrFn::AsContiguous => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("ascontiguousarray arg");
                };
                let (c, _) = self.as_c(&args[0], &a)?;
                Ok(self.cast(c, &ty))
            }
            ArrFn::Astype | ArrFn::Array if matches!(args[0].ty, Ty::Array(_)) => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("astype arg");
                };
                let oa = out_a.ok_or("astype type")?;
                let shape: Vec<String> = (0..a.ndim as usize)
                    .map(|d| self.shape(&args[0], d))
                    .collect();
                let out = self.alloc_array(oa.dtype, &shape);
                let ca = ArrayTy::new(oa.dtype, oa.ndim, Layout::C);
                let lp = self.nd_open(&shape);
                let p = self.nd_ptr(&args[0], &a, &lp.idx);
                let x = self.load_elem(a.dtype, &p);
                let x = self.cast(x, &Ty::Scalar(oa.dtype));
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&x, &q);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Array | ArrFn::Astype => {
                // From (nested) tuples/lists of scalars.
                let oa = out_a.ok_or("array type")?;
                let mut shape = Vec::new();
                let mut t = args[0].ty.clone();
                while let Ty::Tuple(items) = t {
                    shape.push(items.len().to_string());
                    t = items.first().cloned().unwrap_or(Ty::F64);
                }
                let out = self.alloc_array(oa.dtype, &shape);
                let mut k = 0usize;
                fn walk(s: &mut FnGen<'_, '_>, v: &V, out: &V, d: Dtype, k: &mut usize) {
                    match v.ty.clone() {
                        Ty::Tuple(items) => {
                            for (i, it) in items.iter().enumerate() {
                                let e = s.extract(v, i, it.clone());
                                walk(s, &e, out, d, k);
                            }
                        }
                        _ => {
                            s.flat_store(out, d, &k.to_string(), v);
                            *k += 1;
                        }
                    }
                }
                walk(self, &args[0], &out, oa.dtype, &mut k);
                Ok(out)
            }
            ArrFn::Eye | ArrFn::Identity => {
                let oa = out_a.ok_or("eye type")?;
                let n = self.cast(args[0].clone(), &Ty::I64).r;
                let m = match args.get(1) {
                    Some(v) if v.ty != Ty::NoneType => self.cast(v.clone(), &Ty::I64).r,
                    _ => n.clone(),
                };
                let k = match args.get(2) {
                    Some(v) => self.cast(v.clone(), &Ty::I64).r,
                    None => match self.kwarg(call, "k")? {
                        Some(v) => self.cast(v, &Ty::I64).r,
                        None => "0".into(),
                    },
                };
                let out = self.alloc_array(oa.dtype, &[n.clone(), m.clone()]);
                let ca = ArrayTy::new(oa.dtype, 2, Layout::C);
                self.init_array(&out, &ca, Alloc::Zeros, None)?;
                let lp = self.nd_open(std::slice::from_ref(&n));
                let i = lp.idx[0].clone();
                let j = self.val(&format!("add i64 {i}, {k}"));
                let ge = self.val(&format!("icmp sge i64 {j}, 0"));
                let lt = self.val(&format!("icmp slt i64 {j}, {m}"));
                let inb = self.val(&format!("and i1 {ge}, {lt}"));
                let (l1, l2) = (self.label("eyeset"), self.label("eyeskip"));
                self.cbr(&inb, &l1, &l2);
                self.start(&l1);
                let p = self.nd_ptr(&out, &ca, &[i.clone(), j]);
                let one = V::new(scalar_const(oa.dtype, 1.0), Ty::Scalar(oa.dtype));
                self.store_elem(&one, &p);
                self.start(&l2);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Concatenate | ArrFn::Vstack | ArrFn::Hstack => {
                let oa = out_a.ok_or("concatenate type")?;
                let Ty::Tuple(items) = args[0].ty.clone() else {
                    return ice("concatenate arg");
                };
                let vals: Vec<V> = (0..items.len())
                    .map(|i| self.extract(&args[0], i, items[i].clone()))
                    .collect();
                let in_nd = items[0].array().map(|a| a.ndim).unwrap_or(1) as usize;
                let axis = match f {
                    ArrFn::Concatenate => match self.kwarg(call, "axis")? {
                        Some(v) => {
                            let k = Self::const_int(&v).unwrap_or(0);
                            if k < 0 {
                                (k + in_nd as i64) as usize
                            } else {
                                k as usize
                            }
                        }
                        None => 0,
                    },
                    ArrFn::Hstack => usize::from(in_nd > 1),
                    _ => 0,
                };
                // vstack of 1-d arrays: each is one row.
                let rows = f == ArrFn::Vstack && in_nd == 1;
                let nd = oa.ndim as usize;
                let item_shape = |s: &mut Self, v: &V| -> Vec<String> {
                    let k = v.ty.array().map(|a| a.ndim).unwrap_or(1) as usize;
                    let mut sh: Vec<String> = (0..k).map(|d| s.shape(v, d)).collect();
                    if rows {
                        sh.insert(0, "1".into());
                    }
                    sh
                };
                let first = item_shape(self, &vals[0]);
                let mut total = "0".to_string();
                let mut bad = "false".to_string();
                for v in &vals {
                    let sh = item_shape(self, v);
                    total = self.val(&format!("add i64 {total}, {}", sh[axis]));
                    for d in 0..nd {
                        if d != axis {
                            let ne = self.val(&format!("icmp ne i64 {}, {}", sh[d], first[d]));
                            bad = self.val(&format!("or i1 {bad}, {ne}"));
                        }
                    }
                }
                let m = self.str_const("all the input array dimensions except for the concatenation axis must match exactly");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                let mut oshape = first.clone();
                oshape[axis] = total;
                let out = self.alloc_array(oa.dtype, &oshape);
                let ca = ArrayTy::new(oa.dtype, oa.ndim, Layout::C);
                let mut off = "0".to_string();
                for v in &vals {
                    let sh = item_shape(self, v);
                    // A view of the output covering this piece.
                    let mut idx = vec!["0".to_string(); nd];
                    idx[axis] = off.clone();
                    let p = self.nd_ptr(&out, &ca, &idx);
                    let strides: Vec<String> = (0..nd).map(|d| self.stride(&out, &ca, d)).collect();
                    let mi = self.val(&format!("extractvalue {} {}, 0", llty(&out.ty), out.r));
                    let va = ArrayTy {
                        layout: Layout::A,
                        ..ca
                    };
                    let view = self.make_array(&va, &mi, "null", &p, &sh, &strides);
                    let src = if rows {
                        let Ty::Array(ia) = v.ty.clone() else {
                            return ice("vstack item");
                        };
                        let row = ArrayTy {
                            ndim: 1,
                            layout: Layout::A,
                            ..va
                        };
                        let r1 = self.make_array(&row, &mi, "null", &p, &sh[1..], &strides[1..]);
                        self.assign_into(&r1, &row, v.clone())?;
                        let _ = ia;
                        off = self.val(&format!("add i64 {off}, 1"));
                        continue;
                    } else {
                        v.clone()
                    };
                    self.assign_into(&view, &va, src)?;
                    off = self.val(&format!("add i64 {off}, {}", sh[axis]));
                }
                Ok(out)
            }
            ArrFn::Searchsorted => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("searchsorted arg");
                };
                let right =
                    matches!(self.const_kw(call, "side"), Some(Const::Str(s)) if s == "right");
                let n = self.shape(&args[0], 0);
                let base = args[0].clone();
                let mut search = move |s: &mut Self, x: V| -> R<V> {
                    let pos = s.bisect("0", &n, &mut |s, mid| {
                        let p = s.nd_ptr(&base, &a, &[mid.to_string()]);
                        let am = s.load_elem(a.dtype, &p);
                        // left: a[mid] < x goes right; right: a[mid] <= x goes right.
                        let go_right0 = s.compare(
                            if right { CmpOp::Le } else { CmpOp::Lt },
                            am.clone(),
                            x.clone(),
                        )?;
                        // NaN sorts last: everything but a NaN is below a NaN key.
                        if !(a.dtype.is_float() && x.ty.scalar().is_some_and(|d| d.is_float())) {
                            return Ok(go_right0);
                        }
                        let lt = llty(&x.ty);
                        let xn = s.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                        let an = s.val(&format!("fcmp uno {} {}, 0.0", llty(&am.ty), am.r));
                        let aok = s.val(&format!("xor i1 {an}, true"));
                        let below = if right {
                            xn.clone()
                        } else {
                            s.val(&format!("and i1 {xn}, {aok}"))
                        };
                        Ok(s.val(&format!("or i1 {go_right0}, {below}")))
                    })?;
                    Ok(V::new(pos, Ty::I64))
                };
                self.map_scalar_or_array(&args[1], Dtype::I64, &mut search)
            }
            ArrFn::Interp => {
                let (Ty::Array(xa), Ty::Array(fa)) = (args[1].ty.clone(), args[2].ty.clone())
                else {
                    return ice("interp args");
                };
                let (xp, fp) = (args[1].clone(), args[2].clone());
                let n = self.shape(&xp, 0);
                let nf = self.shape(&fp, 0);
                let bad = self.val(&format!("icmp ne i64 {n}, {nf}"));
                let m = self.str_const("fp and xp are not of the same length.");
                self.raise_if(&bad, ExcKind::ValueError, &[m]);
                let empty = self.val(&format!("icmp eq i64 {n}, 0"));
                let m = self.str_const("array of sample points is empty");
                self.raise_if(&empty, ExcKind::ValueError, &[m]);
                let mut one = move |s: &mut Self, x: V| -> R<V> {
                    let x = s.cast(x, &Ty::F64).r;
                    let elt = |s: &mut Self, v: &V, a: &ArrayTy, i: &str| {
                        let p = s.nd_ptr(v, a, &[i.to_string()]);
                        let e = s.load_elem(a.dtype, &p);
                        s.cast(e, &Ty::F64).r
                    };
                    // Binary search for the last xp[j] <= x.
                    let cnt = s.bisect("0", &n, &mut |s, mid| {
                        let am = elt(s, &xp, &xa, mid);
                        Ok(s.val(&format!("fcmp ole double {am}, {x}")))
                    })?;
                    // j = clamp(cnt - 1, 0, n - 2)
                    let j0 = s.val(&format!("sub i64 {cnt}, 1"));
                    let nm2 = s.val(&format!("sub i64 {n}, 2"));
                    let lo0 = s.val(&format!("icmp slt i64 {j0}, 0"));
                    let j1 = s.val(&format!("select i1 {lo0}, i64 0, i64 {j0}"));
                    let hi0 = s.val(&format!("icmp sgt i64 {j1}, {nm2}"));
                    let j2 = s.val(&format!("select i1 {hi0}, i64 {nm2}, i64 {j1}"));
                    let neg = s.val(&format!("icmp slt i64 {j2}, 0"));
                    let j = s.val(&format!("select i1 {neg}, i64 0, i64 {j2}"));
                    let j1x = s.val(&format!("add i64 {j}, 1"));
                    let nm1 = s.val(&format!("sub i64 {n}, 1"));
                    let over = s.val(&format!("icmp sgt i64 {j1x}, {nm1}"));
                    let jn = s.val(&format!("select i1 {over}, i64 {nm1}, i64 {j1x}"));
                    let x0 = elt(s, &xp, &xa, &j);
                    let x1 = elt(s, &xp, &xa, &jn);
                    let f0 = elt(s, &fp, &fa, &j);
                    let f1 = elt(s, &fp, &fa, &jn);
                    let first = elt(s, &fp, &fa, "0");
                    let last = elt(s, &fp, &fa, &nm1);
                    let xfirst = elt(s, &xp, &xa, "0");
                    let xlast = elt(s, &xp, &xa, &nm1);
                    let dx = s.val(&format!("fsub double {x1}, {x0}"));
                    let df = s.val(&format!("fsub double {f1}, {f0}"));
                    let slope = s.val(&format!("fdiv double {df}, {dx}"));
                    let t = s.val(&format!("fsub double {x}, {x0}"));
                    let inc = s.val(&format!("fmul double {slope}, {t}"));
                    let mid_v = s.val(&format!("fadd double {f0}, {inc}"));
                    // Exact hits on a sample point return that sample.
                    let hit = s.val(&format!("fcmp oeq double {x}, {x0}"));
                    let mid_v = s.val(&format!("select i1 {hit}, double {f0}, double {mid_v}"));
                    let below = s.val(&format!("fcmp olt double {x}, {xfirst}"));
                    let above = s.val(&format!("fcmp ogt double {x}, {xlast}"));
                    let ateq = s.val(&format!("fcmp oeq double {x}, {xlast}"));
                    let r1 = s.val(&format!("select i1 {ateq}, double {last}, double {mid_v}"));
                    let r2 = s.val(&format!("select i1 {above}, double {last}, double {r1}"));
                    let r3 = s.val(&format!("select i1 {below}, double {first}, double {r2}"));
                    let isnan = s.val(&format!("fcmp uno double {x}, 0.0"));
                    let r4 = s.val(&format!("select i1 {isnan}, double {x}, double {r3}"));
                    Ok(V::new(r4, Ty::F64))
                };
                self.map_scalar_or_array(&args[0], Dtype::F64, &mut one)
            }
            ArrFn::Convolve => {
                let (Ty::Array(a), Ty::Array(b)) = (args[0].ty.clone(), args[1].ty.clone()) else {
                    return ice("convolve args");
                };
                let oa = out_a.ok_or("convolve type")?;
                let n = self.shape(&args[0], 0);
                let m = self.shape(&args[1], 0);
                let e1 = self.val(&format!("icmp eq i64 {n}, 0"));
                let msg = self.str_const("a cannot be empty");
                self.raise_if(&e1, ExcKind::ValueError, &[msg]);
                let e2 = self.val(&format!("icmp eq i64 {m}, 0"));
                let msg = self.str_const("v cannot be empty");
                self.raise_if(&e2, ExcKind::ValueError, &[msg]);
                let len0 = self.val(&format!("add i64 {n}, {m}"));
                let len = self.val(&format!("sub i64 {len0}, 1"));
                let out = self.alloc_array(oa.dtype, std::slice::from_ref(&len));
                let ca = ArrayTy::new(oa.dtype, 1, Layout::C);
                self.init_array(&out, &ca, Alloc::Zeros, None)?;
                let et = Ty::Scalar(oa.dtype);
                let lp = self.nd_open(&[n.clone(), m.clone()]);
                let (i, j) = (lp.idx[0].clone(), lp.idx[1].clone());
                let pa = self.nd_ptr(&args[0], &a, std::slice::from_ref(&i));
                let pb = self.nd_ptr(&args[1], &b, std::slice::from_ref(&j));
                let x = self.load_elem(a.dtype, &pa);
                let y = self.load_elem(b.dtype, &pb);
                let x = self.cast(x, &et);
                let y = self.cast(y, &et);
                let prod = self.binop_same(BinOp::Mul, &x, &y)?;
                let k = self.val(&format!("add i64 {i}, {j}"));
                let po = self.nd_ptr(&out, &ca, &[k]);
                let cur = self.load_elem(oa.dtype, &po);
                let nv = self.binop_same(BinOp::Add, &cur, &V::new(prod, et.clone()))?;
                self.store_elem(&V::new(nv, et.clone()), &po);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Nonzero => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("nonzero arg");
                };
                let nd = a.ndim as usize;
                let outs = self.select_true(
                    &args[0],
                    &a,
                    |s, total| {
                        (0..nd)
                            .map(|_| s.alloc_array(Dtype::I64, &[total.to_string()]))
                            .collect::<Vec<V>>()
                    },
                    |s, outs, i, c, _| {
                        for (d, o) in outs.iter().enumerate() {
                            s.flat_store(o, Dtype::I64, c, &V::new(i[d].clone(), Ty::I64));
                        }
                        Ok(())
                    },
                )?;
                Ok(self.build_tuple(outs))
            }
            ArrFn::Argsort => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("argsort arg");
                };
                let copy = self.copy_array(&args[0], &a)?;
                let n = self.nitems(&copy);
                let out = self.alloc_array(Dtype::I64, std::slice::from_ref(&n));
                let (data, od) = (self.data(&copy), self.data(&out));
                let tn = if a.dtype == Dtype::Bool {
                    2
                } else {
                    a.dtype.numpy_type_num()
                };
                self.m
                    .declare("declare void @oxjit_rt_argsort(ptr, i64, i32, ptr)");
                self.emit(&format!(
                    "call void @oxjit_rt_argsort(ptr {data}, i64 {n}, i32 {tn}, ptr {od})"
                ));
                Ok(out)
            }
            ArrFn::Unique => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("unique arg");
                };
                let copy = self.copy_array(&args[0], &a)?;
                let n = self.nitems(&copy);
                let data = self.data(&copy);
                let tn = if a.dtype == Dtype::Bool {
                    2
                } else {
                    a.dtype.numpy_type_num()
                };
                self.m.declare("declare void @oxjit_rt_sort(ptr, i64, i32)");
                self.emit(&format!(
                    "call void @oxjit_rt_sort(ptr {data}, i64 {n}, i32 {tn})"
                ));
                // Count distinct neighbours, then copy them out.
                let cnt = self.alloca("i64");
                self.emit(&format!("store i64 0, ptr {cnt}"));
                for pass in 0..2 {
                    let out = if pass == 1 {
                        let total = self.val(&format!("load i64, ptr {cnt}"));
                        self.emit(&format!("store i64 0, ptr {cnt}"));
                        Some(self.alloc_array(a.dtype, std::slice::from_ref(&total)))
                    } else {
                        None
                    };
                    let lp = self.nd_open(std::slice::from_ref(&n));
                    let k = lp.idx[0].clone();
                    let x = self.flat_elem(&copy, a.dtype, &k);
                    let first = self.val(&format!("icmp eq i64 {k}, 0"));
                    let km = self.val(&format!("select i1 {first}, i64 0, i64 {k}"));
                    let km = self.val(&format!("sub i64 {km}, 1"));
                    let km = self.val(&format!("select i1 {first}, i64 0, i64 {km}"));
                    let prev = self.flat_elem(&copy, a.dtype, &km);
                    let same = self.compare(CmpOp::Eq, x.clone(), prev)?;
                    let nf = self.val(&format!("xor i1 {first}, true"));
                    let dup = self.val(&format!("and i1 {same}, {nf}"));
                    let (l1, l2) = (self.label("uq"), self.label("uqs"));
                    self.cbr(&dup, &l2, &l1);
                    self.start(&l1);
                    let c = self.val(&format!("load i64, ptr {cnt}"));
                    if let Some(o) = &out {
                        self.flat_store(o, a.dtype, &c, &x);
                    }
                    let c1 = self.val(&format!("add i64 {c}, 1"));
                    self.emit(&format!("store i64 {c1}, ptr {cnt}"));
                    self.start(&l2);
                    self.nd_close(lp);
                    if let Some(o) = out {
                        return Ok(o);
                    }
                }
                ice("unique")
            }
            ArrFn::Flip => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("flip arg");
                };
                let oa = out_a.ok_or("flip type")?;
                let nd = a.ndim as usize;
                let mut off = "0".to_string();
                let mut shape = Vec::new();
                let mut strides = Vec::new();
                for d in 0..nd {
                    let n = self.shape(&args[0], d);
                    let st = self.stride(&args[0], &a, d);
                    let last = self.val(&format!("sub i64 {n}, 1"));
                    let pos = self.val(&format!("icmp sgt i64 {last}, 0"));
                    let last = self.val(&format!("select i1 {pos}, i64 {last}, i64 0"));
                    let t = self.val(&format!("mul i64 {last}, {st}"));
                    off = self.val(&format!("add i64 {off}, {t}"));
                    shape.push(n);
                    strides.push(self.val(&format!("sub i64 0, {st}")));
                }
                let data = self.data(&args[0]);
                let p = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
                let lt = llty(&args[0].ty);
                let mi = self.val(&format!("extractvalue {lt} {}, 0", args[0].r));
                let parent = self.val(&format!("extractvalue {lt} {}, 1", args[0].r));
                Ok(self.make_array(&oa, &mi, &parent, &p, &shape, &strides))
            }
            ArrFn::Meshgrid => {
                let Ty::Tuple(items) = ty.clone() else {
                    return ice("meshgrid type");
                };
                let Ty::Array(oa) = items[0].clone() else {
                    return ice("meshgrid type");
                };
                let (Ty::Array(xa), Ty::Array(ya)) = (args[0].ty.clone(), args[1].ty.clone())
                else {
                    return ice("meshgrid args");
                };
                let nx = self.shape(&args[0], 0);
                let ny = self.shape(&args[1], 0);
                let sh = [ny.clone(), nx.clone()];
                let gx = self.alloc_array(oa.dtype, &sh);
                let gy = self.alloc_array(oa.dtype, &sh);
                let ca = ArrayTy::new(oa.dtype, 2, Layout::C);
                let lp = self.nd_open(&sh);
                let (i, j) = (lp.idx[0].clone(), lp.idx[1].clone());
                let px = self.nd_ptr(&args[0], &xa, std::slice::from_ref(&j));
                let x = self.load_elem(xa.dtype, &px);
                let x = self.cast(x, &Ty::Scalar(oa.dtype));
                let py = self.nd_ptr(&args[1], &ya, std::slice::from_ref(&i));
                let y = self.load_elem(ya.dtype, &py);
                let y = self.cast(y, &Ty::Scalar(oa.dtype));
                let q = self.nd_ptr(&gx, &ca, &lp.idx);
                self.store_elem(&x, &q);
                let q = self.nd_ptr(&gy, &ca, &lp.idx);
                self.store_elem(&y, &q);
                self.nd_close(lp);
                Ok(self.build_tuple(vec![gx, gy]))
            }
            ArrFn::Logspace => {
                let start = self.cast(args[0].clone(), &Ty::F64).r;
                let stop = self.cast(args[1].clone(), &Ty::F64).r;
                let num = match (args.get(2), self.kwarg(call, "num")?) {
                    (Some(n), _) => self.cast(n.clone(), &Ty::I64).r,
                    (None, Some(n)) => self.cast(n, &Ty::I64).r,
                    _ => "50".into(),
                };
                let neg = self.val(&format!("icmp slt i64 {num}, 0"));
                let m = self.str_const("Number of samples must be non-negative.");
                self.raise_if(&neg, ExcKind::ValueError, &[m]);
                let out = self.alloc_array(Dtype::F64, std::slice::from_ref(&num));
                let div0 = self.val(&format!("sub i64 {num}, 1"));
                let z = self.val(&format!("icmp slt i64 {div0}, 1"));
                let div = self.val(&format!("select i1 {z}, i64 1, i64 {div0}"));
                let divf = self.val(&format!("sitofp i64 {div} to double"));
                let delta = self.val(&format!("fsub double {stop}, {start}"));
                let step = self.val(&format!("fdiv double {delta}, {divf}"));
                let pw = self.intrinsic("pow", Dtype::F64, 2);
                let lp = self.nd_open(std::slice::from_ref(&num));
                let k = lp.idx[0].clone();
                let fk = self.val(&format!("sitofp i64 {k} to double"));
                let e0 = self.val(&format!("fmul double {fk}, {step}"));
                let e1 = self.val(&format!("fadd double {e0}, {start}"));
                let at_end = self.val(&format!("icmp eq i64 {k}, {div0}"));
                let many = self.val(&format!("icmp sgt i64 {num}, 1"));
                let last = self.val(&format!("and i1 {at_end}, {many}"));
                let e = self.val(&format!("select i1 {last}, double {stop}, double {e1}"));
                let x = self.val(&format!("call double {pw}(double 10.0, double {e})"));
                self.flat_store(&out, Dtype::F64, &k, &V::new(x, Ty::F64));
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Average => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("average arg");
                };
                let w = self.kwarg(call, "weights")?;
                let out_t = ty.clone();
                match w.filter(|v| v.ty != Ty::NoneType) {
                    None => self.reduce(Reduce::Mean, &args[0], &a, out_t),
                    Some(wv) => {
                        let Ty::Array(wa) = wv.ty.clone() else {
                            return ice("weights");
                        };
                        let mut leaves = vec![args[0].clone(), wv.clone()];
                        let nd = a.ndim.max(wa.ndim) as usize;
                        let shape = self.broadcast_shape(&leaves, nd)?;
                        let bflags = self.broadcast_flags(&leaves);
                        let node = Node::Bin(
                            BinOp::Mul,
                            Box::new(Node::Leaf(0)),
                            Box::new(Node::Leaf(1)),
                            if a.dtype.is_complex() {
                                Dtype::C128
                            } else {
                                Dtype::F64
                            },
                        );
                        let lv = std::mem::take(&mut leaves);
                        let od = out_t.scalar().unwrap_or(Dtype::F64);
                        let mut get = |s: &mut Self, idx: &[String]| -> R<V> {
                            s.eval_at(&node, &lv, &bflags, nd, idx)
                        };
                        let num = self.reduce_seq(Reduce::Sum, &shape, &mut get, od, od)?;
                        let den = self.reduce(Reduce::Sum, &wv, &wa, Ty::F64)?;
                        let zero = self.val(&format!("fcmp oeq double {}, 0.0", den.r));
                        let m = self.str_const("Weights sum to zero, can't be normalized");
                        self.raise_if(&zero, ExcKind::ZeroDivisionError, &[m]);
                        let den = self.cast(den, &out_t);
                        let q = self.binop_same(BinOp::Div, &num, &den)?;
                        Ok(V::new(q, out_t))
                    }
                }
            }
            ArrFn::Flatnonzero => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("flatnonzero arg");
                };
                self.select_true(
                    &args[0],
                    &a,
                    |s, total| s.alloc_array(Dtype::I64, &[total.to_string()]),
                    |s, out, _, c, k| {
                        s.flat_store(out, Dtype::I64, c, &V::new(k.to_string(), Ty::I64));
                        Ok(())
                    },
                )
            }
            ArrFn::AsArray => match args[0].ty.clone() {
                Ty::Array(_) if matches!(ty, Ty::Array(_)) && args[0].ty == ty => {
                    Ok(args[0].clone())
                }
                _ => self.arr_fn(ArrFn::Array, args, call, ty),
            },
            ArrFn::Norm => self.norm(&args, call, ty),
            ArrFn::Trace => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("trace arg");
                };
                let od = ty.scalar().ok_or("trace type")?;
                let n0 = self.shape(&args[0], 0);
                let n1 = self.shape(&args[0], 1);
                let lt = self.val(&format!("icmp slt i64 {n0}, {n1}"));
                let n = self.val(&format!("select i1 {lt}, i64 {n0}, i64 {n1}"));
                let (vv, aa) = (args[0].clone(), a);
                let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
                    let p = s.nd_ptr(&vv, &aa, &[idx[0].clone(), idx[0].clone()]);
                    Ok(s.load_elem(aa.dtype, &p))
                };
                self.reduce_seq(Reduce::Sum, &[n], &mut get, a.dtype, od)
            }
            ArrFn::Outer => {
                let (Ty::Array(xa), Ty::Array(ya)) = (args[0].ty.clone(), args[1].ty.clone())
                else {
                    return ice("outer args");
                };
                let oa = out_a.ok_or("outer type")?;
                let (xs, _) = self.as_c(&args[0], &xa)?;
                let (ys, _) = self.as_c(&args[1], &ya)?;
                let n = self.nitems(&xs);
                let m = self.nitems(&ys);
                let out = self.alloc_array(oa.dtype, &[n.clone(), m.clone()]);
                let ca = ArrayTy::new(oa.dtype, 2, Layout::C);
                let et = Ty::Scalar(oa.dtype);
                let lp = self.nd_open(&[n, m]);
                let x = self.flat_elem(&xs, xa.dtype, &lp.idx[0].clone());
                let y = self.flat_elem(&ys, ya.dtype, &lp.idx[1].clone());
                let x = self.cast(x, &et);
                let y = self.cast(y, &et);
                let pr = self.binop_same(BinOp::Mul, &x, &y)?;
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&V::new(pr, et.clone()), &q);
                self.nd_close(lp);
                Ok(out)
            }
            ArrFn::Vdot => {
                let (Ty::Array(xa), Ty::Array(ya)) = (args[0].ty.clone(), args[1].ty.clone())
                else {
                    return ice("vdot args");
                };
                let out_d = ty.scalar().ok_or("vdot type")?;
                // Booleans: count in int64, then the truth of the count.
                let od = if out_d == Dtype::Bool {
                    Dtype::I64
                } else {
                    out_d
                };
                let (xs, _) = self.as_c(&args[0], &xa)?;
                let (ys, _) = self.as_c(&args[1], &ya)?;
                let n = self.nitems(&xs);
                let m = self.nitems(&ys);
                let bad = self.val(&format!("icmp ne i64 {n}, {m}"));
                let msg = self.str_const("vectors have different lengths");
                self.raise_if(&bad, ExcKind::ValueError, &[msg]);
                let et = Ty::Scalar(od);
                let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
                    let x = s.flat_elem(&xs, xa.dtype, &idx[0]);
                    let y = s.flat_elem(&ys, ya.dtype, &idx[0]);
                    let x = s.cast(x, &et);
                    let x = if od.is_complex() {
                        let (re, im) = s.complex_parts(&x);
                        let ni = s.val(&format!("fneg {} {im}", scalar_ty(od.real_part())));
                        s.complex(od, &re, &ni)
                    } else {
                        x
                    };
                    let y = s.cast(y, &et);
                    Ok(V::new(s.binop_same(BinOp::Mul, &x, &y)?, et.clone()))
                };
                let r = self.reduce_seq(Reduce::Sum, &[n], &mut get, od, od)?;
                Ok(self.cast(r, &Ty::Scalar(out_d)))
            }
            ArrFn::Allclose => {
                let rtol = match self.kwarg(call, "rtol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-5, Dtype::F64),
                };
                let atol = match self.kwarg(call, "atol")? {
                    Some(v) => self.cast(v, &Ty::F64).r,
                    None => fconst(1e-8, Dtype::F64),
                };
                let leaves = args.clone();
                let nd = leaves
                    .iter()
                    .map(|v| v.ty.array().map_or(0, |a| a.ndim as usize))
                    .max()
                    .unwrap_or(0);
                let shape = self.broadcast_shape(&leaves, nd)?;
                let bflags = self.broadcast_flags(&leaves);
                let mut get = |s: &mut Self, idx: &[String]| -> R<V> {
                    let mut vals = Vec::new();
                    for (li, v) in leaves.iter().enumerate() {
                        match v.ty.clone() {
                            Ty::Array(la) => {
                                let k = la.ndim as usize;
                                let ix: Vec<String> = (0..k)
                                    .map(|j| {
                                        let i = idx[nd - k + j].clone();
                                        let f = bflags[li][j].clone();
                                        s.val(&format!("select i1 {f}, i64 0, i64 {i}"))
                                    })
                                    .collect();
                                let p = s.nd_ptr(v, &la, &ix);
                                let e = s.load_elem(la.dtype, &p);
                                vals.push(s.cast(e, &Ty::F64).r);
                            }
                            _ => vals.push(s.cast(v.clone(), &Ty::F64).r),
                        }
                    }
                    Ok(V::new(
                        s.isclose(&vals[0], &vals[1], &rtol, &atol),
                        Ty::BOOL,
                    ))
                };
                self.reduce_seq(Reduce::All, &shape, &mut get, Dtype::Bool, Dtype::Bool)
            }
            ArrFn::Sort => {
                let Ty::Array(a) = args[0].ty.clone() else {
                    return ice("sort arg");
                };
                let copy = self.copy_array(&args[0], &a)?;
                let n = self.nitems(&copy);
                let data = self.data(&copy);
                let tn = if a.dtype == Dtype::Bool {
                    2
                } else {
                    a.dtype.numpy_type_num()
                };
                self.m.declare("declare void @oxjit_rt_sort(ptr, i64, i32)");
                // Each row along the last axis of the C-contiguous copy.
                let nd = a.ndim as usize;
                let len = self.shape(&copy, nd - 1);
                let z = self.val(&format!("icmp eq i64 {len}, 0"));
                let safe = self.val(&format!("select i1 {z}, i64 1, i64 {len}"));
                let rows = self.val(&format!("sdiv i64 {n}, {safe}"));
                let lp = self.nd_open(std::slice::from_ref(&rows));
                let off = self.val(&format!("mul i64 {}, {len}", lp.idx[0]));
                let off = self.val(&format!("mul i64 {off}, {}", a.dtype.size()));
                let rp = self.val(&format!("getelementptr i8, ptr {data}, i64 {off}"));
                self.emit(&format!(
                    "call void @oxjit_rt_sort(ptr {rp}, i64 {len}, i32 {tn})"
                ));
                self.nd_close(lp);
                if ty == Ty::NoneType {
                    // a.sort(): in place.
                    let ca = ArrayTy::new(a.dtype, a.ndim, Layout::C);
                    self.assign_into(&args[0], &a, V::new(copy.r.clone(), Ty::Array(ca)))?;
                    return Ok(V::unit(Ty::NoneType));
                }
                Ok(copy)
            }
        }
    }

    /// Apply a scalar function to a scalar, or element-wise to an array.
    fn map_scalar_or_array(
        &mut self,
        x: &V,
        out_d: Dtype,
        f: &mut dyn FnMut(&mut Self, V) -> R<V>,
    ) -> R<V> {
        match x.ty.clone() {
            Ty::Array(xa) => {
                let shape: Vec<String> = (0..xa.ndim as usize).map(|d| self.shape(x, d)).collect();
                let out = self.alloc_array(out_d, &shape);
                let ca = ArrayTy::new(out_d, xa.ndim, Layout::C);
                let lp = self.nd_open(&shape);
                let p = self.nd_ptr(x, &xa, &lp.idx);
                let e = self.load_elem(xa.dtype, &p);
                let r = f(self, e)?;
                let r = self.cast(r, &Ty::Scalar(out_d));
                let q = self.nd_ptr(&out, &ca, &lp.idx);
                self.store_elem(&r, &q);
                self.nd_close(lp);
                Ok(out)
            }
            _ => f(self, x.clone()),
        }
    }

    /// Reduce a whole array (any layout) to a scalar.
    fn reduce(&mut self, r: Reduce, v: &V, a: &ArrayTy, ty: Ty) -> R<V> {
        let out = ty.scalar().ok_or("reduce type")?;
        let shape: Vec<String> = (0..a.ndim as usize).map(|d| self.shape(v, d)).collect();
        let (vv, aa) = (v.clone(), *a);
        let mut get = move |s: &mut Self, idx: &[String]| -> R<V> {
            let p = s.nd_ptr(&vv, &aa, idx);
            Ok(s.load_elem(aa.dtype, &p))
        };
        self.reduce_seq(r, &shape, &mut get, a.dtype, out)
    }

    /// The array itself when C-contiguous, else a C-contiguous copy.
    fn as_c(&mut self, v: &V, a: &ArrayTy) -> R<(V, ArrayTy)> {
        if a.layout == Layout::C {
            return Ok((v.clone(), *a));
        }
        let c = self.copy_array(v, a)?;
        Ok((
            c,
            ArrayTy {
                layout: Layout::C,
                readonly: false,
                ..*a
            },
        ))
    }

    /// Reduce `n` elements produced by `get(k)`.
    fn reduce_seq(
        &mut self,
        r: Reduce,
        shape: &[String],
        get: &mut dyn FnMut(&mut Self, &[String]) -> R<V>,
        d: Dtype,
        out: Dtype,
    ) -> R<V> {
        let float_of = |d: Dtype| {
            if d.is_float() || d.is_complex() {
                d
            } else {
                Dtype::F64
            }
        };
        let mut n = "1".to_string();
        for d in shape {
            n = self.val(&format!("mul i64 {n}, {d}"));
        }
        let n = n.as_str();
        let zeros: Vec<String> = vec!["0".to_string(); shape.len()];
        if d.is_float() && matches!(r, Reduce::NanSum | Reduce::NanMean) {
            // NaN counts as missing: summed as zero, not counted.
            let dt = scalar_ty(d);
            let mut g2 = |s: &mut Self, idx: &[String]| -> R<V> {
                let x = get(s, idx)?;
                let nan = s.val(&format!("fcmp uno {dt} {}, 0.0", x.r));
                Ok(V::new(
                    s.val(&format!("select i1 {nan}, {dt} 0.0, {dt} {}", x.r)),
                    x.ty,
                ))
            };
            let sum = self.reduce_seq(
                Reduce::Sum,
                shape,
                &mut g2,
                d,
                if r == Reduce::NanSum { out } else { d },
            )?;
            if r == Reduce::NanSum {
                return Ok(sum);
            }
            let mut g3 = |s: &mut Self, idx: &[String]| -> R<V> {
                let x = get(s, idx)?;
                Ok(V::new(
                    s.val(&format!("fcmp ord {dt} {}, 0.0", x.r)),
                    Ty::BOOL,
                ))
            };
            let cnt = self.reduce_seq(
                Reduce::CountNonzero,
                shape,
                &mut g3,
                Dtype::Bool,
                Dtype::I64,
            )?;
            let cf = self.cast(cnt, &Ty::Scalar(d));
            let q = self.val(&format!("fdiv {dt} {}, {}", sum.r, cf.r));
            return Ok(self.cast(V::new(q, Ty::Scalar(d)), &Ty::Scalar(out)));
        }
        let (r, skip_nan) = match r {
            Reduce::NanSum => (Reduce::Sum, false),
            Reduce::NanMean => (Reduce::Mean, false),
            Reduce::NanMax => (Reduce::Max, d.is_float()),
            Reduce::NanMin => (Reduce::Min, d.is_float()),
            Reduce::NanVar => (Reduce::Var, d.is_float()),
            Reduce::NanStd => (Reduce::Std, d.is_float()),
            other => (other, false),
        };
        match r {
            Reduce::Min | Reduce::Max | Reduce::Argmin | Reduce::Argmax => {
                let is_arg = matches!(r, Reduce::Argmin | Reduce::Argmax);
                let is_min = matches!(r, Reduce::Min | Reduce::Argmin);
                let empty = self.val(&format!("icmp eq i64 {n}, 0"));
                let msg = match r {
                    Reduce::Min => {
                        "zero-size array to reduction operation minimum which has no identity"
                    }
                    Reduce::Max => {
                        "zero-size array to reduction operation maximum which has no identity"
                    }
                    Reduce::Argmin => "attempt to get argmin of an empty sequence",
                    _ => "attempt to get argmax of an empty sequence",
                };
                let m = self.str_const(msg);
                self.raise_if(&empty, ExcKind::ValueError, &[m]);
                let et = Ty::Scalar(d);
                let lt = llty(&et);
                let best = self.alloca(&lt);
                let bi = self.alloca("i64");
                let first = get(self, &zeros)?;
                let ctr = self.alloca("i64");
                self.emit(&format!("store i64 0, ptr {ctr}"));
                self.emit(&format!("store i64 0, ptr {bi}"));
                self.store(&first, &best);
                let lp = self.nd_open(shape);
                let k = self.val(&format!("load i64, ptr {ctr}"));
                let k1 = self.val(&format!("add i64 {k}, 1"));
                self.emit(&format!("store i64 {k1}, ptr {ctr}"));
                let x = get(self, &lp.idx)?;
                let cur = self.load(&et, &best);
                let take = if d.is_complex() {
                    // NumPy orders complex numbers lexicographically.
                    let (xr, xi) = self.complex_parts(&x);
                    let (cr, ci) = self.complex_parts(&cur);
                    let ft = scalar_ty(d.real_part());
                    let (p1, p2) = if is_min {
                        ("olt", "olt")
                    } else {
                        ("ogt", "ogt")
                    };
                    let a1 = self.val(&format!("fcmp {p1} {ft} {xr}, {cr}"));
                    let eq = self.val(&format!("fcmp oeq {ft} {xr}, {cr}"));
                    let a2 = self.val(&format!("fcmp {p2} {ft} {xi}, {ci}"));
                    let a3 = self.val(&format!("and i1 {eq}, {a2}"));
                    self.val(&format!("or i1 {a1}, {a3}"))
                } else {
                    let better = self.compare(
                        if is_min { CmpOp::Lt } else { CmpOp::Gt },
                        x.clone(),
                        cur.clone(),
                    )?;
                    if d.is_float() && skip_nan {
                        // nanmax/nanmin: NaN loses (an all-NaN input stays NaN).
                        let xo = self.val(&format!("fcmp ord {lt} {}, 0.0", x.r));
                        let cn = self.val(&format!("fcmp uno {lt} {}, 0.0", cur.r));
                        let b2 = self.val(&format!("or i1 {better}, {cn}"));
                        self.val(&format!("and i1 {b2}, {xo}"))
                    } else if d.is_float() {
                        // NaN wins (and the first NaN stays).
                        let xn = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                        let cn = self.val(&format!("fcmp ord {lt} {}, 0.0", cur.r));
                        let nan = self.val(&format!("and i1 {xn}, {cn}"));
                        self.val(&format!("or i1 {better}, {nan}"))
                    } else {
                        better
                    }
                };
                let nb = self.val(&format!("select i1 {take}, {lt} {}, {lt} {}", x.r, cur.r));
                self.emit(&format!("store {lt} {nb}, ptr {best}"));
                let ci = self.val(&format!("load i64, ptr {bi}"));
                let ni = self.val(&format!("select i1 {take}, i64 {k}, i64 {ci}"));
                self.emit(&format!("store i64 {ni}, ptr {bi}"));
                self.nd_close(lp);
                if is_arg {
                    return Ok(V::new(self.val(&format!("load i64, ptr {bi}")), Ty::I64));
                }
                let b = self.load(&et, &best);
                Ok(self.cast(b, &Ty::Scalar(out)))
            }
            Reduce::Sum
            | Reduce::Prod
            | Reduce::Mean
            | Reduce::CountNonzero
            | Reduce::Any
            | Reduce::All => {
                let acc_d = match r {
                    Reduce::Mean => float_of(self.mean_dtype.unwrap_or(d)),
                    Reduce::CountNonzero => Dtype::I64,
                    Reduce::Any | Reduce::All => Dtype::Bool,
                    _ => out,
                };
                let at = Ty::Scalar(acc_d);
                let acc = self.alloca(scalar_ty(acc_d));
                let init = match r {
                    Reduce::Prod => scalar_const(acc_d, 1.0),
                    Reduce::All => "true".into(),
                    _ => scalar_const(acc_d, 0.0),
                };
                self.emit(&format!("store {} {init}, ptr {acc}", scalar_ty(acc_d)));
                let lp = self.nd_open(shape);
                let x = get(self, &lp.idx)?;
                let cur = self.load(&at, &acc);
                let nv = match r {
                    Reduce::CountNonzero => {
                        let t = self.truth(&x)?;
                        let z = self.val(&format!("zext i1 {t} to i64"));
                        self.val(&format!("add i64 {}, {z}", cur.r))
                    }
                    Reduce::Any => {
                        let t = self.truth(&x)?;
                        self.val(&format!("or i1 {}, {t}", cur.r))
                    }
                    Reduce::All => {
                        let t = self.truth(&x)?;
                        self.val(&format!("and i1 {}, {t}", cur.r))
                    }
                    _ => {
                        let x = self.cast(x, &at);
                        self.binop_same(
                            if r == Reduce::Prod {
                                BinOp::Mul
                            } else {
                                BinOp::Add
                            },
                            &cur,
                            &x,
                        )?
                    }
                };
                self.emit(&format!("store {} {nv}, ptr {acc}", scalar_ty(acc_d)));
                self.nd_close(lp);
                let res = self.load(&at, &acc);
                if r == Reduce::Mean {
                    let nf = V::new(self.val(&format!("sitofp i64 {n} to double")), Ty::F64);
                    let nf = self.cast(nf, &at);
                    // Empty arrays give nan (NumPy), not ZeroDivisionError.
                    let saved = self.m.opts.error_model_numpy;
                    self.m.opts.error_model_numpy = true;
                    let q = self.binop_same(BinOp::Div, &res, &nf);
                    self.m.opts.error_model_numpy = saved;
                    let q = q?;
                    return Ok(self.cast(V::new(q, at), &Ty::Scalar(out)));
                }
                Ok(self.cast(res, &Ty::Scalar(out)))
            }
            Reduce::NanSum
            | Reduce::NanMean
            | Reduce::NanMax
            | Reduce::NanMin
            | Reduce::NanVar
            | Reduce::NanStd => ice("nan reduction mapping"),
            Reduce::Var | Reduce::Std => {
                // Two passes, as NumPy: the mean, then mean squared deviations.
                let ct = if d.is_complex() { Ty::C128 } else { Ty::F64 };
                let mean = self.reduce_seq(
                    if skip_nan {
                        Reduce::NanMean
                    } else {
                        Reduce::Mean
                    },
                    shape,
                    get,
                    d,
                    if d.is_complex() {
                        Dtype::C128
                    } else {
                        Dtype::F64
                    },
                )?;
                let acc = self.alloca("double");
                self.emit(&format!("store double 0.0, ptr {acc}"));
                let cnt = self.alloca("i64");
                self.emit(&format!("store i64 {n}, ptr {cnt}"));
                let lp = self.nd_open(shape);
                let x = get(self, &lp.idx)?;
                let x = self.cast(x, &ct);
                let dv = self.binop_same_sub(&x, &mean)?;
                let sq = if d.is_complex() {
                    let (re, im) = self.complex_parts(&dv);
                    let a = self.val(&format!("fmul double {re}, {re}"));
                    let b = self.val(&format!("fmul double {im}, {im}"));
                    self.val(&format!("fadd double {a}, {b}"))
                } else {
                    self.val(&format!("fmul double {}, {}", dv.r, dv.r))
                };
                // nanvar: NaN elements are neither summed nor counted.
                let nan = if skip_nan {
                    self.val(&format!("fcmp uno double {}, 0.0", x.r))
                } else {
                    "false".to_string()
                };
                let sq = self.val(&format!("select i1 {nan}, double 0.0, double {sq}"));
                let cur = self.val(&format!("load double, ptr {acc}"));
                let nv = self.val(&format!("fadd double {cur}, {sq}"));
                self.emit(&format!("store double {nv}, ptr {acc}"));
                let skipped = self.val(&format!("zext i1 {nan} to i64"));
                let c = self.val(&format!("load i64, ptr {cnt}"));
                let c1 = self.val(&format!("sub i64 {c}, {skipped}"));
                self.emit(&format!("store i64 {c1}, ptr {cnt}"));
                self.nd_close(lp);
                let tot = self.val(&format!("load double, ptr {acc}"));
                // Divisor max(count - ddof, 0), as NumPy (0/0 gives nan).
                let cnt_v = self.val(&format!("load i64, ptr {cnt}"));
                let ddof = self.ddof.clone().unwrap_or_else(|| "0".into());
                let dn = self.val(&format!("sub i64 {cnt_v}, {ddof}"));
                let pos = self.val(&format!("icmp sgt i64 {dn}, 0"));
                let dn = self.val(&format!("select i1 {pos}, i64 {dn}, i64 0"));
                let nf = self.val(&format!("sitofp i64 {dn} to double"));
                let var = self.val(&format!("fdiv double {tot}, {nf}"));
                // nanvar gives nan when no degrees of freedom are left (var gives inf).
                let var = if skip_nan {
                    self.val(&format!(
                        "select i1 {pos}, double {var}, double 0x7FF8000000000000"
                    ))
                } else {
                    var
                };
                let res = if r == Reduce::Std {
                    let f = self.intrinsic("sqrt", Dtype::F64, 1);
                    self.val(&format!("call double {f}(double {var})"))
                } else {
                    var
                };
                Ok(self.cast(V::new(res, Ty::F64), &Ty::Scalar(out)))
            }
        }
    }

    fn binop_same_sub(&mut self, a: &V, b: &V) -> R<V> {
        let Ty::Scalar(d) = a.ty else {
            return ice("sub type");
        };
        if d.is_complex() {
            return self.complex_binop(BinOp::Sub, a, b, d);
        }
        let t = scalar_ty(d);
        Ok(V::new(
            self.val(&format!("fsub {t} {}, {}", a.r, b.r)),
            a.ty.clone(),
        ))
    }

    /// `np.sum(a, axis=k)` and friends: reduce along one axis.
    fn reduce_axis(&mut self, r: Reduce, v: &V, a: &ArrayTy, axis: i64, ty: Ty) -> R<V> {
        let nd = a.ndim as usize;
        let ax = if axis < 0 { axis + nd as i64 } else { axis } as usize;
        let Ty::Array(oa) = ty else {
            return ice("axis reduction type");
        };
        let shape: Vec<String> = (0..nd).map(|d| self.shape(v, d)).collect();
        let oshape: Vec<String> = shape
            .iter()
            .enumerate()
            .filter(|(d, _)| *d != ax)
            .map(|(_, s)| s.clone())
            .collect();
        let out = self.alloc_array(oa.dtype, &oshape);
        let ooa = ArrayTy::new(oa.dtype, oa.ndim, Layout::C);
        // Complex min/max order lexicographically: the general path does that.
        let complex_extremum = matches!(r, Reduce::Min | Reduce::Max) && a.dtype.is_complex();
        if !complex_extremum
            && matches!(
                r,
                Reduce::Sum | Reduce::Prod | Reduce::Mean | Reduce::Min | Reduce::Max
            )
        {
            // One pass over the input in memory order, accumulating into the
            // output (contiguous inner loops for any axis).
            let et = Ty::Scalar(oa.dtype);
            let drop_axis = |idx: &[String]| -> Vec<String> {
                idx.iter()
                    .enumerate()
                    .filter(|(d, _)| *d != ax)
                    .map(|(_, s)| s.clone())
                    .collect()
            };
            match r {
                Reduce::Min | Reduce::Max => {
                    let empty = self.val(&format!("icmp eq i64 {}, 0", shape[ax]));
                    let name = if r == Reduce::Min {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    let m = self.str_const(&format!(
                        "zero-size array to reduction operation {name} which has no identity"
                    ));
                    self.raise_if(&empty, ExcKind::ValueError, &[m]);
                    let lp = self.nd_open(&oshape);
                    let mut idx = lp.idx.clone();
                    idx.insert(ax, "0".into());
                    let p = self.nd_ptr(v, a, &idx);
                    let x = self.load_elem(a.dtype, &p);
                    let x = self.cast(x, &et);
                    let q = self.nd_ptr(&out, &ooa, &lp.idx);
                    self.store_elem(&x, &q);
                    self.nd_close(lp);
                }
                _ => {
                    let one = r == Reduce::Prod;
                    let fill = V::new(
                        scalar_const(oa.dtype, if one { 1.0 } else { 0.0 }),
                        et.clone(),
                    );
                    self.init_array(
                        &out,
                        &ooa,
                        if one { Alloc::Full } else { Alloc::Zeros },
                        Some(fill),
                    )?;
                }
            }
            let lp = self.nd_open(&shape);
            let p = self.nd_ptr(v, a, &lp.idx);
            let x = self.load_elem(a.dtype, &p);
            let x = self.cast(x, &et);
            let oidx = drop_axis(&lp.idx);
            let q = self.nd_ptr(&out, &ooa, &oidx);
            let cur = self.load_elem(oa.dtype, &q);
            let nv = match r {
                Reduce::Min | Reduce::Max => {
                    let lt = llty(&et);
                    let better = self.compare(
                        if r == Reduce::Min {
                            CmpOp::Lt
                        } else {
                            CmpOp::Gt
                        },
                        x.clone(),
                        cur.clone(),
                    )?;
                    let take = if oa.dtype.is_float() {
                        let nan = self.val(&format!("fcmp uno {lt} {}, 0.0", x.r));
                        self.val(&format!("or i1 {better}, {nan}"))
                    } else {
                        better
                    };
                    V::new(
                        self.val(&format!("select i1 {take}, {lt} {}, {lt} {}", x.r, cur.r)),
                        et.clone(),
                    )
                }
                _ => V::new(
                    self.binop_same(
                        if r == Reduce::Prod {
                            BinOp::Mul
                        } else {
                            BinOp::Add
                        },
                        &cur,
                        &x,
                    )?,
                    et.clone(),
                ),
            };
            self.store_elem(&nv, &q);
            self.nd_close(lp);
            if r == Reduce::Mean {
                let nf = V::new(
                    self.val(&format!("sitofp i64 {} to double", shape[ax])),
                    Ty::F64,
                );
                let nf = self.cast(nf, &et);
                let lp = self.nd_open(&oshape);
                let q = self.nd_ptr(&out, &ooa, &lp.idx);
                let cur = self.load_elem(oa.dtype, &q);
                let nv = self.binop_same(BinOp::Div, &cur, &nf)?;
                self.store_elem(&V::new(nv, et.clone()), &q);
                self.nd_close(lp);
            }
            return Ok(out);
        }
        let lp = self.nd_open(&oshape);
        let outer = lp.idx.clone();
        let vv = v.clone();
        let aa = *a;
        let mut get = move |s: &mut Self, k: &[String]| -> R<V> {
            let mut idx = outer.clone();
            idx.insert(ax, k[0].clone());
            let p = s.nd_ptr(&vv, &aa, &idx);
            Ok(s.load_elem(aa.dtype, &p))
        };
        let x = self.reduce_seq(
            r,
            std::slice::from_ref(&shape[ax]),
            &mut get,
            a.dtype,
            oa.dtype,
        )?;
        let p = self.nd_ptr(&out, &ooa, &lp.idx);
        self.store_elem(&x, &p);
        self.nd_close(lp);
        Ok(out)
    }

    fn reduce_call(&mut self, r: Reduce, args: &[V], call: &'p Call<'p>, ty: Ty) -> R<V> {
        let Ty::Array(a) = args[0].ty.clone() else {
            return ice("reduce arg");
        };
        let axis = match args.get(1) {
            Some(v) => Some(v.clone()),
            None => self.kwarg(call, "axis")?,
        };
        let ddof = self.kwarg(call, "ddof")?.map(|v| self.cast(v, &Ty::I64).r);
        let keep = matches!(self.const_kw(call, "keepdims"), Some(Const::Bool(true)));
        let axis = match axis.filter(|v| v.ty != Ty::NoneType) {
            Some(v) => {
                let k =
                    v.r.parse::<i64>()
                        .map_err(|_| "axis must be a constant".to_string())?;
                let nd = a.ndim as i64;
                if k >= nd || k < -nd {
                    self.raise_axis_error(k, nd, None);
                    return Ok(V::new("zeroinitializer", ty));
                }
                Some(k.rem_euclid(nd) as usize)
            }
            None => None,
        };
        // Options the shared reduction code reads while this call is lowered.
        self.ddof = ddof;
        self.mean_dtype = match (r, call.kwargs.iter().any(|(k, _)| k == "dtype")) {
            (Reduce::Mean, true) => ty.scalar().or(ty.array().map(|a| a.dtype)),
            _ => None,
        };
        // The type without keepdims: what the reduction itself produces.
        let inner = match (&ty, keep) {
            (Ty::Array(o), true) => match axis {
                Some(_) if a.ndim > 1 => Ty::Array(ArrayTy::new(o.dtype, a.ndim - 1, Layout::C)),
                _ => Ty::Scalar(o.dtype),
            },
            _ => ty.clone(),
        };
        let res = match axis {
            Some(k) if matches!(inner, Ty::Array(_)) => {
                self.reduce_axis(r, &args[0], &a, k as i64, inner)
            }
            _ => self.reduce(r, &args[0], &a, inner),
        };
        self.ddof = None;
        self.mean_dtype = None;
        let res = res?;
        if !keep {
            return Ok(res);
        }
        // keepdims: the reduced axes come back with length one.
        let Ty::Array(oa) = ty else {
            return ice("keepdims type");
        };
        let nd = a.ndim as usize;
        match res.ty.clone() {
            Ty::Scalar(d) => {
                let out = self.alloc_array(d, &vec!["1".to_string(); nd]);
                self.flat_store(&out, d, "0", &res);
                Ok(out)
            }
            Ty::Array(ra) => {
                let ax = axis.ok_or("keepdims axis")?;
                let mut shape: Vec<String> = (0..nd - 1).map(|k| self.shape(&res, k)).collect();
                let mut strides: Vec<String> =
                    (0..nd - 1).map(|k| self.stride(&res, &ra, k)).collect();
                shape.insert(ax, "1".into());
                strides.insert(ax, "0".into());
                let lt = llty(&res.ty);
                let mi = self.val(&format!("extractvalue {lt} {}, 0", res.r));
                let data = self.data(&res);
                let va = ArrayTy::new(oa.dtype, nd as u8, Layout::A);
                let view = self.make_array(&va, &mi, "null", &data, &shape, &strides);
                // The type says C order: a length-one axis keeps the result contiguous.
                Ok(V::new(view.r, Ty::Array(oa)))
            }
            _ => ice("keepdims result"),
        }
    }

    /// Arithmetic on two values of the same type without Python's error checks
    /// (reductions).
    fn binop_same(&mut self, op: BinOp, a: &V, b: &V) -> R<String> {
        let Ty::Scalar(d) = a.ty else {
            return ice("binop_same");
        };
        let t = scalar_ty(d);
        let fm = self.fm();
        if d.is_complex() {
            let v = self.complex_binop(op, a, b, d)?;
            return Ok(v.r);
        }
        Ok(match (op, d.is_float()) {
            (BinOp::Add, true) => self.val(&format!("fadd {fm}{t} {}, {}", a.r, b.r)),
            (BinOp::Mul, true) => self.val(&format!("fmul {fm}{t} {}, {}", a.r, b.r)),
            (BinOp::Div, true) => self.val(&format!("fdiv {fm}{t} {}, {}", a.r, b.r)),
            (BinOp::Add, false) => self.val(&format!("add {t} {}, {}", a.r, b.r)),
            (BinOp::Mul, false) => self.val(&format!("mul {t} {}, {}", a.r, b.r)),
            _ => return ice("binop_same op"),
        })
    }

    fn print_value(&mut self, v: &V, nested: bool) -> R<()> {
        match v.ty.clone() {
            Ty::Str => {
                if nested {
                    let q = self.str_const("'");
                    self.print_value(&q, false)?;
                }
                let ptr = self.extract(v, 0, Ty::NoneType);
                let len = self.extract(v, 1, Ty::I64);
                self.call_void(
                    "@oxjit_rt_print_str",
                    &format!("ptr {}, i64 {}", ptr.r, len.r),
                );
                if nested {
                    let q = self.str_const("'");
                    self.print_value(&q, false)?;
                }
            }
            Ty::NoneType => {
                let s = self.str_const("None");
                self.print_value(&s, false)?;
            }
            Ty::Scalar(d) => match d.kind() {
                Kind::Bool => {
                    self.call_void("@oxjit_rt_print_bool", &format!("i1 zeroext {}", v.r))
                }
                Kind::Signed => {
                    let x = self.cast(v.clone(), &Ty::I64);
                    self.call_void("@oxjit_rt_print_i64", &format!("i64 {}", x.r))
                }
                Kind::Unsigned => {
                    let x = self.cast(v.clone(), &Ty::Scalar(Dtype::U64));
                    self.call_void("@oxjit_rt_print_u64", &format!("i64 {}", x.r))
                }
                Kind::Float if d == Dtype::F32 => {
                    self.call_void("@oxjit_rt_print_f32", &format!("float {}", v.r))
                }
                Kind::Float => self.call_void("@oxjit_rt_print_f64", &format!("double {}", v.r)),
                Kind::Complex => {
                    let x = self.cast(v.clone(), &Ty::C128);
                    let (re, im) = self.complex_parts(&x);
                    self.call_void(
                        "@oxjit_rt_print_complex",
                        &format!("double {re}, double {im}"),
                    )
                }
            },
            Ty::Tuple(items) => {
                let open = self.str_const("(");
                self.print_value(&open, false)?;
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        let c = self.str_const(", ");
                        self.print_value(&c, false)?;
                    }
                    let x = self.extract(v, i, it.clone());
                    self.print_value(&x, true)?;
                }
                let close = self.str_const(if items.len() == 1 { ",)" } else { ")" });
                self.print_value(&close, false)?;
            }
            Ty::Array(a) => {
                let slot = self.alloca(&llty(&v.ty));
                self.store(v, &slot);
                self.call_void(
                    "@oxjit_rt_print_array",
                    &format!(
                        "ptr {slot}, i32 {}, i32 {}",
                        a.dtype.numpy_type_num(),
                        a.ndim
                    ),
                );
            }
            other => {
                let s = self.str_const(&format!("<{other}>"));
                self.print_value(&s, false)?;
            }
        }
        Ok(())
    }
}

/// An element-wise expression tree over evaluated leaves.
enum Node<'p> {
    Leaf(usize),
    Bin(BinOp, Box<Node<'p>>, Box<Node<'p>>, Dtype),
    Un(UnOp, Box<Node<'p>>, Dtype),
    Cmp(CmpOp, Box<Node<'p>>, Box<Node<'p>>),
    Call(Builtin, Vec<Node<'p>>, Dtype, &'p Expr),
}

pub(crate) struct NdLoop {
    pub idx: Vec<String>,
    levels: Vec<(String, String, String, String)>,
}

/// Branch weights: `!0` marks the error edge unlikely, `!1` the assert-ok edge likely.
pub(crate) const METADATA: &str =
    "!0 = !{!\"branch_weights\", i32 1, i32 2000}\n!1 = !{!\"branch_weights\", i32 2000, i32 1}\n";
