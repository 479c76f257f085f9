//! A clean line merge judged on tables without the code no side changed
//! ([`passes_on_touched`]) stands only where the judgement on whole tables
//! ([`clean_line_merge_passes`]) lets it stand: on every merge fixture, on merges made to
//! need the names' check, and by hand on real merges.

use std::path::{Path, PathBuf};

use atomic_semantic::{extract_touched, extract_versions, forget_recent_tables, language_for_path};

use crate::audit::passes_on_whole_tables;
use crate::diff3::{Labels, diff3};
use crate::level::Version;
use crate::structured::{clean_line_merge_passes, passes_on_touched};

/// Both judgements of the merge of `ours` and `theirs` from `base` at `path`, when the
/// line merge is clean: (on touched tables, on whole tables). Each starts with nothing in
/// memory.
fn judgements(path: &str, [base, ours, theirs]: [&[u8]; 3]) -> Option<(bool, bool)> {
    let profile = language_for_path(path)?;
    let line = diff3(base, ours, theirs, &Labels::default());
    if !line.conflicts.is_empty() {
        return None;
    }
    forget_recent_tables();
    let touched = passes_on_touched(profile, [base, ours, theirs], &line.text);
    forget_recent_tables();
    let whole = match extract_versions(profile, &[base, ours, theirs, &line.text], 3) {
        Some(tables) => {
            let mut tables = tables.into_iter();
            let [vb, vo, vt] = [base, ours, theirs].map(|src| Version {
                src,
                symbols: tables.next().expect("a table per source"),
                profile,
            });
            let result = tables.next().expect("a table per source");
            clean_line_merge_passes([&vb, &vo, &vt], &result, &line.text)
        }
        None => false,
    };
    Some((touched, whole))
}

/// Checks one merge; returns whether the touched tables let the line merge stand.
fn check(path: &str, inputs: [&[u8]; 3]) -> bool {
    let Some((touched, whole)) = judgements(path, inputs) else {
        return false;
    };
    assert!(
        !touched || whole,
        "{path}: the line merge stands on touched tables, not on whole ones"
    );
    touched
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// The files of the merge in `dir` whose names start with `prefixes` (base, ours, theirs);
/// `None` when one is missing.
fn merge_in(dir: &Path, prefixes: [&str; 3]) -> Option<(String, [Vec<u8>; 3])> {
    let files = read_dir(dir);
    let find = |prefix: &str| {
        files.iter().find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
    };
    let [b, o, t] = prefixes.map(find);
    let (b, o, t) = (b?, o?, t?);
    let read = |p: &PathBuf| std::fs::read(p).expect("readable");
    Some((
        b.to_string_lossy().into_owned(),
        [read(b), read(o), read(t)],
    ))
}

#[test]
fn every_merge_fixture_is_judged_on_touched_tables_as_on_whole_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/merge");
    let cases: Vec<(String, [Vec<u8>; 3])> = read_dir(&root)
        .iter()
        .flat_map(|lang| read_dir(lang))
        .filter_map(|case| merge_in(&case, ["Base", "Left", "Right"]))
        .collect();
    assert!(cases.len() > 100, "only {} fixtures", cases.len());
    for (path, [b, o, t]) in &cases {
        check(path, [b, o, t]);
    }
}

/// `n` Go functions, each a few lines long.
fn go_functions(n: usize) -> String {
    (0..n)
        .map(|i| format!("func f{i}(x int) int {{\n\ty := x + {i}\n\treturn y * 2\n}}\n\n"))
        .collect()
}

#[test]
fn a_large_file_with_far_apart_edits_is_judged_on_touched_tables() {
    let base = format!("package p\n\n{}", go_functions(40));
    let ours = base.replace("x + 3\n", "x + 300\n");
    let theirs = base.replace("x + 30\n", "x + 3000\n");
    assert!(check(
        "p.go",
        [base.as_bytes(), ours.as_bytes(), theirs.as_bytes()]
    ));
    // Both sides adding one function elsewhere: defined twice, on either tables.
    let ours = base.replace("func f3(", "func g(a int) int {\n\treturn a\n}\n\nfunc f3(");
    let theirs = base.replace(
        "func f30(",
        "func g(b int) int {\n\treturn b\n}\n\nfunc f30(",
    );
    let inputs = [base.as_bytes(), ours.as_bytes(), theirs.as_bytes()];
    assert_eq!(judgements("p.go", inputs), Some((false, false)));
}

#[test]
fn a_name_defined_in_a_left_out_statement_sends_the_judgement_to_whole_tables() {
    // `foo` is overloaded: one definition lies in code no side touched. Ours changes
    // the other's signature and its last line, theirs another line of it; whole tables
    // tell the two overloads apart (the one ours replaced is changed by theirs: not clean),
    // touched tables see one `foo`, changed by both (clean).
    let filler: String = (0..20)
        .map(|i| format!("function pad{i}(): number {{\n  return {i};\n}}\n"))
        .collect();
    let base = format!(
        "{filler}function foo(a: number): number {{\n  return a;\n}}\nfunction bar(): number {{\n  return 0;\n}}\n\nfunction foo(a: string): string {{\n  const y = 0;\n  const x = 1;\n  const z = 0;\n  return a;\n}}\n"
    );
    let ours = base
        .replace("foo(a: string)", "foo(a: boolean)")
        .replace("z = 0;\n  return a;", "z = 0;\n  return !a;");
    let theirs = base.replace("const x = 1;", "const x = 2;");
    let inputs = [base.as_bytes(), ours.as_bytes(), theirs.as_bytes()];
    assert_eq!(judgements("x.ts", inputs), Some((false, false)));
    // On the touched tables alone the audit passes: the names' check is what decides.
    let line = diff3(inputs[0], inputs[1], inputs[2], &Labels::default());
    let profile = language_for_path("x.ts").expect("TypeScript");
    forget_recent_tables();
    let touched = extract_touched(profile, &[inputs[0], inputs[1], inputs[2], &line.text])
        .expect("most of base is left out");
    let [b, o, t, r]: [_; 4] = touched.tables.try_into().expect("four tables");
    let [vb, vo, vt] =
        [(inputs[0], b), (inputs[1], o), (inputs[2], t)].map(|(src, symbols)| Version {
            src,
            symbols,
            profile,
        });
    assert!(clean_line_merge_passes([&vb, &vo, &vt], &r, &line.text));
    let tables = [&vb.symbols, &vo.symbols, &vt.symbols];
    let left_out: Vec<&[u8]> = touched.left_out[0]
        .iter()
        .map(|range| &inputs[0][range.clone()])
        .collect();
    let in_left_out = |name: &str| {
        left_out
            .iter()
            .any(|t| t.windows(name.len()).any(|w| w == name.as_bytes()))
    };
    assert!(!passes_on_whole_tables(profile, tables, &r, &in_left_out));
    assert!(passes_on_whole_tables(profile, tables, &r, &|_| false));
}

/// `ATOMIC_TOUCHED_CORPUS=<dir>`: every subdirectory holding `base.<ext>`, `ours.<ext>` and
/// `theirs.<ext>` (real merges' versions of one file) is checked.
#[test]
#[ignore = "needs ATOMIC_TOUCHED_CORPUS"]
fn corpus_merges_are_judged_on_touched_tables_as_on_whole_ones() {
    let dir = std::env::var_os("ATOMIC_TOUCHED_CORPUS").expect("ATOMIC_TOUCHED_CORPUS is set");
    let (mut merges, mut touched) = (0, 0);
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(dir) = stack.pop() {
        match merge_in(&dir, ["base.", "ours.", "theirs."]) {
            Some((path, [b, o, t])) => {
                merges += 1;
                touched += usize::from(check(&path, [&b, &o, &t]));
            }
            None => stack.extend(read_dir(&dir).into_iter().filter(|p| p.is_dir())),
        }
    }
    assert!(merges > 0, "no merge found under the corpus");
    eprintln!("{merges} merges; {touched} clean line merges stood on touched tables");
}
