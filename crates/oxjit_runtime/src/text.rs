//! Strings (`unicode_type`): UTF-8 bytes. Compiled code holds a string as
//! `{meminfo*, data*, len}` (bytes); a string made here is a MemInfo whose
//! data are its bytes and whose `size` is its length, so generated code
//! reads both from the MemInfo these functions return (null: memory ran
//! out). Constants and strings borrowed from Python have no MemInfo.
//!
//! Lengths, indices and `find` positions at the language level count code
//! points, as Python's do; these functions convert.

use crate::{fmt, oxjit_rt_meminfo_alloc, MemInfo};

unsafe fn bytes<'a>(p: *const u8, n: i64) -> &'a [u8] {
    if n <= 0 || p.is_null() {
        return &[];
    }
    std::slice::from_raw_parts(p, n as usize)
}

/// A new string of these bytes.
fn make(b: &[u8]) -> *mut MemInfo {
    unsafe {
        let mi = oxjit_rt_meminfo_alloc(b.len() as i64);
        if !mi.is_null() {
            std::ptr::copy_nonoverlapping(b.as_ptr(), (*mi).data, b.len());
        }
        mi
    }
}

fn as_str(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// A copy of `n` bytes at `p` (a string that must outlive its source).
///
/// # Safety
/// `p` must point to `n` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_copy(p: *const u8, n: i64) -> *mut MemInfo {
    make(bytes(p, n))
}

/// `a + b`.
///
/// # Safety
/// The pointers must point to `an` and `bn` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_concat(
    a: *const u8,
    an: i64,
    b: *const u8,
    bn: i64,
) -> *mut MemInfo {
    let mut v = Vec::with_capacity((an.max(0) + bn.max(0)) as usize);
    v.extend_from_slice(bytes(a, an));
    v.extend_from_slice(bytes(b, bn));
    make(&v)
}

/// `a * k` (empty for `k <= 0`).
///
/// # Safety
/// `a` must point to `an` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_repeat(a: *const u8, an: i64, k: i64) -> *mut MemInfo {
    make(&bytes(a, an).repeat(k.max(0) as usize))
}

/// `s[start::step]` of `count` code points (the bounds already clamped,
/// as a slice's indices are): a new string.
///
/// # Safety
/// `a` must point to `an` readable bytes of UTF-8.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_step(
    a: *const u8,
    an: i64,
    start: i64,
    step: i64,
    count: i64,
) -> *mut MemInfo {
    let b = bytes(a, an);
    let text = std::str::from_utf8(b).unwrap_or("");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for k in 0..count.max(0) {
        let i = start + k * step;
        if let Some(c) = usize::try_from(i).ok().and_then(|i| chars.get(i)) {
            out.push(*c);
        }
    }
    make(out.as_bytes())
}

/// Compare two strings by code points (UTF-8 byte order is code point
/// order): -1, 0 or 1.
///
/// # Safety
/// The pointers must point to `an` and `bn` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_cmp(a: *const u8, an: i64, b: *const u8, bn: i64) -> i32 {
    match bytes(a, an).cmp(bytes(b, bn)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

/// The number of code points.
///
/// # Safety
/// `a` must point to `an` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_len(a: *const u8, an: i64) -> i64 {
    bytes(a, an).iter().filter(|&&b| (b & 0xC0) != 0x80).count() as i64
}

/// The byte offset of code point `i` (0 ≤ i ≤ length).
///
/// # Safety
/// `a` must point to `an` readable bytes of UTF-8.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_offset(a: *const u8, an: i64, i: i64) -> i64 {
    let b = bytes(a, an);
    if b.is_ascii() {
        return i.clamp(0, an.max(0));
    }
    let mut k = 0i64;
    for (off, &c) in b.iter().enumerate() {
        if (c & 0xC0) != 0x80 {
            if k == i {
                return off as i64;
            }
            k += 1;
        }
    }
    b.len() as i64
}

/// The code point index of the first `needle` in `hay` at or after code
/// point `start` and ending at or before code point `end`, or -1.
///
/// # Safety
/// The pointers must point to `hn` and `nn` readable bytes of UTF-8.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_find(
    hay: *const u8,
    hn: i64,
    needle: *const u8,
    nn: i64,
    start: i64,
    end: i64,
) -> i64 {
    let h = as_str(bytes(hay, hn));
    let n = as_str(bytes(needle, nn));
    let from = oxjit_rt_str_offset(hay, hn, start) as usize;
    let to = oxjit_rt_str_offset(hay, hn, end) as usize;
    if from > to || from > h.len() {
        return -1;
    }
    match h[from..to].find(n) {
        Some(at) => h[..from + at].chars().count() as i64,
        None => -1,
    }
}

/// The number of non-overlapping `needle`s in `hay`.
///
/// # Safety
/// The pointers must point to `hn` and `nn` readable bytes of UTF-8.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_count(
    hay: *const u8,
    hn: i64,
    needle: *const u8,
    nn: i64,
) -> i64 {
    let (h, n) = (as_str(bytes(hay, hn)), as_str(bytes(needle, nn)));
    if n.is_empty() {
        return h.chars().count() as i64 + 1;
    }
    h.matches(n).count() as i64
}

/// `str(v)` of an int.
#[no_mangle]
pub extern "C" fn oxjit_rt_str_of_i64(v: i64) -> *mut MemInfo {
    make(v.to_string().as_bytes())
}

/// `str(v)` of an unsigned int.
#[no_mangle]
pub extern "C" fn oxjit_rt_str_of_u64(v: u64) -> *mut MemInfo {
    make(v.to_string().as_bytes())
}

/// `str(v)` of a float (Python's `repr`); `single` for a float32.
#[no_mangle]
pub extern "C" fn oxjit_rt_str_of_f64(v: f64, single: bool) -> *mut MemInfo {
    let s = if single {
        fmt::float32_repr(v as f32)
    } else {
        fmt::float_repr(v)
    };
    make(s.as_bytes())
}

/// `str(z)` of a complex.
#[no_mangle]
pub extern "C" fn oxjit_rt_str_of_complex(re: f64, im: f64) -> *mut MemInfo {
    make(fmt::complex_repr(re, im).as_bytes())
}

/// `sep.join(items)`: `n` strings laid out as `{meminfo*, data*, len}`.
///
/// # Safety
/// `items` must point to `n` such structs, `sep` to `sn` bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_join(
    sep: *const u8,
    sn: i64,
    items: *const u8,
    n: i64,
) -> *mut MemInfo {
    let mut v = Vec::new();
    for k in 0..n.max(0) as usize {
        if k > 0 {
            v.extend_from_slice(bytes(sep, sn));
        }
        let it = items.add(24 * k);
        let p = *(it.add(8) as *const *const u8);
        let len = *(it.add(16) as *const i64);
        v.extend_from_slice(bytes(p, len));
    }
    make(&v)
}

/// A string method that makes a new string from one (`op`): 0 upper,
/// 1 lower, 2 strip, 3 lstrip, 4 rstrip (of whitespace, or of the
/// characters in `arg` when `an >= 0`).
///
/// # Safety
/// The pointers must point to `sn` and `an` readable bytes of UTF-8.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_transform(
    s: *const u8,
    sn: i64,
    op: i32,
    arg: *const u8,
    an: i64,
) -> *mut MemInfo {
    let s = as_str(bytes(s, sn));
    let chars: Option<Vec<char>> = (an >= 0).then(|| as_str(bytes(arg, an)).chars().collect());
    let strip = |c: char| match &chars {
        Some(cs) => cs.contains(&c),
        None => c.is_whitespace(),
    };
    let out: String = match op {
        0 => s.to_uppercase(),
        1 => s.to_lowercase(),
        2 => s.trim_matches(strip).to_string(),
        3 => s.trim_start_matches(strip).to_string(),
        _ => s.trim_end_matches(strip).to_string(),
    };
    make(out.as_bytes())
}

/// `s.replace(old, new)`.
///
/// # Safety
/// The pointers must point to readable UTF-8 of their lengths.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_replace(
    s: *const u8,
    sn: i64,
    old: *const u8,
    on: i64,
    new: *const u8,
    nn: i64,
) -> *mut MemInfo {
    let (s, o, n) = (
        as_str(bytes(s, sn)),
        as_str(bytes(old, on)),
        as_str(bytes(new, nn)),
    );
    make(s.replace(o, n).as_bytes())
}

/// A predicate of a string (`op`): 0 isdigit, 1 isalpha, 2 isspace,
/// 3 isupper, 4 islower, 5 isalnum, 6 isdecimal.
///
/// # Safety
/// `s` must point to `sn` readable bytes of UTF-8.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_is(s: *const u8, sn: i64, op: i32) -> bool {
    let s = as_str(bytes(s, sn));
    if s.is_empty() {
        return false;
    }
    match op {
        0 | 6 => s
            .chars()
            .all(|c| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())),
        1 => s.chars().all(char::is_alphabetic),
        2 => s.chars().all(char::is_whitespace),
        3 => s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase),
        4 => s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase),
        _ => s.chars().all(char::is_alphanumeric),
    }
}

/// Python's `format(v, spec)` for a float (`kind` 0), a signed int (1) or
/// an unsigned int (2); `*bad` is set when the spec does not apply (Python
/// raises ValueError).
///
/// # Safety
/// `spec` must point to `sn` readable bytes; `bad` must be writable.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_format(
    x: f64,
    i: i64,
    kind: i32,
    spec: *const u8,
    sn: i64,
    bad: *mut i32,
) -> *mut MemInfo {
    let spec = as_str(bytes(spec, sn));
    let v = match kind {
        0 => Num::Float(x),
        1 => Num::Int(i128::from(i)),
        _ => Num::Int(i128::from(i as u64)),
    };
    match format_number(v, spec) {
        Some(s) => {
            *bad = 0;
            make(s.as_bytes())
        }
        None => {
            *bad = 1;
            make(b"")
        }
    }
}

#[derive(Clone, Copy)]
enum Num {
    Float(f64),
    Int(i128),
}

/// The parts of a format spec: `[[fill]align][sign][0][width][,][.prec][type]`.
struct Spec {
    fill: char,
    align: Option<char>,
    sign: char,
    /// `#`: the `0x`/`0o`/`0b` prefix of an integer in those bases.
    alt: bool,
    zero: bool,
    width: usize,
    comma: bool,
    prec: Option<usize>,
    ty: Option<char>,
}

fn parse_spec(s: &str) -> Option<Spec> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut sp = Spec {
        fill: ' ',
        align: None,
        sign: '-',
        alt: false,
        zero: false,
        width: 0,
        comma: false,
        prec: None,
        ty: None,
    };
    let is_align = |ch: char| matches!(ch, '<' | '>' | '^' | '=');
    if c.len() >= 2 && is_align(c[1]) {
        sp.fill = c[0];
        sp.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        sp.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        sp.sign = c[i];
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    if i < c.len() && c[i] == '0' {
        sp.zero = true;
        i += 1;
    }
    let start = i;
    while i < c.len() && c[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        sp.width = c[start..i].iter().collect::<String>().parse().ok()?;
    }
    if i < c.len() && c[i] == ',' {
        sp.comma = true;
        i += 1;
    }
    if i < c.len() && c[i] == '.' {
        i += 1;
        let start = i;
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        sp.prec = Some(c[start..i].iter().collect::<String>().parse().ok()?);
    }
    if i < c.len() {
        sp.ty = Some(c[i]);
        i += 1;
    }
    (i == c.len()).then_some(sp)
}

/// Thousands separators in the integer part of `digits`.
fn group(digits: &str) -> String {
    let (int, rest) = match digits.find(|ch: char| !ch.is_ascii_digit()) {
        Some(k) => digits.split_at(k),
        None => (digits, ""),
    };
    let mut out = String::new();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out + rest
}

/// `%g` with `p` significant digits (Python's rules; `alt` keeps zeros).
fn general(x: f64, p: usize) -> String {
    let p = p.max(1);
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e = format!("{:.*e}", p - 1, x);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= p as i32 {
        let mant = trim_zeros(mant);
        format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{x:.decimals$}"))
    }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn exp_form(x: f64, p: usize) -> String {
    let e = format!("{:.*e}", p, x);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

fn format_number(v: Num, spec: &str) -> Option<String> {
    let sp = parse_spec(spec)?;
    let neg;
    let mut prefix = "";
    let body = match (v, sp.ty) {
        (Num::Int(n), None | Some('d')) => {
            neg = n < 0;
            n.unsigned_abs().to_string()
        }
        (Num::Int(n), Some('x' | 'X' | 'o' | 'b')) => {
            neg = n < 0;
            let m = n.unsigned_abs();
            if sp.alt {
                // The base's prefix goes with the sign (zero padding follows it).
                prefix = match sp.ty {
                    Some('x') => "0x",
                    Some('X') => "0X",
                    Some('o') => "0o",
                    _ => "0b",
                };
            }
            match sp.ty {
                Some('x') => format!("{m:x}"),
                Some('X') => format!("{m:X}"),
                Some('o') => format!("{m:o}"),
                _ => format!("{m:b}"),
            }
        }
        (Num::Int(n), Some(t @ ('f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%'))) => {
            return format_number(Num::Float(n as f64), &spec.replace(t, &t.to_string()));
        }
        (Num::Int(_), Some(_)) => return None,
        (Num::Float(x), ty) => {
            neg = x.is_sign_negative() && !x.is_nan();
            let a = x.abs();
            if !a.is_finite() {
                let s = if a.is_nan() { "nan" } else { "inf" };
                if matches!(ty, Some('F' | 'E' | 'G')) {
                    s.to_uppercase()
                } else {
                    s.to_string()
                }
            } else {
                match ty {
                    Some('f' | 'F') => format!("{a:.*}", sp.prec.unwrap_or(6)),
                    Some('e') => exp_form(a, sp.prec.unwrap_or(6)),
                    Some('E') => exp_form(a, sp.prec.unwrap_or(6)).to_uppercase(),
                    Some('g') => general(a, sp.prec.unwrap_or(6)),
                    Some('G') => general(a, sp.prec.unwrap_or(6)).to_uppercase(),
                    Some('%') => format!("{:.*}%", sp.prec.unwrap_or(6), a * 100.0),
                    // No type: repr, or %g-like with a precision (at least
                    // one digit after the point).
                    None => match sp.prec {
                        None => fmt::float_repr(a),
                        Some(p) => {
                            let g = general(a, p);
                            if g.contains(['.', 'e', 'n', 'i']) {
                                g
                            } else {
                                g + ".0"
                            }
                        }
                    },
                    Some(_) => return None,
                }
            }
        }
    };
    let body = if sp.comma { group(&body) } else { body };
    let sign = match (neg, sp.sign) {
        (true, _) => "-",
        (false, '+') => "+",
        (false, ' ') => " ",
        _ => "",
    };
    let sign = format!("{sign}{prefix}");
    let (fill, align) = if sp.zero && sp.align.is_none() {
        ('0', '=')
    } else {
        (sp.fill, sp.align.unwrap_or('>'))
    };
    Some(padded(&sign, &body, sp.width, fill, align))
}

/// `sign` and `body` padded with `fill` to `width` characters (`=` puts the
/// padding between the two).
fn padded(sign: &str, body: &str, width: usize, fill: char, align: char) -> String {
    let len = sign.chars().count() + body.chars().count();
    let pad = width.saturating_sub(len);
    let fills = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    match align {
        '<' => format!("{sign}{body}{}", fills(pad)),
        '^' => format!("{}{sign}{body}{}", fills(pad / 2), fills(pad - pad / 2)),
        '=' => format!("{sign}{}{body}", fills(pad)),
        _ => format!("{}{sign}{body}", fills(pad)),
    }
}

/// Python's `format(s, spec)` of a string: fill, align (left by default),
/// width and a precision that truncates; Python's ValueError message for
/// what it refuses.
fn format_text(s: &str, spec: &str) -> Result<String, String> {
    let Some(sp) = parse_spec(spec) else {
        return Err("Invalid format specifier".into());
    };
    if let Some(t) = sp.ty.filter(|t| *t != 's') {
        return Err(format!(
            "Unknown format code '{t}' for object of type 'str'"
        ));
    }
    if sp.sign != '-' {
        return Err("Sign not allowed in string format specifier".into());
    }
    if sp.alt {
        return Err("Alternate form (#) not allowed in string format specifier".into());
    }
    if sp.comma {
        return Err("Cannot specify ',' with 's'.".into());
    }
    let (fill, align) = match (sp.zero, sp.align) {
        (_, Some('=')) | (true, None) => {
            return Err("'=' alignment not allowed in string format specifier".into())
        }
        (_, Some(a)) => (sp.fill, a),
        (false, None) => (' ', '<'),
    };
    let body: String = match sp.prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Ok(padded("", &body, sp.width, fill, align))
}

/// Python's `repr(s)` of a string: quoted with `'` (or `"` when the text
/// has a `'` and no `"`), backslashes, the quote and control characters
/// escaped. Characters other than ASCII are kept, except the C1 controls,
/// the no-break and soft-hyphen spaces, the line and paragraph separators
/// and the zero-width and byte-order marks, which CPython escapes too.
fn repr_text(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if matches!(c as u32, 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// `format(s, spec)` of a string; `*bad` is set when Python would raise
/// ValueError, and the string returned is its message.
///
/// # Safety
/// `p` and `spec` must point to `n` and `sn` readable bytes; `bad` must be
/// writable.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_format_text(
    p: *const u8,
    n: i64,
    spec: *const u8,
    sn: i64,
    bad: *mut i32,
) -> *mut MemInfo {
    let out = format_text(as_str(bytes(p, n)), as_str(bytes(spec, sn)));
    *bad = i32::from(out.is_err());
    make(out.unwrap_or_else(|m| m).as_bytes())
}

/// `repr(s)` of a string.
///
/// # Safety
/// `p` must point to `n` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn oxjit_rt_str_repr(p: *const u8, n: i64) -> *mut MemInfo {
    make(repr_text(as_str(bytes(p, n))).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: Num, spec: &str) -> String {
        format_number(v, spec).unwrap_or_else(|| "<bad>".into())
    }

    #[test]
    fn formats_and_reprs_text_like_python() {
        let t = |s: &str, spec: &str| format_text(s, spec).unwrap_or_else(|_| "<bad>".into());
        assert_eq!(t("ab", "5"), "ab   ");
        assert_eq!(t("ab", ">5"), "   ab");
        assert_eq!(t("ab", "*^6"), "**ab**");
        assert_eq!(t("abcdef", ".3"), "abc");
        assert_eq!(t("ab", "s"), "ab");
        assert_eq!(t("ab", "+5"), "<bad>");
        assert_eq!(t("ab", "05"), "<bad>");
        assert_eq!(t("ab", "d"), "<bad>");
        assert_eq!(repr_text("a'b"), "\"a'b\"");
        assert_eq!(repr_text("a'\"b"), "'a\\'\"b'");
        assert_eq!(repr_text("x\ny\t\\"), "'x\\ny\\t\\\\'");
        assert_eq!(repr_text("\u{1}é\u{a0}"), "'\\x01é\\xa0'");
        assert_eq!(f(Num::Int(255), "#x"), "0xff");
        assert_eq!(f(Num::Int(8), "#o"), "0o10");
        assert_eq!(f(Num::Int(-5), "#b"), "-0b101");
        assert_eq!(f(Num::Int(255), "#010x"), "0x000000ff");
    }

    #[test]
    fn formats_like_python() {
        let x = Num::Float(2.345678);
        assert_eq!(f(x, ".3f"), "2.346");
        assert_eq!(f(x, "8.2f"), "    2.35");
        assert_eq!(f(x, "<8.2f"), "2.35    ");
        assert_eq!(f(x, "^9.2f"), "  2.35   ");
        assert_eq!(f(x, "+.1f"), "+2.3");
        assert_eq!(f(x, ".2e"), "2.35e+00");
        assert_eq!(f(Num::Float(1234567.0), ",.1f"), "1,234,567.0");
        assert_eq!(f(Num::Float(0.000012345), "g"), "1.2345e-05");
        assert_eq!(f(Num::Float(123456789.0), "g"), "1.23457e+08");
        assert_eq!(f(Num::Float(0.5), ".0%"), "50%");
        assert_eq!(f(Num::Float(2.0), ""), "2.0");
        assert_eq!(f(Num::Float(-0.5), "08.3f"), "-000.500");
        assert_eq!(f(Num::Int(42), ">5d"), "   42");
        assert_eq!(f(Num::Int(42), "05d"), "00042");
        assert_eq!(f(Num::Int(-42), "x"), "-2a");
        assert_eq!(f(Num::Int(1234567), ","), "1,234,567");
        assert_eq!(f(Num::Int(3), ".2f"), "3.00");
        assert_eq!(f(Num::Int(3), "s"), "<bad>");
    }
}
