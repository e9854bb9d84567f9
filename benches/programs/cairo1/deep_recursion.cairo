// Non-tail recursion n calls deep: the sum of i * i for i in 0..n, one call frame per step.
fn run(n: u64) -> felt252 {
    if n == 0 {
        return 0;
    }
    let below = run(n - 1);
    let square: felt252 = (n * n).into();
    below + square
}
