//! The store-free half of the `atomic` command: the arguments, output and session
//! front-ends that the thin client (the `atomic` binary, [`thin`]) and the engine (the
//! `atomic-engine` binary) share. Nothing here opens the store.

pub mod args;
pub mod front;
pub mod thin;
pub mod ui;
