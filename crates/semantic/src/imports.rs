//! Reading an import statement's module path and the names it binds, per language.

use crate::extract::collapse;

/// Returns `(module, names)` for an import statement of language `language`.
///
/// `module` is the path as written without the imported names (`crate::auth`, `os.path`,
/// `./util`, `net/http`, `java.util`); `names` are the names the statement brings into
/// scope, aliases applied (`*` for a glob).
pub(crate) fn parse_import(
    language: &str,
    statement: &str,
    captured_module: Option<&str>,
) -> (String, Vec<String>) {
    let statement = collapse(statement);
    match language {
        "rust" => rust(&statement),
        "python" => python(&statement),
        "go" => go(&statement),
        "java" => java(&statement),
        _ => javascript(&statement, captured_module.unwrap_or_default()),
    }
}

/// The bound name of `a as b` (`b`), else `a`'s last segment after `sep`.
fn bound(item: &str, sep: &str) -> String {
    let item = item.trim();
    match item.rsplit_once(" as ") {
        Some((_, alias)) => alias.trim().to_owned(),
        None => item.rsplit(sep).next().unwrap_or(item).trim().to_owned(),
    }
}

fn rust(statement: &str) -> (String, Vec<String>) {
    let path = statement
        .trim_start_matches("pub ")
        .trim_start_matches("use ")
        .trim_start_matches("extern crate ")
        .trim_start_matches("mod ")
        .trim_end_matches(';')
        .trim();
    if let Some((module, list)) = path.split_once("::{") {
        let names = list
            .trim_end_matches('}')
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| bound(s.trim_matches(['{', '}', ' ']), "::"))
            .collect();
        return (module.to_owned(), names);
    }
    match path.rsplit_once("::") {
        Some((module, _)) => (module.to_owned(), vec![bound(path, "::")]),
        None => (String::new(), vec![bound(path, "::")]),
    }
}

fn python(statement: &str) -> (String, Vec<String>) {
    if let Some(rest) = statement.strip_prefix("from ") {
        let (module, names) = rest.split_once(" import ").unwrap_or((rest, ""));
        let names = names
            .trim_matches(['(', ')', ' '])
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| bound(s, "."))
            .collect();
        return (module.trim().to_owned(), names);
    }
    let rest = statement.trim_start_matches("import ");
    let module = rest.split(',').next().unwrap_or(rest);
    let module = module
        .split(" as ")
        .next()
        .unwrap_or(module)
        .trim()
        .to_owned();
    let names = rest
        .split(',')
        .map(|item| match item.split_once(" as ") {
            Some((_, alias)) => alias.trim().to_owned(),
            None => item.trim().split('.').next().unwrap_or("").to_owned(),
        })
        .collect();
    (module, names)
}

fn javascript(statement: &str, source: &str) -> (String, Vec<String>) {
    let mut names = Vec::new();
    if let Some(clause) = statement
        .strip_prefix("import ")
        .and_then(|s| s.split_once(" from ").map(|(c, _)| c))
    {
        let clause = clause.trim_start_matches("type ");
        let (outside, inside) = match clause.split_once('{') {
            Some((before, rest)) => (before.to_owned(), rest.split('}').next().unwrap_or("")),
            None => (clause.to_owned(), ""),
        };
        for part in outside.split(',').chain(inside.split(',')) {
            let part = part.trim().trim_start_matches("type ");
            if part.is_empty() {
                continue;
            }
            names.push(bound(part.trim_start_matches("* as "), "."));
        }
    }
    (source.to_owned(), names)
}

fn go(path: &str) -> (String, Vec<String>) {
    let spec = path.trim();
    let quoted = spec
        .rsplit(' ')
        .next()
        .unwrap_or(spec)
        .trim_matches(['"', '`']);
    let alias = spec.split_once(' ').map(|(a, _)| a.trim().to_owned());
    let name = alias.unwrap_or_else(|| quoted.rsplit('/').next().unwrap_or(quoted).to_owned());
    (quoted.to_owned(), vec![name])
}

fn java(statement: &str) -> (String, Vec<String>) {
    let path = statement
        .trim_start_matches("import ")
        .trim_start_matches("static ")
        .trim_end_matches(';')
        .trim();
    match path.rsplit_once('.') {
        Some((module, name)) => (module.to_owned(), vec![name.to_owned()]),
        None => (String::new(), vec![path.to_owned()]),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_import;

    fn names(lang: &str, s: &str, module: Option<&str>) -> (String, Vec<String>) {
        parse_import(lang, s, module)
    }

    #[test]
    fn imports_bind_the_names_each_language_binds() {
        assert_eq!(
            names("rust", "use crate::auth::{Session, Token as T};", None),
            ("crate::auth".into(), vec!["Session".into(), "T".into()])
        );
        assert_eq!(
            names("rust", "use std::io;", None),
            ("std".into(), vec!["io".into()])
        );
        assert_eq!(
            names("python", "from os.path import join, split as s", None),
            ("os.path".into(), vec!["join".into(), "s".into()])
        );
        assert_eq!(
            names("python", "import numpy as np", None),
            ("numpy".into(), vec!["np".into()])
        );
        assert_eq!(
            names(
                "javascript",
                "import React, { useState as us } from 'react';",
                Some("react")
            ),
            ("react".into(), vec!["React".into(), "us".into()])
        );
        assert_eq!(
            names("typescript", "import * as fs from \"fs\";", Some("fs")),
            ("fs".into(), vec!["fs".into()])
        );
        assert_eq!(
            names("go", "\"net/http\"", None),
            ("net/http".into(), vec!["http".into()])
        );
        assert_eq!(
            names("go", "h \"net/http\"", Some("h \"net/http\"")),
            ("net/http".into(), vec!["h".into()])
        );
        assert_eq!(
            names("java", "import java.util.List;", None),
            ("java.util".into(), vec!["List".into()])
        );
    }
}
