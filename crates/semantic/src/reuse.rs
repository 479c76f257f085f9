//! What a version of a file shares with its base, for making its table from base's.
//!
//! A merge tabulates four versions of one file (base, ours, theirs and the line merge's
//! result), and a session write a new version of the last one; most of each version is
//! its base's text, which its tree already shares (it is parsed incrementally from base's
//! tree). Its table can share it too: a symbol whose item lies in text the line diff left
//! alone has base's symbols, calls, references and imports inside it, moved by the
//! bytes and lines inserted before it.
//!
//! ### Algorithm
//! 1. The line diff's hunks (the edits the version's tree was parsed with, see
//!    [`crate::trees::edits_between`]) give the spans of text the version shares with
//!    base, each with its shift in bytes and in lines.
//! 2. The walk of the version's tree ([`crate::patterns::find_skipping`]) leaves out every
//!    node whose range lies inside one span and is, moved back, both the item of one of
//!    base's symbols and a node of the same kind in base's tree (save wrappers and what
//!    a wrapper holds, whose item may have changed): what base has there is a [`Block`].
//! 3. `crate::extract` puts each block's symbols, shifted, where the walk's order would
//!    have them, and keeps base's scoped names only where the block's context is base's
//!    (the symbols in it whose parent is outside have a parent of the same kind and
//!    scope, and are top level exactly when base's are); otherwise the version is
//!    tabulated whole. Calls, references and imports inside a block are base's, shifted;
//!    what depends on the rest of the file (the symbol a call is within, whether an
//!    import is at the top level) is found again.
//!
//! The result equals the whole walk's table: `tests/reuse.rs` compares the two on every
//! merge fixture and, by hand, on real merges.

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::{InputEdit, Node, Tree};

use crate::FileSymbols;

/// A span of the version's text that is base's text too.
#[derive(Clone, Copy, Debug)]
struct Span {
    /// Its bytes in the version.
    start: usize,
    end: usize,
    /// The version's byte offset minus base's, and the same for lines.
    bytes: i64,
    lines: i64,
}

/// Base's table and the spans of text a version shares with it.
pub(crate) struct Shared<'b> {
    pub base: &'b FileSymbols,
    /// Base's tree.
    tree: &'b Tree,
    /// In order, not overlapping.
    spans: Vec<Span>,
    /// Base's imports' byte ranges, by start.
    imports: Vec<(u32, u32)>,
    /// Item ranges (start, end bytes in base) of base's symbols.
    items: HashSet<(u32, u32)>,
}

/// What lies in one node of the version that is base's text: base's symbols whose items
/// lie in the node's range in base (and the calls, references and imports there).
#[derive(Clone, Debug)]
pub(crate) struct Block {
    /// The node's range in base, in bytes.
    pub base: Range<usize>,
    /// Indexes of base's symbols inside it, in base's order.
    pub symbols: Range<usize>,
    /// The version's byte offset minus base's, and the same for lines.
    pub bytes: i64,
    pub lines: i64,
}

impl Block {
    /// Whether base's bytes `start..end` lie in the node (a name or an import that starts
    /// in it may end beyond it, in text the walk finds again).
    pub fn holds(&self, start: u32, end: u32) -> bool {
        self.base.start <= start as usize && end as usize <= self.base.end
    }

    /// `byte` of base, in the version.
    pub fn byte(&self, byte: u32) -> u32 {
        shift(byte, self.bytes)
    }

    /// `line` of base, in the version.
    pub fn line(&self, line: u32) -> u32 {
        shift(line, self.lines)
    }
}

fn shift(at: u32, by: i64) -> u32 {
    u32::try_from(i64::from(at) + by).unwrap_or(u32::MAX)
}

impl<'b> Shared<'b> {
    /// What a version made from base by `edits` (one per hunk of the line diff, in base's
    /// positions, in any order) shares with base, whose table is `base` and tree `tree`;
    /// base is `base_len` bytes long, the version `new_len`.
    pub fn new(
        base: &'b FileSymbols,
        tree: &'b Tree,
        edits: &[InputEdit],
        base_len: usize,
        new_len: usize,
    ) -> Self {
        let mut edits: Vec<&InputEdit> = edits.iter().collect();
        edits.sort_by_key(|e| e.start_byte);
        let mut spans = Vec::with_capacity(edits.len() + 1);
        let (mut old_at, mut bytes, mut lines) = (0usize, 0i64, 0i64);
        let to_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let moved = |at: usize, by: i64| usize::try_from(to_i64(at) + by).unwrap_or(0);
        for e in edits {
            if e.start_byte > old_at {
                spans.push(Span {
                    start: moved(old_at, bytes),
                    end: moved(e.start_byte, bytes),
                    bytes,
                    lines,
                });
            }
            bytes += to_i64(e.new_end_byte) - to_i64(e.old_end_byte);
            lines += to_i64(e.new_end_position.row) - to_i64(e.old_end_position.row);
            old_at = e.old_end_byte;
        }
        if base_len > old_at {
            spans.push(Span {
                start: moved(old_at, bytes),
                end: new_len,
                bytes,
                lines,
            });
        }
        let mut imports: Vec<(u32, u32)> = base
            .imports
            .iter()
            .map(|i| (i.start_byte, i.end_byte))
            .collect();
        imports.sort_unstable();
        let items = base
            .symbols
            .iter()
            .map(|s| (s.start_byte, s.end_byte))
            .collect();
        Shared {
            base,
            tree,
            spans,
            imports,
            items,
        }
    }

    /// Whether base's tree has a node of kind `kind` spanning exactly `range`.
    fn has_node(&self, range: Range<usize>, kind: u16) -> bool {
        let mut at = self
            .tree
            .root_node()
            .descendant_for_byte_range(range.start, range.end);
        while let Some(node) = at.filter(|n| n.byte_range() == range) {
            if node.kind_id() == kind {
                return true;
            }
            at = node.parent();
        }
        false
    }

    /// What the version's `node` holds, when it lies in text shared with base and is
    /// there, in base's tree, a node of its kind and the item of a symbol: base's symbols,
    /// calls, references and imports in the same text. `None` where the node may not be
    /// left out of the walk: it is not shared, it is no item of base (what base found
    /// inside other nodes may belong to code around them that changed: a name in a
    /// macro's tokens is a call only when parentheses follow, perhaps on a changed line),
    /// base parsed its text otherwise, a symbol of base starting inside it ends outside,
    /// or an import of base spans it exactly.
    pub fn block(&self, node: Node<'_>) -> Option<Block> {
        let range = node.byte_range();
        let i = self.spans.partition_point(|s| s.end < range.end);
        let span = self.spans.get(i)?;
        if range.start < span.start || range.end > span.end {
            return None;
        }
        let base = |at: usize| u32::try_from(i64::try_from(at).ok()? - span.bytes).ok();
        let (start, end) = (base(range.start)?, base(range.end)?);
        if !self.items.contains(&(start, end))
            || !self.has_node(start as usize..end as usize, node.kind_id())
        {
            return None;
        }
        let symbols = &self.base.symbols;
        let mut lo = symbols.partition_point(|s| s.start_byte < start);
        // Symbols of base starting there and ending later hold the node.
        while symbols
            .get(lo)
            .is_some_and(|s| s.start_byte == start && s.end_byte > end)
        {
            lo += 1;
        }
        let hi = symbols.partition_point(|s| s.start_byte < end);
        if symbols[lo..hi].iter().any(|s| s.end_byte > end) {
            return None;
        }
        let at = self.imports.partition_point(|&(s, _)| s < start);
        if self.imports[at..]
            .iter()
            .take_while(|&&(s, _)| s == start)
            .any(|&(_, e)| e == end)
        {
            return None;
        }
        Some(Block {
            base: start as usize..end as usize,
            symbols: lo..hi,
            bytes: span.bytes,
            lines: span.lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trees::edits_between;
    use crate::{extract_uncached, language_for_path};

    /// The function definitions of `source`'s tree, in order.
    fn functions(tree: &Tree) -> Vec<Node<'_>> {
        let root = tree.root_node();
        let mut cursor = root.walk();
        root.named_children(&mut cursor)
            .filter(|n| n.kind() == "function_definition")
            .collect()
    }

    #[test]
    fn blocks_are_found_where_base_has_the_same_node_in_shared_text() {
        let profile = language_for_path("a.py").expect("python");
        let old: &[u8] = b"def a():\n    return 1\n\ndef b():\n    return 2\n";
        let new: &[u8] = b"import os\n\ndef a():\n    return 1\n\ndef b():\n    return 3\n";
        let parse = |src: &[u8]| {
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(profile.language()).expect("grammar");
            parser.parse(src, None).expect("parses")
        };
        let (old_tree, new_tree) = (parse(old), parse(new));
        let table = extract_uncached(profile, old);
        let shared = Shared::new(
            &table,
            &old_tree,
            &edits_between(old, new),
            old.len(),
            new.len(),
        );
        let [a, b] = functions(&new_tree)[..] else {
            panic!("two functions")
        };
        // `def a` moved 11 bytes and 2 lines down: base's symbol `a`, moved.
        let block = shared.block(a).expect("shared, and a function in base too");
        assert_eq!(block.symbols, 0..1);
        assert_eq!((block.byte(0), block.line(1)), (11, 3));
        // Its name alone is shared text, but no item.
        let name = a.child_by_field_name("name").expect("a name");
        assert!(shared.block(name).is_none());
        // `def b` changed; the import is new.
        assert!(shared.block(b).is_none());
        let import = new_tree.root_node().child(0).expect("the import");
        assert!(shared.block(import).is_none());
    }
}
