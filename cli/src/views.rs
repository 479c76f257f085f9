//! The values commands print: one shape for human text and JSON alike.

use atomic_core::{Change, FileChange, FileKind, FileState, Origin, Signature};

use serde::{Deserialize, Serialize};

/// A change as printed by `log`, `show` and `record`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangeView {
    pub change_id: String,
    pub commit: String,
    pub parents: Vec<String>,
    pub author: Signature,
    pub committer: Signature,
    pub message: String,
    pub origin: OriginView,
    pub files: Vec<FileView>,
}

/// Where a change came from: `kind` is `imported`, `recorded` or `session`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OriginView {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

impl OriginView {
    pub fn new(origin: &Origin) -> Self {
        match origin {
            Origin::Imported => OriginView {
                kind: "imported".into(),
                session_id: None,
                agent: None,
            },
            Origin::Recorded => OriginView {
                kind: "recorded".into(),
                session_id: None,
                agent: None,
            },
            Origin::Session { session, agent } => OriginView {
                kind: "session".into(),
                session_id: Some(session.clone()),
                agent: Some(agent.clone()),
            },
        }
    }
}

/// One file of a change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileView {
    pub path: String,
    /// `added`, `modified`, `deleted`, `renamed` or `mode`.
    pub kind: String,
    /// The old path of a renamed file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Mode and blob in the first parent.
    pub old: Option<FileState>,
    /// Mode and blob after the change.
    pub new: Option<FileState>,
    pub binary: bool,
    pub added_lines: u64,
    pub removed_lines: u64,
    pub hunks: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl FileView {
    pub fn new(fc: &FileChange, diff: Option<String>) -> Self {
        let (added_lines, removed_lines) = fc.line_counts();
        FileView {
            path: fc.path.clone(),
            kind: fc.kind.name().to_owned(),
            from: match &fc.kind {
                FileKind::Renamed { from } => Some(from.clone()),
                _ => None,
            },
            old: fc.old,
            new: fc.new,
            binary: fc.binary,
            added_lines,
            removed_lines,
            hunks: fc.hunks.len(),
            diff,
        }
    }
}

impl ChangeView {
    pub fn new(change: &Change, files: Vec<FileView>) -> Self {
        ChangeView {
            change_id: change.id.to_hex(),
            commit: change.git_commit.to_hex(),
            parents: change.parents.iter().map(|p| p.to_hex()).collect(),
            author: change.author.clone(),
            committer: change.committer.clone(),
            message: change.message.clone(),
            origin: OriginView::new(&change.origin),
            files,
        }
    }

    pub fn summary(change: &Change) -> Self {
        Self::new(
            change,
            change
                .files
                .iter()
                .map(|f| FileView::new(f, None))
                .collect(),
        )
    }
}

/// Formats a signature's time as git's default date format (`Tue Nov 14 23:13:20 2023
/// +0100`), in the signature's own offset.
pub fn format_time(sig: &Signature) -> String {
    atomic_gitbridge::signature_to_git(sig)
        .time
        .format_or_unix(atomic_gitbridge::DEFAULT_DATE_FORMAT)
}

/// Returns the short form of a hex id: its first 12 digits, as `ChangeId::short` and
/// `GitId::short` print them.
pub fn short(hex: &str) -> &str {
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_is_shown_in_its_offset() {
        let sig = Signature {
            name: String::new(),
            email: String::new(),
            time_seconds: 1_700_000_000,
            offset_seconds: 3600,
        };
        assert_eq!(format_time(&sig), "Tue Nov 14 23:13:20 2023 +0100");
        let sig = Signature {
            offset_seconds: -18_000,
            ..sig
        };
        assert_eq!(format_time(&sig), "Tue Nov 14 17:13:20 2023 -0500");
    }
}
