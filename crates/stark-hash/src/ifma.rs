//! Poseidon's full rounds on AVX-512 IFMA, for processors that have it: the state's three
//! words in three lanes of 256-bit vectors, each word in five 52-bit digits, multiplied with
//! `vpmadd52luq`/`vpmadd52huq` (52 × 52-bit products added into 64-bit lanes).
//!
//! Why: a full round cubes three independent words, but in the general-purpose registers three
//! cubes one after another take three times one cube's time (their carry chains fill the
//! scheduler, and the multiplier's micro-ops take the ports the chains need; see the
//! `cpu_limits` example). The vector units are ports of their own, and one instruction works
//! on all three words: a cube of the three takes about 110 cycles here against about 220.
//!
//! Arithmetic: Montgomery with R' = 2^260 (five digits), p = 1 + 17·2^192 + 2^251 having the
//! digits [1, 0, 0, 17·2^36, 2^43], so each reduction step's multiplier is the digit's
//! negation (p ≡ 1 mod 2^52) and its multiple of p two IFMA products. A value is kept with
//! its digits normalised (below 2^52, the top one taking the rest), below 2^255: the product
//! of two such is below p·2^260, so a product comes out below 2p.
//!
//! Domain: the words enter as `Fp`'s Montgomery limbs, x·2^256, or as canonical limbs, x·2^0
//! (what native code holds: the permutation then needs no conversion on either side). A cube
//! of x·2^e (two products, each taking 2^260 off) is x³·2^(3e − 520), so the factor changes
//! from round to round (from 2^256: 2^248, 2^224, 2^152, then 2^-64 after four rounds); each
//! round's constants are stored with that round's factor, the MDS mix is linear (any common
//! factor goes through), and one product at the end of the four rounds, by 2^(f + 260 − e)
//! for the factor 2^e left and the factor 2^f wanted, gives Montgomery form (f = 256) or the
//! canonical value (f = 0).

use std::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_and_si256, _mm256_blend_epi32, _mm256_loadu_si256,
    _mm256_madd52hi_epu64, _mm256_madd52lo_epu64, _mm256_permute4x64_epi64, _mm256_set1_epi64x,
    _mm256_setzero_si256, _mm256_srai_epi64, _mm256_srli_epi64, _mm256_storeu_si256,
    _mm256_sub_epi64,
};
use std::sync::OnceLock;

use crate::field::{Fp, P};

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

/// What the rounds read, built once.
struct Tables {
    /// The permutation's first four rounds on Montgomery limbs and its last four, back to
    /// Montgomery limbs.
    montgomery: [Group; 2],
    /// The first four rounds on canonical limbs (to Montgomery limbs, for the partial rounds)
    /// and the last four to canonical limbs.
    canonical: [Group; 2],
    /// 0, 4p, 6p: what keeps the MDS rows t − 2·x1 and t − 3·x2 positive.
    offsets: LaneDigits,
}

/// Four full rounds' constants for one pair of domains.
struct Group {
    /// Each round's constants stored with its round's factor.
    rounds: [LaneDigits; 4],
    /// The product that takes the factor left after four rounds to the one wanted (in every
    /// lane).
    exit: LaneDigits,
}

/// How a group's words are represented: the exponent e of the factor 2^e they carry.
const MONTGOMERY: i32 = 256;
const CANONICAL: i32 = 0;

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

/// Three values (lane 3 zero) as [`LaneDigits`].
fn lane_digits(values: [[u64; 4]; 3]) -> LaneDigits {
    let digits = values.map(digits_of);
    std::array::from_fn(|k| [digits[0][k], digits[1][k], digits[2][k], 0])
}

/// The element 2^exponent, by square and multiply (on 2 or, for a negative exponent, 1/2).
fn power_of_two(exponent: i32) -> Fp {
    let two = Fp::from_u64(2);
    let mut base = if exponent < 0 { Fp::ONE.halve() } else { two };
    let mut remaining = exponent.unsigned_abs();
    let mut value = Fp::ONE;
    while remaining > 0 {
        if remaining & 1 == 1 {
            value = value.mul(&base);
        }
        base = base.square();
        remaining >>= 1;
    }
    value
}

/// The exponent of each round's factor in a group of four full rounds entered with the factor
/// 2^entry, and of the factor the fourth round's cubes leave.
fn round_factors(entry: i32) -> [i32; 5] {
    let mut factors = [entry; 5];
    for round in 1..5 {
        factors[round] = 3 * factors[round - 1] - 520;
    }
    factors
}

/// The tables of the first four rounds or (`last`) the last four, for words entering with the
/// factor 2^entry and leaving with 2^exit.
fn group(last: bool, entry: i32, exit: i32) -> Group {
    let constants = crate::poseidon::full_round_constants(last);
    let factors = round_factors(entry);
    Group {
        rounds: std::array::from_fn(|round| {
            // The Fp whose limbs are c·2^e is the element c·2^(e − 256).
            let factor = power_of_two(factors[round] - 256);
            lane_digits(std::array::from_fn(|word| {
                constants[3 * round + word].mul(&factor).to_montgomery()
            }))
        }),
        exit: lane_digits([power_of_two(exit + 260 - factors[4] - 256).to_montgomery(); 3]),
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let multiple_of_p = |k: u64| [k, 0, 0, k * P[3]];
        Tables {
            montgomery: [
                group(false, MONTGOMERY, MONTGOMERY),
                group(true, MONTGOMERY, MONTGOMERY),
            ],
            canonical: [
                group(false, CANONICAL, MONTGOMERY),
                group(true, MONTGOMERY, CANONICAL),
            ],
            offsets: lane_digits([[0; 4], multiple_of_p(4), multiple_of_p(6)]),
        }
    })
}

/// Four full rounds, the permutation's first four or (`last`) its last four, on `state` (each
/// word below p), leaving each word below p.
pub(crate) fn full_rounds(ifma: Ifma, state: &mut [Fp; 3], last: bool) {
    let group = &tables().montgomery[usize::from(last)];
    *state = run_group(ifma, state.map(Fp::to_montgomery), group).map(Fp::from_montgomery_lazy);
}

/// The permutation's first four rounds on canonical limbs (each value below p), leaving the
/// words as elements (for the partial rounds).
pub(crate) fn first_rounds_from_canonical(ifma: Ifma, words: [[u64; 4]; 3]) -> [Fp; 3] {
    run_group(ifma, words, &tables().canonical[0]).map(Fp::from_montgomery_lazy)
}

/// The permutation's last four rounds, leaving canonical limbs (each value below p).
pub(crate) fn last_rounds_to_canonical(ifma: Ifma, state: [Fp; 3]) -> [[u64; 4]; 3] {
    run_group(ifma, state.map(Fp::to_montgomery), &tables().canonical[1])
}

/// A group's rounds on three words' limbs (values below p), leaving their limbs below p.
#[inline(always)]
fn run_group(_: Ifma, words: [[u64; 4]; 3], group: &Group) -> [[u64; 4]; 3] {
    let mut out = [[0u64; 4]; 5];
    // SAFETY: an `Ifma` exists, so the processor has AVX-512F, VL and IFMA, the features the
    // function is compiled for.
    unsafe { rounds(&lane_digits(words), group, &tables().offsets, &mut out) };
    std::array::from_fn(|word| {
        let digits = std::array::from_fn(|k| out[k][word]);
        // Below 2p: one subtraction of p at most (the limbs' meaning does not matter to it).
        Fp::from_montgomery_lazy(limbs_of(digits))
            .reduce_lazy_value()
            .to_montgomery()
    })
}

#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
fn load(digits: &LaneDigits) -> Lanes {
    // SAFETY: each load reads the 32 bytes of one `[u64; 4]` (unaligned loads).
    std::array::from_fn(|k| unsafe { _mm256_loadu_si256(digits[k].as_ptr().cast()) })
}

/// The four rounds, from the words' digits to the result's digits (below 2p, normalised).
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
fn rounds(words: &LaneDigits, group: &Group, offsets: &LaneDigits, out: &mut LaneDigits) {
    let offsets = load(offsets);
    let zero = _mm256_setzero_si256();
    let (words, first) = (load(words), load(&group.rounds[0]));
    let mut state = normalise(std::array::from_fn(|k| {
        _mm256_add_epi64(words[k], first[k])
    }));
    for round in 0..4 {
        let cubes = multiply(&square(&state), &state);
        let next = if round < 3 {
            load(&group.rounds[round + 1])
        } else {
            [zero; 5]
        };
        state = normalise(std::array::from_fn(|k| {
            let y = cubes[k];
            // t = y0 + y1 + y2 in lanes 0–2 (lane 3 stays zero: its digits are).
            let t = _mm256_add_epi64(
                _mm256_add_epi64(y, _mm256_permute4x64_epi64::<0b11_00_10_01>(y)),
                _mm256_permute4x64_epi64::<0b11_01_00_10>(y),
            );
            // 2·y0, −2·y1, −3·y2: the MDS rows t + 2x0, t − 2x1, t − 3x2.
            let double = _mm256_add_epi64(y, y);
            let minus_double = _mm256_sub_epi64(zero, double);
            let minus_triple = _mm256_sub_epi64(minus_double, y);
            let scaled = _mm256_blend_epi32::<0b0011_0000>(
                _mm256_blend_epi32::<0b0000_1100>(double, minus_double),
                minus_triple,
            );
            _mm256_add_epi64(
                _mm256_add_epi64(t, scaled),
                _mm256_add_epi64(offsets[k], next[k]),
            )
        }));
    }
    let result = multiply(&state, &load(&group.exit));
    for (digit, vector) in out.iter_mut().zip(result) {
        // SAFETY: the store writes the 32 bytes of one `[u64; 4]` (unaligned store).
        unsafe { _mm256_storeu_si256(digit.as_mut_ptr().cast(), vector) };
    }
}

/// Digits below 2^52 again (signed: a digit may be negative after the MDS rows' subtractions,
/// the value is not), the top digit taking the rest.
#[target_feature(enable = "avx512f,avx512vl,avx512ifma")]
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

    #[test]
    fn digits_and_limbs_round_trip() {
        for limbs in [[u64::MAX; 4], [0; 4], [1, 2, 3, 4], [0, 0, 0, P[3]]] {
            let limbs = [limbs[0], limbs[1], limbs[2], limbs[3] >> 1];
            assert_eq!(limbs_of(digits_of(limbs)), limbs);
        }
    }

    #[test]
    fn round_factors_follow_the_cube() {
        assert_eq!(round_factors(MONTGOMERY), [256, 248, 224, 152, -64]);
        assert_eq!(round_factors(CANONICAL), [0, -520, -2080, -6760, -20800]);
    }

    #[test]
    fn powers_of_two_agree_with_doubling_and_halving() {
        let two = Fp::from_u64(2);
        let (mut up, mut down) = (Fp::ONE, Fp::ONE);
        for exponent in 0..600 {
            assert_eq!(power_of_two(exponent), up, "2^{exponent}");
            assert_eq!(power_of_two(-exponent), down, "2^-{exponent}");
            up = up.mul(&two);
            down = down.halve();
        }
    }
}
