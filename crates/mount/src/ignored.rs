//! Which paths of a session `.gitignore` ignores, with git's rules (the `ignore` crate):
//! each directory's `.gitignore`, read from the session itself; a deeper file's rule wins;
//! a directory that is ignored ignores everything below it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The `.gitignore` rules of a session's directories, parsed once each.
#[derive(Default)]
pub(crate) struct Ignores {
    matchers: Mutex<HashMap<String, Option<Arc<Gitignore>>>>,
}

impl Ignores {
    /// Forgets the rules of directory `dir` (its `.gitignore` changed).
    pub(crate) fn forget(&self, dir: &str) {
        self.matchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(dir);
    }

    fn matcher(&self, dir: &str, read: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Arc<Gitignore>> {
        if let Some(m) = self
            .matchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(dir)
        {
            return m.clone();
        }
        let file = if dir.is_empty() {
            ".gitignore".to_owned()
        } else {
            format!("{dir}/.gitignore")
        };
        let built = read(&file).and_then(|bytes| {
            let mut builder = GitignoreBuilder::new(".");
            for line in String::from_utf8_lossy(&bytes).lines() {
                let _ = builder.add_line(None, line);
            }
            builder.build().ok().map(Arc::new)
        });
        self.matchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(dir.to_owned(), built.clone());
        built
    }

    /// Whether `path` (relative, `/`-separated) is ignored; `read` reads a file of the
    /// session (`None`: no such file).
    pub(crate) fn is_ignored(
        &self,
        path: &str,
        is_dir: bool,
        read: impl Fn(&str) -> Option<Vec<u8>>,
    ) -> bool {
        let mut verdict = false;
        let mut dir = String::new();
        let mut rest = path;
        loop {
            if let Some(m) = self.matcher(&dir, &read) {
                match m.matched_path_or_any_parents(rest, is_dir) {
                    Match::Ignore(_) => verdict = true,
                    Match::Whitelist(_) => verdict = false,
                    Match::None => {}
                }
            }
            let Some((first, tail)) = rest.split_once('/') else {
                break;
            };
            dir = if dir.is_empty() {
                first.to_owned()
            } else {
                format!("{dir}/{first}")
            };
            rest = tail;
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_of_every_level_apply_and_deeper_ones_win() {
        let files: HashMap<&str, &str> = HashMap::from([
            (".gitignore", "/target\n*.log\nnode_modules/\n"),
            ("web/.gitignore", "!keep.log\ndist\n"),
        ]);
        let read = |p: &str| files.get(p).map(|t| t.as_bytes().to_vec());
        let ignores = Ignores::default();
        let check = |p: &str, dir: bool| ignores.is_ignored(p, dir, read);
        assert!(check("target", true));
        assert!(check("target/debug/app", false));
        assert!(!check("src/target.rs", false));
        assert!(check("a.log", false));
        assert!(check("web/node_modules/x/index.js", false));
        assert!(!check("web/keep.log", false));
        assert!(check("web/dist/app.js", false));
        assert!(!check("src/main.rs", false));
        // A changed .gitignore is read again once forgotten.
        ignores.forget("");
        assert!(check("target/x", false));
    }
}
