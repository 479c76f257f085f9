//! `atomic show`.

use atomic_core::FileKind;

use super::Context;
use super::diff::render;
use crate::error::CommandError;
use crate::ui::Label;
use crate::views::{ChangeView, FileView, format_time};

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
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let change = repo.resolve(&args.revision)?;
    if args.symbols {
        super::diff::print_symbol_changes(ctx.ui, &repo.change_symbols(&change)?);
        return Ok(());
    }
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
            ctx.ui,
            &fc.path,
            from,
            old.as_ref().map(|(m, d)| (*m, d.as_slice())),
            new.as_ref().map(|(m, d)| (*m, d.as_slice())),
            args.context,
        );
        files.push(FileView::new(fc, Some(diff)));
    }
    let view = ChangeView::new(&change, files);
    ctx.ui.emit(&view, |out| {
        out.push_str(&format!(
            "{} {}\n",
            ctx.ui.paint(Label::Id, &format!("change {}", change.id)),
            ctx.ui
                .paint(Label::Meta, &format!("(commit {})", change.git_commit))
        ));
        out.push_str(&format!(
            "Author: {} <{}>\nDate:   {}\n\n",
            change.author.name,
            change.author.email,
            format_time(&change.author)
        ));
        for line in change.message.trim_end().lines() {
            out.push_str(&format!("    {line}\n"));
        }
        out.push('\n');
        for f in &view.files {
            out.push_str(f.diff.as_deref().unwrap_or_default());
        }
    });
    Ok(())
}
