//! The syscall handler both backends call, and the executor a Starknet state runs nested calls on.

use starknet_types_core::felt::Felt;

use crate::cheatcodes::CheatcodeError;
use crate::class::{ContractClass, EntryPoint};
use crate::crypto::{self, Secp256Point, SecpCurve, U256};
use crate::error::StarknetError;
use crate::gas::SyscallGasCosts;

/// A syscall's answer: its result, or the revert reason the contract sees (felts, usually short
/// strings). Running out of gas is a revert too (`'Syscall out of gas'`).
pub type SyscallResult<T> = Result<T, Vec<Felt>>;

/// The syscalls of the pinned Sierra version, one method each.
///
/// Each is given the gas left to the caller and takes what the syscall costs from it (see
/// [`crate::SyscallGasCosts`]); a failed syscall returns its revert reason, which the contract
/// receives as an `Err` it may handle or panic with. Nested calls (`call_contract`,
/// `library_call`, a `deploy` that runs a constructor) are run by the handler itself, typically
/// on an [`EntryPointExecutor`] with the handler passed down.
///
/// The chain-state syscalls have no default. The state-free ones (keccak, sha256/sha512
/// blocks, secp256k1/r1) default to [`crate::crypto`]'s implementations charged from
/// [`SyscallHandler::gas_costs`]; a handler overrides them to count, trace or replace them.
pub trait SyscallHandler {
    /// The gas table the default state-free syscalls charge from.
    fn gas_costs(&self) -> &SyscallGasCosts {
        &SyscallGasCosts::STARKNET
    }

    /// `get_block_hash_syscall`: the hash of a past block.
    fn get_block_hash(&mut self, block_number: u64, remaining_gas: &mut u64)
        -> SyscallResult<Felt>;

    /// `get_execution_info_syscall` (v2 layout, as the pinned corelib reads it).
    fn get_execution_info(&mut self, remaining_gas: &mut u64) -> SyscallResult<ExecutionInfo>;

    /// `deploy_syscall`: the new contract's address and its constructor's return data.
    fn deploy(
        &mut self,
        class_hash: Felt,
        contract_address_salt: Felt,
        calldata: &[Felt],
        deploy_from_zero: bool,
        remaining_gas: &mut u64,
    ) -> SyscallResult<(Felt, Vec<Felt>)>;

    /// `replace_class_syscall`: the calling contract's class becomes `class_hash`.
    fn replace_class(&mut self, class_hash: Felt, remaining_gas: &mut u64) -> SyscallResult<()>;

    /// `library_call_syscall`: runs `class_hash`'s entry point in the caller's context.
    fn library_call(
        &mut self,
        class_hash: Felt,
        selector: Felt,
        calldata: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>>;

    /// `call_contract_syscall`: runs the entry point of the contract at `address`.
    fn call_contract(
        &mut self,
        address: Felt,
        selector: Felt,
        calldata: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>>;

    /// `storage_read_syscall` in the calling contract's storage.
    fn storage_read(
        &mut self,
        address_domain: u32,
        key: Felt,
        remaining_gas: &mut u64,
    ) -> SyscallResult<Felt>;

    /// `storage_write_syscall` in the calling contract's storage.
    fn storage_write(
        &mut self,
        address_domain: u32,
        key: Felt,
        value: Felt,
        remaining_gas: &mut u64,
    ) -> SyscallResult<()>;

    /// `emit_event_syscall`.
    fn emit_event(
        &mut self,
        keys: &[Felt],
        data: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<()>;

    /// `send_message_to_l1_syscall`.
    fn send_message_to_l1(
        &mut self,
        to_address: Felt,
        payload: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<()>;

    /// `get_class_hash_at_syscall`: the class of the contract at `address` (0 when none).
    fn get_class_hash_at(&mut self, address: Felt, remaining_gas: &mut u64) -> SyscallResult<Felt>;

    /// `meta_tx_v0_syscall`: a call on behalf of an account with an old-style signature. Not
    /// supported unless a handler implements it (as in cairo-lang-runner).
    fn meta_tx_v0(
        &mut self,
        address: Felt,
        selector: Felt,
        calldata: &[Felt],
        signature: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        let _ = (address, selector, calldata, signature, remaining_gas);
        Err(vec![crate::short_string("Meta tx is not supported.")])
    }

    /// `keccak_syscall`: Keccak-f[1600] over `input` in 17-word blocks ([`crypto::keccak`]).
    fn keccak(&mut self, input: &[u64], remaining_gas: &mut u64) -> SyscallResult<U256> {
        crypto::keccak(self.gas_costs(), input, remaining_gas)
    }

    /// `sha256_process_block_syscall` ([`crypto::sha256_process_block`]).
    fn sha256_process_block(
        &mut self,
        state: &[u32; 8],
        block: &[u32; 16],
        remaining_gas: &mut u64,
    ) -> SyscallResult<[u32; 8]> {
        crypto::sha256_process_block(self.gas_costs(), state, block, remaining_gas)
    }

    /// `sha512_process_block_syscall` ([`crypto::sha512_process_block`]).
    fn sha512_process_block(
        &mut self,
        state: &[u64; 8],
        block: &[u64; 16],
        remaining_gas: &mut u64,
    ) -> SyscallResult<[u64; 8]> {
        crypto::sha512_process_block(self.gas_costs(), state, block, remaining_gas)
    }

    /// `secp256k1_new_syscall` / `secp256r1_new_syscall` ([`crypto::secp256_new`]).
    fn secp256_new(
        &mut self,
        curve: SecpCurve,
        x: U256,
        y: U256,
        remaining_gas: &mut u64,
    ) -> SyscallResult<Option<Secp256Point>> {
        crypto::secp256_new(self.gas_costs(), curve, x, y, remaining_gas)
    }

    /// `secp256*_add_syscall` ([`crypto::secp256_add`]).
    fn secp256_add(
        &mut self,
        curve: SecpCurve,
        p: Secp256Point,
        q: Secp256Point,
        remaining_gas: &mut u64,
    ) -> SyscallResult<Secp256Point> {
        crypto::secp256_add(self.gas_costs(), curve, p, q, remaining_gas)
    }

    /// `secp256*_mul_syscall` ([`crypto::secp256_mul`]).
    fn secp256_mul(
        &mut self,
        curve: SecpCurve,
        p: Secp256Point,
        scalar: U256,
        remaining_gas: &mut u64,
    ) -> SyscallResult<Secp256Point> {
        crypto::secp256_mul(self.gas_costs(), curve, p, scalar, remaining_gas)
    }

    /// `secp256*_get_point_from_x_syscall` ([`crypto::secp256_get_point_from_x`]).
    fn secp256_get_point_from_x(
        &mut self,
        curve: SecpCurve,
        x: U256,
        y_parity: bool,
        remaining_gas: &mut u64,
    ) -> SyscallResult<Option<Secp256Point>> {
        crypto::secp256_get_point_from_x(self.gas_costs(), curve, x, y_parity, remaining_gas)
    }

    /// The `cheatcode` libfunc of `starknet::testing` (`set_caller_address`, `pop_log`…): not a
    /// syscall of the chain but a request of a test to its runner, answered with felts. Without
    /// a runner that knows it, a cheatcode stops the run ([`CheatcodeError::Unknown`]).
    fn cheatcode(&mut self, selector: Felt, input: &[Felt]) -> Result<Vec<Felt>, CheatcodeError> {
        let _ = input;
        Err(CheatcodeError::Unknown(crate::cheatcodes::selector_name(
            selector,
        )))
    }

    /// `secp256*_get_xy_syscall` ([`crypto::secp256_get_xy`]).
    fn secp256_get_xy(
        &mut self,
        curve: SecpCurve,
        p: Secp256Point,
        remaining_gas: &mut u64,
    ) -> SyscallResult<(U256, U256)> {
        crypto::secp256_get_xy(self.gas_costs(), curve, p, remaining_gas)
    }
}

/// Runs one entry point of a class with its syscalls going to `handler`: what a backend offers a
/// Starknet state for nested calls.
pub trait EntryPointExecutor {
    /// Runs `entry_point` of `class` (declared under `class_hash`) with `calldata`, starting
    /// with `*remaining_gas` and leaving what is left there; how it ended and what it used
    /// (its nested calls, which run through `handler`, excluded).
    fn execute(
        &self,
        class_hash: Felt,
        class: &ContractClass,
        entry_point: &EntryPoint,
        calldata: &[Felt],
        remaining_gas: &mut u64,
        handler: &mut dyn SyscallHandler,
    ) -> Result<crate::EntryPointRun, StarknetError>;
}

/// How an entry point ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// It returned this data.
    Success(Vec<Felt>),
    /// It panicked with this data (the revert reason).
    Revert(Vec<Felt>),
}

impl CallOutcome {
    /// Whether the entry point returned (did not revert).
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success(_))
    }
}

/// The execution info a contract reads (`get_execution_info_syscall`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutionInfo {
    /// The block being built.
    pub block_info: BlockInfo,
    /// The transaction being run.
    pub tx_info: TxInfo,
    /// Who called the running entry point (0 for a transaction's first call).
    pub caller_address: Felt,
    /// The contract running.
    pub contract_address: Felt,
    /// The selector of the running entry point.
    pub entry_point_selector: Felt,
}

/// The block part of [`ExecutionInfo`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockInfo {
    /// The block's number.
    pub block_number: u64,
    /// The block's timestamp.
    pub block_timestamp: u64,
    /// The sequencer's address.
    pub sequencer_address: Felt,
}

/// The transaction part of [`ExecutionInfo`] (the v2 layout of the pinned corelib).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // The corelib's `TxInfo` members, one for one.
pub struct TxInfo {
    pub version: Felt,
    pub account_contract_address: Felt,
    pub max_fee: u128,
    pub signature: Vec<Felt>,
    pub transaction_hash: Felt,
    pub chain_id: Felt,
    pub nonce: Felt,
    pub resource_bounds: Vec<ResourceBounds>,
    pub tip: u128,
    pub paymaster_data: Vec<Felt>,
    pub nonce_data_availability_mode: u32,
    pub fee_data_availability_mode: u32,
    pub account_deployment_data: Vec<Felt>,
    pub proof_facts: Vec<Felt>,
}

/// A resource's bounds in a v3 transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ResourceBounds {
    pub resource: Felt,
    pub max_amount: u64,
    pub max_price_per_unit: u128,
}
