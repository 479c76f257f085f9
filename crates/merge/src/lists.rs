//! Merging one list that both sides changed and whose members commute: `#[derive(A, B)]`,
//! `T: A + B`, `{ a: 1, b: 2 }`, `throws A, B`, JSX attributes, a call's keyword arguments.
//!
//! When a conflicting region of a line merge differs, in each version, only inside one
//! list of a kind the language profile names ([`LanguageProfile::separated_lists`]), the
//! list is split into members keyed by their name (a field's or argument's name, else
//! their text), and each side's added, removed and changed members apply to the other's:
//! members keep ours' order, theirs' additions follow their predecessor in theirs (after
//! ours' additions at the same place). A member changed differently by both sides, added
//! by both with different text, or deleted by one side and changed by the other leaves
//! the region in conflict. White space around the members and a trailing separator merge
//! as layout: a side's change wins, ours when both changed it. This is Mergiraf's merge of
//! commutative parents, applied to a region of text.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use atomic_semantic::{LanguageProfile, SeparatedList};
use tree_sitter::{Node, Tree};

/// One version's source and syntax tree.
pub(crate) struct Parsed<'a> {
    src: &'a [u8],
    tree: Tree,
}

impl<'a> Parsed<'a> {
    /// `src` with its tree: the one the merge's symbol tables were made from, or parsed
    /// now; `None` when parsing fails.
    pub fn parse(profile: &LanguageProfile, src: &'a [u8]) -> Option<Self> {
        let tree = atomic_semantic::tree_of(profile, src)?;
        Some(Parsed { src, tree })
    }
}

/// One version of a list, split into its parts: `open lead m0 sep m1 sep m2 trail close`.
#[derive(Clone)]
struct List<'a> {
    open: &'a [u8],
    lead: &'a [u8],
    members: Vec<Member<'a>>,
    seps: Vec<&'a [u8]>,
    trail: &'a [u8],
    close: &'a [u8],
}

impl<'a> List<'a> {
    /// Whether no two members share a name.
    fn names_are_unique(&self) -> bool {
        let names: HashSet<&[u8]> = self.members.iter().map(|m| m.key).collect();
        names.len() == self.members.len()
    }

    /// The same list with each member keyed by its whole text.
    fn keyed_by_text(&self) -> List<'a> {
        List {
            members: self
                .members
                .iter()
                .map(|m| Member { key: m.text, ..*m })
                .collect(),
            seps: self.seps.clone(),
            ..*self
        }
    }
}

#[derive(Clone, Copy)]
struct Member<'a> {
    key: &'a [u8],
    text: &'a [u8],
    /// Whether the list lets this member be added, removed or changed
    /// ([`SeparatedList::movable`]).
    movable: bool,
}

/// Merges the region `regions` (a byte range of each version: base, ours, theirs) when it
/// differs only inside one separated list, the same list in all three versions. `None`
/// when it does not, or when the members conflict.
pub(crate) fn merge_region(
    profile: &'static LanguageProfile,
    versions: [&Parsed<'_>; 3],
    regions: [Range<usize>; 3],
) -> Option<Vec<u8>> {
    // Lines each changed by both sides, one for one (`#[derive(..)]` above `struct S<T:
    // ..>`): each line is its own list. A line only one side changed next to a line the
    // other changed stays a conflict, as in git.
    let [lb, lo, lt] = [0, 1, 2].map(|i| line_ranges(versions[i].src, &regions[i]));
    if lb.len() > 1 && lb.len() == lo.len() && lb.len() == lt.len() {
        let mut out = Vec::new();
        for ((b, o), t) in lb.into_iter().zip(lo).zip(lt) {
            let [tb, to, tt] =
                [(0, &b), (1, &o), (2, &t)].map(|(i, r)| &versions[i].src[r.clone()]);
            if (to == tb) != (tt == tb) {
                return None;
            }
            out.extend(merge_changed(profile, versions, [b, o, t])?);
        }
        return Some(out);
    }
    if let Some(merged) = merge_list_region(profile, versions, regions.clone()) {
        return Some(merged);
    }
    // A first line both sides changed and new lines below it (a modifier added to a
    // signature, a new first statement): the first line, then the lines added, as new
    // lines after a statement touch nothing of it.
    let firsts = [&lb, &lo, &lt].map(|l| l.first().cloned());
    if let [Some(b), Some(o), Some(t)] = firsts {
        let rest = |i: usize, first: &Range<usize>| first.end..regions[i].end;
        let (rb, ro, rt) = (rest(0, &b), rest(1, &o), rest(2, &t));
        if let (true, Some(head), Some(tail)) = (
            rb.is_empty(),
            merge_changed(profile, versions, [b, o, t]),
            merge_changed(profile, versions, [rb, ro, rt]),
        ) {
            return Some([head, tail].concat());
        }
    }
    None
}

/// The lines of `src` in `range`, each with its newline.
fn line_ranges(src: &[u8], range: &Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for i in range.clone() {
        if src[i] == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < range.end {
        out.push(start..range.end);
    }
    out
}

/// A part of a region: the side that changed it, or the merge of one list both changed.
fn merge_changed(
    profile: &'static LanguageProfile,
    versions: [&Parsed<'_>; 3],
    parts: [Range<usize>; 3],
) -> Option<Vec<u8>> {
    let [tb, to, tt] = [0, 1, 2].map(|i| &versions[i].src[parts[i].clone()]);
    if to == tb || to == tt {
        Some(tt.to_vec())
    } else if tt == tb {
        Some(to.to_vec())
    } else {
        merge_list_region(profile, versions, parts)
    }
}

/// [`merge_region`] for a region where one list changed.
fn merge_list_region(
    profile: &'static LanguageProfile,
    versions: [&Parsed<'_>; 3],
    regions: [Range<usize>; 3],
) -> Option<Vec<u8>> {
    let texts: [&[u8]; 3] =
        [0, 1, 2].map(|i| versions[i].src.get(regions[i].clone()).unwrap_or(&[]));
    let shortest = texts.iter().map(|t| t.len()).min()?;
    let prefix = (0..shortest)
        .take_while(|&k| texts[0][k] == texts[1][k] && texts[0][k] == texts[2][k])
        .count();
    let suffix = (0..shortest - prefix)
        .take_while(|&k| {
            let at = |t: &[u8]| t[t.len() - 1 - k];
            at(texts[0]) == at(texts[1]) && at(texts[0]) == at(texts[2])
        })
        .count();
    // Each version's list, with the text between the region's edges and the list's: the
    // region's own text before and after the list (the same in all three versions), or
    // the list's text outside the region (also the same in all three, and cut off again
    // from the merged list).
    let mut found = Vec::with_capacity(3);
    for (v, r) in versions.iter().zip(&regions) {
        let middle = r.start + prefix..r.end - suffix;
        let (node, kind) = container(profile, &v.tree, v.src, &middle)?;
        let (c, src) = (node.byte_range(), v.src);
        let before = if c.start >= r.start {
            Edge::Inside(c.start - r.start)
        } else {
            Edge::Outside(&src[c.start..r.start])
        };
        let after = if c.end <= r.end {
            Edge::Inside(r.end - c.end)
        } else {
            Edge::Outside(&src[r.end..c.end])
        };
        found.push((node, kind, before, after));
    }
    let (_, kind, before, after) = found[0];
    if found
        .iter()
        .any(|f| f.1.kind != kind.kind || f.2 != before || f.3 != after)
    {
        return None;
    }
    let lists: Vec<List<'_>> = found
        .iter()
        .zip(versions)
        .map(|((node, ..), v)| split(*node, kind, v.src))
        .collect::<Option<_>>()?;
    let merged = if lists.iter().all(List::names_are_unique) {
        merge_lists(kind, [&lists[0], &lists[1], &lists[2]])?
    } else {
        // Names that repeat (an object literal with one key twice) cannot pair members:
        // whole texts can, if neither side removed or changed one of base's members.
        let by_text = lists.iter().map(List::keyed_by_text).collect::<Vec<_>>();
        let kept = |l: &List<'_>| {
            by_text[0]
                .members
                .iter()
                .all(|m| l.members.iter().any(|n| n.text == m.text))
        };
        if !(kept(&by_text[1]) && kept(&by_text[2])) {
            return None;
        }
        merge_lists(kind, [&by_text[0], &by_text[1], &by_text[2]])?
    };
    let ours = texts[1];
    let mut out = Vec::with_capacity(ours.len() + merged.len());
    let mut inner = &merged[..];
    match before {
        Edge::Inside(n) => out.extend_from_slice(&ours[..n]),
        Edge::Outside(text) => inner = inner.strip_prefix(text)?,
    }
    match after {
        Edge::Inside(n) => {
            out.extend_from_slice(inner);
            out.extend_from_slice(&ours[ours.len() - n..]);
        }
        Edge::Outside(text) => out.extend_from_slice(inner.strip_suffix(text)?),
    }
    Some(out)
}

/// Where a list ends relative to a region's edge.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge<'a> {
    /// Inside the region, this many bytes from its edge.
    Inside(usize),
    /// Beyond the region's edge, with this text of the list outside it.
    Outside(&'a [u8]),
}

/// The smallest list of `profile` in `tree` holding `range` of `src` (white space at its
/// ends left out) after its first byte.
fn container<'t>(
    profile: &'static LanguageProfile,
    tree: &'t Tree,
    src: &[u8],
    range: &Range<usize>,
) -> Option<(Node<'t>, &'static SeparatedList)> {
    let blank = |i: usize| src[i].is_ascii_whitespace();
    let mut range = range.clone();
    while range.start < range.end && blank(range.start) {
        range.start += 1;
    }
    while range.end > range.start && blank(range.end - 1) {
        range.end -= 1;
    }
    // An empty range sits between two tokens: it belongs with the one before it, as an
    // insertion after a list's last member does.
    if range.is_empty() {
        let before = (0..range.start).rev().find(|&i| !blank(i))?;
        range = before + 1..before + 1;
    }
    let from = if range.is_empty() {
        range.start - 1
    } else {
        range.start
    };
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(from, range.end)?;
    loop {
        let parent = node.parent();
        let list = profile.separated_lists.iter().find(|l| {
            l.kind == node.kind()
                && l.parent
                    .is_none_or(|p| parent.is_some_and(|n| n.kind() == p))
                && l.assigned_to.is_none_or(|name| {
                    parent
                        .and_then(|n| n.child_by_field_name("left"))
                        .is_some_and(|left| &src[left.byte_range()] == name.as_bytes())
                })
        });
        if let Some(list) = list
            && (node.start_byte() < range.start || list.bare && node.start_byte() == range.start)
            && range.end <= node.end_byte()
        {
            return Some((node, list));
        }
        node = parent?;
    }
}

/// Splits list `node` into its parts; `None` when it holds a comment or an empty member.
fn split<'a>(node: Node<'_>, list: &SeparatedList, src: &'a [u8]) -> Option<List<'a>> {
    let text = |n: &Node<'_>| &src[n.byte_range()];
    let is_sep = |n: &Node<'_>| {
        !n.is_named() && !list.separator.is_empty() && text(n) == list.separator.as_bytes()
    };
    // Each child, and whether it is the list's `name` (a JSX element's tag).
    let mut children: Vec<(Node<'_>, bool)> = Vec::new();
    let mut cursor = node.walk();
    let mut more = cursor.goto_first_child();
    while more {
        children.push((cursor.node(), cursor.field_name() == Some("name")));
        more = cursor.goto_next_sibling();
    }
    if children
        .iter()
        .any(|(c, _)| c.is_extra() || c.kind().contains("comment"))
    {
        return None;
    }
    let bare = list.bare;
    let delimiters = children
        .iter()
        .take_while(|(c, name)| !is_sep(c) && (!c.is_named() || *name))
        .count();
    let opening = if bare {
        0
    } else if delimiters == children.len() {
        // An empty list, all delimiters (`{}`, `<a>`): it opens with its first token, or
        // its name.
        children
            .iter()
            .position(|(_, name)| *name)
            .map_or(1, |i| i + 1)
            .min(children.len())
    } else {
        delimiters
    };
    let closing = if bare {
        0
    } else {
        children[opening..]
            .iter()
            .rev()
            .take_while(|(c, _)| !c.is_named() && !is_sep(c))
            .count()
    };
    let middle = &children[opening..children.len() - closing];
    let open_end = match opening {
        0 => node.start_byte(),
        n => children[n - 1].0.end_byte(),
    };
    let close_start = children[children.len() - closing..]
        .first()
        .map_or(node.end_byte(), |(c, _)| c.start_byte());
    // Members: runs of children between separators; with no separator, each named child.
    let mut groups: Vec<Vec<Node<'_>>> = vec![Vec::new()];
    for (c, _) in middle {
        if list.separator.is_empty() {
            if !(c.is_named() || bare) {
                return None;
            }
            groups.push(vec![*c]);
        } else if is_sep(c) {
            groups.push(Vec::new());
        } else {
            groups.last_mut()?.push(*c);
        }
    }
    if list.separator.is_empty() {
        groups.remove(0);
    } else if groups.last().is_some_and(Vec::is_empty) {
        // A trailing separator (or none at all): layout, not a member.
        groups.pop();
    }
    if groups.iter().any(Vec::is_empty) {
        return None;
    }
    let span = |g: &[Node<'_>]| g[0].start_byte()..g[g.len() - 1].end_byte();
    let members: Vec<Member<'a>> = groups
        .iter()
        .map(|g| Member {
            key: key(g, src),
            text: &src[span(g)],
            movable: list.movable.is_empty()
                || (g.len() == 1 && list.movable.contains(&g[0].kind())),
        })
        .collect();
    let (lead, trail) = match (groups.first(), groups.last()) {
        (Some(first), Some(last)) => (
            &src[open_end..span(first).start],
            &src[span(last).end..close_start],
        ),
        _ => (&src[open_end..close_start], &src[close_start..close_start]),
    };
    let seps = groups
        .windows(2)
        .map(|w| &src[span(&w[0]).end..span(&w[1]).start])
        .collect();
    Some(List {
        open: &src[node.start_byte()..open_end],
        lead,
        members,
        seps,
        trail,
        close: &src[close_start..node.end_byte()],
    })
}

/// A member's key: its name (the `key`, `name` or `field` of a pair, a keyword argument or
/// a field initializer; the first node of a longer member such as `rename = "x"` or a JSX
/// attribute), else its whole text.
fn key<'a>(group: &[Node<'_>], src: &'a [u8]) -> &'a [u8] {
    let first = group[0];
    let named = ["key", "name", "field"]
        .iter()
        .find_map(|f| first.child_by_field_name(f));
    let node = match named {
        _ if group.len() > 1 => first,
        Some(n) => n,
        None if first.kind().ends_with("attribute") && first.named_child_count() > 1 => {
            first.named_child(0).unwrap_or(first)
        }
        None => first,
    };
    &src[node.byte_range()]
}

/// Inserts `added` (theirs' additions, in theirs' order) into `out` (the merge so far,
/// in ours' order): each after the member that precedes it in theirs (`theirs` lists
/// every key of theirs, in order), and after ours' own additions at that place
/// (`ours_added`); before everything but ours' additions when nothing precedes it.
pub(crate) fn insert_additions<T, K: PartialEq>(
    out: &mut Vec<T>,
    key: impl Fn(&T) -> K,
    theirs: impl Iterator<Item = K>,
    added: impl Iterator<Item = T>,
    ours_added: impl Fn(&K) -> bool,
) {
    let mut added = added.peekable();
    let skip_ours = |out: &[T], mut at: usize| {
        while at < out.len() && ours_added(&key(&out[at])) {
            at += 1;
        }
        at
    };
    let mut at = skip_ours(out, 0);
    for k in theirs {
        if added.peek().is_some_and(|a| key(a) == k) {
            out.insert(at, added.next().expect("peeked"));
            at += 1;
        } else if let Some(i) = out.iter().position(|x| key(x) == k) {
            at = skip_ours(out, i + 1);
        }
    }
}

/// Three-way pick of a piece of layout: a side's change wins, ours when both changed it.
fn pick<'a>(base: &'a [u8], ours: &'a [u8], theirs: &'a [u8]) -> &'a [u8] {
    if ours == base { theirs } else { ours }
}

/// Merges the members of the three versions of one list; `None` on a conflict.
fn merge_lists(list: &SeparatedList, [b, o, t]: [&List<'_>; 3]) -> Option<Vec<u8>> {
    let map = |l: &List<'_>| -> Option<HashMap<Vec<u8>, Vec<u8>>> {
        let m: HashMap<Vec<u8>, Vec<u8>> = l
            .members
            .iter()
            .map(|m| (m.key.to_vec(), m.text.to_vec()))
            .collect();
        (m.len() == l.members.len()).then_some(m)
    };
    // Keys are unique (names, or whole texts); the merge is the keys' three-way merge.
    let (mb, mo, mt) = (map(b)?, map(o)?, map(t)?);
    // Only movable members may be added, removed or changed; the others stay as base has
    // them, in base's order.
    let fixed = |l: &List<'_>| -> Vec<Vec<u8>> {
        l.members
            .iter()
            .filter(|m| !m.movable)
            .map(|m| m.text.to_vec())
            .collect()
    };
    if !list.movable.is_empty() && (fixed(o) != fixed(b) || fixed(t) != fixed(b)) {
        return None;
    }
    let added_by_ours: HashSet<&[u8]> = o
        .members
        .iter()
        .filter(|m| !mb.contains_key(m.key) && !mt.contains_key(m.key))
        .map(|m| m.key)
        .collect();
    let mut out: Vec<(&[u8], &[u8])> = Vec::new();
    for m in &o.members {
        let text = match (mb.get(m.key), mt.get(m.key)) {
            (Some(bt), Some(tt)) if m.text == &bt[..] => &tt[..],
            (Some(bt), Some(tt)) if tt == bt || &tt[..] == m.text => m.text,
            (Some(_), Some(_)) => return None,
            // Theirs deleted it: gone, unless ours changed it.
            (Some(bt), None) if m.text == &bt[..] => continue,
            (Some(_), None) => return None,
            (None, Some(tt)) if &tt[..] == m.text => m.text,
            (None, Some(_)) => return None,
            (None, None) => m.text,
        };
        out.push((m.key, text));
    }
    // Ours deleted what theirs changed: a conflict.
    if b.members
        .iter()
        .any(|m| !mo.contains_key(m.key) && mt.get(m.key).is_some_and(|tt| &tt[..] != m.text))
    {
        return None;
    }
    let theirs_added = t
        .members
        .iter()
        .filter(|m| !mb.contains_key(m.key) && !mo.contains_key(m.key));
    insert_additions(
        &mut out,
        |(k, _)| *k,
        t.members.iter().map(|m| m.key),
        theirs_added.map(|m| (m.key, m.text)),
        |k| added_by_ours.contains(k),
    );
    let has = |l: &List<'_>| !l.members.is_empty();
    let open = pick(b.open, o.open, t.open);
    let close = pick(b.close, o.close, t.close);
    if (o.open != b.open && t.open != b.open && o.open != t.open)
        || (o.close != b.close && t.close != b.close && o.close != t.close)
    {
        return None;
    }
    let mut text = open.to_vec();
    if out.is_empty() {
        // No member left: the inside of the side that emptied the list.
        let emptied = [o, t]
            .into_iter()
            .find(|l| !has(l))
            .map_or(&[][..], |l| l.lead);
        text.extend_from_slice(emptied);
    } else {
        let sep = [o, t, b]
            .iter()
            .find_map(|l| l.seps.first().copied())
            .map(<[u8]>::to_vec)
            .unwrap_or_else(|| match list.separator {
                "" => b" ".to_vec(),
                s => format!("{s} ").into_bytes(),
            });
        text.extend_from_slice(around([b, o, t].map(|l| (has(l), l.lead))));
        for (i, (_, member)) in out.iter().enumerate() {
            if i > 0 {
                text.extend_from_slice(&sep);
            }
            text.extend_from_slice(member);
        }
        text.extend_from_slice(around([b, o, t].map(|l| (has(l), l.trail))));
    }
    text.extend_from_slice(close);
    Some(text)
}

/// Three-way pick of the layout around the members (each part with whether its list has
/// members): an empty list says nothing of it, so base's (or the other side's) stands in.
fn around<'x>(parts: [(bool, &'x [u8]); 3]) -> &'x [u8] {
    let known = |(has, part): (bool, &'x [u8])| has.then_some(part);
    let [b, o, t] = parts.map(known);
    let base = b.or(o).or(t).unwrap_or_default();
    pick(base, o.unwrap_or(base), t.unwrap_or(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merge of whole texts `b`, `o`, `t` of the file `path`.
    fn merge(path: &str, b: &str, o: &str, t: &str) -> Option<String> {
        let profile = atomic_semantic::language_for_path(path).expect("a language");
        let [pb, po, pt] = [b, o, t].map(|s| Parsed::parse(profile, s.as_bytes()).expect("parses"));
        merge_region(
            profile,
            [&pb, &po, &pt],
            [0..b.len(), 0..o.len(), 0..t.len()],
        )
        .map(|v| String::from_utf8(v).expect("utf-8"))
    }

    #[test]
    fn lines_each_side_changed_alone_stay_a_conflict() {
        // Next to each other, as git takes them: not a list both sides changed.
        let b = "fn f() {\n    let a = g(1);\n    let b = g(2);\n}\n";
        let o = "fn f() {\n    let a = g(1, 3);\n    let b = g(2);\n}\n";
        let t = "fn f() {\n    let a = g(1);\n    let b = g(2, 4);\n}\n";
        assert_eq!(merge("a.rs", b, o, t), None);
    }

    #[test]
    fn a_member_both_sides_added_is_kept_once() {
        assert_eq!(
            merge(
                "A.java",
                "class A { static void f() {} }\n",
                "class A { public static void f() {} }\n",
                "class A { static public void f() {} }\n"
            )
            .as_deref(),
            Some("class A { public static void f() {} }\n")
        );
        assert_eq!(
            merge(
                "a.js",
                "let o = { a: 1 };\n",
                "let o = { b: 2, a: 1 };\n",
                "let o = { a: 1, b: 2 };\n"
            )
            .as_deref(),
            Some("let o = { b: 2, a: 1 };\n")
        );
    }

    #[test]
    fn one_name_given_two_values_conflicts() {
        assert_eq!(merge("a.py", "f()\n", "f(foo=True)\n", "f(foo=3)\n"), None);
        assert_eq!(
            merge("a.py", "f(a, b=1)\n", "f(a, b=2)\n", "f(a, b=3)\n"),
            None
        );
        // Positional arguments never commute.
        assert_eq!(merge("a.py", "f(a)\n", "f(a, b)\n", "f(a, c)\n"), None);
        assert_eq!(
            merge("a.py", "f(a)\n", "f(a, b=1)\n", "f(a, c=2)\n").as_deref(),
            Some("f(a, b=1, c=2)\n")
        );
    }

    #[test]
    fn additions_of_both_sides_join_the_list() {
        assert_eq!(
            merge(
                "a.rs",
                "#[derive(Debug)]\nstruct A;\n",
                "#[derive(Debug, Clone)]\nstruct A;\n",
                "#[derive(Debug, PartialEq)]\nstruct A;\n"
            )
            .as_deref(),
            Some("#[derive(Debug, Clone, PartialEq)]\nstruct A;\n")
        );
        assert_eq!(
            merge(
                "a.rs",
                "fn f<T: Ord + Eq>() {}\n",
                "fn f<T: Ord + Eq + Hash>() {}\n",
                "fn f<T: Ord + Eq + Copy>() {}\n"
            )
            .as_deref(),
            Some("fn f<T: Ord + Eq + Hash + Copy>() {}\n")
        );
        assert_eq!(
            merge(
                "a.js",
                "let o = { foo: 1 };\n",
                "let o = {};\n",
                "let o = { foo: 1, bar: 2 };\n"
            )
            .as_deref(),
            Some("let o = { bar: 2 };\n")
        );
    }
}
