//! The cheatcodes a test's `starknet::testing` calls make, answered on the state as
//! `cairo-test` answers them: the execution info's fields set directly (a cheatcode made
//! between calls lasts until the next one; one made inside a call lasts until that call's
//! caller/contract context is restored), and emitted events and messages popped, oldest first,
//! per contract.

use starknet_types_core::felt::Felt;

use super::{StarknetState, Undo};
use crate::cheatcodes::{Cheatcode, CheatcodeError};

/// Which kind of record a pop consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Popped {
    Event,
    Message,
}

impl StarknetState {
    /// Answers cheatcode `selector` with `input` (see [`crate::SyscallHandler::cheatcode`]).
    pub(super) fn answer_cheatcode(
        &mut self,
        selector: Felt,
        input: &[Felt],
    ) -> Result<Vec<Felt>, CheatcodeError> {
        let cheatcode = Cheatcode::from_selector(selector)?;
        let block = &mut self.context.block_info;
        let tx = &mut self.context.tx_info;
        match cheatcode {
            Cheatcode::SetSequencerAddress => block.sequencer_address = cheatcode.single(input)?,
            Cheatcode::SetBlockNumber => block.block_number = cheatcode.single_int(input)?,
            Cheatcode::SetBlockTimestamp => block.block_timestamp = cheatcode.single_int(input)?,
            Cheatcode::SetCallerAddress => {
                self.context.caller_address = cheatcode.single(input)?;
            }
            Cheatcode::SetContractAddress => {
                self.context.contract_address = cheatcode.single(input)?;
            }
            Cheatcode::SetVersion => tx.version = cheatcode.single(input)?,
            Cheatcode::SetAccountContractAddress => {
                tx.account_contract_address = cheatcode.single(input)?;
            }
            Cheatcode::SetMaxFee => tx.max_fee = cheatcode.single_int(input)?,
            Cheatcode::SetTransactionHash => tx.transaction_hash = cheatcode.single(input)?,
            Cheatcode::SetChainId => tx.chain_id = cheatcode.single(input)?,
            Cheatcode::SetNonce => tx.nonce = cheatcode.single(input)?,
            Cheatcode::SetSignature => tx.signature = input.to_vec(),
            Cheatcode::SetBlockHash => match input {
                [number, hash] => {
                    let number = u64::try_from(*number).map_err(|_| {
                        cheatcode.invalid(format!("block number {number:#x} is past u64"))
                    })?;
                    self.block_hashes.insert(number, *hash);
                }
                _ => {
                    return Err(cheatcode
                        .invalid("pass span of an array with exactly two elements".to_owned()))
                }
            },
            Cheatcode::PopLog => {
                let address = cheatcode.single(input)?;
                return Ok(self.pop_event(address).unwrap_or_default());
            }
            Cheatcode::PopL2ToL1Message => {
                let address = cheatcode.single(input)?;
                return Ok(self.pop_message(address).unwrap_or_default());
            }
        }
        Ok(Vec::new())
    }

    /// The oldest event of `address` not popped yet, as `pop_log` answers it: the keys'
    /// count, the keys, the data's count, the data.
    fn pop_event(&mut self, address: Felt) -> Option<Vec<Felt>> {
        let skip = self.popped_count(address, Popped::Event);
        let event = self
            .events
            .iter()
            .filter(|event| event.from_address == address)
            .nth(skip)?;
        let mut answer = Vec::with_capacity(2 + event.keys.len() + event.data.len());
        answer.push(Felt::from(event.keys.len()));
        answer.extend_from_slice(&event.keys);
        answer.push(Felt::from(event.data.len()));
        answer.extend_from_slice(&event.data);
        self.mark_popped(address, Popped::Event);
        Some(answer)
    }

    /// The oldest message `address` sent not popped yet, as `pop_l2_to_l1_message` answers it:
    /// the L1 address, the payload's length, the payload.
    fn pop_message(&mut self, address: Felt) -> Option<Vec<Felt>> {
        let skip = self.popped_count(address, Popped::Message);
        let message = self
            .messages
            .iter()
            .filter(|message| message.from_address == address)
            .nth(skip)?;
        let mut answer = Vec::with_capacity(2 + message.payload.len());
        answer.push(message.to_address);
        answer.push(Felt::from(message.payload.len()));
        answer.extend_from_slice(&message.payload);
        self.mark_popped(address, Popped::Message);
        Some(answer)
    }

    fn popped_count(&self, address: Felt, kind: Popped) -> usize {
        self.popped.get(&(address, kind)).copied().unwrap_or(0)
    }

    /// Counts one more record of `kind` popped for `address`; a revert of the running call
    /// puts it back, as everything the call did is undone.
    fn mark_popped(&mut self, address: Felt, kind: Popped) {
        *self.popped.entry((address, kind)).or_default() += 1;
        self.journal.push(Undo::Pop { address, kind });
    }

    /// Undoes one [`StarknetState::mark_popped`].
    pub(super) fn unpop(&mut self, address: Felt, kind: Popped) {
        if let Some(count) = self.popped.get_mut(&(address, kind)) {
            *count = count.saturating_sub(1);
        }
    }
}
