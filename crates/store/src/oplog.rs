//! The operation log: one record per mutation of refs, with what each ref was before and
//! after.

use std::collections::BTreeMap;

use atomic_core::GitId;
use serde::{Deserialize, Serialize};

/// What one operation did to one ref: `None` before means created, `None` after deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefEdit {
    /// The commit before the operation.
    pub before: Option<GitId>,
    /// The commit after it.
    pub after: Option<GitId>,
}

/// One mutation of the repository, as recorded in the append-only op log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// Position in the log, from 1.
    pub seq: u64,
    /// When it happened, seconds since the Unix epoch.
    pub time_seconds: i64,
    /// What was done, e.g. `record: fix parser` or `import: 12 commit(s) from git`.
    pub description: String,
    /// The refs it moved, created or deleted (full name → edit); only those.
    pub refs: BTreeMap<String, RefEdit>,
    /// The session that did it, when an agent's session did.
    pub session_id: Option<String>,
}

/// Returns the edits that turn `before` into `after`: every ref whose commit differs.
pub fn ref_edits(
    before: &BTreeMap<String, GitId>,
    after: &BTreeMap<String, GitId>,
) -> BTreeMap<String, RefEdit> {
    let mut edits = BTreeMap::new();
    for (name, commit) in after {
        if before.get(name) != Some(commit) {
            edits.insert(
                name.clone(),
                RefEdit {
                    before: before.get(name).copied(),
                    after: Some(*commit),
                },
            );
        }
    }
    for (name, commit) in before {
        if !after.contains_key(name) {
            edits.insert(
                name.clone(),
                RefEdit {
                    before: Some(*commit),
                    after: None,
                },
            );
        }
    }
    edits
}
