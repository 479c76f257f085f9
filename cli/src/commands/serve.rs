//! `atomic serve`: one process owns the store and answers every command sent to it.

use std::time::Duration;

use super::Context;
use crate::error::CommandError;
use crate::server::{ServeOptions, lock_server};

/// Own the repository's store and answer the requests of every `atomic` process in it
///
/// Listens on the Unix socket `.atomic/serve.sock` for JSON-RPC 2.0 requests (see
/// book/src/protocol.md). While it runs, every `atomic` command in the repository (except
/// init, clone and merge-file) sends its request there instead of opening the store, and
/// requests run concurrently: reads and writes to different sessions in parallel, a submit's
/// merge outside the store's write lock. Session commands start a server themselves when
/// none runs (it leaves after --idle-seconds). Stop it with `atomic serve --stop`, which
/// lets the requests in progress finish; a socket left by a killed server is replaced by the
/// next one.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Stop the server running in this repository, after the requests in progress
    #[arg(long)]
    pub stop: bool,
    /// Leave after this many seconds without a connection (default: run until stopped)
    #[arg(long, value_name = "SECONDS")]
    pub idle_seconds: Option<u64>,
    /// Connections served at once; more are answered `busy`
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
}

/// The glibc tunable a server runs with: a fixed mmap threshold. By default glibc raises
/// the threshold after freeing a large block, so later large zeroed allocations (each
/// mount's 16 MiB FUSE request buffer) come from the heap and are written in full:
/// measured, 27 MB of resident memory per mount against 1 MB with the threshold fixed.
const MALLOC_TUNABLE: &str = "glibc.malloc.mmap_threshold=131072";

/// Runs this server again with [`MALLOC_TUNABLE`] set, unless it is set (then returns).
fn exec_with_malloc_tunable() {
    use std::os::unix::process::CommandExt;
    let current = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if current.contains("glibc.malloc.mmap_threshold") {
        return;
    }
    let tunables = if current.is_empty() {
        MALLOC_TUNABLE.to_owned()
    } else {
        format!("{current}:{MALLOC_TUNABLE}")
    };
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    // Only returns when the exec failed: then serve as we are.
    let _ = std::process::Command::new(exe)
        .arg0(argv0)
        .args(args)
        .env("GLIBC_TUNABLES", tunables)
        .exec();
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let root = ctx.root()?;
    if !args.stop {
        exec_with_malloc_tunable();
    }
    if args.stop {
        let stopped = crate::client::stop(&root)?;
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
    let Some(_lock) = lock_server(&root)? else {
        // Started for a session command while another process started one too: that
        // one serves.
        if args.idle_seconds.is_some() {
            return Ok(());
        }
        return Err(CommandError::new(
            "server_running",
            format!("a server already runs in {}", root.display()),
            "stop it first with `atomic serve --stop`",
        ));
    };
    // Compiling a grammar's queries takes about 100 ms: done now, beside the startup,
    // instead of in the first write of a file of that language.
    std::thread::spawn(|| {
        for language in &atomic_semantic::LANGUAGES {
            language.language();
        }
    });
    let progress = crate::progress::bar(ctx.ui);
    let options = ctx.open_options();
    let repo = atomic_repo::Repo::open_without_import(&root, &options)?;
    repo.sync(&progress)?;
    let mounts = crate::mounts::install();
    let restored = mounts.restore(&repo);
    if restored > 0 {
        ctx.ui
            .status(&format!("Mounted {restored} session(s) again"));
    }
    let served = crate::server::run(
        repo,
        ctx.ui,
        ServeOptions {
            idle: args.idle_seconds.map(Duration::from_secs),
            max_connections: args.max_connections.max(1),
        },
    );
    mounts.unmount_all();
    served
}
