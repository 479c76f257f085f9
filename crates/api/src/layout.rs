//! Where a repository keeps atomic's things: the `.atomic` directory at its root, and the
//! record in a mounted session's git worktree directory that names its session.

use std::path::{Path, PathBuf};

/// The directory under the root that holds atomic's data.
pub const ATOMIC_DIR: &str = ".atomic";

/// Finds the repository containing `start`: the nearest directory at or above it that
/// holds [`ATOMIC_DIR`]. `None` outside any repository.
pub fn discover_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(ATOMIC_DIR).is_dir())
        .map(Path::to_owned)
}

/// The name of the file in a session's worktree directory that holds its id and token.
pub const SESSION_FILE: &str = "atomic-session";

/// The session a directory belongs to, found from a mount's `.git` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountedSession {
    /// The repository's root.
    pub root: PathBuf,
    /// The session.
    pub session_id: String,
    /// Its token.
    pub token: String,
    /// The mount's root.
    pub mount: PathBuf,
}

/// Finds the mounted session containing `start`: the nearest `.git` file at or above it
/// that names a session's worktree directory. `None` outside a mount.
pub fn discover_session(start: &Path) -> Option<MountedSession> {
    let start = std::path::absolute(start).ok()?;
    for dir in start.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
            continue;
        };
        if !meta.is_file() {
            return None;
        }
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let gitdir = PathBuf::from(text.strip_prefix("gitdir: ")?.trim());
        let record = std::fs::read_to_string(gitdir.join(SESSION_FILE)).ok()?;
        let mut lines = record.lines();
        let (session_id, token) = (lines.next()?.to_owned(), lines.next()?.to_owned());
        // <root>/.git/worktrees/<id>
        let root = gitdir.parent()?.parent()?.parent()?.to_owned();
        return Some(MountedSession {
            root,
            session_id,
            token,
            mount: dir.to_owned(),
        });
    }
    None
}
