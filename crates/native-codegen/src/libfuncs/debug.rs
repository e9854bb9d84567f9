//! `print(Array<felt252>)`: the felts go to the runtime's `print` (by pointer, as every array
//! crosses into the runtime), which writes them as the VM does; then the array is released.

use cairo_lang_sierra::extensions::debug::DebugConcreteLibfunc;

use crate::error::Result;
use crate::helper::{store_at, Invocation};
use crate::metadata::values::{call_runtime, drop_value};

/// Builds `print`.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &DebugConcreteLibfunc) -> Result<()> {
    let DebugConcreteLibfunc::Print(_) = selector;
    let cx = invocation.cx;
    let block = &invocation.block;
    let array = invocation.input(0)?;
    let array_type = invocation.param_type(0)?;
    let (slot, _) = invocation.alloca_for(array_type)?;
    store_at(cx.context, block, slot, 0, array)?;
    call_runtime(cx, block, "print", &[slot], None)?;
    drop_value(cx, block, array, array_type)?;
    invocation.br(block, 0, &[])
}
