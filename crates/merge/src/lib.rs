//! atomic's three-way structured merge.
//!
//! `merge(path, base, ours, theirs)` returns the merged text and structured conflicts.
//! Pure: bytes in, values out.
//!
//! ### Algorithm
//! 1. Unsupported language, binary content, or a parse error in any input: line-based
//!    [`diff3`] on Myers' diff, as `git merge-file --diff3` does.
//! 2. A clean line merge that passes the audit ([`audit`]: it parses, keeps each side's
//!    changed symbols as that side wrote them, defines and imports no name twice) and
//!    calls no function the other side deleted is the result: git's own, and Mergiraf's
//!    first step too. It is judged on symbol tables that leave out the code no side
//!    changed (`atomic_semantic::extract_touched`) when that decides, else on whole
//!    tables. The structured merge below is for the rest.
//! 3. Otherwise split each version's top level into items (symbols by kind and scoped
//!    name, imports by text; comments, attributes and decorators travel with the item
//!    below them) and decide per item: changed on one side, take it; changed identically,
//!    take it once; changed on both, recurse into the members of containers (impl, class,
//!    struct, enum, trait, module), else diff3 inside the item; still overlapping, a
//!    conflict on that symbol. Deleted on one side and modified on the other, or added on
//!    both with different text, is a conflict; so is a function deleted on one side and
//!    newly called on the other, which git merges silently.
//! 4. Items keep the order of the side that did not reorder them; additions from both
//!    sides at one place keep ours first. Untouched items are copied byte for byte, save
//!    the separators of a level whose items a list token separates (struct fields).
//! 5. A conflicting region inside a symbol is retried token by token; that merge stands
//!    only when the two sides' edits fall in separate syntax nodes (`statements`).
//! 6. The structured result is audited too; a failing one turns the file into a
//!    line-based merge, reported as a conflict.
//! 7. Still conflicting: a side's edit to lines the other side moved elsewhere (into a
//!    new function, a nested `use`) is carried to the moved lines and the versions are
//!    merged again (`moves`); that merge stands when it is clean.
//! 8. Conflicts are written with git's diff3 markers and returned as [`Conflict`]s.
//!
//! ### Relation to git and Mergiraf
//! Where no structure is found the result is git's `merge-file --diff3`. Mergiraf merges
//! syntax trees node by node; atomic merges by named items, which keeps untouched text
//! exactly and names the symbol of every conflict.

mod audit;
mod dependency;
mod diff3;
mod imports;
mod level;
mod lists;
mod moves;
mod statements;
mod structured;
#[cfg(test)]
mod touched_tests;
mod tree;

use serde::{Deserialize, Serialize};

pub use atomic_semantic::SymbolKind;
pub use audit::audit;
pub use dependency::{DependencyConflict, dependency_conflicts};
pub use diff3::{Labels, LineConflict, LineMerge, Pick, diff3};
pub use tree::{
    Merged, PathVersions, Side, TreeConflict, TreeConflictKind, TreeOutcome, merge_tree,
};

/// A resolution policy: for a conflict on the symbol named (`None` outside any symbol),
/// how to settle it. [`merge`] keeps every conflict; `session resolve` picks a side for
/// some.
pub type Policy<'a> = &'a dyn Fn(Option<&str>) -> Pick;

/// What one side did to a conflicting symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Left it as in base.
    Unchanged,
    /// Changed it.
    Modified,
    /// Removed it.
    Deleted,
    /// Added it (it is not in base).
    Added,
    /// Added a use of it (a call), while the other side deleted it.
    AddedDependency,
}

/// A conflict, per symbol where there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The symbol's scoped name; `None` for a conflict outside any symbol (or a whole
    /// file merged by lines).
    pub symbol: Option<String>,
    /// The symbol's kind.
    pub kind: Option<SymbolKind>,
    /// The text in base (`None` when absent).
    pub base: Option<String>,
    /// The text in ours (`None` when absent).
    pub ours: Option<String>,
    /// The text in theirs (`None` when absent).
    pub theirs: Option<String>,
    /// What ours did.
    pub ours_action: Action,
    /// What theirs did.
    pub theirs_action: Action,
    /// Why this is a conflict, for people.
    pub reason: String,
}

/// How a file was merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "strategy")]
pub enum Strategy {
    /// By symbols.
    Structured,
    /// By lines (diff3), and why.
    LineBased {
        /// Why the structured merge was not used.
        reason: String,
    },
}

/// The result of [`merge`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergeOutcome {
    /// The merged text; conflicts are marked with git's diff3 markers.
    #[serde(skip)]
    pub text: Vec<u8>,
    /// The conflicts; empty when the merge is clean.
    pub conflicts: Vec<Conflict>,
    /// Conflicts the resolution policy settled (see [`merge_with`]); not in `conflicts`.
    #[serde(skip)]
    pub settled: usize,
    /// How the file was merged.
    pub strategy: Strategy,
}

impl MergeOutcome {
    /// Returns whether the merge is clean.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// Merges `ours` and `theirs`, both derived from `base`, for a file at `path` (its
/// extension picks the language). Never fails: at worst the result is a line merge with
/// conflicts.
pub fn merge(
    path: &str,
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
) -> MergeOutcome {
    structured::merge(path, base, ours, theirs, labels, &|_| Pick::Keep)
}

/// Like [`merge`], settling conflicts as `policy` says: the ones it picks a side for are
/// written as that side and not reported. The decisions are the same as [`merge`]'s, so a
/// policy applies to exactly the conflicts [`merge`] reports.
pub fn merge_with(
    path: &str,
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
    policy: Policy<'_>,
) -> MergeOutcome {
    structured::merge(path, base, ours, theirs, labels, policy)
}
