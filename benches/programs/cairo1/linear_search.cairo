// n lookups by linear search in a span of 1,000 felts (`==` on felts in a loop, as lookups in
// small tables and allow-lists do); every fourth lookup misses and reads the whole span.
fn search(values: Span<felt252>, needle: felt252) -> u32 {
    let mut index = 0;
    while index != values.len() {
        if *values[index] == needle {
            return index;
        }
        index += 1;
    };
    index
}

fn run(n: u64) -> felt252 {
    let mut values = array![];
    let mut i: u32 = 0;
    while i != 1000 {
        let value: felt252 = i.into();
        values.append(value * 7919);
        i += 1;
    };
    let values = values.span();
    let mut total: felt252 = 0;
    let mut k: u64 = 0;
    while k != n {
        let needle = if k % 4 == 3 {
            -1
        } else {
            let position: u32 = ((k * 13) % 1000).try_into().unwrap();
            *values[position]
        };
        total += search(values, needle).into();
        k += 1;
    };
    total
}
