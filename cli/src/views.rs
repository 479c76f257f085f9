//! The values commands print: one shape for human text and JSON alike.

use atomic_core::{Change, FileChange, FileKind, FileState, Origin, Signature};

use serde::{Deserialize, Serialize};

/// A change as printed by `log`, `show` and `record`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangeView {
    pub change_id: String,
    pub commit: String,
    pub parents: Vec<String>,
    pub author: Signature,
    pub committer: Signature,
    pub message: String,
    pub origin: OriginView,
    pub files: Vec<FileView>,
    /// With `log --graph`: the parents the graph draws (change ids), those the log shows
    /// or would show past `-n`; the excluded side of a range and changes `--author`
    /// leaves out are not drawn, and paths rewrite a parent to its nearest kept ancestor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_parents: Option<Vec<String>>,
}

/// Where a change came from: `kind` is `imported`, `recorded` or `session`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OriginView {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

impl OriginView {
    pub fn new(origin: &Origin) -> Self {
        match origin {
            Origin::Imported => OriginView {
                kind: "imported".into(),
                session_id: None,
                agent: None,
            },
            Origin::Recorded => OriginView {
                kind: "recorded".into(),
                session_id: None,
                agent: None,
            },
            Origin::Session { session, agent } => OriginView {
                kind: "session".into(),
                session_id: Some(session.clone()),
                agent: Some(agent.clone()),
            },
        }
    }
}

/// One file of a change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileView {
    pub path: String,
    /// `added`, `modified`, `deleted`, `renamed` or `mode`.
    pub kind: String,
    /// The old path of a renamed file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Mode and blob in the first parent.
    pub old: Option<FileState>,
    /// Mode and blob after the change.
    pub new: Option<FileState>,
    pub binary: bool,
    pub added_lines: u64,
    pub removed_lines: u64,
    pub hunks: usize,
    /// For a binary file: its size in bytes before and after (0 where absent), as
    /// `--stat` shows it; absent for text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary_bytes: Option<[u64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl FileView {
    pub fn new(fc: &FileChange, diff: Option<String>) -> Self {
        let (added_lines, removed_lines) = fc.line_counts();
        FileView {
            path: fc.path.clone(),
            kind: fc.kind.name().to_owned(),
            from: match &fc.kind {
                FileKind::Renamed { from } => Some(from.clone()),
                _ => None,
            },
            old: fc.old,
            new: fc.new,
            binary: fc.binary,
            added_lines,
            removed_lines,
            hunks: fc.hunks.len(),
            binary_bytes: None,
            diff,
        }
    }
}

impl ChangeView {
    pub fn new(change: &Change, files: Vec<FileView>) -> Self {
        ChangeView {
            change_id: change.id.to_hex(),
            commit: change.git_commit.to_hex(),
            parents: change.parents.iter().map(|p| p.to_hex()).collect(),
            author: change.author.clone(),
            committer: change.committer.clone(),
            message: change.message.clone(),
            origin: OriginView::new(&change.origin),
            files,
            graph_parents: None,
        }
    }

    pub fn summary(change: &Change) -> Self {
        Self::new(
            change,
            change
                .files
                .iter()
                .map(|f| FileView::new(f, None))
                .collect(),
        )
    }
}

/// How `log` and `show` print dates: git's `--date` formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DateStyle {
    /// `Tue Nov 14 23:13:20 2023 +0100`, in the author's offset
    #[default]
    Default,
    /// `3 hours ago`, `2 years, 1 month ago`, as git words it
    Relative,
    /// `2023-11-14 23:13:20 +0100`
    Iso,
    /// `2023-11-14`
    Short,
    /// Seconds since the Unix epoch
    Unix,
}

/// Formats a signature's time as git's default date format (`Tue Nov 14 23:13:20 2023
/// +0100`), in the signature's own offset.
pub fn format_time(sig: &Signature) -> String {
    format_date(sig, DateStyle::Default, 0)
}

/// Formats a signature's time in `style`; `now` (seconds since the Unix epoch) is what
/// relative dates count back from.
pub fn format_date(sig: &Signature, style: DateStyle, now: i64) -> String {
    use atomic_gitbridge::date_format as f;
    let time = atomic_gitbridge::signature_to_git(sig).time;
    match style {
        DateStyle::Default => time.format_or_unix(f::DEFAULT),
        DateStyle::Relative => relative_date(sig.time_seconds, now),
        DateStyle::Iso => time.format_or_unix(f::ISO8601),
        DateStyle::Short => time.format_or_unix(f::SHORT),
        DateStyle::Unix => sig.time_seconds.to_string(),
    }
}

/// Now, in seconds since the Unix epoch; git's `GIT_TEST_DATE_NOW` replaces it, as it
/// does for git (so that tests compare relative dates with git's).
pub fn now_seconds() -> i64 {
    if let Some(now) = std::env::var("GIT_TEST_DATE_NOW")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return now;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `time` relative to `now`, worded and rounded as git's `show_date_relative` (date.c):
/// seconds under 90 s, minutes under 90 min, hours under 36 h, days under 14 d, weeks
/// under 70 d, months under a year, years and months under 5 years, then years.
pub fn relative_date(time: i64, now: i64) -> String {
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    if now < time {
        return "in the future".into();
    }
    let mut diff = now - time;
    if diff < 90 {
        return format!("{} ago", unit(diff, "second"));
    }
    diff = (diff + 30) / 60;
    if diff < 90 {
        return format!("{} ago", unit(diff, "minute"));
    }
    diff = (diff + 30) / 60;
    if diff < 36 {
        return format!("{} ago", unit(diff, "hour"));
    }
    diff = (diff + 12) / 24;
    if diff < 14 {
        return format!("{} ago", unit(diff, "day"));
    }
    if diff < 70 {
        return format!("{} ago", unit((diff + 3) / 7, "week"));
    }
    if diff < 365 {
        return format!("{} ago", unit((diff + 15) / 30, "month"));
    }
    if diff < 1825 {
        let total_months = (diff * 12 * 2 + 365) / (365 * 2);
        let (years, months) = (total_months / 12, total_months % 12);
        if months > 0 {
            return format!("{}, {} ago", unit(years, "year"), unit(months, "month"));
        }
        return format!("{} ago", unit(years, "year"));
    }
    format!("{} ago", unit((diff + 183) / 365, "year"))
}

/// `--stat`: one line per file (` path | N ++--`, counts aligned) and a summary line, laid
/// out in `columns` characters as git's `show_stats` does: the name gets the room it needs
/// up to 5/8 of the line (longer names lose their start, shown as `...`), the bar the
/// rest, and bars longer than their room are scaled linearly; a binary file shows its
/// sizes (`Bin 10 -> 12 bytes`).
pub fn format_stat(files: &[StatEntry], columns: usize) -> String {
    let digits = |n: u64| n.to_string().len() as i64;
    let max_len = files
        .iter()
        .map(|f| f.path.chars().count())
        .max()
        .unwrap_or(0) as i64;
    let text = || files.iter().filter(|f| f.binary_bytes.is_none());
    let max_change = text().map(|f| f.added + f.removed).max().unwrap_or(0) as i64;
    // "Bin X -> Y bytes" is 14 characters and the two sizes.
    let bin_width = files
        .iter()
        .filter_map(|f| f.binary_bytes)
        .map(|[old, new]| 14 + digits(old) + digits(new))
        .max();
    let number_width = digits(max_change as u64).max(if bin_width.is_some() { 3 } else { 0 });
    let width = (columns as i64).max(16 + 6 + number_width);
    let bin_width = bin_width.unwrap_or(0);
    let mut graph_width = if max_change + 4 > bin_width {
        max_change
    } else {
        bin_width - 4
    };
    let mut name_width = max_len;
    if name_width + number_width + 6 + graph_width > width {
        if graph_width > width * 3 / 8 - number_width - 6 {
            graph_width = (width * 3 / 8 - number_width - 6).max(6);
        }
        if name_width > width - number_width - 6 - graph_width {
            name_width = width - number_width - 6 - graph_width;
        } else {
            graph_width = width - number_width - 6 - name_width;
        }
    }
    let scale = |n: i64| {
        if n == 0 {
            0
        } else {
            1 + n * (graph_width - 1) / max_change
        }
    };
    let mut out = String::new();
    let (mut added, mut removed) = (0, 0);
    for f in files {
        let (plus, minus) = (f.added, f.removed);
        let (mut name, mut room, mut prefix) = (f.path.as_str(), name_width, "");
        if name_width < name.chars().count() as i64 {
            prefix = "...";
            room = (room - 3).max(0);
            let keep = usize::try_from(room).unwrap_or(0);
            let skip = name.chars().count().saturating_sub(keep);
            name = &name[name.char_indices().nth(skip).map_or(name.len(), |(i, _)| i)..];
            if let Some(slash) = name.find('/') {
                name = &name[slash..];
            }
        }
        let padding = usize::try_from(room - name.chars().count() as i64).unwrap_or(0);
        let number_width = number_width as usize;
        if let Some([old, new]) = f.binary_bytes {
            out.push_str(&format!(
                " {prefix}{name}{:padding$} | {:>number_width$}",
                "", "Bin"
            ));
            if old > 0 || new > 0 {
                out.push_str(&format!(" {old} -> {new} bytes"));
            }
            out.push('\n');
            continue;
        }
        let (mut add, mut del) = (plus as i64, minus as i64);
        if graph_width <= max_change {
            let mut total = scale(add + del);
            if total < 2 && add > 0 && del > 0 {
                total = 2;
            }
            if add < del {
                add = scale(add);
                del = total - add;
            } else {
                del = scale(del);
                add = total - del;
            }
        }
        let n = plus + minus;
        out.push_str(&format!(
            " {prefix}{name}{:padding$} | {n:>number_width$}{}{}{}\n",
            "",
            if n > 0 { " " } else { "" },
            "+".repeat(usize::try_from(add).unwrap_or(0)),
            "-".repeat(usize::try_from(del).unwrap_or(0)),
        ));
        added += plus;
        removed += minus;
    }
    let count = files.len();
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    out.push_str(&format!(
        " {count} file{} changed",
        if count == 1 { "" } else { "s" }
    ));
    if added > 0 || removed == 0 {
        out.push_str(&format!(", {added} insertion{}(+)", plural(added)));
    }
    if removed > 0 || added == 0 {
        out.push_str(&format!(", {removed} deletion{}(-)", plural(removed)));
    }
    out.push('\n');
    out
}

/// One file of a `--stat`.
#[derive(Clone, Debug)]
pub struct StatEntry {
    /// The path, or for a rename both paths as [`rename_name`] writes them.
    pub path: String,
    /// Lines added and removed (text files).
    pub added: u64,
    pub removed: u64,
    /// Sizes in bytes before and after, for a binary file.
    pub binary_bytes: Option<[u64; 2]>,
}

/// A renamed file's name in a stat, as git's `pprint_rename`: the common leading and
/// trailing directories once, the parts that differ in braces (`src/{a => b}/lib.rs`), or
/// `from => to` when nothing is shared.
pub fn rename_name(from: &str, to: &str) -> String {
    let (a, b) = (from.as_bytes(), to.as_bytes());
    // The common prefix, up to and including its last slash.
    let mut prefix = 0;
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            break;
        }
        if *x == b'/' {
            prefix = i + 1;
        }
    }
    // The common suffix, from a slash, not reaching into the prefix (but for its slash).
    let floor = prefix.saturating_sub(usize::from(prefix > 0));
    let mut suffix = 0;
    let (mut i, mut j) = (a.len(), b.len());
    loop {
        let (x, y) = (a.get(i), b.get(j));
        if i < floor || j < floor || x != y {
            break;
        }
        if x == Some(&b'/') {
            suffix = a.len() - i;
        }
        if i == 0 || j == 0 {
            break;
        }
        i -= 1;
        j -= 1;
    }
    let a_mid = a.len().saturating_sub(prefix + suffix);
    let b_mid = b.len().saturating_sub(prefix + suffix);
    let (head, tail) = (&from[..prefix], &from[from.len() - suffix..]);
    let (old, new) = (&from[prefix..prefix + a_mid], &to[prefix..prefix + b_mid]);
    if prefix + suffix > 0 {
        format!("{head}{{{old} => {new}}}{tail}")
    } else {
        format!("{old} => {new}")
    }
}

/// Lines a unified diff adds and removes (its `+`/`-` lines, headers left out).
pub fn count_diff_lines(diff: &str) -> (u64, u64) {
    let mut counts = (0, 0);
    for line in diff.lines() {
        if line.starts_with('+') && !line.starts_with("+++ ") {
            counts.0 += 1;
        } else if line.starts_with('-') && !line.starts_with("--- ") {
            counts.1 += 1;
        }
    }
    counts
}

/// Returns the short form of a hex id: its first 12 digits, as `ChangeId::short` and
/// `GitId::short` print them.
pub fn short(hex: &str) -> &str {
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As git 2.47 prints them (`git log --stat -M` on the same renames).
    #[test]
    fn renames_are_named_as_git_names_them() {
        assert_eq!(
            rename_name("examples/js/LICENSE.rst", "examples/js/LICENSE.txt"),
            "examples/js/{LICENSE.rst => LICENSE.txt}"
        );
        assert_eq!(
            rename_name("docs/a.rst", "docs/b.rst"),
            "docs/{a.rst => b.rst}"
        );
        assert_eq!(rename_name("a/x/f.rs", "b/x/f.rs"), "{a => b}/x/f.rs");
        assert_eq!(
            rename_name("LICENSE.rst", "LICENSE.txt"),
            "LICENSE.rst => LICENSE.txt"
        );
        assert_eq!(rename_name("src/a/f.rs", "src/b/f.rs"), "src/{a => b}/f.rs");
        assert_eq!(rename_name("f.rs", "src/f.rs"), "f.rs => src/f.rs");
        assert_eq!(rename_name("a/b", "a/b/c"), "a/{b => b/c}");
    }

    #[test]
    fn time_is_shown_in_its_offset() {
        let sig = Signature {
            name: String::new(),
            email: String::new(),
            time_seconds: 1_700_000_000,
            offset_seconds: 3600,
        };
        assert_eq!(format_time(&sig), "Tue Nov 14 23:13:20 2023 +0100");
        let sig = Signature {
            offset_seconds: -18_000,
            ..sig
        };
        assert_eq!(format_time(&sig), "Tue Nov 14 17:13:20 2023 -0500");
    }
}
