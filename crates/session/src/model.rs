//! Sessions, their overlay entries, and the receipt of a submit.

use atomic_core::{ChangeId, FileMode, GitId};
use serde::{Deserialize, Serialize};

pub use atomic_api::SessionMode;

/// What a submit landed: kept with the session, so that a retried submit returns it
/// instead of landing anything again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Receipt {
    /// The change.
    pub change_id: ChangeId,
    /// Its git commit.
    pub commit: GitId,
    /// Whether the branch had not moved since the session's base.
    pub fast_forward: bool,
    /// Files both the session and the branch changed, merged by symbols.
    pub merged_files: Vec<String>,
    /// When it landed, seconds since the Unix epoch.
    pub time_seconds: i64,
}

/// A session: who works, on what branch, from which base. Nothing else is stored until
/// the agent writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The session id, `s-` and 16 hex digits.
    pub id: String,
    /// The agent's name.
    pub agent: String,
    /// What the agent intends, for people and other agents.
    pub intent: Option<String>,
    /// The branch it submits to, full name (`refs/heads/main`).
    pub branch: String,
    /// The commit its reads fall through to.
    pub base_commit: GitId,
    /// The change of that commit.
    pub base_change: ChangeId,
    /// Ephemeral or persistent.
    pub mode: SessionMode,
    /// blake3 of the session's secret token, hex.
    pub token_hash: String,
    /// When it was created, seconds since the Unix epoch.
    pub created_seconds: i64,
    /// When it last wrote, submitted or was created, seconds since the Unix epoch.
    pub active_seconds: i64,
    /// When `base_commit` was last set (creation, or a rebase by a submit or resolve),
    /// seconds since the Unix epoch: a mount gives the base's files this time, so build
    /// tools see the files a rebase changed as newer.
    pub based_seconds: i64,
    /// The last submit that landed, if any.
    pub last_submit: Option<Receipt>,
    /// Whether the session has ended (an ephemeral session after its submit): it keeps
    /// only its receipt, and takes no more writes.
    pub ended: bool,
    /// Where the session is mounted as a directory, if it is (absolute path).
    pub mount: Option<String>,
}

impl Session {
    /// Returns the branch's short name (`main` for `refs/heads/main`).
    pub fn branch_name(&self) -> &str {
        self.branch
            .strip_prefix("refs/heads/")
            .unwrap_or(&self.branch)
    }
}

/// One path of a session's overlay.
///
/// Stored with postcard, so the enum is externally tagged (postcard cannot decode
/// internally tagged enums).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverlayEntry {
    /// Written: the contents live in the `blobs` table, by blake3.
    Written {
        /// File mode.
        mode: FileMode,
        /// blake3 of the contents, hex.
        content_hash: String,
        /// The contents' length in bytes.
        size: u64,
        /// When it was written, nanoseconds since the Unix epoch (what a mount reports as
        /// the file's modification time).
        time_ns: i64,
    },
    /// Removed in the session.
    Deleted,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_types_round_trip_through_postcard() {
        for entry in [
            OverlayEntry::Deleted,
            OverlayEntry::Written {
                mode: FileMode::Executable,
                content_hash: "ab".repeat(32),
                size: 3,
                time_ns: 1_700_000_000_000_000_000,
            },
        ] {
            let bytes = postcard::to_stdvec(&entry).expect("encodes");
            assert_eq!(
                postcard::from_bytes::<OverlayEntry>(&bytes).expect("decodes"),
                entry
            );
        }
        let session = Session {
            id: "s-1".into(),
            agent: "a".into(),
            intent: Some("fix".into()),
            branch: "refs/heads/main".into(),
            base_commit: GitId([1; 20]),
            base_change: ChangeId([2; 32]),
            mode: SessionMode::Persistent,
            token_hash: "h".into(),
            created_seconds: 5,
            active_seconds: 6,
            based_seconds: 5,
            last_submit: Some(Receipt {
                change_id: ChangeId([3; 32]),
                commit: GitId([4; 20]),
                fast_forward: false,
                merged_files: vec!["a.rs".into()],
                time_seconds: 7,
            }),
            ended: false,
            mount: Some("/tmp/m".into()),
        };
        let bytes = postcard::to_stdvec(&session).expect("encodes");
        assert_eq!(
            postcard::from_bytes::<Session>(&bytes).expect("decodes"),
            session
        );
        assert_eq!(session.branch_name(), "main");
    }
}
