//! `atomic git import` and `atomic git export`: explicit sync with the colocated `.git`.

use atomic_repo::{ExportSummary, ImportSummary, Progress, Repo};
use clap::Subcommand;

use super::Context;
use super::branch::NoParams;
use crate::api::{Method, Run};
use crate::error::CommandError;
use atomic_api::Connection;

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

/// `git.import`: what git did becomes changes and ref moves, whatever the stamp says.
pub struct Import;

impl Method for Import {
    const NAME: &'static str = "git.import";
    const SYNC: bool = false;
    type Params = NoParams;
    type Output = ImportSummary;
}

impl Run for Import {
    fn run(
        repo: &Repo,
        _: NoParams,
        progress: &dyn Progress,
    ) -> Result<ImportSummary, CommandError> {
        Ok(repo.import_git(progress)?)
    }
}

/// `git.export`: git's refs are set to atomic's.
pub struct Export;

impl Method for Export {
    const NAME: &'static str = "git.export";
    const SYNC: bool = false;
    type Params = NoParams;
    type Output = ExportSummary;
}

impl Run for Export {
    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<ExportSummary, CommandError> {
        Ok(repo.export_git()?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    match args.action {
        Action::SetupMergeDriver(args) => super::merge_driver::run(ctx, args)?,
        Action::Import => {
            // A server only runs on a complete import: with one, this is a plain import.
            // Without one, an interrupted import (which no other command opens) resumes.
            let root = ctx.root()?;
            let summary = if Connection::connect(&root).is_some() {
                ctx.call::<Import>(NoParams {})?
            } else {
                Repo::resume_import(&root, &ctx.open_options(), &crate::progress::bar(ctx.ui))?.1
            };
            ctx.ui.emit(&summary, |out| {
                out.push_str(&format!(
                    "Imported {} commit(s), {} ref update(s)\n",
                    summary.commits, summary.refs_changed
                ));
            });
        }
        Action::Export => {
            let summary = ctx.call::<Export>(NoParams {})?;
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
