//! Evaluating an arithmetic circuit modulo a u384, as the VM's circuit hint fills the values
//! table: add gates (`lhs + rhs = out`, also solved for `lhs`, which is how subtraction is
//! written) run as far as their inputs allow, then one mul gate (`lhs * rhs = out`, or solved
//! for `lhs` when `out` is the constant 1: an inverse), and again. A value with no inverse gets
//! its nullifier instead (`modulus / gcd`, a non-zero value whose product with it is 0) and the
//! evaluation fails at the first such gate, still filling the rest.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

/// A u384 as four 96-bit limbs, low first, each in a `u128`.
pub(crate) type U384 = [u128; 4];

fn value_of(limbs: &U384) -> BigUint {
    limbs.iter().rev().fold(BigUint::zero(), |value, limb| {
        (value << 96) | BigUint::from(*limb)
    })
}

fn limbs_of(value: &BigUint) -> U384 {
    let mask = (BigUint::one() << 96) - 1u32;
    std::array::from_fn(|index| {
        let limb = (value >> (96 * index)) & &mask;
        u128::try_from(limb).unwrap_or(0)
    })
}

/// The inverse of `value` modulo `modulus`, or its nullifier.
fn invert_or_nullify(value: &BigUint, modulus: &BigUint) -> Result<BigUint, BigUint> {
    match value.modinv(modulus) {
        Some(inverse) => Ok(inverse),
        None => Err(modulus / value.gcd(modulus)),
    }
}

/// Fills the circuit's values; returns the index of the first mul gate that failed, if any.
fn fill(
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
                (None, Some(b), Some(c)) => values[lhs] = Some((c + modulus - b) % modulus),
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
                let (inverse_or_nullifier, failed) = match invert_or_nullify(b, modulus) {
                    Ok(inverse) => (inverse, false),
                    Err(nullifier) => (nullifier, true),
                };
                values[lhs] = Some(inverse_or_nullifier);
                if failed && first_failure.is_none() {
                    first_failure = Some(mul_index);
                }
            }
            // The compiler orders gates so that a mul gate's right input is always known.
            _ => return Some(first_failure.unwrap_or(mul_index)),
        }
        mul_index += 1;
    }
    first_failure
}

fn gates(offsets: *const u64, count: u64) -> Vec<[usize; 3]> {
    // A circuit without gates of a kind passes a null pointer, which no slice may hold.
    if count == 0 {
        return Vec::new();
    }
    // SAFETY: the caller passes `3 * count` offsets (see `circuit_eval`).
    let flat = unsafe { std::slice::from_raw_parts(offsets, 3 * count as usize) };
    flat.chunks_exact(3)
        .map(|gate| [gate[0] as usize, gate[1] as usize, gate[2] as usize])
        .collect()
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
    // they are read; the others are only written.
    unsafe {
        let modulus_limbs = *modulus;
        let modulus = value_of(&modulus_limbs);
        let mut filled: Vec<Option<BigUint>> = std::slice::from_raw_parts(values, known as usize)
            .iter()
            .map(|limbs| Some(value_of(limbs)))
            .collect();
        filled.resize(value_count as usize, None);
        let mul_gates = gates(mul_offsets, n_mul);
        let failed = fill(
            &mut filled,
            &modulus,
            &gates(add_offsets, n_add),
            &mul_gates,
        );
        for (index, value) in filled.iter().enumerate() {
            if let Some(value) = value {
                values.add(index).write(limbs_of(value));
            }
        }
        match failed {
            None => n_mul,
            Some(gate) => {
                let nullifier = mul_gates
                    .get(gate)
                    .and_then(|[lhs, _, _]| filled[*lhs].as_ref())
                    .map(limbs_of)
                    .unwrap_or_default();
                failure.write([nullifier, modulus_limbs]);
                // Below `n_mul`, so never read as a success.
                gate as u64
            }
        }
    }
}
