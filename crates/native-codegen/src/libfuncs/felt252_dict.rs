//! `felt252_dict_new`, `felt252_dict_squash`, `felt252_dict_entry_get`,
//! `felt252_dict_entry_finalize`: dictionaries are `cairn_values_abi::dict::NativeDict`s run
//! by the runtime. An entry is `{dictionary, value slot}`: getting it moves the value out of the
//! slot, finalizing writes the new one in.

use cairo_lang_sierra::extensions::felt252_dict::{
    Felt252DictConcreteLibfunc, Felt252DictEntryConcreteLibfunc,
};
use cairo_lang_sierra::ids::ConcreteTypeId;
use cairo_lang_sierra_gas::core_libfunc_cost::{
    DICT_SQUASH_REPEATED_ACCESS_COST, DICT_SQUASH_UNIQUE_KEY_COST,
};
use melior::dialect::{arith, llvm};

use crate::error::{NativeError, Result};
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::{call_runtime, extract, insert};
use crate::types::{concrete, layout};

/// The entry stride of dictionaries of `dict_type` (a dictionary, entry or squashed type).
pub(crate) fn stride(
    invocation: &Invocation<'_, '_, '_>,
    dict_type: &ConcreteTypeId,
) -> Result<usize> {
    use cairo_lang_sierra::extensions::core::CoreTypeConcrete as T;
    let value = match concrete(invocation.registry(), dict_type)? {
        T::Felt252Dict(inner) | T::SquashedFelt252Dict(inner) | T::Felt252DictEntry(inner) => {
            inner.ty.clone()
        }
        _ => {
            return Err(NativeError::InvalidProgram(
                "a dictionary libfunc on a non-dictionary".to_owned(),
            ))
        }
    };
    Ok(cairn_values_abi::dict::entry_stride(layout(
        invocation.registry(),
        &value,
    )?))
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
            let dict = invocation.input(3)?;
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
            invocation.br(
                block,
                0,
                &[invocation.input(0)?, gas, invocation.input(2)?, dict],
            )
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
            let dict = invocation.input(0)?;
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
