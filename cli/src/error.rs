//! The one place where library errors become what a person (or a program) reads: a
//! stable kind, a message, hints, and a fixed exit code.
//!
//! Exit codes: 0 success; 1 the command could not do what was asked (bad input or state,
//! `doctor` found problems, a conflict); 2 usage error; 3 the repository is busy (another
//! atomic process held it past the lock timeout, or the server is at its connection
//! limit); 4 internal error (git or store failure, a server that went away).

use atomic_repo::{RepoError, SessionError};
use serde::{Deserialize, Serialize};

use crate::ui::Ui;

/// Exit code for a user error.
pub const EXIT_USER: u8 = 1;
/// Exit code when the repository stayed busy.
pub const EXIT_BUSY: u8 = 3;
/// Exit code for an internal error.
pub const EXIT_INTERNAL: u8 = 4;

/// An error as shown to a person and sent over the wire: what failed, and what to do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandError {
    /// Stable, snake case (`no_such_session`, `bad_token`, `busy`, `usage`, ...).
    pub kind: String,
    /// Exit code.
    pub code: u8,
    /// What went wrong.
    pub message: String,
    /// What to do next.
    pub hints: Vec<String>,
}

impl CommandError {
    /// A user error of kind `kind` with one hint.
    pub fn new(kind: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        CommandError {
            kind: kind.to_owned(),
            code: EXIT_USER,
            message: message.into(),
            hints: vec![hint.into()],
        }
    }

    /// A user error (kind `bad_input`) with one hint.
    pub fn user(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new("bad_input", message, hint)
    }

    /// A request the API cannot read (kind `protocol`).
    pub fn protocol(message: String) -> Self {
        CommandError {
            kind: "protocol".into(),
            code: EXIT_INTERNAL,
            message,
            hints: vec!["see book/src/protocol.md for the methods and their params".into()],
        }
    }

    /// A method the server does not know.
    pub fn unknown_method(name: &str) -> Self {
        CommandError {
            kind: "unknown_method".into(),
            code: EXIT_INTERNAL,
            message: format!("no method `{name}`"),
            hints: vec![
                "the server may be another version of atomic: `atomic serve --stop`, then retry"
                    .into(),
            ],
        }
    }

    /// An internal error of kind `kind`.
    pub fn internal(kind: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        CommandError {
            kind: kind.to_owned(),
            code: EXIT_INTERNAL,
            message: message.into(),
            hints: vec![hint.into()],
        }
    }

    /// Renders the error: one JSON document with `--json`, else `error:` and `hint:` lines.
    pub fn render(&self, json: bool) -> String {
        atomic_merge_file::ErrorReport {
            kind: &self.kind,
            code: self.code,
            message: &self.message,
            hints: &self.hints,
        }
        .render(json)
    }

    /// An error already told on stdout (a conflict block with `--json`): only its exit
    /// code, nothing more on stderr.
    pub fn told(kind: &str, code: u8) -> Self {
        CommandError {
            kind: kind.to_owned(),
            code,
            message: String::new(),
            hints: Vec::new(),
        }
    }

    /// Prints the error to stderr (unless it was already told) and returns the exit code.
    pub fn report(&self, ui: &Ui) -> u8 {
        if !self.message.is_empty() {
            ui.write_err(self.render(ui.json).as_bytes());
        }
        self.code
    }
}

fn session_hint(err: &SessionError) -> (u8, Option<&'static str>) {
    use SessionError as E;
    match err {
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
        E::Store(atomic_repo::StoreError::Locked { .. }) => (EXIT_BUSY, None),
        E::Store(_) | E::Bridge(_) => (EXIT_INTERNAL, None),
    }
}

impl From<RepoError> for CommandError {
    fn from(err: RepoError) -> Self {
        use RepoError as E;
        let message = err.to_string();
        let kind = err.kind().to_owned();
        let (code, hint): (u8, Option<String>) = match &err {
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
            E::Store(atomic_repo::StoreError::AmbiguousChange { .. }) => (EXIT_USER, Some("give more digits of the change id".into())),
            E::Store(atomic_repo::StoreError::UnknownChange { .. }) => (EXIT_USER, Some("see `atomic log` for change ids".into())),
            E::Store(atomic_repo::StoreError::SchemaMismatch { .. }) => (EXIT_USER, Some("use the atomic version that wrote this repository".into())),
            E::Store(atomic_repo::StoreError::Locked { .. }) => (EXIT_BUSY, None),
            E::MissingChange { .. } => (EXIT_INTERNAL, Some("run `atomic git import`, then `atomic doctor`".into())),
            E::Session(e) => {
                let (code, hint) = session_hint(e);
                (code, hint.map(str::to_owned))
            }
            E::Bridge(atomic_gitbridge::BridgeError::BadRefName { .. }) => (EXIT_USER, Some("use a name git takes: no spaces, `..`, `~`, `^`, `:`, `?`, `*`, `[` or `\\`, no leading `.` or `-`, no trailing `/` or `.lock` (see `git check-ref-format`)".into())),
            E::Io { .. } | E::Store(_) | E::Bridge(_) => (EXIT_INTERNAL, None),
        };
        CommandError {
            kind,
            code,
            message,
            hints: hint.into_iter().collect(),
        }
    }
}

impl From<SessionError> for CommandError {
    fn from(err: SessionError) -> Self {
        RepoError::from(err).into()
    }
}
