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

/// The edits that turn `old` into `new`, one per hunk of their line diff (Histogram, by
/// imara-diff), from the last to the first: applied in that order to `old`'s tree, each
/// edit's positions are still those of `old`, so tree-sitter reuses every subtree between
/// hunks, not only those before the first change and after the last.
pub fn edits_between(old: &[u8], new: &[u8]) -> Vec<InputEdit> {
    let old_lines: Vec<&[u8]> = old.split_inclusive(|b| *b == b'\n').collect();
    let new_lines: Vec<&[u8]> = new.split_inclusive(|b| *b == b'\n').collect();
    let mut input = imara_diff::InternedInput::new(&[][..], &[][..]);
    input.update_before(old_lines.iter().copied());
    input.update_after(new_lines.iter().copied());
    let diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
    // Byte offset of each line start, and of the end.
    let starts = |ls: &[&[u8]]| -> Vec<usize> {
        std::iter::once(0)
            .chain(ls.iter().scan(0, |at, l| {
                *at += l.len();
                Some(*at)
            }))
            .collect()
    };
    let (old_at, new_at) = (starts(&old_lines), starts(&new_lines));
    let mut edits: Vec<InputEdit> = diff
        .hunks()
        .map(|h| {
            let (b, e) = (
                old_at[h.before.start as usize],
                old_at[h.before.end as usize],
            );
            let inserted = &new[new_at[h.after.start as usize]..new_at[h.after.end as usize]];
            // Hunks start at a line start.
            let start_position = Point {
                row: h.before.start as usize,
                column: 0,
            };
            InputEdit {
                start_byte: b,
                old_end_byte: e,
                new_end_byte: b + inserted.len(),
                start_position,
                old_end_position: advance(start_position, &old[b..e]),
                new_end_position: advance(start_position, inserted),
            }
        })
        .collect();
    edits.reverse();
    edits
}

/// The position after `text` when it starts at `from`.
fn advance(from: Point, text: &[u8]) -> Point {
    match text.iter().rposition(|b| *b == b'\n') {
        Some(last) => Point {
            row: from.row + text.iter().filter(|b| **b == b'\n').count(),
            column: text.len() - last - 1,
        },
        None => Point {
            row: from.row,
            column: from.column + text.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_per_hunk_last_first_in_old_positions() {
        let old = b"a\nb\nc\nd\ne";
        let new = b"a\nB\nBB\nc\nd\nE!";
        let e = edits_between(old, new);
        assert_eq!(e.len(), 2, "{e:?}");
        // The last hunk: `e` (no newline at the end) became `E!`.
        assert_eq!(
            (e[0].start_byte, e[0].old_end_byte, e[0].new_end_byte),
            (8, 9, 10)
        );
        assert_eq!(e[0].start_position, Point { row: 4, column: 0 });
        assert_eq!(e[0].old_end_position, Point { row: 4, column: 1 });
        assert_eq!(e[0].new_end_position, Point { row: 4, column: 2 });
        // The first: `b\n` became `B\nBB\n`.
        assert_eq!(
            (e[1].start_byte, e[1].old_end_byte, e[1].new_end_byte),
            (2, 4, 7)
        );
        assert_eq!(e[1].new_end_position, Point { row: 3, column: 0 });
        assert!(edits_between(b"same\n", b"same\n").is_empty());
    }
}
