//! Dependency conflicts across files: a function one side deletes that the other side
//! newly calls. A line merge, and git, merge such edits silently into code that no longer
//! builds.

use std::collections::{HashMap, HashSet};

use atomic_semantic::FileSymbols;
use serde::{Deserialize, Serialize};

use crate::tree::Side;

/// A callable one side deleted while the other side added a call to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyConflict {
    /// The callable's name (unscoped, as calls name it).
    pub name: String,
    /// The file that defined it in base.
    pub defined_in: String,
    /// A file where the other side newly calls it.
    pub called_in: String,
    /// The side that deleted it.
    pub deleted_by: Side,
}

/// Names of callables defined in `files`, with the file defining each.
fn defined(files: &[(String, FileSymbols)]) -> HashMap<String, String> {
    files
        .iter()
        .flat_map(|(p, fs)| {
            fs.symbols
                .iter()
                .filter(|s| s.kind.is_callable())
                .map(move |s| (s.name.clone(), p.clone()))
        })
        .collect()
}

/// Calls per name in `files`, with the first file calling it.
fn calls(files: &[(String, FileSymbols)]) -> HashMap<String, (usize, String)> {
    let mut out: HashMap<String, (usize, String)> = HashMap::new();
    for (p, fs) in files {
        for c in &fs.calls {
            out.entry(c.name.clone()).or_insert((0, p.clone())).0 += 1;
        }
    }
    out
}

/// Returns the dependency conflicts between two sides: every callable one side deleted
/// (defined in base, nowhere on that side) that the other side newly calls (more calls than
/// in base) without defining it anew in another file. Sorted by name, then deleting side.
///
/// Each list holds the symbol tables of the same set of files (those either side changed)
/// as they are on that side; a file missing from a list does not exist there.
pub fn dependency_conflicts(
    base: &[(String, FileSymbols)],
    ours: &[(String, FileSymbols)],
    theirs: &[(String, FileSymbols)],
) -> Vec<DependencyConflict> {
    let (db, d_ours, d_theirs) = (defined(base), defined(ours), defined(theirs));
    let (cb, c_ours, c_theirs) = (calls(base), calls(ours), calls(theirs));
    let newly_called = |side: &HashMap<String, (usize, String)>| -> HashMap<String, String> {
        side.iter()
            .filter(|(n, (count, _))| *count > cb.get(*n).map_or(0, |c| c.0))
            .map(|(n, (_, file))| (n.clone(), file.clone()))
            .collect()
    };
    let (new_ours, new_theirs) = (newly_called(&c_ours), newly_called(&c_theirs));
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (name, file) in &db {
        for (deleted_by, deleter, caller, caller_defs) in [
            (Side::Ours, &d_ours, &new_theirs, &d_theirs),
            (Side::Theirs, &d_theirs, &new_ours, &d_ours),
        ] {
            // The merge keeps the deletion, so the name survives only if the calling side
            // defines it in another file (it moved the function).
            if !deleter.contains_key(name)
                && let Some(called_in) = caller.get(name)
                && caller_defs.get(name).is_none_or(|f| f == file)
                && seen.insert((name.clone(), deleted_by))
            {
                out.push(DependencyConflict {
                    name: name.clone(),
                    defined_in: file.clone(),
                    called_in: called_in.clone(),
                    deleted_by,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.name, a.deleted_by).cmp(&(&b.name, b.deleted_by)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, FileSymbols)> {
        list.iter()
            .map(|(p, t)| {
                (
                    (*p).to_owned(),
                    atomic_semantic::extract_path(p, t.as_bytes()).expect("supported"),
                )
            })
            .collect()
    }

    #[test]
    fn a_deletion_against_a_new_call_in_another_file_conflicts() {
        let base = files(&[
            ("a.rs", "pub fn helper() {}\npub fn other() {}\n"),
            ("b.rs", "fn main() {}\n"),
        ]);
        let ours = files(&[("a.rs", "pub fn other() {}\n"), ("b.rs", "fn main() {}\n")]);
        let theirs = files(&[
            ("a.rs", "pub fn helper() {}\npub fn other() {}\n"),
            ("b.rs", "fn main() { helper(); }\n"),
        ]);
        assert_eq!(
            dependency_conflicts(&base, &ours, &theirs),
            vec![DependencyConflict {
                name: "helper".into(),
                defined_in: "a.rs".into(),
                called_in: "b.rs".into(),
                deleted_by: Side::Ours,
            }]
        );
        // Moved to b.rs by the deleting side: still defined, no conflict.
        let moved = files(&[
            ("a.rs", "pub fn other() {}\n"),
            ("b.rs", "fn main() {}\nfn helper() {}\n"),
        ]);
        assert!(dependency_conflicts(&base, &moved, &theirs).is_empty());
        assert!(dependency_conflicts(&base, &base, &theirs).is_empty());
    }
}
