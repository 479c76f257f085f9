//! `atomic serve`: commands routed over the socket, sessions surviving a restart.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::TestEnv;

/// Starts `atomic serve` in `dir` and waits until it listens.
pub fn start(env: &TestEnv, dir: &Path) -> Child {
    start_with(env, dir, &[])
}

/// [`start`] with more environment variables.
pub fn start_with(env: &TestEnv, dir: &Path, vars: &[(&str, &str)]) -> Child {
    let child = env
        .atomic_cmd(dir, &["serve"])
        .envs(vars.iter().copied())
        .env("ATOMIC_LOCK_TIMEOUT_MS", "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let socket = dir.join(".atomic/serve.sock");
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// Stops the server with `atomic serve --stop` and waits for it to exit.
pub fn stop(env: &TestEnv, dir: &Path, mut server: Child) {
    let out = env.atomic_json(dir, &["serve", "--stop"]);
    assert_eq!(out["stopped"], true);
    let status = server.wait().unwrap();
    assert!(status.success(), "the server exited with {status}");
    assert!(!dir.join(".atomic/serve.sock").exists());
}

fn repo(env: &TestEnv) -> std::path::PathBuf {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(
        dir.join("lib.rs"),
        "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n",
    )
    .unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    dir
}

fn session_args<'a>(s: &'a serde_json::Value, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "session",
        "--session",
        s["session_id"].as_str().unwrap(),
        "--token",
        s["token"].as_str().unwrap(),
    ];
    args.extend_from_slice(rest);
    args
}

/// A persistent session written through one server is read and submitted through the
/// next, after the first was killed (SIGKILL, leaving its socket behind) and a command ran
/// without any server in between.
#[test]
fn a_persistent_session_survives_a_server_restart() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let mut server = start(&env, &dir);
    let s = env.atomic_json(&dir, &["session", "new", "--agent", "a", "--persistent"]);
    let edited = "pub fn a() -> u32 {\n    100\n}\n\npub fn b() -> u32 {\n    2\n}\n";
    std::fs::write(env.path("edit.rs"), edited).unwrap();
    // A relative --file is the client's, not the server's.
    env.atomic_ok(
        &env.path(""),
        &[
            &["-R", "r"][..],
            &session_args(&s, &["write", "lib.rs", "--file", "edit.rs"]),
        ]
        .concat(),
    );
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(dir.join(".atomic/serve.sock").exists());

    // No server: the dead one's socket is ignored.
    assert_eq!(
        env.atomic_ok(&dir, &session_args(&s, &["read", "lib.rs"])),
        edited
    );

    let server = start(&env, &dir);
    let listed = env.atomic_json(&dir, &["session", "list"]);
    assert!(
        listed
            .to_string()
            .contains(s["session_id"].as_str().unwrap()),
        "{listed}"
    );
    let mut args = vec!["--json"];
    args.extend(session_args(&s, &["submit", "-m", "after a restart"]));
    let submitted = env.atomic_json(&dir, &args[1..]);
    assert_eq!(submitted["status"], "merged", "{submitted}");
    assert_eq!(env.git(&dir, &["show", "HEAD:lib.rs"]), edited);
    // Persistent: still there, on the new head, and usable.
    assert_eq!(
        env.atomic_ok(&dir, &session_args(&s, &["read", "lib.rs"])),
        edited
    );
    stop(&env, &dir, server);
    assert_eq!(
        env.atomic_json(&dir, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// Through the server: errors keep their exit codes and messages, tokens are enforced,
/// usage errors come back from clap, and stdin reaches `session write`.
#[test]
fn the_server_keeps_exit_codes_errors_and_tokens() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let server = start(&env, &dir);
    let mine = env.atomic_json(&dir, &["session", "new", "--agent", "me"]);
    let other = env.atomic_json(&dir, &["session", "new", "--agent", "other"]);
    let mut write = env
        .atomic_cmd(&dir, &session_args(&mine, &["write", "new.txt"]))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut write.stdin.take().unwrap(), b"from stdin\n").unwrap();
    assert!(write.wait_with_output().unwrap().status.success());

    // The other session's token cannot read this session's overlay.
    let mut stolen = session_args(&mine, &["read", "new.txt"]);
    stolen[4] = other["token"].as_str().unwrap();
    let out = env.atomic(&dir, &stolen);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("token"));
    assert!(out.stdout.is_empty());

    let out = env.atomic(&dir, &["log", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.atomic(&dir, &["--json", "show", "nosuchrev"]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], 1);

    assert_eq!(
        env.atomic_ok(&dir, &session_args(&mine, &["read", "new.txt"])),
        "from stdin\n"
    );
    let out = env.atomic(&dir, &["serve"]);
    assert_eq!(out.status.code(), Some(1), "a second server is refused");
    stop(&env, &dir, server);
}
