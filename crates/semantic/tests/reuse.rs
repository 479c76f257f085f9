//! A version's table made from its base's (`extract_versions`: what the version shares
//! with base is taken from base's table) is the table of a fresh parse and a whole walk
//! (`extract_uncached`): on every merge fixture, and by hand on real merges. The random
//! edits of `tests/incremental.rs` check the same through `extract_edited`.

use std::path::{Path, PathBuf};

use atomic_semantic::{
    FileSymbols, extract_uncached, extract_versions, forget_recent_tables, language_for_path,
};

/// Checks every version of one merge (base first) against a fresh parse; returns how
/// many versions were compared.
fn check(name: &str, versions: &[Vec<u8>]) -> usize {
    let Some(profile) = language_for_path(name) else {
        return 0;
    };
    forget_recent_tables();
    let sources: Vec<&[u8]> = versions.iter().map(Vec::as_slice).collect();
    let tables = extract_versions(profile, &sources, 0).expect("every table when none must parse");
    for (i, (table, source)) in tables.iter().zip(&sources).enumerate() {
        let whole: FileSymbols = extract_uncached(profile, source);
        assert_eq!(
            table, &whole,
            "{name}: version {i} differs from a whole table"
        );
    }
    sources.len()
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
fn check_dir(dir: &Path, prefixes: &[&str]) -> Option<usize> {
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
    let compared: usize = read_dir(&root)
        .iter()
        .flat_map(|lang| read_dir(lang))
        .filter_map(|case| check_dir(&case, &["Base", "Left", "Right", "Expected"]))
        .sum();
    assert!(compared > 300, "only {compared} versions compared");
}

/// `ATOMIC_REUSE_CORPUS=<dir>`: every subdirectory holding `base.<ext>`, `ours.<ext>` and
/// `theirs.<ext>` (real merges' versions of one file) is checked.
#[test]
#[ignore = "needs ATOMIC_REUSE_CORPUS"]
fn corpus_merges_have_whole_tables() {
    let dir = std::env::var_os("ATOMIC_REUSE_CORPUS").expect("ATOMIC_REUSE_CORPUS is set");
    let mut compared = 0;
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(dir) = stack.pop() {
        match check_dir(&dir, &["base.", "ours.", "theirs."]) {
            Some(n) => compared += n,
            None => stack.extend(read_dir(&dir).into_iter().filter(|p| p.is_dir())),
        }
    }
    assert!(compared > 0, "no merge found under the corpus");
    eprintln!("{compared} versions compared");
}
