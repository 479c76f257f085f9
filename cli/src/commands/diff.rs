//! `atomic diff`.

use atomic_core::{FileMode, FileState, is_binary, unified_diff};
use atomic_repo::{Progress, Repo, StatusKind};
use atomic_semantic::SymbolChange;
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::{Label, Ui};
use crate::views::{StatEntry, count_diff_lines, format_stat};

/// Show changes as a unified diff: the working tree against HEAD, or against REV, or
/// between two revisions
///
/// As git: `atomic diff` (working tree against HEAD), `atomic diff REV` (working tree
/// against REV), `atomic diff A B` or `atomic diff A..B` (between two revisions), each
/// followed by optional paths; `--` ends the revisions. An argument that is neither a
/// revision nor a path is an error.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Up to two revisions, then paths (relative to the current directory)
    #[arg(value_name = "REV_OR_PATH")]
    pub args: Vec<String>,
    /// Paths only, after `--`
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Lines of context around each hunk
    #[arg(short = 'U', long, default_value_t = 3)]
    pub context: u32,
    /// List the symbols added, modified and deleted instead of the line diff
    #[arg(long, conflicts_with_all = ["stat", "name_only"])]
    pub symbols: bool,
    /// A line per file with the lines added and removed, and a summary, as git's --stat
    #[arg(long, conflicts_with = "name_only")]
    pub stat: bool,
    /// Only the names of the files that differ
    #[arg(long)]
    pub name_only: bool,
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
    /// For a binary file: its size in bytes before and after (0 where absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_bytes: Option<[u64; 2]>,
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
    let old_bytes = old.map_or(&[][..], |(_, d)| d);
    let new_bytes = new.map_or(&[][..], |(_, d)| d);
    if from_path != path {
        // git scores a rename by its own similarity estimate; only an exact one is
        // certain to be 100%, and only that one is named here.
        if old_bytes == new_bytes {
            out.push_str("similarity index 100%\n");
        }
        out.push_str(&format!("rename from {from_path}\nrename to {path}\n"));
    }
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

/// Whether `path` falls under any of the pathspecs `wanted` (all paths when it is empty).
pub fn under(path: &str, wanted: &[String]) -> bool {
    wanted.is_empty()
        || wanted
            .iter()
            .any(|w| atomic_repo::pathspec_matches(w, path))
}

/// `diff`: the working tree's changes against HEAD.
pub struct Diff;

/// What `diff` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// Only these paths, relative to the repository root (all when empty).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Arguments before `--` that may be revisions: each as given and as a path relative
    /// to the repository root. Leading ones that name a revision and no path are taken as
    /// up to two revisions (or one `A..B`); the rest must be paths.
    #[serde(default)]
    pub revs_or_paths: Vec<(String, String)>,
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
}

impl Run for Diff {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Files<FileDiff>, CommandError> {
        let (revs, paths) = split_revisions(repo, &p)?;
        let (changes, to_tree) = match revs.as_slice() {
            [] => (repo.status()?.changes, false),
            [from] => (repo.compare(from, None)?, false),
            [from, to, ..] => (repo.compare(from, Some(to))?, true),
        };
        let mut files = Vec::new();
        for c in changes.iter().filter(|c| under(&c.path, &paths)) {
            let old = match &c.old {
                Some(s) => Some((s.mode, repo.blob(s)?)),
                None => None,
            };
            let new = match &c.new {
                Some(s) if to_tree => Some((s.mode, repo.blob(s)?)),
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
            let size = |side: &Option<(FileMode, Vec<u8>)>| side.as_ref().map_or(0, |s| s.1.len());
            files.push(FileDiff {
                path: c.path.clone(),
                kind: c.kind,
                old: c.old,
                new: c.new,
                binary,
                binary_bytes: binary.then(|| [size(&old) as u64, size(&new) as u64]),
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
}

impl Run for DiffSymbols {
    fn run(
        repo: &Repo,
        p: Params,
        _: &dyn Progress,
    ) -> Result<Files<FileSymbolChanges>, CommandError> {
        let (revs, paths) = split_revisions(repo, &p)?;
        if !revs.is_empty() {
            return Err(CommandError::user(
                "diff --symbols compares the working tree with HEAD only",
                "for the symbols a change touched, use `atomic show --symbols REV`",
            ));
        }
        let files = repo
            .working_symbol_changes()?
            .into_iter()
            .filter(|(path, _)| under(path, &paths))
            .map(|(path, symbols)| FileSymbolChanges { path, symbols })
            .collect();
        Ok(Files { files })
    }
}

/// Splits `p.revs_or_paths` as git does: leading revisions (that name no path), then
/// paths. Returns the revisions and every path.
fn split_revisions(repo: &Repo, p: &Params) -> Result<(Vec<String>, Vec<String>), CommandError> {
    let head = repo.head_files()?;
    let is_path = |path: &str| {
        path.is_empty()
            || repo.root().join(path).exists()
            || head.keys().any(|k| under(k, &[path.to_owned()]))
    };
    let mut revs = Vec::new();
    let mut rest = p.revs_or_paths.iter().peekable();
    while revs.len() < 2
        && let Some((raw, path)) = rest.peek()
    {
        if let Some((a, b)) = raw.split_once("..")
            && revs.is_empty()
        {
            let side = |r: &str| if r.is_empty() { "HEAD" } else { r }.to_owned();
            revs = vec![side(a), side(b)];
            rest.next();
            break;
        }
        if is_path(path) || repo.resolve(raw).is_err() {
            break;
        }
        revs.push(raw.clone());
        rest.next();
    }
    let mut paths = Vec::new();
    for (raw, path) in rest {
        if !is_path(path) {
            return Err(CommandError::new(
                "bad_revision_or_path",
                format!(
                    "ambiguous argument '{raw}': unknown revision or path not in the working tree"
                ),
                "separate paths from revisions with `--`, as in `atomic diff REV -- PATH`",
            ));
        }
        paths.push(path.clone());
    }
    paths.extend(p.paths.iter().cloned());
    for rev in &revs {
        repo.resolve(rev)?;
    }
    Ok((revs, paths))
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let as_paths = ctx.repo_paths(&args.args)?;
    let params = Params {
        paths: ctx.repo_paths(&args.paths)?,
        revs_or_paths: args.args.into_iter().zip(as_paths).collect(),
        context: args.context,
    };
    if args.symbols {
        print_symbol_changes(ctx.ui, &ctx.call::<DiffSymbols>(params)?);
        return Ok(());
    }
    let diff = ctx.call::<Diff>(params)?;
    ctx.ui.emit(&diff, |out| {
        if args.name_only {
            diff.files
                .iter()
                .for_each(|f| out.push_str(&format!("{}\n", f.path)));
        } else if args.stat {
            if !diff.files.is_empty() {
                let files: Vec<StatEntry> = diff
                    .files
                    .iter()
                    .map(|f| {
                        let (added, removed) = count_diff_lines(&f.diff);
                        StatEntry {
                            path: f.path.clone(),
                            added,
                            removed,
                            binary_bytes: f.binary_bytes,
                        }
                    })
                    .collect();
                out.push_str(&format_stat(&files, ctx.ui.columns()));
            }
        } else {
            diff.files
                .iter()
                .for_each(|f| out.push_str(&ctx.ui.paint_diff(&f.diff)));
        }
    });
    Ok(())
}
