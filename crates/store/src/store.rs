//! The store: opening with lock back-off, reads, and write batches.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use atomic_core::{Change, ChangeId, GitId};
use rocksdb::{ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options, WriteBatch};
use serde::{Deserialize, Serialize};

use crate::{Operation, Result, StoreError};

/// The schema version this build reads and writes; checked at open.
pub const SCHEMA_VERSION: u32 = 1;

const CF_CHANGES: &str = "changes";
const CF_BY_COMMIT: &str = "change_by_commit";
const CF_REFS: &str = "refs";
const CF_OPLOG: &str = "oplog";
const CF_META: &str = "meta";
const CF_SYMBOLS: &str = "symbols";
const CF_SESSIONS: &str = "sessions";
const CF_OVERLAY: &str = "overlay";
const CF_BLOBS: &str = "blobs";
const CF_EVENTS: &str = "events";
const CF_TOUCHED: &str = "touched";
const COLUMN_FAMILIES: [&str; 11] = [
    CF_CHANGES,
    CF_BY_COMMIT,
    CF_REFS,
    CF_OPLOG,
    CF_META,
    CF_SYMBOLS,
    CF_SESSIONS,
    CF_OVERLAY,
    CF_BLOBS,
    CF_EVENTS,
    CF_TOUCHED,
];

const KEY_SCHEMA: &[u8] = b"schema_version";
const KEY_IMPORT: &[u8] = b"import_state";

/// Whether the history of the colocated git repository has been imported whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    /// An import started and has not finished: the repository is not ready for use.
    InProgress,
    /// Every commit reachable from the refs at the last import has a change.
    Complete,
}

/// One repository's RocksDB store. Only one process may hold it open.
pub struct Store {
    db: DB,
    path: PathBuf,
    next_op: AtomicU64,
    next_event: AtomicU64,
}

fn options() -> Options {
    let mut opts = Options::default();
    opts.create_if_missing(true);
    opts.create_missing_column_families(true);
    opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
    opts.set_bottommost_compression_type(rocksdb::DBCompressionType::Zstd);
    opts.set_keep_log_file_num(2);
    opts
}

/// Overlay keys: session id, a NUL byte, the path. NUL never appears in ids or paths.
fn overlay_key(id: &str, path: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(id.len() + 1 + path.len());
    key.extend_from_slice(id.as_bytes());
    key.push(0);
    key.extend_from_slice(path.as_bytes());
    key
}

fn is_lock_error(err: &rocksdb::Error) -> bool {
    let text = err.to_string();
    text.contains("LOCK") || text.contains("lock hold")
}

impl Store {
    /// Creates a new store in `path` (a directory that need not exist yet).
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] when a store with a schema version is already there;
    /// [`StoreError::Locked`] when another process holds it; RocksDB errors.
    pub fn create(path: &Path, lock_timeout: Duration) -> Result<Self> {
        let store = Self::open_raw(path, lock_timeout)?;
        if store.get(CF_META, KEY_SCHEMA)?.is_some() {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        store
            .db
            .put_cf(store.cf(CF_META), KEY_SCHEMA, SCHEMA_VERSION.to_be_bytes())
            .map_err(StoreError::rocks("writing the schema version"))?;
        Ok(store)
    }

    /// Opens an existing store, waiting up to `lock_timeout` for another process to let go.
    ///
    /// # Errors
    /// [`StoreError::Missing`] when `path` holds no store; [`StoreError::SchemaMismatch`]
    /// when it was written by another schema version; [`StoreError::Locked`] when the lock
    /// was not released in time.
    pub fn open(path: &Path, lock_timeout: Duration) -> Result<Self> {
        if !path.join("CURRENT").exists() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        let store = Self::open_raw(path, lock_timeout)?;
        let found = store
            .get(CF_META, KEY_SCHEMA)?
            .and_then(|v| <[u8; 4]>::try_from(v.as_slice()).ok())
            .map(u32::from_be_bytes)
            .ok_or_else(|| StoreError::Missing {
                path: path.to_owned(),
            })?;
        if found != SCHEMA_VERSION {
            return Err(StoreError::SchemaMismatch {
                path: path.to_owned(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(store)
    }

    /// Opens RocksDB with bounded exponential back-off (10 ms doubling to 500 ms) while
    /// another process holds its lock.
    fn open_raw(path: &Path, lock_timeout: Duration) -> Result<Self> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(10);
        let db = loop {
            let cfs = COLUMN_FAMILIES
                .iter()
                .map(|name| ColumnFamilyDescriptor::new(*name, options()));
            match DB::open_cf_descriptors(&options(), path, cfs) {
                Ok(db) => break db,
                Err(err) if is_lock_error(&err) => {
                    let waited = started.elapsed();
                    if waited >= lock_timeout {
                        return Err(StoreError::Locked {
                            path: path.to_owned(),
                            waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
                        });
                    }
                    std::thread::sleep(pause.min(lock_timeout - waited));
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
                Err(err) => return Err(StoreError::rocks("opening the store")(err)),
            }
        };
        let mut store = Store {
            db,
            path: path.to_owned(),
            next_op: AtomicU64::new(1),
            next_event: AtomicU64::new(1),
        };
        let last = store
            .db
            .iterator_cf(store.cf(CF_OPLOG), IteratorMode::End)
            .next()
            .transpose()
            .map_err(StoreError::rocks("reading the op log"))?
            .and_then(|(k, _)| <[u8; 8]>::try_from(&*k).ok())
            .map_or(0, u64::from_be_bytes);
        store.next_op = AtomicU64::new(last + 1);
        let last_event = store
            .db
            .iterator_cf(store.cf(CF_EVENTS), IteratorMode::End)
            .next()
            .transpose()
            .map_err(StoreError::rocks("reading the events"))?
            .and_then(|(k, _)| <[u8; 8]>::try_from(&*k).ok())
            .map_or(0, u64::from_be_bytes);
        store.next_event = AtomicU64::new(last_event + 1);
        Ok(store)
    }

    /// Returns the store's directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn cf(&self, name: &str) -> &rocksdb::ColumnFamily {
        self.db
            .cf_handle(name)
            .expect("every column family is created at open")
    }

    fn get(&self, cf: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.db
            .get_cf(self.cf(cf), key)
            .map_err(StoreError::rocks("reading"))
    }

    /// Returns the import state, `None` for a store where no import ever started.
    pub fn import_state(&self) -> Result<Option<ImportState>> {
        self.get(CF_META, KEY_IMPORT)?
            .map(|v| postcard::from_bytes(&v).map_err(StoreError::decode("import state")))
            .transpose()
    }

    /// Returns the change with id `id`, if stored.
    pub fn change(&self, id: &ChangeId) -> Result<Option<Change>> {
        self.get(CF_CHANGES, &id.0)?
            .map(|v| postcard::from_bytes(&v).map_err(StoreError::decode("change")))
            .transpose()
    }

    /// Returns the id of the change bound to git commit `commit`, if any.
    pub fn change_by_commit(&self, commit: &GitId) -> Result<Option<ChangeId>> {
        Ok(self
            .get(CF_BY_COMMIT, &commit.0)?
            .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok())
            .map(ChangeId))
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
        let mut start = [0u8; 32];
        for (i, chunk) in lower.as_bytes().chunks(2).enumerate() {
            let digits = std::str::from_utf8(chunk).expect("ascii hex");
            let value = u8::from_str_radix(digits, 16).expect("checked hex digits");
            start[i] = if chunk.len() == 2 { value } else { value << 4 };
        }
        let mut found = Vec::new();
        let iter = self.db.iterator_cf(
            self.cf(CF_CHANGES),
            IteratorMode::From(&start, Direction::Forward),
        );
        for item in iter {
            let (key, _) = item.map_err(StoreError::rocks("scanning change ids"))?;
            let id = ChangeId(<[u8; 32]>::try_from(&*key).map_err(|_| unknown())?);
            if !id.to_hex().starts_with(&lower) {
                break;
            }
            found.push(id);
            if found.len() > 1 {
                return Err(StoreError::AmbiguousChange {
                    prefix: prefix.to_owned(),
                    count: found.len(),
                });
            }
        }
        found.pop().ok_or_else(unknown)
    }

    /// Returns the value of meta key `key` (opaque bytes), if set.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.get(CF_META, key.as_bytes())
    }

    /// Returns the cached symbol table stored under `key` (opaque bytes; the semantic
    /// layer's encoding), if any.
    pub fn symbols(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get(CF_SYMBOLS, key)
    }

    /// Returns the cached symbol tables under `keys`, in order, in one multi-get.
    pub fn symbols_many(&self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>> {
        let cf = self.cf(CF_SYMBOLS);
        self.db
            .multi_get_cf(keys.iter().map(|k| (cf, k.as_slice())))
            .into_iter()
            .map(|r| r.map_err(StoreError::rocks("reading symbol tables")))
            .collect()
    }

    /// Returns the session record `id` (opaque bytes), if any.
    pub fn session(&self, id: &str) -> Result<Option<Vec<u8>>> {
        self.get(CF_SESSIONS, id.as_bytes())
    }

    /// Returns every session record: id → bytes.
    pub fn sessions(&self) -> Result<Vec<(String, Vec<u8>)>> {
        self.db
            .iterator_cf(self.cf(CF_SESSIONS), IteratorMode::Start)
            .map(|item| {
                let (k, v) = item.map_err(StoreError::rocks("reading sessions"))?;
                Ok((String::from_utf8_lossy(&k).into_owned(), v.to_vec()))
            })
            .collect()
    }

    /// Returns the overlay entries of session `id`: path → bytes, sorted by path.
    pub fn overlay(&self, id: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let prefix = overlay_key(id, "");
        let mut out = Vec::new();
        for item in self.db.iterator_cf(
            self.cf(CF_OVERLAY),
            IteratorMode::From(&prefix, Direction::Forward),
        ) {
            let (k, v) = item.map_err(StoreError::rocks("reading an overlay"))?;
            let Some(path) = k.strip_prefix(prefix.as_slice()) else {
                break;
            };
            out.push((String::from_utf8_lossy(path).into_owned(), v.to_vec()));
        }
        Ok(out)
    }

    /// Returns the overlay entry of `path` in session `id`, if any.
    pub fn overlay_entry(&self, id: &str, path: &str) -> Result<Option<Vec<u8>>> {
        self.get(CF_OVERLAY, &overlay_key(id, path))
    }

    /// Returns what session `id` recorded as the symbols its overlay of `path` changed
    /// (opaque bytes from the session layer), if anything.
    pub fn touched(&self, id: &str, path: &str) -> Result<Option<Vec<u8>>> {
        self.get(CF_TOUCHED, &overlay_key(id, path))
    }

    /// Returns the contents stored under blake3 hash `hash` (hex), if any.
    pub fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        self.get(CF_BLOBS, hash.as_bytes())
    }

    /// Returns the events after sequence number `since`: (seq, opaque bytes), in order.
    pub fn events_since(&self, since: u64) -> Result<Vec<(u64, Vec<u8>)>> {
        let start = (since + 1).to_be_bytes();
        self.db
            .iterator_cf(
                self.cf(CF_EVENTS),
                IteratorMode::From(&start, Direction::Forward),
            )
            .map(|item| {
                let (k, v) = item.map_err(StoreError::rocks("reading the events"))?;
                let seq = <[u8; 8]>::try_from(&*k)
                    .map(u64::from_be_bytes)
                    .unwrap_or(0);
                Ok((seq, v.to_vec()))
            })
            .collect()
    }

    /// Returns the number of stored changes.
    pub fn change_count(&self) -> Result<u64> {
        let mut n = 0;
        for item in self
            .db
            .iterator_cf(self.cf(CF_CHANGES), IteratorMode::Start)
        {
            item.map_err(StoreError::rocks("counting changes"))?;
            n += 1;
        }
        Ok(n)
    }

    /// Calls `f` on every stored change, in id order.
    pub fn for_each_change(&self, mut f: impl FnMut(Change) -> Result<()>) -> Result<()> {
        for item in self
            .db
            .iterator_cf(self.cf(CF_CHANGES), IteratorMode::Start)
        {
            let (_, value) = item.map_err(StoreError::rocks("reading changes"))?;
            f(postcard::from_bytes(&value).map_err(StoreError::decode("change"))?)?;
        }
        Ok(())
    }

    /// Returns the refs as atomic last saw or wrote them: full name → commit.
    pub fn refs(&self) -> Result<BTreeMap<String, GitId>> {
        let mut refs = BTreeMap::new();
        for item in self.db.iterator_cf(self.cf(CF_REFS), IteratorMode::Start) {
            let (key, value) = item.map_err(StoreError::rocks("reading refs"))?;
            let commit = <[u8; 20]>::try_from(&*value).map_err(|_| StoreError::Decode {
                what: "ref",
                source: postcard::Error::DeserializeUnexpectedEnd,
            })?;
            refs.insert(String::from_utf8_lossy(&key).into_owned(), GitId(commit));
        }
        Ok(refs)
    }

    /// Returns the whole op log, oldest first.
    pub fn operations(&self) -> Result<Vec<Operation>> {
        self.db
            .iterator_cf(self.cf(CF_OPLOG), IteratorMode::Start)
            .map(|item| {
                let (_, value) = item.map_err(StoreError::rocks("reading the op log"))?;
                postcard::from_bytes(&value).map_err(StoreError::decode("operation"))
            })
            .collect()
    }

    /// Starts a write batch; nothing is written until [`Store::write`].
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            store: self,
            inner: WriteBatch::default(),
            ops: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Writes `batch` atomically: all of it or none of it.
    pub fn write(&self, batch: Batch<'_>) -> Result<()> {
        let Batch {
            inner, ops, events, ..
        } = batch;
        self.db
            .write(inner)
            .map_err(StoreError::rocks("writing a batch"))?;
        if let Some(last) = ops.last() {
            self.next_op.store(last + 1, Ordering::SeqCst);
        }
        if let Some(last) = events.last() {
            self.next_event.store(last + 1, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// A set of writes applied together by [`Store::write`].
pub struct Batch<'a> {
    store: &'a Store,
    inner: WriteBatch,
    ops: Vec<u64>,
    events: Vec<u64>,
}

impl Batch<'_> {
    /// Stores `change` and indexes it by its git commit.
    pub fn put_change(&mut self, change: &Change) {
        let bytes = postcard::to_stdvec(change).expect("encoding to a Vec cannot fail");
        self.inner
            .put_cf(self.store.cf(CF_CHANGES), change.id.0, bytes);
        self.inner.put_cf(
            self.store.cf(CF_BY_COMMIT),
            change.git_commit.0,
            change.id.0,
        );
    }

    /// Sets ref `name` to `commit`.
    pub fn set_ref(&mut self, name: &str, commit: GitId) {
        self.inner
            .put_cf(self.store.cf(CF_REFS), name.as_bytes(), commit.0);
    }

    /// Deletes ref `name`.
    pub fn delete_ref(&mut self, name: &str) {
        self.inner
            .delete_cf(self.store.cf(CF_REFS), name.as_bytes());
    }

    /// Caches a symbol table under `key`.
    pub fn put_symbols(&mut self, key: &[u8], value: &[u8]) {
        self.inner.put_cf(self.store.cf(CF_SYMBOLS), key, value);
    }

    /// Drops the symbol table cached under `key`.
    pub fn delete_symbols(&mut self, key: &[u8]) {
        self.inner.delete_cf(self.store.cf(CF_SYMBOLS), key);
    }

    /// Sets meta key `key`; keys of the store's own (`schema_version`, `import_state`) are
    /// refused by the caller's convention of prefixing keys with their module's name.
    pub fn set_meta(&mut self, key: &str, value: &[u8]) {
        self.inner
            .put_cf(self.store.cf(CF_META), key.as_bytes(), value);
    }

    /// Deletes meta key `key`.
    pub fn delete_meta(&mut self, key: &str) {
        self.inner.delete_cf(self.store.cf(CF_META), key.as_bytes());
    }

    /// Stores session record `id`.
    pub fn put_session(&mut self, id: &str, value: &[u8]) {
        self.inner
            .put_cf(self.store.cf(CF_SESSIONS), id.as_bytes(), value);
    }

    /// Deletes session record `id` (its overlay entries are deleted one by one).
    pub fn delete_session(&mut self, id: &str) {
        self.inner
            .delete_cf(self.store.cf(CF_SESSIONS), id.as_bytes());
    }

    /// Sets the overlay entry of `path` in session `id`.
    pub fn put_overlay(&mut self, id: &str, path: &str, value: &[u8]) {
        self.inner
            .put_cf(self.store.cf(CF_OVERLAY), overlay_key(id, path), value);
    }

    /// Deletes the overlay entry of `path` in session `id`, and its touched symbols.
    pub fn delete_overlay(&mut self, id: &str, path: &str) {
        let key = overlay_key(id, path);
        self.inner.delete_cf(self.store.cf(CF_OVERLAY), &key);
        self.inner.delete_cf(self.store.cf(CF_TOUCHED), &key);
    }

    /// Records the symbols session `id` changed in `path` (see [`Store::touched`]).
    pub fn put_touched(&mut self, id: &str, path: &str, value: &[u8]) {
        self.inner
            .put_cf(self.store.cf(CF_TOUCHED), overlay_key(id, path), value);
    }

    /// Stores contents under their blake3 hash (hex); the same contents share one entry.
    pub fn put_blob(&mut self, hash: &str, contents: &[u8]) {
        self.inner
            .put_cf(self.store.cf(CF_BLOBS), hash.as_bytes(), contents);
    }

    /// Sets the import state.
    pub fn set_import_state(&mut self, state: ImportState) {
        let bytes = postcard::to_stdvec(&state).expect("encoding to a Vec cannot fail");
        self.inner.put_cf(self.store.cf(CF_META), KEY_IMPORT, bytes);
    }

    /// Appends an operation to the op log and returns its sequence number.
    pub fn append_operation(
        &mut self,
        time_seconds: i64,
        description: String,
        refs_before: BTreeMap<String, GitId>,
        refs_after: BTreeMap<String, GitId>,
    ) -> u64 {
        let seq = self.store.next_op.load(Ordering::SeqCst) + self.ops.len() as u64;
        let op = Operation {
            seq,
            time_seconds,
            description,
            refs_before,
            refs_after,
        };
        let bytes = postcard::to_stdvec(&op).expect("encoding to a Vec cannot fail");
        self.inner
            .put_cf(self.store.cf(CF_OPLOG), seq.to_be_bytes(), bytes);
        self.ops.push(seq);
        seq
    }

    /// Appends an event (opaque bytes) and returns its sequence number, from 1.
    pub fn append_event(&mut self, value: &[u8]) -> u64 {
        let seq = self.store.next_event.load(Ordering::SeqCst) + self.events.len() as u64;
        self.inner
            .put_cf(self.store.cf(CF_EVENTS), seq.to_be_bytes(), value);
        self.events.push(seq);
        seq
    }

    /// Returns whether nothing has been added.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}
