//! Calls are found by walking each call node's fields (`callees.rs`), not by query
//! patterns with children, which cost most of a query's compile time. The patterns they
//! replace are the oracle here: on sources with every shape of call, both find the same
//! callee names at the same places, and `require`/`import()` the same modules.
//!
//! An ignored test compares every file of a supported language under a checkout of a real
//! repository, by hand: `ATOMIC_ORACLE_CORPUS=DIR cargo nextest run -p atomic-semantic
//! --run-ignored only corpus`.

#![allow(clippy::unwrap_used)]

mod corpus;

use std::collections::BTreeSet;

use atomic_semantic::{extract_path, language_for_path};
use tree_sitter::{Parser, Query, QueryCursor, StreamingIterator};

/// The calls patterns as they were written before `callees.rs`, per language; one change:
/// `new this.#Made()` names the private `#Made` as `this.#Made()` does (the old pattern
/// for `new` left private names out).
fn oracle(language: &str) -> &'static str {
    match language {
        "rust" => {
            r#"
(call_expression function: (identifier) @name)
(call_expression function: (field_expression field: (field_identifier) @name))
(call_expression function: (scoped_identifier name: (identifier) @name))
(call_expression
  function: (generic_function
    function: [
      (identifier) @name
      (field_expression field: (field_identifier) @name)
      (scoped_identifier name: (identifier) @name)
    ]))
(macro_invocation macro: [(identifier) @name (scoped_identifier name: (identifier) @name)])
(token_tree (identifier) @name . (token_tree))
"#
        }
        "python" => {
            r#"
(call function: (identifier) @name)
(call function: (attribute object: (_) attribute: (identifier) @name))
"#
        }
        "javascript" | "typescript" | "tsx" => {
            r#"
(call_expression function: (identifier) @name)
(call_expression
  function: (member_expression
    object: (_)
    property: [(property_identifier) (private_property_identifier)] @name))
(new_expression
  constructor: [
    (identifier) @name
    (member_expression property: [(property_identifier) (private_property_identifier)] @name)
  ])
(call_expression
  function: (identifier) @_fn
  arguments: (arguments . (string (string_fragment) @source))
  (#eq? @_fn "require"))
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @source)))
"#
        }
        "go" => {
            r#"
(call_expression function: (identifier) @name)
(call_expression function: (selector_expression operand: (_) field: (field_identifier) @name))
"#
        }
        "java" => {
            r#"
(method_invocation name: (identifier) @name)
(object_creation_expression
  type: [
    (type_identifier) @name
    (generic_type (type_identifier) @name)
    (scoped_type_identifier (type_identifier) @name .)
    (generic_type (scoped_type_identifier (type_identifier) @name .))
  ])
(explicit_constructor_invocation constructor: [(this) (super)] @name)
"#
        }
        other => panic!("no oracle for {other}"),
    }
}

/// What the oracle finds in `source`: (byte, callee name) of each call, and the modules
/// `require`/`import()` name.
fn by_patterns(path: &str, source: &[u8]) -> (BTreeSet<(u32, String)>, BTreeSet<String>) {
    let profile = language_for_path(path).unwrap();
    let mut parser = Parser::new();
    parser.set_language(profile.language()).unwrap();
    let tree = parser.parse(source, None).unwrap();
    let query = Query::new(profile.language(), oracle(profile.name)).unwrap();
    let names = query.capture_names();
    let (mut calls, mut modules) = (BTreeSet::new(), BTreeSet::new());
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), source);
    while let Some(m) = matches.next() {
        for c in m.captures() {
            let text = c.node.utf8_text(source).unwrap().trim().to_owned();
            match names[c.index as usize] {
                "name" if !text.is_empty() => {
                    calls.insert((u32::try_from(c.node.start_byte()).unwrap(), text));
                }
                "source" => {
                    modules.insert(text);
                }
                _ => {}
            }
        }
    }
    (calls, modules)
}

/// What extraction finds: the same shapes as [`by_patterns`].
fn by_callees(path: &str, source: &[u8]) -> (BTreeSet<(u32, String)>, BTreeSet<String>) {
    let table = extract_path(path, source).unwrap();
    let calls = table
        .calls
        .iter()
        .map(|c| (c.byte, c.name.clone()))
        .collect();
    let modules = table
        .imports
        .iter()
        .filter(|i| i.text.contains("require(") || i.text.contains("import("))
        .map(|i| i.module.clone())
        .collect();
    (calls, modules)
}

fn assert_same(path: &str, source: &str) {
    let (want_calls, want_modules) = by_patterns(path, source.as_bytes());
    let (got_calls, got_modules) = by_callees(path, source.as_bytes());
    assert_eq!(got_calls, want_calls, "calls in {path}");
    assert_eq!(
        got_modules, want_modules,
        "require/import() modules in {path}"
    );
}

#[test]
fn rust_callees_match_the_patterns() {
    assert_same(
        "a.rs",
        r#"
fn run(x: &X) {
    helper(1);
    x.method(2);
    std::mem::take(&mut v);
    parse::<u32>("1");
    x.collect::<Vec<_>>();
    Vec::<u8>::with_capacity(3);
    (make())();
    x.0();
    println!("{}", format_it(y), other (z));
    std::debug_assert!(check(a));
    let f = || inner::<T>(q);
}
"#,
    );
}

#[test]
fn python_callees_match_the_patterns() {
    assert_same(
        "a.py",
        "def f(x):\n    helper(1)\n    x.method(2)\n    a.b.c(3)\n    f()()\n    (lambda: 1)()\n    super().__init__()\n    print(len(x))\n",
    );
}

#[test]
fn javascript_and_typescript_callees_match_the_patterns() {
    let source = r#"
const fs = require("fs");
const lazy = import("./lazy.js");
require(`tpl`);
require("");
function f(x) {
  helper(1);
  x.method(2);
  this.#secret();
  new Map();
  new ns.Thing();
  new this.#Made();
  a.b.c(3);
  f()();
  obj?.opt?.();
}
"#;
    assert_same("a.js", source);
    assert_same("a.ts", source);
    assert_same(
        "a.tsx",
        "const e = render(<App />);\nconst g = make<T>(1);\nnew Box<number>(2);\n",
    );
}

#[test]
fn go_callees_match_the_patterns() {
    assert_same(
        "a.go",
        "package a\n\nfunc f() {\n\thelper(1)\n\tx.Method(2)\n\tpkg.Func(3)\n\tf()()\n\tGeneric[int](4)\n\tfmt.Println(len(x))\n}\n",
    );
}

#[test]
fn java_callees_match_the_patterns() {
    assert_same(
        "A.java",
        r#"
class A extends B {
    A() { super(1); }
    A(int x) { this(); }
    void f() {
        helper(1);
        x.method(2);
        new Thing();
        new java.util.ArrayList<String>();
        new Outer.Inner();
        new Map<K, V>();
        this.<T>generic();
    }
}
"#,
    );
}

/// Walks `ATOMIC_ORACLE_CORPUS`, by hand (see the module documentation).
#[test]
#[ignore = "needs ATOMIC_ORACLE_CORPUS=<checkout>; run with --run-ignored only"]
fn callees_match_the_patterns_on_a_corpus() {
    corpus::for_each_file(assert_same);
}
