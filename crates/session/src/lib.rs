//! atomic's session engine: copy-on-write virtual working copies that live in the store.
//!
//! A session is one small record (id, agent, base, mode, token hash); nothing is copied.
//! Reads fall through the session's overlay to the base commit's tree, looked up lazily;
//! writes go to the overlay, with git's path rules and the symbols they change recorded as
//! claims, so other sessions get soft-conflict warnings without parsing anything. A submit
//! is planned here ([`Sessions::integrate`]: a fast-forward, or the tree-level structured
//! merge onto the branch head) and committed by `atomic-repo`, which owns refs and the
//! working tree.

mod conflict;
mod edit;
mod engine;
mod error;
mod event;
mod integrate;
mod model;
mod path;
mod review;
pub mod symbols;
mod token;

pub use conflict::{ChangeRef, ConflictBlock, ConflictingSymbol, ResolveAction, SideChange};
pub use edit::Applied;
pub use engine::{
    ConflictWarning, Entry, Node, SessionFileDiff, Sessions, WriteResult, content_hash,
    marker_lines, symbol_changes,
};
pub use error::{Result, SessionError};
pub use event::{Event, EventKind};
pub use integrate::{Edits, Integration, ResolvedFile};
pub use model::{OverlayEntry, Receipt, Session, SessionMode};
pub use path::{MAX_COMPONENT_BYTES, MAX_PATH_BYTES, PathError, validate_path};
pub use review::{Comment, MAX_COMMENT_BYTES, OWNER_KEY};
pub use token::{hash_token, new_session_id, new_token};

/// The tables the session layer keeps, over the store's column families.
pub mod tables {
    use std::collections::BTreeSet;

    use atomic_store::{Bytes, Table, cf};

    use crate::{Comment, Event, OverlayEntry, Session};

    /// Session records, by id.
    pub const SESSIONS: Table<String, Session> = Table::new(cf::SESSIONS);
    /// Overlays: (session, path) → entry.
    pub const OVERLAY: Table<(String, String), OverlayEntry> = Table::new(cf::OVERLAY);
    /// Contents written in sessions, by blake3 (hex).
    pub const BLOBS: Table<String, Bytes> = Table::new(cf::BLOBS);
    /// Claims: (path, session) → the scoped names of the symbols the session changed there.
    pub const CLAIMS: Table<(String, String), BTreeSet<String>> = Table::new(cf::CLAIMS);
    /// Symbol events of merged changes, by sequence number.
    pub const EVENTS: Table<u64, Event> = Table::new(cf::EVENTS);
    /// Review comments: (session, comment id) → comment.
    pub const COMMENTS: Table<(String, String), Comment> = Table::new(cf::COMMENTS);
    /// The hash of the repository owner's token (the dashboard's secret), under
    /// [`crate::review::OWNER_KEY`].
    pub const OWNER: Table<String, String> = Table::new(cf::META);
}
