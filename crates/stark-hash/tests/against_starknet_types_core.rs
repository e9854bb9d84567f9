//! Every hash against `starknet-types-core` (the implementation the VM's builtins and
//! cairo-native use): edge values, then random felts — a few thousand here, a million with
//! `cargo test -p cairn-stark-hash --release -- --ignored` (the nightly-style run).

use cairn_stark_hash::field::Fp;
use proptest::prelude::*;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, Poseidon, StarkHash};

fn edge_values() -> Vec<Felt> {
    let two = Felt::TWO;
    vec![
        Felt::ZERO,
        Felt::ONE,
        Felt::MAX, // p − 1
        two.pow(251u32),
        two.pow(248u32) - Felt::ONE,         // every low bit, no high bit
        two.pow(248u32),                     // the first high bit only
        Felt::MAX - two.pow(248u32),         // high nibble 8, low bits of p − 1
        two.pow(240u32) * Felt::from(0x3ff), // the last window's bits and beyond
        Felt::from(512),
        Felt::from(513),                         // a negative digit with a carry
        Felt::from(0x2_0100_8040_2010_0804u128), // 513 in several windows
    ]
}

fn check(a: &Felt, b: &Felt) {
    check_pedersen(a, b);
    assert_eq!(
        cairn_stark_hash::poseidon_hash(a, b),
        Poseidon::hash(a, b),
        "poseidon({a:#x}, {b:#x})"
    );
    let mut ours = [*a, *b, a + b];
    let mut theirs = ours;
    cairn_stark_hash::hades_permutation(&mut ours);
    Poseidon::hades_permutation(&mut theirs);
    assert_eq!(ours, theirs, "hades({a:#x}, {b:#x})");
}

#[test]
fn edge_values_hash_as_starknet_types_core_hashes_them() {
    let values = edge_values();
    for a in &values {
        for b in &values {
            check(a, b);
        }
        assert_eq!(
            cairn_stark_hash::poseidon_hash_single(a),
            Poseidon::hash_single(a)
        );
    }
    assert_eq!(
        cairn_stark_hash::poseidon_hash_many(&values),
        Poseidon::hash_array(&values)
    );
}

#[test]
fn values_at_or_above_p_are_refused_by_the_field() {
    // p itself and 2^256 − 1, as canonical limbs.
    assert_eq!(Fp::from_canonical([1, 0, 0, 0x0800_0000_0000_0011]), None);
    assert_eq!(Fp::from_canonical([u64::MAX; 4]), None);
    assert_eq!(Fp::from_montgomery([u64::MAX; 4]), None);
    // Inverses of edge values agree between the binary GCD and Fermat's little theorem.
    for value in edge_values().iter().filter(|value| **value != Felt::ZERO) {
        let x = Fp::from_montgomery(value.to_raw_reversed()).expect("reduced");
        assert_eq!(x.inverse(), x.inverse_by_fermat(), "{value:#x}");
        assert_eq!(x.inverse().map(|inverse| inverse.mul(&x)), Some(Fp::ONE));
    }
    // p − 1 is accepted and reads back.
    let limbs = [0, 0, 0, 0x0800_0000_0000_0011];
    assert_eq!(Fp::from_canonical(limbs).map(Fp::to_canonical), Some(limbs));
}

fn check_pedersen(a: &Felt, b: &Felt) {
    assert_eq!(
        cairn_stark_hash::pedersen_hash(a, b),
        Pedersen::hash(a, b),
        "pedersen({a:#x}, {b:#x})"
    );
}

/// Runs `hash` on three threads at once (each with its own memos), given the thread's number.
fn on_three_threads(hash: impl Fn(usize) + Send + Sync + 'static) {
    let hash = std::sync::Arc::new(hash);
    let threads: Vec<_> = (0..3)
        .map(|thread| {
            let hash = std::sync::Arc::clone(&hash);
            std::thread::spawn(move || hash(thread))
        })
        .collect();
    for thread in threads {
        thread.join().expect("the hashing thread");
    }
}

/// Hashes that share their first operand (storage addresses: a variable's base with each key)
/// take the first operand's half from the thread's memo; they must not differ from the rest.
/// 200 bases, more than the memo holds, so entries are evicted and slots shared; every base
/// comes back after others, and several threads hash at once, each with its own memo.
#[test]
fn hashes_sharing_a_first_operand_hash_as_starknet_types_core_hashes_them() {
    let bases: Vec<Felt> = edge_values()
        .into_iter()
        .chain((0..189u64).map(|n| Poseidon::hash(&Felt::from(n), &Felt::from(0xba5e))))
        .collect();
    let keys: Vec<Felt> = edge_values()
        .into_iter()
        .chain((0..5u64).map(|n| Felt::from(n) * Felt::from(0x1_0000_0001u64)))
        .collect();
    on_three_threads(move |thread| {
        // Each thread walks the pairs in another order: key-major, base-major, and
        // the same base twice in a row.
        for round in 0..2 {
            for (i, key) in keys.iter().enumerate() {
                for base in bases.iter().skip((i + thread + round) % 7) {
                    let (a, b) = if thread == 1 {
                        (key, base)
                    } else {
                        (base, key)
                    };
                    check_pedersen(a, b);
                }
            }
        }
    });
}

/// A storage read and then a write of the same address hash one pair twice, which the second
/// time comes from the thread's memo of whole hashes. Pairs come back right away, one step
/// later, and after hundreds of others (more than the memo holds, so slots are shared and
/// entries evicted), with the operands swapped too, on several threads at once.
#[test]
fn repeated_pairs_hash_as_starknet_types_core_hashes_them() {
    let pairs: Vec<(Felt, Felt)> = (0..600u64)
        .map(|n| {
            let a = Poseidon::hash(&Felt::from(n % 7), &Felt::from(0xba5e));
            (a, Poseidon::hash(&a, &Felt::from(n)))
        })
        .chain(
            edge_values()
                .into_iter()
                .map(|value| (value, Felt::MAX - value)),
        )
        .collect();
    on_three_threads(move |thread| {
        for (i, pair) in pairs.iter().enumerate() {
            let earlier = [i, i.saturating_sub(1), i.saturating_sub(300 + thread)];
            for (a, b) in earlier.iter().map(|&j| &pairs[j]).chain([pair]) {
                for (a, b) in [(a, b), (b, a)] {
                    check_pedersen(a, b);
                }
            }
        }
    });
}

/// The byte-level entry points (native Cairo's felt layout: 32 little-endian bytes) against
/// `starknet-types-core` reading the same bytes, for any 32 bytes: values at or above p are
/// taken modulo p, as `Felt::from_bytes_le` takes them.
fn check_bytes(a: &[u8; 32], b: &[u8; 32]) {
    let (x, y) = (Felt::from_bytes_le(a), Felt::from_bytes_le(b));
    assert_eq!(
        cairn_stark_hash::pedersen_hash_le(a, b),
        Pedersen::hash(&x, &y).to_bytes_le(),
        "pedersen_le({x:#x}, {y:#x})"
    );
    assert_eq!(
        cairn_stark_hash::felt_inverse_le(a),
        x.inverse().map(|inverse| inverse.to_bytes_le()),
        "inverse_le({x:#x})"
    );
    assert_eq!(
        cairn_stark_hash::felt_sqrt_le(a),
        x.sqrt().map(|root| root.min(-root).to_bytes_le()),
        "sqrt_le({x:#x})"
    );
    let mut ours = [*a, *b, (x + y).to_bytes_le()];
    let mut theirs = [x, y, x + y];
    cairn_stark_hash::hades_permutation_le(&mut ours);
    Poseidon::hades_permutation(&mut theirs);
    assert_eq!(
        ours,
        theirs.map(|felt| felt.to_bytes_le()),
        "hades_le({x:#x}, {y:#x})"
    );
}

#[test]
fn byte_level_hashes_take_any_32_bytes_modulo_p() {
    let p_bytes = {
        let mut bytes = [0; 32];
        bytes[0] = 1;
        bytes[24] = 0x11;
        bytes[31] = 0x08;
        bytes
    };
    let p_plus_one = {
        let mut bytes = p_bytes;
        bytes[0] = 2;
        bytes
    };
    let mut values: Vec<[u8; 32]> = edge_values().iter().map(Felt::to_bytes_le).collect();
    values.extend([p_bytes, p_plus_one, [0xff; 32], {
        let mut top = [0; 32];
        top[31] = 0xff;
        top
    }]);
    for a in &values {
        for b in &values {
            check_bytes(a, b);
        }
    }
    // p reads as zero and p + 1 as one.
    assert_eq!(
        cairn_stark_hash::pedersen_hash_le(&p_bytes, &p_plus_one),
        Pedersen::hash(&Felt::ZERO, &Felt::ONE).to_bytes_le()
    );
}

fn felt() -> impl Strategy<Value = Felt> {
    // Any 32 bytes, reduced modulo p as a felt is.
    any::<[u8; 32]>().prop_map(|bytes| Felt::from_bytes_le(&bytes))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_felts_hash_as_starknet_types_core_hashes_them(a in felt(), b in felt()) {
        check(&a, &b);
    }

    #[test]
    fn random_bytes_hash_as_starknet_types_core_hashes_them(
        a in any::<[u8; 32]>(), b in any::<[u8; 32]>()
    ) {
        check_bytes(&a, &b);
    }

    #[test]
    fn random_pairs_sharing_a_first_operand_hash_as_starknet_types_core_hashes_them(
        a in felt(), other in felt(), keys in proptest::collection::vec(felt(), 1..6)
    ) {
        for key in &keys {
            for first in [&a, &other, &a] {
                prop_assert_eq!(cairn_stark_hash::pedersen_hash(first, key), Pedersen::hash(first, key));
            }
        }
    }

    #[test]
    fn poseidon_of_many_felts_matches(values in proptest::collection::vec(felt(), 0..12)) {
        prop_assert_eq!(
            cairn_stark_hash::poseidon_hash_many(&values),
            Poseidon::hash_array(&values)
        );
    }

    #[test]
    fn field_operations_agree_with_felt_arithmetic(a in felt(), b in felt()) {
        let (x, y) = (Fp::from_montgomery(a.to_raw_reversed()), Fp::from_montgomery(b.to_raw_reversed()));
        let (x, y) = (x.expect("reduced"), y.expect("reduced"));
        let felt_of = |value: Fp| {
            let mut limbs = value.to_montgomery();
            limbs.reverse();
            Felt::from_raw(limbs)
        };
        prop_assert_eq!(felt_of(x.mul(&y)), a * b);
        prop_assert_eq!(felt_of(x.square()), a * a);
        prop_assert_eq!(felt_of(x.add(&y)), a + b);
        prop_assert_eq!(felt_of(x.sub(&y)), a - b);
        if b != Felt::ZERO {
            prop_assert_eq!(felt_of(y.inverse().expect("non-zero")), b.inverse().expect("non-zero"));
            prop_assert_eq!(y.inverse(), y.inverse_by_fermat());
        }
    }
}

/// The nightly-style run: a million random pairs through every hash.
#[test]
#[ignore = "a million hashes: run with --release -- --ignored"]
fn a_million_random_felts_hash_as_starknet_types_core_hashes_them() {
    let mut a = Felt::from(0x5eed);
    let mut b = Felt::from(0xfeed);
    for _ in 0..1_000_000 {
        check(&a, &b);
        check_bytes(&a.to_bytes_le(), &b.to_bytes_le());
        // The next pair: cheap, varied, covering the whole field.
        (a, b) = (Poseidon::hash(&a, &b), a * b + Felt::from(7));
    }
}

/// `k·G` as `starknet-types-core` computes it (the identity for k = 0).
fn multiple_of_generator(k: &Felt) -> starknet_types_core::curve::ProjectivePoint {
    let generator = starknet_types_core::curve::ProjectivePoint::from_affine(
        starknet_types_core::curve::AffinePoint::generator().x(),
        starknet_types_core::curve::AffinePoint::generator().y(),
    )
    .expect("the generator is on the curve");
    &generator * *k
}

/// A point as native code holds it: `[x, y]` little-endian, `(0, 0)` for the identity.
fn point_bytes(point: &starknet_types_core::curve::ProjectivePoint) -> [[u8; 32]; 2] {
    match point.to_affine() {
        Ok(affine) => [affine.x().to_bytes_le(), affine.y().to_bytes_le()],
        Err(_) => [[0; 32]; 2],
    }
}

/// `sum + scalar · point` against `starknet-types-core`, with sum and point multiples of G.
fn check_add_mul(sum_k: &Felt, scalar: &Felt, point_k: &Felt) {
    let (sum, point) = (multiple_of_generator(sum_k), multiple_of_generator(point_k));
    let expected = &sum + &(&point * *scalar);
    assert_eq!(
        cairn_stark_hash::ec_add_mul_le(
            &point_bytes(&sum),
            &scalar.to_bytes_le(),
            &point_bytes(&point)
        ),
        point_bytes(&expected),
        "{sum_k}·G + {scalar}·{point_k}·G"
    );
}

#[test]
fn ec_add_mul_handles_the_identity_doublings_and_opposites() {
    let minus_one = Felt::ZERO - Felt::ONE;
    let values = [
        Felt::ZERO,
        Felt::ONE,
        Felt::TWO,
        Felt::from(15),
        Felt::from(16),
        Felt::from(17),
        minus_one,
        Felt::TWO.pow(251u32),
    ];
    for sum_k in &values {
        for scalar in &values {
            for point_k in &values {
                check_add_mul(sum_k, scalar, point_k);
            }
        }
    }
    // sum = −scalar·point: the point at infinity; sum = scalar·point: a doubling. The same by
    // the generator itself (its multiples come from the fixed-base table), with scalars whose
    // signed 6-bit digits carry (33, 63) or reach the top window.
    check_add_mul(&Felt::from(-6i64), &Felt::from(3), &Felt::TWO);
    check_add_mul(&Felt::from(6), &Felt::from(3), &Felt::TWO);
    for scalar in [3u64, 33, 63, 64, u64::MAX] {
        let scalar = Felt::from(scalar);
        check_add_mul(&-scalar, &scalar, &Felt::ONE);
        check_add_mul(&scalar, &scalar, &Felt::ONE);
    }
    check_add_mul(&Felt::ONE, &minus_one, &Felt::ONE);
}

/// `sum + point` through `ec_add_le` against `starknet-types-core`, both given as multiples of
/// the generator (`0` for infinity).
fn check_add(sum_k: &Felt, point_k: &Felt) {
    let (sum, point) = (multiple_of_generator(sum_k), multiple_of_generator(point_k));
    let expected = &sum + &point;
    assert_eq!(
        cairn_stark_hash::ec_add_le(&point_bytes(&sum), &point_bytes(&point)),
        point_bytes(&expected),
        "{sum_k}·G + {point_k}·G"
    );
}

#[test]
fn ec_add_handles_the_identity_doublings_and_opposites() {
    let minus_one = Felt::ZERO - Felt::ONE;
    let values = [
        Felt::ZERO,
        Felt::ONE,
        Felt::TWO,
        Felt::from(17),
        minus_one,
        -Felt::TWO,
        Felt::TWO.pow(251u32),
    ];
    for sum_k in &values {
        for point_k in &values {
            check_add(sum_k, point_k);
            check_add(sum_k, &-*point_k);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn ec_add_mul_agrees_with_starknet_types_core(sum_k in felt(), scalar in felt(), point_k in felt()) {
        check_add_mul(&sum_k, &scalar, &point_k);
    }

    #[test]
    fn ec_add_mul_by_the_generator_agrees_with_starknet_types_core(sum_k in felt(), scalar in felt()) {
        check_add_mul(&sum_k, &scalar, &Felt::ONE);
    }

    #[test]
    fn ec_add_agrees_with_starknet_types_core(sum_k in felt(), point_k in felt()) {
        check_add(&sum_k, &point_k);
    }
}
