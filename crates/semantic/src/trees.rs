//! Parse trees of recently parsed contents, by content (blake3) and language, so that the
//! next version of a file parses incrementally from its predecessor's tree
//! ([`crate::extract_edited`]). Started afresh past [`MAX_ENTRIES`] trees or
//! [`MAX_SOURCE_BYTES`] of their sources (a tree takes some ten times its source).

use tree_sitter::{InputEdit, Point, Tree};

use crate::bounded::Bounded;

/// Trees kept at most.
pub const MAX_ENTRIES: usize = 256;
/// Sum of the sources' lengths kept at most, in bytes.
pub const MAX_SOURCE_BYTES: usize = 4 << 20;

pub type Key = ([u8; 32], &'static str);

static TREES: Bounded<Key, Tree> = Bounded::new(MAX_ENTRIES, MAX_SOURCE_BYTES);

/// A copy of the tree of the contents `key` names (copies share their nodes).
pub fn get(key: &Key) -> Option<Tree> {
    TREES.get(key)
}

pub fn put(key: Key, source_len: usize, tree: Tree) {
    TREES.put(key, source_len, tree);
}

pub fn clear() {
    TREES.clear();
}

/// The edit that turns `old` into `new`, as one replaced range: what lies between their
/// common prefix and their common suffix.
pub fn edit_between(old: &[u8], new: &[u8]) -> InputEdit {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    InputEdit {
        start_byte: prefix,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point(old, prefix),
        old_end_position: point(old, old_end),
        new_end_position: point(new, new_end),
    }
}

/// The row and byte column of offset `at` in `text`.
fn point(text: &[u8], at: usize) -> Point {
    let before = &text[..at];
    let row = before.iter().filter(|b| **b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    Point {
        row,
        column: at - line_start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_is_the_range_between_common_prefix_and_suffix() {
        let e = edit_between(b"ab\ncd\nef", b"ab\ncXYd\nef");
        assert_eq!(
            (e.start_byte, e.old_end_byte, e.new_end_byte),
            (4, 4, 6),
            "{e:?}"
        );
        assert_eq!(e.start_position, Point { row: 1, column: 1 });
        // Appending, removing everything, repeated characters.
        assert_eq!(edit_between(b"aa", b"aaa").start_byte, 2);
        let e = edit_between(b"abc", b"");
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (0, 3, 0));
        let e = edit_between(b"xaax", b"xax");
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (2, 3, 2));
    }
}
