//! Branches: list, create, delete, switch. Branches are git's `refs/heads/<name>`.

use atomic_core::GitId;
use atomic_gitbridge as bridge;
use serde::{Deserialize, Serialize};

use crate::{Repo, RepoError, Result};

/// A local branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    /// Short name, e.g. `main`.
    pub name: String,
    /// The commit it points to.
    pub commit: GitId,
    /// Whether HEAD is on it.
    pub current: bool,
}

fn full(name: &str) -> String {
    format!("refs/heads/{name}")
}

impl Repo {
    /// Creates ref `full` at the change `rev` names (HEAD when `None`), logged as
    /// `description`; `exists` is the error when it is there already. Returns its commit.
    pub(crate) fn create_ref(
        &self,
        full: &str,
        rev: Option<&str>,
        description: &str,
        exists: impl FnOnce() -> RepoError,
    ) -> Result<GitId> {
        let mut lock = self.store.lock();
        let before = self.store.refs()?;
        if before.contains_key(full) {
            return Err(exists());
        }
        let commit = self.resolve(rev.unwrap_or("HEAD"))?.git_commit;
        self.writing_refs(&[full], || {
            Ok(bridge::set_ref(
                &self.git,
                full,
                commit,
                Some(None),
                &format!("atomic {description}"),
            )?)
        })?;
        let mut after = before.clone();
        after.insert(full.to_owned(), commit);
        self.record_refs(&mut lock, &before, &after, description.to_owned())?;
        Ok(commit)
    }

    /// Deletes ref `full`, logged as `description`. Returns the commit it pointed to.
    pub(crate) fn delete_ref(
        &self,
        full: &str,
        description: &str,
        missing: impl FnOnce() -> RepoError,
    ) -> Result<GitId> {
        let mut lock = self.store.lock();
        let before = self.store.refs()?;
        let commit = *before.get(full).ok_or_else(missing)?;
        self.writing_refs(&[full], || Ok(bridge::delete_ref(&self.git, full)?))?;
        let mut after = before.clone();
        after.remove(full);
        self.record_refs(&mut lock, &before, &after, description.to_owned())?;
        Ok(commit)
    }

    /// Returns the commits of every ref atomic knows (branches, tags, remote branches).
    ///
    /// # Errors
    /// Store errors.
    pub fn branch_tips(&self) -> Result<Vec<GitId>> {
        Ok(self.store.refs()?.into_values().collect())
    }

    /// Returns the local branches, sorted by name.
    pub fn branches(&self) -> Result<Vec<Branch>> {
        let current = self.current_branch()?;
        Ok(self
            .store
            .refs()?
            .into_iter()
            .filter_map(|(name, commit)| {
                let short = name.strip_prefix("refs/heads/")?.to_owned();
                Some(Branch {
                    current: current.as_deref() == Some(short.as_str()),
                    name: short,
                    commit,
                })
            })
            .collect())
    }

    /// Creates branch `name` at the change `rev` names (HEAD when `None`).
    ///
    /// # Errors
    /// [`RepoError::BranchExists`], [`RepoError::UnknownRevision`], an invalid name.
    pub fn create_branch(&self, name: &str, rev: Option<&str>) -> Result<Branch> {
        let commit =
            self.create_ref(&full(name), rev, &format!("branch: create {name}"), || {
                RepoError::BranchExists {
                    name: name.to_owned(),
                }
            })?;
        Ok(Branch {
            name: name.to_owned(),
            commit,
            current: false,
        })
    }

    /// Deletes branch `name`; its changes stay in the store. Unless `force`, only when HEAD
    /// contains its tip, as `git branch -d`.
    ///
    /// # Errors
    /// [`RepoError::NoSuchBranch`], [`RepoError::CurrentBranch`], [`RepoError::NotMerged`].
    pub fn delete_branch(&self, name: &str, force: bool) -> Result<Branch> {
        let missing = || RepoError::NoSuchBranch {
            name: name.to_owned(),
        };
        let commit = *self.store.refs()?.get(&full(name)).ok_or_else(missing)?;
        if self.current_branch()?.as_deref() == Some(name) {
            return Err(RepoError::CurrentBranch {
                name: name.to_owned(),
            });
        }
        // As `git branch -d`: only a branch HEAD contains, unless forced.
        if !force {
            let contained = match self.head_commit()? {
                Some(head) => self.merge_base(commit, head)? == Some(commit),
                None => false,
            };
            if !contained {
                return Err(RepoError::NotMerged {
                    name: name.to_owned(),
                });
            }
        }
        let commit = self.delete_ref(&full(name), &format!("branch: delete {name}"), missing)?;
        Ok(Branch {
            name: name.to_owned(),
            commit,
            current: false,
        })
    }

    /// Switches the working tree and HEAD to branch `name`, creating it first at `start`
    /// (HEAD when `None`) when `create` is set.
    ///
    /// # Errors
    /// [`RepoError::DirtyWorkingTree`] when the working tree has changes (record them
    /// first); [`RepoError::NoSuchBranch`]; an untracked file in the way is overwritten
    /// only if it is identical, otherwise [`RepoError::DirtyWorkingTree`].
    pub fn switch(&self, name: &str, create: bool, start: Option<&str>) -> Result<Branch> {
        let status = self.clean_status()?;
        if create {
            self.create_branch(name, start)?;
        }
        let commit =
            *self
                .store
                .refs()?
                .get(&full(name))
                .ok_or_else(|| RepoError::NoSuchBranch {
                    name: name.to_owned(),
                })?;
        self.check_out(
            &status,
            commit,
            Some(&full(name)),
            &format!("switch: to {name}"),
        )?;
        Ok(Branch {
            name: name.to_owned(),
            commit,
            current: true,
        })
    }

    /// Switches the working tree to revision `rev` (a commit, tag, branch or change) with
    /// HEAD detached at its commit, as `git switch --detach`. Returns the commit.
    ///
    /// # Errors
    /// As [`Repo::switch`]; [`RepoError::UnknownRevision`].
    pub fn switch_detach(&self, rev: &str) -> Result<GitId> {
        let status = self.clean_status()?;
        let commit = self.resolve(rev)?.git_commit;
        self.check_out(
            &status,
            commit,
            None,
            &format!("switch: to {rev} (detached)"),
        )?;
        Ok(commit)
    }

    /// The working tree's status, refused when a tracked file has changes.
    fn clean_status(&self) -> Result<crate::WorkingTreeStatus> {
        let status = self.status()?;
        if let Some(first) = status.changes.iter().find(|c| c.old.is_some()) {
            return Err(RepoError::DirtyWorkingTree {
                count: status.changes.iter().filter(|c| c.old.is_some()).count(),
                example: first.path.clone(),
            });
        }
        Ok(status)
    }

    /// Checks out `commit` over a clean working tree (`status`), then points HEAD at
    /// `branch` (a full name), or at the commit itself (detached) when `None`; records the
    /// move in the op log as `description`.
    fn check_out(
        &self,
        status: &crate::WorkingTreeStatus,
        commit: GitId,
        branch: Option<&str>,
        description: &str,
    ) -> Result<()> {
        let from = self.head_files()?;
        let tree = bridge::commit_tree(&self.git, commit)?;
        let to = bridge::tree_files(&self.git, tree)?;
        // Untracked files the target would overwrite must match it.
        let blocking: Vec<&str> = status
            .changes
            .iter()
            .filter(|c| c.old.is_none() && to.get(&c.path).is_some_and(|t| Some(*t) != c.new))
            .map(|c| c.path.as_str())
            .collect();
        if let Some(first) = blocking.first() {
            return Err(RepoError::DirtyWorkingTree {
                count: blocking.len(),
                example: (*first).to_owned(),
            });
        }
        crate::worktree::checkout(self, &from, &to)?;
        self.writing_refs(&["HEAD"], || {
            match branch {
                Some(b) => bridge::set_head_branch(&self.git, b)?,
                None => bridge::set_ref(&self.git, "HEAD", commit, None, description)?,
            }
            Ok(())
        })?;
        self.write_index(tree)?;
        let refs = self.store.refs()?;
        self.record_refs(&mut self.store.lock(), &refs, &refs, description.to_owned())?;
        Ok(())
    }
}
