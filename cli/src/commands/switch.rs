//! `atomic switch`.

use super::Context;
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

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let b = repo.switch(&args.branch, args.create)?;
    ctx.ui.emit(&b, |out| {
        out.push_str(&format!(
            "Switched to branch {} ({})\n",
            b.name,
            b.commit.short()
        ))
    });
    Ok(())
}
