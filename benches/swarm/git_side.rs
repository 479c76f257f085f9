//! The git way: a worktree and a branch per agent, a commit each, then `git merge` of
//! the branches one after another.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use atomic_benches::{Measure, Summary, disk_usage, run};

use crate::edit;
use crate::plan::Task;
use crate::side::{self, SideReport};

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "swarm")
        .env("GIT_AUTHOR_EMAIL", "swarm@example.invalid")
        .env("GIT_COMMITTER_NAME", "swarm")
        .env("GIT_COMMITTER_EMAIL", "swarm@example.invalid");
    cmd
}

/// Runs the tasks the git way in `repo` (a plain git clone), with worktrees under `work`.
///
/// # Errors
/// A git command other than a conflicting merge failed.
pub fn run_side(repo: &Path, work: &Path, tasks: &[Task]) -> Result<SideReport, String> {
    let trees = work.join("worktrees");
    std::fs::create_dir_all(&trees).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut setups = Vec::new();
    let mut disk = 0;
    // Worktrees one after another (git locks its index and refs), edits in parallel.
    for task in tasks {
        let dir = trees.join(format!("task-{}", task.id));
        let t = Instant::now();
        run(git(repo)
            .args(["worktree", "add", "-q", "-b", &format!("task-{}", task.id)])
            .arg(&dir))?;
        setups.push(t.elapsed());
        disk += disk_usage(&dir, Measure::Apparent)
            + disk_usage(
                &repo.join(format!(".git/worktrees/task-{}", task.id)),
                Measure::Apparent,
            );
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = tasks
            .iter()
            .map(|task| {
                let dir = trees.join(format!("task-{}", task.id));
                scope.spawn(move || -> Result<(), String> {
                    let path = dir.join(&task.file);
                    let base = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
                    std::fs::write(&path, edit::apply(task, &base)?).map_err(|e| e.to_string())?;
                    let message = format!("agent-{}: {:?} {}", task.id, task.kind, task.symbol);
                    run(git(&dir).args(["commit", "-q", "-a", "-m", &message]))?;
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("an edit panicked".into())))
            .collect::<Result<Vec<()>, String>>()
    })?;
    let (mut landed, mut conflicted) = (Vec::new(), Vec::new());
    for task in tasks {
        let out = git(repo)
            .args(["merge", "-q", "--no-edit", &format!("task-{}", task.id)])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            landed.push(task.id);
        } else {
            conflicted.push(task.id);
            run(git(repo).args(["merge", "--abort"]))?;
        }
    }
    let wall = started.elapsed();
    Ok(SideReport {
        tool: "git".into(),
        setup: Summary::of(&setups),
        // The worktrees' own time, without measuring their disk between them.
        setup_all_ms: setups.iter().sum::<Duration>().as_secs_f64() * 1e3,
        disk_per_agent: disk / tasks.len().max(1) as u64,
        wall_ms: wall.as_secs_f64() * 1e3,
        merged: landed.len(),
        conflicts: side::classify(tasks, &landed, &conflicted),
        errors: Vec::new(),
        missing_edits: side::missing_edits(repo, tasks, &landed),
        build: None,
        server_peak_kib: None,
    })
}

/// Clones `source` with git into `dest`; returns the time it took.
///
/// # Errors
/// The clone failed.
pub fn clone(source: &Path, dest: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    run(Command::new("git")
        .args(["clone", "-q"])
        .arg(source)
        .arg(dest))?;
    Ok(started.elapsed())
}
