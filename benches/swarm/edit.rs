//! Applying a task's edit to the base text of its file: what an agent's editor does.

use crate::plan::{Task, TaskKind};

/// The marker a task leaves in the code, to find its edit in the final tree.
pub fn marker(task: &Task) -> String {
    format!("_task_{}", task.id)
}

/// The byte offset just inside the body's `{` of the Rust function spanning
/// `start..end` in `text`, found with tree-sitter.
fn rust_body_start(text: &str, start: usize, end: usize) -> Option<usize> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_rust::LANGUAGE.into())
        .ok()?;
    let tree = parser.parse(text, None)?;
    let node = tree
        .root_node()
        .descendant_for_byte_range(start, end.saturating_sub(1))?;
    let mut cur = Some(node);
    while let Some(n) = cur {
        if n.kind() == "function_item" && n.end_byte() <= end {
            return Some(n.child_by_field_name("body")?.start_byte() + 1);
        }
        cur = n.parent();
    }
    None
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding byte `at`, past its newline.
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The file after the task's edit, from its base text.
///
/// # Errors
/// The function is not where the plan says (the base changed under the agent).
pub fn apply(task: &Task, base: &str) -> Result<String, String> {
    let (start, end) = (task.start_byte, task.end_byte);
    if end > base.len() || !base.is_char_boundary(start) || !base.is_char_boundary(end) {
        return Err(format!(
            "{} is not at {start}..{end} in {}",
            task.symbol, task.file
        ));
    }
    let id = task.id;
    let mut out = base.to_owned();
    match &task.kind {
        TaskKind::Delete => {
            // Whole lines with the doc comments and attributes above, and one blank
            // line after, so the file stays tidy.
            let mut from = line_start(base, start);
            while from > 0 {
                let above = line_start(base, from - 1);
                let line = base[above..from].trim_start();
                if !(line.starts_with("///") || line.starts_with("#[")) {
                    break;
                }
                from = above;
            }
            let mut to = line_end(base, end.saturating_sub(1));
            if base[to..].starts_with('\n') {
                to += 1;
            }
            out.replace_range(from..to, "");
        }
        TaskKind::Edit | TaskKind::Call { .. } if task.language == "rust" => {
            let at = rust_body_start(base, start, end)
                .ok_or_else(|| format!("no body found for {} in {}", task.symbol, task.file))?;
            let statement = match &task.kind {
                TaskKind::Call { callee } => format!("let {} = {callee}();", marker(task)),
                _ => format!("let {} = {id};", marker(task)),
            };
            out.insert_str(at, &format!("\n        {statement}"));
        }
        TaskKind::Edit | TaskKind::Call { .. } => {
            // Other languages: a comment line after the function's first line, which
            // every language accepts whatever the indentation.
            let comment = match task.language.as_str() {
                "python" => "#",
                _ => "//",
            };
            let at = line_end(base, start);
            out.insert_str(
                at,
                &format!("    {comment} {} by agent-{id}\n", marker(task)),
            );
        }
    }
    Ok(out)
}

/// Whether the task's edit is in `text`, the file in a final tree (`None`: no file).
pub fn landed(task: &Task, text: Option<&str>) -> bool {
    match (&task.kind, text) {
        (TaskKind::Delete, None) => true,
        (TaskKind::Delete, Some(t)) => {
            let name = task.symbol.rsplit("::").next().unwrap_or(&task.symbol);
            !t.contains(&format!("fn {name}("))
        }
        (_, Some(t)) => t.contains(&marker(task)),
        (_, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(kind: TaskKind, text: &str, name: &str) -> Task {
        let start = text.find(&format!("fn {name}")).unwrap();
        let end = start + text[start..].find("\n}\n").unwrap() + 2;
        Task {
            id: 7,
            file: "lib.rs".into(),
            language: "rust".into(),
            symbol: name.into(),
            start_byte: start,
            end_byte: end,
            kind,
            group: None,
        }
    }

    const TEXT: &str = "/// A.\n#[inline]\nfn a() -> u32 {\n    1\n}\n\nfn b() {\n}\n";

    #[test]
    fn rust_edits_become_the_first_statement() {
        let out = apply(&task(TaskKind::Edit, TEXT, "a"), TEXT).unwrap();
        assert_eq!(
            out,
            "/// A.\n#[inline]\nfn a() -> u32 {\n        let _task_7 = 7;\n    1\n}\n\nfn b() {\n}\n"
        );
        let call = TaskKind::Call { callee: "b".into() };
        let out = apply(&task(call, TEXT, "a"), TEXT).unwrap();
        assert!(out.contains("let _task_7 = b();\n    1"));
    }

    #[test]
    fn deletes_take_whole_lines() {
        let out = apply(&task(TaskKind::Delete, TEXT, "a"), TEXT).unwrap();
        assert_eq!(out, "fn b() {\n}\n");
        assert!(landed(&task(TaskKind::Delete, TEXT, "a"), Some(&out)));
    }
}
