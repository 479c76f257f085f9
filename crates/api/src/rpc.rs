//! JSON-RPC 2.0 over the Unix socket `.atomic/serve.sock`: one JSON object per line, in
//! both directions. A connection carries any number of requests, answered in order.
//!
//! Errors carry JSON-RPC's codes (-32700 parse error, -32600 invalid request, -32601
//! unknown method, -32602 bad params) or -32000 for an operation's own error, whose `data`
//! is the [`CommandError`] (`kind`, `code`, `message`, `hints`). The schema is in
//! `book/src/protocol.md`.

use std::io::{self, BufRead, Read, Write};

use serde::{Deserialize, Serialize};

use crate::CommandError;

/// The largest message the server reads: 64 MiB. Larger contents go by `from_file`.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// A request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Always `2.0`.
    pub jsonrpc: String,
    /// Chosen by the client, echoed in the response.
    pub id: serde_json::Value,
    /// The method, e.g. `session.write`.
    pub method: String,
    /// Its params (an object).
    #[serde(default)]
    pub params: serde_json::Value,
}

/// An error in a response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RpcError {
    /// JSON-RPC's code.
    pub code: i64,
    /// For people.
    pub message: String,
    /// The operation's error, with its stable kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<CommandError>,
}

/// A response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Always `2.0`.
    pub jsonrpc: String,
    /// The request's id (`null` when it could not be read).
    pub id: serde_json::Value,
    /// The result, on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
    /// The error, on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RpcError>,
}

/// JSON-RPC's code for an error of `kind`.
pub fn code_of(kind: &str) -> i64 {
    match kind {
        "parse_error" => -32700,
        "invalid_request" | "too_large" => -32600,
        "unknown_method" => -32601,
        "protocol" => -32602,
        _ => -32000,
    }
}

impl Response {
    /// A success.
    pub fn ok(id: serde_json::Value, result: serde_json::Value) -> Self {
        Response {
            jsonrpc: "2.0".into(),
            id,
            result: Some(result),
            error: None,
        }
    }

    /// A failure.
    pub fn err(id: serde_json::Value, error: CommandError) -> Self {
        Response {
            jsonrpc: "2.0".into(),
            id,
            result: None,
            error: Some(RpcError {
                code: code_of(&error.kind),
                message: error.message.clone(),
                data: Some(error),
            }),
        }
    }
}

/// Reads one message (a line) of at most `limit` bytes: `Ok(None)` at a clean end of
/// stream.
///
/// # Errors
/// The stream's; [`io::ErrorKind::InvalidData`] for a longer line (the rest is not read);
/// [`io::ErrorKind::UnexpectedEof`] when the stream ends inside a line.
pub fn read_message<R: BufRead>(input: &mut R, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n =
        Read::take(&mut *input, (limit as u64).saturating_add(1)).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(if line.len() > limit {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("message over {limit} bytes"),
            )
        } else {
            io::ErrorKind::UnexpectedEof.into()
        });
    }
    line.pop();
    Ok(Some(line))
}

/// Writes `value` as one message.
///
/// # Errors
/// The stream's.
pub fn write_message(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let mut bytes = serde_json::to_vec(value).expect("messages serialize");
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_oversized_ones_are_refused() {
        let mut buf = Vec::new();
        write_message(&mut buf, &serde_json::json!({"a": "x\ny"})).unwrap();
        write_message(&mut buf, &serde_json::json!(2)).unwrap();
        let mut input = buf.as_slice();
        assert_eq!(
            read_message(&mut input, 100).unwrap().unwrap(),
            br#"{"a":"x\ny"}"#
        );
        assert_eq!(read_message(&mut input, 100).unwrap().unwrap(), b"2");
        assert_eq!(read_message(&mut input, 100).unwrap(), None);
        let big = vec![b'x'; 200];
        let err = read_message(&mut big.as_slice(), 100).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let cut = read_message(&mut &b"{\"a\""[..], 100).unwrap_err();
        assert_eq!(cut.kind(), io::ErrorKind::UnexpectedEof);
    }
}
