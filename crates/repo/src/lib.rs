//! The `Repo` facade: opens the store and the colocated git repository, runs operations,
//! and keeps the op log.
//!
//! A repository is a directory with a real `.git` (git users clone, log and push there)
//! and `.atomic/store`, atomic's RocksDB. A [`Repo`] is cheap to clone and each clone can
//! move to its own thread: clones share the store, the write lock and the session locks,
//! so one process (`atomic serve`) serves many clients at once.
//!
//! ### Concurrency
//! Reads take no lock. Writes to a session take that session's lock. Moving a ref (a
//! record, a submit, an import) takes the store's write lock, only for the commit step:
//! a submit merges against a snapshot of the branch head outside it, then checks under it
//! that the head has not moved (else it merges again).
//!
//! ### Landing a commit
//! Under the write lock: (1) the store records the pending ref move; (2) git's ref moves
//! by compare-and-swap; (3) one transaction writes the change, the ref, the symbol events,
//! the session's end and the op log entry, and drops the pending record. A crash between
//! (1) and (3) is finished or undone at the next open, whichever git's ref says.

mod branch;
mod doctor;
mod error;
mod git_cmd;
mod history;
mod land;
mod linked;
mod merge;
mod migrate;
mod open;
mod queue;
mod record;
mod remote;
mod repair;
mod restore;
pub use restore::pathspec_matches;
mod safe_fs;
mod session;
mod stamp;
mod symbols;
mod sync;
mod tag;
mod undo;
mod verify;
mod worktree;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

pub use atomic_api::{MountedSession, SESSION_FILE, discover_session};
pub use atomic_gitbridge::TreeFiles;
pub use atomic_session::{
    Applied, Comment, ConflictBlock, ConflictWarning, Entry, Event, EventKind, Node, PathError,
    Receipt, ResolveAction, ResolvedFile, Session, SessionError, SessionFileDiff, SessionMode,
    WriteResult, new_token, validate_path,
};
pub use atomic_store::{Operation, RefEdit, StoreError};
pub use branch::Branch;
pub use doctor::DoctorReport;
pub use error::{RepoError, Result};
pub use linked::{MountStat, find_mounted_session, mount_ino, mount_perm};
pub use merge::{MergeResult, MergeState};
pub use remote::{PushOptions, Remote};
pub use session::{SessionFileView, SessionStatus, SubmitResult};
pub use symbols::{IndexSummary, TreeSource};
pub use sync::{ExportSummary, ImportSummary};
pub use tag::Tag;
pub use undo::Undone;
pub use verify::{CommandResult, VerifyReport};
pub use worktree::{
    CheckoutReport, StaleFile, StatusEntry, StatusKind, WorkingTreeStatus, file_state,
};

/// Reports progress of long operations (import, doctor). Implementations must be cheap.
pub trait Progress: Sync {
    /// A phase starts, with `total` steps.
    fn begin(&self, what: &str, total: u64);
    /// `done` steps of the current phase are finished.
    fn set(&self, done: u64);
    /// The phase ended.
    fn end(&self);
}

/// A [`Progress`] that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &str, _: u64) {}
    fn set(&self, _: u64) {}
    fn end(&self) {}
}

/// How to open a repository.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// How long another atomic process may hold the store before waiting gives up (the
    /// clock restarts when the store changes hands).
    pub lock_timeout: Duration,
    /// Called with the store's path while waiting: `true` stops waiting (see
    /// [`atomic_store::LockWait`]).
    pub give_up: Option<fn(&Path) -> bool>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            lock_timeout: Duration::from_secs(10),
            give_up: None,
        }
    }
}

impl OpenOptions {
    pub(crate) fn wait(&self) -> atomic_store::LockWait {
        atomic_store::LockWait {
            timeout: self.lock_timeout,
            give_up: self.give_up,
        }
    }
}

/// What the clones of one open repository share besides the store.
#[derive(Default)]
struct Shared {
    /// One lock per session with an operation in flight: writes, submits, resolves and
    /// closes of one session run one at a time; different sessions run in parallel.
    sessions: Mutex<HashMap<String, Weak<Mutex<()>>>>,
    /// Held while the working tree and git's index are written.
    worktree: Mutex<()>,
    /// Git's index as last read or written here, while the file is that version.
    index: Mutex<Option<worktree::KnownIndex>>,
    /// What git's refs looked like at the last import (see [`stamp`]).
    git_stamp: Mutex<Option<stamp::Known>>,
    /// Decoded trees and blob sizes, for sessions' base trees and mounts.
    objects: atomic_gitbridge::ObjectCache,
    /// Submits merge one at a time and land in that order (see [`queue`]).
    submits: queue::SubmitQueue,
}

/// An open atomic repository: the store, the colocated git repository and the root.
/// Clones share everything but their git handle, and may move to other threads.
#[derive(Clone)]
pub struct Repo {
    root: PathBuf,
    git: gix::Repository,
    store: Arc<atomic_store::Store>,
    shared: Arc<Shared>,
}

pub use atomic_api::ATOMIC_DIR;

impl Repo {
    /// Returns the root of the working tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns the op log, oldest first.
    ///
    /// # Errors
    /// Store errors.
    pub fn operations(&self) -> Result<Vec<atomic_store::Operation>> {
        Ok(self.store.operations()?)
    }

    /// A number that moves whenever this process writes to the store (see
    /// [`atomic_store::Store::generation`]): while a server holds the store, every change.
    pub fn generation(&self) -> u64 {
        self.store.generation()
    }

    /// Returns the session engine over this repository.
    fn sessions(&self) -> atomic_session::Sessions<'_> {
        atomic_session::Sessions::new(&self.store, &self.git, &self.shared.objects)
    }

    /// Returns the lock of session `id`, shared with every clone of this repository.
    fn session_lock(&self, id: &str) -> Arc<Mutex<()>> {
        let mut locks = self
            .shared
            .sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(lock) = locks.get(id).and_then(Weak::upgrade) {
            return lock;
        }
        if locks.len() > 1024 {
            locks.retain(|_, l| l.strong_count() > 0);
        }
        let lock = Arc::new(Mutex::new(()));
        locks.insert(id.to_owned(), Arc::downgrade(&lock));
        lock
    }
}

pub(crate) fn store_path(root: &Path) -> PathBuf {
    root.join(ATOMIC_DIR).join("store")
}

pub(crate) fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Returns `name` as a full branch ref (`refs/heads/<name>`), keeping full names as they
/// are.
pub(crate) fn branch_ref(name: &str) -> String {
    if name.starts_with("refs/") {
        name.to_owned()
    } else {
        format!("refs/heads/{name}")
    }
}

/// Returns the short name of a full branch ref.
pub fn short_branch(full: &str) -> &str {
    full.strip_prefix("refs/heads/").unwrap_or(full)
}
