//! The language table: one profile per language, as data. Grammars and queries are loaded
//! on first use.

use std::sync::OnceLock;

use tree_sitter::{Language, Query};

use crate::callees::{Callees, Child, NameWalk, follow};

/// How atomic reads one language.
pub struct LanguageProfile {
    /// The language's name: `rust`, `python`, `javascript`, `typescript`, `tsx`, `go`, `java`.
    pub name: &'static str,
    /// File name extensions, without the dot.
    pub extensions: &'static [&'static str],
    /// Joins scopes in scoped names: `::` for Rust, `.` elsewhere.
    pub scope_separator: &'static str,
    /// Node kinds that wrap a single definition and belong to it (`export_statement`,
    /// `decorated_definition`, a one-binding `lexical_declaration`).
    pub wrappers: &'static [&'static str],
    /// Node kinds of comments, which travel with the definition they precede.
    pub comments: &'static [&'static str],
    /// Node kinds of attributes and decorators that precede a definition as siblings.
    pub attributes: &'static [&'static str],
    /// Line prefixes (after indentation) of comments, attributes and decorators that
    /// belong to the definition below them: a merge moves them with it.
    pub leading_prefixes: &'static [&'static str],
    /// Whether indentation is syntax (Python): a merge never takes one side's re-indent
    /// as layout only.
    pub significant_indentation: bool,
    /// Of the leading prefixes, those of attributes, annotations and decorators (`#[`, `@`):
    /// lines both sides add above one definition are kept, ours first.
    pub attribute_prefixes: &'static [&'static str],
    /// Node kinds whose named children are statements, members or cases, each one unit
    /// of code (a function body's `block`, a `class_body`, a `match_block`, the file's
    /// root). The merge takes edits by both sides inside one such child as a conflict.
    pub statement_parents: &'static [&'static str],
    /// Node kinds whose children may come in any order: match arms, switch cases, struct
    /// fields, enum variants, object literal and interface members, import lists. Where
    /// both sides insert new children at one place of such a node, the merge keeps both,
    /// ours first. (Mergiraf's commutative parents, in `supported_langs.rs`, are the
    /// anchor.)
    pub commutative_parents: &'static [&'static str],
    /// Lists written on a line (or a few) whose members may come in any order, with their
    /// separator: `#[derive(A, B)]`, `T: A + B`, `{ a: 1, b: 2 }`, `throws A, B`, JSX
    /// attributes. Where both sides change one such list, the merge applies each side's
    /// added, removed and changed members to the other's (Mergiraf's commutative parents
    /// with their separators, in `supported_langs.rs`, are the anchor).
    pub separated_lists: &'static [SeparatedList],
    /// Of those, the ones whose children fall through into the next (C-style `switch`
    /// cases): there ours' inserted lines must end by leaving the case (`break`,
    /// `return`, `throw`, `continue`), or theirs would run after them.
    pub fallthrough_parents: &'static [&'static str],
    grammar: fn() -> Language,
    queries: QueryTexts,
    /// What calls call: the calls query is made of these call kinds.
    pub(crate) callees: Callees,
    /// Definition kinds not named by their `name` field, each with the child their name
    /// is reached from and the walk down to it (a Rust `impl`: its type's name).
    pub(crate) named_by: &'static [(&'static str, Child, NameWalk)],
    /// The grammar, loaded on first use (cheap: parsing needs only this).
    language: OnceLock<Language>,
    /// The compiled queries, on first use (costly: tens of milliseconds).
    loaded: OnceLock<Loaded>,
}

/// A list node whose members commute (see [`LanguageProfile::separated_lists`]).
#[derive(Clone, Copy, Debug)]
pub struct SeparatedList {
    /// The list's node kind.
    pub kind: &'static str,
    /// The kind its parent must have (`Some("attribute")` for a Rust `token_tree`, which
    /// is only a list of commuting members inside `#[...]`); `None`: any parent.
    pub parent: Option<&'static str>,
    /// The name the list must be assigned to (its parent's `left` field): Python's
    /// `__all__` is a set of names, other lists keep their order. `None`: any.
    pub assigned_to: Option<&'static str>,
    /// The token between members (`,`, `+`); `""` where members stand apart by white
    /// space alone (JSX attributes).
    pub separator: &'static str,
    /// Whether every child is a member, keywords included (Java's `modifiers`: `public
    /// static final`); otherwise leading and trailing tokens are delimiters (`{`, `}`,
    /// `throws`) and members are named nodes.
    pub bare: bool,
    /// The member kinds that may be added, removed or changed; `&[]`: all. A call's
    /// `argument_list` commutes its keyword arguments only, never positional ones.
    pub movable: &'static [&'static str],
}

impl SeparatedList {
    /// Any member commutes.
    const fn of(kind: &'static str, separator: &'static str) -> Self {
        SeparatedList {
            kind,
            parent: None,
            assigned_to: None,
            bare: false,
            separator,
            movable: &[],
        }
    }
}

/// A profile's tree-sitter queries (`queries/<language>/*.scm`): definitions capture
/// `@definition.<kind>` and `@name`, or are named by their node's `name` field or by
/// [`LanguageProfile::named_by`] (the cheaper pattern to compile, see
/// [`crate::callees`]); references capture `@name`;
/// imports capture `@import` with `@path`, `@source` or `@module`. Calls are profile
/// data ([`Callees`]).
struct QueryTexts {
    defs: &'static str,
    imports: &'static str,
    refs: &'static str,
}

/// A profile's grammar and compiled queries.
pub(crate) struct Loaded {
    /// The four queries compiled as one, so extraction walks the tree once.
    pub query: Query,
    /// What each of `query`'s patterns finds, by pattern index.
    pub patterns: Vec<PatternKind>,
}

/// What a pattern of the combined query finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatternKind {
    Definition,
    Call,
    Reference,
    Import,
}

impl LanguageProfile {
    /// Returns the grammar and queries, compiling them on first use.
    ///
    /// # Panics
    /// When a bundled query does not compile against its grammar: a bug caught by the
    /// crate's tests.
    pub(crate) fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            let language = self.language();
            let calls = self.callees.patterns();
            let parts = [
                ("definitions", self.queries.defs, PatternKind::Definition),
                ("calls", calls.as_str(), PatternKind::Call),
                ("references", self.queries.refs, PatternKind::Reference),
                ("imports", self.queries.imports, PatternKind::Import),
            ];
            // Compiled once, as one query (analysis is most of a process's start-up cost);
            // each pattern's kind follows from the part its text starts in.
            let mut text = String::new();
            let mut ends = Vec::new();
            for (_, part, kind) in parts {
                text.push_str(part);
                text.push('\n');
                ends.push((text.len(), kind));
            }
            let query = Query::new(language, &text).unwrap_or_else(|e| {
                // Compiled alone, a broken part names itself.
                for (what, part, _) in parts {
                    if let Err(e) = Query::new(language, part) {
                        panic!("the {} {what} query does not compile: {e}", self.name);
                    }
                }
                panic!("the {} queries do not compile together: {e}", self.name)
            });
            let patterns = (0..query.pattern_count())
                .map(|i| {
                    let start = query.start_byte_for_pattern(i);
                    ends.iter()
                        .find(|(end, _)| start < *end)
                        .map_or(PatternKind::Import, |(_, kind)| *kind)
                })
                .collect();
            Loaded { query, patterns }
        })
    }

    /// The name node of definition `def` whose pattern does not capture `@name`: its
    /// `name` field, or where [`LanguageProfile::named_by`] says.
    pub(crate) fn definition_name<'t>(
        &self,
        def: tree_sitter::Node<'t>,
    ) -> Option<tree_sitter::Node<'t>> {
        match self.named_by.iter().find(|(kind, ..)| *kind == def.kind()) {
            Some((_, child, walk)) => walk.name(follow(def, *child)),
            None => def.child_by_field_name("name"),
        }
    }

    /// Returns the tree-sitter grammar (without compiling the queries).
    pub fn language(&self) -> &Language {
        self.language.get_or_init(|| (self.grammar)())
    }

    /// Compiles the profile's queries now, if not yet done (see [`crate::extract_versions`]).
    pub fn prepare(&self) {
        self.loaded();
    }

    /// The compiled queries, when they are.
    pub(crate) fn loaded_already(&self) -> Option<&Loaded> {
        self.loaded.get()
    }
}

macro_rules! queries {
    ($dir:literal) => {
        QueryTexts {
            defs: include_str!(concat!("../queries/", $dir, "/defs.scm")),
            imports: include_str!(concat!("../queries/", $dir, "/imports.scm")),
            refs: include_str!(concat!("../queries/", $dir, "/refs.scm")),
        }
    };
}

const RUST_CALLEES: Callees = Callees {
    calls: &[
        ("call_expression", Child::Field("function")),
        ("macro_invocation", Child::Field("macro")),
        ("token_tree", Child::NameBeforeOwnKind),
    ],
    walk: NameWalk {
        names: &["identifier", "field_identifier"],
        through: &[
            ("field_expression", Child::Field("field")),
            ("scoped_identifier", Child::Field("name")),
            ("generic_function", Child::Field("function")),
        ],
    },
    imports: &[],
};

/// `impl<T> a::Foo<T>` is named `Foo`.
const RUST_NAMED_BY: &[(&str, Child, NameWalk)] = &[(
    "impl_item",
    Child::Field("type"),
    NameWalk {
        names: &["type_identifier"],
        through: &[
            ("generic_type", Child::Field("type")),
            ("scoped_type_identifier", Child::Field("name")),
        ],
    },
)];

const PYTHON_CALLEES: Callees = Callees {
    calls: &[("call", Child::Field("function"))],
    walk: NameWalk {
        names: &["identifier"],
        through: &[("attribute", Child::Field("attribute"))],
    },
    imports: &[],
};

/// JavaScript, TypeScript and TSX.
const JS_CALLEES: Callees = Callees {
    calls: &[
        ("call_expression", Child::Field("function")),
        ("new_expression", Child::Field("constructor")),
    ],
    walk: NameWalk {
        names: &[
            "identifier",
            "property_identifier",
            "private_property_identifier",
        ],
        through: &[("member_expression", Child::Field("property"))],
    },
    imports: &["require", "import"],
};

/// JavaScript methods and fields: named when the name is a plain or private property
/// name, not when it is computed or quoted (`[Symbol.iterator]()`, `'q'()`).
const JS_NAMED_BY: &[(&str, Child, NameWalk)] = &[
    ("method_definition", Child::Field("name"), PROPERTY_NAME),
    ("field_definition", Child::Field("property"), PROPERTY_NAME),
];

/// TypeScript's methods, fields and members, as JavaScript's.
const TS_NAMED_BY: &[(&str, Child, NameWalk)] = &[
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
];

const PROPERTY_NAME: NameWalk = NameWalk {
    names: &["property_identifier", "private_property_identifier"],
    through: &[],
};

const PUBLIC_PROPERTY_NAME: NameWalk = NameWalk {
    names: &["property_identifier"],
    through: &[],
};

const GO_CALLEES: Callees = Callees {
    calls: &[("call_expression", Child::Field("function"))],
    walk: NameWalk {
        names: &["identifier", "field_identifier"],
        through: &[("selector_expression", Child::Field("field"))],
    },
    imports: &[],
};

const JAVA_CALLEES: Callees = Callees {
    calls: &[
        ("method_invocation", Child::Field("name")),
        ("object_creation_expression", Child::Field("type")),
        (
            "explicit_constructor_invocation",
            Child::Field("constructor"),
        ),
    ],
    walk: NameWalk {
        names: &["identifier", "type_identifier", "this", "super"],
        // `new Outer.Inner<T>()`: the generic's type, the scoped type's last segment.
        through: &[
            ("generic_type", Child::First),
            ("scoped_type_identifier", Child::Last),
        ],
    },
    imports: &[],
};

const JS_WRAPPERS: &[&str] = &[
    "export_statement",
    "lexical_declaration",
    "variable_declaration",
];

const JS_STATEMENT_PARENTS: &[&str] = &[
    "program",
    "statement_block",
    "class_body",
    "switch_body",
    "switch_case",
    "switch_default",
];

const RUST_LISTS: &[SeparatedList] = &[
    SeparatedList {
        parent: Some("attribute"),
        ..SeparatedList::of("token_tree", ",")
    },
    SeparatedList::of("trait_bounds", "+"),
    SeparatedList::of("field_initializer_list", ","),
    SeparatedList::of("field_declaration_list", ","),
    SeparatedList::of("enum_variant_list", ","),
    SeparatedList::of("use_list", ","),
];

const PYTHON_LISTS: &[SeparatedList] = &[
    SeparatedList {
        parent: Some("assignment"),
        assigned_to: Some("__all__"),
        ..SeparatedList::of("list", ",")
    },
    SeparatedList::of("set", ","),
    SeparatedList::of("dictionary", ","),
    SeparatedList {
        movable: &["keyword_argument"],
        ..SeparatedList::of("argument_list", ",")
    },
];

const JS_LISTS: &[SeparatedList] = &[
    SeparatedList::of("object", ","),
    SeparatedList::of("named_imports", ","),
    SeparatedList::of("jsx_opening_element", ""),
    SeparatedList::of("jsx_self_closing_element", ""),
];

const JAVA_LISTS: &[SeparatedList] = &[
    SeparatedList::of("throws", ","),
    SeparatedList::of("catch_type", "|"),
    SeparatedList {
        bare: true,
        ..SeparatedList::of("modifiers", "")
    },
    SeparatedList::of("type_list", ","),
    SeparatedList::of("annotation_argument_list", ","),
];

const JS_COMMUTATIVE_PARENTS: &[&str] = &["object", "switch_body", "named_imports"];

const TS_COMMUTATIVE_PARENTS: &[&str] = &[
    "object",
    "switch_body",
    "named_imports",
    "object_type",
    "interface_body",
    "enum_body",
];

const TS_STATEMENT_PARENTS: &[&str] = &[
    "program",
    "statement_block",
    "class_body",
    "switch_body",
    "switch_case",
    "switch_default",
    "enum_body",
    "interface_body",
    "object_type",
];

/// Every language atomic understands.
pub static LANGUAGES: [LanguageProfile; 7] = [
    LanguageProfile {
        name: "rust",
        statement_parents: &[
            "source_file",
            "block",
            "declaration_list",
            "field_declaration_list",
            "enum_variant_list",
            "match_block",
        ],
        commutative_parents: &[
            "match_block",
            "field_declaration_list",
            "enum_variant_list",
            "use_list",
            "field_initializer_list",
        ],
        separated_lists: RUST_LISTS,
        fallthrough_parents: &[],
        leading_prefixes: &["//", "/*", "*", "#["],
        significant_indentation: false,
        attribute_prefixes: &["#["],
        extensions: &["rs"],
        scope_separator: "::",
        wrappers: &[],
        comments: &["line_comment", "block_comment"],
        attributes: &["attribute_item"],
        grammar: || tree_sitter_rust::LANGUAGE.into(),
        queries: queries!("rust"),
        callees: RUST_CALLEES,
        named_by: RUST_NAMED_BY,
        language: OnceLock::new(),
        loaded: OnceLock::new(),
    },
    LanguageProfile {
        name: "python",
        statement_parents: &["module", "block"],
        commutative_parents: &[],
        separated_lists: PYTHON_LISTS,
        fallthrough_parents: &[],
        leading_prefixes: &["#", "@"],
        significant_indentation: true,
        attribute_prefixes: &["@"],
        extensions: &["py", "pyi"],
        scope_separator: ".",
        wrappers: &["decorated_definition", "expression_statement"],
        comments: &["comment"],
        attributes: &[],
        grammar: || tree_sitter_python::LANGUAGE.into(),
        queries: queries!("python"),
        callees: PYTHON_CALLEES,
        named_by: &[],
        language: OnceLock::new(),
        loaded: OnceLock::new(),
    },
    LanguageProfile {
        name: "javascript",
        statement_parents: JS_STATEMENT_PARENTS,
        commutative_parents: JS_COMMUTATIVE_PARENTS,
        separated_lists: JS_LISTS,
        fallthrough_parents: &["switch_body"],
        leading_prefixes: &["//", "/*", "*", "@"],
        significant_indentation: false,
        attribute_prefixes: &["@"],
        extensions: &["js", "mjs", "cjs", "jsx"],
        scope_separator: ".",
        wrappers: JS_WRAPPERS,
        comments: &["comment"],
        attributes: &["decorator"],
        grammar: || tree_sitter_javascript::LANGUAGE.into(),
        queries: queries!("javascript"),
        callees: JS_CALLEES,
        named_by: JS_NAMED_BY,
        language: OnceLock::new(),
        loaded: OnceLock::new(),
    },
    LanguageProfile {
        name: "typescript",
        statement_parents: TS_STATEMENT_PARENTS,
        commutative_parents: TS_COMMUTATIVE_PARENTS,
        separated_lists: JS_LISTS,
        fallthrough_parents: &["switch_body"],
        leading_prefixes: &["//", "/*", "*", "@"],
        significant_indentation: false,
        attribute_prefixes: &["@"],
        extensions: &["ts", "mts", "cts"],
        scope_separator: ".",
        wrappers: JS_WRAPPERS,
        comments: &["comment"],
        attributes: &["decorator"],
        grammar: || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        queries: queries!("typescript"),
        callees: JS_CALLEES,
        named_by: TS_NAMED_BY,
        language: OnceLock::new(),
        loaded: OnceLock::new(),
    },
    LanguageProfile {
        name: "tsx",
        statement_parents: TS_STATEMENT_PARENTS,
        commutative_parents: TS_COMMUTATIVE_PARENTS,
        separated_lists: JS_LISTS,
        fallthrough_parents: &["switch_body"],
        leading_prefixes: &["//", "/*", "*", "@"],
        significant_indentation: false,
        attribute_prefixes: &["@"],
        extensions: &["tsx"],
        scope_separator: ".",
        wrappers: JS_WRAPPERS,
        comments: &["comment"],
        attributes: &["decorator"],
        grammar: || tree_sitter_typescript::LANGUAGE_TSX.into(),
        queries: queries!("typescript"),
        callees: JS_CALLEES,
        named_by: TS_NAMED_BY,
        language: OnceLock::new(),
        loaded: OnceLock::new(),
    },
    LanguageProfile {
        name: "go",
        statement_parents: &[
            "source_file",
            "block",
            "statement_list",
            "field_declaration_list",
            "expression_case",
            "default_case",
            "type_case",
            "communication_case",
        ],
        commutative_parents: &[
            "field_declaration_list",
            "expression_switch_statement",
            "type_switch_statement",
            "import_spec_list",
        ],
        separated_lists: &[],
        fallthrough_parents: &[],
        leading_prefixes: &["//", "/*", "*"],
        significant_indentation: false,
        attribute_prefixes: &[],
        extensions: &["go"],
        scope_separator: ".",
        wrappers: &["type_declaration", "const_declaration", "var_declaration"],
        comments: &["comment"],
        attributes: &[],
        grammar: || tree_sitter_go::LANGUAGE.into(),
        queries: queries!("go"),
        callees: GO_CALLEES,
        named_by: &[],
        language: OnceLock::new(),
        loaded: OnceLock::new(),
    },
    LanguageProfile {
        name: "java",
        statement_parents: &[
            "program",
            "block",
            "class_body",
            "interface_body",
            "enum_body",
            "enum_body_declarations",
            "constructor_body",
            "switch_block",
            "switch_block_statement_group",
            "annotation_type_body",
        ],
        commutative_parents: &["switch_block", "enum_body"],
        separated_lists: JAVA_LISTS,
        fallthrough_parents: &["switch_block"],
        leading_prefixes: &["//", "/*", "*", "@"],
        significant_indentation: false,
        attribute_prefixes: &["@"],
        extensions: &["java"],
        scope_separator: ".",
        wrappers: &[],
        comments: &["line_comment", "block_comment"],
        attributes: &[],
        grammar: || tree_sitter_java::LANGUAGE.into(),
        queries: queries!("java"),
        callees: JAVA_CALLEES,
        named_by: &[],
        language: OnceLock::new(),
        loaded: OnceLock::new(),
    },
];

/// Returns the profile for a path by its extension, `None` for an unknown language.
pub fn language_for_path(path: &str) -> Option<&'static LanguageProfile> {
    let file = path.rsplit('/').next()?;
    let (_, ext) = file.rsplit_once('.')?;
    LANGUAGES
        .iter()
        .find(|p| p.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Returns the profile named `name`.
pub fn language_by_name(name: &str) -> Option<&'static LanguageProfile> {
    LANGUAGES.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_compiles_against_its_grammar() {
        for profile in &LANGUAGES {
            let loaded = profile.loaded();
            // Each pattern's kind is the part it came from: counts match the parts alone.
            let q = &profile.queries;
            let calls = profile.callees.patterns();
            for (part, kind) in [
                (q.defs, PatternKind::Definition),
                (calls.as_str(), PatternKind::Call),
                (q.refs, PatternKind::Reference),
                (q.imports, PatternKind::Import),
            ] {
                let alone = Query::new(profile.language(), part)
                    .unwrap()
                    .pattern_count();
                let counted = loaded.patterns.iter().filter(|k| **k == kind).count();
                assert_eq!(counted, alone, "{} {kind:?}", profile.name);
            }
        }
    }

    #[test]
    fn paths_map_to_languages() {
        assert_eq!(
            language_for_path("src/lib.rs").map(|p| p.name),
            Some("rust")
        );
        assert_eq!(
            language_for_path("a/b/App.tsx").map(|p| p.name),
            Some("tsx")
        );
        assert_eq!(language_for_path("x.PY").map(|p| p.name), Some("python"));
        assert!(language_for_path("README.md").is_none());
        assert!(language_for_path("Makefile").is_none());
    }
}
