//! Mounted sessions beside git worktrees, on one real repository in one run: time to a
//! usable directory, disk per agent, reading every tracked file, `git status` in the
//! directory, optionally a cold then warm `cargo check`, and many mounts at once.
//!
//! ```text
//! mount-bench --repo PATH [--reps 10] [--sessions 100] [--cargo-check] [--markdown]
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use atomic_benches::{
    Measure, RpcClient, Summary, atomic_binary, disk_usage, memory_kib, mib, run, start_server,
};
use clap::Parser;
use serde::Serialize;
use serde_json::json;

/// Mounted sessions against git worktrees
#[derive(Parser)]
#[command(name = "mount-bench")]
struct Cli {
    /// The git repository (a path, or a bare mirror)
    #[arg(long)]
    repo: PathBuf,
    /// The atomic binary (default: the one next to this program)
    #[arg(long)]
    atomic: Option<PathBuf>,
    /// Repetitions of each timed operation
    #[arg(long, default_value_t = 10)]
    reps: usize,
    /// Mounted sessions at once, for the memory and disk figures
    #[arg(long, default_value_t = 100)]
    sessions: usize,
    /// Also time a cold then warm `cargo check` in a mount and in a worktree
    #[arg(long)]
    cargo_check: bool,
    /// Where to work (default: a temporary directory, removed afterwards)
    #[arg(long)]
    work: Option<PathBuf>,
    /// Print Markdown tables (for book/) instead of JSON
    #[arg(long)]
    markdown: bool,
}

/// One side's figures.
#[derive(Debug, Default, Serialize)]
struct Side {
    /// From the request to a directory whose first file can be opened.
    ready: Summary,
    /// The same through an `atomic` (or `git`) process.
    ready_cli: Summary,
    /// Bytes on disk one more directory costs.
    disk_per_agent: u64,
    /// Reading every tracked file once, then again.
    read_all_first: Summary,
    read_all_again: Summary,
    /// Reading every tracked file of a fresh directory with the kernel's page cache
    /// dropped (`/proc/sys/vm/drop_caches`, as root): both sides read from disk, the
    /// worktree its files, the mount git's pack. `None` when the cache cannot be dropped.
    read_all_cold: Option<Summary>,
    /// `git status --porcelain` in the directory.
    git_status: Summary,
    /// `cargo check`: the first (cold) and second (warm) run, in seconds.
    cargo_check_cold_s: Option<f64>,
    cargo_check_warm_s: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Many {
    sessions: usize,
    /// Seconds to mount them all, one after the other.
    setup_s: f64,
    server_rss_before_kib: u64,
    server_rss_after_kib: u64,
    /// Growth of `.atomic` and `.git` (the worktree records), in bytes.
    disk: u64,
    /// What as many git worktrees take (one measured, times the count).
    git_worktrees_disk: u64,
}

#[derive(Debug, Serialize)]
struct Report {
    repository: String,
    files_in_head: usize,
    mounted: Side,
    worktree: Side,
    many: Many,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let render: fn(&Report) -> String = markdown;
    atomic_benches::print_report(bench(&cli), cli.markdown.then_some(render))
}

/// Reads every file under `dir` (not `.git`, not `ignored`) and returns the bytes read.
fn read_all(dir: &Path, files: &[String]) -> Result<u64, String> {
    let mut total = 0;
    for f in files {
        let p = dir.join(f);
        let meta = std::fs::symlink_metadata(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_file() {
            total += std::fs::read(&p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .len() as u64;
        }
    }
    Ok(total)
}

/// Writes back dirty pages and drops the kernel's page, dentry and inode caches; `false`
/// when not allowed (not root, or a container that forbids it).
fn drop_caches() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

fn time<T>(f: impl FnOnce() -> Result<T, String>) -> Result<(T, Duration), String> {
    let started = Instant::now();
    let out = f()?;
    Ok((out, started.elapsed()))
}

/// Times reading, `git status` and optionally `cargo check` in `dir`.
fn use_dir(cli: &Cli, dir: &Path, files: &[String], side: &mut Side) -> Result<(), String> {
    let (mut first, mut again, mut status) = (vec![], vec![], vec![]);
    let (bytes, d) = time(|| read_all(dir, files))?;
    first.push(d);
    for _ in 0..cli.reps {
        let (b, d) = time(|| read_all(dir, files))?;
        if b != bytes {
            return Err(format!("{}: read {b} bytes, then {bytes}", dir.display()));
        }
        again.push(d);
    }
    for _ in 0..cli.reps {
        let (out, d) = time(|| {
            run(Command::new("git")
                .current_dir(dir)
                .args(["status", "--porcelain"]))
        })?;
        if !out.stdout.is_empty() {
            return Err(format!(
                "git status in {} is not clean: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        status.push(d);
    }
    side.read_all_first = Summary::of(&first);
    side.read_all_again = Summary::of(&again);
    side.git_status = Summary::of(&status);
    if cli.cargo_check {
        let check = || {
            run(Command::new("cargo")
                .current_dir(dir)
                .env("CARGO_TARGET_DIR", dir.join("target"))
                .args(["check", "--quiet", "--ignore-rust-version"]))
        };
        side.cargo_check_cold_s = Some(time(check)?.1.as_secs_f64());
        side.cargo_check_warm_s = Some(time(check)?.1.as_secs_f64());
    }
    Ok(())
}

fn bench(cli: &Cli) -> Result<Report, String> {
    let bin =
        std::path::absolute(atomic_binary(cli.atomic.as_deref())).map_err(|e| e.to_string())?;
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = cli.work.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let work = std::path::absolute(&work).map_err(|e| e.to_string())?;
    let source = std::path::absolute(&cli.repo).map_err(|e| e.to_string())?;
    let repo = work.join("atomic");
    atomic_benches::atomic_clone(&bin, &source, &repo)?;
    let git = work.join("git");
    run(Command::new("git")
        .args(["clone", "-q"])
        .arg(&source)
        .arg(&git))?;
    let files: Vec<String> = String::from_utf8_lossy(
        &run(Command::new("git").current_dir(&git).args(["ls-files"]))?.stdout,
    )
    .lines()
    .map(str::to_owned)
    .collect();
    let probe = files.first().cloned().ok_or("an empty repository")?;

    let mut server = start_server(&bin, &repo)?;
    let mut client = RpcClient::connect(&repo)?;
    let mut mounted = Side::default();
    let mut worktree = Side::default();

    eprintln!("time to a usable directory ...");
    let (mut rpc, mut cli_ready, mut wt, mut wt_cli) = (vec![], vec![], vec![], vec![]);
    let mut last = None;
    for r in 0..cli.reps {
        let dir = work.join(format!("m-{r}"));
        let started = Instant::now();
        let s = client.call(
            "session.new",
            json!({ "agent": "bench", "mount": dir, "persistent": true }),
        )?;
        std::fs::metadata(dir.join(&probe)).map_err(|e| e.to_string())?;
        rpc.push(started.elapsed());
        close(&mut client, &s)?;

        let dir = work.join(format!("c-{r}"));
        let started = Instant::now();
        let out = run(Command::new(&bin)
            .current_dir(&repo)
            .args([
                "--json",
                "session",
                "new",
                "--agent",
                "bench",
                "--persistent",
                "--mount",
            ])
            .arg(&dir))?;
        std::fs::metadata(dir.join(&probe)).map_err(|e| e.to_string())?;
        cli_ready.push(started.elapsed());
        let s: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        if let Some(old) = last.replace((s, dir)) {
            close(&mut client, &old.0)?;
        }

        let dir = work.join(format!("wt-{r}"));
        let started = Instant::now();
        run(Command::new("git")
            .current_dir(&git)
            .args(["worktree", "add", "-q", "--detach"])
            .arg(&dir))?;
        std::fs::metadata(dir.join(&probe)).map_err(|e| e.to_string())?;
        wt_cli.push(started.elapsed());
        wt.push(started.elapsed());
        if r + 1 < cli.reps {
            run(Command::new("git")
                .current_dir(&git)
                .args(["worktree", "remove", "--force"])
                .arg(&dir))?;
        }
    }
    mounted.ready = Summary::of(&rpc);
    mounted.ready_cli = Summary::of(&cli_ready);
    worktree.ready = Summary::of(&wt);
    worktree.ready_cli = Summary::of(&wt_cli);
    let (session, mount) = last.ok_or("no repetitions")?;
    let wt_dir = work.join(format!("wt-{}", cli.reps - 1));
    worktree.disk_per_agent = disk_usage(&wt_dir, Measure::Allocated)
        + disk_usage(
            &git.join(format!(".git/worktrees/wt-{}", cli.reps - 1)),
            Measure::Allocated,
        );

    eprintln!(
        "reading, git status{} ...",
        if cli.cargo_check { ", cargo check" } else { "" }
    );
    use_dir(cli, &mount, &files, &mut mounted)?;
    use_dir(cli, &wt_dir, &files, &mut worktree)?;
    close(&mut client, &session)?;
    if drop_caches() {
        eprintln!("reading with the page cache dropped ...");
        let (mut m_cold, mut w_cold) = (vec![], vec![]);
        for r in 0..cli.reps.min(5) {
            let dir = work.join(format!("cold-{r}"));
            let s = client.call(
                "session.new",
                json!({ "agent": "bench", "mount": dir, "persistent": true }),
            )?;
            std::fs::metadata(dir.join(&probe)).map_err(|e| e.to_string())?;
            drop_caches();
            let (a, d) = time(|| read_all(&dir, &files))?;
            m_cold.push(d);
            close(&mut client, &s)?;
            drop_caches();
            let (b, d) = time(|| read_all(&wt_dir, &files))?;
            w_cold.push(d);
            if a != b {
                return Err(format!("read {a} bytes in the mount, {b} in the worktree"));
            }
        }
        mounted.read_all_cold = Some(Summary::of(&m_cold));
        worktree.read_all_cold = Some(Summary::of(&w_cold));
    }

    eprintln!("{} mounted sessions ...", cli.sessions);
    let stores = |repo: &Path| {
        disk_usage(&repo.join(".atomic"), Measure::Allocated)
            + disk_usage(&repo.join(".git"), Measure::Allocated)
    };
    let disk_before = stores(&repo);
    let server_rss_before_kib = memory_kib(server.id(), "VmRSS").unwrap_or(0);
    let started = Instant::now();
    let mut live = Vec::new();
    for i in 0..cli.sessions {
        let dir = work.join(format!("many-{i}"));
        live.push(client.call(
            "session.new",
            json!({ "agent": "bench", "mount": dir, "persistent": true }),
        )?);
    }
    let setup_s = started.elapsed().as_secs_f64();
    // Let each mount's git worktree be written.
    std::thread::sleep(Duration::from_secs(2));
    mounted.disk_per_agent = stores(&repo).saturating_sub(disk_before) / cli.sessions.max(1) as u64;
    let many = Many {
        sessions: cli.sessions,
        setup_s,
        server_rss_before_kib,
        server_rss_after_kib: memory_kib(server.id(), "VmRSS").unwrap_or(0),
        disk: stores(&repo).saturating_sub(disk_before),
        git_worktrees_disk: worktree.disk_per_agent * cli.sessions as u64,
    };
    for s in &live {
        close(&mut client, s)?;
    }
    drop(client);
    run(Command::new(&bin)
        .current_dir(&repo)
        .args(["--quiet", "serve", "--stop"]))?;
    let _ = server.wait();
    Ok(Report {
        repository: source.display().to_string(),
        files_in_head: files.len(),
        mounted,
        worktree,
        many,
    })
}

fn close(client: &mut RpcClient, s: &serde_json::Value) -> Result<(), String> {
    client
        .call(
            "session.close",
            json!({ "session_id": s["session_id"], "token": s["token"] }),
        )
        .map(drop)
}

fn markdown(r: &Report) -> String {
    let (m, w) = (&r.mounted, &r.worktree);
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}x", a / b)
        } else {
            "-".into()
        }
    };
    let row = |name: &str, a: f64, b: f64, unit: &str| {
        format!(
            "| {name} | {a:.1} {unit} | {b:.1} {unit} | {} |\n",
            ratio(a, b)
        )
    };
    let mut out = format!(
        "{} ({} files)\n\n| median | mounted session | git worktree | ratio |\n|---|---|---|---|\n",
        r.repository, r.files_in_head
    );
    out += &row(
        "usable directory (request)",
        m.ready.median_ms,
        w.ready.median_ms,
        "ms",
    );
    out += &row(
        "usable directory (process)",
        m.ready_cli.median_ms,
        w.ready_cli.median_ms,
        "ms",
    );
    out += &format!(
        "| disk per agent | {} | {} | {} |\n",
        mib(m.disk_per_agent),
        mib(w.disk_per_agent),
        ratio(m.disk_per_agent as f64, w.disk_per_agent as f64)
    );
    out += &row(
        "read every file, first",
        m.read_all_first.median_ms,
        w.read_all_first.median_ms,
        "ms",
    );
    out += &row(
        "read every file, again",
        m.read_all_again.median_ms,
        w.read_all_again.median_ms,
        "ms",
    );
    if let (Some(a), Some(b)) = (&m.read_all_cold, &w.read_all_cold) {
        out += &row(
            "read every file, page cache dropped",
            a.median_ms,
            b.median_ms,
            "ms",
        );
    }
    out += &row(
        "git status",
        m.git_status.median_ms,
        w.git_status.median_ms,
        "ms",
    );
    if let (Some(a), Some(b)) = (m.cargo_check_cold_s, w.cargo_check_cold_s) {
        out += &row("cargo check, cold", a, b, "s");
    }
    if let (Some(a), Some(b)) = (m.cargo_check_warm_s, w.cargo_check_warm_s) {
        out += &row("cargo check, warm", a, b, "s");
    }
    let n = &r.many;
    out += &format!(
        "\n{} mounted sessions: mounted in {:.1} s; server memory {} before, {} after; disk {} (git worktrees: {})\n",
        n.sessions,
        n.setup_s,
        mib(n.server_rss_before_kib * 1024),
        mib(n.server_rss_after_kib * 1024),
        mib(n.disk),
        mib(n.git_worktrees_disk)
    );
    out
}
