//! `$util.list.*`: copies with items kept or removed, and sorting.

use std::cmp::Ordering;

use super::args::{boolean, list, text};
use super::{Builtin, Call, UtilResult};
use crate::value::Value;

/// `$util.list`
pub static LIST: super::Namespace = super::Namespace {
    name: "list",
    path: ".list",
    functions: &[
        Builtin::new(
            "copyAndRetainAll",
            2,
            2,
            "copyAndRetainAll(List, List) : List",
            "A copy of the first list keeping only items also in the second.",
            copy_and_retain_all,
        ),
        Builtin::new(
            "copyAndRemoveAll",
            2,
            2,
            "copyAndRemoveAll(List, List) : List",
            "A copy of the first list without the items of the second.",
            copy_and_remove_all,
        ),
        Builtin::new(
            "sortList",
            3,
            3,
            "sortList(List, Boolean descending, String property) : List",
            "A sorted copy: scalars by value, maps by `property`; mixed types come back unsorted.",
            sort_list,
        ),
    ],
    children: &[],
};

fn filtered(args: &[Value], keep: bool) -> UtilResult {
    let items = list(args, 0)?;
    let other = list(args, 1)?;
    let other = other.borrow();
    let out: Vec<Value> = items
        .borrow()
        .iter()
        .filter(|x| other.iter().any(|y| x.java_equals(y)) == keep)
        .cloned()
        .collect();
    Ok(Value::list(out))
}

fn copy_and_retain_all(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    filtered(args, true)
}

fn copy_and_remove_all(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    filtered(args, false)
}

fn sort_list(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let items = list(args, 0)?;
    let descending = boolean(args, 1)?;
    let property = text(args, 2).unwrap_or_default();
    let mut out: Vec<Value> = items.borrow().clone();
    let key = |v: &Value| -> Value {
        match v {
            Value::Map(m) => m
                .borrow()
                .get(property.as_str())
                .cloned()
                .unwrap_or(Value::Null),
            other => other.clone(),
        }
    };
    let kind = |v: &Value| match v {
        Value::Str(_) => 1,
        Value::Int(_) | Value::BigInt(_) | Value::Decimal(_) | Value::Float(_) => 2,
        Value::Bool(_) => 3,
        _ => 0,
    };
    let keys: Vec<Value> = out.iter().map(key).collect();
    let first_kind = keys.first().map(kind).unwrap_or(0);
    if first_kind == 0 || keys.iter().any(|k| kind(k) != first_kind) {
        return Ok(Value::list(out));
    }
    let cmp = |a: &Value, b: &Value| -> Ordering {
        match (&key(a), &key(b)) {
            (Value::Str(x), Value::Str(y)) => x.cmp(y),
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (x, y) => x
                .as_f64()
                .unwrap_or(0.0)
                .partial_cmp(&y.as_f64().unwrap_or(0.0))
                .unwrap_or(Ordering::Equal),
        }
    };
    out.sort_by(|a, b| if descending { cmp(b, a) } else { cmp(a, b) });
    Ok(Value::list(out))
}
