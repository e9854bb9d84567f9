//! The one description of Sierra values that every Cairn backend shares.
//!
//! - [`Value`]: any value a Sierra function takes or returns, backend-independent.
//! - [`TypeShape`]: what a Sierra type is, read off the program registry; the VM's memory
//!   conversion (in vm-core) and the native layouts (in native-codegen) both dispatch on it.
//! - [`json`]: the JSON form of values used on the command line, checked against the types.
//! - [`layout`] and [`native`]: how values look in native memory, and writing/reading them there;
//!   [`array`] and [`dict`]: the shared, reference-counted buffers of arrays and dictionaries;
//!   [`felt_arrays`]: a contract call's calldata and result, one felt array each, without
//!   `Value`s.
//! - [`ec_state_sum`] / [`ec_state_for_vm`]: an `EcState` in the one form both backends share.
//! - [`CachedRegistry`]: a registry whose types' shapes and layouts are worked out once.
//! - [`abi`]: packing arguments for the x86_64 and aarch64 calling conventions.
//!
//! This crate knows nothing of cairo-vm, MLIR or Python.

pub mod abi;
pub mod array;
mod cache;
pub mod contained;
pub mod dict;
mod ec;
mod entry;
mod error;
pub mod felt_arrays;
pub mod json;
pub mod layout;
pub mod native;
mod shape;
mod value;

pub use cache::CachedRegistry;
pub use cairo_lang_sierra;
pub use ec::{ec_state_for_vm, ec_state_sum, stark_curve_beta};
pub use entry::{find_function, EntryError};
pub use error::ValueError;
pub use shape::{BuiltinKind, IntWidth, TypeShape};
pub use starknet_types_core::felt::Felt;
pub use value::{DictKey, U128Half, Value};

/// The program registry of the core library, which every type lookup goes through.
pub type Registry = cairo_lang_sierra::program_registry::ProgramRegistry<
    cairo_lang_sierra::extensions::core::CoreType,
    cairo_lang_sierra::extensions::core::CoreLibfunc,
>;
