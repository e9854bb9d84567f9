//! Poseidon's full rounds on AVX-512 IFMA: the state's three words in three lanes (lane 3
//! stays zero).
//!
//! Why: a full round cubes three independent words, but in the general-purpose registers three
//! cubes one after another take three times one cube's time (their carry chains fill the
//! scheduler). Here one instruction works on all three words: a cube of the three takes about
//! 110 cycles against about 220.
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
    _mm256_add_epi64, _mm256_blend_epi32, _mm256_permute4x64_epi64, _mm256_setzero_si256,
    _mm256_sub_epi64,
};
use std::sync::OnceLock;

use super::{lane_digits, lane_limbs, load, multiply, normalise, square, store, Ifma, LaneDigits};
use crate::field::{Fp, P};

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
            lane_digits::<3>(std::array::from_fn(|word| {
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
        // Below 2p: one subtraction of p at most (the limbs' meaning does not matter to it).
        Fp::from_montgomery_lazy(lane_limbs(&out, word))
            .reduce_lazy_value()
            .to_montgomery()
    })
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
    store(&multiply(&state, &load(&group.exit)), out);
}

#[cfg(test)]
mod tests {
    use super::*;

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
