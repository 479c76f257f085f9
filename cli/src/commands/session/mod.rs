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
    let auth = || args.auth(&ctx.cwd);
    match &args.action {
        Action::New {
            agent,
            intent,
            branch,
            persistent,
            mount,
        } => front::new(
            ctx,
            front::NewArgs {
                agent,
                intent: intent.as_deref(),
                branch: branch.as_deref(),
                persistent: *persistent,
                mount: mount.as_deref(),
            },
        ),
        Action::Mount { dir } => mount::mount(ctx, auth()?, dir),
        Action::Unmount => mount::unmount(ctx, auth()?),
        Action::Read { path } => front::read(ctx, auth()?, path),
        Action::Write { path, file, mode } => {
            front::write(ctx, auth()?, path, file.as_deref(), *mode)
        }
        Action::Edit { path, old, new } => front::edit(ctx, auth()?, path, old, new),
        Action::Apply => edit::apply(ctx, auth()?),
        Action::Rm { path } => front::rm(ctx, auth()?, path),
        Action::Mv { from, to } => front::mv(ctx, auth()?, from, to),
        Action::Ls => front::ls(ctx, auth()?),
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
    }
}
