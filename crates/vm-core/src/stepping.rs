//! The step loop of runs with a hint extension: cairo-vm's `run_until_pc`, with the extension
//! called between the hints at a pc and the instruction there, and the hints of programs that
//! hints loaded (cairo-run's `vm_load_program`) run at their own addresses.
//!
//! cairo-run's auto-deduction rules fill an instruction's unknown operands before the VM
//! deduces them from the instruction itself, and a rule added by a hint applies to the very
//! instruction that follows it; cairo-vm's loop offers no place for that (it deduces only
//! through its builtins), and it looks hints up by pc offset in the one program it loaded. So
//! runs with an extension step here: cairo-vm's own loop (`step_hint` then `step_instruction`,
//! the same hint lookup for the program's segment) plus one cheap question per step.

use std::any::Any;
use std::collections::HashMap;

use cairo_vm::hint_processor::hint_processor_definition::HintProcessorLogic;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::Relocatable;
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::runners::cairo_runner::{CairoRunner, ResourceTracker};

use crate::hints::{LoadedProgram, SharedExtension, StepBudget};

/// A run's hint extension, with the program whose hints the loop looks up by pc.
pub(crate) struct ExtensionSteps {
    pub(crate) extension: SharedExtension,
    pub(crate) program: Program,
    /// The compiled hints of loaded programs, by the address they run at.
    pub(crate) loaded_hints: HashMap<Relocatable, Vec<Box<dyn Any>>>,
}

impl ExtensionSteps {
    pub(crate) fn new(extension: SharedExtension, program: Program) -> Self {
        Self {
            extension,
            program,
            loaded_hints: HashMap::new(),
        }
    }

    /// Runs until `pc` is `end_pc` or the budget is spent, as cairo-vm's `run_until_pc` does
    /// (and with its errors: `UnfinishedExecution` when the budget ran out first).
    pub(crate) fn run_until_pc(
        &mut self,
        runner: &mut CairoRunner,
        end_pc: Relocatable,
        hints: &mut StepBudget<'_>,
    ) -> Result<(), VirtualMachineError> {
        let shared = &self.program.shared_program_data;
        let hint_data = runner.get_hint_data(&shared.reference_manager, hints)?;
        while runner.vm.get_pc() != end_pc && !hints.consumed() {
            let pc = runner.vm.get_pc();
            let at_pc = match self.loaded_hints.get(&pc) {
                Some(loaded) => loaded.as_slice(),
                // The program's own hints, in its segment (cairo-vm's loop would also run them
                // at the same offset of any other segment).
                None if pc.segment_index == 0 => shared
                    .hints_collection
                    .get_hint_range_for_pc(pc.offset)
                    .flatten()
                    .and_then(|(start, length)| hint_data.get(start..start + length.get()))
                    .unwrap_or(&[]),
                None => &[],
            };
            runner.vm.step_hint(hints, &mut runner.exec_scopes, at_pc)?;
            let mut extension = self.extension.borrow_mut();
            if extension.checks_instructions() {
                for loaded in extension.take_loaded_programs() {
                    compile_loaded_hints(&loaded, hints, &mut self.loaded_hints)?;
                }
                extension
                    .before_instruction(&mut runner.vm)
                    .map_err(|error| VirtualMachineError::Hint(Box::new((0, error))))?;
            }
            drop(extension);
            runner.vm.step_instruction()?;
            hints.consume_step();
        }
        if runner.vm.get_pc() != end_pc {
            return Err(VirtualMachineError::UnfinishedExecution);
        }
        Ok(())
    }
}

/// Compiles `loaded`'s hints as cairo-vm compiles a program's (against its own references and
/// constants) and files them under the addresses they run at.
fn compile_loaded_hints(
    loaded: &LoadedProgram,
    hints: &StepBudget<'_>,
    by_address: &mut HashMap<Relocatable, Vec<Box<dyn Any>>>,
) -> Result<(), VirtualMachineError> {
    let program = loaded.program.as_cairo_vm();
    let shared = &program.shared_program_data;
    let mut compiled = shared
        .hints_collection
        .iter_hints()
        .map(|hint| {
            hints
                .compile_hint(
                    &hint.code,
                    &hint.flow_tracking_data.ap_tracking,
                    &hint.flow_tracking_data.reference_ids,
                    &shared.reference_manager,
                    &hint.accessible_scopes,
                    program.constants.clone(),
                )
                .map(Some)
        })
        .collect::<Result<Vec<_>, _>>()?;
    for offset in 0..program.data_len() {
        let Some((start, length)) = shared
            .hints_collection
            .get_hint_range_for_pc(offset)
            .flatten()
        else {
            continue;
        };
        let at = (loaded.base + offset).map_err(VirtualMachineError::Math)?;
        let hints_here = compiled
            .get_mut(start..start + length.get())
            .into_iter()
            .flatten()
            .filter_map(Option::take)
            .collect();
        by_address.insert(at, hints_here);
    }
    Ok(())
}
