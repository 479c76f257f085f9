//! `atomic merge-file`: git merge-file's interface on atomic's structured merge.
//!
//! Shared by the `atomic merge-file` command and the `atomic-merge-file` binary, which
//! `atomic git setup-merge-driver` makes git's merge driver. git starts the driver once
//! per file it merges, so the driver is a process of its own that holds the merge and
//! the grammars and nothing else: the `atomic` binary also links RocksDB, whose static
//! constructors, relocations and exit handlers made up most of its 5 to 7 ms start
//! (`perf record` of `atomic --version`), against about 1.5 ms for a binary without it.
//! This crate reads no store and knows nothing of repositories. It also renders errors as
//! every `atomic` command prints them ([`ErrorReport`]), so both binaries print the same.

use std::io::Write;
use std::path::{Path, PathBuf};

use atomic_merge::{Labels, MergeOutcome, merge};
use serde::Serialize;

/// Exit status for an error: above 127, as git merge-file's interface reserves.
pub const EXIT_MERGE_FILE_ERROR: u8 = 255;

/// Merge three versions of a file by symbols, as `git merge-file` does by lines
///
/// Writes the result into OURS (or to stdout with -p, or to -o OUT). Exits with the number
/// of conflicts (at most 127), 0 when clean, 255 on error.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Our version, changed in place unless -p or -o
    pub ours: PathBuf,
    /// The common ancestor
    pub base: PathBuf,
    /// Their version
    pub theirs: PathBuf,
    /// Print the result on stdout instead of writing OURS
    #[arg(short = 'p', long = "stdout")]
    pub stdout: bool,
    /// Write the result to this file instead of OURS
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Labels for the ours, base and theirs markers (up to three, in that order)
    #[arg(short = 'L', value_name = "LABEL")]
    pub labels: Vec<String>,
    /// The path whose extension selects the language (default: OURS); git merge drivers
    /// pass %P here, since %A is a temporary file
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
    /// Accepted for compatibility with git merge-file; markers are always diff3 style
    #[arg(long)]
    pub diff3: bool,
}

/// Why a merge-file run failed; nothing was written.
#[derive(Debug)]
pub struct Error {
    /// Stable, snake case: `io` or `binary`.
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
    /// What to do next.
    pub hint: &'static str,
}

/// An error as atomic's commands show it (see [`ErrorReport::render`]).
#[derive(Serialize)]
pub struct ErrorReport<'a> {
    /// Stable, snake case.
    pub kind: &'a str,
    /// Exit code.
    pub code: u8,
    /// What went wrong.
    pub message: &'a str,
    /// What to do next.
    pub hints: &'a [String],
}

impl ErrorReport<'_> {
    /// One JSON document `{"error": {...}}` with `json`, else `error:` and `hint:` lines.
    pub fn render(&self, json: bool) -> String {
        let mut text = String::new();
        if json {
            let doc = serde_json::json!({ "error": self });
            text.push_str(&format!("{doc}\n"));
        } else {
            text.push_str(&format!("error: {}\n", self.message));
            for hint in self.hints {
                text.push_str(&format!("hint: {hint}\n"));
            }
        }
        text
    }
}

impl Error {
    /// Prints the error on stderr as atomic's commands do and returns the exit code.
    pub fn report(&self, json: bool) -> u8 {
        let hints = [self.hint.to_owned()];
        let report = ErrorReport {
            kind: self.kind,
            code: EXIT_MERGE_FILE_ERROR,
            message: &self.message,
            hints: &hints,
        };
        let _ = std::io::stderr().write_all(report.render(json).as_bytes());
        EXIT_MERGE_FILE_ERROR
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error {
        kind: "io",
        message: format!("cannot read {}: {e}", path.display()),
        hint: "pass three readable files: OURS BASE THEIRS",
    })
}

/// Merges, writes the result where `args` say and prints `--json`'s document (with
/// `json`) or the conflict count on stderr (unless `quiet`). Returns the exit code: the
/// number of conflicts, at most 127.
///
/// # Errors
/// An input that cannot be read or is binary (OURS is left as it was), or a result that
/// cannot be written.
pub fn run(args: &Args, json: bool, quiet: bool) -> Result<u8, Error> {
    let (ours, base, theirs) = (read(&args.ours)?, read(&args.base)?, read(&args.theirs)?);
    // As git merge-file: binary input is refused, and OURS stays as it was.
    for (bytes, path) in [
        (&ours, &args.ours),
        (&base, &args.base),
        (&theirs, &args.theirs),
    ] {
        if atomic_core::is_binary(bytes) {
            return Err(Error {
                kind: "binary",
                message: format!("cannot merge binary files: {}", path.display()),
                hint: "pick one side of a binary file; only text merges",
            });
        }
    }
    let label = |i: usize, p: &PathBuf| {
        args.labels
            .get(i)
            .cloned()
            .unwrap_or_else(|| p.display().to_string())
    };
    let labels = [
        label(0, &args.ours),
        label(1, &args.base),
        label(2, &args.theirs),
    ];
    let path = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    let outcome = merge(
        &path,
        &base,
        &ours,
        &theirs,
        &Labels {
            ours: &labels[0],
            base: &labels[1],
            theirs: &labels[2],
        },
    );
    if json {
        print_json(&path, &outcome);
    }
    let write_err = |p: &Path, e: std::io::Error| Error {
        kind: "io",
        message: format!("cannot write {}: {e}", p.display()),
        hint: "check the directory's permissions",
    };
    if args.stdout {
        if !json
            && let Err(e) = std::io::stdout().lock().write_all(&outcome.text)
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(write_err(Path::new("stdout"), e));
        }
    } else {
        let target = args.output.as_ref().unwrap_or(&args.ours);
        std::fs::write(target, &outcome.text).map_err(|e| write_err(target, e))?;
    }
    let conflicts = outcome.conflicts.len();
    if conflicts > 0 && !quiet && !json {
        eprintln!("{conflicts} conflict(s) in {path}");
    }
    Ok(u8::try_from(conflicts.min(127)).unwrap_or(127))
}

/// `--json`'s document: the path, whether clean, the strategy and the conflicts. A closed
/// pipe ends the process quietly, as every command's output does.
fn print_json(path: &str, outcome: &MergeOutcome) {
    let doc = serde_json::json!({
        "path": path,
        "clean": outcome.is_clean(),
        "strategy": outcome.strategy,
        "conflicts": outcome.conflicts,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("values serialize");
    text.push('\n');
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}
