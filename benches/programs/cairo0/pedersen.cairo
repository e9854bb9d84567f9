// A Pedersen hash chain of N links through the pedersen builtin; prints the last hash.
%builtins output pedersen
from starkware.cairo.common.cairo_builtins import HashBuiltin
from starkware.cairo.common.hash import hash2
from starkware.cairo.common.serialize import serialize_word

const N = 2000;

func chain{hash_ptr: HashBuiltin*}(hash: felt, i: felt) -> felt {
    if (i == N) {
        return hash;
    }
    let (next) = hash2(hash, i);
    return chain(next, i + 1);
}

func main{output_ptr: felt*, pedersen_ptr: HashBuiltin*}() {
    let hash_ptr = pedersen_ptr;
    let result = chain{hash_ptr=hash_ptr}(0, 0);
    let pedersen_ptr = hash_ptr;
    serialize_word(result);
    return ();
}
