//! `atomic record`.

use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::Method;
use crate::error::CommandError;
use crate::ui::Label;
use crate::views::ChangeView;

/// Record every change in the working tree as a change and a git commit on the current branch
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The message (the first line is the summary)
    #[arg(short, long)]
    pub message: String,
}

/// `record`: the working tree becomes a change on the current branch.
pub struct Record;

/// What `record` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// The message.
    pub message: String,
}

impl Method for Record {
    const NAME: &'static str = "record";
    type Params = Params;
    type Output = ChangeView;

    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<ChangeView, CommandError> {
        Ok(ChangeView::summary(&repo.record(&p.message)?))
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let view = ctx.call::<Record>(Params {
        message: args.message,
    })?;
    ctx.ui.emit(&view, |out| {
        out.push_str(&format!(
            "Recorded change {} (commit {}): {} file(s)\n  {}\n",
            ctx.ui
                .paint(Label::Id, crate::views::short(&view.change_id)),
            ctx.ui.paint(Label::Id, crate::views::short(&view.commit)),
            view.files.len(),
            view.message.lines().next().unwrap_or("")
        ));
    });
    Ok(())
}
