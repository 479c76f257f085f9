//! Context queries: what an agent needs to know about a symbol without reading files.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::{AmbiguousCall, FileSymbols, GraphNode, SymbolGraph, SymbolKind, SymbolRef};

/// How much to return about each symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    /// Definition, signature, direct callers and callees.
    Signatures,
    /// That, and the symbol's source text.
    Full,
    /// That, and callers and callees transitively, up to [`CALLGRAPH_DEPTH`] levels.
    Callgraph,
}

/// Levels followed by [`Depth::Callgraph`].
pub const CALLGRAPH_DEPTH: usize = 3;

/// One end of a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CallSite {
    /// The other symbol's scoped name (`None` for a file's top level).
    pub symbol: Option<String>,
    /// Its file.
    pub file: String,
    /// Where to look in `file`, 1-based: for a caller, the line of its call; for a
    /// callee, the first line of its definition.
    pub line: u32,
    /// The file holding the call: the caller's.
    pub call_file: String,
    /// The line of the call in `call_file`, 1-based.
    pub call_line: u32,
    /// How many calls away from the queried symbol (1 for direct).
    pub distance: usize,
}

/// What [`context`] returns per matching symbol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Context {
    /// Scoped name.
    pub symbol: String,
    /// Kind.
    pub kind: SymbolKind,
    /// File.
    pub file: String,
    /// First and last line, 1-based inclusive.
    pub lines: (u32, u32),
    /// Signature.
    pub signature: String,
    /// Source text ([`Depth::Full`] and [`Depth::Callgraph`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Who calls it.
    pub callers: Vec<CallSite>,
    /// What it calls.
    pub callees: Vec<CallSite>,
    /// Calls it makes that did not resolve to one definition.
    pub ambiguous_calls: Vec<AmbiguousCall>,
}

/// Which way [`walk`] follows calls.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// To the symbols that call (the call is in theirs).
    Callers,
    /// To the symbols called (the call is in the one walked from).
    Callees,
}

/// Walks calls breadth first from `start`, `levels` deep, with `step` giving the other end
/// of each call (a symbol, or a file's top level) and the call's line. Each symbol is
/// followed once.
fn walk(
    start: &SymbolRef,
    levels: usize,
    direction: Direction,
    step: impl Fn(&SymbolRef) -> Vec<(GraphNode, u32)>,
) -> Vec<CallSite> {
    let mut sites = Vec::new();
    let mut seen = HashSet::from([start.clone()]);
    let mut frontier = vec![start.clone()];
    for distance in 1..=levels {
        let mut next = Vec::new();
        for f in &frontier {
            for (node, call_line) in step(f) {
                match node {
                    GraphNode::Symbol(c) => {
                        let (line, call_file) = match direction {
                            Direction::Callers => (call_line, c.path.clone()),
                            Direction::Callees => (c.line, f.path.clone()),
                        };
                        sites.push(CallSite {
                            symbol: Some(c.scoped_name.clone()),
                            file: c.path.clone(),
                            line,
                            call_file,
                            call_line,
                            distance,
                        });
                        if seen.insert(c.clone()) {
                            next.push(c);
                        }
                    }
                    // A file's top level calls: the call is in that file.
                    GraphNode::File { path } => sites.push(CallSite {
                        symbol: None,
                        file: path.clone(),
                        line: call_line,
                        call_file: path,
                        call_line,
                        distance,
                    }),
                }
            }
        }
        frontier = next;
    }
    sites
}

/// Returns the context of every symbol matching `query` (see [`SymbolGraph::find`]).
///
/// `files` maps paths to their symbols; `source_of` returns a file's bytes, for
/// [`Depth::Full`] and [`Depth::Callgraph`].
pub fn context(
    graph: &SymbolGraph,
    files: &HashMap<String, FileSymbols>,
    query: &str,
    depth: Depth,
    source_of: impl Fn(&str) -> Option<Vec<u8>>,
) -> Vec<Context> {
    let levels = if depth == Depth::Callgraph {
        CALLGRAPH_DEPTH
    } else {
        1
    };
    graph
        .find(query)
        .into_iter()
        .filter_map(|s| {
            let symbol = files.get(&s.path)?.symbols.get(s.index as usize)?;
            let source = match depth {
                Depth::Signatures => None,
                Depth::Full | Depth::Callgraph => source_of(&s.path).map(|bytes| {
                    let range =
                        symbol.start_byte as usize..(symbol.end_byte as usize).min(bytes.len());
                    String::from_utf8_lossy(&bytes[range]).into_owned()
                }),
            };
            let callers = walk(&s, levels, Direction::Callers, |f| graph.callers(f));
            let callees = walk(&s, levels, Direction::Callees, |f| {
                graph
                    .callees(f)
                    .into_iter()
                    .map(|(c, line)| (GraphNode::Symbol(c), line))
                    .collect()
            });
            let ambiguous_calls = graph
                .ambiguous
                .iter()
                .filter(|a| {
                    a.path == s.path && a.caller.as_deref() == Some(symbol.scoped_name.as_str())
                })
                .cloned()
                .collect();
            Some(Context {
                symbol: symbol.scoped_name.clone(),
                kind: symbol.kind,
                file: s.path.clone(),
                lines: (symbol.start_line, symbol.end_line),
                signature: symbol.signature.clone(),
                source,
                callers,
                callees,
                ambiguous_calls,
            })
        })
        .collect()
}
