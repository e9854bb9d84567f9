//! `Felt252Dict<T>` and `SquashedFelt252Dict<T>` in native memory: a pointer to a
//! [`NativeDict`], whose entries (a felt key, then the value) sit one after another in a
//! `malloc` buffer, found through an open-addressing index of entry numbers. Everything is
//! plain `malloc` memory, so this crate can build, read and free dictionaries and the native
//! backend's runtime can use them with the same code.
//!
//! A value is at offset 32 of its entry; a missing key reads as all-zero bytes, which is every
//! dictionary value type's default (0, null). The index may be null (a dictionary built here,
//! or just sorted); it is rebuilt on the next lookup.
//!
//! A dictionary and its snapshots share one `NativeDict`: `refcount` counts them. Dropping the
//! last reference frees it; an operation that changes a shared dictionary works on a copy of
//! it first (the native backend's `unshare`), so a snapshot never sees later writes.

use std::alloc::Layout;

/// The dictionary header a dictionary value points to.
#[repr(C)]
#[derive(Debug)]
pub struct NativeDict {
    /// `len` entries of [`entry_stride`] bytes each (`capacity` allocated).
    pub entries: *mut u8,
    /// Entries in use.
    pub len: u64,
    /// Entries allocated.
    pub capacity: u64,
    /// `slot_count` slots: 0 for empty, else 1 + an entry's number; or null.
    pub slots: *mut u64,
    /// A power of two, or 0 when `slots` is null.
    pub slot_count: u64,
    /// Lookups so far (the VM's accesses, which squashing refunds gas for).
    pub accesses: u64,
    /// The dictionary values (a dictionary and its snapshots) pointing here.
    pub refcount: u64,
}

/// Offsets of the fields native code reads.
pub mod fields {
    /// [`super::NativeDict::entries`].
    pub const ENTRIES: usize = 0;
    /// [`super::NativeDict::len`].
    pub const LEN: usize = 8;
    /// [`super::NativeDict::refcount`].
    pub const REFCOUNT: usize = 48;

    const _: () = {
        use std::mem::offset_of;
        assert!(offset_of!(super::NativeDict, entries) == ENTRIES);
        assert!(offset_of!(super::NativeDict, len) == LEN);
        assert!(offset_of!(super::NativeDict, refcount) == REFCOUNT);
    };
}

/// Bytes of a key.
pub const KEY_SIZE: usize = 32;

/// The size of one entry for values of `value` layout: the key, then the value, rounded to 16.
pub fn entry_stride(value: Layout) -> usize {
    (KEY_SIZE + value.size()).next_multiple_of(16)
}

fn out_of_memory() -> ! {
    // Generated code cannot unwind; there is no meaningful way to go on.
    eprintln!("cairn: out of memory in a dictionary");
    std::process::abort()
}

fn hash(key: &[u8; KEY_SIZE]) -> u64 {
    let mut hash = 0u64;
    for chunk in key.chunks_exact(8) {
        let limb = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        hash = (hash ^ limb)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    hash ^ (hash >> 32)
}

impl NativeDict {
    /// A new empty dictionary, from `malloc`, with one reference.
    pub fn allocate() -> *mut NativeDict {
        // SAFETY: calloc returns zeroed memory (an empty dictionary with no buffers) or null.
        let dict =
            unsafe { libc::calloc(1, std::mem::size_of::<NativeDict>()) }.cast::<NativeDict>();
        if dict.is_null() {
            out_of_memory();
        }
        // SAFETY: `dict` is a fresh, zeroed NativeDict.
        unsafe { (*dict).refcount = 1 };
        dict
    }

    /// A copy of `dict` with one reference, its entries copied bitwise (the caller takes new
    /// references to whatever the values own); `dict` loses the reference the caller held.
    ///
    /// # Safety
    /// `dict` is a live dictionary the caller holds a reference to, shared with another holder
    /// (so it stays alive); `stride` is its entry stride.
    pub unsafe fn unshare(dict: *mut NativeDict, stride: usize) -> *mut NativeDict {
        let copy = NativeDict::allocate();
        // SAFETY: per the contract above; the copy's buffer holds `len` entries.
        unsafe {
            let source = &mut *dict;
            source.refcount -= 1;
            let len = source.len as usize;
            if len > 0 {
                let entries = libc::malloc(len * stride).cast::<u8>();
                if entries.is_null() {
                    out_of_memory();
                }
                std::ptr::copy_nonoverlapping(source.entries, entries, len * stride);
                (*copy).entries = entries;
            }
            (*copy).len = source.len;
            (*copy).capacity = source.len;
            (*copy).accesses = source.accesses;
        }
        copy
    }

    /// The key and value of entry `index`.
    ///
    /// # Safety
    /// `index < self.len`, and `stride` is the dictionary's entry stride.
    pub unsafe fn entry_at(&self, index: usize, stride: usize) -> (*mut [u8; KEY_SIZE], *mut u8) {
        // SAFETY: entries `0..len` lie in the buffer, `stride` bytes apart.
        unsafe {
            let entry = self.entries.add(index * stride);
            (entry.cast(), entry.add(KEY_SIZE))
        }
    }

    /// The value of `key`, inserted zeroed if missing; counts one access. The pointer is valid
    /// until the next call that may insert.
    ///
    /// # Safety
    /// `stride` is the dictionary's entry stride, and the dictionary's buffers are its own.
    pub unsafe fn entry(&mut self, key: &[u8; KEY_SIZE], stride: usize) -> *mut u8 {
        self.accesses += 1;
        // SAFETY: forwarded from the caller.
        unsafe {
            if self.slots.is_null() || (self.len + 1) * 2 > self.slot_count {
                self.reindex(
                    ((self.len as usize + 1) * 4).next_power_of_two().max(16),
                    stride,
                );
            }
            let mask = self.slot_count as usize - 1;
            let mut slot = hash(key) as usize & mask;
            loop {
                let occupant = *self.slots.add(slot);
                if occupant == 0 {
                    break;
                }
                let (entry_key, value) = self.entry_at(occupant as usize - 1, stride);
                if *entry_key == *key {
                    return value;
                }
                slot = (slot + 1) & mask;
            }
            if self.len == self.capacity {
                let capacity = (self.capacity * 2).max(8);
                let entries = libc::realloc(self.entries.cast(), capacity as usize * stride);
                if entries.is_null() {
                    out_of_memory();
                }
                self.entries = entries.cast();
                self.capacity = capacity;
            }
            let index = self.len as usize;
            self.len += 1;
            *self.slots.add(slot) = index as u64 + 1;
            let (entry_key, value) = self.entry_at(index, stride);
            *entry_key = *key;
            std::ptr::write_bytes(value, 0, stride - KEY_SIZE);
            value
        }
    }

    /// Rebuilds the index with `slot_count` slots.
    unsafe fn reindex(&mut self, slot_count: usize, stride: usize) {
        // SAFETY: the old index is ours to free; the new one is zeroed and `slot_count` long;
        // entries `0..len` are valid.
        unsafe {
            libc::free(self.slots.cast());
            let slots = libc::calloc(slot_count, 8).cast::<u64>();
            if slots.is_null() {
                out_of_memory();
            }
            self.slots = slots;
            self.slot_count = slot_count as u64;
            let mask = slot_count - 1;
            for index in 0..self.len as usize {
                let (key, _) = self.entry_at(index, stride);
                let mut slot = hash(&*key) as usize & mask;
                while *slots.add(slot) != 0 {
                    slot = (slot + 1) & mask;
                }
                *slots.add(slot) = index as u64 + 1;
            }
        }
    }

    /// Sorts the entries by key (as numbers) and drops the index: the squashed form.
    ///
    /// # Safety
    /// As [`NativeDict::entry`].
    pub unsafe fn sort_by_key(&mut self, stride: usize) {
        // SAFETY: entries `0..len` are valid; each is copied once into a new buffer of `len`
        // entries, which replaces the old one (freed after).
        unsafe {
            let len = self.len as usize;
            if len > 1 {
                // Keys as numbers: little-endian, so the high half (bytes 16..32) first.
                let key_of = |index: usize| {
                    let key = &*self.entries.add(index * stride).cast::<[u8; KEY_SIZE]>();
                    let half = |range: std::ops::Range<usize>| {
                        u128::from_le_bytes(key[range].try_into().unwrap_or_default())
                    };
                    (half(16..32), half(0..16))
                };
                // Sorted as (key, index) pairs side by side, not through the entries (two
                // scattered reads per comparison) nor as copies of each entry (an allocation
                // each): a million entries with random keys 0.75–0.9 s → 0.15–0.17 s.
                let mut keyed: Vec<(u128, u128, usize)> = (0..len)
                    .map(|index| {
                        let (high, low) = key_of(index);
                        (high, low, index)
                    })
                    .collect();
                keyed.sort_unstable();
                // Gathered into a new buffer in that order: the reads are scattered but
                // independent, so they overlap (moving entries along the permutation's cycles
                // in place chains each read to the one before: 0.21–0.24 s in all).
                let sorted = libc::malloc(len * stride).cast::<u8>();
                if sorted.is_null() {
                    out_of_memory();
                }
                for (position, &(_, _, index)) in keyed.iter().enumerate() {
                    std::ptr::copy_nonoverlapping(
                        self.entries.add(index * stride),
                        sorted.add(position * stride),
                        stride,
                    );
                }
                libc::free(self.entries.cast());
                self.entries = sorted;
                self.capacity = len as u64;
            }
            libc::free(self.slots.cast());
            self.slots = std::ptr::null_mut();
            self.slot_count = 0;
        }
    }

    /// How many range checks the VM's squash of this dictionary uses, once it is sorted
    /// ([`NativeDict::sort_by_key`]), as the CASM of `felt252_dict_squash` spends them: two
    /// to check the dictionary's index, then, unless it is empty, two per key (its first
    /// access index, its slack), one per access after a key's first, and an order check between
    /// consecutive keys: one per pair plus one for the first key when every key is below 2^128,
    /// else four per pair (a comparison of felts).
    ///
    /// # Safety
    /// As [`NativeDict::entry`].
    pub unsafe fn squash_range_checks(&self, stride: usize) -> u64 {
        const INDEX_CHECKS: u64 = 2;
        let keys = self.len;
        if keys == 0 {
            return INDEX_CHECKS;
        }
        // SAFETY: entry `len - 1` is valid; once sorted it holds the largest key, whose upper
        // 16 bytes (little-endian) are zero exactly when it is below 2^128.
        let big_keys = unsafe {
            let largest = self.entries.add((keys as usize - 1) * stride);
            std::slice::from_raw_parts(largest.add(16), KEY_SIZE - 16)
                .iter()
                .any(|byte| *byte != 0)
        };
        let (first_key, per_pair) = if big_keys { (0, 4) } else { (1, 1) };
        let repeated = self.accesses.saturating_sub(keys);
        INDEX_CHECKS + first_key + 2 * keys + repeated + (keys - 1) * per_pair
    }

    /// Drops one reference; true when it was the last, and the caller must then release the
    /// values' heap parts and call [`NativeDict::release`].
    ///
    /// # Safety
    /// `dict` is live and the caller holds a reference to it, not used afterwards.
    pub unsafe fn drop_reference(dict: *mut NativeDict) -> bool {
        // SAFETY: per the contract above.
        unsafe {
            (*dict).refcount -= 1;
            (*dict).refcount == 0
        }
    }

    /// Frees the dictionary and its buffers (not the heap parts of its values).
    ///
    /// # Safety
    /// `dict` came from [`NativeDict::allocate`], has no other reference, and is not used
    /// afterwards.
    pub unsafe fn release(dict: *mut NativeDict) {
        // SAFETY: per the contract above, every buffer is a live `malloc` allocation or null.
        unsafe {
            libc::free((*dict).entries.cast());
            libc::free((*dict).slots.cast());
            libc::free(dict.cast());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{entry_stride, NativeDict, KEY_SIZE};

    fn key(n: u64, high: u64) -> [u8; KEY_SIZE] {
        let mut bytes = [0u8; KEY_SIZE];
        bytes[..8].copy_from_slice(&n.to_le_bytes());
        bytes[24..].copy_from_slice(&high.to_le_bytes());
        bytes
    }

    /// Reads, writes and read-then-write pairs against a `HashMap`, across index rebuilds,
    /// buffer growth and a sort (which drops the index); every lookup counts once.
    #[test]
    fn lookups_agree_with_a_map_through_growth_and_sorting() {
        let stride = entry_stride(std::alloc::Layout::new::<u64>());
        let dict = NativeDict::allocate();
        let mut model: HashMap<[u8; KEY_SIZE], u64> = HashMap::new();
        let mut lookups = 0u64;
        let mut state = 0x2545_f491_4f6c_dd1du64;
        // SAFETY: `dict` is a fresh dictionary of u64 values (entries `stride` apart) used only
        // here; each value pointer is used before the next lookup; released once at the end.
        unsafe {
            for round in 0..6_000u64 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let k = key(state % 700, (state >> 40) % 3);
                let slot = (*dict).entry(&k, stride).cast::<u64>();
                lookups += 1;
                assert_eq!(
                    slot.read(),
                    model.get(&k).copied().unwrap_or(0),
                    "round {round}"
                );
                if round % 3 != 0 {
                    // Read, then write the same key: a second lookup, as `insert` makes.
                    let again = (*dict).entry(&k, stride).cast::<u64>();
                    lookups += 1;
                    again.write(round);
                    model.insert(k, round);
                } else {
                    model.entry(k).or_insert(0);
                }
                if round == 3_000 {
                    (*dict).sort_by_key(stride);
                }
            }
            assert_eq!((*dict).accesses, lookups);
            assert_eq!((*dict).len as usize, model.len());
            for (k, value) in &model {
                let slot = (*dict).entry(k, stride).cast::<u64>();
                assert_eq!(slot.read(), *value);
            }
            assert!(NativeDict::drop_reference(dict));
            NativeDict::release(dict);
        }
    }

    /// Squashing orders the entries by key as numbers (little-endian: the last bytes weigh
    /// most), each value staying with its key.
    #[test]
    fn sorting_orders_entries_by_key_as_numbers() {
        let stride = entry_stride(std::alloc::Layout::new::<u64>());
        let dict = NativeDict::allocate();
        // (low word, word at bytes 16..24, top word), in numeric order.
        let mut keys = Vec::new();
        for top in [0u64, 1, u64::MAX >> 5] {
            for middle in [0u64, 7, u64::MAX] {
                for low in [0u64, 1, 255, 256, u64::MAX] {
                    keys.push((low, middle, top));
                }
            }
        }
        let bytes = |(low, middle, top): (u64, u64, u64)| {
            let mut bytes = [0u8; KEY_SIZE];
            bytes[..8].copy_from_slice(&low.to_le_bytes());
            bytes[16..24].copy_from_slice(&middle.to_le_bytes());
            bytes[24..].copy_from_slice(&top.to_le_bytes());
            bytes
        };
        let value_of = |(low, middle, top): (u64, u64, u64)| low ^ middle.rotate_left(8) ^ top;
        // SAFETY: `dict` is a fresh dictionary of u64 values (entries `stride` apart) used only
        // here; entries are read below its length; released once at the end.
        unsafe {
            // Inserted in a scrambled order.
            for step in 0..keys.len() {
                let key = keys[(step * 17) % keys.len()];
                (*dict)
                    .entry(&bytes(key), stride)
                    .cast::<u64>()
                    .write(value_of(key));
            }
            (*dict).sort_by_key(stride);
            assert_eq!((*dict).len as usize, keys.len());
            for (index, key) in keys.iter().enumerate() {
                let (entry_key, value) = (*dict).entry_at(index, stride);
                assert_eq!(*entry_key, bytes(*key), "entry {index}");
                assert_eq!(value.cast::<u64>().read(), value_of(*key), "entry {index}");
            }
            assert!(NativeDict::drop_reference(dict));
            NativeDict::release(dict);
        }
    }
}
