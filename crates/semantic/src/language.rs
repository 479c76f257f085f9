//! The language table: one profile per language, as data. Grammars are loaded on first
//! use.

use std::sync::OnceLock;

use tree_sitter::Language;

use crate::patterns::{KindTable, SymbolPatterns};
use crate::symbol_patterns;

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
    /// What its definitions, imports, type references and calls look like.
    pub(crate) symbols: &'static SymbolPatterns,
    /// The grammar, loaded on first use.
    language: OnceLock<Language>,
    /// [`LanguageProfile::symbols`] by node kind, on first use.
    kinds: OnceLock<KindTable>,
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

impl LanguageProfile {
    /// The symbol patterns by node kind, made on first use.
    pub(crate) fn kinds(&self) -> &KindTable {
        self.kinds
            .get_or_init(|| KindTable::new(self.language(), self.symbols))
    }

    /// Returns the tree-sitter grammar.
    pub fn language(&self) -> &Language {
        self.language.get_or_init(|| (self.grammar)())
    }
}

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
        symbols: &symbol_patterns::RUST,
        language: OnceLock::new(),
        kinds: OnceLock::new(),
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
        symbols: &symbol_patterns::PYTHON,
        language: OnceLock::new(),
        kinds: OnceLock::new(),
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
        symbols: &symbol_patterns::JAVASCRIPT,
        language: OnceLock::new(),
        kinds: OnceLock::new(),
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
        symbols: &symbol_patterns::TYPESCRIPT,
        language: OnceLock::new(),
        kinds: OnceLock::new(),
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
        symbols: &symbol_patterns::TYPESCRIPT,
        language: OnceLock::new(),
        kinds: OnceLock::new(),
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
        symbols: &symbol_patterns::GO,
        language: OnceLock::new(),
        kinds: OnceLock::new(),
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
        symbols: &symbol_patterns::JAVA,
        language: OnceLock::new(),
        kinds: OnceLock::new(),
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

    /// A kind or field misspelt in the data would match nothing, silently: a query
    /// naming it would not have compiled.
    #[test]
    fn every_pattern_names_kinds_and_fields_of_its_grammar() {
        use crate::callees::{Child, NameWalk};
        use crate::patterns::{NameAt, NodePattern};
        for profile in &LANGUAGES {
            let language = profile.language();
            let kind = |k: &str| {
                assert_ne!(
                    language.id_for_node_kind(k, true),
                    0,
                    "{}: no node kind `{k}`",
                    profile.name
                );
            };
            let child = |c: Child| match c {
                Child::Field(f) => assert!(
                    language.field_id_for_name(f).is_some(),
                    "{}: no field `{f}`",
                    profile.name
                ),
                Child::OfKind(kinds) => kinds.iter().for_each(|k| kind(k)),
                Child::First | Child::Last | Child::NameBeforeOwnKind => {}
            };
            let walk = |w: NameWalk| {
                w.names.iter().for_each(|k| kind(k));
                for (k, c) in w.through {
                    kind(k);
                    child(*c);
                }
            };
            let node = |n: &NodePattern| {
                kind(n.kind);
                for within in n.within {
                    kind(within.kind);
                    within
                        .field
                        .into_iter()
                        .for_each(|f| child(Child::Field(f)));
                }
                for (c, kinds) in n.has {
                    child(*c);
                    kinds.iter().for_each(|k| kind(k));
                }
                n.lacks.iter().for_each(|f| child(Child::Field(f)));
            };
            let symbols = profile.symbols;
            for def in symbols.definitions {
                node(&def.node);
                if let NameAt::Walk(c, w) = def.name {
                    child(c);
                    walk(w);
                }
                if let Some((c, w)) = def.receiver {
                    child(c);
                    walk(w);
                }
            }
            for import in symbols.imports {
                node(&import.node);
                if let Some((c, w)) = import.module {
                    child(c);
                    walk(w);
                }
            }
            symbols.references.iter().for_each(node);
            for (k, c) in symbols.callees.calls {
                kind(k);
                child(*c);
            }
            walk(symbols.callees.walk);
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
