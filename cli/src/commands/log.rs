//! `atomic log`.

use super::Context;
use crate::error::CommandError;
use crate::ui::Label;
use crate::views::{ChangeView, format_time};

/// Show changes, newest first, from HEAD (or the given revisions)
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Start from these revisions (default: HEAD)
    pub revisions: Vec<String>,
    /// Start from every branch, tag and remote branch
    #[arg(long)]
    pub all: bool,
    /// Show at most this many changes
    #[arg(short = 'n', long)]
    pub limit: Option<usize>,
    /// One line per change
    #[arg(long)]
    pub oneline: bool,
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let mut starts = Vec::new();
    if args.all {
        for (_, commit) in repo.store().refs().map_err(atomic_repo::RepoError::from)? {
            starts.push(repo.change_of_commit(commit)?);
        }
    }
    for rev in &args.revisions {
        starts.push(repo.resolve(rev)?);
    }
    if starts.is_empty()
        && !args.all
        && let Some(head) = repo.head_commit()?
    {
        starts.push(repo.change_of_commit(head)?);
    }
    let changes = repo.log(&starts, args.limit)?;
    let views: Vec<ChangeView> = changes.iter().map(ChangeView::summary).collect();
    ctx.ui.emit(&views, |out| {
        for c in &changes {
            if args.oneline {
                out.push_str(&format!(
                    "{} {} {}\n",
                    ctx.ui.paint(Label::Id, &c.id.short()),
                    ctx.ui.paint(Label::Id, &c.git_commit.short()),
                    c.summary()
                ));
                continue;
            }
            out.push_str(&format!(
                "{} {}\n",
                ctx.ui.paint(Label::Id, &format!("change {}", c.id.short())),
                ctx.ui
                    .paint(Label::Meta, &format!("(commit {})", c.git_commit))
            ));
            if c.parents.len() > 1 {
                let parents: Vec<String> = c.parents.iter().map(|p| p.short()).collect();
                out.push_str(&format!("Merge: {}\n", parents.join(" ")));
            }
            out.push_str(&format!(
                "Author: {} <{}>\nDate:   {}\n\n",
                c.author.name,
                c.author.email,
                format_time(&c.author)
            ));
            for line in c.message.trim_end().lines() {
                out.push_str(&format!("    {line}\n"));
            }
            out.push('\n');
        }
    });
    Ok(())
}
