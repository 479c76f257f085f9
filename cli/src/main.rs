//! `atomic-engine`: the `atomic` command with every command and the store. The `atomic`
//! binary (the thin client, `atomic_cli::thin`) runs the session commands agents call
//! most through a running server and hands everything else to this binary, with the same
//! command line.

mod api;
mod client;
mod commands;
mod dashboard;
mod error;
mod graph;
mod mcp;
mod mounts;
mod progress;
mod server;
mod views;

use atomic_api::rpc;
use atomic_cli::ui;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use std::path::Path;

use crate::commands::{Cli, Context};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let ui = ui::Ui::new(&cli.global);
    let Ok(cwd) = std::env::current_dir() else {
        eprintln!("error: the current directory is gone\nhint: cd into the repository again");
        return ExitCode::from(error::EXIT_USER);
    };
    let autostart = cli.command.autostarts();
    if cli.command.pages() && !cli.global.no_pager {
        let start = cwd.join(cli.global.repository.as_deref().unwrap_or(Path::new(".")));
        ui.start_pager(|| atomic_gitbridge::config_string(&start, "core.pager"));
    }
    let ctx = Context::new(cli.global, &ui, cwd, autostart);
    let code = match commands::run(cli.command, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => ExitCode::from(err.report(ui.json)),
    };
    ui.finish_pager();
    code
}

/// Reports a command line clap refused (help and version are not errors): as clap prints
/// it, or with `--json` as one JSON document of kind `usage`; exit code 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    let json = std::env::args_os().any(|a| a == "--json");
    if json && !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let message = e
            .render()
            .to_string()
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ")
            .to_owned();
        let err = error::CommandError {
            kind: "usage".into(),
            code: 2,
            message,
            hints: vec!["see `atomic help` and `atomic <command> --help`".into()],
        };
        eprint!("{}", err.render(true));
        return ExitCode::from(2);
    }
    let _ = e.print();
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}
