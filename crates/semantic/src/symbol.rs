//! What extraction produces: symbols, calls, references and imports of one file.

use serde::{Deserialize, Serialize};

/// What a symbol is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    /// A module or namespace (`mod`, Go has none: packages are files).
    Module,
    /// A free function.
    Function,
    /// A function inside a type, class or impl.
    Method,
    /// A class.
    Class,
    /// A struct.
    Struct,
    /// An enum.
    Enum,
    /// A trait.
    Trait,
    /// An interface.
    Interface,
    /// A Rust `impl` block.
    Impl,
    /// A field of a struct or class.
    Field,
    /// An enum variant.
    Variant,
    /// A constant, static or module-level binding.
    Constant,
    /// A type alias or type declaration.
    Type,
    /// A macro definition.
    Macro,
}

impl SymbolKind {
    /// Returns whether symbols of this kind contain other symbols (their members may be
    /// merged one by one).
    pub fn is_container(self) -> bool {
        matches!(
            self,
            SymbolKind::Module
                | SymbolKind::Class
                | SymbolKind::Struct
                | SymbolKind::Enum
                | SymbolKind::Trait
                | SymbolKind::Interface
                | SymbolKind::Impl
        )
    }

    /// Returns whether symbols of this kind are called by name (functions, methods,
    /// macros): what a call can depend on.
    pub fn is_callable(self) -> bool {
        matches!(
            self,
            SymbolKind::Function | SymbolKind::Method | SymbolKind::Macro
        )
    }
}

/// A definition in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Symbol {
    /// The simple name: `validate`.
    pub name: String,
    /// The name with its scopes: `auth::Session::validate`, `UserService.reset_password`,
    /// `(*Server).Handle`.
    pub scoped_name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// Byte offset of the definition's first byte, including wrappers such as `export`
    /// and decorators.
    pub start_byte: u32,
    /// Byte offset one past the definition's last byte.
    pub end_byte: u32,
    /// First line, 1-based.
    pub start_line: u32,
    /// Last line, 1-based, inclusive.
    pub end_line: u32,
    /// The text up to the body, whitespace collapsed: `fn validate(&self) -> bool`.
    pub signature: String,
    /// blake3 of the definition's text with whitespace collapsed, first 8 bytes in hex.
    pub hash: String,
    /// blake3 of the collapsed signature, first 8 bytes in hex.
    pub signature_hash: String,
    /// blake3 of the collapsed text after the signature (the body), first 8 bytes in hex.
    pub body_hash: String,
    /// Index of the enclosing symbol in [`FileSymbols::symbols`].
    pub parent: Option<u32>,
    /// Whether the definition is a statement of the file's top level, not nested inside
    /// other code (a named function inside a callback has no parent symbol but is not
    /// top level).
    pub top_level: bool,
}

/// A use of a name: a call or a type reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reference {
    /// The name used: `validate` in `session.validate()`.
    pub name: String,
    /// Line, 1-based.
    pub line: u32,
    /// Byte offset of the name.
    pub byte: u32,
    /// Index of the innermost symbol containing the use, if any.
    pub within: Option<u32>,
    /// Whether the name is qualified (`x.f()`, `A::f()`, `pkg.F()`): a bare name cannot
    /// name a method outside the caller's own scopes.
    pub qualified: bool,
    /// For a call through a value or module (`x.f()`, `os.getcwd()`, `pkg.F()`; not a
    /// path such as Rust's `A::f()`), the text before the dot: `x`, `os`, `pkg`. Unless
    /// that names something the file imports, the call is a method call and never
    /// resolves to a free function.
    /// (Always written: the store's encoding is positional.)
    pub receiver: Option<String>,
}

/// An import statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Import {
    /// The statement's text, whitespace collapsed: `use crate::auth::Session;`.
    pub text: String,
    /// The module path as written, without the imported names: `crate::auth`, `os.path`.
    pub module: String,
    /// The names it brings into scope: `Session`.
    pub names: Vec<String>,
    /// Line, 1-based.
    pub line: u32,
    /// Byte offset of the statement's first byte.
    pub start_byte: u32,
    /// Byte offset one past the statement's last byte.
    pub end_byte: u32,
    /// Whether the import is a statement of the file's top level (alone on its lines, or in
    /// a top-level import block), not a `require` nested in other code.
    pub top_level: bool,
}

/// Everything extraction found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileSymbols {
    /// The language profile's name.
    pub language: String,
    /// Definitions in source order (by start byte; parents before children).
    pub symbols: Vec<Symbol>,
    /// Calls.
    pub calls: Vec<Reference>,
    /// Type references.
    pub references: Vec<Reference>,
    /// Imports.
    pub imports: Vec<Import>,
    /// Whether tree-sitter reported syntax errors: symbols are as far as it recovered.
    pub has_errors: bool,
    /// The line of the first syntax error (1-based), when there is one.
    pub first_error_line: Option<u32>,
}

impl FileSymbols {
    /// Returns the symbol named `scoped_name`, if any.
    pub fn find(&self, scoped_name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.scoped_name == scoped_name)
    }

    /// Returns the names called anywhere in the file.
    pub fn called_names(&self) -> impl Iterator<Item = &str> {
        self.calls.iter().map(|c| c.name.as_str())
    }
}
