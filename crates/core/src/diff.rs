//! Line diff (imara-diff's histogram algorithm, as git's `--histogram`) and patch apply.

use serde::{Deserialize, Serialize};

/// A line hunk: replace `old_lines` lines at `old_start` with `new_lines` lines.
///
/// Line numbers are 0-based indexes into the file split after every `\n` (a last line
/// without a newline counts). `added` holds the new lines' bytes, terminators included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hunk {
    /// First replaced line in the old file (0-based).
    pub old_start: u32,
    /// Number of lines removed from the old file.
    pub old_lines: u32,
    /// First inserted line in the new file (0-based).
    pub new_start: u32,
    /// Number of lines inserted.
    pub new_lines: u32,
    /// The inserted lines, concatenated.
    pub added: Vec<u8>,
}

/// Errors from [`apply_hunks`].
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A hunk starts before the end of the previous one or reaches past the old file.
    #[error(
        "hunk {index} replaces lines {start}..{end} but the file has {len} lines (or hunks overlap)"
    )]
    OutOfRange {
        /// The hunk's index in the list.
        index: usize,
        /// First old line it replaces.
        start: u32,
        /// One past the last old line it replaces.
        end: u32,
        /// Number of lines in the old file.
        len: usize,
    },
    /// A hunk's `added` bytes do not hold `new_lines` lines.
    #[error("hunk {index} says it adds {expected} lines but carries {found}")]
    LineCount {
        /// The hunk's index in the list.
        index: usize,
        /// `new_lines`.
        expected: u32,
        /// Lines found in `added`.
        found: usize,
    },
}

/// Bytes git looks at to decide whether a file is binary.
const BINARY_PROBE_BYTES: usize = 8000;

/// Returns whether `data` is binary by git's rule: a NUL byte in the first 8,000 bytes.
pub fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(BINARY_PROBE_BYTES)].contains(&0)
}

fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|&b| b == b'\n').collect()
}

/// Returns the line hunks taking `old` to `new`, in order.
///
/// Uses the histogram diff (git's `--histogram`, via imara-diff) with imara-diff's
/// indent-aware slider post-processing. Lines keep their terminators, so a CRLF/LF change
/// or a missing final newline is a difference.
pub fn diff_lines(old: &[u8], new: &[u8]) -> Vec<Hunk> {
    // A file added or emptied is one hunk: no interning of its lines (for a large file,
    // the interner would cost more memory than the file).
    if old == new {
        return Vec::new();
    }
    if old.is_empty() || new.is_empty() {
        let count = |d: &[u8]| u32::try_from(d.split_inclusive(|&b| b == b'\n').count());
        return vec![Hunk {
            old_start: 0,
            old_lines: count(old).unwrap_or(u32::MAX),
            new_start: 0,
            new_lines: count(new).unwrap_or(u32::MAX),
            added: new.to_vec(),
        }];
    }
    let input = imara_diff::InternedInput::new(old, new);
    let mut diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    diff.hunks()
        .map(|h| {
            let mut added = Vec::new();
            for token in &input.after[h.after.start as usize..h.after.end as usize] {
                added.extend_from_slice(input.interner[*token]);
            }
            Hunk {
                old_start: h.before.start,
                old_lines: h.before.end - h.before.start,
                new_start: h.after.start,
                new_lines: h.after.end - h.after.start,
                added,
            }
        })
        .collect()
}

/// Returns a unified diff of `old` and `new` with `context_lines` lines of context, as the
/// hunk part of `git diff` prints it (`@@ -a,b +c,d @@ function` headers, no file headers).
///
/// Each header ends with git's default function line: the nearest line above the hunk
/// that starts with a letter, `_` or `$` (xdiff's `def_ff`), trailing space removed, at
/// most 80 bytes. Invalid UTF-8 is shown lossily; callers show binary files as such
/// instead.
pub fn unified_diff(old: &[u8], new: &[u8], context_lines: u32) -> String {
    let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    let input = imara_diff::InternedInput::new(&*old, &*new);
    let mut diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    let mut config = imara_diff::UnifiedDiffConfig::default();
    config.context_len(context_lines);
    let printer = imara_diff::BasicLineDiffPrinter(&input.interner);
    let text = diff.unified_diff(&printer, config, &input).to_string();
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match git_hunk_header(line, &old_lines) {
            Some(header) => out.push_str(&header),
            None => out.push_str(line),
        }
    }
    out
}

/// Rewrites a hunk header `@@ -a,b +c,d @@` as git writes it: a range of one line is its
/// start alone (`-3`), an empty range names the line before it (`-2,0`), and the function
/// line above the hunk in `old_lines` follows. `None` for any other line.
fn git_hunk_header(line: &str, old_lines: &[&str]) -> Option<String> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let parse = |r: &str| -> Option<(u64, u64)> {
        let (start, count) = r.split_once(',').unwrap_or((r, "1"));
        Some((start.parse().ok()?, count.parse().ok()?))
    };
    let range = |(start, count): (u64, u64)| match count {
        0 => format!("{},0", start.saturating_sub(1)),
        1 => start.to_string(),
        n => format!("{start},{n}"),
    };
    let (old, new) = (parse(old)?, parse(new)?);
    let above = usize::try_from(old.0.saturating_sub(1)).unwrap_or(usize::MAX);
    let function = old_lines[..above.min(old_lines.len())]
        .iter()
        .rev()
        .find_map(|l| function_line(l))
        .map(|f| format!(" {f}"))
        .unwrap_or_default();
    Some(format!("@@ -{} +{} @@{function}\n", range(old), range(new)))
}

/// git's default function line (xdiff's `def_ff`): `line` if it starts with a letter, `_`
/// or `$`, cut to 80 bytes (at a character boundary), trailing whitespace removed.
fn function_line(line: &str) -> Option<&str> {
    let first = line.bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
        return None;
    }
    let mut end = line.len().min(80);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    Some(line[..end].trim_end())
}

/// Applies `hunks` (sorted, non-overlapping, against `old`) and returns the new contents.
///
/// # Errors
/// [`ApplyError`] when a hunk does not fit `old`: the hunks were not made against it.
pub fn apply_hunks(old: &[u8], hunks: &[Hunk]) -> Result<Vec<u8>, ApplyError> {
    let lines = split_lines(old);
    let mut out = Vec::with_capacity(old.len());
    let mut next = 0usize;
    for (index, hunk) in hunks.iter().enumerate() {
        let start = hunk.old_start as usize;
        let end = start + hunk.old_lines as usize;
        if start < next || end > lines.len() {
            return Err(ApplyError::OutOfRange {
                index,
                start: hunk.old_start,
                end: hunk.old_start + hunk.old_lines,
                len: lines.len(),
            });
        }
        let found = split_lines(&hunk.added).len();
        if found != hunk.new_lines as usize {
            return Err(ApplyError::LineCount {
                index,
                expected: hunk.new_lines,
                found,
            });
        }
        lines[next..start]
            .iter()
            .for_each(|l| out.extend_from_slice(l));
        out.extend_from_slice(&hunk.added);
        next = end;
    }
    lines[next..].iter().for_each(|l| out.extend_from_slice(l));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(old: &str, new: &str) {
        let hunks = diff_lines(old.as_bytes(), new.as_bytes());
        let applied = apply_hunks(old.as_bytes(), &hunks).expect("hunks fit their base");
        assert_eq!(String::from_utf8(applied).expect("utf8"), new);
    }

    /// As `git diff` prints them (checked against git 2.47): the context of a first hunk
    /// near the top is counted from where it starts, and the header names the function
    /// line above the hunk.
    #[test]
    fn hunk_headers_are_gits() {
        let old = "base\ntwo\nm1\nm2\nm3\n";
        let new = "base\ntwo\nm1\nm2\nm3\ntop\n";
        assert_eq!(
            unified_diff(old.as_bytes(), new.as_bytes(), 3),
            "@@ -3,3 +3,4 @@ two\n m1\n m2\n m3\n+top\n"
        );
        let old = "fn a() {\n    1\n}\n\n  indented\n\nfn b() {\n    x\n    y\n    z\n    w\n}\n";
        let new = old.replace("    w", "    W");
        assert_eq!(
            unified_diff(old.as_bytes(), new.as_bytes(), 3),
            "@@ -8,5 +8,5 @@ fn b() {\n     x\n     y\n     z\n-    w\n+    W\n }\n"
        );
    }

    #[test]
    fn diff_then_apply_gives_the_new_file() {
        round_trip("", "a\nb\n");
        round_trip("a\nb\n", "");
        round_trip("a\nb\nc\n", "a\nB\nc\nd\n");
        round_trip("a\r\nb\r\n", "a\nb\r\n");
        round_trip("no newline", "no newline\n");
        round_trip("x\ny\nz", "x\nz");
        round_trip(
            "fn a() {}\n\nfn b() {}\n",
            "fn a() {}\n\nfn c() {}\n\nfn b() {}\n",
        );
    }

    #[test]
    fn hunks_count_lines() {
        let hunks = diff_lines(b"a\nb\nc\n", b"a\nX\nY\nc\n");
        assert_eq!(hunks.len(), 1);
        assert_eq!((hunks[0].old_start, hunks[0].old_lines), (1, 1));
        assert_eq!((hunks[0].new_start, hunks[0].new_lines), (1, 2));
        assert_eq!(hunks[0].added, b"X\nY\n");
    }

    #[test]
    fn a_hunk_that_does_not_fit_is_an_error() {
        let hunks = diff_lines(b"a\nb\nc\nd\n", b"a\nd\n");
        assert!(matches!(
            apply_hunks(b"a\n", &hunks),
            Err(ApplyError::OutOfRange { .. })
        ));
    }

    #[test]
    fn hunk_headers_are_written_as_git_writes_them() {
        // One line removed from a one-line file, one added to an empty file, one line
        // changed, lines inserted after line 2 (git names line 2 as the function line).
        assert_eq!(unified_diff(b"a\n", b"", 3), "@@ -1 +0,0 @@\n-a\n");
        assert_eq!(unified_diff(b"", b"a\n", 3), "@@ -0,0 +1 @@\n+a\n");
        assert_eq!(unified_diff(b"a\n", b"b\n", 3), "@@ -1 +1 @@\n-a\n+b\n");
        assert_eq!(
            unified_diff(b"a\nb\nc\nd\n", b"a\nb\nx\ny\nc\nd\n", 0),
            "@@ -2,0 +3,2 @@ b\n+x\n+y\n"
        );
    }

    #[test]
    fn unified_diff_has_git_headers() {
        let text = unified_diff(b"a\nb\nc\n", b"a\nB\nc\n", 3);
        assert_eq!(text, "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    }

    #[test]
    fn binary_is_a_nul_byte_near_the_start() {
        assert!(is_binary(b"ab\0cd"));
        assert!(!is_binary(b"plain text\n"));
        let mut late = vec![b'a'; 9000];
        late.push(0);
        assert!(!is_binary(&late));
    }
}
