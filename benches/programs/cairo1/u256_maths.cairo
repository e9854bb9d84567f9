// A u256 multiply-add-modulo recurrence: x = (x * c + i) % m, with x < m < 2^128, c < 2^127.
fn run(n: u64) -> felt252 {
    let m: u256 = 0xfffffffffffffffffffffffffffffeed;
    let c: u256 = 0x5deece66d1234567890abcdef0123457;
    let mut x: u256 = 0x123456789;
    let mut i: u64 = 0;
    while i != n {
        x = (x * c + i.into()) % m;
        i += 1;
    }
    x.low.into() + x.high.into()
}
