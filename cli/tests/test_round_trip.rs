//! The bridge round trip: git history → atomic clone → git clone, identical.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::TestEnv;

fn all_commits(env: &TestEnv, repo: &Path) -> BTreeSet<String> {
    env.git(repo, &["log", "--all", "--format=%H"])
        .lines()
        .map(str::to_owned)
        .collect()
}

fn tags(env: &TestEnv, repo: &Path) -> String {
    env.git(
        repo,
        &[
            "for-each-ref",
            "--format=%(refname) %(objectname)",
            "refs/tags",
        ],
    )
}

#[test]
fn clone_then_git_clone_keeps_every_commit_and_tree() {
    let env = TestEnv::new();
    let src = env.history("src");
    env.atomic_ok(
        env.path("").as_path(),
        &["clone", src.to_str().unwrap(), "atomic-repo"],
    );
    let atomic_repo = env.path("atomic-repo");
    env.git(
        &env.path(""),
        &["clone", "-q", atomic_repo.to_str().unwrap(), "git-clone"],
    );
    let git_clone = env.path("git-clone");

    let expected = all_commits(&env, &src);
    assert_eq!(expected.len(), 14, "the fixture's commit count");
    assert_eq!(all_commits(&env, &atomic_repo), expected);
    assert_eq!(all_commits(&env, &git_clone), expected);
    for commit in &expected {
        let tree = |repo: &Path| env.git(repo, &["rev-parse", &format!("{commit}^{{tree}}")]);
        assert_eq!(tree(&git_clone), tree(&src), "tree of {commit}");
    }
    assert_eq!(
        tags(&env, &git_clone),
        tags(&env, &src),
        "tags, annotated ones by tag object"
    );

    // atomic and git agree about the working tree and history.
    assert_eq!(env.git(&atomic_repo, &["status", "--porcelain"]), "");
    let status = env.atomic_json(&atomic_repo, &["status"]);
    assert_eq!(status["changes"].as_array().unwrap().len(), 0, "{status}");
    assert_eq!(status["branch"], "main");
    let log = env.atomic_json(&atomic_repo, &["log"]);
    let git_log: Vec<String> = env
        .git(&atomic_repo, &["log", "--format=%H"])
        .lines()
        .map(str::to_owned)
        .collect();
    let atomic_log: Vec<String> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["commit"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        atomic_log.iter().collect::<BTreeSet<_>>(),
        git_log.iter().collect::<BTreeSet<_>>()
    );
    assert_eq!(atomic_log.first(), git_log.first());

    let doctor = env.atomic_json(&atomic_repo, &["doctor"]);
    assert_eq!(doctor["changes"], 14);
    assert_eq!(doctor["problems"].as_array().unwrap().len(), 0, "{doctor}");
}

#[test]
fn changes_describe_renames_binaries_modes_and_merges() {
    let env = TestEnv::new();
    let src = env.history("src");
    env.atomic_ok(&env.path(""), &["clone", src.to_str().unwrap(), "a"]);
    let repo = env.path("a");
    let show = |rev: &str| env.atomic_json(&repo, &["show", rev]);

    let rename = show(env.git(&src, &["rev-parse", "feature~1"]).trim());
    let file = &rename["files"][0];
    assert_eq!(file["path"], "GUIDE.md");
    assert_eq!(file["kind"], "renamed");
    assert_eq!(file["from"], "README.md");

    let binary = show("feature");
    assert_eq!(binary["files"][0]["binary"], true);

    let mode = show("main~2");
    let build = mode["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "build.sh")
        .expect("build.sh changed");
    assert_eq!(build["old"]["mode"], "executable");
    assert_eq!(build["new"]["mode"], "blob");
    assert_eq!(build["kind"], "mode");

    let merge = show("main");
    assert_eq!(merge["parents"].as_array().unwrap().len(), 2);
    assert_eq!(merge["message"], "Merge branch 'feature'\n");

    let link = show("v0.1~3");
    assert_eq!(link["files"][0]["new"]["mode"], "symlink");
}
