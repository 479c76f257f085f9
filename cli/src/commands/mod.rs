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
mod session;
mod show;
mod status;
mod switch;
mod symbols;
mod sync;
mod watch;

use std::path::PathBuf;
use std::time::Duration;

use atomic_repo::{ImportSummary, OpenOptions, Repo};
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
}

/// Runs the parsed command.
pub fn run(cli: Cli, ui: &Ui) -> Result<(), CommandError> {
    let ctx = Context {
        global: cli.global,
        ui,
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
    }
}

/// What every handler gets.
pub struct Context<'a> {
    pub global: GlobalArgs,
    pub ui: &'a Ui,
}

impl Context<'_> {
    /// The directory commands start from: `-R`, else the current directory.
    pub fn start_dir(&self) -> PathBuf {
        self.global
            .repository
            .clone()
            .unwrap_or_else(|| PathBuf::from("."))
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
    pub fn open(&self) -> Result<Repo, CommandError> {
        let progress = self.ui.progress();
        let (repo, summary) = Repo::open(&self.start_dir(), &self.open_options(), &progress)?;
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
