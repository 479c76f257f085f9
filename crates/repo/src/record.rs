//! `record`: the working tree becomes a change and a git commit on the current branch.

use std::sync::atomic::AtomicBool;

use atomic_core::{Change, Origin, Signature};
use atomic_gitbridge::{self as bridge, Importer};

use crate::sync::write_refs;
use crate::worktree::{compare, read_file};
use crate::{Repo, RepoError, Result};

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
    /// change on the current branch, exported as a git commit; moves the branch.
    ///
    /// # Errors
    /// [`RepoError::NothingToRecord`], [`RepoError::DetachedHead`],
    /// [`RepoError::EmptyMessage`], [`RepoError::NoIdentity`]; git and store errors. The
    /// branch moves only after the commit is written; the store follows in one batch.
    pub fn record(&self, message: &str) -> Result<Change> {
        if message.trim().is_empty() {
            return Err(RepoError::EmptyMessage);
        }
        let branch = bridge::head_branch(&self.git)?.ok_or(RepoError::DetachedHead)?;
        let identity = self.identity()?;
        let head = self.head_commit()?;
        let head_files = self.head_files()?;
        let work = self.working_files(&head_files)?;
        let changes = compare(&head_files, &work);
        if changes.is_empty() {
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
            if let Some((mode, data)) = read_file(&self.root, &entry.path)? {
                let blob = bridge::write_blob(&self.git, &data)?;
                files.insert(entry.path.clone(), atomic_core::FileState { mode, blob });
            }
        }
        let tree = bridge::write_tree(&self.git, &files)?;
        let mut message = message.trim_end().to_owned();
        message.push('\n');
        let parents: Vec<_> = head.into_iter().collect();
        let commit =
            bridge::write_commit(&self.git, tree, &parents, &identity, &identity, &message)?;
        bridge::set_ref(
            &self.git,
            &branch,
            commit,
            Some(head),
            &format!("atomic record: {}", message.lines().next().unwrap_or("")),
        )?;
        let mut recorded = Vec::new();
        Importer::new(&self.git).run(
            &[commit],
            1,
            |p| self.store.change_by_commit(p).map_err(RepoError::from),
            |_| Origin::Recorded,
            |mut changes| {
                recorded.append(&mut changes);
                Ok::<_, RepoError>(())
            },
            &|_| {},
            &AtomicBool::new(false),
        )?;
        let change = recorded.pop().expect("one commit gives one change");
        let before = self.store.refs()?;
        let mut after = before.clone();
        after.insert(branch, commit);
        write_refs(&self.store, &before, &after, |batch| {
            batch.put_change(&change);
            format!("record: {}", change.summary())
        })?;
        self.write_index(tree)?;
        self.index_head(&crate::NoProgress)?;
        Ok(change)
    }
}
