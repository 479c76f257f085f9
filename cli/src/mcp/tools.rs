//! The MCP tools: one per session operation, each a typed method of atomic's API with an
//! input schema, an output schema and the hints hosts use to decide what needs approval.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Engine;
use crate::api::Contents;
use crate::commands::session::{edit, files, list, new, review, submit};
use crate::commands::{context, symbols, watch};
use crate::error::CommandError;

/// What a host may assume of a tool (MCP's tool annotations).
pub struct Hints {
    /// It changes nothing.
    pub read_only: bool,
    /// It may discard or overwrite work (meaningful when not read-only).
    pub destructive: bool,
    /// Calling it again with the same input has no further effect.
    pub idempotent: bool,
}

/// One MCP tool.
pub trait Tool {
    /// The tool's name: `atomic_` and `[a-z0-9_]`.
    const NAME: &'static str;
    /// A title for people.
    const TITLE: &'static str;
    /// What it does, for the model.
    const DESCRIPTION: &'static str;
    /// Its hints.
    const HINTS: Hints;
    /// Its arguments (an object).
    type Input: DeserializeOwned + JsonSchema + 'static;
    /// Its structured result (an object).
    type Output: Serialize + JsonSchema + 'static;

    /// Runs the tool.
    ///
    /// # Errors
    /// The operation's, with their stable kinds.
    fn call(engine: &Engine, input: Self::Input) -> Result<Self::Output, CommandError>;
}

macro_rules! tools {
    ($($tool:ty),* $(,)?) => {
        /// Every tool's definition, in the order `tools/list` gives them.
        pub fn definitions() -> Vec<rmcp::model::Tool> {
            vec![$(definition::<$tool>()),*]
        }

        /// Runs tool `name` on JSON `arguments`; `None` for an unknown tool.
        pub fn call(
            engine: &Engine,
            name: &str,
            arguments: serde_json::Value,
        ) -> Option<Result<serde_json::Value, CommandError>> {
            match name {
                $(<$tool as Tool>::NAME => Some(run::<$tool>(engine, arguments)),)*
                _ => None,
            }
        }
    };
}

tools![
    SessionNew, Read, Write, Edit, ApplyPatch, Ls, Symbols, Context, Status, Diff, Submit, Resolve,
    Verify, Watch, Close,
];

fn definition<T: Tool>() -> rmcp::model::Tool {
    let input = rmcp::handler::server::tool::schema_for_input::<T::Input>()
        .unwrap_or_else(|e| panic!("{}'s input schema: {e}", T::NAME));
    rmcp::model::Tool::new(T::NAME, T::DESCRIPTION, input)
        .with_title(T::TITLE)
        .with_raw_output_schema(object_rooted(
            rmcp::handler::server::tool::schema_for_output::<T::Output>(),
        ))
        .with_annotations(
            rmcp::model::ToolAnnotations::with_title(T::TITLE)
                .read_only(T::HINTS.read_only)
                .destructive(T::HINTS.destructive)
                .idempotent(T::HINTS.idempotent)
                .open_world(false),
        )
}

/// `schema` with `"type": "object"` at its root when it is a choice of objects (a tagged
/// enum such as a submit's result): protocol 2025-11-25 takes only object-rooted output
/// schemas, and hosts on it would otherwise get none.
fn object_rooted(
    schema: std::sync::Arc<rmcp::model::JsonObject>,
) -> std::sync::Arc<rmcp::model::JsonObject> {
    if schema.contains_key("type") {
        return schema;
    }
    let mut schema = (*schema).clone();
    schema.insert("type".into(), "object".into());
    std::sync::Arc::new(schema)
}

fn run<T: Tool>(
    engine: &Engine,
    arguments: serde_json::Value,
) -> Result<serde_json::Value, CommandError> {
    let input: T::Input = serde_json::from_value(arguments).map_err(|e| {
        CommandError::new(
            "bad_arguments",
            format!("bad arguments for {}: {e}", T::NAME),
            "see the tool's input schema in tools/list",
        )
    })?;
    let output = T::call(engine, input)?;
    Ok(serde_json::to_value(output).expect("results serialize"))
}

/// A session's id: the only argument of several tools.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SessionArgs {
    /// The session, as atomic_session_new returned it.
    pub session_id: String,
}

/// A path in a session.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PathArgs {
    /// The session, as atomic_session_new returned it.
    pub session_id: String,
    /// The file, relative to the repository root, with `/` separators.
    pub path: String,
}

const READS: Hints = Hints {
    read_only: true,
    destructive: false,
    idempotent: true,
};

/// `atomic_session_new`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SessionNewArgs {
    /// Who works in the session (a name git accepts as an author, e.g. `claude`).
    pub agent: String,
    /// What the session is for, in a few words.
    #[serde(default)]
    pub intent: Option<String>,
    /// The branch it works on (default: the checked-out branch).
    #[serde(default)]
    pub branch: Option<String>,
    /// Also present the session as this directory (FUSE), relative to the repository
    /// root or absolute; it must be new or empty.
    #[serde(default)]
    pub mount: Option<String>,
    /// Keep the session after a submit (default: it ends when its work lands).
    #[serde(default)]
    pub persistent: bool,
}

/// A session that started; its token stays in the MCP server.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SessionStarted {
    /// The session: pass it to every other tool.
    pub session_id: String,
    /// Its agent.
    pub agent: String,
    /// Its branch, full name.
    pub branch: String,
    /// The commit its reads fall through to.
    pub base_commit: atomic_core::GitId,
    /// That commit's change.
    pub base_change_id: atomic_core::ChangeId,
    /// Where it is mounted, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount: Option<std::path::PathBuf>,
}

/// `atomic_session_new`.
pub struct SessionNew;

impl Tool for SessionNew {
    const NAME: &'static str = "atomic_session_new";
    const TITLE: &'static str = "Start a session";
    const DESCRIPTION: &'static str = "Starts a session: an isolated, copy-on-write working copy of the repository on a branch, which costs nothing to create. Returns its session_id. Work in it with the other tools; submit to land it.";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: false,
        idempotent: false,
    };
    type Input = SessionNewArgs;
    type Output = SessionStarted;

    fn call(engine: &Engine, a: SessionNewArgs) -> Result<SessionStarted, CommandError> {
        let mount = a.mount.map(|d| {
            let d = std::path::PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                engine.root.join(d)
            }
        });
        let created = engine.call::<new::New>(new::NewParams {
            agent: a.agent,
            intent: a.intent,
            branch: a.branch,
            persistent: a.persistent,
            mount,
        })?;
        engine.remember(&created.session_id, &created.token);
        Ok(SessionStarted {
            session_id: created.session_id,
            agent: created.agent,
            branch: created.branch,
            base_commit: created.base_commit,
            base_change_id: created.base_change_id,
            mount: created.mount,
        })
    }
}

/// A file's contents.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FileText {
    /// The path.
    pub path: String,
    /// Its mode.
    pub mode: atomic_core::FileMode,
    /// The contents when they are UTF-8 text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The contents in base64 otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
}

/// `atomic_read`.
pub struct Read;

impl Tool for Read {
    const NAME: &'static str = "atomic_read";
    const TITLE: &'static str = "Read a file";
    const DESCRIPTION: &'static str =
        "Reads a file as the session sees it: its own writes, else the base commit's version.";
    const HINTS: Hints = READS;
    type Input = PathArgs;
    type Output = FileText;

    fn call(engine: &Engine, a: PathArgs) -> Result<FileText, CommandError> {
        let read = engine.call::<files::Read>(files::PathParams {
            auth: engine.auth(&a.session_id)?,
            path: a.path,
        })?;
        Ok(FileText {
            path: read.path,
            mode: read.mode,
            text: read.contents.text,
            base64: read.contents.base64,
        })
    }
}

/// `atomic_write`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct WriteArgs {
    /// The session, as atomic_session_new returned it.
    pub session_id: String,
    /// The file, relative to the repository root, with `/` separators.
    pub path: String,
    /// The whole new contents.
    pub text: String,
    /// Make the file executable (default: keep its mode; a new file is not).
    #[serde(default)]
    pub executable: Option<bool>,
}

/// `atomic_write`.
pub struct Write;

impl Tool for Write {
    const NAME: &'static str = "atomic_write";
    const TITLE: &'static str = "Write a file";
    const DESCRIPTION: &'static str = "Writes a whole file in the session (creating it if needed). Returns the symbols it changed against the base, and warnings when another live session changed the same symbols. Prefer atomic_edit for a change to part of a file.";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: true,
        idempotent: true,
    };
    type Input = WriteArgs;
    type Output = atomic_repo::WriteResult;

    fn call(engine: &Engine, a: WriteArgs) -> Result<atomic_repo::WriteResult, CommandError> {
        let mode = a.executable.map(|x| {
            if x {
                atomic_core::FileMode::Executable
            } else {
                atomic_core::FileMode::Blob
            }
        });
        engine.call::<files::Write>(files::WriteParams {
            auth: engine.auth(&a.session_id)?,
            path: a.path,
            mode,
            contents: Contents::new(a.text.into_bytes()),
        })
    }
}

/// `atomic_edit`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct EditArgs {
    /// The session, as atomic_session_new returned it.
    pub session_id: String,
    /// The file, relative to the repository root, with `/` separators.
    pub path: String,
    /// The exact text to replace, whitespace included: it must occur exactly once.
    pub old: String,
    /// The text that replaces it.
    pub new: String,
}

/// `atomic_edit`.
pub struct Edit;

impl Tool for Edit {
    const NAME: &'static str = "atomic_edit";
    const TITLE: &'static str = "Edit a file";
    const DESCRIPTION: &'static str = "Replaces the one occurrence of `old` in a file of the session with `new`. Fails, changing nothing, when `old` is missing or occurs more than once (add surrounding lines to make it unique).";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: false,
        idempotent: false,
    };
    type Input = EditArgs;
    type Output = atomic_repo::WriteResult;

    fn call(engine: &Engine, a: EditArgs) -> Result<atomic_repo::WriteResult, CommandError> {
        engine.call::<edit::Edit>(edit::EditParams {
            auth: engine.auth(&a.session_id)?,
            path: a.path,
            old: a.old,
            new: a.new,
        })
    }
}

/// `atomic_apply_patch`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PatchArgs {
    /// The session, as atomic_session_new returned it.
    pub session_id: String,
    /// A unified diff of one or more files, as `git diff` prints it.
    pub patch: String,
}

/// `atomic_apply_patch`.
pub struct ApplyPatch;

impl Tool for ApplyPatch {
    const NAME: &'static str = "atomic_apply_patch";
    const TITLE: &'static str = "Apply a patch";
    const DESCRIPTION: &'static str = "Applies a unified diff (changes, new files, deletions, renames) to the session: every file or none.";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: true,
        idempotent: false,
    };
    type Input = PatchArgs;
    type Output = edit::AppliedFiles;

    fn call(engine: &Engine, a: PatchArgs) -> Result<edit::AppliedFiles, CommandError> {
        engine.call::<edit::Apply>(edit::ApplyParams {
            auth: engine.auth(&a.session_id)?,
            patch: a.patch,
        })
    }
}

/// The files of a session.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Listing {
    /// Every file, in path order.
    pub files: Vec<files::Listed>,
}

/// `atomic_ls`.
pub struct Ls;

impl Tool for Ls {
    const NAME: &'static str = "atomic_ls";
    const TITLE: &'static str = "List files";
    const DESCRIPTION: &'static str = "Lists the session's files, saying which it changed.";
    const HINTS: Hints = READS;
    type Input = SessionArgs;
    type Output = Listing;

    fn call(engine: &Engine, a: SessionArgs) -> Result<Listing, CommandError> {
        Ok(Listing {
            files: engine.call::<files::Ls>(engine.auth(&a.session_id)?)?,
        })
    }
}

/// `atomic_symbols`' arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SymbolsArgs {
    /// Only files under these paths, relative to the repository root (all when empty).
    #[serde(default)]
    pub paths: Vec<String>,
    /// A revision (branch, tag, commit) to read instead of the checked-out tree.
    #[serde(default)]
    pub rev: Option<String>,
}

/// Symbols per file.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SymbolFiles {
    /// Each file in a supported language.
    pub files: Vec<symbols::FileView>,
}

/// `atomic_symbols`.
pub struct Symbols;

impl Tool for Symbols {
    const NAME: &'static str = "atomic_symbols";
    const TITLE: &'static str = "List symbols";
    const DESCRIPTION: &'static str = "Lists the functions, types and other symbols of files, with their lines, calls, references and imports.";
    const HINTS: Hints = READS;
    type Input = SymbolsArgs;
    type Output = SymbolFiles;

    fn call(engine: &Engine, a: SymbolsArgs) -> Result<SymbolFiles, CommandError> {
        Ok(SymbolFiles {
            files: engine.call::<symbols::Symbols>(symbols::Params {
                paths: a.paths,
                rev: a.rev,
            })?,
        })
    }
}

/// `atomic_context`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ContextArgs {
    /// A symbol's name or part of it (`parse`, `Parser::parse`).
    pub query: String,
    /// How much to return (default `full`: definition, source, callers and callees).
    #[serde(default = "full")]
    pub depth: atomic_semantic::Depth,
    /// A revision to read instead of the checked-out tree.
    #[serde(default)]
    pub rev: Option<String>,
}

fn full() -> atomic_semantic::Depth {
    atomic_semantic::Depth::Full
}

/// What is known of the matching symbols.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Contexts {
    /// Each matching symbol.
    pub symbols: Vec<atomic_semantic::Context>,
}

/// `atomic_context`.
pub struct Context;

impl Tool for Context {
    const NAME: &'static str = "atomic_context";
    const TITLE: &'static str = "Symbol context";
    const DESCRIPTION: &'static str = "Finds symbols by name and returns their definition, signature, source, callers and callees: what to read before changing one.";
    const HINTS: Hints = READS;
    type Input = ContextArgs;
    type Output = Contexts;

    fn call(engine: &Engine, a: ContextArgs) -> Result<Contexts, CommandError> {
        Ok(Contexts {
            symbols: engine.call::<context::ContextQuery>(context::Params {
                query: a.query,
                depth: a.depth,
                rev: a.rev,
            })?,
        })
    }
}

/// `atomic_status`.
pub struct Status;

impl Tool for Status {
    const NAME: &'static str = "atomic_status";
    const TITLE: &'static str = "Session status";
    const DESCRIPTION: &'static str = "Where the session stands: its base, whether its branch moved since, the files and symbols it changed, and live warnings about symbols other sessions changed too.";
    const HINTS: Hints = READS;
    type Input = SessionArgs;
    type Output = atomic_repo::SessionStatus;

    fn call(engine: &Engine, a: SessionArgs) -> Result<atomic_repo::SessionStatus, CommandError> {
        engine.call::<review::Status>(engine.auth(&a.session_id)?)
    }
}

/// `atomic_diff`.
pub struct Diff;

impl Tool for Diff {
    const NAME: &'static str = "atomic_diff";
    const TITLE: &'static str = "Session diff";
    const DESCRIPTION: &'static str =
        "The session's changes against its base: per file, the symbols changed and a unified diff.";
    const HINTS: Hints = READS;
    type Input = SessionArgs;
    type Output = crate::commands::diff::Files<review::SessionFileDiff>;

    fn call(
        engine: &Engine,
        a: SessionArgs,
    ) -> Result<crate::commands::diff::Files<review::SessionFileDiff>, CommandError> {
        engine.call::<review::Diff>(engine.auth(&a.session_id)?)
    }
}

/// `atomic_submit`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SubmitArgs {
    /// The session, as atomic_session_new returned it.
    pub session_id: String,
    /// The commit message.
    pub message: String,
}

/// `atomic_submit`.
pub struct Submit;

impl Tool for Submit {
    const NAME: &'static str = "atomic_submit";
    const TITLE: &'static str = "Submit";
    const DESCRIPTION: &'static str = "Lands the session's work on its branch as one commit, merging by symbol with what landed since its base. `status: merged` when it landed; `status: conflict` with a conflict block (nothing landed, the session is kept) when both changed the same symbol: settle it with atomic_resolve. A retried submit returns the first one's result.";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: false,
        idempotent: true,
    };
    type Input = SubmitArgs;
    type Output = atomic_repo::SubmitResult;

    fn call(engine: &Engine, a: SubmitArgs) -> Result<atomic_repo::SubmitResult, CommandError> {
        let result = engine.call::<submit::Submit>(submit::SubmitParams {
            auth: engine.auth(&a.session_id)?,
            message: a.message,
        })?;
        Ok(result)
    }
}

/// `atomic_resolve`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ResolveArgs {
    /// The session, as atomic_session_new returned it.
    pub session_id: String,
    /// How: `keep_yours`, `keep_theirs`, `proceed` (keep diff3 markers in the file to
    /// edit), or `manual` (give the file's contents as `text`).
    pub action: atomic_repo::ResolveAction,
    /// Only this conflicting symbol (default: all).
    #[serde(default)]
    pub symbol: Option<String>,
    /// For `manual`: the whole new contents of the file of the conflict.
    #[serde(default)]
    pub text: Option<String>,
}

/// `atomic_resolve`.
pub struct Resolve;

impl Tool for Resolve {
    const NAME: &'static str = "atomic_resolve";
    const TITLE: &'static str = "Resolve a conflict";
    const DESCRIPTION: &'static str = "Settles the session's conflict block after a conflicting submit: rebases the session onto the branch with the chosen resolution. Submit again afterwards.";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: true,
        idempotent: false,
    };
    type Input = ResolveArgs;
    type Output = submit::Resolved;

    fn call(engine: &Engine, a: ResolveArgs) -> Result<submit::Resolved, CommandError> {
        engine.call::<submit::Resolve>(submit::ResolveParams {
            auth: engine.auth(&a.session_id)?,
            action: a.action,
            symbol: a.symbol,
            content: a.text.map(|t| Contents::new(t.into_bytes())),
        })
    }
}

/// `atomic_verify`.
pub struct Verify;

impl Tool for Verify {
    const NAME: &'static str = "atomic_verify";
    const TITLE: &'static str = "Verify";
    const DESCRIPTION: &'static str = "Runs the repository's verify commands (`[verify] commands` in .atomic/config.toml: a build, the tests) on the session's tree, and reports each command's exit status and output.";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: false,
        idempotent: true,
    };
    type Input = SessionArgs;
    type Output = atomic_repo::VerifyReport;

    fn call(engine: &Engine, a: SessionArgs) -> Result<atomic_repo::VerifyReport, CommandError> {
        engine.call::<submit::Verify>(engine.auth(&a.session_id)?)
    }
}

/// `atomic_watch`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct WatchArgs {
    /// Only events after this sequence number (0: from the start).
    #[serde(default)]
    pub since: u64,
    /// At most this many events (default 200).
    #[serde(default = "watch_limit")]
    pub limit: usize,
}

fn watch_limit() -> usize {
    200
}

/// Symbol events.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Events {
    /// The events, oldest first.
    pub events: Vec<atomic_repo::Event>,
    /// Pass this as `since` to get the next ones.
    pub next_since: u64,
}

/// `atomic_watch`.
pub struct Watch;

impl Tool for Watch {
    const NAME: &'static str = "atomic_watch";
    const TITLE: &'static str = "Watch symbol events";
    const DESCRIPTION: &'static str = "The symbols added, modified, deleted or renamed by changes that landed (by any agent, or by git), after a sequence number. Answers at once; call again with next_since to follow.";
    const HINTS: Hints = READS;
    type Input = WatchArgs;
    type Output = Events;

    fn call(engine: &Engine, a: WatchArgs) -> Result<Events, CommandError> {
        let events = engine.call::<watch::Events>(watch::Params {
            since: a.since,
            limit: a.limit,
        })?;
        let next_since = events.last().map_or(a.since, |e| e.seq);
        Ok(Events { events, next_since })
    }
}

/// `atomic_close`.
pub struct Close;

impl Tool for Close {
    const NAME: &'static str = "atomic_close";
    const TITLE: &'static str = "Close a session";
    const DESCRIPTION: &'static str = "Ends the session and drops its unsubmitted work.";
    const HINTS: Hints = Hints {
        read_only: false,
        destructive: true,
        idempotent: false,
    };
    type Input = SessionArgs;
    type Output = list::Closed;

    fn call(engine: &Engine, a: SessionArgs) -> Result<list::Closed, CommandError> {
        let closed = engine.call::<list::Close>(engine.auth(&a.session_id)?)?;
        engine.forget(&a.session_id);
        Ok(closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_named_titled_and_typed() {
        for tool in definitions() {
            let name = tool.name.to_string();
            assert!(
                name.starts_with("atomic_")
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
            assert!(tool.title.is_some(), "{name}");
            assert_eq!(tool.input_schema["type"], "object", "{name}");
            let output = tool.output_schema.as_ref().expect("an output schema");
            // Hosts on 2025-11-25 accept only objects at the root.
            assert_eq!(
                output.get("type"),
                Some(&serde_json::json!("object")),
                "{name}"
            );
        }
    }

    /// The tools as `tools/list` gives them, each with its input and output schema; the
    /// book's tool page is generated from it (`UPDATE_BOOK=1 cargo test -p atomic-cli`).
    #[test]
    fn tools_list_matches_its_snapshot_and_the_book() {
        let tools = definitions();
        insta::assert_json_snapshot!("tools_list", tools);
        let mut page = String::from(
            "# MCP tools\n\nGenerated from `tools/list` of `atomic mcp` by the test \
             `tools_list_matches_its_snapshot_and_the_book` (`UPDATE_BOOK=1 cargo test -p atomic-cli`).\n\n",
        );
        for tool in &tools {
            let hints = tool.annotations.as_ref().expect("hints");
            page.push_str(&format!(
                "## `{}`: {}\n\n{}\n\nRead-only: {}. Destructive: {}. Idempotent: {}.\n\n",
                tool.name,
                tool.title.as_deref().unwrap_or_default(),
                tool.description.as_deref().unwrap_or_default(),
                hints.read_only_hint.unwrap_or(false),
                hints.destructive_hint.unwrap_or(true),
                hints.idempotent_hint.unwrap_or(false),
            ));
            for (what, schema) in [
                ("Input", Some(&tool.input_schema)),
                ("Output", tool.output_schema.as_ref()),
            ] {
                let schema = serde_json::to_string_pretty(&schema).expect("schemas serialize");
                page.push_str(&format!(
                    "<details><summary>{what} schema</summary>\n\n```json\n{schema}\n```\n\n</details>\n\n"
                ));
            }
        }
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/mcp-tools.md");
        if std::env::var_os("UPDATE_BOOK").is_some() {
            std::fs::write(&path, &page).expect("book/ is writable");
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == page,
            "book/src/mcp-tools.md is out of date: run `UPDATE_BOOK=1 cargo test -p atomic-cli`"
        );
    }
}
