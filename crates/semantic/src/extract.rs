//! Symbol extraction: definitions with scoped names, calls, type references and imports.
//!
//! ### Algorithm
//! 1. Parse with the profile's grammar; walk the tree once, finding definitions, calls,
//!    type references and imports by node kind ([`crate::patterns`]). A node several
//!    definition patterns hold for keeps the first (most specific) one.
//! 2. Widen each definition to its item: wrappers that hold nothing else (`export`,
//!    decorators, a one-binding `const`) belong to it.
//! 3. Sort items by start (outer before inner) and find each one's parent by containment;
//!    scoped names join the parents' names with the profile's separator. A Rust `impl`
//!    scopes its members by its type (`Session::validate`); a Go method is named by its
//!    receiver (`(*Server).Handle`). Functions inside types become methods.
//! 4. Attach each call (its callee found by [`crate::callees`]) and type reference to
//!    the innermost item containing it.
//!
//! A version known to derive from a base whose table is at hand (a merge's ours, theirs
//! and result; a session's next version of a file) walks only what it does not share
//! with base: items in text the line diff left alone are base's, moved
//! ([`crate::reuse`]).

use std::collections::HashSet;
use std::sync::Arc;

use tree_sitter::{InputEdit, Node, Parser, Tree};

use crate::ancestry::Ancestry;
use crate::bounded::Bounded;
use crate::imports::parse_import;
use crate::language::LanguageProfile;
use crate::patterns::{self, Found, Use};
use crate::reuse::{Block, Shared};
use crate::trees;
use crate::{FileSymbols, Import, Reference, Symbol, SymbolKind};

/// Longest signature kept, in bytes; longer ones are cut at a character boundary.
const MAX_SIGNATURE_BYTES: usize = 240;

struct Def<'t> {
    item: Node<'t>,
    def: Node<'t>,
    name: String,
    kind: SymbolKind,
    /// A Go method's receiver type's name node.
    receiver: Option<Node<'t>>,
}

/// The receiver of a call through a value or module (`x` in `x.f()`): the object of the
/// member access holding `name`, in each grammar's terms; `None` for a bare or
/// path-qualified name.
fn receiver<'t>(ancestry: &Ancestry<'t>, name: Node<'t>, source: &[u8]) -> Option<String> {
    let parent = ancestry.parent(name)?;
    let field = match parent.kind() {
        "field_expression" => "value",      // Rust
        "attribute" => "object",            // Python
        "member_expression" => "object",    // JavaScript, TypeScript
        "selector_expression" => "operand", // Go
        "method_invocation" => "object",    // Java
        _ => return None,
    };
    let object = parent.child_by_field_name(field)?;
    (object.id() != name.id()).then(|| text(object, source).trim().to_owned())
}

/// `node`'s text; empty when it is not UTF-8.
pub(crate) fn text<'s>(node: Node<'_>, source: &'s [u8]) -> &'s str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn collapse(text: &str) -> String {
    collapse_split(text, text.len()).0
}

/// [`collapse`] of `text`, and the length of the collapse of `text[..split]` within it:
/// the collapses of the two parts are `out[..k]` and `out[k..]` without its leading
/// space (a word the split cuts is two words there, one here). One pass for an item's
/// text, its signature and its body.
fn collapse_split(text: &str, split: usize) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut k = None;
    for word in text.split_whitespace() {
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        let end = start + word.len();
        if k.is_none() && start >= split {
            k = Some(out.len());
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if k.is_none() && split < end {
            out.push_str(&word[..split - start]);
            k = Some(out.len());
            out.push_str(&word[split - start..]);
        } else {
            out.push_str(word);
        }
    }
    let k = k.unwrap_or(out.len());
    (out, k)
}

/// The first 8 bytes of `collapsed`'s blake3 hash, in hex.
fn short_hash(collapsed: &str) -> String {
    blake3::hash(collapsed.as_bytes()).to_hex()[..16].to_owned()
}

fn end_line(node: Node<'_>) -> u32 {
    let end = node.end_position();
    let row = if end.column == 0 && end.row > node.start_position().row {
        end.row
    } else {
        end.row + 1
    };
    u32::try_from(row).unwrap_or(u32::MAX)
}

/// Widens `def` to the wrappers that hold nothing but it (and comments or decorators).
fn item_node<'t>(profile: &LanguageProfile, ancestry: &Ancestry<'t>, def: Node<'t>) -> Node<'t> {
    let mut node = def;
    while let Some(parent) = ancestry.parent(node) {
        if !profile.wrappers.contains(&parent.kind()) {
            break;
        }
        let mut cursor = parent.walk();
        let others = parent
            .named_children(&mut cursor)
            .filter(|c| {
                c.id() != node.id()
                    && !profile.comments.contains(&c.kind())
                    && !profile.attributes.contains(&c.kind())
                    && c.kind() != "decorator"
            })
            .count();
        if others > 0 {
            break;
        }
        node = parent;
    }
    node
}

/// Returns the node where a definition's body starts: its `body` field, a bound function's
/// body (`const f = () => {...}`), or the members of a Go struct or interface type.
fn body_of(def: Node<'_>) -> Option<Node<'_>> {
    def.child_by_field_name("body")
        .or_else(|| {
            def.child_by_field_name("value")
                .and_then(|v| v.child_by_field_name("body"))
        })
        .or_else(|| {
            def.child_by_field_name("type")
                .filter(|t| matches!(t.kind(), "struct_type" | "interface_type"))
                .and_then(|t| {
                    (0..t.child_count())
                        .filter_map(|i| t.child(i))
                        .find(|c| c.kind() == "{" || c.kind() == "field_declaration_list")
                })
        })
}

/// Reads one import statement (its node, and its module's when the pattern names one):
/// its module and the names it binds.
fn import_of<'t>(
    profile: &LanguageProfile,
    ancestry: &Ancestry<'t>,
    (node, module): (Node<'t>, Option<Node<'t>>),
    source: &[u8],
) -> Import {
    let statement = text(node, source);
    let (module, mut bound) =
        parse_import(profile.name, statement, module.map(|m| text(m, source)));
    // `const x = require("m")` binds `x`.
    if bound.is_empty()
        && let Some(binding) = ancestry
            .parent(node)
            .filter(|p| p.kind() == "variable_declarator")
            .and_then(|p| p.child_by_field_name("name"))
    {
        bound.push(text(binding, source).to_owned());
    }
    Import {
        text: collapse(statement),
        module,
        names: bound,
        line: u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX),
        start_byte: u32::try_from(node.start_byte()).unwrap_or(u32::MAX),
        end_byte: u32::try_from(node.end_byte()).unwrap_or(u32::MAX),
        top_level: import_is_top_level(ancestry, node),
    }
}

/// Whether every node between `item` and the root is one of the profile's wrappers (a Go
/// `const (...)` block, an `export`): `item` is a statement of the file's top level.
fn is_top_level<'t>(profile: &LanguageProfile, ancestry: &Ancestry<'t>, item: Node<'t>) -> bool {
    let mut node = item;
    while let Some(parent) = ancestry.parent(node) {
        if ancestry.parent(parent).is_none() {
            return true;
        }
        if !profile.wrappers.contains(&parent.kind()) {
            return false;
        }
        node = parent;
    }
    true
}

/// Whether an import node is a top-level statement: its ancestor under the root is an
/// import statement itself (a Go import block), or spans exactly the import's lines
/// (`const x = require("y");`).
fn import_is_top_level<'t>(ancestry: &Ancestry<'t>, node: Node<'t>) -> bool {
    let mut statement = node;
    while let Some(parent) = ancestry.parent(statement) {
        if ancestry.parent(parent).is_none() {
            break;
        }
        statement = parent;
    }
    is_import_statement(statement, node)
}

/// Whether `statement`, a statement of the top level, makes the import `node` a top-level
/// import: it is an import statement itself, or spans exactly the import's lines.
fn is_import_statement(statement: Node<'_>, node: Node<'_>) -> bool {
    statement.kind().contains("import")
        || (statement.start_position().row == node.start_position().row
            && statement.end_position().row == node.end_position().row)
}

/// Returns the first ERROR or MISSING node under `node`, in source order.
fn first_error(node: Node<'_>) -> Option<Node<'_>> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    (0..node.child_count())
        .filter_map(|i| node.child(i))
        .filter(|c| c.has_error())
        .find_map(first_error)
}

/// Returns the symbols, calls, references and imports of `source`, parsed as `profile`.
///
/// Never fails: a file with syntax errors yields what tree-sitter recovered, with
/// [`FileSymbols::has_errors`] set. Tables of recently parsed contents are kept in
/// memory by content (blake3) and language ([`RECENT`]): a submit parses the same
/// versions of a file for its merge, its dependency check and its events, and the next
/// submit parses the same branch head.
pub fn extract(profile: &LanguageProfile, source: &[u8]) -> FileSymbols {
    Arc::unwrap_or_clone(extract_shared(profile, source))
}

/// [`extract`], sharing the table kept in memory instead of copying it: for callers that
/// only read it (a dependency check reads the same tables submit after submit).
pub fn extract_shared(profile: &LanguageProfile, source: &[u8]) -> Arc<FileSymbols> {
    let key = content_key(profile, source);
    if let Some(found) = RECENT.get(&key) {
        return found;
    }
    tabulate(profile, key, source, parse(profile, source, None))
}

/// The key of `source`'s table and tree: its blake3 hash and the language.
pub(crate) fn content_key(profile: &LanguageProfile, source: &[u8]) -> ([u8; 32], &'static str) {
    (*blake3::hash(source).as_bytes(), profile.name)
}

/// The table of `source` from its parse `tree`, remembered with the tree under `key`.
fn tabulate(
    profile: &LanguageProfile,
    key: ([u8; 32], &'static str),
    source: &[u8],
    tree: Option<Tree>,
) -> Arc<FileSymbols> {
    tabulate_with(profile, key, source, tree, None)
}

/// [`tabulate`], taking from base's table what `shared` says the version shares with it.
fn tabulate_with(
    profile: &LanguageProfile,
    key: ([u8; 32], &'static str),
    source: &[u8],
    tree: Option<Tree>,
    shared: Option<&Shared<'_>>,
) -> Arc<FileSymbols> {
    let table = table_with(profile, source, tree.as_ref(), shared, &HashSet::new())
        .unwrap_or_else(|| table_of(profile, source, tree.as_ref()));
    let table = Arc::new(table);
    RECENT.put(key, source.len(), Arc::clone(&table));
    if let Some(tree) = tree {
        trees::put(key, source.len(), tree);
    }
    table
}

/// The syntax tree of `source` as `profile`: the one an extraction of the same contents
/// left in memory (a merge's versions, by [`extract_versions`]), else parsed now. `None`
/// when the parser gives up.
pub fn tree_of(profile: &LanguageProfile, source: &[u8]) -> Option<Tree> {
    trees::get(&content_key(profile, source)).or_else(|| parse(profile, source, None))
}

/// [`extract`] of versions of one file: `sources[0]` is the base the others derive from
/// (a merge's base, ours, theirs and result). The base is parsed whole, the others
/// incrementally from its tree ([`extract_edited`]'s way: one tree edit per hunk of the
/// line diff) while base's table is made on another thread; each other table takes what
/// its version shares with base from base's table ([`crate::reuse`]). Tables in the order
/// of `sources`.
///
/// `None` as soon as one of the first `must_parse` versions has syntax errors, without
/// parsing or tabulating the rest: a merge of inputs one of which does not parse is a
/// line merge, which needs no table.
pub fn extract_versions(
    profile: &'static LanguageProfile,
    sources: &[&[u8]],
    must_parse: usize,
) -> Option<Vec<FileSymbols>> {
    let Some((&base, others)) = sources.split_first() else {
        return Some(Vec::new());
    };
    let base_key = content_key(profile, base);
    let known = RECENT.get(&base_key);
    let base_tree = match &known {
        Some(table) if must_parse > 0 && table.has_errors => return None,
        Some(_) => trees::get(&base_key),
        // A tree in memory (`crate::touched` left it) is the same as a parse.
        None => trees::get(&base_key).or_else(|| parse(profile, base, None)),
    };
    if must_parse > 0
        && known.is_none()
        && base_tree.as_ref().is_none_or(|t| t.root_node().has_error())
    {
        return None;
    }
    // Each other version: its table when known, else its tree and the edits from base.
    let parse_others = || -> Option<Vec<Known>> {
        let mut versions = Vec::with_capacity(others.len());
        for (i, &source) in others.iter().enumerate() {
            let must = i + 1 < must_parse;
            let key = content_key(profile, source);
            if let Some(table) = RECENT.get(&key) {
                if must && table.has_errors {
                    return None;
                }
                versions.push(Ok(table));
                continue;
            }
            let (tree, edits) = match (trees::get(&key), &base_tree) {
                (Some(tree), _) => (Some(tree), trees::edits_between(base, source)),
                (None, Some(tree)) => parse_from(profile, base, tree.clone(), source),
                (None, None) => (
                    parse(profile, source, None),
                    trees::edits_between(base, source),
                ),
            };
            if must && tree.as_ref().is_none_or(|t| t.root_node().has_error()) {
                return None;
            }
            versions.push(Err((key, tree, edits)));
        }
        Some(versions)
    };
    let (base_table, parsed) = match known {
        Some(table) => (table, parse_others()),
        None => std::thread::scope(|scope| {
            let job = scope.spawn(|| tabulate(profile, base_key, base, base_tree.clone()));
            let mut parsed = parse_others();
            // Base's table still in the making: rather than wait for it, this core makes
            // the last version's table whole (where little is shared, as in a test file
            // of calls, that is all a table from base's would save).
            if !job.is_finished()
                && let Some(last) = parsed.as_mut().and_then(|v| v.last_mut())
                && let (Err((key, tree, _)), Some(&source)) = (&mut *last, others.last())
            {
                *last = Ok(tabulate(profile, *key, source, tree.take()));
            }
            (job.join().expect("tabulating does not panic"), parsed)
        }),
    };
    let mut pending: Vec<(Known, &[u8])> =
        parsed?.into_iter().zip(others.iter().copied()).collect();
    let finish = |(version, source): (Known, &[u8])| -> FileSymbols {
        Arc::unwrap_or_clone(version.unwrap_or_else(|(key, tree, edits)| {
            let shared = base_tree
                .as_ref()
                .map(|t| Shared::new(&base_table, t, &edits, base.len(), source.len()));
            tabulate_with(profile, key, source, tree, shared.as_ref())
        }))
    };
    let mut tables = vec![Arc::unwrap_or_clone(Arc::clone(&base_table))];
    // The tables still to make, shared between this thread and one more.
    let wanted = pending.iter().filter(|(v, _)| v.is_err()).count();
    if wanted < 2 {
        tables.extend(pending.into_iter().map(finish));
        return Some(tables);
    }
    let mut seen = 0;
    let split = pending
        .iter()
        .position(|(v, _)| {
            seen += usize::from(v.is_err());
            seen > wanted / 2
        })
        .unwrap_or(pending.len());
    let second = pending.split_off(split);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| second.into_iter().map(&finish).collect::<Vec<_>>());
        tables.extend(pending.into_iter().map(&finish));
        tables.extend(other.join().expect("tabulating does not panic"));
    });
    Some(tables)
}

/// A version in [`extract_versions`]: its table when known, else its key, its tree and
/// the edits that made it from base.
type Known = Result<Arc<FileSymbols>, (trees::Key, Option<Tree>, Vec<InputEdit>)>;

/// Tables of recently parsed contents, by content (blake3) and language: at most 1,024,
/// made from at most 32 MiB of sources.
static RECENT: Bounded<([u8; 32], &'static str), Arc<FileSymbols>> = Bounded::new(1024, 32 << 20);

/// Forgets the tables and trees [`extract`] keeps in memory (for benchmarks that measure
/// parsing).
pub fn forget_recent_tables() {
    RECENT.clear();
    trees::clear();
}

/// [`extract`] without its in-memory caches: parses every time.
pub fn extract_uncached(profile: &LanguageProfile, source: &[u8]) -> FileSymbols {
    table_of(profile, source, parse(profile, source, None).as_ref())
}

/// [`extract`] of `source`, a new version of `base`: when a tree of `base` is in memory
/// (the last version this process parsed), `source` is parsed incrementally from it
/// (tree-sitter reuses the subtrees the edit did not touch: 0.07 ms instead of 2 ms for
/// an item appended to a 26 KB Rust file). The table is the one [`extract`] gives.
pub fn extract_edited(profile: &LanguageProfile, source: &[u8], base: &[u8]) -> FileSymbols {
    let key = content_key(profile, source);
    if let Some(found) = RECENT.get(&key) {
        return Arc::unwrap_or_clone(found);
    }
    let base_key = content_key(profile, base);
    let Some(old) = trees::get(&base_key) else {
        return Arc::unwrap_or_clone(tabulate(profile, key, source, parse(profile, source, None)));
    };
    let (tree, edits) = parse_from(profile, base, old.clone(), source);
    let base_table = RECENT.get(&base_key);
    let shared = base_table
        .as_deref()
        .map(|t| Shared::new(t, &old, &edits, base.len(), source.len()));
    Arc::unwrap_or_clone(tabulate_with(profile, key, source, tree, shared.as_ref()))
}

/// Parses `source`, a new version of `base`, from `base`'s tree `old`; with the edits
/// (one per hunk of the line diff) that made it.
pub(crate) fn parse_from(
    profile: &LanguageProfile,
    base: &[u8],
    old: Tree,
    source: &[u8],
) -> (Option<Tree>, Vec<InputEdit>) {
    let edits = trees::edits_between(base, source);
    let tree = parse_edited(profile, old, source, &edits);
    if tree.as_ref().is_none_or(|t| t.root_node().has_error()) {
        // Error recovery depends on where parsing started: a table is a function of the
        // contents alone, so text with errors is parsed afresh.
        return (parse(profile, source, None), edits);
    }
    (tree, edits)
}

/// Parses `source` incrementally from `old`, the tree of the text `edits` (in that text's
/// positions, as [`trees::edits_between`] gives them) turn into `source`.
pub(crate) fn parse_edited(
    profile: &LanguageProfile,
    mut old: Tree,
    source: &[u8],
    edits: &[InputEdit],
) -> Option<Tree> {
    for edit in edits {
        old.edit(edit);
    }
    parse(profile, source, Some(&old))
}

/// Parses `source` as `profile`, from `old` (already edited to match) when given.
pub(crate) fn parse(profile: &LanguageProfile, source: &[u8], old: Option<&Tree>) -> Option<Tree> {
    let mut parser = Parser::new();
    parser
        .set_language(profile.language())
        .expect("bundled grammars have an ABI tree-sitter supports");
    parser.parse(source, old)
}

/// The table of `source` from its parse `tree` (`None`: the parser gave up, a table with
/// errors and nothing else).
fn table_of(profile: &LanguageProfile, source: &[u8], tree: Option<&Tree>) -> FileSymbols {
    table_with(profile, source, tree, None, &HashSet::new())
        .expect("a table made whole is always made")
}

/// A symbol of the walk, or a block of base's symbols it left out ([`crate::reuse`]).
enum Entry<'t> {
    Found(Def<'t>),
    Base(Node<'t>, Block),
}

impl Entry<'_> {
    /// Where the item is in the version: its bytes.
    fn range(&self) -> (usize, usize) {
        match self {
            Entry::Found(d) => (d.item.start_byte(), d.item.end_byte()),
            Entry::Base(node, _) => (node.start_byte(), node.end_byte()),
        }
    }
}

/// The scope a symbol's members are named in, given its parent's: an `impl`'s type
/// within its parent's scope (`Session` for `impl Display for Session`); any other
/// symbol's scoped name.
fn member_scope(s: &Symbol, parent_scope: Option<&str>, separator: &str) -> String {
    match (s.kind, parent_scope) {
        (SymbolKind::Impl, Some(p)) => format!("{p}{separator}{}", s.name),
        (SymbolKind::Impl, None) => s.name.clone(),
        _ => s.scoped_name.clone(),
    }
}

/// [`member_scope`] of `fs`'s symbol `i`.
fn scope_in(fs: &FileSymbols, i: usize, separator: &str) -> String {
    let s = &fs.symbols[i];
    let parent = s
        .parent
        .filter(|_| s.kind == SymbolKind::Impl)
        .map(|p| scope_in(fs, p as usize, separator));
    member_scope(s, parent.as_deref(), separator)
}

/// Appends the symbols of a shared `block` (base's, in a node of this version) to `out`,
/// moved, with their scopes; `parent` is the symbol of `out` that holds the node, and
/// `node_is_top_level` says whether the node would be a top-level item.
/// `None` when a symbol of the block whose parent is outside it would not be named or
/// placed as in base: its parent differs in kind or scope, or it would be top level here
/// and not in base (or the other way round).
fn push_shared(
    out: &mut FileSymbols,
    scopes: &mut Vec<String>,
    base: &FileSymbols,
    block: &Block,
    parent: Option<usize>,
    node_is_top_level: impl Fn() -> bool,
    profile: &LanguageProfile,
) -> Option<()> {
    let at = out.symbols.len();
    let node_is_top = std::cell::OnceCell::new();
    for s in &base.symbols[block.symbols.clone()] {
        let inside = s
            .parent
            .map(|p| p as usize)
            .filter(|&p| p >= block.symbols.start);
        let parent = match inside {
            Some(p) => Some(at + p - block.symbols.start),
            None => {
                let same_parent = match (parent, s.parent) {
                    (None, None) => true,
                    (Some(p), Some(bp)) => {
                        out.symbols[p].kind == base.symbols[bp as usize].kind
                            && scopes[p] == scope_in(base, bp as usize, profile.scope_separator)
                    }
                    _ => false,
                };
                // Top level here: every node above its item is a wrapper. Above the node
                // that is this version's to say; inside it, base's. A symbol strictly
                // inside a node that is no wrapper is not top level in either.
                let node_top = *node_is_top.get_or_init(&node_is_top_level);
                let whole = (s.start_byte as usize, s.end_byte as usize)
                    == (block.base.start, block.base.end);
                let top_ok = if s.top_level {
                    node_top && whole
                } else {
                    !node_top || !whole
                };
                if !same_parent || !top_ok {
                    return None;
                }
                parent
            }
        };
        let scope = parent.map(|p| scopes[p].as_str());
        scopes.push(member_scope(s, scope, profile.scope_separator));
        out.symbols.push(Symbol {
            start_byte: block.byte(s.start_byte),
            end_byte: block.byte(s.end_byte),
            start_line: block.line(s.start_line),
            end_line: block.line(s.end_line),
            parent: parent.map(|p| u32::try_from(p).unwrap_or(u32::MAX)),
            ..s.clone()
        });
    }
    Some(())
}

/// [`table_of`], taking what `shared` says this version shares with its base from base's
/// table, and leaving out the nodes whose bytes and kind `leave_out` holds (with
/// everything in them: see `crate::touched`). `None` when a shared item's
/// context is not base's (its parent symbol differs, or whether it is top level), or the
/// walk found an item with a shared item's range: the caller makes the table whole.
pub(crate) fn table_with(
    profile: &LanguageProfile,
    source: &[u8],
    tree: Option<&Tree>,
    shared: Option<&Shared<'_>>,
    leave_out: &HashSet<crate::touched::LeftOut>,
) -> Option<FileSymbols> {
    let mut out = FileSymbols {
        language: profile.name.to_owned(),
        ..FileSymbols::default()
    };
    let Some(tree) = tree else {
        out.has_errors = true;
        return Some(out);
    };
    let root = tree.root_node();
    out.has_errors = root.has_error();
    if out.has_errors {
        out.first_error_line = first_error(root)
            .map(|n| u32::try_from(n.start_position().row + 1).unwrap_or(u32::MAX));
    }
    // Shared items, with the statement of the top level each is in.
    let mut blocks: Vec<(Node<'_>, Node<'_>, Block)> = Vec::new();
    let shared = shared.filter(|s| !out.has_errors && !s.base.has_errors);
    let Found {
        definitions,
        name_bytes,
        uses,
        imports,
        ancestry,
    } = patterns::find_skipping(
        profile.kinds(),
        profile.symbols,
        root,
        source,
        &mut |node, above| {
            if !leave_out.is_empty()
                && leave_out.contains(&(node.start_byte(), node.end_byte(), node.kind_id()))
            {
                return true;
            }
            let Some(shared) = shared.filter(|_| !above.is_empty()) else {
                return false;
            };
            let Some(block) = shared.block(node) else {
                return false;
            };
            // A wrapper, or a node inside one, may hold a definition whose item has
            // changed (a decorator added above a function makes the decorated
            // definition its item): walked.
            let wrapper = |n: Node<'_>| profile.wrappers.contains(&n.kind());
            if wrapper(node) || above.last().is_some_and(|p| wrapper(p.node)) {
                return false;
            }
            let statement = above.get(1).map_or(node, |l| l.node);
            blocks.push((node, statement, block));
            true
        },
    );
    let mut entries: Vec<Entry<'_>> = definitions
        .into_iter()
        .map(|d| {
            Entry::Found(Def {
                item: d.def,
                def: d.def,
                name: text(d.name, source).trim().to_owned(),
                kind: d.symbol,
                receiver: d.receiver,
            })
        })
        .collect();

    out.imports = imports
        .into_iter()
        .map(|found| import_of(profile, &ancestry, found, source))
        .collect();
    for e in &mut entries {
        if let Entry::Found(d) = e {
            d.item = item_node(profile, &ancestry, d.def);
        }
    }
    // A found item with a shared item's very range would be that item twice.
    let shared_ranges: HashSet<(usize, usize)> = blocks
        .iter()
        .map(|(node, ..)| (node.start_byte(), node.end_byte()))
        .collect();
    if entries.iter().any(|e| shared_ranges.contains(&e.range())) {
        return None;
    }
    let no_base = FileSymbols::default();
    let base = shared.map_or(&no_base, |s| s.base);
    for (node, statement, block) in &blocks {
        // Base's imports inside, moved; whether each is at the top level depends on the
        // statement it is in here.
        for i in base
            .imports
            .iter()
            .filter(|i| block.holds(i.start_byte, i.end_byte))
        {
            let (start, end) = (block.byte(i.start_byte), block.byte(i.end_byte));
            out.imports.push(Import {
                line: block.line(i.line),
                start_byte: start,
                end_byte: end,
                top_level: root
                    .descendant_for_byte_range(start as usize, end as usize)
                    .is_some_and(|n| is_import_statement(*statement, n)),
                ..i.clone()
            });
        }
        entries.push(Entry::Base(*node, block.clone()));
    }
    // Found items in the walk's order stay in it; sorted by start, outer before inner.
    entries.sort_by_key(|e| {
        let (start, end) = e.range();
        (start, std::cmp::Reverse(end), matches!(e, Entry::Base(..)))
    });
    // For each symbol: the prefix its members' scoped names start with.
    let mut scopes: Vec<String> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for entry in entries {
        let (start, end) = entry.range();
        while let Some(&top) = stack.last() {
            let s: &Symbol = &out.symbols[top];
            if s.end_byte as usize >= end && s.start_byte as usize <= start {
                break;
            }
            stack.pop();
        }
        let parent = stack.last().copied();
        let d = match entry {
            Entry::Found(d) => d,
            Entry::Base(node, block) => {
                // What follows is outside the node: nothing to push on the stack.
                let top_level = || is_top_level(profile, &ancestry, node);
                push_shared(
                    &mut out,
                    &mut scopes,
                    base,
                    &block,
                    parent,
                    top_level,
                    profile,
                )?;
                continue;
            }
        };
        let i = out.symbols.len();
        let prefix = parent.map(|p| scopes[p].as_str());
        let join = |name: &str| match prefix {
            Some(p) => format!("{p}{}{name}", profile.scope_separator),
            None => name.to_owned(),
        };
        let mut kind = d.kind;
        if kind == SymbolKind::Function
            && parent.is_some_and(|p| {
                matches!(
                    out.symbols[p].kind,
                    SymbolKind::Impl
                        | SymbolKind::Trait
                        | SymbolKind::Class
                        | SymbolKind::Interface
                        | SymbolKind::Struct
                )
            })
        {
            kind = SymbolKind::Method;
        }
        let (scoped_name, scope) = if kind == SymbolKind::Impl {
            let ty = d
                .def
                .child_by_field_name("type")
                .map_or(d.name.as_str(), |t| text(t, source));
            let header = match d.def.child_by_field_name("trait") {
                Some(t) => format!("impl {} for {}", text(t, source), collapse(ty)),
                None => format!("impl {}", collapse(ty)),
            };
            (join(&header), join(&d.name))
        } else if let Some(receiver) = d.receiver {
            let pointer = ancestry
                .parent(receiver)
                .is_some_and(|p| p.kind() == "pointer_type")
                || ancestry
                    .parent(receiver)
                    .and_then(|p| ancestry.parent(p))
                    .is_some_and(|p| p.kind() == "pointer_type");
            let receiver = text(receiver, source);
            let name = if pointer {
                format!("(*{receiver}).{}", d.name)
            } else {
                format!("{receiver}.{}", d.name)
            };
            (name.clone(), name)
        } else {
            let name = join(&d.name);
            (name.clone(), name)
        };
        let item_text = text(d.item, source);
        let split = match body_of(d.def) {
            Some(body) if body.start_byte() >= d.item.start_byte() => {
                (body.start_byte() - d.item.start_byte()).min(item_text.len())
            }
            _ => item_text.len(),
        };
        // The item's text collapsed once; its signature and body are the two parts.
        let (collapsed, k) = collapse_split(item_text, split);
        let (signature_text, body_text) = (&collapsed[..k], collapsed[k..].trim_start_matches(' '));
        let mut signature = signature_text.trim_end_matches([':', '{', ' ']).to_owned();
        if signature.len() > MAX_SIGNATURE_BYTES {
            let mut cut = MAX_SIGNATURE_BYTES;
            while !signature.is_char_boundary(cut) {
                cut -= 1;
            }
            signature.truncate(cut);
            signature.push('…');
        }
        scopes.push(scope);
        out.symbols.push(Symbol {
            name: d.name.clone(),
            scoped_name,
            kind,
            start_byte: u32::try_from(d.item.start_byte()).unwrap_or(u32::MAX),
            end_byte: u32::try_from(d.item.end_byte()).unwrap_or(u32::MAX),
            start_line: u32::try_from(d.item.start_position().row + 1).unwrap_or(u32::MAX),
            end_line: end_line(d.item),
            signature,
            hash: short_hash(&collapsed),
            signature_hash: short_hash(signature_text),
            body_hash: short_hash(body_text),
            parent: parent.map(|p| u32::try_from(p).unwrap_or(u32::MAX)),
            top_level: is_top_level(profile, &ancestry, d.item),
        });
        stack.push(i);
    }

    // The innermost symbol containing `byte`: the last one starting at or before it, or
    // the nearest of its ancestors that still contains it (symbols are sorted by start,
    // parents before children).
    let within = |byte: usize| -> Option<u32> {
        let after = out
            .symbols
            .partition_point(|s| s.start_byte as usize <= byte);
        let mut candidate = after.checked_sub(1);
        while let Some(i) = candidate {
            let s = &out.symbols[i];
            if byte < s.end_byte as usize {
                return u32::try_from(i).ok();
            }
            candidate = s.parent.map(|p| p as usize);
        }
        None
    };
    let mut calls = Vec::new();
    let mut references = Vec::new();
    for (node, kind) in uses {
        let name = text(node, source).trim();
        if name.is_empty() || (kind == Use::Reference && name_bytes.contains(&node.start_byte())) {
            continue;
        }
        let reference = Reference {
            name: name.to_owned(),
            line: u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX),
            byte: u32::try_from(node.start_byte()).unwrap_or(u32::MAX),
            within: within(node.start_byte()),
            qualified: ancestry.has_prev_sibling(node),
            receiver: receiver(&ancestry, node, source),
        };
        if kind == Use::Call {
            calls.push(reference)
        } else {
            references.push(reference)
        }
    }
    for (_, _, block) in &blocks {
        for (list, from) in [
            (&mut calls, &base.calls),
            (&mut references, &base.references),
        ] {
            let lo = from.partition_point(|r| (r.byte as usize) < block.base.start);
            let hi = from.partition_point(|r| (r.byte as usize) < block.base.end);
            let inside = from[lo..hi]
                .iter()
                .filter(|r| block.holds(r.byte, r.byte.saturating_add(r.name.len() as u32)));
            list.extend(inside.map(|r| {
                let byte = block.byte(r.byte);
                Reference {
                    line: block.line(r.line),
                    byte,
                    within: within(byte as usize),
                    ..r.clone()
                }
            }));
        }
    }
    for list in [&mut calls, &mut references] {
        list.sort_by_key(|r| r.byte);
        list.dedup_by_key(|r| r.byte);
    }
    out.calls = calls;
    out.references = references;
    out.imports.sort_by_key(|i| (i.line, i.start_byte));
    out.imports
        .dedup_by(|a, b| a.text == b.text && a.line == b.line);
    Some(out)
}
