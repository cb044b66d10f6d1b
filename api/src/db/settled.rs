//! The dashboard's figures of days that are over, kept in memory.
//!
//! Some rollup counts of a day never change once the day is over: the
//! registrations per day and per office, and the answers (a step is counted
//! on the day it is taken, and an answered letter moves to no other
//! agency), but for an agency that a referral brings an older letter to. A
//! year of them is most of what a dashboard reads, so each instance keeps
//! what it summed for a scope and a run of settled days, and reads only
//! today's rows and the counts that still move (see `reports::rolled_up`).
//! Nothing is invalidated: a new day, or an agency's new count of such
//! referrals, is a new key, and the least recently used entry goes when
//! the map is full.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Entries kept: a few dashboards (30 and 366 days, per agency and the
/// province) of today and yesterday. A province year is a few hundred KB.
pub const MOST_ENTRIES: usize = 64;

/// The settled figures, by key; each with when it was last used.
pub struct Settled<K, V> {
    entries: Mutex<Entries<K, V>>,
    capacity: usize,
}

/// A use counter (the clock of "last used"), and the entries.
type Entries<K, V> = (u64, HashMap<K, (u64, Arc<V>)>);

impl<K: Hash + Eq + Clone, V> Default for Settled<K, V> {
    fn default() -> Self {
        Settled::with_capacity(MOST_ENTRIES)
    }
}

impl<K: Hash + Eq + Clone, V> Settled<K, V> {
    pub fn with_capacity(capacity: usize) -> Self {
        Settled {
            entries: Mutex::new((0, HashMap::new())),
            capacity: capacity.max(1),
        }
    }

    /// The value of `key`, computed by `compute` (outside the lock) when it
    /// is not kept; an error is returned, not kept.
    pub fn get_or_compute<E>(
        &self,
        key: &K,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(value) = self.get(key) {
            return Ok(value);
        }
        let value = Arc::new(compute()?);
        self.insert(key.clone(), Arc::clone(&value));
        Ok(value)
    }

    fn get(&self, key: &K) -> Option<Arc<V>> {
        let mut guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, map) = &mut *guard;
        *clock += 1;
        let (used, value) = map.get_mut(key)?;
        *used = *clock;
        Some(Arc::clone(value))
    }

    fn insert(&self, key: K, value: Arc<V>) {
        let mut guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, map) = &mut *guard;
        *clock += 1;
        if map.len() >= self.capacity && !map.contains_key(&key) {
            let oldest = map
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                map.remove(&oldest);
            }
        }
        map.insert(key, (*clock, value));
    }

    /// How many entries are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .len()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_value_is_computed_once_and_the_least_recently_used_goes_first() {
        let settled: Settled<u32, u32> = Settled::with_capacity(2);
        let mut computed = 0;
        let get = |key: u32, computed: &mut u32| {
            *settled
                .get_or_compute::<()>(&key, || {
                    *computed += 1;
                    Ok(key * 10)
                })
                .expect("value")
        };
        assert_eq!(get(1, &mut computed), 10);
        assert_eq!(get(1, &mut computed), 10);
        assert_eq!(computed, 1);
        get(2, &mut computed);
        get(1, &mut computed); // 2 is now the least recently used
        get(3, &mut computed);
        assert_eq!(computed, 3);
        get(1, &mut computed);
        assert_eq!(computed, 3, "1 was kept");
        get(2, &mut computed);
        assert_eq!(computed, 4, "2 had gone");
    }

    #[test]
    fn an_error_is_not_kept() {
        let settled: Settled<u32, u32> = Settled::default();
        assert!(settled.get_or_compute(&1, || Err("down")).is_err());
        assert!(settled.is_empty());
        assert_eq!(
            *settled.get_or_compute::<()>(&1, || Ok(5)).expect("value"),
            5
        );
    }
}
