//! `atomic context`.

use atomic_repo::{Progress, Repo};
use atomic_semantic::{Context, Depth};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use super::Context as Ctx;
use super::symbols::source;
use crate::api::{Method, Run};
use crate::error::CommandError;
use crate::ui::Label;

/// Show what to know about a symbol: definition, signature, source, callers and callees
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A scoped name (`auth::Session::validate`), a name, or part of one
    pub query: String,
    /// How much to show
    #[arg(long, value_enum, default_value_t = DepthArg::Signatures)]
    pub depth: DepthArg,
    /// Read a revision's tree instead of the working tree
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// How much `context` shows.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DepthArg {
    /// Definition, signature, direct callers and callees
    Signatures,
    /// That, and the source text
    Full,
    /// That, and callers and callees three calls deep
    Callgraph,
}

/// What `context` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// The symbol, or part of its name.
    pub query: String,
    /// How much to show.
    pub depth: Depth,
    /// A revision's tree instead of the working tree.
    pub rev: Option<String>,
}

/// `context`: what to know about the symbols matching a query.
pub struct ContextQuery;

impl Method for ContextQuery {
    const NAME: &'static str = "context";
    type Params = Params;
    type Output = Vec<Context>;
}

impl Run for ContextQuery {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Vec<Context>, CommandError> {
        let source = source(repo, p.rev.as_deref())?;
        Ok(repo.context(source, &p.query, p.depth)?)
    }
}

pub fn run(ctx: &Ctx<'_>, args: Args) -> Result<(), CommandError> {
    let depth = match args.depth {
        DepthArg::Signatures => Depth::Signatures,
        DepthArg::Full => Depth::Full,
        DepthArg::Callgraph => Depth::Callgraph,
    };
    let found = ctx.call::<ContextQuery>(Params {
        query: args.query.clone(),
        depth,
        rev: args.rev,
    })?;
    if found.is_empty() {
        return Err(CommandError::user(
            format!("no symbol matches `{}`", args.query),
            "see `atomic symbols` for the symbols there are",
        ));
    }
    ctx.ui.emit(&found, |out| {
        for c in &found {
            out.push_str(&format!(
                "{} {} ({}:{}-{})\n  {}\n",
                format!("{:?}", c.kind).to_lowercase(),
                ctx.ui.paint(Label::Ref, &c.symbol),
                c.file,
                c.lines.0,
                c.lines.1,
                c.signature
            ));
            if let Some(source) = &c.source {
                out.push('\n');
                source
                    .lines()
                    .for_each(|l| out.push_str(&format!("    {l}\n")));
                out.push('\n');
            }
            for (title, sites) in [("callers", &c.callers), ("callees", &c.callees)] {
                out.push_str(&format!(
                    "  {title}:{}\n",
                    if sites.is_empty() { " none" } else { "" }
                ));
                for s in sites {
                    // A callee: where it is defined, and where it is called.
                    let call = if s.call_file == s.file && s.call_line == s.line {
                        String::new()
                    } else {
                        format!(", called at {}:{}", s.call_file, s.call_line)
                    };
                    out.push_str(&format!(
                        "    {}{} ({}:{}{call})\n",
                        "  ".repeat(s.distance - 1),
                        s.symbol.as_deref().unwrap_or("<top level>"),
                        s.file,
                        s.line
                    ));
                }
            }
            for a in &c.ambiguous_calls {
                out.push_str(&format!(
                    "  ambiguous call to {} at line {}: {}\n",
                    a.name,
                    a.line,
                    a.candidates.join(", ")
                ));
            }
        }
    });
    Ok(())
}
