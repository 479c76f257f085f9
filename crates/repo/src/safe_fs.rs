//! The working tree, read and written without following symbolic links.
//!
//! ### Relation to git
//! git's checkout refuses to write through a symbolic link in a leading path
//! (`has_symlink_leading_path`, symlinks.c) and creates files with `O_EXCL`. Here every
//! directory on the way is opened relative to its parent with `O_NOFOLLOW | O_DIRECTORY`,
//! so a symlink (or a file) in the way is an error, not a detour, and there is no window
//! between a check and the use; files are written under a temporary name and renamed into
//! place, which replaces a symlink at the path instead of following it.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use atomic_core::FileMode;
use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use crate::{RepoError, Result};

/// A counter for temporary names, unique within the process.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// How the temporary files a write goes through begin: `.atomic-tmp-<pid>-<n>`.
pub(crate) const TEMP_PREFIX: &str = ".atomic-tmp-";

/// The root of a working tree, opened once.
pub(crate) struct Root {
    fd: OwnedFd,
    path: PathBuf,
}

fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

impl Root {
    /// Opens the working tree at `path` (which may itself be reached through symlinks).
    pub(crate) fn open(path: &Path) -> Result<Root> {
        let fd = rustix::fs::openat(
            CWD,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| RepoError::io("opening", path)(e.into()))?;
        Ok(Root {
            fd,
            path: path.to_owned(),
        })
    }

    fn io(&self, what: &'static str, rel: &str) -> impl FnOnce(Errno) -> RepoError {
        let path = self.path.join(rel);
        move |e| RepoError::io(what, path)(e.into())
    }

    /// Opens the directories leading to `rel`, one at a time, never through a symlink.
    /// Returns the opened directories (the deepest last; empty for a file at the root) and
    /// the final name, or `None` when a directory is missing (with `create`, it is made).
    ///
    /// # Errors
    /// [`RepoError::PathInTheWay`] when a symlink or a file stands where a directory
    /// should be (with `create`; without it, that is `None` too).
    fn walk<'p>(&self, rel: &'p str, create: bool) -> Result<Option<(Vec<OwnedFd>, &'p str)>> {
        let (dirs, name) = match rel.rsplit_once('/') {
            Some((dirs, name)) => (Some(dirs), name),
            None => (None, rel),
        };
        let mut opened: Vec<OwnedFd> = Vec::new();
        let mut done = 0;
        for component in dirs.into_iter().flat_map(|d| d.split('/')) {
            done += component.len() + 1;
            let parent = opened.last().unwrap_or(&self.fd);
            let fd = match rustix::fs::openat(parent, component, dir_flags(), Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(parent, component, Mode::from_raw_mode(0o755)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(self.io("creating", &rel[..done - 1])(e)),
                    }
                    rustix::fs::openat(parent, component, dir_flags(), Mode::empty())
                        .map_err(|e| self.in_the_way(parent, component, rel, &rel[..done - 1], e))?
                }
                Err(Errno::NOENT) => return Ok(None),
                Err(e @ (Errno::LOOP | Errno::NOTDIR)) => {
                    if create {
                        return Err(self.in_the_way(parent, component, rel, &rel[..done - 1], e));
                    }
                    return Ok(None);
                }
                Err(e) => return Err(self.io("opening", &rel[..done - 1])(e)),
            };
            opened.push(fd);
        }
        Ok(Some((opened, name)))
    }

    /// The error for `component` of `parent` (at `at`) not opening as a directory.
    fn in_the_way(
        &self,
        parent: &OwnedFd,
        component: &str,
        rel: &str,
        at: &str,
        e: Errno,
    ) -> RepoError {
        match e {
            Errno::LOOP | Errno::NOTDIR => {
                // Linux answers ENOTDIR for a symlink opened with O_DIRECTORY|O_NOFOLLOW.
                let symlink = rustix::fs::statat(parent, component, AtFlags::SYMLINK_NOFOLLOW)
                    .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Symlink);
                RepoError::PathInTheWay {
                    path: rel.to_owned(),
                    at: at.to_owned(),
                    what: if symlink { "a symbolic link" } else { "a file" },
                }
            }
            other => self.io("opening", at)(other),
        }
    }

    /// Reads the file at `rel`: its mode and contents (a symlink's target for a link).
    /// `None` when nothing is there, it is a directory, or a leading component is not a
    /// directory (a symlink is never followed).
    pub(crate) fn read(&self, rel: &str) -> Result<Option<(FileMode, Vec<u8>)>> {
        let Some((dirs, name)) = self.walk(rel, false)? else {
            return Ok(None);
        };
        let dir = dirs.last().unwrap_or(&self.fd);
        let stat = match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(s) => s,
            Err(Errno::NOENT) => return Ok(None),
            Err(e) => return Err(self.io("reading", rel)(e)),
        };
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::Symlink => {
                let target = rustix::fs::readlinkat(dir, name, Vec::new())
                    .map_err(self.io("reading the link", rel))?;
                Ok(Some((FileMode::Symlink, target.into_bytes())))
            }
            FileType::RegularFile => {
                let fd = rustix::fs::openat(
                    dir,
                    name,
                    OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .map_err(self.io("reading", rel))?;
                let mut data = Vec::with_capacity(usize::try_from(stat.st_size).unwrap_or(0));
                std::fs::File::from(fd)
                    .read_to_end(&mut data)
                    .map_err(RepoError::io("reading", self.path.join(rel)))?;
                let mode = if stat.st_mode & 0o100 != 0 {
                    FileMode::Executable
                } else {
                    FileMode::Blob
                };
                Ok(Some((mode, data)))
            }
            _ => Ok(None),
        }
    }

    /// Writes `data` at `rel` as a file of `mode` (a symlink's target for a link, an empty
    /// directory for a submodule), creating directories on the way and replacing a file or
    /// symlink at the path; never writes through a symlink.
    ///
    /// # Errors
    /// [`RepoError::PathInTheWay`] when a symlink or file stands where a directory must
    /// be, or a directory stands at the path; I/O errors.
    pub(crate) fn write(&self, rel: &str, mode: FileMode, data: &[u8]) -> Result<()> {
        let Some((dirs, name)) = self.walk(rel, true)? else {
            unreachable!("walk creates missing directories");
        };
        let dir = dirs.last().unwrap_or(&self.fd);
        if mode == FileMode::Submodule {
            return match rustix::fs::mkdirat(dir, name, Mode::from_raw_mode(0o755)) {
                Ok(()) | Err(Errno::EXIST) => Ok(()),
                Err(e) => Err(self.io("creating", rel)(e)),
            };
        }
        let temp = format!(
            "{TEMP_PREFIX}{}-{}",
            std::process::id(),
            NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
        );
        let written = match mode {
            FileMode::Symlink => {
                rustix::fs::symlinkat(std::ffi::OsStr::from_bytes(data), dir, temp.as_str())
                    .map_err(self.io("creating a symlink at", rel))
            }
            _ => self.write_temp(dir, &temp, rel, mode, data),
        };
        let renamed = written.and_then(|()| {
            rustix::fs::renameat(dir, temp.as_str(), dir, name).map_err(|e| match e {
                Errno::ISDIR | Errno::NOTEMPTY | Errno::EXIST => RepoError::PathInTheWay {
                    path: rel.to_owned(),
                    at: rel.to_owned(),
                    what: "a directory",
                },
                other => self.io("writing", rel)(other),
            })
        });
        if renamed.is_err() {
            let _ = rustix::fs::unlinkat(dir, temp.as_str(), AtFlags::empty());
        }
        renamed
    }

    fn write_temp(
        &self,
        dir: &OwnedFd,
        temp: &str,
        rel: &str,
        mode: FileMode,
        data: &[u8],
    ) -> Result<()> {
        let bits = if mode == FileMode::Executable {
            0o755
        } else {
            0o644
        };
        let fd = rustix::fs::openat(
            dir,
            temp,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(bits),
        )
        .map_err(self.io("writing", rel))?;
        let mut file = std::fs::File::from(fd);
        file.write_all(data)
            .and_then(|()| file.set_permissions(std::fs::Permissions::from_mode(bits)))
            .map_err(RepoError::io("writing", self.path.join(rel)))
    }

    /// Removes the temporary files of other processes (killed mid-write) from the
    /// directory that holds `rel`; returns how many.
    pub(crate) fn remove_stale_temps(&self, rel: &str) -> Result<usize> {
        let Some((dirs, _)) = self.walk(rel, false)? else {
            return Ok(0);
        };
        let dir = dirs.last().unwrap_or(&self.fd);
        let mine = format!("{TEMP_PREFIX}{}-", std::process::id());
        let mut removed = 0;
        let entries = rustix::fs::Dir::read_from(dir).map_err(self.io("listing", rel))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(TEMP_PREFIX)
                && !name.starts_with(&mine)
                && rustix::fs::unlinkat(dir, name.as_str(), AtFlags::empty()).is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Removes the file or symlink at `rel` (nothing there is fine), then the directories
    /// it leaves empty, up to the root.
    ///
    /// # Errors
    /// I/O errors; a directory at `rel`.
    pub(crate) fn remove(&self, rel: &str) -> Result<()> {
        let Some((dirs, name)) = self.walk(rel, false)? else {
            return Ok(());
        };
        let dir = dirs.last().unwrap_or(&self.fd);
        match rustix::fs::unlinkat(dir, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => return Err(self.io("removing", rel)(e)),
        }
        let names: Vec<&str> = rel.split('/').collect();
        for depth in (0..dirs.len()).rev() {
            let parent = if depth == 0 {
                &self.fd
            } else {
                &dirs[depth - 1]
            };
            if rustix::fs::unlinkat(parent, names[depth], AtFlags::REMOVEDIR).is_err() {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_create_directories_and_never_follow_symlinks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        let root = Root::open(dir.path()).expect("opens");
        root.write("a/b/c.txt", FileMode::Blob, b"hi\n")
            .expect("writes");
        assert_eq!(
            root.read("a/b/c.txt").expect("reads"),
            Some((FileMode::Blob, b"hi\n".to_vec()))
        );
        root.write("run.sh", FileMode::Executable, b"#!/bin/sh\n")
            .expect("writes");
        assert_eq!(
            root.read("run.sh").expect("reads").map(|f| f.0),
            Some(FileMode::Executable)
        );
        // A symlink to a directory outside: writing below it is refused, reading finds
        // nothing, and the outside stays empty.
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).expect("symlink");
        let err = root
            .write("link/evil", FileMode::Blob, b"x")
            .expect_err("refused");
        assert!(
            matches!(
                err,
                RepoError::PathInTheWay {
                    what: "a symbolic link",
                    ..
                }
            ),
            "{err}"
        );
        std::fs::write(outside.path().join("secret"), "s").expect("write");
        assert_eq!(root.read("link/secret").expect("reads"), None);
        assert_eq!(
            root.read("link").expect("reads"),
            Some((
                FileMode::Symlink,
                outside.path().as_os_str().as_bytes().to_vec()
            ))
        );
        // Writing the symlink's own path replaces the link, not its target.
        root.write("link", FileMode::Blob, b"plain\n")
            .expect("writes");
        assert!(
            std::fs::symlink_metadata(dir.path().join("link"))
                .expect("stat")
                .is_file()
        );
        assert_eq!(std::fs::read_dir(outside.path()).expect("ls").count(), 1);
        // A file where a directory must be, and a directory where a file must be.
        assert!(matches!(
            root.write("run.sh/x", FileMode::Blob, b"x"),
            Err(RepoError::PathInTheWay { what: "a file", .. })
        ));
        assert!(matches!(
            root.write("a/b", FileMode::Blob, b"x"),
            Err(RepoError::PathInTheWay {
                what: "a directory",
                ..
            })
        ));
        // Removing the last file removes the directories it leaves empty.
        root.remove("a/b/c.txt").expect("removes");
        assert!(!dir.path().join("a").exists());
        root.remove("never/there").expect("nothing to remove");
    }
}
