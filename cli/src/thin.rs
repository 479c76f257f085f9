//! The `atomic` binary: a thin client that starts in about a millisecond. It runs the
//! session commands agents call most (`new`, `read`, `write`, `edit`, `rm`, `mv`, `ls`)
//! through the repository's running server, and `merge-file` in its own process; for
//! anything else, or when no server runs, it replaces itself with the engine
//! (`atomic-engine`, installed beside it), which takes the same command line.
//!
//! The thin client never opens the store and links neither RocksDB nor the CLI's other
//! commands: starting those is most of an `atomic` process's cost (see the book's
//! "Where an `atomic` process's start goes").

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use atomic_api::{CommandError, Connection, Method};
use clap::{Parser, Subcommand};

use crate::args::{Action, GlobalArgs, SessionArgs};
use crate::front::{self, Calls, Client};
use crate::ui::Ui;

/// The engine's file name, in the thin client's directory.
pub const ENGINE: &str = "atomic-engine";

/// The part of `atomic`'s command line the thin client runs; a command line it does not
/// parse goes to the engine whole (help, versions and usage errors included).
#[derive(Parser, Debug)]
#[command(name = "atomic")]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Session(SessionArgs),
    MergeFile(atomic_merge_file::Args),
}

/// Runs `atomic` with this process's arguments.
pub fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    match run(&argv) {
        Some(code) => code,
        None => exec_engine(&argv),
    }
}

/// Runs the command line here when the thin client can; `None` when the engine must.
fn run(argv: &[OsString]) -> Option<ExitCode> {
    let cli = Cli::try_parse_from(argv).ok()?;
    let json = cli.global.json;
    let outcome = match cli.command {
        Command::MergeFile(args) => match atomic_merge_file::run(&args, json, cli.global.quiet) {
            Ok(code) => return Some(ExitCode::from(code)),
            Err(e) => Err(e.into()),
        },
        Command::Session(args) => {
            let ui = Ui::new(&cli.global);
            let cwd = std::env::current_dir().ok()?;
            let thin = Thin::connect(&cli.global, &ui, cwd, &args.action)?;
            front::run(&thin, &args).expect("Thin::connect takes only what front::run runs")
        }
    };
    Some(match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(e.report(json)),
    })
}

/// A session command sent to a running server.
struct Thin<'a> {
    ui: &'a Ui,
    cwd: PathBuf,
    root: PathBuf,
    connection: std::cell::RefCell<Connection>,
}

impl<'a> Thin<'a> {
    /// Connects to the server of the repository the command runs in, for an action the
    /// thin client runs. `None` for another action, outside a repository (the engine
    /// says why), or when no server listens (the engine starts one, or runs the action
    /// itself): decided before standard input is read.
    fn connect(global: &GlobalArgs, ui: &'a Ui, cwd: PathBuf, action: &Action) -> Option<Thin<'a>> {
        if !front::runs(action) {
            return None;
        }
        let start = cwd.join(global.repository.as_deref().unwrap_or(Path::new(".")));
        let start = std::path::absolute(&start).ok()?;
        let root = atomic_api::discover_root(&start)
            .or_else(|| atomic_api::discover_session(&start).map(|found| found.root))?;
        let connection = Connection::connect(&root)?;
        Some(Thin {
            ui,
            cwd,
            root,
            connection: std::cell::RefCell::new(connection),
        })
    }
}

impl Client for Thin<'_> {
    fn ui(&self) -> &Ui {
        self.ui
    }

    fn cwd(&self) -> &Path {
        &self.cwd
    }

    fn root(&self) -> Result<PathBuf, CommandError> {
        Ok(self.root.clone())
    }
}

impl<M: Method> Calls<M> for Thin<'_> {
    fn call(&self, params: M::Params) -> Result<M::Output, CommandError> {
        self.connection.borrow_mut().call(M::NAME, &params)
    }
}

/// Replaces this process with the engine, given the same arguments.
fn exec_engine(argv: &[OsString]) -> ExitCode {
    let engine = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(ENGINE)));
    let Some(engine) = engine else {
        return engine_missing(Path::new(ENGINE), "cannot find this program's directory");
    };
    let mut cmd = std::process::Command::new(&engine);
    cmd.args(argv.iter().skip(1));
    if let Some(name) = argv.first() {
        cmd.arg0(name);
    }
    let err = cmd.exec();
    engine_missing(&engine, &err.to_string())
}

fn engine_missing(engine: &Path, why: &str) -> ExitCode {
    let err = CommandError::internal(
        "no_engine",
        format!("cannot run {}: {why}", engine.display()),
        format!("install {ENGINE} beside atomic (`cargo install` installs both)"),
    );
    let json = std::env::args_os().any(|a| a == "--json");
    ExitCode::from(err.report(json))
}
