//! The JSON form of values: parsing against types, errors for values that do not fit, and
//! the tagged form's round trip.

mod common;

use cairn_values_abi::json::{args_from_json, check, parse_felt, value_from_json};
use cairn_values_abi::{DictKey, Felt, Value, ValueError};
use common::{registry, ty, typed_value};
use proptest::prelude::*;
use serde_json::json;

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
fn long_non_ascii_input_is_cut_in_messages_without_breaking_a_character() {
    let text = "é".repeat(100);
    let error = parse(json!(text), "u8").expect_err("not a number");
    assert!(error.to_string().contains('…'), "{error}");
}

#[test]
fn argument_lists_are_counted() {
    let error = args_from_json(&json!([1, 2]), &[ty("u8")], &registry()).expect_err("two for one");
    assert_eq!(error.to_string(), "expected 1 arguments, got 2");
    assert!(args_from_json(&json!({"a": 1}), &[ty("u8")], &registry()).is_err());
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

mod entry_lookup {
    use cairn_values_abi::cairo_lang_sierra::ProgramParser;
    use cairn_values_abi::{find_function, EntryError};

    const PROGRAM: &str = r#"
type felt252 = felt252;
libfunc seven = felt252_const<7>;
seven() -> ([0]);
return([0]);
app::a::main@0() -> (felt252);
app::b::main@0() -> (felt252);
app::a::helper@0() -> (felt252);
"#;

    #[test]
    fn a_name_chooses_one_function_or_says_why_not() {
        let program = ProgramParser::new().parse(PROGRAM).expect("parses");
        let found = |name: &str| {
            find_function(&program.funcs, name).map(|(index, function)| {
                (
                    index,
                    function.id.debug_name.as_deref().unwrap_or("").to_owned(),
                )
            })
        };
        assert_eq!(found("app::b::main"), Ok((1, "app::b::main".to_owned())));
        assert_eq!(found("helper"), Ok((2, "app::a::helper".to_owned())));
        assert_eq!(found("a::main"), Ok((0, "app::a::main".to_owned())));
        assert_eq!(
            found("main"),
            Err(EntryError::Ambiguous {
                name: "main".to_owned(),
                candidates: "app::a::main, app::b::main".to_owned(),
            })
        );
        let missing = found("nope").expect_err("no such function");
        assert!(missing
            .to_string()
            .starts_with("no function named `nope` in the program"));
    }
}

#[test]
fn integers_beyond_64_bits_stay_exact_in_json_text() {
    use cairn_values_abi::json::parse_exact;
    let text = r#"[340282366920938463463374607431768211455, -18446744073709551617, 7, "x\"123456789012345678901", 1.5e3]"#;
    let json = parse_exact(text).expect("valid JSON");
    // Compared item by item: with serde_json's `arbitrary_precision` (on when cairo-vm is in
    // the same build) a float keeps its text, so whole-value equality would depend on it.
    assert_eq!(json[0], json!("340282366920938463463374607431768211455"));
    assert_eq!(json[1], json!("-18446744073709551617"));
    assert_eq!(json[2].as_u64(), Some(7));
    assert_eq!(json[3], json!("x\"123456789012345678901"));
    assert_eq!(json[4].as_f64(), Some(1500.0));
    // As a u128 and a felt252, the exact values.
    assert_eq!(
        parse(json[0].clone(), "u128").expect("a u128"),
        Value::U128(u128::MAX)
    );
    let big = parse_exact(
        "[3618502788666131213697322783095070105623107215331596699973092056135872020480]",
    )
    .expect("valid JSON");
    assert_eq!(
        parse(big[0].clone(), "felt252").expect("a felt"),
        Value::Felt252(Felt::MAX)
    );
}
