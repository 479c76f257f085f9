//! `atomic serve`: one process owns the store and answers JSON-RPC requests (see
//! [`crate::rpc`]) from any number of clients at once.
//!
//! Each connection has its own thread and its own clone of the repository; the library's
//! locks (per session, and the store's write lock for landing commits) are the only
//! serialization, so reads and writes to different sessions run in parallel and a long
//! `verify` or `push` delays nobody. Answers are written after every lock is released,
//! with a write timeout, so a client that stops reading stalls only itself. Messages over
//! [`rpc::MAX_MESSAGE_BYTES`] are refused, idle connections close after
//! [`IDLE_CONNECTION`], and past [`ServeOptions::max_connections`] a new connection gets a
//! `busy` error and is closed.

use std::io::{BufReader, ErrorKind};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use atomic_repo::{ATOMIC_DIR, Repo};

use crate::error::{CommandError, EXIT_BUSY};
use crate::rpc::{self, Request, Response};
use crate::ui::Ui;
use atomic_api::socket_path;

/// How long a connection may stay silent between requests before it is closed.
pub const IDLE_CONNECTION: Duration = Duration::from_secs(600);
/// How long writing one answer may take before the client is given up on.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How a server runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Leave after this long without a connection or request (`None`: run until stopped).
    pub idle: Option<Duration>,
    /// Connections served at once; more are answered `busy` and closed.
    pub max_connections: usize,
}

/// What the threads of a server share.
struct State {
    root: PathBuf,
    socket: PathBuf,
    stopping: AtomicBool,
    connections: AtomicUsize,
    requests: AtomicUsize,
    last_activity: Mutex<Instant>,
    options: ServeOptions,
    /// The dashboard, once asked for.
    dashboard: Mutex<Option<crate::dashboard::Info>>,
}

impl State {
    fn touch(&self) {
        *self
            .last_activity
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    /// Starts stopping: no new connections; the accept loop is woken.
    fn stop(&self) {
        if !self.stopping.swap(true, Ordering::SeqCst) {
            let _ = UnixStream::connect(&self.socket);
        }
    }
}

/// Takes the repository's server lock (`.atomic/serve.lock`): `None` when another server
/// holds it. The lock lives as long as the returned file.
pub fn lock_server(root: &Path) -> Result<Option<std::fs::File>, CommandError> {
    let path = root.join(ATOMIC_DIR).join("serve.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            CommandError::internal(
                "io",
                format!("cannot open {}: {e}", path.display()),
                "check .atomic's permissions",
            )
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(CommandError::internal(
            "io",
            format!("cannot lock {}: {e}", path.display()),
            "check .atomic's permissions",
        )),
    }
}

/// Serves `repo` until stopped (`server.stop`, idle time, or the repository's removal).
/// The caller holds the server lock ([`lock_server`]).
///
/// # Errors
/// The socket cannot be created (a path over the system's limit of about 100 bytes, or
/// no permission).
pub fn run(repo: Repo, ui: &Ui, options: ServeOptions) -> Result<(), CommandError> {
    let root = repo.root().to_owned();
    let socket = socket_path(&root);
    // We hold the server lock: a socket here is a dead server's.
    match std::fs::remove_file(&socket) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(socket_error(&socket, &e)),
    }
    // A dashboard secret left by a server that was killed opens nothing any more.
    repo.set_owner_token(None)?;
    let listener = UnixListener::bind(&socket).map_err(|e| socket_error(&socket, &e))?;
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| socket_error(&socket, &e))?;
    ui.status(&format!(
        "Serving {} on {} (pid {})",
        root.display(),
        socket.display(),
        std::process::id()
    ));
    let state = Arc::new(State {
        root,
        socket,
        stopping: AtomicBool::new(false),
        connections: AtomicUsize::new(0),
        requests: AtomicUsize::new(0),
        last_activity: Mutex::new(Instant::now()),
        options,
        dashboard: Mutex::new(None),
    });
    let monitor = {
        let state = Arc::clone(&state);
        std::thread::spawn(move || watch_idle(&state))
    };
    for stream in listener.incoming() {
        if state.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        state.touch();
        let live = state.connections.fetch_add(1, Ordering::SeqCst);
        if live >= state.options.max_connections {
            refuse_busy(stream, live);
            state.connections.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (state, repo) = (Arc::clone(&state), repo.clone());
        std::thread::spawn(move || {
            serve_connection(stream, &repo, &state);
            state.connections.fetch_sub(1, Ordering::SeqCst);
            state.touch();
        });
    }
    // Let the requests in progress finish and answer.
    let started = Instant::now();
    while state.requests.load(Ordering::SeqCst) > 0 && started.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = std::fs::remove_file(&state.socket);
    let _ = monitor.join();
    if state
        .dashboard
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_some()
    {
        // The secret dies with the server.
        let _ = repo.set_owner_token(None);
    }
    Ok(())
}

fn socket_error(socket: &Path, e: &std::io::Error) -> CommandError {
    CommandError::internal(
        "io",
        format!("cannot listen on {}: {e}", socket.display()),
        "Unix socket paths are limited to about 100 bytes: move the repository to a shorter path",
    )
}

fn refuse_busy(mut stream: UnixStream, live: usize) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let error = CommandError {
        kind: "busy".into(),
        code: EXIT_BUSY,
        message: format!("the atomic server is serving {live} connections, its limit"),
        hints: vec!["retry shortly, or start the server with a higher --max-connections".into()],
    };
    let _ = rpc::write_message(&mut stream, &Response::err(serde_json::Value::Null, error));
}

/// Stops the server when it has been idle long enough, or when its socket (or the whole
/// repository) is gone: then nobody can reach it, so once the requests in progress are
/// answered the process exits.
fn watch_idle(state: &State) {
    while !state.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(250));
        if !state.socket.exists() || !state.root.join(ATOMIC_DIR).is_dir() {
            state.stopping.store(true, Ordering::SeqCst);
            let started = Instant::now();
            while state.requests.load(Ordering::SeqCst) > 0
                && started.elapsed() < Duration::from_secs(60)
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            if let Some(mounts) = crate::mounts::registry() {
                mounts.unmount_all();
            }
            std::process::exit(0);
        }
        let Some(idle) = state.options.idle else {
            continue;
        };
        let quiet = state
            .last_activity
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .elapsed();
        let mounted = crate::mounts::registry().is_some_and(crate::mounts::Mounts::any);
        if state.connections.load(Ordering::SeqCst) == 0 && quiet >= idle && !mounted {
            state.stop();
            return;
        }
    }
}

/// Answers one connection's requests, in order, until it closes, idles out or asks the
/// server to stop.
fn serve_connection(stream: UnixStream, repo: &Repo, state: &Arc<State>) {
    let _ = stream.set_read_timeout(Some(IDLE_CONNECTION));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while !state.stopping.load(Ordering::SeqCst) {
        let line = match rpc::read_message(&mut reader, rpc::MAX_MESSAGE_BYTES) {
            Ok(Some(line)) => line,
            Ok(None) => return,
            Err(e) if e.kind() == ErrorKind::InvalidData => {
                let error = CommandError::internal(
                    "too_large",
                    format!("a message over {} bytes", rpc::MAX_MESSAGE_BYTES),
                    "send large contents as `from_file` (a path on this machine)",
                );
                let _ =
                    rpc::write_message(&mut writer, &Response::err(serde_json::Value::Null, error));
                return;
            }
            Err(_) => return,
        };
        state.touch();
        let request: Request = match serde_json::from_slice(&line) {
            Ok(r) => r,
            Err(e) => {
                let error = CommandError::internal(
                    "parse_error",
                    format!("not a JSON-RPC request: {e}"),
                    "send one JSON object per line: {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":...,\"params\":{...}}",
                );
                if rpc::write_message(&mut writer, &Response::err(serde_json::Value::Null, error))
                    .is_err()
                {
                    return;
                }
                continue;
            }
        };
        let response = answer(repo, state, request);
        if rpc::write_message(&mut writer, &response).is_err() {
            return;
        }
    }
}

/// Runs one request (outside the write of its answer).
fn answer(repo: &Repo, state: &Arc<State>, request: Request) -> Response {
    let id = request.id.clone();
    match request.method.as_str() {
        "server.stop" => {
            state.stop();
            return Response::ok(id, serde_json::json!({ "stopping": true }));
        }
        "server.info" => {
            return Response::ok(
                id,
                serde_json::json!({
                    "pid": std::process::id(),
                    "root": state.root,
                    "version": env!("CARGO_PKG_VERSION"),
                    "protocol": crate::api::PROTOCOL_VERSION,
                    "methods": crate::api::METHOD_NAMES,
                    "connections": state.connections.load(Ordering::SeqCst),
                }),
            );
        }
        "server.dashboard" => {
            return match dashboard(repo, state) {
                Ok(info) => Response::ok(id, serde_json::json!(info)),
                Err(e) => Response::err(id, e),
            };
        }
        _ => {}
    }
    state.requests.fetch_add(1, Ordering::SeqCst);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        crate::api::dispatch(repo, &request.method, request.params)
    }));
    state.requests.fetch_sub(1, Ordering::SeqCst);
    match outcome {
        Ok(Ok(result)) => Response::ok(id, result),
        Ok(Err(error)) => Response::err(id, error),
        Err(_) => Response::err(
            id,
            CommandError::internal(
                "internal",
                "the server hit a bug running this request",
                "see .atomic/serve.log, and report it",
            ),
        ),
    }
}

/// The dashboard's address: started on the first request, the same one afterwards.
fn dashboard(repo: &Repo, state: &Arc<State>) -> Result<crate::dashboard::Info, CommandError> {
    let mut slot = state
        .dashboard
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(info) = &*slot {
        return Ok(info.clone());
    }
    let keepalive = {
        let state = Arc::clone(state);
        Box::new(move || state.touch())
    };
    let info = crate::dashboard::start(repo.clone(), keepalive)?;
    *slot = Some(info.clone());
    Ok(info)
}
