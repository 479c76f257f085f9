//! `atomic branch`.

use atomic_repo::{Branch, Progress, Repo};
use clap::Subcommand;
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::Method;
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

/// `branch.list`: the local branches.
pub struct List;

/// No params.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct NoParams {}

impl Method for List {
    const NAME: &'static str = "branch.list";
    type Params = NoParams;
    type Output = Vec<Branch>;

    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<Vec<Branch>, CommandError> {
        Ok(repo.branches()?)
    }
}

/// What `branch.create` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct CreateParams {
    /// The new branch's short name.
    pub name: String,
    /// Where it starts (HEAD when absent).
    pub revision: Option<String>,
}

/// `branch.create`: a new branch at a revision.
pub struct Create;

impl Method for Create {
    const NAME: &'static str = "branch.create";
    type Params = CreateParams;
    type Output = Branch;

    fn run(repo: &Repo, p: CreateParams, _: &dyn Progress) -> Result<Branch, CommandError> {
        Ok(repo.create_branch(&p.name, p.revision.as_deref())?)
    }
}

/// What `branch.delete` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct NameParams {
    /// The branch's short name.
    pub name: String,
}

/// `branch.delete`: a branch goes; its changes stay.
pub struct Delete;

impl Method for Delete {
    const NAME: &'static str = "branch.delete";
    type Params = NameParams;
    type Output = Branch;

    fn run(repo: &Repo, p: NameParams, _: &dyn Progress) -> Result<Branch, CommandError> {
        Ok(repo.delete_branch(&p.name)?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    match args.action.unwrap_or(Action::List) {
        Action::List => {
            let branches = ctx.call::<List>(NoParams {})?;
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
            let b = ctx.call::<Create>(CreateParams { name, revision })?;
            ctx.ui.emit(&b, |out| {
                out.push_str(&format!(
                    "Created branch {} at {}\n",
                    b.name,
                    b.commit.short()
                ))
            });
        }
        Action::Delete { name } => {
            let b = ctx.call::<Delete>(NameParams { name })?;
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
