//! `atomic log`.

use std::collections::{HashMap, HashSet};

use atomic_core::{Change, ChangeId, FileKind, FileState};
use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use super::diff::under;
use super::show::file_diffs;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::graph::Rows;
use crate::ui::Label;
use crate::views::{
    ChangeView, DateStyle, StatEntry, format_date, format_stat, now_seconds, rename_name, short,
};

/// Show changes, newest first, from HEAD (or the given revisions)
///
/// As git: `A..B` shows what B has and A lacks, `^A` leaves out what A reaches, paths
/// after `--` keep the changes that touched them, `-p` adds each change's diff (none for
/// merges, as git), `--stat` a line per file, `--graph` draws the history beside it as git
/// does (in graph order: children before parents, a branch's changes together).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Start from these revisions (default: HEAD); `A..B` and `^A` as git takes them
    pub revisions: Vec<String>,
    /// Only changes that touched these paths (relative to the current directory)
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Start from every branch, tag and remote branch
    #[arg(long)]
    pub all: bool,
    /// Show at most this many changes
    #[arg(short = 'n', long)]
    pub limit: Option<usize>,
    /// One line per change
    #[arg(long)]
    pub oneline: bool,
    /// Only changes whose author ("Name <email>") contains this text
    #[arg(long)]
    pub author: Option<String>,
    /// Oldest first (after -n, as git)
    #[arg(long, conflicts_with = "graph")]
    pub reverse: bool,
    /// Draw the history as a text graph beside the changes, as git's --graph
    #[arg(long)]
    pub graph: bool,
    /// Show each change's diff
    #[arg(short = 'p', long = "patch")]
    pub patch: bool,
    /// Show the files each change touched, with lines added and removed
    #[arg(long)]
    pub stat: bool,
    /// Lines of context around each hunk (with -p)
    #[arg(short = 'U', long, default_value_t = 3)]
    pub context: u32,
    /// How dates are shown, as git's --date
    #[arg(long, value_enum, default_value_t = DateStyle::Default, value_name = "FORMAT")]
    pub date: DateStyle,
}

/// `log`: changes reachable from revisions, newest first.
pub struct Log;

/// What `log` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// Start from these revisions (HEAD when empty and `all` is false); `A..B` and `^A`.
    #[serde(default)]
    pub revisions: Vec<String>,
    /// Start from every ref.
    #[serde(default)]
    pub all: bool,
    /// At most this many.
    pub limit: Option<usize>,
    /// Only changes touching these repository-relative paths (all when empty).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Only changes whose `Name <email>` contains this.
    #[serde(default)]
    pub author: Option<String>,
    /// Oldest first.
    #[serde(default)]
    pub reverse: bool,
    /// With each file's diff, this many lines of context (`None`: no diffs).
    #[serde(default)]
    pub patch_context: Option<u32>,
    /// Graph order (children before parents, as `git log --graph`) and `graph_parents`.
    #[serde(default)]
    pub graph: bool,
    /// For `--stat`: each binary file's sizes (`binary_bytes`), which cost reading it.
    #[serde(default)]
    pub stat: bool,
}

impl Method for Log {
    const NAME: &'static str = "log";
    type Params = Params;
    type Output = Vec<ChangeView>;
}

impl Run for Log {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Vec<ChangeView>, CommandError> {
        let mut starts = Vec::new();
        let mut excluded_starts = Vec::new();
        if p.all {
            for commit in repo.branch_tips()? {
                starts.push(repo.change_of_commit(commit)?);
            }
        }
        for rev in &p.revisions {
            if let Some((a, b)) = rev.split_once("..") {
                let side = |r: &str| if r.is_empty() { "HEAD" } else { r }.to_owned();
                excluded_starts.push(repo.resolve(&side(a))?);
                starts.push(repo.resolve(&side(b))?);
            } else if let Some(a) = rev.strip_prefix('^') {
                excluded_starts.push(repo.resolve(a)?);
            } else {
                starts.push(repo.resolve(rev)?);
            }
        }
        if starts.is_empty()
            && !p.all
            && let Some(head) = repo.head_commit()?
        {
            starts.push(repo.change_of_commit(head)?);
        }
        let excluded: HashSet<ChangeId> = if excluded_starts.is_empty() {
            HashSet::new()
        } else {
            repo.log(&excluded_starts, None)?
                .iter()
                .map(|c| c.id)
                .collect()
        };
        let touches = |c: &Change| {
            p.paths.is_empty()
                || c.files.iter().any(|f| {
                    let from = match &f.kind {
                        FileKind::Renamed { from } => Some(from.as_str()),
                        _ => None,
                    };
                    std::iter::once(f.path.as_str())
                        .chain(from)
                        .any(|path| under(path, &p.paths))
                })
        };
        let by = |c: &Change| {
            p.author.as_ref().is_none_or(|a| {
                format!("{} <{}>", c.author.name, c.author.email).contains(a.as_str())
            })
        };
        // Only an unfiltered walk in date order may stop after `limit` changes.
        let filtered = p.graph || !p.paths.is_empty() || p.author.is_some();
        let walk_limit = p.limit.filter(|_| !filtered && excluded.is_empty());
        // git's default history simplification with paths: a merge that has some parent's
        // version of the paths is not shown, and the walk goes on through the first such
        // parent only.
        let mut follows_one: HashMap<ChangeId, ChangeId> = HashMap::new();
        let mut walked: Vec<Change> = repo.log_following(&starts, walk_limit, |c| {
            if p.paths.is_empty() || c.parents.len() < 2 {
                return Ok(c.parents.clone());
            }
            for (i, parent) in c.parents.iter().enumerate() {
                let same = if i == 0 {
                    !touches(c)
                } else {
                    let from = repo.change(parent)?.git_commit.to_hex();
                    let changed = repo.compare(&from, Some(&c.git_commit.to_hex()))?;
                    !changed.iter().any(|e| under(&e.path, &p.paths))
                };
                if same {
                    follows_one.insert(c.id, *parent);
                    return Ok(vec![*parent]);
                }
            }
            Ok(c.parents.clone())
        })?;
        let kept_by_paths = |c: &Change| {
            if c.parents.len() > 1 && !p.paths.is_empty() {
                !follows_one.contains_key(&c.id)
            } else {
                touches(c)
            }
        };
        let kept = |c: &Change| kept_by_paths(c) && by(c);
        walked.retain(|c| !excluded.contains(&c.id));
        if p.graph {
            walked = graph_order(walked, |c| {
                follows_one
                    .get(&c.id)
                    .map_or_else(|| c.parents.clone(), |p| vec![*p])
            });
        }
        let walked_by_id: HashMap<ChangeId, &Change> = walked.iter().map(|c| (c.id, c)).collect();
        let mut shown = Vec::new();
        for change in &walked {
            if p.limit.is_some_and(|n| shown.len() >= n) {
                break;
            }
            if !kept(change) {
                continue;
            }
            let mut view = match p.patch_context {
                // As git: no diff for a merge.
                Some(context) if change.parents.len() < 2 => {
                    ChangeView::new(change, file_diffs(repo, change, context)?)
                }
                _ => ChangeView::summary(change),
            };
            for f in view.files.iter_mut().filter(|f| f.binary && p.stat) {
                f.binary_bytes = Some(binary_bytes(repo, f.old.as_ref(), f.new.as_ref())?);
            }
            if p.graph {
                // As git: a parent the paths leave out gives way to its nearest ancestor
                // they keep (through first parents, or a merge's followed parent); one
                // --author leaves out is not drawn.
                let mut parents = Vec::new();
                let parents_walked = follows_one
                    .get(&change.id)
                    .map_or(change.parents.clone(), |p| vec![*p]);
                for parent in &parents_walked {
                    let mut at = walked_by_id.get(parent).copied();
                    while let Some(c) = at.filter(|c| !kept_by_paths(c)) {
                        let next = follows_one.get(&c.id).or(c.parents.first());
                        at = next.and_then(|p| walked_by_id.get(p).copied());
                    }
                    if let Some(c) = at.filter(|c| by(c)) {
                        let id = c.id.to_hex();
                        if !parents.contains(&id) {
                            parents.push(id);
                        }
                    }
                }
                view.graph_parents = Some(parents);
            }
            shown.push(view);
        }
        if p.reverse {
            shown.reverse();
        }
        Ok(shown)
    }
}

/// `changes` (newest first by committer date, as [`Repo::log`] gives them) in git's graph
/// order: a change after all of its children, the tips in date order, and after a change
/// the last of its parents that has no other child left first, so that a branch merged
/// in is shown right after its merge (git's `sort_in_topological_order` with
/// `REV_SORT_IN_GRAPH_ORDER`: a stack of the changes whose children are all shown).
/// `parents_of` gives the parents the walk followed.
fn graph_order(changes: Vec<Change>, parents_of: impl Fn(&Change) -> Vec<ChangeId>) -> Vec<Change> {
    let index: HashMap<ChangeId, usize> =
        changes.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut children = vec![0usize; changes.len()];
    let parents: Vec<Vec<ChangeId>> = changes.iter().map(parents_of).collect();
    for ps in &parents {
        for p in ps {
            if let Some(&j) = index.get(p) {
                children[j] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..changes.len()).filter(|&i| children[i] == 0).collect();
    ready.reverse();
    let mut order = Vec::with_capacity(changes.len());
    while let Some(i) = ready.pop() {
        for p in &parents[i] {
            if let Some(&j) = index.get(p) {
                children[j] -= 1;
                if children[j] == 0 {
                    ready.push(j);
                }
            }
        }
        order.push(i);
    }
    let mut slots: Vec<Option<Change>> = changes.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let changes = ctx.call::<Log>(Params {
        revisions: args.revisions,
        all: args.all,
        limit: args.limit,
        paths: ctx.repo_paths(&args.paths)?,
        author: args.author,
        reverse: args.reverse,
        patch_context: args.patch.then_some(args.context),
        graph: args.graph,
        stat: args.stat,
    })?;
    let now = now_seconds();
    ctx.ui.emit(&changes, |out| {
        // git's layout, with or without a graph: a blank line between changes, the
        // message, then (after a blank line, or `---` when both) the stat and the diffs;
        // with a graph, every line after a change's first starts with the graph's row.
        let mut graph = Rows::new(args.graph);
        for (k, c) in changes.iter().enumerate() {
            graph.update(&c.change_id, c.graph_parents.clone().unwrap_or_default());
            let summary = atomic_core::subject(&c.message);
            if args.oneline {
                out.push_str(&graph.commit_rows());
                out.push_str(&format!(
                    "{} {} {summary}",
                    ctx.ui.paint(Label::Id, short(&c.change_id)),
                    ctx.ui.paint(Label::Id, short(&c.commit)),
                ));
                graph.message(out, "");
                out.push('\n');
            } else {
                if k > 0 {
                    out.push_str(&graph.padding());
                    out.push('\n');
                }
                out.push_str(&graph.commit_rows());
                out.push_str(&format!(
                    "{} {}\n",
                    ctx.ui
                        .paint(Label::Id, &format!("change {}", short(&c.change_id))),
                    ctx.ui.paint(Label::Meta, &format!("(commit {})", c.commit))
                ));
                out.push_str(&graph.prefix());
                graph.message(out, &message(c, args.date, now));
            }
            let diffs: String = c
                .files
                .iter()
                .filter_map(|f| f.diff.as_deref())
                .map(|d| ctx.ui.paint_diff(d))
                .collect();
            // As git: no stat for a merge; the stat fits in what the graph leaves of a line.
            let prefix = graph.padding();
            let stat = if args.stat && c.parents.len() < 2 && !c.files.is_empty() {
                let columns = ctx.ui.columns().saturating_sub(prefix.chars().count());
                stat(c, columns)
            } else {
                String::new()
            };
            let both = !stat.is_empty() && !diffs.is_empty();
            if stat.is_empty() && diffs.is_empty() {
                continue;
            }
            if !args.oneline {
                out.push_str(&prefix);
                out.push_str(if both { "---\n" } else { "\n" });
            }
            let stat_then_diffs = if both {
                format!("{stat}\n{diffs}")
            } else {
                stat + &diffs
            };
            for line in stat_then_diffs.split_inclusive('\n') {
                out.push_str(&prefix);
                out.push_str(line);
            }
        }
    });
    Ok(())
}

/// The lines of a change after its first, as git's medium format: `Merge:`, author, date,
/// a blank line, the message indented by four spaces.
fn message(c: &ChangeView, date: DateStyle, now: i64) -> String {
    let mut message = String::new();
    if c.parents.len() > 1 {
        let parents: Vec<&str> = c.parents.iter().map(|p| short(p)).collect();
        message.push_str(&format!("Merge: {}\n", parents.join(" ")));
    }
    message.push_str(&format!(
        "Author: {} <{}>\nDate:   {}\n\n",
        c.author.name,
        c.author.email,
        format_date(&c.author, date, now)
    ));
    for line in c.message.trim_end().lines() {
        message.push_str(&format!("    {line}\n"));
    }
    message
}

/// The sizes in bytes of a binary file's `old` and `new` blobs (0 where absent).
fn binary_bytes(
    repo: &Repo,
    old: Option<&FileState>,
    new: Option<&FileState>,
) -> Result<[u64; 2], CommandError> {
    let size = |s: Option<&FileState>| -> Result<u64, CommandError> {
        Ok(match s {
            Some(s) => repo.blob(s)?.len() as u64,
            None => 0,
        })
    };
    Ok([size(old)?, size(new)?])
}

/// `--stat` for one change: git's stat lines.
fn stat(c: &ChangeView, columns: usize) -> String {
    let files: Vec<StatEntry> = c
        .files
        .iter()
        .map(|f| StatEntry {
            path: match &f.from {
                Some(from) => rename_name(from, &f.path),
                None => f.path.clone(),
            },
            added: f.added_lines,
            removed: f.removed_lines,
            binary_bytes: f.binary_bytes,
        })
        .collect();
    format_stat(&files, columns)
}
