//! Stark-field arithmetic on AVX-512 IFMA, for processors that have it: four field elements
//! in the four 64-bit lanes of 256-bit vectors, each element in five 52-bit digits (digit `k`
//! of every lane in vector `k`), multiplied with `vpmadd52luq`/`vpmadd52huq` (52 × 52-bit
//! products added into 64-bit lanes). One instruction works on four elements, on the vector
//! units, which are ports of their own: where the general-purpose registers' multiplier and
//! carry chains contend (see the `cpu_limits` example), independent multiplications go here.
//! Used by Poseidon's full rounds ([`poseidon`]: the state's three words) and Pedersen's sums
//! ([`curve`]: four running sums at once).
//!
//! Arithmetic: Montgomery with R' = 2^260 (five digits), p = 1 + 17·2^192 + 2^251 having the
//! digits [1, 0, 0, 17·2^36, 2^43], so each reduction step's multiplier is the digit's
//! negation (p ≡ 1 mod 2^52) and its multiple of p two IFMA products. A value is kept with
//! its digits normalised (below 2^52, the top one taking the rest); two factors whose product
//! is below p·2^260 (both below 2^255, or both below 16p) give a product below 2p.

pub(crate) mod curve;
pub(crate) mod poseidon;

use std::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_loadu_si256, _mm256_madd52hi_epu64,
    _mm256_madd52lo_epu64, _mm256_set1_epi64x, _mm256_setzero_si256, _mm256_srai_epi64,
    _mm256_srli_epi64, _mm256_storeu_si256, _mm256_sub_epi64,
};

/// Proof that this processor has AVX-512 IFMA on 256-bit vectors (`avx512ifma`, `avx512vl`,
/// `avx512f`): [`Ifma::detect`] is the only way to make one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ifma(());

impl Ifma {
    /// An `Ifma` if this processor has the extensions. `std` caches the answer.
    #[inline(always)]
    pub(crate) fn detect() -> Option<Ifma> {
        (std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
            && std::arch::is_x86_feature_detected!("avx512ifma"))
        .then_some(Ifma(()))
    }
}

/// Bits per digit.
const DIGIT_BITS: u32 = 52;
const DIGIT_MASK: u64 = (1 << DIGIT_BITS) - 1;

/// Three field elements (lanes 0–2; lane 3 stays zero), digit `k` in vector `k`.
type Lanes = [__m256i; 5];
/// [`Lanes`] in memory: digit `k` of lane `l` at `[k][l]`.
type LaneDigits = [[u64; 4]; 5];

/// The five digits of a value below 2^256 given as four 64-bit limbs.
fn digits_of(limbs: [u64; 4]) -> [u64; 5] {
    let [l0, l1, l2, l3] = limbs;
    [
        l0 & DIGIT_MASK,
        ((l0 >> 52) | (l1 << 12)) & DIGIT_MASK,
        ((l1 >> 40) | (l2 << 24)) & DIGIT_MASK,
        ((l2 >> 28) | (l3 << 36)) & DIGIT_MASK,
        l3 >> 16,
    ]
}

/// The four limbs of a value in normalised digits below 2^256.
fn limbs_of(digits: [u64; 5]) -> [u64; 4] {
    let [d0, d1, d2, d3, d4] = digits;
    [
        d0 | (d1 << 52),
        (d1 >> 12) | (d2 << 40),
        (d2 >> 24) | (d3 << 28),
        (d3 >> 36) | (d4 << 16),
    ]
}

/// Up to four values' digits, one value a lane (the lanes after them zero), as [`LaneDigits`].
fn transpose<const N: usize>(digits: [[u64; 5]; N]) -> LaneDigits {
    std::array::from_fn(|k| std::array::from_fn(|lane| digits.get(lane).map_or(0, |d| d[k])))
}

/// Up to four values (the lanes after them zero) as [`LaneDigits`].
fn lane_digits<const N: usize>(values: [[u64; 4]; N]) -> LaneDigits {
    transpose(values.map(digits_of))
}

/// Lane `lane`'s value (normalised digits, below 2^256) as limbs.
fn lane_limbs(digits: &LaneDigits, lane: usize) -> [u64; 4] {
    limbs_of(std::array::from_fn(|k| digits[k][lane]))
}

#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn load(digits: &LaneDigits) -> Lanes {
    // SAFETY: each load reads the 32 bytes of one `[u64; 4]` (unaligned loads).
    std::array::from_fn(|k| unsafe { _mm256_loadu_si256(digits[k].as_ptr().cast()) })
}

#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn store(lanes: &Lanes, out: &mut LaneDigits) {
    for (digit, vector) in out.iter_mut().zip(lanes) {
        // SAFETY: the store writes the 32 bytes of one `[u64; 4]` (unaligned store).
        unsafe { _mm256_storeu_si256(digit.as_mut_ptr().cast(), *vector) };
    }
}

/// Digits below 2^52 again (signed: a digit may be negative after the MDS rows' subtractions,
/// the value is not), the top digit taking the rest.
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn normalise(mut digits: Lanes) -> Lanes {
    let mask = _mm256_set1_epi64x(DIGIT_MASK as i64);
    for k in 0..4 {
        let carry = _mm256_srai_epi64::<52>(digits[k]);
        digits[k] = _mm256_and_si256(digits[k], mask);
        digits[k + 1] = _mm256_add_epi64(digits[k + 1], carry);
    }
    digits
}

/// `a · b · 2^-260` below 2p, for normalised `a`, `b` with a product below p·2^260.
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn multiply(a: &Lanes, b: &Lanes) -> Lanes {
    let zero = _mm256_setzero_si256();
    // Column k's low halves and column k's high halves (from column k − 1's products) apart,
    // so that no chain of dependent additions is longer than five.
    let (mut low, mut high) = ([zero; 10], [zero; 10]);
    for i in 0..5 {
        for j in 0..5 {
            low[i + j] = _mm256_madd52lo_epu64(low[i + j], a[i], b[j]);
            high[i + j + 1] = _mm256_madd52hi_epu64(high[i + j + 1], a[i], b[j]);
        }
    }
    reduce(std::array::from_fn(|k| _mm256_add_epi64(low[k], high[k])))
}

/// `a² · 2^-260` below 2p, for a normalised `a` below 2^255: the products of distinct digits
/// once, doubled, plus the squares.
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn square(a: &Lanes) -> Lanes {
    let zero = _mm256_setzero_si256();
    let (mut low, mut high) = ([zero; 10], [zero; 10]);
    for i in 0..5 {
        for j in i + 1..5 {
            low[i + j] = _mm256_madd52lo_epu64(low[i + j], a[i], a[j]);
            high[i + j + 1] = _mm256_madd52hi_epu64(high[i + j + 1], a[i], a[j]);
        }
    }
    let mut columns: [__m256i; 10] = std::array::from_fn(|k| {
        let sum = _mm256_add_epi64(low[k], high[k]);
        _mm256_add_epi64(sum, sum)
    });
    for i in 0..5 {
        columns[2 * i] = _mm256_madd52lo_epu64(columns[2 * i], a[i], a[i]);
        columns[2 * i + 1] = _mm256_madd52hi_epu64(columns[2 * i + 1], a[i], a[i]);
    }
    reduce(columns)
}

/// Montgomery reduction of ten columns (each below 2^60) by 2^260: digit by digit, the
/// multiplier m = −column mod 2^52 (p ≡ 1 mod 2^52), its carry to the next column, and m·p's
/// other two digits (17·2^36 at digit 3, 2^43 at digit 4) added as IFMA products; then the
/// top five columns normalised.
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
#[inline]
fn reduce(mut columns: [__m256i; 10]) -> Lanes {
    let mask = _mm256_set1_epi64x(DIGIT_MASK as i64);
    let p_digit_3 = _mm256_set1_epi64x(17 << 36);
    let p_digit_4 = _mm256_set1_epi64x(1 << 43);
    let zero = _mm256_setzero_si256();
    let mut carry = zero;
    for i in 0..5 {
        let column = _mm256_add_epi64(columns[i], carry);
        let m = _mm256_and_si256(_mm256_sub_epi64(zero, column), mask);
        // column + m is a multiple of 2^52.
        carry = _mm256_srli_epi64::<52>(_mm256_add_epi64(column, m));
        columns[i + 3] = _mm256_madd52lo_epu64(columns[i + 3], m, p_digit_3);
        columns[i + 4] = _mm256_madd52hi_epu64(columns[i + 4], m, p_digit_3);
        columns[i + 4] = _mm256_madd52lo_epu64(columns[i + 4], m, p_digit_4);
        columns[i + 5] = _mm256_madd52hi_epu64(columns[i + 5], m, p_digit_4);
    }
    let mut digits = [zero; 5];
    for k in 0..5 {
        let value = _mm256_add_epi64(columns[5 + k], carry);
        if k < 4 {
            carry = _mm256_srli_epi64::<52>(value);
            digits[k] = _mm256_and_si256(value, mask);
        } else {
            digits[k] = value;
        }
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::P;

    #[test]
    fn digits_and_limbs_round_trip() {
        for limbs in [[u64::MAX; 4], [0; 4], [1, 2, 3, 4], [0, 0, 0, P[3]]] {
            let limbs = [limbs[0], limbs[1], limbs[2], limbs[3] >> 1];
            assert_eq!(limbs_of(digits_of(limbs)), limbs);
        }
    }
}
