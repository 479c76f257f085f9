//! The `git` binary, for what gix cannot do here: network transfer (fetch and push over
//! any transport git supports) and remote configuration.

use std::path::Path;
use std::process::Command;

use crate::{RepoError, Result};

/// Runs `git -C dir args...` with output captured; returns its stdout.
///
/// # Errors
/// [`RepoError::GitCommand`] with git's stderr when it exits non-zero or cannot start.
pub(crate) fn run(dir: &Path, args: &[&str]) -> Result<String> {
    let failed = |stderr: String| RepoError::GitCommand {
        args: args.join(" "),
        stderr,
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| failed(format!("could not run git: {e}")))?;
    if !output.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
