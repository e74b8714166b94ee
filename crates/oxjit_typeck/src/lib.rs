//! Name resolution and type inference.
//!
//! Input: a [`Unit`](oxjit_syntax::Unit) (the root function, the jitted functions it reaches and
//! their frozen globals) and the root's argument types. Output: a [`Program`]
//! of monomorphised *instances* — one per (function, argument types) — each
//! with a type for every expression and variable and a resolution for every
//! call, or a list of diagnostics. Nothing here panics on user code
//! (architecture invariant 1) and nothing links LLVM or libpython.
//!
//! Inference is a fixpoint: every instance is re-typed until no variable or
//! return type changes (variables unify across assignments: int then float is
//! float). Recursion works when a non-recursive path gives the return type.
//!
//! Every decision about types is in the output (`Instance::ty`, `decided`,
//! `pruned_exit`, `fancy`, `res`); codegen reads them and derives none.
//! `verify::verify` checks that a program is complete before lowering.

#![deny(clippy::wildcard_enum_match_arm)]

mod builtins;
mod call;
mod class;
mod dict;
pub mod docs;
mod driver;
mod dunder;
mod except;
mod expr;
pub mod generator;
mod index;
pub mod linalg;
mod list;
mod manip;
mod named;
mod ops;
mod program;
mod prune;
mod record;
pub mod registry;
mod scope;
mod stmt;
mod text;
pub mod typeinfo;
pub mod verify;
mod words;

pub use driver::check;
pub use index::{index_kinds, Fancy, IndexKind};
pub use program::{Arg, Call, Callee, Const, Instance, Located, Program, Res, Template};
pub use prune::tuple_slice;
pub use scope::{assigned_names, for_each_binding, target_names, Binding};

#[cfg(test)]
mod tests;
