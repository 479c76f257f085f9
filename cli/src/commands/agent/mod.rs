//! `atomic agent setup` (see [`setup`]) and `atomic agent hook ...`: agent hosts' worktree
//! hooks, answered with mounted sessions.
//!
//! Claude Code's `WorktreeCreate` hook replaces `git worktree add`: it sends a JSON object
//! on standard input (`name`, a slug; `cwd`, the project) and uses the absolute path the
//! hook prints on standard output as the agent's working directory. `WorktreeRemove` sends
//! `worktree_path` when the agent's worktree goes. See book/src/agents.md for the
//! configuration of Claude Code, Codex and Cursor.

mod setup;

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Deserialize;

use super::Context;
use super::session::Auth;
use super::session::list::Close;
use super::session::mount::Unmount;
use super::session::review::Status;
use crate::error::CommandError;
use atomic_api::session::{New, NewParams};

/// Let agent hosts (Claude Code, Codex, Cursor) use sessions as their worktrees
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

/// Agent actions.
#[derive(Subcommand, Debug)]
pub enum Action {
    /// Write what agent hosts need to use atomic here: MCP configuration, worktree hooks,
    /// a managed block in AGENTS.md and a skill file
    ///
    /// Idempotent: files already as they should be are left alone, JSON and TOML
    /// configuration is merged key by key, and AGENTS.md keeps everything outside the
    /// block between `<!-- atomic:begin -->` and `<!-- atomic:end -->`.
    Setup(setup::Args),
    /// Answer an agent host's hook (its JSON on standard input)
    #[command(subcommand)]
    Hook(Hook),
}

/// The hooks.
#[derive(Subcommand, Debug)]
pub enum Hook {
    /// Claude Code's WorktreeCreate: create a mounted session, print its directory
    WorktreeCreate,
    /// Claude Code's WorktreeRemove: unmount the session; close it unless it holds
    /// unsubmitted changes
    WorktreeRemove,
}

/// What the hooks read from standard input (unknown fields are ignored).
#[derive(Debug, Default, Deserialize)]
struct HookInput {
    /// The worktree's name (WorktreeCreate).
    #[serde(default)]
    name: Option<String>,
    /// The project directory.
    #[serde(default)]
    cwd: Option<PathBuf>,
    /// The directory WorktreeCreate printed (WorktreeRemove).
    #[serde(default)]
    worktree_path: Option<PathBuf>,
}

/// Where hook-made mounts live: `.atomic/mounts/<name>`.
pub const MOUNTS_DIR: &str = "mounts";

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let hook = match args.action {
        Action::Setup(args) => return setup::run(ctx, args),
        Action::Hook(hook) => hook,
    };
    let input = atomic_cli::front::read_stdin()?;
    let input: HookInput = serde_json::from_slice(&input).map_err(|e| {
        CommandError::user(
            format!("the hook's input is not the JSON object expected: {e}"),
            "agent hosts send it on standard input, e.g. {\"name\":\"feature-x\",\"cwd\":\"/path/to/repo\"}",
        )
    })?;
    match hook {
        Hook::WorktreeCreate => create(ctx, input),
        Hook::WorktreeRemove => remove(ctx, input),
    }
}

/// A name safe as one path component: letters, digits, `-`, `_` and `.` kept, the rest `-`.
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('.').to_owned();
    if s.is_empty() { "agent".into() } else { s }
}

/// A context for the repository at `dir` (the hook's `cwd`), else the current one.
fn context_at<'a>(ctx: &Context<'a>, dir: Option<&Path>) -> Option<Context<'a>> {
    let dir = dir?;
    Some(Context::new(
        super::GlobalArgs {
            repository: Some(dir.to_owned()),
            json: ctx.global.json,
            color: ctx.global.color,
            quiet: ctx.global.quiet,
            no_pager: ctx.global.no_pager,
        },
        ctx.ui,
        ctx.cwd.clone(),
        true,
    ))
}

fn create(ctx: &Context<'_>, input: HookInput) -> Result<(), CommandError> {
    let at = context_at(ctx, input.cwd.as_deref());
    let ctx = at.as_ref().unwrap_or(ctx);
    let name = slug(input.name.as_deref().unwrap_or("agent"));
    let root = ctx.root()?;
    let dir = root
        .join(atomic_repo::ATOMIC_DIR)
        .join(MOUNTS_DIR)
        .join(&name);
    let created = ctx.call::<New>(NewParams {
        agent: format!("claude-{name}"),
        intent: Some(format!("agent worktree {name}")),
        branch: None,
        persistent: true,
        mount: Some(dir),
    })?;
    let dir = created.mount.ok_or_else(|| {
        CommandError::internal(
            "mount",
            "the session was not mounted",
            "see `atomic doctor`",
        )
    })?;
    // Standard output carries the path and nothing else.
    println!("{}", dir.display());
    Ok(())
}

fn remove(ctx: &Context<'_>, input: HookInput) -> Result<(), CommandError> {
    let Some(path) = input.worktree_path else {
        return Err(CommandError::user(
            "the hook's input has no worktree_path",
            "WorktreeRemove sends the path WorktreeCreate printed as `worktree_path`",
        ));
    };
    let found = atomic_repo::discover_session(&path).or_else(|| {
        let root = input
            .cwd
            .as_deref()
            .and_then(|cwd| atomic_repo::Repo::discover(cwd).ok())?;
        atomic_repo::find_mounted_session(&root, &path)
    });
    let Some(found) = found else {
        return Err(CommandError::user(
            format!("no session is mounted at {}", path.display()),
            "see `atomic session list`",
        ));
    };
    let at = context_at(ctx, Some(&found.root)).expect("a directory");
    let auth = Auth {
        session_id: found.session_id.clone(),
        token: found.token.clone(),
    };
    let status = at.call::<Status>(auth.clone())?;
    if status.files.is_empty() {
        at.call::<Close>(auth)?;
        ctx.ui
            .status(&format!("Closed session {} (no changes)", found.session_id));
        let _ = std::fs::remove_dir(&path);
        return Ok(());
    }
    at.call::<Unmount>(auth.clone())?;
    ctx.ui.status(&format!(
        "Unmounted {}; kept session {} with {} changed file(s). Submit or mount it again with:\n  \
         atomic -R {} session --session {} --token {} mount {}",
        path.display(),
        found.session_id,
        status.files.len(),
        found.root.display(),
        found.session_id,
        found.token,
        path.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn names_become_one_safe_path_component() {
        assert_eq!(slug("bold-oak-a3f2"), "bold-oak-a3f2");
        assert_eq!(slug("../../etc"), "-..-etc");
        assert_eq!(slug("a b/c"), "a-b-c");
        assert_eq!(slug(".."), "agent");
    }
}
