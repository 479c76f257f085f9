//! Import: one change per commit, hunks against the first parent, renames detected.
//!
//! ### Algorithm
//! 1. [`Importer::plan`]: list ref tips, and walk (topological order, gix-traverse) from
//!    the tips atomic does not know yet, hiding the commits it does; reverse, so parents
//!    come before children.
//! 2. [`Importer::run`]: take the plan in chunks. Within a chunk, diff every commit
//!    against its first parent in parallel (rayon, one gix handle and diff cache per worker);
//!    then assign change ids in order, since an id hashes its parents' ids; hand the chunk to
//!    the caller, which writes it in one batch. An interrupted import has written whole
//!    chunks only, each after its parents, so running the plan again resumes it.
//!
//! ### Relation to git
//! Renames use gix's rewrite tracking with git's defaults (50% similarity, no copies), as
//! `git diff -M`. Line hunks use the histogram diff.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use atomic_core::{
    Change, ChangeId, FileChange, FileKind, FileState, GitId, Origin, Signature, diff_lines,
    is_binary,
};
use gix::object::tree::diff::ChangeDetached;
use rayon::prelude::*;

use crate::convert::{file_mode, git_id, object_id, signature_from_git};
use crate::error::{BridgeError, Result, git};
use crate::refs::{RefTip, ref_tips};
use crate::tree::{has_text_contents, read_blob};

/// What an import will do.
#[derive(Clone, Debug)]
pub struct ImportPlan {
    /// Commits without a change yet, parents before children.
    pub commits: Vec<GitId>,
    /// Every ref that peels to a commit, as found when planning.
    pub tips: Vec<RefTip>,
}

/// Imports commits of one git repository, in parallel.
pub struct Importer {
    repo: gix::ThreadSafeRepository,
}

/// A commit's fields and its file changes, before its change id is known.
struct CommitData {
    commit: GitId,
    parents: Vec<GitId>,
    author: Signature,
    committer: Signature,
    message: String,
    files: Vec<FileChange>,
}

impl Importer {
    /// Returns an importer for `repo`.
    pub fn new(repo: &gix::Repository) -> Self {
        Importer {
            repo: repo.clone().into_sync(),
        }
    }

    /// Lists the commits reachable from any ref for which `known` is false, parents first.
    ///
    /// `hidden` are commits known to be imported with all their ancestors (for example the
    /// ref tips of the last import); the walk stops there.
    pub fn plan(&self, known: impl Fn(&GitId) -> bool, hidden: &[GitId]) -> Result<ImportPlan> {
        let repo = self.repo.to_thread_local();
        let tips = ref_tips(&repo)?;
        let mut starts: Vec<gix::ObjectId> = tips
            .iter()
            .filter(|t| !known(&t.commit))
            .map(|t| object_id(t.commit))
            .collect();
        // HEAD may be detached on a commit no ref names.
        if let Ok(Some(head)) = repo.head().and_then(|h| h.try_into_peeled_id())
            && !known(&git_id(&head))
        {
            starts.push(head.detach());
        }
        starts.sort();
        starts.dedup();
        if starts.is_empty() {
            return Ok(ImportPlan {
                commits: vec![],
                tips,
            });
        }
        let ends: Vec<gix::ObjectId> = hidden.iter().map(|h| object_id(*h)).collect();
        let walk = gix::traverse::commit::topo::Builder::from_iters(
            &repo.objects,
            starts,
            (!ends.is_empty()).then_some(ends),
        )
        .sorting(gix::traverse::commit::topo::Sorting::TopoOrder)
        .build()
        .map_err(git("starting the commit walk"))?;
        let mut commits = Vec::new();
        for info in walk {
            let info = info.map_err(git("walking commits"))?;
            let id = git_id(&info.id);
            if !known(&id) {
                commits.push(id);
            }
        }
        commits.reverse();
        Ok(ImportPlan { commits, tips })
    }

    /// Imports `commits` (parents first) in chunks of `chunk_len`, handing each chunk of
    /// changes to `sink` in order.
    ///
    /// `parent_change` finds the change of a commit imported before this run. `origin`
    /// says where each commit came from. `progress` receives the number of commits done.
    /// Stops with [`BridgeError::Interrupted`] between chunks once `interrupt` is set.
    #[allow(clippy::too_many_arguments)]
    pub fn run<E: From<BridgeError>>(
        &self,
        commits: &[GitId],
        chunk_len: usize,
        parent_change: impl Fn(&GitId) -> Result<Option<ChangeId>, E>,
        origin: impl Fn(&GitId) -> Origin,
        mut sink: impl FnMut(Vec<Change>) -> Result<(), E>,
        progress: &(dyn Fn(usize) + Sync),
        interrupt: &AtomicBool,
    ) -> Result<(), E> {
        let mut ids: HashMap<GitId, ChangeId> = HashMap::new();
        let mut done = 0;
        for chunk in commits.chunks(chunk_len.max(1)) {
            if interrupt.load(Ordering::Relaxed) {
                return Err(BridgeError::Interrupted.into());
            }
            let data: Vec<CommitData> = chunk
                .par_iter()
                .map_init(
                    || self.worker(),
                    |worker, commit| match worker {
                        Ok((repo, cache)) => commit_data(repo, cache, *commit),
                        Err(e) => Err(BridgeError::Git {
                            what: "preparing a diff worker".into(),
                            source: gix::Error::from_error(std::io::Error::other(format!("{e:?}"))),
                        }),
                    },
                )
                .collect::<Result<_>>()?;
            let mut changes = Vec::with_capacity(data.len());
            for d in data {
                let mut parents = Vec::with_capacity(d.parents.len());
                for p in &d.parents {
                    let id = match ids.get(p) {
                        Some(id) => *id,
                        None => parent_change(p)?.ok_or(BridgeError::MissingParent {
                            commit: d.commit,
                            parent: *p,
                        })?,
                    };
                    parents.push(id);
                }
                let change = Change::new(
                    parents,
                    d.commit,
                    d.author,
                    d.committer,
                    d.message,
                    origin(&d.commit),
                    d.files,
                );
                ids.insert(d.commit, change.id);
                changes.push(change);
            }
            done += changes.len();
            sink(changes)?;
            progress(done);
        }
        Ok(())
    }

    fn worker(&self) -> gix::Result<(gix::Repository, gix::diff::blob::Platform)> {
        let mut repo = self.repo.to_thread_local();
        repo.object_cache_size_if_unset(32 * 1024 * 1024);
        let cache = tree_diff_cache(&repo)?;
        Ok((repo, cache))
    }
}

/// Returns the change of commit `commit`, whose parents' changes are `parent_change` of
/// each parent commit, in order: one tree diff against the first parent, so the cost
/// follows the commit's changes, not the repository.
///
/// # Errors
/// A missing commit or tree; a parent with no change.
pub fn commit_change(
    repo: &gix::Repository,
    commit: GitId,
    parent_change: impl Fn(&GitId) -> Option<ChangeId>,
    origin: Origin,
) -> Result<Change> {
    let mut cache = tree_diff_cache(repo).map_err(git("preparing a diff"))?;
    let d = commit_data(repo, &mut cache, commit)?;
    let parents = d
        .parents
        .iter()
        .map(|p| parent_change(p).ok_or_else(|| BridgeError::MissingParent { commit, parent: *p }))
        .collect::<Result<Vec<_>>>()?;
    Ok(Change::new(
        parents,
        d.commit,
        d.author,
        d.committer,
        d.message,
        origin,
        d.files,
    ))
}

/// Returns the file changes of commit `commit` against its first parent (or the empty
/// tree), sorted by path, with renames detected.
pub fn commit_changes(repo: &gix::Repository, commit: GitId) -> Result<Vec<FileChange>> {
    let mut cache = tree_diff_cache(repo).map_err(git("preparing a diff"))?;
    Ok(commit_data(repo, &mut cache, commit)?.files)
}

/// The blob cache a tree diff with rename detection reads through, as gix's
/// `diff_resource_cache_for_tree_diff` makes it but without the repository's
/// `.gitattributes`: those come from git's index, which gix decodes whole for it (a tenth
/// of the server's CPU per submit on spring-boot's 11,875-entry index), and git's own
/// rename detection compares blob contents without consulting attributes either.
///
/// # Errors
/// gix's, for configuration it cannot read.
pub(crate) fn tree_diff_cache(repo: &gix::Repository) -> gix::Result<gix::diff::blob::Platform> {
    let no_index = gix::index::State::new(repo.object_hash());
    let attributes = repo.attributes_only(
        &no_index,
        gix::worktree::stack::state::attributes::Source::IdMapping,
    )?;
    gix::diff::resource_cache(
        repo,
        gix::diff::blob::pipeline::Mode::ToGit,
        attributes.detach(),
        gix::diff::blob::pipeline::WorktreeRoots::default(),
    )
}

fn commit_data(
    repo: &gix::Repository,
    cache: &mut gix::diff::blob::Platform,
    commit: GitId,
) -> Result<CommitData> {
    let what = || format!("reading commit {commit}");
    let c = repo.find_commit(object_id(commit)).map_err(git(what))?;
    let parents: Vec<GitId> = c.parent_ids().map(|p| git_id(&p)).collect();
    let author = signature_from_git(c.author().map_err(git(what))?);
    let committer = signature_from_git(c.committer().map_err(git(what))?);
    let message = String::from_utf8_lossy(c.message_raw().map_err(git(what))?).into_owned();
    let tree = c.tree().map_err(git(what))?;
    let parent_tree = match parents.first() {
        Some(p) => repo
            .find_commit(object_id(*p))
            .and_then(|pc| pc.tree())
            .map_err(git(|| format!("reading parent {p} of {commit}")))?,
        None => repo.empty_tree(),
    };
    let mut detached = Vec::new();
    parent_tree
        .changes()
        .map_err(git(what))?
        .options(|o| {
            o.track_rewrites(Some(gix::diff::Rewrites::default()));
        })
        .for_each_to_obtain_tree_with_cache(&tree, cache, |ch| {
            detached.push(ch.detach());
            Ok(std::ops::ControlFlow::Continue(()))
        })
        .map_err(git(|| format!("diffing commit {commit}")))?;
    cache.clear_resource_cache_keep_allocation();
    let mut files = Vec::new();
    for ch in detached {
        if let Some(fc) = file_change(repo, commit, ch)? {
            files.push(fc);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(CommitData {
        commit,
        parents,
        author,
        committer,
        message,
        files,
    })
}

fn utf8(commit: GitId, path: gix::bstr::BString) -> Result<String> {
    String::from_utf8(path.into()).map_err(|e| BridgeError::NonUtf8Path {
        commit,
        path: String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn state(mode: gix::objs::tree::EntryMode, id: &gix::oid) -> Option<FileState> {
    file_mode(mode).map(|mode| FileState {
        mode,
        blob: git_id(id),
    })
}

/// Converts one tree change into a file change; `None` for a directory entry.
fn file_change(
    repo: &gix::Repository,
    commit: GitId,
    change: ChangeDetached,
) -> Result<Option<FileChange>> {
    let (path, kind, old, new) = match change {
        ChangeDetached::Addition {
            location,
            entry_mode,
            id,
            ..
        } => (location, FileKind::Added, None, state(entry_mode, &id)),
        ChangeDetached::Deletion {
            location,
            entry_mode,
            id,
            ..
        } => (location, FileKind::Deleted, state(entry_mode, &id), None),
        ChangeDetached::Modification {
            location,
            previous_entry_mode,
            previous_id,
            entry_mode,
            id,
        } => {
            let kind = if previous_id == id {
                FileKind::Mode
            } else {
                FileKind::Modified
            };
            let (old, new) = (
                state(previous_entry_mode, &previous_id),
                state(entry_mode, &id),
            );
            match (old, new) {
                (Some(_), Some(_)) => (location, kind, old, new),
                // A file became a directory or the reverse: the directory side's files
                // come as their own additions or deletions.
                (Some(_), None) => (location, FileKind::Deleted, old, None),
                (None, Some(_)) => (location, FileKind::Added, None, new),
                (None, None) => return Ok(None),
            }
        }
        ChangeDetached::Rewrite {
            source_location,
            source_entry_mode,
            source_id,
            location,
            entry_mode,
            id,
            ..
        } => (
            location,
            FileKind::Renamed {
                from: utf8(commit, source_location)?,
            },
            state(source_entry_mode, &source_id),
            state(entry_mode, &id),
        ),
    };
    if old.is_none() && new.is_none() {
        return Ok(None);
    }
    let path = utf8(commit, path)?;
    let textual = |s: &Option<FileState>| s.is_none_or(|s| has_text_contents(s.mode));
    let mut binary = !(textual(&old) && textual(&new));
    let mut hunks = Vec::new();
    let same_blob = matches!((&old, &new), (Some(o), Some(n)) if o.blob == n.blob);
    if !binary && !same_blob {
        let load = |s: &Option<FileState>| s.map_or(Ok(Vec::new()), |s| read_blob(repo, s.blob));
        let (before, after) = (load(&old)?, load(&new)?);
        if is_binary(&before) || is_binary(&after) {
            binary = true;
        } else {
            hunks = diff_lines(&before, &after);
        }
    }
    Ok(Some(FileChange {
        path,
        kind,
        old,
        new,
        binary,
        hunks,
    }))
}
