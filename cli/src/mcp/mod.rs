//! `atomic mcp`: an MCP (Model Context Protocol) server over standard input and output, so
//! that agent hosts reach sessions as tools.
//!
//! The protocol is the `rmcp` crate's: a stdio server that answers both eras, protocol
//! 2025-11-25 (an `initialize` handshake) and 2026-07-28 (stateless requests carrying
//! their version in `_meta`, `server/discover`). Each tool ([`tools`]) is one typed
//! method of atomic's API ([`crate::api`]), sent to the repository's `atomic serve`
//! (started when none runs), so an MCP host is one more client of the same engine as the
//! CLI. Sessions' tokens stay in this process: a tool takes a `session_id`, and only a
//! session this process created can be used (the model never sees a token).

mod tools;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::api::Method;
use crate::commands::session::Auth;
use crate::error::CommandError;
use atomic_api::Connection;

pub use tools::definitions;

/// What the server tells a host about itself.
const INSTRUCTIONS: &str = "atomic sessions: isolated, copy-on-write working copies of one \
repository. Start with atomic_session_new (it returns a session_id), then read, edit and \
write files in it (atomic_read, atomic_edit, atomic_apply_patch, atomic_write), check \
atomic_status or atomic_diff, and land the work with atomic_submit. A submit merges by \
symbol with what others landed; a true conflict returns a conflict block, settled with \
atomic_resolve. Nothing you do in a session touches the working tree or other sessions \
until it is submitted.";

/// The MCP server's state: the repository, and the tokens of the sessions it created.
pub struct Engine {
    root: PathBuf,
    tokens: Mutex<HashMap<String, String>>,
}

impl Engine {
    /// Sends `M` with `params` to the repository's server, starting one when none runs.
    ///
    /// # Errors
    /// The method's errors; [`CommandError`] of kind `busy` when no server started.
    pub fn call<M: Method>(&self, params: M::Params) -> Result<M::Output, CommandError> {
        let mut connection = match Connection::connect(&self.root) {
            Some(c) => c,
            None => crate::client::start_server(
                &self.root,
                Duration::from_secs(30),
                crate::commands::AUTOSTART_IDLE,
            )?,
        };
        connection.call(M::NAME, &params)
    }

    /// The session id and token of `session_id`, if this process created the session.
    ///
    /// # Errors
    /// Kind `unknown_session` for a session this MCP server did not create.
    pub fn auth(&self, session_id: &str) -> Result<Auth, CommandError> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        match tokens.get(session_id) {
            Some(token) => Ok(Auth {
                session_id: session_id.to_owned(),
                token: token.clone(),
            }),
            None => Err(CommandError::new(
                "unknown_session",
                format!("this MCP server did not create session `{session_id}`"),
                "use a session_id that atomic_session_new returned here, or start one",
            )),
        }
    }

    /// Keeps the token of a session created here.
    pub fn remember(&self, session_id: &str, token: &str) {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(session_id.to_owned(), token.to_owned());
    }

    /// Forgets a session that ended.
    pub fn forget(&self, session_id: &str) {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(session_id);
    }
}

/// The rmcp handler: lists [`tools`] and runs them on a blocking thread.
#[derive(Clone)]
struct Server {
    engine: Arc<Engine>,
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("atomic", env!("CARGO_PKG_VERSION")).with_title("atomic"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(definitions()))
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        definitions().into_iter().find(|t| t.name == name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let engine = Arc::clone(&self.engine);
        let name = request.name.to_string();
        let arguments = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let outcome = tokio::task::spawn_blocking(move || tools::call(&engine, &name, arguments))
            .await
            .map_err(|e| ErrorData::internal_error(format!("the tool panicked: {e}"), None))?;
        let result = match outcome {
            None => {
                return Err(ErrorData::invalid_params(
                    format!("Unknown tool: {}", request.name),
                    None,
                ));
            }
            Some(Ok(value)) => CallToolResult::structured(value),
            // Failures are results an agent reads and acts on, not protocol errors.
            Some(Err(e)) => CallToolResult::structured_error(serde_json::json!({
                "error": e,
            })),
        };
        Ok(result.into())
    }
}

/// Serves MCP on standard input and output for the repository at `root`, until the host
/// closes standard input.
///
/// # Errors
/// Kind `mcp` when the transport fails.
pub fn serve(root: PathBuf) -> Result<(), CommandError> {
    let failed = |e: &dyn std::fmt::Display| {
        CommandError::new(
            "mcp",
            format!("the MCP server stopped: {e}"),
            "see the host's MCP log; run `atomic mcp` in the repository",
        )
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(&e))?;
    let server = Server {
        engine: Arc::new(Engine {
            root,
            tokens: Mutex::default(),
        }),
    };
    runtime.block_on(async move {
        let running = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| failed(&e))?;
        running.waiting().await.map_err(|e| failed(&e))?;
        Ok(())
    })
}
