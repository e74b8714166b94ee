//! Dicts and sets: `{meminfo*, payload*}` over `oxjit_runtime::dict`. An
//! entry is the LLVM struct `{i64 hash, K, V}` (`{i64, K}` for a set);
//! generated code writes a key canonically into a zeroed buffer (leaf by
//! leaf, `-0.0` as `0.0`) and hands its bytes to the runtime, which finds or
//! adds the entry; values are read and written in place. Iterating, and
//! `keys()`/`values()`/`items()`, go through a list of the live entries'
//! keys, values or pairs taken when they start.

use super::ownership::indices;
use super::*;
use oxjit_typeck::registry::DictFn;
use oxjit_types::DictTy;

/// Word fields of `DictPayload`.
const LEN: usize = 0;
const USED: usize = 1;
const ENTRIES: usize = 2;
const DIRTY: usize = 4;

/// The set operation of an operator (`|`, `&`, `-`, `^`).
pub(super) fn set_op(op: BinOp) -> Option<DictFn> {
    [
        (BinOp::BitOr, DictFn::Union),
        (BinOp::BitAnd, DictFn::Intersection),
        (BinOp::Sub, DictFn::Difference),
        (BinOp::BitXor, DictFn::SymmetricDifference),
    ]
    .iter()
    .find(|(o, _)| *o == op)
    .map(|(_, f)| *f)
}

fn table_of(t: &Ty) -> DictTy {
    if let Ty::Dict(d) = t {
        return (**d).clone();
    }
    DictTy {
        key: Ty::Unknown,
        value: None,
    }
}

/// The index paths of the strings a key holds (`[]` for a string key).
fn str_paths(t: &Ty) -> Vec<Vec<usize>> {
    t.meminfo_paths()
        .into_iter()
        .filter(|(_, held)| *held == Ty::Str)
        .map(|(mut p, _)| {
            p.pop();
            p
        })
        .collect()
}

fn entry_ty(d: &DictTy) -> String {
    match &d.value {
        Some(v) => format!("{{i64, {}, {}}}", llty(&d.key), llty(v)),
        None => format!("{{i64, {}}}", llty(&d.key)),
    }
}

impl<'p> FnGen<'_, 'p> {
    fn dict_field(&mut self, t: &V, k: usize) -> String {
        let p = self.val(&format!("extractvalue {{ptr, ptr}} {}, 1", t.r));
        self.val(&format!("getelementptr inbounds i64, ptr {p}, i64 {k}"))
    }

    pub(super) fn dict_len(&mut self, t: &V) -> String {
        let f = self.dict_field(t, LEN);
        self.val(&format!("load i64, ptr {f}"))
    }

    fn dict_payload(&mut self, t: &V) -> String {
        self.val(&format!("extractvalue {{ptr, ptr}} {}, 1", t.r))
    }

    fn dict_mark_dirty(&mut self, t: &V) {
        let f = self.dict_field(t, DIRTY);
        self.emit(&format!("store i64 1, ptr {f}"));
    }

    /// A new empty dict or set, parked as a statement temporary.
    pub(super) fn dict_new(&mut self, d: &DictTy) -> V {
        let et = entry_ty(d);
        // The MemInfos an entry holds: a string key's (part 1), the value's (2).
        let part = |k: usize, t: &Ty| -> Vec<Vec<usize>> {
            t.meminfo_paths()
                .into_iter()
                .map(|(p, _)| std::iter::once(k).chain(p).collect())
                .collect()
        };
        let mut paths = part(1, &d.key);
        d.value.iter().for_each(|v| paths.extend(part(2, v)));
        let n = paths.len();
        // Then the strings of the key, hashed and compared by their text.
        let texts = str_paths(&d.key);
        paths.extend(
            texts
                .iter()
                .map(|p| std::iter::once(1).chain(p.clone()).collect()),
        );
        let (desc, _) = self.meminfo_descriptor(&et, &paths);
        let esize = format!("ptrtoint (ptr getelementptr ({et}, ptr null, i32 1) to i64)");
        let kt = llty(&d.key);
        let ksize = format!("ptrtoint (ptr getelementptr ({kt}, ptr null, i32 1) to i64)");
        if !texts.is_empty() {
            // The runtime wants a string's offset in the key, not the entry.
            let koff =
                format!("ptrtoint (ptr getelementptr ({et}, ptr null, i32 0, i32 1) to i64)");
            let at = format!("[{} x i64]", paths.len());
            for k in n..paths.len() {
                let p = self.val(&format!("getelementptr {at}, ptr {desc}, i64 0, i64 {k}"));
                let o = self.val(&format!("load i64, ptr {p}"));
                let o = self.val(&format!("sub i64 {o}, {koff}"));
                self.emit(&format!("store i64 {o}, ptr {p}"));
            }
        }
        let int_key = d
            .key
            .scalar()
            .is_some_and(|k| k.is_int() || k == Dtype::Bool);
        let mi = self.val(&format!(
            "call ptr @oxjit_rt_dict_new(i64 {esize}, i64 {ksize}, ptr {desc}, i64 {n}, i64 {}, i32 {})",
            texts.len(),
            i32::from(int_key)
        ));
        self.counted_pair(&mi, Ty::Dict(Box::new(d.clone())), "memory for a dict")
    }

    /// The canonical bytes of key `k` (converted to the key type) in a
    /// buffer of their own: numbers written leaf by leaf into zeroed memory
    /// (padding stays zero), `-0.0` as `0.0`.
    fn key_bytes(&mut self, d: &DictTy, k: V) -> String {
        let k = self.cast(k, &d.key);
        let kt = llty(&d.key);
        let buf = self.alloca(&kt);
        if d.key == Ty::Str {
            // Compared by its text: the struct as it is.
            self.store(&k, &buf);
            return buf;
        }
        for path in str_paths(&d.key) {
            let at = indices(&path);
            let s = self.val(&format!("extractvalue {kt} {}, {at}", k.r));
            let idx: Vec<String> = path.iter().map(|i| format!("i32 {i}")).collect();
            let p = self.val(&format!(
                "getelementptr {kt}, ptr {buf}, i32 0, {}",
                idx.join(", ")
            ));
            self.emit(&format!("store {{ptr, ptr, i64}} {s}, ptr {p}"));
        }
        let mut paths = Vec::new();
        super::list::scalar_paths(&d.key, &mut Vec::new(), &mut paths);
        for (path, dt) in paths {
            let x = if path.is_empty() {
                V::new(k.r.clone(), Ty::Scalar(dt))
            } else {
                let at = path
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                V::new(
                    self.val(&format!("extractvalue {kt} {}, {at}", k.r)),
                    Ty::Scalar(dt),
                )
            };
            let x = self.canonical(x, dt);
            let p = if path.is_empty() {
                buf.clone()
            } else {
                let idx: Vec<String> = path.iter().map(|i| format!("i32 {i}")).collect();
                self.val(&format!(
                    "getelementptr {kt}, ptr {buf}, i32 0, {}",
                    idx.join(", ")
                ))
            };
            self.store_elem(&x, &p);
        }
        buf
    }

    /// `x + 0.0` turns `-0.0` into `0.0` (equal keys, equal bytes).
    fn canonical(&mut self, x: V, d: Dtype) -> V {
        if d.is_float() {
            let t = scalar_ty(d);
            return V::new(
                self.val(&format!("fadd {t} {}, {}", x.r, fconst(0.0, d))),
                x.ty,
            );
        }
        if d.is_complex() {
            let (re, im) = self.complex_parts(&x);
            let f = d.real_part();
            let t = scalar_ty(f);
            let z = fconst(0.0, f);
            let re = self.val(&format!("fadd {t} {re}, {z}"));
            let im = self.val(&format!("fadd {t} {im}, {z}"));
            return self.complex(d, &re, &im);
        }
        x
    }

    fn dict_find(&mut self, t: &V, kbuf: &str) -> String {
        let p = self.dict_payload(t);
        self.val(&format!(
            "call i64 @oxjit_rt_dict_find(ptr {p}, ptr {kbuf})"
        ))
    }

    fn entry_ptr(&mut self, t: &V, ix: &str) -> String {
        let d = table_of(&t.ty);
        let f = self.dict_field(t, ENTRIES);
        let entries = self.val(&format!("load ptr, ptr {f}"));
        self.val(&format!(
            "getelementptr {}, ptr {entries}, i64 {ix}",
            entry_ty(&d)
        ))
    }

    fn entry_part(&mut self, t: &V, ix: &str, part: usize) -> String {
        let d = table_of(&t.ty);
        let e = self.entry_ptr(t, ix);
        self.val(&format!(
            "getelementptr {}, ptr {e}, i32 0, i32 {part}",
            entry_ty(&d)
        ))
    }

    /// Key (`part` 1) or value (2) of entry `ix`: a reference of its own
    /// for a counted value.
    fn entry_get(&mut self, t: &V, ix: &str, part: usize) -> V {
        let d = table_of(&t.ty);
        let ty = if part == 1 { d.key.clone() } else { d.val() };
        let p = self.entry_part(t, ix, part);
        let v = self.load(&ty, &p);
        if ty.owns_memory() {
            self.incref(&v);
            self.own_temp(&v);
        }
        v
    }

    /// `KeyError(k)`: the key as the exception's arguments.
    fn raise_key_error(&mut self, cond: &str, k: &V) {
        let (bad, ok) = (self.label("keyerr"), self.label("keyok"));
        self.emit(&format!(
            "br i1 {cond}, label %{bad}, label %{ok}, !prof !0"
        ));
        self.terminated = true;
        self.start(&bad);
        self.emit(&format!(
            "call void @oxjit_rt_exc_begin(i32 {})",
            ExcKind::KeyError.code()
        ));
        let mut paths = Vec::new();
        super::list::scalar_paths(&k.ty, &mut Vec::new(), &mut paths);
        if k.ty == Ty::Str {
            self.exc_arg(k);
        }
        for (path, dt) in paths {
            let x = if path.is_empty() {
                k.clone()
            } else {
                let at = path
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                V::new(
                    self.val(&format!("extractvalue {} {}, {at}", llty(&k.ty), k.r)),
                    Ty::Scalar(dt),
                )
            };
            self.exc_arg(&x);
        }
        self.fail();
        self.start(&ok);
    }

    /// `d[k]`.
    pub(super) fn dict_getitem(&mut self, t: &V, k: V) -> R<V> {
        let d = table_of(&t.ty);
        let k = self.cast(k, &d.key);
        let kb = self.key_bytes(&d, k.clone());
        let ix = self.dict_find(t, &kb);
        let missing = self.val(&format!("icmp slt i64 {ix}, 0"));
        self.raise_key_error(&missing, &k);
        Ok(self.entry_get(t, &ix, 2))
    }

    /// Find or add `k`: its entry number and whether it was added.
    fn dict_slot(&mut self, t: &V, k: V) -> (String, String) {
        let d = table_of(&t.ty);
        let kb = self.key_bytes(&d, k.clone());
        let p = self.dict_payload(t);
        let fresh = self.alloca("i32");
        let ix = self.val(&format!(
            "call i64 @oxjit_rt_dict_insert(ptr {p}, ptr {kb}, ptr {fresh})"
        ));
        let oom = self.val(&format!("icmp slt i64 {ix}, 0"));
        let m = self.str_const("unable to allocate memory for a dict");
        self.raise_if(&oom, ExcKind::MemoryError, &[m]);
        let f = self.val(&format!("load i32, ptr {fresh}"));
        let f = self.val(&format!("icmp ne i32 {f}, 0"));
        if !str_paths(&d.key).is_empty() {
            // A new entry holds the strings of its key as its own (the
            // runtime copied the borrowed structs).
            let (own, done) = (self.label("kown"), self.label("kowned"));
            self.cbr(&f, &own, &done);
            self.start(&own);
            let k = self.cast(k, &d.key);
            let kept = self.keep(k);
            let kp = self.entry_part(t, &ix, 1);
            // Only the strings: the numbers there are the canonical ones.
            let kt = llty(&d.key);
            for path in str_paths(&d.key) {
                let s = if path.is_empty() {
                    kept.r.clone()
                } else {
                    let at = indices(&path);
                    self.val(&format!("extractvalue {kt} {}, {at}", kept.r))
                };
                let idx: Vec<String> = path.iter().map(|i| format!(", i32 {i}")).collect();
                let p = self.val(&format!(
                    "getelementptr {kt}, ptr {kp}, i32 0{}",
                    idx.concat()
                ));
                self.emit(&format!("store {{ptr, ptr, i64}} {s}, ptr {p}"));
            }
            self.br(&done);
            self.start(&done);
        }
        (ix, f)
    }

    /// `d[k] = v`.
    pub(super) fn dict_setitem(&mut self, t: &V, k: V, v: V) -> R<()> {
        let d = table_of(&t.ty);
        let (ix, _) = self.dict_slot(t, k);
        let vt = d.val();
        let v = self.cast(v, &vt);
        let v = self.keep(v);
        let p = self.entry_part(t, &ix, 2);
        // A fresh entry's value is zeros: releasing it releases nothing.
        let old = self.load(&vt, &p);
        self.store(&v, &p);
        self.decref(&old);
        self.dict_mark_dirty(t);
        Ok(())
    }

    /// `s.add(k)`.
    fn set_add(&mut self, t: &V, k: V) {
        let _ = self.dict_slot(t, k);
    }

    /// `k in d`.
    pub(super) fn dict_contains(&mut self, k: V, t: &V) -> String {
        let d = table_of(&t.ty);
        let kb = self.key_bytes(&d, k);
        let ix = self.dict_find(t, &kb);
        self.val(&format!("icmp sge i64 {ix}, 0"))
    }

    /// Visit each live entry's number, in insertion order.
    fn each_entry(&mut self, t: &V, f: &mut dyn FnMut(&mut Self, &str) -> R<()>) -> R<()> {
        let uf = self.dict_field(t, USED);
        let used = self.val(&format!("load i64, ptr {uf}"));
        let t = t.clone();
        self.count_loop(&used, &mut |s, ix| {
            let hp = s.entry_part(&t, ix, 0);
            let h = s.val(&format!("load i64, ptr {hp}"));
            let live = s.val(&format!("icmp ne i64 {h}, -1"));
            let (yes, no) = (s.label("live"), s.label("dead"));
            s.cbr(&live, &yes, &no);
            s.start(&yes);
            f(s, ix)?;
            s.br(&no);
            s.start(&no);
            Ok(())
        })
    }

    /// A list of the keys (`part` 1), values (2) or (key, value) pairs (3).
    pub(super) fn dict_list(&mut self, t: &V, part: usize) -> R<V> {
        let d = table_of(&t.ty);
        let elem = match part {
            1 => d.key.clone(),
            2 => d.val(),
            _ => Ty::Tuple(vec![d.key.clone(), d.val()]),
        };
        let n = self.dict_len(t);
        let out = self.new_list(&elem, &n);
        self.each_entry(t, &mut |s, ix| {
            let x = if part == 3 {
                let k = s.entry_get(t, ix, 1);
                let v = s.entry_get(t, ix, 2);
                s.build_tuple(vec![k, v])
            } else {
                s.entry_get(t, ix, part)
            };
            s.list_push(&out, x);
            Ok(())
        })?;
        Ok(out)
    }

    /// A copy of `src` as a table of type `d` (a dict's keys and values; a
    /// set's items).
    fn dict_copy(&mut self, src: &V, d: &DictTy) -> R<V> {
        let out = self.dict_new(d);
        self.dict_update(&out, src.clone())?;
        Ok(out)
    }

    /// `d.update(other)` / `s.update(iterable)` / `s |= t`.
    fn dict_update(&mut self, t: &V, src: V) -> R<()> {
        let d = table_of(&t.ty);
        if let Ty::Dict(o) = src.ty.clone() {
            if !d.is_set() && !o.is_set() {
                return self.each_entry(&src, &mut |s, ix| {
                    let k = s.entry_get(&src, ix, 1);
                    let v = s.entry_get(&src, ix, 2);
                    s.dict_setitem(t, k, v)
                });
            }
            return self.each_entry(&src, &mut |s, ix| {
                let k = s.entry_get(&src, ix, 1);
                s.set_add(t, k);
                Ok(())
            });
        }
        // An iterable: a set's items, or a dict's (key, value) pairs.
        let it = |s: &mut Self, x: V| -> R<()> {
            if d.is_set() {
                s.set_add(t, x);
                return Ok(());
            }
            let (k, v) = (s.extract(&x, 0, d.key.clone()), s.extract(&x, 1, d.val()));
            s.dict_setitem(t, k, v)
        };
        let (src, n) = self.src_of_value(V::new(src.r, src.ty.plain_tuple()))?;
        self.count_loop(&n, &mut |s, i| {
            let x = s.src_item(&src, i)?;
            it(s, x)
        })
    }

    /// Remove entry `ix`, releasing what it holds unless moved out.
    fn dict_remove(&mut self, t: &V, ix: &str, release: bool) {
        let p = self.dict_payload(t);
        self.call_void(
            "@oxjit_rt_dict_remove",
            &format!("ptr {p}, i64 {ix}, i32 {}", i32::from(release)),
        );
    }

    /// The `DictFn` family; a method's receiver is `args[0]`.
    pub(super) fn dict_fn(&mut self, f: DictFn, args: Vec<V>, ty: Ty) -> R<V> {
        let none = V::unit(Ty::NoneType);
        match f {
            DictFn::New | DictFn::SetNew => {
                let d = table_of(&ty);
                match args.into_iter().next() {
                    None => Ok(self.dict_new(&d)),
                    Some(src) => self.dict_copy(&src, &d),
                }
            }
            DictFn::Copy => self.dict_copy(&args[0], &table_of(&ty)),
            DictFn::Keys => self.dict_list(&args[0], 1),
            DictFn::Values => self.dict_list(&args[0], 2),
            DictFn::Items => self.dict_list(&args[0], 3),
            DictFn::Update => {
                self.dict_update(&args[0], args[1].clone())?;
                Ok(none)
            }
            DictFn::Clear => {
                let p = self.dict_payload(&args[0]);
                self.call_void("@oxjit_rt_dict_clear", &format!("ptr {p}"));
                Ok(none)
            }
            DictFn::Add => {
                self.set_add(&args[0], args[1].clone());
                Ok(none)
            }
            DictFn::Get
            | DictFn::Pop
            | DictFn::Setdefault
            | DictFn::DelItem
            | DictFn::Discard
            | DictFn::Remove => self.dict_lookup_fn(f, &args, ty),
            DictFn::Popitem | DictFn::SetPop => {
                let t = &args[0];
                let n = self.dict_len(t);
                let empty = self.val(&format!("icmp eq i64 {n}, 0"));
                let msg = if f == DictFn::SetPop {
                    "pop from an empty set"
                } else {
                    "popitem(): dictionary is empty"
                };
                let m = self.str_const(msg);
                self.raise_if(&empty, ExcKind::KeyError, &[m]);
                // popitem: the last entry (live, the runtime keeps it so);
                // set.pop: the first live one.
                let ix = if f == DictFn::Popitem {
                    let uf = self.dict_field(t, USED);
                    let used = self.val(&format!("load i64, ptr {uf}"));
                    self.val(&format!("sub i64 {used}, 1"))
                } else {
                    self.first_live(t)?
                };
                let d = table_of(&t.ty);
                let kp = self.entry_part(t, &ix, 1);
                let k = self.load(&d.key, &kp);
                let out = if f == DictFn::Popitem {
                    let vp = self.entry_part(t, &ix, 2);
                    let v = self.load(&d.val(), &vp);
                    self.own_temp(&v);
                    self.build_tuple(vec![k, v])
                } else {
                    k
                };
                self.dict_remove(t, &ix, false);
                Ok(out)
            }
            DictFn::Union
            | DictFn::Intersection
            | DictFn::Difference
            | DictFn::SymmetricDifference => self.set_binop(f, &args[0], &args[1], &table_of(&ty)),
            DictFn::Issubset => self.set_subset(&args[0], &args[1]),
            DictFn::Issuperset => self.set_subset(&args[1], &args[0]),
            DictFn::Isdisjoint => {
                let both = self.set_binop(
                    DictFn::Intersection,
                    &args[0],
                    &args[1],
                    &table_of(&args[0].ty),
                )?;
                let n = self.dict_len(&both);
                Ok(V::new(self.val(&format!("icmp eq i64 {n}, 0")), Ty::BOOL))
            }
        }
    }

    /// The number of the first live entry (the table is not empty).
    fn first_live(&mut self, t: &V) -> R<String> {
        let slot = self.alloca("i64");
        self.emit(&format!("store i64 -1, ptr {slot}"));
        self.each_entry(t, &mut |s, ix| {
            let cur = s.val(&format!("load i64, ptr {slot}"));
            let unset = s.val(&format!("icmp slt i64 {cur}, 0"));
            let v = s.val(&format!("select i1 {unset}, i64 {ix}, i64 {cur}"));
            s.emit(&format!("store i64 {v}, ptr {slot}"));
            Ok(())
        })?;
        Ok(self.val(&format!("load i64, ptr {slot}")))
    }

    /// `get`, `pop`, `setdefault`, `del d[k]`, `discard`, `remove`.
    fn dict_lookup_fn(&mut self, f: DictFn, args: &[V], ty: Ty) -> R<V> {
        let t = &args[0];
        let d = table_of(&t.ty);
        let k = self.cast(args[1].clone(), &d.key);
        if f == DictFn::Setdefault {
            let (ix, fresh) = self.dict_slot(t, k);
            let (set, done) = (self.label("sdset"), self.label("sddone"));
            self.cbr(&fresh, &set, &done);
            self.start(&set);
            let v = self.cast(args[2].clone(), &d.val());
            let v = self.keep(v);
            let p = self.entry_part(t, &ix, 2);
            self.store(&v, &p);
            self.br(&done);
            self.start(&done);
            return Ok(self.entry_get(t, &ix, 2));
        }
        let kb = self.key_bytes(&d, k.clone());
        let ix = self.dict_find(t, &kb);
        let missing = self.val(&format!("icmp slt i64 {ix}, 0"));
        let default = args.get(2).cloned();
        match (f, default) {
            (DictFn::Remove | DictFn::DelItem, _) => {
                self.raise_key_error(&missing, &k);
                self.dict_remove(t, &ix, true);
                Ok(V::unit(Ty::NoneType))
            }
            (DictFn::Discard, _) => {
                let (rm, done) = (self.label("disc"), self.label("discd"));
                self.cbr(&missing, &done, &rm);
                self.start(&rm);
                self.dict_remove(t, &ix, true);
                self.br(&done);
                self.start(&done);
                Ok(V::unit(Ty::NoneType))
            }
            (DictFn::Pop, None) => {
                self.raise_key_error(&missing, &k);
                let vp = self.entry_part(t, &ix, 2);
                let v = self.load(&d.val(), &vp);
                self.dict_remove(t, &ix, false);
                self.own_temp(&v);
                Ok(v)
            }
            // get (None as default) and pop with a default: the value or
            // the default, as the result type (optional for None).
            (_, dflt) => {
                let slot = self.alloca(&llty(&ty));
                let (hit, miss, done) =
                    (self.label("ghit"), self.label("gmiss"), self.label("gdone"));
                self.cbr(&missing, &miss, &hit);
                self.start(&hit);
                let vp = self.entry_part(t, &ix, 2);
                let v = self.load(&d.val(), &vp);
                let v = if f == DictFn::Pop {
                    self.dict_remove(t, &ix, false);
                    v
                } else {
                    self.incref(&v);
                    v
                };
                let v = self.cast(v, &ty);
                self.store(&v, &slot);
                self.br(&done);
                self.start(&miss);
                let dv = dflt.unwrap_or(V::unit(Ty::NoneType));
                let dv = self.cast(dv, &ty);
                self.incref(&dv);
                self.store(&dv, &slot);
                self.br(&done);
                self.start(&done);
                let r = self.load(&ty, &slot);
                self.own_temp(&r);
                Ok(r)
            }
        }
    }

    /// `a | b`, `a & b`, `a - b`, `a ^ b` of sets: a new set of type `d`.
    pub(super) fn set_binop(&mut self, f: DictFn, a: &V, b: &V, d: &DictTy) -> R<V> {
        let out = self.dict_new(d);
        let keep_if = |s: &mut Self, from: &V, other: &V, want_in: bool| -> R<()> {
            s.each_entry(from, &mut |s, ix| {
                let k = s.entry_get(from, ix, 1);
                let k = s.cast(k, &d.key);
                let inside = s.dict_contains(k.clone(), other);
                let take = if want_in {
                    inside
                } else {
                    s.val(&format!("xor i1 {inside}, true"))
                };
                let (yes, no) = (s.label("take"), s.label("skip"));
                s.cbr(&take, &yes, &no);
                s.start(&yes);
                s.set_add(&out, k);
                s.br(&no);
                s.start(&no);
                Ok(())
            })
        };
        match f {
            DictFn::Union => {
                self.dict_update(&out, a.clone())?;
                self.dict_update(&out, b.clone())?;
            }
            DictFn::Intersection => keep_if(self, a, b, true)?,
            DictFn::Difference => keep_if(self, a, b, false)?,
            // The symmetric difference (the only other one sent here).
            DictFn::SymmetricDifference
            | DictFn::New
            | DictFn::SetNew
            | DictFn::Get
            | DictFn::Pop
            | DictFn::Setdefault
            | DictFn::Keys
            | DictFn::Values
            | DictFn::Items
            | DictFn::Update
            | DictFn::Clear
            | DictFn::Copy
            | DictFn::Popitem
            | DictFn::DelItem
            | DictFn::Add
            | DictFn::Discard
            | DictFn::Remove
            | DictFn::SetPop
            | DictFn::Issubset
            | DictFn::Issuperset
            | DictFn::Isdisjoint => {
                keep_if(self, a, b, false)?;
                keep_if(self, b, a, false)?;
            }
        }
        Ok(out)
    }

    /// `s |= t`, `s &= t`, `s -= t`, `s ^= t`: the result replaces the
    /// set's items in place.
    pub(super) fn set_inplace(&mut self, op: BinOp, s: &V, v: V) -> R<()> {
        let f = set_op(op).ok_or("set operator")?;
        let d = table_of(&s.ty);
        let r = self.set_binop(f, s, &v, &d)?;
        let p = self.dict_payload(s);
        self.call_void("@oxjit_rt_dict_clear", &format!("ptr {p}"));
        self.dict_update(s, r)
    }

    /// Every item of `a` is in `b`.
    fn set_subset(&mut self, a: &V, b: &V) -> R<V> {
        let slot = self.alloca("i1");
        self.emit(&format!("store i1 true, ptr {slot}"));
        let d = table_of(&b.ty);
        self.each_entry(a, &mut |s, ix| {
            let k = s.entry_get(a, ix, 1);
            let k = s.cast(k, &d.key);
            let inside = s.dict_contains(k, b);
            let prev = s.val(&format!("load i1, ptr {slot}"));
            let both = s.val(&format!("and i1 {prev}, {inside}"));
            s.emit(&format!("store i1 {both}, ptr {slot}"));
            Ok(())
        })?;
        Ok(V::new(self.val(&format!("load i1, ptr {slot}")), Ty::BOOL))
    }

    /// `a == b`: the same keys (and equal values for dicts).
    pub(super) fn dict_eq(&mut self, a: &V, b: &V) -> R<String> {
        let (na, nb) = (self.dict_len(a), self.dict_len(b));
        let slot = self.alloca("i1");
        let same = self.val(&format!("icmp eq i64 {na}, {nb}"));
        self.emit(&format!("store i1 {same}, ptr {slot}"));
        let db = table_of(&b.ty);
        self.each_entry(a, &mut |s, ix| {
            let k = s.entry_get(a, ix, 1);
            let k = s.cast(k, &db.key);
            let kb = s.key_bytes(&db, k);
            let jx = s.dict_find(b, &kb);
            let found = s.val(&format!("icmp sge i64 {jx}, 0"));
            let prev = s.val(&format!("load i1, ptr {slot}"));
            let ok = s.val(&format!("and i1 {prev}, {found}"));
            s.emit(&format!("store i1 {ok}, ptr {slot}"));
            if db.is_set() {
                return Ok(());
            }
            let (cmp, done) = (s.label("veq"), s.label("veqd"));
            s.cbr(&ok, &cmp, &done);
            s.start(&cmp);
            let va = s.entry_get(a, ix, 2);
            let vb = s.entry_get(b, &jx, 2);
            let eq = s.compare(CmpOp::Eq, va, vb)?;
            s.emit(&format!("store i1 {eq}, ptr {slot}"));
            s.br(&done);
            s.start(&done);
            Ok(())
        })?;
        Ok(self.val(&format!("load i1, ptr {slot}")))
    }

    /// Set comparisons `<=`, `<`, `>=`, `>`.
    pub(super) fn set_compare(&mut self, op: CmpOp, a: V, b: V) -> R<String> {
        let (x, y) = if matches!(op, CmpOp::Ge | CmpOp::Gt) {
            (b, a)
        } else {
            (a, b)
        };
        let sub = self.set_subset(&x, &y)?;
        if matches!(op, CmpOp::Lt | CmpOp::Gt) {
            let (nx, ny) = (self.dict_len(&x), self.dict_len(&y));
            let proper = self.val(&format!("icmp slt i64 {nx}, {ny}"));
            return Ok(self.val(&format!("and i1 {}, {proper}", sub.r)));
        }
        Ok(sub.r)
    }

    /// `print(d)`: `{k: v, ...}`; a set `{a, b}`, `set()` when empty.
    pub(super) fn print_dict(&mut self, t: &V) -> R<()> {
        let d = table_of(&t.ty);
        let n = self.dict_len(t);
        let empty = self.val(&format!("icmp eq i64 {n}, 0"));
        let (e, full, done) = (self.label("pde"), self.label("pdf"), self.label("pdd"));
        self.cbr(&empty, &e, &full);
        self.start(&e);
        let s = self.str_const(if d.is_set() { "set()" } else { "{}" });
        self.print_value(&s, false)?;
        self.br(&done);
        self.start(&full);
        let open = self.str_const("{");
        self.print_value(&open, false)?;
        let first = self.alloca("i1");
        self.emit(&format!("store i1 true, ptr {first}"));
        self.each_entry(t, &mut |s, ix| {
            let f = s.val(&format!("load i1, ptr {first}"));
            s.emit(&format!("store i1 false, ptr {first}"));
            let (sep, item) = (s.label("pds"), s.label("pdi"));
            s.cbr(&f, &item, &sep);
            s.start(&sep);
            let c = s.str_const(", ");
            s.print_value(&c, false)?;
            s.br(&item);
            s.start(&item);
            let k = s.entry_get(t, ix, 1);
            s.print_value(&k, true)?;
            if !d.is_set() {
                let c = s.str_const(": ");
                s.print_value(&c, false)?;
                let v = s.entry_get(t, ix, 2);
                s.print_value(&v, true)?;
            }
            Ok(())
        })?;
        let close = self.str_const("}");
        self.print_value(&close, false)?;
        self.br(&done);
        self.start(&done);
        Ok(())
    }
}
