//! `atomic dashboard`: the address of the web page of the repository's server.

use std::time::Duration;

use super::{AUTOSTART_IDLE, Context};
use crate::client::start_server;
use crate::dashboard::Info;
use crate::error::CommandError;
use atomic_api::Connection;

/// Print the address of the dashboard: every agent's sessions live, conflicts to resolve
///
/// The page is served by the repository's `atomic serve` (started when none runs) on
/// 127.0.0.1 only. Its address carries a secret: without it every page and request is
/// refused, and with it the page acts on any session (resolve, comment), so share it only
/// with people who may. A new server makes a new secret.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(ctx: &Context<'_>, _: Args) -> Result<(), CommandError> {
    let root = ctx.root()?;
    let mut connection = match Connection::connect(&root) {
        Some(c) => c,
        None => start_server(
            &root,
            ctx.open_options().lock_timeout.max(Duration::from_secs(10)),
            AUTOSTART_IDLE,
        )?,
    };
    let info: Info = connection.call("server.dashboard", &serde_json::json!({}))?;
    ctx.ui
        .emit(&info, |out| out.push_str(&format!("{}\n", info.url)));
    Ok(())
}
