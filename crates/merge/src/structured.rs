//! The structured merge: levels of items, decided one by one.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use atomic_core::is_binary;
use atomic_semantic::{FileSymbols, SymbolKind, extract, language_for_path};

use crate::audit::{audit_symbols, passes_on_whole_tables, repeated_code};
use crate::diff3::{LineConflict, Refine, diff3, diff3_picking, diff3_refined, write_conflict};
use crate::level::{Chunk, Level, Version, separate, separator, split, trailing};
use crate::statements::{Edit, Statements};
use crate::{Action, Conflict, Labels, MergeOutcome, Pick, Policy, Strategy};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Line merge of the whole file, as the fallback; `reason` says why.
fn line_based(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
    policy: Policy<'_>,
    reason: &str,
) -> MergeOutcome {
    let m = diff3_picking(base, ours, theirs, labels, policy(None));
    MergeOutcome {
        settled: m.settled,
        conflicts: m
            .conflicts
            .iter()
            .map(|c| line_conflict(c, None, None, "both sides changed the same lines"))
            .collect(),
        text: m.text,
        strategy: Strategy::LineBased {
            reason: reason.to_owned(),
        },
    }
}

fn line_conflict(
    c: &LineConflict,
    symbol: Option<String>,
    kind: Option<SymbolKind>,
    reason: &str,
) -> Conflict {
    Conflict {
        symbol,
        kind,
        base: Some(text(&c.base)),
        ours: Some(text(&c.ours)),
        theirs: Some(text(&c.theirs)),
        ours_action: Action::Modified,
        theirs_action: Action::Modified,
        reason: reason.to_owned(),
    }
}

/// Names called more often in `side` than in `base`.
fn newly_called(base: &FileSymbols, side: &FileSymbols) -> HashSet<String> {
    fn count(fs: &FileSymbols) -> HashMap<&str, usize> {
        let mut m: HashMap<&str, usize> = HashMap::new();
        fs.calls
            .iter()
            .for_each(|c| *m.entry(c.name.as_str()).or_default() += 1);
        m
    }
    let (b, s) = (count(base), count(side));
    s.into_iter()
        .filter(|(n, c)| *c > b.get(n).copied().unwrap_or(0))
        .map(|(n, _)| n.to_owned())
        .collect()
}

/// The whole blank lines at the end of `text` (after its last line with code).
fn trailing_blank_lines(text: &[u8]) -> &[u8] {
    let code_ends = text
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    match text[code_ends..].iter().position(|&c| c == b'\n') {
        Some(nl) => &text[code_ends + nl + 1..],
        None => &[],
    }
}

/// Where `part` starts in `src`, when it is a slice of it.
fn offset_in(src: &[u8], part: &[u8]) -> Option<usize> {
    let at = (part.as_ptr() as usize).checked_sub(src.as_ptr() as usize)?;
    (at + part.len() <= src.len()).then_some(at)
}

/// Whether two texts differ only in white space.
fn same_but_whitespace(a: &[u8], b: &[u8]) -> bool {
    a.split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty())
        .eq(b.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty()))
}

fn defines(fs: &FileSymbols, name: &str) -> bool {
    fs.symbols
        .iter()
        .any(|s| s.name == name && s.kind.is_callable())
}

struct Merger<'a> {
    base: &'a Version<'a>,
    ours: &'a Version<'a>,
    theirs: &'a Version<'a>,
    labels: &'a Labels<'a>,
    policy: Policy<'a>,
    eol: &'static [u8],
    /// Names ours calls anew / theirs calls anew.
    needed_by_ours: HashSet<String>,
    needed_by_theirs: HashSet<String>,
    conflicts: Vec<Conflict>,
    /// Conflicts the policy settled.
    settled: usize,
    /// Base's statements, parsed when a token-level merge is first tried.
    statements: OnceCell<Option<Statements<'a>>>,
    /// The three versions' syntax trees, parsed when a list both sides changed is first
    /// merged (see [`crate::lists`]).
    trees: OnceCell<Option<[crate::lists::Parsed<'a>; 3]>>,
    /// Items one side renamed, by base's key: the side, and the old name.
    renamed: HashMap<String, (Side, String)>,
}

#[derive(Clone, Copy)]
enum Side {
    Ours,
    Theirs,
}

impl<'a> Merger<'a> {
    fn symbol_of(&self, v: &Version<'_>, c: &Chunk) -> (Option<String>, Option<SymbolKind>) {
        match c.symbol {
            Some(i) => (
                Some(v.symbols.symbols[i].scoped_name.clone()),
                Some(v.symbols.symbols[i].kind),
            ),
            None => (Some(c.key.clone()), None),
        }
    }

    /// Writes a conflict block for one item and records it.
    #[allow(clippy::too_many_arguments)]
    fn conflict(
        &mut self,
        out: &mut Vec<u8>,
        who: (Option<String>, Option<SymbolKind>),
        base: Option<&[u8]>,
        ours: Option<&[u8]>,
        theirs: Option<&[u8]>,
        actions: (Action, Action),
        reason: &str,
    ) {
        match (self.policy)(who.0.as_deref()) {
            Pick::Ours => {
                self.settled += 1;
                return out.extend_from_slice(ours.unwrap_or_default());
            }
            Pick::Theirs => {
                self.settled += 1;
                return out.extend_from_slice(theirs.unwrap_or_default());
            }
            Pick::Keep => {}
        }
        let line = LineConflict {
            ours: ours.unwrap_or_default().to_vec(),
            base: base.unwrap_or_default().to_vec(),
            theirs: theirs.unwrap_or_default().to_vec(),
        };
        write_conflict(out, &line, self.labels, self.eol);
        self.conflicts.push(Conflict {
            symbol: who.0,
            kind: who.1,
            base: base.map(text),
            ours: ours.map(text),
            theirs: theirs.map(text),
            ours_action: actions.0,
            theirs_action: actions.1,
            reason: reason.to_owned(),
        });
    }

    /// Merges a piece of text (a header, a tail, an item both sides changed) by lines,
    /// recording conflicts against `who`. A piece that is a whole symbol (`whole`) gives
    /// one conflict with the symbol's three texts however many regions conflict in it;
    /// other pieces give one per region, with its lines.
    fn merge_text(
        &mut self,
        out: &mut Vec<u8>,
        rb: Range<usize>,
        o: &[u8],
        t: &[u8],
        who: (Option<String>, Option<SymbolKind>),
        whole: bool,
    ) {
        let b = &self.base.src[rb.clone()];
        if o == b {
            out.extend_from_slice(t);
        } else if t == b || o == t {
            out.extend_from_slice(o);
        } else {
            // Token-level merges stand only for edits in separate statements of base.
            let statements = self
                .statements
                .get_or_init(|| Statements::parse(self.base.profile, self.base.src));
            let guard = |ours: &[Edit], theirs: &[Edit]| {
                let shift = |e: &[Edit]| -> Vec<Edit> {
                    e.iter()
                        .map(|e| Edit {
                            base: e.base.start + rb.start..e.base.end + rb.start,
                            text: e.text.clone(),
                        })
                        .collect()
                };
                statements
                    .as_ref()
                    .is_some_and(|s| s.independent(&rb, &shift(ours), &shift(theirs)))
            };
            let insertions = |offset: usize, ours: &[u8], theirs: &[u8]| {
                statements
                    .as_ref()
                    .is_some_and(|s| s.insertions_commute(offset + rb.start, ours, theirs))
            };
            let starts = [
                Some(rb.start),
                offset_in(self.ours.src, o),
                offset_in(self.theirs.src, t),
            ];
            let versions = [self.base, self.ours, self.theirs];
            let lists = |r: [Range<usize>; 3]| {
                // A list both sides changed: the versions' trees, parsed once per merge
                // when first needed.
                let trees = self
                    .trees
                    .get_or_init(|| {
                        let [b, o, t] =
                            versions.map(|v| crate::lists::Parsed::parse(v.profile, v.src));
                        Some([b?, o?, t?])
                    })
                    .as_ref()?;
                let [sb, so, st] = starts;
                let shift = |s: Option<usize>, r: &Range<usize>| s.map(|s| s + r.start..s + r.end);
                crate::lists::merge_region(
                    self.base.profile,
                    [&trees[0], &trees[1], &trees[2]],
                    [shift(sb, &r[0])?, shift(so, &r[1])?, shift(st, &r[2])?],
                )
            };
            let refine = Refine {
                tokens: &guard,
                insertions: &insertions,
                reformats: !self.base.profile.significant_indentation,
                lists: &lists,
            };
            let pick = (self.policy)(who.0.as_deref());
            let m = diff3_refined(b, o, t, self.labels, pick, &refine);
            out.extend_from_slice(&m.text);
            self.settled += m.settled;
            let reason = "both sides changed the same lines of this symbol";
            if whole && !m.conflicts.is_empty() {
                let whole = LineConflict {
                    base: b.to_vec(),
                    ours: o.to_vec(),
                    theirs: t.to_vec(),
                };
                self.conflicts
                    .push(line_conflict(&whole, who.0.clone(), who.1, reason));
                return;
            }
            for c in &m.conflicts {
                self.conflicts
                    .push(line_conflict(c, who.0.clone(), who.1, reason));
            }
        }
    }

    /// Merges the level of containers `c` (per version; all `None` for the top level)
    /// within `ranges`; `None` when a version's level cannot be split.
    fn merge_level(&mut self, c: [Option<usize>; 3], ranges: [Range<usize>; 3]) -> Option<Vec<u8>> {
        let [cb, co, ct] = c;
        let [rb, ro, rt] = ranges;
        let lb = split(self.base, cb, rb)?;
        let mut lo = split(self.ours, co, ro)?;
        let mut lt = split(self.theirs, ct, rt)?;
        self.pair_renames(&lb, &mut lo, Side::Ours);
        self.pair_renames(&lb, &mut lt, Side::Theirs);
        self.pair_imports(&lb, &mut lo, Side::Ours);
        self.pair_imports(&lb, &mut lt, Side::Theirs);
        let who = match co {
            Some(i) => (
                Some(self.ours.symbols.symbols[i].scoped_name.clone()),
                Some(self.ours.symbols.symbols[i].kind),
            ),
            None => (None, None),
        };
        let mut out = Vec::new();
        let (ho, ht) = (
            &self.ours.src[lo.header.clone()],
            &self.theirs.src[lt.header.clone()],
        );
        self.merge_text(&mut out, lb.header.clone(), ho, ht, who.clone(), false);
        let order = merge_order(&lb.keys(), &lo.keys(), &lt.keys());
        let items_start = out.len();
        let conflicts_before = self.conflicts.len();
        let mut spans = Vec::with_capacity(order.len());
        for key in &order {
            let first = out.len() == items_start;
            let start = out.len();
            self.decide(&mut out, key, [&lb, &lo, &lt], first);
            spans.push(start..out.len());
        }
        // Items separated by a token (struct fields, enum variants): the separators follow
        // the merged order, and the trailing one is merged three-way.
        let versions = [self.base, self.ours, self.theirs];
        if self.conflicts.len() == conflicts_before
            && let Some(sep) = separator(versions, [&lb, &lo, &lt])
            && let [Some(tb), Some(to), Some(tt)] =
                [(0, &lb), (1, &lo), (2, &lt)].map(|(i, l)| trailing(versions[i], l, sep))
        {
            separate(&mut out, &spans, sep, if to != tb { to } else { tt });
        }
        let (to, tt) = (
            &self.ours.src[lo.tail.clone()],
            &self.theirs.src[lt.tail.clone()],
        );
        self.merge_text(&mut out, lb.tail.clone(), to, tt, who, false);
        Some(out)
    }

    /// Finds the items of base that `side` renamed (and did not otherwise change): the new
    /// item has the old one's kind and body (the text after the signature, as
    /// `atomic_merge::audit` compares them). It takes base's key, so it merges with the
    /// other side's edits of the old one; the result has the new name. Containers are left
    /// alone: their members' names change with theirs.
    fn pair_renames(&mut self, base: &Level, level: &mut Level, side: Side) {
        let body = |v: &'a Version<'a>| {
            move |c: &Chunk| {
                let s = &v.symbols.symbols[c.symbol?];
                (!s.kind.is_container() && !s.body_hash.is_empty())
                    .then_some((s.kind, s.body_hash.as_str()))
            }
        };
        for (new, old) in pair_by(base, level, body(self.base), body(self.side(side))) {
            level.rekey(&new, &old);
            let name = base
                .get(&old)
                .and_then(|c| c.symbol)
                .map(|i| self.base.symbols.symbols[i].name.clone())
                .unwrap_or_default();
            self.renamed.insert(old, (side, name));
        }
    }

    /// Finds the imports of base that `side` rewrote: the new import names the same
    /// module. It takes base's key, so that both sides' rewrites of one import merge as
    /// one item (or conflict) instead of both being kept: `import type { A }` from one side
    /// and `import { A, B }` from the other would bind `A` twice.
    fn pair_imports(&self, base: &Level, level: &mut Level, side: Side) {
        let module = |v: &'a Version<'a>| {
            move |c: &Chunk| {
                if c.symbol.is_some() {
                    return None;
                }
                v.symbols
                    .imports
                    .iter()
                    .find(|i| c.body.contains(&(i.start_byte as usize)))
                    .map(|i| i.module.as_str())
                    .filter(|m| !m.is_empty())
            }
        };
        for (new, old) in pair_by(base, level, module(self.base), module(self.side(side))) {
            level.rekey(&new, &old);
        }
    }

    fn side(&self, side: Side) -> &'a Version<'a> {
        match side {
            Side::Ours => self.ours,
            Side::Theirs => self.theirs,
        }
    }

    /// Writes the merged item `key`, or nothing when it is deleted. `first` says whether
    /// nothing has been written at this level yet.
    ///
    /// Bodies decide: an item whose body is unchanged counts as unchanged even when its gap
    /// changed (because something was inserted or deleted before it). Gaps merge apart.
    fn decide(&mut self, out: &mut Vec<u8>, key: &str, levels: [&Level; 3], first: bool) {
        let [lb, lo, lt] = levels;
        let (b, o, t) = (lb.get(key), lo.get(key), lt.get(key));
        let (bs, os, ts) = (self.base.src, self.ours.src, self.theirs.src);
        let body = |src: &'a [u8], c: &Chunk| &src[c.body.clone()];
        match (b, o, t) {
            (Some(b), Some(o), Some(t)) => {
                let (bb, ob, tb) = (body(bs, b), body(os, o), body(ts, t));
                let who = self.symbol_of(self.ours, o);
                if self.calls_old_name(key) {
                    let actions = match self.renamed[key].0 {
                        Side::Ours => (Action::Modified, Action::AddedDependency),
                        Side::Theirs => (Action::AddedDependency, Action::Modified),
                    };
                    return self.conflict(
                        out,
                        who,
                        Some(b.text(bs)),
                        Some(o.text(os)),
                        Some(t.text(ts)),
                        actions,
                        "one side renamed this function, the other added a call to its old name",
                    );
                }
                self.merge_text(
                    out,
                    b.gap.clone(),
                    &os[o.gap.clone()],
                    &ts[t.gap.clone()],
                    who.clone(),
                    false,
                );
                if ob == bb {
                    out.extend_from_slice(tb);
                } else if tb == bb || ob == tb {
                    out.extend_from_slice(ob);
                } else if b.symbol.is_none()
                    && let Some(merged) = crate::imports::merge_names(bb, ob, tb)
                        .or_else(|| crate::imports::merge_names(bb, tb, ob))
                {
                    // One import both sides rewrote by adding or removing names.
                    out.extend_from_slice(&merged);
                } else if let (Some(bi), Some(oi), Some(ti)) = (b.symbol, o.symbol, t.symbol)
                    && self.ours.symbols.symbols[oi].kind.is_container()
                    && let Some(merged) = self.merge_level(
                        [Some(bi), Some(oi), Some(ti)],
                        [b.body.clone(), o.body.clone(), t.body.clone()],
                    )
                {
                    // Both changed a container: merge its members one by one.
                    out.extend_from_slice(&merged);
                } else {
                    self.merge_text(out, b.body.clone(), ob, tb, who, true);
                }
            }
            (Some(b), Some(o), None) => self.one_deleted(out, b, o, Side::Theirs),
            (Some(b), None, Some(t)) => self.one_deleted(out, b, t, Side::Ours),
            (None, Some(o), Some(t)) => {
                let (ob, tb) = (body(os, o), body(ts, t));
                // Added identically; their gaps must agree too, or code before it on one
                // side would be lost.
                if ob == tb && same_but_whitespace(&os[o.gap.clone()], &ts[t.gap.clone()]) {
                    out.extend_from_slice(&os[o.gap.clone()]);
                    out.extend_from_slice(ob);
                    return;
                }
                let who = self.symbol_of(self.ours, o);
                self.conflict(
                    out,
                    who,
                    None,
                    Some(o.text(os)),
                    Some(t.text(ts)),
                    (Action::Added, Action::Added),
                    "both sides added this symbol with different text",
                );
            }
            (None, Some(o), None) => self.insert(out, o, lo, os, first),
            (None, None, Some(t)) => self.insert(out, t, lt, ts, first),
            (Some(_), None, None) | (None, None, None) => {}
        }
    }

    /// Whether item `key` was renamed by one side while the other newly calls its old
    /// name, which the renaming side no longer defines: merging would leave that call
    /// dangling.
    fn calls_old_name(&self, key: &str) -> bool {
        self.renamed.get(key).is_some_and(|(side, old)| {
            let (renamer, needed) = match side {
                Side::Ours => (self.ours, &self.needed_by_theirs),
                Side::Theirs => (self.theirs, &self.needed_by_ours),
            };
            needed.contains(old) && !defines(&renamer.symbols, old)
        })
    }

    /// Writes an item only one side has. An item that was first in its version has no
    /// gap of its own; placed after others, it takes the gap that followed it there.
    fn insert(&self, out: &mut Vec<u8>, c: &Chunk, level: &Level, src: &[u8], first: bool) {
        let was_first = level.items.first().is_some_and(|f| f.key == c.key);
        if was_first && !first {
            // The gap of the item after it, else the blank lines that ended the header.
            match level.items.get(1) {
                Some(next) => out.extend_from_slice(&src[next.gap.clone()]),
                None => out.extend_from_slice(trailing_blank_lines(&src[level.header.clone()])),
            }
        } else {
            out.extend_from_slice(&src[c.gap.clone()]);
        }
        out.extend_from_slice(&src[c.body.clone()]);
    }

    /// An item `kept` by one side and deleted by `deleter`.
    fn one_deleted(&mut self, out: &mut Vec<u8>, b: &Chunk, kept: &Chunk, deleter: Side) {
        let (keeper, deleting) = match deleter {
            Side::Theirs => (self.ours, self.theirs),
            Side::Ours => (self.theirs, self.ours),
        };
        let (bt, kt) = (b.text(self.base.src), kept.text(keeper.src));
        let who = self.symbol_of(keeper, kept);
        let (ours_t, theirs_t, actions) = match deleter {
            Side::Theirs => (Some(kt), None, (Action::Modified, Action::Deleted)),
            Side::Ours => (None, Some(kt), (Action::Deleted, Action::Modified)),
        };
        // A deleted item takes its gap with it: only safe when the keeper left the gap as
        // it was (but for white space). Code in the gap that the keeper edited must not
        // vanish with the item; the deleting side moved that code elsewhere.
        let gap_edited =
            !same_but_whitespace(&self.base.src[b.gap.clone()], &keeper.src[kept.gap.clone()]);
        let body_edited = self.base.src[b.body.clone()] != keeper.src[kept.body.clone()];
        // Unchanged by the keeper, it is deleted, unless the keeper newly calls it and the
        // deleting side defines it nowhere else.
        let needed = match deleter {
            Side::Theirs => &self.needed_by_ours,
            Side::Ours => &self.needed_by_theirs,
        };
        let still_called = b.symbol.is_some_and(|i| {
            let name = &self.base.symbols.symbols[i].name;
            needed.contains(name) && !defines(&deleting.symbols, name)
        });
        let (actions, reason) = if body_edited || gap_edited {
            let reason = if gap_edited {
                "one side deleted this symbol, the other changed the code just before it"
            } else {
                "one side deleted this symbol, the other changed it"
            };
            (actions, reason)
        } else if still_called {
            let actions = match deleter {
                Side::Theirs => (Action::AddedDependency, Action::Deleted),
                Side::Ours => (Action::Deleted, Action::AddedDependency),
            };
            (
                actions,
                "one side deleted this function, the other added a call to it",
            )
        } else {
            return;
        };
        self.conflict(out, who, Some(bt), ours_t, theirs_t, actions, reason);
    }
}

/// Pairs items of `base` that are gone from `level` with new items of `level` (keys base
/// lacks) that have the same feature: for each dropped item whose feature no other dropped
/// item shares, the one new item with it, if exactly one. Returns (new key, base key).
fn pair_by<F: PartialEq>(
    base: &Level,
    level: &Level,
    in_base: impl Fn(&Chunk) -> Option<F>,
    in_level: impl Fn(&Chunk) -> Option<F>,
) -> Vec<(String, String)> {
    // The items of `from` that `other` has no item for, with their feature.
    fn unmatched<'l, F>(
        from: &'l Level,
        other: &Level,
        feature: impl Fn(&Chunk) -> Option<F>,
    ) -> Vec<(&'l Chunk, F)> {
        from.items
            .iter()
            .filter(|c| other.get(&c.key).is_none())
            .filter_map(|c| feature(c).map(|f| (c, f)))
            .collect()
    }
    let dropped = unmatched(base, level, in_base);
    let added = unmatched(level, base, in_level);
    let mut pairs = Vec::new();
    for (old, feature) in &dropped {
        if dropped.iter().filter(|(_, f)| f == feature).count() != 1 {
            continue;
        }
        let mut new = added.iter().filter(|(_, f)| f == feature);
        if let (Some((new, _)), None) = (new.next(), new.next()) {
            pairs.push((new.key.clone(), old.key.clone()));
        }
    }
    pairs
}

/// Merges the order of keys: the side that kept base's order of the common keys follows
/// the other's order. Keys only the other side has go after their predecessor there, or
/// right before their successor when the first side moved keys in between (at the end
/// when they were appended); at one place, ours come before theirs. Linear in the number
/// of keys.
pub(crate) fn merge_order(base: &[String], ours: &[String], theirs: &[String]) -> Vec<String> {
    let (in_base, in_ours, in_theirs): (HashSet<&String>, HashSet<&String>, HashSet<&String>) = (
        base.iter().collect(),
        ours.iter().collect(),
        theirs.iter().collect(),
    );
    let common = |seq: &[String]| -> Vec<String> {
        seq.iter()
            .filter(|k| in_base.contains(k) && in_ours.contains(k) && in_theirs.contains(k))
            .cloned()
            .collect()
    };
    let ours_first = common(ours) != common(base);
    let (skeleton, other) = if ours_first {
        (ours, theirs)
    } else {
        (theirs, ours)
    };
    let in_skeleton: HashSet<&String> = skeleton.iter().collect();
    // Runs of other-only keys, with the keys of the skeleton before and after them
    // (`None`: the start, the end).
    let mut runs: Vec<(Option<&String>, Vec<String>, Option<&String>)> = Vec::new();
    let (mut before, mut run) = (None, Vec::new());
    for k in other {
        if in_skeleton.contains(k) {
            if !run.is_empty() {
                runs.push((before, std::mem::take(&mut run), Some(k)));
            }
            before = Some(k);
        } else {
            run.push(k.clone());
        }
    }
    if !run.is_empty() {
        runs.push((before, run, None));
    }
    // Each run follows the key before it, unless the skeleton moved keys of the other
    // side in between: then it goes right before the key after it (at the end when it
    // was appended).
    let at: HashMap<&String, usize> = skeleton.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let in_other: HashSet<&String> = other.iter().collect();
    let mut groups: HashMap<Option<&String>, Vec<String>> = HashMap::new();
    for (before, run, after) in runs {
        let from = before.map_or(0, |k| at[k] + 1);
        let to = after.map_or(skeleton.len(), |k| at[k]);
        let moved_between = from < to && skeleton[from..to].iter().any(|k| in_other.contains(k));
        let anchor = if moved_between {
            Some(&skeleton[to - 1])
        } else {
            before
        };
        groups.entry(anchor).or_default().extend(run);
    }
    let mut result = Vec::with_capacity(skeleton.len() + other.len());
    let mut pending = groups.remove(&None).unwrap_or_default();
    for k in skeleton {
        // Theirs waits behind what ours added at the same place.
        if !ours_first || in_base.contains(k) || in_theirs.contains(k) {
            result.append(&mut pending);
        }
        result.push(k.clone());
        if let Some(mut g) = groups.remove(&Some(k)) {
            pending.append(&mut g);
        }
        if !ours_first {
            result.append(&mut pending);
        }
    }
    result.append(&mut pending);
    result
}

/// What a merged `text` gets wrong (see [`audit_symbols`]); empty when it is sound.
fn audit_text(path: &str, text: &[u8], versions: [&Version<'_>; 3]) -> Vec<String> {
    audit_table(parse(path, text).as_ref(), text, versions)
}

/// [`audit_text`] with the result's table already extracted (`None`: no language).
fn audit_table(
    table: Option<&FileSymbols>,
    text: &[u8],
    [b, o, t]: [&Version<'_>; 3],
) -> Vec<String> {
    let mut problems = match table {
        Some(r) => audit_symbols(b.profile, [&b.symbols, &o.symbols, &t.symbols], r),
        None => Vec::new(),
    };
    problems.extend(repeated_code([b.src, o.src, t.src], text));
    problems
}

/// A clean line merge's outcome: its text, no conflicts, and why it stands.
fn clean_line_merge(text: Vec<u8>, reason: &str) -> MergeOutcome {
    MergeOutcome {
        text,
        conflicts: Vec::new(),
        settled: 0,
        strategy: Strategy::LineBased {
            reason: reason.into(),
        },
    }
}

/// Whether a clean line merge `text`, whose table is `result`, stands: it passes the audit
/// and calls no function that a side deleted while the other calls it anew (which the
/// audit cannot see).
pub(crate) fn clean_line_merge_passes(
    [b, o, t]: [&Version<'_>; 3],
    result: &FileSymbols,
    text: &[u8],
) -> bool {
    let deletes_needed = |deleter: &Version<'_>, caller: &Version<'_>| {
        newly_called(&b.symbols, &caller.symbols)
            .iter()
            .any(|n| defines(&b.symbols, n) && !defines(&deleter.symbols, n))
    };
    !deletes_needed(o, t)
        && !deletes_needed(t, o)
        && audit_table(Some(result), text, [b, o, t]).is_empty()
}

/// [`clean_line_merge_passes`] judged on tables without the code
/// that no side changed (`atomic_semantic::extract_touched`), which for a large file with
/// a few edits is most of it: `true` only when the judgement on whole tables would be
/// `true` too ([`passes_on_whole_tables`] says when names found in the left-out text
/// leave that undecided). `false` also when the tables cannot be made so (a version does
/// not parse); the caller then judges on whole tables.
pub(crate) fn passes_on_touched(
    profile: &'static atomic_semantic::LanguageProfile,
    [base, ours, theirs]: [&[u8]; 3],
    text: &[u8],
) -> bool {
    let Some(touched) = atomic_semantic::extract_touched(profile, &[base, ours, theirs, text])
    else {
        return false;
    };
    let mut tables = touched.tables.into_iter();
    let [vb, vo, vt] = [base, ours, theirs].map(|src| Version {
        src,
        symbols: tables
            .next()
            .expect("extract_touched gives a table per source"),
        profile,
    });
    let result = tables
        .next()
        .expect("extract_touched gives a table per source");
    if !clean_line_merge_passes([&vb, &vo, &vt], &result, text) {
        return false;
    }
    let left_out: Vec<&[u8]> = touched.left_out[0]
        .iter()
        .map(|r| &base[r.clone()])
        .collect();
    let in_left_out = |name: &str| {
        let finder = memchr::memmem::Finder::new(name.as_bytes());
        left_out.iter().any(|t| finder.find(t).is_some())
    };
    passes_on_whole_tables(
        profile,
        [&vb.symbols, &vo.symbols, &vt.symbols],
        &result,
        &in_left_out,
    )
}

fn parse(path: &str, src: &[u8]) -> Option<FileSymbols> {
    language_for_path(path).map(|p| extract(p, src))
}

pub(crate) fn merge(
    path: &str,
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
    policy: Policy<'_>,
) -> MergeOutcome {
    let outcome = merge_versions(path, base, ours, theirs, labels, policy);
    if outcome.conflicts.is_empty() {
        return outcome;
    }
    // A side's edit to lines the other side moved (into a new function, a nested `use`):
    // carried to where they went, and merged again; that merge stands when it is clean
    // (and so passed the audit).
    if let Some([o, t]) = crate::moves::port_moved_edits(base, ours, theirs) {
        let again = merge_versions(path, base, &o, &t, labels, policy);
        if again.conflicts.is_empty() {
            return again;
        }
    }
    outcome
}

/// [`merge`] without following moved lines.
fn merge_versions(
    path: &str,
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels<'_>,
    policy: Policy<'_>,
) -> MergeOutcome {
    // One side changed nothing (or both made the same change): the result is the other,
    // as the line merge gives it, with nothing to parse.
    let unchanged = |text: &[u8]| MergeOutcome {
        text: text.to_vec(),
        conflicts: Vec::new(),
        settled: 0,
        strategy: Strategy::LineBased {
            reason: "one side changed nothing".into(),
        },
    };
    if ours == base || ours == theirs {
        return unchanged(theirs);
    }
    if theirs == base {
        return unchanged(ours);
    }
    let Some(profile) = language_for_path(path) else {
        return line_based(
            base,
            ours,
            theirs,
            labels,
            policy,
            "no language profile for this file",
        );
    };
    if is_binary(base) || is_binary(ours) || is_binary(theirs) {
        return line_based(base, ours, theirs, labels, policy, "binary content");
    }
    // The line merge first (cheap). Git's own result when it is right: a clean line merge
    // that passes the audit (it parses, keeps both sides' edits, defines and imports
    // nothing twice) and calls no function the other side deleted, which the audit cannot
    // see. The structured merge is for what the line merge gets wrong or cannot merge.
    // A clean line merge is judged first on tables without the code no side changed,
    // which is most of a large file; where those cannot decide, on whole tables.
    let line = diff3(base, ours, theirs, labels);
    if line.conflicts.is_empty() && passes_on_touched(profile, [base, ours, theirs], &line.text) {
        return clean_line_merge(line.text, "the line merge is clean and passes the audit");
    }
    let mut sources = vec![base, ours, theirs];
    if line.conflicts.is_empty() {
        sources.push(&line.text);
    }
    let Some(tables) = atomic_semantic::extract_versions(profile, &sources, 3) else {
        return line_based(
            base,
            ours,
            theirs,
            labels,
            policy,
            "an input does not parse",
        );
    };
    let mut tables = tables.into_iter();
    let [vb, vo, vt] = [base, ours, theirs].map(|src| Version {
        src,
        symbols: tables
            .next()
            .expect("extract_versions gives a table per source"),
        profile,
    });
    let line_table = tables.next();
    let versions = [&vb, &vo, &vt];
    if line.conflicts.is_empty()
        && line_table
            .as_ref()
            .is_some_and(|r| clean_line_merge_passes(versions, r, &line.text))
    {
        return clean_line_merge(line.text, "the line merge is clean and passes the audit");
    }
    let (needed_by_ours, needed_by_theirs) = (
        newly_called(&vb.symbols, &vo.symbols),
        newly_called(&vb.symbols, &vt.symbols),
    );
    let eol = crate::diff3::eol(ours);
    let mut merger = Merger {
        base: &vb,
        ours: &vo,
        theirs: &vt,
        labels,
        policy,
        eol,
        needed_by_ours,
        needed_by_theirs,
        conflicts: Vec::new(),
        settled: 0,
        statements: OnceCell::new(),
        trees: OnceCell::new(),
        renamed: HashMap::new(),
    };
    let Some(text) = merger.merge_level(
        [None, None, None],
        [0..base.len(), 0..ours.len(), 0..theirs.len()],
    ) else {
        return line_based(
            base,
            ours,
            theirs,
            labels,
            policy,
            "the file has no items to merge by",
        );
    };
    let (conflicts, settled) = (merger.conflicts, merger.settled);
    if !conflicts.is_empty() {
        return MergeOutcome {
            text,
            conflicts,
            settled,
            strategy: Strategy::Structured,
        };
    }
    let problems = audit_text(path, &text, versions);
    if problems.is_empty() {
        return MergeOutcome {
            text,
            conflicts,
            settled,
            strategy: Strategy::Structured,
        };
    }
    let reason = format!("the structured result {}", problems.join(", "));
    let mut fallback = line_based(base, ours, theirs, labels, policy, &reason);
    if fallback.conflicts.is_empty() {
        let line_problems = audit_text(path, &fallback.text, versions);
        if !line_problems.is_empty() {
            fallback.conflicts.push(Conflict {
                symbol: None,
                kind: None,
                base: None,
                ours: None,
                theirs: None,
                ours_action: Action::Modified,
                theirs_action: Action::Modified,
                reason: format!("{reason}; the line merge {}", line_problems.join(", ")),
            });
        }
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::merge_order;

    fn keys(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn orders_merge_with_ours_first_at_one_place() {
        let order = |b, o, t| merge_order(&keys(b), &keys(o), &keys(t)).join(" ");
        assert_eq!(order("a b", "a x b", "a y b"), "a x y b");
        assert_eq!(order("a b", "x a b", "y a b"), "x y a b");
        assert_eq!(order("a b", "a b x", "a b y"), "a b x y");
        // Theirs moved `a` to the end; ours added `x` after `a`.
        assert_eq!(order("a b c", "a x b c", "b c a"), "b c a x");
        // Ours reordered; theirs added after `b`.
        assert_eq!(order("a b c", "c b a", "a b y c"), "c b y a");
        // Ours reordered; theirs appended.
        assert_eq!(order("a b", "b a", "a b x"), "b a x");
        assert_eq!(order("a b", "b a y", "a b x"), "b a y x");
        // Ours reordered; theirs added before `f`, which stays last.
        assert_eq!(order("u v f", "v u f", "u v w f"), "v u w f");
        assert_eq!(order("a b", "a", "a b"), "a b");
    }
}
