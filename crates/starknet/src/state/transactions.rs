//! Transactions as the sequencer runs them: an account's invoke (`__validate__`, then
//! `__execute__`, with the transaction in the execution info and the nonce kept per account) and
//! a message from L1 (an L1 handler).

use starknet_types_core::felt::Felt;

use super::{CallRecord, StarknetState, TopLevelCall};
use crate::class::EntryPointType;
use crate::error::StarknetError;
use crate::syscalls::CallOutcome;
use crate::{selector, short_string};

/// An invoke transaction (version 3) from an account: what its `__validate__` and
/// `__execute__` are called with and read from the execution info.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvokeTransaction {
    /// The account contract sending it.
    pub sender_address: Felt,
    /// The calldata of both entry points (for the usual accounts: the calls, serialised).
    pub calldata: Vec<Felt>,
    /// The signature the account checks (`tx_info.signature`).
    pub signature: Vec<Felt>,
    /// The hash the signature is of (`tx_info.transaction_hash`); the caller computes it.
    pub transaction_hash: Felt,
}

/// What an invoke transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvokeRecord {
    /// `__validate__`'s call; the transaction is valid when it returned `'VALID'`.
    pub validation: CallRecord,
    /// `__execute__`'s call, or `None` when validation failed: the transaction was rejected,
    /// nothing it did stays and the nonce is unchanged. A reverted execution still uses the
    /// nonce, as on Starknet.
    pub execution: Option<CallRecord>,
}

impl InvokeRecord {
    /// The record without what only the VM counts ([`CallRecord::backend_neutral`]).
    pub fn backend_neutral(&self) -> InvokeRecord {
        InvokeRecord {
            validation: self.validation.backend_neutral(),
            execution: self.execution.as_ref().map(CallRecord::backend_neutral),
        }
    }

    /// Whether the transaction was accepted and its calls did not revert.
    pub fn succeeded(&self) -> bool {
        self.execution
            .as_ref()
            .is_some_and(|execution| execution.outcome.is_success())
    }
}

/// Whether `__validate__` accepted the transaction: it returned `'VALID'` and nothing else.
fn validated(outcome: &CallOutcome) -> bool {
    matches!(outcome, CallOutcome::Success(retdata) if retdata[..] == [short_string("VALID")])
}

impl StarknetState {
    /// The nonce the next transaction of `account` must carry (how many it has sent).
    pub fn nonce(&self, account: Felt) -> Felt {
        self.nonces.get(&account).copied().unwrap_or(Felt::ZERO)
    }

    /// Runs an invoke transaction as the sequencer does: the account's `__validate__`, then,
    /// if it returned `'VALID'`, the nonce goes up and `__execute__` runs. Both are called by
    /// the protocol (caller 0) with the transaction in `tx_info` (version 3, the account, the
    /// signature, the hash and the nonce; the rest as [`Self::execution_info_mut`] set it,
    /// restored afterwards). Each entry point is given `gas`.
    pub fn invoke(
        &mut self,
        transaction: &InvokeTransaction,
        gas: u64,
    ) -> Result<InvokeRecord, StarknetError> {
        let account = transaction.sender_address;
        let nonce = self.nonce(account);
        let mut tx_info = self.context.tx_info.clone();
        tx_info.version = Felt::THREE;
        tx_info.account_contract_address = account;
        tx_info.signature = transaction.signature.clone();
        tx_info.transaction_hash = transaction.transaction_hash;
        tx_info.nonce = nonce;
        let outer = std::mem::replace(&mut self.context.tx_info, tx_info);
        let record = self.run_invoke(account, nonce, &transaction.calldata, gas);
        self.context.tx_info = outer;
        record
    }

    fn run_invoke(
        &mut self,
        account: Felt,
        nonce: Felt,
        calldata: &[Felt],
        gas: u64,
    ) -> Result<InvokeRecord, StarknetError> {
        let call = |name| TopLevelCall {
            kind: EntryPointType::External,
            caller_address: Felt::ZERO,
            address: account,
            selector: selector(name),
            calldata,
        };
        let validation = self.run_top_level(call("__validate__"), gas, validated)?;
        if !validated(&validation.outcome) {
            return Ok(InvokeRecord {
                validation,
                execution: None,
            });
        }
        self.nonces.insert(account, nonce + Felt::ONE);
        let execution = self.run_top_level(call("__execute__"), gas, CallOutcome::is_success)?;
        Ok(InvokeRecord {
            validation,
            execution: Some(execution),
        })
    }

    /// Delivers a message from L1: runs the L1 handler `selector` of the contract at `address`
    /// with the L1 sender's address followed by `payload` as its calldata, called by the
    /// protocol (caller 0). A revert leaves the state as it was.
    pub fn l1_handler(
        &mut self,
        from_l1_address: Felt,
        address: Felt,
        selector: Felt,
        payload: &[Felt],
        gas: u64,
    ) -> Result<CallRecord, StarknetError> {
        let calldata: Vec<Felt> = std::iter::once(from_l1_address)
            .chain(payload.iter().copied())
            .collect();
        let call = TopLevelCall {
            kind: EntryPointType::L1Handler,
            caller_address: Felt::ZERO,
            address,
            selector,
            calldata: &calldata,
        };
        self.run_top_level(call, gas, CallOutcome::is_success)
    }
}
