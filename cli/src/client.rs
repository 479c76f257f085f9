//! The client side of `atomic serve`: finding a running server and sending it a command.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use atomic_repo::{ATOMIC_DIR, Repo};
use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::error::EXIT_INTERNAL;
use crate::wire::{self, Request};

/// The server's socket in the repository at `root`.
pub fn socket_path(root: &Path) -> PathBuf {
    root.join(ATOMIC_DIR).join(wire::SOCKET)
}

/// Connects to the server of the repository containing `start`, if one is listening.
fn connect(start: &Path) -> Option<UnixStream> {
    let root = Repo::discover(start).ok()?;
    let socket = socket_path(&root);
    // No socket file is the common case: skip the connect.
    if !socket.exists() {
        return None;
    }
    UnixStream::connect(socket).ok()
}

/// Whether a server listens in the repository containing `start` (a socket left by a
/// killed server refuses connections, and does not count).
pub fn server_listening(start: &Path) -> bool {
    connect(start).is_some()
}

/// Asks the server in the repository at `root` to stop, after the command in progress.
/// Returns `false` when none was listening.
///
/// # Errors
/// The connection failed mid-way.
pub fn stop(root: &Path) -> io::Result<bool> {
    let Some(mut stream) = connect(root) else {
        return Ok(false);
    };
    let request = Request {
        args: Vec::new(),
        cwd: root.to_owned(),
        color: false,
        shutdown: true,
    };
    send_request(&mut stream, &request)?;
    // The server answers, then exits; either way the stream ends.
    while wire::read_frame(&mut stream)?.is_some() {}
    Ok(true)
}

fn send_request(stream: &mut UnixStream, request: &Request) -> io::Result<()> {
    let json = serde_json::to_vec(request).expect("requests serialize");
    wire::write_frame(stream, wire::REQUEST, &json)
}

/// Adds `--name=value` for every argument clap took from the environment (for example
/// `ATOMIC_SESSION`), so the server, whose environment differs, sees the same command.
/// Returns `None` for a value that is not UTF-8 (the command then runs locally).
fn environment_args(
    cmd: &clap::Command,
    matches: &ArgMatches,
    seen: &mut HashSet<String>,
    out: &mut Vec<String>,
) -> Option<()> {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if matches.value_source(id) != Some(ValueSource::EnvVariable) || !seen.insert(id.into()) {
            continue;
        }
        let long = arg.get_long()?;
        for value in matches.get_raw(id).into_iter().flatten() {
            out.push(format!("--{long}={}", value.to_str()?));
        }
    }
    if let Some((name, sub)) = matches.subcommand() {
        let child = cmd.find_subcommand(name)?;
        environment_args(child, sub, seen, out)?;
    }
    Some(())
}

/// The arguments to send: `argv` without the program name, with values from the
/// environment made explicit (before any `--`). `None` when an argument is not UTF-8.
fn request_args(argv: &[OsString], matches: &ArgMatches) -> Option<Vec<String>> {
    let mut args: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_str().map(str::to_owned))
        .collect::<Option<_>>()?;
    let mut cmd = <crate::commands::Cli as clap::CommandFactory>::command();
    cmd.build();
    let mut extra = Vec::new();
    environment_args(&cmd, matches, &mut HashSet::new(), &mut extra)?;
    let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
    args.splice(at..at, extra);
    Some(args)
}

/// What a routed command needs from the invocation.
pub struct Routed<'a> {
    /// The process's arguments, program name first.
    pub argv: &'a [OsString],
    /// What clap made of them.
    pub matches: &'a ArgMatches,
    /// The directory the command was started in.
    pub cwd: &'a Path,
    /// `-R`, if given.
    pub repository: Option<&'a Path>,
    /// Whether stdout gets colors ([`crate::ui::wants_color`]).
    pub color: bool,
    /// Whether the command reads standard input.
    pub reads_stdin: bool,
}

/// Runs the command on the server of its repository, if one listens: returns its exit
/// code, or `None` to run the command in this process.
pub fn route(routed: &Routed<'_>) -> Option<u8> {
    let start = routed.cwd.join(routed.repository.unwrap_or(Path::new(".")));
    let mut stream = connect(&start)?;
    let args = request_args(routed.argv, routed.matches)?;
    let request = Request {
        args,
        cwd: routed.cwd.to_owned(),
        color: routed.color,
        shutdown: false,
    };
    match exchange(&mut stream, &request, routed.reads_stdin) {
        Ok(code) => Some(code),
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "error: the atomic server stopped before the command finished: {e}\n\
                 hint: it may or may not have taken effect; see `atomic op log`, then retry"
            );
            Some(EXIT_INTERNAL)
        }
    }
}

/// Sends the request (and stdin), then copies output frames until the exit code.
fn exchange(stream: &mut UnixStream, request: &Request, reads_stdin: bool) -> io::Result<u8> {
    send_request(stream, request)?;
    if reads_stdin {
        let mut input = Vec::new();
        io::stdin().read_to_end(&mut input)?;
        wire::write_frame(stream, wire::STDIN, &input)?;
    }
    let mut stdout_open = true;
    loop {
        let Some((tag, payload)) = wire::read_frame(stream)? else {
            return Err(io::ErrorKind::UnexpectedEof.into());
        };
        match tag {
            wire::STDOUT if stdout_open => {
                let mut out = io::stdout().lock();
                // A reader that went away (`| head`) stops the copying, not the command.
                stdout_open = out.write_all(&payload).and_then(|()| out.flush()).is_ok();
            }
            wire::STDERR => {
                let _ = io::stderr().lock().write_all(&payload);
            }
            wire::EXIT => return Ok(payload.first().copied().unwrap_or(EXIT_INTERNAL)),
            _ => {}
        }
    }
}
