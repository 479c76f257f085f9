//! The `atomic` command: a git-compatible version-control tool with a semantic layer.

mod client;
mod commands;
mod error;
mod server;
mod ui;
mod views;
mod wire;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::commands::{Cli, Invocation};
use crate::error::{CommandError, ROUTE_TO_SERVER};

/// How many times a command may find the store taken by a server that then goes away.
const ROUTE_ATTEMPTS: usize = 3;

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let matches = Cli::command().get_matches_from(&argv);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let Ok(cwd) = std::env::current_dir() else {
        eprintln!("error: the current directory is gone\nhint: cd into the repository again");
        return ExitCode::from(error::EXIT_USER);
    };
    let repository = cli.global.repository.clone();
    let routed = client::Routed {
        argv: &argv,
        matches: &matches,
        cwd: &cwd,
        repository: repository.as_deref(),
        color: ui::wants_color(cli.global.color),
        reads_stdin: cli.command.reads_stdin(),
    };
    let served = cli.command.served();
    if served && let Some(code) = client::route(&routed) {
        return ExitCode::from(code);
    }
    let ui = ui::Ui::new(&cli.global);
    let invocation = Invocation {
        cwd: cwd.clone(),
        stdin: None,
        served: None,
    };
    let mut outcome = commands::run(cli, &ui, &invocation);
    // A server took the store while the command waited for it: send it there (the command
    // had not started). If that server is gone again, the command retries here.
    for _ in 0..ROUTE_ATTEMPTS {
        match outcome {
            Err(CommandError {
                code: ROUTE_TO_SERVER,
                ..
            }) if served => {}
            _ => break,
        }
        if let Some(code) = client::route(&routed) {
            return ExitCode::from(code);
        }
        let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        outcome = commands::run(cli, &ui, &invocation);
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => ExitCode::from(err.report(&ui)),
    }
}
