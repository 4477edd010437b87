//! `$util.dynamodb.*`: values in DynamoDB's typed attribute format.
//!
//! Numbers are emitted as JSON numbers (`{"N": 5}`) and null as `{"NULL": null}`,
//! as real AppSync emits them (the Amplify simulator writes `"N": "5"`).

use std::rc::Rc;

use super::args::{any, list, map, string, text};
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::{budget, write_json_at, write_json_str, Map, Value, MAX_DEPTH};

/// Builds the table: each `pair` row makes the object form (returns a `Map`)
/// and its `…Json` form (returns the same as JSON text), each row naming itself
/// in its signature.
macro_rules! table {
    (pairs: [$(($name:literal, $json:literal, $min:literal, $max:literal, $params:literal, $doc:literal, $f:ident)),* $(,)?],
     single: [$($row:expr),* $(,)?]) => {
        &[
            $(
                Builtin::new($name, $min, $max, concat!($name, $params, " : Map"), $doc, $f::<false>),
                Builtin::new($json, $min, $max, concat!($json, $params, " : String"), concat!($doc, " As JSON text."), $f::<true>),
            )*
            $($row,)*
        ]
    };
}

static FUNCTIONS: &[Builtin] = table! {
    pairs: [
        ("toDynamoDB", "toDynamoDBJson", 1, 1, "(Object)", "Any value as a DynamoDB attribute value (S, N, BOOL, NULL, L, M).", to_dynamodb),
        ("toString", "toStringJson", 1, 1, "(String)", "A string attribute `{\"S\": …}`.", to_string),
        ("toStringSet", "toStringSetJson", 1, 1, "(List<String>)", "A string set `{\"SS\": […]}`.", to_string_set),
        ("toNumber", "toNumberJson", 1, 1, "(Number)", "A number attribute `{\"N\": …}`.", to_number),
        ("toNumberSet", "toNumberSetJson", 1, 1, "(List<Number>)", "A number set `{\"NS\": […]}`.", to_number_set),
        ("toBinary", "toBinaryJson", 1, 1, "(String base64)", "A binary attribute `{\"B\": …}`.", to_binary),
        ("toBinarySet", "toBinarySetJson", 1, 1, "(List<String>)", "A binary set `{\"BS\": […]}`.", to_binary_set),
        ("toBoolean", "toBooleanJson", 1, 1, "(Boolean)", "A boolean attribute `{\"BOOL\": …}`.", to_boolean),
        ("toNull", "toNullJson", 0, 0, "()", "A null attribute `{\"NULL\": null}`.", to_null),
        ("toList", "toListJson", 1, 1, "(List)", "A list attribute `{\"L\": […]}`, items converted.", to_list),
        ("toMap", "toMapJson", 1, 1, "(Map)", "A map attribute `{\"M\": {…}}`, values converted.", to_map),
        ("toMapValues", "toMapValuesJson", 1, 1, "(Map)", "The map with each value converted to an attribute value.", to_map_values),
        ("toS3Object", "toS3ObjectJson", 3, 4, "(String key, String bucket, String region[, String version])", "An S3 object reference as a string attribute.", to_s3_object),
    ],
    single: [
        Builtin::new("fromS3ObjectJson", 1, 1, "fromS3ObjectJson(String) : Map", "Reads an S3 object reference back into {key, bucket, region[, version]}.", from_s3_object_json),
    ]
};

/// `$util.dynamodb`
pub static DYNAMODB: super::Namespace = super::Namespace {
    name: "dynamodb",
    path: ".dynamodb",
    functions: FUNCTIONS,
    children: &[],
};

fn single(tag: &str, v: Value) -> Value {
    let mut m = Map::with_capacity(1);
    m.insert(Rc::from(tag), v);
    Value::map(m)
}

fn too_deep(depth: usize) -> Result<(), UtilError> {
    if depth > MAX_DEPTH {
        return Err(UtilError::Invalid(
            "the value nests too deeply (or contains itself)".into(),
        ));
    }
    Ok(())
}

/// [`too_deep`], and charges a list's or map's entries to the render's work
/// budget (the evaluator reports a budget that ran out).
fn visit(v: &Value, depth: usize) -> Result<(), UtilError> {
    too_deep(depth)?;
    let entries = match v {
        Value::List(l) => l.borrow().len(),
        Value::Map(m) => m.borrow().len(),
        _ => return Ok(()),
    };
    if budget::charge(1 + entries) {
        Ok(())
    } else {
        Err(UtilError::Invalid("the work budget ran out".into()))
    }
}

/// The attribute type of a value: `S`, `N`, `BOOL`, `NULL`, `L` or `M`.
fn tag(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Bool(_) => "BOOL",
        Value::Int(_) | Value::BigInt(_) | Value::Decimal(_) | Value::Float(_) => "N",
        Value::List(_) => "L",
        Value::Map(_) => "M",
        _ => "S",
    }
}

/// Converts any value to an attribute value.
pub(crate) fn attribute(v: &Value, depth: usize) -> Result<Value, UtilError> {
    visit(v, depth)?;
    let content = match v {
        Value::List(l) => Value::list(
            l.borrow()
                .iter()
                .map(|x| attribute(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => map_values(&m.borrow(), depth)?,
        Value::Null
        | Value::Bool(_)
        | Value::Int(_)
        | Value::BigInt(_)
        | Value::Decimal(_)
        | Value::Float(_)
        | Value::Str(_) => v.clone(),
        other => Value::from(other.to_java_string()),
    };
    Ok(single(tag(v), content))
}

fn map_values(m: &Map, depth: usize) -> Result<Value, UtilError> {
    let mut out = Map::with_capacity(m.len());
    for (k, v) in m.iter() {
        out.insert(k.clone(), attribute(v, depth + 1)?);
    }
    Ok(Value::map(out))
}

// -- the `…Json` forms: the text `to_json_string` would print for the values
// above, written without building them. `json` is the JSON depth a value would
// have had in that tree (each attribute is a one-entry map around its content,
// so one attribute level is two JSON levels): past `MAX_DEPTH` the printer
// writes `null`, and what it leaves out must still be checked for depth.

/// Fails as [`attribute`] would for a value that nests too deeply.
fn check_depth(v: &Value, depth: usize) -> Result<(), UtilError> {
    visit(v, depth)?;
    match v {
        Value::List(l) => l
            .borrow()
            .iter()
            .try_for_each(|x| check_depth(x, depth + 1)),
        Value::Map(m) => m
            .borrow()
            .values()
            .try_for_each(|x| check_depth(x, depth + 1)),
        _ => Ok(()),
    }
}

/// Appends `{"tag":`.
fn open(out: &mut String, tag: &str) {
    out.push_str("{\"");
    out.push_str(tag);
    out.push_str("\":");
}

/// Appends `to_json_string(&attribute(v, depth))` as it would print at JSON depth `json`.
fn write_attribute(
    out: &mut String,
    v: &Value,
    depth: usize,
    json: usize,
) -> Result<(), UtilError> {
    if json > MAX_DEPTH {
        out.push_str("null");
        return check_depth(v, depth);
    }
    visit(v, depth)?;
    open(out, tag(v));
    let inner = json + 1;
    match v {
        // The content is past the limit: `null`, and what it holds still checked.
        _ if inner > MAX_DEPTH => {
            out.push_str("null");
            check_depth(v, depth)?;
        }
        Value::List(l) => write_items(out, &l.borrow(), depth, inner)?,
        Value::Map(m) => write_values(out, &m.borrow(), depth, inner)?,
        Value::Null
        | Value::Bool(_)
        | Value::Int(_)
        | Value::BigInt(_)
        | Value::Decimal(_)
        | Value::Float(_)
        | Value::Str(_) => write_json_at(v, out, inner),
        other => write_json_str(&other.to_java_string(), out),
    }
    out.push('}');
    Ok(())
}

/// The items of a list at attribute depth `depth`, as attributes, the list at JSON depth `json`.
fn write_items(out: &mut String, l: &[Value], depth: usize, json: usize) -> Result<(), UtilError> {
    out.push('[');
    for (i, x) in l.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_attribute(out, x, depth + 1, json + 1)?;
    }
    out.push(']');
    Ok(())
}

/// [`map_values`] as JSON text, the map at JSON depth `json`.
fn write_values(out: &mut String, m: &Map, depth: usize, json: usize) -> Result<(), UtilError> {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_str(k, out);
        out.push(':');
        write_attribute(out, v, depth + 1, json + 1)?;
    }
    out.push('}');
    Ok(())
}

/// JSON text written by `write`.
fn json_text(write: impl FnOnce(&mut String) -> Result<(), UtilError>) -> UtilResult {
    let mut out = String::with_capacity(128);
    write(&mut out)?;
    Ok(Value::from(out))
}

/// `{"tag": content}`, with content written by `write` at JSON depth 1.
fn json_tagged(tag: &str, write: impl FnOnce(&mut String) -> Result<(), UtilError>) -> UtilResult {
    json_text(|out| {
        open(out, tag);
        write(out)?;
        out.push('}');
        Ok(())
    })
}

/// `{tag: content}` with the content as it is (not converted to an attribute).
fn tagged<const JSON: bool>(tag: &str, content: Value) -> UtilResult {
    if JSON {
        json_tagged(tag, |out| {
            write_json_at(&content, out, 1);
            Ok(())
        })
    } else {
        Ok(single(tag, content))
    }
}

/// `{tag: text}`, or `{tag: null}` without a text.
fn tagged_text<const JSON: bool>(tag: &str, text: Option<String>) -> UtilResult {
    match text {
        Some(s) if JSON => json_tagged(tag, |out| {
            write_json_str(&s, out);
            Ok(())
        }),
        Some(s) => tagged::<JSON>(tag, Value::from(s)),
        None => tagged::<JSON>(tag, Value::Null),
    }
}

fn to_dynamodb<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let v = any(args, 0);
    if JSON {
        json_text(|out| write_attribute(out, &v, 0, 0))
    } else {
        attribute(&v, 0)
    }
}

fn to_string<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    tagged_text::<JSON>("S", text(args, 0))
}

/// A set: numbers as they are, anything else as its Java string.
fn set_of<const JSON: bool>(tag: &str, args: &[Value], numbers: bool) -> UtilResult {
    let items = list(args, 0)?;
    let items = items.borrow();
    if JSON {
        return json_tagged(tag, |out| {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if numbers {
                    write_json_at(x, out, 2);
                } else if let Value::Str(s) = x {
                    write_json_str(s, out);
                } else {
                    write_json_str(&x.to_java_string(), out);
                }
            }
            out.push(']');
            Ok(())
        });
    }
    let items: Vec<Value> = items
        .iter()
        .map(|x| {
            if numbers {
                x.clone()
            } else {
                Value::from(x.to_java_string())
            }
        })
        .collect();
    Ok(single(tag, Value::list(items)))
}

fn to_string_set<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    set_of::<JSON>("SS", args, false)
}

fn to_number<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let v = any(args, 0);
    let n = match &v {
        Value::Int(_) | Value::BigInt(_) | Value::Decimal(_) | Value::Float(_) | Value::Null => {
            v.clone()
        }
        Value::Str(s) => match s.trim().parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => s
                .trim()
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| UtilError::Invalid(format!("`{s}` is not a number")))?,
        },
        other => {
            return Err(UtilError::Invalid(format!(
                "argument 1 must be a Number, got {}",
                other.type_name()
            )))
        }
    };
    tagged::<JSON>("N", n)
}

fn to_number_set<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    set_of::<JSON>("NS", args, true)
}

fn to_binary<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    tagged_text::<JSON>("B", text(args, 0))
}

fn to_binary_set<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    set_of::<JSON>("BS", args, false)
}

fn to_boolean<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    tagged::<JSON>("BOOL", any(args, 0))
}

fn to_null<const JSON: bool>(_: &mut Call<'_>, _: &[Value]) -> UtilResult {
    tagged::<JSON>("NULL", Value::Null)
}

fn to_list<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let l = list(args, 0)?;
    let l = l.borrow();
    if JSON {
        return json_tagged("L", |out| write_items(out, &l, 0, 1));
    }
    let items = l
        .iter()
        .map(|x| attribute(x, 1))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(single("L", Value::list(items)))
}

fn to_map<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let m = map(args, 0)?;
    let m = m.borrow();
    if JSON {
        json_tagged("M", |out| write_values(out, &m, 0, 1))
    } else {
        Ok(single("M", map_values(&m, 0)?))
    }
}

fn to_map_values<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let m = map(args, 0)?;
    let m = m.borrow();
    if JSON {
        json_text(|out| write_values(out, &m, 0, 0))
    } else {
        map_values(&m, 0)
    }
}

fn to_s3_object<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let key = string(args, 0)?;
    let bucket = string(args, 1)?;
    let region = string(args, 2)?;
    let quote = |s: &str| {
        let mut out = String::new();
        write_json_str(s, &mut out);
        out
    };
    let mut inner = format!(
        "{{ \"s3\" : {{ \"key\" : {}, \"bucket\" : {}, \"region\" : {}",
        quote(&key),
        quote(&bucket),
        quote(&region)
    );
    if let Some(version) = text(args, 3) {
        inner.push_str(&format!(", \"version\" : {}", quote(&version)));
    }
    inner.push_str(" } }");
    tagged_text::<JSON>("S", Some(inner))
}

fn from_s3_object_json(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let s = string(args, 0)?;
    let parsed: serde_json::Value = serde_json::from_str(&s)
        .map_err(|e| UtilError::Invalid(format!("not an S3 object JSON: {e}")))?;
    // Accept both `{"S": "{ \"s3\": … }"}` and the inner `{ "s3": … }`.
    let inner = match parsed.get("S").and_then(|v| v.as_str()) {
        Some(text) => serde_json::from_str(text)
            .map_err(|e| UtilError::Invalid(format!("not an S3 object JSON: {e}")))?,
        None => parsed,
    };
    match inner.get("s3") {
        Some(s3) if s3.is_object() => Ok(crate::value::from_json(s3)),
        _ => Err(UtilError::Invalid("the JSON has no `s3` object".into())),
    }
}

#[cfg(test)]
mod tests;
