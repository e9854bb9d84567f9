//! How each Sierra type is laid out in native memory: the contract the native code generator
//! follows and [`crate::native`] reads and writes.
//!
//! - Integers take the smallest power-of-two size that holds them (u8: 1 byte … u128: 16,
//!   aligned to their size); felt252 and bytes31 are 252/248-bit integers in 32 bytes, little
//!   endian, aligned to 16 (as LLVM lays out i252 on x86_64 and aarch64).
//! - A `BoundedInt<lo, hi>` holds `value - lo` in the smallest integer that fits `hi - lo`.
//! - Structs are laid out like C structs; an enum is its tag (the smallest integer holding the
//!   variant index, none for one variant) followed by the payload at the payloads' alignment.
//! - `Array<T>`/`Span<T>` are `{ptr, start: u32, end: u32, capacity: u32}`: a view of elements
//!   `start..end` of a reference-counted buffer that snapshots and spans share (see
//!   [`crate::array`] for the buffer's header and the sharing rules).
//! - `Box<T>` and `Nullable<T>` are pointers (null is `None`); snapshots and `NonZero` are their
//!   inner type (a snapshot of an array or dictionary shares its buffer); dictionaries are
//!   pointers to a reference-counted [`crate::dict::NativeDict`].
//! - Builtins are `u64` counters, the gas counter a `u64`, the system pointer a pointer.
//! - A secp256k1/r1 point is `[u128; 4]` (x low, x high, y low, y high), `(0, 0)` being the point
//!   at infinity; a SHA-256 (SHA-512) state handle is its eight `u32` (`u64`) words.

use std::alloc::Layout;

use cairo_lang_sierra::extensions::circuit::CircuitTypeConcrete;
use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::starknet::StarknetTypeConcrete;
use cairo_lang_sierra::ids::ConcreteTypeId;
use num_bigint::BigInt;

use crate::shape::{IntWidth, TypeShape};
use crate::{Registry, ValueError};

/// The layout of a felt252 (and of bytes31).
pub const FELT_LAYOUT: Layout = match Layout::from_size_align(32, 16) {
    Ok(layout) => layout,
    Err(_) => panic!("32 bytes aligned to 16 is a valid layout"),
};

/// The layout of an array or span: pointer, start, end, capacity.
pub const ARRAY_LAYOUT: Layout = match Layout::from_size_align(24, 8) {
    Ok(layout) => layout,
    Err(_) => panic!("24 bytes aligned to 8 is a valid layout"),
};

/// The unsigned integer that holds an enum's tag or a bounded int's offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// No bytes at all (one possible value).
    Zero,
    /// One byte.
    U8,
    /// Two bytes.
    U16,
    /// Four bytes.
    U32,
    /// Eight bytes.
    U64,
    /// Sixteen bytes.
    U128,
    /// A felt-sized integer (32 bytes).
    U256,
}

impl Storage {
    /// The smallest storage for values `0..=max`.
    pub fn for_max(max: &BigInt) -> Self {
        Self::for_bits(max.bits())
    }

    /// The smallest storage for values of `bits` bits.
    fn for_bits(bits: u64) -> Self {
        match bits {
            0 => Storage::Zero,
            1..=8 => Storage::U8,
            9..=16 => Storage::U16,
            17..=32 => Storage::U32,
            33..=64 => Storage::U64,
            65..=128 => Storage::U128,
            _ => Storage::U256,
        }
    }

    /// Its size and alignment.
    pub fn layout(self) -> Layout {
        match self {
            Storage::Zero => Layout::new::<()>(),
            Storage::U8 => Layout::new::<u8>(),
            Storage::U16 => Layout::new::<u16>(),
            Storage::U32 => Layout::new::<u32>(),
            Storage::U64 => Layout::new::<u64>(),
            Storage::U128 => aligned_u128(),
            Storage::U256 => FELT_LAYOUT,
        }
    }
}

/// u128 is aligned to 16 in LLVM on both targets, whatever the host's Rust says.
fn aligned_u128() -> Layout {
    Layout::from_size_align(16, 16).unwrap_or(Layout::new::<u128>())
}

/// `count` felts one after another.
fn felts(count: usize) -> Layout {
    Layout::from_size_align(FELT_LAYOUT.size() * count, FELT_LAYOUT.align()).unwrap_or(FELT_LAYOUT)
}

/// The layout of a native integer type.
pub fn int_layout(width: IntWidth) -> Layout {
    match width {
        IntWidth::U8 | IntWidth::I8 => Layout::new::<u8>(),
        IntWidth::U16 | IntWidth::I16 => Layout::new::<u16>(),
        IntWidth::U32 | IntWidth::I32 => Layout::new::<u32>(),
        IntWidth::U64 | IntWidth::I64 => Layout::new::<u64>(),
        IntWidth::U128 | IntWidth::I128 => aligned_u128(),
    }
}

/// The tag storage of an enum with `variants` variants.
pub fn enum_tag(variants: usize) -> Storage {
    // The bits of the largest tag, `variants - 1`, counted without a big integer (asked for
    // every enum value converted).
    Storage::for_bits(u64::from(
        usize::BITS - variants.saturating_sub(1).leading_zeros(),
    ))
}

/// Where a payload of alignment `payload_align` starts after a tag of `tag` storage.
fn payload_offset(tag: Storage, payload_align: usize) -> usize {
    tag.layout().size().next_multiple_of(payload_align)
}

/// Where an enum's payload starts: after the tag, at the payloads' largest alignment.
pub fn enum_payload_offset(
    registry: &Registry,
    variants: &[ConcreteTypeId],
) -> Result<usize, ValueError> {
    // Only the alignments matter here: no list of layouts is built (asked for every enum
    // value converted).
    let mut payload_align = 1;
    for variant in variants {
        payload_align = payload_align.max(layout_of(registry, variant)?.align());
    }
    Ok(payload_offset(enum_tag(variants.len()), payload_align))
}

/// An enum's payload offset and its layout, from each variant's layout computed once (asking
/// twice per level would be exponential in the nesting depth).
fn enum_layout(
    registry: &Registry,
    variants: &[ConcreteTypeId],
) -> Result<(usize, Layout), ValueError> {
    let layouts = variants
        .iter()
        .map(|variant| layout_of(registry, variant))
        .collect::<Result<Vec<_>, _>>()?;
    let tag = enum_tag(variants.len());
    let payload_align = layouts.iter().map(Layout::align).max().unwrap_or(1);
    let payload_offset = payload_offset(tag, payload_align);
    let size = layouts
        .iter()
        .map(|layout| payload_offset + layout.size())
        .max()
        .unwrap_or(payload_offset);
    let layout = Layout::from_size_align(size, tag.layout().align().max(payload_align))
        .map_err(|_| ValueError::UnknownType("an enum too large to lay out".to_owned()))?
        .pad_to_align();
    Ok((payload_offset, layout))
}

/// The offsets of a struct's members, and the struct's layout.
pub fn struct_layout(
    registry: &Registry,
    members: &[ConcreteTypeId],
) -> Result<(Vec<usize>, Layout), ValueError> {
    let mut layout = Layout::from_size_align(0, 1).unwrap_or(Layout::new::<()>());
    let mut offsets = Vec::with_capacity(members.len());
    for member in members {
        let member_layout = layout_of(registry, member)?;
        let (extended, offset) = layout
            .extend(member_layout)
            .map_err(|_| ValueError::UnknownType("a struct too large to lay out".to_owned()))?;
        layout = extended;
        offsets.push(offset);
    }
    Ok((offsets, layout.pad_to_align()))
}

/// The offsets of struct type `ty`'s `members` (its shape's), from the memo when one is active:
/// what reading, writing and freeing a struct ask for every time.
pub(crate) fn member_offsets(
    registry: &Registry,
    ty: &ConcreteTypeId,
    members: &[ConcreteTypeId],
) -> Result<std::sync::Arc<[usize]>, ValueError> {
    crate::cache::offsets(registry, ty, || {
        struct_layout(registry, members).map(|(offsets, _)| offsets.into())
    })
}

/// The native layout of the circuit types that hold values: a u384 is `[u128; 4]` (its four
/// 96-bit limbs, low first); a circuit's values live in one `malloc`ed buffer of u384s that the
/// accumulator, the data and the (partial) outputs point to.
fn circuit_layout(circuit: &CircuitTypeConcrete) -> Option<Layout> {
    type U384 = [u128; 4];
    Some(match circuit {
        CircuitTypeConcrete::CircuitModulus(_) => Layout::new::<U384>(),
        // (values, inputs added so far)
        CircuitTypeConcrete::CircuitInputAccumulator(_) => Layout::new::<(*mut U384, u64)>(),
        CircuitTypeConcrete::CircuitData(_) | CircuitTypeConcrete::CircuitPartialOutputs(_) => {
            Layout::new::<*mut U384>()
        }
        // (values, modulus)
        CircuitTypeConcrete::CircuitOutputs(_) => Layout::new::<(*mut U384, U384)>(),
        CircuitTypeConcrete::CircuitDescriptor(_) => Layout::new::<()>(),
        // (nullifier, modulus)
        CircuitTypeConcrete::CircuitFailureGuarantee(_) => Layout::new::<[U384; 2]>(),
        CircuitTypeConcrete::U96Guarantee(_) => Layout::new::<u128>(),
        // (value limbs, modulus limbs)
        CircuitTypeConcrete::U96LimbsLessThanGuarantee(guarantee) => {
            Layout::array::<u128>(2 * guarantee.limb_count).ok()?
        }
        _ => return None,
    })
}

/// The layout of type `ty`.
pub fn layout_of(registry: &Registry, ty: &ConcreteTypeId) -> Result<Layout, ValueError> {
    crate::cache::layout(registry, ty, || compute_layout(registry, ty))
}

fn compute_layout(registry: &Registry, ty: &ConcreteTypeId) -> Result<Layout, ValueError> {
    Ok(match TypeShape::of(registry, ty)? {
        TypeShape::Felt252 | TypeShape::Bytes31 => FELT_LAYOUT,
        TypeShape::Int(width) => int_layout(width),
        TypeShape::BoundedInt { lower, upper } => Storage::for_max(&(upper - lower)).layout(),
        TypeShape::Struct { members, .. } => struct_layout(registry, &members)?.1,
        TypeShape::Enum { variants, .. } => enum_layout(registry, &variants)?.1,
        TypeShape::Array(_) | TypeShape::Span(_) => ARRAY_LAYOUT,
        TypeShape::Snapshot(inner) | TypeShape::NonZero(inner) => layout_of(registry, &inner)?,
        TypeShape::Box(_)
        | TypeShape::Nullable(_)
        | TypeShape::Felt252Dict(_)
        | TypeShape::SquashedFelt252Dict(_) => Layout::new::<*mut u8>(),
        TypeShape::EcPoint => felts(2),
        TypeShape::EcState => felts(4),
        TypeShape::Builtin(crate::BuiltinKind::System) => Layout::new::<*mut u8>(),
        TypeShape::Builtin(_) => Layout::new::<u64>(),
        // Four M31 coordinates.
        TypeShape::Qm31 => Layout::new::<[u32; 4]>(),
        // (x low, x high, y low, y high); (0, 0), on neither curve, is the point at infinity.
        TypeShape::Secp256Point => Layout::new::<[u128; 4]>(),
        TypeShape::Opaque(_) => match registry.get_type(ty) {
            // The SHA-2 state handles hold the eight state words by value.
            Ok(CoreTypeConcrete::Starknet(StarknetTypeConcrete::Sha256StateHandle(_))) => {
                Layout::new::<[u32; 8]>()
            }
            Ok(CoreTypeConcrete::Starknet(StarknetTypeConcrete::Sha512StateHandle(_))) => {
                Layout::new::<[u64; 8]>()
            }
            // Sierra's only guarantees are of u32 ranges: the u32.
            Ok(CoreTypeConcrete::BoundedIntGuarantee(_)) => Layout::new::<u32>(),
            Ok(CoreTypeConcrete::Circuit(circuit)) => {
                circuit_layout(circuit).ok_or_else(|| ValueError::UnsupportedType {
                    path: "layout".to_owned(),
                    ty: ty.to_string(),
                })?
            }
            _ => {
                return Err(ValueError::UnsupportedType {
                    path: "layout".to_owned(),
                    ty: ty.to_string(),
                })
            }
        },
    })
}
