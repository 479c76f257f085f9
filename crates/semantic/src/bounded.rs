//! A process-wide cache of values by key, bounded by entries and by the bytes of the
//! sources they were made from, started afresh when either bound would be passed (cheap,
//! and enough for caches whose hits come in runs: the versions of one submit, of one
//! session's edits).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

/// See the module documentation; made in a `static` with [`Bounded::new`].
pub struct Bounded<K, V> {
    inner: Mutex<Option<(HashMap<K, V>, usize)>>,
    max_entries: usize,
    max_source_bytes: usize,
}

impl<K: Hash + Eq, V: Clone> Bounded<K, V> {
    /// At most `max_entries` values, made from at most `max_source_bytes` of sources; a
    /// value whose source is over an eighth of that is not kept.
    pub const fn new(max_entries: usize, max_source_bytes: usize) -> Self {
        Bounded {
            inner: Mutex::new(None),
            max_entries,
            max_source_bytes,
        }
    }

    /// A copy of the value under `key`.
    pub fn get(&self, key: &K) -> Option<V> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_ref().and_then(|(map, _)| map.get(key).cloned())
    }

    /// Keeps `value`, made from `source_len` bytes, under `key`.
    pub fn put(&self, key: K, source_len: usize, value: V) {
        if source_len > self.max_source_bytes / 8 {
            return;
        }
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (map, bytes) = guard.get_or_insert_with(|| (HashMap::new(), 0));
        if map.len() >= self.max_entries || *bytes + source_len > self.max_source_bytes {
            map.clear();
            *bytes = 0;
        }
        *bytes += source_len;
        map.insert(key, value);
    }

    /// Forgets everything.
    pub fn clear(&self) {
        *self.inner.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
