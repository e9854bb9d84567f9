// Builds an Array<felt252> of n elements, then reads every element by index, three ways: `at`,
// `[]` and `get`.
fn run(n: u64) -> felt252 {
    let size: u32 = n.try_into().unwrap();
    let mut values: Array<felt252> = array![];
    let mut i: u32 = 0;
    while i != size {
        values.append(i.into() * 3 + 1);
        i += 1;
    }
    let mut total: felt252 = 0;
    let mut j: u32 = 0;
    while j != size {
        total += *values.at(j);
        total += *values[j];
        total += *values.get(j).unwrap().unbox();
        j += 1;
    }
    total
}
