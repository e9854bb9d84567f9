//! `Array<T>` and `Span<T>`: `{ptr, start: u32, end: u32, capacity: u32}`, a view of elements
//! `start..end` of a shared, reference-counted buffer (`cairn_values_abi::array`).

use melior::dialect::llvm;
use melior::ir::r#type::IntegerType;
use melior::ir::Type;
use melior::Context;

/// `!llvm.struct<(ptr, i32, i32, i32)>`.
pub fn build(context: &Context) -> Type<'_> {
    let u32_type = IntegerType::new(context, 32).into();
    llvm::r#type::r#struct(
        context,
        &[
            llvm::r#type::pointer(context, 0),
            u32_type,
            u32_type,
            u32_type,
        ],
        false,
    )
}
