//! The command line: global flags, the subcommands, and dispatch. One module per command.

mod branch;
mod clone;
mod context;
mod diff;
mod doctor;
mod git;
mod index;
mod init;
mod log;
mod merge;
mod merge_driver;
mod merge_file;
mod op;
mod record;
mod remote;
mod serve;
mod session;
mod show;
mod status;
mod switch;
mod symbols;
mod sync;
mod watch;

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use atomic_repo::{ImportSummary, OpenOptions, Repo, RepoError};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::CommandError;
use crate::ui::Ui;

/// A git-compatible version-control tool with a semantic layer
#[derive(Parser, Debug)]
#[command(name = "atomic", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// Run in this repository instead of the one containing the current directory
    #[arg(short = 'R', long = "repository", global = true, value_name = "PATH")]
    pub repository: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// When to color the output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print no status messages or progress on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// When to color the output.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    Init(init::Args),
    Clone(clone::Args),
    Status(status::Args),
    Diff(diff::Args),
    Record(record::Args),
    Log(log::Args),
    Show(show::Args),
    Branch(branch::Args),
    Switch(switch::Args),
    Remote(remote::Args),
    Fetch(sync::FetchArgs),
    Push(sync::PushArgs),
    Git(git::Args),
    Doctor(doctor::Args),
    Op(op::Args),
    Symbols(symbols::Args),
    Context(context::Args),
    Index(index::Args),
    MergeFile(merge_file::Args),
    Merge(merge::Args),
    Session(session::Args),
    Watch(watch::Args),
    Serve(serve::Args),
}

impl Command {
    /// Whether a running `atomic serve` runs this command: every command that opens an
    /// existing repository does.
    pub fn served(&self) -> bool {
        !matches!(
            self,
            Command::Init(_) | Command::Clone(_) | Command::MergeFile(_) | Command::Serve(_)
        )
    }

    /// Whether the command reads standard input (so a client sends it to the server).
    pub fn reads_stdin(&self) -> bool {
        matches!(self, Command::Session(args) if args.reads_stdin())
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli, ui: &Ui, invocation: &Invocation<'_>) -> Result<(), CommandError> {
    let ctx = Context {
        global: cli.global,
        ui,
        invocation,
    };
    match cli.command {
        Command::Init(args) => init::run(&ctx, args),
        Command::Clone(args) => clone::run(&ctx, args),
        Command::Status(args) => status::run(&ctx, args),
        Command::Diff(args) => diff::run(&ctx, args),
        Command::Record(args) => record::run(&ctx, args),
        Command::Log(args) => log::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Branch(args) => branch::run(&ctx, args),
        Command::Switch(args) => switch::run(&ctx, args),
        Command::Remote(args) => remote::run(&ctx, args),
        Command::Fetch(args) => sync::fetch(&ctx, args),
        Command::Push(args) => sync::push(&ctx, args),
        Command::Git(args) => git::run(&ctx, args),
        Command::Doctor(args) => doctor::run(&ctx, args),
        Command::Op(args) => op::run(&ctx, args),
        Command::Symbols(args) => symbols::run(&ctx, args),
        Command::Context(args) => context::run(&ctx, args),
        Command::Index(args) => index::run(&ctx, args),
        Command::MergeFile(args) => merge_file::run(&ctx, args),
        Command::Merge(args) => merge::run(&ctx, args),
        Command::Session(args) => session::run(&ctx, args),
        Command::Watch(args) => watch::run(&ctx, args),
        Command::Serve(args) => serve::run(&ctx, args),
    }
}

/// Where a command runs: in its own process, or inside `atomic serve` for a client.
pub struct Invocation<'a> {
    /// The directory relative paths start from (the client's, under `atomic serve`).
    pub cwd: PathBuf,
    /// Standard input as the client sent it; `None` reads this process's stdin.
    pub stdin: Option<Vec<u8>>,
    /// The repository `atomic serve` owns; `None` opens it from disk.
    pub served: Option<&'a Mutex<Repo>>,
}

/// An open repository: owned by this command, or borrowed from `atomic serve` (which runs
/// one command at a time on it).
pub enum RepoHandle<'a> {
    /// Opened by this process.
    Owned(Box<Repo>),
    /// The server's, locked for this command.
    Served(MutexGuard<'a, Repo>),
}

impl Deref for RepoHandle<'_> {
    type Target = Repo;

    fn deref(&self) -> &Repo {
        match self {
            RepoHandle::Owned(repo) => repo,
            RepoHandle::Served(guard) => guard,
        }
    }
}

/// How long one attempt to take the store's lock waits before looking for a server again.
const LOCK_SLICE: Duration = Duration::from_millis(200);

/// What every handler gets.
pub struct Context<'a> {
    pub global: GlobalArgs,
    pub ui: &'a Ui,
    pub invocation: &'a Invocation<'a>,
}

impl Context<'_> {
    /// The directory commands start from: `-R`, else the current directory.
    pub fn start_dir(&self) -> PathBuf {
        self.path(self.global.repository.as_deref().unwrap_or(Path::new(".")))
    }

    /// Resolves a path the user gave against the working directory.
    pub fn path(&self, path: &Path) -> PathBuf {
        self.invocation.cwd.join(path)
    }

    /// Reads all of standard input (the client's, under `atomic serve`).
    pub fn read_stdin(&self) -> std::io::Result<Vec<u8>> {
        if let Some(bytes) = &self.invocation.stdin {
            return Ok(bytes.clone());
        }
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        Ok(buf)
    }

    /// Runs `open` until it gets the store's lock, for up to the lock timeout in slices of
    /// [`LOCK_SLICE`]. Between slices it looks for an `atomic serve` that took the store
    /// meanwhile, and if there is one returns [`CommandError::route`], so the command goes
    /// to the server instead of failing.
    pub fn open_local<T>(
        &self,
        mut open: impl FnMut(&OpenOptions) -> Result<T, RepoError>,
    ) -> Result<T, CommandError> {
        let total = self.open_options().lock_timeout;
        let started = Instant::now();
        loop {
            let remaining = total.saturating_sub(started.elapsed());
            let slice = OpenOptions {
                lock_timeout: remaining.min(LOCK_SLICE),
            };
            match open(&slice) {
                Err(RepoError::Busy { .. })
                    if crate::client::server_listening(&self.start_dir()) =>
                {
                    return Err(CommandError::route());
                }
                Err(err @ RepoError::Busy { .. }) if remaining.is_zero() => {
                    return Err(err.into());
                }
                Err(RepoError::Busy { .. }) => {}
                other => return other.map_err(Into::into),
            }
        }
    }

    /// Opens the repository without importing what git did (the server's, when served).
    pub fn open_without_import(&self) -> Result<RepoHandle<'_>, CommandError> {
        match self.invocation.served {
            Some(repo) => Ok(RepoHandle::Served(
                repo.lock().unwrap_or_else(PoisonError::into_inner),
            )),
            None => self
                .open_local(|options| Repo::open_without_import(&self.start_dir(), options))
                .map(|repo| RepoHandle::Owned(Box::new(repo))),
        }
    }

    /// How long to wait for the store's lock: `ATOMIC_LOCK_TIMEOUT_MS`, default 10 s.
    pub fn open_options(&self) -> OpenOptions {
        let lock_timeout = std::env::var("ATOMIC_LOCK_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(OpenOptions::default().lock_timeout, Duration::from_millis);
        OpenOptions { lock_timeout }
    }

    /// Opens the repository, importing what git did since the last command.
    pub fn open(&self) -> Result<RepoHandle<'_>, CommandError> {
        let progress = self.ui.progress();
        let (repo, summary) = match self.invocation.served {
            Some(_) => {
                let repo = self.open_without_import()?;
                let summary = repo.refresh(&progress)?;
                (repo, summary)
            }
            None => {
                let (repo, summary) =
                    self.open_local(|options| Repo::open(&self.start_dir(), options, &progress))?;
                (RepoHandle::Owned(Box::new(repo)), summary)
            }
        };
        self.report_import(&summary, "imported from git");
        Ok(repo)
    }

    /// Prints a status line for a non-empty import.
    pub fn report_import(&self, summary: &ImportSummary, what: &str) {
        if summary.commits > 0 || summary.refs_changed > 0 {
            self.ui.status(&format!(
                "{what}: {} commit(s), {} ref update(s)",
                summary.commits, summary.refs_changed
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    /// Appends the help of `cmd` and of its subcommands, depth first.
    fn reference(cmd: &mut clap::Command, name: &str, out: &mut String) {
        out.push_str(&format!("## `{name}`\n\n```text\n"));
        out.push_str(cmd.render_long_help().to_string().trim_end());
        out.push_str("\n```\n\n");
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .filter(|n| n != "help")
            .collect();
        for sub in names {
            let child = cmd.find_subcommand_mut(&sub).expect("listed above");
            reference(child, &format!("{name} {sub}"), out);
        }
    }

    /// The CLI reference in `book/` is generated from `--help`; set `UPDATE_BOOK=1` to
    /// rewrite it after changing the command line.
    #[test]
    fn the_book_cli_reference_matches_the_help() {
        let mut cmd = super::Cli::command();
        cmd.build();
        let mut text = String::from(
            "# CLI reference\n\nGenerated from `atomic --help` by the test \
             `the_book_cli_reference_matches_the_help` (`UPDATE_BOOK=1 cargo test -p atomic-cli`).\n\n",
        );
        reference(&mut cmd, "atomic", &mut text);
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/cli-reference.md");
        if std::env::var_os("UPDATE_BOOK").is_some() {
            std::fs::write(&path, &text).expect("book/ is writable");
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == text,
            "book/src/cli-reference.md is out of date: run `UPDATE_BOOK=1 cargo test -p atomic-cli`"
        );
    }
}
