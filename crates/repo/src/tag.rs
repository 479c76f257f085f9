//! Tags: git's `refs/tags/<name>`, lightweight (a name for a commit).

use atomic_core::GitId;
use serde::{Deserialize, Serialize};

use crate::{Repo, RepoError, Result};

/// A tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Short name, e.g. `v1.0`.
    pub name: String,
    /// The commit it names.
    pub commit: GitId,
}

fn full(name: &str) -> String {
    format!("refs/tags/{name}")
}

impl Repo {
    /// Returns the tags, sorted by name.
    ///
    /// # Errors
    /// Store errors.
    pub fn tags(&self) -> Result<Vec<Tag>> {
        Ok(self
            .store
            .refs()?
            .into_iter()
            .filter_map(|(name, commit)| {
                Some(Tag {
                    name: name.strip_prefix("refs/tags/")?.to_owned(),
                    commit,
                })
            })
            .collect())
    }

    /// Creates the lightweight tag `name` at the change `rev` names (HEAD when `None`), as
    /// `git tag NAME [REV]`.
    ///
    /// # Errors
    /// [`RepoError::TagExists`], [`RepoError::UnknownRevision`], an invalid name.
    pub fn create_tag(&self, name: &str, rev: Option<&str>) -> Result<Tag> {
        let commit = self.create_ref(&full(name), rev, &format!("tag: create {name}"), || {
            RepoError::TagExists {
                name: name.to_owned(),
            }
        })?;
        Ok(Tag {
            name: name.to_owned(),
            commit,
        })
    }

    /// Deletes tag `name`, as `git tag -d`; the commit stays.
    ///
    /// # Errors
    /// [`RepoError::NoSuchTag`].
    pub fn delete_tag(&self, name: &str) -> Result<Tag> {
        let commit = self.delete_ref(&full(name), &format!("tag: delete {name}"), || {
            RepoError::NoSuchTag {
                name: name.to_owned(),
            }
        })?;
        Ok(Tag {
            name: name.to_owned(),
            commit,
        })
    }
}
