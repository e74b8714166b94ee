//! The HIR: our own subset of Python's AST, with a span on every node and a
//! unique id on every expression (the type checker's side tables key on it).

/// A source range: 1-based lines in the user's file, 0-based UTF-8 byte
/// columns (Python's `ast` convention).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

pub type ExprId = u32;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub id: ExprId,
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    MatMul,
    LShift,
    RShift,
    BitAnd,
    BitOr,
    BitXor,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::MatMul => "@",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
        }
    }
    fn from_name(s: &str) -> Option<BinOp> {
        Some(match s {
            "Add" => BinOp::Add,
            "Sub" => BinOp::Sub,
            "Mult" => BinOp::Mul,
            "Div" => BinOp::Div,
            "FloorDiv" => BinOp::FloorDiv,
            "Mod" => BinOp::Mod,
            "Pow" => BinOp::Pow,
            "MatMult" => BinOp::MatMul,
            "LShift" => BinOp::LShift,
            "RShift" => BinOp::RShift,
            "BitAnd" => BinOp::BitAnd,
            "BitOr" => BinOp::BitOr,
            "BitXor" => BinOp::BitXor,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Pos,
    Not,
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    pub name: String,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// Integer literal; Python ints are unbounded, range checked in typeck.
    Int(i128),
    Float(f64),
    /// Imaginary literal `2j` (the imaginary part).
    Imag(f64),
    Bool(bool),
    NoneLit,
    Str(String),
    Name(String),
    Attr(Box<Expr>, String),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    /// `and` (true) / `or` (false) over two or more operands.
    BoolOp(bool, Vec<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    IfExp(Box<Expr>, Box<Expr>, Box<Expr>),
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        /// `f(*xs)`: a starred argument (tuple), placed after `args`.
        star: Option<Box<Expr>>,
        kwargs: Vec<Keyword>,
    },
    Subscript(Box<Expr>, Box<Expr>),
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Lambda(Box<FuncDef>),
    /// Syntax we parse but do not compile; typeck reports it at this span.
    Unsupported(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub span: Span,
    pub kind: StmtKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExceptHandler {
    pub span: Span,
    /// Exception class expression(s); `None` for a bare `except:`.
    pub class: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `a = b = value` (targets left to right).
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    Expr(Expr),
    Return(Option<Expr>),
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    Raise(Option<Expr>),
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    FuncDef(Box<FuncDef>),
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    Unsupported(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    pub name: String,
    pub span: Span,
    pub params: Vec<Param>,
    /// `*args` parameter name.
    pub vararg: Option<String>,
    pub body: Vec<Stmt>,
    /// A lambda's body is one expression, stored as `return expr`.
    pub is_lambda: bool,
}

// ---------------------------------------------------------------------------
// Walking helpers
// ---------------------------------------------------------------------------

impl Expr {
    /// Visit this expression and every sub-expression (pre-order), not
    /// descending into lambdas.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bool(_)
            | ExprKind::NoneLit
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::Lambda(_)
            | ExprKind::Unsupported(_) => {}
            ExprKind::Attr(e, _) | ExprKind::Unary(_, e) => e.walk(f),
            ExprKind::Bin(_, a, b) | ExprKind::Subscript(a, b) => {
                a.walk(f);
                b.walk(f)
            }
            ExprKind::BoolOp(_, xs) | ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                xs.iter().for_each(|x| x.walk(f))
            }
            ExprKind::Compare(a, rest) => {
                a.walk(f);
                rest.iter().for_each(|(_, x)| x.walk(f))
            }
            ExprKind::IfExp(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f)
            }
            ExprKind::Call {
                func,
                args,
                star,
                kwargs,
            } => {
                func.walk(f);
                args.iter().for_each(|x| x.walk(f));
                if let Some(s) = star {
                    s.walk(f)
                }
                kwargs.iter().for_each(|k| k.value.walk(f))
            }
            ExprKind::Slice(a, b, c) => {
                for x in [a, b, c].into_iter().flatten() {
                    x.walk(f)
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// JSON reader: the Python front end (`oxjit/_frontend.py`) flattens `ast`
// nodes into arrays `[tag, line, col, end_line, end_col, fields...]`.
// ---------------------------------------------------------------------------

use serde_json::Value;

pub struct Reader {
    next_id: ExprId,
}

type R<T> = Result<T, String>;

fn arr(v: &Value) -> R<&Vec<Value>> {
    v.as_array()
        .ok_or_else(|| format!("malformed HIR: expected an array, got {v}"))
}
fn string(v: &Value) -> R<&str> {
    v.as_str()
        .ok_or_else(|| format!("malformed HIR: expected a string, got {v}"))
}

fn span_of(a: &[Value]) -> Span {
    let n = |i: usize| a.get(i).and_then(Value::as_u64).unwrap_or(0) as u32;
    Span {
        line: n(1),
        col: n(2),
        end_line: n(3),
        end_col: n(4),
    }
}

fn parse_float(s: &str) -> R<f64> {
    match s {
        "inf" => Ok(f64::INFINITY),
        "-inf" => Ok(f64::NEG_INFINITY),
        "nan" => Ok(f64::NAN),
        _ => s
            .parse()
            .map_err(|_| format!("malformed float literal {s}")),
    }
}

impl Default for Reader {
    fn default() -> Self {
        Self::new()
    }
}

impl Reader {
    pub fn new() -> Reader {
        Reader { next_id: 0 }
    }

    pub fn expr_count(&self) -> u32 {
        self.next_id
    }

    fn mk(&mut self, span: Span, kind: ExprKind) -> Expr {
        let id = self.next_id;
        self.next_id += 1;
        Expr { id, span, kind }
    }

    fn opt_expr(&mut self, v: &Value) -> R<Option<Box<Expr>>> {
        if v.is_null() {
            Ok(None)
        } else {
            Ok(Some(Box::new(self.expr(v)?)))
        }
    }

    fn exprs(&mut self, v: &Value) -> R<Vec<Expr>> {
        arr(v)?.iter().map(|x| self.expr(x)).collect()
    }

    pub fn expr(&mut self, v: &Value) -> R<Expr> {
        let a = arr(v)?;
        let tag = string(a.first().unwrap_or(&Value::Null))?;
        let sp = span_of(a);
        let f = |i: usize| -> &Value { a.get(i + 5).unwrap_or(&Value::Null) };
        let kind = match tag {
            "Int" => {
                let s = string(f(0))?;
                match s.parse::<i128>() {
                    Ok(v) => ExprKind::Int(v),
                    Err(_) => ExprKind::Unsupported(format!(
                        "integer literal {s} does not fit in 64 bits"
                    )),
                }
            }
            "Float" => ExprKind::Float(parse_float(string(f(0))?)?),
            "Imag" => ExprKind::Imag(parse_float(string(f(0))?)?),
            "Bool" => ExprKind::Bool(f(0).as_bool().unwrap_or(false)),
            "None" => ExprKind::NoneLit,
            "Str" => ExprKind::Str(string(f(0))?.to_string()),
            "Name" => ExprKind::Name(string(f(0))?.to_string()),
            "Attr" => ExprKind::Attr(Box::new(self.expr(f(0))?), string(f(1))?.to_string()),
            "Bin" => {
                let op = BinOp::from_name(string(f(0))?).ok_or("bad binop")?;
                ExprKind::Bin(op, Box::new(self.expr(f(1))?), Box::new(self.expr(f(2))?))
            }
            "Unary" => {
                let op = match string(f(0))? {
                    "USub" => UnOp::Neg,
                    "UAdd" => UnOp::Pos,
                    "Not" => UnOp::Not,
                    "Invert" => UnOp::Invert,
                    o => return Err(format!("bad unary op {o}")),
                };
                ExprKind::Unary(op, Box::new(self.expr(f(1))?))
            }
            "BoolOp" => ExprKind::BoolOp(string(f(0))? == "And", self.exprs(f(1))?),
            "Compare" => {
                let left = self.expr(f(0))?;
                let ops = arr(f(1))?;
                let rights = arr(f(2))?;
                let mut rest = Vec::new();
                for (o, r) in ops.iter().zip(rights) {
                    let op = match string(o)? {
                        "Eq" => CmpOp::Eq,
                        "NotEq" => CmpOp::Ne,
                        "Lt" => CmpOp::Lt,
                        "LtE" => CmpOp::Le,
                        "Gt" => CmpOp::Gt,
                        "GtE" => CmpOp::Ge,
                        "Is" => CmpOp::Is,
                        "IsNot" => CmpOp::IsNot,
                        "In" => CmpOp::In,
                        "NotIn" => CmpOp::NotIn,
                        o => return Err(format!("bad cmp op {o}")),
                    };
                    rest.push((op, self.expr(r)?));
                }
                ExprKind::Compare(Box::new(left), rest)
            }
            "IfExp" => ExprKind::IfExp(
                Box::new(self.expr(f(0))?),
                Box::new(self.expr(f(1))?),
                Box::new(self.expr(f(2))?),
            ),
            "Call" => {
                let func = Box::new(self.expr(f(0))?);
                let args = self.exprs(f(1))?;
                let star = self.opt_expr(f(2))?;
                let mut kwargs = Vec::new();
                for kw in arr(f(3))? {
                    let kw = arr(kw)?;
                    let (Some(k), Some(v)) = (kw.first(), kw.get(1)) else {
                        return Err("malformed HIR: keyword".into());
                    };
                    kwargs.push(Keyword {
                        name: string(k)?.to_string(),
                        value: self.expr(v)?,
                    });
                }
                ExprKind::Call {
                    func,
                    args,
                    star,
                    kwargs,
                }
            }
            "Subscript" => {
                ExprKind::Subscript(Box::new(self.expr(f(0))?), Box::new(self.expr(f(1))?))
            }
            "Slice" => ExprKind::Slice(
                self.opt_expr(f(0))?,
                self.opt_expr(f(1))?,
                self.opt_expr(f(2))?,
            ),
            "Tuple" => ExprKind::Tuple(self.exprs(f(0))?),
            "List" => ExprKind::List(self.exprs(f(0))?),
            "Lambda" => ExprKind::Lambda(Box::new(self.funcdef(f(0))?)),
            "Unsupported" => ExprKind::Unsupported(string(f(0))?.to_string()),
            other => return Err(format!("unknown HIR expression tag {other}")),
        };
        Ok(self.mk(sp, kind))
    }

    pub fn stmts(&mut self, v: &Value) -> R<Vec<Stmt>> {
        arr(v)?.iter().map(|x| self.stmt(x)).collect()
    }

    pub fn stmt(&mut self, v: &Value) -> R<Stmt> {
        let a = arr(v)?;
        let tag = string(a.first().unwrap_or(&Value::Null))?;
        let span = span_of(a);
        let f = |i: usize| -> &Value { a.get(i + 5).unwrap_or(&Value::Null) };
        let kind = match tag {
            "Assign" => StmtKind::Assign {
                targets: self.exprs(f(0))?,
                value: self.expr(f(1))?,
            },
            "AugAssign" => {
                let target = self.expr(f(0))?;
                let op = BinOp::from_name(string(f(1))?).ok_or("bad binop")?;
                StmtKind::AugAssign {
                    target,
                    op,
                    value: self.expr(f(2))?,
                }
            }
            "Expr" => StmtKind::Expr(self.expr(f(0))?),
            "Return" => StmtKind::Return(self.opt_expr(f(0))?.map(|b| *b)),
            "If" => StmtKind::If {
                test: self.expr(f(0))?,
                body: self.stmts(f(1))?,
                orelse: self.stmts(f(2))?,
            },
            "While" => StmtKind::While {
                test: self.expr(f(0))?,
                body: self.stmts(f(1))?,
                orelse: self.stmts(f(2))?,
            },
            "For" => StmtKind::For {
                target: self.expr(f(0))?,
                iter: self.expr(f(1))?,
                body: self.stmts(f(2))?,
                orelse: self.stmts(f(3))?,
            },
            "Break" => StmtKind::Break,
            "Continue" => StmtKind::Continue,
            "Pass" => StmtKind::Pass,
            "Raise" => StmtKind::Raise(self.opt_expr(f(0))?.map(|b| *b)),
            "Assert" => StmtKind::Assert {
                test: self.expr(f(0))?,
                msg: self.opt_expr(f(1))?.map(|b| *b),
            },
            "FuncDef" => StmtKind::FuncDef(Box::new(self.funcdef(f(0))?)),
            "Try" => {
                let body = self.stmts(f(0))?;
                let mut handlers = Vec::new();
                for h in arr(f(1))? {
                    let h = arr(h)?;
                    if h.len() < 8 {
                        return Err("malformed HIR: short except handler".into());
                    }
                    let hs = span_of(h);
                    let class = if h[5].is_null() {
                        None
                    } else {
                        Some(self.expr(&h[5])?)
                    };
                    let name = h[6].as_str().map(str::to_string);
                    handlers.push(ExceptHandler {
                        span: hs,
                        class,
                        name,
                        body: self.stmts(&h[7])?,
                    });
                }
                StmtKind::Try {
                    body,
                    handlers,
                    orelse: self.stmts(f(2))?,
                    finalbody: self.stmts(f(3))?,
                }
            }
            "Unsupported" => StmtKind::Unsupported(string(f(0))?.to_string()),
            other => return Err(format!("unknown HIR statement tag {other}")),
        };
        Ok(Stmt { span, kind })
    }

    /// `["Def", l, c, el, ec, name, [[pname, default|null, l, c, el, ec]...], vararg|null, body, is_lambda]`
    pub fn funcdef(&mut self, v: &Value) -> R<FuncDef> {
        let a = arr(v)?;
        if a.len() < 9 {
            return Err("malformed HIR: short function node".into());
        }
        let span = span_of(a);
        let name = string(&a[5])?.to_string();
        let mut params = Vec::new();
        for p in arr(&a[6])? {
            let p = arr(p)?;
            if p.len() < 2 {
                return Err("malformed HIR: short parameter".into());
            }
            let pname = string(&p[0])?.to_string();
            let default = if p[1].is_null() {
                None
            } else {
                Some(self.expr(&p[1])?)
            };
            let n = |i: usize| p.get(i).and_then(Value::as_u64).unwrap_or(0) as u32;
            params.push(Param {
                name: pname,
                default,
                span: Span {
                    line: n(2),
                    col: n(3),
                    end_line: n(4),
                    end_col: n(5),
                },
            });
        }
        let vararg = a[7].as_str().map(str::to_string);
        let body = self.stmts(&a[8])?;
        let is_lambda = a.get(9).and_then(Value::as_bool).unwrap_or(false);
        Ok(FuncDef {
            name,
            span,
            params,
            vararg,
            body,
            is_lambda,
        })
    }
}
