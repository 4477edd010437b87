//! Conversion between [`Value`] and JSON, printed the way Java's Jackson prints it
//! (compact, doubles as `Double.toString`: `2.0`, `1.0E21`).

use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::{budget, format_double, Map, Value, MAX_DEPTH, MAX_PRINT_BYTES};

/// Builds a value from parsed JSON as Jackson does: integers become `Int`
/// (`BigInt` past `i64`), other numbers `Float`. An integer past `u64` has
/// reached here as a double already (`serde_json` reads it so).
///
/// Object keys repeat (500 items with the same six fields), so each distinct key
/// is allocated once and shared.
pub fn from_json(v: &serde_json::Value) -> Value {
    FromJson::default().value(v)
}

#[derive(Default)]
struct FromJson<'j> {
    keys: FxHashMap<&'j str, Rc<str>>,
}

impl<'j> FromJson<'j> {
    fn value(&mut self, v: &'j serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(u)) => Value::big(u.into()),
                _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s.as_str().into()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(|x| self.value(x)).collect()),
            serde_json::Value::Object(o) => {
                let mut map = Map::with_capacity(o.len());
                for (k, x) in o {
                    let key = self.key(k);
                    map.insert(key, self.value(x));
                }
                Value::map(map)
            }
        }
    }

    fn key(&mut self, k: &'j str) -> Rc<str> {
        self.keys.entry(k).or_insert_with(|| Rc::from(k)).clone()
    }
}

/// Converts a value to `serde_json::Value` (cycles and over-deep values become `null`).
pub fn to_json(v: &Value) -> serde_json::Value {
    to_json_depth(v, 0)
}

fn to_json_depth(v: &Value, depth: usize) -> serde_json::Value {
    if depth > MAX_DEPTH {
        return serde_json::Value::Null;
    }
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        // Past `u64`, the nearest double: `serde_json` holds no more digits.
        Value::BigInt(b) => match u64::try_from(&**b) {
            Ok(u) => serde_json::Value::from(u),
            Err(_) => serde_json::Number::from_f64(super::number::big_to_f64(b))
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
        },
        Value::Decimal(d) => serde_json::Number::from_f64(d.to_f64())
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(l) => {
            let l = l.borrow();
            // Building JSON costs more (and holds more memory) than walking.
            if !budget::charge(8 * (1 + l.len())) {
                return serde_json::Value::Null;
            }
            serde_json::Value::Array(l.iter().map(|x| to_json_depth(x, depth + 1)).collect())
        }
        Value::Map(m) => {
            let m = m.borrow();
            if !budget::charge(8 * (1 + m.len())) {
                return serde_json::Value::Null;
            }
            serde_json::Value::Object(
                m.iter()
                    .map(|(k, x)| (k.to_string(), to_json_depth(x, depth + 1)))
                    .collect(),
            )
        }
        Value::Entry(e) => {
            let mut o = serde_json::Map::new();
            o.insert(e.key().to_string(), to_json_depth(&e.value(), depth + 1));
            serde_json::Value::Object(o)
        }
        other => serde_json::Value::String(other.to_java_string()),
    }
}

/// JSON text of a value, as `$util.toJson` prints it.
///
/// ```
/// use appsync_vtl::{Value, value::to_json_string};
/// let v = Value::list(vec![Value::from(2.0), Value::from("a\"b"), Value::Null]);
/// assert_eq!(to_json_string(&v), r#"[2.0,"a\"b",null]"#);
/// ```
pub fn to_json_string(v: &Value) -> String {
    let mut out = String::with_capacity(128);
    write_json(v, &mut out, 0, None, MAX_PRINT_BYTES);
    out
}

/// The JSON text of `v` as [`to_json_string`] prints it, or `None` once it
/// grows past `max` bytes (printing stops there).
pub fn to_json_string_within(v: &Value, max: usize) -> Option<String> {
    let mut out = String::new();
    write_json(v, &mut out, 0, None, max);
    (out.len() <= max).then_some(out)
}

/// Indented JSON text (two spaces), for people.
pub fn to_json_string_pretty(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out, 0, Some(0), MAX_PRINT_BYTES);
    out
}

/// Appends the compact JSON text of `v` as [`to_json_string`] prints it when `v`
/// sits `depth` levels down (past [`MAX_DEPTH`] levels it prints `null`).
pub(crate) fn write_json_at(v: &Value, out: &mut String, depth: usize) {
    write_json(v, out, depth, None, MAX_PRINT_BYTES);
}

fn newline(out: &mut String, indent: Option<usize>) {
    if let Some(n) = indent {
        out.push('\n');
        for _ in 0..n {
            out.push_str("  ");
        }
    }
}

fn write_json(v: &Value, out: &mut String, depth: usize, indent: Option<usize>, cap: usize) {
    if depth > MAX_DEPTH {
        out.push_str("null");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            out.push_str(itoa::Buffer::new().format(*i));
        }
        Value::BigInt(b) => super::number::write_big(b, out),
        Value::Decimal(_) => v.write_java(out, depth),
        Value::Float(f) => {
            if f.is_finite() {
                out.push_str(&format_double(*f))
            } else {
                out.push('"');
                out.push_str(&format_double(*f));
                out.push('"');
            }
        }
        Value::Str(s) => write_json_str(s, out),
        Value::List(l) => {
            let l = l.borrow();
            if !budget::charge(1 + l.len()) {
                out.push_str("null");
                return;
            }
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if out.len() > cap {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent.map(|n| n + 1));
                write_json(x, out, depth + 1, indent.map(|n| n + 1), cap);
            }
            if !l.is_empty() {
                newline(out, indent);
            }
            out.push(']');
        }
        Value::Map(m) => {
            let m = m.borrow();
            if !budget::charge(1 + m.len()) {
                out.push_str("null");
                return;
            }
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if out.len() > cap {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent.map(|n| n + 1));
                write_json_str(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(x, out, depth + 1, indent.map(|n| n + 1), cap);
            }
            if !m.is_empty() {
                newline(out, indent);
            }
            out.push('}');
        }
        Value::Entry(e) => {
            out.push('{');
            write_json_str(e.key(), out);
            out.push(':');
            write_json(&e.value(), out, depth + 1, indent, cap);
            out.push('}');
        }
        other => write_json_str(&other.to_java_string(), out),
    }
}

/// Appends a JSON string literal (Jackson's escaping).
pub(crate) fn write_json_str(s: &str, out: &mut String) {
    out.push('"');
    // Most strings need no escaping: copy them in one go.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => out.push_str(&format!("\\u{:04X}", b)),
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}
