//! Which token-level merges are allowed: edits by both sides to one expression conflict.
//!
//! When both sides change the same lines, the merge retries them token by token
//! ([`crate::diff3`]). That retry may only combine edits to separate parts of the code;
//! otherwise it interleaves two rewrites of one condition (`age >= 21` and `age > 18`)
//! into an expression that neither side wrote (`age > 21`). Each edit falls in a unit: the
//! smallest named syntax node of base holding the text it replaced (an operator belongs to
//! its whole expression), or, for an insertion, the node holding the token before it. The
//! token merge stands only when no unit of one side lies within a unit of the other:
//! edits to two arguments of a call, or to the modifiers and the `throws` clause of a
//! method, combine; edits to one expression, or to an expression and one of its parts,
//! conflict. New lines inserted after a statement touch no unit.
//!
//! This is Mergiraf's rule for merging syntax trees (a node changed by both sides is a
//! conflict), applied to the edits of a token-level merge.

use std::ops::Range;

use atomic_semantic::LanguageProfile;
use tree_sitter::{Node, Parser, Tree};

/// One side's edit of a base text: the base bytes it replaced (empty for an insertion) and
/// the text it put there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Edit {
    /// Byte range in base.
    pub base: Range<usize>,
    /// The replacement text.
    pub text: Vec<u8>,
}

/// The base version's syntax tree, asked which units edits touch.
pub(crate) struct Statements<'a> {
    tree: Tree,
    src: &'a [u8],
    parents: &'static [&'static str],
    profile: &'static LanguageProfile,
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
            profile,
        })
    }

    /// Whether lines `ours` and `theirs`, both inserted at byte `offset` of base, may be
    /// kept one after the other, ours first: the offset lies between two children (or
    /// before the first or after the last) of a node of one of the profile's
    /// [`commutative_parents`](LanguageProfile::commutative_parents), inside no child,
    /// or both texts are only attribute lines
    /// ([`attribute_prefixes`](LanguageProfile::attribute_prefixes)); neither text is only
    /// blank; and in a node whose children fall through, ours ends
    /// by leaving its case. Go's `fallthrough` never ends ours.
    pub fn insertions_commute(&self, offset: usize, ours: &[u8], theirs: &[u8]) -> bool {
        let blank = |t: &[u8]| t.iter().all(u8::is_ascii_whitespace);
        if blank(ours) || blank(theirs) {
            return false;
        }
        // Attributes, annotations or decorators both sides put above one definition.
        let attributes = |t: &[u8]| {
            t.split(|&c| c == b'\n')
                .map(<[u8]>::trim_ascii)
                .filter(|l| !l.is_empty())
                .all(|l| {
                    self.profile
                        .attribute_prefixes
                        .iter()
                        .any(|p| l.starts_with(p.as_bytes()))
                })
        };
        if attributes(ours) && attributes(theirs) {
            return true;
        }
        let root = self.tree.root_node();
        let Some(mut node) = root.descendant_for_byte_range(offset, offset) else {
            return false;
        };
        let container = loop {
            if self.profile.commutative_parents.contains(&node.kind())
                && node.start_byte() < offset
                && offset < node.end_byte()
            {
                break node;
            }
            match node.parent() {
                Some(p) => node = p,
                None => return false,
            }
        };
        let mut cursor = container.walk();
        let inside_a_child = container
            .named_children(&mut cursor)
            .any(|c| c.start_byte() < offset && offset < c.end_byte());
        if inside_a_child {
            return false;
        }
        let last_line = String::from_utf8_lossy(ours)
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .unwrap_or_default()
            .to_owned();
        if last_line.starts_with("fallthrough") {
            return false;
        }
        if self.profile.fallthrough_parents.contains(&container.kind()) {
            let leaves = ["break", "return", "throw", "continue"].iter().any(|k| {
                last_line.starts_with(k)
                    && !last_line[k.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            return leaves;
        }
        true
    }

    /// Whether edits `ours` and `theirs` of the base piece at `piece` (byte range) touch
    /// separate units, so their token-level merge may stand.
    pub fn independent(&self, piece: &Range<usize>, ours: &[Edit], theirs: &[Edit]) -> bool {
        // The same edit made by both sides is agreement, not a clash.
        let only = |a: &[Edit], b: &[Edit]| -> Vec<Edit> {
            a.iter().filter(|e| !b.contains(e)).cloned().collect()
        };
        let o = self.units(piece, &only(ours, theirs));
        let t = self.units(piece, &only(theirs, ours));
        let within = |a: &Range<usize>, b: &Range<usize>| b.start <= a.start && a.end <= b.end;
        !o.iter()
            .any(|a| t.iter().any(|b| within(a, b) || within(b, a)))
    }

    /// The byte ranges of the units `edits` touch.
    fn units(&self, piece: &Range<usize>, edits: &[Edit]) -> Vec<Range<usize>> {
        let mut units = Vec::new();
        for edit in edits {
            let (start, end) = (edit.base.start, edit.base.end);
            let first = (start..end).find(|&i| !self.blank(i));
            let Some(first) = first else {
                // An insertion (or white space replaced): it belongs to the unit of the
                // token before it, unless it starts new lines after that token's statement.
                // At the start of the piece, a word put before the first token (`public`
                // before `static`) belongs to that token's unit; new lines touch none.
                let Some(before) = (piece.start..start).rev().find(|&i| !self.blank(i)) else {
                    let after = (end..piece.end).find(|&i| !self.blank(i));
                    if let Some(after) = after
                        && !edit.text.contains(&b'\n')
                    {
                        units.push(self.named(after, after + 1).byte_range());
                    }
                    continue;
                };
                let unit = self.named(before, before + 1);
                let newline = edit.text.contains(&b'\n');
                if !(newline && start >= self.statement(unit).end_byte()) {
                    units.push(unit.byte_range());
                }
                continue;
            };
            let last = (first..end)
                .rev()
                .find(|&i| !self.blank(i))
                .unwrap_or(first);
            units.push(self.named(first, last + 1).byte_range());
        }
        units
    }

    fn blank(&self, i: usize) -> bool {
        self.src.get(i).is_none_or(u8::is_ascii_whitespace)
    }

    /// The smallest named node holding bytes `start..end`.
    fn named(&self, start: usize, end: usize) -> Node<'_> {
        let root = self.tree.root_node();
        root.named_descendant_for_byte_range(start, end)
            .unwrap_or(root)
    }

    /// The statement holding `node`: its outermost ancestor below a statement parent.
    fn statement<'t>(&self, mut node: Node<'t>) -> Node<'t> {
        while let Some(parent) = node.parent() {
            if self.parents.contains(&parent.kind()) {
                break;
            }
            node = parent;
        }
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replaces the first `old` in `src` with `new`.
    fn edit(src: &str, old: &str, new: &str) -> Edit {
        let at = src.find(old).unwrap();
        Edit {
            base: at..at + old.len(),
            text: new.as_bytes().to_vec(),
        }
    }

    fn independent(lang: &str, src: &str, ours: Edit, theirs: Edit) -> bool {
        let profile = atomic_semantic::language_by_name(lang).unwrap();
        let s = Statements::parse(profile, src.as_bytes()).unwrap();
        s.independent(&(0..src.len()), &[ours], &[theirs])
    }

    #[test]
    fn edits_to_one_expression_conflict_and_to_separate_parts_do_not() {
        let src =
            "fn f(age: u32, m: bool) -> u32 {\n    if age >= 18 && m { g(); }\n    h(1, 2)\n}\n";
        let rust = |o: Edit, t: Edit| independent("rust", src, o, t);
        // An operator belongs to its whole expression, which holds the other edit.
        assert!(!rust(edit(src, "18", "x"), edit(src, ">=", "x")));
        assert!(!rust(edit(src, "18", "x"), edit(src, "&&", "x")));
        assert!(!rust(edit(src, "18", "21"), edit(src, "18", "17")));
        // The same edit on both sides is agreement.
        assert!(rust(edit(src, "18", "21"), edit(src, "18", "21")));
        // Separate operands, arguments and statements combine.
        // An edit spanning an operand and the `{` of the `if` holds the whole condition.
        assert!(!rust(edit(src, "age >=", "x"), edit(src, "m {", "x")));
        assert!(rust(edit(src, "18", "x"), edit(src, "g()", "x")));
        assert!(rust(edit(src, "1,", "x"), edit(src, "g()", "x")));
        let one = src.find("1, 2").unwrap();
        let arg = |at: usize| Edit {
            base: at..at + 1,
            text: b"x".to_vec(),
        };
        assert!(rust(arg(one), arg(one + 3)));
    }

    #[test]
    fn parts_of_a_signature_are_separate_units() {
        let src = "class A {\n    public void run(int a) {\n    }\n}\n";
        let at = src.find("void").unwrap();
        let ours = Edit {
            base: at..at,
            text: b"final ".to_vec(),
        };
        let other_modifier = Edit {
            base: at..at,
            text: b"static ".to_vec(),
        };
        let at = src.find(") {").unwrap() + 1;
        let theirs = Edit {
            base: at..at,
            text: b"x".to_vec(),
        };
        let piece = src.find("    public").unwrap()..src.find("}\n}").unwrap() + 2;
        let profile = atomic_semantic::language_by_name("java").unwrap();
        let s = Statements::parse(profile, src.as_bytes()).unwrap();
        let (ours, theirs) = (std::slice::from_ref(&ours), std::slice::from_ref(&theirs));
        assert!(s.independent(&piece, ours, theirs));
        assert!(!s.independent(&piece, ours, std::slice::from_ref(&other_modifier)));
        // A modifier put before the first one, at the start of the piece, is in the
        // modifiers too: with another added after it, both sides edit one list.
        let line = src.find("public").unwrap()..src.find("{\n    }").unwrap();
        let first = Edit {
            base: line.start..line.start,
            text: b"static ".to_vec(),
        };
        let at = line.start + "public".len();
        let after_it = Edit {
            base: at..at,
            text: b" static".to_vec(),
        };
        assert!(!s.independent(&line, &[first], &[after_it]));
    }
}
