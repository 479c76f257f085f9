//! Properties of the merge, on generated programs (structured path) and plain text (line
//! path): merge(b, x, b) == x, merge(b, b, y) == y, merge(b, x, x) == x, and swapping ours
//! and theirs never turns a clean merge into a conflict.

#![allow(clippy::unwrap_used)]

use atomic_merge::{Labels, merge};
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
        prop::collection::vec((16u8..32, prop::collection::vec(0u8..50, 0..3)), 0..2),
        prop::collection::vec(12u8..20, 0..2),
    )
        .prop_map(move |(keep, bodies, added, fields)| {
            let mut q = p.clone();
            q.functions = p
                .functions
                .iter()
                .zip(keep.iter().zip(bodies))
                .filter(|(_, (k, _))| **k)
                .map(|((name, body), (_, new))| (*name, new.unwrap_or_else(|| body.clone())))
                .collect();
            q.functions.extend(added);
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
    fn line_merges_obey_the_same_laws(b in plain_text(), x in plain_text(), y in plain_text()) {
        prop_assert_eq!(merged("notes.txt", &b, &x, &b), (x.clone(), true));
        prop_assert_eq!(merged("notes.txt", &b, &b, &x), (x.clone(), true));
        prop_assert_eq!(merged("notes.txt", &b, &x, &x), (x.clone(), true));
        prop_assert_eq!(merged("notes.txt", &b, &x, &y).1, merged("notes.txt", &b, &y, &x).1);
    }
}
