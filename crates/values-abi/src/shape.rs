//! [`TypeShape`]: what a Sierra type is, in the terms values need.

use cairo_lang_sierra::extensions::core::CoreTypeConcrete;
use cairo_lang_sierra::extensions::starknet::StarknetTypeConcrete;
use cairo_lang_sierra::ids::{ConcreteTypeId, UserTypeId};
use cairo_lang_sierra::program::GenericArg;
use num_bigint::BigInt;

use crate::{Registry, ValueError};

/// The width and signedness of a native integer type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntWidth {
    /// u8
    U8,
    /// u16
    U16,
    /// u32
    U32,
    /// u64
    U64,
    /// u128
    U128,
    /// i8
    I8,
    /// i16
    I16,
    /// i32
    I32,
    /// i64
    I64,
    /// i128
    I128,
}

impl IntWidth {
    /// The type's smallest and largest values.
    pub fn bounds(self) -> (BigInt, BigInt) {
        let (min, max): (i128, u128) = match self {
            IntWidth::U8 => (0, u8::MAX.into()),
            IntWidth::U16 => (0, u16::MAX.into()),
            IntWidth::U32 => (0, u32::MAX.into()),
            IntWidth::U64 => (0, u64::MAX.into()),
            IntWidth::U128 => (0, u128::MAX),
            IntWidth::I8 => (i8::MIN.into(), i8::MAX as u128),
            IntWidth::I16 => (i16::MIN.into(), i16::MAX as u128),
            IntWidth::I32 => (i32::MIN.into(), i32::MAX as u128),
            IntWidth::I64 => (i64::MIN.into(), i64::MAX as u128),
            IntWidth::I128 => (i128::MIN, i128::MAX as u128),
        };
        (min.into(), max.into())
    }

    /// The value of this type holding `number`, if it is in range.
    pub fn value(self, number: &BigInt) -> Option<crate::Value> {
        use crate::Value;
        use num_traits::ToPrimitive;
        Some(match self {
            IntWidth::U8 => Value::U8(number.to_u8()?),
            IntWidth::U16 => Value::U16(number.to_u16()?),
            IntWidth::U32 => Value::U32(number.to_u32()?),
            IntWidth::U64 => Value::U64(number.to_u64()?),
            IntWidth::U128 => Value::U128(number.to_u128()?),
            IntWidth::I8 => Value::I8(number.to_i8()?),
            IntWidth::I16 => Value::I16(number.to_i16()?),
            IntWidth::I32 => Value::I32(number.to_i32()?),
            IntWidth::I64 => Value::I64(number.to_i64()?),
            IntWidth::I128 => Value::I128(number.to_i128()?),
        })
    }

    /// The Cairo name of the type.
    pub fn name(self) -> &'static str {
        match self {
            IntWidth::U8 => "u8",
            IntWidth::U16 => "u16",
            IntWidth::U32 => "u32",
            IntWidth::U64 => "u64",
            IntWidth::U128 => "u128",
            IntWidth::I8 => "i8",
            IntWidth::I16 => "i16",
            IntWidth::I32 => "i32",
            IntWidth::I64 => "i64",
            IntWidth::I128 => "i128",
        }
    }
}

/// Builtins and other resources passed implicitly to functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinKind {
    /// RangeCheck
    RangeCheck,
    /// RangeCheck96
    RangeCheck96,
    /// Pedersen
    Pedersen,
    /// Poseidon
    Poseidon,
    /// Bitwise
    Bitwise,
    /// EcOp
    EcOp,
    /// AddMod
    AddMod,
    /// MulMod
    MulMod,
    /// SegmentArena
    SegmentArena,
    /// System (the syscall pointer)
    System,
    /// The gas counter
    Gas,
    /// The builtin costs table
    BuiltinCosts,
}

impl BuiltinKind {
    /// For a builtin the VM counts instances of (the segment arena, system pointer, gas counter
    /// and costs table are none): the name cairo-vm reports its instances under, and how many memory cells
    /// one instance takes there (what the CASM advances its pointer by per use).
    pub fn vm_builtin(self) -> Option<(&'static str, u64)> {
        Some(match self {
            BuiltinKind::RangeCheck => ("range_check", 1),
            BuiltinKind::RangeCheck96 => ("range_check96", 1),
            BuiltinKind::Pedersen => ("pedersen", 3),
            BuiltinKind::Poseidon => ("poseidon", 6),
            BuiltinKind::Bitwise => ("bitwise", 5),
            BuiltinKind::EcOp => ("ec_op", 7),
            BuiltinKind::AddMod => ("add_mod", 7),
            BuiltinKind::MulMod => ("mul_mod", 7),
            // The segment arena is memory the entry code sets up, not a builtin the VM counts.
            BuiltinKind::SegmentArena
            | BuiltinKind::System
            | BuiltinKind::Gas
            | BuiltinKind::BuiltinCosts => return None,
        })
    }
}

/// What a Sierra type is, with the ids of the types it contains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeShape {
    /// felt252
    Felt252,
    /// bytes31
    Bytes31,
    /// A native integer.
    Int(IntWidth),
    /// `BoundedInt<lower, upper>`, both inclusive.
    BoundedInt {
        /// Smallest value.
        lower: BigInt,
        /// Largest value.
        upper: BigInt,
    },
    /// A struct (or tuple) and its members' types.
    Struct {
        /// The struct's user type (compare with [`TypeShape::is_user_type`]).
        name: UserTypeId,
        /// Member types, in order.
        members: Vec<ConcreteTypeId>,
    },
    /// An enum and its variants' types.
    Enum {
        /// The enum's user type.
        name: UserTypeId,
        /// Variant payload types, in order.
        variants: Vec<ConcreteTypeId>,
    },
    /// `Array<T>`.
    Array(ConcreteTypeId),
    /// The legacy `Span<T>` type (not the corelib struct).
    Span(ConcreteTypeId),
    /// `@T`.
    Snapshot(ConcreteTypeId),
    /// `Box<T>`.
    Box(ConcreteTypeId),
    /// `NonZero<T>`.
    NonZero(ConcreteTypeId),
    /// `Nullable<T>`.
    Nullable(ConcreteTypeId),
    /// `Felt252Dict<T>`.
    Felt252Dict(ConcreteTypeId),
    /// `SquashedFelt252Dict<T>`.
    SquashedFelt252Dict(ConcreteTypeId),
    /// EcPoint
    EcPoint,
    /// EcState
    EcState,
    /// A secp256k1/r1 point handle.
    Secp256Point,
    /// QM31
    Qm31,
    /// A builtin or other implicit resource.
    Builtin(BuiltinKind),
    /// A type with no values a caller can pass or read (constants, guarantees, entries,
    /// coupons, circuits, …); named for error messages.
    Opaque(String),
}

impl TypeShape {
    /// Reads the shape of `ty` off the registry.
    pub fn of(registry: &Registry, ty: &ConcreteTypeId) -> Result<Self, ValueError> {
        Self::shared(registry, ty).map(|shape| (*shape).clone())
    }

    /// Like [`TypeShape::of`], shared rather than cloned: what a conversion asks for every
    /// value it visits (from a [`crate::CachedRegistry`]'s memo while one is active).
    pub fn shared(
        registry: &Registry,
        ty: &ConcreteTypeId,
    ) -> Result<std::sync::Arc<Self>, ValueError> {
        crate::cache::shape(registry, ty, || Self::read_off(registry, ty))
    }

    fn read_off(registry: &Registry, ty: &ConcreteTypeId) -> Result<Self, ValueError> {
        let concrete = registry
            .get_type(ty)
            .map_err(|_| ValueError::UnknownType(ty.to_string()))?;
        Ok(match concrete {
            CoreTypeConcrete::Felt252(_) => TypeShape::Felt252,
            CoreTypeConcrete::Bytes31(_) => TypeShape::Bytes31,
            CoreTypeConcrete::Uint8(_) => TypeShape::Int(IntWidth::U8),
            CoreTypeConcrete::Uint16(_) => TypeShape::Int(IntWidth::U16),
            CoreTypeConcrete::Uint32(_) => TypeShape::Int(IntWidth::U32),
            CoreTypeConcrete::Uint64(_) => TypeShape::Int(IntWidth::U64),
            CoreTypeConcrete::Uint128(_) => TypeShape::Int(IntWidth::U128),
            CoreTypeConcrete::Sint8(_) => TypeShape::Int(IntWidth::I8),
            CoreTypeConcrete::Sint16(_) => TypeShape::Int(IntWidth::I16),
            CoreTypeConcrete::Sint32(_) => TypeShape::Int(IntWidth::I32),
            CoreTypeConcrete::Sint64(_) => TypeShape::Int(IntWidth::I64),
            CoreTypeConcrete::Sint128(_) => TypeShape::Int(IntWidth::I128),
            CoreTypeConcrete::BoundedInt(bounded) => TypeShape::BoundedInt {
                lower: bounded.range.lower.clone(),
                upper: bounded.range.upper.clone() - 1,
            },
            CoreTypeConcrete::Struct(structure) => TypeShape::Struct {
                name: user_type(&structure.info.long_id.generic_args),
                members: structure.members.clone(),
            },
            CoreTypeConcrete::Enum(enumeration) => TypeShape::Enum {
                name: user_type(&enumeration.info.long_id.generic_args),
                variants: enumeration.variants.clone(),
            },
            CoreTypeConcrete::Array(inner) => TypeShape::Array(inner.ty.clone()),
            CoreTypeConcrete::Span(inner) => TypeShape::Span(inner.ty.clone()),
            CoreTypeConcrete::Snapshot(inner) => TypeShape::Snapshot(inner.ty.clone()),
            CoreTypeConcrete::Box(inner) => TypeShape::Box(inner.ty.clone()),
            CoreTypeConcrete::NonZero(inner) => TypeShape::NonZero(inner.ty.clone()),
            CoreTypeConcrete::Nullable(inner) => TypeShape::Nullable(inner.ty.clone()),
            CoreTypeConcrete::Felt252Dict(inner) => TypeShape::Felt252Dict(inner.ty.clone()),
            CoreTypeConcrete::SquashedFelt252Dict(inner) => {
                TypeShape::SquashedFelt252Dict(inner.ty.clone())
            }
            CoreTypeConcrete::EcPoint(_) => TypeShape::EcPoint,
            CoreTypeConcrete::EcState(_) => TypeShape::EcState,
            CoreTypeConcrete::QM31(_) => TypeShape::Qm31,
            CoreTypeConcrete::RangeCheck(_) => TypeShape::Builtin(BuiltinKind::RangeCheck),
            CoreTypeConcrete::RangeCheck96(_) => TypeShape::Builtin(BuiltinKind::RangeCheck96),
            CoreTypeConcrete::Pedersen(_) => TypeShape::Builtin(BuiltinKind::Pedersen),
            CoreTypeConcrete::Poseidon(_) => TypeShape::Builtin(BuiltinKind::Poseidon),
            CoreTypeConcrete::Bitwise(_) => TypeShape::Builtin(BuiltinKind::Bitwise),
            CoreTypeConcrete::EcOp(_) => TypeShape::Builtin(BuiltinKind::EcOp),
            CoreTypeConcrete::SegmentArena(_) => TypeShape::Builtin(BuiltinKind::SegmentArena),
            CoreTypeConcrete::GasBuiltin(_) => TypeShape::Builtin(BuiltinKind::Gas),
            CoreTypeConcrete::BuiltinCosts(_) => TypeShape::Builtin(BuiltinKind::BuiltinCosts),
            CoreTypeConcrete::Circuit(circuit) => match circuit {
                cairo_lang_sierra::extensions::circuit::CircuitTypeConcrete::AddMod(_) => {
                    TypeShape::Builtin(BuiltinKind::AddMod)
                }
                cairo_lang_sierra::extensions::circuit::CircuitTypeConcrete::MulMod(_) => {
                    TypeShape::Builtin(BuiltinKind::MulMod)
                }
                // A number below 2^96, one cell on the VM and a u128 natively.
                cairo_lang_sierra::extensions::circuit::CircuitTypeConcrete::U96Guarantee(_) => {
                    TypeShape::BoundedInt {
                        lower: BigInt::ZERO,
                        upper: (BigInt::from(1u8) << 96u32) - 1u8,
                    }
                }
                _ => TypeShape::Opaque(ty.to_string()),
            },
            CoreTypeConcrete::Starknet(StarknetTypeConcrete::System(_)) => {
                TypeShape::Builtin(BuiltinKind::System)
            }
            CoreTypeConcrete::Starknet(StarknetTypeConcrete::Secp256Point(_)) => {
                TypeShape::Secp256Point
            }
            CoreTypeConcrete::Starknet(
                StarknetTypeConcrete::ClassHash(_)
                | StarknetTypeConcrete::ContractAddress(_)
                | StarknetTypeConcrete::StorageBaseAddress(_)
                | StarknetTypeConcrete::StorageAddress(_),
            ) => TypeShape::Felt252,
            // `[start, end)`: two integers, on the VM as in native memory.
            CoreTypeConcrete::IntRange(range) => TypeShape::Struct {
                name: UserTypeId::from_string("core::ops::range::IntRange"),
                members: vec![range.ty.clone(), range.ty.clone()],
            },
            // A coupon is a token with no data; a gas reserve holds an amount of gas.
            CoreTypeConcrete::Coupon(_) => TypeShape::Struct {
                name: UserTypeId::from_string("core::Coupon"),
                members: Vec::new(),
            },
            CoreTypeConcrete::GasReserve(_) => TypeShape::Int(IntWidth::U128),
            CoreTypeConcrete::Starknet(_)
            | CoreTypeConcrete::Blake(_)
            | CoreTypeConcrete::Const(_)
            | CoreTypeConcrete::Uint128MulGuarantee(_)
            | CoreTypeConcrete::BoundedIntGuarantee(_)
            | CoreTypeConcrete::Uninitialized(_)
            | CoreTypeConcrete::Felt252DictEntry(_) => TypeShape::Opaque(ty.to_string()),
        })
    }

    /// Whether this is the struct or enum declared as `path` (e.g. `core::bool`), matched by
    /// the id the compiler derives from the path, so it works without debug names.
    pub fn is_user_type(&self, path: &str) -> bool {
        match self {
            TypeShape::Struct { name, .. } | TypeShape::Enum { name, .. } => {
                name.id == UserTypeId::from_string(path).id
            }
            _ => false,
        }
    }

    /// Whether this is an instance of the generic user type `path` (`core::array::Span` for
    /// `core::array::Span::<u8>`); known only from the debug names a program carries.
    pub fn is_instance_of(&self, path: &str) -> bool {
        match self {
            TypeShape::Struct { name, .. } | TypeShape::Enum { name, .. } => name
                .debug_name
                .as_deref()
                .and_then(|debug| debug.strip_prefix(path))
                .is_some_and(|rest| rest.starts_with("::<")),
            _ => false,
        }
    }
}

fn user_type(generic_args: &[GenericArg]) -> UserTypeId {
    match generic_args.first() {
        Some(GenericArg::UserType(name)) => name.clone(),
        _ => UserTypeId::from_string(""),
    }
}
