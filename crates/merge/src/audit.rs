//! The checks every clean merge result must pass: it parses, keeps every edit of each
//! side, and defines no name twice where no input did.
//!
//! [`crate::merge`] audits its own results and turns a failing one into a conflict; the
//! property tests and `benches/replay-merges.py` audit results of any tool the same way.

use std::collections::{HashMap, HashSet};

use atomic_semantic::{
    FileSymbols, LanguageProfile, Symbol, SymbolKind, extract, language_for_path,
};

/// A symbol's identity within one file: its kind and scoped name; for an overloaded name
/// (defined more than once in one version) of a language with overloading (Java,
/// TypeScript), its signature too.
type Key = String;

fn plain_key(s: &Symbol) -> Key {
    format!("{:?} {}", s.kind, s.scoped_name)
}

/// The symbols of `fs` that have a scope a name can clash in: those of the top level and
/// members of other symbols. A function declared inside a callback (`it("...", () => {
/// function App() {} })`) lives in that callback's own scope, which has no name: two
/// tests each declaring their `App` define nothing twice.
fn scoped(fs: &FileSymbols) -> impl Iterator<Item = &Symbol> {
    fs.symbols
        .iter()
        .filter(|s| s.top_level || s.parent.is_some())
}

/// The names that need their signature to tell definitions apart: in languages with
/// overloading, those defined more than once in one of `versions`.
fn overloaded(profile: &LanguageProfile, versions: &[&FileSymbols]) -> HashSet<Key> {
    if !matches!(profile.name, "java" | "typescript" | "tsx") {
        return HashSet::new();
    }
    let mut found = HashSet::new();
    for fs in versions {
        let mut seen = HashSet::new();
        for s in scoped(fs) {
            let k = plain_key(s);
            if !seen.insert(k.clone()) {
                found.insert(k);
            }
        }
    }
    found
}

/// The symbols of one version by identity.
fn by_key<'a>(overloaded: &HashSet<Key>, fs: &'a FileSymbols) -> HashMap<Key, Vec<&'a Symbol>> {
    let mut map: HashMap<Key, Vec<&Symbol>> = HashMap::new();
    for s in scoped(fs) {
        let plain = plain_key(s);
        let key = if overloaded.contains(&plain) {
            format!("{plain} {}", s.signature)
        } else {
            plain
        };
        map.entry(key).or_default().push(s);
    }
    map
}

/// Renames by one side: pairs (old key, new key), sorted, where `side` dropped a symbol of
/// base and added one of the same kind with the same body (text after the signature, not
/// empty), and no other dropped symbol has that kind and body and no other added one does:
/// a rename that cannot be told apart from an addition is none. The structured merge pairs
/// renames the same way (`pair_by`), and the answer depends on no map's order.
fn renames(
    base: &HashMap<Key, Vec<&Symbol>>,
    side: &HashMap<Key, Vec<&Symbol>>,
) -> Vec<(Key, Key)> {
    /// Symbols of `from` whose key `other` lacks, by (kind, body), when defined once.
    fn unmatched<'a>(
        from: &'a HashMap<Key, Vec<&Symbol>>,
        other: &HashMap<Key, Vec<&Symbol>>,
    ) -> HashMap<(SymbolKind, &'a str), Vec<&'a Key>> {
        let mut by_body: HashMap<_, Vec<&Key>> = HashMap::new();
        for (key, symbols) in from {
            if let [s] = symbols.as_slice()
                && !other.contains_key(key)
                && !s.body_hash.is_empty()
            {
                by_body
                    .entry((s.kind, s.body_hash.as_str()))
                    .or_default()
                    .push(key);
            }
        }
        by_body
    }
    let added = unmatched(side, base);
    let mut pairs: Vec<(Key, Key)> = unmatched(base, side)
        .into_iter()
        .filter_map(
            |(body, old)| match (old.as_slice(), added.get(&body)?.as_slice()) {
                ([old], [new]) => Some(((*old).clone(), (*new).clone())),
                _ => None,
            },
        )
        .collect();
    pairs.sort_unstable();
    pairs
}

/// How often each name is brought in by the top-level imports of `fs`. Globs (`*`) and
/// `self` name no one binding, so they are not counted.
fn imported_names(fs: &FileSymbols) -> HashMap<&str, usize> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for i in fs.imports.iter().filter(|i| i.top_level) {
        for n in i
            .names
            .iter()
            .filter(|n| !matches!(n.as_str(), "*" | "self"))
        {
            *counts.entry(n.as_str()).or_default() += 1;
        }
    }
    counts
}

/// Returns what `result`, offered as the clean merge of `ours` and `theirs` from `base`
/// at `path`, gets wrong, for people (`["does not parse"]`, `["lost fn add"]`, ...);
/// empty when it passes every check:
/// - it parses wherever all three inputs parse;
/// - every symbol one side changed or added (and the other left as in base) is in the
///   result in that side's text (compared with white space collapsed), every symbol one
///   side deleted (and the other left alone) is gone, and every symbol both sides kept is
///   still there;
/// - no symbol identity is defined more often than in any input (two `fn clamp` where each
///   side added one), and no name is imported more often than in any input.
///
/// Symbols defined more than once in an input (overloads, several `impl` blocks of one
/// type) are checked only for the count; definitions nested in unnamed code (a function
/// declared inside a callback) are not checked. Files of no known language pass.
///
/// A side's text includes the other side's edits to lines it moved (see `moves`): a
/// result that fails against the inputs is checked again against the inputs with those
/// edits carried, as the merge carries them, and passes when that passes.
pub fn audit(path: &str, base: &[u8], ours: &[u8], theirs: &[u8], result: &[u8]) -> Vec<String> {
    let Some(profile) = language_for_path(path) else {
        return Vec::new();
    };
    let check = |ours: &[u8], theirs: &[u8]| {
        let [b, o, t, r] = [base, ours, theirs, result].map(|src| extract(profile, src));
        let mut problems = audit_symbols(profile, [&b, &o, &t], &r);
        problems.extend(repeated_code([base, ours, theirs], result));
        problems
    };
    let problems = check(ours, theirs);
    if problems.is_empty() {
        return problems;
    }
    match crate::moves::port_moved_edits(base, ours, theirs) {
        Some([o, t]) if check(&o, &t).is_empty() => Vec::new(),
        _ => problems,
    }
}

/// Lines of code the result holds more often than the inputs account for: three lines in a
/// row, each with a letter or digit and one of them at least 10 characters long (white
/// space around them aside), found more times in `result` than base has plus the copies
/// each side added (and than any input has). A line merge whose
/// two diffs saw one move differently writes the moved block twice, and no definition
/// is duplicated for the symbol checks to see.
pub(crate) fn repeated_code(inputs: [&[u8]; 3], result: &[u8]) -> Option<String> {
    /// How often each run of `text` that `wanted` accepts occurs.
    fn runs<'t>(
        text: &'t [u8],
        wanted: impl Fn(&[&'t [u8]; 3]) -> bool,
    ) -> HashMap<[&'t [u8]; 3], usize> {
        let lines: Vec<&[u8]> = text
            .split(|&c| c == b'\n')
            .map(<[u8]>::trim_ascii)
            .collect();
        let code = |l: &[u8]| l.iter().any(u8::is_ascii_alphanumeric);
        let mut counts = HashMap::new();
        for w in lines.windows(3) {
            let run = [w[0], w[1], w[2]];
            if w.iter().all(|l| code(l)) && w.iter().any(|l| l.len() >= 10) && wanted(&run) {
                *counts.entry(run).or_insert(0) += 1;
            }
        }
        counts
    }
    // A run is owed at least once where an input has it, so only runs the result holds
    // twice or more can be too many: the inputs count only those, and only when there
    // are some.
    let mut found = runs(result, |_| true);
    found.retain(|_, count| *count > 1);
    if found.is_empty() {
        return None;
    }
    let inputs = inputs.map(|text| runs(text, |run| found.contains_key(run)));
    let mut repeated: Vec<(&[&[u8]; 3], usize)> = Vec::new();
    for (run, count) in &found {
        let [b, o, t] = [0, 1, 2].map(|i| inputs[i].get(run).copied().unwrap_or(0));
        // Base's copies plus those each side added: both sides adding the same lines of
        // test set-up in two places is two copies; a block one side moved is one.
        // Lines that no input has side by side are the merge's own joins, not copies.
        let most = b.max(o).max(t);
        let owed = (o + t).saturating_sub(b).max(most);
        if most > 0 && *count > owed {
            repeated.push((run, *count));
        }
    }
    let (run, count) = repeated.into_iter().min()?;
    Some(format!(
        "repeats code {count} times, more than the inputs account for: {:?}",
        String::from_utf8_lossy(run[0])
    ))
}

/// [`audit`] on symbol tables already extracted.
pub(crate) fn audit_symbols(
    profile: &LanguageProfile,
    versions: [&FileSymbols; 3],
    r: &FileSymbols,
) -> Vec<String> {
    audit_symbols_with(profile, versions, r, &HashSet::new())
}

/// [`audit_symbols`], telling apart by signature the definitions of the plain keys in
/// `overloaded` too (in a language with overloading), as if some version defined each
/// more than once.
fn audit_symbols_with(
    profile: &LanguageProfile,
    [b, o, t]: [&FileSymbols; 3],
    r: &FileSymbols,
    also_overloaded: &HashSet<Key>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if r.has_errors && !(b.has_errors || o.has_errors || t.has_errors) {
        problems.push("does not parse".to_owned());
    }
    // No name brought in by imports more often than in any input: `import type { A }`
    // beside `import { A, B }`, or two `use` lines naming `HashMap`, bind it twice.
    let [ib, io, it] = [b, o, t].map(imported_names);
    let mut twice: Vec<(&str, usize)> = imported_names(r)
        .into_iter()
        .filter(|(n, c)| {
            let most = [&ib, &io, &it]
                .iter()
                .map(|m| m.get(n).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            *c > most.max(1)
        })
        .collect();
    twice.sort_unstable();
    for (name, count) in twice {
        problems.push(format!("imports {name} {count} times"));
    }
    let mut overloaded = overloaded(profile, &[b, o, t, r]);
    overloaded.extend(also_overloaded.iter().cloned());
    let [kb, ko, kt, kr] = [b, o, t, r].map(|fs| by_key(&overloaded, fs));
    // A symbol one side renamed and the other changed: the result must hold the new name
    // and not the old; its text merges both.
    let mut renamed = HashSet::new();
    for (old, new) in renames(&kb, &ko).into_iter().chain(renames(&kb, &kt)) {
        if kr.contains_key(&old) && !(ko.contains_key(&old) && kt.contains_key(&old)) {
            problems.push(format!("kept {old}, which one side renamed"));
        }
        if !kr.contains_key(&new) {
            problems.push(format!("lost {new}"));
        }
        renamed.insert(old);
        renamed.insert(new);
    }
    let mut keys: Vec<&Key> = kb.keys().chain(ko.keys()).chain(kt.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let [vb, vo, vt, vr] = [&kb, &ko, &kt, &kr].map(|m| m.get(key));
        let count = |v: Option<&Vec<&Symbol>>| v.map_or(0, Vec::len);
        let most = count(vb).max(count(vo)).max(count(vt));
        if count(vr) > most.max(1) {
            problems.push(format!("defines {key} {} times", count(vr)));
            continue;
        }
        if most > 1 || renamed.contains(key) {
            continue;
        }
        let [hb, ho, ht, hr] = [vb, vo, vt, vr].map(|v| v.map(|v| v[0].hash.as_str()));
        // What the merge owes: a side's change when the other side left the symbol alone,
        // the common text when both agree.
        let owed = if ho == hb {
            ht
        } else if ht == hb || ho == ht {
            ho
        } else {
            match (ho, ht, hr) {
                // Both changed it differently: any merge of the two will do, if it is there.
                (Some(_), Some(_), None) => problems.push(format!("lost {key}")),
                (None, Some(_), _) | (Some(_), None, _) if hb.is_some() => {
                    problems.push(format!(
                        "{key} is deleted on one side and changed on the other"
                    ));
                }
                _ => {}
            }
            continue;
        };
        match (owed, hr) {
            (Some(_), None) => problems.push(format!("lost {key}")),
            (None, Some(_)) => problems.push(format!("kept {key}, which one side deleted")),
            (Some(want), Some(got)) if want != got => {
                problems.push(format!("{key} is not as the side that changed it wrote it"));
            }
            _ => {}
        }
    }
    problems
}

/// Whether [`audit_symbols`] on tables that leave out the same code from all four
/// versions (`atomic_semantic::extract_touched`), which found no problem, finds none on
/// the whole tables either; `in_left_out` says whether a name occurs in the left-out text.
/// `false` when that cannot be told so.
///
/// Left-out code adds the same symbols and imports to every version, so for a key
/// it defines `u` times the counts are `u` more in each. The count check (`result >
/// max(1, inputs)`) then differs only for a key the shortened result has once and no
/// shortened input has; a rename pair may be one that whole tables do not make; those
/// keys' names must not occur in the left-out text. In a language with overloading, a
/// key defined in the left-out text too is overloaded on whole tables (told apart by
/// signature), so each key whose name occurs there is checked a second time as
/// overloaded, with the same conditions. Every other check comes out the same on the
/// shortened tables, or stricter.
pub(crate) fn passes_on_whole_tables(
    profile: &LanguageProfile,
    versions: [&FileSymbols; 3],
    r: &FileSymbols,
    in_left_out: &dyn Fn(&str) -> bool,
) -> bool {
    let none = HashSet::new();
    if undecided_names(profile, versions, r, &none).any(in_left_out) {
        return false;
    }
    if !matches!(profile.name, "java" | "typescript" | "tsx") {
        return true;
    }
    let maybe_overloaded: HashSet<Key> = versions
        .into_iter()
        .chain([r])
        .flat_map(scoped)
        .filter(|s| in_left_out(&s.name))
        .map(plain_key)
        .collect();
    maybe_overloaded.is_empty()
        || (audit_symbols_with(profile, versions, r, &maybe_overloaded).is_empty()
            && !undecided_names(profile, versions, r, &maybe_overloaded).any(in_left_out))
}

/// The names of the keys whose count check and rename pairing [`passes_on_whole_tables`]
/// cannot decide on shortened tables, keys told apart by signature as
/// [`audit_symbols_with`] does with `also_overloaded`; and the names imported by the
/// result and by no input.
fn undecided_names<'a>(
    profile: &LanguageProfile,
    [b, o, t]: [&'a FileSymbols; 3],
    r: &'a FileSymbols,
    also_overloaded: &HashSet<Key>,
) -> impl Iterator<Item = &'a str> {
    let mut overloaded = overloaded(profile, &[b, o, t, r]);
    overloaded.extend(also_overloaded.iter().cloned());
    let [kb, ko, kt, kr] = [b, o, t, r].map(|fs| by_key(&overloaded, fs));
    let mut names: Vec<&'a str> = Vec::new();
    for (key, symbols) in &kr {
        if [&kb, &ko, &kt].iter().all(|m| !m.contains_key(key)) {
            names.extend(symbols.iter().map(|s| s.name.as_str()));
        }
    }
    for (old, new) in renames(&kb, &ko).into_iter().chain(renames(&kb, &kt)) {
        for (key, m) in [(&old, &kb), (&new, &ko), (&new, &kt)] {
            names.extend(m.get(key).into_iter().flatten().map(|s| s.name.as_str()));
        }
    }
    let [ib, io, it] = [b, o, t].map(imported_names);
    names.extend(
        imported_names(r)
            .into_keys()
            .filter(|n| [&ib, &io, &it].iter().all(|m| !m.contains_key(n))),
    );
    names.into_iter()
}

#[cfg(test)]
mod tests {
    use super::{audit, repeated_code};

    #[test]
    fn code_written_more_often_than_the_sides_added_it_is_named() {
        let block = "    // Add a header if the session was read.\n    if accessed {\n        vary(cookie);\n    }\n";
        let other = "    save(session);\n";
        // Theirs moved the block above `save`; a result with it in both places repeats it.
        let base = format!("fn f() {{\n{other}{block}}}\n");
        let theirs = format!("fn f() {{\n{block}{other}}}\n");
        let ours = base.replace("save(session)", "store(session)");
        let twice = format!(
            "fn f() {{\n{block}{}{block}}}\n",
            other.replace("save", "store")
        );
        let check = |r: &str| {
            repeated_code(
                [base.as_bytes(), ours.as_bytes(), theirs.as_bytes()],
                r.as_bytes(),
            )
        };
        assert!(check(&twice).is_some());
        let once = format!("fn f() {{\n{block}{}}}\n", other.replace("save", "store"));
        assert_eq!(check(&once), None);
        // Each side added the same set-up in its own test: two copies are owed.
        let setup = "    let db = open();\n    db.reset();\n    assert!(db.is_empty());\n";
        let b = "fn a() {\n}\n\nfn b() {\n}\n".to_owned();
        let o = b.replacen("fn a() {\n", &format!("fn a() {{\n{setup}"), 1);
        let t = b.replacen("fn b() {\n", &format!("fn b() {{\n{setup}"), 1);
        let both = o.replacen("fn b() {\n", &format!("fn b() {{\n{setup}"), 1);
        assert_eq!(
            repeated_code([b.as_bytes(), o.as_bytes(), t.as_bytes()], both.as_bytes()),
            None
        );
    }

    /// [`audit`] of texts: base, ours, theirs, the result.
    fn audit_text(path: &str, [base, ours, theirs, result]: [&str; 4]) -> Vec<String> {
        audit(
            path,
            base.as_bytes(),
            ours.as_bytes(),
            theirs.as_bytes(),
            result.as_bytes(),
        )
    }

    const BASE: &str = "fn a() -> u32 {\n    1\n}\n\nfn b() -> u32 {\n    2\n}\n";

    #[test]
    fn a_result_that_keeps_both_sides_passes() {
        let ours = BASE.replace("    1", "    10");
        let theirs = BASE.replace("    2", "    20");
        let result = BASE.replace("    1", "    10").replace("    2", "    20");
        let problems = audit_text("x.rs", [BASE, &ours, &theirs, &result]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn overloads_are_told_apart_and_a_changed_class_header_is_no_rename() {
        let base = "class A<T> {\n    int f(int x) { return x; }\n}\n";
        let ours =
            "class A<T> {\n    int f(int x) { return x; }\n    int f(long x) { return 1; }\n}\n";
        let theirs = "class A<T extends B> {\n    int f(int x) { return x; }\n    int f(String x) { return 2; }\n}\n";
        let result = "class A<T extends B> {\n    int f(int x) { return x; }\n    int f(long x) { return 1; }\n    int f(String x) { return 2; }\n}\n";
        let problems = audit_text("A.java", [base, ours, theirs, result]);
        assert!(problems.is_empty(), "{problems:?}");
        // Dropping one side's overload is still caught.
        let dropped = "class A<T extends B> {\n    int f(int x) { return x; }\n    int f(String x) { return 2; }\n}\n";
        let problems = audit_text("A.java", [base, ours, theirs, dropped]);
        assert!(
            problems.iter().any(|p| p.starts_with("lost")),
            "{problems:?}"
        );
    }

    #[test]
    fn functions_declared_in_callbacks_clash_with_nothing() {
        let test = |name: &str| {
            format!("it(\"{name}\", () => {{\n  function App() {{\n    return 1;\n  }}\n}});\n")
        };
        let base = test("a");
        let ours = format!("{base}{}", test("b"));
        let theirs = format!("{base}{}", test("c"));
        let result = format!("{base}{}{}", test("b"), test("c"));
        let problems = audit_text("x.test.tsx", [&base, &ours, &theirs, &result]);
        assert!(problems.is_empty(), "{problems:?}");
        // At the top level, the same two additions define `App` twice.
        let top = "function App() {\n  return 1;\n}\n";
        let problems = audit(
            "x.tsx",
            b"",
            top.as_bytes(),
            top.replace('1', "2").as_bytes(),
            format!("{top}{}", top.replace('1', "2")).as_bytes(),
        );
        assert!(
            problems.iter().any(|p| p.starts_with("defines")),
            "{problems:?}"
        );
    }

    #[test]
    fn dropped_edits_duplicates_and_syntax_errors_are_named() {
        let ours = BASE.replace("    1", "    10");
        let theirs = format!("{BASE}\nfn c() {{}}\n");
        let p = |result: &str| audit_text("x.rs", [BASE, &ours, &theirs, result]);
        assert_eq!(
            p(&format!("{BASE}\nfn c() {{}}\n")),
            ["Function a is not as the side that changed it wrote it"]
        );
        assert_eq!(p(&ours), ["lost Function c"]);
        let twice = format!("{ours}\nfn c() {{}}\nfn c() {{ }}\n");
        assert_eq!(p(&twice), ["defines Function c 2 times"]);
        assert!(p("fn a( {").contains(&"does not parse".to_owned()));
    }

    #[test]
    fn a_rename_with_two_candidates_is_no_rename_and_the_answer_never_varies() {
        let body = "    let x = 1;\n    let y = 2;\n    x + y\n}\n";
        let base = format!("fn a() -> u32 {{\n{body}");
        // Ours renames `a` to `b` and adds `c` with the same body: which one is the rename
        // cannot be told.
        let ours = format!("fn b() -> u32 {{\n{body}\nfn c() -> u32 {{\n{body}");
        let theirs = base.replace("x + y", "x * y");
        let result = ours.replacen("x + y", "x * y", 1);
        let first = audit_text("x.rs", [&base, &ours, &theirs, &result]);
        assert!(
            first
                .contains(&"Function a is deleted on one side and changed on the other".to_owned()),
            "{first:?}"
        );
        // Maps iterate in a different order in each; the audit must not depend on it.
        for _ in 0..50 {
            assert_eq!(audit_text("x.rs", [&base, &ours, &theirs, &result]), first);
        }
    }

    #[test]
    fn a_name_imported_twice_is_named() {
        let base = "use std::collections::HashMap;\n";
        let ours = "use std::collections::{HashMap, HashSet};\n";
        let theirs = "use std::collections::{BTreeMap, HashMap};\n";
        let both = format!("{ours}{theirs}");
        let problems = audit_text("x.rs", [base, ours, theirs, &both]);
        assert_eq!(problems, ["imports HashMap 2 times"]);
        // Globs bind no one name: two of them are fine.
        let globs = audit(
            "X.java",
            b"import a.*;\n",
            b"import a.*;\nimport b.*;\n",
            b"import a.*;\nimport c.*;\n",
            b"import a.*;\nimport b.*;\nimport c.*;\n",
        );
        assert!(globs.is_empty(), "{globs:?}");
        let merged = "use std::collections::{BTreeMap, HashMap, HashSet};\n";
        let problems = audit_text("x.rs", [base, ours, theirs, merged]);
        assert!(problems.is_empty(), "{problems:?}");
    }
}
