//! Typed tables: a column family with the encoding of its keys and values.
//!
//! Keys are raw bytes that sort as their values do: ids as their bytes, names as UTF-8,
//! sequence numbers big-endian, pairs joined by a NUL byte (which never appears in ids,
//! ref names or repository paths). Values are postcard; [`Bytes`] holds raw contents.

use std::marker::PhantomData;

use atomic_core::{ChangeId, GitId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A key's byte encoding. Encodings of one key type sort as the keys do.
pub trait Key: Sized {
    /// Appends the encoding of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// Decodes a key; `None` for bytes no key of this type encodes to.
    fn decode(bytes: &[u8]) -> Option<Self>;

    /// Returns the encoding of `self`.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

impl Key for ChangeId {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
    fn decode(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(ChangeId)
    }
}

impl Key for GitId {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
    fn decode(bytes: &[u8]) -> Option<Self> {
        <[u8; 20]>::try_from(bytes).ok().map(GitId)
    }
}

impl Key for String {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
    fn decode(bytes: &[u8]) -> Option<Self> {
        String::from_utf8(bytes.to_vec()).ok()
    }
}

/// Raw bytes, for keys built by their owner (symbol cache keys).
impl Key for Vec<u8> {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode(bytes: &[u8]) -> Option<Self> {
        Some(bytes.to_vec())
    }
}

impl Key for u64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn decode(bytes: &[u8]) -> Option<Self> {
        <[u8; 8]>::try_from(bytes).ok().map(u64::from_be_bytes)
    }
}

/// Two strings joined by NUL: `(session, path)`, `(path, session)`. A prefix scan on the
/// first string lists every pair that starts with it.
impl Key for (String, String) {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
        out.push(0);
        out.extend_from_slice(self.1.as_bytes());
    }
    fn decode(bytes: &[u8]) -> Option<Self> {
        let at = bytes.iter().position(|&b| b == 0)?;
        Some((
            String::from_utf8(bytes[..at].to_vec()).ok()?,
            String::from_utf8(bytes[at + 1..].to_vec()).ok()?,
        ))
    }
}

/// Returns the scan prefix of every `(first, _)` pair key: `first` and a NUL byte.
pub fn pair_prefix(first: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(first.len() + 1);
    out.extend_from_slice(first.as_bytes());
    out.push(0);
    out
}

/// Raw contents as a value, stored as a length and the bytes (no per-byte encoding).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bytes(#[serde(with = "serde_bytes")] pub Vec<u8>);

/// A column family holding keys `K` and postcard-encoded values `V`.
pub struct Table<K, V> {
    pub(crate) name: &'static str,
    _types: PhantomData<fn() -> (K, V)>,
}

impl<K, V> Clone for Table<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K, V> Copy for Table<K, V> {}

impl<K: Key, V: Serialize + DeserializeOwned> Table<K, V> {
    /// Declares the table stored in column family `name` (one of [`crate::cf`]).
    pub const fn new(name: &'static str) -> Self {
        Table {
            name,
            _types: PhantomData,
        }
    }

    /// Returns the column family's name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

pub(crate) fn encode_value<V: Serialize>(value: &V) -> Vec<u8> {
    postcard::to_stdvec(value).expect("encoding to a Vec cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_keys_round_trip_and_scan_by_their_first_part() {
        let key = ("s-1".to_owned(), "src/lib.rs".to_owned());
        let bytes = key.to_bytes();
        assert!(bytes.starts_with(&pair_prefix("s-1")));
        assert!(!bytes.starts_with(&pair_prefix("s-")));
        assert_eq!(<(String, String)>::decode(&bytes), Some(key));
        assert_eq!(u64::decode(&7u64.to_bytes()), Some(7));
        assert!(1u64.to_bytes() < 256u64.to_bytes());
    }
}
