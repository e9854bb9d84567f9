//! Cairn's interpreted backend: runs compiled Cairo programs on the [`cairo_vm`] crate.
//!
//! [`CairoProgram`] loads a compiled Cairo 0 program; [`Runner`] runs it to the end or a few
//! steps at a time, and exposes memory, registers, output, trace and the AIR inputs. Hints that
//! cairo-vm implements run in Rust; a [`HintExtension`] runs the others.
//!
//! ```no_run
//! use cairn_vm_core::{CairoProgram, RunConfig, Runner};
//!
//! let program = CairoProgram::from_file("fib.json".as_ref(), "main")?;
//! let mut runner = Runner::new(&program, RunConfig::default())?;
//! while !runner.run_steps(1_000)? {
//!     println!("paused at pc={} after {} steps", runner.pc(), runner.step_count());
//! }
//! println!("{:?}", runner.output());
//! # Ok::<(), cairn_vm_core::VmCoreError>(())
//! ```

pub mod contract;
mod error;
pub mod executable;
mod hints;
mod layout;
pub mod output;
mod program;
mod runner;
pub mod sierra;
mod stepping;

pub use cairn_starknet as starknet;
pub use cairn_values_abi as values;
pub use cairn_values_abi::contained::is_containing as panic_is_contained;
pub use cairo_vm;
pub use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
pub use cairo_vm::Felt252;
pub use error::{Result, VmCoreError};
pub use executable::{ExecutableProgram, ExecutableRunner, ExecuteConfig, ExecutionMode};
pub use hints::{HintData, HintExtension, LoadedProgram, ScopeStack};
pub use layout::{Layout, ALL_LAYOUTS};
pub use program::CairoProgram;
pub use runner::{segment_used_sizes, EntryArg, RunConfig, Runner, MEMORY_CHECK_STEPS};
