//! Enums: the tag (smallest integer holding the variant index, absent for one variant), then
//! the payload at the payloads' largest alignment.
//!
//! The MLIR type only has to have the right size and alignment: `{tag, [n x iA]}` where `iA` is
//! an integer of the payload alignment. Variants are written and read through memory.

use cairn_values_abi::layout::{enum_payload_offset, enum_tag, layout_of};
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::llvm;
use melior::ir::r#type::IntegerType;
use melior::ir::Type;
use melior::Context;

use crate::error::Result;
use crate::Registry;

/// Where an enum's parts are.
pub(crate) struct EnumLayout<'c> {
    /// The tag's integer type (`None`: a single variant, no tag).
    pub tag: Option<Type<'c>>,
    /// Byte offset of the payload.
    pub payload_offset: usize,
    /// The whole enum's MLIR type.
    pub ty: Type<'c>,
}

impl<'c> EnumLayout<'c> {
    pub fn of(
        context: &'c Context,
        registry: &Registry,
        variants: &[ConcreteTypeId],
    ) -> Result<Self> {
        let tag = super::storage_type(context, enum_tag(variants.len()));
        let payload_offset = enum_payload_offset(registry, variants)?;
        let mut payload_size = 0;
        let mut payload_align = 1;
        for variant in variants {
            let layout = layout_of(registry, variant)?;
            payload_size = payload_size.max(layout.size());
            payload_align = payload_align.max(layout.align());
        }
        let mut fields = Vec::new();
        fields.extend(tag);
        if payload_size > 0 {
            let unit = IntegerType::new(context, 8 * payload_align as u32).into();
            let count = payload_size.div_ceil(payload_align);
            fields.push(llvm::r#type::array(unit, count as u32));
        }
        Ok(Self {
            tag,
            payload_offset,
            ty: llvm::r#type::r#struct(context, &fields, false),
        })
    }
}

/// The enum's MLIR type.
pub fn build<'c>(
    context: &'c Context,
    registry: &Registry,
    variants: &[ConcreteTypeId],
) -> Result<Type<'c>> {
    Ok(EnumLayout::of(context, registry, variants)?.ty)
}
