//! The command line: global flags, the subcommands, and dispatch. One module per command.

pub mod agent;
pub mod branch;
mod clone;
mod completions;
pub mod context;
mod dashboard;
pub mod diff;
pub mod doctor;
pub mod git;
pub mod index;
mod init;
pub mod log;
pub mod merge;
mod merge_driver;
mod merge_file;
pub mod op;
pub mod record;
pub mod remote;
pub mod restore;
mod serve;
pub mod session;
pub mod show;
pub mod status;
pub mod switch;
pub mod symbols;
pub mod sync;
pub mod tag;
pub mod watch;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use atomic_repo::{OpenOptions, Repo, RepoError};
use clap::{Parser, Subcommand};

pub use atomic_cli::args::GlobalArgs;

use crate::api::Run;
use crate::error::CommandError;
use crate::ui::Ui;
use atomic_api::Connection;

/// A git-compatible version-control tool with a semantic layer
#[derive(Parser, Debug)]
#[command(name = "atomic", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
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
    Tag(tag::Args),
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
    Restore(restore::Args),
    Undo(op::UndoArgs),
    Session(session::Args),
    Agent(agent::Args),
    Watch(watch::Args),
    Dashboard(dashboard::Args),
    Serve(serve::Args),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
    /// Serve MCP (the Model Context Protocol) on standard input and output, for agent hosts
    ///
    /// Sessions as tools: atomic_session_new, atomic_read, atomic_edit, atomic_submit and
    /// the rest (see the book's agent chapter). The host starts it in the repository, e.g.
    /// `{"command": "atomic", "args": ["mcp"]}`; it sends requests to the repository's
    /// `atomic serve`, started when none runs.
    Mcp,
}

impl Command {
    /// Whether the command's output goes through a pager on a terminal, as git's `log`,
    /// `show` and `diff` do.
    pub fn pages(&self) -> bool {
        matches!(self, Command::Log(_) | Command::Show(_) | Command::Diff(_))
    }

    /// Whether the command starts a server when none runs: session commands do, so that
    /// many agents in one repository are served at once without anyone starting it.
    pub fn autostarts(&self) -> bool {
        matches!(self, Command::Session(_) | Command::Agent(_))
    }
}

/// Runs the parsed command.
pub fn run(command: Command, ctx: &Context<'_>) -> Result<(), CommandError> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Clone(args) => clone::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::Diff(args) => diff::run(ctx, args),
        Command::Record(args) => record::run(ctx, args),
        Command::Log(args) => log::run(ctx, args),
        Command::Show(args) => show::run(ctx, args),
        Command::Branch(args) => branch::run(ctx, args),
        Command::Tag(args) => tag::run(ctx, args),
        Command::Switch(args) => switch::run(ctx, args),
        Command::Remote(args) => remote::run(ctx, args),
        Command::Fetch(args) => sync::fetch(ctx, args),
        Command::Push(args) => sync::push(ctx, args),
        Command::Git(args) => git::run(ctx, args),
        Command::Doctor(args) => doctor::run(ctx, args),
        Command::Op(args) => op::run(ctx, args),
        Command::Symbols(args) => symbols::run(ctx, args),
        Command::Context(args) => context::run(ctx, args),
        Command::Index(args) => index::run(ctx, args),
        Command::MergeFile(args) => merge_file::run(ctx, args),
        Command::Merge(args) => merge::run(ctx, args),
        Command::Restore(args) => restore::run(ctx, args),
        Command::Undo(args) => op::undo(ctx, args),
        Command::Session(args) => session::run(ctx, args),
        Command::Agent(args) => agent::run(ctx, args),
        Command::Watch(args) => watch::run(ctx, args),
        Command::Dashboard(args) => dashboard::run(ctx, args),
        Command::Serve(args) => serve::run(ctx, args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(ctx, args),
        Command::Mcp => crate::mcp::serve(ctx.root()?),
    }
}

/// Where a command's methods run: in this process, or on the repository's server.
pub enum Engine {
    /// The store, opened by this process.
    Local(Box<Repo>),
    /// A connection to `atomic serve`.
    Remote(Connection),
}

/// Whether a server listens for the store at `store` (`<root>/.atomic/store`): a command
/// waiting for the store then sends its request there.
fn server_appeared(store: &Path) -> bool {
    let root = store.parent().and_then(Path::parent).unwrap_or(store);
    atomic_api::socket_path(root).exists() && Connection::connect(root).is_some()
}

/// How long a server started for a session command stays after its last request.
pub const AUTOSTART_IDLE: Duration = Duration::from_secs(300);

/// What every handler gets.
pub struct Context<'a> {
    /// The global flags.
    pub global: GlobalArgs,
    /// Output.
    pub ui: &'a Ui,
    /// The directory relative paths start from.
    pub cwd: PathBuf,
    /// Whether a missing server is started (see [`Command::autostarts`]).
    pub autostart: bool,
    engine: RefCell<Option<Engine>>,
}

impl<'a> Context<'a> {
    /// Returns the context of a command run in `cwd`.
    pub fn new(global: GlobalArgs, ui: &'a Ui, cwd: PathBuf, autostart: bool) -> Self {
        Context {
            global,
            ui,
            cwd,
            autostart,
            engine: RefCell::new(None),
        }
    }

    /// The directory commands start from: `-R`, else the current directory.
    pub fn start_dir(&self) -> PathBuf {
        self.path(self.global.repository.as_deref().unwrap_or(Path::new(".")))
    }

    /// Resolves a path the user gave against the working directory.
    pub fn path(&self, path: &Path) -> PathBuf {
        self.cwd.join(path)
    }

    /// The repository's root: found above the start directory, or, inside a session's
    /// mount, the repository the session belongs to.
    ///
    /// # Errors
    /// [`RepoError::NotARepository`].
    pub fn root(&self) -> Result<PathBuf, CommandError> {
        let start = self.start_dir();
        match Repo::discover(&start) {
            Ok(root) => Ok(root),
            Err(e) => match atomic_repo::discover_session(&start) {
                Some(found) => Ok(found.root),
                None => Err(e.into()),
            },
        }
    }

    /// Turns paths the user gave (relative to the current directory, as git's pathspecs
    /// are) into paths relative to the repository root. With `-R` and a current directory
    /// outside the repository, paths are taken as relative to the root.
    ///
    /// # Errors
    /// A path outside the repository.
    pub fn repo_paths(&self, paths: &[String]) -> Result<Vec<String>, CommandError> {
        let root = self.root()?;
        let base = match std::path::absolute(&self.cwd) {
            Ok(cwd) if cwd.starts_with(&root) => cwd,
            _ => root.clone(),
        };
        paths
            .iter()
            .map(|p| {
                // Lexically, as git does: `..` removes the component before it.
                let mut normal = PathBuf::new();
                for c in base.join(p).components() {
                    match c {
                        std::path::Component::ParentDir => {
                            normal.pop();
                        }
                        std::path::Component::CurDir => {}
                        other => normal.push(other),
                    }
                }
                let rel = normal.strip_prefix(&root).map_err(|_| {
                    CommandError::user(
                        format!("{p} is outside the repository at {}", root.display()),
                        "name paths inside the repository",
                    )
                })?;
                Ok(rel.to_string_lossy().into_owned())
            })
            .collect()
    }

    /// How long to wait for the store's lock: `ATOMIC_LOCK_TIMEOUT_MS`, default 10 s.
    pub fn open_options(&self) -> OpenOptions {
        let lock_timeout = std::env::var("ATOMIC_LOCK_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(OpenOptions::default().lock_timeout, Duration::from_millis);
        OpenOptions {
            lock_timeout,
            ..OpenOptions::default()
        }
    }

    /// Calls method `M`: on the repository's server when one runs (or, for a session
    /// command, after starting one), else in this process.
    ///
    /// # Errors
    /// The method's; not finding the repository; a busy store.
    pub fn call<M: Run>(&self, params: M::Params) -> Result<M::Output, CommandError> {
        if self.engine.borrow().is_none() {
            let engine = self.connect()?;
            *self.engine.borrow_mut() = Some(engine);
        }
        let mut engine = self.engine.borrow_mut();
        match engine.as_mut().expect("connected above") {
            Engine::Local(repo) => {
                crate::api::run_local::<M>(repo, params, &crate::progress::bar(self.ui))
            }
            Engine::Remote(connection) => connection.call(M::NAME, &params),
        }
    }

    /// Lets go of the engine (closes a store opened here); the next call finds one again.
    pub fn release(&self) {
        *self.engine.borrow_mut() = None;
    }

    /// Finds the engine: a listening server; else, for a session command, a server started
    /// now (unless `ATOMIC_NO_SERVER` is set); else the store opened here, waiting for its
    /// lock in slices and switching to a server that appears meanwhile.
    fn connect(&self) -> Result<Engine, CommandError> {
        let root = self.root()?;
        if let Some(c) = Connection::connect(&root) {
            return Ok(Engine::Remote(c));
        }
        let total = self.open_options().lock_timeout;
        if self.autostart && std::env::var_os("ATOMIC_NO_SERVER").is_none() {
            let c = crate::client::start_server(
                &root,
                total.max(Duration::from_secs(10)),
                AUTOSTART_IDLE,
            )?;
            return Ok(Engine::Remote(c));
        }
        let options = OpenOptions {
            lock_timeout: total,
            give_up: Some(server_appeared),
        };
        match Repo::open_without_import(&root, &options) {
            Ok(repo) => Ok(Engine::Local(Box::new(repo))),
            Err(RepoError::Busy { path }) => match Connection::connect(&root) {
                Some(c) => Ok(Engine::Remote(c)),
                None => Err(RepoError::Busy { path }.into()),
            },
            Err(e) => Err(e.into()),
        }
    }
}

impl atomic_cli::front::Client for Context<'_> {
    fn ui(&self) -> &Ui {
        self.ui
    }

    fn cwd(&self) -> &Path {
        &self.cwd
    }

    fn root(&self) -> Result<PathBuf, CommandError> {
        Context::root(self)
    }
}

impl<M: Run> atomic_cli::front::Calls<M> for Context<'_> {
    fn call(&self, params: M::Params) -> Result<M::Output, CommandError> {
        Context::call::<M>(self, params)
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
