// Builds an array of n elements, then sums it through a span.
fn run(n: u64) -> felt252 {
    let mut values: Array<u64> = ArrayTrait::new();
    let mut i: u64 = 0;
    while i != n {
        values.append(i * 3 + 1);
        i += 1;
    };
    let mut span = values.span();
    let mut sum: felt252 = 0;
    while let Some(value) = span.pop_front() {
        sum += (*value).into();
    };
    sum
}
