//! Keeping atomic and the colocated git repository in step: import and export.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use atomic_core::{GitId, Origin};
use atomic_gitbridge::{self as bridge, Importer};
use atomic_store::{ImportState, Store};
use serde::Serialize;

use crate::{Progress, Repo, RepoError, Result, now_seconds};

/// Commits imported per write batch.
const IMPORT_CHUNK: usize = 256;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Commits that became changes.
    pub commits: usize,
    /// Refs created, moved or deleted.
    pub refs_changed: usize,
}

/// What an export did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    /// Git refs created or moved to match atomic.
    pub refs_written: usize,
    /// Git refs deleted because atomic has no such ref.
    pub refs_deleted: usize,
}

/// Imports every commit reachable from git's refs that has no change yet, then records
/// git's refs, the import state `Complete` and (when anything changed) an op log entry.
///
/// Changes are written in batches of [`IMPORT_CHUNK`] commits, parents first; the final
/// batch is what marks the import complete, so an interrupted import is visible as such
/// and running this again resumes it.
pub(crate) fn import_from_git(
    store: &Store,
    git: &gix::Repository,
    progress: &dyn Progress,
    label: &str,
) -> Result<ImportSummary> {
    let stored_refs = store.refs()?;
    let known = |c: &GitId| matches!(store.change_by_commit(c), Ok(Some(_)));
    let hidden: Vec<GitId> = stored_refs.values().copied().filter(known).collect();
    let importer = Importer::new(git);
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
    importer.run(
        &plan.commits,
        IMPORT_CHUNK,
        |p| store.change_by_commit(p).map_err(RepoError::from),
        |_| Origin::Imported,
        |changes| {
            let mut batch = store.batch();
            changes.iter().for_each(|c| batch.put_change(c));
            store.write(batch).map_err(RepoError::from)
        },
        &|done| progress.set(done as u64),
        &AtomicBool::new(false),
    )?;
    progress.end();
    let refs_changed = write_refs(store, &stored_refs, &tips, |batch| {
        batch.set_import_state(ImportState::Complete);
        format!("{label}: {} commit(s) from git", plan.commits.len())
    })?;
    Ok(ImportSummary {
        commits: plan.commits.len(),
        refs_changed,
    })
}

/// Writes `after` as the store's refs in one batch with an op log entry, plus whatever
/// `extra` adds; returns how many refs changed.
pub(crate) fn write_refs(
    store: &Store,
    before: &BTreeMap<String, GitId>,
    after: &BTreeMap<String, GitId>,
    extra: impl FnOnce(&mut atomic_store::Batch<'_>) -> String,
) -> Result<usize> {
    let mut batch = store.batch();
    let mut changed = 0;
    for (name, commit) in after {
        if before.get(name) != Some(commit) {
            batch.set_ref(name, *commit);
            changed += 1;
        }
    }
    for name in before.keys().filter(|n| !after.contains_key(*n)) {
        batch.delete_ref(name);
        changed += 1;
    }
    let description = extra(&mut batch);
    batch.append_operation(now_seconds(), description, before.clone(), after.clone());
    store.write(batch)?;
    Ok(changed)
}

impl Repo {
    /// Imports what git did since atomic last looked: new commits become changes, and
    /// atomic's refs follow git's.
    pub fn import_git(&self, progress: &dyn Progress) -> Result<ImportSummary> {
        import_from_git(&self.store, &self.git, progress, "import")
    }

    /// Makes git's refs match atomic's: refs atomic has are written (their commits must
    /// exist in git), refs atomic does not have are deleted. Undoes ref moves made in git
    /// since atomic last imported.
    pub fn export_git(&self) -> Result<ExportSummary> {
        let ours = self.store.refs()?;
        let theirs: BTreeMap<String, GitId> = bridge::ref_tips(&self.git)?
            .into_iter()
            .map(|t| (t.name, t.commit))
            .collect();
        let mut summary = ExportSummary::default();
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
        Ok(summary)
    }
}
