//! What Cairn's backends share to run Starknet contracts.
//!
//! - [`ContractClass`]: a Sierra contract class (`*.contract_class.json`) with its entry points by
//!   selector.
//! - [`SyscallHandler`]: the syscalls a contract makes, one method each, with the remaining gas
//!   passed in and a revert reason (felts) out; the state-free ones (Keccak, SHA-2 blocks,
//!   secp256k1/r1, in [`crypto`]) have defaults. Both backends call it; a sequencer,
//!   a devnet or a test framework implements it over its own state.
//! - [`StarknetState`]: an in-memory Starknet that implements it: declared classes, deployed
//!   contracts, storage, events and L2→L1 messages, execution info, block hashes, nested calls
//!   with their own caller/contract context, and revert (a failed inner call leaves no trace).
//!   Nested calls run on an [`EntryPointExecutor`], which each backend provides.
//! - [`SyscallGasCosts`]: what each syscall costs, as cairo-lang-runner 2.20.0 charges it;
//!   replaceable.
//!
//! The crate knows neither backend: the VM and the native backend depend on it, not it on them.

pub mod cheatcodes;
mod class;
mod class_hash;
pub mod crypto;
mod entry_values;
mod error;
mod gas;
mod resources;
mod state;
mod syscall_counts;
mod syscalls;

pub use cheatcodes::CheatcodeError;
pub use class::{ContractClass, EntryPoint, EntryPointType};
pub use class_hash::class_hash;
pub use crypto::{Secp256Point, SecpCurve, U256};
pub use entry_values::{calldata_value, entry_point_outcome, outcome_from_values};
pub use error::StarknetError;
pub use gas::{SecpGasCosts, SyscallGasCosts};
pub use resources::{EntryPointRun, ExecutionResources};
pub use starknet_types_core::felt::Felt;
pub use state::{CallRecord, Event, InvokeRecord, InvokeTransaction, L2ToL1Message, StarknetState};
pub use syscall_counts::{SyscallCounter, SyscallCounts};
pub use syscalls::{
    BlockInfo, CallOutcome, EntryPointExecutor, ExecutionInfo, ResourceBounds, SyscallHandler,
    SyscallResult, TxInfo,
};

/// An entry point's selector: `sn_keccak` of its name, as `selector!("name")` computes it.
pub fn selector(name: &str) -> Felt {
    Felt::from(&cairo_lang_starknet_classes::keccak::starknet_keccak(
        name.as_bytes(),
    ))
}

/// A short string (`'abc'`) as the felt it is: how Starknet writes revert reasons.
pub fn short_string(text: &str) -> Felt {
    Felt::from_bytes_be_slice(text.as_bytes())
}
