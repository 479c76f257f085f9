//! `atomic clone`.

use std::path::PathBuf;

use atomic_repo::Repo;

use super::Context;
use super::init::Created;
use crate::error::CommandError;

/// Clone a git repository and import its history as changes
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Path or URL of the git repository to clone
    pub source: String,
    /// Directory to create (default: the source's name, without .git)
    pub directory: Option<PathBuf>,
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let dest = match args.directory {
        Some(d) => d,
        None => {
            let name = args
                .source
                .trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or_default()
                .trim_end_matches(".git")
                .to_owned();
            if name.is_empty() {
                return Err(CommandError::user(
                    format!("cannot guess a directory name from `{}`", args.source),
                    "pass the directory: `atomic clone <source> <directory>`",
                ));
            }
            PathBuf::from(name)
        }
    };
    ctx.ui
        .status(&format!("Cloning {} into {}", args.source, dest.display()));
    let progress = crate::progress::bar(ctx.ui);
    let (repo, summary) = Repo::clone(&args.source, &dest, &ctx.open_options(), &progress)?;
    Created::new(&repo, summary.commits)?.print(ctx, "Cloned into");
    Ok(())
}
