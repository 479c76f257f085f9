//! Which symbols a change added, modified, deleted or renamed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{FileSymbols, Symbol, SymbolKind};

/// How a symbol changed between two versions of a file. In JSON, beside the symbol's
/// other fields: `"change_type": "added" | "modified" | "deleted" | "renamed"`, with
/// `signature` and `body` (booleans) for a modification and `from` for a rename.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "change_type")]
pub enum ChangeKind {
    /// New in the new version.
    Added,
    /// Present in both; its text changed.
    Modified {
        /// Whether the signature (text up to the body) changed.
        signature: bool,
        /// Whether anything after the signature changed.
        body: bool,
    },
    /// Gone from the new version.
    Deleted,
    /// Same text under another name.
    Renamed {
        /// The old scoped name.
        from: String,
    },
}

impl std::fmt::Display for ChangeKind {
    /// For people: `added`, `deleted`, `body modified`, `signature modified`, `signature
    /// and body modified`, `renamed from OLD`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeKind::Added => f.write_str("added"),
            ChangeKind::Deleted => f.write_str("deleted"),
            ChangeKind::Modified { signature, body } => f.write_str(match (signature, body) {
                (true, true) => "signature and body modified",
                (true, false) => "signature modified",
                _ => "body modified",
            }),
            ChangeKind::Renamed { from } => write!(f, "renamed from {from}"),
        }
    }
}

/// One symbol's change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SymbolChange {
    /// Scoped name (the new one for a rename, the old one for a deletion).
    pub scoped_name: String,
    /// Its kind.
    pub kind: SymbolKind,
    /// What happened.
    #[serde(flatten)]
    pub change: ChangeKind,
    /// Lines in the new version (the old one for a deletion), 1-based inclusive.
    pub lines: (u32, u32),
}

/// Returns the symbols that differ between `old` and `new` (either may be empty, for an
/// added or deleted file), sorted by scoped name.
///
/// Symbols are matched by kind and scoped name. A symbol present in both is modified when
/// its normalized text hash differs, split into signature and body changes. An unmatched
/// old and new symbol of the same kind, with the same body and the same signature but for
/// the name, is a rename.
pub fn changed_symbols(old: &FileSymbols, new: &FileSymbols) -> Vec<SymbolChange> {
    let key = |s: &Symbol| (s.kind, s.scoped_name.clone());
    // Definitions of one name (overloads, several `impl` blocks) pair up first by equal
    // text, then in order; the rest are added or deleted.
    let mut unmatched: HashMap<(SymbolKind, String), Vec<&Symbol>> = HashMap::new();
    for o in &old.symbols {
        unmatched.entry(key(o)).or_default().push(o);
    }
    let mut pending = Vec::new();
    for s in &new.symbols {
        let same = unmatched
            .get_mut(&key(s))
            .and_then(|v| v.iter().position(|o| o.hash == s.hash).map(|i| v.remove(i)));
        if same.is_none() {
            pending.push(s);
        }
    }
    let mut out = Vec::new();
    let mut added: Vec<&Symbol> = Vec::new();
    for s in pending {
        let paired = unmatched
            .get_mut(&key(s))
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
        let Some(o) = paired else {
            added.push(s);
            continue;
        };
        let signature = o.signature_hash != s.signature_hash;
        // Text outside both (a doc comment, say) counts as the body.
        let body = o.body_hash != s.body_hash || !signature;
        out.push(SymbolChange {
            scoped_name: s.scoped_name.clone(),
            kind: s.kind,
            change: ChangeKind::Modified { signature, body },
            lines: (s.start_line, s.end_line),
        });
    }
    let mut gone: Vec<&Symbol> = old
        .symbols
        .iter()
        .filter(|o| {
            unmatched
                .get(&key(o))
                .is_some_and(|v| v.iter().any(|u| std::ptr::eq(*u, *o)))
        })
        .collect();
    for s in added {
        let rename = gone.iter().position(|o| {
            o.kind == s.kind
                && o.name != s.name
                && o.body_hash == s.body_hash
                && o.signature.replace(&o.name, &s.name) == s.signature
        });
        let change = match rename {
            Some(i) => ChangeKind::Renamed {
                from: gone.remove(i).scoped_name.clone(),
            },
            None => ChangeKind::Added,
        };
        out.push(SymbolChange {
            scoped_name: s.scoped_name.clone(),
            kind: s.kind,
            change,
            lines: (s.start_line, s.end_line),
        });
    }
    for o in gone {
        out.push(SymbolChange {
            scoped_name: o.scoped_name.clone(),
            kind: o.kind,
            change: ChangeKind::Deleted,
            lines: (o.start_line, o.end_line),
        });
    }
    out.sort_by(|a, b| a.scoped_name.cmp(&b.scoped_name));
    out
}
