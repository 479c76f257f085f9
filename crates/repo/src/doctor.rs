//! `doctor`: checks the change invariant and that atomic and git agree.

use std::collections::BTreeMap;

use atomic_core::{Change, GitId};
use atomic_gitbridge as bridge;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Progress, Repo, Result};

/// What `doctor` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorReport {
    /// Changes checked.
    pub changes: usize,
    /// Refs compared with git.
    pub refs: usize,
    /// Problems, one line each; empty when everything holds.
    pub problems: Vec<String>,
}

impl Repo {
    /// Checks, for every change: its id hashes its contents; its hunks applied to its first
    /// parent's tree give exactly its commit's tree. Then checks that atomic's refs match
    /// git's and every ref's commit has a change. Runs on all cores.
    pub fn doctor(&self, progress: &dyn Progress) -> Result<DoctorReport> {
        let changes: Vec<Change> = self
            .store
            .list(atomic_store::CHANGES, b"")?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        let commit_of: BTreeMap<_, GitId> = changes.iter().map(|c| (c.id, c.git_commit)).collect();
        progress.begin("checking changes", changes.len() as u64);
        let done = std::sync::atomic::AtomicU64::new(0);
        let sync_git = self.git.clone().into_sync();
        let mut problems: Vec<String> = changes
            .par_iter()
            .map_init(
                || sync_git.to_thread_local(),
                |git, change| {
                    let mut found = Vec::new();
                    if change.compute_id() != change.id {
                        found.push(format!(
                            "change {}: id does not match its contents",
                            change.id.short()
                        ));
                    }
                    let parent = match change.parents.first() {
                        Some(p) => match commit_of.get(p) {
                            Some(c) => Some(*c),
                            None => {
                                found.push(format!(
                                    "change {}: parent {} is missing",
                                    change.id.short(),
                                    p.short()
                                ));
                                return Ok(found);
                            }
                        },
                        None => None,
                    };
                    let issues = bridge::verify_change(git, change, parent)?;
                    found.extend(issues.into_iter().map(|i| {
                        format!(
                            "change {} (commit {}): {i}",
                            change.id.short(),
                            change.git_commit.short()
                        )
                    }));
                    progress.set(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                    Ok(found)
                },
            )
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        progress.end();
        let ours = self.store.refs()?;
        let theirs: BTreeMap<String, GitId> = bridge::ref_tips(&self.git)?
            .into_iter()
            .map(|t| (t.name, t.commit))
            .collect();
        for (name, commit) in &theirs {
            match ours.get(name) {
                Some(c) if c == commit => {}
                Some(c) => problems.push(format!(
                    "ref {name}: git has {}, atomic has {}",
                    commit.short(),
                    c.short()
                )),
                None => problems.push(format!("ref {name}: in git, not in atomic")),
            }
            if self.store.change_by_commit(commit)?.is_none() {
                problems.push(format!(
                    "ref {name}: commit {} has no change",
                    commit.short()
                ));
            }
        }
        for name in ours.keys().filter(|n| !theirs.contains_key(*n)) {
            problems.push(format!("ref {name}: in atomic, not in git"));
        }
        problems.extend(self.pending_landings()?);
        problems.extend(self.lock_problems());
        let behind = self.follow_paths()?;
        if !behind.is_empty() {
            problems.push(format!(
                "the working tree has yet to take the branch's version of {} file(s), e.g. {}",
                behind.len(),
                behind.keys().next().map_or("", String::as_str)
            ));
        }
        problems.sort();
        Ok(DoctorReport {
            changes: changes.len(),
            refs: theirs.len(),
            problems,
        })
    }
}
