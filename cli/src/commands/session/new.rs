//! `session new`.

use atomic_core::{ChangeId, GitId};
use atomic_repo::{Progress, Repo, SessionMode};
use serde::{Deserialize, Serialize};

use super::super::Context;
use crate::api::Method;
use crate::error::CommandError;

/// What `session.new` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// The agent's name (a git author name).
    pub agent: String,
    /// What it means to do.
    pub intent: Option<String>,
    /// The branch (the current one when absent).
    pub branch: Option<String>,
    /// Keep the session after submits.
    #[serde(default)]
    pub persistent: bool,
}

/// A new session, with its token (shown once).
#[derive(Debug, Serialize, Deserialize)]
pub struct Created {
    /// The session.
    pub session_id: String,
    /// Its secret token: every call on the session needs it.
    pub token: String,
    /// The agent.
    pub agent: String,
    /// The intent.
    pub intent: Option<String>,
    /// The branch, full name.
    pub branch: String,
    /// The commit its reads fall through to.
    pub base_commit: GitId,
    /// That commit's change.
    pub base_change_id: ChangeId,
    /// Ephemeral or persistent.
    pub mode: SessionMode,
}

/// `session.new`: a session on a branch; nothing is copied.
pub struct New;

impl Method for New {
    const NAME: &'static str = "session.new";
    type Params = Params;
    type Output = Created;

    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Created, CommandError> {
        let (s, token) = repo.session_new(
            &p.agent,
            p.intent.as_deref(),
            p.branch.as_deref(),
            p.persistent,
        )?;
        Ok(Created {
            session_id: s.id,
            token,
            agent: s.agent,
            intent: s.intent,
            branch: s.branch,
            base_commit: s.base_commit,
            base_change_id: s.base_change,
            mode: s.mode,
        })
    }
}

pub fn run(
    ctx: &Context<'_>,
    agent: &str,
    intent: Option<&str>,
    branch: Option<&str>,
    persistent: bool,
) -> Result<(), CommandError> {
    let created = ctx.call::<New>(Params {
        agent: agent.to_owned(),
        intent: intent.map(str::to_owned),
        branch: branch.map(str::to_owned),
        persistent,
    })?;
    ctx.ui.emit(&created, |out| {
        out.push_str(&format!(
            "export ATOMIC_SESSION={}\nexport ATOMIC_SESSION_TOKEN={}\n",
            created.session_id, created.token
        ));
    });
    Ok(())
}
