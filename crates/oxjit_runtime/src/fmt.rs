//! Python's `repr` of floats and complex numbers, so `print()` in compiled
//! code prints exactly what Python prints.

/// Python's `repr(float)`: shortest round-trip digits, exponent form when
/// the decimal exponent is < -4 or >= 16.
pub fn float_repr(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip mantissa, like Python's repr.
    layout_digits(&format!("{v:e}"))
}

/// NumPy's `repr(np.float32)` → `str`: shortest digits that round-trip in f32.
pub fn float32_repr(v: f32) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    layout_digits(&format!("{v:e}"))
}

fn layout_digits(sci: &str) -> String {
    let (mant, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let mut m = digits[..1].to_string();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let es = if exp < 0 {
            format!("-{:02}", -exp)
        } else {
            format!("+{exp:02}")
        };
        return format!("{sign}{m}e{es}");
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        format!("{sign}0.{}{}", "0".repeat((-point) as usize), digits)
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{}{}.0",
            digits,
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{sign}{a}.{b}")
    }
}

/// Python's `repr(complex)`.
pub fn complex_repr(re: f64, im: f64) -> String {
    let part = |x: f64| {
        let s = float_repr(x);
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    };
    if re == 0.0 && re.is_sign_positive() {
        return format!("{}j", part(im));
    }
    let sign = if im.is_sign_negative() { "-" } else { "+" };
    let imabs = if im.is_nan() { im } else { im.abs() };
    format!("({}{}{}j)", part(re), sign, part(imabs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_repr() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.0, "123456789012345.0"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (2.5e-7, "2.5e-07"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e300, "1e+300"),
            (f64::INFINITY, "inf"),
        ];
        for (v, want) in cases {
            assert_eq!(float_repr(v), want, "repr({v})");
        }
        assert_eq!(float32_repr(0.1f32), "0.1");
    }

    #[test]
    fn complex_like_python() {
        assert_eq!(complex_repr(1.0, 2.0), "(1+2j)");
        assert_eq!(complex_repr(0.0, 2.5), "2.5j");
        assert_eq!(complex_repr(1.5, -1.0), "(1.5-1j)");
    }
}
