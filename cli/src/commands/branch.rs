//! `atomic branch`.

use atomic_repo::{Branch, Progress, Repo};
use clap::Subcommand;
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;

/// List, create or delete branches
///
/// As git: `atomic branch` lists, `atomic branch NAME [REV]` creates, `-d NAME` deletes a
/// branch whose changes HEAD contains, `-D NAME` deletes it whatever it holds.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Create a branch of this name (as `branch create`)
    pub name: Option<String>,
    /// Where the new branch starts (default: HEAD)
    pub revision: Option<String>,
    /// Delete this branch, if HEAD contains its changes
    #[arg(short = 'd', long = "delete", value_name = "NAME", conflicts_with_all = ["name", "force_delete"])]
    pub delete: Option<String>,
    /// Delete this branch even if HEAD does not contain its changes
    #[arg(short = 'D', value_name = "NAME", conflicts_with = "name")]
    pub force_delete: Option<String>,
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
    /// Delete a branch whose changes HEAD contains (its changes stay in the store)
    Delete {
        /// The branch's name
        name: String,
        /// Delete it even if HEAD does not contain its changes
        #[arg(long, short)]
        force: bool,
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
}

impl Run for List {
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
}

impl Run for Create {
    fn run(repo: &Repo, p: CreateParams, _: &dyn Progress) -> Result<Branch, CommandError> {
        Ok(repo.create_branch(&p.name, p.revision.as_deref())?)
    }
}

/// A name, for methods that take only one.
#[derive(Debug, Serialize, Deserialize)]
pub struct NameParams {
    /// The short name.
    pub name: String,
}

/// What `branch.delete` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeleteParams {
    /// The branch's short name.
    pub name: String,
    /// Delete it even if HEAD does not contain its changes.
    #[serde(default)]
    pub force: bool,
}

/// `branch.delete`: a branch goes; its changes stay.
pub struct Delete;

impl Method for Delete {
    const NAME: &'static str = "branch.delete";
    type Params = DeleteParams;
    type Output = Branch;
}

impl Run for Delete {
    fn run(repo: &Repo, p: DeleteParams, _: &dyn Progress) -> Result<Branch, CommandError> {
        Ok(repo.delete_branch(&p.name, p.force)?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let action = match (args.action, args.name, args.delete, args.force_delete) {
        (Some(action), ..) => action,
        (None, Some(name), ..) => Action::Create {
            name,
            revision: args.revision,
        },
        (None, None, Some(name), _) => Action::Delete { name, force: false },
        (None, None, None, Some(name)) => Action::Delete { name, force: true },
        (None, None, None, None) => Action::List,
    };
    match action {
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
        Action::Delete { name, force } => {
            let b = ctx.call::<Delete>(DeleteParams { name, force })?;
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
