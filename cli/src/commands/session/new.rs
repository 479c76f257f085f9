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
    /// Mount the session at this directory (absolute, or relative to the server's root).
    #[serde(default)]
    pub mount: Option<std::path::PathBuf>,
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
    /// Where it is mounted, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount: Option<std::path::PathBuf>,
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
        let mount = match &p.mount {
            None => None,
            Some(dir) => {
                let mounted = crate::mounts::required()
                    .and_then(|registry| registry.mount(repo, &s, &token, &repo.root().join(dir)));
                match mounted {
                    Ok(dir) => Some(dir),
                    Err(e) => {
                        // The session was made for the mount: without it, it goes.
                        let _ = repo.session_close(&s.id, &token);
                        return Err(e);
                    }
                }
            }
        };
        Ok(Created {
            session_id: s.id,
            token,
            agent: s.agent,
            intent: s.intent,
            branch: s.branch,
            base_commit: s.base_commit,
            base_change_id: s.base_change,
            mode: s.mode,
            mount,
        })
    }
}

/// What `session new` asks for.
pub struct NewArgs<'a> {
    /// The agent.
    pub agent: &'a str,
    /// Its intent.
    pub intent: Option<&'a str>,
    /// The branch.
    pub branch: Option<&'a str>,
    /// Persistent or not.
    pub persistent: bool,
    /// Where to mount it, relative to the current directory.
    pub mount: Option<&'a std::path::Path>,
}

pub fn run(ctx: &Context<'_>, args: NewArgs<'_>) -> Result<(), CommandError> {
    let mount = args
        .mount
        .map(|d| std::path::absolute(ctx.path(d)).unwrap_or_else(|_| ctx.path(d)));
    let created = ctx.call::<New>(Params {
        agent: args.agent.to_owned(),
        intent: args.intent.map(str::to_owned),
        branch: args.branch.map(str::to_owned),
        persistent: args.persistent,
        mount,
    })?;
    ctx.ui.emit(&created, |out| {
        out.push_str(&format!(
            "export ATOMIC_SESSION={}\nexport ATOMIC_SESSION_TOKEN={}\n",
            created.session_id, created.token
        ));
        if let Some(dir) = &created.mount {
            out.push_str(&format!("# mounted at {}\n", dir.display()));
        }
    });
    Ok(())
}
