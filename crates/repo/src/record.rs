//! `record`: the working tree becomes a change and a git commit on the current branch.

use std::sync::atomic::AtomicBool;

use atomic_core::{Change, GitId, Origin, Signature};
use atomic_gitbridge::{self as bridge, Importer, TreeFiles};

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
    /// change on the current branch, exported as a git commit; moves the branch. During a
    /// merge ([`Repo::merge`]) the change gets the merged branch as second parent.
    ///
    /// # Errors
    /// [`RepoError::NothingToRecord`], [`RepoError::DetachedHead`],
    /// [`RepoError::EmptyMessage`], [`RepoError::NoIdentity`],
    /// [`RepoError::UnresolvedConflicts`] while conflict markers remain; git and store
    /// errors. The branch moves only after the commit is written; the store follows in one
    /// batch.
    pub fn record(&self, message: &str) -> Result<Change> {
        if message.trim().is_empty() {
            return Err(RepoError::EmptyMessage);
        }
        let branch = bridge::head_branch(&self.git)?.ok_or(RepoError::DetachedHead)?;
        self.identity()?;
        let merging = self.merge_state()?;
        if let Some(state) = &merging {
            let unresolved: Vec<String> = state
                .conflicts
                .iter()
                .filter(|p| {
                    read_file(&self.root, p)
                        .ok()
                        .flatten()
                        .is_some_and(|(_, d)| {
                            d.split(|&b| b == b'\n')
                                .any(|l| l.starts_with(b"<<<<<<< ") || l.starts_with(b">>>>>>> "))
                        })
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
        let changes = compare(&head_files, &work);
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
            if let Some((mode, data)) = read_file(&self.root, &entry.path)? {
                let blob = bridge::write_blob(&self.git, &data)?;
                files.insert(entry.path.clone(), atomic_core::FileState { mode, blob });
            }
        }
        let mut parents: Vec<GitId> = head.into_iter().collect();
        parents.extend(merging.map(|m| m.other));
        self.commit_tree_files(&files, &parents, message, &branch)
    }

    /// Writes `files` as a tree and a commit with `parents` (the first is the branch's
    /// current head), moves `branch` to it, and records the change (origin `Recorded`)
    /// with the ref move in one batch. Ends a merge in progress.
    pub(crate) fn commit_tree_files(
        &self,
        files: &TreeFiles,
        parents: &[GitId],
        message: &str,
        branch: &str,
    ) -> Result<Change> {
        let identity = self.identity()?;
        self.commit_files_as(
            files,
            parents,
            message,
            branch,
            &identity,
            &identity,
            Origin::Recorded,
            Checkout::Index,
        )
    }

    /// Like [`Repo::commit_tree_files`], with explicit signatures, origin, and what to do
    /// with the checkout (see [`Checkout`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn commit_files_as(
        &self,
        files: &TreeFiles,
        parents: &[GitId],
        message: &str,
        branch: &str,
        author: &Signature,
        committer: &Signature,
        origin: Origin,
        checkout: Checkout,
    ) -> Result<Change> {
        let tree = bridge::write_tree(&self.git, files)?;
        let mut message = message.trim_end().to_owned();
        message.push('\n');
        let old_files = if checkout == Checkout::Files {
            Some(self.head_files()?)
        } else {
            None
        };
        let commit = bridge::write_commit(&self.git, tree, parents, author, committer, &message)?;
        bridge::set_ref(
            &self.git,
            branch,
            commit,
            Some(parents.first().copied()),
            &format!("atomic record: {}", message.lines().next().unwrap_or("")),
        )?;
        let mut recorded = Vec::new();
        Importer::new(&self.git).run(
            &[commit],
            1,
            |p| self.store.change_by_commit(p).map_err(RepoError::from),
            |_| origin.clone(),
            |mut changes| {
                recorded.append(&mut changes);
                Ok::<_, RepoError>(())
            },
            &|_| {},
            &AtomicBool::new(false),
        )?;
        let change = recorded.pop().expect("one commit gives one change");
        let events = self.symbol_events(&change)?;
        let before = self.store.refs()?;
        let mut after = before.clone();
        after.insert(branch.to_owned(), commit);
        write_refs(&self.store, &before, &after, |batch| {
            batch.put_change(&change);
            for event in &events {
                batch.append_event(
                    &postcard::to_stdvec(event).expect("encoding to a Vec cannot fail"),
                );
            }
            if parents.len() > 1 {
                self.clear_merge_state(batch);
            }
            format!("record: {}", change.summary())
        })?;
        if let Some(old_files) = old_files {
            crate::worktree::checkout(self, &old_files, files)?;
        }
        if checkout != Checkout::None {
            self.write_index(tree)?;
        }
        self.index_head(&crate::NoProgress)?;
        Ok(change)
    }
}

/// What a new commit does to the checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Checkout {
    /// Nothing: HEAD is elsewhere, or the working tree has changes of its own (as git's
    /// `updateInstead` leaves a dirty working tree alone).
    None,
    /// The working tree already holds the files (record, merge): write the index.
    Index,
    /// Write the changed files and the index: HEAD is on the branch and the tree is clean.
    Files,
}

impl Repo {
    /// Returns the symbol events of `change`: one per symbol it added, modified, deleted
    /// or renamed (sequence numbers are assigned when written).
    fn symbol_events(&self, change: &Change) -> Result<Vec<atomic_session::Event>> {
        let (session, agent) = match &change.origin {
            Origin::Session { session, agent } => (Some(session.clone()), Some(agent.clone())),
            _ => (None, None),
        };
        let mut events = Vec::new();
        for (file, changes) in self.change_symbols(change)? {
            for c in changes {
                let kind = match c.change {
                    atomic_semantic::ChangeKind::Added => "added",
                    atomic_semantic::ChangeKind::Modified { .. } => "modified",
                    atomic_semantic::ChangeKind::Deleted => "deleted",
                    atomic_semantic::ChangeKind::Renamed { .. } => "renamed",
                };
                events.push(atomic_session::Event {
                    seq: 0,
                    change: change.id.to_hex(),
                    commit: change.git_commit.to_hex(),
                    session: session.clone(),
                    agent: agent.clone(),
                    file: file.clone(),
                    symbol: c.scoped_name,
                    kind: kind.to_owned(),
                    time_seconds: change.committer.time_seconds,
                });
            }
        }
        Ok(events)
    }

    /// Returns the symbol events after sequence number `since`, oldest first.
    pub fn events_since(&self, since: u64) -> Result<Vec<atomic_session::Event>> {
        self.store
            .events_since(since)?
            .into_iter()
            .map(|(seq, bytes)| {
                let mut event: atomic_session::Event =
                    postcard::from_bytes(&bytes).map_err(|source| {
                        RepoError::Store(atomic_store::StoreError::Decode {
                            what: "event",
                            source,
                        })
                    })?;
                event.seq = seq;
                Ok(event)
            })
            .collect()
    }
}
