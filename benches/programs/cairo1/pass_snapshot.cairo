// Builds an Array<felt252> of n elements, then passes it to a function every iteration, once
// as `@values` and once as `values.span()`.
#[inline(never)]
fn read(values: @Array<felt252>, index: u32) -> felt252 {
    *values.at(index)
}

#[inline(never)]
fn read_span(values: Span<felt252>, index: u32) -> felt252 {
    *values[index]
}

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
        total += read(@values, j);
        total += read_span(values.span(), j);
        j += 1;
    }
    total
}
