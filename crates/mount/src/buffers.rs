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
//! API ([`crate::Mounted::sync`]), and at unmount. Until then every change is also in a
//! journal file per inode (written whole, through a rename), which the next mount of the
//! session writes to it: a server killed right after a write loses nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use atomic_core::FileMode;
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

    /// Records a change to `data` or `mode`.
    pub(crate) fn touch(&mut self) {
        self.version += 1;
        self.changed_at = Instant::now();
        self.changed_time = SystemTime::now();
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
        })
    }

    /// Starts the thread that commits idle buffers; it ends after [`Buffers::stop`].
    pub(crate) fn start_committer(self: &Arc<Self>) -> std::thread::JoinHandle<()> {
        let buffers = Arc::clone(self);
        std::thread::spawn(move || {
            while !buffers.stop.load(Ordering::SeqCst) {
                let idle: Vec<u64> = {
                    let files = buffers.lock();
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
        self.stop.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<u64, Buffer>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the buffer of `ino` (path `path`), loading it with `load` (mode and
    /// contents) first when there is none; a change `f` makes is recorded with
    /// [`Buffer::touch`] by `f` itself.
    pub(crate) fn with<T>(
        &self,
        ino: u64,
        path: &str,
        load: impl FnOnce() -> Result<(FileMode, Vec<u8>), Errno>,
        f: impl FnOnce(&mut Buffer) -> T,
    ) -> Result<T, Errno> {
        if !self.lock().contains_key(&ino) {
            // Loaded outside the lock: reading a blob can take a while.
            let (mode, data) = load()?;
            self.lock().entry(ino).or_insert_with(|| Buffer {
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
        let mut files = self.lock();
        let buffer = files.get_mut(&ino).ok_or(Errno::EIO)?;
        let was = buffer.version;
        let out = f(buffer);
        if buffer.version != was {
            write_journal(&self.journal, ino, buffer)
                .map_err(|e| e.raw_os_error().map_or(Errno::EIO, Errno::from_i32))?;
            self.changed.notify_all();
        }
        Ok(out)
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
        self.lock().remove(&ino);
        let _ = std::fs::remove_file(journal_file(&self.journal, ino));
    }

    /// Drops every buffer the session holds (it changed from outside the mount).
    pub(crate) fn drop_clean(&self) {
        self.lock().retain(|_, b| b.dirty());
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

/// Writes `buffer` to its journal file: a line `v1 <git mode in octal> <path in hex>`, then
/// the contents; through a temporary file renamed into place, so a file is whole or
/// absent.
fn write_journal(dir: &Path, ino: u64, buffer: &Buffer) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let hex: String = buffer.path.bytes().map(|b| format!("{b:02x}")).collect();
    let mut bytes = format!("v1 {:o} {hex}\n", buffer.mode.git_mode()).into_bytes();
    bytes.extend_from_slice(&buffer.data);
    let tmp = dir.join(format!("{ino:016x}.tmp"));
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, journal_file(dir, ino))
}

/// Writes what the journal in `dir` holds to session `id` (a server stopped before its
/// mount did), then removes it; a file the session refuses stays, reported on stderr.
pub(crate) fn replay_journal(repos: &RepoPool, id: &str, token: &str, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.path();
        if file.extension().is_some() {
            let _ = std::fs::remove_file(&file);
            continue;
        }
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let Some((path, mode, data)) = parse_journal(&bytes) else {
            eprintln!(
                "atomic: {} is no journal file; left as it is",
                file.display()
            );
            continue;
        };
        match repos.with(|r| r.session_write(id, token, &path, Some(mode), data)) {
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

fn parse_journal(bytes: &[u8]) -> Option<(String, FileMode, &[u8])> {
    let end = bytes.iter().position(|b| *b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut words = header.split(' ');
    if words.next()? != "v1" {
        return None;
    }
    let mode = match u32::from_str_radix(words.next()?, 8).ok()? {
        0o100755 => FileMode::Executable,
        0o120000 => FileMode::Symlink,
        0o100644 => FileMode::Blob,
        _ => return None,
    };
    let hex = words.next()?;
    let path: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    Some((String::from_utf8(path).ok()?, mode, &bytes[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_file_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let buffer = Buffer {
            path: "src/a b/ünï.rs".into(),
            data: b"fn main() {}\n\nlast".to_vec(),
            mode: FileMode::Executable,
            version: 1,
            committed: 0,
            refused: 0,
            changed_at: Instant::now(),
            changed_time: SystemTime::now(),
        };
        write_journal(dir.path(), 7, &buffer).unwrap();
        let bytes = std::fs::read(journal_file(dir.path(), 7)).unwrap();
        let (path, mode, data) = parse_journal(&bytes).unwrap();
        assert_eq!(
            (path.as_str(), mode, data),
            ("src/a b/ünï.rs", FileMode::Executable, &buffer.data[..])
        );
        assert!(parse_journal(b"v2 100644 61\nx").is_none());
    }
}
