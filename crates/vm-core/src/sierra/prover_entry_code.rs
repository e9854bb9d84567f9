//! The CASM that runs a plain Cairo 1 function for a prover, laid out as cairo-vm's
//! `cairo1-run` lays it out (read from cairo-vm 3.2.0's `cairo1-run/src/cairo_run.rs`; written
//! again here, not copied), so that the trace and memory of a run are the ones that tool writes.
//!
//! The stack before the call holds the builtins' bases (the output builtin's first when the
//! return value is copied to the output), a gap for each builtin's final pointer, the segment
//! arena, the gas and system pointers, then the arguments (written by the runner before the run).
//! After the call, when the return value goes to the output (proof mode), the `Array<felt252>`
//! it returns (after the panic flag of a `PanicResult`) and the input array are copied to the
//! output segment, the segment arena's dictionaries are checked to sit one after the other, and
//! the builtins' final pointers end the stack, before `jmp rel 0` in proof mode or `ret`.

use std::collections::HashMap;

use cairo_lang_casm::builder::{CasmBuilder, Var};
use cairo_lang_casm::cell_expression::CellExpression;
use cairo_lang_casm::hints::ExternalHint;
use cairo_lang_casm::instructions::{Instruction, InstructionBody};
use cairo_lang_casm::{casm_build_extend, cell_ref, deref_or_immediate};
use cairo_lang_sierra::extensions::bitwise::BitwiseType;
use cairo_lang_sierra::extensions::circuit::{AddModType, MulModType};
use cairo_lang_sierra::extensions::ec::EcOpType;
use cairo_lang_sierra::extensions::gas::GasBuiltinType;
use cairo_lang_sierra::extensions::pedersen::PedersenType;
use cairo_lang_sierra::extensions::poseidon::PoseidonType;
use cairo_lang_sierra::extensions::range_check::{RangeCheck96Type, RangeCheckType};
use cairo_lang_sierra::extensions::segment_arena::SegmentArenaType;
use cairo_lang_sierra::extensions::starknet::syscalls::SystemType;
use cairo_lang_sierra::extensions::NamedType;
use cairo_lang_sierra::ids::GenericTypeId;
use cairo_vm::types::builtin_name::BuiltinName;

/// The cells the entry code itself writes before the arguments, beyond the builtins' bases:
/// the segment arena's four (its pointer, the infos pointer, 0, the arena's start), the gas
/// counter and the system pointer.
const SEGMENT_ARENA_CELLS: usize = 4;

/// The gas a run starts with when the function takes a gas counter (`cairo1-run`'s amount).
pub(crate) const INITIAL_GAS: u64 = 9_999_999_999_999;

/// The builtins a function can take, in the order `cairo1-run` looks for them: the first found
/// is the last on the stack.
fn builtin_search_order() -> [(GenericTypeId, BuiltinName); 8] {
    [
        (MulModType::ID, BuiltinName::mul_mod),
        (AddModType::ID, BuiltinName::add_mod),
        (RangeCheck96Type::ID, BuiltinName::range_check96),
        (PoseidonType::ID, BuiltinName::poseidon),
        (EcOpType::ID, BuiltinName::ec_op),
        (BitwiseType::ID, BuiltinName::bitwise),
        (RangeCheckType::ID, BuiltinName::range_check),
        (PedersenType::ID, BuiltinName::pedersen),
    ]
}

/// The builtin a Sierra builtin type stands for.
pub(crate) fn builtin_of(generic: &GenericTypeId) -> Option<BuiltinName> {
    builtin_search_order()
        .into_iter()
        .find(|(id, _)| id == generic)
        .map(|(_, name)| name)
}

/// What the entry code needs to know of the function.
pub(crate) struct ProverSignature<'a> {
    /// Each parameter's generic type and size in cells.
    pub params: &'a [(GenericTypeId, i16)],
    /// Each return value's generic type and size in cells.
    pub returns: &'a [(GenericTypeId, i16)],
    /// Whether the last return value is a `PanicResult` (its first cell is the panic flag).
    pub returns_panic_result: bool,
    /// Where the function's code starts in the CASM program (before the entry code).
    pub code_offset: usize,
}

/// The entry code and what the run needs of it.
pub(crate) struct ProverEntryCode {
    pub instructions: Vec<Instruction>,
    /// The builtins of the program, in stack order.
    pub builtins: Vec<BuiltinName>,
    /// The entry code's size in words: in proof mode its last instruction (`jmp rel 0`, two
    /// words) is the program's end.
    pub size: usize,
    /// The cells the entry code writes before the arguments, which the runner skips when it
    /// writes them.
    pub cells_before_args: usize,
}

/// Builds the entry code. `copy_to_output` copies the returned array (and the input array) to
/// the output builtin; `proof_mode` ends in an endless `jmp rel 0` rather than `ret`;
/// `args_size` is the cells of arguments the runner writes, which must match the parameters.
pub(crate) fn prover_entry_code(
    signature: &ProverSignature,
    copy_to_output: bool,
    proof_mode: bool,
    args_size: usize,
) -> Result<ProverEntryCode, String> {
    let takes = |generic: &GenericTypeId| signature.params.iter().any(|(id, _)| id == generic);
    let has_segment_arena = takes(&SegmentArenaType::ID);
    let has_gas = takes(&GasBuiltinType::ID);
    let has_system = takes(&SystemType::ID);

    let mut builtins = Vec::new();
    let mut builtin_offsets = Vec::new();
    for (generic, name) in builtin_search_order() {
        if takes(&generic) {
            builtin_offsets.push((generic, 3 + builtins.len() as i16));
            builtins.push(name);
        }
    }
    if copy_to_output {
        builtins.push(BuiltinName::output);
    }
    builtins.reverse();
    let builtin_count = builtins.len();

    let mut ctx = CasmBuilder::default();
    let mut builtin_vars: HashMap<GenericTypeId, Var> = builtin_offsets
        .into_iter()
        .map(|(generic, offset)| {
            let var = ctx.add_var(CellExpression::Deref(cell_ref!([fp - offset])));
            (generic, var)
        })
        .collect();
    let output_ptr = copy_to_output.then(|| {
        let offset = 2 + builtin_count as i16;
        ctx.add_var(CellExpression::Deref(cell_ref!([fp - offset])))
    });
    // With the output copied, gaps at fixed places from fp keep what the copying loops below
    // would otherwise lose: the builtins' final pointers, and the segment arena's final
    // pointer (cairo1-run has no gap for it and checks the arena's initial state, which is
    // always empty: here the dictionaries the function made are checked).
    let arena_gap = copy_to_output && has_segment_arena;
    let gaps = if copy_to_output {
        builtin_count + usize::from(arena_gap)
    } else {
        0
    };
    if gaps > 0 {
        for _ in 0..gaps {
            casm_build_extend!(ctx, tempvar _local;);
        }
        casm_build_extend!(ctx, ap += gaps;);
    }
    if has_segment_arena {
        casm_build_extend! {ctx,
            tempvar segment_arena;
            tempvar infos;
            hint AllocSegment {} into {dst: segment_arena};
            hint AllocSegment {} into {dst: infos};
            const czero = 0;
            tempvar zero = czero;
            // The infos segment, then 0 dictionaries made and 0 destroyed.
            assert infos = *(segment_arena++);
            assert zero = *(segment_arena++);
            assert zero = *(segment_arena++);
        }
        builtin_vars.insert(SegmentArenaType::ID, segment_arena);
    }

    let mut expected_args_size = 0usize;
    for (generic, size) in signature.params {
        if let Some(var) = builtin_vars.get(generic).cloned() {
            casm_build_extend!(ctx, tempvar _builtin = var;);
        } else if *generic == SystemType::ID {
            casm_build_extend! {ctx,
                tempvar system;
                hint AllocSegment {} into {dst: system};
                ap += 1;
            };
        } else if *generic == GasBuiltinType::ID {
            casm_build_extend! {ctx,
                const initial_gas = INITIAL_GAS;
                tempvar gas = initial_gas;
            };
        } else {
            // The runner has written these cells already.
            let size = usize::try_from(*size).map_err(|_| format!("a parameter of size {size}"))?;
            casm_build_extend!(ctx, ap += size;);
            expected_args_size += size;
        }
    }
    if expected_args_size != args_size {
        return Err(format!(
            "the function's parameters take {expected_args_size} cells, the arguments give \
             {args_size}"
        ));
    }

    casm_build_extend!(ctx, let () = call FUNCTION;);

    let return_size: i16 = signature
        .returns
        .last()
        .map(|(_, size)| *size)
        .unwrap_or_default();
    let mut offset: i16 = 0;
    for (generic, size) in signature.returns.iter().rev() {
        offset += size;
        if let Some(var) = builtin_vars.get_mut(generic) {
            *var = ctx.add_var(CellExpression::Deref(cell_ref!([ap - offset])));
        }
    }
    let var_of = |name: &BuiltinName, vars: &HashMap<GenericTypeId, Var>| {
        builtin_search_order()
            .into_iter()
            .find(|(_, builtin)| builtin == name)
            .and_then(|(generic, _)| vars.get(&generic).cloned())
            .ok_or_else(|| format!("the function does not return its {name:?} builtin"))
    };

    if let Some(output_ptr) = output_ptr {
        if arena_gap {
            let arena = builtin_vars
                .get(&SegmentArenaType::ID)
                .cloned()
                .ok_or_else(|| "the function does not return its segment arena".to_owned())?;
            let local = ctx.add_var(CellExpression::Deref(cell_ref!(
                [fp + builtin_count as i16]
            )));
            casm_build_extend!(ctx, assert local = arena;);
        }
        // The final builtins into the gaps (the output's after the copies).
        for (index, builtin) in builtins.iter().enumerate() {
            if *builtin == BuiltinName::output {
                continue;
            }
            let var = var_of(builtin, &builtin_vars)?;
            let local = ctx.add_var(CellExpression::Deref(cell_ref!([fp + index as i16])));
            casm_build_extend!(ctx, assert local = var;);
        }
        let outputs: Vec<Var> = (1..=return_size)
            .rev()
            .map(|back| ctx.add_var(CellExpression::Deref(cell_ref!([ap - back]))))
            .collect();
        let (array_start, array_end) = if signature.returns_panic_result {
            let panic_flag = outputs[0];
            casm_build_extend!(ctx, assert panic_flag = *(output_ptr++););
            (outputs[1], outputs[2])
        } else {
            match outputs.as_slice() {
                [start, end, ..] => (*start, *end),
                _ => return Err("the function returns no array to copy".to_owned()),
            }
        };
        casm_build_extend! {ctx,
            tempvar array_size = array_end - array_start;
            assert array_size = *(output_ptr++);
            tempvar remaining_elements = array_size;
            tempvar array_ptr = array_start;
            tempvar write_ptr = output_ptr;
            rescope{remaining_elements = remaining_elements, array_ptr = array_ptr, write_ptr = write_ptr};
            jump CopyOutputArray if remaining_elements != 0;
            jump EndOutputCopy;

            CopyOutputArray:
            #{steps = 0;}
            tempvar val = *(array_ptr++);
            assert val = *(write_ptr++);
            const one = 1;
            tempvar new_remaining_elements = remaining_elements - one;
            tempvar new_array_ptr = array_ptr;
            tempvar new_write_ptr = write_ptr;
            rescope{remaining_elements = new_remaining_elements, array_ptr = new_array_ptr, write_ptr = new_write_ptr};
            jump CopyOutputArray if remaining_elements != 0;

            EndOutputCopy:
        };
        if args_size != 0 {
            // The input array after the output; the last write left the output pointer in
            // [ap - 1]. The array's cells follow the entry code's own cells in the frame.
            let output_ptr = ctx.add_var(CellExpression::Deref(cell_ref!([ap - 1])));
            let input_offset = (gaps + builtin_count - 1
                + SEGMENT_ARENA_CELLS * usize::from(has_segment_arena)
                + usize::from(has_gas)
                + usize::from(has_system)) as i16;
            let input_start = ctx.add_var(CellExpression::Deref(cell_ref!([fp + input_offset])));
            let input_end =
                ctx.add_var(CellExpression::Deref(cell_ref!([fp + (input_offset + 1)])));
            casm_build_extend! {ctx,
                tempvar array_size = input_end - input_start;
                assert array_size = *(output_ptr++);
                tempvar remaining_elements = array_size;
                tempvar array_ptr = input_start;
                tempvar write_ptr = output_ptr;
                rescope{remaining_elements = remaining_elements, array_ptr = array_ptr, write_ptr = write_ptr};
                jump CopyInputArray if remaining_elements != 0;
                jump EndInputCopy;

                CopyInputArray:
                #{steps = 0;}
                tempvar val = *(array_ptr++);
                assert val = *(write_ptr++);
                const one = 1;
                tempvar new_remaining_elements = remaining_elements - one;
                tempvar new_array_ptr = array_ptr;
                tempvar new_write_ptr = write_ptr;
                rescope{remaining_elements = new_remaining_elements, array_ptr = new_array_ptr, write_ptr = new_write_ptr};
                jump CopyInputArray if remaining_elements != 0;

                EndInputCopy:
            };
        }
        // The output's final pointer, left in [ap - 1] by the last write, into its gap.
        let output_end = ctx.add_var(CellExpression::Deref(cell_ref!([ap - 1])));
        let local = ctx.add_var(CellExpression::Deref(cell_ref!([fp])));
        casm_build_extend!(ctx, assert local = output_end;);

        if arena_gap {
            let arena_offset = builtin_count as i16;
            let segment_arena = ctx.add_var(CellExpression::Deref(cell_ref!([fp + arena_offset])));
            // Each dictionary's segment must start right after the previous one ends; the
            // later ones are temporary segments, placed there by a relocation rule.
            casm_build_extend! {ctx,
                tempvar n_segments = segment_arena[-2];
                tempvar n_finalized = segment_arena[-1];
                assert n_segments = n_finalized;
                jump STILL_LEFT_PRE if n_segments != 0;
                rescope{};
                jump DONE_VALIDATION;
                STILL_LEFT_PRE:
                const one = 1;
                tempvar infos = segment_arena[-3];
                tempvar remaining_segments = n_segments - one;
                rescope{infos = infos, remaining_segments = remaining_segments};
                LOOP_START:
                jump STILL_LEFT_LOOP if remaining_segments != 0;
                rescope{};
                jump DONE_VALIDATION;
                STILL_LEFT_LOOP:
                const one = 1;
                const three = 3;
                tempvar prev_end = infos[1];
                tempvar curr_start = infos[3];
                let expected_curr_start = prev_end + one;
                hint ExternalHint::AddRelocationRule { src: curr_start, dst: expected_curr_start };
                assert curr_start = prev_end + one;
                tempvar next_infos = infos + three;
                tempvar next_remaining_segments = remaining_segments - one;
                rescope{infos = next_infos, remaining_segments = next_remaining_segments};
                #{ steps = 0; }
                jump LOOP_START;
                DONE_VALIDATION:
            };
        }
        for index in 0..builtin_count as i16 {
            let local = ctx.add_var(CellExpression::Deref(cell_ref!([fp + index])));
            casm_build_extend!(ctx, tempvar _final = local;);
        }
    } else {
        for builtin in &builtins {
            let var = var_of(builtin, &builtin_vars)?;
            casm_build_extend!(ctx, tempvar _final = var;);
        }
    }

    if proof_mode {
        casm_build_extend! {ctx,
            INFINITE_LOOP:
            #{ steps = 0; }
            jump INFINITE_LOOP;
        };
    } else {
        casm_build_extend!(ctx, ret;);
    }

    let built = ctx.build(["FUNCTION"]);
    let [call_index] = built.branches[0].1.as_slice() else {
        return Err("the entry code calls the function more than once".to_owned());
    };
    let call_index = *call_index;
    let mut instructions = built.instructions;
    let sizes: Vec<usize> = instructions
        .iter()
        .map(|instruction| instruction.body.op_size())
        .collect();
    let before_call: usize = sizes[..call_index].iter().sum();
    let from_call: usize = sizes[call_index..].iter().sum();
    let InstructionBody::Call(call) = &mut instructions[call_index].body else {
        return Err("the entry code's call is not a call instruction".to_owned());
    };
    call.target = deref_or_immediate!(from_call + signature.code_offset);

    let cells_before_args = builtin_count
        + if copy_to_output { gaps - 1 } else { 0 }
        + SEGMENT_ARENA_CELLS * usize::from(has_segment_arena)
        + usize::from(has_gas)
        + usize::from(has_system);
    Ok(ProverEntryCode {
        instructions,
        builtins,
        size: before_call + from_call,
        cells_before_args,
    })
}
