//! `atomic merge`.

use atomic_repo::{MergeResult, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;

/// Merge another branch into the current one, symbol by symbol
///
/// A clean merge is recorded as a change with two parents (a git merge commit). Conflicts
/// are written into the files with diff3 markers, into git's index as conflict stages, and
/// listed by `atomic status`; edit them and `atomic record -m MSG` to finish, or
/// `atomic merge --abort` to go back. `git merge --abort` and a `git commit` that concludes
/// the merge end it for atomic too.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The branch (or any revision) to merge
    #[arg(required_unless_present = "abort")]
    pub branch: Option<String>,
    /// Abandon the merge in progress: every file it changed gets HEAD's version back
    #[arg(long, conflicts_with = "branch")]
    pub abort: bool,
}

/// What `merge --abort` did.
#[derive(Debug, Serialize, Deserialize)]
pub struct Aborted {
    /// Always true.
    pub aborted: bool,
    /// The paths written or removed, sorted.
    pub restored: Vec<String>,
}

/// `merge.abort`: the merge in progress abandoned.
pub struct Abort;

impl Method for Abort {
    const NAME: &'static str = "merge.abort";
    type Params = ();
    type Output = Aborted;
}

impl Run for Abort {
    fn run(repo: &Repo, _: (), _: &dyn Progress) -> Result<Aborted, CommandError> {
        let mut restored = repo.merge_abort()?;
        restored.sort();
        Ok(Aborted {
            aborted: true,
            restored,
        })
    }
}

/// What `merge` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// The branch or revision to merge into the current branch.
    pub branch: String,
}

/// `merge`: another branch into the current one.
pub struct Merge;

impl Method for Merge {
    const NAME: &'static str = "merge";
    type Params = Params;
    type Output = MergeResult;
}

impl Run for Merge {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<MergeResult, CommandError> {
        Ok(repo.merge(&p.branch)?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let Some(branch) = args.branch else {
        let aborted = ctx.call::<Abort>(())?;
        ctx.ui.emit(&aborted, |out| {
            out.push_str(&format!(
                "Merge aborted; {} file(s) restored\n",
                aborted.restored.len()
            ));
        });
        return Ok(());
    };
    let result = ctx.call::<Merge>(Params {
        branch: branch.clone(),
    })?;
    ctx.ui.emit(&result, |out| match &result {
        MergeResult::UpToDate => out.push_str("Already up to date\n"),
        MergeResult::FastForward { commit } => {
            out.push_str(&format!("Fast-forward to {}\n", commit.short()))
        }
        MergeResult::Merged {
            change_id,
            commit,
            merged_files,
        } => {
            out.push_str(&format!(
                "Merged {} as change {} (commit {})\n",
                branch,
                ctx.ui.paint(Label::Id, &change_id.short()),
                ctx.ui.paint(Label::Id, &commit.short())
            ));
            for f in merged_files {
                out.push_str(&format!("  merged by symbols: {f}\n"));
            }
        }
        MergeResult::Conflicts { conflicts, .. } => {
            out.push_str(&format!("Conflicts merging {}:\n", branch));
            for c in conflicts {
                out.push_str(&format!(
                    "  {} {} {}\n",
                    ctx.ui.paint(Label::Removed, "C"),
                    c.path,
                    describe_conflict(&c.kind)
                ));
            }
            out.push_str("Resolve them in the files, then `atomic record -m MSG`\n");
        }
    });
    if let MergeResult::Conflicts { files, .. } = &result {
        return Err(CommandError::new(
            "conflict",
            format!("the merge has conflicts in {} file(s)", files.len()),
            "edit the marked blocks, then `atomic record -m MSG`",
        ));
    }
    Ok(())
}

/// One line about a tree conflict, for people.
pub fn describe_conflict(kind: &atomic_merge::TreeConflictKind) -> String {
    use atomic_merge::{Side, TreeConflictKind as K};
    match kind {
        K::Content { conflicts } => conflicts
            .iter()
            .map(|c| format!("{} ({})", c.symbol.as_deref().unwrap_or("lines"), c.reason))
            .collect::<Vec<_>>()
            .join("; "),
        K::ModifiedDeleted {
            deleted_by: Side::Ours,
        } => "deleted here, changed there".into(),
        K::ModifiedDeleted {
            deleted_by: Side::Theirs,
        } => "changed here, deleted there".into(),
        K::NotText => "binary, symlink or submodule changed on both sides".into(),
        K::Dependency(d) => format!(
            "{} deleted on one side, newly called in {} on the other",
            d.name, d.called_in
        ),
        K::PathClash { clash, .. } => format!("{clash} is in the way on the other side"),
    }
}
