//! One agent, run as its own process (`swarm agent ...`): a session, one edit, a submit,
//! all through the `atomic` command line.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use atomic_benches::run;
use serde::{Deserialize, Serialize};

use crate::edit;
use crate::plan::Task;

/// What an agent reports on its stdout, as JSON.
#[derive(Debug, Serialize, Deserialize)]
pub struct AgentResult {
    /// The task's id.
    pub id: usize,
    /// `merged`, `conflict` or `error`.
    pub status: String,
    /// Milliseconds for `session new`.
    pub setup_ms: f64,
    /// Milliseconds from start to the submit's answer.
    pub total_ms: f64,
    /// For a conflict: the symbols the conflict block names.
    pub conflicting_symbols: Vec<String>,
    /// For a conflict or an error: the message.
    pub message: String,
}

fn atomic(bin: &Path, repo: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(repo)
        .env("ATOMIC_LOCK_TIMEOUT_MS", "600000");
    cmd
}

/// Runs the task and returns what happened; errors are reported in the result. With
/// `mount`, the session is mounted at `mount` and the agent edits it with plain tools.
///
/// `ready` is called once the session exists and returns when the agent may go on: all
/// agents start from the base the plan was made on, whatever order their sessions come
/// in (an agent whose session began after another's submit landed would find its
/// function moved, or another's edit to it already there).
pub fn run_agent(
    bin: &Path,
    repo: &Path,
    task: &Task,
    mount: Option<&Path>,
    ready: &dyn Fn(),
) -> AgentResult {
    let started = Instant::now();
    let mut result = AgentResult {
        id: task.id,
        status: "error".into(),
        setup_ms: 0.0,
        total_ms: 0.0,
        conflicting_symbols: Vec::new(),
        message: String::new(),
    };
    let outcome = match mount {
        Some(dir) => mounted_steps(bin, repo, dir, task, &mut result, started, ready),
        None => steps(bin, repo, task, &mut result, started, ready),
    };
    if let Err(e) = outcome {
        result.message = e;
    }
    result.total_ms = started.elapsed().as_secs_f64() * 1e3;
    result
}

fn steps(
    bin: &Path,
    repo: &Path,
    task: &Task,
    result: &mut AgentResult,
    started: Instant,
    ready: &dyn Fn(),
) -> Result<(), String> {
    let agent = format!("agent-{}", task.id);
    let intent = format!("{:?} {} in {}", task.kind, task.symbol, task.file);
    let out = run(atomic(bin, repo).args([
        "--json", "session", "new", "--agent", &agent, "--intent", &intent,
    ]))?;
    result.setup_ms = started.elapsed().as_secs_f64() * 1e3;
    ready();
    let session: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("session new: {e}"))?;
    let (id, token) = (
        session["session_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        session["token"].as_str().unwrap_or_default().to_owned(),
    );
    let in_session = |cmd: &mut Command| {
        cmd.env("ATOMIC_SESSION", &id)
            .env("ATOMIC_SESSION_TOKEN", &token);
    };
    let mut read = atomic(bin, repo);
    in_session(&mut read);
    let base = run(read.args(["session", "read", &task.file]))?.stdout;
    let base = String::from_utf8(base).map_err(|e| format!("{}: {e}", task.file))?;
    let edited = edit::apply(task, &base)?;

    let mut write = atomic(bin, repo);
    in_session(&mut write);
    atomic_benches::run_with_input(
        write.args(["--json", "session", "write", &task.file]),
        edited.as_bytes(),
    )
    .map_err(|e| format!("session write: {e}"))?;

    let mut submit = atomic(bin, repo);
    in_session(&mut submit);
    let message = format!("{agent}: {intent}");
    submit_and_report(bin, submit, &message, result, in_session)
}

/// Submits with `submit` (a command in the session) and fills `result`; on a conflict the
/// session is closed with a command `in_session` prepares.
fn submit_and_report(
    bin: &Path,
    mut submit: Command,
    message: &str,
    result: &mut AgentResult,
    in_session: impl Fn(&mut Command),
) -> Result<(), String> {
    let repo = submit
        .get_current_dir()
        .map(Path::to_owned)
        .unwrap_or_default();
    let out = submit
        .args(["--json", "session", "submit", "-m", message])
        .output()
        .map_err(|e| format!("session submit: {e}"))?;
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|_| {
        format!(
            "session submit: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    result.status = answer["status"].as_str().unwrap_or("error").to_owned();
    if result.status == "conflict" {
        result.message = answer["message"].as_str().unwrap_or_default().to_owned();
        result.conflicting_symbols = answer["conflicting_symbols"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["symbol"].as_str().map(str::to_owned))
            .collect();
        // The agent gives up its session; the conflict is in the report.
        let mut close = atomic(bin, &repo);
        in_session(&mut close);
        run(close.args(["session", "close"]))?;
    }
    Ok(())
}

/// The task in a mounted session: `session new --mount`, then plain tools in the
/// directory (the file read as any program reads it, written back by a Python script that
/// saves as editors do: a temporary file renamed over the original), then `session submit`
/// run inside the mount, which finds its session by itself.
fn mounted_steps(
    bin: &Path,
    repo: &Path,
    dir: &Path,
    task: &Task,
    result: &mut AgentResult,
    started: Instant,
    ready: &dyn Fn(),
) -> Result<(), String> {
    let agent = format!("agent-{}", task.id);
    let intent = format!("{:?} {} in {}", task.kind, task.symbol, task.file);
    let dir_arg = dir.to_string_lossy();
    run(atomic(bin, repo).args([
        "--json", "session", "new", "--agent", &agent, "--intent", &intent, "--mount", &dir_arg,
    ]))?;
    result.setup_ms = started.elapsed().as_secs_f64() * 1e3;
    ready();
    let path = dir.join(&task.file);
    let base = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let edited = edit::apply(task, &base)?;
    let mut save = Command::new("python3");
    save.current_dir(dir).args([
        "-c",
        "import os, sys\n\
         p = sys.argv[1]\n\
         with open(p + '.swp', 'w') as f:\n    f.write(sys.stdin.read())\n    f.flush()\n    os.fsync(f.fileno())\n\
         os.chmod(p + '.swp', os.stat(p).st_mode)\n\
         os.rename(p + '.swp', p)\n",
        &task.file,
    ]);
    atomic_benches::run_with_input(&mut save, edited.as_bytes())
        .map_err(|e| format!("saving {}: {e}", task.file))?;
    let message = format!("{agent}: {intent}");
    submit_and_report(bin, atomic(bin, dir), &message, result, |_| {})
}
