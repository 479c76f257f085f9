//! The symbol index: symbol tables cached per blob in the store, parsed in parallel, and
//! the symbol graph and context queries built on them.

use std::collections::HashMap;

use atomic_core::{Change, FileMode, GitId};
use atomic_gitbridge::{self as bridge, TreeFiles};
use atomic_semantic::{
    self as semantic, Context, Depth, FileSymbols, SymbolChange, SymbolGraph, language_for_path,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use atomic_session::symbols::blob_table;
pub(crate) use atomic_session::symbols::{SYMBOL_CACHE, cache_key};

use crate::{Progress, Repo, RepoError, Result};

/// A change's symbol changes per file, and the symbol tables of its new blobs by cache key.
pub(crate) type ChangeTables = (Vec<(String, Vec<SymbolChange>)>, CachedTables);

/// Symbol tables to cache, by cache key.
pub(crate) type CachedTables = Vec<(Vec<u8>, FileSymbols)>;

/// Which tree to read symbols from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeSource {
    /// The working tree, as on disk now.
    Working,
    /// A commit's tree.
    Commit(GitId),
}

/// What indexing a tree did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSummary {
    /// Files in a supported language.
    pub files: usize,
    /// Files parsed now (their blob had no cached table).
    pub parsed: usize,
    /// Files whose table came from the cache.
    pub cached: usize,
    /// Symbols in all the files.
    pub symbols: usize,
    /// Files tree-sitter could only partly parse.
    pub with_errors: usize,
}

impl Repo {
    fn tree_of(&self, source: TreeSource) -> Result<TreeFiles> {
        match source {
            TreeSource::Working => {
                let head = self.head_files()?;
                self.working_files(&head)
            }
            TreeSource::Commit(c) => Ok(bridge::tree_files(
                &self.git,
                bridge::commit_tree(&self.git, c)?,
            )?),
        }
    }

    /// Returns the bytes of `path` in `source`, `None` when it is not a file there.
    pub fn file_bytes(&self, source: TreeSource, path: &str) -> Result<Option<Vec<u8>>> {
        match source {
            TreeSource::Working => {
                Ok(crate::worktree::read_file(&self.root, path)?.map(|(_, d)| d))
            }
            TreeSource::Commit(c) => {
                let files = bridge::tree_files(&self.git, bridge::commit_tree(&self.git, c)?)?;
                files.get(path).map(|s| self.blob(s)).transpose()
            }
        }
    }

    /// Returns the symbol tables of the files of `source` (only those under `paths`, when
    /// given), parsing on all cores only blobs with no cached table, and caching those.
    pub fn symbol_tables(
        &self,
        source: TreeSource,
        paths: &[String],
        progress: &dyn Progress,
    ) -> Result<(Vec<(String, FileSymbols)>, IndexSummary)> {
        let tree = self.tree_of(source)?;
        let wanted = |p: &str| {
            paths.is_empty()
                || paths.iter().any(|w| {
                    let w = w.trim_end_matches('/');
                    w.is_empty() || w == "." || p == w || p.starts_with(&format!("{w}/"))
                })
        };
        let files: Vec<(&String, GitId, &'static str)> = tree
            .iter()
            .filter(|(p, s)| matches!(s.mode, FileMode::Blob | FileMode::Executable) && wanted(p))
            .filter_map(|(p, s)| language_for_path(p).map(|l| (p, s.blob, l.name)))
            .collect();
        let keys: Vec<Vec<u8>> = files.iter().map(|(_, b, l)| cache_key(*b, l)).collect();
        let mut tables: Vec<Option<FileSymbols>> = self.store.get_many(SYMBOL_CACHE, &keys)?;
        let missing: Vec<usize> = (0..files.len()).filter(|i| tables[*i].is_none()).collect();
        progress.begin("indexing symbols", missing.len() as u64);
        let done = std::sync::atomic::AtomicU64::new(0);
        let sync_git = self.git.clone().into_sync();
        let root = &self.root;
        let parsed: Vec<(usize, Option<FileSymbols>)> = missing
            .par_iter()
            .map_init(
                || sync_git.to_thread_local(),
                |git, &i| {
                    let (path, blob, _) = files[i];
                    let bytes = match source {
                        TreeSource::Working => std::fs::read(root.join(path))
                            .map_err(RepoError::io("reading", root.join(path)))?,
                        TreeSource::Commit(_) => bridge::read_blob(git, blob)?,
                    };
                    progress.set(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                    Ok((i, semantic::extract_path(path, &bytes)))
                },
            )
            .collect::<Result<_>>()?;
        progress.end();
        let mut batch = self.store.batch();
        let mut summary = IndexSummary {
            files: files.len(),
            parsed: parsed.len(),
            cached: files.len() - parsed.len(),
            ..Default::default()
        };
        for (i, table) in parsed {
            if let Some(table) = table {
                batch.put(SYMBOL_CACHE, &keys[i], &table);
                tables[i] = Some(table);
            }
        }
        if !batch.is_empty() {
            self.store.write(batch)?;
        }
        let out: Vec<(String, FileSymbols)> = files
            .iter()
            .zip(tables)
            .filter_map(|((p, _, _), t)| t.map(|t| ((*p).clone(), t)))
            .collect();
        summary.symbols = out.iter().map(|(_, t)| t.symbols.len()).sum();
        summary.with_errors = out.iter().filter(|(_, t)| t.has_errors).count();
        Ok((out, summary))
    }

    /// Indexes HEAD's tree (after an import or a record); a no-op on an unborn branch.
    pub fn index_head(&self, progress: &dyn Progress) -> Result<IndexSummary> {
        match self.head_commit()? {
            Some(head) => Ok(self
                .symbol_tables(TreeSource::Commit(head), &[], progress)?
                .1),
            None => Ok(IndexSummary::default()),
        }
    }

    /// Drops the cached tables of `source`'s files, so the next index parses them again.
    pub fn drop_symbol_cache(&self, source: TreeSource) -> Result<usize> {
        let tree = self.tree_of(source)?;
        let mut batch = self.store.batch();
        let mut n = 0;
        for (path, state) in &tree {
            if let Some(l) = language_for_path(path) {
                batch.delete(SYMBOL_CACHE, &cache_key(state.blob, l.name));
                n += 1;
            }
        }
        self.store.write(batch)?;
        Ok(n)
    }

    /// Returns the context of the symbols matching `query` in `source`.
    pub fn context(&self, source: TreeSource, query: &str, depth: Depth) -> Result<Vec<Context>> {
        let (tables, _) = self.symbol_tables(source, &[], &crate::NoProgress)?;
        let graph = SymbolGraph::build(&tables);
        let files: HashMap<String, FileSymbols> = tables.into_iter().collect();
        Ok(semantic::context(&graph, &files, query, depth, |path| {
            self.file_bytes(source, path).ok().flatten()
        }))
    }

    /// Returns, per file of `change`, the symbols it added, modified, deleted or renamed.
    ///
    /// # Errors
    /// git errors reading the blobs.
    pub fn change_symbols(&self, change: &Change) -> Result<Vec<(String, Vec<SymbolChange>)>> {
        Ok(self.change_tables(change)?.0)
    }

    /// Like [`Repo::change_symbols`], with the symbol tables of the change's new blobs,
    /// keyed for the cache, so that landing a change caches what it parsed.
    pub(crate) fn change_tables(&self, change: &Change) -> Result<ChangeTables> {
        let mut out = Vec::new();
        let mut tables = Vec::new();
        // From the cache when a write or an index parsed the blob already.
        let table = |path: &str,
                     state: Option<atomic_core::FileState>,
                     tables: &mut CachedTables|
         -> Result<Option<FileSymbols>> {
            let Some(s) = state.filter(|s| matches!(s.mode, FileMode::Blob | FileMode::Executable))
            else {
                return Ok(None);
            };
            let size = self.shared.objects.blob_size(&self.git, s.blob)?;
            let found = blob_table(&self.store, path, s.blob, size, || self.blob(&s))?;
            Ok(found.map(|t| {
                if t.parsed {
                    tables.push((t.key, t.table.clone()));
                }
                t.table
            }))
        };
        for fc in &change.files {
            if fc.binary {
                continue;
            }
            let old_path = match &fc.kind {
                atomic_core::FileKind::Renamed { from } => from.as_str(),
                _ => fc.path.as_str(),
            };
            let old = table(old_path, fc.old, &mut tables)?;
            let new = table(&fc.path, fc.new, &mut tables)?;
            if old.is_none() && new.is_none() {
                continue;
            }
            let changes =
                semantic::changed_symbols(&old.unwrap_or_default(), &new.unwrap_or_default());
            out.push((fc.path.clone(), changes));
        }
        Ok((out, tables))
    }

    /// Returns, per changed file of the working tree, the symbols changed against HEAD.
    pub fn working_symbol_changes(&self) -> Result<Vec<(String, Vec<SymbolChange>)>> {
        let status = self.status()?;
        let mut out = Vec::new();
        for entry in &status.changes {
            let old = entry.old.map(|s| self.blob(&s)).transpose()?;
            let new = match entry.new {
                Some(_) => crate::worktree::read_file(&self.root, &entry.path)?.map(|(_, d)| d),
                None => None,
            };
            if let Some(changes) =
                symbol_diff(&entry.path, old.as_deref(), &entry.path, new.as_deref())
            {
                out.push((entry.path.clone(), changes));
            }
        }
        Ok(out)
    }
}

/// Symbol changes between two versions of a file; `None` when neither side is a supported
/// text file.
fn symbol_diff(
    old_path: &str,
    old: Option<&[u8]>,
    new_path: &str,
    new: Option<&[u8]>,
) -> Option<Vec<SymbolChange>> {
    let parse =
        |path: &str, bytes: Option<&[u8]>| bytes.and_then(|b| semantic::extract_path(path, b));
    let (old, new) = (parse(old_path, old), parse(new_path, new));
    if old.is_none() && new.is_none() {
        return None;
    }
    Some(semantic::changed_symbols(
        &old.unwrap_or_default(),
        &new.unwrap_or_default(),
    ))
}
