//! `for` loops: value sources (range, array, tuple, zip, nd iterators) and the counted loop.

use super::*;

/// One value source of a counted `for` loop.
pub(super) enum Src {
    Range {
        start: String,
        step: String,
    },
    Array {
        v: V,
        a: ArrayTy,
    },
    /// A list, held for the loop; its length is read again at each step
    /// (items appended in the loop are visited, as in Python).
    List {
        v: V,
    },
    /// A 1-d record array, held for the loop: its records in place.
    Records {
        v: V,
        ra: oxjit_types::RecordArrayTy,
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
pub(super) enum NdKind {
    Index,
    Enumerate,
    Flat,
}

pub(super) struct LoopLabels {
    pub(super) cont: String,
    pub(super) brk: String,
    /// `try` frames open where the loop starts (`break`/`continue` leave the rest).
    pub(super) frames: usize,
}

impl<'p> FnGen<'_, 'p> {
    // ----- for loops ----------------------------------------------------------------------

    fn src_of(&mut self, e: &'p Expr) -> R<(Src, String)> {
        let v = self.expr(e)?;
        let v = V::new(v.r, v.ty.plain_tuple());
        self.src_of_value(v)
    }

    pub(super) fn src_of_value(&mut self, v: V) -> R<(Src, String)> {
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
            // A string: its characters.
            Ty::Str => {
                let chars = self.str_chars(&v)?;
                self.src_of_value(chars)
            }
            // A dict or set: the keys it has when the loop starts.
            Ty::Dict(_) => {
                let keys = self.dict_list(&v, 1)?;
                self.src_of_value(keys)
            }
            Ty::List(_) => {
                let held = self.hold(v);
                let n = self.list_len(&held);
                Ok((Src::List { v: held }, n))
            }
            Ty::RecordArray(ra) => {
                let held = self.hold(v);
                let bytes = V::new(held.r.clone(), Ty::Array(ra.as_bytes()));
                let n = self.shape(&bytes, 0);
                Ok((Src::Records { v: held, ra: *ra }, n))
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
            other @ (Ty::Scalar(_)
            | Ty::NoneType
            | Ty::Function(_)
            | Ty::Global(_)
            | Ty::DtypeObj(_)
            | Ty::ExcClass(_)
            | Ty::Generator
            | Ty::Record(_)
            | Ty::NamedTuple(_)
            | Ty::NamedTupleClass(_)
            | Ty::Instance(_)
            | Ty::Class(_)
            | Ty::Optional(_)
            | Ty::Unknown) => ice(format!("cannot iterate over {other}")),
        }
    }

    /// Keep an array alive for the whole loop (a reference in an owned slot).
    fn hold_array(&mut self, v: V) -> R<(V, ArrayTy)> {
        let Ty::Array(a) = v.ty.clone() else {
            return ice("expected an array");
        };
        Ok((self.hold(v), a))
    }

    /// A reference of `v` in an owned slot of its own, released at exit or
    /// when the slot is filled again (a loop inside another loop).
    fn hold(&mut self, v: V) -> V {
        let slot = self.alloca(&llty(&v.ty));
        self.incref(&v);
        let old = self.load(&v.ty, &slot);
        self.decref(&old);
        self.store(&v, &slot);
        self.owned.push((slot.clone(), v.ty.clone()));
        self.load(&v.ty, &slot)
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

    pub(super) fn src_item(&mut self, s: &Src, i: &str) -> R<V> {
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
            Src::Records { v, ra } => Ok(self.record_item(v, ra, i)),
            Src::List { v } => Ok(self.list_get_at(v, i)),
            Src::Tuple { ptr, elem } => {
                let p = self.val(&format!("getelementptr {}, ptr {ptr}, i64 {i}", llty(elem)));
                Ok(self.load(elem, &p))
            }
        }
    }

    pub(super) fn range_len(&mut self, v: &V) -> String {
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

    pub(super) fn make_range(&mut self, args: &[V]) -> R<V> {
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

    /// `reversed(r)`: the range of `r`'s items, last first: from
    /// `start + (len - 1) * step` by `-step`, `len` items.
    pub(super) fn reversed_range(&mut self, r: &V) -> V {
        let start = self.extract(r, 0, Ty::I64).r;
        let step = self.extract(r, 2, Ty::I64).r;
        let n = self.range_len(r);
        let last = self.val(&format!("sub i64 {n}, 1"));
        let off = self.val(&format!("mul i64 {last}, {step}"));
        let first = self.val(&format!("add i64 {start}, {off}"));
        let stop = self.val(&format!("sub i64 {start}, {step}"));
        let back = self.val(&format!("sub i64 0, {step}"));
        let t = self.build_tuple(vec![
            V::new(first, Ty::I64),
            V::new(stop, Ty::I64),
            V::new(back, Ty::I64),
        ]);
        V::new(t.r, Ty::Range)
    }

    pub(super) fn for_stmt(
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
                            Ty::Scalar(_)
                            | Ty::NoneType
                            | Ty::Str
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
                            | Ty::Unknown => shape.push(self.cast(v, &Ty::I64).r),
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
                ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Imag(_)
                | ExprKind::Bool(_)
                | ExprKind::NoneLit
                | ExprKind::Str(_)
                | ExprKind::Name(_)
                | ExprKind::Attr(..)
                | ExprKind::Bin(..)
                | ExprKind::Unary(..)
                | ExprKind::BoolOp(..)
                | ExprKind::Compare(..)
                | ExprKind::IfExp(..)
                | ExprKind::Call { .. }
                | ExprKind::Subscript(..)
                | ExprKind::Slice(..)
                | ExprKind::Tuple(_)
                | ExprKind::List(_)
                | ExprKind::Lambda(_)
                | ExprKind::Unsupported(_) => srcs.push(self.src_of(iter)?),
            },
        }
        self.release_temps();
        // A list's length is checked at each step instead (in the head).
        for s in srcs.iter_mut() {
            if let Src::List { .. } = s.0 {
                s.1 = i64::MAX.to_string();
            }
        }
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
        let mut c = self.val(&format!("icmp slt i64 {i}, {n}"));
        for (s, _) in &srcs {
            if let Src::List { v } = s {
                let len = self.list_len(v);
                let more = self.val(&format!("icmp slt i64 {i}, {len}"));
                c = self.val(&format!("and i1 {c}, {more}"));
            }
        }
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
            frames: self.frames.len(),
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
}
