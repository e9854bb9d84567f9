//! Poseidon over the Stark field as Starknet defines it: the Hades permutation of width 3 with
//! 8 full rounds and 83 partial rounds, S-box x³, and the optimised round structure (one round
//! constant per partial round, the others carried forward; a mix of additions only).
//!
//! The round constants are Starknet's, taken from `lambdaworks-crypto`'s public table (the one
//! `starknet-types-core` hashes with) and turned into this crate's representation once.

use std::sync::OnceLock;

use lambdaworks_crypto::hash::poseidon::starknet::PoseidonCairoStark252;

use crate::field::Fp;

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

/// `x³` for `x` below 4p, left below 2p.
#[inline(always)]
fn cube_lazy(x: Fp) -> Fp {
    x.square_lazy().mul_lazy(&x)
}

/// A full round: the constants added and every word cubed (each below 2p, unreduced), then
/// the MDS matrix [[3, 1, 1], [1, −1, 1], [1, 1, −2]] with additions only, each word reduced
/// once (t = x0 + x1 + x2 < 6p; t + 2x0 < 10p; t + 4p − 2x1 < 10p; t + 6p − 3x2 < 12p).
#[inline(always)]
fn full_round(state: &mut [Fp; 3], constants: &[Fp]) {
    // Three independent cubes written out, not through `array::from_fn`, whose closure LLVM
    // leaves as a call: inline, the three multiplication chains overlap in the pipeline.
    let x0 = cube_lazy(state[0].add_lazy(&constants[0]));
    let x1 = cube_lazy(state[1].add_lazy(&constants[1]));
    let x2 = cube_lazy(state[2].add_lazy(&constants[2]));
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

/// The Hades permutation of Starknet's Poseidon, in place.
pub fn permute(state: &mut [Fp; 3]) {
    let constants = round_constants();
    let mut next = 0;
    for _ in 0..FULL_ROUNDS / 2 {
        full_round(state, &constants[next..next + 3]);
        next += 3;
    }
    // Partial rounds with lazy reduction. Only the third word goes through the S-box, and
    // each round's S-box waits on the previous one's: that chain is what the permutation's
    // time is, so everything that does not depend on the S-box output x is taken off it. With
    // t = s0 + s1 + x, the next S-box input is s2' + c' = t − 3x + c' = (s0 + s1 + c') − 2x:
    // `base` = reduce(s0 + s1 + c') + 4p is computed while x is, and the chain per round is
    // a shift, a subtraction and the cube. Bounds: s0, s1 below p, x below 2p, the S-box
    // input base − 2x in (0, 5p).
    let partial = &constants[next..next + PARTIAL_ROUNDS];
    let four_p = Fp::multiple_of_p(4);
    let two_p = Fp::multiple_of_p(2);
    let [mut s0, mut s1, s2] = *state;
    let mut input = s2.add_lazy(&partial[0]); // < 2p
    for round in 0..PARTIAL_ROUNDS {
        let x = input.square_lazy().mul_lazy(&input); // < 2p
        let s0_plus_s1 = s0.add_lazy(&s1); // < 2p
                                           // The constant after the last partial round is zero: `input` is then s2' itself.
        let next_constant = partial.get(round + 1).unwrap_or(&Fp::ZERO);
        let base = s0_plus_s1
            .add_lazy(next_constant)
            .reduce_lazy_value()
            .add_lazy(&four_p); // < 5p
        input = base.sub_lazy(&x.double_lazy());
        // t < 4p; t + 2·s0 < 6p; t + 2p − 2·s1 < 6p, not below zero.
        let t = s0_plus_s1.add_lazy(&x);
        s0 = t.add_lazy(&s0.double_lazy()).reduce_lazy_value();
        s1 = t
            .add_lazy(&two_p)
            .sub_lazy(&s1.double_lazy())
            .reduce_lazy_value();
    }
    *state = [s0, s1, input.reduce_lazy_value()];
    next += PARTIAL_ROUNDS;
    for _ in 0..FULL_ROUNDS / 2 {
        full_round(state, &constants[next..next + 3]);
        next += 3;
    }
}
