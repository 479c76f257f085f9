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

/// How `push` pushes, as git's flags say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PushOptions {
    /// `-u`: the branch tracks the remote's afterwards.
    #[serde(default)]
    pub set_upstream: bool,
    /// `-f`: overwrite the remote branch even when that drops commits there.
    #[serde(default)]
    pub force: bool,
    /// `--tags`: push every tag too.
    #[serde(default)]
    pub tags: bool,
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

    /// Pushes `name` (the current branch when `None`; a tag when no branch has that name)
    /// to `remote`, as `git push` with `options`. Returns the name pushed.
    ///
    /// # Errors
    /// [`crate::RepoError::DetachedHead`] without a name on a detached HEAD; git's refusal
    /// (a non-fast-forward without `force`, an unknown remote).
    pub fn push(&self, remote: &str, name: Option<&str>, options: PushOptions) -> Result<String> {
        let name = match name {
            Some(b) => b.to_owned(),
            None => self
                .current_branch()?
                .ok_or(crate::RepoError::DetachedHead)?,
        };
        let refs = self.store.refs()?;
        let kind = if !refs.contains_key(&format!("refs/heads/{name}"))
            && refs.contains_key(&format!("refs/tags/{name}"))
        {
            "tags"
        } else {
            "heads"
        };
        let spec = format!("refs/{kind}/{name}:refs/{kind}/{name}");
        let mut args = vec!["push", "--quiet"];
        if options.set_upstream && kind == "heads" {
            args.push("--set-upstream");
        }
        if options.force {
            args.push("--force");
        }
        if options.tags {
            args.push("--tags");
        }
        args.extend([remote, spec.as_str()]);
        git_cmd::run(&self.root, &args)?;
        self.import_git(&crate::NoProgress)?;
        Ok(name)
    }
}
