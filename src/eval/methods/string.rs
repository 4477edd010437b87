//! `java.lang.String` methods, and the UTF-16 indexes and hash they are
//! defined by.

use std::rc::Rc;

use super::{bad, common, int_arg, ok, str_arg, MethodResult};
use crate::java::regex;
use crate::value::Value;

/// Java's `String.hashCode`.
pub(super) fn java_hash(s: &str) -> i64 {
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

pub(super) fn string(s: &Rc<str>, name: &str, args: &[Value]) -> MethodResult {
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
            let pattern = str_arg(m, args, 0)?;
            let rep = str_arg(m, args, 1)?;
            ok(regex::replace(s, &pattern, &rep, name == "replaceAll").map_err(|e| bad(m, e))?)
        }
        ("matches", 1) => ok(regex::matches(&str_arg(m, args, 0)?, s).map_err(|e| bad(m, e))?),
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
