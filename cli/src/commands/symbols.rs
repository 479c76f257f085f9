//! `atomic symbols`.

use atomic_repo::{Repo, TreeSource};
use atomic_semantic::FileSymbols;
use serde::Serialize;

use super::Context;
use crate::error::CommandError;
use crate::ui::Label;

/// List the symbols (definitions) of files, by scoped name
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only files under these paths (relative to the repository root)
    pub paths: Vec<String>,
    /// Read a revision's tree instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// One file's symbols, as printed.
#[derive(Serialize)]
pub struct FileView<'a> {
    pub path: &'a str,
    #[serde(flatten)]
    pub symbols: &'a FileSymbols,
}

/// Returns the tree a `--rev` flag names: the working tree when absent.
pub fn source(repo: &Repo, rev: Option<&str>) -> Result<TreeSource, CommandError> {
    Ok(match rev {
        Some(rev) => TreeSource::Commit(repo.resolve(rev)?.git_commit),
        None => TreeSource::Working,
    })
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let source = source(&repo, args.rev.as_deref())?;
    let (tables, _) = repo.symbol_tables(source, &args.paths, &ctx.ui.progress())?;
    let views: Vec<FileView<'_>> = tables
        .iter()
        .map(|(path, symbols)| FileView { path, symbols })
        .collect();
    ctx.ui.emit(&views, |out| {
        for (path, fs) in &tables {
            let errors = if fs.has_errors {
                "  (syntax errors: partial)"
            } else {
                ""
            };
            out.push_str(&format!("{}{errors}\n", ctx.ui.paint(Label::Meta, path)));
            for s in &fs.symbols {
                let depth =
                    std::iter::successors(s.parent, |p| fs.symbols[*p as usize].parent).count();
                out.push_str(&format!(
                    "  {}{:<9} {}  {}-{}\n",
                    "  ".repeat(depth),
                    format!("{:?}", s.kind).to_lowercase(),
                    ctx.ui.paint(Label::Ref, &s.scoped_name),
                    s.start_line,
                    s.end_line
                ));
            }
        }
    });
    Ok(())
}
