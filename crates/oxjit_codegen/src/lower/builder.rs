//! The instruction writer: names, labels, instructions, blocks, stack slots and aggregates.

use super::*;

impl<'p> FnGen<'_, 'p> {
    // ----- instruction writer ------------------------------------------------

    fn tmp(&mut self) -> String {
        self.n += 1;
        format!("%t{}", self.n)
    }

    pub(super) fn label(&mut self, base: &str) -> String {
        self.n += 1;
        format!("{base}{}", self.n)
    }

    pub(super) fn emit(&mut self, line: &str) {
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
    pub(super) fn val(&mut self, rhs: &str) -> String {
        let t = self.tmp();
        self.emit(&format!("{t} = {rhs}"));
        t
    }

    pub(super) fn br(&mut self, l: &str) {
        self.emit(&format!("br label %{l}"));
        self.terminated = true;
    }

    pub(super) fn cbr(&mut self, c: &str, a: &str, b: &str) {
        self.emit(&format!("br i1 {c}, label %{a}, label %{b}"));
        self.terminated = true;
    }

    pub(super) fn start(&mut self, l: &str) {
        if !self.terminated {
            self.br(l);
        }
        let _ = writeln!(self.body, "{l}:");
        self.terminated = false;
    }

    pub(super) fn alloca(&mut self, ty: &str) -> String {
        self.n += 1;
        let s = format!("%s{}", self.n);
        let _ = writeln!(self.allocas, "  {s} = alloca {ty}, align 16");
        let _ = writeln!(self.allocas, "  store {ty} zeroinitializer, ptr {s}");
        s
    }

    pub(super) fn load(&mut self, ty: &Ty, ptr: &str) -> V {
        let r = self.val(&format!("load {}, ptr {ptr}", llty(ty)));
        V::new(r, ty.clone())
    }

    pub(super) fn store(&mut self, v: &V, ptr: &str) {
        self.emit(&format!("store {} {}, ptr {ptr}", llty(&v.ty), v.r));
    }

    pub(super) fn extract(&mut self, v: &V, i: usize, ty: Ty) -> V {
        let r = self.val(&format!("extractvalue {} {}, {i}", llty(&v.ty), v.r));
        V::new(r, ty)
    }

    pub(super) fn insert(&mut self, agg_ty: &str, agg: &str, elem: &V, i: usize) -> String {
        self.val(&format!(
            "insertvalue {agg_ty} {agg}, {} {}, {i}",
            llty(&elem.ty),
            elem.r
        ))
    }

    pub(super) fn build_tuple(&mut self, items: Vec<V>) -> V {
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

    pub(super) fn i64c(v: i64) -> V {
        V::new(v.to_string(), Ty::I64)
    }

    pub(super) fn call_void(&mut self, f: &str, args: &str) {
        self.emit(&format!("call void {f}({args})"));
    }

    pub(super) fn i64_max(&mut self, a: &str, b: &str) -> String {
        let c = self.val(&format!("icmp sgt i64 {a}, {b}"));
        self.val(&format!("select i1 {c}, i64 {a}, i64 {b}"))
    }

    pub(super) fn i64_min(&mut self, a: &str, b: &str) -> String {
        let c = self.val(&format!("icmp slt i64 {a}, {b}"));
        self.val(&format!("select i1 {c}, i64 {a}, i64 {b}"))
    }
}
