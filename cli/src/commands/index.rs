//! `atomic index`.

use atomic_repo::{IndexSummary, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use super::symbols::source;
use crate::api::{Method, Run};
use crate::error::CommandError;

/// Parse and cache the symbols of a tree (only files whose contents are not cached yet)
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Index a revision's tree instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Drop the tree's cached symbol tables first, so every file is parsed again
    #[arg(long)]
    pub rebuild: bool,
}

/// What `index` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// A revision's tree instead of the working tree.
    pub rev: Option<String>,
    /// Drop the tree's cached tables first.
    pub rebuild: bool,
}

/// What `index` did.
#[derive(Debug, Serialize, Deserialize)]
pub struct Indexed {
    /// Files, parses and symbols.
    pub summary: IndexSummary,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

/// `index`: the symbol tables of a tree, parsed where not cached.
pub struct Index;

impl Method for Index {
    const NAME: &'static str = "index";
    type Params = Params;
    type Output = Indexed;
}

impl Run for Index {
    fn run(repo: &Repo, p: Params, progress: &dyn Progress) -> Result<Indexed, CommandError> {
        let source = source(repo, p.rev.as_deref())?;
        if p.rebuild {
            repo.drop_symbol_cache(source)?;
        }
        let started = std::time::Instant::now();
        let (_, summary) = repo.symbol_tables(source, &[], progress)?;
        Ok(Indexed {
            summary,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let indexed = ctx.call::<Index>(Params {
        rev: args.rev,
        rebuild: args.rebuild,
    })?;
    let (summary, elapsed_ms) = (&indexed.summary, indexed.elapsed_ms);
    ctx.ui.emit(&indexed, |out| {
        out.push_str(&format!(
            "Indexed {} file(s): {} parsed, {} cached, {} symbol(s), {} with syntax errors, in {elapsed_ms} ms\n",
            summary.files, summary.parsed, summary.cached, summary.symbols, summary.with_errors
        ));
    });
    Ok(())
}
