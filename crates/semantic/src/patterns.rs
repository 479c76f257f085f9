//! Definitions, imports, calls and type references found by node kind, in one walk of the
//! tree, with the conditions a tree-sitter query pattern would spell out given as data.
//!
//! Compiling a tree-sitter query scans the grammar's whole parse table, whatever its
//! patterns: 2 ms for TypeScript's with one pattern `(identifier) @x` (tree-sitter's
//! Python binding, `ts_query__analyze_patterns`), and each pattern with children under a
//! node that appears in many parse states adds its own analysis
//! (`ts_query__perform_analysis`). `perf record` of `atomic merge-file` on a clean
//! 10 KB TypeScript merge put 45% of the process's CPU there, with every pattern already
//! reduced to the node alone where it could be. A walk compiles nothing: it looks each
//! node's kind up in a table made from the patterns, and what they checked around the
//! node (its parent, a field's kind, a missing field) is checked on the node it stands on.
//!
//! The semantics are those of the patterns they replace: a pattern's node kind matches
//! named nodes of that kind; [`NodePattern::within`] is a chain of parents, as in
//! `(program (lexical_declaration (variable_declarator) @d))`; [`NodePattern::has`] holds
//! when some child in the field has one of the kinds, as `value: [(a) (b)]` does; and a
//! definition's name is the first candidate its [`NameAt`] finds. The patterns as they
//! were are the oracle of this module's tests.

use std::collections::HashSet;

use tree_sitter::{Language, Node};

use crate::SymbolKind;
use crate::ancestry::{Ancestry, Level};
use crate::callees::{Callees, Child, NameWalk, children, follow};

/// A named node of one kind, where it stands and what it holds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodePattern {
    /// The node's kind.
    pub kind: &'static str,
    /// Its parent, grandparent and so on, innermost first, that must be as given.
    pub within: &'static [Within],
    /// Children it must have: for each, some child reached by [`Child`] of one of the
    /// kinds (`&[]`: any named node).
    pub has: &'static [(Child, &'static [&'static str])],
    /// Fields it must not have (`!body` in a query).
    pub lacks: &'static [&'static str],
}

/// One ancestor in [`NodePattern::within`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Within {
    /// The ancestor's kind.
    pub kind: &'static str,
    /// The field it holds the level below in (`None`: any or none).
    pub field: Option<&'static str>,
}

impl NodePattern {
    /// Every named node of `kind`.
    pub(crate) const fn of(kind: &'static str) -> Self {
        NodePattern {
            kind,
            within: &[],
            has: &[],
            lacks: &[],
        }
    }
}

/// An ancestor of `kind`, holding the level below in any field.
pub(crate) const fn parent(kind: &'static str) -> Within {
    Within { kind, field: None }
}

/// Where a definition's name is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NameAt {
    /// Its `name` field, whatever its kind.
    NameField,
    /// The node itself (a TypeScript enum member without a value).
    Node,
    /// A walk from a child: the name of the first such child it reaches.
    Walk(Child, NameWalk),
}

/// A definition: the node, its symbol kind and where its name is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Definition {
    pub node: NodePattern,
    pub symbol: SymbolKind,
    pub name: NameAt,
    /// A Go method's receiver type's name, which it must have.
    pub receiver: Option<(Child, NameWalk)>,
}

impl Definition {
    /// Every node of `kind`, named by its `name` field.
    pub(crate) const fn of(kind: &'static str, symbol: SymbolKind) -> Self {
        Definition {
            node: NodePattern::of(kind),
            symbol,
            name: NameAt::NameField,
            receiver: None,
        }
    }
}

/// An import statement, and the node naming its module when the pattern has one (the
/// statement is an import only when that node is found).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ImportPattern {
    pub node: NodePattern,
    pub module: Option<(Child, NameWalk)>,
}

/// What one language's symbols look like.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SymbolPatterns {
    /// Definitions; where several hold for one node, the first that names it wins.
    pub definitions: &'static [Definition],
    pub imports: &'static [ImportPattern],
    /// Type references: the name node itself.
    pub references: &'static [NodePattern],
    pub callees: Callees,
}

/// A profile's patterns by node kind id, made once per process.
pub(crate) struct KindTable {
    roles: Vec<Roles>,
}

/// The patterns a node of one kind may match.
#[derive(Default)]
struct Roles {
    definitions: Vec<&'static Definition>,
    imports: Vec<&'static ImportPattern>,
    references: Vec<&'static NodePattern>,
    call: bool,
}

impl Roles {
    fn is_empty(&self) -> bool {
        self.definitions.is_empty()
            && self.imports.is_empty()
            && self.references.is_empty()
            && !self.call
    }
}

impl KindTable {
    /// The table of `patterns` over `language`'s named node kinds.
    pub(crate) fn new(language: &Language, patterns: &'static SymbolPatterns) -> Self {
        let count = language.node_kind_count();
        let roles = (0..count)
            .map(|id| {
                let id = u16::try_from(id).expect("kind ids are 16 bits");
                let mut roles = Roles::default();
                let Some(kind) = language
                    .node_kind_for_id(id)
                    .filter(|_| language.node_kind_is_named(id))
                else {
                    return roles;
                };
                roles.definitions = patterns
                    .definitions
                    .iter()
                    .filter(|d| d.node.kind == kind)
                    .collect();
                roles.imports = patterns
                    .imports
                    .iter()
                    .filter(|i| i.node.kind == kind)
                    .collect();
                roles.references = patterns
                    .references
                    .iter()
                    .filter(|r| r.kind == kind)
                    .collect();
                roles.call = patterns.callees.calls.iter().any(|(k, _)| *k == kind);
                roles
            })
            .collect();
        KindTable { roles }
    }

    fn roles(&self, node: Node<'_>) -> Option<&Roles> {
        self.roles
            .get(usize::from(node.kind_id()))
            .filter(|r| !r.is_empty() && node.is_named())
    }

    /// Whether a definition pattern may match `node` (by its kind): it may name a scope.
    pub(crate) fn may_define(&self, node: Node<'_>) -> bool {
        self.roles(node).is_some_and(|r| !r.definitions.is_empty())
    }
}

/// A definition found: its node, name node, kind and (Go) receiver type name node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FoundDefinition<'t> {
    pub def: Node<'t>,
    pub name: Node<'t>,
    pub symbol: SymbolKind,
    pub receiver: Option<Node<'t>>,
}

/// What a use of a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Use {
    Call,
    Reference,
}

/// Everything one walk of a tree found.
#[derive(Default)]
pub(crate) struct Found<'t> {
    /// Definitions, in the order of their nodes.
    pub definitions: Vec<FoundDefinition<'t>>,
    /// Start bytes of every name a definition pattern matched (a type reference there is
    /// the definition's own name).
    pub name_bytes: HashSet<usize>,
    /// Callee names and type references.
    pub uses: Vec<(Node<'t>, Use)>,
    /// Import statements, with their module's node when the pattern names one.
    pub imports: Vec<(Node<'t>, Option<Node<'t>>)>,
    /// The parents of every definition, receiver, use and import, and of their ancestors.
    pub ancestry: Ancestry<'t>,
}

/// Walks the tree under `root` once, depth first, and returns what `patterns` find.
#[cfg(test)]
pub(crate) fn find<'t>(
    table: &KindTable,
    patterns: &SymbolPatterns,
    root: Node<'t>,
    source: &[u8],
) -> Found<'t> {
    find_skipping(table, patterns, root, source, &mut |_, _| false)
}

/// [`find`], leaving out every node for which `skip` (given the node and its ancestors,
/// root first) says so, and everything under it: what is there is known otherwise (a
/// version's table takes it from its base's, see `crate::reuse`).
pub(crate) fn find_skipping<'t>(
    table: &KindTable,
    patterns: &SymbolPatterns,
    root: Node<'t>,
    source: &[u8],
    skip: &mut dyn FnMut(Node<'t>, &[Level<'t>]) -> bool,
) -> Found<'t> {
    let mut found = Found::default();
    let mut cursor = root.walk();
    // The cursor node's ancestors, root first, and the field each is held in.
    let mut above: Vec<Level<'t>> = Vec::new();
    let mut fields: Vec<Option<&'t str>> = Vec::new();
    let mut first = true;
    loop {
        let node = cursor.node();
        let field = cursor.field_name();
        let skipped = skip(node, &above);
        if !skipped && let Some(roles) = table.roles(node) {
            let at = Place {
                at: Level { node, first },
                field,
                above: &above,
                fields: &fields,
            };
            visit(roles, patterns, at, source, &mut found);
        }
        if !skipped && cursor.goto_first_child() {
            above.push(Level { node, first });
            fields.push(field);
            first = true;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                first = false;
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
            above.pop();
            fields.pop();
        }
    }
}

/// A node with its ancestors, as the walk stands on it.
#[derive(Clone, Copy)]
struct Place<'a, 't> {
    at: Level<'t>,
    /// The field its parent holds it in.
    field: Option<&'t str>,
    /// Its ancestors, root first.
    above: &'a [Level<'t>],
    /// The field each ancestor is held in by its own parent.
    fields: &'a [Option<&'t str>],
}

fn visit<'t>(
    roles: &Roles,
    patterns: &SymbolPatterns,
    place: Place<'_, 't>,
    source: &[u8],
    found: &mut Found<'t>,
) {
    let node = place.at.node;
    let record = |found: &mut Found<'t>, target: Node<'t>| {
        found.ancestry.record(place.above, place.at, target);
    };
    let mut winner = None;
    for def in roles.definitions.iter().filter(|d| d.node.holds(place)) {
        let receiver = match def.receiver {
            Some((child, walk)) => match walk.name(follow(node, child)) {
                Some(receiver) => Some(receiver),
                None => continue,
            },
            None => None,
        };
        let name = match def.name {
            NameAt::NameField => node.child_by_field_name("name"),
            NameAt::Node => Some(node),
            NameAt::Walk(child, walk) => walk.name(follow(node, child)),
        };
        let Some(name) = name.filter(|n| names_something(*n, source)) else {
            continue;
        };
        found.name_bytes.insert(name.start_byte());
        winner = winner.or(Some(FoundDefinition {
            def: node,
            name,
            symbol: def.symbol,
            receiver,
        }));
    }
    if let Some(def) = winner {
        record(found, node);
        if let Some(receiver) = def.receiver {
            record(found, receiver);
        }
        found.definitions.push(def);
    }
    for import in roles.imports.iter().filter(|i| i.node.holds(place)) {
        let module = match import.module {
            None => None,
            Some((child, walk)) => match walk.name(follow(node, child)) {
                Some(module) => Some(module),
                None => continue,
            },
        };
        record(found, node);
        found.imports.push((node, module));
    }
    if roles.references.iter().any(|r| r.holds(place)) {
        record(found, node);
        found.uses.push((node, Use::Reference));
    }
    if roles.call {
        patterns.callees.names_of(node, |name| {
            record(found, name);
            found.uses.push((name, Use::Call));
        });
        if let Some(import) = patterns.callees.import_of(node, source) {
            record(found, node);
            found.imports.push(import);
        }
    }
}

/// Whether `name` is a name: present in the source, UTF-8 and not blank.
fn names_something(name: Node<'_>, source: &[u8]) -> bool {
    !name.is_missing() && !crate::extract::text(name, source).trim().is_empty()
}

impl NodePattern {
    /// Whether the node at `place` (of this pattern's kind) stands and holds as required.
    fn holds(&self, place: Place<'_, '_>) -> bool {
        let mut held_in = place.field;
        let mut level = place.above.len();
        for within in self.within {
            let Some(up) = level.checked_sub(1) else {
                return false;
            };
            let ancestor = place.above[up].node;
            if ancestor.kind() != within.kind || within.field.is_some_and(|f| held_in != Some(f)) {
                return false;
            }
            held_in = place.fields[up];
            level = up;
        }
        let node = place.at.node;
        self.has.iter().all(|(child, kinds)| {
            children(node, *child)
                .any(|c| c.is_named() && (kinds.is_empty() || kinds.contains(&c.kind())))
        }) && self
            .lacks
            .iter()
            .all(|f| node.child_by_field_name(f).is_none())
    }
}
