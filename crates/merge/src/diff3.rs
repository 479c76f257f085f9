//! Line-based three-way merge (diff3), as `git merge-file --diff3` does it.
//!
//! ### Algorithm
//! Diff base against ours and base against theirs (Myers' diff, as `git merge-file`
//! diffs by default, with changes slid to a canonical place). Walk both hunk lists in
//! base order, gathering hunks whose base ranges overlap or touch into regions (git:
//! changes to adjacent lines conflict). In a region changed by one side, take that side;
//! changed by both identically, take it once; otherwise write a conflict with git's diff3
//! markers.

use std::ops::Range;

use crate::statements::Edit;

/// Labels written after conflict markers.
#[derive(Clone, Copy, Debug)]
pub struct Labels<'a> {
    /// After `<<<<<<<`.
    pub ours: &'a str,
    /// After `|||||||`.
    pub base: &'a str,
    /// After `>>>>>>>`.
    pub theirs: &'a str,
}

impl Default for Labels<'_> {
    fn default() -> Self {
        Labels {
            ours: "ours",
            base: "base",
            theirs: "theirs",
        }
    }
}

/// One conflicting region of a line merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineConflict {
    /// The region in ours.
    pub ours: Vec<u8>,
    /// The region in base.
    pub base: Vec<u8>,
    /// The region in theirs.
    pub theirs: Vec<u8>,
}

/// The result of [`diff3`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineMerge {
    /// The merged text, with markers around conflicts.
    pub text: Vec<u8>,
    /// The conflicting regions, in order.
    pub conflicts: Vec<LineConflict>,
    /// Conflicting regions a [`Pick`] settled (not in `conflicts`).
    pub settled: usize,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Hunk {
    /// Base's lines the hunk replaces, as a half-open range of line indices.
    pub base: (usize, usize),
    /// The side's lines that replace them.
    pub side: (usize, usize),
}

pub(crate) fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|&b| b == b'\n').collect()
}

/// Splits `data` into tokens for a finer merge: runs of identifier characters (ASCII
/// alphanumerics, `_`, and any non-ASCII byte, so UTF-8 stays whole), runs of whitespace,
/// and single other bytes.
pub(crate) fn tokens(data: &[u8]) -> Vec<&[u8]> {
    #[derive(PartialEq)]
    enum Class {
        Word,
        Space,
        Other,
    }
    let class = |b: u8| {
        if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            Class::Word
        } else if b.is_ascii_whitespace() {
            Class::Space
        } else {
            Class::Other
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=data.len() {
        let split = i == data.len() || {
            let (a, b) = (class(data[i - 1]), class(data[i]));
            a != b || a == Class::Other
        };
        if split {
            out.push(&data[start..i]);
            start = i;
        }
    }
    out
}

/// The hunks of the line diff from `base` to `side` (Myers, slid as git slides them).
pub(crate) fn hunks(base: &[&[u8]], side: &[&[u8]]) -> Vec<Hunk> {
    let mut input = imara_diff::InternedInput::new(&[][..], &[][..]);
    input.update_before(base.iter().copied());
    input.update_after(side.iter().copied());
    // Myers, as `git merge-file` diffs, with changes slid to one canonical place as git
    // slides them (imara-diff's slider heuristic): both sides' diffs then place the same
    // insertion alike, and where git merges cleanly the line merge is git's result.
    let mut diff = imara_diff::Diff::compute(imara_diff::Algorithm::Myers, &input);
    diff.postprocess_lines(&input);
    diff.hunks()
        .map(|h| Hunk {
            base: (h.before.start as usize, h.before.end as usize),
            side: (h.after.start as usize, h.after.end as usize),
        })
        .collect()
}

/// The lines of one side for base region `region`, given the side's hunks inside it and
/// the side's line offset before it.
fn side_range(region: &Range<usize>, offset: isize, hunks: &[Hunk]) -> Range<usize> {
    let start = region.start.saturating_add_signed(offset);
    let growth: isize = hunks
        .iter()
        .map(|h| (h.side.1 - h.side.0) as isize - (h.base.1 - h.base.0) as isize)
        .sum();
    let end = region.end.saturating_add_signed(offset + growth);
    start..end
}

fn concat(lines: &[&[u8]]) -> Vec<u8> {
    lines.concat()
}

/// Returns the line ending used by `text`: `\r\n` when its first line ends so.
pub(crate) fn eol(text: &[u8]) -> &'static [u8] {
    match text.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && text[i - 1] == b'\r' => b"\r\n",
        _ => b"\n",
    }
}

/// Appends `section`, and a line ending if it does not end with one.
fn push_section(out: &mut Vec<u8>, section: &[u8], eol: &[u8]) {
    out.extend_from_slice(section);
    if !section.is_empty() && !section.ends_with(b"\n") {
        out.extend_from_slice(eol);
    }
}

/// How to settle a conflict: what a resolution policy answers for each one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Leave it: write conflict markers and report it.
    Keep,
    /// Take ours.
    Ours,
    /// Take theirs.
    Theirs,
}

/// Writes a conflict with git's diff3 markers.
pub(crate) fn write_conflict(out: &mut Vec<u8>, c: &LineConflict, labels: &Labels<'_>, eol: &[u8]) {
    let marker = |out: &mut Vec<u8>, m: &str, label: &str| {
        out.extend_from_slice(m.as_bytes());
        if !label.is_empty() {
            out.push(b' ');
            out.extend_from_slice(label.as_bytes());
        }
        out.extend_from_slice(eol);
    };
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(eol);
    }
    marker(out, "<<<<<<<", labels.ours);
    push_section(out, &c.ours, eol);
    marker(out, "|||||||", labels.base);
    push_section(out, &c.base, eol);
    marker(out, "=======", "");
    push_section(out, &c.theirs, eol);
    marker(out, ">>>>>>>", labels.theirs);
}

/// Merges `ours` and `theirs`, both changed from `base`, line by line.
pub fn diff3(base: &[u8], ours: &[u8], theirs: &[u8], labels: &Labels<'_>) -> LineMerge {
    merge_tokens(
        &lines(base),
        &lines(ours),
        &lines(theirs),
        labels,
        None,
        Pick::Keep,
    )
}

/// Like [`diff3`], settling every conflicting region as `pick` says: [`Pick::Keep`] writes
/// markers and reports it; [`Pick::Ours`] or [`Pick::Theirs`] writes that side's lines and
/// does not report it.
pub(crate) fn diff3_picking(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
    pick: Pick,
) -> LineMerge {
    merge_tokens(
        &lines(base),
        &lines(ours),
        &lines(theirs),
        labels,
        None,
        pick,
    )
}

/// Whether lines both sides inserted at one byte offset of base (ours, theirs) may be kept
/// one after the other.
pub(crate) type InsertionCheck<'a> = &'a dyn Fn(usize, &[u8], &[u8]) -> bool;

/// What a conflicting region of a line merge may be settled by, asked by
/// [`diff3_refined`] with byte offsets of the `base` it was given.
pub(crate) struct Refine<'a> {
    /// Whether a token-level merge of the region stands, given each side's edits there.
    pub tokens: &'a dyn Fn(&[Edit], &[Edit]) -> bool,
    /// Whether both sides' lines, inserted at one offset (nothing of base replaced), may
    /// be kept one after the other (ours first): new children of a container whose
    /// children may come in any order.
    pub insertions: InsertionCheck<'a>,
    /// Whether a side that only changed white space (a reformat, a re-indent) takes the
    /// other side's edits in its layout; not where indentation is syntax.
    pub reformats: bool,
    /// The merge of a region that differs only inside one list whose members commute,
    /// given the region's byte ranges in base, ours and theirs; `None` when there is none.
    pub lists: &'a dyn Fn([Range<usize>; 3]) -> Option<Vec<u8>>,
}

/// Like [`diff3`], but a conflicting region is settled when `refine` allows: lines both
/// sides inserted at one place are kept one after the other where their order does not
/// matter, and other regions are merged again token by token (see [`tokens`]), kept when
/// that merge is clean and `refine` accepts both sides' edits (independent edits on one
/// line combine). Regions still in conflict are settled as in [`diff3_picking`].
pub(crate) fn diff3_refined(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
    pick: Pick,
    refine: &Refine<'_>,
) -> LineMerge {
    merge_tokens(
        &lines(base),
        &lines(ours),
        &lines(theirs),
        labels,
        Some(refine),
        pick,
    )
}

/// When `respaced` differs from `base` only in white space (token for token), the other
/// side's edits written into `respaced`: each token the other side left as base has it is
/// `respaced`'s. `None` otherwise, or when `respaced` equals `base`.
fn reformatted(base: &[&[u8]], respaced: &[&[u8]], other: &[&[u8]]) -> Option<Vec<u8>> {
    let blank = |t: &[u8]| t.iter().all(u8::is_ascii_whitespace);
    let same_words = base.len() == respaced.len()
        && base
            .iter()
            .zip(respaced)
            .all(|(b, r)| b == r || blank(b) && blank(r));
    if !same_words || base == respaced {
        return None;
    }
    let mut out = Vec::new();
    let mut pos = 0;
    for h in hunks(base, other) {
        out.extend(respaced[pos..h.base.0].concat());
        out.extend(other[h.side.0..h.side.1].concat());
        pos = h.base.1;
    }
    out.extend(respaced[pos..].concat());
    Some(out)
}

/// The edits of `side` against `base` (tokens), as byte ranges of base from `offset`.
fn edits(base: &[&[u8]], side: &[&[u8]], offset: usize) -> Vec<Edit> {
    let mut starts = Vec::with_capacity(base.len() + 1);
    let mut at = offset;
    for t in base {
        starts.push(at);
        at += t.len();
    }
    starts.push(at);
    hunks(base, side)
        .into_iter()
        .map(|h| Edit {
            base: starts[h.base.0]..starts[h.base.1],
            text: side[h.side.0..h.side.1].concat(),
        })
        .collect()
}

fn merge_tokens(
    b: &[&[u8]],
    o: &[&[u8]],
    t: &[&[u8]],
    labels: &Labels<'_>,
    refine: Option<&Refine<'_>>,
    pick: Pick,
) -> LineMerge {
    let (ho, ht) = (hunks(b, o), hunks(b, t));
    let eol = eol(&o.concat());
    let mut out = Vec::with_capacity(o.len().max(t.len()) * 40);
    let mut conflicts = Vec::new();
    let mut settled = 0;
    let (mut i, mut j) = (0, 0);
    let (mut off_o, mut off_t) = (0isize, 0isize);
    let mut pos = 0;
    loop {
        let start = match (ho.get(i), ht.get(j)) {
            (None, None) => break,
            (Some(h), None) | (None, Some(h)) => h.base.0,
            (Some(a), Some(c)) => a.base.0.min(c.base.0),
        };
        out.extend_from_slice(&concat(&b[pos..start]));
        let (i0, j0) = (i, j);
        let mut end = start;
        loop {
            let mut grew = false;
            if let Some(h) = ho.get(i).filter(|h| h.base.0 <= end) {
                end = end.max(h.base.1);
                i += 1;
                grew = true;
            }
            if let Some(h) = ht.get(j).filter(|h| h.base.0 <= end) {
                end = end.max(h.base.1);
                j += 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
        let region = start..end;
        let ro = side_range(&region, off_o, &ho[i0..i]);
        let rt = side_range(&region, off_t, &ht[j0..j]);
        let (ours_text, theirs_text) = (concat(&o[ro.clone()]), concat(&t[rt.clone()]));
        if i == i0 {
            out.extend_from_slice(&theirs_text);
        } else if j == j0 || ours_text == theirs_text {
            out.extend_from_slice(&ours_text);
        } else {
            let base_text = concat(&b[region.clone()]);
            let offset: usize = b[..region.start].iter().map(|l| l.len()).sum();
            let refined = refine.and_then(|refine| {
                if region.is_empty() {
                    let both = (refine.insertions)(offset, &ours_text, &theirs_text);
                    return both.then(|| [&ours_text[..], &theirs_text[..]].concat());
                }
                let (tb, to, tt) = (tokens(&base_text), tokens(&ours_text), tokens(&theirs_text));
                if refine.reformats {
                    // One side only re-spaced the region: the other's edits in its layout.
                    let respaced =
                        reformatted(&tb, &to, &tt).or_else(|| reformatted(&tb, &tt, &to));
                    if respaced.is_some() {
                        return respaced;
                    }
                }
                // A list whose members commute merges by its members first; a token
                // merge would interleave them.
                let at = |lines: &[&[u8]], range: &Range<usize>| {
                    let start: usize = lines[..range.start].iter().map(|l| l.len()).sum();
                    let len: usize = lines[range.clone()].iter().map(|l| l.len()).sum();
                    start..start + len
                };
                if let Some(text) = (refine.lists)([at(b, &region), at(o, &ro), at(t, &rt)]) {
                    return Some(text);
                }
                let m = merge_tokens(&tb, &to, &tt, labels, None, Pick::Keep);
                let clean = m.conflicts.is_empty()
                    && (refine.tokens)(&edits(&tb, &to, offset), &edits(&tb, &tt, offset));
                clean.then_some(m.text)
            });
            match refined {
                Some(text) => out.extend_from_slice(&text),
                _ if pick == Pick::Ours => {
                    out.extend_from_slice(&ours_text);
                    settled += 1;
                }
                _ if pick == Pick::Theirs => {
                    out.extend_from_slice(&theirs_text);
                    settled += 1;
                }
                _ => {
                    let conflict = LineConflict {
                        ours: ours_text,
                        base: base_text,
                        theirs: theirs_text,
                    };
                    write_conflict(&mut out, &conflict, labels, eol);
                    conflicts.push(conflict);
                }
            }
        }
        off_o = ro.end as isize - region.end as isize;
        off_t = rt.end as isize - region.end as isize;
        pos = end;
    }
    out.extend_from_slice(&concat(&b[pos..]));
    LineMerge {
        text: out,
        conflicts,
        settled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(b: &str, o: &str, t: &str) -> (String, usize) {
        let m = diff3(b.as_bytes(), o.as_bytes(), t.as_bytes(), &Labels::default());
        (String::from_utf8(m.text).expect("utf-8"), m.conflicts.len())
    }

    #[test]
    fn one_sided_and_identical_changes_merge() {
        assert_eq!(
            merge("a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n"),
            ("A\nb\nc\nd\nE\n".into(), 0)
        );
        assert_eq!(merge("a\nb\n", "a\nX\n", "a\nX\n"), ("a\nX\n".into(), 0));
        assert_eq!(merge("a\n", "a\n", "a\nb\n"), ("a\nb\n".into(), 0));
        assert_eq!(merge("", "x\n", ""), ("x\n".into(), 0));
    }

    #[test]
    fn overlapping_and_adjacent_changes_conflict_with_diff3_markers() {
        let (text, n) = merge("a\nb\nc\n", "a\nB\nc\n", "a\nb2\nc\n");
        assert_eq!(n, 1);
        assert_eq!(
            text,
            "a\n<<<<<<< ours\nB\n||||||| base\nb\n=======\nb2\n>>>>>>> theirs\nc\n"
        );
        let (_, n) = merge("a\nb\nc\n", "A\nb\nc\n", "a\nB\nc\n");
        assert_eq!(n, 1, "adjacent lines conflict, as in git");
    }

    #[test]
    fn a_missing_final_newline_still_gets_markers_on_their_own_lines() {
        let (text, n) = merge("a", "b", "c");
        assert_eq!(n, 1);
        assert_eq!(
            text,
            "<<<<<<< ours\nb\n||||||| base\na\n=======\nc\n>>>>>>> theirs\n"
        );
    }

    #[test]
    fn a_side_that_only_respaced_takes_the_other_sides_edits() {
        fn t(s: &str) -> Vec<&[u8]> {
            tokens(s.as_bytes())
        }
        let b = "    if a {\n        run(1);\n    }\n";
        let respaced = "  if a {\n    run(1);\n  }\n";
        let edited = "    if a {\n        run(2);\n    }\n";
        let out =
            reformatted(&t(b), &t(respaced), &t(edited)).map(|v| String::from_utf8(v).unwrap());
        assert_eq!(out.as_deref(), Some("  if a {\n    run(2);\n  }\n"));
        // A side that changed a word as well did not only re-space.
        let also_edited = "  if a {\n    run(3);\n  }\n";
        assert_eq!(reformatted(&t(b), &t(also_edited), &t(edited)), None);
        // Nor did a side that changed nothing.
        assert_eq!(reformatted(&t(b), &t(b), &t(edited)), None);
    }

    #[test]
    fn refined_merges_combine_independent_edits_on_one_line() {
        let b = b"    public void run(int a) {\n";
        let o = b"    public final void run(int a) {\n";
        let t = b"    public void run(int a) throws IOException {\n";
        assert_eq!(diff3(b, o, t, &Labels::default()).conflicts.len(), 1);
        let yes = Refine {
            tokens: &|_, _| true,
            insertions: &|_, _, _| true,
            reformats: false,
            lists: &|_| None,
        };
        let no = Refine {
            tokens: &|_, _| false,
            insertions: &|_, _, _| false,
            reformats: false,
            lists: &|_| None,
        };
        let m = diff3_refined(b, o, t, &Labels::default(), Pick::Keep, &yes);
        assert!(m.conflicts.is_empty());
        assert_eq!(
            m.text,
            b"    public final void run(int a) throws IOException {\n"
        );
        // A guard that refuses keeps the conflict.
        let m = diff3_refined(b, o, t, &Labels::default(), Pick::Keep, &no);
        assert_eq!(m.conflicts.len(), 1);
        // Lines both sides inserted at one place: kept, ours first, where allowed.
        let (b2, o2, t2) = (&b"{\n}\n"[..], &b"{\n  a,\n}\n"[..], &b"{\n  b,\n}\n"[..]);
        let m = diff3_refined(b2, o2, t2, &Labels::default(), Pick::Keep, &yes);
        assert_eq!(
            (m.text.as_slice(), m.conflicts.len()),
            (&b"{\n  a,\n  b,\n}\n"[..], 0)
        );
        let m = diff3_refined(b2, o2, t2, &Labels::default(), Pick::Keep, &no);
        assert_eq!(m.conflicts.len(), 1);
        // The same token changed twice stays a conflict.
        let m = diff3_refined(
            b"x = 1;\n",
            b"x = 2;\n",
            b"x = 3;\n",
            &Labels::default(),
            Pick::Keep,
            &yes,
        );
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(
            tokens(b"a_b(c, d) "),
            vec![&b"a_b"[..], b"(", b"c", b",", b" ", b"d", b")", b" "]
        );
    }

    #[test]
    fn a_pick_settles_conflicting_regions_without_markers() {
        let (b, o, t) = (
            &b"a\nb\nc\nd\ne\n"[..],
            &b"A\nb\nc\nd\nE\n"[..],
            &b"a2\nb\nc\nd\ne2\n"[..],
        );
        let labels = Labels::default();
        assert_eq!(diff3(b, o, t, &labels).conflicts.len(), 2);
        let ours = diff3_picking(b, o, t, &labels, Pick::Ours);
        assert_eq!((ours.text.as_slice(), ours.conflicts.len()), (o, 0));
        let theirs = diff3_picking(b, o, t, &labels, Pick::Theirs);
        assert_eq!((theirs.text.as_slice(), theirs.conflicts.len()), (t, 0));
    }

    #[test]
    fn crlf_files_get_crlf_markers() {
        let (text, _) = merge("a\r\nb\r\n", "a\r\nX\r\n", "a\r\nY\r\n");
        assert!(text.contains("<<<<<<< ours\r\nX\r\n|||||||"), "{text:?}");
    }
}
