//! The runtime ABI: every native function compiled code may call, as one
//! table row of name, LLVM signature and address. The LLVM signature is derived
//! from the Rust signature (`AbiType`), so the two cannot drift apart. The JIT's
//! symbol map and lowering's `declare` lines are both generated from these rows.

/// A Rust type that crosses the `extern "C"` boundary, with its LLVM spelling.
pub trait AbiType {
    const LLVM: &'static str;
}

macro_rules! abi_types {
    ($($t:ty => $llvm:literal),* $(,)?) => {
        $(impl AbiType for $t { const LLVM: &'static str = $llvm; })*
    };
}

abi_types!(
    () => "void",
    // C's `_Bool` as clang passes it.
    bool => "i1 zeroext",
    i8 => "i8", u8 => "i8", i16 => "i16", u16 => "i16",
    i32 => "i32", u32 => "i32", i64 => "i64", u64 => "i64",
    isize => "i64", usize => "i64",
    f32 => "float", f64 => "double",
);

impl<T> AbiType for *mut T {
    const LLVM: &'static str = "ptr";
}
impl<T> AbiType for *const T {
    const LLVM: &'static str = "ptr";
}

/// A function pointer type whose LLVM signature can be spelled.
pub trait AbiSig: Copy {
    fn ret() -> &'static str;
    fn params() -> Vec<&'static str>;
    fn addr(self) -> usize;
}

macro_rules! abi_sigs {
    ($(($($a:ident),*)),* $(,)?) => {$(
        impl<R: AbiType, $($a: AbiType),*> AbiSig for unsafe extern "C" fn($($a),*) -> R {
            fn ret() -> &'static str {
                R::LLVM
            }
            fn params() -> Vec<&'static str> {
                vec![$($a::LLVM),*]
            }
            fn addr(self) -> usize {
                self as usize
            }
        }
    )*};
}

abi_sigs!(
    (),
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H),
    (A, B, C, D, E, F, G, H, I),
    (A, B, C, D, E, F, G, H, I, J),
    (A, B, C, D, E, F, G, H, I, J, K),
    (A, B, C, D, E, F, G, H, I, J, K, L),
    (A, B, C, D, E, F, G, H, I, J, K, L, M),
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N),
);

/// One function of the ABI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbiFn {
    pub name: &'static str,
    /// LLVM return type (`void`, `i64`, `ptr`, …).
    pub ret: &'static str,
    /// LLVM parameter types, comma-separated, with parameter attributes.
    pub params: String,
    pub addr: usize,
}

impl AbiFn {
    pub fn of<F: AbiSig>(name: &'static str, f: F) -> AbiFn {
        AbiFn {
            name,
            ret: F::ret(),
            params: F::params().join(", "),
            addr: f.addr(),
        }
    }

    /// The LLVM `declare` line for this function.
    pub fn declaration(&self) -> String {
        // A return attribute comes before the type (`zeroext i1`).
        let ret = match self.ret.split_once(' ') {
            Some((ty, attr)) => format!("{attr} {ty}"),
            None => self.ret.to_string(),
        };
        format!("declare {ret} @{}({})", self.name, self.params)
    }
}

/// Rows of the table: `abi_table!("prefix"; f(_, _), g(_), …)` gives one
/// `AbiFn` per function, named prefix + the function's name. The underscores
/// give the arity; the types come from the function's Rust signature.
#[macro_export]
macro_rules! abi_table {
    ($prefix:literal; $($f:ident($($u:tt),*)),* $(,)?) => {
        vec![$(
            $crate::abi::AbiFn::of(
                concat!($prefix, stringify!($f)),
                $f as unsafe extern "C" fn($($u),*) -> _,
            )
        ),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" fn flag(_: bool, _: *mut u8, _: f32) -> usize {
        0
    }

    #[test]
    fn signatures_are_spelled_from_rust_types() {
        let f = AbiFn::of(
            "flag",
            flag as unsafe extern "C" fn(bool, *mut u8, f32) -> usize,
        );
        assert_eq!(f.declaration(), "declare i64 @flag(i1 zeroext, ptr, float)");
        assert_eq!(f.addr, flag as *const () as usize);
    }

    #[test]
    fn runtime_table_has_unique_names_and_known_shapes() {
        let t = crate::abi();
        let mut seen = std::collections::HashSet::new();
        for f in &t {
            assert!(seen.insert(f.name), "{} is in the table twice", f.name);
            assert!(f.name.starts_with("oxjit_rt_"), "{}", f.name);
            assert_ne!(f.addr, 0);
        }
        let decl = |n: &str| t.iter().find(|f| f.name == n).unwrap().declaration();
        assert_eq!(
            decl("oxjit_rt_meminfo_alloc"),
            "declare ptr @oxjit_rt_meminfo_alloc(i64)"
        );
        assert_eq!(
            decl("oxjit_rt_sort"),
            "declare void @oxjit_rt_sort(ptr, i64, i32)"
        );
        assert_eq!(
            decl("oxjit_rt_exc_bool"),
            "declare void @oxjit_rt_exc_bool(i1 zeroext)"
        );
        assert_eq!(
            decl("oxjit_rt_print_flush"),
            "declare void @oxjit_rt_print_flush()"
        );
        assert_eq!(
            decl("oxjit_rt_round_int"),
            "declare zeroext i1 @oxjit_rt_round_int(i64, i1 zeroext, i64, ptr)"
        );
    }
}
