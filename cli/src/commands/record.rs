//! `atomic record`.

use super::Context;
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

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let change = repo.record(&args.message)?;
    let view = ChangeView::summary(&change);
    ctx.ui.emit(&view, |out| {
        out.push_str(&format!(
            "Recorded change {} (commit {}): {} file(s)\n  {}\n",
            ctx.ui.paint(Label::Id, &change.id.short()),
            ctx.ui.paint(Label::Id, &change.git_commit.short()),
            change.files.len(),
            change.summary()
        ));
    });
    Ok(())
}
