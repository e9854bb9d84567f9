//! `felt252_dict_new`, `felt252_dict_squash`, `felt252_dict_entry_get`,
//! `felt252_dict_entry_finalize`: dictionaries are `cairn_values_abi::dict::NativeDict`s run
//! by the runtime. An entry is `{dictionary, value slot}`: getting it moves the value out of the
//! slot, finalizing writes the new one in. A dictionary shared with snapshots is copied before
//! anything writes to it (`crate::metadata::arrays::unshare_dict`).

use cairo_lang_sierra::extensions::felt252_dict::{
    Felt252DictConcreteLibfunc, Felt252DictEntryConcreteLibfunc,
};
use cairo_lang_sierra::extensions::squashed_felt252_dict::SquashedFelt252DictConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra_gas::core_libfunc_cost::{
    DICT_SQUASH_REPEATED_ACCESS_COST, DICT_SQUASH_UNIQUE_KEY_COST,
};
use melior::dialect::{arith, llvm};

use crate::error::{NativeError, Result};
use crate::helper::{load_at, push, store_at, Invocation};
use crate::metadata::arrays::{allocate_buffer, make_view, unshare_dict};
use crate::metadata::values::{call_runtime, emit_loop, extract, gep_bytes, insert};
use crate::types::{concrete, layout};

/// The value type of dictionaries of `dict_type` (a dictionary, entry or squashed type).
fn value_type(
    invocation: &Invocation<'_, '_, '_>,
    dict_type: &ConcreteTypeId,
) -> Result<ConcreteTypeId> {
    use cairo_lang_sierra::extensions::core::CoreTypeConcrete as T;
    match concrete(invocation.registry(), dict_type)? {
        T::Felt252Dict(inner) | T::SquashedFelt252Dict(inner) | T::Felt252DictEntry(inner) => {
            Ok(inner.ty.clone())
        }
        _ => Err(NativeError::InvalidProgram(
            "a dictionary libfunc on a non-dictionary".to_owned(),
        )),
    }
}

/// The entry stride of dictionaries of `dict_type` (a dictionary, entry or squashed type).
pub(crate) fn stride(
    invocation: &Invocation<'_, '_, '_>,
    dict_type: &ConcreteTypeId,
) -> Result<usize> {
    let value = value_type(invocation, dict_type)?;
    Ok(cairn_values_abi::dict::entry_stride(layout(
        invocation.registry(),
        &value,
    )?))
}

/// The dictionary input `index` (of a dictionary type), copied first if it is shared.
fn owned_dict<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    index: usize,
) -> Result<melior::ir::Value<'c, 'a>> {
    let value = value_type(invocation, invocation.param_type(index)?)?;
    unshare_dict(
        invocation.cx,
        &invocation.block,
        invocation.input(index)?,
        &value,
    )
}

/// Builds one dictionary libfunc.
pub fn build(
    invocation: &Invocation<'_, '_, '_>,
    selector: &Felt252DictConcreteLibfunc,
) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    let i64_type = cx.int_type(64);
    match selector {
        Felt252DictConcreteLibfunc::New(_) => {
            let dict = call_runtime(cx, block, "dict_new", &[], Some(cx.ptr_type()))?;
            let dict =
                dict.ok_or_else(|| NativeError::Mlir("dict_new returned nothing".to_owned()))?;
            invocation.br(block, 0, &[invocation.input(0)?, dict])
        }
        Felt252DictConcreteLibfunc::Squash(_) => {
            // (rc, gas, segment_arena, dict) -> (rc, gas + refund, segment_arena, squashed)
            let dict = owned_dict(invocation, 3)?;
            let stride =
                invocation.constant(i64_type, stride(invocation, invocation.param_type(3)?)?)?;
            let repeated = call_runtime(cx, block, "dict_squash", &[dict, stride], Some(i64_type))?
                .ok_or_else(|| NativeError::Mlir("dict_squash returned nothing".to_owned()))?;
            let refund_per_access = i64::from(
                DICT_SQUASH_UNIQUE_KEY_COST.cost() - DICT_SQUASH_REPEATED_ACCESS_COST.cost(),
            );
            let refund_per_access = invocation.constant(i64_type, refund_per_access)?;
            let refund = invocation.push(arith::muli(repeated, refund_per_access, location))?;
            let gas = invocation.push(arith::addi(invocation.input(1)?, refund, location))?;
            // The range checks depend on the keys: the runtime counts them as the VM's CASM
            // spends them (the segment arena's one instance is the branch's static use).
            let range_checks = call_runtime(
                cx,
                block,
                "dict_squash_range_checks",
                &[dict, stride],
                Some(i64_type),
            )?
            .ok_or_else(|| {
                NativeError::Mlir("dict_squash_range_checks returned nothing".to_owned())
            })?;
            let range_check =
                invocation.push(arith::addi(invocation.input(0)?, range_checks, location))?;
            invocation.br(block, 0, &[range_check, gas, invocation.input(2)?, dict])
        }
    }
}

/// Builds one dictionary-entry libfunc.
pub fn build_entry(
    invocation: &Invocation<'_, '_, '_>,
    selector: &Felt252DictEntryConcreteLibfunc,
) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    let location = invocation.location();
    match selector {
        Felt252DictEntryConcreteLibfunc::Get(_) => {
            // (dict, key) -> (entry, value)
            let dict = owned_dict(invocation, 0)?;
            let key = invocation.alloca(cx.int_type(256), 16)?;
            store_at(cx.context, block, key, 0, invocation.input(1)?)?;
            let stride = invocation.constant(
                cx.int_type(64),
                stride(invocation, invocation.param_type(0)?)?,
            )?;
            let slot = call_runtime(
                cx,
                block,
                "dict_entry",
                &[dict, key, stride],
                Some(cx.ptr_type()),
            )?
            .ok_or_else(|| NativeError::Mlir("dict_entry returned nothing".to_owned()))?;
            let value = load_at(
                cx.context,
                block,
                slot,
                0,
                cx.ty(invocation.result_type(0, 1)?)?,
            )?;
            let entry_type = cx.ty(invocation.result_type(0, 0)?)?;
            let entry = invocation.push(llvm::undef(entry_type, location))?;
            let entry = insert(cx, block, entry, 0, dict)?;
            let entry = insert(cx, block, entry, 1, slot)?;
            invocation.br(block, 0, &[entry, value])
        }
        Felt252DictEntryConcreteLibfunc::Finalize(_) => {
            // (entry, new value) -> dict
            let entry = invocation.input(0)?;
            let dict = extract(cx, block, entry, 0, cx.ptr_type())?;
            let slot = extract(cx, block, entry, 1, cx.ptr_type())?;
            store_at(cx.context, block, slot, 0, invocation.input(1)?)?;
            invocation.br(block, 0, &[dict])
        }
    }
}

/// Builds `squashed_felt252_dict_entries`: the squashed dictionary as an array of
/// `(key, first value, last value)`; dictionaries start empty, so every first value is the
/// default (all-zero bytes). The values move into the array (from a copy if the dictionary is
/// shared); the dictionary's buffers are freed.
pub fn build_squashed(
    invocation: &Invocation<'_, '_, '_>,
    selector: &SquashedFelt252DictConcreteLibfunc,
) -> Result<()> {
    let SquashedFelt252DictConcreteLibfunc::IntoEntries(_) = selector;
    let cx = invocation.cx;
    let context = cx.context;
    let location = invocation.location();
    let block = invocation.block;
    let i64_type = cx.int_type(64);
    let dict = owned_dict(invocation, 0)?;
    let dict_stride = stride(invocation, invocation.param_type(0)?)?;
    let array_ty = invocation.result_type(0, 0)?;
    let tuple_ty = match concrete(invocation.registry(), array_ty)? {
        cairo_lang_sierra::extensions::core::CoreTypeConcrete::Array(inner) => inner.ty.clone(),
        _ => {
            return Err(NativeError::InvalidProgram(
                "entries of a squashed dictionary are not an array".to_owned(),
            ))
        }
    };
    let members = match concrete(invocation.registry(), &tuple_ty)? {
        cairo_lang_sierra::extensions::core::CoreTypeConcrete::Struct(info) => info.members.clone(),
        _ => {
            return Err(NativeError::InvalidProgram(
                "a squashed dictionary entry is not a tuple".to_owned(),
            ))
        }
    };
    let (offsets, tuple_layout) =
        cairn_values_abi::layout::struct_layout(invocation.registry(), &members)?;
    let value_type = cx.ty(&members[1])?;
    let entries = load_at(context, &block, dict, 0, cx.ptr_type())?;
    let len = load_at(context, &block, dict, 8, i64_type)?;
    let tuple_size = invocation.constant(i64_type, tuple_layout.size())?;
    let length = invocation.push(arith::trunci(len, cx.int_type(32), location))?;
    let buffer = allocate_buffer(cx, &block, length, length, &tuple_ty)?;
    let header = invocation.constant(i64_type, cairn_values_abi::array::HEADER_SIZE)?;
    let elements = gep_bytes(cx, &block, buffer, header)?;
    let zero = invocation.constant(i64_type, 0)?;
    let dict_stride = invocation.constant(i64_type, dict_stride)?;
    let after = emit_loop(cx, invocation.region, block, zero, len, &|body, index| {
        let source_offset = push(&body, arith::muli(index, dict_stride, location))?;
        let source = gep_bytes(cx, &body, entries, source_offset)?;
        let target_offset = push(&body, arith::muli(index, tuple_size, location))?;
        let target = gep_bytes(cx, &body, elements, target_offset)?;
        let key = load_at(context, &body, source, 0, cx.int_type(256))?;
        let value = load_at(
            context,
            &body,
            source,
            cairn_values_abi::dict::KEY_SIZE,
            value_type,
        )?;
        let default = push(&body, llvm::zero(value_type, location))?;
        store_at(context, &body, target, offsets[0], key)?;
        store_at(context, &body, target, offsets[1], default)?;
        store_at(context, &body, target, offsets[2], value)?;
        Ok(())
    })?;
    call_runtime(cx, &after, "dict_release", &[dict], None)?;
    let start = crate::helper::const_int(context, &after, cx.int_type(32), 0)?;
    let array = make_view(cx, &after, buffer, start, length, length)?;
    invocation.br(&after, 0, &[array])
}
