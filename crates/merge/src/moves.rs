//! Edits to lines that the other side moved.
//!
//! One side changes a few lines; the other cut those lines from their place and pasted
//! them elsewhere, re-indented: into a new method it extracted, into a nested `use` that
//! replaced a flat one. Git and a merge by items see a change against a deletion and
//! conflict; Mergiraf follows the moved node. [`port_moved_edits`] finds the changed
//! lines where the other side pasted them and carries the change there, so that the
//! versions merge as if the change had been made to the moved copy: the mover's version
//! gets the change at the new place, the editor's version gives the original place back
//! to base.
//!
//! ### Rules
//! - An edit (a hunk of the line diff from base) is carried when the other side deleted
//!   its base lines together with a neighbouring line (the context that identifies them),
//!   and added those lines, in the same order, re-indented by one amount, at exactly one
//!   place of its own new lines. The lines must hold code, not only brackets and blanks,
//!   which are found anywhere.
//! - The carried lines are re-indented by that amount; a line that cannot lose the
//!   indentation stops the carry.
//! - Nothing else changes: the result still goes through the whole merge and its audit.

use crate::diff3::{Hunk, hunks, lines};

/// `[ours, theirs]` with each side's edits to lines the other side moved carried to
/// where the other side moved them (see the module documentation); `None` when there is
/// no such edit.
pub(crate) fn port_moved_edits(base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<[Vec<u8>; 2]> {
    let (mut o, mut t) = (ours.to_vec(), theirs.to_vec());
    let mut ported = false;
    if let Some((editor, mover)) = port(base, &o, &t) {
        (o, t, ported) = (editor, mover, true);
    }
    if let Some((editor, mover)) = port(base, &t, &o) {
        (t, o, ported) = (editor, mover, true);
    }
    ported.then_some([o, t])
}

/// Carries `editor`'s edits into the lines `mover` moved: `(editor', mover')`.
fn port(base: &[u8], editor: &[u8], mover: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (bl, el, ml) = (lines(base), lines(editor), lines(mover));
    let (edits, moves) = (hunks(&bl, &el), hunks(&bl, &ml));
    let deleted_by_mover = |line: usize| moves.iter().any(|m| m.base.0 <= line && line < m.base.1);
    // (editor's lines to give back to base, mover's lines to replace, the new text).
    let mut carried: Vec<(Hunk, (usize, usize), Vec<u8>)> = Vec::new();
    for h in &edits {
        let (i, j) = h.base;
        // Windows of base lines around the edit: with context on both sides, then above,
        // then below; an insertion needs both.
        let windows = [
            (i.checked_sub(1), Some(j + 1)),
            (i.checked_sub(1), (i < j).then_some(j)),
            ((i < j).then_some(i), Some(j + 1)),
        ];
        let found = windows.iter().find_map(|&(start, end)| {
            let (start, end) = (start?, end?);
            if end > bl.len() || end - start < 2 || !(start..end).all(deleted_by_mover) {
                return None;
            }
            let window = &bl[start..end];
            // Lines of brackets and blanks are found anywhere: a window needs code.
            if !window.iter().any(|l| is_code(l)) {
                return None;
            }
            // Within one run of lines the mover added.
            let mut places = moves
                .iter()
                .flat_map(|m| m.side.0..(m.side.1 + 1).saturating_sub(window.len()))
                .filter_map(|k| {
                    let delta = shift(window, &ml[k..k + window.len()])?;
                    Some((k + (i - start), delta))
                });
            let first = places.next()?;
            places.next().is_none().then_some(first)
        });
        let Some((at, delta)) = found else {
            continue;
        };
        let new = reindent(&el[h.side.0..h.side.1], delta)?;
        carried.push((*h, (at, at + (j - i)), new));
    }
    if carried.is_empty() {
        return None;
    }
    let editor_out = splice(
        &el,
        carried
            .iter()
            .map(|(h, _, _)| (h.side, bl[h.base.0..h.base.1].concat()))
            .collect(),
    )?;
    let mover_out = splice(
        &ml,
        carried.into_iter().map(|(_, at, new)| (at, new)).collect(),
    )?;
    Some((editor_out, mover_out))
}

/// `lines` with each range of line indices replaced by its text; `None` when two ranges
/// overlap.
fn splice(lines: &[&[u8]], mut replacements: Vec<((usize, usize), Vec<u8>)>) -> Option<Vec<u8>> {
    replacements.sort_by_key(|(at, _)| *at);
    if replacements.windows(2).any(|w| w[0].0.1 > w[1].0.0) {
        return None;
    }
    let mut out = Vec::new();
    let mut next = 0;
    for ((from, to), text) in replacements {
        out.extend(lines[next..from].concat());
        out.extend(text);
        next = to;
    }
    out.extend(lines[next..].concat());
    Some(out)
}

/// The indentation `moved` adds to `original` (negative: removes), the same for every
/// line that is not blank; `None` when the lines differ otherwise.
fn shift(original: &[&[u8]], moved: &[&[u8]]) -> Option<isize> {
    let mut delta = None;
    for (a, b) in original.iter().zip(moved) {
        let (ia, ib) = (indent(a), indent(b));
        if a[ia..] != b[ib..] {
            return None;
        }
        if a[ia..].iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let d = ib as isize - ia as isize;
        if *delta.get_or_insert(d) != d {
            return None;
        }
    }
    // A window of blank lines alone says nothing.
    delta
}

/// Whether `line` says something of its own: ten or more characters besides white
/// space, a letter or digit among them.
fn is_code(line: &[u8]) -> bool {
    line.iter().filter(|b| !b.is_ascii_whitespace()).count() >= 10
        && line.iter().any(u8::is_ascii_alphanumeric)
}

fn indent(line: &[u8]) -> usize {
    line.iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count()
}

/// `lines` with `delta` columns of indentation added (with the first line's indentation
/// character, a space when it has none) or removed; `None` when a line has too little.
fn reindent(lines: &[&[u8]], delta: isize) -> Option<Vec<u8>> {
    let fill = lines
        .iter()
        .find_map(|l| l.first().filter(|b| **b == b'\t'))
        .copied()
        .unwrap_or(b' ');
    let mut out = Vec::new();
    for line in lines {
        if line.iter().all(u8::is_ascii_whitespace) {
            out.extend_from_slice(line);
        } else if delta >= 0 {
            out.extend(std::iter::repeat_n(fill, delta.unsigned_abs()));
            out.extend_from_slice(line);
        } else {
            let cut = delta.unsigned_abs();
            if indent(line) < cut {
                return None;
            }
            out.extend_from_slice(&line[cut..]);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::port_moved_edits;

    #[test]
    fn an_edit_follows_lines_moved_into_a_new_function() {
        let base = "fn f() {\n    if a\n        && !station.occupied\n        && station.color == Red\n    {}\n}\n";
        let ours = "fn f() {\n    if g() {}\n}\n\nfn g() -> bool {\n    a\n    && !station.occupied\n    && station.color == Red\n}\n";
        let theirs = base.replace("Red", "Blue");
        let [o, t] =
            port_moved_edits(base.as_bytes(), ours.as_bytes(), theirs.as_bytes()).expect("carried");
        assert_eq!(String::from_utf8(o).unwrap(), ours.replace("Red", "Blue"));
        assert_eq!(String::from_utf8(t).unwrap(), base);
    }

    #[test]
    fn nothing_is_carried_where_the_mover_kept_the_lines() {
        let base = "a\nb\nc\n";
        let ours = "a\nB\nc\n";
        let theirs = "a\nb\nc\nb\nc\n";
        assert!(port_moved_edits(base.as_bytes(), ours.as_bytes(), theirs.as_bytes()).is_none());
    }

    #[test]
    fn brackets_alone_identify_nothing() {
        // Ours moved a bare block into `mod m`; theirs inserted into it. `{` and `}` are
        // found at one place of ours' new lines, but say nothing of where they came from.
        let base = "first_function_call();\n{\n}\nlast_function_call();\n";
        let ours = "first_function_call();\nlast_function_call();\nmod m {\n    {\n    }\n}\n";
        let theirs = "first_function_call();\n{\nx();\n}\nlast_function_call();\n";
        assert!(port_moved_edits(base.as_bytes(), ours.as_bytes(), theirs.as_bytes()).is_none());
    }

    #[test]
    fn nothing_is_carried_to_two_copies() {
        let base = "x {\n  p\n  q\n}\n";
        let ours = "x {\n  p\n  Q\n}\n";
        let theirs = "y {\n    p\n    q\n}\nz {\n    p\n    q\n}\n";
        assert!(port_moved_edits(base.as_bytes(), ours.as_bytes(), theirs.as_bytes()).is_none());
    }
}
