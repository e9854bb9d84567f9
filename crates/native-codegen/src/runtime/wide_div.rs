//! Division of 256- and 512-bit unsigned integers (`u256_safe_divmod`, `u512_safe_divmod_by_u256`)
//! and inverses modulo a u256 (`u256_guarantee_inv_mod_n`) on `ruint`, whose long division works
//! on 64-bit limbs. LLVM lowers a 256- or 512-bit `udiv` to a loop of one shift and subtract per
//! bit, for the quotient and again for the remainder.
//!
//! Numbers cross as little-endian 64-bit limbs behind pointers (the layout of LLVM's `i256` and
//! `i512` in memory on the little-endian targets Cairn supports).

use ruint::Uint;

/// `quotient, remainder = lhs / rhs, lhs % rhs` for 256-bit numbers; a zero divisor (which the
/// Sierra types rule out) gives zeros rather than a panic across the FFI boundary.
///
/// # Safety
/// Each pointer is valid for four `u64`s (`quotient` and `remainder` for writing).
pub(crate) unsafe extern "C" fn u256_divmod(
    lhs: *const [u64; 4],
    rhs: *const [u64; 4],
    quotient: *mut [u64; 4],
    remainder: *mut [u64; 4],
) {
    // SAFETY: per the contract above.
    unsafe {
        let (q, r) = divmod(Uint::<256, 4>::from_limbs(*lhs), Uint::from_limbs(*rhs));
        quotient.write(q.into_limbs());
        remainder.write(r.into_limbs());
    }
}

/// The same for a 512-bit `lhs` and a 256-bit `rhs` (the quotient has 512 bits, the remainder
/// 256).
///
/// # Safety
/// `lhs` and `quotient` are valid for eight `u64`s, `rhs` and `remainder` for four.
pub(crate) unsafe extern "C" fn u512_divmod_u256(
    lhs: *const [u64; 8],
    rhs: *const [u64; 4],
    quotient: *mut [u64; 8],
    remainder: *mut [u64; 4],
) {
    // SAFETY: per the contract above.
    unsafe {
        let divisor = Uint::<256, 4>::from_limbs(*rhs);
        let (q, r) = divmod(Uint::<512, 8>::from_limbs(*lhs), Uint::from(divisor));
        quotient.write(q.into_limbs());
        let mut low = [0u64; 4];
        low.copy_from_slice(&r.as_limbs()[..4]);
        remainder.write(low);
    }
}

/// `u256_guarantee_inv_mod_n`: writes `value⁻¹ mod modulus` and returns 1 when `value mod
/// modulus` has a non-zero inverse (so `modulus > 1`), else returns 0.
///
/// # Safety
/// Each pointer is valid for four `u64`s (`inverse` for writing).
pub(crate) unsafe extern "C" fn u256_inv_mod(
    value: *const [u64; 4],
    modulus: *const [u64; 4],
    inverse: *mut [u64; 4],
) -> u64 {
    // SAFETY: per the contract above.
    unsafe {
        let modulus = Uint::<256, 4>::from_limbs(*modulus);
        let found = if modulus.is_zero() {
            None
        } else {
            (Uint::<256, 4>::from_limbs(*value) % modulus).inv_mod(modulus)
        };
        inverse.write(found.unwrap_or(Uint::ZERO).into_limbs());
        u64::from(found.is_some())
    }
}

fn divmod<const BITS: usize, const LIMBS: usize>(
    lhs: Uint<BITS, LIMBS>,
    rhs: Uint<BITS, LIMBS>,
) -> (Uint<BITS, LIMBS>, Uint<BITS, LIMBS>) {
    if rhs.is_zero() {
        return (Uint::ZERO, Uint::ZERO);
    }
    lhs.div_rem(rhs)
}

#[cfg(test)]
mod tests {
    use num_bigint::BigUint;
    use proptest::prelude::*;

    use super::*;

    fn big(limbs: &[u64]) -> BigUint {
        BigUint::from_slice(
            &limbs
                .iter()
                .flat_map(|limb| [*limb as u32, (*limb >> 32) as u32])
                .collect::<Vec<_>>(),
        )
    }

    /// Limbs with many zero and all-ones words, where long division has its corner cases.
    fn limb() -> impl Strategy<Value = u64> {
        prop_oneof![Just(0), Just(u64::MAX), Just(1), any::<u64>()]
    }

    /// The inverse by Fermat-free brute force: the extended Euclid of `num-bigint`'s signed
    /// integers.
    fn inverse(value: &BigUint, modulus: &BigUint) -> Option<BigUint> {
        use num_bigint::BigInt;
        let (mut old_r, mut r) = (BigInt::from(modulus.clone()), BigInt::from(value % modulus));
        let (mut old_s, mut s) = (BigInt::from(0), BigInt::from(1));
        while r != BigInt::from(0) {
            let quotient = &old_r / &r;
            (old_r, r) = (r.clone(), old_r - &quotient * r);
            (old_s, s) = (s.clone(), old_s - &quotient * s);
        }
        if old_r != BigInt::from(1) {
            return None;
        }
        let modulus = BigInt::from(modulus.clone());
        Some(
            (((old_s % &modulus) + &modulus) % &modulus)
                .to_biguint()
                .unwrap_or_default(),
        )
    }

    proptest! {
        #[test]
        fn u256_inv_mod_agrees_with_extended_euclid(value in prop::array::uniform4(limb()), modulus in prop::array::uniform4(limb())) {
            prop_assume!(modulus != [0; 4]);
            let mut out = [0; 4];
            // SAFETY: four limbs each.
            let found = unsafe { u256_inv_mod(&value, &modulus, &mut out) };
            let zero = BigUint::from(0u8);
            match inverse(&big(&value), &big(&modulus)).filter(|inverse| *inverse != zero) {
                Some(expected) => {
                    prop_assert_eq!(found, 1);
                    prop_assert_eq!(big(&out), expected);
                }
                None => prop_assert_eq!(found, 0),
            }
        }

        #[test]
        fn u256_divmod_agrees_with_bigint(lhs in prop::array::uniform4(limb()), rhs in prop::array::uniform4(limb())) {
            prop_assume!(rhs != [0; 4]);
            let (mut q, mut r) = ([0; 4], [0; 4]);
            // SAFETY: four limbs each.
            unsafe { u256_divmod(&lhs, &rhs, &mut q, &mut r) };
            prop_assert_eq!(big(&q), big(&lhs) / big(&rhs));
            prop_assert_eq!(big(&r), big(&lhs) % big(&rhs));
        }

        #[test]
        fn u512_divmod_agrees_with_bigint(lhs in prop::array::uniform8(limb()), rhs in prop::array::uniform4(limb())) {
            prop_assume!(rhs != [0; 4]);
            let (mut q, mut r) = ([0; 8], [0; 4]);
            // SAFETY: eight and four limbs.
            unsafe { u512_divmod_u256(&lhs, &rhs, &mut q, &mut r) };
            prop_assert_eq!(big(&q), big(&lhs) / big(&rhs));
            prop_assert_eq!(big(&r), big(&lhs) % big(&rhs));
        }
    }
}
