//! `print` (Cairo's `print!`, `println!`, `core::debug::print*`): the felts written to standard
//! output exactly as the VM's hint processor writes them (cairo-lang-runner's
//! `format_for_debug`): a serialised `ByteArray` as its text, any other felt as `[DEBUG]\t` and
//! its hex value, with the short string it spells in parentheses. Re-written here because the
//! runner's version lives in a crate that links cairo-vm; a test checks both agree.

use std::io::Write;

use cairn_values_abi::array::NativeArray;
use cairo_lang_utils::byte_array::{BYTES_IN_WORD, BYTE_ARRAY_MAGIC};
use num_bigint::BigUint;
use starknet_types_core::felt::Felt;

/// One formatted item: a string, or one felt.
struct Item {
    text: String,
    is_string: bool,
}

/// What `print` writes for `felts`.
pub(crate) fn format_for_debug(felts: &[Felt]) -> String {
    let mut items = Vec::new();
    let mut rest = felts;
    while let Some((item, after)) = next_item(rest) {
        items.push(item);
        rest = after;
    }
    if let [item] = &items[..] {
        if item.is_string {
            return item.text.clone();
        }
    }
    items
        .into_iter()
        .map(|item| {
            if item.is_string {
                format!("{}\n", item.text)
            } else {
                format!("[DEBUG]\t{}\n", item.text)
            }
        })
        .collect()
}

fn byte_array_magic() -> Felt {
    Felt::from_hex(BYTE_ARRAY_MAGIC).unwrap_or(Felt::ZERO)
}

fn next_item(felts: &[Felt]) -> Option<(Item, &[Felt])> {
    let (first, rest) = felts.split_first()?;
    if *first == byte_array_magic() {
        if let Some((text, after)) = byte_array_text(rest) {
            return Some((
                Item {
                    text,
                    is_string: true,
                },
                after,
            ));
        }
    }
    Some((
        Item {
            text: felt_text(first),
            is_string: false,
        },
        rest,
    ))
}

fn felt_text(value: &Felt) -> String {
    let number = value.to_biguint();
    match short_string(&number) {
        Some(text) => format!("{number:#x} ('{text}')"),
        None => format!("{number:#x}"),
    }
}

/// The serialised ByteArray at the start of `felts` (word count, words, pending word, its
/// length) as text, and what follows it; `None` when the felts are not one.
fn byte_array_text(felts: &[Felt]) -> Option<(String, &[Felt])> {
    let (count, rest) = felts.split_first()?;
    let count = usize::try_from(count.to_biguint()).ok()?;
    if rest.len() < count {
        return None;
    }
    let (words, rest) = rest.split_at(count);
    let (pending, rest) = rest.split_first()?;
    let (pending_len, rest) = rest.split_first()?;
    let pending_len = usize::try_from(pending_len.to_biguint()).ok()?;
    let mut text = String::new();
    for word in words {
        text.push_str(&short_string_of_length(word, BYTES_IN_WORD)?);
    }
    text.push_str(&short_string_of_length(pending, pending_len)?);
    Some((text, rest))
}

/// The short string a felt spells (printable ASCII and whitespace, then only zero bytes).
fn short_string(value: &BigUint) -> Option<String> {
    let mut text = String::new();
    let mut ended = false;
    for byte in value.to_bytes_be() {
        if byte == 0 {
            ended = true;
        } else if ended {
            return None;
        } else if byte.is_ascii_graphic() || byte.is_ascii_whitespace() {
            text.push(byte as char);
        } else {
            return None;
        }
    }
    Some(text)
}

/// The `length`-byte string a ByteArray word holds, escaping nulls and unprintable bytes.
fn short_string_of_length(value: &Felt, length: usize) -> Option<String> {
    let number = value.to_biguint();
    if length == 0 {
        return (number == BigUint::ZERO).then(String::new);
    }
    if length > 31 {
        return None;
    }
    let bytes = number.to_bytes_be();
    // Zero has one byte, `0`, which the loop below writes as an escaped null.
    if bytes.len() > length {
        return None;
    }
    let mut text = r"\0".repeat(length - bytes.len());
    for byte in bytes {
        if byte == 0 {
            text.push_str(r"\0");
        } else if byte.is_ascii_graphic() || byte.is_ascii_whitespace() {
            text.push(byte as char);
        } else {
            text.push_str(&format!(r"\x{byte:02x}"));
        }
    }
    Some(text)
}

/// `print(Array<felt252>)`: writes the span's felts as the VM does. A failed write (a closed
/// pipe) is ignored, as the program's own run must go on to give its result.
///
/// # Safety
/// `array` points to a valid array of felts whose elements `start..end` are initialised.
pub(crate) unsafe extern "C" fn print(array: *const NativeArray) {
    // SAFETY: per the contract above.
    let felts: Vec<Felt> = unsafe {
        let array = &*array;
        (array.start..array.end)
            .map(|index| {
                let bytes = &*array.slot(index, 32).cast::<[u8; 32]>();
                Felt::from_bytes_le(bytes)
            })
            .collect()
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(format_for_debug(&felts).as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use cairo_lang_runner::casm_run::format_for_debug as runner_format;
    use proptest::prelude::*;

    use super::*;

    fn both(felts: &[Felt]) -> (String, String) {
        // The runner's formatter takes a vector's iterator, nothing more general.
        let owned: Vec<Felt> = felts.to_vec();
        (format_for_debug(felts), runner_format(owned.into_iter()))
    }

    fn short(text: &str) -> Felt {
        Felt::from_bytes_be_slice(text.as_bytes())
    }

    /// Felts that exercise every branch: the ByteArray magic, small counts and lengths, short
    /// strings (with nulls and unprintable bytes), zero, and large values.
    fn interesting_felt() -> impl Strategy<Value = Felt> {
        prop_oneof![
            Just(byte_array_magic()),
            (0u64..40).prop_map(Felt::from),
            "[ -~\t\n]{0,31}".prop_map(|text| short(&text)),
            proptest::collection::vec(any::<u8>(), 0..32)
                .prop_map(|bytes| Felt::from_bytes_be_slice(&bytes)),
            any::<[u8; 32]>().prop_map(|bytes| Felt::from_bytes_le(&bytes)),
        ]
    }

    #[test]
    fn prints_what_the_runner_prints_on_known_shapes() {
        let magic = byte_array_magic();
        let cases: Vec<Vec<Felt>> = vec![
            vec![],
            vec![short("abc")],
            // "hello" as a ByteArray: no full word, pending "hello" of length 5.
            vec![magic, Felt::ZERO, short("hello"), Felt::from(5u8)],
            // A string, then a felt, then a string with a null in its pending word.
            vec![
                magic,
                Felt::ZERO,
                short("hi"),
                Felt::from(2u8),
                Felt::from(7u8),
                magic,
                Felt::ZERO,
                Felt::ZERO,
                Felt::from(3u8),
            ],
            // A full word of 31 bytes with unprintable ones.
            vec![
                magic,
                Felt::ONE,
                Felt::from_bytes_be_slice(&[1u8; 31]),
                Felt::ZERO,
                Felt::ZERO,
            ],
            // Not a ByteArray: the length is wrong, so every felt prints on its own.
            vec![magic, Felt::ZERO, short("long"), Felt::from(2u8)],
            vec![magic, Felt::from(1000u16)],
            vec![Felt::MAX, Felt::ZERO],
        ];
        for felts in cases {
            let (ours, runner) = both(&felts);
            assert_eq!(ours, runner, "for {felts:?}");
        }
    }

    proptest! {
        #[test]
        fn prints_what_the_runner_prints(felts in proptest::collection::vec(interesting_felt(), 0..12)) {
            let (ours, runner) = both(&felts);
            prop_assert_eq!(ours, runner);
        }
    }
}
