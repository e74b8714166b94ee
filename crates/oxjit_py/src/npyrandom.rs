//! NumPy's C distribution functions (`libnpyrandom.a`, linked by build.rs),
//! exposed to compiled code under `oxjit_np_*` names. Compiled code passes
//! the `bitgen_t*` of a `numpy.random.Generator`, so draws follow NumPy's
//! algorithms and advance the generator's own state.

use oxjit_runtime::abi::AbiFn;
use oxjit_runtime::abi_table;
use std::ffi::c_void;

type Bitgen = *mut c_void;

extern "C" {
    fn random_standard_uniform(s: Bitgen) -> f64;
    fn random_standard_uniform_f(s: Bitgen) -> f32;
    fn random_standard_normal(s: Bitgen) -> f64;
    fn random_standard_normal_f(s: Bitgen) -> f32;
    fn random_standard_exponential(s: Bitgen) -> f64;
    fn random_standard_exponential_f(s: Bitgen) -> f32;
    fn random_standard_gamma(s: Bitgen, shape: f64) -> f64;
    fn random_normal(s: Bitgen, loc: f64, scale: f64) -> f64;
    fn random_gamma(s: Bitgen, shape: f64, scale: f64) -> f64;
    fn random_exponential(s: Bitgen, scale: f64) -> f64;
    fn random_uniform(s: Bitgen, lower: f64, range: f64) -> f64;
    fn random_beta(s: Bitgen, a: f64, b: f64) -> f64;
    fn random_chisquare(s: Bitgen, df: f64) -> f64;
    fn random_lognormal(s: Bitgen, mean: f64, sigma: f64) -> f64;
    fn random_laplace(s: Bitgen, loc: f64, scale: f64) -> f64;
    fn random_logistic(s: Bitgen, loc: f64, scale: f64) -> f64;
    fn random_gumbel(s: Bitgen, loc: f64, scale: f64) -> f64;
    fn random_pareto(s: Bitgen, a: f64) -> f64;
    fn random_weibull(s: Bitgen, a: f64) -> f64;
    fn random_rayleigh(s: Bitgen, mode: f64) -> f64;
    fn random_standard_cauchy(s: Bitgen) -> f64;
    fn random_standard_t(s: Bitgen, df: f64) -> f64;
    fn random_triangular(s: Bitgen, left: f64, mode: f64, right: f64) -> f64;
    fn random_poisson(s: Bitgen, lam: f64) -> i64;
    fn random_binomial(s: Bitgen, p: f64, n: i64, binomial: *mut c_void) -> i64;
    fn random_geometric(s: Bitgen, p: f64) -> i64;
    fn random_negative_binomial(s: Bitgen, n: f64, p: f64) -> i64;
    fn random_interval(s: Bitgen, max: u64) -> u64;
    fn random_bounded_uint64(s: Bitgen, off: u64, rng: u64, mask: u64, use_masked: bool) -> u64;
    fn random_bounded_uint32_fill(
        s: Bitgen,
        off: u32,
        rng: u32,
        cnt: isize,
        use_masked: bool,
        out: *mut u32,
    );
    fn random_bounded_uint16_fill(
        s: Bitgen,
        off: u16,
        rng: u16,
        cnt: isize,
        use_masked: bool,
        out: *mut u16,
    );
    fn random_bounded_uint8_fill(
        s: Bitgen,
        off: u8,
        rng: u8,
        cnt: isize,
        use_masked: bool,
        out: *mut u8,
    );
    fn random_bounded_bool_fill(
        s: Bitgen,
        off: u8,
        rng: u8,
        cnt: isize,
        use_masked: bool,
        out: *mut u8,
    );
    fn random_bounded_uint64_fill(
        s: Bitgen,
        off: u64,
        rng: u64,
        cnt: isize,
        use_masked: bool,
        out: *mut u64,
    );
}

/// This module's rows of the runtime ABI table, named `oxjit_np_*`.
pub fn abi() -> Vec<AbiFn> {
    abi_table!("oxjit_np_";
        random_standard_uniform(_),
        random_standard_uniform_f(_),
        random_standard_normal(_),
        random_standard_normal_f(_),
        random_standard_exponential(_),
        random_standard_exponential_f(_),
        random_standard_gamma(_, _),
        random_normal(_, _, _),
        random_gamma(_, _, _),
        random_exponential(_, _),
        random_uniform(_, _, _),
        random_beta(_, _, _),
        random_chisquare(_, _),
        random_lognormal(_, _, _),
        random_laplace(_, _, _),
        random_logistic(_, _, _),
        random_gumbel(_, _, _),
        random_pareto(_, _),
        random_weibull(_, _),
        random_rayleigh(_, _),
        random_standard_cauchy(_),
        random_standard_t(_, _),
        random_triangular(_, _, _, _),
        random_poisson(_, _),
        random_binomial(_, _, _, _),
        random_geometric(_, _),
        random_negative_binomial(_, _, _),
        random_interval(_, _),
        random_bounded_uint64_fill(_, _, _, _, _, _),
        random_bounded_uint32_fill(_, _, _, _, _, _),
        random_bounded_uint16_fill(_, _, _, _, _, _),
        random_bounded_uint8_fill(_, _, _, _, _, _),
        random_bounded_bool_fill(_, _, _, _, _, _),
        choice_p(_, _, _, _, _, _, _),
        choice_noreplace(_, _, _, _, _),
    )
}

/// `Generator.choice(pop, size, replace=True, p=p)`: NumPy's checks of `p`
/// (status 1 size mismatch, 2 NaN, 3 negative, 4 sum not 1), then one
/// uniform per sample located in the normalised cumulative sum.
///
/// # Safety
/// `bg` is a live `bitgen_t`, `p` has `np` doubles at stride `ps`
/// (elements), `out` has room for `cnt` values.
unsafe extern "C" fn choice_p(
    bg: Bitgen,
    p: *const f64,
    ps: i64,
    np: i64,
    pop: i64,
    cnt: i64,
    out: *mut i64,
) -> i32 {
    let pv: Vec<f64> = (0..np.max(0) as isize)
        .map(|i| *p.offset(i * ps as isize))
        .collect();
    let cdf = match oxjit_runtime::random::choice_cdf(&pv, pop) {
        Ok(c) => c,
        Err(s) => return s,
    };
    for k in 0..cnt.max(0) as usize {
        *out.add(k) = oxjit_runtime::random::cdf_pick(&cdf, random_standard_uniform(bg));
    }
    0
}

/// `Generator.choice(pop, size, replace=False)` without `p`: NumPy's
/// tail shuffle for large populations, else Floyd's algorithm followed by
/// a shuffle. Status 1: the sample is larger than the population.
///
/// # Safety
/// `bg` is a live `bitgen_t`; `out` has room for `size` values.
unsafe extern "C" fn choice_noreplace(
    bg: Bitgen,
    pop: i64,
    size: i64,
    shuffle: bool,
    out: *mut i64,
) -> i32 {
    if size > pop {
        return 1;
    }
    let size = size.max(0);
    let out = std::slice::from_raw_parts_mut(out, size as usize);
    let bounded = |i: i64| random_bounded_uint64(bg, 0, i as u64, 0, false) as i64;
    let cutoff = if shuffle { 50 } else { 20 };
    if pop > 10000 && size > pop / cutoff {
        let mut idx: Vec<i64> = (0..pop).collect();
        let mut i = pop - 1;
        while i >= (pop - size).max(1) {
            let j = bounded(i);
            idx.swap(i as usize, j as usize);
            i -= 1;
        }
        out.copy_from_slice(&idx[(pop - size) as usize..]);
        return 0;
    }
    let mut seen = std::collections::HashSet::with_capacity(size as usize);
    for j in pop - size..pop {
        let v = bounded(j);
        let pick = if seen.insert(v) { v } else { j };
        if pick == j {
            seen.insert(j);
        }
        out[(j - pop + size) as usize] = pick;
    }
    if shuffle {
        let mut i = size - 1;
        while i >= 1 {
            let k = bounded(i);
            out.swap(i as usize, k as usize);
            i -= 1;
        }
    }
    0
}
