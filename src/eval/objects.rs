//! The interpreter's own values: the `$foreach` loop object ([`LoopInfo`]) and
//! a `#define` block held by a variable ([`DefinedBlock`]).

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use crate::parse::ast::Block;
use crate::value::Value;

/// The `$foreach` object of one loop.
#[derive(Debug)]
pub struct LoopInfo {
    /// 0-based index of the current pass.
    pub index: Cell<usize>,
    /// Whether another pass follows.
    pub has_next: Cell<bool>,
    /// The enclosing loop's object.
    pub parent: Option<Rc<LoopInfo>>,
    /// Identifies the loop for `#break($foreach.parent)`.
    pub id: usize,
}

impl LoopInfo {
    /// The property a method without arguments reads: `getIndex()` and
    /// `index()` read `index`.
    pub(crate) fn method_property(name: &str) -> Option<&'static str> {
        Some(match name {
            "hasNext" => "hasNext",
            "getIndex" | "index" => "index",
            "getCount" | "count" => "count",
            "isFirst" | "getFirst" | "first" => "first",
            "isLast" | "getLast" | "last" => "last",
            "getParent" | "parent" => "parent",
            _ => return None,
        })
    }

    /// `$foreach.name`; `None` for a name the loop object does not have.
    pub(crate) fn property(&self, name: &str) -> Option<Value> {
        let index = self.index.get();
        Some(match name {
            "index" => Value::from(index),
            "count" => Value::from(index + 1),
            "hasNext" => Value::Bool(self.has_next.get()),
            "first" => Value::Bool(index == 0),
            "last" => Value::Bool(!self.has_next.get()),
            "parent" => match &self.parent {
                Some(p) => Value::Object(p.clone()),
                None => Value::Null,
            },
            _ => return None,
        })
    }
}

impl crate::value::Object for LoopInfo {
    fn type_name(&self) -> &'static str {
        "loop object"
    }

    fn write_java(&self, out: &mut String) {
        out.push_str("{index=");
        out.push_str(itoa::Buffer::new().format(self.index.get()));
        out.push('}');
    }
}

/// A `#define` block held by a variable.
#[derive(Debug)]
pub struct DefinedBlock {
    pub(crate) body: Arc<Block>,
    /// How many times the block is being rendered inside itself.
    pub(crate) depth: Cell<usize>,
}

impl crate::value::Object for DefinedBlock {
    fn type_name(&self) -> &'static str {
        "#define block"
    }

    fn write_java(&self, out: &mut String) {
        out.push_str("#define");
    }
}
