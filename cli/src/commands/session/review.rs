//! `session diff` and `session status`.

use atomic_repo::Comment;
use atomic_repo::{Progress, Repo, SessionStatus, StatusKind};
use atomic_semantic::SymbolChange;
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::super::diff::{Files, render};
use super::Auth;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;

/// One file of a session's diff.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionFileDiff {
    /// The path.
    pub path: String,
    /// `added`, `modified` or `deleted`.
    pub kind: StatusKind,
    /// Its mode and blob in the base, if there.
    pub old: Option<atomic_core::FileState>,
    /// Its mode and blob in the session, if there (the blob is not written).
    pub new: Option<atomic_core::FileState>,
    /// The symbols changed.
    pub symbols: Vec<SymbolChange>,
    /// The unified diff, uncolored.
    pub diff: String,
}

/// `session.diff`: what the session changed against its base, by lines and symbols.
pub struct Diff;

impl Method for Diff {
    const NAME: &'static str = "session.diff";
    const SYNC: bool = false;
    type Params = Auth;
    type Output = Files<SessionFileDiff>;
}

impl Run for Diff {
    fn run(repo: &Repo, p: Auth, _: &dyn Progress) -> Result<Files<SessionFileDiff>, CommandError> {
        let files = repo
            .session_diff(&p.session_id, &p.token)?
            .into_iter()
            .map(|d| {
                let (_, diff) = render(
                    &d.path,
                    &d.path,
                    d.old.as_ref().map(|(m, b)| (*m, b.as_slice())),
                    d.new.as_ref().map(|(m, b)| (*m, b.as_slice())),
                    3,
                );
                SessionFileDiff {
                    kind: match (&d.old, &d.new) {
                        (None, _) => StatusKind::Added,
                        (_, None) => StatusKind::Deleted,
                        _ => StatusKind::Modified,
                    },
                    old: atomic_repo::file_state(&d.old),
                    new: atomic_repo::file_state(&d.new),
                    path: d.path,
                    symbols: d.symbols,
                    diff,
                }
            })
            .collect();
        Ok(Files { files })
    }
}

/// `session.status`: where the session stands.
pub struct Status;

impl Method for Status {
    const NAME: &'static str = "session.status";
    type Params = Auth;
    type Output = SessionStatus;
}

impl Run for Status {
    fn run(repo: &Repo, p: Auth, _: &dyn Progress) -> Result<SessionStatus, CommandError> {
        Ok(repo.session_status(&p.session_id, &p.token)?)
    }
}

/// What `session.comment` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct CommentParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The file, relative to the repository root.
    pub path: String,
    /// The line in the session's version of the file, from 1.
    pub line: u32,
    /// The comment.
    pub text: String,
    /// Who comments (default: git's `user.name`, else `reviewer`).
    #[serde(default)]
    pub author: Option<String>,
}

/// `session.comment`: a review comment on a line of the session's diff.
pub struct AddComment;

impl Method for AddComment {
    const NAME: &'static str = "session.comment";
    const SYNC: bool = false;
    type Params = CommentParams;
    type Output = Comment;
}

impl Run for AddComment {
    fn run(repo: &Repo, p: CommentParams, _: &dyn Progress) -> Result<Comment, CommandError> {
        let author = match p.author {
            Some(a) => a,
            None => repo
                .identity()
                .map_or_else(|_| "reviewer".to_owned(), |s| s.name),
        };
        Ok(repo.session_comment(
            &p.auth.session_id,
            &p.auth.token,
            &p.path,
            p.line,
            &p.text,
            &author,
        )?)
    }
}

pub fn comment(ctx: &Context<'_>, params: CommentParams) -> Result<(), CommandError> {
    let c = ctx.call::<AddComment>(params)?;
    ctx.ui.emit(&c, |out| {
        out.push_str(&format!(
            "Commented on {}:{} as {}\n",
            c.path, c.line, c.author
        ));
    });
    Ok(())
}

pub fn diff(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    let diff = ctx.call::<Diff>(auth)?;
    ctx.ui.emit(&diff, |out| {
        diff.files
            .iter()
            .for_each(|f| out.push_str(&ctx.ui.paint_diff(&f.diff)));
    });
    Ok(())
}

pub fn status(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    let st = ctx.call::<Status>(auth)?;
    ctx.ui.emit(&st, |out| {
        let s = &st;
        out.push_str(&format!(
            "Session {} ({}) on {}, base {}{}\n",
            ctx.ui.paint(Label::Id, &s.session_id),
            s.agent,
            ctx.ui
                .paint(Label::Ref, atomic_repo::short_branch(&s.branch)),
            s.base_commit.short(),
            if s.ended {
                " (submitted: ended)"
            } else if st.branch_moved {
                "; the branch has moved since (submit merges)"
            } else {
                ""
            }
        ));
        if let Some(intent) = &s.intent {
            out.push_str(&format!("  intent: {intent}\n"));
        }
        if st.files.is_empty() && !s.ended {
            out.push_str("no changes\n");
        }
        for f in &st.files {
            let (mark, label) = match f.kind {
                StatusKind::Added => ("A", Label::Added),
                StatusKind::Modified => ("M", Label::Meta),
                StatusKind::Deleted => ("D", Label::Removed),
            };
            out.push_str(&format!("{} {}\n", ctx.ui.paint(label, mark), f.path));
            for sym in &f.symbols {
                out.push_str(&format!("    {} ({})\n", sym.scoped_name, sym.change));
            }
        }
        for w in &st.conflict_warnings {
            out.push_str(&format!(
                "  warning: {} ({}) also changed {} in {}\n",
                w.session_id, w.agent, w.symbol, w.path
            ));
        }
        if let Some(block) = &st.conflicts {
            out.push_str(&format!("A submit now would conflict: {}\n", block.message));
        }
        for c in &st.comments {
            out.push_str(&format!(
                "  comment by {} on {}:{}: {}\n",
                c.author, c.path, c.line, c.text
            ));
        }
    });
    Ok(())
}
