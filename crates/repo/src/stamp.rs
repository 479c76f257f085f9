//! Noticing what git did without reading its refs: a stamp of the files and directories
//! git rewrites when a ref moves.
//!
//! git (and gix) move a loose ref by writing `<ref>.lock` and renaming it over the ref, so
//! the directory holding the ref changes; packed refs and `HEAD` are replaced the same
//! way. The stamp is the status (inode, size, modification time) of `HEAD`,
//! `packed-refs` and every directory under `refs/`: a few `stat` calls, however many
//! commits the repository holds. A stamp whose newest time is within [`RACY_SECONDS`] of
//! now is *racy*: a second change in the same clock tick would look the same, as git's
//! "racily clean" index entries. [`Known`] says how far a stamp was checked.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// How close to now a stamp's newest time must not be for the stamp to be trusted.
pub const RACY_SECONDS: i64 = 2;

/// The state of git's ref storage, as `stat` sees it.
#[derive(Clone, Debug)]
pub struct GitStamp {
    entries: Vec<(PathBuf, Status)>,
    /// The newest modification time, seconds since the Unix epoch.
    newest: i64,
    /// The directories directly under each directory of `refs/`, as listed when the stamp
    /// was taken: a later stamp reuses the list of a directory whose status has not
    /// changed since (adding or removing an entry changes a directory's modification time).
    subdirs: HashMap<PathBuf, Vec<PathBuf>>,
    /// When the stamp was taken, seconds since the Unix epoch.
    taken: i64,
}

/// A file's or directory's (inode, size, modification time in seconds and nanoseconds);
/// all zero when it does not exist.
type Status = (u64, u64, i64, i64);

impl PartialEq for GitStamp {
    /// Equal when every status is: the lists of subdirectories follow from them.
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries && self.newest == other.newest
    }
}

impl Eq for GitStamp {}

/// The stamp of the refs atomic last knew, and how it came to know them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The stamp.
    pub stamp: GitStamp,
    /// Whether a full comparison of refs was made while the stamp was not racy. A racy
    /// known stamp (taken by an import, or right after atomic moved a ref itself) is
    /// trusted while it stays racy, then checked once in full: a ref git moved in the same
    /// clock tick is noticed once the refs settle.
    pub verified: bool,
}

impl Known {
    /// Whether `now_stamp`, taken now, shows nothing to import.
    pub fn covers(&self, now_stamp: &GitStamp) -> bool {
        self.stamp == *now_stamp && (self.verified || now_stamp.racy())
    }
}

impl GitStamp {
    /// Whether the stamp's newest time is within [`RACY_SECONDS`] of now.
    pub fn racy(&self) -> bool {
        self.newest >= crate::now_seconds() - RACY_SECONDS
    }

    /// Takes the stamp of the git directory `git_dir`, listing only the directories whose
    /// status changed since `previous` or that were racy when it was taken (a directory
    /// changed twice in one clock tick keeps its status): with hundreds of loose
    /// branches, one `stat` per directory instead of reading every directory of `refs/` on
    /// each request. `None` when refs are not stored as files (reftable) or cannot be read.
    pub fn take_since(git_dir: &Path, previous: Option<&GitStamp>) -> Option<GitStamp> {
        let mut stamp = GitStamp {
            entries: Vec::new(),
            newest: i64::MIN,
            subdirs: HashMap::new(),
            taken: crate::now_seconds(),
        };
        stamp.add(&git_dir.join("HEAD"))?;
        stamp.add(&git_dir.join("packed-refs"))?;
        // The reftable backend keeps refs elsewhere: nothing here would show a change.
        if git_dir.join("reftable").exists() {
            return None;
        }
        let mut dirs = vec![git_dir.join("refs")];
        while let Some(dir) = dirs.pop() {
            let status = stamp.add(&dir)?;
            let known = previous.and_then(|p| {
                let unchanged = status.2 < p.taken - RACY_SECONDS
                    && p.entries
                        .iter()
                        .any(|(path, s)| *path == dir && *s == status);
                unchanged.then(|| p.subdirs.get(&dir)).flatten()
            });
            let subdirs = match known {
                Some(list) => list.clone(),
                None => match std::fs::read_dir(&dir) {
                    Ok(read) => read
                        .flatten()
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                        .map(|e| e.path())
                        .collect(),
                    Err(_) => Vec::new(),
                },
            };
            dirs.extend(subdirs.iter().cloned());
            stamp.subdirs.insert(dir, subdirs);
        }
        Some(stamp)
    }

    /// Adds the status of `path`; `None` when it cannot be read.
    fn add(&mut self, path: &Path) -> Option<Status> {
        let status = match std::fs::symlink_metadata(path) {
            Ok(m) => {
                self.newest = self.newest.max(m.mtime());
                (m.ino(), m.size(), m.mtime(), m.mtime_nsec())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (0, 0, 0, 0),
            Err(_) => return None,
        };
        self.entries.push((path.to_owned(), status));
        Some(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets the modification time of `path` (a file or a directory) `seconds` ago.
    fn age(path: &Path, seconds: u64) {
        let then = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds);
        std::fs::File::open(path)
            .and_then(|f| f.set_modified(then))
            .expect("set the time");
    }

    /// A git directory with `HEAD` and an empty `refs/heads`.
    fn git_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("refs/heads")).expect("mkdir");
        std::fs::write(dir.path().join("HEAD"), "ref: refs/heads/main\n").expect("write");
        dir
    }

    #[test]
    fn a_moved_ref_changes_the_stamp_and_a_fresh_change_is_checked_once_settled() {
        let dir = git_dir();
        let git = dir.path();
        // Just written: racy. Known unverified, it covers itself while racy.
        let fresh = GitStamp::take_since(git, None).expect("a stamp");
        assert!(fresh.racy());
        let unverified = Known {
            stamp: fresh.clone(),
            verified: false,
        };
        assert!(unverified.covers(&fresh));
        for p in ["HEAD", "refs", "refs/heads"] {
            age(&git.join(p), 60);
        }
        let before = GitStamp::take_since(git, None).expect("a stamp");
        assert!(!before.racy());
        // Settled and equal to an unverified stamp: not covered, a full check is due.
        let settled = Known {
            stamp: before.clone(),
            verified: false,
        };
        assert!(!settled.covers(&before));
        let verified = Known {
            stamp: before.clone(),
            verified: true,
        };
        assert!(verified.covers(&GitStamp::take_since(git, None).expect("a stamp")));
        // A ref moves as git moves it: a lock file renamed over the ref.
        std::fs::write(git.join("refs/heads/main.lock"), "x\n").expect("write");
        std::fs::rename(
            git.join("refs/heads/main.lock"),
            git.join("refs/heads/main"),
        )
        .expect("rename");
        let moved = GitStamp::take_since(git, None).expect("a stamp");
        assert!(moved.racy() && !verified.covers(&moved));
        age(&git.join("refs/heads"), 30);
        let after = GitStamp::take_since(git, None).expect("a stamp");
        assert_ne!(after, before);
    }

    #[test]
    fn a_stamp_taken_since_another_sees_new_directories_and_refs_moved_inside_them() {
        let dir = git_dir();
        let git = dir.path();
        std::fs::write(git.join("refs/heads/main"), "x\n").expect("write");
        let settle = |paths: &[&str]| {
            for p in paths {
                age(&git.join(p), 60);
            }
        };
        // A listing of a settled directory is reused; one taken while it was racy (a
        // directory made in the same tick keeps its status) is not.
        std::fs::create_dir(git.join("refs/heads/same-tick")).expect("mkdir");
        settle(&["HEAD", "refs", "refs/heads", "refs/heads/same-tick"]);
        let heads = git.join("refs/heads");
        let mut missed = GitStamp::take_since(git, None).expect("a stamp");
        missed.subdirs.insert(heads.clone(), Vec::new());
        let reused = GitStamp::take_since(git, Some(&missed)).expect("a stamp");
        assert!(reused.subdirs[&heads].is_empty());
        missed.taken = crate::now_seconds() - 61;
        let relisted = GitStamp::take_since(git, Some(&missed)).expect("a stamp");
        assert_eq!(relisted.subdirs[&heads], vec![heads.join("same-tick")]);
        std::fs::remove_dir(heads.join("same-tick")).expect("rmdir");
        settle(&["refs/heads"]);
        let first = GitStamp::take_since(git, None).expect("a stamp");
        let again = GitStamp::take_since(git, Some(&first)).expect("a stamp");
        assert_eq!(again, first);
        // A branch in a new directory: refs/heads changed, so it is listed again.
        std::fs::create_dir(git.join("refs/heads/team")).expect("mkdir");
        std::fs::write(git.join("refs/heads/team/a"), "x\n").expect("write");
        settle(&["refs/heads", "refs/heads/team"]);
        let grown = GitStamp::take_since(git, Some(&again)).expect("a stamp");
        assert_ne!(grown, again);
        assert_eq!(grown, GitStamp::take_since(git, None).expect("a stamp"));
        // A ref moved inside it: found through the reused list of refs/heads.
        std::fs::write(git.join("refs/heads/team/a.lock"), "y\n").expect("write");
        std::fs::rename(
            git.join("refs/heads/team/a.lock"),
            git.join("refs/heads/team/a"),
        )
        .expect("rename");
        age(&git.join("refs/heads/team"), 30);
        let moved = GitStamp::take_since(git, Some(&grown)).expect("a stamp");
        assert_ne!(moved, grown);
        assert_eq!(moved, GitStamp::take_since(git, None).expect("a stamp"));
    }
}
