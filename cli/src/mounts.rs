//! The mounts `atomic serve` holds: one per mounted session. Only a server mounts (a mount
//! lives as long as the process that serves it); a command run without one is told so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use atomic_repo::{ATOMIC_DIR, Repo, Session, SessionMode};

use crate::error::CommandError;

/// The mounted sessions, by id.
#[derive(Default)]
pub struct Mounts {
    map: Mutex<HashMap<String, atomic_mount::Mounted>>,
    repos: OnceLock<Arc<atomic_mount::RepoPool>>,
}

static MOUNTS: OnceLock<Mounts> = OnceLock::new();

/// Turns this process into one that can hold mounts (`atomic serve` does, at start).
pub fn install() -> &'static Mounts {
    MOUNTS.get_or_init(Mounts::default)
}

/// The registry, in a server; `None` elsewhere.
pub fn registry() -> Option<&'static Mounts> {
    MOUNTS.get()
}

/// The registry, or the error a command without a server gets.
///
/// # Errors
/// Kind `needs_server`.
pub fn required() -> Result<&'static Mounts, CommandError> {
    registry().ok_or_else(|| {
        CommandError::new(
            "needs_server",
            "mounting a session needs `atomic serve`",
            "session commands start it themselves; unset ATOMIC_NO_SERVER, or run `atomic serve &`",
        )
    })
}

/// After session `id` changed outside its mount (a write, removal or move through the
/// API): the kernel forgets what it cached of the mount, if there is one.
pub fn changed(repo: &Repo, id: &str, token: &str) {
    if let Some(mounts) = registry()
        && let Ok(session) = repo.session_auth(id, token)
    {
        mounts.invalidate(&session);
    }
}

/// Before a request naming session `id`: what was written through its mount and is still
/// in memory goes to the session, so the request sees it.
///
/// # Errors
/// Kind `mount_save` when the session refuses a file written in the mount.
pub fn sync(id: &str) -> Result<(), CommandError> {
    let Some(mounts) = registry() else {
        return Ok(());
    };
    let map = mounts.map.lock().unwrap_or_else(PoisonError::into_inner);
    match map.get(id) {
        Some(m) => m.sync().map_err(|e| {
            CommandError::new(
                "mount_save",
                format!("a file written in the mount of session {id} could not be saved: {e}"),
                "see .atomic/serve.log for the file; fix or remove it in the mount",
            )
        }),
        None => Ok(()),
    }
}

fn mount_error(e: atomic_mount::MountError) -> CommandError {
    let kind = match &e {
        atomic_mount::MountError::NoFuse { .. } => "no_fuse",
        atomic_mount::MountError::NotEmpty { .. } => "mount_not_empty",
        _ => "mount",
    };
    let hint = match &e {
        atomic_mount::MountError::NoFuse { .. } => {
            "install the fuse3 package (apt-get install fuse3), and make /dev/fuse available"
        }
        atomic_mount::MountError::NotEmpty { .. } => "name a new or empty directory",
        _ => "see the message; `atomic doctor` lists sessions' mounts",
    };
    CommandError::new(kind, e.to_string(), hint)
}

/// Where a session's ignored files live: `.atomic/scratch/<session id>`.
pub fn scratch_dir(root: &Path, id: &str) -> PathBuf {
    root.join(ATOMIC_DIR).join("scratch").join(id)
}

impl Mounts {
    /// Mounts `session` at `dir` and records it with the session; returns the absolute
    /// directory.
    ///
    /// # Errors
    /// No FUSE, a directory that is not empty, the mount's own failure.
    pub fn mount(
        &self,
        repo: &Repo,
        session: &Session,
        token: &str,
        dir: &Path,
    ) -> Result<PathBuf, CommandError> {
        let scratch = scratch_dir(repo.root(), &session.id);
        let repos = self
            .repos
            .get_or_init(|| Arc::new(atomic_mount::RepoPool::new(repo.clone())));
        let mounted =
            atomic_mount::mount(repos, session, token, dir, &scratch).map_err(mount_error)?;
        let dir = mounted.dir().to_owned();
        repo.session_set_mount(&session.id, token, Some(&dir.to_string_lossy()))?;
        let old = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(session.id.clone(), mounted);
        drop(old);
        Ok(dir)
    }

    /// Unmounts session `id`, if mounted here; with `forget`, also its record and its git
    /// worktree (the session ended or is no longer to be mounted). Returns the directory.
    pub fn unmount(&self, repo: &Repo, id: &str, token: &str, forget: bool) -> Option<PathBuf> {
        let mounted = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        let dir = mounted.as_ref().map(|m| m.dir().to_owned());
        if let Some(m) = mounted
            && let Some(dir) = &dir
            && m.unmount().is_err()
        {
            // Busy (a process has its current directory inside): detach it lazily.
            atomic_mount::unmount_stale(dir);
        }
        if forget {
            let _ = repo.session_set_mount(id, token, None);
            let _ = repo.unlink_session_worktree(id);
        }
        dir
    }

    /// Invalidates the kernel's caches of `session`'s mount, if mounted here.
    pub fn invalidate(&self, session: &Session) {
        if let Some(m) = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&session.id)
        {
            m.invalidate(session);
        }
    }

    /// Unmounts session `id`, which has ended (pruned), and removes its git worktree.
    pub fn forget(&self, repo: &Repo, id: &str) {
        let mounted = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        if let Some(m) = mounted {
            let dir = m.dir().to_owned();
            if m.unmount().is_err() {
                atomic_mount::unmount_stale(&dir);
            }
        }
        let _ = repo.unlink_session_worktree(id);
    }

    /// After session `id` changed (a submit or a resolve): an ended session is unmounted
    /// and forgotten; a live one's git worktree follows its new base.
    pub fn follow(&self, repo: &Repo, id: &str, token: &str) {
        let mounted = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(id);
        if !mounted {
            return;
        }
        match repo.session_auth(id, token) {
            Ok(s) if s.ended || s.mode == SessionMode::Ephemeral && s.last_submit.is_some() => {
                self.unmount(repo, id, token, true);
            }
            Ok(s) => {
                if let Some(dir) = &s.mount {
                    let stat = atomic_mount::mount_stat(&s);
                    let _ = repo.link_session_worktree(&s, token, Path::new(dir), stat);
                }
                self.invalidate(&s);
            }
            Err(_) => {
                self.unmount(repo, id, token, true);
            }
        }
    }

    /// Unmounts every session (a server stopping), keeping their records, so the next
    /// server mounts them again.
    pub fn unmount_all(&self) {
        let all: Vec<atomic_mount::Mounted> = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .map(|(_, m)| m)
            .collect();
        for m in all {
            let _ = m.unmount();
        }
    }

    /// Whether any session is mounted (a server with mounts does not leave when idle).
    pub fn any(&self) -> bool {
        !self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    /// Mounts again, at server start, every live session that was mounted, first cleaning
    /// up what a killed server left at its directory; forgets the mounts of ended
    /// sessions. Returns how many it mounted.
    pub fn restore(&self, repo: &Repo) -> usize {
        let Ok(sessions) = repo.sessions_list() else {
            return 0;
        };
        let mut mounted = 0;
        for s in sessions {
            let Some(dir) = s.mount.clone() else {
                continue;
            };
            let dir = PathBuf::from(dir);
            atomic_mount::unmount_stale(&dir);
            let token = std::fs::read_to_string(
                repo.session_worktree_dir(&s.id)
                    .join(atomic_repo::SESSION_FILE),
            )
            .ok()
            .and_then(|t| t.lines().nth(1).map(str::to_owned));
            let Some(token) = token else {
                eprintln!(
                    "atomic: session {} was mounted at {} but its record is gone; mount it again with `atomic session mount`",
                    s.id,
                    dir.display()
                );
                continue;
            };
            match self.mount(repo, &s, &token, &dir) {
                Ok(_) => mounted += 1,
                Err(e) => eprintln!(
                    "atomic: session {} could not be mounted again at {}: {}",
                    s.id,
                    dir.display(),
                    e.message
                ),
            }
        }
        mounted
    }
}
