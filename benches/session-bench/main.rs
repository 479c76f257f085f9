//! Session operations timed on a real repository through `atomic serve`: from a client
//! holding one JSON-RPC connection (an agent host, an SDK, a mount) and from an `atomic`
//! process per operation (a shell agent); beside `git worktree add` on the same
//! repository, in the same run; then the disk and memory of many live sessions.
//!
//! ```text
//! session-bench --repo PATH [--reps 30] [--sessions 1000] [--files 10] [--cold] [--markdown]
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use atomic_benches::{
    Measure, RpcClient, Summary, atomic_binary, disk_usage, memory_kib, mib, run, start_server,
};
use clap::Parser;
use serde::Serialize;
use serde_json::json;

/// Time session create, read, write and submit; measure many live sessions
#[derive(Parser)]
#[command(name = "session-bench")]
struct Cli {
    /// The git repository (a path, or a bare mirror)
    #[arg(long)]
    repo: PathBuf,
    /// The atomic binary (default: the one next to this program)
    #[arg(long)]
    atomic: Option<PathBuf>,
    /// Repetitions of each timed operation
    #[arg(long, default_value_t = 30)]
    reps: usize,
    /// Live sessions for the disk and memory figures
    #[arg(long, default_value_t = 1000)]
    sessions: usize,
    /// Modified files per live session
    #[arg(long, default_value_t = 10)]
    files: usize,
    /// Also time each operation as a process with no server (each opens the store)
    #[arg(long)]
    cold: bool,
    /// Where to work (default: a temporary directory, removed afterwards)
    #[arg(long)]
    work: Option<PathBuf>,
    /// Print Markdown tables (for book/) instead of JSON
    #[arg(long)]
    markdown: bool,
}

/// Timings of one way of calling.
#[derive(Debug, Serialize)]
struct Ops {
    create: Summary,
    read: Summary,
    write: Summary,
    submit_with_merge: Summary,
}

#[derive(Debug, Serialize)]
struct Live {
    sessions: usize,
    files_per_session: usize,
    /// Seconds to create them all and write every file (one client connection).
    setup_s: f64,
    /// Growth of `.atomic`: bytes written, and allocated blocks.
    disk_apparent: u64,
    disk_allocated: u64,
    /// The server's resident memory before and after, and its peak, in KiB.
    server_rss_before_kib: u64,
    server_rss_after_kib: u64,
    server_peak_kib: u64,
    /// One more write and `session.list`, with all of them live.
    write_with_all_live: Summary,
    list_with_all_live: Summary,
    /// What `sessions` git worktrees would take: one measured worktree times `sessions`.
    git_worktrees_disk: u64,
}

#[derive(Debug, Serialize)]
struct Report {
    repository: String,
    files_in_head: usize,
    rpc_client: Ops,
    cli_process: Ops,
    cold_cli: Option<Ops>,
    git_worktree_add: Summary,
    git_worktree_disk: u64,
    live: Live,
}

/// A file with a top-level function: path, the line that begins it, its text now.
struct File {
    path: String,
    anchor: String,
    text: String,
}

/// How an operation reaches the server.
trait Caller {
    fn new_session(&mut self) -> Result<(String, String), String>;
    fn read(&mut self, s: &(String, String), path: &str) -> Result<String, String>;
    fn write(&mut self, s: &(String, String), path: &str, text: &str) -> Result<(), String>;
    fn submit(&mut self, s: &(String, String), message: &str) -> Result<serde_json::Value, String>;
}

impl Caller for RpcClient {
    fn new_session(&mut self) -> Result<(String, String), String> {
        let v = self.call("session.new", json!({ "agent": "bench" }))?;
        Ok((
            v["session_id"].as_str().unwrap_or_default().to_owned(),
            v["token"].as_str().unwrap_or_default().to_owned(),
        ))
    }

    fn read(&mut self, (id, token): &(String, String), path: &str) -> Result<String, String> {
        let v = self.call(
            "session.read",
            json!({ "session_id": id, "token": token, "path": path }),
        )?;
        Ok(v["text"].as_str().unwrap_or_default().to_owned())
    }

    fn write(
        &mut self,
        (id, token): &(String, String),
        path: &str,
        text: &str,
    ) -> Result<(), String> {
        self.call(
            "session.write",
            json!({ "session_id": id, "token": token, "path": path, "text": text }),
        )
        .map(drop)
    }

    fn submit(
        &mut self,
        (id, token): &(String, String),
        message: &str,
    ) -> Result<serde_json::Value, String> {
        self.call(
            "session.submit",
            json!({ "session_id": id, "token": token, "message": message }),
        )
    }
}

/// An `atomic` process per operation.
struct Processes {
    bin: PathBuf,
    repo: PathBuf,
    no_server: bool,
}

impl Processes {
    fn cmd(&self, s: Option<&(String, String)>) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(&self.repo)
            .env("ATOMIC_LOCK_TIMEOUT_MS", "600000");
        if self.no_server {
            cmd.env("ATOMIC_NO_SERVER", "1");
        }
        if let Some((id, token)) = s {
            cmd.env("ATOMIC_SESSION", id)
                .env("ATOMIC_SESSION_TOKEN", token);
        }
        cmd
    }
}

impl Caller for Processes {
    fn new_session(&mut self) -> Result<(String, String), String> {
        let out = run(self
            .cmd(None)
            .args(["--json", "session", "new", "--agent", "bench"]))?;
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        Ok((
            v["session_id"].as_str().unwrap_or_default().to_owned(),
            v["token"].as_str().unwrap_or_default().to_owned(),
        ))
    }

    fn read(&mut self, s: &(String, String), path: &str) -> Result<String, String> {
        let out = run(self.cmd(Some(s)).args(["session", "read", path]))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn write(&mut self, s: &(String, String), path: &str, text: &str) -> Result<(), String> {
        atomic_benches::run_with_input(
            self.cmd(Some(s)).args(["--json", "session", "write", path]),
            text.as_bytes(),
        )
        .map(drop)
    }

    fn submit(&mut self, s: &(String, String), message: &str) -> Result<serde_json::Value, String> {
        let out = run(self
            .cmd(Some(s))
            .args(["--json", "session", "submit", "-m", message]))?;
        serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
    }
}

/// `text` with a new function at the end (`tag` names it).
fn appended(path: &str, text: &str, tag: &str) -> String {
    format!("{text}{}", item(path, tag))
}

fn item(path: &str, tag: &str) -> String {
    if path.ends_with(".py") {
        format!("\n\ndef bench_{tag}():\n    return 1\n")
    } else if path.ends_with(".rs") {
        format!("\n\npub fn bench_{tag}() -> u32 {{\n    1\n}}\n")
    } else {
        format!("\n// bench {tag}\n")
    }
}

/// `text` with a new item before the line that begins its first function.
fn prepended(file: &File, text: &str, tag: &str) -> String {
    let at = text.find(file.anchor.as_str()).unwrap_or(0);
    let mut out = text.to_owned();
    let mut new = item(&file.path, tag);
    new = new.trim_start_matches('\n').to_owned();
    new.push('\n');
    out.insert_str(at, &new);
    out
}

/// Times `reps` rounds of: create two sessions, read a file in one, write it in both
/// (different places), submit one, then time the submit of the other (a merge).
fn ops(caller: &mut dyn Caller, file: &File, reps: usize, label: &str) -> Result<Ops, String> {
    let (mut create, mut read, mut write, mut submit) = (vec![], vec![], vec![], vec![]);
    for r in 0..reps {
        let started = Instant::now();
        let a = caller.new_session()?;
        create.push(started.elapsed());
        let b = caller.new_session()?;
        let started = Instant::now();
        let text = caller.read(&a, &file.path)?;
        read.push(started.elapsed());
        let started = Instant::now();
        caller.write(
            &a,
            &file.path,
            &appended(&file.path, &text, &format!("{label}_a{r}")),
        )?;
        write.push(started.elapsed());
        caller.write(
            &b,
            &file.path,
            &prepended(file, &text, &format!("{label}_b{r}")),
        )?;
        caller.submit(&a, "bench: a")?;
        let started = Instant::now();
        let v = caller.submit(&b, "bench: b")?;
        submit.push(started.elapsed());
        if v["status"] != "merged" || v["fast_forward"] == true {
            return Err(format!("the second submit did not merge: {v}"));
        }
    }
    Ok(Ops {
        create: Summary::of(&create),
        read: Summary::of(&read),
        write: Summary::of(&write),
        submit_with_merge: Summary::of(&submit),
    })
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let render: fn(&Report) -> String = markdown;
    atomic_benches::print_report(bench(&cli), cli.markdown.then_some(render))
}

/// Files of the clone with a top-level function, parsed without errors, up to `n`.
fn pick_files(bin: &Path, repo: &Path, n: usize) -> Result<Vec<File>, String> {
    let listed: Vec<serde_json::Value> = atomic_benches::list_symbols(bin, repo)?;
    let mut files = Vec::new();
    for f in &listed {
        let (Some(path), Some(first)) = (
            f["path"].as_str(),
            f["symbols"].as_array().and_then(|s| {
                // A top-level function, or a method (Java has no free functions).
                s.iter().find(|s| {
                    s["kind"] == "function" && s["top_level"] == true || s["kind"] == "method"
                })
            }),
        ) else {
            continue;
        };
        if f["has_errors"] == true {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(repo.join(path)) else {
            continue;
        };
        let at = first["start_byte"].as_u64().unwrap_or(0) as usize;
        // Start at the line, before any doc comment lines the span leaves out.
        let at = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let anchor = text[at..].lines().next().unwrap_or_default().to_owned();
        files.push(File {
            path: path.to_owned(),
            anchor,
            text,
        });
        if files.len() == n {
            break;
        }
    }
    if files.len() < n {
        return Err(format!(
            "only {} files with a top-level function or a method",
            files.len()
        ));
    }
    Ok(files)
}

fn bench(cli: &Cli) -> Result<Report, String> {
    let bin =
        std::path::absolute(atomic_binary(cli.atomic.as_deref())).map_err(|e| e.to_string())?;
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = cli.work.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let source = std::path::absolute(&cli.repo).map_err(|e| e.to_string())?;
    let repo = work.join("atomic");
    atomic_benches::atomic_clone(&bin, &source, &repo)?;
    let mut files = pick_files(&bin, &repo, cli.files)?;
    let files_in_head = run(Command::new("git").current_dir(&repo).args(["ls-files"]))?
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();

    let cold_cli = if cli.cold {
        eprintln!("processes without a server ...");
        let mut cold = Processes {
            bin: bin.clone(),
            repo: repo.clone(),
            no_server: true,
        };
        Some(ops(&mut cold, &files[0], cli.reps, "cold")?)
    } else {
        None
    };
    let mut server = start_server(&bin, &repo)?;
    eprintln!("one JSON-RPC connection ...");
    let mut client = RpcClient::connect(&repo)?;
    let rpc_client = ops(&mut client, &files[0], cli.reps, "rpc")?;
    eprintln!("an atomic process per operation ...");
    let mut processes = Processes {
        bin: bin.clone(),
        repo: repo.clone(),
        no_server: false,
    };
    let cli_process = ops(&mut processes, &files[0], cli.reps, "cli")?;

    eprintln!("git worktree add ...");
    let git = work.join("git");
    run(Command::new("git")
        .args(["clone", "-q"])
        .arg(&source)
        .arg(&git))?;
    let mut adds = Vec::new();
    let mut git_worktree_disk = 0;
    for r in 0..cli.reps {
        let dir = work.join(format!("wt-{r}"));
        let started = Instant::now();
        run(Command::new("git")
            .current_dir(&git)
            .args(["worktree", "add", "-q", "--detach"])
            .arg(&dir))?;
        adds.push(started.elapsed());
        git_worktree_disk = disk_usage(&dir, Measure::Apparent)
            + disk_usage(
                &git.join(format!(".git/worktrees/wt-{r}")),
                Measure::Apparent,
            );
        run(Command::new("git")
            .current_dir(&git)
            .args(["worktree", "remove", "--force"])
            .arg(&dir))?;
    }

    eprintln!(
        "{} live sessions with {} files each ...",
        cli.sessions, cli.files
    );
    // Each live session adds one function to each file as the head has it now.
    for f in &mut files {
        let out = run(Command::new("git")
            .current_dir(&repo)
            .args(["show", &format!("HEAD:{}", f.path)]))?;
        f.text = String::from_utf8_lossy(&out.stdout).into_owned();
    }
    let store = repo.join(".atomic");
    let (apparent, allocated) = (
        disk_usage(&store, Measure::Apparent),
        disk_usage(&store, Measure::Allocated),
    );
    let rss_before = memory_kib(server.id(), "VmRSS").unwrap_or(0);
    // A new connection: the server closes one left idle during the worktree phase.
    let mut client = RpcClient::connect(&repo)?;
    let started = Instant::now();
    for n in 0..cli.sessions {
        let s = client.new_session()?;
        for f in &files {
            client.write(
                &s,
                &f.path,
                &appended(&f.path, &f.text, &format!("live{n}")),
            )?;
        }
    }
    let setup_s = started.elapsed().as_secs_f64();
    let rss_after = memory_kib(server.id(), "VmRSS").unwrap_or(0);
    let mut write_live = Vec::new();
    let mut list_live = Vec::new();
    for r in 0..cli.reps.min(10) {
        let s = client.new_session()?;
        let f = &files[0];
        let started = Instant::now();
        client.write(
            &s,
            &f.path,
            &appended(&f.path, &f.text, &format!("last{r}")),
        )?;
        write_live.push(started.elapsed());
        let started = Instant::now();
        client.call("session.list", json!({}))?;
        list_live.push(started.elapsed());
    }
    let peak = memory_kib(server.id(), "VmHWM").unwrap_or(0);
    drop(client);
    run(Command::new(&bin)
        .current_dir(&repo)
        .args(["--quiet", "serve", "--stop"]))?;
    let _ = server.wait();
    let live = Live {
        sessions: cli.sessions,
        files_per_session: cli.files,
        setup_s,
        disk_apparent: disk_usage(&store, Measure::Apparent).saturating_sub(apparent),
        disk_allocated: disk_usage(&store, Measure::Allocated).saturating_sub(allocated),
        server_rss_before_kib: rss_before,
        server_rss_after_kib: rss_after,
        server_peak_kib: peak,
        write_with_all_live: Summary::of(&write_live),
        list_with_all_live: Summary::of(&list_live),
        git_worktrees_disk: git_worktree_disk * cli.sessions as u64,
    };
    Ok(Report {
        repository: cli.repo.display().to_string(),
        files_in_head,
        rpc_client,
        cli_process,
        cold_cli,
        git_worktree_add: Summary::of(&adds),
        git_worktree_disk,
        live,
    })
}

fn markdown(r: &Report) -> String {
    let row =
        |what: &str, s: &Summary| format!("| {what} | {:.1} | {:.1} |\n", s.median_ms, s.p95_ms);
    let mut out = format!(
        "{} ({} files in HEAD)\n\n| operation | median ms | p95 ms |\n|---|---|---|\n",
        r.repository, r.files_in_head
    );
    let mut series = vec![
        ("JSON-RPC client", &r.rpc_client),
        ("atomic process, served", &r.cli_process),
    ];
    if let Some(cold) = &r.cold_cli {
        series.push(("atomic process, no server", cold));
    }
    for (how, ops) in series {
        out += &row(&format!("session new, {how}"), &ops.create);
        out += &row(&format!("session read, {how}"), &ops.read);
        out += &row(&format!("session write (symbols), {how}"), &ops.write);
        out += &row(
            &format!("session submit with merge, {how}"),
            &ops.submit_with_merge,
        );
    }
    out += &row("git worktree add", &r.git_worktree_add);
    let l = &r.live;
    out += &format!(
        "\n| {} live sessions × {} modified files | |\n|---|---|\n\
         | created and written in | {:.1} s |\n\
         | .atomic growth (bytes written) | {} |\n\
         | server memory before → after (peak) | {:.0} → {:.0} MiB ({:.0} MiB) |\n\
         | session write with all live (median) | {:.1} ms |\n\
         | session list with all live (median) | {:.1} ms |\n\
         | one git worktree | {} |\n\
         | {} git worktrees (one × {}) | {} |\n",
        l.sessions,
        l.files_per_session,
        l.setup_s,
        mib(l.disk_apparent),
        l.server_rss_before_kib as f64 / 1024.0,
        l.server_rss_after_kib as f64 / 1024.0,
        l.server_peak_kib as f64 / 1024.0,
        l.write_with_all_live.median_ms,
        l.list_with_all_live.median_ms,
        mib(r.git_worktree_disk),
        l.sessions,
        l.sessions,
        mib(l.git_worktrees_disk),
    );
    out
}
