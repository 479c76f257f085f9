//! The `--json` output of every command: one vocabulary (checked key by key), a snapshot of
//! each, and `book/src/json.md` generated from them (`UPDATE_BOOK=1` rewrites it; otherwise
//! the test fails when the page and the outputs differ).

use std::path::Path;

use serde_json::Value;

use crate::common::TestEnv;

/// Keys the vocabulary replaced: what each must be called instead.
const RETIRED: &[(&str, &str)] = &[
    ("session", "session_id"),
    ("change", "change_id (or an object named for its role)"),
    ("base_change", "base_change_id"),
    ("old_mode", "old: {mode, blob}"),
    ("new_mode", "new: {mode, blob}"),
    ("old_blob", "old: {mode, blob}"),
    ("new_blob", "new: {mode, blob}"),
    ("token_hash", "nothing: the token's hash is never shown"),
];

/// Outputs in the order they were made: (command line, JSON).
struct Outputs<'a> {
    env: &'a TestEnv,
    all: Vec<(String, Value)>,
    /// Strings replaced in every output (temporary paths, session ids, tokens).
    names: Vec<(String, String)>,
}

impl Outputs<'_> {
    /// Runs `atomic --json args` in `dir` with `stdin`, keeps its output (stdout, which must
    /// be one JSON document whatever the exit code) and returns it.
    fn run(&mut self, dir: &Path, args: &[&str], stdin: Option<&str>) -> Value {
        let mut cmd = self.env.atomic_cmd(dir, &[&["--json"], args].concat());
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let input = stdin.unwrap_or_default().to_owned();
        let mut pipe = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut pipe, input.as_bytes()).unwrap();
        drop(pipe);
        let out = child.wait_with_output().unwrap();
        // A result on standard output; an error (and nothing else) on standard error.
        let (stream, text) = if out.status.success() || !out.stdout.is_empty() {
            ("", String::from_utf8(out.stdout).unwrap())
        } else {
            assert!(
                out.stdout.is_empty(),
                "atomic {args:?} failed but printed a result"
            );
            (
                " (fails: the error is on standard error)",
                String::from_utf8(out.stderr).unwrap(),
            )
        };
        let (stream, value) = match serde_json::from_str::<Value>(&text) {
            Ok(v) => (stream, v),
            // `watch` is a stream: one event per line (JSON Lines), shown here as a list.
            Err(_) if args[0] == "watch" => (
                " (JSON Lines: one event per line)",
                text.lines()
                    .map(|l| serde_json::from_str::<Value>(l).unwrap())
                    .collect(),
            ),
            Err(e) => panic!("atomic {args:?} printed no single JSON document ({e}):\n{text}"),
        };
        let shown = args
            .iter()
            .map(|a| {
                if a.contains(' ') || a.is_empty() {
                    format!("'{a}'")
                } else {
                    (*a).to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        self.all.push((format!("{shown}`{stream}"), value.clone()));
        value
    }

    fn name(&mut self, text: &str, as_: &str) {
        self.names.push((text.to_owned(), as_.to_owned()));
    }

    /// The outputs with volatile values replaced: ids by their role, times by 0.
    fn redacted(&self) -> Vec<(String, Value)> {
        self.all
            .iter()
            .map(|(cmd, v)| {
                let mut v = self.redact(None, v);
                // Sessions made in the same second list in either order.
                if cmd.starts_with("session list")
                    && let Value::Array(a) = &mut v
                {
                    a.sort_by_key(|s| s["agent"].to_string());
                }
                (self.redact_str(cmd), v)
            })
            .collect()
    }

    fn redact_str(&self, s: &str) -> String {
        let mut s = s.to_owned();
        for (from, to) in &self.names {
            s = s.replace(from, to);
        }
        s
    }

    fn redact(&self, key: Option<&str>, v: &Value) -> Value {
        let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), self.redact(Some(k), v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.redact(key, v)).collect()),
            Value::Number(_)
                if key.is_some_and(|k| {
                    k.ends_with("_seconds") || k.ends_with("_ms") || k == "pid" || k == "age"
                }) =>
            {
                Value::from(0)
            }
            Value::String(s) if self.names.iter().any(|(from, _)| s == from) => {
                Value::from(self.redact_str(s))
            }
            Value::String(s) if key == Some("id") && hex(s, 16) => Value::from("<comment id>"),
            Value::String(s) if hex(s, 64) => Value::from("<change id>"),
            Value::String(s) if hex(s, 40) => Value::from("<git id>"),
            Value::String(s) => Value::from(self.redact_str(s)),
            other => other.clone(),
        }
    }
}

/// Fails on every retired key, naming the command and what the key is called now.
fn check_vocabulary(outputs: &[(String, Value)]) {
    fn walk(v: &Value, at: &str, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if let Some((_, now)) = RETIRED.iter().find(|(old, _)| old == k) {
                        found.push(format!("{at}: `{k}` is now `{now}`"));
                    }
                    if k.ends_with("_id") && !(v.is_string() || v.is_null()) {
                        found.push(format!("{at}: `{k}` is not a string"));
                    }
                    walk(v, at, found);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, at, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (cmd, v) in outputs {
        walk(v, cmd, &mut found);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    a() + 2\n}\n";

#[test]
fn every_command_speaks_one_json_vocabulary() {
    let env = TestEnv::new();
    let mut o = Outputs {
        env: &env,
        all: Vec::new(),
        names: vec![
            (env.path("").to_str().unwrap().to_owned(), "/tmp/x/".into()),
            (
                env!("CARGO_BIN_EXE_atomic").to_owned(),
                "/bin/atomic".into(),
            ),
        ],
    };
    let top = env.path("");
    let dir = env.path("r");
    let remote = env.path("remote.git");
    env.git(&top, &["init", "-q", "--bare", remote.to_str().unwrap()]);

    o.run(&top, &["init", "r"], None);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    o.run(&dir, &["status"], None);
    o.run(&dir, &["record", "-m", "Add a and b"], None);
    std::fs::write(dir.join("lib.rs"), LIB.replace("    1\n", "    10\n")).unwrap();
    o.run(&dir, &["diff"], None);
    o.run(&dir, &["diff", "--symbols"], None);
    o.run(&dir, &["record", "-m", "Make a ten"], None);
    o.run(&dir, &["log"], None);
    o.run(&dir, &["show"], None);
    o.run(&dir, &["branch", "create", "feat"], None);
    o.run(&dir, &["switch", "feat"], None);
    std::fs::write(
        dir.join("lib.rs"),
        format!(
            "{}\npub fn c() -> u32 {{\n    3\n}}\n",
            LIB.replace("    1\n", "    10\n")
        ),
    )
    .unwrap();
    o.run(&dir, &["record", "-m", "Add c"], None);
    o.run(&dir, &["switch", "main"], None);
    o.run(&dir, &["merge", "feat"], None);
    o.run(&dir, &["branch", "list"], None);
    o.run(&dir, &["branch", "delete", "feat"], None);
    o.run(&dir, &["tag", "v1"], None);
    o.run(&dir, &["tag"], None);
    o.run(&dir, &["tag", "-d", "v1"], None);
    o.run(
        &dir,
        &["remote", "add", "origin", remote.to_str().unwrap()],
        None,
    );
    o.run(&dir, &["remote", "list"], None);
    o.run(&dir, &["remote", "add", "spare", "/nowhere.git"], None);
    o.run(&dir, &["remote", "remove", "spare"], None);
    o.run(&dir, &["git", "setup-merge-driver"], None);
    o.run(&dir, &["push", "origin", "main"], None);
    o.run(&dir, &["fetch", "origin"], None);
    o.run(&top, &["clone", remote.to_str().unwrap(), "c"], None);
    o.run(&dir, &["git", "export"], None);
    o.run(&dir, &["git", "import"], None);
    o.run(&dir, &["symbols"], None);
    o.run(&dir, &["context", "a"], None);
    o.run(&dir, &["index"], None);
    o.run(&dir, &["doctor"], None);

    // Sessions: two agents, a merge, a conflict and its resolution.
    let alice = o.run(
        &dir,
        &["session", "new", "--agent", "alice", "--intent", "Tune a"],
        None,
    );
    let bob = o.run(
        &dir,
        &["session", "new", "--agent", "bob", "--intent", "Tune b"],
        None,
    );
    let id = |s: &Value, key: &str| s[key].as_str().unwrap().to_owned();
    let (a, at) = (id(&alice, "session_id"), id(&alice, "token"));
    let (b, bt) = (id(&bob, "session_id"), id(&bob, "token"));
    o.name(&a, "<alice's session>");
    o.name(&at, "<alice's token>");
    o.name(&b, "<bob's session>");
    o.name(&bt, "<bob's token>");
    let sa = ["--session", &a, "--token", &at];
    let sb = ["--session", &b, "--token", &bt];
    let with = |args: &[&str], s: &[&str]| {
        [args, s]
            .concat()
            .iter()
            .map(|x| (*x).to_owned())
            .collect::<Vec<String>>()
    };
    let run_s = |o: &mut Outputs<'_>, args: &[&str], s: &[&str], stdin: Option<&str>| {
        let all = with(args, s);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        o.run(&dir, &refs, stdin)
    };
    run_s(&mut o, &["session", "read", "lib.rs"], &sa, None);
    run_s(&mut o, &["session", "ls"], &sa, None);
    run_s(
        &mut o,
        &["session", "edit", "lib.rs", "--old", "10", "--new", "11"],
        &sa,
        None,
    );
    run_s(
        &mut o,
        &["session", "write", "notes.txt"],
        &sa,
        Some("draft\n"),
    );
    run_s(
        &mut o,
        &["session", "mv", "notes.txt", "NOTES.txt"],
        &sa,
        None,
    );
    run_s(&mut o, &["session", "rm", "NOTES.txt"], &sa, None);
    run_s(
        &mut o,
        &["session", "apply"],
        &sb,
        Some(
            "--- a/lib.rs\n+++ b/lib.rs\n@@ -1,3 +1,3 @@\n pub fn a() -> u32 {\n-    10\n+    12\n }\n",
        ),
    );
    std::fs::write(
        dir.join(".atomic/config.toml"),
        "[verify]\ncommands = [\"grep -q 'fn a' lib.rs\"]\n",
    )
    .unwrap();
    run_s(&mut o, &["session", "verify"], &sa, None);
    run_s(&mut o, &["session", "diff"], &sa, None);
    o.run(&dir, &["session", "list"], None);
    let sub = run_s(&mut o, &["session", "submit", "-m", "Tune a"], &sa, None);
    assert_eq!(sub["status"], "merged", "{sub}");
    run_s(
        &mut o,
        &[
            "session",
            "comment",
            "lib.rs",
            "2",
            "Why twelve?",
            "--author",
            "carol",
        ],
        &sb,
        None,
    );
    // Bob's status: the conflict his submit would meet, and the comment.
    let status = run_s(&mut o, &["session", "status"], &sb, None);
    assert!(status["conflicts"].is_object(), "{status}");
    let dashboard = o.run(&dir, &["dashboard"], None);
    o.name(
        dashboard["url"].as_str().unwrap(),
        "http://127.0.0.1:<port>/?secret=<secret>",
    );
    // The dashboard lives in a server, started for it.
    env.atomic_ok(&dir, &["serve", "--stop"]);
    let clash = run_s(
        &mut o,
        &["session", "submit", "-m", "Tune a too"],
        &sb,
        None,
    );
    assert_eq!(clash["status"], "conflict", "{clash}");
    run_s(
        &mut o,
        &["session", "resolve", "--action", "keep_theirs"],
        &sb,
        None,
    );
    run_s(&mut o, &["session", "close"], &sb, None);
    o.run(&dir, &["session", "prune", "--older-than", "0"], None);
    o.run(&dir, &["watch", "--since", "0"], None);
    // A conflicting merge, abandoned; an edit, discarded; a branch made, undone.
    std::fs::write(dir.join("clash.rs"), "pub fn z() -> u32 {\n    0\n}\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Zero"]);
    env.atomic_ok(&dir, &["switch", "-c", "clash"]);
    std::fs::write(dir.join("clash.rs"), "pub fn z() -> u32 {\n    15\n}\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Fifteen"]);
    env.atomic_ok(&dir, &["switch", "main"]);
    std::fs::write(dir.join("clash.rs"), "pub fn z() -> u32 {\n    16\n}\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Sixteen"]);
    o.run(&dir, &["merge", "clash"], None);
    o.run(&dir, &["merge", "--abort"], None);
    std::fs::write(dir.join("clash.rs"), "scratch\n").unwrap();
    o.run(&dir, &["restore", "clash.rs"], None);
    env.atomic_ok(&dir, &["branch", "create", "spare"]);
    o.run(&dir, &["undo"], None);
    o.run(&dir, &["op", "log"], None);
    o.run(&dir, &["op", "restore", "1"], None);
    std::fs::write(top.join("base.rs"), LIB).unwrap();
    std::fs::write(top.join("ours.rs"), LIB.replace("    1\n", "    5\n")).unwrap();
    std::fs::write(top.join("theirs.rs"), LIB.replace("    1\n", "    6\n")).unwrap();
    o.run(
        &top,
        &["merge-file", "-p", "ours.rs", "base.rs", "theirs.rs"],
        None,
    );
    o.run(
        &dir,
        &["agent", "setup", "--host", "claude", "--dry-run"],
        None,
    );
    // Mounts, through a server (FUSE is needed, as for `test_mount`).
    let server = crate::test_serve::start(&env, &dir);
    let m = env.path("m");
    let carol = o.run(
        &dir,
        &[
            "session",
            "new",
            "--agent",
            "carol",
            "--mount",
            m.to_str().unwrap(),
        ],
        None,
    );
    let (c, ct) = (id(&carol, "session_id"), id(&carol, "token"));
    o.name(&c, "<carol's session>");
    o.name(&ct, "<carol's token>");
    let sc = ["--session", &c, "--token", &ct];
    run_s(&mut o, &["session", "unmount"], &sc, None);
    run_s(
        &mut o,
        &["session", "mount", m.to_str().unwrap()],
        &sc,
        None,
    );
    run_s(&mut o, &["session", "close"], &sc, None);
    o.run(&dir, &["serve", "--stop"], None);
    assert!(server.wait_with_output().unwrap().status.success());
    // Errors, usage errors included, are one JSON document too.
    run_s(&mut o, &["session", "rm", "missing.rs"], &sa, None);
    o.run(&dir, &["log", "--no-such-flag"], None);

    check_vocabulary(&o.all);
    let outputs = o.redacted();
    let mut page = String::from(PAGE_HEAD);
    for (cmd, v) in &outputs {
        let pretty = serde_json::to_string_pretty(v).unwrap();
        page.push_str(&format!(
            "## `atomic --json {cmd}\n\n```json\n{pretty}\n```\n\n"
        ));
    }
    let page = page.trim_end().to_owned() + "\n";
    insta::assert_snapshot!("json_outputs", page);
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/json.md");
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&book, &page).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&book).unwrap_or_default(),
        page,
        "book/src/json.md is out of date: run with UPDATE_BOOK=1"
    );
}

const PAGE_HEAD: &str = "# JSON output

Every command prints one JSON document with `--json`: its result on standard output, or,
when it fails, `{\"error\": {\"kind\", \"code\", \"message\", \"hints\"}}` on standard error
(usage errors included, with kind `usage`), the exit code unchanged. A conflicting submit
is a result (exit 1): its conflict block is on standard output.
The MCP tools return the same shapes (see [MCP tools](mcp-tools.md)).

One vocabulary throughout:

- `session_id`, `change_id` (64 hex digits), `commit` (a git commit id, 40 hex digits),
  `path` (relative to the repository root, `/`-separated);
- a file side is `{\"mode\": \"blob\" | \"executable\" | \"symlink\" | \"gitlink\", \"blob\": <git id>}`,
  as `old` (before) and `new` (after), `null` when absent;
- times are `*_seconds` since the Unix epoch, durations `*_ms`.

This page is generated by `cli/tests/test_json.rs` from a real run (`UPDATE_BOOK=1 cargo
nextest run -E 'test(every_command_speaks_one_json_vocabulary)'`); ids, temporary paths and
times are replaced by placeholders. The test fails when an output uses a retired name
(`session`, `change`, `old_mode`, ...).

";
