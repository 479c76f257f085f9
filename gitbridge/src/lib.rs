//! atomic's git bridge: import and export of commits, trees, blobs and refs, with gix.
//!
//! Import turns every commit reachable from the refs into a [`Change`](atomic_core::Change)
//! (hunks against the first parent, renames detected) and keeps its commit id. Export
//! writes trees and commits for changes made in atomic. This crate knows nothing of the
//! store: callers say which commits are known and where finished changes go.

mod cache;
mod convert;
mod error;
mod import;
mod index;
mod refs;
mod tree;
mod verify;

pub use cache::{ObjectCache, TreeLevel};
pub use convert::{date_format, git_id, object_id, signature_from_git, signature_to_git};
pub use error::{BridgeError, Result};
pub use import::{ImportPlan, Importer, commit_change, commit_changes};
pub use index::{index_bytes, write_index};
pub use refs::{
    RefTip, config_string, delete_ref, head_branch, read_ref, ref_tips, set_head_branch, set_ref,
};
pub use tree::{
    ChangedFiles, TreeEntry, TreeFiles, blob_id, blob_size, changed_files, commit_tree, edit_tree,
    read_blob, tree_entry, tree_files, tree_level, write_blob, write_commit, write_tree,
};
pub use verify::verify_change;
