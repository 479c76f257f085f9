//! A load run: N agents at once, each with its own connection to `atomic serve`, each
//! creating a session, reading a shared file, editing a function no other agent edits,
//! and submitting. Prints merged changes per second, p50/p95 per operation, errors, and
//! edits lost (an edit of a merged submit missing from the final tree: must be 0).
//!
//! ```text
//! load --repo PATH --agents 50 [--agents 200 ...] [--raw FILE] [--markdown]
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use atomic_benches::{RpcClient, Summary, atomic_binary, run, start_server};
use clap::Parser;
use serde::Serialize;
use serde_json::json;

/// Run N concurrent agents against one repository and report throughput and latency
#[derive(Parser)]
#[command(name = "load")]
struct Cli {
    /// The git repository (a path, or a bare mirror)
    #[arg(long)]
    repo: PathBuf,
    /// The atomic binary (default: the one next to this program)
    #[arg(long)]
    atomic: Option<PathBuf>,
    /// How many agents run at once (repeat for several runs)
    #[arg(long, default_values_t = [50])]
    agents: Vec<usize>,
    /// Write every operation's timing as JSON lines here
    #[arg(long)]
    raw: Option<PathBuf>,
    /// Where to work (default: a temporary directory, removed afterwards)
    #[arg(long)]
    work: Option<PathBuf>,
    /// Print a Markdown table (for book/) instead of JSON
    #[arg(long)]
    markdown: bool,
}

/// A top-level function some agent edits.
#[derive(Clone, Debug)]
struct Target {
    path: String,
    /// The line that begins it, unique in its file.
    anchor: String,
}

/// One agent's operations.
#[derive(Debug, Serialize)]
struct AgentRun {
    agent: usize,
    path: String,
    new_ms: f64,
    read_ms: f64,
    write_ms: f64,
    submit_ms: f64,
    status: String,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct RunReport {
    agents: usize,
    wall_s: f64,
    merged: usize,
    conflicts: usize,
    errors: usize,
    edits_lost: usize,
    merged_per_second: f64,
    /// The server's CPU time over the run (user and system, all threads) per agent, in
    /// milliseconds: less noisy than wall time on a shared machine.
    server_cpu_ms_per_agent: f64,
    new: Summary,
    read: Summary,
    write: Summary,
    submit: Summary,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match load(&cli) {
        Ok(reports) => {
            if cli.markdown {
                print!("{}", markdown(&cli.repo, &reports));
            } else {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&reports).expect("reports serialize")
                );
            }
            if reports.iter().any(|r| r.edits_lost > 0) {
                return std::process::ExitCode::FAILURE;
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Top-level functions with a one-line, unique first line, up to `n`, from the clone.
fn targets(bin: &Path, repo: &Path, n: usize) -> Result<Vec<Target>, String> {
    let listed: Vec<serde_json::Value> = atomic_benches::list_symbols(bin, repo)?;
    let mut found = Vec::new();
    for f in &listed {
        let Some(path) = f["path"].as_str() else {
            continue;
        };
        if f["has_errors"] == true || !(path.ends_with(".rs") || path.ends_with(".java")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(repo.join(path)) else {
            continue;
        };
        for s in f["symbols"].as_array().into_iter().flatten() {
            if s["kind"] != "function" && s["kind"] != "method" {
                continue;
            }
            let at = s["start_byte"].as_u64().unwrap_or(0) as usize;
            let Some(line_start) = text.get(..at).map(|t| t.rfind('\n').map_or(0, |i| i + 1))
            else {
                continue;
            };
            let anchor = text[line_start..].lines().next().unwrap_or_default();
            if anchor.trim().is_empty() || text.matches(anchor).count() != 1 {
                continue;
            }
            found.push(Target {
                path: path.to_owned(),
                anchor: anchor.to_owned(),
            });
            if found.len() == n {
                return Ok(found);
            }
        }
    }
    Err(format!(
        "only {} functions to edit, {n} wanted",
        found.len()
    ))
}

/// The comment agent `i` puts above its function.
fn marker(i: usize, run: usize) -> String {
    format!("// load run {run} agent {i}")
}

fn one_agent(client: &mut RpcClient, i: usize, run: usize, target: &Target) -> AgentRun {
    let mut out = AgentRun {
        agent: i,
        path: target.path.clone(),
        new_ms: 0.0,
        read_ms: 0.0,
        write_ms: 0.0,
        submit_ms: 0.0,
        status: "error".into(),
        error: None,
    };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let result = (|| -> Result<String, String> {
        let t = Instant::now();
        let s = client.call("session.new", json!({ "agent": format!("load-{i}") }))?;
        out.new_ms = ms(t.elapsed());
        let (id, token) = (
            s["session_id"].as_str().unwrap_or_default().to_owned(),
            s["token"].as_str().unwrap_or_default().to_owned(),
        );
        let t = Instant::now();
        let read = client.call(
            "session.read",
            json!({ "session_id": id, "token": token, "path": target.path }),
        )?;
        out.read_ms = ms(t.elapsed());
        let text = read["text"].as_str().ok_or("not text")?;
        let at = text.find(&target.anchor).ok_or("the function moved")?;
        let indent: String = target
            .anchor
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect();
        let edited = format!("{}{indent}{}\n{}", &text[..at], marker(i, run), &text[at..]);
        let t = Instant::now();
        client.call(
            "session.write",
            json!({ "session_id": id, "token": token, "path": target.path, "text": edited }),
        )?;
        out.write_ms = ms(t.elapsed());
        let t = Instant::now();
        let submitted = client.call(
            "session.submit",
            json!({ "session_id": id, "token": token, "message": format!("load agent {i}") }),
        )?;
        out.submit_ms = ms(t.elapsed());
        Ok(submitted["status"].as_str().unwrap_or("error").to_owned())
    })();
    match result {
        Ok(status) => out.status = status,
        Err(e) => out.error = Some(e),
    }
    out
}

fn load(cli: &Cli) -> Result<Vec<RunReport>, String> {
    let bin =
        std::path::absolute(atomic_binary(cli.atomic.as_deref())).map_err(|e| e.to_string())?;
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = cli.work.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let source = std::path::absolute(&cli.repo).map_err(|e| e.to_string())?;
    let most = cli.agents.iter().copied().max().unwrap_or(0);
    let mut reports = Vec::new();
    let mut raw = Vec::new();
    for (run_no, &agents) in cli.agents.iter().enumerate() {
        let repo = work.join(format!("atomic-{run_no}"));
        atomic_benches::atomic_clone(&bin, &source, &repo)?;
        let all = targets(&bin, &repo, most)?;
        let mut server = start_server(&bin, &repo)?;
        eprintln!("{agents} agents at once ...");
        let barrier = Arc::new(Barrier::new(agents + 1));
        let handles: Vec<_> = (0..agents)
            .map(|i| {
                let (barrier, target, repo) = (barrier.clone(), all[i].clone(), repo.clone());
                std::thread::spawn(move || -> Result<AgentRun, String> {
                    let mut client = RpcClient::connect(&repo)?;
                    barrier.wait();
                    Ok(one_agent(&mut client, i, run_no, &target))
                })
            })
            .collect();
        let cpu_before = atomic_benches::cpu_seconds(server.id()).unwrap_or(0.0);
        barrier.wait();
        let started = Instant::now();
        let mut runs = Vec::new();
        for h in handles {
            runs.push(h.join().map_err(|_| "an agent thread panicked")??);
        }
        let wall = started.elapsed();
        let server_cpu_s = atomic_benches::cpu_seconds(server.id()).unwrap_or(0.0) - cpu_before;
        run(Command::new(&bin)
            .current_dir(&repo)
            .args(["--quiet", "serve", "--stop"]))?;
        let _ = server.wait();
        // Every merged agent's line must be in the final tree.
        let mut lost = 0;
        for r in runs.iter().filter(|r| r.status == "merged") {
            let out = run(Command::new("git")
                .current_dir(&repo)
                .args(["show", &format!("HEAD:{}", r.path)]))?;
            if !String::from_utf8_lossy(&out.stdout).contains(&marker(r.agent, run_no)) {
                lost += 1;
            }
        }
        let of = |f: fn(&AgentRun) -> f64| -> Summary {
            let v: Vec<Duration> = runs
                .iter()
                .filter(|r| r.error.is_none())
                .map(|r| Duration::from_secs_f64(f(r) / 1e3))
                .collect();
            Summary::of(&v)
        };
        let merged = runs.iter().filter(|r| r.status == "merged").count();
        reports.push(RunReport {
            agents,
            wall_s: wall.as_secs_f64(),
            merged,
            conflicts: runs.iter().filter(|r| r.status == "conflict").count(),
            errors: runs.iter().filter(|r| r.error.is_some()).count(),
            edits_lost: lost,
            merged_per_second: merged as f64 / wall.as_secs_f64(),
            server_cpu_ms_per_agent: server_cpu_s * 1e3 / agents.max(1) as f64,
            new: of(|r| r.new_ms),
            read: of(|r| r.read_ms),
            write: of(|r| r.write_ms),
            submit: of(|r| r.submit_ms),
        });
        for r in &runs {
            if let Some(e) = &r.error {
                eprintln!("agent {}: {e}", r.agent);
            }
        }
        raw.extend(runs.into_iter().map(|r| (agents, r)));
    }
    if let Some(path) = &cli.raw {
        let mut lines = String::new();
        for (agents, r) in &raw {
            let mut v = serde_json::to_value(r).map_err(|e| e.to_string())?;
            v["agents_at_once"] = json!(agents);
            lines.push_str(&v.to_string());
            lines.push('\n');
        }
        std::fs::write(path, lines).map_err(|e| e.to_string())?;
    }
    Ok(reports)
}

fn markdown(repo: &Path, reports: &[RunReport]) -> String {
    let mut out = format!(
        "{}\n\n| agents at once | wall s | merged | merged/s | server CPU ms per agent | conflicts | errors | edits lost | new p50/p95 ms | read p50/p95 | write p50/p95 | submit p50/p95 |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        repo.display()
    );
    for r in reports {
        let pair = |s: &Summary| format!("{:.1} / {:.1}", s.median_ms, s.p95_ms);
        out += &format!(
            "| {} | {:.2} | {} | {:.0} | {:.1} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.agents,
            r.wall_s,
            r.merged,
            r.merged_per_second,
            r.server_cpu_ms_per_agent,
            r.conflicts,
            r.errors,
            r.edits_lost,
            pair(&r.new),
            pair(&r.read),
            pair(&r.write),
            pair(&r.submit)
        );
    }
    out
}
