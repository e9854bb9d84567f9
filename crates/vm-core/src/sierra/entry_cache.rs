//! The assembled entry programs of a Sierra program, kept for the functions called most
//! recently within a budget of memory cells.
//!
//! Each function is called through a program of its own (its entry code, then the whole CASM
//! program), which takes about 50 bytes a cell: a contract calls its few entry points again
//! and again and wants them kept, but a test suite calls each of hundreds of functions of one
//! large program once, and keeping every one of those programs took the corelib's test suite
//! to 20 GB. The least recently used programs go once the budget is spent; one program larger
//! than the budget is still kept alone, so that repeated calls of it stay cheap.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// Values by key, the least recently used dropped once their cells pass a budget.
pub(crate) struct EntryCache<K, V> {
    entries: HashMap<K, Entry<V>>,
    /// Cells of all kept values.
    cells: usize,
    budget: usize,
    /// Incremented on every lookup and insertion: an entry's `used` is when it was last.
    clock: u64,
}

struct Entry<V> {
    value: Arc<V>,
    cells: usize,
    used: u64,
}

impl<K: Eq + Hash + Clone, V> EntryCache<K, V> {
    /// An empty cache keeping values of at most `budget` cells in all.
    pub(crate) fn new(budget: usize) -> Self {
        Self {
            entries: HashMap::new(),
            cells: 0,
            budget,
            clock: 0,
        }
    }

    /// The value under `key`, if kept (marked as used now).
    pub(crate) fn get(&mut self, key: &K) -> Option<Arc<V>> {
        self.clock += 1;
        let entry = self.entries.get_mut(key)?;
        entry.used = self.clock;
        Some(Arc::clone(&entry.value))
    }

    /// Keeps `value` of `cells` cells under `key`, dropping the least recently used values
    /// until it fits (or until it is the only one).
    pub(crate) fn insert(&mut self, key: K, value: Arc<V>, cells: usize) {
        self.clock += 1;
        if let Some(old) = self.entries.remove(&key) {
            self.cells -= old.cells;
        }
        while self.cells + cells > self.budget {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            if let Some(dropped) = self.entries.remove(&oldest) {
                self.cells -= dropped.cells;
            }
        }
        self.cells += cells;
        self.entries.insert(
            key,
            Entry {
                value,
                cells,
                used: self.clock,
            },
        );
    }

    /// How many values are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_values_go_once_the_budget_is_spent() {
        let mut cache = EntryCache::new(10);
        cache.insert("a", Arc::new(1), 4);
        cache.insert("b", Arc::new(2), 4);
        // "a" used after "b": "b" is the one to go for "c".
        assert_eq!(cache.get(&"a").as_deref(), Some(&1));
        cache.insert("c", Arc::new(3), 4);
        assert_eq!(cache.get(&"b"), None);
        assert_eq!(cache.get(&"a").as_deref(), Some(&1));
        assert_eq!(cache.get(&"c").as_deref(), Some(&3));
        assert_eq!(cache.len(), 2);
        // A value larger than the budget is kept alone.
        cache.insert("d", Arc::new(4), 25);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get(&"d").as_deref(), Some(&4));
        // Inserting a key again replaces its value and its cells.
        cache.insert("d", Arc::new(5), 2);
        cache.insert("e", Arc::new(6), 8);
        assert_eq!(cache.get(&"d").as_deref(), Some(&5));
        assert_eq!(cache.get(&"e").as_deref(), Some(&6));
    }
}
