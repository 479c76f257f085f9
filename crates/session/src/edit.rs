//! The edits agents make most, each all or nothing: replacing one exact, unique piece of
//! text in a file ([`Sessions::edit`], what Claude Code's Edit tool does), and applying a
//! unified diff to several files ([`Sessions::apply_patch`], `git apply` for a session).

use std::collections::BTreeSet;

use atomic_core::FileMode;
use diffy::patch_set::{FileOperation, ParseOptions, PatchKind, PatchSet};
use serde::{Deserialize, Serialize};

use crate::{Result, Session, SessionError, Sessions, WriteResult};

/// What a patch did to one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Applied {
    /// The file was written (created, changed, or the new name of a rename).
    Written(WriteResult),
    /// The file was removed (deleted, or the old name of a rename).
    Removed {
        /// The path.
        path: String,
    },
}

impl Sessions<'_> {
    /// Replaces the one occurrence of `old` in text file `path` with `new`, keeping the
    /// file's mode; a write like [`Sessions::write`] otherwise.
    ///
    /// # Errors
    /// [`SessionError::EditNotFound`] when `old` is not in the file,
    /// [`SessionError::EditNotUnique`] when it is there more than once (give more context
    /// to make it unique), [`SessionError::BadEdit`] for an empty `old`, `new` equal to
    /// `old`, or a file that is not UTF-8; [`SessionError::NoSuchPath`]. Nothing is written
    /// on error.
    pub fn edit(&self, session: &Session, path: &str, old: &str, new: &str) -> Result<WriteResult> {
        let bad = |reason| SessionError::BadEdit {
            path: path.to_owned(),
            reason,
        };
        if old.is_empty() {
            return Err(bad("the text to replace is empty"));
        }
        if old == new {
            return Err(bad("the new text is the same as the old"));
        }
        let (mode, bytes) = self.read(session, path)?;
        if mode == FileMode::Symlink {
            return Err(bad("it is a symbolic link"));
        }
        let text = String::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text"))?;
        match text.matches(old).count() {
            0 => Err(SessionError::EditNotFound {
                path: path.to_owned(),
            }),
            1 => self.write(
                session,
                path,
                Some(mode),
                text.replacen(old, new, 1).as_bytes(),
            ),
            count => Err(SessionError::EditNotUnique {
                path: path.to_owned(),
                count,
            }),
        }
    }

    /// Applies `patch`, a unified diff of one or more files (`git diff` or `diff -u`
    /// output; paths with git's `a/` and `b/` prefixes or without), to the session: every
    /// file is patched in memory first, then all are written in one transaction. Hunks
    /// are found by their lines, near where their header says (as `patch` does, without
    /// fuzz). Returns what happened to each file, in the patch's order.
    ///
    /// # Errors
    /// [`SessionError::BadPatch`] when it does not parse, names a file twice, or holds a
    /// binary patch; [`SessionError::PatchDoesNotApply`] naming the file and hunk;
    /// [`SessionError::NoSuchPath`] for a change to a missing file; path errors as for a
    /// write. Nothing is written on error.
    pub fn apply_patch(&self, session: &Session, patch: &str) -> Result<Vec<Applied>> {
        // `git diff` output starts each file with `diff --git`; `diff -u` output (and most
        // patches agents write by hand) has only the `---`/`+++` headers.
        let git = patch.lines().any(|l| l.starts_with("diff --git "));
        let options = if git {
            ParseOptions::gitdiff()
        } else {
            ParseOptions::unidiff()
        };
        let files: Vec<_> = PatchSet::parse(patch, options)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| bad_patch(e.to_string()))?;
        if files.is_empty() {
            return Err(bad_patch("it holds no file changes".into()));
        }
        // Every file's new contents first; nothing is staged until all apply.
        let mut seen = BTreeSet::new();
        let plan = files
            .iter()
            .map(|file| self.plan_file(session, file, &mut seen))
            .collect::<Result<Vec<_>>>()?;
        let mut batch = self.store.batch();
        let mut applied = Vec::new();
        let mut claims = Vec::new();
        for Step { removed, written } in plan {
            if let Some(path) = removed {
                self.stage_rm(&mut batch, session, &path)?;
                applied.push(Applied::Removed { path });
            }
            if let Some(NewFile {
                path,
                contents,
                mode,
            }) = written
            {
                let (result, claimed) =
                    self.stage_write(&mut batch, session, &path, mode, &contents)?;
                claims.push((applied.len(), claimed));
                applied.push(Applied::Written(result));
            }
        }
        self.stage_active(&mut batch, session);
        self.store.write(batch)?;
        for (at, claimed) in claims {
            if let Applied::Written(w) = &mut applied[at] {
                w.conflict_warnings = self.warnings(session, &w.path, &claimed)?;
            }
        }
        Ok(applied)
    }
}

/// What applying one file's patch does: a path removed, a file written, or both (a rename).
struct Step {
    removed: Option<String>,
    written: Option<NewFile>,
}

/// A file's patched contents.
struct NewFile {
    path: String,
    contents: Vec<u8>,
    mode: Option<FileMode>,
}

fn bad_patch(reason: String) -> SessionError {
    SessionError::BadPatch { reason }
}

/// A path of a patch without git's `a/` or `b/` prefix.
fn strip_prefix(path: &str) -> String {
    path.strip_prefix("a/")
        .or_else(|| path.strip_prefix("b/"))
        .unwrap_or(path)
        .to_owned()
}

impl Sessions<'_> {
    /// Patches one file of a patch in memory; `seen` holds the paths earlier files named.
    fn plan_file(
        &self,
        session: &Session,
        file: &diffy::patch_set::FilePatch<'_, str>,
        seen: &mut BTreeSet<String>,
    ) -> Result<Step> {
        let (from, to) = match file.operation() {
            FileOperation::Create(p) => (None, Some(strip_prefix(p))),
            FileOperation::Delete(p) => (Some(strip_prefix(p)), None),
            FileOperation::Modify { original, modified } => {
                // `diff -u old new` names two files: patch the one the session has.
                let (original, modified) = (strip_prefix(original), strip_prefix(modified));
                let path = if self.read(session, &modified).is_ok() {
                    modified
                } else {
                    original
                };
                (Some(path.clone()), Some(path))
            }
            FileOperation::Rename { from, to } | FileOperation::Copy { from, to } => {
                (Some(strip_prefix(from)), Some(strip_prefix(to)))
            }
        };
        let named: BTreeSet<&String> = from.iter().chain(to.iter()).collect();
        for p in named {
            if !seen.insert(p.clone()) {
                return Err(bad_patch(format!("it changes `{p}` twice")));
            }
        }
        let target = to.clone().or_else(|| from.clone()).unwrap_or_default();
        let PatchKind::Text(text_patch) = file.patch() else {
            return Err(bad_patch(format!(
                "the change to `{target}` is binary; write the file instead"
            )));
        };
        let (old_mode, base) = match &from {
            Some(p) => {
                let (mode, bytes) = self.read(session, p)?;
                let text = String::from_utf8(bytes).map_err(|_| SessionError::BadEdit {
                    path: p.clone(),
                    reason: "it is not UTF-8 text",
                })?;
                (Some(mode), text)
            }
            None => (None, String::new()),
        };
        let patched = diffy::apply(&base, text_patch).map_err(|e| {
            // diffy's error holds the hunk's number only in its message: "... hunk #N".
            let hunk = e
                .to_string()
                .rsplit('#')
                .next()
                .and_then(|n| n.parse().ok());
            SessionError::PatchDoesNotApply {
                path: target.clone(),
                hunk: hunk.unwrap_or(0),
            }
        })?;
        // A mode the patch gives, or the old file's (a rename keeps `chmod +x`).
        let mode = match file.new_mode() {
            Some(diffy::patch_set::FileMode::Regular) => Some(FileMode::Blob),
            Some(diffy::patch_set::FileMode::Executable) => Some(FileMode::Executable),
            Some(diffy::patch_set::FileMode::Symlink) => Some(FileMode::Symlink),
            Some(diffy::patch_set::FileMode::Gitlink) | None => old_mode,
        };
        let copy = matches!(file.operation(), FileOperation::Copy { .. });
        let removed = match (&from, &to) {
            (Some(f), Some(t)) if f != t && !copy => Some(f.clone()),
            (Some(f), None) => Some(f.clone()),
            _ => None,
        };
        Ok(Step {
            removed,
            written: to.map(|path| NewFile {
                path,
                contents: patched.into_bytes(),
                mode,
            }),
        })
    }
}
