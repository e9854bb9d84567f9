//! Modular inversion by the binary GCD, 31 steps at a time (T. Pornin, "Optimized Binary GCD
//! for Modular Inversion", 2020; here in variable time, as nothing hashed is secret).
//!
//! The classic binary GCD keeps `a ≡ u·x` and `b ≡ v·x (mod p)`, starting from `a = x, b = p`,
//! and halves or subtracts until `a = 0`, when `b = 1` and `v = x⁻¹`. Each step only looks at
//! the low bit of `a` and at which of `a`, `b` is larger, so 31 steps can run on 64-bit
//! approximations (the top 33 and the low 31 bits), recording them as a 2×2 matrix of small
//! integers that is then applied to the full-size `a, b` and `u, v` at once. A wrong guess of
//! the approximations only costs steps; the answer is checked by the caller's fallback.

use crate::field::{sub_limbs, subtract_p_if_above, P};

/// At most this many rounds of 31 steps (2·252 steps suffice; the approximations may waste a
/// few): past it the caller falls back to another method.
const MAX_ROUNDS: usize = 40;
const STEPS: u32 = 31;
const LOW_MASK: u64 = (1 << STEPS) - 1;

fn bit_length(value: &[u64; 4]) -> u32 {
    for limb in (0..4).rev() {
        if value[limb] != 0 {
            return 64 * limb as u32 + (64 - value[limb].leading_zeros());
        }
    }
    0
}

/// The 64 bits of `value` starting at bit `start` (`start ≤ 192`).
fn bits_at(value: &[u64; 4], start: u32) -> u64 {
    let (limb, shift) = ((start / 64) as usize, start % 64);
    let low = value[limb] >> shift;
    if shift == 0 || limb + 1 >= 4 {
        low
    } else {
        low | (value[limb + 1] << (64 - shift))
    }
}

/// `value`'s approximation when the larger of the pair has `length` bits: exact below 64 bits,
/// else its 33 bits from `length − 33` above its low 31 bits.
fn approximation(value: &[u64; 4], length: u32) -> u64 {
    if length <= 64 {
        return value[0];
    }
    let top = bits_at(value, length - 33) & ((1 << 33) - 1);
    (top << STEPS) | (value[0] & LOW_MASK)
}

/// `a·f + b·g` as a signed 320-bit integer: four limbs and a signed top limb.
fn linear_combination(a: &[u64; 4], b: &[u64; 4], f: i64, g: i64) -> ([u64; 4], i128) {
    let mut limbs = [0u64; 4];
    let mut carry: i128 = 0;
    for index in 0..4 {
        let sum =
            i128::from(a[index]) * i128::from(f) + i128::from(b[index]) * i128::from(g) + carry;
        limbs[index] = sum as u64;
        carry = sum >> 64;
    }
    (limbs, carry)
}

/// A signed 320-bit integer shifted right by 31 (exactly: its low 31 bits are zero), as its
/// magnitude below 2^256 and whether it was negative.
fn shift_and_magnitude(limbs: [u64; 4], top: i128) -> ([u64; 4], bool) {
    let negative = top < 0;
    let (mut limbs, mut top) = (limbs, top);
    if negative {
        // Two's complement over the five limbs.
        let mut carry = 1u128;
        for limb in &mut limbs {
            let sum = u128::from(!*limb) + carry;
            *limb = sum as u64;
            carry = sum >> 64;
        }
        top = !top + carry as i128;
    }
    let top = top as u64;
    let shifted = [
        (limbs[0] >> STEPS) | (limbs[1] << (64 - STEPS)),
        (limbs[1] >> STEPS) | (limbs[2] << (64 - STEPS)),
        (limbs[2] >> STEPS) | (limbs[3] << (64 - STEPS)),
        (limbs[3] >> STEPS) | (top << (64 - STEPS)),
    ];
    (shifted, negative)
}

/// `(u·f + v·g) / 2^31 mod p` for `u, v` below p: p (≡ 1 mod 2^31) times the low bits'
/// complement is added first, so that the division is exact.
fn modular_combination(u: &[u64; 4], v: &[u64; 4], f: i64, g: i64) -> [u64; 4] {
    let (mut limbs, mut top) = linear_combination(u, v, f, g);
    let k = limbs[0].wrapping_neg() & LOW_MASK;
    // + k·p = k + k·p3·2^192.
    let mut carry: i128 = i128::from(k);
    for (index, limb) in limbs.iter_mut().enumerate() {
        let addend = if index == 3 {
            i128::from(k) * i128::from(P[3])
        } else {
            0
        };
        let sum = i128::from(*limb) + addend + carry;
        *limb = sum as u64;
        carry = sum >> 64;
    }
    top += carry;
    let (magnitude, negative) = shift_and_magnitude(limbs, top);
    // |result| < 3p: two subtractions at most bring the magnitude below p.
    let value = subtract_p_if_above(subtract_p_if_above(magnitude, 0), 0);
    if negative {
        sub_limbs(&[0; 4], &value)
    } else {
        value
    }
}

/// `x⁻¹ mod p` for canonical `x` in `[1, p)`, or `None` if the rounds ran out (the caller then
/// inverts another way).
pub(crate) fn inverse(x: &[u64; 4]) -> Option<[u64; 4]> {
    let (mut a, mut b) = (*x, P);
    let (mut u, mut v) = ([1u64, 0, 0, 0], [0u64; 4]);
    for _ in 0..MAX_ROUNDS {
        if a == [0; 4] {
            break;
        }
        let length = bit_length(&a).max(bit_length(&b)).max(64);
        let (mut a_hat, mut b_hat) = (approximation(&a, length), approximation(&b, length));
        let (mut f0, mut g0, mut f1, mut g1) = (1i64, 0i64, 0i64, 1i64);
        for _ in 0..STEPS {
            // If a is odd: swap when a < b, then a −= b; then a /= 2. With masks rather than
            // branches: for varied inputs each decision is a coin toss a predictor loses.
            let odd = a_hat & 1;
            let swap = 0u64.wrapping_sub(odd & u64::from(a_hat < b_hat));
            let exchanged = (a_hat ^ b_hat) & swap;
            (a_hat, b_hat) = (a_hat ^ exchanged, b_hat ^ exchanged);
            let swap = swap as i64;
            let exchanged = (f0 ^ f1) & swap;
            (f0, f1) = (f0 ^ exchanged, f1 ^ exchanged);
            let exchanged = (g0 ^ g1) & swap;
            (g0, g1) = (g0 ^ exchanged, g1 ^ exchanged);
            let subtract = 0u64.wrapping_sub(odd);
            a_hat -= b_hat & subtract;
            f0 -= f1 & subtract as i64;
            g0 -= g1 & subtract as i64;
            a_hat >>= 1;
            f1 <<= 1;
            g1 <<= 1;
        }
        let (new_a, negative_a) = {
            let (limbs, top) = linear_combination(&a, &b, f0, g0);
            shift_and_magnitude(limbs, top)
        };
        let (new_b, negative_b) = {
            let (limbs, top) = linear_combination(&a, &b, f1, g1);
            shift_and_magnitude(limbs, top)
        };
        if negative_a {
            (f0, g0) = (-f0, -g0);
        }
        if negative_b {
            (f1, g1) = (-f1, -g1);
        }
        let (new_u, new_v) = (
            modular_combination(&u, &v, f0, g0),
            modular_combination(&u, &v, f1, g1),
        );
        (a, b, u, v) = (new_a, new_b, new_u, new_v);
    }
    // Done when a reached 0 with b the gcd, 1 for any x below p.
    (a == [0; 4] && b == [1, 0, 0, 0]).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fp;

    #[test]
    fn the_binary_gcd_inverts_without_falling_back() {
        let mut x = Fp::from_u64(3);
        let mut values = vec![[1, 0, 0, 0], [2, 0, 0, 0], [0, 0, 0, P[3]]];
        for _ in 0..2000 {
            // Varied values over the whole field.
            x = x.square().add(&Fp::from_u64(7));
            values.push(x.to_canonical());
        }
        for value in values {
            let inverse = inverse(&value).expect("converges");
            let product = Fp::from_canonical(value)
                .expect("below p")
                .mul(&Fp::from_canonical(inverse).expect("below p"));
            assert_eq!(product, Fp::ONE, "{value:x?}");
        }
        assert_eq!(inverse(&[0; 4]), None);
    }
}
