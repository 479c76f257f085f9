//! `atomic remote`.

use atomic_repo::{Progress, Remote, Repo};
use clap::Subcommand;
use serde::{Deserialize, Serialize};

use super::Context;
use super::branch::{NameParams, NoParams};
use crate::api::{Method, Run};
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

/// `remote.list`: the configured remotes.
pub struct List;

impl Method for List {
    const NAME: &'static str = "remote.list";
    type Params = NoParams;
    type Output = Vec<Remote>;
}

impl Run for List {
    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<Vec<Remote>, CommandError> {
        Ok(repo.remotes()?)
    }
}

/// What `remote.add` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct AddParams {
    /// Its name.
    pub name: String,
    /// Its URL or path.
    pub url: String,
}

/// `remote.add`: a new remote.
pub struct Add;

impl Method for Add {
    const NAME: &'static str = "remote.add";
    type Params = AddParams;
    type Output = Remote;
}

impl Run for Add {
    fn run(repo: &Repo, p: AddParams, _: &dyn Progress) -> Result<Remote, CommandError> {
        Ok(repo.add_remote(&p.name, &p.url)?)
    }
}

/// `remote.remove`: a remote and its remote-tracking refs go.
pub struct Remove;

impl Method for Remove {
    const NAME: &'static str = "remote.remove";
    type Params = NameParams;
    type Output = NameParams;
}

impl Run for Remove {
    fn run(repo: &Repo, p: NameParams, _: &dyn Progress) -> Result<NameParams, CommandError> {
        repo.remove_remote(&p.name)?;
        repo.import_git(&atomic_repo::NoProgress)?;
        Ok(p)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    match args.action.unwrap_or(Action::List) {
        Action::List => {
            let remotes = ctx.call::<List>(NoParams {})?;
            ctx.ui.emit(&remotes, |out| {
                remotes
                    .iter()
                    .for_each(|r| out.push_str(&format!("{}\t{}\n", r.name, r.url)))
            });
        }
        Action::Add { name, url } => {
            let r = ctx.call::<Add>(AddParams { name, url })?;
            ctx.ui.emit(&r, |out| {
                out.push_str(&format!("Added remote {} ({})\n", r.name, r.url))
            });
        }
        Action::Remove { name } => {
            let removed = ctx.call::<Remove>(NameParams { name })?;
            ctx.ui.emit(&removed, |out| {
                out.push_str(&format!("Removed remote {}\n", removed.name))
            });
        }
    }
    Ok(())
}
