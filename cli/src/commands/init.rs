//! `atomic init`.

use std::path::PathBuf;

use atomic_repo::Repo;
use serde::Serialize;

use super::Context;
use crate::error::CommandError;

/// Create a repository here, or adopt the git repository here with its history
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory to initialize (default: the current directory, or -R)
    pub path: Option<PathBuf>,
}

/// What `init` and `clone` print.
#[derive(Serialize)]
pub struct Created {
    pub root: String,
    pub branch: Option<String>,
    pub head: Option<String>,
    pub commits_imported: usize,
    pub changes: u64,
}

impl Created {
    pub fn new(repo: &Repo, commits: usize) -> Result<Self, CommandError> {
        Ok(Created {
            root: repo.root().display().to_string(),
            branch: repo.current_branch()?,
            head: repo.head_commit()?.map(|c| c.to_hex()),
            commits_imported: commits,
            changes: repo.change_count()?,
        })
    }

    pub fn print(&self, ctx: &Context<'_>, verb: &str) {
        ctx.ui.emit(self, |out| {
            out.push_str(&format!(
                "{verb} {} ({} change(s), branch {})\n",
                self.root,
                self.changes,
                self.branch.as_deref().unwrap_or("(detached)")
            ));
        });
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let path = args.path.unwrap_or_else(|| ctx.start_dir());
    let progress = crate::progress::bar(ctx.ui);
    let (repo, summary) = Repo::init(&path, &ctx.open_options(), &progress)?;
    Created::new(&repo, summary.commits)?.print(ctx, "Initialized");
    Ok(())
}
