//! `restore`: working-tree files back to a commit's version, as `git restore --source`.

use std::sync::PoisonError;

use atomic_core::FileMode;
use atomic_gitbridge as bridge;

use crate::safe_fs::Root;
use crate::{Repo, RepoError, Result, file_state};

/// Whether repository-relative `path` falls under pathspec `spec` (a repository-relative
/// path, a trailing `/` allowed): the path itself, or a file under it as a directory;
/// `""` (the root) matches everything.
pub fn pathspec_matches(spec: &str, path: &str) -> bool {
    let spec = spec.trim_end_matches('/');
    spec.is_empty()
        || path == spec
        || path
            .strip_prefix(spec)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Repo {
    /// Restores the working-tree files under `pathspecs` (repository-relative paths or
    /// directories; `""` for all) to their version in `source` (a revision; HEAD when
    /// `None`), as `git restore --source=<source> <pathspecs>` does to the working tree:
    /// changed files get the source's contents and mode back, deleted ones come back,
    /// tracked files absent from the source are removed, untracked files are left alone.
    /// Returns the paths written or removed, sorted.
    ///
    /// # Errors
    /// [`RepoError::PathspecNoMatch`] for a pathspec that names no file of HEAD, the
    /// source or the working tree's changes (nothing is written then);
    /// [`RepoError::UnknownRevision`]; git, store and I/O errors.
    pub fn restore(&self, pathspecs: &[String], source: Option<&str>) -> Result<Vec<String>> {
        let _worktree = self
            .shared
            .worktree
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let head = self.head_files()?;
        let from = match source {
            Some(rev) => {
                let commit = self.resolve(rev)?.git_commit;
                bridge::tree_files(&self.git, bridge::commit_tree(&self.git, commit)?)?
            }
            None => head.clone(),
        };
        let changed: Vec<String> = self.status()?.changes.into_iter().map(|c| c.path).collect();
        let known = || head.keys().chain(from.keys()).chain(changed.iter());
        if let Some(spec) = pathspecs
            .iter()
            .find(|spec| !known().any(|p| pathspec_matches(spec, p)))
        {
            return Err(RepoError::PathspecNoMatch { spec: spec.clone() });
        }
        let wanted = |p: &str| pathspecs.iter().any(|spec| pathspec_matches(spec, p));
        let root = Root::open(&self.root)?;
        let mut restored = Vec::new();
        for (path, state) in from.iter().filter(|(p, _)| wanted(p)) {
            if file_state(&root.read(path)?).as_ref() == Some(state) {
                continue;
            }
            let data = match state.mode {
                FileMode::Submodule => Vec::new(),
                _ => self.blob(state)?,
            };
            root.write(path, state.mode, &data)?;
            restored.push(path.clone());
        }
        for path in head.keys().filter(|p| wanted(p) && !from.contains_key(*p)) {
            if root.read(path)?.is_some() {
                root.remove(path)?;
                restored.push(path.clone());
            }
        }
        restored.sort();
        Ok(restored)
    }
}

#[cfg(test)]
mod tests {
    use super::pathspec_matches as matches;

    #[test]
    fn pathspecs_match_the_path_or_what_is_under_it() {
        assert!(matches("", "a/b.rs"));
        assert!(matches("a", "a/b.rs"));
        assert!(matches("a/b.rs", "a/b.rs"));
        assert!(!matches("a/b", "a/b.rs"));
        assert!(!matches("b", "a/b.rs"));
    }
}
