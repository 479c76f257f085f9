//! Integrating a session onto its branch: the tree a submit commits, or the conflicts
//! that stop it; and `resolve`, which rebases the session onto the branch.
//!
//! ### Algorithm
//! The branch has not moved since the session's base: the new tree is the base tree with
//! the session's edits (a fast-forward). It has moved: the paths either side changed (the
//! session's overlay, and a tree diff from the base to the head, which skips unchanged
//! subtrees) go through [`atomic_merge::merge_tree`], and the result is written onto the
//! head's tree. Only the trees along changed paths are read or written, so the cost
//! follows what the two sides changed, not the size of the repository.

use std::collections::BTreeMap;

use atomic_core::{ChangeId, FileMode, FileState, GitId};
use atomic_gitbridge::{self as bridge, TreeEntry};
use atomic_merge::{
    Labels, Merged, PathVersions, Pick, Side, TreeConflict, TreeConflictKind, merge_tree,
};
use serde::{Deserialize, Serialize};

use crate::{ResolveAction, Result, Session, SessionError, Sessions};

/// A session's edits against its base: path → (base state, session state).
pub type Edits = atomic_gitbridge::ChangedFiles;

/// What integrating a session onto its branch head gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Integration {
    /// The tree to commit on top of the head.
    Clean {
        /// The new tree.
        tree: GitId,
        /// Whether the head is still the session's base.
        fast_forward: bool,
        /// Files both sides changed, merged by symbols.
        merged_files: Vec<String>,
    },
    /// Nothing to commit: these conflicts.
    Conflict(Vec<TreeConflict>),
}

/// One file of the session after `resolve`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResolvedFile {
    /// The path.
    pub path: String,
    /// Conflict blocks still in the file (markers for the agent to fix).
    pub conflicts_left: usize,
}

const LABELS: Labels<'static> = Labels {
    ours: "session",
    base: "base",
    theirs: "branch",
};

impl Sessions<'_> {
    /// Every path either side changed, with its three versions.
    fn path_versions(
        &self,
        session: &Session,
        edits: &Edits,
        head_tree: GitId,
    ) -> Result<Vec<PathVersions>> {
        let base_tree = bridge::commit_tree(self.git(), session.base_commit)?;
        let theirs = bridge::changed_files(self.git(), base_tree, head_tree)?;
        let mut paths: BTreeMap<String, PathVersions> = BTreeMap::new();
        for (path, (base, ours)) in edits {
            let theirs_state = theirs.get(path).map_or(*base, |(_, t)| *t);
            paths.insert(
                path.clone(),
                PathVersions {
                    path: path.clone(),
                    base: *base,
                    ours: *ours,
                    theirs: theirs_state,
                },
            );
        }
        for (path, (base, head)) in theirs {
            paths.entry(path.clone()).or_insert(PathVersions {
                path,
                base,
                ours: base,
                theirs: head,
            });
        }
        Ok(paths.into_values().collect())
    }

    fn merge(
        &self,
        paths: &[PathVersions],
        policy: atomic_merge::Policy<'_>,
    ) -> Result<atomic_merge::TreeOutcome> {
        let git = self.git();
        let read = |s: &FileState| bridge::read_blob(git, s.blob);
        Ok(merge_tree(paths, &read, &LABELS, policy)?)
    }

    /// Integrates the session's `edits` onto `head`: the tree to commit, or the conflicts.
    /// Blobs of merged files are written to git; refs are not touched.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn integrate(&self, session: &Session, edits: &Edits, head: GitId) -> Result<Integration> {
        let head_tree = bridge::commit_tree(self.git(), head)?;
        if head == session.base_commit {
            let changes: Vec<(String, Option<FileState>)> = edits
                .iter()
                .map(|(p, (_, new))| (p.clone(), *new))
                .collect();
            return Ok(Integration::Clean {
                tree: bridge::edit_tree(self.git(), head_tree, &ordered(changes))?,
                fast_forward: true,
                merged_files: Vec::new(),
            });
        }
        let paths = self.path_versions(session, edits, head_tree)?;
        let outcome = self.merge(&paths, &|_| Pick::Keep)?;
        if !outcome.is_clean() {
            return Ok(Integration::Conflict(outcome.conflicts));
        }
        let mut changes = Vec::new();
        for p in &paths {
            let state = match outcome.files.get(&p.path).cloned().flatten() {
                Some(Merged::Existing(s)) => Some(s),
                Some(Merged::New { mode, text }) => Some(FileState {
                    mode,
                    blob: bridge::write_blob(self.git(), &text)?,
                }),
                None => None,
            };
            if state != p.theirs {
                changes.push((p.path.clone(), state));
            }
        }
        let clashes = self.clashes(head_tree, &changes)?;
        if !clashes.is_empty() {
            return Ok(Integration::Conflict(clashes));
        }
        Ok(Integration::Clean {
            tree: bridge::edit_tree(self.git(), head_tree, &ordered(changes))?,
            fast_forward: false,
            merged_files: outcome.merged,
        })
    }

    /// Files the session adds where the head has a directory, or under a path that is a
    /// file in the head: git trees cannot hold both, and writing one would drop the other.
    fn clashes(
        &self,
        head_tree: GitId,
        changes: &[(String, Option<FileState>)],
    ) -> Result<Vec<TreeConflict>> {
        let removed = |p: &str| changes.iter().any(|(c, s)| c == p && s.is_none());
        let mut out = Vec::new();
        for (path, state) in changes {
            if state.is_none() {
                continue;
            }
            let mut end = 0;
            let mut clash = None;
            while let Some(i) = path[end..].find('/') {
                let parent = &path[..end + i];
                if matches!(
                    self.objects().tree_entry(self.git(), head_tree, parent)?,
                    Some(TreeEntry::File(_))
                ) && !removed(parent)
                {
                    clash = Some(parent.to_owned());
                    break;
                }
                end += i + 1;
            }
            if clash.is_none()
                && let Some(TreeEntry::Dir(dir)) =
                    self.objects().tree_entry(self.git(), head_tree, path)?
                && bridge::tree_files(self.git(), dir)?
                    .keys()
                    .any(|rel| !removed(&format!("{path}/{rel}")))
            {
                clash = Some(path.clone());
            }
            if let Some(clash) = clash {
                out.push(TreeConflict {
                    path: path.clone(),
                    kind: TreeConflictKind::PathClash {
                        clash,
                        side: Side::Theirs,
                    },
                });
            }
        }
        Ok(out)
    }

    /// Rebases the session onto `head` (its branch's head now, with its change), settling
    /// the conflicts a submit reported: `Proceed` keeps conflict markers in the files for
    /// the agent to fix; `KeepYours` / `KeepTheirs` take the session's or the branch's side
    /// of each content conflict; `Manual` takes `content` for the file of the conflict.
    /// With `symbol`, only that symbol's conflicts are settled; the others keep their
    /// markers. Everything that merged is kept from both sides, and so are both sides of
    /// conflicts that are not about content (a deleted file, a deleted function still
    /// called): the session keeps its version for the agent to settle. The session's next
    /// submit is a fast-forward. One batch.
    ///
    /// # Errors
    /// [`SessionError::NoContent`] for `Manual` without content; store and git errors.
    pub fn resolve(
        &self,
        session: &Session,
        head: (GitId, ChangeId),
        action: ResolveAction,
        symbol: Option<&str>,
        content: Option<&[u8]>,
    ) -> Result<Vec<ResolvedFile>> {
        let edits = self.edits(session, false)?;
        let head_tree = bridge::commit_tree(self.git(), head.0)?;
        let paths = self.path_versions(session, &edits, head_tree)?;
        let selected = |s: Option<&str>| symbol.is_none_or(|want| s == Some(want));
        let pick = match action {
            ResolveAction::KeepYours => Pick::Ours,
            ResolveAction::KeepTheirs => Pick::Theirs,
            ResolveAction::Proceed | ResolveAction::Manual => Pick::Keep,
        };
        let policy = |s: Option<&str>| if selected(s) { pick } else { Pick::Keep };
        let outcome = self.merge(&paths, &policy)?;
        // The file `manual` content replaces: the one holding the selected conflict.
        let manual_path = if action == ResolveAction::Manual {
            let content = content.ok_or(SessionError::NoContent)?;
            outcome
                .conflicts
                .iter()
                .find(|c| match &c.kind {
                    TreeConflictKind::Content { conflicts } => {
                        conflicts.iter().any(|x| selected(x.symbol.as_deref()))
                    }
                    _ => symbol.is_none_or(|s| s == c.path),
                })
                .map(|c| (c.path.clone(), content))
        } else {
            None
        };
        let left: BTreeMap<&str, usize> = outcome
            .conflicts
            .iter()
            .map(|c| match &c.kind {
                TreeConflictKind::Content { conflicts } => (c.path.as_str(), conflicts.len()),
                _ => (c.path.as_str(), 1),
            })
            .collect();
        let mut files = BTreeMap::new();
        let mut report = Vec::new();
        for p in &paths {
            let merged = outcome.files.get(&p.path).cloned().flatten();
            let mut result: Option<(FileMode, Vec<u8>)> = match merged {
                Some(Merged::Existing(s)) => Some((s.mode, bridge::read_blob(self.git(), s.blob)?)),
                Some(Merged::New { mode, text }) => Some((mode, text)),
                None => None,
            };
            let mut conflicts_left = left.get(p.path.as_str()).copied().unwrap_or(0);
            if let Some((path, content)) = &manual_path
                && *path == p.path
            {
                let mode = result.as_ref().map_or(FileMode::Blob, |(m, _)| *m);
                result = Some((mode, content.to_vec()));
                conflicts_left = 0;
            }
            if left.contains_key(p.path.as_str()) || outcome.settled.contains_key(&p.path) {
                report.push(ResolvedFile {
                    path: p.path.clone(),
                    conflicts_left,
                });
            }
            let theirs = match p.theirs {
                Some(s) => Some((s.mode, bridge::read_blob(self.git(), s.blob)?)),
                None => None,
            };
            if result != theirs {
                files.insert(p.path.clone(), result);
            }
        }
        self.rebase(session, head, &files)?;
        Ok(report)
    }
}

/// Puts removals before additions, so a file replaced by a directory (or the reverse) is
/// gone before the new entry is written.
fn ordered(mut changes: Vec<(String, Option<FileState>)>) -> Vec<(String, Option<FileState>)> {
    changes.sort_by_key(|(p, s)| (s.is_some(), p.clone()));
    changes
}
