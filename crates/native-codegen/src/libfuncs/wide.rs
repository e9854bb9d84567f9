//! Integer-like values (felt252, the fixed-width integers, bounded ints) converted to and from
//! one signed 256-bit form, which casts and bounded-int arithmetic work in. Every such type's
//! range lies within ±2^252, so the wide form never overflows.

use cairn_values_abi::layout::Storage;
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use melior::dialect::arith::{self, CmpiPredicate};
use melior::dialect::llvm;
use melior::ir::block::BlockLike;
use melior::ir::{Type, Value};
use num_bigint::BigInt;

use crate::error::{NativeError, Result};
use crate::helper::{const_int, push, CodegenContext};
use crate::metadata::values::PRIME;
use crate::types::{concrete, type_name, BoundedRange};

/// How a type holds its integer.
pub(crate) enum IntRepr {
    /// `[0, P)`, read as signed around 0 (values above (P-1)/2 are negative).
    Felt,
    /// A `bits`-wide unsigned integer.
    Unsigned(u32),
    /// A `bits`-wide two's-complement integer.
    Signed(u32),
    /// `value - lower` in `storage`.
    Offset(BoundedRange),
}

impl IntRepr {
    pub fn of(cx: &CodegenContext<'_, '_>, ty: &ConcreteTypeId) -> Result<Self> {
        Ok(match concrete(cx.registry, ty)? {
            CoreTypeConcrete::Felt252(_) => IntRepr::Felt,
            CoreTypeConcrete::Uint8(_) => IntRepr::Unsigned(8),
            CoreTypeConcrete::Uint16(_) => IntRepr::Unsigned(16),
            CoreTypeConcrete::Uint32(_) => IntRepr::Unsigned(32),
            CoreTypeConcrete::Uint64(_) => IntRepr::Unsigned(64),
            CoreTypeConcrete::Uint128(_) => IntRepr::Unsigned(128),
            CoreTypeConcrete::Sint8(_) => IntRepr::Signed(8),
            CoreTypeConcrete::Sint16(_) => IntRepr::Signed(16),
            CoreTypeConcrete::Sint32(_) => IntRepr::Signed(32),
            CoreTypeConcrete::Sint64(_) => IntRepr::Signed(64),
            CoreTypeConcrete::Sint128(_) => IntRepr::Signed(128),
            CoreTypeConcrete::BoundedInt(info) => {
                IntRepr::Offset(BoundedRange::from_range(&info.range))
            }
            CoreTypeConcrete::NonZero(inner) | CoreTypeConcrete::Snapshot(inner) => {
                IntRepr::of(cx, &inner.ty)?
            }
            _ => {
                return Err(NativeError::UnsupportedType(format!(
                    "{} as an integer",
                    type_name(ty)
                )))
            }
        })
    }

    /// The type's inclusive bounds.
    pub fn bounds(&self) -> (BigInt, BigInt) {
        match self {
            IntRepr::Felt => {
                let prime: BigInt = PRIME.parse().unwrap_or_default();
                let half: BigInt = (&prime - 1) / 2;
                (-half.clone(), half)
            }
            IntRepr::Unsigned(bits) => (BigInt::from(0), (BigInt::from(1) << *bits) - 1),
            IntRepr::Signed(bits) => (
                -(BigInt::from(1) << (*bits - 1)),
                (BigInt::from(1) << (*bits - 1)) - 1,
            ),
            IntRepr::Offset(range) => (range.lower.clone(), range.upper.clone()),
        }
    }
}

/// The signed 256-bit integer type of the wide form.
pub(crate) fn wide_type<'c>(cx: &CodegenContext<'c, '_>) -> Type<'c> {
    cx.int_type(256)
}

/// `value` (of type `ty`) as a wide signed integer.
pub(crate) fn to_wide<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let wide = wide_type(cx);
    Ok(match IntRepr::of(cx, ty)? {
        IntRepr::Felt => {
            let prime = const_int(cx.context, block, wide, PRIME)?;
            let half = const_int(
                cx.context,
                block,
                wide,
                (PRIME.parse::<BigInt>().unwrap_or_default() - 1) / 2,
            )?;
            let negative = push(
                block,
                arith::cmpi(cx.context, CmpiPredicate::Ugt, value, half, location),
            )?;
            let shifted = push(block, arith::subi(value, prime, location))?;
            push(block, arith::select(negative, shifted, value, location))?
        }
        IntRepr::Unsigned(_) => push(block, arith::extui(value, wide, location))?,
        IntRepr::Signed(_) => push(block, arith::extsi(value, wide, location))?,
        IntRepr::Offset(range) => {
            let lower = const_int(cx.context, block, wide, &range.lower)?;
            match range.storage() {
                Storage::Zero => lower,
                Storage::U256 => push(block, arith::addi(value, lower, location))?,
                _ => {
                    let offset = push(block, arith::extui(value, wide, location))?;
                    push(block, arith::addi(offset, lower, location))?
                }
            }
        }
    })
}

/// A wide signed integer (known to be in `ty`'s range) as a value of type `ty`.
pub(crate) fn from_wide<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    wide_value: Value<'c, 'a>,
    ty: &ConcreteTypeId,
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let wide = wide_type(cx);
    Ok(match IntRepr::of(cx, ty)? {
        IntRepr::Felt => {
            let prime = const_int(cx.context, block, wide, PRIME)?;
            let zero = const_int(cx.context, block, wide, 0)?;
            let negative = push(
                block,
                arith::cmpi(cx.context, CmpiPredicate::Slt, wide_value, zero, location),
            )?;
            let shifted = push(block, arith::addi(wide_value, prime, location))?;
            push(
                block,
                arith::select(negative, shifted, wide_value, location),
            )?
        }
        IntRepr::Unsigned(bits) | IntRepr::Signed(bits) => push(
            block,
            arith::trunci(wide_value, cx.int_type(bits), location),
        )?,
        IntRepr::Offset(range) => {
            let storage = crate::types::storage_type(cx.context, range.storage());
            match storage {
                None => push(block, llvm::undef(cx.ty(ty)?, location))?,
                Some(storage) => {
                    let lower = const_int(cx.context, block, wide, &range.lower)?;
                    let offset = push(block, arith::subi(wide_value, lower, location))?;
                    if range.storage() == Storage::U256 {
                        offset
                    } else {
                        push(block, arith::trunci(offset, storage, location))?
                    }
                }
            }
        }
    })
}

/// Whether `lower <= wide_value <= upper`.
pub(crate) fn in_range<'c: 'a, 'a, B: BlockLike<'c, 'a>>(
    cx: &CodegenContext<'c, '_>,
    block: &B,
    wide_value: Value<'c, 'a>,
    (lower, upper): (&BigInt, &BigInt),
) -> Result<Value<'c, 'a>> {
    let location = cx.location();
    let wide = wide_type(cx);
    let lower = const_int(cx.context, block, wide, lower)?;
    let upper = const_int(cx.context, block, wide, upper)?;
    let above_lower = push(
        block,
        arith::cmpi(cx.context, CmpiPredicate::Sge, wide_value, lower, location),
    )?;
    let below_upper = push(
        block,
        arith::cmpi(cx.context, CmpiPredicate::Sle, wide_value, upper, location),
    )?;
    push(block, arith::andi(above_lower, below_upper, location))
}
