//! What one way of working (atomic sessions, or git worktrees) produced: the figures of
//! the report, and the checks of the final tree.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use atomic_benches::{Summary, run};
use serde::Serialize;

use crate::edit;
use crate::plan::Task;

/// One task that did not land because of a conflict.
#[derive(Debug, Serialize)]
pub struct Conflict {
    /// The task.
    pub task: usize,
    /// Its function.
    pub symbol: String,
    /// Its file.
    pub file: String,
    /// Whether the plan planted it (the task's group had landed another task).
    pub planted: bool,
}

/// The build check of a final tree.
#[derive(Debug, Serialize)]
pub struct Build {
    /// What ran: `cargo check`, or `parse` (every touched file parses).
    pub check: String,
    /// Whether it passed.
    pub ok: bool,
    /// The end of its output when it failed.
    pub output: String,
}

/// The figures of one side.
#[derive(Debug, Serialize)]
pub struct SideReport {
    /// `atomic` or `git`.
    pub tool: String,
    /// Per agent: `session new` (all agents at once), or `git worktree add` (one after
    /// another, as git locks its index and refs).
    pub setup: Summary,
    /// Wall time from the first agent's start until every agent had its session or
    /// worktree, in ms.
    pub setup_all_ms: f64,
    /// Disk per agent, in bytes written (file lengths): the growth of `.atomic` and
    /// `.git` over the run divided by the agents, or one worktree with its git metadata.
    pub disk_per_agent: u64,
    /// Wall time from the first agent's start until all work has landed, in ms.
    pub wall_ms: f64,
    /// Tasks merged automatically.
    pub merged: usize,
    /// Tasks that came back as conflicts.
    pub conflicts: Vec<Conflict>,
    /// Tasks that failed otherwise.
    pub errors: Vec<String>,
    /// Tasks reported merged whose edit is not in the final tree.
    pub missing_edits: Vec<usize>,
    /// The final tree's build check; `None` when skipped.
    pub build: Option<Build>,
    /// Peak memory of `atomic serve`, in KiB (atomic side, when served).
    pub server_peak_kib: Option<u64>,
}

impl SideReport {
    /// Conflicts the plan planted.
    pub fn planted(&self) -> usize {
        self.conflicts.iter().filter(|c| c.planted).count()
    }

    /// Conflicts the plan did not plant (false conflicts).
    pub fn unplanted(&self) -> usize {
        self.conflicts.len() - self.planted()
    }
}

/// Classifies the conflicting tasks (`conflicted`, in any order) given which tasks landed.
pub fn classify(tasks: &[Task], landed: &[usize], conflicted: &[usize]) -> Vec<Conflict> {
    conflicted
        .iter()
        .map(|&id| {
            let task = &tasks[id];
            let planted = task.group.as_ref().is_some_and(|g| {
                landed
                    .iter()
                    .any(|&l| l != id && tasks[l].group.as_ref() == Some(g))
            });
            Conflict {
                task: id,
                symbol: task.symbol.clone(),
                file: task.file.clone(),
                planted,
            }
        })
        .collect()
}

/// The tasks reported landed whose edit is missing from the tree at `repo`'s HEAD.
pub fn missing_edits(repo: &Path, tasks: &[Task], landed: &[usize]) -> Vec<usize> {
    let mut files: HashMap<&str, Option<String>> = HashMap::new();
    let mut missing = Vec::new();
    for &id in landed {
        let task = &tasks[id];
        let text = files.entry(&task.file).or_insert_with(|| {
            let out = Command::new("git")
                .current_dir(repo)
                .args(["show", &format!("HEAD:{}", task.file)])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
        });
        if !edit::landed(task, text.as_deref()) {
            missing.push(id);
        }
    }
    missing
}

/// Checks that the tree at `repo`'s HEAD still builds: a fresh clone of it, then
/// `cargo check` for a Cargo project (sharing `target` between checks), else every file in
/// `touched` parses.
///
/// # Errors
/// The clone failed.
pub fn build_check(
    repo: &Path,
    work: &Path,
    name: &str,
    touched: &[&str],
) -> Result<Build, String> {
    let tree = work.join(format!("check-{name}"));
    let _ = std::fs::remove_dir_all(&tree);
    run(Command::new("git")
        .args(["clone", "-q"])
        .arg(repo)
        .arg(&tree))?;
    if tree.join("Cargo.toml").exists() {
        let out = Command::new("cargo")
            .current_dir(&tree)
            // The toolchain here may be older than the repository asks for; build anyway.
            .args(["check", "--quiet", "--workspace", "--ignore-rust-version"])
            .env("CARGO_TARGET_DIR", work.join("check-target"))
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let text = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        return Ok(Build {
            check: "cargo check".into(),
            ok: out.status.success(),
            output: if out.status.success() {
                String::new()
            } else {
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            },
        });
    }
    let mut failed = Vec::new();
    for file in touched {
        let Ok(bytes) = std::fs::read(tree.join(file)) else {
            continue;
        };
        if atomic_semantic::extract_path(file, &bytes).is_some_and(|f| f.has_errors) {
            failed.push((*file).to_owned());
        }
    }
    Ok(Build {
        check: "every touched file parses".into(),
        ok: failed.is_empty(),
        output: failed.join("\n"),
    })
}
