//! `atomic status`.

use atomic_repo::StatusKind;

use super::Context;
use crate::error::CommandError;
use crate::ui::Label;

/// Show the current branch and the working tree's changes against HEAD
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(ctx: &Context<'_>, _args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let status = repo.status()?;
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
