//! Landing a commit on a branch: the one place where a branch moves in git and in the
//! store, with its change, events, op log entry and (for a submit) the session's end.
//!
//! ### Algorithm
//! Under the store's write lock:
//! 1. git's ref must still be at the expected head, or nothing is written
//!    ([`RepoError::HeadMoved`]: the caller merges again).
//! 2. The store records the ref move as pending (its own small batch).
//! 3. git's ref moves by compare-and-swap.
//! 4. One transaction writes the change, the store's ref, the symbol events, the op log
//!    entry and the session's end, and drops the pending record.
//!
//! A crash after 2 leaves the pending record: [`Repo::recover`] (run at every open and by
//! `doctor --fix`) finishes step 4 when git's ref moved, and drops the record when it did
//! not, removing a ref lock file a killed atomic left behind.

use std::collections::BTreeMap;

use atomic_core::{Change, GitId, Origin};
use atomic_gitbridge as bridge;
use atomic_session::tables::EVENTS;
use atomic_session::{Event, EventKind, Receipt, Session};
use atomic_store::{OPLOG, Operation, REFS, RefEdit, Table, Transaction, WriteLock, cf};
use serde::{Deserialize, Serialize};

use crate::{Repo, RepoError, Result, now_seconds};

/// What a submit adds to a pending ref move, to end its session at recovery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingSession {
    /// The session.
    pub id: String,
    /// Whether the submit was a fast-forward.
    pub fast_forward: bool,
    /// Files merged by symbols.
    pub merged_files: Vec<String>,
}

/// A ref move written to the store before git's ref moves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pending {
    /// The commit the ref was at.
    pub from: Option<GitId>,
    /// The commit it moves to.
    pub to: GitId,
    /// Where the change comes from.
    pub origin: Origin,
    /// The op log description.
    pub description: String,
    /// The submitting session, if any.
    pub session: Option<PendingSession>,
    /// Whether landing ends a merge in progress.
    pub ends_merge: bool,
}

/// Pending ref moves, by full ref name.
pub(crate) const PENDING: Table<String, Pending> = Table::new(cf::PENDING);

/// Refs (and `HEAD`) atomic is writing outside a landing, by name, under the key
/// `refs.writing` of the meta table: a lock file of one of them at open is a killed
/// atomic's.
const WRITING: Table<String, std::collections::BTreeSet<String>> = Table::new(cf::META);
const WRITING_KEY: &str = "refs.writing";

/// What to land: a commit already written to git, onto `branch`.
pub(crate) struct Landing {
    /// The branch, full name.
    pub branch: String,
    /// Its head now (`None`: unborn); the ref moves only from there.
    pub expected: Option<GitId>,
    /// The pending record.
    pub pending: Pending,
}

impl Repo {
    /// Lands `landing` (see the module documentation); the caller holds the write lock.
    ///
    /// # Errors
    /// [`RepoError::HeadMoved`] when git's ref is not at the expected head (nothing was
    /// written); store and git errors.
    pub(crate) fn land(&self, lock: &mut WriteLock<'_>, landing: Landing) -> Result<Change> {
        let Landing {
            branch,
            expected,
            pending,
        } = landing;
        if bridge::read_ref(&self.git, &branch)? != expected {
            return Err(RepoError::HeadMoved { branch });
        }
        let mut tx = lock.transaction();
        tx.put(PENDING, &branch, &pending);
        tx.commit()?;
        let message = format!("atomic: {}", pending.description);
        let before = self.stamp_before_own_ref_write();
        let moved = match expected {
            Some(old) => bridge::set_ref(&self.git, &branch, pending.to, Some(Some(old)), &message),
            None => bridge::set_ref(&self.git, &branch, pending.to, Some(None), &message),
        };
        if let Err(e) = moved {
            let mut tx = lock.transaction();
            tx.delete(PENDING, &branch);
            tx.commit()?;
            return Err(if bridge::read_ref(&self.git, &branch)? != expected {
                RepoError::HeadMoved { branch }
            } else {
                e.into()
            });
        }
        match self.finish_landing(lock, &branch, &pending) {
            Ok(change) => {
                self.known_after_own_ref_write(before);
                Ok(change)
            }
            Err(e) => {
                // Put git's ref back, so a reported failure leaves nothing landed; if even
                // that fails, the pending record finishes the landing at the next open.
                let back = match expected {
                    Some(old) => bridge::set_ref(
                        &self.git,
                        &branch,
                        old,
                        Some(Some(pending.to)),
                        "atomic: undo a failed landing",
                    ),
                    None => bridge::delete_ref(&self.git, &branch),
                };
                if back.is_ok() {
                    let mut tx = lock.transaction();
                    tx.delete(PENDING, &branch);
                    let _ = tx.commit();
                }
                Err(e)
            }
        }
    }

    /// Step 4: the change, the ref, events, op log, session end; the pending record goes.
    fn finish_landing(
        &self,
        lock: &mut WriteLock<'_>,
        branch: &str,
        pending: &Pending,
    ) -> Result<Change> {
        let store = &self.store;
        let change = bridge::commit_change(
            &self.git,
            pending.to,
            |p| store.change_by_commit(p).ok().flatten(),
            pending.origin.clone(),
        )?;
        let (events, tables) = self.symbol_events(&change)?;
        let session = match &pending.session {
            Some(p) => Some((self.sessions().get(&p.id)?, p)),
            None => None,
        };
        let mut tx = lock.transaction();
        tx.put_change(&change);
        tx.put(REFS, &branch.to_owned(), &pending.to);
        for event in events {
            tx.append_with(EVENTS, |seq| Event { seq, ..event })?;
        }
        for (key, table) in &tables {
            tx.put(crate::symbols::SYMBOL_CACHE, key, table);
        }
        let edit = RefEdit {
            before: pending.from,
            after: Some(pending.to),
        };
        tx.append_with(OPLOG, |seq| Operation {
            seq,
            time_seconds: now_seconds(),
            description: pending.description.clone(),
            refs: BTreeMap::from([(branch.to_owned(), edit)]),
            session_id: pending.session.as_ref().map(|s| s.id.clone()),
        })?;
        if let Some((session, p)) = &session {
            self.stage_session_end(&mut tx, session, p, &change)?;
            // A record's files are already in the working tree; a submit's are not.
            self.stage_follow(&mut tx, branch, &change)?;
        }
        if pending.ends_merge {
            self.stage_merge_end(&mut tx);
        }
        tx.delete(PENDING, &branch.to_owned());
        tx.commit()?;
        if pending.ends_merge {
            self.clear_git_merge_files();
        }
        Ok(change)
    }

    fn stage_session_end(
        &self,
        tx: &mut Transaction<'_, '_>,
        session: &Session,
        p: &PendingSession,
        change: &Change,
    ) -> Result<()> {
        let receipt = Receipt {
            change_id: change.id,
            commit: change.git_commit,
            fast_forward: p.fast_forward,
            merged_files: p.merged_files.clone(),
            time_seconds: now_seconds(),
        };
        Ok(self.sessions().stage_submitted(tx, session, receipt)?)
    }

    /// Finishes or drops every pending ref move, as git's refs say; returns how many
    /// landings it finished. Run under the write lock, at open and by `doctor --fix`.
    ///
    /// # Errors
    /// Store and git errors.
    pub(crate) fn recover(&self, lock: &mut WriteLock<'_>) -> Result<usize> {
        let mut finished = 0;
        if let Some(names) = self.store.get(WRITING, &WRITING_KEY.to_owned())? {
            names.iter().for_each(|n| self.remove_stale_ref_lock(n));
            let mut tx = lock.transaction();
            tx.delete(WRITING, &WRITING_KEY.to_owned());
            tx.commit()?;
        }
        for (branch, pending) in self.store.list(PENDING, b"")? {
            // Nothing else runs while we hold the store: a lock file for this ref is a
            // killed atomic's.
            self.remove_stale_ref_lock(&branch);
            let now = bridge::read_ref(&self.git, &branch)?;
            if now == Some(pending.to) {
                self.finish_landing(lock, &branch, &pending)?;
                finished += 1;
            } else {
                let mut tx = lock.transaction();
                tx.delete(PENDING, &branch);
                tx.commit()?;
            }
        }
        Ok(finished)
    }

    /// Runs `write`, which moves the git refs `names` (a branch create or delete, a switch
    /// of `HEAD`, an export), with the store saying so, so that the lock files of a killed
    /// run are released at the next open.
    pub(crate) fn writing_refs<T>(
        &self,
        names: &[&str],
        write: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let set = |names: std::collections::BTreeSet<String>| -> Result<()> {
            let mut batch = self.store.batch();
            if names.is_empty() {
                batch.delete(WRITING, &WRITING_KEY.to_owned());
            } else {
                batch.put(WRITING, &WRITING_KEY.to_owned(), &names);
            }
            Ok(self.store.write(batch)?)
        };
        set(names.iter().map(|n| (*n).to_owned()).collect())?;
        let result = write();
        set(Default::default())?;
        result
    }

    /// Removes `<git dir>/<ref>.lock`, left by a process killed while moving the ref.
    fn remove_stale_ref_lock(&self, name: &str) {
        let lock = self.git.git_dir().join(format!("{name}.lock"));
        let _ = std::fs::remove_file(lock);
    }

    /// Returns the pending ref moves, for `doctor`.
    pub(crate) fn pending_landings(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .list(PENDING, b"")?
            .into_iter()
            .map(|(name, p)| format!("{name}: {} (pending since a crash)", p.description))
            .collect())
    }

    /// Returns the symbol events of `change`: one per symbol it added, modified, deleted
    /// or renamed (sequence numbers are assigned when written); and the symbol tables of
    /// its new blobs, to cache.
    pub(crate) fn symbol_events(
        &self,
        change: &Change,
    ) -> Result<(Vec<Event>, crate::symbols::CachedTables)> {
        let (session_id, agent) = match &change.origin {
            Origin::Session { session, agent } => (Some(session.clone()), Some(agent.clone())),
            _ => (None, None),
        };
        let mut events = Vec::new();
        let (changed, tables) = self.change_tables(change)?;
        for (path, changes) in changed {
            for c in changes {
                events.push(Event {
                    seq: 0,
                    change_id: change.id.to_hex(),
                    commit: change.git_commit.to_hex(),
                    session_id: session_id.clone(),
                    agent: agent.clone(),
                    path: path.clone(),
                    symbol: c.scoped_name,
                    kind: EventKind::from(&c.change),
                    time_seconds: change.committer.time_seconds,
                });
            }
        }
        Ok((events, tables))
    }

    /// Returns the sequence number of the last symbol event (0 when there is none).
    ///
    /// # Errors
    /// Store errors.
    pub fn last_event_seq(&self) -> Result<u64> {
        Ok(self.store.last_key(EVENTS)?.unwrap_or(0))
    }

    /// Returns up to `limit` symbol events after sequence number `since`, oldest first.
    ///
    /// # Errors
    /// Store errors.
    pub fn events_since(&self, since: u64, limit: usize) -> Result<Vec<Event>> {
        Ok(self
            .store
            .list_from(EVENTS, &(since + 1), limit)?
            .into_iter()
            .map(|(seq, event)| Event { seq, ..event })
            .collect())
    }
}
