//! `atomic merge-file`: git merge-file's interface on atomic's structured merge.

use std::path::PathBuf;

use atomic_merge::{Labels, merge};

use super::Context;
use crate::error::CommandError;

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

fn read(path: &PathBuf) -> Result<Vec<u8>, CommandError> {
    std::fs::read(path).map_err(|e| CommandError {
        kind: "io".into(),
        code: EXIT_MERGE_FILE_ERROR,
        message: format!("cannot read {}: {e}", path.display()),
        hints: vec!["pass three readable files: OURS BASE THEIRS".into()],
    })
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let (ours, base, theirs) = (read(&args.ours)?, read(&args.base)?, read(&args.theirs)?);
    // As git merge-file: binary input is refused, and OURS stays as it was.
    for (bytes, path) in [
        (&ours, &args.ours),
        (&base, &args.base),
        (&theirs, &args.theirs),
    ] {
        if atomic_core::is_binary(bytes) {
            return Err(CommandError {
                kind: "binary".into(),
                code: EXIT_MERGE_FILE_ERROR,
                message: format!("cannot merge binary files: {}", path.display()),
                hints: vec!["pick one side of a binary file; only text merges".into()],
            });
        }
    }
    let default_label = |p: &PathBuf| p.display().to_string();
    let labels = [
        args.labels
            .first()
            .cloned()
            .unwrap_or_else(|| default_label(&args.ours)),
        args.labels
            .get(1)
            .cloned()
            .unwrap_or_else(|| default_label(&args.base)),
        args.labels
            .get(2)
            .cloned()
            .unwrap_or_else(|| default_label(&args.theirs)),
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
    if ctx.ui.json {
        let doc = serde_json::json!({
            "path": path,
            "clean": outcome.is_clean(),
            "strategy": outcome.strategy,
            "conflicts": outcome.conflicts,
        });
        ctx.ui.emit(&doc, |_| {});
    }
    let write_err = |p: &PathBuf, e: std::io::Error| CommandError {
        kind: "io".into(),
        code: EXIT_MERGE_FILE_ERROR,
        message: format!("cannot write {}: {e}", p.display()),
        hints: vec!["check the directory's permissions".into()],
    };
    if args.stdout {
        if !ctx.ui.json
            && let Err(e) = ctx.ui.write_out(&outcome.text)
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(write_err(&PathBuf::from("stdout"), e));
        }
    } else {
        let target = args.output.clone().unwrap_or_else(|| args.ours.clone());
        std::fs::write(&target, &outcome.text).map_err(|e| write_err(&target, e))?;
    }
    let conflicts = outcome.conflicts.len();
    if conflicts == 0 {
        return Ok(());
    }
    ctx.ui.status(&format!("{conflicts} conflict(s) in {path}"));
    std::process::exit(i32::try_from(conflicts.min(127)).unwrap_or(127));
}
