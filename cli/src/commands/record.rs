//! `atomic record`.

use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;
use crate::views::ChangeView;

/// Record every change in the working tree (or those under PATHS) as a change and a git
/// commit on the current branch
///
/// There is no staging area: new files are recorded too, ignored ones never. With paths
/// (relative to the current directory), only the changes under them, as `git commit
/// PATHS`; the others stay in the working tree.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The message (the first line is the summary)
    #[arg(short, long)]
    pub message: String,
    /// Only the changes under these paths
    pub paths: Vec<String>,
}

/// `record`: the working tree becomes a change on the current branch.
pub struct Record;

/// What `record` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// The message.
    pub message: String,
    /// Only changes under these repository-relative paths (all when empty).
    #[serde(default)]
    pub paths: Vec<String>,
}

impl Method for Record {
    const NAME: &'static str = "record";
    type Params = Params;
    type Output = ChangeView;
}

impl Run for Record {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<ChangeView, CommandError> {
        Ok(ChangeView::summary(&repo.record(&p.message, &p.paths)?))
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let view = ctx.call::<Record>(Params {
        message: args.message,
        paths: ctx.repo_paths(&args.paths)?,
    })?;
    ctx.ui.emit(&view, |out| {
        out.push_str(&format!(
            "Recorded change {} (commit {}): {} file(s)\n  {}\n",
            ctx.ui
                .paint(Label::Id, crate::views::short(&view.change_id)),
            ctx.ui.paint(Label::Id, crate::views::short(&view.commit)),
            view.files.len(),
            atomic_core::subject(&view.message)
        ));
    });
    Ok(())
}
