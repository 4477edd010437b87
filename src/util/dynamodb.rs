//! `$util.dynamodb.*`: values in DynamoDB's typed attribute format.
//!
//! Numbers are emitted as JSON numbers (`{"N": 5}`) and null as `{"NULL": null}`,
//! as real AppSync emits them (the Amplify simulator writes `"N": "5"`).

use std::rc::Rc;

use super::args::{any, list, map, string, text};
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::{to_json_string, Map, Value};

/// Builds the table: each `pair` row makes the object form and its `…Json` form.
macro_rules! table {
    (pairs: [$(($name:literal, $json:literal, $min:literal, $max:literal, $sig:literal, $doc:literal, $f:ident)),* $(,)?],
     single: [$($row:expr),* $(,)?]) => {
        &[
            $(
                Builtin::new($name, $min, $max, $sig, $doc, $f::<false>),
                Builtin::new($json, $min, $max, $sig, concat!($doc, " As JSON text."), $f::<true>),
            )*
            $($row,)*
        ]
    };
}

static FUNCTIONS: &[Builtin] = table! {
    pairs: [
        ("toDynamoDB", "toDynamoDBJson", 1, 1, "toDynamoDB(Object) : Map", "Any value as a DynamoDB attribute value (S, N, BOOL, NULL, L, M).", to_dynamodb),
        ("toString", "toStringJson", 1, 1, "toString(String) : Map", "A string attribute `{\"S\": …}`.", to_string),
        ("toStringSet", "toStringSetJson", 1, 1, "toStringSet(List<String>) : Map", "A string set `{\"SS\": […]}`.", to_string_set),
        ("toNumber", "toNumberJson", 1, 1, "toNumber(Number) : Map", "A number attribute `{\"N\": …}`.", to_number),
        ("toNumberSet", "toNumberSetJson", 1, 1, "toNumberSet(List<Number>) : Map", "A number set `{\"NS\": […]}`.", to_number_set),
        ("toBinary", "toBinaryJson", 1, 1, "toBinary(String base64) : Map", "A binary attribute `{\"B\": …}`.", to_binary),
        ("toBinarySet", "toBinarySetJson", 1, 1, "toBinarySet(List<String>) : Map", "A binary set `{\"BS\": […]}`.", to_binary_set),
        ("toBoolean", "toBooleanJson", 1, 1, "toBoolean(Boolean) : Map", "A boolean attribute `{\"BOOL\": …}`.", to_boolean),
        ("toNull", "toNullJson", 0, 0, "toNull() : Map", "A null attribute `{\"NULL\": null}`.", to_null),
        ("toList", "toListJson", 1, 1, "toList(List) : Map", "A list attribute `{\"L\": […]}`, items converted.", to_list),
        ("toMap", "toMapJson", 1, 1, "toMap(Map) : Map", "A map attribute `{\"M\": {…}}`, values converted.", to_map),
        ("toMapValues", "toMapValuesJson", 1, 1, "toMapValues(Map) : Map", "The map with each value converted to an attribute value.", to_map_values),
        ("toS3Object", "toS3ObjectJson", 3, 4, "toS3Object(String key, String bucket, String region[, String version]) : Map", "An S3 object reference as a string attribute.", to_s3_object),
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

fn finish<const JSON: bool>(v: Value) -> UtilResult {
    Ok(if JSON {
        Value::from(to_json_string(&v))
    } else {
        v
    })
}

/// Converts any value to an attribute value.
pub(crate) fn attribute(v: &Value, depth: usize) -> Result<Value, UtilError> {
    if depth > crate::value::MAX_DEPTH {
        return Err(UtilError::Invalid(
            "the value nests too deeply (or contains itself)".into(),
        ));
    }
    Ok(match v {
        Value::Null => single("NULL", Value::Null),
        Value::Bool(b) => single("BOOL", Value::Bool(*b)),
        Value::Int(_) | Value::Float(_) => single("N", v.clone()),
        Value::Str(s) => single("S", Value::Str(s.clone())),
        Value::List(l) => {
            let items = l
                .borrow()
                .iter()
                .map(|x| attribute(x, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            single("L", Value::list(items))
        }
        Value::Map(m) => single("M", map_values(&m.borrow(), depth)?),
        other => single("S", Value::from(other.to_java_string())),
    })
}

fn map_values(m: &Map, depth: usize) -> Result<Value, UtilError> {
    let mut out = Map::with_capacity(m.len());
    for (k, v) in m.iter() {
        out.insert(k.clone(), attribute(v, depth + 1)?);
    }
    Ok(Value::map(out))
}

fn to_dynamodb<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    finish::<JSON>(attribute(&any(args, 0), 0)?)
}

fn to_string<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    finish::<JSON>(single(
        "S",
        text(args, 0).map(Value::from).unwrap_or(Value::Null),
    ))
}

fn set_of(tag: &str, args: &[Value], numbers: bool) -> UtilResult {
    let items = list(args, 0)?;
    let items: Vec<Value> = items
        .borrow()
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
    finish::<JSON>(set_of("SS", args, false)?)
}

fn to_number<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let v = any(args, 0);
    let n = match &v {
        Value::Int(_) | Value::Float(_) | Value::Null => v.clone(),
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
    finish::<JSON>(single("N", n))
}

fn to_number_set<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    finish::<JSON>(set_of("NS", args, true)?)
}

fn to_binary<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    finish::<JSON>(single(
        "B",
        text(args, 0).map(Value::from).unwrap_or(Value::Null),
    ))
}

fn to_binary_set<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    finish::<JSON>(set_of("BS", args, false)?)
}

fn to_boolean<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    finish::<JSON>(single("BOOL", any(args, 0)))
}

fn to_null<const JSON: bool>(_: &mut Call<'_>, _: &[Value]) -> UtilResult {
    finish::<JSON>(single("NULL", Value::Null))
}

fn to_list<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let l = list(args, 0)?;
    let items = l
        .borrow()
        .iter()
        .map(|x| attribute(x, 1))
        .collect::<Result<Vec<_>, _>>()?;
    finish::<JSON>(single("L", Value::list(items)))
}

fn to_map<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let m = map(args, 0)?;
    let values = map_values(&m.borrow(), 0)?;
    finish::<JSON>(single("M", values))
}

fn to_map_values<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let m = map(args, 0)?;
    let values = map_values(&m.borrow(), 0)?;
    finish::<JSON>(values)
}

fn to_s3_object<const JSON: bool>(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    let key = string(args, 0)?;
    let bucket = string(args, 1)?;
    let region = string(args, 2)?;
    let quote = |s: &str| {
        let mut out = String::new();
        crate::value::write_json_str(s, &mut out);
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
    finish::<JSON>(single("S", Value::from(inner)))
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
