//! Builtins (range check, pedersen, …), the gas counter and the builtin-costs handle: `i64`
//! counters threaded through the code.

use melior::ir::r#type::IntegerType;
use melior::ir::Type;
use melior::Context;

/// `i64`.
pub fn build(context: &Context) -> Type<'_> {
    IntegerType::new(context, 64).into()
}
