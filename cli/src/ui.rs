//! Output: data to stdout (human text or one JSON document), status and progress to
//! stderr, colors by semantic label.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use serde::Serialize;

use crate::commands::{ColorChoice, GlobalArgs};

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
}

impl Ui {
    /// Returns the UI for the global flags.
    pub fn new(global: &GlobalArgs) -> Self {
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ui {
            json: global.json,
            quiet: global.quiet,
            color: color && !global.json,
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
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
            && e.kind() == std::io::ErrorKind::BrokenPipe
        {
            std::process::exit(0);
        }
    }

    /// Prints a status line to stderr unless quiet or JSON.
    pub fn status(&self, line: &str) {
        if !self.quiet && !self.json {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }

    /// Returns a progress reporter: a bar on a terminal, nothing otherwise.
    pub fn progress(&self) -> Bar {
        Bar {
            enabled: !self.quiet && std::io::stderr().is_terminal(),
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
