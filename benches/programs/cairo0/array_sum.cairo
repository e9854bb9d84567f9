// Builds an array of N felts in a fresh segment, then sums it; prints the sum.
%builtins output
from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.serialize import serialize_word

const N = 20000;

func fill(values: felt*, i: felt) {
    if (i == N) {
        return ();
    }
    assert values[i] = i * 3 + 1;
    return fill(values, i + 1);
}

func sum(values: felt*, n: felt) -> felt {
    if (n == 0) {
        return 0;
    }
    let rest = sum(values + 1, n - 1);
    return values[0] + rest;
}

func main{output_ptr: felt*}() {
    alloc_locals;
    let (local values: felt*) = alloc();
    fill(values, 0);
    let total = sum(values, N);
    serialize_word(total);
    return ();
}
