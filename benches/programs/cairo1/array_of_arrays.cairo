// An Array of n / 16 rows of 16 u64 each, built row by row, then summed element by element
// through a snapshot of the whole (rows by `at`, elements by `[]`).
fn run(n: u64) -> felt252 {
    let rows_count: u32 = (n / 16).try_into().unwrap();
    let mut rows: Array<Array<u64>> = array![];
    let mut r: u32 = 0;
    while r != rows_count {
        let mut row: Array<u64> = array![];
        let mut c: u64 = 0;
        while c != 16 {
            row.append(r.into() * 16 + c);
            c += 1;
        }
        rows.append(row);
        r += 1;
    }
    let grid = @rows;
    let mut total: felt252 = 0;
    let mut i: u32 = 0;
    while i != grid.len() {
        let row = grid.at(i);
        let mut j: u32 = 0;
        while j != row.len() {
            total += (*row[j]).into();
            j += 1;
        }
        i += 1;
    }
    total
}
