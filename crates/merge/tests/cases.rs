//! Merge cases as data: `testdata/merge/<language>/<case>/{Base,Left,Right,Expected}.<ext>`,
//! one test per folder. Left is ours, Right is theirs; Expected is the whole result, with
//! git's diff3 markers (labels `ours`, `base`, `theirs`) where a conflict is expected, and a
//! conflict must be reported exactly when Expected has markers.
//!
//! `testdata/merge/failing/<language>/<case>/` holds known gaps: Expected is what should
//! come out, Current what comes out today. The test checks Current, so a change in
//! behaviour is noticed; when Expected is reached, move the folder out of `failing/`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use atomic_merge::{Labels, merge};
use libtest_mimic::{Arguments, Failed, Trial};

fn find(dir: &Path, stem: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_stem().is_some_and(|s| s == stem))
}

fn run(dir: &Path, expected_stem: &str) -> Result<(), Failed> {
    let read = |stem: &str| -> Result<(PathBuf, Vec<u8>), Failed> {
        let path = find(dir, stem).ok_or_else(|| format!("{} has no {stem}.*", dir.display()))?;
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        Ok((path, bytes))
    };
    let (_, base) = read("Base")?;
    let (_, left) = read("Left")?;
    let (_, right) = read("Right")?;
    let (path, expected) = read(expected_stem)?;
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let outcome = merge(&name, &base, &left, &right, &Labels::default());
    let got = String::from_utf8_lossy(&outcome.text);
    let want = String::from_utf8_lossy(&expected);
    if got != want {
        return Err(format!(
            "merged text differs\n--- expected\n{want}\n--- got\n{got}\n--- conflicts: {:#?}",
            outcome.conflicts
        )
        .into());
    }
    let marked = want.contains("<<<<<<< ");
    if marked == outcome.is_clean() {
        return Err(format!(
            "markers: {marked}, but conflicts reported: {:#?}",
            outcome.conflicts
        )
        .into());
    }
    Ok(())
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/merge");
    let mut trials = Vec::new();
    let mut languages: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    languages.sort();
    for language in languages {
        let failing = language.file_name().unwrap() == "failing";
        let groups = if failing {
            let mut g: Vec<PathBuf> = std::fs::read_dir(&language)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            g.sort();
            g
        } else {
            vec![language.clone()]
        };
        for group in groups {
            let mut cases: Vec<PathBuf> = std::fs::read_dir(&group)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            cases.sort();
            for case in cases {
                let name = case.strip_prefix(&root).unwrap().display().to_string();
                let stem = if failing { "Current" } else { "Expected" };
                trials.push(Trial::test(name, move || run(&case, stem)));
            }
        }
    }
    libtest_mimic::run(&Arguments::from_args(), trials).exit();
}
