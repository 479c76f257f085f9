//! Trees as flat maps of files, blobs, and commit writing.

use std::collections::BTreeMap;

use atomic_core::{FileMode, FileState, GitId, Signature};

use crate::convert::{entry_kind, file_mode, git_id, object_id, signature_to_git};
use crate::error::{BridgeError, Result, git};

/// The files of a tree: `/`-separated path → mode and blob, sorted by path.
pub type TreeFiles = BTreeMap<String, FileState>;

/// Returns every file (blobs, executables, symlinks, submodules) in tree `tree`, recursively.
///
/// # Errors
/// A missing or corrupt tree object; a path that is not UTF-8.
pub fn tree_files(repo: &gix::Repository, tree: GitId) -> Result<TreeFiles> {
    let tree_obj = repo
        .find_tree(object_id(tree))
        .map_err(git(|| format!("reading tree {tree}")))?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree_obj
        .traverse()
        .breadthfirst(&mut recorder)
        .map_err(git(|| format!("listing tree {tree}")))?;
    let mut files = TreeFiles::new();
    for entry in recorder.records {
        let Some(mode) = file_mode(entry.mode) else {
            continue;
        };
        let path =
            String::from_utf8(entry.filepath.into()).map_err(|e| BridgeError::NonUtf8Path {
                commit: tree,
                path: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            })?;
        files.insert(
            path,
            FileState {
                mode,
                blob: git_id(&entry.oid),
            },
        );
    }
    Ok(files)
}

/// Writes a tree holding exactly `files` (their blobs must exist) and returns its id.
pub fn write_tree(repo: &gix::Repository, files: &TreeFiles) -> Result<GitId> {
    let empty = gix::ObjectId::empty_tree(repo.object_hash());
    let mut editor = repo.edit_tree(empty).map_err(git("starting a tree"))?;
    for (path, state) in files {
        editor
            .upsert(path.as_str(), entry_kind(state.mode), object_id(state.blob))
            .map_err(git(|| format!("adding {path} to a tree")))?;
    }
    let id = editor.write().map_err(git("writing a tree"))?;
    Ok(git_id(&id))
}

/// Returns the tree of commit `commit`.
pub fn commit_tree(repo: &gix::Repository, commit: GitId) -> Result<GitId> {
    let what = || format!("reading commit {commit}");
    let c = repo.find_commit(object_id(commit)).map_err(git(what))?;
    Ok(git_id(&c.tree_id().map_err(git(what))?))
}

/// Returns the contents of blob `blob`.
pub fn read_blob(repo: &gix::Repository, blob: GitId) -> Result<Vec<u8>> {
    Ok(repo
        .find_blob(object_id(blob))
        .map_err(git(|| format!("reading blob {blob}")))?
        .take_data())
}

/// Writes `data` as a blob (a no-op when it exists) and returns its id.
pub fn write_blob(repo: &gix::Repository, data: &[u8]) -> Result<GitId> {
    Ok(git_id(
        &repo.write_blob(data).map_err(git("writing a blob"))?,
    ))
}

/// Returns the git blob id of `data` without writing it (`git hash-object`).
pub fn blob_id(data: &[u8]) -> GitId {
    let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, data)
        .expect("SHA-1 hashing of an in-memory buffer cannot fail");
    git_id(&id)
}

/// Writes a commit object (refs untouched) and returns its id. `message` is written as
/// given; git convention ends it with a newline.
pub fn write_commit(
    repo: &gix::Repository,
    tree: GitId,
    parents: &[GitId],
    author: &Signature,
    committer: &Signature,
    message: &str,
) -> Result<GitId> {
    let commit = gix::objs::Commit {
        tree: object_id(tree),
        parents: parents.iter().map(|p| object_id(*p)).collect(),
        author: signature_to_git(author),
        committer: signature_to_git(committer),
        encoding: None,
        message: message.into(),
        extra_headers: vec![],
    };
    let id = repo
        .write_object(&commit)
        .map_err(git("writing a commit"))?;
    Ok(git_id(&id))
}

/// Returns whether a mode is a regular or executable file (not a symlink or submodule).
pub(crate) fn has_text_contents(mode: FileMode) -> bool {
    matches!(
        mode,
        FileMode::Blob | FileMode::Executable | FileMode::Symlink
    )
}

/// Files that differ between two trees: path → (state before, state after), `None` where
/// the file is absent.
pub type ChangedFiles = BTreeMap<String, (Option<FileState>, Option<FileState>)>;

/// What a path names in a tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeEntry {
    /// A file (blob, executable, symlink or submodule).
    File(FileState),
    /// A directory: a tree with at least one entry.
    Dir(GitId),
}

/// Looks up `path` (`/`-separated, relative) in tree `tree`, reading only the trees along
/// the path.
///
/// # Errors
/// A missing or corrupt tree object.
pub fn tree_entry(repo: &gix::Repository, tree: GitId, path: &str) -> Result<Option<TreeEntry>> {
    let what = || format!("looking up {path} in tree {tree}");
    let tree_obj = repo.find_tree(object_id(tree)).map_err(git(what))?;
    let entry = tree_obj
        .lookup_entry(path.split('/').map(|c| c.as_bytes()))
        .map_err(git(what))?;
    Ok(entry.map(|e| {
        let id = git_id(&e.object_id());
        match file_mode(e.mode()) {
            Some(mode) => TreeEntry::File(FileState { mode, blob: id }),
            None => TreeEntry::Dir(id),
        }
    }))
}

/// Returns the entries of tree `tree` (one directory level): name → entry, sorted by name.
///
/// # Errors
/// A missing or corrupt tree object; a name that is not UTF-8.
pub fn tree_level(repo: &gix::Repository, tree: GitId) -> Result<BTreeMap<String, TreeEntry>> {
    let what = || format!("reading tree {tree}");
    let tree_obj = repo.find_tree(object_id(tree)).map_err(git(what))?;
    let mut out = BTreeMap::new();
    for entry in tree_obj.iter() {
        let entry = entry.map_err(git(what))?;
        let name =
            String::from_utf8(entry.filename().to_vec()).map_err(|e| BridgeError::NonUtf8Path {
                commit: tree,
                path: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            })?;
        let id = git_id(entry.oid());
        let value = match file_mode(entry.mode()) {
            Some(mode) => TreeEntry::File(FileState { mode, blob: id }),
            None => TreeEntry::Dir(id),
        };
        out.insert(name, value);
    }
    Ok(out)
}

/// Writes the tree that is `tree` with `edits` applied (`None` removes the file; parents
/// left empty disappear, as git has no empty directories) and returns its id. Only the
/// trees along the edited paths are read and written.
///
/// # Errors
/// Missing tree objects; an edit git's tree validation refuses.
pub fn edit_tree(
    repo: &gix::Repository,
    tree: GitId,
    edits: &[(String, Option<FileState>)],
) -> Result<GitId> {
    let mut editor = repo
        .edit_tree(object_id(tree))
        .map_err(git(|| format!("editing tree {tree}")))?;
    for (path, state) in edits {
        match state {
            Some(s) => editor
                .upsert(path.as_str(), entry_kind(s.mode), object_id(s.blob))
                .map_err(git(|| format!("adding {path} to a tree")))?,
            None => editor
                .remove(path.as_str())
                .map_err(git(|| format!("removing {path} from a tree")))?,
        };
    }
    let id = editor.write().map_err(git("writing a tree"))?;
    Ok(git_id(&id))
}

/// Returns the files that differ between trees `from` and `to`: path → (state in `from`,
/// state in `to`), without rename detection. Subtrees with the same id are skipped, so the
/// cost follows the difference, not the size of the trees.
///
/// # Errors
/// Missing tree objects; a path that is not UTF-8.
pub fn changed_files(repo: &gix::Repository, from: GitId, to: GitId) -> Result<ChangedFiles> {
    use gix::object::tree::diff::Change;
    let what = || format!("diffing tree {from} against {to}");
    let (a, b) = (
        repo.find_tree(object_id(from)).map_err(git(what))?,
        repo.find_tree(object_id(to)).map_err(git(what))?,
    );
    let mut out = BTreeMap::new();
    let mut bad_path = None;
    let state = |mode: gix::objs::tree::EntryMode, id: &gix::oid| {
        file_mode(mode).map(|mode| FileState {
            mode,
            blob: git_id(id),
        })
    };
    let mut cache = crate::import::tree_diff_cache(repo).map_err(git(what))?;
    a.changes()
        .map_err(git(what))?
        .options(|o| {
            o.track_rewrites(None);
        })
        .for_each_to_obtain_tree_with_cache(&b, &mut cache, |change| {
            let (location, old, new) = match change {
                Change::Addition {
                    location,
                    entry_mode,
                    id,
                    ..
                } => (location, None, state(entry_mode, &id)),
                Change::Deletion {
                    location,
                    entry_mode,
                    id,
                    ..
                } => (location, state(entry_mode, &id), None),
                Change::Modification {
                    location,
                    previous_entry_mode,
                    previous_id,
                    entry_mode,
                    id,
                } => (
                    location,
                    state(previous_entry_mode, &previous_id),
                    state(entry_mode, &id),
                ),
                Change::Rewrite { .. } => return Ok(std::ops::ControlFlow::Continue(())),
            };
            if old.is_some() || new.is_some() {
                match std::str::from_utf8(location) {
                    Ok(path) => {
                        let slot = out.entry(path.to_owned()).or_insert((None, None));
                        // A file that became a directory comes as a modification with no
                        // file on one side, plus the directory's files.
                        slot.0 = slot.0.or(old);
                        slot.1 = slot.1.or(new);
                    }
                    Err(_) => bad_path = Some(String::from_utf8_lossy(location).into_owned()),
                }
            }
            Ok(std::ops::ControlFlow::Continue(()))
        })
        .map_err(git(what))?;
    if let Some(path) = bad_path {
        return Err(BridgeError::NonUtf8Path { commit: to, path });
    }
    Ok(out)
}

/// Returns the size of blob `blob` in bytes, reading only its header.
///
/// # Errors
/// A missing object.
pub fn blob_size(repo: &gix::Repository, blob: GitId) -> Result<u64> {
    Ok(repo
        .find_header(object_id(blob))
        .map_err(git(|| format!("reading the header of {blob}")))?
        .size())
}
