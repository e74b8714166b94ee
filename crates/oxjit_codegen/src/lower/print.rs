//! `print()`: formatting values through the runtime.

use super::*;

impl<'p> FnGen<'_, 'p> {
    pub(super) fn print_value(&mut self, v: &V, nested: bool) -> R<()> {
        match v.ty.clone() {
            Ty::Str => {
                // Inside a container, its repr.
                let v = if nested {
                    let (p, n) = self.str_parts(v);
                    let mi = self.val(&format!("call ptr @oxjit_rt_str_repr(ptr {p}, i64 {n})"));
                    self.str_of_mi(&mi)
                } else {
                    v.clone()
                };
                let ptr = self.extract(&v, 1, Ty::NoneType);
                let len = self.extract(&v, 2, Ty::I64);
                self.call_void(
                    "@oxjit_rt_print_str",
                    &format!("ptr {}, i64 {}", ptr.r, len.r),
                );
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
            Ty::Optional(payload) => {
                // The payload, or None.
                let present = self.extract(v, 1, Ty::BOOL);
                let (yes, no, end) = (self.label("psome"), self.label("pnone"), self.label("pend"));
                self.cbr(&present.r, &yes, &no);
                self.start(&yes);
                let x = self.extract(v, 0, (*payload).clone());
                self.print_value(&x, nested)?;
                self.br(&end);
                self.start(&no);
                let s = self.str_const("None");
                self.print_value(&s, false)?;
                self.start(&end);
            }
            Ty::Dict(_) => self.print_dict(v)?,
            Ty::List(_) => {
                let open = self.str_const("[");
                self.print_value(&open, false)?;
                let n = self.list_len(v);
                let l = v.clone();
                self.count_loop(&n, &mut |s, i| {
                    let first = s.val(&format!("icmp eq i64 {i}, 0"));
                    let (sep, item) = (s.label("psep"), s.label("pitem"));
                    s.cbr(&first, &item, &sep);
                    s.start(&sep);
                    let c = s.str_const(", ");
                    s.print_value(&c, false)?;
                    s.br(&item);
                    s.start(&item);
                    let x = s.list_get_at(&l, i);
                    s.print_value(&x, true)
                })?;
                let close = self.str_const("]");
                self.print_value(&close, false)?;
            }
            other @ (Ty::Range
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::Record(_)
            | Ty::RecordArray(_)
            | Ty::NamedTuple(_)
            | Ty::NamedTupleClass(_)
            | Ty::Instance(_)
            | Ty::Class(_)
            | Ty::Unknown) => {
                let s = self.str_const(&format!("<{other}>"));
                self.print_value(&s, false)?;
            }
        }
        Ok(())
    }
}
