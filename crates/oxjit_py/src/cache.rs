//! `cache=True`: object code on disk, linked by later processes without
//! typing, lowering or LLVM's optimiser.
//!
//! The key is the whole unit JSON the front end wrote (the source of the
//! function and of every jitted function it reaches, the frozen values of its
//! globals and closure variables, file and line), the argument types, the
//! options, what is built (function or ufunc loop), the host CPU and its
//! features, LLVM's version and this extension's build (size and modification
//! time of its shared object). An edit anywhere in that changes the key, so
//! an edited callee recompiles its callers.
//!
//! One file per function, argument types, options and target (a *slot*),
//! under a name that does not depend on the source: a new key overwrites the
//! slot instead of piling up files. A file is written under a temporary name
//! and renamed, so a reader sees a whole entry or none, whatever number of
//! processes write at once.
//!
//! Code whose machine code depends on this process cannot be cached: large
//! frozen arrays (read by address), jitclasses and named tuple classes (the
//! process numbers them), and types that do not print back as themselves.

use crate::driver::Target;
use oxjit_codegen::{CodeHandle, Compiled, Options};
use oxjit_syntax::{ConstData, GlobalValue, Unit};
use oxjit_types::Ty;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// Where a function's entries live: the directory and the file-name stem
/// (`module.qualname`), chosen by the Python side (`dispatcher._cache_place`).
pub(crate) struct Place {
    pub(crate) dir: PathBuf,
    pub(crate) stem: String,
}

pub(crate) struct Key {
    /// Everything that decides the machine code.
    full: u128,
    /// The slot: the function, argument types, options and target only.
    slot: u64,
    /// The build, LLVM and CPU: part of the file name, so that builds or
    /// machines sharing a directory keep entries of their own.
    build: u32,
}

/// Entry layout: MAGIC, the full key (16 bytes), a checksum of the rest
/// (8 bytes: a damaged entry is a miss, never linked), then five fields,
/// each a length (8 bytes) and its bytes.
const MAGIC: &[u8; 8] = b"OXJITC\x02\n";

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Hits and misses by `dir/stem` (`Dispatcher.stats`).
fn stats() -> &'static Mutex<HashMap<String, (u64, u64)>> {
    static S: OnceLock<Mutex<HashMap<String, (u64, u64)>>> = OnceLock::new();
    S.get_or_init(Default::default)
}

/// Keys whose code this process has linked: their symbols exist, so the
/// same key again (a second dispatcher of one function) compiles privately.
fn linked() -> &'static Mutex<HashSet<u128>> {
    static S: OnceLock<Mutex<HashSet<u128>>> = OnceLock::new();
    S.get_or_init(Default::default)
}

fn count(place: &Place, hit: bool) {
    let mut s = stats().lock().unwrap_or_else(|p| p.into_inner());
    let e = s.entry(place.label()).or_default();
    if hit {
        e.0 += 1;
    } else {
        e.1 += 1;
    }
}

/// (hits, misses) of the function cached at `place` in this process.
pub(crate) fn stats_of(place: &Place) -> (u64, u64) {
    let s = stats().lock().unwrap_or_else(|p| p.into_inner());
    s.get(&place.label()).copied().unwrap_or_default()
}

impl Place {
    fn label(&self) -> String {
        format!("{}/{}", self.dir.display(), self.stem)
    }

    fn file(&self, key: &Key) -> PathBuf {
        let stem: String = self
            .stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir
            .join(format!("{stem}.{:016x}-{:08x}.oxjit", key.slot, key.build))
    }
}

/// This extension's build, as loaded: the GNU build-id note of the mapped
/// image (the linker's hash of its contents), else the size, times and inode
/// of its file. Taken when the module loads (`init`), so a newer build
/// installed over a running process does not lend it its identity.
fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let version = env!("CARGO_PKG_VERSION");
        if let Some(id) = gnu_build_id() {
            let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
            return format!("{version}:gnu:{hex}");
        }
        let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
        // SAFETY: dladdr only reads the address of a function of this object.
        let found = unsafe { libc::dladdr(build_id as *const libc::c_void, &mut info) } != 0;
        let path = (found && !info.dli_fname.is_null())
            .then(|| unsafe { std::ffi::CStr::from_ptr(info.dli_fname) })
            .map(|p| PathBuf::from(p.to_string_lossy().into_owned()));
        match path.and_then(|p| std::fs::metadata(p).ok()) {
            Some(m) => {
                use std::os::unix::fs::MetadataExt;
                format!(
                    "{version}:file:{}:{}.{}:{}.{}:{}",
                    m.len(),
                    m.mtime(),
                    m.mtime_nsec(),
                    m.ctime(),
                    m.ctime_nsec(),
                    m.ino()
                )
            }
            // Without a way to tell builds apart, a fresh one every process.
            None => format!("{version}:unknown:{}", std::process::id()),
        }
    })
}

/// Called when the extension loads.
pub(crate) fn init() {
    build_id();
}

/// The GNU build-id note of the image this code is mapped from.
fn gnu_build_id() -> Option<Vec<u8>> {
    struct Search {
        base: usize,
        id: Option<Vec<u8>>,
    }
    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: usize,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes a valid `info` for each mapped object;
        // `data` is our `Search`; notes lie inside the object's segments.
        unsafe {
            let s = &mut *(data as *mut Search);
            let info = &*info;
            if info.dlpi_addr as usize != s.base {
                return 0;
            }
            for k in 0..usize::from(info.dlpi_phnum) {
                let ph = &*info.dlpi_phdr.add(k);
                if ph.p_type != libc::PT_NOTE {
                    continue;
                }
                let mut p = (info.dlpi_addr as usize + ph.p_vaddr as usize) as *const u8;
                let end = p.add(ph.p_memsz as usize);
                let align = |n: usize| (n + 3) & !3;
                while p.add(12) <= end {
                    let namesz = (p as *const u32).read_unaligned() as usize;
                    let descsz = (p.add(4) as *const u32).read_unaligned() as usize;
                    let kind = (p.add(8) as *const u32).read_unaligned();
                    let name = std::slice::from_raw_parts(p.add(12), namesz);
                    let desc = p.add(12 + align(namesz));
                    if desc.add(descsz) > end {
                        break;
                    }
                    // NT_GNU_BUILD_ID
                    if kind == 3 && name == b"GNU\0" {
                        s.id = Some(std::slice::from_raw_parts(desc, descsz).to_vec());
                        return 1;
                    }
                    p = desc.add(align(descsz));
                }
            }
            1
        }
    }
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: dladdr only reads the address of a function of this object.
    if unsafe { libc::dladdr(gnu_build_id as *const libc::c_void, &mut info) } == 0 {
        return None;
    }
    let mut search = Search {
        base: info.dli_fbase as usize,
        id: None,
    };
    // SAFETY: `visit` only reads what the loader hands it.
    unsafe { libc::dl_iterate_phdr(Some(visit), &mut search as *mut Search as *mut libc::c_void) };
    search.id
}

fn hash128(parts: &[&str]) -> u128 {
    let half = |salt: u64| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        for p in parts {
            p.hash(&mut h);
        }
        h.finish()
    };
    (u128::from(half(0x6f78_6a69_7431)) << 64) | u128::from(half(0x6361_6368_6532))
}

fn target_text(target: &Target<'_>) -> String {
    match target {
        Target::Function => "function".into(),
        Target::UfuncLoop { ins, out } => format!("ufunc {ins:?} -> {out:?}"),
        Target::GufuncLoop { args } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| format!("{} {:?} {:?}", a.ty, a.core_dims, a.core_steps))
                .collect();
            format!("gufunc {}", args.join("; "))
        }
    }
}

/// A type that prints back as itself (and so names no process's numbers).
fn portable(t: &Ty) -> bool {
    oxjit_types::parse_type(&t.to_string()).is_ok_and(|p| p == *t)
}

fn process_bound(g: &GlobalValue) -> bool {
    match g {
        GlobalValue::NamedTupleClass { .. }
        | GlobalValue::NamedTuple { .. }
        | GlobalValue::Class(_)
        | GlobalValue::UserExc(..) => true,
        GlobalValue::Tuple(xs) => xs.iter().any(process_bound),
        GlobalValue::Int(_)
        | GlobalValue::Float(_)
        | GlobalValue::Complex(..)
        | GlobalValue::Bool(_)
        | GlobalValue::None
        | GlobalValue::Str(_)
        | GlobalValue::Module(_)
        | GlobalValue::Builtin(_)
        | GlobalValue::Function(_)
        | GlobalValue::Dtype(_)
        | GlobalValue::ExcClass(_)
        | GlobalValue::Array(_)
        | GlobalValue::Unsupported(_)
        | GlobalValue::Missing => false,
    }
}

/// Why this unit cannot be cached, if it cannot.
pub(crate) fn uncacheable(unit: &Unit, args: &[Ty]) -> Option<&'static str> {
    if unit
        .const_arrays
        .iter()
        .any(|a| matches!(a.data, ConstData::Frozen(_)))
    {
        return Some("it reads a large global array, which compiled code reads by address");
    }
    if !unit.classes.is_empty()
        || unit
            .functions
            .iter()
            .any(|f| f.env.values().any(process_bound))
    {
        return Some(
            "it uses a jitclass, a named tuple class or an exception class defined in Python, which each process numbers",
        );
    }
    if !args.iter().all(portable) {
        return Some("an argument's type names a class numbered by this process");
    }
    None
}

pub(crate) fn key(json: &str, args: &[Ty], opts: &Options, target: &Target<'_>) -> Key {
    let (cpu, features, llvm) = oxjit_codegen::system_info();
    let args: Vec<String> = args.iter().map(|t| t.to_string()).collect();
    let args = args.join(", ");
    let opts = format!(
        "fastmath={} boundscheck={} numpy_errors={} opt={} parallel={}",
        opts.fastmath, opts.boundscheck, opts.error_model_numpy, opts.opt_level, opts.parallel
    );
    let target = target_text(target);
    let full = hash128(&[
        build_id(),
        &llvm,
        &cpu,
        &features,
        &opts,
        &target,
        &args,
        json,
    ]);
    let slot = hash128(&[&opts, &target, &args]) as u64;
    let build = hash128(&[build_id(), &llvm, &cpu, &features]) as u32;
    Key { full, slot, build }
}

/// The symbol prefix of code compiled for the cache.
pub(crate) fn symbol_prefix(key: &Key) -> Option<String> {
    let mut l = linked().lock().unwrap_or_else(|p| p.into_inner());
    l.insert(key.full)
        .then(|| format!("oxjit_cached_{:032x}", key.full))
}

/// One cached entry as stored.
struct Entry {
    symbol: String,
    ret: String,
    types: String,
    notes: Vec<String>,
    object: Vec<u8>,
}

fn read_entry(bytes: &[u8], full: u128) -> Option<Entry> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (k, rest) = rest.split_at_checked(16)?;
    if u128::from_le_bytes(k.try_into().ok()?) != full {
        return None;
    }
    let (sum, mut rest) = rest.split_at_checked(8)?;
    if u64::from_le_bytes(sum.try_into().ok()?) != checksum(rest) {
        return None;
    }
    let mut field = || -> Option<Vec<u8>> {
        let (n, r) = rest.split_at_checked(8)?;
        let n = usize::try_from(u64::from_le_bytes(n.try_into().ok()?)).ok()?;
        let (v, r) = r.split_at_checked(n)?;
        rest = r;
        Some(v.to_vec())
    };
    let text = |v: Vec<u8>| String::from_utf8(v).ok();
    let symbol = text(field()?)?;
    let ret = text(field()?)?;
    let types = text(field()?)?;
    let notes = text(field()?)?;
    let object = field()?;
    Some(Entry {
        symbol,
        ret,
        types,
        notes: notes.lines().map(str::to_string).collect(),
        object,
    })
}

fn write_entry(e: &Entry, full: u128) -> Vec<u8> {
    let mut out = Vec::with_capacity(e.object.len() + e.types.len() + 256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&full.to_le_bytes());
    let body_at = out.len() + 8;
    out.extend_from_slice(&[0; 8]);
    let notes = e.notes.join("\n");
    for f in [
        e.symbol.as_bytes(),
        e.ret.as_bytes(),
        e.types.as_bytes(),
        notes.as_bytes(),
        &e.object,
    ] {
        out.extend_from_slice(&(f.len() as u64).to_le_bytes());
        out.extend_from_slice(f);
    }
    let sum = checksum(&out[body_at..]);
    out[body_at - 8..body_at].copy_from_slice(&sum.to_le_bytes());
    out
}

/// What a hit gives: a function's compiled entry, or a loop.
pub(crate) enum Loaded {
    Function(Compiled),
    Loop(usize, CodeHandle),
}

/// The cached code for `key`, linked, if the slot holds it (counted as a
/// hit; a miss is counted by [`store`]).
pub(crate) fn load(place: &Place, key: &Key, args: &[Ty], function: bool) -> Option<Loaded> {
    let bytes = std::fs::read(place.file(key)).ok()?;
    let e = read_entry(&bytes, key.full)?;
    let ret = if function {
        Some(oxjit_types::parse_type(&e.ret).ok()?)
    } else {
        None
    };
    {
        let mut l = linked().lock().unwrap_or_else(|p| p.into_inner());
        if !l.insert(key.full) {
            return None; // linked already in this process: compile privately
        }
    }
    let Ok((addr, code)) = oxjit_codegen::load_object(&e.object, &e.symbol) else {
        linked()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key.full);
        return None;
    };
    count(place, true);
    Some(match ret {
        Some(ret) => Loaded::Function(Compiled {
            entry: addr,
            ret,
            args: args.to_vec(),
            llvm_ir:
                "; loaded from the cache (cache=True): compiled without the cache to see the IR"
                    .into(),
            asm: None,
            types: e.types,
            parallel_notes: e.notes,
            code: Some(code),
        }),
        None => Loaded::Loop(addr, code),
    })
}

/// Write the entry for code just compiled (with [`symbol_prefix`]) into its
/// slot; counted as a miss. A failure to write only means no entry.
pub(crate) fn store(
    place: &Place,
    key: &Key,
    code: &mut CodeHandle,
    ret: &Ty,
    types: &str,
    notes: &[String],
) {
    count(place, false);
    let Some((symbol, object)) = code.take_object() else {
        return;
    };
    if !portable(ret) {
        return;
    }
    let entry = Entry {
        symbol,
        ret: ret.to_string(),
        types: types.to_string(),
        notes: notes.to_vec(),
        object,
    };
    let _ = write_atomically(place, key, &write_entry(&entry, key.full));
}

fn write_atomically(place: &Place, key: &Key, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(&place.dir)?;
    let path = place.file(key);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let tmp = path.with_extension(format!("{}.{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        std::fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
