//! Symbol tables of git blobs, cached in the store by blob id and language, so that a
//! file's base version is parsed once whatever number of sessions write it, and a landing
//! change does not parse again what a write or an index already parsed.

use atomic_core::GitId;
use atomic_semantic::{FileSymbols, extract_path, extract_path_edited, language_for_path};
use atomic_store::{Store, StoreError, Table, cf};

/// Bumped whenever extraction changes, so cached tables from an older extractor are
/// parsed again.
const EXTRACTOR_VERSION: u8 = 3;

/// Symbol tables cached per blob: key [`cache_key`].
pub const SYMBOL_CACHE: Table<Vec<u8>, FileSymbols> = Table::new(cf::SYMBOLS);

/// Files larger than this are not parsed for symbols (generated code, data): their
/// writes report no symbols and claim none. 4 MiB is far above hand-written source.
pub const MAX_SYMBOL_BYTES: usize = 4 << 20;

/// The cache key of blob `blob` read as `language`: the blob id (20 bytes), the
/// extractor's version, the language's name.
pub fn cache_key(blob: GitId, language: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(20 + 1 + language.len());
    key.extend_from_slice(&blob.0);
    key.push(EXTRACTOR_VERSION);
    key.extend_from_slice(language.as_bytes());
    key
}

/// The symbols of `bytes` as the file at `path`: `None` for a language atomic does not
/// parse, binary contents, or more than [`MAX_SYMBOL_BYTES`].
pub fn file_symbols(path: &str, bytes: &[u8]) -> Option<FileSymbols> {
    if bytes.len() > MAX_SYMBOL_BYTES {
        return None;
    }
    extract_path(path, bytes)
}

/// [`file_symbols`] of `bytes`, a new version of `previous`: parsed incrementally from
/// the previous version's tree when this process parsed it lately (the table is the same).
pub fn file_symbols_edited(path: &str, bytes: &[u8], previous: &[u8]) -> Option<FileSymbols> {
    if bytes.len() > MAX_SYMBOL_BYTES {
        return None;
    }
    extract_path_edited(path, bytes, previous)
}

/// A blob's symbol table, and whether it was parsed now (then the caller caches it under
/// `key`).
pub struct BlobTable {
    /// The cache key.
    pub key: Vec<u8>,
    /// The table.
    pub table: FileSymbols,
    /// Parsed now, not found in the cache.
    pub parsed: bool,
}

/// The symbol table of blob `blob` at `path`, of `size` bytes: from the cache, else
/// parsed from what `read` returns (as [`file_symbols`]). `None` as for [`file_symbols`].
///
/// # Errors
/// The store's, and `read`'s.
pub fn blob_table<E: From<StoreError>>(
    store: &Store,
    path: &str,
    blob: GitId,
    size: u64,
    read: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<Option<BlobTable>, E> {
    let Some(language) = language_for_path(path) else {
        return Ok(None);
    };
    if size > MAX_SYMBOL_BYTES as u64 {
        return Ok(None);
    }
    let key = cache_key(blob, language.name);
    if let Some(table) = store.get(SYMBOL_CACHE, &key)? {
        return Ok(Some(BlobTable {
            key,
            table,
            parsed: false,
        }));
    }
    Ok(file_symbols(path, &read()?).map(|table| BlobTable {
        key,
        table,
        parsed: true,
    }))
}
