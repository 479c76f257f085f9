//! Errors of the git bridge.

use atomic_core::GitId;

/// Result alias for bridge operations.
pub type Result<T, E = BridgeError> = std::result::Result<T, E>;

/// Errors of the git bridge.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// gix failed; `what` says what we were doing.
    #[error("git: {what}: {source:?}")]
    Git {
        /// What we were doing, e.g. "reading commit 1a2b3c".
        what: String,
        /// gix's error, with its cause chain.
        #[source]
        source: gix::Error,
    },
    /// A path in a tree is not valid UTF-8; atomic stores paths as text.
    #[error("commit {commit}: path {path:?} is not valid UTF-8")]
    NonUtf8Path {
        /// The commit holding the path.
        commit: GitId,
        /// The path, lossily decoded.
        path: String,
    },
    /// A ref name is not valid in git.
    #[error("`{name}` is not a valid ref name: {reason}")]
    BadRefName {
        /// The name given.
        name: String,
        /// Why git refuses it.
        reason: String,
    },
    /// A commit's parent has no change yet: parents must be imported first.
    #[error("commit {commit} has parent {parent}, which has no change")]
    MissingParent {
        /// The commit.
        commit: GitId,
        /// Its parent.
        parent: GitId,
    },
    /// The operation was interrupted before it finished.
    #[error("interrupted")]
    Interrupted,
}

/// What an operation was doing, for its error: a string, or a closure that makes one only
/// when the error happens (for lookups on hot paths).
pub(crate) trait What {
    fn describe(self) -> String;
}

impl What for &str {
    fn describe(self) -> String {
        self.to_owned()
    }
}

impl What for String {
    fn describe(self) -> String {
        self
    }
}

impl<F: FnOnce() -> String> What for F {
    fn describe(self) -> String {
        self()
    }
}

/// Returns a closure that wraps a gix error with what we were doing.
pub(crate) fn git(what: impl What) -> impl FnOnce(gix::Error) -> BridgeError {
    move |source| BridgeError::Git {
        what: what.describe(),
        source,
    }
}
