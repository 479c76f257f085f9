//! Output: data to stdout (human text or one JSON document), status and progress to
//! stderr, colors by semantic label.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::args::{ColorChoice, GlobalArgs};

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

/// How this invocation prints.
pub struct Ui {
    /// Print one JSON document instead of text.
    pub json: bool,
    /// Print no status messages or progress.
    pub quiet: bool,
    color: bool,
    /// Width of the terminal in characters; see [`Ui::columns`].
    columns: usize,
    /// The pager's standard input, when output goes through one.
    pager: std::sync::Mutex<Option<(std::process::Child, std::process::ChildStdin)>>,
}

impl Ui {
    /// Returns the UI for the global flags.
    pub fn new(global: &GlobalArgs) -> Self {
        let color = wants_color(global.color);
        Ui {
            json: global.json,
            quiet: global.quiet,
            color: color && !global.json,
            columns: terminal_columns(),
            pager: std::sync::Mutex::new(None),
        }
    }

    /// Characters per line of the output, as git's `term_columns`: `COLUMNS` when set,
    /// else the width of the terminal on stdout (measured before any pager starts), else
    /// 80.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// Sends what this invocation prints on stdout through a pager, as git does on a
    /// terminal: `ATOMIC_PAGER`, else `GIT_PAGER`, else git's `core.pager` (what
    /// `core_pager` reads), else `PAGER`, else `less` (with `LESS=FRX` unless set: quit
    /// when it fits, keep colors); none for an empty value or `cat`, with `--json`, or
    /// when stdout is no terminal.
    pub fn start_pager(&self, core_pager: impl FnOnce() -> Option<String>) {
        if self.json || !std::io::stdout().is_terminal() {
            return;
        }
        let env = |v: &str| std::env::var(v).ok();
        let pager = env("ATOMIC_PAGER")
            .or_else(|| env("GIT_PAGER"))
            .or_else(core_pager)
            .or_else(|| env("PAGER"))
            .unwrap_or_else(|| "less".into());
        if pager.trim().is_empty() || pager.trim() == "cat" {
            return;
        }
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", &pager]).stdin(std::process::Stdio::piped());
        if std::env::var_os("LESS").is_none() {
            cmd.env("LESS", "FRX");
        }
        if let Ok(mut child) = cmd.spawn()
            && let Some(stdin) = child.stdin.take()
        {
            *self
                .pager
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((child, stdin));
        }
    }

    /// Waits for the pager, if any, once everything is written.
    pub fn finish_pager(&self) {
        let taken = self
            .pager
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some((mut child, stdin)) = taken {
            drop(stdin);
            let _ = child.wait();
        }
    }

    /// Writes raw bytes to stdout (file contents, JSON lines).
    ///
    /// # Errors
    /// The write error; [`std::io::ErrorKind::BrokenPipe`] when the reader went away.
    pub fn write_out(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut pager = self
            .pager
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, stdin)) = pager.as_mut() {
            return stdin.write_all(bytes).and_then(|()| stdin.flush());
        }
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).and_then(|()| out.flush())
    }

    /// Writes raw bytes to stderr; errors are ignored (there is nowhere to report them).
    pub fn write_err(&self, bytes: &[u8]) {
        let _ = std::io::stderr().lock().write_all(bytes);
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

    /// Returns a plain unified diff colored line by line: headers, hunk headers, added and
    /// removed lines.
    pub fn paint_diff(&self, diff: &str) -> String {
        if !self.color {
            return diff.to_owned();
        }
        let mut out = String::with_capacity(diff.len() + diff.len() / 8);
        for line in diff.split_inclusive('\n') {
            let label = if line.starts_with("diff --git ")
                || line.starts_with("--- ")
                || line.starts_with("+++ ")
                || line.starts_with("@@")
            {
                Some(Label::Meta)
            } else if line.starts_with('+') {
                Some(Label::Added)
            } else if line.starts_with('-') {
                Some(Label::Removed)
            } else {
                None
            };
            match label {
                Some(l) => {
                    let body = line.trim_end_matches('\n');
                    out.push_str(&self.paint(l, body));
                    out.push_str(&line[body.len()..]);
                }
                None => out.push_str(line),
            }
        }
        out
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
}

/// See [`Ui::columns`].
fn terminal_columns() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map_or(80, |(terminal_size::Width(w), _)| usize::from(w))
}
