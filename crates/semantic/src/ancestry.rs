//! Parents of chosen nodes, found in one walk of the tree.
//!
//! A tree-sitter node holds no parent pointer: `Node::parent` descends from the root on
//! every call, scanning the children of each level above the node, and
//! `Node::prev_sibling` does the same. Asked for every call and type reference of a file,
//! that is quadratic in the number of top-level items (a 10,000-line Go test file spent
//! a quarter of its extraction there). [`Ancestry`] walks once from the root into the
//! subtrees that hold a chosen node and remembers the parent of every node it enters,
//! so the chosen nodes and all their ancestors answer from a table.

use std::collections::HashMap;

use tree_sitter::Node;

/// The parents of some nodes of one tree and of all their ancestors.
pub(crate) struct Ancestry<'t> {
    /// By node id: the parent, and whether the node is its parent's first child.
    parents: HashMap<usize, (Node<'t>, bool)>,
}

impl<'t> Ancestry<'t> {
    /// Walks `root`'s tree once, into every subtree that holds one of `targets`.
    pub(crate) fn new(root: Node<'t>, targets: impl IntoIterator<Item = Node<'t>>) -> Self {
        let mut spans: Vec<(usize, usize)> = targets
            .into_iter()
            .map(|n| (n.start_byte(), n.end_byte()))
            .collect();
        spans.sort_unstable();
        spans.dedup();
        let holds_target = |node: Node<'_>| {
            let (start, end) = (node.start_byte(), node.end_byte());
            spans[spans.partition_point(|&(s, _)| s < start)..]
                .iter()
                .take_while(|&&(s, _)| s <= end)
                .any(|&(_, e)| e <= end)
        };
        // Depth first with one cursor, skipping subtrees that hold no target; `above`
        // holds the ancestors of the cursor's node.
        let mut parents = HashMap::new();
        let mut cursor = root.walk();
        let mut above = vec![root];
        let mut first = true;
        if !cursor.goto_first_child() {
            return Self { parents };
        }
        loop {
            let node = cursor.node();
            if holds_target(node) {
                let parent = *above.last().expect("the root is above every child");
                parents.insert(node.id(), (parent, first));
                if cursor.goto_first_child() {
                    above.push(node);
                    first = true;
                    continue;
                }
            }
            loop {
                if cursor.goto_next_sibling() {
                    first = false;
                    break;
                }
                if !cursor.goto_parent() {
                    return Self { parents };
                }
                above.pop();
            }
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
    use super::Ancestry;
    use tree_sitter::{Node, Parser};

    fn all_nodes<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
        out.push(node);
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            all_nodes(child, out);
        }
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
        all_nodes(tree.root_node(), &mut nodes);
        // Every third node chosen; all nodes asked, chosen or not.
        let ancestry = Ancestry::new(tree.root_node(), nodes.iter().step_by(3).copied());
        for &node in &nodes {
            assert_eq!(ancestry.parent(node), node.parent(), "{node:?}");
            assert_eq!(
                ancestry.has_prev_sibling(node),
                node.prev_sibling().is_some(),
                "{node:?}"
            );
        }
    }
}
