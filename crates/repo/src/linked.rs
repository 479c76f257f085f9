//! A mounted session as a git linked worktree: `git status`, `git diff` and `git log` work
//! in the mount and show the session's changes against its base.
//!
//! ### Layout (git's, see `git help worktree`)
//! The mount's root serves a `.git` file, `gitdir: <repo>/.git/worktrees/<session id>`.
//! That directory holds `HEAD` (the session's base commit, detached), `commondir`
//! (`../..`), `gitdir` (the mount's `.git` path), `locked` (so `git worktree prune` leaves
//! it while unmounted), `index`, and `atomic-session` (the session's id and token, mode
//! 0600, which `atomic session ...` run inside the mount reads to find its session).
//!
//! ### The index
//! git decides a file is unchanged without reading it when the index's stat data matches
//! what `stat` says. The index here is the base tree with exactly the stat data the mount
//! reports for a file it has not written: the inode from [`mount_ino`], the time of
//! [`MountStat::time_seconds`], the owner, the blob's size. Only files the session wrote
//! (whose time and size differ) are read by `git status`.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use atomic_api::{MountedSession, SESSION_FILE};
use atomic_core::FileMode;
use atomic_gitbridge as bridge;
use atomic_session::Session;

use crate::{Repo, RepoError, Result};

/// What a mount reports for the files it has not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MountStat {
    /// The owner.
    pub uid: u32,
    /// The owner's group.
    pub gid: u32,
    /// Modification and change time, seconds since the Unix epoch.
    pub time_seconds: i64,
}

/// Returns the inode number a mount gives `path` (`/`-separated, relative; `""` is the
/// root, 1): stable across mounts, so git's index stays valid.
pub fn mount_ino(path: &str) -> u64 {
    if path.is_empty() {
        return 1;
    }
    let hash = blake3::hash(path.as_bytes());
    let bytes: [u8; 8] = hash.as_bytes()[..8].try_into().expect("8 bytes");
    // Never 0 or 1 (the root).
    u64::from_le_bytes(bytes) | 2
}

/// Finds the session mounted at `mount` from the records in the repository at `root`
/// (`.git/worktrees/*/gitdir`), for when the mount itself does not answer.
pub fn find_mounted_session(root: &Path, mount: &Path) -> Option<MountedSession> {
    let want = std::path::absolute(mount).ok()?.join(".git");
    let worktrees = root.join(".git").join("worktrees");
    for entry in std::fs::read_dir(worktrees).ok()?.flatten() {
        let dir = entry.path();
        let Ok(gitdir) = std::fs::read_to_string(dir.join("gitdir")) else {
            continue;
        };
        if Path::new(gitdir.trim_end()) != want {
            continue;
        }
        let record = std::fs::read_to_string(dir.join(SESSION_FILE)).ok()?;
        let mut lines = record.lines();
        return Some(MountedSession {
            root: root.to_owned(),
            session_id: lines.next()?.to_owned(),
            token: lines.next()?.to_owned(),
            mount: mount.to_owned(),
        });
    }
    None
}

impl Repo {
    /// The worktree directory of session `id` in `.git/worktrees/`.
    pub fn session_worktree_dir(&self, id: &str) -> PathBuf {
        self.git.common_dir().join("worktrees").join(id)
    }

    /// Writes (or rewrites, after the session's base moved) the linked worktree of
    /// `session`, mounted at `mount`, whose files not written by the session are reported
    /// as `stat` says (see the module documentation).
    ///
    /// # Errors
    /// git and I/O errors.
    pub fn link_session_worktree(
        &self,
        session: &Session,
        token: &str,
        mount: &Path,
        stat: MountStat,
    ) -> Result<()> {
        self.record_session_worktree(session, token, mount)?;
        self.index_session_worktree(session, stat)
    }

    /// Writes the index of `session`'s linked worktree (recorded first with
    /// [`Repo::record_session_worktree`]): its base tree, with `stat`'s data.
    ///
    /// # Errors
    /// git and I/O errors.
    pub fn index_session_worktree(&self, session: &Session, stat: MountStat) -> Result<()> {
        let path = self.session_worktree_dir(&session.id).join("index");
        self.write_session_index(session, &path, stat)
    }

    /// Writes the small files of `session`'s linked worktree, mounted at `mount`: its
    /// `HEAD`, `commondir`, `gitdir`, `locked` and the session record with its token
    /// ([`SESSION_FILE`], mode 0600), but not its index. A mount records these before it
    /// answers, so that a server killed at any moment after can mount it again.
    ///
    /// # Errors
    /// I/O errors.
    pub fn record_session_worktree(
        &self,
        session: &Session,
        token: &str,
        mount: &Path,
    ) -> Result<()> {
        let dir = self.session_worktree_dir(&session.id);
        std::fs::create_dir_all(&dir).map_err(RepoError::io("creating", &dir))?;
        let write = |name: &str, text: &str| -> Result<()> {
            let path = dir.join(name);
            replace_file(&path, 0o644, |f| f.write_all(text.as_bytes()))
        };
        write("HEAD", &format!("{}\n", session.base_commit))?;
        write("commondir", "../..\n")?;
        write("gitdir", &format!("{}\n", mount.join(".git").display()))?;
        write("locked", &format!("atomic session {}\n", session.id))?;
        let secret = dir.join(SESSION_FILE);
        replace_file(&secret, 0o600, |f| write!(f, "{}\n{token}\n", session.id))
    }

    /// Writes the index of a session's worktree: its base tree, with the mount's stat data.
    fn write_session_index(&self, session: &Session, path: &Path, stat: MountStat) -> Result<()> {
        let tree = bridge::commit_tree(&self.git, session.base_commit)?;
        let mut index = self
            .git
            .index_from_tree(&bridge::object_id(tree))
            .map_err(RepoError::git("building a session's index"))?;
        let time = gix::index::entry::stat::Time {
            secs: u32::try_from(stat.time_seconds).unwrap_or(0),
            nsecs: 0,
        };
        for (entry, entry_path) in index.entries_mut_with_paths() {
            let Ok(p) = std::str::from_utf8(entry_path) else {
                continue;
            };
            let size = if entry.mode == gix::index::entry::Mode::COMMIT {
                0
            } else {
                self.shared
                    .objects
                    .blob_size(&self.git, bridge::git_id(&entry.id))?
            };
            entry.stat = gix::index::entry::Stat {
                mtime: time,
                ctime: time,
                dev: 0,
                ino: mount_ino(p) as u32,
                uid: stat.uid,
                gid: stat.gid,
                size: u32::try_from(size).unwrap_or(0x8000_0000),
            };
        }
        index.remove_tree();
        let bytes = bridge::index_bytes(&index)?;
        replace_file(path, 0o644, |f| f.write_all(&bytes))
    }

    /// Removes session `id`'s linked worktree.
    ///
    /// # Errors
    /// I/O errors other than its absence.
    pub fn unlink_session_worktree(&self, id: &str) -> Result<()> {
        let dir = self.session_worktree_dir(id);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(RepoError::io("removing", dir)(e)),
        }
    }
}

/// The mode a mount reports for a file of `mode` (permission and type bits).
pub fn mount_perm(mode: FileMode) -> u16 {
    match mode {
        FileMode::Executable => 0o755,
        FileMode::Symlink => 0o777,
        FileMode::Submodule => 0o755,
        FileMode::Blob => 0o644,
    }
}

/// Replaces `path` with what `fill` writes, through a temporary file in its directory
/// renamed into place (not git's `.lock` files: a server killed while writing leaves
/// neither a half-written file nor a lock that would refuse the next write).
///
/// # Errors
/// I/O errors, and those of `fill`.
fn replace_file(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path.parent().unwrap_or(path);
    let mut temp = tempfile::Builder::new()
        .prefix(".atomic-")
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(RepoError::io("creating a temporary file in", dir))?;
    let mut out = std::io::BufWriter::new(temp.as_file_mut());
    fill(&mut out)
        .and_then(|()| out.flush())
        .map_err(RepoError::io("writing", path))?;
    drop(out);
    temp.persist(path)
        .map_err(|e| RepoError::io("writing", path)(e.error))?;
    Ok(())
}
