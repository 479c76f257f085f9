//! The store: opening with lock back-off, typed reads, batches, and the write lock.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rocksdb::{ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options, WriteBatch};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::table::{Key, Table, encode_value};
use crate::{Result, StoreError, cf};

/// The schema version this build reads and writes; checked at open.
///
/// Version 2: the op log keeps ref edits, claims are keyed by path, events and sessions
/// use the shared JSON vocabulary. Version 1 stores are migrated by `atomic-repo`.
pub const SCHEMA_VERSION: u32 = 2;

const KEY_SCHEMA: &[u8] = b"schema_version";

/// How to wait for another process to let go of the store.
#[derive(Clone, Copy, Debug)]
pub struct LockWait {
    /// How long one holder may keep the store before waiting gives up. The clock restarts
    /// whenever the store changes hands, so waiting in a queue of many processes does not
    /// time out while the queue moves.
    pub timeout: Duration,
    /// Called with the store's path between attempts: `true` stops waiting (for example
    /// because a server that owns the store appeared).
    pub give_up: Option<fn(&Path) -> bool>,
}

impl From<Duration> for LockWait {
    fn from(timeout: Duration) -> Self {
        LockWait {
            timeout,
            give_up: None,
        }
    }
}

/// One repository's RocksDB store, shared by every thread of the process that opened it.
/// Only one process may hold it open: it holds the lock file `<store>.lock` (an advisory
/// `flock`) for as long as it is open.
pub struct Store {
    db: DB,
    path: PathBuf,
    /// The lock file, locked; it names the holder (pid and start time).
    _lock: std::fs::File,
    /// The next sequence number of each log table, known once a writer asked for it.
    sequences: Mutex<HashMap<&'static str, u64>>,
    /// Batches written through this handle (see [`Store::generation`]).
    generation: std::sync::atomic::AtomicU64,
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

fn is_lock_error(err: &rocksdb::Error) -> bool {
    // RocksDB reports a held LOCK file as an I/O error whose text names the lock.
    let text = err.to_string();
    text.contains("LOCK") || text.contains("lock hold")
}

fn decode<V: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<V> {
    postcard::from_bytes(bytes).map_err(StoreError::decode(what))
}

fn decode_key<K: Key>(what: &'static str, bytes: &[u8]) -> Result<K> {
    K::decode(bytes).ok_or(StoreError::BadKey { what })
}

impl Store {
    /// Creates a new store in `path` (a directory that need not exist yet).
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] when a store with a schema version is already there;
    /// [`StoreError::Locked`] when another process holds it; RocksDB errors.
    pub fn create(path: &Path, wait: impl Into<LockWait>) -> Result<Self> {
        let store = Self::open_raw(path, wait.into())?;
        if store.raw_get(cf::META, KEY_SCHEMA)?.is_some() {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        store.set_schema_version(SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Opens an existing store of this build's schema version, waiting up to
    /// `lock_timeout` for another process to let go.
    ///
    /// # Errors
    /// [`StoreError::Missing`] when `path` holds no store; [`StoreError::SchemaMismatch`]
    /// when it was written by another schema version; [`StoreError::Locked`] when the lock
    /// was not released in time.
    pub fn open(path: &Path, wait: impl Into<LockWait>) -> Result<Self> {
        let store = Self::open_any_version(path, wait)?;
        let found = store.schema_version()?;
        if found != SCHEMA_VERSION {
            return Err(StoreError::SchemaMismatch {
                path: path.to_owned(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(store)
    }

    /// Opens an existing store whatever its schema version, for migrations.
    ///
    /// # Errors
    /// As [`Store::open`], without the version check.
    pub fn open_any_version(path: &Path, wait: impl Into<LockWait>) -> Result<Self> {
        if !path.join("CURRENT").exists() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        let store = Self::open_raw(path, wait.into())?;
        store.schema_version()?;
        Ok(store)
    }

    /// Returns the schema version the store was written with.
    ///
    /// # Errors
    /// [`StoreError::Missing`] when the store has none (its creation never finished).
    pub fn schema_version(&self) -> Result<u32> {
        self.raw_get(cf::META, KEY_SCHEMA)?
            .and_then(|v| <[u8; 4]>::try_from(v.as_slice()).ok())
            .map(u32::from_be_bytes)
            .ok_or_else(|| StoreError::Missing {
                path: self.path.clone(),
            })
    }

    /// Sets the schema version (after a migration).
    ///
    /// # Errors
    /// RocksDB errors.
    pub fn set_schema_version(&self, version: u32) -> Result<()> {
        self.db
            .put_cf(self.cf(cf::META), KEY_SCHEMA, version.to_be_bytes())
            .map_err(StoreError::rocks("writing the schema version"))
    }

    /// Takes the store's lock file, then opens RocksDB.
    ///
    /// Waiting polls the lock (one system call, every 1 ms growing to 20 ms), so a queue of
    /// waiting processes costs nothing while the holder works, and RocksDB is opened once.
    fn open_raw(path: &Path, wait: LockWait) -> Result<Self> {
        let lock = Self::lock_file(path, wait)?;
        let cfs = cf::ALL
            .iter()
            .map(|name| ColumnFamilyDescriptor::new(*name, options()));
        let db = match DB::open_cf_descriptors(&options(), path, cfs) {
            Ok(db) => db,
            // An atomic without the lock file (an older version) holds RocksDB's own lock.
            Err(err) if is_lock_error(&err) => {
                return Err(StoreError::Locked {
                    path: path.to_owned(),
                    waited_ms: 0,
                });
            }
            Err(err) => return Err(StoreError::rocks("opening the store")(err)),
        };
        Ok(Store {
            db,
            path: path.to_owned(),
            _lock: lock,
            sequences: Mutex::new(HashMap::new()),
            generation: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Locks `<path>.lock`, waiting as `wait` says, and writes this process's name into it.
    fn lock_file(path: &Path, wait: LockWait) -> Result<std::fs::File> {
        use std::io::{Read, Seek, Write};
        let lock_path = path.with_extension("lock");
        if let Some(parent) = lock_path.parent() {
            std::fs::create_dir_all(parent).map_err(StoreError::io(parent))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(StoreError::io(&lock_path))?;
        let started = Instant::now();
        let mut since = started;
        let mut holder = String::new();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::io(&lock_path)(e)),
            }
            let mut now_held = String::new();
            let _ =
                std::fs::File::open(&lock_path).and_then(|mut f| f.read_to_string(&mut now_held));
            if now_held != holder {
                holder = now_held;
                since = Instant::now();
            }
            if since.elapsed() >= wait.timeout || wait.give_up.is_some_and(|f| f(path)) {
                return Err(StoreError::Locked {
                    path: path.to_owned(),
                    waited_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                });
            }
            std::thread::sleep(pause.min(wait.timeout));
            pause = (pause * 2).min(Duration::from_millis(20));
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{} {nanos}", std::process::id()))
            .map_err(StoreError::io(&lock_path))?;
        Ok(file)
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

    fn raw_get(&self, cf: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.db
            .get_cf(self.cf(cf), key)
            .map_err(StoreError::rocks("reading"))
    }

    /// Returns the value under `key` in `table`, if any.
    ///
    /// # Errors
    /// RocksDB errors; [`StoreError::Decode`] for a value that does not decode.
    pub fn get<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
        key: &K,
    ) -> Result<Option<V>> {
        self.raw_get(table.name, &key.to_bytes())?
            .map(|v| decode(table.name, &v))
            .transpose()
    }

    /// Returns the values under `keys`, in order, in one multi-get.
    ///
    /// # Errors
    /// As [`Store::get`].
    pub fn get_many<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
        keys: &[K],
    ) -> Result<Vec<Option<V>>> {
        let cf = self.cf(table.name);
        let encoded: Vec<Vec<u8>> = keys.iter().map(Key::to_bytes).collect();
        self.db
            .multi_get_cf(encoded.iter().map(|k| (cf, k.as_slice())))
            .into_iter()
            .map(|r| {
                r.map_err(StoreError::rocks("reading"))?
                    .map(|v| decode(table.name, &v))
                    .transpose()
            })
            .collect()
    }

    /// Returns whether `table` has a value under `key`.
    ///
    /// # Errors
    /// RocksDB errors.
    pub fn contains<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
        key: &K,
    ) -> Result<bool> {
        Ok(self.raw_get(table.name, &key.to_bytes())?.is_some())
    }

    /// Calls `f` on every entry of `table` whose key starts with `prefix`, in key order,
    /// until `f` returns `false`.
    ///
    /// # Errors
    /// RocksDB and decoding errors, and `f`'s.
    pub fn scan<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
        prefix: &[u8],
        mut f: impl FnMut(K, V) -> Result<bool>,
    ) -> Result<()> {
        let iter = self.db.iterator_cf(
            self.cf(table.name),
            IteratorMode::From(prefix, Direction::Forward),
        );
        for item in iter {
            let (key, value) = item.map_err(StoreError::rocks("scanning"))?;
            if !key.starts_with(prefix) {
                break;
            }
            if !f(decode_key(table.name, &key)?, decode(table.name, &value)?)? {
                break;
            }
        }
        Ok(())
    }

    /// Calls `f` on the keys of `table` from `start` on (inclusive), in key order, until
    /// `f` returns `false`. Values are not read.
    ///
    /// # Errors
    /// RocksDB errors and undecodable keys.
    pub fn scan_keys_from<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
        start: &[u8],
        mut f: impl FnMut(K) -> bool,
    ) -> Result<()> {
        let mut iter = self.db.raw_iterator_cf(self.cf(table.name));
        iter.seek(start);
        while let Some(key) = iter.key() {
            if !f(decode_key(table.name, key)?) {
                break;
            }
            iter.next();
        }
        iter.status().map_err(StoreError::rocks("scanning keys"))
    }

    /// Returns every entry of `table` whose key starts with `prefix`, in key order.
    ///
    /// # Errors
    /// RocksDB and decoding errors.
    pub fn list<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
        prefix: &[u8],
    ) -> Result<Vec<(K, V)>> {
        let mut out = Vec::new();
        self.scan(table, prefix, |k, v| {
            out.push((k, v));
            Ok(true)
        })?;
        Ok(out)
    }

    /// Returns the entries of `table` from key `start` on (inclusive), in key order.
    ///
    /// # Errors
    /// RocksDB and decoding errors.
    pub fn list_from<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
        start: &K,
        limit: usize,
    ) -> Result<Vec<(K, V)>> {
        let start = start.to_bytes();
        let iter = self.db.iterator_cf(
            self.cf(table.name),
            IteratorMode::From(&start, Direction::Forward),
        );
        let mut out = Vec::new();
        for item in iter.take(limit) {
            let (key, value) = item.map_err(StoreError::rocks("scanning"))?;
            out.push((decode_key(table.name, &key)?, decode(table.name, &value)?));
        }
        Ok(out)
    }

    /// Returns the last key of `table`, if it has any entry.
    ///
    /// # Errors
    /// RocksDB errors.
    pub fn last_key<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
    ) -> Result<Option<K>> {
        self.db
            .iterator_cf(self.cf(table.name), IteratorMode::End)
            .next()
            .transpose()
            .map_err(StoreError::rocks("reading the last key"))?
            .map(|(k, _)| decode_key(table.name, &k))
            .transpose()
    }

    /// Returns the number of entries in `table` (a full scan of its keys).
    ///
    /// # Errors
    /// RocksDB errors.
    pub fn count<K: Key, V: Serialize + DeserializeOwned>(
        &self,
        table: Table<K, V>,
    ) -> Result<u64> {
        let mut n = 0;
        for item in self
            .db
            .iterator_cf(self.cf(table.name), IteratorMode::Start)
        {
            item.map_err(StoreError::rocks("counting"))?;
            n += 1;
        }
        Ok(n)
    }

    /// Starts a batch of writes to tables that keep no log (sessions, overlays, caches);
    /// nothing is written until [`Store::write`].
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            store: self,
            inner: WriteBatch::default(),
        }
    }

    /// Writes `batch` atomically: all of it or none of it.
    ///
    /// # Errors
    /// RocksDB errors; then nothing was written.
    pub fn write(&self, batch: Batch<'_>) -> Result<()> {
        self.db
            .write(batch.inner)
            .map_err(StoreError::rocks("writing a batch"))?;
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// How many batches this handle has written since it opened: a number that moves
    /// whenever anything in the store changed, since one process at a time holds the store.
    /// Watchers (the dashboard) poll it to know when to look again.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Takes the store's write lock: the one writer of logs (op log, events) and refs.
    /// Held only while a transaction is staged and committed, never during a merge.
    pub fn lock(&self) -> WriteLock<'_> {
        WriteLock {
            store: self,
            sequences: self
                .sequences
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        }
    }
}

/// A set of writes applied together by [`Store::write`] or [`Transaction::commit`].
pub struct Batch<'a> {
    store: &'a Store,
    inner: WriteBatch,
}

impl Batch<'_> {
    /// Stores `value` under `key` in `table`.
    pub fn put<K: Key, V: Serialize + DeserializeOwned>(
        &mut self,
        table: Table<K, V>,
        key: &K,
        value: &V,
    ) {
        self.inner.put_cf(
            self.store.cf(table.name),
            key.to_bytes(),
            encode_value(value),
        );
    }

    /// Stores raw `bytes` under `key` in a table of [`crate::Bytes`], encoding them as that
    /// table does without first copying them into an owned value (for large contents).
    pub fn put_bytes<K: Key>(&mut self, table: Table<K, crate::Bytes>, key: &K, bytes: &[u8]) {
        self.inner.put_cf(
            self.store.cf(table.name),
            key.to_bytes(),
            encode_value(&serde_bytes::Bytes::new(bytes)),
        );
    }

    /// Deletes `key` from `table`.
    pub fn delete<K: Key, V: Serialize + DeserializeOwned>(&mut self, table: Table<K, V>, key: &K) {
        self.inner
            .delete_cf(self.store.cf(table.name), key.to_bytes());
    }

    /// Returns whether nothing has been added.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

/// The store's write lock (see [`Store::lock`]).
pub struct WriteLock<'a> {
    store: &'a Store,
    sequences: MutexGuard<'a, HashMap<&'static str, u64>>,
}

impl<'a> WriteLock<'a> {
    /// Starts a transaction: a batch that may also append to logs.
    pub fn transaction(&mut self) -> Transaction<'_, 'a> {
        let batch = self.store.batch();
        Transaction {
            lock: self,
            batch,
            appended: HashMap::new(),
        }
    }

    fn next_sequence(&mut self, log: &'static str) -> Result<u64> {
        if let Some(next) = self.sequences.get(log) {
            return Ok(*next);
        }
        let last = self
            .store
            .last_key(Table::<u64, crate::Bytes>::new(log))?
            .unwrap_or(0);
        self.sequences.insert(log, last + 1);
        Ok(last + 1)
    }
}

/// A batch staged under the write lock; logs get their sequence numbers here, and the
/// numbers are taken only if the batch is written. Derefs to its [`Batch`].
pub struct Transaction<'l, 'a> {
    lock: &'l mut WriteLock<'a>,
    batch: Batch<'a>,
    appended: HashMap<&'static str, u64>,
}

impl<'a> Transaction<'_, 'a> {
    /// Appends the value `make` builds from its sequence number (from 1) to `log`, and
    /// returns the number.
    ///
    /// # Errors
    /// RocksDB errors reading the log's last entry.
    pub fn append_with<V: Serialize + DeserializeOwned>(
        &mut self,
        log: Table<u64, V>,
        make: impl FnOnce(u64) -> V,
    ) -> Result<u64> {
        let seq = match self.appended.get(log.name) {
            Some(last) => last + 1,
            None => self.lock.next_sequence(log.name)?,
        };
        self.batch.put(log, &seq, &make(seq));
        self.appended.insert(log.name, seq);
        Ok(seq)
    }

    /// Writes the transaction atomically; only then are its sequence numbers taken.
    ///
    /// # Errors
    /// RocksDB errors; then nothing was written.
    pub fn commit(self) -> Result<()> {
        let Transaction {
            lock,
            batch,
            appended,
        } = self;
        lock.store.write(batch)?;
        for (log, last) in appended {
            lock.sequences.insert(log, last + 1);
        }
        Ok(())
    }
}

impl<'a> Deref for Transaction<'_, 'a> {
    type Target = Batch<'a>;

    fn deref(&self) -> &Batch<'a> {
        &self.batch
    }
}

impl DerefMut for Transaction<'_, '_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.batch
    }
}
