//! The session engine: records, overlays, reads that fall through to the base tree, and
//! writes with path rules and symbol claims.
//!
//! A session's view of a path is its overlay entry, else the base commit's tree, looked up
//! lazily: reading or writing one file reads the trees along its path and nothing else.

use std::collections::{BTreeMap, BTreeSet};

use atomic_core::{ChangeId, FileMode, FileState, GitId};
use atomic_gitbridge::{self as bridge, TreeEntry};
use atomic_semantic::{FileSymbols, SymbolChange, changed_symbols};

use crate::symbols::{SYMBOL_CACHE, blob_table, file_symbols, file_symbols_edited};
use atomic_store::{Batch, Key, Store, pair_prefix};

pub use atomic_api::{ConflictWarning, WriteResult};

use crate::tables::{BLOBS, CLAIMS, COMMENTS, OVERLAY, SESSIONS};
use crate::{
    OverlayEntry, Receipt, Result, Session, SessionError, SessionMode, hash_token, new_session_id,
    new_token, validate_path,
};

/// One file of a session's diff against its base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFileDiff {
    /// The path.
    pub path: String,
    /// Mode and contents in the base (`None`: absent).
    pub old: Option<(FileMode, Vec<u8>)>,
    /// Mode and contents in the session (`None`: deleted).
    pub new: Option<(FileMode, Vec<u8>)>,
    /// Symbols changed.
    pub symbols: Vec<SymbolChange>,
}

/// Where a file of the session view comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    /// Written in the session: the `blobs` table, by blake3.
    Overlay(String),
    /// The base tree: a git blob.
    Git(GitId),
}

/// A path in the session's view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A file, with its mode.
    File(FileMode),
    /// A directory: it holds at least one file.
    Dir,
}

/// A path in the session's view, with what a file system reports about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A file.
    File {
        /// Its mode.
        mode: FileMode,
        /// Its length in bytes.
        size: u64,
        /// When the session wrote it (nanoseconds since the Unix epoch); `None` for a file
        /// as the base has it.
        written_ns: Option<i64>,
        /// The base's blob, for a file as the base has it (`None` once written).
        blob: Option<GitId>,
    },
    /// A directory: it holds at least one file.
    Dir,
}

/// The session engine over one repository's store and git objects.
pub struct Sessions<'r> {
    pub(crate) store: &'r Store,
    git: &'r gix::Repository,
    objects: &'r bridge::ObjectCache,
    root_bytes: usize,
}

/// Now, in nanoseconds since the Unix epoch.
pub(crate) fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

pub(crate) fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Returns blake3 of `data`, hex: the key of contents in the `blobs` table.
pub fn content_hash(data: &[u8]) -> String {
    blake3::hash(data).to_hex().to_string()
}

/// Refuses an agent name git could not write as a commit author.
fn check_agent(agent: &str) -> Result<()> {
    let bad = |reason| {
        Err(SessionError::BadAgent {
            agent: agent.to_owned(),
            reason,
        })
    };
    if agent.trim().is_empty() {
        return bad("it is empty");
    }
    if agent.len() > 200 {
        return bad("it is over 200 bytes");
    }
    if agent.contains(['<', '>']) {
        return bad("git author names cannot hold < or >");
    }
    if agent.chars().any(char::is_control) {
        return bad("it holds a control character");
    }
    Ok(())
}

/// Counts lines that open or close a conflict block (`<<<<<<< `, `>>>>>>> `).
pub fn marker_lines(text: &[u8]) -> usize {
    text.split(|&b| b == b'\n')
        .filter(|line| {
            [b"<<<<<<<", b">>>>>>>"].iter().any(|m| {
                line.starts_with(*m) && line.get(7).is_none_or(|&c| c == b' ' || c == b'\r')
            })
        })
        .count()
}

impl<'r> Sessions<'r> {
    /// Returns the engine for `store` and `git` (a repository with a working tree, whose
    /// root's length bounds the paths sessions may write), reading base trees through
    /// `objects`.
    pub fn new(
        store: &'r Store,
        git: &'r gix::Repository,
        objects: &'r bridge::ObjectCache,
    ) -> Self {
        let root_bytes = git.workdir().map_or(0, |w| w.as_os_str().len());
        Sessions {
            store,
            git,
            objects,
            root_bytes,
        }
    }

    /// Returns the git repository.
    pub fn git(&self) -> &'r gix::Repository {
        self.git
    }

    /// Returns the cache base trees are read through.
    pub fn objects(&self) -> &'r bridge::ObjectCache {
        self.objects
    }

    /// Creates a session on `branch` (full name) whose base is `head` (the branch's
    /// commit now, with its change), and returns it with its secret token, which is shown
    /// once and stored only as a hash. Nothing is copied.
    ///
    /// # Errors
    /// [`SessionError::BadAgent`]; store errors.
    pub fn create(
        &self,
        agent: &str,
        intent: Option<&str>,
        branch: &str,
        head: (GitId, ChangeId),
        mode: SessionMode,
    ) -> Result<(Session, String)> {
        check_agent(agent)?;
        let (token, token_hash) = new_token();
        let now = now_seconds();
        let session = Session {
            id: new_session_id(),
            agent: agent.to_owned(),
            intent: intent.map(str::to_owned),
            branch: branch.to_owned(),
            base_commit: head.0,
            base_change: head.1,
            mode,
            token_hash,
            created_seconds: now,
            active_seconds: now,
            based_seconds: now,
            last_submit: None,
            ended: false,
            mount: None,
        };
        let mut batch = self.store.batch();
        batch.put(SESSIONS, &session.id, &session);
        self.store.write(batch)?;
        Ok((session, token))
    }

    /// Returns session `id`, whatever its state.
    ///
    /// # Errors
    /// [`SessionError::NoSuchSession`].
    pub fn get(&self, id: &str) -> Result<Session> {
        self.store
            .get(SESSIONS, &id.to_owned())?
            .ok_or_else(|| SessionError::NoSuchSession { id: id.to_owned() })
    }

    /// Returns session `id` when `token` is its token.
    ///
    /// # Errors
    /// [`SessionError::NoSuchSession`], [`SessionError::BadToken`].
    pub fn auth(&self, id: &str, token: &str) -> Result<Session> {
        let session = self.get(id)?;
        let hash = hash_token(token);
        if hash != session.token_hash && !self.is_owner(&hash)? {
            return Err(SessionError::BadToken { id: id.to_owned() });
        }
        Ok(session)
    }

    /// Like [`Sessions::auth`], for operations on a live session.
    ///
    /// # Errors
    /// As [`Sessions::auth`], and [`SessionError::Ended`].
    pub fn live(&self, id: &str, token: &str) -> Result<Session> {
        let session = self.auth(id, token)?;
        if session.ended {
            return Err(SessionError::Ended { id: id.to_owned() });
        }
        Ok(session)
    }

    /// Returns every session record (ended ones too), oldest first.
    ///
    /// # Errors
    /// Store errors.
    pub fn list(&self) -> Result<Vec<Session>> {
        let mut out: Vec<Session> = self
            .store
            .list(SESSIONS, b"")?
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        out.sort_by(|a, b| (a.created_seconds, &a.id).cmp(&(b.created_seconds, &b.id)));
        Ok(out)
    }

    /// Returns session `id`'s overlay: path → entry, sorted by path.
    ///
    /// # Errors
    /// Store errors.
    pub fn overlay(&self, id: &str) -> Result<BTreeMap<String, OverlayEntry>> {
        Ok(self
            .store
            .list(OVERLAY, &pair_prefix(id))?
            .into_iter()
            .map(|((_, path), entry)| (path, entry))
            .collect())
    }

    fn overlay_entry(&self, id: &str, path: &str) -> Result<Option<OverlayEntry>> {
        Ok(self.store.get(OVERLAY, &(id.to_owned(), path.to_owned()))?)
    }

    fn base_tree(&self, session: &Session) -> Result<GitId> {
        Ok(self.objects.commit_tree(self.git, session.base_commit)?)
    }

    /// The file at `path` in the session's view, with where its contents live.
    fn file(&self, session: &Session, path: &str) -> Result<Option<(FileMode, Source)>> {
        match self.overlay_entry(&session.id, path)? {
            Some(OverlayEntry::Written {
                mode, content_hash, ..
            }) => Ok(Some((mode, Source::Overlay(content_hash)))),
            Some(OverlayEntry::Deleted) => Ok(None),
            None => match self
                .objects
                .tree_entry(self.git, self.base_tree(session)?, path)?
            {
                Some(TreeEntry::File(state)) => Ok(Some((state.mode, Source::Git(state.blob)))),
                _ => Ok(None),
            },
        }
    }

    fn contents(&self, source: &Source) -> Result<Vec<u8>> {
        match source {
            Source::Git(blob) => Ok(bridge::read_blob(self.git, *blob)?),
            Source::Overlay(hash) => Ok(self.store.get(BLOBS, hash)?.map(|b| b.0).ok_or(
                atomic_store::StoreError::BadKey {
                    what: "blobs (an overlay entry names contents that are not stored)",
                },
            )?),
        }
    }

    /// Returns whether `path` is a directory in the session's view: a file of the session
    /// lies below it.
    fn is_dir(&self, session: &Session, path: &str) -> Result<bool> {
        let overlay = self.overlay_under(&session.id, path)?;
        if overlay
            .values()
            .any(|e| matches!(e, OverlayEntry::Written { .. }))
        {
            return Ok(true);
        }
        match self
            .objects
            .tree_entry(self.git, self.base_tree(session)?, path)?
        {
            Some(TreeEntry::Dir(tree)) => self.has_file_kept(tree, path, &overlay),
            _ => Ok(false),
        }
    }

    /// Whether base tree `tree` (at `dir`) holds a file the overlay (entries below `dir`,
    /// all deletions here) does not delete. Stops at the first such file: a directory
    /// the session has not touched costs one tree level.
    fn has_file_kept(
        &self,
        tree: GitId,
        dir: &str,
        overlay: &BTreeMap<String, OverlayEntry>,
    ) -> Result<bool> {
        for (name, entry) in self.objects.tree_level(self.git, tree)?.iter() {
            let path = format!("{dir}/{name}");
            let kept = match *entry {
                TreeEntry::File(_) => !overlay.contains_key(&path),
                TreeEntry::Dir(sub) => self.has_file_kept(sub, &path, overlay)?,
            };
            if kept {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The overlay entries below directory `dir`.
    fn overlay_under(&self, id: &str, dir: &str) -> Result<BTreeMap<String, OverlayEntry>> {
        let prefix = (id.to_owned(), format!("{dir}/")).to_bytes();
        Ok(self
            .store
            .list(OVERLAY, &prefix)?
            .into_iter()
            .map(|((_, p), e)| (p, e))
            .collect())
    }

    /// Returns what `path` is in the session's view, `None` when nothing is there.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn node(&self, session: &Session, path: &str) -> Result<Option<Node>> {
        if let Some((mode, _)) = self.file(session, path)? {
            return Ok(Some(Node::File(mode)));
        }
        Ok(self.is_dir(session, path)?.then_some(Node::Dir))
    }

    /// Returns what `path` is in the session's view, with its size and write time;
    /// `None` when nothing is there.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn entry(&self, session: &Session, path: &str) -> Result<Option<Entry>> {
        match self.overlay_entry(&session.id, path)? {
            Some(OverlayEntry::Written {
                mode,
                size,
                time_ns,
                ..
            }) => {
                return Ok(Some(Entry::File {
                    mode,
                    size,
                    written_ns: Some(time_ns),
                    blob: None,
                }));
            }
            Some(OverlayEntry::Deleted) => {}
            None => match self
                .objects
                .tree_entry(self.git, self.base_tree(session)?, path)?
            {
                Some(TreeEntry::File(state)) => {
                    return Ok(Some(self.base_entry(state)?));
                }
                Some(TreeEntry::Dir(_)) | None => {}
            },
        }
        Ok(self.is_dir(session, path)?.then_some(Entry::Dir))
    }

    fn base_entry(&self, state: FileState) -> Result<Entry> {
        let size = match state.mode {
            FileMode::Submodule => 0,
            _ => self.objects.blob_size(self.git, state.blob)?,
        };
        Ok(Entry::File {
            mode: state.mode,
            size,
            written_ns: None,
            blob: Some(state.blob),
        })
    }

    /// Lists directory `dir` (`""` for the root) in the session's view: each child's name
    /// and what it is. Reads one tree level of the base and the overlay below `dir`.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn list_dir(&self, session: &Session, dir: &str) -> Result<BTreeMap<String, Entry>> {
        let join = |name: &str| {
            if dir.is_empty() {
                name.to_owned()
            } else {
                format!("{dir}/{name}")
            }
        };
        let mut out = BTreeMap::new();
        let base_tree = self.base_tree(session)?;
        let level = if dir.is_empty() {
            Some(base_tree)
        } else {
            match self.objects.tree_entry(self.git, base_tree, dir)? {
                Some(TreeEntry::Dir(tree)) => Some(tree),
                _ => None,
            }
        };
        if let Some(tree) = level {
            for (name, entry) in self.objects.tree_level(self.git, tree)?.iter() {
                let value = match *entry {
                    TreeEntry::File(state) => self.base_entry(state)?,
                    TreeEntry::Dir(_) => Entry::Dir,
                };
                out.insert(name.clone(), value);
            }
        }
        let overlay = if dir.is_empty() {
            self.overlay(&session.id)?
        } else {
            self.overlay_under(&session.id, dir)?
        };
        let mut thinned = BTreeSet::new();
        for (path, entry) in overlay {
            let rel = if dir.is_empty() {
                path.as_str()
            } else {
                &path[dir.len() + 1..]
            };
            match (rel.split_once('/'), entry) {
                (
                    None,
                    OverlayEntry::Written {
                        mode,
                        size,
                        time_ns,
                        ..
                    },
                ) => {
                    out.insert(
                        rel.to_owned(),
                        Entry::File {
                            mode,
                            size,
                            written_ns: Some(time_ns),
                            blob: None,
                        },
                    );
                }
                (None, OverlayEntry::Deleted) => {
                    out.remove(rel);
                }
                (Some((child, _)), OverlayEntry::Written { .. }) => {
                    out.insert(child.to_owned(), Entry::Dir);
                }
                (Some((child, _)), OverlayEntry::Deleted) => {
                    thinned.insert(child.to_owned());
                }
            }
        }
        // A directory whose files the session all deleted is gone.
        for child in thinned {
            if out.get(&child) == Some(&Entry::Dir) && !self.is_dir(session, &join(&child))? {
                out.remove(&child);
            }
        }
        Ok(out)
    }

    /// Refuses to put a file at `path` where a parent is a file or `path` is a directory.
    fn check_clash(&self, session: &Session, path: &str) -> Result<()> {
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            let parent = &path[..end + i];
            if self.file(session, parent)?.is_some() {
                return Err(SessionError::PathClash {
                    path: path.to_owned(),
                    clash: parent.to_owned(),
                    what: "file",
                });
            }
            end += i + 1;
        }
        if self.is_dir(session, path)? {
            return Err(SessionError::PathClash {
                path: path.to_owned(),
                clash: path.to_owned(),
                what: "directory",
            });
        }
        Ok(())
    }

    /// Reads `path` in the session: its overlay first, then its base.
    ///
    /// # Errors
    /// [`SessionError::BadPath`], [`SessionError::NoSuchPath`]; store and git errors.
    pub fn read(&self, session: &Session, path: &str) -> Result<(FileMode, Vec<u8>)> {
        let path = validate_path(path, false, self.root_bytes)?;
        let (mode, source) =
            self.file(session, &path)?
                .ok_or_else(|| SessionError::NoSuchPath {
                    id: session.id.clone(),
                    path: path.clone(),
                })?;
        Ok((mode, self.contents(&source)?))
    }

    /// Lists the session's files: path → whether the session changed it. Reads the whole
    /// base tree, as `git ls-files` does.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn ls(&self, session: &Session) -> Result<BTreeMap<String, bool>> {
        let mut files: BTreeMap<String, bool> =
            bridge::tree_files(self.git, self.base_tree(session)?)?
                .into_keys()
                .map(|p| (p, false))
                .collect();
        for (path, entry) in self.overlay(&session.id)? {
            match entry {
                OverlayEntry::Deleted => files.remove(&path),
                OverlayEntry::Written { .. } => files.insert(path, true),
            };
        }
        Ok(files)
    }

    /// Returns the base version of `path`, if the base has a file there.
    fn base_file(&self, session: &Session, path: &str) -> Result<Option<FileState>> {
        Ok(
            match self
                .objects
                .tree_entry(self.git, self.base_tree(session)?, path)?
            {
                Some(TreeEntry::File(state)) => Some(state),
                _ => None,
            },
        )
    }

    /// The symbol table of a base file, from the cache when another write or an index
    /// parsed it; a table parsed now is cached in `batch`.
    fn base_table(
        &self,
        batch: &mut Batch<'_>,
        path: &str,
        state: Option<FileState>,
    ) -> Result<Option<FileSymbols>> {
        let Some(state) = state.filter(|s| matches!(s.mode, FileMode::Blob | FileMode::Executable))
        else {
            return Ok(None);
        };
        let size = self.objects.blob_size(self.git, state.blob)?;
        let found = blob_table(self.store, path, state.blob, size, || {
            bridge::read_blob(self.git, state.blob).map_err(SessionError::from)
        })?;
        Ok(found.map(|t| {
            if t.parsed {
                batch.put(SYMBOL_CACHE, &t.key, &t.table);
            }
            t.table
        }))
    }

    fn base_bytes(&self, state: Option<FileState>) -> Result<Option<Vec<u8>>> {
        state
            .filter(|s| s.mode != FileMode::Submodule)
            .map(|s| bridge::read_blob(self.git, s.blob))
            .transpose()
            .map_err(Into::into)
    }

    /// Writes `contents` at `path` in the session, as a file of `mode` (`None`: keep an
    /// existing regular file's mode, else a plain file; a symlink is replaced by a regular
    /// file unless `mode` asks for a symlink). Returns the symbols it changed against the
    /// base, with warnings for symbols other live sessions changed too.
    ///
    /// # Errors
    /// [`SessionError::BadPath`], [`SessionError::PathClash`]; store and git errors.
    pub fn write(
        &self,
        session: &Session,
        path: &str,
        mode: Option<FileMode>,
        contents: &[u8],
    ) -> Result<WriteResult> {
        let mut batch = self.store.batch();
        let (mut written, claimed) = self.stage_write(&mut batch, session, path, mode, contents)?;
        self.stage_active(&mut batch, session);
        self.store.write(batch)?;
        written.conflict_warnings = self.warnings(session, &written.path, &claimed)?;
        Ok(written)
    }

    /// Stages the write of `contents` at `path` (see [`Sessions::write`]) in `batch`;
    /// returns what it will have done (without warnings) and the symbols it claims.
    pub(crate) fn stage_write(
        &self,
        batch: &mut Batch<'_>,
        session: &Session,
        path: &str,
        mode: Option<FileMode>,
        contents: &[u8],
    ) -> Result<(WriteResult, BTreeSet<String>)> {
        let symlink = mode == Some(FileMode::Symlink);
        let path = validate_path(path, symlink, self.root_bytes)?;
        self.check_clash(session, &path)?;
        let current = self.file(session, &path)?;
        let mode = match (mode, &current) {
            (Some(m), _) => m,
            (None, Some((FileMode::Executable, _))) => FileMode::Executable,
            (None, _) => FileMode::Blob,
        };
        let hash = content_hash(contents);
        let base = self.base_table(batch, &path, self.base_file(session, &path)?)?;
        // The version being replaced: its parse tree, when in memory, makes this parse
        // incremental.
        let previous = match &current {
            Some((FileMode::Blob | FileMode::Executable, source))
                if atomic_semantic::language_for_path(&path).is_some() =>
            {
                Some(self.contents(source)?)
            }
            _ => None,
        };
        let table = match &previous {
            Some(previous) => file_symbols_edited(&path, contents, previous),
            None => file_symbols(&path, contents),
        };
        let symbols = table_changes(base, table);
        batch.put_bytes(BLOBS, &hash, contents);
        batch.put(
            OVERLAY,
            &(session.id.clone(), path.clone()),
            &OverlayEntry::Written {
                mode,
                content_hash: hash.clone(),
                size: contents.len() as u64,
                time_ns: now_ns(),
            },
        );
        let claimed = self.stage_claim(batch, session, &path, &symbols);
        let written = WriteResult {
            conflict_warnings: Vec::new(),
            path,
            content_hash: hash,
            mode,
            symbols,
        };
        Ok((written, claimed))
    }

    /// Records that the session changed `symbols` in `path` (its claim), replacing what it
    /// claimed there before; returns the names.
    fn stage_claim(
        &self,
        batch: &mut Batch<'_>,
        session: &Session,
        path: &str,
        symbols: &[SymbolChange],
    ) -> BTreeSet<String> {
        let names: BTreeSet<String> = symbols.iter().map(|s| s.scoped_name.clone()).collect();
        let key = (path.to_owned(), session.id.clone());
        if names.is_empty() {
            batch.delete(CLAIMS, &key);
        } else {
            batch.put(CLAIMS, &key, &names);
        }
        names
    }

    pub(crate) fn stage_active(&self, batch: &mut Batch<'_>, session: &Session) {
        let mut updated = session.clone();
        updated.active_seconds = now_seconds();
        batch.put(SESSIONS, &session.id, &updated);
    }

    /// Other live sessions' claims on `symbols` of `path`: one prefix scan of the claims
    /// of that path, no parsing.
    pub(crate) fn warnings(
        &self,
        session: &Session,
        path: &str,
        symbols: &BTreeSet<String>,
    ) -> Result<Vec<ConflictWarning>> {
        let mut out = Vec::new();
        if symbols.is_empty() {
            return Ok(out);
        }
        for ((_, other), theirs) in self.store.list(CLAIMS, &pair_prefix(path))? {
            if other == session.id {
                continue;
            }
            let Ok(other_session) = self.get(&other) else {
                continue;
            };
            for symbol in theirs.intersection(symbols) {
                out.push(ConflictWarning {
                    session_id: other.clone(),
                    agent: other_session.agent.clone(),
                    path: path.to_owned(),
                    symbol: symbol.clone(),
                });
            }
        }
        Ok(out)
    }

    /// Returns live warnings on the symbols this session claimed: other sessions that
    /// changed the same symbols of the same files.
    ///
    /// # Errors
    /// Store errors.
    pub fn claim_warnings(&self, session: &Session) -> Result<Vec<ConflictWarning>> {
        let mut out = Vec::new();
        for path in self.overlay(&session.id)?.into_keys() {
            if let Some(mine) = self
                .store
                .get(CLAIMS, &(path.clone(), session.id.clone()))?
            {
                out.extend(self.warnings(session, &path, &mine)?);
            }
        }
        Ok(out)
    }

    /// Calls `f` on every file of the session (the base tree with the overlay applied)
    /// with its mode and contents, in path order; submodules are skipped.
    ///
    /// # Errors
    /// Store and git errors, and `f`'s.
    pub fn for_each_file<E: From<SessionError>>(
        &self,
        session: &Session,
        mut f: impl FnMut(&str, FileMode, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let overlay = self.overlay(&session.id)?;
        let base =
            bridge::tree_files(self.git, self.base_tree(session)?).map_err(SessionError::from)?;
        let mut paths: BTreeSet<&String> = base.keys().collect();
        paths.extend(overlay.keys());
        for path in paths {
            let (mode, source) = match overlay.get(path) {
                Some(OverlayEntry::Deleted) => continue,
                Some(OverlayEntry::Written {
                    mode, content_hash, ..
                }) => (*mode, Source::Overlay(content_hash.clone())),
                None => {
                    let state = base[path];
                    (state.mode, Source::Git(state.blob))
                }
            };
            if mode == FileMode::Submodule {
                continue;
            }
            f(path, mode, &self.contents(&source)?)?;
        }
        Ok(())
    }

    /// Removes `path` in the session.
    ///
    /// # Errors
    /// [`SessionError::NoSuchPath`] when the session has no file there;
    /// [`SessionError::BadPath`]; store and git errors.
    pub fn rm(&self, session: &Session, path: &str) -> Result<()> {
        let mut batch = self.store.batch();
        self.stage_rm(&mut batch, session, path)?;
        self.stage_active(&mut batch, session);
        self.store.write(batch)?;
        Ok(())
    }

    /// Stages the removal of `path` (see [`Sessions::rm`]) in `batch`.
    pub(crate) fn stage_rm(
        &self,
        batch: &mut Batch<'_>,
        session: &Session,
        path: &str,
    ) -> Result<()> {
        let path = validate_path(path, false, self.root_bytes)?;
        if self.file(session, &path)?.is_none() {
            return Err(SessionError::NoSuchPath {
                id: session.id.clone(),
                path,
            });
        }
        let base = self.base_file(session, &path)?;
        self.stage_remove(batch, session, &path, base)
    }

    fn stage_remove(
        &self,
        batch: &mut Batch<'_>,
        session: &Session,
        path: &str,
        base: Option<FileState>,
    ) -> Result<()> {
        let key = (session.id.clone(), path.to_owned());
        match base {
            Some(state) => {
                batch.put(OVERLAY, &key, &OverlayEntry::Deleted);
                let old = self.base_bytes(Some(state))?;
                let symbols = symbol_changes(path, old.as_deref(), None);
                self.stage_claim(batch, session, path, &symbols);
            }
            None => {
                batch.delete(OVERLAY, &key);
                batch.delete(CLAIMS, &(path.to_owned(), session.id.clone()));
            }
        }
        Ok(())
    }

    /// Moves the file `from` to `to` in the session (contents and mode).
    ///
    /// # Errors
    /// [`SessionError::NoSuchPath`] for a missing `from`; as [`Sessions::write`] for `to`.
    pub fn mv(&self, session: &Session, from: &str, to: &str) -> Result<()> {
        let from = validate_path(from, false, self.root_bytes)?;
        let (mode, source) =
            self.file(session, &from)?
                .ok_or_else(|| SessionError::NoSuchPath {
                    id: session.id.clone(),
                    path: from.clone(),
                })?;
        let to = validate_path(to, mode == FileMode::Symlink, self.root_bytes)?;
        if to == from {
            return Ok(());
        }
        self.check_clash(session, &to)?;
        let contents = self.contents(&source)?;
        let hash = content_hash(&contents);
        let to_base = self.base_bytes(self.base_file(session, &to)?)?;
        let symbols = symbol_changes(&to, to_base.as_deref(), Some(&contents));
        let mut batch = self.store.batch();
        batch.put_bytes(BLOBS, &hash, &contents);
        batch.put(
            OVERLAY,
            &(session.id.clone(), to.clone()),
            &OverlayEntry::Written {
                mode,
                content_hash: hash,
                size: contents.len() as u64,
                time_ns: now_ns(),
            },
        );
        self.stage_claim(&mut batch, session, &to, &symbols);
        let from_base = self.base_file(session, &from)?;
        self.stage_remove(&mut batch, session, &from, from_base)?;
        self.stage_active(&mut batch, session);
        self.store.write(batch)?;
        Ok(())
    }

    /// Returns the files the session changed against its base, with their symbols.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn diff(&self, session: &Session) -> Result<Vec<SessionFileDiff>> {
        let mut out = Vec::new();
        for (path, entry) in self.overlay(&session.id)? {
            let base = self.base_file(session, &path)?;
            let old = match base {
                Some(s) => Some((s.mode, self.base_bytes(Some(s))?.unwrap_or_default())),
                None => None,
            };
            let new = match &entry {
                OverlayEntry::Written {
                    mode, content_hash, ..
                } => Some((
                    *mode,
                    self.contents(&Source::Overlay(content_hash.clone()))?,
                )),
                OverlayEntry::Deleted => None,
            };
            if old == new {
                continue;
            }
            let symbols = symbol_changes(
                &path,
                old.as_ref().map(|(_, b)| b.as_slice()),
                new.as_ref().map(|(_, b)| b.as_slice()),
            );
            out.push(SessionFileDiff {
                path,
                old,
                new,
                symbols,
            });
        }
        Ok(out)
    }

    /// Returns the session's edits against its base, its contents written to git as
    /// blobs: path → new state (`None`: deleted). Entries that match the base are left out.
    ///
    /// # Errors
    /// With `refuse_markers`, [`SessionError::ConflictMarkers`] when a written text file
    /// has more conflict marker lines than its base version; store and git errors.
    pub fn edits(&self, session: &Session, refuse_markers: bool) -> Result<crate::Edits> {
        let base_tree = self.base_tree(session)?;
        let mut edits = BTreeMap::new();
        let mut marked = Vec::new();
        for (path, entry) in self.overlay(&session.id)? {
            let base = match self.objects.tree_entry(self.git, base_tree, &path)? {
                Some(TreeEntry::File(s)) => Some(s),
                _ => None,
            };
            let new = match &entry {
                OverlayEntry::Deleted => None,
                OverlayEntry::Written {
                    mode, content_hash, ..
                } => {
                    let bytes = self.contents(&Source::Overlay(content_hash.clone()))?;
                    if refuse_markers && !atomic_core::is_binary(&bytes) {
                        let before = self.base_bytes(base)?.map_or(0, |b| marker_lines(&b));
                        if marker_lines(&bytes) > before {
                            marked.push(path.clone());
                        }
                    }
                    Some(FileState {
                        mode: *mode,
                        blob: bridge::write_blob(self.git, &bytes)?,
                    })
                }
            };
            if new != base {
                edits.insert(path, (base, new));
            }
        }
        if !marked.is_empty() {
            return Err(SessionError::ConflictMarkers { paths: marked });
        }
        Ok(edits)
    }

    /// Stages the end of a submit that landed `receipt` as commit `new_base` (with its
    /// change): the overlay and claims go; an ephemeral session ends, keeping its receipt;
    /// a persistent one starts again from the new commit.
    ///
    /// # Errors
    /// Store errors.
    pub fn stage_submitted(
        &self,
        batch: &mut Batch<'_>,
        session: &Session,
        receipt: Receipt,
    ) -> Result<()> {
        self.stage_clear(batch, &session.id)?;
        let mut next = session.clone();
        next.active_seconds = now_seconds();
        match session.mode {
            SessionMode::Ephemeral => next.ended = true,
            SessionMode::Persistent => {
                next.base_commit = receipt.commit;
                next.base_change = receipt.change_id;
                next.based_seconds = next.active_seconds;
            }
        }
        next.last_submit = Some(receipt);
        batch.put(SESSIONS, &session.id, &next);
        Ok(())
    }

    /// Stages the removal of session `id`'s overlay and claims.
    fn stage_clear(&self, batch: &mut Batch<'_>, id: &str) -> Result<()> {
        for path in self.overlay(id)?.into_keys() {
            batch.delete(CLAIMS, &(path.clone(), id.to_owned()));
            batch.delete(OVERLAY, &(id.to_owned(), path));
        }
        for comment in self.comments(id)? {
            batch.delete(COMMENTS, &(id.to_owned(), comment.id));
        }
        Ok(())
    }

    /// Records where the session is mounted (`None`: not mounted).
    ///
    /// # Errors
    /// Store errors.
    pub fn set_mount(&self, session: &Session, mount: Option<&str>) -> Result<Session> {
        let mut next = session.clone();
        next.mount = mount.map(str::to_owned);
        let mut batch = self.store.batch();
        batch.put(SESSIONS, &session.id, &next);
        self.store.write(batch)?;
        Ok(next)
    }

    /// Closes session `id`: its record, overlay, claims and comments are removed.
    ///
    /// # Errors
    /// Store errors.
    pub fn close(&self, session: &Session) -> Result<()> {
        let mut batch = self.store.batch();
        self.stage_clear(&mut batch, &session.id)?;
        batch.delete(SESSIONS, &session.id);
        self.store.write(batch)?;
        Ok(())
    }

    /// Replaces the session's overlay with `files` (path → new contents, `None` for a
    /// deletion) over a new base, in one batch. Claims of paths that leave the overlay go.
    pub(crate) fn rebase(
        &self,
        session: &Session,
        base: (GitId, ChangeId),
        files: &BTreeMap<String, Option<(FileMode, Vec<u8>)>>,
    ) -> Result<()> {
        let mut batch = self.store.batch();
        for path in self.overlay(&session.id)?.into_keys() {
            batch.delete(OVERLAY, &(session.id.clone(), path.clone()));
            if !files.contains_key(&path) {
                batch.delete(CLAIMS, &(path, session.id.clone()));
            }
        }
        for (path, contents) in files {
            let key = (session.id.clone(), path.clone());
            match contents {
                Some((mode, bytes)) => {
                    let hash = content_hash(bytes);
                    batch.put_bytes(BLOBS, &hash, bytes);
                    batch.put(
                        OVERLAY,
                        &key,
                        &OverlayEntry::Written {
                            mode: *mode,
                            content_hash: hash,
                            size: bytes.len() as u64,
                            time_ns: now_ns(),
                        },
                    );
                }
                None => batch.put(OVERLAY, &key, &OverlayEntry::Deleted),
            }
        }
        let mut next = session.clone();
        next.base_commit = base.0;
        next.base_change = base.1;
        next.active_seconds = now_seconds();
        next.based_seconds = next.active_seconds;
        batch.put(SESSIONS, &session.id, &next);
        self.store.write(batch)?;
        Ok(())
    }

    /// Removes sessions idle (no write, submit or creation) for at least
    /// `idle_seconds`: ended ones and ones with no changes; ones with unsubmitted changes
    /// only with `force`. Returns the removed sessions, and the idle ones kept because
    /// they hold changes.
    ///
    /// # Errors
    /// Store errors.
    pub fn prune(&self, idle_seconds: u64, force: bool) -> Result<(Vec<Session>, Vec<Session>)> {
        let age = i64::try_from(idle_seconds).unwrap_or(i64::MAX);
        let cutoff = now_seconds().saturating_sub(age);
        let (mut removed, mut kept) = (Vec::new(), Vec::new());
        let mut batch = self.store.batch();
        for s in self.list()? {
            if s.active_seconds > cutoff {
                continue;
            }
            let has_work = !s.ended && !self.overlay(&s.id)?.is_empty();
            if has_work && !force {
                kept.push(s);
                continue;
            }
            self.stage_clear(&mut batch, &s.id)?;
            batch.delete(SESSIONS, &s.id);
            removed.push(s);
        }
        self.store.write(batch)?;
        Ok((removed, kept))
    }
}

/// Symbol changes between two versions of a file, empty when neither is a supported text
/// file of at most [`crate::symbols::MAX_SYMBOL_BYTES`].
pub fn symbol_changes(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> Vec<SymbolChange> {
    let parse = |b: Option<&[u8]>| b.and_then(|b| file_symbols(path, b));
    table_changes(parse(old), parse(new))
}

/// Symbol changes between two symbol tables (`None`: no table, an absent or unparsed
/// file).
pub fn table_changes(old: Option<FileSymbols>, new: Option<FileSymbols>) -> Vec<SymbolChange> {
    if old.is_none() && new.is_none() {
        return Vec::new();
    }
    changed_symbols(&old.unwrap_or_default(), &new.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_lines_count_only_block_edges() {
        assert_eq!(
            marker_lines(b"a\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n"),
            2
        );
        assert_eq!(marker_lines(b"<<<<<<<\n>>>>>>>\r\n"), 2);
        assert_eq!(marker_lines(b"<<<<<<<<< not one\n  <<<<<<< indented\n"), 0);
    }

    #[test]
    fn agent_names_git_cannot_write_are_refused() {
        assert!(check_agent("alice").is_ok());
        assert!(check_agent("Claude (agent 3)").is_ok());
        for bad in ["", "  ", "x <y@z>", "a\nb"] {
            assert!(check_agent(bad).is_err(), "{bad:?}");
        }
    }
}
