//! Quick, noise-resistant timings of the hashes and field operations: the minimum over many
//! short batches (a shared machine's stolen time only ever adds), for comparing changes
//! between criterion runs. `cargo run --release -p cairn-stark-hash --example hash_timing`.

use std::hint::black_box;
use std::time::Instant;

use cairn_stark_hash::field::Fp;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, Poseidon, StarkHash};

/// The fastest time per call, in nanoseconds, of `batch` calls over 300 batches.
fn fastest(batch: u32, mut call: impl FnMut(u32)) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..300 {
        let start = Instant::now();
        for turn in 0..batch {
            call(turn);
        }
        best = best.min(start.elapsed().as_nanos() as f64 / f64::from(batch));
    }
    best
}

fn main() {
    let inputs: Vec<(Felt, Felt)> = (0..256u64)
        .map(|n| {
            let a = Poseidon::hash(&Felt::from(n), &Felt::ONE);
            (a, Poseidon::hash(&a, &Felt::TWO))
        })
        .collect();
    let pick = |turn: u32| &inputs[turn as usize % inputs.len()];
    let pedersen_inputs: Vec<(Felt, Felt)> = (0..4096u64)
        .map(|n| {
            let a = Poseidon::hash(&Felt::from(n), &Felt::from(3));
            (a, Poseidon::hash(&a, &Felt::TWO))
        })
        .collect();
    cairn_stark_hash::pedersen_hash(&inputs[0].0, &inputs[0].1);

    let hades_cairn = fastest(200, |turn| {
        let (a, b) = pick(turn);
        let mut state = [*a, *b, Felt::TWO];
        cairn_stark_hash::hades_permutation(black_box(&mut state));
        black_box(state);
    });
    let hades_core = fastest(200, |turn| {
        let (a, b) = pick(turn);
        let mut state = [*a, *b, Felt::TWO];
        Poseidon::hades_permutation(black_box(&mut state));
        black_box(state);
    });
    // Pedersen's pairs run on from batch to batch over many more pairs than its memo keeps,
    // so that every call hashes.
    let mut next_pair = 0;
    let pedersen_cairn = fastest(50, |_| {
        let (a, b) = &pedersen_inputs[next_pair % pedersen_inputs.len()];
        next_pair += 1;
        black_box(cairn_stark_hash::pedersen_hash(black_box(a), black_box(b)));
    });
    let pedersen_core = fastest(50, |_| {
        let (a, b) = &pedersen_inputs[next_pair % pedersen_inputs.len()];
        next_pair += 1;
        black_box(Pedersen::hash(black_box(a), black_box(b)));
    });
    let a = Fp::from_u64(0x1234_5678_9abc_def0);
    let b = Fp::from_u64(0x0fed_cba9_8765_4321)
        .inverse()
        .unwrap_or(Fp::ONE);
    let mul = fastest(20_000, |_| {
        black_box(black_box(a).mul(&b));
    });
    let mut chained = a;
    let mul_chain = fastest(20_000, |_| chained = chained.mul(&b));
    let mut squared = a;
    let square_chain = fastest(20_000, |_| squared = squared.square());
    black_box((chained, squared));
    println!(
        "hades    cairn {hades_cairn:8.1} ns  core {hades_core:8.1} ns  ratio {:.2}",
        hades_core / hades_cairn
    );
    println!(
        "pedersen cairn {pedersen_cairn:8.1} ns  core {pedersen_core:8.1} ns  ratio {:.2}",
        pedersen_core / pedersen_cairn
    );
    let mut inverted = a;
    let inverse_chain = fastest(200, |_| {
        inverted = inverted.inverse().unwrap_or(Fp::ONE).add(&Fp::ONE);
    });
    black_box(inverted);
    let mut felt_inverted = Felt::from(0x1234_5678_9abc_def0u64);
    let felt_inverse_chain = fastest(200, |_| {
        felt_inverted = felt_inverted.inverse().unwrap_or(Felt::ONE) + Felt::ONE;
    });
    black_box(felt_inverted);
    println!(
        "inverse chain {inverse_chain:7.1} ns  starknet-types-core {felt_inverse_chain:7.1} ns"
    );
    println!("mul (throughput) {mul:5.2} ns  mul chain {mul_chain:5.2} ns  square chain {square_chain:5.2} ns");
    let bytes: Vec<[u8; 32]> = inputs.iter().map(|(a, _)| a.to_bytes_le()).collect();
    let crossing = fastest(2_000, |turn| {
        let felt = Felt::from_bytes_le(black_box(&bytes[turn as usize % bytes.len()]));
        black_box(felt.to_bytes_le());
    });
    println!("felt from and to bytes {crossing:6.1} ns");

    // Native code holds felts as little-endian bytes: the runtime's entry points against the
    // detour through `Felt` (the runtime's path before them), on Hades and on Pedersen memo
    // hits (a storage write after a read of the same address).
    let words: Vec<[[u8; 32]; 3]> = inputs
        .iter()
        .map(|(a, b)| [a.to_bytes_le(), b.to_bytes_le(), Felt::TWO.to_bytes_le()])
        .collect();
    let hades_via_felt = fastest(200, |turn| {
        let mut state = words[turn as usize % words.len()];
        let mut felts = state.map(|word| Felt::from_bytes_le(&word));
        cairn_stark_hash::hades_permutation(black_box(&mut felts));
        for (word, felt) in state.iter_mut().zip(felts) {
            *word = felt.to_bytes_le();
        }
        black_box(state);
    });
    let hades_le = fastest(200, |turn| {
        let mut state = words[turn as usize % words.len()];
        cairn_stark_hash::hades_permutation_le(black_box(&mut state));
        black_box(state);
    });
    println!("hades from bytes: via Felt {hades_via_felt:8.1} ns  _le {hades_le:8.1} ns");
    let pair = |turn: u32| {
        let [a, b, _] = &words[turn as usize % 8];
        (a, b)
    };
    let hit_via_felt = fastest(2_000, |turn| {
        let (a, b) = pair(turn);
        let hash = cairn_stark_hash::pedersen_hash(
            &Felt::from_bytes_le(black_box(a)),
            &Felt::from_bytes_le(black_box(b)),
        );
        black_box(hash.to_bytes_le());
    });
    let hit_le = fastest(2_000, |turn| {
        let (a, b) = pair(turn);
        black_box(cairn_stark_hash::pedersen_hash_le(
            black_box(a),
            black_box(b),
        ));
    });
    println!("pedersen memo hit from bytes: via Felt {hit_via_felt:6.1} ns  _le {hit_le:6.1} ns");

    // The curve operations of an ECDSA verification: a square root (a public key's y), a
    // scalar multiplication by an arbitrary point and by the generator, and a point sum.
    let squares: Vec<[u8; 32]> = inputs.iter().map(|(a, _)| (a * a).to_bytes_le()).collect();
    let sqrt = fastest(20, |turn| {
        black_box(cairn_stark_hash::felt_sqrt_le(black_box(
            &squares[turn as usize % squares.len()],
        )));
    });
    let generator = starknet_types_core::curve::AffinePoint::generator();
    let generator = [generator.x().to_bytes_le(), generator.y().to_bytes_le()];
    let identity = [[0; 32]; 2];
    let point =
        cairn_stark_hash::ec_add_mul_le(&identity, &Felt::from(7).to_bytes_le(), &generator);
    let add_mul = fastest(5, |turn| {
        let scalar = &bytes[turn as usize % bytes.len()];
        black_box(cairn_stark_hash::ec_add_mul_le(
            &identity,
            black_box(scalar),
            &point,
        ));
    });
    let add_mul_generator = fastest(20, |turn| {
        let scalar = &bytes[turn as usize % bytes.len()];
        black_box(cairn_stark_hash::ec_add_mul_le(
            &identity,
            black_box(scalar),
            &generator,
        ));
    });
    let add = fastest(200, |_| {
        black_box(cairn_stark_hash::ec_add_le(black_box(&point), &generator));
    });
    println!(
        "curve: sqrt {sqrt:8.1} ns  k·P {add_mul:8.1} ns  k·G {add_mul_generator:8.1} ns  P + Q {add:6.1} ns"
    );
}
