//! The CASM that calls one Sierra function with its builtins and parameters.
//!
//! It is `cairo-lang-runnable-utils`' testing entry code (what `cairo-run` runs), with one
//! addition: dictionaries passed as arguments. A dictionary lives in the segment arena, whose
//! header the entry code writes before any parameter, so the header must already count the
//! argument dictionaries and their segments must be in its infos list. The upstream code always
//! writes an empty arena (`[infos, 0, 0]`). Without argument dictionaries the code below is the
//! upstream code instruction for instruction (the oracle tests compare steps with it).

use cairo_lang_casm::builder::{CasmBuilder, Var};
use cairo_lang_casm::cell_expression::CellExpression;
use cairo_lang_casm::hints::ExternalHint;
use cairo_lang_casm::instructions::Instruction;
use cairo_lang_casm::{casm_build_extend, cell_ref};
use cairo_lang_sierra::extensions::bitwise::BitwiseType;
use cairo_lang_sierra::extensions::circuit::{AddModType, MulModType};
use cairo_lang_sierra::extensions::ec::EcOpType;
use cairo_lang_sierra::extensions::pedersen::PedersenType;
use cairo_lang_sierra::extensions::poseidon::PoseidonType;
use cairo_lang_sierra::extensions::range_check::{RangeCheck96Type, RangeCheckType};
use cairo_lang_sierra::extensions::segment_arena::SegmentArenaType;
use cairo_lang_sierra::extensions::starknet::syscalls::SystemType;
use cairo_lang_sierra::extensions::NamedType;
use cairo_lang_sierra::ids::GenericTypeId;
use cairo_vm::types::builtin_name::BuiltinName;

/// `WriteRunParam` indices from here on ask Cairn's hint processor to fill argument dictionary
/// `index - FILL_ARG_DICT`, whose segment start is in the hint's destination cell. Far past any
/// real parameter index.
pub(crate) const FILL_ARG_DICT: usize = 1 << 32;

/// The most argument dictionaries a run takes: their infos are addressed by 16-bit offsets.
pub(crate) const MAX_ARG_DICTS: usize = (i16::MAX as usize) / 3;

/// The builtins a function can take, in the order the VM lays out their segments; the segment
/// arena, last, is not a VM builtin but a segment the entry code makes.
fn builtin_types() -> [(GenericTypeId, BuiltinName); 9] {
    [
        (PedersenType::ID, BuiltinName::pedersen),
        (RangeCheckType::ID, BuiltinName::range_check),
        (BitwiseType::ID, BuiltinName::bitwise),
        (EcOpType::ID, BuiltinName::ec_op),
        (PoseidonType::ID, BuiltinName::poseidon),
        (RangeCheck96Type::ID, BuiltinName::range_check96),
        (AddModType::ID, BuiltinName::add_mod),
        (MulModType::ID, BuiltinName::mul_mod),
        (SegmentArenaType::ID, BuiltinName::segment_arena),
    ]
}

/// The entry code calling the function at `code_offset` (in the CASM program before this code
/// is prepended) with parameters of these (generic type, size), and the VM builtins it needs.
///
/// Each user parameter (gas included) is written by a `WriteRunParam` hint with its index. The
/// `arg_dicts` dictionaries among them (at most [`MAX_ARG_DICTS`]) are made in the segment arena
/// before any parameter is written, and each is filled by a `WriteRunParam` with an index from
/// [`FILL_ARG_DICT`] on.
pub(crate) fn entry_code(
    param_types: &[(GenericTypeId, i16)],
    code_offset: usize,
    arg_dicts: usize,
) -> (Vec<Instruction>, Vec<BuiltinName>) {
    let mut ctx = CasmBuilder::default();
    let builtin_types = builtin_types();
    let takes = |ty: &GenericTypeId| param_types.iter().any(|(param, _)| param == ty);

    // The VM passes the builtins' pointers below the frame, the last builtin at [fp - 3].
    let mut builtins = Vec::new();
    let mut builtin_vars: Vec<(GenericTypeId, Var)> = Vec::new();
    let mut builtin_offset: i16 = 3;
    for (ty, name) in builtin_types.iter().rev().skip(1) {
        if takes(ty) {
            let var = ctx.add_var(CellExpression::Deref(cell_ref!([fp - builtin_offset])));
            builtin_vars.push((ty.clone(), var));
            builtin_offset += 1;
            builtins.push(*name);
        }
    }
    builtins.reverse();

    // Argument dictionaries need an arena to be registered in even when the function takes none.
    if takes(&SegmentArenaType::ID) || arg_dicts > 0 {
        casm_build_extend! {ctx,
            tempvar segment_arena;
            tempvar infos;
            hint AllocSegment into {dst: segment_arena};
            hint AllocSegment into {dst: infos};
            const czero = 0;
            tempvar zero = czero;
            // The header: the infos segment, the dictionaries made so far, those finalized.
            assert infos = *(segment_arena++);
            assert zero = *(segment_arena++);
            assert zero = *(segment_arena++);
        };
        // Each argument dictionary is made as `felt252_dict_new` makes one (the runner's hint
        // gives it a segment and its place in the infos), then filled by Cairn's hint.
        for index in 0..arg_dicts {
            let (made, info_offset, fill) = (index + 1, 3 * index, FILL_ARG_DICT + index);
            let info_offset = i16::try_from(info_offset).unwrap_or(i16::MAX);
            casm_build_extend! {ctx,
                hint AllocFelt252Dict {segment_arena_ptr: segment_arena};
                const made_count = made;
                tempvar n_dicts = made_count;
                assert infos = *(segment_arena++);
                assert n_dicts = *(segment_arena++);
                assert zero = *(segment_arena++);
                tempvar dict_start = infos[info_offset];
                const fill_index = fill;
                hint ExternalHint::WriteRunParam { index: fill_index } into { dst: dict_start };
            };
        }
        builtin_vars.push((SegmentArenaType::ID, segment_arena));
    }

    let mut unallocated_count: usize = 0;
    let mut param_index: usize = 0;
    for (generic_ty, ty_size) in param_types {
        let size = usize::try_from(*ty_size).unwrap_or(0);
        if let Some((_, var)) = builtin_vars.iter().find(|(ty, _)| ty == generic_ty) {
            let var = *var;
            casm_build_extend!(ctx, tempvar _builtin = var;);
        } else if generic_ty == &SystemType::ID {
            casm_build_extend! {ctx,
                tempvar system;
                hint AllocSegment into {dst: system};
            };
            unallocated_count += size;
        } else {
            if size > 0 {
                let index = param_index;
                casm_build_extend! {ctx,
                    tempvar first;
                    const param_index = index;
                    hint ExternalHint::WriteRunParam { index: param_index } into { dst: first };
                };
                for _ in 1..size {
                    casm_build_extend!(ctx, tempvar _cell;);
                }
            }
            param_index += 1;
            unallocated_count += size;
        }
    }
    if unallocated_count > 0 {
        casm_build_extend!(ctx, ap += unallocated_count;);
    }
    casm_build_extend! {ctx,
        let () = call FUNCTION;
        ret;
    };
    // `FUNCTION` is `code_offset` past the end of this code, where the Sierra code begins.
    ctx.future_label("FUNCTION", code_offset);
    (ctx.build([]).instructions, builtins)
}
