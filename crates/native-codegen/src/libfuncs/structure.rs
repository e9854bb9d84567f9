//! `struct_construct`, `struct_deconstruct`, `struct_snapshot_deconstruct`,
//! `struct_boxed_deconstruct`.

use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::structure::StructConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::llvm;

use crate::error::{NativeError, Result};
use crate::helper::{load_at, Invocation};
use crate::metadata::values::{extract, free, insert};

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
        StructConcreteLibfunc::BoxedDeconstruct(_) => {
            // Box<S> -> (Box<member>…): the members move into boxes of their own and the
            // struct's box is freed (nothing is cloned or dropped).
            let pointer = invocation.input(0)?;
            let struct_type = cx.ty(boxed_type(invocation, invocation.param_type(0)?)?)?;
            let value = load_at(cx.context, block, pointer, 0, struct_type)?;
            let mut boxes = Vec::with_capacity(invocation.result_types[0].len());
            for (position, box_type) in invocation.result_types[0].iter().enumerate() {
                let member_type = boxed_type(invocation, box_type)?;
                let member = extract(cx, block, value, position, cx.ty(member_type)?)?;
                boxes.push(super::boxing::boxed(invocation, member, member_type)?);
            }
            free(cx, block, pointer)?;
            invocation.br(block, 0, &boxes)
        }
    }
}

/// The type a `Box<T>` holds.
fn boxed_type<'r>(
    invocation: &'r Invocation<'_, '_, '_>,
    box_type: &ConcreteTypeId,
) -> Result<&'r ConcreteTypeId> {
    match crate::types::concrete(invocation.registry(), box_type)? {
        CoreTypeConcrete::Box(inner) => Ok(&inner.ty),
        _ => Err(NativeError::InvalidProgram(format!(
            "struct_boxed_deconstruct on {box_type}, not a box"
        ))),
    }
}
