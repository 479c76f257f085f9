//! Progress on stderr for the engine's long operations.

use std::io::IsTerminal;
use std::sync::Mutex;

use atomic_cli::ui::Ui;

/// Returns a progress reporter for `ui`: a bar on a terminal, nothing otherwise.
pub fn bar(ui: &Ui) -> Bar {
    Bar {
        enabled: !ui.quiet && std::io::stderr().is_terminal(),
        bar: Mutex::new(None),
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
