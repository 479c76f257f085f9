//! `atomic log`.

use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::Method;
use crate::error::CommandError;
use crate::ui::Label;
use crate::views::{ChangeView, format_time, short};

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

/// `log`: changes reachable from revisions, newest first.
pub struct Log;

/// What `log` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// Start from these revisions (HEAD when empty and `all` is false).
    #[serde(default)]
    pub revisions: Vec<String>,
    /// Start from every ref.
    #[serde(default)]
    pub all: bool,
    /// At most this many.
    pub limit: Option<usize>,
}

impl Method for Log {
    const NAME: &'static str = "log";
    type Params = Params;
    type Output = Vec<ChangeView>;

    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Vec<ChangeView>, CommandError> {
        let mut starts = Vec::new();
        if p.all {
            for commit in repo.branch_tips()? {
                starts.push(repo.change_of_commit(commit)?);
            }
        }
        for rev in &p.revisions {
            starts.push(repo.resolve(rev)?);
        }
        if starts.is_empty()
            && !p.all
            && let Some(head) = repo.head_commit()?
        {
            starts.push(repo.change_of_commit(head)?);
        }
        Ok(repo
            .log(&starts, p.limit)?
            .iter()
            .map(ChangeView::summary)
            .collect())
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let changes = ctx.call::<Log>(Params {
        revisions: args.revisions,
        all: args.all,
        limit: args.limit,
    })?;
    ctx.ui.emit(&changes, |out| {
        for c in &changes {
            let summary = c.message.lines().next().unwrap_or("");
            if args.oneline {
                out.push_str(&format!(
                    "{} {} {summary}\n",
                    ctx.ui.paint(Label::Id, short(&c.change_id)),
                    ctx.ui.paint(Label::Id, short(&c.commit)),
                ));
                continue;
            }
            out.push_str(&format!(
                "{} {}\n",
                ctx.ui
                    .paint(Label::Id, &format!("change {}", short(&c.change_id))),
                ctx.ui.paint(Label::Meta, &format!("(commit {})", c.commit))
            ));
            if c.parents.len() > 1 {
                let parents: Vec<&str> = c.parents.iter().map(|p| short(p)).collect();
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
