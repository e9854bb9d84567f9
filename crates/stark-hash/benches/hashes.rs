//! Pedersen and the Hades permutation: this crate against `starknet-types-core` in the same run
//! (`cargo bench -p cairn-stark-hash`), on varied inputs; and the field operations they are
//! made of.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, Poseidon, StarkHash};

/// 4,096 pairs of varied felts (a chain of Poseidon hashes), taken in turn: hashing one input
/// over and over would let branch predictors learn it, and far more pairs than the Pedersen
/// memo keeps, so that its hits do not count as hashes (the "read then write" case measures
/// those).
fn inputs() -> Vec<(Felt, Felt)> {
    let mut next = Felt::from(0x5eed);
    (0..4096)
        .map(|_| {
            let a = Poseidon::hash(&next, &Felt::ONE);
            let b = Poseidon::hash(&a, &Felt::TWO);
            next = b;
            (a, b)
        })
        .collect()
}

fn pedersen(c: &mut Criterion) {
    let inputs = inputs();
    // The tables are built before timing.
    cairn_stark_hash::pedersen_hash(&inputs[0].0, &inputs[0].1);
    let mut group = c.benchmark_group("pedersen");
    let mut turn = 0;
    group.bench_function("cairn-stark-hash", |bench| {
        bench.iter(|| {
            let (a, b) = &inputs[turn % inputs.len()];
            turn += 1;
            cairn_stark_hash::pedersen_hash(black_box(a), black_box(b))
        })
    });
    group.bench_function("starknet-types-core", |bench| {
        bench.iter(|| {
            let (a, b) = &inputs[turn % inputs.len()];
            turn += 1;
            Pedersen::hash(black_box(a), black_box(b))
        })
    });
    // Storage addresses: one variable's base hashed with varied keys (a map read in a loop),
    // where the first operand's half comes from the thread's memo.
    let base = inputs[0].0;
    group.bench_function("cairn-stark-hash, one first operand", |bench| {
        bench.iter(|| {
            let key = &inputs[turn % inputs.len()].1;
            turn += 1;
            cairn_stark_hash::pedersen_hash(black_box(&base), black_box(key))
        })
    });
    group.bench_function("starknet-types-core, one first operand", |bench| {
        bench.iter(|| {
            let key = &inputs[turn % inputs.len()].1;
            turn += 1;
            Pedersen::hash(black_box(&base), black_box(key))
        })
    });
    // A storage variable read and then written: each key's address hashed twice in a row.
    group.bench_function(
        "cairn-stark-hash, one first operand, read then write",
        |bench| {
            bench.iter(|| {
                let key = &inputs[(turn / 2) % inputs.len()].1;
                turn += 1;
                cairn_stark_hash::pedersen_hash(black_box(&base), black_box(key))
            })
        },
    );
    group.finish();
}

fn hades(c: &mut Criterion) {
    let inputs = inputs();
    let mut group = c.benchmark_group("hades_permutation");
    let mut turn = 0;
    group.bench_function("cairn-stark-hash", |bench| {
        bench.iter(|| {
            let (a, b) = inputs[turn % inputs.len()];
            turn += 1;
            let mut state = [a, b, Felt::TWO];
            cairn_stark_hash::hades_permutation(black_box(&mut state));
            state
        })
    });
    group.bench_function("starknet-types-core", |bench| {
        bench.iter(|| {
            let (a, b) = inputs[turn % inputs.len()];
            turn += 1;
            let mut state = [a, b, Felt::TWO];
            Poseidon::hades_permutation(black_box(&mut state));
            state
        })
    });
    group.finish();
}

criterion_group!(benches, pedersen, hades);

fn field(c: &mut Criterion) {
    use cairn_stark_hash::field::Fp;
    let a = Fp::from_u64(0x1234_5678_9abc_def0);
    let b = Fp::from_u64(0x0fed_cba9_8765_4321)
        .inverse()
        .unwrap_or(Fp::ONE);
    let mut group = c.benchmark_group("field");
    group.bench_function("100 mul", |bench| {
        bench.iter(|| {
            let mut x = black_box(a);
            for _ in 0..100 {
                x = x.mul(&b);
            }
            x
        })
    });
    group.bench_function("100 square", |bench| {
        bench.iter(|| {
            let mut x = black_box(a);
            for _ in 0..100 {
                x = x.square();
            }
            x
        })
    });
    // Varied inputs, as a hash meets them.
    let values: Vec<Fp> = (0..256u64)
        .map(|n| Fp::from_u64(n + 2).inverse().unwrap_or(Fp::ONE))
        .collect();
    let mut turn = 0;
    group.bench_function("inverse", |bench| {
        bench.iter(|| {
            turn += 1;
            black_box(values[turn % values.len()]).inverse()
        })
    });
    group.bench_function("inverse by Fermat", |bench| {
        bench.iter(|| {
            turn += 1;
            black_box(values[turn % values.len()]).inverse_by_fermat()
        })
    });
    group.bench_function("100 add", |bench| {
        bench.iter(|| {
            let mut x = black_box(a);
            for _ in 0..100 {
                x = x.add(&b);
            }
            x
        })
    });
    group.finish();
}

criterion_group!(field_benches, field);
criterion_main!(benches, field_benches);
