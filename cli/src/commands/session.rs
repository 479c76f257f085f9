//! `atomic session ...`: virtual working copies for agents.

use std::path::PathBuf;

use atomic_repo::SubmitResult;
use clap::Subcommand;

use super::Context;
use super::diff::render;
use crate::error::{CommandError, EXIT_USER};

/// Work in a session: a virtual working copy, created in milliseconds, submitted with auto-rebase
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The session
    #[arg(long, env = "ATOMIC_SESSION", global = true, value_name = "ID")]
    pub session: Option<String>,
    /// The session's secret token
    #[arg(
        long,
        env = "ATOMIC_SESSION_TOKEN",
        global = true,
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    #[command(subcommand)]
    pub action: Action,
}

impl Args {
    /// Whether the action reads standard input: `write` without `--file`.
    pub fn reads_stdin(&self) -> bool {
        matches!(&self.action, Action::Write { file: None, .. })
    }
}

/// Session actions.
#[derive(Subcommand, Debug)]
pub enum Action {
    /// Create a session and print its id, token and base
    New {
        /// The agent's name
        #[arg(long, default_value = "agent")]
        agent: String,
        /// What the agent means to do
        #[arg(long)]
        intent: Option<String>,
        /// The branch to work on (default: the current one)
        #[arg(long)]
        branch: Option<String>,
        /// Keep the session after submits (rebased onto the new head)
        #[arg(long)]
        persistent: bool,
    },
    /// Print a file as the session sees it
    Read {
        /// The path
        path: String,
    },
    /// Write a file in the session (contents from --file, or standard input)
    Write {
        /// The path
        path: String,
        /// Read the contents from this file
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Remove a file in the session
    Rm {
        /// The path
        path: String,
    },
    /// Move a file in the session
    Mv {
        /// The current path
        from: String,
        /// The new path
        to: String,
    },
    /// List the session's files
    Ls,
    /// Show what the session changed, by lines and symbols
    Diff,
    /// Show the session and the files it changed
    Status,
    /// Submit the session: fast-forward, or rebase with the structured merge
    Submit {
        /// The message
        #[arg(short, long)]
        message: String,
    },
    /// Settle a conflicting submit: rebase the session onto the branch, resolving its conflicts
    Resolve {
        /// How: proceed (keep markers to fix), keep_yours, keep_theirs, or manual (--content-file)
        #[arg(long, value_enum)]
        action: ResolveArg,
        /// Only this symbol's conflicts (others keep their markers)
        #[arg(long)]
        symbol: Option<String>,
        /// With --action manual: the file's new content
        #[arg(long)]
        content_file: Option<PathBuf>,
    },
    /// Run the repository's verify commands (.atomic/config.toml) on the session's tree
    Verify,
    /// Remove sessions created at least --older-than seconds ago (agents that went away)
    Prune {
        /// Age in seconds
        #[arg(long, value_name = "SECONDS")]
        older_than: u64,
    },
    /// Close the session, dropping its changes
    Close,
    /// List the sessions
    List,
}

/// How `resolve` settles conflicts.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ResolveArg {
    /// Rebase, keeping conflict markers in the files for the agent to fix
    Proceed,
    /// The session's side
    KeepYours,
    /// The branch's side
    KeepTheirs,
    /// Content given with --content-file
    Manual,
}

fn need(value: &Option<String>, what: &str, env: &str) -> Result<String, CommandError> {
    value.clone().ok_or_else(|| {
        CommandError::user(
            format!("no {what} given"),
            format!("pass --{what} or set {env}"),
        )
    })
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let repo = ctx.open()?;
    let id = || need(&args.session, "session", "ATOMIC_SESSION");
    let token = || need(&args.token, "token", "ATOMIC_SESSION_TOKEN");
    match args.action {
        Action::New {
            agent,
            intent,
            branch,
            persistent,
        } => {
            let (s, token) =
                repo.session_new(&agent, intent.as_deref(), branch.as_deref(), persistent)?;
            let doc = serde_json::json!({
                "session_id": s.id, "token": token, "base": s.base_commit, "base_change": s.base_change,
                "branch": s.branch, "agent": s.agent, "mode": s.mode,
            });
            ctx.ui.emit(&doc, |out| {
                out.push_str(&format!(
                    "export ATOMIC_SESSION={}\nexport ATOMIC_SESSION_TOKEN={token}\n",
                    s.id
                ));
            });
        }
        Action::Read { path } => {
            let bytes = repo.session_read(&id()?, &token()?, &path)?;
            if ctx.ui.json {
                ctx.ui.emit(&serde_json::json!({ "path": path, "contents": String::from_utf8_lossy(&bytes) }), |_| {});
            } else {
                let _ = ctx.ui.write_out(&bytes);
            }
        }
        Action::Write { path, file } => {
            let contents = match file {
                Some(f) => std::fs::read(ctx.path(&f)).map_err(|e| {
                    CommandError::user(
                        format!("cannot read {}: {e}", f.display()),
                        "check the path",
                    )
                })?,
                None => ctx.read_stdin().map_err(|e| {
                    CommandError::user(
                        format!("cannot read standard input: {e}"),
                        "pipe the contents in, or use --file",
                    )
                })?,
            };
            let result = repo.session_write(&id()?, &token()?, &path, &contents)?;
            ctx.ui.emit(&result, |out| {
                out.push_str(&format!("Wrote {path} ({})\n", &result.content_hash[..12]));
                for s in &result.symbols {
                    out.push_str(&format!("  {:?} {}\n", s.change, s.scoped_name));
                }
                for w in &result.conflict_warnings {
                    out.push_str(&format!(
                        "  warning: {} ({}) also changed {} in {}\n",
                        w.session, w.agent, w.symbol, w.file
                    ));
                }
            });
        }
        Action::Rm { path } => {
            repo.session_rm(&id()?, &token()?, &path)?;
            ctx.ui.emit(&serde_json::json!({ "removed": path }), |out| {
                out.push_str(&format!("Removed {path}\n"))
            });
        }
        Action::Mv { from, to } => {
            repo.session_mv(&id()?, &token()?, &from, &to)?;
            ctx.ui
                .emit(&serde_json::json!({ "moved": from, "to": to }), |out| {
                    out.push_str(&format!("Moved {from} to {to}\n"))
                });
        }
        Action::Ls => {
            let files = repo.session_ls(&id()?, &token()?)?;
            let list: Vec<serde_json::Value> = files
                .iter()
                .map(|(p, c)| serde_json::json!({ "path": p, "changed": c }))
                .collect();
            ctx.ui.emit(&list, |out| {
                files.iter().for_each(|(p, c)| {
                    out.push_str(&format!("{} {p}\n", if *c { "M" } else { " " }))
                })
            });
        }
        Action::Diff | Action::Status => {
            let diffs = repo.session_diff(&id()?, &token()?)?;
            let status = matches!(args.action, Action::Status);
            ctx.ui.emit(&serde_json::json!({ "files": diffs }), |out| {
                for d in &diffs {
                    if status {
                        let mark = match (&d.old, &d.new) {
                            (None, _) => "A",
                            (_, None) => "D",
                            _ => "M",
                        };
                        out.push_str(&format!("{mark} {}\n", d.path));
                    } else {
                        let m = atomic_core::FileMode::Blob;
                        let (_, text) = render(
                            ctx.ui,
                            &d.path,
                            &d.path,
                            d.old.as_deref().map(|b| (m, b)),
                            d.new.as_deref().map(|b| (m, b)),
                            3,
                        );
                        out.push_str(&text);
                    }
                }
            });
        }
        Action::Submit { message } => {
            let result = repo.session_submit(&id()?, &token()?, &message)?;
            ctx.ui.emit(&result, |out| match &result {
                SubmitResult::Merged {
                    change_id,
                    commit,
                    fast_forward,
                    merged_files,
                } => {
                    out.push_str(&format!(
                        "Merged as change {} (commit {}){}\n",
                        change_id.short(),
                        commit.short(),
                        if *fast_forward {
                            ", fast-forward"
                        } else {
                            ", rebased"
                        }
                    ));
                    merged_files
                        .iter()
                        .for_each(|f| out.push_str(&format!("  merged by symbols: {f}\n")));
                }
                SubmitResult::Conflict(block) => {
                    out.push_str(&format!("{}\n", block.message));
                    for c in &block.conflicting_symbols {
                        out.push_str(&format!(
                            "  {} in {}: {}; {}\n",
                            c.symbol, c.file, c.your_change.description, c.their_change.description
                        ));
                    }
                }
            });
            if let SubmitResult::Conflict(_) = result {
                return Err(CommandError {
                    code: EXIT_USER,
                    message: "the session conflicts with the branch".into(),
                    hints: vec!["see the conflict block; edit the session and submit again".into()],
                });
            }
        }
        Action::Resolve {
            action,
            symbol,
            content_file,
        } => {
            let content = content_file
                .map(|f| {
                    std::fs::read(ctx.path(&f)).map_err(|e| {
                        CommandError::user(
                            format!("cannot read {}: {e}", f.display()),
                            "check the path",
                        )
                    })
                })
                .transpose()?;
            let action = match action {
                ResolveArg::Proceed => atomic_repo::ResolveAction::Proceed,
                ResolveArg::KeepYours => atomic_repo::ResolveAction::KeepYours,
                ResolveArg::KeepTheirs => atomic_repo::ResolveAction::KeepTheirs,
                ResolveArg::Manual => atomic_repo::ResolveAction::Manual,
            };
            let files = repo.session_resolve(
                &id()?,
                &token()?,
                action,
                symbol.as_deref(),
                content.as_deref(),
            )?;
            ctx.ui.emit(&serde_json::json!({ "files": files }), |out| {
                out.push_str("Rebased the session onto the branch\n");
                files.iter().for_each(|f| {
                    out.push_str(&format!(
                        "  {} ({} conflict(s) left)\n",
                        f.path, f.conflicts_left
                    ))
                });
            });
        }
        Action::Verify => {
            let report = repo.session_verify(&id()?, &token()?)?;
            ctx.ui.emit(&report, |out| {
                for r in &report.results {
                    let mark = if r.exit_code == Some(0) {
                        "ok  "
                    } else {
                        "FAIL"
                    };
                    out.push_str(&format!("{mark} {}\n", r.command));
                    if r.exit_code != Some(0) {
                        r.output_tail
                            .lines()
                            .for_each(|l| out.push_str(&format!("     {l}\n")));
                    }
                }
                out.push_str(if report.passed {
                    "verify passed\n"
                } else {
                    "verify failed\n"
                });
            });
            if !report.passed {
                return Err(CommandError {
                    code: EXIT_USER,
                    message: "a verify command failed".into(),
                    hints: vec!["fix the session's files and verify again".into()],
                });
            }
        }
        Action::Prune { older_than } => {
            let removed = repo.sessions_prune(older_than)?;
            ctx.ui
                .emit(&serde_json::json!({ "removed": removed }), |out| {
                    out.push_str(&format!("Removed {} session(s)\n", removed.len()))
                });
        }
        Action::Close => {
            let id = id()?;
            repo.session_close(&id, &token()?)?;
            ctx.ui.emit(&serde_json::json!({ "closed": id }), |out| {
                out.push_str(&format!("Closed {id}\n"))
            });
        }
        Action::List => {
            let sessions = repo.sessions()?;
            let list: Vec<serde_json::Value> = sessions
                .iter()
                .map(|s| serde_json::json!({ "session_id": s.id, "agent": s.agent, "intent": s.intent, "branch": s.branch, "base": s.base_commit, "mode": s.mode }))
                .collect();
            ctx.ui.emit(&list, |out| {
                sessions.iter().for_each(|s| {
                    out.push_str(&format!(
                        "{} {} {} {}\n",
                        s.id,
                        s.agent,
                        s.branch.trim_start_matches("refs/heads/"),
                        s.base_commit.short()
                    ))
                })
            });
        }
    }
    Ok(())
}
