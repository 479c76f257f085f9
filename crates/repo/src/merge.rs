//! `merge`: another branch into the current one, through the tree-level structured merge,
//! recorded as a change with two parents (a git merge commit).

use std::collections::{BTreeMap, HashSet};
use std::sync::PoisonError;

use atomic_core::{ChangeId, FileState, GitId};
use atomic_gitbridge::{self as bridge, TreeFiles};
use atomic_merge::{Labels, Merged, PathVersions, Pick, TreeConflict, merge_tree};
use atomic_store::{Table, cf};
use serde::{Deserialize, Serialize};

use crate::safe_fs::Root;
use crate::{Repo, RepoError, Result};

/// A merge waiting for its conflicts to be resolved and recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeState {
    /// The branch (or revision) being merged, as given.
    pub other_name: String,
    /// Its commit: the merge commit's second parent.
    pub other: GitId,
    /// Paths written with conflict markers (or otherwise in conflict).
    pub conflicts: Vec<String>,
}

/// The unfinished merge, under [`MERGE_STATE_KEY`].
const MERGE_STATE: Table<String, MergeState> = Table::new(cf::META);
const MERGE_STATE_KEY: &str = "merge.state";

/// What `merge` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        change_id: ChangeId,
        /// Its commit.
        commit: GitId,
        /// Files both sides changed that the structured merge combined.
        merged_files: Vec<String>,
    },
    /// Conflicts are in the working tree; resolve them and `record`.
    Conflicts {
        /// The conflicting files.
        files: Vec<String>,
        /// The conflicts, by file and symbol.
        conflicts: Vec<TreeConflict>,
    },
}

impl Repo {
    /// Returns the unfinished merge, if any. atomic's record of it holds only while git's
    /// `MERGE_HEAD` names the same commit: a `git merge --abort`, or a `git commit` that
    /// concluded the merge, ends it for atomic too.
    ///
    /// # Errors
    /// Store errors.
    pub fn merge_state(&self) -> Result<Option<MergeState>> {
        let Some(state) = self.store.get(MERGE_STATE, &MERGE_STATE_KEY.to_owned())? else {
            return Ok(None);
        };
        let merge_head = std::fs::read_to_string(self.git.git_dir().join("MERGE_HEAD"))
            .ok()
            .and_then(|t| GitId::from_hex(t.trim()).ok());
        Ok((merge_head == Some(state.other)).then_some(state))
    }

    /// Abandons the unfinished merge, as `git merge --abort` does: every path the merge
    /// changed gets HEAD's version again (conflict resolutions in progress included),
    /// files it added go, git's index is HEAD's tree, and `MERGE_HEAD` goes. Untracked
    /// files the merge did not write are kept. Returns the paths written or removed.
    ///
    /// # Errors
    /// [`RepoError::NoMergeInProgress`]; git, store and I/O errors.
    pub fn merge_abort(&self) -> Result<Vec<String>> {
        let state = self.merge_state()?.ok_or(RepoError::NoMergeInProgress)?;
        let _worktree = self
            .shared
            .worktree
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let head_files = self.head_files()?;
        let theirs = bridge::tree_files(&self.git, bridge::commit_tree(&self.git, state.other)?)?;
        let root = Root::open(&self.root)?;
        let mut restored = Vec::new();
        for change in self.status()?.changes {
            let path = change.path;
            match head_files.get(&path) {
                Some(s) => {
                    let data = match s.mode {
                        atomic_core::FileMode::Submodule => Vec::new(),
                        _ => self.blob(s)?,
                    };
                    root.write(&path, s.mode, &data)?;
                }
                // Added by the merge (theirs has it): it goes. Other untracked files stay.
                None if theirs.contains_key(&path) => root.remove(&path)?,
                None => continue,
            }
            restored.push(path);
        }
        if let Some(head) = self.head_commit()? {
            self.write_index(bridge::commit_tree(&self.git, head)?)?;
        }
        let mut batch = self.store.batch();
        self.stage_merge_end(&mut batch);
        self.store.write(batch)?;
        self.clear_git_merge_files();
        Ok(restored)
    }

    /// Returns the merge base of two commits: their most recent common ancestor, walking
    /// the change graph (newest committer time first).
    ///
    /// # Errors
    /// Store errors; a commit with no change.
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
        self.sync(&crate::NoProgress)?;
        let _worktree = self
            .shared
            .worktree
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
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
        let tree_of = |c: GitId| bridge::commit_tree(&self.git, c);
        if base == Some(head) {
            let from = self.head_files()?;
            let to = bridge::tree_files(&self.git, tree_of(other)?)?;
            crate::worktree::checkout(self, &from, &to)?;
            self.writing_refs(&[&branch], || {
                Ok(bridge::set_ref(
                    &self.git,
                    &branch,
                    other,
                    Some(Some(head)),
                    &format!("atomic merge {rev}: fast-forward"),
                )?)
            })?;
            self.write_index(tree_of(other)?)?;
            let mut lock = self.store.lock();
            let before = self.store.refs()?;
            let mut after = before.clone();
            after.insert(branch, other);
            self.record_refs(
                &mut lock,
                &before,
                &after,
                format!("merge: fast-forward to {rev}"),
            )?;
            return Ok(MergeResult::FastForward { commit: other });
        }
        let paths = self.merge_paths(
            base.map(tree_of).transpose()?,
            tree_of(head)?,
            tree_of(other)?,
        )?;
        let labels = Labels {
            ours: "ours",
            base: "base",
            theirs: rev,
        };
        let read = |s: &FileState| self.blob(s);
        let outcome = merge_tree(&paths, &read, &labels, &|_| Pick::Keep)?;
        let root = Root::open(&self.root)?;
        let mut merged = self.head_files()?;
        for p in &paths {
            let result = outcome.files.get(&p.path).cloned().flatten();
            let state = match &result {
                Some(Merged::Existing(s)) => Some(*s),
                Some(Merged::New { mode, text }) => Some(FileState {
                    mode: *mode,
                    blob: bridge::write_blob(&self.git, text)?,
                }),
                None => None,
            };
            if state == p.ours {
                continue;
            }
            match (&result, state) {
                (Some(Merged::New { mode, text }), _) => root.write(&p.path, *mode, text)?,
                (_, Some(s)) => root.write(&p.path, s.mode, &self.blob(&s)?)?,
                (_, None) => root.remove(&p.path)?,
            }
            match state {
                Some(s) => merged.insert(p.path.clone(), s),
                None => merged.remove(&p.path),
            };
        }
        if outcome.is_clean() {
            let message = format!("Merge branch '{rev}'\n");
            drop(_worktree);
            let change = self.commit_files(&merged, &[head, other], &message, &branch)?;
            return Ok(MergeResult::Merged {
                change_id: change.id,
                commit: change.git_commit,
                merged_files: outcome.merged,
            });
        }
        let mut files: Vec<String> = outcome.conflicts.iter().map(|c| c.path.clone()).collect();
        files.dedup();
        // git's index as git leaves a conflicted merge: clean paths merged, each conflicted
        // one in stages 1 (base), 2 (ours) and 3 (theirs), so `git status` and
        // `git ls-files -u` see the conflicts and `git commit` refuses them.
        let conflicted: Vec<&PathVersions> =
            paths.iter().filter(|p| files.contains(&p.path)).collect();
        let mut staged = merged.clone();
        for p in &conflicted {
            match p.ours {
                Some(s) => staged.insert(p.path.clone(), s),
                None => staged.remove(&p.path),
            };
        }
        let tree = bridge::write_tree(&self.git, &staged)?;
        self.write_conflicted_index(tree, &conflicted)?;
        let state = MergeState {
            other_name: rev.to_owned(),
            other,
            conflicts: files.clone(),
        };
        let mut batch = self.store.batch();
        batch.put(MERGE_STATE, &MERGE_STATE_KEY.to_owned(), &state);
        self.store.write(batch)?;
        // Let git see the merge too: a `git commit` now makes a merge commit.
        let git_dir = self.git.git_dir().to_owned();
        std::fs::write(git_dir.join("MERGE_HEAD"), format!("{other}\n"))
            .map_err(RepoError::io("writing", git_dir.join("MERGE_HEAD")))?;
        std::fs::write(git_dir.join("MERGE_MSG"), format!("Merge branch '{rev}'\n"))
            .map_err(RepoError::io("writing", git_dir.join("MERGE_MSG")))?;
        Ok(MergeResult::Conflicts {
            files,
            conflicts: outcome.conflicts,
        })
    }

    /// Every path either side changed since the base, with its three versions.
    fn merge_paths(
        &self,
        base: Option<GitId>,
        ours: GitId,
        theirs: GitId,
    ) -> Result<Vec<PathVersions>> {
        let base = match base {
            Some(b) => b,
            None => bridge::write_tree(&self.git, &TreeFiles::new())?,
        };
        let (o, t) = (
            bridge::changed_files(&self.git, base, ours)?,
            bridge::changed_files(&self.git, base, theirs)?,
        );
        let mut paths: BTreeMap<String, PathVersions> = BTreeMap::new();
        for (path, (b, new)) in &o {
            let theirs_state = t.get(path).map_or(*b, |(_, n)| *n);
            paths.insert(
                path.clone(),
                PathVersions {
                    path: path.clone(),
                    base: *b,
                    ours: *new,
                    theirs: theirs_state,
                },
            );
        }
        for (path, (b, new)) in t {
            paths.entry(path.clone()).or_insert(PathVersions {
                path,
                base: b,
                ours: b,
                theirs: new,
            });
        }
        Ok(paths.into_values().collect())
    }

    /// Stages the end of an unfinished merge (its change is being recorded).
    pub(crate) fn stage_merge_end(&self, batch: &mut atomic_store::Batch<'_>) {
        batch.delete(MERGE_STATE, &MERGE_STATE_KEY.to_owned());
    }

    /// Removes git's `MERGE_HEAD` and `MERGE_MSG` once a merge is recorded.
    pub(crate) fn clear_git_merge_files(&self) {
        let git_dir = self.git.git_dir();
        let _ = std::fs::remove_file(git_dir.join("MERGE_HEAD"));
        let _ = std::fs::remove_file(git_dir.join("MERGE_MSG"));
    }
}
