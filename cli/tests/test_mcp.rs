//! `atomic mcp` driven by a real MCP client (the official Python SDK, `mcp` on PyPI), in
//! both protocol eras: agents edit, submit, conflict, resolve and watch through tools.

use std::path::{Path, PathBuf};

use crate::common::TestEnv;

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n\npub fn c() -> u32 {\n    3\n}\n";

fn repo(env: &TestEnv) -> PathBuf {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    dir
}

/// Runs the agents script in `mode`; returns the transcript (JSON lines).
fn agents(env: &TestEnv, dir: &Path, mode: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/agents.py");
    let transcript = env.path(&format!("transcript-{mode}.jsonl"));
    let out = env
        .sh_cmd(
            dir,
            &format!(
                "python3 {} \"$ATOMIC\" . {mode} {}",
                script.display(),
                transcript.display()
            ),
        )
        .output()
        .unwrap();
    let _ = env.atomic(dir, &["serve", "--stop"]);
    assert!(
        out.status.success(),
        "the MCP client failed ({mode}):\n{}\n{}\ntranscript:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(&transcript).unwrap_or_default()
    );
    std::fs::read_to_string(&transcript).unwrap()
}

fn check_history(env: &TestEnv, dir: &Path) {
    let lib = env.git(dir, &["show", "main:lib.rs"]);
    assert!(
        lib.contains("    10\n") && lib.contains("    31\n"),
        "{lib}"
    );
    // The manual resolution landed last; every landed commit names its agent.
    assert!(lib.contains("    403\n"), "{lib}");
    let log = env.git(dir, &["log", "--format=%an %s"]);
    assert!(log.contains("edit by"), "{log}");
    // Provenance: each session's commit carries its session and agent as git trailers.
    let agents = env.git(
        dir,
        &[
            "log",
            "--format=%(trailers:key=Atomic-Agent,valueonly,separator=)",
        ],
    );
    for agent in ["x", "y", "t-keep_yours", "m-keep_yours", "m-manual"] {
        assert!(agents.lines().any(|l| l == agent), "{agent}: {agents}");
    }
    let sessions = env.git(
        dir,
        &[
            "log",
            "-1",
            "--format=%(trailers:key=Atomic-Session,valueonly)",
        ],
    );
    assert!(sessions.starts_with("s-"), "{sessions}");
    let fsck = env.git(dir, &["fsck", "--no-progress"]);
    assert!(!fsck.contains("error"), "{fsck}");
}

#[test]
fn agents_work_through_mcp_with_a_2025_11_25_host() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let transcript = agents(&env, &dir, "legacy");
    assert!(
        transcript.contains("\"status\": \"conflict\""),
        "{transcript}"
    );
    check_history(&env, &dir);
}

#[test]
fn agents_work_through_mcp_with_a_2026_07_28_host() {
    let env = TestEnv::new();
    let dir = repo(&env);
    agents(&env, &dir, "2026-07-28");
    check_history(&env, &dir);
}
