//! The hint processor of a Sierra run: `cairo-lang-runner`'s, except for the entry code's
//! `WriteRunParam`, which writes Cairn's [`ParamCell`]s so that parameters can hold pointers
//! (boxes, nullables, an `EcState`'s start point), which `cairo-lang-runner`'s arguments cannot.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use cairo_lang_casm::hints::{ExternalHint, Hint};
use cairo_lang_runner::casm_run::{cell_ref_to_relocatable, get_val};
use cairo_lang_runner::CairoHintProcessor;
use cairo_lang_utils::unordered_hash_map::UnorderedHashMap;
use cairo_vm::hint_processor::hint_processor_definition::{HintProcessorLogic, HintReference};
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::relocatable::Relocatable;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::vm_core::VirtualMachine;
use cairo_vm::Felt252;
use num_traits::ToPrimitive;

use super::args::ParamCell;

/// `cairo-lang-runner`'s hint processor as Cairn runs it: no runner, no parameters of its own
/// (Cairn writes them), no temporary segments; `string_to_hint` maps the program's hints.
pub(crate) fn runner_hint_processor(
    string_to_hint: UnorderedHashMap<String, Hint>,
) -> CairoHintProcessor<'static> {
    CairoHintProcessor {
        runner: None,
        user_args: Vec::new(),
        string_to_hint,
        starknet_state: Default::default(),
        run_resources: Default::default(),
        syscalls_used_resources: Default::default(),
        no_temporary_segments: true,
        markers: Vec::new(),
        panic_traceback: Vec::new(),
    }
}

/// `cairo-lang-runner`'s hint processor with the run's parameters written by Cairn.
pub(crate) struct SierraHints {
    pub(crate) inner: CairoHintProcessor<'static>,
    /// Each parameter's cells, by the index the entry code's hint names.
    pub(crate) params: Vec<Vec<ParamCell>>,
}

impl SierraHints {
    fn write_param(
        &self,
        vm: &mut VirtualMachine,
        index: usize,
        dst: Relocatable,
    ) -> Result<(), HintError> {
        let cells = self.params.get(index).ok_or_else(|| {
            HintError::CustomHint(format!("the entry code asks for parameter {index}").into())
        })?;
        let mut pending = vec![(dst, cells)];
        while let Some((mut at, cells)) = pending.pop() {
            for cell in cells {
                match cell {
                    ParamCell::Felt(felt) => vm.insert_value(at, felt)?,
                    ParamCell::Pointer(pointee) => {
                        let segment = vm.add_memory_segment();
                        pending.push((segment, pointee));
                        vm.insert_value(at, segment)?;
                    }
                    ParamCell::Array(items) => {
                        let segment = vm.add_memory_segment();
                        pending.push((segment, items));
                        let length = items.iter().map(ParamCell::size).sum::<usize>();
                        vm.insert_value(at, segment)?;
                        vm.insert_value((at + 1)?, (segment + length)?)?;
                    }
                }
                at = (at + cell.size())?;
            }
        }
        Ok(())
    }
}

impl HintProcessorLogic for SierraHints {
    fn execute_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> Result<(), HintError> {
        if let Some(Hint::External(ExternalHint::WriteRunParam { index, dst })) =
            hint_data.downcast_ref::<Hint>()
        {
            let index = get_val(vm, index)?
                .to_usize()
                .ok_or_else(|| HintError::CustomHint("a parameter index past usize".into()))?;
            let dst = cell_ref_to_relocatable(dst, vm);
            return self.write_param(vm, index, dst);
        }
        self.inner.execute_hint(vm, exec_scopes, hint_data)
    }

    fn compile_hint(
        &self,
        hint_code: &str,
        ap_tracking_data: &ApTracking,
        reference_ids: &HashMap<String, usize>,
        references: &[HintReference],
        accessible_scopes: &[String],
        constants: Arc<HashMap<String, Felt252>>,
    ) -> Result<Box<dyn Any>, VirtualMachineError> {
        self.inner.compile_hint(
            hint_code,
            ap_tracking_data,
            reference_ids,
            references,
            accessible_scopes,
            constants,
        )
    }
}
