//! `kill -9` of the server at random moments of a stream of concurrent submits: every
//! acknowledged submit is on the branch once, nothing is half there, store and git agree,
//! and work goes on.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::TestEnv;

const AGENTS: usize = 6;
const ROUNDS: usize = 5;

fn function(k: usize, value: usize) -> String {
    format!("pub fn f{k}() -> u32 {{\n    {value}\n}}\n")
}

fn file(agents: &[usize], values: &[usize]) -> String {
    agents
        .iter()
        .map(|&k| function(k, values[k]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A small deterministic generator (64-bit LCG), so a failing run can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// The pid of the server listening in `dir`, if one answers.
fn server_pid(dir: &Path) -> Option<u64> {
    let mut stream = UnixStream::connect(dir.join(".atomic/serve.sock")).ok()?;
    stream
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server.info\",\"params\":{}}\n")
        .ok()?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).ok()?;
    let answer: serde_json::Value = serde_json::from_str(&line).ok()?;
    answer["result"]["pid"].as_u64()
}

/// Runs an agent command through the server (starting one when none runs), retrying while
/// the server is gone or the store busy, as an agent host would.
fn retrying(env: &TestEnv, dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    for _ in 0..200 {
        let mut cmd = env.atomic_cmd(dir, args);
        cmd.env_remove("ATOMIC_NO_SERVER")
            .env("ATOMIC_LOCK_TIMEOUT_MS", "60000")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            let _ = input.write_all(s.as_bytes());
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            return out;
        }
        let err = String::from_utf8_lossy(&out.stderr);
        let transient = err.contains("server_gone")
            || err.contains("\"busy\"")
            || err.contains("stopped before answering")
            || err.contains("did not start");
        assert!(transient, "atomic {args:?} failed for real: {err}");
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("atomic {args:?} kept failing");
}

#[test]
fn killing_the_server_during_concurrent_submits_loses_no_acknowledged_work() {
    let env = Arc::new(TestEnv::new());
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    let owners: [Vec<usize>; 2] = [
        (0..AGENTS).filter(|k| k % 2 == 0).collect(),
        (0..AGENTS).filter(|k| k % 2 == 1).collect(),
    ];
    let zero = vec![0; AGENTS];
    std::fs::write(dir.join("one.rs"), file(&owners[0], &zero)).unwrap();
    std::fs::write(dir.join("two.rs"), file(&owners[1], &zero)).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);

    let done = Arc::new(AtomicBool::new(false));
    let kills = Arc::new(AtomicUsize::new(0));
    let killer = {
        let (dir, done, kills) = (dir.clone(), done.clone(), kills.clone());
        std::thread::spawn(move || {
            let mut rng = Lcg(0x5eed);
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(150 + rng.next(500)));
                if let Some(pid) = server_pid(&dir) {
                    let status = std::process::Command::new("kill")
                        .args(["-9", &pid.to_string()])
                        .status()
                        .unwrap();
                    if status.success() {
                        kills.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        })
    };

    // (agent, round) → the commit its acknowledged submit landed.
    let acked: Arc<Mutex<Vec<(usize, usize, String)>>> = Arc::default();
    let agents: Vec<_> = (0..AGENTS)
        .map(|k| {
            let (env, dir, acked) = (env.clone(), dir.clone(), acked.clone());
            std::thread::spawn(move || {
                let path = if k % 2 == 0 { "one.rs" } else { "two.rs" };
                for round in 1..=ROUNDS {
                    let new = retrying(
                        &env,
                        &dir,
                        &["--json", "session", "new", "--agent", &format!("a{k}")],
                        None,
                    );
                    let s: serde_json::Value = serde_json::from_slice(&new.stdout).unwrap();
                    let (id, token) = (
                        s["session_id"].as_str().unwrap(),
                        s["token"].as_str().unwrap(),
                    );
                    let session = |rest: &[&str]| {
                        let mut args = vec!["--json", "session", "--session", id, "--token", token];
                        args.extend_from_slice(rest);
                        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
                    };
                    let read = retrying(&env, &dir, &as_strs(&session(&["read", path])), None);
                    let text: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
                    let text = text["text"].as_str().unwrap().to_owned();
                    let old = format!("pub fn f{k}() -> u32 {{\n    ");
                    let at = text.find(&old).unwrap() + old.len();
                    let end = at + text[at..].find('\n').unwrap();
                    let edited = format!("{}{}{}", &text[..at], k * 1000 + round, &text[end..]);
                    retrying(
                        &env,
                        &dir,
                        &as_strs(&session(&["write", path])),
                        Some(&edited),
                    );
                    let message = format!("agent {k} round {round}");
                    let out = retrying(
                        &env,
                        &dir,
                        &as_strs(&session(&["submit", "-m", &message])),
                        None,
                    );
                    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    assert_eq!(result["status"], "merged", "{result}");
                    let commit = result["commit"].as_str().unwrap().to_owned();
                    acked.lock().unwrap().push((k, round, commit));
                }
            })
        })
        .collect();
    for a in agents {
        a.join().expect("an agent failed");
    }
    done.store(true, Ordering::SeqCst);
    killer.join().unwrap();
    let _ = env.atomic(&dir, &["serve", "--stop"]);

    let acked = acked.lock().unwrap().clone();
    let kills = kills.load(Ordering::SeqCst);
    eprintln!(
        "crash test: {AGENTS} agents x {ROUNDS} rounds, {kills} server kills, {} submits acknowledged",
        acked.len()
    );
    assert_eq!(acked.len(), AGENTS * ROUNDS);
    assert!(kills >= 3, "the killer must have struck ({kills} kills)");
    // Every acknowledged submit is on the branch, exactly once.
    let log = env.git(&dir, &["log", "--format=%H %s", "main"]);
    for (k, round, commit) in &acked {
        env.git(&dir, &["merge-base", "--is-ancestor", commit, "main"]);
        let subject = format!(" agent {k} round {round}");
        let count = log.lines().filter(|l| l.ends_with(&subject)).count();
        assert_eq!(count, 1, "{subject} landed {count} times:\n{log}");
    }
    // Every agent's last value is in the final tree.
    let last: Vec<usize> = (0..AGENTS).map(|k| k * 1000 + ROUNDS).collect();
    assert_eq!(
        env.git(&dir, &["show", "main:one.rs"]),
        file(&owners[0], &last)
    );
    assert_eq!(
        env.git(&dir, &["show", "main:two.rs"]),
        file(&owners[1], &last)
    );
    // Store and git agree, git's objects are sound, no lock is left, the working tree is
    // the branch's.
    let doctor = env.atomic_json(&dir, &["doctor"]);
    assert!(
        doctor["problems"].as_array().unwrap().is_empty(),
        "{doctor}"
    );
    env.git(&dir, &["fsck", "--strict"]);
    let locks = walk_locks(&dir.join(".git/refs"));
    assert!(locks.is_empty(), "{locks:?}");
    let status = env.atomic_json(&dir, &["status"]);
    assert!(status["stale"].as_array().unwrap().is_empty(), "{status}");
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
    // And work goes on.
    let s = env.atomic_json(&dir, &["session", "new", "--agent", "after"]);
    let (id, token) = (
        s["session_id"].as_str().unwrap(),
        s["token"].as_str().unwrap(),
    );
    std::fs::write(env.path("after.rs"), "pub fn after() {}\n").unwrap();
    let after = env.path("after.rs");
    env.atomic_ok(
        &dir,
        &[
            "session",
            "--session",
            id,
            "--token",
            token,
            "write",
            "after.rs",
            "--file",
            after.to_str().unwrap(),
        ],
    );
    let submitted = env.atomic_json(
        &dir,
        &[
            "session",
            "--session",
            id,
            "--token",
            token,
            "submit",
            "-m",
            "after",
        ],
    );
    assert_eq!(submitted["status"], "merged");
}

fn as_strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn walk_locks(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk_locks(&p));
        } else if p.extension().is_some_and(|e| e == "lock") {
            out.push(p);
        }
    }
    out
}

/// Runs `args` (no server), killing it after `kill_after_ms` if it has not finished;
/// returns its output when it finished.
fn run_or_kill(
    env: &TestEnv,
    dir: &Path,
    args: &[&str],
    stdin: Option<&str>,
    kill_after_ms: u64,
) -> Option<Output> {
    let mut child = env
        .atomic_cmd(dir, args)
        .env("ATOMIC_LOCK_TIMEOUT_MS", "60000")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        let _ = input.write_all(s.as_bytes());
    }
    drop(input);
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() >= Duration::from_millis(kill_after_ms) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Some(child.wait_with_output().unwrap())
}

/// Without a server, each command opens the store itself; `kill -9` of commands at random
/// points of their submits (several rounds) must leave nothing half done.
#[test]
fn killing_commands_mid_submit_without_a_server_loses_nothing() {
    let env = TestEnv::new();
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    let agents = 4;
    let owners: Vec<usize> = (0..agents).collect();
    std::fs::write(dir.join("one.rs"), file(&owners, &vec![0; agents])).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    let mut rng = Lcg(0xfeed);
    let (mut kills, mut acked) = (0, Vec::new());
    for round in 1..=4 {
        for k in 0..agents {
            let s = env.atomic_json(&dir, &["session", "new", "--agent", &format!("a{k}")]);
            let (id, token) = (
                s["session_id"].as_str().unwrap(),
                s["token"].as_str().unwrap(),
            );
            let text = env.git(&dir, &["show", "HEAD:one.rs"]);
            let mut values: Vec<usize> = (0..agents)
                .map(|j| {
                    let at = text.find(&format!("fn f{j}()")).unwrap();
                    text[at..].lines().nth(1).unwrap().trim().parse().unwrap()
                })
                .collect();
            values[k] = k * 1000 + round;
            let edited = file(&owners, &values);
            let message = format!("agent {k} round {round}");
            let write = [
                "session",
                "--session",
                id,
                "--token",
                token,
                "write",
                "one.rs",
            ];
            let submit = [
                "--json",
                "session",
                "--session",
                id,
                "--token",
                token,
                "submit",
                "-m",
                &message,
            ];
            // The write, then the submit: each may be killed, then is retried.
            for (args, stdin) in [(&write[..], Some(edited.as_str())), (&submit[..], None)] {
                let mut attempt = 0;
                let out = loop {
                    // Killed at a random moment at most twice, then left to finish.
                    let limit = if attempt < 2 {
                        5 + rng.next(150)
                    } else {
                        600_000
                    };
                    attempt += 1;
                    match run_or_kill(&env, &dir, args, stdin, limit) {
                        Some(out) => break out,
                        None => kills += 1,
                    }
                };
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                if stdin.is_none() {
                    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    acked.push((k, round, v["commit"].as_str().unwrap().to_owned()));
                }
            }
        }
    }
    eprintln!(
        "crash test without a server: {agents} agents x 4 rounds, {kills} commands killed, {} submits acknowledged",
        acked.len()
    );
    assert!(kills >= 3, "commands were killed ({kills})");
    let log = env.git(&dir, &["log", "--format=%s", "main"]);
    for (k, round, commit) in &acked {
        env.git(&dir, &["merge-base", "--is-ancestor", commit, "main"]);
        let subject = format!("agent {k} round {round}");
        assert_eq!(
            log.lines().filter(|l| *l == subject).count(),
            1,
            "{subject}:\n{log}"
        );
    }
    let last: Vec<usize> = (0..agents).map(|k| k * 1000 + 4).collect();
    assert_eq!(
        env.git(&dir, &["show", "main:one.rs"]),
        file(&owners, &last)
    );
    let doctor = env.atomic_json(&dir, &["doctor"]);
    assert!(
        doctor["problems"].as_array().unwrap().is_empty(),
        "{doctor}"
    );
    env.git(&dir, &["fsck", "--strict"]);
    assert!(walk_locks(&dir.join(".git")).is_empty());
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
}

/// A clone killed at any moment is cloned again into the same directory.
#[test]
fn a_killed_clone_starts_again_in_the_same_directory() {
    let env = TestEnv::new();
    let source = env.history("source");
    let dest = env.path("dest");
    let mut rng = Lcg(0xc10e);
    let mut kills = 0;
    for _ in 0..6 {
        match run_or_kill(
            &env,
            &env.path(""),
            &["clone", source.to_str().unwrap(), "dest"],
            None,
            10 + rng.next(300),
        ) {
            None => {
                kills += 1;
                // Killed after it removed its marker: the clone had finished, and a clone
                // into its directory is refused as `git clone` refuses it.
                if clone_finished(&dest) {
                    break;
                }
            }
            Some(out) => {
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                break;
            }
        }
    }
    if !clone_finished(&dest) {
        env.atomic_ok(&env.path(""), &["clone", source.to_str().unwrap(), "dest"]);
    }
    eprintln!("clone killed {kills} time(s), then finished");
    let doctor = env.atomic_json(&dest, &["doctor"]);
    assert!(
        doctor["problems"].as_array().unwrap().is_empty(),
        "{doctor}"
    );
    assert_eq!(
        env.git(&dest, &["log", "--all", "--format=%H"]),
        env.git(&source, &["log", "--all", "--format=%H"])
    );
}

/// Whether `dest` holds a clone that ran to its end: it has content and no clone marker.
fn clone_finished(dest: &Path) -> bool {
    let has_content = std::fs::read_dir(dest).is_ok_and(|mut d| d.next().is_some());
    has_content && !dest.join(".atomic-clone").exists()
}
