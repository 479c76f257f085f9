//! `session verify`: the session's tree, materialized in a temporary directory, checked by
//! the commands the repository configures. Nothing is locked while the commands run.

use std::process::Command;

use atomic_store::{Table, cf};
use serde::{Deserialize, Serialize};

use crate::safe_fs::Root;
use crate::{ATOMIC_DIR, Repo, RepoError, Result, now_seconds};

/// `.atomic/config.toml`.
#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(default)]
    verify: VerifyConfig,
}

#[derive(Debug, Default, Deserialize)]
struct VerifyConfig {
    /// Shell commands, run in order in the materialized tree.
    #[serde(default)]
    commands: Vec<String>,
}

/// One command's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommandResult {
    /// The command.
    pub command: String,
    /// Its exit code (`None` when killed by a signal).
    pub exit_code: Option<i32>,
    /// The last 4 KiB of its output (stdout then stderr).
    pub output_tail: String,
}

/// What `session verify` found; also kept in the store, under the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerifyReport {
    /// The session.
    pub session_id: String,
    /// Whether every command succeeded.
    pub passed: bool,
    /// The commands' results, in order.
    pub results: Vec<CommandResult>,
    /// When it ran, seconds since the Unix epoch.
    pub time_seconds: i64,
}

/// The last verify report of each session, under `verify.<session id>`.
const REPORTS: Table<String, VerifyReport> = Table::new(cf::META);

const TAIL_BYTES: usize = 4096;

impl Repo {
    fn verify_commands(&self) -> Result<Vec<String>> {
        let path = self.root.join(ATOMIC_DIR).join("config.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(RepoError::io("reading", path)(e)),
        };
        let config: Config = toml::from_str(&text).map_err(|e| RepoError::BadConfig {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        Ok(config.verify.commands)
    }

    /// Runs the commands of `[verify] commands` in `.atomic/config.toml` on session `id`'s
    /// tree, in order, stopping at the first failure: in its mount when it is mounted (no
    /// copy, and its build output warm in the scratch directory), else in a temporary
    /// directory the tree is written to. The report is stored with the session and
    /// returned. No lock is held while the commands run: other commands, and the session
    /// itself, go on meanwhile.
    ///
    /// # Errors
    /// [`RepoError::NothingToVerify`] when no commands are configured.
    pub fn session_verify(&self, id: &str, token: &str) -> Result<VerifyReport> {
        let commands = self.verify_commands()?;
        if commands.is_empty() {
            return Err(RepoError::NothingToVerify);
        }
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        let temp;
        let dir: &std::path::Path = match session.mount.as_deref() {
            Some(mount) if std::path::Path::new(mount).join(".git").is_file() => {
                std::path::Path::new(mount)
            }
            _ => {
                temp = tempfile::tempdir().map_err(RepoError::io(
                    "creating a temporary directory in",
                    std::env::temp_dir(),
                ))?;
                let root = Root::open(temp.path())?;
                engine.for_each_file(&session, |path, mode, data| root.write(path, mode, data))?;
                temp.path()
            }
        };
        let mut results = Vec::new();
        for command in &commands {
            let out = Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(dir)
                .output()
                .map_err(RepoError::io("running a verify command in", dir))?;
            let mut text = out.stdout;
            text.extend_from_slice(&out.stderr);
            let tail = &text[text.len().saturating_sub(TAIL_BYTES)..];
            let ok = out.status.success();
            results.push(CommandResult {
                command: command.clone(),
                exit_code: out.status.code(),
                output_tail: String::from_utf8_lossy(tail).into_owned(),
            });
            if !ok {
                break;
            }
        }
        let report = VerifyReport {
            session_id: id.to_owned(),
            passed: results.iter().all(|r| r.exit_code == Some(0)),
            results,
            time_seconds: now_seconds(),
        };
        let mut batch = self.store.batch();
        batch.put(REPORTS, &format!("verify.{id}"), &report);
        self.store.write(batch)?;
        Ok(report)
    }
}
