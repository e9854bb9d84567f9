// Integer maths: a congruential generator mixed with xor-shifts, in u64 and u128 (division,
// remainder, bitwise and overflow-checked arithmetic).
fn run(n: u64) -> felt252 {
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut acc: u128 = 0;
    let mut i: u64 = 0;
    while i != n {
        x = x ^ (x / 4096);
        x = x ^ ((x & 0x3ffffffffff) * 512);
        x = (x % 1000000007) * 31 + i % 17;
        acc = (acc + x.into()) % 0xffffffffffffffffffffffffffffff;
        i += 1;
    };
    x.into() + acc.into()
}
