// Fibonacci over felt252 by a loop: felt additions and a u64 counter.
fn run(n: u64) -> felt252 {
    let mut a: felt252 = 0;
    let mut b: felt252 = 1;
    let mut i: u64 = 0;
    while i != n {
        let next = a + b;
        a = b;
        b = next;
        i += 1;
    };
    a
}
