//! The engine's side of the typed API ([`atomic_api::Method`]): every method's [`Run`],
//! run in this process when no server runs, or by `atomic serve` for a JSON-RPC 2.0
//! request (see [`crate::rpc`]). The schema is in `book/src/protocol.md`.

use atomic_repo::{Progress, Repo};

use crate::error::CommandError;

pub use atomic_api::{Contents, Method, PROTOCOL_VERSION};

/// How the engine runs method `Self`.
pub trait Run: Method {
    /// Runs the method on `repo`.
    ///
    /// # Errors
    /// The operation's errors, as [`CommandError`]s with a stable kind.
    fn run(
        repo: &Repo,
        params: Self::Params,
        progress: &dyn Progress,
    ) -> Result<Self::Output, CommandError>;
}

/// Runs `M` in this process: imports what git did first (when `M::SYNC`), then runs.
///
/// # Errors
/// As [`Run::run`].
pub fn run_local<M: Run>(
    repo: &Repo,
    params: M::Params,
    progress: &dyn Progress,
) -> Result<M::Output, CommandError> {
    if M::SYNC {
        repo.sync(progress)?;
    }
    M::run(repo, params, progress)
}

/// Runs `M` on JSON params and returns its JSON result: what the server does for a request.
fn call<M: Run>(repo: &Repo, params: serde_json::Value) -> Result<serde_json::Value, CommandError> {
    if let Some(id) = params.get("session_id").and_then(serde_json::Value::as_str) {
        crate::mounts::sync(id)?;
    }
    let params: M::Params = serde_json::from_value(params)
        .map_err(|e| CommandError::protocol(format!("bad params for {}: {e}", M::NAME)))?;
    let output = run_local::<M>(repo, params, &atomic_repo::NoProgress)?;
    Ok(serde_json::to_value(output).expect("results serialize"))
}

macro_rules! methods {
    ($($method:ty),* $(,)?) => {
        /// Runs the method named `name` on JSON params (the server's dispatch).
        ///
        /// # Errors
        /// [`CommandError::protocol`] for an unknown method or bad params; the method's
        /// errors.
        pub fn dispatch(
            repo: &Repo,
            name: &str,
            params: serde_json::Value,
        ) -> Result<serde_json::Value, CommandError> {
            match name {
                $(<$method as Method>::NAME => call::<$method>(repo, params),)*
                other => Err(CommandError::unknown_method(other)),
            }
        }

        /// The names of every method, for `server.info` and the protocol page.
        pub const METHOD_NAMES: &[&str] = &[$(<$method as Method>::NAME),*];
    };
}

use crate::commands::{
    branch, context, diff, doctor, git, index, log, merge, op, record, remote, restore, session,
    show, status, switch, symbols, sync, tag, watch,
};

methods![
    status::Status,
    diff::Diff,
    diff::DiffSymbols,
    record::Record,
    log::Log,
    show::Show,
    show::ShowSymbols,
    branch::List,
    branch::Create,
    branch::Delete,
    tag::List,
    tag::Create,
    tag::Delete,
    switch::Switch,
    remote::List,
    remote::Add,
    remote::Remove,
    sync::Fetch,
    sync::Push,
    git::Import,
    git::Export,
    doctor::Doctor,
    op::Log,
    op::Undo,
    op::Restore,
    symbols::Symbols,
    context::ContextQuery,
    index::Index,
    merge::Merge,
    merge::Abort,
    restore::Restore,
    watch::Events,
    atomic_api::session::New,
    session::list::List,
    session::list::Prune,
    atomic_api::session::Read,
    atomic_api::session::Write,
    atomic_api::session::Edit,
    session::edit::Apply,
    atomic_api::session::Remove,
    atomic_api::session::Move,
    atomic_api::session::Ls,
    session::review::Diff,
    session::review::Status,
    session::review::AddComment,
    session::submit::Submit,
    session::submit::Resolve,
    session::submit::Verify,
    session::list::Close,
    session::mount::Mount,
    session::mount::Unmount,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_unique() {
        let mut names = METHOD_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), METHOD_NAMES.len());
    }
}
