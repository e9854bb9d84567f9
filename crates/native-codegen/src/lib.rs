//! Cairn's native backend: Sierra programs compiled to MLIR with `melior`, lowered to LLVM and
//! run in-process ([`JitProgram`]) or written as shared libraries ([`AotProgram`]).
//!
//! - [`types`]: each Sierra type's MLIR form, following `cairn_values_abi::layout`.
//! - `libfuncs`: one builder per libfunc family; anything else is
//!   [`NativeError::UnsupportedLibfunc`] at compile time.
//! - [`metadata`]: per-compilation data (gas costs, generated value helpers).
//! - [`executor`]: calling compiled code through C-ABI entry wrappers.

mod compile;
pub mod contract;
mod error;
pub mod executor;
mod function;
mod helper;
mod libfuncs;
pub mod metadata;
mod program;
mod runtime;
mod target;
pub mod types;
mod validate;

pub use cairn_values_abi::Registry;
pub use compile::{build_identity, LeftOut, OptLevel};
pub use error::{NativeError, Result};
pub use executor::{AotProgram, JitProgram, NativeOutcome, NativeResult};
pub use program::ProgramInfo;
