//! Small per-thread tables of recent results, for hashes that contracts repeat: a direct-mapped
//! table (one slot per index, the newest entry wins) whose keys are compared in full, so a hit
//! is exact and a miss costs a lookup and a copy. No lock: each thread has its own.

/// A direct-mapped table of `SLOTS` entries (a power of two) from keys (words, which choose
/// the slot) to values.
pub(crate) struct Recent<Key, Value, const SLOTS: usize> {
    slots: [Option<(Key, Value)>; SLOTS],
}

impl<Key: AsRef<[u64]> + PartialEq + Copy, Value: Copy, const SLOTS: usize>
    Recent<Key, Value, SLOTS>
{
    /// An empty table.
    pub(crate) const fn new() -> Self {
        Recent {
            slots: [None; SLOTS],
        }
    }

    /// The value kept for `key`, or `compute`'s, which then replaces the slot's entry.
    #[inline]
    pub(crate) fn get_or_insert_with(
        &mut self,
        key: Key,
        compute: impl FnOnce() -> Value,
    ) -> Value {
        let slot = slot_of::<SLOTS>(key.as_ref());
        match &self.slots[slot] {
            Some((kept, value)) if *kept == key => *value,
            _ => {
                let value = compute();
                self.slots[slot] = Some((key, value));
                value
            }
        }
    }

    /// Keeps `value` for `key`, replacing the slot's entry.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    #[inline]
    pub(crate) fn insert(&mut self, key: Key, value: Value) {
        self.slots[slot_of::<SLOTS>(key.as_ref())] = Some((key, value));
    }
}

/// The slot of a key's words: Fibonacci hashing of their rotated sum, so that nearby and
/// far-apart values spread alike.
#[inline]
fn slot_of<const SLOTS: usize>(limbs: &[u64]) -> usize {
    let mixed = limbs.iter().enumerate().fold(0u64, |mixed, (index, limb)| {
        mixed ^ limb.rotate_left((index as u32 * 16) % 64)
    });
    let bits = SLOTS.trailing_zeros();
    if bits == 0 {
        return 0;
    }
    (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_returns_the_kept_value_and_a_collision_replaces_it() {
        let mut table: Recent<[u64; 1], u64, 1> = Recent::new();
        let mut calls = 0;
        let mut square = |key: u64| {
            table.get_or_insert_with([key], || {
                calls += 1;
                key * key
            })
        };
        assert_eq!(square(3), 9);
        assert_eq!(square(3), 9);
        // One slot: 4 evicts 3, which is computed again.
        assert_eq!(square(4), 16);
        assert_eq!(square(3), 9);
        assert_eq!(calls, 3);
    }

    #[test]
    fn an_inserted_value_replaces_the_kept_one() {
        let mut table: Recent<[u64; 1], u64, 4> = Recent::new();
        assert_eq!(table.get_or_insert_with([3], || 9), 9);
        table.insert([3], 10);
        assert_eq!(table.get_or_insert_with([3], || 9), 10);
    }

    #[test]
    fn slots_spread_consecutive_and_far_apart_keys() {
        let used = |keys: &mut dyn Iterator<Item = [u64; 4]>| {
            let mut seen = [false; 64];
            for key in keys {
                seen[slot_of::<64>(&key)] = true;
            }
            seen.iter().filter(|used| **used).count()
        };
        assert!(used(&mut (0..64).map(|n| [n, 0, 0, 0])) >= 32);
        assert!(used(&mut (0..64).map(|n| [0, 0, 0, n << 56])) >= 32);
    }
}
