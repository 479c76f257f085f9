//! `atomic show`.

use atomic_core::FileKind;
use atomic_repo::{Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use super::diff::{FileSymbolChanges, Files, print_symbol_changes, render};
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;
use crate::views::{ChangeView, DateStyle, FileView, format_date, now_seconds};

/// Show a change: its metadata and its diff against its first parent
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The change: a change id prefix, commit, branch or tag (default: HEAD)
    #[arg(default_value = "HEAD")]
    pub revision: String,
    /// Lines of context around each hunk
    #[arg(short = 'U', long, default_value_t = 3)]
    pub context: u32,
    /// List the symbols the change added, modified and deleted instead of the line diff
    #[arg(long)]
    pub symbols: bool,
    /// How dates are shown, as git's --date
    #[arg(long, value_enum, default_value_t = DateStyle::Default, value_name = "FORMAT")]
    pub date: DateStyle,
}

/// What `show` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// The revision.
    pub revision: String,
    /// Lines of context.
    pub context: u32,
}

/// `show`: a change with its diff.
pub struct Show;

impl Method for Show {
    const NAME: &'static str = "show";
    type Params = Params;
    type Output = ChangeView;
}

impl Run for Show {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<ChangeView, CommandError> {
        let change = repo.resolve(&p.revision)?;
        Ok(ChangeView::new(
            &change,
            file_diffs(repo, &change, p.context)?,
        ))
    }
}

/// Each file of `change` with its diff against the first parent, `context` lines around
/// each hunk (for `show` and `log -p`).
///
/// # Errors
/// Reading a blob.
pub fn file_diffs(
    repo: &Repo,
    change: &atomic_core::Change,
    context: u32,
) -> Result<Vec<FileView>, CommandError> {
    let mut files = Vec::new();
    for fc in &change.files {
        let old = match &fc.old {
            Some(s) => Some((s.mode, repo.blob(s)?)),
            None => None,
        };
        let new = match &fc.new {
            Some(s) => Some((s.mode, repo.blob(s)?)),
            None => None,
        };
        let from = match &fc.kind {
            FileKind::Renamed { from } => from.as_str(),
            _ => fc.path.as_str(),
        };
        let (_, diff) = render(
            &fc.path,
            from,
            old.as_ref().map(|(m, d)| (*m, d.as_slice())),
            new.as_ref().map(|(m, d)| (*m, d.as_slice())),
            context,
        );
        files.push(FileView::new(fc, Some(diff)));
    }
    Ok(files)
}

/// `show.symbols`: the symbols a change added, modified and deleted.
pub struct ShowSymbols;

impl Method for ShowSymbols {
    const NAME: &'static str = "show.symbols";
    type Params = Params;
    type Output = Files<FileSymbolChanges>;
}

impl Run for ShowSymbols {
    fn run(
        repo: &Repo,
        p: Params,
        _: &dyn Progress,
    ) -> Result<Files<FileSymbolChanges>, CommandError> {
        let change = repo.resolve(&p.revision)?;
        let files = repo
            .change_symbols(&change)?
            .into_iter()
            .map(|(path, symbols)| FileSymbolChanges { path, symbols })
            .collect();
        Ok(Files { files })
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let params = Params {
        revision: args.revision,
        context: args.context,
    };
    if args.symbols {
        print_symbol_changes(ctx.ui, &ctx.call::<ShowSymbols>(params)?);
        return Ok(());
    }
    let view = ctx.call::<Show>(params)?;
    ctx.ui.emit(&view, |out| {
        out.push_str(&format!(
            "{} {}\n",
            ctx.ui
                .paint(Label::Id, &format!("change {}", view.change_id)),
            ctx.ui
                .paint(Label::Meta, &format!("(commit {})", view.commit))
        ));
        out.push_str(&format!(
            "Author: {} <{}>\nDate:   {}\n\n",
            view.author.name,
            view.author.email,
            format_date(&view.author, args.date, now_seconds())
        ));
        for line in view.message.trim_end().lines() {
            out.push_str(&format!("    {line}\n"));
        }
        out.push('\n');
        for f in &view.files {
            out.push_str(&ctx.ui.paint_diff(f.diff.as_deref().unwrap_or_default()));
        }
    });
    Ok(())
}
