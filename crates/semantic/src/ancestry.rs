//! Parents of chosen nodes, recorded by the walk that finds them.
//!
//! A tree-sitter node holds no parent pointer: `Node::parent` descends from the root on
//! every call, scanning the children of each level above the node, and
//! `Node::prev_sibling` does the same. Asked for every call and type reference of a file,
//! that is quadratic in the number of top-level items (a 10,000-line Go test file spent
//! a quarter of its extraction there). The walk of [`crate::patterns`] knows the
//! ancestors of the node it stands on; it records them for each node it finds
//! ([`Ancestry::record`]), so those nodes and all their ancestors answer from a table.

use std::collections::HashMap;

use tree_sitter::Node;

/// The parents of some nodes of one tree and of all their ancestors.
#[derive(Default)]
pub(crate) struct Ancestry<'t> {
    /// By node id: the parent, and whether the node is its parent's first child.
    parents: HashMap<usize, (Node<'t>, bool)>,
}

/// One level of a path from the root: a node, and whether it is its parent's first child.
#[derive(Clone, Copy)]
pub(crate) struct Level<'t> {
    pub node: Node<'t>,
    pub first: bool,
}

impl<'t> Ancestry<'t> {
    /// Records the parents of `target` and of all its ancestors: `above` are the
    /// ancestors of `at`, root first, and `target` is `at` or a descendant of it.
    pub(crate) fn record(&mut self, above: &[Level<'t>], at: Level<'t>, target: Node<'t>) {
        // Down from `at` to `target` (a callee's name, a receiver: a few levels).
        let mut node = at.node;
        while node.id() != target.id() {
            let Some(child) = node.child_with_descendant(target) else {
                break;
            };
            let first = node.child(0).is_some_and(|c| c.id() == child.id());
            self.parents.insert(child.id(), (node, first));
            node = child;
        }
        // Up from `at` until a level already known.
        let mut below = at;
        for level in above.iter().rev() {
            if self
                .parents
                .insert(below.node.id(), (level.node, below.first))
                .is_some()
            {
                break;
            }
            below = *level;
        }
    }

    /// `node`'s parent (`None` for the root); from the table when the walk entered
    /// `node`, else from tree-sitter.
    pub(crate) fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.parents.get(&node.id()) {
            Some(&(parent, _)) => Some(parent),
            None => node.parent(),
        }
    }

    /// Whether `node` has a previous sibling, named or not (`Node::prev_sibling`).
    pub(crate) fn has_prev_sibling(&self, node: Node<'t>) -> bool {
        match self.parents.get(&node.id()) {
            Some(&(_, first)) => !first,
            None => node.prev_sibling().is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Ancestry, Level};
    use tree_sitter::{Node, Parser};

    /// Every node with the path to it from the root.
    fn all_nodes<'t>(
        above: &mut Vec<Level<'t>>,
        at: Level<'t>,
        out: &mut Vec<(Vec<Level<'t>>, Level<'t>)>,
    ) {
        out.push((above.clone(), at));
        above.push(at);
        let mut cursor = at.node.walk();
        for (i, child) in at.node.children(&mut cursor).enumerate() {
            all_nodes(
                above,
                Level {
                    node: child,
                    first: i == 0,
                },
                out,
            );
        }
        above.pop();
    }

    #[test]
    fn agrees_with_tree_sitter_on_every_node() {
        let source = "fn a(x: u8) -> u8 { x + 1 }\nstruct S { f: Vec<u8> }\nimpl S { fn m(&self) { a(1); self.m(); } }\n";
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_rust::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(source, None).unwrap();
        let mut nodes = Vec::new();
        let root = Level {
            node: tree.root_node(),
            first: true,
        };
        all_nodes(&mut Vec::new(), root, &mut nodes);
        // Every third node recorded, from itself or from its parent (a descendant
        // target); all nodes asked, recorded or not.
        let mut ancestry = Ancestry::default();
        for (i, (above, at)) in nodes.iter().enumerate().step_by(3) {
            match above.split_last() {
                Some((parent, rest)) if i % 2 == 0 => ancestry.record(rest, *parent, at.node),
                _ => ancestry.record(above, *at, at.node),
            }
        }
        let asked: Vec<Node<'_>> = nodes.iter().map(|(_, at)| at.node).collect();
        for node in asked {
            assert_eq!(ancestry.parent(node), node.parent(), "{node:?}");
            assert_eq!(
                ancestry.has_prev_sibling(node),
                node.prev_sibling().is_some(),
                "{node:?}"
            );
        }
    }
}
