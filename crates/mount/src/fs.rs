//! The file system: FUSE calls mapped onto the session engine and the scratch directory.
//!
//! ### Inodes
//! A path's inode is `atomic_repo::mount_ino(path)` (a hash, stable across mounts, as the
//! session's git index expects), except after a rename, where the file keeps its inode
//! under its new name, as a real file system does.
//!
//! ### Files
//! The kernel opens and closes files without asking (see [`crate::buffers`]): reads and
//! writes name an inode, and a session file being read or written is held in memory,
//! written to the session when idle, on `fsync`, before renames and before API requests.
//! Files the session's `.gitignore` files ignore, and that the session does not track, are
//! real files under the scratch directory, read and written in place.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atomic_core::{FileMode, FileState};
use atomic_repo::{Entry, MountStat, Repo, RepoError, SessionError, mount_ino, mount_perm};
use fuser::{
    Errno, FileAttr, FileHandle, FileType, FopenFlags, Generation, INodeNo, KernelConfig,
    LockOwner, OpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory,
    ReplyEmpty, ReplyEntry, ReplyOpen, ReplyWrite, Request, TimeOrNow, WriteFlags,
};

use crate::buffers::{Ahead, Buffers, Change};
use crate::ignored::Ignores;

/// How long the kernel may cache names and attributes. Changes made through the mount
/// answer with fresh ones; changes made around it invalidate them
/// ([`crate::Mounted::invalidate`]).
const TTL: Duration = Duration::from_secs(30);

/// Files up to this size are read ahead when looked up.
const READ_AHEAD_BYTES: u64 = 256 << 10;

/// Whether the session's git worktree is written: `.git` waits for it.
#[derive(Default)]
pub(crate) struct Ready {
    state: Mutex<Option<bool>>,
    changed: Condvar,
}

impl Ready {
    pub(crate) fn set(&self, ok: bool) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = Some(ok);
        self.changed.notify_all();
    }

    /// Waits up to a minute; whether the worktree is there.
    fn wait(&self) -> bool {
        let guard = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, Duration::from_secs(60), |s| s.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        guard.unwrap_or(false)
    }
}

/// What a path is, for the file system.
#[derive(Clone, Debug)]
enum Kind {
    /// A file of the session.
    Session(Entry),
    /// A directory created here that holds nothing yet (git has no empty directories).
    EmptyDir,
    /// Something in the scratch directory.
    Scratch(std::fs::Metadata),
    /// The `.git` file at the root.
    GitFile,
}

/// A directory's listing: (inode, type, name) of each child.
type Listing = Vec<(u64, FileType, String)>;

/// The inodes handed to the kernel, shared with [`crate::Mounted`], which invalidates
/// them when the session changes from outside the mount.
#[derive(Default)]
pub(crate) struct Inodes {
    /// The time files the session has not written report (see `MountStat`), which a
    /// rebase moves.
    pub(crate) base_time: std::sync::atomic::AtomicI64,
    /// Inode → path, for every path handed to the kernel.
    paths: Mutex<HashMap<u64, String>>,
    /// Path → inode, where it is not the path's hash (after a rename).
    renamed: Mutex<HashMap<String, u64>>,
    /// Names the kernel caches as absent: (parent inode, name).
    negatives: Mutex<HashSet<(u64, String)>>,
}

impl Inodes {
    /// How many absent names the kernel may cache; past it, misses are not cached.
    const MAX_NEGATIVES: usize = 100_000;

    /// Records that `name` in `parent` is absent; whether the kernel may cache that.
    fn absent(&self, parent: u64, name: &str) -> bool {
        let mut negatives = self
            .negatives
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if negatives.len() >= Self::MAX_NEGATIVES {
            return false;
        }
        negatives.insert((parent, name.to_owned()));
        true
    }

    /// Takes the absent names recorded so far.
    pub(crate) fn take_negatives(&self) -> Vec<(u64, String)> {
        std::mem::take(
            &mut *self
                .negatives
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
        .into_iter()
        .collect()
    }

    /// Every known path but the root: (inode, its parent's inode, its name).
    pub(crate) fn known(&self) -> Vec<(u64, u64, String)> {
        let paths = self.paths.lock().unwrap_or_else(PoisonError::into_inner);
        let renamed = self.renamed.lock().unwrap_or_else(PoisonError::into_inner);
        let ino_of = |p: &str| {
            if p.is_empty() {
                1
            } else {
                renamed.get(p).copied().unwrap_or_else(|| mount_ino(p))
            }
        };
        paths
            .iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(ino, p)| {
                let name = p.rsplit('/').next().unwrap_or(p).to_owned();
                (*ino, ino_of(parent_of(p)), name)
            })
            .collect()
    }
}

/// The session's file system.
pub(crate) struct SessionFs {
    repos: Arc<crate::RepoPool>,
    id: String,
    token: String,
    scratch: PathBuf,
    stat: MountStat,
    git_file: String,
    ready: Arc<Ready>,
    inodes: Arc<Inodes>,
    buffers: Arc<Buffers>,
    /// Files to read ahead (see `lookup`).
    reader: Mutex<std::sync::mpsc::Sender<Ahead>>,
    next_ino: AtomicU64,
    /// Listings being read (see `readdir`), by directory inode.
    listings: Mutex<HashMap<u64, Arc<Listing>>>,
    empty_dirs: Mutex<BTreeSet<String>>,
    ignores: Ignores,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The errno for a repository error.
pub(crate) fn errno(e: &RepoError) -> Errno {
    use atomic_repo::PathError;
    match e {
        RepoError::Session(SessionError::NoSuchPath { .. }) => Errno::ENOENT,
        RepoError::Session(SessionError::BadPath(PathError::TooLong { .. })) => Errno::ENAMETOOLONG,
        RepoError::Session(SessionError::BadPath(_)) => Errno::EPERM,
        RepoError::Session(SessionError::PathClash { what: "file", .. }) => Errno::ENOTDIR,
        RepoError::Session(SessionError::PathClash { .. }) => Errno::EISDIR,
        RepoError::Session(SessionError::Ended { .. }) => Errno::EROFS,
        _ => Errno::EIO,
    }
}

fn io_errno(e: &std::io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_i32)
}

impl SessionFs {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        repos: Arc<crate::RepoPool>,
        id: String,
        token: String,
        scratch: PathBuf,
        stat: MountStat,
        git_file: String,
        ready: Arc<Ready>,
        inodes: Arc<Inodes>,
        buffers: Arc<Buffers>,
    ) -> Self {
        inodes
            .paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(1, String::new());
        SessionFs {
            repos,
            id,
            token,
            scratch,
            stat,
            git_file,
            ready,
            inodes,
            reader: Mutex::new(buffers.start_reader()),
            buffers,
            next_ino: AtomicU64::new(1 << 62),
            listings: Mutex::new(HashMap::new()),
            empty_dirs: Mutex::new(BTreeSet::new()),
            ignores: Ignores::default(),
        }
    }

    /// Runs `f` with a repository handle of its own.
    fn repo<T>(&self, f: impl FnOnce(&Repo) -> T) -> T {
        self.repos.with(f)
    }

    fn path(&self, ino: INodeNo) -> Result<String, Errno> {
        self.inodes
            .paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ino.0)
            .cloned()
            .ok_or(Errno::ENOENT)
    }

    fn child(&self, parent: INodeNo, name: &OsStr) -> Result<String, Errno> {
        let name = name.to_str().ok_or(Errno::EINVAL)?;
        if name.len() > 255 {
            return Err(Errno::ENAMETOOLONG);
        }
        Ok(join(&self.path(parent)?, name))
    }

    /// The inode of `path`, remembered so the kernel can name it back.
    fn ino(&self, path: &str) -> u64 {
        if path.is_empty() {
            return 1;
        }
        let ino = self
            .inodes
            .renamed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            .copied()
            .unwrap_or_else(|| mount_ino(path));
        let mut paths = self
            .inodes
            .paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match paths.get(&ino) {
            Some(p) if p != path => {
                // A hash collision, or the hash of a renamed file: another number.
                let fresh = self.next_ino.fetch_add(1, Ordering::Relaxed);
                paths.insert(fresh, path.to_owned());
                self.inodes
                    .renamed
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(path.to_owned(), fresh);
                fresh
            }
            _ => {
                paths.insert(ino, path.to_owned());
                ino
            }
        }
    }

    fn scratch_path(&self, path: &str) -> PathBuf {
        self.scratch.join(path)
    }

    /// What `path` is: the session's, an empty directory made here, the scratch's.
    fn kind(&self, path: &str) -> Result<Option<Kind>, Errno> {
        if path == ".git" {
            return Ok(self.ready.wait().then_some(Kind::GitFile));
        }
        if path.is_empty() {
            return Ok(Some(Kind::Session(Entry::Dir)));
        }
        let entry = self
            .repo(|r| r.session_entry(&self.id, &self.token, path))
            .map_err(|e| errno(&e))?;
        if let Some(e) = entry {
            return Ok(Some(Kind::Session(e)));
        }
        if self
            .empty_dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(path)
        {
            return Ok(Some(Kind::EmptyDir));
        }
        match std::fs::symlink_metadata(self.scratch_path(path)) {
            Ok(m) => Ok(Some(Kind::Scratch(m))),
            Err(_) => Ok(None),
        }
    }

    /// Whether a new file or directory at `path` goes to the scratch directory.
    fn goes_to_scratch(&self, path: &str, is_dir: bool) -> bool {
        self.repo(|r| {
            self.ignores.is_ignored(path, is_dir, |p| {
                r.session_read(&self.id, &self.token, p)
                    .ok()
                    .map(|(_, b)| b)
            })
        })
    }

    fn time(&self, ns: Option<i64>) -> SystemTime {
        match ns {
            Some(ns) => UNIX_EPOCH + Duration::from_nanos(u64::try_from(ns).unwrap_or(0)),
            None => {
                UNIX_EPOCH
                    + Duration::from_secs(
                        u64::try_from(self.inodes.base_time.load(Ordering::Relaxed)).unwrap_or(0),
                    )
            }
        }
    }

    fn attr(&self, ino: u64, kind: &Kind) -> FileAttr {
        let (file_type, size, perm, time, nlink) = match kind {
            Kind::Session(Entry::Dir) | Kind::EmptyDir => {
                (FileType::Directory, 0, 0o755, self.time(None), 2)
            }
            Kind::Session(Entry::File {
                mode,
                size,
                written_ns,
                ..
            }) => {
                let t = match mode {
                    FileMode::Symlink => FileType::Symlink,
                    FileMode::Submodule => FileType::Directory,
                    _ => FileType::RegularFile,
                };
                (t, *size, mount_perm(*mode), self.time(*written_ns), 1)
            }
            Kind::GitFile => (
                FileType::RegularFile,
                self.git_file.len() as u64,
                0o444,
                self.time(None),
                1,
            ),
            Kind::Scratch(m) => {
                let t = if m.is_dir() {
                    FileType::Directory
                } else if m.file_type().is_symlink() {
                    FileType::Symlink
                } else {
                    FileType::RegularFile
                };
                let mtime = m.modified().unwrap_or(UNIX_EPOCH);
                (
                    t,
                    m.len(),
                    (m.mode() & 0o7777) as u16,
                    mtime,
                    m.nlink() as u32,
                )
            }
        };
        // Contents written here and not yet in the session: their size and time.
        let (size, time) = match self.buffers.pending(ino) {
            Some((len, changed)) if file_type == FileType::RegularFile => (len, changed),
            _ => (size, time),
        };
        FileAttr {
            ino: INodeNo(ino),
            size,
            blocks: size.div_ceil(512),
            atime: time,
            mtime: time,
            ctime: time,
            crtime: time,
            kind: file_type,
            perm,
            nlink,
            uid: self.stat.uid,
            gid: self.stat.gid,
            rdev: 0,
            blksize: 4096,
            flags: 0,
        }
    }

    fn lookup_attr(&self, path: &str) -> Result<FileAttr, Errno> {
        let kind = self.kind(path)?.ok_or(Errno::ENOENT)?;
        Ok(self.attr(self.ino(path), &kind))
    }

    fn write_session(&self, path: &str, mode: Option<FileMode>, data: &[u8]) -> Result<(), Errno> {
        self.repo(|r| r.session_write(&self.id, &self.token, path, mode, data))
            .map(drop)
            .map_err(|e| errno(&e))?;
        if path.ends_with(".gitignore") {
            self.ignores.forget(parent_of(path));
        }
        // A directory made here is not empty any more.
        let mut dirs = self
            .empty_dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut parent = parent_of(path);
        while !parent.is_empty() {
            dirs.remove(parent);
            parent = parent_of(parent);
        }
        Ok(())
    }

    /// Applies `change` to the in-memory contents of session file `path` (inode `ino`),
    /// loaded from the session when not held yet (`empty`: a file about to be truncated,
    /// not loaded). `ENOENT` when `path` is no session file.
    fn change(&self, ino: u64, path: &str, empty: bool, change: Change<'_>) -> Result<(), Errno> {
        let load = || -> Result<(FileMode, Vec<u8>), Errno> {
            match self.kind(path)? {
                Some(Kind::Session(Entry::File { mode, .. })) if empty => Ok((mode, Vec::new())),
                Some(Kind::Session(Entry::File { .. })) => self
                    .repo(|r| r.session_read(&self.id, &self.token, path))
                    .map_err(|e| errno(&e)),
                Some(_) => Err(Errno::EISDIR),
                None => Err(Errno::ENOENT),
            }
        };
        self.buffers.apply(ino, path, load, change)
    }

    /// Whether `ino` has in-memory contents.
    fn buffered(&self, ino: u64) -> bool {
        self.buffers.lock().contains_key(&ino)
    }

    /// Every child of directory `dir`: the session's, the scratch's, empty ones made here.
    fn children(&self, dir: &str) -> Result<Listing, Errno> {
        let mut out: BTreeMap<String, FileType> = BTreeMap::new();
        let listed = self
            .repo(|r| r.session_list_dir(&self.id, &self.token, dir))
            .map_err(|e| errno(&e))?;
        for (name, entry) in listed {
            let t = match entry {
                Entry::Dir => FileType::Directory,
                Entry::File {
                    mode: FileMode::Symlink,
                    ..
                } => FileType::Symlink,
                Entry::File {
                    mode: FileMode::Submodule,
                    ..
                } => FileType::Directory,
                Entry::File { .. } => FileType::RegularFile,
            };
            out.insert(name, t);
        }
        if let Ok(read) = std::fs::read_dir(self.scratch_path(dir)) {
            for e in read.flatten() {
                let Ok(name) = e.file_name().into_string() else {
                    continue;
                };
                let t = match e.file_type() {
                    Ok(t) if t.is_dir() => FileType::Directory,
                    Ok(t) if t.is_symlink() => FileType::Symlink,
                    _ => FileType::RegularFile,
                };
                out.entry(name).or_insert(t);
            }
        }
        for d in self
            .empty_dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            if parent_of(d) == dir {
                let name = d.rsplit('/').next().unwrap_or(d);
                out.entry(name.to_owned()).or_insert(FileType::Directory);
            }
        }
        if dir.is_empty() && self.ready.wait() {
            out.insert(".git".into(), FileType::RegularFile);
        }
        Ok(out
            .into_iter()
            .map(|(name, t)| (self.ino(&join(dir, &name)), t, name))
            .collect())
    }

    /// Every file of the session below directory `dir`, recursively.
    fn files_below(&self, dir: &str) -> Result<Vec<String>, Errno> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            let listed = self
                .repo(|r| r.session_list_dir(&self.id, &self.token, &d))
                .map_err(|e| errno(&e))?;
            for (name, entry) in listed {
                match entry {
                    Entry::Dir => stack.push(join(&d, &name)),
                    Entry::File { .. } => out.push(join(&d, &name)),
                }
            }
        }
        Ok(out)
    }

    fn rename_paths(&self, from: &str, to: &str) {
        let mut paths = self
            .inodes
            .paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut renamed = self
            .inodes
            .renamed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let prefix = format!("{from}/");
        let moved: Vec<(u64, String)> = paths
            .iter()
            .filter(|(_, p)| p.as_str() == from || p.starts_with(&prefix))
            .map(|(ino, p)| (*ino, format!("{to}{}", &p[from.len()..])))
            .collect();
        for (ino, new) in moved {
            paths.insert(ino, new.clone());
            renamed.insert(new, ino);
        }
    }

    /// Moves session file `from` (of `mode`) out of the session, to scratch path `to`.
    fn session_file_to_scratch(&self, from: &str, mode: FileMode, to: &str) -> Result<(), Errno> {
        let (_, data) = self
            .repo(|r| r.session_read(&self.id, &self.token, from))
            .map_err(|e| errno(&e))?;
        let dest = self.scratch_path(to);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_errno(&e))?;
        }
        if mode == FileMode::Symlink {
            std::os::unix::fs::symlink(OsStr::from_bytes(&data), &dest)
        } else {
            std::fs::write(&dest, &data).and_then(|()| {
                let perm = if mode == FileMode::Executable {
                    0o755
                } else {
                    0o644
                };
                std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(perm))
            })
        }
        .map_err(|e| io_errno(&e))?;
        self.repo(|r| r.session_rm(&self.id, &self.token, from))
            .map_err(|e| errno(&e))
    }

    /// Moves scratch file `disk` (whose metadata is `meta`) into the session at `to`.
    fn scratch_file_to_session(
        &self,
        disk: &Path,
        meta: &std::fs::Metadata,
        to: &str,
    ) -> Result<(), Errno> {
        let (data, mode) = if meta.file_type().is_symlink() {
            let target = std::fs::read_link(disk).map_err(|e| io_errno(&e))?;
            (target.as_os_str().as_bytes().to_vec(), FileMode::Symlink)
        } else {
            let data = std::fs::read(disk).map_err(|e| io_errno(&e))?;
            let exec = meta.permissions().mode() & 0o111 != 0;
            let mode = if exec {
                FileMode::Executable
            } else {
                FileMode::Blob
            };
            (data, mode)
        };
        self.write_session(to, Some(mode), &data)?;
        std::fs::remove_file(disk).map_err(|e| io_errno(&e))
    }

    /// Moves the empty directories at and below `from` to `to`: in the scratch directory
    /// when `to_scratch`, else as empty directories of the mount.
    fn move_empty_dirs(&self, from: &str, to: &str, to_scratch: bool) -> Result<(), Errno> {
        let mut dirs = self
            .empty_dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let prefix = format!("{from}/");
        let moved: Vec<String> = dirs
            .iter()
            .filter(|d| d.as_str() == from || d.starts_with(&prefix))
            .cloned()
            .collect();
        for dir in moved {
            dirs.remove(&dir);
            let dest = format!("{to}{}", &dir[from.len()..]);
            if to_scratch {
                std::fs::create_dir_all(self.scratch_path(&dest)).map_err(|e| io_errno(&e))?;
            } else {
                dirs.insert(dest);
            }
        }
        Ok(())
    }

    fn do_rename(&self, from: &str, to: &str, flags: RenameFlags) -> Result<(), Errno> {
        if flags.contains(RenameFlags::RENAME_EXCHANGE) {
            return Err(Errno::EINVAL);
        }
        // What was written reaches the session before files move (an editor's save:
        // write a temporary file, rename it over the original), and no buffer keeps an
        // old path.
        self.buffers.commit_all()?;
        self.buffers.drop_clean();
        let source = self.kind(from)?.ok_or(Errno::ENOENT)?;
        let target = self.kind(to)?;
        if flags.contains(RenameFlags::RENAME_NOREPLACE) && target.is_some() {
            return Err(Errno::EEXIST);
        }
        let to_scratch = !matches!(target, Some(Kind::Session(_)))
            && self.goes_to_scratch(
                to,
                matches!(source, Kind::Session(Entry::Dir) | Kind::EmptyDir),
            );
        match source {
            Kind::GitFile => return Err(Errno::EPERM),
            Kind::Session(Entry::File { mode, .. }) if to_scratch => {
                self.session_file_to_scratch(from, mode, to)?;
            }
            Kind::Session(Entry::File { .. }) => {
                self.repo(|r| r.session_mv(&self.id, &self.token, from, to))
                    .map_err(|e| errno(&e))?;
            }
            Kind::Session(Entry::Dir) => {
                // Into an ignored place (cargo makes `target/` as a temporary directory
                // renamed into place) the files leave the session; elsewhere they move.
                if to_scratch {
                    std::fs::create_dir_all(self.scratch_path(to)).map_err(|e| io_errno(&e))?;
                }
                for path in self.files_below(from)? {
                    let dest = format!("{to}{}", &path[from.len()..]);
                    match self.kind(&path)? {
                        Some(Kind::Session(Entry::File { mode, .. })) if to_scratch => {
                            self.session_file_to_scratch(&path, mode, &dest)?;
                        }
                        _ => self
                            .repo(|r| r.session_mv(&self.id, &self.token, &path, &dest))
                            .map_err(|e| errno(&e))?,
                    }
                }
                self.move_empty_dirs(from, to, to_scratch)?;
            }
            Kind::EmptyDir => {
                if to_scratch {
                    std::fs::create_dir_all(self.scratch_path(to)).map_err(|e| io_errno(&e))?;
                }
                self.move_empty_dirs(from, to, to_scratch)?;
            }
            Kind::Scratch(_) if !to_scratch => {
                // Build output or an editor's temporary file moved to a tracked place: it
                // joins the session (a directory, file by file).
                let source = self.scratch_path(from);
                let mut stack = vec![(source.clone(), to.to_owned())];
                while let Some((disk, path)) = stack.pop() {
                    let meta = std::fs::symlink_metadata(&disk).map_err(|e| io_errno(&e))?;
                    if meta.is_dir() {
                        let mut empty = true;
                        for entry in std::fs::read_dir(&disk).map_err(|e| io_errno(&e))? {
                            let entry = entry.map_err(|e| io_errno(&e))?;
                            let name = entry.file_name().to_str().ok_or(Errno::EINVAL)?.to_owned();
                            stack.push((entry.path(), join(&path, &name)));
                            empty = false;
                        }
                        if empty {
                            self.empty_dirs
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .insert(path);
                        }
                    } else {
                        self.scratch_file_to_session(&disk, &meta, &path)?;
                    }
                }
                if source.is_dir() {
                    std::fs::remove_dir_all(&source).map_err(|e| io_errno(&e))?;
                }
            }
            Kind::Scratch(_) => {
                let dest = self.scratch_path(to);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io_errno(&e))?;
                }
                std::fs::rename(self.scratch_path(from), dest).map_err(|e| io_errno(&e))?;
            }
        }
        self.rename_paths(from, to);
        Ok(())
    }
}

impl fuser::Filesystem for SessionFs {
    fn init(&mut self, _req: &Request, _config: &mut KernelConfig) -> std::io::Result<()> {
        Ok(())
    }

    fn destroy(&mut self) {
        let _ = self.buffers.commit_all();
    }

    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let epoch = self.buffers.epoch();
        let found = self.child(parent, name).and_then(|path| {
            let kind = self.kind(&path)?.ok_or(Errno::ENOENT)?;
            Ok((self.attr(self.ino(&path), &kind), kind, path))
        });
        match found {
            Ok((attr, kind, path)) => {
                reply.entry(&TTL, &attr, Generation(0));
                // A file looked up is usually read next: its contents are read meanwhile,
                // on another thread (from git alone when the session has not written it).
                if attr.kind == FileType::RegularFile
                    && attr.size <= READ_AHEAD_BYTES
                    && path != ".git"
                    && !self.buffered(attr.ino.0)
                {
                    let base = match kind {
                        Kind::Session(Entry::File {
                            mode,
                            blob: Some(blob),
                            ..
                        }) => Some(FileState { mode, blob }),
                        _ => None,
                    };
                    let _ = self
                        .reader
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .send(Ahead {
                            ino: attr.ino.0,
                            path,
                            base,
                            epoch,
                        });
                }
            }
            // An absent name is cached too (inode 0): git and compilers probe many.
            Err(e)
                if e.code() == libc::ENOENT
                    && self.inodes.absent(parent.0, &name.to_string_lossy()) =>
            {
                let mut attr = self.attr(0, &Kind::EmptyDir);
                attr.ino = INodeNo(0);
                reply.entry(&TTL, &attr, Generation(0));
            }
            Err(e) => reply.error(e),
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        match self.path(ino).and_then(|p| {
            let kind = self.kind(&p)?.ok_or(Errno::ENOENT)?;
            Ok(self.attr(ino.0, &kind))
        }) {
            Ok(attr) => reply.attr(&TTL, &attr),
            Err(e) => reply.error(e),
        }
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        _uid: Option<u32>,
        _gid: Option<u32>,
        size: Option<u64>,
        _atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        _fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let result = (|| -> Result<FileAttr, Errno> {
            let path = self.path(ino)?;
            let kind = self.kind(&path)?.ok_or(Errno::ENOENT)?;
            match kind {
                Kind::Session(Entry::File { mode: current, .. }) => {
                    let wanted = mode.map(|bits| {
                        if bits & 0o111 != 0 {
                            FileMode::Executable
                        } else {
                            FileMode::Blob
                        }
                    });
                    let chmod = wanted.filter(|w| {
                        matches!(current, FileMode::Blob | FileMode::Executable) && *w != current
                    });
                    if let Some(size) = size {
                        self.change(ino.0, &path, size == 0, Change::Truncate(size))?;
                    }
                    if let Some(m) = chmod {
                        self.change(ino.0, &path, false, Change::Mode(m))?;
                        // A mode is metadata: it is in the session when the call returns.
                        self.buffers.commit(ino.0)?;
                    }
                }
                Kind::Scratch(_) => {
                    let p = self.scratch_path(&path);
                    if let Some(size) = size {
                        std::fs::OpenOptions::new()
                            .write(true)
                            .open(&p)
                            .and_then(|f| f.set_len(size))
                            .map_err(|e| io_errno(&e))?;
                    }
                    if let Some(bits) = mode {
                        std::fs::set_permissions(
                            &p,
                            std::fs::Permissions::from_mode(bits & 0o7777),
                        )
                        .map_err(|e| io_errno(&e))?;
                    }
                    if let Some(t) = mtime {
                        let when = match t {
                            TimeOrNow::SpecificTime(t) => t,
                            TimeOrNow::Now => SystemTime::now(),
                        };
                        let _ = std::fs::File::options()
                            .write(true)
                            .open(&p)
                            .and_then(|f| f.set_modified(when));
                    }
                }
                // Directories and `.git`: nothing to change; times are the session's.
                _ => {}
            }
            self.lookup_attr(&path)
        })();
        match result {
            Ok(attr) => reply.attr(&TTL, &attr),
            Err(e) => reply.error(e),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        let result = (|| -> Result<Vec<u8>, Errno> {
            let path = self.path(ino)?;
            match self.kind(&path)?.ok_or(Errno::ENOENT)? {
                Kind::Session(Entry::File {
                    mode: FileMode::Symlink,
                    ..
                }) => Ok(self
                    .repo(|r| r.session_read(&self.id, &self.token, &path))
                    .map_err(|e| errno(&e))?
                    .1),
                Kind::Scratch(_) => Ok(std::fs::read_link(self.scratch_path(&path))
                    .map_err(|e| io_errno(&e))?
                    .as_os_str()
                    .as_bytes()
                    .to_vec()),
                _ => Err(Errno::EINVAL),
            }
        })();
        match result {
            Ok(target) => reply.data(&target),
            Err(e) => reply.error(e),
        }
    }

    fn mkdir(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        reply: ReplyEntry,
    ) {
        let result = (|| -> Result<FileAttr, Errno> {
            let path = self.child(parent, name)?;
            if self.kind(&path)?.is_some() {
                return Err(Errno::EEXIST);
            }
            if self.goes_to_scratch(&path, true) {
                let p = self.scratch_path(&path);
                std::fs::create_dir_all(&p).map_err(|e| io_errno(&e))?;
                let _ =
                    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode & 0o7777));
            } else {
                let root_bytes = 0;
                atomic_repo::validate_path(&path, false, root_bytes)
                    .map_err(|e| errno(&RepoError::Session(SessionError::BadPath(e))))?;
                self.empty_dirs
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(path.clone());
            }
            self.lookup_attr(&path)
        })();
        match result {
            Ok(attr) => reply.entry(&TTL, &attr, Generation(0)),
            Err(e) => reply.error(e),
        }
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let result = (|| -> Result<(), Errno> {
            let path = self.child(parent, name)?;
            match self.kind(&path)?.ok_or(Errno::ENOENT)? {
                Kind::Session(Entry::File { .. }) => {
                    // Unsaved writes of a removed file go with it.
                    self.buffers.forget(self.ino(&path));
                    self.repo(|r| r.session_rm(&self.id, &self.token, &path))
                        .map_err(|e| errno(&e))
                }
                Kind::Scratch(_) => {
                    std::fs::remove_file(self.scratch_path(&path)).map_err(|e| io_errno(&e))
                }
                Kind::GitFile => Err(Errno::EPERM),
                _ => Err(Errno::EISDIR),
            }
        })();
        match result {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let result = (|| -> Result<(), Errno> {
            let path = self.child(parent, name)?;
            match self.kind(&path)?.ok_or(Errno::ENOENT)? {
                Kind::Session(Entry::Dir) | Kind::EmptyDir | Kind::Scratch(_) => {}
                _ => return Err(Errno::ENOTDIR),
            }
            if !self.children(&path)?.is_empty() {
                return Err(Errno::ENOTEMPTY);
            }
            self.empty_dirs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&path);
            let _ = std::fs::remove_dir(self.scratch_path(&path));
            Ok(())
        })();
        match result {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn symlink(
        &self,
        _req: &Request,
        parent: INodeNo,
        link_name: &OsStr,
        target: &Path,
        reply: ReplyEntry,
    ) {
        let result = (|| -> Result<FileAttr, Errno> {
            let path = self.child(parent, link_name)?;
            if self.kind(&path)?.is_some() {
                return Err(Errno::EEXIST);
            }
            if self.goes_to_scratch(&path, false) {
                let p = self.scratch_path(&path);
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| io_errno(&e))?;
                }
                std::os::unix::fs::symlink(target, &p).map_err(|e| io_errno(&e))?;
            } else {
                self.write_session(
                    &path,
                    Some(FileMode::Symlink),
                    target.as_os_str().as_bytes(),
                )?;
            }
            self.lookup_attr(&path)
        })();
        match result {
            Ok(attr) => reply.entry(&TTL, &attr, Generation(0)),
            Err(e) => reply.error(e),
        }
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let result = self
            .child(parent, name)
            .and_then(|from| Ok((from, self.child(newparent, newname)?)))
            .and_then(|(from, to)| self.do_rename(&from, &to, flags));
        match result {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn open(&self, _req: &Request, _ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        // FUSE's "no open" mode: from now on the kernel opens files itself, keeps their
        // cached pages, and sends no `release` (see `crate::buffers`).
        reply.error(Errno::ENOSYS);
    }

    fn read(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let result = (|| -> Result<Vec<u8>, Errno> {
            let path = self.path(ino)?;
            let slice = |data: &[u8]| {
                let start = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                let end = start.saturating_add(size as usize).min(data.len());
                (data[start..end].to_vec(), end == data.len())
            };
            if path == ".git" {
                return Ok(slice(self.git_file.as_bytes()).0);
            }
            // A session file (read whole from the session once, kept while being read);
            // else a scratch file.
            let load = || {
                self.repo(|r| r.session_read(&self.id, &self.token, &path))
                    .map_err(|e| errno(&e))
            };
            match self.buffers.with(ino.0, &path, load, |b| slice(&b.data)) {
                Ok((data, at_end)) => {
                    if at_end {
                        // The kernel has the pages now; the memory is not needed.
                        self.buffers.release_clean(ino.0);
                    }
                    return Ok(data);
                }
                // Not the session's: the scratch's, if it has the file.
                Err(e) if !self.scratch_path(&path).is_file() => return Err(e),
                Err(_) => {}
            }
            let file = std::fs::File::open(self.scratch_path(&path)).map_err(|e| io_errno(&e))?;
            let mut buf = vec![0; size as usize];
            let n = file.read_at(&mut buf, offset).map_err(|e| io_errno(&e))?;
            buf.truncate(n);
            Ok(buf)
        })();
        match result {
            Ok(data) => reply.data(&data),
            Err(e) => reply.error(e),
        }
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let result = (|| -> Result<u32, Errno> {
            let path = self.path(ino)?;
            if path == ".git" {
                return Err(Errno::EACCES);
            }
            if self.buffered(ino.0)
                || matches!(self.kind(&path)?, Some(Kind::Session(Entry::File { .. })))
            {
                self.change(ino.0, &path, false, Change::Write { offset, data })?;
                if path.ends_with(".gitignore") {
                    // What is ignored decides where new files go: in the session at once.
                    self.buffers.commit(ino.0)?;
                    self.ignores.forget(parent_of(&path));
                }
                return Ok(data.len() as u32);
            }
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(self.scratch_path(&path))
                .map_err(|e| io_errno(&e))?;
            file.write_all_at(data, offset).map_err(|e| io_errno(&e))?;
            Ok(data.len() as u32)
        })();
        match result {
            Ok(n) => reply.written(n),
            Err(e) => reply.error(e),
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        // FUSE's "no flush" mode: closing a file sends nothing (see `crate::buffers`).
        reply.error(Errno::ENOSYS);
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn fsync(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        match self.buffers.commit(ino.0) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn opendir(&self, _req: &Request, _ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        // FUSE's "no opendir" mode: the kernel opens directories itself and keeps their
        // listings (changes through the mount invalidate them, `Mounted::invalidate` those
        // made around it); `readdir` names the inode.
        reply.error(Errno::ENOSYS);
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        // A listing is taken when read from its start and kept for the reads that go on
        // from an offset, so one pass sees one listing.
        let kept = (offset > 0)
            .then(|| {
                self.listings
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get(&ino.0)
                    .cloned()
            })
            .flatten();
        let listing = match kept {
            Some(listing) => listing,
            None => match self.path(ino).and_then(|p| self.children(&p)) {
                Ok(listing) => {
                    let listing = Arc::new(listing);
                    self.listings
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(ino.0, Arc::clone(&listing));
                    listing
                }
                Err(e) => return reply.error(e),
            },
        };
        let parent = self.path(ino).map(|p| self.ino(parent_of(&p))).unwrap_or(1);
        let all = [
            (ino.0, FileType::Directory, ".".to_owned()),
            (parent, FileType::Directory, "..".to_owned()),
        ];
        let mut ended = true;
        for (i, (child, kind, name)) in all
            .iter()
            .chain(listing.iter())
            .enumerate()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        {
            if reply.add(INodeNo(*child), (i + 1) as u64, *kind, name) {
                ended = false;
                break;
            }
        }
        if ended {
            self.listings
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&ino.0);
        }
        reply.ok();
    }

    fn releasedir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _flags: OpenFlags,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn create(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        flags: i32,
        reply: ReplyCreate,
    ) {
        let result = (|| -> Result<(FileAttr, u64), Errno> {
            let path = self.child(parent, name)?;
            if matches!(
                self.kind(&path)?,
                Some(Kind::Session(Entry::Dir) | Kind::EmptyDir)
            ) {
                return Err(Errno::EISDIR);
            }
            if self.goes_to_scratch(&path, false) {
                let p = self.scratch_path(&path);
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| io_errno(&e))?;
                }
                let file = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(flags & libc::O_TRUNC != 0)
                    .open(&p)
                    .map_err(|e| io_errno(&e))?;
                let _ = file.set_permissions(std::fs::Permissions::from_mode(mode & 0o7777));
            } else {
                let file_mode = if mode & 0o111 != 0 {
                    FileMode::Executable
                } else {
                    FileMode::Blob
                };
                // The file exists (empty) at once, so others see it; its contents land
                // when written (see `crate::buffers`).
                self.write_session(&path, Some(file_mode), b"")?;
                self.buffers.forget(self.ino(&path));
            }
            let attr = self.lookup_attr(&path)?;
            // No handle: reads and writes name the inode.
            Ok((attr, 0))
        })();
        match result {
            Ok((attr, fh)) => reply.created(
                &TTL,
                &attr,
                Generation(0),
                FileHandle(fh),
                FopenFlags::empty(),
            ),
            Err(e) => reply.error(e),
        }
    }
}
