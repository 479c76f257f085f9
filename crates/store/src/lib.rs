//! atomic's RocksDB store: column families, encodings, schema version, write batches.
//!
//! One RocksDB per repository under `.atomic/store`. Every operation commits in one
//! [`Batch`]: a crash leaves the store before or after it, never between. Values are
//! encoded with postcard; keys are raw ids, ref names, or big-endian sequence numbers.
//!
//! Column families:
//! - `changes`: [`ChangeId`] (32 bytes) → [`Change`]
//! - `change_by_commit`: git commit id (20 bytes) → [`ChangeId`]
//! - `refs`: ref name (`refs/heads/main`) → git commit id, as last seen or written by atomic
//! - `oplog`: sequence number (u64, big-endian) → [`Operation`]
//! - `meta`: `schema_version` and the import state
//! - `symbols`: symbol tables cached per blob (opaque bytes from the semantic layer)
//! - `sessions`, `overlay` (session id, NUL, path), `blobs` (blake3 → contents not yet
//!   committed): agent sessions, opaque bytes from the session layer
//! - `events`: sequence number (u64, big-endian) → symbol event of a merged change
//! - `touched` (session id, NUL, path): the symbols a session's overlay of that path
//!   changed, recorded at write time so that soft-conflict checks parse nothing

mod error;
mod oplog;
mod store;

pub use error::{Result, StoreError};
pub use oplog::Operation;
pub use store::{Batch, ImportState, SCHEMA_VERSION, Store};
