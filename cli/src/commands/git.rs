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
    match args.action {
        Action::SetupMergeDriver(args) => super::merge_driver::run(ctx, args)?,
        Action::Import => {
            let progress = ctx.ui.progress();
            // A server only runs on a complete import: resuming is then a refresh.
            let summary = match ctx.invocation.served {
                Some(_) => ctx.open_without_import()?.refresh(&progress)?,
                None => {
                    ctx.open_local(|options| {
                        Repo::resume_import(&ctx.start_dir(), options, &progress)
                    })?
                    .1
                }
            };
            ctx.ui.emit(&summary, |out| {
                out.push_str(&format!(
                    "Imported {} commit(s), {} ref update(s)\n",
                    summary.commits, summary.refs_changed
                ));
            });
        }
        Action::Export => {
            let repo = ctx.open_without_import()?;
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
