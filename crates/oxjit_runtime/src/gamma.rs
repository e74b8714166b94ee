//! `math.gamma` and `math.lgamma` as CPython computes them (its own Lanczos
//! approximation, N = 13, g = 6.024680040776729583740234375, not the C
//! library's tgamma/lgamma), so compiled results equal interpreted ones bit
//! for bit. Domain and range errors give the IEEE value (CPython raises).

// The constants are written with all the digits of their definitions.
#![allow(clippy::excessive_precision)]

use std::f64::consts::PI;

const G: f64 = 6.024_680_040_776_729_583_740_234_375;
const G_MINUS_HALF: f64 = 5.524_680_040_776_729_583_740_234_375;
/// ln(pi).
const LOG_PI: f64 = 1.144_729_885_849_400_174_143_427_351_353_058_711_647;

/// Numerator of the Lanczos sum as a rational function (ascending powers).
const NUM: [f64; 13] = [
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
];

/// Denominator: x (x+1) ... (x+11), ascending powers.
const DEN: [f64; 13] = [
    0.0,
    39916800.0,
    120543840.0,
    150917976.0,
    105258076.0,
    45995730.0,
    13339535.0,
    2637558.0,
    357423.0,
    32670.0,
    1925.0,
    66.0,
    1.0,
];

/// (n-1)! for n = 1..=23, as the nearest doubles.
const FACTORIALS: [f64; 23] = [
    1.0,
    1.0,
    2.0,
    6.0,
    24.0,
    120.0,
    720.0,
    5040.0,
    40320.0,
    362880.0,
    3628800.0,
    39916800.0,
    479001600.0,
    6227020800.0,
    87178291200.0,
    1307674368000.0,
    20922789888000.0,
    355687428096000.0,
    6402373705728000.0,
    121645100408832000.0,
    2432902008176640000.0,
    51090942171709440000.0,
    1124000727777607680000.0,
];

/// Lanczos' sum for x > 0: Horner in x below 5, in 1/x above (no overflow).
fn lanczos_sum(x: f64) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    if x < 5.0 {
        for (n, d) in NUM.iter().zip(DEN.iter()).rev() {
            num = num * x + n;
            den = den * x + d;
        }
    } else {
        for (n, d) in NUM.iter().zip(DEN.iter()) {
            num = num / x + n;
            den = den / x + d;
        }
    }
    num / den
}

/// sin(pi x) for finite x, accurate near the integers.
fn sin_pi(x: f64) -> f64 {
    let y = x.abs() % 2.0;
    let r = match (2.0 * y).round() as i32 {
        0 => (PI * y).sin(),
        1 => (PI * (y - 0.5)).cos(),
        2 => (PI * (1.0 - y)).sin(),
        3 => -(PI * (y - 1.5)).cos(),
        _ => (PI * (y - 2.0)).sin(),
    };
    1.0f64.copysign(x) * r
}

/// CPython's `math.gamma(x)`.
pub fn gamma(x: f64) -> f64 {
    if !x.is_finite() {
        return if x.is_nan() || x > 0.0 { x } else { f64::NAN };
    }
    if x == 0.0 {
        return f64::INFINITY.copysign(x);
    }
    if x == x.floor() {
        if x < 0.0 {
            return f64::NAN;
        }
        if x <= 23.0 {
            return FACTORIALS[x as usize - 1];
        }
    }
    let ax = x.abs();
    if ax < 1e-20 {
        return 1.0 / x;
    }
    if ax > 200.0 {
        return if x < 0.0 {
            0.0 / sin_pi(x)
        } else {
            f64::INFINITY
        };
    }
    let y = ax + G_MINUS_HALF;
    // The rounding error of y, to correct pow/exp below.
    let z = if ax > G_MINUS_HALF {
        (y - ax) - G_MINUS_HALF
    } else {
        (y - G_MINUS_HALF) - ax
    };
    let z = z * G / y;
    if x < 0.0 {
        let mut r = -PI / sin_pi(ax) / ax * y.exp() / lanczos_sum(ax);
        r -= z * r;
        if ax < 140.0 {
            r /= y.powf(ax - 0.5);
        } else {
            let s = y.powf(ax / 2.0 - 0.25);
            r /= s;
            r /= s;
        }
        r
    } else {
        let mut r = lanczos_sum(ax) / y.exp();
        r += z * r;
        if ax < 140.0 {
            r *= y.powf(ax - 0.5);
        } else {
            let s = y.powf(ax / 2.0 - 0.25);
            r *= s;
            r *= s;
        }
        r
    }
}

/// CPython's `math.lgamma(x)`.
pub fn lgamma(x: f64) -> f64 {
    if !x.is_finite() {
        return if x.is_nan() { x } else { f64::INFINITY };
    }
    if x == x.floor() && x <= 2.0 {
        return if x <= 0.0 { f64::INFINITY } else { 0.0 };
    }
    let ax = x.abs();
    if ax < 1e-20 {
        return -ax.ln();
    }
    let mut r = lanczos_sum(ax).ln() - G;
    r += (ax - 0.5) * ((ax + G - 0.5).ln() - 1.0);
    if x < 0.0 {
        r = LOG_PI - sin_pi(ax).abs().ln() - ax.ln() - r;
    }
    r
}

pub extern "C" fn oxjit_rt_py_gamma(x: f64) -> f64 {
    gamma(x)
}

pub extern "C" fn oxjit_rt_py_lgamma(x: f64) -> f64 {
    lgamma(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpythons_values() {
        // From CPython 3.11 (the C library's differ in the last bits).
        assert_eq!(gamma(0.8623188722876839), 1.1009979661335476);
        assert_eq!(gamma(150.5), 4.661072627097377e261);
        assert_eq!(gamma(-170.3), -1.1449279983878118e-307);
        assert_eq!(lgamma(-2.5), -0.05624371649767457);
        assert_eq!(lgamma(25.5), 56.389167643719944);
        assert_eq!(lgamma(100.0), 359.1342053695754);
        // CPython: 0.693147180559945, three ulps below ln 2.
        assert_eq!(
            lgamma(3.0),
            f64::from_bits(std::f64::consts::LN_2.to_bits() - 3)
        );
        assert_eq!(gamma(5.0), 24.0);
        assert_eq!(gamma(-0.0), f64::NEG_INFINITY);
        assert!(gamma(-2.0).is_nan());
        assert_eq!(lgamma(1.0), 0.0);
        assert_eq!(lgamma(-3.0), f64::INFINITY);
    }
}
