//! The fixed-width integers: `iN` for both uN and iN (two's complement for the signed ones).

use melior::ir::r#type::IntegerType;
use melior::ir::Type;
use melior::Context;

/// `i{bits}`.
pub fn build(context: &Context, bits: u32) -> Type<'_> {
    IntegerType::new(context, bits).into()
}
