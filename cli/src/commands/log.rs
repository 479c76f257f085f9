//! `atomic log`.

use std::collections::HashSet;

use atomic_core::{Change, ChangeId, FileKind};
use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use super::diff::under;
use super::show::file_diffs;
use crate::api::Method;
use crate::error::CommandError;
use crate::ui::Label;
use crate::views::{ChangeView, DateStyle, format_date, format_stat, now_seconds, short};

/// Show changes, newest first, from HEAD (or the given revisions)
///
/// As git: `A..B` shows what B has and A lacks, `^A` leaves out what A reaches, paths
/// after `--` keep the changes that touched them, `-p` adds each change's diff (none for
/// merges, as git), `--stat` a line per file.
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
    #[arg(long)]
    pub reverse: bool,
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
}

impl Method for Log {
    const NAME: &'static str = "log";
    type Params = Params;
    type Output = Vec<ChangeView>;

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
        let mut shown = Vec::new();
        for change in repo.log(&starts, None)? {
            if p.limit.is_some_and(|n| shown.len() >= n) {
                break;
            }
            if excluded.contains(&change.id) || !touches(&change) || !by(&change) {
                continue;
            }
            let view = match p.patch_context {
                // As git: no diff for a merge.
                Some(context) if change.parents.len() < 2 => {
                    ChangeView::new(&change, file_diffs(repo, &change, context)?)
                }
                _ => ChangeView::summary(&change),
            };
            shown.push(view);
        }
        if p.reverse {
            shown.reverse();
        }
        Ok(shown)
    }
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
    })?;
    let now = now_seconds();
    ctx.ui.emit(&changes, |out| {
        for c in &changes {
            let summary = c.message.lines().next().unwrap_or("");
            if args.oneline {
                out.push_str(&format!(
                    "{} {} {summary}\n",
                    ctx.ui.paint(Label::Id, short(&c.change_id)),
                    ctx.ui.paint(Label::Id, short(&c.commit)),
                ));
                continue;
            }
            out.push_str(&format!(
                "{} {}\n",
                ctx.ui
                    .paint(Label::Id, &format!("change {}", short(&c.change_id))),
                ctx.ui.paint(Label::Meta, &format!("(commit {})", c.commit))
            ));
            if c.parents.len() > 1 {
                let parents: Vec<&str> = c.parents.iter().map(|p| short(p)).collect();
                out.push_str(&format!("Merge: {}\n", parents.join(" ")));
            }
            out.push_str(&format!(
                "Author: {} <{}>\nDate:   {}\n\n",
                c.author.name,
                c.author.email,
                format_date(&c.author, args.date, now)
            ));
            for line in c.message.trim_end().lines() {
                out.push_str(&format!("    {line}\n"));
            }
            out.push('\n');
            if args.stat {
                out.push_str(&stat(c));
            }
            for f in &c.files {
                if let Some(diff) = &f.diff {
                    out.push_str(&ctx.ui.paint_diff(diff));
                }
            }
            if args.patch && c.files.iter().any(|f| f.diff.is_some()) {
                out.push('\n');
            }
        }
    });
    Ok(())
}

/// `--stat` for one change: git's stat lines, then a blank line.
fn stat(c: &ChangeView) -> String {
    let files = c
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.added_lines, f.removed_lines));
    format_stat(files) + "\n"
}
