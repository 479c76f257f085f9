//! The least a merge that knows the file's syntax must do, as a process: read the three
//! versions, merge them by lines (atomic's diff3, git's algorithm) and, when the path's
//! language is known, parse one version once with tree-sitter: the line merge's result when
//! it is clean (the check "a clean result parses" of atomic's audit needs no less), else
//! base (a merge that resolves conflicts by syntax parses its inputs). Nothing else: no
//! symbol table, no second parse. `benches/replay-merges.py` times it beside git and
//! atomic (`FLOOR=BIN`): how much of atomic's time one parse of the file already is, and
//! how far below git's time any merge that parses can go.
//!
//! Usage: `merge-floor PATH OURS BASE THEIRS`, the order of `git merge-file`. Writes the
//! line merge to stdout; exits with the number of conflicting regions (at most 127), or
//! 255 when a file cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Merge by lines and parse the result once: a floor for merge speed")]
struct Cli {
    /// The file's path in the repository (its extension picks the language).
    path: String,
    /// Our side.
    ours: PathBuf,
    /// The merge base.
    base: PathBuf,
    /// Their side.
    theirs: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let read = |p: &PathBuf| {
        std::fs::read(p).map_err(|e| format!("merge-floor: cannot read {}: {e}", p.display()))
    };
    let [ours, base, theirs] = match [&cli.ours, &cli.base, &cli.theirs].map(read) {
        [Ok(o), Ok(b), Ok(t)] => [o, b, t],
        inputs => {
            for e in inputs.into_iter().filter_map(Result::err) {
                eprintln!("{e}");
            }
            return ExitCode::from(255);
        }
    };
    let merged = atomic_merge::diff3(&base, &ours, &theirs, &atomic_merge::Labels::default());
    if let Some(profile) = atomic_semantic::language_for_path(&cli.path) {
        let (version, source) = if merged.conflicts.is_empty() {
            ("the line merge", &merged.text)
        } else {
            ("base", &base)
        };
        let parses = atomic_semantic::tree_of(profile, source)
            .is_some_and(|tree| !tree.root_node().has_error());
        if !parses {
            eprintln!("merge-floor: {version} does not parse");
        }
    }
    use std::io::Write;
    if let Err(e) = std::io::stdout().write_all(&merged.text) {
        eprintln!("merge-floor: cannot write the result: {e}");
        return ExitCode::from(255);
    }
    ExitCode::from(u8::try_from(merged.conflicts.len().min(127)).unwrap_or(127))
}
