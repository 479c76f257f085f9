//! `session new` (its params, result and front-end are in `atomic_api::session` and
//! `atomic_cli::front`).

pub use atomic_api::session::{Created, New, NewParams};
use atomic_repo::{Progress, Repo};

use crate::api::Run;
use crate::error::CommandError;

impl Run for New {
    fn run(repo: &Repo, p: NewParams, _: &dyn Progress) -> Result<Created, CommandError> {
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
