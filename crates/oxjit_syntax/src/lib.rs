//! Python source as oxjit sees it: the HIR (our own subset of Python's AST,
//! every node with a span), the compilation unit handed over by the Python
//! front end (functions + frozen globals), and rustc-style diagnostics that
//! point back into the user's file.
//!
//! The front end uses the running interpreter's own `ast` module, so the
//! grammar is always exact; `oxjit/_frontend.py` flattens the tree to JSON and
//! [`Unit::from_json`] reads it. Nothing here links libpython.

pub mod diag;
pub mod hir;

pub use diag::{Diagnostic, Severity};
pub use hir::*;

use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A value frozen from the function's globals or closure at compile time
/// (semantics.md row 11).
#[derive(Clone, Debug, PartialEq)]
pub enum GlobalValue {
    Int(i128),
    Float(f64),
    Complex(f64, f64),
    Bool(bool),
    None,
    Str(String),
    Tuple(Vec<GlobalValue>),
    /// A module we know: `math`, `numpy`, `numpy.random`, `oxjit`.
    Module(String),
    /// A registry callable by dotted path: `math.sqrt`, `numpy.empty`, `len`.
    Builtin(String),
    /// Another jitted function of this unit (index into [`Unit::functions`]).
    Function(u32),
    /// A NumPy dtype or scalar type object (`np.float64`).
    Dtype(String),
    /// A builtin exception class (`ValueError`).
    ExcClass(String),
    /// An exception class defined in Python: its process-wide number and
    /// name (the extension keeps the class and what it derives from).
    UserExc(u64, String),
    /// A NumPy array frozen as a constant (index into [`Unit::const_arrays`]).
    Array(u32),
    /// A named tuple class (`collections.namedtuple`, `typing.NamedTuple`):
    /// its process-wide number (see `oxjit_types::NamedTupleTy`), name,
    /// fields, and each field's default (frozen like any global) if it has one.
    NamedTupleClass {
        class: u64,
        name: String,
        fields: Vec<String>,
        defaults: Vec<Option<GlobalValue>>,
    },
    /// An instance of a named tuple class, frozen like a tuple: its class
    /// (as in `NamedTupleClass`) and its items.
    NamedTuple {
        class: u64,
        name: String,
        fields: Vec<String>,
        items: Vec<GlobalValue>,
    },
    /// A `jitclass` (its number in [`Unit::classes`]).
    Class(u64),
    /// Anything else; an error only if the function uses it.
    Unsupported(String),
    /// Keyed by a dotted path (`numpy.sqroot`): an attribute the function
    /// reads from a module oxjit knows, which that module does not have.
    Missing,
}

/// A `jitclass` of the unit: its fields' types as signature text (parsed by
/// typeck; `instance.jitclass.Name#N<...>` names another class), and the
/// unit functions of its methods (`__init__` and dunders included),
/// properties and static methods.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub number: u64,
    pub name: String,
    pub fields: Vec<(String, String)>,
    pub methods: Vec<(String, u32)>,
    /// Name, getter, setter.
    pub properties: Vec<(String, u32, Option<u32>)>,
    pub statics: Vec<(String, u32)>,
}

impl ClassDef {
    pub fn method(&self, name: &str) -> Option<u32> {
        self.methods
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| *f)
    }
    pub fn property(&self, name: &str) -> Option<(u32, Option<u32>)> {
        self.properties
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, g, s)| (*g, *s))
    }
    pub fn static_method(&self, name: &str) -> Option<u32> {
        self.statics
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| *f)
    }

    fn from_json(v: &Value) -> R<ClassDef> {
        let pairs = |key: &str| -> R<Vec<(String, u32)>> {
            let Some(m) = v[key].as_array() else {
                return Ok(Vec::new());
            };
            m.iter()
                .map(|p| {
                    let name = p[0].as_str().ok_or("malformed class member")?;
                    let f = p[1].as_u64().ok_or("malformed class member")?;
                    Ok((name.to_string(), f as u32))
                })
                .collect()
        };
        let text = |x: &Value| x.as_str().unwrap_or("").to_string();
        Ok(ClassDef {
            number: v["number"].as_u64().ok_or("class without a number")?,
            name: text(&v["name"]),
            fields: v["fields"]
                .as_array()
                .ok_or("class without fields")?
                .iter()
                .map(|p| (text(&p[0]), text(&p[1])))
                .collect(),
            methods: pairs("methods")?,
            properties: v["properties"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            (
                                text(&p[0]),
                                p[1].as_u64().unwrap_or(0) as u32,
                                p[2].as_u64().map(|f| f as u32),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            statics: pairs("statics")?,
        })
    }
}

/// Raw bytes and geometry of a global array frozen into compiled code.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstArray {
    pub dtype: String,
    pub shape: Vec<i64>,
    /// C-ordered element bytes.
    pub data: ConstData,
}

/// Where a frozen array's C-ordered bytes live.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstData {
    /// A small array, written into the module as an IR constant (LLVM can
    /// fold its elements).
    Inline(Vec<u8>),
    /// A large array: a private copy that compiled code reads by address.
    /// The machine code that references it owns a clone of the `Arc`
    /// (`oxjit_codegen::CodeHandle`), so the bytes live as long as the code.
    Frozen(std::sync::Arc<FrozenBytes>),
}

impl ConstData {
    pub fn bytes(&self) -> &[u8] {
        match self {
            ConstData::Inline(v) => v,
            ConstData::Frozen(f) => f.as_slice(),
        }
    }
}

#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Chunk([u8; 64]);

/// An immutable, 64-byte aligned copy of an array's bytes (the frozen value
/// of a large global or closure array).
pub struct FrozenBytes {
    chunks: Vec<Chunk>,
    len: usize,
}

impl FrozenBytes {
    pub fn from_slice(data: &[u8]) -> FrozenBytes {
        let mut chunks = vec![Chunk([0; 64]); data.len().div_ceil(64)];
        // SAFETY: `chunks` holds at least `data.len()` contiguous bytes
        // (`Chunk` is `repr(C)` over a byte array, without padding).
        unsafe {
            std::ptr::copy_nonoverlapping(
                data.as_ptr(),
                chunks.as_mut_ptr() as *mut u8,
                data.len(),
            );
        }
        FROZEN_LIVE.fetch_add(1, Ordering::Relaxed);
        FROZEN_BYTES.fetch_add(data.len(), Ordering::Relaxed);
        FrozenBytes {
            chunks,
            len: data.len(),
        }
    }

    /// `(buffers, bytes)` of frozen arrays alive in the process (leak tests).
    pub fn live() -> (usize, usize) {
        (
            FROZEN_LIVE.load(Ordering::Relaxed),
            FROZEN_BYTES.load(Ordering::Relaxed),
        )
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the chunks hold `len` initialised bytes, contiguously.
        unsafe { std::slice::from_raw_parts(self.chunks.as_ptr() as *const u8, self.len) }
    }

    /// The address compiled code reads (64-byte aligned).
    pub fn addr(&self) -> usize {
        self.chunks.as_ptr() as usize
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

static FROZEN_LIVE: AtomicUsize = AtomicUsize::new(0);
static FROZEN_BYTES: AtomicUsize = AtomicUsize::new(0);

impl Drop for FrozenBytes {
    fn drop(&mut self) {
        FROZEN_LIVE.fetch_sub(1, Ordering::Relaxed);
        FROZEN_BYTES.fetch_sub(self.len, Ordering::Relaxed);
    }
}

impl PartialEq for FrozenBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for FrozenBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FrozenBytes({} bytes at {:#x})", self.len, self.addr())
    }
}

/// One Python function of the unit: its HIR, where it came from, and its
/// frozen environment.
#[derive(Clone, Debug)]
pub struct UnitFunc {
    pub qualname: String,
    pub file: String,
    /// The source text lines of the whole file region we parsed, with
    /// `first_line` the file line number of `lines[0]`.
    pub first_line: u32,
    pub lines: Vec<String>,
    pub def: FuncDef,
    pub env: HashMap<String, GlobalValue>,
    /// Reached through a ufunc object (`@vectorize`): a call with array
    /// arguments maps it over their elements, with NumPy's error model.
    pub ufunc: bool,
}

/// Everything one compile needs: the root function (index 0) and every
/// jitted function reachable from it through globals and closures.
#[derive(Clone, Debug)]
pub struct Unit {
    pub functions: Vec<UnitFunc>,
    pub const_arrays: Vec<ConstArray>,
    /// The jitclasses the unit's functions and argument types use.
    pub classes: Vec<ClassDef>,
    /// Number of expression ids handed out (ids are unique across the unit).
    pub expr_count: u32,
    /// The running NumPy's (major, minor), where compiled code follows a
    /// change of NumPy's; (2, 4), the reference, when the unit does not say.
    pub numpy: (u32, u32),
}

type R<T> = Result<T, String>;

fn global_value(v: &Value) -> R<GlobalValue> {
    let a = v
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or("malformed global")?;
    let tag = a[0].as_str().ok_or("malformed global tag")?;
    let s = |i: usize| a.get(i).and_then(Value::as_str).unwrap_or("").to_string();
    let fl = |i: usize| -> R<f64> {
        let t = s(i);
        match t.as_str() {
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            "nan" => Ok(f64::NAN),
            _ => t.parse().map_err(|_| format!("bad float {t}")),
        }
    };
    Ok(match tag {
        "int" => match s(1).parse::<i128>() {
            Ok(v) => GlobalValue::Int(v),
            Err(_) => GlobalValue::Unsupported("int too large".into()),
        },
        "float" => GlobalValue::Float(fl(1)?),
        "complex" => GlobalValue::Complex(fl(1)?, fl(2)?),
        "bool" => GlobalValue::Bool(a.get(1).and_then(Value::as_bool).unwrap_or(false)),
        "none" => GlobalValue::None,
        "str" => GlobalValue::Str(s(1)),
        "tuple" => GlobalValue::Tuple(
            a.get(1)
                .and_then(Value::as_array)
                .ok_or("malformed tuple")?
                .iter()
                .map(global_value)
                .collect::<R<_>>()?,
        ),
        "module" => GlobalValue::Module(s(1)),
        "missing" => GlobalValue::Missing,
        "builtin" => GlobalValue::Builtin(s(1)),
        "func" => {
            GlobalValue::Function(a.get(1).and_then(Value::as_u64).ok_or("bad func index")? as u32)
        }
        "dtype" => GlobalValue::Dtype(s(1)),
        "exc" => GlobalValue::ExcClass(s(1)),
        // ["userexc", number, name]
        "userexc" => GlobalValue::UserExc(
            a.get(1)
                .and_then(Value::as_u64)
                .ok_or("bad exception class")?,
            s(2),
        ),
        "jitclass" => GlobalValue::Class(a.get(1).and_then(Value::as_u64).ok_or("bad class")?),
        "array" => {
            GlobalValue::Array(a.get(1).and_then(Value::as_u64).ok_or("bad array index")? as u32)
        }
        // ["ntvalue", class, name, [fields], [items]]
        "ntvalue" => {
            let (class, name, fields, items) = named_tuple_parts(a)?;
            GlobalValue::NamedTuple {
                class,
                name,
                fields,
                items: items.iter().map(global_value).collect::<R<_>>()?,
            }
        }
        // ["namedtuple", class, name, [fields], [default or null per field]]
        "namedtuple" => {
            let (class, name, fields, defaults) = named_tuple_parts(a)?;
            GlobalValue::NamedTupleClass {
                class,
                name,
                fields,
                defaults: defaults
                    .iter()
                    .map(|d| (!d.is_null()).then(|| global_value(d)).transpose())
                    .collect::<R<_>>()?,
            }
        }
        _ => GlobalValue::Unsupported(s(1)),
    })
}

/// `[tag, class, name, [fields], [values]]` of a named tuple class or value.
fn named_tuple_parts(a: &[Value]) -> R<(u64, String, Vec<String>, &[Value])> {
    let list = |i: usize| {
        a.get(i)
            .and_then(Value::as_array)
            .ok_or("malformed named tuple")
    };
    let fields = list(3)?
        .iter()
        .map(|f| f.as_str().unwrap_or("").to_string())
        .collect();
    Ok((
        a.get(1).and_then(Value::as_u64).ok_or("bad class number")?,
        a.get(2).and_then(Value::as_str).unwrap_or("").to_string(),
        fields,
        list(4)?,
    ))
}

impl Unit {
    /// The jitclass numbered `number`.
    pub fn class(&self, number: u64) -> Option<&ClassDef> {
        self.classes.iter().find(|c| c.number == number)
    }

    /// Read the unit the Python front end serialised.
    pub fn from_json(text: &str) -> R<Unit> {
        Unit::from_json_with(text, &[])
    }

    /// Read a unit whose large arrays were handed over separately: an array
    /// entry `{"ref": k}` takes `frozen[k]` instead of hex `data`.
    pub fn from_json_with(text: &str, frozen: &[std::sync::Arc<FrozenBytes>]) -> R<Unit> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| format!("malformed unit JSON: {e}"))?;
        let mut reader = hir::Reader::new();
        let mut functions = Vec::new();
        for f in v["functions"].as_array().ok_or("unit has no functions")? {
            let def = reader.funcdef(&f["def"])?;
            let mut env = HashMap::new();
            if let Some(m) = f["env"].as_object() {
                for (k, gv) in m {
                    env.insert(k.clone(), global_value(gv)?);
                }
            }
            functions.push(UnitFunc {
                qualname: f["qualname"].as_str().unwrap_or("<unknown>").to_string(),
                file: f["file"].as_str().unwrap_or("<unknown>").to_string(),
                first_line: f["first_line"].as_u64().unwrap_or(1) as u32,
                lines: f["lines"]
                    .as_array()
                    .map(|ls| {
                        ls.iter()
                            .map(|l| l.as_str().unwrap_or("").to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
                def,
                env,
                ufunc: f["ufunc"].as_bool().unwrap_or(false),
            });
        }
        let mut const_arrays = Vec::new();
        if let Some(arrs) = v["arrays"].as_array() {
            for a in arrs {
                let data = if let Some(k) = a["ref"].as_u64() {
                    ConstData::Frozen(
                        frozen
                            .get(k as usize)
                            .ok_or("array reference out of range")?
                            .clone(),
                    )
                } else {
                    let hex = a["data"].as_str().unwrap_or("");
                    ConstData::Inline(
                        (0..hex.len() / 2)
                            .map(|i| {
                                u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                                    .map_err(|e| e.to_string())
                            })
                            .collect::<R<Vec<u8>>>()?,
                    )
                };
                const_arrays.push(ConstArray {
                    dtype: a["dtype"].as_str().unwrap_or("").to_string(),
                    shape: a["shape"]
                        .as_array()
                        .map(|s| s.iter().filter_map(Value::as_i64).collect())
                        .unwrap_or_default(),
                    data,
                });
            }
        }
        let classes = v["classes"]
            .as_array()
            .map(|cs| cs.iter().map(ClassDef::from_json).collect::<R<Vec<_>>>())
            .transpose()?
            .unwrap_or_default();
        let version = |i: usize| v["numpy"].get(i).and_then(Value::as_u64).map(|x| x as u32);
        let numpy = match (version(0), version(1)) {
            (Some(major), Some(minor)) => (major, minor),
            _ => (2, 4),
        };
        Ok(Unit {
            functions,
            const_arrays,
            classes,
            expr_count: reader.expr_count(),
            numpy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_function() {
        let json = r#"{"functions": [{"qualname": "f", "file": "t.py", "first_line": 1,
            "lines": ["def f(x):", "    return x + 1"],
            "def": ["Def", 1, 0, 2, 16, "f", [["x", null, 1, 6, 1, 7]], null,
                    [["Return", 2, 4, 2, 16, ["Bin", 2, 11, 2, 16, "Add",
                        ["Name", 2, 11, 2, 12, "x"], ["Int", 2, 15, 2, 16, "1"]]]], false],
            "env": {"np": ["module", "numpy"], "K": ["int", "3"]}}]}"#;
        let unit = Unit::from_json(json).unwrap();
        let f = &unit.functions[0];
        assert_eq!(f.def.name, "f");
        assert_eq!(f.def.params[0].name, "x");
        assert_eq!(f.env["K"], GlobalValue::Int(3));
        let StmtKind::Return(Some(e)) = &f.def.body[0].kind else {
            panic!()
        };
        let ExprKind::Bin(BinOp::Add, l, r) = &e.kind else {
            panic!()
        };
        assert_eq!(l.kind, ExprKind::Name("x".into()));
        assert_eq!(r.kind, ExprKind::Int(1));
        assert_eq!(
            e.span,
            Span {
                line: 2,
                col: 11,
                end_line: 2,
                end_col: 16
            }
        );
        assert_eq!(unit.expr_count, 3);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(Unit::from_json("{").is_err());
        assert!(Unit::from_json(r#"{"functions": [{"def": ["Def"]}]}"#).is_err());
        assert!(Unit::from_json(
            r#"{"functions": [{"def": ["Def", 1, 0, 1, 1, "f", [], null, [[]]]}]}"#
        )
        .is_err());
    }
}
