//! git's arguments where a git user reaches for them, each compared with git itself on the
//! same repository.

use std::path::{Path, PathBuf};

use crate::common::TestEnv;

/// A repository with three recorded versions of src/lib.rs and docs/a.md, and an
/// uncommitted edit.
fn repo(env: &TestEnv) -> PathBuf {
    let dir = env.path("r");
    env.atomic_ok(&env.path(""), &["init", dir.to_str().unwrap()]);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    let lib =
        |n: u32| format!("pub fn a() -> u32 {{\n    {n}\n}}\n\npub fn b() -> u32 {{\n    2\n}}\n");
    std::fs::write(dir.join("src/lib.rs"), lib(1)).unwrap();
    std::fs::write(dir.join("docs/a.md"), "# A\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "One"]);
    std::fs::write(dir.join("src/lib.rs"), lib(10)).unwrap();
    std::fs::write(dir.join("docs/b.md"), "# B\n").unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Ten"]);
    std::fs::write(dir.join("src/lib.rs"), lib(100)).unwrap();
    std::fs::remove_file(dir.join("docs/a.md")).unwrap();
    env.atomic_ok(&dir, &["record", "-m", "Hundred"]);
    std::fs::write(dir.join("src/lib.rs"), lib(1000)).unwrap();
    dir
}

/// git's diff without its `index` lines (atomic prints none), histogram algorithm as
/// atomic's.
fn git_diff(env: &TestEnv, dir: &Path, args: &[&str]) -> String {
    let out = env.git(
        dir,
        &[&["diff", "--no-color", "--diff-algorithm=histogram"], args].concat(),
    );
    out.lines()
        .filter(|l| !l.starts_with("index "))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn atomic_diff(env: &TestEnv, dir: &Path, args: &[&str]) -> String {
    env.atomic_ok(dir, &[&["--color", "never", "diff"], args].concat())
}

#[test]
fn diff_takes_revisions_ranges_and_paths_as_git_does() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let cases: &[&[&str]] = &[
        &[],
        &["HEAD~1"],
        &["HEAD~2", "HEAD"],
        &["HEAD~2..HEAD~1"],
        &["HEAD~2", "--", "docs"],
        &["HEAD~2", "src/lib.rs"],
    ];
    for args in cases {
        let want = git_diff(&env, &dir, args);
        assert!(!want.is_empty(), "{args:?}: git shows a diff");
        assert_eq!(atomic_diff(&env, &dir, args), want, "atomic diff {args:?}");
    }
    insta::assert_snapshot!("diff_rev_rev", atomic_diff(&env, &dir, &["HEAD~2", "HEAD"]));
    // From a subdirectory, paths are relative to it.
    let src = dir.join("src");
    let from_src = atomic_diff(&env, &src, &["HEAD~2", "lib.rs"]);
    assert_eq!(from_src, git_diff(&env, &src, &["HEAD~2", "lib.rs"]));
    insta::assert_snapshot!("diff_from_a_subdirectory", from_src);
    // --stat and --name-only, as git prints them.
    for args in [
        &[][..],
        &["HEAD~2"][..],
        &["HEAD~2", "HEAD"][..],
        &["HEAD~1", "--", "docs"][..],
    ] {
        for flag in ["--stat", "--name-only"] {
            let all = [&[flag][..], args].concat();
            assert_eq!(
                atomic_diff(&env, &dir, &all),
                env.git(
                    &dir,
                    &[
                        &["diff", "--no-color", "--diff-algorithm=histogram"][..],
                        &all
                    ]
                    .concat()
                ),
                "atomic diff {all:?}"
            );
        }
    }
    insta::assert_snapshot!("diff_stat", atomic_diff(&env, &dir, &["--stat", "HEAD~2"]));
    // A word that is neither a revision nor a path is an error, as in git.
    let out = env.atomic(&dir, &["--json", "diff", "no-such-thing"]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "bad_revision_or_path");
    assert!(
        !env.git_cmd(&dir, &["diff", "no-such-thing"])
            .output()
            .unwrap()
            .status
            .success()
    );
}

/// The commits `atomic log ARGS` lists, oldest last, as git ids.
fn atomic_commits(env: &TestEnv, dir: &Path, args: &[&str]) -> Vec<String> {
    env.atomic_json(dir, &[&["log"], args].concat())
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["commit"].as_str().unwrap().to_owned())
        .collect()
}

fn git_commits(env: &TestEnv, dir: &Path, args: &[&str]) -> Vec<String> {
    env.git(dir, &[&["log", "--format=%H"], args].concat())
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn log_takes_ranges_paths_authors_and_patches_as_git_does() {
    let env = TestEnv::new();
    let dir = repo(&env);
    // A commit by someone else, made with git.
    std::fs::write(dir.join("docs/c.md"), "# C\n").unwrap();
    env.git(&dir, &["add", "docs/c.md"]);
    env.git(
        &dir,
        &[
            "-c",
            "user.name=Other",
            "-c",
            "user.email=other@example.com",
            "commit",
            "-q",
            "--author=Other <other@example.com>",
            "-m",
            "C",
        ],
    );
    let cases: &[&[&str]] = &[
        &[],
        &["HEAD~3..HEAD~1"],
        &["HEAD", "^HEAD~2"],
        &["--", "docs"],
        &["--", "docs/a.md"],
        &["--author", "Other"],
        &["--reverse"],
        &["-n", "2", "--reverse"],
    ];
    for args in cases {
        assert_eq!(
            atomic_commits(&env, &dir, args),
            git_commits(&env, &dir, args),
            "atomic log {args:?}"
        );
    }
    // From a subdirectory, the path is relative to it.
    let docs = dir.join("docs");
    assert_eq!(
        atomic_commits(&env, &docs, &["--", "a.md"]),
        git_commits(&env, &docs, &["--", "a.md"])
    );
    // -p: each commit's diff, as git log -p prints it (atomic has no index lines).
    let diffs = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| {
                [
                    "diff --git",
                    "---",
                    "+++",
                    "@@",
                    "+",
                    "-",
                    " ",
                    "new file",
                    "deleted file",
                ]
                .iter()
                .any(|p| l.starts_with(p))
                    && !l.starts_with("    ")
            })
            .map(str::to_owned)
            .collect()
    };
    let atomic = env.atomic_ok(&dir, &["--color", "never", "log", "-p"]);
    let git = env.git(
        &dir,
        &["log", "-p", "--no-color", "--diff-algorithm=histogram"],
    );
    assert_eq!(diffs(&atomic), diffs(&git));
    assert!(atomic.contains("+# C"), "{atomic}");
    insta::assert_snapshot!("log_patch", atomic);
}

/// On a terminal, log, show and diff go through the pager (`script` gives them one), as
/// git's do; not with --no-pager, not into a pipe, not with --json.
#[test]
fn log_show_and_diff_page_on_a_terminal_only() {
    let env = TestEnv::new();
    let dir = repo(&env);
    let on_a_terminal = |args: &str| -> String {
        let out = env
            .sh_cmd(&dir, &format!("script -qec \"$ATOMIC {args}\" /dev/null"))
            .env("ATOMIC_PAGER", "sed s/^/PAGED:/")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for command in ["log --oneline", "show", "diff"] {
        assert!(on_a_terminal(command).contains("PAGED:"), "{command}");
        assert!(!on_a_terminal(&format!("--no-pager {command}")).contains("PAGED:"));
    }
    assert!(!on_a_terminal("--json log").contains("PAGED:"));
    let piped = env
        .atomic_cmd(&dir, &["log", "--oneline"])
        .env("ATOMIC_PAGER", "sed s/^/PAGED:/")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stdout).contains("PAGED:"));
    // git's order: GIT_PAGER, then core.pager, then PAGER.
    env.git(&dir, &["config", "core.pager", "sed s/^/CORE:/"]);
    let paged_by = |vars: &[(&str, &str)]| -> String {
        let mut cmd = env.sh_cmd(&dir, "script -qec \"$ATOMIC log --oneline\" /dev/null");
        cmd.env_remove("ATOMIC_PAGER").env_remove("GIT_PAGER");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned();
        ["GIT:", "CORE:", "PAGER:"]
            .into_iter()
            .find(|p| out.contains(p))
            .unwrap_or("none")
            .to_owned()
    };
    assert_eq!(paged_by(&[("PAGER", "sed s/^/PAGER:/")]), "CORE:");
    assert_eq!(
        paged_by(&[("PAGER", "sed s/^/PAGER:/"), ("GIT_PAGER", "sed s/^/GIT:/")]),
        "GIT:"
    );
    env.git(&dir, &["config", "--unset", "core.pager"]);
    assert_eq!(paged_by(&[("PAGER", "sed s/^/PAGER:/")]), "PAGER:");
}

/// `atomic tag` lists, creates and deletes lightweight tags that git sees as its own.
#[test]
fn tags_are_made_listed_and_deleted_as_git_does() {
    let env = TestEnv::new();
    let dir = repo(&env);
    env.atomic_ok(&dir, &["tag", "v1", "HEAD~2"]);
    env.atomic_ok(&dir, &["tag", "v2"]);
    env.git(&dir, &["tag", "v3", "HEAD~1"]);
    assert_eq!(
        env.git(&dir, &["rev-parse", "v1"]),
        env.git(&dir, &["rev-parse", "HEAD~2"])
    );
    let listed: Vec<String> = env
        .atomic_json(&dir, &["tag"])
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, env.git(&dir, &["tag"]).lines().collect::<Vec<_>>());
    let again = env.atomic(&dir, &["--json", "tag", "v1"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("tag_exists"));
    insta::assert_snapshot!("tag_list", env.atomic_ok(&dir, &["tag"]));
    insta::assert_snapshot!("tag_delete", env.atomic_ok(&dir, &["tag", "-d", "v1"]));
    assert_eq!(env.git(&dir, &["tag"]), "v2\nv3\n");
    // A tag is a revision like any other.
    assert_eq!(
        env.atomic_json(&dir, &["show", "v3"])["commit"],
        env.git(&dir, &["rev-parse", "HEAD~1"]).trim()
    );
}

/// `record PATHS` records only the changes under them, as `git commit PATHS`; the rest
/// stays in the working tree.
#[test]
fn record_takes_paths_as_git_commit_does() {
    let env = TestEnv::new();
    let dir = repo(&env);
    std::fs::write(dir.join("docs/b.md"), "# B, edited\n").unwrap();
    std::fs::write(dir.join("src/new.rs"), "pub fn n() {}\n").unwrap();
    // From src/, `.` is src: its edit and its new file, not the docs.
    insta::assert_snapshot!(
        "record_paths",
        env.atomic_ok(&dir.join("src"), &["record", "-m", "Only src", "."])
    );
    assert_eq!(
        env.git(&dir, &["show", "--format=", "--name-only", "HEAD"]),
        "src/lib.rs\nsrc/new.rs\n"
    );
    let left: Vec<String> = env.atomic_json(&dir, &["status"])["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(left, ["docs/b.md"]);
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), " M docs/b.md\n");
    // A path that names nothing is refused, as git does.
    let out = env.atomic(&dir, &["--json", "record", "-m", "x", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pathspec_no_match"));
    env.atomic_ok(&dir, &["record", "-m", "Docs", "docs/b.md"]);
    assert!(
        env.atomic_json(&dir, &["status"])["changes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// `switch -c NAME START` starts the new branch where git's would.
#[test]
fn switch_creates_a_branch_at_a_start_point() {
    let env = TestEnv::new();
    let dir = repo(&env);
    env.atomic_ok(&dir, &["restore", "."]);
    env.atomic_ok(&dir, &["tag", "first", "HEAD~2"]);
    env.atomic_ok(&dir, &["switch", "-c", "from-tag", "first"]);
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD"]),
        env.git(&dir, &["rev-parse", "first"])
    );
    assert_eq!(
        env.git(&dir, &["symbolic-ref", "--short", "HEAD"]),
        "from-tag\n"
    );
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
    // A start point without -c is a usage error, as git's.
    assert_eq!(
        env.atomic(&dir, &["switch", "main", "first"]).status.code(),
        Some(2)
    );
}

/// `switch --detach` to a tag or a commit leaves HEAD and the files as `git switch
/// --detach` does; switching to a tag without it is refused with the way to do it.
#[test]
fn switch_detach_checks_out_a_revision_as_git_does() {
    let env = TestEnv::new();
    let dir = repo(&env);
    env.atomic_ok(&dir, &["restore", "."]);
    env.atomic_ok(&dir, &["tag", "first", "HEAD~2"]);
    let twin = env.path("twin");
    env.git(
        &env.path(""),
        &["clone", "-q", dir.to_str().unwrap(), twin.to_str().unwrap()],
    );
    env.git(&twin, &["switch", "-q", "--detach", "first"]);
    let refused = env.atomic(&dir, &["switch", "first"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("atomic switch --detach"),
        "{refused:?}"
    );
    let out = env.atomic_ok(&dir, &["switch", "--detach", "first"]);
    insta::assert_snapshot!(out, @"HEAD is now at bfd7db09b305 (detached)");
    assert_eq!(
        env.git(&dir, &["rev-parse", "HEAD"]),
        env.git(&twin, &["rev-parse", "HEAD"])
    );
    // Detached, as git's: no symbolic HEAD.
    assert!(
        !env.git_cmd(&dir, &["symbolic-ref", "-q", "HEAD"])
            .status()
            .unwrap()
            .success()
    );
    for f in ["src/lib.rs", "docs/a.md"] {
        assert_eq!(
            std::fs::read(dir.join(f)).unwrap(),
            std::fs::read(twin.join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(!dir.join("docs/b.md").exists());
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
    // Recording needs a branch; the error says how to make one here.
    std::fs::write(dir.join("docs/a.md"), "# A, edited\n").unwrap();
    let e = env.atomic(&dir, &["record", "-m", "x"]);
    assert_eq!(e.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&e.stderr).contains("atomic switch -c"),
        "{e:?}"
    );
    env.atomic_ok(&dir, &["restore", "."]);
    // A commit id works too, and back to a branch.
    let head_1 = env.git(&dir, &["rev-parse", "main~1"]);
    env.atomic_ok(&dir, &["switch", "--detach", head_1.trim()]);
    assert_eq!(env.git(&dir, &["rev-parse", "HEAD"]), head_1);
    env.atomic_ok(&dir, &["switch", "main"]);
    assert_eq!(
        env.git(&dir, &["symbolic-ref", "--short", "HEAD"]),
        "main\n"
    );
}

/// `log --date` and `show --date` print what git prints for the same commits, relative
/// dates included (both count back from `GIT_TEST_DATE_NOW`).
#[test]
fn dates_are_shown_as_git_shows_them() {
    let env = TestEnv::new();
    let dir = repo(&env);
    env.atomic_ok(&dir, &["restore", "."]);
    let now: i64 = 1_750_000_000;
    // Commits at ages that cross each of git's wording thresholds.
    let ages = [
        30,
        89,
        90,
        3_000,
        5_399,
        5_400,
        100_000,
        129_599,
        129_600,
        1_000_000,
        1_209_600,
        5_000_000,
        6_048_000,
        20_000_000,
        31_535_999,
        31_536_000,
        40_000_000,
        100_000_000,
        157_680_000,
        300_000_000,
    ];
    for (i, age) in ages.iter().enumerate() {
        std::fs::write(dir.join("docs/age.md"), format!("{age}\n")).unwrap();
        env.git(&dir, &["add", "docs/age.md"]);
        let date = format!("@{} +0530", now - age);
        let out = env
            .git_cmd(&dir, &["commit", "-q", "-m", &format!("age {i}")])
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let dates = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix("Date:"))
            .map(|d| d.trim().to_owned())
            .collect()
    };
    for style in ["default", "relative", "iso", "short", "unix"] {
        let flag = format!("--date={style}");
        let atomic = env
            .atomic_cmd(&dir, &["--no-pager", "log", &flag])
            .env("GIT_TEST_DATE_NOW", now.to_string())
            .output()
            .unwrap();
        let git = env
            .git_cmd(&dir, &["log", &flag])
            .env("GIT_TEST_DATE_NOW", now.to_string())
            .output()
            .unwrap();
        let (atomic, git) = (
            dates(&String::from_utf8_lossy(&atomic.stdout)),
            dates(&String::from_utf8_lossy(&git.stdout)),
        );
        assert_eq!(atomic.len(), ages.len() + 3, "{style}");
        assert_eq!(atomic, git, "--date={style}");
        if style == "relative" {
            insta::assert_snapshot!(atomic.join("\n"));
        }
    }
    let show = env
        .atomic_cmd(&dir, &["--no-pager", "show", "--date=relative", "HEAD~3"])
        .env("GIT_TEST_DATE_NOW", now.to_string())
        .output()
        .unwrap();
    let git_show = env
        .git_cmd(&dir, &["show", "--date=relative", "HEAD~3"])
        .env("GIT_TEST_DATE_NOW", now.to_string())
        .output()
        .unwrap();
    assert_eq!(
        dates(&String::from_utf8_lossy(&show.stdout)),
        dates(&String::from_utf8_lossy(&git_show.stdout))
    );
    assert_eq!(
        dates(&String::from_utf8_lossy(&show.stdout)),
        ["1 year, 3 months ago"]
    );
}

/// `push -u`, `--tags`, a tag by name and `-f`, each leaving the remote as git's would.
#[test]
fn push_takes_gits_flags() {
    let env = TestEnv::new();
    let dir = repo(&env);
    env.atomic_ok(&dir, &["restore", "."]);
    let remote = env.path("remote.git");
    env.git(
        &env.path(""),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    env.atomic_ok(&dir, &["remote", "add", "origin", remote.to_str().unwrap()]);
    env.atomic_ok(&dir, &["push", "-u", "origin", "main"]);
    assert_eq!(env.git(&dir, &["config", "branch.main.remote"]), "origin\n");
    assert_eq!(
        env.git(&dir, &["config", "branch.main.merge"]),
        "refs/heads/main\n"
    );
    env.atomic_ok(&dir, &["tag", "v1", "HEAD~1"]);
    env.atomic_ok(&dir, &["tag", "v2"]);
    env.atomic_ok(&dir, &["push", "origin", "v1"]);
    assert_eq!(env.git(&remote, &["tag"]), "v1\n");
    env.atomic_ok(&dir, &["push", "--tags", "origin"]);
    assert_eq!(env.git(&remote, &["tag"]), "v1\nv2\n");
    // A branch moved back locally: a plain push is refused, -f overwrites.
    env.atomic_ok(&dir, &["branch", "topic"]);
    env.atomic_ok(&dir, &["push", "origin", "topic"]);
    env.atomic_ok(&dir, &["branch", "-D", "topic"]);
    env.atomic_ok(&dir, &["branch", "topic", "HEAD~2"]);
    assert_ne!(
        env.atomic(&dir, &["push", "origin", "topic"]).status.code(),
        Some(0)
    );
    let forced = env.atomic_ok(&dir, &["push", "-f", "origin", "topic"]);
    insta::assert_snapshot!(
        "push_force",
        forced.replace(remote.to_str().unwrap(), "<remote>")
    );
    assert_eq!(
        env.git(&remote, &["rev-parse", "topic"]),
        env.git(&dir, &["rev-parse", "HEAD~2"])
    );
}

/// Branch and tag names are checked as git checks them: what git refuses is a user error.
#[test]
fn names_git_refuses_are_refused() {
    let env = TestEnv::new();
    let dir = repo(&env);
    for name in ["a..b", "x y", "end.lock", ".dot", "trailing/", "t~1", "q?"] {
        assert!(
            !env.git_cmd(&dir, &["check-ref-format", "--branch", name])
                .output()
                .unwrap()
                .status
                .success(),
            "git takes {name}"
        );
        for args in [["branch", name], ["tag", name]] {
            let out = env.atomic(&dir, &[&["--json"], &args[..]].concat());
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(String::from_utf8_lossy(&out.stderr).contains("bad_ref_name"));
        }
    }
    assert!(env.git(&dir, &["branch", "--list"]).lines().count() == 1);
}

/// `atomic log --graph` prints the history as `git log --graph` does, line for line, on a
/// history with branches, merges, an octopus merge, a rename and (second round) one
/// commit time for all, with the flags a git user combines with it.
#[test]
fn log_graph_draws_the_history_as_git_does() {
    let env = TestEnv::new();
    // atomic names changes where git names commits: compare in git's words.
    let as_git = |text: &str| -> String {
        text.lines()
            .map(|l| {
                let graph_end = l
                    .find(|c: char| !"*|/\\_ .-".contains(c))
                    .unwrap_or(l.len());
                let (graph, rest) = l.split_at(graph_end);
                let rest = if let Some(commit) = rest
                    .strip_prefix("change ")
                    .and_then(|r| r.split_once(" (commit "))
                    .map(|(_, c)| c.trim_end_matches(')'))
                {
                    format!("commit {commit}")
                } else if rest.starts_with("Merge: ") {
                    "Merge:".to_owned()
                } else {
                    // `--oneline`: change id, commit id (12 digits), subject.
                    let words: Vec<&str> = rest.splitn(3, ' ').collect();
                    match words.as_slice() {
                        [change, commit, subject]
                            if change.len() == 12
                                && commit.len() == 12
                                && commit.chars().all(|c| c.is_ascii_hexdigit()) =>
                        {
                            format!("{} {subject}", &commit[..7])
                        }
                        _ => rest.to_owned(),
                    }
                };
                format!("{graph}{rest}\n")
            })
            .collect()
    };
    let git_log = |dir: &Path, args: &[&str]| -> String {
        let out = env.git(
            dir,
            &[
                &["log", "--graph", "--no-color", "--diff-algorithm=histogram"][..],
                args,
            ]
            .concat(),
        );
        out.lines()
            .filter(|l| {
                // atomic prints no blob ids, and a rename's similarity only when exact.
                let text = l.trim_start_matches(|c: char| "|/\\ ".contains(c));
                let inexact =
                    text.starts_with("similarity index ") && text != "similarity index 100%";
                !text.starts_with("index ") && !inexact
            })
            .map(|l| {
                if l.trim_start_matches(|c: char| "*|/\\_ .-".contains(c))
                    .starts_with("Merge: ")
                {
                    let graph_end = l.find("Merge: ").unwrap();
                    format!("{}Merge:\n", &l[..graph_end])
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    };
    let cases: &[&[&str]] = &[
        &["--oneline"],
        &[],
        &["--oneline", "--all"],
        &["--oneline", "side..main"],
        &["--oneline", "-n", "5"],
        &["--oneline", "--stat"],
        &["--stat", "-p"],
        &["-p", "--", "y"],
        &["--oneline", "--", "s"],
        &["--oneline", "--", "s", "l"],
        &["--oneline", "--author=nobody"],
    ];
    for step in ["60", "0"] {
        let dir = env.path(&format!("branchy-{step}"));
        env.script("branchy.sh", &[dir.to_str().unwrap(), step]);
        env.atomic_ok(&dir, &["init", "."]);
        for args in cases {
            let atomic = env.atomic_ok(
                &dir,
                &[
                    &["--no-pager", "--color", "never", "log", "--graph"][..],
                    args,
                ]
                .concat(),
            );
            assert_eq!(
                as_git(&atomic),
                git_log(&dir, args),
                "log --graph {args:?}, step {step}"
            );
        }
        if step == "60" {
            let drawn = env.atomic_ok(&dir, &["--color", "never", "log", "--graph", "--oneline"]);
            insta::assert_snapshot!("log_graph_oneline", as_git(&drawn));
        }
    }
    // As git: --graph and --reverse do not go together.
    let out = env.atomic(&env.path("branchy-0"), &["log", "--graph", "--reverse"]);
    assert_eq!(out.status.code(), Some(2));
}
