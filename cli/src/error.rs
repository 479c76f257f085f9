//! The one place where library errors become what a person reads: a message, hints, and a
//! fixed exit code.
//!
//! Exit codes: 0 success; 1 the command could not do what was asked (bad input or state,
//! `doctor` found problems); 2 usage error (from clap); 3 the repository is busy (another
//! atomic process held it past the lock timeout); 4 internal error (git or store failure).

use std::fmt::Write;

use atomic_repo::RepoError;

use crate::ui::Ui;

/// Exit code for a user error.
pub const EXIT_USER: u8 = 1;
/// Exit code when the repository stayed busy.
pub const EXIT_BUSY: u8 = 3;
/// Exit code for an internal error.
pub const EXIT_INTERNAL: u8 = 4;

/// Not an exit code but a signal inside the process: `atomic serve` took the store while
/// this command waited for it, so the command is sent to the server instead.
pub const ROUTE_TO_SERVER: u8 = 254;

/// An error as shown to a person: what failed, and what to do next.
#[derive(Debug)]
pub struct CommandError {
    /// Exit code.
    pub code: u8,
    /// What went wrong.
    pub message: String,
    /// What to do next.
    pub hints: Vec<String>,
}

impl CommandError {
    /// A user error with one hint.
    pub fn user(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CommandError {
            code: EXIT_USER,
            message: message.into(),
            hints: vec![hint.into()],
        }
    }

    /// The signal that the command should go to `atomic serve` (see [`ROUTE_TO_SERVER`]).
    pub fn route() -> Self {
        CommandError {
            code: ROUTE_TO_SERVER,
            message: "the repository is served by `atomic serve`".into(),
            hints: vec!["run the command again; it goes to the server".into()],
        }
    }

    /// Prints the error to stderr (as JSON with `--json`) and returns the exit code.
    pub fn report(&self, ui: &Ui) -> u8 {
        let mut text = String::new();
        if ui.json {
            let doc = serde_json::json!({
                "error": { "code": self.code, "message": self.message, "hints": self.hints }
            });
            let _ = writeln!(text, "{doc}");
        } else {
            let _ = writeln!(text, "error: {}", self.message);
            for hint in &self.hints {
                let _ = writeln!(text, "hint: {hint}");
            }
        }
        ui.write_err(text.as_bytes());
        self.code
    }
}

impl From<RepoError> for CommandError {
    fn from(err: RepoError) -> Self {
        use RepoError as E;
        let message = err.to_string();
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
            E::NoSuchBranch { .. } => (EXIT_USER, Some("see `atomic branch` for the branches, or create it with `atomic switch -c <name>`".into())),
            E::CurrentBranch { .. } => (EXIT_USER, Some("switch to another branch first".into())),
            E::DetachedHead => (EXIT_USER, Some("switch to a branch first: `atomic switch <branch>`".into())),
            E::DirtyWorkingTree { .. } => (EXIT_USER, Some("record your changes (`atomic record -m ...`) or discard them first; see `atomic status`".into())),
            E::MergeInProgress => (EXIT_USER, Some("resolve the conflicts `atomic status` lists, then `atomic record -m ...` to finish the merge".into())),
            E::UnresolvedConflicts { .. } => (EXIT_USER, Some("edit those files to remove the <<<<<<< ||||||| ======= >>>>>>> blocks, then record again".into())),
            E::NoSuchSession { .. } => (EXIT_USER, Some("see `atomic session list`, or create one with `atomic session new`".into())),
            E::BadToken { .. } => (EXIT_USER, Some("pass the token `session new` printed, with --token or ATOMIC_SESSION_TOKEN".into())),
            E::BadPath(_) => (EXIT_USER, Some("use a path relative to the repository root, outside .git and .atomic".into())),
            E::NothingToSubmit { .. } => (EXIT_USER, Some("write files with `atomic session write` first".into())),
            E::NoSuchPath { .. } => (EXIT_USER, Some("see `atomic session ls`".into())),
            E::BadConfig { .. } => (EXIT_USER, Some("fix the file; see book/src/sessions.md for its keys".into())),
            E::NothingToVerify => (EXIT_USER, Some("add `[verify] commands = [\"cargo check\"]` to .atomic/config.toml".into())),
            E::NoContent => (EXIT_USER, Some("pass --content-file F".into())),
            E::NothingToRecord => (EXIT_USER, Some("edit files first; `atomic status` shows what changed".into())),
            E::EmptyMessage => (EXIT_USER, Some("pass a message with -m".into())),
            E::NoIdentity => (EXIT_USER, Some("set one with `git config --global user.name NAME` and `git config --global user.email EMAIL`".into())),
            E::GitCommand { .. } => (EXIT_USER, Some("see git's message above; check the remote's URL and your access".into())),
            E::Store(atomic_repo::StoreError::AmbiguousChange { .. }) => (EXIT_USER, Some("give more digits of the change id".into())),
            E::Store(atomic_repo::StoreError::SchemaMismatch { .. }) => (EXIT_USER, Some("use the atomic version that wrote this repository".into())),
            E::MissingChange { .. } => (EXIT_INTERNAL, Some("run `atomic git import`, then `atomic doctor`".into())),
            E::Io { .. } | E::Store(_) | E::Bridge(_) => (EXIT_INTERNAL, None),
        };
        CommandError {
            code,
            message,
            hints: hint.into_iter().collect(),
        }
    }
}
