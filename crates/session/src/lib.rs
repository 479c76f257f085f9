//! atomic's agent sessions: copy-on-write virtual working copies that live in the store.
//!
//! A session is one small record (id, agent, base, mode, token hash); nothing is copied.
//! Reads fall through the session's overlay to the base tree; writes go to the overlay.
//! This crate holds the model and the rules (paths, tokens, conflict blocks, dependency
//! conflicts across files); `atomic-repo` runs the operations against the store and git.

mod conflict;
mod event;
mod model;
mod path;
mod token;

pub use conflict::{
    ChangeType, ConflictBlock, ConflictingSymbol, SideChange, dependency_conflicts,
};
pub use event::Event;
pub use model::{OverlayEntry, Session, SessionMode};
pub use path::{PathError, validate_path};
pub use token::{hash_token, new_session_id, new_token};
