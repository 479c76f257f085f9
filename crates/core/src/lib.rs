//! atomic's data model: change ids, changes, file changes, hunks, line diff and patch apply.
//!
//! This crate does no I/O. A [`Change`] is a first-class record of hunks bound to exactly
//! one git commit; its [`ChangeId`] is the blake3 hash of its canonical encoding.

mod change;
mod diff;
mod id;

pub use change::{Change, FileChange, FileKind, FileMode, FileState, Origin, Signature, subject};
pub use diff::{ApplyError, Hunk, apply_hunks, diff_lines, is_binary, unified_diff};
pub use id::{ChangeId, GitId, IdError};
