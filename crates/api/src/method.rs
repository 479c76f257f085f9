//! Methods: one per operation, with serde params and results. The CLI sends them to
//! `atomic serve` as JSON-RPC 2.0 requests (see [`crate::rpc`]) or runs them in its own
//! process; the schema is in `book/src/protocol.md`.

use std::path::PathBuf;

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::CommandError;

/// The protocol's version: bumped when a method's params or result change incompatibly.
pub const PROTOCOL_VERSION: u32 = 2;

/// One operation of the API.
pub trait Method {
    /// The JSON-RPC method name, e.g. `session.write`.
    const NAME: &'static str;
    /// Whether to import what git did before running (a few `stat` calls when nothing
    /// moved); operations inside a session do not need it.
    const SYNC: bool = true;
    /// The params, as the request's `params` object.
    type Params: Serialize + DeserializeOwned;
    /// The result, as the response's `result`.
    type Output: Serialize + DeserializeOwned;
}

/// A session and its token: what every session method takes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Auth {
    /// The session.
    pub session_id: String,
    /// Its secret token.
    pub token: String,
}

/// File contents on the wire: `text` when they are UTF-8, else `base64`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contents {
    /// The contents, when they are valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The contents in base64 (RFC 4648, with padding), when they are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// A file on this machine to read them from, for contents too large for one message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_file: Option<PathBuf>,
}

impl Contents {
    /// Returns contents holding `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => Contents {
                text: Some(text),
                ..Contents::default()
            },
            Err(e) => Contents {
                base64: Some(base64::engine::general_purpose::STANDARD.encode(e.as_bytes())),
                ..Contents::default()
            },
        }
    }

    /// Returns the bytes.
    ///
    /// # Errors
    /// Bad base64, an unreadable `from_file`, or none of the three fields.
    pub fn into_bytes(self) -> Result<Vec<u8>, CommandError> {
        if let Some(text) = self.text {
            return Ok(text.into_bytes());
        }
        if let Some(b64) = self.base64 {
            return base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| CommandError::protocol(format!("contents are not base64: {e}")));
        }
        if let Some(path) = self.from_file {
            return std::fs::read(&path).map_err(|e| {
                CommandError::user(
                    format!("cannot read {}: {e}", path.display()),
                    "check the path and its permissions",
                )
            });
        }
        Err(CommandError::protocol(
            "contents need `text`, `base64` or `from_file`".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_round_trip_text_and_binary() {
        let text = Contents::new(b"fn main() {}\n".to_vec());
        assert_eq!(text.text.as_deref(), Some("fn main() {}\n"));
        assert_eq!(text.into_bytes().unwrap(), b"fn main() {}\n");
        let binary = Contents::new(vec![0, 159, 146, 150]);
        assert!(binary.text.is_none());
        assert_eq!(binary.into_bytes().unwrap(), vec![0, 159, 146, 150]);
        assert!(Contents::default().into_bytes().is_err());
    }
}
