// n Poseidon (Hades) permutations chained through their state.
fn run(n: u64) -> felt252 {
    let mut state: (felt252, felt252, felt252) = (0, 1, 2);
    let mut i: u64 = 0;
    while i != n {
        let (s0, s1, s2) = state;
        state = core::poseidon::hades_permutation(s0 + i.into(), s1, s2);
        i += 1;
    };
    let (s0, _, _) = state;
    s0
}
