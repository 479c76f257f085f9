//! Agent sessions through the CLI: isolation, submit with auto-rebase, conflict blocks,
//! tokens, soft-conflict warnings, dependency conflicts across files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::TestEnv;

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
    let mut child = env
        .atomic_cmd(
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
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
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
    assert_eq!(c["file"], "lib.rs");
    assert_eq!(c["your_change"]["change_type"], "modified");
    assert_eq!(c["their_change"]["change_type"], "modified");
    assert!(c["their_change"]["by"].as_str().unwrap().contains("alice"));
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
    // Reads fall through to the base; rm and ls see the overlay.
    env.atomic_ok(
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
