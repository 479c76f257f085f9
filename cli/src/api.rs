//! The typed API every `atomic` command goes through: one [`Method`] per operation, with
//! serde params and results. The CLI calls methods in-process when no server runs, or
//! sends them to `atomic serve` as JSON-RPC 2.0 requests (see [`crate::rpc`]); either way
//! the same `run` executes. The schema is in `book/src/protocol.md`.

use std::path::PathBuf;

use atomic_repo::{Progress, Repo};
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::CommandError;

/// The protocol's version: bumped when a method's params or result change incompatibly.
pub const PROTOCOL_VERSION: u32 = 2;

/// One operation of the API.
pub trait Method {
    /// The JSON-RPC method name, e.g. `session.write`.
    const NAME: &'static str;
    /// Whether to import what git did before running (a few `stat` calls when nothing
    /// moved); operations inside a session do not need it.
    const SYNC: bool = true;
    /// The params, as the request's `params` object.
    type Params: Serialize + DeserializeOwned;
    /// The result, as the response's `result`.
    type Output: Serialize + DeserializeOwned;

    /// Runs the method on `repo`.
    ///
    /// # Errors
    /// The operation's errors, as [`CommandError`]s with a stable kind.
    fn run(
        repo: &Repo,
        params: Self::Params,
        progress: &dyn Progress,
    ) -> Result<Self::Output, CommandError>;
}

/// Runs `M` in this process: imports what git did first (when `M::SYNC`), then runs.
///
/// # Errors
/// As [`Method::run`].
pub fn run_local<M: Method>(
    repo: &Repo,
    params: M::Params,
    progress: &dyn Progress,
) -> Result<M::Output, CommandError> {
    if M::SYNC {
        repo.sync(progress)?;
    }
    M::run(repo, params, progress)
}

/// Runs `M` on JSON params and returns its JSON result: what the server does for a request.
fn call<M: Method>(
    repo: &Repo,
    params: serde_json::Value,
) -> Result<serde_json::Value, CommandError> {
    if let Some(id) = params.get("session_id").and_then(serde_json::Value::as_str) {
        crate::mounts::sync(id)?;
    }
    let params: M::Params = serde_json::from_value(params)
        .map_err(|e| CommandError::protocol(format!("bad params for {}: {e}", M::NAME)))?;
    let output = run_local::<M>(repo, params, &atomic_repo::NoProgress)?;
    Ok(serde_json::to_value(output).expect("results serialize"))
}

macro_rules! methods {
    ($($method:ty),* $(,)?) => {
        /// Runs the method named `name` on JSON params (the server's dispatch).
        ///
        /// # Errors
        /// [`CommandError::protocol`] for an unknown method or bad params; the method's
        /// errors.
        pub fn dispatch(
            repo: &Repo,
            name: &str,
            params: serde_json::Value,
        ) -> Result<serde_json::Value, CommandError> {
            match name {
                $(<$method as Method>::NAME => call::<$method>(repo, params),)*
                other => Err(CommandError::unknown_method(other)),
            }
        }

        /// The names of every method, for `server.info` and the protocol page.
        pub const METHOD_NAMES: &[&str] = &[$(<$method as Method>::NAME),*];
    };
}

use crate::commands::{
    branch, context, diff, doctor, git, index, log, merge, op, record, remote, restore, session,
    show, status, switch, symbols, sync, tag, watch,
};

methods![
    status::Status,
    diff::Diff,
    diff::DiffSymbols,
    record::Record,
    log::Log,
    show::Show,
    show::ShowSymbols,
    branch::List,
    branch::Create,
    branch::Delete,
    tag::List,
    tag::Create,
    tag::Delete,
    switch::Switch,
    remote::List,
    remote::Add,
    remote::Remove,
    sync::Fetch,
    sync::Push,
    git::Import,
    git::Export,
    doctor::Doctor,
    op::Log,
    op::Undo,
    op::Restore,
    symbols::Symbols,
    context::ContextQuery,
    index::Index,
    merge::Merge,
    merge::Abort,
    restore::Restore,
    watch::Events,
    session::new::New,
    session::list::List,
    session::list::Prune,
    session::files::Read,
    session::files::Write,
    session::edit::Edit,
    session::edit::Apply,
    session::files::Remove,
    session::files::Move,
    session::files::Ls,
    session::review::Diff,
    session::review::Status,
    session::review::AddComment,
    session::submit::Submit,
    session::submit::Resolve,
    session::submit::Verify,
    session::list::Close,
    session::mount::Mount,
    session::mount::Unmount,
];

/// File contents on the wire: `text` when they are UTF-8, else `base64`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contents {
    /// The contents, when they are valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The contents in base64 (RFC 4648, with padding), when they are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// A file on this machine to read them from, for contents too large for one message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_file: Option<PathBuf>,
}

impl Contents {
    /// Returns contents holding `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => Contents {
                text: Some(text),
                ..Contents::default()
            },
            Err(e) => Contents {
                base64: Some(base64::engine::general_purpose::STANDARD.encode(e.as_bytes())),
                ..Contents::default()
            },
        }
    }

    /// Returns the bytes.
    ///
    /// # Errors
    /// Bad base64, an unreadable `from_file`, or none of the three fields.
    pub fn into_bytes(self) -> Result<Vec<u8>, CommandError> {
        if let Some(text) = self.text {
            return Ok(text.into_bytes());
        }
        if let Some(b64) = self.base64 {
            return base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| CommandError::protocol(format!("contents are not base64: {e}")));
        }
        if let Some(path) = self.from_file {
            return std::fs::read(&path).map_err(|e| {
                CommandError::user(
                    format!("cannot read {}: {e}", path.display()),
                    "check the path and its permissions",
                )
            });
        }
        Err(CommandError::protocol(
            "contents need `text`, `base64` or `from_file`".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_round_trip_text_and_binary() {
        let text = Contents::new(b"fn main() {}\n".to_vec());
        assert_eq!(text.text.as_deref(), Some("fn main() {}\n"));
        assert_eq!(text.into_bytes().unwrap(), b"fn main() {}\n");
        let binary = Contents::new(vec![0, 159, 146, 150]);
        assert!(binary.text.is_none());
        assert_eq!(binary.into_bytes().unwrap(), vec![0, 159, 146, 150]);
        assert!(Contents::default().into_bytes().is_err());
    }

    #[test]
    fn method_names_are_unique() {
        let mut names = METHOD_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), METHOD_NAMES.len());
    }
}
