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
    // From a subdirectory, paths are relative to it.
    let src = dir.join("src");
    assert_eq!(
        atomic_diff(&env, &src, &["HEAD~2", "lib.rs"]),
        git_diff(&env, &src, &["HEAD~2", "lib.rs"])
    );
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
