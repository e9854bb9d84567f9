//! Structs and tuples: an LLVM struct of the members, laid out as C lays out structs.

use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::llvm;
use melior::ir::Type;
use melior::Context;

use crate::error::Result;
use crate::Registry;

/// `!llvm.struct<(members…)>`.
pub fn build<'c>(
    context: &'c Context,
    registry: &Registry,
    members: &[ConcreteTypeId],
) -> Result<Type<'c>> {
    let fields = members
        .iter()
        .map(|member| super::build(context, registry, member))
        .collect::<Result<Vec<_>>>()?;
    Ok(llvm::r#type::r#struct(context, &fields, false))
}

/// A struct of `count` felts (curve points and states).
pub fn felts(context: &Context, count: usize) -> Type<'_> {
    llvm::r#type::r#struct(context, &vec![super::felt252::build(context); count], false)
}
