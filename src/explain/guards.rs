//! Where a variable is assigned in the syntax tree, and which `#if`/`#foreach`
//! blocks enclose each assignment (or any other node, such as the
//! `$util.unauthorized()` that stopped a render).

use crate::parse::ast::{Block, Foreach, If, Node, Set, Template};
use crate::source::Span;

/// A block that encloses an assignment.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Guard<'t> {
    /// Branch `index` of an `#if` (0 is the `#if`, then each `#elseif`).
    Branch {
        /// The whole `#if`.
        node: &'t If,
        /// Which branch.
        index: usize,
    },
    /// The `#else` of an `#if`.
    Else(&'t If),
    /// A `#foreach` body.
    Loop(&'t Foreach),
}

/// One `#set` of the watched variable with its enclosing blocks, outermost first.
#[derive(Debug)]
pub(crate) struct Site<'t> {
    /// The directive.
    pub(crate) set: &'t Set,
    /// Enclosing blocks, outermost first.
    pub(crate) guards: Vec<Guard<'t>>,
}

/// Every `#set($name…)` in the template (macro bodies included), in source order.
pub(crate) fn sites<'t>(template: &'t Template, name: &str) -> Vec<Site<'t>> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(&template.body, name, &mut path, &mut out);
    for m in &template.macros {
        walk(&m.body, name, &mut path, &mut out);
    }
    out.sort_by_key(|s| s.set.span.start);
    out
}

fn walk<'t>(block: &'t Block, name: &str, path: &mut Vec<Guard<'t>>, out: &mut Vec<Site<'t>>) {
    for node in block {
        match node {
            Node::Set(set) if *set.target.root == *name => out.push(Site {
                set,
                guards: path.clone(),
            }),
            Node::If(node) => {
                for (index, branch) in node.branches.iter().enumerate() {
                    path.push(Guard::Branch { node, index });
                    walk(&branch.body, name, path, out);
                    path.pop();
                }
                if let Some(otherwise) = &node.otherwise {
                    path.push(Guard::Else(node));
                    walk(otherwise, name, path, out);
                    path.pop();
                }
            }
            Node::Foreach(f) => {
                path.push(Guard::Loop(f));
                walk(&f.body, name, path, out);
                path.pop();
            }
            _ => {}
        }
    }
}

/// The blocks that enclose the node at byte `offset`, outermost first (empty
/// when it is at the top level, in a condition, or in a macro body).
pub(crate) fn enclosing(template: &Template, offset: u32) -> Vec<Guard<'_>> {
    let mut path = Vec::new();
    if find(&template.body, offset, &mut path) {
        path
    } else {
        Vec::new()
    }
}

fn covers(span: Span, x: u32) -> bool {
    span.start <= x && x < span.end
}

/// Whether `block` holds the node at `x`; `path` is left with the blocks entered.
fn find<'t>(block: &'t Block, x: u32, path: &mut Vec<Guard<'t>>) -> bool {
    for node in block {
        let found = match node {
            Node::If(node) => {
                for (index, branch) in node.branches.iter().enumerate() {
                    if covers(branch.span, x) {
                        return true;
                    }
                    path.push(Guard::Branch { node, index });
                    if find(&branch.body, x, path) {
                        return true;
                    }
                    path.pop();
                }
                if let Some(otherwise) = &node.otherwise {
                    path.push(Guard::Else(node));
                    if find(otherwise, x, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            Node::Foreach(f) => {
                if covers(f.span, x) {
                    return true;
                }
                path.push(Guard::Loop(f));
                if find(&f.body, x, path) {
                    return true;
                }
                path.pop();
                false
            }
            Node::Ref(r) => covers(r.span, x),
            Node::EscapedRef { reference, .. } => covers(reference.span, x),
            Node::Set(set) => covers(set.span, x),
            Node::Return { value, span } => {
                covers(*span, x) || value.as_ref().is_some_and(|v| covers(v.span(), x))
            }
            Node::MacroCall(call) => covers(call.span, x),
            Node::Define { body, .. } => find(body, x, path),
            Node::Text(_) | Node::Break { .. } | Node::Stop(_) => false,
        };
        if found {
            return true;
        }
    }
    false
}
