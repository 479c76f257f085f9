//! `atomic fetch` and `atomic push`.

use atomic_repo::{ImportSummary, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
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
    /// The branch, or a tag (default: the current branch)
    pub branch: Option<String>,
    /// Make the branch track the remote's (as git push -u)
    #[arg(short = 'u', long)]
    pub set_upstream: bool,
    /// Overwrite the remote branch even when that drops commits there
    #[arg(short, long)]
    pub force: bool,
    /// Push every tag too
    #[arg(long)]
    pub tags: bool,
}

/// What `fetch` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct FetchParams {
    /// The remote.
    pub remote: String,
}

/// `fetch`: git fetches from a remote; the new commits become changes.
pub struct Fetch;

impl Method for Fetch {
    const NAME: &'static str = "fetch";
    type Params = FetchParams;
    type Output = ImportSummary;
}

impl Run for Fetch {
    fn run(
        repo: &Repo,
        p: FetchParams,
        progress: &dyn Progress,
    ) -> Result<ImportSummary, CommandError> {
        Ok(repo.fetch(&p.remote, progress)?)
    }
}

/// What `push` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct PushParams {
    /// The remote.
    pub remote: String,
    /// The branch or tag (the current branch when absent).
    pub branch: Option<String>,
    /// git's push flags.
    #[serde(default, flatten)]
    pub options: atomic_repo::PushOptions,
}

/// What `push` did.
#[derive(Debug, Serialize, Deserialize)]
pub struct Pushed {
    /// The remote.
    pub remote: String,
    /// The branch pushed.
    pub branch: String,
}

/// `push`: git pushes a branch to a remote.
pub struct Push;

impl Method for Push {
    const NAME: &'static str = "push";
    type Params = PushParams;
    type Output = Pushed;
}

impl Run for Push {
    fn run(repo: &Repo, p: PushParams, _: &dyn Progress) -> Result<Pushed, CommandError> {
        let branch = repo.push(&p.remote, p.branch.as_deref(), p.options)?;
        Ok(Pushed {
            remote: p.remote,
            branch,
        })
    }
}

pub fn fetch(ctx: &Context<'_>, args: FetchArgs) -> Result<(), CommandError> {
    let summary = ctx.call::<Fetch>(FetchParams {
        remote: args.remote.clone(),
    })?;
    ctx.ui.emit(&summary, |out| {
        out.push_str(&format!(
            "Fetched from {}: {} new change(s), {} ref update(s)\n",
            args.remote, summary.commits, summary.refs_changed
        ));
    });
    Ok(())
}

pub fn push(ctx: &Context<'_>, args: PushArgs) -> Result<(), CommandError> {
    let pushed = ctx.call::<Push>(PushParams {
        remote: args.remote,
        branch: args.branch,
        options: atomic_repo::PushOptions {
            set_upstream: args.set_upstream,
            force: args.force,
            tags: args.tags,
        },
    })?;
    ctx.ui.emit(&pushed, |out| {
        out.push_str(&format!("Pushed {} to {}\n", pushed.branch, pushed.remote));
    });
    Ok(())
}
