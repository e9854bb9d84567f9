// A Pedersen hash chain of n links.
fn run(n: u64) -> felt252 {
    let mut hash: felt252 = 0;
    let mut i: u64 = 0;
    while i != n {
        hash = core::pedersen::pedersen(hash, i.into());
        i += 1;
    };
    hash
}
