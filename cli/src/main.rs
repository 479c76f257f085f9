//! The `atomic` command: a git-compatible version-control tool with a semantic layer.

mod commands;
mod error;
mod ui;
mod views;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    let ui = ui::Ui::new(&cli.global);
    match commands::run(cli, &ui) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(&ui),
    }
}
