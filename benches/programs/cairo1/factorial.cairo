// n! over felt252 (it wraps around the prime): felt multiplications.
fn run(n: u64) -> felt252 {
    let mut acc: felt252 = 1;
    let mut i: u64 = 1;
    while i <= n {
        acc = acc * i.into();
        i += 1;
    };
    acc
}
