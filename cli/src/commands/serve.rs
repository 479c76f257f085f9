//! `atomic serve`: one process owns the store and runs every command sent to it.

use super::Context;
use crate::error::CommandError;

/// Own the repository's store and run the commands of every `atomic` process in it
///
/// Listens on the Unix socket `.atomic/serve.sock`. While it runs, every `atomic` command
/// in the repository (except init, clone and merge-file) is sent to it and runs there, one
/// at a time, without opening the store or waiting for its lock: what many agents working
/// at once want. Commands started before the server waited for the store's lock; they
/// switch to the server when it appears. Stop it with `atomic serve --stop` (which waits
/// for the command in progress), or any signal; a socket left behind by a killed server is
/// ignored by clients and replaced by the next server.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Stop the server running in this repository, after the command in progress
    #[arg(long)]
    pub stop: bool,
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let root = atomic_repo::Repo::discover(&ctx.start_dir())?;
    if args.stop {
        let stopped = crate::client::stop(&root).map_err(|e| CommandError {
            code: crate::error::EXIT_INTERNAL,
            message: format!("cannot reach the server: {e}"),
            hints: vec!["if it still runs, end it with a signal".into()],
        })?;
        let doc = serde_json::json!({ "stopped": stopped });
        ctx.ui.emit(&doc, |out| {
            out.push_str(if stopped {
                "Stopped the server\n"
            } else {
                "No server runs here\n"
            });
        });
        return Ok(());
    }
    if crate::client::server_listening(&root) {
        return Err(CommandError::user(
            format!("a server already runs in {}", root.display()),
            "stop it first with `atomic serve --stop`",
        ));
    }
    let progress = ctx.ui.progress();
    let (repo, summary) =
        ctx.open_local(|options| atomic_repo::Repo::open(&root, options, &progress))?;
    ctx.report_import(&summary, "imported from git");
    crate::server::run(repo, ctx.ui)
}
