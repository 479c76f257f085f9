//! Agent sessions through the CLI: isolation, submit with auto-rebase, conflict blocks,
//! tokens, soft-conflict warnings, dependency conflicts across files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::{TestEnv, output_with_input};

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n\npub fn c() -> u32 {\n    3\n}\n";

fn repo(env: &TestEnv) -> PathBuf {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    std::fs::write(
        dir.join("main.rs"),
        "fn main() {\n    println!(\"{}\", lib::a());\n}\n",
    )
    .unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    dir
}

/// Creates a session; returns (id, token).
fn new(env: &TestEnv, dir: &Path, agent: &str) -> (String, String) {
    let s = env.atomic_json(dir, &["session", "new", "--agent", agent]);
    (
        s["session_id"].as_str().unwrap().to_owned(),
        s["token"].as_str().unwrap().to_owned(),
    )
}

/// Writes `contents` at `path` through standard input; returns the JSON answer.
fn write(
    env: &TestEnv,
    dir: &Path,
    (id, token): &(String, String),
    path: &str,
    contents: &str,
) -> serde_json::Value {
    let out = output_with_input(
        &mut env.atomic_cmd(
            dir,
            &[
                "--json",
                "session",
                "--session",
                id,
                "--token",
                token,
                "write",
                path,
            ],
        ),
        contents,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn submit(
    env: &TestEnv,
    dir: &Path,
    (id, token): &(String, String),
    msg: &str,
) -> (Option<i32>, serde_json::Value) {
    let out = env.atomic(
        dir,
        &[
            "--json",
            "session",
            "--session",
            id,
            "--token",
            token,
            "submit",
            "-m",
            msg,
        ],
    );
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn two_sessions_editing_different_functions_both_merge() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let (s1, s2) = (new(&env, &dir, "alice"), new(&env, &dir, "bob"));
    let w = write(
        &env,
        &dir,
        &s1,
        "lib.rs",
        &LIB.replace("    1\n", "    10\n"),
    );
    assert_eq!(w["symbols"][0]["scoped_name"], "a");
    write(
        &env,
        &dir,
        &s2,
        "lib.rs",
        &LIB.replace("    3\n", "    30\n"),
    );
    // Isolation: each session reads its own version; the working tree is untouched so far.
    let read = env.atomic_ok(
        &dir,
        &[
            "session",
            "--session",
            &s2.0,
            "--token",
            &s2.1,
            "read",
            "lib.rs",
        ],
    );
    assert!(read.contains("    30\n") && read.contains("    1\n"));
    let (code, first) = submit(&env, &dir, &s1, "alice: a returns 10");
    assert_eq!(
        (
            code,
            first["status"].as_str(),
            first["fast_forward"].as_bool()
        ),
        (Some(0), Some("merged"), Some(true))
    );
    let (code, second) = submit(&env, &dir, &s2, "bob: c returns 30");
    assert_eq!(
        (
            code,
            second["status"].as_str(),
            second["fast_forward"].as_bool()
        ),
        (Some(0), Some("merged"), Some(false))
    );
    assert_eq!(second["merged_files"][0], "lib.rs");
    let merged = env.git(&dir, &["show", "HEAD:lib.rs"]);
    assert!(
        merged.contains("    10\n") && merged.contains("    30\n"),
        "{merged}"
    );
    // HEAD was on the branch with a clean tree: the checkout follows.
    assert_eq!(std::fs::read_to_string(dir.join("lib.rs")).unwrap(), merged);
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
    let log = env.atomic_json(&dir, &["log", "-n", "2"]);
    assert_eq!(log[0]["origin"]["kind"], "session");
    assert_eq!(log[0]["origin"]["agent"], "bob");
    assert_eq!(
        env.atomic_json(&dir, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Ephemeral sessions are gone once submitted.
    assert_eq!(
        env.atomic_json(&dir, &["session", "list"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn the_same_function_gives_a_conflict_block_and_keeps_the_session() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let (s1, s2) = (new(&env, &dir, "alice"), new(&env, &dir, "bob"));
    write(
        &env,
        &dir,
        &s1,
        "lib.rs",
        &LIB.replace("    2\n", "    20\n"),
    );
    let warned = write(
        &env,
        &dir,
        &s2,
        "lib.rs",
        &LIB.replace("    2\n", "    200\n"),
    );
    assert_eq!(
        warned["conflict_warnings"][0]["symbol"], "b",
        "a soft conflict: {warned}"
    );
    assert_eq!(warned["conflict_warnings"][0]["agent"], "alice");
    assert_eq!(submit(&env, &dir, &s1, "alice").0, Some(0));
    let (code, block) = submit(&env, &dir, &s2, "bob");
    assert_eq!(code, Some(1));
    assert_eq!(block["status"], "conflict");
    let c = &block["conflicting_symbols"][0];
    assert_eq!(c["symbol"], "b");
    assert_eq!(c["path"], "lib.rs");
    assert_eq!(c["your_change"]["change_type"], "modified");
    assert_eq!(c["their_change"]["change_type"], "modified");
    // `by` names the change that touched the symbol's file, with its agent.
    assert_eq!(c["their_change"]["by"]["agent"], "alice");
    assert_eq!(c["their_change"]["by"]["summary"], "alice");
    // Each side's whole symbol, not only the lines in conflict.
    assert_eq!(c["base"], "pub fn b() -> u32 {\n    2\n}\n");
    assert_eq!(c["yours"], "pub fn b() -> u32 {\n    200\n}\n");
    assert_eq!(c["theirs"], "pub fn b() -> u32 {\n    20\n}\n");
    assert!(
        block["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "proceed")
    );
    // Nothing submitted, the session unchanged.
    let read = env.atomic_ok(
        &dir,
        &[
            "session",
            "--session",
            &s2.0,
            "--token",
            &s2.1,
            "read",
            "lib.rs",
        ],
    );
    assert!(read.contains("    200\n"));
    assert!(env.git(&dir, &["show", "HEAD:lib.rs"]).contains("    20\n"));
    // `session status` says beforehand what a submit now would return.
    let status = session_json(&env, &dir, &s2, &["status"]);
    assert_eq!(
        status["conflicts"]["conflicting_symbols"],
        block["conflicting_symbols"]
    );
    assert!(status["branch_moved"].as_bool().unwrap());
}

/// Runs a session command with `--json`; returns its answer (exit 0 or not).
fn session_json(
    env: &TestEnv,
    dir: &Path,
    (id, token): &(String, String),
    args: &[&str],
) -> serde_json::Value {
    let mut all = vec!["--json", "session", "--session", id, "--token", token];
    all.extend_from_slice(args);
    let out = env.atomic(dir, &all);
    let text = if out.stdout.is_empty() {
        &out.stderr
    } else {
        &out.stdout
    };
    serde_json::from_slice(text).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(text)))
}

#[test]
fn review_comments_stay_with_the_session() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let s = new(&env, &dir, "alice");
    write(
        &env,
        &dir,
        &s,
        "lib.rs",
        &LIB.replace("    3\n", "    30\n"),
    );
    let status = session_json(&env, &dir, &s, &["status"]);
    assert_eq!(status["conflicts"], serde_json::Value::Null);
    assert_eq!(status["comments"], serde_json::json!([]));
    let c = session_json(
        &env,
        &dir,
        &s,
        &["comment", "lib.rs", "10", "why thirty?", "--author", "ana"],
    );
    assert_eq!(
        (c["path"].as_str(), c["line"].as_u64()),
        (Some("lib.rs"), Some(10))
    );
    let comments = &session_json(&env, &dir, &s, &["status"])["comments"];
    assert_eq!(comments.as_array().unwrap().len(), 1, "{comments}");
    assert_eq!(comments[0]["text"], "why thirty?");
    assert_eq!(comments[0]["author"], "ana");
    assert_eq!(comments[0]["id"], c["id"]);
    // Only lines of the session's diff; the error says what to do.
    for bad in [
        &["comment", "main.rs", "1", "not changed here"][..],
        &["comment", "lib.rs", "0", "line zero"][..],
        &["comment", "lib.rs", "2", "  "][..],
    ] {
        let e = session_json(&env, &dir, &s, bad);
        assert_eq!(e["error"]["kind"], "bad_comment", "{bad:?}: {e}");
    }
    let other = new(&env, &dir, "bob");
    let refused = session_json(
        &env,
        &dir,
        &(s.0.clone(), other.1.clone()),
        &["comment", "lib.rs", "10", "with bob's token"],
    );
    assert_eq!(refused["error"]["kind"], "bad_token");
}

#[test]
fn a_deleted_function_newly_called_in_another_file_is_a_hard_conflict() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let (s1, s2) = (new(&env, &dir, "remover"), new(&env, &dir, "caller"));
    let without_b = LIB.replace("pub fn b() -> u32 {\n    2\n}\n\n", "");
    write(&env, &dir, &s1, "lib.rs", &without_b);
    write(
        &env,
        &dir,
        &s2,
        "main.rs",
        "fn main() {\n    println!(\"{}\", lib::a());\n    let x = b();\n}\n",
    );
    assert_eq!(submit(&env, &dir, &s1, "remove b").0, Some(0));
    let (code, block) = submit(&env, &dir, &s2, "call b");
    assert_eq!(code, Some(1), "{block}");
    let c = &block["conflicting_symbols"][0];
    assert_eq!(c["symbol"], "b");
    assert_eq!(c["your_change"]["change_type"], "added_dependency");
    assert_eq!(c["their_change"]["change_type"], "deleted");
}

#[test]
fn tokens_and_paths_are_enforced() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let (s1, s2) = (new(&env, &dir, "alice"), new(&env, &dir, "mallory"));
    write(
        &env,
        &dir,
        &s1,
        "lib.rs",
        &LIB.replace("    1\n", "    secret\n"),
    );
    // mallory's token cannot read or submit alice's session.
    let read = env.atomic(
        &dir,
        &[
            "session",
            "--session",
            &s1.0,
            "--token",
            &s2.1,
            "read",
            "lib.rs",
        ],
    );
    assert_eq!(read.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&read.stderr).contains("token does not match"));
    let out = env.atomic(
        &dir,
        &[
            "session",
            "--session",
            &s1.0,
            "--token",
            &s2.1,
            "submit",
            "-m",
            "steal",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let missing = env.atomic(&dir, &["session", "--session", &s1.0, "read", "lib.rs"]);
    assert_eq!(missing.status.code(), Some(1), "no token at all");
    for bad in ["../escape.rs", "/etc/passwd", ".git/config", ".atomic/x"] {
        let out = env.atomic(
            &dir,
            &["session", "--session", &s1.0, "--token", &s1.1, "rm", bad],
        );
        assert_eq!(out.status.code(), Some(1), "{bad}");
    }
    // Reads fall through to the base; mv, rm and ls see the overlay.
    let sess = |args: &[&str]| -> String {
        let mut all = vec![
            "session",
            "--session",
            s1.0.as_str(),
            "--token",
            s1.1.as_str(),
        ];
        all.extend_from_slice(args);
        env.atomic_ok(&dir, &all)
    };
    sess(&["mv", "main.rs", "bin/main.rs"]);
    assert!(sess(&["read", "bin/main.rs"]).starts_with("fn main()"));
    sess(&["rm", "bin/main.rs"]);
    // main.rs moved away: removing it again is an error, not a silent success.
    let gone = env.atomic(
        &dir,
        &[
            "session",
            "--session",
            &s1.0,
            "--token",
            &s1.1,
            "rm",
            "main.rs",
        ],
    );
    assert_eq!(gone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("does not exist"));
    let ls = env.atomic_json(
        &dir,
        &["session", "--session", &s1.0, "--token", &s1.1, "ls"],
    );
    let paths: Vec<(&str, bool)> = ls
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["changed"].as_bool().unwrap()))
        .collect();
    assert_eq!(paths, vec![("lib.rs", true)]);
    env.atomic_ok(
        &dir,
        &["session", "--session", &s1.0, "--token", &s1.1, "close"],
    );
    assert_eq!(
        env.atomic_json(&dir, &["session", "list"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Twenty agent processes at once, each in its own session, each editing a different
/// function of one of two shared files and submitting. Every command must succeed (they
/// wait for the store's lock with bounded back-off), and every edit must be in the final
/// tree and in git.
#[test]
fn twenty_agents_at_once_all_land() {
    twenty_agents(false);
}

/// The same, with `atomic serve` starting while the agents start: commands that began
/// waiting for the store's lock switch to the server, later ones go to it directly.
#[test]
fn twenty_agents_at_once_all_land_through_a_server_starting_meanwhile() {
    twenty_agents(true);
}

/// Runs one agent command with a long lock timeout, the session (id, token) in the
/// environment if given, and `stdin` piped in.
fn agent_command(
    env: &TestEnv,
    dir: &Path,
    args: &[&str],
    session: Option<(&str, &str)>,
    stdin: Option<&str>,
) -> std::process::Output {
    let mut cmd = env.atomic_cmd(dir, args);
    cmd.env("ATOMIC_LOCK_TIMEOUT_MS", "60000")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some((id, token)) = session {
        cmd.env("ATOMIC_SESSION", id)
            .env("ATOMIC_SESSION_TOKEN", token);
    }
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn twenty_agents(serve: bool) {
    let env = TestEnv::new();
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    let file = |n: usize| -> String {
        (0..10)
            .map(|k| format!("pub fn f{k}() -> u32 {{\n    {}\n}}\n", n * 10 + k))
            .collect::<Vec<_>>()
            .join("\n")
    };
    std::fs::write(dir.join("one.rs"), file(0)).unwrap();
    std::fs::write(dir.join("two.rs"), file(1)).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "twenty functions"]);
    let env = std::sync::Arc::new(env);
    let mut server = None;
    let agents: Vec<_> = (0..20)
        .map(|i| {
            let (env, dir) = (env.clone(), dir.clone());
            std::thread::spawn(move || {
                let run = |args: &[&str], stdin: Option<&str>| -> std::process::Output {
                    agent_command(&env, &dir, args, None, stdin)
                };
                let ok = |out: std::process::Output| -> Vec<u8> {
                    assert!(
                        out.status.success(),
                        "agent {i}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    out.stdout
                };
                let new: serde_json::Value = serde_json::from_slice(&ok(run(
                    &["--json", "session", "new", "--agent", &format!("agent{i}")],
                    None,
                )))
                .unwrap();
                let (id, token) = (
                    new["session_id"].as_str().unwrap().to_owned(),
                    new["token"].as_str().unwrap().to_owned(),
                );
                // Half the agents name their session in the environment instead.
                let (id_env, token_env) = (id.clone(), token.clone());
                let run = |args: &[&str], stdin: Option<&str>| -> std::process::Output {
                    let args: Vec<&str> = if i % 2 == 0 {
                        args.iter()
                            .copied()
                            .filter(|a| {
                                ![id_env.as_str(), token_env.as_str(), "--session", "--token"]
                                    .contains(a)
                            })
                            .collect()
                    } else {
                        args.to_vec()
                    };
                    let session = Some((id_env.as_str(), token_env.as_str()));
                    agent_command(&env, &dir, &args, session, stdin)
                };
                let path = if i < 10 { "one.rs" } else { "two.rs" };
                let current = String::from_utf8(ok(run(
                    &["session", "--session", &id, "--token", &token, "read", path],
                    None,
                )))
                .unwrap();
                let edited = current.replace(&format!("    {i}\n"), &format!("    {i} + 1000\n"));
                assert_ne!(edited, current);
                ok(run(
                    &[
                        "session",
                        "--session",
                        &id,
                        "--token",
                        &token,
                        "write",
                        path,
                    ],
                    Some(&edited),
                ));
                let submitted: serde_json::Value = serde_json::from_slice(&ok(run(
                    &[
                        "--json",
                        "session",
                        "--session",
                        &id,
                        "--token",
                        &token,
                        "submit",
                        "-m",
                        &format!("agent {i}"),
                    ],
                    None,
                )))
                .unwrap();
                assert_eq!(submitted["status"], "merged", "agent {i}: {submitted}");
            })
        })
        .collect();
    if serve {
        server = Some(crate::test_serve::start(&env, &dir));
    }
    for a in agents {
        a.join().expect("an agent failed");
    }
    if let Some(server) = server {
        crate::test_serve::stop(&env, &dir, server);
    }
    let one = env.git(&dir, &["show", "HEAD:one.rs"]);
    let two = env.git(&dir, &["show", "HEAD:two.rs"]);
    for i in 0..20 {
        let text = if i < 10 { &one } else { &two };
        assert!(
            text.contains(&format!("    {i} + 1000\n")),
            "edit of agent {i} missing:\n{text}"
        );
    }
    assert_eq!(env.git(&dir, &["rev-list", "--count", "HEAD"]).trim(), "21");
    assert_eq!(
        env.atomic_json(&dir, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn watch_shows_symbol_events_to_another_process_and_resumes() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let (s1, s2) = (new(&env, &dir, "alice"), new(&env, &dir, "bob"));
    write(
        &env,
        &dir,
        &s1,
        "lib.rs",
        &LIB.replace("    1\n", "    10\n"),
    );
    write(
        &env,
        &dir,
        &s2,
        "lib.rs",
        &LIB.replace(
            "pub fn c() -> u32 {\n    3\n}\n",
            "pub fn c() -> u32 {\n    3\n}\n\npub fn d() -> u32 {\n    4\n}\n",
        ),
    );
    submit(&env, &dir, &s1, "alice");
    submit(&env, &dir, &s2, "bob");
    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["watch"];
        all.extend_from_slice(args);
        env.atomic_ok(&dir, &all)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let all = lines(&[]);
    let seen: Vec<(String, String, String)> = all
        .iter()
        .filter(|e| e["path"] == "lib.rs")
        .map(|e| {
            (
                e["symbol"].as_str().unwrap().to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
                e["agent"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        seen.contains(&("a".into(), "modified".into(), "alice".into())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("d".into(), "added".into(), "bob".into())),
        "{seen:?}"
    );
    // Resume after the first of them, and filter by symbol.
    let first = all.iter().find(|e| e["symbol"] == "a").unwrap()["seq"]
        .as_u64()
        .unwrap();
    let later = lines(&["--since", &first.to_string()]);
    assert!(later.iter().all(|e| e["seq"].as_u64().unwrap() > first));
    assert!(later.iter().any(|e| e["symbol"] == "d"));
    let only_d = lines(&["--symbols", "d"]);
    assert_eq!(only_d.len(), 1);
    assert_eq!(only_d[0]["session_id"], s2.0.as_str());
}

#[test]
fn each_resolution_action_settles_a_conflicting_submit() {
    for (action, expected) in [
        ("keep_yours", "    200\n"),
        ("keep_theirs", "    20\n"),
        ("manual", "    2000\n"),
        ("proceed", "<<<<<<< session\n"),
    ] {
        let env = TestEnv::new();
        let dir = repo(&env);
        let (s1, s2) = (new(&env, &dir, "alice"), new(&env, &dir, "bob"));
        write(
            &env,
            &dir,
            &s1,
            "lib.rs",
            &LIB.replace("    2\n", "    20\n")
                .replace("    3\n", "    30\n"),
        );
        write(
            &env,
            &dir,
            &s2,
            "lib.rs",
            &LIB.replace("    2\n", "    200\n")
                .replace("    1\n", "    100\n"),
        );
        submit(&env, &dir, &s1, "alice");
        assert_eq!(
            submit(&env, &dir, &s2, "bob").0,
            Some(1),
            "{action}: a conflict on b"
        );
        std::fs::write(env.path("manual.rs"), LIB.replace("    2\n", "    2000\n")).unwrap();
        let manual = env.path("manual.rs");
        let mut args = vec![
            "--json",
            "session",
            "--session",
            s2.0.as_str(),
            "--token",
            s2.1.as_str(),
            "resolve",
            "--action",
            action,
            "--symbol",
            "b",
        ];
        if action == "manual" {
            args.extend_from_slice(&["--content-file", manual.to_str().unwrap()]);
        }
        let resolved = env.atomic_json(&dir, &args[1..]);
        let left = resolved["files"][0]["conflicts_left"].as_u64().unwrap();
        assert_eq!(left, u64::from(action == "proceed"), "{action}: {resolved}");
        let text = env.atomic_ok(
            &dir,
            &[
                "session",
                "--session",
                &s2.0,
                "--token",
                &s2.1,
                "read",
                "lib.rs",
            ],
        );
        assert!(text.contains(expected), "{action}:\n{text}");
        if action != "manual" {
            assert!(
                text.contains("    100\n") && text.contains("    30\n"),
                "{action}: both sides' other edits kept:\n{text}"
            );
        }
        if action == "proceed" {
            continue;
        }
        let (code, done) = submit(&env, &dir, &s2, "bob, resolved");
        assert_eq!(
            (code, done["fast_forward"].as_bool()),
            (Some(0), Some(true)),
            "{action}: {done}"
        );
        assert!(env.git(&dir, &["show", "HEAD:lib.rs"]).contains(expected));
    }
}

#[test]
fn verify_runs_the_configured_commands_on_the_sessions_tree() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let s = new(&env, &dir, "alice");
    let run = |args: &[&str]| {
        let mut all = vec![
            "--json",
            "session",
            "--session",
            s.0.as_str(),
            "--token",
            s.1.as_str(),
        ];
        all.extend_from_slice(args);
        env.atomic(&dir, &all)
    };
    let unconfigured = run(&["verify"]);
    assert_eq!(unconfigured.status.code(), Some(1));
    std::fs::write(
        dir.join(".atomic/config.toml"),
        "[verify]\ncommands = [\"grep -q 'fn a' lib.rs\", \"test ! -e .atomic\"]\n",
    )
    .unwrap();
    let ok: serde_json::Value = serde_json::from_slice(&run(&["verify"]).stdout).unwrap();
    assert_eq!(ok["passed"], true, "{ok}");
    assert_eq!(ok["results"].as_array().unwrap().len(), 2);
    write(&env, &dir, &s, "lib.rs", "pub fn renamed() {}\n");
    let failed = run(&["verify"]);
    assert_eq!(failed.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&failed.stdout).unwrap();
    assert_eq!(report["passed"], false);
    assert_eq!(report["results"][0]["exit_code"], 1);
    // The working tree was never touched.
    assert_eq!(std::fs::read_to_string(dir.join("lib.rs")).unwrap(), LIB);
}

#[test]
fn stale_sessions_are_pruned_and_persistent_ones_survive_submits() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let persistent = env.atomic_json(&dir, &["session", "new", "--agent", "long", "--persistent"]);
    let p = (
        persistent["session_id"].as_str().unwrap().to_owned(),
        persistent["token"].as_str().unwrap().to_owned(),
    );
    write(
        &env,
        &dir,
        &p,
        "lib.rs",
        &LIB.replace("    1\n", "    10\n"),
    );
    assert_eq!(submit(&env, &dir, &p, "first").0, Some(0));
    write(
        &env,
        &dir,
        &p,
        "lib.rs",
        &LIB.replace("    1\n", "    10\n")
            .replace("    2\n", "    20\n"),
    );
    let (code, second) = submit(&env, &dir, &p, "second");
    assert_eq!(
        (code, second["fast_forward"].as_bool()),
        (Some(0), Some(true)),
        "rebased onto its own first submit"
    );
    new(&env, &dir, "gone");
    assert_eq!(
        env.atomic_json(&dir, &["session", "list"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let pruned = env.atomic_json(&dir, &["session", "prune", "--older-than", "0"]);
    assert_eq!(pruned["removed"].as_array().unwrap().len(), 2);
    assert_eq!(
        env.atomic_json(&dir, &["session", "list"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// A directory of the base is a directory while the session keeps one file below it, at
/// any depth, and a free path once the session removed every file below it.
#[test]
fn a_directory_lasts_while_one_file_below_it_does() {
    let env = TestEnv::new();
    let dir = repo(&env);
    for f in ["deep/a/one.rs", "deep/a/two.rs", "deep/b/c/three.rs"] {
        let path = dir.join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "fn f() {}\n").unwrap();
    }
    env.atomic_ok(&dir, &["record", "-m", "nested"]);
    let s = new(&env, &dir, "p");
    let sess = |args: &[&str]| {
        let mut all = vec!["session", "--session", &s.0, "--token", &s.1];
        all.extend_from_slice(args);
        env.atomic(&dir, &all)
    };
    let file = env.path("x.rs");
    std::fs::write(&file, "x\n").unwrap();
    // Whether writing a file at `path` is refused because something is in the way.
    let clash = |path: &str| {
        let out = env.atomic(
            &dir,
            &[
                "--json",
                "session",
                "--session",
                &s.0,
                "--token",
                &s.1,
                "write",
                path,
                "--file",
                file.to_str().unwrap(),
            ],
        );
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.success(), !said.contains("path_clash"), "{said}");
        !out.status.success()
    };
    assert!(sess(&["rm", "deep/a/one.rs"]).status.success());
    assert!(clash("deep/a"), "deep/a still holds two.rs");
    assert!(sess(&["rm", "deep/a/two.rs"]).status.success());
    // deep/a is gone; deep is still a directory through deep/b/c, past the emptied deep/a.
    assert!(clash("deep"), "deep still holds deep/b/c/three.rs");
    assert!(!clash("deep/a"), "deep/a holds nothing any more");
    assert!(sess(&["read", "deep/a"]).status.success());
    assert!(sess(&["rm", "deep/b/c/three.rs"]).status.success());
    assert!(clash("deep"), "deep/a is a file of the session now");
}
