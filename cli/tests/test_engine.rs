//! The session engine as agents meet it: pipelines with and without a server, submits that
//! must not land (markers) or must not be reverted (a dirty checkout), verify beside other
//! work, and a server that stalled or hostile clients cannot hold up.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, output_with_input};
use crate::test_serve::{start, stop};

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n\npub fn c() -> u32 {\n    3\n}\n";

fn repo(env: &TestEnv) -> PathBuf {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    std::fs::write(dir.join("main.rs"), "fn main() {\n    lib::a();\n}\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    dir
}

/// A session: id and token.
struct Session(String, String);

impl Session {
    fn new(env: &TestEnv, dir: &Path, agent: &str) -> Session {
        let s = env.atomic_json(dir, &["session", "new", "--agent", agent]);
        Session(
            s["session_id"].as_str().unwrap().to_owned(),
            s["token"].as_str().unwrap().to_owned(),
        )
    }

    fn args<'a>(&'a self, rest: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["session", "--session", &self.0, "--token", &self.1];
        args.extend_from_slice(rest);
        args
    }

    fn write(&self, env: &TestEnv, dir: &Path, path: &str, contents: &str) {
        std::fs::write(env.path("contents"), contents).unwrap();
        let file = env.path("contents");
        env.atomic_ok(
            dir,
            &self.args(&["write", path, "--file", file.to_str().unwrap()]),
        );
    }
}

/// Waits for `child` up to `limit`; kills it and fails the test past that.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> std::process::Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// `session read | sed | session write`, the idiom shell agents use, five times over: the
/// writer reads its input before it takes any lock, so nothing deadlocks and nothing is
/// written empty.
fn pipeline(env: &TestEnv, dir: &Path, served: bool) {
    let s = Session::new(env, dir, "piper");
    // Function a returns 1000 + the round: the only line sed matches.
    s.write(env, dir, "lib.rs", &LIB.replace("    1\n", "    1000\n"));
    for round in 1..=5 {
        let script = format!(
            "\"$ATOMIC\" session read lib.rs | sed 's/    {}$/    {}/' | \"$ATOMIC\" session write lib.rs",
            999 + round,
            1000 + round
        );
        let mut cmd = env.sh_cmd(dir, &script);
        if served {
            cmd.env_remove("ATOMIC_NO_SERVER");
        }
        let child = cmd
            .env("ATOMIC_SESSION", &s.0)
            .env("ATOMIC_SESSION_TOKEN", &s.1)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = wait_within(child, Duration::from_secs(60), "the pipeline");
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let now = env.atomic_ok(dir, &s.args(&["read", "lib.rs"]));
        assert_eq!(
            now,
            LIB.replace("    1\n", &format!("    {}\n", 1000 + round)),
            "round {round}: the write got the edited file"
        );
    }
}

#[test]
fn the_read_sed_write_pipeline_works_without_a_server() {
    let env = TestEnv::new();
    let dir = repo(&env);
    pipeline(&env, &dir, false);
    assert!(
        !dir.join(".atomic/serve.sock").exists(),
        "no server was started"
    );
}

#[test]
fn the_read_sed_write_pipeline_works_through_a_server_it_starts() {
    let env = TestEnv::new();
    let dir = repo(&env);
    pipeline(&env, &dir, true);
    // The session commands started a server; it answers, and stops on request.
    let info = env.atomic_json(&dir, &["serve", "--stop"]);
    assert_eq!(info["stopped"], true);
}

#[test]
fn a_submit_with_conflict_markers_is_refused_and_nothing_moves() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let head = env.git(&dir, &["rev-parse", "HEAD"]);
    let s = Session::new(&env, &dir, "marker");
    let marked = LIB.replace(
        "    1\n",
        "<<<<<<< session\n    10\n||||||| base\n    1\n=======\n    11\n>>>>>>> branch\n",
    );
    s.write(&env, &dir, "lib.rs", &marked);
    let out = env.atomic(&dir, &s.args(&["--json", "submit", "-m", "oops"])[..]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "conflict_markers", "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("lib.rs"));
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD"]),
        head,
        "the branch did not move"
    );
    assert_eq!(std::fs::read_to_string(dir.join("lib.rs")).unwrap(), LIB);
    // The session still holds the file, to fix and submit.
    assert_eq!(env.atomic_ok(&dir, &s.args(&["read", "lib.rs"])), marked);
    // A file whose base already had markers may keep them.
    s.write(&env, &dir, "lib.rs", &LIB.replace("    1\n", "    100\n"));
    assert_eq!(
        env.atomic_json(&dir, &s.args(&["submit", "-m", "fixed"]))["status"],
        "merged"
    );
}

#[test]
fn a_submit_under_a_dirty_checkout_is_never_reverted_by_the_next_record() {
    let env = TestEnv::new();
    let dir = repo(&env);
    // The user edits main.rs and function c of lib.rs, and adds an untracked file.
    let user_main = "fn main() {\n    lib::a();\n    lib::b();\n}\n";
    std::fs::write(dir.join("main.rs"), user_main).unwrap();
    let user_lib = LIB.replace("    3\n", "    30\n");
    std::fs::write(dir.join("lib.rs"), &user_lib).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine\n").unwrap();
    // Meanwhile an agent changes function a of lib.rs and adds a file; it lands.
    let s = Session::new(&env, &dir, "agent");
    s.write(&env, &dir, "lib.rs", &LIB.replace("    1\n", "    10\n"));
    s.write(&env, &dir, "extra.rs", "pub fn extra() {}\n");
    let submitted = env.atomic_json(&dir, &s.args(&["submit", "-m", "agent work"]));
    assert_eq!(submitted["status"], "merged", "{submitted}");
    assert_eq!(submitted["checkout"]["kept"][0], "lib.rs", "{submitted}");
    // The agent's new file reached the working tree; the user's files are untouched.
    assert_eq!(
        std::fs::read_to_string(dir.join("extra.rs")).unwrap(),
        "pub fn extra() {}\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("main.rs")).unwrap(),
        user_main
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("lib.rs")).unwrap(),
        user_lib
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine\n"
    );
    // Status says lib.rs moved under the user's edit.
    let status = env.atomic_json(&dir, &["status"]);
    assert_eq!(status["stale"][0]["path"], "lib.rs", "{status}");
    // Recording merges it: both the agent's and the user's edits are in the commit.
    env.atomic_ok(&dir, &["record", "-m", "user work"]);
    let lib = env.git(&dir, &["show", "HEAD:lib.rs"]);
    assert!(
        lib.contains("    10\n") && lib.contains("    30\n"),
        "{lib}"
    );
    assert_eq!(env.git(&dir, &["show", "HEAD:main.rs"]), user_main);
    assert_eq!(
        env.git(&dir, &["show", "HEAD:extra.rs"]),
        "pub fn extra() {}\n"
    );
    assert_eq!(std::fs::read_to_string(dir.join("lib.rs")).unwrap(), lib);
    assert!(
        env.atomic_json(&dir, &["status"])["stale"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Record takes new files too (there is no staging area); git agrees it is all in.
    assert_eq!(env.git(&dir, &["show", "HEAD:notes.txt"]), "mine\n");
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
}

#[test]
fn a_conflicting_edit_under_a_submit_stops_the_record_until_settled() {
    let env = TestEnv::new();
    let dir = repo(&env);
    std::fs::write(dir.join("lib.rs"), LIB.replace("    1\n", "    5\n")).unwrap();
    let s = Session::new(&env, &dir, "agent");
    s.write(&env, &dir, "lib.rs", &LIB.replace("    1\n", "    10\n"));
    env.atomic_ok(&dir, &s.args(&["submit", "-m", "agent"]));
    let out = env.atomic(&dir, &["record", "-m", "user"]);
    assert_eq!(out.status.code(), Some(1), "a conflict stops the record");
    let text = std::fs::read_to_string(dir.join("lib.rs")).unwrap();
    assert!(
        text.contains("<<<<<<<") && text.contains("    5\n") && text.contains("    10\n"),
        "{text}"
    );
    assert_eq!(
        env.git(&dir, &["show", "HEAD:lib.rs"]),
        LIB.replace("    1\n", "    10\n")
    );
    // Settled by hand, the record goes through with the user's choice.
    std::fs::write(dir.join("lib.rs"), LIB.replace("    1\n", "    15\n")).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "user"]);
    assert_eq!(
        env.git(&dir, &["show", "HEAD:lib.rs"]),
        LIB.replace("    1\n", "    15\n")
    );
}

#[test]
fn verify_runs_while_other_sessions_read_write_and_submit() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let go = env.path("go");
    std::fs::write(
        dir.join(".atomic/config.toml"),
        format!(
            "[verify]\ncommands = [\"while [ ! -e '{}' ]; do sleep 0.05; done\"]\n",
            go.display()
        ),
    )
    .unwrap();
    let server = start(&env, &dir);
    let slow = Session::new(&env, &dir, "slow");
    let verify = env
        .atomic_cmd(&dir, &slow.args(&["--json", "verify"]))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Verify now waits for `go`. Another agent works meanwhile.
    let quick = Session::new(&env, &dir, "quick");
    let work = [
        quick.args(&["read", "lib.rs"]),
        quick.args(&["write", "main.rs", "--file", "lib.rs"]),
        quick.args(&["submit", "-m", "meanwhile"]),
    ];
    for args in &work {
        let child = env
            .atomic_cmd(&dir, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = wait_within(child, Duration::from_secs(60), &args.join(" "));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(&go, "").unwrap();
    let out = wait_within(verify, Duration::from_secs(60), "verify");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], true, "{report}");
    stop(&env, &dir, server);
}

/// Sends one raw line to the server and reads one line back.
fn raw_call(stream: &mut UnixStream, line: &[u8]) -> serde_json::Value {
    stream.write_all(line).unwrap();
    stream.write_all(b"\n").unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut answer = String::new();
    reader.read_line(&mut answer).unwrap();
    serde_json::from_str(&answer).unwrap()
}

#[test]
fn a_stalled_client_holds_up_nobody_and_hostile_messages_are_refused() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let s = Session::new(&env, &dir, "big");
    // A file large enough that its answer fills the socket's buffers.
    let big: String = (0..400_000).map(|i| format!("// line {i}\n")).collect();
    s.write(&env, &dir, "big.rs", &big);
    let server = start(&env, &dir);
    let socket = dir.join(".atomic/serve.sock");
    // A client asks for the big file and never reads the answer.
    let mut stalled = UnixStream::connect(&socket).unwrap();
    let request = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "session.read",
        "params": { "session_id": s.0, "token": s.1, "path": "big.rs" }
    });
    stalled
        .write_all(format!("{request}\n").as_bytes())
        .unwrap();
    // Everyone else is served meanwhile.
    let other = Session::new(&env, &dir, "other");
    for args in [
        other.args(&["read", "lib.rs"]),
        other.args(&["ls"]),
        vec!["status"],
    ] {
        let child = env
            .atomic_cmd(&dir, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = wait_within(child, Duration::from_secs(30), &args.join(" "));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A message over the limit is refused with a clear error, and the connection closed.
    let mut hostile = UnixStream::connect(&socket).unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let mut answer = serde_json::Value::Null;
    for _ in 0..65 {
        if hostile.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut reader = BufReader::new(hostile.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_ok() && !line.is_empty() {
        answer = serde_json::from_str(&line).unwrap();
    }
    assert_eq!(answer["error"]["data"]["kind"], "too_large", "{answer}");
    // Garbage is answered, not fatal; the connection goes on.
    let mut garbage = UnixStream::connect(&socket).unwrap();
    let answer = raw_call(&mut garbage, b"{not json");
    assert_eq!(answer["error"]["code"], -32700);
    let answer = raw_call(
        &mut garbage,
        br#"{"jsonrpc":"2.0","id":7,"method":"no.such.method","params":{}}"#,
    );
    assert_eq!(answer["id"], 7);
    assert_eq!(answer["error"]["code"], -32601);
    let answer = raw_call(
        &mut garbage,
        br#"{"jsonrpc":"2.0","id":8,"method":"session.read","params":{"path":3}}"#,
    );
    assert_eq!(answer["error"]["code"], -32602);
    drop(stalled);
    stop(&env, &dir, server);
}

#[test]
fn connections_past_the_limit_are_told_the_server_is_busy() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let server = env
        .atomic_cmd(&dir, &["serve", "--max-connections", "2"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let socket = dir.join(".atomic/serve.sock");
    let started = Instant::now();
    let first = loop {
        if let Ok(s) = UnixStream::connect(&socket) {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut second = UnixStream::connect(&socket).unwrap();
    // The second one is served (a round trip proves the server counted it).
    let info = raw_call(
        &mut second,
        br#"{"jsonrpc":"2.0","id":1,"method":"server.info","params":{}}"#,
    );
    assert_eq!(info["result"]["connections"], 2, "{info}");
    let third = UnixStream::connect(&socket).unwrap();
    let mut reader = BufReader::new(third);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let refused: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(refused["error"]["data"]["kind"], "busy", "{refused}");
    drop((first, second));
    stop(&env, &dir, server);
}

/// Runs a copy of the `atomic` binary that has no engine beside it, in `dir`, with the
/// test environment; returns its output.
fn run_alone(env: &TestEnv, alone: &Path, dir: &Path, args: &[&str], stdin: &str) -> Output {
    let cmd = env.atomic_cmd(dir, args);
    output_with_input(
        Command::new(alone)
            .args(cmd.get_args())
            .envs(
                cmd.get_envs()
                    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
            )
            .env_remove("ATOMIC_NO_SERVER")
            .current_dir(dir),
        stdin,
    )
}

/// The `atomic` binary runs the session commands agents call most through a running
/// server by itself: a copy of it with no engine beside it creates a session, writes,
/// edits, reads, moves, lists and removes, with the engine's output; the submit, which
/// needs the engine, is refused with what to install, and the engine beside `atomic`
/// then lands the work.
#[test]
fn the_thin_client_serves_session_commands_without_the_engine() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let server = start(&env, &dir);
    let alone = env.path("alone/atomic");
    std::fs::create_dir_all(alone.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_atomic"), &alone).unwrap();
    let run = |args: &[&str], stdin: &str| {
        let out = run_alone(&env, &alone, &dir, args, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let created: serde_json::Value =
        serde_json::from_str(&run(&["--json", "session", "new", "--agent", "thin"], "")).unwrap();
    let s = Session(
        created["session_id"].as_str().unwrap().to_owned(),
        created["token"].as_str().unwrap().to_owned(),
    );
    let wrote = run(
        &s.args(&["write", "lib.rs"]),
        &LIB.replace("    2\n", "    20\n"),
    );
    assert!(wrote.starts_with("Wrote lib.rs ("), "{wrote}");
    assert!(wrote.contains("  b (body modified)\n"), "{wrote}");
    run(
        &s.args(&["edit", "lib.rs", "--old", "    3\n", "--new", "    30\n"]),
        "",
    );
    assert_eq!(
        run(&s.args(&["read", "lib.rs"]), ""),
        LIB.replace("    2\n", "    20\n")
            .replace("    3\n", "    30\n")
    );
    assert_eq!(
        run(&s.args(&["mv", "main.rs", "bin.rs"]), ""),
        "Moved main.rs to bin.rs\n"
    );
    assert_eq!(run(&s.args(&["ls"]), ""), "M bin.rs\nM lib.rs\n");
    let listed: serde_json::Value =
        serde_json::from_str(&run(&s.args(&["--json", "ls"]), "")).unwrap();
    assert_eq!(
        listed,
        env.atomic_json(&dir, &s.args(&["ls"])),
        "the same document as the engine's"
    );
    assert_eq!(run(&s.args(&["rm", "bin.rs"]), ""), "Removed bin.rs\n");
    // An error from the server is reported as the engine reports it.
    let missing = run_alone(
        &env,
        &alone,
        &dir,
        &s.args(&["--json", "read", "nope.rs"]),
        "",
    );
    let engine = env.atomic(&dir, &s.args(&["--json", "read", "nope.rs"]));
    assert_eq!(missing.status.code(), engine.status.code());
    assert_eq!(missing.stderr, engine.stderr);
    // What needs the engine says how to get it, and changes nothing.
    let submit = run_alone(&env, &alone, &dir, &s.args(&["submit", "-m", "thin"]), "");
    assert_eq!(submit.status.code(), Some(4));
    let message = String::from_utf8_lossy(&submit.stderr);
    assert!(message.contains("atomic-engine"), "{message}");
    let head = env.git(&dir, &["rev-parse", "HEAD"]);
    let landed = env.atomic_json(&dir, &s.args(&["submit", "-m", "thin"]));
    assert_eq!(landed["status"], "merged", "{landed}");
    assert_ne!(env.git(&dir, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        env.git(&dir, &["show", "HEAD:lib.rs"]),
        LIB.replace("    2\n", "    20\n")
            .replace("    3\n", "    30\n")
    );
    stop(&env, &dir, server);
}

/// The server keeps git's index between submits, and a `git add` between two of them
/// stays staged: the second submit's checkout reads the index git wrote, not the copy.
#[test]
fn a_git_add_between_served_submits_stays_staged() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let server = start(&env, &dir);
    let first = Session::new(&env, &dir, "first");
    first.write(&env, &dir, "lib.rs", &LIB.replace("    1\n", "    10\n"));
    let landed = env.atomic_json(&dir, &first.args(&["submit", "-m", "first"]));
    assert_eq!(landed["status"], "merged", "{landed}");
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
    std::fs::write(dir.join("new.txt"), "staged\n").unwrap();
    env.git(&dir, &["add", "new.txt"]);
    let second = Session::new(&env, &dir, "second");
    second.write(&env, &dir, "main.rs", "fn main() {\n    lib::b();\n}\n");
    let landed = env.atomic_json(&dir, &second.args(&["submit", "-m", "second"]));
    assert_eq!(landed["status"], "merged", "{landed}");
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "A  new.txt\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("main.rs")).unwrap(),
        "fn main() {\n    lib::b();\n}\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("lib.rs")).unwrap(),
        LIB.replace("    1\n", "    10\n")
    );
    stop(&env, &dir, server);
}
