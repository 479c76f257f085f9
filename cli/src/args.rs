//! The command line's arguments that both the thin client and the engine parse: the
//! global flags and `atomic session`'s.

use std::path::{Path, PathBuf};

use atomic_api::{Auth, CommandError};
use clap::{Args, Subcommand, ValueEnum};

/// Flags every command takes.
#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// Run in this repository instead of the one containing the current directory
    #[arg(short = 'R', long = "repository", global = true, value_name = "PATH")]
    pub repository: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// When to color the output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print no status messages or progress on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Never send log, show and diff through a pager (ATOMIC_PAGER, GIT_PAGER, git's
    /// core.pager or PAGER; `less` by default), which they use on a terminal
    #[arg(long, global = true)]
    pub no_pager: bool,
}

/// When to color the output.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Work in a session: a virtual working copy, created in milliseconds, submitted with auto-rebase
///
/// Session commands start `atomic serve` in the repository when none runs, so that many
/// agents are served at once (set ATOMIC_NO_SERVER=1 to run in this process instead).
#[derive(Args, Debug)]
pub struct SessionArgs {
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
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// A file mode, as `session write --mode` takes it.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ModeArg {
    /// A regular file
    Blob,
    /// An executable file
    Executable,
    /// A symbolic link (the contents are its target)
    Symlink,
}

/// How `resolve` settles conflicts.
#[derive(Clone, Copy, Debug, ValueEnum)]
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

impl SessionArgs {
    /// The session and token: from the flags or the environment, else from the mount the
    /// current directory is in.
    pub fn auth(&self, cwd: &Path) -> Result<Auth, CommandError> {
        if let (Some(session_id), Some(token)) = (&self.session, &self.token) {
            return Ok(Auth {
                session_id: session_id.clone(),
                token: token.clone(),
            });
        }
        if self.session.is_none()
            && let Some(found) = atomic_api::discover_session(cwd)
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
