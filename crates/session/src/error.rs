//! Errors of session operations.

use atomic_api::{EXIT_BUSY, EXIT_INTERNAL, EXIT_USER};
use atomic_gitbridge::BridgeError;
use atomic_store::StoreError;

use crate::PathError;

/// Result alias for session operations.
pub type Result<T, E = SessionError> = std::result::Result<T, E>;

/// Errors of session operations. Each says what was refused and on what; the CLI adds what
/// to do next.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
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
    /// The session has ended (an ephemeral session that was submitted).
    #[error("session `{id}` was submitted and has ended")]
    Ended {
        /// The session.
        id: String,
    },
    /// A path is refused.
    #[error(transparent)]
    BadPath(#[from] PathError),
    /// Writing the path would put a file where the session has a directory, or under a
    /// path that is a file.
    #[error("cannot write `{path}`: `{clash}` is a {what} in the session")]
    PathClash {
        /// The path to write.
        path: String,
        /// The path in the way.
        clash: String,
        /// "file" (a parent is a file) or "directory" (the path itself is one).
        what: &'static str,
    },
    /// A path does not exist in the session.
    #[error("`{path}` does not exist in session `{id}`")]
    NoSuchPath {
        /// The session.
        id: String,
        /// The path.
        path: String,
    },
    /// The session has nothing to submit.
    #[error("session `{id}` has no changes to submit")]
    NothingToSubmit {
        /// The session.
        id: String,
    },
    /// Files of the session still hold conflict markers.
    #[error("conflict markers remain in {}", paths.join(", "))]
    ConflictMarkers {
        /// The files.
        paths: Vec<String>,
    },
    /// An agent name git cannot write as a commit author.
    #[error("`{agent}` cannot be an agent name: {reason}")]
    BadAgent {
        /// The name given.
        agent: String,
        /// Why.
        reason: &'static str,
    },
    /// `resolve --action manual` needs content.
    #[error("the manual action needs the content to use")]
    NoContent,
    /// An edit's text to replace is not in the file.
    #[error("the text to replace is not in `{path}`")]
    EditNotFound {
        /// The file.
        path: String,
    },
    /// An edit's text to replace is in the file more than once.
    #[error("the text to replace is in `{path}` {count} times; it must be there once")]
    EditNotUnique {
        /// The file.
        path: String,
        /// How many times.
        count: usize,
    },
    /// An edit that cannot be made: empty text to replace, the same text, a file that is
    /// not UTF-8 text.
    #[error("cannot edit `{path}`: {reason}")]
    BadEdit {
        /// The file.
        path: String,
        /// Why.
        reason: &'static str,
    },
    /// A patch that does not parse, names a file twice, or holds a binary change.
    #[error("the patch cannot be used: {reason}")]
    BadPatch {
        /// What the parser said.
        reason: String,
    },
    /// A hunk of a patch does not apply to the session's file.
    #[error("hunk {hunk} of the patch to `{path}` does not apply: its lines are not in the file")]
    PatchDoesNotApply {
        /// The file.
        path: String,
        /// The hunk, from 1.
        hunk: usize,
    },
    /// A review comment that cannot be kept.
    #[error("cannot add the comment: {reason}")]
    BadComment {
        /// Why.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The git bridge failed.
    #[error(transparent)]
    Bridge(#[from] BridgeError),
}

impl SessionError {
    /// Returns the error's stable kind in snake case, for machines.
    pub fn kind(&self) -> &'static str {
        use SessionError as E;
        match self {
            E::NoSuchSession { .. } => "no_such_session",
            E::BadToken { .. } => "bad_token",
            E::Ended { .. } => "session_ended",
            E::BadPath(_) => "bad_path",
            E::PathClash { .. } => "path_clash",
            E::NoSuchPath { .. } => "no_such_path",
            E::NothingToSubmit { .. } => "nothing_to_submit",
            E::ConflictMarkers { .. } => "conflict_markers",
            E::BadAgent { .. } => "bad_agent",
            E::NoContent => "no_content",
            E::EditNotFound { .. } => "edit_not_found",
            E::EditNotUnique { .. } => "edit_not_unique",
            E::BadEdit { .. } => "bad_edit",
            E::BadPatch { .. } => "bad_patch",
            E::PatchDoesNotApply { .. } => "patch_does_not_apply",
            E::BadComment { .. } => "bad_comment",
            E::Store(StoreError::Locked { .. }) => "busy",
            E::Store(_) => "store",
            E::Bridge(_) => "git",
        }
    }
}

impl atomic_api::Reported for SessionError {
    fn kind(&self) -> &str {
        SessionError::kind(self)
    }

    fn exit_code(&self) -> u8 {
        self.report().0
    }

    fn hint(&self) -> Option<String> {
        self.report().1.map(str::to_owned)
    }
}

impl SessionError {
    /// The exit code and what to do next, for [`atomic_api::Reported`].
    fn report(&self) -> (u8, Option<&'static str>) {
        use SessionError as E;
        match self {
            E::NoSuchSession { .. } => (
                EXIT_USER,
                Some("see `atomic session list`, or create one with `atomic session new`"),
            ),
            E::BadToken { .. } => (
                EXIT_USER,
                Some("pass the token `session new` printed, with --token or ATOMIC_SESSION_TOKEN"),
            ),
            E::Ended { .. } => (
                EXIT_USER,
                Some(
                    "its submit landed; `atomic session submit` shows the receipt again; start a new session for more work",
                ),
            ),
            E::BadPath(_) => (
                EXIT_USER,
                Some(
                    "use a path relative to the repository root that git can check out, outside .git and .atomic",
                ),
            ),
            E::PathClash { .. } => (
                EXIT_USER,
                Some("remove or move the path in the way first (`atomic session rm` / `mv`)"),
            ),
            E::NoSuchPath { .. } => (EXIT_USER, Some("see `atomic session ls`")),
            E::NothingToSubmit { .. } => (
                EXIT_USER,
                Some("write files with `atomic session write` first"),
            ),
            E::ConflictMarkers { .. } => (
                EXIT_USER,
                Some(
                    "edit those files to remove the <<<<<<< ||||||| ======= >>>>>>> blocks (`atomic session write`), then submit again",
                ),
            ),
            E::BadAgent { .. } => (
                EXIT_USER,
                Some("name the agent with plain text, e.g. --agent claude-3"),
            ),
            E::NoContent => (EXIT_USER, Some("pass --content-file F")),
            E::EditNotFound { .. } => (
                EXIT_USER,
                Some(
                    "read the file again (`atomic session read`) and copy the text exactly, whitespace included",
                ),
            ),
            E::EditNotUnique { .. } => (
                EXIT_USER,
                Some("include more of the surrounding lines in --old so it names one place"),
            ),
            E::BadEdit { .. } => (
                EXIT_USER,
                Some("write the whole file instead (`atomic session write`)"),
            ),
            E::BadPatch { .. } => (
                EXIT_USER,
                Some(
                    "pass a unified diff as `git diff` prints it, with --- and +++ headers and @@ hunks",
                ),
            ),
            E::PatchDoesNotApply { .. } => (
                EXIT_USER,
                Some(
                    "the file changed since the diff was made: read it again and make the diff against it",
                ),
            ),
            E::BadComment { .. } => (
                EXIT_USER,
                Some("comment on a line of a file in `atomic session diff`, with some text"),
            ),
            E::Store(StoreError::Locked { .. }) => (EXIT_BUSY, None),
            E::Store(_) | E::Bridge(_) => (EXIT_INTERNAL, None),
        }
    }
}
