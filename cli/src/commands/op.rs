//! `atomic op`.

use atomic_repo::{Operation, Progress, Repo, Undone};
use clap::Subcommand;
use serde::{Deserialize, Serialize};

use super::Context;
use super::branch::NoParams;
use crate::api::{Method, Run};
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
    /// Move every ref back to what it was just after operation SEQ (see `op log`)
    ///
    /// Only refs move; the working tree keeps its files. Refused when a session's
    /// operation after SEQ moved refs: restoring would take its work away.
    Restore {
        /// The operation's number
        seq: u64,
    },
}

/// Undo the newest operation made outside sessions (a record, a merge, a branch change)
///
/// Every ref it moved goes back; the working tree keeps its files, so an undone record's
/// edits are uncommitted changes again (as after `git reset --soft`). Sessions'
/// operations are never undone, and an undo whose refs moved since is refused. Undo
/// again to undo the operation before.
#[derive(clap::Args, Debug)]
pub struct UndoArgs {}

/// What `op.restore` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct RestoreParams {
    /// The operation's number.
    pub seq: u64,
}

/// `undo`: the newest operation outside sessions, undone.
pub struct Undo;

impl Method for Undo {
    const NAME: &'static str = "undo";
    type Params = NoParams;
    type Output = Undone;
}

impl Run for Undo {
    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<Undone, CommandError> {
        Ok(repo.undo()?)
    }
}

/// `op.restore`: every ref as it was after an operation.
pub struct Restore;

impl Method for Restore {
    const NAME: &'static str = "op.restore";
    type Params = RestoreParams;
    type Output = Undone;
}

impl Run for Restore {
    fn run(repo: &Repo, p: RestoreParams, _: &dyn Progress) -> Result<Undone, CommandError> {
        Ok(repo.op_restore(p.seq)?)
    }
}

fn print_undone(ctx: &Context<'_>, what: &str, undone: &Undone) {
    ctx.ui.emit(undone, |out| {
        out.push_str(&format!("{what} #{} {}\n", undone.seq, undone.description));
        for (name, edit) in &undone.refs {
            let short = |c: Option<atomic_core::GitId>| c.map_or("(none)".into(), |c| c.short());
            out.push_str(&format!(
                "  {name}: {} -> {}\n",
                short(edit.before),
                short(edit.after)
            ));
        }
    });
}

pub fn undo(ctx: &Context<'_>, _: UndoArgs) -> Result<(), CommandError> {
    let undone = ctx.call::<Undo>(NoParams {})?;
    print_undone(ctx, "Undid", &undone);
    Ok(())
}

/// `op.log`: the operation log, oldest first.
pub struct Log;

impl Method for Log {
    const NAME: &'static str = "op.log";
    type Params = NoParams;
    type Output = Vec<Operation>;
}

impl Run for Log {
    fn run(repo: &Repo, _: NoParams, _: &dyn Progress) -> Result<Vec<Operation>, CommandError> {
        Ok(repo.operations()?)
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    if let Action::Restore { seq } = args.action {
        let restored = ctx.call::<Restore>(RestoreParams { seq })?;
        print_undone(ctx, "Restored to", &restored);
        return Ok(());
    }
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
