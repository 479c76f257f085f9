//! `atomic fetch` and `atomic push`.

use super::Context;
use crate::error::CommandError;

/// Fetch branches and tags from a git remote and import the new commits
#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// The remote
    #[arg(default_value = "origin")]
    pub remote: String,
}

/// Push a branch to a git remote
#[derive(clap::Args, Debug)]
pub struct PushArgs {
    /// The remote
    #[arg(default_value = "origin")]
    pub remote: String,
    /// The branch (default: the current one)
    pub branch: Option<String>,
}

pub fn fetch(ctx: &Context<'_>, args: FetchArgs) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let summary = repo.fetch(&args.remote, &ctx.ui.progress())?;
    ctx.ui.emit(&summary, |out| {
        out.push_str(&format!(
            "Fetched from {}: {} new change(s), {} ref update(s)\n",
            args.remote, summary.commits, summary.refs_changed
        ));
    });
    Ok(())
}

pub fn push(ctx: &Context<'_>, args: PushArgs) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let branch = repo.push(&args.remote, args.branch.as_deref())?;
    ctx.ui.emit(
        &serde_json::json!({ "remote": args.remote, "branch": branch }),
        |out| {
            out.push_str(&format!("Pushed {branch} to {}\n", args.remote));
        },
    );
    Ok(())
}
