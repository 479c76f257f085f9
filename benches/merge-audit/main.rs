//! Audits a merge result by the checks every clean merge of atomic must pass
//! ([`atomic_merge::audit`]: it parses, keeps every edit of each side, defines and imports
//! no name twice where no input did), whatever tool made it.
//!
//! Usage: `merge-audit PATH BASE OURS THEIRS RESULT` where PATH names the file (its
//! extension picks the language) and the other four are files. Prints one problem per
//! line; exits 0 when there is none, 1 when there are, 2 on bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Audit a merge result as atomic audits its own clean merges")]
struct Cli {
    /// The file's path in the repository (its extension picks the language).
    path: String,
    /// The merge base.
    base: PathBuf,
    /// Our side.
    ours: PathBuf,
    /// Their side.
    theirs: PathBuf,
    /// The merge result to audit.
    result: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let read = |p: &PathBuf| {
        std::fs::read(p).map_err(|e| format!("merge-audit: cannot read {}: {e}", p.display()))
    };
    let inputs = [&cli.base, &cli.ours, &cli.theirs, &cli.result].map(read);
    let [base, ours, theirs, result] = match inputs {
        [Ok(b), Ok(o), Ok(t), Ok(r)] => [b, o, t, r],
        inputs => {
            for e in inputs.into_iter().filter_map(Result::err) {
                eprintln!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    let problems = atomic_merge::audit(&cli.path, &base, &ours, &theirs, &result);
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
