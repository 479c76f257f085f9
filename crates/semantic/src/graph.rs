//! The symbol graph (petgraph): files and symbols, with contains, calls, imports and
//! references edges.
//!
//! ### Name resolution
//! A use of a name resolves, in order, to: a symbol of that name in the enclosing scopes
//! (innermost first: siblings of the caller, then of its parent, ...); else one in the same
//! file; else one in a file the file imports the name from; else the only symbol of that
//! name in the repository. Several candidates at the first level that has any make the use
//! ambiguous: it is reported, never guessed.

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};

use crate::{FileSymbols, Reference, SymbolKind};

/// A node: a file or a symbol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "node", rename_all = "snake_case")]
pub enum GraphNode {
    /// A source file.
    File {
        /// Its path.
        path: String,
    },
    /// A definition.
    Symbol(SymbolRef),
}

/// A symbol, by file and position in that file's [`FileSymbols::symbols`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SymbolRef {
    /// The file.
    pub path: String,
    /// Index in the file's symbols.
    pub index: u32,
    /// Scoped name.
    pub scoped_name: String,
    /// Kind.
    pub kind: SymbolKind,
    /// First line, 1-based.
    pub line: u32,
}

/// An edge's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A file or symbol contains a symbol.
    Contains,
    /// A symbol (or a file's top level) calls a symbol, at a line.
    Calls {
        /// The line of the call, 1-based.
        line: u32,
    },
    /// A file imports another.
    Imports,
    /// A symbol uses a type.
    References {
        /// The line of the use, 1-based.
        line: u32,
    },
}

/// How a use of a name resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// One definition.
    Resolved(NodeIndex),
    /// Several candidates at the same level: not guessed.
    Ambiguous(Vec<NodeIndex>),
    /// No definition in the repository (a library, a builtin).
    Unresolved,
}

/// A call that could not be resolved to one definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AmbiguousCall {
    /// The file of the call.
    pub path: String,
    /// The line of the call, 1-based.
    pub line: u32,
    /// The name called.
    pub name: String,
    /// The calling symbol's scoped name; `None` at top level.
    pub caller: Option<String>,
    /// The candidates, as `path:scoped_name`.
    pub candidates: Vec<String>,
}

/// Files and symbols of a tree, and the edges between them.
pub struct SymbolGraph {
    graph: DiGraph<GraphNode, EdgeKind>,
    files: BTreeMap<String, NodeIndex>,
    symbols: HashMap<(String, u32), NodeIndex>,
    by_name: HashMap<String, Vec<NodeIndex>>,
    parents: HashMap<NodeIndex, NodeIndex>,
    families: HashMap<String, &'static str>,
    /// Calls that stayed ambiguous.
    pub ambiguous: Vec<AmbiguousCall>,
}

/// Languages whose code can call each other's definitions: JavaScript and TypeScript
/// import each other; every other language stands alone.
fn family(language: &str) -> &'static str {
    match language {
        "javascript" | "typescript" | "tsx" => "js",
        "rust" => "rust",
        "python" => "python",
        "go" => "go",
        "java" => "java",
        _ => "other",
    }
}

fn callable(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Function
            | SymbolKind::Method
            | SymbolKind::Macro
            | SymbolKind::Class
            | SymbolKind::Struct
    )
}

fn type_like(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Struct
            | SymbolKind::Enum
            | SymbolKind::Trait
            | SymbolKind::Interface
            | SymbolKind::Class
            | SymbolKind::Type
    )
}

/// Whether the file at `path` is plausibly what `module` names: the module's last
/// segment is the file's stem or its directory.
fn module_matches(path: &str, module: &str) -> bool {
    let last = module
        .rsplit([':', '.', '/'])
        .find(|s| !s.is_empty() && *s != "*")
        .unwrap_or("");
    if last.is_empty() {
        return false;
    }
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or(file);
    let dir = parts.next().unwrap_or("");
    stem == last || dir == last
}

impl SymbolGraph {
    /// Builds the graph of `files` (path, symbols), resolving every call, type reference
    /// and import.
    pub fn build(files: &[(String, FileSymbols)]) -> Self {
        let mut g = SymbolGraph {
            graph: DiGraph::new(),
            files: BTreeMap::new(),
            symbols: HashMap::new(),
            by_name: HashMap::new(),
            parents: HashMap::new(),
            families: HashMap::new(),
            ambiguous: Vec::new(),
        };
        for (path, fs) in files {
            let file = g.graph.add_node(GraphNode::File { path: path.clone() });
            g.files.insert(path.clone(), file);
            g.families.insert(path.clone(), family(&fs.language));
            for (i, s) in fs.symbols.iter().enumerate() {
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                let node = g.graph.add_node(GraphNode::Symbol(SymbolRef {
                    path: path.clone(),
                    index,
                    scoped_name: s.scoped_name.clone(),
                    kind: s.kind,
                    line: s.start_line,
                }));
                g.symbols.insert((path.clone(), index), node);
                g.by_name.entry(s.name.clone()).or_default().push(node);
                let parent = s
                    .parent
                    .and_then(|p| g.symbols.get(&(path.clone(), p)).copied())
                    .unwrap_or(file);
                g.graph.add_edge(parent, node, EdgeKind::Contains);
                g.parents.insert(node, parent);
            }
        }
        for (path, fs) in files {
            let file = g.files[path];
            for import in &fs.imports {
                let targets: Vec<NodeIndex> = g
                    .files
                    .iter()
                    .filter(|(p, _)| *p != path && module_matches(p, &import.module))
                    .map(|(_, n)| *n)
                    .collect();
                for t in targets {
                    g.graph.update_edge(file, t, EdgeKind::Imports);
                }
            }
            for call in &fs.calls {
                let from = g.user(path, call, file);
                match g.resolve(path, fs, call, callable) {
                    Resolution::Resolved(to) => {
                        g.graph
                            .add_edge(from, to, EdgeKind::Calls { line: call.line });
                    }
                    Resolution::Ambiguous(candidates) => {
                        let ambiguous = AmbiguousCall {
                            path: path.clone(),
                            line: call.line,
                            name: call.name.clone(),
                            caller: call
                                .within
                                .map(|w| fs.symbols[w as usize].scoped_name.clone()),
                            candidates: candidates.iter().map(|c| g.describe(*c)).collect(),
                        };
                        g.ambiguous.push(ambiguous);
                    }
                    Resolution::Unresolved => {}
                }
            }
            for reference in &fs.references {
                let from = g.user(path, reference, file);
                if let Resolution::Resolved(to) = g.resolve(path, fs, reference, type_like) {
                    g.graph.update_edge(
                        from,
                        to,
                        EdgeKind::References {
                            line: reference.line,
                        },
                    );
                }
            }
        }
        g
    }

    fn user(&self, path: &str, r: &Reference, file: NodeIndex) -> NodeIndex {
        r.within
            .and_then(|w| self.symbols.get(&(path.to_owned(), w)).copied())
            .unwrap_or(file)
    }

    fn describe(&self, node: NodeIndex) -> String {
        match &self.graph[node] {
            GraphNode::File { path } => path.clone(),
            GraphNode::Symbol(s) => format!("{}:{}", s.path, s.scoped_name),
        }
    }

    fn symbol(&self, node: NodeIndex) -> Option<&SymbolRef> {
        match &self.graph[node] {
            GraphNode::Symbol(s) => Some(s),
            GraphNode::File { .. } => None,
        }
    }

    /// Resolves the use `r` of a name in file `path` among symbols of kinds `accept`.
    pub fn resolve(
        &self,
        path: &str,
        fs: &FileSymbols,
        r: &Reference,
        accept: fn(SymbolKind) -> bool,
    ) -> Resolution {
        let here_family = self.families.get(path).copied();
        let candidates: Vec<NodeIndex> = self
            .by_name
            .get(&r.name)
            .into_iter()
            .flatten()
            .copied()
            .filter(|n| {
                self.symbol(*n).is_some_and(|s| {
                    accept(s.kind) && self.families.get(&s.path).copied() == here_family
                })
            })
            .collect();
        if candidates.is_empty() {
            return Resolution::Unresolved;
        }
        let pick = |found: Vec<NodeIndex>| match found.len() {
            0 => None,
            1 => Some(Resolution::Resolved(found[0])),
            _ => Some(Resolution::Ambiguous(found)),
        };
        // 1. Enclosing scopes, innermost first.
        let mut scope = r
            .within
            .and_then(|w| self.symbols.get(&(path.to_owned(), w)).copied());
        while let Some(s) = scope {
            let found: Vec<NodeIndex> = candidates
                .iter()
                .copied()
                .filter(|c| self.parents.get(c) == Some(&s))
                .collect();
            if let Some(res) = pick(found) {
                return res;
            }
            scope = self
                .parents
                .get(&s)
                .copied()
                .filter(|p| self.symbol(*p).is_some());
        }
        // Outside the caller's scopes, a bare name is not a method, and a call through a
        // value (not through an imported module or package) is nothing but a method.
        let through_value = r.receiver.as_deref().is_some_and(|recv| {
            !fs.imports.iter().any(|i| {
                i.names.iter().any(|n| n == recv)
                    || i.module.rsplit(['.', '/', ':']).next() == Some(recv)
            })
        });
        let candidates: Vec<NodeIndex> = candidates
            .into_iter()
            .filter(|c| {
                self.symbol(*c).is_some_and(|s| {
                    let method = s.kind == SymbolKind::Method;
                    if through_value {
                        method
                    } else {
                        r.qualified || !method
                    }
                })
            })
            .collect();
        // 2. The same file.
        let here: Vec<NodeIndex> = candidates
            .iter()
            .copied()
            .filter(|c| self.symbol(*c).is_some_and(|s| s.path == path))
            .collect();
        if let Some(res) = pick(here) {
            return res;
        }
        // 3. Files the name is imported from.
        let modules: Vec<&str> = fs
            .imports
            .iter()
            .filter(|i| i.names.iter().any(|n| n == &r.name || n == "*"))
            .map(|i| i.module.as_str())
            .collect();
        if !modules.is_empty() {
            let imported: Vec<NodeIndex> = candidates
                .iter()
                .copied()
                .filter(|c| {
                    self.symbol(*c)
                        .is_some_and(|s| modules.iter().any(|m| module_matches(&s.path, m)))
                })
                .collect();
            if let Some(res) = pick(imported) {
                return res;
            }
        }
        // 4. A unique name in the repository.
        pick(candidates).unwrap_or(Resolution::Unresolved)
    }

    /// Returns the symbols matching `query`: an exact scoped name; else scoped names
    /// ending in `::query` or `.query`; else simple names equal to it; else scoped names
    /// containing it.
    pub fn find(&self, query: &str) -> Vec<SymbolRef> {
        let all = || self.graph.node_indices().filter_map(|n| self.symbol(n));
        let tiers: [&dyn Fn(&SymbolRef) -> bool; 4] = [
            &|s| s.scoped_name == query,
            &|s| {
                s.scoped_name.ends_with(&format!("::{query}"))
                    || s.scoped_name.ends_with(&format!(".{query}"))
            },
            &|s| s.scoped_name.rsplit([':', '.']).next() == Some(query),
            &|s| s.scoped_name.contains(query),
        ];
        for tier in tiers {
            let mut found: Vec<SymbolRef> = all().filter(|s| tier(s)).cloned().collect();
            if !found.is_empty() {
                found.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
                return found;
            }
        }
        Vec::new()
    }

    fn node_of(&self, s: &SymbolRef) -> Option<NodeIndex> {
        self.symbols.get(&(s.path.clone(), s.index)).copied()
    }

    /// Returns who calls `s`, with the line of each call: symbols, or a file's top level.
    pub fn callers(&self, s: &SymbolRef) -> Vec<(GraphNode, u32)> {
        let Some(node) = self.node_of(s) else {
            return Vec::new();
        };
        let mut out: Vec<(GraphNode, u32)> = self
            .graph
            .edges_directed(node, petgraph::Direction::Incoming)
            .filter_map(|e| match e.weight() {
                EdgeKind::Calls { line } => Some((self.graph[e.source()].clone(), *line)),
                _ => None,
            })
            .collect();
        out.sort_by_key(|(n, line)| (format!("{n:?}"), *line));
        out
    }

    /// Returns the symbols `s` calls, with the line of each call.
    pub fn callees(&self, s: &SymbolRef) -> Vec<(SymbolRef, u32)> {
        let Some(node) = self.node_of(s) else {
            return Vec::new();
        };
        let mut out: Vec<(SymbolRef, u32)> = self
            .graph
            .edges_directed(node, petgraph::Direction::Outgoing)
            .filter_map(|e| match e.weight() {
                EdgeKind::Calls { line } => self.symbol(e.target()).map(|t| (t.clone(), *line)),
                _ => None,
            })
            .collect();
        out.sort_by_key(|(t, line)| (*line, t.scoped_name.clone()));
        out
    }

    /// Returns the files `path` imports (resolved to files of the tree).
    pub fn imports_of(&self, path: &str) -> Vec<String> {
        let Some(file) = self.files.get(path) else {
            return Vec::new();
        };
        let mut out: Vec<String> = self
            .graph
            .edges_directed(*file, petgraph::Direction::Outgoing)
            .filter(|e| *e.weight() == EdgeKind::Imports)
            .filter_map(|e| match &self.graph[e.target()] {
                GraphNode::File { path } => Some(path.clone()),
                GraphNode::Symbol(_) => None,
            })
            .collect();
        out.sort();
        out
    }

    /// Returns the numbers of nodes and edges.
    pub fn size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.edge_count())
    }

    /// Returns the number of edges of each kind: contains, calls, imports, references.
    pub fn edge_counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for e in self.graph.edge_weights() {
            counts[match e {
                EdgeKind::Contains => 0,
                EdgeKind::Calls { .. } => 1,
                EdgeKind::Imports => 2,
                EdgeKind::References { .. } => 3,
            }] += 1;
        }
        counts
    }
}
