// A Felt252Dict of 64 arrays: n values appended, each to the array of key i % 64 (taken out of
// the dictionary and put back), then every array summed.
use core::dict::{Felt252Dict, Felt252DictEntryTrait};
use core::nullable::NullableTrait;

fn run(n: u64) -> felt252 {
    let mut lists: Felt252Dict<Nullable<Array<u64>>> = Default::default();
    let mut i: u64 = 0;
    while i != n {
        let (entry, list) = lists.entry((i % 64).into());
        let mut list = list.deref_or(array![]);
        list.append(i);
        lists = entry.finalize(NullableTrait::new(list));
        i += 1;
    }
    let mut total: felt252 = 0;
    let mut key: u64 = 0;
    while key != 64 {
        let (entry, list) = lists.entry(key.into());
        let list = list.deref_or(array![]);
        for value in list.span() {
            total += (*value).into();
        }
        lists = entry.finalize(NullableTrait::new(list));
        key += 1;
    }
    total
}
