//! `atomic completions` and `atomic man`: shell completions and man pages, generated from
//! the command line's own definition (clap_complete, clap_mangen).

use std::path::PathBuf;

use clap::CommandFactory;

use super::{Cli, Context};
use crate::error::CommandError;

/// Print shell completions for atomic
///
/// For example: `atomic completions bash > ~/.local/share/bash-completion/completions/atomic`,
/// `atomic completions zsh > ~/.zfunc/_atomic`, or
/// `atomic completions fish > ~/.config/fish/completions/atomic.fish`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,
}

/// Write man pages for atomic and each of its commands
///
/// One page per command (`atomic.1`, `atomic-session-new.1`, ...) into DIR; for example
/// `atomic man ~/.local/share/man/man1`, then `man atomic-record`.
#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// The directory to write the pages into (created when missing)
    pub dir: PathBuf,
}

pub fn completions(args: CompletionsArgs) -> Result<(), CommandError> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "atomic", &mut script);
    // A reader that stops early (`| head`) is not an error.
    match std::io::Write::write_all(&mut std::io::stdout(), &script) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CommandError::user(
            format!("cannot write the completions: {e}"),
            "redirect them into a file",
        )),
        _ => Ok(()),
    }
}

/// The command line without clap's `help` subcommands, which are no pages of their own.
fn without_help(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help)
}

pub fn man(ctx: &Context<'_>, args: ManArgs) -> Result<(), CommandError> {
    let dir = ctx.path(&args.dir);
    let fail = |e: std::io::Error| {
        CommandError::user(
            format!("cannot write man pages into {}: {e}", dir.display()),
            "name a directory you can write to",
        )
    };
    std::fs::create_dir_all(&dir).map_err(fail)?;
    let mut cmd = without_help(Cli::command());
    cmd.build();
    clap_mangen::generate_to(cmd, &dir).map_err(fail)?;
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .map_err(fail)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("atomic") && n.ends_with(".1"))
        .collect();
    pages.sort();
    let written = serde_json::json!({"dir": dir, "pages": pages});
    ctx.ui.emit(&written, |out| {
        out.push_str(&format!(
            "Wrote {} man page(s) into {}\n",
            pages.len(),
            dir.display()
        ));
    });
    Ok(())
}
