//! `session submit`, `resolve` and `verify`.

use std::path::Path;

use atomic_repo::{Progress, Repo, ResolveAction, ResolvedFile, SubmitResult, VerifyReport};
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::{Auth, ResolveArg};
use crate::api::{Contents, Method, Run};
use crate::error::{CommandError, EXIT_USER};
use atomic_cli::front::read_user_file;

/// What `session.submit` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct SubmitParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The commit message.
    pub message: String,
}

/// `session.submit`: fast-forward, or merge onto the branch; a conflict block otherwise.
pub struct Submit;

impl Method for Submit {
    const NAME: &'static str = "session.submit";
    const SYNC: bool = false;
    type Params = SubmitParams;
    type Output = SubmitResult;
}

impl Run for Submit {
    fn run(repo: &Repo, p: SubmitParams, _: &dyn Progress) -> Result<SubmitResult, CommandError> {
        let result = repo.session_submit(&p.auth.session_id, &p.auth.token, &p.message);
        if let Some(registry) = crate::mounts::registry() {
            registry.follow(repo, &p.auth.session_id, &p.auth.token);
        }
        Ok(result?)
    }
}

/// What `session.resolve` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResolveParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// How to settle the conflicts.
    pub action: ResolveAction,
    /// Only this symbol's conflicts.
    pub symbol: Option<String>,
    /// For `manual`: the file's new contents.
    pub content: Option<Contents>,
}

/// What `session.resolve` did.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Resolved {
    /// The files that were in conflict, with what is left.
    pub files: Vec<ResolvedFile>,
}

/// `session.resolve`: the session rebased onto the branch, its conflicts settled.
pub struct Resolve;

impl Method for Resolve {
    const NAME: &'static str = "session.resolve";
    const SYNC: bool = false;
    type Params = ResolveParams;
    type Output = Resolved;
}

impl Run for Resolve {
    fn run(repo: &Repo, p: ResolveParams, _: &dyn Progress) -> Result<Resolved, CommandError> {
        let content = p.content.map(Contents::into_bytes).transpose()?;
        let files = repo.session_resolve(
            &p.auth.session_id,
            &p.auth.token,
            p.action,
            p.symbol.as_deref(),
            content.as_deref(),
        );
        if let Some(registry) = crate::mounts::registry() {
            registry.follow(repo, &p.auth.session_id, &p.auth.token);
        }
        Ok(Resolved { files: files? })
    }
}

/// `session.verify`: the repository's verify commands on the session's tree.
pub struct Verify;

impl Method for Verify {
    const NAME: &'static str = "session.verify";
    const SYNC: bool = false;
    type Params = Auth;
    type Output = VerifyReport;
}

impl Run for Verify {
    fn run(repo: &Repo, p: Auth, _: &dyn Progress) -> Result<VerifyReport, CommandError> {
        Ok(repo.session_verify(&p.session_id, &p.token)?)
    }
}

pub fn submit(ctx: &Context<'_>, auth: Auth, message: &str) -> Result<(), CommandError> {
    let result = ctx.call::<Submit>(SubmitParams {
        auth,
        message: message.to_owned(),
    })?;
    ctx.ui.emit(&result, |out| match &result {
        SubmitResult::Merged {
            change_id,
            commit,
            fast_forward,
            merged_files,
            replayed,
            checkout,
        } => {
            out.push_str(&format!(
                "{} as change {} (commit {}){}\n",
                if *replayed { "Already merged" } else { "Merged" },
                change_id.short(),
                commit.short(),
                if *fast_forward {
                    ", fast-forward"
                } else {
                    ", rebased"
                }
            ));
            merged_files
                .iter()
                .for_each(|f| out.push_str(&format!("  merged by symbols: {f}\n")));
            if let Some(c) = checkout {
                for f in &c.kept {
                    out.push_str(&format!(
                        "  kept your edit of {f} in the working tree (`atomic status`; record merges it)\n"
                    ));
                }
            }
        }
        SubmitResult::Conflict(block) => {
            out.push_str(&format!("{}\n", block.message));
            for c in &block.conflicting_symbols {
                out.push_str(&format!(
                    "  {} in {}: {}; {}\n",
                    c.symbol, c.path, c.your_change.description, c.their_change.description
                ));
            }
        }
    });
    if let SubmitResult::Conflict(_) = result {
        if ctx.ui.json {
            // The conflict block on stdout is the whole answer.
            return Err(CommandError::told("conflict", EXIT_USER));
        }
        return Err(CommandError {
            kind: "conflict".into(),
            code: EXIT_USER,
            message: "the session conflicts with the branch".into(),
            hints: vec![
                "see the conflict block; `atomic session resolve --action ...`, or edit the session and submit again"
                    .into(),
            ],
        });
    }
    Ok(())
}

pub fn resolve(
    ctx: &Context<'_>,
    auth: Auth,
    action: ResolveArg,
    symbol: Option<String>,
    content_file: Option<&Path>,
) -> Result<(), CommandError> {
    let content = content_file
        .map(|f| read_user_file(&ctx.cwd, f).map(Contents::new))
        .transpose()?;
    let action = match action {
        ResolveArg::Proceed => ResolveAction::Proceed,
        ResolveArg::KeepYours => ResolveAction::KeepYours,
        ResolveArg::KeepTheirs => ResolveAction::KeepTheirs,
        ResolveArg::Manual => ResolveAction::Manual,
    };
    let resolved = ctx.call::<Resolve>(ResolveParams {
        auth,
        action,
        symbol,
        content,
    })?;
    ctx.ui.emit(&resolved, |out| {
        out.push_str("Rebased the session onto the branch\n");
        resolved.files.iter().for_each(|f| {
            out.push_str(&format!(
                "  {} ({} conflict(s) left)\n",
                f.path, f.conflicts_left
            ))
        });
    });
    Ok(())
}

pub fn verify(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    let report = ctx.call::<Verify>(auth)?;
    ctx.ui.emit(&report, |out| {
        for r in &report.results {
            let mark = if r.exit_code == Some(0) {
                "ok  "
            } else {
                "FAIL"
            };
            out.push_str(&format!("{mark} {}\n", r.command));
            if r.exit_code != Some(0) {
                r.output_tail
                    .lines()
                    .for_each(|l| out.push_str(&format!("     {l}\n")));
            }
        }
        out.push_str(if report.passed {
            "verify passed\n"
        } else {
            "verify failed\n"
        });
    });
    if !report.passed {
        return Err(CommandError::new(
            "verify_failed",
            "a verify command failed",
            "fix the session's files and verify again",
        ));
    }
    Ok(())
}
