//! `atomic branch`.

use clap::Subcommand;

use super::Context;
use crate::error::CommandError;
use crate::ui::Label;

/// List, create or delete branches
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

/// What to do with branches.
#[derive(Subcommand, Debug)]
pub enum Action {
    /// List the branches (the default)
    List,
    /// Create a branch at a revision (default: HEAD)
    Create {
        /// The new branch's name
        name: String,
        /// Where it starts
        revision: Option<String>,
    },
    /// Delete a branch (its changes stay)
    Delete {
        /// The branch's name
        name: String,
    },
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    match args.action.unwrap_or(Action::List) {
        Action::List => {
            let branches = repo.branches()?;
            ctx.ui.emit(&branches, |out| {
                for b in &branches {
                    let mark = if b.current { "*" } else { " " };
                    out.push_str(&format!(
                        "{mark} {} {}\n",
                        ctx.ui.paint(Label::Ref, &b.name),
                        ctx.ui.paint(Label::Id, &b.commit.short())
                    ));
                }
            });
        }
        Action::Create { name, revision } => {
            let b = repo.create_branch(&name, revision.as_deref())?;
            ctx.ui.emit(&b, |out| {
                out.push_str(&format!(
                    "Created branch {} at {}\n",
                    b.name,
                    b.commit.short()
                ))
            });
        }
        Action::Delete { name } => {
            let b = repo.delete_branch(&name)?;
            ctx.ui.emit(&b, |out| {
                out.push_str(&format!(
                    "Deleted branch {} (was {})\n",
                    b.name,
                    b.commit.short()
                ))
            });
        }
    }
    Ok(())
}
