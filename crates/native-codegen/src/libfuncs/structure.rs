//! `struct_construct`, `struct_deconstruct`, `struct_snapshot_deconstruct`.

use cairo_lang_sierra::extensions::structure::StructConcreteLibfunc;
use melior::dialect::llvm;

use super::unsupported;
use crate::error::Result;
use crate::helper::Invocation;
use crate::metadata::values::{extract, insert};

/// Builds one struct libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &StructConcreteLibfunc) -> Result<()> {
    let cx = invocation.cx;
    let block = &invocation.block;
    match selector {
        StructConcreteLibfunc::Construct(_) => {
            let ty = cx.ty(invocation.result_type(0, 0)?)?;
            let mut value = invocation.push(llvm::undef(ty, invocation.location()))?;
            for (position, member) in invocation.inputs.iter().enumerate() {
                value = insert(cx, block, value, position, *member)?;
            }
            invocation.br(block, 0, &[value])
        }
        StructConcreteLibfunc::Deconstruct(_) | StructConcreteLibfunc::SnapshotDeconstruct(_) => {
            let value = invocation.input(0)?;
            let members = invocation.result_types[0]
                .iter()
                .enumerate()
                .map(|(position, ty)| extract(cx, block, value, position, cx.ty(ty)?))
                .collect::<Result<Vec<_>>>()?;
            invocation.br(block, 0, &members)
        }
        StructConcreteLibfunc::BoxedDeconstruct(_) => Err(unsupported()),
    }
}
