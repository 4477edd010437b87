//! Java methods on values: `java.lang.String`, `java.util.List`, `java.util.Map`,
//! `Map.Entry`, numbers and booleans, with Java's return values (`put` returns
//! the previous value, `add` returns `true`, `remove(int)` removes by index).
//!
//! Unknown methods evaluate to null, as in Velocity (the reference then prints
//! as written). Reflection (`getClass`, `class`) is never reachable.

use std::rc::Rc;

use crate::error::Error;
use crate::java::regex;
use crate::util::RunState;
use crate::value::Value;

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
        Value::Entry(e) => match (name, args.len()) {
            ("getKey", 0) => ok(Value::Str(e.0.clone())),
            ("getValue", 0) => ok(e.1.clone()),
            _ => common(recv, name, args),
        },
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

/// Java's `String.hashCode`.
fn java_hash(s: &str) -> i64 {
    let mut h: i32 = 0;
    for unit in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(unit as i32);
    }
    h as i64
}

/// UTF-16 length.
fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Byte offset of a UTF-16 index (None when it splits a pair or is out of range).
fn byte_at(s: &str, index: i64) -> Option<usize> {
    if index < 0 {
        return None;
    }
    let mut units = 0i64;
    for (i, c) in s.char_indices() {
        if units == index {
            return Some(i);
        }
        units += c.len_utf16() as i64;
        if units > index {
            return None;
        }
    }
    (units == index).then_some(s.len())
}

/// UTF-16 index of a byte offset.
fn utf16_index(s: &str, byte: usize) -> i64 {
    utf16_len(&s[..byte]) as i64
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

fn string(s: &Rc<str>, name: &str, args: &[Value]) -> MethodResult {
    let m = name;
    match (name, args.len()) {
        ("length", 0) => ok(utf16_len(s)),
        ("isEmpty", 0) => ok(s.is_empty()),
        ("isBlank", 0) => ok(s.chars().all(char::is_whitespace)),
        ("toString" | "intern", 0) => ok(Value::Str(s.clone())),
        ("toUpperCase", 0) => ok(s.to_uppercase()),
        ("toLowerCase", 0) => ok(s.to_lowercase()),
        ("trim", 0) => ok(s.trim_matches(|c: char| c <= ' ')),
        ("strip", 0) => ok(s.trim()),
        ("stripLeading", 0) => ok(s.trim_start()),
        ("stripTrailing", 0) => ok(s.trim_end()),
        ("contains", 1) => ok(s.contains(&*str_arg(m, args, 0)?)),
        ("startsWith", 1) => ok(s.starts_with(&*str_arg(m, args, 0)?)),
        ("startsWith", 2) => {
            let from = int_arg(m, args, 1)?;
            ok(byte_at(s, from)
                .is_some_and(|b| s[b..].starts_with(&*str_arg(m, args, 0).unwrap_or_default())))
        }
        ("endsWith", 1) => ok(s.ends_with(&*str_arg(m, args, 0)?)),
        ("equals", 1) => ok(matches!(&args[0], Value::Str(o) if o == s)),
        ("equalsIgnoreCase", 1) => ok(match &args[0] {
            Value::Str(o) => o.to_lowercase() == s.to_lowercase(),
            _ => false,
        }),
        ("compareTo", 1) => {
            let o = str_arg(m, args, 0)?;
            let a: Vec<u16> = s.encode_utf16().collect();
            let b: Vec<u16> = o.encode_utf16().collect();
            let diff = a
                .iter()
                .zip(b.iter())
                .find(|(x, y)| x != y)
                .map(|(x, y)| *x as i64 - *y as i64)
                .unwrap_or(a.len() as i64 - b.len() as i64);
            ok(diff)
        }
        ("indexOf", 1 | 2) => {
            let needle = str_arg(m, args, 0)?;
            let from = if args.len() == 2 {
                int_arg(m, args, 1)?.max(0)
            } else {
                0
            };
            let start = byte_at(s, from.min(utf16_len(s) as i64)).unwrap_or(s.len());
            ok(s[start..]
                .find(&*needle)
                .map(|b| utf16_index(s, start + b))
                .unwrap_or(-1))
        }
        ("lastIndexOf", 1) => {
            let needle = str_arg(m, args, 0)?;
            ok(s.rfind(&*needle).map(|b| utf16_index(s, b)).unwrap_or(-1))
        }
        ("charAt", 1) => {
            let i = int_arg(m, args, 0)?;
            match byte_at(s, i).and_then(|b| s[b..].chars().next()) {
                Some(c) => ok(c.to_string()),
                None => Err(bad(
                    m,
                    format!(
                        "index {i} is out of range for a string of length {}",
                        utf16_len(s)
                    ),
                )),
            }
        }
        ("substring", 1 | 2) => {
            let len = utf16_len(s) as i64;
            let begin = int_arg(m, args, 0)?;
            let end = if args.len() == 2 {
                int_arg(m, args, 1)?
            } else {
                len
            };
            if begin < 0 || end > len || begin > end {
                return Err(bad(m, format!("begin {begin}, end {end}, length {len}")));
            }
            match (byte_at(s, begin), byte_at(s, end)) {
                (Some(a), Some(b)) => ok(&s[a..b]),
                _ => Err(bad(m, "splits a surrogate pair")),
            }
        }
        ("concat", 1) => ok(format!("{s}{}", str_arg(m, args, 0)?)),
        ("replace", 2) => {
            let from = str_arg(m, args, 0)?;
            let to = str_arg(m, args, 1)?;
            if from.is_empty() {
                // Java inserts the replacement between every character.
                let mut out = String::new();
                out.push_str(&to);
                for c in s.chars() {
                    out.push(c);
                    out.push_str(&to);
                }
                return ok(out);
            }
            ok(s.replace(&*from, &to))
        }
        ("replaceAll" | "replaceFirst", 2) => {
            let re = regex::compile(&str_arg(m, args, 0)?).map_err(|e| bad(m, e))?;
            let rep = regex::replacement(&str_arg(m, args, 1)?);
            ok(if name == "replaceAll" {
                re.replace_all(s, rep.as_str()).into_owned()
            } else {
                re.replace(s, rep.as_str()).into_owned()
            })
        }
        ("matches", 1) => {
            let re = regex::full_match(&str_arg(m, args, 0)?).map_err(|e| bad(m, e))?;
            ok(re.is_match(s))
        }
        ("split", 1 | 2) => {
            let limit = if args.len() == 2 {
                int_arg(m, args, 1)?
            } else {
                0
            };
            let parts = regex::split(s, &str_arg(m, args, 0)?, limit).map_err(|e| bad(m, e))?;
            ok(Value::list(parts.into_iter().map(Value::from).collect()))
        }
        ("getBytes", 0) => ok(Value::Str(s.clone())),
        ("hashCode", 0) => ok(java_hash(s)),
        ("repeat", 1) => {
            let n = int_arg(m, args, 0)?;
            if n < 0 || (n as usize).saturating_mul(s.len()) > 5 * 1024 * 1024 {
                return Err(bad(m, format!("count {n} is negative or too large")));
            }
            ok(s.repeat(n as usize))
        }
        ("codePointAt", 1) => {
            let i = int_arg(m, args, 0)?;
            match byte_at(s, i).and_then(|b| s[b..].chars().next()) {
                Some(c) => ok(c as i64),
                None => Err(bad(m, format!("index {i} is out of range"))),
            }
        }
        _ => common(&Value::Str(s.clone()), name, args),
    }
}

fn list(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
    let Value::List(l) = recv else {
        return ok(Value::Null);
    };
    let m = name;
    let index_error =
        |i: i64, len: usize| bad(m, format!("index {i} is out of bounds for length {len}"));
    match (name, args.len()) {
        ("size", 0) => ok(l.borrow().len()),
        ("isEmpty", 0) => ok(l.borrow().is_empty()),
        ("get", 1) => {
            let i = int_arg(m, args, 0)?;
            let l = l.borrow();
            match usize::try_from(i).ok().and_then(|i| l.get(i)) {
                Some(v) => ok(v.clone()),
                None => Err(index_error(i, l.len())),
            }
        }
        ("add", 1) => {
            l.borrow_mut().push(args[0].clone());
            ok(true)
        }
        ("add", 2) => {
            let i = int_arg(m, args, 0)?;
            let mut l = l.borrow_mut();
            if i < 0 || i as usize > l.len() {
                return Err(index_error(i, l.len()));
            }
            l.insert(i as usize, args[1].clone());
            void()
        }
        ("addAll", 1) => {
            let items = match &args[0] {
                Value::List(o) => o.borrow().clone(),
                other => return Err(bad(m, format!("expects a list, got {}", other.type_name()))),
            };
            let changed = !items.is_empty();
            l.borrow_mut().extend(items);
            ok(changed)
        }
        ("addAll", 2) => {
            let i = int_arg(m, args, 0)?;
            let items = match &args[1] {
                Value::List(o) => o.borrow().clone(),
                other => return Err(bad(m, format!("expects a list, got {}", other.type_name()))),
            };
            let mut l = l.borrow_mut();
            if i < 0 || i as usize > l.len() {
                return Err(index_error(i, l.len()));
            }
            let changed = !items.is_empty();
            let tail = l.split_off(i as usize);
            l.extend(items);
            l.extend(tail);
            ok(changed)
        }
        ("set", 2) => {
            let i = int_arg(m, args, 0)?;
            let mut l = l.borrow_mut();
            let len = l.len();
            match usize::try_from(i).ok().and_then(|i| l.get_mut(i)) {
                Some(slot) => ok(std::mem::replace(slot, args[1].clone())),
                None => Err(index_error(i, len)),
            }
        }
        ("remove", 1) => match &args[0] {
            Value::Int(i) => {
                let mut l = l.borrow_mut();
                if *i < 0 || *i as usize >= l.len() {
                    return Err(index_error(*i, l.len()));
                }
                ok(l.remove(*i as usize))
            }
            other => {
                let mut l = l.borrow_mut();
                match l.iter().position(|x| x.java_equals(other)) {
                    Some(p) => {
                        l.remove(p);
                        ok(true)
                    }
                    None => ok(false),
                }
            }
        },
        ("contains", 1) => ok(l.borrow().iter().any(|x| x.java_equals(&args[0]))),
        ("containsAll", 1) => match &args[0] {
            Value::List(o) => {
                let o = o.borrow().clone();
                let l = l.borrow();
                ok(o.iter().all(|x| l.iter().any(|y| y.java_equals(x))))
            }
            _ => ok(false),
        },
        ("indexOf", 1) => ok(l
            .borrow()
            .iter()
            .position(|x| x.java_equals(&args[0]))
            .map(|p| p as i64)
            .unwrap_or(-1)),
        ("lastIndexOf", 1) => ok(l
            .borrow()
            .iter()
            .rposition(|x| x.java_equals(&args[0]))
            .map(|p| p as i64)
            .unwrap_or(-1)),
        ("clear", 0) => {
            l.borrow_mut().clear();
            void()
        }
        ("subList", 2) => {
            let (a, b) = (int_arg(m, args, 0)?, int_arg(m, args, 1)?);
            let l = l.borrow();
            if a < 0 || b as usize > l.len() || a > b {
                return Err(bad(
                    m,
                    format!("fromIndex {a}, toIndex {b}, size {}", l.len()),
                ));
            }
            ok(Value::list(l[a as usize..b as usize].to_vec()))
        }
        ("removeAll" | "retainAll", 1) => {
            let other = match &args[0] {
                Value::List(o) => o.borrow().clone(),
                _ => return ok(false),
            };
            let keep_listed = name == "retainAll";
            let mut l = l.borrow_mut();
            let before = l.len();
            l.retain(|x| other.iter().any(|y| y.java_equals(x)) == keep_listed);
            ok(l.len() != before)
        }
        ("toArray", 0) => ok(recv.shallow_copy()),
        ("isEmpty" | "size", _) => Err(bad(m, "takes no arguments")),
        _ => common(recv, name, args),
    }
}

fn map(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
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

fn number(recv: &Value, name: &str, args: &[Value]) -> MethodResult {
    match (name, args.len(), recv) {
        ("intValue" | "longValue", 0, Value::Int(i)) => ok(*i),
        ("intValue" | "longValue", 0, Value::Float(f)) => ok(*f as i64),
        ("doubleValue" | "floatValue", 0, v) => ok(v.as_f64().unwrap_or(0.0)),
        ("compareTo", 1, v) => ok(match super::ops::compare(v, &args[0]) {
            Some(std::cmp::Ordering::Less) => -1i64,
            Some(std::cmp::Ordering::Greater) => 1,
            _ => 0,
        }),
        ("isNaN", 0, Value::Float(f)) => ok(f.is_nan()),
        _ => common(recv, name, args),
    }
}
