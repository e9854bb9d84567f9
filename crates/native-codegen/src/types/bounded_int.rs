//! `BoundedInt<lo, hi>`: `value - lo` in the smallest unsigned integer holding `hi - lo`
//! (an empty struct when the range has one value).

use cairn_values_abi::layout::Storage;
use cairo_lang_sierra::extensions::utils::Range;
use melior::dialect::llvm;
use melior::ir::Type;
use melior::Context;
use num_bigint::BigInt;

/// The inclusive bounds of an integer-like type, and how it stores its values.
#[derive(Clone, Debug)]
pub(crate) struct BoundedRange {
    /// Smallest value.
    pub lower: BigInt,
    /// Largest value.
    pub upper: BigInt,
}

impl BoundedRange {
    pub fn from_range(range: &Range) -> Self {
        Self {
            lower: range.lower.clone(),
            upper: range.upper.clone() - 1,
        }
    }

    pub fn storage(&self) -> Storage {
        Storage::for_max(&(&self.upper - &self.lower))
    }
}

/// The offset's integer type.
pub fn build<'c>(context: &'c Context, range: &Range) -> Type<'c> {
    let storage = BoundedRange::from_range(range).storage();
    super::storage_type(context, storage)
        .unwrap_or_else(|| llvm::r#type::r#struct(context, &[], false))
}
