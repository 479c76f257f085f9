//! What a crash can leave behind, found and repaired: `doctor` lists it, `doctor --fix`
//! (and, for what is surely atomic's, every open) repairs it.
//!
//! - A pending landing (the store recorded a ref move git may or may not have made):
//!   finished or dropped as git's ref says ([`crate::land`]).
//! - Lock files in `.git`: a ref's, the index's, `packed-refs`', `HEAD`'s. One that atomic
//!   recorded it was writing is removed at open (its writer is gone: this process holds the
//!   store). Any other is git's, unless it is older than [`STALE_LOCK`]: git holds its
//!   locks for milliseconds, so `doctor --fix` removes those.
//! - Paths the working tree has yet to follow after a submit ([`crate::worktree`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::{Repo, Result};

/// How old a lock file in `.git` must be for `doctor --fix` to take it as left by a killed
/// process.
pub const STALE_LOCK: Duration = Duration::from_secs(60);

/// Returns the lock files under `git_dir` that git or atomic use while writing (refs,
/// `index`, `packed-refs`, `HEAD`, `config`), with their age.
fn lock_files(git_dir: &Path) -> Vec<(PathBuf, Duration)> {
    let mut out = Vec::new();
    let age = |p: &Path| {
        std::fs::symlink_metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or_default()
    };
    for name in ["index.lock", "packed-refs.lock", "HEAD.lock", "config.lock"] {
        let p = git_dir.join(name);
        if p.exists() {
            out.push((p.clone(), age(&p)));
        }
    }
    let mut dirs = vec![git_dir.join("refs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "lock") {
                out.push((p.clone(), age(&p)));
            }
        }
    }
    out.sort();
    out
}

impl Repo {
    /// Describes the lock files in `.git` for `doctor`.
    pub(crate) fn lock_problems(&self) -> Vec<String> {
        lock_files(self.git.git_dir())
            .into_iter()
            .map(|(p, age)| {
                format!(
                    "{} exists ({} s old): a git or atomic process was killed while writing, or is writing now",
                    p.display(),
                    age.as_secs()
                )
            })
            .collect()
    }

    /// Repairs what a crash left (see the module documentation); returns what it did.
    ///
    /// # Errors
    /// Store, git and I/O errors.
    pub fn repair(&self) -> Result<Vec<String>> {
        let mut done = Vec::new();
        let finished = self.recover(&mut self.store.lock())?;
        if finished > 0 {
            done.push(format!(
                "finished {finished} landing(s) a crash interrupted"
            ));
        }
        if self.release_index_lock()? {
            done.push("removed .git/index.lock, left by a killed atomic".into());
        }
        for (path, age) in lock_files(self.git.git_dir()) {
            if age >= STALE_LOCK && std::fs::remove_file(&path).is_ok() {
                done.push(format!(
                    "removed {} ({} s old)",
                    path.display(),
                    age.as_secs()
                ));
            }
        }
        let report = self.follow_branch()?;
        if !report.updated.is_empty() {
            done.push(format!(
                "brought {} working-tree file(s) to the branch's version",
                report.updated.len()
            ));
        }
        if !report.kept.is_empty() {
            done.push(format!(
                "kept your edits of {} (stale: `atomic record` merges them)",
                report.kept.join(", ")
            ));
        }
        Ok(done)
    }
}
