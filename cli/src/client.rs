//! Starting and stopping the server of a repository (the connection itself is
//! [`atomic_api::Connection`]).

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use atomic_api::{ATOMIC_DIR, CommandError, Connection, EXIT_BUSY, socket_path};

/// Starts `atomic serve` for the repository at `root` in the background, detached from
/// this process, and waits up to `timeout` for it (or a server another process started at
/// the same time) to accept connections. The server leaves after `idle` without requests.
///
/// # Errors
/// [`EXIT_BUSY`] when no server listened in time; the spawn's error.
pub fn start_server(
    root: &Path,
    timeout: Duration,
    idle: Duration,
) -> Result<Connection, CommandError> {
    let exe = std::env::current_exe().map_err(|e| {
        CommandError::internal(
            "spawn",
            format!("cannot find the atomic binary: {e}"),
            "run `atomic serve &` yourself",
        )
    })?;
    let log_path = root.join(ATOMIC_DIR).join("serve.log");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| {
            CommandError::internal(
                "spawn",
                format!("cannot open {}: {e}", log_path.display()),
                "check .atomic's permissions",
            )
        })?;
    std::process::Command::new(exe)
        .arg("-R")
        .arg(root)
        .args(["serve", "--idle-seconds", &idle.as_secs().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(|e| {
            CommandError::internal(
                "spawn",
                format!("cannot start atomic serve: {e}"),
                "run `atomic serve &` yourself",
            )
        })?;
    let started = Instant::now();
    loop {
        if let Some(c) = Connection::connect(root) {
            return Ok(c);
        }
        if started.elapsed() >= timeout {
            return Err(CommandError {
                kind: "busy".into(),
                code: EXIT_BUSY,
                message: format!(
                    "the atomic server did not start within {} ms",
                    timeout.as_millis()
                ),
                hints: vec![
                    "see .atomic/serve.log; another atomic command may hold the store (raise ATOMIC_LOCK_TIMEOUT_MS)".into(),
                ],
            });
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Asks the server of the repository at `root` to stop once the requests in progress have
/// been answered. Returns `false` when none was listening.
///
/// # Errors
/// The connection broke before the answer.
pub fn stop(root: &Path) -> Result<bool, CommandError> {
    let Some(mut c) = Connection::connect(root) else {
        return Ok(false);
    };
    let _: serde_json::Value = c.call("server.stop", &serde_json::json!({}))?;
    // Wait for the socket to go and the process to let go of the server lock (it exits
    // after removing the socket), so a new server can start at once.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if !socket_path(root).exists() && crate::server::lock_server(root)?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(true)
}
