//! The step loop of runs with a hint extension: cairo-vm's `run_until_pc`, with the extension
//! called between the hints at a pc and the instruction there.
//!
//! cairo-run's auto-deduction rules fill an instruction's unknown operands before the VM
//! deduces them from the instruction itself, and a rule added by a hint applies to the very
//! instruction that follows it; cairo-vm's loop offers no place for that (it deduces only
//! through its builtins), so runs with an extension step here. The loop is cairo-vm's own
//! (`step_hint` then `step_instruction`, the same hint lookup) plus one cheap question per step.

use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::Relocatable;
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::runners::cairo_runner::{CairoRunner, ResourceTracker};

use crate::hints::{SharedExtension, StepBudget};

/// A run's hint extension, with the program whose hints the loop looks up by pc.
pub(crate) struct ExtensionSteps {
    pub(crate) extension: SharedExtension,
    pub(crate) program: Program,
}

impl ExtensionSteps {
    /// Runs until `pc` is `end_pc` or the budget is spent, as cairo-vm's `run_until_pc` does
    /// (and with its errors: `UnfinishedExecution` when the budget ran out first).
    pub(crate) fn run_until_pc(
        &self,
        runner: &mut CairoRunner,
        end_pc: Relocatable,
        hints: &mut StepBudget<'_>,
    ) -> Result<(), VirtualMachineError> {
        let shared = &self.program.shared_program_data;
        let hint_data = runner.get_hint_data(&shared.reference_manager, hints)?;
        while runner.vm.get_pc() != end_pc && !hints.consumed() {
            let at_pc = shared
                .hints_collection
                .get_hint_range_for_pc(runner.vm.get_pc().offset)
                .flatten()
                .and_then(|(start, length)| hint_data.get(start..start + length.get()))
                .unwrap_or(&[]);
            runner.vm.step_hint(hints, &mut runner.exec_scopes, at_pc)?;
            {
                let mut extension = self.extension.borrow_mut();
                if extension.checks_instructions() {
                    extension
                        .before_instruction(&mut runner.vm)
                        .map_err(|error| VirtualMachineError::Hint(Box::new((0, error))))?;
                }
            }
            runner.vm.step_instruction()?;
            hints.consume_step();
        }
        if runner.vm.get_pc() != end_pc {
            return Err(VirtualMachineError::UnfinishedExecution);
        }
        Ok(())
    }
}
