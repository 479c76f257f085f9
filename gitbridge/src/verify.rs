//! The change invariant: a change's hunks applied to its first parent's tree give exactly
//! its commit's tree.

use atomic_core::{Change, FileKind, apply_hunks};

use crate::error::Result;
use crate::tree::{TreeFiles, blob_id, commit_tree, has_text_contents, read_blob, tree_files};

/// Checks `change` against git and returns the problems found (empty when it holds).
///
/// `parent_commit` is the git commit of the change's first parent, `None` for a root.
/// Each text file's new contents are rebuilt by applying the hunks to the parent's blob
/// and hashed; the resulting file set must equal the commit's tree, path by path.
///
/// # Errors
/// Missing or unreadable git objects.
pub fn verify_change(
    repo: &gix::Repository,
    change: &Change,
    parent_commit: Option<atomic_core::GitId>,
) -> Result<Vec<String>> {
    let mut files: TreeFiles = match parent_commit {
        Some(p) => tree_files(repo, commit_tree(repo, p)?)?,
        None => TreeFiles::new(),
    };
    let mut problems = Vec::new();
    for fc in &change.files {
        let old_path = match &fc.kind {
            FileKind::Renamed { from } => from.as_str(),
            _ => fc.path.as_str(),
        };
        let found = files.remove(old_path);
        if found != fc.old {
            problems.push(format!(
                "{}: recorded old state {:?} but the parent has {:?}",
                old_path, fc.old, found
            ));
            continue;
        }
        let Some(new) = fc.new else {
            continue;
        };
        if !fc.binary && has_text_contents(new.mode) {
            let before = match fc.old {
                Some(old) if has_text_contents(old.mode) => read_blob(repo, old.blob)?,
                _ => Vec::new(),
            };
            match apply_hunks(&before, &fc.hunks) {
                Ok(after) if blob_id(&after) == new.blob => {}
                Ok(after) => problems.push(format!(
                    "{}: hunks give blob {} but the change records {}",
                    fc.path,
                    blob_id(&after),
                    new.blob
                )),
                Err(e) => problems.push(format!("{}: hunks do not apply: {e}", fc.path)),
            }
        }
        files.insert(fc.path.clone(), new);
    }
    let expected = tree_files(repo, commit_tree(repo, change.git_commit)?)?;
    if files != expected {
        let extra: Vec<_> = files
            .iter()
            .filter(|(p, s)| expected.get(*p) != Some(s))
            .map(|(p, _)| p.as_str())
            .collect();
        let missing: Vec<_> = expected
            .iter()
            .filter(|(p, s)| files.get(*p) != Some(s))
            .map(|(p, _)| p.as_str())
            .collect();
        problems.push(format!(
            "applied tree differs from commit {}: unexpected {:?}, missing {:?}",
            change.git_commit, extra, missing
        ));
    }
    Ok(problems)
}
