// Builds an Array<felt252> of n elements, takes a span of it, reads every element of the span
// by index (`at` and `[]`), then walks the span with `pop_front`.
fn run(n: u64) -> felt252 {
    let size: u32 = n.try_into().unwrap();
    let mut values: Array<felt252> = array![];
    let mut i: u32 = 0;
    while i != size {
        values.append(i.into() * 3 + 1);
        i += 1;
    }
    let span = values.span();
    let mut total: felt252 = 0;
    let mut j: u32 = 0;
    while j != size {
        total += *span.at(j);
        total += *span[j];
        j += 1;
    }
    let mut walk = span;
    while let Some(value) = walk.pop_front() {
        total += *value;
    }
    total
}
