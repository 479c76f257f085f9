//! `atomic switch`.

use atomic_repo::{Branch, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::Method;
use crate::error::CommandError;

/// Switch the working tree to another branch
///
/// `atomic switch -c NAME [START]` creates the branch at START (a branch, tag or any
/// revision; default: HEAD) first, as `git switch -c`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The branch
    pub branch: String,
    /// With -c: where the new branch starts (default: HEAD)
    #[arg(requires = "create")]
    pub start: Option<String>,
    /// Create the branch first
    #[arg(short, long)]
    pub create: bool,
}

/// `switch`: the working tree and HEAD move to another branch.
pub struct Switch;

/// What `switch` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// The branch's short name.
    pub branch: String,
    /// Create it first.
    pub create: bool,
    /// Where a created branch starts (HEAD when absent).
    #[serde(default)]
    pub start: Option<String>,
}

impl Method for Switch {
    const NAME: &'static str = "switch";
    type Params = Params;
    type Output = Branch;

    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Branch, CommandError> {
        Ok(repo.switch(&p.branch, p.create, p.start.as_deref())?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let b = ctx.call::<Switch>(Params {
        branch: args.branch,
        create: args.create,
        start: args.start,
    })?;
    ctx.ui.emit(&b, |out| {
        out.push_str(&format!(
            "Switched to branch {} ({})\n",
            b.name,
            b.commit.short()
        ))
    });
    Ok(())
}
