//! Mutations of well-formed inputs into the malformed ones a user, a broken tool or a damaged
//! file can produce: JSON nodes replaced, removed or duplicated, and bytes flipped, cut short or
//! inserted.

use serde_json::{json, Value as Json};

use super::generator::Rng;

/// Values that break assumptions: wrong kinds, huge and negative numbers, odd strings.
fn hostile(rng: &mut Rng) -> Json {
    match rng.below(17) {
        0 => Json::Null,
        1 => json!(true),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(u64::MAX),
        5 => json!(1e300),
        6 => json!(""),
        7 => json!("0x"),
        8 => json!("-0x1"),
        9 => json!("0x800000000000011000000000000000000000000000000000000000000000001"),
        10 => json!([]),
        11 => json!({}),
        12 => json!([[[[[[[[]]]]]]]]),
        13 => json!("\u{0}\u{ffff}"),
        14 => json!(i64::MIN),
        15 => json!("7"),
        _ => json!(rng.next() % 1000),
    }
}

/// Changes one node of `value`, chosen by walking down from the root.
pub fn mutate_json(value: &mut Json, rng: &mut Rng) {
    // Mostly leaves and small subtrees: a document replaced whole tests little.
    let descend = rng.percent(95);
    match value {
        Json::Array(items) if descend && !items.is_empty() => {
            let index = rng.below(items.len());
            match rng.below(6) {
                0 => {
                    items.remove(index);
                }
                1 => {
                    let copy = items[index].clone();
                    items.insert(index, copy);
                }
                2 => {
                    let other = rng.below(items.len());
                    items.swap(index, other);
                }
                _ => mutate_json(&mut items[index], rng),
            }
        }
        Json::Object(fields) if descend && !fields.is_empty() => {
            let key = fields
                .keys()
                .nth(rng.below(fields.len()))
                .cloned()
                .unwrap_or_default();
            match rng.below(6) {
                0 => {
                    fields.remove(&key);
                }
                1 => {
                    fields.insert(format!("{key}_extra"), hostile(rng));
                }
                _ => {
                    if let Some(child) = fields.get_mut(&key) {
                        mutate_json(child, rng);
                    }
                }
            }
        }
        _ => *value = hostile(rng),
    }
}

/// Changes the bytes of a file: flips, a cut, an insertion.
pub fn mutate_bytes(bytes: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            bytes.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(4) {
            0 => bytes.truncate(at),
            1 => bytes.insert(at, rng.next() as u8),
            _ => bytes[at] ^= 1 << rng.below(8),
        }
    }
}
