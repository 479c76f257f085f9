//! Which token-level merges are allowed: edits by both sides to one statement conflict.
//!
//! When both sides change the same lines, the merge retries them token by token
//! ([`crate::diff3`]). That retry may only combine edits that lie in different units of
//! code; otherwise it interleaves two rewrites of one condition into an expression that
//! neither side wrote. A unit is a statement: a named child of a node of the language
//! profile's `statement_parents` (a body's `block`, a `class_body`, a `match_block`). Edits
//! outside any statement of the merged piece (in a function's signature) fall in the
//! child of the definition they touch: its modifiers, its parameters, its return type.
//!
//! Mergiraf merges inside a statement node by node; atomic keeps its token retry for edits
//! that stay in separate statements and calls the rest a conflict, so that a clean result
//! never holds an expression that neither side wrote.

use std::collections::HashSet;
use std::ops::Range;

use atomic_semantic::LanguageProfile;
use tree_sitter::{Node, Parser, Tree};

/// One side's edit of a base text: the base bytes it replaced (empty for an insertion) and
/// whether the text it put there holds a line break.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Edit {
    /// Byte range in base.
    pub base: Range<usize>,
    /// Whether the replacement text contains `\n`.
    pub newline: bool,
}

/// The base version's syntax tree, asked which statements edits touch.
pub(crate) struct Statements<'a> {
    tree: Tree,
    src: &'a [u8],
    parents: &'static [&'static str],
}

impl<'a> Statements<'a> {
    /// Parses `src`; `None` when the grammar cannot be loaded or parsing fails.
    pub fn parse(profile: &'static LanguageProfile, src: &'a [u8]) -> Option<Self> {
        let mut parser = Parser::new();
        parser.set_language(profile.language()).ok()?;
        let tree = parser.parse(src, None)?;
        Some(Statements {
            tree,
            src,
            parents: profile.statement_parents,
        })
    }

    /// Whether edits `ours` and `theirs` of the base piece at `piece` (byte range) touch no
    /// unit in common, so their token-level merge may stand.
    pub fn independent(&self, piece: &Range<usize>, ours: &[Edit], theirs: &[Edit]) -> bool {
        let o = self.units(piece, ours);
        self.units(piece, theirs).is_disjoint(&o)
    }

    /// The ids of the units `edits` touch.
    fn units(&self, piece: &Range<usize>, edits: &[Edit]) -> HashSet<usize> {
        let mut units = HashSet::new();
        for edit in edits {
            let (start, end) = (edit.base.start, edit.base.end);
            let first = (start..end).find(|&i| !self.blank(i));
            let Some(first) = first else {
                // An insertion (or white space replaced): it belongs to the unit it
                // continues, unless it starts new lines after that unit's end.
                let Some(before) = (piece.start..start).rev().find(|&i| !self.blank(i)) else {
                    continue;
                };
                let (statement, unit) = self.unit(piece, before);
                if !(edit.newline && start >= statement.end_byte()) {
                    units.insert(unit.id());
                }
                continue;
            };
            let last = (first..end)
                .rev()
                .find(|&i| !self.blank(i))
                .unwrap_or(first);
            units.insert(self.unit(piece, first).1.id());
            units.insert(self.unit(piece, last).1.id());
        }
        units
    }

    fn blank(&self, i: usize) -> bool {
        self.src.get(i).is_none_or(u8::is_ascii_whitespace)
    }

    /// The statement holding byte `at`, and the unit an edit there touches: the statement
    /// itself, or, where the climb left `piece` before meeting a statement parent, the
    /// child of the outermost node inside `piece` that holds `at`.
    fn unit(&self, piece: &Range<usize>, at: usize) -> (Node<'_>, Node<'_>) {
        let root = self.tree.root_node();
        let mut node = root.descendant_for_byte_range(at, at + 1).unwrap_or(root);
        let mut below = None;
        loop {
            let Some(parent) = node.parent() else {
                return (node, below.unwrap_or(node));
            };
            if parent.start_byte() < piece.start || parent.end_byte() > piece.end {
                return (node, below.unwrap_or(node));
            }
            if self.parents.contains(&parent.kind()) {
                return (node, node);
            }
            below = Some(node);
            node = parent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(src: &str, old: &str, newline: bool) -> Edit {
        let at = src.find(old).unwrap();
        Edit {
            base: at..at + old.len(),
            newline,
        }
    }

    fn independent(lang: &str, src: &str, ours: Edit, theirs: Edit) -> bool {
        let profile = atomic_semantic::language_by_name(lang).unwrap();
        let s = Statements::parse(profile, src.as_bytes()).unwrap();
        s.independent(&(0..src.len()), &[ours], &[theirs])
    }

    #[test]
    fn one_condition_is_one_unit_and_separate_statements_are_not() {
        let src = "fn f(a: bool, b: bool) -> u32 {\n    if a && b { g(); }\n    h(1, 2)\n}\n";
        assert!(!independent(
            "rust",
            src,
            edit(src, "a &&", false),
            edit(src, "b {", false)
        ));
        assert!(!independent(
            "rust",
            src,
            edit(src, "1,", false),
            edit(src, "2)", false)
        ));
        assert!(independent(
            "rust",
            src,
            edit(src, "a &&", false),
            edit(src, "g()", false)
        ));
        assert!(independent(
            "rust",
            src,
            edit(src, "g()", false),
            edit(src, "h(1", false)
        ));
    }

    #[test]
    fn parts_of_a_signature_are_separate_units() {
        let src = "class A {\n    public void run(int a) {\n    }\n}\n";
        let at = src.find("void").unwrap();
        let ours = Edit {
            base: at..at,
            newline: false,
        };
        let at = src.find(") {").unwrap() + 1;
        let theirs = Edit {
            base: at..at,
            newline: false,
        };
        let piece = src.find("    public").unwrap()..src.find("}\n}").unwrap() + 2;
        let profile = atomic_semantic::language_by_name("java").unwrap();
        let s = Statements::parse(profile, src.as_bytes()).unwrap();
        let (ours, theirs) = (std::slice::from_ref(&ours), std::slice::from_ref(&theirs));
        assert!(s.independent(&piece, ours, theirs));
        assert!(!s.independent(&piece, ours, ours));
    }
}
