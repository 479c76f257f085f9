//! Session operations timed on a real repository, as a cold CLI process and through
//! `atomic serve`, beside `git worktree add` on the same repository; then the disk and
//! memory of many live sessions.
//!
//! ```text
//! session-bench --repo PATH [--reps 30] [--sessions 1000] [--files 10] [--markdown]
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use atomic_benches::{
    Measure, Summary, atomic_binary, disk_usage, memory_kib, mib, run, start_server,
};
use clap::Parser;
use serde::Serialize;

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
    /// Where to work (default: a temporary directory, removed afterwards)
    #[arg(long)]
    work: Option<PathBuf>,
    /// Print Markdown tables (for book/) instead of JSON
    #[arg(long)]
    markdown: bool,
}

/// Timings of one way of running commands.
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
    /// Seconds to create them all and write every file (through the server).
    setup_s: f64,
    /// Growth of `.atomic`: bytes written, and allocated blocks (which also moves with
    /// RocksDB's preallocated write-ahead log, so it can even shrink).
    disk_apparent: u64,
    disk_allocated: u64,
    /// The server's resident memory before and after, and its peak, in KiB.
    server_rss_before_kib: u64,
    server_rss_after_kib: u64,
    server_peak_kib: u64,
    /// One more write and `session list`, with all of them live.
    write_with_all_live: Summary,
    list_with_all_live: Summary,
    /// What `sessions` git worktrees would take: one measured worktree times `sessions`.
    git_worktrees_disk: u64,
}

#[derive(Debug, Serialize)]
struct Report {
    repository: String,
    files_in_head: usize,
    cold_cli: Ops,
    served: Ops,
    git_worktree_add: Summary,
    git_worktree_disk: u64,
    live: Live,
}

/// A session: id and token.
struct Session(String, String);

struct Bench {
    bin: PathBuf,
    repo: PathBuf,
    /// Files with a function: path, the line that began its first function, its text
    /// at the clone.
    files: Vec<(String, String, String)>,
}

impl Bench {
    fn atomic(&self, s: Option<&Session>) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(&self.repo)
            .env("ATOMIC_LOCK_TIMEOUT_MS", "600000");
        if let Some(Session(id, token)) = s {
            cmd.env("ATOMIC_SESSION", id)
                .env("ATOMIC_SESSION_TOKEN", token);
        }
        cmd
    }

    fn new_session(&self) -> Result<(Session, Duration), String> {
        let started = Instant::now();
        let out = run(self.atomic(None).args(["--json", "session", "new"]))?;
        let elapsed = started.elapsed();
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        Ok((Session(field("session_id"), field("token")), elapsed))
    }

    fn write(&self, s: &Session, path: &str, text: &str) -> Result<Duration, String> {
        let started = Instant::now();
        let mut child = self
            .atomic(Some(s))
            .args(["--json", "session", "write", path])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        child
            .stdin
            .take()
            .ok_or("no stdin")?
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())?;
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "session write: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(started.elapsed())
    }

    /// `text` (file `i`) with a new item at the end (`tag` names it).
    fn appended(&self, i: usize, text: &str, tag: &str) -> String {
        let path = &self.files[i].0;
        let item = if path.ends_with(".py") {
            format!("\n\ndef bench_{tag}():\n    return 1\n")
        } else if path.ends_with(".rs") {
            format!("\n\npub fn bench_{tag}() -> u32 {{\n    1\n}}\n")
        } else {
            format!("\n// bench {tag}\n")
        };
        format!("{text}{item}")
    }

    /// `text` (file `i`) with a new item before the line that began its first function.
    fn prepended(&self, i: usize, text: &str, tag: &str) -> String {
        let (path, anchor, _) = &self.files[i];
        let item = if path.ends_with(".py") {
            format!("def bench_{tag}():\n    return 1\n\n\n")
        } else if path.ends_with(".rs") {
            format!("pub fn bench_{tag}() -> u32 {{\n    1\n}}\n\n")
        } else {
            format!("// bench {tag}\n")
        };
        let at = text.find(anchor.as_str()).unwrap_or(0);
        let mut out = text.to_owned();
        out.insert_str(at, &item);
        out
    }

    fn ops(&self, reps: usize, label: &str) -> Result<Ops, String> {
        let (mut create, mut read, mut write, mut submit) = (vec![], vec![], vec![], vec![]);
        for r in 0..reps {
            let (a, t) = self.new_session()?;
            create.push(t);
            let (b, _) = self.new_session()?;
            let path = self.files[0].0.clone();
            let started = Instant::now();
            let out = run(self.atomic(Some(&a)).args(["session", "read", &path]))?;
            read.push(started.elapsed());
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            write.push(self.write(
                &a,
                &path,
                &self.appended(0, &text, &format!("{label}_a{r}")),
            )?);
            self.write(
                &b,
                &path,
                &self.prepended(0, &text, &format!("{label}_b{r}")),
            )?;
            run(self
                .atomic(Some(&a))
                .args(["session", "submit", "-m", "bench: a"]))?;
            let started = Instant::now();
            let out = run(self
                .atomic(Some(&b))
                .args(["--json", "session", "submit", "-m", "bench: b"]))?;
            submit.push(started.elapsed());
            let v: serde_json::Value =
                serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
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
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match bench(&cli) {
        Ok(report) => {
            if cli.markdown {
                print!("{}", markdown(&report));
            } else {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("reports serialize")
                );
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn bench(cli: &Cli) -> Result<Report, String> {
    let bin =
        std::path::absolute(atomic_binary(cli.atomic.as_deref())).map_err(|e| e.to_string())?;
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = cli.work.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let source = std::path::absolute(&cli.repo).map_err(|e| e.to_string())?;
    let repo = work.join("atomic");
    eprintln!("atomic clone {} ...", source.display());
    run(Command::new(&bin)
        .args(["--quiet", "clone"])
        .arg(&source)
        .arg(&repo))?;
    let out = run(Command::new(&bin)
        .current_dir(&repo)
        .args(["--json", "symbols"]))?;
    let listed: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for f in &listed {
        let (Some(path), Some(first)) = (
            f["path"].as_str(),
            f["symbols"].as_array().and_then(|s| {
                s.iter()
                    .find(|s| s["kind"] == "function" && s["top_level"] == true)
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
        files.push((path.to_owned(), anchor, text));
        if files.len() == cli.files {
            break;
        }
    }
    if files.len() < cli.files {
        return Err(format!(
            "only {} files with a top-level function",
            files.len()
        ));
    }
    let files_in_head = run(Command::new("git").current_dir(&repo).args(["ls-files"]))?
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    let mut bench = Bench {
        bin: bin.clone(),
        repo: repo.clone(),
        files,
    };

    eprintln!("cold CLI ...");
    let cold_cli = bench.ops(cli.reps, "cold")?;
    eprintln!("through atomic serve ...");
    let mut server = start_server(&bin, &repo)?;
    let served = bench.ops(cli.reps, "served")?;

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
    for (path, _, text) in &mut bench.files {
        let out = run(Command::new("git")
            .current_dir(&repo)
            .args(["show", &format!("HEAD:{path}")]))?;
        *text = String::from_utf8_lossy(&out.stdout).into_owned();
    }
    let bench = bench;
    let store = repo.join(".atomic");
    let (apparent, allocated) = (
        disk_usage(&store, Measure::Apparent),
        disk_usage(&store, Measure::Allocated),
    );
    let rss_before = memory_kib(server.id(), "VmRSS").unwrap_or(0);
    let started = Instant::now();
    let threads = 4;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let bench = &bench;
                scope.spawn(move || -> Result<(), String> {
                    for n in (t..cli.sessions).step_by(threads) {
                        let (s, _) = bench.new_session()?;
                        for i in 0..cli.files {
                            let (path, _, text) = &bench.files[i];
                            bench.write(&s, path, &bench.appended(i, text, &format!("live{n}")))?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into())))
            .collect::<Result<Vec<()>, String>>()
    })?;
    let setup_s = started.elapsed().as_secs_f64();
    let rss_after = memory_kib(server.id(), "VmRSS").unwrap_or(0);
    let mut write_live = Vec::new();
    let mut list_live = Vec::new();
    for r in 0..cli.reps.min(10) {
        let (s, _) = bench.new_session()?;
        let (path, _, text) = &bench.files[0];
        write_live.push(bench.write(&s, path, &bench.appended(0, text, &format!("last{r}")))?);
        let started = Instant::now();
        run(bench.atomic(None).args(["--json", "session", "list"]))?;
        list_live.push(started.elapsed());
    }
    let peak = memory_kib(server.id(), "VmHWM").unwrap_or(0);
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
        cold_cli,
        served,
        git_worktree_add: Summary::of(&adds),
        git_worktree_disk,
        live,
    })
}

fn markdown(r: &Report) -> String {
    let row =
        |what: &str, s: &Summary| format!("| {what} | {:.1} | {:.1} |\n", s.median_ms, s.p90_ms);
    let mut out = format!(
        "{} ({} files in HEAD)\n\n| operation | median ms | p90 ms |\n|---|---|---|\n",
        r.repository, r.files_in_head
    );
    for (how, ops) in [
        ("cold CLI", &r.cold_cli),
        ("through atomic serve", &r.served),
    ] {
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
