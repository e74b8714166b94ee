//! Numba signature strings: `float64(float64, int64)`, `f8[:](f8[:, ::1])`,
//! `void(f8[:])`, `(int64, int64)`, `array(float64, 2d, C)`,
//! `UniTuple(int64, 2)`, `Tuple((f8, i8))`.

use crate::{ArrayTy, DictTy, Dtype, Layout, RecordArrayTy, RecordTy, Ty};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// `None` when the string gives only argument types.
    pub ret: Option<Ty>,
    pub args: Vec<Ty>,
}

/// Finds a jitclass's type by its number (`instance.jitclass.Name#N<...>`).
pub type Resolve<'a> = &'a dyn Fn(u64) -> Option<Ty>;

struct P<'a> {
    s: &'a [u8],
    i: usize,
    resolve: Option<Resolve<'a>>,
}

type R<T> = Result<T, String>;

impl<'a> P<'a> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: u8) -> R<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected '{}' at offset {}", c as char, self.i))
        }
    }
    fn ident(&mut self) -> R<String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric()
                || self.s[self.i] == b'_'
                || self.s[self.i] == b'.')
        {
            self.i += 1;
        }
        if start == self.i {
            return Err(format!("expected a type name at offset {}", self.i));
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn ty(&mut self) -> R<Ty> {
        if self.peek() == Some(b'(') {
            // bare tuple `(f8, i8)`
            self.i += 1;
            let items = self.list(b')')?;
            return self.suffix(Ty::Tuple(items));
        }
        self.ws();
        if self.s[self.i..].starts_with(b"instance.jitclass.") {
            return self.instance();
        }
        let mut name = self.ident()?;
        // `reflected list(int64)`, as Numba shows a list argument's type.
        if name == "reflected" {
            self.ws();
            name = self.ident()?;
        }
        let name = name.strip_prefix("numba.").unwrap_or(&name).to_string();
        let name = name.strip_prefix("types.").unwrap_or(&name).to_string();
        let base = match name.as_str() {
            "void" | "none" | "None" => Ty::NoneType,
            "unicode_type" | "string" => Ty::Str,
            "Record" => Ty::Record(self.record()?),
            "array" | "Array" => {
                self.expect(b'(')?;
                let dt = self.ty()?;
                let rec = if let Ty::Record(r) = &dt {
                    Some(r.clone())
                } else {
                    None
                };
                let dtype = match dt {
                    Ty::Scalar(d) => d,
                    Ty::Record(_) => Dtype::U8,
                    _ => return Err("array dtype must be a scalar or a record".into()),
                };
                self.expect(b',')?;
                let nd = self.ident()?;
                let ndim: u8 = nd
                    .trim_end_matches('d')
                    .parse()
                    .map_err(|_| format!("bad ndim '{nd}'"))?;
                self.expect(b',')?;
                let l = self.ident()?;
                let layout = match l.as_str() {
                    "C" => Layout::C,
                    "F" => Layout::F,
                    "A" => Layout::A,
                    _ => return Err(format!("bad layout '{l}'")),
                };
                self.expect(b')')?;
                match rec {
                    Some(rec) => Ty::RecordArray(Box::new(RecordArrayTy { rec, ndim, layout })),
                    None => Ty::Array(ArrayTy::new(dtype, ndim, layout)),
                }
            }
            "list" | "List" | "ListType" => {
                self.expect(b'(')?;
                let t = self.ty()?;
                self.expect(b')')?;
                Ty::List(Box::new(t))
            }
            // `dict(unicode_type, float64)`; Numba's `DictType[K,V]` too.
            "dict" | "DictType" => {
                let close = if self.eat(b'[') {
                    b']'
                } else {
                    self.expect(b'(').map(|_| b')')?
                };
                let k = self.ty()?;
                self.expect(b',')?;
                let v = self.ty()?;
                self.expect(close)?;
                DictTy::dict(k, v)
            }
            "set" | "Set" => {
                self.expect(b'(')?;
                let t = self.ty()?;
                self.expect(b')')?;
                DictTy::set(t)
            }
            "OptionalType" | "optional" | "Optional" => {
                self.expect(b'(')?;
                let t = self.ty()?;
                self.expect(b')')?;
                Ty::Optional(Box::new(t))
            }
            "UniTuple" => {
                self.expect(b'(')?;
                let t = self.ty()?;
                if !self.eat(b',') {
                    // `UniTuple(int64 x 2)`
                    let x = self.ident()?;
                    if x != "x" {
                        return Err("expected ',' or 'x' in UniTuple".into());
                    }
                }
                self.ws();
                let n = self.ident()?;
                let n: usize = n.parse().map_err(|_| format!("bad tuple count '{n}'"))?;
                self.expect(b')')?;
                Ty::Tuple(vec![t; n])
            }
            "Tuple" => {
                self.expect(b'(')?;
                let items = if self.eat(b'(') {
                    let items = self.list(b')')?;
                    self.expect(b')')?;
                    items
                } else {
                    self.list(b')')?
                };
                Ty::Tuple(items)
            }
            other => match Dtype::from_name(other) {
                Some(d) => Ty::Scalar(d),
                None => return Err(format!("unknown type name '{other}'")),
            },
        };
        self.suffix(base)
    }

    /// `Record(x[type=float64;offset=0],n[type=int32;offset=8];12;False)`
    /// after its name: the fields, the itemsize and whether it is aligned.
    fn record(&mut self) -> R<Arc<RecordTy>> {
        self.expect(b'(')?;
        let mut fields = Vec::new();
        loop {
            let name = self.ident()?;
            self.expect(b'[')?;
            self.word("type")?;
            self.expect(b'=')?;
            let t = self.ty()?;
            self.expect(b';')?;
            self.word("offset")?;
            self.expect(b'=')?;
            let off = self
                .ident()?
                .parse()
                .map_err(|_| "bad record field offset")?;
            self.expect(b']')?;
            fields.push((name, t, off));
            if !self.eat(b',') {
                break;
            }
        }
        self.expect(b';')?;
        let size = self.ident()?.parse().map_err(|_| "bad record size")?;
        self.expect(b';')?;
        let aligned = self.ident()? == "True";
        self.expect(b')')?;
        Ok(Arc::new(RecordTy {
            fields,
            size,
            aligned,
        }))
    }

    fn word(&mut self, w: &str) -> R<()> {
        let got = self.ident()?;
        if got != w {
            return Err(format!("expected '{w}', got '{got}'"));
        }
        Ok(())
    }

    /// `instance.jitclass.Name#N<fields>`: the class numbered `N`.
    fn instance(&mut self) -> R<Ty> {
        let hash = self.s[self.i..]
            .iter()
            .position(|c| *c == b'#')
            .ok_or("expected '#' and a class number in a jitclass instance type")?;
        self.i += hash + 1;
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        let n: u64 = std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or("expected a class number after '#'")?;
        if self.s.get(self.i) == Some(&b'<') {
            let mut depth = 0;
            while self.i < self.s.len() {
                depth += i32::from(self.s[self.i] == b'<') - i32::from(self.s[self.i] == b'>');
                self.i += 1;
                if depth == 0 {
                    break;
                }
            }
        }
        let t = self
            .resolve
            .and_then(|r| r(n))
            .ok_or_else(|| format!("unknown jitclass #{n}"))?;
        self.suffix(t)
    }

    /// `[:, ::1]` array suffixes.
    fn suffix(&mut self, base: Ty) -> R<Ty> {
        if self.peek() != Some(b'[') {
            return Ok(base);
        }
        self.i += 1;
        let Ty::Scalar(dtype) = base else {
            return Err("only scalar types can be made into arrays".into());
        };
        let mut dims: Vec<bool> = Vec::new(); // true = contiguous marker `::1`
        loop {
            self.expect(b':')?;
            let mut contig = false;
            if self.eat(b':') {
                let n = self.ident()?;
                if n != "1" {
                    return Err(format!("bad array step '{n}' (only '::1' is allowed)"));
                }
                contig = true;
            }
            dims.push(contig);
            if self.eat(b']') {
                break;
            }
            self.expect(b',')?;
        }
        let ndim = dims.len();
        let layout = if dims[ndim - 1] && dims[..ndim - 1].iter().all(|c| !c) {
            Layout::C
        } else if dims[0] && dims[1..].iter().all(|c| !c) {
            Layout::F
        } else if dims.iter().all(|c| !c) {
            Layout::A
        } else {
            return Err("'::1' may mark only the first or the last dimension".into());
        };
        Ok(Ty::Array(ArrayTy::new(dtype, ndim as u8, layout)))
    }

    fn list(&mut self, close: u8) -> R<Vec<Ty>> {
        let mut out = Vec::new();
        if self.eat(close) {
            return Ok(out);
        }
        loop {
            out.push(self.ty()?);
            if self.eat(close) {
                return Ok(out);
            }
            self.expect(b',')?;
            if self.eat(close) {
                return Ok(out);
            }
        }
    }
}

/// Parse one type: `float64`, `f8[:, ::1]`, `UniTuple(int64, 2)`.
pub fn parse_type(s: &str) -> Result<Ty, String> {
    parse_type_with(s, None)
}

/// [`parse_type`], resolving jitclass instance types with `resolve`.
pub fn parse_type_with(s: &str, resolve: Option<Resolve<'_>>) -> Result<Ty, String> {
    let mut p = P {
        s: s.as_bytes(),
        i: 0,
        resolve,
    };
    let t = p.ty()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text at offset {} in type '{s}'", p.i));
    }
    Ok(t)
}

/// Parse a full signature: `ret(args)` or `(args)`.
pub fn parse_signature(s: &str) -> Result<Signature, String> {
    parse_signature_with(s, None)
}

/// [`parse_signature`], resolving jitclass instance types with `resolve`.
pub fn parse_signature_with(s: &str, resolve: Option<Resolve<'_>>) -> Result<Signature, String> {
    let mut p = P {
        s: s.as_bytes(),
        i: 0,
        resolve,
    };
    let ret = if p.peek() == Some(b'(') {
        // Either `(args)` or a bare-tuple return type followed by `(args)`.
        let save = p.i;
        p.i += 1;
        let items = p.list(b')')?;
        if p.peek() == Some(b'(') {
            Some(Ty::Tuple(items))
        } else {
            p.i = save;
            None
        }
    } else {
        Some(p.ty()?)
    };
    p.expect(b'(')
        .map_err(|e| format!("invalid signature '{s}': {e}"))?;
    let args = p
        .list(b')')
        .map_err(|e| format!("invalid signature '{s}': {e}"))?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!(
            "invalid signature '{s}': unexpected text at offset {}",
            p.i
        ));
    }
    Ok(Signature { ret, args })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dtype::*;

    #[test]
    fn scalar_signature() {
        let s = parse_signature("float64(float64, int64)").unwrap();
        assert_eq!(s.ret, Some(Ty::F64));
        assert_eq!(s.args, vec![Ty::F64, Ty::I64]);
    }

    #[test]
    fn array_signature() {
        let s = parse_signature("f8[:](f8[:, ::1], i4[::1, :], u1[:,:,:])").unwrap();
        assert_eq!(s.ret, Some(Ty::Array(ArrayTy::new(F64, 1, Layout::A))));
        assert_eq!(s.args[0], Ty::Array(ArrayTy::new(F64, 2, Layout::C)));
        assert_eq!(s.args[1], Ty::Array(ArrayTy::new(I32, 2, Layout::F)));
        assert_eq!(s.args[2], Ty::Array(ArrayTy::new(U8, 3, Layout::A)));
    }

    #[test]
    fn args_only_and_void() {
        let s = parse_signature("(int64, float32)").unwrap();
        assert_eq!(s.ret, None);
        assert_eq!(s.args, vec![Ty::I64, Ty::Scalar(F32)]);
        let s = parse_signature("void(f8[::1])").unwrap();
        assert_eq!(s.ret, Some(Ty::NoneType));
    }

    #[test]
    fn tuple_and_array_spellings() {
        assert_eq!(
            parse_type("UniTuple(int64, 2)").unwrap(),
            Ty::Tuple(vec![Ty::I64; 2])
        );
        assert_eq!(
            parse_type("UniTuple(int64 x 2)").unwrap(),
            Ty::Tuple(vec![Ty::I64; 2])
        );
        assert_eq!(
            parse_type("Tuple((f8, i8))").unwrap(),
            Ty::Tuple(vec![Ty::F64, Ty::I64])
        );
        assert_eq!(
            parse_type("array(float32, 2d, F)").unwrap(),
            Ty::Array(ArrayTy::new(F32, 2, Layout::F))
        );
    }

    #[test]
    fn container_spellings() {
        let d = DictTy::dict(Ty::Str, Ty::Tuple(vec![Ty::I64, Ty::Str]));
        assert_eq!(parse_type(&d.to_string()).unwrap(), d);
        assert_eq!(
            parse_type("DictType[unicode_type,Tuple(int64, unicode_type)]").unwrap(),
            d
        );
        assert_eq!(parse_type("set(int64)").unwrap(), DictTy::set(Ty::I64));
        let l = Ty::List(Box::new(Ty::List(Box::new(Ty::F64))));
        assert_eq!(parse_type(&l.to_string()).unwrap(), l);
        assert_eq!(parse_type("ListType(list(float64))").unwrap(), l);
    }

    #[test]
    fn record_spellings() {
        let rec = Arc::new(RecordTy {
            fields: vec![
                ("x".into(), Ty::F64, 0),
                ("n".into(), Ty::Scalar(I32), 8),
                (
                    "p".into(),
                    Ty::Record(Arc::new(RecordTy {
                        fields: vec![("a".into(), Ty::Scalar(U8), 0)],
                        size: 1,
                        aligned: false,
                    })),
                    12,
                ),
            ],
            size: 16,
            aligned: true,
        });
        let r = Ty::Record(rec.clone());
        assert_eq!(parse_type(&r.to_string()).unwrap(), r);
        let a = Ty::RecordArray(Box::new(RecordArrayTy {
            rec,
            ndim: 2,
            layout: Layout::C,
        }));
        assert_eq!(parse_type(&a.to_string()).unwrap(), a);
    }

    #[test]
    fn errors_are_reported() {
        assert!(parse_signature("float64(float65)")
            .unwrap_err()
            .contains("float65"));
        assert!(parse_signature("f8[:](f8[:, ::2])").is_err());
        assert!(parse_signature("f8(f8").is_err());
    }
}
