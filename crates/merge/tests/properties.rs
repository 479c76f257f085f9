//! Properties of the merge, on generated programs (structured path) and plain text (line
//! path): merge(b, x, b) == x, merge(b, b, y) == y, merge(b, x, x) == x; swapping ours
//! and theirs never turns a clean merge into a conflict; a clean result passes the audit
//! (both sides' changed items kept as written, no name defined twice) and holds the same
//! symbols whichever side is ours.

#![allow(clippy::unwrap_used)]

use atomic_merge::{Labels, audit, merge};
use proptest::prelude::*;

/// A small Rust program: functions with bodies, and a struct with fields.
#[derive(Clone, Debug)]
struct Program {
    fields: Vec<u8>,
    functions: Vec<(u8, Vec<u8>)>,
}

impl Program {
    fn render(&self) -> String {
        let mut s = String::from("use std::fmt;\n\npub struct Config {\n");
        let mut seen = std::collections::HashSet::new();
        for f in &self.fields {
            if seen.insert(*f) {
                s.push_str(&format!("    pub field{f}: u32,\n"));
            }
        }
        s.push_str("}\n");
        let mut names = std::collections::HashSet::new();
        for (name, body) in &self.functions {
            if !names.insert(*name) {
                continue;
            }
            s.push_str(&format!("\npub fn f{name}(x: u32) -> u32 {{\n"));
            for line in body {
                s.push_str(&format!("    let x = x.wrapping_add({line});\n"));
            }
            s.push_str("    x\n}\n");
        }
        s
    }
}

fn program() -> impl Strategy<Value = Program> {
    (
        prop::collection::vec(0u8..12, 0..5),
        prop::collection::vec((0u8..16, prop::collection::vec(0u8..50, 0..5)), 0..6),
    )
        .prop_map(|(fields, functions)| Program { fields, functions })
}

/// A program and an edit of it: some functions dropped, some bodies changed, some added.
fn edited(p: Program) -> impl Strategy<Value = Program> {
    let n = p.functions.len();
    (
        prop::collection::vec(any::<bool>(), n),
        prop::collection::vec(prop::option::of(prop::collection::vec(0u8..50, 0..5)), n),
        prop::collection::vec((16u8..24, prop::collection::vec(0u8..50, 0..3)), 0..2),
        prop::collection::vec(12u8..20, 0..2),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(keep, bodies, added, fields, at)| {
            let mut q = p.clone();
            q.functions = p
                .functions
                .iter()
                .zip(keep.iter().zip(bodies))
                .filter(|(_, (k, _))| **k)
                .map(|((name, body), (_, new))| (*name, new.unwrap_or_else(|| body.clone())))
                .collect();
            // Additions go anywhere: both sides may add one name at different places.
            let at = at.index(q.functions.len() + 1);
            q.functions.splice(at..at, added);
            q.fields.extend(fields);
            q
        })
}

fn merged(path: &str, b: &str, o: &str, t: &str) -> (String, bool) {
    let m = merge(
        path,
        b.as_bytes(),
        o.as_bytes(),
        t.as_bytes(),
        &Labels::default(),
    );
    (String::from_utf8(m.text.clone()).unwrap(), m.is_clean())
}

/// The symbols of a Rust text, as sorted (scoped name, text hash) pairs; containers
/// without their hash, since the order of what both sides added to them may differ.
fn symbols(text: &str) -> Vec<(String, String)> {
    let fs = atomic_semantic::extract_path("lib.rs", text.as_bytes()).unwrap();
    let parents: std::collections::HashSet<u32> =
        fs.symbols.iter().filter_map(|s| s.parent).collect();
    let mut v: Vec<_> = (0u32..)
        .zip(fs.symbols)
        .map(|(i, s)| {
            let hash = if parents.contains(&i) {
                String::new()
            } else {
                s.hash
            };
            (s.scoped_name, hash)
        })
        .collect();
    v.sort();
    v
}

fn plain_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a\n", "b\n", "c\n", "d\n", "\n", "e f\n"]),
        0..20,
    )
    .prop_map(|l| l.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn one_sided_changes_are_taken_whole((b, x) in program().prop_flat_map(|p| (Just(p.clone()), edited(p)))) {
        let (b, x) = (b.render(), x.render());
        prop_assert_eq!(merged("lib.rs", &b, &x, &b), (x.clone(), true));
        prop_assert_eq!(merged("lib.rs", &b, &b, &x), (x.clone(), true));
        prop_assert_eq!(merged("lib.rs", &b, &x, &x), (x, true));
    }

    #[test]
    fn swapping_sides_never_turns_clean_into_conflict(
        (b, x, y) in program().prop_flat_map(|p| (Just(p.clone()), edited(p.clone()), edited(p)))
    ) {
        let (b, x, y) = (b.render(), x.render(), y.render());
        let (_, clean_xy) = merged("lib.rs", &b, &x, &y);
        let (_, clean_yx) = merged("lib.rs", &b, &y, &x);
        prop_assert_eq!(clean_xy, clean_yx);
    }

    #[test]
    fn clean_results_keep_both_sides_and_do_not_depend_on_which_is_ours(
        (b, x, y) in program().prop_flat_map(|p| (Just(p.clone()), edited(p.clone()), edited(p)))
    ) {
        let (b, x, y) = (b.render(), x.render(), y.render());
        let (xy, clean_xy) = merged("lib.rs", &b, &x, &y);
        let (yx, clean_yx) = merged("lib.rs", &b, &y, &x);
        prop_assert_eq!(clean_xy, clean_yx);
        if clean_xy {
            let problems = audit("lib.rs", b.as_bytes(), x.as_bytes(), y.as_bytes(), xy.as_bytes());
            prop_assert!(problems.is_empty(), "{:?}\n{}", problems, xy);
            prop_assert_eq!(symbols(&xy), symbols(&yx));
        }
    }

    #[test]
    fn line_merges_obey_the_same_laws(b in plain_text(), x in plain_text(), y in plain_text()) {
        prop_assert_eq!(merged("notes.txt", &b, &x, &b), (x.clone(), true));
        prop_assert_eq!(merged("notes.txt", &b, &b, &x), (x.clone(), true));
        prop_assert_eq!(merged("notes.txt", &b, &x, &x), (x.clone(), true));
        prop_assert_eq!(merged("notes.txt", &b, &x, &y).1, merged("notes.txt", &b, &y, &x).1);
    }
}

/// A derive list of some of eight names, in the order given.
fn derive_line(names: &[u8]) -> String {
    const NAMES: [&str; 8] = [
        "Debug",
        "Clone",
        "Copy",
        "PartialEq",
        "Eq",
        "Hash",
        "Default",
        "PartialOrd",
    ];
    let list: Vec<&str> = names.iter().map(|&n| NAMES[n as usize]).collect();
    format!(
        "#[derive({})]\npub struct Point {{\n    x: u32,\n}}\n",
        list.join(", ")
    )
}

/// Distinct names, in a generated order.
fn name_set() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..8, 1..6).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|n| seen.insert(*n));
        v
    })
}

/// Base names, and a side: some of them removed, some new ones added anywhere.
fn side_of(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let n = base.len();
    (
        prop::collection::vec(any::<bool>(), n),
        prop::collection::vec((0u8..8, any::<prop::sample::Index>()), 0..3),
    )
        .prop_map(move |(keep, added)| {
            let mut side: Vec<u8> = base
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(n, _)| *n)
                .collect();
            for (name, at) in added {
                if !side.contains(&name) && !base.contains(&name) {
                    let at = at.index(side.len() + 1);
                    side.insert(at, name);
                }
            }
            side
        })
}

/// The names between `#[derive(` and `)]`.
fn derived(text: &str) -> Option<std::collections::BTreeSet<String>> {
    let start = text.find("#[derive(")? + "#[derive(".len();
    let end = start + text[start..].find(")]")?;
    let names: Vec<String> = text[start..end]
        .split(',')
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    let set: std::collections::BTreeSet<String> = names.iter().cloned().collect();
    // A name twice is not a set.
    (set.len() == names.len()).then_some(set)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Both sides edit one derive list: a clean merge holds exactly base's names minus
    /// what either side removed plus what either added, each once, whichever side is ours.
    #[test]
    fn a_list_both_sides_edited_merges_as_a_set(
        (b, x, y) in name_set().prop_flat_map(|b| (Just(b.clone()), side_of(b.clone()), side_of(b)))
    ) {
        let (tb, tx, ty) = (derive_line(&b), derive_line(&x), derive_line(&y));
        let (xy, clean_xy) = merged("lib.rs", &tb, &tx, &ty);
        let (yx, clean_yx) = merged("lib.rs", &tb, &ty, &tx);
        prop_assert_eq!(clean_xy, clean_yx);
        if clean_xy && !x.is_empty() && !y.is_empty() {
            let set = |v: &[u8]| derived(&derive_line(v)).unwrap();
            let (sb, sx, sy) = (set(&b), set(&x), set(&y));
            let want: std::collections::BTreeSet<String> = sb
                .iter()
                .filter(|n| sx.contains(*n) && sy.contains(*n))
                .chain(sx.difference(&sb))
                .chain(sy.difference(&sb))
                .cloned()
                .collect();
            prop_assert_eq!(derived(&xy), Some(want.clone()), "{}", xy);
            prop_assert_eq!(derived(&yx), Some(want), "{}", yx);
        }
    }
}
