//! `session edit` and `session apply`: the edits agents make most, all or nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::TestEnv;

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n\npub fn c() -> u32 {\n    3\n}\n";

fn repo(env: &TestEnv) -> PathBuf {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    std::fs::write(dir.join("main.rs"), "fn main() {\n    lib::a();\n}\n").unwrap();
    std::fs::write(dir.join("old.txt"), "going away\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    dir
}

fn session(env: &TestEnv, dir: &Path, agent: &str) -> Vec<String> {
    let s = env.atomic_json(dir, &["session", "new", "--agent", agent]);
    [
        "session",
        "--session",
        s["session_id"].as_str().unwrap(),
        "--token",
        s["token"].as_str().unwrap(),
    ]
    .map(str::to_owned)
    .to_vec()
}

fn run(
    env: &TestEnv,
    dir: &Path,
    s: &[String],
    rest: &[&str],
    stdin: Option<&str>,
) -> std::process::Output {
    let mut args: Vec<&str> = vec!["--json"];
    args.extend(s.iter().map(String::as_str));
    args.extend_from_slice(rest);
    let mut child = env
        .atomic_cmd(dir, &args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn error_kind(out: &std::process::Output) -> String {
    let doc: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|_| panic!("a JSON error: {}", String::from_utf8_lossy(&out.stderr)));
    doc["error"]["kind"].as_str().unwrap().to_owned()
}

fn read(env: &TestEnv, dir: &Path, s: &[String], path: &str) -> String {
    let out = run(env, dir, s, &["read", path], None);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["text"].as_str().unwrap().to_owned()
}

#[test]
fn two_agents_edit_functions_of_one_file_and_both_merge() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let (x, y) = (session(&env, &dir, "x"), session(&env, &dir, "y"));
    let out = run(
        &env,
        &dir,
        &x,
        &["edit", "lib.rs", "--old", "    1\n", "--new", "    10\n"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(written["symbols"][0]["scoped_name"], "a");
    let out = run(
        &env,
        &dir,
        &y,
        &["edit", "lib.rs", "--old", "    3\n", "--new", "    30\n"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for s in [&x, &y] {
        let out = run(&env, &dir, s, &["submit", "-m", "edit"], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let head = env.git(&dir, &["show", "main:lib.rs"]);
    assert_eq!(
        head,
        LIB.replace("    1\n", "    10\n")
            .replace("    3\n", "    30\n")
    );
}

#[test]
fn an_edit_that_is_missing_ambiguous_or_empty_writes_nothing() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let s = session(&env, &dir, "x");
    let cases: [(&[&str], &str); 5] = [
        (
            &["edit", "lib.rs", "--old", "    4\n", "--new", "x"],
            "edit_not_found",
        ),
        (
            &["edit", "lib.rs", "--old", "pub fn", "--new", "fn"],
            "edit_not_unique",
        ),
        (&["edit", "lib.rs", "--old", "", "--new", "x"], "bad_edit"),
        (
            &["edit", "lib.rs", "--old", "    1", "--new", "    1"],
            "bad_edit",
        ),
        (
            &["edit", "nope.rs", "--old", "a", "--new", "b"],
            "no_such_path",
        ),
    ];
    for (args, kind) in cases {
        let out = run(&env, &dir, &s, args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(error_kind(&out), kind, "{args:?}");
    }
    let unique = run(
        &env,
        &dir,
        &s,
        &["edit", "lib.rs", "--old", "pub fn", "--new", "fn"],
        None,
    );
    assert!(String::from_utf8_lossy(&unique.stderr).contains("3 times"));
    let ls = run(&env, &dir, &s, &["ls"], None);
    let files: serde_json::Value = serde_json::from_slice(&ls.stdout).unwrap();
    assert!(
        files
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["changed"] == false),
        "{files}"
    );
}

/// A diff made by git itself (a change, a new file, a deletion, a rename) applies; one
/// hunk that does not fit leaves every file as it was.
#[test]
fn a_git_diff_applies_to_every_file_or_to_none() {
    let env = TestEnv::new();
    let dir = repo(&env);
    // Make the diff with git in a copy of the tree.
    let copy = env.path("copy");
    env.git(
        &env.path(""),
        &["clone", "-q", dir.to_str().unwrap(), copy.to_str().unwrap()],
    );
    std::fs::write(copy.join("lib.rs"), LIB.replace("    2\n", "    20\n")).unwrap();
    std::fs::write(copy.join("new.rs"), "pub fn n() {}\n").unwrap();
    std::fs::remove_file(copy.join("old.txt")).unwrap();
    env.git(&copy, &["mv", "main.rs", "app.rs"]);
    env.git(&copy, &["add", "-A"]);
    let patch = env.git(&copy, &["diff", "--cached", "-M"]);
    assert!(patch.contains("rename from main.rs"), "{patch}");

    let s = session(&env, &dir, "x");
    // The same patch with a hunk that does not fit: nothing changes.
    let broken = patch.replace("-    2", "-    7");
    let out = run(&env, &dir, &s, &["apply"], Some(&broken));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(error_kind(&out), "patch_does_not_apply");
    let ls = run(&env, &dir, &s, &["ls"], None);
    let files: serde_json::Value = serde_json::from_slice(&ls.stdout).unwrap();
    assert!(
        files
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["changed"] == false),
        "{files}"
    );
    assert_eq!(
        error_kind(&run(&env, &dir, &s, &["apply"], Some("not a diff\n"))),
        "bad_patch"
    );

    let out = run(&env, &dir, &s, &["apply"], Some(&patch));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let applied: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(applied["files"].as_array().unwrap().len(), 5, "{applied}");
    assert_eq!(
        read(&env, &dir, &s, "lib.rs"),
        LIB.replace("    2\n", "    20\n")
    );
    assert_eq!(read(&env, &dir, &s, "new.rs"), "pub fn n() {}\n");
    assert_eq!(
        read(&env, &dir, &s, "app.rs"),
        "fn main() {\n    lib::a();\n}\n"
    );
    for gone in ["old.txt", "main.rs"] {
        assert_eq!(
            error_kind(&run(&env, &dir, &s, &["read", gone], None)),
            "no_such_path"
        );
    }
    let out = run(&env, &dir, &s, &["submit", "-m", "patched"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        env.git(&dir, &["rev-parse", "main^{tree}"]),
        env.git(&copy, &["write-tree"])
    );
}

/// A patch made by `diff -u` (no `diff --git` line; paths with and without git's `a/` and
/// `b/` prefixes), as agents and people write them, applies.
#[test]
fn a_plain_unified_diff_applies() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let s = session(&env, &dir, "x");
    std::fs::write(env.path("old.rs"), LIB).unwrap();
    std::fs::write(env.path("new.rs"), LIB.replace("    3\n", "    30\n")).unwrap();
    for labels in [
        "--label a/lib.rs --label b/lib.rs",
        "--label lib.rs --label lib.rs",
    ] {
        let out = env
            .sh_cmd(&env.path(""), &format!("diff -u {labels} old.rs new.rs"))
            .output()
            .unwrap();
        let patch = String::from_utf8(out.stdout).unwrap();
        assert!(patch.starts_with("--- "), "{patch}");
        let out = run(&env, &dir, &s, &["apply"], Some(&patch));
        assert!(
            out.status.success(),
            "{labels}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read = run(&env, &dir, &s, &["read", "lib.rs"], None);
        assert!(String::from_utf8_lossy(&read.stdout).contains("    30"));
        // Back to base for the next form.
        let back = run(&env, &dir, &s, &["write", "lib.rs"], Some(LIB));
        assert!(back.status.success());
    }
}
