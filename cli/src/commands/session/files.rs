//! `session read`, `write`, `rm`, `mv` and `ls`: a session's files.

use std::path::Path;

use atomic_core::FileMode;
use atomic_repo::{Progress, Repo, WriteResult};
use serde::{Deserialize, Serialize};

use super::super::Context;
use super::{Auth, ModeArg, read_user_file};
use crate::api::{Contents, Method};
use crate::error::CommandError;

/// What `session.read` and `session.rm` take.
#[derive(Debug, Serialize, Deserialize)]
pub struct PathParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The path, relative to the repository root.
    pub path: String,
}

/// A file as `session.read` returns it.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileContents {
    /// The path.
    pub path: String,
    /// Its mode.
    pub mode: FileMode,
    /// Its contents.
    #[serde(flatten)]
    pub contents: Contents,
}

/// `session.read`: a file as the session sees it (overlay, then base).
pub struct Read;

impl Method for Read {
    const NAME: &'static str = "session.read";
    const SYNC: bool = false;
    type Params = PathParams;
    type Output = FileContents;

    fn run(repo: &Repo, p: PathParams, _: &dyn Progress) -> Result<FileContents, CommandError> {
        let (mode, bytes) = repo.session_read(&p.auth.session_id, &p.auth.token, &p.path)?;
        Ok(FileContents {
            path: p.path,
            mode,
            contents: Contents::new(bytes),
        })
    }
}

/// What `session.write` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct WriteParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The path, relative to the repository root.
    pub path: String,
    /// The mode (keep an existing regular file's, else a plain file, when absent).
    pub mode: Option<FileMode>,
    /// The contents.
    #[serde(flatten)]
    pub contents: Contents,
}

/// `session.write`: a file into the session's overlay.
pub struct Write;

impl Method for Write {
    const NAME: &'static str = "session.write";
    const SYNC: bool = false;
    type Params = WriteParams;
    type Output = WriteResult;

    fn run(repo: &Repo, p: WriteParams, _: &dyn Progress) -> Result<WriteResult, CommandError> {
        let bytes = p.contents.into_bytes()?;
        let written =
            repo.session_write(&p.auth.session_id, &p.auth.token, &p.path, p.mode, &bytes)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(written)
    }
}

/// What `session.rm` answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Removed {
    /// The path removed.
    pub path: String,
}

/// `session.rm`: a file removed in the session.
pub struct Remove;

impl Method for Remove {
    const NAME: &'static str = "session.rm";
    const SYNC: bool = false;
    type Params = PathParams;
    type Output = Removed;

    fn run(repo: &Repo, p: PathParams, _: &dyn Progress) -> Result<Removed, CommandError> {
        repo.session_rm(&p.auth.session_id, &p.auth.token, &p.path)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(Removed { path: p.path })
    }
}

/// What `session.mv` takes.
#[derive(Debug, Serialize, Deserialize)]
pub struct MoveParams {
    /// The session and token.
    #[serde(flatten)]
    pub auth: Auth,
    /// The current path.
    pub from: String,
    /// The new path.
    pub to: String,
}

/// What `session.mv` answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Moved {
    /// The old path.
    pub from: String,
    /// The new path.
    pub to: String,
}

/// `session.mv`: a file moved in the session.
pub struct Move;

impl Method for Move {
    const NAME: &'static str = "session.mv";
    const SYNC: bool = false;
    type Params = MoveParams;
    type Output = Moved;

    fn run(repo: &Repo, p: MoveParams, _: &dyn Progress) -> Result<Moved, CommandError> {
        repo.session_mv(&p.auth.session_id, &p.auth.token, &p.from, &p.to)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(Moved {
            from: p.from,
            to: p.to,
        })
    }
}

/// One file of `session.ls`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Listed {
    /// The path.
    pub path: String,
    /// Whether the session changed it.
    pub changed: bool,
}

/// `session.ls`: the session's files.
pub struct Ls;

impl Method for Ls {
    const NAME: &'static str = "session.ls";
    const SYNC: bool = false;
    type Params = Auth;
    type Output = Vec<Listed>;

    fn run(repo: &Repo, p: Auth, _: &dyn Progress) -> Result<Vec<Listed>, CommandError> {
        Ok(repo
            .session_ls(&p.session_id, &p.token)?
            .into_iter()
            .map(|(path, changed)| Listed { path, changed })
            .collect())
    }
}

pub fn read(ctx: &Context<'_>, auth: Auth, path: &str) -> Result<(), CommandError> {
    let file = ctx.call::<Read>(PathParams {
        auth,
        path: path.to_owned(),
    })?;
    if ctx.ui.json {
        ctx.ui.emit(&file, |_| {});
    } else {
        let _ = ctx.ui.write_out(&file.contents.into_bytes()?);
    }
    Ok(())
}

/// Contents larger than this go to the server as a file, not in the message.
const INLINE_BYTES: usize = 32 << 20;

pub fn write(
    ctx: &Context<'_>,
    auth: Auth,
    path: &str,
    file: Option<&Path>,
    mode: Option<ModeArg>,
) -> Result<(), CommandError> {
    // Standard input is read before anything else: nothing is locked while it comes.
    let contents = match file {
        Some(f) => Contents {
            from_file: Some(std::path::absolute(ctx.path(f)).map_err(|e| {
                CommandError::user(
                    format!("cannot resolve {}: {e}", f.display()),
                    "check the path",
                )
            })?),
            ..Contents::default()
        },
        None => {
            let bytes = ctx.read_stdin()?;
            if bytes.len() > INLINE_BYTES {
                let spool = spool(ctx, &bytes)?;
                let result = send_write(
                    ctx,
                    auth,
                    path,
                    mode,
                    Contents {
                        from_file: Some(spool.path().to_owned()),
                        ..Contents::default()
                    },
                );
                drop(spool);
                return result;
            }
            Contents::new(bytes)
        }
    };
    if let Some(f) = file {
        // Refuse a missing file here, with the user's own path in the message.
        read_user_file(ctx, f).map(drop)?;
    }
    send_write(ctx, auth, path, mode, contents)
}

/// Writes large standard input to a temporary file under `.atomic/`, for the server.
fn spool(ctx: &Context<'_>, bytes: &[u8]) -> Result<tempfile::NamedTempFile, CommandError> {
    let dir = ctx.root()?.join(atomic_repo::ATOMIC_DIR);
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
    ctx: &Context<'_>,
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
    let result = ctx.call::<Write>(WriteParams {
        auth,
        path: path.to_owned(),
        mode,
        contents,
    })?;
    ctx.ui.emit(&result, |out| render_write(out, &result));
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

pub fn rm(ctx: &Context<'_>, auth: Auth, path: &str) -> Result<(), CommandError> {
    let removed = ctx.call::<Remove>(PathParams {
        auth,
        path: path.to_owned(),
    })?;
    ctx.ui.emit(&removed, |out| {
        out.push_str(&format!("Removed {}\n", removed.path))
    });
    Ok(())
}

pub fn mv(ctx: &Context<'_>, auth: Auth, from: &str, to: &str) -> Result<(), CommandError> {
    let moved = ctx.call::<Move>(MoveParams {
        auth,
        from: from.to_owned(),
        to: to.to_owned(),
    })?;
    ctx.ui.emit(&moved, |out| {
        out.push_str(&format!("Moved {} to {}\n", moved.from, moved.to))
    });
    Ok(())
}

pub fn ls(ctx: &Context<'_>, auth: Auth) -> Result<(), CommandError> {
    let files = ctx.call::<Ls>(auth)?;
    ctx.ui.emit(&files, |out| {
        files.iter().for_each(|f| {
            out.push_str(&format!(
                "{} {}\n",
                if f.changed { "M" } else { " " },
                f.path
            ))
        })
    });
    Ok(())
}
