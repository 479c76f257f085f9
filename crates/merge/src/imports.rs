//! Merging one import that both sides rewrote by adding or removing names: its names are a
//! set, so theirs' additions and removals apply to ours' list (Mergiraf's commutative
//! import lists). Only one-line imports whose names sit in one list: `use a::{B, C};`,
//! `import { B, C } from "a";`, `from a import B, C`.

/// An import split around its list of names.
struct Split<'s> {
    prefix: &'s str,
    names: Vec<&'s str>,
    suffix: &'s str,
    /// Whether the list is written with spaces inside its braces: `{ a, b }`.
    padded: bool,
}

/// Splits a one-line import at its list: between the outermost braces, or after
/// ` import ` in a Python `from` import (parentheses allowed). `None` for anything else.
fn split(text: &str) -> Option<Split<'_>> {
    let line = text.strip_suffix('\n').unwrap_or(text);
    if line.contains('\n') {
        return None;
    }
    let (start, end) = if let Some(open) = line.find('{') {
        let close = matching_brace(line, open)?;
        (open + 1, close)
    } else if line.trim_start().starts_with("from ") {
        let at = line.find(" import ")? + " import ".len();
        let rest = &line[at..];
        let trimmed = rest.trim_end();
        match (rest.starts_with('('), trimmed.ends_with(')')) {
            (true, true) => (at + 1, at + trimmed.len() - 1),
            (false, false) => (at, at + trimmed.len()),
            _ => return None,
        }
    } else {
        return None;
    };
    let names: Vec<&str> = top_level_items(&line[start..end])
        .into_iter()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() || names.iter().any(|n| n.contains("//") || n.contains('#')) {
        return None;
    }
    let inner = &line[start..end];
    Some(Split {
        prefix: &line[..start],
        names,
        suffix: &text[end..],
        padded: inner.starts_with(' ') && inner.ends_with(' '),
    })
}

/// The byte of the brace closing the one at `open`.
fn matching_brace(line: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in line[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits a list at its commas outside nested braces.
fn top_level_items(list: &str) -> Vec<&str> {
    let (mut items, mut depth, mut from) = (Vec::new(), 0usize, 0);
    for (i, c) in list.char_indices() {
        match c {
            '{' | '(' => depth += 1,
            '}' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&list[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    items.push(&list[from..]);
    items
}

/// Merges one import both sides rewrote: theirs' added and removed names applied to ours'
/// list (each added name after the one before it in theirs, as
/// [`crate::lists::insert_additions`] places members), ours' prefix and suffix kept
/// (theirs must have left base's). `None` when the import is not a one-line list, the
/// names repeat, or theirs changed more than names.
pub(crate) fn merge_names(base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    let [b, o, t] = [base, ours, theirs].map(|x| std::str::from_utf8(x).ok());
    let (b, o, t) = (split(b?)?, split(o?)?, split(t?)?);
    if (t.prefix, t.suffix) != (b.prefix, b.suffix) {
        return None;
    }
    let unique = |s: &Split<'_>| {
        let mut n = s.names.clone();
        n.sort_unstable();
        n.windows(2).all(|w| w[0] != w[1])
    };
    if !(unique(&b) && unique(&o) && unique(&t)) {
        return None;
    }
    let mut names: Vec<&str> = o
        .names
        .iter()
        .copied()
        .filter(|n| !b.names.contains(n) || t.names.contains(n))
        .collect();
    let ours_added = |n: &&str| !b.names.contains(n) && !t.names.contains(n);
    let ours_added: Vec<&str> = o.names.iter().copied().filter(ours_added).collect();
    let theirs_added = t
        .names
        .iter()
        .copied()
        .filter(|n| !b.names.contains(n) && !names.contains(n))
        .collect::<Vec<_>>();
    crate::lists::insert_additions(
        &mut names,
        |n| *n,
        t.names.iter().copied(),
        theirs_added.into_iter(),
        |n| ours_added.contains(n),
    );
    if names.is_empty() {
        return None;
    }
    // Keep ours' spacing inside the list: `{ a, b }` or `{a, b}`.
    let list = names.join(", ");
    let body = if o.padded { format!(" {list} ") } else { list };
    Some(format!("{}{body}{}", o.prefix, o.suffix).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::merge_names;

    fn m(b: &str, o: &str, t: &str) -> Option<String> {
        merge_names(b.as_bytes(), o.as_bytes(), t.as_bytes()).map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn added_and_removed_names_combine() {
        assert_eq!(
            m(
                "use std::collections::HashMap;\n",
                "use std::collections::{HashMap, HashSet};\n",
                "use std::collections::{BTreeMap, HashMap};\n"
            ),
            None,
            "base has no list"
        );
        assert_eq!(
            m(
                "use a::{B, C};\n",
                "use a::{B, C, D};\n",
                "use a::{B, E};\n"
            )
            .as_deref(),
            Some("use a::{B, D, E};\n")
        );
        assert_eq!(
            m(
                "import { a, b } from 'x';\n",
                "import { a, b, c } from 'x';\n",
                "import { a, d, b } from 'x';\n"
            )
            .as_deref(),
            Some("import { a, d, b, c } from 'x';\n")
        );
        assert_eq!(
            m(
                "from sys import a, b\n",
                "from sys import a, b, c\n",
                "from sys import a, d\n"
            )
            .as_deref(),
            Some("from sys import a, c, d\n")
        );
        assert_eq!(
            m(
                "use a::{b::{C, D}, E};\n",
                "use a::{b::{C, D}, E, F};\n",
                "use a::{b::{C, D}, G};\n"
            )
            .as_deref(),
            Some("use a::{b::{C, D}, F, G};\n")
        );
        // Theirs changed more than the names: not this merge's to make.
        assert_eq!(
            m("use a::{B};\n", "use a::{B, C};\n", "pub use a::{B, D};\n"),
            None
        );
        // Multi-line lists are left to the line merge.
        assert_eq!(
            m(
                "use a::{\n    B,\n};\n",
                "use a::{\n    B,\n    C,\n};\n",
                "use a::{\n    D,\n};\n"
            ),
            None
        );
    }
}
