//! A version's table made from its base's (`extract_versions`: what the version shares
//! with base is taken from base's table) is the table of a fresh parse and a whole walk
//! (`extract_uncached`), and a table without the code no version changed
//! (`extract_touched`) is that table but for what lies in the left-out code: on every
//! merge fixture, and by hand on real merges. The random edits of `tests/incremental.rs`
//! check the first through `extract_edited`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use atomic_semantic::{
    FileSymbols, Reference, extract_touched, extract_uncached, extract_versions,
    forget_recent_tables, language_for_path,
};

/// How many versions were compared with a whole table: all of them, and those with a
/// table without the statements no version changed.
#[derive(Clone, Copy, Default)]
struct Compared {
    whole: usize,
    touched: usize,
}

impl std::iter::Sum for Compared {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Compared::default(), |a, b| Compared {
            whole: a.whole + b.whole,
            touched: a.touched + b.touched,
        })
    }
}

/// Checks every version of one merge (base first) against a fresh parse.
fn check(name: &str, versions: &[Vec<u8>]) -> Compared {
    let Some(profile) = language_for_path(name) else {
        return Compared::default();
    };
    forget_recent_tables();
    let sources: Vec<&[u8]> = versions.iter().map(Vec::as_slice).collect();
    let tables = extract_versions(profile, &sources, 0).expect("every table when none must parse");
    let wholes: Vec<FileSymbols> = sources
        .iter()
        .map(|source| extract_uncached(profile, source))
        .collect();
    for (i, (table, whole)) in tables.iter().zip(&wholes).enumerate() {
        assert_eq!(
            table, whole,
            "{name}: version {i} differs from a whole table"
        );
    }
    forget_recent_tables();
    let mut compared = Compared {
        whole: sources.len(),
        touched: 0,
    };
    if let Some(touched) = extract_touched(profile, &sources) {
        compared.touched = sources.len();
        let versions = touched.tables.iter().zip(&touched.left_out).zip(&wholes);
        let mut in_left_out: Vec<Vec<String>> = Vec::new();
        for (i, ((table, left_out), whole)) in versions.enumerate() {
            let (touched, whole) = (Comparable::of(table), Comparable::of(whole));
            assert_eq!(touched.has_errors, whole.has_errors, "{name}: version {i}");
            let left = |start: u32, end: u32| place(left_out, start, end).is_some();
            let what = format!("{name}: version {i}'s touched table");
            let lacking = Comparable {
                symbols: same_but_left_out(
                    &touched.symbols,
                    &whole.symbols,
                    |(s, _)| left(s.start_byte, s.end_byte),
                    &what,
                ),
                uses: same_but_left_out(
                    &touched.uses,
                    &whole.uses,
                    |(r, _)| left(r.byte, r.byte + 1),
                    &what,
                ),
                imports: same_but_left_out(
                    &touched.imports,
                    &whole.imports,
                    |i| left(i.start_byte, i.end_byte),
                    &what,
                ),
                has_errors: whole.has_errors,
            };
            in_left_out.push(lacking.in_left_out(left_out));
        }
        // What the touched tables lack is the same in every version: the audit counts on
        // it.
        for (i, found) in in_left_out.iter().enumerate().skip(1) {
            assert_eq!(
                found, &in_left_out[0],
                "{name}: version {i} holds other findings in the left-out code than base"
            );
        }
    }
    compared
}

/// A table with the symbols that indexes name (a symbol's parent, a use's symbol) named
/// by their scoped names, so that tables with different symbols compare.
#[derive(Debug, PartialEq)]
struct Comparable {
    symbols: Vec<(atomic_semantic::Symbol, Option<String>)>,
    uses: Vec<(Reference, Option<String>)>,
    imports: Vec<atomic_semantic::Import>,
    has_errors: bool,
}

impl Comparable {
    fn of(table: &FileSymbols) -> Self {
        let name = |i: Option<u32>| i.map(|i| table.symbols[i as usize].scoped_name.clone());
        Comparable {
            symbols: table
                .symbols
                .iter()
                .map(|s| {
                    (
                        atomic_semantic::Symbol {
                            parent: None,
                            ..s.clone()
                        },
                        name(s.parent),
                    )
                })
                .collect(),
            uses: table
                .calls
                .iter()
                .chain(&table.references)
                .map(|r| {
                    (
                        Reference {
                            within: None,
                            ..r.clone()
                        },
                        name(r.within),
                    )
                })
                .collect(),
            imports: table.imports.clone(),
            has_errors: table.has_errors,
        }
    }
}

impl Comparable {
    /// The entries, all in the left-out code (`left_out`: its ranges, in order),
    /// each with its range's index and its bytes counted from the range's start, lines
    /// left out: what the text of the left-out code and its context make, wherever it is.
    fn in_left_out(&self, left_out: &[Range<usize>]) -> Vec<String> {
        let mut found = Vec::new();
        for (s, parent) in &self.symbols {
            if let Some((k, at)) = place(left_out, s.start_byte, s.end_byte) {
                let end = s.end_byte - s.start_byte + at;
                let s = atomic_semantic::Symbol {
                    start_byte: at,
                    end_byte: end,
                    start_line: 0,
                    end_line: 0,
                    ..s.clone()
                };
                found.push(format!("{k} {s:?} {parent:?}"));
            }
        }
        for (r, within) in &self.uses {
            if let Some((k, at)) = place(left_out, r.byte, r.byte + 1) {
                let r = Reference {
                    byte: at,
                    line: 0,
                    ..r.clone()
                };
                found.push(format!("{k} {r:?} {within:?}"));
            }
        }
        for i in &self.imports {
            if let Some((k, at)) = place(left_out, i.start_byte, i.end_byte) {
                let end = i.end_byte - i.start_byte + at;
                let i = atomic_semantic::Import {
                    start_byte: at,
                    end_byte: end,
                    line: 0,
                    ..i.clone()
                };
                found.push(format!("{k} {i:?}"));
            }
        }
        found.sort();
        found
    }
}

/// The index of the range of `left_out` that bytes `start..end` lie in, and `start`
/// counted from the range's start.
fn place(left_out: &[Range<usize>], start: u32, end: u32) -> Option<(usize, u32)> {
    left_out
        .iter()
        .position(|r| r.start <= start as usize && end as usize <= r.end)
        .map(|k| {
            (
                k,
                start - u32::try_from(left_out[k].start).unwrap_or(u32::MAX),
            )
        })
}

/// Checks that `touched` holds what `whole` does, in the same order, but for entries
/// `inside` says lie in the left-out code, which it may lack (a walked call's name can lie
/// in a left-out child, so those may be there too); returns the entries it lacks.
fn same_but_left_out<T: Clone + PartialEq + std::fmt::Debug>(
    touched: &[T],
    whole: &[T],
    inside: impl Fn(&T) -> bool,
    what: &str,
) -> Vec<T> {
    let mut rest = touched.iter().peekable();
    let mut lacking = Vec::new();
    for entry in whole {
        if rest.peek() == Some(&entry) {
            rest.next();
        } else {
            assert!(
                inside(entry),
                "{what} lacks {entry:?}, which lies in no left-out node"
            );
            lacking.push(entry.clone());
        }
    }
    assert_eq!(rest.next(), None, "{what} has more than the whole table");
    lacking
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// The file in `dir` whose name starts with `prefix`.
fn file(dir: &Path, prefix: &str) -> Option<PathBuf> {
    read_dir(dir).into_iter().find(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix))
    })
}

/// Checks the merge in `dir`, whose versions are the files whose names start with
/// `prefixes` (base first); `None` when one is missing.
fn check_dir(dir: &Path, prefixes: &[&str]) -> Option<Compared> {
    let parts: Vec<PathBuf> = prefixes
        .iter()
        .map(|p| file(dir, p))
        .collect::<Option<_>>()?;
    let texts: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| std::fs::read(p).expect("readable"))
        .collect();
    Some(check(&parts[0].to_string_lossy(), &texts))
}

#[test]
fn every_merge_fixture_has_whole_tables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/merge");
    let compared: Compared = read_dir(&root)
        .iter()
        .flat_map(|lang| read_dir(lang))
        .filter_map(|case| check_dir(&case, &["Base", "Left", "Right", "Expected"]))
        .sum();
    assert!(
        compared.whole > 300,
        "only {} versions compared",
        compared.whole
    );
    assert!(
        compared.touched > 20,
        "only {} touched tables compared",
        compared.touched
    );
}

/// `ATOMIC_REUSE_CORPUS=<dir>`: every subdirectory holding `base.<ext>`, `ours.<ext>` and
/// `theirs.<ext>` (real merges' versions of one file) is checked.
#[test]
#[ignore = "needs ATOMIC_REUSE_CORPUS"]
fn corpus_merges_have_whole_tables() {
    let dir = std::env::var_os("ATOMIC_REUSE_CORPUS").expect("ATOMIC_REUSE_CORPUS is set");
    let mut compared = Compared::default();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(dir) = stack.pop() {
        match check_dir(&dir, &["base.", "ours.", "theirs."]) {
            Some(n) => compared = [compared, n].into_iter().sum(),
            None => stack.extend(read_dir(&dir).into_iter().filter(|p| p.is_dir())),
        }
    }
    assert!(compared.whole > 0, "no merge found under the corpus");
    eprintln!(
        "{} versions compared, {} of them with touched tables",
        compared.whole, compared.touched
    );
}
