//! What a call calls, found by walking the call node's fields.
//!
//! Calls are found by their node kind ([`Callees::calls`], in the walk of
//! [`crate::patterns`]); the callee's name is then a walk of a few fields, as data. The
//! query patterns this replaced were of the shape
//! `(call_expression function: (field_expression field: (field_identifier) @name))`: with
//! children under an expression node, each costs tree-sitter's query analysis every parse
//! state the expression can appear in, which made them most of a language's query
//! compile time (`atomic merge-file` of a 7-line file took 23.7 ms of CPU in Rust and
//! 53.5 ms in TypeScript with them, 15.6 and 28.5 ms with call nodes alone; `perf stat
//! -r 30`).

use tree_sitter::Node;

/// How one language's calls name what they call (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Callees {
    /// Call node kinds, each with the child that names what it calls.
    pub calls: &'static [(&'static str, Child)],
    /// From that child to the callee's name: `identifier`, or through a member access's
    /// member (`x.f` → `f`), a path's last segment, a generic's function.
    pub walk: NameWalk,
    /// Callees whose call imports the module its first argument names, when that is a
    /// string literal (`require("m")`, `import("m")`: the `arguments` field holding a
    /// `string` with a `string_fragment`).
    pub imports: &'static [&'static str],
}

/// A walk down to a name node: through nodes of the `through` kinds, each by its child,
/// until a node of a `names` kind (none when another kind comes first). Calls find their
/// callee this way, and definitions not named by their `name` field their name (a Rust
/// `impl`'s type: `Foo` in `impl<T> a::Foo<T>`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct NameWalk {
    /// Node kinds that are names (`identifier`, `field_identifier`).
    pub names: &'static [&'static str],
    /// Node kinds the walk goes through, each with the child to follow.
    pub through: &'static [(&'static str, Child)],
}

impl NameWalk {
    /// The walk that takes the node it starts at, whatever its kind (a query's `(_)`).
    pub(crate) const ANY: NameWalk = NameWalk {
        names: &[],
        through: &[],
    };

    /// The name node reached from `start`: with no `names`, `start` itself when named.
    pub(crate) fn name<'t>(&self, start: Option<Node<'t>>) -> Option<Node<'t>> {
        if self.names.is_empty() {
            return start.filter(Node::is_named);
        }
        let mut node = start;
        // Each step goes one level down; the deepest shape is a Go receiver's
        // `(s *T[K])`: parameter list, parameter, pointer, generic, name.
        for _ in 0..6 {
            let n = node?;
            if self.names.contains(&n.kind()) {
                return Some(n);
            }
            let &(_, next) = self.through.iter().find(|(k, _)| *k == n.kind())?;
            node = follow(n, next);
        }
        None
    }
}

/// Which child of a node to follow (see [`Callees`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Child {
    /// The child in this field.
    Field(&'static str),
    /// The first named child.
    First,
    /// The last named child.
    Last,
    /// The first named child of one of these kinds.
    OfKind(&'static [&'static str]),
    /// Each named child of a name kind whose next named sibling has the node's own kind:
    /// in Rust macro arguments, where tree-sitter sees tokens, a name followed by a
    /// parenthesized token tree (`helper` in `println!("{}", helper())`).
    NameBeforeOwnKind,
}

impl Callees {
    /// Calls `found` with the name node of each callee of `call`: none when it calls an
    /// expression (`f()()`, `(a || b)()`), several for a Rust token tree.
    pub(crate) fn names_of<'t>(&self, call: Node<'t>, mut found: impl FnMut(Node<'t>)) {
        let Some(&(_, child)) = self.calls.iter().find(|(k, _)| *k == call.kind()) else {
            return;
        };
        if let Child::NameBeforeOwnKind = child {
            let mut cursor = call.walk();
            let mut previous: Option<Node<'t>> = None;
            for child in call.named_children(&mut cursor) {
                if let Some(name) = previous
                    && child.kind() == call.kind()
                    && self.walk.names.contains(&name.kind())
                {
                    found(name);
                }
                previous = Some(child);
            }
            return;
        }
        if let Some(name) = self.walk.name(follow(call, child)) {
            found(name);
        }
    }

    /// The import a call makes: `(call, module name node)` when its callee is one of
    /// [`Callees::imports`] and its first argument a string literal.
    pub(crate) fn import_of<'t>(
        &self,
        call: Node<'t>,
        source: &[u8],
    ) -> Option<(Node<'t>, Option<Node<'t>>)> {
        if self.imports.is_empty() {
            return None;
        }
        let &(_, child) = self.calls.iter().find(|(k, _)| *k == call.kind())?;
        let callee = follow(call, child)?;
        let text = std::str::from_utf8(&source[callee.byte_range()]).ok()?;
        if !self.imports.contains(&text) {
            return None;
        }
        let first = call.child_by_field_name("arguments")?.named_child(0)?;
        if first.kind() != "string" {
            return None;
        }
        let mut cursor = first.walk();
        let fragment = first
            .named_children(&mut cursor)
            .find(|c| c.kind() == "string_fragment")?;
        Some((call, Some(fragment)))
    }
}

/// The `child` of `node`.
pub(crate) fn follow<'t>(node: Node<'t>, child: Child) -> Option<Node<'t>> {
    match child {
        Child::Field(field) => node.child_by_field_name(field),
        Child::First => node.named_child(0),
        Child::Last => node
            .named_child_count()
            .checked_sub(1)
            .and_then(|i| u32::try_from(i).ok())
            .and_then(|i| node.named_child(i)),
        Child::OfKind(kinds) => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .find(|c| kinds.contains(&c.kind()))
        }
        Child::NameBeforeOwnKind => None,
    }
}

/// The children of `node` that `child` reaches: every child in the field for
/// [`Child::Field`] (a Go `const a, b = 1, 2` names two), else the one [`follow`] gives.
pub(crate) fn children<'t>(node: Node<'t>, child: Child) -> impl Iterator<Item = Node<'t>> {
    let in_field: Vec<Node<'t>> = match child {
        Child::Field(field) => {
            let mut cursor = node.walk();
            node.children_by_field_name(field, &mut cursor).collect()
        }
        _ => Vec::new(),
    };
    let followed = match child {
        Child::Field(_) => None,
        other => follow(node, other),
    };
    in_field.into_iter().chain(followed)
}
