//! `merge`: another branch into the current one, file by file with the structured merge,
//! recorded as a change with two parents (a git merge commit).

use std::collections::{BTreeSet, HashSet};

use atomic_core::{ChangeId, FileMode, FileState, GitId};
use atomic_gitbridge::{self as bridge, TreeFiles};
use atomic_merge::Labels;
use serde::{Deserialize, Serialize};

use crate::worktree::FileContents;
use crate::{Repo, RepoError, Result};

/// Meta key of an unfinished merge.
const MERGE_STATE: &str = "merge.state";

/// A merge waiting for its conflicts to be resolved and recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeState {
    /// The branch (or revision) being merged, as given.
    pub other_name: String,
    /// Its commit: the merge commit's second parent.
    pub other: GitId,
    /// Paths written with conflict markers.
    pub conflicts: Vec<String>,
}

/// What `merge` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum MergeResult {
    /// The other branch is already contained in this one.
    UpToDate,
    /// This branch only moved forward to the other one.
    FastForward {
        /// The new head.
        commit: GitId,
    },
    /// Merged cleanly and recorded.
    Merged {
        /// The merge change.
        change: ChangeId,
        /// Its commit.
        commit: GitId,
        /// Files both sides changed that the structured merge combined.
        merged_files: Vec<String>,
    },
    /// Conflicts are in the working tree; resolve them and `record`.
    Conflicts {
        /// The conflicting files.
        files: Vec<String>,
        /// Conflicts per file, with symbols.
        details: Vec<FileConflicts>,
    },
}

/// The conflicts of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileConflicts {
    /// The path.
    pub path: String,
    /// The conflicts.
    pub conflicts: Vec<atomic_merge::Conflict>,
}

impl Repo {
    /// Returns the unfinished merge, if any.
    pub fn merge_state(&self) -> Result<Option<MergeState>> {
        Ok(self
            .store
            .meta(MERGE_STATE)?
            .and_then(|v| postcard::from_bytes(&v).ok()))
    }

    /// Returns the merge base of two commits: their most recent common ancestor, walking
    /// the change graph (newest committer time first).
    pub fn merge_base(&self, a: GitId, b: GitId) -> Result<Option<GitId>> {
        let start_a = self.change_of_commit(a)?;
        let ancestors: HashSet<ChangeId> =
            self.log(&[start_a], None)?.iter().map(|c| c.id).collect();
        let start_b = self.change_of_commit(b)?;
        Ok(self
            .log(&[start_b], None)?
            .into_iter()
            .find(|c| ancestors.contains(&c.id))
            .map(|c| c.git_commit))
    }

    /// Merges `rev` into the current branch. A clean merge is recorded at once; otherwise
    /// the conflicts are written into the working tree with diff3 markers and `record`
    /// finishes the merge once they are resolved.
    ///
    /// # Errors
    /// [`RepoError::DirtyWorkingTree`], [`RepoError::DetachedHead`], an unknown revision, a
    /// merge already in progress.
    pub fn merge(&self, rev: &str) -> Result<MergeResult> {
        if self.merge_state()?.is_some() {
            return Err(RepoError::MergeInProgress);
        }
        let branch = bridge::head_branch(&self.git)?.ok_or(RepoError::DetachedHead)?;
        let status = self.status()?;
        if let Some(first) = status.changes.iter().find(|c| c.old.is_some()) {
            return Err(RepoError::DirtyWorkingTree {
                count: status.changes.len(),
                example: first.path.clone(),
            });
        }
        let other = self.resolve(rev)?.git_commit;
        let head = self
            .head_commit()?
            .ok_or_else(|| RepoError::UnknownRevision { rev: "HEAD".into() })?;
        let base = self.merge_base(head, other)?;
        if base == Some(other) || head == other {
            return Ok(MergeResult::UpToDate);
        }
        if base == Some(head) {
            let from = self.head_files()?;
            let tree = bridge::commit_tree(&self.git, other)?;
            let to = bridge::tree_files(&self.git, tree)?;
            crate::worktree::checkout(self, &from, &to)?;
            bridge::set_ref(
                &self.git,
                &branch,
                other,
                Some(Some(head)),
                &format!("atomic merge {rev}: fast-forward"),
            )?;
            self.write_index(tree)?;
            let before = self.store.refs()?;
            let mut after = before.clone();
            after.insert(branch, other);
            crate::sync::write_refs(&self.store, &before, &after, |_| {
                format!("merge: fast-forward to {rev}")
            })?;
            return Ok(MergeResult::FastForward { commit: other });
        }
        let files = |c: Option<GitId>| -> Result<TreeFiles> {
            match c {
                Some(c) => Ok(bridge::tree_files(
                    &self.git,
                    bridge::commit_tree(&self.git, c)?,
                )?),
                None => Ok(TreeFiles::new()),
            }
        };
        let (bf, of, tf) = (files(base)?, files(Some(head))?, files(Some(other))?);
        let paths: BTreeSet<&String> = bf.keys().chain(of.keys()).chain(tf.keys()).collect();
        let mut merged = TreeFiles::new();
        let mut writes: Vec<(String, Option<FileContents>)> = Vec::new();
        let mut conflicts = Vec::new();
        let mut merged_files = Vec::new();
        let labels = Labels {
            ours: "ours",
            base: "base",
            theirs: rev,
        };
        for path in paths {
            let (b, o, t) = (bf.get(path), of.get(path), tf.get(path));
            if o == t || t == b {
                if let Some(o) = o {
                    merged.insert(path.clone(), *o);
                }
                continue;
            }
            if o == b {
                match t {
                    Some(t) => {
                        merged.insert(path.clone(), *t);
                        writes.push((path.clone(), Some((t.mode, self.blob(t)?))));
                    }
                    None => writes.push((path.clone(), None)),
                }
                continue;
            }
            // Changed on both sides.
            let mode = match (b, o, t) {
                (_, Some(o), Some(t)) if o.mode == t.mode => o.mode,
                (Some(b), Some(o), Some(t)) => {
                    if o.mode == b.mode {
                        t.mode
                    } else {
                        o.mode
                    }
                }
                (_, Some(o), None) => o.mode,
                (_, None, Some(t)) => t.mode,
                _ => FileMode::Blob,
            };
            let text = |s: Option<&FileState>| -> Result<Vec<u8>> {
                s.map_or(Ok(Vec::new()), |s| self.blob(s))
            };
            let mergeable = |s: Option<&FileState>| {
                s.is_none_or(|s| matches!(s.mode, FileMode::Blob | FileMode::Executable))
            };
            if o.is_none() || t.is_none() || !(mergeable(b) && mergeable(o) && mergeable(t)) {
                // Deleted on one side and changed on the other, or not text: keep ours and
                // report; the other version is in the conflict record.
                conflicts.push(FileConflicts {
                    path: path.clone(),
                    conflicts: vec![atomic_merge::Conflict {
                        symbol: None,
                        kind: None,
                        base: b.map(|s| s.blob.to_hex()),
                        ours: o.map(|s| s.blob.to_hex()),
                        theirs: t.map(|s| s.blob.to_hex()),
                        ours_action: if o.is_none() {
                            atomic_merge::Action::Deleted
                        } else {
                            atomic_merge::Action::Modified
                        },
                        theirs_action: if t.is_none() {
                            atomic_merge::Action::Deleted
                        } else {
                            atomic_merge::Action::Modified
                        },
                        reason: "deleted on one side and changed on the other, or not a text file"
                            .into(),
                    }],
                });
                if o.is_none()
                    && let Some(t) = t
                {
                    writes.push((path.clone(), Some((t.mode, self.blob(t)?))));
                }
                continue;
            }
            let outcome = atomic_merge::merge(path, &text(b)?, &text(o)?, &text(t)?, &labels);
            let blob = bridge::write_blob(&self.git, &outcome.text)?;
            merged.insert(path.clone(), FileState { mode, blob });
            writes.push((path.clone(), Some((mode, outcome.text.clone()))));
            if outcome.is_clean() {
                merged_files.push(path.clone());
            } else {
                conflicts.push(FileConflicts {
                    path: path.clone(),
                    conflicts: outcome.conflicts,
                });
            }
        }
        for (path, content) in &writes {
            let full = self.root.join(path);
            match content {
                Some((mode, data)) => crate::worktree::write_bytes(&full, *mode, data)?,
                None => match std::fs::remove_file(&full) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(RepoError::io("removing", full)(e)),
                },
            }
        }
        if conflicts.is_empty() {
            let message = format!("Merge branch '{rev}'\n");
            let change = self.commit_tree_files(&merged, &[head, other], &message, &branch)?;
            return Ok(MergeResult::Merged {
                change: change.id,
                commit: change.git_commit,
                merged_files,
            });
        }
        let state = MergeState {
            other_name: rev.to_owned(),
            other,
            conflicts: conflicts.iter().map(|c| c.path.clone()).collect(),
        };
        let mut batch = self.store.batch();
        batch.set_meta(
            MERGE_STATE,
            &postcard::to_stdvec(&state).expect("encoding to a Vec cannot fail"),
        );
        self.store.write(batch)?;
        // Let git see the merge too: a `git commit` now makes a merge commit.
        let git_dir = self.git.git_dir().to_owned();
        std::fs::write(git_dir.join("MERGE_HEAD"), format!("{other}\n"))
            .map_err(RepoError::io("writing", git_dir.join("MERGE_HEAD")))?;
        std::fs::write(git_dir.join("MERGE_MSG"), format!("Merge branch '{rev}'\n"))
            .map_err(RepoError::io("writing", git_dir.join("MERGE_MSG")))?;
        Ok(MergeResult::Conflicts {
            files: state.conflicts,
            details: conflicts,
        })
    }

    /// Ends an unfinished merge's state (after its change was recorded).
    pub(crate) fn clear_merge_state(&self, batch: &mut atomic_store::Batch<'_>) {
        batch.delete_meta(MERGE_STATE);
        let git_dir = self.git.git_dir();
        let _ = std::fs::remove_file(git_dir.join("MERGE_HEAD"));
        let _ = std::fs::remove_file(git_dir.join("MERGE_MSG"));
    }
}
