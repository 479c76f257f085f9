//! `atomic serve`: one process owns the store; clients send it commands over a Unix
//! socket (see [`crate::wire`]) and it runs them one at a time on its open repository.

use std::os::unix::net::{UnixListener, UnixStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use atomic_repo::Repo;
use clap::Parser;

use crate::commands::{Cli, Invocation};
use crate::error::{CommandError, EXIT_INTERNAL};
use crate::ui::Ui;
use crate::wire::{self, Request};

/// Serves the repository until a client asks it to stop.
///
/// # Errors
/// The socket cannot be created (a path over the system's limit of about 100 bytes, or
/// no permission).
pub fn run(repo: Repo, ui: &Ui) -> Result<(), CommandError> {
    let socket = crate::client::socket_path(repo.root());
    // The caller checked that nobody listens: a file left here is a dead server's.
    match std::fs::remove_file(&socket) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(socket_error(&socket, &e)),
    }
    let listener = UnixListener::bind(&socket).map_err(|e| socket_error(&socket, &e))?;
    ui.status(&format!(
        "Serving {} on {} (pid {})",
        repo.root().display(),
        socket.display(),
        std::process::id()
    ));
    let repo = Arc::new(Mutex::new(repo));
    let socket = Arc::new(socket);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let (repo, socket) = (Arc::clone(&repo), Arc::clone(&socket));
        std::thread::spawn(move || serve_one(stream, &repo, &socket));
    }
    Ok(())
}

fn socket_error(socket: &Path, e: &std::io::Error) -> CommandError {
    CommandError {
        code: EXIT_INTERNAL,
        message: format!("cannot listen on {}: {e}", socket.display()),
        hints: vec![
            "Unix socket paths are limited to about 100 bytes: move the repository to a shorter path"
                .into(),
        ],
    }
}

/// Runs one client's command, writing its output and exit code to the stream.
fn serve_one(mut stream: UnixStream, repo: &Mutex<Repo>, socket: &PathBuf) {
    // A client that only checks whether the server listens sends nothing.
    let Ok(Some((wire::REQUEST, payload))) = wire::read_frame(&mut stream) else {
        return;
    };
    let request: Request = match serde_json::from_slice(&payload) {
        Ok(r) => r,
        Err(e) => {
            let message = format!("error: a request the server cannot read: {e}\n");
            let _ = wire::write_frame(&mut stream, wire::STDERR, message.as_bytes());
            let _ = wire::write_frame(&mut stream, wire::EXIT, &[EXIT_INTERNAL]);
            return;
        }
    };
    if request.shutdown {
        // Waits for the command in progress; the store's writes are in its log already.
        let _repo = repo.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = std::fs::remove_file(socket);
        let _ = wire::write_frame(&mut stream, wire::EXIT, &[0]);
        std::process::exit(0);
    }
    let args = std::iter::once("atomic".to_owned()).chain(request.args);
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let tag = if e.use_stderr() {
                wire::STDERR
            } else {
                wire::STDOUT
            };
            let _ = wire::write_frame(&mut stream, tag, e.render().to_string().as_bytes());
            let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_INTERNAL);
            let _ = wire::write_frame(&mut stream, wire::EXIT, &[code]);
            return;
        }
    };
    let stdin = if cli.command.reads_stdin() {
        match wire::read_frame(&mut stream) {
            Ok(Some((wire::STDIN, bytes))) => Some(bytes),
            _ => return,
        }
    } else {
        None
    };
    let Ok(output) = stream.try_clone() else {
        return;
    };
    let ui = Ui::remote(&cli.global, request.color, output);
    let code = if cli.command.served() {
        let invocation = Invocation {
            cwd: request.cwd,
            stdin,
            served: Some(repo),
        };
        match catch_unwind(AssertUnwindSafe(|| {
            crate::commands::run(cli, &ui, &invocation)
        })) {
            Ok(Ok(())) => 0,
            Ok(Err(e)) => e.report(&ui),
            Err(_) => CommandError {
                code: EXIT_INTERNAL,
                message: "the server hit a bug running this command".into(),
                hints: vec!["see the server's stderr, and report it".into()],
            }
            .report(&ui),
        }
    } else {
        CommandError::user(
            "this command does not run on the server",
            "run it with no server in the repository",
        )
        .report(&ui)
    };
    ui.finish(code);
}
