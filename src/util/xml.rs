//! `$util.xml.*`: XML documents as maps (repeated elements become lists,
//! numeric text becomes numbers).

use std::rc::Rc;

use super::args::text;
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::{to_json_string, Map, Value};

/// `$util.xml`
pub static XML: super::Namespace = super::Namespace {
    name: "xml",
    path: ".xml",
    functions: &[
        Builtin::new(
            "toMap",
            1,
            1,
            "toMap(String xml) : Map",
            "The document as a map; repeated elements become lists.",
            to_map,
        ),
        Builtin::new(
            "toJsonString",
            1,
            2,
            "toJsonString(String xml[, Boolean stringEncode]) : String",
            "The document as JSON text; with `true` the JSON text is itself string-encoded.",
            to_json_string_fn,
        ),
    ],
    children: &[],
};

fn scalar(text: &str) -> Value {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Value::Int(i);
    }
    if t.contains('.') {
        if let Ok(f) = t.parse::<f64>() {
            if f.is_finite() {
                return Value::Float(f);
            }
        }
    }
    match t {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::from(t),
    }
}

fn element(node: roxmltree::Node<'_, '_>, depth: usize) -> Value {
    if depth > crate::value::MAX_DEPTH {
        return Value::Null;
    }
    let children: Vec<_> = node.children().filter(|c| c.is_element()).collect();
    if children.is_empty() && node.attributes().len() == 0 {
        let t: String = node.children().filter_map(|c| c.text()).collect();
        return if t.trim().is_empty() {
            Value::Null
        } else {
            scalar(&t)
        };
    }
    let mut m = Map::default();
    for a in node.attributes() {
        m.insert(Rc::from(a.name()), scalar(a.value()));
    }
    for c in children {
        let name: Rc<str> = Rc::from(c.tag_name().name());
        let v = element(c, depth + 1);
        match m.get_mut(&name) {
            Some(Value::List(l)) => l.borrow_mut().push(v),
            Some(existing) => {
                let first = existing.clone();
                *existing = Value::list(vec![first, v]);
            }
            None => {
                m.insert(name, v);
            }
        }
    }
    Value::map(m)
}

fn parse(args: &[Value]) -> Result<Value, UtilError> {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    let doc = roxmltree::Document::parse(&s)
        .map_err(|e| UtilError::Invalid(format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    let mut m = Map::default();
    m.insert(Rc::from(root.tag_name().name()), element(root, 0));
    Ok(Value::map(m))
}

fn to_map(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    parse(args)
}

fn to_json_string_fn(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let json = to_json_string(&parse(args)?);
    let encode = matches!(args.get(1), Some(Value::Bool(true)));
    Ok(Value::from(if encode {
        to_json_string(&Value::from(json))
    } else {
        json
    }))
}
