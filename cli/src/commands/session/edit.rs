//! `session edit` and `session apply`: an exact replacement in one file, a unified diff
//! over several, each all or nothing.

use atomic_api::WriteResult;
pub use atomic_api::session::{Edit, EditParams};
use atomic_cli::front::{read_stdin, render_write};
use atomic_repo::{Applied, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::Auth;
use crate::api::{Method, Run};
use crate::error::CommandError;

impl Run for Edit {
    fn run(repo: &Repo, p: EditParams, _: &dyn Progress) -> Result<WriteResult, CommandError> {
        let written =
            repo.session_edit(&p.auth.session_id, &p.auth.token, &p.path, &p.old, &p.new)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(written)
    }
}

/// What `session.apply` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct ApplyParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// A unified diff (`git diff` or `diff -u` output).
    pub patch: String,
}

/// What `session.apply` did.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppliedFiles {
    /// Each file, in the patch's order.
    pub files: Vec<Applied>,
}

/// `session.apply`: a unified diff applied to the session, every file or none.
pub struct Apply;

impl Method for Apply {
    const NAME: &'static str = "session.apply";
    const SYNC: bool = false;
    type Params = ApplyParams;
    type Output = AppliedFiles;
}

impl Run for Apply {
    fn run(repo: &Repo, p: ApplyParams, _: &dyn Progress) -> Result<AppliedFiles, CommandError> {
        let files = repo.session_apply(&p.auth.session_id, &p.auth.token, &p.patch)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(AppliedFiles { files })
    }
}

pub fn apply(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    // Standard input is read before anything else: nothing is locked while it comes.
    let patch = String::from_utf8(read_stdin()?).map_err(|_| {
        CommandError::user(
            "the patch on standard input is not UTF-8 text",
            "pipe a unified diff (`git diff` output) in",
        )
    })?;
    let applied = ctx.call::<Apply>(ApplyParams { auth, patch })?;
    ctx.ui.emit(&applied, |out| {
        for file in &applied.files {
            match file {
                Applied::Written(w) => render_write(out, w),
                Applied::Removed { path } => out.push_str(&format!("Removed {path}\n")),
            }
        }
    });
    Ok(())
}
