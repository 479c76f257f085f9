//! A connection to `atomic serve`: finding and calling the server of a repository.

use std::io::{self, BufReader};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::rpc::{self, Request, Response};
use crate::{ATOMIC_DIR, CommandError};

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
