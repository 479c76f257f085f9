//! A way back, as git gives it: `restore`, `merge --abort`, and a merge state that follows
//! git's (`git merge --abort`, a concluding `git commit`), each compared with git itself on
//! a clone of the same history.

use std::path::{Path, PathBuf};

use crate::common::TestEnv;

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n\npub fn b() -> u32 {\n    2\n}\n";

/// An atomic repository with lib.rs, docs/guide.md and an executable run.sh recorded on
/// main, and a plain git clone of it beside.
fn repos(env: &TestEnv) -> (PathBuf, PathBuf) {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/guide.md"), "# Guide\n").unwrap();
    std::fs::write(dir.join("run.sh"), "#!/bin/sh\necho run\n").unwrap();
    env.sh_cmd(&dir, "chmod +x run.sh").status().unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Base"]);
    std::fs::write(dir.join("docs/guide.md"), "# Guide\n\nMore.\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Guide"]);
    let git = env.path("g");
    env.git(
        &env.path(""),
        &["clone", "-q", dir.to_str().unwrap(), git.to_str().unwrap()],
    );
    (dir, git)
}

/// Every file under `dir` but `.git` and `.atomic`, with its contents and whether it is
/// executable.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name();
            if name == ".git" || name == ".atomic" {
                continue;
            }
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let exec =
                std::os::unix::fs::PermissionsExt::mode(&e.metadata().unwrap().permissions())
                    & 0o111
                    != 0;
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, std::fs::read(&path).unwrap(), exec));
        }
    }
    out.sort();
    out
}

/// The same edits in both working trees.
fn edit_both(env: &TestEnv, dirs: [&Path; 2]) {
    for d in dirs {
        std::fs::write(d.join("lib.rs"), LIB.replace("    1\n", "    10\n")).unwrap();
        std::fs::remove_file(d.join("docs/guide.md")).unwrap();
        env.sh_cmd(d, "chmod -x run.sh").status().unwrap();
        std::fs::write(d.join("notes.txt"), "mine, untracked\n").unwrap();
    }
}

#[test]
fn restore_brings_back_what_git_restore_does() {
    let env = TestEnv::new();
    let (dir, git) = repos(&env);
    edit_both(&env, [&dir, &git]);
    // From a subdirectory, a path relative to it.
    let out = env.atomic_json(&dir.join("docs"), &["restore", "guide.md"]);
    assert_eq!(out["restored"], serde_json::json!(["docs/guide.md"]));
    env.git(&git.join("docs"), &["restore", "guide.md"]);
    assert_eq!(tree(&dir), tree(&git));
    // Everything else; the untracked file stays.
    insta::assert_snapshot!("restore_all", env.atomic_ok(&dir, &["restore", "."]));
    env.git(&git, &["restore", "."]);
    assert_eq!(tree(&dir), tree(&git));
    assert!(dir.join("notes.txt").exists());
    assert_eq!(
        env.atomic_json(&dir, &["status"])["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["path"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["notes.txt"]
    );
    // From another revision: the guide as it was first recorded.
    insta::assert_snapshot!(
        "restore_source",
        env.atomic_ok(&dir, &["restore", "--source", "HEAD~1", "docs"])
    );
    env.git(&git, &["restore", "--source", "HEAD~1", "docs"]);
    assert_eq!(tree(&dir), tree(&git));
    assert_eq!(
        std::fs::read_to_string(dir.join("docs/guide.md")).unwrap(),
        "# Guide\n"
    );
    // A pathspec that names nothing is an error, as in git, and nothing is written.
    std::fs::write(dir.join("lib.rs"), "changed\n").unwrap();
    let out = env.atomic(&dir, &["--json", "restore", "lib.rs", "nope.rs"]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "pathspec_no_match");
    assert_eq!(
        std::fs::read_to_string(dir.join("lib.rs")).unwrap(),
        "changed\n"
    );
}

/// `feat` and `main` change the same function: the merge conflicts.
fn conflicting_branches(env: &TestEnv, dir: &Path) {
    env.atomic_ok(dir, &["branch", "create", "feat"]);
    env.atomic_ok(dir, &["switch", "feat"]);
    std::fs::write(dir.join("lib.rs"), LIB.replace("    1\n", "    100\n")).unwrap();
    std::fs::write(dir.join("feat.txt"), "from feat\n").unwrap();
    env.atomic_ok(dir, &["record", "-m", "Feat"]);
    env.atomic_ok(dir, &["switch", "main"]);
    std::fs::write(dir.join("lib.rs"), LIB.replace("    1\n", "    200\n")).unwrap();
    env.atomic_ok(dir, &["record", "-m", "Main"]);
}

fn merge_conflicts(env: &TestEnv, dir: &Path) {
    let out = env.atomic(dir, &["--json", "merge", "feat"]);
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["result"], "conflicts", "{result}");
}

#[test]
fn git_sees_atomics_conflicts_and_merge_abort_goes_back_as_git_does() {
    let env = TestEnv::new();
    let (dir, _) = repos(&env);
    conflicting_branches(&env, &dir);
    let git = env.path("g2");
    env.git(
        &env.path(""),
        &[
            "clone",
            "-q",
            "--no-local",
            dir.to_str().unwrap(),
            git.to_str().unwrap(),
        ],
    );
    env.git(&git, &["branch", "-q", "feat", "origin/feat"]);
    std::fs::write(dir.join("notes.txt"), "mine, untracked\n").unwrap();
    std::fs::write(git.join("notes.txt"), "mine, untracked\n").unwrap();

    merge_conflicts(&env, &dir);
    let git_merge = env
        .git_cmd(&git, &["merge", "-q", "feat"])
        .output()
        .unwrap();
    assert!(!git_merge.status.success(), "git conflicts too");
    // git sees atomic's conflict as its own: three stages, "both modified".
    let stages = |d: &Path| -> Vec<String> {
        env.git(d, &["ls-files", "-u"])
            .lines()
            .map(|l| {
                l.split_whitespace().nth(2).unwrap().to_owned()
                    + " "
                    + l.split('\t').nth(1).unwrap()
            })
            .collect()
    };
    assert_eq!(stages(&dir), ["1 lib.rs", "2 lib.rs", "3 lib.rs"]);
    insta::assert_snapshot!(
        "status_in_conflict",
        env.atomic_ok(&dir, &["--color", "never", "status"])
    );
    assert_eq!(stages(&dir), stages(&git));
    assert!(
        env.git(&dir, &["status", "--porcelain"])
            .contains("UU lib.rs")
    );
    // `git commit` refuses, as after git's own merge.
    assert!(
        !env.git_cmd(&dir, &["commit", "-q", "-m", "x"])
            .output()
            .unwrap()
            .status
            .success()
    );

    // A resolution half done, then abandoned.
    std::fs::write(dir.join("lib.rs"), "half\n").unwrap();
    std::fs::write(git.join("lib.rs"), "half\n").unwrap();
    insta::assert_snapshot!("merge_abort", env.atomic_ok(&dir, &["merge", "--abort"]));
    env.git(&git, &["merge", "--abort"]);
    assert_eq!(tree(&dir), tree(&git));
    assert!(dir.join("notes.txt").exists());
    assert!(!dir.join(".git/MERGE_HEAD").exists());
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "?? notes.txt\n");
    assert!(env.atomic_json(&dir, &["status"])["merge"].is_null());
    // Nothing left to abort.
    let again = env.atomic(&dir, &["--json", "merge", "--abort"]);
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn a_merge_git_aborted_or_concluded_is_over_for_atomic_too() {
    for ending in ["git merge --abort", "git commit"] {
        let env = TestEnv::new();
        let (dir, _) = repos(&env);
        conflicting_branches(&env, &dir);
        merge_conflicts(&env, &dir);
        if ending == "git commit" {
            std::fs::write(dir.join("lib.rs"), LIB.replace("    1\n", "    300\n")).unwrap();
            env.git(&dir, &["add", "lib.rs"]);
            env.git(&dir, &["commit", "-q", "--no-edit"]);
            assert_eq!(
                env.git(&dir, &["log", "-1", "--format=%P"])
                    .split(' ')
                    .count(),
                2
            );
        } else {
            env.git(&dir, &["merge", "--abort"]);
        }
        assert!(
            env.atomic_json(&dir, &["status"])["merge"].is_null(),
            "{ending}: atomic still merging"
        );
        insta::assert_snapshot!(
            format!("status_after_{}", ending.replace([' ', '-'], "_")),
            env.atomic_ok(&dir, &["--color", "never", "status"])
        );
        // The next record of unrelated work is an ordinary one-parent change.
        std::fs::write(dir.join("other.txt"), "unrelated\n").unwrap();
        env.atomic_ok(&dir, &["record", "-m", "Unrelated"]);
        assert_eq!(
            env.git(&dir, &["log", "-1", "--format=%P"])
                .trim()
                .split(' ')
                .count(),
            1,
            "{ending}: the record after it has one parent"
        );
        assert!(
            env.atomic_json(&dir, &["doctor"])["problems"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}

fn head(env: &TestEnv, dir: &Path) -> String {
    env.git(dir, &["rev-parse", "HEAD"]).trim().to_owned()
}

/// `undo` walks records back as `git reset --soft` would, keeps their edits in the working
/// tree, undoes a branch creation, and never undoes over a session's landing.
#[test]
fn undo_moves_refs_back_keeps_the_files_and_leaves_sessions_alone() {
    let env = TestEnv::new();
    let (dir, git) = repos(&env);
    let guide_commit = head(&env, &dir);
    std::fs::write(dir.join("lib.rs"), LIB.replace("    2\n", "    20\n")).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Twenty"]);
    insta::assert_snapshot!("undo", env.atomic_ok(&dir, &["undo"]));
    assert_eq!(
        env.atomic_json(&dir, &["op", "log"])[0]["description"],
        "undo of op 4: record: Twenty"
    );
    assert_eq!(head(&env, &dir), guide_commit);
    // The edits are uncommitted changes now, as after git's reset --soft in a clone.
    env.git(&git, &["pull", "-q", "--ff-only"]);
    std::fs::write(git.join("lib.rs"), LIB.replace("    2\n", "    20\n")).unwrap();
    assert_eq!(tree(&dir), tree(&git));
    let changed: Vec<String> = env.atomic_json(&dir, &["status"])["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(changed, ["lib.rs"]);
    // Undo again: the record before it.
    env.atomic_ok(&dir, &["undo"]);
    assert_eq!(env.git(&dir, &["log", "--format=%s"]).trim(), "Base");
    // op restore: back to just after the guide's record.
    let ops = env.atomic_json(&dir, &["op", "log"]);
    let seq = ops
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["description"] == "record: Guide")
        .unwrap()["seq"]
        .as_u64()
        .unwrap();
    env.atomic_ok(&dir, &["op", "restore", &seq.to_string()]);
    assert_eq!(head(&env, &dir), guide_commit);
    // A branch creation, undone.
    env.atomic_ok(&dir, &["restore", "."]);
    env.atomic_ok(&dir, &["branch", "create", "topic"]);
    env.atomic_ok(&dir, &["undo"]);
    assert!(!env.git(&dir, &["branch"]).contains("topic"));

    // A session lands on main: undo never takes it back, and says why.
    std::fs::write(dir.join("x.txt"), "x\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "X"]);
    let s = env.atomic_json(&dir, &["session", "new", "--agent", "ann"]);
    let auth = [
        "--session",
        s["session_id"].as_str().unwrap(),
        "--token",
        s["token"].as_str().unwrap(),
    ];
    let mut write = env.atomic_cmd(&dir, &[&["session", "write", "y.txt"], &auth[..]].concat());
    write.stdin(std::process::Stdio::piped());
    let mut child = write.spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"y\n").unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    env.atomic_ok(
        &dir,
        &[&["session", "submit", "-m", "Y"], &auth[..]].concat(),
    );
    let landed = head(&env, &dir);
    let out = env.atomic(&dir, &["--json", "undo"]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "undo_blocked", "{err}");
    assert_eq!(head(&env, &dir), landed);
    let out = env.atomic(&dir, &["--json", "op", "restore", &seq.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(head(&env, &dir), landed);
}
