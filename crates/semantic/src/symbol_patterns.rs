//! Each language's definitions, imports, type references and calls, as data
//! ([`crate::patterns`]). A comment above each group gives the query pattern it stands
//! for, in tree-sitter's notation, where the data is more than the node kind alone.

use crate::SymbolKind::{
    Class, Constant, Enum, Field, Function, Impl, Interface, Macro, Method, Module, Struct, Trait,
    Type, Variant,
};
use crate::callees::{Callees, Child, NameWalk};
use crate::patterns::{
    Definition, ImportPattern, NameAt, NodePattern, SymbolPatterns, Within, parent,
};

/// A name node of one of `kinds`, reached from a child directly.
const fn named(kinds: &'static [&'static str]) -> NameWalk {
    NameWalk {
        names: kinds,
        through: &[],
    }
}

const IDENTIFIER: NameWalk = named(&["identifier"]);

/// An import with no module node.
const fn import(kind: &'static str) -> ImportPattern {
    ImportPattern {
        node: NodePattern::of(kind),
        module: None,
    }
}

pub(crate) const RUST: SymbolPatterns = SymbolPatterns {
    definitions: &[
        Definition::of("function_item", Function),
        Definition::of("function_signature_item", Function),
        Definition::of("struct_item", Struct),
        Definition::of("enum_item", Enum),
        Definition::of("union_item", Struct),
        Definition::of("trait_item", Trait),
        Definition::of("type_item", Type),
        Definition::of("associated_type", Type),
        Definition::of("mod_item", Module),
        Definition::of("const_item", Constant),
        Definition::of("static_item", Constant),
        Definition::of("macro_definition", Macro),
        Definition::of("enum_variant", Variant),
        Definition::of("field_declaration", Field),
        // `impl<T> a::Foo<T>` is named `Foo`.
        Definition {
            name: NameAt::Walk(
                Child::Field("type"),
                NameWalk {
                    names: &["type_identifier"],
                    through: &[
                        ("generic_type", Child::Field("type")),
                        ("scoped_type_identifier", Child::Field("name")),
                    ],
                },
            ),
            ..Definition::of("impl_item", Impl)
        },
    ],
    imports: &[
        // (use_declaration argument: (_) @path) @import
        ImportPattern {
            node: NodePattern::of("use_declaration"),
            module: Some((Child::Field("argument"), NameWalk::ANY)),
        },
        // (extern_crate_declaration name: (identifier)) @import
        ImportPattern {
            node: NodePattern {
                has: &[(Child::Field("name"), &["identifier"])],
                ..NodePattern::of("extern_crate_declaration")
            },
            module: None,
        },
        // (mod_item name: (identifier) !body) @import
        ImportPattern {
            node: NodePattern {
                has: &[(Child::Field("name"), &["identifier"])],
                lacks: &["body"],
                ..NodePattern::of("mod_item")
            },
            module: None,
        },
    ],
    references: &[NodePattern::of("type_identifier")],
    callees: Callees {
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
    },
};

/// `(... (assignment left: (identifier) @name) @definition)`
const fn python_assignment(within: &'static [Within], symbol: crate::SymbolKind) -> Definition {
    Definition {
        node: NodePattern {
            within,
            ..NodePattern::of("assignment")
        },
        name: NameAt::Walk(Child::Field("left"), IDENTIFIER),
        ..Definition::of("assignment", symbol)
    }
}

pub(crate) const PYTHON: SymbolPatterns = SymbolPatterns {
    definitions: &[
        Definition::of("class_definition", Class),
        Definition::of("function_definition", Function),
        // (class_definition body: (block (expression_statement (assignment ...))))
        python_assignment(
            &[
                parent("expression_statement"),
                parent("block"),
                Within {
                    kind: "class_definition",
                    field: Some("body"),
                },
            ],
            Field,
        ),
        // (module (expression_statement (assignment ...)))
        python_assignment(
            &[parent("expression_statement"), parent("module")],
            Constant,
        ),
        // (type_alias_statement left: (type (identifier) @name))
        Definition {
            name: NameAt::Walk(
                Child::Field("left"),
                NameWalk {
                    names: &["identifier"],
                    through: &[("type", Child::First)],
                },
            ),
            ..Definition::of("type_alias_statement", Type)
        },
    ],
    imports: &[
        // (import_statement name: [(dotted_name) (aliased_import)])
        ImportPattern {
            node: NodePattern {
                has: &[(Child::Field("name"), &["dotted_name", "aliased_import"])],
                ..NodePattern::of("import_statement")
            },
            module: None,
        },
        // (import_from_statement module_name: [(dotted_name) (relative_import)] @module)
        ImportPattern {
            node: NodePattern::of("import_from_statement"),
            module: Some((
                Child::Field("module_name"),
                named(&["dotted_name", "relative_import"]),
            )),
        },
        import("future_import_statement"),
    ],
    // (class_definition superclasses: (argument_list (identifier) @name))
    references: &[NodePattern {
        within: &[
            parent("argument_list"),
            Within {
                kind: "class_definition",
                field: Some("superclasses"),
            },
        ],
        ..NodePattern::of("identifier")
    }],
    callees: Callees {
        calls: &[("call", Child::Field("function"))],
        walk: NameWalk {
            names: &["identifier"],
            through: &[("attribute", Child::Field("attribute"))],
        },
        imports: &[],
    },
};

/// A method or field named when its name is a plain or private property name, not when
/// it is computed or quoted (`[Symbol.iterator]()`, `'q'()`).
const PROPERTY_NAME: NameWalk = named(&["property_identifier", "private_property_identifier"]);

const PUBLIC_PROPERTY_NAME: NameWalk = named(&["property_identifier"]);

/// `kind` named by a property name in `field`.
const fn member(
    kind: &'static str,
    symbol: crate::SymbolKind,
    field: &'static str,
    walk: NameWalk,
) -> Definition {
    Definition {
        name: NameAt::Walk(Child::Field(field), walk),
        ..Definition::of(kind, symbol)
    }
}

/// `(<parent> (variable_declarator name: (identifier) @name value: [(arrow_function)
/// (function_expression) (generator_function)]) @definition.function)`, the parent
/// being `within`.
const fn bound_function(within: &'static [Within]) -> Definition {
    Definition {
        node: NodePattern {
            within,
            has: &[(
                Child::Field("value"),
                &[
                    "arrow_function",
                    "function_expression",
                    "generator_function",
                ],
            )],
            ..NodePattern::of("variable_declarator")
        },
        name: NameAt::Walk(Child::Field("name"), IDENTIFIER),
        ..Definition::of("variable_declarator", Function)
    }
}

/// `(program (lexical_declaration (variable_declarator name: (identifier) @name)
/// @definition.constant))` and the same under `(export_statement declaration: ...)`.
const TOP_LEVEL_CONSTANTS: [Definition; 2] = [
    Definition {
        node: NodePattern {
            within: &[parent("lexical_declaration"), parent("program")],
            ..NodePattern::of("variable_declarator")
        },
        name: NameAt::Walk(Child::Field("name"), IDENTIFIER),
        ..Definition::of("variable_declarator", Constant)
    },
    Definition {
        node: NodePattern {
            within: &[
                parent("lexical_declaration"),
                Within {
                    kind: "export_statement",
                    field: Some("declaration"),
                },
                parent("program"),
            ],
            ..NodePattern::of("variable_declarator")
        },
        name: NameAt::Walk(Child::Field("name"), IDENTIFIER),
        ..Definition::of("variable_declarator", Constant)
    },
];

/// `source: (string (string_fragment) @source)`
const STRING_FRAGMENT: NameWalk = NameWalk {
    names: &["string_fragment"],
    through: &[("string", Child::OfKind(&["string_fragment"]))],
};

/// `(<kind> source: (string (string_fragment) @source)) @import`
const fn import_from_source(kind: &'static str) -> ImportPattern {
    ImportPattern {
        node: NodePattern::of(kind),
        module: Some((Child::Field("source"), STRING_FRAGMENT)),
    }
}

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

pub(crate) const JAVASCRIPT: SymbolPatterns = SymbolPatterns {
    definitions: &[
        Definition::of("function_declaration", Function),
        Definition::of("generator_function_declaration", Function),
        Definition::of("class_declaration", Class),
        Definition::of("class", Class),
        member("method_definition", Method, "name", PROPERTY_NAME),
        member("field_definition", Field, "property", PROPERTY_NAME),
        bound_function(&[parent("lexical_declaration")]),
        bound_function(&[parent("variable_declaration")]),
        TOP_LEVEL_CONSTANTS[0],
        TOP_LEVEL_CONSTANTS[1],
        // (assignment_expression left: (member_expression property: (property_identifier)
        // @name) right: [(arrow_function) (function_expression)]) @definition.function
        Definition {
            node: NodePattern {
                has: &[(
                    Child::Field("right"),
                    &["arrow_function", "function_expression"],
                )],
                ..NodePattern::of("assignment_expression")
            },
            name: NameAt::Walk(
                Child::Field("left"),
                NameWalk {
                    names: &["property_identifier"],
                    through: &[("member_expression", Child::Field("property"))],
                },
            ),
            ..Definition::of("assignment_expression", Function)
        },
    ],
    imports: &[
        import_from_source("import_statement"),
        import_from_source("export_statement"),
    ],
    // (class_heritage (identifier) @name)
    references: &[NodePattern {
        within: &[parent("class_heritage")],
        ..NodePattern::of("identifier")
    }],
    callees: JS_CALLEES,
};

pub(crate) const TYPESCRIPT: SymbolPatterns = SymbolPatterns {
    definitions: &[
        Definition::of("function_declaration", Function),
        Definition::of("generator_function_declaration", Function),
        Definition::of("function_signature", Function),
        Definition::of("class_declaration", Class),
        Definition::of("abstract_class_declaration", Class),
        Definition::of("class", Class),
        Definition::of("interface_declaration", Interface),
        Definition::of("type_alias_declaration", Type),
        Definition::of("enum_declaration", Enum),
        // (enum_body name: (property_identifier) @name @definition.enum_member)
        Definition {
            node: NodePattern {
                within: &[Within {
                    kind: "enum_body",
                    field: Some("name"),
                }],
                ..NodePattern::of("property_identifier")
            },
            name: NameAt::Node,
            ..Definition::of("property_identifier", Variant)
        },
        member("enum_assignment", Variant, "name", PUBLIC_PROPERTY_NAME),
        Definition::of("internal_module", Module),
        Definition::of("module", Module),
        member("method_definition", Method, "name", PROPERTY_NAME),
        member("method_signature", Method, "name", PROPERTY_NAME),
        member("abstract_method_signature", Method, "name", PROPERTY_NAME),
        member("public_field_definition", Field, "name", PROPERTY_NAME),
        member("property_signature", Field, "name", PUBLIC_PROPERTY_NAME),
        bound_function(&[parent("lexical_declaration")]),
        bound_function(&[parent("variable_declaration")]),
        TOP_LEVEL_CONSTANTS[0],
        TOP_LEVEL_CONSTANTS[1],
    ],
    imports: &[
        import_from_source("import_statement"),
        // (import_statement (import_require_clause source: (string (string_fragment))))
        ImportPattern {
            node: NodePattern::of("import_statement"),
            module: Some((
                Child::OfKind(&["import_require_clause"]),
                NameWalk {
                    names: &["string_fragment"],
                    through: &[
                        ("import_require_clause", Child::Field("source")),
                        ("string", Child::OfKind(&["string_fragment"])),
                    ],
                },
            )),
        },
        import_from_source("export_statement"),
    ],
    references: &[NodePattern::of("type_identifier")],
    callees: JS_CALLEES,
};

/// `(<kind> name: (identifier) @name)` directly under `within`, at the file's top level.
const fn go_top_level(kind: &'static str, within: &'static [Within]) -> Definition {
    Definition {
        node: NodePattern {
            within,
            ..NodePattern::of(kind)
        },
        name: NameAt::Walk(Child::Field("name"), IDENTIFIER),
        ..Definition::of(kind, Constant)
    }
}

/// `(type_spec name: (type_identifier) @name type: (struct_type))` and the same with
/// `interface_type`.
const GO_TYPE_SPECS: [Definition; 2] = [
    Definition {
        node: NodePattern {
            has: &[(Child::Field("type"), &["struct_type"])],
            ..NodePattern::of("type_spec")
        },
        name: NameAt::Walk(Child::Field("name"), named(&["type_identifier"])),
        ..Definition::of("type_spec", Struct)
    },
    Definition {
        node: NodePattern {
            has: &[(Child::Field("type"), &["interface_type"])],
            ..NodePattern::of("type_spec")
        },
        name: NameAt::Walk(Child::Field("name"), named(&["type_identifier"])),
        ..Definition::of("type_spec", Interface)
    },
];

pub(crate) const GO: SymbolPatterns = SymbolPatterns {
    definitions: &[
        Definition::of("function_declaration", Function),
        // (method_declaration receiver: (parameter_list (parameter_declaration type: [
        //   (type_identifier) (pointer_type (type_identifier))
        //   (generic_type type: (type_identifier))
        //   (pointer_type (generic_type type: (type_identifier)))] @receiver))
        //   name: (field_identifier) @name) @definition.method
        Definition {
            name: NameAt::Walk(Child::Field("name"), named(&["field_identifier"])),
            receiver: Some((
                Child::Field("receiver"),
                NameWalk {
                    names: &["type_identifier"],
                    through: &[
                        ("parameter_list", Child::OfKind(&["parameter_declaration"])),
                        ("parameter_declaration", Child::Field("type")),
                        ("pointer_type", Child::First),
                        ("generic_type", Child::Field("type")),
                    ],
                },
            )),
            ..Definition::of("method_declaration", Method)
        },
        GO_TYPE_SPECS[0],
        GO_TYPE_SPECS[1],
        Definition::of("type_spec", Type),
        Definition::of("type_alias", Type),
        Definition::of("field_declaration", Field),
        Definition::of("method_elem", Method),
        go_top_level(
            "const_spec",
            &[parent("const_declaration"), parent("source_file")],
        ),
        go_top_level(
            "var_spec",
            &[parent("var_declaration"), parent("source_file")],
        ),
        go_top_level(
            "var_spec",
            &[
                parent("var_spec_list"),
                parent("var_declaration"),
                parent("source_file"),
            ],
        ),
    ],
    // (import_spec path: (_) @path) @import
    imports: &[ImportPattern {
        node: NodePattern::of("import_spec"),
        module: Some((Child::Field("path"), NameWalk::ANY)),
    }],
    references: &[NodePattern::of("type_identifier")],
    callees: Callees {
        calls: &[("call_expression", Child::Field("function"))],
        walk: NameWalk {
            names: &["identifier", "field_identifier"],
            through: &[("selector_expression", Child::Field("field"))],
        },
        imports: &[],
    },
};

/// `(<kind> declarator: (variable_declarator name: (identifier) @name))`
const fn java_declaration(kind: &'static str, symbol: crate::SymbolKind) -> Definition {
    Definition {
        name: NameAt::Walk(
            Child::Field("declarator"),
            NameWalk {
                names: &["identifier"],
                through: &[("variable_declarator", Child::Field("name"))],
            },
        ),
        ..Definition::of(kind, symbol)
    }
}

pub(crate) const JAVA: SymbolPatterns = SymbolPatterns {
    definitions: &[
        Definition::of("class_declaration", Class),
        Definition::of("interface_declaration", Interface),
        Definition::of("enum_declaration", Enum),
        Definition::of("record_declaration", Class),
        Definition::of("annotation_type_declaration", Interface),
        Definition::of("method_declaration", Method),
        Definition::of("constructor_declaration", Method),
        Definition::of("compact_constructor_declaration", Method),
        java_declaration("field_declaration", Field),
        java_declaration("constant_declaration", Constant),
        Definition::of("enum_constant", Variant),
    ],
    // (import_declaration [(scoped_identifier) (identifier)] @path) @import
    imports: &[ImportPattern {
        node: NodePattern::of("import_declaration"),
        module: Some((
            Child::OfKind(&["scoped_identifier", "identifier"]),
            NameWalk::ANY,
        )),
    }],
    references: &[NodePattern::of("type_identifier")],
    callees: Callees {
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
    },
};
