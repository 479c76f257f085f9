//! Integration tests of the `atomic` binary against real git repositories.

#![allow(clippy::unwrap_used)]

mod common;

mod test_bad_input;
mod test_commands;
mod test_crash;
mod test_dashboard;
mod test_edit;
mod test_engine;
mod test_git_flags;
mod test_hostile;
mod test_json;
mod test_mcp;
mod test_merge;
mod test_mount;
mod test_round_trip;
mod test_semantic;
mod test_serve;
mod test_session;
mod test_setup;
mod test_way_back;
