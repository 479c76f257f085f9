//! Errors as the engine reports them: [`atomic_api::CommandError`], into which every
//! library error converts (see [`atomic_api::Reported`]).
//!
//! Exit codes: 0 success; 1 the command could not do what was asked (bad input or state,
//! `doctor` found problems, a conflict); 2 usage error; 3 the repository is busy (another
//! atomic process held it past the lock timeout, or the server is at its connection
//! limit); 4 internal error (git or store failure, a server that went away).

pub use atomic_api::{CommandError, EXIT_BUSY, EXIT_USER};
