//! Java methods on values: `java.lang.String`, `java.util.List`, `java.util.Map`,
//! `Map.Entry`, numbers and booleans, with Java's return values (`put` returns
//! the previous value, `add` returns `true`, `remove(int)` removes by index).
//!
//! Unknown methods evaluate to null, as in Velocity (the reference then prints
//! as written). Reflection (`getClass`, `class`) is never reachable.

mod list;
mod map;
mod number;
mod string;

use crate::error::Error;
use crate::util::RunState;
use crate::value::Value;
use list::list;
use map::{entry, map};
use number::number;
use string::{java_hash, string};

/// A method result: the value, and whether the method returns `void`.
type MethodResult = Result<(Value, bool), Error>;

fn ok(v: impl Into<Value>) -> MethodResult {
    Ok((v.into(), false))
}

fn void() -> MethodResult {
    Ok((Value::Null, true))
}

fn bad(method: &str, message: impl std::fmt::Display) -> Error {
    Error::invalid(format!("`{method}`: {message}"))
}

/// Calls a method on a value.
pub(crate) fn call(
    recv: &Value,
    name: &str,
    args: &[Value],
    _state: &mut RunState,
) -> MethodResult {
    let result = match recv {
        Value::Str(s) => string(s, name, args),
        Value::List(_) => list(recv, name, args),
        Value::Map(_) => map(recv, name, args),
        Value::Entry(e) => entry(recv, e, name, args),
        Value::Int(_) | Value::Float(_) => number(recv, name, args),
        Value::Object(_) => match (recv.downcast_object::<super::LoopInfo>(), args.len()) {
            (Some(l), 0) => match super::LoopInfo::method_property(name) {
                Some(property) => ok(l.property(property)),
                None => common(recv, name, args),
            },
            _ => common(recv, name, args),
        },
        Value::Bool(b) => match (name, args.len()) {
            ("booleanValue", 0) => ok(*b),
            _ => common(recv, name, args),
        },
        _ => common(recv, name, args),
    }?;
    Ok(result)
}

/// Methods every object has.
fn common(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
    match (name, args) {
        ("getClass" | "wait" | "notify" | "notifyAll", _) => ok(Value::Null),
        ("toString", []) => ok(recv.to_java_string()),
        ("equals", [other]) => ok(recv.java_equals(other)),
        ("hashCode", []) => ok(java_hash(&recv.to_java_string())),
        _ => ok(Value::Null),
    }
}

/// A property read that is not a map key: Velocity tries `getX()` and `isX()`.
pub(crate) fn property(recv: &Value, name: &str, state: &mut RunState) -> Result<Value, Error> {
    if name == "class" {
        return Ok(Value::Null);
    }
    match recv {
        Value::Entry(e) => Ok(match name {
            "key" => Value::Str(e.0.clone()),
            "value" => e.1.clone(),
            _ => Value::Null,
        }),
        _ => {
            let mut chars = name.chars();
            let Some(first) = chars.next() else {
                return Ok(Value::Null);
            };
            let capitalized: String = first.to_uppercase().chain(chars).collect();
            for prefix in ["get", "is"] {
                let method = format!("{prefix}{capitalized}");
                let (v, void) = call(recv, &method, &[], state)?;
                if !v.is_null() || void {
                    return Ok(v);
                }
            }
            Ok(Value::Null)
        }
    }
}

fn int_arg(method: &str, args: &[Value], i: usize) -> Result<i64, Error> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(other) => Err(bad(
            method,
            format!("expects an integer, got {}", other.type_name()),
        )),
        None => Err(bad(method, "is missing an argument")),
    }
}

fn str_arg<'a>(
    method: &str,
    args: &'a [Value],
    i: usize,
) -> Result<std::borrow::Cow<'a, str>, Error> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(std::borrow::Cow::Borrowed(s)),
        Some(Value::Null) | None => Err(bad(method, "expects a string, got null")),
        Some(other) => Ok(std::borrow::Cow::Owned(other.to_java_string())),
    }
}
