//! Tables of a merge's versions that leave out the code no version changed.
//!
//! A clean line merge is git's result when it passes the audit (`atomic_merge::audit`),
//! which compares the symbols of base, ours, theirs and the result. A node that neither
//! side touched (a function, a method, a test case, a statement) is the same text in all
//! four versions, among unchanged neighbours, under ancestors of the same kinds whose
//! definitions keep their names: it holds the same symbols, calls and imports in each,
//! and the audit's comparisons of those come out equal. Tables without such nodes are
//! made by walking only the rest, which for a large file with a few edits is a small part
//! of it; the caller judges what the left-out code could still change (a name defined
//! there too) by looking for names in its text. `tests/reuse.rs` checks each table
//! against the whole one, `atomic_merge`'s tests the merge's judgement.
//!
//! ### Algorithm
//! 1. Base is parsed whole, the other versions incrementally from its tree, by the edits of
//!    their line diffs from base ([`crate::trees::edits_between`]); the trees stay in
//!    memory, so a whole extraction after this one parses nothing again. A version with a
//!    syntax error gives `None` (the whole extraction parses it afresh).
//! 2. A node of base is touched when an edit of any version meets its bytes (ends
//!    included, so an insertion right before or after it counts). Going down from the
//!    root, a child is left out when neither it nor the child before or after it is
//!    touched; a touched child is gone into when it defines nothing, or is a wrapper, or
//!    through its body when it may be a definition and no edit meets what precedes its
//!    body (so every definition around a left-out node has its name and scope in every
//!    version).
//! 3. In each other version, each left-out node must be a node of the same kind, at its
//!    base position moved by the bytes the edits before it inserted or removed, under
//!    ancestors of the same kinds, of which those that may be definitions or wrappers
//!    start where base's start, moved the same way; else `None`.
//! 4. Each version's table is made by the usual walk, which does not enter the left-out
//!    nodes ([`crate::extract`]'s `table_with`; a walked node's own findings may still
//!    read them, a call's name in a left-out child); the other versions take from base's
//!    table what they share with it, as whole tables do ([`crate::reuse`]).

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::{InputEdit, Node, Tree};

use crate::extract::{content_key, parse, parse_edited, table_with};
use crate::language::LanguageProfile;
use crate::reuse::Shared;
use crate::{FileSymbols, trees};

/// Tables of versions without the code none of them changed.
#[derive(Debug)]
pub struct Touched {
    /// One table per source, in the order given; each lacks what the walk finds inside
    /// the left-out nodes, and is otherwise the table [`crate::extract`] gives.
    pub tables: Vec<FileSymbols>,
    /// The left-out nodes' byte ranges, in order, in each source (in the order given):
    /// the same text in every version.
    pub left_out: Vec<Vec<Range<usize>>>,
}

/// Tables of `sources` (a merge's base first, then versions made from it: ours, theirs,
/// the line merge's result), each without the code that no version changed (see the
/// module's algorithm). `None` when a version has syntax errors, when a left-out node is
/// not one in every version, or when less than half of base would be left out (then the
/// whole tables, by [`crate::extract_versions`], cost little more, and a caller that must
/// make them after all loses little).
///
/// As in [`crate::extract_versions`], base's table is made on a second thread while the
/// others parse, and each other version's table takes what it shares with base from
/// base's ([`crate::reuse`]). The tables are not remembered (they are not whole); the
/// trees are.
pub fn extract_touched(profile: &LanguageProfile, sources: &[&[u8]]) -> Option<Touched> {
    let (&base, others) = sources.split_first()?;
    let base_key = content_key(profile, base);
    let base_tree = trees::get(&base_key).or_else(|| parse(profile, base, None))?;
    // Kept even with errors: a parse from nothing is what a whole extraction makes too.
    trees::put(base_key, base.len(), base_tree.clone());
    if base_tree.root_node().has_error() {
        return None;
    }
    let edits: Vec<Vec<InputEdit>> = others
        .iter()
        .map(|source| trees::edits_between(base, source))
        .collect();
    let all_edits: Vec<&InputEdit> = edits.iter().flatten().collect();
    let mut found = Vec::new();
    untouched(
        profile,
        base_tree.root_node(),
        &all_edits,
        &mut Vec::new(),
        &mut found,
    );
    let (left_out, chains): (Vec<Node<'_>>, Vec<Vec<Ancestor>>) = found.into_iter().unzip();
    // Leaving out less than half of base saves less than a failed attempt costs.
    if left_out
        .iter()
        .map(Node::byte_range)
        .map(|r| r.len())
        .sum::<usize>()
        * 2
        < base.len()
    {
        return None;
    }
    let base_ranges: HashSet<LeftOut> = left_out.iter().map(|n| key(n.byte_range(), *n)).collect();
    let (base_table, trees) = std::thread::scope(|scope| {
        let job = scope.spawn(|| table_with(profile, base, Some(&base_tree), None, &base_ranges));
        let trees: Option<Vec<Tree>> = others
            .iter()
            .zip(&edits)
            .map(|(&source, edits)| {
                let key = content_key(profile, source);
                let tree = trees::get(&key)
                    .or_else(|| parse_edited(profile, base_tree.clone(), source, edits))
                    .filter(|t| !t.root_node().has_error())?;
                trees::put(key, source.len(), tree.clone());
                Some(tree)
            })
            .collect();
        (job.join().expect("tabulating does not panic"), trees)
    });
    let (base_table, trees) = (base_table?, trees?);
    let table = |(source, tree, edits): (&[u8], &Tree, &Vec<InputEdit>)| {
        let here = moved(tree.root_node(), &left_out, &chains, edits)?;
        let set: HashSet<LeftOut> = here
            .iter()
            .zip(&left_out)
            .map(|(r, n)| key(r.clone(), *n))
            .collect();
        let shared = Shared::new(&base_table, &base_tree, edits, base.len(), source.len());
        let table = table_with(profile, source, Some(tree), Some(&shared), &set)
            .or_else(|| table_with(profile, source, Some(tree), None, &set))?;
        Some((table, here))
    };
    let mut jobs: Vec<_> = others
        .iter()
        .copied()
        .zip(&trees)
        .zip(&edits)
        .map(|((s, t), e)| (s, t, e))
        .collect();
    let second = jobs.split_off(jobs.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let other = scope.spawn(|| second.into_iter().map(table).collect::<Option<Vec<_>>>());
        let first = jobs.into_iter().map(table).collect::<Option<Vec<_>>>();
        (first, other.join().expect("tabulating does not panic"))
    });
    let (tables, ranges): (Vec<FileSymbols>, Vec<Vec<Range<usize>>>) =
        std::iter::once((base_table, left_out.iter().map(Node::byte_range).collect()))
            .chain(first?)
            .chain(second?)
            .unzip();
    Some(Touched {
        tables,
        left_out: ranges,
    })
}

/// A left-out node as the walk knows it: its bytes and its kind.
pub(crate) type LeftOut = (usize, usize, u16);

fn key(range: Range<usize>, node: Node<'_>) -> LeftOut {
    (range.start, range.end, node.kind_id())
}

/// Whether an edit meets bytes `start..=end`.
fn meets(edits: &[&InputEdit], start: usize, end: usize) -> bool {
    edits
        .iter()
        .any(|e| e.start_byte <= end && e.old_end_byte >= start)
}

/// An ancestor of a left-out node in base: its kind, and its first byte when it may be a
/// definition or a wrapper (what a left-out node's findings take from their ancestors:
/// scopes, the symbol a call is within, is a definition's or a wrapper's).
type Ancestor = (u16, Option<usize>);

/// How deep [`untouched`] goes below the root at most: bounds its work on trees that nest
/// deeply (a long chain of `+`), where little would be left out anyway.
const MAX_DEPTH: usize = 64;

/// Adds to `out` the children of `node` (base's) that no edit meets, and none meets the
/// child before or after either, each with its ancestors from the root (`above` holds
/// those of `node`); then the same inside each child an edit
/// meets: among its own children when it defines nothing (a call, a block, a callback) or
/// is a wrapper (`export`, a decorated definition), among its body's children when it may
/// be a definition (a class, a function, an `impl`) whose header no edit meets (what comes
/// before its body: its name, its scope). In document order.
fn untouched<'t>(
    profile: &LanguageProfile,
    node: Node<'t>,
    edits: &[&InputEdit],
    above: &mut Vec<Ancestor>,
    out: &mut Vec<(Node<'t>, Vec<Ancestor>)>,
) {
    if above.len() >= MAX_DEPTH {
        return;
    }
    let defines = profile.kinds().may_define(node) || profile.wrappers.contains(&node.kind());
    above.push((node.kind_id(), defines.then(|| node.start_byte())));
    let children: Vec<Node<'t>> = node.children(&mut node.walk()).collect();
    let touched: Vec<bool> = children
        .iter()
        .map(|c| meets(edits, c.start_byte(), c.end_byte()))
        .collect();
    for (i, &child) in children.iter().enumerate() {
        let near = |j: Option<usize>| j.and_then(|j| touched.get(j)).copied().unwrap_or(false);
        if !touched[i] {
            if !near(i.checked_sub(1)) && !near(Some(i + 1)) {
                out.push((child, above.clone()));
            }
        } else if profile.wrappers.contains(&child.kind()) || !profile.kinds().may_define(child) {
            untouched(profile, child, edits, above, out);
        } else if let Some(body) = child.child_by_field_name("body")
            && !meets(edits, child.start_byte(), body.start_byte())
        {
            above.push((child.kind_id(), Some(child.start_byte())));
            untouched(profile, body, edits, above, out);
            above.pop();
        }
    }
    above.pop();
}

/// The byte ranges, in order, of base's left-out `nodes` (in document order, each with
/// its ancestors from the root, `chains`) in a version whose tree's root is `root`, made
/// by `edits` (in base's positions, none meeting a node): each must be a node of the same
/// kind there, at its position moved by the edits before it, under ancestors of the same
/// kinds, those that may be definitions or wrappers starting where base's start, moved the
/// same way (so an edit that closes a function and opens another before a left-out
/// statement is not taken for the same function). `None` otherwise.
fn moved(
    root: Node<'_>,
    nodes: &[Node<'_>],
    chains: &[Vec<Ancestor>],
    edits: &[InputEdit],
) -> Option<Vec<Range<usize>>> {
    let mut edits: Vec<&InputEdit> = edits.iter().collect();
    edits.sort_by_key(|e| e.start_byte);
    // The bytes each edit adds (or removes, below zero), summed up to and with it.
    let sums: Vec<i64> = edits
        .iter()
        .scan(0i64, |sum, e| {
            *sum += i64::try_from(e.new_end_byte).unwrap_or(i64::MAX)
                - i64::try_from(e.old_end_byte).unwrap_or(i64::MAX);
            Some(*sum)
        })
        .collect();
    // Base's byte `at` in the version, after what was inserted right before it; `None`
    // where an edit replaces bytes around it.
    let at = |at: usize| -> Option<usize> {
        let before = edits.partition_point(|e| e.old_end_byte <= at);
        if edits
            .get(before)
            .is_some_and(|e| e.start_byte < at || (e.start_byte == at && e.old_end_byte > at))
            || before
                .checked_sub(1)
                .is_some_and(|i| edits[i].start_byte < at && edits[i].old_end_byte == at)
        {
            return None;
        }
        let shift = before.checked_sub(1).map_or(0, |i| sums[i]);
        usize::try_from(i64::try_from(at).ok()? + shift).ok()
    };
    let mut out = Vec::with_capacity(nodes.len());
    for (n, chain) in nodes.iter().zip(chains) {
        let (start, end) = (at(n.start_byte())?, at(n.end_byte())?);
        let mut here = root;
        for &(kind, first) in chain {
            if here.kind_id() != kind || first.is_some_and(|b| Some(here.start_byte()) != at(b)) {
                return None;
            }
            here = here.first_child_for_byte(start)?;
        }
        if (here.start_byte(), here.end_byte(), here.kind_id()) != (start, end, n.kind_id()) {
            return None;
        }
        out.push(start..end);
    }
    Some(out)
}
