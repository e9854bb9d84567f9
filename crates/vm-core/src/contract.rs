//! Starknet contract entry points on the VM: the [`EntryPointExecutor`] a
//! [`cairn_starknet::StarknetState`] (or any handler) runs calls on.
//!
//! An entry point runs as cairo-lang-runner runs it for `cairo-test`: the class's Sierra program
//! compiled to CASM as a program (with gas metadata), the entry point's wrapper function called
//! with the calldata as its `Span<felt252>`, and the chain-state syscalls answered by the
//! handler. Each class is compiled once per executor.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cairn_starknet::{
    CallOutcome, ContractClass, EntryPoint, EntryPointExecutor, EntryPointRun, ExecutionResources,
    Felt, StarknetError, SyscallCounter, SyscallHandler,
};

use crate::error::VmCoreError;
use crate::sierra::{SierraOutcome, SierraProgram};

/// Runs entry points on the VM, compiling each class's Sierra to CASM once.
#[derive(Default)]
pub struct VmExecutor {
    programs: Mutex<HashMap<Felt, Arc<SierraProgram>>>,
}

impl VmExecutor {
    /// An executor with no class compiled yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs every entry point of the class declared under `class_hash` on `program`, compiled
    /// already: the test program of a test crate, whose contracts all share it.
    pub fn share_program(
        &self,
        class_hash: Felt,
        program: Arc<SierraProgram>,
    ) -> Result<(), StarknetError> {
        let mut programs = self.programs.lock().map_err(|_| {
            StarknetError::Execution("a thread panicked while compiling a class".to_owned())
        })?;
        programs.insert(class_hash, program);
        Ok(())
    }

    fn program(
        &self,
        class_hash: Felt,
        class: &ContractClass,
    ) -> Result<Arc<SierraProgram>, StarknetError> {
        let mut programs = self.programs.lock().map_err(|_| {
            StarknetError::Execution("a thread panicked while compiling a class".to_owned())
        })?;
        if let Some(program) = programs.get(&class_hash) {
            return Ok(Arc::clone(program));
        }
        let program = SierraProgram::new(class.sierra().clone()).map_err(|error| {
            StarknetError::Execution(format!(
                "class {class_hash:#x} does not compile to CASM: {error}"
            ))
        })?;
        let program = Arc::new(program);
        programs.insert(class_hash, Arc::clone(&program));
        Ok(program)
    }
}

impl EntryPointExecutor for VmExecutor {
    fn execute(
        &self,
        class_hash: Felt,
        class: &ContractClass,
        entry_point: &EntryPoint,
        calldata: &[Felt],
        remaining_gas: &mut u64,
        handler: &mut dyn SyscallHandler,
    ) -> Result<EntryPointRun, StarknetError> {
        let program = self.program(class_hash, class)?;
        let func = program
            .sierra()
            .funcs
            .get(entry_point.function_idx)
            .ok_or_else(|| {
                StarknetError::Execution("the entry point's function is missing".to_owned())
            })?;
        let args = [cairn_starknet::calldata_value(calldata)];
        let failed = |error: VmCoreError| StarknetError::Execution(error.to_string());
        let mut counter = SyscallCounter::new(handler);
        let mut runner =
            match program.prepare_with_syscalls(func, &args, Some(*remaining_gas), &mut counter) {
                Ok(runner) => runner,
                // Too little gas to enter is the callee's failure, not the run's.
                Err(VmCoreError::NotEnoughGasToCall { .. }) => {
                    return Ok(EntryPointRun {
                        outcome: CallOutcome::Revert(vec![cairn_starknet::short_string(
                            "Out of gas",
                        )]),
                        resources: ExecutionResources::zero(),
                    });
                }
                Err(error) => return Err(failed(error)),
            };
        let result = runner.run_until_end().map_err(failed)?;
        drop(runner);
        *remaining_gas = result.remaining_gas.unwrap_or(0);
        let outcome = cairn_starknet::entry_point_outcome(match result.outcome {
            SierraOutcome::Success(values) => Ok(values),
            SierraOutcome::Panic(data) => Err(data),
        })?;
        Ok(EntryPointRun {
            outcome,
            resources: ExecutionResources::of_vm_run(
                counter.into_counts(),
                result.builtins,
                result.steps,
            ),
        })
    }
}
