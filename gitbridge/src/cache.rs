//! Decoded git objects kept in memory: tree levels and blob sizes, keyed by object id.
//!
//! Objects never change, so entries are never stale and one cache serves every session,
//! mount and request of a repository. Looking a path up in a base tree then costs one map
//! lookup per component instead of inflating every tree along it, which is what a file
//! system serving `stat` for every file of a checkout needs. The cache is bounded: past
//! [`ObjectCache::MAX_TREES`] trees or [`ObjectCache::MAX_SIZES`] sizes it starts afresh.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use atomic_core::GitId;

use crate::error::Result;
use crate::tree::{TreeEntry, blob_size, tree_level};

/// One tree's entries, sorted by name (git's order for files; a binary search finds a name).
pub type TreeLevel = Arc<[(String, TreeEntry)]>;

/// Tree levels and blob sizes by object id, shared by clones of one repository handle.
#[derive(Default)]
pub struct ObjectCache {
    commit_trees: Mutex<HashMap<GitId, GitId>>,
    trees: Mutex<HashMap<GitId, TreeLevel>>,
    sizes: Mutex<HashMap<GitId, u64>>,
}

impl ObjectCache {
    /// How many tree levels are kept before the cache starts afresh.
    pub const MAX_TREES: usize = 100_000;
    /// How many blob sizes are kept before the cache starts afresh.
    pub const MAX_SIZES: usize = 1_000_000;

    /// Returns the tree of commit `commit`.
    ///
    /// # Errors
    /// A missing or corrupt commit.
    pub fn commit_tree(&self, repo: &gix::Repository, commit: GitId) -> Result<GitId> {
        let known = self
            .commit_trees
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&commit)
            .copied();
        if let Some(tree) = known {
            return Ok(tree);
        }
        let tree = crate::tree::commit_tree(repo, commit)?;
        let mut map = self
            .commit_trees
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if map.len() >= Self::MAX_TREES {
            map.clear();
        }
        map.insert(commit, tree);
        Ok(tree)
    }

    /// Returns the entries of tree `tree`.
    ///
    /// # Errors
    /// A missing or corrupt tree; a name that is not UTF-8.
    pub fn tree_level(&self, repo: &gix::Repository, tree: GitId) -> Result<TreeLevel> {
        if let Some(level) = self
            .trees
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&tree)
        {
            return Ok(Arc::clone(level));
        }
        let mut entries: Vec<(String, TreeEntry)> = tree_level(repo, tree)?.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let level: TreeLevel = entries.into();
        let mut trees = self.trees.lock().unwrap_or_else(PoisonError::into_inner);
        if trees.len() >= Self::MAX_TREES {
            trees.clear();
        }
        trees.insert(tree, Arc::clone(&level));
        Ok(level)
    }

    /// Looks up `path` (`/`-separated, relative; `""` is the tree itself, which is not an
    /// entry and gives `None`) in tree `tree`.
    ///
    /// # Errors
    /// As [`ObjectCache::tree_level`].
    pub fn tree_entry(
        &self,
        repo: &gix::Repository,
        tree: GitId,
        path: &str,
    ) -> Result<Option<TreeEntry>> {
        if path.is_empty() {
            return Ok(None);
        }
        let mut current = tree;
        let mut components = path.split('/').peekable();
        while let Some(name) = components.next() {
            let level = self.tree_level(repo, current)?;
            let Ok(at) = level.binary_search_by(|(n, _)| n.as_str().cmp(name)) else {
                return Ok(None);
            };
            let entry = level[at].1;
            if components.peek().is_none() {
                return Ok(Some(entry));
            }
            match entry {
                TreeEntry::Dir(sub) => current = sub,
                TreeEntry::File(_) => return Ok(None),
            }
        }
        Ok(None)
    }

    /// Returns the size in bytes of blob `blob`, from its header.
    ///
    /// # Errors
    /// A missing blob.
    pub fn blob_size(&self, repo: &gix::Repository, blob: GitId) -> Result<u64> {
        if let Some(size) = self
            .sizes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&blob)
        {
            return Ok(*size);
        }
        let size = blob_size(repo, blob)?;
        let mut sizes = self.sizes.lock().unwrap_or_else(PoisonError::into_inner);
        if sizes.len() >= Self::MAX_SIZES {
            sizes.clear();
        }
        sizes.insert(blob, size);
        Ok(size)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::tree::tree_entry;

    /// A repository with `a/b/c.txt`, `a/d.txt` and `e.txt`, built with the git binary.
    fn repo() -> (tempfile::TempDir, gix::Repository, GitId) {
        let dir = tempfile::tempdir().unwrap();
        let sh = |script: &str| {
            let out = std::process::Command::new("sh")
                .current_dir(dir.path())
                .args(["-c", script])
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        };
        sh(
            "git init -q . && mkdir -p a/b && echo c > a/b/c.txt && echo dd > a/d.txt && \
            echo e > e.txt && git add -A && git write-tree > /dev/null",
        );
        let tree = sh("git write-tree");
        let repo = gix::open(dir.path()).unwrap();
        (dir, repo, GitId::from_hex(tree.trim()).unwrap())
    }

    #[test]
    fn lookups_through_the_cache_agree_with_git() {
        let (_dir, repo, tree) = repo();
        let cache = ObjectCache::default();
        for path in [
            "a",
            "a/b",
            "a/b/c.txt",
            "a/d.txt",
            "e.txt",
            "a/x",
            "e.txt/x",
            "x/y",
            "",
        ] {
            let want = if path.is_empty() {
                None
            } else {
                tree_entry(&repo, tree, path).unwrap()
            };
            // Twice: from git, then from memory.
            assert_eq!(cache.tree_entry(&repo, tree, path).unwrap(), want, "{path}");
            assert_eq!(cache.tree_entry(&repo, tree, path).unwrap(), want, "{path}");
        }
        let Some(TreeEntry::File(d)) = cache.tree_entry(&repo, tree, "a/d.txt").unwrap() else {
            panic!("a/d.txt is a file");
        };
        assert_eq!(cache.blob_size(&repo, d.blob).unwrap(), 3);
        assert_eq!(cache.blob_size(&repo, d.blob).unwrap(), 3);
    }
}
