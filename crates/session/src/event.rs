//! Symbol events of merged changes, for `watch`.

use serde::{Deserialize, Serialize};

/// One symbol of one merged change: what happened to it, where, and who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the event log, from 1; a watcher resumes after the last one it saw.
    pub seq: u64,
    /// The change, hex.
    pub change: String,
    /// Its git commit, hex.
    pub commit: String,
    /// The session that submitted it, if any.
    pub session: Option<String>,
    /// The agent of that session, if any.
    pub agent: Option<String>,
    /// The file.
    pub file: String,
    /// The symbol's scoped name.
    pub symbol: String,
    /// `added`, `modified`, `deleted` or `renamed`.
    pub kind: String,
    /// When the change was committed, seconds since the Unix epoch.
    pub time_seconds: i64,
}
