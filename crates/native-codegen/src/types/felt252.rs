//! felt252 (and bytes31 and the Starknet address types): a 256-bit integer always below the
//! field's prime, so its 32 bytes never hold stray high bits.

use melior::ir::r#type::IntegerType;
use melior::ir::Type;
use melior::Context;

/// `i256`.
pub fn build(context: &Context) -> Type<'_> {
    IntegerType::new(context, 256).into()
}
