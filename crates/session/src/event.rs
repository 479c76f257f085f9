//! Symbol events of merged changes, for `watch`.

use serde::{Deserialize, Serialize};

/// What happened to a symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// New.
    Added,
    /// Its text changed.
    Modified,
    /// Gone.
    Deleted,
    /// Same text under a new name.
    Renamed,
}

impl From<&atomic_semantic::ChangeKind> for EventKind {
    fn from(kind: &atomic_semantic::ChangeKind) -> Self {
        use atomic_semantic::ChangeKind as K;
        match kind {
            K::Added => EventKind::Added,
            K::Modified { .. } => EventKind::Modified,
            K::Deleted => EventKind::Deleted,
            K::Renamed { .. } => EventKind::Renamed,
        }
    }
}

/// One symbol of one merged change: what happened to it, where, and who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Event {
    /// Position in the event log, from 1; a watcher resumes after the last one it saw.
    pub seq: u64,
    /// The change, hex.
    pub change_id: String,
    /// Its git commit, hex.
    pub commit: String,
    /// The session that submitted it, if any.
    pub session_id: Option<String>,
    /// The agent of that session, if any.
    pub agent: Option<String>,
    /// The file.
    pub path: String,
    /// The symbol's scoped name.
    pub symbol: String,
    /// What happened.
    pub kind: EventKind,
    /// When the change was committed, seconds since the Unix epoch.
    pub time_seconds: i64,
}
