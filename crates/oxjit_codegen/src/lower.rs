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

use crate::ir::{escape, fconst, fsuffix, llty, mem_ty, scalar_const, scalar_ty, uniform_tuple, V};
use crate::Options;
use oxjit_syntax::{BinOp, CmpOp, ConstData, Expr, ExprKind, Stmt, StmtKind, UnOp};
use oxjit_typeck::registry::{
    rand_spec, Alloc, ArrFn, Builtin, CFn, FloatPred, ListFn, Math1, Math2, MathX, Rand, Reduce,
    Round,
};
use oxjit_typeck::{Arg, Call, Callee, Const, Instance, Program, Res};
use oxjit_types::{promote_arith, ArrayTy, Dtype, ExcKind, Kind, Layout, Parts, Ty};
use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt::Write;

// `impl FnGen` is spread over these modules, one concept each: they see its
// private fields and share the imports above through `use super::*`.
mod arith;
mod array;
mod array_fns;
mod builder;
mod builtins;
mod call;
mod class;
mod dict;
mod elementwise;
mod except;
mod expr;
mod for_loop;
mod generator;
mod index;
mod linalg;
mod list;
mod manip;
mod math;
mod module;
mod ownership;
mod parallel;
mod parallel_expr;
mod print;
mod pyrandom;
mod random;
mod record;
mod reduce;
mod stmt;
mod text;
mod ufunc_loops;

use elementwise::Node;
use for_loop::LoopLabels;
pub use module::GuArg;
use module::{fastmath_lanes, ModuleGen, LIBMVEC1};
pub(crate) use module::{lower_gufunc_loop, lower_program, lower_ufunc_loop, METADATA};

type R<T> = Result<T, String>;

fn ice<T>(msg: impl Into<String>) -> R<T> {
    Err(msg.into())
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
    /// The regions of `try` statements being lowered, innermost last (see
    /// `except.rs`).
    frames: Vec<except::Frame<'p>>,
    /// Lowering one element of an array expression (NumPy's ufunc loops),
    /// not scalar code.
    numpy_loop: bool,
    /// Per leaf of the element-wise tree being evaluated: whether it is a
    /// 1-d complex64 array read with a negative stride (see `complex_binop`).
    leaf_neg_stride: Vec<Option<String>>,
    /// Set for one complex product that NumPy computes with its unfused
    /// scalar loop (see `complex_binop`).
    mul_unfused: Option<String>,
    /// The root product of an in-place complex expression (by address):
    /// whether NumPy's iterator turns it forwards (every operand and the
    /// output of a 1-d complex64 product read backwards, or a scalar), and
    /// whether NumPy takes its reduce loop (one element, written over its
    /// first operand).
    mul_root: Option<(usize, String, String)>,
    /// The statement being lowered may run compiled code of the program that
    /// stores into jitclass fields (see `field_get`).
    stmt_calls: bool,
    /// The temporary parked last and the register it holds (see `take_temp`).
    last_temp: Option<(String, String)>,
    /// Lowering the outlined body of a prange loop (`parallel.rs`): nested
    /// prange loops run serially, and there is no stack-limit argument.
    in_parallel: bool,
    /// A chunk's partial float sum or product of a parallel array
    /// expression: its additions may be reassociated (LLVM then keeps
    /// several partial sums and vectorises), as the chunks already reorder
    /// the whole sum (see `parallel_expr.rs`).
    reassoc: bool,
    /// Whether the elements a reduction reads may be read twice (false while
    /// reducing an expression that runs a `@vectorize` kernel): max/min and
    /// argmax/argmin then take two passes (`reduce_extremum_real`).
    replayable: bool,
    /// `%rstate` (this thread's `np.random` state) is fetched in the entry
    /// block: the common draws take it instead of a thread-local access each.
    rand_state: bool,
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
            frames: Vec::new(),
            numpy_loop: false,
            leaf_neg_stride: Vec::new(),
            mul_unfused: None,
            mul_root: None,
            stmt_calls: false,
            last_temp: None,
            in_parallel: false,
            reassoc: false,
            replayable: true,
            rand_state: false,
        }
    }

    /// A function outlined from instance `idx` (a chunk of a parallel
    /// region: `finish_with` names it): same types, its own slots and status.
    fn outlined(m: &'m mut ModuleGen, p: &'p Program<'p>, idx: usize) -> Self {
        let mut g = FnGen::new(m, p, idx);
        g.in_parallel = true;
        let _ = writeln!(
            g.allocas,
            "  %status = alloca i32\n  store i32 0, ptr %status"
        );
        g
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
        // A parameter the body never rebinds borrows the caller's reference
        // (the caller holds it for the call: a variable, a temporary, or a
        // field read made a temporary when the statement calls compiled code).
        let mut assigned = FxHashSet::default();
        oxjit_typeck::assigned_names(&t.def.body, &mut assigned);
        for (i, (name, ty)) in inst.arg_names.iter().zip(&inst.args).enumerate() {
            let v = V::new(format!("%a{i}"), ty.clone());
            let (slot, vty) = self
                .vars
                .get(name)
                .cloned()
                .ok_or_else(|| format!("no slot for parameter {name}"))?;
            let v = self.cast(v, &vty);
            if assigned.contains(name) {
                self.incref(&v);
            } else {
                self.owned.retain(|(s, _)| *s != slot);
            }
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

    fn finish(self) -> String {
        let mut params = vec!["ptr %ret".to_string()];
        for (i, t) in self.inst.args.iter().enumerate() {
            params.push(format!("{} %a{i}", llty(t)));
        }
        if self.m.recursive.contains(&self.idx) {
            params.push("i64 %sl".into());
        }
        let name = self.m.fname(self.idx);
        self.finish_with(&name, &params.join(", "))
    }

    /// The function's text, named `name` with parameters `params`; the
    /// cleanup block releases every owned slot and returns the status.
    fn finish_with(mut self, name: &str, params: &str) -> String {
        let _ = writeln!(self.body, "cleanup:");
        self.terminated = false;
        for (slot, ty) in std::mem::take(&mut self.owned) {
            if ty.owns_memory() {
                let v = self.load(&ty, &slot);
                self.decref(&v);
            }
        }
        let st = self.val("load i32, ptr %status");
        self.emit(&format!("ret i32 {st}"));
        format!(
            "define internal i32 {name}({params}) {{\nentry:\n{}  br label %body\nbody:\n{}}}\n\n",
            self.allocas, self.body
        )
    }
}
