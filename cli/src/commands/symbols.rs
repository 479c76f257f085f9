//! `atomic symbols`.

use atomic_repo::{Progress, Repo, TreeSource};
use atomic_semantic::FileSymbols;
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;

/// List the symbols (definitions) of files, by scoped name
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only files under these paths (relative to the current directory)
    pub paths: Vec<String>,
    /// Read a revision's tree instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// One file's symbols, as printed.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileView {
    /// The file.
    pub path: String,
    /// Its symbols, calls, references and imports.
    #[serde(flatten)]
    pub symbols: FileSymbols,
}

/// Returns the tree a `--rev` flag names: the working tree when absent.
pub fn source(repo: &Repo, rev: Option<&str>) -> Result<TreeSource, CommandError> {
    Ok(match rev {
        Some(rev) => TreeSource::Commit(repo.resolve(rev)?.git_commit),
        None => TreeSource::Working,
    })
}

/// What `symbols` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// Only files under these paths, relative to the root (all when empty).
    #[serde(default)]
    pub paths: Vec<String>,
    /// A revision's tree instead of the working tree.
    pub rev: Option<String>,
}

/// `symbols`: the symbols of the files of a tree.
pub struct Symbols;

impl Method for Symbols {
    const NAME: &'static str = "symbols";
    type Params = Params;
    type Output = Vec<FileView>;
}

impl Run for Symbols {
    fn run(repo: &Repo, p: Params, progress: &dyn Progress) -> Result<Vec<FileView>, CommandError> {
        let source = source(repo, p.rev.as_deref())?;
        let (tables, _) = repo.symbol_tables(source, &p.paths, progress)?;
        Ok(tables
            .into_iter()
            .map(|(path, symbols)| FileView { path, symbols })
            .collect())
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let views = ctx.call::<Symbols>(Params {
        paths: ctx.repo_paths(&args.paths)?,
        rev: args.rev,
    })?;
    ctx.ui.emit(&views, |out| {
        for FileView { path, symbols: fs } in &views {
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
