//! The protocol between the `atomic` command and `atomic serve`, over the Unix socket
//! `.atomic/serve.sock`.
//!
//! Everything is a frame: one tag byte, a big-endian `u32` length, then that many bytes.
//! The client sends one [`REQUEST`] frame (a JSON [`Request`]), then, for commands that read
//! standard input, one [`STDIN`] frame. The server answers with any number of [`STDOUT`] and
//! [`STDERR`] frames, in the order the command wrote them, and ends with one [`EXIT`] frame
//! holding the exit code (one byte). A connection carries one command.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Client to server: the command, as JSON.
pub const REQUEST: u8 = b'R';
/// Client to server: all of standard input.
pub const STDIN: u8 = b'I';
/// Server to client: bytes for standard output.
pub const STDOUT: u8 = b'O';
/// Server to client: bytes for standard error.
pub const STDERR: u8 = b'E';
/// Server to client: the exit code, one byte; the last frame.
pub const EXIT: u8 = b'X';

/// The largest frame accepted: 1 GiB.
const MAX_FRAME: u32 = 1 << 30;

/// The name of the socket under `.atomic/`.
pub const SOCKET: &str = "serve.sock";

/// One command for the server to run.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    /// The arguments after the program name, with values clap took from the environment
    /// (`ATOMIC_SESSION`, ...) made explicit.
    pub args: Vec<String>,
    /// The client's working directory: relative paths in `args` are resolved against it.
    pub cwd: PathBuf,
    /// Whether the client's stdout gets colors (its `--color`, and for `auto` a terminal
    /// without `NO_COLOR`).
    pub color: bool,
    /// `true` to stop the server (after the command in progress) instead of running `args`.
    #[serde(default)]
    pub shutdown: bool,
}

/// Writes one frame.
///
/// # Errors
/// The stream's error; [`io::ErrorKind::InvalidInput`] for a payload over 1 GiB.
pub fn write_frame(out: &mut impl Write, tag: u8, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|&n| n <= MAX_FRAME)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "frame over 1 GiB"))?;
    let mut head = [0u8; 5];
    head[0] = tag;
    head[1..].copy_from_slice(&len.to_be_bytes());
    out.write_all(&head)?;
    out.write_all(payload)?;
    out.flush()
}

/// Reads one frame: `Ok(None)` at a clean end of stream.
///
/// # Errors
/// The stream's error; [`io::ErrorKind::InvalidData`] for a frame over 1 GiB;
/// [`io::ErrorKind::UnexpectedEof`] when the stream ends inside a frame.
pub fn read_frame(input: &mut impl Read) -> io::Result<Option<(u8, Vec<u8>)>> {
    let mut head = [0u8; 5];
    let mut got = 0;
    while got < head.len() {
        match input.read(&mut head[got..])? {
            0 if got == 0 => return Ok(None),
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => got += n,
        }
    }
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame over 1 GiB",
        ));
    }
    let mut payload = vec![0; len as usize];
    input.read_exact(&mut payload)?;
    Ok(Some((head[0], payload)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut buf = Vec::new();
        write_frame(&mut buf, STDOUT, b"hello").unwrap();
        write_frame(&mut buf, EXIT, &[3]).unwrap();
        let mut input = buf.as_slice();
        assert_eq!(
            read_frame(&mut input).unwrap(),
            Some((STDOUT, b"hello".to_vec()))
        );
        assert_eq!(read_frame(&mut input).unwrap(), Some((EXIT, vec![3])));
        assert_eq!(read_frame(&mut input).unwrap(), None);
    }

    #[test]
    fn a_frame_cut_short_is_an_error() {
        let mut buf = Vec::new();
        write_frame(&mut buf, STDOUT, b"hello").unwrap();
        let mut input = &buf[..7];
        let err = read_frame(&mut input).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
