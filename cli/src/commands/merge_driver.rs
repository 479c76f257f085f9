//! `atomic git setup-merge-driver`: use atomic's merge from plain git.

use std::path::{Path, PathBuf};

use atomic_semantic::LANGUAGES;

use super::Context;
use crate::error::CommandError;

/// Configure this git repository to merge source files with atomic
///
/// Writes `merge.atomic.driver` into the repository's git config and, for every language
/// atomic understands, a `*.<ext> merge=atomic` line into `.gitattributes` (or into
/// `.git/info/attributes` with --local-attributes). git then runs `atomic-merge-file`
/// (`atomic merge-file` as a binary of its own, installed beside `atomic`) for those files
/// in `git merge`, `git rebase` and `git cherry-pick`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write the attributes to .git/info/attributes (not committed) instead of .gitattributes
    #[arg(long)]
    pub local_attributes: bool,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, CommandError> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| {
            CommandError::user(
                format!("cannot run git: {e}"),
                "install git and make sure it is on PATH",
            )
        })?;
    if !out.status.success() {
        return Err(CommandError::user(
            format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            "run this inside a git repository, or pass -R <path>",
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let dir = ctx.start_dir();
    let top = PathBuf::from(git(&dir, &["rev-parse", "--show-toplevel"])?);
    let exe = std::env::current_exe().map_err(|e| {
        CommandError::user(
            format!("cannot find the atomic binary: {e}"),
            "run atomic by its full path",
        )
    })?;
    // The driver binary beside this one starts without the store: git starts one
    // process per file it merges. Without it, this binary's `merge-file` does the same.
    let thin = exe.with_file_name("atomic-merge-file");
    let command = if thin.is_file() {
        format!("'{}'", thin.display())
    } else {
        format!("'{}' merge-file", exe.display())
    };
    let driver = format!("{command} --path %P -L ours -L base -L theirs %A %O %B");
    git(
        &top,
        &["config", "merge.atomic.name", "atomic structured merge"],
    )?;
    git(&top, &["config", "merge.atomic.driver", &driver])?;
    let attributes = if args.local_attributes {
        PathBuf::from(git(&top, &["rev-parse", "--git-path", "info/attributes"])?)
    } else {
        top.join(".gitattributes")
    };
    let attributes = if attributes.is_absolute() {
        attributes
    } else {
        top.join(attributes)
    };
    let existing = std::fs::read_to_string(&attributes).unwrap_or_default();
    let mut added = Vec::new();
    let mut text = existing.clone();
    for ext in LANGUAGES.iter().flat_map(|l| l.extensions.iter()) {
        let line = format!("*.{ext} merge=atomic");
        if !existing.lines().any(|l| l.trim() == line) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&line);
            text.push('\n');
            added.push(line);
        }
    }
    if let Some(parent) = attributes.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            CommandError::user(
                format!("cannot create {}: {e}", parent.display()),
                "check permissions",
            )
        })?;
    }
    std::fs::write(&attributes, text).map_err(|e| {
        CommandError::user(
            format!("cannot write {}: {e}", attributes.display()),
            "check permissions",
        )
    })?;
    let doc = serde_json::json!({ "driver": driver, "attributes": attributes.display().to_string(), "added": added });
    ctx.ui.emit(&doc, |out| {
        out.push_str(&format!("merge.atomic.driver = {driver}\n"));
        out.push_str(&format!(
            "{}: {} line(s) added\n",
            attributes.display(),
            added.len()
        ));
    });
    Ok(())
}
