//! Output: data to stdout (human text or one JSON document), status and progress to
//! stderr, colors by semantic label.

use std::io::{IsTerminal, Write};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

use crate::commands::{ColorChoice, GlobalArgs};

/// Whether this process's stdout gets colors: `--color`, and for `auto` a terminal
/// without `NO_COLOR`.
pub fn wants_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// What a piece of text means, for coloring.
#[derive(Clone, Copy)]
pub enum Label {
    /// A change or commit id.
    Id,
    /// An added line or path.
    Added,
    /// A removed line or path.
    Removed,
    /// A hunk header or other meta line.
    Meta,
    /// A branch or ref name.
    Ref,
}

/// Where output goes: this process's stdout and stderr, or a client of `atomic serve`.
pub enum Sink {
    /// The process's own streams.
    Std,
    /// Frames to a client connection (see [`crate::wire`]).
    Remote(Mutex<std::os::unix::net::UnixStream>),
}

/// How this invocation prints.
pub struct Ui {
    /// Print one JSON document instead of text.
    pub json: bool,
    /// Print no status messages or progress.
    pub quiet: bool,
    color: bool,
    sink: Sink,
}

impl Ui {
    /// Returns the UI for the global flags.
    pub fn new(global: &GlobalArgs) -> Self {
        let color = wants_color(global.color);
        Ui {
            json: global.json,
            quiet: global.quiet,
            color: color && !global.json,
            sink: Sink::Std,
        }
    }

    /// Returns the UI for a client of `atomic serve`: output goes to `stream` as frames;
    /// `color` is the client's [`wants_color`].
    pub fn remote(
        global: &GlobalArgs,
        color: bool,
        stream: std::os::unix::net::UnixStream,
    ) -> Self {
        Ui {
            json: global.json,
            quiet: global.quiet,
            color: color && !global.json,
            sink: Sink::Remote(Mutex::new(stream)),
        }
    }

    /// Writes raw bytes to stdout (file contents, JSON lines).
    ///
    /// # Errors
    /// The write error; [`std::io::ErrorKind::BrokenPipe`] when the reader went away.
    pub fn write_out(&self, bytes: &[u8]) -> std::io::Result<()> {
        match &self.sink {
            Sink::Std => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Sink::Remote(stream) => {
                let mut stream = stream.lock().unwrap_or_else(PoisonError::into_inner);
                crate::wire::write_frame(&mut *stream, crate::wire::STDOUT, bytes)
            }
        }
    }

    /// Writes raw bytes to stderr; errors are ignored (there is nowhere to report them).
    pub fn write_err(&self, bytes: &[u8]) {
        match &self.sink {
            Sink::Std => {
                let _ = std::io::stderr().lock().write_all(bytes);
            }
            Sink::Remote(stream) => {
                let mut stream = stream.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = crate::wire::write_frame(&mut *stream, crate::wire::STDERR, bytes);
            }
        }
    }

    /// Sends the exit code to a client of `atomic serve`; nothing for a local process.
    pub fn finish(&self, code: u8) {
        if let Sink::Remote(stream) = &self.sink {
            let mut stream = stream.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = crate::wire::write_frame(&mut *stream, crate::wire::EXIT, &[code]);
        }
    }

    /// Returns `text` colored for `label` when colors are on.
    pub fn paint(&self, label: Label, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let code = match label {
            Label::Id => "33",
            Label::Added => "32",
            Label::Removed => "31",
            Label::Meta => "36",
            Label::Ref => "1;32",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// Prints `value` as JSON, or the text `human` builds. A closed pipe ends quietly.
    pub fn emit<T: Serialize>(&self, value: &T, human: impl FnOnce(&mut String)) {
        let text = if self.json {
            let mut s = serde_json::to_string_pretty(value).expect("values serialize");
            s.push('\n');
            s
        } else {
            let mut s = String::new();
            human(&mut s);
            s
        };
        if let Err(e) = self.write_out(text.as_bytes())
            && e.kind() == std::io::ErrorKind::BrokenPipe
            && matches!(self.sink, Sink::Std)
        {
            std::process::exit(0);
        }
    }

    /// Prints a status line to stderr unless quiet or JSON.
    pub fn status(&self, line: &str) {
        if !self.quiet && !self.json {
            self.write_err(format!("{line}\n").as_bytes());
        }
    }

    /// Returns a progress reporter: a bar on a terminal, nothing otherwise.
    pub fn progress(&self) -> Bar {
        Bar {
            enabled: !self.quiet
                && matches!(self.sink, Sink::Std)
                && std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
        }
    }
}

/// A progress bar on stderr for [`atomic_repo::Progress`].
pub struct Bar {
    enabled: bool,
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

impl atomic_repo::Progress for Bar {
    fn begin(&self, what: &str, total: u64) {
        if !self.enabled {
            return;
        }
        let bar = if total == 0 {
            indicatif::ProgressBar::new_spinner()
        } else {
            indicatif::ProgressBar::new(total)
        };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        let style =
            indicatif::ProgressStyle::with_template("{msg:20} [{bar:40}] {pos}/{len} {elapsed}")
                .expect("the template is valid")
                .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_owned());
        *self.bar.lock().expect("not poisoned") = Some(bar);
    }

    fn set(&self, done: u64) {
        if let Some(bar) = &*self.bar.lock().expect("not poisoned") {
            bar.set_position(done);
        }
    }

    fn end(&self) {
        if let Some(bar) = self.bar.lock().expect("not poisoned").take() {
            bar.finish_and_clear();
        }
    }
}
