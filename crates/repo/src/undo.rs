//! `undo` and `op restore`: refs moved back to what the op log says they were.
//!
//! Only refs move: the working tree, git's index and the changes stay, so undoing a
//! `record` leaves its edits in the working tree as uncommitted changes (as `git reset
//! --soft` does) and nothing is lost. Undo never touches what a session did: it skips
//! their operations, and refuses when a ref it would move has moved since (a session
//! landed on it, or anything else did), as jj refuses to undo across workspaces.

use std::collections::{BTreeMap, HashSet};

use atomic_core::GitId;
use atomic_gitbridge as bridge;
use atomic_store::{Operation, RefEdit, ref_edits};
use serde::{Deserialize, Serialize};

use crate::{NoProgress, Repo, RepoError, Result};

/// What `undo` or `op restore` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undone {
    /// The operation undone, or restored to.
    pub seq: u64,
    /// Its description.
    pub description: String,
    /// The refs this moved (full name → before and after).
    pub refs: BTreeMap<String, RefEdit>,
}

/// Descriptions of undo operations start so, followed by the undone operation's number.
const UNDO_PREFIX: &str = "undo of op ";

fn undone_seq(op: &Operation) -> Option<u64> {
    let rest = op.description.strip_prefix(UNDO_PREFIX)?;
    rest.split(':').next()?.trim().parse().ok()
}

impl Repo {
    /// Undoes the newest operation made outside sessions that is not undone yet (and is not
    /// itself an undo): every ref it moved goes back. Returns what moved.
    ///
    /// # Errors
    /// [`RepoError::NothingToUndo`]; [`RepoError::UndoBlocked`] when a ref it moved has
    /// moved since; [`RepoError::CurrentBranch`] when it would delete the checked-out
    /// branch; git and store errors. Nothing moves on error.
    pub fn undo(&self) -> Result<Undone> {
        self.sync(&NoProgress)?;
        let ops = self.store.operations()?;
        let undone: HashSet<u64> = ops.iter().filter_map(undone_seq).collect();
        let op = ops
            .iter()
            .rev()
            .find(|o| {
                o.session_id.is_none()
                    && !o.refs.is_empty()
                    && undone_seq(o).is_none()
                    && !undone.contains(&o.seq)
            })
            .ok_or(RepoError::NothingToUndo)?;
        let current = self.store.refs()?;
        let mut target = current.clone();
        for (name, edit) in &op.refs {
            if current.get(name).copied() != edit.after {
                return Err(RepoError::UndoBlocked {
                    seq: op.seq,
                    name: name.clone(),
                });
            }
            match edit.before {
                Some(commit) => target.insert(name.clone(), commit),
                None => target.remove(name),
            };
        }
        let refs = self.move_refs(
            &current,
            &target,
            format!("{UNDO_PREFIX}{}: {}", op.seq, op.description),
        )?;
        Ok(Undone {
            seq: op.seq,
            description: op.description.clone(),
            refs,
        })
    }

    /// Restores every ref to what it was just after operation `seq`. Refuses when a
    /// session's operation after it moved refs (restoring would take that work away).
    ///
    /// # Errors
    /// [`RepoError::NoSuchOperation`]; [`RepoError::SessionWorkAfter`];
    /// [`RepoError::CurrentBranch`]; git and store errors.
    pub fn op_restore(&self, seq: u64) -> Result<Undone> {
        self.sync(&NoProgress)?;
        let ops = self.store.operations()?;
        let op = ops
            .iter()
            .find(|o| o.seq == seq)
            .ok_or(RepoError::NoSuchOperation { seq })?;
        if let Some(later) = ops
            .iter()
            .find(|o| o.seq > seq && o.session_id.is_some() && !o.refs.is_empty())
        {
            return Err(RepoError::SessionWorkAfter {
                seq: later.seq,
                session_id: later.session_id.clone().unwrap_or_default(),
            });
        }
        let mut target: BTreeMap<String, GitId> = BTreeMap::new();
        for o in ops.iter().take_while(|o| o.seq <= seq) {
            for (name, edit) in &o.refs {
                match edit.after {
                    Some(commit) => target.insert(name.clone(), commit),
                    None => target.remove(name),
                };
            }
        }
        let current = self.store.refs()?;
        let refs = self.move_refs(
            &current,
            &target,
            format!("op restore to {seq}: {}", op.description),
        )?;
        Ok(Undone {
            seq,
            description: op.description.clone(),
            refs,
        })
    }

    /// Moves git's refs and the store's from `current` to `target` and logs it as one
    /// operation described by `description`.
    fn move_refs(
        &self,
        current: &BTreeMap<String, GitId>,
        target: &BTreeMap<String, GitId>,
        description: String,
    ) -> Result<BTreeMap<String, RefEdit>> {
        let edits = ref_edits(current, target);
        if let Some(branch) = self.current_branch()? {
            let head = format!("refs/heads/{branch}");
            if edits.get(&head).is_some_and(|e| e.after.is_none()) {
                return Err(RepoError::CurrentBranch { name: branch });
            }
        }
        let mut lock = self.store.lock();
        let names: Vec<&str> = edits.keys().map(String::as_str).collect();
        self.writing_refs(&names, || {
            for (name, edit) in &edits {
                match edit.after {
                    Some(commit) => bridge::set_ref(
                        &self.git,
                        name,
                        commit,
                        Some(edit.before),
                        &format!("atomic: {description}"),
                    )?,
                    None => bridge::delete_ref(&self.git, name)?,
                }
            }
            Ok(())
        })?;
        self.record_refs(&mut lock, current, target, description)?;
        Ok(edits)
    }
}
