//! What the page shows, gathered in one answer (`GET /api/state`): the live sessions with
//! where each stands, and the recent changes with their symbols.

use atomic_repo::{NoProgress, Repo, SessionStatus};
use serde::Serialize;

use crate::api::Run;
use crate::commands::diff::FileSymbolChanges;
use crate::commands::session::Auth;
use crate::commands::session::list::{List, SessionView};
use crate::commands::session::review::Status;
use crate::commands::show::{self, ShowSymbols};
use crate::commands::{branch::NoParams, log};
use crate::error::CommandError;
use crate::views::ChangeView;

/// How many recent changes the page lists.
const RECENT_CHANGES: usize = 15;

/// The page's whole state.
#[derive(Debug, Serialize)]
pub struct State {
    /// The store's generation this state was read at (see `Repo::generation`).
    pub generation: u64,
    /// Seconds since the Unix epoch, on the server's clock.
    pub now_seconds: i64,
    /// The repository's root.
    pub root: String,
    /// The live sessions, oldest first.
    pub sessions: Vec<SessionState>,
    /// The most recent changes of every branch, newest first.
    pub changes: Vec<RecentChange>,
}

/// A live session and where it stands.
#[derive(Debug, Serialize)]
pub struct SessionState {
    /// When it was created and last active.
    #[serde(flatten)]
    pub view: SessionView,
    /// Its files, symbols, warnings, conflicts and comments.
    pub status: SessionStatus,
}

/// A change with the symbols it changed.
#[derive(Debug, Serialize)]
pub struct RecentChange {
    /// The change, as `log` prints it.
    #[serde(flatten)]
    pub change: ChangeView,
    /// Its symbols, by file.
    pub symbols: Vec<FileSymbolChanges>,
}

/// Reads the state, acting on sessions with the owner's `secret`.
///
/// # Errors
/// The methods' errors.
pub fn read(repo: &Repo, secret: &str) -> Result<State, CommandError> {
    let generation = repo.generation();
    repo.sync(&NoProgress)?;
    let sessions = statuses(repo, secret, List::run(repo, NoParams {}, &NoProgress)?)?;
    let log = log::Log::run(
        repo,
        log::Params {
            revisions: Vec::new(),
            all: true,
            limit: Some(RECENT_CHANGES),
            paths: Vec::new(),
            author: None,
            reverse: false,
            patch_context: None,
            graph: false,
            stat: false,
        },
        &NoProgress,
    )?;
    let mut changes = Vec::new();
    for change in log {
        let symbols = ShowSymbols::run(
            repo,
            show::Params {
                revision: change.change_id.clone(),
                context: 0,
            },
            &NoProgress,
        )?
        .files;
        changes.push(RecentChange { change, symbols });
    }
    Ok(State {
        generation,
        now_seconds: crate::views::now_seconds(),
        root: repo.root().display().to_string(),
        sessions,
        changes,
    })
}

/// Each session's status, read on as many threads as the machine has cores (each with its
/// own handle on the repository), in the list's order.
fn statuses(
    repo: &Repo,
    secret: &str,
    views: Vec<SessionView>,
) -> Result<Vec<SessionState>, CommandError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(views.len().max(1));
    let chunk = views.len().div_ceil(threads).max(1);
    let mut chunks: Vec<Vec<SessionView>> = Vec::new();
    let mut views = views.into_iter().peekable();
    while views.peek().is_some() {
        chunks.push(views.by_ref().take(chunk).collect());
    }
    let results: Vec<Result<Vec<SessionState>, CommandError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let repo = repo.clone();
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for view in chunk {
                        let auth = Auth {
                            session_id: view.session_id.clone(),
                            token: secret.to_owned(),
                        };
                        match Status::run(&repo, auth, &NoProgress) {
                            Ok(status) => out.push(SessionState { view, status }),
                            // Closed between the list and its status.
                            Err(e) if e.kind == "no_such_session" => {}
                            Err(e) => return Err(e),
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a status thread does not panic"))
            .collect()
    });
    let mut sessions = Vec::new();
    for r in results {
        sessions.extend(r?);
    }
    Ok(sessions)
}
