//! The process-wide ORC LLJIT. We always compile IR to an object file with our
//! own TargetMachine (host CPU and features, our pass pipeline) and hand the
//! object to LLJIT to link and load; the same path can load cached objects.
//! The functions of the runtime ABI table (`crate::abi`) are registered as
//! absolute symbols (a cdylib's symbols are invisible to dlsym); libm and libc
//! come from the process.

use llvm_sys::error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage};
use llvm_sys::orc2::lljit::*;
use llvm_sys::orc2::*;
use llvm_sys::prelude::LLVMMemoryBufferRef;
use std::any::Any;
use std::ffi::{CStr, CString};
use std::sync::{Arc, Mutex, OnceLock};

pub struct Jit {
    raw: LLVMOrcLLJITRef,
    dylib: LLVMOrcJITDylibRef,
}

// SAFETY: LLJIT is internally synchronised for adding objects and lookups;
// we additionally serialise all access through a Mutex.
unsafe impl Send for Jit {}

static JIT: OnceLock<Result<Mutex<Jit>, String>> = OnceLock::new();

fn take_error(err: LLVMErrorRef) -> Result<(), String> {
    if err.is_null() {
        return Ok(());
    }
    unsafe {
        let msg = LLVMGetErrorMessage(err);
        let s = CStr::from_ptr(msg).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(msg);
        Err(s)
    }
}

fn create() -> Result<Jit, String> {
    crate::init_llvm()?;
    unsafe {
        // glibc's vector math library, for fastmath loops (optional).
        let mvec = CString::new("libmvec.so.1").map_err(|e| e.to_string())?;
        llvm_sys::support::LLVMLoadLibraryPermanently(mvec.as_ptr());
        let mut raw: LLVMOrcLLJITRef = std::ptr::null_mut();
        take_error(LLVMOrcCreateLLJIT(&mut raw, std::ptr::null_mut()))?;
        let dylib = LLVMOrcLLJITGetMainJITDylib(raw);
        let mut gen: LLVMOrcDefinitionGeneratorRef = std::ptr::null_mut();
        take_error(LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
            &mut gen,
            LLVMOrcLLJITGetGlobalPrefix(raw),
            None,
            std::ptr::null_mut(),
        ))?;
        LLVMOrcJITDylibAddGenerator(dylib, gen);
        let mut pairs: Vec<LLVMOrcCSymbolMapPair> = Vec::new();
        for (name, f) in crate::abi::table() {
            let addr = f.addr;
            let c = CString::new(*name).map_err(|e| e.to_string())?;
            pairs.push(LLVMOrcCSymbolMapPair {
                Name: LLVMOrcLLJITMangleAndIntern(raw, c.as_ptr()),
                Sym: LLVMJITEvaluatedSymbol {
                    Address: addr as u64,
                    Flags: LLVMJITSymbolFlags {
                        GenericFlags: (LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported
                            as u8)
                            | (LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8),
                        TargetFlags: 0,
                    },
                },
            });
        }
        let mu = LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len());
        take_error(LLVMOrcJITDylibDefine(dylib, mu))?;
        Ok(Jit { raw, dylib })
    }
}

/// Machine code loaded under its own resource tracker; [`release`] frees it.
/// It also owns the data the code reads by address (large frozen arrays),
/// dropped only after the code is gone.
pub struct CodeHandle(
    LLVMOrcResourceTrackerRef,
    Vec<Arc<dyn Any + Send + Sync>>,
    /// The entry symbol and the object code, kept for the cache.
    pub(crate) Option<Box<(String, Vec<u8>)>>,
);

// SAFETY: a tracker is only used under the JIT mutex.
unsafe impl Send for CodeHandle {}
unsafe impl Sync for CodeHandle {}

/// Add an object under a fresh resource tracker and look up `names`.
///
/// # Safety
/// `obj` must be a valid memory buffer; ownership passes to LLJIT.
pub unsafe fn load_object_tracked(
    obj: LLVMMemoryBufferRef,
    names: &[&str],
) -> Result<(Vec<usize>, CodeHandle), String> {
    let jit = JIT.get_or_init(|| create().map(Mutex::new));
    let jit = match jit {
        Ok(j) => j,
        Err(e) => return Err(format!("could not start the JIT: {e}")),
    };
    let jit = jit.lock().unwrap_or_else(|p| p.into_inner());
    let rt = LLVMOrcJITDylibCreateResourceTracker(jit.dylib);
    if let Err(e) = take_error(LLVMOrcLLJITAddObjectFileWithRT(jit.raw, rt, obj)) {
        LLVMOrcReleaseResourceTracker(rt);
        return Err(e);
    }
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let c = CString::new(*n).map_err(|e| e.to_string())?;
        let mut addr: LLVMOrcExecutorAddress = 0;
        if let Err(e) = take_error(LLVMOrcLLJITLookup(jit.raw, &mut addr, c.as_ptr())) {
            // (A duplicate definition shows here: drop what was added.)
            let _ = take_error(LLVMOrcResourceTrackerRemove(rt));
            LLVMOrcReleaseResourceTracker(rt);
            return Err(e);
        }
        out.push(addr as usize);
    }
    Ok((out, CodeHandle(rt, Vec::new(), None)))
}

impl CodeHandle {
    /// A handle that owns nothing (release is a no-op).
    pub fn empty() -> CodeHandle {
        CodeHandle(std::ptr::null_mut(), Vec::new(), None)
    }

    /// The entry symbol and object code of code compiled with a
    /// `symbol_prefix` (for the on-disk cache), once.
    pub fn take_object(&mut self) -> Option<(String, Vec<u8>)> {
        self.2.take().map(|b| *b)
    }

    /// Keep `data` alive for as long as this machine code exists.
    pub fn keep(&mut self, data: Arc<dyn Any + Send + Sync>) {
        self.1.push(data);
    }
}

/// Link object code read back from the cache and look up its entry `symbol`.
pub fn load_object(object: &[u8], symbol: &str) -> Result<(usize, CodeHandle), String> {
    crate::init_llvm()?;
    let name = CString::new("oxjit-cached").map_err(|e| e.to_string())?;
    // SAFETY: the buffer is a copy that LLJIT takes ownership of.
    unsafe {
        let buf = llvm_sys::core::LLVMCreateMemoryBufferWithMemoryRangeCopy(
            object.as_ptr() as *const std::ffi::c_char,
            object.len(),
            name.as_ptr(),
        );
        let (addrs, code) = load_object_tracked(buf, &[symbol])?;
        Ok((addrs[0], code))
    }
}

/// Free the machine code of a handle (then the data it kept alive). Nothing
/// may call into it afterwards.
pub fn release(h: CodeHandle) {
    if h.0.is_null() {
        return;
    }
    if let Some(Ok(jit)) = JIT.get() {
        let _g = jit.lock().unwrap_or_else(|p| p.into_inner());
        unsafe {
            let _ = take_error(LLVMOrcResourceTrackerRemove(h.0));
            LLVMOrcReleaseResourceTracker(h.0);
        }
    }
}
