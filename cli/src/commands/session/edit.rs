//! `session edit` and `session apply`: an exact replacement in one file, a unified diff
//! over several, each all or nothing.

use atomic_repo::{Applied, Progress, Repo, WriteResult};
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::Auth;
use super::files::render_write;
use crate::api::Method;
use crate::error::CommandError;

/// What `session.edit` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct EditParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The file, relative to the repository root.
    pub path: String,
    /// The text to replace: exactly once in the file.
    pub old: String,
    /// What replaces it.
    pub new: String,
}

/// `session.edit`: the one occurrence of `old` in the file becomes `new`.
pub struct Edit;

impl Method for Edit {
    const NAME: &'static str = "session.edit";
    const SYNC: bool = false;
    type Params = EditParams;
    type Output = WriteResult;

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

    fn run(repo: &Repo, p: ApplyParams, _: &dyn Progress) -> Result<AppliedFiles, CommandError> {
        let files = repo.session_apply(&p.auth.session_id, &p.auth.token, &p.patch)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(AppliedFiles { files })
    }
}

pub fn edit(
    ctx: &Context<'_>,
    auth: Auth,
    path: &str,
    old: &str,
    new: &str,
) -> Result<(), CommandError> {
    let result = ctx.call::<Edit>(EditParams {
        auth,
        path: path.to_owned(),
        old: old.to_owned(),
        new: new.to_owned(),
    })?;
    ctx.ui.emit(&result, |out| render_write(out, &result));
    Ok(())
}

pub fn apply(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    // Standard input is read before anything else: nothing is locked while it comes.
    let patch = String::from_utf8(ctx.read_stdin()?).map_err(|_| {
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
