//! `record`: the working tree becomes a change and a git commit on the current branch.

use std::collections::HashMap;
use std::sync::PoisonError;

use atomic_core::{Change, FileState, GitId, Origin, Signature};
use atomic_gitbridge::{self as bridge, TreeEntry, TreeFiles};
use atomic_merge::{Labels, Merged, PathVersions, Pick, merge_tree};
use atomic_session::marker_lines;

use crate::land::{Landing, Pending};
use crate::safe_fs::Root;
use crate::worktree::compare;
use crate::{NoProgress, Repo, RepoError, Result};

impl Repo {
    /// Returns the identity for new commits: git's committer (`user.name`, `user.email`,
    /// `GIT_COMMITTER_*`), with the time now unless `GIT_COMMITTER_DATE` says otherwise.
    ///
    /// # Errors
    /// [`RepoError::NoIdentity`] when none is configured.
    pub fn identity(&self) -> Result<Signature> {
        match self.git.committer() {
            Some(Ok(sig)) => Ok(bridge::signature_from_git(sig)),
            _ => Err(RepoError::NoIdentity),
        }
    }

    /// Records every working-tree change (no staging area; ignored files stay out) as one
    /// change on the current branch, exported as a git commit; moves the branch. With
    /// `pathspecs` (repository-relative paths or directories), only the changes under them,
    /// as `git commit PATHS` does; the others stay in the working tree. During a merge
    /// ([`Repo::merge`]) the change gets the merged branch as second parent. Files the
    /// branch changed under the user's edits (see [`crate::worktree`]) are merged three
    /// ways first.
    ///
    /// # Errors
    /// [`RepoError::NothingToRecord`], [`RepoError::PathspecNoMatch`],
    /// [`RepoError::PartialMerge`] for paths during a merge, [`RepoError::DetachedHead`],
    /// [`RepoError::EmptyMessage`], [`RepoError::NoIdentity`],
    /// [`RepoError::UnresolvedConflicts`] while conflict markers remain; git and store
    /// errors. The branch moves only after the commit is written; the store follows in one
    /// batch.
    pub fn record(&self, message: &str, pathspecs: &[String]) -> Result<Change> {
        if message.trim().is_empty() {
            return Err(RepoError::EmptyMessage);
        }
        let branch = bridge::head_branch(&self.git)?.ok_or(RepoError::DetachedHead)?;
        self.identity()?;
        self.sync(&NoProgress)?;
        let _worktree = self
            .shared
            .worktree
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let root = Root::open(&self.root)?;
        self.merge_stale(&root)?;
        let merging = self.merge_state()?;
        if merging.is_some() && !pathspecs.is_empty() {
            return Err(RepoError::PartialMerge);
        }
        if let Some(state) = &merging {
            let unresolved: Vec<String> = state
                .conflicts
                .iter()
                .filter(|p| {
                    root.read(p)
                        .ok()
                        .flatten()
                        .is_some_and(|(_, d)| marker_lines(&d) > 0)
                })
                .cloned()
                .collect();
            if !unresolved.is_empty() {
                return Err(RepoError::UnresolvedConflicts { paths: unresolved });
            }
        }
        let head = self.head_commit()?;
        let head_files = self.head_files()?;
        let work = self.working_files(&head_files)?;
        let mut changes = compare(&head_files, &work);
        if !pathspecs.is_empty() {
            let known = |spec: &String| {
                head_files
                    .keys()
                    .chain(work.keys())
                    .any(|p| crate::pathspec_matches(spec, p))
            };
            if let Some(spec) = pathspecs.iter().find(|s| !known(s)) {
                return Err(RepoError::PathspecNoMatch { spec: spec.clone() });
            }
            changes.retain(|c| {
                pathspecs
                    .iter()
                    .any(|s| crate::pathspec_matches(s, &c.path))
            });
        }
        if changes.is_empty() && merging.is_none() {
            return Err(RepoError::NothingToRecord);
        }
        // Write each changed file's blob from what is on disk now, and build the tree
        // from exactly those blobs.
        let mut files = head_files;
        for entry in &changes {
            files.remove(&entry.path);
            if entry.new.is_none() {
                continue;
            }
            if let Some((mode, data)) = root.read(&entry.path)? {
                let blob = bridge::write_blob(&self.git, &data)?;
                files.insert(entry.path.clone(), FileState { mode, blob });
            }
        }
        let mut parents: Vec<GitId> = head.into_iter().collect();
        parents.extend(merging.map(|m| m.other));
        self.commit_files(&files, &parents, message, &branch)
    }

    /// Writes `files` as a tree and a commit with `parents` (the first is the branch's
    /// current head), lands it on `branch` (origin `Recorded`; a second parent ends the
    /// merge in progress) and writes git's index for it.
    pub(crate) fn commit_files(
        &self,
        files: &TreeFiles,
        parents: &[GitId],
        message: &str,
        branch: &str,
    ) -> Result<Change> {
        let identity = self.identity()?;
        let tree = bridge::write_tree(&self.git, files)?;
        let mut text = message.trim_end().to_owned();
        text.push('\n');
        let commit = bridge::write_commit(&self.git, tree, parents, &identity, &identity, &text)?;
        let landing = Landing {
            branch: branch.to_owned(),
            expected: parents.first().copied(),
            pending: Pending {
                from: parents.first().copied(),
                to: commit,
                origin: Origin::Recorded,
                description: format!("record: {}", text.lines().next().unwrap_or("")),
                session: None,
                ends_merge: parents.len() > 1,
            },
        };
        let change = self.land(&mut self.store.lock(), landing)?;
        self.write_index(tree)?;
        Ok(change)
    }

    /// Merges each stale file three ways: the version the user's edit started from, the
    /// user's file, and the branch's version. A clean result is written to the file; a
    /// conflict leaves markers (or, with nothing to mark, the user's file) and stops the
    /// record until the user has settled it.
    fn merge_stale(&self, root: &Root) -> Result<()> {
        let mut stale = self.stale_files()?;
        if stale.is_empty() {
            return Ok(());
        }
        let head_tree = match self.head_commit()? {
            Some(head) => Some(bridge::commit_tree(&self.git, head)?),
            None => None,
        };
        let mut unresolved = Vec::new();
        for (path, entry) in stale.clone() {
            let theirs = match head_tree {
                Some(tree) => match bridge::tree_entry(&self.git, tree, &path)? {
                    Some(TreeEntry::File(s)) => Some(s),
                    _ => None,
                },
                None => None,
            };
            let disk = root.read(&path)?;
            if entry.conflicted {
                let theirs_markers =
                    theirs.map_or(Ok(0), |s| self.blob(&s).map(|b| marker_lines(&b)))?;
                if disk
                    .as_ref()
                    .is_some_and(|(_, d)| marker_lines(d) > theirs_markers)
                {
                    unresolved.push(path);
                } else {
                    stale.remove(&path);
                }
                continue;
            }
            let ours = disk.as_ref().map(|(mode, data)| FileState {
                mode: *mode,
                blob: bridge::blob_id(data),
            });
            let on_disk: HashMap<GitId, Vec<u8>> = disk
                .iter()
                .map(|(_, d)| (bridge::blob_id(d), d.clone()))
                .collect();
            let read = |s: &FileState| match on_disk.get(&s.blob) {
                Some(d) => Ok(d.clone()),
                None => self.blob(s),
            };
            let versions = [PathVersions {
                path: path.clone(),
                base: entry.base,
                ours,
                theirs,
            }];
            let labels = Labels {
                ours: "yours",
                base: "before the branch moved",
                theirs: "branch",
            };
            let outcome = merge_tree(&versions, &read, &labels, &|_| Pick::Keep)?;
            match outcome.files.get(&path).cloned().flatten() {
                Some(Merged::New { mode, text }) => root.write(&path, mode, &text)?,
                Some(Merged::Existing(s)) if Some(s) != ours => {
                    root.write(&path, s.mode, &self.blob(&s)?)?;
                }
                Some(Merged::Existing(_)) => {}
                None => root.remove(&path)?,
            }
            if outcome.is_clean() {
                stale.remove(&path);
            } else {
                if let Some(e) = stale.get_mut(&path) {
                    e.conflicted = true;
                }
                unresolved.push(path);
            }
        }
        self.set_stale_files(&stale)?;
        if unresolved.is_empty() {
            Ok(())
        } else {
            Err(RepoError::StaleConflicts { paths: unresolved })
        }
    }
}
