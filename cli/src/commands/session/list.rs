//! `session list`, `prune` and `close`.

use atomic_core::GitId;
use atomic_repo::{Progress, Repo, Session, SessionMode};
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::super::branch::NoParams;
use super::Auth;
use crate::api::{Method, Run};
use crate::error::CommandError;

/// A session as `session.list` shows it (no token hash).
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionView {
    /// The session.
    pub session_id: String,
    /// Its agent.
    pub agent: String,
    /// What the agent means to do.
    pub intent: Option<String>,
    /// The branch, full name.
    pub branch: String,
    /// The commit its reads fall through to.
    pub base_commit: GitId,
    /// Ephemeral or persistent.
    pub mode: SessionMode,
    /// When it was created, seconds since the Unix epoch.
    pub created_seconds: i64,
    /// When it last wrote or submitted, seconds since the Unix epoch.
    pub active_seconds: i64,
}

impl From<&Session> for SessionView {
    fn from(s: &Session) -> Self {
        SessionView {
            session_id: s.id.clone(),
            agent: s.agent.clone(),
            intent: s.intent.clone(),
            branch: s.branch.clone(),
            base_commit: s.base_commit,
            mode: s.mode,
            created_seconds: s.created_seconds,
            active_seconds: s.active_seconds,
        }
    }
}

/// `session.list`: the live sessions, oldest first.
pub struct List;

impl Method for List {
    const NAME: &'static str = "session.list";
    const SYNC: bool = false;
    type Params = NoParams;
    type Output = Vec<SessionView>;
}

impl Run for List {
    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<Vec<SessionView>, CommandError> {
        Ok(repo
            .sessions_list()?
            .iter()
            .map(SessionView::from)
            .collect())
    }
}

/// What `session.prune` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct PruneParams {
    /// Idle time in seconds.
    pub older_than_seconds: u64,
    /// Also remove idle sessions with unsubmitted changes.
    #[serde(default)]
    pub force: bool,
}

/// What `session.prune` did.
#[derive(Debug, Serialize, Deserialize)]
pub struct Pruned {
    /// The sessions removed.
    pub removed: Vec<SessionView>,
    /// Idle sessions kept because they hold unsubmitted changes (remove them with force).
    pub kept: Vec<SessionView>,
}

/// `session.prune`: sessions idle past an age go; ones holding changes only with force.
pub struct Prune;

impl Method for Prune {
    const NAME: &'static str = "session.prune";
    const SYNC: bool = false;
    type Params = PruneParams;
    type Output = Pruned;
}

impl Run for Prune {
    fn run(repo: &Repo, p: PruneParams, _: &dyn Progress) -> Result<Pruned, CommandError> {
        let (removed, kept) = repo.sessions_prune(p.older_than_seconds, p.force)?;
        if let Some(registry) = crate::mounts::registry() {
            for s in removed.iter().filter(|s| s.mount.is_some()) {
                registry.forget(repo, &s.id);
            }
        }
        Ok(Pruned {
            removed: removed.iter().map(SessionView::from).collect(),
            kept: kept.iter().map(SessionView::from).collect(),
        })
    }
}

/// What `session.close` answers.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Closed {
    /// The session closed.
    pub session_id: String,
}

/// `session.close`: the session and its changes go.
pub struct Close;

impl Method for Close {
    const NAME: &'static str = "session.close";
    const SYNC: bool = false;
    type Params = Auth;
    type Output = Closed;
}

impl Run for Close {
    fn run(repo: &Repo, p: Auth, _: &dyn Progress) -> Result<Closed, CommandError> {
        repo.session_auth(&p.session_id, &p.token)?;
        if let Some(registry) = crate::mounts::registry() {
            registry.unmount(repo, &p.session_id, &p.token, true);
        }
        repo.session_close(&p.session_id, &p.token)?;
        Ok(Closed {
            session_id: p.session_id,
        })
    }
}

pub fn list(ctx: &Context<'_>) -> Result<(), CommandError> {
    let sessions = ctx.call::<List>(NoParams {})?;
    ctx.ui.emit(&sessions, |out| {
        sessions.iter().for_each(|s| {
            out.push_str(&format!(
                "{} {} {} {}\n",
                s.session_id,
                s.agent,
                s.branch.trim_start_matches("refs/heads/"),
                s.base_commit.short()
            ))
        })
    });
    Ok(())
}

pub fn prune(ctx: &Context<'_>, older_than: u64, force: bool) -> Result<(), CommandError> {
    let pruned = ctx.call::<Prune>(PruneParams {
        older_than_seconds: older_than,
        force,
    })?;
    ctx.ui.emit(&pruned, |out| {
        out.push_str(&format!("Removed {} session(s)\n", pruned.removed.len()));
        for s in &pruned.removed {
            out.push_str(&format!("  {} ({})\n", s.session_id, s.agent));
        }
        if !pruned.kept.is_empty() {
            out.push_str(&format!(
                "Kept {} idle session(s) with unsubmitted changes (pass --force to remove them):\n",
                pruned.kept.len()
            ));
            for s in &pruned.kept {
                out.push_str(&format!("  {} ({})\n", s.session_id, s.agent));
            }
        }
    });
    Ok(())
}

pub fn close(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    let closed = ctx.call::<Close>(auth)?;
    ctx.ui.emit(&closed, |out| {
        out.push_str(&format!("Closed {}\n", closed.session_id))
    });
    Ok(())
}
