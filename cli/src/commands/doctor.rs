//! `atomic doctor`.

use atomic_repo::{DoctorReport, Progress, Repo};

use super::Context;
use super::branch::NoParams;
use crate::api::Method;
use crate::error::CommandError;

/// Check every change against git: its hunks applied to its first parent give its commit's tree
#[derive(clap::Args, Debug)]
pub struct Args {}

/// `doctor`: every change checked against git, and the refs compared.
pub struct Doctor;

impl Method for Doctor {
    const NAME: &'static str = "doctor";
    type Params = NoParams;
    type Output = DoctorReport;

    fn run(
        repo: &Repo,
        _: NoParams,
        progress: &dyn Progress,
    ) -> Result<DoctorReport, CommandError> {
        Ok(repo.doctor(progress)?)
    }
}

pub fn run(ctx: &Context<'_>, _args: Args) -> Result<(), CommandError> {
    let report = ctx.call::<Doctor>(NoParams {})?;
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
        Err(CommandError::new(
            "doctor_problems",
            format!("doctor found {} problem(s)", report.problems.len()),
            "run `atomic git import` to re-sync with git, then `atomic doctor` again",
        ))
    }
}
