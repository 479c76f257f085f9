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

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// How close to now a stamp's newest time must not be for the stamp to be trusted.
pub const RACY_SECONDS: i64 = 2;

/// The state of git's ref storage, as `stat` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitStamp {
    entries: Vec<(PathBuf, u64, u64, i64, i64)>,
    /// The newest modification time, seconds since the Unix epoch.
    newest: i64,
}

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

    /// Takes the stamp of the git directory `git_dir`; `None` when refs are not stored as
    /// files (reftable) or cannot be read.
    pub fn take(git_dir: &Path) -> Option<GitStamp> {
        let mut entries = Vec::new();
        let mut newest = i64::MIN;
        let mut add = |path: &Path| -> Option<()> {
            match std::fs::symlink_metadata(path) {
                Ok(m) => {
                    newest = newest.max(m.mtime());
                    entries.push((
                        path.to_owned(),
                        m.ino(),
                        m.size(),
                        m.mtime(),
                        m.mtime_nsec(),
                    ));
                    Some(())
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    entries.push((path.to_owned(), 0, 0, 0, 0));
                    Some(())
                }
                Err(_) => None,
            }
        };
        add(&git_dir.join("HEAD"))?;
        add(&git_dir.join("packed-refs"))?;
        // The reftable backend keeps refs elsewhere: nothing here would show a change.
        if git_dir.join("reftable").exists() {
            return None;
        }
        let mut dirs = vec![git_dir.join("refs")];
        while let Some(dir) = dirs.pop() {
            add(&dir)?;
            let Ok(read) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in read.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    dirs.push(entry.path());
                }
            }
        }
        Some(GitStamp { entries, newest })
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

    #[test]
    fn a_moved_ref_changes_the_stamp_and_a_fresh_change_is_checked_once_settled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let git = dir.path();
        std::fs::create_dir_all(git.join("refs/heads")).expect("mkdir");
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").expect("write");
        // Just written: racy. Known unverified, it covers itself while racy.
        let fresh = GitStamp::take(git).expect("a stamp");
        assert!(fresh.racy());
        let unverified = Known {
            stamp: fresh.clone(),
            verified: false,
        };
        assert!(unverified.covers(&fresh));
        for p in ["HEAD", "refs", "refs/heads"] {
            age(&git.join(p), 60);
        }
        let before = GitStamp::take(git).expect("a stamp");
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
        assert!(verified.covers(&GitStamp::take(git).expect("a stamp")));
        // A ref moves as git moves it: a lock file renamed over the ref.
        std::fs::write(git.join("refs/heads/main.lock"), "x\n").expect("write");
        std::fs::rename(
            git.join("refs/heads/main.lock"),
            git.join("refs/heads/main"),
        )
        .expect("rename");
        let moved = GitStamp::take(git).expect("a stamp");
        assert!(moved.racy() && !verified.covers(&moved));
        age(&git.join("refs/heads"), 30);
        let after = GitStamp::take(git).expect("a stamp");
        assert_ne!(after, before);
    }
}
