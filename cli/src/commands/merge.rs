//! `atomic merge`.

use atomic_repo::MergeResult;

use super::Context;
use crate::error::CommandError;
use crate::ui::Label;

/// Merge another branch into the current one, symbol by symbol
///
/// A clean merge is recorded as a change with two parents (a git merge commit). Conflicts
/// are written into the files with diff3 markers and listed by `atomic status`; edit them
/// and `atomic record -m MSG` to finish.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The branch (or any revision) to merge
    pub branch: String,
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let result = repo.merge(&args.branch)?;
    ctx.ui.emit(&result, |out| match &result {
        MergeResult::UpToDate => out.push_str("Already up to date\n"),
        MergeResult::FastForward { commit } => {
            out.push_str(&format!("Fast-forward to {}\n", commit.short()))
        }
        MergeResult::Merged {
            change,
            commit,
            merged_files,
        } => {
            out.push_str(&format!(
                "Merged {} as change {} (commit {})\n",
                args.branch,
                ctx.ui.paint(Label::Id, &change.short()),
                ctx.ui.paint(Label::Id, &commit.short())
            ));
            for f in merged_files {
                out.push_str(&format!("  merged by symbols: {f}\n"));
            }
        }
        MergeResult::Conflicts { details, .. } => {
            out.push_str(&format!("Conflicts merging {}:\n", args.branch));
            for f in details {
                for c in &f.conflicts {
                    out.push_str(&format!(
                        "  {} {} {} ({})\n",
                        ctx.ui.paint(Label::Removed, "C"),
                        f.path,
                        c.symbol.as_deref().unwrap_or(""),
                        c.reason
                    ));
                }
            }
            out.push_str("Resolve them in the files, then `atomic record -m MSG`\n");
        }
    });
    if let MergeResult::Conflicts { files, .. } = &result {
        return Err(CommandError {
            code: crate::error::EXIT_USER,
            message: format!("the merge has conflicts in {} file(s)", files.len()),
            hints: vec!["edit the marked blocks, then `atomic record -m MSG`".into()],
        });
    }
    Ok(())
}
