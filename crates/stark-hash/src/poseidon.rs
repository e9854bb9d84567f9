//! Poseidon over the Stark field as Starknet defines it: the Hades permutation of width 3 with
//! 8 full rounds and 83 partial rounds, S-box x³, and the optimised round structure (one round
//! constant per partial round, the others carried forward; a mix of additions only).
//!
//! The round constants are Starknet's, taken from `lambdaworks-crypto`'s public table (the one
//! `starknet-types-core` hashes with) and turned into this crate's representation once.

use std::sync::OnceLock;

use lambdaworks_crypto::hash::poseidon::starknet::PoseidonCairoStark252;

use crate::field::{Fp, Multiplier};

const FULL_ROUNDS: usize = 8;
const PARTIAL_ROUNDS: usize = 83;
/// Three per full round, one per partial round.
const CONSTANTS: usize = 3 * FULL_ROUNDS + PARTIAL_ROUNDS;

fn round_constants() -> &'static [Fp; CONSTANTS] {
    static TABLE: OnceLock<[Fp; CONSTANTS]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let source = &PoseidonCairoStark252::OPTIMIZED_ROUND_CONSTANTS;
        std::array::from_fn(|index| {
            // lambdaworks keeps the same Montgomery form, most significant limb first.
            let mut limbs = source[index].value().limbs;
            limbs.reverse();
            Fp::from_montgomery(limbs).unwrap_or(Fp::ZERO)
        })
    })
}

/// `x³` for `x` below 5p (`square_lazy`'s bound; x² < 2p then, and 10p² < p·2^256), left
/// below 2p.
#[inline(always)]
fn cube_lazy<M: Multiplier>(multiplier: M, x: Fp) -> Fp {
    multiplier.mul_lazy(&multiplier.square_lazy(&x), &x)
}

/// A full round: the constants added and every word cubed (each below 2p, unreduced), then
/// the MDS matrix [[3, 1, 1], [1, −1, 1], [1, 1, −2]] with additions only, each word reduced
/// once (t = x0 + x1 + x2 < 6p; t + 2x0 < 10p; t + 4p − 2x1 < 10p; t + 6p − 3x2 < 12p).
#[inline(always)]
fn full_round<M: Multiplier>(multiplier: M, state: &mut [Fp; 3], constants: &[Fp]) {
    // Three independent cubes written out, not through `array::from_fn`, whose closure LLVM
    // leaves as a call; the three squares first, then the three multiplications, so that
    // independent work comes next to each other in the instruction stream (a cube's
    // instructions wait on its chain and fill the scheduler, and three cubes one after another
    // took three times one cube's time: Hades 2.43 → 2.40 µs).
    let inputs = [
        state[0].add_lazy(&constants[0]),
        state[1].add_lazy(&constants[1]),
        state[2].add_lazy(&constants[2]),
    ];
    let squares = [
        multiplier.square_lazy(&inputs[0]),
        multiplier.square_lazy(&inputs[1]),
        multiplier.square_lazy(&inputs[2]),
    ];
    let x0 = multiplier.mul_lazy(&squares[0], &inputs[0]);
    let x1 = multiplier.mul_lazy(&squares[1], &inputs[1]);
    let x2 = multiplier.mul_lazy(&squares[2], &inputs[2]);
    let t = x0.add_lazy(&x1).add_lazy(&x2);
    state[0] = t.add_lazy(&x0.add_lazy(&x0)).reduce_lazy_value();
    state[1] = t
        .add_lazy(&Fp::multiple_of_p(4))
        .sub_lazy(&x1.add_lazy(&x1))
        .reduce_lazy_value();
    state[2] = t
        .add_lazy(&Fp::multiple_of_p(6))
        .sub_lazy(&x2.add_lazy(&x2).add_lazy(&x2))
        .reduce_lazy_value();
}

/// One partial round on s0, s1 below `BOUND`·p and the S-box input `input` (in (0, 5p)),
/// leaving the next S-box input in `input` and s0, s1 below p if `REDUCE`, else below 6p
/// (`BOUND` 1) — a `BOUND` of at most 6 keeps every sum below 26p < 2^256.
///
/// With t = s0 + s1 + x (x the S-box output), the next S-box input is s2' + c' = t − 3x + c'
/// = (s0 + s1 + c') − 2x: `base` = reduce(s0 + s1 + c') + 4p is computed while x is, and the
/// chain from one S-box to the next is a shift, a subtraction and the cube. The MDS rows
/// give s0' = t + 2·s0 and s1' = t − 2·s1 (plus 2·BOUND·p, to stay above zero).
#[inline(always)]
fn partial_round<M: Multiplier, const BOUND: u64, const REDUCE: bool>(
    multiplier: M,
    s0: &mut Fp,
    s1: &mut Fp,
    input: &mut Fp,
    next_constant: &Fp,
) {
    let x = cube_lazy(multiplier, *input); // below 2p
    let s0_plus_s1 = s0.add_lazy(s1); // below 2·BOUND·p
    let base = s0_plus_s1
        .add_lazy(next_constant)
        .reduce_lazy_value()
        .add_lazy(&Fp::multiple_of_p(4)); // below 5p
    *input = base.sub_lazy(&x.double_lazy());
    let t = s0_plus_s1.add_lazy(&x); // below (2·BOUND + 2)·p
    let next_s0 = t.add_lazy(&s0.double_lazy());
    let next_s1 = t
        .add_lazy(&Fp::multiple_of_p(2 * BOUND))
        .sub_lazy(&s1.double_lazy());
    if REDUCE {
        *s0 = next_s0.reduce_lazy_value();
        *s1 = next_s1.reduce_lazy_value();
    } else {
        *s0 = next_s0;
        *s1 = next_s1;
    }
}

/// The Hades permutation of Starknet's Poseidon, in place.
pub fn permute(state: &mut [Fp; 3]) {
    #[cfg(target_arch = "x86_64")]
    if let (Some(adx), Some(ifma)) = (crate::adx::Adx::detect(), crate::ifma::Ifma::detect()) {
        permute_with_ifma(adx, ifma, state);
        return;
    }
    with_fastest_multiplier!(|multiplier| permute_with(multiplier, state))
}

/// The Hades permutation on canonical limbs (each value below p), in place: what native code
/// calls, as it holds felts by value. With IFMA the full rounds take and leave canonical
/// limbs themselves (`ifma`'s domains), so nothing is converted on either side.
pub fn permute_canonical(words: &mut [[u64; 4]; 3]) {
    #[cfg(target_arch = "x86_64")]
    if let (Some(adx), Some(ifma)) = (crate::adx::Adx::detect(), crate::ifma::Ifma::detect()) {
        permute_canonical_with_ifma(adx, ifma, words);
        return;
    }
    let mut state = words.map(Fp::from_canonical_reduced);
    permute(&mut state);
    *words = state.map(Fp::to_canonical);
}

/// [`permute_canonical`] with the full rounds on AVX-512 IFMA.
#[cfg(target_arch = "x86_64")]
pub(crate) fn permute_canonical_with_ifma(
    adx: crate::adx::Adx,
    ifma: crate::ifma::Ifma,
    words: &mut [[u64; 4]; 3],
) {
    let mut state = crate::ifma::poseidon::first_rounds_from_canonical(ifma, *words);
    adx.partial_rounds(&mut state, partial_round_constants());
    *words = crate::ifma::poseidon::last_rounds_to_canonical(ifma, state);
}

/// The constants of four full rounds (three each): the permutation's first four, or (`last`)
/// its last four.
pub(crate) fn full_round_constants(last: bool) -> &'static [Fp] {
    let start = if last {
        3 * FULL_ROUNDS / 2 + PARTIAL_ROUNDS
    } else {
        0
    };
    &round_constants()[start..start + 3 * FULL_ROUNDS / 2]
}

/// The partial rounds' constants, one a round.
fn partial_round_constants() -> &'static [Fp] {
    &round_constants()[3 * FULL_ROUNDS / 2..3 * FULL_ROUNDS / 2 + PARTIAL_ROUNDS]
}

/// [`permute`] with the full rounds on AVX-512 IFMA (`ifma::full_rounds`: the three words'
/// cubes at once) and the partial rounds in `adx::partial_round`'s assembly.
#[cfg(target_arch = "x86_64")]
pub(crate) fn permute_with_ifma(
    adx: crate::adx::Adx,
    ifma: crate::ifma::Ifma,
    state: &mut [Fp; 3],
) {
    crate::ifma::poseidon::full_rounds(ifma, state, false);
    adx.partial_rounds(state, partial_round_constants());
    crate::ifma::poseidon::full_rounds(ifma, state, true);
}

/// [`permute`] with one kind of multiplication (see `Multiplier`).
pub(crate) fn permute_with<M: Multiplier>(multiplier: M, state: &mut [Fp; 3]) {
    for constants in full_round_constants(false).chunks_exact(3) {
        full_round(multiplier, state, constants);
    }
    multiplier.partial_rounds(state, partial_round_constants());
    for constants in full_round_constants(true).chunks_exact(3) {
        full_round(multiplier, state, constants);
    }
}

/// The partial rounds in portable Rust over any multiplication (`Multiplier::partial_rounds`'s
/// default), on `state` with one constant per round.
#[inline(always)]
pub(crate) fn partial_rounds<M: Multiplier>(multiplier: M, state: &mut [Fp; 3], partial: &[Fp]) {
    // Partial rounds with lazy reduction. Only the third word goes through the S-box, and
    // each round's S-box waits on the previous one's: that chain is what the permutation's
    // time is, so everything that does not depend on the S-box output x is taken off it (see
    // `partial_round`), and s0 and s1 are reduced every other round only.
    let [mut s0, mut s1, s2] = *state;
    // The S-box input, below 2p; the constant after the last partial round is zero, so that
    // `input` is then s2' itself.
    let mut input = s2.add_lazy(&partial[0]);
    let next_constant = |round: usize| partial.get(round + 1).copied().unwrap_or(Fp::ZERO);
    let mut round = 0;
    while round + 1 < PARTIAL_ROUNDS {
        // s0, s1 below p → below 6p → below p again.
        partial_round::<_, 1, false>(
            multiplier,
            &mut s0,
            &mut s1,
            &mut input,
            &next_constant(round),
        );
        partial_round::<_, 6, true>(
            multiplier,
            &mut s0,
            &mut s1,
            &mut input,
            &next_constant(round + 1),
        );
        round += 2;
    }
    if round < PARTIAL_ROUNDS {
        partial_round::<_, 1, true>(
            multiplier,
            &mut s0,
            &mut s1,
            &mut input,
            &next_constant(round),
        );
    }
    *state = [s0, s1, input.reduce_lazy_value()];
}

/// The partial rounds in `adx::partial_round`'s assembly, a round a block, on u = s0 + s1 and
/// d = s0 − s1 instead of s0 and s1 (see `adx::PartialRounds`): s0 and s1 are halves of
/// their sum and difference at the end.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn partial_rounds_adx(adx: crate::adx::Adx, state: &mut [Fp; 3], partial: &[Fp]) {
    let [s0, s1, s2] = *state;
    let mut rounds =
        crate::adx::PartialRounds::new(s0.add(&s1).to_montgomery(), s0.sub(&s1).to_montgomery());
    // The S-box input, below 2p; the constant after the last round is zero, so that the last
    // round's result is s2 itself.
    let mut input = s2.add_lazy(&partial[0]).to_montgomery();
    for round in 0..partial.len() {
        let next = partial.get(round + 1).copied().unwrap_or(Fp::ZERO);
        input = crate::adx::partial_round(adx, input, &mut rounds, &next.to_montgomery());
    }
    let (u, d) = rounds.sum_and_difference();
    let u = Fp::from_montgomery_lazy(u);
    let d = Fp::from_montgomery_lazy(d).reduce_lazy_value();
    *state = [
        u.add(&d).halve(),
        u.sub(&d).halve(),
        Fp::from_montgomery_lazy(input).reduce_lazy_value(),
    ];
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::field::{Portable, P};

    /// A state after the partial rounds alone and after the whole permutation.
    type PartialAndWhole = [[Fp; 3]; 2];

    /// The partial rounds on `state` in portable Rust and in the one-block assembly (where the
    /// processor has BMI2/ADX; elsewhere there is nothing to compare), and the whole
    /// permutation both ways.
    fn both_ways(state: [Fp; 3]) -> Option<(PartialAndWhole, PartialAndWhole)> {
        let adx = crate::adx::Adx::detect()?;
        let (mut portable, mut assembly) = (state, state);
        partial_rounds(Portable, &mut portable, partial_round_constants());
        partial_rounds_adx(adx, &mut assembly, partial_round_constants());
        let (mut portable_whole, mut assembly_whole) = (state, state);
        permute_with(Portable, &mut portable_whole);
        permute_with(adx, &mut assembly_whole);
        Some(([portable, portable_whole], [assembly, assembly_whole]))
    }

    fn element(limbs: [u64; 4]) -> Fp {
        Fp::from_montgomery(limbs).expect("below p")
    }

    /// States at the edges: every word 0, 1, p − 1, 2^251 or carry-heavy limbs, and two
    /// where the first partial round's base lands in [2^251, p).
    fn edge_states() -> Vec<[Fp; 3]> {
        let minus_one = [0, 0, 0, P[3]];
        let top_bit_alone = [0, 0, 0, 1 << 59];
        let edges = [
            [0; 4],
            [1, 0, 0, 0],
            minus_one,
            top_bit_alone,
            [u64::MAX, u64::MAX, 3, 7],
        ];
        // u + c (s0 + s1 + the second round's constant, the first base) in [2^251, p): the
        // multiple of p estimated from the top bits is one too many, and one p is added back.
        let constant = partial_round_constants()[1];
        assert!(
            constant.to_montgomery()[3] < 1 << 59,
            "a constant below 2^251"
        );
        let borrow = Fp::from_montgomery_lazy([5, 0, 0, 1 << 59]).sub_lazy(&constant);
        let mut states = vec![[borrow, Fp::ZERO, Fp::ZERO], [Fp::ZERO, borrow, Fp::ONE]];
        for a in edges {
            for b in edges {
                for c in edges {
                    states.push([element(a), element(b), element(c)]);
                }
            }
        }
        states
    }

    #[test]
    fn the_assembly_rounds_give_the_portable_results_on_edge_states() {
        for state in edge_states() {
            if let Some((portable, assembly)) = both_ways(state) {
                assert_eq!(portable, assembly, "{state:?}");
            }
        }
    }

    /// A state after the first four full rounds, after the last four, and after the whole
    /// permutation.
    type FirstLastWhole = [[Fp; 3]; 3];

    /// Four full rounds (the first four, or the last four) in portable Rust and on AVX-512
    /// IFMA, and the whole permutation both ways (where the processor has IFMA and ADX;
    /// elsewhere there is nothing to compare).
    fn ifma_both_ways(state: [Fp; 3]) -> Option<(FirstLastWhole, FirstLastWhole)> {
        let (adx, ifma) = (crate::adx::Adx::detect()?, crate::ifma::Ifma::detect()?);
        let (mut portable_first, mut portable_last, mut portable_whole) = (state, state, state);
        for constants in full_round_constants(false).chunks_exact(3) {
            full_round(Portable, &mut portable_first, constants);
        }
        for constants in full_round_constants(true).chunks_exact(3) {
            full_round(Portable, &mut portable_last, constants);
        }
        permute_with(Portable, &mut portable_whole);
        let (mut first, mut last, mut whole) = (state, state, state);
        crate::ifma::poseidon::full_rounds(ifma, &mut first, false);
        crate::ifma::poseidon::full_rounds(ifma, &mut last, true);
        permute_with_ifma(adx, ifma, &mut whole);
        Some((
            [portable_first, portable_last, portable_whole],
            [first, last, whole],
        ))
    }

    /// The permutation on canonical limbs through the IFMA domains and through the portable
    /// arithmetic (converted into Montgomery form and back), where the processor has IFMA.
    fn canonical_both_ways(state: [Fp; 3]) -> Option<[[[u64; 4]; 3]; 2]> {
        let (adx, ifma) = (crate::adx::Adx::detect()?, crate::ifma::Ifma::detect()?);
        let mut portable = state;
        permute_with(Portable, &mut portable);
        let mut words = state.map(Fp::to_canonical);
        permute_canonical_with_ifma(adx, ifma, &mut words);
        Some([portable.map(Fp::to_canonical), words])
    }

    #[test]
    fn the_canonical_ifma_permutation_gives_the_portable_results_on_edge_states() {
        for state in edge_states() {
            if let Some([portable, ifma]) = canonical_both_ways(state) {
                assert_eq!(portable, ifma, "{state:?}");
            }
        }
    }

    #[test]
    fn the_ifma_full_rounds_give_the_portable_results_on_edge_states() {
        for state in edge_states() {
            if let Some((portable, ifma)) = ifma_both_ways(state) {
                assert_eq!(portable, ifma, "{state:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn the_assembly_rounds_give_the_portable_results(
            a in any::<[u64; 4]>(),
            b in any::<[u64; 4]>(),
            c in any::<[u64; 4]>(),
        ) {
            let reduce = |limbs: [u64; 4]| Fp::from_montgomery_lazy(limbs).reduce_lazy_value();
            if let Some((portable, assembly)) = both_ways([reduce(a), reduce(b), reduce(c)]) {
                prop_assert_eq!(portable, assembly);
            }
        }

        #[test]
        fn the_ifma_full_rounds_give_the_portable_results(
            a in any::<[u64; 4]>(),
            b in any::<[u64; 4]>(),
            c in any::<[u64; 4]>(),
        ) {
            let reduce = |limbs: [u64; 4]| Fp::from_montgomery_lazy(limbs).reduce_lazy_value();
            if let Some((portable, ifma)) = ifma_both_ways([reduce(a), reduce(b), reduce(c)]) {
                prop_assert_eq!(portable, ifma);
            }
        }

        #[test]
        fn the_canonical_ifma_permutation_gives_the_portable_results(
            a in any::<[u64; 4]>(),
            b in any::<[u64; 4]>(),
            c in any::<[u64; 4]>(),
        ) {
            let state = [a, b, c].map(Fp::from_canonical_reduced);
            if let Some([portable, ifma]) = canonical_both_ways(state) {
                prop_assert_eq!(portable, ifma);
            }
        }
    }
}
