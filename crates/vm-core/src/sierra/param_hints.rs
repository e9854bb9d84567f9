//! The hint processor of a Sierra run: `cairo-lang-runner`'s, except for the entry code's
//! `WriteRunParam`, which writes Cairn's [`ParamCell`]s so that parameters can hold pointers
//! (boxes, nullables, an `EcState`'s start point) and dictionaries, which
//! `cairo-lang-runner`'s arguments cannot.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use cairn_starknet::SyscallHandler;
use cairo_lang_casm::hints::{CoreHint, CoreHintBase, ExternalHint, Hint, StarknetHint};
use cairo_lang_casm::operand::{BinOpOperand, CellRef, DerefOrImmediate, Operation, ResOperand};
use cairo_lang_runner::casm_run::{cell_ref_to_relocatable, extract_relocatable, get_val};
use cairo_lang_runner::CairoHintProcessor;
use cairo_lang_utils::bigint::BigIntAsHex;
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

use super::args::{ArgDict, ParamCell};
use super::entry_code::FILL_ARG_DICT;
use super::syscalls;

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

/// `cairo-lang-runner`'s hint processor for entry code that checks the segment arena at the
/// end: every dictionary after the first is made in a temporary segment, which the entry
/// code's relocation rules place right after the one before (as provers require).
pub(crate) fn runner_hint_processor_with_temporary_segments(
    string_to_hint: UnorderedHashMap<String, Hint>,
) -> CairoHintProcessor<'static> {
    CairoHintProcessor {
        no_temporary_segments: false,
        ..runner_hint_processor(string_to_hint)
    }
}

/// `cairo-lang-runner`'s hint processor with the run's parameters written by Cairn, and the
/// syscalls answered by a [`SyscallHandler`] when the run has one.
pub(crate) struct SierraHints<'h> {
    pub(crate) inner: CairoHintProcessor<'static>,
    /// Each parameter's cells, by the index the entry code's hint names.
    pub(crate) params: Vec<Vec<ParamCell>>,
    /// The dictionaries among the parameters, which [`ParamCell::Dict`] names by index.
    pub(crate) dicts: Vec<ArgDict>,
    /// The end of each argument dictionary's access log, once the entry code has filled it.
    pub(crate) dict_ends: Vec<Option<Relocatable>>,
    /// Answers the syscalls; without one they go to the runner's own state.
    pub(crate) syscalls: Option<&'h mut dyn SyscallHandler>,
}

impl<'h> SierraHints<'h> {
    /// Hands `params` and their `dicts` to the entry code's hints.
    pub(crate) fn new(
        inner: CairoHintProcessor<'static>,
        params: Vec<Vec<ParamCell>>,
        dicts: Vec<ArgDict>,
        syscalls: Option<&'h mut dyn SyscallHandler>,
    ) -> Self {
        let dict_ends = vec![None; dicts.len()];
        Self {
            inner,
            params,
            dicts,
            dict_ends,
            syscalls,
        }
    }

    fn write_param(
        &self,
        vm: &mut VirtualMachine,
        index: usize,
        dst: Relocatable,
    ) -> Result<(), HintError> {
        let cells = self.params.get(index).ok_or_else(|| {
            HintError::CustomHint(format!("the entry code asks for parameter {index}").into())
        })?;
        self.write_cells(vm, dst, cells)
    }

    /// Writes `cells` from `dst` on, each array and pointee in a new segment.
    fn write_cells(
        &self,
        vm: &mut VirtualMachine,
        dst: Relocatable,
        cells: &[ParamCell],
    ) -> Result<(), HintError> {
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
                    ParamCell::Dict(index) => {
                        let end =
                            self.dict_ends
                                .get(*index)
                                .copied()
                                .flatten()
                                .ok_or_else(|| {
                                    HintError::CustomHint(
                                        format!("argument dictionary {index} was not made").into(),
                                    )
                                })?;
                        vm.insert_value(at, end)?;
                    }
                }
                at = (at + cell.size())?;
            }
        }
        Ok(())
    }

    /// Fills argument dictionary `index`, whose empty segment the runner's hint has made and
    /// whose start is in `start_cell`: each entry is written as an access `(key, previous, new)`
    /// with the runner's own entry hints around it, so that its dictionary manager tracks the
    /// values exactly as if the program had inserted them.
    fn fill_arg_dict(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        index: usize,
        start_cell: CellRef,
    ) -> Result<(), HintError> {
        let entries = std::mem::take(self.dicts.get_mut(index).ok_or_else(|| {
            HintError::CustomHint(format!("the entry code fills dictionary {index}").into())
        })?);
        let start = vm.get_relocatable(cell_ref_to_relocatable(&start_cell, vm))?;
        let mut at = start;
        for (position, (key, cell)) in entries.iter().enumerate() {
            let access = 3 * position;
            let init = CoreHint::Felt252DictEntryInit {
                dict_ptr: buffer(start_cell, access),
                key: immediate(key),
            };
            self.run_core_hint(vm, exec_scopes, init)?;
            vm.insert_value(at, key)?;
            self.write_cells(vm, (at + 2)?, std::slice::from_ref(cell))?;
            let value = match cell {
                ParamCell::Felt(felt) => immediate(felt),
                // A pointer is read where it was just written: [[start] + access + 2].
                _ => ResOperand::DoubleDeref(
                    start_cell,
                    i16::try_from(access + 2).map_err(|_| {
                        HintError::CustomHint(
                            "a dictionary argument of pointers holds at most 10,921 entries \
                             on the VM"
                                .into(),
                        )
                    })?,
                ),
            };
            let update = CoreHint::Felt252DictEntryUpdate {
                dict_ptr: buffer(start_cell, access + 3),
                value,
            };
            self.run_core_hint(vm, exec_scopes, update)?;
            at = (at + 3)?;
        }
        self.dict_ends[index] = Some(at);
        Ok(())
    }

    fn run_core_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint: CoreHint,
    ) -> Result<(), HintError> {
        let hint: Box<dyn Any> = Box::new(Hint::Core(CoreHintBase::Core(hint)));
        self.inner.execute_hint(vm, exec_scopes, &hint)
    }
}

/// `[cell] + offset` as a hint's buffer operand.
fn buffer(cell: CellRef, offset: usize) -> ResOperand {
    ResOperand::BinOp(BinOpOperand {
        op: Operation::Add,
        a: cell,
        b: DerefOrImmediate::Immediate(BigIntAsHex::from(offset as u64)),
    })
}

fn immediate(felt: &Felt252) -> ResOperand {
    ResOperand::Immediate(BigIntAsHex {
        value: felt.to_biguint().into(),
    })
}

impl HintProcessorLogic for SierraHints<'_> {
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
            if let Some(dict) = index.checked_sub(FILL_ARG_DICT) {
                return self.fill_arg_dict(vm, exec_scopes, dict, *dst);
            }
            let dst = cell_ref_to_relocatable(dst, vm);
            return self.write_param(vm, index, dst);
        }
        if let (Some(Hint::Starknet(StarknetHint::SystemCall { system })), Some(handler)) = (
            hint_data.downcast_ref::<Hint>(),
            self.syscalls.as_deref_mut(),
        ) {
            let system = extract_relocatable(vm, system)?;
            let name = syscalls::syscall_name(vm, system)?;
            let points = syscalls::SecpPoints::of_run(exec_scopes)?;
            return syscalls::answer(vm, system, &name, handler, points);
        }
        if let (
            Some(Hint::Starknet(StarknetHint::Cheatcode {
                selector,
                input_start,
                input_end,
                output_start,
                output_end,
            })),
            Some(handler),
        ) = (
            hint_data.downcast_ref::<Hint>(),
            self.syscalls.as_deref_mut(),
        ) {
            let input = (
                extract_relocatable(vm, input_start)?,
                extract_relocatable(vm, input_end)?,
            );
            return syscalls::answer_cheatcode(
                vm,
                Felt252::from(&selector.value),
                input,
                (*output_start, *output_end),
                handler,
            );
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
