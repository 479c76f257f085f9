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

/// The merges under `root` (symbolic links followed), in order: each directory holding
/// files whose names start with `prefixes` (base, ours, theirs), with the first one's path
/// and the three texts.
fn merges_under(root: &Path, prefixes: [&str; 3]) -> Vec<(String, [Vec<u8>; 3])> {
    let named = |p: &Path, prefix: &str| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix))
    };
    let mut bases: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .build()
        .flatten()
        .map(ignore::DirEntry::into_path)
        .filter(|p| named(p, prefixes[0]))
        .collect();
    bases.sort();
    bases
        .into_iter()
        .filter_map(|base| {
            let dir = base.parent()?;
            let find = |prefix: &str| {
                std::fs::read_dir(dir)
                    .ok()?
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| named(p, prefix))
            };
            let (ours, theirs) = (find(prefixes[1])?, find(prefixes[2])?);
            let read = |p: &Path| std::fs::read(p).expect("readable");
            let texts = [read(&base), read(&ours), read(&theirs)];
            Some((base.to_string_lossy().into_owned(), texts))
        })
        .collect()
}

#[test]
fn every_merge_fixture_is_judged_on_touched_tables_as_on_whole_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/merge");
    let cases = merges_under(&root, ["Base", "Left", "Right"]);
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
        "{filler}function foo(a: number): number {{\n  return a;\n}}\n\
         function bar(): number {{\n  return 0;\n}}\n\n\
         function foo(a: string): string {{\n  const y = 0;\n  const x = 1;\n  \
         const z = 0;\n  return a;\n}}\n"
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
    let merges = merges_under(Path::new(&dir), ["base.", "ours.", "theirs."]);
    let touched = merges
        .iter()
        .filter(|(path, [b, o, t])| check(path, [b, o, t]))
        .count();
    let merges = merges.len();
    assert!(merges > 0, "no merge found under the corpus");
    eprintln!("{merges} merges; {touched} clean line merges stood on touched tables");
}
