//! Types held by pointer: `Box<T>`, `Nullable<T>` (null for null), dictionaries and the
//! system pointer.

use melior::dialect::llvm;
use melior::ir::Type;
use melior::Context;

/// `!llvm.ptr`.
pub fn build(context: &Context) -> Type<'_> {
    llvm::r#type::pointer(context, 0)
}
