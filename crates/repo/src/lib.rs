//! The `Repo` facade: opens the store and the colocated git repository, runs operations,
//! and keeps the op log.
//!
//! A repository is a directory with a real `.git` (git users clone, log and push there)
//! and `.atomic/store`, atomic's RocksDB. Every command opens the repository with
//! [`Repo::open`], which first imports whatever git did since the last command (commits
//! made with `git commit`, pushes received, refs moved), so atomic and git agree.

mod branch;
mod doctor;
mod error;
mod git_cmd;
mod history;
mod merge;
mod open;
mod record;
mod remote;
mod session;
mod symbols;
mod sync;
mod verify;
mod worktree;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use atomic_gitbridge::TreeFiles;
pub use atomic_session::{ConflictBlock, Session, SessionMode};
pub use atomic_store::{Operation, StoreError};
pub use branch::Branch;
pub use doctor::DoctorReport;
pub use error::{RepoError, Result};
pub use merge::{FileConflicts, MergeResult, MergeState};
pub use remote::Remote;
pub use session::{
    ConflictWarning, ResolveAction, ResolvedFile, SessionFileDiff, SubmitResult, WriteResult,
};
pub use symbols::{IndexSummary, TreeSource};
pub use sync::{ExportSummary, ImportSummary};
pub use verify::{CommandResult, VerifyReport};
pub use worktree::{StatusEntry, StatusKind, WorkingTreeStatus};

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
    /// How long to wait for another atomic process to release the store.
    pub lock_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            lock_timeout: Duration::from_secs(10),
        }
    }
}

/// An open atomic repository: the store, the colocated git repository and the root.
pub struct Repo {
    root: PathBuf,
    git: gix::Repository,
    store: atomic_store::Store,
}

/// The directory under the root that holds atomic's data.
pub const ATOMIC_DIR: &str = ".atomic";

impl Repo {
    /// Returns the root of the working tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns the colocated git repository.
    pub fn git(&self) -> &gix::Repository {
        &self.git
    }

    /// Returns the store.
    pub fn store(&self) -> &atomic_store::Store {
        &self.store
    }

    /// Returns the op log, oldest first.
    pub fn operations(&self) -> Result<Vec<atomic_store::Operation>> {
        Ok(self.store.operations()?)
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
