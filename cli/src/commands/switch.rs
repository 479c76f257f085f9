//! `atomic switch`.

use atomic_repo::{Branch, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::Method;
use crate::error::CommandError;

/// Switch the working tree to another branch
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The branch
    pub branch: String,
    /// Create the branch at HEAD first
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
    /// Create it at HEAD first.
    pub create: bool,
}

impl Method for Switch {
    const NAME: &'static str = "switch";
    type Params = Params;
    type Output = Branch;

    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Branch, CommandError> {
        Ok(repo.switch(&p.branch, p.create)?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let b = ctx.call::<Switch>(Params {
        branch: args.branch,
        create: args.create,
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
