//! Errors of repository operations.

use std::path::PathBuf;

use atomic_gitbridge::BridgeError;
use atomic_store::StoreError;

/// Result alias for repository operations.
pub type Result<T, E = RepoError> = std::result::Result<T, E>;

/// Errors of repository operations. Each says what was attempted; the CLI adds what to do.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No `.atomic` directory at or above the given path.
    #[error("no atomic repository at or above {path}")]
    NotARepository {
        /// Where the search started.
        path: PathBuf,
    },
    /// The path is not a git repository (clone source or adopted repository).
    #[error("{path} is not a git repository: {reason}")]
    NotAGitRepository {
        /// The path given.
        path: String,
        /// What git said.
        reason: String,
    },
    /// `init` found a repository already.
    #[error("{path} is already an atomic repository")]
    AlreadyInitialized {
        /// The repository root.
        path: PathBuf,
    },
    /// The clone target exists and is not an empty directory.
    #[error("destination {path} already exists and is not an empty directory")]
    TargetNotEmpty {
        /// The target.
        path: PathBuf,
    },
    /// An import started and did not finish.
    #[error("the import into {path} did not finish")]
    ImportIncomplete {
        /// The repository root.
        path: PathBuf,
    },
    /// Another process holds the store.
    #[error("the repository at {path} is in use by another atomic process")]
    Busy {
        /// The repository root.
        path: PathBuf,
    },
    /// A revision did not resolve.
    #[error("unknown revision `{rev}`")]
    UnknownRevision {
        /// The revision given.
        rev: String,
    },
    /// A commit has no change: the store and git disagree.
    #[error("commit {commit} has no change in the store")]
    MissingChange {
        /// The commit.
        commit: String,
    },
    /// A branch to create exists.
    #[error("branch `{name}` already exists")]
    BranchExists {
        /// Short branch name.
        name: String,
    },
    /// A branch to use does not exist.
    #[error("no branch named `{name}`")]
    NoSuchBranch {
        /// Short branch name.
        name: String,
    },
    /// The current branch cannot be deleted.
    #[error("cannot delete `{name}`: it is the current branch")]
    CurrentBranch {
        /// Short branch name.
        name: String,
    },
    /// HEAD is not on a branch.
    #[error("HEAD is detached; atomic records on branches")]
    DetachedHead,
    /// The working tree has changes that an operation would overwrite.
    #[error("the working tree has changes to {count} path(s), e.g. {example}")]
    DirtyWorkingTree {
        /// How many paths changed.
        count: usize,
        /// One of them.
        example: String,
    },
    /// A merge is already in progress.
    #[error("a merge is in progress")]
    MergeInProgress,
    /// Conflict markers remain in files of a merge.
    #[error("conflict markers remain in {}", paths.join(", "))]
    UnresolvedConflicts {
        /// The files that still have markers.
        paths: Vec<String>,
    },
    /// No session with that id.
    #[error("no session `{id}`")]
    NoSuchSession {
        /// The id given.
        id: String,
    },
    /// The token does not match the session's.
    #[error("the token does not match session `{id}`")]
    BadToken {
        /// The session.
        id: String,
    },
    /// A session path is refused.
    #[error(transparent)]
    BadPath(#[from] atomic_session::PathError),
    /// The session has nothing to submit.
    #[error("session `{id}` has no changes to submit")]
    NothingToSubmit {
        /// The session.
        id: String,
    },
    /// A path does not exist in the session.
    #[error("`{path}` does not exist in session `{id}`")]
    NoSuchPath {
        /// The session.
        id: String,
        /// The path.
        path: String,
    },
    /// `.atomic/config.toml` does not parse.
    #[error("{path} is not valid: {reason}")]
    BadConfig {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// No verify commands are configured.
    #[error("no verify commands are configured")]
    NothingToVerify,
    /// `resolve --action manual` needs content.
    #[error("the manual action needs the content to use")]
    NoContent,
    /// `record` found nothing to record.
    #[error("nothing to record: the working tree matches HEAD")]
    NothingToRecord,
    /// The message is empty.
    #[error("the message is empty")]
    EmptyMessage,
    /// No identity is configured for new commits.
    #[error("no author identity: user.name and user.email are not configured")]
    NoIdentity,
    /// A `git` subprocess failed.
    #[error("`git {args}` failed: {stderr}")]
    GitCommand {
        /// Its arguments.
        args: String,
        /// What it printed on stderr.
        stderr: String,
    },
    /// A file system operation failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What we were doing.
        what: &'static str,
        /// On what.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The git bridge failed.
    #[error(transparent)]
    Bridge(#[from] BridgeError),
}

impl RepoError {
    pub(crate) fn io(
        what: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| RepoError::Io { what, path, source }
    }

    pub(crate) fn git(what: &str) -> impl FnOnce(gix::Error) -> Self {
        let what = what.to_owned();
        move |source| RepoError::Bridge(BridgeError::Git { what, source })
    }
}
