//! Agent sessions, wired to the store, git's refs and the working tree: authentication,
//! the session locks, and the submit loop (merge outside the write lock, land under it).

use std::sync::PoisonError;

use atomic_core::{ChangeId, FileMode, FileState, GitId, Origin, Signature};
use atomic_gitbridge as bridge;
use atomic_merge::TreeConflict;
use atomic_session::{
    ChangeRef, ConflictBlock, Integration, ResolveAction, ResolvedFile, Session, SessionError,
    SessionFileDiff, SessionMode, WriteResult,
};
use serde::{Deserialize, Serialize};

use crate::land::{Landing, Pending, PendingSession};

use crate::worktree::CheckoutReport;
use crate::{NoProgress, Repo, RepoError, Result, branch_ref, now_seconds, short_branch};

/// Merges of one submit against a head that moved before it landed, before the next
/// merges and lands under the write lock.
const EXCLUSIVE_AFTER: usize = 3;

/// What `submit` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
        /// Whether this answers a retry of a submit that had landed already (nothing new
        /// was written).
        replayed: bool,
        /// What the checked-out working tree did, when the branch is checked out.
        checkout: Option<CheckoutReport>,
    },
    /// Nothing submitted; the session is unchanged.
    Conflict(ConflictBlock),
}

/// Where a session stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionStatus {
    /// The session.
    pub session_id: String,
    /// Its agent.
    pub agent: String,
    /// What it is for.
    pub intent: Option<String>,
    /// Its branch, full name.
    pub branch: String,
    /// The commit its reads fall through to.
    pub base_commit: GitId,
    /// That commit's change.
    pub base_change_id: atomic_core::ChangeId,
    /// Ephemeral or persistent.
    pub mode: atomic_session::SessionMode,
    /// Whether it has ended (an ephemeral session after its submit landed).
    pub ended: bool,
    /// The last submit that landed, if any.
    pub last_submit: Option<atomic_session::Receipt>,
    /// Where it is mounted, if it is (absolute path).
    pub mount: Option<String>,
    /// The branch's head now.
    pub head: GitId,
    /// Whether the branch moved since the session's base (the next submit merges).
    pub branch_moved: bool,
    /// The files the session changed, with their symbols.
    pub files: Vec<SessionFileView>,
    /// Symbols of this session that other live sessions changed too.
    pub conflict_warnings: Vec<atomic_session::ConflictWarning>,
    /// What a submit now would stop on (the conflict block `session submit` would
    /// return); `None` when it would land.
    pub conflicts: Option<ConflictBlock>,
    /// Review comments on lines of the session's diff, oldest first.
    pub comments: Vec<atomic_session::Comment>,
}

/// A changed file, as `session status` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionFileView {
    /// The path.
    pub path: String,
    /// `added`, `modified` or `deleted`.
    pub kind: crate::StatusKind,
    /// Its mode and blob in the base, if it was there.
    pub old: Option<FileState>,
    /// Its mode and blob in the session, if it is there (the blob is not written).
    pub new: Option<FileState>,
    /// The symbols changed.
    pub symbols: Vec<atomic_semantic::SymbolChange>,
}

impl Repo {
    /// Creates a session on `branch` (the current branch when `None`) and returns it with
    /// its secret token. Nothing is copied.
    ///
    /// # Errors
    /// [`RepoError::DetachedHead`] without a branch; [`RepoError::NoSuchBranch`];
    /// [`SessionError::BadAgent`].
    pub fn session_new(
        &self,
        agent: &str,
        intent: Option<&str>,
        branch: Option<&str>,
        persistent: bool,
    ) -> Result<(Session, String)> {
        let branch = match branch {
            Some(b) => branch_ref(b),
            None => bridge::head_branch(&self.git)?.ok_or(RepoError::DetachedHead)?,
        };
        self.sync(&NoProgress)?;
        let head = self.branch_head(&branch)?;
        let mode = if persistent {
            SessionMode::Persistent
        } else {
            SessionMode::Ephemeral
        };
        let change = self.change_of_commit(head)?.id;
        Ok(self
            .sessions()
            .create(agent, intent, &branch, (head, change), mode)?)
    }

    /// Returns the commit `branch` (full name) points to, as the store has it.
    fn branch_head(&self, branch: &str) -> Result<GitId> {
        self.store
            .get(atomic_store::REFS, &branch.to_owned())?
            .ok_or_else(|| RepoError::NoSuchBranch {
                name: short_branch(branch).to_owned(),
            })
    }

    /// Returns every live session, oldest first.
    ///
    /// # Errors
    /// Store errors.
    pub fn sessions_list(&self) -> Result<Vec<Session>> {
        Ok(self
            .sessions()
            .list()?
            .into_iter()
            .filter(|s| !s.ended)
            .collect())
    }

    /// Returns session `id` when `token` is its token, ended or not.
    ///
    /// # Errors
    /// [`SessionError::NoSuchSession`], [`SessionError::BadToken`].
    pub fn session_auth(&self, id: &str, token: &str) -> Result<Session> {
        Ok(self.sessions().auth(id, token)?)
    }

    /// Runs `f` on live session `id` holding its lock.
    fn with_session<T>(
        &self,
        id: &str,
        token: &str,
        f: impl FnOnce(&atomic_session::Sessions<'_>, &Session) -> Result<T>,
    ) -> Result<T> {
        let lock = self.session_lock(id);
        let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        f(&engine, &session)
    }

    /// Reads `path` in session `id`: its overlay first, then its base. Takes no lock.
    ///
    /// # Errors
    /// As [`atomic_session::Sessions::read`].
    pub fn session_read(&self, id: &str, token: &str, path: &str) -> Result<(FileMode, Vec<u8>)> {
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        Ok(engine.read(&session, path)?)
    }

    /// Returns what `path` is in session `id`: a file (with its mode), a directory, or
    /// nothing.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn session_node(
        &self,
        id: &str,
        token: &str,
        path: &str,
    ) -> Result<Option<atomic_session::Node>> {
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        Ok(engine.node(&session, path)?)
    }

    /// Returns what `path` is in session `id`, with its size and write time.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn session_entry(
        &self,
        id: &str,
        token: &str,
        path: &str,
    ) -> Result<Option<atomic_session::Entry>> {
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        Ok(engine.entry(&session, path)?)
    }

    /// Lists directory `dir` (`""`: the root) of session `id`: each child's name and what
    /// it is.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn session_list_dir(
        &self,
        id: &str,
        token: &str,
        dir: &str,
    ) -> Result<std::collections::BTreeMap<String, atomic_session::Entry>> {
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        Ok(engine.list_dir(&session, dir)?)
    }

    /// Lists the files of session `id`: path → whether the session changed it.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn session_ls(
        &self,
        id: &str,
        token: &str,
    ) -> Result<std::collections::BTreeMap<String, bool>> {
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        Ok(engine.ls(&session)?)
    }

    /// Writes `contents` at `path` in session `id` (see
    /// [`atomic_session::Sessions::write`]).
    ///
    /// # Errors
    /// As that function.
    pub fn session_write(
        &self,
        id: &str,
        token: &str,
        path: &str,
        mode: Option<FileMode>,
        contents: &[u8],
    ) -> Result<WriteResult> {
        self.with_session(id, token, |engine, session| {
            Ok(engine.write(session, path, mode, contents)?)
        })
    }

    /// Replaces the one occurrence of `old` in `path` of session `id` with `new` (see
    /// [`atomic_session::Sessions::edit`]).
    ///
    /// # Errors
    /// As that function.
    pub fn session_edit(
        &self,
        id: &str,
        token: &str,
        path: &str,
        old: &str,
        new: &str,
    ) -> Result<WriteResult> {
        self.with_session(id, token, |engine, session| {
            Ok(engine.edit(session, path, old, new)?)
        })
    }

    /// Applies a unified diff to session `id`, all files or none (see
    /// [`atomic_session::Sessions::apply_patch`]).
    ///
    /// # Errors
    /// As that function.
    pub fn session_apply(
        &self,
        id: &str,
        token: &str,
        patch: &str,
    ) -> Result<Vec<atomic_session::Applied>> {
        self.with_session(id, token, |engine, session| {
            Ok(engine.apply_patch(session, patch)?)
        })
    }

    /// Removes `path` in session `id`.
    ///
    /// # Errors
    /// [`SessionError::NoSuchPath`] when the session has no file there.
    pub fn session_rm(&self, id: &str, token: &str, path: &str) -> Result<()> {
        self.with_session(id, token, |engine, session| Ok(engine.rm(session, path)?))
    }

    /// Moves `from` to `to` in session `id`.
    ///
    /// # Errors
    /// As [`atomic_session::Sessions::mv`].
    pub fn session_mv(&self, id: &str, token: &str, from: &str, to: &str) -> Result<()> {
        self.with_session(id, token, |engine, session| {
            Ok(engine.mv(session, from, to)?)
        })
    }

    /// Returns the files session `id` changed against its base, with their symbols.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn session_diff(&self, id: &str, token: &str) -> Result<Vec<SessionFileDiff>> {
        let engine = self.sessions();
        let session = engine.live(id, token)?;
        Ok(engine.diff(&session)?)
    }

    /// Returns where session `id` stands: its base against the branch head, the files it
    /// changed, and live soft-conflict warnings on its symbols.
    ///
    /// # Errors
    /// Store and git errors.
    pub fn session_status(&self, id: &str, token: &str) -> Result<SessionStatus> {
        let engine = self.sessions();
        let session = engine.auth(id, token)?;
        let head = self.branch_head(&session.branch)?;
        let diff = if session.ended {
            Vec::new()
        } else {
            engine.diff(&session)?
        };
        let files: Vec<SessionFileView> = diff
            .into_iter()
            .map(|d| SessionFileView {
                kind: match (&d.old, &d.new) {
                    (None, _) => crate::StatusKind::Added,
                    (_, None) => crate::StatusKind::Deleted,
                    _ => crate::StatusKind::Modified,
                },
                old: crate::file_state(&d.old),
                new: crate::file_state(&d.new),
                path: d.path,
                symbols: d.symbols,
            })
            .collect();
        let conflict_warnings = engine.claim_warnings(&session)?;
        let conflicts = if session.ended || head == session.base_commit || files.is_empty() {
            None
        } else {
            match engine.integrate(&session, &engine.edits(&session, false)?, head)? {
                Integration::Clean { .. } => None,
                Integration::Conflict(c) => Some(self.conflict_block(&c, head, &session)),
            }
        };
        Ok(SessionStatus {
            comments: engine.comments(&session.id)?,
            conflicts,
            branch_moved: head != session.base_commit,
            head,
            session_id: session.id,
            agent: session.agent,
            intent: session.intent,
            branch: session.branch,
            base_commit: session.base_commit,
            base_change_id: session.base_change,
            mode: session.mode,
            ended: session.ended,
            last_submit: session.last_submit,
            mount: session.mount,
            files,
            conflict_warnings,
        })
    }

    /// Adds a review comment by `author` on `line` (from 1) of `path` in session `id`'s
    /// diff.
    ///
    /// # Errors
    /// [`SessionError::BadComment`]; as [`atomic_session::Sessions::live`].
    pub fn session_comment(
        &self,
        id: &str,
        token: &str,
        path: &str,
        line: u32,
        text: &str,
        author: &str,
    ) -> Result<atomic_session::Comment> {
        self.with_session(id, token, |engine, session| {
            Ok(engine.add_comment(session, path, line, text, author)?)
        })
    }

    /// Makes `token` the owner's token, which acts on any session (`None`: no owner
    /// token). The dashboard's secret is one.
    ///
    /// # Errors
    /// Store errors.
    pub fn set_owner_token(&self, token: Option<&str>) -> Result<()> {
        Ok(self.sessions().set_owner_token(token)?)
    }

    /// The conflict block for a merge of `session` onto `head` that stopped on
    /// `conflicts`, naming the branch change that last touched each symbol.
    fn conflict_block(
        &self,
        conflicts: &[TreeConflict],
        head: GitId,
        session: &Session,
    ) -> ConflictBlock {
        let by = |path: &str, symbol: Option<&str>| {
            self.last_touch(head, session.base_commit, path, symbol)
        };
        ConflictBlock::new(conflicts, &by)
    }

    /// Records where session `id` is mounted (`None`: nowhere); returns the session.
    ///
    /// # Errors
    /// [`SessionError::NoSuchSession`], [`SessionError::BadToken`].
    pub fn session_set_mount(&self, id: &str, token: &str, mount: Option<&str>) -> Result<Session> {
        let lock = self.session_lock(id);
        let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let engine = self.sessions();
        let session = engine.auth(id, token)?;
        Ok(engine.set_mount(&session, mount)?)
    }

    /// Closes session `id`: its record and overlay are removed.
    ///
    /// # Errors
    /// [`SessionError::NoSuchSession`], [`SessionError::BadToken`].
    pub fn session_close(&self, id: &str, token: &str) -> Result<()> {
        let lock = self.session_lock(id);
        let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let engine = self.sessions();
        let session = engine.auth(id, token)?;
        Ok(engine.close(&session)?)
    }

    /// Removes sessions idle for `idle_seconds` (see [`atomic_session::Sessions::prune`]).
    ///
    /// # Errors
    /// Store errors.
    pub fn sessions_prune(
        &self,
        idle_seconds: u64,
        force: bool,
    ) -> Result<(Vec<Session>, Vec<Session>)> {
        Ok(self.sessions().prune(idle_seconds, force)?)
    }

    /// Submits session `id`: fast-forward, or merge onto the branch with the structured
    /// merge. Submits merge one at a time outside the write lock, each against the commit
    /// the one before it will land, and land in that order (see [`crate::queue`]); the
    /// commit lands by compare-and-swap, and a moved head means merging again (after
    /// [`EXCLUSIVE_AFTER`] tries, under the write lock, so a submit always ends).
    /// A retried submit that had landed returns its receipt and writes nothing.
    ///
    /// # Errors
    /// [`RepoError::EmptyMessage`]; [`SessionError::NothingToSubmit`];
    /// [`SessionError::ConflictMarkers`]; store and git errors. A conflict is not an
    /// error: it is [`SubmitResult::Conflict`], and nothing is written.
    pub fn session_submit(&self, id: &str, token: &str, message: &str) -> Result<SubmitResult> {
        if message.trim().is_empty() {
            return Err(RepoError::EmptyMessage);
        }
        let lock = self.session_lock(id);
        let _held = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let engine = self.sessions();
        let session = engine.auth(id, token)?;
        let edits = if session.ended {
            Default::default()
        } else {
            engine.edits(&session, true)?
        };
        if edits.is_empty() {
            return match &session.last_submit {
                Some(r) if session.ended || r.commit == session.base_commit => {
                    Ok(SubmitResult::Merged {
                        change_id: r.change_id,
                        commit: r.commit,
                        fast_forward: r.fast_forward,
                        merged_files: r.merged_files.clone(),
                        replayed: true,
                        checkout: None,
                    })
                }
                _ => Err(SessionError::NothingToSubmit { id: id.to_owned() }.into()),
            };
        }
        self.sync(&NoProgress)?;
        let author = Signature {
            name: session.agent.clone(),
            email: format!(
                "{}@sessions.atomic",
                session.agent.replace(
                    |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-' && c != '_',
                    "-"
                )
            ),
            time_seconds: now_seconds(),
            offset_seconds: 0,
        };
        let committer = match self.identity() {
            Ok(c) => c,
            Err(RepoError::NoIdentity) => author.clone(),
            Err(e) => return Err(e),
        };
        let text = with_trailers(
            message,
            &[
                ("Atomic-Session", &session.id),
                ("Atomic-Agent", &session.agent),
            ],
        );
        for attempt in 0.. {
            // Merge against the commit the submit queued before this one will land (or
            // the branch's head), take a ticket, and land when every earlier one has.
            // After a few moved heads (git, or commands outside the queue, moved the
            // branch), merge and land under the write lock with the queue empty, so a
            // submit always ends.
            let slot = self.shared.submits.merge_slot();
            let mut exclusive = None;
            if attempt >= EXCLUSIVE_AFTER {
                self.shared.submits.wait_idle(&slot);
                exclusive = Some(self.store.lock());
            }
            let pending = match exclusive {
                Some(_) => None,
                None => self.shared.submits.pending_head(&slot, &session.branch),
            };
            let mut head = match pending {
                Some(commit) => commit,
                None => self.branch_head(&session.branch)?,
            };
            let mut integration = engine.integrate(&session, &edits, head)?;
            if pending.is_some() && matches!(integration, Integration::Conflict(_)) {
                // Conflicts are reported against a landed head only.
                self.shared.submits.wait_idle(&slot);
                head = self.branch_head(&session.branch)?;
                integration = engine.integrate(&session, &edits, head)?;
            }
            let (tree, fast_forward, merged_files) = match integration {
                Integration::Clean {
                    tree,
                    fast_forward,
                    merged_files,
                } => (tree, fast_forward, merged_files),
                Integration::Conflict(conflicts) => {
                    return Ok(SubmitResult::Conflict(
                        self.conflict_block(&conflicts, head, &session),
                    ));
                }
            };
            let commit =
                bridge::write_commit(&self.git, tree, &[head], &author, &committer, &text)?;
            let ticket = self.shared.submits.enqueue(slot, &session.branch, commit);
            let landing = Landing {
                branch: session.branch.clone(),
                expected: Some(head),
                pending: Pending {
                    from: Some(head),
                    to: commit,
                    origin: Origin::Session {
                        session: session.id.clone(),
                        agent: session.agent.clone(),
                    },
                    description: format!(
                        "submit {} ({}): {}",
                        session.id,
                        session.agent,
                        text.lines().next().unwrap_or("")
                    ),
                    session: Some(PendingSession {
                        id: session.id.clone(),
                        fast_forward,
                        merged_files: merged_files.clone(),
                    }),
                    ends_merge: false,
                },
            };
            ticket.wait_turn();
            let mut lock = exclusive.unwrap_or_else(|| self.store.lock());
            let landed = self.land(&mut lock, landing);
            drop(lock);
            ticket.finish(landed.is_ok());
            match landed {
                Ok(change) => {
                    let checkout = match self.follow_branch() {
                        Ok(report) if report == CheckoutReport::default() => None,
                        Ok(report) => Some(report),
                        Err(_) => Some(CheckoutReport {
                            updated: Vec::new(),
                            kept: change.files.iter().map(|f| f.path.clone()).collect(),
                        }),
                    };
                    return Ok(SubmitResult::Merged {
                        change_id: change.id,
                        commit: change.git_commit,
                        fast_forward,
                        merged_files,
                        replayed: false,
                        checkout,
                    });
                }
                Err(RepoError::HeadMoved { .. }) => {
                    // Someone landed first (or git moved the ref): merge again.
                    self.sync(&NoProgress)?;
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!("the submit loop returns")
    }

    /// The change on the branch (from `head` back to `base`, first parents) that last
    /// touched `symbol` of `path` (its symbol changes name it), else the last that touched
    /// `path` at all; for conflict blocks.
    fn last_touch(
        &self,
        head: GitId,
        base: GitId,
        path: &str,
        symbol: Option<&str>,
    ) -> Option<ChangeRef> {
        let mut touched_path = None;
        let mut commit = head;
        for _ in 0..1000 {
            if commit == base {
                break;
            }
            let change = self.change_of_commit(commit).ok()?;
            if change.files.iter().any(|f| {
                f.path == path
                    || matches!(&f.kind, atomic_core::FileKind::Renamed { from } if from == path)
            }) {
                let Some(symbol) = symbol else {
                    return Some(change_ref(&change));
                };
                let names_it = self.change_symbols(&change).is_ok_and(|files| {
                    files.iter().any(|(p, changes)| {
                        p == path && changes.iter().any(|c| c.scoped_name == symbol)
                    })
                });
                if names_it {
                    return Some(change_ref(&change));
                }
                touched_path.get_or_insert_with(|| change_ref(&change));
            }
            commit = self.change(change.parents.first()?).ok()?.git_commit;
        }
        touched_path
    }

    /// Rebases session `id` onto its branch's head, settling the conflicts a submit
    /// reported (see [`atomic_session::Sessions::resolve`]).
    ///
    /// # Errors
    /// As that function.
    pub fn session_resolve(
        &self,
        id: &str,
        token: &str,
        action: ResolveAction,
        symbol: Option<&str>,
        content: Option<&[u8]>,
    ) -> Result<Vec<ResolvedFile>> {
        self.sync(&NoProgress)?;
        self.with_session(id, token, |engine, session| {
            let head = self.branch_head(&session.branch)?;
            let change = self.change_of_commit(head)?.id;
            Ok(engine.resolve(session, (head, change), action, symbol, content)?)
        })
    }
}

/// How a conflict block names a change on the branch.
fn change_ref(change: &atomic_core::Change) -> ChangeRef {
    let (agent, session_id) = match &change.origin {
        Origin::Session { session, agent } => (Some(agent.clone()), Some(session.clone())),
        _ => (None, None),
    };
    ChangeRef {
        change_id: change.id.to_hex(),
        commit: change.git_commit.to_hex(),
        summary: change.summary().to_owned(),
        agent,
        session_id,
    }
}

/// `message` with git trailers (`Key: value` lines) appended: to its last paragraph when
/// that paragraph is already trailers, else as a new paragraph, as `git interpret-trailers`
/// does. Ends with a newline.
fn with_trailers(message: &str, trailers: &[(&str, &str)]) -> String {
    let mut text = message.trim_end().to_owned();
    let is_trailer = |line: &str| {
        line.split_once(": ").is_some_and(|(key, _)| {
            !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
    };
    let last_paragraph = text.rsplit("\n\n").next().unwrap_or("");
    let has_block = text.contains("\n\n") && last_paragraph.lines().all(is_trailer);
    text.push_str(if has_block { "\n" } else { "\n\n" });
    for (key, value) in trailers {
        text.push_str(&format!("{key}: {value}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::with_trailers;

    #[test]
    fn trailers_join_an_existing_trailer_block_or_start_one() {
        let t = [("Atomic-Session", "s-1"), ("Atomic-Agent", "x")];
        assert_eq!(
            with_trailers("Fix it\n", &t),
            "Fix it\n\nAtomic-Session: s-1\nAtomic-Agent: x\n"
        );
        assert_eq!(
            with_trailers("Fix it\n\nSigned-off-by: A <a@b>\n", &t),
            "Fix it\n\nSigned-off-by: A <a@b>\nAtomic-Session: s-1\nAtomic-Agent: x\n"
        );
        assert_eq!(
            with_trailers("Fix it\n\nBecause: of this, it broke.\nMore text", &t),
            "Fix it\n\nBecause: of this, it broke.\nMore text\n\nAtomic-Session: s-1\nAtomic-Agent: x\n"
        );
    }
}
