//! What each syscall costs in gas.

use crate::short_string;
use crate::syscalls::SyscallResult;

/// The gas each syscall costs beyond what the compiler charged up front, as cairo-lang-runner
/// 2.20.0 charges it (its table mirrors blockifier's constants). A handler that charges other
/// costs builds its own table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // One field per syscall, named after it.
pub struct SyscallGasCosts {
    /// Refunded to a nested call before it runs: the syscall's cost includes it, and the
    /// callee's entry charges it again.
    pub entry_point_initial_budget: u64,
    pub call_contract: u64,
    pub deploy: u64,
    pub emit_event: u64,
    pub get_block_hash: u64,
    pub get_execution_info: u64,
    pub get_class_hash_at: u64,
    pub library_call: u64,
    pub replace_class: u64,
    pub send_message_to_l1: u64,
    pub storage_read: u64,
    pub storage_write: u64,
    pub meta_tx_v0: u64,
    /// Charged once per `keccak_syscall`, before its blocks.
    pub keccak: u64,
    /// Charged for each 17-word block `keccak_syscall` absorbs.
    pub keccak_round: u64,
    pub sha256_process_block: u64,
    pub sha512_process_block: u64,
    pub secp256k1: SecpGasCosts,
    pub secp256r1: SecpGasCosts,
}

/// What the operations on one secp256 curve cost.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // One field per syscall, named after it.
pub struct SecpGasCosts {
    pub new: u64,
    pub add: u64,
    pub mul: u64,
    pub get_point_from_x: u64,
    pub get_xy: u64,
}

impl Default for SyscallGasCosts {
    fn default() -> Self {
        Self::STARKNET
    }
}

const STEP: u64 = 100;
const RANGE_CHECK: u64 = 70;
const BITWISE: u64 = 594;
const ENTRY_POINT_INITIAL_BUDGET: u64 = 100 * STEP;
const ENTRY_POINT: u64 = ENTRY_POINT_INITIAL_BUDGET + 500 * STEP;
const CALL_CONTRACT: u64 = 10 * STEP + ENTRY_POINT;
/// Both secp256 curves cost the same.
const SECP: SecpGasCosts = SecpGasCosts {
    new: 340 * STEP + 36 * RANGE_CHECK,
    add: 254 * STEP + 29 * RANGE_CHECK,
    mul: 121_810 * STEP + 10_739 * RANGE_CHECK,
    get_point_from_x: 260 * STEP + 29 * RANGE_CHECK,
    get_xy: 24 * STEP + 9 * RANGE_CHECK,
};

impl SyscallGasCosts {
    /// The costs cairo-lang-runner 2.20.0 charges (the default).
    pub const STARKNET: SyscallGasCosts = SyscallGasCosts {
        entry_point_initial_budget: ENTRY_POINT_INITIAL_BUDGET,
        call_contract: CALL_CONTRACT,
        deploy: 200 * STEP + ENTRY_POINT,
        emit_event: 10 * STEP,
        get_block_hash: 50 * STEP,
        get_execution_info: 10 * STEP,
        get_class_hash_at: 50 * STEP,
        library_call: CALL_CONTRACT,
        replace_class: 50 * STEP,
        send_message_to_l1: 50 * STEP,
        storage_read: 50 * STEP,
        storage_write: 50 * STEP,
        meta_tx_v0: CALL_CONTRACT,
        keccak: 0,
        keccak_round: 180_000,
        sha256_process_block: 1852 * STEP + 65 * RANGE_CHECK + 1115 * BITWISE,
        sha512_process_block: 4733 * STEP + 65 * RANGE_CHECK + 3320 * BITWISE,
        secp256k1: SECP,
        secp256r1: SECP,
    };
}

/// Takes `cost` from the gas left, or fails the syscall as cairo-lang-runner does.
pub(crate) fn charge(remaining_gas: &mut u64, cost: u64) -> SyscallResult<()> {
    *remaining_gas = remaining_gas
        .checked_sub(cost)
        .ok_or_else(|| vec![short_string("Syscall out of gas")])?;
    Ok(())
}
