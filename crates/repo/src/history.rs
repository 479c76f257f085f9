//! Reading history: revisions, `log` and `show`.

use std::collections::{BinaryHeap, HashSet};

use atomic_core::{Change, ChangeId, FileState};
use atomic_gitbridge as bridge;
use atomic_store::StoreError;

use crate::{Repo, RepoError, Result};

impl Repo {
    /// Returns the change a revision names: a change id prefix, or anything git's
    /// rev-parse takes (`HEAD`, `HEAD~2`, a branch, a tag, `origin/main`, a commit prefix).
    ///
    /// # Errors
    /// [`RepoError::UnknownRevision`]; [`StoreError::AmbiguousChange`] for a prefix shared
    /// by several changes.
    pub fn resolve(&self, rev: &str) -> Result<Change> {
        let unknown = || RepoError::UnknownRevision {
            rev: rev.to_owned(),
        };
        if rev.len() >= 4 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            match self.store.resolve_change_prefix(rev) {
                Ok(id) => return self.change(&id),
                Err(StoreError::UnknownChange { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let spec = if rev == "@" { "HEAD" } else { rev };
        let id = self
            .git
            .rev_parse_single(spec)
            .map_err(|_| unknown())?
            .object()
            .map_err(|_| unknown())?
            .peel_to_commit()
            .map_err(|_| unknown())?
            .id;
        self.change_of_commit(bridge::git_id(&id))
    }

    /// Returns the change with id `id`.
    pub fn change(&self, id: &ChangeId) -> Result<Change> {
        self.store
            .change(id)?
            .ok_or_else(|| RepoError::UnknownRevision { rev: id.to_hex() })
    }

    /// Returns the change bound to git commit `commit`.
    pub fn change_of_commit(&self, commit: atomic_core::GitId) -> Result<Change> {
        let id = self
            .store
            .change_by_commit(&commit)?
            .ok_or_else(|| RepoError::MissingChange {
                commit: commit.to_hex(),
            })?;
        self.change(&id)
    }

    /// Returns changes reachable from `starts`, newest first by committer time (as
    /// `git log`: of two changes with one time, the one reached first comes first), at
    /// most `limit`.
    pub fn log(&self, starts: &[Change], limit: Option<usize>) -> Result<Vec<Change>> {
        self.log_following(starts, limit, |c| Ok(c.parents.clone()))
    }

    /// [`Repo::log`] that walks from each change only to the parents `follow` returns (a
    /// subset of its parents: git's history simplification drops some of a merge's).
    ///
    /// # Errors
    /// Those of `follow`; a parent missing from the store.
    pub fn log_following(
        &self,
        starts: &[Change],
        limit: Option<usize>,
        mut follow: impl FnMut(&Change) -> Result<Vec<ChangeId>>,
    ) -> Result<Vec<Change>> {
        // Max-heap on (time, earlier reached); `reached` counts down so that ties pop in
        // the order they were pushed, as git's date queue does.
        let mut reached = u64::MAX;
        let mut seen: HashSet<ChangeId> = HashSet::new();
        let mut heap = BinaryHeap::new();
        let mut pending = std::collections::HashMap::new();
        let mut push = |heap: &mut BinaryHeap<(i64, u64, ChangeId)>, c: &Change| {
            heap.push((c.committer.time_seconds, reached, c.id));
            reached -= 1;
        };
        for c in starts {
            if seen.insert(c.id) {
                push(&mut heap, c);
                pending.insert(c.id, c.clone());
            }
        }
        let mut out = Vec::new();
        while let Some((_, _, id)) = heap.pop() {
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
            let change = match pending.remove(&id) {
                Some(c) => c,
                None => self.change(&id)?,
            };
            for p in follow(&change)? {
                if seen.insert(p) {
                    let parent = self.change(&p)?;
                    push(&mut heap, &parent);
                    pending.insert(parent.id, parent);
                }
            }
            out.push(change);
        }
        Ok(out)
    }

    /// Returns the contents of a file state's blob (empty for a submodule).
    pub fn blob(&self, state: &FileState) -> Result<Vec<u8>> {
        if state.mode == atomic_core::FileMode::Submodule {
            return Ok(Vec::new());
        }
        Ok(bridge::read_blob(&self.git, state.blob)?)
    }
}
