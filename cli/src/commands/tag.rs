//! `atomic tag`.

use atomic_repo::{Progress, Repo, Tag};
use serde::{Deserialize, Serialize};

use super::Context;
use super::branch::{NameParams, NoParams};
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;

/// List, create or delete tags
///
/// As git: `atomic tag` lists, `atomic tag NAME [REV]` creates a lightweight tag at REV
/// (default: HEAD), `atomic tag -d NAME` deletes one. Push one with `atomic push origin
/// NAME`, or every tag with `atomic push --tags`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The tag to create
    #[arg(conflicts_with = "delete")]
    pub name: Option<String>,
    /// Where it points (default: HEAD)
    pub revision: Option<String>,
    /// Delete this tag
    #[arg(short = 'd', long = "delete", value_name = "NAME")]
    pub delete: Option<String>,
}

/// `tag.list`: the tags.
pub struct List;

impl Method for List {
    const NAME: &'static str = "tag.list";
    type Params = NoParams;
    type Output = Vec<Tag>;
}

impl Run for List {
    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<Vec<Tag>, CommandError> {
        Ok(repo.tags()?)
    }
}

/// What `tag.create` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct CreateParams {
    /// The tag's short name.
    pub name: String,
    /// Where it points (HEAD when absent).
    pub revision: Option<String>,
}

/// `tag.create`: a lightweight tag.
pub struct Create;

impl Method for Create {
    const NAME: &'static str = "tag.create";
    type Params = CreateParams;
    type Output = Tag;
}

impl Run for Create {
    fn run(repo: &Repo, p: CreateParams, _: &dyn Progress) -> Result<Tag, CommandError> {
        Ok(repo.create_tag(&p.name, p.revision.as_deref())?)
    }
}

/// `tag.delete`: a tag goes; its commit stays.
pub struct Delete;

impl Method for Delete {
    const NAME: &'static str = "tag.delete";
    type Params = NameParams;
    type Output = Tag;
}

impl Run for Delete {
    fn run(repo: &Repo, p: NameParams, _: &dyn Progress) -> Result<Tag, CommandError> {
        Ok(repo.delete_tag(&p.name)?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    if let Some(name) = args.delete {
        let tag = ctx.call::<Delete>(NameParams { name })?;
        ctx.ui.emit(&tag, |out| {
            out.push_str(&format!(
                "Deleted tag {} (was {})\n",
                tag.name,
                tag.commit.short()
            ))
        });
        return Ok(());
    }
    if let Some(name) = args.name {
        let tag = ctx.call::<Create>(CreateParams {
            name,
            revision: args.revision,
        })?;
        ctx.ui.emit(&tag, |out| {
            out.push_str(&format!("Tagged {} as {}\n", tag.commit.short(), tag.name))
        });
        return Ok(());
    }
    let tags = ctx.call::<List>(NoParams {})?;
    ctx.ui.emit(&tags, |out| {
        for t in &tags {
            out.push_str(&format!("{}\n", ctx.ui.paint(Label::Ref, &t.name)));
        }
    });
    Ok(())
}
