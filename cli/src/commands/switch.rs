//! `atomic switch`.

use atomic_repo::{Branch, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;

/// Switch the working tree to another branch
///
/// `atomic switch -c NAME [START]` creates the branch at START (a branch, tag or any
/// revision; default: HEAD) first, as `git switch -c`. `atomic switch --detach REV` checks
/// out any revision (a tag, a commit) with HEAD detached, as `git switch --detach`; `record`
/// then asks for a branch (`atomic switch -c NAME` makes one there).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The branch (with --detach: any revision)
    pub branch: String,
    /// With -c: where the new branch starts (default: HEAD)
    #[arg(requires = "create")]
    pub start: Option<String>,
    /// Create the branch first
    #[arg(short, long, conflicts_with = "detach")]
    pub create: bool,
    /// Check out a revision with HEAD detached instead of a branch
    #[arg(short, long)]
    pub detach: bool,
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
    /// `branch` is any revision, checked out with HEAD detached; the answer's `name` is
    /// then `HEAD`, as `git rev-parse --abbrev-ref HEAD` says.
    #[serde(default)]
    pub detach: bool,
}

impl Method for Switch {
    const NAME: &'static str = "switch";
    type Params = Params;
    type Output = Branch;
}

impl Run for Switch {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Branch, CommandError> {
        if p.detach {
            return Ok(Branch {
                name: "HEAD".into(),
                commit: repo.switch_detach(&p.branch)?,
                current: true,
            });
        }
        Ok(repo.switch(&p.branch, p.create, p.start.as_deref())?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let b = ctx.call::<Switch>(Params {
        branch: args.branch,
        create: args.create,
        start: args.start,
        detach: args.detach,
    })?;
    ctx.ui.emit(&b, |out| {
        out.push_str(&if args.detach {
            format!("HEAD is now at {} (detached)\n", b.commit.short())
        } else {
            format!("Switched to branch {} ({})\n", b.name, b.commit.short())
        })
    });
    Ok(())
}
