//! The cheatcodes of `starknet::testing`: requests a test makes to its runner (set the caller,
//! the block, the transaction; pop an emitted event or message), as `cairo-test` answers them.

use starknet_types_core::felt::Felt;
use thiserror::Error;

/// Why a cheatcode could not be answered: the run stops with it (the `cheatcode` libfunc has
/// no failure branch a test could handle).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CheatcodeError {
    /// No cheatcode has this selector (its name when it is a short string, as `cairo-test`
    /// words it).
    #[error("Unknown cheatcode selector: {0}")]
    Unknown(String),
    /// The cheatcode was given the wrong number or kind of values.
    #[error("`{name}` cheatcode invalid args: {reason}")]
    InvalidArgs {
        /// The cheatcode's name.
        name: &'static str,
        /// What was wrong.
        reason: String,
    },
}

/// A cheatcode's selector as text: its name when the felt is a short string, else its hex.
pub fn selector_name(selector: Felt) -> String {
    let bytes = selector.to_bytes_be();
    let start = bytes
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(bytes.len());
    match std::str::from_utf8(&bytes[start..]) {
        Ok(name) if name.chars().all(|c| c.is_ascii_graphic()) => name.to_owned(),
        _ => format!("{selector:#x}"),
    }
}

/// A cheatcode `StarknetState` answers, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cheatcode {
    SetSequencerAddress,
    SetBlockNumber,
    SetBlockTimestamp,
    SetCallerAddress,
    SetContractAddress,
    SetVersion,
    SetAccountContractAddress,
    SetMaxFee,
    SetTransactionHash,
    SetChainId,
    SetNonce,
    SetSignature,
    SetBlockHash,
    PopLog,
    PopL2ToL1Message,
}

impl Cheatcode {
    const ALL: [(Cheatcode, &'static str); 15] = [
        (Cheatcode::SetSequencerAddress, "set_sequencer_address"),
        (Cheatcode::SetBlockNumber, "set_block_number"),
        (Cheatcode::SetBlockTimestamp, "set_block_timestamp"),
        (Cheatcode::SetCallerAddress, "set_caller_address"),
        (Cheatcode::SetContractAddress, "set_contract_address"),
        (Cheatcode::SetVersion, "set_version"),
        (
            Cheatcode::SetAccountContractAddress,
            "set_account_contract_address",
        ),
        (Cheatcode::SetMaxFee, "set_max_fee"),
        (Cheatcode::SetTransactionHash, "set_transaction_hash"),
        (Cheatcode::SetChainId, "set_chain_id"),
        (Cheatcode::SetNonce, "set_nonce"),
        (Cheatcode::SetSignature, "set_signature"),
        (Cheatcode::SetBlockHash, "set_block_hash"),
        (Cheatcode::PopLog, "pop_log"),
        (Cheatcode::PopL2ToL1Message, "pop_l2_to_l1_message"),
    ];

    /// The cheatcode with this selector.
    pub(crate) fn from_selector(selector: Felt) -> Result<Self, CheatcodeError> {
        let name = selector_name(selector);
        Self::ALL
            .into_iter()
            .find(|(_, known)| *known == name)
            .map(|(cheatcode, _)| cheatcode)
            .ok_or(CheatcodeError::Unknown(name))
    }

    pub(crate) fn name(self) -> &'static str {
        Self::ALL
            .into_iter()
            .find(|(cheatcode, _)| *cheatcode == self)
            .map_or("", |(_, name)| name)
    }

    /// The one value of a cheatcode that takes one.
    pub(crate) fn single(self, input: &[Felt]) -> Result<Felt, CheatcodeError> {
        match input {
            [value] => Ok(*value),
            _ => Err(self.invalid("pass span of an array with exactly one element".to_owned())),
        }
    }

    /// The one value of a cheatcode that takes one, as an integer of type `T`.
    pub(crate) fn single_int<T: TryFrom<u128>>(self, input: &[Felt]) -> Result<T, CheatcodeError> {
        let value = self.single(input)?;
        u128::try_from(value)
            .ok()
            .and_then(|value| T::try_from(value).ok())
            .ok_or_else(|| {
                self.invalid(format!(
                    "{value:#x} is out of range for a {}",
                    std::any::type_name::<T>()
                ))
            })
    }

    pub(crate) fn invalid(self, reason: String) -> CheatcodeError {
        CheatcodeError::InvalidArgs {
            name: self.name(),
            reason,
        }
    }
}
