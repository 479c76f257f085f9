//! What a person (or a program) reads when an operation fails: a stable kind, a message,
//! hints, and a fixed exit code. Engine errors say theirs through [`Reported`].
//!
//! Exit codes: 0 success; 1 the command could not do what was asked (bad input or state,
//! `doctor` found problems, a conflict); 2 usage error; 3 the repository is busy (another
//! atomic process held it past the lock timeout, or the server is at its connection
//! limit); 4 internal error (git or store failure, a server that went away).

use serde::{Deserialize, Serialize};

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

    /// Prints the error to stderr (unless it was already told), as one JSON document with
    /// `json`, and returns the exit code.
    pub fn report(&self, json: bool) -> u8 {
        if !self.message.is_empty() {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr().lock(),
                self.render(json).as_bytes(),
            );
        }
        self.code
    }
}

/// An engine's error as the API reports it: its message (`Display`), a stable kind, an
/// exit code and what to do next. Every such error converts into a [`CommandError`].
pub trait Reported: std::fmt::Display {
    /// Stable, snake case (`no_such_session`, `busy`, ...).
    fn kind(&self) -> &str;
    /// The exit code: [`EXIT_USER`], [`EXIT_BUSY`] or [`EXIT_INTERNAL`].
    fn exit_code(&self) -> u8;
    /// What to do next, when there is something to say.
    fn hint(&self) -> Option<String>;
}

impl<E: Reported> From<E> for CommandError {
    fn from(err: E) -> Self {
        CommandError {
            kind: err.kind().to_owned(),
            code: err.exit_code(),
            message: err.to_string(),
            hints: err.hint().into_iter().collect(),
        }
    }
}

impl From<atomic_merge_file::Error> for CommandError {
    fn from(e: atomic_merge_file::Error) -> Self {
        CommandError {
            kind: e.kind.into(),
            code: atomic_merge_file::EXIT_MERGE_FILE_ERROR,
            message: e.message,
            hints: vec![e.hint.into()],
        }
    }
}
