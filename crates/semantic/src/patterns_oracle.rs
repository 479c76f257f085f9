//! The query patterns [`crate::patterns`] replaced are its oracle: on the semantic and
//! merge fixtures of every language, on sources written for each pattern and, by hand, on
//! real repositories, the walk finds the same definitions (node, name, kind, receiver),
//! definition names, callee names, type references and imports (node and module) as the
//! queries as they were at 8333e0b, with their `name` field or walk for definitions
//! whose pattern does not capture `@name`.
//!
//! By hand, on a checkout of a real repository:
//! `ATOMIC_ORACLE_CORPUS=DIR cargo nextest run -p atomic-semantic --run-ignored only corpus`.

#![allow(clippy::unwrap_used)]

#[path = "../tests/corpus/mod.rs"]
mod corpus;

use std::collections::BTreeSet;
use std::path::Path;

use tree_sitter::{Node, Parser, Query, QueryCursor, StreamingIterator};

use crate::callees::{Child, NameWalk, follow};
use crate::patterns::{self, Use};
use crate::{LanguageProfile, language_for_path};

/// The queries as they were, per language: definitions, calls (each call kind alone),
/// references and imports, in that order, with the index of each part's first pattern.
fn oracle_parts(language: &str) -> [&'static str; 4] {
    match language {
        "rust" => [
            r#"
(function_item) @definition.function
(function_signature_item) @definition.function
(struct_item) @definition.struct
(enum_item) @definition.enum
(union_item) @definition.union
(trait_item) @definition.trait
(type_item) @definition.type
(associated_type) @definition.type
(mod_item) @definition.module
(const_item) @definition.constant
(static_item) @definition.static
(macro_definition) @definition.macro
(enum_variant) @definition.variant
(field_declaration) @definition.field
(impl_item) @definition.impl
"#,
            r#"
(call_expression) @call
(macro_invocation) @call
(token_tree) @call
"#,
            r#"
(type_identifier) @name
"#,
            r#"
(use_declaration argument: (_) @path) @import
(extern_crate_declaration name: (identifier) @name) @import
(mod_item name: (identifier) @name !body) @import
"#,
        ],
        "python" => [
            r#"
(class_definition) @definition.class
(function_definition) @definition.function
(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @definition.field)))
(module
  (expression_statement
    (assignment left: (identifier) @name) @definition.constant))
(type_alias_statement left: (type (identifier) @name)) @definition.type
"#,
            r#"
(call) @call
"#,
            r#"
(class_definition superclasses: (argument_list (identifier) @name))
"#,
            r#"
(import_statement name: [(dotted_name) @name (aliased_import name: (dotted_name) @name)]) @import
(import_from_statement module_name: [(dotted_name) (relative_import)] @module) @import
(future_import_statement) @import
"#,
        ],
        "javascript" => [
            r#"
(function_declaration) @definition.function
(generator_function_declaration) @definition.function
(class_declaration) @definition.class
(class) @definition.class
(method_definition) @definition.method
(field_definition) @definition.field
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
"#,
            r#"
(call_expression) @call
(new_expression) @call
"#,
            r#"
(class_heritage (identifier) @name)
"#,
            r#"
(import_statement source: (string (string_fragment) @source)) @import
(export_statement source: (string (string_fragment) @source)) @import
; `require("m")` and `import("m")` are calls: the profile's `callees` finds them.
"#,
        ],
        "typescript" | "tsx" => [
            r#"
(function_declaration) @definition.function
(generator_function_declaration) @definition.function
(function_signature) @definition.function
(class_declaration) @definition.class
(abstract_class_declaration) @definition.class
(class) @definition.class
(interface_declaration) @definition.interface
(type_alias_declaration) @definition.type
(enum_declaration) @definition.enum
(enum_body name: (property_identifier) @name @definition.enum_member)
(enum_assignment) @definition.enum_member
(internal_module) @definition.module
(module) @definition.module
(method_definition) @definition.method
(method_signature) @definition.method
(abstract_method_signature) @definition.method
(public_field_definition) @definition.field
(property_signature) @definition.field
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
"#,
            r#"
(call_expression) @call
(new_expression) @call
"#,
            r#"
(type_identifier) @name
"#,
            r#"
(import_statement source: (string (string_fragment) @source)) @import
(import_statement (import_require_clause source: (string (string_fragment) @source))) @import
(export_statement source: (string (string_fragment) @source)) @import
; `require("m")` and `import("m")` are calls: the profile's `callees` finds them.
"#,
        ],
        "go" => [
            r#"
(function_declaration) @definition.function
(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @receiver
        (pointer_type (type_identifier) @receiver)
        (generic_type type: (type_identifier) @receiver)
        (pointer_type (generic_type type: (type_identifier) @receiver))
      ]))
  name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec) @definition.type
(type_alias) @definition.type
(field_declaration) @definition.field
(method_elem) @definition.method
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))
(source_file (var_declaration (var_spec_list (var_spec name: (identifier) @name) @definition.variable)))
"#,
            r#"
(call_expression) @call
"#,
            r#"
(type_identifier) @name
"#,
            r#"
(import_spec path: (_) @path) @import
(package_clause (package_identifier) @name) @package
"#,
        ],
        "java" => [
            r#"
(class_declaration) @definition.class
(interface_declaration) @definition.interface
(enum_declaration) @definition.enum
(record_declaration) @definition.record
(annotation_type_declaration) @definition.annotation
(method_declaration) @definition.method
(constructor_declaration) @definition.constructor
(compact_constructor_declaration) @definition.constructor
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.field
(constant_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.constant
(enum_constant) @definition.enum_constant
"#,
            r#"
(method_invocation) @call
(object_creation_expression) @call
(explicit_constructor_invocation) @call
"#,
            r#"
(type_identifier) @name
"#,
            r#"
(import_declaration [(scoped_identifier) (identifier)] @path) @import
(package_declaration [(scoped_identifier) (identifier)] @name) @package
"#,
        ],
        other => panic!("no oracle for {other}"),
    }
}
/// The capture's symbol kind, as `extract.rs` read it.
fn kind_of(capture: &str) -> &'static str {
    match capture {
        "method" | "constructor" => "Method",
        "class" | "record" => "Class",
        "struct" | "union" => "Struct",
        "enum" => "Enum",
        "trait" => "Trait",
        "interface" | "annotation" => "Interface",
        "impl" => "Impl",
        "module" => "Module",
        "field" => "Field",
        "variant" | "enum_member" | "enum_constant" => "Variant",
        "constant" | "static" | "variable" => "Constant",
        "type" => "Type",
        "macro" => "Macro",
        _ => "Function",
    }
}

const PROPERTY_NAME: NameWalk = NameWalk {
    names: &["property_identifier", "private_property_identifier"],
    through: &[],
};

const PUBLIC_PROPERTY_NAME: NameWalk = NameWalk {
    names: &["property_identifier"],
    through: &[],
};

/// Definitions whose pattern did not capture `@name` and were not named by their `name`
/// field: the child and walk their name was reached by.
fn named_by(language: &str) -> &'static [(&'static str, Child, NameWalk)] {
    match language {
        "rust" => &[(
            "impl_item",
            Child::Field("type"),
            NameWalk {
                names: &["type_identifier"],
                through: &[
                    ("generic_type", Child::Field("type")),
                    ("scoped_type_identifier", Child::Field("name")),
                ],
            },
        )],
        "javascript" => &[
            ("method_definition", Child::Field("name"), PROPERTY_NAME),
            ("field_definition", Child::Field("property"), PROPERTY_NAME),
        ],
        "typescript" | "tsx" => &[
            ("method_definition", Child::Field("name"), PROPERTY_NAME),
            ("method_signature", Child::Field("name"), PROPERTY_NAME),
            (
                "abstract_method_signature",
                Child::Field("name"),
                PROPERTY_NAME,
            ),
            (
                "public_field_definition",
                Child::Field("name"),
                PROPERTY_NAME,
            ),
            (
                "property_signature",
                Child::Field("name"),
                PUBLIC_PROPERTY_NAME,
            ),
            (
                "enum_assignment",
                Child::Field("name"),
                PUBLIC_PROPERTY_NAME,
            ),
        ],
        _ => &[],
    }
}

type Span = (usize, usize);

/// A definition found: (definition, name, kind, receiver).
type FoundDef = (Span, Span, String, Option<Span>);

fn span(node: Node<'_>) -> Span {
    (node.start_byte(), node.end_byte())
}

/// What one side found, in comparable form.
#[derive(Debug, Default, PartialEq, Eq)]
struct Seen {
    definitions: BTreeSet<FoundDef>,
    /// (name, whether a call), without the type references at a definition's name
    /// (`extract.rs` drops those: the queries and the walk may differ in which names of
    /// `var e, f int` they report, never in a reference).
    uses: BTreeSet<(Span, bool)>,
    /// (statement, module)
    imports: BTreeSet<(Span, Option<Span>)>,
}

fn text<'s>(node: Node<'_>, source: &'s [u8]) -> &'s str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

/// The queries' findings, as `extract.rs` made them at 8333e0b.
fn by_queries(profile: &LanguageProfile, root: Node<'_>, source: &[u8]) -> Seen {
    let parts = oracle_parts(profile.name);
    let mut text_all = String::new();
    let mut ends = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        text_all.push_str(part);
        text_all.push('\n');
        ends.push((text_all.len(), i));
    }
    let query = Query::new(profile.language(), &text_all).unwrap();
    let part_of = |pattern: usize| {
        let start = query.start_byte_for_pattern(pattern);
        ends.iter().find(|(end, _)| start < *end).unwrap().1
    };
    let names = query.capture_names();
    let mut seen = Seen::default();
    let mut name_bytes = BTreeSet::new();
    // By definition node: (pattern index, entry).
    let mut defs: std::collections::HashMap<usize, (usize, FoundDef)> =
        std::collections::HashMap::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, root, source);
    while let Some(m) = matches.next() {
        match part_of(m.pattern_index) {
            1 => {
                for c in m.captures() {
                    profile.symbols.callees.names_of(c.node, |name| {
                        seen.uses.insert((span(name), true));
                    });
                    if let Some((call, module)) = profile.symbols.callees.import_of(c.node, source)
                    {
                        seen.imports.insert((span(call), module.map(span)));
                    }
                }
                continue;
            }
            2 => {
                for c in m
                    .captures()
                    .iter()
                    .filter(|c| names[c.index as usize] == "name")
                {
                    seen.uses.insert((span(c.node), false));
                }
                continue;
            }
            3 => {
                let Some(node) = m
                    .captures()
                    .iter()
                    .find(|c| names[c.index as usize] == "import")
                else {
                    continue;
                };
                let module = m
                    .captures()
                    .iter()
                    .find(|c| matches!(names[c.index as usize], "path" | "source" | "module"))
                    .map(|c| span(c.node));
                seen.imports.insert((span(node.node), module));
                continue;
            }
            _ => {}
        }
        let (mut name, mut def, mut kind, mut receiver) = (None, None, "", None);
        for c in m.captures() {
            match names[c.index as usize] {
                "name" => name = Some(c.node),
                "receiver" => receiver = Some(c.node),
                n => {
                    if let Some(k) = n.strip_prefix("definition.") {
                        def = Some(c.node);
                        kind = k;
                    }
                }
            }
        }
        let name = name.or_else(|| {
            let def = def?;
            match named_by(profile.name)
                .iter()
                .find(|(k, ..)| *k == def.kind())
            {
                Some((_, child, walk)) => walk.name(follow(def, *child)),
                None => def.child_by_field_name("name"),
            }
        });
        let (Some(name), Some(def)) = (name, def) else {
            continue;
        };
        if name.is_missing() || text(name, source).trim().is_empty() {
            continue;
        }
        name_bytes.insert(name.start_byte());
        if defs
            .get(&def.id())
            .is_some_and(|(p, _)| *p <= m.pattern_index)
        {
            continue;
        }
        defs.insert(
            def.id(),
            (
                m.pattern_index,
                (
                    span(def),
                    span(name),
                    kind_of(kind).to_owned(),
                    receiver.map(span),
                ),
            ),
        );
    }
    seen.definitions = defs.into_values().map(|(_, d)| d).collect();
    seen.uses
        .retain(|&((start, _), call)| call || !name_bytes.contains(&start));
    seen
}

/// The walk's findings.
fn by_walk(profile: &LanguageProfile, root: Node<'_>, source: &[u8]) -> Seen {
    let found = patterns::find(profile.kinds(), profile.symbols, root, source);
    Seen {
        definitions: found
            .definitions
            .iter()
            .map(|d| {
                (
                    span(d.def),
                    span(d.name),
                    format!("{:?}", d.symbol),
                    d.receiver.map(span),
                )
            })
            .collect(),
        uses: found
            .uses
            .iter()
            .filter(|&&(n, u)| u == Use::Call || !found.name_bytes.contains(&n.start_byte()))
            .map(|&(n, u)| (span(n), u == Use::Call))
            .collect(),
        imports: found
            .imports
            .iter()
            .map(|&(n, m)| (span(n), m.map(span)))
            .collect(),
    }
}

/// Compares both on `source`; returns what the queries found, for counting.
fn compare(path: &str, source: &str) -> Seen {
    let profile = language_for_path(path).unwrap();
    let mut parser = Parser::new();
    parser.set_language(profile.language()).unwrap();
    let tree = parser.parse(source, None).unwrap();
    let root = tree.root_node();
    let old = by_queries(profile, root, source.as_bytes());
    let new = by_walk(profile, root, source.as_bytes());
    if old != new {
        fn diff<T: Ord + Clone + std::fmt::Debug>(
            what: &str,
            a: &BTreeSet<T>,
            b: &BTreeSet<T>,
        ) -> String {
            let only_a: Vec<&T> = a.difference(b).collect();
            let only_b: Vec<&T> = b.difference(a).collect();
            format!("{what}:\n  only the queries {only_a:?}\n  only the walk    {only_b:?}")
        }
        panic!(
            "{path}: the walk and the queries differ\n{}\n{}\n{}",
            diff("definitions", &old.definitions, &new.definitions),
            diff("uses", &old.uses, &new.uses),
            diff("imports", &old.imports, &new.imports),
        );
    }
    old
}

/// Sources with every shape the patterns name, per extension.
const WRITTEN: &[(&str, &str)] = &[
    (
        "w.rs",
        "extern crate serde;\nextern crate self as me;\nmod inner;\nmod body { fn f() {} }\nuse a::{b, c as d};\nuse e::*;\nimpl<T> a::Foo<T> { fn m(&self) -> Bar { g(); self.h(); i::j(); k::<u8>(); println!(\"{}\", l()); } }\nimpl Trait for Baz {}\nunion U { a: u8 }\nmacro_rules! m { () => {} }\nstatic S: u8 = 0;\nconst C: u8 = 0;\ntype T = u8;\ntrait Tr { type A; fn s(); }\nenum E { V(u8), W { x: u8 } }\nstruct St { f: Vec<u8> }\n",
    ),
    (
        "w.py",
        "import a, b.c as d\nimport e.f\nfrom . import g\nfrom ..h import i\nfrom j.k import (l, m)\nfrom __future__ import annotations\nX = 1\nY: int = 2\nx, y = 1, 2\ntype Alias = list[int]\ntype Gen[T] = list[T]\nclass C(Base, m.Other, metaclass=Meta):\n    field = 3\n    other: int = 4\n    def method(self):\n        f(x)\n        self.g()\n        z = 1\ndef top():\n    return C()\n",
    ),
    (
        "w.js",
        "import a from \"mod-a\";\nimport \"side\";\nimport { b } from 'mod-b';\nimport \"\";\nexport { c } from \"mod-c\";\nexport * from \"mod-d\";\nexport const k = 1, l = () => 2;\nconst m = require(\"mod-e\");\nconst n = function () {}, o = 3;\nvar p = function* () {};\nlet q = async () => { await import(\"mod-f\"); };\nobj.prop = () => {};\nobj.a.b = function () {};\nx = () => {};\nthis.#f = () => {};\nclass A extends B { #p = 1; q = 2; static r() {} [s]() {} 'u'() {} get v() { return new C(); } }\nconst D = class extends mixin(E) {};\nfunction* gen() { yield f(); }\nfunction f() { if (x) { const inner = () => 1; } }\n",
    ),
    (
        "w.ts",
        "import a = require(\"mod-a\");\nimport b from \"mod-b\";\nimport type { C } from \"mod-c\";\nexport { d } from \"mod-d\";\nexport const e: E = 1, f = (): F => 2;\nenum G { H, I = 2, 'J' = 3 }\nconst enum K { L }\ndeclare module \"m\" { export function n(): void; }\nnamespace O { export const p = 1; }\ninterface Q { r: R; s(): S; [k: string]: T }\ntype U = { v: V; w(): W };\nabstract class X<Y> extends Z implements AA { abstract bb(): void; cc = 1; #dd = 2; private ee?: EE; constructor() { super(); } }\nfunction ff(x: GG): HH { return new II<JJ>(); }\nfunction gg(): void;\nlet hh = function () {}, ii = async <T,>(x: T) => x;\n",
    ),
    (
        "w.go",
        "package p\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n\t_ \"embed\"\n)\n\nimport \"strings\"\n\nconst a, b = 1, 2\nconst (\n\tc = iota\n\td\n)\nvar e, f int\nvar (\n\tg = 1\n\th string\n)\ntype S struct{ A int; B, C string }\ntype I interface{ M(); N() int }\ntype T = int\ntype G[K comparable] struct{}\ntype (\n\tU int\n\tV struct{}\n)\nfunc (s S) Value() {}\nfunc (s *S) Pointer() { fmt.Println(x.Args) }\nfunc (g G[K]) Generic() {}\nfunc (g *G[K]) GenericPointer() {}\nfunc (S) Unnamed() {}\nfunc top() { var local = 1; const inner = 2; s.Value(); strings.ToUpper(\"\") }\n",
    ),
    (
        "W.java",
        "package a.b;\nimport java.util.List;\nimport static java.lang.Math.max;\nimport java.io.*;\npublic class W<T> extends Base implements I {\n  private int a, b = 2;\n  static final String C = \"c\";\n  W() { this(1); }\n  W(int x) { super(); }\n  <U> U m(List<U> l) { return l.get(max(1, 2)); }\n  record R(int x) { R { } }\n  enum E { A, B(1); E() {} E(int x) {} }\n  interface J { int K = 1; void n(); }\n  @interface Ann { String value(); }\n  void o() { new Outer.Inner<T>(); new W<>(); }\n}\n",
    ),
];

/// Every fixture of `testdata/semantic` and `testdata/merge`, and the written sources.
#[test]
fn the_walk_finds_what_the_queries_found() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let mut totals: std::collections::BTreeMap<&str, [usize; 4]> = Default::default();
    let mut count = |path: &str, seen: Seen| {
        let t = totals
            .entry(language_for_path(path).unwrap().name)
            .or_default();
        t[0] += seen.definitions.len();
        t[1] += seen.uses.iter().filter(|u| u.1).count();
        t[2] += seen.uses.iter().filter(|u| !u.1).count();
        t[3] += seen.imports.len();
    };
    for dir in ["semantic", "merge"] {
        for entry in ignore::Walk::new(root.join(dir)).flatten() {
            let path = entry.path().to_string_lossy().into_owned();
            if language_for_path(&path).is_none() || !entry.path().is_file() {
                continue;
            }
            let source = std::fs::read_to_string(entry.path()).unwrap();
            count(&path, compare(&path, &source));
        }
    }
    for (path, source) in WRITTEN {
        count(path, compare(path, source));
    }
    // The comparison saw every kind of finding in every language.
    for name in [
        "rust",
        "python",
        "javascript",
        "typescript",
        "tsx",
        "go",
        "java",
    ] {
        let t = totals.get(name).copied().unwrap_or_default();
        assert!(
            t.iter().all(|&n| n > 0),
            "{name}: {t:?} (definitions, calls, references, imports)"
        );
    }
}

/// The same over every file under `ATOMIC_ORACLE_CORPUS`, by hand.
#[test]
#[ignore = "needs ATOMIC_ORACLE_CORPUS=<checkout of a repository>"]
fn corpus_walk_finds_what_the_queries_found() {
    corpus::for_each_file(|path, source| {
        compare(path, source);
    });
}
