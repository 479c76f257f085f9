//! The session methods a client calls most (new, read, write, edit, rm, mv, ls): their
//! params and results, and the values the session engine returns for them.

use std::path::PathBuf;

use atomic_core::{ChangeId, FileMode, GitId};
use atomic_semantic::SymbolChange;
use serde::{Deserialize, Serialize};

use crate::{Auth, Contents, Method};

/// How long a session lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    /// Ends with its first submit (its receipt stays, for retries) or when closed.
    Ephemeral,
    /// Survives submits (rebased onto the new head) until closed.
    Persistent,
}

/// A symbol another live session has also changed: the write went through (a soft
/// conflict).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConflictWarning {
    /// The other session.
    pub session_id: String,
    /// Its agent.
    pub agent: String,
    /// The file.
    pub path: String,
    /// The symbol both changed.
    pub symbol: String,
}

/// What a session write returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WriteResult {
    /// The path written.
    pub path: String,
    /// blake3 of the new contents, hex.
    pub content_hash: String,
    /// The file's mode now.
    pub mode: FileMode,
    /// The symbols this write changed against the session's base.
    pub symbols: Vec<SymbolChange>,
    /// Symbols other live sessions changed too.
    pub conflict_warnings: Vec<ConflictWarning>,
}

/// What `session.new` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct NewParams {
    /// The agent's name (a git author name).
    pub agent: String,
    /// What it means to do.
    pub intent: Option<String>,
    /// The branch (the current one when absent).
    pub branch: Option<String>,
    /// Keep the session after submits.
    #[serde(default)]
    pub persistent: bool,
    /// Mount the session at this directory (absolute, or relative to the server's root).
    #[serde(default)]
    pub mount: Option<PathBuf>,
}

/// A new session, with its token (shown once).
#[derive(Debug, Serialize, Deserialize)]
pub struct Created {
    /// The session.
    pub session_id: String,
    /// Its secret token: every call on the session needs it.
    pub token: String,
    /// The agent.
    pub agent: String,
    /// The intent.
    pub intent: Option<String>,
    /// The branch, full name.
    pub branch: String,
    /// The commit its reads fall through to.
    pub base_commit: GitId,
    /// That commit's change.
    pub base_change_id: ChangeId,
    /// Ephemeral or persistent.
    pub mode: SessionMode,
    /// Where it is mounted, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount: Option<PathBuf>,
}

/// `session.new`: a session on a branch; nothing is copied.
pub struct New;

impl Method for New {
    const NAME: &'static str = "session.new";
    type Params = NewParams;
    type Output = Created;
}

/// What `session.read` and `session.rm` take.
#[derive(Debug, Serialize, Deserialize)]
pub struct PathParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The path, relative to the repository root.
    pub path: String,
}

/// A file as `session.read` returns it.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileContents {
    /// The path.
    pub path: String,
    /// Its mode.
    pub mode: FileMode,
    /// Its contents.
    #[serde(flatten)]
    pub contents: Contents,
}

/// `session.read`: a file as the session sees it (overlay, then base).
pub struct Read;

impl Method for Read {
    const NAME: &'static str = "session.read";
    const SYNC: bool = false;
    type Params = PathParams;
    type Output = FileContents;
}

/// What `session.write` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct WriteParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The path, relative to the repository root.
    pub path: String,
    /// The mode (keep an existing regular file's, else a plain file, when absent).
    pub mode: Option<FileMode>,
    /// The contents.
    #[serde(flatten)]
    pub contents: Contents,
}

/// `session.write`: a file into the session's overlay.
pub struct Write;

impl Method for Write {
    const NAME: &'static str = "session.write";
    const SYNC: bool = false;
    type Params = WriteParams;
    type Output = WriteResult;
}

/// What `session.edit` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct EditParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The file, relative to the repository root.
    pub path: String,
    /// The text to replace: exactly once in the file.
    pub old: String,
    /// What replaces it.
    pub new: String,
}

/// `session.edit`: the one occurrence of `old` in the file becomes `new`.
pub struct Edit;

impl Method for Edit {
    const NAME: &'static str = "session.edit";
    const SYNC: bool = false;
    type Params = EditParams;
    type Output = WriteResult;
}

/// What `session.rm` answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Removed {
    /// The path removed.
    pub path: String,
}

/// `session.rm`: a file removed in the session.
pub struct Remove;

impl Method for Remove {
    const NAME: &'static str = "session.rm";
    const SYNC: bool = false;
    type Params = PathParams;
    type Output = Removed;
}

/// What `session.mv` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct MoveParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The current path.
    pub from: String,
    /// The new path.
    pub to: String,
}

/// What `session.mv` answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Moved {
    /// The old path.
    pub from: String,
    /// The new path.
    pub to: String,
}

/// `session.mv`: a file moved in the session.
pub struct Move;

impl Method for Move {
    const NAME: &'static str = "session.mv";
    const SYNC: bool = false;
    type Params = MoveParams;
    type Output = Moved;
}

/// One file of `session.ls`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Listed {
    /// The path.
    pub path: String,
    /// Whether the session changed it.
    pub changed: bool,
}

/// `session.ls`: the session's files.
pub struct Ls;

impl Method for Ls {
    const NAME: &'static str = "session.ls";
    const SYNC: bool = false;
    type Params = Auth;
    type Output = Vec<Listed>;
}
