//! `into_box`, `local_into_box`, `unbox`, `box_forward_snapshot`: a box is a `malloc`ed cell
//! owned by whoever holds the pointer.

use cairo_lang_sierra::extensions::boxing::BoxConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::ir::Value;

use crate::error::Result;
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::{free, malloc};
use crate::types::layout;

/// A fresh box holding `value` of type `ty`.
pub(crate) fn boxed<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let size = layout(invocation.registry(), ty)?.size().max(1);
    let bytes = invocation.constant(invocation.cx.int_type(64), size)?;
    let pointer = malloc(invocation.cx, &invocation.block, bytes)?;
    store_at(invocation.context(), &invocation.block, pointer, 0, value)?;
    Ok(pointer)
}

/// Builds one box libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &BoxConcreteLibfunc) -> Result<()> {
    match selector {
        BoxConcreteLibfunc::Into(_) | BoxConcreteLibfunc::LocalInto(_) => {
            let pointer = boxed(invocation, invocation.input(0)?, invocation.param_type(0)?)?;
            invocation.br(&invocation.block, 0, &[pointer])
        }
        BoxConcreteLibfunc::Unbox(_) => {
            let pointer = invocation.input(0)?;
            let ty = invocation.cx.ty(invocation.result_type(0, 0)?)?;
            let value = load_at(invocation.context(), &invocation.block, pointer, 0, ty)?;
            free(invocation.cx, &invocation.block, pointer)?;
            invocation.br(&invocation.block, 0, &[value])
        }
        BoxConcreteLibfunc::ForwardSnapshot(_) => {
            invocation.br(&invocation.block, 0, &invocation.inputs)
        }
    }
}
