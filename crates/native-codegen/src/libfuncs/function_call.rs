//! `function_call<user@f>`: a direct call of another compiled Sierra function.

use cairo_lang_sierra::extensions::function_call::SignatureAndFunctionConcreteLibfunc;
use melior::dialect::{cf, func};
use melior::ir::attribute::FlatSymbolRefAttribute;
use melior::ir::block::BlockLike;
use melior::ir::Value;

use crate::error::{NativeError, Result};
use crate::helper::Invocation;

/// Calls the function and passes its results to the single branch; a call of the function
/// itself in tail position jumps back to its start instead (a Sierra loop runs in constant stack).
pub fn build(
    invocation: &Invocation<'_, '_, '_>,
    info: &SignatureAndFunctionConcreteLibfunc,
) -> Result<()> {
    if let Some(restart) = invocation.tail_self_call {
        invocation.block.append_operation(cf::br(
            &restart,
            &invocation.inputs,
            invocation.location(),
        ));
        return Ok(());
    }
    call(invocation, info, &invocation.inputs)
}

/// Calls `info`'s function with `args` and passes its results to the single branch.
pub(crate) fn call<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    info: &SignatureAndFunctionConcreteLibfunc,
    args: &[Value<'c, 'a>],
) -> Result<()> {
    let cx = invocation.cx;
    let index = *cx
        .function_indices
        .get(&info.function.id.id)
        .ok_or_else(|| {
            NativeError::InvalidProgram(format!("call of unknown function {}", info.function.id))
        })?;
    let result_types = info
        .function
        .signature
        .ret_types
        .iter()
        .map(|ty| cx.ty(ty))
        .collect::<Result<Vec<_>>>()?;
    let call = invocation.block.append_operation(func::call(
        cx.context,
        FlatSymbolRefAttribute::new(cx.context, &crate::function::internal_name(index)),
        args,
        &result_types,
        invocation.location(),
    ));
    let results = (0..result_types.len())
        .map(|position| Ok(call.result(position)?.into()))
        .collect::<Result<Vec<Value>>>()?;
    invocation.br(&invocation.block, 0, &results)
}
