//! Where a variable is assigned in the syntax tree, and which `#if`/`#foreach`
//! blocks enclose each assignment.

use crate::parse::ast::{Block, Foreach, If, Node, Set, Template};

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

/// The blocks enclosing the node at `span` (a reference or directive), outermost first.
pub(crate) fn around<'t>(template: &'t Template, span: crate::source::Span) -> Vec<Guard<'t>> {
    let mut path = Vec::new();
    if find(&template.body, span, &mut path) {
        return path;
    }
    for m in &template.macros {
        if find(&m.body, span, &mut path) {
            return path;
        }
    }
    Vec::new()
}

fn find<'t>(block: &'t Block, span: crate::source::Span, path: &mut Vec<Guard<'t>>) -> bool {
    let inside = |s: crate::source::Span| s.start <= span.start && span.end <= s.end;
    for node in block {
        let found = match node {
            Node::Ref(r) => inside(r.span),
            Node::Set(set) => inside(set.span),
            Node::MacroCall(call) => inside(call.span),
            Node::Return { span: s, .. } | Node::Stop(s) | Node::Break { span: s, .. } => {
                inside(*s)
            }
            Node::If(node) => {
                for (index, branch) in node.branches.iter().enumerate() {
                    path.push(Guard::Branch { node, index });
                    if find(&branch.body, span, path) {
                        return true;
                    }
                    path.pop();
                }
                if let Some(otherwise) = &node.otherwise {
                    path.push(Guard::Else(node));
                    if find(otherwise, span, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            Node::Foreach(f) => {
                path.push(Guard::Loop(f));
                if find(&f.body, span, path) {
                    return true;
                }
                path.pop();
                false
            }
            _ => false,
        };
        if found {
            return true;
        }
    }
    false
}
