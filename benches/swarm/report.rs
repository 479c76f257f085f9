//! The report: JSON, a text table, and a Markdown table for `book/`.

use std::fmt::Write;

use atomic_benches::mib;
use serde::Serialize;

use crate::plan::Task;
use crate::side::SideReport;

/// Everything one run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The repository the agents worked on.
    pub repository: String,
    /// How many agents (tasks).
    pub agents: usize,
    /// Conflicts the plan planted: every task of a group but the first to land.
    pub planted_conflicts: usize,
    /// The tasks.
    pub tasks: Vec<Task>,
    /// What the plan could not plant.
    pub notes: Vec<String>,
    /// `atomic clone` of the repository, in ms (once, not per agent).
    pub atomic_clone_ms: f64,
    /// `git clone` of the repository, in ms.
    pub git_clone_ms: f64,
    /// The atomic side.
    pub atomic: SideReport,
    /// The git side.
    pub git: SideReport,
}

impl Report {
    /// Whether atomic kept the promise: every independent edit landed, exactly the
    /// planted conflicts came back, nothing failed or went missing, and the tree builds.
    pub fn atomic_kept_its_promise(&self) -> bool {
        let a = &self.atomic;
        a.errors.is_empty()
            && a.missing_edits.is_empty()
            && a.unplanted() == 0
            && a.planted() == self.planted_conflicts
            && a.merged + a.conflicts.len() == self.agents
            && a.build.as_ref().is_none_or(|b| b.ok)
    }

    fn rows(&self) -> Vec<(String, String, String)> {
        let (a, g) = (&self.atomic, &self.git);
        let build = |s: &SideReport| match &s.build {
            None => "not checked".to_owned(),
            Some(b) if b.ok => format!("passes ({})", b.check),
            Some(b) => format!("FAILS ({})", b.check),
        };
        let conflicts = |s: &SideReport| {
            format!(
                "{} ({} planted, {} not)",
                s.conflicts.len(),
                s.planted(),
                s.unplanted()
            )
        };
        vec![
            (
                "setup per agent (median)".into(),
                format!("{:.1} ms (session new)", a.setup.median_ms),
                format!("{:.1} ms (worktree add)", g.setup.median_ms),
            ),
            (
                "setup of all agents (wall)".into(),
                format!(
                    "{:.0} ms ({:.1} ms per agent, all at once)",
                    a.setup_all_ms,
                    a.setup_all_ms / self.agents.max(1) as f64
                ),
                format!(
                    "{:.0} ms ({:.1} ms per agent, one after another)",
                    g.setup_all_ms,
                    g.setup_all_ms / self.agents.max(1) as f64
                ),
            ),
            (
                "disk per agent".into(),
                mib(a.disk_per_agent),
                mib(g.disk_per_agent),
            ),
            (
                "wall time until all work landed".into(),
                format!("{:.2} s", a.wall_ms / 1e3),
                format!("{:.2} s", g.wall_ms / 1e3),
            ),
            (
                "merged automatically".into(),
                format!("{} of {}", a.merged, self.agents),
                format!("{} of {}", g.merged, self.agents),
            ),
            ("conflicts".into(), conflicts(a), conflicts(g)),
            (
                "edits missing from the final tree".into(),
                a.missing_edits.len().to_string(),
                g.missing_edits.len().to_string(),
            ),
            (
                "errors".into(),
                a.errors.len().to_string(),
                g.errors.len().to_string(),
            ),
            ("final tree builds".into(), build(a), build(g)),
        ]
    }

    /// The report as text for a terminal.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} agents on {} ({} planted conflicts; clone: atomic {:.2} s, git {:.2} s)\n",
            self.agents,
            self.repository,
            self.planted_conflicts,
            self.atomic_clone_ms / 1e3,
            self.git_clone_ms / 1e3
        );
        let _ = writeln!(out, "{:34} {:30} git", "", "atomic");
        for (what, a, g) in self.rows() {
            let _ = writeln!(out, "{what:34} {a:30} {g}");
        }
        for (side, s) in [("atomic", &self.atomic), ("git", &self.git)] {
            for c in &s.conflicts {
                let kind = if c.planted { "planted" } else { "NOT planted" };
                let _ = writeln!(
                    out,
                    "{side}: conflict ({kind}): task {} on {} in {}",
                    c.task, c.symbol, c.file
                );
            }
            for e in &s.errors {
                let _ = writeln!(out, "{side}: error: {e}");
            }
            if let Some(b) = s.build.as_ref().filter(|b| !b.ok) {
                let _ = writeln!(out, "{side}: build check failed:\n{}", b.output);
            }
        }
        for n in &self.notes {
            let _ = writeln!(out, "note: {n}");
        }
        let verdict = if self.atomic_kept_its_promise() {
            "atomic landed every independent edit and reported exactly the planted conflicts"
        } else {
            "atomic did NOT keep its promise on this run (see above)"
        };
        let _ = writeln!(out, "\n{verdict}");
        out
    }

    /// The comparison as a Markdown table.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "{} agents on {} ({} planted conflicts)\n\n| | atomic | git |\n|---|---|---|\n",
            self.agents, self.repository, self.planted_conflicts
        );
        for (what, a, g) in self.rows() {
            let _ = writeln!(out, "| {what} | {a} | {g} |");
        }
        out
    }
}
