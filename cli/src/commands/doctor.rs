//! `atomic doctor`.

use atomic_repo::{DoctorReport, Progress, Repo};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;

/// Check every change against git: its hunks applied to its first parent give its commit's tree
///
/// Also lists what a crash can leave: a landing the store recorded and git may not have
/// made, lock files in .git, working-tree files behind the branch. --fix repairs them first.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Repair what a crash left before checking: finish or drop interrupted landings,
    /// remove lock files in .git older than a minute, bring the working tree to the branch
    #[arg(long)]
    pub fix: bool,
}

/// What `doctor` takes.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Params {
    /// Repair first.
    #[serde(default)]
    pub fix: bool,
}

/// What `doctor` found, and what it repaired first.
#[derive(Debug, Serialize, Deserialize)]
pub struct Checked {
    /// The checks.
    #[serde(flatten)]
    pub report: DoctorReport,
    /// What `--fix` repaired (empty without it).
    pub fixed: Vec<String>,
}

/// `doctor`: every change checked against git, the refs compared, crash leftovers listed.
pub struct Doctor;

impl Method for Doctor {
    const NAME: &'static str = "doctor";
    type Params = Params;
    type Output = Checked;
}

impl Run for Doctor {
    fn run(repo: &Repo, p: Params, progress: &dyn Progress) -> Result<Checked, CommandError> {
        let fixed = if p.fix { repo.repair()? } else { Vec::new() };
        Ok(Checked {
            report: repo.doctor(progress)?,
            fixed,
        })
    }
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let checked = ctx.call::<Doctor>(Params { fix: args.fix })?;
    let report = &checked.report;
    ctx.ui.emit(&checked, |out| {
        for f in &checked.fixed {
            out.push_str(&format!("fixed: {f}\n"));
        }
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
            "`atomic doctor --fix` repairs what a crash left; `atomic git import` re-syncs with git",
        ))
    }
}
