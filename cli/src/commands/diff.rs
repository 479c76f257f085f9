//! `atomic diff`.

use atomic_core::{FileMode, FileState, is_binary, unified_diff};
use atomic_repo::{Progress, Repo, StatusKind};
use atomic_semantic::SymbolChange;
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::Method;
use crate::error::CommandError;
use crate::ui::{Label, Ui};

/// Show the working tree's changes against HEAD as a unified diff
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only these paths (relative to the current directory, as git's pathspecs)
    pub paths: Vec<String>,
    /// Lines of context around each hunk
    #[arg(short = 'U', long, default_value_t = 3)]
    pub context: u32,
    /// List the symbols added, modified and deleted instead of the line diff
    #[arg(long)]
    pub symbols: bool,
}

/// One file's diff.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileDiff {
    pub path: String,
    pub kind: StatusKind,
    /// Mode and blob in HEAD.
    pub old: Option<FileState>,
    /// Mode and blob id in the working tree (the blob is not written).
    pub new: Option<FileState>,
    pub binary: bool,
    pub diff: String,
}

/// Renders `path`'s change from `old` to `new` contents in git's format, uncolored
/// (see [`Ui::paint_diff`]); returns whether either side is binary, and the text.
pub fn render(
    path: &str,
    from_path: &str,
    old: Option<(FileMode, &[u8])>,
    new: Option<(FileMode, &[u8])>,
    context: u32,
) -> (bool, String) {
    let mut out = String::new();
    out.push_str(&format!("diff --git a/{from_path} b/{path}\n"));
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
            out.push_str(line);
            out.push('\n');
        }
    }
    (binary, out)
}

/// One file's symbol changes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileSymbolChanges {
    /// The file.
    pub path: String,
    /// Its changed symbols.
    pub symbols: Vec<SymbolChange>,
}

/// Files and their changes, as `diff` and `show` print them.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Files<T> {
    /// One entry per file.
    pub files: Vec<T>,
}

/// Prints per-file symbol changes (for `diff --symbols` and `show --symbols`).
pub fn print_symbol_changes(ui: &Ui, changes: &Files<FileSymbolChanges>) {
    ui.emit(changes, |out| {
        for FileSymbolChanges { path, symbols } in &changes.files {
            out.push_str(&format!("{}\n", ui.paint(Label::Meta, path)));
            for c in symbols {
                let (mark, label) = match &c.change {
                    atomic_semantic::ChangeKind::Added => ("+", Label::Added),
                    atomic_semantic::ChangeKind::Deleted => ("-", Label::Removed),
                    _ => ("~", Label::Meta),
                };
                let what = &c.change;
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

fn under(path: &str, wanted: &[String]) -> bool {
    wanted.is_empty()
        || wanted.iter().any(|w| {
            let w = w.trim_end_matches('/');
            w.is_empty() || path == w || path.starts_with(&format!("{w}/"))
        })
}

/// `diff`: the working tree's changes against HEAD.
pub struct Diff;

/// What `diff` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// Only these paths, relative to the repository root (all when empty).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Lines of context.
    #[serde(default = "three")]
    pub context: u32,
}

fn three() -> u32 {
    3
}

impl Method for Diff {
    const NAME: &'static str = "diff";
    type Params = Params;
    type Output = Files<FileDiff>;

    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Files<FileDiff>, CommandError> {
        let status = repo.status()?;
        let mut files = Vec::new();
        for c in status.changes.iter().filter(|c| under(&c.path, &p.paths)) {
            let old = match &c.old {
                Some(s) => Some((s.mode, repo.blob(s)?)),
                None => None,
            };
            let new = match &c.new {
                Some(_) => repo.working_file(&c.path)?,
                None => None,
            };
            let (binary, diff) = render(
                &c.path,
                &c.path,
                old.as_ref().map(|(m, d)| (*m, d.as_slice())),
                new.as_ref().map(|(m, d)| (*m, d.as_slice())),
                p.context,
            );
            files.push(FileDiff {
                path: c.path.clone(),
                kind: c.kind,
                old: c.old,
                new: c.new,
                binary,
                diff,
            });
        }
        Ok(Files { files })
    }
}

/// `diff.symbols`: the symbols the working tree's changes add, modify and delete.
pub struct DiffSymbols;

impl Method for DiffSymbols {
    const NAME: &'static str = "diff.symbols";
    type Params = Params;
    type Output = Files<FileSymbolChanges>;

    fn run(
        repo: &Repo,
        p: Params,
        _: &dyn Progress,
    ) -> Result<Files<FileSymbolChanges>, CommandError> {
        let files = repo
            .working_symbol_changes()?
            .into_iter()
            .filter(|(path, _)| under(path, &p.paths))
            .map(|(path, symbols)| FileSymbolChanges { path, symbols })
            .collect();
        Ok(Files { files })
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let params = Params {
        paths: ctx.repo_paths(&args.paths)?,
        context: args.context,
    };
    if args.symbols {
        print_symbol_changes(ctx.ui, &ctx.call::<DiffSymbols>(params)?);
        return Ok(());
    }
    let diff = ctx.call::<Diff>(params)?;
    ctx.ui.emit(&diff, |out| {
        diff.files
            .iter()
            .for_each(|f| out.push_str(&ctx.ui.paint_diff(&f.diff)));
    });
    Ok(())
}
