//! The session commands clients run most (`new`, `read`, `write`, `edit`, `rm`, `mv`,
//! `ls`): from parsed arguments to a method call and its output. The thin client and the
//! engine both run these, each through its own [`Calls`].

use std::path::{Path, PathBuf};

use atomic_api::session::{
    Created, Edit, EditParams, FileContents, Listed, Ls, Move, MoveParams, Moved, New, NewParams,
    PathParams, Read, Remove, Removed, Write, WriteParams,
};
use atomic_api::{ATOMIC_DIR, Auth, CommandError, Contents, Method, WriteResult};
use atomic_core::FileMode;

use crate::args::{Action, ModeArg, SessionArgs};
use crate::ui::Ui;

/// Where a command runs: its output, its directory, its repository.
pub trait Client {
    /// Output.
    fn ui(&self) -> &Ui;
    /// The directory relative paths start from.
    fn cwd(&self) -> &Path;
    /// The repository's root.
    ///
    /// # Errors
    /// Not in a repository.
    fn root(&self) -> Result<PathBuf, CommandError>;
}

/// A client that can call method `M`.
pub trait Calls<M: Method>: Client {
    /// Calls `M` with `params`.
    ///
    /// # Errors
    /// The method's.
    fn call(&self, params: M::Params) -> Result<M::Output, CommandError>;
}

/// A client that can call every method of this module's commands.
pub trait SessionCalls:
    Calls<New> + Calls<Read> + Calls<Write> + Calls<Edit> + Calls<Remove> + Calls<Move> + Calls<Ls>
{
}

impl<C> SessionCalls for C where
    C: Calls<New>
        + Calls<Read>
        + Calls<Write>
        + Calls<Edit>
        + Calls<Remove>
        + Calls<Move>
        + Calls<Ls>
{
}

/// Whether [`run`] runs `action`.
pub fn runs(action: &Action) -> bool {
    matches!(
        action,
        Action::New { .. }
            | Action::Read { .. }
            | Action::Write { .. }
            | Action::Edit { .. }
            | Action::Rm { .. }
            | Action::Mv { .. }
            | Action::Ls
    )
}

/// Runs `args`' action when it is one of this module's (see [`runs`]); `None` otherwise.
pub fn run(ctx: &impl SessionCalls, args: &SessionArgs) -> Option<Result<(), CommandError>> {
    let auth = || args.auth(ctx.cwd());
    Some(match &args.action {
        Action::New {
            agent,
            intent,
            branch,
            persistent,
            mount,
        } => new(
            ctx,
            NewArgs {
                agent,
                intent: intent.as_deref(),
                branch: branch.as_deref(),
                persistent: *persistent,
                mount: mount.as_deref(),
            },
        ),
        Action::Read { path } => auth().and_then(|a| read(ctx, a, path)),
        Action::Write { path, file, mode } => {
            auth().and_then(|a| write(ctx, a, path, file.as_deref(), *mode))
        }
        Action::Edit { path, old, new } => auth().and_then(|a| edit(ctx, a, path, old, new)),
        Action::Rm { path } => auth().and_then(|a| rm(ctx, a, path)),
        Action::Mv { from, to } => auth().and_then(|a| mv(ctx, a, from, to)),
        Action::Ls => auth().and_then(|a| ls(ctx, a)),
        _ => return None,
    })
}

/// Reads all of standard input.
///
/// # Errors
/// The read's.
pub fn read_stdin() -> Result<Vec<u8>, CommandError> {
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| {
        CommandError::user(
            format!("cannot read standard input: {e}"),
            "pipe the contents in, or use --file",
        )
    })?;
    Ok(buf)
}

/// Reads a file the user named (relative to `cwd`).
///
/// # Errors
/// The read's, naming the path as given.
pub fn read_user_file(cwd: &Path, path: &Path) -> Result<Vec<u8>, CommandError> {
    std::fs::read(cwd.join(path)).map_err(|e| {
        CommandError::user(
            format!("cannot read {}: {e}", path.display()),
            "check the path",
        )
    })
}

/// What `session new` asks for.
pub struct NewArgs<'a> {
    /// The agent.
    pub agent: &'a str,
    /// Its intent.
    pub intent: Option<&'a str>,
    /// The branch.
    pub branch: Option<&'a str>,
    /// Persistent or not.
    pub persistent: bool,
    /// Where to mount it, relative to the current directory.
    pub mount: Option<&'a Path>,
}

/// `session new`.
///
/// # Errors
/// The method's.
pub fn new(ctx: &impl Calls<New>, args: NewArgs<'_>) -> Result<(), CommandError> {
    let mount = args.mount.map(|d| {
        let dir = ctx.cwd().join(d);
        std::path::absolute(&dir).unwrap_or(dir)
    });
    let created: Created = ctx.call(NewParams {
        agent: args.agent.to_owned(),
        intent: args.intent.map(str::to_owned),
        branch: args.branch.map(str::to_owned),
        persistent: args.persistent,
        mount,
    })?;
    ctx.ui().emit(&created, |out| {
        out.push_str(&format!(
            "export ATOMIC_SESSION={}\nexport ATOMIC_SESSION_TOKEN={}\n",
            created.session_id, created.token
        ));
        if let Some(dir) = &created.mount {
            out.push_str(&format!("# mounted at {}\n", dir.display()));
        }
    });
    Ok(())
}

/// `session read`: the contents on stdout, or the file as JSON.
///
/// # Errors
/// The method's.
pub fn read(ctx: &impl Calls<Read>, auth: Auth, path: &str) -> Result<(), CommandError> {
    let file: FileContents = ctx.call(PathParams {
        auth,
        path: path.to_owned(),
    })?;
    if ctx.ui().json {
        ctx.ui().emit(&file, |_| {});
    } else {
        let _ = ctx.ui().write_out(&file.contents.into_bytes()?);
    }
    Ok(())
}

/// Contents larger than this go to the server as a file, not in the message.
const INLINE_BYTES: usize = 32 << 20;

/// `session write`: contents from `file`, else standard input, which is read before
/// anything else (nothing is locked while it comes).
///
/// # Errors
/// An unreadable input; the method's.
pub fn write(
    ctx: &impl Calls<Write>,
    auth: Auth,
    path: &str,
    file: Option<&Path>,
    mode: Option<ModeArg>,
) -> Result<(), CommandError> {
    let contents = match file {
        Some(f) => {
            // Refuse a missing file here, with the user's own path in the message.
            read_user_file(ctx.cwd(), f).map(drop)?;
            Contents {
                from_file: Some(std::path::absolute(ctx.cwd().join(f)).map_err(|e| {
                    CommandError::user(
                        format!("cannot resolve {}: {e}", f.display()),
                        "check the path",
                    )
                })?),
                ..Contents::default()
            }
        }
        None => {
            let bytes = read_stdin()?;
            if bytes.len() > INLINE_BYTES {
                let spool = spool(&ctx.root()?, &bytes)?;
                let contents = Contents {
                    from_file: Some(spool.path().to_owned()),
                    ..Contents::default()
                };
                return send_write(ctx, auth, path, mode, contents);
            }
            Contents::new(bytes)
        }
    };
    send_write(ctx, auth, path, mode, contents)
}

/// Writes large standard input to a temporary file under `.atomic/`, for the server.
fn spool(root: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, CommandError> {
    let dir = root.join(ATOMIC_DIR);
    let mut file = tempfile::NamedTempFile::new_in(&dir).map_err(|e| {
        CommandError::internal(
            "io",
            format!("cannot spool standard input in {}: {e}", dir.display()),
            "check .atomic's permissions",
        )
    })?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| {
        CommandError::internal(
            "io",
            format!("cannot spool standard input: {e}"),
            "check the disk",
        )
    })?;
    Ok(file)
}

fn send_write(
    ctx: &impl Calls<Write>,
    auth: Auth,
    path: &str,
    mode: Option<ModeArg>,
    contents: Contents,
) -> Result<(), CommandError> {
    let mode = mode.map(|m| match m {
        ModeArg::Blob => FileMode::Blob,
        ModeArg::Executable => FileMode::Executable,
        ModeArg::Symlink => FileMode::Symlink,
    });
    let result: WriteResult = ctx.call(WriteParams {
        auth,
        path: path.to_owned(),
        mode,
        contents,
    })?;
    ctx.ui().emit(&result, |out| render_write(out, &result));
    Ok(())
}

/// Appends the text form of a write's result: the path, its symbols, the warnings.
pub fn render_write(out: &mut String, result: &WriteResult) {
    out.push_str(&format!(
        "Wrote {} ({})\n",
        result.path,
        &result.content_hash[..12]
    ));
    for s in &result.symbols {
        out.push_str(&format!("  {} ({})\n", s.scoped_name, s.change));
    }
    for w in &result.conflict_warnings {
        out.push_str(&format!(
            "  warning: {} ({}) also changed {} in {}\n",
            w.session_id, w.agent, w.symbol, w.path
        ));
    }
}

/// `session edit`: the one occurrence of `old` in the file becomes `new`.
///
/// # Errors
/// The method's.
pub fn edit(
    ctx: &impl Calls<Edit>,
    auth: Auth,
    path: &str,
    old: &str,
    new: &str,
) -> Result<(), CommandError> {
    let result: WriteResult = ctx.call(EditParams {
        auth,
        path: path.to_owned(),
        old: old.to_owned(),
        new: new.to_owned(),
    })?;
    ctx.ui().emit(&result, |out| render_write(out, &result));
    Ok(())
}

/// `session rm`.
///
/// # Errors
/// The method's.
pub fn rm(ctx: &impl Calls<Remove>, auth: Auth, path: &str) -> Result<(), CommandError> {
    let removed: Removed = ctx.call(PathParams {
        auth,
        path: path.to_owned(),
    })?;
    ctx.ui().emit(&removed, |out| {
        out.push_str(&format!("Removed {}\n", removed.path))
    });
    Ok(())
}

/// `session mv`.
///
/// # Errors
/// The method's.
pub fn mv(ctx: &impl Calls<Move>, auth: Auth, from: &str, to: &str) -> Result<(), CommandError> {
    let moved: Moved = ctx.call(MoveParams {
        auth,
        from: from.to_owned(),
        to: to.to_owned(),
    })?;
    ctx.ui().emit(&moved, |out| {
        out.push_str(&format!("Moved {} to {}\n", moved.from, moved.to))
    });
    Ok(())
}

/// `session ls`.
///
/// # Errors
/// The method's.
pub fn ls(ctx: &impl Calls<Ls>, auth: Auth) -> Result<(), CommandError> {
    let files: Vec<Listed> = ctx.call(auth)?;
    ctx.ui().emit(&files, |out| {
        for f in &files {
            out.push_str(&format!(
                "{} {}\n",
                if f.changed { "M" } else { " " },
                f.path
            ));
        }
    });
    Ok(())
}
