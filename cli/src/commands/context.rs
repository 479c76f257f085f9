//! `atomic context`.

use atomic_semantic::Depth;
use clap::ValueEnum;

use super::Context as Ctx;
use super::symbols::source;
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

pub fn run(ctx: &Ctx<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let source = source(&repo, args.rev.as_deref())?;
    let depth = match args.depth {
        DepthArg::Signatures => Depth::Signatures,
        DepthArg::Full => Depth::Full,
        DepthArg::Callgraph => Depth::Callgraph,
    };
    let found = repo.context(source, &args.query, depth)?;
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
                    out.push_str(&format!(
                        "    {}{} ({}:{})\n",
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
