//! Hostile input, as an attacker with a session would try it: paths outside the
//! repository or into `.git`, git's refused names and their look-alikes, names over the
//! system's limits, files and directories in each other's way, pruning other agents' work.
//! Each case gets a clear error and leaves the repository as it was.

use std::path::{Path, PathBuf};

use crate::common::{TestEnv, snapshot};

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n";

/// A repository with `lib.rs`, `src/mod.rs`, a committed symlink `out` to a directory
/// outside it, and a committed symlink `g` to `.git`.
fn repo(env: &TestEnv) -> (PathBuf, PathBuf) {
    let dir = env.path("r");
    let outside = env.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/mod.rs"), "pub fn m() {}\n").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("out")).unwrap();
    std::os::unix::fs::symlink(".git", dir.join("g")).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "base"]);
    (dir, outside)
}

struct Session(String, String);

impl Session {
    fn new(env: &TestEnv, dir: &Path) -> Session {
        let s = env.atomic_json(dir, &["session", "new", "--agent", "mallory"]);
        Session(
            s["session_id"].as_str().unwrap().to_owned(),
            s["token"].as_str().unwrap().to_owned(),
        )
    }

    /// Runs `session <rest>` with `--json`; returns the exit code and the error's kind.
    fn try_run(&self, env: &TestEnv, dir: &Path, rest: &[&str]) -> (Option<i32>, String) {
        let mut args = vec![
            "--json",
            "session",
            "--session",
            &self.0,
            "--token",
            &self.1,
        ];
        args.extend_from_slice(rest);
        let out = env.atomic(dir, &args);
        let kind = serde_json::from_slice::<serde_json::Value>(&out.stderr)
            .map(|v| v["error"]["kind"].as_str().unwrap_or("").to_owned())
            .unwrap_or_default();
        (out.status.code(), kind)
    }

    fn write(&self, env: &TestEnv, dir: &Path, path: &str, text: &str) -> (Option<i32>, String) {
        let file = env.path("payload");
        std::fs::write(&file, text).unwrap();
        self.try_run(env, dir, &["write", path, "--file", file.to_str().unwrap()])
    }
}

/// Files with their contents, as [`snapshot`] lists them.
type Files = Vec<(PathBuf, Vec<u8>)>;

/// The repository's state: HEAD, refs, and every file of the working tree and `.git`
/// config; and the directory outside.
fn state(env: &TestEnv, dir: &Path, outside: &Path) -> (String, String, Files, Files) {
    let mut files: Files = snapshot(dir)
        .into_iter()
        .filter(|(p, _)| {
            let rel = p.strip_prefix(dir).unwrap();
            !rel.starts_with(".atomic") && (!rel.starts_with(".git") || rel.ends_with("config"))
        })
        .collect();
    files.sort();
    (
        env.git(dir, &["rev-parse", "HEAD"]),
        env.git(dir, &["for-each-ref"]),
        files,
        snapshot(outside),
    )
}

#[test]
fn paths_into_symlinks_dot_git_and_its_look_alikes_are_refused() {
    let env = TestEnv::new();
    let (dir, outside) = repo(&env);
    let before = state(&env, &dir, &outside);
    let s = Session::new(&env, &dir);
    for path in [
        "out/evil.sh",
        "g/config",
        "g/hooks/pre-commit",
        ".git/config",
        ".GIT/config",
        "x/.Git/HEAD",
        "git~1/config",
        "GIT~1/config",
        ".git./config",
        ".git::$INDEX_ALLOCATION/config",
        ".g\u{200c}it/config",
        "\u{feff}.git/config",
        "a\\.git/config",
        ".atomic/store/CURRENT",
        "../escape.rs",
        "/etc/passwd",
        "a//b",
    ] {
        let (code, kind) = s.write(&env, &dir, path, "[core]\n\tfsmonitor = touch /tmp/pwned\n");
        assert_eq!(code, Some(1), "{path:?} was written");
        assert!(
            ["bad_path", "path_clash"].contains(&kind.as_str()),
            "{path:?}: {kind}"
        );
    }
    // The session wrote nothing; submitting finds nothing.
    assert_eq!(
        s.try_run(&env, &dir, &["submit", "-m", "x"]).1,
        "nothing_to_submit"
    );
    assert_eq!(state(&env, &dir, &outside), before);
}

#[test]
fn names_and_paths_over_the_system_limits_are_refused_at_write() {
    let env = TestEnv::new();
    let (dir, outside) = repo(&env);
    let before = state(&env, &dir, &outside);
    let s = Session::new(&env, &dir);
    let long_name = "n".repeat(256);
    let long_path = vec!["d".repeat(200); 21].join("/");
    for path in [long_name.as_str(), long_path.as_str()] {
        let (code, kind) = s.write(&env, &dir, path, "x\n");
        assert_eq!(
            (code, kind.as_str()),
            (Some(1), "bad_path"),
            "{}",
            path.len()
        );
    }
    assert_eq!(state(&env, &dir, &outside), before);
}

#[test]
fn files_and_directories_in_each_others_way_are_refused_or_conflict() {
    let env = TestEnv::new();
    let (dir, outside) = repo(&env);
    let before = state(&env, &dir, &outside);
    let s = Session::new(&env, &dir);
    // Under a file, where a directory is, under a symlink.
    for path in ["lib.rs/child", "src", "out/x"] {
        let (code, kind) = s.write(&env, &dir, path, "x\n");
        assert_eq!((code, kind.as_str()), (Some(1), "path_clash"), "{path}");
    }
    // Once the file is removed in the session, a directory may take its place.
    assert_eq!(s.try_run(&env, &dir, &["rm", "lib.rs"]).0, Some(0));
    assert_eq!(s.write(&env, &dir, "lib.rs/child", "x\n").0, Some(0));
    assert_eq!(
        state(&env, &dir, &outside),
        before,
        "a session touches nothing"
    );
    // Across sessions: one adds file `x`, the other `x/y`; the second submit conflicts
    // and the branch keeps the first.
    let (a, b) = (Session::new(&env, &dir), Session::new(&env, &dir));
    assert_eq!(a.write(&env, &dir, "x", "file\n").0, Some(0));
    assert_eq!(b.write(&env, &dir, "x/y", "nested\n").0, Some(0));
    assert_eq!(a.try_run(&env, &dir, &["submit", "-m", "x"]).0, Some(0));
    let head = env.git(&dir, &["rev-parse", "HEAD"]);
    let out = env.atomic(
        &dir,
        &[
            "--json",
            "session",
            "--session",
            &b.0,
            "--token",
            &b.1,
            "submit",
            "-m",
            "x/y",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let block: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(block["status"], "conflict");
    assert!(
        block["conflicting_symbols"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("x")
    );
    assert!(out.stderr.is_empty(), "one JSON document, on stdout");
    assert_eq!(env.git(&dir, &["rev-parse", "HEAD"]), head);
    assert_eq!(std::fs::read_to_string(dir.join("x")).unwrap(), "file\n");
    let doctor = env.atomic_json(&dir, &["doctor"]);
    assert!(
        doctor["problems"].as_array().unwrap().is_empty(),
        "{doctor}"
    );
}

#[test]
fn a_symlink_write_replaces_the_link_and_submits_never_write_outside() {
    let env = TestEnv::new();
    let (dir, outside) = repo(&env);
    let s = Session::new(&env, &dir);
    // Writing the symlink's path makes it a regular file; the target is untouched.
    assert_eq!(s.write(&env, &dir, "out", "now a file\n").0, Some(0));
    assert_eq!(
        s.try_run(&env, &dir, &["submit", "-m", "replace the link"])
            .0,
        Some(0)
    );
    let meta = std::fs::symlink_metadata(dir.join("out")).unwrap();
    assert!(meta.is_file(), "the working tree has a file, not the link");
    assert!(snapshot(&outside).is_empty(), "nothing was written outside");
    // A symlink asked for explicitly is one, and nothing goes under it.
    let t = Session::new(&env, &dir);
    let file = env.path("target");
    std::fs::write(&file, outside.to_str().unwrap()).unwrap();
    let (code, _) = t.try_run(
        &env,
        &dir,
        &[
            "write",
            "link2",
            "--mode",
            "symlink",
            "--file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0));
    assert_eq!(t.write(&env, &dir, "link2/evil", "x\n").1, "path_clash");
    assert_eq!(t.try_run(&env, &dir, &["submit", "-m", "link"]).0, Some(0));
    assert!(
        std::fs::symlink_metadata(dir.join("link2"))
            .unwrap()
            .is_symlink()
    );
    // A user's own symlink in the working tree, where the branch gets a directory: the
    // submit lands, the working tree is not written through the link.
    std::os::unix::fs::symlink(&outside, dir.join("src2")).unwrap();
    let u = Session::new(&env, &dir);
    assert_eq!(
        u.write(&env, &dir, "src2/new.rs", "pub fn n() {}\n").0,
        Some(0)
    );
    let out = env.atomic_json(
        &dir,
        &[
            "session",
            "--session",
            &u.0,
            "--token",
            &u.1,
            "submit",
            "-m",
            "src2",
        ],
    );
    assert_eq!(out["status"], "merged", "{out}");
    assert!(
        snapshot(&outside).is_empty(),
        "nothing was written through the link"
    );
    assert_eq!(
        env.git(&dir, &["show", "HEAD:src2/new.rs"]),
        "pub fn n() {}\n"
    );
}

#[test]
fn prune_removes_only_idle_sessions_without_work_unless_forced() {
    let env = TestEnv::new();
    let (dir, _) = repo(&env);
    let idle = Session::new(&env, &dir);
    let working = Session::new(&env, &dir);
    assert_eq!(
        working
            .write(&env, &dir, "lib.rs", "pub fn a() -> u32 {\n    2\n}\n")
            .0,
        Some(0)
    );
    let pruned = env.atomic_json(&dir, &["session", "prune", "--older-than", "0"]);
    let removed: Vec<&str> = pruned["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(removed, vec![idle.0.as_str()]);
    assert_eq!(pruned["kept"][0]["session_id"], working.0.as_str());
    // The working session still reads its own edit.
    let read = working.try_run(&env, &dir, &["read", "lib.rs"]);
    assert_eq!(read.0, Some(0));
    // A session active just now is not idle for an hour.
    let hour = env.atomic_json(
        &dir,
        &["session", "prune", "--older-than", "3600", "--force"],
    );
    assert!(hour["removed"].as_array().unwrap().is_empty());
    let forced = env.atomic_json(&dir, &["session", "prune", "--older-than", "0", "--force"]);
    assert_eq!(forced["removed"][0]["session_id"], working.0.as_str());
}

#[test]
fn merge_file_refuses_binary_input_and_leaves_ours_untouched() {
    let env = TestEnv::new();
    let dir = env.path("m");
    std::fs::create_dir_all(&dir).unwrap();
    let (ours, base, theirs) = (dir.join("ours"), dir.join("base"), dir.join("theirs"));
    std::fs::write(&ours, b"a\0b\n").unwrap();
    std::fs::write(&base, b"a\0c\n").unwrap();
    std::fs::write(&theirs, b"a\0d\n").unwrap();
    let out = env.atomic(
        &dir,
        &[
            "merge-file",
            ours.to_str().unwrap(),
            base.to_str().unwrap(),
            theirs.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(255));
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary"));
    assert_eq!(std::fs::read(&ours).unwrap(), b"a\0b\n");
    // As git does.
    let git = std::process::Command::new("git")
        .current_dir(&dir)
        .args(["merge-file", "ours", "base", "theirs"])
        .output()
        .unwrap();
    assert_eq!(git.status.code(), Some(255));
}

#[test]
fn a_retried_submit_that_landed_returns_its_result_and_adds_nothing() {
    let env = TestEnv::new();
    let (dir, _) = repo(&env);
    let s = Session::new(&env, &dir);
    assert_eq!(
        s.write(&env, &dir, "lib.rs", "pub fn a() -> u32 {\n    5\n}\n")
            .0,
        Some(0)
    );
    let args = [
        "session",
        "--session",
        s.0.as_str(),
        "--token",
        s.1.as_str(),
        "submit",
        "-m",
        "once",
    ];
    let first = env.atomic_json(&dir, &args);
    let head = env.git(&dir, &["rev-parse", "HEAD"]);
    let again = env.atomic_json(&dir, &args);
    assert_eq!(again["replayed"], true);
    assert_eq!(again["change_id"], first["change_id"]);
    assert_eq!(again["commit"], first["commit"]);
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD"]),
        head,
        "nothing new landed"
    );
    // The ended session takes no more writes.
    assert_eq!(s.write(&env, &dir, "lib.rs", "x").1, "session_ended");
}
