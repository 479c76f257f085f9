//! Reading and moving git refs.

use atomic_core::GitId;
use gix::refs::transaction::{PreviousValue, RefEdit};
use gix::refs::{FullName, Target};

use crate::convert::{git_id, object_id};
use crate::error::{BridgeError, Result, git};

/// A ref and the commit it points to (annotated tags peeled).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefTip {
    /// Full name, e.g. `refs/heads/main`, `refs/tags/v1`, `refs/remotes/origin/main`.
    pub name: String,
    /// The commit it points to, after peeling tags.
    pub commit: GitId,
}

/// Returns every direct ref that peels to a commit: branches, tags, remote branches.
/// Symbolic refs (`refs/remotes/origin/HEAD`) and tags of trees or blobs are skipped.
pub fn ref_tips(repo: &gix::Repository) -> Result<Vec<RefTip>> {
    let platform = repo.references().map_err(git("listing refs"))?;
    let mut tips = Vec::new();
    for reference in platform.all().map_err(git("listing refs"))? {
        let mut reference = reference.map_err(git("reading a ref"))?;
        if matches!(reference.target(), gix::refs::TargetRef::Symbolic(_)) {
            continue;
        }
        let name = reference.name().as_bstr().to_string();
        let id = reference
            .peel_to_id()
            .map_err(git(|| format!("peeling {name}")))?;
        let header = repo
            .find_header(id.detach())
            .map_err(git(|| format!("reading the object of {name}")))?;
        if header.kind() == gix::objs::Kind::Commit {
            tips.push(RefTip {
                name,
                commit: git_id(&id),
            });
        }
    }
    tips.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tips)
}

/// Returns the commit ref `name` (full name) points to, after peeling tags; `None` when
/// the ref does not exist.
///
/// # Errors
/// A ref that cannot be read or peeled.
pub fn read_ref(repo: &gix::Repository, name: &str) -> Result<Option<GitId>> {
    let Some(mut reference) = repo
        .try_find_reference(name)
        .map_err(git(|| format!("reading {name}")))?
    else {
        return Ok(None);
    };
    let id = reference
        .peel_to_id()
        .map_err(git(|| format!("peeling {name}")))?;
    Ok(Some(git_id(&id)))
}

/// Returns the branch HEAD names (`refs/heads/main`), even when unborn; `None` if detached.
pub fn head_branch(repo: &gix::Repository) -> Result<Option<String>> {
    Ok(repo
        .head_name()
        .map_err(git("reading HEAD"))?
        .map(|n| n.as_bstr().to_string()))
}

/// Applies `edit`, writing the reflog as the configured committer, or as `atomic` when no
/// identity is configured (git needs one for reflogs; refs must still move).
fn edit(repo: &gix::Repository, edit: RefEdit) -> gix::Result<()> {
    if let Some(Ok(_)) = repo.committer() {
        repo.edit_reference(edit)?;
    } else {
        let fallback = gix::actor::Signature {
            name: "atomic".into(),
            email: "atomic@localhost".into(),
            time: gix::date::Time::now_utc(),
        };
        let mut time = gix::date::parse::TimeBuf::default();
        repo.edit_references_as([edit], Some(fallback.to_ref(&mut time)))?;
    }
    Ok(())
}

fn full_name(name: &str) -> Result<FullName> {
    FullName::try_from(name).map_err(|e| BridgeError::BadRefName {
        name: name.to_owned(),
        reason: e.to_string(),
    })
}

/// Points ref `name` at `commit`. With `expected` set, the ref must currently point there
/// (`None` inside means it must not exist): git's compare-and-swap.
pub fn set_ref(
    repo: &gix::Repository,
    name: &str,
    commit: GitId,
    expected: Option<Option<GitId>>,
    log_message: &str,
) -> Result<()> {
    let previous = match expected {
        None => PreviousValue::Any,
        Some(None) => PreviousValue::MustNotExist,
        Some(Some(old)) => PreviousValue::MustExistAndMatch(Target::Object(object_id(old))),
    };
    edit(
        repo,
        RefEdit::update(full_name(name)?, object_id(commit), previous, log_message),
    )
    .map_err(git(|| format!("moving {name} to {commit}")))?;
    Ok(())
}

/// Deletes ref `name`.
pub fn delete_ref(repo: &gix::Repository, name: &str) -> Result<()> {
    edit(repo, RefEdit::delete(full_name(name)?, PreviousValue::Any))
        .map_err(git(|| format!("deleting {name}")))?;
    Ok(())
}

/// Makes HEAD a symbolic ref to `branch` (a full name such as `refs/heads/main`).
pub fn set_head_branch(repo: &gix::Repository, branch: &str) -> Result<()> {
    edit(
        repo,
        RefEdit::update(
            full_name("HEAD")?,
            full_name(branch)?,
            PreviousValue::Any,
            "",
        ),
    )
    .map_err(git(|| format!("pointing HEAD at {branch}")))?;
    Ok(())
}

/// Returns the value of git configuration `key` (`core.pager`) as git would read it in the
/// repository found above `start` (its config, then the user's and the system's), or from
/// the user's and system's configuration when there is no repository; `None` when unset.
pub fn config_string(start: &std::path::Path, key: &str) -> Option<String> {
    match gix::discover(start) {
        Ok(repo) => repo.config_snapshot().string(key).map(|v| v.to_string()),
        Err(_) => gix::config::File::from_globals()
            .ok()
            .and_then(|c| c.string(key).map(|v| v.to_string())),
    }
}
