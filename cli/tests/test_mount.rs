//! Sessions as directories: real FUSE mounts served by a real `atomic serve`, edited with
//! plain tools (`sed -i`, `mv`, `chmod`, Python), read back with `git` and `atomic`.
//!
//! These tests need `/dev/fuse` (CI installs `fuse3`); without it they fail and say so.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::common::TestEnv;
use crate::test_serve::{start, start_with, stop};

fn require_fuse() {
    assert!(
        Path::new("/dev/fuse").exists(),
        "these tests need FUSE: /dev/fuse is missing (apt-get install fuse3; in a container, pass --device /dev/fuse)"
    );
}

/// The bridge history (executable, symlink, binary, CRLF, non-ASCII paths) with atomic
/// initialised, a `.gitignore` for build output, and a server running.
fn served_repo(env: &TestEnv) -> (PathBuf, Child) {
    served_repo_with(env, &[])
}

/// [`served_repo`] whose server has more environment variables.
fn served_repo_with(env: &TestEnv, vars: &[(&str, &str)]) -> (PathBuf, Child) {
    require_fuse();
    let dir = env.history("r");
    env.git(&dir, &["checkout", "-q", "main"]);
    std::fs::write(dir.join(".gitignore"), "target/\n*.log\n").unwrap();
    env.git(&dir, &["add", ".gitignore"]);
    env.git(&dir, &["commit", "-q", "-m", "Ignore build output"]);
    env.atomic_ok(&dir, &["init"]);
    let server = start_with(env, &dir, vars);
    (dir, server)
}

/// Creates a session mounted at `mount`; returns its `--json` document.
fn new_mounted(env: &TestEnv, dir: &Path, agent: &str, mount: &Path) -> serde_json::Value {
    let s = env.atomic_json(
        dir,
        &[
            "session",
            "new",
            "--agent",
            agent,
            "--mount",
            mount.to_str().unwrap(),
        ],
    );
    assert_eq!(
        s["mount"].as_str(),
        Some(mount.to_str().unwrap()),
        "--json gives the mount's absolute path: {s}"
    );
    s
}

/// Every tracked path of `rev` with its mode, from `git ls-tree`.
fn tracked(env: &TestEnv, dir: &Path, rev: &str) -> Vec<(String, String)> {
    env.git(dir, &["ls-tree", "-r", "-z", rev])
        .split('\0')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (meta, path) = l.split_once('\t').unwrap();
            (meta.split(' ').next().unwrap().to_owned(), path.to_owned())
        })
        .collect()
}

fn git_show(env: &TestEnv, dir: &Path, spec: &str) -> Vec<u8> {
    let mut cmd = env.sh_cmd(dir, "git show \"$0\"");
    cmd.arg(spec);
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    out.stdout
}

/// Runs `script` with `sh -c` in `cwd`; panics with its stderr on failure.
fn sh(env: &TestEnv, cwd: &Path, script: &str) -> String {
    let out = env
        .sh_cmd(cwd, script)
        .env_remove("ATOMIC_NO_SERVER")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{script}` failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn is_mounted(dir: &Path) -> bool {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let dir = dir.to_str().unwrap();
    mounts.lines().any(|l| l.split(' ').nth(4) == Some(dir))
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(30), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_mounted_session_reads_every_tracked_file_as_git_does() {
    let env = TestEnv::new();
    let (dir, server) = served_repo(&env);
    let mount = env.path("m");
    new_mounted(&env, &dir, "reader", &mount);
    let files = tracked(&env, &dir, "HEAD");
    assert!(files.len() >= 9, "{files:?}");
    for (mode, path) in &files {
        let on_disk = mount.join(path);
        let meta = std::fs::symlink_metadata(&on_disk).unwrap();
        if mode == "120000" {
            assert!(meta.file_type().is_symlink(), "{path}");
            let target = std::fs::read_link(&on_disk).unwrap();
            assert_eq!(
                target.to_str().unwrap().as_bytes(),
                git_show(&env, &dir, &format!("HEAD:{path}")),
                "{path}"
            );
            continue;
        }
        assert_eq!(
            std::fs::read(&on_disk).unwrap(),
            git_show(&env, &dir, &format!("HEAD:{path}")),
            "{path} differs from git show"
        );
        let executable = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
        assert_eq!(executable, mode == "100755", "{path}'s mode");
    }
    // git sees a clean worktree at the session's base.
    assert_eq!(sh(&env, &mount, "git status --porcelain"), "");
    assert_eq!(
        sh(&env, &mount, "git rev-parse HEAD"),
        env.git(&dir, &["rev-parse", "HEAD"])
    );
    stop(&env, &dir, server);
    assert!(!is_mounted(&mount), "stopping the server unmounts");
}

#[test]
fn plain_tools_edit_a_mounted_session_and_submit_lands_and_merges() {
    let env = TestEnv::new();
    // Written files stay in the server's memory until something asks for them (a rename,
    // fsync, chmod, `session diff`, `submit`): each of those must find them.
    let (dir, server) = served_repo_with(&env, &[("ATOMIC_MOUNT_IDLE_MS", "600000")]);
    let (a, b) = (env.path("a"), env.path("b"));
    let before = tracked(&env, &dir, "main");
    let build_sh = git_show(&env, &dir, "main:build.sh");
    new_mounted(&env, &dir, "alpha", &a);
    new_mounted(&env, &dir, "beta", &b);

    // alpha: sed -i, an editor's save (temporary file, fsync, rename over), chmod +x, a
    // new file in a new directory, a deletion and a rename.
    sh(
        &env,
        &a,
        "sed -i 's/hello, world/hello, mount/' src/main.rs",
    );
    sh(
        &env,
        &a,
        "python3 -c \"
import os
with open('GUIDE.md.swp', 'w') as f:
    f.write('# Example\\n\\nEdited by an editor.\\n')
    f.flush()
    os.fsync(f.fileno())
os.rename('GUIDE.md.swp', 'GUIDE.md')
\"",
    );
    sh(&env, &a, "chmod +x windows.txt");
    sh(
        &env,
        &a,
        "mkdir -p tools && printf '#!/bin/sh\\necho new\\n' > tools/new.sh",
    );
    sh(&env, &a, "rm logo.png && mv build.sh scripts-build.sh");
    // beta edits another function of a file alpha does not touch, in its own directory.
    sh(
        &env,
        &b,
        "sed -i 's/a + b/b + a/' src/lib.rs && printf 'notes\\n' > NOTES.md",
    );

    // `session diff` inside the mount finds its session, and agrees with `git status`.
    let diff =
        serde_json::from_str::<serde_json::Value>(&sh(&env, &a, "$ATOMIC --json session diff"))
            .unwrap();
    let mut from_atomic: Vec<String> = diff["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    from_atomic.sort();
    let mut from_git: Vec<String> = sh(&env, &a, "git status --porcelain --untracked-files=all")
        .lines()
        .map(|l| l[3..].trim_matches('"').to_owned())
        .collect();
    from_git.sort();
    assert_eq!(
        from_atomic,
        [
            "GUIDE.md",
            "build.sh",
            "logo.png",
            "scripts-build.sh",
            "src/main.rs",
            "tools/new.sh",
            "windows.txt"
        ],
        "{diff}"
    );
    assert_eq!(from_git, from_atomic, "git status agrees with session diff");
    assert!(
        sh(&env, &a, "git diff src/main.rs").contains("+    println!(\"hello, mount\");"),
        "git diff shows the session's change"
    );

    // Submit from inside each mount: both land, merged, and the ephemeral sessions' mounts go.
    sh(
        &env,
        &a,
        "$ATOMIC session submit -m 'Edit with plain tools'",
    );
    sh(&env, &b, "$ATOMIC session submit -m 'Swap the operands'");
    wait_for("submitting ends the ephemeral mounts", || {
        !is_mounted(&a) && !is_mounted(&b)
    });
    let head =
        |path: &str| String::from_utf8(git_show(&env, &dir, &format!("main:{path}"))).unwrap();
    assert!(head("src/main.rs").contains("hello, mount"));
    assert_eq!(head("GUIDE.md"), "# Example\n\nEdited by an editor.\n");
    assert!(head("src/lib.rs").contains("b + a"));
    assert_eq!(head("NOTES.md"), "notes\n");
    assert_eq!(head("tools/new.sh"), "#!/bin/sh\necho new\n");
    assert_eq!(
        head("scripts-build.sh"),
        String::from_utf8(build_sh).unwrap()
    );
    let modes = tracked(&env, &dir, "main");
    let mode_of = |p: &str| modes.iter().find(|(_, q)| q == p).map(|(m, _)| m.clone());
    assert_eq!(mode_of("windows.txt").as_deref(), Some("100755"));
    let old_mode = before
        .iter()
        .find(|(_, p)| p == "build.sh")
        .map(|(m, _)| m.clone());
    assert_eq!(
        mode_of("scripts-build.sh"),
        old_mode,
        "a rename keeps the mode"
    );
    assert_eq!(mode_of("logo.png"), None);
    assert_eq!(mode_of("build.sh"), None);
    assert_eq!(env.git(&dir, &["status", "--porcelain"]), "");
    env.git(&dir, &["fsck", "--strict"]);
    stop(&env, &dir, server);
}

#[test]
fn ignored_build_output_stays_in_scratch_and_never_reaches_the_store() {
    let env = TestEnv::new();
    let (dir, server) = served_repo(&env);
    let m = env.path("m");
    let s = new_mounted(&env, &dir, "builder", &m);
    sh(
        &env,
        &m,
        // As cargo makes `target/`: a temporary directory renamed into place.
        "mkdir .tmp-cargo && echo tag > .tmp-cargo/CACHEDIR.TAG && mv .tmp-cargo target && \
         mkdir -p target/debug && head -c 100000 /dev/urandom > target/debug/app && echo built > build.log",
    );
    sh(&env, &m, "printf 'fn f() {}\\n' > src/f.rs");
    // The build output is there for the next command, and nowhere in the session.
    assert_eq!(
        std::fs::metadata(m.join("target/debug/app")).unwrap().len(),
        100_000
    );
    assert_eq!(
        std::fs::read_to_string(m.join("target/CACHEDIR.TAG")).unwrap(),
        "tag\n"
    );
    let ls = sh(&env, &m, "$ATOMIC session ls");
    assert!(ls.contains("src/f.rs"), "{ls}");
    assert!(
        !ls.contains("target") && !ls.contains("build.log") && !ls.contains("tmp"),
        "{ls}"
    );
    assert_eq!(
        sh(&env, &m, "git status --porcelain --untracked-files=all"),
        "?? src/f.rs\n"
    );
    // And back: output moved to a tracked place joins the session.
    sh(
        &env,
        &m,
        "mkdir -p target/gen && echo 'pub fn g() {}' > target/gen/g.rs && mv target/gen src/gen",
    );
    assert!(sh(&env, &m, "$ATOMIC session ls").contains("src/gen/g.rs"));
    assert!(!m.join("target/gen").exists());
    // `session verify` runs in the mount: the build output is there, the new file too.
    std::fs::write(
        dir.join(".atomic/config.toml"),
        "[verify]\ncommands = [\"test -s target/debug/app\", \"test -f src/f.rs\", \"test -f .git\"]\n",
    )
    .unwrap();
    let verified: serde_json::Value =
        serde_json::from_str(&sh(&env, &m, "$ATOMIC --json session verify")).unwrap();
    assert_eq!(verified["passed"], true, "{verified}");
    // It survives an unmount and a mount again (a warm second build).
    let id = s["session_id"].as_str().unwrap();
    sh(
        &env,
        &dir,
        &format!(
            "$ATOMIC session --session {id} --token {} unmount",
            s["token"].as_str().unwrap()
        ),
    );
    assert!(!is_mounted(&m));
    sh(
        &env,
        &dir,
        &format!(
            "$ATOMIC session --session {id} --token {} mount {}",
            s["token"].as_str().unwrap(),
            m.display()
        ),
    );
    assert_eq!(
        std::fs::metadata(m.join("target/debug/app")).unwrap().len(),
        100_000
    );
    sh(&env, &m, "$ATOMIC session submit -m 'Add f'");
    let tree = env.git(&dir, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(tree.contains("src/f.rs"));
    assert!(
        !tree.contains("target/") && !tree.contains("build.log"),
        "{tree}"
    );
    stop(&env, &dir, server);
}

#[test]
fn a_killed_servers_mount_is_cleaned_up_and_mounted_again_by_the_next() {
    let env = TestEnv::new();
    // A server that keeps what is written in memory for ten minutes: what was written
    // when it is killed survives only through its journal.
    let (dir, mut server) = served_repo_with(&env, &[("ATOMIC_MOUNT_IDLE_MS", "600000")]);
    let m = env.path("m");
    let s = env.atomic_json(
        &dir,
        &[
            "session",
            "new",
            "--agent",
            "p",
            "--persistent",
            "--mount",
            m.to_str().unwrap(),
        ],
    );
    sh(&env, &m, "echo kept > kept.txt");
    server.kill().unwrap();
    server.wait().unwrap();
    // The dead mount answers nothing ("Transport endpoint is not connected").
    assert!(std::fs::read_dir(&m).is_err());
    let server = start(&env, &dir);
    wait_for("the next server mounts the session again", || {
        std::fs::read_to_string(m.join("kept.txt")).is_ok_and(|t| t == "kept\n")
    });
    assert_eq!(sh(&env, &m, "git status --porcelain"), "?? kept.txt\n");
    let found = sh(&env, &m, "$ATOMIC --json session status");
    assert!(found.contains(s["session_id"].as_str().unwrap()), "{found}");
    sh(&env, &m, "$ATOMIC session close");
    assert!(!is_mounted(&m));
    stop(&env, &dir, server);
}

/// Claude Code's `WorktreeCreate` and `WorktreeRemove` hooks, with the JSON it sends.
#[test]
fn the_worktree_create_hook_gives_a_mounted_session_and_remove_keeps_unsubmitted_work() {
    let env = TestEnv::new();
    let (dir, server) = served_repo(&env);
    let hook = |event: &str, input: serde_json::Value| {
        let mut cmd = env.atomic_cmd(&dir, &["agent", "hook", event]);
        cmd.env_remove("ATOMIC_NO_SERVER")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.to_string().as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let created = hook(
        "worktree-create",
        serde_json::json!({
            "session_id": "abc123",
            "transcript_path": "/tmp/t.jsonl",
            "cwd": dir,
            "hook_event_name": "WorktreeCreate",
            "name": "bold-oak-a3f2",
        }),
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    // Stdout carries the path and nothing else.
    let path = String::from_utf8(created.stdout).unwrap();
    let path = PathBuf::from(path.trim_end_matches('\n'));
    assert!(
        path.is_absolute() && is_mounted(&path),
        "{}",
        path.display()
    );
    assert!(path.join("src/main.rs").is_file());
    sh(&env, &path, "echo 'unsubmitted' > work.txt");

    let removed = hook(
        "worktree-remove",
        serde_json::json!({
            "session_id": "abc123",
            "cwd": dir,
            "hook_event_name": "WorktreeRemove",
            "worktree_path": path,
        }),
    );
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert!(!is_mounted(&path));
    // The session holds unsubmitted work: it stays, and says how to get it back.
    assert!(String::from_utf8_lossy(&removed.stderr).contains("kept"));
    let list = env.atomic_json(&dir, &["session", "list"]);
    let kept = list.as_array().unwrap();
    assert_eq!(kept.len(), 1, "{list}");
    assert_eq!(kept[0]["agent"], "claude-bold-oak-a3f2");

    // A worktree with nothing in it goes entirely.
    let created = hook(
        "worktree-create",
        serde_json::json!({"cwd": dir, "hook_event_name": "WorktreeCreate", "name": "empty"}),
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let path = PathBuf::from(String::from_utf8(created.stdout).unwrap().trim_end());
    let removed = hook(
        "worktree-remove",
        serde_json::json!({"hook_event_name": "WorktreeRemove", "worktree_path": path}),
    );
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert!(!path.exists() || std::fs::read_dir(&path).unwrap().next().is_none());
    assert_eq!(
        env.atomic_json(&dir, &["session", "list"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    stop(&env, &dir, server);
}

/// What the kernel cached of a mount never outlives a change made around it: a write
/// through the CLI, and a persistent session's rebase by its submit.
#[test]
fn a_mount_shows_changes_made_around_it_at_once() {
    let env = TestEnv::new();
    let (dir, server) = served_repo(&env);
    let m = env.path("m");
    let s = env.atomic_json(
        &dir,
        &[
            "session",
            "new",
            "--agent",
            "p",
            "--persistent",
            "--mount",
            m.to_str().unwrap(),
        ],
    );
    let flags = format!(
        "--session {} --token {}",
        s["session_id"].as_str().unwrap(),
        s["token"].as_str().unwrap()
    );
    // Cached by a read, then written longer through the CLI: `stat` (what make and cargo
    // compare) and reads see the new file at once.
    let before = std::fs::read_to_string(m.join("src/main.rs")).unwrap();
    let mtime = std::fs::metadata(m.join("src/main.rs"))
        .unwrap()
        .modified()
        .unwrap();
    let longer = format!("{before}// {}\n", "x".repeat(5000));
    std::fs::write(env.path("main.rs"), &longer).unwrap();
    // Writes `longer` at `path` through the CLI.
    let write_longer = |path: &str| {
        let file = env.path("main.rs");
        let command = format!(
            "$ATOMIC session {flags} write {path} --file {}",
            file.display()
        );
        sh(&env, &dir, &command);
    };
    write_longer("src/main.rs");
    let meta = std::fs::metadata(m.join("src/main.rs")).unwrap();
    assert_eq!(meta.len(), longer.len() as u64);
    assert!(meta.modified().unwrap() > mtime);
    assert_eq!(
        std::fs::read_to_string(m.join("src/main.rs")).unwrap(),
        longer
    );

    // A file added and one removed through the CLI: a listing the kernel holds changes.
    let names = |d: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let listed = names(&m.join("src"));
    assert!(listed.contains(&"lib.rs".to_owned()), "{listed:?}");
    write_longer("src/added.rs");
    sh(
        &env,
        &dir,
        &format!("$ATOMIC session {flags} rm src/main.rs"),
    );
    let mut expected: Vec<String> = listed
        .into_iter()
        .filter(|n| n != "main.rs")
        .chain(["added.rs".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(names(&m.join("src")), expected);
    write_longer("src/main.rs");

    // Another session changes src/lib.rs (same size: the page cache cannot tell by length).
    let lib = std::fs::read_to_string(m.join("src/lib.rs")).unwrap();
    let other = env.atomic_json(&dir, &["session", "new", "--agent", "o"]);
    let swapped = lib.replacen("a + b", "b + a", 1);
    assert_eq!(swapped.len(), lib.len());
    std::fs::write(env.path("lib.rs"), &swapped).unwrap();
    sh(
        &env,
        &dir,
        &format!(
            "$ATOMIC session --session {} --token {} write src/lib.rs --file {} && \
             $ATOMIC session --session {} --token {} submit -m swap",
            other["session_id"].as_str().unwrap(),
            other["token"].as_str().unwrap(),
            env.path("lib.rs").display(),
            other["session_id"].as_str().unwrap(),
            other["token"].as_str().unwrap(),
        ),
    );
    // The persistent session submits its own edit and is rebased onto the new head.
    sh(&env, &m, "$ATOMIC session submit -m 'Empty main'");
    assert!(is_mounted(&m), "a persistent session stays mounted");
    assert_eq!(
        std::fs::read_to_string(m.join("src/lib.rs")).unwrap(),
        swapped
    );
    assert_eq!(sh(&env, &m, "git status --porcelain"), "");
    assert_eq!(
        sh(&env, &m, "git rev-parse HEAD"),
        env.git(&dir, &["rev-parse", "main"])
    );
    stop(&env, &dir, server);
}

/// Symlinks to outside the repository and to `.git`, made in a mount, verified and
/// submitted: atomic records the links and writes nothing through them.
#[test]
fn symlinks_made_in_a_mount_lead_atomic_nowhere_outside_or_into_git() {
    let env = TestEnv::new();
    let (dir, server) = served_repo(&env);
    let outside = env.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let git_config = std::fs::read(dir.join(".git/config")).unwrap();
    let m = env.path("m");
    let s = new_mounted(&env, &dir, "links", &m);
    sh(
        &env,
        &m,
        &format!("ln -s {} out && ln -s .git g", outside.display()),
    );
    // In the mount, `g` leads to the mount's `.git` file, which holds no `config`.
    let into_git = env.sh_cmd(&m, "echo '[core]' > g/config").output().unwrap();
    assert!(!into_git.status.success());
    // Through the session's commands, a path through either link is refused.
    let auth = [
        "--session",
        s["session_id"].as_str().unwrap(),
        "--token",
        s["token"].as_str().unwrap(),
    ];
    for path in ["out/f", "g/config"] {
        let mut args = vec!["--json", "session"];
        args.extend(auth);
        args.extend(["write", path, "--file", "/dev/null"]);
        let out = env.atomic(&dir, &args);
        assert_eq!(out.status.code(), Some(1), "{path}");
    }
    let listed: serde_json::Value =
        serde_json::from_str(&sh(&env, &m, "$ATOMIC --json session ls")).unwrap();
    let changed: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["changed"] == true)
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["g", "out"], "{listed}");
    // verify runs its commands in the mount; the submit's working-tree update makes the
    // links in the checkout, as git would, and writes nothing through them.
    std::fs::write(
        dir.join(".atomic/config.toml"),
        "[verify]\ncommands = [\"test -L out\", \"test -L g\"]\n",
    )
    .unwrap();
    let verified: serde_json::Value =
        serde_json::from_str(&sh(&env, &m, "$ATOMIC --json session verify")).unwrap();
    assert_eq!(verified["passed"], true, "{verified}");
    sh(&env, &m, "$ATOMIC session submit -m 'Links'");
    assert!(dir.join("out").is_symlink() && dir.join("g").is_symlink());
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(std::fs::read(dir.join(".git/config")).unwrap(), git_config);
    let fsck = env.git(&dir, &["fsck", "--no-progress"]);
    assert!(!fsck.contains("error"), "{fsck}");
    stop(&env, &dir, server);
}
