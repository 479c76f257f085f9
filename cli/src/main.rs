//! The `atomic` command: a git-compatible version-control tool with a semantic layer.

mod api;
mod client;
mod commands;
mod error;
mod rpc;
mod server;
mod ui;
mod views;

use std::process::ExitCode;

use clap::Parser;

use crate::commands::{Cli, Context};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = ui::Ui::new(&cli.global);
    let Ok(cwd) = std::env::current_dir() else {
        eprintln!("error: the current directory is gone\nhint: cd into the repository again");
        return ExitCode::from(error::EXIT_USER);
    };
    let autostart = cli.command.autostarts();
    let ctx = Context::new(cli.global, &ui, cwd, autostart);
    match commands::run(cli.command, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => ExitCode::from(err.report(&ui)),
    }
}
