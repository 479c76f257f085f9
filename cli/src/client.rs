//! The client side of `atomic serve`: finding, starting and calling the server of a
//! repository.

use std::io::{self, BufReader};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use atomic_repo::ATOMIC_DIR;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{CommandError, EXIT_BUSY};
use crate::rpc::{self, Request, Response};

/// The socket's name under `.atomic/`.
pub const SOCKET: &str = "serve.sock";

/// The server's socket in the repository at `root`.
pub fn socket_path(root: &Path) -> PathBuf {
    root.join(ATOMIC_DIR).join(SOCKET)
}

/// An open connection to a repository's server.
pub struct Connection {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
    next_id: u64,
}

impl Connection {
    /// Connects to the server of the repository at `root`, if one is listening (a socket
    /// left by a killed server refuses connections and does not count).
    pub fn connect(root: &Path) -> Option<Connection> {
        let socket = socket_path(root);
        // No socket file is the common case: skip the connect.
        if !socket.exists() {
            return None;
        }
        let stream = UnixStream::connect(socket).ok()?;
        let writer = stream.try_clone().ok()?;
        Some(Connection {
            reader: BufReader::new(stream),
            writer,
            next_id: 1,
        })
    }

    /// Calls `method` with `params` and returns its result.
    ///
    /// # Errors
    /// The method's error as the server sent it; [`CommandError`] of kind `server_gone`
    /// when the connection broke before the answer (the call may or may not have taken
    /// effect).
    pub fn call<P: Serialize, R: DeserializeOwned>(
        &mut self,
        method: &str,
        params: &P,
    ) -> Result<R, CommandError> {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request {
            jsonrpc: "2.0".into(),
            id: serde_json::json!(id),
            method: method.to_owned(),
            params: serde_json::to_value(params).expect("params serialize"),
        };
        let gone = |e: io::Error| {
            CommandError::internal(
                "server_gone",
                format!("the atomic server stopped before answering: {e}"),
                "it may or may not have taken effect; retry (a retried submit returns the first one's result), or see `atomic op log`",
            )
        };
        rpc::write_message(&mut self.writer, &request).map_err(gone)?;
        // Responses are unbounded: the server is trusted, and results can be large.
        let line = rpc::read_message(&mut self.reader, usize::MAX - 1)
            .map_err(gone)?
            .ok_or_else(|| gone(io::ErrorKind::UnexpectedEof.into()))?;
        let response: Response = serde_json::from_slice(&line).map_err(|e| {
            CommandError::protocol(format!("a response the client cannot read: {e}"))
        })?;
        match (response.result, response.error) {
            (Some(result), None) => serde_json::from_value(result).map_err(|e| {
                CommandError::protocol(format!(
                    "the server's result for {method} does not match this client: {e}"
                ))
            }),
            (_, Some(error)) => Err(error.data.unwrap_or_else(|| {
                CommandError::internal(
                    "server",
                    error.message,
                    "see the server's log, .atomic/serve.log",
                )
            })),
            (None, None) => Err(CommandError::protocol("an empty response".into())),
        }
    }
}

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
