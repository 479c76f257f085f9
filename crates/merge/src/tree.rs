//! The tree-level three-way merge: which version of each path wins, the content merge of
//! paths both sides changed, and dependency conflicts across files. `atomic merge`, session
//! submits and `session resolve` all merge trees through [`merge_tree`].
//!
//! ### Algorithm
//! For each path either side changed (the caller lists them, with their mode and blob on
//! each side):
//! 1. Both sides the same, or only one side changed it: take that version.
//! 2. Changed on both sides: deleted on one side is a [`TreeConflictKind::ModifiedDeleted`]
//!    conflict; a symlink, submodule or binary file is [`TreeConflictKind::NotText`];
//!    otherwise the contents merge with [`crate::merge_with`], and the mode merges three
//!    ways (a mode only one side changed wins).
//! 3. When either side deleted a callable, the symbol tables of every changed file are
//!    compared across the three versions: a callable one side deleted that the other newly
//!    calls is a [`TreeConflictKind::Dependency`] conflict (see [`dependency_conflicts`]).
//!    The per-file merge already reports the case where both are in one merged file.
//!
//! ### Relation to git
//! git's merge-ort decides paths the same way (gix-merge's `tree()` likewise reaches
//! storage only through its arguments, here the `read` closure); the content merge is
//! atomic's structured merge, and the dependency check is atomic's own.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use atomic_core::{FileMode, FileState, GitId, is_binary};
use atomic_semantic::{Bounded, FileSymbols, extract_path_shared, language_for_path};
use serde::{Deserialize, Serialize};

use crate::dependency::{DependencyConflict, dependency_conflicts};
use crate::{Action, Conflict, Labels, Policy, merge_with};

/// One side of a merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Ours: the side the result is written over (the session, or the checked-out branch).
    Ours,
    /// Theirs: the side merged in (the branch head, or the merged branch).
    Theirs,
}

/// A path's version on each side: mode and blob, `None` where the file is absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathVersions {
    /// The path, `/`-separated.
    pub path: String,
    /// In the merge base.
    pub base: Option<FileState>,
    /// On our side.
    pub ours: Option<FileState>,
    /// On their side.
    pub theirs: Option<FileState>,
}

/// A merged path's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Merged {
    /// A version one side already has.
    Existing(FileState),
    /// New contents from the content merge (with markers when it conflicted).
    New {
        /// The merged mode.
        mode: FileMode,
        /// The merged bytes.
        text: Vec<u8>,
    },
}

/// Why a path could not be merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TreeConflictKind {
    /// One side deleted the file, the other changed it.
    ModifiedDeleted {
        /// The side that deleted it.
        deleted_by: Side,
    },
    /// Both changed a file that has no text to merge: binary, a symlink or a submodule.
    NotText,
    /// Both changed the same symbols (or lines) of the file.
    Content {
        /// The conflicts, by symbol.
        conflicts: Vec<Conflict>,
    },
    /// A callable deleted on one side is newly called on the other.
    Dependency(DependencyConflict),
    /// One side adds a file where the other has a directory, or under a path that is a
    /// file there: a git tree cannot hold both.
    PathClash {
        /// The path in the way on the other side.
        clash: String,
        /// The side that has it.
        side: Side,
    },
}

/// A conflicting path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeConflict {
    /// The path (for a dependency conflict, the file that defined the callable).
    pub path: String,
    /// Why.
    #[serde(flatten)]
    pub kind: TreeConflictKind,
}

/// The result of [`merge_tree`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeOutcome {
    /// Every path given, with its merged contents (`None`: absent). A content conflict
    /// leaves the text with markers; any other conflict leaves ours.
    pub files: BTreeMap<String, Option<Merged>>,
    /// Paths both sides changed whose contents merged cleanly.
    pub merged: Vec<String>,
    /// Paths where the resolution policy settled conflicts, with how many.
    pub settled: BTreeMap<String, usize>,
    /// The conflicts; empty when the merge is clean.
    pub conflicts: Vec<TreeConflict>,
}

impl TreeOutcome {
    /// Returns whether the merge is clean.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// The mode of a file both sides changed: the same on both, else the one that differs
/// from base.
fn merged_mode(b: Option<&FileState>, o: &FileState, t: &FileState) -> FileMode {
    match b {
        _ if o.mode == t.mode => o.mode,
        Some(b) if o.mode == b.mode => t.mode,
        _ => o.mode,
    }
}

fn has_text(mode: FileMode) -> bool {
    matches!(mode, FileMode::Blob | FileMode::Executable)
}

/// Merges the paths `paths` lists, reading contents through `read`. Paths neither side
/// changed need not be listed; the result holds exactly the listed paths.
///
/// `policy` settles content conflicts (see [`Policy`]); other conflicts are reported
/// whatever it says.
///
/// # Errors
/// `read`'s errors.
pub fn merge_tree<E>(
    paths: &[PathVersions],
    read: &dyn Fn(&FileState) -> Result<Vec<u8>, E>,
    labels: &Labels<'_>,
    policy: Policy<'_>,
) -> Result<TreeOutcome, E> {
    let mut out = TreeOutcome::default();
    let mut contents: HashMap<GitId, Vec<u8>> = HashMap::new();
    let mut load = |s: Option<&FileState>| -> Result<Vec<u8>, E> {
        let Some(s) = s else { return Ok(Vec::new()) };
        if let Some(bytes) = contents.get(&s.blob) {
            return Ok(bytes.clone());
        }
        let bytes = read(s)?;
        contents.insert(s.blob, bytes.clone());
        Ok(bytes)
    };
    for p in paths {
        let (b, o, t) = (p.base.as_ref(), p.ours.as_ref(), p.theirs.as_ref());
        let keep = |s: Option<&FileState>| s.map(|s| Merged::Existing(*s));
        let decided = if o == t || t == b {
            keep(o)
        } else if o == b {
            keep(t)
        } else {
            match (o, t) {
                (Some(os), Some(ts)) => {
                    let text_modes = b.is_none_or(|b| has_text(b.mode))
                        && has_text(os.mode)
                        && has_text(ts.mode);
                    let (bb, ob, tb) = (load(b)?, load(o)?, load(t)?);
                    if !text_modes || is_binary(&bb) || is_binary(&ob) || is_binary(&tb) {
                        out.conflicts.push(TreeConflict {
                            path: p.path.clone(),
                            kind: TreeConflictKind::NotText,
                        });
                        keep(o)
                    } else {
                        let m = merge_with(&p.path, &bb, &ob, &tb, labels, policy);
                        if m.settled > 0 {
                            out.settled.insert(p.path.clone(), m.settled);
                        }
                        if m.is_clean() {
                            out.merged.push(p.path.clone());
                        } else {
                            out.conflicts.push(TreeConflict {
                                path: p.path.clone(),
                                kind: TreeConflictKind::Content {
                                    conflicts: m.conflicts,
                                },
                            });
                        }
                        Some(Merged::New {
                            mode: merged_mode(b, os, ts),
                            text: m.text,
                        })
                    }
                }
                _ => {
                    out.conflicts.push(TreeConflict {
                        path: p.path.clone(),
                        kind: TreeConflictKind::ModifiedDeleted {
                            deleted_by: if o.is_none() {
                                Side::Ours
                            } else {
                                Side::Theirs
                            },
                        },
                    });
                    keep(o)
                }
            }
        };
        out.files.insert(p.path.clone(), decided);
    }
    for d in dependencies(paths, &mut load)? {
        // Both ends in one file that went through the content merge: reported there.
        let merged_here = d.defined_in == d.called_in
            && out
                .merged
                .iter()
                .chain(out.conflicts.iter().map(|c| &c.path))
                .any(|p| *p == d.defined_in);
        if !merged_here {
            out.conflicts.push(TreeConflict {
                path: d.defined_in.clone(),
                kind: TreeConflictKind::Dependency(d),
            });
        }
    }
    Ok(out)
}

/// Reads a version's contents (empty for an absent file).
type Load<'a, E> = dyn FnMut(Option<&FileState>) -> Result<Vec<u8>, E> + 'a;

/// The dependency conflicts among `paths`, reading and parsing each distinct blob at most
/// once (tables of blobs seen before come from [`TABLES`]), and nothing at all when
/// neither side deleted a callable.
fn dependencies<E>(
    paths: &[PathVersions],
    load: &mut Load<'_, E>,
) -> Result<Vec<DependencyConflict>, E> {
    let parsed: Vec<&PathVersions> = paths
        .iter()
        .filter(|p| language_for_path(&p.path).is_some())
        .collect();
    if parsed.is_empty() {
        return Ok(Vec::new());
    }
    let table = |path: &str,
                 s: Option<&FileState>,
                 load: &mut Load<'_, E>|
     -> Result<Option<Arc<FileSymbols>>, E> {
        let Some(s) = s.filter(|s| has_text(s.mode)) else {
            return Ok(None);
        };
        let Some(language) = language_for_path(path) else {
            return Ok(None);
        };
        let key = (s.blob, language.name);
        if let Some(found) = TABLES.get(&key) {
            return Ok(found);
        }
        let bytes = load(Some(s))?;
        let found = extract_path_shared(path, &bytes);
        TABLES.put(key, bytes.len(), found.clone());
        Ok(found)
    };
    // Callables of base gone on a side that changed the file: without any, no conflict.
    let mut any_deleted = false;
    for p in &parsed {
        let Some(base) = table(&p.path, p.base.as_ref(), load)? else {
            continue;
        };
        for side in [p.ours.as_ref(), p.theirs.as_ref()] {
            if side == p.base.as_ref() {
                continue;
            }
            let after = table(&p.path, side, load)?;
            let after = after.as_ref().map_or(&[][..], |a| &a.symbols[..]);
            any_deleted |= base.symbols.iter().any(|s| {
                s.kind.is_callable()
                    && !after
                        .iter()
                        .any(|a| a.kind.is_callable() && a.name == s.name)
            });
        }
    }
    if !any_deleted {
        return Ok(Vec::new());
    }
    let mut lists: [Vec<(String, FileSymbols)>; 3] = Default::default();
    for p in &parsed {
        for (i, s) in [p.base.as_ref(), p.ours.as_ref(), p.theirs.as_ref()]
            .into_iter()
            .enumerate()
        {
            if let Some(t) = table(&p.path, s, load)? {
                lists[i].push((p.path.clone(), FileSymbols::clone(&t)));
            }
        }
    }
    let [b, o, t] = lists;
    Ok(dependency_conflicts(&b, &o, &t))
}

/// Symbol tables by blob and language, shared by the merges of one process: a submit
/// checks the files the branch changed since the session's base, and the next submit
/// checks mostly the same blobs. At most 1,024 tables, made from at most 32 MiB of
/// sources, as the parser's own cache by content (`None`: binary contents).
static TABLES: Bounded<(GitId, &'static str), Option<Arc<FileSymbols>>> =
    Bounded::new(1024, 32 << 20);

impl TreeConflict {
    /// What each side did, for people and for conflict blocks: (ours, theirs).
    pub fn actions(&self) -> (Action, Action) {
        match &self.kind {
            TreeConflictKind::ModifiedDeleted {
                deleted_by: Side::Ours,
            } => (Action::Deleted, Action::Modified),
            TreeConflictKind::ModifiedDeleted {
                deleted_by: Side::Theirs,
            } => (Action::Modified, Action::Deleted),
            TreeConflictKind::Dependency(d) => match d.deleted_by {
                Side::Ours => (Action::Deleted, Action::AddedDependency),
                Side::Theirs => (Action::AddedDependency, Action::Deleted),
            },
            TreeConflictKind::PathClash {
                side: Side::Theirs, ..
            } => (Action::Added, Action::Modified),
            TreeConflictKind::PathClash {
                side: Side::Ours, ..
            } => (Action::Modified, Action::Added),
            TreeConflictKind::NotText | TreeConflictKind::Content { .. } => {
                (Action::Modified, Action::Modified)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pick;

    fn blob(n: u8) -> FileState {
        FileState {
            mode: FileMode::Blob,
            blob: GitId([n; 20]),
        }
    }

    fn texts() -> HashMap<GitId, Vec<u8>> {
        HashMap::from([
            (GitId([1; 20]), b"fn a() {}\nfn b() {}\n".to_vec()),
            (GitId([2; 20]), b"fn a() { 1 }\nfn b() {}\n".to_vec()),
            (GitId([3; 20]), b"fn a() {}\nfn b() { 2 }\n".to_vec()),
            (GitId([4; 20]), b"fn b() {}\n".to_vec()),
            (GitId([5; 20]), b"fn main() { a(); }\n".to_vec()),
            (GitId([6; 20]), b"fn main() {}\n".to_vec()),
        ])
    }

    fn run(paths: &[PathVersions]) -> TreeOutcome {
        let texts = texts();
        let read = |s: &FileState| -> Result<Vec<u8>, ()> { Ok(texts[&s.blob].clone()) };
        merge_tree(paths, &read, &Labels::default(), &|_| Pick::Keep).expect("reads")
    }

    fn versions(path: &str, b: Option<u8>, o: Option<u8>, t: Option<u8>) -> PathVersions {
        PathVersions {
            path: path.into(),
            base: b.map(blob),
            ours: o.map(blob),
            theirs: t.map(blob),
        }
    }

    #[test]
    fn one_sided_changes_win_and_both_sided_ones_merge_by_symbol() {
        let out = run(&[
            versions("x.rs", Some(1), Some(2), Some(1)),
            versions("y.rs", Some(1), Some(1), Some(3)),
            versions("z.rs", Some(1), Some(2), Some(3)),
        ]);
        assert!(out.is_clean(), "{:?}", out.conflicts);
        assert_eq!(out.files["x.rs"], Some(Merged::Existing(blob(2))));
        assert_eq!(out.files["y.rs"], Some(Merged::Existing(blob(3))));
        assert_eq!(
            out.files["z.rs"],
            Some(Merged::New {
                mode: FileMode::Blob,
                text: b"fn a() { 1 }\nfn b() { 2 }\n".to_vec()
            })
        );
        assert_eq!(out.merged, vec!["z.rs".to_owned()]);
    }

    #[test]
    fn deleted_against_modified_and_deleted_against_called_conflict() {
        let out = run(&[versions("x.rs", Some(1), None, Some(2))]);
        assert_eq!(
            out.conflicts[0].kind,
            TreeConflictKind::ModifiedDeleted {
                deleted_by: Side::Ours
            }
        );
        assert_eq!(out.files["x.rs"], None);
        // Ours deletes `a` in lib.rs; theirs adds a call to it in main.rs.
        let out = run(&[
            versions("lib.rs", Some(1), Some(4), Some(1)),
            versions("main.rs", Some(6), Some(6), Some(5)),
        ]);
        assert_eq!(out.conflicts.len(), 1, "{:?}", out.conflicts);
        assert_eq!(out.conflicts[0].path, "lib.rs");
        assert_eq!(
            out.conflicts[0].actions(),
            (Action::Deleted, Action::AddedDependency)
        );
    }
}
