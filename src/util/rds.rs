//! `$util.rds.*`: RDS Data API results as rows of `{column: value}`.

use std::rc::Rc;

use super::args::text;
use super::{Builtin, Call, UtilError, UtilResult};
use crate::value::{from_json, to_json_string, Map, Value};

/// `$util.rds`
pub static RDS: super::Namespace = super::Namespace {
    name: "rds",
    path: ".rds",
    functions: &[
        Builtin::new("toJsonString", 1, 1, "toJsonString(String serializedSQLResult) : String", "RDS Data API `sqlStatementResults` as JSON text: one list of `{column: value}` rows per statement.", to_json_string_fn),
        Builtin::new("toJsonObject", 1, 1, "toJsonObject(String serializedSQLResult) : Object", "Like toJsonString, as lists and maps.", to_json_object),
    ],
    children: &[],
};

fn field(v: &serde_json::Value) -> Value {
    let Some(obj) = v.as_object() else {
        return from_json(v);
    };
    if obj.get("isNull").and_then(|b| b.as_bool()) == Some(true) {
        return Value::Null;
    }
    for key in [
        "stringValue",
        "longValue",
        "doubleValue",
        "booleanValue",
        "blobValue",
    ] {
        if let Some(x) = obj.get(key) {
            return from_json(x);
        }
    }
    if let Some(array) = obj.get("arrayValue").and_then(|a| a.as_object()) {
        if let Some((_, items)) = array.iter().next() {
            return from_json(items);
        }
    }
    Value::Null
}

fn convert(args: &[Value]) -> Result<Value, UtilError> {
    let Some(s) = text(args, 0) else {
        return Ok(Value::Null);
    };
    let parsed: serde_json::Value = serde_json::from_str(&s)
        .map_err(|e| UtilError::Invalid(format!("not an RDS Data API result: {e}")))?;
    let statements = parsed
        .get("sqlStatementResults")
        .and_then(|r| r.as_array())
        .ok_or_else(|| UtilError::Invalid("the JSON has no `sqlStatementResults` list".into()))?;
    let mut out = Vec::with_capacity(statements.len());
    for statement in statements {
        let frame = statement.get("resultFrame").unwrap_or(statement);
        let columns: Vec<Rc<str>> = frame
            .get("resultSetMetadata")
            .and_then(|m| m.get("columnMetadata"))
            .or_else(|| frame.get("columnMetadata"))
            .and_then(|c| c.as_array())
            .map(|cols| {
                cols.iter()
                    .map(|c| {
                        Rc::from(
                            c.get("label")
                                .or_else(|| c.get("name"))
                                .and_then(|n| n.as_str())
                                .unwrap_or(""),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let rows: Vec<Value> = frame
            .get("records")
            .and_then(|r| r.as_array())
            .map(|records| {
                records
                    .iter()
                    .map(|record| {
                        let values = record
                            .get("values")
                            .and_then(|v| v.as_array())
                            .or_else(|| record.as_array());
                        let mut row = Map::default();
                        for (i, v) in values.into_iter().flatten().enumerate() {
                            let name = columns
                                .get(i)
                                .cloned()
                                .unwrap_or_else(|| Rc::from(i.to_string()));
                            row.insert(name, field(v));
                        }
                        Value::map(row)
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Value::list(rows));
    }
    Ok(Value::list(out))
}

fn to_json_string_fn(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    Ok(Value::from(to_json_string(&convert(args)?)))
}

fn to_json_object(_: &mut Call<'_>, args: &[Value]) -> UtilResult {
    convert(args)
}
