//! Errors of the store.

use std::path::PathBuf;

/// Result alias for store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the store's lock and did not release it in time.
    #[error("the store at {path} is in use by another atomic process (waited {waited_ms} ms)")]
    Locked {
        /// The store's directory.
        path: PathBuf,
        /// How long we waited for the lock, in milliseconds.
        waited_ms: u64,
    },
    /// The store was written by another version of atomic.
    #[error("the store at {path} has schema version {found}; this atomic reads version {expected}")]
    SchemaMismatch {
        /// The store's directory.
        path: PathBuf,
        /// Version found in `meta`.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The directory holds no atomic store, or one whose creation never finished.
    #[error("{path} holds no atomic store")]
    Missing {
        /// The store's directory.
        path: PathBuf,
    },
    /// The store already exists where a new one was to be created.
    #[error("{path} already holds an atomic store")]
    AlreadyExists {
        /// The store's directory.
        path: PathBuf,
    },
    /// RocksDB failed.
    #[error("RocksDB failed while {what}: {source}")]
    Rocks {
        /// What we were doing.
        what: &'static str,
        /// RocksDB's error.
        #[source]
        source: rocksdb::Error,
    },
    /// A stored value does not decode: the store is corrupt.
    #[error("a stored {what} does not decode (corrupt store?): {source}")]
    Decode {
        /// What kind of value.
        what: &'static str,
        /// The decoder's error.
        #[source]
        source: postcard::Error,
    },
    /// A stored key does not decode: the store is corrupt.
    #[error("a key in the {what} table does not decode (corrupt store?)")]
    BadKey {
        /// The table.
        what: &'static str,
    },
    /// A file of the store could not be opened or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// No change has an id starting with the given prefix.
    #[error("no change id starts with `{prefix}`")]
    UnknownChange {
        /// The prefix given.
        prefix: String,
    },
    /// Several changes share the given prefix.
    #[error("change id prefix `{prefix}` is ambiguous: {count} changes start with it")]
    AmbiguousChange {
        /// The prefix given.
        prefix: String,
        /// How many matched.
        count: usize,
    },
}

impl StoreError {
    pub(crate) fn rocks(what: &'static str) -> impl FnOnce(rocksdb::Error) -> StoreError {
        move |source| StoreError::Rocks { what, source }
    }

    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.to_owned();
        move |source| StoreError::Io { path, source }
    }

    pub(crate) fn decode(what: &'static str) -> impl FnOnce(postcard::Error) -> StoreError {
        move |source| StoreError::Decode { what, source }
    }
}
