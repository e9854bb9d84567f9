// An Array of n structs, built, then read member by member through a snapshot of each element.
#[derive(Copy, Drop)]
struct Account {
    id: u64,
    balance: u128,
    key: felt252,
}

fn run(n: u64) -> felt252 {
    let mut accounts: Array<Account> = array![];
    let mut i: u64 = 0;
    while i != n {
        accounts.append(Account { id: i, balance: (i * 7).into(), key: i.into() * 5 });
        i += 1;
    }
    let size = accounts.len();
    let mut total: felt252 = 0;
    let mut j: u32 = 0;
    while j != size {
        let account = accounts.at(j);
        total += (*account.id).into() + (*account.balance).into() + *account.key;
        j += 1;
    }
    total
}
