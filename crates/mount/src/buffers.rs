//! The contents of the session files the kernel reads and writes, by inode.
//!
//! The mount answers `open` and `flush` with `ENOSYS`, so the kernel opens and closes files
//! without asking it (FUSE's "no open" and "no flush" modes): reading a file whose pages
//! it has cached costs no request at all. There are no file handles; a file being read or
//! written has a [`Buffer`] here, shared by everyone who has it open, as one file on a
//! real file system.
//!
//! Writes land in the buffer and reach the session (one `session write`, with its symbol
//! detection and soft-conflict warnings) when the file has had no write for
//! [`Buffers::IDLE`], on `fsync`, before a rename, before any request of the session's
//! API ([`crate::Mounted::sync`]), and at unmount. Until then every change is also
//! appended to a journal file per inode (the write's offset and bytes, a truncation, a
//! mode: as much as the change itself, whatever the file's size), which the next mount of
//! the session replays onto the session's version: a server killed right after a write
//! loses nothing.
//!
//! A file the kernel looks up is usually read next: files up to 256 KiB are read from git
//! into a buffer on another thread meanwhile ([`Buffers::start_reader`]); a buffer the
//! kernel has read to its end is dropped. When the session changes from outside the mount,
//! clean buffers are dropped, and a load that started before is done again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use atomic_core::{FileMode, FileState};
use fuser::Errno;

use crate::RepoPool;

/// One file's contents in memory.
pub(crate) struct Buffer {
    /// Its path in the session (as when it was loaded; renames commit and drop buffers).
    pub(crate) path: String,
    pub(crate) data: Vec<u8>,
    pub(crate) mode: FileMode,
    /// Bumped by every change; `committed` is the version the session holds.
    version: u64,
    committed: u64,
    /// The version the session last refused (the committer does not retry it).
    refused: u64,
    /// When it last changed (for the idle commit and the file's reported time).
    pub(crate) changed_at: Instant,
    pub(crate) changed_time: SystemTime,
}

impl Buffer {
    /// Whether the session does not hold these contents yet.
    pub(crate) fn dirty(&self) -> bool {
        self.version > self.committed
    }
}

/// One change to a file's contents or mode.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Change<'a> {
    /// These bytes at this offset (the file grows, with zeros, to reach it).
    Write { offset: u64, data: &'a [u8] },
    /// The file cut or grown (with zeros) to this size.
    Truncate(u64),
    /// The file's mode.
    Mode(FileMode),
}

impl Change<'_> {
    fn apply(self, data: &mut Vec<u8>, mode: &mut FileMode) {
        match self {
            Change::Write {
                offset,
                data: bytes,
            } => {
                let at = usize::try_from(offset).unwrap_or(usize::MAX);
                let end = at.saturating_add(bytes.len());
                if data.len() < end {
                    data.resize(end, 0);
                }
                data[at..end].copy_from_slice(bytes);
            }
            Change::Truncate(size) => data.resize(usize::try_from(size).unwrap_or(usize::MAX), 0),
            Change::Mode(m) => *mode = m,
        }
    }
}

/// The buffers of one mount, and the thread that commits them.
pub(crate) struct Buffers {
    repos: Arc<RepoPool>,
    id: String,
    token: String,
    /// Where the journal files are.
    journal: PathBuf,
    /// How long a written file stays without a write before it is committed:
    /// [`Buffers::IDLE`], or `ATOMIC_MOUNT_IDLE_MS` (tests make it long to show the
    /// journal at work).
    idle: Duration,
    files: Mutex<HashMap<u64, Buffer>>,
    /// Signalled on a change and on stop.
    changed: Condvar,
    stop: AtomicBool,
    /// Bumped by [`Buffers::drop_clean`], [`Buffers::forget`] and every commit.
    epoch: AtomicU64,
    /// Inodes being read ahead; a read of one waits for it rather than loading it twice.
    ahead: Mutex<HashSet<u64>>,
    /// Signalled when a read ahead ends.
    ahead_done: Condvar,
}

/// A file to read ahead: what a lookup found, and the session's state when it looked.
pub(crate) struct Ahead {
    pub(crate) ino: u64,
    pub(crate) path: String,
    /// The base's blob and mode, for a file the session has not written (read from git
    /// alone); `None`: read through the session.
    pub(crate) base: Option<FileState>,
    /// [`Buffers::epoch`] before the lookup: a change since then (from outside, a removal,
    /// a write that reached the session) may make the lookup's answer stale, and the file
    /// is not read ahead.
    pub(crate) epoch: u64,
}

impl Buffers {
    /// How long a written file stays without a write before its contents go to the session.
    pub(crate) const IDLE: Duration = Duration::from_millis(10);
    /// Clean contents kept at most (bytes); past it, clean buffers are dropped.
    const MAX_CLEAN_BYTES: usize = 32 << 20;

    pub(crate) fn new(
        repos: Arc<RepoPool>,
        id: String,
        token: String,
        journal: PathBuf,
    ) -> Arc<Self> {
        Arc::new(Buffers {
            repos,
            id,
            token,
            journal,
            idle: std::env::var("ATOMIC_MOUNT_IDLE_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
                .map_or(Self::IDLE, Duration::from_millis),
            files: Mutex::new(HashMap::new()),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
            epoch: AtomicU64::new(0),
            ahead: Mutex::new(HashSet::new()),
            ahead_done: Condvar::new(),
        })
    }

    /// Starts the thread that commits idle buffers; it ends after [`Buffers::stop`].
    pub(crate) fn start_committer(self: &Arc<Self>) -> std::thread::JoinHandle<()> {
        let buffers = Arc::clone(self);
        std::thread::spawn(move || {
            while !buffers.stop.load(Ordering::SeqCst) {
                let idle: Vec<u64> = {
                    let files = buffers.lock();
                    let pending = |files: &HashMap<u64, Buffer>| {
                        files.values().any(|b| b.dirty() && b.version != b.refused)
                    };
                    // Asleep until a change when nothing waits to be committed.
                    let files = if pending(&files) || buffers.stop.load(Ordering::SeqCst) {
                        files
                    } else {
                        buffers
                            .changed
                            .wait_while(files, |f| {
                                !pending(f) && !buffers.stop.load(Ordering::SeqCst)
                            })
                            .unwrap_or_else(PoisonError::into_inner)
                    };
                    let (files, _) = buffers
                        .changed
                        .wait_timeout(files, buffers.idle.min(Self::IDLE))
                        .unwrap_or_else(PoisonError::into_inner);
                    files
                        .iter()
                        .filter(|(_, b)| {
                            b.dirty()
                                && b.version != b.refused
                                && b.changed_at.elapsed() >= buffers.idle
                        })
                        .map(|(ino, _)| *ino)
                        .collect()
                };
                for ino in idle {
                    let _ = buffers.commit(ino);
                }
            }
            let _ = buffers.commit_all();
        })
    }

    /// Asks the committer to commit everything and end.
    pub(crate) fn stop(&self) {
        // Under the lock: the committer is then either before its check of `stop` or
        // waiting, never between them.
        let _files = self.lock();
        self.stop.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<u64, Buffer>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the buffer of `ino` (path `path`), loading it with `load` (mode and
    /// contents) first when there is none.
    pub(crate) fn with<T>(
        &self,
        ino: u64,
        path: &str,
        load: impl Fn() -> Result<(FileMode, Vec<u8>), Errno>,
        f: impl FnOnce(&Buffer) -> T,
    ) -> Result<T, Errno> {
        self.ensure(ino, path, load)?;
        let files = self.lock();
        Ok(f(files.get(&ino).ok_or(Errno::EIO)?))
    }

    /// Applies `change` to the buffer of `ino` (loaded as in [`Buffers::with`]) and to its
    /// journal.
    ///
    /// # Errors
    /// The load's; `EIO` and the like when the journal cannot be written (the buffer is
    /// then left as it was).
    pub(crate) fn apply(
        &self,
        ino: u64,
        path: &str,
        load: impl Fn() -> Result<(FileMode, Vec<u8>), Errno>,
        change: Change<'_>,
    ) -> Result<(), Errno> {
        self.ensure(ino, path, load)?;
        let mut files = self.lock();
        let buffer = files.get_mut(&ino).ok_or(Errno::EIO)?;
        append_journal(&self.journal, ino, &buffer.path, change)
            .map_err(|e| e.raw_os_error().map_or(Errno::EIO, Errno::from_i32))?;
        change.apply(&mut buffer.data, &mut buffer.mode);
        buffer.version += 1;
        buffer.changed_at = Instant::now();
        buffer.changed_time = SystemTime::now();
        self.changed.notify_all();
        Ok(())
    }

    fn ensure(
        &self,
        ino: u64,
        path: &str,
        load: impl Fn() -> Result<(FileMode, Vec<u8>), Errno>,
    ) -> Result<(), Errno> {
        self.wait_ahead(ino);
        while !self.lock().contains_key(&ino) {
            // Loaded outside the lock (reading a blob can take a while), and kept only if
            // the session did not change meanwhile (see `drop_clean`).
            let epoch = self.epoch();
            let loaded = load()?;
            self.keep(ino, path, epoch, loaded);
        }
        Ok(())
    }

    /// The count of changes that make loads started before them stale: from outside the
    /// mount ([`Buffers::drop_clean`]), removals ([`Buffers::forget`]) and writes that
    /// reached the session ([`Buffers::commit`]).
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Keeps `loaded` as the buffer of `ino` unless it has one, or the session changed
    /// from outside since `epoch` (the contents may then be stale).
    fn keep(&self, ino: u64, path: &str, epoch: u64, (mode, data): (FileMode, Vec<u8>)) {
        let mut files = self.lock();
        if self.epoch() != epoch {
            return;
        }
        files.entry(ino).or_insert_with(|| Buffer {
            path: path.to_owned(),
            data,
            mode,
            version: 0,
            committed: 0,
            refused: 0,
            changed_at: Instant::now(),
            changed_time: SystemTime::now(),
        });
    }

    /// Waits while `ino` is being read ahead.
    fn wait_ahead(&self, ino: u64) {
        let ahead = self.ahead.lock().unwrap_or_else(PoisonError::into_inner);
        let _ahead = self
            .ahead_done
            .wait_while(ahead, |a| a.contains(&ino))
            .unwrap_or_else(PoisonError::into_inner);
    }

    /// Starts the thread that reads files ahead of their reads (see the module's doc);
    /// it ends when the returned sender is dropped.
    pub(crate) fn start_reader(self: &Arc<Self>) -> std::sync::mpsc::Sender<Ahead> {
        let (send, receive) = std::sync::mpsc::channel::<Ahead>();
        let buffers = Arc::downgrade(self);
        std::thread::spawn(move || {
            for file in receive {
                let Some(buffers) = buffers.upgrade() else {
                    return;
                };
                buffers.read_ahead(file);
            }
        });
        send
    }

    /// Loads `file` into a buffer unless it has one or the session changed since its
    /// lookup; a read of it meanwhile waits for this one.
    fn read_ahead(&self, file: Ahead) {
        {
            let files = self.lock();
            if files.contains_key(&file.ino) || self.epoch() != file.epoch {
                return;
            }
            self.ahead
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(file.ino);
        }
        let loaded = self.repos.with(|r| match &file.base {
            Some(state) => r.blob(state).map(|data| (state.mode, data)),
            None => r.session_read(&self.id, &self.token, &file.path),
        });
        if let Ok(loaded) = loaded {
            self.keep(file.ino, &file.path, file.epoch, loaded);
        }
        self.ahead
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&file.ino);
        self.ahead_done.notify_all();
    }

    /// Size and time of `ino` when its buffer holds contents the session has not.
    pub(crate) fn pending(&self, ino: u64) -> Option<(u64, SystemTime)> {
        self.lock()
            .get(&ino)
            .filter(|b| b.dirty())
            .map(|b| (b.data.len() as u64, b.changed_time))
    }

    /// Drops the buffer of `ino` when the session holds its contents (a read reached the
    /// end), and every clean buffer when they hold too much.
    pub(crate) fn release_clean(&self, ino: u64) {
        let mut files = self.lock();
        if files.get(&ino).is_some_and(|b| !b.dirty()) {
            files.remove(&ino);
        }
        let clean: usize = files
            .values()
            .filter(|b| !b.dirty())
            .map(|b| b.data.len())
            .sum();
        if clean > Self::MAX_CLEAN_BYTES {
            files.retain(|_, b| b.dirty());
        }
    }

    /// Forgets the buffer of `ino`, committed or not (the file was removed).
    pub(crate) fn forget(&self, ino: u64) {
        let mut files = self.lock();
        // A read ahead that started before would bring the old contents back.
        self.epoch.fetch_add(1, Ordering::SeqCst);
        files.remove(&ino);
        drop(files);
        let _ = std::fs::remove_file(journal_file(&self.journal, ino));
    }

    /// Drops every buffer the session holds (it changed from outside the mount), and
    /// makes loads that started before it load again.
    pub(crate) fn drop_clean(&self) {
        let mut files = self.lock();
        self.epoch.fetch_add(1, Ordering::SeqCst);
        files.retain(|_, b| b.dirty());
    }

    /// Writes the buffer of `ino` to the session if it changed.
    ///
    /// # Errors
    /// The errno of the session's refusal (the buffer stays dirty, and is tried again).
    pub(crate) fn commit(&self, ino: u64) -> Result<(), Errno> {
        let (path, data, mode, version) = {
            let files = self.lock();
            match files.get(&ino) {
                Some(b) if b.dirty() => (b.path.clone(), b.data.clone(), b.mode, b.version),
                _ => return Ok(()),
            }
        };
        let written = self
            .repos
            .with(|r| r.session_write(&self.id, &self.token, &path, Some(mode), &data));
        match written {
            Ok(_) => {
                let mut files = self.lock();
                // A read ahead of this file's previous contents, from a lookup before this
                // write, must not come back once the buffer is clean and dropped.
                self.epoch.fetch_add(1, Ordering::SeqCst);
                if let Some(b) = files.get_mut(&ino) {
                    b.committed = b.committed.max(version);
                    if !b.dirty() {
                        let _ = std::fs::remove_file(journal_file(&self.journal, ino));
                    }
                }
                Ok(())
            }
            Err(e) => {
                if let Some(b) = self.lock().get_mut(&ino) {
                    b.refused = version;
                }
                eprintln!(
                    "atomic: the mount of session {} could not save {path}: {e}",
                    self.id
                );
                Err(crate::fs::errno(&e))
            }
        }
    }

    /// Commits every buffer that changed.
    ///
    /// # Errors
    /// The first refusal (the others are still tried).
    pub(crate) fn commit_all(&self) -> Result<(), Errno> {
        let dirty: Vec<u64> = self
            .lock()
            .iter()
            .filter(|(_, b)| b.dirty())
            .map(|(ino, _)| *ino)
            .collect();
        let mut first = Ok(());
        for ino in dirty {
            if let Err(e) = self.commit(ino)
                && first.is_ok()
            {
                first = Err(e);
            }
        }
        first
    }
}

fn journal_file(dir: &Path, ino: u64) -> PathBuf {
    dir.join(format!("{ino:016x}"))
}

/// Appends `change` to the journal of `ino` (created with a line `v2 <path in hex>`): a
/// record `W` offset length bytes, `T` size, or `M` git mode (integers little-endian,
/// 8 bytes, the mode 4). Records are positional, so replaying a journal onto a version
/// that already holds some of them gives the same contents.
fn append_journal(dir: &Path, ino: u64, path: &str, change: Change<'_>) -> std::io::Result<()> {
    use std::io::Write;
    let file = journal_file(dir, ino);
    let mut out = match std::fs::OpenOptions::new().append(true).open(&file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            let hex: String = path.bytes().map(|b| format!("{b:02x}")).collect();
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&file)?;
            f.write_all(format!("v2 {hex}\n").as_bytes())?;
            f
        }
        Err(e) => return Err(e),
    };
    let mut record = Vec::new();
    match change {
        Change::Write { offset, data } => {
            record.push(b'W');
            record.extend_from_slice(&offset.to_le_bytes());
            record.extend_from_slice(&(data.len() as u64).to_le_bytes());
            record.extend_from_slice(data);
        }
        Change::Truncate(size) => {
            record.push(b'T');
            record.extend_from_slice(&size.to_le_bytes());
        }
        Change::Mode(mode) => {
            record.push(b'M');
            record.extend_from_slice(&mode.git_mode().to_le_bytes());
        }
    }
    out.write_all(&record)
}

/// Writes what the journal in `dir` holds to session `id` (a server stopped before its
/// mount did): each file's records replayed onto the session's version of its path, then
/// the journal file removed; a file the session refuses stays, reported on stderr.
pub(crate) fn replay_journal(repos: &RepoPool, id: &str, token: &str, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.path();
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let Some((path, changes)) = parse_journal(&bytes) else {
            eprintln!(
                "atomic: {} is no journal file; left as it is",
                file.display()
            );
            continue;
        };
        let saved = repos.with(|r| {
            let (mut mode, mut data) = match r.session_read(id, token, &path) {
                Ok(found) => found,
                Err(atomic_repo::RepoError::Session(atomic_repo::SessionError::NoSuchPath {
                    ..
                })) => (FileMode::Blob, Vec::new()),
                Err(e) => return Err(e),
            };
            for change in changes {
                change.apply(&mut data, &mut mode);
            }
            r.session_write(id, token, &path, Some(mode), &data)
        });
        match saved {
            Ok(_) => {
                let _ = std::fs::remove_file(&file);
            }
            Err(e) => eprintln!(
                "atomic: the unsaved write of {path} in session {id} ({}) could not be saved: {e}",
                file.display()
            ),
        }
    }
}

/// The path and the changes of a journal file; a last record cut short (the server was
/// killed while appending it) is left out.
fn parse_journal(bytes: &[u8]) -> Option<(String, Vec<Change<'_>>)> {
    let end = bytes.iter().position(|b| *b == b'\n')?;
    let hex = std::str::from_utf8(&bytes[..end])
        .ok()?
        .strip_prefix("v2 ")?;
    let path: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let u64_at = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    let mut changes = Vec::new();
    let mut at = end + 1;
    while at < bytes.len() {
        let change = match bytes[at] {
            b'W' => {
                let (Some(offset), Some(len)) = (u64_at(at + 1), u64_at(at + 9)) else {
                    break;
                };
                let start = at + 17;
                let Some(data) = usize::try_from(len)
                    .ok()
                    .and_then(|l| bytes.get(start..start + l))
                else {
                    break;
                };
                at = start + data.len();
                Change::Write { offset, data }
            }
            b'T' => {
                let Some(size) = u64_at(at + 1) else { break };
                at += 9;
                Change::Truncate(size)
            }
            b'M' => {
                let Some(raw) = bytes.get(at + 1..at + 5) else {
                    break;
                };
                at += 5;
                Change::Mode(match u32::from_le_bytes(raw.try_into().ok()?) {
                    0o100755 => FileMode::Executable,
                    0o120000 => FileMode::Symlink,
                    _ => FileMode::Blob,
                })
            }
            _ => return None,
        };
        changes.push(change);
    }
    Some((String::from_utf8(path).ok()?, changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_replays_its_changes_and_drops_a_cut_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let changes = [
            Change::Truncate(0),
            Change::Write {
                offset: 0,
                data: b"fn main() {}\n",
            },
            Change::Write {
                offset: 20,
                data: b"tail",
            },
            Change::Mode(FileMode::Executable),
            Change::Truncate(22),
        ];
        for c in changes {
            append_journal(dir.path(), 7, "src/a b/ünï.rs", c).unwrap();
        }
        let replay = |bytes: &[u8], start: &[u8]| {
            let (path, changes) = parse_journal(bytes).unwrap();
            let (mut data, mut mode) = (start.to_vec(), FileMode::Blob);
            for c in changes {
                c.apply(&mut data, &mut mode);
            }
            (path, data, mode)
        };
        let bytes = std::fs::read(journal_file(dir.path(), 7)).unwrap();
        let want = b"fn main() {}\n\0\0\0\0\0\0\0ta".to_vec();
        let (path, data, mode) = replay(&bytes, b"old contents");
        assert_eq!(
            (path.as_str(), &data, mode),
            ("src/a b/ünï.rs", &want, FileMode::Executable)
        );
        // Replaying onto what it already produced changes nothing.
        assert_eq!(replay(&bytes, &want).1, want);
        // A record cut short is left out; what came before still applies.
        let (_, cut, _) = replay(&bytes[..bytes.len() - 3], b"x");
        assert_eq!(cut, b"fn main() {}\n\0\0\0\0\0\0\0tail");
        assert!(parse_journal(b"v1 100644 61\nx").is_none());
    }
}
