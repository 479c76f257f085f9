//! atomic's FUSE file system: a session presented as a directory, so every editor,
//! compiler, test runner and agent host works in it unchanged.
//!
//! ### What the directory is
//! - Tracked files read lazily from git objects through the session's overlay; writes,
//!   creates, truncates, renames, deletes, `chmod +x` and symlinks land in the overlay
//!   exactly as `session write/rm/mv` do: same path rules, same symbol detection and
//!   soft-conflict warnings. Written contents go to the session within `IDLE` of the last
//!   write, on `fsync`, and before any request of the session's API (module `buffers`).
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

mod buffers;
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

/// Repository handles shared by every mount of a process: a handle holds git's caches, so
/// mounts borrow one per request instead of each keeping its own per thread.
pub struct RepoPool {
    template: std::sync::Mutex<Repo>,
    idle: std::sync::Mutex<Vec<Repo>>,
}

impl RepoPool {
    /// A pool of handles cloned from `repo`.
    pub fn new(repo: Repo) -> Self {
        RepoPool {
            template: std::sync::Mutex::new(repo),
            idle: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` with a handle no other thread uses meanwhile.
    pub fn with<T>(&self, f: impl FnOnce(&Repo) -> T) -> T {
        use std::sync::PoisonError;
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let repo = taken.unwrap_or_else(|| {
            self.template
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        });
        let out = f(&repo);
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(repo);
        out
    }
}

/// A session mounted at a directory; dropping it unmounts.
pub struct Mounted {
    background: Option<fuser::BackgroundSession>,
    /// The thread writing the session's git worktree; joined before unmounting, so an
    /// unmount (which removes the worktree) never races it.
    linking: Option<std::thread::JoinHandle<()>>,
    notifier: fuser::Notifier,
    inodes: Arc<fs::Inodes>,
    buffers: Arc<buffers::Buffers>,
    /// The thread that writes idle buffers to the session; joined after unmounting.
    committer: Option<std::thread::JoinHandle<()>>,
    dir: PathBuf,
}

impl Mounted {
    /// Tells the kernel to forget what it cached of the mount (names, attributes, pages),
    /// after the session changed from outside it: a write through the CLI or the API, or a
    /// submit that moved its base. Without this, a reader could see stale contents and an
    /// editor save them back over the new ones.
    pub fn invalidate(&self, session: &Session) {
        self.buffers.drop_clean();
        self.inodes.base_time.store(
            mount_stat(session).time_seconds,
            std::sync::atomic::Ordering::Relaxed,
        );
        for (ino, parent, name) in self.inodes.known() {
            let _ = self.notifier.inval_inode(fuser::INodeNo(ino), 0, 0);
            let _ = self
                .notifier
                .inval_entry(fuser::INodeNo(parent), std::ffi::OsStr::new(&name));
        }
        for (parent, name) in self.inodes.take_negatives() {
            let _ = self
                .notifier
                .inval_entry(fuser::INodeNo(parent), std::ffi::OsStr::new(&name));
        }
    }

    /// Writes what was written through the mount and is not in the session yet (see
    /// `buffers`): before the session is read, diffed, verified or submitted.
    ///
    /// # Errors
    /// The session's refusal of a file, as an errno.
    pub fn sync(&self) -> Result<(), std::io::Error> {
        self.buffers
            .commit_all()
            .map_err(|e| std::io::Error::from_raw_os_error(e.code()))
    }

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
        if let Some(linking) = self.linking.take() {
            let _ = linking.join();
        }
        let unmounted = match self.background.take() {
            Some(b) => b.umount_and_join(),
            None => Ok(()),
        };
        self.stop_committer();
        unmounted
    }

    /// Commits what is left and ends the committer.
    fn stop_committer(&mut self) {
        self.buffers.stop();
        if let Some(committer) = self.committer.take() {
            let _ = committer.join();
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(linking) = self.linking.take() {
            let _ = linking.join();
        }
        if let Some(b) = self.background.take() {
            let _ = b.umount_and_join();
        }
        self.stop_committer();
    }
}

/// What the mount of `session` reports for the files the session has not written: this
/// process's owner, and a time two seconds before the session's base was set (so git's
/// index, written after it, never takes them for racily clean; a rebase makes it later, so
/// build tools rebuild what it changed).
pub fn mount_stat(session: &Session) -> MountStat {
    MountStat {
        uid: rustix::process::getuid().as_raw(),
        gid: rustix::process::getgid().as_raw(),
        time_seconds: session.based_seconds - 2,
    }
}

/// Where the mount whose scratch directory is `scratch` journals unsaved writes: beside it,
/// `<scratch>.journal` (not inside, where the mount would show it).
fn journal_dir(scratch: &Path) -> PathBuf {
    let mut name = scratch.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
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

/// Mounts `session` (whose token is `token`) of the repository `repos` serves at `dir` (created if missing; it
/// must be empty), with ignored files kept under `scratch`. Returns once the directory is
/// usable; the session's git worktree is written in the background, and `.git` in the
/// mount appears when it is ready.
///
/// # Errors
/// [`MountError::NoFuse`], [`MountError::NotEmpty`], [`MountError::Mount`].
pub fn mount(
    repos: &Arc<RepoPool>,
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
    let inodes = Arc::new(fs::Inodes::default());
    inodes
        .base_time
        .store(stat.time_seconds, std::sync::atomic::Ordering::Relaxed);
    let gitdir = repos.with(|r| r.session_worktree_dir(&session.id));
    // Writes a killed server held in memory are in its journal: into the session first.
    let journal = journal_dir(scratch);
    buffers::replay_journal(repos, &session.id, token, &journal);
    let buffers = buffers::Buffers::new(
        Arc::clone(repos),
        session.id.clone(),
        token.to_owned(),
        journal,
    );
    let filesystem = fs::SessionFs::new(
        Arc::clone(repos),
        session.id.clone(),
        token.to_owned(),
        scratch.to_owned(),
        stat,
        format!("gitdir: {}\n", gitdir.display()),
        Arc::clone(&ready),
        Arc::clone(&inodes),
        Arc::clone(&buffers),
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
    // The record (with the token) is on disk before the mount answers: the next server
    // mounts the session again from it, whenever this one is killed.
    repos.with(|r| r.record_session_worktree(session, token, &dir))?;
    let background =
        fuser::spawn_mount2(filesystem, &dir, &config).map_err(|source| MountError::Mount {
            dir: dir.clone(),
            source,
        })?;
    let (session, mount_dir) = (session.clone(), dir.clone());
    let repos = Arc::clone(repos);
    let linking = std::thread::spawn(move || {
        let linked = repos.with(|r| r.index_session_worktree(&session, stat));
        if let Err(e) = &linked {
            eprintln!(
                "atomic: the mount of session {} at {} has no .git: {e}",
                session.id,
                mount_dir.display()
            );
        }
        ready.set(linked.is_ok());
    });
    Ok(Mounted {
        notifier: background.notifier(),
        background: Some(background),
        linking: Some(linking),
        inodes,
        committer: Some(buffers.start_committer()),
        buffers,
        dir,
    })
}
