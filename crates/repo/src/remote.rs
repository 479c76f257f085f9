//! Remotes, fetch and push, with the `git` binary (any transport git supports).

use serde::{Deserialize, Serialize};

use crate::sync::ImportSummary;
use crate::{Progress, Repo, Result, git_cmd};

/// A configured git remote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remote {
    /// Its name, e.g. `origin`.
    pub name: String,
    /// Its fetch URL.
    pub url: String,
}

impl Repo {
    /// Returns the configured remotes, sorted by name.
    pub fn remotes(&self) -> Result<Vec<Remote>> {
        let out = git_cmd::run(&self.root, &["remote", "-v"])?;
        let mut remotes: Vec<Remote> = out
            .lines()
            .filter(|l| l.ends_with("(fetch)"))
            .filter_map(|l| {
                let mut parts = l.split_whitespace();
                Some(Remote {
                    name: parts.next()?.to_owned(),
                    url: parts.next()?.to_owned(),
                })
            })
            .collect();
        remotes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(remotes)
    }

    /// Adds remote `name` at `url`.
    pub fn add_remote(&self, name: &str, url: &str) -> Result<Remote> {
        git_cmd::run(&self.root, &["remote", "add", name, url])?;
        Ok(Remote {
            name: name.to_owned(),
            url: url.to_owned(),
        })
    }

    /// Removes remote `name` and its remote-tracking refs.
    pub fn remove_remote(&self, name: &str) -> Result<()> {
        git_cmd::run(&self.root, &["remote", "remove", name])?;
        Ok(())
    }

    /// Fetches from `remote` (branches to `refs/remotes/<remote>/*`, and tags) and imports
    /// the new commits.
    pub fn fetch(&self, remote: &str, progress: &dyn Progress) -> Result<ImportSummary> {
        git_cmd::run(&self.root, &["fetch", "--quiet", "--tags", remote])?;
        self.import_git(progress)
    }

    /// Pushes `branch` (the current one when `None`) to `remote`.
    pub fn push(&self, remote: &str, branch: Option<&str>) -> Result<String> {
        let branch = match branch {
            Some(b) => b.to_owned(),
            None => self
                .current_branch()?
                .ok_or(crate::RepoError::DetachedHead)?,
        };
        let spec = format!("refs/heads/{branch}:refs/heads/{branch}");
        git_cmd::run(&self.root, &["push", "--quiet", remote, &spec])?;
        self.import_git(&crate::NoProgress)?;
        Ok(branch)
    }
}
