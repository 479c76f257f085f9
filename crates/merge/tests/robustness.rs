//! Inputs that must not break the merge: no panic, and no unparsable result reported clean.

#![allow(clippy::unwrap_used)]

use atomic_merge::{Labels, Strategy, merge};
use atomic_semantic::extract_path;

fn run(path: &str, b: &[u8], o: &[u8], t: &[u8]) -> atomic_merge::MergeOutcome {
    merge(path, b, o, t, &Labels::default())
}

#[test]
fn binary_input_is_merged_by_lines_without_panicking() {
    let b = b"\x00\x01\x02binary\n".to_vec();
    let o = b"\x00\x01\x03binary\n".to_vec();
    let m = run("image.rs", &b, &o, &b);
    assert!(m.is_clean());
    assert_eq!(m.text, o);
    assert!(matches!(m.strategy, Strategy::LineBased { .. }));
    assert!(!run("image.rs", &b, &o, b"\x00\xff").is_clean());
}

#[test]
fn invalid_utf8_does_not_panic() {
    let b = b"fn a() {}\n// \xff\xfe\n".to_vec();
    let o = b"fn a() { 1; }\n// \xff\xfe\n".to_vec();
    let t = b"fn a() {}\n// \xff\xfe changed\n".to_vec();
    let m = run("lib.rs", &b, &o, &t);
    assert!(m.is_clean(), "{:?}", m.conflicts);
}

#[test]
fn empty_inputs_merge() {
    assert!(run("lib.rs", b"", b"", b"").is_clean());
    let m = run("lib.rs", b"", b"fn a() {}\n", b"");
    assert_eq!(m.text, b"fn a() {}\n");
    let m = run("lib.rs", b"", b"fn a() {}\n", b"fn b() {}\n");
    assert!(
        m.is_clean(),
        "additions to an empty file: {:?}",
        m.conflicts
    );
    assert_eq!(String::from_utf8(m.text).unwrap(), "fn a() {}\nfn b() {}\n");
}

#[test]
fn crlf_files_stay_crlf() {
    let b = b"fn a() {\r\n    1\r\n}\r\n\r\nfn b() {\r\n    2\r\n}\r\n".to_vec();
    let o = b"fn a() {\r\n    10\r\n}\r\n\r\nfn b() {\r\n    2\r\n}\r\n".to_vec();
    let t = b"fn a() {\r\n    1\r\n}\r\n\r\nfn b() {\r\n    20\r\n}\r\n".to_vec();
    let m = run("lib.rs", &b, &o, &t);
    assert!(m.is_clean());
    assert_eq!(
        m.text,
        b"fn a() {\r\n    10\r\n}\r\n\r\nfn b() {\r\n    20\r\n}\r\n"
    );
}

#[test]
fn a_missing_final_newline_is_kept() {
    let b = b"fn a() {}\n\nfn b() {}";
    let o = b"fn a() { 1; }\n\nfn b() {}";
    let t = b"fn a() {}\n\nfn b() { 2; }";
    let m = run("lib.rs", b, o, t);
    assert!(m.is_clean());
    assert_eq!(m.text, b"fn a() { 1; }\n\nfn b() { 2; }");
}

#[test]
fn ten_megabytes_merge_without_panicking() {
    let mut b = String::new();
    for i in 0..150_000 {
        b.push_str(&format!("fn f{i}(x: u32) -> u32 {{ x + {i} }}\n"));
    }
    assert!(b.len() > 5_000_000);
    let b = b.repeat(2);
    let o = b.replacen("x + 7 }", "x + 70 }", 1);
    let t = b.replacen("x + 9 }", "x + 90 }", 1);
    let m = run("big.rs", b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(m.text.len() >= b.len());
}

#[test]
fn a_structured_result_that_does_not_parse_is_never_clean() {
    // Both sides add a field after a last field written without a trailing comma: item
    // by item that is `a: u8, b: u8 c: u8`, which does not parse.
    let b = "struct S {\n    a: u8\n}\n";
    let o = "struct S {\n    a: u8,\n    b: u8\n}\n";
    let t = "struct S {\n    a: u8,\n    c: u8\n}\n";
    let m = run("lib.rs", b.as_bytes(), o.as_bytes(), t.as_bytes());
    let parses = extract_path("lib.rs", &m.text).is_some_and(|s| !s.has_errors);
    assert!(
        !m.is_clean() || parses,
        "reported clean but does not parse:\n{}",
        String::from_utf8_lossy(&m.text)
    );
}

#[test]
fn inputs_that_do_not_parse_are_merged_by_lines() {
    let b = "fn a( {\n}\n";
    let m = run("lib.rs", b.as_bytes(), b"fn a( {\n  1\n}\n", b.as_bytes());
    assert!(matches!(m.strategy, Strategy::LineBased { .. }));
    assert!(m.is_clean());
}

#[test]
fn the_merge_never_conflicts_where_a_sound_line_merge_is_clean() {
    // Ours renames `total` (its first line); theirs edits the end of its body. By lines
    // nothing overlaps; by items it is a rename (same body, new name) merged with theirs'
    // edit. Both give the renamed, edited function, and the line merge, git's own result,
    // is taken as it is.
    let b = "pub fn total(items: &[u32]) -> u32 {\n    let n = items.len();\n    log(n);\n    items.iter().sum()\n}\n";
    let o = b.replace("pub fn total(", "pub fn sum_all(");
    let t = b.replace("    items.iter().sum()", "    items.iter().copied().sum()");
    let m = run("lib.rs", b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(m.is_clean(), "{:?}", m.conflicts);
    assert!(
        matches!(m.strategy, Strategy::LineBased { .. }),
        "{:?}",
        m.strategy
    );
    assert_eq!(
        String::from_utf8(m.text).unwrap(),
        o.replace("    items.iter().sum()", "    items.iter().copied().sum()")
    );
}

#[test]
fn an_impl_keeps_its_identity_when_a_lifetime_is_renamed() {
    let b = "impl<'cfg> Source for Dir<'cfg> {\n    fn a(&self) {}\n\n    fn b(&self) {}\n}\n";
    let o = "impl<'gctx> Source for Dir<'gctx> {\n    fn a(&self) {}\n\n    fn b(&self) {}\n}\n";
    // Theirs edits the line next to ours' header: the line merge conflicts, so the
    // structured merge must pair the two impls although their headers differ.
    let t = "impl<'cfg> Source for Dir<'cfg> {\n    fn a(&self) { 1; }\n\n    fn b(&self) {}\n}\n";
    let m = run("lib.rs", b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(m.is_clean(), "{:?}", m.conflicts);
    assert_eq!(
        String::from_utf8(m.text).unwrap(),
        "impl<'gctx> Source for Dir<'gctx> {\n    fn a(&self) { 1; }\n\n    fn b(&self) {}\n}\n"
    );
    assert_eq!(m.strategy, Strategy::Structured);
}

#[test]
fn code_nested_in_other_code_is_never_an_item_of_the_top_level() {
    // Theirs adds a `require` and a named function inside a callback. They are not items
    // of the top level: the callback's code stays one piece of text around them.
    let b = "var a = require('a');\n\ndescribe('x', function () {\n  it('one', function () {\n    expect('UTF-8');\n  });\n  it('two', function () {\n    setup();\n    expect('UTF-8');\n  });\n});\n";
    let t = b.replace(
        "  it('two', function () {\n",
        "  it('two', function () {\n    var b = require('b');\n    function helper() {}\n",
    );
    let fs = atomic_semantic::extract_path("test.js", t.as_bytes()).unwrap();
    assert!(fs.symbols.iter().all(|s| !s.top_level), "{:?}", fs.symbols);
    assert_eq!(
        fs.imports.iter().map(|i| i.top_level).collect::<Vec<_>>(),
        vec![true, false]
    );
    let o = b.replace("UTF-8", "utf-8");
    let m = run("test.js", b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(m.is_clean(), "{:?}", m.conflicts);
}

#[test]
fn code_in_the_gap_of_a_deleted_item_keeps_the_other_sides_edits() {
    // As in a replay of expressjs/express: a long block of top-level code sits before a
    // function. Ours edits the block; theirs deletes the function and adds another at the
    // end. The block is the deleted function's gap: deleting must not take ours' edits.
    let block =
        "describe('x', function () {\n  it('a', function () {\n    expect('UTF-8');\n  });\n});\n";
    let b = format!("var a = require('a');\n\n{block}\nfunction old() {{\n  return 1;\n}}\n");
    let o = b.replace("UTF-8", "utf-8");
    let t = format!("var a = require('a');\n\n{block}\nfunction fresh() {{\n  return 2;\n}}\n");
    let m = run("test.js", b.as_bytes(), o.as_bytes(), t.as_bytes());
    assert!(m.is_clean(), "{:?}", m.conflicts);
    assert_eq!(
        String::from_utf8(m.text).unwrap(),
        t.replace("UTF-8", "utf-8")
    );
}
