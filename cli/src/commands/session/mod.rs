//! `atomic session ...`: virtual working copies for agents. One file per group of actions.

pub mod edit;
pub mod files;
pub mod list;
pub mod mount;
pub mod new;
pub mod review;
pub mod submit;

use std::path::PathBuf;

use clap::Subcommand;
use serde::{Deserialize, Serialize};

use super::Context;
use crate::error::CommandError;

/// Work in a session: a virtual working copy, created in milliseconds, submitted with auto-rebase
///
/// Session commands start `atomic serve` in the repository when none runs, so that many
/// agents are served at once (set ATOMIC_NO_SERVER=1 to run in this process instead).
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

/// A file mode, as `session write --mode` takes it.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ModeArg {
    /// A regular file
    Blob,
    /// An executable file
    Executable,
    /// A symbolic link (the contents are its target)
    Symlink,
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
        /// Also present the session as a directory here (FUSE)
        #[arg(long, value_name = "DIR")]
        mount: Option<PathBuf>,
    },
    /// Present the session as a directory (FUSE): edit it with any tool, then submit
    Mount {
        /// The directory (created if missing; it must be empty)
        dir: PathBuf,
    },
    /// Take the session's directory away (the session and its changes stay)
    Unmount,
    /// Print a file as the session sees it
    Read {
        /// The path, relative to the repository root
        path: String,
    },
    /// Write a file in the session (contents from --file, or standard input)
    Write {
        /// The path, relative to the repository root
        path: String,
        /// Read the contents from this file
        #[arg(long)]
        file: Option<PathBuf>,
        /// The file's mode (default: keep an existing file's, else a regular file)
        #[arg(long, value_enum)]
        mode: Option<ModeArg>,
    },
    /// Replace the one occurrence of a text in a file (the edit agents make most)
    Edit {
        /// The path, relative to the repository root
        path: String,
        /// The text to replace: it must be in the file exactly once
        #[arg(long)]
        old: String,
        /// What replaces it
        #[arg(long)]
        new: String,
    },
    /// Apply a unified diff from standard input (`git diff` output): every file or none
    Apply,
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
    /// Show where the session stands: its base, the branch, its files and live warnings
    Status,
    /// Comment on a line of the session's diff (kept with the session, shown by status)
    Comment {
        /// The file, relative to the repository root; the session must have changed it
        path: String,
        /// The line in the session's version of the file, from 1
        line: u32,
        /// The comment
        text: String,
        /// Who comments (default: git's user.name)
        #[arg(long)]
        author: Option<String>,
    },
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
    /// Remove sessions idle for at least --older-than seconds (with unsubmitted changes: --force)
    Prune {
        /// Idle time in seconds (since the last write, submit or creation)
        #[arg(long, value_name = "SECONDS")]
        older_than: u64,
        /// Also remove idle sessions that hold unsubmitted changes
        #[arg(long)]
        force: bool,
    },
    /// Close the session, dropping its changes
    Close,
    /// List the live sessions
    List,
}

/// A session and its token: what every session method takes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Auth {
    /// The session.
    pub session_id: String,
    /// Its secret token.
    pub token: String,
}

impl Args {
    /// The session and token: from the flags or the environment, else from the mount the
    /// current directory is in.
    fn auth(&self, ctx: &Context<'_>) -> Result<Auth, CommandError> {
        if let (Some(session_id), Some(token)) = (&self.session, &self.token) {
            return Ok(Auth {
                session_id: session_id.clone(),
                token: token.clone(),
            });
        }
        if self.session.is_none()
            && let Some(found) = atomic_repo::discover_session(&ctx.cwd)
        {
            return Ok(Auth {
                session_id: found.session_id,
                token: found.token,
            });
        }
        let (what, env) = if self.session.is_none() {
            ("session", "ATOMIC_SESSION")
        } else {
            ("token", "ATOMIC_SESSION_TOKEN")
        };
        Err(CommandError::new(
            "usage",
            format!("no {what} given"),
            format!("pass --{what} or set {env}, or run the command inside the session's mount"),
        ))
    }
}

/// Reads a file the user named (relative to the current directory).
pub fn read_user_file(ctx: &Context<'_>, path: &std::path::Path) -> Result<Vec<u8>, CommandError> {
    std::fs::read(ctx.path(path)).map_err(|e| {
        CommandError::user(
            format!("cannot read {}: {e}", path.display()),
            "check the path",
        )
    })
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let auth = || args.auth(ctx);
    match &args.action {
        Action::New {
            agent,
            intent,
            branch,
            persistent,
            mount,
        } => new::run(
            ctx,
            new::NewArgs {
                agent,
                intent: intent.as_deref(),
                branch: branch.as_deref(),
                persistent: *persistent,
                mount: mount.as_deref(),
            },
        ),
        Action::Mount { dir } => mount::mount(ctx, auth()?, dir),
        Action::Unmount => mount::unmount(ctx, auth()?),
        Action::Read { path } => files::read(ctx, auth()?, path),
        Action::Write { path, file, mode } => {
            files::write(ctx, auth()?, path, file.as_deref(), *mode)
        }
        Action::Edit { path, old, new } => edit::edit(ctx, auth()?, path, old, new),
        Action::Apply => edit::apply(ctx, auth()?),
        Action::Rm { path } => files::rm(ctx, auth()?, path),
        Action::Mv { from, to } => files::mv(ctx, auth()?, from, to),
        Action::Ls => files::ls(ctx, auth()?),
        Action::Diff => review::diff(ctx, auth()?),
        Action::Status => review::status(ctx, auth()?),
        Action::Comment {
            path,
            line,
            text,
            author,
        } => review::comment(
            ctx,
            review::CommentParams {
                auth: auth()?,
                path: path.clone(),
                line: *line,
                text: text.clone(),
                author: author.clone(),
            },
        ),
        Action::Submit { message } => submit::submit(ctx, auth()?, message),
        Action::Resolve {
            action,
            symbol,
            content_file,
        } => submit::resolve(
            ctx,
            auth()?,
            *action,
            symbol.clone(),
            content_file.as_deref(),
        ),
        Action::Verify => submit::verify(ctx, auth()?),
        Action::Prune { older_than, force } => list::prune(ctx, *older_than, *force),
        Action::Close => list::close(ctx, auth()?),
        Action::List => list::list(ctx),
    }
}
