//! `atomic index`.

use super::Context;
use super::symbols::source;
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

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let source = source(&repo, args.rev.as_deref())?;
    if args.rebuild {
        repo.drop_symbol_cache(source)?;
    }
    let started = std::time::Instant::now();
    let (_, summary) = repo.symbol_tables(source, &[], &ctx.ui.progress())?;
    let elapsed_ms = started.elapsed().as_millis();
    ctx.ui.emit(&serde_json::json!({ "summary": summary, "elapsed_ms": elapsed_ms }), |out| {
        out.push_str(&format!(
            "Indexed {} file(s): {} parsed, {} cached, {} symbol(s), {} with syntax errors, in {elapsed_ms} ms\n",
            summary.files, summary.parsed, summary.cached, summary.symbols, summary.with_errors
        ));
    });
    Ok(())
}
