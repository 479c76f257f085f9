//! The working tree: status against HEAD, checkout of trees, and the git index.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use atomic_core::{FileMode, FileState, GitId};
use atomic_gitbridge::{self as bridge, TreeFiles};
use serde::Serialize;

use crate::{ATOMIC_DIR, Repo, RepoError, Result};

/// A file's mode and bytes.
pub(crate) type FileContents = (FileMode, Vec<u8>);

/// Files with their contents, by path.
pub(crate) type Files = std::collections::BTreeMap<String, FileContents>;

/// How a path differs between HEAD and the working tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// The working tree compared with HEAD.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkingTreeStatus {
    /// The current branch's short name; `None` when HEAD is detached.
    pub branch: Option<String>,
    /// HEAD's commit; `None` on an unborn branch.
    pub head: Option<GitId>,
    /// Changed paths, sorted.
    pub changes: Vec<StatusEntry>,
    /// The merge in progress, if any: record to finish it once its conflicts are resolved.
    pub merge: Option<crate::merge::MergeState>,
}

/// Reads one working-tree file: its mode and contents (a symlink's target for a link).
/// `None` when the path does not exist or is a directory.
pub(crate) fn read_file(root: &Path, rel: &str) -> Result<Option<(FileMode, Vec<u8>)>> {
    let path = root.join(rel);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(RepoError::io("reading", path)(e)),
    };
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(&path).map_err(RepoError::io("reading link", &path))?;
        return Ok(Some((
            FileMode::Symlink,
            target.as_os_str().as_bytes().to_vec(),
        )));
    }
    if !meta.is_file() {
        return Ok(None);
    }
    let data = std::fs::read(&path).map_err(RepoError::io("reading", &path))?;
    let mode = if meta.permissions().mode() & 0o100 != 0 {
        FileMode::Executable
    } else {
        FileMode::Blob
    };
    Ok(Some((mode, data)))
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let text = rel.to_str()?;
    (!text.is_empty()).then(|| text.to_owned())
}

impl Repo {
    /// Returns HEAD's commit, `None` on an unborn branch.
    pub fn head_commit(&self) -> Result<Option<GitId>> {
        let head = self.git.head().map_err(RepoError::git("reading HEAD"))?;
        Ok(head
            .try_into_peeled_id()
            .map_err(RepoError::git("reading HEAD"))?
            .map(|id| bridge::git_id(&id)))
    }

    /// Returns the files of HEAD's tree (empty on an unborn branch).
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
    pub fn current_branch(&self) -> Result<Option<String>> {
        Ok(bridge::head_branch(&self.git)?
            .and_then(|b| b.strip_prefix("refs/heads/").map(str::to_owned)))
    }

    /// Returns the working tree's files as HEAD would record them: every file not ignored
    /// by `.gitignore` or `.git/info/exclude`, plus tracked files even when ignored.
    /// Submodules are taken from HEAD as they are.
    pub fn working_files(&self, head: &TreeFiles) -> Result<TreeFiles> {
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
            if let Some((mode, data)) = read_file(&self.root, &rel)? {
                files.insert(
                    rel,
                    FileState {
                        mode,
                        blob: bridge::blob_id(&data),
                    },
                );
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
            } else if let Some((mode, data)) = read_file(&self.root, path)? {
                files.insert(
                    path.clone(),
                    FileState {
                        mode,
                        blob: bridge::blob_id(&data),
                    },
                );
            }
        }
        Ok(files)
    }

    /// Compares the working tree with HEAD. There is no staging area: every change to a
    /// file that is not ignored counts.
    pub fn status(&self) -> Result<WorkingTreeStatus> {
        let head = self.head_files()?;
        let work = self.working_files(&head)?;
        Ok(WorkingTreeStatus {
            branch: self.current_branch()?,
            head: self.head_commit()?,
            changes: compare(&head, &work),
            merge: self.merge_state()?,
        })
    }

    /// Writes `.git/index` from `tree`, so `git status` agrees with atomic.
    pub(crate) fn write_index(&self, tree: GitId) -> Result<()> {
        let mut index = self
            .git
            .index_from_tree(&bridge::object_id(tree))
            .map_err(RepoError::git("building the index"))?;
        index
            .write(gix::index::write::Options::default())
            .map_err(RepoError::git("writing the index"))?;
        Ok(())
    }
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
/// files that are new or differ. Untracked files are left alone.
pub(crate) fn checkout(repo: &Repo, from: &TreeFiles, to: &TreeFiles) -> Result<()> {
    let root = repo.root();
    for path in from.keys().filter(|p| !to.contains_key(*p)) {
        let full = root.join(path);
        match std::fs::remove_file(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(RepoError::io("removing", full)(e)),
        }
        let mut dir = full.parent();
        while let Some(d) = dir {
            if d == root || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    for (path, state) in to {
        if from.get(path) == Some(state) {
            continue;
        }
        write_file(repo, path, state)?;
    }
    Ok(())
}

fn write_file(repo: &Repo, path: &str, state: &FileState) -> Result<()> {
    let full = repo.root().join(path);
    let data = match state.mode {
        FileMode::Submodule => Vec::new(),
        _ => bridge::read_blob(&repo.git, state.blob)?,
    };
    write_bytes(&full, state.mode, &data)
}

/// Writes `data` at `full` as a file of `mode` (a symlink's target for a link, an empty
/// directory for a submodule), creating parent directories and replacing what was there.
pub(crate) fn write_bytes(full: &Path, mode: FileMode, data: &[u8]) -> Result<()> {
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(RepoError::io("creating", parent))?;
    }
    if std::fs::symlink_metadata(full).is_ok_and(|m| !m.is_dir()) {
        std::fs::remove_file(full).map_err(RepoError::io("replacing", full))?;
    }
    match mode {
        FileMode::Submodule => {
            std::fs::create_dir_all(full).map_err(RepoError::io("creating", full))?;
        }
        FileMode::Symlink => {
            std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(data), full)
                .map_err(RepoError::io("creating symlink", full))?;
        }
        FileMode::Blob | FileMode::Executable => {
            std::fs::write(full, data).map_err(RepoError::io("writing", full))?;
            let bits = if mode == FileMode::Executable {
                0o755
            } else {
                0o644
            };
            std::fs::set_permissions(full, std::fs::Permissions::from_mode(bits))
                .map_err(RepoError::io("setting the mode of", full))?;
        }
    }
    Ok(())
}
