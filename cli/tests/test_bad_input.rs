//! Bad input: a clear error, a non-zero exit, the source untouched, nothing half-written.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, snapshot};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn cloning_a_path_that_is_not_a_git_repository() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path("plain")).unwrap();
    std::fs::write(env.path("plain/file.txt"), "x").unwrap();
    let out = env.atomic(&env.path(""), &["clone", "plain", "dest"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a git repository"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("hint:"));
    assert!(!env.path("dest").exists());
}

#[test]
fn commands_outside_a_repository_say_where_to_start() {
    let env = TestEnv::new();
    let out = env.atomic(&env.path(""), &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no atomic repository"),
        "{}",
        stderr(&out)
    );
    let json = env.atomic(&env.path(""), &["--json", "log"]);
    let err: serde_json::Value = serde_json::from_slice(&json.stderr).expect("a JSON error");
    assert_eq!(err["error"]["code"], 1);
}

#[test]
fn cloning_into_a_non_empty_directory() {
    let env = TestEnv::new();
    let src = env.history("src");
    std::fs::create_dir(env.path("taken")).unwrap();
    std::fs::write(env.path("taken/keep.txt"), "mine").unwrap();
    let out = env.atomic(&env.path(""), &["clone", src.to_str().unwrap(), "taken"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not an empty directory"));
    assert_eq!(std::fs::read_dir(env.path("taken")).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_to_string(env.path("taken/keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn initializing_twice() {
    let env = TestEnv::new();
    let src = env.history("src");
    env.atomic_ok(&src, &["init"]);
    let out = env.atomic(&src, &["init"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already an atomic repository"));
    assert_eq!(env.atomic_json(&src, &["doctor"])["changes"], 14);
}

/// Builds a repository with loose objects and damages the blob of `damaged.txt`.
fn damaged_repo(env: &TestEnv, name: &str, corrupt: bool) -> std::path::PathBuf {
    let repo = env.path(name);
    env.git(&env.path(""), &["init", "-q", "-b", "main", name]);
    std::fs::write(repo.join("ok.txt"), "fine\n").unwrap();
    std::fs::write(repo.join("damaged.txt"), "this blob will be damaged\n").unwrap();
    env.git(&repo, &["add", "."]);
    env.git(&repo, &["commit", "-q", "-m", "Two files"]);
    let blob = env
        .git(&repo, &["rev-parse", "HEAD:damaged.txt"])
        .trim()
        .to_owned();
    let object = repo.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    if corrupt {
        let mut perms = std::fs::metadata(&object).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&object, perms).unwrap();
        std::fs::write(&object, b"not a zlib stream").unwrap();
    } else {
        std::fs::remove_file(&object).unwrap();
    }
    repo
}

fn assert_refused_and_untouched(env: &TestEnv, repo: &Path) {
    let before = snapshot(repo);
    let out = env.atomic(&env.path(""), &["clone", repo.to_str().unwrap(), "dest"]);
    assert!(
        !out.status.success(),
        "clone of a damaged repository must fail"
    );
    assert!(!stderr(&out).is_empty());
    assert!(!env.path("dest").exists(), "nothing half-written");
    let out = env.atomic(repo, &["init"]);
    assert!(
        !out.status.success(),
        "adopting a damaged repository must fail"
    );
    assert!(stderr(&out).contains("error:"), "{}", stderr(&out));
    assert!(!repo.join(".atomic").exists(), "nothing half-written");
    assert_eq!(snapshot(repo), before, "the source is untouched");
}

#[test]
fn a_missing_object_is_refused() {
    let env = TestEnv::new();
    let repo = damaged_repo(&env, "missing", false);
    assert_refused_and_untouched(&env, &repo);
}

#[test]
fn a_corrupt_object_is_refused() {
    let env = TestEnv::new();
    let repo = damaged_repo(&env, "corrupt", true);
    assert_refused_and_untouched(&env, &repo);
}

/// Starts `atomic clone` of a long history and waits until its import holds the store.
fn start_long_clone(env: &TestEnv) -> std::process::Child {
    let big = env.path("big");
    env.script("big-history.sh", &[big.to_str().unwrap(), "20000"]);
    let child = env
        .atomic_cmd(&env.path(""), &["clone", big.to_str().unwrap(), "dest"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("atomic starts");
    let current = env.path("dest/.atomic/store/CURRENT");
    let started = Instant::now();
    while !current.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the import never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

#[test]
fn a_second_command_during_an_import_gets_a_clear_error() {
    let env = TestEnv::new();
    let mut clone = start_long_clone(&env);
    let out = env
        .atomic_cmd(&env.path(""), &["-R", "dest", "log"])
        .env("ATOMIC_LOCK_TIMEOUT_MS", "200")
        .output()
        .unwrap();
    assert!(
        clone.try_wait().unwrap().is_none(),
        "the history is too short to overlap the import"
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("in use by another atomic process"),
        "{}",
        stderr(&out)
    );
    assert!(clone.wait().unwrap().success());
    assert_eq!(
        env.atomic_json(&env.path("dest"), &["doctor"])["changes"],
        20000
    );
}

#[test]
fn an_interrupted_import_is_refused_then_resumed() {
    let env = TestEnv::new();
    let mut clone = start_long_clone(&env);
    clone.kill().unwrap();
    clone.wait().unwrap();
    let dest = env.path("dest");
    let out = env.atomic(&dest, &["log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("did not finish"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("git import"),
        "the hint says how to resume"
    );
    env.atomic_ok(&dest, &["git", "import"]);
    let doctor = env.atomic_json(&dest, &["doctor"]);
    assert_eq!(doctor["changes"], 20000);
    assert_eq!(doctor["problems"].as_array().unwrap().len(), 0, "{doctor}");
    assert_eq!(
        env.atomic_json(&dest, &["status"])["changes"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(env.git(&dest, &["status", "--porcelain"]), "");
}
