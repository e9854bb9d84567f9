//! The JSON form of values: parsing against types, errors for values that do not fit, and
//! the tagged form's round trip.

use cairn_values_abi::cairo_lang_sierra::ProgramParser;
use cairn_values_abi::json::{args_from_json, check, parse_felt, value_from_json};
use cairn_values_abi::{DictKey, Felt, Registry, Value, ValueError};
use cairo_lang_sierra::ids::ConcreteTypeId;
use proptest::prelude::*;
use serde_json::json;

/// A small Sierra program declaring the types the tests need, with one function taking them.
const TYPES: &str = r#"
type felt252 = felt252;
type u8 = u8;
type u64 = u64;
type u128 = u128;
type i8 = i8;
type i128 = i128;
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

libfunc drop_u8 = drop<u8>;

drop_u8([0]) -> ();
return();

test::f@0([0]: u8) -> ();
"#;

fn registry() -> Registry {
    let program = ProgramParser::new()
        .parse(TYPES)
        .expect("test program parses");
    Registry::new(&program).expect("registry")
}

fn ty(name: &str) -> ConcreteTypeId {
    ConcreteTypeId::from_string(name)
}

fn parse(value: serde_json::Value, type_name: &str) -> Result<Value, ValueError> {
    value_from_json(&value, &ty(type_name), &registry(), "arg 0")
}

#[test]
fn felts_parse_from_numbers_decimal_hex_and_negatives() {
    assert_eq!(
        parse(json!(7), "felt252"),
        Ok(Value::Felt252(Felt::from(7)))
    );
    assert_eq!(
        parse(json!("0x10"), "felt252"),
        Ok(Value::Felt252(Felt::from(16)))
    );
    assert_eq!(parse(json!("-1"), "felt252"), Ok(Value::Felt252(Felt::MAX)));
    assert_eq!(
        parse(json!(-5), "felt252"),
        Ok(Value::Felt252(-Felt::from(5)))
    );
    assert_eq!(parse_felt("12"), Ok(Felt::from(12)));
}

#[test]
fn a_felt_of_the_prime_or_more_is_out_of_range() {
    let prime = "3618502788666131213697322783095070105623107215331596699973092056135872020481";
    let error = parse(json!(prime), "felt252").expect_err("P itself");
    assert!(matches!(error, ValueError::OutOfRange { .. }), "{error:?}");
    assert!(
        error.to_string().contains("out of range for felt252"),
        "{error}"
    );
    let below = "3618502788666131213697322783095070105623107215331596699973092056135872020480";
    assert_eq!(
        parse(json!(below), "felt252"),
        Ok(Value::Felt252(Felt::MAX))
    );
    assert!(parse_felt("not a number").is_err());
}

#[test]
fn integers_must_fit_their_width() {
    assert_eq!(parse(json!(255), "u8"), Ok(Value::U8(255)));
    let error = parse(json!(300), "u8").expect_err("u8 of 300");
    assert_eq!(error.to_string(), "arg 0: 300 is out of range for u8");
    assert!(parse(json!(-1), "u8").is_err());
    assert_eq!(parse(json!(-128), "i8"), Ok(Value::I8(-128)));
    assert!(parse(json!(-129), "i8").is_err());
    assert_eq!(
        parse(json!("340282366920938463463374607431768211455"), "u128"),
        Ok(Value::U128(u128::MAX))
    );
    assert_eq!(
        parse(json!("-170141183460469231731687303715884105728"), "i128"),
        Ok(Value::I128(i128::MIN))
    );
    assert!(parse(json!("340282366920938463463374607431768211456"), "u128").is_err());
}

#[test]
fn bounded_ints_respect_their_range() {
    assert_eq!(
        parse(json!(-3), "Small"),
        Ok(Value::BoundedInt((-3).into()))
    );
    assert_eq!(parse(json!(10), "Small"), Ok(Value::BoundedInt(10.into())));
    assert!(parse(json!(11), "Small").is_err());
    assert!(parse(json!(-4), "Small").is_err());
}

#[test]
fn bytes31_holds_at_most_31_bytes() {
    assert!(parse(json!("0x68656c6c6f"), "b31").is_ok());
    let max = format!("0x{}", "ff".repeat(31));
    assert!(parse(json!(max), "b31").is_ok());
    let too_big = format!("0x01{}", "00".repeat(31));
    assert!(parse(json!(too_big), "b31").is_err());
}

#[test]
fn structs_enums_and_conveniences() {
    assert_eq!(
        parse(json!([3, "0x7"]), "Pair"),
        Ok(Value::Struct(vec![
            Value::U8(3),
            Value::Felt252(Felt::from(7))
        ]))
    );
    let error = parse(json!([3]), "Pair").expect_err("one member short");
    assert!(
        matches!(
            error,
            ValueError::WrongMemberCount {
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{error:?}"
    );

    assert_eq!(
        parse(json!({"variant": 0, "value": 9}), "Shape"),
        Ok(Value::variant(0, Value::U64(9)))
    );
    assert_eq!(
        parse(json!({"variant": 2}), "Shape"),
        Ok(Value::variant(2, Value::unit()))
    );
    let error = parse(json!({"variant": 3}), "Shape").expect_err("no variant 3");
    assert_eq!(
        error.to_string(),
        "arg 0: variant 3 does not exist, Shape has 3 variants"
    );
    assert!(
        parse(json!({"variant": 1, "value": 5}), "Shape").is_err(),
        "payload of the wrong type"
    );

    assert_eq!(parse(json!(true), "bool"), Ok(Value::bool(true)));
    assert_eq!(
        parse(json!("0x100000000000000000000000000000005"), "u256"),
        Ok(Value::u256(5, 1))
    );
    assert_eq!(parse(json!([5, 1]), "u256"), Ok(Value::u256(5, 1)));
    assert!(
        parse(json!(format!("0x1{}", "0".repeat(64))), "u256").is_err(),
        "2^256"
    );
}

#[test]
fn arrays_wrappers_nullables_and_dicts() {
    assert_eq!(
        parse(json!([1, 2]), "ArrU8"),
        Ok(Value::Array(vec![Value::U8(1), Value::U8(2)]))
    );
    let error = parse(json!([1, 256]), "ArrU8").expect_err("element out of range");
    assert!(error.to_string().starts_with("arg 0[1]:"), "{error}");
    assert_eq!(parse(json!(4), "NzU64"), Ok(Value::U64(4)));
    assert!(parse(json!(0), "NzU64").is_err(), "NonZero of 0");
    assert_eq!(parse(json!(null), "NullU64"), Ok(Value::Nullable(None)));
    assert_eq!(
        parse(json!(8), "NullU64"),
        Ok(Value::Nullable(Some(Box::new(Value::U64(8)))))
    );
    assert_eq!(
        parse(json!([1, 2]), "BoxPair"),
        Ok(Value::Struct(vec![
            Value::U8(1),
            Value::Felt252(Felt::from(2))
        ]))
    );
    assert_eq!(
        parse(json!({"2": 20, "1": 10}), "DictU64"),
        Ok(Value::Felt252Dict(vec![
            (DictKey(Felt::from(1)), Value::U64(10)),
            (DictKey(Felt::from(2)), Value::U64(20)),
        ]))
    );
}

#[test]
fn tagged_values_are_checked_against_the_type() {
    assert_eq!(parse(json!({"u8": 7}), "u8"), Ok(Value::U8(7)));
    let error = parse(json!({"u64": 7}), "u8").expect_err("wrong tag");
    assert!(matches!(error, ValueError::Mismatch { .. }), "{error:?}");
    let error = parse(
        json!({"enum": {"variant": 5, "value": {"struct": []}}}),
        "Shape",
    )
    .expect_err("variant");
    assert!(
        matches!(
            error,
            ValueError::NoSuchVariant {
                variant: 5,
                count: 3,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn argument_lists_are_counted() {
    let error = args_from_json(&json!([1, 2]), &[ty("u8")], &registry()).expect_err("two for one");
    assert_eq!(error.to_string(), "expected 1 arguments, got 2");
    assert!(args_from_json(&json!({"a": 1}), &[ty("u8")], &registry()).is_err());
}

/// Random values of the test program's types, with the type they belong to.
fn typed_value() -> impl Strategy<Value = (Value, &'static str)> {
    let felt = any::<[u8; 31]>().prop_map(|bytes| Felt::from_bytes_be_slice(&bytes));
    prop_oneof![
        felt.clone().prop_map(|f| (Value::Felt252(f), "felt252")),
        any::<u8>().prop_map(|v| (Value::U8(v), "u8")),
        any::<u64>().prop_map(|v| (Value::U64(v), "u64")),
        any::<u128>().prop_map(|v| (Value::U128(v), "u128")),
        any::<i8>().prop_map(|v| (Value::I8(v), "i8")),
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
        (0usize..3, any::<u64>(), any::<u8>()).prop_map(|(variant, n, k)| {
            let payload = match variant {
                0 => Value::U64(n),
                1 => Value::Struct(vec![Value::U8(k), Value::Felt252(Felt::from(n))]),
                _ => Value::unit(),
            };
            (Value::variant(variant, payload), "Shape")
        }),
    ]
}

proptest! {
    #[test]
    fn tagged_json_round_trips_and_type_checks((value, type_name) in typed_value()) {
        let json = serde_json::to_value(&value).expect("serialise");
        let back: Value = serde_json::from_value(json.clone()).expect("deserialise");
        prop_assert_eq!(&back, &value);
        prop_assert_eq!(check(&value, &ty(type_name), &registry(), "v"), Ok(()));
        prop_assert_eq!(parse(json, type_name), Ok(value));
    }
}
