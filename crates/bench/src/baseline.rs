//! Each bench loop written by hand in Rust, on `starknet-types-core`'s `Felt` and Rust integers:
//! what a careful programmer gets without Cairo, the practical speed limit for native code.
//! Every function computes exactly what its Cairo twin returns, so the suite checks it too.

use std::collections::HashMap;
use std::hint::black_box;

use num_bigint::BigUint;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, Poseidon, StarkHash};

/// `benches/programs/cairo1/fib.cairo`.
pub fn fib(n: u64) -> Felt {
    let (mut a, mut b) = (Felt::ZERO, Felt::ONE);
    for _ in 0..n {
        let next = a + b;
        a = b;
        b = next;
    }
    a
}

/// `factorial.cairo`.
pub fn factorial(n: u64) -> Felt {
    let mut acc = Felt::ONE;
    for i in 1..=n {
        acc *= Felt::from(i);
    }
    acc
}

/// `int_maths.cairo`.
pub fn int_maths(n: u64) -> Felt {
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut acc: u128 = 0;
    for i in 0..n {
        x ^= x / 4096;
        x ^= (x & 0x3ffffffffff) * 512;
        x = (x % 1_000_000_007) * 31 + i % 17;
        acc = (acc + u128::from(x)) % 0xffffffffffffffffffffffffffffff;
    }
    Felt::from(x) + Felt::from(acc)
}

/// `array_sum.cairo`.
pub fn array_sum(n: u64) -> Felt {
    let values: Vec<u64> = (0..n).map(|i| i * 3 + 1).collect();
    // Without the barrier the compiler sums a closed form and never builds the array.
    black_box(&values)
        .iter()
        .fold(Felt::ZERO, |sum, &value| sum + Felt::from(value))
}

/// `dict_loop.cairo`.
pub fn dict_loop(n: u64) -> Felt {
    let mut counts: HashMap<Felt, u64> = HashMap::new();
    for i in 0..n {
        *counts.entry(Felt::from(i % 1024)).or_default() += i;
    }
    (0..1024u64).fold(Felt::ZERO, |total, key| {
        total + Felt::from(counts.get(&Felt::from(key)).copied().unwrap_or(0))
    })
}

#[derive(Clone, Copy)]
struct Point {
    x: u64,
    y: u64,
}

#[derive(Clone, Copy)]
enum Shape {
    Dot(#[allow(dead_code)] Point),
    Segment(Point, Point),
    Box(#[allow(dead_code)] Point, u64, u64),
}

fn area(shape: Shape) -> u64 {
    match shape {
        Shape::Dot(_) => 0,
        Shape::Segment(a, b) => a.x.abs_diff(b.x),
        Shape::Box(_, w, h) => w * h,
    }
}

fn make(i: u64) -> Shape {
    let p = Point {
        x: i % 100,
        y: i % 7,
    };
    match i % 3 {
        0 => Shape::Dot(p),
        1 => Shape::Segment(p, Point { x: p.y, y: p.x }),
        _ => Shape::Box(p, p.x + 1, p.y + 1),
    }
}

/// `enum_struct.cairo`.
pub fn enum_struct(n: u64) -> Felt {
    let mut total: u64 = 0;
    for i in 0..n {
        total = (total + area(black_box(make(i)))) % 1_000_000_007;
    }
    Felt::from(total)
}

/// `deep_recursion.cairo`: one frame per step, as there (run it on a big stack).
pub fn deep_recursion(n: u64) -> Felt {
    if n == 0 {
        return Felt::ZERO;
    }
    let below = deep_recursion(black_box(n - 1));
    below + Felt::from(n * n)
}

/// `pedersen.cairo`.
pub fn pedersen(n: u64) -> Felt {
    (0..n).fold(Felt::ZERO, |hash, i| Pedersen::hash(&hash, &Felt::from(i)))
}

/// `poseidon.cairo`.
pub fn poseidon(n: u64) -> Felt {
    let mut state = [Felt::ZERO, Felt::ONE, Felt::TWO];
    for i in 0..n {
        state[0] += Felt::from(i);
        Poseidon::hades_permutation(&mut state);
    }
    state[0]
}

/// The n elements every array pattern builds: 3i + 1.
fn elements(n: u64) -> Vec<Felt> {
    (0..n).map(|i| Felt::from(3 * i + 1)).collect()
}

/// Indexing a `Vec` by position `reads` times per element.
fn indexed_sum(values: &[Felt], reads: usize) -> Felt {
    let values = black_box(values);
    let mut total = Felt::ZERO;
    for index in 0..values.len() {
        for _ in 0..reads {
            total += values[black_box(index)];
        }
    }
    total
}

/// `array_index.cairo`: `at`, `[]` and `get` on every element.
pub fn array_index(n: u64) -> Felt {
    indexed_sum(&elements(n), 3)
}

/// `span_read.cairo`: `at` and `[]` on every element of a span, then a walk over it.
pub fn span_read(n: u64) -> Felt {
    let values = elements(n);
    let walk = black_box(&values)
        .iter()
        .fold(Felt::ZERO, |total, value| total + *value);
    indexed_sum(&values, 2) + walk
}

#[inline(never)]
fn read_at(values: &[Felt], index: usize) -> Felt {
    values[index]
}

/// `pass_snapshot.cairo`: the array passed by reference to a function twice per element.
pub fn pass_snapshot(n: u64) -> Felt {
    let values = elements(n);
    let mut total = Felt::ZERO;
    for index in 0..values.len() {
        total += read_at(black_box(&values), index);
        total += read_at(black_box(&values[..]), index);
    }
    total
}

struct Account {
    id: u64,
    balance: u128,
    key: Felt,
}

/// `array_of_structs.cairo`.
pub fn array_of_structs(n: u64) -> Felt {
    let accounts: Vec<Account> = (0..n)
        .map(|i| Account {
            id: i,
            balance: u128::from(i * 7),
            key: Felt::from(i) * Felt::from(5u8),
        })
        .collect();
    black_box(&accounts)
        .iter()
        .fold(Felt::ZERO, |total, account| {
            total + Felt::from(account.id) + Felt::from(account.balance) + account.key
        })
}

/// `array_of_arrays.cairo`: n / 16 rows of 16.
pub fn array_of_arrays(n: u64) -> Felt {
    let rows: Vec<Vec<u64>> = (0..n / 16)
        .map(|row| (0..16).map(|column| row * 16 + column).collect())
        .collect();
    black_box(&rows)
        .iter()
        .flatten()
        .fold(Felt::ZERO, |total, &value| total + Felt::from(value))
}

/// `byte_array.cairo`: bytes i % 251, summed, plus the length.
pub fn byte_array(n: u64) -> Felt {
    let bytes: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
    let sum = black_box(&bytes)
        .iter()
        .fold(Felt::ZERO, |total, &byte| total + Felt::from(byte));
    sum + Felt::from(bytes.len() as u64)
}

/// `dict_of_arrays.cairo`: 64 lists keyed by i % 64.
pub fn dict_of_arrays(n: u64) -> Felt {
    let mut lists: HashMap<u64, Vec<u64>> = HashMap::new();
    for i in 0..n {
        lists.entry(black_box(i % 64)).or_default().push(i);
    }
    lists
        .values()
        .flatten()
        .fold(Felt::ZERO, |total, &value| total + Felt::from(value))
}

/// `u256_maths.cairo`: x = (x * c + i) mod m, x < m < 2^128 and c < 2^127 (so x * c < 2^255).
pub fn u256_maths(n: u64) -> Felt {
    let m = BigUint::from(0xfffffffffffffffffffffffffffffeed_u128);
    let c = BigUint::from(0x5deece66d1234567890abcdef0123457_u128);
    let mut x = BigUint::from(0x123456789_u64);
    for i in 0..n {
        x = (&x * &c + i) % &m;
    }
    Felt::from_bytes_le_slice(&x.to_bytes_le())
}

fn merge(left: &[u32], right: &[u32]) -> Vec<u32> {
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        if j == right.len() || (i < left.len() && left[i] <= right[j]) {
            merged.push(left[i]);
            i += 1;
        } else {
            merged.push(right[j]);
            j += 1;
        }
    }
    merged
}

fn merge_sort(values: &[u32]) -> Vec<u32> {
    if values.len() <= 1 {
        return values.to_vec();
    }
    let (left, right) = values.split_at(values.len() / 2);
    merge(&merge_sort(left), &merge_sort(right))
}

/// `merge_sort.cairo`: blocks of 128 pseudo-random values merge-sorted, a new vector per merge.
pub fn merge_sort_blocks(n: u64) -> Felt {
    let mut state: u64 = 12345;
    let mut remaining = n;
    let mut checksum = Felt::ZERO;
    while remaining != 0 {
        let block = remaining.min(128);
        let values: Vec<u32> = (0..block)
            .map(|_| {
                state = (state * 1103515245 + 12345) % 2147483648;
                (state % 100000) as u32
            })
            .collect();
        let sorted = merge_sort(black_box(&values));
        for (position, value) in sorted.iter().enumerate() {
            checksum += Felt::from(position as u64 + 1) * Felt::from(*value);
        }
        remaining -= block;
    }
    checksum
}

/// `ec_circuit.cairo`'s field: BN254's base field.
fn bn254_prime() -> BigUint {
    BigUint::parse_bytes(
        b"30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
        16,
    )
    .unwrap_or_default()
}

/// `(numerator / denominator)² − a − b` and `slope·(a − x) − y`, the chord-and-tangent
/// formulas, given the slope's numerator and denominator.
fn chord(
    (numerator, denominator): (BigUint, BigUint),
    (x, y): (&BigUint, &BigUint),
    other_x: &BigUint,
    prime: &BigUint,
) -> (BigUint, BigUint) {
    let inverse = denominator.modinv(prime).unwrap_or_default();
    let slope = numerator * inverse % prime;
    let new_x = (&slope * &slope + 2u32 * prime - x - other_x) % prime;
    let new_y = (slope * ((x + prime - &new_x) % prime) + prime - y) % prime;
    (new_x, new_y)
}

/// `ec_circuit.cairo`: the generator (1, 2) doubled, then added n times.
pub fn ec_circuit(n: u64) -> Felt {
    let prime = bn254_prime();
    let (gx, gy) = (BigUint::from(1u32), BigUint::from(2u32));
    let doubling = (
        BigUint::from(3u32) * &gx * &gx % &prime,
        (&gy + &gy) % &prime,
    );
    let (mut x, mut y) = chord(doubling, (&gx, &gy), &gx, &prime);
    for _ in 0..n {
        let addition = ((&gy + &prime - &y) % &prime, (&gx + &prime - &x) % &prime);
        (x, y) = chord(addition, (&x, &y), &gx, &prime);
    }
    Felt::from_bytes_le_slice(&x.to_bytes_le()) + Felt::from_bytes_le_slice(&y.to_bytes_le())
}

/// `linear_search.cairo`: n linear searches in 1,000 felts, every fourth for a missing one.
pub fn linear_search(n: u64) -> Felt {
    let values: Vec<Felt> = (0..1000u64)
        .map(|i| Felt::from(i) * Felt::from(7919))
        .collect();
    let values = black_box(values);
    let mut total = Felt::ZERO;
    for k in 0..n {
        let needle = if k % 4 == 3 {
            -Felt::ONE
        } else {
            values[((k * 13) % 1000) as usize]
        };
        let index = values
            .iter()
            .position(|value| *value == needle)
            .unwrap_or(values.len());
        total += Felt::from(index as u64);
    }
    total
}
