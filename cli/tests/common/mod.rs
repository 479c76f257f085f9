//! A hermetic environment for running the real `atomic` and `git` binaries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary directory with fixed identities, dates and no user or system git config.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

/// Returns the path of a script under `testdata/git`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/git")
        .join(name)
}

impl TestEnv {
    pub fn new() -> Self {
        TestEnv {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// Returns a path inside the environment.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn hermetic(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.com")
            .env("GIT_COMMITTER_NAME", "Test Author")
            .env("GIT_COMMITTER_EMAIL", "author@example.com")
            .env("GIT_AUTHOR_DATE", "@1750000000 +0000")
            .env("GIT_COMMITTER_DATE", "@1750000000 +0000")
            .env("ATOMIC_LOCK_TIMEOUT_MS", "2000")
            // Session commands run in the test's process unless a test starts a server
            // (`atomic serve`) or asks for one (`served_cmd`).
            .env("ATOMIC_NO_SERVER", "1");
    }

    /// Returns a `Command` running `script` with `sh -c` in `cwd`, in the same environment,
    /// with `$ATOMIC` naming the atomic binary.
    pub fn sh_cmd(&self, cwd: &Path, script: &str) -> Command {
        let mut cmd = Command::new("sh");
        self.hermetic(&mut cmd);
        cmd.current_dir(cwd)
            .args(["-c", script])
            .env("ATOMIC", env!("CARGO_BIN_EXE_atomic"));
        cmd
    }

    /// Returns a `Command` for the atomic binary, run in `cwd`.
    pub fn atomic_cmd(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_atomic"));
        self.hermetic(&mut cmd);
        cmd.current_dir(cwd).args(args);
        cmd
    }

    /// Runs atomic in `cwd`; returns its output whatever the exit status.
    pub fn atomic(&self, cwd: &Path, args: &[&str]) -> Output {
        self.atomic_cmd(cwd, args).output().expect("atomic runs")
    }

    /// Runs atomic in `cwd` and returns stdout; panics with stderr on failure.
    pub fn atomic_ok(&self, cwd: &Path, args: &[&str]) -> String {
        let out = self.atomic(cwd, args);
        assert!(
            out.status.success(),
            "atomic {args:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs atomic with `--json` and parses stdout.
    pub fn atomic_json(&self, cwd: &Path, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.atomic_ok(cwd, &all)).expect("one JSON document")
    }

    /// Returns a `Command` for git in `cwd`, in the same environment.
    pub fn git_cmd(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        self.hermetic(&mut cmd);
        cmd.current_dir(cwd).args(args);
        cmd
    }

    /// Runs git in `cwd` and returns stdout; panics with stderr on failure.
    pub fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        self.hermetic(&mut cmd);
        let out = cmd.current_dir(cwd).args(args).output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs a script from `testdata/git` with `args`.
    pub fn script(&self, name: &str, args: &[&str]) {
        let mut cmd = Command::new("bash");
        self.hermetic(&mut cmd);
        let out = cmd
            .arg(script(name))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Builds the bridge history (`testdata/git/history.sh`) at `rel` and returns its path.
    pub fn history(&self, rel: &str) -> PathBuf {
        let path = self.path(rel);
        self.script("history.sh", &[path.to_str().expect("utf-8 path")]);
        path
    }
}

/// Returns every file under `dir` with its contents, for "untouched" checks.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.push((p.clone(), std::fs::read(&p).expect("readable")));
            } else {
                out.push((p.clone(), Vec::new()));
            }
        }
    }
    out.sort();
    out
}

/// Runs `cmd` with `input` on its standard input; returns its output whatever the exit
/// status.
pub fn output_with_input(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the command starts");
    std::io::Write::write_all(&mut child.stdin.take().expect("piped"), input.as_bytes())
        .expect("the command reads its input");
    child.wait_with_output().expect("the command runs")
}
