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
        .map_err(git(format!("reading tree {tree}")))?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree_obj
        .traverse()
        .breadthfirst(&mut recorder)
        .map_err(git(format!("listing tree {tree}")))?;
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
            .map_err(git(format!("adding {path} to a tree")))?;
    }
    let id = editor.write().map_err(git("writing a tree"))?;
    Ok(git_id(&id))
}

/// Returns the tree of commit `commit`.
pub fn commit_tree(repo: &gix::Repository, commit: GitId) -> Result<GitId> {
    let what = || format!("reading commit {commit}");
    let c = repo.find_commit(object_id(commit)).map_err(git(what()))?;
    Ok(git_id(&c.tree_id().map_err(git(what()))?))
}

/// Returns the contents of blob `blob`.
pub fn read_blob(repo: &gix::Repository, blob: GitId) -> Result<Vec<u8>> {
    Ok(repo
        .find_blob(object_id(blob))
        .map_err(git(format!("reading blob {blob}")))?
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
