//! The chain-state syscalls of contracts running on a [`StarknetState`], each charged as the
//! state's gas table says.

use starknet_types_core::felt::Felt;

use super::{Event, L2ToL1Message, StarknetState, Undo};
use crate::cheatcodes::CheatcodeError;
use crate::class::EntryPointType;
use crate::gas::{charge, SyscallGasCosts};
use crate::short_string;
use crate::syscalls::{ExecutionInfo, SyscallHandler, SyscallResult};

impl SyscallHandler for StarknetState {
    fn gas_costs(&self) -> &SyscallGasCosts {
        &self.costs
    }

    fn cheatcode(&mut self, selector: Felt, input: &[Felt]) -> Result<Vec<Felt>, CheatcodeError> {
        self.answer_cheatcode(selector, input)
    }

    fn get_block_hash(
        &mut self,
        block_number: u64,
        remaining_gas: &mut u64,
    ) -> SyscallResult<Felt> {
        charge(remaining_gas, self.costs.get_block_hash)?;
        self.block_hashes
            .get(&block_number)
            .copied()
            .ok_or_else(|| vec![short_string("GET_BLOCK_HASH_NOT_SET")])
    }

    fn get_execution_info(&mut self, remaining_gas: &mut u64) -> SyscallResult<ExecutionInfo> {
        charge(remaining_gas, self.costs.get_execution_info)?;
        Ok(self.context.clone())
    }

    fn deploy(
        &mut self,
        class_hash: Felt,
        contract_address_salt: Felt,
        calldata: &[Felt],
        deploy_from_zero: bool,
        remaining_gas: &mut u64,
    ) -> SyscallResult<(Felt, Vec<Felt>)> {
        charge(remaining_gas, self.costs.deploy)?;
        let deployer = if deploy_from_zero {
            Felt::ZERO
        } else {
            self.context.contract_address
        };
        let Some(class) = self.classes.get(&class_hash).cloned() else {
            return Err(vec![short_string("CLASS_HASH_NOT_FOUND")]);
        };
        let address = Self::contract_address(contract_address_salt, class_hash, calldata, deployer);
        if self.contracts.contains_key(&address) {
            return Err(vec![short_string("CONTRACT_ALREADY_DEPLOYED")]);
        }
        match class.constructor() {
            // The syscall's cost included the constructor's entry budget, charged again there.
            Some(_) => *remaining_gas += self.costs.entry_point_initial_budget,
            None if calldata.is_empty() => {}
            None => return Err(vec![short_string("INVALID_CALLDATA_LEN")]),
        }
        let checkpoint = self.checkpoint();
        let outcome = self.deploy_at(
            address,
            class_hash,
            &class,
            calldata,
            deployer,
            remaining_gas,
        );
        self.settle(checkpoint, outcome, "CONSTRUCTOR_FAILED")
            .map(|retdata| (address, retdata))
    }

    fn replace_class(&mut self, class_hash: Felt, remaining_gas: &mut u64) -> SyscallResult<()> {
        charge(remaining_gas, self.costs.replace_class)?;
        if !self.classes.contains_key(&class_hash) {
            return Err(vec![short_string("CLASS_HASH_NOT_FOUND")]);
        }
        let address = self.context.contract_address;
        let previous = self.contracts.insert(address, class_hash);
        self.journal.push(Undo::Deployment { address, previous });
        Ok(())
    }

    fn library_call(
        &mut self,
        class_hash: Felt,
        selector: Felt,
        calldata: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        charge(remaining_gas, self.costs.library_call)?;
        self.nested_call(
            class_hash,
            EntryPointType::External,
            selector,
            calldata,
            remaining_gas,
            None,
        )
    }

    fn call_contract(
        &mut self,
        address: Felt,
        selector: Felt,
        calldata: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<Vec<Felt>> {
        charge(remaining_gas, self.costs.call_contract)?;
        let Some(class_hash) = self.contracts.get(&address).copied() else {
            return Err(vec![
                short_string("CONTRACT_NOT_DEPLOYED"),
                short_string("ENTRYPOINT_FAILED"),
            ]);
        };
        let caller = self.context.contract_address;
        self.nested_call(
            class_hash,
            EntryPointType::External,
            selector,
            calldata,
            remaining_gas,
            Some((caller, address)),
        )
    }

    fn storage_read(
        &mut self,
        address_domain: u32,
        key: Felt,
        remaining_gas: &mut u64,
    ) -> SyscallResult<Felt> {
        charge(remaining_gas, self.costs.storage_read)?;
        if address_domain != 0 {
            return Err(vec![short_string("Unsupported address domain")]);
        }
        Ok(self.storage(self.context.contract_address, key))
    }

    fn storage_write(
        &mut self,
        address_domain: u32,
        key: Felt,
        value: Felt,
        remaining_gas: &mut u64,
    ) -> SyscallResult<()> {
        charge(remaining_gas, self.costs.storage_write)?;
        if address_domain != 0 {
            return Err(vec![short_string("Unsupported address domain")]);
        }
        let contract = self.context.contract_address;
        let previous = self.storage.insert((contract, key), value);
        self.journal.push(Undo::Storage {
            contract,
            key,
            previous,
        });
        Ok(())
    }

    fn emit_event(
        &mut self,
        keys: &[Felt],
        data: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<()> {
        charge(remaining_gas, self.costs.emit_event)?;
        self.events.push(Event {
            from_address: self.context.contract_address,
            keys: keys.to_vec(),
            data: data.to_vec(),
        });
        Ok(())
    }

    fn send_message_to_l1(
        &mut self,
        to_address: Felt,
        payload: &[Felt],
        remaining_gas: &mut u64,
    ) -> SyscallResult<()> {
        charge(remaining_gas, self.costs.send_message_to_l1)?;
        self.messages.push(L2ToL1Message {
            from_address: self.context.contract_address,
            to_address,
            payload: payload.to_vec(),
        });
        Ok(())
    }

    fn get_class_hash_at(&mut self, address: Felt, remaining_gas: &mut u64) -> SyscallResult<Felt> {
        charge(remaining_gas, self.costs.get_class_hash_at)?;
        Ok(self.class_hash_at(address).unwrap_or(Felt::ZERO))
    }
}
