//! `atomic watch`: symbol events of merged changes, as JSON lines.

use std::time::Duration;

use atomic_repo::{Event, Progress, Repo};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::api::{Method, Run};
use crate::error::CommandError;

/// Print the symbol events of merged changes (added, modified, deleted), one JSON line each
///
/// Each event has a sequence number; `--since N` prints only later ones, so a watcher in
/// another process resumes where it left off. With --follow it keeps printing new events,
/// asking for them every --interval-ms; it holds nothing between looks.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only symbols matching these glob patterns (`auth::*`, `*validate*`)
    #[arg(long = "symbols", value_name = "PATTERN", num_args = 1..)]
    pub symbols: Vec<String>,
    /// Only files matching these glob patterns (`src/**/*.rs`)
    #[arg(long = "paths", value_name = "GLOB", num_args = 1..)]
    pub paths: Vec<String>,
    /// Only events after this sequence number
    #[arg(long, default_value_t = 0)]
    pub since: u64,
    /// Keep watching for new events
    #[arg(long)]
    pub follow: bool,
    /// With --follow: milliseconds between looks
    #[arg(long, default_value_t = 500)]
    pub interval_ms: u64,
}

/// What `events` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Params {
    /// Only events after this sequence number.
    #[serde(default)]
    pub since: u64,
    /// At most this many (default 1,000).
    #[serde(default = "default_limit")]
    pub limit: usize,
}

fn default_limit() -> usize {
    1000
}

/// `events`: symbol events after a sequence number, oldest first; answers at once.
pub struct Events;

impl Method for Events {
    const NAME: &'static str = "events";
    type Params = Params;
    type Output = Vec<Event>;
}

impl Run for Events {
    fn run(repo: &Repo, p: Params, _: &dyn Progress) -> Result<Vec<Event>, CommandError> {
        Ok(repo.events_since(p.since, p.limit.clamp(1, 10_000))?)
    }
}

fn globs(patterns: &[String]) -> Result<Option<GlobSet>, CommandError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(Glob::new(p).map_err(|e| {
            CommandError::user(
                format!("bad pattern `{p}`: {e}"),
                "use glob syntax: * ? [..] **",
            )
        })?);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| CommandError::user(e.to_string(), "use glob syntax"))
}

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    let (symbols, paths) = (globs(&args.symbols)?, globs(&args.paths)?);
    let mut since = args.since;
    loop {
        let events = ctx.call::<Events>(Params {
            since,
            limit: default_limit(),
        })?;
        let full = events.len() == default_limit();
        for e in &events {
            since = since.max(e.seq);
            if symbols.as_ref().is_some_and(|g| !g.is_match(&e.symbol))
                || paths.as_ref().is_some_and(|g| !g.is_match(&e.path))
            {
                continue;
            }
            // A stream: JSON lines whether or not --json is given.
            let mut line = serde_json::to_string(e).expect("events serialize");
            line.push('\n');
            if ctx.ui.write_out(line.as_bytes()).is_err() {
                return Ok(());
            }
        }
        if full {
            continue;
        }
        if !args.follow {
            return Ok(());
        }
        // Hold nothing between looks: a store opened here would keep everyone else out.
        ctx.release();
        std::thread::sleep(Duration::from_millis(args.interval_ms));
    }
}
