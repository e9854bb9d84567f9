// N Poseidon permutations chained through their state, by the poseidon builtin; prints s0.
%builtins output poseidon
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin, PoseidonBuiltinState
from starkware.cairo.common.serialize import serialize_word

const N = 2000;

func chain{poseidon_ptr: PoseidonBuiltin*}(s0: felt, s1: felt, s2: felt, i: felt) -> felt {
    if (i == N) {
        return s0;
    }
    assert poseidon_ptr.input = PoseidonBuiltinState(s0=s0 + i, s1=s1, s2=s2);
    let output = poseidon_ptr.output;
    let poseidon_ptr = poseidon_ptr + PoseidonBuiltin.SIZE;
    return chain(output.s0, output.s1, output.s2, i + 1);
}

func main{output_ptr: felt*, poseidon_ptr: PoseidonBuiltin*}() {
    let result = chain(0, 1, 2, 0);
    serialize_word(result);
    return ();
}
