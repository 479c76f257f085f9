//! Creating and opening repositories: `init`, `clone`, `open`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use atomic_gitbridge as bridge;
use atomic_store::{IMPORT_STATE, IMPORT_STATE_KEY, ImportState, Store, StoreError};

use crate::sync::ImportSummary;
use crate::{ATOMIC_DIR, OpenOptions, Progress, Repo, RepoError, Result, git_cmd, store_path};

/// Removes what an `init` or `clone` created unless disarmed: nothing half-written stays.
struct Cleanup {
    path: PathBuf,
    /// Remove `path` itself (we created it) rather than only what is inside it.
    remove_self: bool,
    armed: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        // The clone marker goes last: a cleanup killed half-way is resumed by the next clone.
        if let Ok(entries) = std::fs::read_dir(&self.path) {
            for entry in entries.flatten() {
                let p = entry.path();
                if entry.file_name() == CLONE_MARKER {
                    continue;
                }
                let _ = if p.is_dir() && !p.is_symlink() {
                    std::fs::remove_dir_all(&p)
                } else {
                    std::fs::remove_file(&p)
                };
            }
        }
        let _ = std::fs::remove_file(self.path.join(CLONE_MARKER));
        if self.remove_self {
            let _ = std::fs::remove_dir(&self.path);
        }
    }
}

fn map_store(root: &Path) -> impl FnOnce(StoreError) -> RepoError {
    let root = root.to_owned();
    move |e| match e {
        StoreError::Locked { .. } => RepoError::Busy { path: root },
        other => RepoError::Store(other),
    }
}

/// Opens the git repository at `path` as atomic reads it: git's index is read without
/// hashing it to verify its checksum, as git itself reads it (git verifies it only in
/// `git fsck`). On spring-boot's 1.2 MB index that hash was a third of a submit's CPU;
/// every index atomic writes still carries its checksum.
fn open_git(path: &Path) -> Result<gix::Repository> {
    let options = gix::open::Options::default().config_overrides(["index.skipHash=true"]);
    gix::open_opts(path, options).map_err(|e| RepoError::NotAGitRepository {
        path: path.display().to_string(),
        reason: format!("{e}"),
    })
}

/// Lets git users push to the checked-out branch: git updates the working tree when it
/// is clean, as `receive.denyCurrentBranch = updateInstead` documents.
fn configure_git(git: &gix::Repository) -> Result<()> {
    let path = git
        .config_path(gix::config::Source::Local)
        .map_err(RepoError::git("finding .git/config"))?;
    let mut config = git
        .config_file_mut(path)
        .map_err(RepoError::git("opening .git/config"))?;
    config
        .set_raw_value("receive.denyCurrentBranch", "updateInstead")
        .map_err(RepoError::git("setting receive.denyCurrentBranch"))?;
    config
        .commit()
        .map_err(RepoError::git("writing .git/config"))?;
    exclude_temp_files(git)
}

/// Keeps the temporary files atomic writes files through (see [`crate::safe_fs`]) out of
/// `git status`, in `.git/info/exclude`, for the moment they exist and after a crash.
fn exclude_temp_files(git: &gix::Repository) -> Result<()> {
    let path = git.git_dir().join("info").join("exclude");
    let current = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(RepoError::io("reading", path)(e)),
    };
    let pattern = format!("{}*", crate::safe_fs::TEMP_PREFIX);
    if current.lines().any(|l| l == pattern) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(RepoError::io("creating", dir))?;
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# atomic's temporary files\n");
    text.push_str(&pattern);
    text.push('\n');
    std::fs::write(&path, text).map_err(RepoError::io("writing", &path))
}

impl Repo {
    /// Returns the root of the repository containing `start`: the nearest directory at or
    /// above it with a `.atomic` directory.
    ///
    /// # Errors
    /// [`RepoError::NotARepository`] when there is none.
    pub fn discover(start: &Path) -> Result<PathBuf> {
        let start = std::path::absolute(start).map_err(RepoError::io("resolving", start))?;
        atomic_api::discover_root(&start).ok_or(RepoError::NotARepository { path: start })
    }

    /// Opens the repository containing `start`, finishes or drops ref moves a crash left
    /// pending, and imports what git did since the last command (new commits, moved or
    /// deleted refs).
    ///
    /// # Errors
    /// [`RepoError::NotARepository`], [`RepoError::Busy`] when another process holds the
    /// store past `options.lock_timeout`, [`RepoError::ImportIncomplete`] after an
    /// interrupted import, and store or git errors.
    pub fn open(
        start: &Path,
        options: &OpenOptions,
        progress: &dyn Progress,
    ) -> Result<(Repo, ImportSummary)> {
        let repo = Self::open_without_import(start, options)?;
        let summary = repo.sync(progress)?;
        Ok((repo, summary))
    }

    /// Opens the repository containing `start` without looking at what git did, but for
    /// ref moves a crash left pending (see [`crate::land`]), which it finishes or drops.
    /// A store of the previous schema is migrated first.
    ///
    /// # Errors
    /// [`RepoError::NotARepository`], [`RepoError::Busy`], [`RepoError::ImportIncomplete`],
    /// [`StoreError::SchemaMismatch`] for a store of a newer atomic; store and git errors.
    pub fn open_without_import(start: &Path, options: &OpenOptions) -> Result<Repo> {
        let root = Self::discover(start)?;
        let path = store_path(&root);
        let store = match Store::open_any_version(&path, options.wait()) {
            // `.atomic` exists but the store's creation never finished: an interrupted
            // init or clone.
            Err(StoreError::Missing { .. }) => {
                return Err(RepoError::ImportIncomplete { path: root });
            }
            other => other.map_err(map_store(&root))?,
        };
        match store.schema_version()? {
            atomic_store::SCHEMA_VERSION => {}
            1 => crate::migrate::v1_to_v2(&store)?,
            found => {
                return Err(StoreError::SchemaMismatch {
                    path,
                    found,
                    expected: atomic_store::SCHEMA_VERSION,
                }
                .into());
            }
        }
        if store.import_state()? != Some(ImportState::Complete) {
            return Err(RepoError::ImportIncomplete { path: root });
        }
        let git = open_git(&root)?;
        let repo = Repo::assemble(root, git, store);
        repo.recover(&mut repo.store.lock())?;
        repo.release_index_lock()?;
        exclude_temp_files(&repo.git)?;
        // A working tree a crash left behind a landing follows it now; if it cannot (a
        // file in the way), its paths stay staged and `doctor` says so.
        let _ = repo.follow_branch();
        Ok(repo)
    }

    fn assemble(root: PathBuf, git: gix::Repository, store: Store) -> Repo {
        Repo {
            root,
            git,
            store: Arc::new(store),
            shared: Arc::default(),
        }
    }

    /// Resumes an interrupted import in the repository containing `start`.
    pub fn resume_import(
        start: &Path,
        options: &OpenOptions,
        progress: &dyn Progress,
    ) -> Result<(Repo, ImportSummary)> {
        let root = Self::discover(start)?;
        let path = store_path(&root);
        let store = match Store::open(&path, options.wait()) {
            Err(StoreError::Missing { .. }) => Store::create(&path, options.wait()),
            other => other,
        }
        .map_err(map_store(&root))?;
        let git = open_git(&root)?;
        let repo = Repo::assemble(root, git, store);
        // A clone interrupted before it wrote the working tree (and then the index).
        if !repo.git.index_path().exists() {
            repo.checkout_head()?;
        }
        let summary = repo.import_locked(&mut repo.store.lock(), progress, "import")?;
        repo.index_head(progress)?;
        // A clone killed after its fetch: finish it, so that it is no longer one.
        if repo.root.join(CLONE_MARKER).exists() {
            wait_for_clone_marker(&repo.root, options.lock_timeout)?;
            configure_git(&repo.git)?;
            let marker = repo.root.join(CLONE_MARKER);
            std::fs::remove_file(&marker).map_err(RepoError::io("removing", &marker))?;
        }
        Ok((repo, summary))
    }

    /// Makes `path` an atomic repository.
    ///
    /// In a directory without `.git`, creates an empty git repository (branch `main`).
    /// In an existing git repository, adopts it: every commit reachable from every ref
    /// becomes a change. The working tree is not touched.
    ///
    /// # Errors
    /// [`RepoError::AlreadyInitialized`]; git or store errors, after which nothing atomic
    /// wrote is left behind.
    pub fn init(
        path: &Path,
        options: &OpenOptions,
        progress: &dyn Progress,
    ) -> Result<(Repo, ImportSummary)> {
        let root = std::path::absolute(path).map_err(RepoError::io("resolving", path))?;
        if root.join(ATOMIC_DIR).exists() {
            return Err(RepoError::AlreadyInitialized { path: root });
        }
        let created_root = !root.exists();
        let git = if root.join(".git").exists() {
            open_git(&root)?
        } else {
            gix::init(&root).map_err(RepoError::git("creating the git repository"))?
        };
        let cleanup = Cleanup {
            path: if created_root {
                root.clone()
            } else {
                root.join(ATOMIC_DIR)
            },
            remove_self: true,
            armed: true,
        };
        let repo = Self::create_store(root, git, options, progress)?;
        let summary = repo.import_locked(&mut repo.store.lock(), progress, "init")?;
        repo.index_head(progress)?;
        configure_git(&repo.git)?;
        disarm(cleanup);
        Ok((repo, summary))
    }

    /// Clones the git repository at `source` (a path or any URL git can fetch) into `dest`
    /// and imports its history.
    ///
    /// Every remote branch becomes a local branch too, so that git users who clone the new
    /// repository see every branch; tags are copied. HEAD follows the source's default
    /// branch, which tracks origin's (as `git clone` sets it), and its tree is written to
    /// the working directory.
    ///
    /// A directory holding a clone that was killed before it finished (it has the marker
    /// `.git/atomic-clone`) is emptied and cloned into again.
    ///
    /// # Errors
    /// [`RepoError::TargetNotEmpty`], [`RepoError::NotAGitRepository`], git transfer
    /// errors. On error `dest` is removed (or emptied, if it was an empty directory).
    pub fn clone(
        source: &str,
        dest: &Path,
        options: &OpenOptions,
        progress: &dyn Progress,
    ) -> Result<(Repo, ImportSummary)> {
        let root = std::path::absolute(dest).map_err(RepoError::io("resolving", dest))?;
        let existed = root.exists();
        if existed {
            if root.join(CLONE_MARKER).is_file() {
                // Ours, killed mid-way: once its `git` children are gone too (they hold the
                // marker's lock), start again as if the directory were empty.
                wait_for_clone_marker(&root, options.lock_timeout)?;
                clean_now(Cleanup {
                    path: root.clone(),
                    remove_self: false,
                    armed: true,
                });
            }
            let empty = std::fs::read_dir(&root)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty {
                return Err(RepoError::TargetNotEmpty { path: root });
            }
        }
        let source_path = Path::new(source);
        let source = if source_path.exists() {
            open_git(source_path)?;
            std::path::absolute(source_path)
                .map_err(RepoError::io("resolving", source_path))?
                .display()
                .to_string()
        } else {
            source.to_owned()
        };
        let cleanup = Cleanup {
            path: root.clone(),
            remove_self: !existed,
            armed: true,
        };
        // The marker comes first, so a clone killed at any point after it is recognised.
        std::fs::create_dir_all(&root).map_err(RepoError::io("creating", &root))?;
        let marker = root.join(CLONE_MARKER);
        let _marker_lock = lock_clone_marker(&marker, &source)?;
        let git = gix::init(&root).map_err(RepoError::git("creating the git repository"))?;
        progress.begin("fetching", 0);
        git_cmd::run(&root, &["remote", "add", "origin", &source])?;
        git_cmd::run(&root, &["fetch", "--quiet", "--tags", "origin"])?;
        // Ask the remote for its default branch; an empty remote has none.
        let _ = git_cmd::run(&root, &["remote", "set-head", "origin", "--auto"]);
        progress.end();
        let git = open_git(git.git_dir())?;
        let default_branch = adopt_remote_branches(&git)?;
        if let Some(branch) = &default_branch {
            bridge::set_head_branch(&git, &format!("refs/heads/{branch}"))?;
        }
        let repo = Self::create_store(root, git, options, progress)?;
        repo.checkout_head()?;
        let summary = repo.import_locked(&mut repo.store.lock(), progress, "clone")?;
        repo.index_head(progress)?;
        configure_git(&repo.git)?;
        // The default branch tracks origin's, as `git clone` sets it: `git pull` works and
        // `git status` shows ahead and behind.
        if let Some(branch) = &default_branch {
            git_cmd::run(
                &repo.root,
                &["config", &format!("branch.{branch}.remote"), "origin"],
            )?;
            let merge = format!("refs/heads/{branch}");
            git_cmd::run(
                &repo.root,
                &["config", &format!("branch.{branch}.merge"), &merge],
            )?;
        }
        std::fs::remove_file(&marker).map_err(RepoError::io("removing", &marker))?;
        disarm(cleanup);
        Ok((repo, summary))
    }

    /// Writes HEAD's tree into the working tree and the index (a fresh clone's checkout).
    fn checkout_head(&self) -> Result<()> {
        if let Some(head) = self.head_commit()? {
            let tree = bridge::commit_tree(&self.git, head)?;
            let files = bridge::tree_files(&self.git, tree)?;
            crate::worktree::checkout(self, &Default::default(), &files)?;
            self.write_index(tree)?;
        }
        Ok(())
    }

    fn create_store(
        root: PathBuf,
        git: gix::Repository,
        options: &OpenOptions,
        _progress: &dyn Progress,
    ) -> Result<Repo> {
        let dir = root.join(ATOMIC_DIR);
        std::fs::create_dir_all(&dir).map_err(RepoError::io("creating", &dir))?;
        // Keep atomic's data out of git's sight, as jj does for `.jj`.
        std::fs::write(dir.join(".gitignore"), "*\n").map_err(RepoError::io("writing", &dir))?;
        let store = Store::create(&store_path(&root), options.wait()).map_err(map_store(&root))?;
        let mut batch = store.batch();
        batch.put(
            IMPORT_STATE,
            &IMPORT_STATE_KEY.to_owned(),
            &ImportState::InProgress,
        );
        store.write(batch)?;
        Ok(Repo::assemble(root, git, store))
    }
}

fn disarm(mut cleanup: Cleanup) {
    cleanup.armed = false;
}

/// Writes the clone marker and locks it for the clone's lifetime, including the `git`
/// processes it starts (they inherit the descriptor): a killed clone's `git fetch` keeps
/// the lock until it exits, so a retry never cleans a directory something still writes to.
fn lock_clone_marker(marker: &Path, source: &str) -> Result<std::fs::File> {
    let mut file = std::fs::File::create(marker).map_err(RepoError::io("writing", marker))?;
    file.lock().map_err(RepoError::io("locking", marker))?;
    std::io::Write::write_all(&mut file, format!("{source}\n").as_bytes())
        .map_err(RepoError::io("writing", marker))?;
    rustix::io::fcntl_setfd(&file, rustix::io::FdFlags::empty())
        .map_err(|e| RepoError::io("unsetting close-on-exec on", marker)(e.into()))?;
    Ok(file)
}

/// Waits up to `timeout` for the lock on a killed clone's marker (held by its `git`
/// processes until they exit).
///
/// # Errors
/// [`RepoError::Busy`] when they still run after `timeout`.
fn wait_for_clone_marker(root: &Path, timeout: std::time::Duration) -> Result<()> {
    let marker = root.join(CLONE_MARKER);
    let file = std::fs::File::open(&marker).map_err(RepoError::io("opening", &marker))?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < timeout => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(RepoError::Busy {
                    path: root.to_owned(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(RepoError::io("locking", &marker)(e));
            }
        }
    }
}

/// Runs a cleanup now.
fn clean_now(cleanup: Cleanup) {
    drop(cleanup);
}

/// The file at the root that marks a clone in progress: written before anything else and
/// removed when the clone finishes, so a killed clone is started again in its directory.
const CLONE_MARKER: &str = ".atomic-clone";

/// Creates `refs/heads/<b>` for every `refs/remotes/origin/<b>` that has no local branch,
/// and returns the remote's default branch (from `origin/HEAD`, else `main`, `master`, or
/// the first branch).
fn adopt_remote_branches(git: &gix::Repository) -> Result<Option<String>> {
    let tips = bridge::ref_tips(git)?;
    let prefix = "refs/remotes/origin/";
    let mut branches = Vec::new();
    for tip in &tips {
        if let Some(branch) = tip.name.strip_prefix(prefix) {
            let local = format!("refs/heads/{branch}");
            if !tips.iter().any(|t| t.name == local) {
                bridge::set_ref(git, &local, tip.commit, Some(None), "clone: from origin")?;
            }
            branches.push(branch.to_owned());
        }
    }
    let remote_head = git
        .try_find_reference("refs/remotes/origin/HEAD")
        .ok()
        .flatten()
        .and_then(|r| match r.target() {
            gix::refs::TargetRef::Symbolic(name) => name
                .as_bstr()
                .to_string()
                .strip_prefix(prefix)
                .map(str::to_owned),
            gix::refs::TargetRef::Object(_) => None,
        });
    Ok(remote_head.or_else(|| {
        ["main", "master"]
            .iter()
            .map(|b| (*b).to_owned())
            .find(|b| branches.contains(b))
            .or_else(|| branches.first().cloned())
    }))
}
