//! Splitting one level of a file (its top level, or the body of a container such as an
//! impl, class or struct) into keyed chunks.
//!
//! A level is a header, items, and a tail. An item's body runs from the start of its first
//! line (widened upward over attached comments, attributes and decorators) to the end of
//! its last line; its gap is what precedes it, from the end of the previous item: the
//! blank lines (or stray statements) that separate it from what comes before. A level
//! whose items share lines cannot be split and is merged as text.

use std::collections::HashMap;
use std::ops::Range;

use atomic_semantic::{FileSymbols, LanguageProfile};

/// One parsed version of a file.
pub(crate) struct Version<'a> {
    pub src: &'a [u8],
    pub symbols: FileSymbols,
    pub profile: &'static LanguageProfile,
}

/// An item of a level: a symbol or an import.
#[derive(Clone, Debug)]
pub(crate) struct Chunk {
    pub key: String,
    /// What precedes the body, since the previous item.
    pub gap: Range<usize>,
    pub body: Range<usize>,
    /// The symbol's index in [`FileSymbols::symbols`]; `None` for an import.
    pub symbol: Option<usize>,
}

impl Chunk {
    /// The gap and the body.
    pub fn text<'s>(&self, src: &'s [u8]) -> &'s [u8] {
        &src[self.gap.start..self.body.end]
    }
}

/// A split level.
pub(crate) struct Level {
    pub header: Range<usize>,
    pub items: Vec<Chunk>,
    pub tail: Range<usize>,
    index: HashMap<String, usize>,
}

impl Level {
    pub fn get(&self, key: &str) -> Option<&Chunk> {
        self.index.get(key).map(|i| &self.items[*i])
    }

    pub fn keys(&self) -> Vec<String> {
        self.items.iter().map(|c| c.key.clone()).collect()
    }

    /// Gives item `from` the key `to` (which no item has), so that it pairs with base's
    /// item `to`: a rename.
    pub fn rekey(&mut self, from: &str, to: &str) {
        if let Some(i) = self.index.remove(from) {
            self.items[i].key = to.to_owned();
            self.index.insert(to.to_owned(), i);
        }
    }
}

fn line_start(src: &[u8], byte: usize) -> usize {
    src[..byte.min(src.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

fn line_end(src: &[u8], byte: usize) -> usize {
    // `byte` is one past the item's last byte: the line it ends on.
    let from = byte.saturating_sub(1).min(src.len());
    src[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(src.len(), |i| from + i + 1)
}

/// Widens `start` (a line start) upward over lines that begin with one of the profile's
/// leading prefixes, never above `floor`.
fn widen(v: &Version<'_>, mut start: usize, floor: usize) -> usize {
    while start > floor {
        let prev = line_start(v.src, start - 1).max(floor);
        let line = String::from_utf8_lossy(&v.src[prev..start]);
        let trimmed = line.trim_start();
        if trimmed.is_empty()
            || !v
                .profile
                .leading_prefixes
                .iter()
                .any(|p| trimmed.starts_with(p))
        {
            break;
        }
        start = prev;
    }
    start
}

/// Returns a scoped name without generic arguments (`impl Source for Dir<'cfg>` is
/// `impl Source for Dir`), so renaming a lifetime or type parameter keeps an item's identity.
fn identity(scoped_name: &str) -> String {
    let mut out = String::with_capacity(scoped_name.len());
    let mut depth = 0usize;
    for c in scoped_name.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits the level of `container` (the top level when `None`) within `range`; `None`
/// when items share lines.
pub(crate) fn split(
    v: &Version<'_>,
    container: Option<usize>,
    range: Range<usize>,
) -> Option<Level> {
    let mut raw: Vec<(usize, usize, String, Option<usize>)> = Vec::new();
    for (i, s) in v.symbols.symbols.iter().enumerate() {
        // At the top level, only definitions that are statements of it: a named function
        // inside a callback lies within other code and stays part of the text around it.
        if s.parent.map(|p| p as usize) == container && (container.is_some() || s.top_level) {
            let key = format!("{:?} {}", s.kind, identity(&s.scoped_name));
            raw.push((
                line_start(v.src, s.start_byte as usize),
                line_end(v.src, s.end_byte as usize),
                key,
                Some(i),
            ));
        }
    }
    if container.is_none() {
        for import in &v.symbols.imports {
            let inside = v
                .symbols
                .symbols
                .iter()
                .any(|s| s.start_byte <= import.start_byte && import.end_byte <= s.end_byte);
            if !inside {
                let key = format!("import {}", import.text);
                raw.push((
                    line_start(v.src, import.start_byte as usize),
                    line_end(v.src, import.end_byte as usize),
                    key,
                    None,
                ));
            }
        }
    }
    if raw.is_empty() {
        // A level without members is all header (a class with only its docstring): the
        // members the other versions add go after it.
        return Some(Level {
            header: range.clone(),
            items: Vec::new(),
            tail: range.end..range.end,
            index: HashMap::new(),
        });
    }
    raw.sort_by_key(|r| r.0);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut items: Vec<Chunk> = Vec::with_capacity(raw.len());
    let mut floor = range.start;
    for (start, end, key, symbol) in raw {
        if start < floor || end > range.end {
            return None;
        }
        let start = widen(v, start, floor);
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        let key = if *n > 1 { format!("{key} #{n}") } else { key };
        // The first item's gap is empty: the header runs up to its body.
        let gap_start = if items.is_empty() { start } else { floor };
        items.push(Chunk {
            key,
            gap: gap_start..start,
            body: start..end,
            symbol,
        });
        floor = end;
    }
    let header = range.start..items[0].body.start;
    if container.is_some() && header.is_empty() {
        return None;
    }
    let tail = floor..range.end;
    let index = items
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.clone(), i))
        .collect();
    Some(Level {
        header,
        items,
        tail,
        index,
    })
}

/// The separator that follows every item but the last of a level in all three versions
/// (`,` between struct fields or enum variants), one of the profile's list separators
/// ([`LanguageProfile::separated_lists`]); `None` for levels whose items stand alone, or
/// when no version has two items to tell.
pub(crate) fn separator(versions: [&Version<'_>; 3], levels: [&Level; 3]) -> Option<&'static str> {
    if levels.iter().all(|l| l.items.len() < 2) {
        return None;
    }
    let profile = versions[0].profile;
    profile
        .separated_lists
        .iter()
        .map(|l| l.separator)
        .filter(|s| !s.is_empty())
        .find(|sep| {
            versions.iter().zip(levels).all(|(v, l)| {
                let before_last = l.items.len().saturating_sub(1);
                l.items[..before_last]
                    .iter()
                    .all(|c| followed_by(v, c, sep))
            })
        })
}

/// Whether the last item of `level` is followed by `sep` in `v` (a trailing comma).
pub(crate) fn trailing(v: &Version<'_>, level: &Level, sep: &str) -> Option<bool> {
    level.items.last().map(|c| followed_by(v, c, sep))
}

/// Whether the symbol of item `c` is followed by `sep`, past white space, in `v`.
fn followed_by(v: &Version<'_>, c: &Chunk, sep: &str) -> bool {
    let Some(i) = c.symbol else {
        return false;
    };
    let end = (v.symbols.symbols[i].end_byte as usize).min(v.src.len());
    let rest = &v.src[end..];
    rest.iter()
        .position(|b| !b.is_ascii_whitespace())
        .is_some_and(|p| rest[p..].starts_with(sep.as_bytes()))
}

/// Puts `sep` after every merged item but the last, and after the last one when
/// `trailing` (else takes it away): items each side added where it ended the level keep
/// the level well separated wherever the merge put them. `spans` are the items' byte
/// ranges in `out`, in order; an item whose last line holds a comment (where the
/// separator would have to go before it) is left as it is.
pub(crate) fn separate(out: &mut Vec<u8>, spans: &[Range<usize>], sep: &str, trailing: bool) {
    let items: Vec<&Range<usize>> = spans
        .iter()
        .filter(|r| out[(*r).clone()].iter().any(|b| !b.is_ascii_whitespace()))
        .collect();
    for (i, r) in items.iter().enumerate().rev() {
        let end = r.start
            + out[(*r).clone()]
                .iter()
                .rposition(|b| !b.is_ascii_whitespace())
                .map_or(0, |p| p + 1);
        let has = out[..end].ends_with(sep.as_bytes());
        let want = i + 1 < items.len() || trailing;
        let line = &out[line_start(out, end)..end];
        let commented = [&b"//"[..], b"/*", b"#"]
            .iter()
            .any(|c| line.windows(c.len()).any(|w| w == *c));
        if want && !has && !commented {
            out.splice(end..end, sep.bytes());
        } else if !want && has {
            out.drain(end - sep.len()..end);
        }
    }
}
