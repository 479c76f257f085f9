//! The structured answer to a submit that cannot merge: a conflict block.

use std::collections::{HashMap, HashSet};

use atomic_semantic::{FileSymbols, SymbolKind};
use serde::Serialize;

/// What a side did to a conflicting symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    /// Changed it.
    Modified,
    /// Removed it.
    Deleted,
    /// Added it.
    Added,
    /// Added a call to it.
    AddedDependency,
    /// Left it alone.
    Unchanged,
}

/// One side's change to a conflicting symbol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SideChange {
    /// For people: what the side did.
    pub description: String,
    /// What the side did.
    pub change_type: ChangeType,
    /// Who: the change or session that did it (for the other side's change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// One symbol in conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConflictingSymbol {
    /// Scoped name (or the file, for a conflict outside any symbol).
    pub symbol: String,
    /// The file.
    pub file: String,
    /// The symbol's text in the session's base, if it existed there.
    pub base_version: Option<String>,
    /// What the branch did since the session's base.
    pub their_change: SideChange,
    /// What the session did.
    pub your_change: SideChange,
}

/// What `session submit` returns when it cannot merge: the session stays as it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConflictBlock {
    /// Always `conflict`.
    pub status: &'static str,
    /// The symbols in conflict.
    pub conflicting_symbols: Vec<ConflictingSymbol>,
    /// For people.
    pub message: String,
    /// What `session resolve --action` accepts.
    pub actions: Vec<&'static str>,
}

impl ConflictBlock {
    /// Builds a block for `symbols`.
    pub fn new(symbols: Vec<ConflictingSymbol>) -> Self {
        let message = format!(
            "{} symbol(s) changed both in this session and on the branch since its base; nothing was submitted and the session is unchanged",
            symbols.len()
        );
        ConflictBlock {
            status: "conflict",
            conflicting_symbols: symbols,
            message,
            actions: vec!["proceed", "keep_yours", "keep_theirs", "manual"],
        }
    }
}

fn callable(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Function | SymbolKind::Method | SymbolKind::Macro
    )
}

/// Names of callables defined in `files`, with the file defining each.
fn defined(files: &[(String, FileSymbols)]) -> HashMap<String, String> {
    files
        .iter()
        .flat_map(|(p, fs)| {
            fs.symbols
                .iter()
                .filter(|s| callable(s.kind))
                .map(move |s| (s.name.clone(), p.clone()))
        })
        .collect()
}

fn calls(files: &[(String, FileSymbols)]) -> HashMap<String, (usize, String)> {
    let mut out: HashMap<String, (usize, String)> = HashMap::new();
    for (p, fs) in files {
        for c in &fs.calls {
            let e = out.entry(c.name.clone()).or_insert((0, p.clone()));
            e.0 += 1;
        }
    }
    out
}

/// Returns the dependency conflicts across files: `(name, file it was deleted from, file
/// calling it, deleted by yours)` for every callable one side deleted (defined in base,
/// nowhere on that side) that the other side newly calls (more calls than in base) without
/// defining it anew.
///
/// Each list holds the symbol tables of the same set of files (those either side changed)
/// as they are on that side; a file missing from a list does not exist there.
pub fn dependency_conflicts(
    base: &[(String, FileSymbols)],
    yours: &[(String, FileSymbols)],
    theirs: &[(String, FileSymbols)],
) -> Vec<(String, String, String, bool)> {
    let (db, dy, dt) = (defined(base), defined(yours), defined(theirs));
    let (cb, cy, ct) = (calls(base), calls(yours), calls(theirs));
    let newly_called = |side: &HashMap<String, (usize, String)>| -> HashMap<String, String> {
        side.iter()
            .filter(|(n, (count, _))| *count > cb.get(*n).map_or(0, |c| c.0))
            .map(|(n, (_, file))| (n.clone(), file.clone()))
            .collect()
    };
    let (ny, nt) = (newly_called(&cy), newly_called(&ct));
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (name, file) in &db {
        for (deleted_by_yours, deleter, caller, caller_defs) in
            [(true, &dy, &nt, &dt), (false, &dt, &ny, &dy)]
        {
            // The merge keeps the deletion, so the name survives only if the calling side
            // defines it in another file (it moved the function).
            if !deleter.contains_key(name)
                && let Some(calling_file) = caller.get(name)
                && caller_defs.get(name).is_none_or(|f| f == file)
                && seen.insert((name.clone(), deleted_by_yours))
            {
                out.push((
                    name.clone(),
                    file.clone(),
                    calling_file.clone(),
                    deleted_by_yours,
                ));
            }
        }
    }
    out.sort();
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
        let yours = files(&[("a.rs", "pub fn other() {}\n"), ("b.rs", "fn main() {}\n")]);
        let theirs = files(&[
            ("a.rs", "pub fn helper() {}\npub fn other() {}\n"),
            ("b.rs", "fn main() { helper(); }\n"),
        ]);
        assert_eq!(
            dependency_conflicts(&base, &yours, &theirs),
            vec![("helper".into(), "a.rs".into(), "b.rs".into(), true)]
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
