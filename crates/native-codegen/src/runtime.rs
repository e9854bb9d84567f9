//! Work generated code hands to Rust: the Pedersen hash and the Poseidon permutation, on the
//! implementations of `starknet-types-core`.
//!
//! Generated code reaches each function through a global pointer `cairn_rt_<name>` that the
//! loader fills in once the code is loaded (see [`bind`]), for the JIT and for shared libraries
//! alike: a library needs no symbol from the process that loads it. Felts cross as pointers to
//! 32 little-endian bytes.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, Poseidon, StarkHash};

/// The runtime functions: the suffix of their global's name, and their address.
fn functions() -> [(&'static str, *const ()); 2] {
    [
        ("pedersen", pedersen as *const ()),
        ("hades_permutation", hades_permutation as *const ()),
    ]
}

/// The name of the global holding runtime function `name`'s address.
pub(crate) fn global_name(name: &str) -> String {
    format!("cairn_rt_{name}")
}

/// Points every runtime global that `lookup` finds in loaded code at its function.
///
/// # Safety
/// `lookup` must return, for a global's name, the address of that pointer-sized global in the
/// loaded code (or `None`), and nothing may run that code concurrently.
pub(crate) unsafe fn bind(lookup: impl Fn(&str) -> Option<*mut ()>) {
    for (name, address) in functions() {
        if let Some(global) = lookup(&global_name(name)) {
            // SAFETY: per the caller, `global` is the address of a pointer-sized global.
            unsafe { global.cast::<*const ()>().write(address) };
        }
    }
}

/// # Safety
/// Each pointer must be valid for 32 bytes holding a felt below P (`out` for writing).
unsafe extern "C" fn pedersen(out: *mut [u8; 32], lhs: *const [u8; 32], rhs: *const [u8; 32]) {
    // SAFETY: per the contract above.
    unsafe {
        let hash = Pedersen::hash(&Felt::from_bytes_le(&*lhs), &Felt::from_bytes_le(&*rhs));
        out.write(hash.to_bytes_le());
    }
}

/// # Safety
/// `state` must be valid for reading and writing three felts (96 bytes).
unsafe extern "C" fn hades_permutation(state: *mut [[u8; 32]; 3]) {
    // SAFETY: per the contract above.
    unsafe {
        let words = &mut *state;
        let mut felts = words.map(|word| Felt::from_bytes_le(&word));
        Poseidon::hades_permutation(&mut felts);
        for (word, felt) in words.iter_mut().zip(felts) {
            *word = felt.to_bytes_le();
        }
    }
}
