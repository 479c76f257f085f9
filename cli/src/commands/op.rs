//! `atomic op`.

use atomic_repo::{Operation, Progress, Repo};
use clap::Subcommand;

use super::Context;
use super::branch::NoParams;
use crate::api::Method;
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

/// `op.log`: the operation log, oldest first.
pub struct Log;

impl Method for Log {
    const NAME: &'static str = "op.log";
    type Params = NoParams;
    type Output = Vec<Operation>;

    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<Vec<Operation>, CommandError> {
        Ok(repo.operations()?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let Action::Log = args.action;
    let mut ops = ctx.call::<Log>(NoParams {})?;
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
