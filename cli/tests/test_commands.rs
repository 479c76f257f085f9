//! Everyday commands, and git users working beside atomic.

use std::path::PathBuf;

use crate::common::TestEnv;

/// Clones the fixture history into `a` and returns (env, source, atomic repo).
fn setup() -> (TestEnv, PathBuf, PathBuf) {
    let env = TestEnv::new();
    let src = env.history("src");
    env.atomic_ok(&env.path(""), &["clone", src.to_str().unwrap(), "a"]);
    let repo = env.path("a");
    (env, src, repo)
}

#[test]
fn a_git_push_from_a_clone_becomes_a_change() {
    let (env, _, repo) = setup();
    env.git(&env.path(""), &["clone", "-q", repo.to_str().unwrap(), "g"]);
    let g = env.path("g");
    std::fs::write(g.join("pushed.txt"), "from a git user\n").unwrap();
    env.git(&g, &["add", "pushed.txt"]);
    env.git(&g, &["commit", "-q", "-m", "Pushed by git"]);
    let pushed = env.git(&g, &["rev-parse", "HEAD"]).trim().to_owned();
    // The checked-out branch: git updates atomic's working tree as well.
    env.git(&g, &["push", "-q", "origin", "main"]);

    let log = env.atomic_json(&repo, &["log", "-n", "1"]);
    assert_eq!(log[0]["commit"], pushed.as_str());
    assert_eq!(log[0]["origin"]["kind"], "imported");
    assert_eq!(log[0]["message"], "Pushed by git\n");
    assert_eq!(
        std::fs::read_to_string(repo.join("pushed.txt")).unwrap(),
        "from a git user\n"
    );
    assert_eq!(
        env.atomic_json(&repo, &["status"])["changes"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // A branch pushed from the clone is imported too.
    env.git(&g, &["push", "-q", "origin", "HEAD:refs/heads/from-git"]);
    let branches = env.atomic_json(&repo, &["branch"]);
    assert!(
        branches
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "from-git" && b["commit"] == pushed.as_str()),
        "{branches}"
    );
    assert_eq!(
        env.atomic_json(&repo, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn a_record_appears_in_a_fresh_git_clone() {
    let (env, _, repo) = setup();
    std::fs::write(
        repo.join("src/lib.rs"),
        "pub fn add(a: i32, b: i32) -> i32 {\n    b + a\n}\n",
    )
    .unwrap();
    std::fs::write(repo.join("new.txt"), "new\n").unwrap();
    std::fs::remove_file(repo.join("windows.txt")).unwrap();
    std::fs::write(repo.join(".gitignore"), "*.log\n").unwrap();
    std::fs::write(repo.join("debug.log"), "ignored\n").unwrap();

    let status = env.atomic_json(&repo, &["status"]);
    let paths: Vec<(&str, &str)> = status["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["path"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        paths,
        vec![
            (".gitignore", "added"),
            ("new.txt", "added"),
            ("src/lib.rs", "modified"),
            ("windows.txt", "deleted")
        ]
    );
    let diff = env.atomic_ok(&repo, &["diff", "src/lib.rs"]);
    assert!(
        diff.contains("\n-    a + b\n") && diff.contains("\n+    b + a\n"),
        "{diff}"
    );

    let recorded = env.atomic_json(&repo, &["record", "-m", "Swap operands\n\nAnd tidy up."]);
    assert_eq!(recorded["origin"]["kind"], "recorded");
    let commit = recorded["commit"].as_str().unwrap().to_owned();
    assert_eq!(env.git(&repo, &["rev-parse", "HEAD"]).trim(), commit);
    assert_eq!(
        env.git(&repo, &["status", "--porcelain"]),
        "",
        "git agrees the tree is clean"
    );
    assert_eq!(
        env.atomic_json(&repo, &["status"])["changes"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    env.git(
        &env.path(""),
        &["clone", "-q", repo.to_str().unwrap(), "fresh"],
    );
    let fresh = env.path("fresh");
    assert_eq!(
        env.git(&fresh, &["log", "-1", "--format=%H %s"]).trim(),
        format!("{commit} Swap operands")
    );
    assert_eq!(
        std::fs::read_to_string(fresh.join("new.txt")).unwrap(),
        "new\n"
    );
    assert!(!fresh.join("windows.txt").exists());
    assert!(
        !fresh.join("debug.log").exists(),
        "ignored files are not recorded"
    );
    assert_eq!(
        env.atomic_json(&repo, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let again = env.atomic(&repo, &["record", "-m", "nothing"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to record"));
}

#[test]
fn a_git_commit_inside_the_repository_is_imported() {
    let (env, _, repo) = setup();
    std::fs::write(repo.join("by-git.txt"), "x\n").unwrap();
    env.git(&repo, &["add", "by-git.txt"]);
    env.git(&repo, &["commit", "-q", "-m", "Committed with git"]);
    let head = env.git(&repo, &["rev-parse", "HEAD"]).trim().to_owned();
    let show = env.atomic_json(&repo, &["show"]);
    assert_eq!(show["commit"], head.as_str());
    assert_eq!(show["files"][0]["path"], "by-git.txt");
    let ops = env.atomic_json(&repo, &["op", "log"]);
    assert!(
        ops[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("import: 1 commit"),
        "{ops}"
    );
}

#[test]
fn branches_switch_and_export() {
    let (env, _, repo) = setup();
    let branches = env.atomic_json(&repo, &["branch"]);
    let names: Vec<&str> = branches
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["feature", "main", "topic"]);

    env.atomic_ok(&repo, &["switch", "topic"]);
    assert_eq!(
        env.git(&repo, &["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/topic"
    );
    assert!(repo.join("notes.txt").exists());
    assert!(
        repo.join("docs/日本語.txt").exists(),
        "topic branches off before the deletion"
    );
    assert_eq!(env.git(&repo, &["status", "--porcelain"]), "");

    env.atomic_ok(&repo, &["switch", "-c", "work"]);
    std::fs::write(repo.join("notes.txt"), "more notes\n").unwrap();
    let dirty = env.atomic(&repo, &["switch", "main"]);
    assert_eq!(dirty.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&dirty.stderr).contains("record your changes"));
    env.atomic_ok(&repo, &["record", "-m", "More notes"]);
    env.atomic_ok(&repo, &["switch", "main"]);
    assert!(!repo.join("notes.txt").exists());

    let deleted = env.atomic(&repo, &["branch", "delete", "main"]);
    assert_eq!(deleted.status.code(), Some(1), "the current branch stays");
    env.atomic_ok(&repo, &["branch", "create", "old", "v0.1"]);
    assert_eq!(
        env.git(&repo, &["rev-parse", "old"]),
        env.git(&repo, &["rev-parse", "v0.1^{commit}"])
    );
    env.atomic_ok(&repo, &["branch", "delete", "old"]);
    assert!(env.git(&repo, &["branch", "--list", "old"]).is_empty());
    // As git: `branch NAME` creates; `-d` refuses a branch with changes HEAD lacks (git
    // refuses it too), `-D` deletes it anyway.
    env.atomic_ok(&repo, &["branch", "short-form"]);
    assert!(
        !env.git(&repo, &["branch", "--list", "short-form"])
            .is_empty()
    );
    let refused = env.atomic(&repo, &["--json", "branch", "-d", "work"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not_merged"));
    assert!(
        !env.git_cmd(&repo, &["branch", "-d", "work"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(!env.git(&repo, &["branch", "--list", "work"]).is_empty());
    env.atomic_ok(&repo, &["branch", "-d", "short-form"]);
    env.atomic_ok(&repo, &["branch", "-D", "work"]);
    assert!(env.git(&repo, &["branch", "--list", "work"]).is_empty());

    // `git export` puts back a ref that git moved, when asked before any import.
    let feature = env.git(&repo, &["rev-parse", "feature"]);
    env.git(&repo, &["update-ref", "refs/heads/feature", "feature~1"]);
    let exported = env.atomic_json(&repo, &["git", "export"]);
    assert_eq!(exported["refs_written"], 1);
    assert_eq!(env.git(&repo, &["rev-parse", "feature"]), feature);
}

#[test]
fn fetch_and_push_with_a_git_remote() {
    let (env, src, repo) = setup();
    std::fs::write(src.join("upstream.txt"), "upstream\n").unwrap();
    env.git(&src, &["add", "upstream.txt"]);
    env.git(&src, &["commit", "-q", "-m", "Upstream work"]);
    let upstream = env.git(&src, &["rev-parse", "HEAD"]).trim().to_owned();

    let remotes = env.atomic_json(&repo, &["remote"]);
    assert_eq!(remotes[0]["name"], "origin");
    let fetched = env.atomic_json(&repo, &["fetch"]);
    assert_eq!(fetched["commits"], 1);
    let change = env.atomic_json(&repo, &["show", "origin/main"]);
    assert_eq!(change["commit"], upstream.as_str());

    env.git(
        &env.path(""),
        &["init", "-q", "--bare", "-b", "main", "bare.git"],
    );
    env.atomic_ok(
        &repo,
        &[
            "remote",
            "add",
            "backup",
            env.path("bare.git").to_str().unwrap(),
        ],
    );
    std::fs::write(repo.join("mine.txt"), "mine\n").unwrap();
    let recorded = env.atomic_json(&repo, &["record", "-m", "Mine"]);
    env.atomic_ok(&repo, &["push", "backup"]);
    assert_eq!(
        env.git(&env.path("bare.git"), &["rev-parse", "main"])
            .trim(),
        recorded["commit"].as_str().unwrap()
    );
    env.atomic_ok(&repo, &["remote", "remove", "backup"]);
    assert_eq!(
        env.atomic_json(&repo, &["remote"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn init_in_an_empty_directory_then_record() {
    let env = TestEnv::new();
    let dir = env.path("fresh");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    assert_eq!(env.atomic_json(&dir, &["log"]).as_array().unwrap().len(), 0);
    std::fs::write(dir.join("a.txt"), "a\n").unwrap();
    let first = env.atomic_json(&dir, &["record", "-m", "First"]);
    assert_eq!(first["parents"].as_array().unwrap().len(), 0);
    assert_eq!(env.git(&dir, &["log", "--format=%s"]), "First\n");
    assert_eq!(
        env.atomic_json(&dir, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn init_adopts_an_existing_git_repository() {
    let env = TestEnv::new();
    let src = env.history("src");
    let before = env.git(&src, &["status", "--porcelain"]);
    let out = env.atomic_json(&src, &["init"]);
    assert_eq!(out["commits_imported"], 14);
    assert_eq!(env.git(&src, &["status", "--porcelain"]), before);
    assert_eq!(
        env.atomic_json(&src, &["doctor"])["problems"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// Shell completions load in bash and name the commands; man pages are written for every
/// command, from the same definitions as `--help`.
#[test]
fn completions_and_man_pages_come_from_the_command_line() {
    let env = TestEnv::new();
    let top = env.path("");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = env.atomic_ok(&top, &["completions", shell]);
        for word in ["restore", "session", "merge-file"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    let out = env
        .sh_cmd(
            &top,
            "bash -c 'source <(\"$ATOMIC\" completions bash) && complete -p atomic'",
        )
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("-F _atomic atomic"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = env.atomic_json(&top, &["man", "man1"]);
    let names: Vec<&str> = pages["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for page in [
        "atomic.1",
        "atomic-record.1",
        "atomic-session-new.1",
        "atomic-undo.1",
    ] {
        assert!(names.contains(&page), "{names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("-help")), "{names:?}");
    let record = std::fs::read_to_string(top.join("man1/atomic-record.1")).unwrap();
    assert!(
        record.starts_with(".ie") || record.contains(".TH"),
        "{record}"
    );
}

/// After `atomic clone`, the default branch tracks origin's as after `git clone`: `git
/// status` counts ahead and behind, and `git pull` works.
#[test]
fn a_clone_tracks_its_origin_as_git_clone_does() {
    let (env, src, repo) = setup();
    let git_clone = env.path("g");
    env.git(
        &env.path(""),
        &[
            "clone",
            "-q",
            src.to_str().unwrap(),
            git_clone.to_str().unwrap(),
        ],
    );
    for key in ["branch.main.remote", "branch.main.merge"] {
        assert_eq!(
            env.git(&repo, &["config", key]),
            env.git(&git_clone, &["config", key]),
            "{key}"
        );
    }
    std::fs::write(repo.join("ahead.txt"), "ahead\n").unwrap();
    env.atomic_ok(&repo, &["record", "-m", "Ahead"]);
    let status = env.git(&repo, &["status", "-sb"]);
    assert!(status.contains("[ahead 1]"), "{status}");
    env.git(&repo, &["pull", "-q", "--ff-only"]);
}

/// `-q` silences status messages and progress on stderr, and nothing else: results still
/// go to stdout and errors to stderr (as git's `-q`).
#[test]
fn quiet_silences_status_lines_only() {
    let (env, src, _) = setup();
    let stderr = |args: &[&str]| {
        let out = env.atomic(&env.path(""), args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, said) = stderr(&["clone", src.to_str().unwrap(), "loud"]);
    assert_eq!(code, Some(0));
    assert!(said.contains("Cloning"), "{said}");
    assert_eq!(
        stderr(&["-q", "clone", src.to_str().unwrap(), "hushed"]),
        (Some(0), String::new())
    );
    for (name, text) in [("base", "a\n"), ("ours", "b\n"), ("theirs", "c\n")] {
        std::fs::write(env.path(name), text).unwrap();
    }
    let (code, said) = stderr(&["merge-file", "-p", "ours", "base", "theirs"]);
    assert_eq!(code, Some(1));
    assert!(said.contains("conflict"), "{said}");
    let out = env.atomic(
        &env.path(""),
        &["-q", "merge-file", "-p", "ours", "base", "theirs"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<<<<<<<"));
    // Errors are not status lines.
    let (code, said) = stderr(&["-q", "log", "-R", "/nonexistent"]);
    assert_eq!(code, Some(1));
    assert!(said.contains("error"), "{said}");
}
