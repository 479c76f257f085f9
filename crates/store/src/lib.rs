//! atomic's RocksDB store: typed tables per column family, their encodings, the schema
//! version, write batches and transactions.
//!
//! One RocksDB per repository under `.atomic/store`, opened by one process, shared by its
//! threads. Every operation commits in one batch: a crash leaves the store before or after
//! it, never between. Writes to logs (the op log, events) and to refs go through
//! [`Store::lock`] and a [`Transaction`], which numbers log entries without gaps or
//! reordering; everything else (sessions, overlays, caches) is a plain [`Batch`].
//!
//! The tables this crate declares are below; the session layer declares its own over the
//! column families of [`cf`]. Keys and values are encoded here and nowhere else (see
//! [`Key`] and [`Table`]).

mod error;
mod oplog;
mod store;
mod table;

use atomic_core::{Change, ChangeId, GitId};
use serde::{Deserialize, Serialize};

pub use error::{Result, StoreError};
pub use oplog::{Operation, RefEdit, ref_edits};
pub use store::{Batch, LockWait, SCHEMA_VERSION, Store, Transaction, WriteLock};
pub use table::{Bytes, Key, Table, pair_prefix};

/// The column families, by name. Every one is created at open.
pub mod cf {
    /// Changes by id.
    pub const CHANGES: &str = "changes";
    /// Change ids by git commit.
    pub const BY_COMMIT: &str = "change_by_commit";
    /// Refs as atomic last saw or wrote them.
    pub const REFS: &str = "refs";
    /// The op log.
    pub const OPLOG: &str = "oplog";
    /// Single values: schema version, import state, merge state, git stamp.
    pub const META: &str = "meta";
    /// Symbol tables cached per blob.
    pub const SYMBOLS: &str = "symbols";
    /// Session records.
    pub const SESSIONS: &str = "sessions";
    /// Session overlays: (session, path) → entry.
    pub const OVERLAY: &str = "overlay";
    /// Contents written in sessions and not yet committed, by blake3.
    pub const BLOBS: &str = "blobs";
    /// Symbol events of merged changes, by sequence number.
    pub const EVENTS: &str = "events";
    /// Symbol claims: (path, session) → the symbols the session changed in the path.
    pub const CLAIMS: &str = "claims";
    /// Ref updates written to the store and not yet confirmed in git, by ref name.
    pub const PENDING: &str = "pending";
    /// Schema 1's claims, keyed (session, path); read once by the migration.
    pub const LEGACY_TOUCHED: &str = "touched";
    /// Review comments: (session, comment id) → comment.
    pub const COMMENTS: &str = "comments";
    /// Every column family.
    pub const ALL: [&str; 14] = [
        CHANGES,
        BY_COMMIT,
        REFS,
        OPLOG,
        META,
        SYMBOLS,
        SESSIONS,
        OVERLAY,
        BLOBS,
        EVENTS,
        CLAIMS,
        PENDING,
        LEGACY_TOUCHED,
        COMMENTS,
    ];
}

/// Changes by id.
pub const CHANGES: Table<ChangeId, Change> = Table::new(cf::CHANGES);
/// The change bound to each git commit.
pub const BY_COMMIT: Table<GitId, ChangeId> = Table::new(cf::BY_COMMIT);
/// Refs as atomic last saw or wrote them: full name (`refs/heads/main`) → commit.
pub const REFS: Table<String, GitId> = Table::new(cf::REFS);
/// The op log, from 1.
pub const OPLOG: Table<u64, Operation> = Table::new(cf::OPLOG);
/// The import state, under [`IMPORT_STATE_KEY`].
pub const IMPORT_STATE: Table<String, ImportState> = Table::new(cf::META);
/// The meta key of the import state.
pub const IMPORT_STATE_KEY: &str = "import_state";

/// Whether the history of the colocated git repository has been imported whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    /// An import started and has not finished: the repository is not ready for use.
    InProgress,
    /// Every commit reachable from the refs at the last import has a change.
    Complete,
}

impl Batch<'_> {
    /// Stores `change` and indexes it by its git commit.
    pub fn put_change(&mut self, change: &Change) {
        self.put(CHANGES, &change.id, change);
        self.put(BY_COMMIT, &change.git_commit, &change.id);
    }
}

impl Store {
    /// Returns the whole op log, oldest first.
    ///
    /// # Errors
    /// RocksDB and decoding errors.
    pub fn operations(&self) -> Result<Vec<Operation>> {
        Ok(self
            .list(OPLOG, b"")?
            .into_iter()
            .map(|(_, op)| op)
            .collect())
    }

    /// Returns the import state, `None` for a store where no import ever started.
    ///
    /// # Errors
    /// RocksDB and decoding errors.
    pub fn import_state(&self) -> Result<Option<ImportState>> {
        self.get(IMPORT_STATE, &IMPORT_STATE_KEY.to_owned())
    }

    /// Returns the change with id `id`, if stored.
    ///
    /// # Errors
    /// RocksDB and decoding errors.
    pub fn change(&self, id: &ChangeId) -> Result<Option<Change>> {
        self.get(CHANGES, id)
    }

    /// Returns the id of the change bound to git commit `commit`, if any.
    ///
    /// # Errors
    /// RocksDB and decoding errors.
    pub fn change_by_commit(&self, commit: &GitId) -> Result<Option<ChangeId>> {
        self.get(BY_COMMIT, commit)
    }

    /// Returns the refs as atomic last saw or wrote them: full name → commit.
    ///
    /// # Errors
    /// RocksDB and decoding errors.
    pub fn refs(&self) -> Result<std::collections::BTreeMap<String, GitId>> {
        Ok(self.list(REFS, b"")?.into_iter().collect())
    }

    /// Returns the one change whose hex id starts with `prefix`.
    ///
    /// # Errors
    /// [`StoreError::UnknownChange`] or [`StoreError::AmbiguousChange`].
    pub fn resolve_change_prefix(&self, prefix: &str) -> Result<ChangeId> {
        let unknown = || StoreError::UnknownChange {
            prefix: prefix.to_owned(),
        };
        if prefix.is_empty() || prefix.len() > 64 || !prefix.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(unknown());
        }
        let lower = prefix.to_ascii_lowercase();
        // Ids sort as their bytes: start at the prefix's digits, padded with zeros.
        let mut start = [0u8; 32];
        for (i, digit) in lower.bytes().enumerate() {
            let value = (digit as char).to_digit(16).expect("checked hex digits") as u8;
            start[i / 2] |= if i % 2 == 0 { value << 4 } else { value };
        }
        let mut found = Vec::new();
        self.scan_keys_from(CHANGES, &start, |id: ChangeId| {
            if !id.to_hex().starts_with(&lower) {
                return false;
            }
            found.push(id);
            found.len() < 2
        })?;
        match found.len() {
            0 => Err(unknown()),
            1 => Ok(found[0]),
            count => Err(StoreError::AmbiguousChange {
                prefix: prefix.to_owned(),
                count,
            }),
        }
    }
}
