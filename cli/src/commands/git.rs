//! `atomic git import` and `atomic git export`: explicit sync with the colocated `.git`.

use atomic_repo::Repo;
use clap::Subcommand;

use super::Context;
use crate::error::CommandError;

/// Sync with the colocated git repository explicitly
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

/// Which way to sync.
#[derive(Subcommand, Debug)]
pub enum Action {
    /// Import commits and ref moves made with git (resumes an interrupted import)
    Import,
    /// Make git's refs match atomic's, undoing ref moves made with git since the last import
    Export,
    /// Configure git to merge source files with atomic's structured merge
    SetupMergeDriver(super::merge_driver::Args),
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let options = ctx.open_options();
    match args.action {
        Action::SetupMergeDriver(args) => super::merge_driver::run(ctx, args)?,
        Action::Import => {
            let progress = ctx.ui.progress();
            let (_, summary) = Repo::resume_import(&ctx.start_dir(), &options, &progress)?;
            ctx.ui.emit(&summary, |out| {
                out.push_str(&format!(
                    "Imported {} commit(s), {} ref update(s)\n",
                    summary.commits, summary.refs_changed
                ));
            });
        }
        Action::Export => {
            let repo = Repo::open_without_import(&ctx.start_dir(), &options)?;
            let summary = repo.export_git()?;
            ctx.ui.emit(&summary, |out| {
                out.push_str(&format!(
                    "Exported: {} ref(s) written, {} deleted\n",
                    summary.refs_written, summary.refs_deleted
                ));
            });
        }
    }
    Ok(())
}
