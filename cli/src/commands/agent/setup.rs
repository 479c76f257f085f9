//! `atomic agent setup`: what agent hosts need to work in atomic sessions, written into
//! the repository.
//!
//! For each host: its MCP configuration, naming `atomic mcp` (Claude Code reads
//! `.mcp.json`, Cursor `.cursor/mcp.json`, Codex `.codex/config.toml`); Claude Code's
//! `WorktreeCreate` / `WorktreeRemove` hooks in `.claude/settings.json`, so its worktrees
//! are mounted sessions; and for every host a managed block in `AGENTS.md` and a skill
//! file (`.claude/skills/atomic-sessions/SKILL.md`) that teach the session workflow.

use std::path::Path;

use serde::Serialize;

use super::super::Context;
use crate::error::CommandError;

/// What `agent setup` takes.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The hosts to set up (default: all three)
    #[arg(long = "host", value_enum)]
    pub hosts: Vec<Host>,
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// An agent host.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Host {
    /// Claude Code
    Claude,
    /// OpenAI Codex
    Codex,
    /// Cursor
    Cursor,
}

/// One file `setup` looked at.
#[derive(Debug, Serialize)]
pub struct Planned {
    /// The path, relative to the repository root.
    pub path: String,
    /// `created`, `updated` or `unchanged`.
    pub action: &'static str,
    /// The contents it has (or would have) afterwards.
    #[serde(skip)]
    pub contents: String,
}

const BEGIN: &str = "<!-- atomic:begin -->";
const END: &str = "<!-- atomic:end -->";

/// The session workflow, for AGENTS.md and the skill file.
const WORKFLOW: &str = "\
This repository uses atomic sessions: isolated, copy-on-write working copies that cost \
nothing to create. Work in your own session, never in the shared checkout.

- Start: the `atomic_session_new` MCP tool (or `eval \"$(atomic session new --agent NAME)\"` \
in a shell). Keep the session_id it returns.
- Read and change files in the session: `atomic_read`, `atomic_edit` (replace one exact, \
unique piece of text), `atomic_apply_patch` (a unified diff), `atomic_write` (a whole \
file); in a shell `atomic session read|edit|apply|write`. A mounted session is a plain \
directory: edit it with any tool.
- Look before you land: `atomic_status`, `atomic_diff`; `atomic_context` tells what calls \
a symbol before you change it.
- Land: `atomic_submit` with a commit message. It merges by symbol with what others \
landed. On `status: conflict`, read the conflict block (base, yours and theirs of each \
symbol, and who changed theirs) and settle it with `atomic_resolve` \
(`keep_yours`, `keep_theirs`, `proceed` to edit the markers, `manual` with the file's \
contents), then submit again.
- Soft-conflict warnings on a write mean another live session changed the same symbol: \
coordinate, or expect a conflict at submit.
";

fn agents_block() -> String {
    format!("{BEGIN}\n## Working in atomic sessions\n\n{WORKFLOW}{END}\n")
}

fn skill() -> String {
    format!(
        "---\nname: atomic-sessions\ndescription: Work in an atomic session (isolated copy-on-write \
working copy) and land changes with a symbol-aware merge. Use for any code change in this \
repository.\n---\n\n# Working in atomic sessions\n\n{WORKFLOW}"
    )
}

/// The MCP server entry every host's configuration names.
fn mcp_server() -> serde_json::Value {
    serde_json::json!({ "command": "atomic", "args": ["mcp"] })
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let root = ctx.root()?;
    let hosts = if args.hosts.is_empty() {
        vec![Host::Claude, Host::Codex, Host::Cursor]
    } else {
        args.hosts.clone()
    };
    let planned = plan(&root, &hosts)?;
    if !args.dry_run {
        for p in planned.iter().filter(|p| p.action != "unchanged") {
            let path = root.join(&p.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
            }
            std::fs::write(&path, &p.contents).map_err(|e| io_error(&path, &e))?;
        }
    }
    let doc = serde_json::json!({ "dry_run": args.dry_run, "hosts": hosts, "files": planned });
    ctx.ui.emit(&doc, |out| {
        for p in &planned {
            let verb = match (args.dry_run, p.action) {
                (true, "created") => "would create",
                (true, "updated") => "would update",
                (_, action) => action,
            };
            out.push_str(&format!("{verb} {}\n", p.path));
            if args.dry_run && p.action != "unchanged" {
                for line in p.contents.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
        }
    });
    Ok(())
}

fn io_error(path: &Path, e: &std::io::Error) -> CommandError {
    CommandError::user(
        format!("cannot write {}: {e}", path.display()),
        "check the directory's permissions",
    )
}

/// What each file should hold, and whether that changes it.
fn plan(root: &Path, hosts: &[Host]) -> Result<Vec<Planned>, CommandError> {
    let mut out = Vec::new();
    let mut add = |rel: &str, next: String, current: Option<String>| {
        let action = match &current {
            None => "created",
            Some(c) if *c == next => "unchanged",
            Some(_) => "updated",
        };
        out.push(Planned {
            path: rel.to_owned(),
            action,
            contents: next,
        });
    };
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).ok();
    for host in hosts {
        match host {
            Host::Claude => {
                let current = read(".mcp.json");
                add(
                    ".mcp.json",
                    json_with_server(".mcp.json", current.as_deref())?,
                    current,
                );
                let current = read(".claude/settings.json");
                add(
                    ".claude/settings.json",
                    claude_settings(current.as_deref())?,
                    current,
                );
                let current = read(".claude/skills/atomic-sessions/SKILL.md");
                add(".claude/skills/atomic-sessions/SKILL.md", skill(), current);
            }
            Host::Cursor => {
                let current = read(".cursor/mcp.json");
                add(
                    ".cursor/mcp.json",
                    json_with_server(".cursor/mcp.json", current.as_deref())?,
                    current,
                );
            }
            Host::Codex => {
                let current = read(".codex/config.toml");
                add(
                    ".codex/config.toml",
                    codex_config(current.as_deref())?,
                    current,
                );
            }
        }
    }
    let current = read("AGENTS.md");
    add("AGENTS.md", agents_md(current.as_deref()), current);
    Ok(out)
}

fn parse_json(rel: &str, text: Option<&str>) -> Result<serde_json::Value, CommandError> {
    match text {
        None => Ok(serde_json::json!({})),
        Some(t) => match serde_json::from_str::<serde_json::Value>(t) {
            Ok(v) if v.is_object() => Ok(v),
            _ => Err(CommandError::user(
                format!("{rel} is not a JSON object"),
                format!("fix or move {rel}, then run `atomic agent setup` again"),
            )),
        },
    }
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON serializes");
    text.push('\n');
    text
}

/// `{"mcpServers": {"atomic": ...}}` merged into an MCP configuration file.
fn json_with_server(rel: &str, text: Option<&str>) -> Result<String, CommandError> {
    let mut doc = parse_json(rel, text)?;
    let servers = doc
        .as_object_mut()
        .expect("an object")
        .entry("mcpServers")
        .or_insert_with(|| serde_json::json!({}));
    let Some(servers) = servers.as_object_mut() else {
        return Err(CommandError::user(
            format!("`mcpServers` in {rel} is not an object"),
            format!("fix {rel}, then run `atomic agent setup` again"),
        ));
    };
    servers.insert("atomic".into(), mcp_server());
    Ok(keep_if_equal(text, pretty(&doc)))
}

/// The same text when it already says the same (only formatting differs).
fn keep_if_equal(current: Option<&str>, next: String) -> String {
    match current {
        Some(c)
            if serde_json::from_str::<serde_json::Value>(c).ok()
                == serde_json::from_str::<serde_json::Value>(&next).ok() =>
        {
            c.to_owned()
        }
        _ => next,
    }
}

/// Claude Code's settings with the worktree hooks (existing hooks of other events kept;
/// an existing atomic hook not added twice).
fn claude_settings(text: Option<&str>) -> Result<String, CommandError> {
    let rel = ".claude/settings.json";
    let mut doc = parse_json(rel, text)?;
    let bad = || {
        CommandError::user(
            format!("`hooks` in {rel} is not in Claude Code's shape"),
            format!("fix {rel}, then run `atomic agent setup` again"),
        )
    };
    let hooks = doc
        .as_object_mut()
        .expect("an object")
        .entry("hooks")
        .or_insert_with(|| serde_json::json!({}))
        .as_object_mut()
        .ok_or_else(bad)?;
    for (event, command, timeout) in [
        (
            "WorktreeCreate",
            "atomic agent hook worktree-create",
            Some(60),
        ),
        ("WorktreeRemove", "atomic agent hook worktree-remove", None),
    ] {
        let list = hooks
            .entry(event)
            .or_insert_with(|| serde_json::json!([]))
            .as_array_mut()
            .ok_or_else(bad)?;
        let present = list.iter().any(|m| {
            m["hooks"]
                .as_array()
                .is_some_and(|h| h.iter().any(|h| h["command"] == command))
        });
        if !present {
            let mut hook = serde_json::json!({ "type": "command", "command": command });
            if let Some(t) = timeout {
                hook["timeout"] = t.into();
            }
            list.push(serde_json::json!({ "hooks": [hook] }));
        }
    }
    Ok(keep_if_equal(text, pretty(&doc)))
}

/// Codex's `.codex/config.toml` with `[mcp_servers.atomic]` (appended when absent).
fn codex_config(text: Option<&str>) -> Result<String, CommandError> {
    let current = text.unwrap_or_default();
    let doc: toml::Table = toml::from_str(current).map_err(|e| {
        CommandError::user(
            format!(".codex/config.toml does not parse: {e}"),
            "fix it, then run `atomic agent setup` again",
        )
    })?;
    let present = doc
        .get("mcp_servers")
        .and_then(|s| s.get("atomic"))
        .is_some();
    if present {
        return Ok(current.to_owned());
    }
    let mut next = current.to_owned();
    if !next.is_empty() && !next.ends_with("\n\n") {
        next.push_str(if next.ends_with('\n') { "\n" } else { "\n\n" });
    }
    next.push_str("[mcp_servers.atomic]\ncommand = \"atomic\"\nargs = [\"mcp\"]\n");
    Ok(next)
}

/// AGENTS.md with the managed block replaced, or appended when absent.
fn agents_md(text: Option<&str>) -> String {
    let block = agents_block();
    let Some(current) = text else {
        return block;
    };
    if let (Some(start), Some(end)) = (current.find(BEGIN), current.find(END))
        && start < end
    {
        let after = &current[end + END.len()..];
        let after = after.strip_prefix('\n').unwrap_or(after);
        return format!("{}{block}{after}", &current[..start]);
    }
    let mut next = current.to_owned();
    if !next.is_empty() {
        next.push_str(if next.ends_with('\n') { "\n" } else { "\n\n" });
    }
    next.push_str(&block);
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_md_keeps_what_is_outside_its_block() {
        let first = agents_md(Some("# Project\n\nRules.\n"));
        assert!(first.starts_with("# Project\n\nRules.\n\n<!-- atomic:begin -->"));
        let edited = first.replace("Working in atomic sessions", "old title") + "\nMore.\n";
        let again = agents_md(Some(&edited));
        assert_eq!(again, first.clone() + "\nMore.\n");
        assert_eq!(agents_md(Some(&again)), again);
    }

    #[test]
    fn configuration_is_merged_and_idempotent() {
        let mcp = json_with_server(
            ".mcp.json",
            Some(r#"{"mcpServers":{"other":{"command":"x"}}}"#),
        )
        .unwrap();
        let doc: serde_json::Value = serde_json::from_str(&mcp).unwrap();
        assert_eq!(doc["mcpServers"]["other"]["command"], "x");
        assert_eq!(doc["mcpServers"]["atomic"]["args"][0], "mcp");
        assert_eq!(json_with_server(".mcp.json", Some(&mcp)).unwrap(), mcp);
        let settings = claude_settings(Some(r#"{"hooks":{"Stop":[]}}"#)).unwrap();
        assert_eq!(claude_settings(Some(&settings)).unwrap(), settings);
        assert!(settings.contains("\"Stop\"") && settings.contains("worktree-create"));
        let codex = codex_config(Some("model = \"o4\"\n")).unwrap();
        assert!(codex.starts_with("model = \"o4\"\n\n[mcp_servers.atomic]"));
        assert_eq!(codex_config(Some(&codex)).unwrap(), codex);
        assert!(json_with_server(".mcp.json", Some("[1]")).is_err());
    }
}
