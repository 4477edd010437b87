//! `java.util.Map` and `Map.Entry` methods.

use std::rc::Rc;

use super::{bad, common, ok, void, MethodResult};
use crate::value::Value;

pub(super) fn map(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
    let Value::Map(map) = recv else {
        return ok(Value::Null);
    };
    let key = |i: usize| {
        args.get(i)
            .map(Value::to_key)
            .unwrap_or_else(|| Rc::from("null"))
    };
    match (name, args.len()) {
        ("get", 1) => ok(map.borrow().get(&key(0)).cloned().unwrap_or(Value::Null)),
        ("getOrDefault", 2) => ok(map
            .borrow()
            .get(&key(0))
            .cloned()
            .unwrap_or_else(|| args[1].clone())),
        ("put", 2) => ok(map
            .borrow_mut()
            .insert(key(0), args[1].clone())
            .unwrap_or(Value::Null)),
        ("putIfAbsent", 2) => {
            let mut mm = map.borrow_mut();
            match mm.get(&key(0)) {
                Some(v) if !v.is_null() => ok(v.clone()),
                _ => {
                    mm.insert(key(0), args[1].clone());
                    ok(Value::Null)
                }
            }
        }
        ("putAll", 1) => {
            let entries: Vec<_> = match &args[0] {
                Value::Map(o) => o
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                other => {
                    return Err(bad(
                        name,
                        format!("expects a map, got {}", other.type_name()),
                    ))
                }
            };
            map.borrow_mut().extend(entries);
            void()
        }
        ("containsKey", 1) => ok(map.borrow().contains_key(&key(0))),
        ("containsValue", 1) => ok(map.borrow().values().any(|v| v.java_equals(&args[0]))),
        ("remove", 1) => ok(map
            .borrow_mut()
            .shift_remove(&key(0))
            .unwrap_or(Value::Null)),
        ("size", 0) => ok(map.borrow().len()),
        ("isEmpty", 0) => ok(map.borrow().is_empty()),
        ("clear", 0) => {
            map.borrow_mut().clear();
            void()
        }
        ("keySet", 0) => ok(Value::list(
            map.borrow().keys().map(|k| Value::Str(k.clone())).collect(),
        )),
        ("values", 0) => ok(Value::list(map.borrow().values().cloned().collect())),
        ("entrySet", 0) => ok(Value::list(
            map.borrow()
                .iter()
                .map(|(k, v)| Value::Entry(Rc::new((k.clone(), v.clone()))))
                .collect(),
        )),
        _ => common(recv, name, args),
    }
}

/// `Map.Entry` methods.
pub(super) fn entry(
    recv: &Value,
    e: &(Rc<str>, Value),
    name: &str,
    args: &[Value],
) -> MethodResult {
    match (name, args.len()) {
        ("getKey", 0) => ok(Value::Str(e.0.clone())),
        ("getValue", 0) => ok(e.1.clone()),
        _ => common(recv, name, args),
    }
}
