//! `enum_init`, `enum_match`, `enum_snapshot_match`, `enum_from_bounded_int`. Variants are
//! written and read through a stack slot: tag at offset 0, payload at the layout's offset.

use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::enm::EnumConcreteLibfunc;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith;
use melior::ir::Value;

use super::unsupported;
use super::wide::to_wide;
use crate::error::{NativeError, Result};
use crate::helper::{load_at, store_at, Invocation};
use crate::metadata::values::jump_to_variant;
use crate::types::{concrete, EnumLayout};

fn variants<'r>(
    invocation: &'r Invocation<'_, '_, '_>,
    ty: &ConcreteTypeId,
) -> Result<&'r [ConcreteTypeId]> {
    match concrete(invocation.registry(), ty)? {
        CoreTypeConcrete::Enum(info) => Ok(&info.variants),
        CoreTypeConcrete::Snapshot(inner) => match concrete(invocation.registry(), &inner.ty)? {
            CoreTypeConcrete::Enum(info) => Ok(&info.variants),
            _ => Err(NativeError::InvalidProgram(
                "enum_snapshot_match on a non-enum".to_owned(),
            )),
        },
        _ => Err(NativeError::InvalidProgram(
            "an enum libfunc on a non-enum".to_owned(),
        )),
    }
}

/// Builds one enum libfunc.
pub fn build(invocation: &Invocation<'_, '_, '_>, selector: &EnumConcreteLibfunc) -> Result<()> {
    match selector {
        EnumConcreteLibfunc::Init(info) => {
            let payload = invocation.input(0)?;
            let value = init(
                invocation,
                invocation.result_type(0, 0)?,
                info.index,
                Some(payload),
            )?;
            invocation.br(&invocation.block, 0, &[value])
        }
        EnumConcreteLibfunc::FromBoundedInt(_) => {
            let cx = invocation.cx;
            let enum_type = invocation.result_type(0, 0)?;
            let layout = EnumLayout::of(cx.context, cx.registry, variants(invocation, enum_type)?)?;
            let wide = to_wide(
                cx,
                &invocation.block,
                invocation.input(0)?,
                invocation.param_type(0)?,
            )?;
            let (slot, mlir_type) = invocation.alloca_for(enum_type)?;
            if let Some(tag_type) = layout.tag {
                let tag = invocation.push(arith::trunci(wide, tag_type, invocation.location()))?;
                store_at(cx.context, &invocation.block, slot, 0, tag)?;
            }
            let value = load_at(cx.context, &invocation.block, slot, 0, mlir_type)?;
            invocation.br(&invocation.block, 0, &[value])
        }
        EnumConcreteLibfunc::Match(_) | EnumConcreteLibfunc::SnapshotMatch(_) => {
            matching(invocation)
        }
        EnumConcreteLibfunc::BoxedMatch(_) => Err(unsupported()),
    }
}

/// The enum `ty` with variant `index` holding `payload`.
pub(crate) fn init<'c, 'a>(
    invocation: &Invocation<'c, 'a, '_>,
    ty: &ConcreteTypeId,
    index: usize,
    payload: Option<Value<'c, 'a>>,
) -> Result<Value<'c, 'a>> {
    let cx = invocation.cx;
    let layout = EnumLayout::of(cx.context, cx.registry, variants(invocation, ty)?)?;
    let (slot, mlir_type) = invocation.alloca_for(ty)?;
    if let Some(tag_type) = layout.tag {
        let tag = invocation.constant(tag_type, index)?;
        store_at(cx.context, &invocation.block, slot, 0, tag)?;
    }
    if let Some(payload) = payload {
        store_at(
            cx.context,
            &invocation.block,
            slot,
            layout.payload_offset,
            payload,
        )?;
    }
    load_at(cx.context, &invocation.block, slot, 0, mlir_type)
}

/// Jumps to the branch of the value's variant with its payload.
fn matching(invocation: &Invocation<'_, '_, '_>) -> Result<()> {
    let cx = invocation.cx;
    let enum_type = invocation.param_type(0)?;
    let variant_types = variants(invocation, enum_type)?;
    let layout = EnumLayout::of(cx.context, cx.registry, variant_types)?;
    let value = invocation.input(0)?;
    let (slot, _) = invocation.alloca_for(enum_type)?;
    store_at(cx.context, &invocation.block, slot, 0, value)?;

    let blocks: Vec<_> = (0..variant_types.len())
        .map(|_| invocation.append_block(&[]))
        .collect();
    for (index, block) in blocks.iter().enumerate() {
        let payload_type = cx.ty(invocation.result_type(index, 0)?)?;
        let payload = load_at(cx.context, block, slot, layout.payload_offset, payload_type)?;
        invocation.br(block, index, &[payload])?;
    }
    jump_to_variant(cx, invocation.block, slot, &layout, &blocks)
}
