//! Agent sessions: virtual working copies in the store, submitted with auto-rebase.
//!
//! A session is a record and an overlay; reads fall through to the base commit's tree in
//! git. `submit` fast-forwards when the branch has not moved, and otherwise rebases: files
//! only the session changed are taken, files both changed go through the structured
//! merge, and a function deleted on one side and newly called on the other (in any file)
//! is a hard conflict. A conflict returns a [`ConflictBlock`] and leaves the session as it
//! was; a clean result is one change, one commit and the branch moved.

use std::collections::{BTreeMap, BTreeSet};

use atomic_core::{ChangeId, FileMode, FileState, GitId, Origin, Signature};
use atomic_gitbridge::{self as bridge, TreeFiles};
use atomic_merge::{Action, Labels};
use atomic_semantic::{FileSymbols, SymbolChange, changed_symbols, extract_path};
use atomic_session::{
    ChangeType, ConflictBlock, ConflictingSymbol, OverlayEntry, Session, SessionMode, SideChange,
    dependency_conflicts, hash_token, new_session_id, new_token, validate_path,
};
use serde::Serialize;

use crate::record::Checkout;
use crate::worktree::{FileContents, Files};
use crate::{Repo, RepoError, Result, now_seconds};

/// A symbol another live session has also changed: the write went through (a soft
/// conflict).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConflictWarning {
    /// The other session.
    pub session: String,
    /// Its agent.
    pub agent: String,
    /// The file.
    pub file: String,
    /// The symbol both changed.
    pub symbol: String,
}

/// What a session write returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WriteResult {
    /// blake3 of the new contents, hex.
    pub content_hash: String,
    /// The symbols this write changed against the session's base.
    pub symbols: Vec<SymbolChange>,
    /// Symbols other live sessions changed too.
    pub conflict_warnings: Vec<ConflictWarning>,
}

/// What `submit` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SubmitResult {
    /// One change, one commit, the branch moved.
    Merged {
        /// The change.
        change_id: ChangeId,
        /// Its commit.
        commit: GitId,
        /// Whether the branch had not moved since the session's base.
        fast_forward: bool,
        /// Files both the session and the branch changed, merged by symbols.
        merged_files: Vec<String>,
    },
    /// Nothing submitted; the session is unchanged.
    Conflict(ConflictBlock),
}

/// One file of a session's diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionFileDiff {
    /// The path.
    pub path: String,
    /// Contents in the base (`None`: absent).
    #[serde(skip)]
    pub old: Option<Vec<u8>>,
    /// Contents in the session (`None`: deleted).
    #[serde(skip)]
    pub new: Option<Vec<u8>>,
    /// Symbols changed.
    pub symbols: Vec<SymbolChange>,
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_stdvec(value).expect("encoding to a Vec cannot fail")
}

/// Decodes a stored session value; a value that does not decode is a corrupt store, an
/// error, never a silent miss.
fn decode<T: serde::de::DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T> {
    postcard::from_bytes(bytes)
        .map_err(|source| RepoError::Store(atomic_store::StoreError::Decode { what, source }))
}

fn action_type(a: Action) -> ChangeType {
    match a {
        Action::Unchanged => ChangeType::Unchanged,
        Action::Modified => ChangeType::Modified,
        Action::Deleted => ChangeType::Deleted,
        Action::Added => ChangeType::Added,
        Action::AddedDependency => ChangeType::AddedDependency,
    }
}

fn describe(t: ChangeType) -> &'static str {
    match t {
        ChangeType::Modified => "modified it",
        ChangeType::Deleted => "deleted it",
        ChangeType::Added => "added it",
        ChangeType::AddedDependency => "added a call to it",
        ChangeType::Unchanged => "left it as it was",
    }
}

impl Repo {
    /// Creates a session on `branch` (the current branch when `None`) and returns it with
    /// its secret token, which is shown once and stored only as a hash. Nothing is copied.
    pub fn session_new(
        &self,
        agent: &str,
        intent: Option<&str>,
        branch: Option<&str>,
        persistent: bool,
    ) -> Result<(Session, String)> {
        let branch = match branch {
            Some(b) if b.starts_with("refs/") => b.to_owned(),
            Some(b) => format!("refs/heads/{b}"),
            None => bridge::head_branch(&self.git)?.ok_or(RepoError::DetachedHead)?,
        };
        let base_commit =
            *self
                .store
                .refs()?
                .get(&branch)
                .ok_or_else(|| RepoError::NoSuchBranch {
                    name: branch.trim_start_matches("refs/heads/").to_owned(),
                })?;
        let base_change = self.change_of_commit(base_commit)?.id;
        let (token, token_hash) = new_token();
        let session = Session {
            id: new_session_id(),
            agent: agent.to_owned(),
            intent: intent.map(str::to_owned),
            branch,
            base_commit,
            base_change,
            mode: if persistent {
                SessionMode::Persistent
            } else {
                SessionMode::Ephemeral
            },
            token_hash,
            created_seconds: now_seconds(),
        };
        let mut batch = self.store.batch();
        batch.put_session(&session.id, &encode(&session));
        self.store.write(batch)?;
        Ok((session, token))
    }

    /// Returns every session, oldest first.
    pub fn sessions(&self) -> Result<Vec<Session>> {
        let mut out: Vec<Session> = self
            .store
            .sessions()?
            .into_iter()
            .map(|(_, v)| decode("session", &v))
            .collect::<Result<_>>()?;
        out.sort_by(|a, b| (a.created_seconds, &a.id).cmp(&(b.created_seconds, &b.id)));
        Ok(out)
    }

    /// Returns session `id` when `token` is its token.
    ///
    /// # Errors
    /// [`RepoError::NoSuchSession`], [`RepoError::BadToken`].
    pub fn session_auth(&self, id: &str, token: &str) -> Result<Session> {
        let bytes = self
            .store
            .session(id)?
            .ok_or_else(|| RepoError::NoSuchSession { id: id.to_owned() })?;
        let session: Session = decode("session", &bytes)?;
        if hash_token(token) != session.token_hash {
            return Err(RepoError::BadToken { id: id.to_owned() });
        }
        Ok(session)
    }

    fn overlay_of(&self, id: &str) -> Result<BTreeMap<String, OverlayEntry>> {
        self.store
            .overlay(id)?
            .into_iter()
            .map(|(p, v)| Ok((p, decode("overlay entry", &v)?)))
            .collect()
    }

    /// Returns the session's branch head now, and its files.
    fn branch_head(&self, session: &Session) -> Result<(GitId, TreeFiles)> {
        let head =
            *self
                .store
                .refs()?
                .get(&session.branch)
                .ok_or_else(|| RepoError::NoSuchBranch {
                    name: session.branch.trim_start_matches("refs/heads/").to_owned(),
                })?;
        Ok((
            head,
            bridge::tree_files(&self.git, bridge::commit_tree(&self.git, head)?)?,
        ))
    }

    fn base_files(&self, session: &Session) -> Result<TreeFiles> {
        Ok(bridge::tree_files(
            &self.git,
            bridge::commit_tree(&self.git, session.base_commit)?,
        )?)
    }

    fn overlay_bytes(&self, entry: &OverlayEntry) -> Result<Option<FileContents>> {
        match entry {
            OverlayEntry::Deleted => Ok(None),
            OverlayEntry::Written { mode, content_hash } => {
                Ok(self.store.blob(content_hash)?.map(|b| (*mode, b)))
            }
        }
    }

    /// Reads `path` in session `id`: its overlay first, then its base.
    pub fn session_read(&self, id: &str, token: &str, path: &str) -> Result<Vec<u8>> {
        let session = self.session_auth(id, token)?;
        let path = validate_path(path)?;
        let missing = || RepoError::NoSuchPath {
            id: id.to_owned(),
            path: path.clone(),
        };
        if let Some(entry) = self
            .store
            .overlay_entry(id, &path)?
            .map(|v| decode::<OverlayEntry>("overlay entry", &v))
            .transpose()?
        {
            return self
                .overlay_bytes(&entry)?
                .map(|(_, b)| b)
                .ok_or_else(missing);
        }
        let base = self.base_files(&session)?;
        base.get(&path)
            .map(|s| self.blob(s))
            .transpose()?
            .ok_or_else(missing)
    }

    /// Lists the files of session `id`: path → whether the overlay changed it.
    pub fn session_ls(&self, id: &str, token: &str) -> Result<BTreeMap<String, bool>> {
        let session = self.session_auth(id, token)?;
        let mut files: BTreeMap<String, bool> = self
            .base_files(&session)?
            .into_keys()
            .map(|p| (p, false))
            .collect();
        for (path, entry) in self.overlay_of(id)? {
            match entry {
                OverlayEntry::Deleted => {
                    files.remove(&path);
                }
                OverlayEntry::Written { .. } => {
                    files.insert(path, true);
                }
            }
        }
        Ok(files)
    }

    /// Writes `contents` at `path` in session `id` and returns the symbols it changed
    /// against the base, with warnings for symbols other live sessions changed too.
    pub fn session_write(
        &self,
        id: &str,
        token: &str,
        path: &str,
        contents: &[u8],
    ) -> Result<WriteResult> {
        let session = self.session_auth(id, token)?;
        let path = validate_path(path)?;
        let content_hash = blake3::hash(contents).to_hex().to_string();
        let base = self.base_files(&session)?;
        let mode = match self
            .store
            .overlay_entry(id, &path)?
            .map(|v| decode::<OverlayEntry>("overlay entry", &v))
            .transpose()?
        {
            Some(OverlayEntry::Written { mode, .. }) => mode,
            _ => base.get(&path).map_or(FileMode::Blob, |s| s.mode),
        };
        let base_bytes = base.get(&path).map(|s| self.blob(s)).transpose()?;
        let symbols = symbol_changes(&path, base_bytes.as_deref(), Some(contents));
        let mine: BTreeSet<String> = symbols.iter().map(|s| s.scoped_name.clone()).collect();
        let mut batch = self.store.batch();
        batch.put_blob(&content_hash, contents);
        batch.put_overlay(
            id,
            &path,
            &encode(&OverlayEntry::Written {
                mode,
                content_hash: content_hash.clone(),
            }),
        );
        batch.put_touched(id, &path, &encode(&mine));
        self.store.write(batch)?;
        // Other live sessions recorded what they touched when they wrote: one lookup
        // each, no parsing.
        let mut conflict_warnings = Vec::new();
        for other in self.sessions()?.into_iter().filter(|s| s.id != session.id) {
            let Some(theirs) = self.store.touched(&other.id, &path)? else {
                continue;
            };
            let theirs: BTreeSet<String> = decode("touched symbols", &theirs)?;
            for symbol in theirs.intersection(&mine) {
                conflict_warnings.push(ConflictWarning {
                    session: other.id.clone(),
                    agent: other.agent.clone(),
                    file: path.clone(),
                    symbol: symbol.clone(),
                });
            }
        }
        Ok(WriteResult {
            content_hash,
            symbols,
            conflict_warnings,
        })
    }

    /// Removes `path` in session `id`.
    pub fn session_rm(&self, id: &str, token: &str, path: &str) -> Result<()> {
        let session = self.session_auth(id, token)?;
        let path = validate_path(path)?;
        let base = self.base_files(&session)?;
        let mut batch = self.store.batch();
        if let Some(state) = base.get(&path) {
            batch.put_overlay(id, &path, &encode(&OverlayEntry::Deleted));
            let deleted: BTreeSet<String> = symbol_changes(&path, Some(&self.blob(state)?), None)
                .into_iter()
                .map(|s| s.scoped_name)
                .collect();
            batch.put_touched(id, &path, &encode(&deleted));
        } else {
            batch.delete_overlay(id, &path);
        }
        self.store.write(batch)?;
        Ok(())
    }

    /// Returns every file of session `id` with its contents: the base tree with the
    /// overlay applied.
    pub(crate) fn session_tree(&self, id: &str, token: &str) -> Result<Files> {
        let session = self.session_auth(id, token)?;
        let mut files = Files::new();
        for (path, state) in self.base_files(&session)? {
            if matches!(
                state.mode,
                FileMode::Blob | FileMode::Executable | FileMode::Symlink
            ) {
                files.insert(path, (state.mode, self.blob(&state)?));
            }
        }
        for (path, entry) in self.overlay_of(id)? {
            match self.overlay_bytes(&entry)? {
                Some(contents) => files.insert(path, contents),
                None => files.remove(&path),
            };
        }
        Ok(files)
    }

    /// Removes the sessions created at least `older_than_seconds` ago, with their
    /// overlays; returns their ids. For agents that went away without closing.
    pub fn sessions_prune(&self, older_than_seconds: u64) -> Result<Vec<String>> {
        let age = i64::try_from(older_than_seconds).unwrap_or(i64::MAX);
        let cutoff = now_seconds().saturating_sub(age);
        let stale: Vec<Session> = self
            .sessions()?
            .into_iter()
            .filter(|s| s.created_seconds <= cutoff)
            .collect();
        let mut batch = self.store.batch();
        for s in &stale {
            for (path, _) in self.store.overlay(&s.id)? {
                batch.delete_overlay(&s.id, &path);
            }
            batch.delete_session(&s.id);
        }
        self.store.write(batch)?;
        Ok(stale.into_iter().map(|s| s.id).collect())
    }

    /// Moves `from` to `to` in session `id` (contents and mode).
    pub fn session_mv(&self, id: &str, token: &str, from: &str, to: &str) -> Result<()> {
        let session = self.session_auth(id, token)?;
        let (from, to) = (validate_path(from)?, validate_path(to)?);
        let contents = self.session_read(id, token, &from)?;
        let mode = match self
            .store
            .overlay_entry(id, &from)?
            .map(|v| decode::<OverlayEntry>("overlay entry", &v))
            .transpose()?
        {
            Some(OverlayEntry::Written { mode, .. }) => mode,
            _ => self
                .base_files(&session)?
                .get(&from)
                .map_or(FileMode::Blob, |s| s.mode),
        };
        let content_hash = blake3::hash(&contents).to_hex().to_string();
        let in_base = self.base_files(&session)?.contains_key(&from);
        let mut batch = self.store.batch();
        batch.put_blob(&content_hash, &contents);
        batch.put_overlay(
            id,
            &to,
            &encode(&OverlayEntry::Written { mode, content_hash }),
        );
        if in_base {
            batch.put_overlay(id, &from, &encode(&OverlayEntry::Deleted));
        } else {
            batch.delete_overlay(id, &from);
        }
        self.store.write(batch)?;
        Ok(())
    }

    /// Returns the files session `id` changed against its base, with their symbols.
    pub fn session_diff(&self, id: &str, token: &str) -> Result<Vec<SessionFileDiff>> {
        let session = self.session_auth(id, token)?;
        let base = self.base_files(&session)?;
        let mut out = Vec::new();
        for (path, entry) in self.overlay_of(id)? {
            let old = base.get(&path).map(|s| self.blob(s)).transpose()?;
            let new = self.overlay_bytes(&entry)?.map(|(_, b)| b);
            if old == new {
                continue;
            }
            let symbols = symbol_changes(&path, old.as_deref(), new.as_deref());
            out.push(SessionFileDiff {
                path,
                old,
                new,
                symbols,
            });
        }
        Ok(out)
    }

    /// Closes session `id`: its record and overlay are removed.
    pub fn session_close(&self, id: &str, token: &str) -> Result<()> {
        self.session_auth(id, token)?;
        let mut batch = self.store.batch();
        for (path, _) in self.store.overlay(id)? {
            batch.delete_overlay(id, &path);
        }
        batch.delete_session(id);
        self.store.write(batch)?;
        Ok(())
    }

    /// Submits session `id`: fast-forward, or rebase onto the branch with the structured
    /// merge. See the module documentation.
    pub fn session_submit(&self, id: &str, token: &str, message: &str) -> Result<SubmitResult> {
        if message.trim().is_empty() {
            return Err(RepoError::EmptyMessage);
        }
        let session = self.session_auth(id, token)?;
        let overlay = self.overlay_of(id)?;
        let base_files = self.base_files(&session)?;
        // The session's own tree: base plus overlay, its blobs written to git.
        let mut mine = base_files.clone();
        let mut touched = Vec::new();
        for (path, entry) in &overlay {
            match self.overlay_bytes(entry)? {
                Some((mode, bytes)) => {
                    let blob = bridge::write_blob(&self.git, &bytes)?;
                    mine.insert(path.clone(), FileState { mode, blob });
                }
                None => {
                    mine.remove(path);
                }
            }
            if mine.get(path) != base_files.get(path) {
                touched.push(path.clone());
            }
        }
        if touched.is_empty() {
            return Err(RepoError::NothingToSubmit { id: id.to_owned() });
        }
        let (head, head_files) = self.branch_head(&session)?;
        let fast_forward = head == session.base_commit;
        let mut result = head_files.clone();
        let mut merged_files = Vec::new();
        let mut conflicts = Vec::new();
        let head_change = self.change_of_commit(head)?;
        let by = format!(
            "change {} ({})",
            head_change.id.short(),
            head_change.summary()
        );
        for path in &touched {
            let (b, s, h) = (base_files.get(path), mine.get(path), head_files.get(path));
            if h == b {
                match s {
                    Some(s) => result.insert(path.clone(), *s),
                    None => result.remove(path),
                };
                continue;
            }
            if s == h {
                continue;
            }
            let bytes = |st: Option<&FileState>| -> Result<Vec<u8>> {
                st.map_or(Ok(Vec::new()), |s| self.blob(s))
            };
            if s.is_none() || h.is_none() {
                let (yours, theirs) = if s.is_none() {
                    (ChangeType::Deleted, ChangeType::Modified)
                } else {
                    (ChangeType::Modified, ChangeType::Deleted)
                };
                conflicts.push(ConflictingSymbol {
                    symbol: path.clone(),
                    file: path.clone(),
                    base_version: b
                        .map(|st| self.blob(st))
                        .transpose()?
                        .map(|v| String::from_utf8_lossy(&v).into_owned()),
                    their_change: SideChange {
                        description: format!("the branch {} this file", describe(theirs)),
                        change_type: theirs,
                        by: Some(by.clone()),
                    },
                    your_change: SideChange {
                        description: format!("this session {} this file", describe(yours)),
                        change_type: yours,
                        by: None,
                    },
                });
                continue;
            }
            let outcome = atomic_merge::merge(
                path,
                &bytes(b)?,
                &bytes(s)?,
                &bytes(h)?,
                &Labels {
                    ours: "session",
                    base: "base",
                    theirs: "branch",
                },
            );
            if outcome.is_clean() {
                let blob = bridge::write_blob(&self.git, &outcome.text)?;
                let mode = s.map_or(FileMode::Blob, |s| s.mode);
                result.insert(path.clone(), FileState { mode, blob });
                merged_files.push(path.clone());
            } else {
                for c in outcome.conflicts {
                    let (yours, theirs) =
                        (action_type(c.ours_action), action_type(c.theirs_action));
                    conflicts.push(ConflictingSymbol {
                        symbol: c.symbol.unwrap_or_else(|| path.clone()),
                        file: path.clone(),
                        base_version: c.base,
                        their_change: SideChange {
                            description: format!("the branch {}", describe(theirs)),
                            change_type: theirs,
                            by: Some(by.clone()),
                        },
                        your_change: SideChange {
                            description: format!("this session {}", describe(yours)),
                            change_type: yours,
                            by: None,
                        },
                    });
                }
            }
        }
        if !fast_forward {
            conflicts.extend(self.dependency_block(&base_files, &mine, &head_files, &by)?);
        }
        if !conflicts.is_empty() {
            return Ok(SubmitResult::Conflict(ConflictBlock::new(conflicts)));
        }
        let author = Signature {
            name: session.agent.clone(),
            email: format!(
                "{}@sessions.atomic",
                session.agent.replace(char::is_whitespace, "-")
            ),
            time_seconds: now_seconds(),
            offset_seconds: 0,
        };
        let committer = self.identity().unwrap_or_else(|_| author.clone());
        let on_branch = bridge::head_branch(&self.git)?.as_deref() == Some(session.branch.as_str());
        let checkout = if on_branch && self.status()?.changes.is_empty() {
            Checkout::Files
        } else {
            Checkout::None
        };
        let origin = Origin::Session {
            session: session.id.clone(),
            agent: session.agent.clone(),
        };
        let change = self.commit_files_as(
            &result,
            &[head],
            message,
            &session.branch,
            &author,
            &committer,
            origin,
            checkout,
        )?;
        // The session is spent (ephemeral) or starts again from the new head (persistent).
        let mut batch = self.store.batch();
        for path in overlay.keys() {
            batch.delete_overlay(id, path);
        }
        match session.mode {
            SessionMode::Ephemeral => batch.delete_session(id),
            SessionMode::Persistent => {
                let next = Session {
                    base_commit: change.git_commit,
                    base_change: change.id,
                    ..session
                };
                batch.put_session(id, &encode(&next));
            }
        }
        self.store.write(batch)?;
        Ok(SubmitResult::Merged {
            change_id: change.id,
            commit: change.git_commit,
            fast_forward,
            merged_files,
        })
    }

    /// Rebases session `id` onto its branch's current head, settling the conflicts a
    /// submit reported: `Proceed` keeps conflict markers in the files for the agent to fix;
    /// `KeepYours` / `KeepTheirs` take the session's or the branch's side; `Manual` takes
    /// `content` for the file of the conflict. With `symbol`, only that symbol's conflicts
    /// are settled and the others keep their markers. Everything that merged is kept from
    /// both sides; the session's next submit is a fast-forward.
    pub fn session_resolve(
        &self,
        id: &str,
        token: &str,
        action: ResolveAction,
        symbol: Option<&str>,
        content: Option<&[u8]>,
    ) -> Result<Vec<ResolvedFile>> {
        let session = self.session_auth(id, token)?;
        let overlay = self.overlay_of(id)?;
        let base_files = self.base_files(&session)?;
        let (head, head_files) = self.branch_head(&session)?;
        let bytes = |st: Option<&FileState>| -> Result<Vec<u8>> {
            st.map_or(Ok(Vec::new()), |s| self.blob(s))
        };
        let mut next: Vec<(String, Option<FileContents>)> = Vec::new();
        let mut report = Vec::new();
        for (path, entry) in &overlay {
            let mine = self.overlay_bytes(entry)?;
            let (b, h) = (base_files.get(path), head_files.get(path));
            let head_bytes = h.map(|h| self.blob(h)).transpose()?;
            let mine_plain = mine.as_ref().map(|(_, d)| d.clone());
            if h == b || mine_plain == head_bytes {
                next.push((path.clone(), mine));
                continue;
            }
            let mode = mine
                .as_ref()
                .map(|(m, _)| *m)
                .or(h.map(|h| h.mode))
                .unwrap_or(FileMode::Blob);
            let settled = |text: Vec<u8>, left: usize| (Some((mode, text)), left);
            let (resolved, left) = match (&mine, &head_bytes) {
                (Some((_, ours)), Some(theirs)) => {
                    let outcome = atomic_merge::merge(
                        path,
                        &bytes(b)?,
                        ours,
                        theirs,
                        &Labels {
                            ours: "session",
                            base: "base",
                            theirs: "branch",
                        },
                    );
                    let selected = |i: usize| {
                        symbol.is_none_or(|s| outcome.conflicts[i].symbol.as_deref() == Some(s))
                    };
                    match action {
                        _ if outcome.is_clean() => settled(outcome.text.clone(), 0),
                        ResolveAction::Manual if (0..outcome.conflicts.len()).any(selected) => {
                            settled(content.ok_or(RepoError::NoContent)?.to_vec(), 0)
                        }
                        _ => {
                            let pick = |i: usize| match action {
                                ResolveAction::KeepYours if selected(i) => atomic_merge::Pick::Ours,
                                ResolveAction::KeepTheirs if selected(i) => {
                                    atomic_merge::Pick::Theirs
                                }
                                _ => atomic_merge::Pick::Keep,
                            };
                            let text = atomic_merge::resolve_blocks(&outcome.text, pick);
                            let left = (0..outcome.conflicts.len())
                                .filter(|i| pick(*i) == atomic_merge::Pick::Keep)
                                .count();
                            settled(text, left)
                        }
                    }
                }
                // Deleted on one side, changed on the other: the file decides as a whole.
                _ => match action {
                    ResolveAction::KeepTheirs => (head_bytes.map(|d| (mode, d)), 0),
                    ResolveAction::Manual => {
                        settled(content.ok_or(RepoError::NoContent)?.to_vec(), 0)
                    }
                    ResolveAction::KeepYours | ResolveAction::Proceed => (mine.clone(), 0),
                },
            };
            report.push(ResolvedFile {
                path: path.clone(),
                conflicts_left: left,
            });
            next.push((path.clone(), resolved));
        }
        let head_change = self.change_of_commit(head)?.id;
        let mut batch = self.store.batch();
        for path in overlay.keys() {
            batch.delete_overlay(id, path);
        }
        for (path, content) in &next {
            let head_has = head_files.get(path).map(|h| self.blob(h)).transpose()?;
            match content {
                Some((mode, data)) if head_has.as_deref() != Some(data.as_slice()) => {
                    let hash = blake3::hash(data).to_hex().to_string();
                    batch.put_blob(&hash, data);
                    batch.put_overlay(
                        id,
                        path,
                        &encode(&OverlayEntry::Written {
                            mode: *mode,
                            content_hash: hash,
                        }),
                    );
                }
                Some(_) => {}
                None if head_has.is_some() => {
                    batch.put_overlay(id, path, &encode(&OverlayEntry::Deleted))
                }
                None => {}
            }
        }
        batch.put_session(
            id,
            &encode(&Session {
                base_commit: head,
                base_change: head_change,
                ..session
            }),
        );
        self.store.write(batch)?;
        Ok(report)
    }

    /// Functions the session deleted that the branch newly calls, or the reverse, across
    /// every file either changed.
    fn dependency_block(
        &self,
        base: &TreeFiles,
        mine: &TreeFiles,
        head: &TreeFiles,
        by: &str,
    ) -> Result<Vec<ConflictingSymbol>> {
        let changed: BTreeSet<&String> = base
            .keys()
            .chain(mine.keys())
            .chain(head.keys())
            .filter(|p| base.get(*p) != mine.get(*p) || base.get(*p) != head.get(*p))
            .collect();
        let tables = |files: &TreeFiles| -> Result<Vec<(String, FileSymbols)>> {
            let mut out = Vec::new();
            for p in &changed {
                if let Some(s) = files.get(*p)
                    && let Some(t) = extract_path(p, &self.blob(s)?)
                {
                    out.push(((*p).clone(), t));
                }
            }
            Ok(out)
        };
        let (tb, tm, th) = (tables(base)?, tables(mine)?, tables(head)?);
        Ok(dependency_conflicts(&tb, &tm, &th)
            .into_iter()
            .map(|(name, file, caller, deleted_by_session)| {
                let (yours, theirs) = if deleted_by_session {
                    (ChangeType::Deleted, ChangeType::AddedDependency)
                } else {
                    (ChangeType::AddedDependency, ChangeType::Deleted)
                };
                ConflictingSymbol {
                    symbol: name.clone(),
                    file,
                    base_version: None,
                    their_change: SideChange {
                        description: if deleted_by_session {
                            format!("the branch added a call to {name} in {caller}")
                        } else {
                            format!("the branch deleted {name}")
                        },
                        change_type: theirs,
                        by: Some(by.to_owned()),
                    },
                    your_change: SideChange {
                        description: if deleted_by_session {
                            format!("this session deleted {name}")
                        } else {
                            format!("this session added a call to {name} in {caller}")
                        },
                        change_type: yours,
                        by: None,
                    },
                }
            })
            .collect())
    }
}

/// How `session resolve` settles conflicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolveAction {
    /// Rebase onto the branch, keeping conflict markers for the agent to fix.
    Proceed,
    /// The session's side of the conflicts.
    KeepYours,
    /// The branch's side of the conflicts.
    KeepTheirs,
    /// Given content for the file of the conflict.
    Manual,
}

/// One file of the session after `resolve`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResolvedFile {
    /// The path.
    pub path: String,
    /// Conflict blocks still in the file (markers for the agent to fix).
    pub conflicts_left: usize,
}

fn symbol_changes(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> Vec<SymbolChange> {
    let parse = |b: Option<&[u8]>| b.and_then(|b| extract_path(path, b));
    let (o, n) = (parse(old), parse(new));
    if o.is_none() && n.is_none() {
        return Vec::new();
    }
    changed_symbols(&o.unwrap_or_default(), &n.unwrap_or_default())
}
