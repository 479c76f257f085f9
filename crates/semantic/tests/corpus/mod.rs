//! The files under `ATOMIC_ORACLE_CORPUS` (a checkout of a real repository), for the
//! oracle tests' runs by hand: `ATOMIC_ORACLE_CORPUS=<checkout> cargo nextest run -p
//! atomic-semantic --run-ignored only corpus`.

use std::path::Path;

use atomic_semantic::language_for_path;

/// Calls `check` with the path and text of every UTF-8 file of a supported language
/// under `ATOMIC_ORACLE_CORPUS`, and prints how many there were.
///
/// # Panics
/// When the variable is not set, or names a directory with no such file: the test would
/// have checked nothing.
pub fn for_each_file(mut check: impl FnMut(&str, &str)) {
    let dir = std::env::var_os("ATOMIC_ORACLE_CORPUS")
        .expect("set ATOMIC_ORACLE_CORPUS to a checkout of a repository to check");
    let mut files = 0;
    for entry in ignore::Walk::new(Path::new(&dir)).flatten() {
        let path = entry.path().to_string_lossy().into_owned();
        if language_for_path(&path).is_none() || !entry.path().is_file() {
            continue;
        }
        let Ok(source) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        check(&path, &source);
        files += 1;
    }
    assert!(files > 0, "no file of a supported language under {dir:?}");
    eprintln!("{files} files of {} checked", Path::new(&dir).display());
}
