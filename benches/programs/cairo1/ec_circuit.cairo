// n additions of points on BN254 (y² = x³ + 3 over its base field) through arithmetic circuits
// (`core::circuit`), as pairing and signature verifiers on Starknet do: each addition is one
// circuit with two subtractions, an inverse, three products and three more subtractions.
use core::circuit::{
    AddInputResultTrait, CircuitElement, CircuitInput, CircuitInputs, CircuitModulus,
    CircuitOutputsTrait, EvalCircuitTrait, circuit_add, circuit_inverse, circuit_mul, circuit_sub,
    u384,
};

fn bn254_modulus() -> CircuitModulus {
    TryInto::<
        _, CircuitModulus,
    >::try_into([0x6871ca8d3c208c16d87cfd47, 0xb85045b68181585d97816a91, 0x30644e72e131a029, 0])
        .unwrap()
}

fn small(value: u128) -> u384 {
    value.into()
}

// p + q for p ≠ ±q.
fn add(p: (u384, u384), q: (u384, u384), modulus: CircuitModulus) -> (u384, u384) {
    let x1 = CircuitElement::<CircuitInput<0>> {};
    let y1 = CircuitElement::<CircuitInput<1>> {};
    let x2 = CircuitElement::<CircuitInput<2>> {};
    let y2 = CircuitElement::<CircuitInput<3>> {};
    let slope = circuit_mul(circuit_sub(y2, y1), circuit_inverse(circuit_sub(x2, x1)));
    let x3 = circuit_sub(circuit_sub(circuit_mul(slope, slope), x1), x2);
    let y3 = circuit_sub(circuit_mul(slope, circuit_sub(x1, x3)), y1);
    let (px, py) = p;
    let (qx, qy) = q;
    let outputs = (x3, y3)
        .new_inputs()
        .next(px)
        .next(py)
        .next(qx)
        .next(qy)
        .done()
        .eval(modulus)
        .unwrap();
    (outputs.get_output(x3), outputs.get_output(y3))
}

// 2p for p with y ≠ 0.
fn double(p: (u384, u384), modulus: CircuitModulus) -> (u384, u384) {
    let x = CircuitElement::<CircuitInput<0>> {};
    let y = CircuitElement::<CircuitInput<1>> {};
    let three = CircuitElement::<CircuitInput<2>> {};
    let slope = circuit_mul(circuit_mul(three, circuit_mul(x, x)), circuit_inverse(circuit_add(y, y)));
    let x2 = circuit_sub(circuit_sub(circuit_mul(slope, slope), x), x);
    let y2 = circuit_sub(circuit_mul(slope, circuit_sub(x, x2)), y);
    let (px, py) = p;
    let outputs = (x2, y2).new_inputs().next(px).next(py).next(small(3)).done().eval(modulus).unwrap();
    (outputs.get_output(x2), outputs.get_output(y2))
}

fn as_felt(value: u384) -> felt252 {
    let limb0: felt252 = value.limb0.into();
    let limb1: felt252 = value.limb1.into();
    let limb2: felt252 = value.limb2.into();
    limb0 + limb1 * 0x1000000000000000000000000 + limb2 * 0x1000000000000000000000000 * 0x1000000000000000000000000
}

fn run(n: u64) -> felt252 {
    let modulus = bn254_modulus();
    let generator = (small(1), small(2));
    let mut point = double(generator, modulus);
    let mut i: u64 = 0;
    while i != n {
        point = add(point, generator, modulus);
        i += 1;
    };
    let (x, y) = point;
    as_felt(x) + as_felt(y)
}
