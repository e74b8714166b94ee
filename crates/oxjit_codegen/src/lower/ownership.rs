//! Reference counting (owned slots, statement temporaries) and raising exceptions.

use super::*;

/// An index path as `extractvalue`/`insertvalue`/`getelementptr` write it.
pub(super) fn indices(path: &[usize]) -> String {
    let parts: Vec<String> = path.iter().map(|i| i.to_string()).collect();
    parts.join(", ")
}

impl<'p> FnGen<'_, 'p> {
    // ----- reference counting ------------------------------------------------

    /// Visit every MemInfo a value holds, where the type's model places
    /// them (`Ty::meminfo_paths`).
    fn for_each_meminfo(&mut self, v: &V, f: &mut dyn FnMut(&mut Self, String)) {
        for (path, _) in v.ty.meminfo_paths() {
            let m = self.val(&format!(
                "extractvalue {} {}, {}",
                llty(&v.ty),
                v.r,
                indices(&path)
            ));
            f(self, m)
        }
    }

    pub(super) fn incref(&mut self, v: &V) {
        self.for_each_meminfo(v, &mut |s, m| {
            s.call_void("@oxjit_incref", &format!("ptr {m}"))
        });
    }

    pub(super) fn decref(&mut self, v: &V) {
        self.for_each_meminfo(v, &mut |s, m| {
            s.call_void("@oxjit_decref", &format!("ptr {m}"))
        });
    }

    /// Park a fresh reference until the end of the statement.
    pub(super) fn own_temp(&mut self, v: &V) {
        if !v.ty.owns_memory() {
            return;
        }
        let slot = self.alloca(&llty(&v.ty));
        self.store(v, &slot);
        self.last_temp = Some((slot.clone(), v.r.clone()));
        self.temps.push((slot.clone(), v.ty.clone()));
        self.owned.push((slot, v.ty.clone()));
    }

    /// If `v` is the temporary parked last (a fresh value), take its
    /// reference out of the statement's temporaries: the caller now owns it.
    pub(super) fn take_temp(&mut self, v: &V) -> bool {
        let Some((slot, reg)) = self.last_temp.take() else {
            return false;
        };
        if reg != v.r || !v.ty.owns_memory() {
            return false;
        }
        // The slot stays in the cleanup list (an error between parking and
        // here releases it there); emptied, it releases nothing later.
        self.temps.retain(|(s, _)| *s != slot);
        self.emit(&format!(
            "store {} zeroinitializer, ptr {slot}",
            llty(&v.ty)
        ));
        true
    }

    pub(super) fn release_temps(&mut self) {
        self.last_temp = None;
        for (slot, ty) in std::mem::take(&mut self.temps) {
            let v = self.load(&ty, &slot);
            self.decref(&v);
            self.emit(&format!("store {} zeroinitializer, ptr {slot}", llty(&ty)));
        }
    }

    // ----- errors ---------------------------------------------------------------

    /// Raise `kind` with a message built from pieces (strings and numbers).
    pub(super) fn raise_msg(&mut self, kind: ExcKind, pieces: &[V]) {
        self.emit(&format!(
            "call void @oxjit_rt_exc_begin_msg(i32 {})",
            kind.code()
        ));
        for p in pieces {
            self.exc_arg(p);
        }
        self.fail();
    }

    pub(super) fn exc_arg(&mut self, p: &V) {
        match &p.ty {
            Ty::Str => {
                let ptr = self.extract(p, 1, Ty::NoneType);
                let len = self.extract(p, 2, Ty::I64);
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
            Ty::NoneType
            | Ty::Tuple(_)
            | Ty::Array(_)
            | Ty::Range
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::Record(_)
            | Ty::RecordArray(_)
            | Ty::Dict(_)
            | Ty::List(_)
            | Ty::NamedTuple(_)
            | Ty::NamedTupleClass(_)
            | Ty::Instance(_)
            | Ty::Class(_)
            | Ty::Optional(_)
            | Ty::Unknown => {
                let s = self.str_const("<value>");
                self.exc_arg(&s)
            }
        }
    }

    /// NumPy's `AxisError(axis, ndim)` ("axis 2 is out of bounds for array
    /// of dimension 2"); the code after it is unreachable.
    pub(super) fn raise_axis_error(&mut self, axis: i64, ndim: i64, prefix: Option<&str>) {
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

    /// Status 1 (an error is pending), then on to the innermost `try`
    /// frame's block, or to the cleanup block.
    pub(super) fn fail(&mut self) {
        self.emit("store i32 1, ptr %status");
        let target = self.error_target();
        self.br(&target);
    }

    /// If `cond` (i1) holds, raise `kind` with the given message pieces.
    pub(super) fn raise_if(&mut self, cond: &str, kind: ExcKind, pieces: &[V]) {
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

    pub(super) fn str_const(&mut self, s: &str) -> V {
        V::new(self.m.string(s), Ty::Str)
    }
}
