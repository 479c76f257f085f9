//! `atomic-merge-file`: `atomic merge-file` as a binary of its own, for git's merge driver
//! (`atomic git setup-merge-driver` configures it): git starts one process per file it
//! merges, and this one starts without the store (see the `atomic_merge_file` crate).
//!
//! Takes `atomic merge-file`'s arguments and `--json`, `-q`; exits as it does: the number
//! of conflicts (at most 127), 0 when clean, 255 on error, 2 for a bad command line.

use std::process::ExitCode;

use clap::Parser;

/// Merge three versions of a file by symbols, as `git merge-file` does by lines
///
/// `atomic merge-file` for git's merge driver. Writes the result into OURS (or to stdout
/// with -p, or to -o OUT). Exits with the number of conflicts (at most 127), 0 when clean,
/// 255 on error.
#[derive(Parser, Debug)]
#[command(name = "atomic-merge-file", version)]
struct Cli {
    #[command(flatten)]
    args: atomic_merge_file::Args,
    /// Print one JSON document on stdout instead of text
    #[arg(long)]
    json: bool,
    /// Print no status messages on stderr
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match atomic_merge_file::run(&cli.args, cli.json, cli.quiet) {
        Ok(code) => ExitCode::from(code),
        Err(e) => ExitCode::from(e.report(cli.json)),
    }
}
