//! The JSON form of values, for arguments and results on the command line.
//!
//! Two forms are accepted wherever a value of a known Sierra type is read:
//!
//! - **plain**, directed by the type: a felt252 or integer is a JSON number or a string (decimal,
//!   `0x` hex, or negative: `"-1"` is `P - 1` for felt252); a struct or tuple is an array of its
//!   members; an enum is `{"variant": i, "value": v}` (`value` may be left out for a unit
//!   payload); an array or span is an array; a `Nullable` is `null` or its value; a
//!   `Felt252Dict` is an object from keys to values; `Box`, `NonZero` and snapshots are their
//!   inner value. Conveniences: `bool` accepts `true`/`false`, `u256` a single number or string.
//! - **tagged**, the serde form of [`Value`] (`{"u8": 7}`, `{"struct": [...]}`, ...), which is
//!   also what results are written as; it is checked against the type like the plain form.

use cairo_lang_sierra::ids::ConcreteTypeId;
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{Num, ToPrimitive, Zero};
use serde_json::Value as Json;
use starknet_types_core::felt::Felt;

use crate::shape::{IntWidth, TypeShape};
use crate::value::DictKey;
use crate::{Registry, Value, ValueError};

/// The tags of [`Value`]'s serde form.
const VALUE_TAGS: [&str; 25] = [
    "felt252",
    "bytes31",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "bounded_int",
    "struct",
    "enum",
    "array",
    "nullable",
    "felt252_dict",
    "squashed_felt252_dict",
    "ec_point",
    "ec_state",
    "secp256_point",
    "qm31",
    "builtin",
    "gas",
];

/// Parses a felt252 written as decimal, `0x` hex, or a negative decimal (taken modulo P).
pub fn parse_felt(text: &str) -> Result<Felt, String> {
    let number = parse_integer(text).ok_or_else(|| format!("`{text}` is not a number"))?;
    felt_from_integer(&number).ok_or_else(|| format!("{text} is out of range for felt252"))
}

fn parse_integer(text: &str) -> Option<BigInt> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => BigUint::from_str_radix(hex, 16).ok()?,
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            BigUint::from_str_radix(digits, 10).ok()?
        }
        None => return None,
    };
    Some(BigInt::from_biguint(
        if negative { Sign::Minus } else { Sign::Plus },
        magnitude,
    ))
}

/// A felt from an integer in `(-P, P)`; negative numbers wrap around the prime.
fn felt_from_integer(number: &BigInt) -> Option<Felt> {
    let prime = BigInt::from_biguint(Sign::Plus, Felt::prime());
    if number.magnitude() >= prime.magnitude() {
        return None;
    }
    let canonical = if number.sign() == Sign::Minus {
        number + &prime
    } else {
        number.clone()
    };
    Some(Felt::from(canonical))
}

fn json_integer(json: &Json) -> Option<BigInt> {
    match json {
        Json::Number(number) => number
            .as_u64()
            .map(BigInt::from)
            .or_else(|| number.as_i64().map(BigInt::from)),
        Json::String(text) => parse_integer(text),
        _ => None,
    }
}

/// A JSON value in an error message, cut at 60 characters (not bytes: user text can be any
/// UTF-8).
fn describe(json: &Json) -> String {
    let text = json.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Parses JSON text (such as `--args`) keeping every integer exact. serde_json reads an
/// integer beyond 64 bits as a float, losing digits; such literals are read instead as the
/// decimal strings they spell, which every integer type accepts.
pub fn parse_exact(text: &str) -> Result<Json, serde_json::Error> {
    serde_json::from_str(&quote_long_integers(text))
}

/// `text` with integer literals of more than 18 digits (outside strings) put in quotes.
fn quote_long_integers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
            out.push(c);
            continue;
        }
        if c != '-' && !c.is_ascii_digit() {
            out.push(c);
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(at, next)) = chars.peek() {
            if !(next.is_ascii_digit() || matches!(next, '.' | 'e' | 'E' | '+' | '-')) {
                break;
            }
            end = at + next.len_utf8();
            chars.next();
        }
        let token = &text[start..end];
        let digits = token.strip_prefix('-').unwrap_or(token);
        if digits.len() > 18 && digits.bytes().all(|byte| byte.is_ascii_digit()) {
            out.push('"');
            out.push_str(token);
            out.push('"');
        } else {
            out.push_str(token);
        }
    }
    out
}

/// Reads the arguments of a function, given the types of its user parameters, from a JSON
/// array (one element per parameter).
pub fn args_from_json(
    json: &Json,
    param_types: &[ConcreteTypeId],
    registry: &Registry,
) -> Result<Vec<Value>, ValueError> {
    let items = match json {
        Json::Array(items) => items.as_slice(),
        other => {
            return Err(ValueError::Mismatch {
                path: "arguments".to_owned(),
                expected: format!("a JSON array of {} arguments", param_types.len()),
                found: describe(other),
            })
        }
    };
    if items.len() != param_types.len() {
        return Err(ValueError::WrongArgumentCount {
            expected: param_types.len(),
            found: items.len(),
        });
    }
    items
        .iter()
        .zip(param_types)
        .enumerate()
        .map(|(index, (item, ty))| value_from_json(item, ty, registry, &format!("arg {index}")))
        .collect()
}

/// Reads one value of type `ty` from JSON (plain or tagged form). `path` names the place in
/// error messages.
pub fn value_from_json(
    json: &Json,
    ty: &ConcreteTypeId,
    registry: &Registry,
    path: &str,
) -> Result<Value, ValueError> {
    if let Json::Object(object) = json {
        if object.len() == 1 && object.keys().all(|key| VALUE_TAGS.contains(&key.as_str())) {
            let value: Value =
                serde_json::from_value(json.clone()).map_err(|error| ValueError::Mismatch {
                    path: path.to_owned(),
                    expected: format!("a tagged value of type {ty}"),
                    found: error.to_string(),
                })?;
            check(&value, ty, registry, path)?;
            return Ok(value);
        }
    }
    let shape = TypeShape::of(registry, ty)?;
    let mismatch = |expected: &str| ValueError::Mismatch {
        path: path.to_owned(),
        expected: expected.to_owned(),
        found: describe(json),
    };
    let out_of_range = || ValueError::OutOfRange {
        path: path.to_owned(),
        value: describe(json),
        ty: ty.to_string(),
    };
    match shape {
        TypeShape::Felt252 | TypeShape::Bytes31 => {
            let number = json_integer(json).ok_or_else(|| mismatch("a felt252 number"))?;
            let felt = felt_from_integer(&number).ok_or_else(out_of_range)?;
            if shape == TypeShape::Bytes31 {
                if number.sign() == Sign::Minus || number.bits() > 248 {
                    return Err(out_of_range());
                }
                return Ok(Value::Bytes31(felt));
            }
            Ok(Value::Felt252(felt))
        }
        TypeShape::Int(width) => {
            let number = json_integer(json).ok_or_else(|| mismatch(width.name()))?;
            width.value(&number).ok_or_else(out_of_range)
        }
        TypeShape::BoundedInt { lower, upper } => {
            let number = json_integer(json).ok_or_else(|| mismatch("an integer"))?;
            if number < lower || number > upper {
                return Err(out_of_range());
            }
            Ok(Value::BoundedInt(number))
        }
        TypeShape::Struct { ref members, .. } => {
            if shape.is_user_type("core::integer::u256") && !json.is_array() {
                let number = json_integer(json).ok_or_else(|| mismatch("a u256 number"))?;
                let (sign, magnitude) = number.into_parts();
                if sign == Sign::Minus || magnitude.bits() > 256 {
                    return Err(out_of_range());
                }
                let mask = (BigUint::from(1u8) << 128) - 1u8;
                let low = (&magnitude & &mask).to_u128().unwrap_or_default();
                let high = (magnitude >> 128usize).to_u128().unwrap_or_default();
                return Ok(Value::u256(low, high));
            }
            if let (true, [snapshot]) = (shape.is_instance_of("core::array::Span"), &members[..]) {
                // A span is written as its elements, as an array is; its struct form (the
                // elements in a one-member array, `[[1, 2]]`) is taken when that fails.
                let elements = value_from_json(json, snapshot, registry, path);
                let struct_form = match json {
                    Json::Array(items) => match items.as_slice() {
                        [inner @ Json::Array(_)] => {
                            value_from_json(inner, snapshot, registry, &format!("{path}.0")).ok()
                        }
                        _ => None,
                    },
                    _ => None,
                };
                return match (elements, struct_form) {
                    (Ok(value), _) => Ok(Value::Struct(vec![value])),
                    (Err(_), Some(value)) => Ok(Value::Struct(vec![value])),
                    (Err(error), None) => Err(error),
                };
            }
            let items = match json {
                Json::Array(items) => items.as_slice(),
                Json::Null if members.is_empty() => &[],
                _ => return Err(mismatch(&format!("an array of {} members", members.len()))),
            };
            if items.len() != members.len() {
                return Err(ValueError::WrongMemberCount {
                    path: path.to_owned(),
                    ty: ty.to_string(),
                    expected: members.len(),
                    found: items.len(),
                });
            }
            items
                .iter()
                .zip(members)
                .enumerate()
                .map(|(index, (item, member))| {
                    value_from_json(item, member, registry, &format!("{path}.{index}"))
                })
                .collect::<Result<_, _>>()
                .map(Value::Struct)
        }
        TypeShape::Enum { ref variants, .. } => {
            if let (Json::Bool(flag), true) = (json, shape.is_user_type("core::bool")) {
                return Ok(Value::bool(*flag));
            }
            let object = json
                .as_object()
                .ok_or_else(|| mismatch("{\"variant\": index, \"value\": payload}"))?;
            let variant = object
                .get("variant")
                .and_then(Json::as_u64)
                .and_then(|index| usize::try_from(index).ok())
                .ok_or_else(|| mismatch("{\"variant\": index, \"value\": payload}"))?;
            let payload_ty = variants
                .get(variant)
                .ok_or_else(|| ValueError::NoSuchVariant {
                    path: path.to_owned(),
                    variant,
                    count: variants.len(),
                    ty: ty.to_string(),
                })?;
            let payload = object.get("value").unwrap_or(&Json::Null);
            let payload = value_from_json(payload, payload_ty, registry, &format!("{path}.value"))?;
            Ok(Value::variant(variant, payload))
        }
        TypeShape::Array(element) | TypeShape::Span(element) => {
            let items = json.as_array().ok_or_else(|| mismatch("an array"))?;
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    value_from_json(item, &element, registry, &format!("{path}[{index}]"))
                })
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        TypeShape::Snapshot(inner) | TypeShape::Box(inner) => {
            value_from_json(json, &inner, registry, path)
        }
        TypeShape::NonZero(inner) => {
            let value = value_from_json(json, &inner, registry, path)?;
            if is_zero(&value) {
                return Err(ValueError::OutOfRange {
                    path: path.to_owned(),
                    value: "0".to_owned(),
                    ty: ty.to_string(),
                });
            }
            Ok(value)
        }
        TypeShape::Nullable(inner) => match json {
            Json::Null => Ok(Value::Nullable(None)),
            other => value_from_json(other, &inner, registry, path)
                .map(|value| Value::Nullable(Some(Box::new(value)))),
        },
        TypeShape::Felt252Dict(inner) => {
            let object = json
                .as_object()
                .ok_or_else(|| mismatch("an object from keys to values"))?;
            let mut entries = object
                .iter()
                .map(|(key, item)| {
                    let key = parse_felt(key).map_err(|reason| ValueError::Mismatch {
                        path: path.to_owned(),
                        expected: "felt252 keys".to_owned(),
                        found: reason,
                    })?;
                    let value = value_from_json(item, &inner, registry, &format!("{path}[{key}]"))?;
                    Ok((DictKey(key), value))
                })
                .collect::<Result<Vec<_>, ValueError>>()?;
            entries.sort_by_key(|(key, _)| *key);
            Ok(Value::Felt252Dict(entries))
        }
        TypeShape::EcPoint => {
            let [x, y] = felts::<2>(json).ok_or_else(|| mismatch("[x, y]"))?;
            Ok(Value::EcPoint { x, y })
        }
        TypeShape::EcState => {
            let [x, y, x0, y0] = felts::<4>(json).ok_or_else(|| mismatch("[x, y, x0, y0]"))?;
            Ok(Value::EcState { x, y, x0, y0 })
        }
        TypeShape::SquashedFelt252Dict(_)
        | TypeShape::Secp256Point
        | TypeShape::Qm31
        | TypeShape::Builtin(_)
        | TypeShape::Opaque(_) => Err(ValueError::UnsupportedType {
            path: path.to_owned(),
            ty: ty.to_string(),
        }),
    }
}

fn felts<const N: usize>(json: &Json) -> Option<[Felt; N]> {
    let items = json.as_array()?;
    let felts: Vec<Felt> = items
        .iter()
        .map(|item| json_integer(item).and_then(|number| felt_from_integer(&number)))
        .collect::<Option<_>>()?;
    felts.try_into().ok()
}

fn is_zero(value: &Value) -> bool {
    match value {
        Value::Felt252(felt) | Value::Bytes31(felt) => *felt == Felt::ZERO,
        Value::U8(v) => *v == 0,
        Value::U16(v) => *v == 0,
        Value::U32(v) => *v == 0,
        Value::U64(v) => *v == 0,
        Value::U128(v) => *v == 0,
        Value::I8(v) => *v == 0,
        Value::I16(v) => *v == 0,
        Value::I32(v) => *v == 0,
        Value::I64(v) => *v == 0,
        Value::I128(v) => *v == 0,
        Value::BoundedInt(v) => v.is_zero(),
        Value::Struct(members) => members.iter().all(is_zero),
        _ => false,
    }
}

/// Checks that `value` is a value of type `ty`.
pub fn check(
    value: &Value,
    ty: &ConcreteTypeId,
    registry: &Registry,
    path: &str,
) -> Result<(), ValueError> {
    check_at(value, ty, registry, &ValuePath::Root(path))
}

/// Where a value sits inside the one being checked, written out only for an error (a check
/// visits every element of every array it is given).
enum ValuePath<'a> {
    Root(&'a str),
    Member(&'a ValuePath<'a>, usize),
    Payload(&'a ValuePath<'a>),
    Index(&'a ValuePath<'a>, usize),
    Key(&'a ValuePath<'a>, &'a dyn std::fmt::Display),
}

impl std::fmt::Display for ValuePath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValuePath::Root(path) => f.write_str(path),
            ValuePath::Member(parent, index) => write!(f, "{parent}.{index}"),
            ValuePath::Payload(parent) => write!(f, "{parent}.value"),
            ValuePath::Index(parent, index) => write!(f, "{parent}[{index}]"),
            ValuePath::Key(parent, key) => write!(f, "{parent}[{key}]"),
        }
    }
}

fn check_at(
    value: &Value,
    ty: &ConcreteTypeId,
    registry: &Registry,
    path: &ValuePath<'_>,
) -> Result<(), ValueError> {
    let shape = TypeShape::shared(registry, ty)?;
    let mismatch = || ValueError::Mismatch {
        path: path.to_string(),
        expected: ty.to_string(),
        found: format!("{value:?}").chars().take(60).collect(),
    };
    match (&*shape, value) {
        (TypeShape::Felt252, Value::Felt252(_)) => Ok(()),
        (TypeShape::Bytes31, Value::Bytes31(felt)) => {
            if felt.bits() > 248 {
                return Err(ValueError::OutOfRange {
                    path: path.to_string(),
                    value: felt.to_string(),
                    ty: ty.to_string(),
                });
            }
            Ok(())
        }
        (TypeShape::Int(width), value) => {
            let fits = matches!(
                (width, value),
                (IntWidth::U8, Value::U8(_))
                    | (IntWidth::U16, Value::U16(_))
                    | (IntWidth::U32, Value::U32(_))
                    | (IntWidth::U64, Value::U64(_))
                    | (IntWidth::U128, Value::U128(_))
                    | (IntWidth::I8, Value::I8(_))
                    | (IntWidth::I16, Value::I16(_))
                    | (IntWidth::I32, Value::I32(_))
                    | (IntWidth::I64, Value::I64(_))
                    | (IntWidth::I128, Value::I128(_))
            );
            fits.then_some(()).ok_or_else(mismatch)
        }
        (TypeShape::BoundedInt { lower, upper }, Value::BoundedInt(number)) => {
            if number < lower || number > upper {
                return Err(ValueError::OutOfRange {
                    path: path.to_string(),
                    value: number.to_string(),
                    ty: ty.to_string(),
                });
            }
            Ok(())
        }
        (TypeShape::Struct { members, .. }, Value::Struct(items)) => {
            if members.len() != items.len() {
                return Err(ValueError::WrongMemberCount {
                    path: path.to_string(),
                    ty: ty.to_string(),
                    expected: members.len(),
                    found: items.len(),
                });
            }
            members
                .iter()
                .zip(items)
                .enumerate()
                .try_for_each(|(index, (member, item))| {
                    check_at(item, member, registry, &ValuePath::Member(path, index))
                })
        }
        (TypeShape::Enum { variants, .. }, Value::Enum { variant, value }) => {
            let payload_ty = variants
                .get(*variant)
                .ok_or_else(|| ValueError::NoSuchVariant {
                    path: path.to_string(),
                    variant: *variant,
                    count: variants.len(),
                    ty: ty.to_string(),
                })?;
            check_at(value, payload_ty, registry, &ValuePath::Payload(path))
        }
        (TypeShape::Array(element) | TypeShape::Span(element), Value::Array(items)) => {
            items.iter().enumerate().try_for_each(|(index, item)| {
                check_at(item, element, registry, &ValuePath::Index(path, index))
            })
        }
        (TypeShape::Snapshot(inner) | TypeShape::Box(inner) | TypeShape::NonZero(inner), value) => {
            check_at(value, inner, registry, path)
        }
        (TypeShape::Nullable(_), Value::Nullable(None)) => Ok(()),
        (TypeShape::Nullable(inner), Value::Nullable(Some(value))) => {
            check_at(value, inner, registry, path)
        }
        (TypeShape::Felt252Dict(inner), Value::Felt252Dict(entries))
        | (TypeShape::SquashedFelt252Dict(inner), Value::SquashedFelt252Dict(entries)) => {
            entries.iter().try_for_each(|(key, item)| {
                check_at(item, inner, registry, &ValuePath::Key(path, &key.0))
            })
        }
        (TypeShape::EcPoint, Value::EcPoint { .. })
        | (TypeShape::EcState, Value::EcState { .. })
        | (TypeShape::Secp256Point, Value::Secp256Point { .. })
        | (TypeShape::Qm31, Value::Qm31(_))
        | (TypeShape::Builtin(_), Value::Builtin | Value::Gas(_)) => Ok(()),
        _ => Err(mismatch()),
    }
}
