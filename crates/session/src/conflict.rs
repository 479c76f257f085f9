//! The structured answer to a submit that cannot merge: a conflict block.

use atomic_merge::{Action, Side, TreeConflict, TreeConflictKind};
use serde::{Deserialize, Serialize};

/// How `session resolve` settles the conflicts of a submit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResolveAction {
    /// Rebase onto the branch, keeping conflict markers in the files for the agent to fix.
    Proceed,
    /// The session's side of the conflicts.
    KeepYours,
    /// The branch's side of the conflicts.
    KeepTheirs,
    /// Given content for the file of the conflict.
    Manual,
}

impl ResolveAction {
    /// Every action, in the order a conflict block lists them.
    pub const ALL: [ResolveAction; 4] = [
        ResolveAction::Proceed,
        ResolveAction::KeepYours,
        ResolveAction::KeepTheirs,
        ResolveAction::Manual,
    ];
}

/// A change on the branch, as a conflict block names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeRef {
    /// The change, hex.
    pub change_id: String,
    /// Its git commit, hex.
    pub commit: String,
    /// The first line of its message.
    pub summary: String,
    /// The agent whose session submitted it, if one did.
    pub agent: Option<String>,
    /// That session, if one did.
    pub session_id: Option<String>,
}

/// One side's change to a conflicting symbol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SideChange {
    /// For people: what the side did.
    pub description: String,
    /// What the side did.
    pub change_type: Action,
    /// The change on the branch that last touched the symbol, else the file (their
    /// side only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<ChangeRef>,
}

/// One symbol in conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConflictingSymbol {
    /// Scoped name, or the path for a conflict outside any symbol.
    pub symbol: String,
    /// The file.
    pub path: String,
    /// Why it conflicts, for people.
    pub reason: String,
    /// The text in the session's base, if it existed there.
    pub base: Option<String>,
    /// The session's text, if it has one.
    pub yours: Option<String>,
    /// The branch's text, if it has one.
    pub theirs: Option<String>,
    /// What the branch did since the session's base.
    pub their_change: SideChange,
    /// What the session did.
    pub your_change: SideChange,
}

/// What `session submit` returns when it cannot merge: the session stays as it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConflictBlock {
    /// The symbols in conflict.
    pub conflicting_symbols: Vec<ConflictingSymbol>,
    /// For people.
    pub message: String,
    /// What `session resolve --action` accepts.
    pub actions: Vec<ResolveAction>,
}

fn describe(action: Action) -> &'static str {
    match action {
        Action::Modified => "modified it",
        Action::Deleted => "deleted it",
        Action::Added => "added it",
        Action::AddedDependency => "added a call to it",
        Action::Unchanged => "left it as it was",
    }
}

impl ConflictBlock {
    /// Builds the block for a tree merge's `conflicts` (ours: the session, theirs: the
    /// branch); `by(path, symbol)` names the branch change that last touched the symbol
    /// of the path (with no symbol, the path).
    pub fn new(
        conflicts: &[TreeConflict],
        by: &dyn Fn(&str, Option<&str>) -> Option<ChangeRef>,
    ) -> Self {
        let mut symbols = Vec::new();
        for c in conflicts {
            let (yours, theirs) = c.actions();
            let side = |action: Action, whose: &str, by: Option<ChangeRef>| SideChange {
                description: format!("{whose} {}", describe(action)),
                change_type: action,
                by,
            };
            let file_by = || by(&c.path, None);
            match &c.kind {
                TreeConflictKind::Content { conflicts } => {
                    for inner in conflicts {
                        let by = by(&c.path, inner.symbol.as_deref());
                        symbols.push(ConflictingSymbol {
                            symbol: inner.symbol.clone().unwrap_or_else(|| c.path.clone()),
                            path: c.path.clone(),
                            reason: inner.reason.clone(),
                            base: inner.base.clone(),
                            yours: inner.ours.clone(),
                            theirs: inner.theirs.clone(),
                            their_change: side(inner.theirs_action, "the branch", by),
                            your_change: side(inner.ours_action, "this session", None),
                        });
                    }
                }
                TreeConflictKind::ModifiedDeleted { deleted_by } => {
                    symbols.push(ConflictingSymbol {
                        symbol: c.path.clone(),
                        path: c.path.clone(),
                        reason: match deleted_by {
                            Side::Ours => "this session deleted the file, the branch changed it",
                            Side::Theirs => "the branch deleted the file, this session changed it",
                        }
                        .into(),
                        base: None,
                        yours: None,
                        theirs: None,
                        their_change: side(theirs, "the branch", file_by()),
                        your_change: side(yours, "this session", None),
                    });
                }
                TreeConflictKind::NotText => symbols.push(ConflictingSymbol {
                    symbol: c.path.clone(),
                    path: c.path.clone(),
                    reason:
                        "both changed a file with no text to merge (binary, symlink or submodule)"
                            .into(),
                    base: None,
                    yours: None,
                    theirs: None,
                    their_change: side(theirs, "the branch", file_by()),
                    your_change: side(yours, "this session", None),
                }),
                TreeConflictKind::PathClash { clash, .. } => symbols.push(ConflictingSymbol {
                    symbol: c.path.clone(),
                    path: c.path.clone(),
                    reason: if *clash == c.path {
                        format!("this session writes a file at {clash}, a directory on the branch")
                    } else {
                        format!(
                            "this session writes {} under {clash}, a file on the branch",
                            c.path
                        )
                    },
                    base: None,
                    yours: None,
                    theirs: None,
                    their_change: side(theirs, "the branch", file_by()),
                    your_change: side(yours, "this session", None),
                }),
                TreeConflictKind::Dependency(d) => {
                    let (deleter, caller) = match d.deleted_by {
                        Side::Ours => ("this session", "the branch"),
                        Side::Theirs => ("the branch", "this session"),
                    };
                    let (yours_text, theirs_text) = match d.deleted_by {
                        Side::Ours => (
                            format!("this session deleted {}", d.name),
                            format!("the branch added a call to {} in {}", d.name, d.called_in),
                        ),
                        Side::Theirs => (
                            format!("this session added a call to {} in {}", d.name, d.called_in),
                            format!("the branch deleted {}", d.name),
                        ),
                    };
                    symbols.push(ConflictingSymbol {
                        symbol: d.name.clone(),
                        path: c.path.clone(),
                        reason: format!(
                            "{deleter} deleted {}, {caller} added a call to it in {}",
                            d.name, d.called_in
                        ),
                        base: None,
                        yours: None,
                        theirs: None,
                        their_change: SideChange {
                            description: theirs_text,
                            change_type: theirs,
                            by: by(&c.path, Some(&d.name)),
                        },
                        your_change: SideChange {
                            description: yours_text,
                            change_type: yours,
                            by: None,
                        },
                    });
                }
            }
        }
        let message = format!(
            "{} symbol(s) changed both in this session and on the branch since its base; nothing was submitted and the session is unchanged",
            symbols.len()
        );
        ConflictBlock {
            conflicting_symbols: symbols,
            message,
            actions: ResolveAction::ALL.to_vec(),
        }
    }
}
