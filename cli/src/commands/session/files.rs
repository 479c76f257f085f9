//! `session read`, `write`, `rm`, `mv` and `ls` in the engine (their params, results and
//! front-ends are in `atomic_api::session` and `atomic_cli::front`).

pub use atomic_api::session::{
    FileContents, Listed, Ls, Move, MoveParams, Moved, PathParams, Read, Remove, Removed, Write,
    WriteParams,
};
use atomic_api::{Auth, Contents, WriteResult};
use atomic_repo::{Progress, Repo};

use crate::api::Run;
use crate::error::CommandError;

impl Run for Read {
    fn run(repo: &Repo, p: PathParams, _: &dyn Progress) -> Result<FileContents, CommandError> {
        let (mode, bytes) = repo.session_read(&p.auth.session_id, &p.auth.token, &p.path)?;
        Ok(FileContents {
            path: p.path,
            mode,
            contents: Contents::new(bytes),
        })
    }
}

impl Run for Write {
    fn run(repo: &Repo, p: WriteParams, _: &dyn Progress) -> Result<WriteResult, CommandError> {
        let bytes = p.contents.into_bytes()?;
        let written =
            repo.session_write(&p.auth.session_id, &p.auth.token, &p.path, p.mode, &bytes)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(written)
    }
}

impl Run for Remove {
    fn run(repo: &Repo, p: PathParams, _: &dyn Progress) -> Result<Removed, CommandError> {
        repo.session_rm(&p.auth.session_id, &p.auth.token, &p.path)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(Removed { path: p.path })
    }
}

impl Run for Move {
    fn run(repo: &Repo, p: MoveParams, _: &dyn Progress) -> Result<Moved, CommandError> {
        repo.session_mv(&p.auth.session_id, &p.auth.token, &p.from, &p.to)?;
        crate::mounts::changed(repo, &p.auth.session_id, &p.auth.token);
        Ok(Moved {
            from: p.from,
            to: p.to,
        })
    }
}

impl Run for Ls {
    fn run(repo: &Repo, p: Auth, _: &dyn Progress) -> Result<Vec<Listed>, CommandError> {
        Ok(repo
            .session_ls(&p.session_id, &p.token)?
            .into_iter()
            .map(|(path, changed)| Listed { path, changed })
            .collect())
    }
}
