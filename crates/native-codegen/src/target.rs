//! The processor features generated code is compiled for: the host's, with AVX-512 left out
//! on x86-64.
//!
//! Why: LLVM 22's X86 EVEX-compression pass folds `vpmovb2m` + `kmov` into `vpmovmskb` and
//! erases the mask register's definition even when a `kshiftr` still reads it (LLVM issue
//! 198197, fixed after 22.1.8 by pull request 198220). Native code converting two signed
//! integers to felts side by side (`a.into()`, `b.into()`) is vectorised into such a mask at
//! `-O2`/`-O3`, and the second conversion then reads a stale mask: a program not seen before gave
//! −40 where the VM gave −10. Without AVX-512 the backend has no mask registers and no such
//! fold; the Cairo code compiled here gains nothing measurable from 512-bit vectors (the
//! runtime's hashes, which do use AVX-512, are Rust and are not compiled here).
//!
//! The features go on every function as LLVM's `target-features` attribute, which replaces the
//! engine's feature string for that function: so it is the host's own list (as the JIT detects
//! it) with `-avx512f` appended, which also turns off every extension that needs AVX-512F.

use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationLike, OperationMutLike};
use melior::ir::{Attribute, Module, RegionLike};
use melior::Context;

/// The `target-features` value for generated functions, `None` where the host's features are
/// used as they are (not x86-64).
fn generated_code_features() -> Option<String> {
    #[cfg(target_arch = "x86_64")]
    {
        // Features apply in order: the last word about AVX-512F wins. Without the host's list
        // the processor's name (which the engine also sets) still implies its features.
        Some(match host_features() {
            Some(host) => format!("{host},-avx512f"),
            None => "-avx512f".to_owned(),
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

/// The host processor's features as LLVM lists them (`+sse2,+avx2,…`).
#[cfg(target_arch = "x86_64")]
fn host_features() -> Option<String> {
    use std::ffi::{c_char, CStr};
    extern "C" {
        fn LLVMGetHostCPUFeatures() -> *mut c_char;
        fn LLVMDisposeMessage(message: *mut c_char);
    }
    // SAFETY: LLVM's C API returns a NUL-terminated string it allocated (or null), which is
    // read once and then given back to LLVM's own deallocator.
    unsafe {
        let raw = LLVMGetHostCPUFeatures();
        if raw.is_null() {
            return None;
        }
        let features = CStr::from_ptr(raw).to_string_lossy().into_owned();
        LLVMDisposeMessage(raw);
        // Only LLVM's feature syntax goes into the attribute below.
        let plain = features
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | ',' | '.' | '_'));
        (plain && !features.is_empty()).then_some(features)
    }
}

/// Gives every function defined in `module` (already in the LLVM dialect) the features of
/// [`generated_code_features`].
pub(crate) fn restrict_features(context: &Context, module: &mut Module) {
    let Some(features) = generated_code_features() else {
        return;
    };
    let Some(passthrough) =
        Attribute::parse(context, &format!("[[\"target-features\", \"{features}\"]]"))
    else {
        return;
    };
    let body = module.body();
    let mut next = body.first_operation_mut();
    while let Some(mut operation) = next {
        let defines_function = operation.name().as_string_ref().as_str() == Ok("llvm.func")
            && operation
                .region(0)
                .is_ok_and(|region| region.first_block().is_some());
        if defines_function {
            operation.set_inherent_attribute("passthrough", passthrough);
        }
        next = operation.next_in_block_mut();
    }
}
