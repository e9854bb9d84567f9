// Merge sort written for Cairo's immutable arrays: spans sliced and indexed with `[]`, a new
// array built at every merge. Sorts n pseudo-random u32s in blocks of 128 (so the cost grows
// linearly with n) and sums each sorted block weighted by position.
fn merge(left: Span<u32>, right: Span<u32>) -> Array<u32> {
    let mut merged = array![];
    let mut i = 0;
    let mut j = 0;
    while i < left.len() || j < right.len() {
        if j == right.len() || (i < left.len() && *left[i] <= *right[j]) {
            merged.append(*left[i]);
            i += 1;
        } else {
            merged.append(*right[j]);
            j += 1;
        }
    }
    merged
}

fn merge_sort(values: Span<u32>) -> Array<u32> {
    if values.len() <= 1 {
        let mut copy = array![];
        copy.append_span(values);
        return copy;
    }
    let middle = values.len() / 2;
    let left = merge_sort(values.slice(0, middle));
    let right = merge_sort(values.slice(middle, values.len() - middle));
    merge(left.span(), right.span())
}

fn run(n: u64) -> felt252 {
    let mut state: u64 = 12345;
    let mut remaining = n;
    let mut checksum: felt252 = 0;
    while remaining != 0 {
        let block = if remaining < 128 {
            remaining
        } else {
            128
        };
        let mut values = array![];
        let mut k = 0;
        while k != block {
            state = (state * 1103515245 + 12345) % 2147483648;
            values.append((state % 100000).try_into().unwrap());
            k += 1;
        }
        let sorted = merge_sort(values.span());
        let mut position: felt252 = 1;
        for value in sorted.span() {
            checksum += position * (*value).into();
            position += 1;
        }
        remaining -= block;
    }
    checksum
}
