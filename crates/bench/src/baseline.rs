//! Each bench loop written by hand in Rust, on `starknet-types-core`'s `Felt` and Rust integers:
//! what a careful programmer gets without Cairo, the practical speed limit for native code.
//! Every function computes exactly what its Cairo twin returns, so the suite checks it too.

use std::collections::HashMap;
use std::hint::black_box;

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
