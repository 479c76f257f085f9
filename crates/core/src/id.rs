//! Identifiers: blake3 change ids and 20-byte git object ids.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Errors from parsing an identifier written in hex.
#[derive(Debug, thiserror::Error)]
pub enum IdError {
    /// The text is not hexadecimal, or has the wrong length.
    #[error("`{text}` is not a {expected}-digit hexadecimal id")]
    Malformed {
        /// The text that was given.
        text: String,
        /// The number of hex digits expected.
        expected: usize,
    },
}

fn parse_hex<const N: usize>(text: &str) -> Result<[u8; N], IdError> {
    let malformed = || IdError::Malformed {
        text: text.to_owned(),
        expected: N * 2,
    };
    if text.len() != N * 2 {
        return Err(malformed());
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2).ok_or_else(malformed)?, 16)
            .map_err(|_| malformed())?;
    }
    Ok(out)
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// Identifies a [`Change`](crate::Change): blake3 over its canonical encoding (32 bytes).
///
/// Shown as 64 hex digits, or as a short prefix ([`ChangeId::short`]); any unique prefix is
/// accepted as input by the store.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChangeId(pub [u8; 32]);

impl ChangeId {
    /// Length of [`ChangeId::short`] in hex digits.
    pub const SHORT_LEN: usize = 12;

    /// Returns the id of `bytes`: their blake3 hash.
    pub fn hash(bytes: &[u8]) -> Self {
        Self(*blake3::hash(bytes).as_bytes())
    }

    /// Returns the full id as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }

    /// Returns the first [`ChangeId::SHORT_LEN`] hex digits, for display.
    pub fn short(&self) -> String {
        let mut s = self.to_hex();
        s.truncate(Self::SHORT_LEN);
        s
    }

    /// Parses 64 hex digits.
    ///
    /// # Errors
    /// [`IdError::Malformed`] when `text` is not exactly 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, IdError> {
        parse_hex(text).map(Self)
    }
}

impl fmt::Display for ChangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for ChangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChangeId({})", self.short())
    }
}

/// A git object id (SHA-1, 20 bytes): a commit, tree or blob.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GitId(pub [u8; 20]);

impl GitId {
    /// Returns the id as 40 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }

    /// Returns the first 12 hex digits, for display.
    pub fn short(&self) -> String {
        let mut s = self.to_hex();
        s.truncate(12);
        s
    }

    /// Parses 40 hex digits.
    ///
    /// # Errors
    /// [`IdError::Malformed`] when `text` is not exactly 40 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, IdError> {
        parse_hex(text).map(Self)
    }
}

impl fmt::Display for GitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for GitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GitId({})", self.short())
    }
}

/// Ids are hex strings in human-readable formats (JSON) and raw bytes otherwise (postcard).
macro_rules! serde_as_hex {
    ($ty:ident, $len:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    serializer.serialize_str(&self.to_hex())
                } else {
                    self.0.serialize(serializer)
                }
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                if deserializer.is_human_readable() {
                    let text = String::deserialize(deserializer)?;
                    $ty::from_hex(&text).map_err(serde::de::Error::custom)
                } else {
                    <[u8; $len]>::deserialize(deserializer).map($ty)
                }
            }
        }
    };
}

/// Ids are hex strings in JSON: their schema says so.
macro_rules! schema_as_hex {
    ($ty:ident, $len:literal, $what:literal) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": format!("^[0-9a-f]{{{}}}$", $len * 2),
                    "description": $what,
                })
            }
        }
    };
}

schema_as_hex!(ChangeId, 32, "a change id: 64 hex digits");
schema_as_hex!(GitId, 20, "a git object id: 40 hex digits");
serde_as_hex!(ChangeId, 32);
serde_as_hex!(GitId, 20);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let id = ChangeId::hash(b"hello");
        assert_eq!(ChangeId::from_hex(&id.to_hex()).expect("valid hex"), id);
        assert_eq!(id.short().len(), ChangeId::SHORT_LEN);
        let git = GitId([0xab; 20]);
        assert_eq!(git.to_hex(), "ab".repeat(20));
        assert_eq!(GitId::from_hex(&git.to_hex()).expect("valid hex"), git);
    }

    #[test]
    fn malformed_hex_is_an_error() {
        assert!(GitId::from_hex("xyz").is_err());
        assert!(GitId::from_hex(&"g".repeat(40)).is_err());
        assert!(ChangeId::from_hex(&"a".repeat(40)).is_err());
    }
}
