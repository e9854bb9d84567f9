//! Output values as cairo-run prints them.

use cairo_vm::types::relocatable::MaybeRelocatable;
use cairo_vm::Felt252;

/// A field element as cairo-run prints it: the representative in `(-P/2, P/2)`, so that
/// `P - 1` prints as `-1`.
pub fn signed_felt(value: &Felt252) -> String {
    let negated = -*value;
    if negated < *value {
        format!("-{negated}")
    } else {
        value.to_string()
    }
}

/// One output cell as cairo-run prints it (addresses as `segment:offset`).
pub fn format_output_value(value: &MaybeRelocatable) -> String {
    match value {
        MaybeRelocatable::Int(felt) => signed_felt(felt),
        MaybeRelocatable::RelocatableValue(address) => address.to_string(),
    }
}

/// The text of `cairo-run --print_output`: a header, then each value on an indented line, then
/// an empty line.
pub fn render_program_output(values: &[MaybeRelocatable]) -> String {
    let mut text = String::from("Program output:\n");
    for value in values {
        text.push_str("  ");
        text.push_str(&format_output_value(value));
        text.push('\n');
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_past_half_the_prime_print_negative() {
        assert_eq!(signed_felt(&Felt252::ZERO), "0");
        assert_eq!(signed_felt(&Felt252::from(17)), "17");
        assert_eq!(signed_felt(&Felt252::from(-17)), "-17");
        let half = Felt252::MAX.floor_div(&Felt252::TWO.try_into().expect("2 is non-zero"));
        assert_eq!(signed_felt(&half), half.to_string());
        assert_eq!(signed_felt(&(half + Felt252::ONE)), format!("-{half}"));
    }
}
