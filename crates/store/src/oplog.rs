//! The operation log: one record per mutation, with refs before and after.

use std::collections::BTreeMap;

use atomic_core::GitId;
use serde::{Deserialize, Serialize};

/// One mutation of the repository, as recorded in the append-only op log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// Position in the log, from 1.
    pub seq: u64,
    /// When it happened, seconds since the Unix epoch.
    pub time_seconds: i64,
    /// What was done, e.g. `record: fix parser` or `import 12 commits`.
    pub description: String,
    /// Refs (name → commit) before the operation.
    pub refs_before: BTreeMap<String, GitId>,
    /// Refs (name → commit) after the operation.
    pub refs_after: BTreeMap<String, GitId>,
}
