//! The change model: [`Change`], [`FileChange`] and their parts.

use serde::{Deserialize, Serialize};

use crate::{ChangeId, GitId, Hunk};

/// Where a change came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Imported from a git commit made outside atomic.
    Imported,
    /// Recorded from the working tree with `atomic record`.
    Recorded,
    /// Submitted from an agent session.
    Session {
        /// The session id.
        session: String,
        /// The agent that owned the session.
        agent: String,
    },
}

/// A git signature: who and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The name, as written in the commit.
    pub name: String,
    /// The email, as written in the commit.
    pub email: String,
    /// Seconds since the Unix epoch.
    pub time_seconds: i64,
    /// Offset from UTC in seconds (east positive).
    pub offset_seconds: i32,
}

/// A file's mode in a git tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileMode {
    /// A regular file (100644).
    Blob,
    /// An executable file (100755).
    Executable,
    /// A symbolic link (120000); the blob holds the target.
    Symlink,
    /// A submodule (160000); the id is a commit in another repository.
    Submodule,
}

impl FileMode {
    /// Returns git's octal mode, e.g. `0o100644`.
    pub fn git_mode(self) -> u32 {
        match self {
            FileMode::Blob => 0o100644,
            FileMode::Executable => 0o100755,
            FileMode::Symlink => 0o120000,
            FileMode::Submodule => 0o160000,
        }
    }
}

/// One side of a file change: the mode and the git blob id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileState {
    /// The mode in the tree.
    pub mode: FileMode,
    /// The git blob id (a commit id for a submodule).
    pub blob: GitId,
}

/// What happened to a path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// The path is new.
    Added,
    /// The contents changed, and perhaps the mode.
    Modified,
    /// The path is gone.
    Deleted,
    /// The file moved from `from`, perhaps with edits.
    Renamed {
        /// The path in the first parent.
        from: String,
    },
    /// Only the mode changed (for example the executable bit).
    Mode,
}

/// The changes to one path in a [`Change`], against the change's first parent.
///
/// `old` is `None` for an added file, `new` is `None` for a deleted one. `hunks` are line
/// hunks taking the old blob to the new one; a binary file (or a submodule) has no hunks
/// and `binary` set: it is one whole-blob replacement by `new.blob`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    /// The path after the change, `/`-separated, relative to the repository root.
    pub path: String,
    /// What happened to the path.
    pub kind: FileKind,
    /// Mode and blob in the first parent.
    pub old: Option<FileState>,
    /// Mode and blob after the change.
    pub new: Option<FileState>,
    /// Whether the contents are replaced whole rather than by hunks.
    pub binary: bool,
    /// Line hunks from the old contents to the new, in order.
    pub hunks: Vec<Hunk>,
}

impl FileKind {
    /// Returns the kind's name: `added`, `modified`, `deleted`, `renamed` or `mode`.
    pub fn name(&self) -> &'static str {
        match self {
            FileKind::Added => "added",
            FileKind::Modified => "modified",
            FileKind::Deleted => "deleted",
            FileKind::Renamed { .. } => "renamed",
            FileKind::Mode => "mode",
        }
    }
}

impl FileChange {
    /// Returns the number of added and removed lines.
    pub fn line_counts(&self) -> (u64, u64) {
        self.hunks.iter().fold((0, 0), |(a, r), h| {
            (a + u64::from(h.new_lines), r + u64::from(h.old_lines))
        })
    }
}

/// A first-class record of hunks bound to exactly one git commit.
///
/// Invariant (checked by `atomic doctor`): applying `files` to the tree of the first
/// parent's commit gives exactly the tree of `git_commit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// blake3 over the canonical encoding of every other field.
    pub id: ChangeId,
    /// Parent changes, in the commit's parent order.
    pub parents: Vec<ChangeId>,
    /// The git commit this change is bound to.
    pub git_commit: GitId,
    /// Who wrote it.
    pub author: Signature,
    /// Who committed it.
    pub committer: Signature,
    /// The commit message (lossy UTF-8; the exact bytes live in the git commit).
    pub message: String,
    /// Where it came from.
    pub origin: Origin,
    /// File changes against the first parent, sorted by path.
    pub files: Vec<FileChange>,
}

#[derive(Serialize)]
struct Canonical<'a> {
    parents: &'a [ChangeId],
    git_commit: &'a GitId,
    author: &'a Signature,
    committer: &'a Signature,
    message: &'a str,
    origin: &'a Origin,
    files: &'a [FileChange],
}

impl Change {
    /// Builds a change and computes its id from the other fields.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        parents: Vec<ChangeId>,
        git_commit: GitId,
        author: Signature,
        committer: Signature,
        message: String,
        origin: Origin,
        files: Vec<FileChange>,
    ) -> Self {
        let mut change = Change {
            id: ChangeId([0; 32]),
            parents,
            git_commit,
            author,
            committer,
            message,
            origin,
            files,
        };
        change.id = change.compute_id();
        change
    }

    /// Returns the id this change's contents hash to: blake3 over the postcard encoding of
    /// parents, commit, signatures, message, origin and files, in that order.
    pub fn compute_id(&self) -> ChangeId {
        let canonical = Canonical {
            parents: &self.parents,
            git_commit: &self.git_commit,
            author: &self.author,
            committer: &self.committer,
            message: &self.message,
            origin: &self.origin,
            files: &self.files,
        };
        let bytes = postcard::to_stdvec(&canonical).expect("encoding to a Vec cannot fail");
        ChangeId::hash(&bytes)
    }

    /// Returns the message's subject, as git's `%s`: see [`subject`].
    pub fn summary(&self) -> String {
        subject(&self.message)
    }
}

/// The subject of a commit message as git's `%s` and `--oneline` show it: its first
/// paragraph (after any blank lines), each line without trailing whitespace, joined by
/// single spaces.
pub fn subject(message: &str) -> String {
    message
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig() -> Signature {
        Signature {
            name: "A".into(),
            email: "a@example.com".into(),
            time_seconds: 1,
            offset_seconds: 0,
        }
    }

    #[test]
    fn id_depends_on_every_field() {
        let base = Change::new(
            vec![],
            GitId([1; 20]),
            sig(),
            sig(),
            "m".into(),
            Origin::Imported,
            vec![],
        );
        assert_eq!(base.id, base.compute_id());
        let mut other = base.clone();
        other.message = "n".into();
        assert_ne!(other.compute_id(), base.id);
        let mut other = base.clone();
        other.origin = Origin::Recorded;
        assert_ne!(other.compute_id(), base.id);
        let mut other = base.clone();
        other.parents.push(base.id);
        assert_ne!(other.compute_id(), base.id);
    }
}
