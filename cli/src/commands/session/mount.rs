//! `session mount` and `unmount`: a session as a directory (FUSE), held by `atomic serve`.

use std::path::{Path, PathBuf};

use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::Auth;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::mounts;

/// What `session.mount` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct MountParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The directory: absolute, or relative to the repository's root. Created when missing;
    /// it must be empty.
    pub dir: PathBuf,
}

/// Where a session is mounted.
#[derive(Debug, Serialize, Deserialize)]
pub struct MountView {
    /// The session.
    pub session_id: String,
    /// The mount's directory, absolute (as `session new --mount` gives it); `None` after an
    /// unmount of a session that was not mounted.
    pub mount: Option<PathBuf>,
}

/// `session.mount`: the session presented as a directory until it ends or is unmounted;
/// the server mounts it again when it restarts.
pub struct Mount;

impl Method for Mount {
    const NAME: &'static str = "session.mount";
    const SYNC: bool = false;
    type Params = MountParams;
    type Output = MountView;
}

impl Run for Mount {
    fn run(repo: &Repo, p: MountParams, _: &dyn Progress) -> Result<MountView, CommandError> {
        let registry = mounts::required()?;
        let session = repo.session_auth(&p.auth.session_id, &p.auth.token)?;
        let dir = repo.root().join(&p.dir);
        if let Some(old) = &session.mount
            && Path::new(old) != dir
        {
            registry.unmount(repo, &session.id, &p.auth.token, true);
        }
        let dir = registry.mount(repo, &session, &p.auth.token, &dir)?;
        Ok(MountView {
            session_id: session.id,
            mount: Some(dir),
        })
    }
}

/// `session.unmount`: the directory goes; the session and its changes stay.
pub struct Unmount;

impl Method for Unmount {
    const NAME: &'static str = "session.unmount";
    const SYNC: bool = false;
    type Params = Auth;
    type Output = MountView;
}

impl Run for Unmount {
    fn run(repo: &Repo, p: Auth, _: &dyn Progress) -> Result<MountView, CommandError> {
        let session = repo.session_auth(&p.session_id, &p.token)?;
        let dir = match mounts::registry() {
            Some(registry) => registry.unmount(repo, &session.id, &p.token, true),
            None => {
                // No server holds it: forget the record a killed server left.
                repo.session_set_mount(&session.id, &p.token, None)?;
                repo.unlink_session_worktree(&session.id)?;
                session.mount.as_ref().map(PathBuf::from)
            }
        };
        if let Some(dir) = &dir {
            atomic_mount::unmount_stale(dir);
        }
        Ok(MountView {
            session_id: session.id,
            mount: dir,
        })
    }
}

pub fn mount(ctx: &Context<'_>, auth: Auth, dir: &Path) -> Result<(), CommandError> {
    let dir = std::path::absolute(ctx.path(dir)).unwrap_or_else(|_| ctx.path(dir));
    let view = ctx.call::<Mount>(MountParams { auth, dir })?;
    ctx.ui.emit(&view, |out| {
        if let Some(dir) = &view.mount {
            out.push_str(&format!(
                "Mounted {} at {}\n",
                view.session_id,
                dir.display()
            ));
        }
    });
    Ok(())
}

pub fn unmount(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    let view = ctx.call::<Unmount>(auth)?;
    ctx.ui.emit(&view, |out| match &view.mount {
        Some(dir) => out.push_str(&format!(
            "Unmounted {} from {}\n",
            view.session_id,
            dir.display()
        )),
        None => out.push_str(&format!("{} was not mounted\n", view.session_id)),
    });
    Ok(())
}
