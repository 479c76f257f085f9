//! The working tree: status against HEAD, checkout of trees, git's index, and following
//! a branch that moved under the user's edits.
//!
//! ### A branch that moves under the working tree
//! When a submit lands on the checked-out branch, the files it changed are written into
//! the working tree where the user left them as they were; where the user has edits of
//! their own, the file is left alone and recorded as *stale*: the version the user's edit
//! started from is kept with it. `status` lists stale files, and `record` merges each one
//! three ways (the old version, the user's file, the branch's version) before recording,
//! so no record can revert what the branch received.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::PoisonError;

use atomic_core::{Change, FileMode, FileState, GitId};
use atomic_gitbridge::{self as bridge, TreeFiles};
use atomic_store::{Table, cf};
use serde::{Deserialize, Serialize};

use crate::safe_fs::Root;
use crate::{ATOMIC_DIR, Repo, RepoError, Result};

/// A file's mode and bytes.
pub type FileContents = (FileMode, Vec<u8>);

/// How a path differs between HEAD and the working tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// Not in HEAD (and not ignored).
    Added,
    /// Contents or mode differ.
    Modified,
    /// In HEAD, gone from the working tree.
    Deleted,
}

/// One changed path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEntry {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// How it changed.
    pub kind: StatusKind,
    /// Mode and blob in HEAD.
    pub old: Option<FileState>,
    /// Mode and blob id in the working tree (the blob is not written).
    pub new: Option<FileState>,
}

/// A working-tree file the branch changed under the user's own edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StaleFile {
    /// The path.
    pub path: String,
    /// The version the user's edit started from (`None`: the file was new).
    pub base: Option<FileState>,
    /// Whether merging it left conflict markers in the file, to be resolved by hand.
    pub conflicted: bool,
}

/// The working tree compared with HEAD.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingTreeStatus {
    /// The current branch's short name; `None` when HEAD is detached.
    pub branch: Option<String>,
    /// HEAD's commit; `None` on an unborn branch.
    pub head: Option<GitId>,
    /// Changed paths, sorted.
    pub changes: Vec<StatusEntry>,
    /// The merge in progress, if any: record to finish it once its conflicts are resolved.
    pub merge: Option<crate::merge::MergeState>,
    /// Files the branch changed under the user's edits; `record` merges them.
    pub stale: Vec<StaleFile>,
}

/// What following the branch did to the working tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckoutReport {
    /// Files written or removed to match the branch.
    pub updated: Vec<String>,
    /// Files left with the user's edits (now stale; `record` merges them).
    pub kept: Vec<String>,
}

/// Paths landings changed that the working tree has yet to follow, with the last landed
/// commit that changed each, under [`FOLLOW_KEY`].
const FOLLOW: Table<String, BTreeMap<String, GitId>> = Table::new(cf::META);
const FOLLOW_KEY: &str = "worktree.follow";
/// What an unfinished follow wrote into the working tree (path → version, `None` for a
/// removal), under [`WRITTEN_KEY`]: after a crash, such a file is atomic's, not the
/// user's edit.
const WRITTEN: Table<String, BTreeMap<String, Option<FileState>>> = Table::new(cf::META);
const WRITTEN_KEY: &str = "worktree.follow_written";

/// The pid of the atomic process writing git's index, under [`INDEX_WRITER_KEY`].
const INDEX_WRITER: Table<String, u32> = Table::new(cf::META);
const INDEX_WRITER_KEY: &str = "worktree.index_writer";

/// Stale files, by path, under [`STALE_KEY`].
const STALE: Table<String, BTreeMap<String, StaleFile>> = Table::new(cf::META);
const STALE_KEY: &str = "worktree.stale";

/// Reads one working-tree file (see [`Root::read`]).
pub(crate) fn read_file(root: &std::path::Path, rel: &str) -> Result<Option<FileContents>> {
    Root::open(root)?.read(rel)
}

fn relative(root: &std::path::Path, path: &std::path::Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let text = rel.to_str()?;
    (!text.is_empty()).then(|| text.to_owned())
}

/// The mode and git blob id of `contents` (the blob is not written); `None` for none.
pub fn file_state(contents: &Option<FileContents>) -> Option<FileState> {
    contents.as_ref().map(|(mode, data)| FileState {
        mode: *mode,
        blob: bridge::blob_id(data),
    })
}

impl Repo {
    /// Returns HEAD's commit, `None` on an unborn branch.
    ///
    /// # Errors
    /// git errors.
    pub fn head_commit(&self) -> Result<Option<GitId>> {
        let head = self.git.head().map_err(RepoError::git("reading HEAD"))?;
        Ok(head
            .try_into_peeled_id()
            .map_err(RepoError::git("reading HEAD"))?
            .map(|id| bridge::git_id(&id)))
    }

    /// Returns the working tree's file at `path` (mode and contents; a symlink's target),
    /// `None` when there is none. Symlinks on the way are not followed.
    ///
    /// # Errors
    /// I/O errors.
    pub fn working_file(&self, path: &str) -> Result<Option<FileContents>> {
        Root::open(&self.root)?.read(path)
    }

    /// Returns the number of changes in the store.
    ///
    /// # Errors
    /// Store errors.
    pub fn change_count(&self) -> Result<u64> {
        Ok(self.store.count(atomic_store::CHANGES)?)
    }

    /// Returns the files of HEAD's tree (empty on an unborn branch).
    ///
    /// # Errors
    /// git errors.
    pub fn head_files(&self) -> Result<TreeFiles> {
        match self.head_commit()? {
            Some(commit) => Ok(bridge::tree_files(
                &self.git,
                bridge::commit_tree(&self.git, commit)?,
            )?),
            None => Ok(TreeFiles::new()),
        }
    }

    /// Returns the current branch's short name, `None` when HEAD is detached.
    ///
    /// # Errors
    /// git errors.
    pub fn current_branch(&self) -> Result<Option<String>> {
        Ok(bridge::head_branch(&self.git)?
            .and_then(|b| b.strip_prefix("refs/heads/").map(str::to_owned)))
    }

    /// Returns the working tree's files as HEAD would record them: every file not ignored
    /// by `.gitignore` or `.git/info/exclude`, plus tracked files even when ignored.
    /// Submodules are taken from HEAD as they are. Symlinks are not followed.
    ///
    /// # Errors
    /// I/O errors.
    pub fn working_files(&self, head: &TreeFiles) -> Result<TreeFiles> {
        let root = Root::open(&self.root)?;
        let mut files = TreeFiles::new();
        let walker = ignore::WalkBuilder::new(&self.root)
            .hidden(false)
            .parents(false)
            .ignore(false)
            .git_global(false)
            .git_ignore(true)
            .git_exclude(true)
            .require_git(false)
            .filter_entry(|e| {
                let name = e.file_name();
                name != ".git" && name != ATOMIC_DIR
            })
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| RepoError::Io {
                what: "walking the working tree at",
                path: self.root.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let Some(rel) = relative(&self.root, entry.path()) else {
                continue;
            };
            if is_dir
                || head
                    .get(&rel)
                    .is_some_and(|s| s.mode == FileMode::Submodule)
            {
                continue;
            }
            if let Some(state) = file_state(&root.read(&rel)?) {
                files.insert(rel, state);
            }
        }
        for (path, state) in head {
            if files.contains_key(path) {
                continue;
            }
            if state.mode == FileMode::Submodule {
                if self.root.join(path).is_dir() {
                    files.insert(path.clone(), *state);
                }
            } else if let Some(s) = file_state(&root.read(path)?) {
                files.insert(path.clone(), s);
            }
        }
        Ok(files)
    }

    /// Compares the working tree with HEAD. There is no staging area: every change to a
    /// file that is not ignored counts.
    ///
    /// # Errors
    /// git, store and I/O errors.
    pub fn status(&self) -> Result<WorkingTreeStatus> {
        let head = self.head_files()?;
        let work = self.working_files(&head)?;
        Ok(WorkingTreeStatus {
            branch: self.current_branch()?,
            head: self.head_commit()?,
            changes: compare(&head, &work),
            merge: self.merge_state()?,
            stale: self.stale_files()?.into_values().collect(),
        })
    }

    /// Returns the stale files (see the module documentation).
    pub(crate) fn stale_files(&self) -> Result<BTreeMap<String, StaleFile>> {
        Ok(self
            .store
            .get(STALE, &STALE_KEY.to_owned())?
            .unwrap_or_default())
    }

    pub(crate) fn set_stale_files(&self, stale: &BTreeMap<String, StaleFile>) -> Result<()> {
        let mut batch = self.store.batch();
        if stale.is_empty() {
            batch.delete(STALE, &STALE_KEY.to_owned());
        } else {
            batch.put(STALE, &STALE_KEY.to_owned(), stale);
        }
        Ok(self.store.write(batch)?)
    }

    /// Writes git's index for `tree`, keeping the stat data of entries whose path and blob
    /// are unchanged, so `git status` does not hash every file again. While it writes, the
    /// store says so (see [`Repo::release_index_lock`]).
    ///
    /// # Errors
    /// git errors.
    pub(crate) fn write_index(&self, tree: GitId) -> Result<()> {
        self.writing_index(|| self.write_index_file(tree))
    }

    /// Runs `write` (which writes git's index) with the store saying an index write is in
    /// progress, for [`Repo::release_index_lock`] after a crash.
    fn writing_index(&self, write: impl FnOnce() -> Result<()>) -> Result<()> {
        let mut batch = self.store.batch();
        batch.put(
            INDEX_WRITER,
            &INDEX_WRITER_KEY.to_owned(),
            &std::process::id(),
        );
        self.store.write(batch)?;
        let written = write();
        let mut batch = self.store.batch();
        batch.delete(INDEX_WRITER, &INDEX_WRITER_KEY.to_owned());
        self.store.write(batch)?;
        written
    }

    /// Removes `.git/index.lock` when an atomic process was killed while writing the index:
    /// the store says a write started and never ended. The caller holds the store, so that
    /// writer is gone; a lock file without that record is a git process's, and stays.
    pub(crate) fn release_index_lock(&self) -> Result<bool> {
        if self
            .store
            .get(INDEX_WRITER, &INDEX_WRITER_KEY.to_owned())?
            .is_none()
        {
            return Ok(false);
        }
        let lock = self.git.index_path().with_extension("lock");
        let removed = std::fs::remove_file(&lock).is_ok();
        let mut batch = self.store.batch();
        batch.delete(INDEX_WRITER, &INDEX_WRITER_KEY.to_owned());
        self.store.write(batch)?;
        Ok(removed)
    }

    /// Writes git's index for a conflicted merge: `tree` at stage 0 except the paths of
    /// `conflicted`, which get stages 1 (base), 2 (ours) and 3 (theirs) for the versions
    /// that exist, as `git merge` leaves them.
    pub(crate) fn write_conflicted_index(
        &self,
        tree: GitId,
        conflicted: &[&atomic_merge::PathVersions],
    ) -> Result<()> {
        use gix::index::entry::{Flags, Mode, Stage, Stat};
        self.writing_index(|| {
            let mut index = self
                .git
                .index_from_tree(&bridge::object_id(tree))
                .map_err(RepoError::git("building the index"))?;
            let paths: std::collections::HashSet<&str> =
                conflicted.iter().map(|p| p.path.as_str()).collect();
            index.remove_entries(|_, path, _| {
                std::str::from_utf8(path).is_ok_and(|p| paths.contains(p))
            });
            for p in conflicted {
                let stages = [
                    (Stage::Base, p.base),
                    (Stage::Ours, p.ours),
                    (Stage::Theirs, p.theirs),
                ];
                for (stage, state) in stages {
                    let Some(state) = state else { continue };
                    let mode = match state.mode {
                        FileMode::Blob => Mode::FILE,
                        FileMode::Executable => Mode::FILE_EXECUTABLE,
                        FileMode::Symlink => Mode::SYMLINK,
                        FileMode::Submodule => Mode::COMMIT,
                    };
                    index.dangerously_push_entry(
                        Stat::default(),
                        bridge::object_id(state.blob),
                        Flags::from_stage(stage),
                        mode,
                        p.path.as_str().into(),
                    );
                }
            }
            index.sort_entries();
            self.refresh_stats(&mut index)?;
            bridge::write_index(&index)?;
            Ok(())
        })
    }

    /// Gives the stage-0 entries of `index` that have no stat data the stat of their
    /// working-tree file, when that file holds exactly the entry's blob and mode (as `git
    /// update-index --refresh` does), so that git trusts them without reading them again:
    /// `git merge --abort` refuses entries it cannot trust.
    fn refresh_stats(&self, index: &mut gix::index::File) -> Result<()> {
        use gix::index::entry::{Mode, Stage, Stat};
        let root = Root::open(&self.root)?;
        for (entry, path) in index.entries_mut_with_paths() {
            if entry.stat != Stat::default() || entry.stage() != Stage::Unconflicted {
                continue;
            }
            let Ok(path) = std::str::from_utf8(path) else {
                continue;
            };
            let Ok(Some(contents)) = root.read(path) else {
                continue;
            };
            let mode = match contents.0 {
                FileMode::Blob => Mode::FILE,
                FileMode::Executable => Mode::FILE_EXECUTABLE,
                FileMode::Symlink => Mode::SYMLINK,
                FileMode::Submodule => continue,
            };
            if mode != entry.mode || bridge::object_id(bridge::blob_id(&contents.1)) != entry.id {
                continue;
            }
            let Ok(meta) = gix::index::fs::Metadata::from_path_no_follow(&self.root.join(path))
            else {
                continue;
            };
            if let Ok(stat) = Stat::from_fs(&meta) {
                entry.stat = stat;
            }
        }
        Ok(())
    }

    fn write_index_file(&self, tree: GitId) -> Result<()> {
        let mut index = self
            .git
            .index_from_tree(&bridge::object_id(tree))
            .map_err(RepoError::git("building the index"))?;
        if let Ok(old) = self.git.open_index() {
            let known: std::collections::HashMap<
                (Vec<u8>, gix::ObjectId),
                gix::index::entry::Stat,
            > = old
                .entries()
                .iter()
                .map(|e| ((e.path(&old).to_vec(), e.id), e.stat))
                .collect();
            for (entry, path) in index.entries_mut_with_paths() {
                if let Some(stat) = known.get(&(path.to_vec(), entry.id)) {
                    entry.stat = *stat;
                }
            }
        }
        self.refresh_stats(&mut index)?;
        bridge::write_index(&index)?;
        Ok(())
    }

    /// Stages, in a landing's transaction, the paths the working tree must follow when
    /// `branch` is checked out, each with the landed commit: they are kept until
    /// [`Repo::follow_branch`] has written them, so a crash between the landing and the
    /// checkout is finished at the next open.
    pub(crate) fn stage_follow(
        &self,
        batch: &mut atomic_store::Batch<'_>,
        branch: &str,
        change: &Change,
    ) -> Result<()> {
        if bridge::head_branch(&self.git)?.as_deref() != Some(branch) {
            return Ok(());
        }
        let mut paths = self.follow_paths()?;
        for fc in &change.files {
            paths.insert(fc.path.clone(), change.git_commit);
            if let atomic_core::FileKind::Renamed { from } = &fc.kind {
                paths.insert(from.clone(), change.git_commit);
            }
        }
        batch.put(FOLLOW, &FOLLOW_KEY.to_owned(), &paths);
        Ok(())
    }

    /// Returns the paths landings changed that the working tree has yet to follow, with
    /// the last landed commit that changed each.
    pub(crate) fn follow_paths(&self) -> Result<BTreeMap<String, GitId>> {
        Ok(self
            .store
            .get(FOLLOW, &FOLLOW_KEY.to_owned())?
            .unwrap_or_default())
    }

    /// Makes the working tree follow the checked-out branch's head for the paths landings
    /// staged (see [`Repo::stage_follow`]). Per path, as git's `updateInstead` does: a file
    /// that matches git's index (the user left it as checked out) takes the head's version;
    /// a file the user changed is kept and becomes stale. Each path takes the head's version
    /// of now, so landings followed in any order give the same tree, and git's index
    /// changes only for the paths followed, so it never claims a version the working tree
    /// does not have.
    ///
    /// # Errors
    /// I/O, git and store errors. The landings stay landed either way, and their paths
    /// stay staged for the next follow.
    pub(crate) fn follow_branch(&self) -> Result<CheckoutReport> {
        let _worktree = self
            .shared
            .worktree
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut report = CheckoutReport::default();
        // Read the staged paths first: the head read after them includes every landing
        // they name (git's ref moves before a landing stages its paths).
        let paths = self.follow_paths()?;
        if paths.is_empty() {
            return Ok(report);
        }
        if let Some(head) = self.head_commit()? {
            let tree = bridge::commit_tree(&self.git, head)?;
            let root = Root::open(&self.root)?;
            let index_version = self.index_version();
            let index = self.open_index();
            let mut stale = self.stale_files()?;
            let mut written = self
                .store
                .get(WRITTEN, &WRITTEN_KEY.to_owned())?
                .unwrap_or_default();
            // A follow killed mid-write left temporary files beside what it wrote.
            for path in written.keys() {
                root.remove_stale_temps(path)?;
            }
            let mut entries = Vec::new();
            for path in paths.keys() {
                let new = match bridge::tree_entry(&self.git, tree, path)? {
                    Some(bridge::TreeEntry::File(s)) => Some(s),
                    _ => None,
                };
                let checked_out = index.as_ref().and_then(|i| index_state(i, path));
                let disk = file_state(&root.read(path)?);
                entries.push((path.clone(), new));
                if disk == new {
                    continue;
                }
                let ours = disk == checked_out || written.get(path) == Some(&disk);
                if ours && !stale.contains_key(path) {
                    // Say what is written before writing it, for a crash in between.
                    written.insert(path.clone(), new);
                    let mut batch = self.store.batch();
                    batch.put(WRITTEN, &WRITTEN_KEY.to_owned(), &written);
                    self.store.write(batch)?;
                    match new {
                        Some(s) => root.write(path, s.mode, &self.blob(&s)?)?,
                        None => root.remove(path)?,
                    }
                    report.updated.push(path.clone());
                } else {
                    stale.entry(path.clone()).or_insert(StaleFile {
                        path: path.clone(),
                        base: checked_out,
                        conflicted: false,
                    });
                    report.kept.push(path.clone());
                }
            }
            // Read once, written back unless git's index changed meanwhile.
            let index = match index {
                Some(i) if self.index_version() == index_version => Some(i),
                _ => self.open_index(),
            };
            self.update_index(index, &entries, tree)?;
            if !report.kept.is_empty() {
                self.set_stale_files(&stale)?;
            }
        }
        // A path a newer landing staged meanwhile stays for its own follow.
        let mut lock = self.store.lock();
        let mut left = self.follow_paths()?;
        left.retain(|p, commit| paths.get(p) != Some(commit));
        let mut tx = lock.transaction();
        if left.is_empty() {
            tx.delete(FOLLOW, &FOLLOW_KEY.to_owned());
        } else {
            tx.put(FOLLOW, &FOLLOW_KEY.to_owned(), &left);
        }
        tx.delete(WRITTEN, &WRITTEN_KEY.to_owned());
        tx.commit()?;
        Ok(report)
    }

    /// Sets `index`'s entries of `entries` (path → state, `None`: no entry), leaving the
    /// others as they are, and writes it; without an index (`None`), writes one for `tree`.
    fn update_index(
        &self,
        index: Option<gix::index::File>,
        entries: &[(String, Option<FileState>)],
        tree: GitId,
    ) -> Result<()> {
        let Some(mut index) = index else {
            return self.write_index(tree);
        };
        let paths: BTreeSet<&str> = entries.iter().map(|(p, _)| p.as_str()).collect();
        index.remove_entries(|_, path, _| {
            std::str::from_utf8(path).is_ok_and(|p| paths.contains(p))
        });
        for (path, state) in entries {
            if let Some(s) = state {
                let mode = match s.mode {
                    FileMode::Blob => gix::index::entry::Mode::FILE,
                    FileMode::Executable => gix::index::entry::Mode::FILE_EXECUTABLE,
                    FileMode::Symlink => gix::index::entry::Mode::SYMLINK,
                    FileMode::Submodule => gix::index::entry::Mode::COMMIT,
                };
                index.dangerously_push_entry(
                    gix::index::entry::Stat::default(),
                    bridge::object_id(s.blob),
                    gix::index::entry::Flags::empty(),
                    mode,
                    path.as_str().into(),
                );
            }
        }
        index.sort_entries();
        index.remove_tree();
        self.writing_index(|| {
            let checksum = bridge::write_index(&index)?;
            self.remember_index(index, checksum);
            Ok(())
        })
    }

    /// Git's index: as this process last wrote it when the file is still that version
    /// (the same `stat` and the same checksum in its last 20 bytes), else read from the
    /// file. `None` without an index (or one gix cannot read). The kept one is handed out
    /// once, not copied (copying spring-boot's cost about what decoding it does): the
    /// caller writes it back (see [`Repo::remember_index`]) or the next caller reads the
    /// file.
    ///
    /// Decoding spring-boot's index (11,875 entries, 2.2 MB) was a tenth of the server's
    /// CPU in a submit onto the checked-out branch.
    fn open_index(&self) -> Option<gix::index::File> {
        let version = self.index_version()?;
        let mut known = self
            .shared
            .index
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(k) = known.take()
            && k.version == version
        {
            return Some(k.file);
        }
        drop(known);
        self.git.open_index().ok()
    }

    /// Keeps `index`, just written with `checksum`, as the known version of the file,
    /// unless the file already holds another.
    fn remember_index(&self, index: gix::index::File, checksum: GitId) {
        let mut known = self
            .shared
            .index
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *known = match self.index_version() {
            Some(version) if version.checksum == checksum => Some(KnownIndex {
                version,
                file: index,
            }),
            _ => None,
        };
    }

    /// The version of git's index file: its modification time, length and inode (git
    /// replaces the file to change it) and the checksum git writes at its end. `None`
    /// without an index.
    fn index_version(&self) -> Option<IndexVersion> {
        use std::os::unix::fs::{FileExt, MetadataExt};
        let file = std::fs::File::open(self.git.index_path()).ok()?;
        let meta = file.metadata().ok()?;
        let mut checksum = [0; 20];
        file.read_exact_at(&mut checksum, meta.len().checked_sub(20)?)
            .ok()?;
        Some(IndexVersion {
            stamp: (meta.modified().ok(), meta.len(), meta.ino()),
            checksum: GitId(checksum),
        })
    }
}

/// Git's index as this process last read or wrote it (see [`Repo::open_index`]).
pub(crate) struct KnownIndex {
    version: IndexVersion,
    file: gix::index::File,
}

/// One version of git's index file: modification time, length and inode, and the
/// checksum of its contents.
#[derive(Clone, Copy, PartialEq, Eq)]
struct IndexVersion {
    stamp: (Option<std::time::SystemTime>, u64, u64),
    checksum: GitId,
}

/// The mode and blob of `path`'s entry in git's index (stage 0), if any.
fn index_state(index: &gix::index::File, path: &str) -> Option<FileState> {
    let e = index.entry_by_path(path.into())?;
    let mode = match e.mode {
        gix::index::entry::Mode::FILE_EXECUTABLE => FileMode::Executable,
        gix::index::entry::Mode::SYMLINK => FileMode::Symlink,
        gix::index::entry::Mode::COMMIT => FileMode::Submodule,
        gix::index::entry::Mode::FILE => FileMode::Blob,
        _ => return None,
    };
    Some(FileState {
        mode,
        blob: bridge::git_id(&e.id),
    })
}

/// Returns the paths that differ between `head` and `work`, sorted.
pub(crate) fn compare(head: &TreeFiles, work: &TreeFiles) -> Vec<StatusEntry> {
    let mut changes = Vec::new();
    for (path, old) in head {
        match work.get(path) {
            Some(new) if new == old => {}
            Some(new) => changes.push(StatusEntry {
                path: path.clone(),
                kind: StatusKind::Modified,
                old: Some(*old),
                new: Some(*new),
            }),
            None => changes.push(StatusEntry {
                path: path.clone(),
                kind: StatusKind::Deleted,
                old: Some(*old),
                new: None,
            }),
        }
    }
    for (path, new) in work {
        if !head.contains_key(path) {
            changes.push(StatusEntry {
                path: path.clone(),
                kind: StatusKind::Added,
                old: None,
                new: Some(*new),
            });
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}

/// Changes the working tree from `from` to `to`: removes files only in `from`, writes
/// files that are new or differ. Untracked files are left alone; symlinks on the way are
/// never followed.
pub(crate) fn checkout(repo: &Repo, from: &TreeFiles, to: &TreeFiles) -> Result<()> {
    let root = Root::open(repo.root())?;
    for path in from.keys().filter(|p| !to.contains_key(*p)) {
        root.remove(path)?;
    }
    for (path, state) in to {
        if from.get(path) == Some(state) {
            continue;
        }
        let data = match state.mode {
            FileMode::Submodule => Vec::new(),
            _ => bridge::read_blob(&repo.git, state.blob)?,
        };
        root.write(path, state.mode, &data)?;
    }
    Ok(())
}

impl Repo {
    /// The files that differ between revision `from` and revision `to` (the working tree
    /// when `None`, ignored files left out), as `git diff FROM [TO]` compares them: one
    /// [`StatusEntry`] per path, sorted, `old` from `from` and `new` from `to`.
    ///
    /// # Errors
    /// [`RepoError::UnknownRevision`]; git and I/O errors.
    pub fn compare(&self, from: &str, to: Option<&str>) -> Result<Vec<StatusEntry>> {
        let tree = |rev: &str| -> Result<TreeFiles> {
            let commit = self.resolve(rev)?.git_commit;
            Ok(bridge::tree_files(
                &self.git,
                bridge::commit_tree(&self.git, commit)?,
            )?)
        };
        let old = tree(from)?;
        let new = match to {
            Some(rev) => tree(rev)?,
            None => self.working_files(&self.head_files()?)?,
        };
        let mut changes = compare(&old, &new);
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(changes)
    }
}
