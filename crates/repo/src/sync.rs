//! Keeping atomic and the colocated git repository in step: import and export.

use std::collections::BTreeMap;
use std::sync::PoisonError;
use std::sync::atomic::AtomicBool;

use atomic_core::{GitId, Origin};
use atomic_gitbridge::{self as bridge, Importer};
use atomic_session::Event;
use atomic_session::tables::EVENTS;
use atomic_store::{
    IMPORT_STATE, IMPORT_STATE_KEY, ImportState, OPLOG, Operation, REFS, WriteLock, ref_edits,
};
use serde::{Deserialize, Serialize};

use crate::stamp::{GitStamp, Known};
use crate::{Progress, Repo, RepoError, Result, now_seconds};

/// Commits imported per write batch.
const IMPORT_CHUNK: usize = 256;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Commits that became changes.
    pub commits: usize,
    /// Refs created, moved or deleted.
    pub refs_changed: usize,
}

/// What an export did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    /// Git refs created or moved to match atomic.
    pub refs_written: usize,
    /// Git refs deleted because atomic has no such ref.
    pub refs_deleted: usize,
}

impl Repo {
    /// Imports what git did since atomic last looked, when git's refs may have moved (see
    /// [`crate::stamp`]): new commits become changes with symbol events, and atomic's refs
    /// follow git's. Costs a few `stat` calls when nothing moved.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn sync(&self, progress: &dyn Progress) -> Result<ImportSummary> {
        if self.known_covers(&self.git_stamp_now()) {
            return Ok(ImportSummary::default());
        }
        let mut lock = self.store.lock();
        // Another request may have imported, or landed a change of its own, while this
        // one waited for the lock: a stamp taken now, under the lock, says what is left
        // (the one taken before waiting is older than what a landing made known).
        let stamp = self.git_stamp_now();
        if self.known_covers(&stamp) {
            return Ok(ImportSummary::default());
        }
        let summary = self.import_locked(&mut lock, progress, "import")?;
        *self
            .shared
            .git_stamp
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = stamp.map(|stamp| Known {
            verified: !stamp.racy(),
            stamp,
        });
        Ok(summary)
    }

    /// The stamp of git's refs now, listing only the directories changed since the stamp
    /// atomic knows (see [`GitStamp::take_since`]).
    fn git_stamp_now(&self) -> Option<GitStamp> {
        let known = self
            .shared
            .git_stamp
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|k| k.stamp.clone());
        GitStamp::take_since(self.git.git_dir(), known.as_ref())
    }

    /// Whether the stamp of git's refs atomic knows covers `stamp` (see [`Known::covers`]).
    fn known_covers(&self, stamp: &Option<GitStamp>) -> bool {
        let known = self
            .shared
            .git_stamp
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        matches!((&*known, stamp), (Some(k), Some(s)) if k.covers(s))
    }

    /// Takes the stamp of git's refs before atomic moves one itself, under the write lock.
    pub(crate) fn stamp_before_own_ref_write(&self) -> Option<GitStamp> {
        self.git_stamp_now()
    }

    /// After atomic moved a ref itself (a submit landed), under the write lock: when the
    /// refs were known just before (`before`), they are known now, unverified (see
    /// [`Known`]), so the next request does not import what atomic just wrote.
    pub(crate) fn known_after_own_ref_write(&self, before: Option<GitStamp>) {
        let mut known = self
            .shared
            .git_stamp
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let was_known = matches!((&*known, &before), (Some(k), Some(b)) if k.covers(b));
        // Listed since `before`, not since the known stamp: its lock is held here.
        if was_known && let Some(stamp) = GitStamp::take_since(self.git.git_dir(), before.as_ref())
        {
            *known = Some(Known {
                stamp,
                verified: false,
            });
        }
    }

    /// Imports what git did, whatever the stamp says.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn import_git(&self, progress: &dyn Progress) -> Result<ImportSummary> {
        let mut lock = self.store.lock();
        self.import_locked(&mut lock, progress, "import")
    }

    /// Imports every commit reachable from git's refs that has no change yet, then records
    /// git's refs, the import state `Complete` and (when anything changed) an op log entry.
    ///
    /// Changes are written in batches of [`IMPORT_CHUNK`] commits, parents first; the final
    /// batch is what marks the import complete, so an interrupted import is visible as such
    /// and running this again resumes it. When the repository was complete before (what
    /// git did since the last command, not a clone), every new change gets its symbol
    /// events, as a submitted one does.
    pub(crate) fn import_locked(
        &self,
        lock: &mut WriteLock<'_>,
        progress: &dyn Progress,
        label: &str,
    ) -> Result<ImportSummary> {
        self.recover(lock)?;
        let store = &self.store;
        let stored_refs = store.refs()?;
        let known = |c: &GitId| matches!(store.change_by_commit(c), Ok(Some(_)));
        let hidden: Vec<GitId> = stored_refs.values().copied().filter(known).collect();
        let importer = Importer::new(&self.git);
        let plan = importer.plan(known, &hidden)?;
        let tips: BTreeMap<String, GitId> = plan
            .tips
            .iter()
            .map(|t| (t.name.clone(), t.commit))
            .collect();
        let complete = store.import_state()? == Some(ImportState::Complete);
        if plan.commits.is_empty() && tips == stored_refs && complete {
            return Ok(ImportSummary::default());
        }
        progress.begin("importing commits", plan.commits.len() as u64);
        let mut events: Vec<Event> = Vec::new();
        importer.run(
            &plan.commits,
            IMPORT_CHUNK,
            |p| store.change_by_commit(p).map_err(RepoError::from),
            |_| Origin::Imported,
            |changes| {
                if complete {
                    for change in &changes {
                        events.extend(self.symbol_events(change)?.0);
                    }
                }
                let mut batch = store.batch();
                changes.iter().for_each(|c| batch.put_change(c));
                store.write(batch).map_err(RepoError::from)
            },
            &|done| progress.set(done as u64),
            &AtomicBool::new(false),
        )?;
        progress.end();
        let edits = ref_edits(&stored_refs, &tips);
        let mut tx = lock.transaction();
        for (name, edit) in &edits {
            match edit.after {
                Some(commit) => tx.put(REFS, name, &commit),
                None => tx.delete(REFS, name),
            }
        }
        for event in events {
            tx.append_with(EVENTS, |seq| Event { seq, ..event })?;
        }
        tx.put(
            IMPORT_STATE,
            &IMPORT_STATE_KEY.to_owned(),
            &ImportState::Complete,
        );
        let refs_changed = edits.len();
        tx.append_with(OPLOG, |seq| Operation {
            seq,
            time_seconds: now_seconds(),
            description: format!("{label}: {} commit(s) from git", plan.commits.len()),
            refs: edits,
            session_id: None,
        })?;
        tx.commit()?;
        Ok(ImportSummary {
            commits: plan.commits.len(),
            refs_changed,
        })
    }

    /// Records ref edits made in git by atomic itself (branch create and delete, switch,
    /// fast-forward) in the store, with an op log entry, in one transaction.
    pub(crate) fn record_refs(
        &self,
        lock: &mut WriteLock<'_>,
        before: &BTreeMap<String, GitId>,
        after: &BTreeMap<String, GitId>,
        description: String,
    ) -> Result<usize> {
        let edits = ref_edits(before, after);
        let mut tx = lock.transaction();
        for (name, edit) in &edits {
            match edit.after {
                Some(commit) => tx.put(REFS, name, &commit),
                None => tx.delete(REFS, name),
            }
        }
        let changed = edits.len();
        tx.append_with(OPLOG, |seq| Operation {
            seq,
            time_seconds: now_seconds(),
            description,
            refs: edits,
            session_id: None,
        })?;
        tx.commit()?;
        Ok(changed)
    }

    /// Makes git's refs match atomic's: refs atomic has are written (their commits must
    /// exist in git), refs atomic does not have are deleted. Undoes ref moves made in git
    /// since atomic last imported.
    ///
    /// # Errors
    /// [`RepoError::MissingChange`] for a commit git does not have; git errors.
    pub fn export_git(&self) -> Result<ExportSummary> {
        let _lock = self.store.lock();
        let ours = self.store.refs()?;
        let theirs: BTreeMap<String, GitId> = bridge::ref_tips(&self.git)?
            .into_iter()
            .map(|t| (t.name, t.commit))
            .collect();
        let mut summary = ExportSummary::default();
        let names: Vec<&str> = ours
            .keys()
            .chain(theirs.keys())
            .map(String::as_str)
            .collect();
        self.writing_refs(&names, || {
            for (name, commit) in &ours {
                if theirs.get(name) != Some(commit) {
                    if !self.git.has_object(bridge::object_id(*commit)) {
                        return Err(RepoError::MissingChange {
                            commit: commit.to_hex(),
                        });
                    }
                    bridge::set_ref(&self.git, name, *commit, None, "atomic: export")?;
                    summary.refs_written += 1;
                }
            }
            for name in theirs.keys().filter(|n| !ours.contains_key(*n)) {
                bridge::delete_ref(&self.git, name)?;
                summary.refs_deleted += 1;
            }
            Ok(())
        })?;
        Ok(summary)
    }
}
