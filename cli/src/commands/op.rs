//! `atomic op`.

use clap::Subcommand;

use super::Context;
use crate::error::CommandError;
use crate::views::format_time;

/// Show the operation log
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

/// Operation log actions.
#[derive(Subcommand, Debug)]
pub enum Action {
    /// List operations, newest first
    Log,
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let Action::Log = args.action;
    let repo = ctx.open()?;
    let mut ops = repo.operations()?;
    ops.reverse();
    ctx.ui.emit(&ops, |out| {
        for op in &ops {
            let when = format_time(&atomic_core::Signature {
                name: String::new(),
                email: String::new(),
                time_seconds: op.time_seconds,
                offset_seconds: 0,
            });
            out.push_str(&format!("#{} {} {}\n", op.seq, when, op.description));
        }
    });
    Ok(())
}
