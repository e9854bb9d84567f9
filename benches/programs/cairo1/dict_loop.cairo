// A dictionary filled with n entries over 1024 keys, then read back: entry get/insert and squash.
fn run(n: u64) -> felt252 {
    let mut counts: Felt252Dict<u64> = Default::default();
    let mut i: u64 = 0;
    while i != n {
        let key: felt252 = (i % 1024).into();
        counts.insert(key, counts.get(key) + i);
        i += 1;
    };
    let mut total: felt252 = 0;
    let mut key: u64 = 0;
    while key != 1024 {
        total += counts.get(key.into()).into();
        key += 1;
    };
    total
}
