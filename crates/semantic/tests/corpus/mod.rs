//! The files under `ATOMIC_ORACLE_CORPUS` (a checkout of a real repository), for the
//! oracle tests' runs by hand.

use std::path::Path;

use atomic_semantic::language_for_path;

/// Calls `check` with the path and text of every UTF-8 file of a supported language
/// under `ATOMIC_ORACLE_CORPUS`, and prints how many there were; does nothing when the
/// variable is not set.
pub fn for_each_file(mut check: impl FnMut(&str, &str)) {
    let Some(dir) = std::env::var_os("ATOMIC_ORACLE_CORPUS") else {
        return;
    };
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
    eprintln!("{files} files of {} checked", Path::new(&dir).display());
}
