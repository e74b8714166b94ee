//! Lowering of `registry::Manip`: shape manipulation and the remaining
//! array functions.

use super::*;
use oxjit_typeck::registry::Manip;

impl<'p> FnGen<'_, 'p> {
    pub(super) fn manip(&mut self, f: Manip, args: Vec<V>, call: &'p Call<'p>, ty: Ty) -> R<V> {
        let _ = (args, call, ty);
        ice(format!("{f:?} not lowered"))
    }
}
