//! Resolves variable names to slots once, after parsing: every reference root,
//! `#foreach` variable and `#define` name gets the index of its name in
//! [`Template::names`], so a render finds a variable by index, not by hashing
//! its name at every use.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::ast::*;

/// Fills in the slots of a freshly parsed template and its name table.
pub(crate) fn resolve(template: &mut Template) {
    let mut names = Names::default();
    names.block(&mut template.body);
    for mac in &mut template.macros {
        names.block(&mut Arc::make_mut(mac).body);
    }
    template.names = names.table.into();
    template.string_literals = names.string_literals;
}

/// The names seen so far, in order of first use.
#[derive(Default)]
struct Names {
    table: Vec<Box<str>>,
    slots: FxHashMap<Box<str>, Slot>,
    string_literals: usize,
}

impl Names {
    fn slot(&mut self, name: &str) -> Slot {
        if let Some(&slot) = self.slots.get(name) {
            return slot;
        }
        let slot = self.table.len() as Slot;
        self.table.push(name.into());
        self.slots.insert(name.into(), slot);
        slot
    }

    fn block(&mut self, block: &mut Block) {
        for node in block {
            self.node(node);
        }
    }

    fn node(&mut self, node: &mut Node) {
        match node {
            Node::Text(_) | Node::Stop(_) => {}
            Node::Ref(r) | Node::EscapedRef { reference: r, .. } => self.reference(r),
            Node::Set(set) => {
                self.reference(&mut set.target);
                self.expr(&mut set.value);
            }
            Node::If(node) => {
                for branch in &mut node.branches {
                    self.expr(&mut branch.condition);
                    self.block(&mut branch.body);
                }
                if let Some(otherwise) = &mut node.otherwise {
                    self.block(otherwise);
                }
            }
            Node::Foreach(node) => {
                node.slot = self.slot(&node.var);
                self.expr(&mut node.iterable);
                self.block(&mut node.body);
            }
            Node::Break { target, .. } => {
                if let Some(r) = target {
                    self.reference(r);
                }
            }
            Node::Return { value, .. } => {
                if let Some(e) = value {
                    self.expr(e);
                }
            }
            Node::MacroCall(call) => {
                for arg in &mut call.args {
                    self.expr(arg);
                }
                if let Some(body) = &mut call.body {
                    self.block(Arc::make_mut(body));
                }
            }
            Node::Define {
                name, slot, body, ..
            } => {
                *slot = self.slot(name);
                self.block(Arc::make_mut(body));
            }
        }
    }

    fn reference(&mut self, r: &mut Reference) {
        r.slot = self.slot(&r.root);
        for segment in &mut r.segments {
            match segment {
                Segment::Property(..) => {}
                Segment::Index(e, _) => self.expr(e),
                Segment::Method(_, args, ..) => {
                    for arg in args {
                        self.expr(arg);
                    }
                }
            }
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        match e {
            Expr::Literal(Literal::Str(_, id), _) => {
                *id = self.string_literals as LiteralId;
                self.string_literals += 1;
            }
            Expr::Literal(..) => {}
            Expr::Interpolated(block, _) => self.block(block),
            Expr::Ref(r) => self.reference(r),
            Expr::List(items, _) => {
                for item in items {
                    self.expr(item);
                }
            }
            Expr::Map(entries, _) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            Expr::Range(a, b, _) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Unary(_, operand, _) => self.expr(operand),
            Expr::Binary(_, a, b, _) => {
                self.expr(a);
                self.expr(b);
            }
        }
    }
}
