//! `atomic restore`: discard working-tree changes.

use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;

/// Discard changes in the working tree: files get their version in HEAD (or --source) back
///
/// As `git restore --source=REV PATHS`: changed and deleted files come back, tracked files
/// that the source lacks are removed, untracked files are left alone. Paths are relative
/// to the current directory; `.` restores everything under it. There is no staging area
/// to restore.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The files or directories to restore
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Take the files from this revision instead of HEAD
    #[arg(long, short)]
    pub source: Option<String>,
}

/// What `restore` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// Repository-relative paths or directories (`""` for the whole tree).
    pub paths: Vec<String>,
    /// The revision to take files from; HEAD when absent.
    pub source: Option<String>,
}

/// What `restore` did.
#[derive(Debug, Serialize, Deserialize)]
pub struct Restored {
    /// The paths written or removed, sorted.
    pub restored: Vec<String>,
}

/// `restore`: working-tree files back to a revision's version.
pub struct Restore;

impl Method for Restore {
    const NAME: &'static str = "restore";
    type Params = Params;
    type Output = Restored;
}

impl Run for Restore {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Restored, CommandError> {
        Ok(Restored {
            restored: repo.restore(&p.paths, p.source.as_deref())?,
        })
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let result = ctx.call::<Restore>(Params {
        paths: ctx.repo_paths(&args.paths)?,
        source: args.source,
    })?;
    ctx.ui.emit(&result, |out| {
        if result.restored.is_empty() {
            out.push_str("Nothing to restore\n");
        }
        for path in &result.restored {
            out.push_str(&format!("Restored {path}\n"));
        }
    });
    Ok(())
}
