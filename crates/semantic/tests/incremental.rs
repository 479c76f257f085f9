//! Incremental parsing never changes a table: a version parsed from its predecessor's
//! tree (`extract_edited`), its table made from its predecessor's where they share text,
//! has the symbols, calls, references and imports a fresh parse and a whole walk
//! (`extract_uncached`) find, for every language, after random edits of real samples.

use std::path::Path;

use atomic_semantic::{extract_edited, extract_uncached, language_for_path};
use proptest::prelude::*;

const SAMPLES: &[&str] = &[
    "sample.rs",
    "sample.py",
    "sample.go",
    "Sample.java",
    "sample.js",
    "sample.ts",
    "sample.tsx",
];

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/semantic")
            .join(name),
    )
    .expect("the sample exists")
}

/// One edit of `text` at `at` (a fraction of the file): `kind` 0 replaces up to 200 bytes
/// with a piece of the file from `from` (moves, copies and deletions of real code: mostly
/// syntax errors); 1 inserts a comment line, 2 renames the word there, 3 deletes the line
/// there (mostly valid code, where parsing does go incremental).
fn apply(text: &[u8], name: &str, (kind, at, len, from): (u8, f64, f64, f64)) -> Vec<u8> {
    let n = text.len();
    let pos = ((at * n as f64) as usize).min(n);
    let line_start = text[..pos]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let line_end = text[pos..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(n, |p| pos + p + 1);
    match kind {
        0 => {
            let end = (pos + (len * 200.0) as usize).min(n);
            let src = ((from * n as f64) as usize).min(n);
            let piece = &text[src..(src + (len * 200.0) as usize).min(n)];
            [&text[..pos], piece, &text[end..]].concat()
        }
        1 => {
            let comment: &[u8] = if name.ends_with(".py") {
                b"# a comment\n"
            } else {
                b"// a comment\n"
            };
            [&text[..line_start], comment, &text[line_start..]].concat()
        }
        2 => {
            let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
            let start = text[..pos]
                .iter()
                .rposition(|b| !word(b))
                .map_or(0, |p| p + 1);
            let end = text[pos..]
                .iter()
                .position(|b| !word(b))
                .map_or(n, |p| pos + p);
            [&text[..start], b"renamed_x".as_slice(), &text[end..]].concat()
        }
        _ => [&text[..line_start], &text[line_end..]].concat(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn an_edited_version_has_the_table_of_a_fresh_parse(
        which in 0..SAMPLES.len(),
        edits in prop::collection::vec((0u8..4, 0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64), 1..8),
    ) {
        let name = SAMPLES[which];
        let profile = language_for_path(name).expect("a known language");
        let mut before = sample(name);
        // The first version's tree is what the edits start from.
        let _ = extract_edited(profile, &before, b"");
        for edit in edits {
            let after = apply(&before, name, edit);
            let edited = extract_edited(profile, &after, &before);
            prop_assert_eq!(edited, extract_uncached(profile, &after), "{} after {:?}", name, edit);
            before = after;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Several edits apart in one new version: one tree edit per hunk of the line diff.
    #[test]
    fn a_version_edited_in_several_places_has_the_table_of_a_fresh_parse(
        which in 0..SAMPLES.len(),
        edits in prop::collection::vec((0u8..4, 0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64), 2..6),
    ) {
        let name = SAMPLES[which];
        let profile = language_for_path(name).expect("a known language");
        let before = sample(name);
        let _ = extract_edited(profile, &before, b"");
        let after = edits.iter().fold(before.clone(), |text, &edit| apply(&text, name, edit));
        let edited = extract_edited(profile, &after, &before);
        prop_assert_eq!(edited, extract_uncached(profile, &after), "{} after {:?}", name, edits);
    }
}
