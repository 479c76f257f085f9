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

/// `--stat`: one line per file (` path | N ++--`, counts aligned) and a summary line, as
/// git prints them (bars not scaled to the terminal, at most 50 of each sign). `files` are
/// (path, lines added, lines removed).
pub fn format_stat<'p>(files: impl IntoIterator<Item = (&'p str, u64, u64)>) -> String {
    let files: Vec<(&str, u64, u64)> = files.into_iter().collect();
    let width = files.iter().map(|f| f.0.len()).max().unwrap_or(0);
    let digits = files
        .iter()
        .map(|f| (f.1 + f.2).to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    let (mut added, mut removed) = (0, 0);
    for (path, plus, minus) in &files {
        let bar = "+".repeat((*plus).min(50) as usize) + &"-".repeat((*minus).min(50) as usize);
        let n = plus + minus;
        out.push_str(&format!(" {path:<width$} | {n:>digits$} {bar}"));
        out.truncate(out.trim_end().len());
        out.push('\n');
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
