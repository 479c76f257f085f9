//! atomic's semantic layer: the language table, symbol extraction, the symbol graph, and
//! context queries.
//!
//! Pure: bytes in, values out. Languages are data ([`LANGUAGES`]): each profile names its
//! grammar and what its definitions, calls, type references and imports look like, as
//! patterns over node kinds found in one walk of the tree (`patterns.rs`,
//! `symbol_patterns.rs`).

mod ancestry;
mod bounded;
mod callees;
mod changes;
mod context;
mod extract;
mod graph;
mod imports;
mod language;
mod patterns;
#[cfg(test)]
mod patterns_oracle;
mod reuse;
// The oracle tests share `tests/corpus`, which names this crate as the integration tests do.
#[cfg(test)]
extern crate self as atomic_semantic;
mod symbol;
mod symbol_patterns;
mod touched;
mod trees;

pub use bounded::Bounded;
pub use changes::{ChangeKind, SymbolChange, changed_symbols};
pub use context::{CallSite, Context, Depth, context};
pub use extract::{
    extract, extract_edited, extract_shared, extract_uncached, extract_versions,
    forget_recent_tables, tree_of,
};
pub use graph::{AmbiguousCall, EdgeKind, GraphNode, Resolution, SymbolGraph, SymbolRef};
pub use language::{
    LANGUAGES, LanguageProfile, SeparatedList, language_by_name, language_for_path,
};
pub use symbol::{FileSymbols, Import, Reference, Symbol, SymbolKind};
pub use touched::{Touched, extract_touched};

/// Extracts the symbols of the file at `path`, `None` for an unknown language or binary
/// contents (a NUL byte in the first 8,000 bytes, git's rule).
pub fn extract_path(path: &str, source: &[u8]) -> Option<FileSymbols> {
    extract_path_shared(path, source).map(std::sync::Arc::unwrap_or_clone)
}

/// [`extract_path`], sharing the table kept in memory (see [`extract_shared`]).
pub fn extract_path_shared(path: &str, source: &[u8]) -> Option<std::sync::Arc<FileSymbols>> {
    let profile = language_for_path(path)?;
    if atomic_core::is_binary(source) {
        return None;
    }
    Some(extract_shared(profile, source))
}

/// [`extract_path`] of `source`, a new version of `base` (see [`extract_edited`]).
pub fn extract_path_edited(path: &str, source: &[u8], base: &[u8]) -> Option<FileSymbols> {
    let profile = language_for_path(path)?;
    if atomic_core::is_binary(source) {
        return None;
    }
    Some(extract_edited(profile, source, base))
}
