//! atomic's FUSE file system: a session presented as a directory, so every editor,
//! compiler, test runner and agent host works in it unchanged.
//!
//! ### What the directory is
//! - Tracked files read lazily from git objects through the session's overlay; writes,
//!   creates, truncates, renames, deletes, `chmod +x` and symlinks land in the overlay when
//!   the file is closed (or synced), exactly as `session write/rm/mv` do: same path rules,
//!   same symbol detection and soft-conflict warnings.
//! - Files `.gitignore` ignores (build output, caches) live in a per-session scratch
//!   directory on local disk and never reach the store; they outlive the mount, so a second
//!   build is warm.
//! - The root holds a `.git` file naming the session's linked worktree
//!   (`atomic_repo::Repo::link_session_worktree`), so `git status`, `git diff` and `git log`
//!   work and show the session's changes against its base.
//! - Only the user who mounted can enter it (FUSE's default).
//!
//! The session engine does the work; this crate maps file-system calls onto it
//! (`fuser`, without libfuse: as root it calls `mount(2)`, otherwise `fusermount3`).

mod fs;
mod ignored;
mod stale;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use atomic_repo::{MountStat, Repo, Session};

pub use stale::{is_mounted, unmount_stale};

/// Errors of mounting.
#[derive(Debug, thiserror::Error)]
pub enum MountError {
    /// FUSE is not available here.
    #[error("FUSE is not available: {reason}")]
    NoFuse {
        /// What is missing.
        reason: String,
    },
    /// The mount directory exists and is not empty.
    #[error("{dir} is not an empty directory")]
    NotEmpty {
        /// The directory.
        dir: PathBuf,
    },
    /// The mount itself failed.
    #[error("mounting at {dir} failed: {source}")]
    Mount {
        /// The directory.
        dir: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// The repository failed.
    #[error(transparent)]
    Repo(#[from] atomic_repo::RepoError),
}

/// A session mounted at a directory; dropping it unmounts.
pub struct Mounted {
    background: Option<fuser::BackgroundSession>,
    dir: PathBuf,
}

impl Mounted {
    /// Returns the mount's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Unmounts, after the requests in progress; open files' unsaved writes are committed
    /// to the session by their release.
    ///
    /// # Errors
    /// The system's unmount error.
    pub fn unmount(mut self) -> std::io::Result<()> {
        match self.background.take() {
            Some(b) => b.umount_and_join(),
            None => Ok(()),
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(b) = self.background.take() {
            let _ = b.umount_and_join();
        }
    }
}

/// What the mount of `session` reports for the files the session has not written: this
/// process's owner, and a time two seconds before the session's creation (so git's index,
/// written after it, never takes them for racily clean).
pub fn mount_stat(session: &Session) -> MountStat {
    MountStat {
        uid: rustix::process::getuid().as_raw(),
        gid: rustix::process::getgid().as_raw(),
        time_seconds: session.created_seconds - 2,
    }
}

/// Checks that this machine can mount: `/dev/fuse` exists and opens.
///
/// # Errors
/// [`MountError::NoFuse`] saying what is missing.
pub fn check_fuse() -> Result<(), MountError> {
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/fuse")
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(MountError::NoFuse {
            reason:
                "/dev/fuse does not exist (load the fuse module, or give the container the device)"
                    .into(),
        }),
        Err(e) => Err(MountError::NoFuse {
            reason: format!(
                "/dev/fuse cannot be opened: {e} (mounting needs root, or fusermount3 from the fuse3 package)"
            ),
        }),
    }
}

/// Mounts `session` (whose token is `token`) of `repo` at `dir` (created if missing; it
/// must be empty), with ignored files kept under `scratch`. Returns once the directory is
/// usable; the session's git worktree is written in the background, and `.git` in the
/// mount appears when it is ready.
///
/// # Errors
/// [`MountError::NoFuse`], [`MountError::NotEmpty`], [`MountError::Mount`].
pub fn mount(
    repo: Repo,
    session: &Session,
    token: &str,
    dir: &Path,
    scratch: &Path,
) -> Result<Mounted, MountError> {
    check_fuse()?;
    let dir = std::path::absolute(dir).map_err(|source| MountError::Mount {
        dir: dir.to_owned(),
        source,
    })?;
    unmount_stale(&dir);
    std::fs::create_dir_all(&dir).map_err(|source| MountError::Mount {
        dir: dir.clone(),
        source,
    })?;
    if std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(MountError::NotEmpty { dir });
    }
    std::fs::create_dir_all(scratch).map_err(|source| MountError::Mount {
        dir: scratch.to_owned(),
        source,
    })?;
    let stat = mount_stat(session);
    let ready = Arc::new(fs::Ready::default());
    let gitdir = repo.session_worktree_dir(&session.id);
    let filesystem = fs::SessionFs::new(
        repo.clone(),
        session.id.clone(),
        token.to_owned(),
        scratch.to_owned(),
        stat,
        format!("gitdir: {}\n", gitdir.display()),
        Arc::clone(&ready),
    );
    let mut config = fuser::Config::default();
    config.mount_options = vec![
        fuser::MountOption::FSName(format!("atomic-{}", session.id)),
        fuser::MountOption::Subtype("atomic".into()),
        fuser::MountOption::RW,
        fuser::MountOption::NoAtime,
        fuser::MountOption::NoDev,
        fuser::MountOption::NoSuid,
        fuser::MountOption::DefaultPermissions,
    ];
    config.n_threads = Some(4);
    let background =
        fuser::spawn_mount2(filesystem, &dir, &config).map_err(|source| MountError::Mount {
            dir: dir.clone(),
            source,
        })?;
    let (session, token, mount_dir) = (session.clone(), token.to_owned(), dir.clone());
    std::thread::spawn(move || {
        let linked = repo.link_session_worktree(&session, &token, &mount_dir, stat);
        ready.set(linked.is_ok());
    });
    Ok(Mounted {
        background: Some(background),
        dir,
    })
}
