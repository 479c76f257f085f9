//! Review comments and the owner token, on a real git repository and a real store.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use atomic_repo::{NoProgress, OpenOptions, Repo, RepoError, SessionError};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const LIB: &str = "pub fn a() -> u32 {\n    1\n}\n";

#[test]
fn comments_live_with_their_session_and_the_owner_token_acts_on_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    std::fs::create_dir(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("lib.rs"), LIB).unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    let (repo, _) = Repo::init(&dir, &OpenOptions::default(), &NoProgress).unwrap();
    let (s, token) = repo.session_new("ana", None, None, false).unwrap();
    repo.session_write(
        &s.id,
        &token,
        "lib.rs",
        None,
        LIB.replace('1', "10").as_bytes(),
    )
    .unwrap();
    let c = repo
        .session_comment(&s.id, &token, "lib.rs", 2, "why ten?", "ben")
        .unwrap();
    assert_eq!(
        repo.session_status(&s.id, &token).unwrap().comments,
        vec![c]
    );

    // The owner token passes only while it is set.
    let owner = "0f".repeat(32);
    let bad_token = |r: Result<_, RepoError>| {
        matches!(r, Err(RepoError::Session(SessionError::BadToken { .. })))
    };
    assert!(bad_token(repo.session_status(&s.id, &owner)));
    repo.set_owner_token(Some(&owner)).unwrap();
    assert_eq!(repo.session_status(&s.id, &owner).unwrap().session_id, s.id);
    repo.session_comment(&s.id, &owner, "lib.rs", 1, "from the dashboard", "me")
        .unwrap();
    assert!(bad_token(repo.session_status(&s.id, "another")));
    repo.set_owner_token(None).unwrap();
    assert!(bad_token(repo.session_status(&s.id, &owner)));

    // Closing the session removes its comments from the store.
    repo.session_close(&s.id, &token).unwrap();
    drop(repo);
    let store =
        atomic_store::Store::open(&dir.join(".atomic").join("store"), Duration::from_secs(10))
            .unwrap();
    let left = store.list(atomic_session::tables::COMMENTS, b"").unwrap();
    assert!(left.is_empty(), "{left:?}");
}
