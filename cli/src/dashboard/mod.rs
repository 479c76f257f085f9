//! The dashboard: a web page served by `atomic serve` on loopback, where a person watches
//! every agent's sessions live and settles conflicts (see book/src/dashboard.md).
//!
//! ### Security
//! The listener binds `127.0.0.1` on a port the system picks. Every request, pages and
//! assets included, must carry the dashboard's secret (64 random hex digits) as the
//! `secret` query parameter or the `X-Atomic-Secret` header, and a `Host` header naming
//! that loopback address (which turns away DNS rebinding); anything else gets `403`.
//! Nothing is read from disk: the page, script and style are compiled in, and the API
//! reaches the repository only through the typed methods of [`crate::api`], from an
//! allowlist. The secret is also the repository's owner token (see
//! `Repo::set_owner_token`): the API passes it where a session's token goes, so a
//! person at the dashboard acts on any session, and nobody without the secret acts on any.
//! POSTs must send `application/json`, which a cross-site form cannot.
//!
//! ### Live updates
//! `GET /api/events` is a stream of server-sent events: `symbol` for each event of the
//! log that `atomic watch` reads (the event's JSON, its sequence number as the SSE id),
//! and `changed` whenever the store's generation moves (a write, a submit, a resolve,
//! a session created or closed), on which the page asks for the state again.

mod http;
mod state;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atomic_repo::Repo;
use serde::{Deserialize, Serialize};

use crate::error::CommandError;

/// Requests handled at once (each event stream holds one until its page closes).
const MAX_REQUESTS: usize = 256;
/// How often an event stream looks for news.
const POLL: Duration = Duration::from_millis(200);

/// The methods the dashboard's API may call, with whether each acts on a session (then
/// the secret goes in as its token).
const METHODS: &[(&str, bool)] = &[
    ("session.list", false),
    ("session.status", true),
    ("session.diff", true),
    ("session.read", true),
    ("session.resolve", true),
    ("session.comment", true),
    ("log", false),
    ("show", false),
    ("show.symbols", false),
    ("events", false),
];

/// What `server.dashboard` answers, and `atomic dashboard --json` prints.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Info {
    /// The page's address, secret included.
    pub url: String,
}

/// What the dashboard's threads share.
struct Shared {
    /// Cloned for each request (a repository handle is not shared between threads).
    repo: std::sync::Mutex<Repo>,
    secret: String,
    host: String,
    in_flight: AtomicUsize,
    keepalive: Box<dyn Fn() + Send + Sync>,
}

/// Starts the dashboard of `repo`: makes a new secret the owner token, listens on a
/// loopback port, and serves until the process ends. `keepalive` is called while a page is
/// open, so that an idle server stays for it.
///
/// # Errors
/// No loopback port to listen on; the store's errors writing the owner token.
pub fn start(repo: Repo, keepalive: Box<dyn Fn() + Send + Sync>) -> Result<Info, CommandError> {
    let server = tiny_http::Server::http("127.0.0.1:0").map_err(|e| {
        CommandError::internal(
            "io",
            format!("cannot listen on a loopback port: {e}"),
            "check that 127.0.0.1 is configured",
        )
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or_else(|| {
            CommandError::internal("io", "the listener has no port", "report this as a bug")
        })?;
    let (secret, _) = atomic_repo::new_token();
    repo.set_owner_token(Some(&secret))?;
    let host = format!("127.0.0.1:{port}");
    let info = Info {
        url: format!("http://{host}/?secret={secret}"),
    };
    let shared = Arc::new(Shared {
        repo: std::sync::Mutex::new(repo),
        secret,
        host,
        in_flight: AtomicUsize::new(0),
        keepalive,
    });
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            if shared.in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_REQUESTS {
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = request.respond(http::text(503, "too many requests at once"));
                continue;
            }
            let shared = Arc::clone(&shared);
            let repo = shared
                .repo
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            std::thread::spawn(move || {
                http::handle(&shared, &repo, request);
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Ok(info)
}

/// Whether `method` may be called from the page, and whether it acts on a session.
fn allowed(method: &str) -> Option<bool> {
    METHODS
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, on_session)| *on_session)
}
