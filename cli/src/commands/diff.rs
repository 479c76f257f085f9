//! `atomic diff`.

use atomic_core::{FileMode, FileState, is_binary, unified_diff};
use atomic_repo::{Repo, StatusKind};
use serde::Serialize;

use super::Context;
use crate::error::CommandError;
use crate::ui::{Label, Ui};

/// Show the working tree's changes against HEAD as a unified diff
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only these paths (relative to the repository root)
    pub paths: Vec<String>,
    /// Lines of context around each hunk
    #[arg(short = 'U', long, default_value_t = 3)]
    pub context: u32,
    /// List the symbols added, modified and deleted instead of the line diff
    #[arg(long)]
    pub symbols: bool,
}

/// One file's diff.
#[derive(Serialize)]
pub struct FileDiff {
    pub path: String,
    pub kind: StatusKind,
    pub old_mode: Option<FileMode>,
    pub new_mode: Option<FileMode>,
    pub binary: bool,
    pub diff: String,
}

/// Renders `path`'s change from `old` to `new` contents in git's format.
pub fn render(
    ui: &Ui,
    path: &str,
    from_path: &str,
    old: Option<(FileMode, &[u8])>,
    new: Option<(FileMode, &[u8])>,
    context: u32,
) -> (bool, String) {
    let mut out = String::new();
    out.push_str(&ui.paint(Label::Meta, &format!("diff --git a/{from_path} b/{path}")));
    out.push('\n');
    match (old, new) {
        (None, Some((m, _))) => out.push_str(&format!("new file mode {:o}\n", m.git_mode())),
        (Some((m, _)), None) => out.push_str(&format!("deleted file mode {:o}\n", m.git_mode())),
        (Some((a, _)), Some((b, _))) if a != b => {
            out.push_str(&format!(
                "old mode {:o}\nnew mode {:o}\n",
                a.git_mode(),
                b.git_mode()
            ));
        }
        _ => {}
    }
    if from_path != path {
        out.push_str(&format!("rename from {from_path}\nrename to {path}\n"));
    }
    let old_bytes = old.map_or(&[][..], |(_, d)| d);
    let new_bytes = new.map_or(&[][..], |(_, d)| d);
    let binary = is_binary(old_bytes) || is_binary(new_bytes);
    if binary {
        out.push_str(&format!("Binary files a/{from_path} and b/{path} differ\n"));
    } else if old_bytes != new_bytes {
        out.push_str(&format!(
            "--- {}\n+++ {}\n",
            if old.is_some() {
                format!("a/{from_path}")
            } else {
                "/dev/null".into()
            },
            if new.is_some() {
                format!("b/{path}")
            } else {
                "/dev/null".into()
            }
        ));
        for line in unified_diff(old_bytes, new_bytes, context).lines() {
            let label = match line.as_bytes().first() {
                Some(b'+') => Some(Label::Added),
                Some(b'-') => Some(Label::Removed),
                Some(b'@') => Some(Label::Meta),
                _ => None,
            };
            out.push_str(&label.map_or_else(|| line.to_owned(), |l| ui.paint(l, line)));
            out.push('\n');
        }
    }
    (binary, out)
}

fn working(
    repo: &Repo,
    path: &str,
    state: &Option<FileState>,
) -> Result<Option<(FileMode, Vec<u8>)>, CommandError> {
    let Some(state) = state else { return Ok(None) };
    let full = repo.root().join(path);
    let data = if state.mode == FileMode::Symlink {
        use std::os::unix::ffi::OsStrExt;
        std::fs::read_link(&full).map(|t| t.as_os_str().as_bytes().to_vec())
    } else if state.mode == FileMode::Submodule {
        Ok(Vec::new())
    } else {
        std::fs::read(&full)
    }
    .map_err(|e| {
        CommandError::user(
            format!("cannot read {path}: {e}"),
            "check the file's permissions",
        )
    })?;
    Ok(Some((state.mode, data)))
}

/// Prints per-file symbol changes (for `diff --symbols` and `show --symbols`).
pub fn print_symbol_changes(ui: &Ui, changes: &[(String, Vec<atomic_semantic::SymbolChange>)]) {
    let views: Vec<serde_json::Value> = changes
        .iter()
        .map(|(path, symbols)| serde_json::json!({ "path": path, "symbols": symbols }))
        .collect();
    ui.emit(&serde_json::json!({ "files": views }), |out| {
        for (path, symbols) in changes {
            out.push_str(&format!("{}\n", ui.paint(Label::Meta, path)));
            for c in symbols {
                let (mark, label, what) = match &c.change {
                    atomic_semantic::ChangeKind::Added => ("+", Label::Added, "added".to_owned()),
                    atomic_semantic::ChangeKind::Deleted => {
                        ("-", Label::Removed, "deleted".to_owned())
                    }
                    atomic_semantic::ChangeKind::Modified { signature, body } => (
                        "~",
                        Label::Meta,
                        match (signature, body) {
                            (true, true) => "signature and body modified",
                            (true, false) => "signature modified",
                            _ => "body modified",
                        }
                        .to_owned(),
                    ),
                    atomic_semantic::ChangeKind::Renamed { from } => {
                        ("~", Label::Meta, format!("renamed from {from}"))
                    }
                };
                out.push_str(&format!(
                    "  {} {:<9} {}  ({what})\n",
                    ui.paint(label, mark),
                    format!("{:?}", c.kind).to_lowercase(),
                    c.scoped_name
                ));
            }
        }
    });
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    if args.symbols {
        let mut changes = repo.working_symbol_changes()?;
        changes.retain(|(p, _)| {
            args.paths.is_empty()
                || args
                    .paths
                    .iter()
                    .any(|w| p == w || p.starts_with(&format!("{}/", w.trim_end_matches('/'))))
        });
        print_symbol_changes(ctx.ui, &changes);
        return Ok(());
    }
    let status = repo.status()?;
    let mut files = Vec::new();
    for c in status.changes.iter().filter(|c| {
        args.paths.is_empty()
            || args.paths.iter().any(|p| {
                c.path == *p || c.path.starts_with(&format!("{}/", p.trim_end_matches('/')))
            })
    }) {
        let old = match &c.old {
            Some(s) => Some((s.mode, repo.blob(s)?)),
            None => None,
        };
        let new = working(&repo, &c.path, &c.new)?;
        let (binary, diff) = render(
            ctx.ui,
            &c.path,
            &c.path,
            old.as_ref().map(|(m, d)| (*m, d.as_slice())),
            new.as_ref().map(|(m, d)| (*m, d.as_slice())),
            args.context,
        );
        files.push(FileDiff {
            path: c.path.clone(),
            kind: c.kind,
            old_mode: old.map(|o| o.0),
            new_mode: new.map(|n| n.0),
            binary,
            diff,
        });
    }
    ctx.ui.emit(&serde_json::json!({ "files": files }), |out| {
        files.iter().for_each(|f| out.push_str(&f.diff));
    });
    Ok(())
}
