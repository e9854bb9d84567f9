// A ByteArray of n bytes built byte by byte, then read back byte by byte with `at`.
fn run(n: u64) -> felt252 {
    let size: u32 = n.try_into().unwrap();
    let mut text: ByteArray = "";
    let mut i: u32 = 0;
    while i != size {
        let byte: u8 = (i % 251).try_into().unwrap();
        text.append_byte(byte);
        i += 1;
    }
    let mut total: felt252 = 0;
    let mut j: u32 = 0;
    while j != text.len() {
        total += text.at(j).unwrap().into();
        j += 1;
    }
    total + text.len().into()
}
