//! atomic's API, without its engine: what a client needs to call `atomic serve` and show
//! the answer, and nothing that opens the store. The `atomic` command's thin client links
//! only this (and the merge); the engine implements the methods.
//!
//! - [`Method`]: one per operation, with serde params and results ([`session`] holds the
//!   session methods clients call most).
//! - [`CommandError`]: an error with a stable kind, a message, hints and an exit code; the
//!   engine's errors become one through [`Reported`].
//! - [`rpc`] and [`Connection`]: JSON-RPC 2.0 over `.atomic/serve.sock`.
//! - [`layout`]: where a repository keeps atomic's data, and how a mount names its session.

mod connection;
mod error;
pub mod layout;
mod method;
pub mod rpc;
pub mod session;

pub use connection::{Connection, SOCKET, socket_path};
pub use error::{CommandError, EXIT_BUSY, EXIT_INTERNAL, EXIT_USER, Reported};
pub use layout::{ATOMIC_DIR, MountedSession, SESSION_FILE, discover_root, discover_session};
pub use method::{Auth, Contents, Method, PROTOCOL_VERSION};
pub use session::{ConflictWarning, SessionMode, WriteResult};
