//! Stark-field hashing for Cairn's native runtime: Starknet's Pedersen hash and Poseidon (the
//! Hades permutation and the hashes over it), faster than `starknet-types-core`'s and giving
//! exactly its answers.
//!
//! - [`field`]: the Stark field in Montgomery form, with a reduction specialised to the
//!   prime's shape (p = 2^251 + 17·2^192 + 1).
//!   On x86-64 processors with BMI2 and ADX (checked at run time), the hashes multiply in
//!   assembly (`adx`), and with AVX-512 IFMA independent multiplications go to the vector
//!   units (`ifma`: Poseidon's full rounds, Pedersen's sums in four lanes); those two modules
//!   hold the crate's only `unsafe`. Elsewhere the portable Rust runs, with the same results.
//! - [`pedersen_hash`]: fixed-base tables with signed 10-bit windows, affine table points,
//!   mixed additions (with IFMA, into four sums at once) and one inversion; each thread keeps
//!   the first operand's half of the sum for the first operands it saw last (a storage
//!   variable's base, hashed with every key), and its last whole hashes (a storage read and
//!   then a write hash one pair twice).
//! - [`felt_sqrt_le`], [`ec_add_mul_le`] and [`ec_add_le`]: square roots (Cipolla's method),
//!   `sum + scalar·point` (by the generator, from a fixed-base table) and `sum + point` on the
//!   curve, for native `ec_point_from_x`, `ec_state_add_mul` and `ec_state_add`.
//! - [`hades_permutation`] and [`poseidon_hash`] / [`poseidon_hash_single`] /
//!   [`poseidon_hash_many`]: the optimised round structure, no allocation per call.
//!
//! Felts cross as `starknet_types_core::felt::Felt`, whose internal form is this crate's
//! Montgomery form, or as native Cairo code holds them, 32 little-endian bytes of the value
//! ([`pedersen_hash_le`], [`hades_permutation_le`], [`felt_inverse_le`]: the native
//! runtime's entry points).

#![deny(unsafe_code)]

/// Evaluates `$body` with `$multiplier` bound to the fastest `field::Multiplier` this processor
/// has: `adx::Adx` where it has BMI2 and ADX, `field::Portable` elsewhere. Each arm
/// monomorphises the body, so a hash checks once and its loops run on one kind throughout.
macro_rules! with_fastest_multiplier {
    (|$multiplier:ident| $body:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            if let Some($multiplier) = crate::adx::Adx::detect() {
                $body
            } else {
                let $multiplier = crate::field::Portable;
                $body
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let $multiplier = crate::field::Portable;
            $body
        }
    }};
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod adx;
mod curve;
pub mod field;
mod fixed_base;
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod ifma;
mod inverse;
mod legendre;
mod memo;
mod pedersen;
mod poseidon;
mod sqrt;

use starknet_types_core::felt::Felt;

use field::Fp;

fn to_fp(felt: &Felt) -> Fp {
    // A `Felt` is always reduced; its raw limbs are this crate's Montgomery limbs.
    Fp::from_montgomery(felt.to_raw_reversed()).unwrap_or(Fp::ZERO)
}

fn to_felt(value: Fp) -> Felt {
    let mut limbs = value.to_montgomery();
    limbs.reverse();
    Felt::from_raw(limbs)
}

/// 32 little-endian bytes as four limbs, least significant first.
fn limbs_of(bytes: &[u8; 32]) -> [u64; 4] {
    let mut limbs = [0; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    limbs
}

/// Four limbs, least significant first, as 32 little-endian bytes.
fn bytes_of(limbs: [u64; 4]) -> [u8; 32] {
    let mut bytes = [0; 32];
    for (chunk, limb) in bytes.chunks_exact_mut(8).zip(limbs) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    bytes
}

/// Starknet's Pedersen hash of `a` and `b` (what the `pedersen` builtin computes).
pub fn pedersen_hash(a: &Felt, b: &Felt) -> Felt {
    to_felt(pedersen::hash(
        &to_fp(a).to_canonical(),
        &to_fp(b).to_canonical(),
    ))
}

/// [`pedersen_hash`] on felts as native Cairo code holds them: 32 little-endian bytes of the
/// value, any 256-bit value taken modulo p (as `Felt::from_bytes_le` takes it). The hash reads
/// its operands' bits as they are, so only the result is converted (one reduction), where a
/// detour through `Felt` converts all three both ways.
pub fn pedersen_hash_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let a = field::reduce_below_p(limbs_of(a));
    let b = field::reduce_below_p(limbs_of(b));
    bytes_of(pedersen::hash(&a, &b).to_canonical())
}

/// `value⁻¹` modulo p for a felt as native Cairo code holds it (see [`pedersen_hash_le`]),
/// `None` for zero: what `felt252_div` divides by. The inversion works on the value itself, so
/// nothing is converted into the field and back.
pub fn felt_inverse_le(value: &[u8; 32]) -> Option<[u8; 32]> {
    let value = field::reduce_below_p(limbs_of(value));
    if value == [0; 4] {
        return None;
    }
    let inverse = match inverse::inverse(&value) {
        Some(inverse) => inverse,
        None => Fp::from_canonical(value)?
            .inverse_by_fermat()?
            .to_canonical(),
    };
    Some(bytes_of(inverse))
}

/// The smaller square root (at most (p − 1)/2) of a felt as native Cairo code holds it (see
/// [`pedersen_hash_le`]), `None` if it has none: what `ec_point_from_x` takes for y. Cipolla's
/// method (`sqrt`), about ten times faster than `starknet-types-core`'s Tonelli–Shanks, which
/// p − 1's factor 2^192 makes slow.
pub fn felt_sqrt_le(value: &[u8; 32]) -> Option<[u8; 32]> {
    let value = Fp::from_canonical_reduced(limbs_of(value));
    let root = sqrt::sqrt(&value)?;
    let (root, negation) = (root.to_canonical(), root.neg().to_canonical());
    // Limbs compare as numbers from the most significant one.
    let smaller = if root.iter().rev().le(negation.iter().rev()) {
        root
    } else {
        negation
    };
    Some(bytes_of(smaller))
}

/// A point as native Cairo code holds it (`[x, y]`, `(0, 0)` for infinity) in affine
/// coordinates; `None` for infinity.
fn affine_of_le([x, y]: &[[u8; 32]; 2]) -> Option<curve::Affine> {
    if *x == [0; 32] && *y == [0; 32] {
        return None;
    }
    Some(curve::Affine {
        x: Fp::from_canonical_reduced(limbs_of(x)),
        y: Fp::from_canonical_reduced(limbs_of(y)),
    })
}

/// A point as native Cairo code holds it, in Jacobian coordinates.
fn jacobian_of_le(point: &[[u8; 32]; 2]) -> curve::Jacobian {
    affine_of_le(point).map_or(curve::Jacobian::INFINITY, curve::Jacobian::from)
}

/// A point as native Cairo code holds it: `[x, y]`, `(0, 0)` for infinity.
fn le_of_jacobian(point: curve::Jacobian) -> [[u8; 32]; 2] {
    match point.to_affine() {
        Some(affine) => [
            bytes_of(affine.x.to_canonical()),
            bytes_of(affine.y.to_canonical()),
        ],
        None => [[0; 32]; 2],
    }
}

/// `sum + scalar · point` on the Stark curve (what `ec_state_add_mul` computes), with points as
/// native Cairo code holds them: `[x, y]`, 32 little-endian bytes each, `(0, 0)` for the
/// point at infinity, and the scalar's value as any felt (read modulo p). The points must be on
/// the curve (as Sierra's `EcPoint` is); the result is given the same way. A multiple of the
/// curve's generator (ECDSA's `z·G`) is read from a table of its multiples, others computed by
/// 4-bit windows.
pub fn ec_add_mul_le(
    sum: &[[u8; 32]; 2],
    scalar: &[u8; 32],
    point: &[[u8; 32]; 2],
) -> [[u8; 32]; 2] {
    let scalar = field::reduce_below_p(limbs_of(scalar));
    let sum = jacobian_of_le(sum);
    let total = if fixed_base::is_generator(&point.map(|word| limbs_of(&word))) {
        fixed_base::add_multiple_of_generator(sum, &scalar)
    } else {
        sum.add(&jacobian_of_le(point).mul(&scalar))
    };
    le_of_jacobian(total)
}

/// `sum + point` on the Stark curve (what `ec_state_add` computes), points given as
/// [`ec_add_mul_le`] takes them (on the curve, `(0, 0)` for infinity); every case (infinity,
/// a doubling, opposite points) gives the group's sum.
pub fn ec_add_le(sum: &[[u8; 32]; 2], point: &[[u8; 32]; 2]) -> [[u8; 32]; 2] {
    let sum = jacobian_of_le(sum);
    le_of_jacobian(match affine_of_le(point) {
        Some(point) => sum.add_affine(&point),
        None => sum,
    })
}

/// The Hades permutation of Starknet's Poseidon, in place (what the `poseidon` builtin and
/// `hades_permutation` compute).
pub fn hades_permutation(state: &mut [Felt; 3]) {
    let mut values = [to_fp(&state[0]), to_fp(&state[1]), to_fp(&state[2])];
    poseidon::permute(&mut values);
    *state = values.map(to_felt);
}

/// [`hades_permutation`] on felts as native Cairo code holds them (see [`pedersen_hash_le`]).
pub fn hades_permutation_le(state: &mut [[u8; 32]; 3]) {
    let mut words = state.map(|word| field::reduce_below_p(limbs_of(&word)));
    poseidon::permute_canonical(&mut words);
    *state = words.map(bytes_of);
}

/// Poseidon's hash of two felts: the first word of the permutation of `[a, b, 2]`.
pub fn poseidon_hash(a: &Felt, b: &Felt) -> Felt {
    let mut state = [to_fp(a), to_fp(b), Fp::from_u64(2)];
    poseidon::permute(&mut state);
    to_felt(state[0])
}

/// Poseidon's hash of one felt: the first word of the permutation of `[a, 0, 1]`.
pub fn poseidon_hash_single(a: &Felt) -> Felt {
    let mut state = [to_fp(a), Fp::ZERO, Fp::ONE];
    poseidon::permute(&mut state);
    to_felt(state[0])
}

/// Poseidon's hash of any number of felts: absorbed two at a time after padding with 1 (and a
/// 0 to an even length), as Starknet's `poseidon_hash_many`.
pub fn poseidon_hash_many(values: &[Felt]) -> Felt {
    let mut state = [Fp::ZERO; 3];
    let mut pairs = values.chunks_exact(2);
    for pair in &mut pairs {
        state[0] = state[0].add(&to_fp(&pair[0]));
        state[1] = state[1].add(&to_fp(&pair[1]));
        poseidon::permute(&mut state);
    }
    match pairs.remainder() {
        [last] => {
            state[0] = state[0].add(&to_fp(last));
            state[1] = state[1].add(&Fp::ONE);
        }
        _ => state[0] = state[0].add(&Fp::ONE),
    }
    poseidon::permute(&mut state);
    to_felt(state[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use starknet_types_core::hash::{Pedersen, Poseidon, StarkHash};

    #[test]
    fn felts_cross_without_conversion() {
        assert_eq!(to_fp(&Felt::ONE), Fp::ONE);
        assert_eq!(to_fp(&Felt::from(7)), Fp::from_u64(7));
        assert_eq!(to_felt(Fp::from_u64(12345)), Felt::from(12345));
    }

    #[test]
    fn the_curve_arithmetic_agrees_with_itself() {
        let g = pedersen::generator();
        let doubled = curve::Jacobian::from(g).double();
        let added = curve::Jacobian::from(g).add_affine(&g);
        assert_eq!(doubled.to_affine(), added.to_affine());
        let tripled = added.add_affine(&g).to_affine().expect("finite");
        let also = doubled
            .to_affine()
            .map(|two| curve::Jacobian::from(two).add_affine(&g).to_affine());
        assert_eq!(also, Some(Some(tripled)));
        // G + (−G) is the point at infinity.
        let minus_g = curve::Affine {
            x: g.x,
            y: g.y.neg(),
        };
        assert!(curve::Jacobian::from(g).add_affine(&minus_g).is_infinity());
    }

    #[test]
    fn both_kinds_of_multiplication_hash_alike() {
        // On a processor with BMI2/ADX every other test runs the assembly: this one also runs
        // the portable arithmetic on the same inputs (elsewhere both sides are portable).
        let portable = field::Portable;
        let mut value = Fp::from_u64(3);
        for _ in 0..200 {
            let other = value.square().add(&Fp::from_u64(11));
            let mut by_portable = [value, other, Fp::from_u64(2)];
            let mut by_fastest = by_portable;
            poseidon::permute_with(portable, &mut by_portable);
            with_fastest_multiplier!(|fastest| poseidon::permute_with(fastest, &mut by_fastest));
            assert_eq!(by_portable, by_fastest);
            let (a, b) = (value.to_canonical(), other.to_canonical());
            let portable_hash = pedersen::compute_with(portable, &a, &b);
            let fastest_hash =
                with_fastest_multiplier!(|fastest| pedersen::compute_with(fastest, &a, &b));
            assert_eq!(portable_hash, fastest_hash);
            #[cfg(target_arch = "x86_64")]
            if let Some(ifma) = ifma::Ifma::detect() {
                // Twice: the first operand's lanes computed, then from the memo.
                for _ in 0..2 {
                    let lanes_hash = pedersen::compute_with_ifma(ifma, &a, &b);
                    assert_eq!(lanes_hash, Some(portable_hash));
                }
                // Second operands with few points (added to the first operand's total, which
                // is computed once and then kept) and with many, alternately.
                for small in [0, 1, 5, 1 << 20, 1 << 40] {
                    for b in [[small, 0, 0, 0], b] {
                        assert_eq!(
                            pedersen::compute_with_ifma(ifma, &a, &b),
                            Some(pedersen::compute_with(portable, &a, &b)),
                            "{a:x?}, {b:x?}"
                        );
                    }
                }
            }
            assert_eq!(
                to_felt(portable_hash),
                Pedersen::hash(&to_felt(value), &to_felt(other))
            );
            value = by_portable[0];
        }
    }

    #[test]
    fn known_answers_match_starknet_types_core() {
        let pairs = [
            (Felt::ZERO, Felt::ZERO),
            (Felt::ONE, Felt::TWO),
            (Felt::MAX, Felt::MAX),
            (
                Felt::from_hex_unchecked(
                    "0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb",
                ),
                Felt::from_hex_unchecked(
                    "0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a",
                ),
            ),
        ];
        for (a, b) in pairs {
            assert_eq!(
                pedersen_hash(&a, &b),
                Pedersen::hash(&a, &b),
                "pedersen({a}, {b})"
            );
            assert_eq!(
                poseidon_hash(&a, &b),
                Poseidon::hash(&a, &b),
                "poseidon({a}, {b})"
            );
            let mut ours = [a, b, Felt::TWO];
            let mut theirs = ours;
            hades_permutation(&mut ours);
            Poseidon::hades_permutation(&mut theirs);
            assert_eq!(ours, theirs);
        }
        // The published test vector of Starknet's Pedersen hash.
        assert_eq!(
            pedersen_hash(
                &Felt::from_hex_unchecked(
                    "0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb"
                ),
                &Felt::from_hex_unchecked(
                    "0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a"
                ),
            ),
            Felt::from_hex_unchecked(
                "0x30e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662"
            )
        );
        for count in 0..5 {
            let values: Vec<Felt> = (0..count).map(|n| Felt::from(n * 31 + 5)).collect();
            assert_eq!(
                poseidon_hash_many(&values),
                Poseidon::hash_array(&values),
                "{count}"
            );
            if let [single] = values.as_slice() {
                assert_eq!(poseidon_hash_single(single), Poseidon::hash_single(single));
            }
        }
    }
}
