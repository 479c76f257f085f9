//! Errors of repository operations.

use std::path::PathBuf;

use atomic_api::{EXIT_BUSY, EXIT_INTERNAL, EXIT_USER, Reported};
use atomic_gitbridge::BridgeError;
use atomic_session::SessionError;
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
    /// A tag of that name exists.
    #[error("tag `{name}` already exists")]
    TagExists {
        /// The tag.
        name: String,
    },
    /// No tag of that name.
    #[error("no tag `{name}`")]
    NoSuchTag {
        /// The tag.
        name: String,
    },
    /// A branch to delete holds changes HEAD does not contain.
    #[error("the branch `{name}` is not fully merged into HEAD")]
    NotMerged {
        /// The branch.
        name: String,
    },
    /// Paths given to `record` while a merge is in progress.
    #[error("cannot record only some paths during a merge")]
    PartialMerge,
    /// No operation is left to undo.
    #[error("nothing to undo: every operation made outside sessions is undone already")]
    NothingToUndo,
    /// A ref the undo would move has moved since the operation.
    #[error("cannot undo op {seq}: {name} has moved since")]
    UndoBlocked {
        /// The operation (the one to undo, or a session's in the way).
        seq: u64,
        /// The ref.
        name: String,
    },
    /// A session's operation came after the one to restore to.
    #[error("op {seq}, after it, is session {session_id}'s; restoring would take that work away")]
    SessionWorkAfter {
        /// The session's operation.
        seq: u64,
        /// The session.
        session_id: String,
    },
    /// No operation has this number.
    #[error("no operation {seq} in the op log")]
    NoSuchOperation {
        /// The number asked for.
        seq: u64,
    },
    /// No merge is in progress (to abort).
    #[error("no merge is in progress")]
    NoMergeInProgress,
    /// A pathspec matched no file of the working tree or of the source.
    #[error("pathspec '{spec}' did not match any file known to atomic")]
    PathspecNoMatch {
        /// The pathspec, as given.
        spec: String,
    },
    /// Conflict markers remain in files of a merge.
    #[error("conflict markers remain in {}", paths.join(", "))]
    UnresolvedConflicts {
        /// The files that still have markers.
        paths: Vec<String>,
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
    /// Conflict markers remain in files the branch changed under the user's edits.
    #[error("merging your edits with the branch left conflicts in {}", paths.join(", "))]
    StaleConflicts {
        /// The files.
        paths: Vec<String>,
    },
    /// The branch moved while a commit was being landed on it (nothing was written).
    #[error("branch `{branch}` moved while landing")]
    HeadMoved {
        /// The branch, full name.
        branch: String,
    },
    /// Something in the working tree stands where a file or directory must go.
    #[error("cannot write `{path}`: {what} is in the way at `{at}`")]
    PathInTheWay {
        /// The path to write.
        path: String,
        /// The path in the way.
        at: String,
        /// "a symbolic link", "a file" or "a directory".
        what: &'static str,
    },
    /// A session operation failed.
    #[error(transparent)]
    Session(#[from] SessionError),
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

impl RepoError {
    /// Returns the error's stable kind in snake case (`no_such_branch`, `bad_token`,
    /// `busy`, ...): what machines match on, whatever the message says.
    pub fn kind(&self) -> &'static str {
        use RepoError as E;
        match self {
            E::NotARepository { .. } => "not_a_repository",
            E::NotAGitRepository { .. } => "not_a_git_repository",
            E::AlreadyInitialized { .. } => "already_initialized",
            E::TargetNotEmpty { .. } => "target_not_empty",
            E::ImportIncomplete { .. } => "import_incomplete",
            E::Busy { .. } => "busy",
            E::UnknownRevision { .. } => "unknown_revision",
            E::MissingChange { .. } => "missing_change",
            E::BranchExists { .. } => "branch_exists",
            E::NoSuchBranch { .. } => "no_such_branch",
            E::CurrentBranch { .. } => "current_branch",
            E::DetachedHead => "detached_head",
            E::DirtyWorkingTree { .. } => "dirty_working_tree",
            E::MergeInProgress => "merge_in_progress",
            E::NoMergeInProgress => "no_merge_in_progress",
            E::NothingToUndo => "nothing_to_undo",
            E::PartialMerge => "partial_merge",
            E::NotMerged { .. } => "not_merged",
            E::TagExists { .. } => "tag_exists",
            E::NoSuchTag { .. } => "no_such_tag",
            E::UndoBlocked { .. } | E::SessionWorkAfter { .. } => "undo_blocked",
            E::NoSuchOperation { .. } => "no_such_operation",
            E::PathspecNoMatch { .. } => "pathspec_no_match",
            E::UnresolvedConflicts { .. } => "unresolved_conflicts",
            E::StaleConflicts { .. } => "unresolved_conflicts",
            E::BadConfig { .. } => "bad_config",
            E::NothingToVerify => "nothing_to_verify",
            E::NothingToRecord => "nothing_to_record",
            E::EmptyMessage => "empty_message",
            E::NoIdentity => "no_identity",
            E::GitCommand { .. } => "git_command",
            E::Io { .. } => "io",
            E::HeadMoved { .. } => "head_moved",
            E::PathInTheWay { .. } => "path_in_the_way",
            E::Session(e) => e.kind(),
            E::Store(StoreError::Locked { .. }) => "busy",
            E::Store(StoreError::AmbiguousChange { .. }) => "ambiguous_change",
            E::Store(StoreError::UnknownChange { .. }) => "unknown_revision",
            E::Store(StoreError::SchemaMismatch { .. }) => "schema_mismatch",
            E::Store(_) => "store",
            E::Bridge(BridgeError::BadRefName { .. }) => "bad_ref_name",
            E::Bridge(_) => "git",
        }
    }
}

impl Reported for RepoError {
    fn kind(&self) -> &str {
        RepoError::kind(self)
    }

    fn exit_code(&self) -> u8 {
        self.report().0
    }

    fn hint(&self) -> Option<String> {
        self.report().1
    }
}

impl RepoError {
    /// The exit code and what to do next, for [`Reported`].
    fn report(&self) -> (u8, Option<String>) {
        use RepoError as E;
        match self {
            E::NotARepository { .. } => (EXIT_USER, Some("run `atomic init` here, or `atomic clone <url>`; or pass -R <path>".into())),
            E::NotAGitRepository { .. } => (EXIT_USER, Some("check the path; it must be a git repository (a directory with .git, or a bare repository)".into())),
            E::AlreadyInitialized { .. } => (EXIT_USER, Some("nothing to do: use atomic commands in it directly".into())),
            E::TargetNotEmpty { .. } => (EXIT_USER, Some("choose a new directory, or an empty one".into())),
            E::ImportIncomplete { path } => (EXIT_USER, Some(format!(
                "run `atomic -R {} git import` to resume it, or delete the directory and clone again",
                path.display()
            ))),
            E::Busy { .. } => (EXIT_BUSY, Some("another atomic command (perhaps a clone or import) is running here; try again when it finishes, or raise ATOMIC_LOCK_TIMEOUT_MS".into())),
            E::UnknownRevision { .. } => (EXIT_USER, Some("name a branch, a tag, a change id prefix or a commit id (see `atomic log`)".into())),
            E::BranchExists { .. } => (EXIT_USER, Some("pick another name, or `atomic branch delete` the old one first".into())),
            E::NoSuchBranch { .. } => (EXIT_USER, Some("see `atomic branch` for the branches, create one with `atomic switch -c <name>`, or look at a tag or commit with `atomic switch --detach <rev>`".into())),
            E::CurrentBranch { .. } => (EXIT_USER, Some("switch to another branch first".into())),
            E::DetachedHead => (EXIT_USER, Some("switch to a branch first (`atomic switch <branch>`), or make one here: `atomic switch -c <name>`".into())),
            E::DirtyWorkingTree { .. } => (EXIT_USER, Some("record your changes (`atomic record -m ...`) or discard them (`atomic restore <paths>`); see `atomic status`".into())),
            E::MergeInProgress => (EXIT_USER, Some("resolve the conflicts `atomic status` lists, then `atomic record -m ...` to finish the merge; or `atomic merge --abort`".into())),
            E::NoMergeInProgress => (EXIT_USER, Some("nothing to abort; `atomic status` shows the working tree".into())),
            E::TagExists { .. } => (EXIT_USER, Some("pick another name, or `atomic tag -d` the old one first".into())),
            E::NoSuchTag { .. } => (EXIT_USER, Some("`atomic tag` lists the tags".into())),
            E::NotMerged { name } => (EXIT_USER, Some(format!("merge it first, or delete it anyway with `atomic branch -D {name}` (`atomic undo` brings it back)"))),
            E::PartialMerge => (EXIT_USER, Some("record the whole merge (`atomic record -m MSG` without paths), or `atomic merge --abort`".into())),
            E::NothingToUndo => (EXIT_USER, Some("`atomic op log` lists the operations".into())),
            E::UndoBlocked { .. } | E::SessionWorkAfter { .. } => (EXIT_USER, Some("later work builds on it (see `atomic op log`); undo that first, or move the ref by hand with `atomic branch`".into())),
            E::NoSuchOperation { .. } => (EXIT_USER, Some("`atomic op log` lists the operations with their numbers".into())),
            E::PathspecNoMatch { .. } => (EXIT_USER, Some("paths are relative to the current directory; `atomic status` lists what changed".into())),
            E::UnresolvedConflicts { .. } | E::StaleConflicts { .. } => (EXIT_USER, Some("edit those files to remove the <<<<<<< ||||||| ======= >>>>>>> blocks (or settle them as you see fit), then record again".into())),
            E::BadConfig { .. } => (EXIT_USER, Some("fix the file; see book/src/sessions.md for its keys".into())),
            E::NothingToVerify => (EXIT_USER, Some("add `[verify] commands = [\"cargo check\"]` to .atomic/config.toml".into())),
            E::NothingToRecord => (EXIT_USER, Some("edit files first; `atomic status` shows what changed".into())),
            E::EmptyMessage => (EXIT_USER, Some("pass a message with -m".into())),
            E::NoIdentity => (EXIT_USER, Some("set one with `git config --global user.name NAME` and `git config --global user.email EMAIL`".into())),
            E::GitCommand { .. } => (EXIT_USER, Some("see git's message above; check the remote's URL and your access".into())),
            E::PathInTheWay { .. } => (EXIT_USER, Some("move what is in the way (atomic never writes through a symbolic link), then retry".into())),
            E::HeadMoved { .. } => (EXIT_INTERNAL, Some("retry the command".into())),
            E::Store(StoreError::AmbiguousChange { .. }) => (EXIT_USER, Some("give more digits of the change id".into())),
            E::Store(StoreError::UnknownChange { .. }) => (EXIT_USER, Some("see `atomic log` for change ids".into())),
            E::Store(StoreError::SchemaMismatch { .. }) => (EXIT_USER, Some("use the atomic version that wrote this repository".into())),
            E::Store(StoreError::Locked { .. }) => (EXIT_BUSY, None),
            E::MissingChange { .. } => (EXIT_INTERNAL, Some("run `atomic git import`, then `atomic doctor`".into())),
            E::Session(e) => (e.exit_code(), e.hint()),
            E::Bridge(BridgeError::BadRefName { .. }) => (EXIT_USER, Some("use a name git takes: no spaces, `..`, `~`, `^`, `:`, `?`, `*`, `[` or `\\`, no leading `.` or `-`, no trailing `/` or `.lock` (see `git check-ref-format`)".into())),
            E::Io { .. } | E::Store(_) | E::Bridge(_) => (EXIT_INTERNAL, None),
        }
    }
}
