//! `atomic status`.

use atomic_repo::{Progress, Repo, StatusKind, WorkingTreeStatus};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;

/// Show the current branch and the working tree's changes against HEAD
#[derive(clap::Args, Debug)]
pub struct Args {}

/// `status`: the working tree against HEAD.
pub struct Status;

/// `status` takes no params.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Params {}

impl Method for Status {
    const NAME: &'static str = "status";
    type Params = Params;
    type Output = WorkingTreeStatus;
}

impl Run for Status {
    fn run(repo: &Repo, _: Params, _: &dyn Progress) -> Result<WorkingTreeStatus, CommandError> {
        Ok(repo.status()?)
    }
}

pub fn run(ctx: &Context<'_>, _args: Args) -> Result<(), CommandError> {
    let status = ctx.call::<Status>(Params {})?;
    ctx.ui.emit(&status, |out| {
        match &status.branch {
            Some(b) => out.push_str(&format!("On branch {}\n", ctx.ui.paint(Label::Ref, b))),
            None => out.push_str("HEAD detached\n"),
        }
        if let Some(m) = &status.merge {
            out.push_str(&format!(
                "Merging {} ({}); record to finish once these have no conflict markers:\n",
                m.other_name,
                m.other.short()
            ));
            for p in &m.conflicts {
                out.push_str(&format!("  {} {p}\n", ctx.ui.paint(Label::Removed, "C")));
            }
        }
        if !status.stale.is_empty() {
            out.push_str(
                "The branch moved under your edits (a submit changed these files too); \
                 record merges them:\n",
            );
            for s in &status.stale {
                let mark = if s.conflicted { "C" } else { "S" };
                out.push_str(&format!(
                    "  {} {}\n",
                    ctx.ui.paint(Label::Removed, mark),
                    s.path
                ));
            }
        }
        if status.changes.is_empty() {
            out.push_str("nothing to record, working tree clean\n");
        }
        for c in &status.changes {
            let (mark, label) = match c.kind {
                StatusKind::Added => ("A", Label::Added),
                StatusKind::Modified => ("M", Label::Meta),
                StatusKind::Deleted => ("D", Label::Removed),
            };
            out.push_str(&format!("{} {}\n", ctx.ui.paint(label, mark), c.path));
        }
    });
    Ok(())
}
