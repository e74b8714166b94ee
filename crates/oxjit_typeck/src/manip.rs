//! Types of the shape-manipulation and remaining array functions
//! (`registry::Manip`).
//!
//! Arguments that fix the result's number of dimensions (axes of
//! transpose/swapaxes/expand_dims/squeeze/stack/roll/partition, the length of
//! tile's reps) must be constants; sizes and offsets may be runtime values.

use crate::builtins::CallSite;
use crate::call::call_args;
use crate::driver::{Checker, Cx};
use crate::program::{Const, Res};
use crate::registry::{self, Manip};
use oxjit_syntax::{Diagnostic, Expr, ExprKind};
use oxjit_types::{promote_numpy, ArrayTy, Dtype, Layout, Ty};

/// Keyword arguments each function accepts.
pub fn keywords(f: Manip) -> &'static [&'static str] {
    match f {
        Manip::Diag | Manip::Tril | Manip::Triu => &["k"],
        Manip::Diagonal => &["offset"],
        Manip::Tri => &["M", "k", "dtype"],
        Manip::Transpose => &["axes"],
        Manip::Swapaxes => &["axis1", "axis2"],
        Manip::ExpandDims | Manip::Squeeze | Manip::Stack => &["axis"],
        Manip::ColumnStack
        | Manip::Cross
        | Manip::Argwhere
        | Manip::AsFortran
        | Manip::AtLeast(_) => &[],
        Manip::Repeat => &["repeats", "axis"],
        Manip::Tile => &["reps"],
        Manip::Roll => &["shift", "axis"],
        Manip::Partition => &["kth", "axis"],
        Manip::ArrayEqual => &["equal_nan"],
        Manip::Histogram => &["bins", "range", "density"],
        Manip::Digitize => &["right"],
    }
}

/// Parameter names in positional order (a method's receiver is the first).
fn params(f: Manip) -> &'static [&'static str] {
    match f {
        Manip::Diag => &["v", "k"],
        Manip::Diagonal => &["a", "offset"],
        Manip::Tri => &["N", "M", "k", "dtype"],
        Manip::Tril | Manip::Triu => &["m", "k"],
        Manip::Transpose => &["a", "axes"],
        Manip::Swapaxes => &["a", "axis1", "axis2"],
        Manip::ExpandDims | Manip::Squeeze => &["a", "axis"],
        Manip::Stack => &["arrays", "axis"],
        Manip::ColumnStack => &["tup"],
        Manip::Repeat => &["a", "repeats", "axis"],
        Manip::Tile => &["A", "reps"],
        Manip::Roll => &["a", "shift", "axis"],
        Manip::Partition => &["a", "kth", "axis"],
        Manip::Cross => &["a", "b"],
        Manip::ArrayEqual => &["a1", "a2", "equal_nan"],
        Manip::Argwhere | Manip::AsFortran => &["a"],
        Manip::AtLeast(_) => &["arys"],
        Manip::Histogram => &["a", "bins", "range"],
        Manip::Digitize => &["x", "bins", "right"],
    }
}

/// The constant behind an argument expression: a literal or frozen global
/// (recorded by inference), or a tuple display of constants.
pub(crate) fn const_of(cx: &Cx<'_>, x: &Expr) -> Option<Const> {
    if let Some(Res::Const(c)) = cx.res.get(&x.id) {
        return Some(c.clone());
    }
    match &x.kind {
        ExprKind::Tuple(xs) => Some(Const::Tuple(
            xs.iter().map(|x| const_of(cx, x)).collect::<Option<_>>()?,
        )),
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
        | ExprKind::List(_)
        | ExprKind::Lambda(_)
        | ExprKind::Unsupported(_) => None,
    }
}

/// An int constant or a tuple of them, as a list.
fn const_ints(c: &Const) -> Option<Vec<i64>> {
    match c {
        Const::Int(k) => Some(vec![*k]),
        Const::Tuple(xs) => xs
            .iter()
            .map(|x| match x {
                Const::Int(k) => Some(*k),
                Const::Float(_)
                | Const::Complex(..)
                | Const::Bool(_)
                | Const::None
                | Const::Str(_)
                | Const::Tuple(_) => None,
            })
            .collect(),
        Const::Float(_) | Const::Complex(..) | Const::Bool(_) | Const::None | Const::Str(_) => None,
    }
}

fn is_int(t: &Ty) -> bool {
    t.scalar().is_some_and(|d| d.is_int())
}

fn is_real(t: &Ty) -> bool {
    t.scalar().is_some_and(|d| !d.is_complex())
}

/// A tuple whose items are all ints (values may be runtime).
fn int_tuple(t: &Ty) -> Option<usize> {
    match t {
        Ty::Tuple(items) if items.iter().all(is_int) => Some(items.len()),
        Ty::Scalar(_)
        | Ty::NoneType
        | Ty::Str
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
        | Ty::Unknown => None,
    }
}

/// `k` normalised into `0..nd`, or None when out of bounds.
fn norm_axis(k: i64, nd: usize) -> Option<usize> {
    let n = nd as i64;
    (-n..n).contains(&k).then(|| k.rem_euclid(n) as usize)
}

/// NumPy's layout for a view whose axes are `perm` of the input's.
fn permuted_layout(a: &ArrayTy, perm: &[usize]) -> Layout {
    let nd = perm.len();
    if perm.iter().enumerate().all(|(i, p)| i == *p) {
        a.layout
    } else if perm.iter().enumerate().all(|(i, p)| *p == nd - 1 - i) {
        match a.layout {
            Layout::C => Layout::F,
            Layout::F => Layout::C,
            Layout::A => Layout::A,
        }
    } else {
        Layout::A
    }
}

/// One call being typed: its parameters and where each argument comes from.
struct ManipCall<'a, 'u> {
    /// How the user called it (`numpy.squeeze`, `ndarray.squeeze`), for messages.
    name: &'a str,
    /// Parameter names in positional order.
    names: &'static [&'static str],
    tys: &'a [Ty],
    /// Positional argument expressions; a method's receiver comes first.
    pos: Vec<&'u Expr>,
    kwargs: &'a [(String, &'u Expr)],
    /// `a.transpose(i, j, k)`: the axes passed separately.
    varargs: bool,
    method: bool,
    /// The first argument, when it is an array.
    arr: Option<ArrayTy>,
}

impl<'u> ManipCall<'_, 'u> {
    /// Parameter `i` (or its keyword): its type and expression.
    fn get(&self, cx: &Cx<'u>, i: usize) -> Option<(Ty, &'u Expr)> {
        if i < self.tys.len() {
            return Some((self.tys[i].clone(), self.pos.get(i).copied()?));
        }
        let nm = self.names.get(i)?;
        self.kwargs
            .iter()
            .find(|(k, _)| k == nm)
            .map(|(_, v)| (cx.expr_ty.get(&v.id).cloned().unwrap_or(Ty::Unknown), *v))
    }

    /// An optional integer parameter that may be a runtime value.
    fn int_ok(&self, cx: &Cx<'u>, i: usize) -> bool {
        self.get(cx, i).is_none_or(|(t, _)| is_int(&t))
    }
}

impl<'u> Checker<'u> {
    fn manip_bad(&mut self, cx: &Cx<'u>, at: &Expr, msg: String) -> Ty {
        let d = Diagnostic::error("bad-argument", at.span, msg);
        self.err(cx, d);
        Ty::Unknown
    }

    fn manip_unsupported(&mut self, cx: &Cx<'u>, at: &Expr, msg: String) -> Ty {
        let d = Diagnostic::unsupported(at.span, msg);
        self.err(cx, d);
        Ty::Unknown
    }

    pub(crate) fn manip_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: Manip,
        tys: &[Ty],
        kwargs: &[(String, &'u Expr)],
        site: CallSite<'_>,
    ) -> Ty {
        let (name, method) = (site.name, site.method);
        let names = params(f);
        let n = tys.len();
        // Positional argument expressions; a method's receiver comes first.
        let mut pos: Vec<&'u Expr> = Vec::new();
        if method {
            if let ExprKind::Call { func, .. } = &e.kind {
                if let ExprKind::Attr(obj, _) = &func.kind {
                    pos.push(obj);
                }
            }
        }
        pos.extend(call_args(e).iter());
        let varargs = method && f == Manip::Transpose;
        if !varargs && !self.arity(cx, e, name, n, 1, names.len()) {
            return Ty::Unknown;
        }
        for (k, v) in kwargs {
            if let Some(i) = names.iter().position(|p| p == k) {
                if i < n {
                    return self.manip_bad(
                        cx,
                        v,
                        format!("{name}() got multiple values for argument '{k}'"),
                    );
                }
            }
        }
        let arr = tys.first().and_then(|t| t.array().copied());
        let c = ManipCall {
            name,
            names,
            tys,
            pos,
            kwargs,
            varargs,
            method,
            arr,
        };
        match f {
            Manip::Diag | Manip::Diagonal | Manip::Tri | Manip::Tril | Manip::Triu => {
                self.manip_triangle_ty(cx, e, f, &c)
            }
            Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::AsFortran => self.manip_axes_ty(cx, e, f, &c),
            Manip::Stack | Manip::ColumnStack | Manip::Repeat | Manip::Tile | Manip::Roll => {
                self.manip_join_ty(cx, e, f, &c)
            }
            Manip::Partition | Manip::Argwhere | Manip::Histogram | Manip::Digitize => {
                self.manip_sort_ty(cx, e, f, &c)
            }
            Manip::Cross | Manip::ArrayEqual => self.manip_compare_ty(cx, e, f, &c),
            Manip::AtLeast(n) => match c.arr {
                Some(a) if c.tys.len() == 1 => Ty::Array(at_least(a, n)),
                _ => self.no_match(cx, e, c.name, c.tys, "(array)"),
            },
        }
    }

    /// diag, diagonal, tri, tril and triu.
    fn manip_triangle_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: Manip,
        c: &ManipCall<'_, 'u>,
    ) -> Ty {
        let tys = c.tys;
        let arr = c.arr;
        match f {
            Manip::Diag => {
                let Some(a) = arr.filter(|_| c.int_ok(cx, 1)) else {
                    return self.no_match(cx, e, c.name, tys, "(1-d or 2-d array, k=0)");
                };
                match a.ndim {
                    1 => registry::array_of(a.dtype, 2),
                    2 => Ty::Array(ArrayTy {
                        ndim: 1,
                        layout: Layout::A,
                        readonly: true,
                        ..a
                    }),
                    _ => self.manip_bad(cx, e, "Input must be 1- or 2-d.".into()),
                }
            }
            Manip::Diagonal => {
                let Some(a) = arr.filter(|_| c.int_ok(cx, 1)) else {
                    return self.no_match(cx, e, c.name, tys, "(2-d array, offset=0)");
                };
                match a.ndim {
                    2 => Ty::Array(ArrayTy {
                        ndim: 1,
                        layout: Layout::A,
                        readonly: true,
                        ..a
                    }),
                    1 => self.manip_bad(
                        cx,
                        e,
                        "diag requires an array of at least two dimensions".into(),
                    ),
                    _ => self.manip_unsupported(
                        cx,
                        e,
                        format!(
                            "{} of arrays with more than 2 dimensions is not supported in compiled code",
                            c.name
                        ),
                    ),
                }
            }
            Manip::Tri => {
                let ok = (0..3).all(|i| {
                    c.get(cx, i)
                        .is_none_or(|(t, _)| is_int(&t) || (i == 1 && t == Ty::NoneType))
                });
                if !ok || c.get(cx, 0).is_none() {
                    return self.no_match(cx, e, c.name, tys, "(N, M=None, k=0, dtype=float)");
                }
                let dt = match c.get(cx, 3) {
                    None => Some(Dtype::F64),
                    Some((t, x)) => self.dtype_arg(cx, Some(&t), x),
                };
                match dt {
                    Some(d) => registry::array_of(d, 2),
                    None => self.no_match(cx, e, c.name, tys, "dtype= known at compile time"),
                }
            }
            Manip::Tril | Manip::Triu => match arr.filter(|_| c.int_ok(cx, 1)) {
                Some(a) => registry::array_of(a.dtype, a.ndim.max(2)),
                None => self.no_match(cx, e, c.name, tys, "(array, k=0)"),
            },
            // (manip_ty sends only the functions above here)
            Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::Stack
            | Manip::ColumnStack
            | Manip::Repeat
            | Manip::Tile
            | Manip::Roll
            | Manip::Partition
            | Manip::Cross
            | Manip::ArrayEqual
            | Manip::Argwhere
            | Manip::AsFortran
            | Manip::Histogram
            | Manip::Digitize
            | Manip::AtLeast(_) => Ty::Unknown,
        }
    }

    /// Views with their axes moved (transpose, swapaxes, expand_dims,
    /// squeeze) and asfortranarray.
    fn manip_axes_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: Manip,
        c: &ManipCall<'_, 'u>,
    ) -> Ty {
        let names = c.names;
        let tys = c.tys;
        let n = c.tys.len();
        let pos = &c.pos;
        let varargs = c.varargs;
        let arr = c.arr;
        match f {
            Manip::Transpose => {
                let Some(a) = arr else {
                    return self.no_match(cx, e, c.name, tys, "(array, axes=None)");
                };
                let nd = a.ndim as usize;
                // a.transpose(i, j, k) passes the axes separately.
                let axes: Option<Vec<i64>> =
                    if varargs && n > 2 {
                        let cs: Option<Vec<i64>> = pos[1..]
                            .iter()
                            .map(|x| match const_of(cx, x) {
                                Some(Const::Int(k)) => Some(k),
                                _ => None,
                            })
                            .collect();
                        match cs {
                            Some(v) => Some(v),
                            None => {
                                return self.manip_unsupported(
                                    cx,
                                    e,
                                    "the axes of transpose must be integer constants".into(),
                                )
                            }
                        }
                    } else {
                        match c.get(cx, 1) {
                            None => None,
                            Some((Ty::NoneType, _)) => None,
                            Some((_, x)) => match const_of(cx, x).as_ref().and_then(const_ints) {
                                Some(v) => Some(v),
                                None => return self.manip_unsupported(
                                    cx,
                                    x,
                                    "the axes of transpose must be a tuple of integer constants"
                                        .into(),
                                ),
                            },
                        }
                    };
                let perm: Vec<usize> = match axes {
                    None => (0..nd).rev().collect(),
                    Some(ax) => {
                        if ax.len() != nd {
                            return self.manip_bad(cx, e, "axes don't match array".into());
                        }
                        let mut perm = Vec::new();
                        for k in ax {
                            let Some(p) = norm_axis(k, nd) else {
                                // NumPy's AxisError when the call runs.
                                self.axis_error(cx, e, k, nd);
                                return Ty::Array(ArrayTy {
                                    layout: Layout::A,
                                    ..a
                                });
                            };
                            if perm.contains(&p) {
                                return self.manip_bad(cx, e, "repeated axis in transpose".into());
                            }
                            perm.push(p);
                        }
                        perm
                    }
                };
                Ty::Array(ArrayTy {
                    layout: permuted_layout(&a, &perm),
                    ..a
                })
            }
            Manip::Swapaxes => {
                let Some(a) = arr else {
                    return self.no_match(cx, e, c.name, tys, "(array, axis1, axis2)");
                };
                let nd = a.ndim as usize;
                let mut ax = [0usize; 2];
                for (j, slot) in ax.iter_mut().enumerate() {
                    let pname = names[j + 1];
                    let Some((_, x)) = c.get(cx, j + 1) else {
                        return self.no_match(cx, e, c.name, tys, "(array, axis1, axis2)");
                    };
                    let Some(Const::Int(k)) = const_of(cx, x) else {
                        return self.manip_unsupported(
                            cx,
                            x,
                            format!("{pname} of swapaxes must be an integer constant"),
                        );
                    };
                    let Some(p) = norm_axis(k, nd) else {
                        self.axis_error_prefixed(cx, e, k, nd, Some(pname));
                        return Ty::Array(ArrayTy {
                            layout: Layout::A,
                            ..a
                        });
                    };
                    *slot = p;
                }
                let mut perm: Vec<usize> = (0..nd).collect();
                perm.swap(ax[0], ax[1]);
                Ty::Array(ArrayTy {
                    layout: permuted_layout(&a, &perm),
                    ..a
                })
            }
            Manip::ExpandDims | Manip::Squeeze => {
                let Some(a) = arr else {
                    return self.no_match(cx, e, c.name, tys, "(array, axis)");
                };
                let squeeze = f == Manip::Squeeze;
                let axes = match c.get(cx, 1) {
                    Some((Ty::NoneType, _)) | None if squeeze => {
                        return self.manip_unsupported(
                            cx,
                            e,
                            format!(
                                "{} needs axis= (an int or a tuple of constant ints): \
                                 without it the result's dimensions depend on the runtime shape",
                                c.name
                            ),
                        );
                    }
                    None => return self.no_match(cx, e, c.name, tys, "(array, axis)"),
                    Some((_, x)) => match const_of(cx, x).as_ref().and_then(const_ints) {
                        Some(v) => v,
                        None => {
                            return self.manip_unsupported(
                                cx,
                                x,
                                format!(
                                    "axis of {} must be an integer constant or a tuple of them",
                                    c.name
                                ),
                            )
                        }
                    },
                };
                let nd = if squeeze {
                    a.ndim as usize
                } else {
                    a.ndim as usize + axes.len()
                };
                let mut seen = Vec::new();
                for k in &axes {
                    let Some(p) = norm_axis(*k, nd) else {
                        // NumPy's AxisError when the call runs; typed as if valid.
                        self.axis_error(cx, e, *k, nd);
                        let out_nd = if squeeze {
                            nd.saturating_sub(axes.len())
                        } else {
                            nd
                        };
                        return registry::array_of(a.dtype, out_nd.max(1) as u8);
                    };
                    if seen.contains(&p) {
                        return self.manip_bad(
                            cx,
                            e,
                            if squeeze {
                                "duplicate value in 'axis'"
                            } else {
                                "repeated axis"
                            }
                            .into(),
                        );
                    }
                    seen.push(p);
                }
                let out_nd = if squeeze { nd - seen.len() } else { nd };
                if out_nd == 0 {
                    return self.manip_unsupported(
                        cx,
                        e,
                        format!(
                            "{} to a 0-d array is not supported in compiled code (index the element instead)",
                            c.name
                        ),
                    );
                }
                if out_nd > 32 {
                    return self.manip_bad(cx, e, "too many dimensions".into());
                }
                Ty::Array(ArrayTy {
                    ndim: out_nd as u8,
                    ..a
                })
            }
            Manip::AsFortran => match arr {
                // A 0-d array becomes 1-d (NumPy's ndmin=1), a view of it.
                Some(a) if a.ndim == 0 => Ty::Array(ArrayTy {
                    ndim: 1,
                    layout: Layout::C,
                    ..a
                }),
                Some(a) => Ty::Array(ArrayTy {
                    layout: Layout::F,
                    // Already Fortran-contiguous input is returned as is.
                    readonly: a.readonly
                        && (a.layout == Layout::F || a.ndim == 1 && a.layout == Layout::C),
                    ..a
                }),
                None => self.no_match(cx, e, c.name, tys, "(array)"),
            },
            // (manip_ty sends only the functions above here)
            Manip::Diag
            | Manip::Diagonal
            | Manip::Tri
            | Manip::Tril
            | Manip::Triu
            | Manip::Stack
            | Manip::ColumnStack
            | Manip::Repeat
            | Manip::Tile
            | Manip::Roll
            | Manip::Partition
            | Manip::Cross
            | Manip::ArrayEqual
            | Manip::Argwhere
            | Manip::Histogram
            | Manip::Digitize
            | Manip::AtLeast(_) => Ty::Unknown,
        }
    }

    /// stack/column_stack, repeat, tile and roll.
    fn manip_join_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: Manip,
        c: &ManipCall<'_, 'u>,
    ) -> Ty {
        let tys = c.tys;
        let arr = c.arr;
        match f {
            Manip::Stack | Manip::ColumnStack => {
                let items = match tys.first() {
                    Some(Ty::Tuple(items)) => items.clone(),
                    _ => return self.no_match(cx, e, c.name, tys, "((a, b, ...), axis=0)"),
                };
                if items.is_empty() {
                    return self.manip_bad(
                        cx,
                        e,
                        if f == Manip::Stack {
                            "need at least one array to stack"
                        } else {
                            "need at least one array to concatenate"
                        }
                        .into(),
                    );
                }
                let mut d: Option<Dtype> = None;
                let mut nds = Vec::new();
                for it in &items {
                    let Some(a) = it.array() else {
                        return self.no_match(cx, e, c.name, tys, "a tuple of arrays");
                    };
                    d = Some(d.map_or(a.dtype, |x| promote_numpy(x, a.dtype)));
                    // column_stack makes 1-d arrays columns.
                    nds.push(if f == Manip::ColumnStack {
                        a.ndim.max(2)
                    } else {
                        a.ndim
                    });
                }
                let d = d.unwrap_or(Dtype::F64);
                if let Some(i) = nds.iter().position(|x| *x != nds[0]) {
                    return self.manip_bad(
                        cx,
                        e,
                        if f == Manip::Stack {
                            "all input arrays must have the same shape".into()
                        } else {
                            format!(
                                "all the input arrays must have same number of dimensions, but \
                                 the array at index 0 has {} dimension(s) and the array at index \
                                 {i} has {} dimension(s)",
                                nds[0], nds[i]
                            )
                        },
                    );
                }
                if f == Manip::ColumnStack {
                    return registry::array_of(d, nds[0]);
                }
                let nd = nds[0] as usize + 1;
                match c.get(cx, 1) {
                    None => {}
                    Some((_, x)) => match const_of(cx, x) {
                        Some(Const::Int(k)) if norm_axis(k, nd).is_some() => {}
                        Some(Const::Int(k)) => self.axis_error(cx, e, k, nd),
                        _ => {
                            return self.manip_unsupported(
                                cx,
                                x,
                                "axis of stack must be an integer constant".into(),
                            )
                        }
                    },
                }
                registry::array_of(d, nd as u8)
            }
            Manip::Repeat => {
                let (Some(a), Some((rt, _))) = (arr, c.get(cx, 1)) else {
                    return self.no_match(cx, e, c.name, tys, "(array, repeats, axis=None)");
                };
                let reps_ok = is_int(&rt)
                    // NumPy casts counts to intp safely: uint64 is refused.
                    || rt.array().is_some_and(|r| {
                        r.ndim == 1
                            && r.dtype != Dtype::U64
                            && (r.dtype.is_int() || r.dtype == Dtype::Bool)
                    });
                if !reps_ok {
                    return self.no_match(
                        cx,
                        e,
                        c.name,
                        tys,
                        "(array, repeats: int or 1-d int array, axis=None)",
                    );
                }
                match self.manip_axis(cx, c.get(cx, 2), a.ndim as usize, c.name, false) {
                    Some(None) => registry::array_of(a.dtype, 1),
                    Some(Some(_)) => registry::array_of(a.dtype, a.ndim),
                    None => Ty::Unknown,
                }
            }
            Manip::Tile => {
                let (Some(a), Some((rt, _))) = (arr, c.get(cx, 1)) else {
                    return self.no_match(cx, e, c.name, tys, "(array, reps)");
                };
                let len = if is_int(&rt) { Some(1) } else { int_tuple(&rt) };
                match len {
                    Some(k) => registry::array_of(a.dtype, a.ndim.max(k as u8)),
                    None => {
                        self.no_match(cx, e, c.name, tys, "(array, reps: int or tuple of ints)")
                    }
                }
            }
            Manip::Roll => {
                let (Some(a), Some((st, _))) = (arr, c.get(cx, 1)) else {
                    return self.no_match(cx, e, c.name, tys, "(array, shift, axis=None)");
                };
                let nshift = if is_int(&st) { Some(1) } else { int_tuple(&st) };
                let Some(nshift) = nshift else {
                    return self.no_match(
                        cx,
                        e,
                        c.name,
                        tys,
                        "(array, shift: int or tuple of ints, axis=None)",
                    );
                };
                let nd = a.ndim as usize;
                let naxes = match c.get(cx, 2) {
                    None | Some((Ty::NoneType, _)) => 1,
                    Some((_, x)) => {
                        let Some(axes) = const_of(cx, x).as_ref().and_then(const_ints) else {
                            return self.manip_unsupported(
                                cx,
                                x,
                                "axis of roll must be an integer constant or a tuple of them"
                                    .into(),
                            );
                        };
                        for k in &axes {
                            if norm_axis(*k, nd).is_none() {
                                self.axis_error(cx, e, *k, nd);
                            }
                        }
                        axes.len()
                    }
                };
                if nshift != naxes && nshift != 1 && naxes != 1 {
                    return self.manip_bad(
                        cx,
                        e,
                        format!(
                            "shape mismatch: objects cannot be broadcast to a single shape.  \
                             Mismatch is between arg 0 with shape ({nshift},) and arg 1 with \
                             shape ({naxes},)."
                        ),
                    );
                }
                registry::array_of(a.dtype, a.ndim)
            }
            // (manip_ty sends only the functions above here)
            Manip::Diag
            | Manip::Diagonal
            | Manip::Tri
            | Manip::Tril
            | Manip::Triu
            | Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::Partition
            | Manip::Cross
            | Manip::ArrayEqual
            | Manip::Argwhere
            | Manip::AsFortran
            | Manip::Histogram
            | Manip::Digitize
            | Manip::AtLeast(_) => Ty::Unknown,
        }
    }

    /// partition, argwhere, histogram and digitize.
    fn manip_sort_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: Manip,
        c: &ManipCall<'_, 'u>,
    ) -> Ty {
        let tys = c.tys;
        let method = c.method;
        let arr = c.arr;
        match f {
            Manip::Partition => {
                let (Some(a), Some((kt, _))) = (arr, c.get(cx, 1)) else {
                    return self.no_match(cx, e, c.name, tys, "(array, kth, axis=-1)");
                };
                if !(is_int(&kt) || int_tuple(&kt).is_some_and(|k| k > 0)) {
                    return self.manip_bad(cx, e, "Partition index must be integer".into());
                }
                if a.dtype.is_complex() {
                    return self.manip_unsupported(
                        cx,
                        e,
                        format!(
                            "{} of complex arrays is not supported in compiled code",
                            c.name
                        ),
                    );
                }
                if a.ndim == 0 {
                    // NumPy: AxisError (a 0-d array has no axis to partition).
                    return self.manip_bad(
                        cx,
                        e,
                        format!("{} of a 0-d array: it has no axis to partition", c.name),
                    );
                }
                if method && a.readonly {
                    return self.manip_bad(cx, e, "array is read-only".into());
                }
                let axis = match c.get(cx, 2) {
                    Some((Ty::NoneType, x)) if method => {
                        return self.manip_unsupported(
                            cx,
                            x,
                            "a.partition(kth, axis=None) is not supported in compiled code".into(),
                        )
                    }
                    _ => self.manip_axis(cx, c.get(cx, 2), a.ndim as usize, c.name, true),
                };
                match axis {
                    None => Ty::Unknown,
                    _ if method => Ty::NoneType,
                    // axis=None sorts the flattened array.
                    Some(None) => registry::array_of(a.dtype, 1),
                    Some(Some(_)) => registry::array_of(a.dtype, a.ndim),
                }
            }
            Manip::Argwhere => match arr {
                Some(_) => registry::array_of(Dtype::I64, 2),
                None => self.no_match(cx, e, c.name, tys, "(array)"),
            },
            Manip::Histogram => {
                let Some(a) = arr else {
                    return self.no_match(cx, e, c.name, tys, "(array, bins=10, range=None)");
                };
                if a.dtype.is_complex() {
                    return self.manip_unsupported(
                        cx,
                        e,
                        format!(
                            "{} of complex arrays is not supported in compiled code",
                            c.name
                        ),
                    );
                }
                // density=True: counts / bin widths / total, in float64.
                let density = match self.arg_const(cx, e, usize::MAX, "density") {
                    None | Some(Some(Const::None)) | Some(Some(Const::Bool(false))) => false,
                    Some(Some(Const::Bool(true))) => true,
                    _ => {
                        return self.manip_unsupported(
                            cx,
                            e,
                            "density= of numpy.histogram must be a constant True or False".into(),
                        )
                    }
                };
                let hist = registry::array_of(if density { Dtype::F64 } else { Dtype::I64 }, 1);
                // Edges in the data's float type (float32 stays float32).
                let edge_d = if a.dtype == Dtype::F32 {
                    Dtype::F32
                } else {
                    Dtype::F64
                };
                if let Some((rt, x)) = c.get(cx, 2) {
                    let ok = match &rt {
                        Ty::NoneType => true,
                        Ty::Tuple(items) => items.len() == 2 && items.iter().all(is_real),
                        Ty::Scalar(_)
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
                        | Ty::Unknown => false,
                    };
                    if !ok {
                        return self.manip_bad(
                            cx,
                            x,
                            format!("range= must be None or a (min, max) tuple of real numbers, not {rt}"),
                        );
                    }
                }
                match c.get(cx, 1) {
                    None => Ty::Tuple(vec![hist, registry::array_of(edge_d, 1)]),
                    Some((t, _)) if is_int(&t) => {
                        Ty::Tuple(vec![hist, registry::array_of(edge_d, 1)])
                    }
                    Some((Ty::Array(b), x)) => {
                        if b.ndim != 1 {
                            return self.manip_bad(
                                cx,
                                x,
                                "`bins` must be 1d, when an array".into(),
                            );
                        }
                        if b.dtype.is_complex() {
                            return self.manip_unsupported(
                                cx,
                                x,
                                "complex bin edges are not supported in compiled code".into(),
                            );
                        }
                        // The edges returned are the bins array itself.
                        Ty::Tuple(vec![hist, Ty::Array(b)])
                    }
                    Some((_, x)) => self.manip_bad(
                        cx,
                        x,
                        "`bins` must be an integer, a string, or an array".into(),
                    ),
                }
            }
            Manip::Digitize => {
                let Some((bt, bx)) = c.get(cx, 1) else {
                    return self.no_match(cx, e, c.name, tys, "(x, bins, right=False)");
                };
                let Some(b) = bt.array().copied() else {
                    return self.no_match(cx, e, c.name, tys, "(x, 1-d bins array, right=False)");
                };
                if b.ndim != 1 {
                    return self.manip_bad(cx, bx, "object too deep for desired array".into());
                }
                if b.dtype.is_complex() {
                    return self.manip_unsupported(
                        cx,
                        bx,
                        "complex bins are not supported in compiled code".into(),
                    );
                }
                if c.get(cx, 2).is_some_and(|(t, _)| t.scalar().is_none()) {
                    return self.no_match(cx, e, c.name, tys, "(x, bins, right=False)");
                }
                match &tys[0] {
                    Ty::Scalar(d) if d.is_complex() => {
                        self.manip_bad(cx, e, "x may not be complex".into())
                    }
                    Ty::Array(x) if x.dtype.is_complex() => {
                        self.manip_bad(cx, e, "x may not be complex".into())
                    }
                    Ty::Scalar(_) => Ty::I64,
                    Ty::Array(x) => registry::array_of(Dtype::I64, x.ndim),
                    Ty::NoneType
                    | Ty::Str
                    | Ty::Tuple(_)
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
                    | Ty::Unknown => self.no_match(cx, e, c.name, tys, "(x, bins, right=False)"),
                }
            }
            // (manip_ty sends only the functions above here)
            Manip::Diag
            | Manip::Diagonal
            | Manip::Tri
            | Manip::Tril
            | Manip::Triu
            | Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::Stack
            | Manip::ColumnStack
            | Manip::Repeat
            | Manip::Tile
            | Manip::Roll
            | Manip::Cross
            | Manip::ArrayEqual
            | Manip::AsFortran
            | Manip::AtLeast(_) => Ty::Unknown,
        }
    }

    /// cross and array_equal.
    fn manip_compare_ty(
        &mut self,
        cx: &mut Cx<'u>,
        e: &'u Expr,
        f: Manip,
        c: &ManipCall<'_, 'u>,
    ) -> Ty {
        let tys = c.tys;
        let arr = c.arr;
        match f {
            Manip::Cross => {
                let (Some(x), Some(y)) = (arr, tys.get(1).and_then(|t| t.array().copied())) else {
                    return self.no_match(cx, e, c.name, tys, "(array, array)");
                };
                let d = promote_numpy(x.dtype, y.dtype);
                if d == Dtype::Bool {
                    return self.manip_bad(
                        cx,
                        e,
                        "numpy boolean subtract, the `-` operator, is not supported, use the \
                         bitwise_xor, the `^` operator, or the logical_xor function instead."
                            .into(),
                    );
                }
                registry::array_of(d, x.ndim.max(y.ndim))
            }
            Manip::ArrayEqual => {
                let ok = tys.len() >= 2
                    && tys[..2]
                        .iter()
                        .all(|t| matches!(t, Ty::Array(_) | Ty::Scalar(_)))
                    && c.get(cx, 2).is_none_or(|(t, _)| t.scalar().is_some());
                if !ok {
                    return self.no_match(
                        cx,
                        e,
                        c.name,
                        tys,
                        "(array or scalar, array or scalar, equal_nan=False)",
                    );
                }
                Ty::BOOL
            }
            // (manip_ty sends only the functions above here)
            Manip::Diag
            | Manip::Diagonal
            | Manip::Tri
            | Manip::Tril
            | Manip::Triu
            | Manip::Transpose
            | Manip::Swapaxes
            | Manip::ExpandDims
            | Manip::Squeeze
            | Manip::Stack
            | Manip::ColumnStack
            | Manip::Repeat
            | Manip::Tile
            | Manip::Roll
            | Manip::Partition
            | Manip::Argwhere
            | Manip::AsFortran
            | Manip::Histogram
            | Manip::Digitize
            | Manip::AtLeast(_) => Ty::Unknown,
        }
    }

    /// An `axis` parameter that may be None (flattened) or an int constant:
    /// Some(None) for None/absent, Some(Some(axis)) for an axis, None after
    /// a diagnostic. With `last_default` (`partition`), absent means the
    /// last axis. `fname` names the function in messages.
    fn manip_axis(
        &mut self,
        cx: &Cx<'u>,
        arg: Option<(Ty, &'u Expr)>,
        nd: usize,
        fname: &str,
        last_default: bool,
    ) -> Option<Option<usize>> {
        match arg {
            None if last_default => Some(Some(nd - 1)),
            None | Some((Ty::NoneType, _)) => Some(None),
            Some((_, x)) => match const_of(cx, x) {
                Some(Const::Int(k)) => match norm_axis(k, nd) {
                    Some(p) => Some(Some(p)),
                    None => {
                        self.manip_bad(
                            cx,
                            x,
                            format!("axis {k} is out of bounds for array of dimension {nd}"),
                        );
                        None
                    }
                },
                _ => {
                    self.manip_unsupported(
                        cx,
                        x,
                        format!("axis of {fname} must be an integer constant or None"),
                    );
                    None
                }
            },
        }
    }
}

/// The type of `atleast_{n}d(a)`: a itself, or a view with unit axes added
/// (a unit axis keeps a C or F array contiguous).
pub fn at_least(a: ArrayTy, n: u8) -> ArrayTy {
    ArrayTy {
        ndim: a.ndim.max(n),
        ..a
    }
}
