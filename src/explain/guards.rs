//! Where a variable is assigned in the syntax tree, and which `#if`/`#foreach`
//! blocks enclose each assignment.

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
    visit_template(template, &mut |node, path| {
        if let Node::Set(set) = node {
            if *set.target.root == *name {
                out.push(Site {
                    set,
                    guards: path.to_vec(),
                });
            }
        }
        false
    });
    out.sort_by_key(|s| s.set.span.start);
    out
}

/// The blocks enclosing the node at `span` (a reference or directive), outermost first.
pub(crate) fn around<'t>(template: &'t Template, span: Span) -> Vec<Guard<'t>> {
    let inside = |s: Span| s.start <= span.start && span.end <= s.end;
    let mut found = Vec::new();
    visit_template(template, &mut |node, path| {
        let hit = match node {
            Node::Ref(r) => inside(r.span),
            Node::Set(set) => inside(set.span),
            Node::MacroCall(call) => inside(call.span),
            Node::Return { span: s, .. } | Node::Stop(s) | Node::Break { span: s, .. } => {
                inside(*s)
            }
            _ => false,
        };
        if hit {
            found = path.to_vec();
        }
        hit
    });
    found
}

/// Calls `f` on every node of the template and its macros with the blocks around it;
/// stops as soon as `f` returns true.
fn visit_template<'t>(
    template: &'t Template,
    f: &mut impl FnMut(&'t Node, &[Guard<'t>]) -> bool,
) -> bool {
    let mut path = Vec::new();
    visit(&template.body, &mut path, f)
        || template.macros.iter().any(|m| visit(&m.body, &mut path, f))
}

fn visit<'t>(
    block: &'t Block,
    path: &mut Vec<Guard<'t>>,
    f: &mut impl FnMut(&'t Node, &[Guard<'t>]) -> bool,
) -> bool {
    for node in block {
        if f(node, path) {
            return true;
        }
        let stop = match node {
            Node::If(node) => {
                let mut stop = false;
                for (index, branch) in node.branches.iter().enumerate() {
                    stop = stop || within(path, Guard::Branch { node, index }, &branch.body, f);
                }
                match &node.otherwise {
                    Some(otherwise) if !stop => within(path, Guard::Else(node), otherwise, f),
                    _ => stop,
                }
            }
            Node::Foreach(fe) => within(path, Guard::Loop(fe), &fe.body, f),
            // A block call's body runs where the macro prints `$bodyContent`.
            Node::MacroCall(call) => call.body.as_deref().is_some_and(|b| visit(b, path, f)),
            _ => false,
        };
        if stop {
            return true;
        }
    }
    false
}

/// Visits `block` with `guard` pushed on the path.
fn within<'t>(
    path: &mut Vec<Guard<'t>>,
    guard: Guard<'t>,
    block: &'t Block,
    f: &mut impl FnMut(&'t Node, &[Guard<'t>]) -> bool,
) -> bool {
    path.push(guard);
    let stop = visit(block, path, f);
    path.pop();
    stop
}
