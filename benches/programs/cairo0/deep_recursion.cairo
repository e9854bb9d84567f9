// Non-tail recursion N calls deep: the sum of i * i for i in 1..=N; prints it.
%builtins output
from starkware.cairo.common.serialize import serialize_word

const N = 20000;

func squares(n: felt) -> felt {
    if (n == 0) {
        return 0;
    }
    let below = squares(n - 1);
    return below + n * n;
}

func main{output_ptr: felt*}() {
    let result = squares(N);
    serialize_word(result);
    return ();
}
