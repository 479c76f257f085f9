//! Planning the tasks: functions found by atomic's semantic layer (`atomic symbols
//! --json`), several per file, with planted true conflicts.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// What one agent does.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Task {
    /// 0-based; the agent is `agent-<id>`.
    pub id: usize,
    /// The file, relative to the repository root.
    pub file: String,
    /// The language, as atomic names it.
    pub language: String,
    /// The function's scoped name.
    pub symbol: String,
    /// The function's span in the base version of the file, in bytes.
    pub start_byte: usize,
    /// End of the span (exclusive).
    pub end_byte: usize,
    /// The edit.
    pub kind: TaskKind,
    /// The planted conflict this task belongs to, if any: every task of a group but the
    /// first to land must come back as a conflict.
    pub group: Option<String>,
}

/// The edit a task makes.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// A new first statement in the body (Rust), or a comment line (other languages).
    Edit,
    /// Delete the whole function.
    Delete,
    /// A new first statement calling `callee()` (Rust).
    Call {
        /// The function called.
        callee: String,
    },
}

/// One file of `atomic symbols --json`.
#[derive(Deserialize)]
pub struct FileSymbols {
    path: String,
    language: String,
    symbols: Vec<Symbol>,
    #[serde(default)]
    has_errors: bool,
}

impl FileSymbols {
    /// The file's path, relative to the repository root.
    pub fn path(&self) -> &str {
        &self.path
    }
}

#[derive(Clone, Deserialize)]
struct Symbol {
    name: String,
    scoped_name: String,
    kind: String,
    start_byte: usize,
    end_byte: usize,
    start_line: usize,
    end_line: usize,
    signature: String,
    top_level: bool,
}

/// The plan: tasks, and what it could not plant.
#[derive(Debug, Serialize)]
pub struct Plan {
    /// One per agent.
    pub tasks: Vec<Task>,
    /// Why a planted conflict is missing (no candidate function), if one is.
    pub notes: Vec<String>,
}

/// Whether the path looks like test or generated code, which `cargo check` may not build.
fn is_test_path(path: &str) -> bool {
    path.split('/')
        .any(|part| matches!(part, "tests" | "test" | "benches" | "examples" | "fuzz"))
}

/// Whether `name` occurs as a whole word in `text`.
fn count_word(text: &str, name: &str) -> usize {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name)
        .filter(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + name.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .count()
}

/// A free Rust function that takes no arguments and has no generics: safe to call as
/// `name()` from any function in the same file.
fn callable_without_arguments(s: &Symbol) -> bool {
    let sig = &s.signature;
    s.kind == "function"
        && s.top_level
        && !sig.contains('<')
        && !sig.contains("unsafe")
        && !sig.contains("async")
        && sig.contains(&format!("fn {}()", s.name))
}

/// Plans `n` tasks over `files` (`contents` gives each file's text, for checking that a
/// function to delete is not used anywhere).
///
/// Groups: three tasks edit one function (two planted conflicts); for Rust, one task
/// deletes a function nobody calls while another adds a call to it (one planted
/// conflict). The other tasks edit distinct functions, round-robin over the files so
/// that several land in each file.
pub fn plan(files: &[FileSymbols], contents: &HashMap<String, String>, n: usize) -> Plan {
    let mut notes = Vec::new();
    // Candidate functions by file: with a body (more than one line, or braces), in
    // files that parse, outside tests.
    let mut by_file: BTreeMap<&str, Vec<&Symbol>> = BTreeMap::new();
    for f in files {
        if f.has_errors || is_test_path(&f.path) || !contents.contains_key(&f.path) {
            continue;
        }
        let fns: Vec<&Symbol> = f
            .symbols
            .iter()
            .filter(|s| matches!(s.kind.as_str(), "function" | "method"))
            .filter(|s| s.end_byte > s.start_byte)
            .filter(|s| {
                f.language != "rust" || contents[&f.path][s.start_byte..s.end_byte].contains('{')
            })
            .collect();
        if fns.len() >= 2 {
            by_file.insert(&f.path, fns);
        }
    }
    let language: HashMap<&str, &str> = files
        .iter()
        .map(|f| (f.path.as_str(), f.language.as_str()))
        .collect();
    let all_rust: String = files
        .iter()
        .filter(|f| f.language == "rust")
        .filter_map(|f| contents.get(&f.path))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    let mut used: Vec<(&str, &str)> = Vec::new();
    let mut tasks = Vec::new();
    let push = |tasks: &mut Vec<Task>, file: &str, s: &Symbol, kind, group: Option<String>| {
        tasks.push(Task {
            id: tasks.len(),
            file: file.to_owned(),
            language: language[file].to_owned(),
            symbol: s.scoped_name.clone(),
            start_byte: s.start_byte,
            end_byte: s.end_byte,
            kind,
            group,
        });
    };

    // Delete a function nobody uses, while another task calls it.
    let deletable = by_file.iter().find_map(|(file, fns)| {
        if language[file] != "rust" {
            return None;
        }
        let victim = fns
            .iter()
            .find(|s| callable_without_arguments(s) && count_word(&all_rust, &s.name) == 1)?;
        let caller = fns.iter().find(|s| {
            s.name != victim.name
                && s.kind == "function"
                && s.top_level
                && !s.signature.contains("const")
        })?;
        Some((*file, *victim, *caller))
    });
    if n >= 5 {
        match deletable {
            Some((file, victim, caller)) => {
                let group = Some(format!("delete-vs-call {}", victim.scoped_name));
                push(&mut tasks, file, victim, TaskKind::Delete, group.clone());
                push(
                    &mut tasks,
                    file,
                    caller,
                    TaskKind::Call {
                        callee: victim.name.clone(),
                    },
                    group,
                );
                used.extend([
                    (file, victim.scoped_name.as_str()),
                    (file, caller.scoped_name.as_str()),
                ]);
            }
            None => notes.push(
                "no delete-vs-call conflict planted: no Rust function without arguments that \
                 nothing else names"
                    .into(),
            ),
        }
    }

    // Three tasks on one function: the longest, in the file with the most functions.
    if n >= 3 {
        let target = by_file
            .iter()
            .max_by_key(|(_, fns)| fns.len())
            .and_then(|(file, fns)| {
                fns.iter()
                    .filter(|s| !used.contains(&(file, s.scoped_name.as_str())))
                    .max_by_key(|s| s.end_line - s.start_line)
                    .map(|s| (*file, *s))
            });
        if let Some((file, s)) = target {
            let group = Some(format!("collide {}", s.scoped_name));
            for _ in 0..3 {
                push(&mut tasks, file, s, TaskKind::Edit, group.clone());
            }
            used.push((file, s.scoped_name.as_str()));
        }
    }

    // Independent edits, round-robin over the files.
    let mut queues: Vec<(&str, std::vec::IntoIter<&Symbol>)> = by_file
        .iter()
        .map(|(file, fns)| {
            let free: Vec<&Symbol> = fns
                .iter()
                .copied()
                .filter(|s| !used.contains(&(file, s.scoped_name.as_str())))
                .collect();
            (*file, free.into_iter())
        })
        .collect();
    while tasks.len() < n && queues.iter().any(|(_, q)| q.len() > 0) {
        for (file, q) in &mut queues {
            if tasks.len() >= n {
                break;
            }
            if let Some(s) = q.next() {
                push(&mut tasks, file, s, TaskKind::Edit, None);
            }
        }
    }
    if tasks.len() < n {
        notes.push(format!(
            "only {} tasks: the repository has no more functions to edit",
            tasks.len()
        ));
    }
    Plan { tasks, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_whole() {
        assert_eq!(count_word("fn ab() { ab(); abc(); x_ab(); }", "ab"), 2);
    }
}
