//! Definitions whose query pattern is the node alone (`(function_item) @definition.function`)
//! are named by the node's `name` field (`extract.rs`). The patterns they replace spelled
//! the name out with its kinds (`(function_item name: (identifier) @name)`); both find the
//! same definitions with the same names exactly when every such node's `name` field is
//! absent or one of those kinds. This checks that, on the semantic fixtures of every
//! language and on sources written for the purpose.
//!
//! A Rust `impl` is named by its type's name (`Foo` in `impl<T> a::Foo<T>`), and
//! JavaScript and TypeScript methods and members by their name when it is a property name,
//! both by walks the profile gives; the patterns they replace are the oracle for those.
//!
//! An ignored test checks every file of a supported language under a checkout of a real
//! repository, by hand: `ATOMIC_ORACLE_CORPUS=DIR cargo nextest run -p atomic-semantic
//! --run-ignored only corpus`.

#![allow(clippy::unwrap_used)]

mod corpus;

use std::path::Path;

use atomic_semantic::{SymbolKind, extract_path, language_for_path};
use tree_sitter::{Node, Parser, Query, QueryCursor, StreamingIterator};

/// (language, node kind, the kinds its spelled-out pattern allowed for the name).
const NAMED_BY_FIELD: &[(&str, &str, &[&str])] = &[
    ("rust", "function_item", &["identifier"]),
    ("rust", "function_signature_item", &["identifier"]),
    ("rust", "struct_item", &["type_identifier"]),
    ("rust", "enum_item", &["type_identifier"]),
    ("rust", "union_item", &["type_identifier"]),
    ("rust", "trait_item", &["type_identifier"]),
    ("rust", "type_item", &["type_identifier"]),
    ("rust", "associated_type", &["type_identifier"]),
    ("rust", "mod_item", &["identifier"]),
    ("rust", "const_item", &["identifier"]),
    ("rust", "static_item", &["identifier"]),
    ("rust", "macro_definition", &["identifier"]),
    ("rust", "enum_variant", &["identifier"]),
    ("rust", "field_declaration", &["field_identifier"]),
    ("python", "class_definition", &["identifier"]),
    ("python", "function_definition", &["identifier"]),
    ("javascript", "function_declaration", &["identifier"]),
    (
        "javascript",
        "generator_function_declaration",
        &["identifier"],
    ),
    ("javascript", "class_declaration", &["identifier"]),
    ("javascript", "class", &["identifier"]),
    ("typescript", "function_declaration", &["identifier"]),
    (
        "typescript",
        "generator_function_declaration",
        &["identifier"],
    ),
    ("typescript", "function_signature", &["identifier"]),
    ("typescript", "class_declaration", &["type_identifier"]),
    (
        "typescript",
        "abstract_class_declaration",
        &["type_identifier"],
    ),
    ("typescript", "class", &["type_identifier"]),
    ("typescript", "interface_declaration", &["type_identifier"]),
    ("typescript", "type_alias_declaration", &["type_identifier"]),
    ("typescript", "enum_declaration", &["identifier"]),
    (
        "typescript",
        "internal_module",
        &["identifier", "nested_identifier"],
    ),
    (
        "typescript",
        "module",
        &["identifier", "nested_identifier", "string"],
    ),
    ("go", "function_declaration", &["identifier"]),
    ("go", "type_spec", &["type_identifier"]),
    ("go", "type_alias", &["type_identifier"]),
    ("go", "field_declaration", &["field_identifier"]),
    ("go", "method_elem", &["field_identifier"]),
    ("java", "class_declaration", &["identifier"]),
    ("java", "interface_declaration", &["identifier"]),
    ("java", "enum_declaration", &["identifier"]),
    ("java", "record_declaration", &["identifier"]),
    ("java", "annotation_type_declaration", &["identifier"]),
    ("java", "method_declaration", &["identifier"]),
    ("java", "constructor_declaration", &["identifier"]),
    ("java", "compact_constructor_declaration", &["identifier"]),
    ("java", "enum_constant", &["identifier"]),
];

/// The nodes of `path` whose `name` field has a kind `table`'s spelled-out pattern left
/// out.
fn misnamed(path: &str, source: &[u8], table: &[(&str, &str, &[&str])]) -> Vec<String> {
    let profile = language_for_path(path).unwrap();
    // TSX shares TypeScript's queries.
    let language = if profile.name == "tsx" {
        "typescript"
    } else {
        profile.name
    };
    let mut parser = Parser::new();
    parser.set_language(profile.language()).unwrap();
    let tree = parser.parse(source, None).unwrap();
    let mut out = Vec::new();
    let mut stack: Vec<Node<'_>> = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
        let Some(&(_, _, kinds)) = table
            .iter()
            .find(|(l, k, _)| *l == language && *k == node.kind())
        else {
            continue;
        };
        if let Some(name) = node.child_by_field_name("name")
            && !kinds.contains(&name.kind())
        {
            out.push(format!(
                "{path}:{}: a {} named by a {}",
                node.start_position().row + 1,
                node.kind(),
                name.kind()
            ));
        }
    }
    out
}

#[test]
fn fixtures_name_definitions_as_the_patterns_did() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/semantic");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy().into_owned();
        assert_eq!(
            misnamed(&name, &std::fs::read(&path).unwrap(), NAMED_BY_FIELD),
            Vec::<String>::new()
        );
        files += 1;
    }
    assert_eq!(files, 7, "one fixture per language");
}

#[test]
fn computed_and_quoted_names_keep_their_patterns() {
    // A method or member may be named by a computed name or a string: those kinds are
    // named by a walk that takes property names only (the profile's definition patterns), as their
    // patterns did, not by field. The check finds such names if they were named by field...
    let js = "class A {\n  [Symbol.iterator]() {}\n  'quoted'() {}\n  #private() {}\n  get x() { return 1; }\n}\n";
    let methods: &[(&str, &str, &[&str])] = &[(
        "javascript",
        "method_definition",
        &["property_identifier", "private_property_identifier"],
    )];
    assert_eq!(misnamed("a.js", js.as_bytes(), methods).len(), 2);
    // ... and the kinds that are named by field hold only the kinds their patterns did.
    assert_eq!(
        misnamed("a.js", js.as_bytes(), NAMED_BY_FIELD),
        Vec::<String>::new()
    );
    let ts = "declare module \"m\" {}\nnamespace A.B {}\nmodule C {}\nabstract class D<T> { abstract m(): void }\nenum E { 'a' = 1, b }\ninterface I { [k: string]: number; 'q': number; m(): void }\ntype T = { a: 1 };\nfunction f(): void;\nconst c = class {};\n";
    assert_eq!(
        misnamed("a.ts", ts.as_bytes(), NAMED_BY_FIELD),
        Vec::<String>::new()
    );
    let others = [
        (
            "a.rs",
            "struct S(u8);\nenum E { A, B(u8) }\nunion U { a: u8 }\nmacro_rules! m { () => {} }\ntrait T { type A; fn f(); }\nconst C: u8 = 1;\nstatic S2: u8 = 1;\nmod m2 {}\n",
        ),
        ("a.py", "class A:\n    def f(self): pass\n"),
        (
            "a.go",
            "package a\n\ntype A struct{ x, y int }\ntype B = A\ntype I interface{ M() }\nfunc F() {}\n",
        ),
        (
            "A.java",
            "@interface N {}\nrecord R(int a) { R {} }\nenum E { A, B }\nclass A { A() {} void m() {} }\ninterface I {}\n",
        ),
    ];
    for (path, source) in others {
        assert_eq!(
            misnamed(path, source.as_bytes(), NAMED_BY_FIELD),
            Vec::<String>::new()
        );
    }
}

/// The names of a Rust file's `impl`s: by the pattern that spelled them out, and as
/// extracted; sorted.
fn impl_names(path: &str, source: &str) -> (Vec<String>, Vec<String>) {
    const ORACLE: &str = "(impl_item
  type: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (scoped_type_identifier name: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
  ])";
    let profile = language_for_path(path).unwrap();
    let mut parser = Parser::new();
    parser.set_language(profile.language()).unwrap();
    let tree = parser.parse(source, None).unwrap();
    let query = Query::new(profile.language(), ORACLE).unwrap();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), source.as_bytes());
    let mut want = Vec::new();
    while let Some(m) = matches.next() {
        for c in m.captures() {
            want.push(c.node.utf8_text(source.as_bytes()).unwrap().to_owned());
        }
    }
    let mut got: Vec<String> = extract_path(path, source.as_bytes())
        .unwrap()
        .symbols
        .into_iter()
        .filter(|s| s.kind == SymbolKind::Impl)
        .map(|s| s.name)
        .collect();
    want.sort();
    got.sort();
    (want, got)
}

#[test]
fn impls_are_named_as_the_pattern_named_them() {
    let source = "impl Foo {}\nimpl<T> Bar<T> {}\nimpl a::b::Baz {}\nimpl<T> c::Qux<T> {}\nimpl Trait for Foo {}\nimpl<T> Trait for &T {}\nimpl Trait for [u8] {}\nimpl<T> Trait for (T, T) {}\nimpl dyn Trait {}\n";
    let (want, got) = impl_names("a.rs", source);
    assert_eq!(want.len(), 5, "{want:?}");
    assert_eq!(got, want);
    let (path, fixture) = (
        "sample.rs",
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/semantic/sample.rs"),
        )
        .unwrap(),
    );
    let (want, got) = impl_names(path, &fixture);
    assert_eq!(got, want);
}

/// The definitions patterns of JavaScript and TypeScript as they were before any was
/// named by field or walk (commit d05afa6).
const JS_DEFS_BEFORE: &str = r#"
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (identifier) @name) @definition.class
(class name: (identifier) @name) @definition.class
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(field_definition property: [(property_identifier) (private_property_identifier)] @name) @definition.field
(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant)))
(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function
"#;
const TS_DEFS_BEFORE: &str = r#"
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(function_signature name: (identifier) @name) @definition.function
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(class name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(enum_body name: (property_identifier) @name @definition.enum_member)
(enum_assignment name: (property_identifier) @name) @definition.enum_member
(internal_module name: [(identifier) (nested_identifier)] @name) @definition.module
(module name: [(identifier) (nested_identifier) (string)] @name) @definition.module
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(abstract_method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(public_field_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.field
(property_signature name: (property_identifier) @name) @definition.field
(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant))
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant)))
"#;

/// The names a JavaScript or TypeScript file defines: by the patterns as they were (a node
/// matched by several keeps its first, as extraction does), and as extracted; sorted.
fn defined_names(path: &str, source: &str) -> (Vec<String>, Vec<String>) {
    let profile = language_for_path(path).unwrap();
    let before = if profile.name == "javascript" {
        JS_DEFS_BEFORE
    } else {
        TS_DEFS_BEFORE
    };
    let mut parser = Parser::new();
    parser.set_language(profile.language()).unwrap();
    let tree = parser.parse(source, None).unwrap();
    let query = Query::new(profile.language(), before).unwrap();
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), source.as_bytes());
    let mut by_node = std::collections::HashMap::new();
    while let Some(m) = matches.next() {
        let (mut name, mut def) = (None, None);
        for c in m.captures() {
            let capture = names[c.index as usize];
            if capture == "name" {
                name = Some(c.node);
            }
            if capture.starts_with("definition.") {
                def = Some(c.node);
            }
        }
        let (Some(name), Some(def)) = (name, def) else {
            continue;
        };
        let text = name.utf8_text(source.as_bytes()).unwrap().trim().to_owned();
        if !name.is_missing() && !text.is_empty() {
            by_node.entry(def.id()).or_insert(text);
        }
    }
    let mut want: Vec<String> = by_node.into_values().collect();
    let mut got: Vec<String> = extract_path(path, source.as_bytes())
        .unwrap()
        .symbols
        .into_iter()
        .map(|s| s.name)
        .collect();
    want.sort();
    got.sort();
    (want, got)
}

#[test]
fn javascript_and_typescript_define_what_their_patterns_did() {
    let source = "class A {\n  [Symbol.iterator]() {}\n  'quoted'() {}\n  #private() {}\n  plain() {}\n  static field = 1;\n  #hidden = 2;\n  ['computed'] = 3;\n}\nconst f = () => 1;\nexport const g = function () {};\nfunction h() {}\n";
    for path in ["a.js", "a.ts", "a.tsx"] {
        let (want, got) = defined_names(path, source);
        assert_eq!(got, want, "{path}");
    }
    let ts = "interface I { [k: string]: number; 'q': number; p: string; m(): void; ['c'](): void }\nabstract class C { abstract m(): void; abstract 'n'(): void; public f = 1; 'g' = 2 }\nenum E { 'a' = 1, b = 2, c }\ndeclare module \"m\" { function x(): void }\n";
    let (want, got) = defined_names("a.ts", ts);
    assert!(
        want.contains(&"p".to_owned()) && want.contains(&"b".to_owned()),
        "{want:?}"
    );
    assert_eq!(got, want);
    for name in ["sample.js", "sample.ts", "sample.tsx"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/semantic")
            .join(name);
        let (want, got) = defined_names(name, &std::fs::read_to_string(path).unwrap());
        assert_eq!(got, want, "{name}");
    }
}

/// Walks `ATOMIC_ORACLE_CORPUS`, by hand (see the module documentation).
#[test]
#[ignore = "needs ATOMIC_ORACLE_CORPUS=<checkout>; run with --run-ignored only"]
fn a_corpus_names_definitions_as_the_patterns_did() {
    let mut found = Vec::new();
    corpus::for_each_file(|path, source| {
        found.extend(misnamed(path, source.as_bytes(), NAMED_BY_FIELD));
        if path.ends_with(".rs") {
            let (want, got) = impl_names(path, source);
            assert_eq!(got, want, "impls of {path}");
        }
        if [".js", ".ts", ".tsx"].iter().any(|e| path.ends_with(e)) {
            let (want, got) = defined_names(path, source);
            assert_eq!(got, want, "definitions of {path}");
        }
    });
    assert_eq!(found, Vec::<String>::new());
}
