//! The swarm runner: N agents editing one real repository at once, with atomic sessions
//! and, in the same run, with git worktrees and sequential `git merge`.
//!
//! ```text
//! swarm --example                 # the bundled example (testdata/swarm/example.sh)
//! swarm --repo PATH [--agents 20] # any git repository (a path or a bare mirror)
//! ```
//!
//! It drives only the `atomic` command line, as agents would: `atomic clone`, then
//! `atomic symbols --json` to plan tasks on real functions, then one process per agent
//! (`swarm agent`) running `session new`, `read`, `write` and `submit`. It prints a
//! report (text, `--json`, or `--markdown` for `book/`) and exits 1 when atomic did not
//! land every independent edit or did not report exactly the planted conflicts.

mod agent;
mod atomic_side;
mod edit;
mod git_side;
mod plan;
mod report;
mod side;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use atomic_benches::{atomic_binary, run};
use clap::{Parser, Subcommand};

/// Twenty agents on one repository: atomic sessions beside git worktrees
#[derive(Parser)]
#[command(name = "swarm")]
struct Cli {
    /// The git repository to work on (a path, or a bare mirror)
    #[arg(long, conflicts_with = "example")]
    repo: Option<PathBuf>,
    /// Use the bundled example repository (built by testdata/swarm/example.sh)
    #[arg(long)]
    example: bool,
    /// How many agents
    #[arg(long, default_value_t = 20)]
    agents: usize,
    /// The atomic binary (default: the one next to this program)
    #[arg(long)]
    atomic: Option<PathBuf>,
    /// Where to work (default: a temporary directory, removed afterwards)
    #[arg(long)]
    work: Option<PathBuf>,
    /// Run the agents without `atomic serve` (each command opens the store itself)
    #[arg(long)]
    no_serve: bool,
    /// Each agent mounts its session (FUSE) and edits the directory with plain tools
    #[arg(long, conflicts_with = "no_serve")]
    mounted: bool,
    /// Skip building the final trees
    #[arg(long)]
    no_build_check: bool,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
    /// Print the comparison as a Markdown table
    #[arg(long)]
    markdown: bool,
    #[command(subcommand)]
    agent: Option<AgentCommand>,
}

#[derive(Subcommand)]
enum AgentCommand {
    /// (internal) Run one agent's task and print its result as JSON
    #[command(hide = true)]
    Agent {
        #[arg(long)]
        atomic: PathBuf,
        #[arg(long)]
        repo: PathBuf,
        #[arg(long)]
        task: String,
        /// Mount the session here and edit it with plain tools
        #[arg(long)]
        mount: Option<PathBuf>,
    },
}

/// What an agent prints, alone on a line, once its session exists (see
/// [`agent::run_agent`]).
const READY: &str = "ready";

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(AgentCommand::Agent {
        atomic,
        repo,
        task,
        mount,
    }) = &cli.agent
    {
        let Ok(task) = serde_json::from_str(task) else {
            eprintln!("error: a task that is not JSON");
            return ExitCode::from(2);
        };
        // The runner's start line: `ready` out once the session exists, then wait for a
        // line (or the end of input) before going on.
        let ready = || {
            use std::io::{BufRead, Write};
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{READY}");
            let _ = out.flush();
            let _ = std::io::stdin().lock().read_line(&mut String::new());
        };
        let result = agent::run_agent(atomic, repo, &task, mount.as_deref(), &ready);
        println!(
            "{}",
            serde_json::to_string(&result).expect("results serialize")
        );
        return ExitCode::SUCCESS;
    }
    match swarm(&cli) {
        Ok(report) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("reports serialize")
                );
            } else if cli.markdown {
                print!("{}", report.markdown());
            } else {
                print!("{}", report.text());
            }
            if report.atomic_kept_its_promise() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The repository's files with their symbols, and their texts, from the atomic clone.
fn symbols(
    bin: &Path,
    repo: &Path,
) -> Result<(Vec<plan::FileSymbols>, HashMap<String, String>), String> {
    let files: Vec<plan::FileSymbols> = atomic_benches::list_symbols(bin, repo)?;
    let contents = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(repo.join(f.path())).ok()?;
            Some((f.path().to_owned(), text))
        })
        .collect();
    Ok((files, contents))
}

fn swarm(cli: &Cli) -> Result<report::Report, String> {
    let bin = atomic_binary(cli.atomic.as_deref());
    // Commands run in other directories: a relative path must not change meaning.
    let bin = if bin.components().count() > 1 {
        std::path::absolute(&bin).map_err(|e| e.to_string())?
    } else {
        bin
    };
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = cli.work.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let source = match (&cli.repo, cli.example) {
        (Some(repo), _) => repo.clone(),
        (None, true) => {
            let dir = work.join("example");
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/swarm/example.sh");
            run(Command::new("bash").arg(script).arg(&dir))?;
            dir
        }
        (None, false) => return Err("pass --repo PATH or --example".into()),
    };
    let source = std::path::absolute(&source).map_err(|e| e.to_string())?;
    let atomic_repo = work.join("atomic");
    let git_repo = work.join("git");
    eprintln!("cloning {} ...", source.display());
    let atomic_clone = atomic_side::clone(&bin, &source, &atomic_repo)?;
    let git_clone = git_side::clone(&source, &git_repo)?;

    let (files, contents) = symbols(&bin, &atomic_repo)?;
    let plan = plan::plan(&files, &contents, cli.agents);
    if plan.tasks.is_empty() {
        return Err("no functions to edit in this repository".into());
    }
    let mut planted = 0;
    let mut groups: HashMap<&str, usize> = HashMap::new();
    for t in &plan.tasks {
        if let Some(g) = &t.group {
            *groups.entry(g).or_default() += 1;
        }
    }
    planted += groups.values().map(|n| n - 1).sum::<usize>();

    eprintln!("{} agents with atomic sessions ...", plan.tasks.len());
    let mut atomic = atomic_side::run_side(
        &bin,
        &atomic_repo,
        &plan.tasks,
        atomic_side::Mode::from_flags(cli.no_serve, cli.mounted, &work),
    )?;
    eprintln!("{} agents with git worktrees ...", plan.tasks.len());
    let mut git = git_side::run_side(&git_repo, &work, &plan.tasks)?;
    if !cli.no_build_check {
        let touched: Vec<&str> = plan.tasks.iter().map(|t| t.file.as_str()).collect();
        eprintln!("checking that the final trees build ...");
        atomic.build = Some(side::build_check(&atomic_repo, &work, "atomic", &touched)?);
        git.build = Some(side::build_check(&git_repo, &work, "git", &touched)?);
    }
    Ok(report::Report {
        repository: cli.repo.as_ref().map_or_else(
            || "the bundled example".to_owned(),
            |p| p.display().to_string(),
        ),
        agents: plan.tasks.len(),
        planted_conflicts: planted,
        tasks: plan.tasks,
        notes: plan.notes,
        atomic_clone_ms: atomic_clone.as_secs_f64() * 1e3,
        git_clone_ms: git_clone.as_secs_f64() * 1e3,
        atomic,
        git,
    })
}
