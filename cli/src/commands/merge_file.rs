//! `atomic merge-file`: git merge-file's interface on atomic's structured merge (the
//! `atomic_merge_file` crate, which the merge driver binary runs too).

use super::Context;
use crate::error::CommandError;

pub use atomic_merge_file::Args;

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    match atomic_merge_file::run(&args, ctx.ui.json, ctx.ui.quiet)? {
        0 => Ok(()),
        conflicts => std::process::exit(i32::from(conflicts)),
    }
}
