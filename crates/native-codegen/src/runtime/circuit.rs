//! Evaluating an arithmetic circuit modulo a u384, as the VM's circuit hint fills the values
//! table: add gates (`lhs + rhs = out`, also solved for `lhs`, which is how subtraction is
//! written) run as far as their inputs allow, then one mul gate (`lhs * rhs = out`, or solved
//! for `lhs` when `out` is the constant 1: an inverse), and again. A value with no inverse gets
//! its nullifier instead (`modulus / gcd`, a non-zero value whose product with it is 0) and the
//! evaluation fails at the first such gate, still filling the rest.
//!
//! Values are fixed-width 384-bit numbers (`ruint`, 64-bit limbs, no allocation), reduced as
//! the hint's `BigUint`s are: inputs may exceed the modulus, every gate's value is below it.
//! On `BigUint`s a gate took about 2 µs, most of it allocation and the inverse's divisions;
//! here a product is one 768-by-384-bit division and an inverse Lehmer's extended Euclid.

use ruint::Uint;

/// A u384 as four 96-bit limbs, low first, each in a `u128`.
pub(crate) type U384 = [u128; 4];

/// A circuit value: 384 bits on six 64-bit limbs.
type Value = Uint<384, 6>;

/// The value of four 96-bit limbs (bits above a limb's 96 are not read: Sierra's `u96`s never
/// have them).
fn value_of(limbs: &U384) -> Value {
    // Two 96-bit limbs make three 64-bit words.
    let words_of_pair = |low: u128, high: u128| {
        [
            low as u64,
            ((low >> 64) as u64 & 0xffff_ffff) | ((high as u64) << 32),
            (high >> 32) as u64,
        ]
    };
    let [a, b, c] = words_of_pair(limbs[0], limbs[1]);
    let [d, e, f] = words_of_pair(limbs[2], limbs[3]);
    Value::from_limbs([a, b, c, d, e, f])
}

/// The four 96-bit limbs of a value.
fn limbs_of(value: &Value) -> U384 {
    const LOW_96: u128 = (1 << 96) - 1;
    let words = value.as_limbs();
    let pair = |low: u64, middle: u64, high: u64| {
        let bits = u128::from(low) | (u128::from(middle) << 64);
        (bits & LOW_96, (bits >> 96) | (u128::from(high) << 32))
    };
    let (l0, l1) = pair(words[0], words[1], words[2]);
    let (l2, l3) = pair(words[3], words[4], words[5]);
    [l0, l1, l2, l3]
}

/// `(minuend − subtrahend) mod modulus`: the hint's `(minuend + modulus − subtrahend) %
/// modulus` (the same value wherever that does not go below zero).
fn sub_mod(minuend: Value, subtrahend: Value, modulus: Value) -> Value {
    let minuend = minuend.reduce_mod(modulus);
    let subtrahend = subtrahend.reduce_mod(modulus);
    if minuend >= subtrahend {
        minuend - subtrahend
    } else {
        // Below the modulus: minuend < subtrahend ≤ modulus.
        minuend + (modulus - subtrahend)
    }
}

/// The inverse of `value` modulo `modulus`, or its nullifier `modulus / gcd(value, modulus)`.
fn invert_or_nullify(value: Value, modulus: Value) -> Result<Value, Value> {
    match value.inv_mod(modulus) {
        Some(inverse) => Ok(inverse),
        None => Err(modulus
            .checked_div(value.gcd(modulus))
            .unwrap_or(Value::ZERO)),
    }
}

/// One gate's three value indices: `lhs`, `rhs`, `out`.
fn gate(offsets: &[u64], index: usize) -> Option<[usize; 3]> {
    let gate = offsets.get(3 * index..3 * index + 3)?;
    Some([gate[0] as usize, gate[1] as usize, gate[2] as usize])
}

/// Fills the circuit's values; returns the index of the first mul gate that failed, if any.
/// A gate naming a value outside the table ends the evaluation as a failure at that gate
/// (never an out-of-bounds access).
fn fill(
    values: &mut [Option<Value>],
    modulus: Value,
    add_offsets: &[u64],
    mul_offsets: &[u64],
) -> Option<usize> {
    let mut first_failure = None;
    let (mut add_index, mut mul_index) = (0, 0);
    let read = |values: &[Option<Value>], index: usize| values.get(index).copied().flatten();
    loop {
        while let Some([lhs, rhs, out]) = gate(add_offsets, add_index) {
            let (target, value) = match (read(values, lhs), read(values, rhs), read(values, out)) {
                (Some(a), Some(b), _) => (out, a.add_mod(b, modulus)),
                (None, Some(b), Some(c)) => (lhs, sub_mod(c, b, modulus)),
                _ => break,
            };
            match values.get_mut(target) {
                Some(slot) => *slot = Some(value),
                None => return Some(first_failure.unwrap_or(mul_index)),
            }
            add_index += 1;
        }
        let Some([lhs, rhs, out]) = gate(mul_offsets, mul_index) else {
            break;
        };
        let (target, value, failed) = match (read(values, lhs), read(values, rhs)) {
            (Some(a), Some(b)) => (out, a.mul_mod(b, modulus), false),
            (None, Some(b)) => match invert_or_nullify(b, modulus) {
                Ok(inverse) => (lhs, inverse, false),
                Err(nullifier) => (lhs, nullifier, true),
            },
            // The compiler orders gates so that a mul gate's right input is always known.
            _ => return Some(first_failure.unwrap_or(mul_index)),
        };
        match values.get_mut(target) {
            Some(slot) => *slot = Some(value),
            None => return Some(first_failure.unwrap_or(mul_index)),
        }
        if failed && first_failure.is_none() {
            first_failure = Some(mul_index);
        }
        mul_index += 1;
    }
    first_failure
}

/// `3 * count` offsets behind `offsets`, or none for no gates.
///
/// # Safety
/// When `count` is non-zero, `offsets` is valid for `3 * count` reads.
unsafe fn offsets<'a>(offsets: *const u64, count: u64) -> &'a [u64] {
    // A circuit without gates of a kind passes a null pointer, which no slice may hold.
    if count == 0 {
        return &[];
    }
    // SAFETY: per the contract above.
    unsafe { std::slice::from_raw_parts(offsets, 3 * count as usize) }
}

/// Evaluates a circuit over its values buffer: `value_count` u384s of which the first `known`
/// (the constant 1 and the inputs) are set. Returns how many mul gates the VM fills instances
/// of: `n_mul` on success; on failure the index of the first gate that failed (an inverse of
/// a non-invertible value), having written (nullifier, modulus) to `failure`.
///
/// # Safety
/// `values` holds `value_count` u384s; `add_offsets` and `mul_offsets` hold `3 * n_add` and
/// `3 * n_mul` value indices below `value_count`; `modulus` is readable and `failure` writable.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe extern "C" fn circuit_eval(
    values: *mut U384,
    value_count: u64,
    known: u64,
    modulus: *const U384,
    add_offsets: *const u64,
    n_add: u64,
    mul_offsets: *const u64,
    n_mul: u64,
    failure: *mut [U384; 2],
) -> u64 {
    // SAFETY: per the contract above. Only the first `known` values are initialised, so only
    // they are read; only the values the gates computed are written.
    unsafe {
        let modulus_limbs = *modulus;
        let modulus = value_of(&modulus_limbs);
        let known = known.min(value_count) as usize;
        let mut filled: Vec<Option<Value>> = Vec::with_capacity(value_count as usize);
        filled.extend(
            std::slice::from_raw_parts(values, known)
                .iter()
                .map(|limbs| Some(value_of(limbs))),
        );
        filled.resize(value_count as usize, None);
        let mul_offsets = offsets(mul_offsets, n_mul);
        let failed = fill(
            &mut filled,
            modulus,
            offsets(add_offsets, n_add),
            mul_offsets,
        );
        for (index, value) in filled.iter().enumerate().skip(known) {
            if let Some(value) = value {
                values.add(index).write(limbs_of(value));
            }
        }
        match failed {
            None => n_mul,
            Some(gate_index) => {
                let nullifier = gate(mul_offsets, gate_index)
                    .and_then(|[lhs, _, _]| filled.get(lhs).copied().flatten())
                    .map(|value| limbs_of(&value))
                    .unwrap_or_default();
                failure.write([nullifier, modulus_limbs]);
                // Below `n_mul`, so never read as a success.
                gate_index as u64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::{BigInt, BigUint};
    use num_integer::Integer;
    use num_traits::{One, Signed, Zero};
    use proptest::prelude::*;

    use super::*;

    /// The evaluation this module replaced, on `BigUint`s with the VM hint's formulas
    /// (cairo-vm's `circuit.rs`): add gates as far as they go, then one mul gate, again; an
    /// inverse by the extended Euclid of signed integers.
    fn hint_fill(
        values: &mut [Option<BigUint>],
        modulus: &BigUint,
        add_gates: &[[usize; 3]],
        mul_gates: &[[usize; 3]],
    ) -> Option<usize> {
        let mut first_failure = None;
        let (mut add_index, mut mul_index) = (0, 0);
        loop {
            while let Some(&[lhs, rhs, out]) = add_gates.get(add_index) {
                match (&values[lhs], &values[rhs], &values[out]) {
                    (Some(a), Some(b), _) => values[out] = Some((a + b) % modulus),
                    (None, Some(b), Some(c)) if c + modulus >= *b => {
                        values[lhs] = Some((c + modulus - b) % modulus)
                    }
                    // Where the hint's subtraction would go below zero: the residue.
                    (None, Some(b), Some(c)) => {
                        let difference = BigInt::from(c.clone()) - BigInt::from(b.clone());
                        let residue = difference.mod_floor(&BigInt::from(modulus.clone()));
                        values[lhs] = residue.to_biguint();
                    }
                    _ => break,
                }
                add_index += 1;
            }
            let Some(&[lhs, rhs, out]) = mul_gates.get(mul_index) else {
                break;
            };
            match (&values[lhs], &values[rhs]) {
                (Some(a), Some(b)) => values[out] = Some((a * b) % modulus),
                (None, Some(b)) => {
                    let extended = BigInt::from(b.clone()).extended_gcd(&modulus.clone().into());
                    if extended.gcd.is_one() {
                        let inverse = extended.x.mod_floor(&BigInt::from(modulus.clone()));
                        values[lhs] = inverse.to_biguint();
                    } else {
                        let gcd = extended.gcd.abs().to_biguint().unwrap_or_default();
                        values[lhs] = Some(if gcd.is_zero() { gcd } else { modulus / gcd });
                        first_failure = first_failure.or(Some(mul_index));
                    }
                }
                _ => return Some(first_failure.unwrap_or(mul_index)),
            }
            mul_index += 1;
        }
        first_failure
    }

    fn big(value: &Value) -> BigUint {
        BigUint::from_bytes_le(&value.to_le_bytes::<48>())
    }

    /// A 384-bit value from four 96-bit limbs, each often 0, 1 or all ones.
    fn value() -> impl Strategy<Value = U384> {
        let limb = prop_oneof![
            Just(0u128),
            Just(1),
            Just((1 << 96) - 1),
            0..(1u128 << 96),
            0..1000u128,
        ];
        [limb.clone(), limb.clone(), limb.clone(), limb]
    }

    /// A modulus of 2 to 384 bits, odd or even (values above 1 only: `CircuitModulus`).
    fn modulus() -> impl Strategy<Value = U384> {
        prop_oneof![
            (2..1000u128).prop_map(|m| [m, 0, 0, 0]),
            (2..u128::MAX).prop_map(|m| [m & ((1 << 96) - 1) | 2, m >> 96, 0, 0]),
            value().prop_filter("a modulus is at least 2", |m| value_of(m) > Value::from(1)),
        ]
    }

    /// A circuit's gates over `inputs` values (after the constant 1 at index 0), each gate
    /// reading earlier values and writing the next: adds, subtractions (solved add gates),
    /// products and inverses (solved mul gates, `out` the constant 1).
    fn circuit(inputs: usize) -> impl Strategy<Value = (Vec<[usize; 3]>, Vec<[usize; 3]>)> {
        prop::collection::vec(
            (
                0..4u8,
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
            ),
            1..12,
        )
        .prop_map(move |kinds| {
            let (mut adds, mut muls) = (Vec::new(), Vec::new());
            for (gate, (kind, a, b)) in kinds.into_iter().enumerate() {
                let next = 1 + inputs + gate;
                let (a, b) = (a.index(next), b.index(next));
                match kind {
                    0 => adds.push([a, b, next]),
                    1 => adds.push([next, b, a]),
                    2 => muls.push([a, b, next]),
                    _ => muls.push([next, b, 0]),
                }
            }
            (adds, muls)
        })
    }

    proptest! {
        #[test]
        fn gates_fill_what_the_vm_hint_fills(
            modulus in modulus(),
            inputs in prop::collection::vec(value(), 1..4),
            gates in circuit(3),
        ) {
            // Gates may read the up-to-3 inputs' slots; pad the inputs to three.
            let mut inputs = inputs;
            inputs.resize(3, [7, 0, 0, 0]);
            let (adds, muls) = gates;
            let count = 1 + inputs.len() + adds.len() + muls.len();
            let modulus_value = value_of(&modulus);
            let mut ours: Vec<Option<Value>> = vec![None; count];
            let mut theirs: Vec<Option<BigUint>> = vec![None; count];
            ours[0] = Some(Value::from(1));
            theirs[0] = Some(BigUint::one());
            for (index, input) in inputs.iter().enumerate() {
                ours[1 + index] = Some(value_of(input));
                theirs[1 + index] = Some(big(&value_of(input)));
            }
            let flat = |gates: &[[usize; 3]]| {
                gates.iter().flatten().map(|index| *index as u64).collect::<Vec<_>>()
            };
            let our_failure = fill(&mut ours, modulus_value, &flat(&adds), &flat(&muls));
            let their_failure = hint_fill(&mut theirs, &big(&modulus_value), &adds, &muls);
            prop_assert_eq!(our_failure, their_failure);
            let ours: Vec<_> = ours.iter().map(|value| value.as_ref().map(big)).collect();
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn limbs_round_trip(limbs in value()) {
            prop_assert_eq!(limbs_of(&value_of(&limbs)), limbs);
            let expected = limbs.iter().rev().fold(BigUint::zero(), |value, limb| {
                (value << 96) | BigUint::from(*limb)
            });
            prop_assert_eq!(big(&value_of(&limbs)), expected);
        }
    }
}
