//! `atomic session ...`: virtual working copies for agents. One file per group of actions.

pub mod edit;
pub mod files;
pub mod list;
pub mod mount;
pub mod new;
pub mod review;
pub mod submit;

pub use atomic_api::Auth;
pub use atomic_cli::args::{Action, ResolveArg, SessionArgs as Args};
use atomic_cli::front;

use super::Context;
use crate::error::CommandError;

pub fn run(ctx: &Context<'_>, args: Args) -> Result<(), CommandError> {
    if let Some(done) = front::run(ctx, &args) {
        return done;
    }
    let auth = || args.auth(&ctx.cwd);
    match &args.action {
        Action::Mount { dir } => mount::mount(ctx, auth()?, dir),
        Action::Unmount => mount::unmount(ctx, auth()?),
        Action::Apply => edit::apply(ctx, auth()?),
        Action::Diff => review::diff(ctx, auth()?),
        Action::Status => review::status(ctx, auth()?),
        Action::Comment {
            path,
            line,
            text,
            author,
        } => review::comment(
            ctx,
            review::CommentParams {
                auth: auth()?,
                path: path.clone(),
                line: *line,
                text: text.clone(),
                author: author.clone(),
            },
        ),
        Action::Submit { message } => submit::submit(ctx, auth()?, message),
        Action::Resolve {
            action,
            symbol,
            content_file,
        } => submit::resolve(
            ctx,
            auth()?,
            *action,
            symbol.clone(),
            content_file.as_deref(),
        ),
        Action::Verify => submit::verify(ctx, auth()?),
        Action::Prune { older_than, force } => list::prune(ctx, *older_than, *force),
        Action::Close => list::close(ctx, auth()?),
        Action::List => list::list(ctx),
        Action::New { .. }
        | Action::Read { .. }
        | Action::Write { .. }
        | Action::Edit { .. }
        | Action::Rm { .. }
        | Action::Mv { .. }
        | Action::Ls => unreachable!("front::run runs these"),
    }
}
