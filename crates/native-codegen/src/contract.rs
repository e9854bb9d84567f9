//! Starknet contract entry points natively: the [`EntryPointExecutor`] a
//! [`cairn_starknet::StarknetState`] (or any handler) runs calls on, each class JIT-compiled
//! once per executor.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use cairn_starknet::{
    CallOutcome, ContractClass, EntryPoint, EntryPointExecutor, Felt, StarknetError, SyscallHandler,
};

use crate::compile::OptLevel;
use crate::error::NativeError;
use crate::executor::{JitProgram, NativeOutcome};

/// Runs entry points natively, compiling each class once. Compiled code stays on the thread
/// that compiled it (a JIT program is not `Send`): use one executor per thread.
pub struct NativeExecutor {
    opt_level: OptLevel,
    programs: RefCell<HashMap<Felt, Rc<JitProgram>>>,
}

impl NativeExecutor {
    /// An executor compiling classes at `opt_level`.
    pub fn new(opt_level: OptLevel) -> Self {
        Self {
            opt_level,
            programs: RefCell::new(HashMap::new()),
        }
    }

    fn program(
        &self,
        class_hash: Felt,
        class: &ContractClass,
    ) -> Result<Rc<JitProgram>, StarknetError> {
        if let Some(program) = self.programs.borrow().get(&class_hash) {
            return Ok(Rc::clone(program));
        }
        let program =
            JitProgram::compile(class.sierra().clone(), self.opt_level).map_err(|error| {
                StarknetError::Execution(format!(
                    "class {class_hash:#x} does not compile natively: {error}"
                ))
            })?;
        let program = Rc::new(program);
        self.programs
            .borrow_mut()
            .insert(class_hash, Rc::clone(&program));
        Ok(program)
    }
}

impl EntryPointExecutor for NativeExecutor {
    fn execute(
        &self,
        class_hash: Felt,
        class: &ContractClass,
        entry_point: &EntryPoint,
        calldata: &[Felt],
        remaining_gas: &mut u64,
        handler: &mut dyn SyscallHandler,
    ) -> Result<CallOutcome, StarknetError> {
        let program = self.program(class_hash, class)?;
        let args = [cairn_starknet::calldata_value(calldata)];
        let result = match program.run_index_with_syscalls(
            entry_point.function_idx,
            &args,
            Some(*remaining_gas),
            handler,
        ) {
            Ok(result) => result,
            // Too little gas to enter is the callee's failure, not the run's (as on the VM).
            Err(NativeError::NotEnoughGasToCall { .. }) => {
                return Ok(CallOutcome::Revert(vec![cairn_starknet::short_string(
                    "Out of gas",
                )]))
            }
            Err(error) => return Err(StarknetError::Execution(error.to_string())),
        };
        *remaining_gas = result.remaining_gas.unwrap_or(0);
        let outcome = match result.outcome {
            NativeOutcome::Panic(data) => Some(CallOutcome::Revert(data)),
            NativeOutcome::Success(values) => cairn_starknet::outcome_from_values(&values),
        };
        outcome.ok_or_else(|| {
            StarknetError::Execution(
                "the entry point's result is not the wrapper's PanicResult of felts".to_owned(),
            )
        })
    }
}
