//! `atomic remote`.

use clap::Subcommand;

use super::Context;
use crate::error::CommandError;

/// List, add or remove git remotes
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

/// What to do with remotes.
#[derive(Subcommand, Debug)]
pub enum Action {
    /// List the remotes (the default)
    List,
    /// Add a remote
    Add {
        /// Its name
        name: String,
        /// Its URL or path
        url: String,
    },
    /// Remove a remote and its remote-tracking branches
    Remove {
        /// Its name
        name: String,
    },
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    match args.action.unwrap_or(Action::List) {
        Action::List => {
            let remotes = repo.remotes()?;
            ctx.ui.emit(&remotes, |out| {
                remotes
                    .iter()
                    .for_each(|r| out.push_str(&format!("{}\t{}\n", r.name, r.url)))
            });
        }
        Action::Add { name, url } => {
            let r = repo.add_remote(&name, &url)?;
            ctx.ui.emit(&r, |out| {
                out.push_str(&format!("Added remote {} ({})\n", r.name, r.url))
            });
        }
        Action::Remove { name } => {
            repo.remove_remote(&name)?;
            repo.import_git(&atomic_repo::NoProgress)?;
            ctx.ui.emit(&serde_json::json!({ "removed": name }), |out| {
                out.push_str(&format!("Removed remote {name}\n"))
            });
        }
    }
    Ok(())
}
