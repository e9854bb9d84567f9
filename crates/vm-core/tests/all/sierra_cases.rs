//! The Cairo 1 fixtures' calls and what each must return, worked out from the source (hashes
//! and curve points with starknet-types-core, an implementation independent of the VM's
//! builtins). Also compiled into the workspace's native differential test, which uses only the
//! calls.

use std::borrow::Cow;

use cairn_vm_core::values::{DictKey, U128Half, Value};
use cairn_vm_core::Felt252;
use starknet_types_core_hash::curve::{AffinePoint, ProjectivePoint};
use starknet_types_core_hash::hash::{Pedersen, Poseidon, StarkHash};

/// What a run must end with.
pub enum Expect {
    Values(Vec<Value>),
    Panic(Vec<Felt252>),
}

pub struct Case {
    pub program: &'static str,
    pub entry: &'static str,
    /// The call's arguments as JSON; owned when built from computed values.
    pub args: Cow<'static, str>,
    pub gas: Option<u64>,
    pub expect: Expect,
}

fn felt(n: i128) -> Felt252 {
    Felt252::from(n)
}

fn hex(text: &str) -> Felt252 {
    Felt252::from_hex(text).expect("hex literal")
}

/// A Cairo short string ('abc') as the felt it is.
pub fn short(text: &str) -> Felt252 {
    Felt252::from_bytes_be_slice(text.as_bytes())
}

fn f(value: Felt252) -> Value {
    Value::Felt252(value)
}

fn tuple(items: Vec<Value>) -> Value {
    Value::Struct(items)
}

fn some(value: Value) -> Value {
    Value::variant(0, value)
}

fn none() -> Value {
    Value::variant(1, Value::unit())
}

fn ok(value: Value) -> Value {
    Value::variant(0, value)
}

fn err(value: Value) -> Value {
    Value::variant(1, value)
}

fn b(value: bool) -> Value {
    Value::bool(value)
}

fn one(value: Value) -> Expect {
    Expect::Values(vec![value])
}

fn panic(data: Vec<Felt252>) -> Expect {
    Expect::Panic(data)
}

fn case(program: &'static str, expect: Expect) -> Case {
    Case {
        program,
        entry: "main",
        args: Cow::Borrowed("[]"),
        gas: Some(100_000_000),
        expect,
    }
}

fn call(program: &'static str, entry: &'static str, args: &'static str, expect: Expect) -> Case {
    Case {
        program,
        entry,
        args: Cow::Borrowed(args),
        gas: Some(100_000_000),
        expect,
    }
}

fn factorial(n: u128) -> u128 {
    (1..=n).product()
}

/// An `EcState` as both backends read it back: its sum, with the start zeroed.
fn ec_state(sum: &ProjectivePoint) -> Value {
    let (x, y) = sum
        .to_affine()
        .map(|affine| (affine.x(), affine.y()))
        .unwrap_or((Felt252::ZERO, Felt252::ZERO));
    Value::EcState {
        x,
        y,
        x0: Felt252::ZERO,
        y0: Felt252::ZERO,
    }
}

fn point(p: &ProjectivePoint) -> (Felt252, Felt252) {
    let affine = p.to_affine().expect("not the identity");
    (affine.x(), affine.y())
}

/// The panic data of `panic!("...")`: a magic felt, then the serialised ByteArray.
fn byte_array_panic(text: &str) -> Vec<Felt252> {
    let magic = hex("0x46a6158a16a947e5916b2a2ca68501a45e93d7110e81aa2d6438b1c57c879a3");
    let mut data = vec![magic];
    data.extend(serialised_byte_array(text));
    data
}

fn serialised_byte_array(text: &str) -> Vec<Felt252> {
    let bytes = text.as_bytes();
    let full_words = bytes.len() / 31;
    let mut out = vec![felt(full_words as i128)];
    for word in bytes.chunks(31).take(full_words) {
        out.push(Felt252::from_bytes_be_slice(word));
    }
    let pending = &bytes[full_words * 31..];
    out.push(Felt252::from_bytes_be_slice(pending));
    out.push(felt(pending.len() as i128));
    out
}

pub fn cases() -> Vec<Case> {
    let p = Felt252::from_hex("0x800000000000011000000000000000000000000000000000000000000000000")
        .expect("P - 1");
    let u128_max = u128::MAX;
    let g =
        ProjectivePoint::from_affine(AffinePoint::generator().x(), AffinePoint::generator().y())
            .expect("generator");
    let (x2, y2) = point(&(&g + &g));
    let (x3, y3) = point(&(&(&g + &g) + &g));
    let identity = ProjectivePoint::identity();
    // The curve point with x = 1 and the smaller y, as `new_nz_from_x` picks it.
    let beta = hex("0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89");
    let y1 = (felt(1) + felt(1) + beta)
        .sqrt()
        .expect("x = 1 is on the curve");
    let p1 = ProjectivePoint::from_affine(felt(1), y1.min(-y1)).expect("P1");
    let (g_plus_p1, p1_xy) = (point(&(&g + &p1)), point(&p1));
    let state_g_args = format!(
        r#"[["{}", "{}", "{}", "{}"], 1]"#,
        g_plus_p1.0, g_plus_p1.1, p1_xy.0, p1_xy.1
    );
    let k1_g = secp_point(
        "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798",
        "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8",
    );
    let k1_2g = secp_point(
        "C6047F9441ED7D6D3045406E95C07CD85C778E4B8CEF3CA7ABAC09B95C709EE5",
        "1AE168FEA63DC339A3C58419466CEAEEF7F632653266D0E1236431A950CFE52A",
    );
    let k1_3g = secp_point(
        "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
        "388F7B0F632DE8140FE337E62A37F3566500A99934C2231B6CB9FD7584B8E672",
    );
    let r1_g = secp_point(
        "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
        "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
    );
    let r1_minus_g = secp_point(
        "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
        "B01CBD1C01E58065711814B583F061E9D431CCA994CEA1313449BF97C840AE0A",
    );
    let mut hades = [felt(1), felt(2), felt(3)];
    Poseidon::hades_permutation(&mut hades);
    let pair = |key: u8, value: u64| tuple(vec![Value::U8(key), Value::U64(value)]);
    let bytes = |items: &[u8]| Value::Array(items.iter().map(|&byte| Value::U8(byte)).collect());
    let point_value = |x: i32, y: i32| tuple(vec![Value::I32(x), Value::I32(y)]);

    vec![
        case(
            "fib",
            one(tuple(vec![
                f(felt(2880067194370816120)),
                Value::U128(354224848179261915075),
            ])),
        ),
        case(
            "felt_arith",
            one(tuple(vec![
                f(felt(1998244360)),
                f(felt(-1755654)),
                f(felt(1000000007) * felt(998244353)),
                f(p),
            ])),
        ),
        case(
            "felt_div",
            one(tuple(vec![
                f(felt(10).field_div(&felt(4).try_into().expect("non-zero"))),
                f(felt(10)),
                f(felt(1)),
            ])),
        ),
        case(
            "felt_is_zero",
            one(tuple(vec![f(short("zero")), f(short("nonzero")), b(true)])),
        ),
        case(
            "felt_equality",
            one(tuple(vec![
                some(Value::U32(1)),
                none(),
                f(short("minus one")),
                f(short("five")),
            ])),
        ),
        call(
            "felt_equality",
            "search",
            "[[5, 0, -1, 9], 9]",
            one(some(Value::U32(3))),
        ),
        call(
            "felt_equality",
            "search",
            "[[5, 0, -1, 9], -2]",
            one(none()),
        ),
        call("felt_equality", "search", "[[], 0]", one(none())),
        call("felt_equality", "classify", "[0]", one(f(short("zero")))),
        call("felt_equality", "classify", "[1]", one(f(short("one")))),
        call(
            "felt_equality",
            "classify",
            "[-1]",
            one(f(short("minus one"))),
        ),
        call("felt_equality", "classify", "[-5]", one(f(short("other")))),
        call(
            "felt_equality",
            "difference_kept",
            "[7, 7]",
            one(tuple(vec![b(true), f(felt(0))])),
        ),
        call(
            "felt_equality",
            "difference_kept",
            "[3, 5]",
            one(tuple(vec![b(false), f(felt(-2))])),
        ),
        call(
            "felt_equality",
            "difference_kept",
            "[-1, 0]",
            one(tuple(vec![b(false), f(felt(-1))])),
        ),
        call(
            "felt_equality",
            "either_difference",
            "[4, 4, 9, true]",
            one(b(true)),
        ),
        call(
            "felt_equality",
            "either_difference",
            "[4, 4, 9, false]",
            one(b(false)),
        ),
        call(
            "felt_equality",
            "either_difference",
            "[4, 9, 4, false]",
            one(b(true)),
        ),
        case(
            "u8_ops",
            one(tuple(vec![
                Value::U8(255),
                Value::U8(145),
                Value::U8(255),
                Value::U8(28),
                Value::U8(4),
                b(true),
            ])),
        ),
        call(
            "u8_ops",
            "wrapping",
            "[]",
            one(tuple(vec![Value::U8(4), none()])),
        ),
        call("u8_overflow", "main", "[200, 55]", one(Value::U8(255))),
        call(
            "u8_overflow",
            "main",
            "[200, 56]",
            panic(vec![short("u8_add Overflow")]),
        ),
        case(
            "u16_ops",
            one(tuple(vec![
                Value::U16(65279),
                Value::U16(65280),
                Value::U16(255),
                b(true),
                b(false),
            ])),
        ),
        call(
            "u16_ops",
            "underflow",
            "[]",
            panic(vec![short("u16_sub Overflow")]),
        ),
        case(
            "u32_ops",
            one(tuple(vec![
                Value::U32(61035),
                Value::U32(10240),
                Value::U32(10240),
                Value::U32(3_000_000_000),
            ])),
        ),
        call("u32_ops", "div_by_zero", "[7]", one(Value::U32(14))),
        call(
            "u32_ops",
            "div_by_zero",
            "[0]",
            panic(vec![short("Division by 0")]),
        ),
        case(
            "u64_ops",
            one(tuple(vec![
                Value::U64(u64::MAX - 1),
                Value::U64(u64::MAX / 3),
                Value::U64(4294967296 * 4294967295),
            ])),
        ),
        call(
            "u64_ops",
            "mul_overflow",
            "[]",
            panic(vec![short("u64_mul Overflow")]),
        ),
        case(
            "u128_ops",
            one(tuple(vec![
                Value::U128(u128_max / 2),
                Value::U128(u128_max % 1000),
                Value::U128(5),
                Value::U128((1 << 64) * u128::from(u64::MAX)),
            ])),
        ),
        call(
            "u128_ops",
            "add_overflow",
            "[\"340282366920938463463374607431768211455\"]",
            panic(vec![short("u128_add Overflow")]),
        ),
        case(
            "signed_ints",
            one(tuple(vec![
                Value::I8(-128),
                Value::I16(-32767),
                Value::I32(-1073741823),
                Value::I64(-18_000_000_000),
                Value::I128(i128::MIN + 1),
                Value::I32(-3),
                Value::I32(-1),
            ])),
        ),
        case("signed_overflow", panic(vec![short("i8_add Overflow")])),
        call(
            "signed_overflow",
            "sub_min",
            "[]",
            panic(vec![short("i8_add Underflow")]),
        ),
        case(
            "u256_math",
            one(tuple(vec![
                Value::u256(0, 1),
                Value::u256(1, u128_max - 1),
                Value::u256(0, 1),
                Value::u256(416, 0),
                b(true),
            ])),
        ),
        case("u256_overflow", panic(vec![short("u256_add Overflow")])),
        case(
            "u512_math",
            one(tuple(vec![
                Value::U128(1),
                Value::U128(0),
                Value::U128(u128_max - 1),
                Value::U128(u128_max),
                Value::u256(0, 0),
                Value::u256(1, 0),
            ])),
        ),
        case(
            "bool_logic",
            one(tuple(
                [false, true, true, false, true, true, false, false]
                    .map(b)
                    .to_vec(),
            )),
        ),
        case(
            "structs",
            one(tuple(vec![point_value(5, 4), Value::U32(14)])),
        ),
        case(
            "enums",
            one(tuple(vec![
                Value::U32(12),
                Value::U32(15),
                Value::U32(0),
                Value::U32(12),
            ])),
        ),
        call(
            "enums",
            "pick",
            "[1]",
            one(Value::variant(1, tuple(vec![Value::U32(2), Value::U32(9)]))),
        ),
        call(
            "enums",
            "pick",
            "[2]",
            one(Value::variant(2, Value::unit())),
        ),
        call(
            "enums",
            "pick",
            "[3]",
            one(Value::variant(
                3,
                tuple(vec![Value::U32(1), Value::U32(2), Value::U32(3)]),
            )),
        ),
        case(
            "match_felt",
            one(tuple(vec![
                f(short("zero")),
                f(short("one")),
                f(short("two")),
                f(short("many")),
            ])),
        ),
        case(
            "option_result",
            one(tuple(vec![
                some(Value::U32(5)),
                none(),
                Value::U32(99),
                ok(Value::U8(42)),
                err(f(short("not a digit"))),
            ])),
        ),
        case(
            "arrays",
            one(tuple(vec![
                Value::U32(10),
                f(felt(9)),
                f(felt(81)),
                some(f(felt(0))),
                f(felt(285)),
                Value::U32(9),
            ])),
        ),
        case(
            "array_out_of_bounds",
            panic(vec![short("Index out of bounds")]),
        ),
        call(
            "spans",
            "main",
            "[[1, 2, 3, 4]]",
            // slice(1, 3) is three elements from index 1: 2 + 3 + 4.
            one(tuple(vec![
                Value::U64(10),
                Value::U64(9),
                some(Value::U64(1)),
                some(Value::U64(4)),
                Value::U32(2),
            ])),
        ),
        case(
            "array_of_structs",
            one(tuple(vec![
                Value::Array(vec![pair(1, 1000), pair(2, 2000), pair(3, 3000)]),
                Value::Array(vec![bytes(&[0]), bytes(&[0, 1]), bytes(&[0, 1, 2])]),
            ])),
        ),
        case(
            "snapshots",
            one(tuple(vec![Value::U32(3), Value::U16(7), Value::U16(10)])),
        ),
        case(
            "boxes",
            one(tuple(vec![
                Value::U128(3),
                f(short("three")),
                tuple(vec![Value::U128(10), Value::U128(20), f(felt(30))]),
            ])),
        ),
        case(
            "nullables",
            one(tuple(vec![
                Value::U64(42),
                Value::U64(7),
                Value::Nullable(Some(Box::new(Value::U64(42)))),
                Value::Nullable(None),
            ])),
        ),
        case(
            "dict_basic",
            one(tuple(vec![
                Value::U64(111),
                Value::U64(200),
                Value::U64(0),
                Value::U64(311),
            ])),
        ),
        case(
            "dict_entry",
            one(tuple(vec![Value::U32(3), Value::U32(2), Value::U32(1)])),
        ),
        case(
            "dict_squash",
            one(tuple(vec![
                Value::Felt252Dict(vec![
                    (DictKey(felt(10)), f(felt(3))),
                    (DictKey(felt(20)), f(felt(2))),
                ]),
                Value::SquashedFelt252Dict(vec![
                    (DictKey(felt(5)), f(felt(55))),
                    (DictKey(felt(7)), f(felt(70))),
                ]),
            ])),
        ),
        // Keys from 2^128 up (the last is p - 1): squashed in key order.
        call(
            "dict_squash",
            "big_keys",
            "[5]",
            one(Value::SquashedFelt252Dict(vec![
                (DictKey(felt(3)), f(felt(4))),
                (DictKey(Felt252::from(u128::MAX) + felt(6)), f(felt(1))),
                (DictKey(Felt252::ZERO - felt(1)), f(felt(3))),
            ])),
        ),
        call(
            "dict_squash",
            "empty",
            "[]",
            one(Value::SquashedFelt252Dict(vec![])),
        ),
        // QM31 read back (the VM packs four M31 in one felt, 36 bits apart); the product
        // worked out in Python over CM31[u]/(u² - 2 - i).
        case(
            "qm31_values",
            one(tuple(vec![
                Value::Qm31([1, 2, 3, 4]),
                Value::Qm31([0x7ffffffe, 0x673cff77, 0x60713d44, 0x499602d2]),
                Value::Qm31([1224105101, 524723985, 810629568, 1076853699]),
            ])),
        ),
        // `print` writes to standard output (compared between backends by the CLI tests).
        case("printing", one(Value::U32(7))),
        call("printing", "panic_after_print", "[3]", one(Value::U32(6))),
        call(
            "printing",
            "panic_after_print",
            "[12]",
            panic(byte_array_panic("n is 12 and too large")),
        ),
        // Shared arrays and dictionaries: what each snapshot must still see (worked out from
        // the source; `queue` checked against a Python simulation of the same loop).
        call(
            "shared_arrays",
            "span_of_full_then_append",
            "[]",
            one(tuple(vec![
                Value::U32(8),
                f(felt(36)),
                Value::U32(10),
                f(felt(336)),
            ])),
        ),
        call(
            "shared_arrays",
            "span_of_roomy_then_append",
            "[]",
            one(tuple(vec![
                Value::U32(5),
                f(felt(15)),
                Value::U32(6),
                f(felt(115)),
                f(felt(1115)),
            ])),
        ),
        call(
            "shared_arrays",
            "pop_while_shared",
            "[]",
            one(tuple(vec![
                Value::Array((1..=8).map(Value::U32).collect()),
                Value::Array([3, 4, 5, 6, 7, 8, 2].into_iter().map(Value::U32).collect()),
                Value::U32(1),
                Value::U32(2),
                Value::U32(1),
            ])),
        ),
        // A span holding the last reference to its buffer read by index: the row copied out
        // before the buffer is dropped; past the end, the buffer dropped all the same.
        call(
            "shared_arrays",
            "read_through_last_reference",
            "[]",
            one(tuple(vec![Value::U32(2), Value::U32(5), b(true)])),
        ),
        call(
            "shared_arrays",
            "queue",
            "[1000]",
            one(tuple(vec![Value::U32(3), f(felt(0xf2ec2))])),
        ),
        call(
            "shared_arrays",
            "ledger_snapshots",
            "[]",
            one(tuple(vec![
                // Sum over i < 20 of 0 + … + i, i.e. C(21, 3).
                Value::U64(1330),
                Value::U64(190),
                Value::U32(0),
                tuple(vec![
                    Value::Array(vec![]),
                    f(short("alice")),
                    Value::BoundedInt(5.into()),
                ]),
                Value::U8(b'!'),
            ])),
        ),
        // Twice the sum over i < 30 of 1 + … + i, i.e. 2 * C(31, 3).
        call("shared_arrays", "grid", "[30]", one(f(felt(8990)))),
        call(
            "shared_arrays",
            "fixed_rows",
            "[]",
            one(tuple(vec![Value::U32(2), Value::U32(3), Value::U32(1)])),
        ),
        call(
            "shared_arrays",
            "dict_snapshot",
            "[]",
            one(tuple(vec![
                Value::Felt252Dict(vec![(DictKey(felt(1)), Value::U64(10))]),
                Value::U64(31),
            ])),
        ),
        call(
            "shared_arrays",
            "dict_of_arrays_snapshot",
            "[]",
            one(tuple(vec![
                Value::Felt252Dict(vec![(
                    DictKey(felt(2)),
                    Value::Nullable(Some(Box::new(Value::Array(vec![
                        Value::U32(3),
                        Value::U32(4),
                    ])))),
                )]),
                Value::U32(3),
            ])),
        ),
        call(
            "shared_arrays",
            "dict_snapshot_loop",
            "[50]",
            one(tuple(vec![
                Value::U64(9),
                Value::Felt252Dict(
                    (0..50u64)
                        .map(|i| (DictKey(felt(i.into())), Value::U64(i * i)))
                        .collect(),
                ),
            ])),
        ),
        // Ten passes over 1 + … + 100.
        call(
            "shared_arrays",
            "snapshot_churn",
            "[100, 1000]",
            one(f(felt(50500))),
        ),
        case(
            "shared_arrays",
            one(tuple(vec![
                Value::U32(8),
                f(felt(36)),
                Value::U32(10),
                f(felt(336)),
            ])),
        ),
        case(
            "dict_nullable",
            one(tuple(vec![Value::U32(3), Value::U32(1), f(felt(7))])),
        ),
        case(
            "recursion",
            one(tuple(vec![
                Value::U128(factorial(10)),
                Value::U128(factorial(30)),
                Value::U64(9),
            ])),
        ),
        case(
            "mutual_recursion",
            one(tuple(vec![b(true), b(false), Value::U32(6), Value::U32(6)])),
        ),
        case(
            "loops",
            one(tuple(vec![
                Value::U32(23),
                Value::U32(111),
                Value::U32(5050),
            ])),
        ),
        case(
            "panic_data",
            panic(vec![short("custom error"), felt(42), felt(-1)]),
        ),
        call("panic_data", "with_macro", "[3]", one(Value::U32(3))),
        call(
            "panic_data",
            "with_macro",
            "[11]",
            panic(byte_array_panic("x is too big: 11")),
        ),
        call(
            "panic_data",
            "assert_fails",
            "[]",
            panic(vec![short("one is not two")]),
        ),
        call("gas_exhaustion", "main", "[10]", one(Value::U64(45))),
        Case {
            program: "gas_exhaustion",
            entry: "main",
            args: Cow::Borrowed("[1000000]"),
            gas: Some(100_000),
            expect: panic(vec![short("Out of gas")]),
        },
        case(
            "pedersen",
            one(tuple(vec![
                f(Pedersen::hash(&felt(1), &felt(2))),
                f(Pedersen::hash(
                    &Pedersen::hash(&felt(0), &felt(1)),
                    &felt(2),
                )),
                f(Pedersen::hash(
                    &Pedersen::hash(&felt(0), &felt(1)),
                    &felt(2),
                )),
            ])),
        ),
        case(
            "poseidon",
            one(tuple(vec![
                f(Poseidon::hash_array(&[felt(1)])),
                f(Poseidon::hash_array(&[felt(1), felt(2), felt(3)])),
                f(hades[0]),
                f(hades[1]),
                f(hades[2]),
            ])),
        ),
        case(
            "bitwise",
            one(tuple(vec![
                Value::U128(
                    0xff00ff00ff00ff00ff00ff00ff00ff00 & 0x0ff00ff00ff00ff00ff00ff00ff00ff0,
                ),
                Value::U128(
                    0xff00ff00ff00ff00ff00ff00ff00ff00 | 0x0ff00ff00ff00ff00ff00ff00ff00ff0,
                ),
                Value::U128(
                    0xff00ff00ff00ff00ff00ff00ff00ff00 ^ 0x0ff00ff00ff00ff00ff00ff00ff00ff0,
                ),
                // 0xf0f0…f0 (160 bits) & 0xffff…0000 (160 bits), as (low, high).
                Value::u256(0xf0f0f0f0f0f0f0f0f0f0f0f0f0f00000, 0xf0f0f0f0),
                Value::U64(0b1110),
            ])),
        ),
        case(
            "ec_ops",
            one(tuple(vec![f(x2), f(y2), f(x3), f(y3), b(true)])),
        ),
        case(
            "ec_from_x",
            one(tuple(vec![b(true), f(AffinePoint::generator().x())])),
        ),
        // ECDSA: the expected keys and multiples computed apart from both backends (affine
        // arithmetic in Python over the curve's published parameters).
        case(
            "ecdsa",
            one(tuple(vec![
                tuple(
                    [true, true, false, false, false, false, false, false]
                        .into_iter()
                        .map(b)
                        .collect(),
                ),
                some(f(hex(
                    "0x7b7454acbe7845da996377f85eb0892044d75ae95d04d3325a391951f35d2ec",
                ))),
                some(f(hex(
                    "0xccafaf925662d6e6d973c0ff474391ab0106b733226317c87a01e3b6cd7d14",
                ))),
                tuple(vec![
                    none(),
                    some(f(AffinePoint::generator().x())),
                    some(f(hex(
                        "0x6e8cbde114bdd013f1885a70873d6b9ef435f239b732bc410e3c3a55efec859",
                    ))),
                    some(f(AffinePoint::generator().x())),
                    none(),
                    some(f(AffinePoint::generator().x())),
                    some(f(hex(
                        "0x744c580160555c929177056d0ab2392492de80d4619bdd8dba1e1add7ec8f",
                    ))),
                ]),
            ])),
        ),
        // Two signed conversions side by side (LLVM 22's EVEX compression miscompiled them
        // natively): a·(a − 11), a, a − 11 (a itself past i8's range), span_sum([1]).
        case(
            "signed_felt_pairs",
            one(Value::Array(vec![
                f(felt(-10)),
                f(felt(1)),
                f(felt(-10)),
                f(felt(1)),
            ])),
        ),
        call(
            "signed_felt_pairs",
            "pair",
            "[-1]",
            one(Value::Array(vec![
                f(felt(12)),
                f(felt(-1)),
                f(felt(-12)),
                f(felt(1)),
            ])),
        ),
        call(
            "signed_felt_pairs",
            "pair",
            "[10]",
            one(Value::Array(vec![
                f(felt(-10)),
                f(felt(10)),
                f(felt(-1)),
                f(felt(1)),
            ])),
        ),
        call(
            "signed_felt_pairs",
            "pair",
            "[-128]",
            panic(vec![short("i8_mul Overflow")]),
        ),
        case(
            "pointer_args",
            one(tuple(vec![
                Value::U32(1),
                f(short("one")),
                Value::U64(4),
                Value::U32(5),
            ])),
        ),
        call(
            "pointer_args",
            "sum_boxes",
            "[[7, 9], 5, null, [1, 2, 3]]",
            one(tuple(vec![
                Value::U32(7),
                f(felt(9)),
                Value::U64(5),
                Value::U32(6),
            ])),
        ),
        call(
            "pointer_args",
            "nested",
            "[[4, [1, 2, 3]]]",
            one(tuple(vec![Value::U16(4), Value::U32(3)])),
        ),
        call(
            "pointer_args",
            "boxed_results",
            "[20]",
            one(tuple(vec![
                Value::U32(40),
                Value::Nullable(Some(Box::new(Value::U32(21)))),
                Value::Nullable(None),
            ])),
        ),
        // States read back as their sum (the VM's random start point subtracted).
        call(
            "pointer_args",
            "fresh_state",
            "[]",
            one(ec_state(&identity)),
        ),
        call(
            "pointer_args",
            "add_point",
            "[[0, 0, 0, 0], 1]",
            one(tuple(vec![
                ec_state(&p1),
                some(tuple(vec![f(felt(1)), f(point(&p1).1)])),
            ])),
        ),
        // A state whose current point is G + P1 and whose start is P1 holds G.
        Case {
            program: "pointer_args",
            entry: "add_point",
            args: Cow::Owned(state_g_args),
            gas: Some(100_000_000),
            expect: one(tuple(vec![
                ec_state(&(&g + &p1)),
                some(tuple(vec![
                    f(point(&(&g + &p1)).0),
                    f(point(&(&g + &p1)).1),
                ])),
            ])),
        },
        call(
            "pointer_args",
            "guarantees",
            "[200]",
            one(tuple(vec![
                Value::BoundedInt(200.into()),
                Value::BoundedInt(u64::MAX.into()),
            ])),
        ),
        call(
            "pointer_args",
            "guarantee_back",
            r#"["79228162514264337593543950335"]"#,
            one(Value::BoundedInt(((1u128 << 96) - 1).into())),
        ),
        // Dictionaries as arguments: on the VM the entry code makes them in the segment arena
        // and fills them through the runner's own dictionary hints.
        case("dict_args", one(Value::U64(30))),
        call(
            "dict_args",
            "sum_keys",
            r#"[{"1": 5, "2": 7, "9": 100}, [1, 2, 3, 9]]"#,
            one(Value::U64(112)),
        ),
        call("dict_args", "sum_keys", "[{}, [1]]", one(Value::U64(0))),
        call(
            "dict_args",
            "update",
            r#"[{"4": 1, "6": 2}, 4, 10]"#,
            one(Value::Felt252Dict(vec![
                (DictKey(felt(4)), Value::U32(11)),
                (DictKey(felt(5)), Value::U32(10)),
                (DictKey(felt(6)), Value::U32(2)),
            ])),
        ),
        call(
            "dict_args",
            "squash_after_writes",
            r#"[{"3": 40, "8": 1}, 3]"#,
            one(Value::SquashedFelt252Dict(vec![
                (DictKey(felt(3)), f(felt(42))),
                (DictKey(felt(8)), f(felt(1))),
            ])),
        ),
        call(
            "dict_args",
            "two_and_new",
            r#"[{"7": 3}, {"7": 4, "1": 1}]"#,
            one(tuple(vec![
                Value::U8(3),
                Value::U8(99),
                Value::U8(7),
                Value::Felt252Dict(vec![(DictKey(felt(7)), Value::U8(7))]),
            ])),
        ),
        call(
            "dict_args",
            "array_len_at",
            r#"[{"5": [1, 2, 3], "6": null}, 5]"#,
            one(Value::U32(3)),
        ),
        call(
            "dict_args",
            "array_len_at",
            r#"[{"5": [1, 2, 3], "6": null}, 6]"#,
            one(Value::U32(0)),
        ),
        call(
            "dict_args",
            "bag_total",
            r#"[[{"2": 3, "4": 5}, 10], [2, 4, 6]]"#,
            one(Value::U64(80)),
        ),
        call(
            "dict_args",
            "read_by_ref",
            r#"[{"2": 3}, 2]"#,
            // The dictionary comes back first, as the `ref` parameter's new value.
            Expect::Values(vec![
                Value::Felt252Dict(vec![(DictKey(felt(2)), Value::U64(3))]),
                Value::U64(3),
            ]),
        ),
        case(
            "bytes31",
            one(tuple(vec![
                Value::U8(b'o'),
                Value::U8(b'h'),
                f(short("hello")),
                Value::U32(5),
            ])),
        ),
        case(
            "byte_array",
            one(tuple(vec![
                Value::U32(49),
                some(Value::U8(b'q')),
                none(),
                // ByteArray { data, pending_word, pending_word_len: BoundedInt<0, 30> }.
                tuple(vec![
                    Value::Array(vec![]),
                    f(short("Cairn")),
                    Value::BoundedInt(5.into()),
                ]),
            ])),
        ),
        case(
            "casts",
            one(tuple(vec![
                Value::U64(200),
                Value::U128(200),
                f(felt(200)),
                some(Value::U8(255)),
                none(),
                none(),
                none(),
            ])),
        ),
        case(
            "sqrt",
            one(tuple(vec![
                Value::U32(1000),
                Value::U64(u64::MAX),
                Value::U128(1 << 64),
            ])),
        ),
        case(
            "tuples",
            one(tuple(vec![
                tuple(vec![f(short("nine")), Value::U8(9)]),
                Value::unit(),
                tuple(vec![
                    tuple(vec![Value::U16(3), Value::U16(2)]),
                    Value::U16(1),
                ]),
            ])),
        ),
        call(
            "args",
            "main",
            r#"["0x10", [3, 4], [1, -2, 30], true, "0xffffffffffffffffffffffffffffffffff"]"#,
            one(tuple(vec![
                f(felt(32)),
                Value::U32(12),
                Value::I16(29),
                b(false),
                Value::u256(0, 256),
            ])),
        ),
        case(
            "traits_generics",
            one(tuple(vec![Value::U32(120), Value::U32(820)])),
        ),
        case(
            "u128_wide",
            one(tuple(vec![
                Value::U128(u128_max - 1),
                Value::U128(1),
                Value::U128(142857142857142857142),
                Value::U128(6),
            ])),
        ),
        case(
            "bench_loops",
            one(tuple(vec![
                f(felt(354224848179261915075)),
                f(felt(2432902008176640000)),
                int_loop(100),
            ])),
        ),
        call("bench_loops", "fib", "[1000]", one(f(fib(1000)))),
        call(
            "bench_loops",
            "factorial",
            "[100]",
            one(f(felt_factorial(100))),
        ),
        call("bench_loops", "int_loop", "[2000]", one(int_loop(2000))),
        // Σ (3 + i) for i < 100
        call("bench_loops", "dict_churn", "[100]", one(f(felt(5250)))),
        // (a + b)(a - b) and that over b, modulo m (worked out in Python); 11 has no inverse
        // modulo 55; a modulus below 2 is refused.
        case(
            "circuits",
            one(tuple(vec![
                some(tuple(vec![f(felt(91)), f(felt(333333366))])),
                some(tuple(vec![
                    f(Felt252::from(167116451310060889873588139007070987298u128)),
                    f(Felt252::from(113921561018797284433026251948604234167u128)),
                ])),
                none(),
            ])),
        ),
        call(
            "circuits",
            "evaluate",
            "[1, 1, 1]",
            panic(vec![short("Option::unwrap failed.")]),
        ),
        // u256 high half 5, Triple.small 200, and the array [4, 5, 6] taken out of its holder.
        case(
            "boxed_members",
            one(tuple(vec![
                Value::U128(5),
                Value::U8(200),
                Value::U32(3),
                Value::U32(6),
            ])),
        ),
        case("prop_ints", one(Value::U8(0))),
        call(
            "prop_ints",
            "felt_ops",
            "[7, 2]",
            one(tuple(vec![
                f(felt(9)),
                f(felt(5)),
                f(felt(14)),
                f(felt(7).field_div(&felt(2).try_into().expect("non-zero"))),
                b(false),
                some(Value::U128(7)),
                some(Value::U8(2)),
                some(Value::I64(7)),
            ])),
        ),
        call(
            "prop_ints",
            "u32_panicking",
            "[7, 3]",
            one(tuple(vec![
                Value::U32(10),
                Value::U32(4),
                Value::U32(21),
                Value::U32(2),
            ])),
        ),
        call(
            "prop_ints",
            "u32_panicking",
            "[3, 7]",
            panic(vec![short("u32_sub Overflow")]),
        ),
        call(
            "prop_ints",
            "i32_panicking",
            "[2147483647, 1]",
            panic(vec![short("i32_add Overflow")]),
        ),
        // The curves' published generators and multiples (SEC 2), and r1's p - G.y.
        case("secp_points", one(tuple(vec![k1_g.clone(), r1_g.clone()]))),
        call("secp_points", "k1_double_generator", "[]", one(k1_2g)),
        call(
            "secp_points",
            "k1_infinity",
            "[]",
            one(secp_point("0", "0")),
        ),
        call(
            "secp_points",
            "points_in_a_tuple",
            "[7]",
            one(tuple(vec![r1_g.clone(), Value::U8(7), k1_3g])),
        ),
        call("secp_points", "r1_from_x", R1_FROM_GX_ODD, one(some(r1_g))),
        call(
            "secp_points",
            "r1_from_x",
            R1_FROM_GX_EVEN,
            one(some(r1_minus_g)),
        ),
        // x = 1 is on neither side of P-256.
        call("secp_points", "r1_from_x", "[1, true]", one(none())),
    ]
    .into_iter()
    .chain(felt_products())
    .collect()
}

/// `products(a, b)` of `felt_arith.cairo` on operands at the edges of felt multiplication's
/// reduction (P − 1, 2^251, 2^192, (P ± 1)/2, 0, 1, a 2^128 boundary and two dense values),
/// the expected products computed by `starknet-types-core`.
fn felt_products() -> Vec<Case> {
    let minus_one = Felt252::ZERO - Felt252::ONE;
    let two_251 = Felt252::from(2u8).pow(251u32);
    let two_192 = Felt252::from(2u8).pow(192u32);
    let two_128 = Felt252::from(2u8).pow(128u32);
    let half = minus_one.field_div(&Felt252::from(2u8).try_into().expect("non-zero"));
    let dense = hex("0x7a3b5c9d1e2f40516273849506a7b8c9dae0f1021324354657687980a1b2c3d");
    let other = hex("0x5f0e1d2c3b4a59687796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f");
    let pairs = [
        (minus_one, minus_one),
        (minus_one, Felt252::from(2u8)),
        (two_251, two_251),
        (half, half + Felt252::ONE),
        (Felt252::ZERO, minus_one),
        (Felt252::ONE, two_251 + Felt252::from(17u8) * two_192),
        (two_192, Felt252::from(17u8) * two_192),
        (two_128 - Felt252::ONE, two_128 + Felt252::ONE),
        (dense, other),
        (other, minus_one - dense),
    ];
    pairs
        .iter()
        .map(|&(a, b)| {
            let mut x = b;
            for _ in 0..64 {
                x = x * x + a;
            }
            Case {
                program: "felt_arith",
                entry: "products",
                args: Cow::Owned(format!("[\"{a:#x}\", \"{b:#x}\"]")),
                gas: Some(100_000_000),
                expect: one(Value::Array(
                    [a * b, a * a, b * b, a * minus_one, x]
                        .into_iter()
                        .map(f)
                        .collect(),
                )),
            }
        })
        .collect()
}

/// `r1_from_x(G.x, y odd)` and `(G.x, y even)` for P-256's generator.
const R1_FROM_GX_ODD: &str =
    r#"["48439561293906451759052585252797914202762949526041747995844080717082404635286", true]"#;
const R1_FROM_GX_EVEN: &str =
    r#"["48439561293906451759052585252797914202762949526041747995844080717082404635286", false]"#;

/// A secp256 point from its coordinates in hex, as (low, high) 128-bit halves.
fn secp_point(x: &str, y: &str) -> Value {
    let halves = |hex: &str| {
        let padded = format!("{hex:0>64}");
        let high = u128::from_str_radix(&padded[..32], 16).expect("hex");
        let low = u128::from_str_radix(&padded[32..], 16).expect("hex");
        (U128Half(low), U128Half(high))
    };
    Value::Secp256Point {
        x: halves(x),
        y: halves(y),
    }
}

/// `fib(n)` of `bench_loops.cairo`, in felts.
fn fib(n: u64) -> Felt252 {
    let (mut a, mut b) = (Felt252::ZERO, Felt252::ONE);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    a
}

/// `factorial(n)` of `bench_loops.cairo`, in felts.
fn felt_factorial(n: u64) -> Felt252 {
    (1..=n).fold(Felt252::ONE, |acc, i| acc * Felt252::from(i))
}

/// `int_loop(n)` of `bench_loops.cairo`.
fn int_loop(n: u64) -> Value {
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut acc: u128 = 0;
    for i in 0..n {
        x ^= x / 4096;
        x ^= (x & 0x3ffffffffff) * 512;
        x = (x % 1000000007) * 31 + i % 17;
        acc = (acc + u128::from(x)) % 0xffffffffffffffffffffffffffffff;
    }
    tuple(vec![Value::U64(x), Value::U128(acc)])
}
