//! jitclass instances: the fields' layout, reading and writing a field,
//! and allocating an instance.
//!
//! An instance is `{meminfo*, data*}`; its fields are the LLVM struct
//! `fields_ty` at `data`, inside the MemInfo's block. The runtime releases
//! the MemInfos the fields hold from a descriptor of their byte offsets,
//! computed here as constant expressions and copied in at allocation
//! (`oxjit_rt_instance_alloc`), so no generated code runs when an instance
//! dies.

use super::ownership::indices;
use super::*;
use oxjit_types::ClassTy;

/// The LLVM struct of a class's fields, in spec order.
fn fields_ty(c: &ClassTy) -> String {
    let parts: Vec<String> = c.fields().iter().map(|(_, t)| llty(t)).collect();
    format!("{{{}}}", parts.join(", "))
}

impl<'p> FnGen<'_, 'p> {
    /// The address of field `k` of instance `o`.
    fn field_ptr(&mut self, o: &V, c: &ClassTy, k: usize) -> String {
        let data = self.val(&format!("extractvalue {{ptr, ptr}} {}, 1", o.r));
        // An instance-typed field that `__init__` never set holds no
        // instance: using it raises instead of reading address zero.
        let null = self.val(&format!("icmp eq ptr {data}, null"));
        let m = self.str_const(&format!(
            "a {} instance was used before it was assigned (a jitclass field that __init__ did not set)",
            c.name
        ));
        self.raise_if(&null, ExcKind::ValueError, &[m]);
        self.val(&format!(
            "getelementptr inbounds {}, ptr {data}, i32 0, i32 {k}",
            fields_ty(c)
        ))
    }

    /// Field `name` of instance `o`: borrowed, as any expression result (the
    /// instance holds the reference), unless the statement runs compiled code
    /// that may store into the field while the value is in use: then a
    /// temporary reference of its own.
    pub(super) fn field_get(&mut self, o: &V, name: &str) -> R<V> {
        let Ty::Instance(c) = o.ty.clone() else {
            return ice("field of a non-instance");
        };
        let (k, t) = c.field(name).ok_or("unknown field")?;
        let t = t.clone();
        let p = self.field_ptr(o, &c, k);
        let v = self.load(&t, &p);
        if self.stmt_calls && t.owns_memory() {
            self.incref(&v);
            self.own_temp(&v);
        }
        Ok(v)
    }

    /// Whether evaluating `e` may run compiled code of the program (a jitted
    /// function, a constructor, a property), which may store into fields.
    fn may_call(&self, e: &Expr) -> bool {
        if let Some(Res::Call(Call {
            callee: Callee::Instance { .. } | Callee::New { .. } | Callee::Map { .. },
            ..
        })) = self.res(e)
        {
            return true;
        }
        if self.inst.setters.contains_key(&e.id) {
            return true;
        }
        let any = |xs: &[Expr]| xs.iter().any(|x| self.may_call(x));
        match &e.kind {
            ExprKind::Attr(x, _) | ExprKind::Unary(_, x) => self.may_call(x),
            ExprKind::Bin(_, l, r) | ExprKind::Subscript(l, r) => {
                self.may_call(l) || self.may_call(r)
            }
            ExprKind::BoolOp(_, xs) | ExprKind::Tuple(xs) | ExprKind::List(xs) => any(xs),
            ExprKind::Compare(l, rest) => {
                self.may_call(l) || rest.iter().any(|(_, x)| self.may_call(x))
            }
            ExprKind::IfExp(a, b, c) => self.may_call(a) || self.may_call(b) || self.may_call(c),
            ExprKind::Call {
                func,
                args,
                star,
                kwargs,
            } => {
                self.may_call(func)
                    || any(args)
                    || star.as_ref().is_some_and(|s| self.may_call(s))
                    || kwargs.iter().any(|k| self.may_call(&k.value))
            }
            ExprKind::Slice(a, b, c) => [a, b, c]
                .iter()
                .any(|x| x.as_ref().is_some_and(|x| self.may_call(x))),
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::NoneLit
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::Lambda(_)
            | ExprKind::Unsupported(_) => false,
        }
    }

    /// Whether statement `s` itself (not the statements it contains) may run
    /// compiled code of the program: field reads in it are then references
    /// of their own (see `field_get`).
    pub(super) fn stmt_may_call(&self, s: &Stmt) -> bool {
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                self.may_call(value) || targets.iter().any(|t| self.may_call(t))
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.may_call(target) || self.may_call(value)
            }
            StmtKind::Expr(e)
            | StmtKind::Return(Some(e))
            | StmtKind::Raise(Some(e))
            | StmtKind::If { test: e, .. }
            | StmtKind::While { test: e, .. }
            | StmtKind::For { iter: e, .. } => self.may_call(e),
            StmtKind::Assert { test, msg } => {
                self.may_call(test) || msg.as_ref().is_some_and(|m| self.may_call(m))
            }
            StmtKind::Return(None)
            | StmtKind::Raise(None)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::FuncDef(_)
            | StmtKind::Try { .. }
            | StmtKind::Unsupported(_) => false,
        }
    }

    /// `o.name = v`: the field takes a new reference to `v` (converted to its
    /// declared type), then releases what it held.
    pub(super) fn field_set(&mut self, o: &V, name: &str, v: V) -> R<()> {
        let Ty::Instance(c) = o.ty.clone() else {
            return ice("field of a non-instance");
        };
        let (k, t) = c.field(name).ok_or("unknown field")?;
        let t = t.clone();
        let v = self.cast(v, &t);
        let v = self.keep(v);
        let p = self.field_ptr(o, &c, k);
        let old = self.load(&t, &p);
        self.store(&v, &p);
        self.decref(&old);
        Ok(())
    }

    /// A new reference to `v` that may outlive this call: an array borrowed
    /// from Python (no MemInfo, its ndarray in `parent`) gets a MemInfo that
    /// holds the ndarray; every other counted value is increfed.
    pub(super) fn keep(&mut self, v: V) -> V {
        if v.ty == Ty::Str {
            return self.keep_str(v);
        }
        let t = llty(&v.ty);
        let mut r = v.r.clone();
        for (path, held) in v.ty.meminfo_paths() {
            let at = indices(&path);
            if held == Ty::Str {
                // A string inside a tuple: one of its own (a copy when borrowed).
                let sp = indices(&path[..path.len() - 1]);
                let s = V::new(self.val(&format!("extractvalue {t} {r}, {sp}")), Ty::Str);
                let kept = self.keep_str(s);
                r = self.val(&format!(
                    "insertvalue {t} {r}, {{ptr, ptr, i64}} {}, {sp}",
                    kept.r
                ));
                continue;
            }
            let mi = self.val(&format!("extractvalue {t} {r}, {at}"));
            if !matches!(held, Ty::Array(_)) {
                self.call_void("@oxjit_incref", &format!("ptr {mi}"));
                continue;
            }
            let null = self.val(&format!("icmp eq ptr {mi}, null"));
            let (ad, inc, join) = (
                self.label("adopt"),
                self.label("keepinc"),
                self.label("kept"),
            );
            self.cbr(&null, &ad, &inc);
            self.start(&ad);
            // The array's `parent` is the field after its MemInfo.
            let mut parent_at = path.clone();
            if let Some(last) = parent_at.last_mut() {
                *last = 1;
            }
            let parent = self.val(&format!("extractvalue {t} {r}, {}", indices(&parent_at)));
            let fresh = self.val(&format!("call ptr @oxjit_rt_adopt_pyobject(ptr {parent})"));
            self.br(&join);
            self.start(&inc);
            self.call_void("@oxjit_incref", &format!("ptr {mi}"));
            self.br(&join);
            self.start(&join);
            let m = self.val(&format!("phi ptr [{fresh}, %{ad}], [{mi}, %{inc}]"));
            r = self.val(&format!("insertvalue {t} {r}, ptr {m}, {at}"));
        }
        V::new(r, v.ty)
    }

    /// A fresh instance of `c` with zeroed fields, parked as a temporary.
    pub(super) fn new_instance(&mut self, c: &std::sync::Arc<ClassTy>) -> V {
        let ft = fields_ty(c);
        let paths: Vec<Vec<usize>> = c
            .fields()
            .iter()
            .enumerate()
            .flat_map(|(k, (_, t))| {
                t.meminfo_paths()
                    .into_iter()
                    .map(move |(p, _)| std::iter::once(k).chain(p).collect())
            })
            .collect();
        let (desc, n) = self.meminfo_descriptor(&ft, &paths);
        let size = format!("ptrtoint (ptr getelementptr ({ft}, ptr null, i32 1) to i64)");
        let mi = self.val(&format!(
            "call ptr @oxjit_rt_instance_alloc(i64 {size}, ptr {desc}, i64 {n})"
        ));
        let what = format!("a {} instance", c.name);
        self.counted_pair(&mi, Ty::Instance(c.clone()), &what)
    }

    /// The byte offsets, in struct `st`, of the MemInfo pointers at index
    /// `paths`, as constant expressions in a stack array the runtime copies
    /// (its address, or null, and the count): what a counted block releases
    /// when it dies (instances, list items, dict entries).
    pub(super) fn meminfo_descriptor(&mut self, st: &str, paths: &[Vec<usize>]) -> (String, usize) {
        if paths.is_empty() {
            return ("null".to_string(), 0);
        }
        let offsets: Vec<String> = paths
            .iter()
            .map(|path| {
                let idx: Vec<String> = path.iter().map(|i| format!("i32 {i}")).collect();
                format!(
                    "i64 ptrtoint (ptr getelementptr ({st}, ptr null, i32 0, {}) to i64)",
                    idx.join(", ")
                )
            })
            .collect();
        let at = format!("[{} x i64]", offsets.len());
        let slot = self.alloca(&at);
        self.emit(&format!("store {at} [{}], ptr {slot}", offsets.join(", ")));
        (slot, paths.len())
    }

    /// `{mi, data}` (type `ty`) of a counted block the runtime just made,
    /// parked as a statement temporary; MemoryError naming `what` when the
    /// runtime had no memory (`mi` null).
    pub(super) fn counted_pair(&mut self, mi: &str, ty: Ty, what: &str) -> V {
        let null = self.val(&format!("icmp eq ptr {mi}, null"));
        let m = self.str_const(&format!("unable to allocate {what}"));
        self.raise_if(&null, ExcKind::MemoryError, &[m]);
        let dp = self.val(&format!("getelementptr i8, ptr {mi}, i64 8"));
        let data = self.val(&format!("load ptr, ptr {dp}"));
        let a = self.val(&format!("insertvalue {{ptr, ptr}} undef, ptr {mi}, 0"));
        let b = self.val(&format!("insertvalue {{ptr, ptr}} {a}, ptr {data}, 1"));
        let v = V::new(b, ty);
        self.own_temp(&v);
        v
    }

    /// `Cls(args)`: a fresh instance, then `__init__` (instance `init`) with it.
    pub(super) fn construct(
        &mut self,
        c: &std::sync::Arc<ClassTy>,
        init: Option<u32>,
        call: &'p Call<'p>,
    ) -> R<V> {
        let mut vals = Vec::new();
        for a in &call.args {
            vals.push(self.arg(a)?);
        }
        let obj = self.new_instance(c);
        if let Some(id) = init {
            let mut all = vec![obj.clone()];
            all.extend(vals);
            self.call_instance(id as usize, all, &[])?;
        }
        Ok(obj)
    }

    /// `o.attr` read through an assignment target: a field, or the
    /// property getter typeck resolved the target to.
    pub(super) fn get_attr(&mut self, target: &'p Expr, o: &V, attr: &str) -> R<V> {
        if let Ty::Record(_) = o.ty {
            return self.record_get(o, attr);
        }
        if let Some(Res::Call(Call {
            callee: Callee::Instance { id, .. },
            ..
        })) = self.res(target)
        {
            return self.call_instance(*id as usize, vec![o.clone()], &[]);
        }
        self.field_get(o, attr)
    }

    /// `o.attr = v`: a field, or the property setter typeck resolved.
    pub(super) fn set_attr(&mut self, target: &Expr, o: &V, attr: &str, v: V) -> R<()> {
        if let Ty::Record(_) = o.ty {
            return self.record_set(o, attr, v);
        }
        match self.inst.setters.get(&target.id) {
            Some(&id) => self
                .call_instance(id as usize, vec![o.clone(), v], &[])
                .map(|_| ()),
            None => self.field_set(o, attr, v),
        }
    }
}
