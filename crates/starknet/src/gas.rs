//! What each syscall costs in gas.

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
}

impl Default for SyscallGasCosts {
    fn default() -> Self {
        const STEP: u64 = 100;
        const ENTRY_POINT_INITIAL_BUDGET: u64 = 100 * STEP;
        const ENTRY_POINT: u64 = ENTRY_POINT_INITIAL_BUDGET + 500 * STEP;
        const CALL_CONTRACT: u64 = 10 * STEP + ENTRY_POINT;
        Self {
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
        }
    }
}
