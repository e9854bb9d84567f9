//! [`Value`]: a Sierra value, independent of where it lives.

use num_bigint::BigInt;
use serde::{Deserialize, Serialize};
use starknet_types_core::felt::Felt;

/// Any value a Sierra function takes or returns.
///
/// Wrappers that do not change a value are transparent: a `Box<T>`, `NonZero<T>` or `@T` holds
/// the `Value` of its `T`, and a `Span<T>` (a struct around an array snapshot) is a
/// `Struct([Array(..)])`. The Sierra type, not the value, says which wrapper it is in.
///
/// The serde form is the documented JSON form (see [`crate::json`]): externally tagged,
/// snake_case, with felts and 128-bit integers as decimal strings so that no JSON reader loses
/// precision, e.g. `{"u8": 7}`, `{"felt252": "-1"}`,
/// `{"enum": {"variant": 1, "value": {"struct": []}}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A field element.
    Felt252(#[serde(with = "felt_string")] Felt),
    /// A `bytes31`: a field element below 2^248.
    Bytes31(#[serde(with = "felt_string")] Felt),
    /// `u8`.
    U8(u8),
    /// `u16`.
    U16(u16),
    /// `u32`.
    U32(u32),
    /// `u64`.
    U64(u64),
    /// `u128`.
    U128(#[serde(with = "display_string")] u128),
    /// `i8`.
    I8(i8),
    /// `i16`.
    I16(i16),
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `i128`.
    I128(#[serde(with = "display_string")] i128),
    /// A `BoundedInt<MIN, MAX>`; the range is the type's.
    BoundedInt(#[serde(with = "display_string")] BigInt),
    /// A struct or tuple (u256, u512 and ByteArray are structs too), members in order.
    Struct(Vec<Value>),
    /// An enum: the variant's index and its payload (`Struct([])` for unit variants).
    Enum {
        /// Which variant, counting from 0 in declaration order.
        variant: usize,
        /// The variant's payload.
        value: Box<Value>,
    },
    /// An `Array<T>` (or the array inside a span).
    Array(Vec<Value>),
    /// A `Nullable<T>`: `None` is null.
    Nullable(Option<Box<Value>>),
    /// A `Felt252Dict<T>`: its entries sorted by key; keys never written are absent.
    Felt252Dict(Vec<(DictKey, Value)>),
    /// A `SquashedFelt252Dict<T>`: the final value of each key, sorted by key.
    SquashedFelt252Dict(Vec<(DictKey, Value)>),
    /// A point on the STARK curve (`(0, 0)` is the point at infinity).
    EcPoint {
        /// x coordinate.
        #[serde(with = "felt_string")]
        x: Felt,
        /// y coordinate.
        #[serde(with = "felt_string")]
        y: Felt,
    },
    /// An elliptic-curve accumulator (`EcState`): the sum so far and the random starting point.
    EcState {
        /// x of the accumulated point.
        #[serde(with = "felt_string")]
        x: Felt,
        /// y of the accumulated point.
        #[serde(with = "felt_string")]
        y: Felt,
        /// x of the random point the accumulation started from.
        #[serde(with = "felt_string")]
        x0: Felt,
        /// y of the random point the accumulation started from.
        #[serde(with = "felt_string")]
        y0: Felt,
    },
    /// A secp256k1 or secp256r1 point, coordinates as (low, high) 128-bit halves.
    Secp256Point {
        /// x as (low, high).
        x: (U128Half, U128Half),
        /// y as (low, high).
        y: (U128Half, U128Half),
    },
    /// A `QM31` extension-field element, as its four M31 coordinates.
    Qm31([u32; 4]),
    /// A builtin, the system pointer or the segment arena: a resource, not data.
    Builtin,
    /// The gas counter's value.
    Gas(u64),
}

/// A dictionary key: a felt252, in JSON a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DictKey(#[serde(with = "felt_string")] pub Felt);

/// Half of a 256-bit coordinate, in JSON a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct U128Half(#[serde(with = "display_string")] pub u128);

impl Value {
    /// The unit value `()`, which is also every unit enum variant's payload.
    pub fn unit() -> Self {
        Value::Struct(Vec::new())
    }

    /// `bool` as Cairo represents it: `false` is variant 0, `true` variant 1.
    pub fn bool(value: bool) -> Self {
        Value::Enum {
            variant: usize::from(value),
            value: Box::new(Value::unit()),
        }
    }

    /// A `u256` from its two halves.
    pub fn u256(low: u128, high: u128) -> Self {
        Value::Struct(vec![Value::U128(low), Value::U128(high)])
    }

    /// `Option::Some(value)` / `Result::Ok(value)`: variant 0.
    pub fn variant(index: usize, value: Value) -> Self {
        Value::Enum {
            variant: index,
            value: Box::new(value),
        }
    }
}

impl From<Felt> for Value {
    fn from(felt: Felt) -> Self {
        Value::Felt252(felt)
    }
}

/// Felts as signed-agnostic decimal strings on output; on input decimal, `0x` hex, or negative.
mod felt_string {
    use serde::{Deserialize, Deserializer, Serializer};
    use starknet_types_core::felt::Felt;

    pub fn serialize<S: Serializer>(felt: &Felt, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(felt)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Felt, D::Error> {
        let text = String::deserialize(deserializer)?;
        crate::json::parse_felt(&text).map_err(serde::de::Error::custom)
    }
}

/// Wide integers as decimal strings, which every JSON reader keeps exact.
mod display_string {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: Display, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
