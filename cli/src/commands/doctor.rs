//! `atomic doctor`.

use super::Context;
use crate::error::{CommandError, EXIT_USER};

/// Check every change against git: its hunks applied to its first parent give its commit's tree
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(ctx: &Context<'_>, _args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let report = repo.doctor(&ctx.ui.progress())?;
    ctx.ui.emit(&report, |out| {
        out.push_str(&format!(
            "Checked {} change(s) and {} ref(s): ",
            report.changes, report.refs
        ));
        if report.problems.is_empty() {
            out.push_str("no problems\n");
        } else {
            out.push_str(&format!("{} problem(s)\n", report.problems.len()));
            report
                .problems
                .iter()
                .for_each(|p| out.push_str(&format!("  {p}\n")));
        }
    });
    if report.problems.is_empty() {
        Ok(())
    } else {
        Err(CommandError {
            code: EXIT_USER,
            message: format!("doctor found {} problem(s)", report.problems.len()),
            hints: vec![
                "run `atomic git import` to re-sync with git, then `atomic doctor` again".into(),
            ],
        })
    }
}
