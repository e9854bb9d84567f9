//! The test program whose types the value tests use, and random values of those types.
#![allow(dead_code)]

use cairn_values_abi::cairo_lang_sierra::ProgramParser;
use cairn_values_abi::{DictKey, Felt, Registry, Value};
use cairo_lang_sierra::ids::ConcreteTypeId;
use proptest::prelude::*;

/// The types the tests need (and `Wide`, made in [`registry`]), declared by a small Sierra program.
const TYPES: &str = r#"
type felt252 = felt252;
type u8 = u8;
type u64 = u64;
type u128 = u128;
type i8 = i8;
type i128 = i128;
type u16 = u16;
type u32 = u32;
type i16 = i16;
type i32 = i32;
type i64 = i64;
type Unit = Struct<ut@Tuple>;
type bool = Enum<ut@core::bool, Unit, Unit>;
type u256 = Struct<ut@core::integer::u256, u128, u128>;
type Pair = Struct<ut@Pair, u8, felt252>;
type Shape = Enum<ut@Shape, u64, Pair, Unit>;
type ArrU8 = Array<u8>;
type NzU64 = NonZero<u64>;
type NullU64 = Nullable<u64>;
type BoxPair = Box<Pair>;
type DictU64 = Felt252Dict<u64>;
type b31 = bytes31;
type Small = BoundedInt<-3, 10>;
type ArrPair = Array<Pair>;
type ArrArrU8 = Array<ArrU8>;
type BoxArrU8 = Box<ArrU8>;
type NullPair = Nullable<Pair>;
type Point = EcPoint;
type Nested = Struct<ut@Nested, Shape, ArrPair, NullPair, felt252>;
"#;

/// The test program's one function, after its type declarations.
const FUNCTION: &str = r#"
libfunc drop_u8 = drop<u8>;

drop_u8([0]) -> ();
return();

test::f@0([0]: u8) -> ();
"#;

pub fn registry() -> Registry {
    // `Wide`: 257 variants (256 units, then a u64), so its tag takes two bytes.
    let wide = format!("type Wide = Enum<ut@Wide, {}u64>;", "Unit, ".repeat(256));
    let program = ProgramParser::new()
        .parse(&format!("{TYPES}{wide}\n{FUNCTION}"))
        .expect("test program parses");
    Registry::new(&program).expect("registry")
}

pub fn ty(name: &str) -> ConcreteTypeId {
    ConcreteTypeId::from_string(name)
}

/// Random values of the test program's types, with the type they belong to.
pub fn typed_value() -> impl Strategy<Value = (Value, &'static str)> {
    let felt = any::<[u8; 31]>().prop_map(|bytes| Felt::from_bytes_be_slice(&bytes));
    prop_oneof![
        felt.clone().prop_map(|f| (Value::Felt252(f), "felt252")),
        any::<u8>().prop_map(|v| (Value::U8(v), "u8")),
        any::<u64>().prop_map(|v| (Value::U64(v), "u64")),
        any::<u128>().prop_map(|v| (Value::U128(v), "u128")),
        any::<i8>().prop_map(|v| (Value::I8(v), "i8")),
        any::<u16>().prop_map(|v| (Value::U16(v), "u16")),
        any::<u32>().prop_map(|v| (Value::U32(v), "u32")),
        any::<i16>().prop_map(|v| (Value::I16(v), "i16")),
        any::<i32>().prop_map(|v| (Value::I32(v), "i32")),
        any::<i64>().prop_map(|v| (Value::I64(v), "i64")),
        // 257 variants: a two-byte tag, the payload of the last after it.
        (0usize..257, any::<u64>()).prop_map(|(variant, n)| {
            let payload = if variant == 256 {
                Value::U64(n)
            } else {
                Value::Struct(vec![])
            };
            (Value::variant(variant, payload), "Wide")
        }),
        any::<i128>().prop_map(|v| (Value::I128(v), "i128")),
        (-3i32..=10).prop_map(|v| (Value::BoundedInt(v.into()), "Small")),
        (any::<u128>(), any::<u128>()).prop_map(|(low, high)| (Value::u256(low, high), "u256")),
        (any::<u8>(), felt.clone())
            .prop_map(|(k, f)| (Value::Struct(vec![Value::U8(k), Value::Felt252(f)]), "Pair")),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(|items| (
            Value::Array(items.into_iter().map(Value::U8).collect()),
            "ArrU8"
        )),
        prop::option::of(any::<u64>()).prop_map(|v| (
            Value::Nullable(v.map(|v| Box::new(Value::U64(v)))),
            "NullU64"
        )),
        (0usize..3, any::<u64>(), any::<u8>())
            .prop_map(|(variant, n, k)| (shape(variant, n, k), "Shape")),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..5), 0..5).prop_map(|rows| {
            let rows = rows
                .into_iter()
                .map(|row| Value::Array(row.into_iter().map(Value::U8).collect()))
                .collect();
            (Value::Array(rows), "ArrArrU8")
        }),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(|items| (
            Value::Array(items.into_iter().map(Value::U8).collect()),
            "BoxArrU8"
        )),
        (felt.clone(), felt.clone()).prop_map(|(x, y)| (Value::EcPoint { x, y }, "Point")),
        prop::collection::btree_map(any::<u64>(), any::<u64>(), 0..40).prop_map(|entries| (
            Value::Felt252Dict(
                entries
                    .into_iter()
                    .map(|(key, value)| (DictKey(Felt::from(key)), Value::U64(value)))
                    .collect()
            ),
            "DictU64"
        )),
        (
            0usize..3,
            any::<u64>(),
            any::<u8>(),
            prop::collection::vec((any::<u8>(), felt.clone()), 0..4),
            prop::option::of((any::<u8>(), felt.clone())),
            felt
        )
            .prop_map(|(variant, n, k, pairs, nullable, last)| {
                let pair =
                    |(k, f): (u8, Felt)| Value::Struct(vec![Value::U8(k), Value::Felt252(f)]);
                let value = Value::Struct(vec![
                    shape(variant, n, k),
                    Value::Array(pairs.into_iter().map(pair).collect()),
                    Value::Nullable(nullable.map(|p| Box::new(pair(p)))),
                    Value::Felt252(last),
                ]);
                (value, "Nested")
            }),
    ]
}

fn shape(variant: usize, n: u64, k: u8) -> Value {
    let payload = match variant {
        0 => Value::U64(n),
        1 => Value::Struct(vec![Value::U8(k), Value::Felt252(Felt::from(n))]),
        _ => Value::unit(),
    };
    Value::variant(variant, payload)
}
