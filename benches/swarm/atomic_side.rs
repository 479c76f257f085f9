//! The atomic way: one clone, `atomic serve`, N agent processes each in its own session.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use atomic_benches::{Measure, Summary, disk_usage, memory_kib, run, start_server};

use crate::agent::AgentResult;
use crate::plan::Task;
use crate::side::{self, SideReport};

/// How the agents reach their sessions.
pub enum Mode {
    /// Each `atomic` command opens the store itself.
    NoServer,
    /// Through `atomic serve`, with `session read` and `write`.
    Served,
    /// Each session mounted under this directory, edited with plain tools.
    Mounted(PathBuf),
}

impl Mode {
    /// The mode the command line asks for; mounts go under `work/mounts`.
    pub fn from_flags(no_serve: bool, mounted: bool, work: &Path) -> Mode {
        match (no_serve, mounted) {
            (true, _) => Mode::NoServer,
            (false, true) => Mode::Mounted(work.join("mounts")),
            (false, false) => Mode::Served,
        }
    }

    /// The tool's name in the report.
    fn tool(&self) -> &'static str {
        match self {
            Mode::NoServer => "atomic (no server)",
            Mode::Served => "atomic",
            Mode::Mounted(_) => "atomic (mounted)",
        }
    }
}

/// Runs the tasks the atomic way in `repo` (already cloned).
///
/// # Errors
/// The server or an agent process could not start.
pub fn run_side(bin: &Path, repo: &Path, tasks: &[Task], mode: Mode) -> Result<SideReport, String> {
    let before = disk_usage(&repo.join(".atomic"), Measure::Apparent)
        + disk_usage(&repo.join(".git"), Measure::Apparent);
    let server = if !matches!(mode, Mode::NoServer) {
        Some(start_server(bin, repo)?)
    } else {
        None
    };
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut agents: Vec<Child> = tasks
        .iter()
        .map(|task| {
            let mut agent = Command::new(&me);
            agent
                .arg("agent")
                .arg("--atomic")
                .arg(bin)
                .arg("--repo")
                .arg(repo)
                .arg("--task")
                .arg(serde_json::to_string(task).expect("tasks serialize"));
            if let Mode::Mounted(dir) = &mode {
                agent
                    .arg("--mount")
                    .arg(dir.join(format!("agent-{}", task.id)));
            }
            agent
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start an agent: {e}"))
        })
        .collect::<Result<_, _>>()?;
    // Every agent makes its session, then all go on together from the plan's base.
    let mut outputs = Vec::new();
    for agent in &mut agents {
        let mut out = BufReader::new(agent.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        let _ = out.read_line(&mut first);
        // An agent that failed before its session existed printed its report instead.
        if first.trim_end() == crate::READY {
            first.clear();
        }
        outputs.push((first, out));
    }
    let setup_all = started.elapsed();
    for agent in &mut agents {
        if let Some(mut go) = agent.stdin.take() {
            let _ = go.write_all(b"go\n");
        }
    }
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for ((task, mut agent), (mut report, mut out)) in tasks.iter().zip(agents).zip(outputs) {
        let _ = out.read_to_string(&mut report);
        agent.wait().map_err(|e| e.to_string())?;
        match serde_json::from_str::<AgentResult>(&report) {
            Ok(r) => results.push(r),
            Err(e) => errors.push(format!("agent-{}: no report ({e})", task.id)),
        }
    }
    let wall = started.elapsed();
    let server_peak_kib = server.as_ref().and_then(|s| memory_kib(s.id(), "VmHWM"));
    if let Some(mut server) = server {
        run(Command::new(bin)
            .current_dir(repo)
            .args(["--quiet", "serve", "--stop"]))?;
        let _ = server.wait();
    }
    let after = disk_usage(&repo.join(".atomic"), Measure::Apparent)
        + disk_usage(&repo.join(".git"), Measure::Apparent);
    let landed: Vec<usize> = results
        .iter()
        .filter(|r| r.status == "merged")
        .map(|r| r.id)
        .collect();
    let conflicted: Vec<usize> = results
        .iter()
        .filter(|r| r.status == "conflict")
        .map(|r| r.id)
        .collect();
    errors.extend(
        results
            .iter()
            .filter(|r| r.status == "error")
            .map(|r| format!("agent-{}: {}", r.id, r.message)),
    );
    let setups: Vec<Duration> = results
        .iter()
        .map(|r| Duration::from_secs_f64(r.setup_ms / 1e3))
        .collect();
    Ok(SideReport {
        tool: mode.tool().into(),
        setup: Summary::of(&setups),
        setup_all_ms: setup_all.as_secs_f64() * 1e3,
        disk_per_agent: after.saturating_sub(before) / tasks.len().max(1) as u64,
        wall_ms: wall.as_secs_f64() * 1e3,
        merged: landed.len(),
        conflicts: side::classify(tasks, &landed, &conflicted),
        errors,
        missing_edits: side::missing_edits(repo, tasks, &landed),
        build: None,
        server_peak_kib,
    })
}

/// Clones `source` with atomic into `dest`; returns the time it took.
///
/// # Errors
/// The clone failed.
pub fn clone(bin: &Path, source: &Path, dest: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    atomic_benches::atomic_clone(bin, source, dest)?;
    Ok(started.elapsed())
}
