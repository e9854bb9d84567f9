// N! over felts (wrapping around the prime); prints the result.
%builtins output
from starkware.cairo.common.serialize import serialize_word

const N = 20000;

func factorial(acc: felt, i: felt) -> felt {
    if (i == N + 1) {
        return acc;
    }
    return factorial(acc * i, i + 1);
}

func main{output_ptr: felt*}() {
    let result = factorial(1, 1);
    serialize_word(result);
    return ();
}
