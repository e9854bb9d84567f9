//! Cairn runs Cairo programs three ways and makes them meet: an interpreted VM, a native
//! compiler, and Python.
//!
//! This crate is the facade: depend on it and choose backends by feature.
//! - `vm` (default): [`vm`], the interpreted backend on the `cairo-vm` crate.
//! - `native`: `native`, Sierra compiled to machine code (needs LLVM/MLIR).
//! - `python`: `python`, Python hints and the Python module (needs CPython).
//!
//! Always: [`starknet`] (contracts on either backend) and [`hash`] (Pedersen and Poseidon).

#[cfg(feature = "vm")]
pub use cairn_vm_core as vm;

/// Starknet's Pedersen and Poseidon hashes, as the native backend computes them (the same
/// answers as `starknet-types-core`, faster).
pub use cairn_stark_hash as hash;

/// Starknet contracts: classes, the syscall handler trait, an in-memory Starknet state; the
/// backends' executors (`starknet::VmExecutor` with `vm`, `starknet::NativeExecutor` with
/// `native`).
pub mod starknet {
    pub use cairn_starknet::*;

    #[cfg(feature = "vm")]
    pub use cairn_vm_core::contract::VmExecutor;

    #[cfg(feature = "native")]
    pub use cairn_native_codegen::contract::NativeExecutor;
}

#[cfg(feature = "native")]
pub use cairn_native_codegen as native;

#[cfg(feature = "python")]
pub use cairn_hint_bridge_py as python;
