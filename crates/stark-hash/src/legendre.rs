//! The Legendre symbol by Bernstein and Yang's divsteps in their "posdivsteps" form, which
//! keeps `f` and `g` non-negative so that the quadratic-reciprocity sign changes can be
//! followed from their low bits (libsecp256k1's `jacobi64_maybe_var`, written here from its
//! description, for p only): dividing `g` by an odd power of two flips the sign when f ≡ 3 or 5
//! (mod 8), swapping `f` and `g` flips it when both are 3 (mod 4), and when `f` reaches 1 the
//! symbol is the sign followed. The rounds are `inverse`'s (its `divsteps_62` in the positive
//! form), on its 62-bit limbs and matrix update.
//!
//! Why: telling whether a value has a square root was an exponentiation by (p − 1)/2, 250
//! dependent squarings (about 2.1 µs), done about three times a root (`sqrt`: is the value a
//! square, then the search for a non-residue ω); divsteps take about half that.

use crate::inverse::{divsteps_62, to_signed_62, update_fg, MODULUS};

/// Rounds of 62 posdivsteps before giving up (the caller then exponentiates): libsecp256k1's
/// bound for 256-bit inputs is 25 rounds; convergence within it is not proven, only observed.
const MAX_ROUNDS: usize = 25;

/// The low 64 bits of a value held as 62-bit limbs.
fn low_64(limbs: &[i64; 5]) -> u64 {
    (limbs[0] as u64) | ((limbs[1] as u64) << 62)
}

/// Whether `x` (limbs of a value in [1, p)) is a square modulo p: `Some(true)` for a Legendre
/// symbol of 1, `Some(false)` for −1, `None` if the rounds ran out (the caller then
/// exponentiates). Zero is the caller's case (its symbol is 0).
pub(crate) fn is_square(x: &[u64; 4]) -> Option<bool> {
    let (mut f, mut g) = (MODULUS, to_signed_62(x));
    let mut length = 5;
    let mut eta = -1;
    let mut jacobi = 0u64;
    for _ in 0..MAX_ROUNDS {
        let (next_eta, transition) = divsteps_62::<true>(eta, low_64(&f), low_64(&g), &mut jacobi);
        eta = next_eta;
        update_fg(length, &mut f, &mut g, transition);
        // f = 1: the symbol is the sign followed, (g | 1) = 1.
        if f[0] == 1 && f[1..length].iter().all(|limb| *limb == 0) {
            return Some(jacobi & 1 == 0);
        }
        // When the top limbs of f and g are both zero (they stay non-negative), drop them.
        if length > 1 && f[length - 1] | g[length - 1] == 0 {
            length -= 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{Fp, P};
    use crate::sqrt::is_nonzero_square_by_exponentiation;

    /// The symbol of the value and of its Montgomery limbs (value·2^256) against the
    /// exponentiation.
    fn agrees(value: Fp) {
        let limbs = value.to_canonical();
        let expected = Some(is_nonzero_square_by_exponentiation(&value));
        assert_eq!(is_square(&limbs), expected, "{limbs:x?}");
        assert_eq!(is_square(&value.to_montgomery()), expected, "{limbs:x?}");
    }

    #[test]
    fn the_symbol_agrees_with_the_exponentiation() {
        for small in 1..200 {
            agrees(Fp::from_u64(small));
            agrees(Fp::from_u64(small).neg());
        }
        agrees(Fp::from_canonical_reduced([0, 0, 0, 1 << 59]));
        agrees(Fp::from_canonical_reduced([
            u64::MAX,
            u64::MAX,
            u64::MAX,
            P[3] - 1,
        ]));
        let mut x = Fp::from_u64(3);
        for _ in 0..3000 {
            x = x.square().add(&Fp::from_u64(7));
            agrees(x);
            agrees(x.square());
        }
    }

    #[test]
    fn squares_are_squares() {
        let mut x = Fp::from_u64(5);
        for _ in 0..500 {
            x = x.mul(&Fp::from_u64(0x1234_5678_9abc_def1)).add(&Fp::ONE);
            assert_eq!(is_square(&x.square().to_canonical()), Some(true));
        }
    }
}
